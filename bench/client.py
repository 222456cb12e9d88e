"""The load generator: subscribers, a moderator and a burst of floor requests.

Subscribers live in worker processes (``Worker``, one asyncio loop each, driven by the harness
over a pipe) so that the client is not the bottleneck of a 2-core machine; the harness keeps
the moderator in its own process and loop, so that commands leave on time. All timestamps are
``time.monotonic()``, which is one clock for every process on Linux.

Each subscriber is ``websockets``' sans-I/O ``ClientProtocol`` fed by an asyncio
``BufferedProtocol``, so that the client measures the servers: the fan-out is timed to the
moment the LAST of thousands of subscribers holds a version, so every microsecond the client
spends per received frame adds up in that figure. ``websockets``' asyncio client costs a task
wake-up, a message assembler and futures per frame, and asyncio's ``data_received`` a 256 KiB
allocation per read; here the transport reads into one shared buffer and ``buffer_updated``
parses the frames at once, with no task per subscriber while it is connected (2,000 subscribers
of the reference server: ~40 µs of client CPU per frame instead of ~80). The moderator, not on that
path, uses the asyncio client (``open_socket``); so do the burst's WebSocket commands to the
reference and naive servers. Floorkeeper's burst of REST floor requests is sent by
``OneRequest``: one HTTP/1.1 request on a connection of its own, framed and parsed by ``h11``
(httpx's client cost ~1.1 ms of client CPU per request, more than the server it measured spent).

Every server speaks the same small protocol to these clients: ``hello`` (optionally with
``segment_id`` and ``last_version``), then frames that carry a ``version``; ``command`` frames
answered by ``ack`` (or ``error``) with the ``command_id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import resource
import socket
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, cast
from urllib.parse import urlsplit

import h11
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.client import ClientProtocol
from websockets.exceptions import InvalidHandshake
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

#: Frames that tell a subscriber which version it holds.
STATE_FRAMES = {"snapshot", "update", "synced", "state"}
#: A slow reader's receive buffer: small, so its backlog reaches the server quickly.
SLOW_RCVBUF = 4096
#: What a browser offers: per-message deflate (the naive server accepts it, the others don't).
BROWSER_EXTENSIONS = [ClientPerMessageDeflateFactory(compress_settings={"memLevel": 5})]
MAX_SIZE = 2**23
#: Seconds to open a connection (TCP and WebSocket handshake), as ``open_timeout`` did.
OPEN_TIMEOUT = 60
#: Seconds the server has to close the TCP connection after the closing handshake.
CLOSE_TIMEOUT = 1
#: Every subscriber of a process reads into this one buffer (``BufferedProtocol``), and its
#: ``buffer_updated`` copies the bytes out before the next read. With ``Protocol.data_received``
#: asyncio would allocate 256 KiB per ``recv()`` (an mmap and a munmap): ~16 µs of system CPU
#: per frame, more than the frame's parsing.
RECEIVE_BUFFER = bytearray(2**18)


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU of a process (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raise_file_limit() -> tuple[int, int]:
    """The soft limit of open files raised to the hard one (each subscriber holds a socket: a
    client process of 5,000 needs more than the usual 1,024); answers (before, now)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft != resource.RLIM_INFINITY and soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


async def open_socket(url: str) -> ClientConnection:
    """A client connection as a browser would open it (offering per-message deflate)."""
    return await connect(
        url,
        ping_interval=None,
        max_size=MAX_SIZE,
        open_timeout=OPEN_TIMEOUT,
        close_timeout=CLOSE_TIMEOUT,
    )


