"""The hearing's outcome: recommendations and pledges ("contributions"), curated into the summary.

One event-sourced stream per meeting day (``stream_id(event_id)``), apart from the segments'
floor: ``decide(state, command, context)`` checks a command and returns events,
``apply(state, event)`` folds one event (one version each), ``view(state, audience)`` says what
each screen sees. Pure like the rest of ``app/floor``: no I/O, no clock of its own (``Context.now``
is passed in), no id maker of its own (``Context.new_id``).

Who does what (``COMMAND_ROLES`` in ``roles.py``, checked first): a delegate submits their own and
may reword it until it is curated; the organiser, moderators and the rapporteur may also submit on
behalf of a registered participant (a panellist speaks without a phone); they curate (accept, set
aside, edit, merge and unmerge, tag) and choose what the room display shows during the group
reflection. A display sends nothing. A participant's particulars corrected at the desk reach
their contributions too (``correct_author``, sent by the engine as ``correct_speaker`` is).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Annotated, Any, Literal

from immutables import Map
from pydantic import BaseModel, ConfigDict, Field, Strict, TypeAdapter

from . import themes
from .decide import Context, role_refused, stale
from .errors import FloorError, Forbidden, NotFound
from .model import Language, SegmentState, Speaker
from .roles import Actor, Role, roles_for
from .scripts import name_language
from .text import PeoplesText

#: The Global Compact for Safe, Orderly and Regular Migration has 23 objectives.
FIRST_OBJECTIVE = 1
LAST_OBJECTIVE = 23
MAX_THEMES = 5
#: A theme is a label: often a thematic discussion's title (segment titles are at most 200).
THEME_LENGTH = 200
TEXT_LENGTH = 2000
NOTE_LENGTH = 280
#: The six official languages of the United Nations, and "other".
LANGUAGES: tuple[str, ...] = (*(language.value for language in Language), "other")


class ContributionKind(StrEnum):
    RECOMMENDATION = "recommendation"
    PLEDGE = "pledge"


class ContributionStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    SET_ASIDE = "set_aside"
    MERGED = "merged"


class Audience(StrEnum):
    MODERATOR = "moderator"
    RAPPORTEUR = "rapporteur"
    PUBLIC = "public"
    DELEGATE = "delegate"


# --- state --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Author:
    """Who made a contribution, as the outcome names them: no personal details beyond these."""

    participant_id: str | None
    name: str
    organisation: str
    constituency: str


@dataclass(frozen=True, slots=True)
class Contribution:
    id: str
    kind: ContributionKind
    text: str  # the wording as curated (the log keeps every version)
    original_text: str  # the wording as submitted
    author: Author
    segment_id: str | None  # the segment it was made in, when known
    entry_id: str | None  # the turn it was made in, when known
    language: str  # one of LANGUAGES
    status: ContributionStatus
    merged_into: str | None  # set when MERGED: always a contribution that is not merged itself
    themes: tuple[str, ...]  # at most MAX_THEMES, each at most THEME_LENGTH characters, unique
    objectives: tuple[int, ...]  # Global Compact objectives 1..23, sorted, unique
    note: str  # the curator's reason when set aside
    submitted_at: int
    updated_at: int
    version: int  # events that changed this contribution: 1 when submitted
    #: the status it had before it was merged (unmerging gives it back); None unless MERGED
    before_merge: ContributionStatus | None = None
    #: a curator reworded or tagged it: its author may not reword it any more (the rapporteur's
    #: wording would be lost without a word)
    curated: bool = False
    #: the language it was submitted in, once a rewording is in another (a translation: its
    #: ``language`` is then the wording's); None: ``language``
    original_language: str | None = None
    #: the last wording it had in ``original_language``, once its wording is in another (the
    #: outcome document in the language it was made in prints this, not the translation); None:
    #: ``text`` is in the language it was submitted in
    original_wording: str | None = None


@dataclass(frozen=True)
class OutcomeState:
    """The contributions of one meeting day, and which one the room display shows."""

    event_id: str
    version: int = 0
    contributions: Map[str, Contribution] = field(default_factory=Map)
    #: the accepted contribution the room display shows in the reflection (or None)
    shown_id: str | None = None
    #: the themes the shown contribution had when it was put on the display: where the
    #: reflection's steps go on from, should it be re-tagged while shown (``steps``)
    shown_themes: tuple[str, ...] = ()

    def ordered(self) -> list[Contribution]:
        """Every contribution, the earliest submitted first (then by id)."""
        return sorted(self.contributions.values(), key=lambda item: (item.submitted_at, item.id))


def stream_id(event_id: str) -> str:
    """The log's ``segment_id`` column for a meeting day's outcome stream."""
    return f"outcome:{event_id}"


# --- commands -----------------------------------------------------------------------------------

Id = Annotated[str, Field(min_length=1, max_length=64)]
ContributionText = Annotated[str, PeoplesText(TEXT_LENGTH, required=True, paragraphs=True)]
Note = Annotated[str, PeoplesText(NOTE_LENGTH)]
Theme = Annotated[str, PeoplesText(THEME_LENGTH, required=True)]
Objective = Annotated[
    int,
    Strict(),
    Field(
        ge=FIRST_OBJECTIVE,
        le=LAST_OBJECTIVE,
        description="An objective of the Global Compact for Migration: 1 to 23.",
    ),
]
ContributionLanguage = Literal["ar", "zh", "en", "fr", "ru", "es", "other"]


def _type_required(schema: dict[str, Any]) -> None:
    """``type`` has a default, so JSON Schema would call it optional; the union needs it."""
    schema["required"] = sorted({*schema.get("required", []), "type"})


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_type_required)


class SubmitContribution(_Command):
    """A recommendation or a pledge. A delegate submits their own; the organiser, a moderator or
    the rapporteur submits one on behalf of a registered participant (``on_behalf_of``)."""

    type: Literal["submit_contribution"] = "submit_contribution"
    kind: ContributionKind
    text: ContributionText
    language: ContributionLanguage
    segment_id: Id | None = None
    entry_id: Id | None = None
    on_behalf_of: Id | None = None


#: A decision's ``expected_status``: what the sender saw, so that a click made on an older view
#: (a second rapporteur decided meanwhile, a laptop's press sent when its connection came back)
#: is refused ``changed_since`` instead of overturning a decision it never saw.
ExpectedStatus = Annotated[
    Literal["submitted", "accepted", "set_aside"] | None,
    Field(
        description="The contribution's `status` as the sender saw it: when it is another now "
        "(someone decided meanwhile), the command is refused `changed_since`, with the status "
        "now. Leave it out to decide whatever it is now."
    ),
]


class AcceptContribution(_Command):
    type: Literal["accept_contribution"] = "accept_contribution"
    contribution_id: Id
    expected_status: ExpectedStatus = None


class SetAsideContribution(_Command):
    """Leave a contribution out of the outcome, saying why (``note``)."""

    type: Literal["set_aside_contribution"] = "set_aside_contribution"
    contribution_id: Id
    note: Note = ""
    expected_status: ExpectedStatus = None


class ReopenContribution(_Command):
    """A decision taken back: an accepted or set-aside contribution awaits review again (a
    mistaken Accept; the note of a set-aside stays in the log)."""

    type: Literal["reopen_contribution"] = "reopen_contribution"
    contribution_id: Id
    expected_status: ExpectedStatus = None


class EditContribution(_Command):
    """New wording. The submitted wording stays (``original_text``), and the log keeps every one."""

    type: Literal["edit_contribution"] = "edit_contribution"
    contribution_id: Id
    text: ContributionText
    language: ContributionLanguage | None = Field(
        default=None,
        description="The language of the new wording, when it is in another than the "
        "contribution's (a translation: the rapporteur's English rendering of an Arabic "
        "recommendation); the one it was submitted in is kept as `original_language`. Left out, "
        "the language stays.",
    )
    version: int | None = Field(
        default=None,
        ge=1,
        description="The contribution's `version` the new wording was written against: when "
        "someone changed it since, the edit is refused (`edited_since`, with the wording now) "
        "instead of silently replacing theirs. Leave it out to replace whatever is there.",
    )


class MergeContributions(_Command):
    """``contribution_id`` is a duplicate of ``into_id``: it becomes merged into it."""

    type: Literal["merge_contributions"] = "merge_contributions"
    contribution_id: Id
    into_id: Id
    expected_status: ExpectedStatus = None


class UnmergeContribution(_Command):
    """A merge taken back: the contribution stands on its own again, with the status it had."""

    type: Literal["unmerge_contribution"] = "unmerge_contribution"
    contribution_id: Id


class CorrectAuthor(_Command):
    """Bring the contributions of a registered participant in line with their corrected
    particulars in the registry (the engine sends it after a correction at the desk)."""

    type: Literal["correct_author"] = "correct_author"
    participant_id: Id


class TagContribution(_Command):
    """Replace a contribution's themes and Global Compact objectives (``themes``,
    ``objectives``), or change them: ``add_themes``, ``remove_themes``, ``add_objectives``,
    ``remove_objectives`` (two rapporteurs tagging one contribution at once each keep theirs:
    what the other added is not taken away)."""

    type: Literal["tag_contribution"] = "tag_contribution"
    contribution_id: Id
    themes: Annotated[list[Theme], Field(max_length=MAX_THEMES)] = []
    objectives: Annotated[list[Objective], Field(max_length=LAST_OBJECTIVE)] = []
    add_themes: Annotated[list[Theme], Field(max_length=MAX_THEMES)] = []
    remove_themes: Annotated[list[Theme], Field(max_length=MAX_THEMES)] = []
    add_objectives: Annotated[list[Objective], Field(max_length=LAST_OBJECTIVE)] = []
    remove_objectives: Annotated[list[Objective], Field(max_length=LAST_OBJECTIVE)] = []

    def changes(self) -> bool:
        """Whether it adds or removes, rather than replaces."""
        return bool(
            self.add_themes or self.remove_themes or self.add_objectives or self.remove_objectives
        )


class CurateContribution(_Command):
    """Several changes to one contribution, all or nothing (the REST ``PATCH``): the new wording
    (``text``, ``language``, ``version`` as in ``edit_contribution``), the tags (``themes``,
    ``objectives``; one left out stays as it is), then the status (``accepted``, or
    ``set_aside`` with a ``note``) or a merge (``merged_into``; ``null``: unmerged, first of
    all). Each part is decided as its own
    command would be, by its own role, on the state the parts before it leave; one refused, none
    is made. One command id, one commit: nothing anyone else does can land between the parts."""

    type: Literal["curate_contribution"] = "curate_contribution"
    contribution_id: Id
    text: ContributionText | None = None
    language: ContributionLanguage | None = None
    version: int | None = Field(
        default=None,
        ge=1,
        description="The contribution's `version` the change was made against: when someone "
        "changed it since, the whole change is refused (`edited_since` for a new wording, with "
        "the wording now; `changed_since` otherwise, with the contribution now).",
    )
    themes: Annotated[list[Theme], Field(max_length=MAX_THEMES)] | None = None
    objectives: Annotated[list[Objective], Field(max_length=LAST_OBJECTIVE)] | None = None
    status: Literal["accepted", "set_aside"] | None = None
    note: Note = ""
    merged_into: Id | None = None


class ShowContribution(_Command):
    """What the room display shows in the reflection: an accepted contribution, or ``null``."""

    type: Literal["show_contribution"] = "show_contribution"
    contribution_id: Id | None
    expected_shown: Id | None = Field(
        default=None,
        description="What the display showed as the sender saw it (null: the floor): when it "
        "shows another now (someone else moved it meanwhile), the command is refused "
        "`changed_since`. Leave it out to show this whatever is shown now.",
    )


OutcomeCommand = Annotated[
    SubmitContribution
    | AcceptContribution
    | SetAsideContribution
    | ReopenContribution
    | EditContribution
    | MergeContributions
    | UnmergeContribution
    | TagContribution
    | ShowContribution
    | CurateContribution
    | CorrectAuthor,
    Field(discriminator="type"),
]


def command_types() -> list[str]:
    """Every outcome command type, in schema order."""
    args = OutcomeCommand.__origin__.__args__  # type: ignore[attr-defined]
    return [arg.model_fields["type"].default for arg in args]


# --- events -------------------------------------------------------------------------------------


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stream: str  # stream_id(event_id)


class ContributionSubmitted(_Event):
    type: Literal["contribution_submitted"] = "contribution_submitted"
    contribution_id: str
    kind: ContributionKind
    text: str
    language: str
    author: Author
    segment_id: str | None
    entry_id: str | None
    at: int


class ContributionAccepted(_Event):
    type: Literal["contribution_accepted"] = "contribution_accepted"
    contribution_id: str
    at: int


class ContributionSetAside(_Event):
    type: Literal["contribution_set_aside"] = "contribution_set_aside"
    contribution_id: str
    note: str
    at: int


class ContributionReopened(_Event):
    type: Literal["contribution_reopened"] = "contribution_reopened"
    contribution_id: str
    at: int


class ContributionEdited(_Event):
    type: Literal["contribution_edited"] = "contribution_edited"
    contribution_id: str
    text: str
    at: int
    #: reworded by a curator (not its author): the author may not reword it after
    by_curator: bool = False
    #: the new wording's language, when it changed (a translation)
    language: str | None = None


class ContributionsMerged(_Event):
    """``contribution_id`` is merged into ``into_id``; ``repointed`` are the ones merged into it
    before, which now point to ``into_id`` too (a merged one always points to one that is not)."""

    type: Literal["contributions_merged"] = "contributions_merged"
    contribution_id: str
    into_id: str
    repointed: tuple[str, ...]
    at: int


class ContributionUnmerged(_Event):
    """``contribution_id`` stands on its own again, with ``status`` (the one it had before)."""

    type: Literal["contribution_unmerged"] = "contribution_unmerged"
    contribution_id: str
    status: ContributionStatus
    at: int


class AuthorCorrected(_Event):
    """The contributions of ``author.participant_id`` name them so now (a correction)."""

    type: Literal["author_corrected"] = "author_corrected"
    author: Author
    contribution_ids: tuple[str, ...]
    at: int


class ContributionTagged(_Event):
    type: Literal["contribution_tagged"] = "contribution_tagged"
    contribution_id: str
    themes: tuple[str, ...]
    objectives: tuple[int, ...]
    at: int


class ContributionShown(_Event):
    """The room display shows this accepted contribution (``None``: none)."""

    type: Literal["contribution_shown"] = "contribution_shown"
    contribution_id: str | None
    at: int


OutcomeEvent = Annotated[
    ContributionSubmitted
    | ContributionAccepted
    | ContributionSetAside
    | ContributionReopened
    | ContributionEdited
    | ContributionsMerged
    | ContributionUnmerged
    | ContributionTagged
    | ContributionShown
    | AuthorCorrected,
    Field(discriminator="type"),
]

_EVENT_ADAPTER: TypeAdapter[OutcomeEvent] = TypeAdapter(OutcomeEvent)


def event_to_json(event: OutcomeEvent) -> dict[str, Any]:
    return _EVENT_ADAPTER.dump_python(event, mode="json")  # type: ignore[no-any-return]


def event_from_json(data: dict[str, Any]) -> OutcomeEvent:
    return _EVENT_ADAPTER.validate_python(data)


def event_types() -> list[str]:
    args = OutcomeEvent.__origin__.__args__  # type: ignore[attr-defined]
    return [arg.model_fields["type"].default for arg in args]


# --- decide -------------------------------------------------------------------------------------

Handler = Callable[[OutcomeState, Any, Context], list[OutcomeEvent]]
_HANDLERS: dict[type, Handler] = {}


def _handles(command_type: type) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[command_type] = handler
        return handler

    return register


def decide(
    state: OutcomeState,
    command: OutcomeCommand,
    context: Context,
    base_version: int | None = None,
) -> list[OutcomeEvent]:
    """Check ``command`` against the rules and return the events it causes (none: a no-op).

    The role comes first (``roles_for``), then ``base_version`` when given (the stream's
    version), then the command's own rules."""
    actor = context.actor
    if actor.role not in roles_for(command.type):
        raise role_refused(actor.role, command.type)
    if base_version is not None and base_version != state.version:
        raise stale(
            f"the outcome of event {state.event_id!r}", base_version, state.version, "it again"
        )
    return _HANDLERS[type(command)](state, command, context)


