"""Fan-out: who listens to which segment, and the recent updates a reconnecting client missed.

Frames arrive already encoded (once per audience); the hub only appends them to each
subscriber's bounded outbox, so publishing never waits on a slow client. A subscriber that falls
too far behind loses its backlog of state frames and gets one fresh snapshot instead; answers to
its own frames (acks, errors, pongs) wait in a separate queue and are never dropped that way.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Iterable

from .views import Audience

#: Frames a subscriber may have waiting before its backlog is replaced by one snapshot.
OUTBOX_LIMIT = 256
#: Updates kept per segment and audience for clients that resume after a drop.
HISTORY_LIMIT = 1024


class Subscriber:
    def __init__(
        self, event_id: str, audience: Audience, participant_id: str | None, follow_live: bool
    ) -> None:
        self.event_id = event_id
        self.audience = audience
        self.participant_id = participant_id
        self.follow_live = follow_live
        self.segment_id: str | None = None
        self.outbox: deque[str] = deque()
        #: Answers to this client (ack, error, pong): never replaced by a snapshot.
        self.replies: deque[str] = deque(maxlen=OUTBOX_LIMIT)
        self.wake = asyncio.Event()
        self.resync = False

    def reply(self, frame: str) -> None:
        self.replies.append(frame)
        self.wake.set()

    def push(self, frame: str) -> None:
        if self.resync:
            return  # a snapshot is coming anyway
        if len(self.outbox) >= OUTBOX_LIMIT:
            self.request_resync()
            return
        self.outbox.append(frame)
        self.wake.set()

    def request_resync(self) -> None:
        self.outbox.clear()
        self.resync = True
        self.wake.set()


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
