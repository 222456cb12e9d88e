"""Which connections ``floorkeeper serve`` keeps, for how long, and what it says about the rest.

uvicorn holds a TCP connection that never sends a request for as long as the client likes: its
keep-alive timer is armed only after a response and any byte received cancels it, nothing is armed
when a connection is made, and nothing caps connections per client. Under the process's file limit
asyncio then logs a traceback for every refused ``accept`` (hundreds of megabytes a minute). So:

- **A request head within** ``Limits.header_timeout_s``: a deadline is armed when a connection is
  made and again after each response, and cancelled when a complete request head (request line and
  headers) has arrived; bytes that trickle in do not move it. An idle keep-alive connection is
  still closed after uvicorn's keep-alive timeout, and a WebSocket whose handshake the app has not
  completed within the same time is closed (the app then allows 10 s for ``hello``).
- **A request body that keeps coming** (outside probe L: a valid head, then a byte a minute, held
  a slot and an ASGI task for ever: a few hundred such filled the cap and the room's screens got
  503s): once the head is in, each ``Limits.header_timeout_s`` window must bring the body at
  ``BODY_BYTES_PER_SECOND`` on average, or all of it, or the connection is answered 408 and
  closed. An honest upload at the slowest venue line (1 KiB/s) passes; a window in which the
  server itself stopped reading (uvicorn's flow control: the app has not yet read what came) is
  not held against the client.
- **Caps**: ``Limits.connections_total`` open at once, never more than the file limit allows with
  room to spare (``connection_caps``), and ``Limits.connections_per_address`` from one address (an
  IPv6 client counts by its /64, the block one subscriber gets). A connection over a cap gets a
  short 503 and is closed in ``connection_made``: no request is parsed and no ASGI task made.
  Connections from the trusted proxies (``--forwarded-allow-ips``) count towards the total only:
  behind a proxy every client has the proxy's address, and the proxy must apply its own limits.
- **The log bounded**: each kind of trouble (``Tally``) is logged once when it starts, then as one
  line per 10 s saying how many more there were; asyncio's ``socket.accept() out of system
  resource`` traceback included (``AcceptTrouble``, on the ``asyncio`` logger).
- **The file limit** raised from its soft to its hard value at start (``raise_file_limit``).
- **Several processes** (``--redis-url``): each publishes its busy addresses every second and
  adds up the others' in ``Guard.elsewhere`` (``app/shared_limits.py``), so the cap per address
  holds across them within a second; the cap in all stays each process's own (its file limit).

This subclasses uvicorn's h11 protocol (``H11Protocol``: what uvicorn's ``http="auto"`` picks when
httptools is not installed, as here) and uses five of its non-public names (``H11_INTERNALS``);
``problems`` runs it once through a request on an in-memory transport, and ``floorkeeper serve``
falls back to the plain protocol, with a warning, if that fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import sys
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, cast

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from ..config import Limits

if sys.platform != "win32":
    import resource

log = logging.getLogger("floorkeeper.connections")

#: The non-public names of uvicorn's ``H11Protocol`` this module uses (besides asyncio's protocol
#: methods): the h11 connection (for ``their_state``), and two methods it overrides.
H11_INTERNALS = ("conn", "flow", "cycle", "on_response_complete", "handle_websocket_upgrade")

#: What a connection over a cap is told before it is closed (a browser shows it; a script sees it).
REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"retry-after: 10\r\nconnection: close\r\ncontent-length: 21\r\n\r\ntoo many connections\n"
)


class Tally:
    """Trouble that can come thousands of times a second, logged as at most one line per kind per
    ``interval``: the first at once, then, while it goes on, how many more and the last one."""

    def __init__(self, logger: logging.Logger, interval: float = 10.0) -> None:
        self.logger = logger
        self.interval = interval
        #: per kind: how many since the last line, the last message, and the loop timing it
        self._open: dict[str, tuple[int, str, asyncio.AbstractEventLoop]] = {}

    def add(self, kind: str, level: int, message: str, exc_info: bool = False) -> None:
        """Count one; log it (with the exception being handled, if ``exc_info``) if it is the
        first of its kind for a while."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # nothing to time a summary with: say it now
            self.logger.log(level, "%s", message, exc_info=exc_info)
            return
        entry = self._open.get(kind)
        if entry is not None and entry[2] is loop:
            self._open[kind] = (entry[0] + 1, message, loop)
            return
        self._open[kind] = (0, message, loop)
        self.logger.log(
            level,
            "%s (more like this: one line every %g s)",
            message,
            self.interval,
            exc_info=exc_info,
        )
        loop.call_later(self.interval, self._summarise, kind, level, loop)

    def _summarise(self, kind: str, level: int, loop: asyncio.AbstractEventLoop) -> None:
        count, message, _ = self._open.pop(kind, (0, "", loop))
        if count:
            self.logger.log(
                level, "%d more in the last %g s; the last: %s", count, self.interval, message
            )
            self._open[kind] = (0, message, loop)
            loop.call_later(self.interval, self._summarise, kind, level, loop)


