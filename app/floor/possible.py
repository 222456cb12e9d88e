"""What is possible now: the refusal a command would meet, asked before it is sent.

Each function returns the ``FloorError`` the rules would raise for a command on this state, or
None when the command would be accepted (maybe as a no-op: decide returns no events when nothing
would change, e.g. resetting a timer already at its start). ``decide.py``'s handlers raise what
these return, and ``views.py`` shows the same values to the faces, so a button is greyed out for
exactly the reason the command would be refused, with the same code and words: the rules are
written once. Pure: the state in, a value out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from .errors import FloorError
from .fold import only_reorders, reordered_back
from .model import (
    OPEN_REQUEST_STATUSES,
    REQUESTABLE_KINDS,
    FloorMode,
    Inverse,
    RequestStatus,
    SegmentState,
    SegmentStatus,
    Speaker,
    TurnKind,
    UndoEntry,
)

Refusal = FloorError | None

# --- the pieces the rules are made of ------------------------------------------------------------


def not_live(segment: SegmentState) -> Refusal:
    if segment.status is not SegmentStatus.LIVE:
        return FloorError(
            f"segment {segment.details.title!r} is not live: start it first", code="not_live"
        )
    return None


def no_speaker(segment: SegmentState) -> Refusal:
    if segment.current is None:
        return FloorError("nobody has the floor: call the next speaker first", code="no_speaker")
    return None


def queue_full(segment: SegmentState) -> Refusal:
    cap = segment.settings.queue_cap
    if cap is not None and len(segment.queue) >= cap:
        return FloorError(f"the queue is full ({cap} speakers)", code="queue_full")
    return None


def holds_place(segment: SegmentState, participant_id: str, point_of_order: bool) -> bool:
    """Whether the participant already has an open request or queue entry of this class (a point
    of order, or any other turn). Reads only the participant's few shown requests and the queue.
    """

    def same_class(kind: TurnKind) -> bool:
        return (kind is TurnKind.POINT_OF_ORDER) == point_of_order

    for request in segment.requests_of(participant_id):
        if request.status in OPEN_REQUEST_STATUSES and same_class(request.kind):
            return True
    return any(
        entry.speaker.participant_id == participant_id and same_class(entry.kind)
        for entry in segment.queue
    )


def held_place(segment: SegmentState, participant_id: str, point_of_order: bool) -> str | None:
    """The place the participant already holds of this class (``holds_place``), in words that
    name it for the console: ``"a turn at place #12 in the queue"`` (numbered as the console
    numbers the queue, from 1) or ``"a pending floor request"``; None if they hold none."""
    for index, entry in enumerate(segment.queue):
        if (
            entry.speaker.participant_id == participant_id
            and (entry.kind is TurnKind.POINT_OF_ORDER) == point_of_order
        ):
            what = "a point of order" if point_of_order else "a turn"
            return f"{what} at place #{index + 1} in the queue"
    for request in segment.requests_of(participant_id):
        if (
            request.status in OPEN_REQUEST_STATUSES
            and (request.kind is TurnKind.POINT_OF_ORDER) == point_of_order
        ):
            if request.status is RequestStatus.PENDING:
                return "a pending point of order" if point_of_order else "a pending floor request"
            return "an open point of order" if point_of_order else "an open floor request"
    return None


def _same_person(a: Speaker, b: Speaker) -> bool:
    """A registered participant is known by their id; a guest by everything they are called."""
    if a.participant_id is not None or b.participant_id is not None:
        return a.participant_id == b.participant_id
    return a == b


def place_of(segment: SegmentState, speaker: Speaker, kind: TurnKind) -> str | None:
    """``has_place`` in words that name the place: ``"the floor"``, ``"a turn at place #3 in the
    queue"``, ``"a pending floor request"``; None if they have none."""
    turns = [turn for turn in (segment.current, segment.paused) if turn is not None]
    if any(_same_person(turn.entry.speaker, speaker) for turn in turns):
        return "the floor"
    if speaker.participant_id is not None:
        return held_place(segment, speaker.participant_id, kind is TurnKind.POINT_OF_ORDER)
    for index, entry in enumerate(segment.queue):
        if _same_person(entry.speaker, speaker):
            return f"a turn at place #{index + 1} in the queue"
    return None


