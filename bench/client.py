"""The load generator: subscribers, a moderator and a burst of floor requests.

Subscribers live in worker processes (``Worker``, one asyncio loop each, driven by the harness
over a pipe) so that the client is not the bottleneck of a 2-core machine; the harness keeps
the moderator in its own process and loop, so that commands leave on time. All timestamps are
``time.monotonic()``, which is one clock for every process on Linux.

Every server speaks the same small protocol to these clients: ``hello`` (optionally with
``segment_id`` and ``last_version``), then frames that carry a ``version``; ``command`` frames
answered by ``ack`` (or ``error``) with the ``command_id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

#: Frames that tell a subscriber which version it holds.
STATE_FRAMES = {"snapshot", "update", "synced", "state"}
#: A slow reader's receive buffer: small, so its backlog reaches the server quickly.
SLOW_RCVBUF = 4096


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU of a process (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


async def open_socket(url: str, small_buffer: bool = False) -> ClientConnection:
    """A client connection as a browser would open it (offering per-message deflate)."""
    sock = None
    if small_buffer:
        parts = urlsplit(url)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SLOW_RCVBUF)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (parts.hostname, parts.port))
    return await connect(
        url, sock=sock, ping_interval=None, max_size=2**23, open_timeout=60, close_timeout=1
    )


@dataclass
class Subscriber:
    url: str
    token: str | None
    segment_id: str | None
    slow: bool = False
    version: int = 0
    #: each time the held version went up: when, and to which version
    times: list[float] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    snapshots: int = 0
    frames: int = 0
    failures: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    reading: asyncio.Event = field(default_factory=asyncio.Event)
    ws: ClientConnection | None = None
    stopping: bool = False
    task: asyncio.Task[None] | None = None

    def hello(self) -> str:
        frame: dict[str, Any] = {"type": "hello"}
        if self.token is not None:
            frame["token"] = self.token
        if self.version:
            frame |= {"segment_id": self.segment_id, "last_version": self.version}
        return orjson.dumps(frame).decode()

    async def run(self) -> None:
        self.reading.set()
        while True:
            try:
                self.ws = await open_socket(self.url, self.slow)
                await self.ws.send(self.hello())
            except (OSError, InvalidHandshake, ConnectionClosed, TimeoutError):
                self.failures += 1
                await asyncio.sleep(0.2 + random.random())
                continue
            with contextlib.suppress(ConnectionClosed):
                await self.read(self.ws)
            if self.stopping:
                return
            # dropped (by the storm, or by the server giving up on a slow reader): a phone
            # reconnects at once with the last version it holds

    async def read(self, ws: ClientConnection) -> None:
        while True:
            if not self.reading.is_set():
                await self.reading.wait()
            raw = await ws.recv()
            now = time.monotonic()
            self.frames += 1
            frame = orjson.loads(raw)
            kind = frame.get("type")
            if kind in STATE_FRAMES:
                version = frame.get("version") or 0
                if kind == "snapshot":
                    self.snapshots += 1
                if version > self.version:
                    self.version = version
                    self.times.append(now)
                    self.held.append(version)
                self.ready.set()

    def reached(self, version: int, since: float) -> float | None:
        """When this subscriber first held ``version`` (or later) after ``since``."""
        if self.version < version:
            return None
        return max(self.times[bisect_left(self.held, version)], since)


class Worker:
    """One client process: a share of the subscribers, driven by the harness."""

    def __init__(self, pipe: Connection) -> None:
        self.pipe = pipe
        self.subs: list[Subscriber] = []
        self.burst_sockets: list[ClientConnection] = []

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            op, args = await loop.run_in_executor(None, self.pipe.recv)
            if op == "exit":
                await self.close_all()
                self.pipe.send(None)
                return
            result = await getattr(self, op)(**args)
            self.pipe.send(result)

    # --- subscribers ------------------------------------------------------------------------------

    async def connect(self, specs: list[dict[str, Any]], wait: float) -> dict[str, int]:
        gate = asyncio.Semaphore(64)
        added = [Subscriber(**spec) for spec in specs]

        async def start(sub: Subscriber) -> None:
            async with gate:
                sub.task = asyncio.create_task(sub.run())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(sub.ready.wait(), wait)

        await asyncio.gather(*(start(sub) for sub in added))
        self.subs.extend(added)
        return {"ready": sum(sub.ready.is_set() for sub in added), "asked": len(added)}

    async def pause_slow(self) -> int:
        for sub in self.subs:
            if sub.slow:
                sub.reading.clear()
        return sum(sub.slow for sub in self.subs)

    async def resume_slow(self) -> None:
        for sub in self.subs:
            sub.reading.set()

    async def arrivals(self, versions: list[int], since: float) -> dict[str, Any]:
        """Per version: the arrival at each fast subscriber, and the latest at a slow one."""
        fast: list[list[float]] = [[] for _ in versions]
        missing = 0
        for sub in self.subs:
            if sub.slow:
                continue
            for index, version in enumerate(versions):
                arrival = sub.reached(version, since)
                if arrival is None:
                    missing += 1
                else:
                    fast[index].append(arrival)
        return {"fast": fast, "missing": missing}

    async def reached(self, version: int, since: float, slow_only: bool = False) -> dict[str, Any]:
        times = []
        for sub in self.subs:
            if slow_only and not sub.slow:
                continue
            times.append(sub.reached(version, since))
        snapshots = sum(sub.snapshots for sub in self.subs if sub.slow or not slow_only)
        return {"times": times, "snapshots": snapshots}

    async def counters(self) -> dict[str, Any]:
        return {
            "cpu": cpu_seconds(),
            "frames": sum(sub.frames for sub in self.subs),
            "snapshots": sum(sub.snapshots for sub in self.subs),
            "failures": sum(sub.failures for sub in self.subs),
            "min_version": min((sub.version for sub in self.subs), default=0),
        }

    async def storm(self, window: float) -> None:
        """Every subscriber drops its connection at a random moment of ``window``, then
        reconnects at once with the last version it holds."""

        async def drop(sub: Subscriber) -> None:
            await asyncio.sleep(random.uniform(0, window))
            if sub.ws is not None:
                sub.ws.transport.abort()

        await asyncio.gather(*(drop(sub) for sub in self.subs))

    async def close_all(self) -> None:
        for sub in self.subs:
            sub.stopping = True
            if sub.task is not None:
                sub.task.cancel()
            if sub.ws is not None:
                sub.ws.transport.abort()
        for sub in self.subs:
            if sub.task is not None:
                with contextlib.suppress(BaseException):
                    await sub.task
        self.subs = []
        for ws in self.burst_sockets:
            ws.transport.abort()
        self.burst_sockets = []

    # --- burst ------------------------------------------------------------------------------------

    async def burst(self, specs: list[dict[str, Any]], start: float, wait: float) -> list[Any]:
        """Send each request at ``start + offset``; answer (latency or None, status, body)."""
        sockets: dict[int, ClientConnection] = {}
        if specs and specs[0]["via"] == "ws":
            for index, spec in enumerate(specs):
                sockets[index] = await open_socket(spec["url"])
            self.burst_sockets.extend(sockets.values())
        limits = httpx.Limits(max_connections=len(specs) or 1, max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=wait, limits=limits) as http:

            async def fire(index: int, spec: dict[str, Any]) -> Any:
                await asyncio.sleep(max(0.0, start + spec["offset"] - time.monotonic()))
                sent = time.monotonic()
                try:
                    if spec["via"] == "rest":
                        response = await http.post(
                            spec["url"],
                            json=spec["body"],
                            headers={"Authorization": f"Bearer {spec['token']}"},
                        )
                        return (time.monotonic() - sent, response.status_code, response.json())
                    ws = sockets[index]
                    await ws.send(orjson.dumps(spec["body"]).decode())
                    while True:
                        answer = orjson.loads(await asyncio.wait_for(ws.recv(), wait))
                        if answer.get("command_id") == spec["body"]["command_id"]:
                            ok = 200 if answer.get("type") == "ack" else 409
                            return (time.monotonic() - sent, ok, answer)
                except Exception as error:  # counted as not acknowledged
                    return (None, 0, repr(error))

            return list(await asyncio.gather(*(fire(i, s) for i, s in enumerate(specs))))


def worker_main(pipe: Connection) -> None:
    asyncio.run(Worker(pipe).serve())
