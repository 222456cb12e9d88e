"""Segments of the programme: created, updated, started, ended; what needs a live segment."""

from __future__ import annotations

import pytest

from app.floor import commands as c
from app.floor.model import HOUR_MS, RequestStatus, SegmentDetails, SegmentStatus
from tests.floor.kit import ORGANISER, START_AT, Floor, live_floor


def test_the_organiser_creates_a_segment(scheduled: Floor) -> None:
    floor = scheduled
    segment_id = floor.create_segment(
        "Thematic discussion II",
        kind="discussion",
        aim="Progress on objectives 2, 5, 6 and 12",
        moderator="Ms. Moderator",
        scheduled_start_at=START_AT + HOUR_MS,
        scheduled_end_at=START_AT + 2 * HOUR_MS,
        position=2,
    )
    segment = floor.segment(segment_id)
    assert segment.details == SegmentDetails(
        title="Thematic discussion II",
        kind="discussion",
        aim="Progress on objectives 2, 5, 6 and 12",
        moderator="Ms. Moderator",
        scheduled_start_at=START_AT + HOUR_MS,
        scheduled_end_at=START_AT + 2 * HOUR_MS,
        position=2,
    )
    assert (segment.status, segment.version, segment.event_id) == (
        SegmentStatus.SCHEDULED,
        1,
        floor.state.event_id,
    )
    assert (segment.actual_start_at, segment.actual_end_at, segment.queue) == (None, None, ())
    assert len(floor.state.segments) == 2


def test_a_segment_may_not_end_before_it_starts() -> None:
    floor = Floor()
    command = c.CreateSegment(title="Lunch", scheduled_start_at=2_000, scheduled_end_at=1_000)
    error = floor.refuse(command, "invalid_schedule", ORGANISER)
    assert error.status == 422
    # in words a secretariat reads (the desk shows it as it is), not the fields' names
    assert error.message.startswith("the segment would end before it starts: choose an end time")
    assert "scheduled_" not in error.message
    assert floor.state.segments == {}


def test_update_changes_only_the_given_details(scheduled: Floor) -> None:
    scheduled.send(c.UpdateSegment(title="Opening segment", scheduled_start_at=1_000))
    details = scheduled.seg.details
    assert (details.title, details.kind, details.scheduled_start_at) == (
        "Opening segment",
        "discussion",
        1_000,
    )
    assert scheduled.version == 2


def test_an_update_that_changes_nothing_is_no_event(scheduled: Floor) -> None:
    assert scheduled.send(c.UpdateSegment(title=scheduled.seg.details.title)) == []
    assert scheduled.send(c.UpdateSegment()) == []
    assert scheduled.version == 1


def test_an_update_may_not_make_the_schedule_end_before_the_start(scheduled: Floor) -> None:
    scheduled.send(c.UpdateSegment(scheduled_start_at=5_000))
    scheduled.refuse(c.UpdateSegment(scheduled_end_at=4_000), "invalid_schedule")


def test_a_live_segment_may_be_updated(floor: Floor) -> None:
    floor.send(c.UpdateSegment(aim="Running late: 10 minutes"))
    assert floor.seg.details.aim == "Running late: 10 minutes"
    assert floor.seg.status is SegmentStatus.LIVE


def test_start_a_segment(scheduled: Floor) -> None:
    scheduled.tick(120_000)
    scheduled.send(c.StartSegment())
    assert scheduled.seg.status is SegmentStatus.LIVE
    assert scheduled.seg.actual_start_at == scheduled.now
    assert scheduled.state.live_segment_id == scheduled.segment_id


def test_a_live_segment_cannot_start_again(floor: Floor) -> None:
    assert "already live" in floor.refuse(c.StartSegment(), "already_live").message


