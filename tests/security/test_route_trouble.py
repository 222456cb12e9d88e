"""The database failing under a route that writes without the engine's writer (making an access
link, revoking one, a delegate's phone link: outside probe K, finding 4): the same ``503
storage_unavailable`` (``Retry-After: 1``) a command the log could not take gets, said once in
the log as the engine says its own trouble, not a plain-text 500 and a traceback per request.
Any other fault of the server's is answered as JSON too (``500 internal``), never with a
traceback in the body."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.testclient import TestClient

import app.engine
from app.config import Settings
from app.main import create_app

from .conftest import ORGANISER_KEY, World, build_world


def _engine(world: World) -> Any:
    return world.client.app.state.services.engine  # type: ignore[attr-defined]


def _full(*args: Any, **kwargs: Any) -> None:
    raise OperationalError("INSERT INTO credentials", {}, Exception("database or disk is full"))


def _storage_unavailable(response: Any, *, read: bool = False) -> str:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["Retry-After"] == "1"
    error = response.json()["error"]
    assert error["code"] == "storage_unavailable"
    assert "Traceback" not in response.text
    assert ("could not be read" if read else "could not be written") in error["message"]
    assert "(OperationalError)" in error["message"]
    return str(error["message"])


def test_links_revoked_made_and_given_with_the_disk_full_are_refused_as_commands_are(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(app.engine, "RECHECK_STORAGE_S", 0.0)  # each health check tries a write
    engine = _engine(world)
    event_id = world.event["id"]
    made = world.call(
        "organiser", "POST", f"/events/{event_id}/access-links", json={"role": "display"}
    )
    assert made.status_code == 201, made.text
    participant = world.delegate["participant"]["id"]
    with monkeypatch.context() as disk_full, caplog.at_level(logging.INFO):
        for write in ("add", "revoke_credential", "set_setting", "write_probe"):
            disk_full.setattr(engine.store, write, _full)
        body = {"role": "moderator"}
        minted = world.call("organiser", "POST", f"/events/{event_id}/access-links", json=body)
        said = _storage_unavailable(minted)
        assert "send it again in a moment" in said
        revoked = world.call(
            "organiser", "DELETE", f"/events/{event_id}/access-links/{made.json()['id']}"
        )
        _storage_unavailable(revoked)
        phone = world.call("organiser", "POST", f"/participants/{participant}/phone-link")
        _storage_unavailable(phone)
        health = world.client.get("/api/v1/health")
        assert health.status_code == 503
        assert health.json()["storage_error"] == "OperationalError: database or disk is full"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["floorkeeper.engine"], [r.getMessage() for r in errors]
    assert "the database cannot be written (OperationalError" in errors[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records), "a traceback was logged"
    # the disk has room again: the health check finds it, and the same requests go through
    assert world.client.get("/api/v1/health").status_code == 200
    again = world.call("organiser", "POST", f"/events/{event_id}/access-links", json=body)
    assert again.status_code == 201, again.text
    gone = world.call("organiser", "DELETE", f"/events/{event_id}/access-links/{made.json()['id']}")
    assert gone.status_code == 204, gone.text
    assert (
        world.call("organiser", "POST", f"/participants/{participant}/phone-link").status_code
        == 201
    )


def test_sqlite3_s_own_errors_and_reads_are_answered_the_same(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _engine(world)

    def locked(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("database is locked")

    with monkeypatch.context() as trouble:
        trouble.setattr(engine.store, "add", locked)
        body = {"role": "display"}
        minted = world.call(
            "organiser", "POST", f"/events/{world.event['id']}/access-links", json=body
        )
        _storage_unavailable(minted)
        trouble.setattr(engine.store, "participants", _full)
        listed = world.call("organiser", "GET", f"/events/{world.event['id']}/participants")
        _storage_unavailable(listed, read=True)


def test_a_read_that_fails_is_logged_once_as_a_read_and_leaves_commands_taken(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A list the desk reads failing is not the log refusing writes: the technician reads "cannot
    be read", once, and the health check (whose own write succeeds) stays green."""
    engine = _engine(world)
    path = f"/events/{world.event['id']}/participants"
    with monkeypatch.context() as trouble, caplog.at_level(logging.INFO):
        trouble.setattr(engine.store, "participants", _full)
        for _ in range(3):
            _storage_unavailable(world.call("organiser", "GET", path), read=True)
        assert world.client.get("/api/v1/health").status_code == 200
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, errors
    assert errors[0].startswith("the database cannot be read (OperationalError: database or disk")
    assert "cannot be written" not in caplog.text
    assert world.call("organiser", "GET", path).status_code == 200


