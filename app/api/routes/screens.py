"""The connected screens of a meeting day, for the organiser's desk: which consoles, displays,
clocks, booths and rapporteur pages are live, since when, last seen; and one made to show its
name, large, so that someone in the room can tell which it is. With several processes, every
process's (app/screens.py)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter

from ...floor import NotFound
from ...screens import IDENTIFY_MS
from ..access import authorise
from ..desk import Identified, Screen, Screens
from ..times import with_local
from .common import ActorDep, ServicesDep
from .people import LINK_ROLES

router = APIRouter()


@router.get("/events/{event_id}/screens", tags=["access"])
async def list_screens(event_id: str, actor: ActorDep, svc: ServicesDep) -> Screens:
    """Every live socket of the event but the delegates' phones, which are counted: its face
    (as its page said in its hello, else as its role makes it), the label of its link, when it
    connected and when it last sent a frame (pages ping every 15 s); on every process."""
    authorise(actor, "GET /api/v1/events/{event_id}/screens", event_id)
    hearing = await svc.engine.locate(event_id)
    links = await asyncio.to_thread(svc.engine.store.credentials, event_id, LINK_ROLES)
    labels = {link.id: link.label for link in links}
    found, phones = await svc.screens.gather(event_id)
    screens = [
        Screen.model_validate(
            with_local(
                {**item, "label": labels.get(item["link_id"] or "", "")}, hearing.event.timezone
            )
        )
        for item in found
    ]
    screens.sort(key=lambda screen: (screen.face, screen.connected_at, screen.id))
    return Screens(server_time=svc.engine.clock(), screens=screens, phones=phones)


@router.post("/events/{event_id}/screens/{screen_id}/identify", tags=["access"])
async def identify_screen(
    event_id: str, screen_id: str, actor: ActorDep, svc: ServicesDep
) -> Identified:
    """Make one screen show its name, large, for a few seconds (an ``identify`` message),
    whichever process holds its socket."""
    authorise(actor, "POST /api/v1/events/{event_id}/screens/{screen_id}/identify", event_id)
    await svc.engine.locate(event_id)
    if not await svc.screens.identify(event_id, screen_id):
        raise NotFound(f"no screen {screen_id!r} is connected to this event now")
    return Identified(screen_id=screen_id, duration_ms=IDENTIFY_MS)
