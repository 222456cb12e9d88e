"""What Docker's and the reverse proxy's health checks read (``GET /api/v1/health``): 503
``storage_unavailable``, with why, from the first refused write until one succeeds again."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import OperationalError

from .conftest import World


def test_the_health_check_fails_while_the_database_cannot_be_written(world: World) -> None:
    assert world.client.get("/api/v1/health").json()["status"] == "ok"
    engine = world.client.app.state.services.engine  # type: ignore[attr-defined]
    append = engine.store.append

    def full(*args: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    engine.store.append = full
    refused = world.command("moderator", {"type": "add_speaker", "name": "Ana"})
    assert refused.status_code == 503, refused.text
    health = world.client.get("/api/v1/health")
    assert health.status_code == 503
    assert (health.json()["status"], health.json()["storage_error"]) == (
        "storage_unavailable",
        "OperationalError: database or disk is full",
    )
    engine.store.append = append
    assert world.command("moderator", {"type": "add_speaker", "name": "Ana"}).status_code == 200
    health = world.client.get("/api/v1/health")
    assert health.status_code == 200
    assert (health.json()["status"], health.json()["storage_error"]) == ("ok", None)
