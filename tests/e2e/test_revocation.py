"""A revoked or expired credential loses its open sockets at once, against a real server process:
no command is applied on its behalf after the revocation is durable (issue 11, item 1)."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from .server import Api, Feed, ServerProcess


def _command(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": "command", "command_id": uuid.uuid4().hex, "command": {"type": kind, **fields}}


async def _closed_code(feed: Feed, timeout: float = 1.0) -> int | None:
    """Read until the server closes the socket; its close code (within ``timeout`` seconds)."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                await feed.next(timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else None


async def test_a_revoked_link_closes_its_sockets_within_a_second(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    event_id, segment_id = hearing["event"]["id"], hearing["segment_id"]
    links = api.ok("GET", f"/events/{event_id}/access-links")
    moderator_link = next(link for link in links if link["role"] == "moderator")
    display_link = next(link for link in links if link["role"] == "display")
    console = await Feed.open(
        f"{server.ws_base}/ws/segments/{segment_id}", hearing["moderator_token"]
    )
    display = await Feed.open(f"{server.ws_base}/ws/events/{event_id}", hearing["display_token"])
    assert (await console.next())["type"] == (await display.next())["type"] == "snapshot"
    await console.send(_command("set_message", text="before"))
    await console.until(lambda f: f["type"] == "ack")
    version = api.state(segment_id)["version"]

    began = time.monotonic()
    api("DELETE", f"/events/{event_id}/access-links/{moderator_link['id']}").raise_for_status()
    api("DELETE", f"/events/{event_id}/access-links/{display_link['id']}").raise_for_status()
    # both sockets are closed with 4401 within a second
    assert await _closed_code(console) == 4401
    assert await _closed_code(display) == 4401
    assert time.monotonic() - began < 1.0 + 1.0  # the two DELETE round trips included
    assert any(f.get("code") == "unauthenticated" for f in console.frames)
    # the new join code never reaches the revoked display
    rotated = api.ok("POST", f"/events/{event_id}/join-code")
    assert all(rotated["join_code"] not in str(frame) for frame in display.frames)
    # nothing more was applied on the console's behalf, and REST refuses the link too
    assert api.state(segment_id)["version"] == version
    moderator = Api(server.base, hearing["moderator_token"])
    assert moderator("GET", f"/segments/{segment_id}/state").status_code == 401


async def test_a_command_on_a_socket_whose_link_was_revoked_is_refused(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    """Even a command already on the wire when the link is revoked is not applied after."""
    event_id, segment_id = hearing["event"]["id"], hearing["segment_id"]
    link = next(
        item
        for item in api.ok("GET", f"/events/{event_id}/access-links")
        if item["role"] == "moderator"
    )
    console = await Feed.open(
        f"{server.ws_base}/ws/segments/{segment_id}", hearing["moderator_token"]
    )
    assert (await console.next())["type"] == "snapshot"
    version = api.state(segment_id)["version"]
    api("DELETE", f"/events/{event_id}/access-links/{link['id']}").raise_for_status()
    try:
        for n in range(5):
            await console.send(_command("add_speaker", name=f"Late {n}"))
    except ConnectionClosed:
        pass
    assert await _closed_code(console) == 4401
    assert not any(frame.get("type") == "ack" for frame in console.frames)
    assert api.state(segment_id)["version"] == version


@pytest.mark.parametrize("role", ["moderator", "display"])
async def test_an_expired_link_closes_its_socket(
    server: ServerProcess, api: Api, hearing: dict[str, Any], role: str
) -> None:
    event_id, segment_id = hearing["event"]["id"], hearing["segment_id"]
    link = api.ok(
        "POST", f"/events/{event_id}/access-links", json={"role": role, "expires_in_s": 1}
    )
    path = f"/ws/segments/{segment_id}" if role == "moderator" else f"/ws/events/{event_id}"
    feed = await Feed.open(f"{server.ws_base}{path}", link["token"])
    assert (await feed.next())["type"] == "snapshot"
    assert await _closed_code(feed, timeout=3.0) == 4401
    assert any("expired" in str(frame.get("message", "")) for frame in feed.frames)


async def test_a_removed_participant_loses_their_phone_and_stays_removed_after_a_restart(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    """The secretariat removes a duplicate registration: the phone that holds its token is
    closed (4401) within a second, and the registry stays without it when the server restarts."""
    event_id, segment_id = hearing["event"]["id"], hearing["segment_id"]
    duplicate = api.ok(
        "POST",
        f"/events/{event_id}/participants",
        json={
            "join_code": hearing["event"]["join_code"],
            "name": "Amina Diallo",
            "constituency": "trade_union",
        },
    )
    phone = await Feed.open(f"{server.ws_base}/ws/segments/{segment_id}", duplicate["token"])
    assert (await phone.next())["type"] == "snapshot"
    began = time.monotonic()
    api("DELETE", f"/participants/{duplicate['participant']['id']}").raise_for_status()
    assert await _closed_code(phone) == 4401
    assert time.monotonic() - began < 2.0  # the DELETE's round trip included
    kept = hearing["delegate"]["participant"]["id"]
    server.stop()
    server.start()
    listed = [p["id"] for p in api.ok("GET", f"/events/{event_id}/participants")]
    assert listed == [kept]
    delegate = Api(server.base, duplicate["token"])
    assert delegate("GET", "/session").status_code == 401
