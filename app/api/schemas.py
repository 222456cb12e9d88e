"""Request and response bodies of the REST API (the command schema lives in app.floor.commands;
the live state's answer in ``state_schemas.py``).

Answers: every ``x_at`` (epoch ms) is followed by ``x_at_local`` (``LocalTime``: the same instant
as ISO 8601 in the event's time zone, ``app/api/times.py``). Each answer model lists exactly the
keys the route sends: a field is required unless the route may leave it out."""

from __future__ import annotations

import datetime
import json
import re
import zoneinfo
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..floor.commands import (
    Aim,
    ClearableTime,
    CommandId,
    Kind,
    Line,
    Note,
    Organisation,
    SegmentPosition,
    Title,
)
from ..floor.model import (
    Attendance,
    Constituency,
    FloorLanguage,
    Gender,
    Language,
    RequestStatus,
    SegmentStatus,
    TurnKind,
)
from ..floor.text import PeoplesText
from .times import DATE, DATE_PATTERN, Instant

# People's text, cleaned then limited (app/floor/text.py); each limit fits its column in
# app/store/tables.py.
Name = Annotated[str, PeoplesText(120, required=True)]
Text = Annotated[str, PeoplesText(200)]


#: Names the host's zoneinfo directory holds that are no IANA zone of a place: ``localtime`` (the
#: host's own clock setting, so an event would read differently on another server),
#: ``posixrules`` and ``Factory`` (tzdb's placeholder for "no zone set"). ``zoneinfo.ZoneInfo``
#: loads them all, and ``available_timezones`` lists ``localtime`` and ``Factory``.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
#: Zones fixed at one offset all year whose names read as a region's time: "EST" (as a programme
#: writes "10:00 (EST)") is UTC-5 in May too, when New York is on UTC-4, so every time of a
#: summer hearing would be an hour off. Each with the zones a person most likely means.
_FIXED_ABBREVIATIONS = {
    "EST": "America/New_York (or America/Panama, which keeps UTC\u22125 all year)",
    "MST": "America/Denver (or America/Phoenix, which keeps UTC\u22127 all year)",
    "HST": "Pacific/Honolulu",
}
#: ``Etc/GMT+5`` is UTC-5 (POSIX's sign, the other way round from ISO 8601's) with no summer time.
_ETC_OFFSET = re.compile(r"^Etc/GMT[+-][0-9]+$")
#: The time zones an event may have: the IANA names this server knows, host pseudo-zones and
#: misleading fixed offsets left out (also the OpenAPI's enum, so a client can tell a valid one).
_ZONES = frozenset(
    zone
    for zone in (zoneinfo.available_timezones() - _NOT_ZONES) | {"UTC"}
    if zone not in _FIXED_ABBREVIATIONS and not _ETC_OFFSET.match(zone)
)
#: A zone by its name folded ("new york", "america/new_york"), for a refusal's suggestion.
_BY_FOLDED = {
    key: zone
    for zone in sorted(_ZONES, key=lambda name: (name.count("/") != 1, name))
    for key in (zone.casefold(), zone.rsplit("/", 1)[-1].replace("_", " ").casefold())
}


def _known_zone(value: str) -> str:
    """An IANA time zone this server knows, or a refusal saying what to send. Only the names in
    ``_ZONES``: ``ZoneInfo`` alone would also take ``localtime`` or ``right/UTC``, files of the
    host's zoneinfo directory; and not a fixed offset that reads as a region's time (``EST``)."""
    if value in _ZONES:
        return value
    if value in _FIXED_ABBREVIATIONS or _ETC_OFFSET.match(value):
        meant = _FIXED_ABBREVIATIONS.get(value, "the zone of the city, e.g. America/New_York")
        raise PydanticCustomError(
            "time_zone_fixed",
            "{shown} is a fixed offset all year, with no summer time, so times in summer would "
            "be an hour off: give the place's time zone, {meant}",
            {"shown": _shown(value), "meant": meant},
        )
    folded = " ".join(value.replace("_", " ").split()).casefold()
    suggestion = _BY_FOLDED.get(folded) or _BY_FOLDED.get(folded.replace(" ", "_"))
    raise PydanticCustomError(
        "time_zone",
        "{shown} is not a time zone this server knows: give an IANA time zone name such as "
        '"Europe/Zurich", "America/New_York" or "UTC"'
        + (f' (did you mean "{suggestion}"?)' if suggestion else ""),
        {"shown": _shown(value)},
    )


