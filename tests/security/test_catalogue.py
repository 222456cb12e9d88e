"""Cases of docs/security.md that no other test covers: each asserts the clear error and that
nothing already accepted was lost or changed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from .conftest import World


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = dict(response.json()["error"])
    assert error["code"] == code
    return error


def test_a_ten_kilobyte_name_is_refused_and_names_the_limit(world: World) -> None:
    participants = len(
        world.call("organiser", "GET", f"/events/{world.event['id']}/participants").json()
    )
    error = _error(world.join("N" * 10_000), 422, "invalid_request")
    assert "name" in error["message"] and "120 characters" in error["message"]
    queue = world.state()["state"]["queue"]
    _error(
        world.command("moderator", {"type": "add_speaker", "name": "N" * 10_000}),
        422,
        "invalid_request",
    )
    assert world.state()["state"]["queue"] == queue
    after = world.call("organiser", "GET", f"/events/{world.event['id']}/participants").json()
    assert len(after) == participants


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("\u202eAmina Diallo", "Amina Diallo"),  # right-to-left override
        ("Am\u200bina\u200d Dia\ufeffllo", "Amina Diallo"),  # zero-width characters
        ("Amina\u2066 Diallo\u2069", "Amina Diallo"),  # directional isolates
        ("Amina\x00\x07 Diallo\n", "Amina Diallo"),  # control characters
        ("Ame\u0301lie", "Am\u00e9lie"),  # decomposed e + accent -> one character (NFC)
        ("  محمد   علي  ", "محمد علي"),  # Arabic stays, only the spaces are tidied
    ],
)
def test_names_are_normalised_and_stripped_everywhere(world: World, sent: str, kept: str) -> None:
    # another organisation than the world's Amina Diallo (ITUC): not the same person twice
    joined = world.join(sent, organisation="UNHCR")
    assert joined.status_code == 201, joined.text
    assert joined.json()["participant"]["name"] == kept
    added = world.command("moderator", {"type": "add_speaker", "name": sent})
    assert added.status_code == 200, added.text
    assert world.state()["state"]["queue"][-1]["name"] == kept


def test_a_name_of_only_invisible_characters_is_refused(world: World) -> None:
    error = _error(world.join("\u200b\u202e\u2066"), 422, "invalid_request")
    assert "name" in error["message"] and "empty" in error["message"]


def test_an_unknown_constituency_is_refused_with_the_known_ones(world: World) -> None:
    error = _error(world.join(constituency="lobbyists"), 422, "invalid_request")
    assert "constituency" in error["message"] and "trade_union" in error["message"]
    command = {"type": "add_speaker", "name": "X", "constituency": "lobbyists"}
    _error(world.command("moderator", command), 422, "invalid_request")


def test_one_delegate_on_two_phones(world: World) -> None:
    path = f"/ws/segments/{world.segment_id}"
    with (
        world.client.websocket_connect(path) as phone,
        world.client.websocket_connect(path) as tablet,
    ):
        for device in (phone, tablet):
            device.send_json({"type": "hello", "token": world.tokens["delegate"]})
            assert device.receive_json()["type"] == "snapshot"
        requests = f"/segments/{world.segment_id}/floor-requests"
        first = world.call("delegate", "POST", requests, json={"command_id": "p1"})
        assert first.status_code == 201
        second = world.call("delegate", "POST", requests, json={"command_id": "p2"})
        error = _error(second, 409, "already_queued")
        assert "already" in error["message"]
        # both phones see the one request, as theirs
        for device in (phone, tablet):
            while (frame := device.receive_json())["type"] != "mine":
                pass
            assert [r["id"] for r in frame["requests"]] == [first.json()["request_id"]]
    assert len(world.state()["state"]["requests"]) == 1


def test_a_request_after_the_segment_ended(world: World) -> None:
    accepted = world.call(
        "delegate", "POST", f"/segments/{world.segment_id}/floor-requests", json={"command_id": "a"}
    )
    assert accepted.status_code == 201
    assert world.command("moderator", {"type": "end_segment"}).status_code == 200
    other = world.join("Late Comer").json()["token"]
    late = world.call(
        "delegate",
        "POST",
        f"/segments/{world.segment_id}/floor-requests",
        token=other,
        json={"command_id": "late"},
    )
    error = _error(late, 409, "segment_ended")
    assert "ended" in error["message"]
    added = world.command("moderator", {"type": "add_speaker", "name": "Too late"})
    _error(added, 409, "segment_ended")
    assert world.state()["state"]["segment"]["status"] == "ended"


def test_a_client_ahead_of_the_server_gets_a_fresh_snapshot(world: World) -> None:
    version = world.state()["version"]
    with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
        socket.send_json(
            {
                "type": "hello",
                "token": world.tokens["display"],
                "segment_id": world.segment_id,
                "last_version": version + 1000,  # e.g. a server restored from an older backup
            }
        )
        snapshot = socket.receive_json()
    assert snapshot["type"] == "snapshot" and snapshot["version"] == version


@pytest.mark.parametrize(
    ("command", "field"),
    [
        ({"type": "adjust_time", "delta_ms": 0}, "delta_ms"),
        ({"type": "adjust_time", "delta_ms": 3_600_001}, "delta_ms"),
        ({"type": "set_default_time", "kind": "intervention", "duration_ms": 0}, "duration_ms"),
        ({"type": "set_default_time", "kind": "intervention", "duration_ms": -5}, "duration_ms"),
        (
            {"type": "set_default_time", "kind": "intervention", "duration_ms": 10**12},
            "duration_ms",
        ),
        ({"type": "add_speaker", "name": "A", "allotted_ms": 3_600_001}, "allotted_ms"),
        ({"type": "add_speaker", "name": "A", "allotted_ms": "180000"}, "allotted_ms"),
        ({"type": "set_thresholds", "warning_ms": 10**15, "danger_ms": 0}, "warning_ms"),
    ],
)
def test_absurd_durations_are_refused(world: World, command: dict[str, Any], field: str) -> None:
    before = world.state()
    error = _error(world.command("moderator", command), 422, "invalid_request")
    assert field in error["message"]
    assert world.state()["version"] == before["version"]


def test_the_same_command_id_with_another_body(world: World) -> None:
    command_id = uuid.uuid4().hex
    first = world.command("moderator", {"type": "add_speaker", "name": "A"}, command_id)
    assert first.status_code == 200
    reused = world.command("moderator", {"type": "add_speaker", "name": "B"}, command_id)
    error = _error(reused, 409, "command_id_reused")
    assert command_id in error["message"] or "command id" in error["message"]
    assert [e["name"] for e in world.state()["state"]["queue"]] == ["A"]
    repeated = world.command("moderator", {"type": "add_speaker", "name": "A"}, command_id)
    assert repeated.json()["duplicate"] is True
    assert [e["name"] for e in world.state()["state"]["queue"]] == ["A"]
