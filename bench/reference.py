"""The reference floor: a bare `websockets` server that holds connections and broadcasts.

What Python can do at best: no framework, no per-message deflate, no per-client task, no
state beyond a version counter and the recent frames for resuming clients. Every command is
answered by ONE pre-encoded update handed to ``websockets.broadcast()`` (no backpressure: a slow
reader's frames pile up in its write buffer).

It speaks the subset of Floorkeeper's protocol the bench uses: ``hello`` (with ``last_version``
to resume), ``command`` (answered by ``ack`` after the broadcast), frames with a ``version``.
Run: ``python -m bench.reference --port 8765``.

``--durable PATH``: the least a durable floor does besides that. Each command is written to a
SQLite log (WAL, ``synchronous=FULL``: fsynced at each commit) in a worker thread before its
update is broadcast and it is answered; the commands that arrive during a write go in the next
commit together, as Floorkeeper's group commit. No validation, no rules, no views, no patches:
what persisting alone costs, to set Floorkeeper's CPU per request beside.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
from collections import deque
from typing import Any

import orjson
from websockets.asyncio.server import ServerConnection, broadcast, serve

HISTORY = 1024


class Floor:
    def __init__(self) -> None:
        self.version = 1
        self.history: deque[tuple[int, str]] = deque(maxlen=HISTORY)
        self.subscribers: set[ServerConnection] = set()
        self.requests: dict[str, str] = {}  # delegate -> request id
        self.queue = 0

    def snapshot(self) -> str:
        return orjson.dumps(
            {"type": "snapshot", "version": self.version, "queue": self.queue}
        ).decode()

    def command(self, frame: dict[str, Any]) -> dict[str, Any]:
        answer, update = self.decide(frame)
        if update is not None:
            self.publish(update)
        return answer

    def decide(self, frame: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """The answer and the update to broadcast (None: refused, nothing to send)."""
        command = frame.get("command") or {}
        kind = command.get("type")
        extra: dict[str, Any] = {}
        if kind == "request_floor":
            delegate = str(frame.get("delegate"))
            if delegate in self.requests:
                return {"type": "error", "code": "already_queued"}, None
            self.requests[delegate] = extra["request_id"] = f"r{len(self.requests)}"
        elif kind == "add_speaker":
            self.queue += 1
        self.version += 1
        # one pre-encoded message (shaped like Floorkeeper's update for the same command)
        update = orjson.dumps(
            {
                "type": "update",
                "segment_id": "reference",
                "version": self.version,
                "patch": [{"op": "replace", "path": "/message", "value": command.get("text", "")}],
            }
        ).decode()
        return {"type": "ack", "version": self.version, "events": [kind], **extra}, update

    def publish(self, update: str) -> None:
        self.history.append((self.version, update))
        broadcast(self.subscribers, update)

    def missed(self, since: int) -> list[str] | None:
        if since > self.version or (self.history and self.history[0][0] > since + 1):
            return None
        return [frame for version, frame in self.history if version > since]


class Log:
    """The durable mode's log: commands written in group commits by one worker thread."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS log (version INTEGER PRIMARY KEY, body BLOB)")
        #: decided, not yet written: (version, body, update, answer, socket, command id)
        self.pending: list[tuple[int, bytes, str, dict[str, Any], ServerConnection, Any]] = []
        self.writer: asyncio.Task[None] | None = None

    def write(self, rows: list[tuple[int, bytes]]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO log VALUES (?, ?)", rows)
        self.db.execute("COMMIT")

    async def drain(self, floor: Floor) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            await asyncio.to_thread(self.write, [(row[0], row[1]) for row in batch])
            for _, _, update, answer, ws, command_id in batch:
                floor.publish(update)
                answer["command_id"] = command_id
                await ws.send(orjson.dumps(answer).decode())
        self.writer = None


async def main(port: int, durable: str | None = None) -> None:
    floor = Floor()
    log = Log(durable) if durable else None

    async def handler(ws: ServerConnection) -> None:
        try:
            async for raw in ws:
                frame = orjson.loads(raw)
                kind = frame.get("type")
                if kind == "hello":
                    since = frame.get("last_version")
                    missed = floor.missed(since) if isinstance(since, int) else None
                    if missed is None:
                        await ws.send(floor.snapshot())
                    else:
                        for update in missed:
                            await ws.send(update)
                        await ws.send(
                            orjson.dumps({"type": "synced", "version": floor.version}).decode()
                        )
                    floor.subscribers.add(ws)
                elif kind == "command" and log is not None:
                    answer, decided = floor.decide(frame)
                    if decided is None:
                        answer["command_id"] = frame.get("command_id")
                        await ws.send(orjson.dumps(answer).decode())
                        continue
                    log.pending.append(
                        (floor.version, raw if isinstance(raw, bytes) else raw.encode(), decided)
                        + (answer, ws, frame.get("command_id"))
                    )
                    if log.writer is None:
                        log.writer = asyncio.get_running_loop().create_task(log.drain(floor))
                elif kind == "command":
                    answer = floor.command(frame)
                    answer["command_id"] = frame.get("command_id")
                    await ws.send(orjson.dumps(answer).decode())
                elif kind == "dump":
                    await ws.send(
                        orjson.dumps({"type": "dump", "requests": floor.requests}).decode()
                    )
        finally:
            floor.subscribers.discard(ws)

    async with serve(handler, "127.0.0.1", port, compression=None, max_size=2**20):
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--durable", metavar="PATH", help="write each command to this SQLite log")
    parsed = parser.parse_args()
    asyncio.run(main(parsed.port, parsed.durable))
