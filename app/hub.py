"""Fan-out: who listens to which segment, and the recent updates a reconnecting client missed.

Frames arrive already encoded (once per audience); the hub only appends them to each
subscriber's bounded outbox, so publishing never waits on a slow client. A subscriber that falls
too far behind loses its backlog of state frames and gets one fresh snapshot instead; answers to
its own frames (acks, errors, pongs) wait in a separate queue and are never dropped that way.

A message is encoded once (``Encoded``): its JSON, and the WebSocket frame that carries it, built
on first use and then written as the same bytes to every socket that gets it.

A subscriber writes its frames itself, with the ``send`` it is given, at once, without a task of its
own: sending a frame almost never waits (it lands in the socket's write buffer), so the common
case costs no trip through the event loop. Only when the transport pushes back does the rest of
the send, and the queue behind it, continue in a task.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import types
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Collection, Coroutine, Generator, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from starlette.websockets import WebSocketDisconnect
from websockets.frames import Frame, Opcode

from .views import Audience

if TYPE_CHECKING:
    from .store import LogRecord

log = logging.getLogger("floorkeeper.hub")

#: Frames a subscriber may have waiting before its backlog is replaced by one snapshot.
OUTBOX_LIMIT = 256
#: Updates kept per segment and audience for clients that resume after a drop.
HISTORY_LIMIT = 1024
#: Seconds an audience's updates are still made after its last subscriber left, so that a phone
#: or a display that drops (a lift, a wifi handover) resumes with what it missed, not a snapshot.
RESUME_GRACE_S = 60.0
#: Sockets written per turn of the event loop when an update reaches more of them: a room's
#: fan-out is spread over turns, so that requests are read and acks sent in between.
SLICE = 250


class Encoded:
    """One message, encoded once for every socket that gets it: its JSON (``data``, ``text``)
    and the unmasked, uncompressed WebSocket text frame that carries it (``wire``, made on first
    use). A server's frames are the same bytes for every client, so a socket that can take them
    as they are is written with one ``transport.write`` of shared bytes (app/api/wire.py)."""

    __slots__ = ("_wire", "data")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._wire: bytes | None = None

    @property
    def text(self) -> str:
        return self.data.decode()

    @property
    def wire(self) -> bytes:
        if self._wire is None:
            self._wire = Frame(Opcode.TEXT, self.data).serialize(mask=False)
        return self._wire

    def __repr__(self) -> str:
        return f"Encoded({self.data[:60]!r})"


def encode(message: dict[str, Any]) -> Encoded:
    return Encoded(orjson.dumps(message))


def with_stamp(frame: Encoded, stamp: str | None) -> Encoded:
    """The frame (a JSON object made by ``encode``, without a ``stamp``) with ``"stamp"`` added
    as its last member: the bytes spliced, not encoded again (a stamp is hex, nothing to escape).
    Without a stamp, the frame as it is."""
    data = frame.data
    if stamp is None or not data.endswith(b"}") or len(data) < 2:
        return frame
    joint = b"," if data != b"{}" else b""
    return Encoded(data[:-1] + joint + b'"stamp":"' + stamp.encode() + b'"}')


# --- stamps: which history a version belongs to ----------------------------------------------


def stamp_of(
    segment_id: str, version: int, type_: str, command_id: str | None, recorded_at: int
) -> str:
    """A version's stamp: a short hash of the log row written at that version (its segment,
    version, type, command id and the instant it was recorded). Every process computes the same
    one from the same row (its own write, an entry from another process, a read of the log, the
    start), and a log replaced by an older copy (a restore) and written on again has other rows,
    so other stamps, at the same versions: a screen resumes only onto the history it saw."""
    text = f"{segment_id}\x1f{version}\x1f{type_}\x1f{command_id or ''}\x1f{int(recorded_at)}"
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def record_stamp(record: LogRecord) -> str:
    return stamp_of(
        record.segment_id, record.version, record.type, record.command_id, record.recorded_at
    )


class _Unchecked:
    """``Hub.missed`` without a stamp to check (tests of the history)."""


_UNCHECKED = _Unchecked()

#: Stamps kept per stream (the newest versions): enough for the updates being published.
STAMPS_KEPT = 1024


class Stamps:
    """Per stream (segment, outcome), the stamps of its newest versions this process knows: noted
    when the log is read at start, when it writes, and when it folds another process's writes.
    Written from worker threads too (a meeting day loaded): one dictionary item at a time."""

    def __init__(self, kept: int = STAMPS_KEPT) -> None:
        self.kept = kept
        self._by_stream: dict[str, dict[int, str]] = {}
        #: per stream, its newest version noted and its stamp
        self._newest: dict[str, tuple[int, str]] = {}
        #: meeting day → what is wrong with its log: versions it skips (a second database's
        #: server wrote through this one's Redis, a restore under a running server). Found by
        #: a catch-up or a start; ``/api/v1/health`` says ``log_gap`` (200) while any is here
        self.gaps: dict[str, str] = {}

    def note(self, records: Iterable[LogRecord]) -> None:
        for record in records:
            self.put(record.segment_id, record.version, record_stamp(record))

    def put(self, stream: str, version: int, stamp: str) -> None:
        stamps = self._by_stream.get(stream)
        if stamps is None:
            stamps = self._by_stream[stream] = {}
        stamps[version] = stamp
        while len(stamps) > self.kept:
            del stamps[next(iter(stamps))]
        newest = self._newest.get(stream)
        if newest is None or newest[0] <= version:
            self._newest[stream] = (version, stamp)

    def get(self, stream: str, version: int) -> str | None:
        """The stamp of this version of the stream, if this process knows it."""
        stamps = self._by_stream.get(stream)
        return None if stamps is None else stamps.get(version)

    def newest(self, stream: str) -> str | None:
        """The stamp of the stream's newest version noted (its durable version)."""
        newest = self._newest.get(stream)
        return None if newest is None else newest[1]

    def gap(self, event_id: str, detail: str) -> None:
        """Note that a meeting day's log skips versions, and say what to do, once."""
        if event_id in self.gaps:
            return
        self.gaps[event_id] = f"the log of meeting day {event_id} skips versions ({detail})"
        log.error(
            "the log of meeting day %s skips versions (%s): another database's server wrote into "
            "it through this one's Redis (a restored or copied database must use a Redis of its "
            "own), or it was restored under a running server. /api/v1/health says log_gap "
            "from now on (the process still serves): between segments, stop every server of "
            "this database and the other one, restore the last good backup (or export the day "
            "and check it), and start them again",
            event_id,
            detail,
        )