@dataclass(eq=False)
class Subscriber(asyncio.BufferedProtocol):
    """A phone watching the floor: an asyncio protocol that feeds ``websockets``' sans-I/O
    ``ClientProtocol`` (one per connection; it makes the handshake, parses frames, answers
    pings and close frames).

    Frames are handled in ``buffer_updated`` as the socket delivers them: no task, no future
    and no message queue per frame. A task exists only while (re)connecting (``connect``).
    """

    url: str
    token: str | None
    segment_id: str | None
    slow: bool = False
    #: which server process it is connected to (``--processes``: 0 is A, 1 is B)
    group: int = 0
    version: int = 0
    #: each time the held version went up: when, and to which version
    times: list[float] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    snapshots: int = 0
    frames: int = 0
    failures: int = 0
    #: set by the first frame that tells the version (the subscriber has a state)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    #: reading is stopped (a slow reader between ``pause_slow`` and ``resume_slow``)
    paused: bool = False
    stopping: bool = False
    #: the current connection: its protocol, its transport, whether its handshake is done
    ws: ClientProtocol | None = None
    transport: asyncio.Transport | None = None
    connected: bool = False
    #: resolved by the handshake's response (or failed by its loss) while connecting
    opened: asyncio.Future[None] | None = None
    task: asyncio.Task[None] | None = None
    #: a fragmented message being received
    partial: bytearray | None = None

    def hello(self) -> bytes:
        frame: dict[str, Any] = {"type": "hello"}
        if self.token is not None:
            frame["token"] = self.token
        if self.version:
            frame |= {"segment_id": self.segment_id, "last_version": self.version}
        return orjson.dumps(frame)

    def start(self) -> None:
        self.task = asyncio.create_task(self.connect())

    async def connect(self) -> None:
        """Open a connection and say hello; on failure, count it and retry after a pause."""
        while not self.stopping:
            try:
                async with asyncio.timeout(OPEN_TIMEOUT):
                    await self.open()
                return
            except (OSError, InvalidHandshake, TimeoutError):
                self.failures += 1
                if self.transport is not None:
                    self.transport.abort()
                await asyncio.sleep(0.2 + random.random())

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        uri = parse_uri(self.url)
        self.ws = ClientProtocol(uri, extensions=BROWSER_EXTENSIONS, max_size=MAX_SIZE)
        self.opened = loop.create_future()
        if self.slow:
            # a small receive buffer (set before connecting), so a paused reader's backlog
            # reaches the server quickly
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SLOW_RCVBUF)
                sock.setblocking(False)
                await loop.sock_connect(sock, (uri.host, uri.port))
            except BaseException:
                sock.close()
                raise
            await loop.create_connection(lambda: self, sock=sock)
        else:
            await loop.create_connection(lambda: self, uri.host, uri.port)
        await self.opened

    # --- asyncio.BufferedProtocol -----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert self.ws is not None
        self.transport = cast(asyncio.Transport, transport)
        self.ws.send_request(self.ws.connect())
        self.flush()

    def get_buffer(self, sizehint: int) -> bytearray:
        return RECEIVE_BUFFER

    def buffer_updated(self, nbytes: int) -> None:
        now = time.monotonic()  # one arrival time for every frame of this read
        ws = self.ws
        assert ws is not None
        ws.receive_data(RECEIVE_BUFFER[:nbytes])
        if not self.connected:
            self.handshake_received()
        for event in ws.events_received():
            if not isinstance(event, Frame):
                continue  # the handshake's response, handled above
            opcode = event.opcode
            if opcode is Opcode.TEXT or opcode is Opcode.BINARY:
                if event.fin:
                    self.received(event.data, now)
                else:
                    self.partial = bytearray(event.data)
            elif opcode is Opcode.CONT and self.partial is not None:
                self.partial += event.data
                if event.fin:
                    self.received(self.partial, now)
                    self.partial = None
        self.flush()  # pongs, the answer to a close frame
        if ws.close_expected() and self.transport is not None:
            # closing (the server's close frame, or a frame the protocol refused): the server
            # closes the TCP connection; if it does not, drop it after a while
            asyncio.get_running_loop().call_later(CLOSE_TIMEOUT, self.transport.abort)

    def received(self, raw: bytes | bytearray | memoryview, now: float) -> None:
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

    def handshake_received(self) -> None:
        """The handshake's response was parsed (or refused): say hello, or fail ``open``."""
        assert self.ws is not None and self.transport is not None and self.opened is not None
        if self.ws.handshake_exc is not None:
            if not self.opened.done():
                self.opened.set_exception(self.ws.handshake_exc)
        elif self.ws.state is State.OPEN:
            self.connected = True
            self.ws.send_text(self.hello())
            if self.paused:
                self.transport.pause_reading()
            if not self.opened.done():
                self.opened.set_result(None)

    def flush(self) -> None:
        assert self.ws is not None and self.transport is not None
        for data in self.ws.data_to_send():
            if data:  # (the empty SEND_EOF only follows a refused handshake, which aborts)
                self.transport.write(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.partial = None
        if not self.connected:
            if self.opened is not None and not self.opened.done():
                self.opened.set_exception(ConnectionResetError("lost during the handshake"))
            return
        self.connected = False
        if not self.stopping:
            # dropped (by the storm, or by the server giving up on a slow reader): a phone
            # reconnects at once with the last version it holds
            self.start()

    # --- driven by the worker ---------------------------------------------------------------------

    def pause(self) -> None:
        self.paused = True
        if self.connected and self.transport is not None:
            self.transport.pause_reading()

    def resume(self) -> None:
        self.paused = False
        if self.connected and self.transport is not None:
            self.transport.resume_reading()

    def drop(self) -> None:
        """Lose the connection as a phone does (then reconnect, in ``connection_lost``)."""
        if self.connected and self.transport is not None:
            self.transport.abort()

    def close(self) -> None:
        self.stopping = True
        if self.task is not None:
            self.task.cancel()
        if self.transport is not None:
            self.transport.abort()

    def reached(self, version: int, since: float) -> float | None:
        """When this subscriber first held ``version`` (or later) after ``since``."""
        if self.version < version:
            return None
        return max(self.times[bisect_left(self.held, version)], since)


class OneRequest(asyncio.Protocol):
    """One HTTP/1.1 POST on a new connection of its own, as a phone sends a floor request. The
    bytes are made before the clock starts; ``h11`` frames them and parses the answer. ~0.3 ms of
    client CPU per request, connecting included."""

    def __init__(self, url: str, token: str, body: dict[str, Any]) -> None:
        parts = urlsplit(url)
        assert parts.hostname is not None and parts.port is not None, url
        self.host, self.port = parts.hostname, parts.port
        self.parser = h11.Connection(h11.CLIENT)
        content = orjson.dumps(body)
        headers = [
            ("Host", parts.netloc),
            ("Authorization", f"Bearer {token}"),
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(content))),
            ("Connection", "close"),
        ]
        request = h11.Request(method="POST", target=parts.path, headers=headers)
        self.request = b"".join(
            self.parser.send(event) or b""
            for event in (request, h11.Data(data=content), h11.EndOfMessage())
        )
        self.status = 0
        self.body = bytearray()
        self.done: asyncio.Future[tuple[int, bytes]] | None = None

    async def send(self, wait: float) -> tuple[int, bytes]:
        """Connect, send, and answer the response's status and body."""
        loop = asyncio.get_running_loop()
        done = self.done = loop.create_future()
        transport, _ = await loop.create_connection(lambda: self, self.host, self.port)
        try:
            return await asyncio.wait_for(done, wait)
        finally:
            transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        cast(asyncio.Transport, transport).write(self.request)

    def data_received(self, data: bytes) -> None:
        self.parser.receive_data(data)
        self._read()

    def eof_received(self) -> bool | None:
        self.parser.receive_data(b"")
        self._read()
        return None

    def _read(self) -> None:
        assert self.done is not None
        try:
            while not self.done.done():
                event = self.parser.next_event()
                if event is h11.NEED_DATA or event is h11.PAUSED:
                    return
                if isinstance(event, h11.Response):
                    self.status = event.status_code
                elif isinstance(event, h11.Data):
                    self.body += event.data
                elif isinstance(event, h11.EndOfMessage):
                    self.done.set_result((self.status, bytes(self.body)))
                elif isinstance(event, h11.ConnectionClosed):
                    raise ConnectionError("closed before the answer")
        except Exception as error:
            self.done.set_exception(error)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_exception(exc or ConnectionError("closed before the answer"))


