"""Start-up with a long log, with and without snapshots (app/snapshots.py; docs/benchmarks.md).

    .venv/bin/python -m bench.startup                    # 100,000 events, best of 3
    .venv/bin/python -m bench.startup --events 2000 --repeat 1 --no-serve   # a smoke run

The log is ``bench/restart.py``'s: one meeting day on SQLite (migrated, every commit fsynced, as
``floorkeeper serve`` runs it) with one live segment and ``--events`` log records of floor
requests, each withdrawn or declined: the worst case for a snapshot (50,000 requests stay in the
segment's state, and in each of its undo entries' past). Then, each the best of ``--repeat``:

- **no snapshot**: what a start did before (and still does with no snapshot of this code's
  schema): fold every record. ``Engine.load`` on a fresh engine.
- **snapshot + tail**: a snapshot taken as the server takes them (the background task writes one
  every 1,000 events), so the newest is up to 999 events old: here exactly 999 (the worst case),
  then ``Engine.load`` reads it and folds the 999 records after it.
- **serve**: ``python -m app.cli serve`` on that database, from the process's start to the
  first ``200`` of ``GET /api/v1/health`` (imports, migrations, load, listening), without and
  with the snapshot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from app import snapshots
from app.engine import Engine
from app.hub import Hub
from bench.restart import EVENT_ID, _store, build, drop_snapshots, snapshot_behind

ROOT = Path(__file__).resolve().parent.parent
#: how far behind the newest snapshot may be: the server snapshots every ``snapshots.EVERY``
BEHIND = snapshots.EVERY - 1


async def load_seconds(path: Path) -> tuple[float, Engine]:
    """``Engine.load`` on a fresh engine over the database."""
    engine = Engine(_store(path), Hub())
    started = time.perf_counter()
    await engine.load()
    seconds = time.perf_counter() - started
    close = getattr(engine, "close", None)
    if close is not None:
        await close()
    engine.store.engine.dispose()
    return seconds, engine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_seconds(
    database: Path | str,
    cwd: Path | None = None,
    redis_url: str | None = None,
    demo: bool = False,
    timeout_s: float = 120.0,
) -> float:
    """From starting ``floorkeeper serve`` on the database (a SQLite file, or a URL) to its
    first health answer; with ``--redis-url`` and ``--demo`` if asked."""
    port = _free_port()
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    env = {
        **os.environ,
        "FLOORKEEPER_DATABASE_URL": url,
        "FLOORKEEPER_ORGANISER_KEY": "bench-startup-organiser-key",
    }
    env.pop("FLOORKEEPER_REDIS_URL", None)
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if redis_url is not None:
        command += ["--redis-url", redis_url]
    if demo:
        command.append("--demo")
    folder = cwd or (database.parent if isinstance(database, Path) else Path.cwd())
    env["PYTHONPATH"] = str(ROOT)
    started = time.perf_counter()
    server = subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        health = f"http://127.0.0.1:{port}/api/v1/health"
        while time.perf_counter() - started < timeout_s:
            try:
                with urllib.request.urlopen(health, timeout=1) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - started
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("the server stopped before it answered") from None
                time.sleep(0.005)  # polling a process we do not control: nothing to wait on
        raise TimeoutError("no health answer")
    finally:
        server.terminate()
        server.wait(10)


async def with_log(database: Path | str, events: int) -> int:
    """Fill the database with ``bench/restart.py``'s log of about ``events`` records and a
    snapshot 999 records old, as a running server leaves it; answer the log's length."""
    requests = max(1, (events - 2) // 2)
    records = await build(database, requests, delegates=20)
    snapshot_behind(database, min(BEHIND, records - 1))
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=100_000, help="log records (about)")
    parser.add_argument("--repeat", type=int, default=3, help="starts per case (the best counts)")
    parser.add_argument("--no-serve", action="store_true", help="skip the server processes")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the database here")
    args = parser.parse_args(argv)
    requests = max(1, (args.events - 2) // 2)
    with tempfile.TemporaryDirectory(prefix="floorkeeper-startup-") as scratch:
        folder = args.workdir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "startup.db"
        if path.exists():
            path.unlink()
        records = asyncio.run(build(path, requests, delegates=20))
        behind = min(BEHIND, records - 1)
        print(f"start-up with a log of {records:,} records (one segment, {requests:,} requests)")
        drop_snapshots(path)
        full = min(asyncio.run(load_seconds(path))[0] for _ in range(args.repeat))  # no snapshot
        version, size = snapshot_behind(path, behind)
        loads = [asyncio.run(load_seconds(path)) for _ in range(args.repeat)]
        quick = min(seconds for seconds, _ in loads)
        (segment,) = loads[0][1].hearing(EVENT_ID).state.segments.values()
        assert segment.version == records and len(segment.requests) == requests
        print(f"snapshot at version {version:,} ({size / 1e6:.1f} MB), {behind} records after it")
        print(f"{'case':<28} {'load s':>8} {'serve s':>8}")
        served: tuple[float, float] | None = None
        if not args.no_serve:
            without = min(_without_snapshots(path) for _ in range(args.repeat))
            snapshot_behind(path, behind)
            served = (without, min(serve_seconds(path) for _ in range(args.repeat)))
        print(f"{'no snapshot (whole log)':<28} {full:>8.2f} {_s(served, 0):>8}")
        print(f"{'snapshot + tail':<28} {quick:>8.2f} {_s(served, 1):>8}")
        print(f"ratio {full / quick:.1f}x", flush=True)
    return 0


def _without_snapshots(path: Path) -> float:
    """A server start with no snapshot (the one a server takes after it started is dropped)."""
    drop_snapshots(path)
    return serve_seconds(path)


def _s(served: tuple[float, float] | None, index: int) -> str:
    return "-" if served is None else f"{served[index]:.2f}"


if __name__ == "__main__":
    sys.exit(main())
