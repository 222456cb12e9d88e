"""REST routes, one module per area. Each route authorises, translates to a command or a query,
and delegates; none holds a rule of its own."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from . import actions, events, instruments, outcome, people, record, screens, segments, sessions
from .common import ERRORS

#: the areas' routers, in the order their routes are matched
AREAS: tuple[APIRouter, ...] = tuple(
    area.router
    for area in (sessions, events, segments, instruments, record, outcome, people, actions)
) + (screens.router,)  # the organiser's list of connected screens: it reads the hub, not the engine


def install(app: FastAPI) -> None:
    """Every area's routes under ``/api/v1``, included in the app one router each, with the
    prefix given to ``include_router``: FastAPI (0.165) checks an include without a prefix by
    building each of its routes' effective context again, at once, which a nested router did for
    all 38 routes at every start (0.07-0.10 s of ``create_app``). With the prefix, each route's
    context is built when a request is first matched against it, as FastAPI does anyway."""
    for router in AREAS:
        app.include_router(router, prefix="/api/v1", responses=ERRORS)


__all__ = ["AREAS", "install"]
