"""REST routes, one module per area. Each route authorises, translates to a command or a query,
and delegates; none holds a rule of its own."""

from __future__ import annotations

from fastapi import APIRouter

from . import actions, events, instruments, outcome, people, record, segments, sessions
from .common import ERRORS

router = APIRouter(prefix="/api/v1", responses=ERRORS)
for area in (sessions, events, segments, instruments, record, outcome, people, actions):
    router.include_router(area.router)

__all__ = ["router"]
