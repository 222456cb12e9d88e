"""Folding events into state. Deterministic: the same log always gives the same state."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from immutables import Map

from . import events as e
from .model import (
    LIVE_REQUEST_STATUSES,
    SHOWN_CLOSED_REQUESTS,
    FloorRequest,
    HearingState,
    Inverse,
    QueueEntry,
    RequestStatus,
    SegmentState,
    SegmentStatus,
    Settings,
    Timer,
    Turn,
)

UNDO_DEPTH = 50

Folder = Callable[[SegmentState, Any], SegmentState]
_FOLDERS: dict[type, Folder] = {}


def _folds(event_type: type) -> Callable[[Folder], Folder]:
    def register(folder: Folder) -> Folder:
        _FOLDERS[event_type] = folder
        return folder

    return register


def apply(state: HearingState, event: e.Event) -> HearingState:
    """Return the state after ``event``; the event's segment moves up one version."""
    if isinstance(event, e.SegmentCreated):
        segment = SegmentState(
            id=event.segment_id, event_id=event.event_id, version=1, details=event.details
        )
    else:
        before = state.segments[event.segment_id]
        segment = _FOLDERS[type(event)](before, event)
        segment = replace(segment, version=before.version + 1)
    return replace(state, segments={**state.segments, segment.id: segment})


def apply_all(state: HearingState, events: Iterable[e.Event]) -> HearingState:
    for event in events:
        state = apply(state, event)
    return state


def requests_changed(segment: SegmentState, event: e.Event) -> tuple[str, ...]:
    """The ids of the requests that folding ``event`` into ``segment`` changes (none or one).

    Read from the event and the state before it, so that whoever tells the delegates concerned
    (``mine``) need not compare every request of the segment: O(queue) at most, not O(requests).
    """
    request_id: str | None = None
    if isinstance(
        event, e.FloorRequested | e.RequestApproved | e.RequestDeclined | e.RequestWithdrawn
    ):
        request_id = event.request_id
    elif isinstance(event, e.TurnStarted):
        request_id = event.entry.request_id
    elif isinstance(event, e.TurnEnded) and segment.current is not None:
        request_id = segment.current.entry.request_id
    elif isinstance(event, e.EntryRemoved):
        index = segment.entry_index(event.entry_id)
        request_id = segment.queue[index].request_id if index is not None else None
    elif isinstance(event, e.ChangeUndone) and segment.undo_stack:
        inverse = segment.undo_stack[-1]
        if inverse.request_status_before is not None:
            request_id = inverse.request_id
    if request_id is None:
        return ()
    if isinstance(event, e.FloorRequested) or request_id in segment.requests:
        return (request_id,)
    return ()


# --- helpers ------------------------------------------------------------------------------------


def _with_request(segment: SegmentState, request: FloorRequest) -> SegmentState:
    """``segment`` with ``request`` added or changed, and its two indexes kept.

    O(log n) in the segment's requests (the map shares every other request with the state
    before) plus O(k) in the few the participant is shown and the pending ones: nothing here
    reads or copies every request."""
    before = segment.requests.get(request.id)
    requests = segment.requests.set(request.id, request)
    changes: dict[str, Any] = {"requests": requests}
    was_pending = before is not None and before.status is RequestStatus.PENDING
    if was_pending != (request.status is RequestStatus.PENDING):
        changes["pending_ids"] = (
            _insert_in_order(segment.pending_ids, request, segment.requests)
            if not was_pending
            else tuple(rid for rid in segment.pending_ids if rid != request.id)
        )
    participant_id = request.speaker.participant_id
    if participant_id is not None:
        shown = segment.request_ids_of.get(participant_id, ())
        if request.id not in shown:  # a new request, or a closed one reopened by an undo
            shown = _insert_in_order(shown, request, requests)
        changes["request_ids_of"] = segment.request_ids_of.set(
            participant_id, _trim(shown, requests)
        )
    return replace(segment, **changes)


