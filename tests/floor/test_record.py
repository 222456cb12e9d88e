"""The record of who held the floor (issue 12, item 2): one entry per turn given, timed or not,
independent of the countdown; the setting that starts the timer on call; older logs still fold."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.floor import Actor, Context, HearingState, apply_all
from app.floor import commands as c
from app.floor.events import event_from_json
from app.floor.model import (
    Attendance,
    Constituency,
    FloorLanguage,
    Inverse,
    RequestStatus,
    Speaker,
    Speech,
    TurnKind,
)
from app.floor.record import in_call_order
from app.views import Audience
from tests.floor.kit import EVENT_ID, SPEAKERS, START_AT, Floor, replay

INTERVENTION_MS = 180_000

# --- one entry per turn, as the table says -------------------------------------------------------

Step = int | Any  # a tick in milliseconds, or a command


def _second_segment_starts(floor: Floor) -> None:
    floor.send(c.StartSegment(), segment_id=floor.create_segment("Thematic discussion II"))


#: steps after Amina Diallo is called for an intervention (3 min), and what the record says:
#: timer started (ms after the call, or None), held, timed, allotted, overrun, skipped
RECORD: list[tuple[str, list[Step], tuple[int | None, int, int, int, int, bool]]] = [
    ("timed", [5_000, c.StartTimer(), 100_000, c.EndTurn()],
     (5_000, 105_000, 100_000, INTERVENTION_MS, 0, False)),
    ("never timed", [90_000, c.EndTurn()],
     (None, 90_000, 0, INTERVENTION_MS, 0, False)),
    ("over time", [c.StartTimer(), 200_000, c.EndTurn()],
     (0, 200_000, 200_000, INTERVENTION_MS, 20_000, False)),
    ("paused time is not timed",
     [c.StartTimer(), 60_000, c.PauseTimer(), 30_000, c.ResumeTimer(), 60_000, c.EndTurn()],
     (0, 150_000, 120_000, INTERVENTION_MS, 0, False)),
    ("time added", [c.StartTimer(), c.AdjustTime(delta_ms=60_000), 200_000, c.EndTurn()],
     (0, 200_000, 200_000, 240_000, 0, False)),
    ("time taken off", [c.StartTimer(), c.AdjustTime(delta_ms=-60_000), 150_000, c.EndTurn()],
     (0, 150_000, 150_000, 120_000, 30_000, False)),
    ("reset mid speech", [c.StartTimer(), 70_000, c.ResetTimer(), 5_000, c.EndTurn()],
     (0, 75_000, 70_000, INTERVENTION_MS, 0, False)),
    ("reset while paused",
     [c.StartTimer(), 50_000, c.PauseTimer(), c.ResetTimer(), 10_000, c.EndTurn()],
     (0, 60_000, 50_000, INTERVENTION_MS, 0, False)),
    ("reset and restarted",
     [2_000, c.StartTimer(), 40_000, c.ResetTimer(), c.StartTimer(), 200_000, c.EndTurn()],
     (2_000, 242_000, 240_000, INTERVENTION_MS, 20_000, False)),  # over the fresh countdown
    ("skipped", [3_000, c.EndTurn(skipped=True)],
     (None, 3_000, 0, INTERVENTION_MS, 0, True)),
    ("skipped after its timer ran past", [c.StartTimer(), 200_000, c.EndTurn(skipped=True)],
     (0, 200_000, 200_000, INTERVENTION_MS, 0, True)),  # did not speak: over nothing
    ("skipped by call next", [3_000, c.CallNext(skipped=True)],
     (None, 3_000, 0, INTERVENTION_MS, 0, True)),
    ("ended by call next", [c.StartTimer(), 30_000, c.CallNext()],
     (0, 30_000, 30_000, INTERVENTION_MS, 0, False)),
    ("ended with the segment", [c.StartTimer(), 30_000, c.EndSegment()],
     (0, 30_000, 30_000, INTERVENTION_MS, 0, False)),
    ("ended as another segment starts", [c.StartTimer(), 30_000, _second_segment_starts],
     (0, 30_000, 30_000, INTERVENTION_MS, 0, False)),
]  # fmt: skip


@pytest.mark.parametrize(("steps", "expected"), [r[1:] for r in RECORD], ids=[r[0] for r in RECORD])
def test_the_record_entry_of_a_turn(
    floor: Floor, steps: list[Step], expected: tuple[int | None, int, int, int, int, bool]
) -> None:
    request_id = floor.queued("p1")
    floor.add("Next")
    called = floor.now
    floor.send(c.CallNext())
    for step in steps:
        if isinstance(step, int):
            floor.tick(step)
        elif callable(step):
            step(floor)
        else:
            floor.send(step)
    speech = floor.seg.speeches[0]
    started, held, timed, allotted, overrun, skipped = expected
    assert speech == Speech(
        entry_id=floor.req(request_id).entry_id or "",
        speaker=SPEAKERS["p1"],
        kind=TurnKind.INTERVENTION,
        allotted_ms=allotted,
        called_at=called,
        timer_started_at=None if started is None else called + started,
        ended_at=called + held,
        held_ms=held,
        timed_ms=timed,
        overrun_ms=overrun,
        skipped=skipped,
        request_id=request_id,
    )
    ended = RequestStatus.SKIPPED if skipped else RequestStatus.SPOKEN
    assert floor.status(request_id) is ended
    # what the REST record reads by its earlier names
    assert speech.started_at == (called if started is None else called + started)
    assert speech.spoken_ms == timed


def test_every_turn_given_has_one_entry_in_order(floor: Floor) -> None:
    floor.add("Panellist", kind=TurnKind.PANELLIST)
    floor.queued("p2")
    floor.queued("p3", TurnKind.POINT_OF_ORDER)  # to the top
    floor.send(c.CallNext())  # Chen Wei
    floor.send(c.CallNext())  # the panellist, who is not in the room
    floor.send(c.CallNext(skipped=True))  # Bruno Silva
    floor.send(c.StartTimer())
    floor.send(c.EndTurn())
    record = [(s.speaker.name, s.kind, s.skipped) for s in floor.seg.speeches]
    assert record == [
        ("Chen Wei", TurnKind.POINT_OF_ORDER, False),
        ("Panellist", TurnKind.PANELLIST, True),
        ("Bruno Silva", TurnKind.INTERVENTION, False),
    ]


class _Registered(Floor):
    """A hearing whose registered participants gave a region, an attendance and a language."""

    speakers = {
        "p1": replace(
            SPEAKERS["p1"],
            region="Asia-Pacific",
            attendance=Attendance.REMOTE,
            language=FloorLanguage.FRENCH,
        ),
    }

    def context(self, actor: Actor) -> Context:
        return Context(now=self.now, actor=actor, new_id=self.new_id, speakers=self.speakers)


def test_the_record_says_who_spoke_from_where_and_in_which_language() -> None:
    floor = _Registered()
    floor.create_segment()
    floor.send(c.StartSegment())
    floor.queued("p1")
    floor.add("Guest", organisation="IOM", constituency=Constituency.UN_SYSTEM)
    floor.send(c.CallNext())
    floor.send(c.CallNext())
    floor.send(c.EndTurn())
    amina, guest = (s.speaker for s in floor.seg.speeches)
    assert (amina.region, amina.attendance, amina.language) == (
        "Asia-Pacific",
        Attendance.REMOTE,
        FloorLanguage.FRENCH,
    )
    assert (amina.participant_id, amina.constituency) == ("p1", Constituency.MIGRANT_ASSOCIATION)
    assert (guest.region, guest.attendance, guest.language) == ("", Attendance.IN_ROOM, None)
    # the screens show no more of a speaker than before
    shown = floor.view(Audience.PUBLIC)["queue"] + [floor.view(Audience.MODERATOR)["current"]]
    assert all("region" not in item and "language" not in item for item in shown if item)


# --- start the timer when the speaker is called --------------------------------------------------


def test_the_timer_starts_on_call_when_the_segment_says_so(floor: Floor) -> None:
    assert floor.view(Audience.PUBLIC)["settings"]["start_timer_on_call"] is False
    (changed,) = floor.send(c.SetStartTimerOnCall(enabled=True))
    assert changed.type == "start_timer_on_call_set"
    assert floor.send(c.SetStartTimerOnCall(enabled=True)) == []  # already on
    assert floor.view(Audience.DELEGATE)["settings"]["start_timer_on_call"] is True
    floor.queued("p1")
    floor.add("B", kind=TurnKind.PANELLIST)
    events = floor.send(c.CallNext())
    assert [e.type for e in events] == ["turn_started", "timer_started"]
    assert floor.timer.running and floor.timer.deadline_at == floor.now + INTERVENTION_MS
    floor.tick(60_000)
    floor.send(c.CallNext())
    assert floor.remaining == 300_000  # the panellist's own time, running
    (speech,) = floor.seg.speeches
    assert speech.timer_started_at == speech.called_at and speech.timed_ms == 60_000
    floor.send(c.SetStartTimerOnCall(enabled=False))
    floor.send(c.EndTurn())
    floor.add("C")
    floor.send(c.CallNext())
    assert floor.timer.state == "idle"


def test_the_setting_is_undone_like_any_other(floor: Floor) -> None:
    floor.send(c.SetStartTimerOnCall(enabled=True))
    assert floor.view()["undo"]["command"] == "set_start_timer_on_call"
    floor.send(c.Undo())
    assert floor.seg.settings.start_timer_on_call is False


def test_a_start_with_a_timer_already_running_on_call_is_refused(floor: Floor) -> None:
    floor.send(c.SetStartTimerOnCall(enabled=True))
    floor.queued("p1")
    floor.send(c.CallNext())
    floor.refuse(c.StartTimer(), "timer_not_idle")


# --- logs written before ------------------------------------------------------------------------

_OLD_SPEAKER = {
    "name": "Amina Diallo",
    "organisation": "Migrant Forum in Asia",
    "constituency": "migrant_association",
    "participant_id": "p1",
}
_GUEST = {"name": "Guest", "organisation": "", "constituency": "other", "participant_id": None}


def _entry(entry_id: str, speaker: dict[str, Any], request_id: str | None) -> dict[str, Any]:
    return {
        "id": entry_id,
        "speaker": speaker,
        "kind": "intervention",
        "allotted_ms": INTERVENTION_MS,
        "request_id": request_id,
        "note": "",
    }


def _old_log() -> list[dict[str, Any]]:
    """A meeting day as the log kept it before undo was exact and every turn was recorded."""
    s, t = "s1", START_AT
    details = {
        "title": "Thematic discussion I",
        "kind": "discussion",
        "aim": "",
        "moderator": "",
        "scheduled_start_at": None,
        "scheduled_end_at": None,
        "position": 0,
    }
    e1, e2, e3 = (
        _entry("e1", _OLD_SPEAKER, "r1"),
        _entry("e2", _GUEST, None),
        _entry("e3", _GUEST, None),
    )
    return [
        {"type": "segment_created", "segment_id": s, "event_id": EVENT_ID, "details": details},
        {"type": "segment_started", "segment_id": s, "at": t},
        {"type": "floor_requested", "segment_id": s, "request_id": "r1", "speaker": _OLD_SPEAKER,
         "kind": "intervention", "note": "", "at": t + 1_000},
        {"type": "request_approved", "segment_id": s, "request_id": "r1", "entry": e1, "index": 0},
        {"type": "entry_added", "segment_id": s, "entry": e2, "index": 1},
        {"type": "turn_started", "segment_id": s, "entry": e1, "at": t + 10_000},
        {"type": "timer_started", "segment_id": s, "at": t + 15_000,
         "deadline_at": t + 15_000 + INTERVENTION_MS},
        {"type": "timer_paused", "segment_id": s, "at": t + 45_000, "remaining_ms": 150_000},
        {"type": "timer_reset", "segment_id": s},
        {"type": "timer_started", "segment_id": s, "at": t + 50_000,
         "deadline_at": t + 50_000 + INTERVENTION_MS},
        {"type": "turn_ended", "segment_id": s, "entry_id": "e1", "at": t + 110_000,
         "speech": {"entry_id": "e1", "speaker": _OLD_SPEAKER, "kind": "intervention",
                    "allotted_ms": INTERVENTION_MS, "started_at": t + 50_000,
                    "ended_at": t + 110_000, "spoken_ms": 60_000, "overrun_ms": 0,
                    "request_id": "r1"}},
        {"type": "turn_started", "segment_id": s, "entry": e2, "at": t + 110_000},
        {"type": "turn_ended", "segment_id": s, "entry_id": "e2", "speech": None,
         "at": t + 130_000},
        {"type": "entry_added", "segment_id": s, "entry": e3, "index": 0},
        {"type": "change_undone", "segment_id": s, "version": 14},
    ]  # fmt: skip


def test_an_older_log_still_folds() -> None:
    log = [event_from_json(data) for data in _old_log()]
    segment = apply_all(HearingState(EVENT_ID), log).segments["s1"]
    assert segment.version == len(log)
    assert segment.queue == ()  # its change_undone took back the addition, as it did then
    first, second = segment.speeches
    t = START_AT
    assert (first.called_at, first.timer_started_at, first.ended_at) == (
        t + 10_000,
        t + 50_000,
        t + 110_000,
    )
    assert (first.held_ms, first.timed_ms, first.skipped) == (100_000, 60_000, False)
    assert (second.speaker.name, second.called_at, second.held_ms) == ("Guest", t + 110_000, 20_000)
    assert (second.timer_started_at, second.timed_ms, second.skipped) == (None, 0, True)
    assert segment.requests["r1"].status is RequestStatus.SPOKEN
    assert first.speaker == Speaker("Amina Diallo", "Migrant Forum in Asia",
                                    Constituency.MIGRANT_ASSOCIATION, "p1")  # fmt: skip
    assert first.speaker.attendance is Attendance.IN_ROOM and first.speaker.language is None
    # the older queue changes are still undone as they were
    assert [type(item) for item in segment.undo_stack] == [Inverse, Inverse]
    assert [item.label for item in segment.undo_stack] == ["approving Amina Diallo", "adding Guest"]


def test_an_older_logs_undo_stack_is_taken_back_then_the_new_one() -> None:
    """A day folded from an older log goes on with new commands: undo takes those back exactly,
    then the older queue changes as they were."""
    floor = Floor()
    floor.state = apply_all(HearingState(EVENT_ID), [event_from_json(d) for d in _old_log()])
    floor.segment_id = "s1"
    floor.add("New")
    floor.send(c.CallNext())
    floor.send(c.Undo())
    floor.send(c.Undo())
    assert floor.seg.queue == ()
    assert floor.view()["undo"] == {
        "label": "adding Guest",
        "command": "add_speaker",
        "subject": "",  # an older log's queue change names no subject, only its label
        "available": False,
        "refusal": "that entry has left the queue since",
        "brings_back": None,
    }


# --- the record in the order the turns were called -----------------------------------------------


def _n_then(*steps: Any) -> Any:
    """N (a panellist) is called; then ``steps`` (a tick, a command, or an interposed name:
    ``"Q"`` a question, ``"A:…"`` an answer)."""

    def run(floor: Floor) -> None:
        floor.add("N", kind=TurnKind.PANELLIST)
        floor.add("M")
        floor.send(c.CallNext())
        for step in steps:
            if isinstance(step, int):
                floor.tick(step)
            elif isinstance(step, str) and step.startswith("A:"):
                floor.send(c.Interpose(name=step[2:], kind=TurnKind.ANSWER))
            elif isinstance(step, str):
                floor.send(c.Interpose(name=step))
            else:
                floor.send(step)

    return run


#: what happened, the record as the turns ended (``SegmentState.speeches``), then as it is read
#: and numbered (``in_call_order``)
CALL_ORDER: list[tuple[str, Any, str, str]] = [
    ("no interposed turn", _n_then(5_000, c.CallNext(), 5_000, c.EndTurn()), "N M", "N M"),
    ("a question and its answer (the probe)",
     _n_then(60_000, "Q", 30_000, "A:P", 45_000, c.EndTurn(), 20_000, c.CallNext(), c.EndTurn()),
     "Q P N M", "N Q P M"),
    ("the same at one instant: the order is not read from the clock",
     _n_then("Q", "A:P", c.EndTurn(), c.CallNext(), c.EndTurn()), "Q P N M", "N Q P M"),
    ("two questions, the floor back to N between them",
     _n_then(1_000, "Q1", 1_000, c.EndTurn(), 1_000, "Q2", 1_000, c.EndTurn(), c.EndTurn()),
     "Q1 Q2 N", "N Q1 Q2"),
    ("the segment ends during the answer", _n_then(1_000, "Q", 1_000, "A:P", c.EndSegment()),
     "Q P N", "N Q P"),
    ("N still has the floor after the question", _n_then(1_000, "Q", 1_000, c.EndTurn()),
     "Q", "Q"),
    ("a skipped turn, then a question in the next",
     _n_then(c.CallNext(skipped=True), "Q", c.EndTurn(), c.EndTurn()), "N Q M", "N M Q"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("steps", "ended", "called"),
    [case[1:] for case in CALL_ORDER],
    ids=[case[0] for case in CALL_ORDER],
)
def test_the_record_reads_in_the_order_the_turns_were_called(
    floor: Floor, steps: Any, ended: str, called: str
) -> None:
    steps(floor)
    speeches = floor.seg.speeches
    assert " ".join(s.speaker.name for s in speeches) == ended  # the state: as they ended
    ordered = in_call_order(speeches)
    assert " ".join(s.speaker.name for s in ordered) == called
    assert sorted(ordered, key=lambda s: s.called_at) == list(ordered)  # stable: ties kept
    # an interposed turn's numbers refer back: the turn it interrupted and the question answered
    number = {s.entry_id: n for n, s in enumerate(ordered, start=1)}
    for n, speech in enumerate(ordered, start=1):
        for earlier in (speech.interposed_in, speech.answers):
            assert earlier is None or number.get(earlier, 0) < n
    assert replay(floor.log) == floor.state  # nothing of the log or the fold changed