def has_place(segment: SegmentState, speaker: Speaker, kind: TurnKind) -> bool:
    """Whether ``speaker`` has the floor now (speaking, or paused by an interposed turn) or a
    place of this kind's class (an open request or a queue entry; a guest: any queue entry)."""
    turns = [turn for turn in (segment.current, segment.paused) if turn is not None]
    if any(_same_person(turn.entry.speaker, speaker) for turn in turns):
        return True
    if speaker.participant_id is not None:
        return holds_place(segment, speaker.participant_id, kind is TurnKind.POINT_OF_ORDER)
    return any(_same_person(entry.speaker, speaker) for entry in segment.queue)


# --- the turn and its timer ----------------------------------------------------------------------


def call_next(segment: SegmentState) -> Refusal:
    refusal = not_live(segment)
    if refusal is None and segment.current is None and not segment.queue:
        refusal = FloorError("nobody to call: the queue is empty", code="queue_empty")
    return refusal


#: How long after a turn was given a press from another console or button box that would move
#: the floor on again (call the next, end the turn) is taken for the same intent, pressed at
#: both places at once, and refused (milliseconds).
JUST_CALLED_MS = 1000


def just_called(segment: SegmentState, now: int, by: str) -> Refusal:
    """A press that would move the floor on from a speaker another console or button box
    (``by``: who presses, as ``TurnStarted.by``) gave it to less than ``JUST_CALLED_MS`` ago
    (called, interposed, or given back after an interposed turn: ``Turn.given_at``):
    the moderator on the console and a button box both pressed Next as the last speaker ended,
    and the second press skipped a speaker (outside probe N). The same console or box pressing
    twice is its own to guard (the console's burst guard, the box's double press)."""
    turn = segment.current
    if turn is None or turn.given_by is None or turn.given_by == by:
        return None
    # a process whose clock is a little behind the caller's reads a negative ``since``: as
    # soon as the floor moved, all the same (the review)
    since = max(now - turn.given_at, 0)
    if now - turn.given_at < -JUST_CALLED_MS or since >= JUST_CALLED_MS:
        return None
    name = turn.entry.speaker.name
    error = FloorError(
        f"{name} was given the floor {since / 1000:.1f} s ago from another console or button box: "
        f"nothing was done; to move on from {name} too, press again",
        code="just_called",
    )
    error.detail = {"name": name, "since_ms": since}
    return error


def call_next_skipped(segment: SegmentState) -> Refusal:
    """``call_next`` with ``skipped``: the turn ending goes on the record as not spoken, so
    there must be one."""
    refusal = call_next(segment)
    if refusal is None and segment.current is None:
        refusal = FloorError(
            "nobody has the floor: there is no turn to put on the record as not spoken; call "
            "the next speaker instead",
            code="no_speaker",
        )
    return refusal


def end_turn(segment: SegmentState) -> Refusal:
    return no_speaker(segment)


def start_timer(segment: SegmentState) -> Refusal:
    refusal = not_live(segment) or no_speaker(segment)
    if refusal is None and segment.current is not None:
        timer = segment.current.timer
        if timer.state != "idle":
            hint = "pause it first" if timer.running else "resume it instead"
            refusal = FloorError(f"the timer is {timer.state}: {hint}", code="timer_not_idle")
    return refusal


def pause_timer(segment: SegmentState) -> Refusal:
    refusal = no_speaker(segment)
    if refusal is None and segment.current is not None:
        timer = segment.current.timer
        if not timer.running:
            refusal = FloorError(
                f"the timer is {timer.state}, not running", code="timer_not_running"
            )
    return refusal


def resume_timer(segment: SegmentState) -> Refusal:
    refusal = not_live(segment) or no_speaker(segment)
    if refusal is None and segment.current is not None:
        timer = segment.current.timer
        if timer.state != "paused":
            refusal = FloorError(f"the timer is {timer.state}, not paused", code="timer_not_paused")
    return refusal


