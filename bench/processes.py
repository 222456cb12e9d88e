"""Several processes (issue 15): the room split over two ``floorkeeper serve`` processes on one
PostgreSQL database and one Redis, against one process, in the same run.

    .venv/bin/python -m bench --processes 2                  # 2 x 2,000 subscribers, 100,000 events
    .venv/bin/python -m bench --processes 2 --subscribers 20 --seconds 2 --startup-events 2000

What it starts, all of its own and all removed afterwards: a ``redis-server`` on a free port
(no persistence) and PostgreSQL databases ``fk_bench_<random>_…`` on the server of
``FLOORKEEPER_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``,
as the tests use).

1. **one process**: ``floorkeeper serve --database-url postgresql+psycopg://…`` (no Redis) with
   ``--subscribers`` subscribers; the moderator sets a message ``--rate`` times a second for
   ``--seconds``. Fan-out p50/p99 (send → the last subscriber holds the version) and the server's
   CPU per delivered frame.
2. **two processes**: A and B, each ``--database-url`` (another database) ``--redis-url``, each with
   ``--subscribers`` subscribers (``--client-split by-process``, the default: each client process
   holds one server's subscribers, as two rooms' devices are separate; ``mixed``: each holds half
   of A's and half of B's, and parses B's frames after A's); the moderator's socket and commands
   go to A. Per command: when the last (and the first, and the median) subscriber on A held the
   version and when the one on B did; the cross-process extra is p50 of (B minus A) per command.
   CPU per delivered frame on A and on B (B receives every update over Redis and fans it out to
   its own subscribers). ``--client-nice 10`` runs the client processes below the servers'
   priority: on 2 cores the clients parse every frame beside A, B, PostgreSQL and Redis, and B
   and Redis otherwise wait for a core while A writes its room (traced: A hands a write to Redis
   0.6 ms after its commit, B receives it 7.3 ms after).
3. **start-up**: a third database holding ``--startup-events`` log records (``bench/restart.py``'s
   log, with a snapshot 999 events old as the running servers leave it), and
   ``floorkeeper serve --database-url … --redis-url …`` from the process's start to its first
   ``200`` on ``/api/v1/health`` (best of 3; ``bench/startup.py``'s measure).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .client import cpu_seconds
from .redis_server import RedisServer
from .run import (
    Moderator,
    Server,
    Workers,
    delivery,
    log,
    percentile,
    prepare_floorkeeper,
    wait_until,
)

POSTGRES_URL = os.environ.get(
    "FLOORKEEPER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class Databases:
    """PostgreSQL databases of the bench's own, dropped by ``drop``."""

    def __init__(self) -> None:
        self.prefix = f"fk_bench_{secrets.token_hex(4)}"
        self.admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def create(self, suffix: str) -> str:
        name = f"{self.prefix}_{suffix}"
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        self.names.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def drop(self) -> None:
        with self.admin.connect() as connection:
            for name in self.names:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        self.admin.dispose()


async def fan_out(
    servers: list[Server],
    moderator: Moderator,
    workers: Workers,
    rate: float,
    seconds: float,
    groups: int,
) -> dict[str, Any]:
    """The moderator's paced messages; delivery per group (server) and CPU per server."""
    start = time.monotonic()
    cpu0 = [cpu_seconds(s.pid) for s in servers]
    ids = await moderator.paced(rate, seconds)
    acked = await moderator.acked(ids)
    last = max((v for _, v in acked), default=0)

    async def caught_up() -> bool:
        parts = await workers.call("arrivals", versions=[last], since=start)
        return bool(sum(p["missing"] for p in parts) == 0)

    await wait_until(caught_up, 60, 0.25)
    cpu = [cpu_seconds(s.pid) - c for s, c in zip(servers, cpu0, strict=True)]
    wall = time.monotonic() - start
    out: dict[str, Any] = {"commands": len(ids), "acked": len(acked), "groups": []}
    for group in range(groups):
        measured = await delivery(workers, acked, start, group=group)
        measured["cpu_s"] = cpu[group]
        measured["cpu_us"] = cpu[group] / max(1, measured["deliveries"]) * 1e6
        measured["server_cpu"] = cpu[group] / wall
        out["groups"].append(measured)
    if groups == 2:
        a, b = (g["per_command"] for g in out["groups"])
        extra = [y - x for x, y in zip(a, b, strict=False)]
        out["extra_p50"] = percentile(extra, 50)
        out["extra_median"] = median(extra) if extra else None
        out["extra_p99"] = percentile(extra, 99)
        # the same for the first subscriber to get it on each process (the hop between them,
        # with the least of the fan-out's queueing) and for the median one
        for which in ("first", "median"):
            a, b = (g[f"per_command_{which}"] for g in out["groups"])
            extra = [y - x for x, y in zip(a, b, strict=False)]
            out[f"extra_{which}_p50"] = percentile(extra, 50)
    return out


