"""The public live page (``/live/{event_id}`` and its socket ``/ws/live/{event_id}``): off by
default, published and withdrawn by the organiser, no key, the ``live`` audience only, capped per
address."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.api.live import LIVE_SOCKET_ROUTES, cap, live_target
from app.config import Limits
from app.views import LIVE_PROGRAMME

from .conftest import NO_LIMITS, AppFactory, World, build_world
from .test_limits import limited

LIVE_EVENT_KEYS = {"id", "title", "room", "timezone"}


def _publish(world: World, published: bool, role: str = "organiser") -> dict[str, Any]:
    response = world.call(
        role, "PATCH", f"/events/{world.event['id']}", json={"live_published": published}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def _open(client: TestClient, event_id: str, **hello: Any) -> Any:
    socket = client.websocket_connect(f"/ws/live/{event_id}").__enter__()
    socket.send_json({"type": "hello", **hello})
    return socket


def _refused(socket: Any, code: str, close: int) -> dict[str, Any]:
    frame = socket.receive_json()
    assert (frame["type"], frame["code"]) == ("error", code), frame
    with pytest.raises(WebSocketDisconnect) as closed:
        socket.receive_json()
    assert closed.value.code == close
    socket.__exit__(None, None, None)
    return dict(frame)


def _waits(socket: Any) -> dict[str, Any]:
    """The page is told it is not published, and its socket stays open (it waits): a ping is
    still answered, and nothing else comes. The frame it was told."""
    frame = socket.receive_json()
    assert (frame["type"], frame["code"]) == ("error", "not_published"), frame
    assert _until_pong(socket) == []
    return dict(frame)


def _until_pong(socket: Any) -> list[dict[str, Any]]:
    """Every frame queued for this socket before the answer to a ping sent now."""
    socket.send_json({"type": "ping", "t": 1})
    frames = []
    while (frame := socket.receive_json())["type"] != "pong":
        frames.append(frame)
    return frames


def test_the_socket_path_is_read_like_the_others() -> None:
    assert LIVE_SOCKET_ROUTES == {"/ws/live/": "event_id"}
    assert live_target("/ws/live/abc") == {"event_id": "abc"}
    assert live_target("/ws/live/") is None
    assert live_target("/ws/live/abc/def") is None
    assert live_target("/ws/events/abc") is None


def test_the_live_page_is_off_by_default_and_its_socket_waits(world: World) -> None:
    assert (
        world.call("organiser", "GET", f"/events/{world.event['id']}").json()["live_published"]
        is False
    )
    page = world.client.get(f"/live/{world.event['id']}")  # the page itself: static, anyone
    assert (
        page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    )
    early = _open(world.client, world.event["id"])
    told = _waits(early)
    assert told["message"] == "this meeting day's live page is not published"
    # an unknown meeting day reads the same: ids are not probed
    unknown = _open(world.client, "no-such-event")
    assert _waits(unknown) == told
    # published: the page that waited is sent the floor at once, over the socket it holds
    _publish(world, True)
    assert early.receive_json()["type"] == "snapshot"
    assert _until_pong(unknown) == []  # and the unknown one still waits
    for socket in (early, unknown):
        socket.__exit__(None, None, None)


def test_only_the_organiser_publishes_and_the_desk_sees_it(world: World) -> None:
    for role in ("moderator", "display", "delegate", "rapporteur", "booth"):
        response = world.call(
            role, "PATCH", f"/events/{world.event['id']}", json={"live_published": True}
        )
        assert response.status_code == 403, role
    assert _publish(world, True)["live_published"] is True
    assert world.call("moderator", "GET", f"/events/{world.event['id']}").json()["live_published"]
    assert _publish(world, False)["live_published"] is False


def test_the_published_page_is_the_live_audience_and_nothing_more(world: World) -> None:
    _publish(world, True)
    event_id = world.event["id"]
    # a credential in the hello changes nothing: the live page is the live audience
    socket = _open(world.client, event_id, token=world.tokens["organiser"])
    snapshot = socket.receive_json()
    assert snapshot["type"] == "snapshot" and snapshot["audience"] == "live"
    assert set(snapshot["event"]) == LIVE_EVENT_KEYS
    assert "join_code" not in str(snapshot) and world.event["join_code"] not in str(snapshot)
    for absent in ("outcome", "instruments", "mine"):
        assert absent not in snapshot
    # of the programme, what the room display shows of it: titles, kinds, statuses and times
    # (when a break resumes, what comes next), never a moderator's name, an aim or who is first
    assert snapshot["programme"] and all(
        set(entry) == set(LIVE_PROGRAMME) for entry in snapshot["programme"]
    )
    assert snapshot["live_segment_id"] == world.segment_id
    assert set(snapshot["state"]) == {"segment", "settings", "current", "paused", "queue"}

    # a turn: the speaker is added, called, the timer runs; a message and a note stay private
    for command in (
        {"type": "add_speaker", "name": "Bruno Silva", "organisation": "City of São Paulo"},
        {"type": "call_next"},
        {"type": "start_timer"},
        {"type": "set_message", "text": "Please conclude"},
        {"type": "set_notes", "text": "private: the mayor leaves at noon"},
    ):
        assert world.command("organiser", command).status_code == 200
    frames = _until_pong(socket)
    updates = [frame for frame in frames if frame["type"] == "update"]
    assert [frame["type"] for frame in frames] == ["update"] * len(updates)
    text = str(frames)
    assert "Bruno Silva" in text and "Please conclude" not in text and "private" not in text

    # the programme changes: the live page is told its titles and times only
    segment = {
        "title": "Thematic discussion II",
        "command_id": uuid.uuid4().hex,
        "moderator": "Ambassador Private",
        "aim": "an aim the room does not see",
    }
    response = world.call("organiser", "POST", f"/events/{event_id}/segments", json=segment)
    assert response.status_code == 201
    (programme,) = _until_pong(socket)
    assert programme["type"] == "programme"
    assert [entry["title"] for entry in programme["segments"]][-1] == "Thematic discussion II"
    assert all(set(entry) == set(LIVE_PROGRAMME) for entry in programme["segments"])
    assert "Ambassador Private" not in str(programme) and "aim the room" not in str(programme)

    # nothing to command from here
    frame: dict[str, Any] = {
        "type": "command",
        "command_id": "c1",
        "command": {"type": "end_turn"},
    }
    before = world.state()["version"]
    socket.send_json(frame)
    refusal = socket.receive_json()
    assert (refusal["code"], refusal["command_id"]) == ("forbidden", "c1")
    assert world.state()["version"] == before
    socket.__exit__(None, None, None)


def test_a_live_page_resumes_from_its_last_version(world: World) -> None:
    _publish(world, True)
    socket = _open(world.client, world.event["id"])
    snapshot = socket.receive_json()
    socket.__exit__(None, None, None)
    world.command("organiser", {"type": "add_speaker", "name": "Chen Wei"})
    again = _open(
        world.client,
        world.event["id"],
        segment_id=snapshot["segment_id"],
        last_version=snapshot["version"],
        last_stamp=snapshot["stamp"],
    )
    update, synced = again.receive_json(), again.receive_json()
    assert (update["type"], update["version"], synced["type"]) == (
        "update",
        snapshot["version"] + 1,
        "synced",
    )
    assert update["patch"][0]["value"]["name"] == "Chen Wei"
    again.__exit__(None, None, None)


def test_withdrawing_stops_the_open_pages_and_nothing_else(world: World) -> None:
    """Withdrawn, every open page is told so and sent nothing more (the floor goes on without
    it); the room's screens are not even sent a snapshot. Published again, every page that
    waited, and one opened meanwhile, is sent the floor at once on the socket it holds."""
    _publish(world, True)
    event_id = world.event["id"]
    pages = [_open(world.client, event_id) for _ in range(2)]
    assert all(page.receive_json()["type"] == "snapshot" for page in pages)
    display = world.client.websocket_connect(f"/ws/events/{event_id}").__enter__()
    display.send_json({"type": "hello", "token": world.tokens["display"]})
    assert display.receive_json()["type"] == "snapshot"

    _publish(world, False)
    for page in pages:
        assert _waits(page)["message"] == "this meeting day's live page is not published"
    assert _until_pong(display) == []  # the room's screens are not even sent a snapshot
    assert (
        world.command("organiser", {"type": "add_speaker", "name": "Chen Wei"}).status_code == 200
    )
    assert [frame["type"] for frame in _until_pong(display)] == ["update"]
    assert all(_until_pong(page) == [] for page in pages)  # the withdrawn pages: nothing
    services = world.client.app.state.services  # type: ignore[attr-defined]
    assert services.sockets.count_live(event_id) == 2  # they wait, under the caps
    late = _open(world.client, event_id)
    _waits(late)

    _publish(world, True)  # published again: every waiting page is sent the floor at once
    for page in (*pages, late):
        snapshot = page.receive_json()
        assert snapshot["type"] == "snapshot" and "Chen Wei" in str(snapshot)
    for socket in (*pages, late, display):
        socket.__exit__(None, None, None)


def test_live_pages_are_capped_per_address(make_client: AppFactory) -> None:
    world, _ = limited(make_client, live_connections_per_address=2)
    _publish(world, True)
    event_id = world.event["id"]
    first, second = _open(world.client, event_id), _open(world.client, event_id)
    assert first.receive_json()["type"] == second.receive_json()["type"] == "snapshot"
    refusal = _refused(_open(world.client, event_id), "too_many_connections", 4429)
    assert "2 live pages are already open from this network address" in refusal["message"]
    assert refusal["scope"] == "address"  # the page says why in its language
    first.__exit__(None, None, None)  # closing one makes room
    third = _open(world.client, event_id)
    assert third.receive_json()["type"] == "snapshot"
    # the cap is the live page's own: the room's screens of the same address are not counted
    display = world.client.websocket_connect(f"/ws/events/{event_id}").__enter__()
    display.send_json({"type": "hello", "token": world.tokens["display"]})
    assert display.receive_json()["type"] == "snapshot"
    for socket in (second, third, display):
        socket.__exit__(None, None, None)


def test_live_pages_keep_to_their_share_and_the_room_keeps_the_rest(
    make_client: AppFactory,
) -> None:
    """However big the webcast, live pages hold at most their share
    (``Limits.live_connections_percent``) of the process's connection cap: the next is refused
    (4429, saying why; the page asks again by itself) while the room's screens still connect, and
    a page closing makes room again; pages waiting for the page to be published again count too.
    Fails without the share: the fourth page is served."""
    limits = Limits(
        **{**NO_LIMITS.__dict__, "connections_total": 10, "live_connections_percent": 30}
    )
    assert cap(limits, files=1_000_000) == 3
    assert cap(Limits(**{**limits.__dict__, "live_connections_percent": 0})) == 0  # no share
    client = make_client(limits)
    world = build_world(client)
    _publish(world, True)
    event_id = world.event["id"]
    pages = [_open(client, event_id) for _ in range(3)]
    assert all(page.receive_json()["type"] == "snapshot" for page in pages)
    refusal = _refused(_open(client, event_id), "too_many_connections", 4429)
    assert "(3): the rest of its connections are kept for the room" in refusal["message"]
    assert refusal["scope"] == "server"
    display = client.websocket_connect(f"/ws/events/{event_id}").__enter__()
    display.send_json({"type": "hello", "token": world.tokens["display"]})
    assert display.receive_json()["type"] == "snapshot"  # the room's screen: served
    pages[0].__exit__(None, None, None)  # one closes: room for one more
    pages[0] = _open(client, event_id)
    assert pages[0].receive_json()["type"] == "snapshot"
    _publish(world, False)  # withdrawn: the pages wait, and still hold their share
    for page in pages:
        _waits(page)
    _refused(_open(client, event_id), "too_many_connections", 4429)
    for page in pages:  # closed: their share is free again
        page.__exit__(None, None, None)
    again = [_open(client, event_id) for _ in range(3)]
    assert all(_waits(page)["code"] == "not_published" for page in again)
    for socket in (*again, display):
        socket.__exit__(None, None, None)


def test_the_cap_is_counted_by_address_key(make_client: AppFactory) -> None:
    """No cap with ``0``; the key is ("live", address) so a link's count never mixes in."""
    client = make_client(NO_LIMITS)
    world = build_world(client)
    _publish(world, True)
    sockets = [_open(client, world.event["id"]) for _ in range(5)]
    assert all(socket.receive_json()["type"] == "snapshot" for socket in sockets)
    throttle = client.app.state.services.throttle  # type: ignore[attr-defined]
    assert throttle.socket_counts() == {("live", "testclient"): 5}
    for socket in sockets:
        socket.__exit__(None, None, None)
    assert throttle.socket_counts() == {}


def test_the_live_qr_code_carries_the_public_link(world: World) -> None:
    response = world.call("organiser", "GET", f"/events/{world.event['id']}/live-qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml" and b"<svg" in response.content
    assert response.headers["x-live-url"] == f"http://floor.test/live/{world.event['id']}"
