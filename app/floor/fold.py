"""Folding events into state. Deterministic: the same log always gives the same state."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, TypeVar

from immutables import Map

from . import corrections
from . import events as e
from .model import (
    LIVE_REQUEST_STATUSES,
    SHOWN_CLOSED_REQUESTS,
    FloorRequest,
    HearingState,
    Inverse,
    LegacySpeech,
    QueueEntry,
    RequestStatus,
    SegmentState,
    SegmentStatus,
    Settings,
    Speech,
    Superseded,
    Timer,
    Turn,
    UndoEntry,
    Unheard,
)

#: A segment, or an undo entry (the floor as it was before a command): what is brought back live.
_Floor = TypeVar("_Floor", SegmentState, UndoEntry)

#: How many console commands undo remembers per segment (the oldest are forgotten).
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
        segment = _keep_undo(before, segment, event)
        segment = replace(segment, version=before.version + 1)
    return replace(state, segments={**state.segments, segment.id: segment})


def apply_all(state: HearingState, events: Iterable[e.Event]) -> HearingState:
    for event in events:
        state = apply(state, event)
    return state


def requests_changed(segment: SegmentState, event: e.Event) -> tuple[str, ...]:
    """The ids of the requests that folding ``event`` into ``segment`` changes (none, one, or for
    an undo the few its command changed).

    Read from the event and the state before it, so that whoever tells the delegates concerned
    (``mine``) need not compare every request of the segment: O(queue) at most, not O(requests).
    """
    if isinstance(event, e.ChangeUndone) and segment.undo_stack:
        top = segment.undo_stack[-1]
        if isinstance(top, UndoEntry):  # the requests its command changed, as they were then
            return tuple(
                rid for rid in top.touched if segment.requests.get(rid) is not top.requests.get(rid)
            )
        legacy = top.request_id if top.request_status_before is not None else None
        return (legacy,) if legacy is not None and legacy in segment.requests else ()
    if isinstance(event, e.SegmentStarted) and event.brought_back_by is not None:
        kept = segment.superseded  # the requests of the turns brought back, closed as it ended
        turns = (kept.current, kept.paused) if kept is not None else ()
        ids = [turn.entry.request_id for turn in turns if turn is not None]
        return tuple(
            rid
            for rid in ids
            if rid is not None
            and (request := segment.requests.get(rid)) is not None
            and request.status is RequestStatus.SPOKEN
        )
    if isinstance(event, e.RequestsApproved):
        return tuple(a.request_id for a in event.approvals if a.request_id in segment.requests)
    if isinstance(event, e.QueueCarried):
        return tuple(rid for rid in event.request_ids if rid in segment.requests)
    if isinstance(event, e.QueueReceived):
        return tuple(request.id for request in event.requests)
    if isinstance(event, e.SpeakerCorrected):  # the participant's own, as they are shown them
        return segment.request_ids_of.get(event.speaker.participant_id or "", ())
    request_id: str | None = None
    if isinstance(
        event, e.FloorRequested | e.RequestApproved | e.RequestDeclined | e.RequestWithdrawn
    ):
        request_id = event.request_id
    elif isinstance(event, e.TurnStarted):
        request_id = event.entry.request_id
    elif isinstance(event, e.TurnEnded):
        turn = _ending(segment, event.entry_id)
        request_id = turn.entry.request_id if turn is not None else None
    elif isinstance(event, e.EntryRemoved):
        index = segment.entry_index(event.entry_id)
        request_id = segment.queue[index].request_id if index is not None else None
    elif isinstance(event, e.EntryEdited):
        request = segment.requests.get(event.entry.request_id or "")
        kind_changes = request is not None and request.kind != event.entry.kind
        request_id = event.entry.request_id if kind_changes else None
    if request_id is None:
        return ()
    if isinstance(event, e.FloorRequested) or request_id in segment.requests:
        return (request_id,)
    return ()


# --- helpers ------------------------------------------------------------------------------------


def _ending(segment: SegmentState, entry_id: str) -> Turn | None:
    """The turn a ``turn_ended`` ends: the speaker's, or the one an interposed turn paused (as
    the segment ends). Logs written before interposition always end the speaker's."""
    paused = segment.paused
    current = segment.current
    pauses = paused is not None and paused.entry.id == entry_id
    if pauses and (current is None or current.entry.id != entry_id):
        return paused
    return current


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


