"""Every REST answer has a typed model (issue 14, item 3), and the OpenAPI says how to sign in.

The models list the keys of the views they carry (``app/views.py``, the outcome's, the
instruments'): a key added to a view and not to its model would be dropped from REST answers
without a word, so the busy segment below compares them for every audience. Schemathesis
(``tests/hostile/test_openapi.py``) then checks every answer against its model; the last test
here shows that check refusing a body its model does not describe.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.api import deps
from app.api.access import ANONYMOUS, ROUTES
from app.floor import balance, cuts, schedule
from app.instruments import ordered
from tests.security.conftest import ORGANISER_KEY, AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


@pytest.fixture
def world(make_client: AppFactory) -> World:
    return build_world(make_client())


def _openapi(world: World) -> dict[str, Any]:
    response = world.client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def _typed(schema: dict[str, Any]) -> bool:
    """A named model, a list of them, or a choice of them (null allowed)."""
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return _typed(schema.get("items", {}))
    for choice in ("anyOf", "oneOf"):
        if choice in schema:
            return all(_typed(arm) or arm.get("type") == "null" for arm in schema[choice])
    return False


def test_every_json_answer_has_a_model(world: World) -> None:
    document = _openapi(world)
    untyped = []
    answers = 0
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            content = response.get("content", {}).get("application/json")
            if content is None:
                continue
            answers += 1
            if not _typed(content.get("schema", {})):
                untyped.append(f"{method} {path} {status}: {content.get('schema')}")
    assert untyped == [], "answers without a model (dict[str, Any]?):\n" + "\n".join(untyped)
    assert answers > 40


def _reachable(document: dict[str, Any]) -> set[str]:
    """The models the answers use, through their references."""
    models = document["components"]["schemas"]
    found: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in found:
                    found.add(name)
                    visit(models[name])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for _, _, operation in _operations(document):
        visit(operation["responses"])
    return found


def test_every_instant_of_an_answer_has_its_local_time(world: World) -> None:
    """One convention: ``x_at`` (epoch ms) is followed by ``x_at_local`` (ISO 8601)."""
    document = _openapi(world)
    models = document["components"]["schemas"]
    answered = _reachable(document)
    missing = []
    pairs = 0
    for name in answered:
        properties = list(models[name].get("properties", {}))
        for index, key in enumerate(properties):
            if key.endswith("_at"):
                pairs += 1
                if properties[index + 1 : index + 2] != [f"{key}_local"]:
                    missing.append(f"{name}.{key}")
            if key.endswith("_local"):
                assert key.endswith("_at_local") and key.removesuffix("_local") in properties
    assert missing == [], f"instants without their local time right after them: {missing}"
    assert pairs >= 30
    assert {"SegmentOut", "ModeratorState", "ScheduleOut", "BalanceOut", "Contribution"} <= answered


# --- the models and the views they carry ------------------------------------------------------


def _shape(value: Any) -> Any:
    """The keys of a JSON value, all the way down (the local times aside)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if not k.endswith("_at_local")}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return None


