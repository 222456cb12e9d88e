"""Undo is exact (issue 12, item 1): every console command that changes a segment's floor can be
taken back, newest first, to exactly the floor before it; where it cannot, undo refuses naming the
command and never reaches past it. The stateful test checks command-then-undo on random hearings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from app.floor import commands as c
from app.floor.balance import held_so_far
from app.floor.events import (
    ChangeUndone,
    Event,
    SegmentEnded,
    TurnEnded,
    event_from_json,
    event_to_json,
)
from app.floor.fold import requests_changed
from app.floor.model import FloorMode, RequestStatus, SegmentStatus, TurnKind
from app.views import Audience, view
from tests.floor.kit import ORGANISER, Floor, delegate, replay

INTERVENTION_MS = 180_000
AMINA, BRUNO = "Amina Diallo", "Bruno Silva"


def _three_queued(floor: Floor) -> list[str]:
    """P1, P2 and P3 asked for the floor and were approved, in that order."""
    return [floor.queued(pid) for pid in ("p1", "p2", "p3")]


def _names(floor: Floor) -> tuple[str | None, list[str]]:
    current = floor.seg.current
    return (current.entry.speaker.name if current else None), floor.names()


# --- the bugs of the issue -----------------------------------------------------------------------


def test_undo_after_a_mistaken_call_next_gives_the_floor_back(floor: Floor) -> None:
    """Queue P1, P2, P3; call P1; start the timer; call next by mistake; undo: P1 has the floor
    again, their timer running on from the time it had left when the mistake ended their turn
    (the 2 s someone else had the floor are not theirs: outside probe I), and P2 and P3 wait as
    they did."""
    p1, p2, p3 = _three_queued(floor)
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    deadline = floor.timer.deadline_at
    assert deadline is not None
    floor.tick(40_000)
    before = floor.seg
    floor.send(c.CallNext())  # by mistake
    floor.tick(2_000)
    assert floor.view()["undo"]["label"] == "calling Bruno Silva"
    floor.send(c.Undo())
    assert _names(floor) == ("Amina Diallo", ["Bruno Silva", "Chen Wei"])
    assert before.current is not None
    assert floor.seg.current == before.current.suspended(2_000)
    assert floor.timer.running and floor.timer.deadline_at == deadline + 2_000
    assert floor.remaining == INTERVENTION_MS - 40_000  # as when the mistake took the floor
    statuses = [floor.status(r) for r in (p1, p2, p3)]
    assert statuses == [RequestStatus.SPEAKING, RequestStatus.QUEUED, RequestStatus.QUEUED]
    assert floor.seg.speeches == ()  # the speech the mistaken call recorded is gone
    assert [r["status"] for r in floor.mine("p2")] == ["queued"]


def test_undo_never_reaches_past_a_call_next_to_an_older_queue_change(floor: Floor) -> None:
    """The console's U key after a mistaken call next: P3 stays in the queue."""
    _three_queued(floor)
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.send(c.CallNext())
    floor.send(c.Undo())  # the call
    floor.send(c.Undo())  # the timer's start
    assert _names(floor) == ("Amina Diallo", ["Bruno Silva", "Chen Wei"])
    assert floor.timer.state == "idle"
    floor.send(c.Undo())  # the first call
    assert _names(floor) == (None, ["Amina Diallo", "Bruno Silva", "Chen Wei"])
    floor.send(c.Undo())  # and only now the approval of P3
    assert _names(floor) == (None, ["Amina Diallo", "Bruno Silva"])


# --- each command, taken back ------------------------------------------------------------------


def _speaking(floor: Floor) -> Floor:
    floor.queued("p1")
    floor.add("B")
    floor.send(c.CallNext())
    return floor


def _running(floor: Floor) -> Floor:
    _speaking(floor)
    floor.send(c.StartTimer())
    floor.tick(30_000)
    return floor


def _paused(floor: Floor) -> Floor:
    _running(floor)
    floor.send(c.PauseTimer())
    floor.tick(5_000)
    return floor


