"""The programme against the clock: when each segment starts and ends, as scheduled, as it
happened and as forecast, how late it runs, and whether the live segment's queue fits.

Forecasts: an ended segment ended when it did; the live one ends when the turns on the floor
and every queued turn have had their time (``queue_needs_ms`` from now); a scheduled one starts
at its scheduled start, or now, or when the segments before it still to end are forecast to
end, whichever is last, and lasts as long as planned, or as long as its queue needs if that is
longer (speakers carried into it, a panel queued ahead: the knock-on shows before it starts).
Drift (``+`` late) is the forecast end against the scheduled end for the live and ended
segments, the forecast start against the scheduled start for the others (the knock-on). A live
break (``BREAK_KIND``) ends when the room is told the meeting resumes, as no turns measure it:
the resumption the moderator announced (``resumes_at``), else the next segment's scheduled
start; with neither, it lasts as long as planned from when it began. A
missing schedule gives ``None``. Instants are epoch ms, and also ISO 8601 in the meeting's time
zone (a key without ``_at``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .following import resumes_with
from .model import KEEPS_ITS_TIME, MINUTE_MS, SegmentState, SegmentStatus

#: A drift under this is "on time".
ON_TIME_MS = MINUTE_MS
#: The time per speaker is rounded down to a multiple of this.
PER_SPEAKER_STEP_MS = 5_000
#: Less than this per speaker is not offered: a turn that short is no turn (outside probe A saw
#: "3 left — 0:05 each"); the console says the queue does not fit instead.
MIN_PER_SPEAKER_MS = 30_000
#: Once no share of the time left fits (the planned end reached, or under
#: ``MIN_PER_SPEAKER_MS`` each), the console offers this much each to recover, with when the
#: segment then ends and how far past its planned end (outside probe A7): a chair's "one minute
#: each, please". Offered only where it shortens a turn.
RECOVER_EACH_MS = 60_000
_INSTANTS = (
    "scheduled_start",
    "scheduled_end",
    "actual_start",
    "actual_end",
    "forecast_start",
    "forecast_end",
)


def zone_of(tz: str) -> ZoneInfo:
    """The IANA time zone named, or UTC if there is none by that name."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