def author_of(speaker: Speaker, participant_id: str) -> Author:
    """How the outcome names a registered participant."""
    return Author(
        participant_id=participant_id,
        name=speaker.name,
        organisation=speaker.organisation,
        constituency=str(speaker.constituency),
    )


def turn_speaker(segment: SegmentState, entry_id: str) -> Speaker | None:
    """Who has, had or waits for the turn ``entry_id`` of ``segment``: on the floor, paused by an
    interposed turn, in the queue, or on the record; None when the segment holds no such turn."""
    turns = [t.entry for t in (segment.current, segment.paused) if t is not None]
    for entry in (*turns, *segment.queue):
        if entry.id == entry_id:
            return entry.speaker
    return next((s.speaker for s in segment.speeches if s.entry_id == entry_id), None)


def _turn_author(cmd: SubmitContribution, ctx: Context) -> Author | None:
    """The author a curator names by a turn (``segment_id`` and ``entry_id``, no
    ``on_behalf_of``): whoever has, had or waits for it, registered or a guest added by name on
    the console (a panellist without a phone, outside probe: the rapporteur could credit only
    registered participants)."""
    if cmd.on_behalf_of is not None or cmd.entry_id is None or cmd.segment_id is None:
        return None
    segment = (ctx.segments or {}).get(cmd.segment_id)
    speaker = turn_speaker(segment, cmd.entry_id) if segment is not None else None
    if speaker is None:
        raise NotFound(
            f"no turn {cmd.entry_id!r} in segment {cmd.segment_id!r}: name a turn on its floor, "
            "in its queue or on its record, or the author with on_behalf_of"
        )
    registered = speaker.participant_id
    if registered is not None and registered in ctx.speakers:
        return author_of(ctx.speakers[registered], registered)
    return Author(
        participant_id=None,
        name=speaker.name,
        organisation=speaker.organisation,
        constituency=str(speaker.constituency),
    )


