"""The organiser's list of connected screens (GET .../screens) and identify: which consoles,
displays, clocks, booths and rapporteur pages are live, since when, last seen; delegates' phones
counted, not listed; a screen asked to identify itself gets an ``identify`` message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from starlette.testclient import WebSocketTestSession

from app.api.ws import shortened
from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


@contextmanager
def screen(world: World, role: str, **hello: Any) -> Iterator[WebSocketTestSession]:
    """A socket of the event, signed in as ``role``, past its snapshot."""
    with world.client.websocket_connect(f"/ws/events/{world.event['id']}") as socket:
        socket.send_json({"type": "hello", "token": world.tokens[role], **hello})
        assert socket.receive_json()["type"] == "snapshot"
        yield socket


def _screens(world: World, role: str = "organiser") -> Any:
    return world.call(role, "GET", f"/events/{world.event['id']}/screens")


def _label(world: World, role: str, label: str) -> str:
    """A fresh link of ``role`` with ``label``; its token."""
    made = world.call(
        "organiser",
        "POST",
        f"/events/{world.event['id']}/access-links",
        json={"role": role, "label": label},
    )
    assert made.status_code == 201, made.text
    world.tokens[label] = made.json()["token"]
    return label


def test_the_list_shows_each_screen_and_counts_the_phones(make_client: AppFactory) -> None:
    world = build_world(make_client())
    wall = _label(world, "display", "Room 4 wall")
    podium = _label(world, "display", "Podium clock")
    with ExitStack() as stack:
        stack.enter_context(screen(world, wall))  # says nothing: a display link is a display
        stack.enter_context(screen(world, podium, face="clock"))
        stack.enter_context(screen(world, "booth"))
        stack.enter_context(screen(world, "rapporteur"))
        stack.enter_context(screen(world, "delegate"))
        stack.enter_context(screen(world, "delegate", face="display"))  # still a phone
        answer = _screens(world)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["phones"] == 2
        listed = [(s["face"], s["role"], s["label"]) for s in body["screens"]]
        assert listed == [
            ("booth", "booth", ""),
            ("clock", "display", "Podium clock"),
            ("display", "display", "Room 4 wall"),
            ("rapporteur", "rapporteur", ""),
        ]
        for item in body["screens"]:
            assert item["connected_at"] <= item["last_seen_at"] <= body["server_time"]
            assert item["address"].endswith("…")
            assert item["segment_id"] == world.segment_id
    after = _screens(world).json()
    assert (after["screens"], after["phones"]) == ([], 0), "closed sockets leave the list"


def test_last_seen_is_the_last_frame_a_screen_sent(make_client: AppFactory) -> None:
    client = make_client()
    world = build_world(client)
    engine = client.app.state.services.engine  # type: ignore[attr-defined]
    real = engine.clock
    with screen(world, "display", face="clock") as socket:
        (before,) = _screens(world).json()["screens"]
        engine.clock = lambda: real() + 60_000  # a minute on the server's clock
        idle = _screens(world).json()
        assert idle["screens"][0]["last_seen_at"] == before["last_seen_at"]
        assert idle["server_time"] - before["last_seen_at"] >= 60_000
        socket.send_json({"type": "ping", "t": 1})
        assert socket.receive_json()["type"] == "pong"
        (after,) = _screens(world).json()["screens"]
        assert after["last_seen_at"] >= before["last_seen_at"] + 60_000
        assert after["connected_at"] == before["connected_at"]


def test_identify_reaches_that_screen_only(make_client: AppFactory) -> None:
    world = build_world(make_client())
    wall = _label(world, "display", "Room 4 wall")
    with screen(world, wall) as display, screen(world, "display", face="clock") as clock:
        screens = {s["face"]: s for s in _screens(world).json()["screens"]}
        path = f"/events/{world.event['id']}/screens/{screens['display']['id']}/identify"
        answer = world.call("organiser", "POST", path)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"screen_id": screens["display"]["id"], "duration_ms": 5000}
        assert display.receive_json() == {
            "type": "identify",
            "screen_id": screens["display"]["id"],
            "face": "display",
            "label": "Room 4 wall",
            "duration_ms": 5000,
        }
        # the clock got nothing: its next frame is the answer to its own ping
        clock.send_json({"type": "ping", "t": 7})
        assert clock.receive_json()["type"] == "pong"
    gone = world.call("organiser", "POST", path)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"


def test_an_organiser_link_sees_its_own_event_only(make_client: AppFactory) -> None:
    world = build_world(make_client())
    desk = world.call(
        "organiser", "POST", f"/events/{world.event['id']}/access-links", json={"role": "organiser"}
    ).json()
    assert desk["url"].startswith("/organiser#key=")
    assert desk["qr_svg"].startswith("<svg")
    own = world.call(
        "organiser", "GET", f"/events/{world.event['id']}/screens", token=desk["token"]
    )
    assert own.status_code == 200
    other = world.call(
        "organiser", "GET", f"/events/{world.other_event['id']}/screens", token=desk["token"]
    )
    assert other.status_code == 403
    assert _screens(world, "moderator").status_code == 403


def test_a_display_link_comes_with_its_clock_and_both_qr_codes(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id = world.event["id"]
    made = world.call(
        "organiser", "POST", f"/events/{event_id}/access-links", json={"role": "display"}
    ).json()
    assert made["url"] == f"/display/{event_id}#key={made['token']}"
    assert made["clock_url"] == f"/clock/{event_id}#key={made['token']}"
    assert made["qr_svg"].startswith("<svg") and made["clock_qr_svg"].startswith("<svg")
    assert made["qr_svg"] != made["clock_qr_svg"]
    device = world.call(
        "organiser", "POST", f"/events/{event_id}/access-links", json={"role": "device"}
    ).json()
    assert device["qr_svg"] is None and device["clock_url"] is None
    listed = world.call("organiser", "GET", f"/events/{event_id}/access-links").json()
    assert all("qr_svg" not in link for link in listed), "a listed link has no secret to draw"


def test_addresses_are_shortened() -> None:
    assert shortened("192.168.1.23") == "192.168.1.…"
    assert shortened("2001:db8:0:1:abcd:ef01:2345:6789") == "2001:db8:0:1:…"
    assert shortened("testclient") == "…"
