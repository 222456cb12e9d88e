"""The floor engine: applies commands to the live state, durably, then tells everyone.

For each command: check the command id (a retry gets the first answer), let the pure core decide,
fold the events, append them to the log in one transaction, and only after the commit swap in the
new state and publish one update per version, encoded once per audience. Commands on one meeting
day are serialised by one lock; a failed write leaves the state exactly as it was.
"""

from __future__ import annotations

import asyncio
import hashlib
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
from .hub import Hub
from .patch import diff
from .store import LogRecord, Store
from .store.tables import CommandRow, EventRow, ParticipantRow
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


def new_id() -> str:
    return secrets.token_hex(6)


def encode(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()


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
    state: HearingState
    speakers: dict[str, Speaker] = field(default_factory=dict)
    results: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


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

    async def create_event(self, row: EventRow) -> Hearing:
        await self._write(self.store.add, row)
        hearing = Hearing(event=row, state=HearingState(event_id=row.id))
        self.hearings[row.id] = hearing
        return hearing

    async def add_participant(self, row: ParticipantRow) -> None:
        hearing = self.hearing(row.event_id)
        await self._write(self.store.add, row)
        hearing.speakers[row.id] = _speaker(row)

    async def rotate_join_code(self, hearing: Hearing, code: str) -> None:
        """A new join code: the old link and QR stop working; delegates who joined stay in.

        Every screen that shows the code (all but the delegates') gets a fresh snapshot."""
        await self._write(self.store.set_join_code, hearing.event.id, code)
        hearing.event.join_code = code
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
        hearing = self.hearing(event_id)
        body_hash = _body_hash(segment_id, command, base_version, actor)
        async with hearing.lock:
            known = hearing.results.get(command_id)
            if known is not None:
                if known[0] != body_hash:
                    raise FloorError(
                        f"command id {command_id!r} was already used for a different command",
                        code="command_id_reused",
                    )
                return {**known[1], "duplicate": True}
            before = hearing.state
            context = Context(
                now=self.clock(), actor=actor, new_id=self.make_id, speakers=hearing.speakers
            )
            try:
                events = decide(before, segment_id, command, context, base_version)
            except StaleVersion as error:
                segment = before.segments[segment_id or ""]
                error.detail = {
                    "state": self.snapshot(segment, audience_of(actor), actor.participant_id)
                }
                raise
            states, records = self._fold(before, events, command_id, context.now)
            after = states[-1] if states else before
            # a created segment is named by its first event; everything else by the request
            target = segment_id if segment_id is not None else events[0].segment_id
            version = after.segments[target].version
            result: dict[str, Any] = {
                "command_id": command_id,
                "segment_id": target,
                "version": version,
                "events": [event.type for event in events],
            }
            requested = [ev for ev in events if isinstance(ev, e.FloorRequested)]
            if requested:
                result["request_id"] = requested[0].request_id
            # A command that changed nothing is remembered too: its retry must answer the same.
            row = CommandRow(
                event_id=event_id,
                command_id=command_id,
                body_hash=body_hash,
                result=result,
                recorded_at=context.now,
            )

            async def commit() -> None:
                await self._write(self.store.append, records, row)
                hearing.results[command_id] = (body_hash, result)
                hearing.state = after
                self._publish(hearing, before, events, states)

            # Once the write has started it commits in its thread whatever happens to this task
            # (a console's socket that closes mid-command cancels its reader), so the swap must
            # follow it, under the lock: else the log is ahead of the live state, the next
            # command collides with the versions already written, and the segment answers
            # storage_unavailable until a restart.
            await _to_the_end(commit())
            return result

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
        previous = before
        programme_changed = False
        for event, state in zip(events, states, strict=True):
            segment_id = event.segment_id
            old, new = previous.segments.get(segment_id), state.segments[segment_id]
            previous = state
            if old is None or event.type in ("segment_updated", "segment_started", "segment_ended"):
                programme_changed = True
            if old is None:
                continue  # a new segment has no subscribers yet
            frames = {
                audience: encode(
                    {
                        "type": "update",
                        "segment_id": segment_id,
                        "version": new.version,
                        "patch": diff(self._view(old, audience), self._view(new, audience)),
                    }
                )
                for audience in Audience
            }
            mine = {
                participant_id: encode(self.mine_message(new, participant_id))
                for participant_id in _participants_touched(old, new)
            }
            self.hub.publish(segment_id, new.version, frames, mine)
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


def _participants_touched(old: SegmentState, new: SegmentState) -> set[str]:
    if old.requests is new.requests:
        return set()
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
