"""Where an idle connection's memory goes: ``floorkeeper serve`` under ``tracemalloc``, N idle
subscribers, and the difference they made, by source line and by type of object.

    .venv/bin/python -m bench.memory --subscribers 2000          # the top 25 lines and types
    .venv/bin/python -m bench.memory --subscribers 200 --top 5   # a smoke run

The server runs as ``python -m bench.memory --serve ...`` (``floorkeeper serve`` with tracemalloc
on, ``--frames`` deep): on ``SIGUSR1`` it writes a tracemalloc snapshot and a count of live
objects by type (what ``objgraph.show_growth`` counts) to ``--dump``. The harness takes one
before the subscribers connect and one after they are idle, and prints what grew, per
connection. RSS is printed too, but tracemalloc costs memory of its own: read the bytes per
line, not the RSS, here; ``python -m bench --scenarios idle`` measures RSS without it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

from .client import raise_file_limit, rss_bytes
from .run import NO_LIMITS, ORGANISER_KEY, ROOT, Workers, free_port, prepare_floorkeeper


def _types() -> Counter[str]:
    return Counter(type(o).__qualname__ for o in gc.get_objects())


def serve(argv: list[str], dump: Path, frames: int) -> int:
    """``floorkeeper serve`` with tracemalloc on, dumping on SIGUSR1."""
    tracemalloc.start(frames)

    def write(signum: int, frame: FrameType | None) -> None:
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        partial = dump.with_suffix(".part")
        partial.write_bytes(pickle.dumps((snapshot, _types())))
        partial.replace(dump)

    signal.signal(signal.SIGUSR1, write)
    from app.cli import main

    return main(argv)


class _Address:
    def __init__(self, port: int) -> None:
        self.http = f"http://127.0.0.1:{port}"
        self.ws = f"ws://127.0.0.1:{port}"


def _snapshot(process: subprocess.Popen[bytes], dump: Path) -> Any:
    dump.unlink(missing_ok=True)
    process.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 120
    while not dump.exists():  # the server writes it when it can: nothing else to wait on
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("no snapshot from the server")
        time.sleep(0.1)
    return pickle.loads(dump.read_bytes())


def start_server(folder: Path, frames: int) -> tuple[subprocess.Popen[bytes], int]:
    """The traced server on a SQLite database in ``folder``, once it answers /health."""
    import httpx

    port = free_port()
    env = {**os.environ, **NO_LIMITS, "PYTHONPATH": str(ROOT)}
    env["FLOORKEEPER_ORGANISER_KEY"] = ORGANISER_KEY
    command = [sys.executable, "-m", "bench.memory", "--serve", "--dump", str(folder / "dump")]
    command += ["--frames", str(frames), "--", "serve", "--port", str(port)]
    command += ["--database-url", f"sqlite:///{folder / 'memory.db'}"]
    with (folder / "server.log").open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return process, port
        except httpx.HTTPError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError((folder / "server.log").read_text()[-3000:]) from None
            time.sleep(0.1)  # a process starting: nothing to wait on


async def measure(
    args: argparse.Namespace, folder: Path, process: subprocess.Popen[bytes], port: int
) -> None:
    dump = folder / "dump"
    workers = Workers(args.client_procs)
    try:
        address = _Address(port)
        target = await prepare_floorkeeper(address, args.subscribers, args.delegates)  # type: ignore[arg-type]
        await asyncio.sleep(1)
        before, types_before = _snapshot(process, dump)
        rss0 = rss_bytes(process.pid)
        specs = [
            {"url": target.sub_url, "token": token, "segment_id": target.segment_id}
            for token in target.subscriber_tokens
        ]
        ready = await workers.call(
            "connect", [{"specs": part, "wait": 120} for part in workers.split(specs)]
        )
        connected = sum(r["ready"] for r in ready)
        await asyncio.sleep(args.settle)
        after, types_after = _snapshot(process, dump)
        rss1 = rss_bytes(process.pid)
    finally:
        workers.close()
    n = max(1, connected)
    stats = after.compare_to(before, "lineno")
    total = sum(s.size_diff for s in stats)
    print(f"{connected} idle connections; tracemalloc: {total / n:,.0f} B each")
    print(f"(RSS under tracemalloc: {(rss1 - rss0) / n:,.0f} B each; tracemalloc's own included)")
    print(f"\ntop {args.top} source lines by bytes per connection:")
    for stat in stats[: args.top]:
        where = stat.traceback[0]
        name = where.filename.replace(str(ROOT) + "/", "")
        name = name.split("site-packages/")[-1]
        per = stat.size_diff / n
        print(f"{per:>9,.0f} B {stat.count_diff / n:>6.2f} blocks  {name}:{where.lineno}")
    grown = types_after - types_before
    print("\nobjects per connection, by type (objgraph's growth):")
    for name, count in grown.most_common(args.top):
        print(f"{count / n:>7.2f}  {name}")
    if args.frames > 1:
        print(f"\ntop {min(8, args.top)} tracebacks:")
        for stat in after.compare_to(before, "traceback")[: min(8, args.top)]:
            print(f"{stat.size_diff / n:>9,.0f} B each")
            for line in stat.traceback.format(limit=args.frames)[-2 * args.frames :]:
                print("     " + line.replace(str(ROOT) + "/", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.memory", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--subscribers", type=int, default=2000, help="idle sockets to open")
    parser.add_argument("--delegates", type=int, default=1000, help="of them, delegates' phones")
    parser.add_argument("--top", type=int, default=25, help="lines and types to print")
    parser.add_argument("--frames", type=int, default=1, help="traceback depth (1: by line)")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds idle before measuring")
    parser.add_argument("--client-procs", type=int, default=2, help="client worker processes")
    parser.add_argument("--serve", action="store_true", help="(internal) be the traced server")
    parser.add_argument("--dump", type=Path, help="(internal) where the server writes snapshots")
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="(internal) serve's arguments")
    args = parser.parse_args(argv)
    if args.serve:
        rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
        return serve(rest, args.dump, args.frames)
    raise_file_limit()
    args.delegates = min(args.delegates, args.subscribers)
    with tempfile.TemporaryDirectory(prefix="floorkeeper-memory-") as folder:
        process, port = start_server(Path(folder), args.frames)
        try:
            asyncio.run(measure(args, Path(folder), process, port))
        finally:
            process.terminate()
            process.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
