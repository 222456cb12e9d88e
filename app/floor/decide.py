"""The rules of the floor: a command and the current state in, events out.

Pure: no I/O, no clock of its own (``Context.now`` is passed in), no id generator of its own.
Every refusal raises a FloorError whose message names the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from . import commands as c
from . import corrections, possible, presets
from . import events as e
from .errors import FloorError, Forbidden, NotFound, StaleVersion
from .model import (
    HOUR_MS,
    KEEPS_ITS_TIME,
    OPEN_REQUEST_STATUSES,
    Attendance,
    FloorLanguage,
    FloorMode,
    FloorRequest,
    HearingState,
    QueueEntry,
    RequestStatus,
    SegmentDetails,
    SegmentState,
    SegmentStatus,
    Signal,
    Speaker,
    Speech,
    Turn,
    TurnKind,
    UndoEntry,
)
from .ordering import insertion_index
from .roles import Actor, Role, roles_for
from .text import visible


@dataclass(frozen=True)
class Context:
    now: int
    actor: Actor
    new_id: Callable[[], str]
    speakers: Mapping[str, Speaker]
    #: the meeting day's segments, by id (None: not known, nothing is checked against them)
    segments: Mapping[str, SegmentState] | None = None
    #: the other registrations of the same person as a participant id, as two registrations
    #: are compared (``app/registry.py``); None: each registration is a person of its own
    same_person: Callable[[str], Collection[str]] | None = None


Handler = Callable[[SegmentState, Any, Context], list[e.Event]]
_HANDLERS: dict[type, Handler] = {}


def _handles(command_type: type) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[command_type] = handler
        return handler

    return register


def with_article(word: str) -> str:
    """A role (or any noun) with its indefinite article, as a refusal says it: "an organiser",
    "a moderator"."""
    return f"{'an' if word[:1].lower() in ('a', 'e', 'i', 'o', 'u') else 'a'} {word}"


#: What the staff do instead of a delegate's own floor request (``request_floor`` is a
#: delegate's: the request is theirs, so the fair order and their phone follow it).
STAFF_FLOOR_REQUEST = (
    "a floor request is a delegate's own; to give someone a place, queue them with "
    "add_speaker, or act with their own delegate token (the token answered when the staff "
    "register them)"
)


def role_refused(role: str, command_type: str) -> Forbidden:
    """The refusal of a command type the role may not send (``COMMAND_ROLES``), with the way to
    do it where the sender has one."""
    message = f"{with_article(role)} may not send {command_type}"
    if command_type == "request_floor" and role in (Role.ORGANISER, Role.MODERATOR):
        message += f": {STAFF_FLOOR_REQUEST}"
    return Forbidden(message)


def stale(
    what: str,
    base_version: int,
    version: int,
    read: str = "the state again (this refusal's state holds it)",
) -> StaleVersion:
    """A command based on a version that is not ``what``'s now, saying what to do: ``read``,
    then send the command again if it still applies."""
    return StaleVersion(
        f"the command was based on version {base_version} but {what} is at version {version}: "
        f"someone else changed it first; read {read} and send the command again if it still "
        "applies"
    )


def decide(
    state: HearingState,
    segment_id: str | None,
    command: c.SegmentCommand | c.CreateSegment,
    ctx: Context,
    base_version: int | None = None,
) -> list[e.Event]:
    """Check ``command`` against the rules and return the events it causes (maybe none)."""
    if ctx.actor.role not in roles_for(command.type):
        raise role_refused(ctx.actor.role, command.type)
    if isinstance(command, c.CreateSegment):
        return _create_segment(state, command, ctx)
    segment = state.segments.get(segment_id or "")
    if segment is None:
        raise NotFound(f"no segment {segment_id!r} in event {state.event_id!r}")
    if segment.removed:
        raise NotFound(
            f"segment {segment.details.title!r} was removed from the programme: choose another"
        )
    if base_version is not None and base_version != segment.version:
        raise stale(f"segment {segment.id}", base_version, segment.version)
    if isinstance(command, c.StartSegment):
        return _start_segment(state, segment, ctx)
    if isinstance(command, c.CarryQueue):
        return _carry_queue(state, segment, command, ctx)
    if isinstance(command, c.UpdateSegment):
        return _update_segment(state, segment, command)
    if isinstance(command, c.RemoveSegment):
        return _remove_segment(segment)
    if isinstance(command, c.Undo):
        return _undo(state, segment, ctx)
    if isinstance(command, c.ForTurn) and command.entry_id is not None:
        _still_their_turn(segment, command.entry_id)
    return _HANDLERS[type(command)](segment, command, ctx)


def _still_their_turn(segment: SegmentState, entry_id: str) -> None:
    """A press meant for one turn, sent when another has the floor (a console that lost its
    connection sends its kept presses when it is back): refused, not applied to someone else."""
    current = segment.current
    if current is not None and current.entry.id == entry_id:
        return
    now = f"{current.entry.speaker.name} has the floor now" if current else "no one has the floor"
    raise FloorError(
        f"the turn this was pressed for is no longer on the floor ({now}): press again if it "
        "still applies",
        code="turn_changed",
    )


# --- undo marks ---------------------------------------------------------------------------------


def _mark(command: str, label: str, subject: str = "") -> e.UndoMark:
    return e.UndoMark(command=command, label=label, subject=subject)


def _marked(events: list[e.Event], command: str, label: str, subject: str = "") -> list[e.Event]:
    """``events`` with the first one marked as the start of an undoable console command."""
    if not events:
        return events
    first = events[0]
    assert isinstance(first, e.UndoableEvent)
    return [first.model_copy(update={"undo": _mark(command, label, subject)}), *events[1:]]


def _duration(ms: int) -> str:
    """``90_000`` → ``1 min 30 s``: for undo labels."""
    minutes, seconds = divmod(abs(ms) // 1000, 60)
    parts = [f"{minutes} min"] if minutes else []
    if seconds or not parts:
        parts.append(f"{seconds} s")
    return " ".join(parts)


# --- segments -----------------------------------------------------------------------------------


def _check_schedule(start: int | None, end: int | None) -> None:
    if start is not None and end is not None and end < start:
        raise FloorError(
            "the segment would end before it starts: choose an end time after the start time "
            "(one that runs past midnight ends on the next day: on the organiser's desk, tick "
            '"Ends the next day"; through the API, give the end with its date)',
            code="invalid_schedule",
            status=422,
        )


def _programme(state: HearingState, leaving_out: str = "") -> list[SegmentState]:
    """The meeting day's segments in programme order (``HearingState.programme``, as every face
    lists them), ``leaving_out`` one."""
    return [segment for segment in state.programme() if segment.id != leaving_out]


def _renumbered(others: list[SegmentState], place: int) -> list[e.Event]:
    """The programme renumbered 0, 1, 2, ... in its order, with one segment put at ``place``
    (an index into ``others``, the rest of the programme in its order): a ``segment_updated``
    for each of the others whose position changes. Positions past the programme's last place
    stay there (a day of more than 1,001 segments shares it)."""
    out: list[e.Event] = []
    for index, segment in enumerate(others):
        position = min(index if index < place else index + 1, c.MAX_SEGMENT_POSITION)
        if segment.details.position != position:
            details = replace(segment.details, position=position)
            out.append(e.SegmentUpdated(segment_id=segment.id, details=details))
    return out


def _create_segment(state: HearingState, cmd: c.CreateSegment, ctx: Context) -> list[e.Event]:
    """A new segment at the position given, or after the last one. A position another segment
    holds puts the new one before it (at the programme's last place, 1000: after it, at the
    end); then, as when the last place is reached, the programme is renumbered 0, 1, 2, ...
    (``segment_updated`` events after the ``segment_created``) so that no two segments tie."""
    _check_schedule(cmd.scheduled_start_at, cmd.scheduled_end_at)
    others = _programme(state)
    taken = {segment.details.position for segment in others}
    last = max(taken, default=-1)
    position = cmd.position
    renumbered: list[e.Event] = []
    if position is None and last < c.MAX_SEGMENT_POSITION:
        position = last + 1  # after the last segment of the programme, as the desk adds one
    elif position is None or (position == c.MAX_SEGMENT_POSITION and position in taken):
        position = min(len(others), c.MAX_SEGMENT_POSITION)  # at the end
        renumbered = _renumbered(others, len(others))
    elif position in taken:  # before the segment at that position
        place = sum(1 for segment in others if segment.details.position < position)
        position = place
        renumbered = _renumbered(others, place)
    details = SegmentDetails(**cmd.model_dump(exclude={"type", "position"}), position=position)
    created = e.SegmentCreated(segment_id=ctx.new_id(), event_id=state.event_id, details=details)
    return [created, *renumbered]


def _start_segment(state: HearingState, segment: SegmentState, ctx: Context) -> list[e.Event]:
    if segment.status is SegmentStatus.LIVE:
        raise FloorError(f"segment {segment.details.title!r} is already live", code="already_live")
    out = _supersede(state, segment, ctx)
    ended = out[-1].segment_id if out else None  # undoing this start brings it back
    out.append(
        e.SegmentStarted(
            segment_id=segment.id,
            at=ctx.now,
            supersedes=ended,
            undo=_mark("start_segment", "starting the segment"),
        )
    )
    return out


def _supersede(state: HearingState, segment: SegmentState, ctx: Context) -> list[e.Event]:
    """The events that end the live segment, if another one is, as ``segment`` becomes live: the
    rules keep one live segment per meeting day. Nothing earlier can be undone on the one that
    ends (its console did not end it) until undoing ``segment``'s start brings it back (its
    floor kept as it was: ``SegmentState.superseded``)."""
    live_id = state.live_segment_id
    if live_id is None or live_id == segment.id:
        return []
    live = state.segments[live_id]
    out: list[e.Event] = [
        ended.model_copy(update={"superseded_by": segment.id})
        for ended in _turns_ended(live, ctx.now)
    ]
    out.append(e.SegmentEnded(segment_id=live.id, at=ctx.now, superseded_by=segment.id))
    return out


@_handles(c.EndSegment)
def _end_segment(segment: SegmentState, cmd: c.EndSegment, ctx: Context) -> list[e.Event]:
    if segment.status is not SegmentStatus.LIVE:
        raise FloorError(f"segment {segment.details.title!r} is not live", code="not_live")
    out: list[e.Event] = [*_turns_ended(segment, ctx.now)]
    out.append(e.SegmentEnded(segment_id=segment.id, at=ctx.now))
    return _marked(out, "end_segment", "ending the segment")


#: How far ahead a break's resumption may be announced: a later time is a slip of the date.
RESUMPTION_AHEAD_MS = 24 * 60 * 60 * 1000


@_handles(c.AnnounceResumption)
def _announce_resumption(
    segment: SegmentState, cmd: c.AnnounceResumption, ctx: Context
) -> list[e.Event]:
    """When the meeting resumes after a break, as the moderator tells the room; null withdraws
    it (``possible.announce_resumption``). A time already past, or more than a day ahead, is
    refused saying so; the same time again changes nothing."""
    _refuse(possible.announce_resumption(segment))
    if "expected" in cmd.model_fields_set and cmd.expected != segment.resumes_at:
        refusal = FloorError(
            "someone else announced another time to resume since you read it (it is shown "
            "now): tell the room yours again if it should still replace it",
            code="changed_since",
            status=409,
        )
        refusal.detail = {"changed": {"resumes_at": segment.resumes_at}}
        raise refusal
    if cmd.at is not None and cmd.at <= ctx.now:
        ago = _duration(((ctx.now - cmd.at) // 1000) * 1000 or 1000)
        raise FloorError(
            f"that time has passed ({ago} ago): give a time still to come, or withdraw the "
            "announcement to say the programme's time again",
            code="resumption_past",
            status=422,
        )
    if cmd.at is not None and cmd.at - ctx.now > RESUMPTION_AHEAD_MS:
        raise FloorError(
            "that time is more than a day away: give the time the meeting resumes today",
            code="resumption_too_far",
            status=422,
        )
    if cmd.at == segment.resumes_at:
        return []
    return [e.ResumptionAnnounced(segment_id=segment.id, at=cmd.at)]


def _remove_segment(segment: SegmentState) -> list[e.Event]:
    """A segment added by mistake taken out of the programme (``possible.remove_segment``)."""
    _refuse(possible.remove_segment(segment))
    return [e.SegmentRemoved(segment_id=segment.id)]


def _update_segment(
    state: HearingState, segment: SegmentState, cmd: c.UpdateSegment
) -> list[e.Event]:
    """Change a segment's details. A ``position`` moves it in the programme: it takes that place
    (the last one if the programme is shorter) and the others keep their order around it, the
    programme renumbered 0, 1, 2, ...: its ``segment_updated`` first, then one for each other
    segment whose position changes."""
    if cmd.expected is not None:
        _unchanged_since(state, segment, cmd.expected)
    changes = cmd.model_dump(exclude={"type", "clear", "expected"}, exclude_none=True)
    position = changes.pop("position", None)
    given = set(changes)
    for name in dict.fromkeys(cmd.clear):  # each once, however often named
        if name in given:
            raise FloorError(
                f"{name} is both given and cleared: send one of the two",
                code="invalid_command",
                status=422,
            )
        changes[name] = None
    details = replace(segment.details, **changes)
    _check_schedule(details.scheduled_start_at, details.scheduled_end_at)
    renumbered: list[e.Event] = []
    if position is not None:
        others = _programme(state, leaving_out=segment.id)
        place = min(position, len(others))
        details = replace(details, position=min(place, c.MAX_SEGMENT_POSITION))
        renumbered = _renumbered(others, place)
    if details == segment.details:
        return renumbered
    return [e.SegmentUpdated(segment_id=segment.id, details=details), *renumbered]


def _unchanged_since(
    state: HearingState, segment: SegmentState, expected: c.SegmentExpected
) -> None:
    """Refuse ``changed_since`` when a field the sender saw has another value now: someone else
    saved it meanwhile (two organisers on the desk). ``detail["changed"]``: the values now. A
    ``position`` is the segment's place in the programme as the faces list it (0 first; a segment
    taken out leaves no gap there), a text ``""`` and ``null`` are alike: none."""
    details = segment.details
    now = {name: getattr(details, name) for name in expected.model_fields_set}
    if "position" in now:
        now["position"] = [s.id for s in _programme(state)].index(segment.id)
    changed = {
        name: value
        for name, value in sorted(now.items())
        if _none_if_blank(value) != _none_if_blank(getattr(expected, name))
    }
    if changed:
        refusal = FloorError(
            f"someone else changed {' and '.join(changed)} of segment {details.title!r} since you "
            "read it: read it again, then save yours if it should still replace theirs",
            code="changed_since",
            status=409,
        )
        refusal.detail = {"changed": changed}
        raise refusal


def _none_if_blank(value: object) -> object:
    return None if value == "" else value


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
    others = ctx.same_person(participant_id) if ctx.same_person is not None else ()
    _refuse(possible.request_floor_as(segment, speaker, cmd.kind, others))
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
    # the open floor queues it at once: the console may take that back like an approval
    mark = _mark("approve_request", f"approving {speaker.name}", speaker.name)
    return [
        requested,
        e.RequestApproved(
            segment_id=segment.id, request_id=request_id, entry=entry, index=index, undo=mark
        ),
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
    mark = _mark("approve_request", f"approving {request.speaker.name}", request.speaker.name)
    return [
        e.RequestApproved(
            segment_id=segment.id, request_id=request.id, entry=entry, index=index, undo=mark
        )
    ]


@_handles(c.DeclineRequest)
def _decline(segment: SegmentState, cmd: c.DeclineRequest, ctx: Context) -> list[e.Event]:
    request = _request(segment, cmd.request_id)
    if request.status is not RequestStatus.PENDING:
        raise FloorError(f"the request is {request.status}, not pending", code="not_pending")
    mark = _mark("decline_request", f"declining {request.speaker.name}", request.speaker.name)
    return [
        e.RequestDeclined(
            segment_id=segment.id, request_id=request.id, reason=cmd.reason.strip(), undo=mark
        )
    ]


# --- the queue ----------------------------------------------------------------------------------


def _speaker(cmd: c.AddSpeaker | c.Interpose, ctx: Context) -> Speaker:
    """Who a console command names: a registered participant (with the floor language and
    attendance the command gives for this turn, if it gives them), or a guest by name."""
    if cmd.participant_id is not None:
        speaker = ctx.speakers.get(cmd.participant_id)
        if speaker is None:
            raise NotFound(f"no participant {cmd.participant_id!r} in this event")
        if cmd.language is not None:
            speaker = replace(speaker, language=_language(cmd.language))
        if cmd.attendance is not None:
            speaker = replace(speaker, attendance=cmd.attendance)
        return speaker
    name = cmd.name.strip()
    if not visible(name):  # blank, or only what shows nothing (a Hangul filler: outside probe L)
        raise FloorError(f"{cmd.type} needs a participant_id or a name", code="invalid", status=422)
    return Speaker(
        name=name,
        organisation=cmd.organisation.strip(),
        constituency=cmd.constituency,
        region=cmd.region.strip(),
        language=_language(cmd.language),
        attendance=cmd.attendance or Attendance.IN_ROOM,
        gender=cmd.gender,
    )


@_handles(c.AddSpeaker)
def _add_speaker(segment: SegmentState, cmd: c.AddSpeaker, ctx: Context) -> list[e.Event]:
    _refuse(possible.segment_ended(segment))
    speaker = _speaker(cmd, ctx)
    if cmd.participant_id is not None and (
        place := possible.held_place(
            segment, cmd.participant_id, cmd.kind is TurnKind.POINT_OF_ORDER
        )
    ):
        raise FloorError(f"{speaker.name} already has {place}", code="already_queued")
    allotted = cmd.allotted_ms or segment.settings.default_times_ms[cmd.kind]
    entry = QueueEntry(
        id=ctx.new_id(), speaker=speaker, kind=cmd.kind, allotted_ms=allotted, note=cmd.note.strip()
    )
    index = insertion_index(segment.queue, cmd.kind, cmd.position)
    mark = _mark("add_speaker", f"adding {speaker.name}", speaker.name)
    if ctx.actor.via == "import":  # the console did not queue them: it does not take them out
        mark = mark.model_copy(update={"blocked": "import"})
    return [e.EntryAdded(segment_id=segment.id, entry=entry, index=index, undo=mark)]


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
    name = segment.queue[index].speaker.name
    mark = _mark("move_entry", f"moving {name}", name)
    return [e.EntryMoved(segment_id=segment.id, entry_id=cmd.entry_id, index=target, undo=mark)]


@_handles(c.RemoveEntry)
def _remove(segment: SegmentState, cmd: c.RemoveEntry, ctx: Context) -> list[e.Event]:
    index = _entry_index(segment, cmd.entry_id)
    name = segment.queue[index].speaker.name
    mark = _mark("remove_entry", f"removing {name}", name)
    return [e.EntryRemoved(segment_id=segment.id, entry_id=cmd.entry_id, undo=mark)]


def _points_of_order_first(queue: tuple[QueueEntry, ...]) -> int:
    """The top of the queue, after the points of order waiting there."""
    return insertion_index(queue, TurnKind.POINT_OF_ORDER, None)


@_handles(c.ReaddLastSpeaker)
def _readd(segment: SegmentState, cmd: c.ReaddLastSpeaker, ctx: Context) -> list[e.Event]:
    """The speaker of the newest record entry gets a new turn of the same kind at the top of the
    queue, after the points of order waiting there; the earlier turn stays on the record."""
    _refuse(possible.readd_last_speaker(segment))
    speech = segment.speeches[-1]
    allotted = cmd.duration_ms
    if allotted is None:  # the time the turn had, if it is a duration a command could give
        had = speech.allotted_ms
        allotted = had if 0 < had <= HOUR_MS else segment.settings.default_times_ms[speech.kind]
    entry = QueueEntry(
        id=ctx.new_id(), speaker=speech.speaker, kind=speech.kind, allotted_ms=allotted
    )
    index = _points_of_order_first(segment.queue)
    mark = _mark("readd_last_speaker", f"re-adding {speech.speaker.name}", speech.speaker.name)
    return [e.EntryAdded(segment_id=segment.id, entry=entry, index=index, undo=mark)]


@_handles(c.EditEntry)
def _edit(segment: SegmentState, cmd: c.EditEntry, ctx: Context) -> list[e.Event]:
    """A waiting entry changes and keeps its place and request; made a point of order, it goes
    where a new point of order would (after those at the top); the reverse keeps its place. The
    turn on the floor (or paused by an interposed one): its speaker's floor language, attendance
    and region only, as the moderator learns them while they speak (``_edit_on_floor``)."""
    on_floor = next(
        (
            turn
            for turn in (segment.current, segment.paused)
            if turn is not None and turn.entry.id == cmd.entry_id
        ),
        None,
    )
    if on_floor is not None:
        return _edit_on_floor(segment, on_floor.entry, cmd)
    index = _entry_index(segment, cmd.entry_id)
    entry = segment.queue[index]
    speaker = _edited_speaker(entry.speaker, cmd)
    edited = replace(
        entry,
        speaker=speaker,
        kind=entry.kind if cmd.kind is None else cmd.kind,
        allotted_ms=entry.allotted_ms if cmd.duration_ms is None else cmd.duration_ms,
        note=entry.note if cmd.note is None else cmd.note.strip(),
    )
    if edited == entry:
        return []
    was_point = entry.kind is TurnKind.POINT_OF_ORDER
    is_point = edited.kind is TurnKind.POINT_OF_ORDER
    participant_id = entry.speaker.participant_id
    changes_class = was_point != is_point and participant_id is not None
    if changes_class and (place := possible.held_place(segment, participant_id or "", is_point)):
        raise FloorError(f"{entry.speaker.name} already has {place}", code="already_queued")
    if is_point and not was_point:
        index = _points_of_order_first(segment.queue[:index] + segment.queue[index + 1 :])
    mark = _mark("edit_entry", f"editing {entry.speaker.name}'s turn", entry.speaker.name)
    return [e.EntryEdited(segment_id=segment.id, entry=edited, index=index, undo=mark)]


def _language(given: FloorLanguage | Literal["unknown"] | None) -> FloorLanguage | None:
    """A command's floor language: ``"unknown"`` (given in error, or not known) is None."""
    return None if given == "unknown" else given


