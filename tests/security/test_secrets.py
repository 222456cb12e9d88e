"""Secrets stay secret: not in logs, cookies that scripts and other sites cannot use, links that
can be revoked, expire and cannot be forged, and a join code the organiser can change."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from starlette.testclient import TestClient
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from app.api.faces import CONTENT_SECURITY_POLICY

from ..e2e.server import ORGANISER_KEY, Api, ServerProcess
from .conftest import ORGANISER_KEY as KEY
from .conftest import AppFactory, World


async def test_tokens_never_reach_the_server_log(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    server = ServerProcess(f"sqlite:///{tmp_path / 'floor.db'}", log)
    server.start()
    try:
        api = Api(server.base)
        event = api.ok("POST", "/events", json={"title": "Hearing"})
        segment = api.ok(
            "POST", f"/events/{event['id']}/segments", json={"title": "I", "command_id": "s"}
        )
        link = api.ok("POST", f"/events/{event['id']}/access-links", json={"role": "moderator"})
        joined = api.ok(
            "POST",
            f"/events/{event['id']}/participants",
            json={"join_code": event["join_code"], "name": "A", "constituency": "media"},
        )
        secrets = [ORGANISER_KEY, link["token"], joined["token"]]
        # every way a secret travels: a header, a session body, a cookie, a socket's hello
        moderator = Api(server.base, link["token"])
        moderator.ok("GET", f"/segments/{segment['id']}/state")
        async with httpx.AsyncClient(base_url=f"{server.base}/api/v1") as browser:
            session = await browser.post("/session", json={"token": joined["token"]})
            browser.cookies.clear()
            browser.cookies.set("fk_delegate", joined["token"])
            (await browser.get("/session")).raise_for_status()
        async with connect(f"{server.ws_base}/ws/segments/{segment['id']}") as socket:
            await socket.send(orjson.dumps({"type": "hello", "token": link["token"]}).decode())
            assert orjson.loads(await socket.recv())["type"] == "snapshot"
        # and the failures, which are logged louder
        assert Api(server.base, link["token"] + "x")("GET", "/session").status_code == 401
        async with connect(f"{server.ws_base}/ws/segments/{segment['id']}") as socket:
            hello = {"type": "hello", "token": joined["token"] + "x"}
            await socket.send(orjson.dumps(hello).decode())
            assert orjson.loads(await socket.recv())["code"] == "unauthenticated"
        api.ok("DELETE", f"/events/{event['id']}/access-links/{link['id']}")
        assert moderator("GET", "/session").status_code == 401
        assert session.status_code == 200
    finally:
        server.stop()
    text = log.read_text()
    assert "GET /api/v1/session" in text  # the access log was written: it is what we check
    for secret in secrets:
        assert secret not in text
        assert secret[:12] not in text


def test_session_cookies_are_httponly_strict_and_secure_behind_tls(world: World) -> None:
    token = world.tokens["display"]
    plain = world.client.post("/api/v1/session", json={"token": token})
    cookie = plain.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on a laptop in the room: the cookie must work
    tls = TestClient(world.client.app, base_url="https://floor.test")
    assert "Secure" in tls.post("/api/v1/session", json={"token": token}).headers["set-cookie"]


def test_behind_a_tls_proxy_the_cookie_is_secure(tmp_path: Path) -> None:
    server = ServerProcess(f"sqlite:///{tmp_path / 'floor.db'}", tmp_path / "server.log")
    server.start()
    try:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        response = httpx.post(
            f"{server.base}/api/v1/session", json={"token": ORGANISER_KEY}, headers=headers
        )
        assert "Secure" in response.headers["set-cookie"]
        log = (tmp_path / "server.log").read_text()
    finally:
        server.stop()
    assert "203.0.113.7" in log  # the phone's address, not the proxy's, is what limits count


def test_a_public_https_url_makes_cookies_secure(make_client: AppFactory) -> None:
    client = make_client(public_url="https://floor.example.org")
    response = client.post("/api/v1/session", json={"token": KEY})
    assert "Secure" in response.headers["set-cookie"]


def test_every_response_withholds_the_referrer_and_faces_have_a_strict_policy(
    world: World,
) -> None:
    for path in ("/api/v1/health", "/moderator", "/join/abc", "/display/x", "/clock/x"):
        assert world.client.get(path).headers["Referrer-Policy"] == "no-referrer"
    for path in ("/moderator", "/join/abc", "/display/x", "/clock/x", "/"):
        policy = world.client.get(path).headers["Content-Security-Policy"]
        assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    pages = Path(__file__).parents[2] / "frontend"
    for page in pages.glob("*.html"):
        html = page.read_text()
        assert "<script>" not in html and "onclick=" not in html and "style=" not in html, page


def test_an_expired_link_is_refused(world: World) -> None:
    services = world.client.app.state.services  # type: ignore[attr-defined]
    link = world.call(
        "organiser",
        "POST",
        f"/events/{world.event['id']}/access-links",
        json={"role": "moderator", "expires_in_s": 60},
    ).json()
    assert world.call("moderator", "GET", "/session", token=link["token"]).status_code == 200
    clock = services.engine.clock
    services.engine.clock = lambda: clock() + 61_000
    try:
        refused = world.call("moderator", "GET", "/session", token=link["token"])
        assert refused.status_code == 401
        assert refused.json()["error"]["message"] == "the token is unknown, revoked or expired"
        with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
            socket.send_json({"type": "hello", "token": link["token"]})
            assert socket.receive_json()["code"] == "unauthenticated"
    finally:
        services.engine.clock = clock


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t + "=",
        lambda t: t.upper(),
        lambda t: t[:16],
        lambda t: "x" * 5000,
    ],
)
def test_a_tampered_link_is_refused(world: World, tamper: Any) -> None:
    forged = tamper(world.tokens["moderator"])
    response = world.call("moderator", "GET", "/session", token=forged)
    assert response.status_code == 401, response.text
    body = {"command_id": "forged", "command": {"type": "set_message", "text": "hijacked"}}
    path = f"/segments/{world.segment_id}/commands"
    assert world.call("moderator", "POST", path, token=forged, json=body).status_code == 401
    assert world.state()["state"]["message"] == ""


def test_rotating_the_join_code(world: World) -> None:
    old = world.event["join_code"]
    assert world.join("Before").status_code == 201
    with world.client.websocket_connect(f"/ws/events/{world.event['id']}") as display:
        display.send_json({"type": "hello", "token": world.tokens["display"]})
        assert display.receive_json()["event"]["join_code"] == old
        rotated = world.call("organiser", "POST", f"/events/{world.event['id']}/join-code")
        assert rotated.status_code == 200
        new = rotated.json()["join_code"]
        assert new != old and len(new) >= 8
        snapshot = display.receive_json()  # the room display redraws with the new code at once
        assert snapshot["type"] == "snapshot" and snapshot["event"]["join_code"] == new
    refused = world.join("After, with the old link")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "bad_join_code"
    assert world.client.get(f"/api/v1/join/{old}").status_code == 404
    world.event["join_code"] = new
    assert world.join("After, with the new link").status_code == 201
    assert world.client.get(f"/api/v1/join/{new}").json()["event_id"] == world.event["id"]
    # who joined before keeps their place; the moderator may not rotate it
    assert world.call("delegate", "GET", "/session").status_code == 200
    forbidden = world.call("moderator", "POST", f"/events/{world.event['id']}/join-code")
    assert forbidden.status_code == 403


def test_a_join_code_reads_off_a_wall_and_is_typed_without_care(world: World) -> None:
    """Capital letters and digits that cannot be taken for one another; typed in lower case, in
    two groups of four, or with a hyphen between them, it is the same code (each comparison
    still in constant time)."""
    from app.join_codes import ALPHABET, new_join_code

    codes = [new_join_code() for _ in range(200)] + [world.event["join_code"]]
    assert all(len(code) == 8 and set(code) <= set(ALPHABET) for code in codes)
    assert not set("0O1IL") & set(ALPHABET)
    code = world.event["join_code"]
    typed = f"{code[:4].lower()} {code[4:].lower()}"
    assert world.client.get(f"/api/v1/join/{typed}").json()["event_id"] == world.event["id"]
    # or with a hyphen, a dash or a dot between its groups, as codes are often written
    for between in ("-", "\u2013", "."):
        hyphened = f"{code[:4]}{between}{code[4:]}"
        found = world.client.get(f"/api/v1/join/{hyphened}")
        assert found.json()["event_id"] == world.event["id"], between
    world.event["join_code"] = typed
    assert world.join("Typed in lower case").status_code == 201
    world.event["join_code"] = code[:-1] + ("2" if code[-1] != "2" else "3")
    assert world.join("One sign wrong").json()["error"]["code"] == "bad_join_code"


def test_the_rotated_code_survives_a_restart(make_client: AppFactory, tmp_path: Path) -> None:
    from app.config import Settings
    from app.main import create_app

    from .conftest import NO_LIMITS

    database = f"sqlite:///{tmp_path / 'rotate.db'}"

    def start() -> TestClient:
        app = create_app(Settings(database_url=database, organiser_key=KEY, limits=NO_LIMITS))
        return TestClient(app)

    auth = {"Authorization": f"Bearer {KEY}"}
    with start() as client:
        event = client.post("/api/v1/events", json={"title": "Day"}, headers=auth).json()
        path = f"/api/v1/events/{event['id']}/join-code"
        new = client.post(path, headers=auth).json()["join_code"]
    with start() as client:
        assert client.get(f"/api/v1/join/{new}").status_code == 200
        assert client.get(f"/api/v1/join/{event['join_code']}").status_code == 404


async def test_a_foreign_origin_cannot_open_a_socket(tmp_path: Path) -> None:
    server = ServerProcess(f"sqlite:///{tmp_path / 'floor.db'}", tmp_path / "server.log")
    server.start()
    try:
        api = Api(server.base)
        event = api.ok("POST", "/events", json={"title": "Hearing"})
        url = f"{server.ws_base}/ws/events/{event['id']}"
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, origin="https://evil.example"):  # type: ignore[arg-type]
                pass
        assert refused.value.response.status_code == 403
        body = orjson.loads(refused.value.response.body or b"{}")
        assert body["error"]["code"] == "origin_not_allowed"
        # a bad session cookie is a 401 before the socket opens, not a silent close
        with pytest.raises(InvalidStatus) as unauthenticated:
            headers = {"Cookie": "fk_display=forged"}
            async with connect(url, additional_headers=headers):
                pass
        assert unauthenticated.value.response.status_code == 401
        # the same origin is fine; per-message compression is refused even when offered
        origin = f"http://127.0.0.1:{server.port}"
        async with connect(url, origin=origin, compression="deflate") as socket:  # type: ignore[arg-type]
            assert socket.response is not None
            assert "Sec-WebSocket-Extensions" not in socket.response.headers
            await socket.send(orjson.dumps({"type": "hello", "token": ORGANISER_KEY}).decode())
            frame = orjson.loads(await asyncio.wait_for(socket.recv(), 5))
            assert frame["type"] == "snapshot"
    finally:
        server.stop()


async def test_invalid_utf8_closes_1007_without_a_traceback_in_the_log(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    server = ServerProcess(f"sqlite:///{tmp_path / 'floor.db'}", log)
    server.start()
    try:
        event = Api(server.base).ok("POST", "/events", json={"title": "Hearing"})
        async with connect(f"{server.ws_base}/ws/events/{event['id']}") as socket:
            await socket.send(orjson.dumps({"type": "hello", "token": ORGANISER_KEY}).decode())
            assert orjson.loads(await socket.recv())["type"] == "snapshot"
            await socket.send(b"\xff\xfe not utf-8", text=True)
            await socket.wait_closed()
            assert socket.close_code == 1007
        assert Api(server.base).ok("GET", "/health")["status"] == "ok"
    finally:
        server.stop()
    text = log.read_text()
    assert "Invalid UTF-8 sequence received from client" in text
    assert "Traceback" not in text


def test_a_hello_over_the_frame_limit_is_refused_as_too_large(world: World) -> None:
    """A first frame over 64 KiB is refused by its size, as any frame after the hello is, and
    the socket closes (4400) before any credential in it is read; a binary hello is said to be
    binary (outside probe: both were "the first frame must be a JSON hello")."""
    padded = orjson.dumps({"type": "hello", "token": KEY, "pad": "x" * 70_000}).decode()
    with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
        socket.send_text(padded)
        refusal = socket.receive_json()
        assert refusal["code"] == "frame_too_large"
        assert "over the 64 KiB limit" in refusal["message"]
        assert socket.receive()["code"] == 4400
    with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
        socket.send_bytes(orjson.dumps({"type": "hello", "token": KEY}))
        refusal = socket.receive_json()
        assert refusal["code"] == "expected_hello"
        assert "not binary" in refusal["message"]
    assert world.state()["version"] == 2  # nothing applied
