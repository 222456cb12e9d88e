"""A break's resumption, as the moderator tells the room (``announce_resumption``): who may, on
what segment, which times, what every face is given, and what the forecast reads."""

from __future__ import annotations

from typing import Any

import pytest

from app.floor import commands as c
from app.floor.model import MINUTE_MS, SegmentStatus
from app.floor.possible import MODERATOR_ACTIONS
from app.floor.schedule import schedule
from app.views import Audience, live_view
from tests.floor.kit import BOOTH, DISPLAY, MODERATOR, ORGANISER, START_AT, Floor, delegate

LUNCH_END = START_AT + 60 * MINUTE_MS


def lunch(status: SegmentStatus = SegmentStatus.LIVE) -> Floor:
    """A lunch break (10:00-11:00 New York time), live unless told, then a discussion at 11:00."""
    floor = Floor()
    floor.create_segment(
        "Lunch break", kind="break", scheduled_start_at=START_AT, scheduled_end_at=LUNCH_END
    )
    floor.create_segment(
        "Thematic discussion II",
        scheduled_start_at=LUNCH_END,
        scheduled_end_at=LUNCH_END + 90 * MINUTE_MS,
    )
    if status is not SegmentStatus.SCHEDULED:
        floor.send(c.StartSegment())
    if status is SegmentStatus.ENDED:
        floor.send(c.EndSegment())
    return floor


def test_the_moderator_tells_the_room_when_the_meeting_resumes() -> None:
    floor = lunch()
    floor.tick(50 * MINUTE_MS)
    resumes = LUNCH_END + 15 * MINUTE_MS
    (event,) = floor.send(c.AnnounceResumption(at=resumes))
    assert (event.type, floor.seg.resumes_at) == ("resumption_announced", resumes)
    # every face is given it with the segment: the console, a phone, the room, the live page
    for audience in (Audience.MODERATOR, Audience.DELEGATE, Audience.PUBLIC):
        assert floor.view(audience)["segment"]["resumes_at"] == resumes
    assert live_view(floor.view(Audience.PUBLIC))["segment"]["resumes_at"] == resumes
    # withdrawn: the programme's time is said again
    floor.send(c.AnnounceResumption(at=None))
    assert floor.seg.resumes_at is None
    assert floor.view(Audience.PUBLIC)["segment"]["resumes_at"] is None


def test_the_same_time_again_changes_nothing() -> None:
    floor = lunch()
    floor.send(c.AnnounceResumption(at=LUNCH_END + MINUTE_MS))
    assert floor.send(c.AnnounceResumption(at=LUNCH_END + MINUTE_MS)) == []
    assert floor.send(c.AnnounceResumption(at=None)) != []
    assert floor.send(c.AnnounceResumption(at=None)) == []


def test_it_may_be_told_before_the_break_begins() -> None:
    floor = lunch(SegmentStatus.SCHEDULED)
    floor.send(c.AnnounceResumption(at=LUNCH_END + 10 * MINUTE_MS))
    assert floor.seg.resumes_at == LUNCH_END + 10 * MINUTE_MS


# what refuses it, with the words the console shows (the button's reason is the same value)
REFUSED: list[tuple[str, Any, str, str]] = [
    ("a discussion", "discussion", "not_a_break", "only a break says when the meeting resumes"),
    ("an ended break", "ended", "segment_ended", "the meeting has resumed"),
    ("a time passed", "past", "resumption_past", "that time has passed (2 min ago)"),
    ("a day away", "far", "resumption_too_far", "more than a day away"),
]


@pytest.mark.parametrize(("case", "how", "code", "words"), REFUSED, ids=[r[0] for r in REFUSED])
def test_what_is_refused_says_why(case: str, how: str, code: str, words: str) -> None:
    floor = lunch(SegmentStatus.ENDED if how == "ended" else SegmentStatus.LIVE)
    at = floor.now + 20 * MINUTE_MS
    if how == "discussion":
        floor.send(c.UpdateSegment(kind="discussion"))
    elif how == "past":
        at = floor.now - 2 * MINUTE_MS
    elif how == "far":
        at = floor.now + 25 * 60 * MINUTE_MS
    error = floor.refuse(c.AnnounceResumption(at=at), code)
    assert words in error.message
    # the console is told the same before it offers the control (what refuses it, not when)
    refusal = MODERATOR_ACTIONS["announce_resumption"](floor.seg)
    expected = code if code in ("not_a_break", "segment_ended") else None
    assert (refusal.code if refusal else None) == expected
    shown = floor.view()["actions"]["announce_resumption"]
    assert (shown["code"] if shown else None) == expected


