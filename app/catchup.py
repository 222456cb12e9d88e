"""What one process learns from the others (several processes, app/fanout.py).

The fan-out delivers the other processes' writes (``received``): each record that is the next
version of its stream is folded into the durable state and published to this process's
screens, exactly as its own writes are (``Engine.adopt``). Whatever the fan-out may have lost is
read from the log, the truth:

- a record that is not the next version (a gap): the segments it names;
- ``lost``: a stream whose epoch changed (Redis restarted), was trimmed past this reader, or a
  Redis that was unreachable: the whole meeting day (or every one, and the list of them);
- ``poll``, every second while Redis is unreachable, and ``audit`` every few seconds anyway (a
  writer killed between its commit and its publish told nobody): the log rows written recently,
  new meeting days, participants and the meeting days' details, and the credentials revoked
  lately (their notices travel over Redis too).

A catch-up holds the meeting day's lock (``Hearing.lock``) while it reads and folds, as the
writer does while it writes and swaps, so neither folds under the other; records already
known are skipped by version, so reading something twice is harmless. New meeting days made on
another process are learnt from its notice (``fanout.EVENT_CREATED``) or the audit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any

from .fanout import EVENT_CREATED, EVENT_DELETED, POLL_S, Entry
from .store import shared
from .tasks import cancel_and_wait

if TYPE_CHECKING:
    from .engine import Engine
    from .hearing import Hearing
    from .store import Store

log = logging.getLogger("floorkeeper.catchup")

#: Seconds between two audits of the log while the fan-out is reachable.
AUDIT_S = 2.0
#: How far back (seconds) an audit looks for rows written since: a transaction that takes longer
#: than this between taking its sequence numbers and committing is found by other means (a
#: version gap, a lost race, a restart).
WINDOW_S = 10.0


class Catchup:
    """The engine's ``fanout.Receiver``: the other processes' writes, and the log when needed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: meeting day → segments to read from the log (None: all of them, new ones included)
        self._wanted: dict[str, set[str] | None] = {}
        self._reading: dict[str, asyncio.Task[None]] = {}
        self._learning: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._audit: asyncio.Task[None] | None = None
        self._audit_now: asyncio.Event | None = None
        #: (monotonic instant, newest log sequence number then), oldest first
        self._samples: deque[tuple[float, int]] = deque()
        self._started = False
        #: what fails now (the audit, a read of the log...): said once per outage, not each try
        self._failures: set[str] = set()
        #: what else each audit reads from the database, given the server's instant (ms): the
        #: credentials revoked lately (``Authenticator.audit``, added by app/main.py)
        self.audits: list[Callable[[int], Awaitable[None]]] = []

    def start(self) -> None:
        """Take the other processes' writes from the fan-out's marks on (after the load)."""
        if self._started:
            return
        self._started = True
        fanout = self.engine.fanout
        fanout.listen(EVENT_CREATED, lambda data: self.learn(str(data["id"])))
        fanout.listen(EVENT_DELETED, self._deleted)
        fanout.start(self)
        if fanout.shared:
            self._audit_now = asyncio.Event()
            self._audit = asyncio.get_running_loop().create_task(self._audits())

    async def close(self) -> None:
        await cancel_and_wait([*self._tasks, *([self._audit] if self._audit is not None else [])])
        self._tasks.clear()

    def _failing(self, what: str, message: str, error: BaseException) -> None:
        """A read of the database failed: said once (one line, the error's first line) until it
        succeeds again; the writer's own line (``storage_unavailable``) says what to do."""
        if what in self._failures:
            log.debug(message, short_error(error))
            return
        self._failures.add(what)
        log.warning(message, short_error(error))

    def _recovered(self, what: str, message: str) -> None:
        if what in self._failures:
            self._failures.discard(what)
            log.info(message)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- fanout.Receiver ------------------------------------------------------------------------

    def received(self, entry: Entry) -> None:
        hearing = self.engine.hearings.get(entry.event_id)
        if hearing is None:  # a meeting day made elsewhere, not learnt yet: its load reads this
            self.learn(entry.event_id)
            return
        if not loaded(hearing):  # a past day not read yet (app/snapshots.py): its read has this
            return
        if not self.engine.adopt(hearing, entry.records, entry.commands, entry.changes):
            self.engine.metrics.catchup_gap()
            self.want(entry.event_id, {record.segment_id for record in entry.records})

    def lost(self, event_id: str | None) -> None:
        self.engine.metrics.catchup_lost()
        if event_id is not None:
            self.want(event_id, None)
            return
        self._spawn(self._everything())

    def poll(self) -> None:
        if self._audit_now is not None:
            self._audit_now.set()

    # --- reading the log ------------------------------------------------------------------------

    def want(self, event_id: str, segments: Iterable[str] | None) -> None:
        """Read these segments of the meeting day from the log (None: all of them), soon."""
        if event_id in self._wanted:
            already = self._wanted[event_id]
            self._wanted[event_id] = (
                None
                if already is None or segments is None
                else {
                    *already,
                    *segments,
                }
            )
        else:
            self._wanted[event_id] = None if segments is None else set(segments)
        if event_id not in self._reading:
            task = self._spawn(self._read(event_id))
            self._reading[event_id] = task
            task.add_done_callback(lambda _: self._reading.pop(event_id, None))

    async def _read(self, event_id: str) -> None:
        while event_id in self._wanted:
            segments = self._wanted.pop(event_id)
            hearing = self.engine.hearings.get(event_id)
            if hearing is None:
                self.learn(event_id)
                return
            if not loaded(hearing):
                return
            try:
                await self.read(hearing, segments)
            except Exception as error:  # the database is away: try again, as the writer would
                self._failing("read", "the log could not be read (%s): trying again", error)
                self.want_later(event_id, segments)
                return
            self._recovered("read", "the log is read again")

    def want_later(self, event_id: str, segments: set[str] | None) -> None:
        async def later() -> None:
            await asyncio.sleep(POLL_S)
            self.want(event_id, segments)

        self._spawn(later())

    async def read(self, hearing: Hearing, segments: set[str] | None = None) -> None:
        """Fold what the log has past this process's versions, under the meeting day's lock."""
        engine = self.engine
        async with hearing.lock:
            missing = await asyncio.to_thread(
                shared.missing, engine.store, hearing.event.id, engine.known(hearing), segments
            )
            if not engine.adopt(hearing, missing.records, missing.commands):
                engine.hub.stamps.gap(hearing.event.id, _skipped(engine, hearing, missing))

    async def _everything(self) -> None:
        """Anything may have been missed: the list of meeting days, then each one whole."""
        try:
            await self._meeting_days()
        except Exception as error:
            self._failing("days", "the meeting days could not be read (%s): trying again", error)
            await asyncio.sleep(POLL_S)
            self.lost(None)
            return
        self._recovered("days", "the meeting days are read again")
        for event_id in list(self.engine.hearings):
            self.want(event_id, None)

    # --- meeting days made elsewhere, rows changed elsewhere ------------------------------------

    def learn(self, event_id: str) -> None:
        """A meeting day another process made: follow its stream, then read it from the log."""
        if event_id in self.engine.hearings or event_id in self._learning:
            return
        task = self._spawn(self._learn(event_id))
        self._learning[event_id] = task
        task.add_done_callback(lambda _: self._learning.pop(event_id, None))

    async def learn_now(self, event_id: str) -> bool:
        """``learn``, awaited: a request naming a meeting day made elsewhere waits for it. An id
        the database does not hold is not followed (a guess must not open a stream): False."""
        known = event_id in self._learning
        if not known and await asyncio.to_thread(self.engine.store.event, event_id) is None:
            return False
        self.learn(event_id)
        task = self._learning.get(event_id)
        if task is not None:
            await asyncio.shield(task)
        return True

    async def _learn(self, event_id: str) -> None:
        engine = self.engine
        engine.fanout.follow(event_id)  # first: what is written after the read is delivered
        try:
            row = await asyncio.to_thread(engine.store.event, event_id)
            if row is None:
                return
            hearing = await asyncio.to_thread(engine._load_hearing, row)
        except Exception as error:
            log.warning("meeting day %s could not be read (%s): the audit will", event_id, error)
            return
        if event_id not in engine.hearings:
            engine.hearings[event_id] = hearing
        # entries delivered while it loaded found no meeting day: read what they carried
        self.want(event_id, None)

    def reread_event(self, event_id: str) -> None:
        """Another process changed the meeting day's row without saying how: read it again."""

        async def reread() -> None:
            hearing = self.engine.hearings.get(event_id)
            row = await asyncio.to_thread(self.engine.store.event, event_id)
            if hearing is not None and row is not None:
                self.engine.learn_event_row(hearing, row.model_dump())

        self._spawn(reread())

    def _deleted(self, data: dict[str, Any]) -> None:
        """Another process deleted a meeting day (``DELETE /events/{id}``): forgotten here."""
        event_id, title = str(data.get("id", "")), str(data.get("title", ""))
        if event_id:
            self.engine.forget_event(event_id, deleted(title))

    async def _meeting_days(self) -> None:
        """New meeting days learnt, changed details and new participants taken; the days whose
        row is gone (deleted on another process, its notice lost) forgotten."""
        engine = self.engine
        rows = await asyncio.to_thread(engine.store.events)
        for row in rows:
            hearing = engine.hearings.get(row.id)
            if hearing is None:
                self.learn(row.id)
            else:
                engine.learn_event_row(hearing, row.model_dump())
        listed = {row.id for row in rows}
        unlisted = [event_id for event_id in engine.hearings if event_id not in listed]
        if unlisted:  # asked one by one: a day made since the list was read is not gone
            gone = await asyncio.to_thread(_without_row, engine.store, unlisted)
            for event_id in gone:
                hearing = engine.hearings.get(event_id)
                if hearing is not None:
                    engine.forget_event(event_id, deleted(hearing.event.title))
        counts = await asyncio.to_thread(shared.participant_counts, engine.store)
        # every meeting day here: one whose last participant was removed has no count
        for event_id, hearing in list(engine.hearings.items()):
            if loaded(hearing) and counts.get(event_id, 0) != len(hearing.speakers):
                participants = await asyncio.to_thread(engine.store.participants, event_id)
                engine.learn_participants(hearing, participants)
                # known here, not in the list: removed elsewhere, or registered here since the
                # list was read (its row is committed before it is known): ask for each
                listed = {row.id for row in participants}
                unlisted = [pid for pid in hearing.speakers if pid not in listed]
                if unlisted:
                    gone = await asyncio.to_thread(_unregistered, engine.store, unlisted)
                    engine.forget_participants(hearing, gone)

    # --- the audit ------------------------------------------------------------------------------

    def sample(self, seq: int, now: float | None = None) -> None:
        """The log's newest sequence number at an instant (the audits look back from these)."""
        now = time.monotonic() if now is None else now
        self._samples.append((now, seq))
        while len(self._samples) > 2 and self._samples[1][0] <= now - WINDOW_S:
            self._samples.popleft()

    def _low(self, now: float) -> int:
        """A sequence number from at least ``WINDOW_S`` ago (or the oldest known)."""
        low = self._samples[0][1] if self._samples else 0
        for instant, seq in self._samples:
            if instant <= now - WINDOW_S:
                low = seq
        return low

    async def _audits(self) -> None:
        assert self._audit_now is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._audit_now.wait(), AUDIT_S)
            self._audit_now.clear()
            try:
                await self.audit()
            except Exception as error:
                self._failing("audit", "the log could not be audited (%s): trying again", error)
            else:
                self._recovered("audit", "the log is audited again")

    async def audit(self) -> None:
        """Read the log rows written recently and take what this process does not have (a writer
        killed between its commit and its publish told nobody); then the meeting days' rows."""
        engine = self.engine
        now = time.monotonic()
        seq = await asyncio.to_thread(shared.max_seq, engine.store)
        recent = await asyncio.to_thread(shared.recent, engine.store, self._low(now))
        self.sample(seq, now)
        behind: dict[str, set[str]] = {}
        known: dict[str, dict[str, int]] = {}
        for (event_id, segment_id), version in recent.items():
            hearing = engine.hearings.get(event_id)
            if hearing is None:
                self.learn(event_id)
                continue
            if not loaded(hearing):
                continue
            if event_id not in known:
                known[event_id] = engine.known(hearing)
            if known[event_id].get(segment_id, 0) < version:
                behind.setdefault(event_id, set()).add(segment_id)
        for event_id, segments in behind.items():
            self.want(event_id, segments)
        await self._meeting_days()
        for audit in self.audits:
            await audit(engine.clock())