tally = Tally(log)


class AcceptTrouble(logging.Filter):
    """On the ``asyncio`` logger: asyncio reports each ``accept`` refused for want of file
    descriptors as an ERROR with a traceback (up to ``backlog`` of them per wake-up); this keeps
    them to ``tally``'s lines."""

    MESSAGE = "socket.accept() out of system resource"

    def filter(self, record: logging.LogRecord) -> bool:
        if not (isinstance(record.msg, str) and record.msg.startswith(self.MESSAGE)):
            return True
        error = record.exc_info[1] if record.exc_info else None
        tally.add(
            "accept",
            logging.ERROR,
            f"socket.accept() failed ({error}): the process is out of file descriptors; raise "
            "its file limit (README: File limits) or lower FLOORKEEPER_CONNECTIONS_TOTAL",
        )
        return False


def install_log_filter() -> None:
    asyncio_log = logging.getLogger("asyncio")
    if not any(isinstance(f, AcceptTrouble) for f in asyncio_log.filters):
        asyncio_log.addFilter(AcceptTrouble())


@dataclass(frozen=True)
class FileLimit:
    """The process's limit of open files (RLIMIT_NOFILE): soft before and after, and hard."""

    before: int
    soft: int
    hard: int


def _finite(value: int) -> int:
    return 1 << 30 if value < 0 else value  # RLIM_INFINITY is -1


def file_limit() -> FileLimit:
    if sys.platform == "win32":
        return FileLimit(1 << 30, 1 << 30, 1 << 30)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return FileLimit(_finite(soft), _finite(soft), _finite(hard))


def raise_file_limit() -> FileLimit:
    """Raise the soft limit of open files to the hard one (no privilege needed); a hard limit of
    "unlimited" is tried as 1,048,576 (macOS refuses more than its own maximum)."""
    if sys.platform == "win32":
        return file_limit()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    before = _finite(soft)
    for target in (hard, 1 << 20, 65_536) if hard < 0 else (hard,):
        if _finite(target) <= before:
            break
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            break
        except (ValueError, OSError):
            continue
    now = file_limit()
    return FileLimit(before, now.soft, now.hard)


