"""Every REST operation, fuzzed from the app's own OpenAPI document by schemathesis.

The app runs in-process (ASGI) on a temporary SQLite database, with every client limit off. A
real event (a live segment, a registered delegate with a pending floor request, an access link)
gives the path parameters real values most of the time, so the fuzz reaches the code behind the
lookups; the rest of the time they are another event's ids or whatever schemathesis generates.

Each case runs every check schemathesis has (no server error, status codes, content types,
headers and bodies as documented, invalid data refused, valid data not refused, authentication
declared and enforced) as the organiser and again as a delegate of the event. The bodies are
checked against the answers' models (``response_schema_conformance``): every JSON answer of the
API has one (``tests/test_openapi_types.py`` keeps it so).

The events meet on a date in a time zone with summer time, so the instants a case sends as a
local time (``10:00``, ``2026-03-29T02:30``) are read there.
"""

from __future__ import annotations

import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.api import times
from app.api.edge import MAX_JSON_ITEMS
from app.config import Limits, Settings
from app.floor import NotFound
from app.main import create_app

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

ORGANISER_KEY = "hostile-organiser-key-0123456789"
NO_LIMITS = Limits(**{item.name: 0 for item in fields(Limits)})
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


@dataclass
class World:
    """The ids a case's path may use: this event's, and another event's."""

    organiser: dict[str, str]
    delegate: dict[str, str]
    ids: dict[str, str]
    other_ids: dict[str, str]


def _ok(response: Any) -> Any:
    assert response.status_code < 300, (response.status_code, response.text)
    return response.json() if response.content else None


def _event(client: Any, auth: dict[str, str], title: str) -> dict[str, str]:
    """An event with a live segment, a delegate with a pending request and a moderator link."""
    api = "/api/v1"
    day = {"title": title, "timezone": "Europe/Paris", "date": "2026-03-29"}  # clocks go forward
    event = _ok(client.post(f"{api}/events", json=day, headers=auth))
    segment = _ok(
        client.post(
            f"{api}/events/{event['id']}/segments",
            json={"title": "Thematic discussion I", "command_id": f"{title}-seg"},
            headers=auth,
        )
    )
    start = {"command_id": f"{title}-start", "command": {"type": "start_segment"}}
    _ok(client.post(f"{api}/segments/{segment['id']}/commands", json=start, headers=auth))
    joined = _ok(
        client.post(
            f"{api}/events/{event['id']}/participants",
            json={
                "join_code": event["join_code"],
                "name": "Amina Diallo",
                "constituency": "trade_union",
            },
        )
    )
    delegate = {"Authorization": f"Bearer {joined['token']}"}
    asked = _ok(
        client.post(
            f"{api}/segments/{segment['id']}/floor-requests",
            json={"command_id": f"{title}-ask", "note": "On labour pathways"},
            headers=delegate,
        )
    )
    link = _ok(
        client.post(
            f"{api}/events/{event['id']}/access-links", json={"role": "display"}, headers=auth
        )
    )
    return {
        "event_id": event["id"],
        "segment_id": segment["id"],
        "request_id": asked["request_id"],
        "link_id": link["id"],
        "join_code": event["join_code"],
        "delegate_token": joined["token"],
        "participant_id": joined["participant"]["id"],
    }


