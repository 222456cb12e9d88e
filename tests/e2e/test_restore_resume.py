"""A screen resumes only onto the history it saw: after a restart the same log resumes it by
version, after a restore of an older copy (the log replaced, then written on past the screen's
version) it gets a fresh snapshot, never the new history's updates."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

from .server import Api, Feed, ServerProcess


def _ws(server: ServerProcess, segment_id: str) -> str:
    return f"{server.ws_base}/ws/segments/{segment_id}"


def _floorkeeper(
    command: str, file: str, database_url: str, *more: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", command, file, *more]
        + ["--database-url", database_url, "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _add(api: Api, segment_id: str, *names: str) -> int:
    for name in names:
        api.command(segment_id, {"type": "add_speaker", "name": name}).raise_for_status()
    return int(api.state(segment_id)["version"])


async def _seen(server: ServerProcess, segment_id: str, token: str) -> dict[str, Any]:
    """A display's snapshot: its version, stamp and state."""
    feed = await Feed.open(_ws(server, segment_id), token)
    snapshot = await feed.next()
    await feed.close()
    assert snapshot["type"] == "snapshot" and snapshot["stamp"]
    return snapshot


async def test_a_restart_resumes_a_screen_by_its_version_and_stamp(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    segment_id, token = hearing["segment_id"], hearing["display_token"]
    _add(api, segment_id, "Ana", "Bo")
    seen = await _seen(server, segment_id, token)
    server.kill9()
    server.start()
    # the same log: the version loaded at start has the stamp the screen was given
    again = await Feed.open(
        _ws(server, segment_id), token, seen["version"], segment_id, seen["stamp"]
    )
    synced = await again.next()
    assert (synced["type"], synced["version"], synced["stamp"]) == (
        "synced",
        seen["version"],
        seen["stamp"],
    )
    await again.close()


async def test_after_a_restore_a_screen_of_the_old_history_gets_a_snapshot(
    server: ServerProcess, api: Api, hearing: dict[str, Any], tmp_path: Path
) -> None:
    segment_id, token = hearing["segment_id"], hearing["display_token"]
    _add(api, segment_id, "Ana")
    copy = tmp_path / "floor.backup"
    made = await asyncio.to_thread(_floorkeeper, "backup", str(copy), server.database_url)
    assert made.returncode == 0, made.stderr
    # the screen goes on past the backup: speakers the restore will lose
    old = _add(api, segment_id, "Lost 1", "Lost 2", "Lost 3")
    seen = await _seen(server, segment_id, token)
    assert seen["version"] == old

    server.stop()
    put = await asyncio.to_thread(
        _floorkeeper, "restore", str(copy), server.database_url, "--force"
    )
    assert put.returncode == 0, put.stderr
    server.start()
    # the restored log is written on up to the screen's very version: another row there
    assert _add(api, segment_id, "After 1", "After 2", "After 3") == old
    same = await Feed.open(_ws(server, segment_id), token, old, segment_id, seen["stamp"])
    first = await same.next()
    assert first["type"] == "snapshot" and first["version"] == old, first
    await same.close()
    # and past it
    now = _add(api, segment_id, "After 4")

    again = await Feed.open(_ws(server, segment_id), token, old, segment_id, seen["stamp"])
    first = await again.next()
    assert first["type"] == "snapshot", first
    assert first["version"] == now and first["stamp"] != seen["stamp"]
    names = [entry["name"] for entry in first["state"]["queue"]]
    assert "Lost 1" not in names and "After 4" in names
    await again.close()

    # a screen of the new history resumes by version as ever
    fresh = await _seen(server, segment_id, token)
    later = _add(api, segment_id, "After 5")
    resumed = await Feed.open(
        _ws(server, segment_id), token, fresh["version"], segment_id, fresh["stamp"]
    )
    update = await resumed.next()
    synced = await resumed.next()
    assert (update["type"], update["version"], synced["type"], synced["version"]) == (
        "update",
        later,
        "synced",
        later,
    )
    assert update["stamp"] == synced["stamp"]
    await resumed.close()


async def test_a_client_that_starts_from_rest_resumes_its_socket_from_there(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    """Outside probe V: ``GET /segments/{id}/state`` is the socket's snapshot, but had no
    stamp, so a client that read it and then opened a socket was always sent the snapshot
    again. With the stamp it resumes: nothing missed, ``synced``; a change since, that update."""
    segment_id = hearing["segment_id"]
    version = _add(api, segment_id, "Ana")
    state = api.state(segment_id)
    assert state["version"] == version and state["stamp"]
    feed = await Feed.open(
        _ws(server, segment_id), hearing["moderator_token"], version, segment_id, state["stamp"]
    )
    synced = await feed.next()
    assert (synced["type"], synced["version"]) == ("synced", version)
    await feed.close()
    _add(api, segment_id, "Bo")
    feed = await Feed.open(
        _ws(server, segment_id), hearing["moderator_token"], version, segment_id, state["stamp"]
    )
    update = await feed.next()
    assert (update["type"], update["version"]) == ("update", version + 1)
    await feed.close()
