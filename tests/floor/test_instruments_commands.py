"""The console's instruments as commands: a suggested order applied, one speaking time for all
who wait, budgets, who still waits when a segment ends (carried or dropped), the booth's signals.
"""

from __future__ import annotations

import pytest

from app.floor import commands as c
from app.floor.model import Constituency, RequestStatus, SegmentStatus, SignalKind, TurnKind
from app.instruments import waiting_elsewhere
from tests.floor.kit import BOOTH, Floor, delegate, live_floor

MIN = 60_000


def test_applying_an_order_to_the_requests_approves_them_in_that_order_and_undo_takes_it_back(
    floor: Floor,
) -> None:
    first, second, point = floor.request("p1"), floor.request("p2"), floor.request("p3")
    before = floor.seg
    floor.send(c.ApplyOrder(scope="requests", order=[second, first, point]))
    assert [entry.request_id for entry in floor.seg.queue] == [second, first, point]
    assert {floor.status(r) for r in (first, second, point)} == {RequestStatus.QUEUED}
    assert floor.view()["undo"]["label"] == "approving 3 requests in order"
    floor.send(c.Undo())
    assert floor.seg.queue == before.queue
    assert floor.seg.pending_ids == before.pending_ids


def test_a_point_of_order_approved_in_an_order_goes_before_other_turns(floor: Floor) -> None:
    floor.add("Waiting")
    point = floor.request("p1", TurnKind.POINT_OF_ORDER)
    other = floor.request("p2")
    floor.send(c.ApplyOrder(scope="requests", order=[other, point]))
    assert floor.names()[0] != "Waiting"
    assert floor.kinds()[0] is TurnKind.POINT_OF_ORDER


def test_an_order_that_no_longer_lists_who_waits_is_refused(floor: Floor) -> None:
    first, second = floor.request("p1"), floor.request("p2")
    floor.refuse(c.ApplyOrder(scope="requests", order=[first]), "order_mismatch")
    floor.refuse(c.ApplyOrder(scope="requests", order=[first, first]), "order_mismatch")
    floor.refuse(c.ApplyOrder(scope="requests", order=[first, "gone"]), "order_mismatch")
    floor.send(c.ApplyOrder(scope="requests", order=[second, first]))


def test_the_queue_put_in_an_order(floor: Floor) -> None:
    a, b, d = floor.add("A"), floor.add("B"), floor.add("D")
    floor.send(c.ApplyOrder(scope="queue", order=[d, a, b]))
    assert floor.names() == ["D", "A", "B"]
    assert floor.send(c.ApplyOrder(scope="queue", order=[d, a, b])) == []  # as it is: no change
    floor.send(c.Undo())
    assert floor.names() == ["A", "B", "D"]


def test_one_speaking_time_for_everyone_waiting_but_points_of_order_and_replies(
    floor: Floor,
) -> None:
    floor.add("A", kind=TurnKind.INTERVENTION)
    floor.add("B", kind=TurnKind.PANELLIST)
    floor.queued("p1", TurnKind.POINT_OF_ORDER)
    floor.queued("p2", TurnKind.RIGHT_OF_REPLY)
    floor.send(c.SetQueueTimes(duration_ms=135_000))
    times = {entry.kind: entry.allotted_ms for entry in floor.seg.queue}
    assert times[TurnKind.INTERVENTION] == times[TurnKind.PANELLIST] == 135_000
    assert times[TurnKind.POINT_OF_ORDER] == 1 * MIN  # they keep their time
    assert times[TurnKind.RIGHT_OF_REPLY] == 2 * MIN
    assert floor.view()["undo"]["label"] == "giving each waiting speaker 2 min 15 s"


def test_a_budget_set_and_removed_undoably(floor: Floor) -> None:
    floor.send(c.SetBudget(constituency=Constituency.CIVIL_SOCIETY, budget_ms=10 * MIN))
    assert floor.view()["settings"]["budgets_ms"] == {"civil_society": 10 * MIN}
    floor.send(c.SetBudget(constituency=Constituency.CIVIL_SOCIETY, budget_ms=None))
    assert floor.view()["settings"]["budgets_ms"] == {}
    floor.send(c.Undo())
    assert floor.view()["settings"]["budgets_ms"] == {"civil_society": 10 * MIN}


def _ended_with_waiting() -> tuple[Floor, str, str, str]:
    floor = live_floor()
    queued = floor.queued("p1")
    floor.add("Guest")
    pending = floor.request("p2")
    next_segment = floor.create_segment("Thematic discussion II")
    floor.send(c.EndSegment())
    return floor, queued, pending, next_segment


