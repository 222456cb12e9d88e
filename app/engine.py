"""The floor engine: applies commands to the live state, durably, then tells everyone.

For each command: check the command id (a retry gets the first answer), let the pure core decide,
fold the events, append them to the log in one transaction, and only after the commit swap in the
new state and publish (``projections.Projections``). Every command enters through ``execute``,
which asks the ``policy.Policy`` first (credential still good, limits), whatever transport
brought it. Commands of one meeting day are decided one at a time, on the state the previous one
left, without awaiting anything between deciding and queueing; one writer task per meeting day
writes them in order, and a failed write leaves memory exactly as the database has it.

Several processes (``--redis-url``, app/fanout.py): any process accepts any command. After each
commit the writer hands the committed records to the fan-out; every other process folds them
into its own state and publishes them to its own screens (app/catchup.py). A write that loses a
race to another process (the unique segment version, or a command id already answered) reads
what it missed from the log, folds and publishes it, and decides its commands again on the fresh
state (``_lost_race``): a stale ``base_version`` is refused as ever, an answered command id gets
its stored answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Coroutine, Iterable
from functools import partial
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.sql import Executable

from . import snapshots
from .catchup import Catchup
from .fanout import EVENT_CREATED, Change, Entry, Fanout, MemoryFanout
from .floor import (
    Actor,
    Context,
    FloorError,
    HearingState,
    NotFound,
    StaleVersion,
    apply,
    corrections,
    decide,
    removal,
)
from .floor import commands as c
from .floor import contributions as o
from .floor import events as e
from .floor.model import Attendance, Constituency, FloorLanguage, Gender, SegmentState, Speaker
from .floor.possible import given_back
from .hearing import Hearing, Pending, overlay
from .hub import Hub, Subscriber, encode
from .join_codes import new_join_code
from .metrics import Metrics
from .policy import Policy
from .projections import Projections, audience_of
from .store import CommandRecord, LogRecord, Store
from .store import shared as shared_store
from .store.db import sqlite_file
from .store.shared import Conflict, Guard
from .store.tables import EventRow, ParticipantRow
from .store.watch import FileWatch
from .tasks import cancel_and_wait
from .views import Audience

#: How long an id the database does not hold is answered "not found" again without asking it
#: (several processes only: one process holds every meeting day in memory).
ABSENT_S = 2.0
#: At most this many such ids remembered; when full they are forgotten all at once.
ABSENT_MAX = 10_000


class Absent:
    """Ids the database was asked for and did not hold, each for ``ABSENT_S``.

    A socket names its meeting day or segment before it shows a credential, so with several
    processes an id not in memory costs a query (it may be one made elsewhere a moment ago).
    A guess asked again is answered from here. Ids are random and made by the server, and one
    made since is in memory from its notice before this is consulted, so nothing real is
    refused: at worst one made elsewhere and asked for before its notice came waits
    ``ABSENT_S``."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self._until: dict[tuple[str, str], float] = {}

    def __contains__(self, key: tuple[str, str]) -> bool:
        until = self._until.get(key)
        if until is None:
            return False
        if until > self.monotonic():
            return True
        del self._until[key]
        return False

    def add(self, key: tuple[str, str]) -> None:
        if len(self._until) >= ABSENT_MAX:
            self._until.clear()
        self._until[key] = self.monotonic() + ABSENT_S


def steady_ns() -> int:
    """A clock that never steps and goes on while the machine sleeps: Linux's ``CLOCK_BOOTTIME``
    (``CLOCK_MONOTONIC``, Python's ``monotonic``, stops while suspended: a server laptop closed
    over lunch would come back with every instant behind by the lunch), else ``monotonic``."""
    return time.clock_gettime_ns(_STEADY) if _STEADY is not None else time.monotonic_ns()


_STEADY: int | None = getattr(time, "CLOCK_BOOTTIME", None)


class ServerClock:
    """Milliseconds since the epoch that never jump: the wall clock read once, at start, then
    advanced by a steady clock (``steady_ns``, which counts a suspend too).

    Deadlines, ``server_time`` and every instant in the log come from here, so a step of the
    machine's wall clock (an NTP correction, a hand-set clock) during the hearing moves nothing on
    the screens: they keep counting down to the same deadline. A restart takes the wall clock
    afresh, which is what a restart after a real outage should do. ``drift_ms`` says how far the
    wall clock has moved from it since (logged once past ``DRIFT_WARN_MS``).
    """

    def __init__(
        self,
        wall_ns: Callable[[], int] = time.time_ns,
        monotonic_ns: Callable[[], int] = steady_ns,
    ) -> None:
        self._wall_ns = wall_ns
        self._monotonic_ns = monotonic_ns
        self._start_wall_ns = wall_ns()
        self._start_monotonic_ns = monotonic_ns()

    def __call__(self) -> int:
        elapsed = self._monotonic_ns() - self._start_monotonic_ns
        return (self._start_wall_ns + elapsed) // 1_000_000

    def drift_ms(self) -> int:
        """How far the machine's wall clock is from this clock now (ms; positive: ahead): a
        step of the wall clock since the start, which a restart would bring to the screens."""
        return self._wall_ns() // 1_000_000 - self()


log = logging.getLogger("floorkeeper.engine")


def new_id() -> str:
    return secrets.token_hex(6)


class StorageUnavailable(FloorError):
    code = "storage_unavailable"
    status = 503