def _curated_author(cmd: SubmitContribution, ctx: Context) -> Author:
    """Whose contribution a curator submits: the registered participant ``on_behalf_of``
    names, else the speaker of the turn ``segment_id`` and ``entry_id`` name."""
    author = _turn_author(cmd, ctx)
    if author is not None:
        return author
    participant_id = cmd.on_behalf_of or ctx.actor.participant_id
    if participant_id is None:
        raise FloorError(
            "say whose contribution this is: on_behalf_of names a registered participant, or "
            "segment_id and entry_id the turn of the speaker who made it",
            code="author_required",
            status=422,
        )
    speaker = ctx.speakers.get(participant_id)
    if speaker is None:
        raise NotFound(
            f"no participant {participant_id!r} in this event: register them first, then "
            "submit on their behalf"
        )
    return author_of(speaker, participant_id)


def _own_author(cmd: SubmitContribution, ctx: Context) -> Author:
    """A delegate, who submits only their own contributions."""
    participant_id = ctx.actor.participant_id or ""
    speaker = ctx.speakers.get(participant_id)
    if speaker is None:
        raise Forbidden(
            "only registered participants submit contributions: join the event with your own "
            "link first"
        )
    if cmd.on_behalf_of is not None and cmd.on_behalf_of != participant_id:
        raise Forbidden("a delegate submits only their own contributions: leave on_behalf_of out")
    return author_of(speaker, participant_id)


