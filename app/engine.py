"""The floor engine: applies commands to the live state, durably, then tells everyone.

For each command: check the command id (a retry gets the first answer), let the pure core decide,
fold the events, append them to the log in one transaction, and only after the commit swap in the
new state and publish one update per version, encoded once per audience. Commands on one meeting
day are serialised by one lock; a failed write leaves the state exactly as it was.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy.exc import SQLAlchemyError

from .floor import Actor, Context, FloorError, HearingState, NotFound, StaleVersion, apply, decide
from .floor import commands as c
from .floor import events as e
from .floor.model import Constituency, SegmentState, Speaker
from .hub import Hub, encode
from .patch import diff
from .store import CommandRecord, LogRecord, Store
from .store.tables import EventRow, ParticipantRow
from .views import Audience, View, own_requests, segment_summary, view


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


def audience_of(actor: Actor) -> Audience:
    if actor.runs_the_floor:
        return Audience.MODERATOR
    return Audience.DELEGATE if actor.participant_id else Audience.PUBLIC


class StorageUnavailable(FloorError):
    code = "storage_unavailable"
    status = 503


@dataclass
class Hearing:
    """The live state of one meeting day, and what the engine needs to run it."""

    event: EventRow
    #: the durable state: every screen sees this one, and every version in it is in the log
    state: HearingState
    speakers: dict[str, Speaker] = field(default_factory=dict)
    #: command id → (body hash, result) of every command answered
    results: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    #: commands decided but not yet durable, in order: waiting for the next write, or in it
    pending: list[Pending] = field(default_factory=list)
    writing: int = 0  # how many of ``pending`` the write under way holds
    writer: asyncio.Task[None] | None = None

    @property
    def latest(self) -> HearingState:
        """The state after every decided command, durable or not: the next one is decided on it."""
        return self.pending[-1].after if self.pending else self.state

    def in_flight(self, command_id: str) -> Pending | None:
        for pending in self.pending:
            if pending.command_id == command_id:
                return pending
        return None


@dataclass
class Pending:
    """A command decided on the latest state, waiting for its events to be in the log."""

    command_id: str
    body_hash: str
    after: HearingState
    events: list[e.Event]
    states: list[HearingState]
    records: list[LogRecord]
    row: CommandRecord
    result: dict[str, Any]
    done: asyncio.Future[dict[str, Any]]


class Engine:
    def __init__(
        self,
        store: Store,
        hub: Hub,
        clock: Callable[[], int] | None = None,
        make_id: Callable[[], str] = new_id,
    ) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock if clock is not None else ServerClock()
        self.make_id = make_id
        self.hearings: dict[str, Hearing] = {}
        #: the last view built per segment and audience, with the state it was built from
        self._views: dict[tuple[str, Audience], tuple[SegmentState, View]] = {}

    # --- loading --------------------------------------------------------------------------------

    async def load(self) -> None:
        """Rebuild every meeting day's live state from the log."""
        self.hearings = await asyncio.to_thread(self._load_all)

    def _load_all(self) -> dict[str, Hearing]:
        hearings = {}
        for row in self.store.events():
            state = HearingState(event_id=row.id)
            for record in self.store.read_log(row.id):
                state = apply(state, e.event_from_json(record.payload))
            hearing = Hearing(event=row, state=state)
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
    # Each write and the change in memory that follows it run to the end together, even if the
    # request that asked is cancelled meanwhile (see ``execute``): memory never lags the database.

    async def create_event(self, row: EventRow) -> Hearing:
        hearing = Hearing(event=row, state=HearingState(event_id=row.id))

        async def commit() -> None:
            await self._write(self.store.add, row)
            self.hearings[row.id] = hearing

        await _to_the_end(commit())
        return hearing

    async def add_participant(self, row: ParticipantRow) -> None:
        hearing = self.hearing(row.event_id)

        async def commit() -> None:
            await self._write(self.store.add, row)
            hearing.speakers[row.id] = _speaker(row)

        await _to_the_end(commit())

    async def rotate_join_code(self, hearing: Hearing, code: str) -> None:
        """A new join code: the old link and QR stop working; delegates who joined stay in.

        Every screen that shows the code (all but the delegates') gets a fresh snapshot."""

        async def commit() -> None:
            await self._write(self.store.set_join_code, hearing.event.id, code)
            hearing.event.join_code = code

        await _to_the_end(commit())
        for segment_id in hearing.state.segments:
            for subscriber in self.hub.subscribers(segment_id):
                if subscriber.audience is not Audience.DELEGATE:
                    subscriber.request_resync()

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
        hearing = self.hearing(event_id)
        body_hash = _body_hash(segment_id, command, base_version, actor)
        known = hearing.results.get(command_id)
        if known is not None:
            _same_body(command_id, known[0], body_hash)
            return {**known[1], "duplicate": True}
        waiting = hearing.in_flight(command_id)
        if waiting is not None:  # a retry while the first is being written: the same answer
            _same_body(command_id, waiting.body_hash, body_hash)
            return {**await asyncio.shield(waiting.done), "duplicate": True}
        before = hearing.latest
        context = Context(
            now=self.clock(), actor=actor, new_id=self.make_id, speakers=hearing.speakers
        )
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
                "state": self.snapshot(segment, audience_of(actor), actor.participant_id)
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
        )
        hearing.pending.append(pending)
        if hearing.writer is None:
            hearing.writer = asyncio.create_task(self._write_pending(hearing))
        # the write goes on if this caller goes away (a console's socket that closes mid-command
        # cancels its reader): once decided, the command is written, swapped in and published
        return await asyncio.shield(pending.done)

    async def _write_pending(self, hearing: Hearing) -> None:
        """Write the decided commands, all those waiting at each turn in one transaction; then
        swap in the state after them, publish what they did together, and answer them in order."""
        try:
            while hearing.pending:
                batch = hearing.pending[:]
                hearing.writing = len(batch)
                try:
                    await self._write(
                        self.store.append,
                        [record for pending in batch for record in pending.records],
                        [pending.row for pending in batch],
                    )
                except Exception as error:
                    if not isinstance(error, StorageUnavailable):
                        log.exception("the log could not be written")
                    self._fail_pending(hearing, error)
                    continue
                del hearing.pending[: len(batch)]
                hearing.writing = 0
                durable = hearing.state
                for pending in batch:
                    hearing.results[pending.command_id] = (pending.body_hash, pending.result)
                hearing.state = batch[-1].after
                self._publish(
                    hearing,
                    durable,
                    [event for pending in batch for event in pending.events],
                    [state for pending in batch for state in pending.states],
                )
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

    # --- telling everyone -----------------------------------------------------------------------

    def _publish(
        self,
        hearing: Hearing,
        before: HearingState,
        events: list[e.Event],
        states: list[HearingState],
    ) -> None:
        """Tell every screen what ``events`` did, per segment ONE update from the state before
        them to the state after: the commands of one group commit go out together, so a burst of
        floor requests costs each screen one frame per write, not one per request. An update
        that spans more than one version says where it starts (``from_version``)."""
        touched: dict[str, set[str]] = {}  # segment id → delegates whose own requests changed
        programme_changed = False
        previous = before
        for event, state in zip(events, states, strict=True):
            segment_id = event.segment_id
            old, new = previous.segments.get(segment_id), state.segments[segment_id]
            previous = state
            if old is None or event.type in ("segment_updated", "segment_started", "segment_ended"):
                programme_changed = True
            if old is not None:
                touched.setdefault(segment_id, set()).update(_participants_touched(event, old, new))
        for segment_id, participants in touched.items():
            old = before.segments.get(segment_id)
            if old is None:
                continue  # a segment made by these very events has no subscribers yet
            new = previous.segments[segment_id]
            update: dict[str, Any] = {
                "type": "update",
                "segment_id": segment_id,
                "version": new.version,
            }
            if new.version != old.version + 1:
                update["from_version"] = old.version
            # only for the audiences someone listens to: a burst of floor requests with only the
            # moderator watching builds, diffs and encodes one view, not three
            frames = {
                audience: encode(
                    {**update, "patch": diff(self._view(old, audience), self._view(new, audience))}
                )
                for audience in self.hub.audiences(segment_id)
            }
            mine = {
                participant_id: encode(self.mine_message(new, participant_id))
                for participant_id in participants
            }
            self.hub.publish(segment_id, old.version, new.version, frames, mine)
        if programme_changed:
            self.hub.to_event(hearing.event.id, encode(self.programme_message(hearing)))
            live = hearing.state.live_segment_id
            if live is not None:
                self.hub.follow_live(hearing.event.id, live)

    def _view(self, segment: SegmentState, audience: Audience) -> View:
        """The audience's view of this very state, made once: the view after one command is the
        view before the next, so each publish builds only the new one (views are never mutated)."""
        key = (segment.id, audience)
        cached = self._views.get(key)
        if cached is None or cached[0] is not segment:
            cached = self._views[key] = (segment, view(segment, audience))
        return cached[1]

    # --- messages -------------------------------------------------------------------------------

    def snapshot(
        self, segment: SegmentState, audience: Audience, participant_id: str | None
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "snapshot",
            "segment_id": segment.id,
            "version": segment.version,
            "server_time": self.clock(),
            "audience": audience.value,
            "state": self._view(segment, audience),
            **self.event_context(self.hearing(segment.event_id), audience),
        }
        if participant_id is not None:
            message["mine"] = own_requests(segment, participant_id)
        return message

    def event_context(self, hearing: Hearing, audience: Audience | Actor) -> dict[str, Any]:
        """The meeting day around a segment: what every screen's header and programme need."""
        if isinstance(audience, Actor):
            audience = audience_of(audience)
        row = hearing.event
        event = {
            "id": row.id,
            "title": row.title,
            "venue": row.venue,
            "room": row.room,
            "timezone": row.timezone,
            "date": row.date,
            "languages": row.languages,
        }
        if audience is not Audience.DELEGATE:
            event["join_code"] = row.join_code
        return {
            "event": event,
            "live_segment_id": hearing.state.live_segment_id,
            "programme": self.segments(hearing),
        }

    def mine_message(self, segment: SegmentState, participant_id: str) -> dict[str, Any]:
        return {
            "type": "mine",
            "segment_id": segment.id,
            "version": segment.version,
            "requests": own_requests(segment, participant_id),
        }

    def programme_message(self, hearing: Hearing) -> dict[str, Any]:
        return {
            "type": "programme",
            "event_id": hearing.event.id,
            "live_segment_id": hearing.state.live_segment_id,
            "segments": self.segments(hearing),
        }

    def segments(self, hearing: Hearing) -> list[View]:
        ordered = sorted(
            hearing.state.segments.values(),
            key=lambda s: (s.details.position, s.details.scheduled_start_at or 0),
        )
        return [segment_summary(segment) for segment in ordered]

    def followed_segment(self, hearing: Hearing) -> SegmentState | None:
        """What a room screen shows: the live segment, else the next scheduled, else the last."""
        segments = [hearing.state.segments[s["id"]] for s in self.segments(hearing)]
        live = hearing.state.live_segment_id
        if live is not None:
            return hearing.state.segments[live]
        upcoming = [s for s in segments if s.status.value == "scheduled"]
        if upcoming:
            return upcoming[0]
        return segments[-1] if segments else None


