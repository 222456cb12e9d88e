"""``floorkeeper serve`` when its start fails: the organiser key is never made by a start that
cannot serve (a busy port), and a start the database stops says so in one line, not a
traceback (outside probe F: M2, L1). Real ``serve`` processes."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.auth import ORGANISER_KEY_SETTING
from app.cli import STARTUP_FAILURE, bind, explain_startup_failures
from app.main import StartupInfo
from app.store import Store, make_engine
from app.store.db import head_revision
from bench.procs import stop
from tests.e2e.server import free_port

ROOT = Path(__file__).resolve().parent.parent


def _environment() -> dict[str, str]:
    """This process's environment without any organiser key setting: the server makes one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOORKEEPER_")}
    return {**env, "PYTHONPATH": str(ROOT)}


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    """A ``serve`` expected to fail at start: run to its end."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", *args],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


class Running:
    """A ``serve`` expected to start: its standard output read line by line as it comes."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", *args],
            env=_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def banner(self, timeout: float = 60) -> str:
        """The banner, once the server printed it (its last line is the API docs' or a key's,
        followed by an empty line)."""
        seen: list[str] = []
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                pytest.fail(f"no banner within {timeout} s: {seen}")
            if line is None:
                assert self.process.stderr is not None
                pytest.fail(f"the server exited: {''.join(seen)} {self.process.stderr.read()}")
            seen.append(line)
            if "API docs" in "".join(seen) and line.strip() == "":
                return "".join(seen)

    def stop(self) -> str:
        """Stopped (SIGTERM), and everything it printed after the banner."""
        stop(self.process)
        rest: list[str] = []
        while (line := self.lines.get(timeout=30)) is not None:
            rest.append(line)
        return "".join(rest)


def _key_in(printed: str) -> str | None:
    for line in printed.splitlines():
        if "Organiser key" in line and "shown once" in line:
            return line.rsplit(" ", 1)[-1]
    return None


@pytest.fixture
def busy_port() -> Iterator[tuple[socket.socket, int]]:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    yield holder, holder.getsockname()[1]
    holder.close()