def _edited_speaker(speaker: Speaker, cmd: c.EditEntry) -> Speaker:
    return replace(
        speaker,
        # omitted: as it is; "unknown": back to not known
        language=speaker.language if cmd.language is None else _language(cmd.language),
        attendance=speaker.attendance if cmd.attendance is None else cmd.attendance,
        region=speaker.region if cmd.region is None else cmd.region.strip(),
    )


def _edit_on_floor(segment: SegmentState, entry: QueueEntry, cmd: c.EditEntry) -> list[e.Event]:
    """The speaker on the floor heard in another language, or found to speak from elsewhere: the
    booths and the screens follow at once (``entry_edited`` at index -1). A turn under way keeps
    its kind, time and note: those are refused, saying what to use instead."""
    name = entry.speaker.name
    changes = {
        "kind": cmd.kind is not None and cmd.kind != entry.kind,
        "time": cmd.duration_ms is not None and cmd.duration_ms != entry.allotted_ms,
        "note": cmd.note is not None and cmd.note.strip() != entry.note,
    }
    refused = [what for what, changed in changes.items() if changed]
    if refused:
        raise FloorError(
            f"{name} has the floor: a turn under way keeps its {' and '.join(refused)} (change "
            "its time with +30 s / -30 s or adjust_time); only the speaker's floor language, "
            "attendance and region can be corrected now",
            code="turn_under_way",
        )
    edited = replace(entry, speaker=_edited_speaker(entry.speaker, cmd))
    if edited == entry:
        return []
    mark = _mark("edit_entry", f"correcting {name}'s language or attendance", name)
    return [e.EntryEdited(segment_id=segment.id, entry=edited, index=-1, undo=mark)]


