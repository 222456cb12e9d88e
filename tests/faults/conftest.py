from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.server import Api

from .live import FaultServer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FaultServer]:
    """A real server process with the client limits off, on an SQLite file."""
    process = FaultServer(f"sqlite:///{tmp_path / 'floor.db'}", tmp_path / "server.log")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def api(server: FaultServer) -> Api:
    return Api(server.base)