def test_a_first_start_on_a_busy_port_makes_no_key_and_the_next_start_shows_it_once(
    tmp_path: Path, busy_port: tuple[socket.socket, int]
) -> None:
    holder, port = busy_port
    database = tmp_path / "floor.db"
    url = f"sqlite:///{database}"

    failed = _serve("--port", str(port), "--database-url", url)
    assert failed.returncode == STARTUP_FAILURE
    assert "address already in use" in failed.stderr
    # what to do (outside probe K: a second start on the same port said only uvicorn's words)
    assert (
        f"another Floorkeeper, or another program, is listening on port {port}: stop it, or "
        "start this one on another port (--port)"
    ) in failed.stderr
    assert "Traceback" not in failed.stderr
    assert _key_in(failed.stdout) is None
    assert not database.exists()  # nothing was opened, so no key was made and lost

    holder.close()  # the port is free now
    first = Running("--port", str(port), "--database-url", url)
    try:
        banner = first.banner()
        key = _key_in(banner)
        assert key is not None, banner
        answer = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/events",
            headers={"Authorization": f"Bearer {key}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
    finally:
        after = first.stop()
    assert _key_in(after) is None

    again = Running("--port", str(port), "--database-url", url)
    try:
        assert _key_in(again.banner()) is None  # shown once: the start that first succeeded
    finally:
        again.stop()
    engine = make_engine(url)
    assert Store(engine).setting(ORGANISER_KEY_SETTING) is not None
    engine.dispose()


def test_binding_names_the_address_in_use(busy_port: tuple[socket.socket, int]) -> None:
    _, port = busy_port
    with pytest.raises(
        OSError, match=r"bind on address \('127.0.0.1', \d+\): address already"
    ) as caught:
        bind("127.0.0.1", port)
    assert str(caught.value).endswith(
        f"address already in use: another Floorkeeper, or another program, is listening on "
        f"port {port}: stop it, or start this one on another port (--port)"
    )
    free = bind("127.0.0.1", 0)
    assert len(free) == 1
    free[0].close()


def test_a_start_that_fails_after_making_the_key_shows_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Only its hash is stored: a start that fails later than the key (a Redis or a disk that
    fails on the way) prints it all the same, or it would be lost."""
    info = StartupInfo()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        info.organiser_key = "a-key-made-by-this-start-0123456"
        raise RuntimeError("the fan-out failed")
        yield  # pragma: no cover

    app = FastAPI(lifespan=lifespan)
    app.state.startup = info
    explain_startup_failures(app, "sqlite:///floor.db")
    with pytest.raises(RuntimeError, match="the fan-out failed"), TestClient(app):
        pass
    printed = capsys.readouterr().out
    assert "This start failed, but it made the database's organiser key first" in printed
    assert "a-key-made-by-this-start-0123456" in printed


# --- one line for what the database's surroundings do wrong --------------------------------------


def _refused_port() -> int:
    """A port nothing listens on."""
    return free_port()


@pytest.mark.parametrize(
    ("database", "said", "status"),
    [
        (
            "sqlite:///{tmp}/no/such/directory/floor.db",
            "there is no directory {tmp}/no/such/directory for the database floor.db: create it",
            STARTUP_FAILURE,
        ),
        ("sqlite:///{tmp}", "{tmp} is a directory: give the database file's path", STARTUP_FAILURE),
        (
            "postgresql+psycopg://floor@127.0.0.1:{port}/floorkeeper",
            "cannot reach PostgreSQL at 127.0.0.1:{port} (connection refused): start PostgreSQL",
            STARTUP_FAILURE,
        ),
        (
            "mysql://floor:secret@db.example/floorkeeper",
            "mysql://floor:***@db.example/floorkeeper is not a database Floorkeeper runs on: it "
            "keeps its data in SQLite (sqlite:///path/to/floorkeeper.db) or PostgreSQL",
            2,
        ),
        ("nonsense", "the database URL (--database-url or FLOORKEEPER_DATABASE_URL)", 2),
    ],
    ids=["missing-directory", "a-directory", "postgresql-down", "mysql", "not-a-url"],
)
def test_a_start_the_database_stops_says_why_in_one_line(
    tmp_path: Path, database: str, said: str, status: int
) -> None:
    port = _refused_port()
    values = {"tmp": str(tmp_path), "port": str(port)}
    done = _serve("--port", str(free_port()), "--database-url", database.format(**values))
    printed = done.stdout + done.stderr
    assert done.returncode == status, printed
    assert "Traceback" not in printed
    errors = [line for line in printed.splitlines() if "ERROR" in line or "floorkeeper:" in line]
    assert said.format(**values) in errors[0], printed
    assert len(errors) <= 2, printed  # ours, and uvicorn's "Application startup failed"
    assert "secret" not in printed
    assert len(printed.splitlines()) < 12, printed


def test_a_fault_in_the_code_keeps_its_traceback(tmp_path: Path) -> None:
    """Only the database's surroundings are said in one line: anything else is a fault to
    report, with its traceback."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        raise KeyError("a bug")
        yield  # pragma: no cover

    app = FastAPI(lifespan=lifespan)
    explain_startup_failures(app, f"sqlite:///{tmp_path / 'floor.db'}")
    with pytest.raises(KeyError, match="a bug"), TestClient(app):
        pass


def test_serve_stops_on_ctrl_c_and_frees_its_port(tmp_path: Path) -> None:
    """The listening socket bound before the start is uvicorn's for the rest of the run: served
    on, closed at the end."""
    port = free_port()
    running = Running("--port", str(port), "--database-url", f"sqlite:///{tmp_path / 'f.db'}")
    running.banner()
    assert httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=10).status_code == 200
    running.process.send_signal(signal.SIGINT)
    # uvicorn shuts down, then raises the signal it caught again: the status of a Ctrl-C
    assert running.process.wait(30) == -signal.SIGINT
    assert running.process.stderr is not None
    assert "Application shutdown complete" in running.process.stderr.read()
    for sock in bind("127.0.0.1", port):  # free again
        sock.close()


def test_the_operator_can_tell_which_floorkeeper_runs(tmp_path: Path) -> None:
    """Outside probe U: two versions 150 commits apart both said "0.1.0", and nothing said
    which code or database schema a server ran. ``--version``, the banner and the health check
    say the version, the build (a hash of the code, faces and migrations) and the schema."""
    said = subprocess.run(
        [sys.executable, "-m", "app.cli", "--version"],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=True,
    ).stdout.strip()
    match = re.fullmatch(r"floorkeeper \S+ \(build ([0-9a-f]{12}), database schema (\w+)\)", said)
    assert match is not None, said
    build, schema = match.groups()
    assert schema == head_revision()
    port = free_port()
    running = Running("--port", str(port), "--database-url", f"sqlite:///{tmp_path / 'f.db'}")
    try:
        assert f"Version:             {said}" in running.banner()
        health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=10).json()
        assert (health["build"], health["schema_revision"]) == (build, schema)
    finally:
        running.stop()