def headroom(files: int) -> int:
    """Files kept free of connections: for the database, the logs and the process's own, and for
    the connections accepted in one go before any is refused (an eighth, from 32 to 1,024)."""
    return min(1024, max(32, files // 8))


def backlog(files: int) -> int:
    """uvicorn's ``backlog``: the kernel's queue of connections not yet accepted, and also how
    many asyncio accepts in one go (and, out of descriptors, how many failures it logs per
    wake-up): room for a room's phones arriving at once, within half the headroom."""
    return min(512, max(16, headroom(files) // 2))


def connection_caps(limits: Limits, files: int) -> tuple[int, int]:
    """(in all, per address; 0 = no cap per address) for a process allowed ``files`` open files.
    The total stays below the file limit by the ``headroom``, so a flood is refused by the cap,
    cheaply, before ``accept`` fails."""
    by_files = max(1, files - headroom(files))
    total = min(limits.connections_total, by_files) if limits.connections_total > 0 else by_files
    per_address = min(limits.connections_per_address, total)
    return total, max(0, per_address)


def report(files: FileLimit, guard: Guard, limits: Limits) -> None:
    """Say once, at start, what the process may hold: the file limit and the caps from it."""
    raised = (
        f"raised from {files.before} to {files.soft}"
        if files.soft > files.before
        else f"{files.soft}, already the hard limit"
        if files.soft >= files.hard
        else f"{files.soft} (could not be raised to the hard limit, {files.hard})"
    )
    timeout = f"{guard.header_timeout:g} s" if guard.header_timeout > 0 else "no limit"
    log.info(
        "open files: %s; connections: at most %d at once, %s per address; request head: %s",
        raised,
        guard.total,
        guard.per_address or "no cap",
        timeout,
    )
    if limits.connections_total > guard.total:
        log.warning(
            "the file limit (%d open files, hard limit %d) leaves room for only %d connections "
            "at once: raise the hard limit (ulimit -n, systemd LimitNOFILE=, docker --ulimit "
            "nofile=; README: File limits)",
            files.soft,
            files.hard,
            guard.total,
        )


class Trusted:
    """The addresses of ``--forwarded-allow-ips`` (addresses, networks, or ``*``)."""

    def __init__(self, spec: str) -> None:
        items = [item.strip() for item in spec.split(",") if item.strip()]
        self.everyone = "*" in items
        self.hosts: set[str] = set()
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for item in items:
            try:
                network = ipaddress.ip_network(item, strict=False)
            except ValueError:
                self.hosts.add(item)
                continue
            if network.num_addresses == 1:
                self.hosts.add(str(network.network_address))
            else:
                self.networks.append(network)

    def __contains__(self, host: str) -> bool:
        if self.everyone or host in self.hosts:
            return True
        if not self.networks:
            return False
        try:
            address = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def address_key(host: str) -> str:
    """What the per-address cap counts: the IPv4 address, or an IPv6 address's /64."""
    if ":" not in host:
        return host
    try:
        address = ipaddress.IPv6Address(host.split("%")[0])
    except ValueError:
        return host
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.IPv6Network((address, 64), strict=False))


class Slot:
    """One admitted connection's place under the caps, given back once."""

    __slots__ = ("guard", "held", "host", "key")

    def __init__(self, guard: Guard, host: str, key: str | None) -> None:
        self.guard = guard
        self.host = host
        self.key = key
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self.guard.release(self.key)


#: Every live ``Guard`` of this process (one per server): what ``app/shared_limits.py`` publishes
#: of the connections per address, and tells of the other processes'.
GUARDS: weakref.WeakSet[Guard] = weakref.WeakSet()


class Guard:
    """The caps and the request-head deadline of one server."""

    def __init__(
        self,
        total: int,
        per_address: int,
        header_timeout: float,
        trusted: Trusted,
        backlog: int = 512,
    ) -> None:
        self.total = total
        self.per_address = per_address
        self.header_timeout = header_timeout
        self.trusted = trusted
        self.backlog = backlog
        self.open = 0
        self.by_address: Counter[str] = Counter()
        #: several processes: connections per address the others hold (as they last said)
        self.elsewhere: dict[str, int] = {}
        GUARDS.add(self)

    @classmethod
    def from_limits(
        cls, limits: Limits, forwarded_allow_ips: str, files: int | None = None
    ) -> Guard:
        files = file_limit().soft if files is None else files
        total, per_address = connection_caps(limits, files)
        timeout = float(limits.header_timeout_s)
        return cls(total, per_address, timeout, Trusted(forwarded_allow_ips), backlog(files))

    def admit(self, transport: asyncio.BaseTransport) -> Slot | None:
        peer = transport.get_extra_info("peername")
        host = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        if self.open >= self.total:
            tally.add(
                "total",
                logging.WARNING,
                f"refused a connection from {host or 'a local socket'}: {self.open} open, the "
                "server's cap (FLOORKEEPER_CONNECTIONS_TOTAL, and the file limit)",
            )
            return None
        key = None
        if host and self.per_address and host not in self.trusted:
            key = address_key(host)
            if self.by_address[key] + self.elsewhere.get(key, 0) >= self.per_address:
                tally.add(
                    "address",
                    logging.WARNING,
                    f"refused a connection from {host}: {self.per_address} open from "
                    f"{key}, the cap per address (FLOORKEEPER_CONNECTIONS_PER_ADDRESS)",
                )
                return None
            self.by_address[key] += 1
        self.open += 1
        return Slot(self, host, key)

    def release(self, key: str | None) -> None:
        self.open -= 1
        if key is not None:
            left = self.by_address[key] - 1
            if left:
                self.by_address[key] = left
            else:
                del self.by_address[key]


#: How fast a request body must come once the head is in, on average over each header-timeout
#: window (or reach its end): 512 bytes a second, 5 KiB in the default 10 s; an honest upload on
#: the slowest venue line (1 KiB/s) passes with room, whatever the window.
BODY_BYTES_PER_SECOND = 512
#: The answer to a body too slow to wait for.
BODY_TOO_SLOW = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: 61\r\n\r\n"
    b"request body too slow: send it at once, or at least 1 KiB/s\r\n"
)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol under a ``Guard``: caps at ``connection_made``, a deadline for each
    request head, a pace for each request body. Made per server by ``guarded``, which sets
    ``guard``."""

    guard: ClassVar[Guard]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slot: Slot | None = None
        self.head_timer: asyncio.TimerHandle | None = None
        self.body_timer: asyncio.TimerHandle | None = None
        self.body_bytes = 0  # of the body, in the body window under way
        self.upgraded = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        slot = self.guard.admit(transport)
        if slot is None:  # over a cap: nothing of the protocol is set up
            cast(asyncio.Transport, transport).write(REFUSAL)
            transport.close()
            return
        self.slot = slot
        super().connection_made(cast(asyncio.Transport, transport))
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        slot, self.slot = self.slot, None
        if slot is None:
            return  # refused
        self._stop_waiting()
        self._stop_pacing()
        try:
            super().connection_lost(exc)
        finally:
            slot.release()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.upgraded or self.slot is None:
            return
        if self.conn.their_state is h11.IDLE:
            self._await_head()  # a head not yet complete: the deadline stands (or starts)
            return
        self._stop_waiting()
        if self.conn.their_state is h11.SEND_BODY:
            self.body_bytes += len(data)
            self._pace_body()  # a body under way: it must keep coming
        else:
            self._stop_pacing()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.upgraded or self.transport.is_closing():
            return
        self._stop_waiting()
        if self.conn.their_state is h11.IDLE:
            self._await_head()  # the next request's head, from now

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        self._stop_waiting()
        slot, self.slot = self.slot, None
        try:
            super().handle_websocket_upgrade(event)
        finally:
            websocket = self.transport.get_protocol()
            if websocket is self:  # not upgraded after all: this protocol still holds the slot
                self.slot = slot
            else:
                self.upgraded = True
                if slot is not None:
                    inner = cast(asyncio.Protocol, websocket)
                    self.transport.set_protocol(Upgraded(inner, slot, self.guard, self.transport))

    def _arm(
        self, timer: asyncio.TimerHandle | None, callback: Callable[[], None]
    ) -> asyncio.TimerHandle | None:
        """``timer`` while it runs, else one a header timeout from now that calls ``callback``
        (none while the timeout is off or the connection closing)."""
        timeout = self.guard.header_timeout
        if timer is not None or timeout <= 0 or self.transport.is_closing():
            return timer
        return asyncio.get_running_loop().call_later(timeout, callback)

    def _await_head(self) -> None:
        self.head_timer = self._arm(self.head_timer, self._head_overdue)

    def _stop_waiting(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _pace_body(self) -> None:
        self.body_timer = self._arm(self.body_timer, self._body_window_over)

    def _stop_pacing(self) -> None:
        self.body_bytes = 0
        if self.body_timer is not None:
            self.body_timer.cancel()
            self.body_timer = None

    def _body_window_over(self) -> None:
        self.body_timer = None
        came, self.body_bytes = self.body_bytes, 0
        if self.upgraded or self.transport.is_closing():
            return
        if self.conn.their_state is not h11.SEND_BODY:
            return
        if self.flow.read_paused or came >= BODY_BYTES_PER_SECOND * self.guard.header_timeout:
            self._pace_body()  # the server stopped reading, or it came fast enough: go on
            return
        host = self.slot.host if self.slot is not None else "?"
        tally.add(
            "body",
            logging.INFO,
            f"closed a connection from {host} whose request body came slower than "
            f"{BODY_BYTES_PER_SECOND} bytes a second over {self.guard.header_timeout:g} s "
            "(FLOORKEEPER_HEADER_TIMEOUT_S)",
        )
        if self.conn.our_state is h11.SEND_RESPONSE and self.cycle.response_started is False:
            self.transport.write(BODY_TOO_SLOW)
        self.transport.close()

    def _head_overdue(self) -> None:
        self.head_timer = None
        if self.upgraded or self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        host = self.slot.host if self.slot is not None else "?"
        tally.add(
            "head",
            logging.INFO,
            f"closed a connection from {host} that sent no complete request head within "
            f"{self.guard.header_timeout:g} s (FLOORKEEPER_HEADER_TIMEOUT_S)",
        )
        self.transport.close()


class Upgraded(asyncio.Protocol):
    """Between the transport and uvicorn's WebSocket protocol once a connection is upgraded: gives
    the connection's slot back when it is lost, and closes it if the app has not completed the
    handshake (accepted or refused it) within the header timeout."""

    __slots__ = ("inner", "slot", "timer")

    def __init__(
        self, inner: asyncio.Protocol, slot: Slot, guard: Guard, transport: asyncio.Transport
    ) -> None:
        self.inner = inner
        self.slot = slot
        self.timer: asyncio.TimerHandle | None = None
        if guard.header_timeout > 0 and not transport.is_closing():
            self.timer = asyncio.get_running_loop().call_later(
                guard.header_timeout, self._handshake_overdue, guard, transport
            )

    def _handshake_overdue(self, guard: Guard, transport: asyncio.Transport) -> None:
        self.timer = None
        if getattr(self.inner, "handshake_complete", True) or transport.is_closing():
            return
        tally.add(
            "handshake",
            logging.WARNING,
            f"closed a WebSocket from {self.slot.host} whose handshake the app did not "
            f"complete within {guard.header_timeout:g} s",
        )
        transport.close()

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        try:
            self.inner.connection_lost(exc)
        finally:
            self.slot.release()


def guarded(guard: Guard) -> type[GuardedH11Protocol]:
    """The protocol class for one server's ``uvicorn.Config(http=...)``."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"guard": guard})


# --- the check at start -------------------------------------------------------------------------


class MemoryTransport(asyncio.Transport):
    """A transport that keeps what is written: for running a protocol without a socket."""

    def __init__(self, peer: tuple[str, int] = ("192.0.2.1", 50000)) -> None:
        super().__init__()
        self.peer = peer
        self.written = bytearray()
        self.closing = False
        self.protocol: asyncio.BaseProtocol | None = None

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": self.peer, "sockname": ("192.0.2.2", 8000)}.get(name, default)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self.protocol = protocol

    def get_protocol(self) -> asyncio.BaseProtocol:
        assert self.protocol is not None
        return self.protocol

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """uvicorn's loggers silenced while a check drives a protocol (no access line for it)."""
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "uvicorn.access")]
    before = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, disabled in zip(loggers, before, strict=True):
            logger.disabled = disabled


