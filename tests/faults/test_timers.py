"""Timers across trouble: a kill -9 while the clock runs, and a deadline that passes meanwhile."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from websockets.asyncio.client import connect

from tests.e2e.server import Api

from .live import FaultServer, Hearing, now_ms, open_hearing, read_log


def _ok(api: Api, segment_id: str, command: dict[str, Any]) -> dict[str, Any]:
    response = api.command(segment_id, command)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _speaker_running(api: Api, allotted_ms: int) -> tuple[Hearing, dict[str, Any]]:
    """Ana has the floor with her timer running; Bo waits in the queue."""
    hearing = open_hearing(api)
    segment_id = hearing.segment_id
    _ok(api, segment_id, {"type": "add_speaker", "name": "Ana", "allotted_ms": allotted_ms})
    _ok(api, segment_id, {"type": "add_speaker", "name": "Bo"})
    _ok(api, segment_id, {"type": "call_next"})
    _ok(api, segment_id, {"type": "start_timer"})
    return hearing, api.state(segment_id)


async def _room_display(server: FaultServer, api: Api, hearing: Hearing) -> dict[str, Any]:
    """What a room display that connects now is shown first."""
    link = api.ok("POST", f"/events/{hearing.event_id}/access-links", json={"role": "display"})
    async with connect(f"{server.ws_base}/ws/events/{hearing.event_id}") as socket:
        await socket.send(orjson.dumps({"type": "hello", "token": link["token"]}).decode())
        return dict(orjson.loads(await socket.recv()))


async def test_a_running_timer_keeps_its_deadline_across_kill_9(
    server: FaultServer, api: Api
) -> None:
    hearing, before = _speaker_running(api, 180_000)
    timer = before["state"]["current"]["timer"]
    assert timer["state"] == "running"

    server.kill9()
    server.start()

    after = api.state(hearing.segment_id)
    assert after["version"] == before["version"]
    assert after["state"]["current"]["name"] == "Ana"
    assert after["state"]["current"]["timer"] == timer  # the same deadline_at, to the ms
    # the time left counts on from the same deadline: the outage is not given back to Ana
    assert (
        timer["deadline_at"] - after["server_time"] <= timer["deadline_at"] - before["server_time"]
    )
    snapshot = await _room_display(server, api, hearing)
    assert snapshot["state"]["current"]["timer"]["deadline_at"] == timer["deadline_at"]

    # a paused timer keeps its time left the same way
    paused = _ok(api, hearing.segment_id, {"type": "pause_timer"})
    remaining = api.state(hearing.segment_id)["state"]["current"]["timer"]["remaining_ms"]
    server.kill9()
    server.start()
    again = api.state(hearing.segment_id)
    assert again["version"] == paused["version"]
    assert again["state"]["current"]["timer"]["state"] == "paused"
    assert again["state"]["current"]["timer"]["remaining_ms"] == remaining


async def test_a_deadline_passed_while_down_shows_overtime_and_nobody_is_moved_on(
    server: FaultServer, api: Api
) -> None:
    hearing, before = _speaker_running(api, 1_000)
    segment_id = hearing.segment_id
    deadline = before["state"]["current"]["timer"]["deadline_at"]
    log_before = len(read_log(server.database_url, hearing.event_id))

    server.kill9()
    # the premise: the server is down until the wall clock is past the deadline
    await asyncio.sleep(max(0, deadline + 600 - now_ms()) / 1000)
    assert now_ms() > deadline + 500
    server.start()

    after = api.state(segment_id)
    current = after["state"]["current"]
    assert after["server_time"] > deadline
    # Ana still has the floor, her clock runs into overtime from the same deadline
    assert current["name"] == "Ana"
    assert current["timer"]["state"] == "running"
    assert current["timer"]["deadline_at"] == deadline
    assert current["timer"]["deadline_at"] - after["server_time"] < 0  # what screens show
    # nobody moved the floor on: Bo still waits, nothing was written while nobody acted
    assert [entry["name"] for entry in after["state"]["queue"]] == ["Bo"]
    assert after["version"] == before["version"]
    assert len(read_log(server.database_url, hearing.event_id)) == log_before
    display = await _room_display(server, api, hearing)
    assert display["state"]["current"]["name"] == "Ana"
    assert display["state"]["current"]["timer"]["deadline_at"] - display["server_time"] < 0

    # pausing now records the overtime as a negative time left
    _ok(api, segment_id, {"type": "pause_timer"})
    paused = api.state(segment_id)["state"]["current"]["timer"]
    assert paused["state"] == "paused" and paused["remaining_ms"] < -500
    # and the speech on the record carries the overrun, outage included
    _ok(api, segment_id, {"type": "call_next"})
    speeches = api.ok("GET", f"/segments/{segment_id}/speeches")
    assert [s["name"] for s in speeches] == ["Ana"]
    assert speeches[0]["overrun_ms"] >= 500
    assert api.state(segment_id)["state"]["current"]["name"] == "Bo"
