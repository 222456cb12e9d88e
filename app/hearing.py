"""One meeting day as the engine runs it: its durable state, what is decided but not yet
durable, and the answers already given (for dedupe).

With several processes (app/fanout.py) the durable state also moves under the pending work:
another process's writes are folded into ``state`` as they arrive. ``latest`` then lays the
segments the pending work changed over the durable state, so the next command is decided on
the others' writes too; a command decided on a stale segment loses its race in the database
and is decided again (``Pending.remake``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy.sql import Executable

from .floor import Actor, HearingState
from .floor import events as e
from .floor.contributions import OutcomeState
from .registry import Registry
from .store import CommandRecord, LogRecord
from .store.tables import EventRow

if TYPE_CHECKING:
    from .fanout import Change


@dataclass
class Hearing:
    """The live state of one meeting day, and what the engine needs to run it."""

    event: EventRow
    #: the durable state: every screen sees this one, and every version in it is in the log
    state: HearingState
    speakers: Registry = field(default_factory=Registry)
    #: participants taken out of the registry (or being taken out): never read back from the
    #: database, so a command naming them is refused as naming no one
    removed: set[str] = field(default_factory=set)
    #: their names, for a desk that still shows one ("Yusuf Abdi was taken out of the registry")
    removed_names: dict[str, str] = field(default_factory=dict)
    #: command id → (body hash, result) of every command answered
    results: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    #: work decided but not yet durable, in order: waiting for the next write, or in it
    pending: list[Pending] = field(default_factory=list)
    writing: int = 0  # how many of ``pending`` the write under way holds
    writer: asyncio.Task[None] | None = None
    #: the outcome (recommendations and pledges), durable: a stream of its own in the log
    outcome: OutcomeState = field(default_factory=lambda: OutcomeState(event_id=""))
    #: held by the writer while it writes and swaps, and by a catch-up from the log while it
    #: reads and folds (several processes): neither folds under the other
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: another process's writes were folded into ``state`` under the pending work: ``latest``
    #: must lay the pending work's segments over ``state`` (reset when nothing is pending)
    moved: bool = False
    #: held from reading who is registered until it is written back, by a spreadsheet's import
    #: (two imports of the same file at once would both find everyone new) and a correction
    #: (two at once would each check ``expected`` against the row before the other's write)
    registry: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        if not self.outcome.event_id:
            self.outcome = OutcomeState(event_id=self.event.id)

    @property
    def latest(self) -> HearingState:
        """The state after every decided command, durable or not: the next one is decided on it."""
        if not self.pending:
            return self.state
        last = self.pending[-1].after
        if not self.moved:
            return last
        return overlay(self.state, last, self.touched())

    def touched(self) -> set[str]:
        """The segments the pending work changes."""
        return set().union(*(pending.touched for pending in self.pending))

    @property
    def latest_outcome(self) -> OutcomeState:
        """The outcome after every decided outcome command, durable or not."""
        for pending in reversed(self.pending):
            if pending.outcome_after is not None:
                return pending.outcome_after
        return self.outcome

    def in_flight(self, command_id: str) -> Pending | None:
        for pending in self.pending:
            if pending.command_id == command_id:
                return pending
        return None


@dataclass
class Pending:
    """Work decided on the latest state, waiting for the write that makes it durable: a
    command's events and result, or a change of the meeting day's rows (a participant, the join
    code) written in the same queue, so that memory changes only once the row is committed."""

    command_id: str | None
    body_hash: str
    after: HearingState
    events: list[e.Event]
    states: list[HearingState]
    records: list[LogRecord]
    row: CommandRecord | None
    result: dict[str, Any]
    done: asyncio.Future[dict[str, Any]]
    #: other statements written in the same transaction (rows that are not events)
    statements: list[Executable] = field(default_factory=list)
    #: what changes in memory once they are durable (run in order, before anyone is answered)
    on_commit: Callable[[], None] | None = None
    #: the outcome after this command, for a command on the outcome's stream
    outcome_after: OutcomeState | None = None
    #: the command's type (None for rows): what the metrics count it as once written or failed
    command_type: str | None = None
    #: the segments its events change
    touched: frozenset[str] = frozenset()
    #: the same command decided again on the state as it is now, answering the same future (a
    #: write lost a race with another process); None for rows, which are written as they are
    remake: Callable[[asyncio.Future[dict[str, Any]]], Pending] | None = None
    #: segments read but not written, at the versions read (several processes: checked in the
    #: write's transaction, ``store.shared.Guard``); None for commands that read one segment
    reads: dict[str, int] | None = None
    #: several processes: the participants its events newly put in a queue, a request or on the
    #: floor (the write checks they are still registered: a removal on another process may have
    #: won), and whether its ``reads`` are checked after its rows (a removal's: its delete waits
    #: for a write that placed the participant, then sees it)
    places: frozenset[str] = frozenset()
    reads_after_rows: bool = False
    #: who sent it, and on which segment (a refusal on a second decision shows their view)
    actor: Actor | None = None
    segment_id: str | None = None
    #: what the other processes learn of its rows (participants, the join code...)
    changes: list[Change] = field(default_factory=list)


def overlay(base: HearingState, top: HearingState, segments: set[str]) -> HearingState:
    """``base`` with ``segments`` as ``top`` has them (those ``top`` has)."""
    if not segments:
        return base
    merged = dict(base.segments)
    for segment_id in segments:
        segment = top.segments.get(segment_id)
        if segment is not None:
            merged[segment_id] = segment
    return replace(base, segments=merged)