def _shown(value: object, limit: int = 40) -> str:
    """What was sent, quoted as JSON and cut short, for a refusal's message."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_DATE = re.compile(DATE)
_DATE_LIKE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _real_date(value: str) -> str:
    """A meeting day the server keeps, or a refusal a person can act on (not the pattern's
    regular expression, which stays in the OpenAPI for clients)."""
    if _DATE_LIKE.fullmatch(value) and _exists(value):
        if _DATE.fullmatch(value):  # the pattern: a real date of the years 1971 to 9998
            return value
        raise PydanticCustomError(  # 1970-01-01, 9999-12-31
            "date_range", "{shown} is out of range: years 1971 to 9998", {"shown": _shown(value)}
        )
    raise PydanticCustomError(
        "date_parsing",
        "{shown} is not a valid date: use YYYY-MM-DD, e.g. 2026-05-16",
        {"shown": _shown(value)},
    )


def _exists(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _a_switch(value: object) -> object:
    """A switch is a JSON boolean: not "yes", "on", "1" or 1, which lax pydantic would read as
    true (and publish a page)."""
    if type(value) is not bool:
        raise PydanticCustomError(
            "bool_type", "must be true or false, not {shown}", {"shown": _shown(value)}
        )
    return value


#: An IANA time zone name; the names this server knows, so a client (and schemathesis) can tell
#: a valid one.
Zone = Annotated[
    str,
    Field(
        description="An IANA time zone name (Europe/Zurich, America/New_York, UTC).",
        json_schema_extra={"enum": sorted(_ZONES)},
    ),
    AfterValidator(_known_zone),
]
#: The meeting day, ``YYYY-MM-DD`` (years 1971 to 9998, days that exist). The OpenAPI says so
#: with ``format`` and ``pattern``; a refusal says so in words (``_real_date``).
EventDate = Annotated[
    str,
    AfterValidator(_real_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]


def _some_languages(languages: list[Language]) -> list[Language]:
    """An event's languages: at least one, each once, in the order first sent (a language named
    twice counts once)."""
    if not languages:
        raise PydanticCustomError(
            "too_short",
            "give at least one of the six languages: ar, zh, en, fr, ru, es "
            "(leave the field out of a new event for all six)",
        )
    return list(dict.fromkeys(languages))


#: The event's languages, the same rule when it is made (``EventCreate``) and edited
#: (``EventPatch``): some of the six, at least one, a repeat dropped (``_some_languages``).
EventLanguages = Annotated[
    list[Language],
    Field(
        description="Some of the six languages, at least one; a language named twice counts once.",
        json_schema_extra={"minItems": 1},
    ),
    AfterValidator(_some_languages),
]
#: An on/off switch: JSON ``true`` or ``false`` only (``_a_switch``).
Switch = Annotated[bool, Strict(), BeforeValidator(_a_switch)]
EventTitle = Annotated[str, PeoplesText(300, required=True)]
Venue = Annotated[str, PeoplesText(300)]
#: ISO 8601 in the event's time zone, to the second: the ``x_at`` before it, for people.
LocalTime = Annotated[
    str,
    Field(
        description="The instant before it (`x_at`) as ISO 8601 in the event's time zone.",
        examples=["2026-12-04T10:00:00+01:00"],
        json_schema_extra={"format": "date-time"},
    ),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str | None


class ErrorOut(BaseModel):
    """A refusal (docs/protocol.md, Errors): its code and message, and what some carry."""

    error: ErrorDetail
    state: dict[str, Any] | None = Field(
        default=None, description="`stale_version`: the sender's current `snapshot`."
    )
    details: list[ErrorItem] | None = Field(
        default=None, description="`invalid_request`: each field refused and why."
    )
    retry_after_s: int | None = Field(default=None, description="`rate_limited`: when to retry.")
    reason: str | None = Field(
        default=None,
        description="`cannot_undo`: why, as a code a face words in its language (`import`, "
        "`removed`, ...).",
    )
    name: str | None = Field(default=None, description="`cannot_undo`: whom the reason names.")
    detail: dict[str, Any] | None = Field(
        default=None, description="`file_too_large`: the file's `size` and the `limit` (bytes)."
    )
    changed: dict[str, Any] | None = Field(
        default=None,
        description="`changed_since` of `PATCH /events/{event_id}`, `/segments/{segment_id}` "
        "or `/participants/{participant_id}`: each field named in `expected` that someone "
        "else changed, with its value now (instants with their `*_local`).",
    )
    text: str | None = Field(
        default=None,
        description="`edited_since`, `changed_since` of a contribution: its wording now.",
    )
    version: int | None = Field(
        default=None,
        description="`edited_since`, `changed_since` of a contribution: its version now (send "
        "it with the change if it still holds).",
    )
    status: str | None = Field(
        default=None, description="`changed_since` of a contribution: its status now."
    )
    merged_into: str | None = Field(
        default=None,
        description="`changed_since` of a contribution: the one it is merged into now, or null.",
    )
    note: str | None = Field(
        default=None, description="`changed_since` of a contribution: the curator's note now."
    )
    themes: list[str] | None = Field(
        default=None, description="`changed_since` of a contribution: its themes now."
    )
    objectives: list[int] | None = Field(
        default=None,
        description="`changed_since` of a contribution: its Global Compact objectives now.",
    )


#: The event's hard stop, as ``POST`` and ``PATCH /events`` take it.
HARD_STOP_DESCRIPTION = (
    "When interpretation ends and the room must close (the hard stop), in any form of an instant "
    "(`18:00` is read on the event's date, in its zone); the day's forecast is read against it. "
    "Not refused when it is not on the event's date, or comes before the programme starts or "
    "ends: `hard_stop_problem` says so."
)


class EventCreate(Body):
    title: EventTitle
    venue: Venue = ""
    room: Text = ""
    timezone: Zone = "UTC"
    date: EventDate | None = None
    languages: EventLanguages = Field(default_factory=lambda: list(Language))
    hard_stop_at: Instant | None = Field(default=None, description=HARD_STOP_DESCRIPTION)
    request_id: CommandId | None = Field(
        default=None,
        description="Made by the client, new for each meeting day it means to make (like a "
        "`command_id`). Sent again with the same body (its answer was lost), the event the "
        "first request made is answered (`201`, the same `id` and `join_code`) instead of a "
        "second meeting day; with another body, or once the event's details were changed "
        "since, `409 request_id_reused`.",
    )


EXPECTED_DESCRIPTION = (
    "The values you last read of the fields this request changes (same names and forms; null: "
    "had none). Someone else changed one since: `409 changed_since`, nothing is written, and "
    "`changed` holds those fields' values now. Left out: whatever is there is replaced."
)


class EventExpected(Body):
    """What the sender last read of an event's fields it changes (``PATCH /events/{id}``'s
    ``expected``)."""

    title: EventTitle | None = None
    venue: Venue | None = None
    room: Text | None = None
    timezone: Zone | None = None
    date: EventDate | None = None
    languages: EventLanguages | None = None
    live_published: Switch | None = None
    hard_stop_at: Instant | None = None


class EventPatch(EventExpected):
    """Changes to an event; a field left out, or null, stays as it is (so the date, once set,
    is changed, not removed), but for ``hard_stop_at``, which null clears."""

    hard_stop_at: Instant | None = Field(
        default=None,
        description=HARD_STOP_DESCRIPTION + " Null: no hard stop any more. Moved with the "
        "programme (`move_programme`) when it is on the event's date.",
    )

    live_published: Switch | None = Field(
        default=None,
        description="Publish (true) or withdraw (false) the public live page "
        "`/live/{event_id}`; withdrawing closes the pages open now.",
    )
    move_programme: Switch = Field(
        default=False,
        description="With a new `date` or `timezone`: move the segments still to come so that "
        "they keep their local times (10:00 stays 10:00 on the new date, in the new zone). "
        "Without it their instants stay as they are and read at other local times.",
    )
    expected: EventExpected | None = Field(default=None, description=EXPECTED_DESCRIPTION)


class HardStopProblemOut(BaseModel):
    """The event's hard stop disagrees with its date or its programme
    (app/floor/programme.py): not on the event's date (``not_on_event_day``), before the
    programme's first start (``before_first_start``) or before its last planned end
    (``before_programme_end``). Not refused: the desk shows it."""

    code: Literal["not_on_event_day", "before_first_start", "before_programme_end"]
    other_at: int = Field(
        description="What it disagrees with: the start of the event's day, the programme's first "
        "start or its last planned end."
    )
    other_at_local: LocalTime
    message: str = Field(description="In English, saying what to do; times in local time.")


class TimingProblemOut(BaseModel):
    """The programme's order and a segment's time disagree (app/floor/programme.py): it starts
    before the segment above it starts (``starts_before_previous``) or ends
    (``overlaps_previous``), or it starts on another day than the event's date
    (``not_on_event_day``). Not refused: the desk shows it, to be fixed by a time or a move."""

    code: Literal["starts_before_previous", "overlaps_previous", "not_on_event_day"]
    previous_segment_id: str | None = Field(
        description="The segment above it that it disagrees with (null: `not_on_event_day`)."
    )
    message: str = Field(description="In English, with the times in the event's local time.")


class FirstSpeakerOut(BaseModel):
    """Who speaks first in a segment still to come, as the room display shows a next speaker."""

    id: str = Field(description="The queue entry's id.")
    name: str
    name_lang: str = Field(description="As a queue entry's: the script the name is written in.")
    organisation: str
    organisation_lang: str = Field(description="The same of the organisation.")
    constituency: Constituency
    language: FloorLanguage | None = Field(description="The language they take the floor in.")
    attendance: Attendance
    kind: TurnKind


class ProgrammeEntryOut(BaseModel):
    """A programme entry as the screens get it: a segment's details, status and live version."""

    id: str
    event_id: str
    title: str
    kind: str
    aim: str
    moderator: str
    position: int
    scheduled_start_at: int | None
    scheduled_start_at_local: LocalTime | None
    scheduled_end_at: int | None
    scheduled_end_at_local: LocalTime | None
    status: SegmentStatus
    actual_start_at: int | None
    actual_start_at_local: LocalTime | None
    actual_end_at: int | None
    actual_end_at_local: LocalTime | None
    resumes_at: int | None = Field(
        description="A break's resumption as the moderator announced it (`announce_resumption`): "
        "said instead of the next segment's scheduled start; null: as the programme says."
    )
    resumes_at_local: LocalTime | None
    version: int
    first: FirstSpeakerOut | None = Field(
        description="While the segment has not started: the head of its queue, who speaks first "
        "in it (the booth shows it during the break before); null once it has started, or with "
        "nobody queued."
    )
    next_id: str | None = Field(
        description="The first segment after it in the programme that has not ended, whatever "
        "its kind: what the room is told comes next once it ends; null: none is to come."
    )
    resumes_with_id: str | None = Field(
        description="The first segment after it that has not ended and is no break: where the "
        "meeting resumes after it (a break's `resumes_at`, if announced, says when)."
    )
    closes_hearing: bool = Field(
        description="Nothing after it is still to come (`next_id` is null): once it has ended, "
        "the hearing has closed (a segment left out before it is not held after it)."
    )
    leaves_unrun: list[str] = Field(
        description="When it closes the hearing: the ids of the segments that have not run and "
        "will not (scheduled, no break), in programme order; empty otherwise."
    )


