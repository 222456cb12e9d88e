"""Where to cut when the day is forecast to end past its hard stop (outside probe D8: the
console said how much to cut, not where).

Two places the time can come from, as a chair would look for it:

- **the live segment's queue**: the largest speaking time each (a multiple of
  ``PER_SPEAKER_STEP_MS``, at least ``MIN_PER_SPEAKER_MS``) that ends the whole day by the stop,
  found by asking the schedule itself (``day_over``) with the queue at that time: what follows
  the live segment starts when it ends or at its own scheduled start, so the saving is not
  simply the minutes taken off. It is what ``set_queue_times`` gives (points of order and
  replies keep theirs). When no time each ends the day by the stop (a segment after it keeps
  its scheduled start), the largest time each that brings the day as near it as the queue can,
  with how far past the stop the day still ends: less each would cut turns for nothing;
- **the segments still to come**: each with its planned length, for the chair or the
  secretariat to shorten (the desk's programme, or a break's resumption told earlier).

Pure: the segments, the time now and the schedule's own measure of the day against its stop.
``day`` is ``schedule.schedule`` with the cut in its ``hard_stop`` (``cut``: null unless the
day is forecast past its stop and has not ended): what the instruments and REST serve.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from .model import KEEPS_ITS_TIME, MINUTE_MS, SegmentState, SegmentStatus
from .schedule import (
    MIN_PER_SPEAKER_MS,
    PER_SPEAKER_STEP_MS,
    clock_words,
    local_time,
    minutes_words,
    programme_order,
    schedule,
    stop_minutes,
)

#: The day's minutes past its stop (``+``) for a programme as changed, None with no forecast.
DayOver = Callable[[Sequence[SegmentState]], int | None]


def _given(segment: SegmentState) -> list[int]:
    """The indexes of the queue's turns "Give each" sets (points of order, replies keep theirs)."""
    return [i for i, entry in enumerate(segment.queue) if entry.kind not in KEEPS_ITS_TIME]


def with_each(segment: SegmentState, each_ms: int) -> SegmentState:
    """The segment as ``set_queue_times`` would leave it: each turn given ``each_ms``."""
    queue = tuple(
        entry if entry.kind in KEEPS_ITS_TIME else replace(entry, allotted_ms=each_ms)
        for entry in segment.queue
    )
    return replace(segment, queue=queue)


def _queue_cut(
    ordered: Sequence[SegmentState], index: int, now_over: int, day_over: DayOver
) -> dict[str, Any] | None:
    """The time each in the live segment ``ordered[index]`` that ends the day by its stop, or
    as near it as the queue can bring it (``now_over``: the day's minutes past it as it is)."""
    segment = ordered[index]
    given = _given(segment)
    if not given:
        return None
    longest = max(segment.queue[i].allotted_ms for i in given)

    def over(each_ms: int) -> int | None:
        changed = [*ordered[:index], with_each(segment, each_ms), *ordered[index + 1 :]]
        return day_over(changed)

    # the times each that shorten a turn: MIN_PER_SPEAKER_MS and up, in steps, under the longest
    steps = (longest - 1 - MIN_PER_SPEAKER_MS) // PER_SPEAKER_STEP_MS
    least = over(MIN_PER_SPEAKER_MS)
    if steps < 0 or least is None or least >= now_over:
        return None  # nothing to take from the queue, or taking it saves nothing
    # the largest time each that brings the day as near the stop as the queue can: by it, or
    # where what follows (a segment's own start) keeps it anyway: less would cut for nothing
    target = max(least, 0)
    low, high = 0, steps
    while low < high:
        middle = (low + high + 1) // 2
        after = over(MIN_PER_SPEAKER_MS + middle * PER_SPEAKER_STEP_MS)
        if after is not None and after <= target:
            low = middle
        else:
            high = middle - 1
    each_ms = MIN_PER_SPEAKER_MS + low * PER_SPEAKER_STEP_MS
    over_ms = over(each_ms)
    assert over_ms is not None
    return {
        "segment_id": segment.id,
        "title": segment.details.title,
        "count": len(given),
        "kept": len(segment.queue) - len(given),
        "each_ms": each_ms,
        "over_ms": over_ms,
        "reaches": over_ms <= 0,
    }


