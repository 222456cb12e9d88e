"""What each audience sees of a segment: plain JSON-ready dicts, computed from state.

Four audiences: ``moderator`` (everything), ``delegate`` (the public view plus how many requests
wait), ``public`` (displays and clocks: no personal details beyond name, organisation and
constituency, floor language, in the room or remote) and ``live`` (the anonymous public live
page: the public view cut down to what the room display renders, ``LIVE_SHAPE``). A delegate's
own requests travel separately, to them alone (``mine``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from .floor import possible, presets
from .floor.decide import DROPPED_AT_END
from .floor.errors import FloorError
from .floor.model import (
    Constituency,
    FloorRequest,
    Inverse,
    QueueEntry,
    RequestStatus,
    SegmentState,
    SegmentStatus,
    Signal,
    Speaker,
    Timer,
    Turn,
)
from .floor.scripts import name_language

View = dict[str, Any]


class Audience(StrEnum):
    MODERATOR = "moderator"
    DELEGATE = "delegate"
    PUBLIC = "public"
    #: the public live page (``/live/{event_id}``): anyone, no key, when the organiser publishes it
    LIVE = "live"


class _ByIdentity:
    """Views of the state's immutable parts, made once per object.

    Folding shares what an event did not touch: a queue entry or a floor request that did not
    change between two versions is the very same object in both states. Its view is then the very
    same dict too, so building a view of a long queue costs a lookup per item, and diffing two
    views skips an unchanged item at a glance (``patch.diff`` checks identity first). Views are
    never mutated after they are made. The object is kept with its view, so its ``id`` cannot be
    reused while it is remembered.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._views: dict[tuple[int, bool], tuple[object, View]] = {}

    def __call__(self, item: Any, full: bool, make: Callable[[Any, bool], View]) -> View:
        known = self._views.get((id(item), full))
        if known is not None and known[0] is item:
            return known[1]
        return self._remember(item, full, make)

    def many(
        self, items: Iterable[Any], full: bool, make: Callable[[Any, bool], View]
    ) -> list[View]:
        """``[self(item, full, make) for item in items]`` without a call per item already made
        (a long queue or list of requests is read at every publish)."""
        views = self._views
        out = []
        for item in items:
            known = views.get((id(item), full))
            if known is not None and known[0] is item:
                out.append(known[1])
            else:
                out.append(self._remember(item, full, make))
        return out

    def _remember(self, item: Any, full: bool, make: Callable[[Any, bool], View]) -> View:
        if len(self._views) >= self.limit:
            self._views.clear()
        made = make(item, full)
        self._views[id(item), full] = (item, made)
        return made


_remembered = _ByIdentity()


def _entry(entry: QueueEntry, full: bool) -> View:
    return _remembered(entry, full, _make_entry)


def _make_entry(entry: QueueEntry, full: bool) -> View:
    view: View = {
        "id": entry.id,
        "name": entry.speaker.name,
        "name_lang": name_language(entry.speaker.name),  # a screen reader's voice for it
        "organisation": entry.speaker.organisation,
        "organisation_lang": name_language(entry.speaker.organisation),  # the same, for it
        "constituency": entry.speaker.constituency.value,
        # the room display's language tag and remote marker (the interpreters need them too)
        "language": _language(entry.speaker),
        "attendance": entry.speaker.attendance.value,
        "kind": entry.kind.value,
        "allotted_ms": entry.allotted_ms,
    }
    if full:
        view["region"] = entry.speaker.region
        view["gender"] = entry.speaker.gender.value if entry.speaker.gender else None
        view["participant_id"] = entry.speaker.participant_id
        view["request_id"] = entry.request_id
        view["note"] = entry.note
    return view


def _language(speaker: Speaker) -> str | None:
    return speaker.language.value if speaker.language is not None else None


def timer_view(timer: Timer) -> View:
    return {
        "state": timer.state,
        "allotted_ms": timer.allotted_ms,
        "added_ms": timer.added_ms,
        "deadline_at": timer.deadline_at,
        "remaining_ms": None if timer.running else timer.remaining_at(0),
        "started_at": timer.started_at,
    }


def _current(turn: Turn | None, full: bool) -> View | None:
    """A turn on the floor: its entry and timer; for the moderator also the turn an interposed
    one interrupted (``interposed_in``) and the question an answer answers (entry ids)."""
    if turn is None:
        return None
    out = {**_entry(turn.entry, full), "timer": timer_view(turn.timer)}
    if full:
        out["interposed_in"] = turn.interposed_in
        out["answers"] = turn.answers
    return out


def _signal(signal: Signal) -> View:
    return {
        "id": signal.id,
        "kind": signal.kind.value,
        "raised_at": signal.raised_at,
        "expires_at": signal.expires_at,
    }