def toggle_command(segment: SegmentState) -> str:
    """The command the console's start/pause/resume button sends now."""
    timer = segment.current.timer if segment.current is not None else None
    if timer is not None and timer.running:
        return "pause_timer"
    if timer is not None and timer.state == "paused":
        return "resume_timer"
    return "start_timer"


def toggle_timer(segment: SegmentState) -> Refusal:
    """Start, pause or resume the speaker's timer, whichever its state calls for."""
    return _TIMER[toggle_command(segment)](segment)


_TIMER: Mapping[str, Callable[[SegmentState], Refusal]] = MappingProxyType(
    {"start_timer": start_timer, "pause_timer": pause_timer, "resume_timer": resume_timer}
)


def interpose(segment: SegmentState, kind: TurnKind) -> Refusal:
    """An interposed question or answer pauses the turn speaking; one level only: into an
    interposed turn, only an answer to an interposed question (which it ends) may come."""
    refusal = no_speaker(segment)
    current = segment.current
    if refusal is not None or current is None or segment.paused is None:
        return refusal
    if kind is TurnKind.ANSWER and current.entry.kind is TurnKind.QUESTION:
        return None
    what = current.entry.kind.value.replace("_", " ")
    return FloorError(
        f"{current.entry.speaker.name}'s {what} is already interposed: end it first "
        "(only an answer may follow an interposed question)",
        code="already_interposed",
    )


def interpose_question(segment: SegmentState) -> Refusal:
    return interpose(segment, TurnKind.QUESTION)


def interpose_answer(segment: SegmentState) -> Refusal:
    return interpose(segment, TurnKind.ANSWER)


def adjust_time(segment: SegmentState) -> Refusal:
    """Add or remove time: any speaker's clock, by any amount the command allows (time taken off
    stops at the turn's whole time: ``decide`` takes off what there is, or nothing, never refuses
    for it)."""
    return no_speaker(segment)


def reset_timer(segment: SegmentState) -> Refusal:
    """A timer already at its start is accepted (no events), so only ``no_speaker`` refuses."""
    return no_speaker(segment)


def raise_signal(segment: SegmentState) -> Refusal:
    """The booth's signals (slow down, no sound, microphone off) are for the speaker: refused
    while nobody has the floor (before the segment, in a break, after it)."""
    refusal = not_live(segment)
    if refusal is None and segment.current is None:
        refusal = FloorError(
            "nobody has the floor: the booth's signals are for the speaker; raise it again once "
            "someone speaks",
            code="no_speaker",
        )
    return refusal


# --- the queue -----------------------------------------------------------------------------------


def segment_ended(segment: SegmentState) -> Refusal:
    if segment.status is SegmentStatus.ENDED:
        return FloorError(f"segment {segment.details.title!r} has ended", code="segment_ended")
    return None


def announce_resumption(segment: SegmentState) -> Refusal:
    """Only a break says when the meeting resumes, and only until it has ended (the meeting has
    resumed then)."""
    title = repr(segment.details.title)
    if not segment.details.is_break:
        return FloorError(
            f"segment {title} is no break: only a break says when the meeting resumes; to move "
            "a segment's start, change its time in the programme",
            code="not_a_break",
        )
    if segment.status is SegmentStatus.ENDED:
        return FloorError(
            f"the break {title} has ended: the meeting has resumed", code="segment_ended"
        )
    return None


def remove_segment(segment: SegmentState) -> Refusal:
    """A segment may be taken out of the programme until it runs, while nobody waits in it;
    each refusal says what to do instead."""
    title = repr(segment.details.title)
    why = None
    reason, count = "", 0
    if segment.status is not SegmentStatus.SCHEDULED or segment.speeches:
        why = f"segment {title} has run: it stays in the day's record (rename it instead)"
        reason = "has_run"
    elif segment.queue:
        count = len(segment.queue)
        who = "1 speaker is" if count == 1 else f"{count} speakers are"
        why = (
            f"{who} queued in segment {title}: take them out of its queue on the console, or "
            "carry them to another segment, then remove it"
        )
        reason = "queued"
    elif segment.pending_ids:
        count = len(segment.pending_ids)
        asks = "1 floor request waits" if count == 1 else f"{count} floor requests wait"
        why = f"{asks} in segment {title}: decline them on the console, then remove it"
        reason = "requests"
    if why is None:
        return None
    return not_removable(why, reason, count)


