"""What a refusal carries is what the OpenAPI says it carries, and the codes it may have are in the
table a client switches on (outside probe C, finding 5): ``ErrorOut`` declares every field beside
``error`` that a refusal sends (``changed``, a contribution's ``text`` and ``version``…), and
docs/protocol.md's error-code tables list every code the server's source writes. Its examples'
join codes are join codes (8 capitals and digits)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from pydantic import ConfigDict

from app.api.schemas import ErrorOut
from app.join_codes import ALPHABET, CODE_LENGTH
from tests.browser.test_languages import refusal_codes
from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name

PROTOCOL = Path(__file__).resolve().parent.parent / "docs" / "protocol.md"


class ClosedErrorOut(ErrorOut):
    """``ErrorOut`` read as a typed client generated from the OpenAPI reads it: nothing else."""

    model_config = ConfigDict(extra="forbid")


def _refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = dict(response.json())
    assert body["error"]["code"] == code
    ClosedErrorOut.model_validate(body)  # every field it carries is declared
    return body


def _contribution(world: World) -> dict[str, Any]:
    body = {
        "command_id": uuid.uuid4().hex,
        "kind": "pledge",
        "text": "We will fund ten reception centres",
        "language": "en",
        "on_behalf_of": world.delegate["participant"]["id"],
    }
    made = world.call("organiser", "POST", f"/events/{world.event['id']}/contributions", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json()["contribution"])


def _patch(world: World, contribution_id: str, **body: Any) -> Any:
    body["command_id"] = uuid.uuid4().hex
    return world.call("rapporteur", "PATCH", f"/contributions/{contribution_id}", json=body)


def test_the_fields_a_refusal_carries_are_declared(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event = f"/events/{world.event['id']}"
    changed = world.call("organiser", "PATCH", event, json={"room": "x", "expected": {"room": "y"}})
    assert _refused(changed, 409, "changed_since")["changed"] == {"room": ""}
    item = _contribution(world)
    assert _patch(world, item["id"], text="Twelve reception centres").status_code == 200
    edited = _refused(
        _patch(world, item["id"], text="Ten centres", version=item["version"]),
        409,
        "edited_since",
    )
    assert (edited["text"], edited["version"]) == ("Twelve reception centres", 2)
    stale = _refused(
        _patch(world, item["id"], status="accepted", version=item["version"]),
        409,
        "changed_since",
    )
    assert stale["status"] == "submitted" and stale["themes"] == []
    _refused(
        world.call("organiser", "PATCH", event, json={"colour": "red"}), 422, "invalid_request"
    )
    behind = {"command_id": "b", "base_version": 1, "command": {"type": "close_list"}}
    path = f"/segments/{world.segment_id}/commands"
    _refused(world.call("organiser", "POST", path, json=behind), 409, "stale_version")


def _table_codes(text: str) -> set[str]:
    return set(re.findall(r"^\| `([a-z_]+)` \|", text, re.M))


def test_every_code_the_server_writes_is_in_the_error_tables() -> None:
    text = PROTOCOL.read_text(encoding="utf-8")
    section = text[text.index("### Error codes") : text.index("## Authentication and roles")]
    missing = sorted(set(refusal_codes()) - _table_codes(section))
    assert missing == [], f"docs/protocol.md's error-code tables lack {missing}"


def test_invalid_command_is_documented_where_rest_answers_it() -> None:
    """The core refuses a contradictory ``update_segment`` as ``invalid_command`` whichever
    transport brought it: the REST table says so, not only the socket's."""
    text = PROTOCOL.read_text(encoding="utf-8")
    section = text[text.index("### Error codes") : text.index("WebSocket-only codes")]
    assert "invalid_command" in _table_codes(section)


def test_the_protocol_s_join_codes_are_join_codes() -> None:
    codes = re.findall(r'"join_code": "([^"]*)"', PROTOCOL.read_text(encoding="utf-8"))
    assert codes
    shape = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
    assert [code for code in codes if not shape.fullmatch(code)] == []


def test_a_refused_value_is_named_beside_what_is_wanted(make_client: AppFactory) -> None:
    """Outside probe: "Input should be a valid list" for ``"languages": "en"``, the kinds of
    turn listed without the one sent: a refusal names the value sent, and a single value where
    a list is wanted says the list to send."""
    world = build_world(make_client())
    alone = world.call("organiser", "POST", "/events", json={"title": "x", "languages": "en"})
    message = _refused(alone, 422, "invalid_request")["error"]["message"]
    assert message == (
        'body.languages: Input should be a valid list: send a list, such as ["en"], not "en" alone'
    )
    wrong_kind = world.command("organiser", {"type": "add_speaker", "name": "A", "kind": "floor"})
    said = _refused(wrong_kind, 422, "invalid_request")["error"]["message"]
    assert said.endswith(', not "floor"'), said
    assert "'intervention'" in said
    minus = world.command(
        "organiser", {"type": "set_default_time", "kind": "intervention", "duration_ms": -5}
    )
    assert ", not -5" in _refused(minus, 422, "invalid_request")["error"]["message"]