def _make_request(request: FloorRequest, _: bool) -> View:
    return {
        "id": request.id,
        "participant_id": request.speaker.participant_id,
        "name": request.speaker.name,
        "name_lang": name_language(request.speaker.name),
        "organisation": request.speaker.organisation,
        "organisation_lang": name_language(request.speaker.organisation),
        "constituency": request.speaker.constituency.value,
        "region": request.speaker.region,
        "gender": request.speaker.gender.value if request.speaker.gender else None,
        "language": _language(request.speaker),
        "attendance": request.speaker.attendance.value,
        "kind": request.kind.value,
        "note": request.note,
        "requested_at": request.requested_at,
    }


def _segment(segment: SegmentState) -> View:
    details = segment.details
    return {
        "id": segment.id,
        "event_id": segment.event_id,
        "title": details.title,
        "kind": details.kind,
        "aim": details.aim,
        "moderator": details.moderator,
        "position": details.position,
        "scheduled_start_at": details.scheduled_start_at,
        "scheduled_end_at": details.scheduled_end_at,
        "status": segment.status.value,
        "actual_start_at": segment.actual_start_at,
        "actual_end_at": segment.actual_end_at,
        # a break's resumption as announced (null: as the programme says)
        "resumes_at": segment.resumes_at,
    }


def segment_summary(segment: SegmentState) -> View:
    """The programme entry of a segment, with its live version and, while it has not started,
    who speaks first in it (``first``: the head of its queue, as the room display shows a next
    speaker), so that the booth in a break knows whose language comes after it."""
    first = programme_head(segment)
    return {
        **_segment(segment),
        "version": segment.version,
        "first": None if first is None else _live_entry(_entry(first, False), False),
    }


def programme_head(segment: SegmentState) -> QueueEntry | None:
    """Who a programme entry names as speaking first: the head of a scheduled segment's queue
    (a live or ended segment names nobody: its own view says who speaks)."""
    if segment.status is not SegmentStatus.SCHEDULED or not segment.queue:
        return None
    return segment.queue[0]


def _settings(segment: SegmentState) -> View:
    settings = segment.settings
    return {
        "floor_mode": settings.floor_mode.value,
        "list_open": settings.list_open,
        "queue_cap": settings.queue_cap,
        "warning_ms": settings.warning_ms,
        "danger_ms": settings.danger_ms,
        "start_timer_on_call": settings.start_timer_on_call,
        "points_of_order": settings.points_of_order,
        "default_times_ms": {kind.value: ms for kind, ms in settings.default_times_ms.items()},
        "budgets_ms": {
            constituency.value: settings.budgets_ms[constituency]
            for constituency in Constituency
            if constituency in settings.budgets_ms
        },
    }


def _stats(segment: SegmentState) -> View:
    """The segment's record in figures: turns spoken and skipped, time on the timer (``spoken_ms``,
    also by constituency), time holding the floor (``held_ms``) and overrun."""
    by_constituency: dict[str, int] = {}
    spoken = [speech for speech in segment.speeches if not speech.skipped]
    for speech in spoken:
        key = speech.speaker.constituency.value
        by_constituency[key] = by_constituency.get(key, 0) + speech.timed_ms
    return {
        "speeches": len(spoken),
        "skipped": len(segment.speeches) - len(spoken),
        "spoken_ms": sum(speech.timed_ms for speech in spoken),
        "held_ms": sum(speech.held_ms for speech in spoken),
        "overrun_ms": sum(speech.overrun_ms for speech in spoken),
        "spoken_ms_by_constituency": by_constituency,
    }


#: The command an older log's queue change (``Inverse``) took back, by its label's first word.
_INVERSE_COMMANDS = {
    "approving": "approve_request",
    "declining": "decline_request",
    "adding": "add_speaker",
    "moving": "move_entry",
    "removing": "remove_entry",
}


def _undo(segment: SegmentState) -> View | None:
    """What the next undo does: the command it takes back (its type and the console's words for
    it), and whether it can (``refusal``: why not)."""
    segment = possible.undo_view(segment)  # past the reorders that would move no one now
    if not segment.undo_stack:
        return None
    entry = segment.undo_stack[-1]
    refusal = possible.undo_refusal(segment, entry)
    if isinstance(entry, Inverse):
        command = _INVERSE_COMMANDS.get(entry.label.partition(" ")[0], "")
    else:
        command = entry.command
    return {
        "label": entry.label,
        "command": command,
        # whom it concerns ("" if no one): a console in another language names them beside its
        # own words for the command, as the English label does
        "subject": "" if isinstance(entry, Inverse) else entry.subject,
        "available": refusal is None,
        "refusal": None if refusal is None else possible.why_not_undo(*refusal),
        # a segment's start: the segment it ended, which undoing it makes live again (the
        # console names it before it asks to confirm); null if it ended none
        "brings_back": None if isinstance(entry, Inverse) else entry.supersedes,
    }


