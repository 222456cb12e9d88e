"""Events: the facts the log keeps. State is folded from them, so each carries every value
the fold needs (instants, indexes, new ids); folding never consults a clock."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from .model import (
    Constituency,
    FloorMode,
    LegacySpeech,
    QueueEntry,
    RequestStatus,
    SegmentDetails,
    Signal,
    Speaker,
    Speech,
    TurnKind,
)


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    segment_id: str


class UndoMark(BaseModel):
    """Marks the first event of a console command that undo can take back."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: the command's type, e.g. ``call_next``
    command: str
    #: what the console calls it, e.g. ``calling next`` ("Undo calling next")
    label: str
    #: whom it concerns, when a person (``Amina Diallo`` for ``calling Amina Diallo``): what a
    #: console in another language than the label's shows beside its own words for the command
    subject: str = ""
    #: why the console may not take it back, a ``possible.UNDO_REASONS`` reason: ``import`` (the
    #: secretariat's import queued a panellist: a stray Undo at the day's start must not take
    #: them out; a log of 2026-12-05 holds that reason's English words instead); "" when it may
    blocked: str = ""


class UndoableEvent(_Event):
    """An event a console command can cause. The command's first event carries ``undo``: folding
    it keeps the floor as it was before, for undo to restore; the command's later events carry
    none (nor does an event of a log written before undo was exact)."""

    undo: UndoMark | None = None


class EndingEvent(UndoableEvent):
    """An ending that may come from another segment: ``superseded_by`` names the segment that
    became live instead (its ``start_segment``, or an undo there that made it live again);
    null when this segment's own command ended it. Nothing earlier can then be undone here."""

    superseded_by: str | None = None


class SegmentCreated(_Event):
    type: Literal["segment_created"] = "segment_created"
    event_id: str
    details: SegmentDetails


class SegmentUpdated(_Event):
    type: Literal["segment_updated"] = "segment_updated"
    details: SegmentDetails


class SegmentStarted(UndoableEvent):
    """The segment is live from ``at``. ``supersedes``: the segment this start ended (its events
    come first, with ``superseded_by``), which undoing the start brings back; null if none (or
    a log written before it was kept). ``brought_back_by``: null, or the segment whose start
    ended this one and has just been undone there: this one is live again with its floor as that
    start ended it (``SegmentState.superseded``), its turns counting on from ``at`` (the time it
    stood ended is not theirs)."""

    type: Literal["segment_started"] = "segment_started"
    at: int
    supersedes: str | None = None
    brought_back_by: str | None = None


class SegmentEnded(EndingEvent):
    type: Literal["segment_ended"] = "segment_ended"
    at: int


class ResumptionAnnounced(_Event):
    """When the meeting resumes after a break, as announced (null: withdrawn)."""

    type: Literal["resumption_announced"] = "resumption_announced"
    at: int | None


class SegmentRemoved(_Event):
    """Taken out of the programme before it ever ran (the desk's *Remove*)."""

    type: Literal["segment_removed"] = "segment_removed"


class FloorRequested(_Event):
    type: Literal["floor_requested"] = "floor_requested"
    request_id: str
    speaker: Speaker
    kind: TurnKind
    note: str
    at: int


class RequestApproved(UndoableEvent):
    type: Literal["request_approved"] = "request_approved"
    request_id: str
    entry: QueueEntry
    index: int


class RequestDeclined(UndoableEvent):
    type: Literal["request_declined"] = "request_declined"
    request_id: str
    reason: str


class RequestWithdrawn(_Event):
    type: Literal["request_withdrawn"] = "request_withdrawn"
    request_id: str


class EntryAdded(UndoableEvent):
    type: Literal["entry_added"] = "entry_added"
    entry: QueueEntry
    index: int


class EntryMoved(UndoableEvent):
    type: Literal["entry_moved"] = "entry_moved"
    entry_id: str
    index: int


class EntryRemoved(UndoableEvent):
    type: Literal["entry_removed"] = "entry_removed"
    entry_id: str


class EntryEdited(UndoableEvent):
    """A waiting entry changed (``entry``, whole, same id and request), now at ``index``. Its
    request, if any, takes the entry's kind."""

    type: Literal["entry_edited"] = "entry_edited"
    entry: QueueEntry
    index: int


