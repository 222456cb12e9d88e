"""The reference floor: a bare `websockets` server that holds connections and broadcasts.

What Python can do at best: no framework, no per-message deflate, no per-client task, no
state beyond a version counter and the recent frames for resuming clients. Every command is
answered by ONE pre-encoded update handed to ``websockets.broadcast()`` (no backpressure: a slow
reader's frames pile up in its write buffer).

It speaks the subset of Floorkeeper's protocol the bench uses: ``hello`` (with ``last_version``
to resume), ``command`` (answered by ``ack`` after the broadcast), frames with a ``version``.
Run: ``python -m bench.reference --port 8765``.
"""

from __future__ import annotations

import argparse
import asyncio
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
        command = frame.get("command") or {}
        kind = command.get("type")
        extra: dict[str, Any] = {}
        if kind == "request_floor":
            delegate = str(frame.get("delegate"))
            if delegate in self.requests:
                return {"type": "error", "code": "already_queued"}
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
        self.history.append((self.version, update))
        broadcast(self.subscribers, update)
        return {"type": "ack", "version": self.version, "events": [kind], **extra}

    def missed(self, since: int) -> list[str] | None:
        if since > self.version or (self.history and self.history[0][0] > since + 1):
            return None
        return [frame for version, frame in self.history if version > since]


async def main(port: int) -> None:
    floor = Floor()

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
    asyncio.run(main(parser.parse_args().port))
