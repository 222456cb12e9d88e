"""A command frame dropped by the socket's frame limit is named in its refusal: the console
knows which command to send again (docs/protocol.md, Conventions)."""

from __future__ import annotations

import uuid

from .conftest import AppFactory
from .test_limits import limited


def test_a_command_dropped_by_the_frame_limit_is_named(make_client: AppFactory) -> None:
    world, _clock = limited(make_client, ws_messages_per_second=2)
    with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
        socket.send_json({"type": "hello", "token": world.tokens["moderator"]})
        assert socket.receive_json()["type"] == "snapshot"
        for t in range(4):  # the burst: twice the rate
            socket.send_json({"type": "ping", "t": t})
        assert [socket.receive_json()["type"] for _ in range(4)] == ["pong"] * 4
        command_id = uuid.uuid4().hex
        command = {"type": "set_message", "text": "Please conclude"}
        socket.send_json({"type": "command", "command_id": command_id, "command": command})
        socket.send_json({"type": "command", "command_id": 7, "command": command})
        socket.send_json({"type": "ping", "t": 9})
        named, unnamed, ping = (socket.receive_json() for _ in range(3))
        assert (named["type"], named["code"], named["command_id"]) == (
            "error",
            "rate_limited",
            command_id,
        )
        assert named["retry_after_s"] >= 1
        # not a string command id, or not a command: refused without one
        assert unnamed["code"] == ping["code"] == "rate_limited"
        assert "command_id" not in unnamed and "command_id" not in ping
    assert world.state()["state"]["message"] != "Please conclude"