#: Hands one frame to a client's socket: None once it is on its way, else an awaitable that
#: finishes the send when the socket has room (nothing else is sent to that client meanwhile).
Send = Callable[[Encoded], Awaitable[None] | None]


def started(coroutine: Coroutine[Any, Any, None]) -> Awaitable[None] | None:
    """Run ``coroutine`` until it first has to wait. None if it finished without waiting (a
    frame handed to a writable socket), else an awaitable for the rest, to run in a task: a
    ``Send`` made of an ``async`` send.

    This is what Python 3.12's eager tasks do, without creating a task for the common case.
    """
    try:
        waiting = coroutine.send(None)
    except StopIteration:
        return None
    return _rest(coroutine, waiting)


@types.coroutine
def _rest(coroutine: Coroutine[Any, Any, None], waiting: Any) -> Generator[Any, None, None]:
    """The rest of a coroutine started by ``started``: wait where it waits, resume it after."""
    while True:
        try:
            yield waiting
        except BaseException as error:  # e.g. cancelled while waiting: the coroutine decides
            try:
                waiting = coroutine.throw(error)
            except StopIteration:
                return
            continue
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            return


#: What a send raises when the client has gone (closed, reset, disconnected): routine, logged at
#: DEBUG. Anything else is a fault of ours (e.g. a server protocol that changed under us) and is
#: logged at ERROR, so a socket never goes silent without a trace.
CLIENT_GONE: tuple[type[BaseException], ...] = (OSError, RuntimeError, WebSocketDisconnect)