@_handles(c.CorrectSpeaker)
def _correct_speaker(segment: SegmentState, cmd: c.CorrectSpeaker, ctx: Context) -> list[e.Event]:
    """The registry's particulars of a participant, wherever the segment shows them otherwise;
    nothing when it does not show them, or already shows them so (a retry, another process)."""
    speaker = ctx.speakers.get(cmd.participant_id)
    if speaker is None:
        raise NotFound(
            f"no participant {cmd.participant_id!r} is registered for this event: check the id "
            "in GET .../participants"
        )
    keep = tuple(cmd.keep)
    if not corrections.needs_correcting(segment, speaker, keep):
        return []
    return [e.SpeakerCorrected(segment_id=segment.id, speaker=speaker, keep=keep)]


def _undo(state: HearingState, segment: SegmentState, ctx: Context) -> list[e.Event]:
    """Take back the newest command on the segment's undo stack, at ``ctx.now`` (the turns of a
    segment whose end is undone count on from then). Undoing the end of a segment makes it live
    again, so the segment live now (if another) ends, as ``start_segment`` does; undoing the
    start of a segment makes the one that start ended live again (``_brought_back``)."""
    _refuse(possible.undo(segment))
    seen = possible.undo_view(segment)  # past the reorders that would move no one now
    top = seen.undo_stack[-1]
    for speaker in possible.given_back(segment):
        if speaker.participant_id not in ctx.speakers:  # removed from the registry since
            raise possible.cannot_undo(top.label, "removed", speaker.name)
    out: list[e.Event] = [
        e.ChangeUndone(segment_id=segment.id, version=idle.version, at=ctx.now)
        for idle in reversed(segment.undo_stack[len(seen.undo_stack) :])
    ]
    segment = seen
    if isinstance(top, UndoEntry) and top.status is SegmentStatus.LIVE:
        out += _supersede(state, segment, ctx)
    out.append(e.ChangeUndone(segment_id=segment.id, version=top.version, at=ctx.now))
    if isinstance(top, UndoEntry):
        out += _brought_back(state, segment, top, ctx)
    return out