def test_starting_a_segment_ends_the_live_one_and_its_turn() -> None:
    floor = live_floor()
    first = floor.segment_id
    second = floor.create_segment("Thematic discussion II")
    request_id = floor.queued("p1")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.tick(75_000)
    events = floor.send(c.StartSegment(), segment_id=second)
    assert [(e.type, e.segment_id) for e in events] == [
        ("turn_ended", first),
        ("segment_ended", first),
        ("segment_started", second),
    ]
    old = floor.segment(first)
    assert (old.status, old.actual_end_at, old.current) == (SegmentStatus.ENDED, floor.now, None)
    assert [s.spoken_ms for s in old.speeches] == [75_000]
    assert floor.status(request_id) is RequestStatus.SPOKEN
    assert floor.state.live_segment_id == second
    assert floor.segment(second).actual_start_at == floor.now


def test_only_one_segment_is_live_at_a_time() -> None:
    floor = live_floor()
    others = [floor.create_segment(f"Discussion {n}") for n in range(3)]
    for segment_id in [*others, floor.segment_id]:
        floor.send(c.StartSegment(), segment_id=segment_id)
        live = [s.id for s in floor.state.segments.values() if s.status is SegmentStatus.LIVE]
        assert live == [segment_id]


def test_end_a_segment_ends_the_current_turn(floor: Floor) -> None:
    floor.queued("p1")
    floor.add("Still waiting")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.tick(30_000)
    floor.send(c.EndSegment())
    segment = floor.seg
    assert (segment.status, segment.actual_end_at, segment.current) == (
        SegmentStatus.ENDED,
        floor.now,
        None,
    )
    assert [s.spoken_ms for s in segment.speeches] == [30_000]
    assert floor.names() == ["Still waiting"]  # the queue is kept for the record


def test_end_a_segment_without_a_turn(floor: Floor) -> None:
    (ended,) = floor.send(c.EndSegment())
    assert ended.type == "segment_ended"


@pytest.mark.parametrize("ended", [False, True])
def test_only_a_live_segment_can_end(scheduled: Floor, ended: bool) -> None:
    if ended:
        scheduled.send(c.StartSegment())
        scheduled.send(c.EndSegment())
    assert "not live" in scheduled.refuse(c.EndSegment(), "not_live").message


def test_an_ended_segment_can_be_resumed_and_keeps_its_first_start(floor: Floor) -> None:
    first_start = floor.seg.actual_start_at
    floor.tick(60_000)
    floor.send(c.EndSegment())
    floor.tick(60_000)
    floor.send(c.StartSegment())
    assert floor.seg.status is SegmentStatus.LIVE
    assert (floor.seg.actual_start_at, floor.seg.actual_end_at) == (first_start, None)


@pytest.mark.parametrize("command", [c.CallNext(), c.StartTimer(), c.ResumeTimer()])
@pytest.mark.parametrize("ended", [False, True])
def test_the_floor_needs_a_live_segment(scheduled: Floor, command: object, ended: bool) -> None:
    scheduled.add("Waiting")
    if ended:
        scheduled.send(c.StartSegment())
        scheduled.send(c.EndSegment())
    error = scheduled.refuse(command, "not_live")
    assert "start it first" in error.message


def test_the_queue_can_be_arranged_while_the_segment_is_not_live(scheduled: Floor) -> None:
    a = scheduled.add("A")
    scheduled.add("B")
    scheduled.send(c.MoveEntry(entry_id=a, position=1))
    scheduled.send(c.RemoveEntry(entry_id=a))
    scheduled.send(c.Undo())
    assert scheduled.names() == ["B", "A"]


@pytest.mark.parametrize(
    ("positions", "then"),
    [
        ([], 0),  # the first segment of a programme
        ([None, None], 2),  # each left out goes after the last: 0, 1, then 2
        ([5], 6),
        ([3, 1], 4),  # after the last in the programme's order, not the last made
        ([1000], 1000),  # the programme's last place is as far as it goes
    ],
)
def test_a_segment_whose_position_is_left_out_goes_after_the_last(
    positions: list[int | None], then: int
) -> None:
    """A scripted programme (``POST …/segments`` without ``position``) keeps its order instead of
    tying every segment at 0."""
    floor = Floor()
    for n, position in enumerate(positions):
        floor.send(c.CreateSegment(title=f"Segment {n}", position=position), ORGANISER)
    added = floor.create_segment("Closing remarks")
    assert floor.segment(added).details.position == then
    assert floor.segment(floor.create_segment("Given", position=0)).details.position == 0