#: command, the state it is sent in, the console's label for it
CASES: list[tuple[Any, Any, str]] = [
    (c.StartTimer(), _speaking, "starting the timer"),
    (c.PauseTimer(), _running, "pausing the timer"),
    (c.ResumeTimer(), _paused, "resuming the timer"),
    (c.AdjustTime(delta_ms=90_000), _running, "adding 1 min 30 s"),
    (c.AdjustTime(delta_ms=-30_000), _paused, "taking off 30 s"),
    (c.ResetTimer(), _running, "resetting the timer"),
    (c.CallNext(), _running, "calling B"),
    (c.CallNext(skipped=True), _speaking, "calling B"),
    (c.EndTurn(), _running, "ending Amina Diallo's turn"),
    (c.EndSegment(), _running, "ending the segment"),
    (c.SetMessage(text="please conclude"), _running, "setting the message"),
    (c.SetFloorMode(mode=FloorMode.OPEN), _speaking, "setting the floor open"),
    (c.CloseList(), _speaking, "closing the list"),
    (c.SetQueueCap(cap=2), _speaking, "capping the queue at 2"),
    (
        c.SetDefaultTime(kind=TurnKind.POINT_OF_ORDER, duration_ms=30_000),
        _speaking,
        "setting the point of order time to 30 s",
    ),
    (
        c.SetThresholds(warning_ms=60_000, danger_ms=20_000),
        _speaking,
        "setting the timer's colours",
    ),
    (c.SetStartTimerOnCall(enabled=True), _speaking, "turning on starting the timer on call"),
    (c.AddSpeaker(name="Guest", position=0), _speaking, "adding Guest"),
]


@pytest.mark.parametrize(("command", "setup", "label"), CASES, ids=[x[2] for x in CASES])
def test_undo_gives_back_exactly_the_floor_before(
    floor: Floor, command: Any, setup: Any, label: str
) -> None:
    setup(floor)
    before = floor.seg
    sent = floor.send(command)
    floor.tick(7_000)
    undo = floor.view()["undo"]
    assert (undo["label"], undo["command"], undo["available"]) == (label, command.type, True)
    floor.send(c.Undo())
    after = floor.seg
    if isinstance(command, (c.EndSegment, c.CallNext, c.EndTurn)):
        # the 7 s it stood ended, or the turn stood ended (another called by mistake), are not
        # the speaker's: the turn counts on from the undo (and so do the turns the stack keeps:
        # test_undoing_an_end_then_an_older_command_...)
        assert before.current is not None
        assert after.current == before.current.suspended(7_000)
        assert [kept.label for kept in after.undo_stack] == [
            kept.label for kept in before.undo_stack
        ]
    else:
        assert after.current == before.current  # the turn and every fact of its timer
        assert after.undo_stack == before.undo_stack
    assert (after.queue, after.settings, after.status) == (
        before.queue,
        before.settings,
        before.status,
    )
    assert (after.message, after.speeches) == (before.message, before.speeches)
    assert after.requests == before.requests
    assert after.version == before.version + len(sent) + 1
    assert isinstance(floor.log[-1], ChangeUndone)


def test_undoing_a_start_puts_the_timer_back_idle_with_its_time(floor: Floor) -> None:
    _speaking(floor)
    floor.send(c.AdjustTime(delta_ms=60_000))
    floor.send(c.StartTimer())
    floor.tick(20_000)
    floor.send(c.Undo())
    assert (floor.timer.state, floor.remaining) == ("idle", INTERVENTION_MS + 60_000)


def test_undoing_end_turn_takes_its_speech_off_the_record(floor: Floor) -> None:
    _running(floor)
    floor.send(c.EndTurn())
    recorded = floor.seg.speeches
    floor.send(c.Undo())
    assert (len(recorded), floor.seg.speeches) == (1, ())
    assert floor.timer.running
    request_id = floor.seg.current.entry.request_id if floor.seg.current else None
    assert request_id is not None and floor.status(request_id) is RequestStatus.SPEAKING


def test_a_speaker_given_back_the_floor_late_has_the_time_they_had_left(floor: Floor) -> None:
    """The mistake noticed late (a whole turn's time later): the speaker comes back with the time
    they had when it took the floor from them, and the record counts the gap as nobody's."""
    _running(floor)
    deadline = floor.timer.deadline_at
    assert deadline is not None
    floor.send(c.CallNext())
    floor.tick(INTERVENTION_MS)
    floor.send(c.Undo())
    assert floor.timer.deadline_at == deadline + INTERVENTION_MS
    assert floor.remaining == INTERVENTION_MS - 30_000
    floor.tick(10_000)
    floor.send(c.EndTurn())
    (speech,) = floor.seg.speeches
    assert (speech.held_ms, speech.timed_ms, speech.suspended_ms) == (
        40_000,
        40_000,
        INTERVENTION_MS,
    )