def _push_undo(segment: SegmentState, entry: UndoEntry | Inverse) -> SegmentState:
    return replace(segment, undo_stack=(*segment.undo_stack, entry)[-UNDO_DEPTH:])


def _set_timer(segment: SegmentState, **changes: Any) -> SegmentState:
    assert segment.current is not None
    timer = replace(segment.current.timer, **changes)
    return replace(segment, current=replace(segment.current, timer=timer))


# --- segments -----------------------------------------------------------------------------------


@_folds(e.SegmentUpdated)
def _updated(segment: SegmentState, event: e.SegmentUpdated) -> SegmentState:
    return replace(segment, details=event.details)


#: A segment started again this long after it ended starts a new run (a screen check or a
#: dress rehearsal hours before the day, then the day): as far as the schedule reads a day run
#: at another time as a rehearsal (``schedule.REHEARSAL_MS``).
NEW_RUN_AFTER_MS = 6 * 60 * 60 * 1000


@_folds(e.SegmentStarted)
def _started(segment: SegmentState, event: e.SegmentStarted) -> SegmentState:
    if event.brought_back_by is not None:
        return _brought_back(segment, event.at)
    return replace(
        segment,
        status=SegmentStatus.LIVE,
        actual_start_at=_run_start(segment, event.at),
        actual_end_at=None,
        superseded=None,
    )


def _run_start(segment: SegmentState, at: int) -> int:
    """When the segment started, once started again at ``at``: its first start, kept across an
    end and a restart (made live again after a break, its span runs on); ``at`` for a new run,
    when the run before put nothing on its record (a screen check) or ended more than
    ``NEW_RUN_AFTER_MS`` before (a rehearsal). Kept, that start read the day as a rehearsal
    hours away, and its record began at the screen check (outside probe)."""
    before, ended = segment.actual_start_at, segment.actual_end_at
    if before is None:
        return at
    if ended is not None and (not segment.speeches or at - ended > NEW_RUN_AFTER_MS):
        return at
    return before


@_folds(e.SegmentEnded)
def _ended(segment: SegmentState, event: e.SegmentEnded) -> SegmentState:
    return replace(segment, status=SegmentStatus.ENDED, actual_end_at=event.at)


@_folds(e.ResumptionAnnounced)
def _resumption_announced(segment: SegmentState, event: e.ResumptionAnnounced) -> SegmentState:
    return replace(segment, resumes_at=event.at)


@_folds(e.SegmentRemoved)
def _segment_removed(segment: SegmentState, event: e.SegmentRemoved) -> SegmentState:
    return replace(segment, removed=True)


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
    return _set_status(segment, event.request_id, RequestStatus.QUEUED, entry_id=event.entry.id)


@_folds(e.RequestDeclined)
def _declined(segment: SegmentState, event: e.RequestDeclined) -> SegmentState:
    return _set_status(segment, event.request_id, RequestStatus.DECLINED, reason=event.reason)


@_folds(e.RequestWithdrawn)
def _withdrawn(segment: SegmentState, event: e.RequestWithdrawn) -> SegmentState:
    request = segment.requests[event.request_id]
    if request.entry_id is not None and segment.entry_index(request.entry_id) is not None:
        queue, _, _ = _without(segment, request.entry_id)
        segment = replace(segment, queue=queue)
    return _set_status(segment, event.request_id, RequestStatus.WITHDRAWN)


@_folds(e.EntryAdded)
def _added(segment: SegmentState, event: e.EntryAdded) -> SegmentState:
    return replace(segment, queue=_insert(segment.queue, event.index, event.entry))


@_folds(e.EntryMoved)
def _moved(segment: SegmentState, event: e.EntryMoved) -> SegmentState:
    queue, _, entry = _without(segment, event.entry_id)
    return replace(segment, queue=_insert(queue, event.index, entry))


@_folds(e.EntryRemoved)
def _removed(segment: SegmentState, event: e.EntryRemoved) -> SegmentState:
    queue, _, entry = _without(segment, event.entry_id)
    return _set_status(replace(segment, queue=queue), entry.request_id, RequestStatus.REMOVED)


