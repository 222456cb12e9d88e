"""End to end against a real server process, with the websockets client."""

from __future__ import annotations

import copy
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from app.patch import apply_patch

from .server import ORGANISER_KEY, Api, Feed, ServerProcess


def _ws(server: ServerProcess, segment_id: str) -> str:
    return f"{server.ws_base}/ws/segments/{segment_id}"


async def test_two_subscribers_see_the_same_updates_in_the_same_order(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    segment_id = hearing["segment_id"]
    first = await Feed.open(_ws(server, segment_id), hearing["moderator_token"])
    second = await Feed.open(_ws(server, segment_id), ORGANISER_KEY)
    snapshots = [await first.next(), await second.next()]
    assert [s["type"] for s in snapshots] == ["snapshot", "snapshot"]
    start = snapshots[0]["version"]
    for name in ("Ana", "Bo", "Chen"):
        api.command(segment_id, {"type": "add_speaker", "name": name}).raise_for_status()
    api.command(segment_id, {"type": "call_next"}).raise_for_status()
    api.command(segment_id, {"type": "start_timer"}).raise_for_status()
    final = api.state(segment_id)["version"]
    seen = []
    for feed in (first, second):
        await feed.until(lambda f: f.get("type") == "update" and f["version"] == final)
        seen.append([(f["version"], f["patch"]) for f in feed.frames if f["type"] == "update"])
    assert seen[0] == seen[1]
    assert [version for version, _ in seen[0]] == list(range(start + 1, final + 1))
    # the updates, applied to the snapshot, give exactly the state the server reports
    document = copy.deepcopy(snapshots[0]["state"])
    for _, patch in seen[0]:
        document = apply_patch(document, patch)
    assert document == api.state(segment_id)["state"]
    assert document["current"]["name"] == "Ana"


async def test_reconnect_with_an_old_version_receives_exactly_what_it_missed(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    segment_id, token = hearing["segment_id"], hearing["display_token"]
    feed = await Feed.open(_ws(server, segment_id), token)
    snapshot = await feed.next()
    await feed.close()
    for name in ("Ana", "Bo", "Chen"):
        api.command(segment_id, {"type": "add_speaker", "name": name}).raise_for_status()

    again = await Feed.open(
        _ws(server, segment_id), token, snapshot["version"], segment_id, snapshot["stamp"]
    )
    synced = await again.until(lambda f: f["type"] == "synced")
    updates = [f for f in again.frames if f["type"] == "update"]
    assert [u["version"] for u in updates] == [snapshot["version"] + n for n in (1, 2, 3)]
    assert not [f for f in again.frames if f["type"] == "snapshot"]
    assert synced["version"] == snapshot["version"] + 3
    document = copy.deepcopy(snapshot["state"])
    for update in updates:
        document = apply_patch(document, update["patch"])
    assert [entry["name"] for entry in document["queue"]] == ["Ana", "Bo", "Chen"]

    assert synced["stamp"] == updates[-1]["stamp"]

    # a version the server never had (or no longer keeps) gets a fresh snapshot instead
    ahead = await Feed.open(_ws(server, segment_id), token, 10_000, segment_id, synced["stamp"])
    assert (await ahead.next())["type"] == "snapshot"
    # and so does a version without its stamp, or with another history's
    for stamp in (None, "000000000000"):
        blind = await Feed.open(
            _ws(server, segment_id), token, snapshot["version"], segment_id, stamp
        )
        assert (await blind.next())["type"] == "snapshot"


async def test_a_retried_command_id_changes_nothing(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    segment_id = hearing["segment_id"]
    command = {"type": "add_speaker", "name": "Ana"}
    first = api.command(segment_id, command, command_id="retry-1")
    second = api.command(segment_id, command, command_id="retry-1")
    assert first.status_code == second.status_code == 200
    assert second.json() == {**first.json(), "duplicate": True}
    assert len(api.state(segment_id)["state"]["queue"]) == 1

    feed = await Feed.open(_ws(server, segment_id), ORGANISER_KEY)
    await feed.next()
    frame = {"type": "command", "command_id": "retry-2", "command": command | {"name": "Bo"}}
    await feed.send(frame)
    ack = await feed.until(lambda f: f["type"] == "ack")
    await feed.send(frame)
    repeat = await feed.until(lambda f: f["type"] == "ack" and f.get("duplicate"))
    assert repeat["version"] == ack["version"]
    assert [f["version"] for f in feed.frames if f["type"] == "update"] == [ack["version"]]
    assert [e["name"] for e in api.state(segment_id)["state"]["queue"]] == ["Ana", "Bo"]


async def test_a_stale_version_is_refused_with_the_current_state(
    api: Api, hearing: dict[str, Any]
) -> None:
    segment_id = hearing["segment_id"]
    version = api.state(segment_id)["version"]
    api.command(segment_id, {"type": "add_speaker", "name": "Ana"}, base_version=version)
    refused = api.command(segment_id, {"type": "call_next"}, base_version=version)
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"]["code"] == "stale_version"
    assert body["state"]["version"] == version + 1
    assert api.state(segment_id)["state"]["current"] is None


async def test_after_kill_9_and_restart_nothing_acknowledged_is_lost(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    segment_id = hearing["segment_id"]
    for name in ("Ana", "Bo"):
        api.command(segment_id, {"type": "add_speaker", "name": name}).raise_for_status()
    api.command(segment_id, {"type": "call_next"}).raise_for_status()
    api.command(segment_id, {"type": "start_timer"}).raise_for_status()
    api.command(segment_id, {"type": "adjust_time", "delta_ms": 30_000}).raise_for_status()
    before = api.state(segment_id)
    feed = await Feed.open(_ws(server, segment_id), hearing["display_token"])
    await feed.next()

    server.kill9()
    server.start()

    after = api.state(segment_id)
    assert after["version"] == before["version"]
    assert after["state"] == before["state"]
    timer = after["state"]["current"]["timer"]
    assert timer["state"] == "running"
    assert timer["deadline_at"] == before["state"]["current"]["timer"]["deadline_at"]
    # a screen that reconnects after the restart gets a snapshot at the same version
    again = await Feed.open(
        _ws(server, segment_id), hearing["display_token"], before["version"], segment_id
    )
    frame = await again.next()
    assert frame["version"] == before["version"]


BAD_COMMANDS = [
    ({"type": "shout"}, 422, "shout"),
    ({"type": "adjust_time", "delta_ms": "30"}, 422, "delta_ms"),
    ({"type": "adjust_time", "delta_ms": 0}, 422, "delta_ms"),
    ({"type": "set_default_time", "kind": "intervention", "duration_ms": 0}, 422, "duration_ms"),
    (
        {"type": "set_default_time", "kind": "intervention", "duration_ms": 3_600_001},
        422,
        "duration_ms",
    ),
    ({"type": "add_speaker", "name": "X", "allotted_ms": -5}, 422, "allotted_ms"),
    ({"type": "approve_request", "request_id": "nope"}, 404, "nope"),
    ({"type": "remove_entry", "entry_id": "nope"}, 404, "nope"),
    ({"type": "move_entry", "entry_id": "nope", "position": "top"}, 422, "position"),
    ({"type": "add_speaker", "name": "X", "colour": "red"}, 422, "colour"),
]


@pytest.mark.parametrize(("command", "status", "named"), BAD_COMMANDS)
async def test_bad_commands_get_a_clear_error_and_write_nothing(
    api: Api, hearing: dict[str, Any], command: dict[str, Any], status: int, named: str
) -> None:
    segment_id = hearing["segment_id"]
    before = api.state(segment_id)
    response = api.command(segment_id, command)
    assert response.status_code == status, response.text
    assert named in response.json()["error"]["message"]
    assert api.state(segment_id) | {"server_time": 0} == before | {"server_time": 0}


def test_unknown_segment_and_malformed_body(api: Api, hearing: dict[str, Any]) -> None:
    missing = api.command("no-such-segment", {"type": "call_next"})
    assert missing.status_code == 404 and "no-such-segment" in missing.json()["error"]["message"]
    path = f"/segments/{hearing['segment_id']}/commands"
    raw = api("POST", path, content=b"{not json", headers={"Content-Type": "application/json"})
    assert raw.status_code == 422 and raw.json()["error"]["code"] == "invalid_request"
    assert raw.json()["error"]["message"].startswith("the body is not valid JSON (at character 1")
    # no Content-Type at all: said what to send
    untyped = api("POST", path, content=b'{"command_id": "x"}')
    assert untyped.status_code == 415, untyped.text
    assert untyped.json()["error"]["code"] == "unsupported_media_type"
    no_id = api(
        "POST",
        f"/segments/{hearing['segment_id']}/commands",
        json={"command": {"type": "call_next"}},
    )
    assert no_id.status_code == 422 and "command_id" in no_id.json()["error"]["message"]
    # a value outside a choice names the values to send, as they are sent
    shout = api.command(hearing["segment_id"], {"type": "request_floor", "kind": "shout"})
    message = shout.json()["error"]["message"]
    assert shout.status_code == 422, shout.text
    assert "'intervention'" in message and "TurnKind" not in message and "<" not in message


async def test_bad_frames_get_named_errors_and_everyone_keeps_being_served(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    segment_id = hearing["segment_id"]
    bystander = await Feed.open(_ws(server, segment_id), hearing["display_token"])
    await bystander.next()
    feed = await Feed.open(_ws(server, segment_id), hearing["moderator_token"])
    await feed.next()
    cases: list[tuple[str | bytes | dict[str, Any], str]] = [
        ("{not json", "malformed_json"),
        (b"\x00\x01binary", "binary_frame"),
        ("x" * (64 * 1024 + 1), "frame_too_large"),
        ("[1, 2]", "malformed_frame"),
        ({"type": "dance"}, "unknown_type"),
        ({"type": "command", "command_id": "c1", "command": {"type": "shout"}}, "invalid_command"),
        (
            {
                "type": "command",
                "command_id": "c2",
                "command": {"type": "adjust_time", "delta_ms": 7_200_000},
            },
            "invalid_command",
        ),
        ({"type": "command", "command": {"type": "call_next"}}, "invalid_command"),
    ]
    version = api.state(segment_id)["version"]
    for frame, code in cases:
        await feed.send(frame)
        error = await feed.until(lambda f: f["type"] == "error")
        assert error["code"] == code, (frame, error)
        assert error["message"]
    assert api.state(segment_id)["version"] == version
    # the same socket still works, and so does everyone else's
    await feed.send({"type": "ping", "t": 1})
    pong = await feed.until(lambda f: f["type"] == "pong")
    assert pong["t"] == 1 and pong["server_time"] > 0
    api.command(segment_id, {"type": "add_speaker", "name": "Ana"}).raise_for_status()
    update = await bystander.until(lambda f: f["type"] == "update")
    assert update["version"] == version + 1


async def test_roles_are_enforced_on_both_transports(
    server: ServerProcess, hearing: dict[str, Any]
) -> None:
    segment_id = hearing["segment_id"]
    delegate = Api(server.base, hearing["delegate"]["token"])
    display = Api(server.base, hearing["display_token"])
    anonymous = Api(server.base, "not-a-token")
    assert delegate.command(segment_id, {"type": "call_next"}).status_code == 403
    assert display.command(segment_id, {"type": "call_next"}).status_code == 403
    assert anonymous.command(segment_id, {"type": "call_next"}).status_code == 401
    assert delegate("GET", f"/segments/{segment_id}/speeches").status_code == 403
    assert display("POST", "/events", json={"title": "x"}).status_code == 403

    feed = await Feed.open(_ws(server, segment_id), hearing["display_token"])
    assert (await feed.next())["audience"] == "public"
    await feed.send(
        {"type": "command", "command_id": uuid.uuid4().hex, "command": {"type": "call_next"}}
    )
    error = await feed.until(lambda f: f["type"] == "error")
    assert error["code"] == "forbidden"

    intruder = await Feed.open(_ws(server, segment_id), "not-a-token")
    refusal = await intruder.next()
    assert refusal == {
        "type": "error",
        "code": "unauthenticated",
        "message": "the token is unknown, revoked or expired",
    }


async def test_a_delegate_requests_the_floor_and_follows_their_request(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    segment_id = hearing["segment_id"]
    token = hearing["delegate"]["token"]
    delegate = Api(server.base, token)
    feed = await Feed.open(_ws(server, segment_id), token)
    snapshot = await feed.next()
    assert snapshot["audience"] == "delegate" and snapshot["mine"] == []
    asked = delegate(
        "POST",
        f"/segments/{segment_id}/floor-requests",
        json={"command_id": "ask-1", "kind": "intervention", "note": "On decent work"},
    )
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["request_id"]
    mine = await feed.until(lambda f: f["type"] == "mine")
    assert mine["requests"][0]["status"] == "pending"
    again = delegate(
        "POST",
        f"/segments/{segment_id}/floor-requests",
        json={"command_id": "ask-2", "kind": "intervention"},
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_queued"

    api.command(segment_id, {"type": "approve_request", "request_id": request_id})
    queued = await feed.until(
        lambda f: f["type"] == "mine" and f["requests"][0]["status"] == "queued"
    )
    assert queued["requests"][0]["entry_id"]
    withdrawn = delegate("DELETE", f"/segments/{segment_id}/floor-requests/{request_id}")
    assert withdrawn.status_code == 200
    assert api.state(segment_id)["state"]["queue"] == []
    speeches = api.ok("GET", f"/segments/{segment_id}/speeches")
    assert speeches == []


async def test_a_socket_reads_on_while_its_commands_are_written(
    server: ServerProcess, hearing: dict[str, Any], tmp_path: Path
) -> None:
    """A console's commands are answered once durable, but the socket does not stop reading
    meanwhile: its pings are answered while its commands wait for the database (else a script's
    burst holds the keepalive's pongs back until uvicorn drops the socket), and the answers come
    in the order the commands were sent once the database is free."""
    segment_id = hearing["segment_id"]
    feed = await Feed.open(_ws(server, segment_id), hearing["moderator_token"])
    await feed.until(lambda f: f["type"] == "snapshot")
    blocker = sqlite3.connect(tmp_path / "floor.db", timeout=10)
    blocker.execute("BEGIN IMMEDIATE")  # holds the write lock: the server's writes wait
    try:
        ids = [f"held-{n}" for n in range(5)]
        for command_id in ids:
            command = {"type": "add_speaker", "name": f"Speaker {command_id}"}
            await feed.send({"type": "command", "command_id": command_id, "command": command})
        await feed.send({"type": "ping", "t": 1})
        pong = await feed.until(lambda f: f["type"] in ("pong", "ack"), timeout=3)
        assert pong["type"] == "pong"  # answered while the commands wait for the database
    finally:
        blocker.rollback()
        blocker.close()
    acks: list[dict[str, Any]] = []
    while len(acks) < len(ids):
        frame = await feed.until(lambda f: f["type"] in ("ack", "error"))
        acks.append(frame)
    assert [a["type"] for a in acks] == ["ack"] * len(ids), acks
    assert [a["command_id"] for a in acks] == ids
    await feed.close()


async def test_a_refusal_waits_behind_the_answers_of_commands_sent_before_it(
    server: ServerProcess, hearing: dict[str, Any], tmp_path: Path
) -> None:
    """A refusal is decided at once, an ack once the write is durable: the socket still answers
    in the order the commands were sent, so a client matching answers to commands (and the same
    command id sent twice with different bodies) is never misled."""
    segment_id = hearing["segment_id"]
    feed = await Feed.open(_ws(server, segment_id), hearing["moderator_token"])
    await feed.until(lambda f: f["type"] == "snapshot")
    blocker = sqlite3.connect(tmp_path / "floor.db", timeout=10)
    blocker.execute("BEGIN IMMEDIATE")  # the first command's write waits
    sent = [
        ("a", {"type": "set_message", "text": "Please conclude"}),
        ("b", {"type": "move_entry", "entry_id": "nope", "position": 0}),  # refused: no entry
        ("c", {"type": "zzz"}),  # refused: no such command
        ("a", {"type": "set_message", "text": "another body"}),  # the id reused
        ("d", {"type": "clear_message"}),
    ]
    try:
        for command_id, command in sent:
            await feed.send({"type": "command", "command_id": command_id, "command": command})
        await feed.send({"type": "ping", "t": 1})
        pong = await feed.until(lambda f: f["type"] in ("pong", "ack", "error"), timeout=3)
        assert pong["type"] == "pong"  # no answer overtook the first command's
    finally:
        blocker.rollback()
        blocker.close()
    answers = [await feed.until(lambda f: f["type"] in ("ack", "error")) for _ in sent]
    assert [(a["command_id"], a.get("code", "ack")) for a in answers] == [
        ("a", "ack"),
        ("b", "not_found"),
        ("c", "invalid_command"),
        ("a", "command_id_reused"),
        ("d", "ack"),
    ]
    await feed.close()