def test_call_next_that_started_the_timer_is_undone_as_one(floor: Floor) -> None:
    floor.send(c.SetStartTimerOnCall(enabled=True))
    _speaking(floor)
    assert floor.timer.running
    floor.tick(10_000)
    events = floor.send(c.CallNext())
    assert [e.type for e in events] == ["turn_ended", "turn_started", "timer_started"]
    floor.send(c.Undo())
    assert _names(floor) == ("Amina Diallo", ["B"])
    assert floor.timer.running and floor.remaining == INTERVENTION_MS - 10_000


def test_undoing_the_end_of_a_segment_makes_it_live_with_its_speaker(floor: Floor) -> None:
    _running(floor)
    floor.send(c.EndSegment())
    floor.send(c.Undo())
    assert floor.seg.status is SegmentStatus.LIVE
    assert floor.seg.actual_end_at is None
    assert _names(floor) == ("Amina Diallo", ["B"])
    assert floor.timer.running and floor.seg.speeches == ()


def test_undoing_the_end_of_a_segment_ends_the_one_live_since(floor: Floor) -> None:
    _running(floor)
    floor.send(c.EndSegment())
    second = floor.create_segment("Thematic discussion II")
    floor.send(c.StartSegment(), segment_id=second)
    events = floor.send(c.Undo())
    assert [e.type for e in events] == ["segment_ended", "change_undone"]
    ended = events[0]
    assert isinstance(ended, SegmentEnded) and ended.superseded_by == floor.segment_id
    assert floor.state.live_segment_id == floor.segment_id
    assert floor.segment(second).status is SegmentStatus.ENDED


def test_undoing_a_start_gives_the_segment_its_status_back(scheduled: Floor) -> None:
    scheduled.send(c.StartSegment())
    scheduled.send(c.Undo())
    segment = scheduled.seg
    assert (segment.status, segment.actual_start_at) == (SegmentStatus.SCHEDULED, None)


# --- what undo cannot take back ------------------------------------------------------------------


def test_nothing_before_an_end_by_another_segment_can_be_undone(floor: Floor) -> None:
    _three_queued(floor)
    floor.send(c.CallNext())
    second = floor.create_segment("Thematic discussion II")
    events = floor.send(c.StartSegment(), segment_id=second)
    ended = [e for e in events if isinstance(e, TurnEnded | SegmentEnded)]
    assert [e.superseded_by for e in ended] == [second, second]
    error = floor.refuse(c.Undo(), "cannot_undo")
    assert error.message == "cannot undo “calling Amina Diallo”: the segment has ended"
    # a later change made at this console can be undone, then undo stops there again
    floor.send(c.CloseList())
    floor.send(c.Undo())
    assert floor.seg.settings.list_open
    floor.refuse(c.Undo(), "cannot_undo")
    # undoing the start of the other segment brings this one back as it was, and with it what
    # its console can undo
    floor.send(c.Undo(), segment_id=second)
    assert floor.segment(second).status is SegmentStatus.SCHEDULED
    assert floor.seg.status is SegmentStatus.LIVE
    assert _names(floor) == ("Amina Diallo", ["Bruno Silva", "Chen Wei"])
    assert floor.view()["undo"]["available"]
    floor.send(c.Undo())
    assert _names(floor) == (None, ["Amina Diallo", "Bruno Silva", "Chen Wei"])


def test_a_withdrawal_since_stops_undo(floor: Floor) -> None:
    _, _, p3 = _three_queued(floor)
    floor.send(c.CallNext())
    floor.send(c.WithdrawRequest(request_id=p3), delegate("p3"))
    error = floor.refuse(c.Undo(), "cannot_undo")
    assert error.message == (
        "cannot undo “calling Amina Diallo”: Chen Wei's request has been withdrawn since"
    )
    assert floor.view()["undo"] == {
        "label": "calling Amina Diallo",
        "command": "call_next",
        "subject": "Amina Diallo",
        "available": False,
        "refusal": "Chen Wei's request has been withdrawn since",
        "brings_back": None,
    }
    assert floor.status(p3) is RequestStatus.WITHDRAWN


