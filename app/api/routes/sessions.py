"""Health and sessions: who is asking, and the cookie a browser keeps."""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import Field

from ... import __version__, build
from ...auth import day_cookie, day_of_cookie, session_cookie
from ...engine import ServerClock
from ...fanout import RedisFanout
from ..access import authorise
from ..deps import Services, hinted_event, hinted_roles, resolve, resolve_token
from ..schemas import HealthOut, SessionCreate, SessionOut
from .common import ActorDep, ServicesDep, participant_out

router = APIRouter()
log = logging.getLogger("floorkeeper.health")
#: the database schema this build reaches (read from the migrations' files once)
_SCHEMA = build.schema()


# --- health and sessions ------------------------------------------------------------------------


class Health(HealthOut):
    status: Literal["ok", "storage_unavailable", "log_gap"] = Field(  # type: ignore[assignment]
        description="`storage_unavailable` (with HTTP 503) while the database cannot be written "
        "(its last write failed: a full disk, PostgreSQL unreachable; or the check's own write, "
        "made when nothing was written for 10 s, has not answered within 1.5 s: a file another "
        "program locked); `ok` again once a write succeeds. `log_gap` (with HTTP 200: the "
        "process serves, and every process of this "
        "database finds the same log, so taking them out of a proxy's rotation would take the "
        "room down): a meeting day's log skips versions (another database's server, e.g. a "
        "restored copy, shared this one's Redis; or the log was restored under a running "
        "server): `storage_error` says which; see the server's log for what to do."
    )
    fanout: Literal["alone", "redis"] = Field(
        description="`alone`: one process, no Redis; `redis`: one of several, through Redis."
    )
    redis: Literal["reachable", "unreachable"] | None = Field(
        default=None,
        description="With `fanout: redis`: whether Redis answers. Unreachable, the process "
        "still serves (HTTP 200), degraded: it reads the log every second for the others' "
        "writes (updates from other processes come up to a second later) and each limit counts "
        "its own calls only.",
    )
    redis_unreachable_since: int | None = Field(
        default=None, description="Since when Redis does not answer (epoch ms)."
    )
    clock_drift_ms: int | None = Field(
        default=None,
        description="How far the machine's wall clock has moved from the server's clock since "
        "it started (ms, positive: ahead): the server counts from its start and never steps, so "
        "the screens keep counting; a restart would take the wall clock's time, moving every "
        "running timer and the time of day by this much. Past 5 s the server's log says so, "
        "once. Null for a clock that is not the server's (tests).",
    )


@router.get("/health", tags=["health"], responses={503: {"model": Health}})
async def health(svc: ServicesDep, response: Response) -> Health:
    """Whether the server serves: 200 ``ok``; 503 ``storage_unavailable`` while its database
    cannot be written (every command is refused meanwhile), so that a health check (Docker's,
    the reverse proxy's, an operator's monitor) sees it. Degraded but serving is 200, saying
    why: Redis unreachable (``fanout``, ``redis``), a log that skips versions (``log_gap``)."""
    engine = svc.engine
    await engine.recheck_storage()
    error = engine.storage_error or engine.storage_slow
    status: Literal["ok", "storage_unavailable", "log_gap"] = "ok"
    if error is not None:
        status = "storage_unavailable"
    elif engine.hub.stamps.gaps:
        status = "log_gap"
        error = "; ".join(sorted(engine.hub.stamps.gaps.values()))
    if status == "storage_unavailable":
        response.status_code = 503  # this process cannot write: the proxy sends to another
    fanout = engine.fanout
    redis = isinstance(fanout, RedisFanout)
    return Health(
        status=status,
        storage_error=error,
        version=__version__,
        build=build.known(),
        schema_revision=_SCHEMA,
        server_time=engine.clock(),
        events=len(engine.hearings),
        subscribers=engine.hub.count(),
        fanout="redis" if redis else "alone",
        redis=None if not redis else "reachable" if fanout.reachable else "unreachable",
        redis_unreachable_since=fanout.down_since if isinstance(fanout, RedisFanout) else None,
        clock_drift_ms=_drift(engine.clock),
    )


#: how far the wall clock may move from the server's before the log says so (once)
DRIFT_WARN_MS = 5_000
_drift_said = False


