"""What every request meets before a route (app/api/edge.py) and the one policy step every
command passes (app/policy.py): bodies, JSON shape, cross-origin cookies, limits on sockets; and
what every REST route meets first (app/api/routes/__init__.py): ids in the path within reach."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from starlette.testclient import WebSocketDenialResponse

from app.api.deps import ID_LENGTH
from app.api.edge import MAX_BODY_BYTES, MAX_JSON_DEPTH, MAX_JSON_ITEMS, json_too_complex
from app.config import ConfigError, Settings

from .conftest import ORGANISER_KEY, AppFactory, World
from .test_limits import limited


def test_a_body_announced_over_the_limit_is_refused_before_it_is_read(world: World) -> None:
    response = world.client.post(
        "/api/v1/session",
        content=b"{}",
        headers={"Content-Length": str(500 * 1024 * 1024), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "body_too_large"
    assert f"{MAX_BODY_BYTES:,} bytes" in error["message"]


def test_a_chunked_body_over_the_limit_is_refused_as_it_arrives(world: World) -> None:
    def chunks() -> Iterator[bytes]:
        yield from (b" " * 65_536 for _ in range(40))  # 2.5 MB, announced with no length

    response = world.client.post(
        "/api/v1/session", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_a_body_within_the_limit_still_works(world: World) -> None:
    note = "x" * 200
    body = {"command_id": uuid.uuid4().hex, "kind": "intervention", "note": note}
    response = world.call(
        "delegate", "POST", f"/segments/{world.segment_id}/floor-requests", json=body
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "nests deeper"),
        (b"[" + b"1," * MAX_JSON_ITEMS + b"1]", "more than"),
    ],
)
def test_deep_or_huge_json_is_refused_with_a_named_error(
    world: World, body: bytes, fragment: str
) -> None:
    response = world.client.post(
        f"/api/v1/segments/{world.segment_id}/commands",
        content=body,
        headers={"Authorization": f"Bearer {ORGANISER_KEY}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "json_too_complex" and fragment in error["message"]


def test_the_json_shape_check_ignores_brackets_and_commas_inside_strings() -> None:
    assert json_too_complex(b'{"a": "' + b"[[[[,,,," * 10_000 + b'"}') is None
    assert json_too_complex(b'{"a": "\\"[[["}') is None


def test_a_cookie_request_from_another_origin_is_refused(world: World) -> None:
    """Same-site CSRF: a bodiless form POST from another port with the organiser's cookie."""
    cookies = world.client.post("/api/v1/session", json={"token": ORGANISER_KEY}).cookies
    assert cookies
    code = world.event["join_code"]
    path = f"/api/v1/events/{world.event['id']}/join-code"
    foreign = world.client.post(path, headers={"Origin": "http://127.0.0.1:9999"})
    assert foreign.status_code == 403
    assert foreign.json()["error"]["code"] == "cross_origin_refused"
    cross_site = world.client.post(path, headers={"Sec-Fetch-Site": "same-site"})
    assert cross_site.status_code == 403
    assert (
        world.call("organiser", "GET", f"/events/{world.event['id']}").json()["join_code"] == code
    )
    # the server's own pages, and scripts with their own token, still work
    own = world.client.post(path, headers={"Origin": "http://floor.test"})
    assert own.status_code == 200, own.text
    script = world.client.post(
        path,
        headers={"Origin": "http://127.0.0.1:9999", "Authorization": f"Bearer {ORGANISER_KEY}"},
    )
    assert script.status_code == 200


