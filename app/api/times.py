"""Instants as people write and read them, at the REST edge.

The core, the log and the WebSockets count time in epoch milliseconds (``*_at``). REST also
takes what a secretariat types: ISO 8601 with an offset (``2026-12-04T10:00:00+01:00``,
``…Z``), or a wall-clock time with no offset (``2026-12-04T10:00``, or ``10:00`` on the event's
date), read in the event's time zone. A body field of type ``Instant`` holds the parsed value
(``When``); the route resolves it with the event (``resolve``) before it builds the command, so
the command, its dedupe hash and the log only ever see milliseconds.

Answers go the other way: every ``x_at`` of a REST answer is followed by ``x_at_local``, the
same instant as ISO 8601 in the event's time zone, to the second (``with_local``).

A local time that does not exist (the hour the clocks skip in spring) is refused, naming the
time, the day, the zone and the times to choose from (``NoSuchTime``): moved past the change it
would name another time than the one typed (02:30 as 03:30, a segment from 02:30 to 03:30 of no
length). One that happens twice (the hour repeated in autumn) is the first of the two (PEP 495's
``fold=0``); send an offset to say otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..floor.commands import MAX_INSTANT
from ..floor.schedule import local_iso, zone_of

# --- the accepted forms, as one regular expression --------------------------------------------
# Written with [0-9], not \d (which in Python matches any script's digits), and exact about the
# calendar, so that the OpenAPI ``pattern`` promises no string the server refuses: years 1971 to
# 9998 (any offset keeps them between the epoch and the last instant allowed), days that exist
# (29 February in leap years only).

_YEAR = "(?:197[1-9]|19[89][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
_MONTH_DAY = (
    "(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    "|(?:0[13-9]|1[0-2])-(?:29|30)"
    "|(?:0[13578]|1[02])-31)"
)
_LEAP_YEAR = (
    "(?:19(?:7[26]|8[048]|9[26])"
    "|[2-9][0-9](?:0[48]|[2468][048]|[13579][26])"
    "|(?:[2468][048]|[3579][26])00)"
)
#: A calendar date, ``YYYY-MM-DD``, years 1971-9998.
DATE = f"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.][0-9]{1,6})?)?"
_OFFSET = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
#: Every string an ``Instant`` accepts (anchored; the JSON Schema pattern of the field).
PATTERN = f"^(?:{DATE}[T ]{_TIME}{_OFFSET}?|{_TIME})$"
DATE_PATTERN = f"^{DATE}$"

_GATE = re.compile(PATTERN.removeprefix("^").removesuffix("$"))
_PARTS = re.compile(
    r"(?:(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[T ])?"
    r"(?P<h>[0-9]{2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.](?P<f>[0-9]{1,6}))?)?"
    r"(?P<offset>Z|[+-][0-9]{2}:[0-9]{2})?"
)

FORMS = (
    "epoch milliseconds (1796374800000), ISO 8601 with an offset (2026-12-04T10:00:00+01:00 "
    "or 2026-12-04T09:00:00Z), or a local time in the event's time zone (2026-12-04T10:00, "
    "or 10:00 on the event's date)"
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = _EPOCH.replace(tzinfo=None)
_MS = timedelta(milliseconds=1)
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class When:
    """An instant as it was sent: ``at`` when it names one by itself (epoch ms, or ISO 8601
    with an offset); else a wall-clock time to read in the event's zone, on ``day`` or, without
    one, on the event's date."""

    at: int | None = None
    day: date | None = None
    clock: time | None = None


def parse(value: object) -> When:
    """Read one instant as sent; refuse anything else naming the forms accepted."""
    if type(value) is int:  # not a bool, not 180000.0: integer fields are strict
        if 0 <= value <= MAX_INSTANT:
            return When(at=value)
        raise PydanticCustomError(
            "instant_range",
            "epoch milliseconds from 0 to {limit} (the end of the year 9999)",
            {"limit": MAX_INSTANT},
        )
    if isinstance(value, str) and _GATE.fullmatch(value):
        parts = _PARTS.fullmatch(value)
        assert parts is not None  # the gate's language is within the parts'
        fraction = (parts["f"] or "").ljust(6, "0")
        clock = time(int(parts["h"]), int(parts["m"]), int(parts["s"] or 0), int(fraction or 0))
        day = date.fromisoformat(parts["date"]) if parts["date"] else None
        offset = parts["offset"]
        if offset is None:
            return When(day=day, clock=clock)
        assert day is not None  # the pattern allows an offset only after a date
        zone = UTC if offset == "Z" else _fixed(offset)
        return When(at=_ms(datetime.combine(day, clock, zone)))
    raise PydanticCustomError("instant", "not an instant: send {forms}", {"forms": FORMS})


def _fixed(offset: str) -> timezone:
    sign = -1 if offset[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))


def _ms(moment: datetime) -> int:
    return (moment - _EPOCH) // _MS


#: A body field taking an instant in any of the forms (``FORMS``); see ``resolve``.
Instant = Annotated[
    When,
    PlainValidator(parse),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": MAX_INSTANT},
                {"type": "string", "pattern": PATTERN},
            ],
            "description": f"An instant: {FORMS}.",
            "examples": [1796374800000, "2026-12-04T10:00:00+01:00", "2026-12-04T10:00", "10:00"],
        }
    ),
]


class NoDate(ValueError):
    """A time of day alone, for an event without a date."""


class NoSuchTime(ValueError):
    """A wall-clock time the clocks skip that day in that zone (a gap: they go forward)."""


