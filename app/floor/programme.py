"""Whether the programme's order and its times agree: a segment listed after another should not
start before it, nor before it ends.

The desk lets the secretariat move a segment up or down and change its times in two steps, so
for a while (or by mistake) the list and the clock can disagree: the closing moved above the
third discussion still starts at 17:00, after it. Nothing refuses that (the next step may fix it),
but every forecast reads the programme in its order, so the desk shows each such segment with a
warning that says what is wrong and what to do.

Pure: ``timing_problems`` takes the segments in the programme's order and names, per segment, the
first thing wrong with its time against the segment before it that has a time:

- ``starts_before_previous``: it starts before the segment above it starts;
- ``overlaps_previous``: it starts before the segment above it ends;
- ``not_on_event_day``: it starts on another day than the event's date (given ``day``): the
  event's date moved and the programme was not moved with it, or a time typed with another
  date. Said first: its comparison with the segment above it means little until it is fixed.
  A segment after midnight that carries on the programme (a night session: the one above it is
  on the day, or carries on too, and ends at most three hours before it) is not flagged.

A segment without a scheduled start is left out (nothing to compare), and so is the comparison
with one: the next segment with a start is compared with the last one before it that has one.

The event's hard stop (when interpretation ends) is checked the same way, not refused:
``hard_stop_problem`` names a stop not on the event's day (``not_on_event_day``), before the
programme's first start (``before_first_start``: the room would close before it opens) or before
its last planned end (``before_programme_end``: the programme as planned runs past it).

``event_day`` and ``link_expiry_default`` read the event's date in its zone: its day as two
instants, and the end of the day after it (when an access link made for the day should expire).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .model import SegmentState
from .schedule import local_time


class Problem(StrEnum):
    STARTS_BEFORE_PREVIOUS = "starts_before_previous"
    OVERLAPS_PREVIOUS = "overlaps_previous"
    NOT_ON_EVENT_DAY = "not_on_event_day"


@dataclass(frozen=True, slots=True)
class Day:
    """The event's date in its zone: from its local midnight (``start``, epoch ms) to the next
    (``end``), and the date itself."""

    date: date
    start: int
    end: int


def event_day(event_date: str, zone: ZoneInfo) -> Day | None:
    """The event's day (``YYYY-MM-DD``) in ``zone``; None for no date or one not a date."""
    try:
        day = date.fromisoformat(event_date)
    except ValueError:
        return None
    return Day(day, _midnight(day, zone), _midnight(day + timedelta(days=1), zone))


def link_expiry_default(day: Day, zone: ZoneInfo) -> int:
    """When an access link made for the event should expire unless told otherwise: 23:59 on the
    day after its date (the rapporteur's and the secretariat's work goes on after the hearing)."""
    after = datetime.combine(day.date + timedelta(days=1), time(23, 59), zone)
    return int(after.timestamp() * 1000)


