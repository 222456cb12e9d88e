"""The hearing's outcome: recommendations and pledges, submitted, curated, shown and viewed.

Every rule of ``app/floor/contributions.py``, each role, the fold, the views per audience, the
events' JSON, and a random curation session that keeps the invariants."""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from pydantic import TypeAdapter, ValidationError

from app.floor import Actor, Context, FloorError, Forbidden, NotFound, Role, StaleVersion
from app.floor import commands as c
from app.floor.contributions import (
    LAST_OBJECTIVE,
    THEME_LENGTH,
    AcceptContribution,
    Author,
    AuthorCorrected,
    Contribution,
    ContributionAccepted,
    ContributionEdited,
    ContributionKind,
    ContributionReopened,
    ContributionSetAside,
    ContributionShown,
    ContributionsMerged,
    ContributionStatus,
    ContributionSubmitted,
    ContributionTagged,
    ContributionUnmerged,
    CorrectAuthor,
    CurateContribution,
    EditContribution,
    MergeContributions,
    OutcomeCommand,
    OutcomeEvent,
    OutcomeState,
    ReopenContribution,
    SetAsideContribution,
    ShowContribution,
    SubmitContribution,
    TagContribution,
    UnmergeContribution,
    apply,
    apply_all,
    command_types,
    decide,
    event_from_json,
    event_to_json,
    event_types,
    merge_targets,
    stream_id,
    view,
)
from app.floor.model import Constituency, SegmentState
from app.floor.roles import COMMAND_ROLES, roles_for
from tests.floor.kit import (
    DISPLAY,
    EVENT_ID,
    MODERATOR,
    ORGANISER,
    SPEAKERS,
    START_AT,
    delegate,
    live_floor,
)

RAPPORTEUR = Actor(Role.RAPPORTEUR, EVENT_ID)
STREAM = stream_id(EVENT_ID)
P = ContributionKind.PLEDGE
R = ContributionKind.RECOMMENDATION
S = ContributionStatus

_COMMANDS: TypeAdapter[OutcomeCommand] = TypeAdapter(OutcomeCommand)


class Outcome:
    """One meeting day's outcome driven through the pure core, with a fake clock and a log."""

    def __init__(self, now: int = START_AT) -> None:
        self.state = OutcomeState(EVENT_ID)
        self.now = now
        self.log: list[OutcomeEvent] = []
        self._ids = itertools.count(1)
        self.speakers = SPEAKERS
        self.segments: dict[str, SegmentState] | None = None

    def context(self, actor: Actor) -> Context:
        return Context(
            now=self.now,
            actor=actor,
            new_id=lambda: f"k{next(self._ids)}",
            speakers=self.speakers,
            segments=self.segments,
        )

    def send(
        self, command: Any, actor: Actor = MODERATOR, base_version: int | None = None
    ) -> list[OutcomeEvent]:
        events = decide(self.state, command, self.context(actor), base_version)
        for event in events:
            self.state = apply(self.state, event)
        self.log.extend(events)
        self.now += 1_000
        return events

    def refuse(
        self,
        command: Any,
        code: str,
        actor: Actor = MODERATOR,
        error: type[FloorError] = FloorError,
        status: int | None = None,
        base_version: int | None = None,
    ) -> FloorError:
        before = self.state
        with pytest.raises(error) as caught:
            self.send(command, actor, base_version)
        assert caught.value.code == code, caught.value.message
        if status is not None:
            assert caught.value.status == status
        assert self.state is before
        return caught.value

    def submit(
        self,
        participant_id: str = "p1",
        kind: ContributionKind = R,
        text: str = "Regularise undocumented migrant workers",
        **fields: Any,
    ) -> str:
        command = SubmitContribution(kind=kind, text=text, language="en", **fields)
        (submitted,) = self.send(command, delegate(participant_id))
        assert isinstance(submitted, ContributionSubmitted)
        return submitted.contribution_id

    def accepted(self, participant_id: str = "p1", text: str = "Open regular pathways") -> str:
        contribution_id = self.submit(participant_id, text=text)
        self.send(AcceptContribution(contribution_id=contribution_id), RAPPORTEUR)
        return contribution_id

    def merged(self) -> tuple[str, str]:
        """Two contributions, the first merged into the second."""
        duplicate, kept = self.submit("p1"), self.submit("p2")
        self.send(MergeContributions(contribution_id=duplicate, into_id=kept), RAPPORTEUR)
        return duplicate, kept

    def __getitem__(self, contribution_id: str) -> Contribution:
        return self.state.contributions[contribution_id]


@pytest.fixture
def outcome() -> Outcome:
    return Outcome()


# --- submitting ---------------------------------------------------------------------------------


def test_a_delegate_submits_their_own(outcome: Outcome) -> None:
    command = SubmitContribution(
        kind=P,
        text="  Nous nous engageons\u200b à  financer\n\n  des voies régulières ",
        language="fr",
        segment_id="seg-2",
        entry_id="entry-7",
    )
    (submitted,) = outcome.send(command, delegate("p2"))
    assert isinstance(submitted, ContributionSubmitted)
    item = outcome[submitted.contribution_id]
    speaker = SPEAKERS["p2"]
    assert item.author == Author(
        "p2", speaker.name, speaker.organisation, "local_and_regional_authorities"
    )
    assert type(item.author.constituency) is str
    assert (
        item.text == item.original_text == "Nous nous engageons à financer\n\ndes voies régulières"
    )
    assert (item.kind, item.language, item.segment_id, item.entry_id) == (
        P,
        "fr",
        "seg-2",
        "entry-7",
    )
    assert (item.status, item.merged_into, item.themes, item.objectives, item.note) == (
        S.SUBMITTED,
        None,
        (),
        (),
        "",
    )
    assert (item.submitted_at, item.updated_at, item.version) == (START_AT, START_AT, 1)
    assert submitted.stream == STREAM == "outcome:imrf-hearing"


def test_a_delegate_may_name_themselves_on_behalf_of(outcome: Outcome) -> None:
    contribution_id = outcome.submit("p3", on_behalf_of="p3")
    assert outcome[contribution_id].author.participant_id == "p3"


@pytest.mark.parametrize("actor", [MODERATOR, ORGANISER], ids=["moderator", "organiser"])
def test_the_floor_submits_on_behalf_of_a_participant(outcome: Outcome, actor: Actor) -> None:
    command = SubmitContribution(kind=P, text="We pledge", language="es", on_behalf_of="p4")
    (submitted,) = outcome.send(command, actor)
    assert isinstance(submitted, ContributionSubmitted)
    assert submitted.author.participant_id == "p4"
    assert submitted.author.name == SPEAKERS["p4"].name


def test_a_moderator_who_is_a_participant_may_submit_their_own(outcome: Outcome) -> None:
    command = SubmitContribution(kind=P, text="We pledge", language="en")
    (submitted,) = outcome.send(command, Actor(Role.MODERATOR, EVENT_ID, "p1"))
    assert isinstance(submitted, ContributionSubmitted)
    assert submitted.author.participant_id == "p1"


def test_a_curator_credits_a_speaker_by_their_turn(outcome: Outcome) -> None:
    """Outside probe: the rapporteur could credit only registered participants, not the
    panellist at the podium added by name on the console. A curator names the turn instead
    (``segment_id`` and ``entry_id``): on the floor, in the queue or on the record; a turn of a
    registered participant credits them as registered."""
    floor = live_floor()
    floor.add("Ambassador Guest", organisation="Mission of Ecuador")
    floor.queued("p2")
    floor.send(c.CallNext())
    guest = floor.seg.current
    assert guest is not None
    queued = floor.seg.queue[0]
    outcome.segments = {floor.seg.id: floor.seg}

    def credited(entry_id: str, actor: Actor = RAPPORTEUR, **fields: Any) -> Author:
        command = SubmitContribution(
            kind=P,
            text="We pledge",
            language="en",
            segment_id=floor.seg.id,
            entry_id=entry_id,
            **fields,
        )
        (submitted,) = outcome.send(command, actor)
        assert isinstance(submitted, ContributionSubmitted)
        assert submitted.entry_id == entry_id
        return submitted.author

    on_the_floor = credited(guest.entry.id)
    assert on_the_floor == Author(None, "Ambassador Guest", "Mission of Ecuador", "other")
    assert credited(queued.id, MODERATOR) == Author(
        "p2", SPEAKERS["p2"].name, SPEAKERS["p2"].organisation, "local_and_regional_authorities"
    )
    floor.send(c.EndTurn())
    outcome.segments = {floor.seg.id: floor.seg}
    assert credited(guest.entry.id).name == "Ambassador Guest"  # on the record now
    # on_behalf_of, when sent, names the author whatever the turn
    assert credited(guest.entry.id, on_behalf_of="p3").participant_id == "p3"
    unknown = SubmitContribution(
        kind=P, text="x", language="en", segment_id=floor.seg.id, entry_id="nobody"
    )
    error = outcome.refuse(unknown, "not_found", RAPPORTEUR, status=404)
    assert "name a turn on its floor, in its queue or on its record" in error.message