def _insert_in_order(
    ids: tuple[str, ...], request: FloorRequest, requests: Map[str, FloorRequest]
) -> tuple[str, ...]:
    """``ids`` (in the order the requests were made) with ``request`` in its place: almost always
    at the end, so the search starts there."""
    index = len(ids)
    while index > 0 and requests[ids[index - 1]].number > request.number:
        index -= 1
    return (*ids[:index], request.id, *ids[index:])


def _trim(ids: tuple[str, ...], requests: Map[str, FloorRequest]) -> tuple[str, ...]:
    """Keep the live requests and the newest ``SHOWN_CLOSED_REQUESTS`` closed ones."""
    kept: list[str] = []
    closed = 0
    for rid in reversed(ids):
        if requests[rid].status in LIVE_REQUEST_STATUSES:
            kept.append(rid)
        elif closed < SHOWN_CLOSED_REQUESTS:
            kept.append(rid)
            closed += 1
    return ids if len(kept) == len(ids) else tuple(reversed(kept))


def _set_status(
    segment: SegmentState, request_id: str | None, status: RequestStatus, **changes: Any
) -> SegmentState:
    if request_id is None or request_id not in segment.requests:
        return segment
    return _with_request(segment, replace(segment.requests[request_id], status=status, **changes))


def _insert(queue: tuple[QueueEntry, ...], index: int, entry: QueueEntry) -> tuple[QueueEntry, ...]:
    return queue[:index] + (entry,) + queue[index:]


def _without(
    segment: SegmentState, entry_id: str
) -> tuple[tuple[QueueEntry, ...], int, QueueEntry]:
    index = segment.entry_index(entry_id)
    assert index is not None, f"entry {entry_id} not in queue"
    return segment.queue[:index] + segment.queue[index + 1 :], index, segment.queue[index]


def _push_undo(segment: SegmentState, inverse: Inverse) -> SegmentState:
    return replace(segment, undo_stack=(segment.undo_stack + (inverse,))[-UNDO_DEPTH:])


def _next_version(segment: SegmentState) -> int:
    return segment.version + 1


def _set_timer(segment: SegmentState, **changes: Any) -> SegmentState:
    assert segment.current is not None
    timer = replace(segment.current.timer, **changes)
    return replace(segment, current=replace(segment.current, timer=timer))


# --- segments -----------------------------------------------------------------------------------


@_folds(e.SegmentUpdated)
def _updated(segment: SegmentState, event: e.SegmentUpdated) -> SegmentState:
    return replace(segment, details=event.details)


@_folds(e.SegmentStarted)
def _started(segment: SegmentState, event: e.SegmentStarted) -> SegmentState:
    first_start = segment.actual_start_at if segment.actual_start_at is not None else event.at
    return replace(
        segment, status=SegmentStatus.LIVE, actual_start_at=first_start, actual_end_at=None
    )


@_folds(e.SegmentEnded)
def _ended(segment: SegmentState, event: e.SegmentEnded) -> SegmentState:
    return replace(segment, status=SegmentStatus.ENDED, actual_end_at=event.at)


# --- requests and the queue ---------------------------------------------------------------------


@_folds(e.FloorRequested)
def _requested(segment: SegmentState, event: e.FloorRequested) -> SegmentState:
    request = FloorRequest(
        id=event.request_id,
        speaker=event.speaker,
        kind=event.kind,
        note=event.note,
        status=RequestStatus.PENDING,
        requested_at=event.at,
        number=len(segment.requests),
    )
    return _with_request(segment, request)


@_folds(e.RequestApproved)
def _approved(segment: SegmentState, event: e.RequestApproved) -> SegmentState:
    segment = replace(segment, queue=_insert(segment.queue, event.index, event.entry))
    segment = _set_status(segment, event.request_id, RequestStatus.QUEUED, entry_id=event.entry.id)
    return _push_undo(
        segment,
        Inverse(
            version=_next_version(segment),
            label=f"approving {event.entry.speaker.name}",
            remove_entry_id=event.entry.id,
            request_id=event.request_id,
            request_status_now=RequestStatus.QUEUED,
            request_status_before=RequestStatus.PENDING,
        ),
    )


