"""The connected screens of a meeting day, for the organiser's desk: which consoles, displays,
clocks, booths and rapporteur pages are live, since when, last seen; and one made to show its
name, large, so that someone in the room can tell which it is."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter

from ...floor import NotFound
from ...hub import encode
from ..access import authorise
from ..desk import Identified, Screen, Screens
from ..times import with_local
from .common import ActorDep, ServicesDep
from .people import LINK_ROLES

router = APIRouter()

#: How long a screen shows its name after ``identify``.
IDENTIFY_MS = 5_000


@router.get("/events/{event_id}/screens", tags=["access"])
async def list_screens(event_id: str, actor: ActorDep, svc: ServicesDep) -> Screens:
    """Every live socket of the event but the delegates' phones, which are counted: its face
    (as its page said in its hello, else as its role makes it), the label of its link, when it
    connected and when it last sent a frame (pages ping every 15 s)."""
    authorise(actor, "GET /api/v1/events/{event_id}/screens", event_id)
    hearing = await svc.engine.locate(event_id)
    links = await asyncio.to_thread(svc.engine.store.credentials, event_id, LINK_ROLES)
    labels = {link.id: link.label for link in links}
    screens, phones = [], 0
    for subscriber in svc.engine.hub.event_subscribers(event_id):
        facts = subscriber.screen
        if facts is None or subscriber.closed:
            continue
        if facts.face == "phone":
            phones += 1
            continue
        item = {
            "id": facts.id,
            "face": facts.face,  # one of desk.Face (ws.face_of)
            "role": facts.role,
            "label": labels.get(facts.credential_id or "", ""),
            "link_id": facts.credential_id,
            "connected_at": facts.connected_at,
            "last_seen_at": facts.last_seen_at,
            "address": facts.address,
            "segment_id": subscriber.segment_id or None,
        }
        screens.append(Screen.model_validate(with_local(item, hearing.event.timezone)))
    screens.sort(key=lambda screen: (screen.face, screen.connected_at, screen.id))
    return Screens(server_time=svc.engine.clock(), screens=screens, phones=phones)


@router.post("/events/{event_id}/screens/{screen_id}/identify", tags=["access"])
async def identify_screen(
    event_id: str, screen_id: str, actor: ActorDep, svc: ServicesDep
) -> Identified:
    """Make one screen show its name, large, for a few seconds (an ``identify`` message)."""
    authorise(actor, "POST /api/v1/events/{event_id}/screens/{screen_id}/identify", event_id)
    await svc.engine.locate(event_id)
    subscriber = svc.engine.hub.screen(event_id, screen_id)
    if subscriber is None or subscriber.screen is None or subscriber.closed:
        raise NotFound(f"no screen {screen_id!r} is connected to this event now")
    facts = subscriber.screen
    label = ""
    if facts.credential_id is not None:
        link = await asyncio.to_thread(svc.engine.store.credential, facts.credential_id)
        label = link.label if link is not None else ""
    subscriber.reply(
        encode(
            {
                "type": "identify",
                "screen_id": facts.id,
                "face": facts.face,
                "label": label,
                "duration_ms": IDENTIFY_MS,
            }
        )
    )
    return Identified(screen_id=facts.id, duration_ms=IDENTIFY_MS)