@_folds(e.EntryEdited)
def _edited(segment: SegmentState, event: e.EntryEdited) -> SegmentState:
    if event.index < 0:  # the turn on the floor, or the one an interposed turn paused
        current, paused = segment.current, segment.paused
        if current is not None and current.entry.id == event.entry.id:
            return replace(segment, current=replace(current, entry=event.entry))
        if paused is not None and paused.entry.id == event.entry.id:
            return replace(segment, paused=replace(paused, entry=event.entry))
        return segment
    queue, _, _ = _without(segment, event.entry.id)
    segment = replace(segment, queue=_insert(queue, event.index, event.entry))
    request = segment.requests.get(event.entry.request_id or "")
    if request is None or request.kind == event.entry.kind:
        return segment
    return _with_request(segment, replace(request, kind=event.entry.kind))  # what it is now


@_folds(e.SpeakerCorrected)
def _corrected(segment: SegmentState, event: e.SpeakerCorrected) -> SegmentState:
    return corrections.correct(segment, event.speaker, event.keep)


@_folds(e.RequestsApproved)
def _approved_many(segment: SegmentState, event: e.RequestsApproved) -> SegmentState:
    for approval in event.approvals:
        segment = replace(segment, queue=_insert(segment.queue, approval.index, approval.entry))
        segment = _set_status(
            segment, approval.request_id, RequestStatus.QUEUED, entry_id=approval.entry.id
        )
    return segment


@_folds(e.QueueReordered)
def _reordered(segment: SegmentState, event: e.QueueReordered) -> SegmentState:
    by_id = {entry.id: entry for entry in segment.queue}
    return replace(segment, queue=tuple(by_id[entry_id] for entry_id in event.order))


@_folds(e.QueueTimesSet)
def _queue_times(segment: SegmentState, event: e.QueueTimesSet) -> SegmentState:
    changed = set(event.entry_ids)
    queue = tuple(
        replace(entry, allotted_ms=event.allotted_ms) if entry.id in changed else entry
        for entry in segment.queue
    )
    return replace(segment, queue=queue)


@_folds(e.QueueCarried)
def _carried(segment: SegmentState, event: e.QueueCarried) -> SegmentState:
    leaving = set(event.entry_ids)
    left = tuple(Unheard(q, event.to_segment_id) for q in segment.queue if q.id in leaving)
    segment = replace(
        segment,
        queue=tuple(q for q in segment.queue if q.id not in leaving),
        unheard=(*segment.unheard, *left),
    )
    for request_id in event.request_ids:
        segment = _set_status(
            segment,
            request_id,
            RequestStatus.REMOVED,
            reason=event.reason,
            carried_to=event.to_segment_id,
        )
    return segment


@_folds(e.QueueReceived)
def _received(segment: SegmentState, event: e.QueueReceived) -> SegmentState:
    for carried in event.requests:
        request = FloorRequest(
            id=carried.id,
            speaker=carried.speaker,
            kind=carried.kind,
            note=carried.note,
            status=carried.status,
            requested_at=carried.requested_at,
            entry_id=carried.entry_id,
            number=len(segment.requests),
        )
        segment = _with_request(segment, request)
    return replace(segment, queue=(*segment.queue, *event.entries))


# --- the booth's signals ------------------------------------------------------------------------
# A signal is about whoever has the floor (too fast, no sound from their microphone, their
# microphone off): as the moderator's message, it goes when the floor changes hands (a turn
# starts, ends, is interposed or given back), not on to the next speaker's clock.


@_folds(e.SignalRaised)
def _signal_raised(segment: SegmentState, event: e.SignalRaised) -> SegmentState:
    """One signal per kind; those expired by now are let go (at most three are ever kept)."""
    raised = event.signal
    kept = tuple(
        signal
        for signal in segment.signals
        if signal.kind != raised.kind and signal.expires_at > raised.raised_at
    )
    return replace(segment, signals=(*kept, raised))


@_folds(e.SignalCleared)
def _signal_cleared(segment: SegmentState, event: e.SignalCleared) -> SegmentState:
    if event.signal_id is None:
        return replace(segment, signals=())
    return replace(segment, signals=tuple(s for s in segment.signals if s.id != event.signal_id))


# --- undo -----------------------------------------------------------------------------------------

#: Events that may follow the first event of the same console command (call_next: turn_ended,
#: turn_started or turn_returned, timer_started; end_segment: turn_ended, the paused turn's
#: turn_ended, segment_ended; interpose: timer_paused or turn_ended, turn_interposed,
#: timer_started). Without an undo mark they belong to the command on top of the undo stack.
_LATER_EVENTS = (
    e.TurnStarted,
    e.SegmentEnded,
    e.TimerStarted,
    e.TurnEnded,
    e.TurnInterposed,
    e.TurnReturned,
)