def _last_speaker(segment: SegmentState) -> View | None:
    """Whom ``readd_last_speaker`` gives a new turn: the newest record entry's speaker."""
    if not segment.speeches:
        return None
    speech = segment.speeches[-1]
    return {"entry_id": speech.entry_id, "name": speech.speaker.name, "kind": speech.kind.value}


def _refusal(refusal: FloorError | None) -> View | None:
    """A refusal as the console reads it: its code, its words and its facts (``cannot_undo``'s
    ``reason`` and ``name``, which a console in another language words itself)."""
    if refusal is None:
        return None
    return {"code": refusal.code, "message": refusal.message, **(refusal.detail or {})}


def _actions(segment: SegmentState) -> View:
    """What the console may do now: per action null, or the refusal the command would meet
    (``floor/possible.py``, which the rules raise too)."""
    return {
        name: _refusal(refused(segment)) for name, refused in possible.MODERATOR_ACTIONS.items()
    }


def requestable(segment: SegmentState, participant_id: str) -> dict[str, str | None]:
    """Per requestable kind, what refuses it to this delegate in particular (the code), or null.

    The reasons that hold for everyone are in the delegate view's ``can_request``; a kind may
    be asked for when both say null."""
    return possible.requestable_by(segment, participant_id)


def _preset(message: str) -> str | None:
    preset = presets.preset_of(message)
    return preset.value if preset is not None else None


def view(segment: SegmentState, audience: Audience) -> View:
    if audience is Audience.LIVE:
        return live_view(view(segment, Audience.PUBLIC))
    full = audience is Audience.MODERATOR
    out: View = {
        "segment": _segment(segment),
        "settings": _settings(segment),
        "current": _current(segment.current, full),
        # the turn an interposed question or answer paused: it has the floor again afterwards
        "paused": _current(segment.paused, full),
        "message": segment.message,
        # the preset the message is (app/floor/presets.py), which the clock shows translated
        "message_preset": _preset(segment.message),
        "queue": _remembered.many(segment.queue, full, _make_entry),
        # the booth's signals: the speaker clock and the console show each until its expires_at
        "signals": [_signal(signal) for signal in segment.signals],
    }
    if audience is Audience.PUBLIC:
        # the booth's signals: null, or the code of what refuses them now (nobody speaking)
        signal = possible.raise_signal(segment)
        out["can_signal"] = None if signal is None else signal.code
    if audience is Audience.DELEGATE:
        out["pending_count"] = len(segment.pending_ids)
        out["can_request"] = possible.requestable_here(segment)
    if full:
        out["requests"] = _remembered.many(segment.pending_requests(), True, _make_request)
        out["notes"] = segment.notes  # private: never in the room's views
        out["last_speaker"] = _last_speaker(segment)
        out["undo"] = _undo(segment)
        out["actions"] = _actions(segment)
        out["stats"] = _stats(segment)
        # the time the queue's turns are allotted, all together (the console's queue heading)
        out["queue_ms"] = sum(entry.allotted_ms for entry in segment.queue)
    return out


#: How many of the queue the room display shows as its next speakers, and the live page too.
NEXT_SPEAKERS = 3

#: What the room display renders of a public entry: who, and their floor language and remote
#: marker; the ``id`` too, so that a change of the next speakers is patched by id.
_WHO = (
    "id",
    "name",
    "name_lang",
    "organisation",
    "organisation_lang",
    "constituency",
    "language",
    "attendance",
)

#: The live page's view: the keys of the public view (``view(segment, Audience.PUBLIC)``) that
#: the room display renders, and nothing else. No message to the speaker, no booth signals, no
#: settings but the list's state and the timer's colours, no allotted times, no programme
#: details; the queue cut to the next ``NEXT_SPEAKERS``. Notation: a tuple keeps those keys of a
#: dict; a dict keeps its keys, each value cut to its own shape (None: as it is); a list shapes
#: each item of a list.
LIVE_SHAPE: dict[str, Any] = {
    # a break ("break") is shown as one, with when it resumes, as the room display shows it; its
    # id names it in the programme (LIVE_PROGRAMME), as the message's segment_id does
    "segment": (
        "id",
        "title",
        "status",
        "kind",
        "scheduled_start_at",
        "scheduled_end_at",
        "resumes_at",
    ),
    "settings": ("list_open", "warning_ms", "danger_ms"),
    "current": {
        **dict.fromkeys((*_WHO, "kind")),
        "timer": ("state", "deadline_at", "remaining_ms"),
    },
    # the turn an interposed question or answer paused, which the display shows first among the
    # next (its language tag, remote marker, kind); the next speakers with their kinds' badges
    "paused": (*_WHO, "kind"),
    "queue": [(*_WHO, "kind")],
}

