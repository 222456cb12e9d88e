"""Undo is exact (issue 12, item 1): every console command that changes a segment's floor can be
taken back, newest first, to exactly the floor before it; where it cannot, undo refuses naming the
command and never reaches past it. The stateful test checks command-then-undo on random hearings.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.floor import commands as c
from app.floor.events import ChangeUndone, SegmentEnded, TurnEnded
from app.floor.fold import requests_changed
from app.floor.model import FloorMode, RequestStatus, SegmentStatus, TurnKind
from tests.floor.kit import Floor, delegate

INTERVENTION_MS = 180_000


def _three_queued(floor: Floor) -> list[str]:
    """P1, P2 and P3 asked for the floor and were approved, in that order."""
    return [floor.queued(pid) for pid in ("p1", "p2", "p3")]


def _names(floor: Floor) -> tuple[str | None, list[str]]:
    current = floor.seg.current
    return (current.entry.speaker.name if current else None), floor.names()


# --- the bugs of the issue -----------------------------------------------------------------------


def test_undo_after_a_mistaken_call_next_gives_the_floor_back(floor: Floor) -> None:
    """Queue P1, P2, P3; call P1; start the timer; call next by mistake; undo: P1 has the floor
    again, their timer running to the same deadline, and P2 and P3 wait as they did."""
    p1, p2, p3 = _three_queued(floor)
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    deadline = floor.timer.deadline_at
    floor.tick(40_000)
    before = floor.seg
    floor.send(c.CallNext())  # by mistake
    floor.tick(2_000)
    assert floor.view()["undo"]["label"] == "calling Bruno Silva"
    floor.send(c.Undo())
    assert _names(floor) == ("Amina Diallo", ["Bruno Silva", "Chen Wei"])
    assert floor.seg.current == before.current
    assert floor.timer.running and floor.timer.deadline_at == deadline
    assert floor.remaining == INTERVENTION_MS - 42_000  # the clock ran on meanwhile
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
    assert after.current == before.current  # the turn and every fact of its timer
    assert (after.queue, after.settings, after.status) == (
        before.queue,
        before.settings,
        before.status,
    )
    assert (after.message, after.speeches, after.undo_stack) == (
        before.message,
        before.speeches,
        before.undo_stack,
    )
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


def test_a_speaker_given_back_the_floor_after_their_deadline_is_in_overtime(floor: Floor) -> None:
    _running(floor)
    deadline = floor.timer.deadline_at
    floor.send(c.CallNext())
    floor.tick(INTERVENTION_MS)  # the mistake is noticed late
    floor.send(c.Undo())
    assert floor.timer.deadline_at == deadline
    assert floor.remaining == -30_000


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
    # and undoing the start of the other segment does not restart this one
    floor.send(c.Undo(), segment_id=second)
    assert floor.segment(second).status is SegmentStatus.SCHEDULED
    assert floor.seg.status is SegmentStatus.ENDED


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
    }
    assert floor.status(p3) is RequestStatus.WITHDRAWN


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
