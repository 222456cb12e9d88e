"""A console whose connection drops while its command is being written.

Found by the crash harness with ``--drops``: the engine awaits the log write (in a thread) inside
the socket's reader task; when the socket closes, the transport cancels that task, the write
still commits in its thread, but the live state is never swapped. The log is then one command
ahead of the live state: every later command on the meeting day collides with the versions
already written and is refused with ``storage_unavailable`` until the server restarts, and the
dropped command's own retry is refused the same way. Proposed fix: docs/faults.md.

Made deterministic on PostgreSQL: a lock on ``floor_log`` holds the write in place (seen in
``pg_stat_activity``) while the console's socket is closed under a backlog of unread frames.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import Connection, text
from websockets.asyncio.client import connect

from app.store import make_engine
from tests.e2e.server import ORGANISER_KEY, Api

from .live import Console, FaultServer, open_hearing, read_log

pytestmark = pytest.mark.postgres


def _until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition of another process (the server, the database) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting until {what}")
        time.sleep(0.02)


@pytest.fixture
def pg_server(postgres_url: str, tmp_path: Path) -> Iterator[FaultServer]:
    process = FaultServer(postgres_url, tmp_path / "server.log")
    process.start()
    yield process
    process.stop()


async def test_a_console_dropping_mid_command_does_not_wedge_the_meeting(
    pg_server: FaultServer, postgres_url: str
) -> None:
    server = pg_server
    api = Api(server.base)
    hearing = open_hearing(api)
    segment_id = hearing.segment_id
    url = f"{server.ws_base}/ws/segments/{segment_id}"
    # a long queue makes every snapshot ~100 KB
    loader = await Console.open(url, ORGANISER_KEY)
    for n in range(150):
        speaker = {"type": "add_speaker", "name": f"{n:03d} " + "N" * 100, "note": "x" * 280}
        await loader.send(f"load-{n}", speaker)
    await loader.answer("load-149")
    await loader.connection.close()
    before = api.state(segment_id)["version"]

    # the console that will drop: it stops reading, so the server's writer waits on the socket
    console = await connect(url, max_size=2**24, max_queue=1)
    await console.send(orjson.dumps({"type": "hello", "token": ORGANISER_KEY}).decode())
    await console.recv()

    database = make_engine(postgres_url)
    holder = database.connect()
    lock = holder.begin()
    holder.execute(text("LOCK TABLE floor_log IN EXCLUSIVE MODE"))  # readers go on, writers wait
    try:
        for _ in range(300):  # ask for snapshots it will not read: ~30 MB the socket cannot take
            await console.send(orjson.dumps({"type": "hello"}).decode())
        victim = {"type": "add_speaker", "name": "Victim"}
        frame = {"type": "command", "command_id": "victim-1", "command": victim}
        await console.send(orjson.dumps(frame).decode())
        watcher = database.connect()
        await asyncio.to_thread(
            _until, lambda: _insert_waits(watcher), 30, "the command's write waits on the lock"
        )
        watcher.close()
        console.transport.abort()  # the console's Wi-Fi drops with the command in the engine
        # The server notices when its writer fails on the closed socket and cancels the reader.
        # A server that finishes the command first keeps the subscriber until the lock goes:
        # give it a moment either way.
        await asyncio.to_thread(_subscribers_gone, server.base)
    finally:
        lock.rollback()
        holder.close()
    await asyncio.to_thread(
        _until,
        lambda: any(r.command_id == "victim-1" for r in read_log(postgres_url, hearing.event_id)),
        30,
        "the victim's event is in the log",
    )
    database.dispose()

    # what users notice: the command they sent is on the screens, and the meeting goes on
    state = api.state(segment_id)
    assert state["version"] == before + 1
    assert state["state"]["queue"][-1]["name"] == "Victim"
    after = api.command(segment_id, {"type": "add_speaker", "name": "Next"})
    assert after.status_code == 200, after.text
    again = await Console.open(url, ORGANISER_KEY)
    await again.send("victim-1", victim)
    retry = await again.answer("victim-1")
    assert retry["type"] == "ack" and retry.get("duplicate") is True, retry
    await again.connection.close()


def _insert_waits(connection: Connection) -> bool:
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND query ILIKE 'INSERT INTO floor_log%' "
        "AND pid IN (SELECT pid FROM pg_locks WHERE relation = 'floor_log'::regclass)"
    )
    found = connection.execute(query).scalar_one() > 0
    connection.rollback()
    return bool(found)


def _subscribers_gone(base: str) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/api/v1/health", timeout=5).json()["subscribers"] == 0:
            return
        time.sleep(0.02)
