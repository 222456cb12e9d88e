"""The public live page's socket, ``/ws/live/{event_id}``: anyone, no key, only while the
organiser publishes the page (``EventRow.live_published``).

What it sends is the ``live`` audience's view (``views.live_view``: the room display's view cut
down to what the display renders), encoded once per change like every audience's, the meeting
day's header (``projections.live_event``) and of the programme its titles, kinds, statuses and
scheduled times and what follows each only (``views.LIVE_PROGRAMME``: what the display shows
of it); never the
moderators' names or aims, the outcome, the join code, the moderator's message or the booth's
signals. It reads ``hello`` and ``ping`` frames and
refuses every command. Its sockets are capped per address (``Limits.live_connections_per_address``,
counted across processes like a link's screens: ``Throttle.open_socket`` with the key
``("live", address)``), since no credential names who holds them; and all together they hold at
most their share of the process's connections (``cap``), so the room's own screens keep the rest.

A page opened while it is not published (or for an unknown meeting day: the two read the same,
so ids are not probed) keeps its socket and waits: it is told so (an ``error`` frame
``not_published``) and sent nothing else until the organiser publishes it, when it is sent a
snapshot at once. Withdrawing the page does the reverse to every open page: no update from then
on, ``not_published``, and the socket waits. So an audience that arrives early, or stays through
a withdrawal, sees the floor the moment it is published, and asks the server nothing meanwhile
(polling, each page every 15-18 s, cost 0.43 ms of CPU per ask: 0.26 of a core for 10,000
waiting pages). Waiting pages hold sockets like open ones, under the same caps. Both ways, on
every process (``listener``, called by the PATCH route here and by ``Engine.learn_event_row``
for another process's change).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from typing import Any

from fastapi import WebSocket
from starlette.websockets import WebSocketDisconnect

from ..config import Limits
from ..hearing import Hearing
from ..hub import Encoded, ScreenFacts, Subscriber, encode
from ..views import Audience
from .connections import address_key, connection_caps, file_limit
from .deps import Services, client_address, services_of
from .sockets import OpenSockets
from .ws import (
    CLOSE_CODES,
    Connection,
    Hello,
    ProtocolError,
    _first_hello,
    deny,
    origin_allowed,
    sender,
    shortened,
)

#: The live page's socket: a path prefix, and the keyword of ``serve_live`` its last segment
#: gives (``ws.SOCKET_ROUTES`` has the others). Served by the edge, like them.
LIVE_SOCKET_ROUTES = {"/ws/live/": "event_id"}

NOT_PUBLISHED = "this meeting day's live page is not published"


def live_target(path: str) -> dict[str, str] | None:
    """``{"event_id": ...}`` for the live page's socket path, else None."""
    for prefix, keyword in LIVE_SOCKET_ROUTES.items():
        if path.startswith(prefix):
            rest = path[len(prefix) :]
            return {keyword: rest} if rest and "/" not in rest else None
    return None


def published(services: Services, event_id: str) -> Hearing | None:
    """The meeting day, if its live page is published now (no database read for an unknown id:
    anyone may ask)."""
    hearing = services.engine.hearings.get(event_id)
    return hearing if hearing is not None and hearing.event.live_published else None


def listener(sockets: OpenSockets) -> Callable[[Hearing, dict[str, Any]], None]:
    """What a change of the meeting day's details does to its live page's sockets: published,
    each is sent the floor; withdrawn, each stops showing it (``not_published``) and waits."""

    def changed(hearing: Hearing, details: dict[str, Any]) -> None:
        if "live_published" in details:
            sockets.published(hearing.event.id, hearing.event.live_published)

    return changed