async def one_room(
    servers: list[Server], args: argparse.Namespace, workers: Workers
) -> dict[str, Any]:
    """The room's subscribers spread over ``servers`` (``args.subscribers`` each), commands
    through the first; the fan-out measured per server."""
    first = servers[0]
    target = await prepare_floorkeeper(first, args.subscribers, min(args.subscribers, 1000))
    moderator = Moderator(target.moderator_url, target.moderator_token)
    await moderator.open()
    try:
        seated = [
            await moderator.send({"type": "add_speaker", "name": f"Panellist {n + 1}"})
            for n in range(args.room_queue)
        ]
        await moderator.acked(seated)
        by_server: list[list[dict[str, Any]]] = []
        for group, server in enumerate(servers):
            url = f"{server.ws}/ws/segments/{target.segment_id}"
            by_server.append(
                [
                    {"url": url, "token": token, "segment_id": target.segment_id, "group": group}
                    for token in target.subscriber_tokens
                ]
            )
        # each client process a share of every server's subscribers (mixed), or one server's
        # (by-process; more client processes than servers: the servers' in turn), so that B's
        # frames are not parsed behind A's in the same client, as two devices' are not
        parts = workers.split([spec for specs in by_server for spec in specs])
        if args.client_split == "by-process" and len(servers) > 1:
            parts = [[] for _ in parts]
            for group, specs in enumerate(by_server):
                parts[group % len(parts)].extend(specs)
        ready = await workers.call("connect", [{"specs": part, "wait": 120} for part in parts])
        connected = sum(r["ready"] for r in ready)
        await asyncio.sleep(args.settle)
        result = await fan_out(servers, moderator, workers, args.rate, args.seconds, len(servers))
        result["connected"] = connected
        return result
    finally:
        await moderator.close()
        await workers.call("close_all")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from .startup import serve_seconds, with_log

    workdir = Path(tempfile.mkdtemp(prefix="floorkeeper-processes-", dir=args.workdir))
    databases = Databases()
    redis = RedisServer(workdir)
    workers = Workers(args.client_procs, args.client_nice)
    started: list[Server] = []
    results: dict[str, Any] = {}
    results["databases"] = databases.names  # (dropped at the end)
    try:
        redis.start()
        root = args.floorkeeper_root
        # one process, PostgreSQL, no Redis
        single = Server("floorkeeper", workdir, root, databases.create("one"), name="one")
        started.append(single)
        single.wait_ready()
        log("one process", "ready")
        results["one"] = await one_room([single], args, workers)
        log("one process", f"{_brief(results['one'])}")
        single.stop()
        # two processes on one database and one Redis
        shared = databases.create("two")
        a = Server("floorkeeper", workdir, root, shared, redis.url, name="A")
        started.append(a)
        a.wait_ready()  # A migrates the database first
        b = Server("floorkeeper", workdir, root, shared, redis.url, name="B")
        started.append(b)
        b.wait_ready()
        log("two processes", "ready")
        results["two"] = await one_room([a, b], args, workers)
        log("two processes", f"{_brief(results['two'])}")
        a.stop()
        b.stop()
        # start-up with a long log, on PostgreSQL with Redis
        if args.startup_events:
            url = databases.create("log")
            records = await with_log(url, args.startup_events)
            seconds = [serve_seconds(url, workdir, redis_url=redis.url) for _ in range(args.repeat)]
            results["startup"] = {"records": records, "seconds": min(seconds), "all": seconds}
            log("start-up", f"{results['startup']}")
    finally:
        for server in started:
            server.stop()
        workers.close()
        redis.stop()
        databases.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(table(results, args), flush=True)
    return results


def _brief(result: dict[str, Any]) -> str:
    groups = [
        {k: v for k, v in g.items() if not k.startswith("per_command")} for g in result["groups"]
    ]
    return f"{groups} extra p50 {result.get('extra_p50')}"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:.1f} ms"


def table(results: dict[str, Any], args: argparse.Namespace) -> str:
    n = args.subscribers
    one = results.get("one", {}).get("groups", [{}])[0]
    two = results.get("two", {})
    a, b = (two.get("groups") or [{}, {}])[:2]
    rows = [
        ("", "one process", "two: on A", "two: on B", "B / one", "target"),
        (
            f"fan-out p50, send → last of {n} on the process",
            _ms(one.get("p50")),
            _ms(a.get("p50")),
            _ms(b.get("p50")),
            _ratio(b.get("p50"), one.get("p50")),
            "",
        ),
        (
            "fan-out p99, send → last on the process",
            _ms(one.get("p99")),
            _ms(a.get("p99")),
            _ms(b.get("p99")),
            _ratio(b.get("p99"), one.get("p99")),
            "",
        ),
        (
            "cross-process extra: p50 of (last on B − last on A) per command",  # noqa: RUF001
            "",
            "",
            _ms(two.get("extra_p50")),
            "",
            "≤ 5 ms",
        ),
        (
            "the same for the first subscriber on each: p50 of (first on B − first on A)",  # noqa: RUF001
            "",
            "",
            _ms(two.get("extra_first_p50")),
            "",
            "",
        ),
        (
            "the same for the median subscriber: p50 of (median on B − median on A)",  # noqa: RUF001
            "",
            "",
            _ms(two.get("extra_median_p50")),
            "",
            "",
        ),
        (
            "server CPU per delivered frame (the process's own subscribers)",
            _us(one.get("cpu_us")),
            _us(a.get("cpu_us")),
            _us(b.get("cpu_us")),
            _ratio(b.get("cpu_us"), one.get("cpu_us")),
            "B ≤ 1.2× one",  # noqa: RUF001
        ),
        (
            "server CPU during fan-out (cores)",
            _cores(one.get("server_cpu")),
            _cores(a.get("server_cpu")),
            _cores(b.get("server_cpu")),
            "",
            "",
        ),
    ]
    startup = results.get("startup")
    if startup:
        rows.append(
            (
                f"start-up with {startup['records']:,} log records (PostgreSQL + Redis)",
                "",
                "",
                f"{startup['seconds']:.2f} s",
                "",
                "≤ 1.5 s",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(rows[0], widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows[1:]:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    return "\n".join(lines)


def _ratio(x: float | None, y: float | None) -> str:
    return "—" if x is None or not y else f"{x / y:.2f}×"  # noqa: RUF001


def _us(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} µs"


def _cores(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
