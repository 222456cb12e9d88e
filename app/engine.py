"""The floor engine: applies commands to the live state, durably, then tells everyone.

For each command: check the command id (a retry gets the first answer), let the pure core decide,
fold the events, append them to the log in one transaction, and only after the commit swap in the
new state and publish (``projections.Projections``). Every command enters through ``execute``,
which asks the ``policy.Policy`` first (credential still good, limits), whatever transport
brought it. Commands of one meeting day are decided one at a time, on the state the previous one
left, without awaiting anything between deciding and queueing; one writer task per meeting day
writes them in order, and a failed write leaves memory exactly as the database has it.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import Executable

from .floor import Actor, Context, FloorError, HearingState, NotFound, StaleVersion, apply, decide
from .floor import commands as c
from .floor import contributions as o
from .floor import events as e
from .floor.model import Attendance, Constituency, FloorLanguage, Gender, SegmentState, Speaker
from .hearing import Hearing, Pending
from .hub import Hub
from .join_codes import new_join_code
from .metrics import Metrics
from .policy import Policy
from .projections import Projections, audience_of
from .store import CommandRecord, LogRecord, Store
from .store.tables import EventRow, ParticipantRow
from .views import Audience


class ServerClock:
    """Milliseconds since the epoch that never jump: the wall clock read once, at start, then
    advanced by the monotonic clock.

    Deadlines, ``server_time`` and every instant in the log come from here, so a step of the
    machine's wall clock (an NTP correction, a hand-set clock) during the hearing moves nothing on
    the screens: they keep counting down to the same deadline. A restart takes the wall clock
    afresh, which is what a restart after a real outage should do.
    """

    def __init__(
        self,
        wall_ns: Callable[[], int] = time.time_ns,
        monotonic_ns: Callable[[], int] = time.monotonic_ns,
    ) -> None:
        self._monotonic_ns = monotonic_ns
        self._start_wall_ns = wall_ns()
        self._start_monotonic_ns = monotonic_ns()

    def __call__(self) -> int:
        elapsed = self._monotonic_ns() - self._start_monotonic_ns
        return (self._start_wall_ns + elapsed) // 1_000_000


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

    # --- loading --------------------------------------------------------------------------------

    async def load(self) -> None:
        """Rebuild every meeting day's live state from the log."""
        hearings = await asyncio.to_thread(self._load_all)
        self.hearings.clear()  # the same dict the projections read
        self.hearings.update(hearings)

    def _load_all(self) -> dict[str, Hearing]:
        hearings = {}
        for row in self.store.events():
            state = HearingState(event_id=row.id)
            outcome = o.OutcomeState(event_id=row.id)
            stream = o.stream_id(row.id)
            for record in self.store.read_log(row.id):
                if record.segment_id == stream:
                    outcome = o.apply(outcome, o.event_from_json(record.payload))
                else:
                    state = apply(state, e.event_from_json(record.payload))
            hearing = Hearing(event=row, state=state, outcome=outcome)
            hearing.speakers = {p.id: _speaker(p) for p in self.store.participants(row.id)}
            hearing.results = {
                r.command_id: (r.body_hash, r.result) for r in self.store.commands(row.id)
            }
            hearings[row.id] = hearing
        return hearings

    def hearing(self, event_id: str) -> Hearing:
        hearing = self.hearings.get(event_id)
        if hearing is None:
            raise NotFound(f"no event {event_id!r}")
        return hearing

    def find_segment(self, segment_id: str) -> tuple[Hearing, SegmentState]:
        for hearing in self.hearings.values():
            segment = hearing.state.segments.get(segment_id)
            if segment is not None:
                return hearing, segment
        raise NotFound(f"no segment {segment_id!r}")

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

        await _to_the_end(commit())
        return hearing

    async def add_participant(self, row: ParticipantRow) -> None:
        hearing = self.hearing(row.event_id)

        def remember() -> None:
            hearing.speakers[row.id] = _speaker(row)

        await self._write_rows(hearing, [self.store.insert_participant(row)], remember)

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
        await self._write_rows(hearing, statements, remember)

    async def rotate_join_code(self, hearing: Hearing) -> str:
        """A new join code: the old link and QR stop working; delegates who joined stay in.

        Every screen that shows the code (all but the delegates') gets a fresh snapshot."""
        code = new_join_code()

        def remember() -> None:
            hearing.event.join_code = code

        await self._write_rows(
            hearing, [self.store.update_join_code(hearing.event.id, code)], remember
        )
        for segment_id in hearing.state.segments:
            for subscriber in self.hub.subscribers(segment_id):
                if subscriber.audience is not Audience.DELEGATE:
                    subscriber.request_resync()
        return code

    async def _write_rows(
        self, hearing: Hearing, statements: list[Executable], on_commit: Callable[[], None]
    ) -> None:
        """Queue rows that are not events for the meeting day's writer; answer once committed."""
        latest = hearing.latest
        pending = Pending(
            command_id=None,
            body_hash="",
            after=latest,
            events=[],
            states=[],
            records=[],
            row=None,
            result={},
            done=asyncio.get_running_loop().create_future(),
            statements=statements,
            on_commit=on_commit,
        )
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
        # the write goes on if this caller goes away (a console's socket that closes mid-command
        # cancels its reader): once decided, the command is written, swapped in and published
        return await asyncio.shield(decided.done)

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
        before = hearing.latest
        context = self._context(hearing, actor)
        try:
            events = decide(before, segment_id, command, context, base_version)
        except StaleVersion as error:
            # the refused console is shown the state it lost to, once that state is durable
            if hearing.pending:
                last = hearing.pending[-1].done
                await asyncio.wait([last])
            sid = segment_id or ""
            segment = hearing.state.segments.get(sid) or before.segments[sid]
            error.detail = {
                "state": self.projections.snapshot(
                    segment, audience_of(actor), actor.participant_id
                )
            }
            raise
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
            event_id=event_id,
            command_id=command_id,
            body_hash=body_hash,
            result=result,
            recorded_at=context.now,
        )
        pending = Pending(
            command_id,
            body_hash,
            after,
            events,
            states,
            records,
            row,
            result,
            asyncio.get_running_loop().create_future(),
            command_type=command.type,
        )
        self._enqueue(hearing, pending)
        return pending

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
        pending = Pending(
            command_id,
            body_hash,
            hearing.latest,
            [],
            [],
            records,
            row,
            result,
            asyncio.get_running_loop().create_future(),
            outcome_after=after if events else None,
            command_type=command.type,
        )
        self._enqueue(hearing, pending)
        return pending

    async def _admit(
        self, hearing: Hearing, command_type: str, actor: Actor, command_id: str, body_hash: str
    ) -> dict[str, Any] | None:
        """The steps every command takes before it is decided: the policy (raises a refusal),
        then dedupe (the first answer to a retried command id, once it is durable), else None."""
        self.policy.admit(hearing, actor, command_type, command_id, self.clock())
        return await self._answered(hearing, command_id, body_hash)

    def _context(self, hearing: Hearing, actor: Actor) -> Context:
        return Context(
            now=self.clock(), actor=actor, new_id=self.make_id, speakers=hearing.speakers
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
                batch = hearing.pending[:]
                hearing.writing = len(batch)
                started = time.perf_counter()
                try:
                    await self._write(
                        self.store.append,
                        [record for pending in batch for record in pending.records],
                        [pending.row for pending in batch if pending.row is not None],
                        [statement for pending in batch for statement in pending.statements],
                    )
                except Exception as error:
                    if not isinstance(error, StorageUnavailable):
                        log.exception("the log could not be written")
                    self._fail_pending(hearing, error)
                    continue
                finally:
                    self.metrics.log_append_seconds.observe(time.perf_counter() - started)
                del hearing.pending[: len(batch)]
                hearing.writing = 0
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
                    if pending.outcome_after is not None:
                        hearing.outcome = pending.outcome_after
                if commands:
                    self.metrics.group_commit_commands.observe(commands)
                hearing.state = batch[-1].after
                self.projections.publish(
                    hearing,
                    durable,
                    [event for pending in batch for event in pending.events],
                    [state for pending in batch for state in pending.states],
                )
                if hearing.outcome is not outcome_before:
                    self.projections.publish_outcome(hearing, outcome_before)
                for pending in batch:
                    pending.done.set_result(pending.result)
        finally:
            hearing.writer = None
            if hearing.pending:  # cancelled (the server is stopping): nothing more is answered
                self._fail_pending(hearing, StorageUnavailable("the server is stopping"))

    def _fail_pending(self, hearing: Hearing, error: Exception) -> None:
        message = (
            error.message
            if isinstance(error, StorageUnavailable)
            else f"the log could not be written ({type(error).__name__}); nothing was applied: "
            "retry with the same command id"
        )
        failed, hearing.pending, hearing.writing = hearing.pending, [], 0
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
        try:
            return await asyncio.to_thread(fn, *args)
        except SQLAlchemyError as error:
            raise StorageUnavailable(
                f"the log could not be written ({type(error).__name__}); nothing was applied: "
                "retry with the same command id"
            ) from error


def _same_body(command_id: str, known_hash: str, body_hash: str) -> None:
    if known_hash != body_hash:
        raise FloorError(
            f"command id {command_id!r} was already used for a different command",
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