def cap(limits: Limits, files: int | None = None) -> int:
    """How many live pages one process holds at once, all meeting days together: their share
    (``Limits.live_connections_percent``) of its connection cap, the rest kept for the room's
    screens, phones and consoles (0: no cap of their own)."""
    if limits.live_connections_percent <= 0:
        return 0
    total, _ = connection_caps(limits, file_limit().soft if files is None else files)
    return max(1, total * min(100, limits.live_connections_percent) // 100)


def _full(cap: int) -> str:
    return (
        f"this server holds as many live pages as it may ({cap}): the rest of its connections "
        "are kept for the room. The page tries again by itself in a little while"
    )


def _too_many(limit: int) -> str:
    return (
        f"{limit} live pages are already open from this network address (a university or an "
        "office shares one): the page gets in by itself once one of them closes"
    )


class _Crowded(ProtocolError):
    """A live page refused for a limit: ``scope`` says which (``address``: too many pages from
    its network address; ``server``: this process's share for live pages is full), so the page
    says why in its own language."""

    def __init__(self, scope: str, message: str) -> None:
        super().__init__("too_many_connections", message)
        self.scope = scope


class LiveConnection(Connection):
    """One live page's socket: the ``live`` audience, following the live segment while the page
    is published and waiting while it is not; no actor, no command, not on the organiser's list
    of screens (no credential to name it by)."""

    def __init__(self, websocket: WebSocket, services: Services, event_id: str) -> None:
        self.websocket = websocket
        self.services = services
        self.engine = services.engine
        self.projections = services.engine.projections
        self.event_id = event_id
        #: True while the page is not published: not in the hub, sent nothing but ``not_published``
        self.waiting = True
        now = self.engine.clock()
        # when it last sent a frame (``Connection.read``); never listed: the subscriber has none
        self.screen = ScreenFacts(
            id=secrets.token_hex(4),
            face="live",
            role="anonymous",
            credential_id=None,
            address=shortened(client_address(websocket)),
            connected_at=now,
            last_seen_at=now,
        )
        self.subscriber = self._subscriber()
        self.frames = services.throttle.frames()

    def _subscriber(self) -> Subscriber:
        """A subscriber of its own each time the page follows the floor (one the hub let go of
        sends nothing more); while waiting, one the hub does not hold, for its answers."""
        return Subscriber(
            self.event_id,
            Audience.LIVE,
            None,
            True,
            send=sender(self.websocket),
            snapshot=self.snapshot_frame,
        )

    def follow(self, hello: Hello | None = None) -> None:
        """Published: the live segment's updates since the hello's version, or a snapshot (a page
        that waited: always), and every update from now on."""
        hearing = published(self.services, self.event_id)
        if not self.waiting or hearing is None:
            return
        self.waiting = False
        self.hearing = hearing
        followed = self.projections.followed_segment(hearing)
        self.engine.hub.add(self.subscriber, followed.id if followed is not None else "")
        self.resume(hello if hello is not None else Hello())

    def park(self) -> None:
        """Withdrawn (or never published): no update from now on; say so, and wait."""
        if not self.waiting:
            self.waiting = True
            self.engine.hub.remove(self.subscriber)
            self.subscriber = self._subscriber()
        self.error("not_published", NOT_PUBLISHED)

    def leave(self) -> None:
        """The socket is gone: out of the hub, and its subscriber lets go of this connection
        (freed as it closes, not by the garbage collector: docs/architecture.md)."""
        if not self.waiting:
            self.engine.hub.remove(self.subscriber)
        else:  # a waiting page's subscriber is in no hub: closed here
            self.subscriber.close()
        self.waiting = True

    def snapshot_frame(self) -> Encoded:
        segment = self.segment()
        if segment is None:
            return encode(self.projections.empty_snapshot(self.hearing, Audience.LIVE))
        return encode(self.projections.snapshot(segment, Audience.LIVE, None))

    def sync(self, hello: Hello) -> None:
        """Missed updates and ``synced``, or a fresh snapshot (nothing personal, no outcome);
        while the page waits, that it is not published."""
        if self.waiting:
            self.error("not_published", NOT_PUBLISHED)
            return
        self.resume(hello)

    async def command(self, data: dict[str, Any]) -> None:
        raw_id = data.get("command_id")
        extra = {"command_id": raw_id} if isinstance(raw_id, str) else {}
        self.error("forbidden", "the public live page sends no commands", **extra)


async def _refuse(websocket: WebSocket, code: str, message: str, **extra: str) -> None:
    """An ``error`` frame naming the refusal, then the close code that goes with it."""
    frame = {"type": "error", "code": code, "message": message, **extra}
    with contextlib.suppress(Exception):  # the client may be gone already
        await websocket.send_text(encode(frame).text)
        await websocket.close(code=CLOSE_CODES.get(code, 4400), reason=code)


async def serve_live(websocket: WebSocket, *, event_id: str) -> None:
    services = services_of(websocket)
    if not origin_allowed(websocket, services):
        await deny(websocket, 403, "origin_not_allowed", "this origin may not open a socket here")
        return
    throttle = services.throttle
    limit = throttle.limits.live_connections_per_address
    key = ("live", address_key(client_address(websocket)))
    # refused after the handshake, not before it: a page learns why, and waits before it asks
    # again (several processes: asking now has the others' count known by the hello)
    room = throttle.has_room(key, limit)
    await websocket.accept()
    if not room:
        await _refuse(websocket, "too_many_connections", _too_many(limit), scope="address")
        return
    sockets = services.sockets
    if sockets.live_full():
        await _refuse(websocket, "too_many_connections", _full(sockets.live_cap), scope="server")
        return
    try:
        hello = await _first_hello(websocket)
        if sockets.live_full():  # filled while the hello came
            raise _Crowded("server", _full(sockets.live_cap))
        if not await throttle.reserve_socket(key, limit):
            raise _Crowded("address", _too_many(limit))
    except (ProtocolError, TimeoutError) as error:
        code = error.code if isinstance(error, ProtocolError) else "hello_timeout"
        message = error.message if isinstance(error, ProtocolError) else "no hello within 10 s"
        extra = {"scope": error.scope} if isinstance(error, _Crowded) else {}
        await _refuse(websocket, code, message, **extra)
        return
    except WebSocketDisconnect:
        return
    try:
        await _serve(websocket, services, event_id, hello)
    finally:
        throttle.close_socket(key)


async def _serve(websocket: WebSocket, services: Services, event_id: str, hello: Hello) -> None:
    connection = LiveConnection(websocket, services, event_id)
    services.sockets.add_live(event_id, connection)  # told of publishing and withdrawing
    try:
        if published(services, event_id) is None:
            connection.park()  # not published (or no such meeting day): says so, and waits
        else:
            connection.follow(hello)
        await connection.read()
    finally:
        services.sockets.discard_live(event_id, connection)
        connection.leave()
