"""Per-client limits (app/limits.py): each refuses with a clear 429, loses nothing already
accepted, lets the organiser through, and lets the client in again once it has waited.

The limits read a clock we hold, so "a minute later" is a step of that clock, not a wait.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.config import Limits
from app.limits import Throttle

from .conftest import NO_LIMITS, AppFactory, World, build_world


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limited(make_client: AppFactory, **limits: int) -> tuple[World, Clock]:
    """A hearing built without limits, then the given limits switched on with our clock."""
    client = make_client(NO_LIMITS)
    world = build_world(client)
    clock = Clock()
    settings = Limits(**{**NO_LIMITS.__dict__, **limits})
    services = client.app.state.services  # type: ignore[attr-defined]
    services.throttle = Throttle(settings, clock=clock)
    services.engine.policy.throttle = services.throttle  # every transport's one policy step
    return world, clock


def _pending(world: World) -> list[str]:
    return [r["participant_id"] for r in world.state()["state"]["requests"]]


def refused(response: Any, fragment: str) -> None:
    assert response.status_code == 429, response.text
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert fragment in error["message"]
    assert int(response.headers["Retry-After"]) >= 1


def test_two_hundred_requests_a_second_from_one_phone(make_client: AppFactory) -> None:
    world, clock = limited(make_client, requests_per_second=5)
    request = world.call(
        "delegate",
        "POST",
        f"/segments/{world.segment_id}/floor-requests",
        json={"command_id": "first", "kind": "intervention"},
    )
    assert request.status_code == 201
    answers = [
        world.call("delegate", "GET", f"/segments/{world.segment_id}/state").status_code
        for _ in range(200)
    ]
    assert answers.count(200) == 9  # a burst of twice the rate, one already spent
    refused(world.call("delegate", "GET", "/session"), "too many requests")
    # the organiser's own scripts are not limited, and nothing the phone did is lost
    assert all(
        world.call("organiser", "GET", f"/segments/{world.segment_id}/state").status_code == 200
        for _ in range(50)
    )
    assert _pending(world) == [world.delegate["participant"]["id"]]
    clock.now += 1
    assert world.call("delegate", "GET", "/session").status_code == 200


def test_floor_requests_per_delegate(make_client: AppFactory) -> None:
    world, clock = limited(make_client, floor_requests_per_minute=3)
    path = f"/segments/{world.segment_id}/floor-requests"

    def ask(command_id: str) -> Any:
        body = {"command_id": command_id, "kind": "intervention"}
        return world.call("delegate", "POST", path, json=body)

    first = ask("ask-1")
    assert first.status_code == 201
    withdraw = world.call("delegate", "DELETE", f"{path}/{first.json()['request_id']}")
    assert withdraw.status_code == 200
    assert ask("ask-2").status_code == 201
    assert ask("ask-2").json()["duplicate"] is True  # a retry is answered, not counted
    refused(ask("ask-3"), "floor requests")
    refused(world.command("delegate", {"type": "request_floor"}), "floor requests")
    assert _pending(world) == [world.delegate["participant"]["id"]]  # accepted, still there
    clock.now += 20  # a minute's allowance comes back a third at a time
    again = ask("ask-3")
    assert again.status_code == 409  # now it is the floor's rule that answers
    assert again.json()["error"]["code"] == "already_queued"


def test_joins_per_address(make_client: AppFactory) -> None:
    world, clock = limited(make_client, joins_per_minute=2)
    assert world.join("One").status_code == 201
    assert world.join("Two").status_code == 201
    refused(world.join("Three"), "joining from this network address")
    # the secretariat may still register people for the floor
    body = {"name": "Registered by the floor", "constituency": "academia"}
    by_floor = world.call(
        "moderator", "POST", f"/events/{world.event['id']}/participants", json=body
    )
    assert by_floor.status_code == 201
    clock.now += 30
    assert world.join("Three").status_code == 201


def test_a_flood_of_wrong_join_codes_is_stopped(make_client: AppFactory) -> None:
    """Wrong codes from one address are made to wait; the right code still joins (a whole venue
    shares one public address, and one guessing phone must not lock out the room)."""
    world, clock = limited(make_client, bad_join_codes_per_minute=3)
    real = world.event["join_code"]
    for guess in ("aaaaaaaa", "bbbbbbbb", "cccccccc"):
        world.event["join_code"] = guess
        assert world.join().json()["error"]["code"] == "bad_join_code"
    world.event["join_code"] = "dddddddd"
    refused(world.join(), "wrong join codes")
    # the right code is never refused for the address's guesses
    world.event["join_code"] = real
    assert world.join("Someone new").status_code == 201
    assert world.client.get(f"/api/v1/join/{real}").status_code == 200
    clock.now += 20
    world.event["join_code"] = "eeeeeeee"
    assert world.join().json()["error"]["code"] == "bad_join_code"


def test_guessing_through_the_join_page_counts_too(make_client: AppFactory) -> None:
    world, _ = limited(make_client, bad_join_codes_per_minute=2)
    assert world.client.get("/api/v1/join/nope1").status_code == 404
    assert world.client.get("/api/v1/join/nope2").status_code == 404
    refused(world.client.get("/api/v1/join/nope3"), "wrong join codes")
    assert world.client.get(f"/api/v1/join/{world.event['join_code']}").status_code == 200


def test_one_phone_guessing_cannot_block_the_room(make_client: AppFactory) -> None:
    """The probe: a wrong code every 0.2 s from the venue's address made 56 of 58 right joins
    fail. Now the guessing browser waits longer and longer; everyone else joins."""
    world, clock = limited(make_client, bad_join_codes_per_minute=10, joins_per_minute=120)
    guesser = TestClient(world.client.app, base_url="http://floor.test")
    code = world.event["join_code"]
    answers: list[int] = []
    joined = 0
    for n in range(58):
        answers.append(guesser.get("/api/v1/join/wrongcode").status_code)
        clock.now += 0.2
        response = world.client.post(
            f"/api/v1/events/{world.event['id']}/participants",
            json={"join_code": code, "name": f"Delegate {n}", "constituency": "academia"},
        )
        joined += response.status_code == 201
    assert joined == 58
    assert answers[:3] == [404, 404, 404]  # a few typos are free
    assert answers.count(429) > 40  # then the guessing browser mostly waits
    refusal = guesser.get("/api/v1/join/wrongcode").json()["error"]
    assert "from this browser" in refusal["message"]


@pytest.mark.parametrize("how", ["join page", "join form"])
def test_a_guessing_browser_is_counted_as_itself_from_its_first_wrong_code(
    make_client: AppFactory, how: str
) -> None:
    """Outside probe M: the browser's cookie was set on an answer the refusal replaced, so it
    never reached the browser and only the room's address was counted (one guesser then spends
    everyone's allowance). The first refusal sets it; after the free typos this browser waits,
    named as a browser, while another phone at the same address still gets its own typos."""
    world, _ = limited(make_client, bad_join_codes_per_minute=100)
    guesser = TestClient(world.client.app, base_url="http://floor.test")
    path = f"/api/v1/events/{world.event['id']}/participants"

    def guess(client: TestClient) -> Any:
        if how == "join page":
            return client.get("/api/v1/join/wrongcode")
        return client.post(
            path, json={"join_code": "wrongcode", "name": "G", "constituency": "academia"}
        )

    first = guess(guesser)
    assert first.status_code in (403, 404) and "fk_browser=" in first.headers["set-cookie"]
    for _ in range(3):  # the free typos, then one that starts its wait
        assert guess(guesser).status_code in (403, 404)
    refusal = guess(guesser)
    refused(refusal, "from this browser")
    other = TestClient(world.client.app, base_url="http://floor.test")
    assert guess(other).status_code in (403, 404)  # the same address, its own typos


def test_random_bearer_tokens_count_against_the_address(make_client: AppFactory) -> None:
    """600 requests with fresh random tokens: refused for the rate, not each a database query."""
    world, _ = limited(make_client, requests_per_second=5)
    codes = [
        world.client.get(
            f"/api/v1/segments/{world.segment_id}/state",
            headers={"Authorization": f"Bearer {uuid.uuid4().hex}"},
        ).status_code
        for _ in range(600)
    ]
    assert codes[:10].count(401) == 10
    assert codes.count(429) >= 580
    # a known credential has its own budget
    assert world.call("moderator", "GET", f"/segments/{world.segment_id}/state").status_code == 200


def _hello(client: TestClient, path: str, token: str) -> Any:
    socket = client.websocket_connect(path)
    socket.__enter__()
    socket.send_json({"type": "hello", "token": token})
    return socket


def test_connections_per_link(make_client: AppFactory) -> None:
    world, _ = limited(make_client, connections_per_token=2)
    path = f"/ws/events/{world.event['id']}"
    token = str(world.tokens["display"])
    first, second = _hello(world.client, path, token), _hello(world.client, path, token)
    assert first.receive_json()["type"] == second.receive_json()["type"] == "snapshot"
    third = _hello(world.client, path, token)
    error = third.receive_json()
    assert error["code"] == "too_many_connections"
    assert "2 screens open" in error["message"]
    with pytest.raises(WebSocketDisconnect) as closed:
        third.receive_json()
    assert closed.value.code == 4429
    third.__exit__(None, None, None)
    # the open screens are unaffected, and closing one makes room
    first.__exit__(None, None, None)
    fourth = _hello(world.client, path, token)
    assert fourth.receive_json()["type"] == "snapshot"
    organiser = [_hello(world.client, path, str(world.tokens["organiser"])) for _ in range(4)]
    assert all(s.receive_json()["type"] == "snapshot" for s in organiser)
    for socket in (second, fourth, *organiser):
        socket.__exit__(None, None, None)


def test_frames_per_second_on_one_socket(make_client: AppFactory) -> None:
    world, clock = limited(make_client, ws_messages_per_second=2)
    with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
        socket.send_json({"type": "hello", "token": world.tokens["moderator"]})
        assert socket.receive_json()["type"] == "snapshot"
        for t in range(10):
            socket.send_json({"type": "ping", "t": t})
        answers = [socket.receive_json() for _ in range(10)]
        assert [a["type"] for a in answers].count("pong") == 4  # a burst of twice the rate
        dropped = [a for a in answers if a["type"] == "error"]
        assert {a["code"] for a in dropped} == {"rate_limited"}
        assert "more than 2 frames a second" in dropped[0]["message"]
        clock.now += 1
        command_id = uuid.uuid4().hex
        command = {"type": "set_message", "text": "Please conclude"}
        socket.send_json({"type": "command", "command_id": command_id, "command": command})
        while (frame := socket.receive_json())["type"] != "ack":
            pass
        assert frame["command_id"] == command_id
    assert world.state()["state"]["message"] == "Please conclude"


def test_recommendations_and_pledges_per_delegate(make_client: AppFactory) -> None:
    """One phone cannot flood the rapporteur's list: a delegate's contributions are counted
    per minute (a retry is free), and what was accepted stays."""
    world, clock = limited(make_client, contributions_per_minute=2)
    path = f"/events/{world.event['id']}/contributions"

    def submit(who: str, command_id: str) -> Any:
        body = {
            "command_id": command_id,
            "kind": "recommendation",
            "language": "en",
            "text": f"Recommendation {command_id}",
            "segment_id": world.segment_id,
        }
        return world.call(who, "POST", path, json=body)

    assert submit("delegate", "c-1").status_code == 201
    assert submit("delegate", "c-2").status_code == 201
    assert submit("delegate", "c-2").json()["duplicate"] is True  # a retry is answered, free
    refused(submit("delegate", "c-3"), "recommendations and pledges")
    contributions = world.call("organiser", "GET", path).json()["contributions"]
    assert sorted(c["text"] for c in contributions) == [
        "Recommendation c-1",
        "Recommendation c-2",
    ]
    clock.now += 30  # a minute's allowance comes back half at a time
    assert submit("delegate", "c-3").status_code == 201
