"""Health and sessions: who is asking, and the cookie a browser keeps."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response

from ... import __version__
from ...auth import session_cookie
from ..access import authorise
from ..deps import Services, hinted_roles, resolve
from ..schemas import HealthOut, SessionCreate, SessionOut
from .common import ActorDep, ServicesDep, participant_out

router = APIRouter()


# --- health and sessions ------------------------------------------------------------------------


@router.get("/health", tags=["health"], responses={503: {"model": HealthOut}})
async def health(svc: ServicesDep, response: Response) -> HealthOut:
    """Whether the server serves: 200 ``ok``; 503 ``storage_unavailable`` while its database
    cannot be written (every command is refused meanwhile), so that a health check (Docker's,
    the reverse proxy's, an operator's monitor) sees it."""
    await svc.engine.recheck_storage()
    error = svc.engine.storage_error
    if error is not None:
        response.status_code = 503
    return HealthOut(
        status="ok" if error is None else "storage_unavailable",
        storage_error=error,
        version=__version__,
        server_time=svc.engine.clock(),
        events=len(svc.engine.hearings),
        subscribers=svc.engine.hub.count(),
    )


@router.post("/session", tags=["sessions"])
async def open_session(
    body: SessionCreate, request: Request, response: Response, svc: ServicesDep
) -> SessionOut:
    """Exchange a secret (from an access link or a join) for an HttpOnly session cookie."""
    actor = await resolve(svc, body.token)
    response.set_cookie(
        session_cookie(actor.role.value),
        body.token,
        httponly=True,
        samesite="strict",
        path="/",
        secure=_over_tls(request, svc),
        max_age=7 * 86_400,
    )
    return SessionOut(
        role=actor.role.value, event_id=actor.event_id, participant_id=actor.participant_id
    )


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
        participant = participant_out(row) if row is not None else None
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