def _same_body(command_id: str, known_hash: str, body_hash: str) -> None:
    if known_hash != body_hash:
        raise FloorError(
            f"command id {command_id!r} was already used for a different command",
            code="command_id_reused",
        )


async def _to_the_end(work: Coroutine[Any, Any, None]) -> None:
    """Await ``work`` to its end even if the caller is cancelled meanwhile; then deliver the
    cancellation. ``asyncio.shield`` alone is not enough: the caller would leave (and let go of
    the meeting day's lock) while the write and the swap are still under way."""
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
    )


def _participants_touched(event: e.Event, old: SegmentState, new: SegmentState) -> set[str]:
    """The delegates whose own requests this event changed (they get a ``mine``)."""
    if old.requests is new.requests:
        return set()
    request_id = getattr(event, "request_id", None)
    if request_id is not None:  # the event names the one request it changed
        request = new.requests.get(request_id)
        participant_id = request.speaker.participant_id if request is not None else None
        return {participant_id} if participant_id else set()
    return {
        request.speaker.participant_id
        for request_id, request in new.requests.items()
        if old.requests.get(request_id) is not request and request.speaker.participant_id
    }


def _body_hash(segment_id: str | None, command: Any, base_version: int | None, actor: Actor) -> str:
    body = {
        "segment_id": segment_id,
        "base_version": base_version,
        "command": command.model_dump(mode="json"),
        "actor": [actor.role.value, actor.participant_id],
    }
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()
