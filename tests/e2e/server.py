"""A real ``floorkeeper serve`` process on a free port, and clients that talk to it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

from bench.procs import stop as stop_process

ORGANISER_KEY = "test-organiser-key-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    def __init__(self, database_url: str, log_path: Path, demo: bool = False) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.demo = demo
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        env = {**os.environ, "FLOORKEEPER_ORGANISER_KEY": ORGANISER_KEY}
        args = [
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--port",
            str(self.port),
            "--database-url",
            self.database_url,
        ]
        if self.demo:
            args.append("--demo")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:  # wait until the server answers its health check
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base}/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-2000:]}")

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)


class Api:
    """REST calls with one credential."""

    def __init__(self, base: str, token: str = ORGANISER_KEY) -> None:
        self.client = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )

    def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, f"/api/v1{path}", **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self(method, path, **kwargs)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def command(self, segment_id: str, command: dict[str, Any], **envelope: Any) -> httpx.Response:
        body = {"command_id": envelope.pop("command_id", uuid.uuid4().hex), "command": command}
        body.update(envelope)
        return self("POST", f"/segments/{segment_id}/commands", json=body)

    def state(self, segment_id: str) -> dict[str, Any]:
        """``GET /segments/{id}/state`` in the sockets' form: REST puts each instant's local time
        (``x_at_local``) beside its ``x_at``; the sockets carry the ms only, and the tests compare
        the two."""
        return dict(socket_form(self.ok("GET", f"/segments/{segment_id}/state")))


def socket_form(document: Any) -> Any:
    """``document`` without the ``*_at_local`` fields REST adds beside each ``*_at``."""
    if isinstance(document, dict):
        return {k: socket_form(v) for k, v in document.items() if not k.endswith("_at_local")}
    if isinstance(document, list):
        return [socket_form(item) for item in document]
    return document


class Feed:
    """A WebSocket subscriber that keeps every frame it receives."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.frames: list[dict[str, Any]] = []

    @classmethod
    async def open(
        cls,
        url: str,
        token: str,
        last_version: int | None = None,
        segment_id: str | None = None,
        last_stamp: str | None = None,
    ) -> Feed:
        connection = await connect(url, max_size=2**22)
        hello: dict[str, Any] = {"type": "hello", "token": token}
        if last_version is not None:
            hello |= {"last_version": last_version, "segment_id": segment_id}
        if last_stamp is not None:
            hello["last_stamp"] = last_stamp
        await connection.send(orjson.dumps(hello).decode())
        return cls(connection)

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        frame = orjson.loads(await asyncio.wait_for(self.connection.recv(), timeout))
        self.frames.append(frame)
        return dict(frame)

    async def until(self, predicate: Any, timeout: float = 5.0) -> dict[str, Any]:
        """Read frames until one satisfies ``predicate``; return it."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.next(timeout)
                if predicate(frame):
                    return frame

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        if isinstance(message, dict):
            message = orjson.dumps(message).decode()
        await self.connection.send(message)

    async def close(self) -> None:
        await self.connection.close()
