"""Where to cut when the day is forecast past its hard stop (``app/floor/cuts.py``): the live
queue's time each that ends the day by the stop, found through the schedule itself, and the
segments still to come."""

from __future__ import annotations

from typing import Any

import pytest

from app.floor.cuts import day, with_each
from app.floor.model import BREAK_KIND, SegmentDetails, SegmentState, SegmentStatus, TurnKind
from tests.floor.test_schedule import MIN, at, ended_late, entry, seg

NOW = at("2026-12-04 16:30")


def afternoon(queue: list[tuple[int, TurnKind]], closing_start: str = "17:00") -> list[Any]:
    """A panel live since 16:00, planned to 17:00, its queue as given (minutes, kind), nobody
    on the floor; then the closing, planned an hour from ``closing_start``."""
    entries = tuple(entry(n, minutes * MIN, kind) for n, (minutes, kind) in enumerate(queue))
    return [
        seg(
            "panel",
            0,
            at("2026-12-04 16:00"),
            at("2026-12-04 17:00"),
            SegmentStatus.LIVE,
            actual_start_at=at("2026-12-04 16:00"),
            queue=entries,
        ),
        seg(
            "closing",
            1,
            at(f"2026-12-04 {closing_start}"),
            at(f"2026-12-04 {int(closing_start[:2]) + 1:02}{closing_start[2:]}"),
        ),
    ]


SPEECH = TurnKind.INTERVENTION
ORDER = TurnKind.POINT_OF_ORDER


def cut_of(segments: list[SegmentState], stop: str) -> Any:
    hard = day(segments, NOW, "Europe/Zurich", at(f"2026-12-04 {stop}"))["hard_stop"]
    return hard["cut"]


@pytest.mark.parametrize(
    ("queue", "stop", "each_ms", "over_ms", "words"),
    [
        # 14 x 3 min ends the panel at 17:12 and the day at 18:12: 2:05 each ends the panel by
        # 17:00 and the day at 18:00 (2:10 would be 20 s past)
        (
            [(3, SPEECH)] * 14,
            "18:00",
            125_000,
            0,
            "give each of the 14 waiting 2:05: the day then ends at 18:00",
        ),
        # a stop at 18:05: the largest time each that ends the day by it (the panel at 17:05,
        # the closing an hour from then)
        (
            [(3, SPEECH)] * 14,
            "18:05",
            150_000,
            0,
            "give each of the 14 waiting 2:30: the day then ends at 18:05",
        ),
        # a point of order keeps its 2 min: 12 turns share what is left after it
        (
            [(3, SPEECH)] * 12 + [(2, ORDER)],
            "18:00",
            140_000,
            0,
            "give each of the 12 waiting 2:20: the day then ends at 18:00",
        ),
        # the closing keeps its 17:00 start: the queue can bring the day to 18:00 and no nearer
        # to a 17:50 stop; 2:05 each does it, less would cut turns for nothing
        (
            [(3, SPEECH)] * 14,
            "17:50",
            125_000,
            10 * MIN,
            "give each of the 14 waiting 2:05: the day then ends at 18:00, still 10 min past "
            "the stop (less each saves nothing: what follows keeps its start); shorten what is "
            "still to come: Segment closing (1 h)",
        ),
        # 200 waiting: even the shortest turn there is (0:30) leaves the day past the stop, and
        # says so (outside probe: it said what follows kept its start, which was not why)
        (
            [(3, SPEECH)] * 200,
            "18:00",
            30_000,
            70 * MIN,
            "give each of the 200 waiting 0:30: the day then ends at 19:10, still 1 h 10 min "
            "past the stop (no turn is given less); shorten what is still to come: Segment "
            "closing (1 h)",
        ),
        # one turn waiting, with 1 min: only "the 1 waiting"
        (
            [(40, SPEECH)],
            "18:00",
            30 * MIN,
            0,
            "give each of the 1 waiting 30:00: the day then ends at 18:00",
        ),
    ],
)
def test_the_queue_s_time_each_that_ends_the_day_by_the_stop(
    queue: list[tuple[int, TurnKind]], stop: str, each_ms: int, over_ms: int, words: str
) -> None:
    cut = cut_of(afternoon(queue), stop)
    assert cut["queue"]["each_ms"] == each_ms
    assert cut["queue"]["over_ms"] == over_ms
    assert cut["queue"]["end_at"] == at(f"2026-12-04 {stop}") + over_ms
    assert cut["queue"]["reaches"] is (over_ms <= 0)
    assert cut["queue"]["segment_id"] == "panel"
    assert cut["words"] == words


