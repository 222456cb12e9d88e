"""The programme against the clock: scheduled, actual and forecast times, drift, the live queue."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from immutables import Map

from app.floor.model import (
    FloorRequest,
    HearingState,
    QueueEntry,
    RequestStatus,
    SegmentDetails,
    SegmentState,
    SegmentStatus,
    Speaker,
    Timer,
    Turn,
    TurnKind,
)
from app.floor.schedule import NEAR_STOP_MS, drift_words, queue_needs, schedule, timing
from app.instruments import time_moves

MIN = 60_000


def at(when: str, tz: str = "Europe/Zurich") -> int:
    """``2026-12-04 10:00`` in the zone, in epoch ms."""
    return int(datetime.fromisoformat(when).replace(tzinfo=ZoneInfo(tz)).timestamp() * 1000)


def seg(
    id: str,
    position: int,
    start: int | None = None,
    end: int | None = None,
    status: SegmentStatus = SegmentStatus.SCHEDULED,
    **fields: Any,
) -> SegmentState:
    details = SegmentDetails(
        f"Segment {id}", position=position, scheduled_start_at=start, scheduled_end_at=end
    )
    return SegmentState(id, "ev", 1, details, status=status, **fields)


def entry(n: int, allotted_ms: int = 3 * MIN, kind: TurnKind = TurnKind.INTERVENTION) -> QueueEntry:
    return QueueEntry(f"e{n}", Speaker(f"S{n}"), kind, allotted_ms)


def running(now: int, left_ms: int) -> Turn:
    timer = Timer(3 * MIN, running=True, deadline_at=now + left_ms, started_at=now - MIN)
    return Turn(entry(0), timer, called_at=now - MIN)


def waiting(request_id: str, kind: TurnKind) -> FloorRequest:
    """A floor request waiting for the moderator."""
    return FloorRequest(request_id, Speaker(request_id), kind, "", RequestStatus.PENDING, 0)


INSTANTS = [
    f"{kind}_{edge}" for kind in ("scheduled", "actual", "forecast") for edge in ("start", "end")
]


def by_id(day: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["segment_id"]: row for row in day["segments"]}


# --- a day in Zurich (Geneva's rules; Debian keeps the name Europe/Geneva in tzdata-legacy) --

NOW = at("2026-12-04 11:30")


def zurich_day() -> list[SegmentState]:
    return [
        seg(
            "open",
            0,
            at("2026-12-04 09:00"),
            at("2026-12-04 10:00"),
            SegmentStatus.ENDED,
            actual_start_at=at("2026-12-04 09:02"),
            actual_end_at=at("2026-12-04 10:07"),
        ),
        seg(
            "panel",
            1,
            at("2026-12-04 10:00"),
            at("2026-12-04 12:00"),
            SegmentStatus.LIVE,
            actual_start_at=at("2026-12-04 10:10"),
            current=running(NOW, 2 * MIN),
            queue=tuple(entry(n) for n in range(1, 11)),  # 10 x 3 min
            # two requests waiting for the moderator: an intervention (3 min) and a reply (2 min)
            requests=Map(
                {
                    "r1": waiting("r1", TurnKind.INTERVENTION),
                    "r2": waiting("r2", TurnKind.RIGHT_OF_REPLY),
                }
            ),
            pending_ids=("r1", "r2"),
        ),
        seg("lunch", 2, at("2026-12-04 12:00"), at("2026-12-04 13:00")),
        seg("unplanned", 3),
        seg("afternoon", 4, at("2026-12-04 14:00"), at("2026-12-04 15:30")),
        seg("open-ended", 5, at("2026-12-04 16:00")),
    ]


def test_a_day_in_zurich() -> None:
    day = schedule(zurich_day(), NOW, "Europe/Zurich")
    assert (day["as_of_at"], day["as_of"], day["timezone"]) == (
        NOW,
        "2026-12-04T11:30:00+01:00",
        "Europe/Zurich",
    )
    rows = by_id(day)
    assert list(rows) == ["open", "panel", "lunch", "unplanned", "afternoon", "open-ended"]
    assert rows["open"] == {
        "segment_id": "open",
        "title": "Segment open",
        "status": "ended",
        "scheduled_start_at": at("2026-12-04 09:00"),
        "scheduled_end_at": at("2026-12-04 10:00"),
        "actual_start_at": at("2026-12-04 09:02"),
        "actual_end_at": at("2026-12-04 10:07"),
        "forecast_start_at": at("2026-12-04 09:02"),
        "forecast_end_at": at("2026-12-04 10:07"),
        "scheduled_start": "2026-12-04T09:00:00+01:00",
        "scheduled_end": "2026-12-04T10:00:00+01:00",
        "actual_start": "2026-12-04T09:02:00+01:00",
        "actual_end": "2026-12-04T10:07:00+01:00",
        "forecast_start": "2026-12-04T09:02:00+01:00",
        "forecast_end": "2026-12-04T10:07:00+01:00",
        "drift_ms": 7 * MIN,
        "timing": "late",
        "drift": "ended 7 min late",
    }
    # live: 2 min left for the speaker and 10 x 3 min queued end at 12:02, 2 min late
    panel = rows["panel"]
    assert (panel["forecast_start"], panel["forecast_end"], panel["actual_end"]) == (
        "2026-12-04T10:10:00+01:00",
        "2026-12-04T12:02:00+01:00",
        None,
    )
    assert (panel["drift_ms"], panel["drift"]) == (2 * MIN, "running 2 min late")
    # the knock-on: lunch starts when the panel ends and lasts its hour
    lunch = rows["lunch"]
    assert (lunch["forecast_start"], lunch["forecast_end"], lunch["drift"]) == (
        "2026-12-04T12:02:00+01:00",
        "2026-12-04T13:02:00+01:00",
        "starts 2 min late",
    )
    assert rows["unplanned"] | {"segment_id": "", "title": ""} == {
        "segment_id": "",
        "title": "",
        "status": "scheduled",
        **{f"{name}_at": None for name in INSTANTS},
        **{name: None for name in INSTANTS},
        "drift_ms": None,
        "timing": None,
        "drift": None,
    }
    afternoon = rows["afternoon"]
    assert (afternoon["forecast_start"], afternoon["forecast_end"], afternoon["drift"]) == (
        "2026-12-04T14:00:00+01:00",
        "2026-12-04T15:30:00+01:00",
        "starts on time",
    )
    open_ended = rows["open-ended"]
    assert (open_ended["forecast_start"], open_ended["forecast_end"], open_ended["drift_ms"]) == (
        "2026-12-04T16:00:00+01:00",
        None,
        0,
    )
    assert day["live"] == {
        "segment_id": "panel",
        "time_left_ms": 30 * MIN,
        "queue_needs_ms": 32 * MIN,
        "queued": 10,
        "pending": 2,
        # not counted in what the queue needs: what approving both would add
        "pending_needs_ms": 3 * MIN + 2 * MIN,
        "fits": False,
        "over_ms": 2 * MIN,
        "per_speaker_ms": 165_000,  # (30 min - 2 min) / 10 = 2:48, down to 2:45
        "per_speaker_count": 10,
        "finish_at": at("2026-12-04 12:00"),
        "finish": "12:00",
        "recover_over_ms": None,
        "per_speaker": "10 left — 2:45 each to finish at 12:00",
    }


def test_the_programme_order_is_position_then_scheduled_start() -> None:
    segments = zurich_day()
    shuffled = [segments[n] for n in (3, 0, 5, 2, 4, 1)]
    assert schedule(shuffled, NOW, "Europe/Zurich") == schedule(segments, NOW, "Europe/Zurich")
    same_place = [seg("b", 0, 2_000), seg("a", 0, 1_000), seg("c", 0)]
    assert [row["segment_id"] for row in schedule(same_place, 0, "UTC")["segments"]] == [
        "c",  # no start sorts as 0
        "a",
        "b",
    ]


def test_a_scheduled_segment_cannot_start_in_the_past() -> None:
    late = seg("late", 0, at("2026-12-04 09:00"), at("2026-12-04 10:00"))
    row = schedule([late], NOW, "Europe/Zurich")["segments"][0]
    assert (row["forecast_start"], row["forecast_end"]) == (
        "2026-12-04T11:30:00+01:00",
        "2026-12-04T12:30:00+01:00",
    )
    assert (row["drift_ms"], row["drift"]) == (150 * MIN, "starts 2 h 30 min late")


def test_a_live_segment_ahead_of_time_runs_early() -> None:
    live = seg(
        "panel",
        0,
        at("2026-12-04 11:00"),
        at("2026-12-04 12:00"),
        SegmentStatus.LIVE,
        actual_start_at=at("2026-12-04 11:00"),
        queue=(entry(1),),
    )
    next_one = seg("next", 1, at("2026-12-04 12:00"), at("2026-12-04 12:30"))
    rows = by_id(schedule([live, next_one], NOW, "Europe/Zurich"))
    assert (rows["panel"]["forecast_end"], rows["panel"]["drift"]) == (
        "2026-12-04T11:33:00+01:00",
        "27 min early",
    )
    assert rows["next"]["drift"] == "starts on time"  # never before its scheduled start


def test_a_segment_to_come_lasts_as_long_as_its_queue_needs_if_longer() -> None:
    """Outside probe A: five speakers carried into a 5-minute segment (15 min of turns) were
    forecast to take 5 min, so the closing after it read "starts 3 min late" until the segment
    began, then at once "11 min late". The queue's needs count before it starts."""
    carried = seg(
        "td2",
        0,
        at("2026-12-04 12:00"),
        at("2026-12-04 12:05"),
        queue=tuple(entry(n) for n in range(5)),
    )
    empty = seg("td3", 1, at("2026-12-04 12:05"), at("2026-12-04 12:10"))
    closing = seg("closing", 2, at("2026-12-04 12:10"), at("2026-12-04 12:15"))
    rows = by_id(schedule([carried, empty, closing], NOW, "Europe/Zurich"))
    assert (rows["td2"]["forecast_start"], rows["td2"]["forecast_end"]) == (
        "2026-12-04T12:00:00+01:00",
        "2026-12-04T12:15:00+01:00",  # 5 turns of 3 min, not the 5 min planned
    )
    assert rows["td3"]["drift"] == "starts 10 min late"  # as planned, after td2's 15 min
    assert rows["closing"]["drift"] == "starts 10 min late"


