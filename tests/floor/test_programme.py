"""Whether the programme's order and its times agree (app/floor/programme.py): a segment listed
after another that starts before it, or before it ends, is named with the segment above it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from app.floor.model import SegmentDetails, SegmentState
from app.floor.programme import (
    Problem,
    StopProblem,
    event_day,
    hard_stop_problem,
    link_expiry_default,
    timing_problems,
)

ZONE = ZoneInfo("Europe/Zurich")
#: 2026-05-16 00:00 in Geneva (UTC+2), in ms
DAY = 1_778_882_400_000
H = 3_600_000
M = 60_000


def seg(id: str, start: str | None, end: str | None = None) -> SegmentState:
    def at(clock: str | None) -> int | None:
        if clock is None:
            return None
        hours, minutes = clock.split(":")
        return DAY + int(hours) * H + int(minutes) * M

    details = SegmentDetails(
        title=f"Segment {id}", scheduled_start_at=at(start), scheduled_end_at=at(end)
    )
    return SegmentState(id, "ev", 1, details)


CASES: list[tuple[str, list[SegmentState], dict[str, tuple[Problem, str]]]] = [
    ("in order, back to back", [seg("a", "10:00", "11:00"), seg("b", "11:00", "12:00")], {}),
    ("in order, with a gap", [seg("a", "10:00", "11:00"), seg("b", "11:30", "12:00")], {}),
    (
        "moved above an earlier one",
        [seg("c", "17:00", "18:00"), seg("a", "10:00", "11:00")],
        {"a": (Problem.STARTS_BEFORE_PREVIOUS, "c")},
    ),
    (
        "starts before the one above ends",
        [seg("a", "10:00", "11:30"), seg("b", "11:00", "12:00")],
        {"b": (Problem.OVERLAPS_PREVIOUS, "a")},
    ),
    ("the one above has no end: only its start counts", [seg("a", "10:00"), seg("b", "10:05")], {}),
    (
        "a segment without a time is skipped: the next compares with the last timed one",
        [seg("a", "10:00", "11:00"), seg("x", None), seg("b", "10:30", "12:00")],
        {"b": (Problem.OVERLAPS_PREVIOUS, "a")},
    ),
    ("no times at all", [seg("a", None), seg("b", None)], {}),
    (
        "each compares with the one just above it, not the earliest",
        [
            seg("a", "09:00", "10:00"),
            seg("c", "15:00", "16:00"),
            seg("b", "11:00", "12:00"),
            seg("d", "16:00", "17:00"),
        ],
        {"b": (Problem.STARTS_BEFORE_PREVIOUS, "c")},
    ),
    ("the same start twice", [seg("a", "10:00"), seg("b", "10:00")], {}),
]


@pytest.mark.parametrize(("what", "segments", "expected"), CASES, ids=[case[0] for case in CASES])
def test_timing_problems(
    what: str, segments: list[SegmentState], expected: dict[str, tuple[Problem, str]]
) -> None:
    found = timing_problems(segments)
    assert {sid: (p.code, p.previous_id) for sid, p in found.items()} == expected, what


def test_the_message_says_what_is_wrong_and_what_to_do() -> None:
    (problem,) = timing_problems([seg("c", "17:00", "18:00"), seg("a", "10:00", "11:00")]).values()
    assert problem.message(ZONE) == (
        "it starts at 10:00, before \u201cSegment c\u201d above it (17:00): "
        "change its times or move it in the programme"
    )
    (overlap,) = timing_problems([seg("a", "10:00", "11:30"), seg("b", "11:00")]).values()
    assert "before \u201cSegment a\u201d above it ends (11:30)" in overlap.message(ZONE)


def test_times_on_different_days_are_said_with_their_dates() -> None:
    """Past midnight, two bare times read the wrong way round ("01:45, before … (00:45)"):
    each is said with its date (outside probe, the desk's night session)."""
    night = [seg("a", "23:30", "24:30"), seg("b", "24:45", "25:30"), seg("c", "01:45", "02:30")]
    (problem,) = timing_problems(night).values()
    assert problem.message(ZONE) == (
        "it starts at 01:45 on 2026-05-16, before \u201cSegment b\u201d above it "
        "(00:45 on 2026-05-17): change its times or move it in the programme"
    )
    day = event_day("2026-05-16", ZONE)
    # the programme's end past midnight, the stop on the same night: said without dates
    same_day = hard_stop_problem(DAY + 25 * H, night[:2], day)
    assert same_day is not None and same_day.message(ZONE) == (
        "interpretation ends at 01:00, before the programme's planned end (01:30): "
        "shorten the programme or set the time interpretation really ends"
    )
    before_midnight = hard_stop_problem(DAY + 23 * H + 45 * M, night[:2], day)
    assert before_midnight is not None and before_midnight.message(ZONE) == (
        "interpretation ends at 23:45 on 2026-05-16, before the programme's planned end "
        "(01:30 on 2026-05-17): shorten the programme or set the time interpretation really ends"
    )


def test_a_segment_on_another_day_than_the_event_s_is_named_first() -> None:
    """The event's date is the 16th: a segment left on the 15th (the date moved, the programme
    not) says so, and is not also compared with the one above it; the next compares with it
    (10:30 after 23:00 the day before: not also with the 10:00-11:00 above that)."""
    day = event_day("2026-05-16", ZONE)
    assert day is not None and (day.start, day.end) == (DAY, DAY + 24 * H)
    before = SegmentState("x", "ev", 1, SegmentDetails(title="x", scheduled_start_at=DAY - H))
    found = timing_problems(
        [seg("a", "10:00", "11:00"), before, seg("b", "10:30", "12:00"), seg("c", "23:59")], day
    )
    assert {sid: (p.code, p.previous_id) for sid, p in found.items()} == {
        "x": (Problem.NOT_ON_EVENT_DAY, None),
    }
    assert found["x"].message(ZONE) == (
        "it starts on 2026-05-15 at 23:00, not on the event's date (2026-05-16): type its times "
        "again (a time is read on the event's date) or move the programme with the date"
    )
    assert event_day("", ZONE) is None


def test_links_for_the_day_expire_at_the_end_of_the_next() -> None:
    day = event_day("2026-05-16", ZONE)
    assert day is not None
    assert link_expiry_default(day, ZONE) == DAY + 24 * H + 23 * H + 59 * M


NIGHT: list[tuple[str, list[SegmentState], set[str]]] = [
    (
        "a night session carries on past midnight",
        [seg("open", "23:00", "23:20"), seg("t1", "23:20", "24:50"), seg("break", "24:50", "25:10")]
        + [seg("t2", "25:10", "26:30"), seg("close", "26:30", "26:45")],
        set(),
    ),
    (
        "a segment the next morning, hours after the last, is on another day",
        [seg("open", "22:00", "23:00"), seg("next", "33:00", "34:00")],
        {"next"},
    ),
    (
        "a programme a day off from its first segment: all named",
        [seg("a", "34:00", "35:00"), seg("b", "35:00", "36:00")],
        {"a", "b"},
    ),
]


@pytest.mark.parametrize(("what", "segments", "flagged"), NIGHT, ids=[case[0] for case in NIGHT])
def test_a_programme_that_runs_into_the_night_is_on_the_event_s_day(
    what: str, segments: list[SegmentState], flagged: set[str]
) -> None:
    """The hearing's thematic discussion ends at 00:50, the break and the closing follow after
    midnight: they carry on the event's day (typed again, they would move to its morning)."""
    found = timing_problems(segments, event_day("2026-05-16", ZONE))
    assert {sid for sid, p in found.items() if p.code is Problem.NOT_ON_EVENT_DAY} == flagged, what


# --- the hard stop (when interpretation ends) ----------------------------------------------------

DAY_PROGRAMME = [seg("a", "10:00", "13:00"), seg("b", "15:00", "18:00")]


def clock(when: str) -> int:
    hours, minutes = when.split(":")
    return DAY + int(hours) * H + int(minutes) * M


@pytest.mark.parametrize(
    ("segments", "stop", "code", "other"),
    [
        (DAY_PROGRAMME, "18:00", None, None),
        (DAY_PROGRAMME, "18:30", None, None),
        # before the programme's last planned end: it runs past interpretation as planned
        (DAY_PROGRAMME, "17:30", StopProblem.BEFORE_PROGRAMME_END, "18:00"),
        # before it starts (a start time typed for an end), or right at its start
        (DAY_PROGRAMME, "09:00", StopProblem.BEFORE_FIRST_START, "10:00"),
        (DAY_PROGRAMME, "10:00", StopProblem.BEFORE_FIRST_START, "10:00"),
        # the day after (a date typed for another day): named first
        (DAY_PROGRAMME, "42:00", StopProblem.NOT_ON_EVENT_DAY, "00:00"),
        (DAY_PROGRAMME, "-06:00", StopProblem.NOT_ON_EVENT_DAY, "00:00"),
        # a programme into the night: a stop after midnight that ends it is on the day
        ([seg("a", "20:00", "23:30"), seg("b", "23:30", "25:00")], "25:30", None, None),
        # a segment with no end counts by its start
        (
            [seg("a", "10:00", "11:00"), seg("b", "17:00")],
            "16:00",
            StopProblem.BEFORE_PROGRAMME_END,
            "17:00",
        ),
        # no times at all: only the day can be wrong
        ([seg("a", None)], "18:00", None, None),
        ([], "18:00", None, None),
    ],
)
def test_the_hard_stop_against_the_day_and_the_programme(
    segments: list[SegmentState], stop: str, code: StopProblem | None, other: str | None
) -> None:
    day = event_day("2026-05-16", ZONE)
    hours, minutes = stop.split(":")
    at = DAY + int(hours) * H + (-1 if stop.startswith("-") else 1) * int(minutes) * M
    problem = hard_stop_problem(at, segments, day)
    if code is None:
        assert problem is None
    else:
        assert problem is not None
        assert (problem.code, problem.stop_at, problem.other_at) == (code, at, clock(other or ""))


def test_no_hard_stop_has_no_problem_and_without_a_date_only_the_programme_counts() -> None:
    assert hard_stop_problem(None, DAY_PROGRAMME, event_day("2026-05-16", ZONE)) is None
    problem = hard_stop_problem(clock("42:00"), DAY_PROGRAMME, None)
    assert problem is None  # no date: not on "another day"


def test_the_hard_stop_problem_says_what_to_do() -> None:
    day = event_day("2026-05-16", ZONE)
    messages = {
        stop: problem.message(ZONE)
        for stop in ("17:30", "09:00", "42:00")
        if (problem := hard_stop_problem(clock(stop), DAY_PROGRAMME, day)) is not None
    }
    assert messages == {
        "17:30": "interpretation ends at 17:30, before the programme's planned end (18:00): "
        "shorten the programme or set the time interpretation really ends",
        "09:00": "interpretation ends at 09:00, before the programme starts (10:00): check the "
        "time (the end of interpretation, not its start)",
        "42:00": "interpretation ends on 2026-05-17 at 18:00, not on the event's date "
        "(2026-05-16): type the time again (a time alone is read on the event's date)",
    }
