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
        disk_full.setattr(engine.store, "write_probe", full)
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


def test_a_disk_with_room_for_a_few_bytes_but_no_command_keeps_the_health_check_failing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside probe K: on a nearly full disk the health check's few-byte write fitted where no
    command's batch did, so it said ``ok`` while every command was refused, and the log flapped.
    The check writes a batch's worth."""
    monkeypatch.setattr(app.engine, "RECHECK_STORAGE_S", 0.0)
    engine = world.client.app.state.services.engine  # type: ignore[attr-defined]
    room = 4_096  # bytes the disk still takes in one write

    def nearly_full(*args: Any) -> None:
        if len(repr(args)) > room:
            raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    def full(*args: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    with monkeypatch.context() as disk:
        disk.setattr(engine.store, "append", full)
        disk.setattr(engine.store, "write_probe", nearly_full)
        refused = world.command("moderator", {"type": "add_speaker", "name": "Ana"})
        assert refused.status_code == 503, refused.text
        for _ in range(3):
            assert world.client.get("/api/v1/health").status_code == 503