def test_the_floor_request_limit_holds_on_sockets_too(make_client: AppFactory) -> None:
    """The probe: one delegate token on 8 sockets made 2,190 request/withdraw commands in 30 s
    against a documented 12 a minute; every transport now passes the same policy step."""
    world, _ = limited(make_client, floor_requests_per_minute=4)
    token = world.tokens["delegate"]
    sockets = [world.client.websocket_connect(f"/ws/segments/{world.segment_id}") for _ in range(3)]
    answers: list[dict[str, object]] = []
    for socket in sockets:
        socket.__enter__()
        socket.send_json({"type": "hello", "token": token})
        assert socket.receive_json()["type"] == "snapshot"
    for n in range(9):
        socket = sockets[n % 3]
        kind = "request_floor" if n % 2 == 0 else "withdraw_request"
        command: dict[str, object] = {"type": kind}
        if kind == "withdraw_request":
            command["request_id"] = answers[-1].get("request_id", "none")
        socket.send_json({"type": "command", "command_id": f"c{n}", "command": command})
        while (frame := socket.receive_json())["type"] not in ("ack", "error"):
            pass
        answers.append(frame)
    assert [a["type"] for a in answers[:4]] == ["ack"] * 4
    assert {a.get("code") for a in answers[4:]} == {"rate_limited"}
    for socket in sockets:
        socket.__exit__(None, None, None)


def test_an_invalid_command_without_a_string_id_gets_no_command_id(world: World) -> None:
    with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
        socket.send_json({"type": "hello", "token": world.tokens["moderator"]})
        assert socket.receive_json()["type"] == "snapshot"
        socket.send_json({"type": "command", "command_id": 42, "command": {"type": "call_next"}})
        error = socket.receive_json()
        assert error["code"] == "invalid_command" and "command_id" not in error
        socket.send_json({"type": "command", "command_id": "ok-1", "command": {"type": "nope"}})
        error = socket.receive_json()
        assert error["code"] == "invalid_command" and error["command_id"] == "ok-1"


@pytest.mark.parametrize("key", ["short", "fifteen-chars!!"])
def test_a_weak_organiser_key_is_refused_at_start(key: str) -> None:
    with pytest.raises(ConfigError, match="at least 16"):
        Settings(organiser_key=key)


def test_a_weak_organiser_key_in_the_environment_stops_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLOORKEEPER_ORGANISER_KEY", "secret")
    with pytest.raises(ConfigError, match="6 characters long"):
        Settings.from_env()


def test_the_server_will_not_start_with_a_weak_organiser_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    monkeypatch.setenv("FLOORKEEPER_ORGANISER_KEY", "password")
    assert main(["serve", "--port", "1"]) == 2
    assert "FLOORKEEPER_ORGANISER_KEY is 8 characters long" in capsys.readouterr().err


def test_a_version_past_what_json_keeps_exact_is_refused(world: World) -> None:
    """Found by schemathesis: a base_version of 2^64 made a 500 (its hash could not encode it)."""
    body = {"command_id": "big", "aim": "", "base_version": 2**64}
    response = world.call("organiser", "PATCH", f"/segments/{world.segment_id}", json=body)
    assert response.status_code == 422
    assert "base_version" in response.json()["error"]["message"]
    command = {"command_id": "big2", "base_version": 2**64, "command": {"type": "reopen_list"}}
    response = world.call(
        "organiser", "POST", f"/segments/{world.segment_id}/commands", json=command
    )
    assert response.status_code == 422
    assert "base_version" in response.json()["error"]["message"]


def test_a_wrong_method_names_every_method_of_the_path(world: World) -> None:
    """RFC 9110: a 405 lists every method of the resource, through the routers the REST routes
    are split into."""
    answer = world.client.request("OPTIONS", "/api/v1/session")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "DELETE, GET, HEAD, POST"
    nested = world.client.request("PUT", f"/api/v1/events/{world.event['id']}/contributions")
    assert nested.headers["allow"] == "GET, HEAD, POST"


@pytest.mark.parametrize("path", ["/api/v1/health", "/moderator", "/static/css/base.css"])
def test_head_is_answered_as_get_without_the_body(world: World, path: str) -> None:
    """An uptime monitor's HEAD (outside probe L: 405 everywhere): the GET's status and
    headers, its length included, and no body."""
    got = world.client.get(path)
    head = world.client.head(path)
    assert (head.status_code, got.status_code) == (200, 200)
    assert head.content == b""
    assert head.headers.get("content-length") == got.headers.get("content-length")
    assert head.headers["content-type"] == got.headers["content-type"]