def not_removable(message: str, reason: str, count: int = 0) -> FloorError:
    """``segment_not_removable``, with why as a ``reason`` (has_run, queued, requests,
    contributions) and how many, for a face to word in its language (outside probe J: the
    desk in Spanish showed the English sentence inside its own)."""
    error = FloorError(message, code="segment_not_removable", status=409)
    error.detail = {"reason": reason, "count": count}
    return error


def readd_last_speaker(segment: SegmentState) -> Refusal:
    """The speaker of the newest record entry gets a new turn, unless they have one already."""
    refusal = segment_ended(segment)
    if refusal is None and not segment.speeches:
        refusal = FloorError("nobody has spoken in this segment yet", code="no_record")
    if refusal is None:
        speech = segment.speeches[-1]
        if place := place_of(segment, speech.speaker, speech.kind):
            refusal = FloorError(
                f"{speech.speaker.name} already has {place}", code="already_queued"
            )
    return refusal


# --- undo ----------------------------------------------------------------------------------------


#: Why undo cannot take the newest command back: a refusal's ``reason`` (``cannot_undo``'s
#: ``detail``, which a console words in its own language, naming ``name``) and its English words.
UNDO_REASONS: Mapping[str, str] = MappingProxyType(
    {
        "left_queue": "that entry has left the queue since",
        "request_changed": "that request has changed since",
        "has_place": "{name} has another open request or place in the queue now",
        "removed": "{name} was removed from the registry since",
        "import": "the secretariat's import queued them: take them out of the queue instead",
        "ended": "the segment has ended",
        "carried_away": "the waiting speakers have left the segment since",
        "carried_here": "speakers have been carried here from another segment since",
        "withdrawn": "{name}'s request has been withdrawn since",
    }
)


def why_not_undo(reason: str, name: str = "") -> str:
    """The English words for an ``UNDO_REASONS`` reason (a reason not listed is its own words)."""
    return UNDO_REASONS.get(reason, reason).format(name=name)


def cannot_undo(label: str, reason: str, name: str = "") -> FloorError:
    """``cannot_undo`` naming the command (``label``), with why in words and as a ``reason`` for
    a console in another language."""
    error = FloorError(
        f"cannot undo \u201c{label}\u201d: {why_not_undo(reason, name)}", code="cannot_undo"
    )
    error.detail = {"reason": reason, "name": name}
    return error


def undo_refusal(segment: SegmentState, entry: UndoEntry | Inverse) -> tuple[str, str] | None:
    """Why ``entry`` (the top of the undo stack) can no longer be taken back, as an
    ``UNDO_REASONS`` reason and whom it names, or None."""
    if isinstance(entry, Inverse):
        return _inverse_refusal(segment, entry)
    if entry.blocked:
        return entry.blocked, entry.blocked_name
    for speaker, point_of_order in _places_given_back(segment, entry):
        assert speaker.participant_id is not None
        if holds_place(segment, speaker.participant_id, point_of_order):
            return "has_place", speaker.name
    return None


def _places_given_back(segment: SegmentState, entry: UndoEntry) -> list[tuple[Speaker, bool]]:
    """The places (a participant's open request or queue entry, and whether it is a point of
    order) that taking ``entry`` back gives back: requests its command closed or called, entries
    it took out of the queue. A request made since stays, so two places could clash."""
    given: list[tuple[Speaker, bool]] = []
    for rid in entry.touched:
        then, now = entry.requests.get(rid), segment.requests.get(rid)
        if then is None or now is None or then.speaker.participant_id is None:
            continue
        if then.status in OPEN_REQUEST_STATUSES and now.status not in OPEN_REQUEST_STATUSES:
            given.append((then.speaker, then.kind is TurnKind.POINT_OF_ORDER))
    if entry.queue is not segment.queue:
        here = {queued.id for queued in segment.queue}
        for queued in entry.queue:  # an entry with a request comes back with its request
            back = queued.id not in here and queued.request_id is None
            if back and queued.speaker.participant_id is not None:
                given.append((queued.speaker, queued.kind is TurnKind.POINT_OF_ORDER))
    return given