def _keep_undo(before: SegmentState, segment: SegmentState, event: e.Event) -> SegmentState:
    """Keep the undo stack: a command's first event pushes the floor as it was before it; its
    later events name the requests they change; a change nobody at the console made blocks undo
    from reaching past it. ``segment`` is ``before`` with ``event`` folded in."""
    if isinstance(event, e.ChangeUndone):
        return segment  # its folder took the entry off
    segment = _kept_as_superseded(before, segment, event)
    mark = event.undo if isinstance(event, e.UndoableEvent) else None
    if mark is not None:
        entry = UndoEntry(
            version=before.version + 1,
            command=mark.command,
            label=mark.label,
            status=before.status,
            actual_start_at=before.actual_start_at,
            actual_end_at=before.actual_end_at,
            settings=before.settings,
            queue=before.queue,
            current=before.current,
            message=before.message,
            speeches=before.speeches,
            requests=before.requests,
            request_ids_of=before.request_ids_of,
            touched=requests_changed(before, event),
            paused=before.paused,
            notes=before.notes,
            subject=mark.subject,
            blocked=_legacy_blocked(mark.blocked),
            supersedes=event.supersedes if isinstance(event, e.SegmentStarted) else None,
        )
        return _push_undo(segment, entry)
    inverse = _legacy_inverse(before, event)
    if inverse is not None:
        return _push_undo(segment, inverse)
    top = segment.undo_stack[-1] if segment.undo_stack else None
    if not isinstance(top, UndoEntry):
        return segment
    blocked, name = _blocks(before, top, event)
    if blocked and blocked == "withdrawn" and only_reorders(top):
        # a reorder is taken back as an order (``reordered_back``): the withdrawal holds back
        # only the commands under it that would give the withdrawn place back
        return _held_back_below(segment, blocked, name)
    if blocked:
        if top.blocked:
            return _held_back_since(segment, top, blocked, name)
        top = replace(top, blocked=blocked, blocked_name=name)
    elif isinstance(event, _LATER_EVENTS):
        touched = [rid for rid in requests_changed(before, event) if rid not in top.touched]
        if not touched:
            return segment
        top = replace(top, touched=(*top.touched, *touched))
    else:
        return segment
    return replace(segment, undo_stack=(*segment.undo_stack[:-1], top))


def _kept_as_superseded(
    before: SegmentState, segment: SegmentState, event: e.Event
) -> SegmentState:
    """``segment`` keeping its floor as it was (``Superseded``) when ``event`` is the first of
    its ending by another segment's start: undoing that start there gives it back."""
    if not isinstance(event, e.TurnEnded | e.SegmentEnded) or event.superseded_by is None:
        return segment
    if before.status is not SegmentStatus.LIVE or before.superseded is not None:
        return segment  # a later event of the same ending
    top = before.undo_stack[-1] if before.undo_stack else None
    blocks = isinstance(top, UndoEntry) and not top.blocked
    shown: Map[str, tuple[str, ...]] = Map()
    for turn in (before.current, before.paused):
        request = before.requests.get(turn.entry.request_id or "") if turn is not None else None
        participant_id = request.speaker.participant_id if request is not None else None
        if participant_id is not None and participant_id in before.request_ids_of:
            shown = shown.set(participant_id, before.request_ids_of[participant_id])
    kept = Superseded(
        by=event.superseded_by,
        at=event.at,
        version=before.version + 1,
        current=before.current,
        paused=before.paused,
        message=before.message,
        speeches=len(before.speeches),
        shown=shown,
        blocked_version=top.version if blocks and top is not None else None,
    )
    return replace(segment, superseded=kept)


def _held_back_since(
    segment: SegmentState, top: UndoEntry, blocked: str, name: str
) -> SegmentState:
    """``segment`` remembering that something nobody at its console did since another segment's
    start ended it (``blocked``, naming ``name``) holds back the undo entry that ending held
    back: once the floor is brought back, that reason still holds it (``_brought_back``)."""
    kept = segment.superseded
    if (
        kept is None
        or blocked == "ended"
        or kept.blocked_since
        or kept.blocked_version != top.version
    ):
        return segment
    return replace(
        segment, superseded=replace(kept, blocked_since=blocked, blocked_since_name=name)
    )


def _legacy_blocked(blocked: str) -> str:
    """``UndoMark.blocked`` as a reason: a log of 2026-12-05 holds the import's in English."""
    return "import" if blocked.startswith("the secretariat's import") else blocked


