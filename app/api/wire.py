"""The WebSocket protocol ``floorkeeper serve`` runs: uvicorn's sans-I/O protocol, plus one ASGI
extension through which the app writes frames prepared once for many sockets.

A server's WebSocket frames are unmasked and, with per-message deflate off, uncompressed, so the
frame that carries an update is the same bytes for every client of an audience. Through ASGI each
socket would take the message as text, encode it and frame it again (a few microseconds, times
every socket, times every update). The extension ``floorkeeper.prepared_frames`` offers instead
``write(frame_bytes)``: one ``transport.write`` of the shared bytes (``hub.Encoded.wire``).

It keeps every rule of the protocol it bypasses: frames are whole (never fragments), they go only
to an open connection whose handshake is done and whose closing has not begun, and a transport
over its high-water mark pushes back exactly as uvicorn's own ``send`` does (the write waits until
the socket drains; the hub queues the frames behind it, and replaces a hopeless backlog by one
snapshot). Several frames for one socket in one turn of the event loop (the updates of one
group commit: a burst of floor requests) are written as one: the first at once, the others held
and joined when the turn ends (``_Turns``). Without the extension (another ASGI server, the
test client) the app sends through ASGI as usual (``ws.sender``).

A socket lives for hours and a hearing holds thousands, so the protocol also keeps less per
connection than uvicorn's: the handshake's request and response are let go once the socket is
open, and its receive queue and writable flag are the few bytes those jobs need rather than an
``asyncio.Queue`` (three deques and an Event) and an ``asyncio.Event`` (a deque).

All this leans on names uvicorn does not publish (``INTERNALS``), so pyproject.toml caps uvicorn's
version at the ones tested, and ``floorkeeper serve`` checks at start (``problems``: the names,
then one socket driven through a handshake, a write that waits, a frame in and a close on an
in-memory transport); if anything is amiss it serves with uvicorn's own protocol and logs a
warning (``websocket_protocol``), and frames go through ASGI's ``send``. A write that fails for
any reason other than a gone client is logged as an ERROR (with its traceback, then counted, one
line per 10 s) before the socket is treated as gone, so a renamed attribute cannot pass for
thousands of clients leaving. tests/test_wire.py runs it under the installed uvicorn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import Any, Generic, TypeVar

import uvicorn
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.datastructures import Headers
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State

from .connections import MemoryTransport, Tally, probe_config, quiet

#: The scope extension's name: ``{"write": Callable[[bytes], Awaitable[None] | None]}``.
PREPARED_FRAMES = "floorkeeper.prepared_frames"

log = logging.getLogger("floorkeeper.wire")
failures = Tally(log)

#: Every name of uvicorn's ``WebSocketsSansIOProtocol`` (and module) this one relies on, besides
#: asyncio's protocol methods: by when each must exist on a connection.
INTERNALS: dict[str, tuple[str, ...]] = {
    # the class: the methods overridden, and the exception for a gone client (imported above)
    "class": ("send", "handle_connect"),
    # once a connection is made (``queue`` and ``writable`` are replaced by ``Inbox``, ``Flag``,
    # which must do for the protocol what ``asyncio.Queue`` and ``asyncio.Event`` did)
    "connection_made": (
        "transport",
        "conn",
        "queue",
        "writable",
        "disconnected",
        "close_sent",
        "handshake_complete",
    ),
    # once the handshake's request is read
    "handshake": ("request", "response", "scope"),
}


T = TypeVar("T")


class Inbox(Generic[T]):
    """What the protocol asks of its receive queue (``put_nowait``, ``get``, ``empty``), for its
    one reader: the ASGI app's ``receive``."""

    __slots__ = ("_getter", "_items")

    def __init__(self) -> None:
        self._items: list[T] = []
        self._getter: asyncio.Future[None] | None = None

    def put_nowait(self, item: T) -> None:
        self._items.append(item)
        if self._getter is not None and not self._getter.done():
            self._getter.set_result(None)

    async def get(self) -> T:
        while not self._items:
            self._getter = asyncio.get_running_loop().create_future()
            try:
                await self._getter
            finally:
                self._getter = None
        return self._items.pop(0)

    def empty(self) -> bool:
        return not self._items


class Flag:
    """``asyncio.Event``'s ``is_set``, ``set``, ``clear`` and ``wait``, holding a list of waiters
    only while someone waits (a socket the client stopped reading)."""

    __slots__ = ("_value", "_waiters")

    def __init__(self, value: bool = False) -> None:
        self._value = value
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._value

    def set(self) -> None:
        self._value = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._value = False

    async def wait(self) -> bool:
        if self._value:
            return True
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        await waiter  # set() forgets the waiters it wakes; a cancelled one is skipped there
        return True