def _busy(world: World) -> None:
    """A live segment with something in every part of every view."""
    event_id = world.event["id"]
    ok = 200

    def command(role: str, body: dict[str, Any]) -> None:
        response = world.command(role, body)
        assert response.status_code == ok, response.text

    command("moderator", {"type": "add_speaker", "name": "Mayor", "constituency": "academia"})
    command("moderator", {"type": "add_speaker", "name": "Chair", "constituency": "media"})
    command("moderator", {"type": "call_next"})
    command("moderator", {"type": "end_turn"})  # a speech, the last speaker
    command("moderator", {"type": "call_next"})
    command("moderator", {"type": "start_timer"})
    command("moderator", {"type": "interpose", "name": "Chile", "kind": "question"})  # paused
    command("moderator", {"type": "add_speaker", "name": "Kenya", "constituency": "member_state"})
    command("moderator", {"type": "set_message", "text": "Please conclude"})
    command("moderator", {"type": "set_notes", "text": "Chile after the break"})
    command("moderator", {"type": "set_budget", "constituency": "media", "budget_ms": 600_000})
    command("booth", {"type": "raise_signal", "kind": "slow_down"})
    asked = world.call(
        "delegate",
        "POST",
        f"/segments/{world.segment_id}/floor-requests",
        json={"command_id": "ask", "note": "On pathways"},
    )
    assert asked.status_code == 201, asked.text
    pledge = {"command_id": "p1", "kind": "pledge", "text": "Ten centres", "language": "fr"}
    submitted = world.call("delegate", "POST", f"/events/{event_id}/contributions", json=pledge)
    cid = submitted.json()["contribution_id"]
    accept = {"command_id": "a1", "status": "accepted", "themes": ["Pathways"], "objectives": [5]}
    assert world.call("organiser", "PATCH", f"/contributions/{cid}", json=accept).status_code == ok
    shown = {"command_id": "s1", "contribution_id": cid}
    assert (
        world.call("organiser", "POST", f"/events/{event_id}/outcome/shown", json=shown).status_code
        == ok
    )