def probe_config(app: Any) -> uvicorn.Config:
    """A loaded uvicorn configuration for running a protocol in a check (no logging set up)."""
    config = uvicorn.Config(
        app, log_config=None, log_level=None, lifespan="off", proxy_headers=False
    )
    config.load()
    return config


async def _answer(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def _probe() -> list[str]:
    missing = [name for name in H11_INTERNALS[3:] if not callable(getattr(H11Protocol, name, None))]
    if missing:
        return missing
    guard = Guard(total=2, per_address=1, header_timeout=60.0, trusted=Trusted(""))
    protocol = guarded(guard)(
        config=probe_config(_answer), server_state=ServerState(), app_state={}
    )
    if not hasattr(protocol, "conn"):
        return ["conn"]
    transport = MemoryTransport()
    transport.set_protocol(protocol)
    protocol.connection_made(transport)
    if protocol.head_timer is None:
        return ["no deadline when a connection is made"]
    protocol.data_received(b"GET /probe HTTP/1.1\r\nhost: probe\r\n\r\n")
    if protocol.head_timer is not None:
        return ["the deadline was not cancelled by a complete request head"]
    async with asyncio.timeout(2):
        while not transport.written.startswith(b"HTTP/1.1 204"):  # noqa: ASYNC110
            await asyncio.sleep(0)  # the request's task runs and answers
    if protocol.head_timer is None:
        return ["no deadline for the next request head after a response"]
    protocol.data_received(b"POST /probe HTTP/1.1\r\nhost: probe\r\ncontent-length: 4\r\n\r\nab")
    if protocol.body_timer is None:
        return ["no pace for a request body under way"]
    if not isinstance(getattr(protocol.flow, "read_paused", None), bool):
        return ["flow.read_paused"]
    if not isinstance(getattr(protocol.cycle, "response_started", None), bool):
        return ["cycle.response_started"]
    protocol.data_received(b"cd")
    if protocol.body_timer is not None:
        return ["the pace was not stopped by the body's end"]
    protocol.connection_lost(None)
    if guard.open or guard.by_address:
        return ["the connection's slot was not given back"]
    return []


def problems() -> list[str]:
    """What stops ``GuardedH11Protocol`` working with the installed uvicorn (names it uses that are
    gone, or a behaviour that changed); empty when it works."""
    try:
        with quiet():
            return asyncio.run(_probe())
    except Exception as error:  # any failure means: do not use it
        return [f"{type(error).__name__}: {error}"]
