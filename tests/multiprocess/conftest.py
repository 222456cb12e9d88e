"""Several ``floorkeeper serve`` processes on a PostgreSQL database of their own, with a
``redis-server`` of their own (on a free port, without persistence, so a test can kill it and
start it again empty)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import Limits
from tests.conftest import POSTGRES_URL
from tests.e2e.server import ServerProcess

from .redis_server import RedisServer


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A database of the test's own on the PostgreSQL server, dropped afterwards."""
    name = f"fk_mp_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as error:  # pragma: no cover - only when PostgreSQL is missing
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}")
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


class Processes:
    """Processes A and B (more on demand) on one database and one Redis."""

    def __init__(self, database_url: str, redis: RedisServer, workdir: Path) -> None:
        self.database_url = database_url
        self.redis = redis
        self.workdir = workdir
        self.processes: list[ServerProcess] = []

    def start(self, name: str) -> ServerProcess:
        process = ServerProcess(self.database_url, self.workdir / f"{name}.log")
        process.start()
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.log_path.name}\n{p.log_path.read_text()[-3000:]}" for p in self.processes
        )

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


@pytest.fixture
def processes(
    pg_database: str, redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Processes]:
    # the server processes take their settings from the environment they are started in
    monkeypatch.setenv("FLOORKEEPER_REDIS_URL", redis_server.url)
    for name, value in Limits.env_off().items():  # many clients from one address
        monkeypatch.setenv(name, value)
    made = Processes(pg_database, redis_server, tmp_path)
    yield made
    made.stop()