@_folds(e.RequestDeclined)
def _declined(segment: SegmentState, event: e.RequestDeclined) -> SegmentState:
    name = segment.requests[event.request_id].speaker.name
    segment = _set_status(segment, event.request_id, RequestStatus.DECLINED, reason=event.reason)
    return _push_undo(
        segment,
        Inverse(
            version=_next_version(segment),
            label=f"declining {name}",
            request_id=event.request_id,
            request_status_now=RequestStatus.DECLINED,
            request_status_before=RequestStatus.PENDING,
        ),
    )


@_folds(e.RequestWithdrawn)
def _withdrawn(segment: SegmentState, event: e.RequestWithdrawn) -> SegmentState:
    request = segment.requests[event.request_id]
    if request.entry_id is not None and segment.entry_index(request.entry_id) is not None:
        queue, _, _ = _without(segment, request.entry_id)
        segment = replace(segment, queue=queue)
    return _set_status(segment, event.request_id, RequestStatus.WITHDRAWN)


@_folds(e.EntryAdded)
def _added(segment: SegmentState, event: e.EntryAdded) -> SegmentState:
    segment = replace(segment, queue=_insert(segment.queue, event.index, event.entry))
    return _push_undo(
        segment,
        Inverse(
            version=_next_version(segment),
            label=f"adding {event.entry.speaker.name}",
            remove_entry_id=event.entry.id,
        ),
    )


@_folds(e.EntryMoved)
def _moved(segment: SegmentState, event: e.EntryMoved) -> SegmentState:
    queue, old_index, entry = _without(segment, event.entry_id)
    segment = replace(segment, queue=_insert(queue, event.index, entry))
    return _push_undo(
        segment,
        Inverse(
            version=_next_version(segment),
            label=f"moving {entry.speaker.name}",
            move_entry_id=entry.id,
            move_index=old_index,
        ),
    )


@_folds(e.EntryRemoved)
def _removed(segment: SegmentState, event: e.EntryRemoved) -> SegmentState:
    queue, index, entry = _without(segment, event.entry_id)
    segment = _set_status(replace(segment, queue=queue), entry.request_id, RequestStatus.REMOVED)
    has_request = entry.request_id is not None
    return _push_undo(
        segment,
        Inverse(
            version=_next_version(segment),
            label=f"removing {entry.speaker.name}",
            insert_entry=entry,
            insert_index=index,
            request_id=entry.request_id,
            request_status_now=RequestStatus.REMOVED if has_request else None,
            request_status_before=RequestStatus.QUEUED if has_request else None,
        ),
    )


@_folds(e.ChangeUndone)
def _undone(segment: SegmentState, event: e.ChangeUndone) -> SegmentState:
    inverse = segment.undo_stack[-1]
    assert inverse.version == event.version, "undo must take back the newest change"
    segment = replace(segment, undo_stack=segment.undo_stack[:-1])
    if inverse.remove_entry_id is not None:
        queue, _, _ = _without(segment, inverse.remove_entry_id)
        segment = replace(segment, queue=queue)
    if inverse.insert_entry is not None:
        index = min(inverse.insert_index, len(segment.queue))
        segment = replace(segment, queue=_insert(segment.queue, index, inverse.insert_entry))
    if inverse.move_entry_id is not None:
        queue, _, entry = _without(segment, inverse.move_entry_id)
        index = min(inverse.move_index, len(queue))
        segment = replace(segment, queue=_insert(queue, index, entry))
    if inverse.request_id is not None and inverse.request_status_before is not None:
        before = inverse.request_status_before
        entry_id = inverse.insert_entry.id if inverse.insert_entry is not None else None
        segment = _set_status(segment, inverse.request_id, before, reason="", entry_id=entry_id)
    return segment


# --- settings -----------------------------------------------------------------------------------


def _settings(segment: SegmentState, **changes: Any) -> SegmentState:
    settings: Settings = replace(segment.settings, **changes)
    return replace(segment, settings=settings)


