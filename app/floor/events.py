"""Events: the facts the log keeps. State is folded from them, so each carries every value
the fold needs (instants, indexes, new ids); folding never consults a clock."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from .model import FloorMode, QueueEntry, SegmentDetails, Speaker, Speech, TurnKind


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    segment_id: str


class SegmentCreated(_Event):
    type: Literal["segment_created"] = "segment_created"
    event_id: str
    details: SegmentDetails


class SegmentUpdated(_Event):
    type: Literal["segment_updated"] = "segment_updated"
    details: SegmentDetails


class SegmentStarted(_Event):
    type: Literal["segment_started"] = "segment_started"
    at: int


class SegmentEnded(_Event):
    type: Literal["segment_ended"] = "segment_ended"
    at: int


class FloorRequested(_Event):
    type: Literal["floor_requested"] = "floor_requested"
    request_id: str
    speaker: Speaker
    kind: TurnKind
    note: str
    at: int


class RequestApproved(_Event):
    type: Literal["request_approved"] = "request_approved"
    request_id: str
    entry: QueueEntry
    index: int


class RequestDeclined(_Event):
    type: Literal["request_declined"] = "request_declined"
    request_id: str
    reason: str


class RequestWithdrawn(_Event):
    type: Literal["request_withdrawn"] = "request_withdrawn"
    request_id: str


class EntryAdded(_Event):
    type: Literal["entry_added"] = "entry_added"
    entry: QueueEntry
    index: int


class EntryMoved(_Event):
    type: Literal["entry_moved"] = "entry_moved"
    entry_id: str
    index: int


class EntryRemoved(_Event):
    type: Literal["entry_removed"] = "entry_removed"
    entry_id: str


class ChangeUndone(_Event):
    """Takes back the queue change made at ``version`` (the top of the undo stack)."""

    type: Literal["change_undone"] = "change_undone"
    version: int


class FloorModeSet(_Event):
    type: Literal["floor_mode_set"] = "floor_mode_set"
    mode: FloorMode


class ListClosed(_Event):
    type: Literal["list_closed"] = "list_closed"


class ListReopened(_Event):
    type: Literal["list_reopened"] = "list_reopened"


class QueueCapSet(_Event):
    type: Literal["queue_cap_set"] = "queue_cap_set"
    cap: int | None


class DefaultTimeSet(_Event):
    type: Literal["default_time_set"] = "default_time_set"
    kind: TurnKind
    duration_ms: int


class ThresholdsSet(_Event):
    type: Literal["thresholds_set"] = "thresholds_set"
    warning_ms: int
    danger_ms: int


class TurnEnded(_Event):
    """The current turn is over. ``speech`` is None when its timer never started (skipped)."""

    type: Literal["turn_ended"] = "turn_ended"
    entry_id: str
    speech: Speech | None
    at: int


class TurnStarted(_Event):
    """The first queued entry takes the floor; its timer is loaded, not started."""

    type: Literal["turn_started"] = "turn_started"
    entry: QueueEntry
    at: int


class TimerStarted(_Event):
    type: Literal["timer_started"] = "timer_started"
    at: int
    deadline_at: int


class TimerPaused(_Event):
    type: Literal["timer_paused"] = "timer_paused"
    at: int
    remaining_ms: int


class TimerResumed(_Event):
    type: Literal["timer_resumed"] = "timer_resumed"
    at: int
    deadline_at: int


class TimeAdjusted(_Event):
    type: Literal["time_adjusted"] = "time_adjusted"
    delta_ms: int


class TimerReset(_Event):
    type: Literal["timer_reset"] = "timer_reset"


class MessageSet(_Event):
    type: Literal["message_set"] = "message_set"
    text: str


class MessageCleared(_Event):
    type: Literal["message_cleared"] = "message_cleared"


Event = Annotated[
    SegmentCreated
    | SegmentUpdated
    | SegmentStarted
    | SegmentEnded
    | FloorRequested
    | RequestApproved
    | RequestDeclined
    | RequestWithdrawn
    | EntryAdded
    | EntryMoved
    | EntryRemoved
    | ChangeUndone
    | FloorModeSet
    | ListClosed
    | ListReopened
    | QueueCapSet
    | DefaultTimeSet
    | ThresholdsSet
    | TurnEnded
    | TurnStarted
    | TimerStarted
    | TimerPaused
    | TimerResumed
    | TimeAdjusted
    | TimerReset
    | MessageSet
    | MessageCleared,
    Field(discriminator="type"),
]

_EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def event_to_json(event: Event) -> dict[str, Any]:
    return _EVENT_ADAPTER.dump_python(event, mode="json")  # type: ignore[no-any-return]


def event_from_json(data: dict[str, Any]) -> Event:
    return _EVENT_ADAPTER.validate_python(data)


def event_types() -> list[str]:
    args = Event.__origin__.__args__  # type: ignore[attr-defined]
    return [arg.model_fields["type"].default for arg in args]