class SegmentOut(ProgrammeEntryOut):
    """A programme entry as REST answers it: also whether its time agrees with the segment above
    it."""

    timing_problem: TimingProblemOut | None = Field(
        default=None,
        description="Set when it starts before the segment above it starts or ends: a programme "
        "moved but not retimed, or a typing slip.",
    )
    removal_refused: RefusalOut | None = Field(
        default=None,
        description="Why `DELETE /segments/{segment_id}` would be refused now "
        "(`segment_not_removable`: it has run, someone waits in it, a contribution was made in "
        "it); null: it may be removed.",
    )


class RefusalOut(BaseModel):
    """A refusal a request would meet now, as its error would say it."""

    code: str
    message: str
    reason: str | None = Field(
        default=None,
        description="Why, as a word a face puts in its own language (`segment_not_removable`: "
        "`has_run`, `queued`, `requests`, `contributions`)",
    )
    count: int | None = Field(
        default=None, description="How many speakers, requests or contributions `reason` counts"
    )


class Revisions(BaseModel):
    """Tokens that change whenever what the matching read answers changes: a desk polls these
    and reads again only what another organiser changed (opaque; compare for equality only)."""

    event: str = Field(
        description="`GET /events/{event_id}` (its join code and live page too), but for its "
        "`segments`: those are `programme`'s"
    )
    programme: str = Field(
        description="`GET /events/{event_id}/segments`, but for each segment's `version` (the "
        "floor's commands)"
    )
    participants: str = Field(description="`GET /events/{event_id}/participants`")
    access_links: str = Field(description="`GET /events/{event_id}/access-links`")


class EventOut(BaseModel):
    id: str
    title: str
    venue: str
    room: str
    timezone: str
    date: str = Field(description="`YYYY-MM-DD`, or empty when the event has no date.")
    languages: list[Language]
    join_code: str | None = Field(description="null when a delegate asks.")
    live_published: bool = Field(
        description="Whether the public live page `/live/{event_id}` is published (anyone may "
        "open it, no key)."
    )
    live_segment_id: str | None
    segments: list[SegmentOut]
    link_expiry_default_at: int | None = Field(
        default=None,
        description="When an access link made for this event should expire unless told "
        "otherwise: 23:59 on the day after its date (null without a date).",
    )
    link_expiry_default_at_local: LocalTime | None = None
    hard_stop_at: int | None = Field(
        default=None,
        description="When interpretation ends and the room must close (null: no hard stop).",
    )
    hard_stop_at_local: LocalTime | None = None
    hard_stop_problem: HardStopProblemOut | None = Field(
        default=None,
        description="Set when the hard stop is not on the event's date, or comes before the "
        "programme starts or ends.",
    )
    import_limit_bytes: int = Field(
        default=0, description="The largest spreadsheet `…/participants/import` takes, in bytes."
    )
    deletable: bool = Field(
        default=False,
        description="Whether `DELETE /events/{event_id}` would delete it now, for the caller: "
        "the organiser key, and nothing on the day's record (no segment ever started, no turn, "
        "floor request or contribution).",
    )
    not_deletable_reason: RefusalOut | None = Field(
        default=None,
        description="Why not (null when `deletable`), as the refusal would say it: "
        "`event_not_deletable` naming what is on the record, or `forbidden` for a caller other "
        "than the organiser key.",
    )