def test_a_reorder_is_undone_as_an_order_after_a_withdrawal(floor: Floor) -> None:
    """The suggested order applied to the queue, then one of those waiting withdraws: undo puts
    the others back in the order they had (outside probe I: it was refused, and the order of the
    80 others lost); the one who withdrew stays out. What is under the reorder, which would
    give the withdrawn place back, is held back naming them."""
    p1, p2, p3 = _three_queued(floor)
    p4 = floor.queued("p4")
    order = [entry.id for entry in floor.seg.queue]
    floor.send(c.ApplyOrder(scope="queue", order=[order[3], order[2], order[1], order[0]]))
    assert floor.names() == ["Dara Okafor", "Chen Wei", "Bruno Silva", "Amina Diallo"]
    floor.send(c.WithdrawRequest(request_id=p2), delegate("p2"))
    assert floor.view()["undo"]["available"]
    floor.send(c.Undo())
    assert floor.names() == ["Amina Diallo", "Chen Wei", "Dara Okafor"]
    assert floor.status(p2) is RequestStatus.WITHDRAWN
    assert [floor.status(r) for r in (p1, p3, p4)] == [RequestStatus.QUEUED] * 3
    # approving Dara Okafor is next: undoing it now would not give Bruno's place back, but
    # what lies under it would; the withdrawal holds back the newest of them, naming him
    undo = floor.view()["undo"]
    assert (undo["label"], undo["available"]) == ("approving Dara Okafor", False)
    assert undo["refusal"] == "Bruno Silva's request has been withdrawn since"


def test_a_moved_speaker_is_moved_back_after_another_withdrew(floor: Floor) -> None:
    """Moving one speaker up, then a withdrawal, then undo: the moved speaker goes back to where
    they were among those still waiting, and a correction of a name made since stays."""
    _, p2, _ = _three_queued(floor)
    chen = floor.seg.queue[2].id
    floor.send(c.MoveEntry(entry_id=chen, position=0))
    assert floor.names() == ["Chen Wei", "Amina Diallo", "Bruno Silva"]
    floor.send(c.WithdrawRequest(request_id=p2), delegate("p2"))
    floor.send(c.Undo())
    assert floor.names() == ["Amina Diallo", "Chen Wei"]
    assert floor.view()["undo"]["available"] is False  # approving Chen Wei: under a withdrawal


def test_a_move_of_one_who_withdrew_since_is_passed_over_by_undo(floor: Floor) -> None:
    """Outside probe M: moving a speaker up, who then withdrew, left "Undone: moving Chen Wei"
    on the console with nothing moved. Undo passes over a reorder that would move no one now
    and offers what lies under it (here held back: it would give Chen's place back)."""
    _three_queued(floor)
    chen = floor.seg.queue[2].id
    floor.send(c.MoveEntry(entry_id=chen, position=0))
    p3 = floor.seg.queue[0].request_id
    assert p3 is not None
    floor.send(c.WithdrawRequest(request_id=p3), delegate("p3"))
    undo = floor.view()["undo"]
    assert (undo["label"], undo["available"]) == ("approving Chen Wei", False)
    assert undo["refusal"] == "Chen Wei's request has been withdrawn since"
    error = floor.refuse(c.Undo(), "cannot_undo")
    assert error.detail == {"reason": "withdrawn", "name": "Chen Wei"}
    assert floor.names() == ["Amina Diallo", "Bruno Silva"]


def test_a_move_under_one_that_would_move_no_one_is_still_taken_back(floor: Floor) -> None:
    """The review: move Bruno up, then Chen; Chen withdraws. Refusing the move of Chen had left
    Bruno's out of reach; one undo now takes Chen's (nothing to move) and Bruno's back."""
    _three_queued(floor)  # Amina, Bruno, Chen
    bruno = floor.seg.queue[1].id
    floor.send(c.MoveEntry(entry_id=bruno, position=0))  # Bruno, Amina, Chen
    chen = floor.seg.queue[2].id
    floor.send(c.MoveEntry(entry_id=chen, position=0))  # Chen, Bruno, Amina
    p3 = floor.seg.queue[0].request_id
    assert p3 is not None
    floor.send(c.WithdrawRequest(request_id=p3), delegate("p3"))
    assert floor.names() == ["Bruno Silva", "Amina Diallo"]
    undo = floor.view()["undo"]
    assert (undo["label"], undo["available"]) == ("moving Bruno Silva", True)
    events = floor.send(c.Undo())
    assert [event.type for event in events] == ["change_undone", "change_undone"]
    assert floor.names() == ["Amina Diallo", "Bruno Silva"]
    assert replay(floor.log) == floor.state


def test_requests_made_since_stay_as_they_are(floor: Floor) -> None:
    _three_queued(floor)
    floor.send(c.CallNext())
    later = floor.request("p4")
    withdrawn = floor.request("p4", TurnKind.POINT_OF_ORDER)
    floor.send(c.WithdrawRequest(request_id=withdrawn), delegate("p4"))  # made since: no matter
    floor.send(c.Undo())
    assert _names(floor)[0] is None
    assert floor.status(later) is RequestStatus.PENDING
    assert floor.status(withdrawn) is RequestStatus.WITHDRAWN
    assert [r["id"] for r in floor.view()["requests"]] == [later]


