"""The live state of a segment as REST answers it (``GET /segments/{segment_id}/state``): the
WebSocket ``snapshot`` message, one model per audience (``app/views.py``), each ``x_at`` with its
``x_at_local`` (``app/api/times.py``).

The models list exactly the keys the views have; ``tests/test_openapi_types.py`` compares them
with the views of a busy segment for every audience, so a key added to a view and not here fails
there, by name.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ..floor.model import (
    Attendance,
    Constituency,
    FloorLanguage,
    FloorMode,
    Gender,
    Language,
    SignalKind,
    TurnKind,
)
from ..floor.presets import MessagePreset
from .schemas import CanRequest, LocalTime, OwnRequest, OwnTurn, ProgrammeEntryOut


class Refusal(BaseModel):
    code: str
    message: str
    reason: str | None = Field(
        default=None,
        description="`cannot_undo` only: why, one of `left_queue`, `request_changed`, "
        "`has_place`, `removed`, `import`, `ended`, `carried_away`, `carried_here`, "
        "`withdrawn` (a console in another language words it itself).",
    )
    name: str | None = Field(
        default=None, description='`cannot_undo` only: whom the reason names ("" if no one).'
    )


class Timer(BaseModel):
    state: Literal["idle", "running", "paused"]
    allotted_ms: int
    added_ms: int
    deadline_at: int | None = Field(description="While running: when the time is up.")
    deadline_at_local: LocalTime | None
    remaining_ms: int | None = Field(description="While idle or paused: the time left.")
    started_at: int | None
    started_at_local: LocalTime | None


class Entry(BaseModel):
    """A queue entry as the room sees it."""

    id: str
    name: str
    name_lang: str = Field(
        description="The language the name's letters are written in (`ar`, `zh`, `ru`, ...; "
        "empty: Latin, read in the page's language): a face gives the name that `lang`, so a "
        "screen reader reads it with the right voice"
    )
    organisation: str
    organisation_lang: str = Field(description="As `name_lang`, of the organisation")
    constituency: Constituency
    language: FloorLanguage | None
    attendance: Attendance
    kind: TurnKind
    allotted_ms: int


class FullEntry(Entry):
    """A queue entry as the floor sees it."""

    region: str
    gender: Gender | None
    participant_id: str | None
    request_id: str | None
    note: str


class Current(Entry):
    """A turn on the floor (or paused by an interposed one), as the room sees it."""

    timer: Timer


class FullCurrent(FullEntry):
    """A turn on the floor as the floor sees it: also the turn an interposed one interrupted
    and the question an answer answers (entry ids)."""

    timer: Timer
    interposed_in: str | None
    answers: str | None


class Signal(BaseModel):
    id: str
    kind: SignalKind
    raised_at: int
    raised_at_local: LocalTime
    expires_at: int
    expires_at_local: LocalTime


class SegmentDetails(BaseModel):
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
    status: Literal["scheduled", "live", "ended"]
    actual_start_at: int | None
    actual_start_at_local: LocalTime | None
    actual_end_at: int | None
    actual_end_at_local: LocalTime | None
    resumes_at: int | None = Field(
        description="A break's resumption as announced (`announce_resumption`), or null."
    )
    resumes_at_local: LocalTime | None


class Settings(BaseModel):
    floor_mode: FloorMode
    list_open: bool
    queue_cap: int | None
    warning_ms: int
    danger_ms: int
    start_timer_on_call: bool
    points_of_order: bool
    default_times_ms: dict[TurnKind, int]
    budgets_ms: dict[Constituency, int]


class FloorRequest(BaseModel):
    """A pending floor request, as the floor sees it."""

    id: str
    participant_id: str | None
    name: str
    name_lang: str = Field(description="As an entry's")
    organisation: str
    organisation_lang: str = Field(description="As an entry's")
    constituency: Constituency
    region: str
    gender: Gender | None
    language: FloorLanguage | None
    attendance: Attendance
    kind: TurnKind
    note: str
    requested_at: int
    requested_at_local: LocalTime


class LastSpeaker(BaseModel):
    entry_id: str
    name: str
    kind: TurnKind


class Undo(BaseModel):
    label: str
    command: str
    subject: str = Field(description="Whom the command concerns (a name); empty when no one.")
    available: bool
    refusal: str | None
    brings_back: str | None = Field(
        description="Undoing a segment's start: the id of the segment that start ended, which "
        "becomes live again as it was; null if it ended none (or another command)."
    )


class Actions(BaseModel):
    """What the console may do now: per action null, or the refusal the command would meet."""

    toggle_timer: Refusal | None
    call_next: Refusal | None
    call_next_skipped: Refusal | None = Field(
        description="call_next with skipped: also refused while nobody has the floor."
    )
    end_turn: Refusal | None
    add_time: Refusal | None
    remove_time: Refusal | None
    reset_timer: Refusal | None
    undo: Refusal | None
    readd_last_speaker: Refusal | None
    interpose_question: Refusal | None
    interpose_answer: Refusal | None
    apply_request_order: Refusal | None
    apply_queue_order: Refusal | None
    set_queue_times: Refusal | None
    carry_queue: Refusal | None
    announce_resumption: Refusal | None = Field(
        description="Whether a break's resumption may be announced now (null: it may): refused on "
        "a segment that is no break (`not_a_break`) or has ended."
    )


class Stats(BaseModel):
    speeches: int
    skipped: int
    spoken_ms: int
    held_ms: int
    overrun_ms: int
    spoken_ms_by_constituency: dict[Constituency, int]


class RoomView(BaseModel):
    """The floor as the room sees it: the public view's and a delegate's common part."""

    segment: SegmentDetails
    settings: Settings
    current: Current | None
    paused: Current | None
    message: str
    message_preset: MessagePreset | None = Field(
        description="The preset the message is (shown in the screen's language), or null"
    )
    queue: list[Entry]
    signals: list[Signal]


class PublicView(RoomView):
    """What displays, clocks and the booth see."""

    can_signal: str | None = Field(
        description="The booth's signals are for the speaker: null while someone has the floor, "
        "else the code of what refuses `raise_signal` now (`no_speaker`, `not_live`)"
    )


class DelegateView(RoomView):
    """The room's view, and how many requests wait and what refuses a request to anyone."""

    pending_count: int
    can_request: CanRequest