#: The console's commands that only change the order of the queue: taken back as an order.
_REORDERS = frozenset({"move_entry", "apply_order"})


def only_reorders(entry: UndoEntry) -> bool:
    """Whether ``entry``'s command only put the queue in another order (moving one speaker, the
    suggested order applied to the queue; the suggested order applied to the requests approves
    them, and changes them: ``touched``)."""
    return entry.command in _REORDERS and not entry.touched


def _held_back_below(segment: SegmentState, blocked: str, name: str) -> SegmentState:
    """``segment`` with the newest undo entry under its reorders that is not one held back
    (``blocked``, naming ``name``), unless something holds it back already: a withdrawal does
    not stop a reorder being taken back as an order (outside probe I: the suggested order
    applied to 81, then one withdrew, and the order of the other 80 could not be given back),
    but does stop what is under it, which would give the withdrawn place back."""
    stack = list(segment.undo_stack)
    for index in range(len(stack) - 1, -1, -1):
        kept = stack[index]
        if isinstance(kept, UndoEntry) and only_reorders(kept):
            continue
        if isinstance(kept, UndoEntry) and not kept.blocked:
            stack[index] = replace(kept, blocked=blocked, blocked_name=name)
            return replace(segment, undo_stack=tuple(stack))
        break
    return segment


def reordered_back(segment: SegmentState, entry: UndoEntry) -> SegmentState:
    """``segment`` with its queue in the order ``entry`` kept: the speakers still waiting, in
    the order they had before the reorder taken back; one who left the queue since (withdrew)
    stays out; one not in that order (none: what adds to the queue is a command of its own, or
    holds undo back) keeps its place after them."""
    place = {queued.id: n for n, queued in enumerate(entry.queue)}
    after = len(place)
    order = sorted(
        range(len(segment.queue)),
        key=lambda n: (place.get(segment.queue[n].id, after), n),
    )
    return replace(segment, queue=tuple(segment.queue[n] for n in order))


def _blocks(before: SegmentState, top: UndoEntry, event: e.Event) -> tuple[str, str]:
    """Why ``event``, made by nobody at this segment's console, keeps undo from taking back
    ``top`` (and anything older), as a ``possible.UNDO_REASONS`` reason and whom it names:
    ("", "") when it does not stand in the way."""
    if isinstance(event, e.EndingEvent) and event.superseded_by is not None:
        return "ended", ""
    if isinstance(event, e.QueueCarried):
        return "carried_away", ""
    if isinstance(event, e.QueueReceived):
        return "carried_here", ""
    if isinstance(event, e.RequestWithdrawn) and event.request_id in top.requests:
        return "withdrawn", before.requests[event.request_id].speaker.name
    return "", ""


def _restore(segment: SegmentState, entry: UndoEntry) -> SegmentState:
    """``segment`` with the floor as ``entry`` kept it: what the command changed is put back;
    the requests made since stay as they are."""
    segment = replace(
        segment,
        status=entry.status,
        actual_start_at=entry.actual_start_at,
        actual_end_at=entry.actual_end_at,
        settings=entry.settings,
        queue=entry.queue,
        current=entry.current,
        paused=entry.paused,
        message=entry.message,
        notes=entry.notes,
        speeches=entry.speeches,
    )
    participants: set[str] = set()
    for rid in entry.touched:
        old = entry.requests.get(rid)
        if old is None or segment.requests.get(rid) is old:
            continue
        segment = _with_request(segment, old)
        if old.speaker.participant_id is not None:
            participants.add(old.speaker.participant_id)
    return _shown_again(segment, participants, entry.request_ids_of)


def _shown_again(
    segment: SegmentState, participants: set[str], then: Map[str, tuple[str, ...]]
) -> SegmentState:
    """``segment`` with each of ``participants`` shown the requests they were shown ``then``
    and those they made since (the trim may have let an older closed one go when a command
    closed one of theirs)."""
    shown = segment.request_ids_of
    for participant_id in sorted(participants):
        ids = {*then.get(participant_id, ()), *shown.get(participant_id, ())}
        ordered = tuple(sorted(ids, key=lambda rid: segment.requests[rid].number))
        shown = shown.set(participant_id, _trim(ordered, segment.requests))
    return replace(segment, request_ids_of=shown)