class Engine:
    def __init__(
        self,
        store: Store,
        hub: Hub,
        clock: Callable[[], int] | None = None,
        make_id: Callable[[], str] = new_id,
        policy: Policy | None = None,
        metrics: Metrics | None = None,
        fanout: Fanout | None = None,
    ) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock if clock is not None else ServerClock()
        self.make_id = make_id
        self.hearings: dict[str, Hearing] = {}
        #: asked before every command, for every transport (set by the app: credentials, limits)
        self.policy = policy if policy is not None else Policy()
        #: counters and histograms for ``GET /metrics`` (a registry of this engine's own)
        self.metrics = metrics if metrics is not None else Metrics(hub, self.hearings.keys)
        self.projections = Projections(hub, self.clock, self.hearings, self.metrics)
        #: what the other processes are told of each write, and tell this one (app/fanout.py);
        #: alone in memory by default: one process, nobody to tell
        self.fanout = fanout if fanout is not None else MemoryFanout()
        self.metrics.watch_fanout(self.fanout)
        #: what this process learns from the others: their writes folded in, the log read when
        #: something was missed (app/catchup.py)
        self.catchup = Catchup(self)
        #: change kind → listeners, for the rows other than participants and meeting days that
        #: another process's write carries (``fanout.Change``); ``"event"``: the meeting day's
        #: details another process changed, as ``learn_event_row`` finds them
        self.change_listeners: dict[str, list[Callable[[Hearing, dict[str, Any]], None]]] = {}
        #: refusals of commands decided again, waiting to show the state they lost to
        self._refusing: set[asyncio.Future[None]] = set()
        #: writes that lost a race to another process (read the log, decided again)
        self.races_lost = 0
        #: meeting days and segments the database did not hold when asked (``locate``)
        self.absent = Absent()
        #: why the last write to the database failed (a full disk, PostgreSQL unreachable), or
        #: None since it last succeeded: ``/api/v1/health`` answers 503 meanwhile
        self.storage_error: str | None = None
        #: another process wrote this database's log under this one (``FOREIGN_WRITER``): kept
        #: as the storage error until the server is restarted
        self.foreign_writer: str | None = None
        #: why the last read a route made failed, said once in the log until a write succeeds
        self.read_error: str | None = None
        #: the SQLite file as opened: each write first checks it is still the one at its path
        self.file_watch = FileWatch(sqlite_file(str(store.engine.url)))
        self._storage_checked = 0.0
        #: when a write last succeeded (monotonic): a health check after ``PROBE_IDLE_S`` of
        #: none writes its own, so a locked file or a full disk shows before a command meets it
        self._written_at = time.monotonic()
        #: the health check's write while it is under way (a locked database holds it for the
        #: busy timeout: the next checks wait on this one rather than queue more)
        self._probe: asyncio.Task[None] | None = None
        #: why the health check's own write has not answered yet, or None
        self.storage_slow: str | None = None

    # --- loading --------------------------------------------------------------------------------

    async def load(self) -> None:
        """Rebuild every meeting day's live state from the log, then take the other processes'
        writes from where the fan-out stood before the log was read (nothing falls between)."""
        if self.fanout.shared:  # shared only with the processes of this very database
            self.fanout.use_database(await asyncio.to_thread(shared_store.identity, self.store))
        await self.fanout.open()
        if self.fanout.shared:
            self.catchup.sample(await asyncio.to_thread(shared_store.max_seq, self.store))
        rows = await asyncio.to_thread(self.store.events)
        await self.fanout.mark(row.id for row in rows)
        hearings = await asyncio.to_thread(self._load_all, rows)
        self.hearings.clear()  # the same dict the projections read
        self.hearings.update(hearings)
        self.catchup.start()
        await self._check_clock()

    async def _check_clock(self) -> None:
        """Said at start if this machine's clock reads earlier than the log's newest write (it
        was stepped back, or the database came from a machine whose clock was ahead): a timer
        running would show the difference as time left, and the record negative speaking times."""
        newest = await asyncio.to_thread(self.store.last_recorded_at)
        now = self.clock()
        if newest is not None and now < newest - CLOCK_BEHIND_MS:
            log.error(
                "this machine's clock reads %s, %.0f s before the newest write in the log (%s): "
                "running timers and the day's record would be wrong; set the clock right (NTP: "
                "timedatectl set-ntp true) and start the server again",
                _utc(now),
                (newest - now) / 1000,
                _utc(newest),
            )

    async def close(self) -> None:
        """Stop taking the other processes' writes (the server is stopping); publish and answer
        the writes still waiting to go out together."""
        await self.catchup.close()
        self.projections.flush_all()
        await self.fanout.close()
        if self._probe is not None:  # the health check's write: not left to a closed database
            await cancel_and_wait([self._probe])

    def _load_all(self, rows: list[EventRow] | None = None) -> dict[str, Hearing]:
        """Every meeting day from its newest snapshots and the log after them; past days on
        first use (app/snapshots.py)."""
        if rows is None:
            rows = self.store.events()
        return snapshots.load_hearings(self.store, _speaker, rows=rows, stamps=self.hub.stamps)

    def _load_hearing(self, row: EventRow) -> Hearing:
        """One meeting day from its newest snapshots and the log after them: its state folded,
        its participants, its answers (app/snapshots.py)."""
        return snapshots.load_hearing(self.store, row, _speaker, self.hub.stamps).hearing

    def hearing(self, event_id: str) -> Hearing:
        hearing = self.hearings.get(event_id)
        if hearing is None:
            raise NotFound(f"no event {event_id!r}")
        return hearing

    def find_segment(self, segment_id: str) -> tuple[Hearing, SegmentState]:
        for hearing in self.hearings.values():
            segment = hearing.state.segments.get(segment_id)
            if segment is not None and segment.removed:
                raise NotFound(
                    f"segment {segment.details.title!r} was taken out of the programme (by "
                    "another organiser?): read the programme again",
                    code="segment_removed",
                )
            if segment is not None:
                return hearing, segment
        raise NotFound(f"no segment {segment_id!r}")

    async def locate(self, event_id: str) -> Hearing:
        """``hearing``, for a transport: with several processes, a meeting day another process
        made a few milliseconds ago (its notice not yet here) is read from the database first,
        not answered with a 404."""
        if event_id not in self.hearings and self.fanout.shared:
            key = ("event", event_id)
            if key not in self.absent and not await self.catchup.learn_now(event_id):
                self.absent.add(key)
        return self.hearing(event_id)

    async def locate_segment(self, segment_id: str) -> tuple[Hearing, SegmentState]:
        """``find_segment``, for a transport: a segment another process made a few milliseconds
        ago is read from the log first (several processes only; one indexed query per miss, and
        an id it does not hold is not asked for again for ``ABSENT_S``)."""
        try:
            return self.find_segment(segment_id)
        except NotFound:
            if not self.fanout.shared or ("segment", segment_id) in self.absent:
                raise
        event_id = await asyncio.to_thread(shared_store.event_of_segment, self.store, segment_id)
        if event_id is None:
            self.absent.add(("segment", segment_id))
            raise NotFound(f"no segment {segment_id!r}")
        hearing = await self.locate(event_id)
        if segment_id not in hearing.state.segments:
            await self.catchup.read(hearing, {segment_id})
        return self.find_segment(segment_id)

    # --- the programme and the people -------------------------------------------------------------
    # A new meeting day is written, then remembered, to the end even if the request that asked is
    # cancelled meanwhile. A participant and a new join code go through the meeting day's writer,
    # in order with its commands: memory changes only once the row is committed, and a failed or
    # cancelled write leaves memory and the database agreeing.

    async def create_event(self, row: EventRow) -> Hearing:
        hearing = Hearing(event=row, state=HearingState(event_id=row.id))

        async def commit() -> None:
            await self._write(self.store.add, row)
            self.hearings[row.id] = hearing
            self.fanout.follow(row.id)
            self.fanout.notify(EVENT_CREATED, {"id": row.id})

        await _to_the_end(commit())
        return hearing

    async def add_participant(self, row: ParticipantRow, *, once: bool = False) -> None:
        """``once``: the row's id may be being written by another process in the same instant
        (a registration id sent to two processes): a row of that id already there stands, and
        the caller reads it back (``store.participant``)."""
        hearing = self.hearing(row.event_id)

        def remember() -> None:
            hearing.speakers[row.id] = _speaker(row)

        store = self.store
        insert = store.insert_participant_once(row) if once else store.insert_participant(row)
        await self._write_rows(
            hearing, [insert], remember, [Change("participant", row.model_dump())]
        )

    def registered(self, row: ParticipantRow) -> None:
        """The registry's row as the database holds it (read back after ``add_participant``
        with ``once``: another process may have written that id first): remembered."""
        hearing = self.hearing(row.event_id)
        if row.id not in hearing.removed:
            hearing.speakers[row.id] = _speaker(row)

    async def correct_participant(
        self, row: ParticipantRow, actor: Actor, fields: Iterable[str] | None = None
    ) -> list[str]:
        """A registered participant's particulars corrected: the registry's row first (durable,
        and learnt by the other processes), then ``correct_speaker`` on each segment of the day
        that shows them otherwise, through the one entry point like any command. Returns the ids
        of the segments it corrected. Sent again after a failure, it finishes what is left (a
        segment already showing the corrected particulars gets nothing)."""
        hearing = self.hearing(row.event_id)
        speaker = _speaker(row)
        if row.id in hearing.removed:
            raise NotFound(f"participant {row.id!r} was removed: there is no one to correct")
        # the registry's floor particulars it leaves unchanged: each turn keeps the moderator's
        keep = corrections.kept_fields(hearing.speakers.get(row.id), speaker)

        def remember() -> None:
            if row.id not in hearing.removed:  # a removal decided meanwhile stands
                hearing.speakers[row.id] = speaker

        await self._write_rows(
            hearing,
            [self.store.update_participant(row, fields)],
            remember,
            [Change("participant", row.model_dump())],
        )
        self._tell_participant(hearing, row.id)
        corrected = []
        for segment_id, segment in list(hearing.state.segments.items()):
            if segment.removed or not corrections.needs_correcting(segment, speaker, keep):
                continue  # a segment taken out takes no command, a correction neither
            command = c.CorrectSpeaker(participant_id=row.id, keep=list(keep))
            command_id = f"correct-{row.id}-{secrets.token_hex(6)}"
            await self.execute(row.event_id, segment_id, command, actor, command_id)
            corrected.append(segment_id)
        # and their recommendations and pledges: the outcome names them as the record does
        if any(
            item.author.participant_id == row.id and item.author != o.author_of(speaker, row.id)
            for item in hearing.latest_outcome.contributions.values()
        ):
            command_id = f"correct-{row.id}-{secrets.token_hex(6)}"
            outcome_command = o.CorrectAuthor(participant_id=row.id)
            await self.execute_outcome(row.event_id, outcome_command, actor, command_id)
        return corrected

    async def remove_participant(
        self,
        row: ParticipantRow,
        decided: Callable[[], None] = lambda: None,
        written: Callable[[], None] = lambda: None,
    ) -> None:
        """A participant taken out of the registry (a duplicate registration, a test entry):
        refused, naming where, while the day holds them (``floor/removal.py``). From the moment
        it is decided no command can name them (the moderator's, or their phone's, whose tokens
        are revoked in the same commit as the row goes); the other processes learn it.

        ``decided`` runs once the removal is sure to be written (the caller refuses the tokens
        from then on: not before, so a refused removal never signs a phone out); ``written``
        once it is committed, even if the caller was cancelled meanwhile (the memory then stays
        as the database is)."""
        hearing = self.hearing(row.event_id)

        def check() -> None:
            latest = hearing.latest
            found = removal.places(
                latest.segments.values(),
                hearing.latest_outcome.contributions.values(),
                row.id,
            )
            if found:
                raise removal.refusal(row.name, row.id, found)

        check()  # the usual refusal, at once: nothing is touched
        speaker = hearing.speakers.pop(row.id, None)
        hearing.removed.add(row.id)
        committed = False

        def remember() -> None:
            nonlocal committed
            committed = True
            written()

        try:
            await self.settled(hearing)  # commands decided before now may have queued them
            check()
            decided()
            await self._write_rows(
                hearing,
                [
                    self.store.delete_participant(row.id),
                    self.store.revoke_participant_credentials(row.id, self.clock()),
                ],
                remember,
                [Change("participant_removed", {"id": row.id})],
                # several processes: every segment at the version checked, after the delete (a
                # command on another process placing them either committed first, and the
                # removal is checked again, or waits for the removal, and finds them gone)
                recheck=check,
            )
        except BaseException:
            if not committed:
                hearing.removed.discard(row.id)
                if speaker is not None:
                    hearing.speakers.setdefault(row.id, speaker)
            raise
        hearing.removed_names[row.id] = row.name

    async def add_participants(self, event_id: str, rows: list[ParticipantRow]) -> None:
        """Several participants of one meeting day in one transaction: all of them or none (a
        spreadsheet's import, app/participants_io.py)."""
        hearing = self.hearing(event_id)

        def remember() -> None:
            for row in rows:
                hearing.speakers[row.id] = _speaker(row)

        # 5,000 statements take half a second to build: not on the event loop, which serves the room
        statements = await asyncio.to_thread(
            lambda: [self.store.insert_participant(r) for r in rows]
        )
        changes = [Change("participant", row.model_dump()) for row in rows]
        await self._write_rows(hearing, statements, remember, changes)

    async def rotate_join_code(self, hearing: Hearing) -> str:
        """A new join code: the old link and QR stop working; delegates who joined stay in.

        Every screen that shows the code (all but the delegates') gets a fresh snapshot."""
        code = new_join_code()

        def remember() -> None:
            hearing.event.join_code = code

        await self._write_rows(
            hearing,
            [self.store.update_join_code(hearing.event.id, code)],
            remember,
            [Change("event", {"join_code": code})],
        )
        for segment_id in hearing.state.segments:
            for subscriber in self.hub.subscribers(segment_id):
                if subscriber.audience is not Audience.DELEGATE:
                    subscriber.request_resync()
        return code

    async def _write_rows(
        self,
        hearing: Hearing,
        statements: list[Executable],
        on_commit: Callable[[], None],
        changes: list[Change] | None = None,
        recheck: Callable[[], None] | None = None,
    ) -> None:
        """Queue rows that are not events for the meeting day's writer; answer once committed.

        ``changes``: what the other processes learn of them; None: they read the meeting day's
        row again (``Change("event", {})``). ``recheck`` (several processes): the rows were
        decided on every segment of the day, whose versions are checked after the rows in the
        same transaction; if one moved, ``recheck`` runs on the state caught up (it raises the
        refusal) before the rows are written again."""
        guarded = recheck is not None and self.fanout.shared

        def make(done: asyncio.Future[dict[str, Any]], again: bool = False) -> Pending:
            if again and recheck is not None:
                recheck()  # decided again, on the others' writes
            return Pending(
                command_id=None,
                body_hash="",
                after=hearing.latest,
                events=[],
                states=[],
                records=[],
                row=None,
                result={},
                done=done,
                statements=statements,
                on_commit=on_commit,
                changes=changes if changes is not None else [Change("event", {})],
                remake=(lambda again: make(again, True)) if guarded else None,
                reads={
                    **{sid: s.version for sid, s in hearing.latest.segments.items()},
                    o.stream_id(hearing.event.id): hearing.latest_outcome.version,
                }
                if guarded
                else None,
                reads_after_rows=guarded,
            )

        pending = make(asyncio.get_running_loop().create_future())
        self._enqueue(hearing, pending)

        async def answered() -> None:
            await asyncio.wait([pending.done])
            pending.done.result()

        await _to_the_end(answered())

    async def settled(self, hearing: Hearing) -> None:
        """Wait until everything decided so far for this meeting day is written (or failed)."""
        if hearing.pending:
            await asyncio.wait([hearing.pending[-1].done])

    # --- commands -------------------------------------------------------------------------------

    async def execute(
        self,
        event_id: str,
        segment_id: str | None,
        command: c.SegmentCommand | c.CreateSegment,
        actor: Actor,
        command_id: str,
        base_version: int | None = None,
    ) -> dict[str, Any]:
        """Decide the command on the latest state at once, then answer when it is durable.

        Group commit: the commands decided while one write is under way are written together by
        the next one, in one transaction (``_write_pending``). Nothing is published or answered
        before its transaction has committed, so durability is as strong as one commit per
        command, but a burst of floor requests costs one fsync and one trip to the database
        thread per batch rather than per request. If a write fails, its commands and every
        command decided after them fail alike (they were decided on top), and the latest state
        goes back to the durable one.
        """
        answer = await self.submit(event_id, segment_id, command, actor, command_id, base_version)
        if isinstance(answer, dict):
            return answer
        # the write goes on if this caller goes away (a console's socket that closes mid-command
        # cancels its reader): once decided, the command is written, swapped in and published
        return await asyncio.shield(answer)

    async def submit(
        self,
        event_id: str,
        segment_id: str | None,
        command: c.SegmentCommand | c.CreateSegment,
        actor: Actor,
        command_id: str,
        base_version: int | None = None,
    ) -> dict[str, Any] | asyncio.Future[dict[str, Any]]:
        """``execute``'s decision, without waiting for the write: a refusal is raised, a retried
        command id's first answer returned, else the future of the answer, done once the command
        is durable and published. A socket takes this so that it reads on while its commands are
        written (its pings, and its next commands, are not held behind a write)."""
        try:
            decided = await self._decide(
                event_id, segment_id, command, actor, command_id, base_version
            )
        except FloorError as refusal:
            self.metrics.refused(command.type, refusal.code)
            raise
        if isinstance(decided, dict):
            self.metrics.command(command.type, "duplicate")
            return decided
        return decided.done

    async def _decide(
        self,
        event_id: str,
        segment_id: str | None,
        command: c.SegmentCommand | c.CreateSegment,
        actor: Actor,
        command_id: str,
        base_version: int | None,
    ) -> dict[str, Any] | Pending:
        """``execute``'s steps up to the queue: the first answer of a retry, or the command's
        work queued for the writer."""
        hearing = self.hearing(event_id)
        body_hash = _body_hash(segment_id, command, base_version, actor)
        answered = await self._admit(hearing, command.type, actor, command_id, body_hash)
        if answered is not None:
            return answered
        if self.fanout.shared:
            await self._knows_participants(hearing, actor, command, segment_id)
            if segment_id is not None:
                await self._not_behind(hearing, segment_id, base_version)
            elif isinstance(command, c.CreateSegment) and command.position is None:
                # "after the last segment": the last as the log has it, not as this process last
                # heard (a script adding segments one after another through a load balancer)
                await self.catchup.read(hearing)
        done = asyncio.get_running_loop().create_future()
        try:
            pending = self._plan(
                hearing, segment_id, command, actor, command_id, base_version, body_hash, done
            )
        except StaleVersion as error:
            # the refused console is shown the state it lost to, once that state is durable
            if hearing.pending:
                last = hearing.pending[-1].done
                await asyncio.wait([last])
            self._show_state(hearing, error, segment_id, actor)
            raise
        self._enqueue(hearing, pending)
        return pending

    async def _not_behind(
        self, hearing: Hearing, segment_id: str, base_version: int | None
    ) -> None:
        """Several processes: a command naming what this process has not seen yet (a segment
        made on another process, a base version past this one's) is decided after reading the
        log, not refused on a view a few milliseconds old."""
        segment = hearing.latest.segments.get(segment_id)
        if segment is None or (base_version is not None and base_version > segment.version):
            await self.catchup.read(hearing, {segment_id})

    async def _knows_participants(
        self,
        hearing: Hearing,
        actor: Actor,
        command: c.SegmentCommand | c.CreateSegment | o.OutcomeCommand,
        segment_id: str | None = None,
    ) -> None:
        """Several processes: a participant registered on another process a few milliseconds
        ago (a delegate who joined through A and whose first request reaches B) is read from the
        database before the command is decided, not refused as unknown. Only ids this process
        does not know are looked up, so a known delegate costs nothing. An undo names whom it
        gives a place back to (refused if they were removed since)."""
        named = {
            actor.participant_id,
            getattr(command, "participant_id", None),
            getattr(command, "on_behalf_of", None),
        }
        segment = hearing.latest.segments.get(segment_id) if segment_id is not None else None
        if isinstance(command, c.Undo) and segment is not None:
            named.update(speaker.participant_id for speaker in given_back(segment))
        known, removed = hearing.speakers, hearing.removed
        unknown = [pid for pid in named if pid and pid not in known and pid not in removed]
        if not unknown:
            return

        def read() -> list[ParticipantRow]:
            rows = (self.store.participant(pid) for pid in unknown)
            return [row for row in rows if row is not None and row.event_id == hearing.event.id]

        self.learn_participants(hearing, await asyncio.to_thread(read))

    def _plan(
        self,
        hearing: Hearing,
        segment_id: str | None,
        command: c.SegmentCommand | c.CreateSegment,
        actor: Actor,
        command_id: str,
        base_version: int | None,
        body_hash: str,
        done: asyncio.Future[dict[str, Any]],
    ) -> Pending:
        """Decide and fold a command on the latest state, without awaiting anything: its work
        for the writer (raises the refusal). Called again, with the same future, when a write
        lost a race with another process (``Pending.remake``)."""
        before = hearing.latest
        context = self._context(hearing, actor)
        events = decide(before, segment_id, command, context, base_version)
        states, records = self._fold(before, events, command_id, context.now)
        after = states[-1] if states else before
        # a created segment is named by its first event; everything else by the request
        target = segment_id if segment_id is not None else events[0].segment_id
        result: dict[str, Any] = {
            "command_id": command_id,
            "segment_id": target,
            "version": after.segments[target].version,
            "events": [event.type for event in events],
        }
        requested = [ev for ev in events if isinstance(ev, e.FloorRequested)]
        if requested:
            result["request_id"] = requested[0].request_id
        # A command that changed nothing is remembered too: its retry must answer the same.
        row = CommandRecord(
            event_id=hearing.event.id,
            command_id=command_id,
            body_hash=body_hash,
            result=result,
            recorded_at=context.now,
        )
        touched = frozenset(event.segment_id for event in events)
        reads = None
        places: frozenset[str] = frozenset()
        if self.fanout.shared:
            if _reads_other_segments(command):
                reads = {
                    sid: segment.version
                    for sid, segment in before.segments.items()
                    if sid not in touched
                }
            segment = before.segments.get(segment_id) if segment_id is not None else None
            places = _places(events, segment if isinstance(command, c.Undo) else None)

        def remake(again: asyncio.Future[dict[str, Any]]) -> Pending:
            return self._plan(
                hearing, segment_id, command, actor, command_id, base_version, body_hash, again
            )

        return Pending(
            command_id,
            body_hash,
            after,
            events,
            states,
            records,
            row,
            result,
            done,
            command_type=command.type,
            touched=touched,
            remake=remake,
            reads=reads,
            places=places,
            actor=actor,
            segment_id=segment_id,
        )

    def _show_state(
        self, hearing: Hearing, error: StaleVersion, segment_id: str | None, actor: Actor
    ) -> None:
        """A stale command's refusal carries the sender's view of the state it lost to."""
        sid = segment_id or ""
        segment = hearing.state.segments.get(sid) or hearing.latest.segments.get(sid)
        if segment is None:
            return
        error.detail = {
            "state": self.projections.snapshot(segment, audience_of(actor), actor.participant_id)
        }

    async def execute_outcome(
        self, event_id: str, command: o.OutcomeCommand, actor: Actor, command_id: str
    ) -> dict[str, Any]:
        """A command on the meeting day's outcome (recommendations and pledges): the same entry
        point's steps as ``execute`` (policy, dedupe, decide, fold, group commit, publish), on the
        outcome's own stream of the log (``contributions.stream_id``)."""
        try:
            decided = await self._decide_outcome(event_id, command, actor, command_id)
        except FloorError as refusal:
            self.metrics.refused(command.type, refusal.code)
            raise
        if isinstance(decided, dict):
            self.metrics.command(command.type, "duplicate")
            return decided
        return await asyncio.shield(decided.done)

    async def _decide_outcome(
        self, event_id: str, command: o.OutcomeCommand, actor: Actor, command_id: str
    ) -> dict[str, Any] | Pending:
        hearing = self.hearing(event_id)
        body_hash = _body_hash(None, command, None, actor)
        answered = await self._admit(hearing, command.type, actor, command_id, body_hash)
        if answered is not None:
            return answered
        if self.fanout.shared:
            # as a segment command: a delegate who joined, or a segment made, on another process
            # a few milliseconds ago is read from the log, not refused as unknown
            await self._knows_participants(hearing, actor, command)
            segment_id = getattr(command, "segment_id", None)
            if segment_id is not None:
                await self._not_behind(hearing, segment_id, None)
        done = asyncio.get_running_loop().create_future()
        pending = self._plan_outcome(hearing, command, actor, command_id, body_hash, done)
        self._enqueue(hearing, pending)
        return pending

    def _plan_outcome(
        self,
        hearing: Hearing,
        command: o.OutcomeCommand,
        actor: Actor,
        command_id: str,
        body_hash: str,
        done: asyncio.Future[dict[str, Any]],
    ) -> Pending:
        """``_plan`` for a command on the outcome's stream."""
        event_id = hearing.event.id
        before = hearing.latest_outcome
        context = self._context(hearing, actor)
        events = o.decide(before, command, context)
        after, records = before, []
        for event in events:
            after = o.apply(after, event)
            records.append(
                LogRecord(
                    event_id=event_id,
                    segment_id=o.stream_id(event_id),
                    version=after.version,
                    type=event.type,
                    payload=o.event_to_json(event),
                    command_id=command_id,
                    recorded_at=context.now,
                )
            )
        result: dict[str, Any] = {
            "command_id": command_id,
            "event_id": event_id,
            "version": after.version,
            "events": [event.type for event in events],
        }
        contribution_id = getattr(command, "contribution_id", None) or next(
            (getattr(event, "contribution_id", None) for event in events), None
        )
        if contribution_id is not None:
            result["contribution_id"] = contribution_id
        row = CommandRecord(event_id, command_id, body_hash, result, context.now)

        def remake(again: asyncio.Future[dict[str, Any]]) -> Pending:
            return self._plan_outcome(hearing, command, actor, command_id, body_hash, again)

        return Pending(
            command_id,
            body_hash,
            hearing.latest,
            [],
            [],
            records,
            row,
            result,
            done,
            outcome_after=after if events else None,
            command_type=command.type,
            remake=remake,
            # several processes: a contribution names its author, who must still be registered
            places=frozenset(
                event.author.participant_id
                for event in events
                if isinstance(event, o.ContributionSubmitted) and event.author.participant_id
            )
            if self.fanout.shared
            else frozenset(),
            actor=actor,
        )

    async def _admit(
        self, hearing: Hearing, command_type: str, actor: Actor, command_id: str, body_hash: str
    ) -> dict[str, Any] | None:
        """The steps every command takes before it is decided: the policy (raises a refusal),
        then dedupe (the first answer to a retried command id, once it is durable), else None."""
        self.policy.admit(hearing, actor, command_type, command_id, self.clock())
        return await self._answered(hearing, command_id, body_hash)

    def _context(self, hearing: Hearing, actor: Actor) -> Context:
        return Context(
            now=self.clock(),
            actor=actor,
            new_id=self.make_id,
            speakers=hearing.speakers,
            # a contribution is made in a segment of the programme (not one taken out of it)
            segments={s.id: s for s in hearing.latest.segments.values() if not s.removed},
            same_person=hearing.speakers.same_person,
        )

    async def _answered(
        self, hearing: Hearing, command_id: str, body_hash: str
    ) -> dict[str, Any] | None:
        """Dedupe: the first answer to a retried command id (once it is durable), or None."""
        known = hearing.results.get(command_id)
        if known is not None:
            _same_body(command_id, known[0], body_hash)
            return {**known[1], "duplicate": True}
        waiting = hearing.in_flight(command_id)
        if waiting is not None:  # a retry while the first is being written: the same answer
            _same_body(command_id, waiting.body_hash, body_hash)
            return {**await asyncio.shield(waiting.done), "duplicate": True}
        return None

    def _enqueue(self, hearing: Hearing, pending: Pending) -> None:
        hearing.pending.append(pending)
        if hearing.writer is None:
            # a context of its own: the writer serves every caller of its meeting day, so it must
            # not log under the request id of the one that happened to start it (app/logs.py)
            hearing.writer = asyncio.create_task(
                self._write_pending(hearing), context=contextvars.Context()
            )

    async def _write_pending(self, hearing: Hearing) -> None:
        """Write the decided commands, all those waiting at each turn in one transaction; then
        swap in the state after them, publish what they did together, and answer them in order."""
        try:
            while hearing.pending:
                async with hearing.lock:  # no catch-up from the log folds under a write
                    await self._write_batch(hearing)
        finally:
            hearing.writer = None
            if hearing.pending:  # cancelled (the server is stopping): nothing more is answered
                self._fail_pending(hearing, StorageUnavailable("the server is stopping"))

    async def _write_batch(self, hearing: Hearing) -> None:
        batch = hearing.pending[:]
        if not batch:
            return
        hearing.writing = len(batch)
        records = [record for pending in batch for record in pending.records]
        rows = [pending.row for pending in batch if pending.row is not None]
        statements = [statement for pending in batch for statement in pending.statements]
        started = time.perf_counter()
        try:
            if self.fanout.shared:
                guard = self._guard(hearing, batch)
                await self._write(shared_store.append, self.store, records, rows, statements, guard)
            else:
                await self._write(self.store.append, records, rows, statements)
        except Conflict as conflict:  # another process won: catch up, decide again
            hearing.writing = 0
            await self._lost_race(hearing, batch, conflict)
            return
        except Exception as error:
            if not isinstance(error, StorageUnavailable):
                log.exception("the log could not be written")
            self._fail_pending(hearing, error)
            return
        finally:
            self.metrics.log_append_seconds.observe(time.perf_counter() - started)
        del hearing.pending[: len(batch)]
        hearing.writing = 0
        self.hub.stamps.note(records)  # what these versions are in the log (a resume's proof)
        durable = hearing.state
        outcome_before = hearing.outcome
        commands = 0
        for pending in batch:
            if pending.command_id is not None:
                hearing.results[pending.command_id] = (pending.body_hash, pending.result)
            if pending.command_type is not None:
                commands += 1
                self.metrics.command(pending.command_type, "accepted")
            if pending.on_commit is not None:
                pending.on_commit()
            after = pending.outcome_after
            if after is not None and after.version > hearing.outcome.version:
                hearing.outcome = after
        if commands:
            self.metrics.group_commit_commands.observe(commands)
        events = [event for pending in batch for event in pending.events]
        states = [state for pending in batch for state in pending.states]
        if not hearing.moved:
            hearing.state = batch[-1].after
        else:  # the others' writes were folded in meanwhile: keep them, lay ours over them
            last = batch[-1].after
            touched = set().union(*(pending.touched for pending in batch))
            fresh = {
                sid
                for sid in touched
                if (old := durable.segments.get(sid)) is None
                or old.version < last.segments[sid].version
            }
            hearing.state = overlay(durable, last, fresh)
            if fresh != touched:  # already folded from the log: published then
                kept = [i for i, event in enumerate(events) if event.segment_id in fresh]
                events, states = [events[i] for i in kept], [states[i] for i in kept]
            if not hearing.pending:
                hearing.moved = False
        # answered once its versions are published to this process's screens (during a burst
        # with the next writes', coalesced: ``Projections.publish``) and the other processes can
        # have them too (at once alone, or if Redis is down): an ack never precedes its update
        answer = _after_both(lambda: _answer(batch))
        # the other processes are handed the write first, so that they fan it out while this
        # one does (their Redis write goes out before this room's second slice, not after it)
        entry = Entry(
            hearing.event.id,
            tuple(records),
            tuple(rows),
            tuple(change for pending in batch for change in pending.changes),
        )
        self.fanout.publish(entry, handed=answer)
        self.projections.publish(hearing, durable, events, states, then=answer, coalesce=True)
        if hearing.outcome is not outcome_before:
            self.projections.publish_outcome(hearing, outcome_before)

    # --- several processes: races lost, the others' writes folded in ------------------------------

    def _guard(self, hearing: Hearing, batch: list[Pending]) -> Guard | None:
        """The segments the batch's commands read without writing, at the versions read."""
        written = set().union(*(pending.touched for pending in batch))
        versions: dict[str, int] = {}
        for pending in batch:
            for sid, version in (pending.reads or {}).items():
                if sid not in written:
                    versions.setdefault(sid, version)
        places = tuple(sorted(set().union(*(pending.places for pending in batch))))
        if not versions and not places:
            return None
        after_rows = any(pending.reads_after_rows for pending in batch)
        return Guard(hearing.event.id, versions, places, after_rows, tuple(sorted(written)))

    async def _lost_race(self, hearing: Hearing, batch: list[Pending], conflict: Conflict) -> None:
        """Another process wrote first: read what it wrote, fold it and publish it, then decide
        every pending command again on the fresh state (in order, with the same futures)."""
        self.races_lost += 1
        segments: set[str] | None = {
            record.segment_id for pending in hearing.pending for record in pending.records
        }
        if conflict.kind == "moved":
            segments = None  # a segment it read, not wrote: read the whole meeting day
        command_ids = [p.command_id for p in hearing.pending if p.command_id is not None]
        try:
            missing = await asyncio.to_thread(
                shared_store.missing,
                self.store,
                hearing.event.id,
                self.known(hearing),
                segments,
                command_ids,
            )
        except Exception as error:
            log.warning("the log could not be read after a lost race: %s", error)
            self._fail_pending(hearing, StorageUnavailable(_UNWRITTEN.format(type(error).__name__)))
            return
        self.adopt(hearing, missing.records, missing.commands)
        if conflict.kind == "removed":  # learn who, so that deciding again refuses them
            placed = set().union(*(pending.places for pending in batch))
            try:
                gone = await asyncio.to_thread(
                    lambda: [pid for pid in placed if self.store.participant(pid) is None]
                )
            except Exception as error:
                log.warning("the registry could not be read after a lost race: %s", error)
                self._fail_pending(
                    hearing, StorageUnavailable(_UNWRITTEN.format(type(error).__name__))
                )
                return
            self.forget_participants(hearing, gone)
            if gone:
                self._redecide(hearing)
                return
        if not self._explained(hearing, batch, conflict):
            log.error("a write conflicted with nothing in the log (%s)", conflict.kind)
            self._fail_pending(hearing, StorageUnavailable(_UNWRITTEN.format("IntegrityError")))
            return
        self._redecide(hearing)

    def _explained(self, hearing: Hearing, batch: list[Pending], conflict: Conflict) -> bool:
        """Whether the log now shows what beat the batch (else retrying would loop)."""
        known = self.known(hearing)
        for pending in batch:
            if pending.command_id is not None and pending.command_id in hearing.results:
                return True
            for record in pending.records:
                if record.version <= known.get(record.segment_id, 0):
                    return True
        guard = self._guard(hearing, batch)
        if conflict.kind != "moved" or guard is None:
            return False
        if any(known.get(sid, 0) != version for sid, version in guard.versions.items()):
            return True
        # a removal checks the whole day: a segment made since (on another process) moved it
        return guard.after_rows and any(
            sid not in guard.versions and sid not in guard.written and version > 0
            for sid, version in known.items()
        )

    def _redecide(self, hearing: Hearing) -> None:
        """Every pending command decided again, in order, on the state as it is now: a command
        id answered meanwhile (by another process) gets that answer; a refusal is answered as
        a first decision's would be; rows are written as they are."""
        queued, hearing.pending = hearing.pending, []
        hearing.moved = False
        for pending in queued:
            if pending.remake is None:  # rows: nothing decided, only their place in the queue
                pending.after = hearing.latest
                hearing.pending.append(pending)
                continue
            if pending.command_id is None:  # rows decided on the state (a removal): again
                try:
                    hearing.pending.append(pending.remake(pending.done))
                except FloorError as refusal:
                    _fail(pending.done, refusal)
                continue
            assert pending.command_id is not None
            known = hearing.results.get(pending.command_id)
            try:
                if known is not None:
                    _same_body(pending.command_id, known[0], pending.body_hash)
                    if pending.command_type is not None:
                        self.metrics.command(pending.command_type, "duplicate")
                    _answer([pending], {**known[1], "duplicate": True})
                    continue
                hearing.pending.append(pending.remake(pending.done))
            except FloorError as refusal:
                self._refuse_again(hearing, pending, refusal)
            except Exception as error:
                log.exception("a command could not be decided again")
                _fail(pending.done, StorageUnavailable(_UNWRITTEN.format(type(error).__name__)))

    def _refuse_again(self, hearing: Hearing, pending: Pending, refusal: FloorError) -> None:
        if pending.command_type is not None:
            self.metrics.refused(pending.command_type, refusal.code)
        if not isinstance(refusal, StaleVersion) or pending.actor is None:
            _fail(pending.done, refusal)
            return
        ahead = hearing.pending[-1].done if hearing.pending else None
        actor = pending.actor

        async def refuse() -> None:
            # as a first decision's: the state it lost to, once that state is durable
            if ahead is not None:
                await asyncio.wait([ahead])
            self._show_state(hearing, refusal, pending.segment_id, actor)
            _fail(pending.done, refusal)

        task = asyncio.ensure_future(refuse())
        self._refusing.add(task)
        task.add_done_callback(self._refusing.discard)

    def known(self, hearing: Hearing) -> dict[str, int]:
        """Each stream of the meeting day (its segments, its outcome) at its durable version."""
        known = {sid: segment.version for sid, segment in hearing.state.segments.items()}
        known[o.stream_id(hearing.event.id)] = hearing.outcome.version
        return known

    def adopt(
        self,
        hearing: Hearing,
        records: Iterable[LogRecord],
        commands: Iterable[CommandRecord] = (),
        changes: Iterable[Change] = (),
    ) -> bool:
        """Fold records another process wrote into the durable state (each the next version of
        its stream; those already here are skipped) and publish them to this process's screens
        exactly as its own writes are (a burst coalesced); learn the answers and rows. False if a
        record was missing before one of them (a gap: read the log)."""
        stream = o.stream_id(hearing.event.id)
        durable, outcome_before = hearing.state, hearing.outcome
        state, outcome = durable, outcome_before
        events: list[e.Event] = []
        states: list[HearingState] = []
        folded: list[LogRecord] = []
        whole = True
        for record in records:
            if record.segment_id == stream:
                if record.version != outcome.version + 1:
                    whole = whole and record.version <= outcome.version
                    continue
                outcome = o.apply(outcome, o.event_from_json(record.payload))
                folded.append(record)
                continue
            segment = state.segments.get(record.segment_id)
            known = segment.version if segment is not None else 0
            if record.version != known + 1:
                whole = whole and record.version <= known
                continue
            event = e.event_from_json(record.payload)
            state = apply(state, event)
            events.append(event)
            states.append(state)
            folded.append(record)
        self.hub.stamps.note(folded)
        for command in commands:
            hearing.results.setdefault(command.command_id, (command.body_hash, command.result))
        for change in changes:
            self._learn_change(hearing, change)
        if events or outcome is not outcome_before:
            if hearing.pending:
                hearing.moved = True
            hearing.state, hearing.outcome = state, outcome
            if events:
                # coalesced as this process's own writes are: a burst written elsewhere costs
                # this process's room one fan-out per gap, not one per write
                self.projections.publish(hearing, durable, events, states, coalesce=True)
            if outcome is not outcome_before:
                self.projections.publish_outcome(hearing, outcome_before)
        return whole

    def _learn_change(self, hearing: Hearing, change: Change) -> None:
        """A row another process wrote: a participant, the meeting day's details, or another
        kind for whoever listens (``change_listeners``)."""
        if change.kind == "participant":  # a new one, or one corrected (its row, whole)
            row = ParticipantRow(**change.data)
            if row.id in hearing.removed:
                return
            known = hearing.speakers.get(row.id)
            hearing.speakers[row.id] = _speaker(row)
            if known is not None and known != hearing.speakers[row.id]:
                self._tell_participant(hearing, row.id)
        elif change.kind == "participant_removed":
            self.forget_participants(hearing, [str(change.data.get("id", ""))])
        elif change.kind == "event":
            if change.data:
                self.learn_event_row(hearing, change.data)
            else:
                self.catchup.reread_event(hearing.event.id)
        else:
            for listener in self.change_listeners.get(change.kind, ()):
                listener(hearing, change.data)

    def _tell_participant(self, hearing: Hearing, participant_id: str) -> None:
        """A participant corrected: their phone's sockets here get a fresh snapshot, whose
        ``you`` says who they are registered as now."""
        for subscriber in self.hub.event_subscribers(hearing.event.id):
            if subscriber.participant_id == participant_id:
                subscriber.request_resync()

    async def current_join_codes(self) -> None:
        """Before a join code is checked: with several processes and Redis unreachable, another
        process's rotation cannot be heard of, so the meeting days' codes are read from the
        database (one query; only while the notices cannot travel): the old code is refused
        and the new one taken at once, not at the next audit."""
        if not self.fanout.shared or self.fanout.reachable:
            return
        rows = await asyncio.to_thread(self.store.events)
        for row in rows:
            hearing = self.hearings.get(row.id)
            if hearing is not None:
                self.learn_event_row(hearing, {"join_code": row.join_code})

    def learn_event_row(self, hearing: Hearing, values: dict[str, Any]) -> None:
        """The meeting day's details as another process wrote them: every screen that shows
        what changed gets a fresh snapshot (a join code: all but the delegates')."""
        row = hearing.event
        changed = {
            name: value
            for name, value in values.items()
            if name in _EVENT_DETAILS and getattr(row, name) != value
        }
        if not changed:
            return
        for name, value in changed.items():
            setattr(row, name, value)
        # whoever listens to the meeting day's details (the public live page's sockets)
        for listener in self.change_listeners.get("event", ()):
            listener(hearing, changed)
        if "hard_stop_at" in changed:
            self.projections.instruments_soon(hearing)
        if set(changed) <= QUIET_DETAILS:
            return  # no screen's snapshot shows them
        for subscriber in self.hub.event_subscribers(row.id):
            if set(changed) != {"join_code"} or subscriber.audience is not Audience.DELEGATE:
                subscriber.request_resync()

    def learn_participants(self, hearing: Hearing, rows: Iterable[ParticipantRow]) -> None:
        """Participants another process registered (read from the database)."""
        for row in rows:
            if row.id not in hearing.removed:
                hearing.speakers.setdefault(row.id, _speaker(row))

    def forget_participants(self, hearing: Hearing, participant_ids: Iterable[str]) -> None:
        """Participants another process removed (their rows are gone): no command names them."""
        for participant_id in participant_ids:
            hearing.removed.add(participant_id)
            gone = hearing.speakers.pop(participant_id, None)
            if gone is not None:
                hearing.removed_names[participant_id] = gone.name

    def forget_event(self, event_id: str, reason: str, held: Hearing | None = None) -> None:
        """A meeting day deleted (``DELETE /events/{id}``, here or on another process: its rows
        are gone): out of memory, so that no route, socket or command finds it again (404; with
        several processes, not looked for in the database either for ``ABSENT_S``). Its work
        still queued fails with ``reason`` (a write under way ends as it may); its public live
        pages are withdrawn (the ``"event"`` listeners: they wait, as for an unknown day), and
        every other socket of it here is told ``reason`` (an ``error`` frame) and let go of.
        ``held``: the day as its deletion took it out of ``hearings`` before writing."""
        self.absent.add(("event", event_id))
        found = self.hearings.pop(event_id, None)
        for hearing in {id(h): h for h in (found, held) if h is not None}.values():
            queued = hearing.pending[hearing.writing :]
            del hearing.pending[hearing.writing :]
            for pending in queued:
                _fail(pending.done, NotFound(reason))
            hearing.event.live_published = False
            for listener in self.change_listeners.get("event", ()):
                listener(hearing, {"live_published": False})
        told = encode({"type": "error", "code": "not_found", "message": reason})
        for subscriber in self.hub.event_subscribers(event_id):
            subscriber.reply(told)
            if subscriber.sending is None:
                self.hub.remove(subscriber)
            else:  # let go of once what it is sending, this frame last, is sent
                subscriber.sending.add_done_callback(partial(_let_go, self.hub, subscriber))

    def _fail_pending(self, hearing: Hearing, error: Exception) -> None:
        message = (
            error.message
            if isinstance(error, StorageUnavailable)
            else f"the log could not be written ({type(error).__name__}); nothing was applied: "
            "retry with the same command id"
        )
        failed, hearing.pending, hearing.writing = hearing.pending, [], 0
        hearing.moved = False
        for pending in failed:
            if pending.command_type is not None:
                self.metrics.refused(pending.command_type, StorageUnavailable.code)
            if not pending.done.done():
                pending.done.set_exception(StorageUnavailable(message))
                pending.done.exception()  # a caller that went away must not leave it unread

    def _fold(
        self, state: HearingState, events: list[e.Event], command_id: str, now: int
    ) -> tuple[list[HearingState], list[LogRecord]]:
        states, records = [], []
        for event in events:
            state = apply(state, event)
            states.append(state)
            records.append(
                LogRecord(
                    event_id=state.event_id,
                    segment_id=event.segment_id,
                    version=state.segments[event.segment_id].version,
                    type=event.type,
                    payload=e.event_to_json(event),
                    command_id=command_id,
                    recorded_at=now,
                )
            )
        return states, records

    async def _write(self, fn: Callable[..., Any], *args: Any) -> Any:
        gone = self.file_watch.trouble()  # a SQLite file deleted or replaced under the server
        if gone is not None and not self.file_watch.tried:
            await asyncio.to_thread(self.file_watch.rescue, self.store.engine)
            gone = self.file_watch.trouble()
        if gone is not None:
            if self.storage_error != gone:
                log.error("%s", gone)
            self.storage_error = gone
            raise StorageUnavailable(gone)
        try:
            written = await asyncio.to_thread(fn, *args)
        except SQLAlchemyError as error:
            self._storage_failed(error)
            if self.foreign_writer is not None:
                raise StorageUnavailable(self.foreign_writer) from error
            raise StorageUnavailable(
                f"the log could not be written ({type(error).__name__}); nothing was applied: "
                "retry with the same command id"
            ) from error
        if self.storage_error is not None and self.foreign_writer is None:
            log.warning("the database can be written again: commands are taken again")
            self.storage_error = None
        self.read_error = None
        self._written_at = time.monotonic()
        self.storage_slow = None  # the database took a write: whatever holds the probe up
        return written

    async def recheck_storage(self) -> None:
        """The health check's write, of a batch of commands' size (at most every
        ``RECHECK_STORAGE_S``): while the last write failed, so that a process taken out of a
        proxy's rotation for failing it (and so sent no command to write) comes back once the
        database does; and when nothing was written for ``PROBE_IDLE_S``, so that a full disk or
        a file another program locked shows before the moderator's next press meets it (outside
        probe N). Waited for at most ``HEALTH_WAIT_S``: a write still under way then (a locked
        SQLite file waits out its busy timeout) is ``storage_slow``, and the next checks wait on
        the same write rather than start others."""
        now = time.monotonic()
        wanted = self.storage_error is not None or now - self._written_at >= PROBE_IDLE_S
        if wanted and self._probe is None and now - self._storage_checked >= RECHECK_STORAGE_S:
            self._storage_checked = now
            self._probe = asyncio.create_task(self._probe_write())
        probe = self._probe
        if probe is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(probe), HEALTH_WAIT_S)
        # slow, unless the log took a write meanwhile (the probe's row may be what waits)
        if not probe.done() and self._written_at < self._storage_checked:
            self.storage_slow = (
                f"the database has not answered a write for {HEALTH_WAIT_S:g} s or more: another "
                "program may hold the file (a backup or database tool, a second server), or the "
                "disk is failing"
            )

    async def _probe_write(self) -> None:
        probe = str(self.clock()).ljust(STORAGE_PROBE_BYTES, ".")
        try:
            with contextlib.suppress(StorageUnavailable):
                await self._write(self.store.write_probe, STORAGE_PROBE, probe)
        finally:
            self._probe = None
            self.storage_slow = None

    def read_failed(self, error: SQLAlchemyError) -> None:
        """A route's read failed (a ``GET``): said once in the log as a read, until a write
        succeeds again. The health check's own write says whether commands are taken."""
        cause = _cause(error)
        said = f"{type(error).__name__}: {cause}"
        if self.read_error != said and self.storage_error is None:
            log.error(
                "the database cannot be read (%s): requests that read it are refused until it "
                "can; check the disk and that the database server is reachable",
                said,
            )
        self.read_error = said

    def _storage_failed(self, error: SQLAlchemyError) -> None:
        """A write failed: said once in the log (not once per command) and by the health check,
        until a write succeeds again."""
        cause = _cause(error)
        if (
            isinstance(error, IntegrityError)
            and not self.fanout.shared
            and shared_store.conflict_of(error) is not None
        ):
            # not the disk: another process wrote the versions this one meant to (a second
            # serve on the same PostgreSQL database without --redis-url; on SQLite, one that
            # takes no lock file: an older version, started first). This process's state is
            # behind the log from now on: refused until restarted, whatever writes pass since
            # (the health check's own probe would), and retrying cannot help
            if self.foreign_writer is None:
                log.error("%s (%s: %s)", FOREIGN_WRITER, type(error).__name__, cause)
            self.foreign_writer = FOREIGN_WRITER
        elif self.storage_error is None and "locked" in cause:
            # SQLite's own busy timeout ran out: another connection holds the file's write lock
            log.error(
                "the database cannot be written (%s: %s): another program holds the database "
                "file's lock (a database or backup tool with a transaction open, or a process "
                "other than floorkeeper serve): close it; every command is refused until then",
                type(error).__name__,
                cause,
            )
        elif self.storage_error is None:
            log.error(
                "the database cannot be written (%s: %s): every command is refused until it can; "
                "check the disk's free space and that the database server is reachable",
                type(error).__name__,
                cause,
            )
        self.storage_error = self.foreign_writer or f"{type(error).__name__}: {cause}"