def local_time(at: int | None, zone: ZoneInfo) -> datetime | None:
    """An instant as a wall clock of the zone reads it, to the second. One a ``datetime``
    cannot hold there (a programme may name any instant to the end of the year 9999, which
    is the year 10000 east of UTC, and a rehearsal's shift moves a forecast further) is read
    in UTC, or is None past that too."""
    if at is None:
        return None
    for where in (zone, UTC):
        try:
            return datetime.fromtimestamp(at // 1000, where)
        except (OverflowError, ValueError, OSError):
            continue
    return None


def local_iso(at: int | None, zone: ZoneInfo) -> str | None:
    """``2026-12-04T10:00:00+01:00``: an instant in the zone, to the second (``local_time``)."""
    moment = local_time(at, zone)
    return None if moment is None else moment.isoformat(timespec="seconds")


def minutes_words(ms: int) -> str:
    """``7 min``, ``1 h 40 min``, ``2 h``: rounded to the minute."""
    minutes = (ms + MINUTE_MS // 2) // MINUTE_MS
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def timing(drift_ms: int | None) -> str | None:
    """``on_time``, ``late`` or ``early``: what ``drift_words`` says, as a code a face words in
    its own language (null when there is no drift to tell)."""
    if drift_ms is None:
        return None
    if abs(drift_ms) < ON_TIME_MS:
        return "on_time"
    return "late" if drift_ms > 0 else "early"


def drift_words(drift_ms: int | None, ended: bool = False, starts: bool = False) -> str | None:
    """``running 7 min late``, ``on time``, ``3 min early``; an ended segment ``ended 7 min
    late``; one still to start (``starts``) ``starts 12 min late``, ``starts on time``."""
    if drift_ms is None:
        return None
    if abs(drift_ms) < ON_TIME_MS:
        words = "on time"
    else:
        words = f"{minutes_words(abs(drift_ms))} {'late' if drift_ms > 0 else 'early'}"
        if drift_ms > 0 and not ended and not starts:
            words = f"running {words}"
    if ended:
        return f"ended {words}"
    return f"starts {words}" if starts else words


#: A day whose first segment began further than this from its scheduled start is being run on
#: another day (a rehearsal, a demo): its schedule is read as moved to when it began.
REHEARSAL_MS = 6 * 60 * MINUTE_MS


def rehearsal_shift(segments: Sequence[SegmentState], now: int) -> int:
    """How far the day is being run from its schedule, when it is a rehearsal or a demo on
    another day (``REHEARSAL_MS``): the first started segment's actual start minus its scheduled
    start; before any has started, on a day whose schedule is long past (the demo's day of 2022,
    a rehearsal of last week's programme), ``now`` minus the first scheduled start, as if it
    began now; else 0. The schedule is then read as moved by that much, so the drift measures
    the run, not the calendar (not "starts 39934 h late")."""
    first_planned: int | None = None
    begun = False
    for segment in segments:
        started, planned = segment.actual_start_at, segment.details.scheduled_start_at
        if started is not None and planned is not None:
            shift = started - planned
            return shift if abs(shift) > REHEARSAL_MS else 0
        begun = begun or started is not None
        if first_planned is None:
            first_planned = planned
    if not begun and first_planned is not None and now - first_planned > REHEARSAL_MS:
        return now - first_planned
    return 0


def _moved(at: int | None, shift: int) -> int | None:
    return None if at is None else at + shift


def _left(at: int | None, since: int | None) -> int | None:
    return None if at is None or since is None else at - since


#: A day forecast to end less than this before its hard stop is near it (the console in amber).
NEAR_STOP_MS = 10 * MINUTE_MS


def stop_minutes(over_ms: int) -> int:
    """The whole minutes the faces say: past the stop rounded up (30 s past is 1 min to cut),
    before it rounded down (9 min 40 s is 9 min to spare)."""
    return -(-over_ms // MINUTE_MS) if over_ms > 0 else -over_ms // MINUTE_MS


def stop_timing(over_ms: int | None) -> str | None:
    """``over`` (the day is forecast to end past its hard stop), ``near`` (within
    ``NEAR_STOP_MS`` before it, or at it) or ``clear``; null with no forecast end."""
    if over_ms is None:
        return None
    if over_ms > 0:
        return "over"
    return "near" if -over_ms <= NEAR_STOP_MS else "clear"


def hard_stop(
    rows: Sequence[dict[str, Any]], hard_stop_at: int | None, shift: int, zone: ZoneInfo
) -> dict[str, Any] | None:
    """The day's forecast end (the latest forecast end of its segments, ``rows`` as
    ``schedule`` makes them; the start of one with no end: the day lasts at least until then)
    against the event's hard stop, when interpretation ends; None without one. A rehearsal's
    shift moves the stop as it moves the scheduled instants (``stop_at``; ``scheduled_at`` is
    the event's own, as set): the forecast is of the run. ``over_ms`` is the forecast end minus
    the stop (``+``: past it), ``minutes`` the same as the faces say it (``stop_minutes``),
    ``ended`` whether every segment has ended."""
    if hard_stop_at is None:
        return None
    stop_at = hard_stop_at + shift
    ends = [
        row["forecast_start_at"] if row["forecast_end_at"] is None else row["forecast_end_at"]
        for row in rows
    ]
    ends = [at for at in ends if at is not None]
    end_at = max(ends) if ends else None
    over_ms = _left(end_at, stop_at)
    ended = bool(rows) and all(row["status"] == SegmentStatus.ENDED.value for row in rows)
    stop, end = local_time(stop_at, zone), local_time(end_at, zone)
    words = None
    if over_ms is not None and stop is not None and end is not None:
        lead = f"{'ended' if ended else 'forecast to end'} at {end:%H:%M}"
        side = "past" if over_ms > 0 else "before"
        amount = minutes_words(stop_minutes(over_ms) * MINUTE_MS)
        words = f"{lead}, {amount} {side} the end of interpretation ({stop:%H:%M})"
        if not stop_minutes(over_ms):  # not "0 min before" (outside probe D3)
            words = f"{lead}, right at the end of interpretation ({stop:%H:%M})"
    # a stop past midnight (a night session's): the faces say "+1 day" after its time. Read on
    # the programme's own dates (a rehearsal's shift could carry one across midnight alone)
    starts = [row["scheduled_start_at"] for row in rows if row["scheduled_start_at"] is not None]
    first = local_time(min(starts), zone) if starts else None
    set_at = local_time(hard_stop_at, zone)
    days_after = 0 if first is None or set_at is None else (set_at.date() - first.date()).days
    return {
        "scheduled_at": hard_stop_at,
        "scheduled": local_iso(hard_stop_at, zone),
        "stop_at": stop_at,
        "stop": local_iso(stop_at, zone),
        "forecast_end_at": end_at,
        "forecast_end": local_iso(end_at, zone),
        "over_ms": over_ms,
        "minutes": None if over_ms is None else stop_minutes(over_ms),
        "timing": stop_timing(over_ms),
        "ended": ended,
        "words": words,
        # how many days after the programme's first scheduled day the stop falls, as set
        # (``scheduled_at``); 0 on that day
        "days_after": days_after,
        # where the minutes past the stop can come from: ``cuts.day`` fills it
        "cut": None,
    }


def on_floor_needs(segment: SegmentState, now: int) -> int:
    """The time the turns on the floor still have: the current turn's and the paused one's."""
    turns = (segment.current, segment.paused)
    return sum(max(0, turn.timer.remaining_at(now)) for turn in turns if turn is not None)


def queue_needs(segment: SegmentState, now: int) -> int:
    """The time until the floor and the queue are done: the turns on the floor, then every
    queued turn's allotted time."""
    return on_floor_needs(segment, now) + sum(entry.allotted_ms for entry in segment.queue)


def clock_words(ms: int) -> str:
    minutes, seconds = divmod(ms // 1000, 60)
    return f"{minutes}:{seconds:02d}"


def _live(
    segment: SegmentState, now: int, needs_ms: int, zone: ZoneInfo, shift: int
) -> dict[str, Any]:
    end_at = _moved(segment.details.scheduled_end_at, shift)
    left_ms = _left(end_at, now)
    queued = len(segment.queue)
    per_speaker_ms: int | None = None
    finish_at = end_at
    recover_over_ms: int | None = None
    # offered only when the queue does not fit: a queue that fits would only be lengthened.
    # "Give each" leaves a point of order's and a right of reply's time: they are counted as is
    given = [entry for entry in segment.queue if entry.kind not in KEEPS_ITS_TIME]
    if left_ms is not None and end_at is not None and given and needs_ms > left_ms:
        kept_ms = sum(entry.allotted_ms for entry in segment.queue) - sum(
            entry.allotted_ms for entry in given
        )
        on_floor_ms = on_floor_needs(segment, now)
        share = (left_ms - on_floor_ms - kept_ms) // len(given)
        share -= share % PER_SPEAKER_STEP_MS
        if share >= MIN_PER_SPEAKER_MS:
            per_speaker_ms = share
        elif any(entry.allotted_ms > RECOVER_EACH_MS for entry in given):
            per_speaker_ms = RECOVER_EACH_MS
            finish_at = now + on_floor_ms + kept_ms + RECOVER_EACH_MS * len(given)
            recover_over_ms = finish_at - end_at
    finish = local_time(finish_at, zone)
    words: str | None = None
    # the turns given that time: a point of order or a reply waiting keeps its own (outside
    # probe D4: "14 left — 1:00 each" while two of the fourteen kept theirs)
    given_n = len(given)
    kept_n = queued - given_n
    if per_speaker_ms is not None and finish is not None:
        words = f"{given_n} left — {clock_words(per_speaker_ms)} each to finish at {finish:%H:%M}"
        if recover_over_ms is not None:
            words = (
                f"{given_n} left — {clock_words(per_speaker_ms)} each: ends at {finish:%H:%M}, "
                f"{minutes_words(recover_over_ms)} past the planned end"
            )
        if kept_n == 1:
            words += " (1 more keeps its own time: a point of order or a reply)"
        elif kept_n:
            words += f" ({kept_n} more keep their own time: points of order, replies)"
    return {
        "segment_id": segment.id,
        "time_left_ms": left_ms,
        "queue_needs_ms": needs_ms,
        "queued": queued,
        "pending": len(segment.pending_ids),
        # what the requests waiting for the moderator would add, each at its kind's time: not
        # in queue_needs_ms (nobody has said yes to them), but what approving them costs
        "pending_needs_ms": sum(
            segment.settings.default_times_ms[request.kind]
            for request in segment.pending_requests()
        ),
        "fits": None if left_ms is None else needs_ms <= left_ms,
        "over_ms": None if left_ms is None else needs_ms - left_ms,
        "per_speaker_ms": per_speaker_ms,
        # how many waiting turns that time is for (points of order and replies keep theirs)
        "per_speaker_count": given_n,
        # when the segment ends with that time each: its planned end, or past it to recover
        "finish_at": finish_at,
        "finish": None if finish is None else finish.strftime("%H:%M"),
        "recover_over_ms": recover_over_ms,
        "per_speaker": words,
    }


def resumption(ordered: Sequence[SegmentState], index: int, shift: int) -> int | None:
    """When the room is told the meeting resumes after the break ``ordered[index]``: the time
    the moderator announced (an instant of the day itself, never moved by a rehearsal's shift),
    else the scheduled start of the first segment after it still to come that is no break (as
    app/floor/following.py ``resumes_with``), moved by the shift; None if neither."""
    segment = ordered[index]
    if segment.resumes_at is not None:
        return segment.resumes_at
    after = resumes_with(ordered, index)
    return None if after is None else _moved(after.details.scheduled_start_at, shift)


def _live_forecast(
    segment: SegmentState, now: int, needs_ms: int, shift: int, resumes_at: int | None = None
) -> tuple[int | None, int]:
    """A live segment's forecast start (when it began) and end (when its queue is heard). A
    break (nobody speaks in it) ends when the room is told the meeting resumes (``resumes_at``:
    ``resumption``), a break begun early or late alike; with nothing told, it lasts as long as
    planned from when it began. Past that time, now: it goes on until it ends."""
    details = segment.details
    forecast_start, forecast_end = segment.actual_start_at, now + needs_ms
    if details.is_break and resumes_at is not None:
        return forecast_start, max(resumes_at, now + needs_ms)
    planned_ms = _left(
        _moved(details.scheduled_end_at, shift), _moved(details.scheduled_start_at, shift)
    )
    if details.is_break and planned_ms is not None and forecast_start is not None:
        forecast_end = max(forecast_start + planned_ms, now + needs_ms)
    return forecast_start, forecast_end


def programme_order(segments: Sequence[SegmentState]) -> list[SegmentState]:
    """The segments in programme order: position, then scheduled start."""
    return sorted(
        segments, key=lambda s: (s.details.position, s.details.scheduled_start_at or 0, s.id)
    )


def schedule(
    segments: Sequence[SegmentState], now: int, tz: str, hard_stop_at: int | None = None
) -> dict[str, Any]:
    """The meeting day's programme as it stands at ``now`` (see the module's docstring).

    Segments are taken in programme order (position, then scheduled start); ``timezone`` is
    the zone used (UTC when ``tz`` names none); ``live`` is the live segment's time, or None.
    A rehearsal or a demo run on another day (``rehearsal_shift``) is measured against its
    schedule moved to when it began: ``rehearsal`` says by how much (null on the day itself);
    the scheduled instants shown stay the schedule's own. ``hard_stop`` is the day's forecast
    end against the event's hard stop (``hard_stop_at``; null without one: ``hard_stop``).
    """
    zone = zone_of(tz)
    ordered = programme_order(segments)
    shift = rehearsal_shift(ordered, now)
    begun = any(segment.actual_start_at is not None for segment in ordered)
    rows: list[dict[str, Any]] = []
    live: dict[str, Any] | None = None
    #: the latest forecast end of the segments so far that have not ended
    before_end: int | None = None
    #: for a segment still to run above the live one in the programme: when the live one ends
    live_until: dict[str, int] = {}
    #: the segment the meeting resumes with after a break whose resumption was announced: then
    told_after: dict[str, int] = {}
    for index, segment in enumerate(ordered):
        if segment.details.is_break and segment.status is not SegmentStatus.ENDED:
            after = resumes_with(ordered, index)
            if after is not None and segment.resumes_at is not None:
                told_after[after.id] = segment.resumes_at
        if segment.status is SegmentStatus.LIVE:
            told = resumption(ordered, index, shift)
            _, end = _live_forecast(segment, now, queue_needs(segment, now), shift, told)
            for above in ordered[:index]:
                live_until[above.id] = max(live_until.get(above.id, now), end)
    for index, segment in enumerate(ordered):
        details = segment.details
        start_at = _moved(details.scheduled_start_at, shift)
        end_at = _moved(details.scheduled_end_at, shift)
        forecast_start: int | None
        forecast_end: int | None
        if segment.status is SegmentStatus.ENDED:
            forecast_start, forecast_end = segment.actual_start_at, segment.actual_end_at
            drift_ms = _left(forecast_end, end_at)
        elif segment.status is SegmentStatus.LIVE:
            needs_ms = queue_needs(segment, now)
            told = resumption(ordered, index, shift)
            forecast_start, forecast_end = _live_forecast(segment, now, needs_ms, shift, told)
            drift_ms = _left(forecast_end, end_at)
            if live is None:
                live = _live(segment, now, needs_ms, zone, shift)
        else:
            forecast_start = None
            # after a break whose resumption was announced, the meeting resumes then, earlier or
            # later than this segment's scheduled start (outside probe D1)
            base = told_after.get(segment.id, start_at)
            if base is not None:
                # one segment at a time in the room: not before the live one ends, even one above
                # it in the programme (a panel run later than planned)
                forecast_start = max(base, now, before_end or now, live_until.get(segment.id, now))
            planned_ms = _left(end_at, start_at)
            forecast_end = (
                None
                if forecast_start is None or planned_ms is None
                else forecast_start + max(planned_ms, queue_needs(segment, forecast_start))
            )
            if details.is_break and segment.resumes_at is not None and forecast_start is not None:
                # announced before it began: it lasts until then, however it was planned
                forecast_end = max(segment.resumes_at, forecast_start)
            drift_ms = _left(forecast_start, start_at)
        if segment.status is not SegmentStatus.ENDED and forecast_end is not None:
            before_end = forecast_end if before_end is None else max(before_end, forecast_end)
        instants = {
            "scheduled_start_at": details.scheduled_start_at,
            "scheduled_end_at": details.scheduled_end_at,
            "actual_start_at": segment.actual_start_at,
            "actual_end_at": segment.actual_end_at,
            "forecast_start_at": forecast_start,
            "forecast_end_at": forecast_end,
        }
        rows.append(
            {
                "segment_id": segment.id,
                "title": details.title,
                "status": segment.status.value,
                **instants,
                **{name: local_iso(instants[f"{name}_at"], zone) for name in _INSTANTS},
                "drift_ms": drift_ms,
                "timing": timing(drift_ms),
                "drift": drift_words(
                    drift_ms,
                    ended=segment.status is SegmentStatus.ENDED,
                    starts=segment.status is SegmentStatus.SCHEDULED,
                ),
            }
        )
    return {
        "as_of_at": now,
        "as_of": local_iso(now, zone),
        "timezone": zone.key,
        "segments": rows,
        "live": live,
        "hard_stop": hard_stop(rows, hard_stop_at, shift, zone),
        "rehearsal": None
        if not shift
        else {
            "shift_ms": shift,
            "begun": begun,
            "words": f"run on another day than scheduled: times are read from its start"
            f"{'' if begun else ', as if it began now'} "
            f"({minutes_words(abs(shift))} {'after' if shift > 0 else 'before'} the schedule)",
        },
    }
