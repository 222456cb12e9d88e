"""REST routes, one module per area. Each route authorises, translates to a command or a query,
and delegates; none holds a rule of its own."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request

from ..deps import id_in_reach, known_query
from . import actions, events, instruments, outcome, people, record, screens, segments, sessions
from .common import ERRORS

#: the areas' routers, in the order their routes are matched
AREAS: tuple[APIRouter, ...] = tuple(
    area.router
    for area in (sessions, events, segments, instruments, record, outcome, people, actions)
) + (screens.router,)  # the organiser's list of connected screens: it reads the hub, not the engine


def ids_in_reach(request: Request) -> None:
    """Every route's path ids (``event_id``, ``segment_id``, ...), checked before the route looks
    one up (``id_in_reach``). A 404, not a 422: the OpenAPI gives no id a length, and nothing by
    that id exists."""
    for name, value in request.path_params.items():
        if name.endswith("_id") and isinstance(value, str):
            id_in_reach(name, value)


def install(app: FastAPI) -> None:
    """Every area's routes under ``/api/v1``, included in the app one router each, with the
    prefix given to ``include_router``: FastAPI (0.165) checks an include without a prefix by
    building each of its routes' effective context again, at once, which a nested router did for
    all 38 routes at every start (0.07-0.10 s of ``create_app``). With the prefix, each route's
    context is built when a request is first matched against it, as FastAPI does anyway. Each
    route first meets ``ids_in_reach``, then ``known_query`` (no query parameter it does not
    take)."""
    for router in AREAS:
        app.include_router(
            router,
            prefix="/api/v1",
            responses=ERRORS,
            dependencies=[Depends(ids_in_reach), Depends(known_query)],
        )


__all__ = ["AREAS", "ids_in_reach", "install"]
