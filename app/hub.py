"""Fan-out: who listens to which segment, and the recent updates a reconnecting client missed.

Frames arrive already encoded (once per audience); the hub only appends them to each
subscriber's bounded outbox, so publishing never waits on a slow client. A subscriber that falls
too far behind loses its backlog of state frames and gets one fresh snapshot instead; answers to
its own frames (acks, errors, pongs) wait in a separate queue and are never dropped that way.

A subscriber writes its frames itself, with the ``send`` it is given, at once, without a task of its
own: sending a frame almost never waits (it lands in the socket's write buffer), so the common
case costs no trip through the event loop. Only when the transport pushes back does the rest of
the send, and the queue behind it, continue in a task (see ``started``).
"""

from __future__ import annotations

import asyncio
import logging
import types
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable
from typing import Any

from .views import Audience

log = logging.getLogger("floorkeeper.hub")

#: Frames a subscriber may have waiting before its backlog is replaced by one snapshot.
OUTBOX_LIMIT = 256
#: Updates kept per segment and audience for clients that resume after a drop.
HISTORY_LIMIT = 1024


Send = Callable[[str], Coroutine[Any, Any, None]]


def started(coroutine: Coroutine[Any, Any, None]) -> Awaitable[None] | None:
    """Run ``coroutine`` until it first has to wait. None if it finished without waiting (a
    frame handed to a writable socket), else an awaitable for the rest, to run in a task.

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


class Subscriber:
    def __init__(
        self,
        event_id: str,
        audience: Audience,
        participant_id: str | None,
        follow_live: bool,
        send: Send,
        snapshot: Callable[[], str],
    ) -> None:
        self.event_id = event_id
        self.audience = audience
        self.participant_id = participant_id
        self.follow_live = follow_live
        self.segment_id: str | None = None
        self.outbox: deque[str] = deque()
        #: Answers to this client (ack, error, pong): never replaced by a snapshot.
        self.replies: deque[str] = deque(maxlen=OUTBOX_LIMIT)
        self.resync = False
        #: How a frame reaches the client, and the frame a resync sends instead of a backlog.
        self.send = send
        self.snapshot = snapshot
        self.sending: asyncio.Future[None] | None = None
        self.closed = False

    def reply(self, frame: str) -> None:
        self.replies.append(frame)
        self._flush()

    def push(self, frame: str) -> None:
        if self.resync:
            return  # a snapshot is coming anyway
        if len(self.outbox) >= OUTBOX_LIMIT:
            self.request_resync()
            return
        self.outbox.append(frame)
        self._flush()

    def request_resync(self) -> None:
        self.outbox.clear()
        self.resync = True
        self._flush()

    def next_frame(self) -> str | None:
        """What to send next: a pending snapshot, then state frames, then answers (an ack
        always follows the update of its version)."""
        if self.resync:
            self.resync = False
            return self.snapshot()
        if self.outbox:
            return self.outbox.popleft()
        if self.replies:
            return self.replies.popleft()
        return None

    def close(self) -> None:
        """Stop sending (the connection is gone): drop the queues and any send in progress."""
        self.closed = True
        self.outbox.clear()
        self.replies.clear()
        if self.sending is not None and self.sending is not asyncio.current_task():
            self.sending.cancel()

    def _flush(self) -> None:
        if self.sending is not None or self.closed:
            return  # the task finishing a send takes the queue from there
        try:
            while (frame := self.next_frame()) is not None:
                rest = started(self.send(frame))
                if rest is not None:
                    self.sending = asyncio.ensure_future(self._finish(rest))
                    return
        except Exception:  # the client is gone; its reader ends the connection
            log.debug("send failed", exc_info=True)
            self.close()

    async def _finish(self, rest: Awaitable[None]) -> None:
        try:
            await rest
            while not self.closed and (frame := self.next_frame()) is not None:
                await self.send(frame)
        except Exception:
            log.debug("send failed", exc_info=True)
            self.close()
        finally:
            self.sending = None


class Hub:
    def __init__(self) -> None:
        self._by_segment: dict[str, set[Subscriber]] = defaultdict(set)
        self._by_event: dict[str, set[Subscriber]] = defaultdict(set)
        self._history: dict[tuple[str, Audience], deque[tuple[int, str]]] = {}

    # --- membership -----------------------------------------------------------------------------

    def add(self, subscriber: Subscriber, segment_id: str) -> None:
        subscriber.segment_id = segment_id
        self._by_segment[segment_id].add(subscriber)
        self._by_event[subscriber.event_id].add(subscriber)

    def remove(self, subscriber: Subscriber) -> None:
        subscriber.close()
        if subscriber.segment_id is not None:
            self._by_segment[subscriber.segment_id].discard(subscriber)
        self._by_event[subscriber.event_id].discard(subscriber)

    def follow_live(self, event_id: str, segment_id: str) -> None:
        """Move every subscriber that follows the event's live segment to ``segment_id``."""
        for subscriber in list(self._by_event[event_id]):
            if subscriber.follow_live and subscriber.segment_id != segment_id:
                if subscriber.segment_id is not None:
                    self._by_segment[subscriber.segment_id].discard(subscriber)
                subscriber.segment_id = segment_id
                self._by_segment[segment_id].add(subscriber)
                subscriber.request_resync()

    def subscribers(self, segment_id: str) -> Iterable[Subscriber]:
        return self._by_segment.get(segment_id, ())

    def count(self) -> int:
        return sum(len(subs) for subs in self._by_event.values())

    # --- publishing -----------------------------------------------------------------------------

    def publish(
        self, segment_id: str, version: int, frames: dict[Audience, str], mine: dict[str, str]
    ) -> None:
        for audience, frame in frames.items():
            history = self._history.setdefault((segment_id, audience), deque(maxlen=HISTORY_LIMIT))
            history.append((version, frame))
        for subscriber in self._by_segment.get(segment_id, ()):
            subscriber.push(frames[subscriber.audience])
            if subscriber.participant_id is not None and subscriber.participant_id in mine:
                subscriber.push(mine[subscriber.participant_id])

    def to_event(self, event_id: str, frame: str) -> None:
        for subscriber in self._by_event.get(event_id, ()):
            subscriber.push(frame)

    def missed(
        self, segment_id: str, audience: Audience, since: int, current: int
    ) -> list[str] | None:
        """The updates after version ``since`` up to ``current``, or None if not all are kept."""
        if since == current:
            return []
        if since > current:
            return None
        history = self._history.get((segment_id, audience))
        if not history or history[0][0] > since + 1:
            return None
        frames = [frame for version, frame in history if since < version <= current]
        return frames if len(frames) == current - since else None