class EventDelete(Body):
    """``DELETE /events/{event_id}``: the meeting day's title, as it is now, so that a slip (an
    id pasted from another line of a script) cannot delete another day."""

    title: EventTitle = Field(
        description="The event's title, exactly as `GET /events/{event_id}` answers it."
    )


#: The instant fields of a segment's body, read by ``times.resolve`` with the event.
SEGMENT_INSTANTS = ("scheduled_start_at", "scheduled_end_at")


class SegmentCreate(Body):
    """A new segment (the ``create_segment`` command's fields, its instants in any form)."""

    command_id: CommandId
    title: Title
    kind: Kind = "discussion"
    aim: Aim = ""
    moderator: Line = ""
    scheduled_start_at: Instant | None = None
    scheduled_end_at: Instant | None = None
    position: SegmentPosition | None = Field(
        default=None, description="Its place in the programme; left out: after the last segment."
    )


class SegmentExpectedIn(Body):
    """What the sender last read of a segment's fields it changes (``update_segment``'s
    ``expected``); times in any form ``POST .../segments`` takes."""

    title: Title | None = None
    kind: Kind | None = None
    aim: Aim | None = None
    moderator: Line | None = None
    scheduled_start_at: Instant | None = None
    scheduled_end_at: Instant | None = None
    position: SegmentPosition | None = None


class SegmentPatch(SegmentExpectedIn):
    """Changes to a segment (``update_segment``); a field left out stays as it is, and so does a
    text or ``position`` sent as null. A time sent as null (``"scheduled_end_at": null``) is
    cleared, as ``clear`` clears it."""

    command_id: CommandId
    scheduled_start_at: Instant | None = Field(
        default=None,
        description="When it starts, in any form of an instant (`10:00` is read on the event's "
        "date, in its zone); null: it has no start time any more.",
    )
    scheduled_end_at: Instant | None = Field(
        default=None,
        description="When it ends, as `scheduled_start_at`; null: it has no end time any more "
        "(it ends when it ends).",
    )
    # at most the largest integer every JSON reader keeps exact (2^53 - 1)
    base_version: Annotated[int, Strict(), Field(ge=0, le=2**53 - 1)] | None = None
    clear: list[ClearableTime] = Field(
        default_factory=list,
        description="Times the segment has no more (`scheduled_end_at`: a segment that ends when "
        "it ends), as a time sent as null; not also given a value in the same request.",
    )
    expected: SegmentExpectedIn | None = Field(default=None, description=EXPECTED_DESCRIPTION)


