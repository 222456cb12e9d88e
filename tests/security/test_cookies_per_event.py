"""One browser, several rooms (outside probe S: a three-room day set up from one laptop).

A secretariat member checks room A's display and room B's on one laptop, a phone joins two
rooms, the organiser key's desk opens a room's organiser link to check it: each sign-in keeps
the others. A credential for one meeting day has that day's cookie (``fk_<role>_<event>``); the
role's last sign-in (``fk_<role>``) serves a page whose address names no day."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from app.auth import day_cookie, event_hint

from .conftest import ORGANISER_KEY, AppFactory, World
from .test_limits import limited


def _event_of(client: TestClient, path: str, **headers: str) -> Any:
    response = client.get(f"/api/v1{path}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _second_room(world: World) -> tuple[dict[str, Any], str]:
    """Room B: the other event, and a display link of its own."""
    auth = {"Authorization": f"Bearer {ORGANISER_KEY}"}
    other = world.other_event
    link = world.client.post(
        f"/api/v1/events/{other['id']}/access-links", json={"role": "display"}, headers=auth
    )
    assert link.status_code == 201, link.text
    return other, str(link.json()["token"])


def test_room_a_display_and_room_b_display_in_one_browser_each_keep_their_room(
    world: World,
) -> None:
    client = world.client
    room_a = world.event["id"]
    room_b, display_b = _second_room(world)
    as_display = {"X-Floorkeeper-As": "display"}
    assert client.post("/api/v1/session", json={"token": world.tokens["display"]}).is_success
    assert client.post("/api/v1/session", json={"token": display_b}).is_success
    assert {f"fk_display_{room_a}", f"fk_display_{room_b['id']}", "fk_display"} <= set(
        client.cookies.keys()
    )
    # room A's page, reloaded after room B's signed in: still room A's (its address names it)
    assert _event_of(client, f"/events/{room_a}", **as_display)["id"] == room_a
    said = _event_of(client, "/session", **as_display, **{"X-Floorkeeper-Event": room_a})
    assert said["event_id"] == room_a
    # a page that names no day: the last sign-in
    assert _event_of(client, "/session", **as_display)["event_id"] == room_b["id"]
    # room A's socket, with the cookies a browser sends
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    with client.websocket_connect(
        f"/ws/events/{room_a}?as=display", headers={"cookie": cookie}
    ) as socket:
        socket.send_json({"type": "hello", "face": "display"})
        first = socket.receive_json()
        assert first["type"] == "snapshot", first
        assert first["event"]["id"] == room_a


def test_a_rooms_organiser_link_does_not_take_the_place_of_the_organiser_keys_desk(
    world: World,
) -> None:
    client = world.client
    room_a = world.event["id"]
    auth = {"Authorization": f"Bearer {ORGANISER_KEY}"}
    link = client.post(
        f"/api/v1/events/{room_a}/access-links", json={"role": "organiser"}, headers=auth
    )
    assert link.status_code == 201, link.text
    as_organiser = {"X-Floorkeeper-As": "organiser"}
    assert client.post("/api/v1/session", json={"token": ORGANISER_KEY}).is_success
    assert client.post("/api/v1/session", json={"token": link.json()["token"]}).is_success
    # the desk of every event, reloaded: still the key's
    desk = _event_of(client, "/session", **as_organiser)
    assert desk["event_id"] is None
    assert len(_event_of(client, "/events", **as_organiser)) == 2
    # the room's link, on its own day
    said = _event_of(client, "/session", **as_organiser, **{"X-Floorkeeper-Event": room_a})
    assert said["event_id"] == room_a


def test_signing_out_of_one_room_keeps_the_other(world: World) -> None:
    client = world.client
    room_a = world.event["id"]
    room_b, display_b = _second_room(world)
    assert client.post("/api/v1/session", json={"token": world.tokens["display"]}).is_success
    assert client.post("/api/v1/session", json={"token": display_b}).is_success
    out = client.delete(
        "/api/v1/session",
        headers={"X-Floorkeeper-As": "display", "X-Floorkeeper-Event": room_b["id"]},
    )
    assert out.status_code == 204
    assert f"fk_display_{room_b['id']}" not in client.cookies
    # the last sign-in was room B's: room A's, which this browser still holds, takes its place
    assert client.cookies["fk_display"] == world.tokens["display"]
    assert _event_of(client, "/session", **{"X-Floorkeeper-As": "display"})["event_id"] == room_a
    said = _event_of(
        client, "/session", **{"X-Floorkeeper-As": "display", "X-Floorkeeper-Event": room_a}
    )
    assert said["event_id"] == room_a


def test_a_cookie_named_for_another_event_is_still_a_session_cookie_at_the_edge(
    world: World,
) -> None:
    """The cross-origin refusal knows every session cookie, a day's too."""
    client = world.client
    room_a = world.event["id"]
    assert client.post("/api/v1/session", json={"token": world.tokens["moderator"]}).is_success
    client.cookies.delete("fk_moderator")
    assert f"fk_moderator_{room_a}" in client.cookies
    response = client.post(
        f"/api/v1/segments/{world.segment_id}/commands",
        json={"command_id": "x", "command": {"type": "start_timer"}},
        headers={"Origin": "https://evil.example", "X-Floorkeeper-Event": room_a},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cross_origin_refused"


def _key_then_a_revoked_rooms_link(world: World) -> str:
    """A browser signed in with the organiser key, then with room A's organiser link (the desk
    checking it), which is revoked since: room A's id."""
    client = world.client
    room_a = str(world.event["id"])
    auth = {"Authorization": f"Bearer {ORGANISER_KEY}"}
    link = client.post(
        f"/api/v1/events/{room_a}/access-links", json={"role": "organiser"}, headers=auth
    ).json()
    assert client.post("/api/v1/session", json={"token": ORGANISER_KEY}).is_success
    assert client.post("/api/v1/session", json={"token": link["token"]}).is_success
    gone = client.delete(f"/api/v1/events/{room_a}/access-links/{link['id']}", headers=auth)
    assert gone.status_code == 204
    return room_a


def test_a_revoked_rooms_organiser_link_does_not_shadow_the_key(world: World) -> None:
    """The key's desk opened a room's organiser link to check it; the link is revoked later: the
    desk goes on with the key on that room's pages too."""
    client = world.client
    room_a = _key_then_a_revoked_rooms_link(world)
    as_organiser = {"X-Floorkeeper-As": "organiser"}
    assert _event_of(client, f"/events/{room_a}", **as_organiser)["id"] == room_a
    said = _event_of(client, "/session", **as_organiser, **{"X-Floorkeeper-Event": room_a})
    assert said["event_id"] is None  # the key


def _room_a_display_signed_in(world: World) -> Callable[[], str]:
    """This browser signed in with a new display link of room A; what revokes it (and says room
    A's id)."""
    client = world.client
    room_a = str(world.event["id"])
    auth = {"Authorization": f"Bearer {ORGANISER_KEY}"}
    link = client.post(
        f"/api/v1/events/{room_a}/access-links", json={"role": "display"}, headers=auth
    ).json()
    assert client.post("/api/v1/session", json={"token": link["token"]}).is_success

    def revoke() -> str:
        gone = client.delete(f"/api/v1/events/{room_a}/access-links/{link['id']}", headers=auth)
        assert gone.status_code == 204
        return room_a

    return revoke


def test_a_revoked_rooms_display_is_told_so_not_shown_another_room(world: World) -> None:
    client = world.client
    room_b, display_b = _second_room(world)
    revoke_a = _room_a_display_signed_in(world)
    assert client.post("/api/v1/session", json={"token": display_b}).is_success
    room_a = revoke_a()
    asked = client.get(
        "/api/v1/session", headers={"X-Floorkeeper-As": "display", "X-Floorkeeper-Event": room_a}
    )
    assert asked.status_code == 401  # room A's link is gone: not room B's screen instead
    assert _event_of(client, f"/events/{room_b['id']}", **{"X-Floorkeeper-As": "display"})


def test_a_day_named_otherwise_than_an_id_is_no_day(world: World) -> None:
    """Outside review K: an id with a final newline passed the check and failed as a cookie's
    name (500); a cookie planted with a name no server sets made signing out fail."""
    assert event_hint("abc\n") is None and event_hint("a(b") is None
    assert day_cookie("display", "day-1") == "fk_display_day-1"  # an imported day's id
    assert day_cookie("display", "day 1") is None
    client = world.client
    assert client.post("/api/v1/session", json={"token": world.tokens["display"]}).is_success
    for query in ("?event=abc%0A", "?event=a%28b", ""):
        out = client.delete(
            f"/api/v1/session{query}",
            headers={"X-Floorkeeper-As": "display", "Cookie": "fk_display_a(b=planted"},
        )
        assert out.status_code == 204, (query, out.text)


def test_a_named_day_comes_before_the_roles_order(world: World) -> None:
    """Outside review K: a laptop with the organiser key and room B's moderator link opened
    room A's console: it was room B's (the moderator's cookie first), now the key's."""
    client = world.client
    room_a = world.event["id"]
    assert client.post("/api/v1/session", json={"token": ORGANISER_KEY}).is_success
    assert client.post("/api/v1/session", json={"token": world.tokens["stranger"]}).is_success
    console = {"X-Floorkeeper-As": "moderator,organiser", "X-Floorkeeper-Event": room_a}
    assert _event_of(client, "/session", **console)["event_id"] is None  # the key: room A's too
    other = world.other_event["id"]
    said = _event_of(client, "/session", **(console | {"X-Floorkeeper-Event": other}))
    assert said["event_id"] == other  # room B's console: its own link


def test_signing_out_of_a_day_not_held_keeps_the_last_sign_in(world: World) -> None:
    client = world.client
    assert client.post("/api/v1/session", json={"token": ORGANISER_KEY}).is_success
    out = client.delete(
        "/api/v1/session",
        headers={"X-Floorkeeper-As": "organiser", "X-Floorkeeper-Event": world.event["id"]},
    )
    assert out.status_code == 204
    assert client.cookies.get("fk_organiser") == ORGANISER_KEY


def test_days_whose_links_are_gone_are_cleared_at_the_next_sign_in(world: World) -> None:
    """Outside review K: days' cookies piled up (60 days' links: a 14 KB Cookie header, over
    uvicorn's limit in pieces). A sign-in clears the role's days that no longer sign in."""
    client = world.client
    room_b, display_b = _second_room(world)
    room_a = _room_a_display_signed_in(world)()
    signed = client.post("/api/v1/session", json={"token": display_b})
    assert signed.is_success
    assert f"fk_display_{room_a}" not in client.cookies
    assert f"fk_display_{room_b['id']}" in client.cookies


def test_the_keys_desk_is_not_rate_limited_behind_a_revoked_rooms_link(
    make_client: AppFactory,
) -> None:
    """Outside review K: the edge counted the first cookie (the revoked room link's, unknown):
    the key's desk was limited per address on that room's pages."""
    world, _ = limited(make_client, requests_per_second=3)
    client = world.client
    room_a = _key_then_a_revoked_rooms_link(world)
    answers = [
        client.get(f"/api/v1/events/{room_a}", headers={"X-Floorkeeper-As": "organiser"})
        for _ in range(12)
    ]
    assert [a.status_code for a in answers] == [200] * 12
