"""Cold start (issue 16, item 5): from launching ``floorkeeper serve --demo`` to its first ``200``
on ``/api/v1/health``, on a fresh database, on one holding a whole hearing day and on a busy one.

    .venv/bin/python -m bench --cold-start                                  # 5,000 and 50,000
    .venv/bin/python -m bench --cold-start --day-events 200 --busy-events 400 --repeat 1

Each database is SQLite (as ``floorkeeper serve`` runs by default), made before the clock starts:

- **fresh**: no file at all; the start migrates it and ``--demo`` loads the seed's hearing
  through the engine's commands (that is part of the figure).
- **day** (``--day-events``, ≈5,000) and **busy** (``--busy-events``, ≈50,000):
  ``bench/restart.py``'s log (one meeting day, one live segment, floor requests each
  withdrawn or declined), with the newest snapshot 999 events old, as a running server leaves
  it (it snapshots every 1,000); and the same with no snapshot at all (a log restored without
  its snapshots table, or the first start after the fold's code changed). ``--demo`` on a
  database that holds a day mints the demo links for it.

Each figure is the best of ``--repeat`` starts (a start is a new process: the file cache is warm
after the first). Then a profile of where a start spends its time: ``python -X importtime`` (the
modules that cost most, cumulative) and ``cProfile`` over the imports, the start-up checks and
the app's lifespan on the busy database (the functions with the most cumulative time).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .restart import drop_snapshots
from .startup import ROOT, serve_seconds, with_log


def _import_seconds(repeat: int) -> float:
    """``import app.cli`` in a fresh interpreter, best of ``repeat``."""
    code = "import time; t = time.perf_counter(); import app.cli; print(time.perf_counter() - t)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return min(
        float(
            subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, check=True, text=True
            ).stdout
        )
        for _ in range(repeat)
    )


def importtime(top: int) -> list[tuple[float, str]]:
    """The modules whose import costs most (cumulative ms, name), from ``-X importtime``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import app.cli"],
        env=env,
        capture_output=True,
        check=True,
        text=True,
    )
    rows: list[tuple[float, str, int]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|")
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append((int(cumulative) / 1000, name.strip(), depth))
    # the packages a start pulls in (top-level names, and our own modules one level down)
    wanted = [r for r in rows if r[2] <= 2 and (r[1].startswith("app") or "." not in r[1])]
    wanted.sort(reverse=True)
    return [(ms, name) for ms, name, _ in wanted[:top]]


def profile_start(database: str, top: int) -> str:
    """What ``floorkeeper serve`` does before it listens, timed in phases (imports, the start-up
    checks, ``create_app``, the app's start), and cProfile over the app's start (migrations,
    loading every meeting day, the demo's links)."""
    code = f"""
import time
t0 = time.perf_counter()
import asyncio, cProfile, pstats, io, sys
from app.cli import connection_guard
from app.api.wire import websocket_protocol
from app.config import Settings
from app.main import create_app
t1 = time.perf_counter()
settings = Settings.from_env(database_url={database!r})
connection_guard(settings.limits, "127.0.0.1")
websocket_protocol()
t2 = time.perf_counter()
app = create_app(settings, demo=True)
t3 = time.perf_counter()
profile = cProfile.Profile()
async def start():
    profile.enable()
    async with app.router.lifespan_context(app):
        profile.disable()
asyncio.run(start())
t4 = time.perf_counter()
print(f"imports {{t1 - t0:.3f}} s; start-up checks (file limit, protocols) {{t2 - t1:.3f}} s; "
      f"create_app (routes, models) {{t3 - t2:.3f}} s; the app's start (migrations, load, "
      f"demo links) {{t4 - t3:.3f}} s")
out = io.StringIO()
pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats({top})
print(out.getvalue())
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env["FLOORKEEPER_ORGANISER_KEY"] = "bench-cold-start-organiser-key"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode:
        return done.stderr[-3000:]
    phases, _, rest = done.stdout.partition("\n")
    return phases + "\n" + _trim(rest)


def _trim(report: str) -> str:
    """pstats' table, with paths shortened to the package."""
    lines = []
    for line in report.splitlines():
        line = line.replace(str(ROOT) + "/", "")
        if "site-packages/" in line:
            head, _, tail = line.partition("/site-packages/")
            line = head[: head.rfind(" ") + 1] + tail
        lines.append(line.rstrip())
    start = next((i for i, x in enumerate(lines) if x.strip().startswith("ncalls")), 0)
    return "\n".join(lines[start:])


async def _build(folder: Path, events: int) -> tuple[Path, int]:
    path = folder / f"log-{events}.db"
    return path, await with_log(path, events)


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"cases": []}
    with tempfile.TemporaryDirectory(prefix="floorkeeper-cold-", dir=args.workdir) as scratch:
        folder = Path(scratch)

        def fresh() -> float:
            path = folder / "fresh.db"
            for leftover in folder.glob("fresh.db*"):
                leftover.unlink()
            return serve_seconds(path, folder, demo=True)

        seconds = [fresh() for _ in range(args.repeat)]
        results["cases"].append({"case": "fresh database", "records": 0, "seconds": min(seconds)})
        _say(results["cases"][-1])
        for label, events in (("day", args.day_events), ("busy", args.busy_events)):
            path, records = asyncio.run(_build(folder, events))
            with_snapshot = min(serve_seconds(path, folder, demo=True) for _ in range(args.repeat))
            results["cases"].append(
                {"case": f"{label}, snapshot 999 old", "records": records, "seconds": with_snapshot}
            )
            _say(results["cases"][-1])
            # no snapshot: each start snapshots again, so drop them before every start
            without = []
            for _ in range(args.repeat):
                drop_snapshots(path)
                without.append(serve_seconds(path, folder, demo=True))
            results["cases"].append(
                {"case": f"{label}, no snapshot", "records": records, "seconds": min(without)}
            )
            _say(results["cases"][-1])
        results["import_s"] = _import_seconds(args.repeat)
        results["importtime"] = importtime(args.top)
        busy = folder / f"log-{args.busy_events}.db"
        results["profile"] = profile_start(f"sqlite:///{busy}", args.top)
    print(table(results, args), flush=True)
    return results


def _say(case: dict[str, Any]) -> None:
    print(
        f"[{time.strftime('%H:%M:%S')}] cold start: {case['case']}: {case['seconds']:.2f} s",
        file=sys.stderr,
        flush=True,
    )


def table(results: dict[str, Any], args: argparse.Namespace) -> str:
    rows = [("database", "log records", "serve --demo → first 200", "target")]
    for case in results["cases"]:
        target = "≤ 1 s" if case["case"].startswith("day") else ""
        rows.append((case["case"], f"{case['records']:,}", f"{case['seconds']:.2f} s", target))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(rows[0], widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in rows[1:]
    ]
    lines.append("")
    lines.append(f"import app.cli in a fresh interpreter: {results['import_s']:.2f} s (best)")
    lines.append("")
    lines.append(f"python -X importtime -c 'import app.cli': the {args.top} dearest (cumulative)")
    lines += [f"  {ms:8.1f} ms  {name}" for ms, name in results["importtime"]]
    lines.append("")
    lines.append(
        f"A start on the busy database, in phases; cProfile of the app's start (top {args.top}):"
    )
    lines.append(results["profile"])
    return "\n".join(lines)