def _brought_back(
    state: HearingState, segment: SegmentState, top: UndoEntry, ctx: Context
) -> list[e.Event]:
    """As the start of ``segment`` (``top``) is undone, the segment that start ended live again,
    its floor as it was when ``segment`` took over from it (``SegmentState.superseded``; fold.py
    ``_brought_back``); none if it ended none. Until then it stays ended: were it started again,
    ``segment``'s start could no longer be undone (that start ended ``segment``)."""
    ended = state.segments.get(top.supersedes or "")
    if ended is None or ended.status is not SegmentStatus.ENDED:
        return []
    kept = ended.superseded
    if kept is None or kept.by != segment.id:
        return []
    return [e.SegmentStarted(segment_id=ended.id, at=ctx.now, brought_back_by=segment.id)]


# --- the moderator's instruments ----------------------------------------------------------------


def _same_ids(shown: list[str], expected: list[str], what: str) -> None:
    if len(set(shown)) != len(shown) or set(shown) != set(expected):
        raise FloorError(
            f"the order given does not list {what} as they are now (each once): "
            "ask for the suggestion again",
            code="order_mismatch",
        )


@_handles(c.ApplyOrder)
def _apply_order(segment: SegmentState, cmd: c.ApplyOrder, ctx: Context) -> list[e.Event]:
    if cmd.scope == "queue":
        _refuse(possible.apply_queue_order(segment))
        _same_ids(cmd.order, [entry.id for entry in segment.queue], "the queue's speakers")
        if cmd.order == [entry.id for entry in segment.queue]:
            return []
        mark = _mark("apply_order", "putting the queue in the suggested order")
        return [e.QueueReordered(segment_id=segment.id, order=cmd.order, undo=mark)]
    _refuse(possible.apply_request_order(segment))
    _same_ids(cmd.order, list(segment.pending_ids), "the pending requests")
    approvals: list[e.Approval] = []
    queue = segment.queue
    for request_id in cmd.order:
        request = segment.requests[request_id]
        entry = _new_entry(segment, ctx, request.id, request.speaker, request.kind, request.note)
        index = insertion_index(queue, request.kind, None)
        queue = (*queue[:index], entry, *queue[index:])
        approvals.append(e.Approval(request_id=request.id, entry=entry, index=index))
    label = f"approving {len(approvals)} request{'s' if len(approvals) != 1 else ''} in order"
    mark = _mark("apply_order", label)
    return [e.RequestsApproved(segment_id=segment.id, approvals=approvals, undo=mark)]


