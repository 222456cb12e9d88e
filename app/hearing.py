"""One meeting day as the engine runs it: its durable state, what is decided but not yet
durable, and the answers already given (for dedupe)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.sql import Executable

from .floor import HearingState
from .floor import events as e
from .floor.contributions import OutcomeState
from .floor.model import Speaker
from .store import CommandRecord, LogRecord
from .store.tables import EventRow


@dataclass
class Hearing:
    """The live state of one meeting day, and what the engine needs to run it."""

    event: EventRow
    #: the durable state: every screen sees this one, and every version in it is in the log
    state: HearingState
    speakers: dict[str, Speaker] = field(default_factory=dict)
    #: command id → (body hash, result) of every command answered
    results: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    #: work decided but not yet durable, in order: waiting for the next write, or in it
    pending: list[Pending] = field(default_factory=list)
    writing: int = 0  # how many of ``pending`` the write under way holds
    writer: asyncio.Task[None] | None = None
    #: the outcome (recommendations and pledges), durable: a stream of its own in the log
    outcome: OutcomeState = field(default_factory=lambda: OutcomeState(event_id=""))

    def __post_init__(self) -> None:
        if not self.outcome.event_id:
            self.outcome = OutcomeState(event_id=self.event.id)

    @property
    def latest(self) -> HearingState:
        """The state after every decided command, durable or not: the next one is decided on it."""
        return self.pending[-1].after if self.pending else self.state

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
