"""Commands: what people ask the floor to do. One schema serves REST and WebSocket.

Every command is a pydantic model with a literal ``type``; ``SegmentCommand`` is their
discriminated union. Validation errors name the field and the rule that failed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_validator,
)

from .kinds import segment_kind
from .model import (
    HOUR_MS,
    Attendance,
    Constituency,
    FloorLanguage,
    FloorMode,
    Gender,
    SignalKind,
    TurnKind,
)
from .presets import MessagePreset
from .text import PeoplesText

Duration = Annotated[
    int,
    Strict(),
    Field(
        gt=0, le=HOUR_MS, description="A duration in milliseconds: more than 0, at most one hour."
    ),
]
Position = Annotated[
    int, Strict(), Field(ge=0, le=10_000, description="0 is the top of the queue.")
]
Id = Annotated[str, Field(min_length=1, max_length=64)]
#: The last millisecond of the year 9999: an instant past it is a mistake, and past 2**64 it cannot
#: even be encoded (orjson raises TypeError: a 500 for PATCH {"scheduled_end_at": 2**64}).
MAX_INSTANT = 253_402_300_799_999
Instant = Annotated[
    int, Strict(), Field(ge=0, le=MAX_INSTANT, description="Milliseconds since the Unix epoch.")
]
# People's text is cleaned first (app/floor/text.py: one Unicode normal form, no control,
# bidi-override or zero-width characters), then its cleaned length is checked, once.
Note = Annotated[str, PeoplesText(280)]
Title = Annotated[str, PeoplesText(200, required=True)]
#: a segment's kind: free text, a word for one the faces know read as its code (``floor/kinds.py``)
Kind = Annotated[str, PeoplesText(40, required=True), AfterValidator(segment_kind)]
Aim = Annotated[str, PeoplesText(2000, paragraphs=True)]
Line = Annotated[str, PeoplesText(200)]
SpeakerName = Annotated[str, PeoplesText(120)]
Organisation = Annotated[str, PeoplesText(160)]
Notes = Annotated[str, PeoplesText(2000, paragraphs=True)]
Region = Annotated[str, PeoplesText(80)]


def _type_required(schema: dict[str, Any]) -> None:
    """``type`` has a default, so JSON Schema would call it optional; the union needs it."""
    schema["required"] = sorted({*schema.get("required", []), "type"})


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_type_required)


class ForTurn(_Command):
    """A press that acts on whoever has the floor (a timer, a turn's end, the message to the
    speaker, an interposed question, the booth's signal): ``entry_id`` names the turn it was
    pressed for, so a press
    kept by a console that lost its connection is refused once the floor has moved on
    (``turn_changed``), instead of acting on the next speaker."""

    entry_id: Id | None = Field(
        default=None,
        description=(
            "The turn (its queue entry id, the view's `current.id`) this press was meant for: "
            "refused `409 turn_changed` if another turn, or none, has the floor now. Leave it out "
            "to act on whoever has the floor."
        ),
    )


# --- by a participant ---------------------------------------------------------------------------


class RequestFloor(_Command):
    """A participant asks for the floor in this segment."""

    type: Literal["request_floor"] = "request_floor"
    kind: Literal[TurnKind.INTERVENTION, TurnKind.POINT_OF_ORDER, TurnKind.RIGHT_OF_REPLY] = (
        TurnKind.INTERVENTION
    )
    note: Note = ""


class WithdrawRequest(_Command):
    """A participant takes back their pending or queued request."""

    type: Literal["withdraw_request"] = "withdraw_request"
    request_id: Id


# --- the queue ----------------------------------------------------------------------------------


class ApproveRequest(_Command):
    """Move a pending request into the queue, at the end or at a position."""

    type: Literal["approve_request"] = "approve_request"
    request_id: Id
    position: Position | None = None


class DeclineRequest(_Command):
    type: Literal["decline_request"] = "decline_request"
    request_id: Id
    reason: Note = ""


class AddSpeaker(_Command):
    """Put a speaker in the queue directly: a registered participant or a named guest."""

    type: Literal["add_speaker"] = "add_speaker"
    participant_id: Id | None = None
    name: SpeakerName = ""
    organisation: Organisation = ""
    constituency: Constituency = Constituency.OTHER
    #: a guest's other particulars (a registered participant's come from their registration)
    region: Region = ""
    #: the floor language and attendance: a guest's (not given: not known, in the room); given
    #: with a ``participant_id``, they stand for this turn instead of the registration's
    #: (``"unknown"``: not known, whatever the registration says)
    language: FloorLanguage | Literal["unknown"] | None = None
    attendance: Attendance | None = None
    gender: Gender | None = None
    kind: TurnKind = TurnKind.PANELLIST
    allotted_ms: Duration | None = None
    position: Position | None = None
    note: Note = ""


class MoveEntry(_Command):
    type: Literal["move_entry"] = "move_entry"
    entry_id: Id
    position: Position


class RemoveEntry(_Command):
    type: Literal["remove_entry"] = "remove_entry"
    entry_id: Id


class ReaddLastSpeaker(_Command):
    """Give the speaker of the segment's newest record entry a new turn at the top of the queue
    (after the points of order waiting there), e.g. after an interpretation channel was lost;
    the earlier turn stays on the record."""

    type: Literal["readd_last_speaker"] = "readd_last_speaker"
    duration_ms: Duration | None = None


class EditEntry(_Command):
    """Change a waiting entry (kind of turn, allotted time, note; the speaker's floor language,
    attendance and region, as the moderator learns them on the day); omitted fields stay. It
    keeps its place and its request; made a point of order, it moves up as the placement rule
    says."""

    type: Literal["edit_entry"] = "edit_entry"
    entry_id: Id
    kind: TurnKind | None = None
    duration_ms: Duration | None = None
    note: Note | None = None
    #: omitted (null): as it is; ``"unknown"``: back to not known (given in error)
    language: FloorLanguage | Literal["unknown"] | None = None
    attendance: Attendance | None = None
    region: Region | None = None


class CorrectSpeaker(_Command):
    """Show a participant as the registry has them now, wherever this segment shows them (the
    queue, the requests, the floor, the record, the undo stack): what ``PATCH
    /participants/{id}`` sends to each segment after correcting the registry. The corrected
    particulars are the registry's, not the command's, so the command cannot make a segment
    show anyone otherwise than as registered."""

    type: Literal["correct_speaker"] = "correct_speaker"
    participant_id: Id
    keep: list[Literal["language", "attendance", "region"]] = Field(
        default_factory=list,
        description="The floor particulars the registry's correction left as they were: each "
        "turn keeps its own of these, as the moderator set them (floor/corrections.py)",
    )


class Undo(_Command):
    """Take back the newest console command that changed the floor: the floor goes back to
    exactly as it was before it (who has it, the timer, the queue, the requests, the settings)."""

    type: Literal["undo"] = "undo"


class ApplyOrder(_Command):
    """Take a suggested order (``app/floor/fairness.py``) in one step, undone as one.

    ``scope: "requests"``: approve the listed pending requests into the queue in this order
    (each placed as an approval places it: points of order before other turns). ``scope:
    "queue"``: put the queue in this order (every waiting entry, each once). The ids are the
    ones the console was shown; a list that no longer matches is refused."""

    type: Literal["apply_order"] = "apply_order"
    scope: Literal["requests", "queue"]
    # within the edge's 10,000 JSON values a body may hold (app/api/edge.py)
    order: Annotated[list[Id], Field(min_length=1, max_length=5_000)]


class SetQueueTimes(_Command):
    """Give every waiting entry the same speaking time (e.g. the time that ends the segment on
    schedule, ``app/floor/schedule.py``); points of order and replies keep theirs."""

    type: Literal["set_queue_times"] = "set_queue_times"
    duration_ms: Duration


class CarryQueue(_Command):
    """The speakers still waiting in a segment that has ended (queued entries and pending
    requests) go to another segment, which has not ended (``to_segment_id``), keeping their order
    and their requests; or, ``to_segment_id: null``, they are dropped (their requests removed)."""

    type: Literal["carry_queue"] = "carry_queue"
    to_segment_id: Id | None


# --- the interpreters' booth --------------------------------------------------------------------


class RaiseSignal(ForTurn):
    """A signal from the booth to the speaker (the speaker clock) and the console, shown for
    ``duration_s`` or until cleared; raising a kind already shown restarts it."""

    type: Literal["raise_signal"] = "raise_signal"
    kind: SignalKind
    duration_s: Annotated[int, Strict(), Field(ge=5, le=600)] = 60
    sent_at: Annotated[int, Strict(), Field(ge=0)] | None = Field(
        default=None,
        description="When the booth sent it, on the server's clock as the page estimates it "
        "(ms): a signal that reaches the server more than `SIGNAL_FRESH_MS` (4 s) later (held "
        "by a line that went dead and came back) is refused `signal_stale`, not shown to "
        "whoever has the floor by then.",
    )


class ClearSignal(_Command):
    """Clear one signal (``signal_id``), or all of them (``null``)."""

    type: Literal["clear_signal"] = "clear_signal"
    signal_id: Id | None = None


# --- list settings ------------------------------------------------------------------------------


class SetFloorMode(_Command):
    type: Literal["set_floor_mode"] = "set_floor_mode"
    mode: FloorMode


class CloseList(_Command):
    type: Literal["close_list"] = "close_list"


class ReopenList(_Command):
    type: Literal["reopen_list"] = "reopen_list"


class SetQueueCap(_Command):
    """Limit the queue's length; ``null`` removes the limit."""

    type: Literal["set_queue_cap"] = "set_queue_cap"
    cap: Annotated[int, Strict(), Field(ge=1, le=10_000)] | None


class SetDefaultTime(_Command):
    type: Literal["set_default_time"] = "set_default_time"
    kind: TurnKind
    duration_ms: Duration


class SetThresholds(_Command):
    """When the timer turns amber (warning) and red (danger)."""

    type: Literal["set_thresholds"] = "set_thresholds"
    warning_ms: Annotated[int, Strict(), Field(ge=0, le=HOUR_MS)]
    danger_ms: Annotated[int, Strict(), Field(ge=0, le=HOUR_MS)]


class SetBudget(_Command):
    """A time budget for a constituency's speakers in this segment (``null`` removes it); points
    of order and replies are not charged to it."""

    type: Literal["set_budget"] = "set_budget"
    constituency: Constituency
    budget_ms: Annotated[int, Strict(), Field(gt=0, le=24 * HOUR_MS)] | None


class SetStartTimerOnCall(_Command):
    """Whether calling the next speaker also starts their timer (one command, one undo)."""

    type: Literal["set_start_timer_on_call"] = "set_start_timer_on_call"
    enabled: Annotated[bool, Strict()]


# --- the turn and its timer ---------------------------------------------------------------------

Skipped = Annotated[
    bool,
    Strict(),
    Field(description="The speaker did not speak: the turn is recorded as skipped."),
]


class CallNext(_Command):
    """End the current turn (if any) and give the floor to the first in the queue."""

    type: Literal["call_next"] = "call_next"
    skipped: Skipped = False


class EndTurn(ForTurn):
    type: Literal["end_turn"] = "end_turn"
    skipped: Skipped = False


class StartTimer(ForTurn):
    type: Literal["start_timer"] = "start_timer"


class PauseTimer(ForTurn):
    type: Literal["pause_timer"] = "pause_timer"


class ResumeTimer(ForTurn):
    type: Literal["resume_timer"] = "resume_timer"


class AdjustTime(ForTurn):
    """Add (positive) or remove (negative) speaking time."""

    type: Literal["adjust_time"] = "adjust_time"
    delta_ms: Annotated[
        int, Strict(), Field(ge=-HOUR_MS, le=HOUR_MS, json_schema_extra={"not": {"const": 0}})
    ]

    @field_validator("delta_ms")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("delta_ms must not be 0")
        return value


class ResetTimer(ForTurn):
    type: Literal["reset_timer"] = "reset_timer"


class SetMessage(ForTurn):
    """A message for the speaker, shown on the speaker clock: a text as typed, or a preset
    (app/floor/presets.py), which the clock shows in its own language. One of the two."""

    type: Literal["set_message"] = "set_message"
    text: Annotated[
        str,
        PeoplesText(200),
        Field(description="What the clock shows, as typed. Give this or ``preset``."),
    ] = ""
    preset: MessagePreset | None = Field(
        default=None,
        description="A preset message, shown in the clock's language. Give this or ``text``.",
    )

    @model_validator(mode="after")
    def _text_or_preset(self) -> SetMessage:
        if self.preset is not None and self.text:
            raise ValueError("give the message's text or a preset, not both")
        if self.preset is None and not self.text:
            raise ValueError(
                "the message is empty: give its text, or a preset ("
                + ", ".join(preset.value for preset in MessagePreset)
                + ")"
            )
        return self


class ClearMessage(ForTurn):
    type: Literal["clear_message"] = "clear_message"


class Interpose(ForTurn):
    """An interposed question, or a panellist's answer: the turn speaking is paused (its timer
    too) and the floor goes to this speaker at once; when their turn ends, it goes back to the
    paused turn. An answer may follow an interposed question (the question's turn ends)."""

    type: Literal["interpose"] = "interpose"
    participant_id: Id | None = None
    name: SpeakerName = ""
    organisation: Organisation = ""
    constituency: Constituency = Constituency.OTHER
    region: Region = ""
    #: as ``add_speaker``'s: with a ``participant_id``, for this turn instead of the registration's
    language: FloorLanguage | Literal["unknown"] | None = None
    attendance: Attendance | None = None
    gender: Gender | None = None
    kind: Literal[TurnKind.QUESTION, TurnKind.ANSWER] = TurnKind.QUESTION
    duration_ms: Duration | None = None
    note: Note = ""


class SetNotes(_Command):
    """The moderator's private notes for the segment (only the moderator view shows them)."""

    type: Literal["set_notes"] = "set_notes"
    text: Notes


class SetPointsOfOrder(_Command):
    """Whether delegates may ask for points of order in this segment."""

    type: Literal["set_points_of_order"] = "set_points_of_order"
    enabled: Annotated[bool, Strict()]


# --- the segment --------------------------------------------------------------------------------


class StartSegment(_Command):
    """Make this segment the event's live one (the previous live segment ends)."""

    type: Literal["start_segment"] = "start_segment"


class EndSegment(_Command):
    type: Literal["end_segment"] = "end_segment"


class AnnounceResumption(_Command):
    """When the meeting resumes after this break, as the moderator tells the room (a lunch that
    runs over, a break begun late): every face says it instead of the programme's next start,
    and the forecast reads it. ``at`` null withdraws it: the programme's time is said again. Not
    part of the floor, so undo leaves it be (announce another time, or withdraw it)."""

    type: Literal["announce_resumption"] = "announce_resumption"
    at: Instant | None = Field(
        description="When the meeting resumes (epoch ms, still to come), or null to withdraw "
        "the announcement."
    )
    expected: Instant | None = Field(
        default=None,
        description="What the sender saw announced (null: nothing). Given, another time "
        "announced since (another console) is refused `changed_since` and nothing changes.",
    )


#: The last place a segment can have in the programme.
MAX_SEGMENT_POSITION = 1000
SegmentPosition = Annotated[int, Strict(), Field(ge=0, le=MAX_SEGMENT_POSITION)]


class SegmentDetails(BaseModel):
    """A new segment's programme details: the command and the REST body share them."""

    title: Title
    kind: Kind = "discussion"
    aim: Aim = ""
    moderator: Line = ""
    scheduled_start_at: Instant | None = None
    scheduled_end_at: Instant | None = None
    position: SegmentPosition = 0


class SegmentChanges(BaseModel):
    """Changes to a segment's programme details; omitted fields stay as they are."""

    title: Title | None = None
    kind: Kind | None = None
    aim: Aim | None = None
    moderator: Line | None = None
    scheduled_start_at: Instant | None = None
    scheduled_end_at: Instant | None = None
    position: SegmentPosition | None = None


class RemoveSegment(_Command):
    """Take a segment out of the programme: one that never ran, with nobody in its queue and no
    floor request waiting (organisers, through ``DELETE /segments/{segment_id}``)."""

    type: Literal["remove_segment"] = "remove_segment"


#: A segment's times a change may clear (a time left out or null stays as it is).
ClearableTime = Literal["scheduled_start_at", "scheduled_end_at"]


class SegmentExpected(SegmentChanges):
    """What the sender last saw of the fields it changes (``null``: had none): another value
    there now means someone else changed it meanwhile."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class UpdateSegment(_Command, SegmentChanges):
    """Change the programme details of a segment; omitted fields stay as they are, but the times
    named in ``clear``, which it has no more. With ``expected`` (the values the sender saw of the
    fields it changes), a field someone else changed since is refused ``changed_since`` and
    nothing changes, instead of silently replacing theirs."""

    type: Literal["update_segment"] = "update_segment"
    clear: tuple[ClearableTime, ...] = ()
    expected: SegmentExpected | None = None


class CreateSegment(_Command, SegmentDetails):
    """Add a segment to the programme (organisers, through ``POST .../segments``)."""

    type: Literal["create_segment"] = "create_segment"
    #: left out (None): after the last segment of the programme
    position: SegmentPosition | None = None  # type: ignore[assignment]


SegmentCommand = Annotated[
    RequestFloor
    | WithdrawRequest
    | ApproveRequest
    | DeclineRequest
    | AddSpeaker
    | MoveEntry
    | RemoveEntry
    | ReaddLastSpeaker
    | EditEntry
    | CorrectSpeaker
    | ApplyOrder
    | SetQueueTimes
    | CarryQueue
    | RaiseSignal
    | ClearSignal
    | Undo
    | SetFloorMode
    | CloseList
    | ReopenList
    | SetQueueCap
    | SetDefaultTime
    | SetThresholds
    | SetStartTimerOnCall
    | SetBudget
    | SetPointsOfOrder
    | CallNext
    | EndTurn
    | StartTimer
    | PauseTimer
    | ResumeTimer
    | AdjustTime
    | ResetTimer
    | SetMessage
    | ClearMessage
    | Interpose
    | SetNotes
    | StartSegment
    | EndSegment
    | AnnounceResumption
    | RemoveSegment
    | UpdateSegment,
    Field(discriminator="type"),
]

AnyCommand = Annotated[SegmentCommand | CreateSegment, Field(discriminator="type")]

CommandId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="Made by the client; a retry with the same id is applied once.",
    ),
]


class CommandEnvelope(BaseModel):
    """What a client sends: a command, its id, and optionally the version it was based on."""

    model_config = ConfigDict(extra="forbid")

    command_id: CommandId
    # at most the largest integer every JSON reader keeps exact (2^53 - 1)
    base_version: Annotated[int, Strict(), Field(ge=0, le=2**53 - 1)] | None = None
    command: SegmentCommand


def command_types() -> list[str]:
    """Every command type a client may send, in schema order."""
    args = SegmentCommand.__origin__.__args__  # type: ignore[attr-defined]
    return [arg.model_fields["type"].default for arg in args] + ["create_segment"]
