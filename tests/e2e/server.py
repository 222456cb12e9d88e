"""A real ``floorkeeper serve`` process on a free port, and clients that talk to it."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from multiprocessing.process import BaseProcess
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


#: Servers are forked from a process that has imported the app once (multiprocessing's fork
#: server, one per test process): a ``python -m app.cli serve`` spends about a second of CPU on
#: its imports, and the suite starts hundreds of servers. Each is still a process of its own,
#: running ``app.cli.main`` with its own arguments, environment, working directory and log.
_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["app.cli", "tests.e2e.server"])


def _serve(argv: list[str], env: dict[str, str], cwd: str, log_path: str) -> None:
    """In the forked child: the log as stdout and stderr, the environment, then the server."""
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    from app.cli import main

    sys.exit(main(argv))


class ForkedServer:
    """A forked server process with the part of ``subprocess.Popen``'s interface the tests use."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.process: BaseProcess = _FORKS.Process(
            target=_serve, args=(argv, env, os.getcwd(), str(log_path)), daemon=False
        )
        self.process.start()
        assert self.process.pid is not None
        self.pid: int = self.process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.exitcode

    def poll(self) -> int | None:
        return self.process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self.process.join(timeout)
        if self.process.exitcode is None:
            raise subprocess.TimeoutExpired(["floorkeeper", "serve"], timeout or 0)
        return self.process.exitcode

    def send_signal(self, sig: int) -> None:
        if self.process.exitcode is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ServerProcess:
    """``floorkeeper serve`` on a port of its own. Its first start takes another free port when
    the one chosen was taken meanwhile (by another test process's server or client: choosing a
    free port and binding it are two steps); a restart keeps its port and waits for it."""

    #: the server's words when its port is taken (app/cli.py ``bind``)
    PORT_TAKEN = "address already in use"

    def __init__(self, database_url: str, log_path: Path, demo: bool = False) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.demo = demo
        self.port = free_port()
        self.process: ForkedServer | None = None
        self.starts = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        return {**os.environ, "FLOORKEEPER_ORGANISER_KEY": ORGANISER_KEY}

    def argv(self) -> list[str]:
        args = ["serve", "--port", str(self.port), "--database-url", self.database_url]
        return [*args, "--demo"] if self.demo else args

    def start(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            logged = self.log_path.stat().st_size if self.log_path.exists() else 0
            self.process = ForkedServer(self.argv(), self.environment(), self.log_path)
            if self._ready(logged, deadline):
                self.starts += 1
                return
            said = (
                self.log_path.read_bytes()[logged:].decode(errors="replace")
                if self.log_path.exists()
                else ""
            )
            if not said and time.monotonic() < deadline:
                continue  # gone before it wrote a word (a fork lost on a loaded machine): again
            if self.PORT_TAKEN not in said or time.monotonic() > deadline:
                log = self.log_path.read_text()[-3000:] if self.log_path.exists() else "(no log)"
                raise RuntimeError(f"server exited: {log}")
            if self.starts == 0:
                self.port = free_port()  # nobody knows this port yet: take another
            else:
                time.sleep(0.1)  # a restart keeps its port: its clients come back to it

    def _ready(self, logged: int, deadline: float) -> bool:
        """True once this process says it listens (its own log: whatever else holds the port
        would answer a health check too) and answers its health check; False if it exited."""
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            said = self.log_path.read_bytes()[logged:] if self.log_path.exists() else b""
            try:
                if b"Uvicorn running on" in said and (
                    httpx.get(f"{self.base}/api/v1/health", timeout=1).status_code == 200
                ):
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.02)  # a process of its own: nothing to wait on but its log
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-3000:]}")

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
        # an idle connection is let go before uvicorn's keep-alive (5 s) closes it: a request
        # sent on one the server is closing at that moment fails (RemoteProtocolError)
        self.client = httpx.Client(
            base_url=base,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
            limits=httpx.Limits(keepalive_expiry=2.0),
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