@_handles(SubmitContribution)
def _submit(state: OutcomeState, cmd: SubmitContribution, ctx: Context) -> list[OutcomeEvent]:
    known = ctx.segments
    if cmd.segment_id is not None and known is not None and cmd.segment_id not in known:
        raise NotFound(
            f"no segment {cmd.segment_id!r} in this meeting day: name one of its segments, "
            "or leave segment_id out"
        )
    delegate = ctx.actor.role is Role.DELEGATE
    author = _own_author(cmd, ctx) if delegate else _curated_author(cmd, ctx)
    return [
        ContributionSubmitted(
            stream=stream_id(state.event_id),
            contribution_id=ctx.new_id(),
            kind=cmd.kind,
            text=cmd.text,
            language=cmd.language,
            author=author,
            segment_id=cmd.segment_id,
            entry_id=cmd.entry_id,
            at=ctx.now,
        )
    ]


def _find(state: OutcomeState, contribution_id: str) -> Contribution:
    found = state.contributions.get(contribution_id)
    if found is None:
        raise NotFound(
            f"no contribution {contribution_id!r} in event {state.event_id!r}: reload the list"
        )
    return found


def _not_merged(item: Contribution, doing: str) -> None:
    if item.status is ContributionStatus.MERGED:
        raise FloorError(
            f"contribution {item.id!r} is merged into {item.merged_into!r}: {doing} that one "
            "instead",
            code="already_merged",
        )


def _decided_since(item: Contribution, expected: str | None, doing: str) -> None:
    """Refuse ``changed_since`` when the contribution's status is not the one the sender saw."""
    if expected is None or item.status.value == expected:
        return
    refusal = FloorError(
        f"contribution {item.id!r} is {_status_words(item.status)} now, not "
        f"{_status_words(ContributionStatus(expected))} as you saw it: someone decided it "
        f"meanwhile; read it again, then {doing} it if you still mean to",
        code="changed_since",
    )
    refusal.detail = {
        "status": item.status.value,
        "merged_into": item.merged_into,
        "note": item.note,
        "version": item.version,
    }
    raise refusal


def _status_words(status: ContributionStatus) -> str:
    return {
        ContributionStatus.SUBMITTED: "awaiting review",
        ContributionStatus.SET_ASIDE: "set aside",
    }.get(status, status.value)


@_handles(AcceptContribution)
def _accept(state: OutcomeState, cmd: AcceptContribution, ctx: Context) -> list[OutcomeEvent]:
    item = _find(state, cmd.contribution_id)
    if item.status is ContributionStatus.ACCEPTED:
        return []  # what the sender wanted holds, whoever did it
    _decided_since(item, cmd.expected_status, "accept")
    _not_merged(item, "accept")
    return [
        ContributionAccepted(stream=stream_id(state.event_id), contribution_id=item.id, at=ctx.now)
    ]


@_handles(SetAsideContribution)
def _set_aside(state: OutcomeState, cmd: SetAsideContribution, ctx: Context) -> list[OutcomeEvent]:
    item = _find(state, cmd.contribution_id)
    if item.status is ContributionStatus.SET_ASIDE and item.note == cmd.note:
        return []
    _decided_since(item, cmd.expected_status, "set aside")
    _not_merged(item, "set aside")
    _holds_accepted(state, item, "setting it aside")
    return [
        ContributionSetAside(
            stream=stream_id(state.event_id), contribution_id=item.id, note=cmd.note, at=ctx.now
        )
    ]


