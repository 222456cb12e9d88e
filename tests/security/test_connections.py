"""Connections a client opens and never uses (app/api/connections.py), against a real
``floorkeeper serve`` on loopback: a deadline for every request head, caps per address and in all,
refusals that cost a 503 and no log line each, the process's file limit raised at start, and a log
that stays small when the process runs out of descriptors.

Every wait polls its condition with a deadline; every server and client stops by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import select
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from app.api import connections
from app.api.connections import Guard, Trusted
from app.cli import uvicorn_config
from bench.procs import stop as stop_process

from ..e2e.server import ORGANISER_KEY, free_port

HEADER_TIMEOUT_S = 1
#: How late a close may come on a busy machine (two cores, other tests running).
MARGIN_S = 4.0
#: Another loopback address: a client "from elsewhere", as far as the caps are concerned.
OTHER = "127.0.0.2"
PER_ADDRESS = 4
SOFT_FILES = 512


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def health(self, timeout: float = 2.0) -> int | None:
        try:
            url = f"http://127.0.0.1:{self.port}/api/v1/health"
            return httpx.get(url, timeout=timeout).status_code
        except httpx.HTTPError:
            return None


def until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)  # the pace of polling, not a synchronisation
    raise AssertionError(f"not within {timeout} s: {what}")


@contextlib.contextmanager
def serving(
    directory: Path, env: dict[str, str], files: tuple[int, int] | None = None
) -> Iterator[Served]:
    """A ``floorkeeper serve`` subprocess with ``env`` (and that file limit, soft and hard)."""
    port = free_port()
    log_path = directory / "server.log"
    args = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    args += ["--database-url", f"sqlite:///{directory / 'floor.db'}"]

    def limit_files() -> None:  # in the child, before it runs Python
        if files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, files)

    with log_path.open("wb") as log:
        process = subprocess.Popen(
            args,
            env={**os.environ, "FLOORKEEPER_ORGANISER_KEY": ORGANISER_KEY, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=limit_files,
        )
    served = Served(process, port, log_path)
    try:
        until(
            lambda: process.poll() is not None or served.health(timeout=1) == 200,
            30,
            "the server answers its health check",
        )
        assert process.poll() is None, served.log[-3000:]
        yield served
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Small caps and a short request-head deadline; started with a soft file limit below the
    hard one."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    soft = SOFT_FILES if hard < 0 else min(SOFT_FILES, hard)
    env = {
        "FLOORKEEPER_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S),
        "FLOORKEEPER_CONNECTIONS_PER_ADDRESS": str(PER_ADDRESS),
        "FLOORKEEPER_CONNECTIONS_TOTAL": "100",
    }
    with serving(tmp_path_factory.mktemp("connections"), env, (soft, hard)) as served:
        yield served


def open_socket(port: int, source: str = "127.0.0.1") -> socket.socket:
    client = socket.socket()
    client.bind((source, 0))
    client.connect(("127.0.0.1", port))
    return client


def seconds_until_closed(
    client: socket.socket, timeout: float, trickle: bytes | None = None
) -> float:
    """Wait until the server closes ``client`` (end of stream or reset), sending ``trickle`` a
    byte at a time every 0.2 s meanwhile if given; how long it took."""
    start = time.monotonic()
    deadline = start + timeout
    sent = 0
    while time.monotonic() < deadline:
        readable, _, _ = select.select([client], [], [], 0.2)
        try:
            if readable and not client.recv(4096):
                return time.monotonic() - start
            if trickle is not None:
                client.send(trickle[sent % len(trickle) : sent % len(trickle) + 1])
                sent += 1
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - start
    raise AssertionError(f"the server kept the connection open for {timeout} s")


def read_response(client: socket.socket) -> bytes:
    """One whole response (with Content-Length) from a keep-alive connection."""
    data = b""
    client.settimeout(10)
    while b"\r\n\r\n" not in data:
        data += client.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += client.recv(4096)
    client.settimeout(None)
    return head


def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(
    server: Served,
) -> None:
    with open_socket(server.port) as client:
        waited = seconds_until_closed(client, HEADER_TIMEOUT_S + MARGIN_S)
    assert waited >= HEADER_TIMEOUT_S - 0.2, "closed by the deadline, not refused at once"


def test_headers_sent_a_byte_at_a_time_are_closed_after_the_header_timeout(
    server: Served,
) -> None:
    """Slowloris: bytes that keep coming do not move the deadline, before the first request or
    after a response on a kept-alive connection (where uvicorn's own keep-alive timer is cancelled
    by any byte)."""
    with open_socket(server.port) as client:
        client.sendall(b"GET /api/v1/health HTTP/1.1\r\nhost: floor\r\n")
        waited = seconds_until_closed(client, HEADER_TIMEOUT_S + MARGIN_S, trickle=b"x-slow: 1\r\n")
    assert waited >= HEADER_TIMEOUT_S - 0.2

    with open_socket(server.port) as client:
        client.sendall(b"GET /api/v1/health HTTP/1.1\r\nhost: floor\r\n\r\n")
        assert read_response(client).startswith(b"HTTP/1.1 200")
        waited = seconds_until_closed(client, HEADER_TIMEOUT_S + MARGIN_S, trickle=b"GET /api")
    assert waited >= HEADER_TIMEOUT_S - 0.2


def test_a_request_body_that_trickles_is_answered_408_and_closed(server: Served) -> None:
    """Slow POST (outside probe L: a byte a minute kept a slot and a task for ever, and a few
    hundred filled the cap): a body that brings less than its pace in a window is refused."""
    head = b"POST /api/v1/session HTTP/1.1\r\nhost: floor\r\ncontent-length: 100000\r\n\r\n"
    with open_socket(server.port) as client:
        client.sendall(head + b"{")
        start = time.monotonic()
        answer, closed = b"", False
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            while not closed and time.monotonic() < start + HEADER_TIMEOUT_S + MARGIN_S:
                readable, _, _ = select.select([client], [], [], 0.2)
                chunk = client.recv(4096) if readable else b" "
                closed = bool(readable) and not chunk
                answer += chunk if readable else b""
                if not readable:
                    client.send(b" ")  # a byte every 0.2 s: not the pace of a body
        waited = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"request body too slow" in answer
    assert HEADER_TIMEOUT_S - 0.2 <= waited <= HEADER_TIMEOUT_S + MARGIN_S


def test_a_request_body_sent_in_parts_at_a_steady_pace_is_read(server: Served) -> None:
    """An honest upload on a slow line, in parts over more than one window, is answered."""
    body = b'{"token": "' + b"x" * 30_000 + b'"}'
    head = b"POST /api/v1/session HTTP/1.1\r\nhost: floor\r\ncontent-type: application/json"
    head += b"\r\ncontent-length: %d\r\n\r\n" % len(body)
    with open_socket(server.port) as client:
        client.sendall(head)
        for start in range(0, len(body), 8_000):
            client.sendall(body[start : start + 8_000])
            time.sleep(HEADER_TIMEOUT_S / 2)  # a slow line's pace, across two windows
        answered = read_response(client)
    assert answered.startswith(b"HTTP/1.1 4") and not answered.startswith(b"HTTP/1.1 408")


def test_a_request_within_the_deadline_is_answered_and_the_connection_kept(server: Served) -> None:
    with open_socket(server.port) as client:
        for _ in range(3):
            client.sendall(b"GET /api/v1/health HTTP/1.1\r\nhost: floor\r\n\r\n")
            assert read_response(client).startswith(b"HTTP/1.1 200")


async def _socket_from(port: int, event_id: str, source: str) -> ClientConnection:
    url = f"ws://127.0.0.1:{port}/ws/events/{event_id}"
    client = await connect(url, local_addr=(source, 0), open_timeout=10)
    await client.send(orjson.dumps({"type": "hello", "token": ORGANISER_KEY}).decode())
    await asyncio.wait_for(client.recv(), 10)  # it is in: the server talks to it
    return client


def _answer(port: int, source: str, request: bytes = b"") -> bytes:
    """What a connection from ``source`` that sends ``request`` hears before the server closes
    it: a 503 at once if it is over a cap, else the answer (or, sending nothing, nothing once
    the header timeout is over)."""
    answer = b""
    with open_socket(port, source) as client:
        client.settimeout(HEADER_TIMEOUT_S + MARGIN_S)
        client.sendall(request)
        with contextlib.suppress(ConnectionResetError):
            while chunk := client.recv(4096):
                answer += chunk
    return answer


HEALTH = b"GET /api/v1/health HTTP/1.1\r\nhost: floor\r\nconnection: close\r\n\r\n"


async def test_over_the_cap_per_address_connections_are_refused_and_others_served(
    server: Served,
) -> None:
    auth = {"Authorization": f"Bearer {ORGANISER_KEY}"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}/api/v1") as api:
        made = await api.post("/events", json={"title": "Caps", "timezone": "UTC"}, headers=auth)
    assert made.status_code == 201, made.text
    event_id = made.json()["id"]

    held = [await _socket_from(server.port, event_id, OTHER) for _ in range(PER_ADDRESS)]
    try:
        refused = await asyncio.to_thread(_answer, server.port, OTHER)
        assert refused.startswith(b"HTTP/1.1 503") and refused.endswith(b"too many connections\n")
        assert server.health() == 200, "another address is still served"
    finally:
        for client in held:
            await client.close()
    # their places are given back once they are gone (the sockets' own, past the upgrade)
    await asyncio.to_thread(
        until,
        lambda: _answer(server.port, OTHER, HEALTH).startswith(b"HTTP/1.1 200"),
        10,
        "the address is served again",
    )
    assert "refused a connection from 127.0.0.2" in server.log
    assert server.log.count("refused a connection") <= 2, "one line, not one per refusal"


def test_the_file_limit_is_raised_to_the_hard_limit_and_said_once(server: Served) -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if not hard > SOFT_FILES:
        pytest.skip(f"the hard file limit here ({hard}) is not one to raise {SOFT_FILES} to")
    lines = [line for line in server.log.splitlines() if "open files:" in line]
    assert len(lines) == 1, lines
    assert f"raised from {SOFT_FILES} to {hard};" in lines[0]
    assert f"at most 100 at once, {PER_ADDRESS} per address" in lines[0]


def test_out_of_descriptors_the_log_stays_small_and_health_comes_back(tmp_path: Path) -> None:
    """64 files and 120 clients that connect and say nothing: the cap (64 less the headroom)
    refuses the rest before ``accept`` can fail; whatever fails is one line per 10 s, not a
    traceback each (uvicorn's default settings wrote ~50,000 of them in 4 s)."""
    env = {"FLOORKEEPER_HEADER_TIMEOUT_S": "2"}
    with serving(tmp_path, env, (64, 64)) as served:
        before = len(served.log.splitlines())
        clients = []
        try:
            for _ in range(120):
                client = socket.socket()
                client.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    client.connect(("127.0.0.1", served.port))
                clients.append(client)
            until(
                lambda: any(sign in served.log for sign in ("refused a", "out of system resource")),
                10,
                "the server runs into a limit",
            )
        finally:
            for client in clients:
                client.close()
        until(lambda: served.health() == 200, 15, "health answers once the clients are gone")
        lines = served.log.splitlines()[before:]
    trouble = [
        line
        for line in lines
        if "accept" in line or "open files" in line.lower() or "Traceback" in line
    ]
    assert len(trouble) < 20, trouble[:20]
    assert len([line for line in lines if "uvicorn.access" not in line]) < 40, lines[:40]


# --- in this process: the pieces --------------------------------------------------------------


async def test_accept_failures_are_one_line_then_a_count(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """asyncio reports every ``accept`` refused for want of descriptors as an ERROR with a
    traceback; under the filter ``floorkeeper serve`` installs, a thousand are two lines."""
    monkeypatch.setattr(connections.tally, "interval", 0.2)
    asyncio_log = logging.getLogger("asyncio")
    monkeypatch.setattr(asyncio_log, "filters", [])
    connections.install_log_filter()
    loop = asyncio.get_running_loop()
    caplog.set_level(logging.INFO)
    for _ in range(1000):
        loop.call_exception_handler(
            {
                "message": "socket.accept() out of system resource",
                "exception": OSError(24, "Too many open files"),
            }
        )
    loop.call_exception_handler({"message": "something else"})

    async with asyncio.timeout(5):
        while not any("999 more" in r.getMessage() for r in caplog.records):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    accept = [r for r in caplog.records if "accept" in r.getMessage()]
    assert [r.name for r in accept] == ["floorkeeper.connections"] * 2
    assert accept[0].levelno == logging.ERROR and "Too many open files" in accept[0].getMessage()
    assert any(r.name == "asyncio" and "something else" in r.getMessage() for r in caplog.records)


class _NeverAccepts:
    """An ASGI app that takes a WebSocket and never answers its handshake."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await asyncio.Event().wait()


@contextlib.asynccontextmanager
async def _uvicorn(app: Any, guard: Guard) -> AsyncIterator[tuple[int, Guard]]:
    config = uvicorn_config(app, "127.0.0.1", free_port(), guard=guard)
    config.log_level = "warning"
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:  # noqa: ASYNC110 (uvicorn's Server offers no event to wait on)
            await asyncio.sleep(0.01)
    try:
        yield config.port, guard
    finally:
        server.should_exit = True
        server.force_exit = True
        await task


async def test_a_websocket_handshake_the_app_never_completes_is_closed() -> None:
    guard = Guard(total=10, per_address=10, header_timeout=0.5, trusted=Trusted(""))
    async with _uvicorn(_NeverAccepts(), guard) as (port, guard):
        start = time.monotonic()
        with pytest.raises(Exception) as refused:
            await connect(f"ws://127.0.0.1:{port}/", open_timeout=10)
        assert time.monotonic() - start < 0.5 + MARGIN_S
        assert "timed out" not in str(refused.value)
        async with asyncio.timeout(5):
            while guard.open:  # noqa: ASYNC110
                await asyncio.sleep(0.01)  # the connection's place is given back