def idle_reorders(segment: SegmentState) -> int:
    """How many of the newest undo entries are reorders that taking back would move no one now
    (outside probe M: a speaker moved up who then withdrew; the undo said "Undone: moving them"
    and nothing moved). Undo passes over them to the first entry that changes something, taking
    them back on the way (each its own ``change_undone``, which changes nothing), so a reorder
    under them that still moves people can be taken back (the review: refusing them had left
    every entry under them stuck)."""
    count = 0
    for entry in reversed(segment.undo_stack):
        if not (isinstance(entry, UndoEntry) and only_reorders(entry)):
            break
        if reordered_back(segment, entry).queue != segment.queue:
            break
        count += 1
    return count


def undo_view(segment: SegmentState) -> SegmentState:
    """``segment`` as undo sees it: without the reorders at the top of its stack that would move
    no one (``idle_reorders``)."""
    idle = idle_reorders(segment)
    if not idle:
        return segment
    return replace(segment, undo_stack=segment.undo_stack[:-idle])


def given_back(segment: SegmentState) -> list[Speaker]:
    """The registered participants to whom an undo now would give a place back (a request
    reopened, an entry back in the queue). The engine checks they are still registered: a
    participant removed since (app/floor/removal.py) gets nothing back."""
    segment = undo_view(segment)
    if not segment.undo_stack:
        return []
    top = segment.undo_stack[-1]
    if isinstance(top, UndoEntry):
        found = [speaker for speaker, _ in _places_given_back(segment, top)]
    else:
        found = [top.insert_entry.speaker] if top.insert_entry is not None else []
        request = segment.requests.get(top.request_id) if top.request_id is not None else None
        if (
            request is not None
            and request.status not in OPEN_REQUEST_STATUSES
            and top.request_status_before in OPEN_REQUEST_STATUSES
        ):
            found.append(request.speaker)
    return [speaker for speaker in found if speaker.participant_id is not None]


def _inverse_refusal(segment: SegmentState, inverse: Inverse) -> tuple[str, str] | None:
    """Why an older log's queue change (``Inverse``) can no longer be taken back, or None."""
    if inverse.remove_entry_id is not None and segment.entry_index(inverse.remove_entry_id) is None:
        return "left_queue", ""
    if inverse.move_entry_id is not None and segment.entry_index(inverse.move_entry_id) is None:
        return "left_queue", ""
    if inverse.insert_entry is not None:
        participant_id = inverse.insert_entry.speaker.participant_id
        point_of_order = inverse.insert_entry.kind is TurnKind.POINT_OF_ORDER
        if participant_id is not None and holds_place(segment, participant_id, point_of_order):
            return "has_place", inverse.insert_entry.speaker.name
    if inverse.request_id is not None:
        request = segment.requests.get(inverse.request_id)
        if request is None or request.status is not inverse.request_status_now:
            return "request_changed", ""
        participant_id = request.speaker.participant_id
        reopens = (
            request.status not in OPEN_REQUEST_STATUSES
            and inverse.request_status_before in OPEN_REQUEST_STATUSES
        )
        point_of_order = request.kind is TurnKind.POINT_OF_ORDER
        if (
            reopens
            and participant_id is not None
            and holds_place(segment, participant_id, point_of_order)
        ):
            return "has_place", request.speaker.name
    return None


def undo(segment: SegmentState) -> Refusal:
    """Undo takes back the newest command on the stack (passing over reorders that would move
    no one: ``idle_reorders``), or refuses naming it; it never reaches past a command it cannot
    take back."""
    segment = undo_view(segment)
    if not segment.undo_stack:
        return FloorError("nothing to undo", code="nothing_to_undo")
    entry = segment.undo_stack[-1]
    refusal = undo_refusal(segment, entry)
    if refusal is not None:
        return cannot_undo(entry.label, *refusal)
    return None


