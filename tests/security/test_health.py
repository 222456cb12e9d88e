"""What Docker's and the reverse proxy's health checks read (``GET /api/v1/health``): 503
``storage_unavailable``, with why, from the first refused write until the database can be
written again, which the health check itself finds out (a process out of the proxy's rotation
gets no command to write)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

import app.engine

from .conftest import World


def test_the_health_check_fails_while_the_database_cannot_be_written(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.engine, "RECHECK_STORAGE_S", 0.0)  # each health check tries a write
    assert world.client.get("/api/v1/health").json()["status"] == "ok"
    engine = world.client.app.state.services.engine  # type: ignore[attr-defined]

    def full(*args: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    with monkeypatch.context() as disk_full:
        disk_full.setattr(engine.store, "append", full)
        disk_full.setattr(engine.store, "set_setting", full)
        refused = world.command("moderator", {"type": "add_speaker", "name": "Ana"})
        assert refused.status_code == 503, refused.text
        for _ in range(2):  # the health check's own write fails too
            health = world.client.get("/api/v1/health")
            assert health.status_code == 503
            assert (health.json()["status"], health.json()["storage_error"]) == (
                "storage_unavailable",
                "OperationalError: database or disk is full",
            )
    # the disk has room again: the next health check finds it, with no command sent meanwhile
    health = world.client.get("/api/v1/health")
    assert health.status_code == 200
    assert (health.json()["status"], health.json()["storage_error"]) == ("ok", None)
    assert world.command("moderator", {"type": "add_speaker", "name": "Ana"}).status_code == 200