@dataclass(eq=False)
class Delegate(Subscriber):
    """A delegate's phone that requests the floor over the socket it holds (``request_floor`` as
    a ``command`` frame, docs/protocol.md), as the delegate page does. Its socket is open, said
    hello and has its snapshot before the burst starts; then it is also a subscriber, so it gets
    every update of the burst as a phone would. Those are not parsed (the client would cost more
    than the server): only frames that name a ``command_id`` are, to find the answer."""

    command_id: str = ""
    answered: asyncio.Future[tuple[float, dict[str, Any]]] | None = None

    def received(self, raw: bytes | bytearray | memoryview, now: float) -> None:
        if self.ready.is_set():
            if b'"command_id"' not in raw:
                return
            frame = orjson.loads(raw)
            answered = self.answered
            mine = frame.get("command_id") == self.command_id
            if mine and answered is not None and not answered.done():
                answered.set_result((now, frame))  # its ack, or its error
            return
        super().received(raw, now)

    async def command(self, body: dict[str, Any], wait: float) -> tuple[float, dict[str, Any]]:
        """Send one command frame on the open socket; answer (when its answer came, the answer)."""
        assert self.ws is not None and self.connected
        self.command_id = body["command_id"]
        self.answered = asyncio.get_running_loop().create_future()
        self.ws.send_text(orjson.dumps(body))
        self.flush()
        return await asyncio.wait_for(self.answered, wait)