# --- floor requests ------------------------------------------------------------------------------


def request_floor_here(segment: SegmentState, kind: TurnKind) -> Refusal:
    """What refuses a request of this kind to anyone, checked before who is asking."""
    if segment.status is SegmentStatus.ENDED:
        return FloorError(
            f"segment {segment.details.title!r} has ended: no more requests", code="segment_ended"
        )
    if segment.details.is_break:
        return FloorError(
            f"\u201c{segment.details.title}\u201d is a break: ask for the floor once the next "
            "segment has started",
            code="segment_is_break",
        )
    if kind is TurnKind.POINT_OF_ORDER and not segment.settings.points_of_order:
        return FloorError("points of order are off in this segment", code="points_of_order_off")
    if not segment.settings.list_open and kind is not TurnKind.POINT_OF_ORDER:
        return FloorError("the list of speakers is closed", code="list_closed")
    return None


def _refused_by(segment: SegmentState, participant_id: str, kind: TurnKind) -> str | None:
    """The code of what refuses a request of this kind to this participant only, or None."""
    if holds_place(segment, participant_id, kind is TurnKind.POINT_OF_ORDER):
        return "already_queued"
    return None


def request_floor_by(segment: SegmentState, participant_id: str, kind: TurnKind) -> Refusal:
    """What refuses a request of this kind to this participant only."""
    code = _refused_by(segment, participant_id, kind)
    if code is None:
        return None
    what = "point of order" if kind is TurnKind.POINT_OF_ORDER else "request or place in the queue"
    return FloorError(f"you already have an open {what} in this segment", code=code)


def who(speaker: Speaker) -> str:
    """A person as a refusal names them: "Amina Diallo (ITUC)", or the name alone."""
    return f"{speaker.name} ({speaker.organisation})" if speaker.organisation else speaker.name


def request_floor_as(
    segment: SegmentState, speaker: Speaker, kind: TurnKind, others: Collection[str]
) -> Refusal:
    """Another registration of the same person (``others``: their ids; their second phone,
    joined before either asked) holding an open request or queue entry of this class refuses
    it: the room's list would name them twice, and count them twice (outside probe G). Reads
    the pending requests and the queue only when there is another registration."""
    if not others or speaker.participant_id is None:
        return None
    point_of_order = kind is TurnKind.POINT_OF_ORDER
    if any(holds_place(segment, other, point_of_order) for other in others):
        return FloorError(
            f"{who(speaker)} is on the list of speakers from another phone: use that phone, or "
            "withdraw there first; if it is someone else of that name, ask the secretariat's desk "
            "to add what tells you apart (a title, a second name)",
            code="queued_from_another_phone",
        )
    return None


def request_floor_room(segment: SegmentState) -> Refusal:
    """In open mode a request goes straight into the queue, so a full queue refuses it."""
    if segment.settings.floor_mode is FloorMode.OPEN:
        return queue_full(segment)
    return None


def request_floor(segment: SegmentState, participant_id: str, kind: TurnKind) -> Refusal:
    """The refusal of ``request_floor`` (for a registered participant), in the rules' order."""
    return (
        request_floor_here(segment, kind)
        or request_floor_by(segment, participant_id, kind)
        or request_floor_room(segment)
    )


def requestable_here(segment: SegmentState) -> dict[str, str | None]:
    """Per requestable kind, the code of what refuses it to anyone now (None: nothing does)."""
    return {
        kind.value: _code(request_floor_here(segment, kind) or request_floor_room(segment))
        for kind in REQUESTABLE_KINDS
    }


def requestable_by(segment: SegmentState, participant_id: str) -> dict[str, str | None]:
    """Per requestable kind, the code of what refuses it to this participant only (each
    delegate's view, at every publish: the code alone, no refusal and its sentence made)."""
    return {kind.value: _refused_by(segment, participant_id, kind) for kind in REQUESTABLE_KINDS}