def _send_failed(error: Exception) -> None:
    if isinstance(error, CLIENT_GONE):
        log.debug("send failed: the client is gone", exc_info=error)
    else:
        log.error("a frame could not be sent (%s): closing the socket", error, exc_info=error)


@dataclass(slots=True)
class ScreenFacts:
    """What the organiser's desk is told about one live socket (``GET .../screens``): which
    face it is, since when, and when it last sent a frame. Instants on the server's clock."""

    id: str
    #: what the page says it is in its hello (``console``, ``display``, ``clock``...), else what
    #: its role makes it
    face: str
    role: str
    credential_id: str | None
    #: the network address, shortened (the desk needs to tell screens apart, not to trace them)
    address: str
    connected_at: int
    last_seen_at: int


#: The queue of every subscriber with nothing waiting (almost all of them, almost always): a
#: socket costs no deque of its own until it pushes back. Never appended to (``maxlen=0``).
_NOTHING: deque[Encoded] = deque(maxlen=0)


class Subscriber:
    __slots__ = (
        "audience",
        "closed",
        "event_id",
        "follow_live",
        "outbox",
        "owed",
        "participant_id",
        "replies",
        "resync",
        "screen",
        "segment_id",
        "send",
        "sending",
        "settle",
        "snapshot",
        "stamp",
    )

    def __init__(
        self,
        event_id: str,
        audience: Audience,
        participant_id: str | None,
        follow_live: bool,
        send: Send,
        snapshot: Callable[[], Encoded],
        screen: ScreenFacts | None = None,
    ) -> None:
        self.event_id = event_id
        self.audience = audience
        self.participant_id = participant_id
        self.follow_live = follow_live
        self.segment_id: str | None = None
        #: State frames waiting while a send is under way.
        self.outbox = _NOTHING
        #: Answers to this client (ack, error, pong): never replaced by a snapshot.
        self.replies = _NOTHING
        self.resync = False
        #: How a frame reaches the client, and the frame a resync sends instead of a backlog.
        self.send = send
        self.snapshot = snapshot
        #: The task finishing a send the socket pushed back on; the queues wait behind it.
        self.sending: asyncio.Future[None] | None = None
        self.closed = False
        #: what the organiser's desk lists about this socket (None: not a socket, e.g. a test's)
        self.screen = screen
        #: publishes the meeting day's waiting updates (``Hub.settle``), before a snapshot
        self.settle: Callable[[str], None] | None = None
        #: an update published to a room too large to write in one turn, not yet written to
        #: this socket: written before anything else is (``Hub.publish``)
        self.owed: _Spread | None = None
        #: the stamp of a segment's durable version (``Stamps.newest``, set by ``Hub.add``):
        #: added to each snapshot this subscriber is sent
        self.stamp: Callable[[str], str | None] | None = None

    def fresh(self) -> Encoded:
        """A snapshot, with the stamp of the version it shows (``Hub.stamps``)."""
        frame = self.snapshot()
        if self.stamp is not None and self.segment_id:
            frame = with_stamp(frame, self.stamp(self.segment_id))
        return frame

    def reply(self, frame: Encoded) -> None:
        if self.owed is not None:
            self.pay()  # an ack never precedes the update of its version
        if self.sending is None:
            self._write(frame)  # nothing waits when nothing is being sent
        elif not self.closed:
            if self.replies is _NOTHING:
                self.replies = deque(maxlen=OUTBOX_LIMIT)
            self.replies.append(frame)

    def push(self, frame: Encoded) -> None:
        if self.owed is not None:
            self.pay()
        if self.resync:
            return  # a snapshot is coming anyway
        if self.sending is None:
            self._write(frame)
        elif len(self.outbox) >= OUTBOX_LIMIT:
            self.request_resync()
        elif not self.closed:
            if self.outbox is _NOTHING:
                self.outbox = deque()
            self.outbox.append(frame)

    def pay(self) -> None:
        """Write the update (and ``mine``) this socket is owed, now."""
        spread, self.owed = self.owed, None
        if spread is None:
            return
        self.push(spread.frames[self.audience])
        if self.participant_id is not None:
            mine = spread.mine.get(self.participant_id)
            if mine is not None:
                self.push(mine)

    def request_resync(self) -> None:
        self.owed = None  # the snapshot has it
        self.outbox = _NOTHING
        self.resync = True
        if self.sending is None:
            self._write(self.next_frame())

    def next_frame(self) -> Encoded | None:
        """What to send next: a pending snapshot, then state frames, then answers (an ack
        always follows the update of its version)."""
        if self.closed:
            return None
        if self.resync:
            if self.settle is not None:
                # the updates waiting go out first (to the others: this one still drops them),
                # so that none it gets after its snapshot starts before it
                self.settle(self.event_id)
            self.resync = False
            return self.fresh()
        if self.outbox:
            return self.outbox.popleft()
        if self.replies:
            return self.replies.popleft()
        return None

    def close(self) -> None:
        """Stop sending (the connection is gone): drop the queues and any send in progress, and
        let go of the connection's callables. ``snapshot`` is a method of the socket's
        ``Connection``, which holds this subscriber: kept, the pair (and the socket, protocol
        and buffers behind them) would wait for the garbage collector's next full pass instead
        of being freed as the connection ends."""
        self.closed = True
        self.owed = None
        self.outbox = self.replies = _NOTHING
        self.send = _closed_send
        self.snapshot = _closed_snapshot
        self.settle = None
        self.stamp = None
        if self.sending is not None and self.sending is not asyncio.current_task():
            self.sending.cancel()

    def _write(self, frame: Encoded | None) -> None:
        if frame is None or self.closed:
            return
        try:
            rest = self.send(frame)
        except Exception as error:  # the client is gone; its reader ends the connection
            _send_failed(error)
            self.close()
            return
        if rest is not None:  # the socket pushed back: finish in a task, queue behind it
            self.sending = asyncio.ensure_future(self._finish(rest))

    async def _finish(self, rest: Awaitable[None]) -> None:
        try:
            await rest
            while not self.closed and (frame := self.next_frame()) is not None:
                more = self.send(frame)
                if more is not None:
                    await more
        except Exception as error:
            _send_failed(error)
            self.close()
        finally:
            self.sending = None
            if not self.closed:
                self.outbox = self.replies = _NOTHING  # drained: give the memory back