# The app is made at import so that schemathesis can parametrise the tests from its schema; its
# lifespan (database, engine) starts with the first request, in the ``world`` fixture.
_DIRECTORY = tempfile.TemporaryDirectory(prefix="floorkeeper-openapi-")
APP = create_app(
    Settings(
        database_url=f"sqlite:///{Path(_DIRECTORY.name) / 'floor.db'}",
        organiser_key=ORGANISER_KEY,
        limits=NO_LIMITS,
    )
)
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP
WORLD: dict[str, World] = {}


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly this event's real ids; sometimes another event's; sometimes anything. (The
    schema's own examples are made as the tests are collected, before the world exists.)"""
    world = WORLD.get("world")
    if world is None or not path_parameters:
        return st.just(path_parameters)
    real = {k: world.ids.get(k, v) for k, v in path_parameters.items()}
    other = {k: world.other_ids.get(k, v) for k, v in path_parameters.items()}
    return st.sampled_from([real, real, other, path_parameters])


PEOPLES_TEXT = {"name", "title", "text", "kind", "themes"}


def _visible(text: str) -> bool:
    return any(not ch.isspace() and unicodedata.category(ch)[0] not in "CZ" for ch in text)


def _as_documented(value: Any, key: str = "") -> Any:
    """What a schema cannot say, made true of the generated data (see docs/protocol.md):
    ``948.0`` is sent as ``948`` (to JSON Schema the same integer; the protocol refuses the
    first on purpose: "integer fields are strict"); a name or title has a visible character
    (blank once cleaned is ``422``); a new event's hard stop given as a time of day alone has a
    date to be read on (``instant_date``); a schedule does not end before it starts
    (``invalid_schedule``), nor turn red before amber (``invalid_thresholds``); a speaker added
    or interposed has a name or a participant (``invalid``), a message a text or a preset; a
    contribution names its author when the floor submits it (``author_required``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, str) and key in PEOPLES_TEXT and value and not _visible(value):
        return "x" * len(value)
    if isinstance(value, list):  # a list's items are named by its key (``themes``)
        return [_as_documented(v, key) for v in value]
    if not isinstance(value, dict):
        return value
    value = {k: _as_documented(v, k) for k, v in value.items()}
    # the floor submits a contribution on someone's behalf (author_required otherwise); as a
    # delegate the same field is refused (403), which the checks accept
    world = WORLD.get("world")
    if {"kind", "text", "language"} <= value.keys() and value.get("on_behalf_of") is None and world:
        value["on_behalf_of"] = world.ids["participant_id"]
    start, end = value.get("scheduled_start_at"), value.get("scheduled_end_at")
    if type(start) is int and type(end) is int and end < start:
        value["scheduled_start_at"], value["scheduled_end_at"] = end, start
    if value.get("type") in ("add_speaker", "interpose") and not (
        value.get("participant_id") or value.get("name")
    ):
        value["name"] = "Guest speaker"  # a speaker is named or registered (``invalid``)
    _one_message(value)
    warning, danger = value.get("warning_ms"), value.get("danger_ms")
    if type(warning) is int and type(danger) is int and danger > warning:
        value["warning_ms"], value["danger_ms"] = danger, warning
    return value


@schema.hook
def map_body(context: schemathesis.HookContext, body: Any) -> Any:
    return _as_documented(body)


def _one_message(value: dict[str, Any]) -> None:
    """A message is a text or a preset, one of the two (``invalid`` otherwise)."""
    if value.get("type") != "set_message":
        return
    if value.get("preset") is not None:
        value.pop("text", None)
    elif not (isinstance(value.get("text"), str) and _visible(value["text"])):
        value["text"] = "Please conclude"


def _status_or_merge(value: dict[str, Any]) -> None:
    """A contribution's curation is a status or a merge, not both (``status_or_merge``)."""
    if value.get("status") is not None and value.get("merged_into") is not None:
        del value["status"]


def _as_sent(case: OpenApiCase) -> None:
    """Just before a case meant to be accepted is sent (from every phase, the coverage phase's
    boundary cases too), what its schema cannot say: a list is cut to what the edge takes (a
    body holds at most MAX_JSON_ITEMS values, ``json_too_complex``, which apply_order's 10,000
    ids and the envelope around them exceed); a segment's schedule, as it will be once the body
    is applied, does not end before it starts (``invalid_schedule``): the body's instants are
    read as the server will (in the event's zone, local times on its date) and set beside what
    the segment already has, a local time the clocks skip moved to one they do not; a message
    has a text or a preset; a contribution's curation has a status or a merge."""
    if case.meta is not None and not case.meta.generation.mode.is_positive:
        return  # meant to be refused: sent as made
    body: Any = case.body
    if not isinstance(body, dict):
        return
    if case.operation.path.endswith("/participants/import"):
        # a spreadsheet, whose rows a schema cannot describe: one the import takes
        body["file"] = b"Name,Constituency\nGenerated participant,Media\n"
    _cut(body)
    if case.operation.path == "/api/v1/contributions/{contribution_id}":
        _status_or_merge(body)
    if case.operation.path.endswith("/access-links"):
        _one_expiry(body)
    if case.operation.path == "/api/v1/events" and case.method.upper() == "POST":
        # a time of day alone is read on the event's date: a new event's hard stop given so
        # has a date to be read on (``instant_date``)
        stop = body.get("hard_stop_at")
        if isinstance(stop, str) and "T" not in stop and not body.get("date"):
            body["date"] = "2026-12-04"

    if isinstance(body.get("command"), dict):
        body = body["command"]
    _one_message(body)
    if not {"scheduled_start_at", "scheduled_end_at"} & body.keys():
        if isinstance(body.get("clear"), list):
            body["clear"] = [name for name in body["clear"] if body.get(name) is None]
        return
    engine = APP.state.services.engine
    path = case.path_parameters or {}
    try:
        if "segment_id" in path:
            hearing, segment = engine.find_segment(path["segment_id"])
            stored = (segment.details.scheduled_start_at, segment.details.scheduled_end_at)
        else:
            hearing, stored = engine.hearing(path.get("event_id", "")), (None, None)
    except NotFound:
        return
    event = hearing.event
    sent: list[int | None] = []
    for name, kept in zip(("scheduled_start_at", "scheduled_end_at"), stored, strict=True):
        if body.get(name) is None:
            sent.append(kept)
            continue
        try:
            sent.append(times.at(times.parse(body[name]), event.timezone, event.date))
        except times.NoSuchTime:  # a time the clocks skip (the events' 2026-03-29 in Paris)
            body[name] = "03:00"  # is refused by design (invalid_request): one they do not
            sent.append(times.at(times.parse("03:00"), event.timezone, event.date))
        except (ValueError, TypeError):  # a case meant to be refused: leave it so
            return
    start, end = sent
    if start is not None and end is not None and end < start:
        body["scheduled_start_at"], body["scheduled_end_at"] = end, start
    if isinstance(body.get("clear"), list):  # a time both given and cleared is refused
        body["clear"] = [name for name in body["clear"] if body.get(name) is None]


def _one_expiry(value: dict[str, Any]) -> None:
    """A link expires after ``expires_in_s`` or at ``expires_at``, not both; an instant from now
    to 400 days ahead (``invalid_request`` otherwise, naming the field)."""
    if value.get("expires_at") is None:
        return
    value.pop("expires_in_s", None)
    value["expires_at"] = int(time.time() * 1000) + 86_400_000


def _cut(value: Any) -> None:
    for item in value.values() if isinstance(value, dict) else value:
        if isinstance(item, list) and len(item) > MAX_JSON_ITEMS // 2:
            del item[MAX_JSON_ITEMS // 2 :]
        if isinstance(item, dict | list):
            _cut(item)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    organiser = {"Authorization": f"Bearer {ORGANISER_KEY}"}
    # the same app: schemathesis types an ASGI app's scope and messages as dicts, Starlette as
    # MutableMappings, so its send is not one FastAPI's signature accepts
    with asgi.get_client(cast(asgi.ASGIApp, APP)) as client:
        ids = _event(client, organiser, "hearing")
        other = _event(client, organiser, "elsewhere")
    WORLD["world"] = World(
        organiser=organiser,
        delegate={"Authorization": f"Bearer {ids.pop('delegate_token')}"},
        ids=ids,
        other_ids={k: v for k, v in other.items() if k != "delegate_token"},
    )
    yield WORLD["world"]
    asgi.shutdown_lifespans()
    _DIRECTORY.cleanup()


@schema.parametrize()
@FUZZ
def test_every_operation_as_the_organiser(case: OpenApiCase, world: World) -> None:
    _as_sent(case)
    excluded: list[Any] = []
    if case.method == "DELETE" and case.operation.path == "/api/v1/events/{event_id}":
        # the body's title is a confirmation: any other title than the day's is refused (422
        # event_title_mismatch) however well-formed, as a typed confirmation is
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers=world.organiser, excluded_checks=excluded)


@schema.parametrize()
@FUZZ
def test_every_operation_as_a_delegate(case: OpenApiCase, world: World) -> None:
    _as_sent(case)
    case.call_and_validate(headers=world.delegate)