def _code(refusal: Refusal) -> str | None:
    return refusal.code if refusal is not None else None


# --- the moderator's instruments ----------------------------------------------------------------


def carry_queue(segment: SegmentState) -> Refusal:
    """Carrying (or dropping) the speakers still waiting is for a segment that has ended."""
    if segment.status is not SegmentStatus.ENDED:
        return FloorError(
            f"segment {segment.details.title!r} has not ended: its speakers are still in play",
            code="not_ended",
        )
    if not segment.queue and not segment.pending_ids:
        return FloorError(
            f"nobody is waiting in segment {segment.details.title!r}", code="nobody_waiting"
        )
    return None


def carry_to(target: SegmentState) -> Refusal:
    if target.removed:
        return FloorError(
            f"segment {target.details.title!r} was removed from the programme: carry the "
            "speakers to one still to come",
            code="not_found",
            status=404,
        )
    if target.status is SegmentStatus.ENDED:
        return FloorError(
            f"segment {target.details.title!r} has ended: carry the speakers to one still to come",
            code="segment_ended",
        )
    if target.details.is_break:
        return FloorError(
            f"\u201c{target.details.title}\u201d is a break, where nobody speaks: carry the "
            "speakers to the discussion after it",
            code="segment_is_break",
        )
    return None


def carry_target(segments: Sequence[SegmentState], ended: SegmentState) -> SegmentState | None:
    """Where the console offers to carry the speakers still waiting in ``ended`` (``segments``
    in the programme's order): the live segment, else the next one to come after it, else the
    first one to come; never a break (``carry_to`` refuses it) nor ``ended`` itself."""
    open_ = [s for s in segments if s.id != ended.id and carry_to(s) is None]
    live = [s for s in open_ if s.status is SegmentStatus.LIVE]
    if live:
        return live[0]
    ids = [s.id for s in segments]
    after = ids.index(ended.id) if ended.id in ids else len(ids)
    later = [s for s in open_ if ids.index(s.id) > after]
    choices = later or open_
    return choices[0] if choices else None


def apply_request_order(segment: SegmentState) -> Refusal:
    """Approving every pending request in the suggested order, in one step."""
    refusal = segment_ended(segment)
    if refusal is None and not segment.pending_ids:
        refusal = FloorError("no floor request is waiting", code="nobody_waiting")
    cap = segment.settings.queue_cap
    if refusal is None and cap is not None and len(segment.queue) + len(segment.pending_ids) > cap:
        refusal = FloorError(
            f"the queue would hold more than its {cap} speakers: raise the cap or approve "
            "the requests one by one",
            code="queue_full",
        )
    return refusal


def apply_queue_order(segment: SegmentState) -> Refusal:
    refusal = segment_ended(segment)
    if refusal is None and len(segment.queue) < 2:
        refusal = FloorError("the queue has fewer than two speakers", code="nothing_to_order")
    return refusal


def set_queue_times(segment: SegmentState) -> Refusal:
    refusal = segment_ended(segment)
    if refusal is None and not segment.queue:
        refusal = FloorError("nobody is waiting in the queue", code="nobody_waiting")
    return refusal


# --- the console ---------------------------------------------------------------------------------

#: The moderator console's actions, each with what refuses it now (``views.py``: ``actions``).
MODERATOR_ACTIONS: Mapping[str, Callable[[SegmentState], Refusal]] = MappingProxyType(
    {
        "toggle_timer": toggle_timer,
        "call_next": call_next,
        "call_next_skipped": call_next_skipped,
        "end_turn": end_turn,
        "add_time": adjust_time,
        "remove_time": adjust_time,
        "reset_timer": reset_timer,
        "undo": undo,
        "readd_last_speaker": readd_last_speaker,
        "interpose_question": interpose_question,
        "interpose_answer": interpose_answer,
        "apply_request_order": apply_request_order,
        "apply_queue_order": apply_queue_order,
        "set_queue_times": set_queue_times,
        "carry_queue": carry_queue,
        "announce_resumption": announce_resumption,
    }
)
