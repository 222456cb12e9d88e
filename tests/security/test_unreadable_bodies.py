"""A request the server cannot read says what to send (outside probe K): a body in another form
than JSON, JSON that does not parse, a file not sent as a multipart part, an unknown route or
method, a stale command's state with its local times."""

from __future__ import annotations

import uuid
from typing import Any

from .conftest import ORGANISER_KEY, World


def _post(world: World, path: str, body: bytes, content_type: str) -> Any:
    headers = {"Authorization": f"Bearer {ORGANISER_KEY}", "Content-Type": content_type}
    return world.client.post(f"/api/v1{path}", content=body, headers=headers)


def test_a_body_not_sent_as_json_is_415_saying_what_to_send(world: World) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        answer = _post(world, "/events", b'{"title": "Hearing"}', content_type)
        assert answer.status_code == 415, answer.text
        error = answer.json()["error"]
        assert error["code"] == "unsupported_media_type"
        assert error["message"] == (
            f"the body was sent as {content_type}: send it as a JSON object with Content-Type: "
            "application/json"
        )


def test_json_that_does_not_parse_says_where_and_what_to_send(world: World) -> None:
    answer = _post(world, "/events", b'{"title": "x",', "application/json")
    assert answer.status_code == 422, answer.text
    message = answer.json()["error"]["message"]
    assert message.startswith("the body is not valid JSON (at character 14")
    assert message.endswith("send a JSON object with Content-Type: application/json")
    broken = _post(world, "/events", b'{"title": "\xff\xfe"}', "application/json")
    assert broken.status_code in (400, 422), broken.text
    assert "JSON" in broken.json()["error"]["message"]


def test_a_file_sent_as_a_plain_body_says_to_send_a_form(world: World) -> None:
    path = f"/events/{world.event['id']}/participants/import"
    answer = _post(world, path, b"Name,Constituency\nA,Academia\n", "text/csv")
    assert answer.status_code == 422, answer.text
    assert "send it as multipart/form-data, in a part named file" in answer.text


def test_an_unknown_route_or_method_says_what_there_is(world: World) -> None:
    missing = world.call("organiser", "GET", "/evnets")
    assert missing.status_code == 404
    assert missing.json()["error"] == {
        "code": "not_found",
        "message": "no such route: GET /api/v1/evnets; the API's routes are listed at /docs "
        "(under /api/v1)",
    }
    wrong = world.call("organiser", "PUT", "/events")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["message"] == (
        "PUT /api/v1/events is not allowed: this path takes GET, HEAD, POST"
    )


def test_a_stale_command_s_state_has_its_local_times_as_every_rest_state(world: World) -> None:
    stale = world.call(
        "moderator",
        "POST",
        f"/segments/{world.segment_id}/commands",
        json={
            "command_id": uuid.uuid4().hex,
            "base_version": 1,
            "command": {"type": "add_speaker", "name": "A"},
        },
    )
    assert stale.status_code == 409, stale.text
    segment = stale.json()["state"]["state"]["segment"]
    assert segment.get("actual_start_at_local")