class _Turns:
    """Turns of the event loop in which prepared frames were written: a turn ends when the
    callback scheduled at its first write runs. A socket's first frame of a turn is written at
    once; the frames that follow it in the same turn are held and written together when the
    turn ends (one ``send()`` system call rather than one each)."""

    #: Frames held for one socket before they are written without waiting for the turn's end.
    HOLD_LIMIT = 64

    def __init__(self) -> None:
        self.number = 0
        self.scheduled = False
        self.holding: list[PreparedFramesProtocol] = []
        self.loop: asyncio.AbstractEventLoop | None = None

    def begin(self) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self.loop:  # a new loop (tests run one each): nothing of the old one counts
            self.loop, self.scheduled, self.holding = loop, False, []
        if not self.scheduled:
            self.scheduled = True
            loop.call_soon(self.end)

    def end(self) -> None:
        self.number += 1
        self.scheduled = False
        holding, self.holding = self.holding, []
        for protocol in holding:
            protocol.write_held()


_turns = _Turns()


class PreparedFramesProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol that also writes prepared frames, and keeps less
    per connection (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Flag(True)  # type: ignore[assignment]
        #: the turn of the event loop this socket was last written in, and the frames held since
        self.turn = -1
        self.held: list[bytes] | None = None

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept":
            # the handshake is done: its headers are not needed again. websockets' parser keeps
            # the request itself for the connection's life (a local of its generator), so its
            # headers (~2 KB) are let go here too
            request = self.__dict__.pop("request", None)
            if isinstance(request, Request):
                request.headers = Headers()
            self.__dict__.pop("response", None)

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        # the ASGI task is created but has not run yet: it will see the extension
        try:
            if self.response.status_code == 101 and not self.conn.extensions:
                self.scope["extensions"][PREPARED_FRAMES] = {"write": self.write_prepared}
        except Exception:  # not the protocol this was written for: this socket goes through ASGI
            failures.add(
                "offer",
                logging.ERROR,
                f"could not offer prepared frames under uvicorn {uvicorn.__version__}",
                exc_info=True,
            )

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        # the scope's extension holds this protocol's own ``write_prepared``: a cycle through the
        # scope that would keep the protocol, its buffers and the ASGI task's objects until the
        # garbage collector's next full pass. Let go of it: freed as the connection ends.
        scope = self.__dict__.get("scope")
        if isinstance(scope, dict):
            scope.get("extensions", {}).pop(PREPARED_FRAMES, None)

    def write_prepared(self, frame: bytes) -> Awaitable[None] | None:
        """Write one whole frame: None once written (or held to be written with the others of
        this turn), else an awaitable that writes it when the transport has drained below its
        low-water mark.

        The updates of one group commit (a burst of floor requests) are published in one turn,
        each to every socket; held and joined, they cost each socket one system call, not one
        per update. Frames are only held while the socket is writable, and written in order:
        the held ones at the turn's end (or at ``HOLD_LIMIT``), before any that had to wait."""
        if not self.writable.is_set():
            return self._write_when_writable(frame)
        if self.turn != _turns.number:  # the first frame of this turn: at once
            self.turn = _turns.number
            _turns.begin()
            self._write(frame)
            return None
        if self.held is None:
            self.held = []
            _turns.holding.append(self)
        self.held.append(frame)
        if len(self.held) >= _turns.HOLD_LIMIT:
            self.write_held()
        return None

    def write_held(self) -> None:
        held, self.held = self.held, None
        if held:
            with contextlib.suppress(ClientDisconnected):  # gone: its reader ends the connection
                self._write(b"".join(held))

    async def _write_when_writable(self, frame: bytes) -> None:
        await self.writable.wait()
        self._write(frame)

    def _write(self, frame: bytes) -> None:
        """Write one or more whole frames, or raise ``ClientDisconnected``: the client is gone,
        or (logged as an ERROR first) the write failed in a way it never should."""
        try:
            if (
                self.disconnected
                or self.close_sent
                or not self.handshake_complete
                or self.conn.state is not State.OPEN
                or self.transport.is_closing()
            ):
                raise ClientDisconnected()
            self.transport.write(frame)
        except ClientDisconnected:
            raise
        except Exception as error:
            failures.add(
                "write",
                logging.ERROR,
                f"writing a prepared frame failed under uvicorn {uvicorn.__version__}: "
                f"{type(error).__name__}: {error}; the socket is closed as if its client left",
                exc_info=True,
            )
            with contextlib.suppress(Exception):
                self.transport.abort()  # its reader then ends the connection
            raise ClientDisconnected() from error


# --- the check at start -------------------------------------------------------------------------

_HANDSHAKE = (
    b"GET /probe HTTP/1.1\r\nhost: probe\r\nupgrade: websocket\r\nconnection: Upgrade\r\n"
    b"sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n"
)


async def _probe() -> list[str]:
    stock_class = WebSocketsSansIOProtocol
    missing = [n for n in INTERNALS["class"] if not callable(getattr(stock_class, n, None))]
    if missing:
        return missing
    seen: dict[str, Any] = {}
    accepted = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        seen["write"] = (scope["extensions"].get(PREPARED_FRAMES) or {}).get("write")
        accepted.set()
        seen["message"] = await receive()
        while (await receive())["type"] != "websocket.disconnect":
            pass

    # uvicorn's own protocol has every name, at the moment it is needed
    state = ServerState()
    stock = WebSocketsSansIOProtocol(config=probe_config(app), server_state=state, app_state={})
    stock.connection_made(MemoryTransport())
    missing += [n for n in INTERNALS["connection_made"] if not hasattr(stock, n)]
    if not missing:
        stock.data_received(_HANDSHAKE)
        missing += [n for n in INTERNALS["handshake"] if not hasattr(stock, n)]
    stock.connection_lost(None)
    await asyncio.gather(*state.tasks)
    if missing:
        return missing

    # this one, through a handshake, a write that waits and one that need not, a frame in, a close
    accepted.clear()
    seen.clear()
    state = ServerState()
    ours = PreparedFramesProtocol(config=probe_config(app), server_state=state, app_state={})
    transport = MemoryTransport()
    ours.connection_made(transport)
    try:
        ours.data_received(_HANDSHAKE)
        return await _drive(ours, transport, accepted, seen)
    finally:
        if not ours.disconnected:
            ours.connection_lost(None)
        await asyncio.gather(*state.tasks, return_exceptions=True)


async def _drive(
    ours: PreparedFramesProtocol,
    transport: MemoryTransport,
    accepted: asyncio.Event,
    seen: dict[str, Any],
) -> list[str]:
    async with asyncio.timeout(2):
        await accepted.wait()
        if not transport.written.startswith(b"HTTP/1.1 101"):
            return ["the handshake was not answered with 101"]
        write = seen["write"]
        if write is None:
            return ["prepared frames were not offered"]
        frames = [Frame(Opcode.TEXT, text).serialize(mask=False) for text in (b"one", b"two")]
        ours.pause_writing()
        waiting = write(frames[0])
        if waiting is None:
            return ["a write to a socket that pushes back did not wait"]
        ours.resume_writing()
        await waiting
        if write(frames[1]) is not None:
            return ["a write to a writable socket waited"]
        if not transport.written.endswith(b"".join(frames)):
            return ["prepared frames were not written as they are"]
        ours.data_received(Frame(Opcode.TEXT, b"in").serialize(mask=True))
        while "message" not in seen:  # noqa: ASYNC110
            await asyncio.sleep(0)
        if seen["message"] != {"type": "websocket.receive", "text": "in"}:
            return [f"a frame in arrived as {seen['message']!r}"]
    return []


def problems() -> list[str]:
    """What keeps ``PreparedFramesProtocol`` from working under the installed uvicorn: names of
    ``INTERNALS`` that are gone, or what went wrong driving one socket; empty when all is well."""
    try:
        with quiet():
            return asyncio.run(_probe())
    except Exception as error:
        return [f"{type(error).__name__}: {error}"]


def websocket_protocol() -> type[asyncio.Protocol]:
    """The WebSocket protocol to serve with: this module's if the installed uvicorn is what it
    was written for, else uvicorn's own (frames then go through ASGI's ``send``), with a
    warning saying why."""
    gaps = problems()
    if not gaps:
        return PreparedFramesProtocol
    log.warning(
        "uvicorn %s's WebSocket protocol is not the one app/api/wire.py was written for (%s): "
        "serving with uvicorn's own; every socket still works, frames are encoded per socket",
        uvicorn.__version__,
        "; ".join(gaps),
    )
    return WebSocketsSansIOProtocol