#: Turns whose time a moderator does not cut to fit the schedule.
_KEEP_TIME = KEEPS_ITS_TIME


@_handles(c.SetQueueTimes)
def _set_queue_times(segment: SegmentState, cmd: c.SetQueueTimes, ctx: Context) -> list[e.Event]:
    _refuse(possible.set_queue_times(segment))
    changed = [
        entry.id
        for entry in segment.queue
        if entry.kind not in _KEEP_TIME and entry.allotted_ms != cmd.duration_ms
    ]
    if not changed:
        return []
    label = f"giving each waiting speaker {_duration(cmd.duration_ms)}"
    return [
        e.QueueTimesSet(
            segment_id=segment.id,
            entry_ids=changed,
            allotted_ms=cmd.duration_ms,
            undo=_mark("set_queue_times", label),
        )
    ]


#: Why a request left waiting when its segment ended was dropped (``carry_queue`` to nowhere):
#: its phone keeps telling the delegate it was not taken up (``views.own_requests``: dropped).
DROPPED_AT_END = "dropped when the segment ended"


def _carry_queue(
    state: HearingState, segment: SegmentState, cmd: c.CarryQueue, ctx: Context
) -> list[e.Event]:
    """The waiting speakers of an ended segment go to another (after its own queue, their
    order kept; a participant already waiting there keeps the place they have and this one is
    dropped), or are dropped. Not undoable: two segments change."""
    _refuse(possible.carry_queue(segment))
    waiting = [segment.requests[rid] for rid in segment.pending_ids]
    if cmd.to_segment_id is None:
        return [
            e.QueueCarried(
                segment_id=segment.id,
                to_segment_id=None,
                entry_ids=[entry.id for entry in segment.queue],
                request_ids=[
                    *(entry.request_id for entry in segment.queue if entry.request_id),
                    *(request.id for request in waiting),
                ],
                reason=DROPPED_AT_END,
            )
        ]
    target = state.segments.get(cmd.to_segment_id)
    if target is None or target.id == segment.id:
        raise NotFound(f"no other segment {cmd.to_segment_id!r} in event {state.event_id!r}")
    _refuse(possible.carry_to(target))
    entries: list[QueueEntry] = []
    carried: list[e.Carried] = []
    for entry in segment.queue:
        request = segment.requests.get(entry.request_id or "")
        if _waits_in(target, entry.speaker, entry.kind):
            continue
        entries.append(entry)
        if request is not None:
            carried.append(_carried(request, RequestStatus.QUEUED, entry.id))
    for request in waiting:
        if not _waits_in(target, request.speaker, request.kind):
            carried.append(_carried(request, RequestStatus.PENDING, None))
    reason = f"carried to {target.details.title}"
    return [
        e.QueueCarried(
            segment_id=segment.id,
            to_segment_id=target.id,
            entry_ids=[entry.id for entry in segment.queue],
            request_ids=[
                *(entry.request_id for entry in segment.queue if entry.request_id),
                *(request.id for request in waiting),
            ],
            reason=reason,
        ),
        e.QueueReceived(
            segment_id=target.id, from_segment_id=segment.id, entries=entries, requests=carried
        ),
    ]


