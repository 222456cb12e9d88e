"""Request and response bodies of the REST API (the command schema lives in app.floor.commands)."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from ..floor.commands import CommandId, Note, Organisation, SegmentChanges, SegmentDetails
from ..floor.model import Constituency, FloorLanguage, Gender, Language, TurnKind
from ..floor.text import PeoplesText

# People's text, cleaned then limited (app/floor/text.py); each limit fits its column in
# app/store/tables.py.
Name = Annotated[str, PeoplesText(120, required=True)]
Text = Annotated[str, PeoplesText(200)]


_ZONES = zoneinfo.available_timezones() | {"UTC"}


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail
    state: dict[str, Any] | None = None


class EventCreate(Body):
    title: Annotated[str, PeoplesText(300, required=True)]
    venue: Annotated[str, PeoplesText(300)] = ""
    room: Text = ""
    # the names this server knows, so that a client (and schemathesis) can tell a valid one
    timezone: Annotated[str, Field(json_schema_extra={"enum": sorted(_ZONES)})] = "UTC"
    date: (
        Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})]
        | None
    ) = None
    languages: list[Language] = Field(default_factory=lambda: list(Language))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                datetime.date.fromisoformat(value)
            except ValueError as error:  # "2022-13-45" matches the pattern
                raise ValueError(f"no such date {value!r}") from error
        return value


class EventOut(BaseModel):
    id: str
    title: str
    venue: str
    room: str
    timezone: str
    date: str
    languages: list[str]
    join_code: str | None
    live_segment_id: str | None
    segments: list[dict[str, Any]]


class SegmentCreate(Body, SegmentDetails):
    command_id: CommandId


class SegmentPatch(Body, SegmentChanges):
    command_id: CommandId
    # at most the largest integer every JSON reader keeps exact (2^53 - 1)
    base_version: Annotated[int, Strict(), Field(ge=0, le=2**53 - 1)] | None = None


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


class Joined(BaseModel):
    participant: ParticipantOut
    token: str = Field(description="The delegate's secret: send it as Authorization: Bearer.")


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


class AccessLinkCreate(Body):
    role: Literal["organiser", "moderator", "display", "rapporteur", "booth", "device"]
    label: Text = ""
    expires_in_s: Annotated[int, Strict(), Field(gt=0, le=30 * 86_400)] | None = None


class AccessLinkOut(BaseModel):
    id: str
    role: str
    label: str
    created_at: int
    expires_at: int | None
    revoked_at: int | None
    token: str | None = Field(default=None, description="Shown once, when the link is made.")
    url: str | None = None


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
    timer_started_at: int | None
    started_at: int
    ended_at: int
    held_ms: int
    timed_ms: int
    spoken_ms: int
    overrun_ms: int
    #: an interposed turn: the entry of the turn it interrupted; an answer: its question's entry
    interposed_in: str | None = None
    answers: str | None = None
    #: the time interposed turns held the floor while this one waited (not in ``held_ms``)
    interposed_ms: int = 0