#: the live page's queue entries, made once per public entry (which is made once per queue entry)
_remembered_live = _ByIdentity()


def _pick(value: Any, shape: Any) -> Any:
    """``value`` cut down to ``shape`` (``LIVE_SHAPE``'s notation); a null value stays null."""
    if value is None or shape is None:
        return value
    if isinstance(shape, tuple):
        return {key: value[key] for key in shape}
    if isinstance(shape, list):
        return [_pick(item, shape[0]) for item in value]
    return {key: _pick(value[key], inner) for key, inner in shape.items()}


#: What the live page holds of the programme: what the room display shows of it (when a break
#: resumes, what comes next and when, that the hearing has closed); never a moderator's name or
#: a segment's aim, nor who speaks first in it.
LIVE_PROGRAMME = (
    "id",
    "title",
    "kind",
    "status",
    "scheduled_start_at",
    "scheduled_end_at",
    "resumes_at",
    "next_id",
    "resumes_with_id",
    "closes_hearing",
)


def live_programme(programme: Iterable[View]) -> list[View]:
    """The programme's entries (``segment_summary``) cut down to ``LIVE_PROGRAMME``."""
    return [_pick(entry, LIVE_PROGRAMME) for entry in programme]


def _live_entry(entry: View, _: bool) -> View:
    return {key: entry[key] for key in (*_WHO, "kind")}


def live_view(public: View) -> View:
    """The live page's view of a segment, cut from the room display's (``public``) view: what
    the display renders and nothing more (``LIVE_SHAPE``)."""
    out: View = {key: _pick(public[key], shape) for key, shape in LIVE_SHAPE.items()}
    out["queue"] = _remembered_live.many(public["queue"][:NEXT_SPEAKERS], False, _live_entry)
    return out


def own_turns(segment: SegmentState, participant_id: str) -> list[View]:
    """A delegate's turns that no request of theirs stands for: the moderator (or the
    secretariat's import) queued them directly, as a panel is: waiting in the queue, on the floor,
    or paused by an interposed question. Their phone shows these as it shows a request's place."""
    out: list[View] = []
    for turn, status in ((segment.current, "speaking"), (segment.paused, "paused")):
        entry = turn.entry if turn is not None else None
        if entry and entry.request_id is None and entry.speaker.participant_id == participant_id:
            out.append(_own_turn(entry, status))
    out += [
        _own_turn(entry, "queued")
        for entry in segment.queue
        if entry.request_id is None and entry.speaker.participant_id == participant_id
    ]
    return out


def _own_turn(entry: QueueEntry, status: str) -> View:
    return {"entry_id": entry.id, "kind": entry.kind.value, "status": status}


def own_requests(segment: SegmentState, participant_id: str) -> list[View]:
    """A delegate's own requests in this segment, with the reason of a decline."""
    return [
        {
            "id": request.id,
            "kind": request.kind.value,
            "status": request.status.value,
            "note": request.note,
            "reason": request.reason,
            "entry_id": request.entry_id,
            "requested_at": request.requested_at,
            # carried to another segment when this one ended: the place goes on there
            "carried_to": request.carried_to,
            # or dropped then: not taken up (the phone says so until the delegate dismisses it)
            "dropped": request.status is RequestStatus.REMOVED
            and request.carried_to is None
            and request.reason == DROPPED_AT_END,
        }
        for request in segment.requests_of(participant_id)
    ]


def left_behind(segment: SegmentState, participant_id: str) -> View | None:
    """What a delegate's phone must still be told of an ended segment it no longer follows (the
    next segment, a break, is live): their requests there that still wait on the moderator's word
    (pending or queued: the list may yet be carried on or dropped), or that were carried on or
    dropped when it ended, and their turns still in its queue; null when there is none, or the
    segment has not ended. Their own requests only, as ``mine`` sends them."""
    if segment.status is not SegmentStatus.ENDED:
        return None
    requests = own_requests(segment, participant_id)
    told = [
        request
        for request in requests
        if request["status"] in ("pending", "queued")
        or request["carried_to"] is not None
        or request["dropped"]
    ]
    turns = [turn for turn in own_turns(segment, participant_id) if turn["status"] == "queued"]
    if not told and not turns:
        return None
    return {"requests": requests, "turns": turns}