SUBMIT = SubmitContribution(kind=R, text="A recommendation", language="en")
SUBMIT = SubmitContribution(kind=R, text="A recommendation", language="en")


@pytest.mark.parametrize(
    ("command", "actor", "code", "status"),
    [
        # only registered participants submit their own
        (SUBMIT, delegate("ghost"), "forbidden", 403),
        (SUBMIT, Actor(Role.DELEGATE, EVENT_ID), "forbidden", 403),
        (SUBMIT.model_copy(update={"on_behalf_of": "p2"}), delegate("p1"), "forbidden", 403),
        # the floor submits on behalf of a participant who exists
        (SUBMIT.model_copy(update={"on_behalf_of": "ghost"}), MODERATOR, "not_found", 404),
        (SUBMIT.model_copy(update={"on_behalf_of": "ghost"}), ORGANISER, "not_found", 404),
        (SUBMIT, MODERATOR, "author_required", 422),
        # the rapporteur submits for a panellist without a phone: naming them
        (SUBMIT, RAPPORTEUR, "author_required", 422),
        (SUBMIT.model_copy(update={"on_behalf_of": "ghost"}), RAPPORTEUR, "not_found", 404),
        # a display sends nothing
        (SUBMIT, DISPLAY, "forbidden", 403),
    ],
)
def test_who_may_submit(
    outcome: Outcome, command: SubmitContribution, actor: Actor, code: str, status: int
) -> None:
    error = outcome.refuse(command, code, actor, status=status)
    assert error.message


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "pledge", "text": "x" * 2001, "language": "en"},
        {"kind": "pledge", "text": " \u200b\n ", "language": "en"},
        {"kind": "pledge", "text": "ok", "language": "de"},
        {"kind": "wish", "text": "ok", "language": "en"},
        {"kind": "pledge", "text": "ok", "language": "en", "author": "someone"},
        {"kind": "pledge", "text": "ok", "language": "en", "segment_id": ""},
    ],
)
def test_a_submission_is_validated(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _COMMANDS.validate_python({"type": "submit_contribution", **body})


def test_every_language_of_the_un_and_other() -> None:
    for language in ("ar", "zh", "en", "fr", "ru", "es", "other"):
        command = _COMMANDS.validate_python(
            {"type": "submit_contribution", "kind": "pledge", "text": "t", "language": language}
        )
        assert isinstance(command, SubmitContribution)


def test_the_text_may_be_two_thousand_characters() -> None:
    command = SubmitContribution(kind=P, text="é" * 2000, language="fr")
    assert len(command.text) == 2000


# --- roles --------------------------------------------------------------------------------------

CURATORS = {Role.ORGANISER, Role.MODERATOR, Role.RAPPORTEUR}
ALLOWED: dict[str, set[Role]] = {
    "submit_contribution": {Role.DELEGATE, *CURATORS},
    "accept_contribution": CURATORS,
    "set_aside_contribution": CURATORS,
    "reopen_contribution": CURATORS,
    "edit_contribution": {Role.DELEGATE, *CURATORS},
    "merge_contributions": CURATORS,
    "unmerge_contribution": CURATORS,
    "tag_contribution": CURATORS,
    "show_contribution": CURATORS,
    "curate_contribution": {Role.DELEGATE, *CURATORS},  # each part by its own row
    # the engine's, after a correction at the desk
    "correct_author": {Role.ORGANISER, Role.MODERATOR},
}


def _prepared(command_type: str) -> tuple[Outcome, Any]:
    """An outcome where ``command_type`` is accepted, and the command (its author is p1)."""
    outcome = Outcome()
    first = outcome.submit("p1")
    second = outcome.submit("p1")
    examples: dict[str, Any] = {
        "submit_contribution": SubmitContribution(
            kind=P, text="We pledge", language="en", on_behalf_of="p1"
        ),
        "accept_contribution": AcceptContribution(contribution_id=first),
        "set_aside_contribution": SetAsideContribution(contribution_id=first, note="off topic"),
        "reopen_contribution": ReopenContribution(contribution_id=second),
        "edit_contribution": EditContribution(contribution_id=first, text="Better wording"),
        "merge_contributions": MergeContributions(contribution_id=first, into_id=second),
        "tag_contribution": TagContribution(contribution_id=first, themes=["II"], objectives=[5]),
        "show_contribution": ShowContribution(contribution_id=second),
        "curate_contribution": CurateContribution(contribution_id=first, text="Better wording"),
        "unmerge_contribution": UnmergeContribution(contribution_id=first),
        "correct_author": CorrectAuthor(participant_id="p1"),
    }
    outcome.send(AcceptContribution(contribution_id=second))
    if command_type == "unmerge_contribution":
        outcome.send(MergeContributions(contribution_id=first, into_id=second))
    if command_type == "correct_author":  # the desk corrected p1's name since
        outcome.speakers = {**SPEAKERS, "p1": dataclasses.replace(SPEAKERS["p1"], name="A. D.")}
    return outcome, examples[command_type]


def _as(role: Role) -> Actor:
    return Actor(role, None if role is Role.ORGANISER else EVENT_ID, "p1")


def test_the_roles_of_every_command_are_written_once_in_roles_py() -> None:
    assert set(ALLOWED) == set(command_types())
    for command_type, roles in ALLOWED.items():
        assert COMMAND_ROLES[command_type] == roles_for(command_type) == roles


@pytest.mark.parametrize("command_type", command_types())
@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_send_only_its_commands(command_type: str, role: Role) -> None:
    outcome, command = _prepared(command_type)
    if role in ALLOWED[command_type]:
        assert outcome.send(command, _as(role))
    else:
        error = outcome.refuse(command, "forbidden", _as(role), error=Forbidden, status=403)
        article = "an" if role is Role.ORGANISER else "a"  # the only role with a vowel
        assert error.message == f"{article} {role} may not send {command_type}"


def test_a_display_may_send_nothing() -> None:
    for command_type in command_types():
        outcome, command = _prepared(command_type)
        outcome.refuse(command, "forbidden", DISPLAY, error=Forbidden)


def test_the_role_is_checked_before_the_version(outcome: Outcome) -> None:
    contribution_id = outcome.submit()
    accept = AcceptContribution(contribution_id=contribution_id)
    outcome.refuse(accept, "forbidden", DISPLAY, error=Forbidden, base_version=0)
    outcome.refuse(accept, "stale_version", RAPPORTEUR, error=StaleVersion, base_version=0)
    assert outcome.send(accept, RAPPORTEUR, base_version=outcome.state.version)


# --- curating -----------------------------------------------------------------------------------


def test_accept_set_aside_and_accept_again(outcome: Outcome) -> None:
    contribution_id = outcome.submit()
    outcome.send(AcceptContribution(contribution_id=contribution_id), RAPPORTEUR)
    assert outcome[contribution_id].status is S.ACCEPTED
    outcome.send(SetAsideContribution(contribution_id=contribution_id, note=" duplicate "))
    assert (outcome[contribution_id].status, outcome[contribution_id].note) == (
        S.SET_ASIDE,
        "duplicate",
    )
    outcome.send(AcceptContribution(contribution_id=contribution_id), RAPPORTEUR)
    assert (outcome[contribution_id].status, outcome[contribution_id].note) == (S.ACCEPTED, "")
    assert outcome[contribution_id].version == 4
    assert outcome[contribution_id].updated_at == START_AT + 3_000


def test_an_edit_keeps_the_original_and_the_log_keeps_every_wording(outcome: Outcome) -> None:
    contribution_id = outcome.submit(text="first")
    outcome.send(EditContribution(contribution_id=contribution_id, text="second"), RAPPORTEUR)
    outcome.send(EditContribution(contribution_id=contribution_id, text="third"), MODERATOR)
    item = outcome[contribution_id]
    assert (item.text, item.original_text, item.status) == ("third", "first", S.SUBMITTED)
    wordings = [
        e.text for e in outcome.log if isinstance(e, ContributionSubmitted | ContributionEdited)
    ]
    assert wordings == ["first", "second", "third"]


def test_a_delegate_rewords_their_own_until_it_is_curated(outcome: Outcome) -> None:
    contribution_id = outcome.submit("p1", text="draft")
    outcome.send(EditContribution(contribution_id=contribution_id, text="final"), delegate("p1"))
    assert outcome[contribution_id].text == "final"
    outcome.refuse(
        EditContribution(contribution_id=contribution_id, text="p2's"),
        "forbidden",
        delegate("p2"),
        error=Forbidden,
    )


@pytest.mark.parametrize(
    "curate",
    [
        lambda o, i: o.send(AcceptContribution(contribution_id=i), RAPPORTEUR),
        lambda o, i: o.send(SetAsideContribution(contribution_id=i), RAPPORTEUR),
        lambda o, i: o.send(MergeContributions(contribution_id=i, into_id=o.submit("p2"))),
    ],
    ids=["accepted", "set_aside", "merged"],
)
def test_a_delegate_may_not_reword_a_curated_one(
    outcome: Outcome, curate: Callable[[Outcome, str], object]
) -> None:
    contribution_id = outcome.submit("p1")
    curate(outcome, contribution_id)
    error = outcome.refuse(
        EditContribution(contribution_id=contribution_id, text="changed"),
        "already_curated",
        delegate("p1"),
        status=409,
    )
    assert "rapporteur" in error.message


@pytest.mark.parametrize(
    "curate",
    [
        lambda o, i: o.send(EditContribution(contribution_id=i, text="Reworded"), RAPPORTEUR),
        lambda o, i: o.send(TagContribution(contribution_id=i, themes=["I"], objectives=[5])),
    ],
    ids=["reworded", "tagged"],
)
def test_a_delegate_may_not_reword_one_the_rapporteur_reworded_or_tagged(
    outcome: Outcome, curate: Callable[[Outcome, str], object]
) -> None:
    """Still submitted, but the rapporteur worked on it: the author's rewording (through the API,
    with no version) would replace the rapporteur's without a word."""
    contribution_id = outcome.submit("p1")
    outcome.send(EditContribution(contribution_id=contribution_id, text="Mine"), delegate("p1"))
    assert not outcome[contribution_id].curated  # the author's own rewording is no curation
    curate(outcome, contribution_id)
    error = outcome.refuse(
        EditContribution(contribution_id=contribution_id, text="changed"),
        "already_curated",
        delegate("p1"),
        status=409,
    )
    assert "the rapporteur has already reworded or tagged" in error.message


def test_the_merge_picker_offers_what_may_be_merged_into(outcome: Outcome) -> None:
    accepted = outcome.accepted("p1")
    other_accepted = outcome.accepted("p2")
    submitted = outcome.submit("p3")
    pledge = outcome.submit("p4", kind=P)
    aside = _set_aside(outcome, "off topic")
    duplicate, kept = outcome.merged()

    def ids(of: str) -> list[str]:
        return [c.id for c in merge_targets(outcome.state, of)]

    assert ids(accepted) == [other_accepted]  # not one that is only submitted: it would leave
    assert ids(submitted) == [accepted, other_accepted, kept]
    assert ids(pledge) == []
    assert aside not in ids(submitted) and duplicate not in ids(submitted)


def _holding_an_accepted_one(outcome: Outcome) -> str:
    """An accepted contribution another accepted one is merged into (a duplicate)."""
    kept = outcome.accepted("p2")
    duplicate = outcome.accepted("p3")
    outcome.send(MergeContributions(contribution_id=duplicate, into_id=kept), RAPPORTEUR)
    return kept


def test_merge_points_to_a_kept_one_and_repoints_the_ones_merged_before(outcome: Outcome) -> None:
    a, b, c = outcome.submit("p1"), outcome.submit("p2"), outcome.submit("p3")
    outcome.send(MergeContributions(contribution_id=a, into_id=b), RAPPORTEUR)
    (merged,) = outcome.send(MergeContributions(contribution_id=b, into_id=c), RAPPORTEUR)
    assert isinstance(merged, ContributionsMerged)
    assert merged.repointed == (a,)
    assert [(outcome[i].status, outcome[i].merged_into) for i in (a, b, c)] == [
        (S.MERGED, c),
        (S.MERGED, c),
        (S.SUBMITTED, None),
    ]


def test_a_merge_is_taken_back_with_the_status_it_had(outcome: Outcome) -> None:
    """A wrong merge is not for ever: unmerged, it stands on its own with its earlier status
    (the ones merged into it before keep pointing where the merge repointed them)."""
    kept, duplicate = outcome.accepted("p1"), outcome.accepted("p2")
    outcome.send(MergeContributions(contribution_id=duplicate, into_id=kept), RAPPORTEUR)
    assert outcome[duplicate].before_merge is S.ACCEPTED
    (unmerged,) = outcome.send(UnmergeContribution(contribution_id=duplicate), RAPPORTEUR)
    assert isinstance(unmerged, ContributionUnmerged)
    item = outcome[duplicate]
    assert (item.status, item.merged_into, item.before_merge) == (S.ACCEPTED, None, None)
    error = outcome.refuse(UnmergeContribution(contribution_id=duplicate), "not_merged")
    assert "nothing to unmerge" in error.message
    outcome.refuse(UnmergeContribution(contribution_id=kept), "not_merged")
    outcome.refuse(UnmergeContribution(contribution_id=kept), "forbidden", DISPLAY, Forbidden)


def test_a_rewording_made_against_an_older_version_is_refused(outcome: Outcome) -> None:
    """Two curators reword the same contribution: the second, written against the wording the
    first replaced, is refused with the wording now instead of silently replacing it."""
    item = outcome.submit("p1")
    opened = outcome[item].version
    outcome.send(EditContribution(contribution_id=item, text="The moderator's wording"))
    error = outcome.refuse(
        EditContribution(contribution_id=item, text="Mine", version=opened),
        "edited_since",
        RAPPORTEUR,
    )
    assert error.detail == {"text": "The moderator's wording", "version": opened + 1}
    assert "changed since you opened it" in error.message
    # saved deliberately over it, against the version now: accepted
    outcome.send(
        EditContribution(contribution_id=item, text="Mine", version=opened + 1), RAPPORTEUR
    )
    assert outcome[item].text == "Mine"
    # the same wording as now is no change, whatever the version
    assert outcome.send(EditContribution(contribution_id=item, text="Mine", version=1)) == []


def test_a_corrected_participant_is_named_so_on_their_contributions(outcome: Outcome) -> None:
    """The desk corrects a participant's particulars: each of their contributions names them
    so (the outcome and its counts by constituency follow); nobody else's changes."""
    mine, theirs = outcome.submit("p1"), outcome.submit("p2")
    version = outcome[mine].version
    assert outcome.send(CorrectAuthor(participant_id="p1"), ORGANISER) == []  # nothing to do
    corrected = dataclasses.replace(
        SPEAKERS["p1"], name="Amina Diallo-Sow", constituency=Constituency.CIVIL_SOCIETY
    )
    outcome.speakers = {**SPEAKERS, "p1": corrected}
    (event,) = outcome.send(CorrectAuthor(participant_id="p1"), ORGANISER)
    assert isinstance(event, AuthorCorrected) and event.contribution_ids == (mine,)
    organisation = corrected.organisation
    assert outcome[mine].author == Author("p1", "Amina Diallo-Sow", organisation, "civil_society")
    assert outcome[mine].version == version  # who they are, not what they said
    assert outcome[theirs].author.participant_id == "p2"
    outcome.refuse(CorrectAuthor(participant_id="ghost"), "not_found", ORGANISER, NotFound)
    outcome.refuse(CorrectAuthor(participant_id="p1"), "forbidden", RAPPORTEUR, Forbidden)


def test_tags_are_replaced_and_kept_in_order(outcome: Outcome) -> None:
    contribution_id = outcome.submit()
    command = TagContribution(
        contribution_id=contribution_id,
        themes=[" Thematic discussion II ", "decent work", "Thematic discussion II"],
        objectives=[23, 6, 6, 1],
    )
    outcome.send(command, RAPPORTEUR)
    item = outcome[contribution_id]
    assert item.themes == ("Thematic discussion II", "decent work")
    assert item.objectives == (1, 6, 23)
    outcome.send(TagContribution(contribution_id=contribution_id, objectives=[13]), RAPPORTEUR)
    assert (outcome[contribution_id].themes, outcome[contribution_id].objectives) == ((), (13,))


@pytest.mark.parametrize(
    "body",
    [
        {"objectives": [0]},
        {"objectives": [24]},
        {"objectives": ["5"]},
        {"objectives": [True]},
        {"objectives": list(range(1, 25))},
        {"themes": ["a", "b", "c", "d", "e", "f"]},
        {"themes": ["x" * (THEME_LENGTH + 1)]},
        {"themes": [" \u200b "]},
    ],
)
def test_tags_are_validated(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _COMMANDS.validate_python({"type": "tag_contribution", "contribution_id": "k1", **body})


def test_tags_as_long_as_allowed() -> None:
    command = TagContribution(
        contribution_id="k1",
        themes=["x" * THEME_LENGTH] * 5,
        objectives=list(range(1, LAST_OBJECTIVE + 1)),
    )
    assert len(command.objectives) == 23


@pytest.mark.parametrize("objective", [0, 24, -1])
def test_an_objective_outside_the_compact_is_refused_by_the_rules_too(
    outcome: Outcome, objective: int
) -> None:
    contribution_id = outcome.submit()
    command = TagContribution.model_construct(
        contribution_id=contribution_id, themes=[], objectives=[5, objective]
    )
    error = outcome.refuse(command, "invalid_objective", RAPPORTEUR, status=422)
    assert "1 to 23" in error.message


@pytest.mark.parametrize(
    "themes", [["a", "b", "c", "d", "e", "f"], ["x" * (THEME_LENGTH + 1)], [""]]
)
def test_themes_out_of_bounds_are_refused_by_the_rules_too(
    outcome: Outcome, themes: list[str]
) -> None:
    contribution_id = outcome.submit()
    command = TagContribution.model_construct(
        contribution_id=contribution_id, themes=themes, objectives=[]
    )
    outcome.refuse(command, "invalid_theme", RAPPORTEUR, status=422)


def test_show_steps_through_accepted_ones_and_clears(outcome: Outcome) -> None:
    first, second = outcome.accepted("p1"), outcome.accepted("p2")
    outcome.send(ShowContribution(contribution_id=first))
    assert outcome.state.shown_id == first
    outcome.send(ShowContribution(contribution_id=second), RAPPORTEUR)
    assert outcome.state.shown_id == second
    outcome.send(ShowContribution(contribution_id=None))
    assert outcome.state.shown_id is None


def test_the_display_stops_showing_one_set_aside(outcome: Outcome) -> None:
    shown = outcome.accepted()
    outcome.send(ShowContribution(contribution_id=shown))
    outcome.send(SetAsideContribution(contribution_id=shown))
    assert outcome.state.shown_id is None
    assert view(outcome.state, "public")["shown"] is None


def test_the_display_moves_to_the_one_kept_when_the_shown_one_is_merged(outcome: Outcome) -> None:
    """The point shown now lives in the one kept: the room reads that (the reflection goes on
    from there), not the floor, and not the first of the reflection again (probe O, M2)."""
    shown, kept = outcome.accepted(), outcome.accepted("p3")
    outcome.send(ShowContribution(contribution_id=shown))
    events = outcome.send(MergeContributions(contribution_id=shown, into_id=kept))
    assert [event.type for event in events] == ["contributions_merged", "contribution_shown"]
    assert outcome.state.shown_id == kept
    assert view(outcome.state, "public")["shown"]["id"] == kept


def test_the_display_keeps_showing_one_reworded_or_tagged(outcome: Outcome) -> None:
    shown = outcome.accepted()
    outcome.send(ShowContribution(contribution_id=shown))
    outcome.send(EditContribution(contribution_id=shown, text="Reworded"))
    outcome.send(TagContribution(contribution_id=shown, themes=["III"], objectives=[16]))
    assert outcome.state.shown_id == shown
    assert view(outcome.state, "public")["shown"]["text"] == "Reworded"


# The reflection's steps, from what is shown: (themes of A..E, what is shown, the re-tags made
# while it is shown, the previous and next expected). Themes "I" and "II" are the programme's.
Retags = list[tuple[str, list[str]]]
STEP_TABLE: list[tuple[list[list[str]], str | None, Retags, str | None, str | None]] = [
    ([["I"], ["I"], ["I"]], None, [], None, "A"),  # nothing shown: Next is the first
    ([["I"], ["I"], ["I"]], "B", [], "A", "C"),
    ([["I"], ["I"], ["I"]], "C", [], "B", None),
    # B re-tagged to a later theme while shown: Next is still C (what followed it), not E
    ([["I"], ["I"], ["I"], ["II"], ["II"]], "B", [("B", ["II"])], "A", "C"),
    # ... and to an earlier one: Previous is still A, Next C
    ([["II"], ["II"], ["II"]], "B", [("B", ["I"])], "A", "C"),
    # re-tagged twice, the second back where it was shown: as if never moved
    ([["I"], ["I"], ["II"]], "A", [("A", ["II"]), ("A", ["I"])], None, "B"),
    # another one re-tagged to just after the shown one: Next is that one
    ([["I"], ["I"], ["II"]], "A", [("C", ["I"])], None, "B"),
    # the shown one's old theme holds nothing else now: its steps go on from there
    ([["III"], ["I"]], "A", [("A", ["I"])], "B", None),
]


@pytest.mark.parametrize(("tags", "shown", "retags", "previous", "following"), STEP_TABLE)
def test_the_reflection_steps_go_on_from_where_the_shown_one_was(
    outcome: Outcome,
    tags: list[list[str]],
    shown: str | None,
    retags: Retags,
    previous: str | None,
    following: str | None,
) -> None:
    """Probe O's gap: re-tagging the contribution on the display moved it in the reflection, and
    Next went on from its new place, skipping what was between."""
    names = "ABCDE"[: len(tags)]
    ids = {name: outcome.accepted(f"p{n % 4 + 1}", f"Point {name}") for n, name in enumerate(names)}
    for name, themes in zip(names, tags, strict=True):
        outcome.send(TagContribution(contribution_id=ids[name], themes=themes), RAPPORTEUR)
    if shown is not None:
        outcome.send(ShowContribution(contribution_id=ids[shown]))
    for name, themes in retags:
        outcome.send(TagContribution(contribution_id=ids[name], themes=themes), RAPPORTEUR)
    letters = {cid: name for name, cid in ids.items()} | {None: None}
    seen = view(outcome.state, "moderator", titles=["I", "II", "III"])["steps"]
    assert (letters[seen["previous_id"]], letters[seen["next_id"]]) == (previous, following)
    assert outcome.state.shown_id == (ids[shown] if shown else None)


def test_stepping_on_after_a_retag_shows_the_rest_in_order(outcome: Outcome) -> None:
    """Next after the one shown was moved to a later theme, then Next again: every one in turn,
    and the moved one again where the walk reaches its new theme."""
    a, b, c = (outcome.accepted(f"p{n}", f"Point {n}") for n in (1, 2, 3))
    for contribution_id in (a, b, c):
        outcome.send(TagContribution(contribution_id=contribution_id, themes=["I"]), RAPPORTEUR)
    outcome.send(ShowContribution(contribution_id=a))
    outcome.send(TagContribution(contribution_id=a, themes=["II"]), RAPPORTEUR)
    shown = [a]
    while step := view(outcome.state, "rapporteur", titles=["I", "II"])["steps"]["next_id"]:
        outcome.send(ShowContribution(contribution_id=step))
        shown.append(step)
    assert shown == [a, b, c, a]


def _set_aside(outcome: Outcome, note: str) -> str:
    contribution_id = outcome.accepted()
    outcome.send(SetAsideContribution(contribution_id=contribution_id, note=note))
    return contribution_id


def _tagged(outcome: Outcome) -> str:
    """A contribution tagged with theme "I" and objectives 1 and 3."""
    contribution_id = outcome.submit()
    outcome.send(TagContribution(contribution_id=contribution_id, themes=["I"], objectives=[1, 3]))
    return contribution_id


def _shown(outcome: Outcome) -> str:
    contribution_id = outcome.accepted()
    outcome.send(ShowContribution(contribution_id=contribution_id))
    return contribution_id


# Each refusal: how to get there (returns the command), the code, the HTTP status.
Setup = Callable[[Outcome], Any]
REFUSALS: list[tuple[str, Setup, str, int]] = [
    (
        "accept an unknown one",
        lambda o: AcceptContribution(contribution_id="nope"),
        "not_found",
        404,
    ),
    (
        "set aside an unknown one",
        lambda o: SetAsideContribution(contribution_id="nope"),
        "not_found",
        404,
    ),
    (
        "edit an unknown one",
        lambda o: EditContribution(contribution_id="nope", text="t"),
        "not_found",
        404,
    ),
    ("tag an unknown one", lambda o: TagContribution(contribution_id="nope"), "not_found", 404),
    ("show an unknown one", lambda o: ShowContribution(contribution_id="nope"), "not_found", 404),
    (
        "merge an unknown one",
        lambda o: MergeContributions(contribution_id="nope", into_id=o.submit()),
        "not_found",
        404,
    ),
    (
        "merge into an unknown one",
        lambda o: MergeContributions(contribution_id=o.submit(), into_id="nope"),
        "not_found",
        404,
    ),
    (
        "accept a merged one",
        lambda o: AcceptContribution(contribution_id=o.merged()[0]),
        "already_merged",
        409,
    ),
    (
        "set aside a merged one",
        lambda o: SetAsideContribution(contribution_id=o.merged()[0]),
        "already_merged",
        409,
    ),
    (
        "edit a merged one",
        lambda o: EditContribution(contribution_id=o.merged()[0], text="new"),
        "already_merged",
        409,
    ),
    (
        "tag a merged one",
        lambda o: TagContribution(contribution_id=o.merged()[0], objectives=[2]),
        "already_merged",
        409,
    ),
    (
        "merge a merged one elsewhere",
        lambda o: MergeContributions(contribution_id=o.merged()[0], into_id=o.submit("p3")),
        "already_merged",
        409,
    ),
    (
        "merge one into itself",
        lambda o: MergeContributions(contribution_id=(i := o.submit()), into_id=i),
        "invalid_merge",
        422,
    ),
    (
        "merge into a merged one",
        lambda o: MergeContributions(contribution_id=o.submit("p3"), into_id=o.merged()[0]),
        "invalid_merge",
        422,
    ),
    (
        "merge back into the one merged into it (a cycle)",
        lambda o: MergeContributions(contribution_id=(m := o.merged())[1], into_id=m[0]),
        "invalid_merge",
        422,
    ),
    (
        "merge into a set-aside one (it would leave the outcome)",
        lambda o: MergeContributions(contribution_id=o.accepted(), into_id=_set_aside(o, "off")),
        "invalid_merge",
        422,
    ),
    (
        "merge a pledge into a recommendation",
        lambda o: MergeContributions(contribution_id=o.submit(kind=P), into_id=o.submit("p2")),
        "invalid_merge",
        422,
    ),
    (
        "merge an accepted one into one not yet accepted",
        lambda o: MergeContributions(contribution_id=o.accepted(), into_id=o.submit("p2")),
        "invalid_merge",
        422,
    ),
    (
        "set aside one that holds accepted ones merged into it (they would leave unseen)",
        lambda o: SetAsideContribution(contribution_id=_holding_an_accepted_one(o)),
        "holds_accepted",
        409,
    ),
    (
        "show a submitted one",
        lambda o: ShowContribution(contribution_id=o.submit()),
        "not_accepted",
        409,
    ),
    (
        "show a set-aside one",
        lambda o: ShowContribution(contribution_id=_set_aside(o, "dup")),
        "not_accepted",
        409,
    ),
    (
        "show a merged one",
        lambda o: ShowContribution(contribution_id=o.merged()[0]),
        "not_accepted",
        409,
    ),
    # decisions made on an older view (a second rapporteur decided meanwhile, or a press held
    # while a laptop was offline arrives late): refused, never overturning what they did not see
    (
        "accept one set aside since it was seen",
        lambda o: AcceptContribution(
            contribution_id=_set_aside(o, "duplicate of #2"), expected_status="accepted"
        ),
        "changed_since",
        409,
    ),
    (
        "set aside one accepted since it was seen",
        lambda o: SetAsideContribution(contribution_id=o.accepted(), expected_status="submitted"),
        "changed_since",
        409,
    ),
    (
        "merge a duplicate set aside since (it would be credited unseen)",
        lambda o: MergeContributions(
            contribution_id=_set_aside(o, "off topic"),
            into_id=o.accepted("p2"),
            expected_status="accepted",
        ),
        "changed_since",
        409,
    ),
    (
        "merge one merged elsewhere since",
        lambda o: MergeContributions(
            contribution_id=o.merged()[0], into_id=o.submit("p3"), expected_status="submitted"
        ),
        "changed_since",
        409,
    ),
    (
        "move the display someone else moved since",
        lambda o: ShowContribution(
            contribution_id=o.accepted("p2"), expected_shown=(_shown(o), None)[1]
        ),
        "changed_since",
        409,
    ),
    (
        "a curation sent against an older version, without a new wording",
        lambda o: CurateContribution(contribution_id=_tagged(o), version=1, status="accepted"),
        "changed_since",
        409,
    ),
    (
        "reopen a merged one",
        lambda o: ReopenContribution(contribution_id=o.merged()[0]),
        "already_merged",
        409,
    ),
    (
        "reopen one that holds accepted ones merged into it (they would leave unseen)",
        lambda o: ReopenContribution(contribution_id=_holding_an_accepted_one(o)),
        "holds_accepted",
        409,
    ),
    (
        "reopen one set aside since it was seen accepted",
        lambda o: ReopenContribution(
            contribution_id=_set_aside(o, "off topic"), expected_status="accepted"
        ),
        "changed_since",
        409,
    ),
    (
        "the tags as they should be and changes to them at once",
        lambda o: TagContribution(contribution_id=o.submit(), themes=["I"], add_themes=["II"]),
        "invalid_theme",
        422,
    ),
]


def test_two_rapporteurs_changing_the_tags_at_once_each_keep_theirs(outcome: Outcome) -> None:
    """A ticks theme I and objective 5 while B ticks theme II and objective 6: both are kept
    (changes compose; the tags as they should be, sent whole, would drop the other's)."""
    contribution_id = _tagged(outcome)  # theme "I", objectives 1 and 3
    outcome.send(
        TagContribution(contribution_id=contribution_id, add_themes=["II"], add_objectives=[6]),
        RAPPORTEUR,
    )
    outcome.send(
        TagContribution(
            contribution_id=contribution_id,
            add_themes=["III"],
            remove_themes=["I"],
            add_objectives=[5],
            remove_objectives=[1],
        ),
        RAPPORTEUR,
    )
    item = outcome[contribution_id]
    assert (item.themes, item.objectives) == (("II", "III"), (3, 5, 6))
    over = TagContribution(contribution_id=contribution_id, add_themes=["4", "5", "6", "7"])
    outcome.refuse(over, "invalid_theme", RAPPORTEUR, status=422)  # more than five: said


def test_a_mistaken_accept_or_set_aside_is_taken_back_to_awaiting_review(
    outcome: Outcome,
) -> None:
    """Reopened, it awaits review again and the summary counts it so; off the display; the
    set-aside note leaves the contribution (the log keeps it)."""
    accepted = outcome.accepted()
    outcome.send(ShowContribution(contribution_id=accepted))
    outcome.send(ReopenContribution(contribution_id=accepted, expected_status="accepted"))
    assert outcome[accepted].status is S.SUBMITTED
    assert outcome.state.shown_id is None
    aside = _set_aside(outcome, "off topic")
    outcome.send(ReopenContribution(contribution_id=aside), RAPPORTEUR)
    assert (outcome[aside].status, outcome[aside].note) == (S.SUBMITTED, "")


def test_a_curation_with_merged_into_null_unmerges_first(outcome: Outcome) -> None:
    """REST has no unmerge route: a PATCH's ``merged_into: null`` is it (it answered 200 and did
    nothing), then the rest of the PATCH applies to the contribution on its own."""
    duplicate, _ = outcome.merged()
    unmerge = CurateContribution(contribution_id=duplicate, merged_into=None, status="accepted")
    outcome.send(unmerge, RAPPORTEUR)
    assert (outcome[duplicate].status, outcome[duplicate].merged_into) == (S.ACCEPTED, None)
    again = CurateContribution(contribution_id=duplicate, merged_into=None)
    assert outcome.send(again, RAPPORTEUR) == []  # not merged: nothing to do


def test_a_stale_decision_says_what_the_contribution_is_now(outcome: Outcome) -> None:
    contribution_id = _set_aside(outcome, "duplicate of #2")
    stale = AcceptContribution(contribution_id=contribution_id, expected_status="submitted")
    refusal = outcome.refuse(stale, "changed_since", RAPPORTEUR)
    assert "set aside now, not awaiting review" in refusal.message
    assert refusal.detail is not None
    assert (refusal.detail["status"], refusal.detail["note"]) == ("set_aside", "duplicate of #2")


@pytest.mark.parametrize(
    ("setup", "code", "status"),
    [row[1:] for row in REFUSALS],
    ids=[row[0] for row in REFUSALS],
)
def test_refusals(outcome: Outcome, setup: Setup, code: str, status: int) -> None:
    command = setup(outcome)
    error = outcome.refuse(command, code, RAPPORTEUR, status=status)
    if code == "not_found":
        assert isinstance(error, NotFound)
        assert error.message.startswith("no contribution 'nope'")


# Each no-op: how to get there (returns the command). The engine remembers it, with no events.
NO_OPS: list[tuple[str, Setup]] = [
    ("accept an accepted one", lambda o: AcceptContribution(contribution_id=o.accepted())),
    (
        "reopen one awaiting review",
        lambda o: ReopenContribution(contribution_id=o.submit(), expected_status="accepted"),
    ),
    (
        "accept one another rapporteur accepted meanwhile",
        lambda o: AcceptContribution(contribution_id=o.accepted(), expected_status="submitted"),
    ),
    (
        "show what another rapporteur showed meanwhile",
        lambda o: ShowContribution(contribution_id=_shown(o), expected_shown=None),
    ),
    (
        "set aside again with the same note",
        lambda o: SetAsideContribution(contribution_id=_set_aside(o, "dup"), note="dup"),
    ),
    (
        "edit to the same text",
        lambda o: EditContribution(contribution_id=o.submit(text="t"), text="t"),
    ),
    (
        "tag with the same tags",
        lambda o: TagContribution(contribution_id=_tagged(o), themes=["I"], objectives=[3, 1, 3]),
    ),
    ("tag an untagged one with nothing", lambda o: TagContribution(contribution_id=o.submit())),
    (
        "show the one shown",
        lambda o: ShowContribution(contribution_id=_shown(o)),
    ),
    ("clear a clear display", lambda o: ShowContribution(contribution_id=None)),
    (
        "merge again into the same one",
        lambda o: MergeContributions(contribution_id=(m := o.merged())[0], into_id=m[1]),
    ),
]


@pytest.mark.parametrize("setup", [row[1] for row in NO_OPS], ids=[row[0] for row in NO_OPS])
def test_no_ops_return_no_events(outcome: Outcome, setup: Setup) -> None:
    command = setup(outcome)
    before = outcome.state
    assert outcome.send(command, RAPPORTEUR) == []
    assert outcome.state is before


# --- the fold -----------------------------------------------------------------------------------


def _busy(outcome: Outcome) -> None:
    """A session touching every event type."""
    a, b = outcome.accepted("p1"), outcome.accepted("p2")
    c = outcome.submit("p3", kind=P, segment_id="s3", entry_id="e9")
    outcome.send(TagContribution(contribution_id=a, themes=["I"], objectives=[2, 7]))
    outcome.send(EditContribution(contribution_id=b, text="Merged wording"), RAPPORTEUR)
    outcome.send(ShowContribution(contribution_id=a))
    outcome.send(MergeContributions(contribution_id=a, into_id=b), RAPPORTEUR)
    outcome.send(SetAsideContribution(contribution_id=c, note="not a pledge of this hearing"))
    outcome.send(ShowContribution(contribution_id=b))


def test_a_replay_of_the_log_gives_the_same_state(outcome: Outcome) -> None:
    _busy(outcome)
    assert apply_all(OutcomeState(EVENT_ID), outcome.log) == outcome.state
    stored = [event_from_json(json.loads(json.dumps(event_to_json(e)))) for e in outcome.log]
    assert stored == outcome.log
    assert apply_all(OutcomeState(EVENT_ID), stored) == outcome.state
    assert outcome.state.version == len(outcome.log)


def test_every_event_moves_the_stream_up_one_version(outcome: Outcome) -> None:
    _busy(outcome)
    state = OutcomeState(EVENT_ID)
    for number, event in enumerate(outcome.log, start=1):
        state = apply(state, event)
        assert state.version == number


def test_the_fold_refuses_an_event_of_another_stream() -> None:
    event = ContributionShown(stream=stream_id("another-day"), contribution_id=None, at=1)
    with pytest.raises(ValueError, match="another-day"):
        apply(OutcomeState(EVENT_ID), event)


def test_ordered_by_submission_then_id() -> None:
    outcome = Outcome()
    late = outcome.submit()
    outcome.now = START_AT - 10_000
    early = outcome.submit()
    outcome.now = START_AT - 10_000
    same_instant = outcome.submit()  # "k3" sorts after "k2"
    assert [item.id for item in outcome.state.ordered()] == [early, same_instant, late]


EXAMPLE_AUTHOR = Author("p1", "Amina Diallo", "Migrant Forum in Asia", "migrant_association")
EXAMPLE_EVENTS: dict[str, OutcomeEvent] = {
    "contribution_submitted": ContributionSubmitted(
        stream=STREAM,
        contribution_id="k1",
        kind=P,
        text="Nous nous engageons\nà agir",
        language="fr",
        author=EXAMPLE_AUTHOR,
        segment_id="s1",
        entry_id=None,
        at=START_AT,
    ),
    "contribution_accepted": ContributionAccepted(stream=STREAM, contribution_id="k1", at=1),
    "contribution_set_aside": ContributionSetAside(
        stream=STREAM, contribution_id="k1", note="hors sujet", at=2
    ),
    "contribution_reopened": ContributionReopened(stream=STREAM, contribution_id="k1", at=2),
    "contribution_edited": ContributionEdited(
        stream=STREAM, contribution_id="k1", text="محتوى", at=3
    ),
    "contributions_merged": ContributionsMerged(
        stream=STREAM, contribution_id="k1", into_id="k2", repointed=("k0",), at=4
    ),
    "contribution_tagged": ContributionTagged(
        stream=STREAM, contribution_id="k1", themes=("I", "II"), objectives=(1, 23), at=5
    ),
    "contribution_shown": ContributionShown(stream=STREAM, contribution_id=None, at=6),
    "contribution_unmerged": ContributionUnmerged(
        stream=STREAM, contribution_id="k1", status=S.ACCEPTED, at=7
    ),
    "author_corrected": AuthorCorrected(
        stream=STREAM, author=EXAMPLE_AUTHOR, contribution_ids=("k1", "k2"), at=8
    ),
}


def test_every_event_type_has_an_example() -> None:
    assert set(EXAMPLE_EVENTS) == set(event_types())
    assert len(event_types()) == len(set(event_types()))


@pytest.mark.parametrize("event_type", event_types())
def test_every_event_survives_the_log(event_type: str) -> None:
    event = EXAMPLE_EVENTS[event_type]
    stored = event_to_json(event)
    assert stored["type"] == event.type == event_type
    assert stored["stream"] == STREAM
    assert event_from_json(json.loads(json.dumps(stored))) == event


# --- views --------------------------------------------------------------------------------------


def _every_status(outcome: Outcome) -> dict[str, str]:
    ids = {
        "submitted": outcome.submit("p1"),
        "accepted": outcome.accepted("p1"),
        "set_aside": outcome.submit("p2"),
        "merged": outcome.submit("p2"),
        "other": outcome.accepted("p3"),
    }
    outcome.send(SetAsideContribution(contribution_id=ids["set_aside"], note="private reason"))
    outcome.send(MergeContributions(contribution_id=ids["merged"], into_id=ids["other"]))
    outcome.send(ShowContribution(contribution_id=ids["accepted"]))
    return ids


@pytest.mark.parametrize("audience", ["moderator", "rapporteur"])
def test_the_curators_see_everything(outcome: Outcome, audience: str) -> None:
    ids = _every_status(outcome)
    seen = view(outcome.state, audience)
    assert seen["shown_id"] == ids["accepted"]
    assert seen["version"] == outcome.state.version
    assert [item["id"] for item in seen["contributions"]] == [c.id for c in outcome.state.ordered()]
    set_aside = next(item for item in seen["contributions"] if item["id"] == ids["set_aside"])
    assert set_aside["note"] == "private reason"
    assert set_aside["author"]["name"] == SPEAKERS["p2"].name
    assert set(set_aside) == {
        "id", "kind", "text", "original_text", "author", "segment_id", "entry_id", "language",
        "original_language", "status", "merged_into", "themes", "theme_labels", "objectives",
        "note", "submitted_at", "updated_at", "version",
    }  # fmt: skip
    json.dumps(seen)


def test_the_room_display_sees_only_accepted_ones(outcome: Outcome) -> None:
    ids = _every_status(outcome)
    seen = view(outcome.state, "public")
    assert [item["id"] for item in seen["contributions"]] == [ids["accepted"], ids["other"]]
    shown = seen["shown"]
    assert shown == seen["contributions"][0]
    assert set(shown) == {
        "id", "kind", "text", "language", "constituency", "organisation", "themes",
        "theme_labels", "objectives",
    }  # fmt: skip
    assert shown["constituency"] == "migrant_association"
    text = json.dumps(seen)
    assert SPEAKERS["p1"].name not in text
    assert "private reason" not in text


def test_a_delegate_sees_only_their_own(outcome: Outcome) -> None:
    ids = _every_status(outcome)
    own = view(outcome.state, "delegate", participant_id="p2")["contributions"]
    assert [item["id"] for item in own] == [ids["set_aside"], ids["merged"]]
    assert [item["status"] for item in own] == ["set_aside", "merged"]
    assert all("note" not in item for item in own)  # the curator's reason stays with them
    assert view(outcome.state, "delegate", participant_id="p4")["contributions"] == []
    assert view(outcome.state, "delegate")["contributions"] == []


def test_an_unknown_audience_sees_nothing(outcome: Outcome) -> None:
    with pytest.raises(ValueError):
        view(outcome.state, "everyone")


# --- a random curation session ------------------------------------------------------------------

ACTORS = [MODERATOR, ORGANISER, RAPPORTEUR, DISPLAY, *(delegate(p) for p in SPEAKERS)]
#: Mostly the curators, so that sessions get far; anyone at all now and then.
CURATING = st.one_of(st.sampled_from([MODERATOR, ORGANISER, RAPPORTEUR]), st.sampled_from(ACTORS))
SOME = precondition(lambda self: bool(self.outcome.state.contributions))


def _maybe(data: st.DataObject, ids: list[str]) -> str | None:
    """One of ``ids`` half the time; None otherwise, or when there are none."""
    if not ids:
        return None
    chosen: str | None = data.draw(st.one_of(st.none(), st.sampled_from(ids)))
    return chosen


class RandomCuration(RuleBasedStateMachine):
    """Random people send random commands; refusals are legal, the invariants must hold."""

    def __init__(self) -> None:
        super().__init__()
        self.outcome = Outcome()

    def _id(self, data: st.DataObject) -> str:
        known = list(self.outcome.state.contributions)
        return data.draw(st.one_of(st.sampled_from(known), st.just("unknown")))

    def _send(self, command: Any, actor: Actor) -> None:
        before = self.outcome.state
        try:
            events = self.outcome.send(command, actor)
        except FloorError as error:
            assert error.code and error.message
            assert self.outcome.state is before
            return
        if not events:
            assert self.outcome.state is before

    @rule(
        actor=st.sampled_from(ACTORS),
        kind=st.sampled_from(list(ContributionKind)),
        text=st.text(min_size=1, max_size=30).filter(str.strip),
        on_behalf_of=st.sampled_from([None, *SPEAKERS, "ghost"]),
    )
    def submit(
        self, actor: Actor, kind: ContributionKind, text: str, on_behalf_of: str | None
    ) -> None:
        try:
            command = SubmitContribution(
                kind=kind, text=text, language="en", on_behalf_of=on_behalf_of
            )
        except ValidationError:
            return
        self._send(command, actor)

    @SOME
    @rule(data=st.data(), actor=CURATING)
    def accept(self, data: st.DataObject, actor: Actor) -> None:
        self._send(AcceptContribution(contribution_id=self._id(data)), actor)

    @SOME
    @rule(data=st.data(), actor=CURATING, note=st.sampled_from(["", "dup"]))
    def set_aside(self, data: st.DataObject, actor: Actor, note: str) -> None:
        self._send(SetAsideContribution(contribution_id=self._id(data), note=note), actor)

    @SOME
    @rule(data=st.data(), actor=CURATING, text=st.sampled_from(["a", "b"]))
    def edit(self, data: st.DataObject, actor: Actor, text: str) -> None:
        self._send(EditContribution(contribution_id=self._id(data), text=text), actor)

    @SOME
    @rule(data=st.data(), actor=CURATING)
    def merge(self, data: st.DataObject, actor: Actor) -> None:
        contributions = self.outcome.state.contributions.values()
        kept = sorted({c.merged_into for c in contributions if c.merged_into is not None})
        # now and then a kept one, so that the ones merged into it must follow it
        source = _maybe(data, kept) or self._id(data)
        others = [i for i in self.outcome.state.contributions if i != source]
        into = _maybe(data, others) or self._id(data)
        self._send(MergeContributions(contribution_id=source, into_id=into), actor)

    @SOME
    @rule(
        data=st.data(),
        actor=CURATING,
        themes=st.lists(st.sampled_from(["I", "II", "III"]), max_size=4),
        objectives=st.lists(st.integers(1, LAST_OBJECTIVE), max_size=6),
    )
    def tag(
        self, data: st.DataObject, actor: Actor, themes: list[str], objectives: list[int]
    ) -> None:
        command = TagContribution(
            contribution_id=self._id(data), themes=themes, objectives=objectives
        )
        self._send(command, actor)

    @SOME
    @rule(data=st.data(), actor=CURATING, clear=st.booleans())
    def show(self, data: st.DataObject, actor: Actor, clear: bool) -> None:
        state = self.outcome.state
        accepted = [i for i, item in state.contributions.items() if item.status is S.ACCEPTED]
        contribution_id = None if clear else _maybe(data, accepted) or self._id(data)
        self._send(ShowContribution(contribution_id=contribution_id), actor)

    @invariant()
    def merged_ones_point_to_a_kept_one(self) -> None:
        contributions = self.outcome.state.contributions
        for item in contributions.values():
            if item.status is S.MERGED:
                assert item.merged_into is not None and item.merged_into != item.id
                assert contributions[item.merged_into].status is not S.MERGED  # so no cycles
            else:
                assert item.merged_into is None

    @invariant()
    def tags_are_clean(self) -> None:
        for item in self.outcome.state.contributions.values():
            assert list(item.objectives) == sorted(set(item.objectives))
            assert all(1 <= number <= 23 for number in item.objectives)
            assert len(item.themes) == len(set(item.themes)) <= 5

    @invariant()
    def the_display_shows_an_accepted_one(self) -> None:
        state = self.outcome.state
        if state.shown_id is not None:
            assert state.contributions[state.shown_id].status is S.ACCEPTED
            assert view(state, "public")["shown"]["id"] == state.shown_id

    @invariant()
    def the_log_is_the_truth(self) -> None:
        state, log = self.outcome.state, self.outcome.log
        assert state.version == len(log)
        touched = sum(
            0
            if isinstance(event, ContributionShown)
            else 1 + len(event.repointed)
            if isinstance(event, ContributionsMerged)
            else 1
            for event in log
        )  # each event touches its contribution, a merge the ones it repoints too
        assert sum(item.version for item in state.contributions.values()) == touched
        stored = [event_from_json(event_to_json(event)) for event in log]
        assert apply_all(OutcomeState(EVENT_ID), stored) == state

    @invariant()
    def the_public_sees_accepted_ones_only(self) -> None:
        state = self.outcome.state
        public = {item["id"] for item in view(state, "public")["contributions"]}
        assert public == {i for i, item in state.contributions.items() if item.status is S.ACCEPTED}
        for participant_id in SPEAKERS:
            own = view(state, "delegate", participant_id=participant_id)["contributions"]
            assert all(item["author"]["participant_id"] == participant_id for item in own)


RandomCuration.TestCase.settings = settings(max_examples=100, stateful_step_count=40, deadline=None)
test_random_curation = RandomCuration.TestCase


def test_a_contribution_names_a_segment_of_its_own_meeting_day(outcome: Outcome) -> None:
    """A segment of another meeting day (or none at all) is refused, naming it: the rapporteur's
    page would show "Made in —" and the summary would file it under no segment."""
    day = live_floor()
    (segment_id,) = day.state.segments
    known = dataclasses.replace(outcome.context(delegate("p1")), segments=day.state.segments)
    command = SubmitContribution(kind=R, text="Here", language="en", segment_id=segment_id)
    (made,) = decide(outcome.state, command, known)
    assert isinstance(made, ContributionSubmitted) and made.segment_id == segment_id
    elsewhere = command.model_copy(update={"segment_id": "another-days-segment"})
    with pytest.raises(NotFound) as refused:
        decide(outcome.state, elsewhere, known)
    assert refused.value.message == (
        "no segment 'another-days-segment' in this meeting day: name one of its segments, "
        "or leave segment_id out"
    )
    # without a segment it is the day's, as before
    (whole_day,) = decide(outcome.state, command.model_copy(update={"segment_id": None}), known)
    assert isinstance(whole_day, ContributionSubmitted) and whole_day.segment_id is None


def test_a_rapporteur_s_translation_says_its_language_and_keeps_the_original_s(
    outcome: Outcome,
) -> None:
    """Outside probes H and K: the secretariat renders an Arabic recommendation in English. The
    wording's language is English now (the documents mark it, the screens lay it out left to
    right); the one it was submitted in stays, for the "[Original: Arabic]" mark."""
    command = SubmitContribution(kind=R, text="\u0636\u0645\u0627\u0646", language="ar")
    (submitted,) = outcome.send(command, delegate("p1"))
    assert isinstance(submitted, ContributionSubmitted)
    item = submitted.contribution_id
    outcome.send(
        EditContribution(contribution_id=item, text="Ensure access to decent work", language="en"),
        RAPPORTEUR,
    )
    assert (outcome[item].language, outcome[item].original_language) == ("en", "ar")
    (seen,) = view(outcome.state, "moderator")["contributions"]
    assert (seen["language"], seen["original_language"]) == ("en", "ar")
    # reworded again, in English: the original stays Arabic; a language alone is an edit too
    outcome.send(EditContribution(contribution_id=item, text="Ensure decent work"), RAPPORTEUR)
    outcome.send(
        EditContribution(contribution_id=item, text="Ensure decent work", language="fr"),
        RAPPORTEUR,
    )
    assert (outcome[item].language, outcome[item].original_language) == ("fr", "ar")
    assert outcome[item].original_wording == "\u0636\u0645\u0627\u0646"  # kept through them all
    untouched = outcome.submit("p2")
    (_, plain) = view(outcome.state, "moderator")["contributions"]
    assert plain["id"] == untouched and plain["original_language"] == plain["language"] == "en"


def test_the_last_wording_in_its_own_language_is_kept_for_its_own_document(
    outcome: Outcome,
) -> None:
    """The Arabic outcome document prints an Arabic pledge in Arabic: the wording the rapporteur
    settled on in Arabic before putting it into English, not the one first submitted."""
    command = SubmitContribution(kind=R, text="\u0636\u0645\u0627\u0646", language="ar")
    (submitted,) = outcome.send(command, delegate("p1"))
    assert isinstance(submitted, ContributionSubmitted)
    item = submitted.contribution_id
    assert outcome[item].original_wording is None  # in its own language: nothing to keep
    curated = "\u0636\u0645\u0627\u0646 \u0627\u0644\u0639\u0645\u0644"
    outcome.send(EditContribution(contribution_id=item, text=curated), RAPPORTEUR)
    assert outcome[item].original_wording is None
    outcome.send(
        EditContribution(contribution_id=item, text="Ensure work", language="en"), RAPPORTEUR
    )
    assert outcome[item].original_wording == curated  # the curated Arabic, not the submitted
    outcome.send(EditContribution(contribution_id=item, text="Ensure decent work"), RAPPORTEUR)
    assert outcome[item].original_wording == curated
    # put back into Arabic: its text is its own language's again, nothing kept beside it
    outcome.send(
        EditContribution(contribution_id=item, text=curated + ".", language="ar"), RAPPORTEUR
    )
    assert (outcome[item].text, outcome[item].original_wording) == (curated + ".", None)


# --- curate_contribution: several changes, all or nothing ---------------------------------------


def test_a_curation_rewords_tags_and_accepts_in_that_order_in_one_command(
    outcome: Outcome,
) -> None:
    cid = outcome.submit()
    curate = CurateContribution(
        contribution_id=cid, text="Open regular pathways", themes=["II"], status="accepted"
    )
    events = outcome.send(curate, RAPPORTEUR)
    assert [type(e) for e in events] == [
        ContributionEdited,
        ContributionTagged,
        ContributionAccepted,
    ]
    item = outcome.state.contributions[cid]
    assert (item.text, item.themes, item.status) == (
        "Open regular pathways",
        ("II",),
        ContributionStatus.ACCEPTED,
    )


def test_a_curation_whose_merge_is_refused_saves_neither_wording_nor_tags(
    outcome: Outcome,
) -> None:
    """A merge into a set-aside contribution is refused; the wording and the tags before it in
    the same PATCH are not saved either (the state is the one before)."""
    cid, aside = outcome.submit(), outcome.submit()
    outcome.send(SetAsideContribution(contribution_id=aside, note="off topic"), RAPPORTEUR)
    curate = CurateContribution(
        contribution_id=cid, text="Reworded", themes=["II"], merged_into=aside
    )
    outcome.refuse(curate, "invalid_merge", RAPPORTEUR)


def test_a_delegate_may_reword_their_own_but_not_tag_or_accept_it(outcome: Outcome) -> None:
    cid = outcome.submit("p1")
    assert outcome.send(CurateContribution(contribution_id=cid, text="Mine"), delegate("p1"))
    for part in ({"themes": ["II"]}, {"status": "accepted"}):
        curate = CurateContribution(contribution_id=cid, text="Mine again", **part)
        error = outcome.refuse(curate, "forbidden", delegate("p1"), error=Forbidden)
        assert "a delegate may change only the wording of their own" in error.message
    assert outcome.state.contributions[cid].text == "Mine"


def test_a_curation_with_a_status_and_a_merge_is_refused_naming_both(outcome: Outcome) -> None:
    cid, other = outcome.submit(), outcome.submit()
    curate = CurateContribution(contribution_id=cid, status="accepted", merged_into=other)
    error = outcome.refuse(curate, "status_or_merge", RAPPORTEUR, status=422)
    assert "status or merged_into, not both" in error.message


def test_a_curation_of_nothing_changes_nothing(outcome: Outcome) -> None:
    cid = outcome.submit()
    assert outcome.send(CurateContribution(contribution_id=cid), RAPPORTEUR) == []