def at(when: When, timezone_name: str, event_date: str) -> int:
    """The epoch ms of ``when``: as sent, or its wall-clock time read in the event's zone (on
    its own date, else on the event's ``YYYY-MM-DD``).

    A wall-clock time the clocks skip there that day (02:30 on 2022-03-13 in America/New_York,
    where 02:00 becomes 03:00) raises ``NoSuchTime``: it does not come back the same from UTC.
    One that happens twice (01:30 on 2022-11-06 there, where 02:00 becomes 01:00 again) is the
    first of the two, ``fold=0``: 01:30-04:00 (EDT), not 01:30-05:00 (EST) an hour later."""
    if when.at is not None:
        return when.at
    assert when.clock is not None
    day = when.day
    if day is None:
        if not event_date:
            raise NoDate(
                "a time of day alone is read on the event's date, and this event has none: "
                "send the date too (2026-12-04T10:00), or set the event's date"
            )
        day = date.fromisoformat(event_date)
    zone = zone_of(timezone_name)
    moment = datetime.combine(day, when.clock.replace(fold=0), zone)  # the first of two
    wall = moment.replace(tzinfo=None)
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise NoSuchTime(_gap_message(wall, zone, timezone_name))
    return _ms(moment)


def carried(at_ms: int, old_zone: str, new_zone: str, days: int) -> int:
    """The instant whose wall-clock time in ``new_zone`` is ``at_ms``'s in ``old_zone``, ``days``
    later: where a programme goes when its event moves to another date or zone and keeps its
    local times (10:00 on the 16th in New York becomes 10:00 on the 17th in Geneva). A time the
    clocks skip there that day raises ``NoSuchTime``; one they repeat is the first of the two,
    as ``at`` reads it."""
    old = (_EPOCH + at_ms * _MS).astimezone(zone_of(old_zone))
    wall = old.replace(tzinfo=None) + timedelta(days=days)
    return at(When(day=wall.date(), clock=wall.time()), new_zone, "")


def _gap_message(wall: datetime, zone: ZoneInfo, timezone_name: str) -> str:
    """What to tell whoever typed ``wall``, a time the clocks skip in ``zone``: where the
    skipped stretch of wall-clock times begins and where the clocks take up again."""
    # PEP 495, in a gap: fold=0 reads the offset before the change, fold=1 the one after; the
    # change is an instant between the two readings, found to the second by halving
    before = wall.replace(tzinfo=zone, fold=0).utcoffset()
    after = wall.replace(tzinfo=zone, fold=1).utcoffset()
    assert before is not None and after is not None and after > before
    low = (wall - after - _NAIVE_EPOCH) // _SECOND  # still the offset before
    high = -((_NAIVE_EPOCH - (wall - before)) // _SECOND)  # the offset after, already
    while high - low > 1:
        middle = (low + high) // 2
        if (_EPOCH + middle * _SECOND).astimezone(zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    change = _NAIVE_EPOCH + high * _SECOND
    skipped_from, skipped_to = change + before, change + after
    day = wall.date()
    choose = f"from {_wall(skipped_to, day)}"
    if skipped_from.date() == day and skipped_from.time() != time(0):
        choose = f"before {_wall(skipped_from, day)} or {choose}"
    return (
        f"{_wall(wall, day)} does not exist on {day.isoformat()} in {timezone_name} "
        f"(the clocks go forward); choose a time {choose}"
    )


def _wall(moment: datetime, day: date) -> str:
    """A wall-clock time as people type it: ``02:30`` (seconds only when there are some), with
    its date when it falls on another day than ``day``."""
    spec = "minutes" if not (moment.second or moment.microsecond) else "auto"
    clock = moment.time().isoformat(timespec=spec)
    return clock if moment.date() == day else f"{moment.date().isoformat()}T{clock}"


def resolve(
    body: BaseModel, fields: tuple[str, ...], timezone_name: str, event_date: str
) -> dict[str, int | None]:
    """The instants among ``fields`` of ``body`` in epoch ms: the fields sent only, null as
    sent. A time of day the event cannot place (no date; a time the clocks skip) is a 422 naming
    the field, as pydantic's are."""
    out: dict[str, int | None] = {}
    for name in fields:
        if name not in body.model_fields_set:
            continue
        value = getattr(body, name)
        if value is None:
            out[name] = None
            continue
        try:
            out[name] = at(value, timezone_name, event_date)
        except (NoDate, NoSuchTime) as refusal:
            kind = "instant_date" if isinstance(refusal, NoDate) else "instant_skipped"
            raise RequestValidationError(
                [{"loc": ("body", name), "msg": str(refusal), "type": kind}]
            ) from None
    return out


# --- answers ----------------------------------------------------------------------------------

LOCAL_SUFFIX = "_local"


def with_local(data: Any, timezone_name: str) -> Any:
    """``data`` (a JSON-ready answer) with, after every ``x_at`` whose value is an integer or
    null, ``x_at_local``: the instant as ISO 8601 in the event's zone, to the second
    (``2026-12-04T10:00:00+01:00``), or null. Nested objects and lists too."""
    return _with_local(data, zone_of(timezone_name))


def _with_local(data: Any, zone: ZoneInfo) -> Any:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out[key] = _with_local(value, zone)
            if key.endswith("_at") and (value is None or type(value) is int):
                out[key + LOCAL_SUFFIX] = local_iso(value, zone)
        return out
    if isinstance(data, list):
        return [_with_local(item, zone) for item in data]
    return data