def _cause(error: SQLAlchemyError) -> str:
    """The first line of what the database said (at most 200 characters), for the log."""
    return str(getattr(error, "orig", None) or error).splitlines()[0][:200]


#: The columns of a meeting day's row another process may change (``EventRow``).
_EVENT_DETAILS = frozenset(
    (
        "title",
        "venue",
        "room",
        "timezone",
        "date",
        "languages",
        "join_code",
        "live_published",
        "hard_stop_at",
    )
)
#: Details no screen's snapshot shows: a change of them alone resyncs no screen (the live page's
#: listener opens or closes its sockets; the consoles and booths are sent the hard stop's
#: forecast with their instruments)
QUIET_DETAILS = frozenset(("live_published", "hard_stop_at"))
#: How often a process whose last write failed tries one of its own (seconds), and the setting
#: it writes (the instant, in epoch ms: nothing reads it).
RECHECK_STORAGE_S = 1.0
STORAGE_PROBE = "storage_probe"
#: After how long without a successful write the health check writes its own (seconds).
PROBE_IDLE_S = 10.0
#: How long the health check waits for its write before it says the database is slow (seconds):
#: under a container's health check timeout (2-3 s in the Dockerfile).
HEALTH_WAIT_S = 1.5
#: How much the probe writes: a batch of commands' worth (log rows, command rows, their
#: indexes: about 30 KB of WAL frames), not a few bytes. A tiny probe still fitted on a disk
#: where no command did, and the health check said ``ok`` while every command was refused
#: (outside probe K: the log flapping between "cannot be written" and "can be written again").
STORAGE_PROBE_BYTES = 64 * 1024
#: How far behind the log's newest write the clock may read at start before it is said (ms).
CLOCK_BEHIND_MS = 60_000


