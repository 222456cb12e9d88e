"""The fan-out between server processes: what one process's writes tell the others.

One small interface, two implementations:

- ``MemoryFanout``: one process (no ``--redis-url``): nothing to tell anyone, nothing to install.
  Several of them on one ``MemoryBus`` stand for several processes inside one Python process
  (the engine's tests, the contract test).
- ``RedisFanout``: Redis Streams. One stream per meeting day, ``fk:{db}:event:{event_id}``,
  whose entries each carry one committed write (``Entry``: the log records, the commands'
  results, the rows that are not events); one stream ``fk:{db}:control`` for notices to every
  process (a meeting day created or deleted, a credential revoked...). ``{db}`` is the PostgreSQL
  database's identity (``prefix_of``): a copy of the database never shares production's
  streams. Each stream has a meta hash (``{stream}:meta``) with an
  ``epoch``, set when the stream is first made, and an ``offset`` incremented by every entry,
  both written with the entry by one Lua script (as Centrifugo does): a reader that sees an
  offset that is not its last + 1, or another epoch (Redis restarted and lost the stream, or the
  stream was trimmed past it), knows it missed something and says so (``Receiver.lost``).

**Redis may lose messages; no process may.** The PostgreSQL log is the truth: a receiver that
is told ``lost`` reads what it missed from the log; while Redis is unreachable it is asked to
``poll`` the log every second. Entries are hints that make the common case fast.

The contract (tests/test_fanout_contract.py runs it against both):

- an entry published by one member reaches every *other* member that follows its meeting day
  (``mark``/``follow``), once, in the order it was published, with its records, results and
  changes as they were; a member never receives its own;
- a notice reaches every other member's listeners of its topic, once; never its sender;
- ``publish``'s ``handed`` callback is called once the entry is with the backend (or the
  backend is unreachable: an acknowledgement never waits for Redis), in publishing order;
- whatever the backend loses is reported with ``Receiver.lost`` (and the notice listeners'
  ``on_lost``) before any later entry of the same stream is delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from .store import CommandRecord, LogRecord
from .tasks import cancel_and_wait

log = logging.getLogger("floorkeeper.fanout")

#: Entries kept per meeting day's stream (``XADD MAXLEN ~``): a process that falls further behind
#: reads the log instead.
STREAM_MAXLEN = 10_000
#: A stream nobody wrote to for this long is dropped by Redis (its next entry starts a new epoch,
#: which the readers notice, so nothing is lost: they read the log).
STREAM_TTL_MS = 7 * 24 * 3600 * 1000
#: Seconds between two reads of the log while Redis is unreachable.
POLL_S = 1.0
CONTROL_STREAM = "fk:control"
#: The notice a process sends when it has created a meeting day (data: ``{"id": event_id}``).
EVENT_CREATED = "event_created"
#: The notice a process sends when it has deleted a meeting day (data: ``{"id": event_id}``):
#: every other process forgets it (``Engine.forget_event``).
EVENT_DELETED = "event_deleted"


def stream_of(event_id: str, prefix: str = "fk:") -> str:
    return f"{prefix}event:{event_id}"


def prefix_of(database: str | None) -> str:
    """Where a database's keys live in Redis: ``fk:{database}:`` (``database``: the identity of
    the PostgreSQL database, ``store.shared.identity``), so that a copy of the database (a
    rehearsal, a restore into another database) served against the same Redis is a world of its
    own, never production's: its writes would otherwise reach production's screens and fork its
    log."""
    return f"fk:{database}:" if database else "fk:"


# --- what travels ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """A row that is not an event, changed by a write, that the other processes must learn.

    ``participant``: ``data`` is the participant's row (all its columns). ``event``: ``data`` is
    the meeting day's changed columns (``join_code``, ``title``...); empty, the receiver reads the
    row again. Other kinds are passed to whoever listens for them (``Engine.on_change``)."""

    kind: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Entry:
    """One committed write of one meeting day, as the other processes learn it: the log records
    (segment, version, type, payload, command id, instant), the commands' results (for dedupe)
    and the other rows' changes, in the order they were written."""

    event_id: str
    records: tuple[LogRecord, ...] = ()
    commands: tuple[CommandRecord, ...] = ()
    changes: tuple[Change, ...] = ()

    def encode(self) -> bytes:
        return orjson.dumps(
            {
                "e": self.event_id,
                "r": [
                    [r.segment_id, r.version, r.type, r.payload, r.command_id, r.recorded_at]
                    for r in self.records
                ],
                "c": [[c.command_id, c.body_hash, c.result, c.recorded_at] for c in self.commands],
                "x": [[change.kind, change.data] for change in self.changes],
            }
        )

    @classmethod
    def decode(cls, data: bytes) -> Entry:
        raw = orjson.loads(data)
        event_id = raw["e"]
        return cls(
            event_id=event_id,
            records=tuple(LogRecord(event_id, *record) for record in raw["r"]),
            commands=tuple(CommandRecord(event_id, *command) for command in raw["c"]),
            changes=tuple(Change(kind, data) for kind, data in raw["x"]),
        )