def test_no_live_segment() -> None:
    day = schedule(zurich_day()[2:], NOW, "Europe/Zurich")
    assert day["live"] is None
    assert schedule([], NOW, "Europe/Zurich") == {
        "as_of_at": NOW,
        "as_of": "2026-12-04T11:30:00+01:00",
        "timezone": "Europe/Zurich",
        "segments": [],
        "live": None,
        "hard_stop": None,
        "rehearsal": None,
    }


# --- time zones and midnight ---------------------------------------------------------------------


def late_night() -> list[SegmentState]:
    """A segment from 23:30 to 00:30 in Auckland (NZDT, +13:00), live at 23:50."""
    return [
        seg(
            "night",
            0,
            at("2026-12-04 23:30", "Pacific/Auckland"),
            at("2026-12-05 00:30", "Pacific/Auckland"),
            SegmentStatus.LIVE,
            actual_start_at=at("2026-12-04 23:35", "Pacific/Auckland"),
            queue=(entry(1, 5 * MIN), entry(2, 5 * MIN)),
        ),
        seg(
            "after",
            1,
            at("2026-12-05 00:30", "Pacific/Auckland"),
            at("2026-12-05 01:00", "Pacific/Auckland"),
        ),
    ]


UTC_TIMES = (
    "2026-12-04T10:50:00+00:00",
    "2026-12-04T10:30:00+00:00",
    "2026-12-04T11:30:00+00:00",
    "11:30",
)


