"""The moderator's instruments: balance, budgets, a suggested order and the day's time.

Read from the live state of one meeting day at an instant (``now``), by the pure functions of
``app/floor/balance.py``, ``fairness.py`` and ``schedule.py``: the server computes them, the
console shows them and computes nothing of its own. They reach the moderator's audience as one
``instruments`` message (after every change, coalesced, and every ``REFRESH_S`` while time
passing changes them: ``time_moves``), in every moderator snapshot, and over REST.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .floor import balance, cuts, fairness, possible, schedule
from .floor.model import HearingState, SegmentState, SegmentStatus

#: How soon after a change the consoles are told (changes meanwhile go out together).
DELAY_S = 0.2
#: How often they are told while time moves them (``time_moves``), so that they stay true.
REFRESH_S = 15.0


def time_moves(state: HearingState) -> bool:
    """Whether the instruments change as time passes: while a segment is live (its drift, the
    time its queue needs) and while one is still to come, live or not (a start that passes makes
    the day late: "starts 2 min late" before anything is live, or between two segments; outside
    probe A saw a console say "Starts on time" two minutes after the start). Once every segment
    of the programme has ended they stand still."""
    return any(segment.status is not SegmentStatus.ENDED for segment in state.programme())


def ordered(state: HearingState) -> list[SegmentState]:
    """The programme's order (as the programme message lists it)."""
    return state.programme()


def segment_instruments(segment: SegmentState, heard: fairness.Heard, now: int) -> dict[str, Any]:
    """One segment's balance, budgets and suggested orders."""
    open_ = segment.status is not SegmentStatus.ENDED
    return {
        "balance": balance.segment_balance(segment, now),
        "budgets": balance.budgets(segment, now),
        "suggested": {
            "requests": fairness.suggested_requests(segment, heard) if open_ else [],
            "queue": fairness.suggested_queue(segment, heard) if open_ else [],
        },
    }


def waiting_elsewhere(segments: Sequence[SegmentState]) -> list[dict[str, Any]]:
    """Ended segments where speakers still wait: the console offers to carry them (to
    ``carry_to``: the live segment, else the next to come, never a break) or drop them."""
    out = []
    for segment in segments:
        if segment.status is not SegmentStatus.ENDED or not (segment.queue or segment.pending_ids):
            continue
        target = possible.carry_target(segments, segment)
        out.append(
            {
                "segment_id": segment.id,
                "title": segment.details.title,
                "queued": len(segment.queue),
                "pending": len(segment.pending_ids),
                "carry_to": None
                if target is None
                else {"segment_id": target.id, "title": target.details.title},
            }
        )
    return out


def instruments(
    state: HearingState, timezone: str, now: int, hard_stop_at: int | None = None
) -> dict[str, Any]:
    """Everything the console's instruments show, for every segment of the day; the day's
    schedule read against the event's hard stop (``hard_stop_at``, when interpretation ends)."""
    segments = ordered(state)
    heard = fairness.heard_today(segments)
    return {
        "as_of_at": now,
        "segments": {segment.id: segment_instruments(segment, heard, now) for segment in segments},
        "day": balance.day_balance(segments, now),
        # with where to cut when the day is forecast past its hard stop (app/floor/cuts.py)
        "schedule": cuts.day(segments, now, timezone, hard_stop_at),
        "waiting_elsewhere": waiting_elsewhere(segments),
    }


#: What the interpreters' booth is told of the day's forecast against its hard stop: when
#: interpretation ends (as this run reads it) and when the day is forecast to end, how far apart,
#: the timing code. Nothing of the programme, the queue or the balance (docs/security.md).
DAY_END_KEYS = (
    "stop_at",
    "forecast_end_at",
    "over_ms",
    "minutes",
    "timing",
    "ended",
    "days_after",
)


def day_end(hard_stop: dict[str, Any] | None) -> dict[str, Any] | None:
    """The booth's cut of the schedule's ``hard_stop`` (``DAY_END_KEYS``), or None."""
    return None if hard_stop is None else {key: hard_stop[key] for key in DAY_END_KEYS}


def day_end_message(
    state: HearingState, timezone: str, now: int, hard_stop_at: int | None, event_id: str
) -> dict[str, Any]:
    """The ``day_end`` message of the booths of a meeting day: its ``hard_stop``, the cut of
    the day's schedule at ``now`` (null: no hard stop)."""
    if hard_stop_at is None:
        cut = None
    else:
        day = schedule.schedule(ordered(state), now, timezone, hard_stop_at)
        cut = day_end(day["hard_stop"])
    return {"type": "day_end", "event_id": event_id, "as_of_at": now, "hard_stop": cut}
