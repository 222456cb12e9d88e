"""Frames prepared once and written as shared bytes (app/api/wire.py), under a real uvicorn with
``floorkeeper serve``'s protocol and a real WebSocket client: what arrives, in what order, when
the client stops reading, when it is gone, and when the frames could not be shared."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from starlette.websockets import WebSocket, WebSocketState
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app.api import wire
from app.api.wire import PREPARED_FRAMES, PreparedFramesProtocol, _Turns
from app.api.ws import sender
from app.cli import uvicorn_config
from app.hub import Encoded

from .e2e.server import free_port

Write = Callable[[bytes], Awaitable[None] | None]


@dataclass
class Probe:
    """A tiny ASGI app: accepts a socket and hands its prepared-frame writer to the test."""

    writers: asyncio.Queue[Write | None] = field(default_factory=asyncio.Queue)
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        prepared = scope["extensions"].get(PREPARED_FRAMES)
        await self.writers.put(prepared["write"] if prepared else None)
        while (await receive())["type"] != "websocket.disconnect":
            pass
        self.closed.set()


@contextlib.asynccontextmanager
async def serving(app: Probe, **overrides: Any) -> AsyncIterator[str]:
    config = uvicorn_config(app, "127.0.0.1", free_port())
    for name, value in overrides.items():
        setattr(config, name, value)
    config.log_level = "warning"
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn's Server offers no event to wait on)
        await asyncio.sleep(0.01)
    try:
        yield f"ws://127.0.0.1:{config.port}/"
    finally:
        server.should_exit = True
        await task


async def test_a_prepared_frame_arrives_as_the_message_it_carries() -> None:
    app = Probe()
    async with serving(app) as url, connect(url, compression=None) as client:
        write = await app.writers.get()
        assert write is not None, "floorkeeper serve's protocol offers prepared frames"
        frames = [
            Encoded(b'{"n":1}'),
            Encoded('{"name":"Zoë 你好"}'.encode()),
            Encoded(b"x" * 70_000),
        ]
        for frame in frames:
            assert write(frame.wire) is None  # written at once, no task
        assert [await client.recv() for _ in frames] == [frame.text for frame in frames]


async def test_frames_written_in_one_turn_leave_together_in_order() -> None:
    """A group commit's updates are published in one turn of the event loop: the first reaches
    the socket at once, the rest are joined into one write when the turn ends (at most
    ``HOLD_LIMIT`` at a time), so a burst costs each socket a few system calls, not one each."""
    app = Probe()
    async with serving(app) as url, connect(url, compression=None) as client:
        write = await app.writers.get()
        assert write is not None
        protocol = getattr(write, "__self__")  # noqa: B009 (the bound method's protocol)
        writes: list[int] = []
        real = protocol.transport.write

        def counted(data: bytes) -> None:
            writes.append(len(data))
            real(data)

        protocol.transport.write = counted

        frames = [Encoded(b'{"n":%d}' % n) for n in range(10)]
        for frame in frames:
            assert write(frame.wire) is None
        assert len(writes) == 1, "the first frame of the turn is written at once"
        assert [await client.recv() for _ in frames] == [frame.text for frame in frames]
        assert len(writes) == 2, "the nine others leave together at the turn's end"

        writes.clear()
        many = [Encoded(b'{"n":%d}' % n) for n in range(1 + 3 * _Turns.HOLD_LIMIT + 7)]
        for frame in many:
            assert write(frame.wire) is None
        assert [await client.recv() for _ in many] == [frame.text for frame in many]
        assert len(writes) == 1 + 3 + 1, "held frames leave at the limit, the rest at the end"


async def test_a_client_that_stops_reading_pushes_back_then_gets_everything_in_order() -> None:
    app = Probe()
    async with serving(app) as url, connect(url, compression=None) as client:
        client.transport.pause_reading()  # a phone that stops reading
        write = await app.writers.get()
        assert write is not None
        frame = 0
        waiting = None
        while waiting is None and frame < 100_000:  # until the server's buffer is over its mark
            frame += 1
            waiting = write(Encoded(b'{"frame":%d,"pad":"%s"}' % (frame, b"." * 4000)).wire)
        assert waiting is not None, "the transport never pushed back"
        writing = asyncio.ensure_future(waiting)
        await asyncio.sleep(0)
        assert not writing.done(), "the last write waits for the socket to drain"
        client.transport.resume_reading()

        async def read_all() -> list[int]:
            return [int(str(await client.recv()).split(",")[0].split(":")[1]) for _ in range(frame)]

        reading = asyncio.ensure_future(read_all())
        await writing
        assert await reading == list(range(1, frame + 1))


async def test_writing_to_a_gone_client_raises_so_the_hub_drops_it() -> None:
    app = Probe()
    async with serving(app) as url:
        async with connect(url, compression=None):
            write = await app.writers.get()
            assert write is not None
        await app.closed.wait()
        with pytest.raises(ClientDisconnected):
            write(Encoded(b"{}").wire)


async def test_a_closed_socket_is_freed_as_it_closes_not_by_the_garbage_collector() -> None:
    """The protocol offers its own ``write_prepared`` in the scope: a cycle through the scope,
    which is let go of when the connection is lost, so the protocol (its buffers, the request's
    scope) is freed by reference counting as the client leaves, with the collector off."""
    app = Probe()
    was_enabled = gc.isenabled()
    async with serving(app) as url:
        gc.collect()
        gc.disable()
        try:
            async with connect(url, compression=None):
                write = await app.writers.get()
                assert write is not None
                protocol = weakref.ref(write.__self__)  # type: ignore[attr-defined]
                del write
            await app.closed.wait()
            async with asyncio.timeout(5):  # uvicorn lets go of it within a turn or two
                while protocol() is not None:  # noqa: ASYNC110
                    await asyncio.sleep(0)
        finally:
            if was_enabled:
                gc.enable()


async def test_a_compressed_connection_is_not_offered_shared_frames() -> None:
    app = Probe()
    async with (
        serving(app, ws_per_message_deflate=True) as url,
        connect(url, compression="deflate"),
    ):
        assert await app.writers.get() is None  # the app falls back to ASGI's send


async def test_the_app_writes_prepared_frames_when_offered_and_text_otherwise() -> None:
    written: list[bytes] = []
    sent: list[MutableMapping[str, Any]] = []

    async def asgi_send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    frame = Encoded(b'{"type":"update"}')
    offered = {"type": "websocket", "extensions": {PREPARED_FRAMES: {"write": written.append}}}
    plain = {"type": "websocket", "extensions": {}}
    for scope in (offered, plain):
        websocket = WebSocket(scope, receive, asgi_send)
        websocket.client_state = websocket.application_state = WebSocketState.CONNECTED
        assert sender(websocket)(frame) is None
    assert written == [frame.wire]
    assert sent == [{"type": "websocket.send", "text": frame.text}]


# --- uvicorn's internals: checked at start, and failures that are not a client leaving ----------


def test_the_check_at_start_passes_under_the_installed_uvicorn(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    assert wire.problems() == []
    assert wire.websocket_protocol() is PreparedFramesProtocol
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_missing_internal_name_means_uvicorns_own_protocol_and_a_warning(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A uvicorn that renamed what wire.py relies on is served with its own protocol (frames
    through ASGI's send, ``ws.sender``), and the log says why, rather than every socket
    failing its writes as if its client had left."""
    stock_init = WebSocketsSansIOProtocol.__init__

    def renamed(self: WebSocketsSansIOProtocol, *args: Any, **kwargs: Any) -> None:
        stock_init(self, *args, **kwargs)
        self.is_closed = self.close_sent  # type: ignore[attr-defined]
        del self.close_sent

    monkeypatch.setattr(WebSocketsSansIOProtocol, "__init__", renamed)
    assert wire.problems() == ["close_sent"]
    assert wire.websocket_protocol() is WebSocketsSansIOProtocol
    [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warning.levelno == logging.WARNING and warning.name == "floorkeeper.wire"
    assert "close_sent" in warning.getMessage() and "uvicorn's own" in warning.getMessage()

    monkeypatch.setattr(WebSocketsSansIOProtocol, "__init__", stock_init)
    monkeypatch.delattr(WebSocketsSansIOProtocol, "handle_connect")
    assert wire.problems() == ["handle_connect"]


async def test_under_uvicorns_own_protocol_the_app_sends_through_asgi() -> None:
    app = Probe()
    async with serving(app, ws=WebSocketsSansIOProtocol) as url, connect(url) as client:
        assert await app.writers.get() is None  # so ws.sender sends text through ASGI
        await client.send("still works")


async def test_an_unexpected_error_in_a_write_is_logged_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Probe()
    async with serving(app) as url, connect(url, compression=None) as client:
        write = await app.writers.get()
        assert write is not None
        protocol = getattr(write, "__self__")  # noqa: B009 (the bound method's protocol)

        def broken(data: bytes) -> None:
            raise RuntimeError("a write that should never fail")

        protocol.transport.write = broken
        with pytest.raises(ClientDisconnected):  # so the hub drops the socket
            write(Encoded(b"{}").wire)
        [error] = [r for r in caplog.records if r.name == "floorkeeper.wire"]
        assert error.levelno == logging.ERROR and error.exc_info is not None
        assert "a write that should never fail" in error.getMessage()
        with pytest.raises(ConnectionClosed):  # and the socket is closed, not left half-alive
            await asyncio.wait_for(client.recv(), 5)
