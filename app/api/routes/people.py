"""Participants (joining, the list) and access links."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from fastapi import APIRouter, Request, Response

from ...floor import FloorError, NotFound, Role
from ...join_codes import matches
from ...store.tables import ParticipantRow
from ..access import authorise
from ..deps import client_address
from ..schemas import AccessLinkCreate, AccessLinkOut, Joined, ParticipantCreate, ParticipantOut
from .common import ActorDep, MaybeActor, ServicesDep, browser_id, participant_out

router = APIRouter()

#: The roles an access link may have (a delegate's token comes from joining).
LINK_ROLES = ("organiser", "moderator", "display", "rapporteur", "booth", "device")


# --- participants -------------------------------------------------------------------------------


@router.get("/events/{event_id}/participants", tags=["participants"])
async def list_participants(
    event_id: str, actor: ActorDep, svc: ServicesDep
) -> list[ParticipantOut]:
    authorise(actor, "GET /api/v1/events/{event_id}/participants", event_id)
    svc.engine.hearing(event_id)
    rows = await asyncio.to_thread(svc.engine.store.participants, event_id)
    return [participant_out(row) for row in rows]


@router.post("/events/{event_id}/participants", tags=["participants"], status_code=201)
async def join(
    event_id: str,
    body: ParticipantCreate,
    request: Request,
    response: Response,
    actor: MaybeActor,
    svc: ServicesDep,
) -> Joined:
    """Register a participant. A delegate registers themselves with the event's join code and
    gets their token; organisers and moderators may register anyone without a code."""
    hearing = svc.engine.hearing(event_id)
    if actor is None or not actor.runs_the_floor:
        address = client_address(request)
        if body.join_code is None or not matches(hearing.event.join_code, body.join_code):
            svc.throttle.joining.wrong_code(address, browser_id(request, response))
            raise FloorError(
                "a valid join code is needed to join this event: open the link or scan the QR "
                "code on the room screen",
                code="bad_join_code",
                status=403,
            )
        svc.throttle.joins.take(address, "people joining from this network address")
    else:
        authorise(actor, "POST /api/v1/events/{event_id}/participants", event_id)
    now = svc.engine.clock()
    row = ParticipantRow(
        id=secrets.token_hex(6),
        event_id=event_id,
        created_at=now,
        gender=body.gender.value if body.gender else "",
        **body.model_dump(exclude={"join_code", "gender"}, mode="json"),
    )
    await svc.engine.add_participant(row)
    token, _ = await asyncio.to_thread(
        svc.auth.mint, Role.DELEGATE, event_id, now, participant_id=row.id, label=row.name
    )
    return Joined(participant=participant_out(row), token=token)


# --- access links -------------------------------------------------------------------------------


def _link_out(row: Any, token: str | None = None) -> AccessLinkOut:
    path = {
        # an organiser link is the organiser's desk for this one event
        "organiser": "/organiser",
        # a button box sends POST /api/v1/events/{event_id}/actions/{action} with the key as a
        # Bearer token; its link opens nothing
        "device": f"/api/v1/events/{row.event_id}/actions/",
        "moderator": "/moderator",
        "display": f"/display/{row.event_id}",
        "rapporteur": "/rapporteur",
        "booth": f"/booth/{row.event_id}",
    }[row.role]
    return AccessLinkOut(
        id=row.id,
        role=row.role,
        label=row.label,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        token=token,
        # a face's link carries its key after the #; a button box sends it as a Bearer token
        url=(path if row.role == "device" else f"{path}#key={token}") if token else None,
    )


@router.post("/events/{event_id}/access-links", tags=["access"], status_code=201)
async def create_access_link(
    event_id: str, body: AccessLinkCreate, actor: ActorDep, svc: ServicesDep
) -> AccessLinkOut:
    """Mint a link for the organiser's desk of this event, a moderator, a display (also the
    speaker clock), the rapporteur, the interpreters' booth or a button box (``device``). The
    secret is shown only in this answer."""
    authorise(actor, "POST /api/v1/events/{event_id}/access-links", event_id)
    svc.engine.hearing(event_id)
    now = svc.engine.clock()
    expires = now + body.expires_in_s * 1000 if body.expires_in_s else None
    token, row = await asyncio.to_thread(
        svc.auth.mint, Role(body.role), event_id, now, label=body.label, expires_at=expires
    )
    return _link_out(row, token)


@router.get("/events/{event_id}/access-links", tags=["access"])
async def list_access_links(
    event_id: str, actor: ActorDep, svc: ServicesDep
) -> list[AccessLinkOut]:
    authorise(actor, "GET /api/v1/events/{event_id}/access-links", event_id)
    rows = await asyncio.to_thread(svc.engine.store.credentials, event_id, LINK_ROLES)
    return [_link_out(row) for row in rows]


@router.delete("/events/{event_id}/access-links/{link_id}", tags=["access"], status_code=204)
async def revoke_access_link(
    event_id: str, link_id: str, actor: ActorDep, svc: ServicesDep
) -> Response:
    authorise(actor, "DELETE /api/v1/events/{event_id}/access-links/{link_id}", event_id)
    hearing = svc.engine.hearing(event_id)
    # From here no command passes on the link's behalf; those decided before it are written
    # first, so none is applied after the revocation is durable. Then its sockets close (4401).
    svc.auth.begin_revoking(link_id)
    try:
        await svc.engine.settled(hearing)
    except BaseException:
        svc.auth.cancel_revoking(link_id)
        raise
    found = await asyncio.to_thread(svc.auth.revoke, link_id, event_id, svc.engine.clock())
    if not found:
        raise NotFound(f"no access link {link_id!r} in event {event_id!r}")
    svc.auth.revoked(link_id)
    return Response(status_code=204)