def _later(ordered: Sequence[SegmentState]) -> list[dict[str, Any]]:
    """The segments still to come, in programme order, each with its planned length."""
    rows = []
    for segment in ordered:
        if segment.status is not SegmentStatus.SCHEDULED:
            continue
        details = segment.details
        start, end = details.scheduled_start_at, details.scheduled_end_at
        rows.append(
            {
                "segment_id": segment.id,
                "title": details.title,
                "is_break": details.is_break,
                "planned_ms": None if start is None or end is None else max(0, end - start),
            }
        )
    return rows


def where_to_cut(
    ordered: Sequence[SegmentState],
    stop_at: int,
    now_over: int,
    zone: ZoneInfo,
    day_over: DayOver,
) -> dict[str, Any]:
    """Where the minutes past the stop can come from (``ordered``: the programme in order; the
    day forecast ``now_over`` ms past ``stop_at``). ``queue``: the live segment's time each
    (``each_ms`` for ``count`` turns, ``kept`` keeping theirs) and the day's minutes past the
    stop with it (``over_ms``, ``end_at``; ``reaches``: by the stop), or null; ``later``: the
    segments still to come with their planned lengths; ``words``: the same in a sentence."""
    queue = None
    for index, segment in enumerate(ordered):
        if segment.status is SegmentStatus.LIVE and not segment.details.is_break:
            queue = _queue_cut(ordered, index, now_over, day_over)
            break
    later = _later(ordered)
    parts: list[str] = []
    if queue is not None:
        queue["end_at"] = stop_at + queue["over_ms"]
        end = local_time(queue["end_at"], zone)
        each, count = clock_words(queue["each_ms"]), queue["count"]
        waiting = f"the {count} waiting" if count > 1 else "the 1 waiting"
        if queue["reaches"] and end is not None:
            parts.append(f"give each of {waiting} {each}: the day then ends at {end:%H:%M}")
        else:
            # rounded as the hard stop's own words round (up): not "still 0 min past"
            past = minutes_words(stop_minutes(max(queue["over_ms"], 0)) * MINUTE_MS)
            # why not less: the shortest turn there is, or a later segment keeping its start
            why = (
                "no turn is given less"
                if queue["each_ms"] == MIN_PER_SPEAKER_MS
                else "less each saves nothing: what follows keeps its start"
            )
            parts.append(
                f"give each of {waiting} {each}: the day then ends at {end:%H:%M}, still {past} "
                f"past the stop ({why})"
                if end is not None
                else f"give each of {waiting} {each}: the day still ends {past} past the stop"
            )
    if later and (queue is None or not queue["reaches"]):
        listed = ", ".join(
            row["title"]
            + ("" if row["planned_ms"] is None else f" ({minutes_words(row['planned_ms'])})")
            for row in later
        )
        parts.append(f"shorten what is still to come: {listed}")
    return {"queue": queue, "later": later, "words": "; ".join(parts) or None}


def day(
    segments: Sequence[SegmentState], now: int, tz: str, hard_stop_at: int | None = None
) -> dict[str, Any]:
    """``schedule`` (``app/floor/schedule.py``), with where to cut in its ``hard_stop``."""
    programme = schedule(segments, now, tz, hard_stop_at)
    stop = programme["hard_stop"]
    if stop is None:
        return programme
    if stop["timing"] != "over" or stop["ended"]:
        return programme
    ordered = programme_order(segments)

    def day_over(changed: Sequence[SegmentState]) -> int | None:
        over: int | None = schedule(changed, now, tz, hard_stop_at)["hard_stop"]["over_ms"]
        return over

    zone = ZoneInfo(programme["timezone"])
    stop["cut"] = where_to_cut(ordered, stop["stop_at"], stop["over_ms"], zone, day_over)
    return programme