def test_who_still_waits_when_a_segment_ends_is_carried_to_the_next_in_order() -> None:
    floor, queued, pending, next_segment = _ended_with_waiting()
    assert floor.seg.status is SegmentStatus.ENDED
    floor.send(c.CarryQueue(to_segment_id=next_segment))
    assert floor.seg.queue == () and floor.seg.pending_ids == ()
    assert floor.status(queued) is RequestStatus.REMOVED
    assert floor.req(queued).reason == "carried to Thematic discussion II"
    # the delegate's own view of the ended segment says where the place went on
    (mine,) = floor.mine("p1")
    assert (mine["status"], mine["carried_to"]) == ("removed", next_segment)
    there = floor.segment(next_segment)
    assert [entry.speaker.name for entry in there.queue][1:] == ["Guest"]
    assert there.requests[queued].status is RequestStatus.QUEUED
    assert there.pending_ids == (pending,)
    # the delegates see their place in the segment they were carried to
    assert [r.id for r in there.requests_of("p1")] == [queued]
    # and may withdraw it there
    floor.send(c.WithdrawRequest(request_id=queued), delegate("p1"), next_segment)
    assert [entry.speaker.name for entry in floor.segment(next_segment).queue] == ["Guest"]


def test_the_console_is_offered_the_next_discussion_never_a_break() -> None:
    """Thematic I ends with speakers waiting; the lunch break comes next in the programme, then
    Thematic II: the console is offered Thematic II (a break is where nobody speaks), and a
    carry to the break is refused, saying where to carry them instead."""
    floor = live_floor()
    floor.queued("p1")
    lunch = floor.create_segment("Lunch Break", kind="break")
    after = floor.create_segment("Thematic discussion II")
    floor.send(c.EndSegment())
    (waiting,) = waiting_elsewhere(list(floor.state.segments.values()))
    assert waiting["carry_to"] == {"segment_id": after, "title": "Thematic discussion II"}
    error = floor.refuse(c.CarryQueue(to_segment_id=lunch), "segment_is_break")
    assert "carry the speakers to the discussion after it" in error.message
    # the break is live: the next discussion is still the one offered, not the live break
    floor.send(c.StartSegment(), segment_id=lunch)
    (waiting,) = waiting_elsewhere(list(floor.state.segments.values()))
    assert waiting["carry_to"] == {"segment_id": after, "title": "Thematic discussion II"}
    # a live discussion is offered first
    floor.send(c.StartSegment(), segment_id=after)
    (waiting,) = waiting_elsewhere(list(floor.state.segments.values()))
    assert waiting["carry_to"]["segment_id"] == after
    floor.send(c.CarryQueue(to_segment_id=after))
    assert waiting_elsewhere(list(floor.state.segments.values())) == []


def test_carried_speakers_join_after_those_already_waiting_and_nobody_twice() -> None:
    floor = live_floor()
    floor.queued("p1")
    next_segment = floor.create_segment("Thematic discussion II")
    floor.send(c.AddSpeaker(name="Already"), segment_id=next_segment)
    floor.send(c.RequestFloor(), delegate("p1"), next_segment)  # p1 asked there too
    floor.send(c.EndSegment())
    floor.send(c.CarryQueue(to_segment_id=next_segment))
    there = floor.segment(next_segment)
    assert [entry.speaker.name for entry in there.queue] == ["Already"]
    assert len(there.requests_of("p1")) == 1  # their own request there, not a second one


def test_who_still_waits_may_be_dropped_and_nothing_is_carried_twice() -> None:
    floor, queued, pending, next_segment = _ended_with_waiting()
    floor.send(c.CarryQueue(to_segment_id=None))
    assert floor.req(queued).status is RequestStatus.REMOVED
    assert floor.req(pending).status is RequestStatus.REMOVED
    assert floor.req(pending).reason == "dropped when the segment ended"
    floor.refuse(c.CarryQueue(to_segment_id=next_segment), "nobody_waiting")


def test_carrying_is_for_an_ended_segment_and_to_one_not_ended() -> None:
    floor = live_floor()
    floor.queued("p1")
    other = floor.create_segment("Thematic discussion II")
    floor.refuse(c.CarryQueue(to_segment_id=other), "not_ended")
    floor.send(c.EndSegment())
    floor.send(c.StartSegment(), segment_id=other)
    floor.send(c.EndSegment(), segment_id=other)
    floor.refuse(c.CarryQueue(to_segment_id=other), "segment_ended")
    floor.refuse(c.CarryQueue(to_segment_id=floor.segment_id), "not_found")