def _waits_in(segment: SegmentState, speaker: Speaker, kind: TurnKind) -> bool:
    """Whether a registered participant already waits in ``segment`` for a turn of this class."""
    if speaker.participant_id is None:
        return False
    return possible.holds_place(segment, speaker.participant_id, kind is TurnKind.POINT_OF_ORDER)


def _carried(request: FloorRequest, status: RequestStatus, entry_id: str | None) -> e.Carried:
    return e.Carried(
        id=request.id,
        speaker=request.speaker,
        kind=request.kind,
        note=request.note,
        status=status,
        requested_at=request.requested_at,
        entry_id=entry_id,
    )


# --- the interpreters' booth --------------------------------------------------------------------


#: How late a booth's signal may reach the server and still be shown (``RaiseSignal.sent_at``):
#: later, the floor may have moved on (another speaker may have it), and the booth has told the
#: interpreter it was not sent (booth.js waits as long), so it is refused.
SIGNAL_FRESH_MS = 4_000


@_handles(c.RaiseSignal)
def _raise_signal(segment: SegmentState, cmd: c.RaiseSignal, ctx: Context) -> list[e.Event]:
    _refuse(possible.raise_signal(segment))
    if cmd.sent_at is not None and ctx.now - cmd.sent_at > SIGNAL_FRESH_MS:
        raise FloorError(
            f"this signal was sent {(ctx.now - cmd.sent_at) // 1000} s ago and reached the "
            "server only now (the connection was lost meanwhile): press it again if it still "
            "holds",
            code="signal_stale",
        )
    signal = Signal(
        id=ctx.new_id(),
        kind=cmd.kind,
        raised_at=ctx.now,
        expires_at=ctx.now + cmd.duration_s * 1000,
    )
    return [e.SignalRaised(segment_id=segment.id, signal=signal)]


@_handles(c.ClearSignal)
def _clear_signal(segment: SegmentState, cmd: c.ClearSignal, ctx: Context) -> list[e.Event]:
    if cmd.signal_id is not None and all(s.id != cmd.signal_id for s in segment.signals):
        return []  # cleared already (by someone else, or it was replaced): nothing to do
    if not segment.signals:
        return []
    return [e.SignalCleared(segment_id=segment.id, signal_id=cmd.signal_id)]


# --- list settings ------------------------------------------------------------------------------


@_handles(c.SetFloorMode)
def _set_mode(segment: SegmentState, cmd: c.SetFloorMode, ctx: Context) -> list[e.Event]:
    if segment.settings.floor_mode is cmd.mode:
        return []
    mark = _mark("set_floor_mode", f"setting the floor {cmd.mode.value}")
    return [e.FloorModeSet(segment_id=segment.id, mode=cmd.mode, undo=mark)]


@_handles(c.CloseList)
def _close(segment: SegmentState, cmd: c.CloseList, ctx: Context) -> list[e.Event]:
    if not segment.settings.list_open:
        return []
    return [e.ListClosed(segment_id=segment.id, undo=_mark("close_list", "closing the list"))]


@_handles(c.ReopenList)
def _reopen(segment: SegmentState, cmd: c.ReopenList, ctx: Context) -> list[e.Event]:
    if segment.settings.list_open:
        return []
    mark = _mark("reopen_list", "reopening the list")
    return [e.ListReopened(segment_id=segment.id, undo=mark)]


@_handles(c.SetQueueCap)
def _set_cap(segment: SegmentState, cmd: c.SetQueueCap, ctx: Context) -> list[e.Event]:
    if segment.settings.queue_cap == cmd.cap:
        return []
    label = "removing the queue cap" if cmd.cap is None else f"capping the queue at {cmd.cap}"
    return [e.QueueCapSet(segment_id=segment.id, cap=cmd.cap, undo=_mark("set_queue_cap", label))]


@_handles(c.SetDefaultTime)
def _set_default(segment: SegmentState, cmd: c.SetDefaultTime, ctx: Context) -> list[e.Event]:
    if segment.settings.default_times_ms[cmd.kind] == cmd.duration_ms:
        return []
    kind = cmd.kind.value.replace("_", " ")
    label = f"setting the {kind} time to {_duration(cmd.duration_ms)}"
    return [
        e.DefaultTimeSet(
            segment_id=segment.id,
            kind=cmd.kind,
            duration_ms=cmd.duration_ms,
            undo=_mark("set_default_time", label),
        )
    ]


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
        e.ThresholdsSet(
            segment_id=segment.id,
            warning_ms=cmd.warning_ms,
            danger_ms=cmd.danger_ms,
            undo=_mark("set_thresholds", "setting the timer's colours"),
        )
    ]


@_handles(c.SetBudget)
def _set_budget(segment: SegmentState, cmd: c.SetBudget, ctx: Context) -> list[e.Event]:
    if segment.settings.budgets_ms.get(cmd.constituency) == cmd.budget_ms:
        return []
    name = cmd.constituency.value.replace("_", " ")
    label = (
        f"removing the {name} budget"
        if cmd.budget_ms is None
        else f"setting the {name} budget to {_duration(cmd.budget_ms)}"
    )
    return [
        e.BudgetSet(
            segment_id=segment.id,
            constituency=cmd.constituency,
            budget_ms=cmd.budget_ms,
            undo=_mark("set_budget", label),
        )
    ]