@pytest.mark.parametrize(
    ("tz", "used", "as_of", "start", "end", "finish"),
    [
        (
            "Pacific/Auckland",
            "Pacific/Auckland",
            "2026-12-04T23:50:00+13:00",
            "2026-12-04T23:30:00+13:00",
            "2026-12-05T00:30:00+13:00",
            "00:30",
        ),
        (
            "Europe/Zurich",
            "Europe/Zurich",
            "2026-12-04T11:50:00+01:00",
            "2026-12-04T11:30:00+01:00",
            "2026-12-04T12:30:00+01:00",
            "12:30",
        ),
        (
            "America/Los_Angeles",
            "America/Los_Angeles",
            "2026-12-04T02:50:00-08:00",
            "2026-12-04T02:30:00-08:00",
            "2026-12-04T03:30:00-08:00",
            "03:30",
        ),
        ("Mars/Olympus_Mons", "UTC", *UTC_TIMES),  # not a zone: UTC
        *[
            (tz, "UTC", *UTC_TIMES)
            for tz in ("", "Europe", "../../etc/passwd", "/usr/share/zoneinfo/Europe/Paris")
        ],
    ],
)
def test_across_midnight_and_time_zones(
    tz: str, used: str, as_of: str, start: str, end: str, finish: str
) -> None:
    now = at("2026-12-04 23:50", "Pacific/Auckland")
    day = schedule(late_night(), now, tz)
    assert (day["timezone"], day["as_of"]) == (used, as_of)
    night, after = day["segments"]
    assert (night["scheduled_start"], night["scheduled_end"]) == (start, end)
    assert day["live"]["finish"] == finish
    assert day["live"]["per_speaker"] is None  # the two queued fit: no time to give each
    # 10 min queued from 23:50 end at 00:00, 30 min early; the next one starts on time
    assert (night["drift"], after["drift"]) == ("30 min early", "starts on time")
    assert night["forecast_end_at"] == now + 10 * MIN


def test_the_auckland_segment_after_midnight() -> None:
    now = at("2026-12-04 23:50", "Pacific/Auckland")
    night, after = late_night()
    crowded = replace(night, queue=tuple(entry(n, 10 * MIN) for n in range(6)))  # 1 hour
    row = by_id(schedule([crowded, after], now, "Pacific/Auckland"))["after"]
    assert (row["forecast_start"], row["forecast_end"], row["drift"]) == (
        "2026-12-05T00:50:00+13:00",
        "2026-12-05T01:20:00+13:00",
        "starts 20 min late",
    )


def test_a_segment_over_midnight_in_zurich() -> None:
    now = at("2026-12-04 23:15")
    night = seg(
        "night",
        0,
        at("2026-12-04 23:00"),
        at("2026-12-05 01:00"),
        SegmentStatus.ENDED,
        actual_start_at=at("2026-12-04 23:01"),
        actual_end_at=at("2026-12-05 00:58"),
    )
    row = schedule([night], now, "Europe/Zurich")["segments"][0]
    assert (row["actual_end"], row["drift_ms"], row["drift"]) == (
        "2026-12-05T00:58:00+01:00",
        -2 * MIN,
        "ended 2 min early",
    )


# --- drift in words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drift_ms", "ended", "words"),
    [
        (None, False, None),
        (None, True, None),
        (0, False, "on time"),
        (59_999, False, "on time"),
        (-59_999, False, "on time"),
        (60_000, False, "running 1 min late"),
        (89_999, False, "running 1 min late"),
        (90_000, False, "running 2 min late"),
        (7 * MIN + 10_000, False, "running 7 min late"),
        (-3 * MIN, False, "3 min early"),
        (-60_000, False, "1 min early"),
        (7 * MIN, True, "ended 7 min late"),
        (30_000, True, "ended on time"),
        (-3 * MIN, True, "ended 3 min early"),
        (125 * MIN, False, "running 2 h 5 min late"),
        (120 * MIN, False, "running 2 h late"),
    ],
)
def test_drift_words(drift_ms: int | None, ended: bool, words: str | None) -> None:
    assert drift_words(drift_ms, ended) == words
    # the code a face in another language words it from says the same
    expected = (
        None if words is None else next(c for c in ("on time", "late", "early") if c in words)
    )
    assert timing(drift_ms) == (expected.replace(" ", "_") if expected else None)