@_handles(ReopenContribution)
def _reopen(state: OutcomeState, cmd: ReopenContribution, ctx: Context) -> list[OutcomeEvent]:
    item = _find(state, cmd.contribution_id)
    if item.status is ContributionStatus.SUBMITTED:
        return []  # it awaits review already, whoever reopened it
    _decided_since(item, cmd.expected_status, "reopen")
    _not_merged(item, "reopen")
    _holds_accepted(state, item, "taking its decision back")
    return [
        ContributionReopened(stream=stream_id(state.event_id), contribution_id=item.id, at=ctx.now)
    ]


def _holds_accepted(state: OutcomeState, item: Contribution, doing: str) -> None:
    """Refuse ``holds_accepted`` while accepted contributions are merged into ``item``: the merge
    rule kept them in the outcome with it; ``doing`` would take them out unseen."""
    accepted = [
        other.id
        for other in state.ordered()
        if other.merged_into == item.id and other.before_merge is ContributionStatus.ACCEPTED
    ]
    if accepted:
        names = ", ".join(repr(i) for i in accepted)
        raise FloorError(
            f"contribution {item.id!r} holds accepted contributions merged into it ({names}): "
            f"{doing} would take them out of the outcome too; unmerge them first (and set them "
            "aside too if they should go)",
            code="holds_accepted",
        )


@_handles(EditContribution)
def _edit(state: OutcomeState, cmd: EditContribution, ctx: Context) -> list[OutcomeEvent]:
    item = _find(state, cmd.contribution_id)
    _may_edit(item, ctx.actor)
    language = cmd.language if cmd.language != item.language else None
    if item.text == cmd.text and language is None:
        return []
    if cmd.version is not None and cmd.version != item.version:
        refusal = FloorError(
            f"contribution {item.id!r} was changed since you opened it (it is at version "
            f"{item.version}, you wrote against {cmd.version}): read its wording now, then save "
            "yours again if it should still replace it",
            code="edited_since",
        )
        refusal.detail = {"text": item.text, "version": item.version}
        raise refusal
    return [
        ContributionEdited(
            stream=stream_id(state.event_id),
            contribution_id=item.id,
            text=cmd.text,
            at=ctx.now,
            by_curator=ctx.actor.role is not Role.DELEGATE,
            language=language,
        )
    ]


def _may_edit(item: Contribution, actor: Actor) -> None:
    if actor.role is not Role.DELEGATE:  # a curator (roles_for let them through)
        _not_merged(item, "edit")
        return
    if actor.participant_id is None or item.author.participant_id != actor.participant_id:
        raise Forbidden("a delegate may edit only their own contributions")
    if item.status is not ContributionStatus.SUBMITTED:
        raise FloorError(
            f"contribution {item.id!r} is already {item.status.value.replace('_', ' ')}: ask the "
            "rapporteur or the moderator to change its wording",
            code="already_curated",
        )
    if item.curated:
        raise FloorError(
            f"the rapporteur has already reworded or tagged contribution {item.id!r}: ask the "
            "rapporteur or the moderator to change its wording",
            code="already_curated",
        )


def curation_parts(state: OutcomeState, cmd: CurateContribution) -> list[OutcomeCommand]:
    """The commands ``cmd`` is made of, in the order they are decided."""
    if cmd.status is not None and cmd.merged_into is not None:
        raise FloorError(
            "send status or merged_into, not both: merged_into alone merges this contribution "
            "into another (it ends merged); status alone accepts it or sets it aside",
            code="status_or_merge",
            status=422,
        )
    item = _find(state, cmd.contribution_id)
    parts: list[OutcomeCommand] = []
    unmerge = cmd.merged_into is None and "merged_into" in cmd.model_fields_set
    if unmerge and item.status is ContributionStatus.MERGED:
        # ``merged_into: null``: it stands on its own again, first (the rest is then about it)
        parts.append(UnmergeContribution(contribution_id=item.id))
    if cmd.text is not None or cmd.language is not None:
        text = cmd.text if cmd.text is not None else item.text
        parts.append(
            EditContribution(
                contribution_id=item.id, text=text, language=cmd.language, version=cmd.version
            )
        )
    if cmd.themes is not None or cmd.objectives is not None:
        themes = cmd.themes if cmd.themes is not None else list(item.themes)
        objectives = cmd.objectives if cmd.objectives is not None else list(item.objectives)
        parts.append(TagContribution(contribution_id=item.id, themes=themes, objectives=objectives))
    if cmd.merged_into is not None:
        parts.append(MergeContributions(contribution_id=item.id, into_id=cmd.merged_into))
    elif cmd.status == "accepted":
        parts.append(AcceptContribution(contribution_id=item.id))
    elif cmd.status == "set_aside":
        parts.append(SetAsideContribution(contribution_id=item.id, note=cmd.note))
    return parts


@_handles(CurateContribution)
def _curate(state: OutcomeState, cmd: CurateContribution, ctx: Context) -> list[OutcomeEvent]:
    item = _find(state, cmd.contribution_id)
    if cmd.version is not None and cmd.version != item.version and cmd.text in (None, item.text):
        # the version guards the whole change, not only a new wording (which says edited_since)
        refusal = FloorError(
            f"contribution {item.id!r} was changed since you read it (it is at version "
            f"{item.version}, you sent {cmd.version}): read it again, then send your change if "
            "it still holds",
            code="changed_since",
        )
        refusal.detail = {
            "version": item.version,
            "text": item.text,
            "status": item.status.value,
            "merged_into": item.merged_into,
            "note": item.note,
            "themes": list(item.themes),
            "objectives": list(item.objectives),
        }
        raise refusal
    events: list[OutcomeEvent] = []
    for part in curation_parts(state, cmd):
        if ctx.actor.role not in roles_for(part.type):
            raise Forbidden(
                f"a {ctx.actor.role} may not send {part.type} (a part of this "
                "curate_contribution): a delegate may change only the wording of their own"
            )
        made = _HANDLERS[type(part)](state, part, ctx)
        state = apply_all(state, made)
        events.extend(made)
    return events


