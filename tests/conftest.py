"""Shared fixtures: databases (SQLite and PostgreSQL) and a real server process."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get(
    "FLOORKEEPER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'floorkeeper.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards."""
    schema = f"fk_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:  # pragma: no cover - only when PostgreSQL is missing
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


# The domain harness's fixtures (``floor``, ``open_floor``, ``scheduled``), for the core's tests in
# tests/floor/ and the views' and patches' tests beside them.
from tests.floor.kit import floor, open_floor, scheduled  # noqa: E402, F401

#: The files whose tests take longest (scripts/test names the slowest at the end of each run):
#: run first, so that the workers (pytest-xdist hands tests out in this order) do not end the
#: run waiting on one of them started last. The rest keep their order.
SLOW_FIRST = (
    "tests/multiprocess/",
    "tests/floor/test_stateful.py",
    "tests/test_bench_smoke.py",
    "tests/faults/",
    "tests/browser/test_slow_line.py",
    "tests/hostile/test_openapi.py",
    "tests/test_backup.py",
    "tests/e2e/test_restore_resume.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        for index, prefix in enumerate(SLOW_FIRST):
            if path.startswith(prefix):
                return index
        return len(SLOW_FIRST)

    items.sort(key=rank)  # stable: each file's tests keep their order