def test_undo_refuses_to_give_a_participant_a_second_place(floor: Floor) -> None:
    floor.queued("p1")
    floor.send(c.CallNext())
    later = floor.request("p1")  # the speaker asks for a later turn
    floor.send(c.EndTurn())
    floor.send(c.Undo())  # speaking again is no place in the queue: the end can be undone
    assert _names(floor) == ("Amina Diallo", [])
    # undoing the call would put p1 back in the queue beside the request made since
    error = floor.refuse(c.Undo(), "cannot_undo")
    assert error.message == (
        "cannot undo “calling Amina Diallo”: Amina Diallo has another open request or place "
        "in the queue now"
    )
    floor.send(c.WithdrawRequest(request_id=later), delegate("p1"))  # made since: no matter
    floor.send(c.Undo())
    assert _names(floor) == (None, ["Amina Diallo"])


def test_a_panellist_the_import_queued_is_not_taken_back_by_the_console(floor: Floor) -> None:
    """The secretariat's import queued the panel before the moderator did anything: the console
    shows its Undo unavailable, saying why, so a stray U at the day's start takes no one out;
    what the moderator does after it is undone as usual."""
    from dataclasses import replace

    from tests.floor.kit import ORGANISER

    floor.send(
        c.AddSpeaker(participant_id="p1", kind=TurnKind.PANELLIST), replace(ORGANISER, via="import")
    )
    assert floor.view()["undo"] == {
        "label": "adding Amina Diallo",
        "command": "add_speaker",
        "subject": "Amina Diallo",
        "available": False,
        "refusal": "the secretariat's import queued them: take them out of the queue instead",
        "brings_back": None,
    }
    error = floor.refuse(c.Undo(), "cannot_undo")
    assert "take them out of the queue instead" in error.message
    floor.add("Guest")
    floor.send(c.Undo())  # the moderator's own add is taken back
    assert [entry.speaker.name for entry in floor.seg.queue] == ["Amina Diallo"]


@pytest.mark.parametrize("taken_out", ["declined", "removed from the queue"])
def test_undo_gives_no_place_back_to_someone_removed_from_the_registry(
    floor: Floor, taken_out: str
) -> None:
    """The moderator took a duplicate registration out (a decline, a queue entry removed), the
    secretariat removed it from the registry: undoing would bring back someone who is no longer
    there, so it is refused, naming them; nothing changes."""
    if taken_out == "declined":
        floor.send(c.DeclineRequest(request_id=floor.request("p1")))
        label = "declining Amina Diallo"
    else:
        floor.queued("p1")
        (entry,) = floor.seg.queue
        floor.send(c.RemoveEntry(entry_id=entry.id))
        label = "removing Amina Diallo"
    del floor.speakers["p1"]  # app/floor/removal.py allowed it: nothing live holds them
    version = floor.seg.version
    error = floor.refuse(c.Undo(), "cannot_undo")
    assert error.message == (
        f"cannot undo \u201c{label}\u201d: Amina Diallo was removed from the registry since"
    )
    assert floor.seg.version == version and not floor.seg.queue and not floor.seg.pending_ids


def test_the_delegates_whose_requests_undo_changes_are_named(floor: Floor) -> None:
    p1, p2, _ = _three_queued(floor)
    floor.send(c.CallNext())
    floor.send(c.CallNext())
    (undone,) = floor.decide(c.Undo())
    assert set(requests_changed(floor.seg, undone)) == {p1, p2}


def test_a_stack_of_fifty(floor: Floor) -> None:
    _speaking(floor)
    for _ in range(60):
        floor.send(c.AdjustTime(delta_ms=1_000))
    assert len(floor.seg.undo_stack) == 50
    for _ in range(50):
        floor.send(c.Undo())
    assert floor.timer.added_ms == 10_000
    floor.refuse(c.Undo(), "nothing_to_undo")


# --- the time a segment stood ended is nobody's speaking time ----------------------------------
# Undoing the end of a segment (its own "end segment", or the start of another that ended it)
# gives the floor back as it was at the end: each turn has the time it had left then, a running
# timer counting on from the undo, a paused one still paused; the record counts neither.

#: how long the segment stands ended before the undo
ENDED_MS = 120_000