@_folds(e.FloorModeSet)
def _mode(segment: SegmentState, event: e.FloorModeSet) -> SegmentState:
    return _settings(segment, floor_mode=event.mode)


@_folds(e.ListClosed)
def _closed(segment: SegmentState, event: e.ListClosed) -> SegmentState:
    return _settings(segment, list_open=False)


@_folds(e.ListReopened)
def _reopened(segment: SegmentState, event: e.ListReopened) -> SegmentState:
    return _settings(segment, list_open=True)


@_folds(e.QueueCapSet)
def _cap(segment: SegmentState, event: e.QueueCapSet) -> SegmentState:
    return _settings(segment, queue_cap=event.cap)


@_folds(e.DefaultTimeSet)
def _default_time(segment: SegmentState, event: e.DefaultTimeSet) -> SegmentState:
    times = {**segment.settings.default_times_ms, event.kind: event.duration_ms}
    return _settings(segment, default_times_ms=times)


@_folds(e.ThresholdsSet)
def _thresholds(segment: SegmentState, event: e.ThresholdsSet) -> SegmentState:
    return _settings(segment, warning_ms=event.warning_ms, danger_ms=event.danger_ms)


# --- turns and the timer ------------------------------------------------------------------------


@_folds(e.TurnEnded)
def _turn_ended(segment: SegmentState, event: e.TurnEnded) -> SegmentState:
    assert segment.current is not None
    request_id = segment.current.entry.request_id
    status = RequestStatus.SKIPPED if event.speech is None else RequestStatus.SPOKEN
    segment = _set_status(segment, request_id, status)
    speeches = segment.speeches if event.speech is None else segment.speeches + (event.speech,)
    return replace(segment, current=None, speeches=speeches, message="")


@_folds(e.TurnStarted)
def _turn_started(segment: SegmentState, event: e.TurnStarted) -> SegmentState:
    queue, _, entry = _without(segment, event.entry.id)
    turn = Turn(entry=entry, timer=Timer(allotted_ms=entry.allotted_ms))
    segment = replace(segment, queue=queue, current=turn, message="")
    return _set_status(segment, entry.request_id, RequestStatus.SPEAKING)


@_folds(e.TimerStarted)
def _timer_started(segment: SegmentState, event: e.TimerStarted) -> SegmentState:
    return _set_timer(
        segment, running=True, deadline_at=event.deadline_at, remaining_ms=None, started_at=event.at
    )


@_folds(e.TimerPaused)
def _timer_paused(segment: SegmentState, event: e.TimerPaused) -> SegmentState:
    return _set_timer(segment, running=False, deadline_at=None, remaining_ms=event.remaining_ms)


@_folds(e.TimerResumed)
def _timer_resumed(segment: SegmentState, event: e.TimerResumed) -> SegmentState:
    return _set_timer(segment, running=True, deadline_at=event.deadline_at, remaining_ms=None)


@_folds(e.TimeAdjusted)
def _adjusted(segment: SegmentState, event: e.TimeAdjusted) -> SegmentState:
    assert segment.current is not None
    timer = segment.current.timer
    added = timer.added_ms + event.delta_ms
    if timer.running:
        assert timer.deadline_at is not None
        return _set_timer(segment, added_ms=added, deadline_at=timer.deadline_at + event.delta_ms)
    if timer.remaining_ms is None:
        return _set_timer(segment, added_ms=added)
    return _set_timer(segment, added_ms=added, remaining_ms=timer.remaining_ms + event.delta_ms)


@_folds(e.TimerReset)
def _timer_reset(segment: SegmentState, event: e.TimerReset) -> SegmentState:
    assert segment.current is not None
    timer = Timer(allotted_ms=segment.current.entry.allotted_ms)
    return replace(segment, current=replace(segment.current, timer=timer))


@_folds(e.MessageSet)
def _message_set(segment: SegmentState, event: e.MessageSet) -> SegmentState:
    return replace(segment, message=event.text)


@_folds(e.MessageCleared)
def _message_cleared(segment: SegmentState, event: e.MessageCleared) -> SegmentState:
    return replace(segment, message="")
