"""The test servers' own harness: a port taken between choosing it and binding it (by another
test process's server or client) costs a retry on another port, never a failed test."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx

from bench.redis_server import RedisServer

from .server import ServerProcess


def _listening() -> socket.socket:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken


def test_a_server_whose_port_was_taken_starts_on_another(sqlite_url: str, tmp_path: Path) -> None:
    server = ServerProcess(sqlite_url, tmp_path / "server.log")
    with _listening() as taken:
        server.port = taken.getsockname()[1]  # as if another worker bound it meanwhile
        try:
            server.start()
            assert server.port != taken.getsockname()[1]
            assert httpx.get(f"{server.base}/api/v1/health").status_code == 200
            assert "address already in use" in server.log_path.read_text()
        finally:
            server.stop()


def test_a_redis_whose_port_was_taken_starts_on_another(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path)
    with _listening() as taken:
        redis.port = taken.getsockname()[1]
        try:
            redis.start()
            assert redis.port != taken.getsockname()[1]
            redis.restart()  # a restart keeps its (new) port
            assert redis.port != taken.getsockname()[1]
        finally:
            redis.stop()