def test_the_health_check_finds_a_full_disk_before_any_command_meets_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside probe N: with nothing written for a while, the health check said ``ok`` on a full
    disk until the moderator's next press failed. It writes its own when the log has been quiet
    (``PROBE_IDLE_S``), so the monitor sees it first."""
    engine = _engine(world)
    assert world.client.get("/api/v1/health").status_code == 200
    monkeypatch.setattr(app.engine, "PROBE_IDLE_S", 0.0)
    monkeypatch.setattr(app.engine, "RECHECK_STORAGE_S", 0.0)
    with monkeypatch.context() as disk_full:
        disk_full.setattr(engine.store, "write_probe", _full)
        health = world.client.get("/api/v1/health")
        assert health.status_code == 503, health.text
        assert health.json()["storage_error"] == "OperationalError: database or disk is full"
    assert world.client.get("/api/v1/health").status_code == 200


def test_the_health_check_says_a_locked_database_within_its_own_timeout(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside probe N: another program holding the SQLite file's write lock made each health
    check wait out the busy timeout (5-6 s, past Docker's 3 s) and then say ``ok``. It answers
    503 after ``HEALTH_WAIT_S``, saying what may hold the file, and ``ok`` once it is let go."""
    engine = _engine(world)
    monkeypatch.setattr(app.engine, "PROBE_IDLE_S", 0.0)
    monkeypatch.setattr(app.engine, "RECHECK_STORAGE_S", 0.0)
    monkeypatch.setattr(app.engine, "HEALTH_WAIT_S", 0.2)
    path = engine.store.engine.url.database
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # a database tool's open write transaction
        health = world.client.get("/api/v1/health")
        assert health.status_code == 503, health.text
        assert "another program may hold the file" in health.json()["storage_error"]
        again = world.client.get("/api/v1/health")  # waits on the same write, starts no other
        assert again.status_code == 503, again.text
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    deadline = 100
    while world.client.get("/api/v1/health").status_code != 200 and deadline:
        deadline -= 1  # the write under way finishes once the lock is let go
    assert world.client.get("/api/v1/health").status_code == 200


@pytest.fixture
def lenient(tmp_path: Path) -> Iterator[World]:
    """A world whose client gets the server's answer to a fault of its own, as a browser does,
    instead of the exception raised into the test."""
    application = create_app(
        Settings(database_url=f"sqlite:///{tmp_path / 'floor.db'}", organiser_key=ORGANISER_KEY)
    )
    with TestClient(
        application, base_url="http://floor.test", raise_server_exceptions=False
    ) as client:
        yield build_world(client)


@pytest.mark.parametrize(
    "fault",
    [
        RuntimeError("a bug"),
        IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: credentials.id")),
    ],
    ids=["exception", "constraint"],
)
def test_a_fault_of_the_server_s_own_is_answered_as_json_with_what_to_do(
    lenient: World, monkeypatch: pytest.MonkeyPatch, fault: Exception
) -> None:
    """A broken constraint is a fault in the code, not the disk: no 503 inviting a retry for
    ever, no health check turned red."""

    def broken(*args: Any, **kwargs: Any) -> None:
        raise fault

    monkeypatch.setattr(_engine(lenient).store, "add", broken)
    body = {"role": "booth"}
    answer = lenient.call(
        "organiser", "POST", f"/events/{lenient.event['id']}/access-links", json=body
    )
    assert answer.status_code == 500, answer.text
    assert answer.headers["content-type"] == "application/json"
    error = answer.json()["error"]
    assert error["code"] == "internal"
    said = answer.headers["X-Request-Id"]
    assert error["message"] == (
        "the server failed on this request, a fault of its own and not of what was sent: try "
        f"again; if it fails again, tell the technical team, quoting request id {said}"
    )
    assert "Traceback" not in answer.text and str(fault) not in answer.text
    assert lenient.client.get("/api/v1/health").status_code == 200