class ModeratorView(BaseModel):
    """Everything: the floor's and the rapporteur's view."""

    segment: SegmentDetails
    settings: Settings
    current: FullCurrent | None
    paused: FullCurrent | None
    message: str
    message_preset: MessagePreset | None = Field(
        description="The preset the message is (shown in the screen's language), or null"
    )
    queue: list[FullEntry]
    signals: list[Signal]
    requests: list[FloorRequest]
    notes: str
    last_speaker: LastSpeaker | None
    undo: Undo | None
    actions: Actions
    stats: Stats
    queue_ms: int


class EventHeader(BaseModel):
    id: str
    title: str
    venue: str
    room: str
    timezone: str
    date: str
    languages: list[Language]
    join_code: str


class DelegateEventHeader(BaseModel):
    """The event as a delegate sees it: no join code (they have joined)."""

    id: str
    title: str
    venue: str
    room: str
    timezone: str
    date: str
    languages: list[Language]


class _Snapshot(BaseModel):
    type: Literal["snapshot"]
    segment_id: str
    version: int
    server_time: int = Field(description="The server's clock, epoch ms.")
    stamp: str | None = Field(
        default=None,
        description="The version's stamp (docs/protocol.md, Resume): a socket's `hello` with "
        "`last_version` and this `last_stamp` resumes from here; null when the server does "
        "not know it.",
    )
    live_segment_id: str | None
    programme: list[ProgrammeEntryOut]


class ModeratorState(_Snapshot):
    audience: Literal["moderator"]
    state: ModeratorView
    event: EventHeader


class PublicState(_Snapshot):
    audience: Literal["public"]
    state: PublicView
    event: EventHeader


class You(BaseModel):
    name: str
    name_lang: str = Field(description="As an entry's: the script the name is written in")
    organisation: str
    organisation_lang: str = Field(description="The same of the organisation")


class LeftBehind(BaseModel):
    """A delegate's own part of a segment that ended, which they no longer follow."""

    requests: list[OwnRequest]
    turns: list[OwnTurn]


class DelegateState(_Snapshot):
    audience: Literal["delegate"]
    state: DelegateView
    event: DelegateEventHeader
    you: You | None = Field(description="Who the delegate is registered as, now.")
    mine: list[OwnRequest] = Field(description="The delegate's own requests in the segment.")
    elsewhere: dict[str, LeftBehind] = Field(
        description="By segment id: their part of each segment that ended (not this one) where a "
        "place of theirs still waits on the moderator's word, or was carried on or dropped."
    )
    turns: list[OwnTurn] = Field(
        description="Their turns no request stands for (queued directly by the moderator)."
    )
    can_request: CanRequest = Field(description="What refuses a request to this delegate only.")


#: The live state, by the caller's audience.
SegmentState = Annotated[
    ModeratorState | PublicState | DelegateState, Field(discriminator="audience")
]