class Receiver(Protocol):
    """What a process does with what the fan-out tells it (the engine)."""

    def received(self, entry: Entry) -> None:
        """Another process's committed write (maybe already known: skip what is)."""

    def lost(self, event_id: str | None) -> None:
        """Entries of this meeting day (None: of any, or the list of meeting days) may have been
        lost: read the log for what is missing."""

    def poll(self) -> None:
        """The backend is unreachable: read the log for what the others wrote (every second)."""


#: A topic's listener: called with the notice's data.
Listener = Callable[[dict[str, Any]], None]


class Fanout(ABC):
    """The interface the engine uses. ``open`` then ``mark`` before the log is read at start,
    ``start`` once it is: nothing published between the mark and the read is missed."""

    #: whether other processes may be writing the same log (guards, catch-up, the audit)
    shared: bool = False

    def __init__(self, origin: str | None = None) -> None:
        #: this process's name on the wire (its own entries are not delivered back to it)
        self.origin = origin or secrets.token_hex(6)
        self.receiver: Receiver | None = None
        self._listeners: dict[str, list[Listener]] = {}
        self._lost_listeners: list[Callable[[], None]] = []

    # --- notices (control) ------------------------------------------------------------------

    def listen(self, topic: str, listener: Listener) -> None:
        """Call ``listener`` with the data of every notice of ``topic`` another process sends."""
        self._listeners.setdefault(topic, []).append(listener)

    def on_lost(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` when notices may have been lost (Redis restarted, or was unreachable):
        whoever relies on them reads again what they would have said (e.g. revocations)."""
        self._lost_listeners.append(listener)

    @abstractmethod
    def notify(
        self, topic: str, data: dict[str, Any], handed: Callable[[], None] | None = None
    ) -> None:
        """Send a notice to every other process (best effort: see ``on_lost``). ``handed``, as
        ``publish``'s: called once the notice is with the backend (at once while unreachable),
        for a caller who answers only once the others can hear of it (a revocation)."""

    def _noticed(self, topic: str, data: dict[str, Any]) -> None:
        for listener in self._listeners.get(topic, ()):
            try:
                listener(data)
            except Exception:
                log.exception("a listener of %r failed", topic)

    def _notices_lost(self) -> None:
        for listener in self._lost_listeners:
            try:
                listener()
            except Exception:
                log.exception("a listener of lost notices failed")

    # --- meeting days -------------------------------------------------------------------------

    def use_database(self, identity: str) -> None:  # noqa: B027 - alone: nothing to share
        """The identity of the database this process serves (before ``open``): the backend
        shares only with processes of the same database."""

    async def open(self) -> None:  # noqa: B027 - a backend with nothing to connect skips it
        """Connect, and note where the control stream is (before the meeting days are read)."""

    async def mark(self, event_ids: Iterable[str]) -> None:  # noqa: B027
        """Note where each meeting day's stream is, before its log is read."""

    def start(self, receiver: Receiver) -> None:
        """Deliver to ``receiver`` from the marks on."""
        self.receiver = receiver

    @abstractmethod
    def follow(self, event_id: str) -> None:
        """Deliver this meeting day's entries too (one created or learnt since the start)."""

    @abstractmethod
    def publish(self, entry: Entry, handed: Callable[[], None] | None = None) -> None:
        """Send a committed write to the other processes; never waits, never raises. ``handed``
        is called once the backend has it (or cannot take it: then the others read the log)."""

    async def close(self) -> None:  # noqa: B027
        """Stop reading and publishing."""

    @property
    def reachable(self) -> bool:
        """Whether the backend answers (always, in memory)."""
        return True


# --- in memory ---------------------------------------------------------------------------------


class MemoryBus:
    """Several ``MemoryFanout`` in one Python process, as if each were a process."""

    def __init__(self) -> None:
        self.members: list[MemoryFanout] = []

    def lose(self) -> None:
        """Forget every entry and notice not yet delivered, and say so (as Redis does when it
        restarts without persistence): for tests."""
        for member in self.members:
            member._generation += 1
            if member.receiver is not None:
                member.receiver.lost(None)
            member._notices_lost()


class MemoryFanout(Fanout):
    """One process's fan-out in memory. Alone (no bus), it tells nobody anything: a single
    process's behaviour is exactly what it was before fan-out between processes existed."""

    def __init__(self, bus: MemoryBus | None = None, origin: str | None = None) -> None:
        super().__init__(origin)
        self.bus = bus
        self.shared = bus is not None
        self._following: set[str] = set()
        self._generation = 0  # bumped by ``MemoryBus.lose``: deliveries scheduled before are void
        if bus is not None:
            bus.members.append(self)

    def follow(self, event_id: str) -> None:
        self._following.add(event_id)

    async def mark(self, event_ids: Iterable[str]) -> None:
        self._following.update(event_ids)

    def _others(self) -> list[MemoryFanout]:
        if self.bus is None:
            return []
        return [member for member in self.bus.members if member is not self]

    def publish(self, entry: Entry, handed: Callable[[], None] | None = None) -> None:
        others = self._others()
        if others:
            data = entry.encode()  # what crosses is bytes, as over Redis: nothing shared
            for member in others:
                if entry.event_id in member._following:
                    member._later(member._deliver, data)
        if handed is not None:
            handed()

    def notify(
        self, topic: str, data: dict[str, Any], handed: Callable[[], None] | None = None
    ) -> None:
        encoded = orjson.dumps(data)
        for member in self._others():
            member._later(member._notice, topic, encoded)
        if handed is not None:
            handed()

    def _later(self, fn: Callable[..., None], *args: Any) -> None:
        generation = self._generation

        def run() -> None:
            if generation == self._generation:
                fn(*args)

        asyncio.get_running_loop().call_soon(run)

    def _deliver(self, data: bytes) -> None:
        entry = Entry.decode(data)
        if self.receiver is not None and entry.event_id in self._following:
            self.receiver.received(entry)

    def _notice(self, topic: str, data: bytes) -> None:
        if self.receiver is not None:
            self._noticed(topic, orjson.loads(data))


# --- Redis Streams -------------------------------------------------------------------------------

#: KEYS: the stream, its meta hash. ARGV: an epoch for a stream made now, this process, the
#: entry, MAXLEN, the time to live (ms), the notice's topic ("" for an entry). The epoch is set
#: once, when the meta hash is made; the offset counts the stream's entries; both travel in the
#: entry, so a reader sees a loss.
_PUBLISH = """
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[2], 'epoch', epoch)
end
local offset = redis.call('HINCRBY', KEYS[2], 'offset', 1)
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*',
  'e', epoch, 'n', offset, 'o', ARGV[2], 't', ARGV[6], 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return offset
"""


@dataclass(slots=True)
class Position:
    """Where a reader is in one stream: the last entry id read, and that entry's epoch and
    offset (None, 0: the stream did not exist, or was not seen yet)."""

    last_id: bytes = b"0-0"
    epoch: bytes | None = None
    offset: int = 0


@dataclass(slots=True)
class _Outgoing:
    stream: str
    fields: tuple[str, bytes]  # (topic or "", data)
    handed: Callable[[], None] | None
    told: bool = field(default=False)


class RedisFanout(Fanout):
    """The fan-out over Redis Streams (``--redis-url``). One reader task XREADs every followed
    stream (``block`` shorter than the socket's timeout, no silent retries: a dropped connection
    is a possible loss, reported); one publisher task XADDs in order, pipelined, and keeps what
    Redis did not take to send again when it is back."""

    shared = True

    def __init__(
        self,
        url: str,
        origin: str | None = None,
        *,
        maxlen: int = STREAM_MAXLEN,
        block_ms: int = 1000,
        poll_s: float = POLL_S,
        queue_limit: int = 10_000,
    ) -> None:
        super().__init__(origin)
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        self.url = url
        self.maxlen = maxlen
        self.block_ms = block_ms
        self.poll_s = poll_s
        self.queue_limit = queue_limit
        # no retries inside redis-py: a failed command is ours to see (a reader that reconnects
        # silently would not know it may have missed entries) and to retry, in order
        self._reader = Redis.from_url(
            url,
            socket_timeout=block_ms / 1000 + 5,
            socket_connect_timeout=2,
            retry=Retry(NoBackoff(), 0),
        )
        self._writer = Redis.from_url(
            url, socket_timeout=5, socket_connect_timeout=2, retry=Retry(NoBackoff(), 0)
        )
        #: the publishing script's SHA-1: sent with EVALSHA, loaded once Redis says it has not got
        #: it (at the first write, and after Redis restarted). Not redis-py's ``Script`` in a
        #: pipeline, which asks ``SCRIPT EXISTS`` before every pipeline: a round trip during
        #: which a large room's fan-out went on, so the other processes heard of each write
        #: ~20 ms later (bench --processes 2, 2,000 subscribers each)
        self._sha = hashlib.sha1(_PUBLISH.encode()).hexdigest()
        self._positions: dict[str, Position] = {}
        self._remark = False  # positions are unknown (Redis was unreachable): note them again
        self._up = True
        self._outbox: deque[_Outgoing] = deque()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False
        #: every key's prefix (``prefix_of``: the database's identity, once ``use_database``)
        self.prefix = prefix_of(None)
        self.control = CONTROL_STREAM
        #: since when Redis does not answer (wall clock, epoch ms), or None while it does
        self.down_since: int | None = None

    def use_database(self, identity: str) -> None:
        self.prefix = prefix_of(identity)
        self.control = f"{self.prefix}control"

    def stream(self, event_id: str) -> str:
        return stream_of(event_id, self.prefix)

    @property
    def reachable(self) -> bool:
        return self._up

    @property
    def address(self) -> str:
        """Redis's host and port (and database number), without a password: for the start's
        banner and the logs."""
        return redis_address(self.url)

    # --- positions -----------------------------------------------------------------------------

    async def _where(self, streams: list[str]) -> dict[str, Position]:
        """Each stream's last entry id, epoch and offset, read at one instant (MULTI)."""
        async with self._reader.pipeline(transaction=True) as pipe:
            for stream in streams:
                pipe.hmget(f"{stream}:meta", "epoch", "offset")
                pipe.xrevrange(stream, count=1)
            replies = await pipe.execute()
        where = {}
        for index, stream in enumerate(streams):
            epoch, offset = replies[2 * index]
            last = replies[2 * index + 1]
            where[stream] = Position(
                last_id=last[0][0] if last else b"0-0",
                epoch=epoch,
                offset=int(offset) if offset is not None else 0,
            )
        return where

    async def _mark(self, streams: list[str]) -> None:
        try:
            self._positions.update(await self._where(streams))
        except Exception as error:  # unreachable: the reader notes them once Redis is back
            self._down(error)
            for stream in streams:
                self._positions.setdefault(stream, Position())

    async def open(self) -> None:
        await self._mark([self.control])

    async def mark(self, event_ids: Iterable[str]) -> None:
        await self._mark([self.stream(event_id) for event_id in event_ids])

    def follow(self, event_id: str) -> None:
        # from the start of what the stream keeps: the receiver skips what it has read from the
        # log, and misses nothing written between its read and this
        self._positions.setdefault(self.stream(event_id), Position())

    def start(self, receiver: Receiver) -> None:
        super().start(receiver)
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._read()), loop.create_task(self._publish())]

    async def close(self) -> None:
        self._closing = True
        await cancel_and_wait(self._tasks)
        self._tasks = []
        while self._outbox:  # never sent: nobody waits for them (the others read the log)
            _tell(self._outbox.popleft())
        for client in (self._reader, self._writer):
            with contextlib.suppress(Exception):
                await client.aclose()

    # --- reading -------------------------------------------------------------------------------

    def _down(self, error: BaseException) -> None:
        if self._up:
            log.warning(
                "Redis is unreachable (%s): reading the log every %g s until it is back",
                error,
                self.poll_s,
            )
            self.down_since = int(time.time() * 1000)
        self._up = False
        self._remark = True

    async def _read(self) -> None:
        while not self._closing:
            try:
                if self._remark:
                    await self._back()
                streams = {key: position.last_id for key, position in self._positions.items()}
                replies: Any = await self._reader.xread(
                    streams,  # type: ignore[arg-type]
                    count=500,
                    block=self.block_ms,
                )
            except asyncio.CancelledError:
                raise
            except Exception as error:
                was_up = self._up
                self._down(error)
                if was_up:
                    self._report_lost(None)
                elif self.receiver is not None:
                    self.receiver.poll()
                await asyncio.sleep(self.poll_s)
                continue
            for key, entries in replies or ():
                stream = key.decode() if isinstance(key, bytes) else str(key)
                for entry_id, fields in entries:
                    self._take(stream, entry_id, fields)

    async def _back(self) -> None:
        """Redis answers again: note where every stream is now, then have the log read for
        whatever was written meanwhile (read after the marks: nothing falls between)."""
        self._positions.update(await self._where(list(self._positions)))
        self._remark = False
        if not self._up:
            log.warning("Redis is reachable again: the fan-out goes on")
        self._up = True
        self.down_since = None
        self._wake.set()  # the publisher may have entries waiting
        self._report_lost(None)

    def _report_lost(self, stream: str | None) -> None:
        if stream is None or stream == self.control:
            self._notices_lost()
        if self.receiver is None:
            return
        if stream is None or stream == self.control:
            self.receiver.lost(None)
        else:
            self.receiver.lost(stream.removeprefix(f"{self.prefix}event:"))

    def _take(self, stream: str, entry_id: bytes, fields: dict[bytes, bytes]) -> None:
        position = self._positions.setdefault(stream, Position())
        epoch, offset = fields.get(b"e"), int(fields.get(b"n", 0))
        continuous = offset == position.offset + 1 and (
            position.epoch == epoch or (position.epoch is None and offset == 1)
        )
        position.last_id, position.epoch, position.offset = entry_id, epoch, offset
        if not continuous:  # a gap, a trimmed stream, a Redis that lost the stream
            self._report_lost(stream)
        if fields.get(b"o", b"").decode() == self.origin:
            return  # our own
        data = fields.get(b"d", b"")
        try:
            if stream == self.control:
                topic = fields.get(b"t", b"").decode()
                self._noticed(topic, orjson.loads(data))
            elif self.receiver is not None:
                self.receiver.received(Entry.decode(data))
        except Exception:
            log.exception("an entry of %s could not be applied", stream)
            self._report_lost(stream)

    # --- publishing ----------------------------------------------------------------------------

    def publish(self, entry: Entry, handed: Callable[[], None] | None = None) -> None:
        self._queue(_Outgoing(self.stream(entry.event_id), ("", entry.encode()), handed))

    def notify(
        self, topic: str, data: dict[str, Any], handed: Callable[[], None] | None = None
    ) -> None:
        self._queue(_Outgoing(self.control, (topic, orjson.dumps(data)), handed))

    def _queue(self, item: _Outgoing) -> None:
        if not self._up:  # an acknowledgement never waits for Redis: the others read the log
            _tell(item)
        self._outbox.append(item)
        while len(self._outbox) > self.queue_limit:
            _tell(self._outbox.popleft())  # dropped: the others find it in the log
        self._wake.set()

    async def _publish(self) -> None:
        from redis.exceptions import NoScriptError

        while not self._closing:
            await self._wake.wait()
            self._wake.clear()
            while self._outbox:
                batch = list(self._outbox)[:200]
                try:
                    try:
                        await self._send(batch)
                    except NoScriptError:  # its first write, or Redis restarted: load, again
                        await self._writer.script_load(_PUBLISH)
                        await self._send(batch)
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    self._down(error)
                    for item in batch:  # not taken: acknowledge anyway, send when Redis is back
                        _tell(item)
                    await asyncio.sleep(self.poll_s)
                    continue
                for _ in batch:
                    _tell(self._outbox.popleft())

    async def _send(self, batch: list[_Outgoing]) -> None:
        """The batch in one pipeline of EVALSHA, one round trip."""
        async with self._writer.pipeline(transaction=False) as pipe:
            for item in batch:
                topic, data = item.fields
                epoch = f"{int(time.time() * 1000)}-{secrets.token_hex(4)}"
                pipe.evalsha(
                    self._sha,
                    2,
                    item.stream,
                    f"{item.stream}:meta",
                    epoch,
                    self.origin,
                    data,
                    self.maxlen,
                    STREAM_TTL_MS,
                    topic,
                )
            await pipe.execute()


def redis_address(url: str) -> str:
    """``host:port`` of a Redis URL (``/n`` for a database other than 0), never its password."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    where = f"{parts.hostname or 'localhost'}:{parts.port or 6379}"
    number = parts.path.strip("/")
    return where if number in ("", "0") else f"{where}/{number}"


def _tell(item: _Outgoing) -> None:
    if not item.told:
        item.told = True
        if item.handed is not None:
            item.handed()
