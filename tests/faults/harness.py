"""Crash harness: real clients, a real server, and ``kill -9`` at random moments.

    .venv/bin/python -m tests.faults.harness --kills 100 --commands 10000 [--database-url URL]

One ``floorkeeper serve`` process (SQLite in a temporary directory unless ``--database-url``),
an event with a live segment, 20 self-registered delegates and 2 moderators (a moderator access
link and the organiser key). Moderators keep a mirror of the live state over their WebSocket
(snapshot + updates, resuming with ``last_version``) and send random valid-ish commands over the
socket (about one in ten over REST); delegates follow their own requests over their socket and
request / withdraw the floor over REST. Every intention gets a fresh command id. A supervisor
``kill -9``s the server at random moments and starts it again on the same port and database.
Clients reconnect and resend whatever was not answered with the same command id and body until
they get an answer: an ack, or a domain refusal (a refusal is an answer, not a loss).

Afterwards, from the log in the database (read with app/store) and the live server:

- every acknowledged command's events are in the log, exactly once, with the acked types and
  version; no refused command left an event; no event has a command id nobody sent;
- every answer marked ``duplicate`` matches the log;
- the live state (GET /segments/{id}/state) equals a fresh fold of the log (app/floor/fold.py),
  and so does each moderator's mirror, and so does the state after one more kill -9 + restart.

Exit status 0 when every check passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import tempfile
import time
import traceback
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from tests.e2e.server import ORGANISER_KEY, Api

from .live import (
    Delegate,
    FaultServer,
    Hearing,
    Mirror,
    fold_segment,
    moderator_view,
    open_hearing,
    read_log,
    recorded_command_ids,
)

#: How long a client waits for the answer to one command before it counts the connection as
#: broken and resends (the server may be slow on a loaded machine, but it must answer).
ANSWER_TIMEOUT_S = 20.0
#: ``storage_unavailable`` says "nothing was applied, retry"; this many in a row for one command
#: with the server up means the segment is wedged: reported, and the command given up.
UNAVAILABLE_IN_A_ROW = 50
#: Statuses of a delegate's request that may still be withdrawn.
OPEN = ("pending", "queued")


class Lost(Exception):
    """The connection broke (or the server is down) before the answer came."""


@dataclass
class Outcome:
    """One intention of one client: its command id, what it sent, and the answer it got."""

    command_id: str
    client: str
    transport: str
    body: dict[str, Any]
    sends: int = 0
    answer: dict[str, Any] | None = None
    refusal: str | None = None
    unavailable: int = 0


@dataclass
class Tally:
    kills: int = 0
    sent: int = 0
    acked: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    duplicates: int = 0
    timeouts: int = 0
    unavailable: int = 0
    reconnects: int = 0
    server_errors: list[str] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return self.acked + sum(self.refused.values())


@dataclass
class Report:
    tally: Tally
    problems: list[str]
    wall_s: float
    log_events: int
    final_version: int
    restarts_s: list[float]
    tracebacks: int
    seed: int = 0

    def summary(self) -> str:
        t = self.tally
        refused = ", ".join(f"{code} {n}" for code, n in t.refused.most_common())
        restart = sorted(self.restarts_s)
        median = restart[len(restart) // 2] if restart else 0.0
        lines = [
            f"kills:               {t.kills}",
            f"commands sent:       {t.sent}",
            f"acked:               {t.acked}",
            f"refused:             {sum(t.refused.values())} ({refused})",
            f"retries (resends):   {t.retries}",
            f"duplicates answered: {t.duplicates}",
            f"answer timeouts:     {t.timeouts}",
            f"storage_unavailable: {t.unavailable}",
            f"reconnects:          {t.reconnects}",
            f"server errors (5xx / internal): {len(t.server_errors)}",
            f"server tracebacks in log: {self.tracebacks}",
            f"events in the log:   {self.log_events} (segment at version {self.final_version})",
            f"restart (median / max): {median:.2f} s / {max(restart, default=0.0):.2f} s",
            f"wall time:           {self.wall_s:.1f} s (seed {self.seed})",
            f"problems:            {len(self.problems)}",
        ]
        lines += [f"  - {problem}" for problem in self.problems[:50]]
        return "\n".join(lines)


class Harness:
    def __init__(
        self,
        server: FaultServer,
        kills: int,
        commands: int,
        seed: int,
        delegates: int = 20,
        rest_share: float = 0.1,
        drops: float = 0.0,
    ) -> None:
        self.server = server
        self.kill_target = kills
        self.command_target = commands
        self.rng = random.Random(seed)
        self.delegate_count = delegates
        self.rest_share = rest_share
        self.drop_share = drops
        self.tally = Tally()
        self.outcomes: dict[str, Outcome] = {}
        self.run = uuid.uuid4().hex[:6]
        self.counter = 0
        self.up = asyncio.Event()
        self.progress = asyncio.Condition()
        self.restarts: list[float] = []
        self.hearing: Hearing

    # --- bookkeeping --------------------------------------------------------------------------

    def want_more(self) -> bool:
        return self.tally.sent < self.command_target or self.tally.kills < self.kill_target

    def new_outcome(self, client: str, transport: str, body: dict[str, Any]) -> Outcome:
        self.counter += 1
        outcome = Outcome(f"{client}-{self.run}-{self.counter}", client, transport, body)
        self.outcomes[outcome.command_id] = outcome
        self.tally.sent += 1
        return outcome

    async def answered(self, outcome: Outcome, answer: dict[str, Any], refusal: str | None) -> None:
        outcome.answer, outcome.refusal = answer, refusal
        if refusal is None:
            self.tally.acked += 1
            if answer.get("duplicate"):
                self.tally.duplicates += 1
        else:
            self.tally.refused[refusal] += 1
        async with self.progress:
            self.progress.notify_all()

    def wedged(self, outcome: Outcome) -> bool:
        """Count a ``storage_unavailable``; True when it is time to give up on this command."""
        self.tally.unavailable += 1
        outcome.unavailable += 1
        if outcome.unavailable < UNAVAILABLE_IN_A_ROW:
            return False
        self.tally.server_errors.append(
            f"{outcome.command_id}: storage_unavailable {outcome.unavailable} times in a row"
        )
        return True

    async def server_is_back(self) -> None:
        """Wait until the supervisor has the server up again (bounded: a client re-checks)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.up.wait(), 5.0)

    # --- the supervisor -----------------------------------------------------------------------

    async def supervise(self) -> None:
        spacing = self.command_target / (self.kill_target + 1)
        while self.tally.kills < self.kill_target:
            target = self.tally.answered + self.rng.uniform(0.3, 1.7) * spacing

            def reached(target: float = target) -> bool:
                return self.tally.answered >= target

            async with self.progress:
                await self.progress.wait_for(reached)
            # land the kill at a random instant between frames, not right after an answer
            await asyncio.sleep(self.rng.uniform(0.0, 0.03))
            await self.kill_and_restart()

    async def kill_and_restart(self, counted: bool = True) -> None:
        self.up.clear()
        await asyncio.to_thread(self.server.kill9)
        self.tally.kills += counted
        began = time.monotonic()
        await asyncio.to_thread(self.server.start)
        self.restarts.append(time.monotonic() - began)
        self.up.set()

    # --- moderators ---------------------------------------------------------------------------

    async def moderator(self, name: str, token: str) -> None:
        console = RetryingConsole(self, name, token)
        rest = httpx.AsyncClient(
            base_url=self.server.base,
            headers={"Authorization": f"Bearer {token}"},
            timeout=ANSWER_TIMEOUT_S,
        )
        try:
            while self.want_more():
                await console.ensure_connected()
                assert console.mirror.state is not None
                command = choose_command(
                    self.rng, console.mirror.state, [d.participant_id for d in self.delegates]
                )
                envelope: dict[str, Any] = {"command": command}
                if self.rng.random() < 0.3:
                    envelope["base_version"] = console.mirror.version
                if self.rng.random() < self.rest_share:
                    outcome = self.new_outcome(name, "rest", envelope)
                    await self.rest_until_answered(
                        rest, outcome, "POST", f"/api/v1/segments/{self.segment_id}/commands"
                    )
                else:
                    outcome = self.new_outcome(name, "ws", envelope)
                    await console.until_answered(outcome)
        finally:
            await console.close()
            await rest.aclose()

    # --- delegates ----------------------------------------------------------------------------

    async def delegate(self, delegate: Delegate) -> None:
        phone = Phone(self, delegate)
        follow = asyncio.create_task(phone.follow())
        rest = httpx.AsyncClient(
            base_url=self.server.base,
            headers={"Authorization": f"Bearer {delegate.token}"},
            timeout=ANSWER_TIMEOUT_S,
        )
        client = f"d{delegate.participant_id}"
        try:
            while self.want_more():
                # a phone is slower than a console: act once in a while, as the hearing moves on
                mark = self.tally.answered + self.rng.randint(10, 70)

                def moved_on(mark: int = mark) -> bool:
                    return self.tally.answered >= mark or not self.want_more()

                async with self.progress:
                    await self.progress.wait_for(moved_on)
                if not self.want_more():
                    break
                open_requests = [r for r in phone.requests if r["status"] in OPEN]
                roll = self.rng.random()
                if (open_requests and roll < 0.35) or (roll < 0.05 and phone.requests):
                    # withdraw one of their requests (now and then one that is long closed)
                    pool = open_requests if open_requests and roll < 0.35 else phone.requests
                    request_id = self.rng.choice(pool)["id"]
                    outcome = self.new_outcome(client, "rest", {"withdraw": request_id})
                    path = f"/api/v1/segments/{self.segment_id}/floor-requests/{request_id}"
                    await self.rest_until_answered(rest, outcome, "DELETE", path)
                else:
                    kind = self.rng.choices(
                        ["intervention", "point_of_order", "right_of_reply"], [8, 1, 1]
                    )[0]
                    body = {"kind": kind, "note": self.rng.choice(["", "On decent work"])}
                    outcome = self.new_outcome(client, "rest", body)
                    path = f"/api/v1/segments/{self.segment_id}/floor-requests"
                    answer = await self.rest_until_answered(rest, outcome, "POST", path)
                    if answer is not None and "requests" in answer:
                        phone.saw_requests(answer["version"], answer["requests"])
        finally:
            follow.cancel()
            with contextlib.suppress(BaseException):
                await follow
            await rest.aclose()

    # --- REST with retries --------------------------------------------------------------------

    async def rest_until_answered(
        self, client: httpx.AsyncClient, outcome: Outcome, method: str, path: str
    ) -> dict[str, Any] | None:
        """Send until the server answers; the same command id and body every time."""
        if method == "DELETE":
            kwargs: dict[str, Any] = {"params": {"command_id": outcome.command_id}}
        else:
            kwargs = {"json": {"command_id": outcome.command_id, **outcome.body}}
        while True:
            outcome.sends += 1
            if outcome.sends > 1:
                self.tally.retries += 1
            try:
                response = await client.request(method, path, **kwargs)
            except httpx.TimeoutException:
                self.tally.timeouts += 1
                continue
            except httpx.TransportError:
                await self.server_is_back()
                continue
            try:
                body = response.json() if response.content else {}
            except ValueError:
                body = {"error": {"code": "not_json", "message": response.text[:300]}}
            if response.status_code == 503 and not self.wedged(outcome):
                continue  # storage_unavailable: nothing applied, retry with the same id
            if response.status_code >= 500:
                self.tally.server_errors.append(f"{outcome.command_id}: {response.text[:300]}")
                await self.answered(outcome, body, f"http_{response.status_code}")
                return None
            if response.status_code >= 300:
                await self.answered(outcome, body, body["error"]["code"])
                return None
            await self.answered(outcome, body, None)
            return dict(body)

    # --- the run ------------------------------------------------------------------------------

    @property
    def segment_id(self) -> str:
        return self.hearing.segment_id

    @property
    def delegates(self) -> list[Delegate]:
        return self.hearing.delegates

    async def main(self) -> Report:
        began = time.monotonic()
        await asyncio.to_thread(self.server.start)
        self.up.set()
        api = Api(self.server.base)
        self.hearing = await asyncio.to_thread(open_hearing, api, self.delegate_count)
        clients = [
            self.moderator("m1", self.hearing.moderator_token),
            self.moderator("m2", ORGANISER_KEY),
            *(self.delegate(d) for d in self.delegates),
        ]
        supervisor = asyncio.create_task(self.supervise())
        results = await asyncio.gather(*clients, return_exceptions=True)
        problems = [
            "client crashed: " + "".join(traceback.format_exception(r))[-1500:]
            for r in results
            if isinstance(r, BaseException)
        ]
        supervisor.cancel()
        with contextlib.suppress(BaseException):
            await supervisor
        if not self.up.is_set():  # a kill was under way when the clients finished
            await asyncio.to_thread(self.server.start)
        report = await self.verify(api, problems)
        report.wall_s = time.monotonic() - began
        return report

    async def verify(self, api: Api, problems: list[str]) -> Report:
        url, event_id, segment_id = self.server.database_url, self.hearing.event_id, self.segment_id
        records = await asyncio.to_thread(read_log, url, event_id)
        live = await asyncio.to_thread(api.state, segment_id)
        problems += check_log(records, self.outcomes, {"setup-segment", "setup-start"})
        remembered = await asyncio.to_thread(recorded_command_ids, url, event_id)
        for outcome in self.outcomes.values():
            if outcome.refusal is None and outcome.command_id not in remembered:
                problems.append(f"{outcome.command_id}: acked but not in the commands table")
        folded = fold_segment(records, event_id, segment_id)
        if live["version"] != folded.version:
            problems.append(f"live version {live['version']} != folded {folded.version}")
        if live["state"] != moderator_view(folded):
            problems.append("the live state differs from a fresh fold of the log")
        speeches = await asyncio.to_thread(api.ok, "GET", f"/segments/{segment_id}/speeches")
        if [s["entry_id"] for s in speeches] != [s.entry_id for s in folded.speeches]:
            problems.append("GET /speeches differs from the speeches of the fold")
        # each console's mirror, built from snapshots and updates across the restarts, agrees
        for name, token in (("m1", self.hearing.moderator_token), ("m2", ORGANISER_KEY)):
            console = RetryingConsole(self, f"{name}-check", token)
            await console.ensure_connected()
            if console.mirror.state != live["state"]:
                problems.append(f"a fresh console's view differs from GET /state ({name})")
            await console.close()
        # one more kill -9: the state after the restart is the same
        await self.kill_and_restart(counted=False)
        again = await asyncio.to_thread(api.state, segment_id)
        if (again["version"], again["state"]) != (live["version"], live["state"]):
            problems.append("the state after a final kill -9 and restart differs")
        for error in self.tally.server_errors:
            problems.append(f"server error: {error}")
        return Report(
            tally=self.tally,
            problems=problems,
            wall_s=0.0,
            log_events=len(records),
            final_version=folded.version,
            restarts_s=self.restarts,
            tracebacks=self.server.tracebacks(),
        )