def _socket(world: World, role: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The snapshot and the outcome a socket of this role is sent after hello."""
    with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
        socket.send_json({"type": "hello", "token": world.tokens[role]})
        snapshot = socket.receive_json()
        assert snapshot["type"] == "snapshot"
        outcome = snapshot.pop("outcome")
        snapshot.pop("instruments", None)  # the console's, over REST at their own routes
        snapshot.pop("day_end", None)  # the booth's cut of the schedule (GET .../schedule)
        return snapshot, outcome


@pytest.mark.parametrize("role", ["moderator", "rapporteur", "display", "booth", "delegate"])
def test_the_state_answer_has_every_key_of_the_view(world: World, role: str) -> None:
    _busy(world)
    snapshot, outcome = _socket(world, role)
    state = world.call(role, "GET", f"/segments/{world.segment_id}/state")
    assert state.status_code == 200, state.text
    assert _shape(state.json()) == _shape(snapshot)
    if role != "delegate":
        current = state.json()["state"]
        assert current["current"] and current["paused"] and current["queue"]
        assert current["signals"] and current["message"]
    contributions = world.call(role, "GET", f"/events/{world.event['id']}/contributions")
    assert contributions.status_code == 200, contributions.text
    assert _shape(contributions.json()) == _shape(outcome["state"])
    assert contributions.json()["contributions"], role


def test_the_instruments_answers_have_every_key_of_the_figures(world: World) -> None:
    _busy(world)
    # a hard stop, so that its figures are answered too (epoch ms: the event has no date)
    stop = {"hard_stop_at": 1_652_738_400_000}
    assert world.call("organiser", "PATCH", f"/events/{world.event['id']}", json=stop).is_success
    engine = world.client.app.state.services.engine  # type: ignore[attr-defined]
    hearing = engine.hearing(world.event["id"])
    now = engine.clock()
    figures = cuts.day(
        ordered(hearing.state), now, hearing.event.timezone, hearing.event.hard_stop_at
    )
    assert figures["hard_stop"] is not None
    assert figures["hard_stop"]["cut"] is not None  # past the stop: where to cut, answered too
    # the schedule's unsuffixed local times (the console's instruments message) are not REST's
    local = {"as_of", "finish", "scheduled", "stop", *(f"{name}" for name in schedule._INSTANTS)}

    def without_local(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: without_local(v) for k, v in value.items() if k not in local or k == "finish"
            }
        if isinstance(value, list):
            return [without_local(item) for item in value]
        return value

    answer = world.call("moderator", "GET", f"/events/{world.event['id']}/schedule").json()
    assert _shape(answer) == _shape(without_local(figures))
    segment = hearing.state.segments[world.segment_id]
    heard = world.call("moderator", "GET", f"/segments/{world.segment_id}/balance").json()
    assert _shape(heard["segment"]) == _shape(balance.segment_balance(segment, now))
    assert _shape(heard["budgets"]) == _shape(balance.budgets(segment, now))
    assert heard["budgets"]


# --- signing in -------------------------------------------------------------------------------


def test_the_openapi_declares_bearer_and_the_session_cookies(world: World) -> None:
    document = _openapi(world)
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": deps.BEARER.model.description,
    }
    for role in ("organiser", "moderator", "display", "delegate"):
        cookie = schemes[f"fk_{role}"]
        assert (cookie["type"], cookie["in"], cookie["name"]) == ("apiKey", "cookie", f"fk_{role}")
    checked = 0
    for method, path, operation in _operations(document):
        allowed = ROUTES.get(f"{method} {path}")
        if allowed is None:  # the API's own documents
            continue
        security = operation.get("security")
        if path == "/api/v1/events/{event_id}/participants" and method == "POST":
            assert security is not None and {} in security  # the join code is enough
        elif ANONYMOUS in allowed or path == "/metrics":
            assert security is None, (method, path)  # nothing to present
            continue
        assert security is not None, (method, path)
        assert {"bearer": []} in security and {"fk_organiser": []} in security, (method, path)
        # with the cookies, the two hints a browser sends: which role, which meeting day
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        for name in ("x-floorkeeper-as", "x-floorkeeper-event"):
            assert name in headers, (method, path, name)
            assert not headers[name]["required"]
            assert "Bearer" in headers[name]["description"], (method, path, name)
        checked += 1
    assert checked > 30


def test_a_bearer_token_as_swagger_ui_sends_it_signs_in(world: World) -> None:
    """Swagger UI's "Authorize" for the ``bearer`` scheme sends ``Authorization: Bearer
    <token>`` on "Try it out" (``tests/security/test_offline_docs.py`` clicks it in Chromium);
    the cookie schemes are documentation (a page cannot set a cookie header)."""
    client = world.client
    client.cookies.clear()
    assert client.get("/api/v1/events").status_code == 401
    signed_in = client.get("/api/v1/events", headers={"Authorization": f"Bearer {ORGANISER_KEY}"})
    assert signed_in.status_code == 200
    assert [event["id"] for event in signed_in.json()][:1] == [world.event["id"]]
    moderator = client.get(
        f"/api/v1/events/{world.event['id']}",
        headers={"Authorization": f"Bearer {world.tokens['moderator']}"},
    )
    assert moderator.status_code == 200 and moderator.json()["join_code"]
    # the cookie the faces use is read as before
    client.cookies.set("fk_moderator", str(world.tokens["moderator"]))
    assert client.get(f"/api/v1/events/{world.event['id']}").status_code == 200
    client.cookies.clear()


# --- schemathesis checks the bodies -----------------------------------------------------------


def test_schemathesis_refuses_a_body_its_model_does_not_describe(world: World) -> None:
    schema = schemathesis.openapi.from_dict(_openapi(world))
    case = schema["/api/v1/events/{event_id}/segments"]["GET"].Case(
        path_parameters={"event_id": world.event["id"]}
    )
    auth = {"Authorization": f"Bearer {ORGANISER_KEY}"}
    real = world.client.get(f"/api/v1/events/{world.event['id']}/segments", headers=auth)
    assert real.status_code == 200
    case.validate_response(real, checks=[response_schema_conformance])
    (segment,) = real.json()
    for wrong in (
        {k: v for k, v in segment.items() if k != "scheduled_start_at_local"},
        {**segment, "status": "paused"},
        {**segment, "scheduled_start_at": "10:00"},
    ):
        forged = httpx.Response(200, json=[wrong], request=real.request)
        forged.elapsed = real.elapsed
        with pytest.raises(FailureGroup, match="Response violates schema"):
            case.validate_response(forged, checks=[response_schema_conformance])


def test_a_uuid_is_not_a_segment(world: World) -> None:
    """(Sanity: the forged bodies above failed for their shape, not for an unknown path.)"""
    answer = world.call("organiser", "GET", f"/segments/{uuid.uuid4().hex[:12]}")
    assert answer.status_code == 404