def test_undo_does_not_reach_past_speakers_carried_in() -> None:
    floor, _, _, next_segment = _ended_with_waiting()
    floor.send(c.StartSegment(), segment_id=next_segment)
    floor.send(c.AddSpeaker(name="Early"), segment_id=next_segment)
    floor.send(c.CarryQueue(to_segment_id=next_segment))
    refusal = floor.view()["undo"]  # the ended segment: its end cannot be taken back now
    assert refusal is None or refusal["available"] is False
    there = floor.state.segments[next_segment]
    floor.refuse(c.Undo(), "cannot_undo", segment_id=next_segment)
    assert there is floor.state.segments[next_segment]


def test_the_booths_signals_expire_and_clear(floor: Floor) -> None:
    floor.add("Speaker")
    floor.send(c.CallNext())
    floor.send(c.RaiseSignal(kind=SignalKind.SLOW_DOWN, duration_s=30), BOOTH)
    (shown,) = floor.view()["signals"]
    assert shown["kind"] == "slow_down" and shown["expires_at"] == shown["raised_at"] + 30_000
    floor.tick(5_000)
    floor.send(c.RaiseSignal(kind=SignalKind.SLOW_DOWN, duration_s=30), BOOTH)  # restarts it
    assert len(floor.seg.signals) == 1 and floor.seg.signals[0].raised_at == floor.now
    floor.tick(31_000)
    floor.send(c.RaiseSignal(kind=SignalKind.MIC_OFF), BOOTH)  # the expired one is let go
    assert [s.kind for s in floor.seg.signals] == [SignalKind.MIC_OFF]
    floor.send(c.ClearSignal(signal_id=floor.seg.signals[0].id))
    assert not floor.seg.signals
    assert floor.send(c.ClearSignal(signal_id="gone"), BOOTH) == []
    # the room's screens see the signals; undo leaves them be (they are not the floor)
    floor.send(c.RaiseSignal(kind=SignalKind.NO_SOUND), BOOTH)
    floor.add("A")
    floor.send(c.Undo())
    assert [s.kind for s in floor.seg.signals] == [SignalKind.NO_SOUND]


@pytest.mark.parametrize(("late_ms", "shown"), [(0, True), (4_000, True), (4_001, False)])
def test_a_signal_held_by_a_dead_line_is_not_shown_when_it_arrives(
    floor: Floor, late_ms: int, shown: bool
) -> None:
    """The booth's line went dead while it pressed "No sound" and came back a minute later with
    the press: by then the floor has moved on, so a signal more than 4 s late is refused
    (``signal_stale``), not shown to whoever speaks now (outside probe, 2026-12-06)."""
    floor.add("Speaker")
    floor.send(c.CallNext())
    command = c.RaiseSignal(kind=SignalKind.NO_SOUND, sent_at=floor.now - late_ms)
    if shown:
        floor.send(command, BOOTH)
        assert [s.kind for s in floor.seg.signals] == [SignalKind.NO_SOUND]
    else:
        error = floor.refuse(command, "signal_stale", BOOTH)
        assert "press it again" in error.message
        assert floor.seg.signals == ()


@pytest.mark.parametrize("hands_over", ["call_next", "end_turn", "interpose", "give_back"])
def test_a_signal_goes_when_the_floor_changes_hands(floor: Floor, hands_over: str) -> None:
    """ "Please slow down" was for the speaker it was raised for: the next one's clock does not
    show it (as the moderator's message, it goes with the turn)."""
    floor.add("A")
    floor.add("B")
    floor.send(c.CallNext())
    if hands_over == "give_back":
        floor.send(c.Interpose(name="Questioner"))
    floor.send(c.RaiseSignal(kind=SignalKind.SLOW_DOWN), BOOTH)
    floor.send(c.SetMessage(text="Please conclude"))
    assert floor.seg.signals and floor.seg.message
    if hands_over == "call_next":
        floor.send(c.CallNext())
    elif hands_over == "end_turn":
        floor.send(c.EndTurn())
    elif hands_over == "interpose":
        floor.send(c.Interpose(name="Questioner"))
    else:
        floor.send(c.EndTurn())  # the question ends: the floor goes back to A
    assert floor.seg.signals == () and floor.seg.message == ""
    assert floor.view()["signals"] == []


def test_the_booth_may_only_signal(floor: Floor) -> None:
    floor.refuse(c.CallNext(), "forbidden", BOOTH)
    floor.refuse(c.AddSpeaker(name="A"), "forbidden", BOOTH)