@_folds(e.ChangeUndone)
def _undone(segment: SegmentState, event: e.ChangeUndone) -> SegmentState:
    top = segment.undo_stack[-1]
    assert top.version == event.version, "undo must take back the newest change"
    segment = replace(segment, undo_stack=segment.undo_stack[:-1])
    if isinstance(top, UndoEntry) and only_reorders(top):
        return reordered_back(segment, top)
    if isinstance(top, UndoEntry):
        gap = _stood_ended(segment, top, event) or _taken_from(segment, top, event)
        return _resumed(_restore(segment, top), gap)
    return _legacy_undone(segment, top)


def _taken_from(segment: SegmentState, entry: UndoEntry, event: e.ChangeUndone) -> int:
    """How long the turn that ``entry`` gives the floor back to was without it: from the instant
    the command ended it (``call_next`` by mistake, ``end_turn``: its speech's end) to the undo;
    that time is not its own (outside probe I: the seconds someone else had the floor, called by
    mistake, were taken from the speaker's time and put on their record). 0 when the command
    ended no turn, or a log without the undo's instant."""
    if event.at is None or entry.current is None:
        return 0
    if segment.current is not None and segment.current.entry.id == entry.current.entry.id:
        return 0
    ended = next(
        (s for s in reversed(segment.speeches) if s.entry_id == entry.current.entry.id), None
    )
    if ended is None:
        return 0
    return max(0, event.at - ended.ended_at)


def _stood_ended(segment: SegmentState, entry: UndoEntry, event: e.ChangeUndone) -> int:
    """How long the segment stood ended when taking back ``entry`` makes it live again (the
    end of the segment undone): from its end to the undo; 0 when it was live (or a log without
    the undo's instant: the turns come back with their timers as they were)."""
    if event.at is None or segment.actual_end_at is None:
        return 0
    if entry.status is not SegmentStatus.LIVE or segment.status is not SegmentStatus.ENDED:
        return 0
    return max(0, event.at - segment.actual_end_at)


def _resumed(segment: SegmentState, gap_ms: int) -> SegmentState:
    """``segment`` live again after standing ended ``gap_ms``: the turns on the floor count on
    from where they were (``Turn.suspended``), and so do those the undo stack keeps, so that
    taking back an older command later gives the floor back as it would have been had the
    segment not stood ended."""
    if gap_ms <= 0:
        return segment
    done: dict[int, Turn] = {}

    def moved(turn: Turn | None) -> Turn | None:
        if turn is None:
            return None
        if id(turn) not in done:  # a turn kept by several entries stays one object
            done[id(turn)] = turn.suspended(gap_ms)
        return done[id(turn)]

    stack = tuple(
        replace(kept, current=moved(kept.current), paused=moved(kept.paused))
        if isinstance(kept, UndoEntry) and (kept.current or kept.paused)
        else kept
        for kept in segment.undo_stack
    )
    return replace(
        segment, current=moved(segment.current), paused=moved(segment.paused), undo_stack=stack
    )


def _brought_back(segment: SegmentState, at: int) -> SegmentState:
    """``segment``, ended by another segment's start, live again as that start ended it, as the
    start is undone there (``segment_started`` with ``brought_back_by``): the turns on the floor
    (the speakers as the registry shows them now), the message, the record without the speeches
    that ending added, the requests it closed; what was done on it since (its waiting speakers
    carried away, a setting changed) stays. The undo entry the ending held back is free again
    (unless something since holds it back); the console's commands made on the ended segment
    are kept as made on the floor brought back. The turns count on from ``at``."""
    kept = segment.superseded
    assert kept is not None, "only a segment another's start ended is brought back"
    ended = segment.speeches[kept.speeches :]
    recorded = {speech.entry_id: speech.speaker for speech in ended}

    def back(turn: Turn | None) -> Turn | None:
        if turn is None:
            return None
        speaker = recorded.get(turn.entry.id, turn.entry.speaker)
        if speaker == turn.entry.speaker:
            return turn
        return replace(turn, entry=replace(turn.entry, speaker=speaker))  # corrected since

    current, paused = back(kept.current), back(kept.paused)
    spoken, message = kept.speeches, kept.message

    def live_again(part: _Floor) -> _Floor:
        """The segment, or an undo entry made on it since it ended, live with the floor kept."""
        return replace(
            part,
            status=SegmentStatus.LIVE,
            actual_end_at=None,
            current=current,
            paused=paused,
            speeches=part.speeches[:spoken],
            message=part.message or message,
        )

    segment = replace(live_again(segment), superseded=None)
    participants: set[str] = set()
    for turn in (current, paused):
        request = segment.requests.get(turn.entry.request_id or "") if turn is not None else None
        if request is None or request.status is not RequestStatus.SPOKEN:
            continue
        segment = _with_request(segment, replace(request, status=RequestStatus.SPEAKING))
        if request.speaker.participant_id is not None:
            participants.add(request.speaker.participant_id)
    segment = _shown_again(segment, participants, kept.shown)
    stack: list[UndoEntry | Inverse] = []
    for entry in segment.undo_stack:
        if isinstance(entry, UndoEntry):
            if entry.version == kept.blocked_version and entry.blocked == "ended":
                entry = replace(
                    entry, blocked=kept.blocked_since, blocked_name=kept.blocked_since_name
                )
            elif entry.version > kept.version:  # made on the ended segment since
                entry = live_again(entry)
        stack.append(entry)
    segment = replace(segment, undo_stack=tuple(stack))
    return _resumed(segment, max(0, at - kept.at))