def _ended_by_its_console(floor: Floor) -> Callable[[], list[Event]]:
    """The moderator ends the segment; the returned function undoes that."""
    floor.send(c.EndSegment())
    return lambda: floor.send(c.Undo())


def _ended_by_a_start(floor: Floor) -> Callable[[], list[Event]]:
    """The moderator starts the next segment, which ends this one; the returned function undoes
    that start (on the next segment's console)."""
    second = floor.create_segment("Thematic discussion II")
    floor.send(c.StartSegment(), segment_id=second)
    return lambda: floor.send(c.Undo(), segment_id=second)


ENDINGS = {"end segment": _ended_by_its_console, "start of the next": _ended_by_a_start}


def _idle(floor: Floor) -> None:
    _speaking(floor)
    floor.tick(5_000)


def _overtime(floor: Floor) -> None:
    _speaking(floor)
    floor.send(c.StartTimer())
    floor.tick(INTERVENTION_MS + 20_000)


def _time_added(floor: Floor) -> None:
    _running(floor)
    floor.send(c.AdjustTime(delta_ms=60_000))


#: the turn as the segment ends: its timer's state and the time left on it (what the speaker
#: clock shows), the time it has held the floor and the time on its timer
TIMERS: list[tuple[str, Any, str, int, int, int]] = [
    ("running", _running, "running", 150_000, 30_000, 30_000),
    ("paused", _paused, "paused", 150_000, 35_000, 30_000),
    ("never started", _idle, "idle", INTERVENTION_MS, 5_000, 0),
    ("in overtime", _overtime, "running", -20_000, 200_000, 200_000),
    ("with time added", _time_added, "running", 210_000, 30_000, 30_000),
]


@pytest.mark.parametrize("ending", list(ENDINGS))
@pytest.mark.parametrize(
    ("setup", "state", "left", "held", "timed"),
    [row[1:] for row in TIMERS],
    ids=[row[0] for row in TIMERS],
)
def test_undoing_an_end_gives_the_speaker_the_time_they_had_left(
    floor: Floor, ending: str, setup: Any, state: str, left: int, held: int, timed: int
) -> None:
    setup(floor)
    assert (floor.timer.state, floor.remaining) == (state, left)
    undo = ENDINGS[ending](floor)
    floor.tick(ENDED_MS)
    undo()
    assert floor.seg.status is SegmentStatus.LIVE
    # the speaker clock and the room display: the time left at the end, not less
    assert (floor.timer.state, floor.remaining) == (state, left)
    shown = floor.view(Audience.PUBLIC)["current"]["timer"]
    if state == "running":
        assert shown["deadline_at"] == floor.now + left  # counting on from the undo
    else:
        assert shown["remaining_ms"] == left
    runs = 10_000 if state == "running" else 0
    floor.tick(10_000)
    assert floor.remaining == left - runs
    current = floor.seg.current
    assert current is not None
    assert held_so_far(current, floor.now) == held + 10_000  # the console's balance
    # the record: the time it stood ended is set apart, not spoken
    floor.send(c.EndTurn())
    (speech,) = floor.seg.speeches
    assert (speech.held_ms, speech.timed_ms) == (held + 10_000, timed + runs)
    assert (speech.suspended_ms, speech.interposed_ms) == (ENDED_MS, 0)
    assert speech.overrun_ms == max(0, timed + runs - speech.allotted_ms)
    assert speech.ended_at - speech.called_at == speech.held_ms + ENDED_MS


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_undoing_an_end_gives_back_the_question_and_the_turn_it_paused(
    floor: Floor, ending: str
) -> None:
    """Amina Diallo has spoken 30 s when a question is interposed; the question has run 20 s of
    its minute when the segment ends. Undone 2 min later: the question has 40 s left, running;
    Amina's turn waits, paused with her 2 min 30 s."""
    _running(floor)
    floor.send(c.Interpose(name="Guest"))
    floor.send(c.StartTimer())
    floor.tick(20_000)
    undo = ENDINGS[ending](floor)
    floor.tick(ENDED_MS)
    undo()
    question, paused = floor.seg.current, floor.seg.paused
    assert question is not None and paused is not None
    assert (question.entry.speaker.name, paused.entry.speaker.name) == ("Guest", "Amina Diallo")
    assert (question.timer.state, floor.remaining) == ("running", 40_000)
    assert (paused.timer.state, paused.timer.remaining_at(floor.now)) == ("paused", 150_000)
    floor.tick(10_000)
    floor.send(c.EndTurn())  # the question ends: the floor goes back to Amina
    floor.tick(5_000)
    floor.send(c.EndTurn())
    asked, spoke = floor.seg.speeches
    assert (asked.held_ms, asked.timed_ms, asked.suspended_ms) == (30_000, 30_000, ENDED_MS)
    assert (asked.interposed_ms, asked.interposed_in) == (0, spoke.entry_id)
    # Amina held the floor 30 s + 5 s; the question held it 30 s, the segment stood ended 2 min
    assert (spoke.held_ms, spoke.interposed_ms, spoke.suspended_ms) == (35_000, 30_000, ENDED_MS)
    assert spoke.timed_ms == 30_000


