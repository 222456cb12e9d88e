"""The programme's segments and their live floor: state, commands, floor requests."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import TypeAdapter

from ...floor import commands as c
from ...floor.errors import FloorError
from ...hearing import Hearing
from ...projections import audience_of
from ..access import authorise
from ..deps import Services
from ..schemas import (
    SEGMENT_INSTANTS,
    CommandResult,
    FloorRequestCreate,
    FloorRequestResult,
    SegmentCreate,
    SegmentExpectedIn,
    SegmentOut,
    SegmentPatch,
)
from ..state_schemas import SegmentState
from ..times import resolve, with_local
from .common import ActorDep, ServicesDep, removal_refusal, segments_out

router = APIRouter()


# --- segments -----------------------------------------------------------------------------------


def _instants(
    hearing: Hearing, body: SegmentCreate | SegmentPatch | SegmentExpectedIn
) -> dict[str, int | None]:
    """The body's instants in epoch ms, local times read in the event's zone and date."""
    event = hearing.event
    return resolve(body, SEGMENT_INSTANTS, event.timezone, event.date)


def _summary(svc: Services, segment_id: str) -> SegmentOut:
    hearing, segment = svc.engine.find_segment(segment_id)
    return next(s for s in segments_out(svc, hearing) if s.id == segment.id)


@router.get("/events/{event_id}/segments", tags=["segments"])
async def list_segments(event_id: str, actor: ActorDep, svc: ServicesDep) -> list[SegmentOut]:
    """The event's programme: every segment's summary, in programme order (by ``position``,
    then ``scheduled_start_at``), all of them in one answer, no paging; each instant with its
    local time, and any disagreement of its time with the segment above it
    (``timing_problem``)."""
    authorise(actor, "GET /api/v1/events/{event_id}/segments", event_id)
    return segments_out(svc, await svc.engine.locate(event_id))


@router.post("/events/{event_id}/segments", tags=["segments"], status_code=201)
async def create_segment(
    event_id: str, body: SegmentCreate, actor: ActorDep, svc: ServicesDep
) -> SegmentOut:
    """A new segment. Its times may be epoch ms, ISO 8601 with an offset, or local times in the
    event's time zone (``2026-12-04T10:00``, or ``10:00`` on the event's date)."""
    authorise(actor, "POST /api/v1/events/{event_id}/segments", event_id)
    hearing = await svc.engine.locate(event_id)
    details = body.model_dump(exclude={"command_id", *SEGMENT_INSTANTS})
    command = c.CreateSegment(**details, **_instants(hearing, body))
    result = await svc.engine.execute(event_id, None, command, actor, body.command_id)
    return _summary(svc, result["segment_id"])


@router.get("/segments/{segment_id}", tags=["segments"])
async def get_segment(segment_id: str, actor: ActorDep, svc: ServicesDep) -> SegmentOut:
    """One segment's summary, as in the programme: its details, status, version and times
    (each with its local time). A segment taken out of the programme is ``404
    segment_removed``."""
    hearing, _ = await svc.engine.locate_segment(segment_id)
    authorise(actor, "GET /api/v1/segments/{segment_id}", hearing.event.id)
    return _summary(svc, segment_id)


@router.patch("/segments/{segment_id}", tags=["segments"])
async def patch_segment(
    segment_id: str, body: SegmentPatch, actor: ActorDep, svc: ServicesDep
) -> SegmentOut:
    """Change a segment's details. Times as in ``POST /events/{event_id}/segments``; a time
    sent as null is cleared (as ``clear`` does), any other field sent as null stays as it is."""
    hearing, _ = await svc.engine.locate_segment(segment_id)
    authorise(actor, "PATCH /api/v1/segments/{segment_id}", hearing.event.id)
    exclude = {"command_id", "base_version", "expected", *SEGMENT_INSTANTS}
    changes = body.model_dump(exclude=exclude, exclude_unset=True)
    # "scheduled_end_at": null means "no end time", as a script writes it (a 200 that kept the
    # old end would look like success)
    sent = body.model_fields_set
    nulled = [name for name in SEGMENT_INSTANTS if name in sent and getattr(body, name) is None]
    if nulled:
        changes["clear"] = list(dict.fromkeys([*body.clear, *nulled]))
    expected = None
    if body.expected is not None:
        seen = body.expected.model_dump(exclude={*SEGMENT_INSTANTS}, exclude_unset=True)
        expected = c.SegmentExpected(**seen, **_instants(hearing, body.expected))
    command = c.UpdateSegment(**changes, **_instants(hearing, body), expected=expected)
    try:
        await svc.engine.execute(
            hearing.event.id,
            segment_id,
            command,
            actor,
            body.command_id,
            body.base_version,
        )
    except FloorError as refusal:
        if refusal.code == "changed_since" and refusal.detail:  # its times read locally too
            refusal.detail = with_local(refusal.detail, hearing.event.timezone)
        raise
    return _summary(svc, segment_id)


@router.delete("/segments/{segment_id}", tags=["segments"], status_code=204)
async def remove_segment(segment_id: str, actor: ActorDep, svc: ServicesDep) -> Response:
    """Take a segment added by mistake out of the programme (the desk's *Remove*): one that
    never ran, with nobody in its queue, no floor request waiting and no recommendation or
    pledge made in it; otherwise 409 ``segment_not_removable`` saying why and what to do. Its
    screens' programme loses it at once; it is gone from every list, export and count."""
    hearing, segment = await svc.engine.locate_segment(segment_id)
    authorise(actor, "DELETE /api/v1/segments/{segment_id}", hearing.event.id)
    refusal = removal_refusal(hearing, segment)
    if refusal is not None:  # the core refuses the rest again, deciding on the newest state
        raise refusal
    command_id = f"remove-{segment_id}-{secrets.token_hex(4)}"
    await svc.engine.execute(hearing.event.id, segment_id, c.RemoveSegment(), actor, command_id)
    return Response(status_code=204)


_STATE: TypeAdapter[SegmentState] = TypeAdapter(SegmentState)


@router.get(
    "/segments/{segment_id}/state",
    tags=["live"],
    # the snapshot's fields as it has them: a refusal's reason only where it has one
    response_model_exclude_unset=True,
)
async def segment_state(segment_id: str, actor: ActorDep, svc: ServicesDep) -> SegmentState:
    """The live state as this caller's audience sees it: the WebSocket ``snapshot`` (with
    ``version``, ``server_time`` and ``stamp``; a delegate's own requests in ``mine``), each
    instant ``x_at`` with ``x_at_local``."""
    hearing, segment = await svc.engine.locate_segment(segment_id)
    authorise(actor, "GET /api/v1/segments/{segment_id}/state", hearing.event.id)
    snapshot = svc.engine.projections.snapshot(segment, audience_of(actor), actor.participant_id)
    # as a socket's snapshot has it: a client that starts here resumes its socket from here
    snapshot["stamp"] = svc.engine.hub.stamps.get(segment.id, segment.version)
    return _STATE.validate_python(with_local(snapshot, hearing.event.timezone))


@router.post("/segments/{segment_id}/commands", tags=["live"])
async def post_command(
    segment_id: str, envelope: c.CommandEnvelope, actor: ActorDep, svc: ServicesDep
) -> CommandResult:
    """One command (see docs/protocol.md). A retried ``command_id`` returns the first result."""
    hearing, _ = await svc.engine.locate_segment(segment_id)
    authorise(actor, "POST /api/v1/segments/{segment_id}/commands", hearing.event.id)
    result = await svc.engine.execute(
        hearing.event.id,
        segment_id,
        envelope.command,
        actor,
        envelope.command_id,
        envelope.base_version,
    )
    return CommandResult(**result)


@router.post("/segments/{segment_id}/floor-requests", tags=["live"], status_code=201)
async def request_floor(
    segment_id: str, body: FloorRequestCreate, actor: ActorDep, svc: ServicesDep
) -> FloorRequestResult:
    """A delegate asks for the floor. Answers with the request and its status."""
    hearing, _ = await svc.engine.locate_segment(segment_id)
    authorise(actor, "POST /api/v1/segments/{segment_id}/floor-requests", hearing.event.id)
    command = c.RequestFloor(kind=body.kind, note=body.note)
    result = await svc.engine.execute(hearing.event.id, segment_id, command, actor, body.command_id)
    _, segment = await svc.engine.locate_segment(segment_id)
    mine = svc.engine.projections.mine_message(segment, actor.participant_id or "")
    answer = {
        "request_id": None,
        "duplicate": False,
        **result,
        "requests": mine["requests"],
        "can_request": mine["can_request"],
    }
    return FloorRequestResult.model_validate(with_local(answer, hearing.event.timezone))


@router.delete("/segments/{segment_id}/floor-requests/{request_id}", tags=["live"])
async def withdraw_request(
    segment_id: str,
    request_id: str,
    actor: ActorDep,
    svc: ServicesDep,
    command_id: Annotated[
        str | None,
        Query(
            max_length=64,
            pattern=r"^[A-Za-z0-9_.:-]+$",
            description="Like a command's: a retry with the same id answers the first result. "
            "Left out, a new one is made (a second withdrawal is refused `not_withdrawable`).",
        ),
    ] = None,
) -> CommandResult:
    """Withdraw a floor request (``withdraw_request``): a delegate their own, the floor anyone's;
    a pending or queued request only. Answers the command's result."""
    hearing, _ = await svc.engine.locate_segment(segment_id)
    authorise(
        actor, "DELETE /api/v1/segments/{segment_id}/floor-requests/{request_id}", hearing.event.id
    )
    command = c.WithdrawRequest(request_id=request_id)
    command_id = command_id or secrets.token_hex(8)
    result = await svc.engine.execute(hearing.event.id, segment_id, command, actor, command_id)
    return CommandResult(**result)