def _legacy_inverse(before: SegmentState, event: e.Event) -> Inverse | None:
    """The inverse an unmarked queue change pushed when undo took back queue changes only (a log
    written before undo was exact: its ``change_undone`` events fold as they did then)."""
    version = before.version + 1
    if isinstance(event, e.RequestApproved) and event.undo is None:
        return Inverse(
            version=version,
            label=f"approving {event.entry.speaker.name}",
            remove_entry_id=event.entry.id,
            request_id=event.request_id,
            request_status_now=RequestStatus.QUEUED,
            request_status_before=RequestStatus.PENDING,
        )
    if isinstance(event, e.RequestDeclined) and event.undo is None:
        return Inverse(
            version=version,
            label=f"declining {before.requests[event.request_id].speaker.name}",
            request_id=event.request_id,
            request_status_now=RequestStatus.DECLINED,
            request_status_before=RequestStatus.PENDING,
        )
    if isinstance(event, e.EntryAdded) and event.undo is None:
        return Inverse(
            version=version,
            label=f"adding {event.entry.speaker.name}",
            remove_entry_id=event.entry.id,
        )
    if isinstance(event, e.EntryMoved | e.EntryRemoved) and event.undo is None:
        index = before.entry_index(event.entry_id)
        assert index is not None
        entry = before.queue[index]
        if isinstance(event, e.EntryMoved):
            return Inverse(
                version=version,
                label=f"moving {entry.speaker.name}",
                move_entry_id=entry.id,
                move_index=index,
            )
        has_request = entry.request_id is not None
        return Inverse(
            version=version,
            label=f"removing {entry.speaker.name}",
            insert_entry=entry,
            insert_index=index,
            request_id=entry.request_id,
            request_status_now=RequestStatus.REMOVED if has_request else None,
            request_status_before=RequestStatus.QUEUED if has_request else None,
        )
    return None


def _legacy_undone(segment: SegmentState, inverse: Inverse) -> SegmentState:
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


@_folds(e.StartTimerOnCallSet)
def _timer_on_call(segment: SegmentState, event: e.StartTimerOnCallSet) -> SegmentState:
    return _settings(segment, start_timer_on_call=event.enabled)


@_folds(e.BudgetSet)
def _budget(segment: SegmentState, event: e.BudgetSet) -> SegmentState:
    budgets = dict(segment.settings.budgets_ms)
    if event.budget_ms is None:
        budgets.pop(event.constituency, None)
    else:
        budgets[event.constituency] = event.budget_ms
    return _settings(segment, budgets_ms=budgets)


@_folds(e.PointsOfOrderSet)
def _points_of_order(segment: SegmentState, event: e.PointsOfOrderSet) -> SegmentState:
    return _settings(segment, points_of_order=event.enabled)


# --- turns and the timer ------------------------------------------------------------------------


def _legacy_speech(turn: Turn, event: e.TurnEnded) -> Speech:
    """The record entry of a turn as a log written before every turn was in the record ended
    it: a timed speech (``LegacySpeech``), or null for a turn then counted as skipped."""
    speech = event.speech
    if isinstance(speech, LegacySpeech):
        return Speech(
            entry_id=speech.entry_id,
            speaker=speech.speaker,
            kind=speech.kind,
            allotted_ms=speech.allotted_ms,
            called_at=turn.called_at,
            timer_started_at=speech.started_at,
            ended_at=speech.ended_at,
            held_ms=speech.ended_at - turn.called_at,
            timed_ms=speech.spoken_ms,
            overrun_ms=speech.overrun_ms,
            request_id=speech.request_id,
        )
    timed = turn.timed_at(event.at)
    return Speech(
        entry_id=turn.entry.id,
        speaker=turn.entry.speaker,
        kind=turn.entry.kind,
        allotted_ms=turn.timer.total_ms,
        called_at=turn.called_at,
        timer_started_at=turn.timer_started_at,
        ended_at=event.at,
        held_ms=event.at - turn.called_at,
        timed_ms=timed,
        overrun_ms=max(0, timed - turn.timer.total_ms),
        skipped=True,
        request_id=turn.entry.request_id,
    )