# --- the live segment's queue --------------------------------------------------------------------


def live(now: int, **fields: Any) -> SegmentState:
    return seg(
        "live",
        0,
        now - 30 * MIN,
        fields.pop("end", now + 30 * MIN),
        SegmentStatus.LIVE,
        actual_start_at=now - 30 * MIN,
        **fields,
    )


@pytest.mark.parametrize(
    ("fields", "needs_ms"),
    [
        ({}, 0),
        ({"queue": (entry(1), entry(2, 45_000))}, 225_000),
        ({"current": running(NOW, 100_000)}, 100_000),
        ({"current": running(NOW, -20_000)}, 0),  # in overtime: nothing more
        ({"current": Turn(entry(0, 4 * MIN), Timer(4 * MIN, added_ms=30_000))}, 270_000),
        ({"current": Turn(entry(0), Timer(3 * MIN, remaining_ms=50_000, started_at=1))}, 50_000),
        # an interposed question running, the panellist it paused with 90 s left
        (
            {
                "current": running(NOW, 40_000),
                "paused": Turn(entry(9), Timer(3 * MIN, remaining_ms=90_000, started_at=1)),
                "queue": (entry(1),),
            },
            310_000,
        ),
    ],
)
def test_what_the_queue_needs(fields: dict[str, Any], needs_ms: int) -> None:
    segment = live(NOW, **fields)
    assert queue_needs(segment, NOW) == needs_ms
    assert schedule([segment], NOW, "UTC")["live"]["queue_needs_ms"] == needs_ms


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # 30 min left, 2 min for the speaker and 1:30 for the paused turn: 26:30 / 10 = 2:39,
        # down to 2:35 (the ten queued need 3 min each)
        (
            {
                "current": running(NOW, 2 * MIN),
                "paused": Turn(entry(9), Timer(3 * MIN, remaining_ms=90_000, started_at=1)),
                "queue": tuple(entry(n) for n in range(10)),
            },
            {
                "fits": False,
                "over_ms": 210_000 + 30 * MIN - 30 * MIN,
                "per_speaker_ms": 155_000,
                "per_speaker": "10 left — 2:35 each to finish at 12:00",
            },
        ),
        # the four queued fit (6:37 each would be longer than their 3 min): nothing offered,
        # "Give each 6:35" would only lengthen the turns
        (
            {
                "current": running(NOW, 2 * MIN),
                "paused": Turn(entry(9), Timer(3 * MIN, remaining_ms=90_000, started_at=1)),
                "queue": tuple(entry(n) for n in range(4)),
            },
            {
                "fits": True,
                "over_ms": -(30 * MIN - 210_000 - 12 * MIN),
                "per_speaker_ms": None,
                "per_speaker": None,
            },
        ),
        # nobody queued
        (
            {"current": running(NOW, 2 * MIN)},
            {"fits": True, "over_ms": -28 * MIN, "per_speaker_ms": None, "per_speaker": None},
        ),
        # under 30 s each is not offered: no turn is that short (outside probe A saw
        # "3 left — 0:05 each"); 61 queued in 30 min would be 29 s each: a minute each to
        # recover instead, with when that ends (outside probe A7)
        (
            {"queue": tuple(entry(n) for n in range(61)), "end": NOW + 30 * MIN},
            {
                "fits": False,
                "over_ms": 61 * 3 * MIN - 30 * MIN,
                "per_speaker_ms": 60_000,
                "finish_at": NOW + 61 * MIN,
                "recover_over_ms": 31 * MIN,
                "per_speaker": "61 left — 1:00 each: ends at 12:31, 31 min past the planned end",
            },
        ),
        # 60 queued: 30 s each, the shortest offered
        (
            {"queue": tuple(entry(n) for n in range(60)), "end": NOW + 30 * MIN},
            {
                "fits": False,
                "over_ms": 60 * 3 * MIN - 30 * MIN,
                "per_speaker_ms": 30_000,
                "per_speaker": "60 left — 0:30 each to finish at 12:00",
            },
        ),
        (
            {"queue": tuple(entry(n) for n in range(361)), "end": NOW + 30 * MIN},
            {
                "fits": False,
                "over_ms": 361 * 3 * MIN - 30 * MIN,
                "per_speaker_ms": 60_000,
                "per_speaker": "361 left — 1:00 each: ends at 17:31, 5 h 31 min past the planned "
                "end",
            },
        ),
        # past the scheduled end: a minute each to recover, and how far past the end that is
        (
            {"queue": (entry(1),), "end": NOW - 5 * MIN},
            {
                "fits": False,
                "over_ms": 8 * MIN,
                "per_speaker_ms": 60_000,
                "finish_at": NOW + MIN,
                "recover_over_ms": 6 * MIN,
                "per_speaker": "1 left — 1:00 each: ends at 11:31, 6 min past the planned end",
            },
        ),
        # past it with the speaker still on the floor and a point of order waiting (it keeps
        # its own time, as "give each" leaves it): 2 min + 1:30 + 1:00
        (
            {
                "current": running(NOW, 2 * MIN),
                "queue": (entry(1, 90_000, TurnKind.POINT_OF_ORDER), entry(2)),
                "end": NOW,
            },
            {
                "per_speaker_ms": 60_000,
                "per_speaker_count": 1,
                "finish_at": NOW + 4 * MIN + 30_000,
                # the point of order keeps its time, and the words say so (outside probe D4)
                "per_speaker": "1 left — 1:00 each: ends at 11:34, 5 min past the planned end "
                "(1 more keeps its own time: a point of order or a reply)",
            },
        ),
        # nothing a minute each would shorten: nothing offered
        (
            {"queue": (entry(1, 60_000), entry(2, 90_000, TurnKind.RIGHT_OF_REPLY)), "end": NOW},
            {"fits": False, "per_speaker_ms": None, "recover_over_ms": None, "per_speaker": None},
        ),
        # time each counts a point of order as it is: (30 min - 6 min) / 2 = 12 min, not
        # (30 min) / 3 = 10 min
        (
            {
                "queue": (
                    entry(1, 6 * MIN, TurnKind.POINT_OF_ORDER),
                    entry(2, 20 * MIN),
                    entry(3, 20 * MIN),
                ),
                "end": NOW + 30 * MIN,
            },
            {
                "per_speaker_ms": 12 * MIN,
                "per_speaker_count": 2,
                "per_speaker": "2 left — 12:00 each to finish at 12:00 (1 more keeps its own "
                "time: a point of order or a reply)",
            },
        ),
        # no scheduled end
        (
            {"queue": (entry(1),), "end": None},
            {"fits": None, "over_ms": None, "per_speaker_ms": None, "per_speaker": None},
        ),
    ],
)
def test_the_time_per_speaker(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    got = schedule([live(NOW, **fields)], NOW, "Europe/Zurich")["live"]
    assert {key: got[key] for key in expected} == expected


def test_the_live_segment_without_a_scheduled_end() -> None:
    day = schedule([live(NOW, end=None, queue=(entry(1),))], NOW, "Europe/Zurich")
    assert day["live"] == {
        "segment_id": "live",
        "time_left_ms": None,
        "queue_needs_ms": 3 * MIN,
        "queued": 1,
        "pending": 0,
        "pending_needs_ms": 0,
        "fits": None,
        "over_ms": None,
        "per_speaker_ms": None,
        "per_speaker_count": 1,
        "finish_at": None,
        "finish": None,
        "recover_over_ms": None,
        "per_speaker": None,
    }
    (row,) = day["segments"]
    assert (row["forecast_end_at"], row["drift_ms"], row["drift"]) == (NOW + 3 * MIN, None, None)


def test_starts_words() -> None:
    assert drift_words(12 * MIN, starts=True) == "starts 12 min late"
    assert drift_words(0, starts=True) == "starts on time"


def test_a_rehearsal_on_another_day_is_measured_from_its_start() -> None:
    """The day is run (a rehearsal, the demo) five days after its schedule: the drift measures
    the run, and the time per speaker counts to the moved end; the schedule shown is its own."""
    days = 5 * 24 * 60 * MIN
    live = seg(
        "panel",
        0,
        at("2026-12-04 11:00"),
        at("2026-12-04 12:00"),
        SegmentStatus.LIVE,
        actual_start_at=at("2026-12-04 11:05") + days,
        queue=(entry(1), entry(2)),
    )
    day = schedule([live], at("2026-12-04 11:30") + days, "Europe/Zurich")
    (row,) = day["segments"]
    assert row["scheduled_start"] == "2026-12-04T11:00:00+01:00"  # the schedule as written
    assert row["drift"] == "29 min early"  # 11:30 + 2 x 3 min = 11:36, against 12:00 moved to 12:05
    assert day["rehearsal"]["shift_ms"] == days + 5 * MIN
    assert day["rehearsal"]["begun"] is True
    assert day["live"]["finish"] == "12:05"
    # on the day itself, a start five minutes late is no rehearsal
    on_the_day = replace(live, actual_start_at=at("2026-12-04 11:05"))
    assert schedule([on_the_day], at("2026-12-04 11:30"), "Europe/Zurich")["rehearsal"] is None


@pytest.mark.parametrize(
    ("now", "opening", "closing", "shift_ms"),
    [
        # the demo: a day of 2022 opened years later reads as if it began now
        (at("2026-12-04 07:45"), "starts on time", "starts on time", "moved"),
        # the morning of the day itself: read as written, nobody is late yet
        (at("2022-05-16 07:45"), "starts on time", "starts on time", None),
        # the day itself, an hour after the opening was due: the knock-on shows
        (at("2022-05-16 11:00"), "starts 1 h late", "starts 1 h late", None),
        # a rehearsal days before the day: read as written (it starts when planned)
        (at("2022-05-10 09:00"), "starts on time", "starts on time", None),
    ],
)
def test_a_day_long_past_and_not_begun_reads_as_if_it_began_now(
    now: int, opening: str, closing: str, shift_ms: str | None
) -> None:
    """Before any segment has started, a schedule more than REHEARSAL_MS in the past is moved to
    now, as a rehearsal is once it starts: the console does not say "starts 39934 h late"."""
    day = schedule(
        [
            seg("opening", 0, at("2022-05-16 10:00"), at("2022-05-16 11:00")),
            seg("closing", 1, at("2022-05-16 11:00"), at("2022-05-16 12:00")),
        ],
        now,
        "Europe/Zurich",
    )
    assert [row["drift"] for row in day["segments"]] == [opening, closing]
    if shift_ms is None:
        assert day["rehearsal"] is None
    else:
        assert day["rehearsal"]["shift_ms"] == now - at("2022-05-16 10:00")
        assert day["rehearsal"]["begun"] is False  # "as if it began now"
        first = day["segments"][0]
        assert (first["forecast_start_at"], first["scheduled_start"]) == (
            now,
            "2022-05-16T10:00:00+02:00",  # the schedule as written
        )


def test_a_live_break_ends_when_the_room_is_told_the_meeting_resumes() -> None:
    """Lunch (a break, 12:00-13:00) started early at 11:40 with nobody to speak, the afternoon
    after it at 12:30: the room display says "Resumes at 12:30" (the next segment's start), so
    the break is forecast to end then, not an hour after it began (outside probe D1: the console
    said "Ends ~ 12:40" while the room was told 12:30); a discussion with nothing queued is
    forecast to end now, as before."""
    now = at("2026-12-04 11:45")
    lunch = seg(
        "lunch",
        1,
        at("2026-12-04 12:00"),
        at("2026-12-04 13:00"),
        SegmentStatus.LIVE,
        actual_start_at=at("2026-12-04 11:40"),
    )
    lunch = replace(lunch, details=replace(lunch.details, kind="break"))
    afternoon = seg("afternoon", 2, at("2026-12-04 12:30"), at("2026-12-04 14:00"))
    rows = by_id(schedule([lunch, afternoon], now, "Europe/Zurich"))
    assert rows["lunch"]["forecast_end"] == "2026-12-04T12:30:00+01:00"
    assert rows["lunch"]["drift"] == "30 min early"
    assert rows["afternoon"]["forecast_start"] == "2026-12-04T12:30:00+01:00"
    talk = replace(lunch, details=replace(lunch.details, kind="discussion"))
    assert by_id(schedule([talk], now, "Europe/Zurich"))["lunch"]["forecast_end_at"] == now


# when a live break is forecast to end: begun (its planned 12:00-13:00), what comes after it
# (None: nothing), what the moderator announced, the time now; the forecast end
BREAK_ENDS = [
    # begun late: the room is told 13:00 (the next start), not 13:10 (an hour from its start)
    ("12:10", "13:00", None, "12:30", "13:00"),
    # nothing after it in the programme (the day's last): as long as planned from its start
    ("12:10", None, None, "12:30", "13:10"),
    # a time announced rules, whatever the programme says
    ("12:10", "13:00", "13:20", "12:30", "13:20"),
    # past the time told, the break goes on until it ends: now
    ("12:00", "13:00", None, "13:05", "13:05"),
]


@pytest.mark.parametrize(("begun", "next_at", "told", "now", "ends"), BREAK_ENDS)
def test_when_a_live_break_ends(
    begun: str, next_at: str | None, told: str | None, now: str, ends: str
) -> None:
    day = "2026-12-04 "
    lunch = seg(
        "lunch",
        1,
        at(day + "12:00"),
        at(day + "13:00"),
        SegmentStatus.LIVE,
        actual_start_at=at(day + begun),
        resumes_at=None if told is None else at(day + told),
    )
    lunch = replace(lunch, details=replace(lunch.details, kind="break"))
    segments = [lunch]
    if next_at is not None:
        segments.append(seg("afternoon", 2, at(day + next_at), at(day + "15:00")))
    rows = by_id(schedule(segments, at(day + now), "Europe/Zurich"))
    assert rows["lunch"]["forecast_end"] == f"2026-12-04T{ends}:00+01:00"


def test_a_segment_left_for_later_above_the_live_one_runs_after_it() -> None:
    """Thematic I (23:20-00:50) is left for later, the break then Thematic II run first (a
    panel came late): Thematic I is forecast after the live segment, not beside it, and the
    closing after both."""
    now = at("2026-12-06 01:40")
    day = [
        seg(
            "open",
            0,
            at("2026-12-05 23:00"),
            at("2026-12-05 23:20"),
            SegmentStatus.ENDED,
            actual_start_at=at("2026-12-05 23:00"),
            actual_end_at=at("2026-12-05 23:25"),
        ),
        seg("thematic-1", 1, at("2026-12-05 23:20"), at("2026-12-06 00:50")),
        seg(
            "thematic-2",
            2,
            at("2026-12-06 01:10"),
            at("2026-12-06 02:30"),
            SegmentStatus.LIVE,
            actual_start_at=at("2026-12-06 01:38"),
            queue=(entry(1), entry(2)),
            current=running(now, 2 * MIN),
        ),
        seg("closing", 3, at("2026-12-06 02:30"), at("2026-12-06 02:45")),
    ]
    rows = by_id(schedule(day, now, "Europe/Zurich"))
    live_end = rows["thematic-2"]["forecast_end_at"]
    assert live_end == now + 8 * MIN  # 2 min left, two interventions of 3
    assert rows["thematic-1"]["forecast_start_at"] == live_end
    assert rows["thematic-1"]["forecast_end_at"] == live_end + 90 * MIN
    assert rows["closing"]["forecast_start_at"] == live_end + 90 * MIN


S, L, E = SegmentStatus.SCHEDULED, SegmentStatus.LIVE, SegmentStatus.ENDED


@pytest.mark.parametrize(
    ("statuses", "removed", "moves"),
    [
        ((S, S), (), True),  # nothing live yet: a start that passes makes the day late
        ((E, S), (), True),  # between two segments
        ((E, L, S), (), True),
        ((E, L), (), True),  # the day's last, live
        ((E, E), (), False),  # the day is over: the figures stand still
        ((E, S), ("b",), False),  # the one still to come was taken out of the programme
        ((), (), False),  # no programme
    ],
)
def test_the_consoles_figures_are_sent_again_while_time_moves_them(
    statuses: tuple[SegmentStatus, ...], removed: tuple[str, ...], moves: bool
) -> None:
    """The instruments go out again every REFRESH_S while time changes them: a segment live or
    still to come (outside probe A: a console said "Starts on time" two minutes after the
    planned start, as nothing was live)."""
    segments = {
        id: replace(seg(id, n, status=status), removed=id in removed)
        for n, (id, status) in enumerate(zip("abc", statuses, strict=False))
    }
    assert time_moves(HearingState("ev", segments)) is moves


# --- the hard stop: when interpretation ends ----------------------------------------------------


def afternoon(needs_min: int, now: str = "2026-12-04 16:30") -> list[SegmentState]:
    """Two segments, 16:00-17:00 (live since 16:00, its queue needing ``needs_min`` from
    ``now``) and 17:00-18:00: the day ends at 18:00 if the first ends on time."""
    moment = at(now)
    return [
        seg(
            "debate",
            0,
            at("2026-12-04 16:00"),
            at("2026-12-04 17:00"),
            SegmentStatus.LIVE,
            actual_start_at=at("2026-12-04 16:00"),
            current=running(moment, needs_min * MIN),
        ),
        seg("closing", 1, at("2026-12-04 17:00"), at("2026-12-04 18:00")),
    ]


@pytest.mark.parametrize(
    ("needs_min", "stop", "end", "over_ms", "minutes", "code", "words"),
    [
        # on time against an 18:00 stop: right at it, nothing to spare (not "0 min before")
        (30, "18:00", "18:00", 0, 0, "near", "right at"),
        # 20 min late: 20 min past the end of interpretation, 20 min to cut
        (50, "18:00", "18:20", 20 * MIN, 20, "over", "20 min past"),
        # half a minute past is a minute to cut, not "0 min"
        (30, "17:59:30", "18:00", 30_000, 1, "over", "1 min past"),
        # 5 min to spare: near (within 10 min)
        (30, "18:05", "18:00", -5 * MIN, 5, "near", "5 min before"),
        # 9 min 30 s to spare is 9 whole minutes, still near
        (30, "18:09:30", "18:00", -9 * MIN - 30_000, 9, "near", "9 min before"),
        # more than 10 min to spare: clear
        (30, "18:15", "18:00", -15 * MIN, 15, "clear", "15 min before"),
        # a stop before the programme's own end: over before anything runs late
        (30, "17:30", "18:00", 30 * MIN, 30, "over", "30 min past"),
    ],
)
def test_the_days_forecast_end_against_the_hard_stop(
    needs_min: int,
    stop: str,
    end: str,
    over_ms: int,
    minutes: int,
    code: str,
    words: str,
) -> None:
    day = schedule(
        afternoon(needs_min), at("2026-12-04 16:30"), "Europe/Zurich", at(f"2026-12-04 {stop}")
    )
    hard = day["hard_stop"]
    assert hard["scheduled_at"] == hard["stop_at"] == at(f"2026-12-04 {stop}")  # no rehearsal
    assert hard["forecast_end_at"] == at(f"2026-12-04 {end}")
    assert hard["forecast_end"] == f"2026-12-04T{end}:00+01:00"
    assert hard["stop"] == f"2026-12-04T{stop}{':00' if len(stop) == 5 else ''}+01:00"
    assert (hard["over_ms"], hard["minutes"], hard["timing"], hard["ended"]) == (
        over_ms,
        minutes,
        code,
        False,
    )
    assert hard["words"] == (
        f"forecast to end at {end}, {words} the end of interpretation ({stop[:5]})"
    )
    if minutes == 0:
        assert "0 min" not in hard["words"]


def test_near_is_ten_minutes() -> None:
    assert NEAR_STOP_MS == 10 * MIN


def test_no_hard_stop_is_null_and_a_day_with_no_times_has_no_forecast_against_it() -> None:
    assert schedule(afternoon(30), at("2026-12-04 16:30"), "Europe/Zurich")["hard_stop"] is None
    untimed = [seg("a", 0), seg("b", 1)]
    stop = at("2026-12-04 18:00")
    hard = schedule(untimed, at("2026-12-04 16:30"), "Europe/Zurich", stop)["hard_stop"]
    assert (hard["stop_at"], hard["stop"]) == (stop, "2026-12-04T18:00:00+01:00")
    assert (hard["forecast_end_at"], hard["over_ms"], hard["timing"], hard["words"]) == (
        None,
        None,
        None,
        None,
    )


def test_a_segment_with_a_start_and_no_end_keeps_the_day_going_until_it_starts() -> None:
    """The closing has a start, no end: the day ends no earlier than it starts."""
    day = [*afternoon(30)[:1], seg("closing", 1, at("2026-12-04 18:10"))]
    hard = schedule(day, at("2026-12-04 16:30"), "Europe/Zurich", at("2026-12-04 18:00"))
    assert hard["hard_stop"]["forecast_end_at"] == at("2026-12-04 18:10")
    assert hard["hard_stop"]["timing"] == "over"


def ended_late() -> list[SegmentState]:
    """A day whose one segment, the closing, ended at 18:12, 12 minutes past its 18:00 end."""
    return [
        seg(
            "closing",
            0,
            at("2026-12-04 17:00"),
            at("2026-12-04 18:00"),
            SegmentStatus.ENDED,
            actual_start_at=at("2026-12-04 17:00"),
            actual_end_at=at("2026-12-04 18:12"),
        )
    ]


def test_a_day_that_ended_past_the_stop_says_ended() -> None:
    ended = ended_late()
    hard = schedule(ended, at("2026-12-04 18:30"), "Europe/Zurich", at("2026-12-04 18:00"))
    assert hard["hard_stop"]["ended"] is True
    assert hard["hard_stop"]["over_ms"] == 12 * MIN
    assert hard["hard_stop"]["words"] == (
        "ended at 18:12, 12 min past the end of interpretation (18:00)"
    )


@pytest.mark.parametrize(
    ("needs_min", "stop_clock", "code", "over_ms"),
    [
        (30, "18:00", "near", 0),
        (50, "18:00", "over", 20 * MIN),
        (30, "18:20", "clear", -20 * MIN),
    ],
)
def test_a_rehearsal_moves_the_hard_stop_with_the_schedule(
    needs_min: int, stop_clock: str, code: str, over_ms: int
) -> None:
    """The day run five days (and 7 minutes) after its schedule: a stop of 18:00 is read at
    18:07 five days later, as the schedule's instants are, so a rehearsal that keeps its pace
    is not "over by 5 days" and one 20 min late is 20 min past it."""
    shift = 5 * 24 * 60 * MIN + 7 * MIN
    run = [
        replace(segment, actual_start_at=segment.actual_start_at + shift)
        if segment.actual_start_at is not None
        else segment
        for segment in afternoon(needs_min)
    ]
    # now: 16:30 of the run, so the live segment has 30 min to its moved end
    now = at("2026-12-04 16:30") + shift
    live = run[0]
    run[0] = replace(live, current=running(now, needs_min * MIN))
    stop = at(f"2026-12-04 {stop_clock}")
    day = schedule(run, now, "Europe/Zurich", stop)
    assert day["rehearsal"]["shift_ms"] == shift
    hard = day["hard_stop"]
    assert (hard["scheduled_at"], hard["stop_at"]) == (stop, stop + shift)
    assert hard["scheduled"] == f"2026-12-04T{stop_clock}:00+01:00"  # the event's own, as set
    moved = datetime.fromisoformat(f"2026-12-09 {stop_clock}") + timedelta(minutes=7)
    assert hard["stop"] == f"{moved:%Y-%m-%dT%H:%M}:00+01:00"  # as this run reads it
    assert (hard["timing"], hard["over_ms"]) == (code, over_ms)


def test_a_day_long_past_not_begun_reads_its_stop_as_if_it_began_now() -> None:
    """The demo of 2022 opened today: the stop moves with the schedule to now."""
    now = at("2026-12-04 09:00")
    day = [seg("opening", 0, at("2022-05-16 10:00"), at("2022-05-16 18:00"))]
    hard = schedule(day, now, "Europe/Zurich", at("2022-05-16 18:00"))["hard_stop"]
    assert hard["stop_at"] == now + 8 * 60 * MIN
    assert (hard["forecast_end_at"], hard["timing"]) == (now + 8 * 60 * MIN, "near")


@pytest.mark.parametrize(
    ("start", "end", "stop", "days"),
    [
        # the hearing's day: its stop on the same day
        ("2026-12-04 10:00", "2026-12-04 18:00", "2026-12-04 18:00", 0),
        # a night session: its stop past midnight is the next day's ("00:30 +1 day")
        ("2026-12-04 22:00", "2026-12-04 23:59", "2026-12-05 00:30", 1),
        # a stop two days on (a typo the desk warns of): said so, not read as that night's
        ("2026-12-04 10:00", "2026-12-04 18:00", "2026-12-06 18:00", 2),
        # a stop before the programme's day (the desk warns of it too): no "+" for it
        ("2026-12-04 10:00", "2026-12-04 18:00", "2026-12-03 18:00", -1),
    ],
)
def test_the_days_after_the_programme_s_first_day_the_stop_falls(
    start: str, end: str, stop: str, days: int
) -> None:
    day = [seg("night", 0, at(start), at(end))]
    hard = schedule(day, at(start), "Europe/Zurich", at(stop))["hard_stop"]
    assert hard["days_after"] == days


def test_a_day_with_no_scheduled_start_has_its_stop_on_no_later_day() -> None:
    untimed = [seg("a", 0)]
    hard = schedule(untimed, at("2026-12-04 16:30"), "Europe/Zurich", at("2026-12-05 00:30"))
    assert hard["hard_stop"]["days_after"] == 0
