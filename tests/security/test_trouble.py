"""Trouble on the server's side: the database locked or full, and the wall clock stepping.

A write that cannot be made answers 503 ``storage_unavailable`` with ``Retry-After``; nothing of
the command appears (not in the state, not in the log, not on any screen), and a retry with the
same command id, once the trouble is over, applies it exactly once.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

import app.api.routes.sessions as sessions
from app.engine import ServerClock, steady_ns

from .conftest import World


def _database_file(world: World) -> Path:
    services = world.client.app.state.services  # type: ignore[attr-defined]
    return Path(str(services.engine.store.engine.url.database))


def _log_length(world: World) -> int:
    with sqlite3.connect(_database_file(world)) as db:
        return int(db.execute("SELECT count(*) FROM floor_log").fetchone()[0])


def _unavailable(response: Any) -> None:
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "storage_unavailable"
    assert "nothing was applied" in error["message"] and "same command id" in error["message"]
    assert response.headers["Retry-After"] == "1"


def test_a_locked_database_is_a_retryable_error(world: World) -> None:
    before, log_before = world.state(), _log_length(world)
    with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as screen:
        screen.send_json({"type": "hello", "token": world.tokens["display"]})
        assert screen.receive_json()["version"] == before["version"]
        locker = sqlite3.connect(_database_file(world), timeout=0)
        locker.execute("BEGIN EXCLUSIVE")  # another process holds the database (busy 5 s)
        try:
            command = {"type": "add_speaker", "name": "Ms Locked", "constituency": "media"}
            _unavailable(world.command("moderator", command, command_id="locked-1"))
            assert world.state()["version"] == before["version"]
            assert world.state()["state"]["queue"] == before["state"]["queue"]
        finally:
            locker.rollback()
            locker.close()
        assert _log_length(world) == log_before
        retried = world.command("moderator", command, command_id="locked-1")
        assert retried.status_code == 200 and retried.json()["duplicate"] is False
        update = screen.receive_json()  # the first thing the screen hears is the real change
        assert update["type"] == "update" and update["version"] == before["version"] + 1
    again = world.command("moderator", command, command_id="locked-1")
    assert again.json()["duplicate"] is True
    assert [e["name"] for e in world.state()["state"]["queue"]] == ["Ms Locked"]


def test_a_full_disk_is_a_retryable_error(world: World) -> None:
    store_engine = world.client.app.state.services.engine.store.engine  # type: ignore[attr-defined]
    with sqlite3.connect(_database_file(world)) as db:
        pages = int(db.execute("PRAGMA page_count").fetchone()[0])

    def full(connection: Any, _: Any) -> None:  # SQLite's own "database or disk is full"
        connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(store_engine, "connect", full)
    store_engine.dispose()
    accepted: list[str] = []
    failure = None
    try:
        for n in range(2000):
            note = f"speaker {n} " + "x" * 250
            command = {"type": "add_speaker", "name": f"S{n}", "note": note}
            response = world.command("moderator", command, command_id=f"full-{n}")
            if response.status_code != 200:
                failure = (n, command, response)
                break
            accepted.append(f"S{n}")
        assert failure is not None, "the database never filled up"
        n, command, response = failure
        _unavailable(response)
        assert n > 0, "the first write failed: this is not the full-disk path being tested"
        version = world.state()["version"]
        assert [e["name"] for e in world.state()["state"]["queue"]] == accepted
    finally:
        event.remove(store_engine, "connect", full)
        store_engine.dispose()
    retried = world.command("moderator", command, command_id=f"full-{n}")
    assert retried.status_code == 200, retried.text
    assert retried.json()["version"] == version + 1
    assert [e["name"] for e in world.state()["state"]["queue"]] == [*accepted, f"S{n}"]


def test_a_step_of_the_wall_clock_does_not_move_the_server_clock() -> None:
    wall = [1_652_709_600_000_000_000]  # 16 May 2022, 10:00 in New York, in ns
    monotonic = [5_000_000_000]
    clock = ServerClock(wall_ns=lambda: wall[0], monotonic_ns=lambda: monotonic[0])
    start = clock()
    assert start == 1_652_709_600_000
    monotonic[0] += 90_000_000_000  # 90 s pass
    wall[0] += 90_000_000_000 + 3_600_000_000_000  # and the wall clock is set an hour ahead
    assert clock() == start + 90_000
    wall[0] -= 2 * 3_600_000_000_000  # then two hours back
    monotonic[0] += 1_000_000_000
    assert clock() == start + 91_000  # a deadline 3 minutes out stays 3 minutes out


def test_the_engine_counts_time_with_the_server_clock(world: World) -> None:
    services = world.client.app.state.services  # type: ignore[attr-defined]
    assert isinstance(services.engine.clock, ServerClock)
    started = world.command("moderator", {"type": "add_speaker", "name": "A"})
    assert started.status_code == 200
    world.command("moderator", {"type": "call_next"})
    world.command("moderator", {"type": "start_timer"}, command_id=uuid.uuid4().hex)
    state = world.state()
    deadline = state["state"]["current"]["timer"]["deadline_at"]
    assert 0 < deadline - state["server_time"] <= state["state"]["current"]["timer"]["allotted_ms"]


def test_the_server_clock_counts_a_suspend_of_the_machine() -> None:
    """A server laptop closed over lunch: Linux's monotonic clock stops while suspended, so the
    server's instants (the time of day on the screens, the programme's forecast) would come back
    an hour behind. The steady clock is the boot time clock, which goes on."""
    if not hasattr(time, "CLOCK_BOOTTIME"):
        pytest.skip("no CLOCK_BOOTTIME on this system")
    before = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    steady = steady_ns()
    after = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    assert before <= steady <= after
    assert ServerClock.__init__.__defaults__ == (time.time_ns, steady_ns)


def test_health_says_how_far_the_wall_clock_moved_and_the_log_says_it_once(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    services = world.client.app.state.services  # type: ignore[attr-defined]
    wall = [1_652_709_600_000_000_000]
    steady = [5_000_000_000]
    services.engine.clock = ServerClock(wall_ns=lambda: wall[0], monotonic_ns=lambda: steady[0])
    sessions._drift_said = False
    assert world.call("organiser", "GET", "/health").json()["clock_drift_ms"] == 0
    wall[0] += 7_000_000_000  # the machine's clock stepped 7 s ahead
    with caplog.at_level("WARNING", logger="floorkeeper.health"):
        for _ in range(3):
            assert world.call("organiser", "GET", "/health").json()["clock_drift_ms"] == 7_000
    (said,) = [r.getMessage() for r in caplog.records if r.name == "floorkeeper.health"]
    assert "moved +7.0 s from the server's" in said and "a restart would move" in said