@_handles(MergeContributions)
def _merge(state: OutcomeState, cmd: MergeContributions, ctx: Context) -> list[OutcomeEvent]:
    item = _find(state, cmd.contribution_id)
    target = _find(state, cmd.into_id)
    if item.status is ContributionStatus.MERGED and item.merged_into == target.id:
        return []
    _decided_since(item, cmd.expected_status, "merge")
    _not_merged(item, "merge")
    refusal = merge_refusal(item, target)
    if refusal is not None:
        raise refusal
    repointed = tuple(
        other.id
        for other in state.ordered()
        if other.status is ContributionStatus.MERGED and other.merged_into == item.id
    )
    merged: list[OutcomeEvent] = [
        ContributionsMerged(
            stream=stream_id(state.event_id),
            contribution_id=item.id,
            into_id=target.id,
            repointed=repointed,
            at=ctx.now,
        )
    ]
    if state.shown_id == item.id and target.status is ContributionStatus.ACCEPTED:
        # the point shown lives in the one kept now: the display shows that, not the floor
        merged.append(
            ContributionShown(
                stream=stream_id(state.event_id), contribution_id=target.id, at=ctx.now
            )
        )
    return merged


def merge_refusal(item: Contribution, target: Contribution) -> FloorError | None:
    """Why ``item`` may not be merged into ``target`` (None: it may). The one kept must be a
    contribution the outcome can hold: not merged itself, not set aside, of the same kind (a
    pledge is a commitment of its own, not a recommendation's duplicate), and at least as far
    along (an accepted one merged into one not yet accepted would leave the outcome)."""
    if target.id == item.id:
        return FloorError(
            f"contribution {item.id!r} cannot be merged into itself: choose another one",
            code="invalid_merge",
            status=422,
        )
    if target.status is ContributionStatus.MERGED:
        return FloorError(
            f"contribution {target.id!r} is itself merged into {target.merged_into!r}: merge into "
            "that one instead",
            code="invalid_merge",
            status=422,
        )
    if target.status is ContributionStatus.SET_ASIDE:
        return FloorError(
            f"contribution {target.id!r} is set aside: the one kept would not be in the outcome; "
            "accept it first, or merge into another",
            code="invalid_merge",
            status=422,
        )
    if target.kind is not item.kind:
        return FloorError(
            f"contribution {item.id!r} is a {item.kind.value} and {target.id!r} a "
            f"{target.kind.value}: only two of the same kind are merged (tag them with the same "
            "theme instead)",
            code="invalid_merge",
            status=422,
        )
    if (
        item.status is ContributionStatus.ACCEPTED
        and target.status is not ContributionStatus.ACCEPTED
    ):
        return FloorError(
            f"contribution {item.id!r} is accepted and {target.id!r} is not yet: it would leave "
            "the outcome; accept the one to keep first",
            code="invalid_merge",
            status=422,
        )
    return None


def merge_targets(state: OutcomeState, contribution_id: str) -> list[Contribution]:
    """The contributions ``contribution_id`` may be merged into now, earliest first (the
    rapporteur's page offers these)."""
    item = _find(state, contribution_id)
    return [other for other in state.ordered() if merge_refusal(item, other) is None]


@_handles(UnmergeContribution)
def _unmerge(state: OutcomeState, cmd: UnmergeContribution, ctx: Context) -> list[OutcomeEvent]:
    item = _find(state, cmd.contribution_id)
    if item.status is not ContributionStatus.MERGED:
        raise FloorError(
            f"contribution {item.id!r} is not merged into another: there is nothing to unmerge",
            code="not_merged",
        )
    return [
        ContributionUnmerged(
            stream=stream_id(state.event_id),
            contribution_id=item.id,
            status=item.before_merge or ContributionStatus.SUBMITTED,
            at=ctx.now,
        )
    ]


@_handles(CorrectAuthor)
def _correct_author(state: OutcomeState, cmd: CorrectAuthor, ctx: Context) -> list[OutcomeEvent]:
    speaker = ctx.speakers.get(cmd.participant_id)
    if speaker is None:
        raise NotFound(f"no participant {cmd.participant_id!r} in this event: check the id")
    author = author_of(speaker, cmd.participant_id)
    stale = tuple(
        item.id
        for item in state.ordered()
        if item.author.participant_id == cmd.participant_id and item.author != author
    )
    if not stale:
        return []
    return [
        AuthorCorrected(
            stream=stream_id(state.event_id), author=author, contribution_ids=stale, at=ctx.now
        )
    ]


def _check_objectives(objectives: Iterable[int]) -> tuple[int, ...]:
    """Sorted and unique, once each is known to be an objective (1..23)."""
    chosen = set(objectives)
    for number in chosen:
        # a bool is an int too; pydantic's strict int refuses it, and so does this
        if isinstance(number, bool) or not FIRST_OBJECTIVE <= number <= LAST_OBJECTIVE:
            raise FloorError(
                f"{number!r} is not an objective of the Global Compact: choose from "
                f"{FIRST_OBJECTIVE} to {LAST_OBJECTIVE}",
                code="invalid_objective",
                status=422,
            )
    return tuple(sorted(chosen))