@pytest.mark.parametrize("actor", [ORGANISER, MODERATOR])
def test_the_floor_runners_announce_it(actor: Any) -> None:
    floor = lunch()
    floor.send(c.AnnounceResumption(at=LUNCH_END), actor)
    assert floor.seg.resumes_at == LUNCH_END


@pytest.mark.parametrize("actor", [DISPLAY, BOOTH, delegate("p1")])
def test_no_one_else_does(actor: Any) -> None:
    floor = lunch()
    floor.refuse(c.AnnounceResumption(at=LUNCH_END), "forbidden", actor)


def test_undo_leaves_it_be() -> None:
    """Not part of the floor: undo takes back the console's last floor command, not this."""
    floor = lunch()
    floor.send(c.AnnounceResumption(at=LUNCH_END + 5 * MINUTE_MS))
    assert floor.view()["undo"]["label"] == "starting the segment"


def test_the_forecast_reads_it() -> None:
    """Lunch began on time (10:00, planned until 11:00); at 10:50 the moderator says 11:20: the
    break is forecast to end then, and the discussion after it to start then, 20 min late."""
    floor = lunch()
    floor.tick(50 * MINUTE_MS)
    before = schedule(list(floor.state.programme()), floor.now, "America/New_York")
    assert before["segments"][0]["forecast_end"] == "2022-05-16T11:00:00-04:00"
    floor.send(c.AnnounceResumption(at=LUNCH_END + 20 * MINUTE_MS))
    day = schedule(list(floor.state.programme()), floor.now, "America/New_York")
    break_row, after = day["segments"]
    assert break_row["forecast_end"] == "2022-05-16T11:20:00-04:00"
    assert (after["forecast_start"], after["drift"]) == (
        "2022-05-16T11:20:00-04:00",
        "starts 20 min late",
    )
    # past the time told, the break goes on until it ends: the forecast moves with the clock
    floor.tick(40 * MINUTE_MS)
    day = schedule(list(floor.state.programme()), floor.now, "America/New_York")
    assert day["segments"][0]["forecast_end_at"] == floor.now


def test_told_before_the_break_the_forecast_reads_it_too() -> None:
    floor = lunch(SegmentStatus.SCHEDULED)
    floor.send(c.AnnounceResumption(at=LUNCH_END + 30 * MINUTE_MS))
    day = schedule(list(floor.state.programme()), floor.now, "America/New_York")
    assert day["segments"][1]["forecast_start"] == "2022-05-16T11:30:00-04:00"


def test_told_earlier_than_the_programme_the_meeting_resumes_then() -> None:
    """A short lunch: at 10:30 the moderator says 10:45, the discussion after it planned at 11:00
    is forecast to start at 10:45 (outside probe D1: it still said "11:00 · starts on time")."""
    floor = lunch()
    floor.tick(30 * MINUTE_MS)
    floor.send(c.AnnounceResumption(at=START_AT + 45 * MINUTE_MS))
    day = schedule(list(floor.state.programme()), floor.now, "America/New_York")
    break_row, after = day["segments"]
    assert break_row["forecast_end"] == "2022-05-16T10:45:00-04:00"
    assert (after["forecast_start"], after["drift"]) == (
        "2022-05-16T10:45:00-04:00",
        "starts 15 min early",
    )


def test_another_consoles_announcement_is_not_silently_replaced() -> None:
    """Console A announces 10:45 while B, which saw nothing announced, is typing 10:50 (outside
    probe D7): B's is refused as changed since, naming what is announced now, and nothing
    changes; sent again with what B now sees, it replaces it. Without ``expected``, as before."""
    floor = lunch()
    floor.send(c.AnnounceResumption(at=START_AT + 45 * MINUTE_MS, expected=None))
    error = floor.refuse(
        c.AnnounceResumption(at=START_AT + 50 * MINUTE_MS, expected=None), "changed_since"
    )
    assert error.status == 409 and "someone else announced another time" in error.message
    assert error.detail == {"changed": {"resumes_at": START_AT + 45 * MINUTE_MS}}
    floor.send(
        c.AnnounceResumption(at=START_AT + 50 * MINUTE_MS, expected=START_AT + 45 * MINUTE_MS)
    )
    assert floor.seg.resumes_at == START_AT + 50 * MINUTE_MS
    floor.send(c.AnnounceResumption(at=START_AT + 55 * MINUTE_MS))  # a script: no guard
    assert floor.seg.resumes_at == START_AT + 55 * MINUTE_MS