def test_undoing_an_end_then_an_older_command_gives_that_floor_back_as_it_would_be(
    floor: Floor,
) -> None:
    """The turns the undo stack keeps count on from the undo too: a message set, the segment
    ended, both undone: the speaker has the time they had left at the end, less what ran since
    the undo."""
    _running(floor)  # 2 min 30 s left
    floor.send(c.SetMessage(text="please conclude"))
    floor.tick(10_000)  # 2 min 20 s
    floor.send(c.EndSegment())
    floor.tick(ENDED_MS)
    floor.send(c.Undo())
    floor.tick(5_000)
    floor.send(c.Undo())  # the message
    assert (floor.seg.message, floor.timer.state) == ("", "running")
    assert floor.remaining == 135_000


def test_a_log_written_before_undo_kept_its_instant_folds_as_it_did(floor: Floor) -> None:
    """An older log's ``change_undone`` has no ``at``: it folds as it did then (the speaker's
    deadline kept, the time the segment stood ended counted as theirs)."""
    _running(floor)
    deadline = floor.timer.deadline_at
    floor.send(c.EndSegment())
    floor.tick(ENDED_MS)
    floor.send(c.Undo())
    old = [
        event_from_json({k: v for k, v in event_to_json(event).items() if k != "at"})
        if isinstance(event, ChangeUndone)
        else event
        for event in floor.log
    ]
    segment = replay(old).segments[floor.segment_id]
    assert segment.current is not None and segment.current.timer.deadline_at == deadline
    assert replay(floor.log).segments[floor.segment_id] == floor.seg  # the new log, exactly


# --- undoing a start brings back the segment it ended -------------------------------------------


def _lunch_live(floor: Floor) -> str:
    """The lunch break is live (after the segment of ``floor``, ended); returns its id."""
    floor.send(c.EndSegment())
    lunch = floor.create_segment("Lunch break", kind="break")
    floor.send(c.StartSegment(), segment_id=lunch)
    return lunch


def test_undoing_the_start_after_a_break_makes_the_break_live_again(floor: Floor) -> None:
    """The moderator starts the afternoon's discussion during lunch by mistake and undoes it:
    the room display shows the break again, as it was (its resumption with it)."""
    lunch = _lunch_live(floor)
    floor.tick(30 * 60_000)
    room = view(floor.segment(lunch), Audience.PUBLIC)
    afternoon = floor.create_segment("Thematic discussion II")
    floor.send(c.StartSegment(), segment_id=afternoon)
    assert floor.segment(lunch).status is SegmentStatus.ENDED
    floor.tick(60_000)
    events = floor.send(c.Undo(), segment_id=afternoon)
    assert [(e.type, e.segment_id) for e in events] == [
        ("change_undone", afternoon),
        ("segment_started", lunch),
    ]
    assert floor.state.live_segment_id == lunch
    assert floor.segment(afternoon).status is SegmentStatus.SCHEDULED
    again = view(floor.segment(lunch), Audience.PUBLIC)
    assert again["segment"] == room["segment"]  # live, not ended, started when it did
    assert again["segment"]["actual_end_at"] is None
    assert replay(floor.log) == floor.state


def _carried_away(floor: Floor, second: str) -> None:
    """The speakers still waiting in the ended segment are dropped from its queue."""
    floor.send(c.CarryQueue(to_segment_id=None))


def _list_closed(floor: Floor, second: str) -> None:
    """The list of the ended segment is closed on its console."""
    floor.send(c.CloseList())


def _name_corrected(floor: Floor, second: str) -> None:
    """The speaker's name is corrected in the registry."""
    floor.speakers["p1"] = replace(floor.speakers["p1"], name="Amina Diallo-Sow")
    floor.send(c.CorrectSpeaker(participant_id="p1"), ORGANISER)


def _nothing(floor: Floor, second: str) -> None:
    """Nothing happens to the ended segment."""


