"""A participant's particulars corrected in the registry reach every place a segment shows them
(app/floor/corrections.py, the ``correct_speaker`` command): the queue, the requests, the floor,
the record and the undo stack; nothing else of a turn changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from app.floor import commands as c
from app.floor import corrections
from app.floor.corrections import shown
from app.floor.errors import Forbidden, NotFound
from app.floor.model import (
    Attendance,
    Constituency,
    FloorLanguage,
    Speaker,
    TurnKind,
    UndoEntry,
)
from app.floor.roles import Actor
from app.views import Audience
from tests.floor.kit import BOOTH, Floor, delegate, replay

#: Amina Diallo's name as she typed it on her phone, and as the secretariat corrects it
MISTYPED = "Amina Dialo"
CORRECTED = Speaker("Amina Diallo", "Migrant Forum in Asia", Constituency.MIGRANT_ASSOCIATION, "p1")


def _mistyped(floor: Floor) -> None:
    floor.speakers["p1"] = replace(CORRECTED, name=MISTYPED, organisation="MFA")


def _correct(floor: Floor) -> list[str]:
    floor.speakers["p1"] = CORRECTED
    return [event.type for event in floor.send(c.CorrectSpeaker(participant_id="p1"))]


def _waiting(floor: Floor) -> None:
    floor.queued("p1")


def _pending(floor: Floor) -> None:
    floor.request("p1")


def _speaking(floor: Floor) -> None:
    floor.queued("p1")
    floor.send(c.CallNext())


def _spoke(floor: Floor) -> None:
    floor.queued("p1")
    floor.send(c.CallNext())
    floor.tick(30_000)
    floor.send(c.EndTurn())


def _interrupted(floor: Floor) -> None:
    floor.queued("p1")
    floor.send(c.CallNext())
    floor.send(c.Interpose(participant_id="p2"))


def _where(floor: Floor) -> list[str]:
    """Every name the segment shows for p1, by where it shows it."""
    seg = floor.seg
    found = [f"queue:{x.speaker.name}" for x in seg.queue if x.speaker.participant_id == "p1"]
    found += [
        f"request:{r.speaker.name}"
        for r in seg.requests.values()
        if r.speaker.participant_id == "p1"
    ]
    for label, turn in (("floor", seg.current), ("paused", seg.paused)):
        if turn is not None and turn.entry.speaker.participant_id == "p1":
            found.append(f"{label}:{turn.entry.speaker.name}")
    found += [f"record:{s.speaker.name}" for s in seg.speeches if s.speaker.participant_id == "p1"]
    return sorted(found)


CASES: list[tuple[str, Callable[[Floor], None], list[str]]] = [
    ("waiting in the queue", _waiting, ["queue:{}", "request:{}"]),
    ("a request the moderator has not decided", _pending, ["request:{}"]),
    ("has the floor", _speaking, ["floor:{}", "request:{}"]),
    ("has spoken", _spoke, ["record:{}", "request:{}"]),
    ("paused by an interposed question", _interrupted, ["paused:{}", "request:{}"]),
]


@pytest.mark.parametrize(("where", "setup", "places"), CASES, ids=[case[0] for case in CASES])
def test_a_correction_reaches_every_place_the_segment_shows_the_participant(
    floor: Floor, where: str, setup: Callable[[Floor], None], places: list[str]
) -> None:
    _mistyped(floor)
    setup(floor)
    assert _where(floor) == [place.format(MISTYPED) for place in places], where
    before = floor.seg
    assert _correct(floor) == ["speaker_corrected"]
    assert _where(floor) == [place.format(CORRECTED.name) for place in places]
    assert shown(floor.seg, "p1") == {CORRECTED}
    # nothing else of the floor changed: kinds, times, places, statuses, timers
    after = floor.seg
    assert [(x.id, x.kind, x.allotted_ms) for x in after.queue] == [
        (x.id, x.kind, x.allotted_ms) for x in before.queue
    ]
    assert {r.id: r.status for r in after.requests.values()} == {
        r.id: r.status for r in before.requests.values()
    }
    assert (after.current and after.current.timer) == (before.current and before.current.timer)
    # the log folds to the same state after a restart
    assert replay(floor.log).segments[floor.segment_id] == floor.seg


def test_the_console_the_room_and_the_live_page_see_the_corrected_name(floor: Floor) -> None:
    _mistyped(floor)
    _speaking(floor)
    assert floor.view()["current"]["name"] == MISTYPED
    _correct(floor)
    for audience in (Audience.MODERATOR, Audience.PUBLIC, Audience.LIVE):
        seen = floor.view(audience)["current"]
        assert (seen["name"], seen["organisation"]) == (CORRECTED.name, CORRECTED.organisation)


def test_an_undo_after_a_correction_gives_back_the_floor_with_the_name_as_corrected(
    floor: Floor,
) -> None:
    """The undo stack kept the floor as it was before each command, with the old name: it is
    corrected too, so undoing the call gives back a queue that shows the corrected name."""
    _mistyped(floor)
    floor.queued("p1")
    floor.send(c.CallNext())
    _correct(floor)
    floor.send(c.Undo())  # takes back the call: p1 waits again
    assert floor.seg.current is None
    assert _where(floor) == ["queue:Amina Diallo", "request:Amina Diallo"]
    assert replay(floor.log).segments[floor.segment_id] == floor.seg


def test_a_request_kept_for_undo_stays_the_same_object_as_the_segments(floor: Floor) -> None:
    """The fold tells an unchanged request by identity (``fold._restore``); the snapshot codec
    shares what is shared: a correction keeps both true."""
    _mistyped(floor)
    request_id = floor.queued("p1")
    floor.send(c.SetNotes(text="pace"))  # an undoable command that leaves the request alone
    _correct(floor)
    top = floor.seg.undo_stack[-1]
    assert isinstance(top, UndoEntry)
    assert top.requests[request_id] is floor.seg.requests[request_id]
    assert floor.seg.requests[request_id].speaker == CORRECTED


def test_a_correction_is_not_itself_on_the_undo_stack(floor: Floor) -> None:
    _mistyped(floor)
    floor.queued("p1")
    depth = len(floor.seg.undo_stack)
    _correct(floor)
    assert len(floor.seg.undo_stack) == depth
    # what the console offers to undo names her as she is now, in its label and its subject
    assert floor.view()["undo"]["label"] == "approving Amina Diallo"
    assert floor.view()["undo"]["subject"] == "Amina Diallo"


@pytest.mark.parametrize(
    ("what", "setup"),
    [
        ("the segment does not show the participant", lambda floor: floor.queued("p2")),
        ("it already shows them as registered", lambda floor: floor.queued("p1")),
    ],
)
def test_nothing_happens_when_nothing_needs_correcting(
    floor: Floor, what: str, setup: Callable[[Floor], object]
) -> None:
    setup(floor)
    version = floor.version
    assert floor.send(c.CorrectSpeaker(participant_id="p1")) == [], what
    assert floor.version == version


def test_a_correction_sent_twice_changes_the_segment_once(floor: Floor) -> None:
    _mistyped(floor)
    floor.queued("p1")
    assert _correct(floor) == ["speaker_corrected"]
    assert _correct(floor) == []


def test_an_unknown_participant_is_named_in_the_refusal(floor: Floor) -> None:
    error = floor.refuse(c.CorrectSpeaker(participant_id="p9"), "not_found", error=NotFound)
    assert "p9" in error.message


@pytest.mark.parametrize("actor", [delegate("p1"), BOOTH], ids=["delegate", "booth"])
def test_only_those_who_run_the_floor_may_correct(floor: Floor, actor: Actor) -> None:
    _mistyped(floor)
    floor.queued("p1")
    floor.speakers["p1"] = CORRECTED
    floor.refuse(
        c.CorrectSpeaker(participant_id="p1"),
        "forbidden",
        actor=actor,
        error=Forbidden,
    )


def test_the_kind_of_turn_is_kept(floor: Floor) -> None:
    _mistyped(floor)
    floor.queued("p1", TurnKind.POINT_OF_ORDER)
    _correct(floor)
    (entry,) = floor.seg.queue
    assert (entry.kind, entry.speaker) == (TurnKind.POINT_OF_ORDER, CORRECTED)


# (what the registry had, what it has now) → the floor particulars each turn keeps as it is
KEEPS: list[tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]] = [
    ({}, {"name": "Amina Diallo"}, ("language", "attendance", "region")),  # a name: all kept
    ({}, {}, ("language", "attendance", "region")),  # saved again unchanged
    ({"language": "en"}, {"language": "fr"}, ("attendance", "region")),
    ({}, {"attendance": "remote", "region": "Africa"}, ("language",)),
]


@pytest.mark.parametrize(("before", "after", "kept"), KEEPS)
def test_a_correction_keeps_the_floor_particulars_the_registry_did_not_change(
    before: dict[str, Any], after: dict[str, Any], kept: tuple[str, ...]
) -> None:
    """Outside probe Y: the moderator gave a turn in Arabic, remotely; the desk's correction of
    the name set it back to the registry's English, in the room, in the record."""
    registered = Speaker("Amina Dialo", "MFA", participant_id="p1", **before)
    assert corrections.kept_fields(registered, replace(registered, **after)) == kept
    # as the moderator set it for the turn
    turn = replace(registered, language=FloorLanguage.ARABIC, attendance=Attendance.REMOTE)
    fixed = corrections.corrected(turn, replace(registered, **after), kept)
    for name in ("language", "attendance", "region"):
        expected = (
            getattr(turn, name) if name in kept else getattr(replace(registered, **after), name)
        )
        assert getattr(fixed, name) == expected, name
    assert fixed.name == after.get("name", "Amina Dialo")
    assert corrections.kept_fields(None, registered) == ()  # nothing known before: all of it