class Worker:
    """One client process: a share of the subscribers, driven by the harness."""

    def __init__(self, pipe: Connection) -> None:
        self.pipe = pipe
        self.subs: list[Subscriber] = []
        self.burst_sockets: list[ClientConnection] = []
        self.delegates: dict[int, Delegate] = {}
        self.requests: dict[int, OneRequest] = {}
        self.burst_specs: list[dict[str, Any]] = []

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
                sub.start()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(sub.ready.wait(), wait)

        await asyncio.gather(*(start(sub) for sub in added))
        self.subs.extend(added)
        return {"ready": sum(sub.ready.is_set() for sub in added), "asked": len(added)}

    async def pause_slow(self) -> int:
        for sub in self.subs:
            if sub.slow:
                sub.pause()
        return sum(sub.slow for sub in self.subs)

    async def resume_slow(self) -> None:
        for sub in self.subs:
            sub.resume()

    async def arrivals(
        self, versions: list[int], since: float, group: int | None = None
    ) -> dict[str, Any]:
        """Per version: the arrival at each fast subscriber (of ``group``, if given)."""
        fast: list[list[float]] = [[] for _ in versions]
        missing = 0
        for sub in self.subs:
            if sub.slow or (group is not None and sub.group != group):
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
            sub.drop()

        await asyncio.gather(*(drop(sub) for sub in self.subs))

    async def close_all(self) -> None:
        for sub in self.subs:
            sub.close()
        for sub in self.subs:
            if sub.task is not None:
                with contextlib.suppress(BaseException):
                    await sub.task
        self.subs = []
        for ws in self.burst_sockets:
            ws.transport.abort()
        self.burst_sockets = []
        await self.close_delegates()

    # --- burst ------------------------------------------------------------------------------------

    async def burst_prepare(self, specs: list[dict[str, Any]], wait: float) -> int:
        """Make ready what the burst sends (before the clock starts): the REST requests' bytes,
        the reference's sockets, the delegates' sockets (open, hello said, snapshot received);
        answer how many sockets could not be made ready."""
        self.burst_specs = specs
        self.requests = {
            index: OneRequest(spec["url"], spec["token"], spec["body"])
            for index, spec in enumerate(specs)
            if spec["via"] == "rest"
        }
        gate = asyncio.Semaphore(64)
        failed = 0

        async def ws(index: int, spec: dict[str, Any]) -> None:
            nonlocal failed
            async with gate:
                try:
                    socket_ = await open_socket(spec["url"])
                except (OSError, InvalidHandshake, TimeoutError):
                    failed += 1
                    return
                sockets[index] = socket_

        async def phone(index: int, spec: dict[str, Any]) -> None:
            nonlocal failed
            delegate = Delegate(url=spec["url"], token=spec["token"], segment_id=None)
            self.delegates[index] = delegate
            async with gate:
                delegate.start()
                try:
                    await asyncio.wait_for(delegate.ready.wait(), wait)
                except TimeoutError:
                    failed += 1

        sockets: dict[int, ClientConnection] = {}
        await asyncio.gather(
            *(ws(i, s) for i, s in enumerate(specs) if s["via"] == "ws"),
            *(phone(i, s) for i, s in enumerate(specs) if s["via"] == "socket"),
        )
        self.burst_sockets.extend(sockets.values())
        self.sockets = sockets
        return failed

    async def burst(self, start: float, wait: float) -> list[Any]:
        """Send each prepared request at ``start + offset``; answer (latency or None, status,
        body) for each."""
        sockets = getattr(self, "sockets", {})

        async def fire(index: int, spec: dict[str, Any]) -> Any:
            await asyncio.sleep(max(0.0, start + spec["offset"] - time.monotonic()))
            sent = time.monotonic()
            try:
                if spec["via"] == "rest":
                    status, body = await self.requests[index].send(wait)
                    return (time.monotonic() - sent, status, orjson.loads(body))
                if spec["via"] == "socket":
                    when, answer = await self.delegates[index].command(spec["body"], wait)
                    ok = 200 if answer.get("type") == "ack" else 409
                    return (when - sent, ok, answer)
                ws = sockets[index]
                await ws.send(orjson.dumps(spec["body"]).decode())
                while True:
                    answer = orjson.loads(await asyncio.wait_for(ws.recv(), wait))
                    if answer.get("command_id") == spec["body"]["command_id"]:
                        ok = 200 if answer.get("type") == "ack" else 409
                        return (time.monotonic() - sent, ok, answer)
            except Exception as error:  # counted as not acknowledged
                return (None, 0, repr(error))

        try:
            return list(await asyncio.gather(*(fire(i, s) for i, s in enumerate(self.burst_specs))))
        finally:
            await self.close_delegates()

    async def close_delegates(self) -> None:
        for delegate in self.delegates.values():
            delegate.close()
        for delegate in self.delegates.values():
            if delegate.task is not None:
                with contextlib.suppress(BaseException):
                    await delegate.task
        self.delegates = {}
        self.requests = {}


def worker_main(pipe: Connection, nice: int = 0) -> None:
    raise_file_limit()
    if nice:  # --client-nice: the servers have first claim on the cores, as with clients elsewhere
        os.nice(nice)
    asyncio.run(Worker(pipe).serve())