@_handles(c.SetPointsOfOrder)
def _set_points_of_order(
    segment: SegmentState, cmd: c.SetPointsOfOrder, ctx: Context
) -> list[e.Event]:
    if segment.settings.points_of_order == cmd.enabled:
        return []
    mark = _mark("set_points_of_order", f"turning {'on' if cmd.enabled else 'off'} points of order")
    return [e.PointsOfOrderSet(segment_id=segment.id, enabled=cmd.enabled, undo=mark)]


@_handles(c.SetStartTimerOnCall)
def _set_timer_on_call(
    segment: SegmentState, cmd: c.SetStartTimerOnCall, ctx: Context
) -> list[e.Event]:
    if segment.settings.start_timer_on_call == cmd.enabled:
        return []
    label = f"turning {'on' if cmd.enabled else 'off'} starting the timer on call"
    mark = _mark("set_start_timer_on_call", label)
    return [e.StartTimerOnCallSet(segment_id=segment.id, enabled=cmd.enabled, undo=mark)]


# --- turns and the timer ------------------------------------------------------------------------


def _turn_ended(
    segment: SegmentState, turn: Turn, now: int, *, skipped: bool = False
) -> e.TurnEnded:
    """The end of ``turn`` with its record entry: every turn given is on the record, whatever the
    countdown did (never started, reset, paused). The time interposed turns held the floor in it
    is theirs, not its own, nor is the time the segment stood ended in it (an end undone:
    ``suspended_ms``). The overrun is the countdown's the speaker saw: time run since its
    last reset beyond what it was set to (the time before a reset is in ``timed_ms``, not over
    time); a turn that did not take place ran over nothing."""
    timed = turn.timed_at(now)
    allotted = turn.timer.total_ms
    overrun = 0 if skipped else max(0, timed - turn.timed_before_ms - allotted)
    interposed = turn.interposed_until(now)
    speech = Speech(
        entry_id=turn.entry.id,
        speaker=turn.entry.speaker,
        kind=turn.entry.kind,
        allotted_ms=allotted,
        called_at=turn.called_at,
        timer_started_at=turn.timer_started_at,
        ended_at=now,
        held_ms=now - turn.called_at - interposed,
        timed_ms=timed,
        overrun_ms=overrun,
        skipped=skipped,
        request_id=turn.entry.request_id,
        interposed_ms=interposed - turn.suspended_ms,
        interposed_in=turn.interposed_in,
        answers=turn.answers,
        suspended_ms=turn.suspended_ms,
    )
    return e.TurnEnded(segment_id=segment.id, entry_id=turn.entry.id, speech=speech, at=now)


def _turns_ended(segment: SegmentState, now: int) -> list[e.TurnEnded]:
    """The end of every turn on the floor as the segment ends: the speaker's, then the one an
    interposed turn had paused."""
    turns = (segment.current, segment.paused)
    return [_turn_ended(segment, turn, now) for turn in turns if turn is not None]


def _returned(segment: SegmentState, now: int, by: str | None = None) -> list[e.Event]:
    """The floor back to the turn an interposed turn paused (as the interposed turn ends), by
    whoever pressed (``by``; None as the segment ends)."""
    if segment.paused is None:
        return []
    entry_id = segment.paused.entry.id
    return [e.TurnReturned(segment_id=segment.id, entry_id=entry_id, at=now, by=by)]


def _current(segment: SegmentState) -> Turn:
    _refuse(possible.no_speaker(segment))
    assert segment.current is not None
    return segment.current


@_handles(c.CallNext)
def _call_next(segment: SegmentState, cmd: c.CallNext, ctx: Context) -> list[e.Event]:
    """End the current turn (if any), give the floor to the first in the queue and, when the
    segment says so, start their timer: one command, taken back by one undo. After an interposed
    turn the floor goes back to the turn it paused, not to the queue."""
    _refuse(possible.call_next_skipped(segment) if cmd.skipped else possible.call_next(segment))
    _refuse(possible.just_called(segment, ctx.now, _presser(ctx)))
    out: list[e.Event] = []
    if segment.current is not None:
        out.append(_turn_ended(segment, segment.current, ctx.now, skipped=cmd.skipped))
    if segment.paused is not None:
        out += _returned(segment, ctx.now, _presser(ctx))
        subject = segment.paused.entry.speaker.name
        label = f"giving the floor back to {subject}"
    elif segment.queue:
        entry = segment.queue[0]
        by = _presser(ctx)
        out.append(e.TurnStarted(segment_id=segment.id, entry=entry, at=ctx.now, by=by))
        if segment.settings.start_timer_on_call:
            deadline = ctx.now + entry.allotted_ms
            out.append(e.TimerStarted(segment_id=segment.id, at=ctx.now, deadline_at=deadline))
        subject = entry.speaker.name
        label = f"calling {subject}"
    else:
        assert segment.current is not None
        subject = segment.current.entry.speaker.name
        label = f"ending {subject}'s turn"
    return _marked(out, "call_next", label, subject)


def _presser(ctx: Context) -> str:
    """Who presses, as ``TurnStarted.by`` keeps it: the access link's id, else the role (the
    organiser key)."""
    return ctx.actor.credential_id or ctx.actor.role.value


@_handles(c.EndTurn)
def _end_turn(segment: SegmentState, cmd: c.EndTurn, ctx: Context) -> list[e.Event]:
    _refuse(possible.end_turn(segment))
    _refuse(possible.just_called(segment, ctx.now, _presser(ctx)))
    turn = _current(segment)
    ended = _turn_ended(segment, turn, ctx.now, skipped=cmd.skipped)
    out = [ended, *_returned(segment, ctx.now, _presser(ctx))]
    name = turn.entry.speaker.name
    return _marked(out, "end_turn", f"ending {name}'s turn", name)