def short_error(error: BaseException) -> str:
    """An error in one line: a database driver's own message (its first line), without
    SQLAlchemy's statement, parameters and "Background on this error at" address."""
    inner = getattr(error, "orig", None)
    text = str(inner if inner is not None else error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return f"{type(inner if inner is not None else error).__name__}: {first}"


def _skipped(engine: Engine, hearing: Hearing, missing: Any) -> str:
    """Where the log skips: the first record past a stream's version that is not the next."""
    known = engine.known(hearing)
    for record in missing.records:
        at = known.get(record.segment_id, 0)
        if record.version > at + 1:
            return f"{record.segment_id}: version {record.version} after {at}"
    return "a version is missing"


def deleted(title: str) -> str:
    """What the screens and callers of a deleted meeting day are told."""
    named = f"meeting day {title!r}" if title else "this meeting day"
    return f"{named} was deleted by the organiser: nothing more is shown or applied for it"


def _without_row(store: Store, event_ids: list[str]) -> list[str]:
    """Which of these meeting days have no row any more (deleted)."""
    return [event_id for event_id in event_ids if store.event(event_id) is None]


def _unregistered(store: Store, participant_ids: list[str]) -> list[str]:
    """Which of these participants have no row any more (removed)."""
    return [pid for pid in participant_ids if store.participant(pid) is None]


def loaded(hearing: Hearing) -> bool:
    """Whether the meeting day's state is in memory: a past day's is read on first use
    (app/snapshots.py ``LazyHearing``), from the log, so there is nothing to catch up before."""
    return bool(getattr(hearing, "loaded", True))
