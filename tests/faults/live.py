"""Shared pieces of the fault tests: a server process with the client limits off, a hearing set
up over the API, a moderator's mirror of the live state, and reading the log back from the
database with the app's own store and fold."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

from app.config import Limits
from app.floor import HearingState, apply
from app.floor import events as e
from app.floor.model import SegmentState
from app.patch import apply_patch
from app.store import LogRecord, Store, make_engine
from app.views import Audience, view
from tests.e2e.server import Api, ServerProcess

#: Every per-client limit of app/config.py switched off: the fault tests are one client machine
#: sending far more than one phone would.
LIMITS_OFF = Limits.env_off()


class FaultServer(ServerProcess):
    """``floorkeeper serve`` with the client limits off; restarts on the same port and database."""

    def environment(self) -> dict[str, str]:
        return {**super().environment(), **LIMITS_OFF}

    def start(self, timeout: float = 60.0) -> None:
        super().start(timeout)

    def tracebacks(self) -> int:
        """How many exceptions the server logged (every start appends to the same log)."""
        return self.log_path.read_text(errors="replace").count("Traceback")


@dataclass
class Delegate:
    participant_id: str
    token: str
    name: str


@dataclass
class Hearing:
    event_id: str
    join_code: str
    segment_id: str
    moderator_token: str
    delegates: list[Delegate] = field(default_factory=list)


def open_hearing(api: Api, delegates: int = 0, title: str = "Faults") -> Hearing:
    """An event with one live segment, ``delegates`` self-registered delegates (each with the
    join code and their own token) and one moderator access link."""
    event = api.ok("POST", "/events", json={"title": title})
    segment = api.ok(
        "POST",
        f"/events/{event['id']}/segments",
        json={"title": "Thematic discussion", "command_id": "setup-segment"},
    )
    started = api.command(segment["id"], {"type": "start_segment"}, command_id="setup-start")
    started.raise_for_status()
    link = api.ok("POST", f"/events/{event['id']}/access-links", json={"role": "moderator"})
    hearing = Hearing(event["id"], event["join_code"], segment["id"], link["token"])
    constituencies = ("civil_society", "trade_union", "academia", "member_state", "un_system")
    anonymous = httpx.Client(base_url=api.client.base_url, timeout=10)  # a phone: no token
    for n in range(delegates):
        name = f"Delegate {n:02d}"
        response = anonymous.post(
            f"/api/v1/events/{event['id']}/participants",
            json={
                "join_code": event["join_code"],
                "name": name,
                "organisation": f"Org {n % 7}",
                "constituency": constituencies[n % len(constituencies)],
            },
        )
        assert response.status_code == 201, response.text
        joined = response.json()
        hearing.delegates.append(Delegate(joined["participant"]["id"], joined["token"], name))
    anonymous.close()
    return hearing


class Mirror:
    """A console's copy of the live state: a snapshot, then one update per version."""

    def __init__(self) -> None:
        self.version = -1
        self.state: dict[str, Any] | None = None

    def take(self, frame: dict[str, Any]) -> bool:
        """Fold one server frame in; False when an update skipped a version (resync needed)."""
        if frame.get("type") == "snapshot":
            self.state, self.version = frame["state"], frame["version"]
        elif frame.get("type") == "error" and frame.get("code") == "stale_version":
            if frame["state"]["version"] > self.version:  # never step back behind updates
                self.take(frame["state"])
        elif frame.get("type") == "update" and self.state is not None:
            if frame["version"] <= self.version:
                return True
            if frame.get("from_version", frame["version"] - 1) != self.version:
                return False
            self.state = apply_patch(self.state, frame["patch"])
            self.version = frame["version"]
        return True


class Console:
    """A moderator's socket that mirrors the state and waits for the answer to its commands."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.mirror = Mirror()

    @classmethod
    async def open(cls, url: str, token: str) -> Console:
        console = cls(await connect(url, max_size=2**24))
        await console.connection.send(orjson.dumps({"type": "hello", "token": token}).decode())
        await console.read_until(lambda f: f["type"] == "snapshot")
        return console

    async def read_until(self, predicate: Any, timeout: float = 20.0) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                frame = orjson.loads(await self.connection.recv())
                assert self.mirror.take(frame), f"an update skipped a version: {frame}"
                if predicate(frame):
                    return dict(frame)

    async def send(self, command_id: str, command: dict[str, Any], **envelope: Any) -> None:
        frame = {"type": "command", "command_id": command_id, "command": command, **envelope}
        await self.connection.send(orjson.dumps(frame).decode())

    async def answer(self, command_id: str) -> dict[str, Any]:
        return await self.read_until(
            lambda f: f["type"] in ("ack", "error") and f.get("command_id") == command_id
        )

    async def at_version(self, version: int) -> None:
        if self.mirror.version < version:
            await self.read_until(lambda f: self.mirror.version >= version)


def read_log(database_url: str, event_id: str) -> list[LogRecord]:
    """The event's floor log as the server wrote it, read with the app's store."""
    engine = make_engine(database_url)
    try:
        return Store(engine).read_log(event_id)
    finally:
        engine.dispose()


def recorded_command_ids(database_url: str, event_id: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        return {row.command_id for row in Store(engine).commands(event_id)}
    finally:
        engine.dispose()


def fold_segment(records: list[LogRecord], event_id: str, segment_id: str) -> SegmentState:
    """A fresh fold of the log with the pure core (app/floor/fold.py)."""
    state = HearingState(event_id=event_id)
    for record in records:
        state = apply(state, e.event_from_json(record.payload))
    return state.segments[segment_id]


def moderator_view(segment: SegmentState) -> dict[str, Any]:
    return view(segment, Audience.MODERATOR)


def now_ms() -> int:
    return time.time_ns() // 1_000_000