@_handles(c.Interpose)
def _interpose(segment: SegmentState, cmd: c.Interpose, ctx: Context) -> list[e.Event]:
    """The turn speaking is paused (a running timer too) and the interposed speaker has the
    floor at once (their timer started when the segment starts timers on call). An answer to an
    interposed question ends the question's turn and stays interposed in the turn it paused."""
    _refuse(possible.interpose(segment, cmd.kind))
    turn = _current(segment)
    speaker = _speaker(cmd, ctx)
    allotted = cmd.duration_ms or segment.settings.default_times_ms[cmd.kind]
    entry = QueueEntry(
        id=ctx.new_id(), speaker=speaker, kind=cmd.kind, allotted_ms=allotted, note=cmd.note
    )
    out: list[e.Event] = []
    answers: str | None = None
    paused = segment.paused
    if paused is not None:  # an answer to the interposed question speaking
        out.append(_turn_ended(segment, turn, ctx.now))
        answers = turn.entry.id
    else:
        paused = turn
        if turn.timer.running:
            remaining = turn.timer.remaining_at(ctx.now)
            out.append(e.TimerPaused(segment_id=segment.id, at=ctx.now, remaining_ms=remaining))
    out.append(
        e.TurnInterposed(
            segment_id=segment.id,
            entry=entry,
            at=ctx.now,
            interposed_in=paused.entry.id,
            answers=answers,
            by=_presser(ctx),
        )
    )
    if segment.settings.start_timer_on_call:
        deadline = ctx.now + allotted
        out.append(e.TimerStarted(segment_id=segment.id, at=ctx.now, deadline_at=deadline))
    label = f"interposing {speaker.name}'s {cmd.kind.value}"
    return _marked(out, "interpose", label, speaker.name)


@_handles(c.StartTimer)
def _start(segment: SegmentState, cmd: c.StartTimer, ctx: Context) -> list[e.Event]:
    _refuse(possible.start_timer(segment))
    timer = _current(segment).timer
    deadline = ctx.now + timer.remaining_at(ctx.now)
    mark = _mark("start_timer", "starting the timer")
    return [e.TimerStarted(segment_id=segment.id, at=ctx.now, deadline_at=deadline, undo=mark)]


@_handles(c.PauseTimer)
def _pause(segment: SegmentState, cmd: c.PauseTimer, ctx: Context) -> list[e.Event]:
    _refuse(possible.pause_timer(segment))
    timer = _current(segment).timer
    return [
        e.TimerPaused(
            segment_id=segment.id,
            at=ctx.now,
            remaining_ms=timer.remaining_at(ctx.now),
            undo=_mark("pause_timer", "pausing the timer"),
        )
    ]


@_handles(c.ResumeTimer)
def _resume(segment: SegmentState, cmd: c.ResumeTimer, ctx: Context) -> list[e.Event]:
    _refuse(possible.resume_timer(segment))
    timer = _current(segment).timer
    deadline = ctx.now + timer.remaining_at(ctx.now)
    mark = _mark("resume_timer", "resuming the timer")
    return [e.TimerResumed(segment_id=segment.id, at=ctx.now, deadline_at=deadline, undo=mark)]


@_handles(c.AdjustTime)
def _adjust(segment: SegmentState, cmd: c.AdjustTime, ctx: Context) -> list[e.Event]:
    """Add time, or take time off: at most the turn's whole time (allotted and added), so a
    turn never has less than no time and its overtime is never more than the time it has run
    (a timer started late is put right by taking off what it missed; "an hour off" pressed
    again and again is not 3 hours of overtime). The event records the time actually taken off,
    so the record and undo say what happened; nothing left to take off changes nothing (no
    events)."""
    _refuse(possible.adjust_time(segment))
    delta = cmd.delta_ms
    if delta < 0:
        delta = max(delta, -max(_current(segment).timer.total_ms, 0))
        if delta == 0:
            return []
    verb = "adding" if delta > 0 else "taking off"
    mark = _mark("adjust_time", f"{verb} {_duration(delta)}")
    events: list[e.Event] = [e.TimeAdjusted(segment_id=segment.id, delta_ms=delta, undo=mark)]
    return events + (_time_given(segment) if delta > 0 else [])


#: The messages that say the speaker's time is (nearly) up: time given takes them down, so the
#: speaker never reads "Your time is up" under a clock with time left.
_TIME_MESSAGES = frozenset({presets.MessagePreset.TIME, presets.MessagePreset.CONCLUDE})


def _time_given(segment: SegmentState) -> list[e.Event]:
    """The events that follow time given to the speaker (added, or a reset's fresh time): a
    message saying their time is up comes down with it (one command, one undo)."""
    if presets.preset_of(segment.message) in _TIME_MESSAGES:
        return [e.MessageCleared(segment_id=segment.id)]
    return []


@_handles(c.ResetTimer)
def _reset(segment: SegmentState, cmd: c.ResetTimer, ctx: Context) -> list[e.Event]:
    _refuse(possible.reset_timer(segment))
    timer = _current(segment).timer
    if timer.state == "idle" and timer.added_ms == 0:
        return []
    mark = _mark("reset_timer", "resetting the timer")
    return [e.TimerReset(segment_id=segment.id, at=ctx.now, undo=mark), *_time_given(segment)]


@_handles(c.SetMessage)
def _set_message(segment: SegmentState, cmd: c.SetMessage, ctx: Context) -> list[e.Event]:
    text = presets.text_of(cmd.preset) if cmd.preset is not None else cmd.text.strip()
    if not text:
        raise FloorError("the message is empty", code="invalid", status=422)
    if text == segment.message:
        return []
    mark = _mark("set_message", "setting the message")
    return [e.MessageSet(segment_id=segment.id, text=text, undo=mark)]


@_handles(c.ClearMessage)
def _clear_message(segment: SegmentState, cmd: c.ClearMessage, ctx: Context) -> list[e.Event]:
    if not segment.message:
        return []
    mark = _mark("clear_message", "clearing the message")
    return [e.MessageCleared(segment_id=segment.id, undo=mark)]


@_handles(c.SetNotes)
def _set_notes(segment: SegmentState, cmd: c.SetNotes, ctx: Context) -> list[e.Event]:
    if cmd.text == segment.notes:
        return []
    mark = _mark("set_notes", "clearing the notes" if not cmd.text else "changing the notes")
    return [e.NotesSet(segment_id=segment.id, text=cmd.text, undo=mark)]