def check_log(records: list[Any], outcomes: dict[str, Outcome], setup: set[str]) -> list[str]:
    """Zero acknowledged commands lost, zero applied twice, nothing refused yet applied."""
    problems = []
    by_command: dict[str | None, list[Any]] = defaultdict(list)
    for record in records:
        by_command[record.command_id].append(record)
    for outcome in outcomes.values():
        rows = by_command.get(outcome.command_id, [])
        types = [row.type for row in rows]
        if outcome.answer is None:
            problems.append(f"{outcome.command_id}: never answered")
        elif outcome.refusal is None:
            events = outcome.answer.get("events", [])
            if types != events:
                what = "lost" if not types else "applied twice" if len(types) > len(events) else ""
                problems.append(
                    f"{outcome.command_id}: acked {events} but the log has {types} {what}"
                )
            elif rows and rows[-1].version != outcome.answer["version"]:
                problems.append(
                    f"{outcome.command_id}: acked version {outcome.answer['version']} "
                    f"but the log has {rows[-1].version}"
                )
        elif rows:
            problems.append(f"{outcome.command_id}: refused ({outcome.refusal}) but in the log")
    unknown = set(by_command) - set(outcomes) - setup
    if unknown:
        problems.append(f"events with command ids nobody sent: {sorted(map(str, unknown))[:5]}")
    by_segment: dict[str, list[int]] = defaultdict(list)
    for record in records:
        by_segment[record.segment_id].append(record.version)
    for segment_id, versions in by_segment.items():
        if versions != list(range(1, len(versions) + 1)):
            problems.append(f"segment {segment_id}: versions are not 1..n in log order")
    return problems