def _closed_send(frame: Encoded) -> None:
    """A closed subscriber's ``send``: nothing reaches a connection that is gone."""


def _closed_snapshot() -> Encoded:
    raise RuntimeError("a closed subscriber has no snapshot to send")


class _Spread:
    """One update being written to a large room, a slice of its sockets per turn."""

    __slots__ = ("at", "frames", "mine", "subscribers")

    def __init__(
        self, frames: dict[Audience, Encoded], mine: dict[str, Encoded], subs: list[Subscriber]
    ) -> None:
        self.frames = frames
        self.mine = mine
        self.subscribers = subs
        #: how many of them were written (or paid on their own)
        self.at = 0


class Hub:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._by_segment: dict[str, set[Subscriber]] = defaultdict(set)
        self._by_event: dict[str, set[Subscriber]] = defaultdict(set)
        #: how many subscribers of each audience each segment has
        self._audiences: dict[str, Counter[Audience]] = defaultdict(Counter)
        #: when each (segment, audience) lost its last subscriber
        self._left: dict[tuple[str, Audience], float] = {}
        self._clock = clock
        #: per segment and audience, the recent updates: (from version, its stamp, to version,
        #: frame)
        self._history: dict[tuple[str, Audience], deque[tuple[int, str | None, int, Encoded]]] = {}
        #: the stamps of the versions this process knows (a resume proves its history with one)
        self.stamps = Stamps()
        #: publishes a meeting day's updates that wait to go out together (app/projections.py),
        #: before a subscriber joins or is reset to a snapshot: its snapshot, or what it missed,
        #: then reaches the durable version, and no later update starts before it
        self.settle: Callable[[str], None] | None = None

    # --- membership -----------------------------------------------------------------------------

    def add(self, subscriber: Subscriber, segment_id: str) -> None:
        if self.settle is not None:
            self.settle(subscriber.event_id)
            subscriber.settle = self.settle
        subscriber.stamp = self.stamps.newest
        self._by_event[subscriber.event_id].add(subscriber)
        self._move(subscriber, segment_id)

    def remove(self, subscriber: Subscriber) -> None:
        subscriber.close()
        self._move(subscriber, None)
        self._by_event[subscriber.event_id].discard(subscriber)

    def follow_live(self, event_id: str, segment_id: str) -> None:
        """Move every subscriber that follows the event's live segment to ``segment_id``."""
        for subscriber in list(self._by_event[event_id]):
            if subscriber.follow_live and subscriber.segment_id != segment_id:
                self._move(subscriber, segment_id)
                subscriber.request_resync()

    def _move(self, subscriber: Subscriber, segment_id: str | None) -> None:
        audience = subscriber.audience
        if subscriber.segment_id is not None:
            self._by_segment[subscriber.segment_id].discard(subscriber)
            counts = self._audiences[subscriber.segment_id]
            counts[audience] -= 1
            if counts[audience] == 0:
                self._left[subscriber.segment_id, audience] = self._clock()
        subscriber.segment_id = segment_id
        if segment_id is not None:
            self._by_segment[segment_id].add(subscriber)
            self._audiences[segment_id][audience] += 1
            self._left.pop((segment_id, audience), None)

    def subscribers(self, segment_id: str) -> Collection[Subscriber]:
        return self._by_segment.get(segment_id, ())

    def audiences(self, segment_id: str) -> set[Audience]:
        """The audiences that need an update on this segment: those someone listens to, and
        those whose last subscriber left less than ``RESUME_GRACE_S`` ago (it may resume)."""
        counts = self._audiences.get(segment_id)
        if not counts:
            return set()
        recently = self._clock() - RESUME_GRACE_S
        return {
            audience
            for audience, n in counts.items()
            if n > 0 or self._left.get((segment_id, audience), recently) > recently
        }

    def count(self) -> int:
        return sum(len(subs) for subs in self._by_event.values())

    # --- publishing -----------------------------------------------------------------------------

    def publish(
        self,
        segment_id: str,
        since: int,
        version: int,
        frames: dict[Audience, Encoded],
        mine: dict[str, Encoded],
    ) -> None:
        """Send each subscriber its audience's update from version ``since`` to ``version`` (and
        its own ``mine``). ``frames`` must hold every audience that has subscribers; for the
        others the resume history gets a gap, so that a client of theirs resuming from before
        it gets a snapshot instead. Each update frame gets the stamp of ``version`` (once per
        audience, shared by its sockets)."""
        stamp = self.stamps.get(segment_id, version)
        if stamp is not None:
            frames = {audience: with_stamp(frame, stamp) for audience, frame in frames.items()}
        since_stamp = self.stamps.get(segment_id, since)
        for audience in Audience:
            key = (segment_id, audience)
            frame = frames.get(audience)
            if frame is not None:
                history = self._history.setdefault(key, deque(maxlen=HISTORY_LIMIT))
                history.append((since, since_stamp, version, frame))
            elif key in self._history:
                del self._history[key]
        subscribers = self._by_segment.get(segment_id, ())
        if len(subscribers) > SLICE:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop (a test publishing by hand): all at once
                pass
            else:
                self._spread(loop, subscribers, frames, mine)
                return
        for subscriber in subscribers:
            subscriber.push(frames[subscriber.audience])
            if subscriber.participant_id is not None and subscriber.participant_id in mine:
                subscriber.push(mine[subscriber.participant_id])

    def _spread(
        self,
        loop: asyncio.AbstractEventLoop,
        subscribers: Iterable[Subscriber],
        frames: dict[Audience, Encoded],
        mine: dict[str, Encoded],
    ) -> None:
        """Publish to a large room over several turns of the event loop, ``SLICE`` sockets a
        turn: each socket is owed the update at once, and writes it before anything else it is
        sent meanwhile (an ack, the next update, a programme), so every socket's order is kept
        while the rest of the room waits its turn, and acks need not wait for the whole room."""
        spread = _Spread(frames, mine, list(subscribers))
        for subscriber in spread.subscribers:
            if subscriber.owed is not None:
                subscriber.pay()  # an earlier update first
            if not subscriber.resync:  # else a snapshot is coming, made after this update
                subscriber.owed = spread
        loop.call_soon(self._write_slice, loop, spread)

    def _write_slice(self, loop: asyncio.AbstractEventLoop, spread: _Spread) -> None:
        end = min(spread.at + SLICE, len(spread.subscribers))
        for subscriber in spread.subscribers[spread.at : end]:
            if subscriber.owed is spread:
                subscriber.pay()
        spread.at = end
        if end < len(spread.subscribers):
            loop.call_soon(self._write_slice, loop, spread)

    def event_subscribers(self, event_id: str) -> list[Subscriber]:
        """Every socket of the meeting day, whatever segment it shows."""
        return list(self._by_event.get(event_id, ()))

    def screen(self, event_id: str, screen_id: str) -> Subscriber | None:
        """The socket of the meeting day with this screen id, if it is still open."""
        for subscriber in self._by_event.get(event_id, ()):
            if subscriber.screen is not None and subscriber.screen.id == screen_id:
                return subscriber
        return None

    def to_participants_elsewhere(
        self, event_id: str, segment_id: str, frames: dict[str, Encoded]
    ) -> None:
        """Send each delegate's frame (``mine`` of ``segment_id``) to their sockets on the meeting
        day that follow another segment: a place carried on from an ended segment while their
        phone already follows the next live one (the lunch break) reaches it too."""
        for subscriber in self._by_event.get(event_id, ()):
            participant_id = subscriber.participant_id
            if participant_id in frames and subscriber.segment_id != segment_id:
                subscriber.push(frames[participant_id])

    def to_event(self, event_id: str, frame: Encoded, live: Encoded | None = None) -> None:
        """Send a frame about the meeting day (its programme) to each of its sockets, and the
        public live pages their own cut (``live``: the programme's titles and times), if any."""
        for subscriber in self._by_event.get(event_id, ()):
            if subscriber.audience is not Audience.LIVE:
                subscriber.push(frame)
            elif live is not None:
                subscriber.push(live)

    def missed(
        self,
        segment_id: str,
        audience: Audience,
        since: int,
        current: int,
        stamp: str | _Unchecked | None = _UNCHECKED,
    ) -> list[Encoded] | None:
        """The updates that take a client from version ``since`` (whose stamp it says is
        ``stamp``) to ``current``, or None if they are not all kept (or ``since`` falls inside
        one that spans several versions), or the client's version is not of this history: its
        stamp is not the one this process knows for ``since`` (a log restored from an older
        copy and written on since), or unknown, or absent. (Left out: the history only, for
        tests of the history itself; a client's resume always passes what it said.)"""
        checked = not isinstance(stamp, _Unchecked)
        if (checked and stamp is None) or since > current:
            return None
        if since == current:
            return [] if not checked or self.stamps.get(segment_id, current) == stamp else None
        history = self._history.get((segment_id, audience))
        if not history or history[0][0] > since:
            return None
        frames: list[Encoded] = []
        at = since
        for start, start_stamp, version, frame in history:
            if start == at and version <= current:
                if checked and at == since and start_stamp != stamp:
                    return None
                frames.append(frame)
                at = version
        return frames if at == current else None
