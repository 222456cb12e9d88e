"""REST routes. Each one authorises, translates to a command or a query, and delegates."""

from __future__ import annotations

import asyncio
import io
import secrets
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from .. import __version__
from ..auth import BROWSER_COOKIE, session_cookie
from ..exports import csv_response
from ..floor import Actor, FloorError, NotFound, Role
from ..floor import commands as c
from ..hearing import Hearing
from ..join_codes import hearing_with_code, join_url, matches, new_join_code
from ..projections import audience_of, public_event, shows_join_code
from ..store.tables import EventRow, ParticipantRow
from .access import authorise
from .deps import (
    Services,
    client_address,
    current_actor,
    hinted_roles,
    optional_actor,
    resolve,
    services_of,
)
from .schemas import (
    AccessLinkCreate,
    AccessLinkOut,
    CommandResult,
    ErrorOut,
    EventCreate,
    EventOut,
    FloorRequestCreate,
    Joined,
    JoinInfo,
    ParticipantCreate,
    ParticipantOut,
    SegmentCreate,
    SegmentPatch,
    SessionCreate,
    SessionOut,
    SpeechOut,
)

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (400, 401, 403, 404, 409, 422, 503)
}
router = APIRouter(prefix="/api/v1", responses=ERRORS)

ActorDep = Annotated[Actor, Depends(current_actor)]
MaybeActor = Annotated[Actor | None, Depends(optional_actor)]


async def services(request: Request) -> Services:
    # async: FastAPI runs a plain ``def`` dependency in its thread pool, a thread hop (and a wait
    # for the GIL behind the busy event loop) on every request for a dictionary lookup
    return services_of(request)


ServicesDep = Annotated[Services, Depends(services)]


def _event_out(svc: Services, hearing: Hearing, actor: Actor) -> EventOut:
    row = hearing.event
    return EventOut(
        **public_event(row),
        join_code=row.join_code if shows_join_code(audience_of(actor)) else None,
        live_segment_id=hearing.state.live_segment_id,
        segments=svc.engine.projections.segments(hearing),
    )


def _participant_out(row: ParticipantRow) -> ParticipantOut:
    return ParticipantOut.model_validate(row, from_attributes=True)


# --- health and sessions ------------------------------------------------------------------------


@router.get("/health", tags=["health"])
async def health(svc: ServicesDep) -> dict[str, Any]:
    return {
        "status": "ok",
        "version": __version__,
        "server_time": svc.engine.clock(),
        "events": len(svc.engine.hearings),
        "subscribers": svc.engine.hub.count(),
    }


@router.post("/session", tags=["sessions"])
async def open_session(body: SessionCreate, request: Request, svc: ServicesDep) -> JSONResponse:
    """Exchange a secret (from an access link or a join) for an HttpOnly session cookie."""
    actor = await resolve(svc, body.token)
    out = SessionOut(
        role=actor.role.value, event_id=actor.event_id, participant_id=actor.participant_id
    )
    response = JSONResponse(out.model_dump())
    response.set_cookie(
        session_cookie(actor.role.value),
        body.token,
        httponly=True,
        samesite="strict",
        path="/",
        secure=_over_tls(request, svc),
        max_age=7 * 86_400,
    )
    return response


def _over_tls(request: Request, svc: Services) -> bool:
    """HTTPS here, at a trusted proxy (X-Forwarded-Proto), or by the configured public URL."""
    public = svc.settings.public_url or ""
    return request.url.scheme == "https" or public.startswith("https://")


@router.get("/session", tags=["sessions"])
async def who_am_i(actor: ActorDep, svc: ServicesDep) -> SessionOut:
    """Who this credential is; a delegate also gets what they registered with."""
    authorise(actor, "GET /api/v1/session")
    participant = None
    if actor.participant_id is not None:
        row = await asyncio.to_thread(svc.engine.store.participant, actor.participant_id)
        participant = _participant_out(row) if row is not None else None
    return SessionOut(
        role=actor.role.value,
        event_id=actor.event_id,
        participant_id=actor.participant_id,
        participant=participant,
    )


@router.delete("/session", tags=["sessions"], status_code=204)
async def close_session(request: Request) -> Response:
    """Sign out of the roles this browser asks to act as (see ``X-Floorkeeper-As``)."""
    response = Response(status_code=204)
    for role in hinted_roles(request):
        response.delete_cookie(session_cookie(role), path="/")
    return response


# --- events -------------------------------------------------------------------------------------


@router.get("/events", tags=["events"])
async def list_events(actor: ActorDep, svc: ServicesDep) -> list[EventOut]:
    authorise(actor, "GET /api/v1/events")
    return [
        _event_out(svc, hearing, actor)
        for hearing in svc.engine.hearings.values()
        if actor.event_id is None or actor.event_id == hearing.event.id
    ]


@router.post("/events", tags=["events"], status_code=201)
async def create_event(body: EventCreate, actor: ActorDep, svc: ServicesDep) -> EventOut:
    authorise(actor, "POST /api/v1/events")
    row = EventRow(
        id=secrets.token_hex(6),
        title=body.title,
        venue=body.venue,
        room=body.room,
        timezone=body.timezone,
        date=body.date or "",
        languages=[lang.value for lang in body.languages],
        join_code=new_join_code(),
        created_at=svc.engine.clock(),
    )
    hearing = await svc.engine.create_event(row)
    return _event_out(svc, hearing, actor)


@router.get("/events/{event_id}", tags=["events"])
async def get_event(event_id: str, actor: ActorDep, svc: ServicesDep) -> EventOut:
    authorise(actor, "GET /api/v1/events/{event_id}", event_id)
    return _event_out(svc, svc.engine.hearing(event_id), actor)