@_handles(TagContribution)
def _tag(state: OutcomeState, cmd: TagContribution, ctx: Context) -> list[OutcomeEvent]:
    item = _find(state, cmd.contribution_id)
    _not_merged(item, "tag")
    if cmd.changes():
        if cmd.themes or cmd.objectives:
            raise FloorError(
                "send themes and objectives (the tags as they should be) or add_ and remove_ "
                "(changes to the tags as they are), not both",
                code="invalid_theme",
                status=422,
            )
        # the tags as they are now, with these changes: what someone else added meanwhile stays
        wanted = [t for t in item.themes if t not in cmd.remove_themes] + cmd.add_themes
        kept = set(item.objectives) - set(cmd.remove_objectives)
        wanted_objectives = [*kept, *cmd.add_objectives]
    else:
        wanted, wanted_objectives = cmd.themes, cmd.objectives
    themes = tuple(dict.fromkeys(wanted))
    if len(themes) > MAX_THEMES or any(
        not theme or len(theme) > THEME_LENGTH for theme in themes
    ):  # the command's type checks this too; a command made without validation meets it here
        raise FloorError(
            f"a contribution has at most {MAX_THEMES} themes of 1 to {THEME_LENGTH} characters",
            code="invalid_theme",
            status=422,
        )
    objectives = _check_objectives(wanted_objectives)
    if (themes, objectives) == (item.themes, item.objectives):
        return []
    return [
        ContributionTagged(
            stream=stream_id(state.event_id),
            contribution_id=item.id,
            themes=themes,
            objectives=objectives,
            at=ctx.now,
        )
    ]


@_handles(ShowContribution)
def _show(state: OutcomeState, cmd: ShowContribution, ctx: Context) -> list[OutcomeEvent]:
    if cmd.contribution_id == state.shown_id:
        return []  # what the sender wanted holds
    if "expected_shown" in cmd.model_fields_set and cmd.expected_shown != state.shown_id:
        refusal = FloorError(
            "someone else changed what the room display shows since you saw it: look at what "
            "it shows now, then move it again if you still mean to",
            code="changed_since",
        )
        refusal.detail = {"shown_id": state.shown_id}
        raise refusal
    if cmd.contribution_id is not None:
        item = _find(state, cmd.contribution_id)
        if item.status is not ContributionStatus.ACCEPTED:
            raise FloorError(
                f"contribution {item.id!r} is {item.status.value.replace('_', ' ')}: the display "
                "shows accepted contributions only, accept it first",
                code="not_accepted",
            )
    if cmd.contribution_id == state.shown_id:
        return []
    return [
        ContributionShown(
            stream=stream_id(state.event_id), contribution_id=cmd.contribution_id, at=ctx.now
        )
    ]


# --- fold ---------------------------------------------------------------------------------------


def apply(state: OutcomeState, event: OutcomeEvent) -> OutcomeState:
    """Fold one event: the stream moves up one version. Deterministic; never reads a clock."""
    if event.stream != stream_id(state.event_id):
        raise ValueError(f"event of {event.stream!r} folded into {stream_id(state.event_id)!r}")
    contributions = state.contributions
    shown_id = state.shown_id
    shown_themes = state.shown_themes
    if isinstance(event, ContributionSubmitted):
        contributions = contributions.set(
            event.contribution_id,
            Contribution(
                id=event.contribution_id,
                kind=event.kind,
                text=event.text,
                original_text=event.text,
                author=event.author,
                segment_id=event.segment_id,
                entry_id=event.entry_id,
                language=event.language,
                status=ContributionStatus.SUBMITTED,
                merged_into=None,
                themes=(),
                objectives=(),
                note="",
                submitted_at=event.at,
                updated_at=event.at,
                version=1,
            ),
        )
    elif isinstance(event, ContributionShown):
        shown_id = event.contribution_id
        shown = contributions.get(shown_id or "")
        shown_themes = shown.themes if shown is not None else ()
    elif isinstance(event, AuthorCorrected):
        # a correction of who they are, not a change of what they said: no new version of each
        with contributions.mutate() as editing:
            for contribution_id in event.contribution_ids:
                editing[contribution_id] = replace(editing[contribution_id], author=event.author)
            contributions = editing.finish()
    else:
        changes: dict[str, Any]
        if isinstance(event, ContributionAccepted):
            changes = {"status": ContributionStatus.ACCEPTED, "note": ""}
        elif isinstance(event, ContributionSetAside):
            changes = {"status": ContributionStatus.SET_ASIDE, "note": event.note}
        elif isinstance(event, ContributionReopened):
            changes = {"status": ContributionStatus.SUBMITTED, "note": ""}
        elif isinstance(event, ContributionEdited):
            changes = {"text": event.text}
            if event.by_curator:
                changes["curated"] = True
            item = contributions[event.contribution_id]
            if event.language is not None:
                changes["language"] = event.language
                changes["original_language"] = item.original_language or item.language
            original = item.original_language or item.language
            if (event.language or item.language) == original:
                changes["original_wording"] = None  # the new wording is in its own language
            elif item.language == original:
                changes["original_wording"] = item.text  # its first translation: keep the own
        elif isinstance(event, ContributionTagged):
            changes = {
                "themes": tuple(event.themes),
                "objectives": tuple(event.objectives),
                "curated": True,
            }
        elif isinstance(event, ContributionUnmerged):
            changes = {"status": event.status, "merged_into": None, "before_merge": None}
        else:
            before = contributions[event.contribution_id].status
            changes = {
                "status": ContributionStatus.MERGED,
                "merged_into": event.into_id,
                "before_merge": before,
            }
            with contributions.mutate() as editing:
                for other_id in event.repointed:
                    editing[other_id] = _changed(
                        editing[other_id], event.at, merged_into=event.into_id
                    )
                contributions = editing.finish()
        changed = _changed(contributions[event.contribution_id], event.at, **changes)
        contributions = contributions.set(changed.id, changed)
        if changed.id == shown_id and changed.status is not ContributionStatus.ACCEPTED:
            shown_id = None  # the display shows accepted contributions only
            shown_themes = ()
    return replace(
        state,
        version=state.version + 1,
        contributions=contributions,
        shown_id=shown_id,
        shown_themes=shown_themes,
    )


def _changed(item: Contribution, at: int, **changes: Any) -> Contribution:
    return replace(item, updated_at=at, version=item.version + 1, **changes)


def apply_all(state: OutcomeState, events: Iterable[OutcomeEvent]) -> OutcomeState:
    for event in events:
        state = apply(state, event)
    return state


