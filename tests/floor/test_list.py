"""The list of speakers a chair expects (issue 12, item 4): re-adding the last speaker, editing a
waiting entry, an interposed question and its answer, the moderator's private notes, points of
order off. Each command is undone like every other console command."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from app.floor import commands as c
from app.floor.events import EntryEdited, TurnEnded, event_from_json, event_to_json
from app.floor.model import RequestStatus, Speech
from app.floor.model import TurnKind as K
from app.views import Audience
from tests.floor.kit import Floor, delegate, replay

INTERVENTION_MS = 180_000
QUESTION_MS = 60_000
ANSWER_MS = 120_000


def _undo_label(floor: Floor) -> tuple[str, str]:
    undo = floor.view()["undo"]
    return undo["command"], undo["label"]


def _taken_back(floor: Floor, command: Any, label: str) -> None:
    """``command`` is accepted, and undo gives back exactly the floor before it."""
    before = floor.seg
    floor.send(command)
    assert _undo_label(floor) == (command.type, label)
    floor.send(c.Undo())
    after = floor.seg
    for part in ("queue", "current", "paused", "settings", "notes", "speeches", "requests"):
        assert getattr(after, part) == getattr(before, part), part


def _spoke(floor: Floor, participant_id: str = "p1", ms: int = 100_000) -> str:
    """``participant_id`` asked, was called, spoke ``ms`` on the timer and finished."""
    request_id = floor.queued(participant_id)
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.tick(ms)
    floor.send(c.EndTurn())
    return request_id


# --- re-add the last speaker ---------------------------------------------------------------------


def test_the_last_speaker_gets_a_new_turn_at_the_top_after_the_points_of_order(
    floor: Floor,
) -> None:
    _spoke(floor)
    floor.add("B")
    floor.queued("p3", K.POINT_OF_ORDER)
    (added,) = floor.send(c.ReaddLastSpeaker())
    assert floor.names() == ["Chen Wei", "Amina Diallo", "B"]
    entry = floor.seg.queue[1]
    assert (entry.kind, entry.allotted_ms, entry.request_id) == (
        K.INTERVENTION,
        INTERVENTION_MS,
        None,
    )
    assert entry.speaker.participant_id == "p1"
    assert _undo_label(floor) == ("readd_last_speaker", "re-adding Amina Diallo")
    # the earlier turn stays on the record, and the new one joins it when given
    floor.send(c.CallNext())
    floor.send(c.CallNext())
    floor.send(c.EndTurn())
    record = [(s.speaker.name, s.entry_id) for s in floor.seg.speeches]
    assert [name for name, _ in record] == ["Amina Diallo", "Chen Wei", "Amina Diallo"]
    assert added.type == "entry_added" and record[2][1] == entry.id != record[0][1]


def test_the_new_turn_has_the_time_the_last_one_had(floor: Floor) -> None:
    floor.add("Panellist", kind=K.PANELLIST, allotted_ms=420_000)
    floor.send(c.CallNext())
    floor.send(c.AdjustTime(delta_ms=60_000))
    floor.send(c.EndTurn())
    floor.send(c.ReaddLastSpeaker())
    assert (floor.seg.queue[0].kind, floor.seg.queue[0].allotted_ms) == (K.PANELLIST, 480_000)
    floor.send(c.Undo())
    floor.send(c.ReaddLastSpeaker(duration_ms=120_000))
    assert floor.seg.queue[0].allotted_ms == 120_000


def test_a_turn_whose_time_was_all_taken_off_gets_the_default_time(floor: Floor) -> None:
    floor.add("Guest", kind=K.REMARKS, allotted_ms=60_000)
    floor.send(c.CallNext())
    floor.send(c.AdjustTime(delta_ms=-120_000))  # takes off the 60 s there were
    floor.send(c.EndTurn())
    floor.send(c.ReaddLastSpeaker())
    assert floor.seg.queue[0].allotted_ms == 300_000  # the remarks' default


def _readd_pending(floor: Floor) -> None:
    _spoke(floor)
    floor.request("p1")  # they asked again: approve that instead


def _readd_queued(floor: Floor) -> None:
    _spoke(floor)
    floor.send(c.ReaddLastSpeaker())


def _readd_speaking(floor: Floor) -> None:
    _readd_queued(floor)
    floor.send(c.CallNext())  # their new turn: the newest record entry is still the first


def _readd_guest_twice(floor: Floor) -> None:
    floor.add("Guest")
    floor.send(c.CallNext())
    floor.send(c.EndTurn())
    floor.send(c.ReaddLastSpeaker())


def _readd_interposing_again(floor: Floor) -> None:
    floor.add("A")
    floor.send(c.CallNext())
    floor.send(c.Interpose(participant_id="p4"))
    floor.send(c.EndTurn())
    floor.send(c.Interpose(participant_id="p4"))  # p4's question is the newest record entry


def _readd_paused(floor: Floor) -> None:
    _readd_speaking(floor)
    floor.send(c.Interpose(name="Q"))  # Amina Diallo waits to take the floor back


def _readd_ended(floor: Floor) -> None:
    _spoke(floor)
    floor.send(c.EndSegment())


READD_REFUSALS: list[tuple[str, Any, str]] = [
    ("nobody has spoken", lambda floor: floor.add("A"), "no_record"),
    ("asked again since", _readd_pending, "already_queued"),
    ("already re-added", _readd_queued, "already_queued"),
    ("speaking again", _readd_speaking, "already_queued"),
    ("a guest re-added", _readd_guest_twice, "already_queued"),
    ("interposing again", _readd_interposing_again, "already_queued"),
    ("paused by a question", _readd_paused, "already_queued"),
    ("segment ended", _readd_ended, "segment_ended"),
]


@pytest.mark.parametrize(
    ("setup", "code"), [r[1:] for r in READD_REFUSALS], ids=[r[0] for r in READD_REFUSALS]
)
def test_readd_is_refused(floor: Floor, setup: Any, code: str) -> None:
    setup(floor)
    error = floor.refuse(c.ReaddLastSpeaker(), code)
    assert floor.view()["actions"]["readd_last_speaker"] == {
        "code": code,
        "message": error.message,
    }


def test_the_console_is_told_whom_readd_gives_a_turn(floor: Floor) -> None:
    assert floor.view()["last_speaker"] is None
    _spoke(floor)
    (speech,) = floor.seg.speeches
    assert floor.view()["last_speaker"] == {
        "entry_id": speech.entry_id,
        "name": "Amina Diallo",
        "kind": "intervention",
    }
    assert floor.view()["actions"]["readd_last_speaker"] is None


# --- edit a waiting entry ------------------------------------------------------------------------


def _waiting(floor: Floor) -> dict[str, str]:
    """The queue: a point of order (p4), then p1 (asked), a guest, p2 (asked)."""
    requests = {pid: floor.queued(pid) for pid in ("p1", "p2")}
    floor.add("Guest", kind=K.INTERVENTION, position=1)
    floor.queued("p4", K.POINT_OF_ORDER)
    assert floor.names() == ["Dara Okafor", "Amina Diallo", "Guest", "Bruno Silva"]
    return requests


def _entry_of(floor: Floor, name: str) -> str:
    return next(e.id for e in floor.seg.queue if e.speaker.name == name)


#: (entry, changes) → queue names after, the entry's (kind, allotted_ms, note)
EDITS: list[tuple[str, str, dict[str, Any], list[str], tuple[K, int, str]]] = [
    ("note", "Amina Diallo", {"note": " rule 12 "},
     ["Dara Okafor", "Amina Diallo", "Guest", "Bruno Silva"], (K.INTERVENTION, 180_000, "rule 12")),
    ("time", "Guest", {"duration_ms": 90_000},
     ["Dara Okafor", "Amina Diallo", "Guest", "Bruno Silva"], (K.INTERVENTION, 90_000, "")),
    ("kind, keeps its place", "Guest", {"kind": K.RIGHT_OF_REPLY},
     ["Dara Okafor", "Amina Diallo", "Guest", "Bruno Silva"], (K.RIGHT_OF_REPLY, 180_000, "")),
    ("made a point of order: up, after those waiting", "Bruno Silva", {"kind": K.POINT_OF_ORDER},
     ["Dara Okafor", "Bruno Silva", "Amina Diallo", "Guest"], (K.POINT_OF_ORDER, 180_000, "")),
    ("no longer a point of order: keeps its place", "Dara Okafor", {"kind": K.INTERVENTION},
     ["Dara Okafor", "Amina Diallo", "Guest", "Bruno Silva"], (K.INTERVENTION, 60_000, "")),
    ("everything at once", "Guest", {"kind": K.POINT_OF_ORDER, "duration_ms": 30_000, "note": "x"},
     ["Dara Okafor", "Guest", "Amina Diallo", "Bruno Silva"], (K.POINT_OF_ORDER, 30_000, "x")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "changes", "names", "entry"), [r[1:] for r in EDITS], ids=[r[0] for r in EDITS]
)
def test_an_entry_is_edited_in_its_place(
    floor: Floor,
    name: str,
    changes: dict[str, Any],
    names: list[str],
    entry: tuple[K, int, str],
) -> None:
    requests = _waiting(floor)
    entry_id = _entry_of(floor, name)
    before = floor.entry(entry_id)
    (edited,) = floor.send(c.EditEntry(entry_id=entry_id, **changes))
    assert edited.type == "entry_edited"
    assert floor.names() == names
    after = floor.entry(entry_id)
    assert (after.kind, after.allotted_ms, after.note) == entry
    assert (after.id, after.request_id, after.speaker) == (
        before.id,
        before.request_id,
        before.speaker,
    )
    # the link to the request holds: still queued for this entry, of the entry's kind now
    for request_id in requests.values():
        request = floor.req(request_id)
        assert request.status is RequestStatus.QUEUED and floor.entry(request.entry_id or "")
        assert request.kind is floor.entry(request.entry_id or "").kind
    assert _undo_label(floor) == ("edit_entry", f"editing {name}'s turn")
    floor.send(c.Undo())
    assert floor.entry(entry_id) == before
    assert floor.names() == ["Dara Okafor", "Amina Diallo", "Guest", "Bruno Silva"]


def test_the_delegate_sees_the_kind_of_turn_they_were_given(floor: Floor) -> None:
    request_id = floor.queued("p1")
    entry_id = floor.req(request_id).entry_id or ""
    floor.send(c.EditEntry(entry_id=entry_id, kind=K.RIGHT_OF_REPLY, note="moderator only"))
    (mine,) = floor.mine("p1")
    assert (mine["kind"], mine["status"], mine["note"]) == ("right_of_reply", "queued", "")
    # made a point of order, the turn counts as one: p1 may ask for an intervention again
    floor.send(c.EditEntry(entry_id=entry_id, kind=K.POINT_OF_ORDER))
    floor.request("p1")
    floor.refuse(c.RequestFloor(kind=K.POINT_OF_ORDER), "already_queued", delegate("p1"))


def test_an_unchanged_entry_is_a_no_op(floor: Floor) -> None:
    _waiting(floor)
    entry_id = _entry_of(floor, "Guest")
    assert floor.send(c.EditEntry(entry_id=entry_id)) == []
    same = c.EditEntry(entry_id=entry_id, kind=K.INTERVENTION, duration_ms=180_000, note="")
    assert floor.send(same) == []


def test_the_speakers_language_and_attendance_are_corrected_on_the_floor(floor: Floor) -> None:
    """Outside probe U: a guest given the floor with no language (or as in the room) could not be
    corrected once speaking, and the booths could not tell whether to take relay."""
    floor.add("A")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.tick(10_000)
    assert floor.seg.current is not None
    speaking = floor.seg.current.entry.id
    before = floor.seg
    fix = c.EditEntry(entry_id=speaking, language="ar", attendance="remote", region=" Cairo ")
    (edited,) = floor.send(fix)
    assert isinstance(edited, EntryEdited) and edited.index == -1
    current = floor.view(Audience.PUBLIC)["current"]
    assert (current["language"], current["attendance"]) == ("ar", "remote")
    assert floor.seg.current.entry.speaker.region == "Cairo"
    assert floor.seg.current is not None and before.current is not None
    assert floor.seg.current.timer == before.current.timer  # the turn runs on
    assert floor.seg.queue == before.queue
    assert floor.send(fix) == []  # what it says holds already
    assert _undo_label(floor) == ("edit_entry", "correcting A's language or attendance")
    floor.send(c.Undo())
    assert floor.seg.current == before.current
    floor.send(fix)
    floor.send(c.EndTurn())
    assert floor.seg.speeches[-1].speaker.language == "ar"  # the record has them as corrected
    floor.refuse(c.EditEntry(entry_id="nope", note="x"), "not_found")


@pytest.mark.parametrize(
    ("given", "sent", "after"),
    [
        ("fr", None, "fr"),  # omitted: as it is
        ("fr", "unknown", None),  # given in error: back to not known
        (None, "unknown", None),  # already not known: nothing to do
        (None, "es", "es"),
    ],
)
@pytest.mark.parametrize("where", ["queue", "floor"])
def test_a_floor_language_given_in_error_goes_back_to_not_known(
    floor: Floor, given: str | None, sent: str | None, after: str | None, where: str
) -> None:
    floor.add("A", language=given)
    entry_id = floor.seg.queue[-1].id
    if where == "floor":
        floor.send(c.CallNext())
    events = floor.send(c.EditEntry(entry_id=entry_id, language=sent))
    assert len(events) == (0 if given == after else 1)
    current = floor.seg.current
    turn = current.entry if where == "floor" and current is not None else floor.seg.queue[-1]
    assert turn.speaker.language == after


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"note": "x"}, "keeps its note"),
        ({"duration_ms": 60_000}, "keeps its time"),
        ({"kind": K.RIGHT_OF_REPLY, "language": "fr"}, "keeps its kind"),
    ],
)
def test_a_turn_under_way_keeps_its_kind_time_and_note(
    floor: Floor, changes: dict[str, Any], said: str
) -> None:
    floor.add("A")
    floor.send(c.CallNext())
    speaking = floor.seg.current.entry.id if floor.seg.current else ""
    error = floor.refuse(c.EditEntry(entry_id=speaking, **changes), "turn_under_way")
    assert said in error.message and "+30 s" in error.message
    # sent as it is, with the language corrected: accepted
    entry = floor.seg.current.entry if floor.seg.current else None
    assert entry is not None
    same = {"kind": entry.kind, "duration_ms": entry.allotted_ms, "note": entry.note}
    floor.send(c.EditEntry(entry_id=speaking, language="fr", **same))
    assert floor.view(Audience.PUBLIC)["current"]["language"] == "fr"


def test_the_turn_paused_by_a_question_is_corrected_too(floor: Floor) -> None:
    p1 = _p1_speaking(floor)
    floor.send(c.Interpose(participant_id="p2"))
    floor.send(c.EditEntry(entry_id=p1, language="es"))
    assert floor.seg.paused is not None and floor.seg.paused.entry.speaker.language == "es"
    assert floor.seg.current is not None and floor.seg.current.entry.speaker.language != "es"


def test_an_edit_never_gives_a_participant_two_places_of_a_class(floor: Floor) -> None:
    floor.queued("p1")
    floor.queued("p1", K.POINT_OF_ORDER)
    point, intervention = (entry.id for entry in floor.seg.queue)
    error = floor.refuse(
        c.EditEntry(entry_id=intervention, kind=K.POINT_OF_ORDER), "already_queued"
    )
    assert error.message == "Amina Diallo already has a point of order at place #1 in the queue"
    floor.refuse(c.EditEntry(entry_id=point, kind=K.REMARKS), "already_queued")
    floor.send(c.EditEntry(entry_id=intervention, kind=K.RIGHT_OF_REPLY))  # the same class


# --- an interposed question and its answer -------------------------------------------------------


def _p1_speaking(floor: Floor) -> str:
    """Amina Diallo speaks, her timer has run 30 s; B waits in the queue."""
    floor.queued("p1")
    floor.add("B")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.tick(30_000)
    assert floor.seg.current is not None
    return floor.seg.current.entry.id


def test_a_question_pauses_the_speaker_and_hands_the_floor_back(floor: Floor) -> None:
    p1 = _p1_speaking(floor)
    events = floor.send(c.Interpose(participant_id="p2"))
    assert [e.type for e in events] == ["timer_paused", "turn_interposed"]
    assert _undo_label(floor) == ("interpose", "interposing Bruno Silva's question")
    current, paused = floor.seg.current, floor.seg.paused
    assert current is not None and paused is not None
    assert (current.entry.speaker.name, current.entry.kind, current.interposed_in) == (
        "Bruno Silva",
        K.QUESTION,
        p1,
    )
    assert (paused.entry.id, paused.timer.state) == (p1, "paused")
    assert paused.timer.remaining_at(floor.now) == INTERVENTION_MS - 30_000
    assert (floor.timer.state, floor.remaining) == ("idle", QUESTION_MS)
    assert floor.names() == ["B"]  # the queue waits
    floor.send(c.StartTimer())
    floor.tick(20_000)
    events = floor.send(c.EndTurn())
    assert [e.type for e in events] == ["turn_ended", "turn_returned"]
    # the floor is Amina Diallo's again, her timer paused where it was: the moderator resumes it
    assert floor.seg.current is not None and floor.seg.current.entry.id == p1
    assert floor.seg.paused is None and floor.names() == ["B"]
    assert (floor.timer.state, floor.remaining) == ("paused", INTERVENTION_MS - 30_000)
    (question,) = floor.seg.speeches
    assert (question.kind, question.interposed_in, question.answers) == (K.QUESTION, p1, None)
    assert (question.held_ms, question.timed_ms, question.request_id) == (20_000, 20_000, None)
    floor.send(c.ResumeTimer())
    floor.tick(40_000)
    floor.send(c.CallNext())
    amina = floor.seg.speeches[1]
    # her record: the question's time is the question's, not hers
    assert (amina.held_ms, amina.interposed_ms, amina.timed_ms) == (70_000, 20_000, 70_000)
    assert amina.ended_at - amina.called_at == 90_000
    assert (amina.interposed_in, amina.answers) == (None, None)
    assert floor.seg.current is not None and floor.seg.current.entry.speaker.name == "B"


def test_an_answer_follows_the_question_and_is_linked_to_it(floor: Floor) -> None:
    p1 = _p1_speaking(floor)
    floor.send(c.Interpose(name="Delegate of Chile", duration_ms=30_000))
    question = floor.seg.current.entry.id if floor.seg.current else ""
    floor.tick(25_000)
    events = floor.send(c.Interpose(name="Panellist", kind=K.ANSWER))
    assert [e.type for e in events] == ["turn_ended", "turn_interposed"]
    assert _undo_label(floor) == ("interpose", "interposing Panellist's answer")
    current = floor.seg.current
    assert current is not None and (current.interposed_in, current.answers) == (p1, question)
    assert floor.remaining == ANSWER_MS
    assert floor.seg.paused is not None and floor.seg.paused.entry.id == p1
    floor.tick(60_000)
    events = floor.send(c.CallNext())  # after an interposed turn, not the queue: Amina again
    assert [e.type for e in events] == ["turn_ended", "turn_returned"]
    assert _undo_label(floor) == ("call_next", "giving the floor back to Amina Diallo")
    assert floor.seg.current is not None and floor.seg.current.entry.id == p1
    asked, answered = floor.seg.speeches
    assert (asked.entry_id, asked.kind, asked.interposed_in, asked.answers) == (
        question,
        K.QUESTION,
        p1,
        None,
    )
    assert (answered.kind, answered.interposed_in, answered.answers) == (K.ANSWER, p1, question)
    assert (asked.held_ms, answered.held_ms) == (25_000, 60_000)
    floor.send(c.EndTurn())
    assert floor.seg.speeches[-1].interposed_ms == 85_000


def test_an_answer_may_interrupt_a_speaker_directly(floor: Floor) -> None:
    p1 = _p1_speaking(floor)
    floor.send(c.Interpose(name="Panellist", kind=K.ANSWER))
    current = floor.seg.current
    assert current is not None and (current.interposed_in, current.answers) == (p1, None)


def test_an_idle_timer_stays_idle_and_a_timer_started_on_call_starts(floor: Floor) -> None:
    floor.send(c.SetStartTimerOnCall(enabled=True))
    floor.add("A")
    floor.send(c.CallNext())
    floor.send(c.PauseTimer())
    floor.tick(10_000)
    events = floor.send(c.Interpose(name="Q"))
    assert [e.type for e in events] == ["turn_interposed", "timer_started"]
    assert floor.timer.running and floor.timer.deadline_at == floor.now + QUESTION_MS
    floor.send(c.EndTurn())
    assert floor.timer.state == "paused"  # not started again: the moderator resumes it


def _interposed_question(floor: Floor) -> None:
    _p1_speaking(floor)
    floor.send(c.Interpose(name="Q"))


def _interposed_answer(floor: Floor) -> None:
    _p1_speaking(floor)
    floor.send(c.Interpose(name="A", kind=K.ANSWER))


INTERPOSE_REFUSALS: list[tuple[str, Any, K, str]] = [
    ("nobody speaking", lambda floor: floor.add("A"), K.QUESTION, "no_speaker"),
    ("nobody speaking: answer", lambda floor: floor.add("A"), K.ANSWER, "no_speaker"),
    ("a question into a question", _interposed_question, K.QUESTION, "already_interposed"),
    ("a question into an answer", _interposed_answer, K.QUESTION, "already_interposed"),
    ("an answer into an answer", _interposed_answer, K.ANSWER, "already_interposed"),
]


@pytest.mark.parametrize(
    ("setup", "kind", "code"),
    [r[1:] for r in INTERPOSE_REFUSALS],
    ids=[r[0] for r in INTERPOSE_REFUSALS],
)
def test_interpose_is_refused(floor: Floor, setup: Any, kind: K, code: str) -> None:
    setup(floor)
    error = floor.refuse(c.Interpose(name="Someone", kind=kind), code)
    action = "interpose_question" if kind is K.QUESTION else "interpose_answer"
    assert floor.view()["actions"][action] == {"code": code, "message": error.message}


def test_an_interposed_speaker_is_someone(floor: Floor) -> None:
    _p1_speaking(floor)
    floor.refuse(c.Interpose(participant_id="nobody"), "not_found")
    error = floor.refuse(c.Interpose(name="  "), "invalid")
    assert error.status == 422


def test_the_end_of_the_segment_ends_both_turns_and_is_undone(floor: Floor) -> None:
    p1 = _p1_speaking(floor)
    floor.send(c.Interpose(name="Q"))
    floor.tick(10_000)
    before = floor.seg
    events = floor.send(c.EndSegment())
    assert [e.type for e in events] == ["turn_ended", "turn_ended", "segment_ended"]
    question, amina = floor.seg.speeches
    assert (question.interposed_in, amina.entry_id) == (p1, p1)
    assert (amina.held_ms, amina.interposed_ms, amina.timed_ms) == (30_000, 10_000, 30_000)
    assert floor.status(amina.request_id or "") is RequestStatus.SPOKEN
    floor.send(c.Undo())
    assert (floor.seg.current, floor.seg.paused) == (before.current, before.paused)
    assert floor.status(amina.request_id or "") is RequestStatus.SPEAKING


def test_another_segment_starting_ends_both_turns(floor: Floor) -> None:
    _p1_speaking(floor)
    floor.send(c.Interpose(name="Q"))
    second = floor.create_segment("Thematic discussion II")
    events = floor.send(c.StartSegment(), segment_id=second)
    ended = [e for e in events if isinstance(e, TurnEnded)]
    assert [e.superseded_by for e in ended] == [second, second]
    assert (floor.seg.current, floor.seg.paused, len(floor.seg.speeches)) == (None, None, 2)


UNDONE: list[tuple[str, Any, Any, str]] = [
    ("a question", _p1_speaking, c.Interpose(name="Q"), "interposing Q's question"),
    ("an answer", _interposed_question, c.Interpose(name="A", kind=K.ANSWER),
     "interposing A's answer"),
    ("the end of a question", _interposed_question, c.EndTurn(), "ending Q's turn"),
    ("the floor given back", _interposed_question, c.CallNext(),
     "giving the floor back to Amina Diallo"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "command", "label"), [r[1:] for r in UNDONE], ids=[r[0] for r in UNDONE]
)
def test_interposing_is_undone_exactly(floor: Floor, setup: Any, command: Any, label: str) -> None:
    setup(floor)
    floor.tick(5_000)
    before = floor.seg
    floor.send(command)
    floor.tick(7_000)
    assert floor.view()["undo"]["label"] == label
    floor.send(c.Undo())
    # a command that ended a turn (the question's, by the answer, its end or the floor given
    # back) gives it back counting on from the undo: the 7 s are nobody's (fold._taken_from)
    ended = not isinstance(command, c.Interpose) or command.kind is K.ANSWER

    def back(turn: Any) -> Any:
        return turn.suspended(7_000) if ended and turn is not None else turn

    assert (floor.seg.current, floor.seg.paused, floor.seg.speeches) == (
        back(before.current),
        back(before.paused),
        before.speeches,
    )
    assert floor.seg.queue == before.queue


def test_the_screens_are_shown_who_has_the_floor_and_who_waits(floor: Floor) -> None:
    p1 = _p1_speaking(floor)
    floor.send(c.Interpose(name="Q"))
    public = floor.view(Audience.PUBLIC)
    assert (public["current"]["name"], public["current"]["kind"]) == ("Q", "question")
    assert public["paused"]["name"] == "Amina Diallo"
    assert public["paused"]["timer"]["state"] == "paused"
    assert public["paused"]["timer"]["remaining_ms"] == INTERVENTION_MS - 30_000
    assert [e["name"] for e in public["queue"]] == ["B"]  # the paused speaker is not "next"
    assert "interposed_in" not in public["current"]
    console = floor.view()
    assert (console["current"]["interposed_in"], console["current"]["answers"]) == (p1, None)
    assert console["paused"]["id"] == p1
    assert console["paused"]["request_id"] is not None
    floor.send(c.EndTurn())
    assert floor.view(Audience.PUBLIC)["paused"] is None


# --- private notes -------------------------------------------------------------------------------


def test_the_notes_are_for_the_moderator_only(floor: Floor) -> None:
    notes = "Chile asked to speak after the break.\nKeep Q&A short."
    assert floor.send(c.SetNotes(text=notes))
    assert floor.view()["notes"] == notes
    for audience in (Audience.PUBLIC, Audience.DELEGATE):
        document = floor.view(audience)
        assert "notes" not in document
        assert "Chile" not in str(document)
    assert _undo_label(floor) == ("set_notes", "changing the notes")
    assert floor.send(c.SetNotes(text=notes)) == []
    floor.send(c.SetNotes(text=""))
    assert (floor.view()["notes"], _undo_label(floor)) == ("", ("set_notes", "clearing the notes"))


def test_the_notes_are_cleaned_and_limited() -> None:
    command = TypeAdapter(c.SegmentCommand).validate_python(
        {"type": "set_notes", "text": "  Line\u202e one \u200b\n\n  two\t\tthree  "}
    )
    assert isinstance(command, c.SetNotes) and command.text == "Line one\n\ntwo three"
    c.SetNotes(text="x" * 2_000)
    with pytest.raises(ValidationError):
        c.SetNotes(text="x" * 2_001)


# --- points of order off -------------------------------------------------------------------------


def test_points_of_order_off(floor: Floor) -> None:
    assert floor.view(Audience.PUBLIC)["settings"]["points_of_order"] is True
    pending = floor.request("p2", K.POINT_OF_ORDER)  # asked before: stays pending
    (changed,) = floor.send(c.SetPointsOfOrder(enabled=False))
    assert changed.type == "points_of_order_set"
    assert _undo_label(floor) == ("set_points_of_order", "turning off points of order")
    assert floor.send(c.SetPointsOfOrder(enabled=False)) == []
    assert floor.view(Audience.DELEGATE)["settings"]["points_of_order"] is False
    assert floor.view(Audience.DELEGATE)["can_request"] == {
        "intervention": None,
        "point_of_order": "points_of_order_off",
        "right_of_reply": None,
    }
    error = floor.refuse(
        c.RequestFloor(kind=K.POINT_OF_ORDER), "points_of_order_off", delegate("p1")
    )
    assert error.message == "points of order are off in this segment"
    floor.request("p1")  # other requests as before
    # the chair may still give the floor for one: approve, add, or make an entry one
    floor.approve(pending)
    floor.send(c.AddSpeaker(name="Guest", kind=K.POINT_OF_ORDER))
    assert floor.kinds() == [K.POINT_OF_ORDER, K.POINT_OF_ORDER]
    floor.send(c.SetPointsOfOrder(enabled=True))
    floor.request("p1", K.POINT_OF_ORDER)


def test_an_ended_segment_says_so_first(floor: Floor) -> None:
    floor.send(c.SetPointsOfOrder(enabled=False))
    floor.send(c.EndSegment())
    floor.refuse(c.RequestFloor(kind=K.POINT_OF_ORDER), "segment_ended", delegate("p1"))


# --- each command, taken back; the log ------------------------------------------------------------


def _speaking_with_queue(floor: Floor) -> None:
    _p1_speaking(floor)
    floor.queued("p2")


CASES: list[tuple[Any, Any, str]] = [
    (c.SetNotes(text="a note"), _speaking_with_queue, "changing the notes"),
    (c.SetPointsOfOrder(enabled=False), _speaking_with_queue, "turning off points of order"),
    (c.Interpose(participant_id="p3"), _speaking_with_queue, "interposing Chen Wei's question"),
]


@pytest.mark.parametrize(("command", "setup", "label"), CASES, ids=[x[2] for x in CASES])
def test_each_is_taken_back(floor: Floor, command: Any, setup: Any, label: str) -> None:
    setup(floor)
    _taken_back(floor, command, label)


def test_the_log_rebuilds_it_all(floor: Floor) -> None:
    _p1_speaking(floor)
    floor.send(c.Interpose(name="Q"))
    floor.send(c.Interpose(name="A", kind=K.ANSWER))
    floor.send(c.EndTurn())
    floor.send(c.EndTurn())
    floor.send(c.ReaddLastSpeaker())
    floor.send(c.EditEntry(entry_id=floor.seg.queue[0].id, kind=K.POINT_OF_ORDER))
    floor.send(c.SetNotes(text="n"))
    floor.send(c.SetPointsOfOrder(enabled=False))
    assert replay(floor.log) == floor.state
    for event in floor.log:
        assert event_from_json(event_to_json(event)) == event


def test_a_record_entry_written_before_interposition_folds() -> None:
    data = {
        "entry_id": "e1",
        "speaker": {"name": "A", "organisation": "", "constituency": "other"},
        "kind": "intervention",
        "allotted_ms": 1,
        "called_at": 0,
        "timer_started_at": None,
        "ended_at": 5,
        "held_ms": 5,
        "timed_ms": 0,
        "overrun_ms": 0,
        "skipped": False,
        "request_id": None,
    }
    speech = TypeAdapter(Speech).validate_python(data)
    assert (speech.interposed_ms, speech.interposed_in, speech.answers) == (0, None, None)