class ParticipantCreate(Body):
    join_code: Annotated[str, Field(max_length=32)] | None = Field(
        default=None, description="Required when a delegate registers themselves."
    )
    name: Name
    title: Annotated[str, PeoplesText(120)] = ""
    organisation: Organisation = ""
    constituency: Constituency
    region: Annotated[str, PeoplesText(80)] = ""
    language: FloorLanguage = Field(
        default=FloorLanguage.ENGLISH,
        description="The language they take the floor in: one of the six, or `other`.",
    )
    attendance: Literal["in_room", "remote"] = "in_room"
    gender: Gender | None = Field(default=None, description="Optional, self-declared.")
    registration_id: (
        Annotated[str, Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")] | None
    ) = Field(
        default=None,
        description=(
            "An id the client makes for this registration (16 to 64 letters, digits, `-` or "
            "`_`, random). Sent again with the same id and the same particulars (its answer was "
            "lost), the registration made the first time is answered, with a new token, instead "
            "of a second person; with other particulars, 409 `registration_id_reused`."
        ),
    )


class ParticipantExpected(Body):
    """What the sender last read of a participant's particulars it corrects (``PATCH
    /participants/{id}``'s ``expected``; ``gender`` ``"not_stated"``: none stated)."""

    name: Name | None = None
    title: Annotated[str, PeoplesText(120)] | None = None
    organisation: Organisation | None = None
    constituency: Constituency | None = None
    region: Annotated[str, PeoplesText(80)] | None = None
    language: FloorLanguage | None = None
    attendance: Literal["in_room", "remote"] | None = None
    gender: Gender | Literal["not_stated"] | None = None


class ParticipantPatch(ParticipantExpected):
    """A participant's particulars corrected by the secretariat (a misspelt name, the wrong
    organisation or constituency); a field left out, or null, stays as it is. ``gender``
    ``"not_stated"`` removes a stated gender."""

    language: FloorLanguage | None = Field(
        default=None, description="The language they take the floor in: one of the six, or `other`."
    )
    gender: Gender | Literal["not_stated"] | None = Field(
        default=None, description="Self-declared; `not_stated` removes it."
    )
    expected: ParticipantExpected | None = Field(default=None, description=EXPECTED_DESCRIPTION)


class ParticipantCorrected(BaseModel):
    participant: ParticipantOut
    segments_corrected: list[str] = Field(
        description="The segments that showed them otherwise (queue, requests, floor, record) "
        "and now show the corrected particulars."
    )


class ParticipantOut(BaseModel):
    id: str
    event_id: str
    name: str
    title: str
    organisation: str
    constituency: str
    region: str
    language: str
    attendance: str
    gender: str | None = None
    has_phone: bool | None = Field(
        default=None,
        description="In the event's list of participants: whether a phone holds a live key of "
        "theirs (a phone link made, or a join from a phone; not the staff's registration), i.e. "
        "whom a new phone link would sign out. null in other answers.",
    )


class Joined(BaseModel):
    participant: ParticipantOut
    token: str = Field(description="The delegate's secret: send it as Authorization: Bearer.")


class PhoneLink(BaseModel):
    """A registered participant's own way in from their phone, made at the secretariat's desk:
    the join page with a delegate key for them (shown once; the QR code drawn here)."""

    participant_id: str
    url: str = Field(description="`/join/{join_code}#key={token}`: opens the phone page signed in.")
    token: str = Field(description="The delegate's secret, shown once.")
    qr_svg: str = Field(description="The QR code of the whole address (with the public URL).")


class PhoneLinkCreate(Body):
    """``POST /participants/{participant_id}/phone-link``: no body (or ``{}``) makes the link
    whatever phone they have; ``if_no_phone`` makes it only if no phone holds a key of theirs."""

    if_no_phone: bool = Field(
        default=False,
        description="true: refused `409 has_phone` (nothing made, no phone signed out) when a "
        "phone already holds a live key of theirs, so the desk asks first; false (default): a "
        "new link signs that phone out.",
    )


class JoinCodeRotate(Body):
    """``POST /events/{event_id}/join-code`` takes no fields: the server makes the new code. No
    body, or ``{}``; a field sent is refused (as in every body), in words that say so."""

    @model_validator(mode="before")
    @classmethod
    def _no_fields(cls, data: Any) -> Any:
        if isinstance(data, dict) and data:
            raise PydanticCustomError(
                "extra_forbidden",
                "this request takes no fields, not {fields}: the server makes the new join "
                "code; send no body, or {}",
                {"fields": ", ".join(_shown(name) for name in list(data)[:5])},
            )
        if not isinstance(data, dict):
            raise PydanticCustomError(
                "dict_type",
                "this request takes no body: the server makes the new join code; send no body, "
                "or {}",
            )
        return data


class JoinInfo(BaseModel):
    event_id: str
    title: str
    venue: str
    room: str
    date: str
    timezone: str
    languages: list[str]
    live_segment_id: str | None


class FloorRequestCreate(Body):
    command_id: CommandId
    kind: Literal[TurnKind.INTERVENTION, TurnKind.POINT_OF_ORDER, TurnKind.RIGHT_OF_REPLY] = (
        TurnKind.INTERVENTION
    )
    note: Note = ""


class CommandResult(BaseModel):
    command_id: str
    segment_id: str | None
    version: int
    events: list[str]
    request_id: str | None = Field(default=None, description="The new request, for request_floor.")
    duplicate: bool = False


class OwnRequest(BaseModel):
    """One of a delegate's own requests in a segment (as in the ``mine`` message)."""

    id: str
    kind: TurnKind
    status: RequestStatus
    note: str
    reason: str
    entry_id: str | None
    requested_at: int
    requested_at_local: LocalTime
    carried_to: str | None = Field(
        default=None,
        description="`removed` because the segment ended and the moderator carried the "
        "waiting speakers on: the segment the place goes on in (the same request id there).",
    )
    dropped: bool = Field(
        default=False,
        description="`removed` because the segment ended before its turn and the moderator "
        "dropped the waiting speakers: not taken up (the phone says so until dismissed).",
    )


class OwnTurn(BaseModel):
    """One of a delegate's turns that no request of theirs stands for (the moderator, or the
    secretariat's import, queued them directly: a panellist)."""

    entry_id: str
    kind: TurnKind
    status: Literal["queued", "speaking", "paused"]


class CanRequest(BaseModel):
    """Per kind a delegate may ask for, the code of what refuses it now, or null."""

    intervention: str | None
    point_of_order: str | None
    right_of_reply: str | None


class FloorRequestResult(BaseModel):
    """The answer to a delegate's floor request: the command's result, their requests in the
    segment and what they may ask for next."""

    command_id: str
    segment_id: str
    version: int
    events: list[str]
    request_id: str | None
    duplicate: bool
    requests: list[OwnRequest]
    can_request: CanRequest


#: The furthest ahead an access link may expire (a hearing's links are made weeks before it).
MAX_LINK_LIFE_S = 400 * 86_400


class AccessLinkCreate(Body):
    """A new access link; it expires after ``expires_in_s`` or at ``expires_at`` (one of the
    two, or neither: it never expires)."""

    role: Literal["organiser", "moderator", "display", "rapporteur", "booth", "device"]
    label: Text = ""
    expires_in_s: Annotated[int, Strict(), Field(gt=0, le=MAX_LINK_LIFE_S)] | None = None
    expires_at: Instant | None = Field(
        default=None,
        description="When it expires, in any form of an instant (`2026-05-17T23:59` is read in "
        "the event's zone); the event's `link_expiry_default_at` lasts until the day after it.",
    )
    request_id: CommandId | None = Field(
        default=None,
        description="Made by the client, new for each link it means to make. A retry with the "
        "same id (its answer was lost) revokes the link the lost answer held and makes another: "
        "one live link per request, whose secret is in the last answer; the answer's "
        "`replaced` names the link revoked. Unlike a `command_id`, a script run again with the "
        "same ids replaces its links (and closes the screens open with them): give each run "
        "new ids, or send none.",
    )


class KeyRevokedToo(BaseModel):
    """A participant's key that revoking an access link revokes too: made with that link, or
    with a link made with it (``made_by``)."""

    id: str = Field(description="The key's id (one of the link's `revokes_too`).")
    participant_id: str
    name: str = Field(description="The participant's name, as registered.")
    kind: Literal["phone_link", "registration"] = Field(
        description="`phone_link`: made by `POST /participants/{id}/phone-link` (a phone signs "
        "in with it: they need a new phone link); `registration`: the key answered when the "
        "staff registered them (`POST /events/{id}/participants`)."
    )


class AccessLinkOut(BaseModel):
    id: str
    role: str
    label: str
    created_at: int
    created_at_local: LocalTime
    expires_at: int | None
    expires_at_local: LocalTime | None
    revoked_at: int | None
    revoked_at_local: LocalTime | None
    expires_before_event: bool = Field(
        default=False,
        description="It expires before the event's day ends: make one that lasts longer for "
        "the day.",
    )
    made_by: str | None = Field(
        default=None,
        description="The access link this one was made with (an organiser link handed to a "
        "helper): revoking that link revokes this one too, and it expires no later. Null: made "
        "with the organiser key.",
    )
    revokes_too: list[str] = Field(
        default_factory=list,
        description="The ids of the live credentials revoking this one revokes too: the links "
        "made with it, and with them (`made_by`), and the participants' keys made with any of "
        "these (phone links, staff registrations: `revokes_keys_too`), oldest first.",
    )
    revokes_keys_too: list[KeyRevokedToo] = Field(
        default_factory=list,
        description="The participants' keys among `revokes_too`, each with whose it is: the "
        "phones signed in with them are signed out when this link is revoked, and need a new "
        "phone link. Oldest first.",
    )
    token: str | None = Field(default=None, description="Shown once, when the link is made.")
    url: str | None = Field(
        default=None,
        description="The link's address on this server, shown once with the `token`: "
        "`/moderator#key=…` (the key after the `#`, which no server sees); a button box's "
        "(`device`) is the path of its actions, its key sent as a Bearer token.",
    )
    absolute_url: str | None = Field(
        default=None,
        description="`url` with the server's public address before it (`FLOORKEEPER_PUBLIC_URL`, "
        "else the request's): the address the QR code holds, to send as it is.",
    )


class SessionCreate(Body):
    token: Annotated[str, Field(min_length=1, max_length=200)]


class SessionOut(BaseModel):
    role: str
    event_id: str | None
    participant_id: str | None
    participant: ParticipantOut | None = None


class SpeechOut(BaseModel):
    """One turn given, timed or not (``skipped``: called but did not speak)."""

    entry_id: str
    request_id: str | None
    name: str
    organisation: str
    constituency: str
    participant_id: str | None
    region: str
    attendance: str
    language: str | None
    gender: str | None = None
    kind: str
    skipped: bool
    allotted_ms: int
    called_at: int
    called_at_local: LocalTime
    timer_started_at: int | None
    timer_started_at_local: LocalTime | None
    started_at: int
    started_at_local: LocalTime
    ended_at: int
    ended_at_local: LocalTime
    held_ms: int
    timed_ms: int
    spoken_ms: int
    overrun_ms: int
    #: an interposed turn: the entry of the turn it interrupted; an answer: its question's entry
    interposed_in: str | None = None
    answers: str | None = None
    #: the time interposed turns held the floor while this one waited (not in ``held_ms``)
    interposed_ms: int = 0
    suspended_ms: int = Field(
        default=0,
        description="The time the segment stood ended during the turn, its end then undone: "
        "nobody's speaking time (held_ms + interposed_ms + suspended_ms is called to ended).",
    )


class DayRecordRow(BaseModel):
    """One turn of the day's record (``GET /events/{event_id}/speeches``, app/exports.py), or
    a place in the queue not heard (still waiting when the segment ended: ``carried``,
    ``dropped``, ``waiting``; gone before: ``withdrawn``, ``removed``), or a floor request never
    given a place (``request_*``): every floor request of an ended segment has its row;
    each instant ``x_at`` with ``x_at_local``, each duration ``x_ms`` with ``x_s`` (whole
    seconds) and ``x_mss`` (``m:ss``, ``h:mm:ss`` from an hour)."""

    segment_title: str
    segment_position: int
    turn: int | None = Field(
        description="1-based within the segment; null for a speaker not heard in it"
    )
    kind: str
    status: Literal[
        "spoken",
        "skipped",
        "carried",
        "dropped",
        "waiting",
        "withdrawn",
        "removed",
        "request_carried",
        "request_dropped",
        "request_waiting",
        "request_withdrawn",
        "request_declined",
        "request_removed",
    ] = Field(
        description="`spoken`, `skipped`: a turn given. A place in the queue not heard when the "
        "segment ended: `carried` (to `carried_to`), `dropped`, `waiting` (left in its queue); "
        "or gone from it before: `withdrawn` (after approval), `removed` (by the moderator). "
        "A floor request never given a place: `request_carried`, `request_dropped`, "
        "`request_waiting` (still awaiting the moderator when the segment ended), "
        "`request_withdrawn`, `request_declined`, `request_removed`. Once a segment has ended, "
        "every floor request it received has its row there (one withdrawn, declined or "
        "removed at once); a request carried on has one in each segment it reached, the last "
        "saying what became of it"
    )
    name: str
    organisation: str
    constituency: str
    region: str
    attendance: str
    floor_language: str
    gender: str
    called_at: int | None
    called_at_local: LocalTime | None
    timer_started_at: int | None
    timer_started_at_local: LocalTime | None
    ended_at: int | None
    ended_at_local: LocalTime | None
    held_ms: int | None
    held_s: int | None
    held_mss: str | None
    timed_ms: int | None
    timed_s: int | None
    timed_mss: str | None
    allotted_ms: int | None
    allotted_s: int | None
    allotted_mss: str | None
    overrun_ms: int | None
    overrun_s: int | None = Field(
        description="The overrun in whole seconds: `timed_s - allotted_s` (each rounded first, "
        "so that allotted and overrun add up to the time on the timer), not `overrun_ms` "
        "rounded alone; 0 when the turn kept to its time"
    )
    overrun_mss: str | None
    interposed_in_turn: int | None
    answers_turn: int | None
    day_turn: int | None = Field(
        description="1-based across the whole day in the order the turns were called (rows are "
        "in programme order; a segment held out of order or moved after keeps this); null for a "
        "speaker not heard"
    )
    interposed_ms: int | None = Field(
        description="The time interposed questions and answers held the floor while this turn "
        "waited: held_ms + interposed_ms + suspended_ms is called to ended"
    )
    interposed_s: int | None
    interposed_mss: str | None
    suspended_ms: int | None = Field(
        description="The time the segment stood ended during the turn, its end then undone "
        "(nobody's speaking time); 0 for most turns, null for a speaker not heard"
    )
    suspended_s: int | None
    suspended_mss: str | None
    carried_to: str = Field(
        description="A place or a request carried unheard to another segment (`status` "
        '`carried`, `request_carried`): its title; "" otherwise'
    )
    requested_at: int | None = Field(
        description="When the floor request behind the row was made (epoch ms); null for a "
        "speaker the moderator added"
    )
    requested_at_local: LocalTime | None


# --- health -------------------------------------------------------------------------------------


class HealthOut(BaseModel):
    status: Literal["ok", "storage_unavailable"] = Field(
        description="`storage_unavailable` (with HTTP 503) while the database cannot be written "
        "(its last write failed: a full disk, PostgreSQL unreachable); `ok` again once a write "
        "succeeds."
    )
    storage_error: str | None = Field(
        default=None, description="Why the last write failed, while it is the last one."
    )
    version: str
    build: str | None = Field(
        default=None,
        description="Which code this server runs: a hash of its code, faces and migrations (12 "
        "hex digits; two machines with the same build serve the same), as `floorkeeper "
        "--version` says it; null in the first moments after the start, while it is read.",
    )
    schema_revision: str | None = Field(
        default=None,
        description="The database schema this build's migrations reach (`0008`): a database "
        "it migrated is refused by an older build, so a spare machine must reach at least it.",
    )
    server_time: int = Field(description="The server's clock, epoch ms.")
    events: int
    subscribers: int = Field(description="Sockets open now.")


# --- the moderator's instruments (app/floor/balance.py, fairness.py, schedule.py) ---------------


class Tally(BaseModel):
    key: str
    turns: int
    held_ms: int


class Breakdown(BaseModel):
    """Turns and time holding the floor, in all and by constituency, region, gender, group."""

    turns: int
    held_ms: int
    by_constituency: list[Tally]
    by_region: list[Tally]
    by_gender: list[Tally]
    by_group: list[Tally]


class Heard(BaseModel):
    all: Breakdown
    panellists: Breakdown
    floor: Breakdown


class Budget(BaseModel):
    constituency: Constituency
    budget_ms: int
    used_ms: int
    left_ms: int = Field(description="Negative when over budget.")
    state: Literal["ok", "low", "out"]
    speaking: bool


class BalanceOut(BaseModel):
    segment_id: str
    as_of_at: int
    as_of_at_local: LocalTime
    segment: Heard
    day: Heard
    budgets: list[Budget]


class Suggested(BaseModel):
    id: str
    position: int
    arrival_position: int
    why: Literal["point_of_order", "least_heard", "arrival"]
    constituency_turns: int  # heard today, as the record says
    region_turns: int
    constituency_earlier: int  # places earlier in this suggested order
    region_earlier: int


class SuggestedOrderOut(BaseModel):
    segment_id: str
    of: Literal["requests", "queue"]
    order: list[Suggested]


class ScheduleRow(BaseModel):
    segment_id: str
    title: str
    status: SegmentStatus
    scheduled_start_at: int | None
    scheduled_start_at_local: LocalTime | None
    scheduled_end_at: int | None
    scheduled_end_at_local: LocalTime | None
    actual_start_at: int | None
    actual_start_at_local: LocalTime | None
    actual_end_at: int | None
    actual_end_at_local: LocalTime | None
    forecast_start_at: int | None
    forecast_start_at_local: LocalTime | None
    forecast_end_at: int | None
    forecast_end_at_local: LocalTime | None
    drift_ms: int | None = Field(description="Positive: late.")
    timing: Literal["on_time", "late", "early"] | None = Field(
        description="What `drift` says, as a code (on time: within a minute)."
    )
    drift: str | None = Field(examples=["running 7 min late"])


class LiveTime(BaseModel):
    """The live segment against its scheduled end."""

    segment_id: str
    time_left_ms: int | None
    queue_needs_ms: int
    queued: int
    pending: int
    pending_needs_ms: int = Field(
        description="What the `pending` requests would add to `queue_needs_ms` if approved, each "
        "at its kind's time (not counted in it)."
    )
    fits: bool | None
    over_ms: int | None
    per_speaker_ms: int | None = Field(
        description="The time each waiting speaker may have (`set_queue_times`) for the queue to "
        "end at the planned end; once no share of 30 s or more fits, 60 s each to recover "
        "(`recover_over_ms` set); null when nothing is offered."
    )
    per_speaker_count: int = Field(
        description="How many waiting turns `per_speaker_ms` is for: the queued but its points "
        "of order and rights of reply, which keep their own time."
    )
    finish_at: int | None = Field(
        description="When the segment ends with `per_speaker_ms` each: its planned end, or past "
        "it when recovering."
    )
    finish_at_local: LocalTime | None
    finish: str | None = Field(description="`finish_at` as the clock reads it, for people.")
    recover_over_ms: int | None = Field(
        description="Recovering: how far past its planned end the segment then ends; else null."
    )
    per_speaker: str | None = Field(
        examples=[
            "8 left — 2:15 each to finish at 13:00",
            "3 left — 1:00 each: ends at 13:06, 6 min past the planned end",
        ]
    )


class Rehearsal(BaseModel):
    shift_ms: int
    begun: bool = Field(
        description="Whether the day has begun: false, its schedule is read as if it began now."
    )
    words: str


class QueueCut(BaseModel):
    """The live segment's speaking time each that ends the day by its hard stop."""

    segment_id: str
    title: str
    count: int = Field(description="The waiting turns given `each_ms` (`set_queue_times`).")
    kept: int = Field(description="Waiting points of order and replies: they keep their time.")
    each_ms: int = Field(
        description="The largest time each (a multiple of 5 s, at least 30 s) with which the "
        "day ends by the stop; when none does, 60 s each (`reaches` false)."
    )
    over_ms: int = Field(description="The day's end against the stop with it (positive: past).")
    end_at: int = Field(description="When the day then ends.")
    end_at_local: LocalTime
    reaches: bool = Field(description="Whether the day then ends by the stop.")


class LaterSegment(BaseModel):
    segment_id: str
    title: str
    is_break: bool
    planned_ms: int | None = Field(description="Its planned length (null: no planned end).")


class Cut(BaseModel):
    """Where the minutes past the hard stop can come from (`app/floor/cuts.py`)."""

    queue: QueueCut | None = Field(
        description="The live segment's queue at a shorter time each; null when it has no "
        "turn to shorten."
    )
    later: list[LaterSegment] = Field(
        description="The segments still to come, in programme order, with their planned length."
    )
    words: str | None = Field(
        examples=[
            "give each of the 8 waiting 1:30: the day then ends at 17:58",
            "at 1:00 each the 8 waiting still leave the day 6 min past the stop; shorten what "
            "is still to come: Closing (15 min)",
        ]
    )


class HardStop(BaseModel):
    """The day's forecast end against the event's hard stop (when interpretation ends)."""

    scheduled_at: int = Field(description="The event's hard stop, as set (`hard_stop_at`).")
    scheduled_at_local: LocalTime
    stop_at: int = Field(
        description="The hard stop as this run reads it: `scheduled_at`, moved as the schedule "
        "is in a rehearsal on another day (`rehearsal`)."
    )
    stop_at_local: LocalTime
    forecast_end_at: int | None = Field(
        description="When the day is forecast to end: the latest forecast end of its segments "
        "(null: no segment has a time)."
    )
    forecast_end_at_local: LocalTime | None
    over_ms: int | None = Field(description="`forecast_end_at` minus `stop_at` (positive: past).")
    minutes: int | None = Field(
        description="`over_ms` in whole minutes: past it rounded up, before it rounded down."
    )
    timing: Literal["clear", "near", "over"] | None = Field(
        description="`over`: forecast past the stop; `near`: within 10 minutes before it; "
        "`clear`: earlier."
    )
    ended: bool = Field(description="Every segment has ended: `forecast_end_at` is the day's end.")
    words: str | None = Field(
        examples=["forecast to end at 18:20, 20 min past the end of interpretation (18:00)"]
    )
    days_after: int = Field(
        default=0,
        description="How many days after the programme's first scheduled day the stop falls "
        "(a night session's stop past midnight: 1); the faces say `+1 day` after its time.",
    )
    cut: Cut | None = Field(
        default=None,
        description="Where the minutes past the stop can come from; null unless the day is "
        "forecast past its stop (`over`) and has not ended.",
    )


class ScheduleOut(BaseModel):
    as_of_at: int
    as_of_at_local: LocalTime
    timezone: str
    segments: list[ScheduleRow]
    live: LiveTime | None
    hard_stop: HardStop | None = Field(
        description="The day's forecast end against the event's hard stop (null: none)."
    )
    rehearsal: Rehearsal | None


# --- the outcome (app/floor/contributions.py: ``view``) -----------------------------------------


class Author(BaseModel):
    participant_id: str | None
    name: str
    name_lang: str = Field(
        description="The language the name's letters are written in (`ar`, `zh`, `ru`…), or "
        '"" (Latin): a screen reader\'s voice for it'
    )
    organisation: str
    organisation_lang: str = Field(description="As `name_lang`, of the organisation")
    constituency: str


class _Contribution(BaseModel):
    id: str
    kind: Literal["recommendation", "pledge"]
    text: str
    original_text: str
    author: Author
    segment_id: str | None
    entry_id: str | None
    language: str = Field(description="The language of `text` (a translation's, once reworded)")
    original_language: str = Field(
        description="The language it was submitted in (`language` unless translated)"
    )
    status: Literal["submitted", "accepted", "set_aside", "merged"]
    merged_into: str | None
    themes: list[str]
    theme_labels: list[str] = Field(
        description="One for one with `themes`: the label the outcome groups and prints each "
        "under (a theme naming a programme segment, in any case or by its short title, is that "
        "segment's title)"
    )
    objectives: list[int]


class OwnContribution(_Contribution):
    """A contribution as its author (a delegate) sees it: everything but the curator's note."""

    submitted_at: int
    submitted_at_local: LocalTime
    updated_at: int
    updated_at_local: LocalTime
    version: int


class Contribution(_Contribution):
    """A contribution as the floor and the rapporteur see it: every field."""

    note: str
    submitted_at: int
    submitted_at_local: LocalTime
    updated_at: int
    updated_at_local: LocalTime
    version: int


class PublicContribution(BaseModel):
    """An accepted contribution as the room's screens show it."""

    id: str
    kind: Literal["recommendation", "pledge"]
    text: str
    language: str = Field(description="The language it was written in (`ar` is right to left)")
    constituency: str
    organisation: str
    themes: list[str]
    theme_labels: list[str] = Field(description="As in `Contribution`")
    objectives: list[int]


class ReflectionTheme(BaseModel):
    """One theme of the group reflection, in the outcome's order."""

    theme: str | None = Field(description='The label it is printed under; null: "Other"')
    ids: list[str] = Field(
        description="Its accepted contributions, recommendations then pledges, each kind "
        "earliest first"
    )


REFLECTION_DESCRIPTION = (
    "The accepted contributions in the order the outcome documents list and number them: by "
    "theme (the programme's segments in programme order, then other labels as first used, "
    '"Other" last), then recommendations before pledges. The faces step through the reflection '
    'in this order and count "2 of 4" by it.'
)


class ReflectionSteps(BaseModel):
    """Where the reflection's Previous and Next go from what the room display shows."""

    previous_id: str | None = Field(description="The contribution Previous shows; null: none")
    next_id: str | None = Field(
        description="The contribution Next shows (nothing shown: the first); null: none. From "
        "the shown contribution's place as it was shown: re-tagged while shown, it moves in "
        "`reflection` but the steps go on from where it was, skipping nothing."
    )


class Outcome(BaseModel):
    """The floor's and the rapporteur's outcome: every contribution."""

    event_id: str
    version: int
    shown_id: str | None
    contributions: list[Contribution]
    reflection: list[ReflectionTheme] = Field(description=REFLECTION_DESCRIPTION)
    steps: ReflectionSteps


class PublicOutcome(BaseModel):
    """The room's screens: the accepted contributions and the one shown."""

    event_id: str
    version: int
    shown_id: str | None
    shown: PublicContribution | None
    contributions: list[PublicContribution]
    reflection: list[ReflectionTheme] = Field(description=REFLECTION_DESCRIPTION)


class DelegateOutcome(BaseModel):
    """A delegate's own contributions."""

    event_id: str
    version: int
    contributions: list[OwnContribution]


class OutcomeResult(BaseModel):
    """The answer to an outcome command."""

    command_id: str
    event_id: str
    version: int = Field(description="The outcome's version after the command.")
    events: list[str]
    contribution_id: str | None
    duplicate: bool


class ContributionResult(OutcomeResult):
    """The answer to a submission: the command's and the contribution as the caller sees it."""

    contribution: Contribution | OwnContribution | None