@router.get("/join/{join_code}", tags=["participants"])
async def join_info(
    join_code: str, request: Request, response: Response, svc: ServicesDep
) -> JoinInfo:
    """What a delegate's phone shows before they join: public, needs only the join code.

    A right code always answers, however many wrong ones came from the same address; wrong ones
    are counted per address and per browser, and too many are made to wait (429)."""
    hearing = hearing_with_code(svc.engine.hearings.values(), join_code)
    if hearing is None:
        svc.throttle.joining.wrong_code(client_address(request), _browser(request, response))
        raise NotFound("no event has this join code: check the link or ask the secretariat")
    event = public_event(hearing.event)
    return JoinInfo(
        event_id=event.pop("id"), **event, live_segment_id=hearing.state.live_segment_id
    )


def _browser(request: Request, response: Response) -> str:
    """This browser's id for counting its wrong join codes (a cookie, made on first use)."""
    known = request.cookies.get(BROWSER_COOKIE, "")
    if 16 <= len(known) <= 64 and known.isalnum():
        return known
    made = secrets.token_hex(12)
    response.set_cookie(
        BROWSER_COOKIE, made, httponly=True, samesite="strict", path="/api/v1/", max_age=86_400
    )
    return made


@router.post("/events/{event_id}/join-code", tags=["events"])
async def rotate_join_code(event_id: str, actor: ActorDep, svc: ServicesDep) -> EventOut:
    """A new join code for the event, e.g. when the link was posted where it should not be.

    The old link, short link and QR code stop working at once; delegates who already joined keep
    their tokens; the room displays redraw with the new code by themselves."""
    authorise(actor, "POST /api/v1/events/{event_id}/join-code", event_id)
    hearing = svc.engine.hearing(event_id)
    await svc.engine.rotate_join_code(hearing)
    return _event_out(svc, hearing, actor)


@router.get(
    "/events/{event_id}/join-qr.svg",
    tags=["events"],
    response_class=Response,
    responses={
        200: {
            "content": {"image/svg+xml": {"schema": {"type": "string"}}},
            "headers": {"X-Join-Url": {"schema": {"type": "string"}}},
        }
    },
)
async def join_qr(event_id: str, request: Request, actor: ActorDep, svc: ServicesDep) -> Response:
    """The QR code of the delegates' join link, as SVG, for the room display."""
    authorise(actor, "GET /api/v1/events/{event_id}/join-qr.svg", event_id)
    base = svc.settings.public_url or str(request.base_url)
    url = join_url(base, svc.engine.hearing(event_id).event.join_code)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False, title="Scan to request the floor"
    )
    return Response(
        buffer.getvalue(),
        media_type="image/svg+xml",
        headers={"X-Join-Url": url},
    )


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


@router.get(
    "/segments/{segment_id}/speeches",
    tags=["record"],
    response_model=list[SpeechOut],
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def speeches(
    segment_id: str,
    actor: ActorDep,
    svc: ServicesDep,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> list[SpeechOut] | Response:
    """Who spoke, when and for how long. ``?format=csv`` for a spreadsheet."""
    hearing, segment = svc.engine.find_segment(segment_id)
    authorise(actor, "GET /api/v1/segments/{segment_id}/speeches", hearing.event.id)
    rows = [
        SpeechOut(
            entry_id=s.entry_id,
            request_id=s.request_id,
            name=s.speaker.name,
            organisation=s.speaker.organisation,
            constituency=s.speaker.constituency.value,
            participant_id=s.speaker.participant_id,
            kind=s.kind.value,
            allotted_ms=s.allotted_ms,
            started_at=s.started_at,
            ended_at=s.ended_at,
            spoken_ms=s.spoken_ms,
            overrun_ms=s.overrun_ms,
        )
        for s in segment.speeches
    ]
    if format == "json":
        return rows
    fieldnames = list(SpeechOut.model_fields)
    dumped = [row.model_dump() for row in rows]
    return csv_response(dumped, fieldnames, f"speeches-{segment_id}.csv")


# --- participants -------------------------------------------------------------------------------


@router.get("/events/{event_id}/participants", tags=["participants"])
async def list_participants(
    event_id: str, actor: ActorDep, svc: ServicesDep
) -> list[ParticipantOut]:
    authorise(actor, "GET /api/v1/events/{event_id}/participants", event_id)
    svc.engine.hearing(event_id)
    rows = await asyncio.to_thread(svc.engine.store.participants, event_id)
    return [_participant_out(row) for row in rows]


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
            svc.throttle.joining.wrong_code(address, _browser(request, response))
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
        **body.model_dump(exclude={"join_code"}, mode="json"),
    )
    await svc.engine.add_participant(row)
    token, _ = await asyncio.to_thread(
        svc.auth.mint, Role.DELEGATE, event_id, now, participant_id=row.id, label=row.name
    )
    return Joined(participant=_participant_out(row), token=token)


# --- access links -------------------------------------------------------------------------------


def _link_out(row: Any, token: str | None = None) -> AccessLinkOut:
    path = {"moderator": "/moderator", "display": f"/display/{row.event_id}"}[row.role]
    return AccessLinkOut(
        id=row.id,
        role=row.role,
        label=row.label,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        token=token,
        url=f"{path}#key={token}" if token else None,
    )


@router.post("/events/{event_id}/access-links", tags=["access"], status_code=201)
async def create_access_link(
    event_id: str, body: AccessLinkCreate, actor: ActorDep, svc: ServicesDep
) -> AccessLinkOut:
    """Mint a link for a moderator or a display. The secret is shown only in this answer."""
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
    rows = await asyncio.to_thread(svc.engine.store.credentials, event_id, ("moderator", "display"))
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