def _utc(at: int) -> str:
    return datetime.datetime.fromtimestamp(at / 1000, datetime.UTC).isoformat(timespec="seconds")


#: What a command that could not be written answers (``StorageUnavailable``).
#: Said (log, health check, every refused command) once another process has written the log
#: under this one (outside probe U: it had said to check the disk, and to retry).
FOREIGN_WRITER = (
    "another process has written to this database (a second server on it: an older "
    "floorkeeper serve, or one without --redis-url); nothing was applied, and retrying will "
    "not help: stop the other server, then restart this one to read what it wrote"
)
_UNWRITTEN = (
    "the log could not be written ({}); nothing was applied: retry with the same command id"
)
#: Commands decided on segments they do not write (which segment is live, a target's queue, the
#: programme's positions): with several processes their write checks those segments did not move
#: meanwhile.
_READS_OTHER_SEGMENTS = frozenset(
    ("start_segment", "carry_queue", "undo", "create_segment", "update_segment")
)


def _places(events: list[e.Event], undone: SegmentState | None) -> frozenset[str]:
    """The registered participants these events newly name in a queue, a request or on the
    floor (a removal on another process may have won; places carried from another segment or
    turns called from the queue name no one new). ``undone``: the segment an undo was decided
    on, whose given-back places count too."""
    named: set[str | None] = set()
    for event in events:
        if isinstance(event, e.FloorRequested):
            named.add(event.speaker.participant_id)
        elif isinstance(event, e.EntryAdded | e.EntryEdited | e.TurnInterposed):
            named.add(event.entry.speaker.participant_id)
    if undone is not None:
        named.update(speaker.participant_id for speaker in given_back(undone))
    named.discard(None)
    return frozenset(pid for pid in named if pid)