def _drift(clock: object) -> int | None:
    global _drift_said
    if not isinstance(clock, ServerClock):
        return None
    drift = clock.drift_ms()
    if abs(drift) > DRIFT_WARN_MS and not _drift_said:
        _drift_said = True
        log.warning(
            "the machine's clock has moved %+.1f s from the server's since it started (a step "
            "of the clock, or a time set by hand): the screens go on counting on the server's "
            "time; a restart would move every running timer and the time of day by that much, "
            "so restart between segments if the machine's clock is the right one",
            drift / 1000,
        )
    return drift


@router.post("/session", tags=["sessions"])
async def open_session(
    body: SessionCreate, request: Request, response: Response, svc: ServicesDep
) -> SessionOut:
    """Exchange a secret (from an access link or a join) for an HttpOnly session cookie.

    The cookie of a credential for one meeting day is that day's (``fk_<role>_<event>``), so one
    browser holds room A's display and room B's, or a phone both rooms it joined; it is also the
    role's last sign-in (``fk_<role>``, for a page whose address names no day), except that a
    link for one day does not take the place of the organiser key's session (the secretariat's
    laptop checking a room's organiser link keeps its desk of every event)."""
    actor = await resolve(svc, body.token)
    role = actor.role.value
    day = day_cookie(role, actor.event_id) if actor.event_id is not None else None
    names = [day] if day else []
    if not await _holds_the_key(request, svc, role) or actor.event_id is None or not day:
        names.append(session_cookie(role))
    for name in names:
        _set(response, request, svc, name, body.token)
    # the days' cookies of this role that no longer sign in (links revoked or expired, days
    # removed) go, and the rest are kept to MAX_DAY_COOKIES: each goes with every request
    kept = 0
    for name, token in request.cookies.items():
        if name == day or day_of_cookie(role, name) is None:
            continue
        if kept + 1 >= MAX_DAY_COOKIES or await resolve_token(svc, token) is None:
            response.delete_cookie(name, path="/")
        else:
            kept += 1
    return SessionOut(
        role=actor.role.value, event_id=actor.event_id, participant_id=actor.participant_id
    )


#: The days' cookies a browser keeps per role (a secretariat laptop with a link of each room of
#: a few days; the request head stays far under uvicorn's limit of 16 KiB in pieces).
MAX_DAY_COOKIES = 12


def _set(response: Response, request: Request, svc: Services, name: str, token: str) -> None:
    response.set_cookie(
        name,
        token,
        httponly=True,
        samesite="strict",
        path="/",
        secure=_over_tls(request, svc),
        max_age=7 * 86_400,
    )


async def _holds_the_key(request: Request, svc: Services, role: str) -> bool:
    """Whether this browser's last sign-in as `role` is a credential for every event (the
    organiser key), still good."""
    held = request.cookies.get(session_cookie(role))
    if not held:
        return False
    actor = await resolve_token(svc, held)
    return actor is not None and actor.event_id is None


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
async def close_session(request: Request, svc: ServicesDep) -> Response:
    """Sign out of the roles this browser asks to act as (see ``X-Floorkeeper-As``): of the
    meeting day it names (``X-Floorkeeper-Event``), else of every day. The role's last sign-in
    goes too when it is that day's (then another day's that this browser still holds takes its
    place: a phone that leaves one of its two rooms is still in the other), and not otherwise."""
    response = Response(status_code=204)
    event = hinted_event(request)
    for role in hinted_roles(request):
        last = request.cookies.get(session_cookie(role))
        days = {
            name: token
            for name, token in request.cookies.items()
            if day_of_cookie(role, name) is not None
        }
        if event is None:
            for name in [*days, session_cookie(role)]:
                response.delete_cookie(name, path="/")
            continue
        here = day_cookie(role, event)
        if here is None:
            continue
        mine = days.pop(here, None)
        if mine is not None:
            response.delete_cookie(here, path="/")
        if last is None or not (last == mine or (mine is None and await _is_for(svc, last, event))):
            continue
        others = [token for token in days.values() if token != last]
        if others:
            _set(response, request, svc, session_cookie(role), others[0])
        else:
            response.delete_cookie(session_cookie(role), path="/")
    return response


async def _is_for(svc: Services, token: str, event_id: str) -> bool:
    actor = await resolve_token(svc, token)
    return actor is not None and actor.event_id == event_id