def test_the_apis_answers_are_not_kept_by_any_cache(world: World) -> None:
    """An event's details (its join code), the participants, an export: ``no-store`` unless a
    route says otherwise (outside probe L: nothing said, a shared cache could keep them)."""
    event = world.call("organiser", "GET", f"/events/{world.event['id']}")
    assert event.headers["cache-control"] == "no-store"
    refused = world.client.get(f"/api/v1/events/{world.event['id']}")
    assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"
    face = world.client.get("/moderator")
    assert face.headers["cache-control"] == "no-cache"  # a face keeps its own


# --- ids in the path -----------------------------------------------------------------------------


def _too_long(name: str, length: int) -> str:
    return (
        f"no {name} has an id of {length} characters: an id is at most 32; check the id (copy it "
        "again from the link or the answer that gave it)"
    )


@pytest.mark.parametrize("role", ["organiser", "anonymous"])
def test_an_over_long_path_id_is_refused_without_echoing_it(world: World, role: str) -> None:
    """The probe: GET /segments/<10,000 x 'a'>/state answered a 404 quoting the whole id."""
    sent = "a" * 10_000
    refused = world.call(role, "GET", f"/segments/{sent}/state")
    assert refused.status_code == 404, refused.text[:300]
    assert refused.json()["error"] == {"code": "not_found", "message": _too_long("segment", 10_000)}
    assert "a" * 40 not in refused.text


def test_an_id_within_reach_still_reaches_the_route(world: World) -> None:
    assert ID_LENGTH == 32  # every id column's length (app/store/tables.py)
    at_limit = world.call("organiser", "GET", f"/segments/{'b' * 32}/state")
    assert at_limit.status_code == 404
    assert at_limit.json()["error"]["message"] == f"no segment {'b' * 32!r}"  # the route's own
    past = world.call("organiser", "GET", f"/segments/{'b' * 33}/state")
    assert past.json()["error"]["message"] == _too_long("segment", 33)
    real = world.call("organiser", "GET", f"/segments/{world.segment_id}/state")
    assert real.status_code == 200, real.text


def test_every_path_id_of_the_api_is_limited(world: World) -> None:
    """Every route under /api/v1 with an id in its path (from the OpenAPI, so a route added later
    is checked too) refuses one past the limit before anything else, whatever the method."""
    paths = world.client.get("/openapi.json").json()["paths"]
    checked = set()
    for template, operations in paths.items():
        for name in re.findall(r"{(\w+_id)}", template):  # each id of the path in turn
            path = template.replace(f"{{{name}}}", "z" * 300)
            path = re.sub(r"{\w+}", "x", path)
            for method in operations:
                refused = world.client.request(
                    method.upper(), path, headers={"Authorization": f"Bearer {ORGANISER_KEY}"}
                )
                assert refused.status_code == 404, (method, path, refused.text[:300])
                assert refused.json()["error"] == {
                    "code": "not_found",
                    "message": _too_long(name.removesuffix("_id"), 300),
                }, (method, path)
            checked.add(name)
    assert {"event_id", "segment_id", "participant_id", "contribution_id", "link_id"} <= checked


@pytest.mark.parametrize("path", ["/ws/segments/", "/ws/events/"])
def test_a_socket_for_an_over_long_id_is_refused_without_echoing_it(
    world: World, path: str
) -> None:
    """The sockets' paths meet the same limit as the REST routes': a 404 before the handshake,
    naming the limit, not the id."""
    with (
        pytest.raises(WebSocketDenialResponse) as denied,
        world.client.websocket_connect(path + "y" * 5_000),
    ):
        pass
    response = denied.value
    assert response.status_code == 404
    kind = "segment" if "segments" in path else "event"
    assert response.json()["error"] == {"code": "not_found", "message": _too_long(kind, 5_000)}
    assert "y" * 40 not in response.text
