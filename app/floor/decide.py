"""The rules of the floor: a command and the current state in, events out.

Pure: no I/O, no clock of its own (``Context.now`` is passed in), no id generator of its own.
Every refusal raises a FloorError whose message names the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from . import commands as c
from . import events as e
from . import possible
from .errors import FloorError, Forbidden, NotFound, StaleVersion
from .model import (
    OPEN_REQUEST_STATUSES,
    FloorMode,
    FloorRequest,
    HearingState,
    QueueEntry,
    RequestStatus,
    SegmentDetails,
    SegmentState,
    SegmentStatus,
    Speaker,
    Speech,
    Turn,
    TurnKind,
)
from .ordering import insertion_index
from .roles import Actor, roles_for


@dataclass(frozen=True)
class Context:
    now: int
    actor: Actor
    new_id: Callable[[], str]
    speakers: Mapping[str, Speaker]


Handler = Callable[[SegmentState, Any, Context], list[e.Event]]
_HANDLERS: dict[type, Handler] = {}


def _handles(command_type: type) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[command_type] = handler
        return handler

    return register


def decide(
    state: HearingState,
    segment_id: str | None,
    command: c.SegmentCommand | c.CreateSegment,
    ctx: Context,
    base_version: int | None = None,
) -> list[e.Event]:
    """Check ``command`` against the rules and return the events it causes (maybe none)."""
    if ctx.actor.role not in roles_for(command.type):
        raise Forbidden(f"a {ctx.actor.role} may not send {command.type}")
    if isinstance(command, c.CreateSegment):
        return _create_segment(state, command, ctx)
    segment = state.segments.get(segment_id or "")
    if segment is None:
        raise NotFound(f"no segment {segment_id!r} in event {state.event_id!r}")
    if base_version is not None and base_version != segment.version:
        raise StaleVersion(
            f"the command was based on version {base_version} but segment {segment.id} is at "
            f"version {segment.version}: someone else changed it first"
        )
    if isinstance(command, c.StartSegment):
        return _start_segment(state, segment, ctx)
    return _HANDLERS[type(command)](segment, command, ctx)


# --- segments -----------------------------------------------------------------------------------


def _check_schedule(start: int | None, end: int | None) -> None:
    if start is not None and end is not None and end < start:
        raise FloorError(
            "scheduled_end_at is before scheduled_start_at", code="invalid_schedule", status=422
        )


def _create_segment(state: HearingState, cmd: c.CreateSegment, ctx: Context) -> list[e.Event]:
    _check_schedule(cmd.scheduled_start_at, cmd.scheduled_end_at)
    details = SegmentDetails(**cmd.model_dump(exclude={"type"}))
    return [e.SegmentCreated(segment_id=ctx.new_id(), event_id=state.event_id, details=details)]


def _start_segment(state: HearingState, segment: SegmentState, ctx: Context) -> list[e.Event]:
    if segment.status is SegmentStatus.LIVE:
        raise FloorError(f"segment {segment.details.title!r} is already live", code="already_live")
    out: list[e.Event] = []
    live_id = state.live_segment_id
    if live_id is not None:
        out += _end_segment(state.segments[live_id], c.EndSegment(), ctx)
    out.append(e.SegmentStarted(segment_id=segment.id, at=ctx.now))
    return out


@_handles(c.EndSegment)
def _end_segment(segment: SegmentState, cmd: c.EndSegment, ctx: Context) -> list[e.Event]:
    if segment.status is not SegmentStatus.LIVE:
        raise FloorError(f"segment {segment.details.title!r} is not live", code="not_live")
    out: list[e.Event] = []
    if segment.current is not None:
        out.append(_turn_ended(segment, segment.current, ctx.now))
    out.append(e.SegmentEnded(segment_id=segment.id, at=ctx.now))
    return out


@_handles(c.UpdateSegment)
def _update_segment(segment: SegmentState, cmd: c.UpdateSegment, ctx: Context) -> list[e.Event]:
    changes = cmd.model_dump(exclude={"type"}, exclude_none=True)
    details = replace(segment.details, **changes)
    _check_schedule(details.scheduled_start_at, details.scheduled_end_at)
    if details == segment.details:
        return []
    return [e.SegmentUpdated(segment_id=segment.id, details=details)]


# --- floor requests -----------------------------------------------------------------------------


def _refuse(refusal: FloorError | None) -> None:
    """Raise what ``possible`` says refuses the command (the faces are shown the same)."""
    if refusal is not None:
        raise refusal


def _check_cap(segment: SegmentState) -> None:
    _refuse(possible.queue_full(segment))


def _new_entry(
    segment: SegmentState,
    ctx: Context,
    request_id: str,
    speaker: Speaker,
    kind: TurnKind,
    note: str,
) -> QueueEntry:
    allotted = segment.settings.default_times_ms[kind]
    return QueueEntry(
        id=ctx.new_id(),
        speaker=speaker,
        kind=kind,
        allotted_ms=allotted,
        request_id=request_id,
        note=note,
    )


@_handles(c.RequestFloor)
def _request_floor(segment: SegmentState, cmd: c.RequestFloor, ctx: Context) -> list[e.Event]:
    participant_id = ctx.actor.participant_id
    speaker = ctx.speakers.get(participant_id or "")
    if participant_id is None or speaker is None:
        raise Forbidden("only a registered participant may request the floor")
    _refuse(possible.request_floor_here(segment, cmd.kind))
    _refuse(possible.request_floor_by(segment, participant_id, cmd.kind))
    request_id = ctx.new_id()
    requested = e.FloorRequested(
        segment_id=segment.id,
        request_id=request_id,
        speaker=speaker,
        kind=cmd.kind,
        note=cmd.note.strip(),
        at=ctx.now,
    )
    if segment.settings.floor_mode is FloorMode.MODERATED:
        return [requested]
    _refuse(possible.request_floor_room(segment))
    entry = _new_entry(segment, ctx, request_id, speaker, cmd.kind, requested.note)
    index = insertion_index(segment.queue, cmd.kind, None)
    return [
        requested,
        e.RequestApproved(segment_id=segment.id, request_id=request_id, entry=entry, index=index),
    ]


def _request(segment: SegmentState, request_id: str) -> FloorRequest:
    request = segment.requests.get(request_id)
    if request is None:
        raise NotFound(f"no floor request {request_id!r} in segment {segment.id}")
    return request


@_handles(c.WithdrawRequest)
def _withdraw(segment: SegmentState, cmd: c.WithdrawRequest, ctx: Context) -> list[e.Event]:
    request = _request(segment, cmd.request_id)
    if not ctx.actor.runs_the_floor and request.speaker.participant_id != ctx.actor.participant_id:
        raise Forbidden("you may only withdraw your own request")
    if request.status not in OPEN_REQUEST_STATUSES:
        raise FloorError(
            f"the request is {request.status}: only a pending or queued request can be withdrawn",
            code="not_withdrawable",
        )
    return [e.RequestWithdrawn(segment_id=segment.id, request_id=request.id)]


@_handles(c.ApproveRequest)
def _approve(segment: SegmentState, cmd: c.ApproveRequest, ctx: Context) -> list[e.Event]:
    request = _request(segment, cmd.request_id)
    if request.status is not RequestStatus.PENDING:
        raise FloorError(f"the request is {request.status}, not pending", code="not_pending")
    _check_cap(segment)
    entry = _new_entry(segment, ctx, request.id, request.speaker, request.kind, request.note)
    index = insertion_index(segment.queue, request.kind, cmd.position)
    return [
        e.RequestApproved(segment_id=segment.id, request_id=request.id, entry=entry, index=index)
    ]


@_handles(c.DeclineRequest)
def _decline(segment: SegmentState, cmd: c.DeclineRequest, ctx: Context) -> list[e.Event]:
    request = _request(segment, cmd.request_id)
    if request.status is not RequestStatus.PENDING:
        raise FloorError(f"the request is {request.status}, not pending", code="not_pending")
    return [
        e.RequestDeclined(segment_id=segment.id, request_id=request.id, reason=cmd.reason.strip())
    ]


# --- the queue ----------------------------------------------------------------------------------


@_handles(c.AddSpeaker)
def _add_speaker(segment: SegmentState, cmd: c.AddSpeaker, ctx: Context) -> list[e.Event]:
    if segment.status is SegmentStatus.ENDED:
        raise FloorError(f"segment {segment.details.title!r} has ended", code="segment_ended")
    if cmd.participant_id is not None:
        speaker = ctx.speakers.get(cmd.participant_id)
        if speaker is None:
            raise NotFound(f"no participant {cmd.participant_id!r} in this event")
        if possible.holds_place(segment, cmd.participant_id, cmd.kind is TurnKind.POINT_OF_ORDER):
            raise FloorError(
                f"{speaker.name} already has an open request or place in the queue",
                code="already_queued",
            )
    else:
        name = cmd.name.strip()
        if not name:
            raise FloorError(
                "add_speaker needs a participant_id or a name", code="invalid", status=422
            )
        speaker = Speaker(
            name=name, organisation=cmd.organisation.strip(), constituency=cmd.constituency
        )
    allotted = cmd.allotted_ms or segment.settings.default_times_ms[cmd.kind]
    entry = QueueEntry(
        id=ctx.new_id(), speaker=speaker, kind=cmd.kind, allotted_ms=allotted, note=cmd.note.strip()
    )
    index = insertion_index(segment.queue, cmd.kind, cmd.position)
    return [e.EntryAdded(segment_id=segment.id, entry=entry, index=index)]


def _entry_index(segment: SegmentState, entry_id: str) -> int:
    index = segment.entry_index(entry_id)
    if index is None:
        raise NotFound(f"no entry {entry_id!r} in the queue of segment {segment.id}")
    return index


@_handles(c.MoveEntry)
def _move(segment: SegmentState, cmd: c.MoveEntry, ctx: Context) -> list[e.Event]:
    index = _entry_index(segment, cmd.entry_id)
    target = min(cmd.position, len(segment.queue) - 1)
    if target == index:
        return []
    return [e.EntryMoved(segment_id=segment.id, entry_id=cmd.entry_id, index=target)]


@_handles(c.RemoveEntry)
def _remove(segment: SegmentState, cmd: c.RemoveEntry, ctx: Context) -> list[e.Event]:
    _entry_index(segment, cmd.entry_id)
    return [e.EntryRemoved(segment_id=segment.id, entry_id=cmd.entry_id)]


@_handles(c.Undo)
def _undo(segment: SegmentState, cmd: c.Undo, ctx: Context) -> list[e.Event]:
    _refuse(possible.undo(segment))
    return [e.ChangeUndone(segment_id=segment.id, version=segment.undo_stack[-1].version)]


# --- list settings ------------------------------------------------------------------------------


@_handles(c.SetFloorMode)
def _set_mode(segment: SegmentState, cmd: c.SetFloorMode, ctx: Context) -> list[e.Event]:
    if segment.settings.floor_mode is cmd.mode:
        return []
    return [e.FloorModeSet(segment_id=segment.id, mode=cmd.mode)]


@_handles(c.CloseList)
def _close(segment: SegmentState, cmd: c.CloseList, ctx: Context) -> list[e.Event]:
    return [e.ListClosed(segment_id=segment.id)] if segment.settings.list_open else []


@_handles(c.ReopenList)
def _reopen(segment: SegmentState, cmd: c.ReopenList, ctx: Context) -> list[e.Event]:
    return [] if segment.settings.list_open else [e.ListReopened(segment_id=segment.id)]


@_handles(c.SetQueueCap)
def _set_cap(segment: SegmentState, cmd: c.SetQueueCap, ctx: Context) -> list[e.Event]:
    if segment.settings.queue_cap == cmd.cap:
        return []
    return [e.QueueCapSet(segment_id=segment.id, cap=cmd.cap)]


@_handles(c.SetDefaultTime)
def _set_default(segment: SegmentState, cmd: c.SetDefaultTime, ctx: Context) -> list[e.Event]:
    if segment.settings.default_times_ms[cmd.kind] == cmd.duration_ms:
        return []
    return [e.DefaultTimeSet(segment_id=segment.id, kind=cmd.kind, duration_ms=cmd.duration_ms)]


@_handles(c.SetThresholds)
def _set_thresholds(segment: SegmentState, cmd: c.SetThresholds, ctx: Context) -> list[e.Event]:
    if cmd.danger_ms > cmd.warning_ms:
        raise FloorError(
            "danger_ms must not be more than warning_ms (red comes after amber)",
            code="invalid_thresholds",
            status=422,
        )
    settings = segment.settings
    if (settings.warning_ms, settings.danger_ms) == (cmd.warning_ms, cmd.danger_ms):
        return []
    return [
        e.ThresholdsSet(segment_id=segment.id, warning_ms=cmd.warning_ms, danger_ms=cmd.danger_ms)
    ]


# --- turns and the timer ------------------------------------------------------------------------


def _turn_ended(segment: SegmentState, turn: Turn, now: int) -> e.TurnEnded:
    timer = turn.timer
    speech = None
    if timer.started_at is not None:
        remaining = timer.remaining_at(now)
        speech = Speech(
            entry_id=turn.entry.id,
            speaker=turn.entry.speaker,
            kind=turn.entry.kind,
            allotted_ms=timer.total_ms,
            started_at=timer.started_at,
            ended_at=now,
            spoken_ms=timer.total_ms - remaining,
            overrun_ms=max(0, -remaining),
            request_id=turn.entry.request_id,
        )
    return e.TurnEnded(segment_id=segment.id, entry_id=turn.entry.id, speech=speech, at=now)


def _current(segment: SegmentState) -> Turn:
    _refuse(possible.no_speaker(segment))
    assert segment.current is not None
    return segment.current


@_handles(c.CallNext)
def _call_next(segment: SegmentState, cmd: c.CallNext, ctx: Context) -> list[e.Event]:
    _refuse(possible.call_next(segment))
    out: list[e.Event] = []
    if segment.current is not None:
        out.append(_turn_ended(segment, segment.current, ctx.now))
    if segment.queue:
        out.append(e.TurnStarted(segment_id=segment.id, entry=segment.queue[0], at=ctx.now))
    return out


@_handles(c.EndTurn)
def _end_turn(segment: SegmentState, cmd: c.EndTurn, ctx: Context) -> list[e.Event]:
    _refuse(possible.end_turn(segment))
    return [_turn_ended(segment, _current(segment), ctx.now)]


@_handles(c.StartTimer)
def _start(segment: SegmentState, cmd: c.StartTimer, ctx: Context) -> list[e.Event]:
    _refuse(possible.start_timer(segment))
    timer = _current(segment).timer
    deadline = ctx.now + timer.remaining_at(ctx.now)
    return [e.TimerStarted(segment_id=segment.id, at=ctx.now, deadline_at=deadline)]


@_handles(c.PauseTimer)
def _pause(segment: SegmentState, cmd: c.PauseTimer, ctx: Context) -> list[e.Event]:
    _refuse(possible.pause_timer(segment))
    timer = _current(segment).timer
    return [
        e.TimerPaused(segment_id=segment.id, at=ctx.now, remaining_ms=timer.remaining_at(ctx.now))
    ]


@_handles(c.ResumeTimer)
def _resume(segment: SegmentState, cmd: c.ResumeTimer, ctx: Context) -> list[e.Event]:
    _refuse(possible.resume_timer(segment))
    timer = _current(segment).timer
    deadline = ctx.now + timer.remaining_at(ctx.now)
    return [e.TimerResumed(segment_id=segment.id, at=ctx.now, deadline_at=deadline)]


@_handles(c.AdjustTime)
def _adjust(segment: SegmentState, cmd: c.AdjustTime, ctx: Context) -> list[e.Event]:
    _refuse(possible.adjust_time(segment))
    return [e.TimeAdjusted(segment_id=segment.id, delta_ms=cmd.delta_ms)]


@_handles(c.ResetTimer)
def _reset(segment: SegmentState, cmd: c.ResetTimer, ctx: Context) -> list[e.Event]:
    _refuse(possible.reset_timer(segment))
    timer = _current(segment).timer
    if timer.state == "idle" and timer.added_ms == 0:
        return []
    return [e.TimerReset(segment_id=segment.id)]


@_handles(c.SetMessage)
def _set_message(segment: SegmentState, cmd: c.SetMessage, ctx: Context) -> list[e.Event]:
    text = cmd.text.strip()
    if not text:
        raise FloorError("the message is empty", code="invalid", status=422)
    return [] if text == segment.message else [e.MessageSet(segment_id=segment.id, text=text)]


@_handles(c.ClearMessage)
def _clear_message(segment: SegmentState, cmd: c.ClearMessage, ctx: Context) -> list[e.Event]:
    return [e.MessageCleared(segment_id=segment.id)] if segment.message else []