def _reads_other_segments(command: c.SegmentCommand | c.CreateSegment) -> bool:
    """Whether a command is decided on segments it may not write: which one is live, a target's
    queue, the programme's places (a move, a new segment). A title or time edited reads only its
    own segment, so a burst elsewhere does not make it lose its write again and again."""
    if isinstance(command, c.UpdateSegment):
        return command.position is not None
    return command.type in _READS_OTHER_SEGMENTS


def _after_both(action: Callable[[], None]) -> Callable[[], None]:
    """A callback that runs ``action`` the second time it is called (two things awaited)."""
    left = 2

    def one() -> None:
        nonlocal left
        left -= 1
        if left == 0:
            action()

    return one


def _let_go(hub: Hub, subscriber: Subscriber, _sent: object) -> None:
    hub.remove(subscriber)


def _answer(batch: Iterable[Pending], result: dict[str, Any] | None = None) -> None:
    for pending in batch:
        if not pending.done.done():
            pending.done.set_result(pending.result if result is None else result)


def _fail(done: asyncio.Future[dict[str, Any]], error: Exception) -> None:
    if not done.done():
        done.set_exception(error)
        done.exception()  # a caller that went away must not leave it unread


def _same_body(command_id: str, known_hash: str, body_hash: str) -> None:
    if known_hash != body_hash:
        raise FloorError(
            f"command id {command_id!r} was already used for a different command: make a new "
            "command id for each new command (the same id is for sending the same one again)",
            code="command_id_reused",
        )