#: what happens to the ended segment before the start is undone; who then has its floor, who
#: waits; what its console's undo takes back next (None: it cannot) and the speaker's clock after
#: that undo (as made on the floor brought back: closing the list leaves her clock running)
SINCE: list[tuple[str, Any, str, list[str], str | None, tuple[str, int]]] = [
    ("nothing", _nothing, AMINA, [BRUNO], "starting the timer", ("idle", INTERVENTION_MS)),
    ("its queue dropped", _carried_away, AMINA, [], None, ("running", 150_000)),
    ("its list closed", _list_closed, AMINA, [BRUNO], "closing the list", ("running", 150_000)),
    (
        "a name corrected",
        _name_corrected,
        "Amina Diallo-Sow",
        [BRUNO],
        "starting the timer",
        ("idle", INTERVENTION_MS),
    ),
]


@pytest.mark.parametrize(
    ("since", "speaker", "waiting", "undo_next", "clock_after"),
    [row[1:] for row in SINCE],
    ids=[row[0] for row in SINCE],
)
def test_undoing_a_start_brings_back_the_discussion_it_ended(
    floor: Floor,
    since: Any,
    speaker: str,
    waiting: list[str],
    undo_next: str | None,
    clock_after: tuple[str, int],
) -> None:
    """Amina Diallo speaks (30 s on her clock), Bruno Silva waits, when the next segment is
    started by mistake; whatever was done on the ended segment since, undoing that start makes
    it live again with Amina on the floor and her 2 min 30 s, off the record again."""
    floor.queued("p1")
    request = floor.queued("p2")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.tick(30_000)
    second = floor.create_segment("Thematic discussion II")
    floor.send(c.StartSegment(), segment_id=second)
    assert floor.seg.speeches != ()
    since(floor, second)
    floor.tick(ENDED_MS)
    floor.send(c.Undo(), segment_id=second)
    assert (floor.seg.status, floor.state.live_segment_id) == (SegmentStatus.LIVE, floor.seg.id)
    assert _names(floor) == (speaker, waiting)
    assert (floor.timer.state, floor.remaining) == ("running", 150_000)
    current = floor.seg.current
    assert current is not None and current.entry.request_id is not None
    assert floor.status(current.entry.request_id) is RequestStatus.SPEAKING
    assert floor.seg.speeches == ()
    assert [r["status"] for r in floor.mine("p1")] == ["speaking"]
    if waiting:
        assert floor.status(request) is RequestStatus.QUEUED
    undo = floor.view()["undo"]
    if undo_next is None:  # dropping the queue still holds back taking back the timer's start
        assert undo["available"] is False
        assert undo["refusal"] == "the waiting speakers have left the segment since"
    else:
        assert undo["available"] and undo["label"] == undo_next
        floor.send(c.Undo())
        assert floor.seg.status is SegmentStatus.LIVE and floor.seg.settings.list_open
        assert (floor.timer.state, floor.remaining) == clock_after
    assert replay(floor.log) == floor.state


def test_undoing_a_start_that_ended_nothing_leaves_no_segment_live(scheduled: Floor) -> None:
    scheduled.send(c.StartSegment())
    events = scheduled.send(c.Undo())
    assert [e.type for e in events] == ["change_undone"]
    assert scheduled.state.live_segment_id is None


def test_undoing_a_restart_does_not_bring_back_what_an_earlier_start_ended(floor: Floor) -> None:
    """The second segment's first start ended the first; it was ended and started again (ending
    nothing): undoing that restart leaves the first ended."""
    _running(floor)
    second = floor.create_segment("Thematic discussion II")
    floor.send(c.StartSegment(), segment_id=second)
    floor.send(c.EndSegment(), segment_id=second)
    floor.send(c.StartSegment(), segment_id=second)
    events = floor.send(c.Undo(), segment_id=second)
    assert [e.type for e in events] == ["change_undone"]
    assert floor.state.live_segment_id is None
    assert floor.seg.status is SegmentStatus.ENDED


def test_a_segment_started_again_is_not_brought_back_twice(floor: Floor) -> None:
    """The first segment was started again after the second's start ended it: the second's
    start can no longer be undone (the first's start ended it)."""
    _running(floor)
    second = floor.create_segment("Thematic discussion II")
    floor.send(c.StartSegment(), segment_id=second)
    floor.send(c.StartSegment())
    floor.refuse(c.Undo(), "cannot_undo", segment_id=second)
    assert floor.seg.superseded is None