class SpeakerCorrected(_Event):
    """A participant's particulars corrected in the registry: ``speaker`` (whole, with its
    ``participant_id``) replaces how the segment showed them, everywhere (floor/corrections.py).
    Not undoable, and not taken back by an undo."""

    type: Literal["speaker_corrected"] = "speaker_corrected"
    speaker: Speaker
    #: the floor particulars each turn keeps as the moderator set them (floor/corrections.py)
    keep: tuple[str, ...] = ()


class Approval(BaseModel):
    """One request of ``requests_approved``: its new entry, placed at ``index`` (in the queue as
    the approvals before it in the same event left it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    request_id: str
    entry: QueueEntry
    index: int


class RequestsApproved(UndoableEvent):
    """Several pending requests approved in one step, in order (``apply_order``)."""

    type: Literal["requests_approved"] = "requests_approved"
    approvals: list[Approval]


class QueueReordered(UndoableEvent):
    """The queue put in this order (``order``: every waiting entry's id, once)."""

    type: Literal["queue_reordered"] = "queue_reordered"
    order: list[str]


class QueueTimesSet(UndoableEvent):
    """These waiting entries were given ``allotted_ms`` each."""

    type: Literal["queue_times_set"] = "queue_times_set"
    entry_ids: list[str]
    allotted_ms: int


class Carried(BaseModel):
    """A request that goes with a carried speaker, as the receiving segment keeps it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    speaker: Speaker
    kind: TurnKind
    note: str
    status: RequestStatus
    requested_at: int
    entry_id: str | None = None


class QueueCarried(_Event):
    """The speakers still waiting in an ended segment left it: to ``to_segment_id`` (its
    ``queue_received`` follows), or dropped (null). Its queue empties; their requests are
    removed here with a reason that says where they went."""

    type: Literal["queue_carried"] = "queue_carried"
    to_segment_id: str | None
    entry_ids: list[str]
    request_ids: list[str]
    reason: str


class QueueReceived(_Event):
    """Speakers carried here from ``from_segment_id``: their entries join the end of the queue,
    their requests (queued or pending) are this segment's now."""

    type: Literal["queue_received"] = "queue_received"
    from_segment_id: str
    entries: list[QueueEntry]
    requests: list[Carried]


class SignalRaised(_Event):
    type: Literal["signal_raised"] = "signal_raised"
    signal: Signal


class SignalCleared(_Event):
    """``signal_id`` cleared, or every signal (null)."""

    type: Literal["signal_cleared"] = "signal_cleared"
    signal_id: str | None


class BudgetSet(UndoableEvent):
    type: Literal["budget_set"] = "budget_set"
    constituency: Constituency
    budget_ms: int | None


class ChangeUndone(_Event):
    """Takes back the command whose first event made ``version`` (the top of the undo stack):
    the floor goes back to as it was before it (an older log's entry: its queue change).

    ``at``: when (null in a log written before it was kept). Taking back the end of the segment,
    the turns on the floor count on from ``at``: the time it stood ended is not theirs (a log
    without ``at`` gives them back their timers as they were, a running one's deadline kept)."""

    type: Literal["change_undone"] = "change_undone"
    version: int
    at: int | None = None


class FloorModeSet(UndoableEvent):
    type: Literal["floor_mode_set"] = "floor_mode_set"
    mode: FloorMode


class ListClosed(UndoableEvent):
    type: Literal["list_closed"] = "list_closed"


class ListReopened(UndoableEvent):
    type: Literal["list_reopened"] = "list_reopened"


class QueueCapSet(UndoableEvent):
    type: Literal["queue_cap_set"] = "queue_cap_set"
    cap: int | None


class DefaultTimeSet(UndoableEvent):
    type: Literal["default_time_set"] = "default_time_set"
    kind: TurnKind
    duration_ms: int


class ThresholdsSet(UndoableEvent):
    type: Literal["thresholds_set"] = "thresholds_set"
    warning_ms: int
    danger_ms: int


class StartTimerOnCallSet(UndoableEvent):
    type: Literal["start_timer_on_call_set"] = "start_timer_on_call_set"
    enabled: bool


class PointsOfOrderSet(UndoableEvent):
    type: Literal["points_of_order_set"] = "points_of_order_set"
    enabled: bool


class TurnEnded(EndingEvent):
    """The current turn is over; ``speech`` is its record entry, timed or not, skipped or not.

    Logs written before every turn was in the record hold a ``LegacySpeech`` (a timed turn) or
    null (a turn whose timer never started, then counted as skipped); folding converts both."""

    type: Literal["turn_ended"] = "turn_ended"
    entry_id: str
    speech: Speech | LegacySpeech | None
    at: int


class TurnStarted(UndoableEvent):
    """The first queued entry takes the floor; its timer is loaded, not started. ``by``: who
    called them (the access link's id, or the role of a key that has none), so that another
    console's or button box's press in the same instant does not move the floor on again
    (``possible.just_called``); None in logs written before it was kept. ``TurnInterposed`` and
    ``TurnReturned`` keep theirs the same way."""

    type: Literal["turn_started"] = "turn_started"
    entry: QueueEntry
    at: int
    by: str | None = None


class TurnInterposed(UndoableEvent):
    """An interposed question or answer takes the floor at once, its timer loaded, not started.
    The turn speaking (``interposed_in``: its entry id) is paused; after an interposed question
    (ended just before, ``answers``: its entry id) the turn it paused stays paused."""

    type: Literal["turn_interposed"] = "turn_interposed"
    entry: QueueEntry
    at: int
    interposed_in: str
    answers: str | None = None
    by: str | None = None


class TurnReturned(UndoableEvent):
    """The interposed turn has ended: the turn it paused (``entry_id``) has the floor again, its
    timer as it was."""

    type: Literal["turn_returned"] = "turn_returned"
    entry_id: str
    at: int
    by: str | None = None


class TimerStarted(UndoableEvent):
    type: Literal["timer_started"] = "timer_started"
    at: int
    deadline_at: int


class TimerPaused(UndoableEvent):
    type: Literal["timer_paused"] = "timer_paused"
    at: int
    remaining_ms: int


class TimerResumed(UndoableEvent):
    type: Literal["timer_resumed"] = "timer_resumed"
    at: int
    deadline_at: int


class TimeAdjusted(UndoableEvent):
    type: Literal["time_adjusted"] = "time_adjusted"
    delta_ms: int


class TimerReset(UndoableEvent):
    """The countdown starts afresh; the time it had run stays on the turn's record. ``at`` is
    null in logs written before it was kept (a running timer's time before the reset is lost)."""

    type: Literal["timer_reset"] = "timer_reset"
    at: int | None = None


class MessageSet(UndoableEvent):
    type: Literal["message_set"] = "message_set"
    text: str


class MessageCleared(UndoableEvent):
    type: Literal["message_cleared"] = "message_cleared"


class NotesSet(UndoableEvent):
    type: Literal["notes_set"] = "notes_set"
    text: str


Event = Annotated[
    SegmentCreated
    | SegmentUpdated
    | SegmentStarted
    | SegmentEnded
    | SegmentRemoved
    | ResumptionAnnounced
    | FloorRequested
    | RequestApproved
    | RequestDeclined
    | RequestWithdrawn
    | EntryAdded
    | EntryMoved
    | EntryRemoved
    | EntryEdited
    | SpeakerCorrected
    | RequestsApproved
    | QueueReordered
    | QueueTimesSet
    | QueueCarried
    | QueueReceived
    | SignalRaised
    | SignalCleared
    | BudgetSet
    | ChangeUndone
    | FloorModeSet
    | ListClosed
    | ListReopened
    | QueueCapSet
    | DefaultTimeSet
    | ThresholdsSet
    | StartTimerOnCallSet
    | PointsOfOrderSet
    | TurnEnded
    | TurnStarted
    | TurnInterposed
    | TurnReturned
    | TimerStarted
    | TimerPaused
    | TimerResumed
    | TimeAdjusted
    | TimerReset
    | MessageSet
    | MessageCleared
    | NotesSet,
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
