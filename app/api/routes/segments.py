"""The programme's segments and their live floor: state, commands, floor requests."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Query

from ...floor import commands as c
from ...projections import audience_of
from ..access import authorise
from ..schemas import CommandResult, FloorRequestCreate, SegmentCreate, SegmentPatch
from .common import ActorDep, ServicesDep

router = APIRouter()


# --- segments -----------------------------------------------------------------------------------


@router.get("/events/{event_id}/segments", tags=["segments"])
async def list_segments(event_id: str, actor: ActorDep, svc: ServicesDep) -> list[dict[str, Any]]:
    authorise(actor, "GET /api/v1/events/{event_id}/segments", event_id)
    return svc.engine.projections.segments(svc.engine.hearing(event_id))


@router.post("/events/{event_id}/segments", tags=["segments"], status_code=201)
async def create_segment(
    event_id: str, body: SegmentCreate, actor: ActorDep, svc: ServicesDep
) -> dict[str, Any]:
    authorise(actor, "POST /api/v1/events/{event_id}/segments", event_id)
    command = c.CreateSegment(**body.model_dump(exclude={"command_id"}))
    result = await svc.engine.execute(event_id, None, command, actor, body.command_id)
    hearing, segment = svc.engine.find_segment(result["segment_id"])
    return {s["id"]: s for s in svc.engine.projections.segments(hearing)}[segment.id]


@router.get("/segments/{segment_id}", tags=["segments"])
async def get_segment(segment_id: str, actor: ActorDep, svc: ServicesDep) -> dict[str, Any]:
    hearing, segment = svc.engine.find_segment(segment_id)
    authorise(actor, "GET /api/v1/segments/{segment_id}", hearing.event.id)
    return {s["id"]: s for s in svc.engine.projections.segments(hearing)}[segment.id]


@router.patch("/segments/{segment_id}", tags=["segments"])
async def patch_segment(
    segment_id: str, body: SegmentPatch, actor: ActorDep, svc: ServicesDep
) -> dict[str, Any]:
    hearing, _ = svc.engine.find_segment(segment_id)
    authorise(actor, "PATCH /api/v1/segments/{segment_id}", hearing.event.id)
    changes = body.model_dump(exclude={"command_id", "base_version"}, exclude_unset=True)
    command = c.UpdateSegment(**changes)
    await svc.engine.execute(
        hearing.event.id,
        segment_id,
        command,
        actor,
        body.command_id,
        body.base_version,
    )
    return await get_segment(segment_id, actor, svc)


@router.get("/segments/{segment_id}/state", tags=["live"])
async def segment_state(segment_id: str, actor: ActorDep, svc: ServicesDep) -> dict[str, Any]:
    """The live state as this caller's audience sees it, with ``version`` and ``server_time``."""
    hearing, segment = svc.engine.find_segment(segment_id)
    authorise(actor, "GET /api/v1/segments/{segment_id}/state", hearing.event.id)
    return svc.engine.projections.snapshot(segment, audience_of(actor), actor.participant_id)


@router.post("/segments/{segment_id}/commands", tags=["live"])
async def post_command(
    segment_id: str, envelope: c.CommandEnvelope, actor: ActorDep, svc: ServicesDep
) -> CommandResult:
    """One command (see docs/protocol.md). A retried ``command_id`` returns the first result."""
    hearing, _ = svc.engine.find_segment(segment_id)
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
) -> dict[str, Any]:
    """A delegate asks for the floor. Answers with the request and its status."""
    hearing, _ = svc.engine.find_segment(segment_id)
    authorise(actor, "POST /api/v1/segments/{segment_id}/floor-requests", hearing.event.id)
    command = c.RequestFloor(kind=body.kind, note=body.note)
    result = await svc.engine.execute(hearing.event.id, segment_id, command, actor, body.command_id)
    _, segment = svc.engine.find_segment(segment_id)
    mine = svc.engine.projections.mine_message(segment, actor.participant_id or "")
    return {**result, "requests": mine["requests"], "can_request": mine["can_request"]}


@router.delete("/segments/{segment_id}/floor-requests/{request_id}", tags=["live"])
async def withdraw_request(
    segment_id: str,
    request_id: str,
    actor: ActorDep,
    svc: ServicesDep,
    command_id: Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")] = None,
) -> CommandResult:
    hearing, _ = svc.engine.find_segment(segment_id)
    authorise(
        actor, "DELETE /api/v1/segments/{segment_id}/floor-requests/{request_id}", hearing.event.id
    )
    command = c.WithdrawRequest(request_id=request_id)
    command_id = command_id or secrets.token_hex(8)
    result = await svc.engine.execute(hearing.event.id, segment_id, command, actor, command_id)
    return CommandResult(**result)
