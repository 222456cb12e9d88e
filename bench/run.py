"""The harness: three servers, the same clients, the same scenarios, one table.

    .venv/bin/python -m bench                      # the default sizes (2-core machine)
    .venv/bin/python -m bench --subscribers 20 --seconds 2 --burst 10 --queued 20   # smoke

Servers, each started as its own process and measured in turn in the same run:

- ``reference``: bench/reference.py, a bare ``websockets`` server calling ``broadcast()`` with
  one pre-encoded frame per command (the best Python can do);
- ``naive``: bench/naive.py, FastAPI looping ``await ws.send_json(state)`` over its clients
  with uvicorn's defaults;
- ``floorkeeper``: ``python -m app.cli serve`` (SQLite, every commit fsynced), driven through
  its real command API (the moderator's WebSocket ``command`` frame; floor requests through
  ``POST /api/v1/segments/{id}/floor-requests`` as the delegate page does), with every client
  limit switched off (``FLOORKEEPER_*_PER_* = 0``) so that one machine may play 2,000 phones.

Clients: ``--client-procs`` worker processes (default 2) hold the subscribers; the harness
process holds the moderator and paces the commands. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from app.config import Limits

from .client import cpu_seconds, open_socket, raise_file_limit, rss_bytes, worker_main
from .procs import stop as stop_process

ROOT = Path(__file__).resolve().parent.parent
ORGANISER_KEY = "bench-organiser-key-0123456789"
#: Every per-client limit off: the bench plays thousands of clients from one address.
NO_LIMITS = Limits.env_off()
SERVERS = ("reference", "naive", "floorkeeper")
#: What a run measures, in this order (``--scenarios``); the subscribers connect in ``idle``.
SCENARIOS = ("idle", "fanout", "slow", "storm", "burst", "update")
#: How Floorkeeper's delegates send the burst's floor requests (``--burst-via``): REST, or a
#: ``command`` frame on the socket each already holds (the delegate page's way). The reference
#: and naive servers get a command frame on a socket either way (they have no REST).
BURST_WAYS = ("rest", "socket")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


# --- servers -------------------------------------------------------------------------------------


class Server:
    def __init__(
        self,
        kind: str,
        workdir: Path,
        floorkeeper_root: Path,
        database: str | None = None,
        redis: str | None = None,
        name: str | None = None,
        durable: bool = False,
    ) -> None:
        """``database``, ``redis``: Floorkeeper's ``--database-url`` (default: SQLite in
        ``workdir``) and ``--redis-url``; ``name``: its log's (default: ``kind``); ``durable``:
        the reference writes each command to a SQLite log before it answers."""
        self.kind = kind
        self.port = free_port()
        self.workdir = workdir
        self.log = workdir / f"{name or kind}.log"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        cwd = ROOT
        if kind == "reference":
            args = [sys.executable, "-m", "bench.reference", "--port", str(self.port)]
            if durable:
                args += ["--durable", str(workdir / "reference.db")]
        elif kind == "naive":
            args = [sys.executable, "-m", "bench.naive", "--port", str(self.port)]
        else:
            cwd = floorkeeper_root
            env = {**os.environ, **NO_LIMITS, "PYTHONPATH": str(floorkeeper_root)}
            env["FLOORKEEPER_ORGANISER_KEY"] = ORGANISER_KEY
            database = database or f"sqlite:///{workdir / 'floorkeeper.db'}"
            args = [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)]
            args += ["--database-url", database]
            if redis is not None:
                args += ["--redis-url", redis]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.http = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: {self.log.read_text()[-3000:]}")
            try:
                if self.kind == "floorkeeper":
                    if httpx.get(f"{self.http}/api/v1/health", timeout=1).status_code == 200:
                        return
                else:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        time.sleep(0.3)
                        return
            except (OSError, httpx.HTTPError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} did not start: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        stop_process(self.process)


@dataclass
class Target:
    """Where the clients go, and with which credentials."""

    sub_url: str
    moderator_url: str
    moderator_token: str | None = None
    subscriber_tokens: list[str | None] = field(default_factory=list)
    segment_id: str | None = None
    delegate_tokens: list[tuple[str, str]] = field(default_factory=list)  # (participant, token)
    api: str | None = None
    #: a socket on another segment of the day (not started): the socket burst's delegates
    #: connect there, so that the burst segment's updates go to the room or to nobody, as for
    #: REST, and send their commands with the burst segment's id
    side_url: str | None = None


async def prepare_floorkeeper(server: Server, subscribers: int, delegates: int) -> Target:
    """An event with one live segment, a moderator link, a display link, registered delegates."""
    headers = {"Authorization": f"Bearer {ORGANISER_KEY}"}
    async with httpx.AsyncClient(base_url=f"{server.http}/api/v1", headers=headers) as api:

        async def ok(method: str, path: str, **kwargs: Any) -> Any:
            response = await api.request(method, path, timeout=60, **kwargs)
            assert response.status_code < 300, response.text
            return response.json() if response.content else None

        event = await ok("POST", "/events", json={"title": "Bench hearing"})
        segment = await ok(
            "POST",
            f"/events/{event['id']}/segments",
            json={"title": "Bench segment", "command_id": "bench-seg"},
        )
        body = {"command_id": "bench-start", "command": {"type": "start_segment"}}
        await ok("POST", f"/segments/{segment['id']}/commands", json=body)
        side = await ok(
            "POST",
            f"/events/{event['id']}/segments",
            json={"title": "Bench side segment", "command_id": "bench-side"},
        )
        links = f"/events/{event['id']}/access-links"
        moderator = await ok("POST", links, json={"role": "moderator"})
        display = await ok("POST", links, json={"role": "display"})
        gate = asyncio.Semaphore(16)

        async def join(n: int) -> tuple[str, str]:
            async with gate:
                joined = await ok(
                    "POST",
                    f"/events/{event['id']}/participants",
                    json={
                        "join_code": event["join_code"],
                        "name": f"Delegate {n}",
                        "organisation": f"Mission {n % 193}",
                        "constituency": "member_state",
                    },
                )
                return joined["participant"]["id"], joined["token"]

        delegate_tokens = await asyncio.gather(*(join(n) for n in range(delegates)))
    tokens: list[str | None] = [token for _, token in delegate_tokens[:subscribers]]
    tokens += [display["token"]] * (subscribers - len(tokens))
    return Target(
        sub_url=f"{server.ws}/ws/segments/{segment['id']}",
        moderator_url=f"{server.ws}/ws/segments/{segment['id']}",
        moderator_token=moderator["token"],
        subscriber_tokens=tokens,
        segment_id=segment["id"],
        delegate_tokens=list(delegate_tokens),
        api=f"{server.http}/api/v1",
        side_url=f"{server.ws}/ws/segments/{side['id']}",
    )


# --- the moderator -------------------------------------------------------------------------------


class Moderator:
    """One socket that sends commands and keeps every answer (in the harness's own loop)."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url
        self.token = token
        self.ws: ClientConnection | None = None
        self.answers: dict[str, tuple[float, dict[str, Any]]] = {}
        self.sent: dict[str, float] = {}
        self.update_sizes: dict[int, int] = {}
        self.dump: asyncio.Future[dict[str, Any]] | None = None
        self.version = 0
        self.counter = 0
        #: why the moderator's socket no longer reads (answers will not come), if it does not
        self.gone: str | None = None

    async def open(self) -> None:
        self.ws = await open_socket(self.url)
        hello: dict[str, Any] = {"type": "hello"}
        if self.token:
            hello["token"] = self.token
        await self.ws.send(orjson.dumps(hello).decode())
        self.reader = asyncio.create_task(self.read(self.ws))
        while not self.version:  # noqa: ASYNC110 (the snapshot sets it)
            await asyncio.sleep(0.01)

    async def read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                frame = orjson.loads(raw)
                kind = frame.get("type")
                if kind in ("ack", "error") and frame.get("command_id"):
                    self.answers[frame["command_id"]] = (time.monotonic(), frame)
                elif kind == "dump" and self.dump is not None:
                    self.dump.set_result(frame)
                elif kind in ("update", "state") and isinstance(frame.get("version"), int):
                    self.update_sizes[frame["version"]] = len(raw)
                if isinstance(frame.get("version"), int) and kind != "mine":
                    self.version = max(self.version, frame["version"])
        except ConnectionClosed as closed:
            self.gone = f"the moderator's socket closed: {closed}"
        except Exception as error:  # a frame this reader did not expect: say so, do not hang
            self.gone = f"the moderator's reader failed: {error!r}"
            log("moderator", self.gone)
            raise

    async def send(self, command: dict[str, Any]) -> str:
        assert self.ws is not None
        self.counter += 1
        command_id = f"bench-{self.counter}-{uuid.uuid4().hex[:6]}"
        frame = {"type": "command", "command_id": command_id, "command": command}
        self.sent[command_id] = time.monotonic()
        await self.ws.send(orjson.dumps(frame).decode())
        return command_id

    async def paced(self, rate: float, seconds: float) -> list[str]:
        """Set a new message ``rate`` times a second for ``seconds``."""
        ids = []
        start = time.monotonic()
        for n in range(max(1, round(rate * seconds))):
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
            ids.append(await self.send({"type": "set_message", "text": f"Bench message {n}"}))
        return ids

    async def acked(self, ids: list[str], wait: float = 60) -> list[tuple[float, int]]:
        """(sent, version) of each acknowledged command, once all are answered."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and any(i not in self.answers for i in ids):
            if self.gone is not None:
                raise RuntimeError(self.gone)
            await asyncio.sleep(0.02)
        out = []
        for command_id in ids:
            answer = self.answers.get(command_id)
            if answer is not None and answer[1].get("type") == "ack":
                out.append((self.sent[command_id], int(answer[1]["version"])))
        return out

    async def request_dump(self) -> dict[str, Any]:
        assert self.ws is not None
        self.dump = asyncio.get_running_loop().create_future()
        await self.ws.send('{"type": "dump"}')
        return await asyncio.wait_for(self.dump, 30)

    async def close(self) -> None:
        if self.ws is not None:
            self.ws.transport.abort()


# --- worker processes ----------------------------------------------------------------------------


class Workers:
    def __init__(self, count: int, nice: int = 0) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes = []
        self.processes = []
        for _ in range(count):
            parent, child = context.Pipe()
            process = context.Process(target=worker_main, args=(child, nice), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)
        self.pool = ThreadPoolExecutor(max_workers=count)

    async def call(
        self, op: str, per_worker: list[dict[str, Any]] | None = None, **args: Any
    ) -> list[Any]:
        loop = asyncio.get_running_loop()

        def one(index: int) -> Any:
            pipe = self.pipes[index]
            pipe.send((op, per_worker[index] if per_worker else args))
            return pipe.recv()

        return list(
            await asyncio.gather(
                *(loop.run_in_executor(self.pool, one, i) for i in range(len(self.pipes)))
            )
        )

    def split(self, items: list[Any]) -> list[list[Any]]:
        return [items[i :: len(self.pipes)] for i in range(len(self.pipes))]

    async def cpu(self) -> float:
        return float(sum(c["cpu"] for c in await self.call("counters")))

    async def min_version(self) -> int:
        return int(min(c["min_version"] for c in await self.call("counters")))

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(("exit", {}))
                pipe.recv()
            except (OSError, EOFError):
                pass
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.kill()
        self.pool.shutdown()


# --- scenarios -----------------------------------------------------------------------------------


@dataclass
class Sizes:
    subscribers: int
    rate: float
    seconds: float
    slow_share: float
    burst: int
    burst_window: float
    queued: int
    storm_window: float
    storm_limit: float
    room_queue: int
    burst_with_room: bool = False
    scenarios: tuple[str, ...] = SCENARIOS
    burst_via: tuple[str, ...] = BURST_WAYS


async def wait_until(check: Callable[[], Any], wait: float, every: float = 0.1) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(every)
    return False


async def delivery(
    workers: Workers, acked: list[tuple[float, int]], since: float, group: int | None = None
) -> dict[str, Any]:
    """Latency from each command's send to its arrival at the last (fast) subscriber (of
    ``group``: those of one server process); ``per_command``: that latency for each command."""
    versions = [version for _, version in acked]
    parts = await workers.call("arrivals", versions=versions, since=since, group=group)
    missing = sum(p["missing"] for p in parts)
    last: list[float] = []
    first: list[float] = []
    middle: list[float] = []
    every: list[float] = []
    for index, (sent, _) in enumerate(acked):
        arrivals = [t for p in parts for t in p["fast"][index]]
        every.extend(t - sent for t in arrivals)
        if arrivals:
            last.append(max(arrivals) - sent)
            first.append(min(arrivals) - sent)
            middle.append(median(arrivals) - sent)
    return {
        "p50": percentile(last, 50),
        "p99": percentile(last, 99),
        "every_p99": percentile(every, 99),
        "deliveries": len(every),
        "missing": missing,
        "per_command": last,
        # the first and the median subscriber's latency per command (bench --processes: the hop
        # between processes, and a typical subscriber's extra, beside the last one's)
        "per_command_first": first,
        "per_command_median": middle,
    }


async def measure(
    kind: str, sizes: Sizes, workers: Workers, workdir: Path, args: argparse.Namespace
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    server = Server(kind, workdir, args.floorkeeper_root, durable=args.reference_durable)
    moderator: Moderator | None = None
    try:
        server.wait_ready()
        if kind == "floorkeeper":
            target = await prepare_floorkeeper(server, sizes.subscribers, sizes.burst)
        else:
            url = f"{server.ws}/" if kind == "reference" else f"{server.ws}/ws"
            target = Target(sub_url=url, moderator_url=url)
            target.subscriber_tokens = [None] * sizes.subscribers
        moderator = Moderator(target.moderator_url, target.moderator_token)
        await moderator.open()
        # the room as it is during a discussion: its panel queued before anyone watches, so a
        # server that sends the whole state sends a real one
        seated = [
            await moderator.send(
                {"type": "add_speaker", "name": f"Panellist {n + 1}", "constituency": "academia"}
            )
            for n in range(sizes.room_queue)
        ]
        await moderator.acked(seated)
        await asyncio.sleep(args.settle / 3)
        log(kind, "ready")

        # idle memory -----------------------------------------------------------------------
        rss_before = rss_bytes(server.pid)
        every = max(1, round(1 / sizes.slow_share)) if sizes.slow_share else 0
        specs = [
            {
                "url": target.sub_url,
                "token": token,
                "segment_id": target.segment_id,
                "slow": bool(every) and n % every == every - 1,
            }
            for n, token in enumerate(target.subscriber_tokens)
        ]
        ready = await workers.call(
            "connect", [{"specs": s, "wait": 120} for s in workers.split(specs)]
        )
        out["connected"] = sum(r["ready"] for r in ready)
        await asyncio.sleep(args.settle)
        out["idle_kb"] = (rss_bytes(server.pid) - rss_before) / max(1, out["connected"]) / 1024
        log(kind, f"idle: {out['connected']} connected, {out['idle_kb']:.1f} KB each")

        # fan-out ---------------------------------------------------------------------------
        async def fan_out(paused: bool) -> dict[str, Any]:
            start, cpu0, client0 = time.monotonic(), cpu_seconds(server.pid), await workers.cpu()
            peak = rss_bytes(server.pid)
            sampling = True

            async def sample() -> None:
                nonlocal peak
                while sampling:
                    peak = max(peak, rss_bytes(server.pid))
                    await asyncio.sleep(0.25)

            sampler = asyncio.create_task(sample())
            ids = await moderator.paced(sizes.rate, sizes.seconds)
            acked = await moderator.acked(ids)
            last = max((v for _, v in acked), default=0)

            async def fast_caught_up() -> bool:
                parts = await workers.call("arrivals", versions=[last], since=start)
                return bool(sum(p["missing"] for p in parts) == 0)

            await wait_until(fast_caught_up, 60, 0.25)
            sampling = False
            await sampler
            result = await delivery(workers, acked, start)
            cpu = cpu_seconds(server.pid) - cpu0
            wall = time.monotonic() - start
            result |= {
                "commands": len(ids),
                "acked": len(acked),
                "cpu_us": cpu / max(1, result["deliveries"]) * 1e6,
                "server_cpu": cpu / wall,
                "client_cpu": (await workers.cpu() - client0) / wall,
                "rss_growth_mb": (peak - rss_bytes(server.pid)) / 2**20,
                "peak_mb": peak / 2**20,
                "last": last,
            }
            return result

        want = set(sizes.scenarios)
        if "fanout" in want:
            out["fanout"] = await fan_out(paused=False)
            log(kind, f"fan-out: {out['fanout']}")

        # slow readers ----------------------------------------------------------------------
        if "slow" in want:
            rss_slow0 = rss_bytes(server.pid)
            slow = sum(await workers.call("pause_slow"))
            result = await fan_out(paused=True)
            result["rss_growth_mb"] = (result["peak_mb"] * 2**20 - rss_slow0) / 2**20
            result["slow"] = slow
            resumed = time.monotonic()
            await workers.call("resume_slow")
            await wait_until(
                lambda: _all_reached(workers, result["last"], resumed, slow_only=True), 60, 0.25
            )
            reached = await workers.call(
                "reached", version=result["last"], since=resumed, slow_only=True
            )
            times = [t for r in reached for t in r["times"] if t is not None]
            result["slow_caught_up"] = len(times)
            result["slow_catch_up_s"] = (max(times) - resumed) if times else None
            out["slow"] = result
            log(kind, f"slow: {result}")

        # reconnect storm -------------------------------------------------------------------
        if "storm" in want:
            start = time.monotonic()
            storm = asyncio.create_task(workers.call("storm", window=sizes.storm_window))
            ids = await moderator.paced(sizes.rate, sizes.storm_window)
            await storm
            acked = await moderator.acked(ids)
            goal = max((v for _, v in acked), default=moderator.version)
            await wait_until(
                lambda: _all_reached(workers, goal, start), sizes.storm_limit + 20, 0.25
            )
            reached = await workers.call("reached", version=goal, since=start)
            times = [t for r in reached for t in r["times"] if t is not None]
            out["storm"] = {
                "converged": len(times),
                "of": sum(len(r["times"]) for r in reached),
                "seconds": (max(times) - start) if times else None,
            }
            log(kind, f"storm: {out['storm']}")
        if not sizes.burst_with_room:
            await workers.call("close_all")

        # burst -----------------------------------------------------------------------------
        # (before the queue is filled for the update size: the requests make their own list)
        if "burst" in want:
            for round_, via in enumerate(sizes.burst_via):
                if round_:  # the requests of the last round declined: an empty list again
                    await decline_pending(kind, target)
                result = await burst(
                    kind, sizes, workers, target, moderator, via, round_, server.pid
                )
                out[f"burst_{via}"] = result
                log(kind, f"burst ({via}): {result}")

        # update size -----------------------------------------------------------------------
        if "update" in want:
            adds = [
                await moderator.send({"type": "add_speaker", "name": f"Speaker {n}"})
                for n in range(sizes.queued)
            ]
            await moderator.acked(adds, wait=300)
            measured = [await moderator.send({"type": "add_speaker", "name": "One more"})]
            measured.append(await moderator.send({"type": "set_message", "text": "Queue is long"}))
            if kind == "floorkeeper":
                state = await fetch_state(target)
                last_entry = state["state"]["queue"][-1]["id"]
                measured.append(
                    await moderator.send(
                        {"type": "move_entry", "entry_id": last_entry, "position": 0}
                    )
                )
            acked = await moderator.acked(measured)
            await asyncio.sleep(0.5)
            sizes_seen = [moderator.update_sizes.get(version, 0) for _, version in acked]
            out["update_bytes"] = max(sizes_seen, default=None) if kind != "reference" else None
            out["update_bytes_each"] = sizes_seen
            log(kind, f"update sizes at {sizes.queued} queued: {sizes_seen}")
    finally:
        if moderator is not None:
            await moderator.close()
        await workers.call("close_all")
        server.stop()
    return out


async def _all_reached(
    workers: Workers, version: int, since: float, slow_only: bool = False
) -> bool:
    reached = await workers.call("reached", version=version, since=since, slow_only=slow_only)
    return all(t is not None for r in reached for t in r["times"])


async def burst(
    kind: str,
    sizes: Sizes,
    workers: Workers,
    target: Target,
    moderator: Moderator,
    via: str = "rest",
    round_: int = 0,
    pid: int | None = None,
) -> dict[str, Any]:
    """``sizes.burst`` delegates request the floor, spread evenly over ``sizes.burst_window``:
    Floorkeeper's through REST (``via="rest"``, each on a connection of its own) or a command
    frame on the delegate's own socket, opened beforehand (``"socket"``: on another segment of
    the day, the command naming the burst's, so that only the room gets the burst's updates,
    as with REST and the reference); the others' through a command frame on a socket opened
    beforehand (without hello: not subscribed), either way. The server's CPU (process ``pid``)
    counts from the first request to 0.5 s after the last answer (what the requests left to do:
    publishing, the console's instruments); ``cpu_with_open_ms`` also counts the opening of the
    sockets before it (handshake; Floorkeeper's: hello and snapshot too), as this bench counted
    the reference's before."""
    specs: list[dict[str, Any]] = []
    for n in range(sizes.burst):
        offset = n * sizes.burst_window / max(1, sizes.burst)
        command_id = f"burst-{round_}-{n}"
        if kind == "floorkeeper" and via == "rest":
            _, token = target.delegate_tokens[n]
            specs.append(
                {
                    "via": "rest",
                    "url": f"{target.api}/segments/{target.segment_id}/floor-requests",
                    "token": token,
                    "body": {"command_id": command_id, "kind": "intervention"},
                    "offset": offset,
                }
            )
        elif kind == "floorkeeper":
            _, token = target.delegate_tokens[n]
            body = {
                "type": "command",
                "command_id": command_id,
                "segment_id": target.segment_id,
                "command": {"type": "request_floor", "kind": "intervention"},
            }
            specs.append(
                {"via": "socket", "url": target.side_url, "token": token, "body": body}
                | {"offset": offset}
            )
        else:
            body = {
                "type": "command",
                "command_id": command_id,
                "delegate": f"d{round_}-{n}",
                "command": {"type": "request_floor"},
            }
            specs.append({"via": "ws", "url": target.sub_url, "body": body, "offset": offset})
    split = workers.split(specs)
    opening = cpu_seconds(pid) if pid is not None else 0.0
    unready = sum(
        await workers.call("burst_prepare", [{"specs": part, "wait": 120} for part in split])
    )
    start = time.monotonic() + 0.3
    cpu0 = cpu_seconds(pid) if pid is not None else 0.0
    answers = [a for part in await workers.call("burst", start=start, wait=60) for a in part]
    await asyncio.sleep(0.5)
    cpu_ms = None if pid is None else (cpu_seconds(pid) - cpu0) / max(1, sizes.burst) * 1000
    # the same, counting the opening of each request's socket beforehand (REST: nothing is
    # opened beforehand, each request's connection is in its own figure already)
    with_open_ms = (
        None if pid is None else (cpu_seconds(pid) - opening) / max(1, sizes.burst) * 1000
    )
    latencies = [a[0] for a in answers if a[0] is not None and a[1] in (200, 201)]
    if kind == "floorkeeper":
        state = await fetch_state(target)
        present = Counter(r["participant_id"] for r in state["state"]["requests"])
        wanted = {participant for participant, _ in target.delegate_tokens[: sizes.burst]}
    else:
        dump = await moderator.request_dump()
        present = Counter(dump["requests"].keys())
        wanted = {f"d{round_}-{n}" for n in range(sizes.burst)}
    once = sum(1 for p in wanted if present.get(p) == 1)
    return {
        "acked": len(latencies),
        "of": sizes.burst,
        "unready": unready,
        "present_once": once,
        "doubled": sum(1 for c in present.values() if c > 1),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "cpu_ms": cpu_ms,
        "cpu_with_open_ms": with_open_ms,
        "errors": Counter(str(a[2])[:80] for a in answers if a[1] not in (200, 201)).most_common(3),
    }


async def decline_pending(kind: str, target: Target) -> None:
    """Decline every pending floor request (Floorkeeper), so that the next burst meets an empty
    list as the first did; the other servers keep theirs (they only count them). Through REST,
    50 at a time, so that they are written in group commits: on the moderator's one socket they
    would be handled one after the other, each published to the whole room, and the socket's
    unread frames would hold up its pongs until the server gave up on it (1011)."""
    if kind != "floorkeeper":
        return
    state = await fetch_state(target)
    headers = {"Authorization": f"Bearer {ORGANISER_KEY}"}
    gate = asyncio.Semaphore(50)
    async with httpx.AsyncClient(headers=headers, timeout=120) as http:

        async def decline(request_id: str) -> None:
            async with gate:
                body = {
                    "command_id": f"decline-{request_id}",
                    "command": {"type": "decline_request", "request_id": request_id},
                }
                response = await http.post(
                    f"{target.api}/segments/{target.segment_id}/commands", json=body
                )
                assert response.status_code < 300, response.text

        await asyncio.gather(*(decline(r["id"]) for r in state["state"]["requests"]))


async def fetch_state(target: Target) -> Any:
    """The segment as the moderator sees it (``GET .../state``)."""
    headers = {"Authorization": f"Bearer {ORGANISER_KEY}"}
    async with httpx.AsyncClient(headers=headers, timeout=60) as http:
        response = await http.get(f"{target.api}/segments/{target.segment_id}/state")
        return response.json()


def log(kind: str, message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {kind}: {message}", file=sys.stderr, flush=True)


# --- the table -----------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:.1f} ms"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}×"  # noqa: RUF001


def table(results: dict[str, dict[str, Any]], sizes: Sizes) -> str:
    ref, naive, fk = (results.get(k, {}) for k in SERVERS)

    def get(r: dict[str, Any], *path: str) -> Any:
        for key in path:
            if not isinstance(r, dict):
                return None
            r = r.get(key)  # type: ignore[assignment]
        return r

    rows: list[tuple[str, str, str, str, str, str, str]] = []

    def row(
        label: str,
        path: tuple[str, ...],
        fmt: Callable[[Any], str],
        target: str = "",
        ratios: bool = True,
    ) -> None:
        a, b, c = (get(r, *path) for r in (ref, naive, fk))
        if a is None and b is None and c is None:
            return  # a scenario this run left out
        rows.append(
            (
                label,
                fmt(a),
                fmt(b),
                fmt(c),
                _ratio(c, a) if ratios else "",
                _ratio(b, c) if ratios else "",
                target,
            )
        )

    n = sizes.subscribers
    row(
        f"fan-out p50, send → last of {n} (ms)",
        ("fanout", "p50"),
        _ms,
        "FK ≤ 1.3× ref; naive ≥ 4× FK",  # noqa: RUF001
    )
    row(f"fan-out p99, send → last of {n}", ("fanout", "p99"), _ms)
    row("fan-out p99, send → each delivery", ("fanout", "every_p99"), _ms)
    row(
        "server CPU per delivered message",
        ("fanout", "cpu_us"),
        lambda v: "—" if v is None else f"{v:.1f} µs",
    )
    row(
        "server CPU during fan-out (cores)",
        ("fanout", "server_cpu"),
        lambda v: "—" if v is None else f"{v:.2f}",
        ratios=False,
    )
    row(
        f"idle memory per connection ({n} idle)",
        ("idle_kb",),
        lambda v: "—" if v is None else f"{v:.1f} KB",
        "FK ≤ 1.5× ref",  # noqa: RUF001
    )
    row(
        f"slow readers ({sizes.slow_share:.0%} stop): others' p50",
        ("slow", "p50"),
        _ms,
    )
    row("slow readers: others' p99", ("slow", "p99"), _ms, "barely moves vs fan-out p99")
    row(
        "slow readers: server RSS growth",
        ("slow", "rss_growth_mb"),
        lambda v: "—" if v is None else f"{v:.1f} MB",
        "bounded",
    )
    row(
        "slow readers: caught up after resuming",
        ("slow",),
        lambda v: (
            "—"
            if not v
            else f"{v['slow_caught_up']}/{v['slow']} in {v['slow_catch_up_s'] or 0:.1f} s"
        ),
        ratios=False,
    )
    room = ", room connected" if sizes.burst_with_room else ""
    for via in sizes.burst_via:
        way = f"burst ({'REST' if via == 'rest' else 'socket'}{room})"  # FK's way; ref: a socket
        key = f"burst_{via}"
        row(
            f"{way}: {sizes.burst} floor requests in {sizes.burst_window:g} s, acked",
            (key,),
            lambda v: "—" if not v else f"{v['acked']}/{v['of']}",
            "all",
            ratios=False,
        )
        row(
            f"{way}: present exactly once (doubled)",
            (key,),
            lambda v: "—" if not v else f"{v['present_once']} ({v['doubled']})",
            "all (0)",
            ratios=False,
        )
        row(f"{way}: ack p50", (key, "p50"), _ms)
        row(f"{way}: ack p99", (key, "p99"), _ms, "≤ 100 ms" if room else "≤ 1000 ms")
        row(
            f"{way}: server CPU per request",
            (key, "cpu_ms"),
            lambda v: "—" if v is None else f"{v:.2f} ms",
            "FK ≤ 1.2× ref",  # noqa: RUF001
        )
        row(
            f"{way}: server CPU per request, its socket's opening counted",
            (key, "cpu_with_open_ms"),
            lambda v: "—" if v is None else f"{v:.2f} ms",
        )
    row(
        f"one update with {sizes.queued} queued (max of add/set/move)",
        ("update_bytes",),
        lambda v: "—" if v is None else f"{v:,} B",
        "≤ 2 KB",
    )
    row(
        f"reconnect storm: all {n} at current version",
        ("storm",),
        lambda v: (
            "—"
            if not v or v["seconds"] is None
            else f"{v['converged']}/{v['of']} in {v['seconds']:.1f} s"
        ),
        f"≤ {sizes.storm_limit:g} s",
        ratios=False,
    )
    headers = ("", "reference", "naive", "floorkeeper", "FK / ref", "naive / FK", "target")
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    for r in rows:
        lines.append(
            "| " + " | ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)) + " |"
        )
    client = [
        f"{k}: client {get(results.get(k, {}), 'fanout', 'client_cpu') or 0:.2f} cores"
        for k in SERVERS
        if k in results
    ]
    lines.append("")
    lines.append("client CPU during fan-out (all worker processes): " + ", ".join(client))
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument(
        "--subscribers", type=int, default=2000, help="screens and phones watching (default 2000)"
    )
    p.add_argument("--rate", type=float, default=5.0, help="moderator commands per second")
    p.add_argument("--seconds", type=float, default=30.0, help="fan-out and slow-reader length")
    p.add_argument(
        "--slow-share", type=float, default=0.05, help="share of subscribers that stop reading"
    )
    p.add_argument("--burst", type=int, default=1000, help="delegates requesting the floor")
    p.add_argument(
        "--burst-window", type=float, default=2.0, help="seconds the burst is spread over"
    )
    p.add_argument(
        "--burst-with-room",
        action="store_true",
        help="keep the subscribers connected during the burst: every request's update reaches "
        "the whole room (default: they have gone, as for the reference and naive servers)",
    )
    p.add_argument(
        "--burst-via",
        default=",".join(BURST_WAYS),
        help="how Floorkeeper's delegates send the burst, comma-separated: rest (POST "
        ".../floor-requests, a connection each) and/or socket (a command frame on the socket "
        "each holds, as the delegate page does); each way is a burst of its own, the last "
        "one's requests declined in between (default: rest,socket)",
    )
    p.add_argument("--queued", type=int, default=500, help="speakers queued for update size")
    p.add_argument(
        "--storm-window",
        type=float,
        default=5.0,
        help="seconds over which every subscriber drops and reconnects",
    )
    p.add_argument(
        "--room-queue",
        type=int,
        default=20,
        help="speakers queued before the subscribers connect (the panel of a discussion)",
    )
    p.add_argument(
        "--storm-limit",
        type=float,
        default=10.0,
        help="the storm's target in seconds (it is waited for 20 s longer)",
    )
    p.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help="which scenarios to run, comma-separated, in their fixed order: "
        + ", ".join(SCENARIOS)
        + " (the subscribers connect in any case; e.g. idle,fanout for --subscribers 10000)",
    )
    p.add_argument(
        "--client-procs",
        type=int,
        default=2,
        help="worker processes holding the subscribers (more for 10,000: each parses every "
        "frame its subscribers get)",
    )
    p.add_argument("--settle", type=float, default=3.0, help="seconds to let memory settle")
    p.add_argument("--servers", default=",".join(SERVERS), help="comma-separated subset")
    p.add_argument(
        "--reference-durable",
        action="store_true",
        help="the reference writes each command to a SQLite log (WAL, fsynced at each commit, "
        "the commands that came meanwhile in one commit) before it broadcasts and answers: what "
        "persisting alone costs, beside Floorkeeper's CPU per request (bench/reference.py)",
    )
    p.add_argument(
        "--floorkeeper-root",
        type=lambda path: Path(path).absolute(),
        default=ROOT,
        help="run Floorkeeper from this checkout (e.g. a scratch copy with a patch applied)",
    )
    p.add_argument(
        "--processes",
        type=int,
        choices=(1, 2),
        default=1,
        help="2: the room over two floorkeeper serve processes on one PostgreSQL database and "
        "one Redis (both of the bench's own, removed afterwards), --subscribers on each, against "
        "one process with --subscribers, then a start-up with --startup-events log records "
        "(bench/processes.py; uses --subscribers --rate --seconds --room-queue --settle "
        "--client-procs)",
    )
    p.add_argument(
        "--client-nice",
        type=int,
        default=0,
        help="--processes 2: run the client processes at this niceness (e.g. 10), so that the "
        "servers, PostgreSQL and Redis have first claim on the cores, as they would with the "
        "clients on other machines (on 2 cores the clients parse every frame beside them)",
    )
    p.add_argument(
        "--client-split",
        choices=("by-process", "mixed"),
        default="by-process",
        help="--processes 2: each client process holds one server's subscribers (by-process: "
        "a subscriber of B is not parsed behind A's, as two rooms' devices are not), or a share "
        "of every server's (mixed: the first measurements, 2026-12-05)",
    )
    p.add_argument(
        "--startup-events",
        type=int,
        default=100_000,
        help="--processes 2: log records for the start-up measure (0: skip it)",
    )
    p.add_argument(
        "--cold-start",
        action="store_true",
        help="only the cold start: floorkeeper serve --demo to its first 200 on /api/v1/health "
        "on a fresh database, a day's (--day-events) and a busy one's (--busy-events), and a "
        "profile of the start (bench/coldstart.py)",
    )
    p.add_argument(
        "--day-events", type=int, default=5_000, help="--cold-start: a hearing day's log records"
    )
    p.add_argument(
        "--busy-events", type=int, default=50_000, help="--cold-start: a busy day's log records"
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="--cold-start, --processes 2's start-up: starts per case (the best counts)",
    )
    p.add_argument(
        "--top", type=int, default=20, help="--cold-start: lines of each profile to print"
    )
    p.add_argument("--json", help="also write the raw results here")
    p.add_argument(
        "--workdir", help="where the SQLite database and logs go (default: the system temp dir)"
    )
    args = p.parse_args(argv)
    for name, allowed in (("scenarios", SCENARIOS), ("burst_via", BURST_WAYS)):
        unknown = set(getattr(args, name).split(",")) - set(allowed)
        if unknown:
            p.error(f"--{name.replace('_', '-')}: unknown {', '.join(sorted(unknown))}")
    return args


async def amain(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    sizes = Sizes(
        subscribers=args.subscribers,
        rate=args.rate,
        seconds=args.seconds,
        slow_share=args.slow_share,
        burst=args.burst,
        burst_window=args.burst_window,
        queued=args.queued,
        storm_window=args.storm_window,
        storm_limit=args.storm_limit,
        room_queue=args.room_queue,
        burst_with_room=args.burst_with_room,
        scenarios=tuple(args.scenarios.split(",")),
        burst_via=tuple(args.burst_via.split(",")),
    )
    workers = Workers(args.client_procs)
    workdir = Path(tempfile.mkdtemp(prefix="floorkeeper-bench-", dir=args.workdir))
    results: dict[str, dict[str, Any]] = {}
    try:
        for kind in args.servers.split(","):
            results[kind] = await measure(kind, sizes, workers, workdir, args)
    finally:
        workers.close()
        shutil.rmtree(workdir, ignore_errors=True)
    print(table(results, sizes), flush=True)
    if args.reference_durable:
        print("reference: durable (each command in a SQLite log, WAL, fsynced, group commits)")
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    raise_file_limit()  # the harness's own sockets (the reference's burst, the moderator)
    results: Any
    if args.cold_start:
        from . import coldstart

        results = coldstart.run(args)
    elif args.processes == 2:
        from . import processes

        results = asyncio.run(processes.run(args))
    else:
        results = asyncio.run(amain(args))
    if args.json:
        Path(args.json).write_text(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