async def _to_the_end(work: Coroutine[Any, Any, None]) -> None:
    """Await ``work`` to its end even if the caller is cancelled meanwhile; then deliver the
    cancellation. ``asyncio.shield`` alone is not enough: the caller would leave while the
    write and the change in memory that follows it are still under way."""
    task = asyncio.ensure_future(work)
    cancelled = False
    while not task.done():
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        if not task.cancelled():
            task.exception()  # the caller is gone: nobody else will read it
        raise asyncio.CancelledError
    task.result()


def _speaker(row: ParticipantRow) -> Speaker:
    return Speaker(
        name=row.name,
        organisation=row.organisation,
        constituency=Constituency(row.constituency),
        participant_id=row.id,
        region=row.region,
        attendance=Attendance(row.attendance),
        language=FloorLanguage(row.language) if row.language in _LANGUAGES else None,
        gender=Gender(row.gender) if row.gender in _GENDERS else None,
    )


_LANGUAGES = frozenset(language.value for language in FloorLanguage)
_GENDERS = frozenset(gender.value for gender in Gender)


def _body_hash(segment_id: str | None, command: Any, base_version: int | None, actor: Actor) -> str:
    body = {
        "segment_id": segment_id,
        "base_version": base_version,
        "command": command.model_dump(mode="json"),
        "actor": [actor.role.value, actor.participant_id],
    }
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()