# --- views --------------------------------------------------------------------------------------


#: a theme as tagged -> the label the outcome groups and prints it under (``view``'s ``labels``)
Labels = Callable[[str], str]


def _same(theme: str) -> str:
    return theme


def _full(item: Contribution, labels: Labels, *, with_note: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.id,
        "kind": item.kind.value,
        "text": item.text,
        "original_text": item.original_text,
        "author": {
            "participant_id": item.author.participant_id,
            "name": item.author.name,
            "name_lang": name_language(item.author.name),  # a screen reader's voice for it
            "organisation": item.author.organisation,
            "organisation_lang": name_language(item.author.organisation),
            "constituency": item.author.constituency,
        },
        "segment_id": item.segment_id,
        "entry_id": item.entry_id,
        "language": item.language,
        "original_language": item.original_language or item.language,
        "status": item.status.value,
        "merged_into": item.merged_into,
        "themes": list(item.themes),
        "theme_labels": [labels(theme) for theme in item.themes],
        "objectives": list(item.objectives),
        "note": item.note,
        "submitted_at": item.submitted_at,
        "updated_at": item.updated_at,
        "version": item.version,
    }
    if not with_note:
        del out["note"]
    return out


def _public(item: Contribution, labels: Labels) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind.value,
        "text": item.text,
        "language": item.language,
        "constituency": item.author.constituency,
        "organisation": item.author.organisation,
        "themes": list(item.themes),
        "theme_labels": [labels(theme) for theme in item.themes],
        "objectives": list(item.objectives),
    }


def reflection(
    state: OutcomeState, labels: Labels = _same, titles: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The accepted contributions in the outcome's order (``themes.grouped``, as the outcome
    documents list and number them), for the group reflection the faces step through: one
    ``{"theme": label, "ids": [...]}`` per theme (``None``: "Other", last), ``titles`` the
    programme's segments' in programme order."""
    return _grouped(state, labels, titles, {})


def steps(
    state: OutcomeState,
    labels: Labels = _same,
    titles: Sequence[str] = (),
    order: list[dict[str, Any]] | None = None,
) -> dict[str, str | None]:
    """Where the reflection's Previous and Next go from what the display shows: ``previous_id``
    and ``next_id`` (None: nothing that way; nothing shown: Next is the first). Taken from the
    shown contribution's place *as it was shown*: re-tagged meanwhile, it is shown on under its
    new theme but the steps go on from where it was, so Next skips none of what followed it.
    ``order``: the ``reflection`` already made, used when the shown one was not re-tagged."""
    shown = state.contributions.get(state.shown_id or "")
    if order is None or (shown is not None and shown.themes != state.shown_themes):
        as_shown = {shown.id: state.shown_themes} if shown is not None else {}
        order = _grouped(state, labels, titles, as_shown)
    flat = [item_id for group in order for item_id in group["ids"]]
    if state.shown_id not in flat:
        return {"previous_id": None, "next_id": flat[0] if flat else None}
    index = flat.index(state.shown_id)
    return {
        "previous_id": flat[index - 1] if index > 0 else None,
        "next_id": flat[index + 1] if index + 1 < len(flat) else None,
    }


def _grouped(
    state: OutcomeState,
    labels: Labels,
    titles: Sequence[str],
    tagged: Mapping[str, Sequence[str]],
) -> list[dict[str, Any]]:
    """``reflection``, each contribution in ``tagged`` placed by the themes given there."""
    accepted = [item for item in state.ordered() if item.status is ContributionStatus.ACCEPTED]
    found = {
        item.id: list(dict.fromkeys(labels(theme) for theme in tagged.get(item.id, item.themes)))
        for item in accepted
    }
    order = themes.theme_order(titles, found.values())
    return [
        {"theme": label, "ids": [item.id for item in items]}
        for label, items in themes.grouped(
            accepted, lambda item: found[item.id], lambda item: item.kind.value, order
        )
    ]


def view(
    state: OutcomeState,
    audience: str,
    participant_id: str | None = None,
    labels: Labels = _same,
    titles: Sequence[str] = (),
) -> dict[str, Any]:
    """What ``audience`` sees of the outcome, as plain JSON. Each contribution's
    ``theme_labels`` are its ``themes`` as ``labels`` names them (one for one, in order): the
    label the outcome groups and prints each under (``themes.programme_themes``: a theme naming
    a segment of the programme, in any case or by its short title, is that segment's title).

    - ``moderator`` and ``rapporteur``: every contribution with every field, and ``shown_id``;
    - ``public`` (the room display): the accepted ones only (id, kind, text, constituency,
      organisation, themes, objectives) and the one shown (``shown``, or None);
    - ``delegate``: only their own (``participant_id``), every field but the curator's note.
    """
    head: dict[str, Any] = {"event_id": state.event_id, "version": state.version}
    match Audience(audience):
        case Audience.MODERATOR | Audience.RAPPORTEUR:
            contributions = [_full(item, labels) for item in state.ordered()]
            order = reflection(state, labels, titles)
            return {
                **head,
                "shown_id": state.shown_id,
                "contributions": contributions,
                "reflection": order,
                "steps": steps(state, labels, titles, order),
            }
        case Audience.PUBLIC:
            accepted = [
                _public(item, labels)
                for item in state.ordered()
                if item.status is ContributionStatus.ACCEPTED
            ]
            shown = state.contributions.get(state.shown_id or "")
            return {
                **head,
                "shown_id": state.shown_id,
                "shown": _public(shown, labels) if shown is not None else None,
                "contributions": accepted,
                "reflection": reflection(state, labels, titles),
            }
        case Audience.DELEGATE:
            own = [
                _full(item, labels, with_note=False)
                for item in state.ordered()
                if participant_id is not None and item.author.participant_id == participant_id
            ]
            return {**head, "contributions": own}