@_folds(e.TurnEnded)
def _turn_ended(segment: SegmentState, event: e.TurnEnded) -> SegmentState:
    """The speaker's turn ends (an interposed one: the turn it paused waits to take the floor
    back), or, as the segment ends, the turn an interposed turn had paused."""
    turn = _ending(segment, event.entry_id)
    assert turn is not None
    speech = event.speech
    if not isinstance(speech, Speech):
        speech = _legacy_speech(turn, event)
    status = RequestStatus.SKIPPED if speech.skipped else RequestStatus.SPOKEN
    was_paused = turn is segment.paused
    segment = _set_status(segment, turn.entry.request_id, status)
    segment = replace(segment, speeches=(*segment.speeches, speech), message="", signals=())
    return replace(segment, paused=None) if was_paused else replace(segment, current=None)


@_folds(e.TurnStarted)
def _turn_started(segment: SegmentState, event: e.TurnStarted) -> SegmentState:
    queue, _, entry = _without(segment, event.entry.id)
    timer = Timer(allotted_ms=entry.allotted_ms)
    turn = Turn(entry=entry, timer=timer, called_at=event.at, given_at=event.at, given_by=event.by)
    segment = replace(segment, queue=queue, current=turn, message="", signals=())
    return _set_status(segment, entry.request_id, RequestStatus.SPEAKING)


@_folds(e.TurnInterposed)
def _turn_interposed(segment: SegmentState, event: e.TurnInterposed) -> SegmentState:
    """The interposed turn has the floor; the speaker's turn waits (``paused``), unless it is
    already waiting (an answer after an interposed question that has just ended)."""
    paused = segment.paused
    if segment.current is not None:
        assert paused is None, "one level of interposition"
        paused = replace(segment.current, interposed_at=event.at)
    assert paused is not None and paused.entry.id == event.interposed_in
    turn = Turn(
        entry=event.entry,
        timer=Timer(allotted_ms=event.entry.allotted_ms),
        called_at=event.at,
        interposed_in=event.interposed_in,
        answers=event.answers,
        given_at=event.at,
        given_by=event.by,
    )
    return replace(segment, current=turn, paused=paused, message="", signals=())


@_folds(e.TurnReturned)
def _turn_returned(segment: SegmentState, event: e.TurnReturned) -> SegmentState:
    paused = segment.paused
    assert segment.current is None and paused is not None and paused.entry.id == event.entry_id
    turn = replace(
        paused,
        interposed_at=None,
        interposed_ms=paused.interposed_until(event.at),
        given_at=event.at,
        given_by=event.by,
    )
    return replace(segment, current=turn, paused=None, message="", signals=())


@_folds(e.TimerStarted)
def _timer_started(segment: SegmentState, event: e.TimerStarted) -> SegmentState:
    assert segment.current is not None
    turn = segment.current
    if turn.timer_started_at is None:
        segment = replace(segment, current=replace(turn, timer_started_at=event.at))
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
    turn = segment.current
    assert turn is not None
    if event.at is not None:
        timed = turn.timed_at(event.at)
    elif turn.timer.running:  # an older log's reset: when it happened is not known
        timed = turn.timed_before_ms
    else:
        timed = turn.timed_at(0)
    timer = Timer(allotted_ms=turn.entry.allotted_ms)
    return replace(segment, current=replace(turn, timer=timer, timed_before_ms=timed))


@_folds(e.MessageSet)
def _message_set(segment: SegmentState, event: e.MessageSet) -> SegmentState:
    return replace(segment, message=event.text)


@_folds(e.MessageCleared)
def _message_cleared(segment: SegmentState, event: e.MessageCleared) -> SegmentState:
    return replace(segment, message="")


@_folds(e.NotesSet)
def _notes_set(segment: SegmentState, event: e.NotesSet) -> SegmentState:
    return replace(segment, notes=event.text)
