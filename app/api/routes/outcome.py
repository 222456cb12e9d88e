"""The hearing's outcome: recommendations and pledges (contributions), their curation, and the
outcome summary. Every change is a command on the meeting day's outcome stream of the log
(``Engine.execute_outcome``): versions, command ids, nothing lost in a crash."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ... import gcm, reports
from ...exports import (
    XLSX_MEDIA_TYPE,
    attachment,
    contributions_csv,
    contributions_table,
    contributions_xlsx,
    csv_bytes_response,
    safe_filename,
)
from ...floor import Actor, Forbidden, NotFound
from ...floor import contributions as o
from ...floor.commands import CommandId
from ...floor.model import Language
from ...hearing import Hearing
from ...outcome import (
    DOCX_MEDIA_TYPE,
    OUTCOME_CSP,
    download_name,
    render_docx,
    render_html,
    render_markdown,
)
from ...projections import audience_of
from ...views import Audience
from ..access import authorise
from ..deps import Services
from ..schemas import (
    Body,
    Contribution,
    ContributionResult,
    DelegateOutcome,
    Outcome,
    OutcomeResult,
    OwnContribution,
    PublicOutcome,
)
from ..times import with_local
from .common import SPREADSHEETS, ActorDep, ServicesDep

router = APIRouter()


class ContributionCreate(Body):
    """A recommendation or a pledge (see ``submit_contribution`` in docs/protocol.md)."""

    command_id: CommandId
    kind: o.ContributionKind
    text: o.ContributionText
    language: o.ContributionLanguage
    segment_id: o.Id | None = None
    entry_id: o.Id | None = None
    on_behalf_of: o.Id | None = None


class ContributionPatch(Body):
    """Curate one contribution. Each field given is one change, applied in this order: the new
    wording, the tags, then the status (accepted, set aside with a note, or merged into another).
    """

    command_id: CommandId
    text: o.ContributionText | None = None
    language: o.ContributionLanguage | None = Field(
        default=None,
        description="The language of `text` (or of the wording now, without `text`), when it is "
        "another than the contribution's: a translation. The submitted one's stays as "
        "`original_language`.",
    )
    version: int | None = Field(
        default=None,
        ge=1,
        description="The contribution's `version` the change was made against: changed since, "
        "the whole PATCH is refused, `edited_since` when it has a new `text` (with the wording "
        "now), `changed_since` otherwise (with the contribution now).",
    )
    themes: Annotated[list[o.Theme], Field(max_length=o.MAX_THEMES)] | None = None
    objectives: Annotated[list[o.Objective], Field(max_length=o.LAST_OBJECTIVE)] | None = None
    status: Literal["accepted", "set_aside"] | None = None
    note: o.Note = ""
    merged_into: o.Id | None = None

    @field_validator("merged_into")
    @classmethod
    def _status_or_merge(cls, merged_into: str | None, info: ValidationInfo) -> str | None:
        """One of ``status`` or ``merged_into`` (docs/protocol.md): a merge ends the contribution
        merged, so a status sent with it would be dropped without a word."""
        if merged_into is not None and info.data.get("status") is not None:
            raise PydanticCustomError(
                "status_or_merge",
                "send status or merged_into, not both: merged_into alone merges this "
                "contribution into another (it ends merged); status alone accepts it or sets it "
                "aside",
            )
        return merged_into


class ShownCreate(Body):
    command_id: CommandId
    contribution_id: o.Id | None


def _outcome(svc: Services, hearing: Hearing, actor: Actor) -> dict[str, Any]:
    """The outcome as the caller sees it, each instant with its local time."""
    view = svc.engine.projections.outcome_view(
        hearing.outcome, audience_of(actor), actor.participant_id
    )
    answer: dict[str, Any] = with_local(view, hearing.event.timezone)
    return answer


#: The outcome by audience (``contributions.view``): the floor's, the room's, a delegate's.
OutcomeView = Outcome | PublicOutcome | DelegateOutcome


def _typed(view: dict[str, Any], actor: Actor) -> OutcomeView:
    audience = audience_of(actor)
    if audience is Audience.MODERATOR:
        return Outcome.model_validate(view)
    if audience is Audience.DELEGATE:
        return DelegateOutcome.model_validate(view)
    return PublicOutcome.model_validate(view)


def _contribution(found: dict[str, Any]) -> Contribution | OwnContribution:
    """A contribution with every field (the floor's), or without the curator's note (its
    author's)."""
    if "note" in found:
        return Contribution.model_validate(found)
    return OwnContribution.model_validate(found)


def _result(result: dict[str, Any]) -> dict[str, Any]:
    return {"contribution_id": None, "duplicate": False, **result}


def _one(view: dict[str, Any], contribution_id: str) -> dict[str, Any] | None:
    return next((c for c in view["contributions"] if c["id"] == contribution_id), None)


@router.post("/events/{event_id}/contributions", tags=["outcome"], status_code=201)
async def submit_contribution(
    event_id: str, body: ContributionCreate, actor: ActorDep, svc: ServicesDep
) -> ContributionResult:
    """Submit a recommendation or a pledge: a delegate their own, the floor on someone's behalf.
    Answers the command's result and the contribution as the caller sees it."""
    authorise(actor, "POST /api/v1/events/{event_id}/contributions", event_id)
    hearing = await svc.engine.locate(event_id)
    command = o.SubmitContribution(**body.model_dump(exclude={"command_id"}))
    result = await svc.engine.execute_outcome(event_id, command, actor, body.command_id)
    found = _one(_outcome(svc, hearing, actor), result["contribution_id"])
    return ContributionResult(
        **_result(result), contribution=None if found is None else _contribution(found)
    )


@router.get(
    "/events/{event_id}/contributions",
    tags=["outcome"],
    response_model=OutcomeView,
    responses=SPREADSHEETS,
)
async def list_contributions(
    event_id: str,
    actor: ActorDep,
    svc: ServicesDep,
    format: Annotated[str, Query(pattern="^(json|csv|xlsx)$")] = "json",
) -> OutcomeView | Response:
    """The outcome as the caller sees it: everything (floor, rapporteur), the accepted ones (the
    room's screens), or a delegate's own. ``?format=csv`` or ``xlsx`` (the floor and the
    rapporteur): every contribution as a spreadsheet, one row each, numbered as the rapporteur's
    page numbers them: kind, status, the wording and the submitted one, the author, segment,
    language, themes, objectives, what it is merged into, the note, times in the event's zone."""
    authorise(actor, "GET /api/v1/events/{event_id}/contributions", event_id)
    hearing = await svc.engine.locate(event_id)
    if format == "json":
        return _typed(_outcome(svc, hearing, actor), actor)
    if audience_of(actor) is not Audience.MODERATOR:
        raise Forbidden(
            "the contributions' spreadsheet is for the floor and the rapporteur: ask the "
            "secretariat for it"
        )
    segments = {s.id: s.details.title for s in hearing.state.segments.values()}
    table = contributions_table(hearing.outcome.ordered(), segments, hearing.event.timezone)
    filename = f"contributions-{event_id}.{format}"
    if format == "csv":
        return csv_bytes_response(contributions_csv(table), filename)
    title = f"Recommendations and pledges: {hearing.event.title}"
    data = await asyncio.to_thread(contributions_xlsx, table, hearing.event.timezone, title)
    return attachment(data, XLSX_MEDIA_TYPE, filename)


@router.patch("/contributions/{contribution_id}", tags=["outcome"])
async def curate_contribution(
    contribution_id: str, body: ContributionPatch, actor: ActorDep, svc: ServicesDep
) -> Contribution | OwnContribution:
    """Curate: new wording (the original stays), tags (themes, Global Compact objectives 1-23),
    accept, set aside (with a note) or merge into another; all or nothing (a change refused: none
    saved). Answers the contribution after."""
    hearing = _hearing_of(svc, contribution_id)
    authorise(actor, "PATCH /api/v1/contributions/{contribution_id}", hearing.event.id)
    command = o.CurateContribution(
        contribution_id=contribution_id,
        **body.model_dump(exclude={"command_id"}, exclude_unset=True),
    )
    # one command, one commit: the parts are decided together and written together
    await svc.engine.execute_outcome(hearing.event.id, command, actor, body.command_id)
    found = _one(_outcome(svc, hearing, actor), contribution_id)
    if found is None:
        raise NotFound(f"no contribution {contribution_id!r} that you may see")
    return _contribution(found)


class MergeTargets(BaseModel):
    """What a contribution may be merged into now (``contributions.merge_targets``)."""

    contribution_id: str
    targets: list[str] = Field(
        description="ids of the contributions it may be merged into, the earliest first: of the "
        "same kind, not merged, not set aside, and accepted if it is"
    )


@router.get("/contributions/{contribution_id}/merge-targets", tags=["outcome"])
async def merge_targets(contribution_id: str, actor: ActorDep, svc: ServicesDep) -> MergeTargets:
    """The contributions this one may be merged into now: the rapporteur's page offers these
    (a merge into any other is refused, saying why)."""
    hearing = _hearing_of(svc, contribution_id)
    authorise(actor, "GET /api/v1/contributions/{contribution_id}/merge-targets", hearing.event.id)
    targets = o.merge_targets(hearing.latest_outcome, contribution_id)
    return MergeTargets(contribution_id=contribution_id, targets=[c.id for c in targets])


@router.post("/events/{event_id}/outcome/shown", tags=["outcome"])
async def show_contribution(
    event_id: str, body: ShownCreate, actor: ActorDep, svc: ServicesDep
) -> OutcomeResult:
    """What the room display shows in the reflection (thematic discussion III): an accepted
    contribution, or ``null`` to show none."""
    authorise(actor, "POST /api/v1/events/{event_id}/outcome/shown", event_id)
    command = o.ShowContribution(contribution_id=body.contribution_id)
    result = await svc.engine.execute_outcome(event_id, command, actor, body.command_id)
    return OutcomeResult(**_result(result))


def _hearing_of(svc: Services, contribution_id: str) -> Hearing:
    for hearing in svc.engine.hearings.values():
        if contribution_id in hearing.latest_outcome.contributions:
            return hearing
    raise NotFound(f"no contribution {contribution_id!r}: check its id")


@router.get(
    "/events/{event_id}/outcome",
    tags=["outcome"],
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/markdown": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                DOCX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
async def outcome_summary(
    event_id: str,
    actor: ActorDep,
    svc: ServicesDep,
    format: Annotated[str, Query(pattern="^(md|html|docx)$")] = "md",
    lang: Annotated[
        Language | None,
        Query(
            description="The language the summary is written in: `en`, `fr`, `es`, `ru`, `zh` "
            "or `ar` (right to left). Its headings, counts, dates, constituencies and the Global "
            "Compact's objectives are in it; the contributions stay as they were written, each "
            "marked with its original language. Left out: the event's first language (English "
            "for an event in all six)."
        ),
    ] = None,
) -> Response:
    """The outcome summary: the accepted contributions grouped by theme, then kind, numbered
    through the document, each with its constituency and its number on the rapporteur's page
    (``#7``, the spreadsheet's "No."), with counts, how many contributions still await review,
    and the day's speaking figures. ``md``, ``html`` (a print view: A4, prints to PDF from the
    browser) or ``docx`` (a Word document the secretariat can edit), in any of the six languages
    (``lang``)."""
    authorise(actor, "GET /api/v1/events/{event_id}/outcome", event_id)
    hearing = await svc.engine.locate(event_id)
    language = lang.value if lang is not None else _first_language(hearing)
    summary = reports.outcome(hearing, svc.engine.clock(), language)
    # what and when, so that each download is a file of its own (a page shown is saved as it)
    filename = safe_filename(download_name(summary, format, fallback=event_id))
    inline = {"Content-Disposition": f'inline; filename="{filename}"'}
    if format == "md":
        markdown = render_markdown(summary)
        return Response(markdown, media_type="text/markdown; charset=utf-8", headers=inline)
    if format == "html":
        return HTMLResponse(
            render_html(summary), headers={"Content-Security-Policy": OUTCOME_CSP, **inline}
        )
    document = await asyncio.to_thread(render_docx, summary)  # ~0.5 s for 600 items
    return attachment(document, DOCX_MEDIA_TYPE, filename)


def _first_language(hearing: Hearing) -> str:
    """The event's first language; English when it has none, or has all six (an event's
    languages by default, in the UN's order, Arabic first: no choice of one)."""
    six = {language.value for language in Language}
    languages = [code for code in hearing.event.languages if code in six]
    if not languages or set(languages) == six:
        return "en"
    return languages[0]


class GcmObjectives(BaseModel):
    """The Global Compact's 23 objectives, by language (``app/gcm.py``)."""

    titles: dict[str, dict[int, str]] = Field(
        description="language (`en fr es ru zh ar`) -> objective number (1-23) -> title"
    )


@router.get("/gcm-objectives", tags=["outcome"])
async def gcm_objectives(response: Response) -> GcmObjectives:
    """The titles of the Global Compact's objectives in the six languages, as the documents
    print them: the faces (the rapporteur's page, the room display) show them from here. No key:
    the resolution's text is public."""
    response.headers["Cache-Control"] = "public, max-age=3600"
    return GcmObjectives(titles={lang: dict(titles) for lang, titles in gcm.TITLES.items()})