def test_the_time_each_is_the_largest_that_ends_the_day_by_the_stop() -> None:
    """5 s more each than the cut offers would end the day past the stop."""
    segments = afternoon([(3, SPEECH)] * 14)
    cut = cut_of(segments, "18:00")["queue"]
    panel = segments[0]
    more = [with_each(panel, cut["each_ms"] + 5_000), segments[1]]
    later = day(more, NOW, "Europe/Zurich", at("2026-12-04 18:00"))["hard_stop"]
    assert later["over_ms"] > 0


def test_the_turns_counted_and_kept() -> None:
    cut = cut_of(
        afternoon([(3, SPEECH)] * 12 + [(2, ORDER), (2, TurnKind.RIGHT_OF_REPLY)]), "18:00"
    )
    assert (cut["queue"]["count"], cut["queue"]["kept"]) == (12, 2)


@pytest.mark.parametrize(
    ("queue", "stop", "closing_start"),
    [
        # not past the stop: nothing to cut
        ([(3, SPEECH)] * 10, "18:00", "17:00"),
        # 10 min to spare
        ([(3, SPEECH)] * 10, "18:10", "17:00"),
    ],
)
def test_no_cut_when_the_day_ends_by_the_stop(
    queue: list[tuple[int, TurnKind]], stop: str, closing_start: str
) -> None:
    hard = day(afternoon(queue, closing_start), NOW, "Europe/Zurich", at(f"2026-12-04 {stop}"))
    assert hard["hard_stop"]["timing"] != "over"
    assert hard["hard_stop"]["cut"] is None


def test_a_queue_that_cannot_help_is_not_offered_and_what_is_to_come_is_listed() -> None:
    """The closing is scheduled at 17:20 and the panel's queue ends at 17:00 anyway: taking
    time from its turns would end the day no earlier."""
    cut = cut_of(afternoon([(3, SPEECH)] * 10, closing_start="17:20"), "18:00")
    assert cut["queue"] is None
    assert cut["later"] == [
        {
            "segment_id": "closing",
            "title": "Segment closing",
            "is_break": False,
            "planned_ms": 60 * MIN,
        }
    ]
    assert cut["words"] == "shorten what is still to come: Segment closing (1 h)"


def test_points_of_order_alone_and_turns_at_the_least_are_not_cut() -> None:
    only_orders = afternoon([(30, ORDER), (30, ORDER)])
    assert cut_of(only_orders, "17:30")["queue"] is None
    at_the_least = afternoon([(0, SPEECH)])  # no time to take
    at_the_least[1] = seg("closing", 1, at("2026-12-04 16:00"), at("2026-12-04 18:30"))
    assert cut_of(at_the_least, "18:00")["queue"] is None


def test_no_live_segment_lists_what_is_to_come_in_the_programme_s_order() -> None:
    lunch = SegmentDetails(
        "Lunch",
        position=1,
        scheduled_start_at=at("2026-12-04 17:00"),
        scheduled_end_at=at("2026-12-04 17:45"),
        kind=BREAK_KIND,
    )
    segments = [
        seg("morning", 0, at("2026-12-04 16:00"), at("2026-12-04 17:00")),
        SegmentState("lunch", "ev", 1, lunch),
        seg("closing", 2, at("2026-12-04 17:45")),
    ]
    cut = cut_of(segments, "17:30")
    assert cut["queue"] is None
    assert [(row["segment_id"], row["is_break"], row["planned_ms"]) for row in cut["later"]] == [
        ("morning", False, 60 * MIN),
        ("lunch", True, 45 * MIN),
        ("closing", False, None),
    ]
    assert cut["words"] == (
        "shorten what is still to come: Segment morning (1 h), Lunch (45 min), Segment closing"
    )


def test_a_day_that_has_ended_has_nothing_to_cut() -> None:
    hard = day(ended_late(), at("2026-12-04 18:30"), "Europe/Zurich", at("2026-12-04 18:00"))
    assert hard["hard_stop"]["timing"] == "over"
    assert hard["hard_stop"]["cut"] is None


def test_without_a_hard_stop_the_schedule_is_the_schedule_s() -> None:
    segments = afternoon([(3, SPEECH)] * 14)
    assert day(segments, NOW, "Europe/Zurich")["hard_stop"] is None