def _midnight(day: date, zone: ZoneInfo) -> int:
    return int(datetime.combine(day, time(0), zone).timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class TimingProblem:
    code: Problem
    #: the segment above it that it disagrees with (None: ``not_on_event_day``)
    previous_id: str | None
    previous_title: str
    #: the instant it starts before: the previous segment's start or end, or the event's day's
    #: start (epoch ms)
    previous_at: int
    #: its own start (epoch ms)
    starts_at: int

    def message(self, zone: ZoneInfo) -> str:
        """In English, saying what to do; times as the room's clock reads them (``10:30``)."""
        if self.code is Problem.NOT_ON_EVENT_DAY:
            moment = local_time(self.starts_at, zone)
            day = local_time(self.previous_at, zone)
            on = "?" if moment is None else f"{moment:%Y-%m-%d} at {moment:%H:%M}"
            event = "?" if day is None else f"{day:%Y-%m-%d}"
            return (
                f"it starts on {on}, not on the event's date ({event}): type its times again "
                "(a time is read on the event's date) or move the programme with the date"
            )
        starts, then = _clocks(self.starts_at, self.previous_at, zone)
        title = f"\u201c{self.previous_title}\u201d"
        if self.code is Problem.STARTS_BEFORE_PREVIOUS:
            what = f"it starts at {starts}, before {title} above it ({then})"
        else:
            what = f"it starts at {starts}, before {title} above it ends ({then})"
        return f"{what}: change its times or move it in the programme"


def timing_problems(
    segments: Sequence[SegmentState], day: Day | None = None
) -> dict[str, TimingProblem]:
    """Per segment id, what is wrong with its time against the event's ``day`` (if given) or
    the segment above it (``segments`` in the programme's order); a segment whose time agrees
    is not in it."""
    found: dict[str, TimingProblem] = {}
    previous: SegmentState | None = None
    for segment in segments:
        start = segment.details.scheduled_start_at
        if start is None:
            continue
        if day is not None and not (
            day.start <= start < day.end or _carries_on(start, previous, day, found)
        ):
            found[segment.id] = TimingProblem(Problem.NOT_ON_EVENT_DAY, None, "", day.start, start)
        elif previous is not None:
            problem = _against(segment, start, previous)
            if problem is not None:
                found[segment.id] = problem
        previous = segment
    return found


#: a night session: how long after midnight a programme may carry on from the event's day, and
#: the longest pause between two of its segments that still reads as the same session
CARRY_ON_MS = 12 * 3_600_000
CARRY_ON_GAP_MS = 3 * 3_600_000


def _carries_on(
    start: int, previous: SegmentState | None, day: Day, found: dict[str, TimingProblem]
) -> bool:
    """A segment after midnight that carries on the event's programme (a hearing that runs
    into the night: the segment above it is on the day, or carries on too, and ends at most
    ``CARRY_ON_GAP_MS`` before it starts) is on the event's day for the programme."""
    if previous is None or previous.id in found or not day.end <= start < day.end + CARRY_ON_MS:
        return False
    before = previous.details
    assert before.scheduled_start_at is not None
    last = before.scheduled_end_at or before.scheduled_start_at
    return start - last <= CARRY_ON_GAP_MS


def _against(segment: SegmentState, start: int, previous: SegmentState) -> TimingProblem | None:
    before = previous.details
    assert before.scheduled_start_at is not None
    if start < before.scheduled_start_at:
        code, at = Problem.STARTS_BEFORE_PREVIOUS, before.scheduled_start_at
    elif before.scheduled_end_at is not None and start < before.scheduled_end_at:
        code, at = Problem.OVERLAPS_PREVIOUS, before.scheduled_end_at
    else:
        return None
    return TimingProblem(code, previous.id, before.title, at, start)


def _clock(at: int, zone: ZoneInfo) -> str:
    moment = local_time(at, zone)
    return "?" if moment is None else moment.strftime("%H:%M")


def _clocks(at: int, other: int, zone: ZoneInfo) -> tuple[str, str]:
    """Two instants as the room's clock reads them, each with its date when they fall on
    different days ("01:45 on 2026-05-20" beside "00:45 on 2026-05-21": two bare times would
    read the wrong way round)."""
    first, second = local_time(at, zone), local_time(other, zone)
    if first is None or second is None or first.date() == second.date():
        return _clock(at, zone), _clock(other, zone)
    return f"{first:%H:%M} on {first:%Y-%m-%d}", f"{second:%H:%M} on {second:%Y-%m-%d}"


# --- the hard stop (when interpretation ends) ----------------------------------------------------


class StopProblem(StrEnum):
    NOT_ON_EVENT_DAY = "not_on_event_day"
    BEFORE_FIRST_START = "before_first_start"
    BEFORE_PROGRAMME_END = "before_programme_end"


@dataclass(frozen=True, slots=True)
class HardStopProblem:
    code: StopProblem
    #: the hard stop (epoch ms)
    stop_at: int
    #: what it disagrees with: the event's day's start, the first start or the last end (ms)
    other_at: int

    def message(self, zone: ZoneInfo) -> str:
        """In English, saying what to do; times as the room's clock reads them."""
        if self.code is StopProblem.NOT_ON_EVENT_DAY:
            moment, day = local_time(self.stop_at, zone), local_time(self.other_at, zone)
            on = "?" if moment is None else f"{moment:%Y-%m-%d} at {moment:%H:%M}"
            event = "?" if day is None else f"{day:%Y-%m-%d}"
            return (
                f"interpretation ends on {on}, not on the event's date ({event}): type the time "
                "again (a time alone is read on the event's date)"
            )
        stop, other = _clocks(self.stop_at, self.other_at, zone)
        if self.code is StopProblem.BEFORE_FIRST_START:
            return (
                f"interpretation ends at {stop}, before the programme starts ({other}): check the "
                "time (the end of interpretation, not its start)"
            )
        return (
            f"interpretation ends at {stop}, before the programme's planned end ({other}): "
            "shorten the programme or set the time interpretation really ends"
        )


def hard_stop_problem(
    hard_stop_at: int | None, segments: Sequence[SegmentState], day: Day | None = None
) -> HardStopProblem | None:
    """What is wrong with the event's hard stop against its ``day`` (if given) and the
    programme's scheduled times, or None: first a stop on another day (after midnight, one that
    ends a programme carrying on into the night is on the day), then one before the first start,
    then one before the last planned end (``segments`` in any order)."""
    if hard_stop_at is None:
        return None
    starts = [s.details.scheduled_start_at for s in segments]
    ends = [s.details.scheduled_end_at or s.details.scheduled_start_at for s in segments]
    first = min((at for at in starts if at is not None), default=None)
    last = max((at for at in ends if at is not None), default=None)
    if day is not None and not day.start <= hard_stop_at < day.end:
        night = (
            last is not None
            and day.end <= hard_stop_at < day.end + CARRY_ON_MS
            and last >= day.end - CARRY_ON_GAP_MS
            and hard_stop_at - last <= CARRY_ON_GAP_MS
        )
        if not night:
            return HardStopProblem(StopProblem.NOT_ON_EVENT_DAY, hard_stop_at, day.start)
    if first is not None and hard_stop_at <= first:
        return HardStopProblem(StopProblem.BEFORE_FIRST_START, hard_stop_at, first)
    if last is not None and hard_stop_at < last:
        return HardStopProblem(StopProblem.BEFORE_PROGRAMME_END, hard_stop_at, last)
    return None