# --- the clients' connections -------------------------------------------------------------------


class RetryingConsole:
    """A moderator's socket: a mirror of the state, commands answered by ack or error."""

    def __init__(self, harness: Harness, name: str, token: str) -> None:
        self.harness = harness
        self.name = name
        self.token = token
        self.connection: ClientConnection | None = None
        self.mirror = Mirror()

    @property
    def url(self) -> str:
        return f"{self.harness.server.ws_base}/ws/segments/{self.harness.segment_id}"

    async def ensure_connected(self) -> None:
        """(Re)connect, resume from the mirror's version, and read until in sync."""
        while self.connection is None:
            try:
                connection = await connect(self.url, max_size=2**24, open_timeout=5)
            except (OSError, WebSocketException, TimeoutError):
                await self.harness.server_is_back()
                continue
            self.connection = connection
            try:
                await self.resync()
                await self.read_until(lambda f: f["type"] in ("snapshot", "synced"))
            except Lost:
                await self.drop()
                await self.harness.server_is_back()
            else:
                self.harness.tally.reconnects += 1

    async def resync(self) -> None:
        hello: dict[str, Any] = {"type": "hello", "token": self.token}
        if self.mirror.state is not None:
            hello |= {"segment_id": self.harness.segment_id, "last_version": self.mirror.version}
        await self.send(hello)

    async def send(self, frame: dict[str, Any]) -> None:
        assert self.connection is not None
        try:
            await self.connection.send(orjson.dumps(frame).decode())
        except (OSError, WebSocketException) as error:
            raise Lost() from error

    async def read_until(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        assert self.connection is not None
        try:
            async with asyncio.timeout(ANSWER_TIMEOUT_S):
                while True:
                    frame = orjson.loads(await self.connection.recv())
                    if not self.mirror.take(frame):
                        await self.resync()  # a gap: ask for what was missed
                    if predicate(frame):
                        return dict(frame)
        except TimeoutError:
            self.harness.tally.timeouts += 1
            raise Lost() from None
        except (OSError, WebSocketException) as error:
            raise Lost() from error

    async def until_answered(self, outcome: Outcome) -> None:
        frame = {"type": "command", "command_id": outcome.command_id, **outcome.body}
        mine = outcome.command_id
        while True:
            outcome.sends += 1
            if outcome.sends > 1:
                self.harness.tally.retries += 1
            try:
                await self.ensure_connected()
                await self.send(frame)
                if self.harness.rng.random() < self.harness.drop_share:
                    # the console's Wi-Fi drops with the command in flight
                    assert self.connection is not None
                    self.connection.transport.abort()
                    raise Lost()
                answer = await self.read_until(
                    lambda f: f["type"] in ("ack", "error") and f.get("command_id") == mine
                )
            except Lost:
                await self.drop()
                continue
            if answer["type"] == "ack":
                await self.harness.answered(outcome, answer, None)
                return
            if answer["code"] == "storage_unavailable" and not self.harness.wedged(outcome):
                continue
            if answer["code"] == "internal":
                self.harness.tally.server_errors.append(f"{mine}: {answer['message']}")
            await self.harness.answered(outcome, answer, answer["code"])
            return

    async def drop(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await self.connection.close()
        self.connection = None

    async def close(self) -> None:
        await self.drop()


class Phone:
    """A delegate's socket: follows their own requests (``mine``) across restarts."""

    def __init__(self, harness: Harness, delegate: Delegate) -> None:
        self.harness = harness
        self.delegate = delegate
        self.version = -1
        self.requests: list[dict[str, Any]] = []

    def saw_requests(self, version: int, requests: list[dict[str, Any]]) -> None:
        if version >= self.version:
            self.version, self.requests = version, requests

    async def follow(self) -> None:
        url = f"{self.harness.server.ws_base}/ws/segments/{self.harness.segment_id}"
        hello = orjson.dumps({"type": "hello", "token": self.delegate.token}).decode()
        while True:
            try:
                async with connect(url, max_size=2**24, open_timeout=5) as connection:
                    await connection.send(hello)
                    async for text in connection:
                        frame = orjson.loads(text)
                        if frame["type"] == "snapshot":
                            self.saw_requests(frame["version"], frame.get("mine", []))
                        elif frame["type"] == "mine":
                            self.saw_requests(frame["version"], frame["requests"])
            except (OSError, WebSocketException, TimeoutError):
                pass
            await self.harness.server_is_back()


# --- what a moderator does next -----------------------------------------------------------------

KINDS = ["panellist", "intervention", "point_of_order", "right_of_reply", "remarks"]


def choose_command(
    rng: random.Random, state: dict[str, Any], participants: list[str]
) -> dict[str, Any]:
    """A random, mostly valid command for what the console shows (refusals are fine too)."""
    queue, requests, current = state["queue"], state["requests"], state["current"]
    live = state["segment"]["status"] == "live"
    timer = current["timer"]["state"] if current else None
    options: list[tuple[float, Callable[[], dict[str, Any]]]] = [
        (6 if requests else 0.1, lambda: _approve(rng, requests, queue)),
        (1.5 if requests else 0, lambda: _on_request(rng, "decline_request", requests)),
        (0.4 if requests else 0, lambda: _on_request(rng, "withdraw_request", requests)),
        (1.5, lambda: _guest(rng)),
        (0.5, lambda: {"type": "add_speaker", "participant_id": rng.choice(participants)}),
        (5 if queue or current else 0.3, lambda: {"type": "call_next"}),
        (2.5 if timer == "idle" else 0.1, lambda: {"type": "start_timer"}),
        (1 if timer == "running" else 0.1, lambda: {"type": "pause_timer"}),
        (1 if timer == "paused" else 0.1, lambda: {"type": "resume_timer"}),
        (1 if current else 0.1, lambda: _adjust(rng)),
        (0.3, lambda: {"type": "reset_timer"}),
        (0.5, lambda: {"type": "end_turn"}),
        (1.5 if len(queue) > 1 else 0, lambda: _move(rng, queue)),
        (0.5 if queue else 0, lambda: {"type": "remove_entry", "entry_id": _entry(rng, queue)}),
        (0.7, lambda: {"type": "undo"}),
        (0.5, lambda: {"type": "set_message", "text": rng.choice(["Please conclude", "1 min"])}),
        (0.3, lambda: {"type": "clear_message"}),
        (0.2, lambda: {"type": "close_list"}),
        (0.4, lambda: {"type": "reopen_list"}),
        (0.1, lambda: {"type": "set_floor_mode", "mode": rng.choice(["open", "moderated"])}),
        (0.1, lambda: {"type": "set_queue_cap", "cap": rng.choice([None, 30])}),
        (0.1, lambda: _default_time(rng)),
        (0.1, lambda: {"type": "set_thresholds", "warning_ms": 30_000, "danger_ms": 10_000}),
        (0.1, lambda: {"type": "update_segment", "aim": f"Aim {rng.randrange(100)}"}),
        (0.05 if live else 0, lambda: {"type": "end_segment"}),
        (0 if live else 5, lambda: {"type": "start_segment"}),
        (0.2, lambda: {"type": "approve_request", "request_id": "nosuchrequest"}),
    ]
    weights = [weight for weight, _ in options]
    return rng.choices([make for _, make in options], weights)[0]()


def _approve(rng: random.Random, requests: list[Any], queue: list[Any]) -> dict[str, Any]:
    if not requests:
        return {"type": "approve_request", "request_id": "gone0000000"}
    command = {"type": "approve_request", "request_id": rng.choice(requests)["id"]}
    if rng.random() < 0.2:
        command["position"] = rng.randrange(len(queue) + 2)
    return command


def _on_request(rng: random.Random, kind: str, requests: list[Any]) -> dict[str, Any]:
    command = {"type": kind, "request_id": rng.choice(requests)["id"]}
    if kind == "decline_request":
        command["reason"] = rng.choice(["", "Time is short"])
    return command


def _guest(rng: random.Random) -> dict[str, Any]:
    command: dict[str, Any] = {
        "type": "add_speaker",
        "name": f"Guest {rng.randrange(1000)}",
        "kind": rng.choice(KINDS),
    }
    if rng.random() < 0.3:
        command["allotted_ms"] = rng.choice([60_000, 120_000, 240_000])
    return command


def _adjust(rng: random.Random) -> dict[str, Any]:
    return {"type": "adjust_time", "delta_ms": rng.choice([-30_000, -10_000, 15_000, 60_000])}


def _move(rng: random.Random, queue: list[Any]) -> dict[str, Any]:
    return {"type": "move_entry", "entry_id": _entry(rng, queue), "position": rng.randrange(6)}


def _entry(rng: random.Random, queue: list[Any]) -> str:
    return str(rng.choice(queue)["id"])


def _default_time(rng: random.Random) -> dict[str, Any]:
    duration = rng.choice([120_000, 180_000, 240_000])
    return {"type": "set_default_time", "kind": "intervention", "duration_ms": duration}


# --- running it ---------------------------------------------------------------------------------


def run(
    kills: int,
    commands: int,
    database_url: str | None = None,
    workdir: Path | None = None,
    seed: int | None = None,
    delegates: int = 20,
    drops: float = 0.0,
) -> Report:
    seed = random.randrange(2**32) if seed is None else seed
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fk-crash-")))
        url = database_url or f"sqlite:///{workdir / 'floor.db'}"
        server = FaultServer(url, workdir / "server.log")
        harness = Harness(server, kills, commands, seed, delegates, drops=drops)
        try:
            report = asyncio.run(harness.main())
        finally:
            server.stop()
        report.seed = seed
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.harness", description=__doc__)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--commands", type=int, default=10_000)
    parser.add_argument("--delegates", type=int, default=20)
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--workdir", type=Path, help="keep the database and server log here")
    parser.add_argument("--seed", type=int)
    parser.add_argument(
        "--drops",
        type=float,
        default=0.0,
        help="share of console commands whose socket the client aborts right after sending "
        "(a console losing its Wi-Fi mid-command); default 0",
    )
    args = parser.parse_args(argv)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    report = run(
        args.kills,
        args.commands,
        args.database_url,
        args.workdir,
        args.seed,
        args.delegates,
        args.drops,
    )
    print(report.summary(), flush=True)
    return 0 if not report.problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
