"""What a script writer meets scripting the day over REST (outside probe C, findings 6-10): lists
in a stated, stable order (ties by id), the staff told how to put a delegate on the list, the
segment's CSV for scripts writing booleans as JSON does, a command's time sent as text answered
with what to send and where local times go, and a segment's time sent as null cleared."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest

from app.api.errors import item_message, text_instant
from app.exports import csv_cell, csv_text
from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _frozen(world: World) -> None:
    """Everything made from now on is made in the same millisecond: only the id orders it."""
    world.client.app.state.services.engine.clock = lambda: 1_800_000_000_000  # type: ignore[attr-defined]


# --- finding 6: lists ---------------------------------------------------------------------------


def test_lists_come_oldest_first_and_ties_by_id(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id = world.event["id"]
    _frozen(world)
    for n in range(6):
        made = world.call("organiser", "POST", "/events", json={"title": f"Day {n}"})
        assert made.status_code == 201
        body = {"name": f"Person {n}", "constituency": "academia"}
        assert world.call("organiser", "POST", f"/events/{event_id}/participants", json=body)
        link = {"role": "display", "label": f"Screen {n}"}
        assert world.call("organiser", "POST", f"/events/{event_id}/access-links", json=link)

    def tied(items: list[dict[str, Any]], prefix: str) -> list[str]:
        return [
            item["id"]
            for item in items
            if item.get("title", item.get("name", item.get("label", ""))).startswith(prefix)
        ]

    events = world.call("organiser", "GET", "/events").json()
    assert [e["title"] for e in events[:2]] == ["Hearing", "Another day"]  # made before
    assert tied(events, "Day ") == sorted(tied(events, "Day "))
    people = world.call("organiser", "GET", f"/events/{event_id}/participants").json()
    assert people[0]["name"] == "Amina Diallo"  # registered first
    assert tied(people, "Person ") == sorted(tied(people, "Person "))
    links = world.call("organiser", "GET", f"/events/{event_id}/access-links").json()
    assert tied(links, "Screen ") == sorted(tied(links, "Screen "))


@pytest.mark.parametrize(
    "route",
    [
        ("get", "/api/v1/events"),
        ("get", "/api/v1/events/{event_id}/participants"),
        ("get", "/api/v1/events/{event_id}/access-links"),
        ("get", "/api/v1/events/{event_id}/segments"),
    ],
)
def test_a_list_states_its_order_and_that_it_has_no_paging(
    make_client: AppFactory, route: tuple[str, str]
) -> None:
    method, path = route
    operation = make_client().get("/openapi.json").json()["paths"][path][method]
    description = " ".join(operation["description"].split())  # as a page shows it
    assert "order" in description and "no paging" in description


# --- finding 7: a floor request by the staff ----------------------------------------------------


def test_the_staff_are_told_how_to_put_a_delegate_on_the_list(make_client: AppFactory) -> None:
    world = build_world(make_client())
    refused = world.command("organiser", {"type": "request_floor"})
    assert refused.status_code == 403
    message = refused.json()["error"]["message"]
    assert message.startswith("an organiser may not send request_floor: ")
    assert "add_speaker" in message and "delegate token" in message
    route = world.call(
        "moderator",
        "POST",
        f"/segments/{world.segment_id}/floor-requests",
        json={"command_id": uuid.uuid4().hex},
    )
    assert route.status_code == 403
    said = route.json()["error"]["message"]
    assert said.startswith("a moderator may not call POST /api/v1/segments/{segment_id}/")
    assert "add_speaker" in said
    display = world.call("display", "GET", f"/events/{world.event['id']}/participants")
    assert display.json()["error"]["message"].startswith("a display may not call")


# --- finding 8: the segment's CSV for scripts ---------------------------------------------------


def test_the_segments_csv_writes_booleans_as_json_does(make_client: AppFactory) -> None:
    world = build_world(make_client())
    for command in (
        {"type": "add_speaker", "name": "Skipped One", "constituency": "academia"},
        {"type": "add_speaker", "name": "Spoke Two", "constituency": "academia"},
        {"type": "call_next"},
        {"type": "call_next", "skipped": True},  # Skipped One did not speak
        {"type": "end_turn"},
    ):
        assert world.command("moderator", command).status_code == 200
    path = f"/segments/{world.segment_id}/speeches"
    exported = world.call("organiser", "GET", path, params={"format": "csv"})
    header, *rows = csv.reader(io.StringIO(exported.content.decode("utf-8-sig")))
    skipped = {row[header.index("name")]: row[header.index("skipped")] for row in rows}
    assert skipped == {"Skipped One": "true", "Spoke Two": "false"}


@pytest.mark.parametrize(
    ("value", "written"),
    [(True, "true"), (False, "false"), (0, 0), (1, 1), (-5, -5), ("=1+1", "'=1+1"), (None, None)],
)
def test_a_csv_cell(value: Any, written: Any) -> None:
    assert csv_cell(value) == written


def test_a_csv_of_booleans() -> None:
    text = csv_text([{"skipped": True, "n": 0}], ["skipped", "n"])
    assert text == '\ufeff"skipped","n"\r\n"true","0"\r\n'


# --- finding 9: a command's time as text --------------------------------------------------------


def test_a_commands_time_as_text_says_milliseconds_and_where_local_times_go(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    refused = world.command("organiser", {"type": "update_segment", "scheduled_end_at": "21:00"})
    assert refused.status_code == 422
    message = refused.json()["error"]["message"]
    assert message.startswith("body.command.update_segment.scheduled_end_at: ")
    assert "epoch milliseconds" in message and '"21:00"' in message
    assert "PATCH /api/v1/segments/{segment_id} takes local times" in message


@pytest.mark.parametrize(
    ("loc", "kind", "sent", "said"),
    [
        (
            ["body", "command", "update_segment", "scheduled_end_at"],
            "int_type",
            "21:00",
            'not "21:00"; PATCH /api/v1/segments/{segment_id} takes local times',
        ),
        (
            ["command", "create_segment", "scheduled_start_at"],
            "int_type",
            "10:00",
            "POST /api/v1/events/{event_id}/segments takes local times",
        ),
        (["command", "raise_signal", "sent_at"], "int_type", "now", "milliseconds"),
        (["command", "update_segment", "scheduled_end_at"], "int_type", 21.5, None),  # not text
        (["command", "adjust_time", "delta_ms"], "int_type", "30", None),  # not an instant
        (["command", "update_segment", "scheduled_end_at"], "greater_than_equal", "x", None),
        ([], "int_type", "21:00", None),
    ],
)
def test_a_text_instant(loc: list[Any], kind: str, sent: object, said: str | None) -> None:
    found = text_instant(loc, kind, sent)
    if said is None:
        assert found is None
    else:
        assert found is not None and said in found
        assert found.startswith("a command takes an instant as epoch milliseconds")


def test_other_validation_messages_read_as_before() -> None:
    item = {"loc": ("body", "kind"), "msg": "Input should be <TurnKind.PANELLIST: 'panellist'>"}
    assert item_message(item) == "Input should be 'panellist'"


def test_a_stale_version_over_rest_says_what_to_do(make_client: AppFactory) -> None:
    world = build_world(make_client())
    body = {"command_id": "stale", "base_version": 1, "command": {"type": "close_list"}}
    refused = world.call("organiser", "POST", f"/segments/{world.segment_id}/commands", json=body)
    assert refused.status_code == 409
    assert refused.json()["error"]["message"].endswith("send the command again if it still applies")


# --- finding 10: a segment's time sent as null --------------------------------------------------


def _segment(world: World) -> dict[str, Any]:
    body = {
        "command_id": uuid.uuid4().hex,
        "title": "Evening session",
        "scheduled_start_at": "2026-12-06T19:00",
        "scheduled_end_at": "2026-12-06T22:00",
    }
    made = world.call("organiser", "POST", f"/events/{world.event['id']}/segments", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _patch(world: World, segment: dict[str, Any], **body: Any) -> Any:
    body["command_id"] = uuid.uuid4().hex
    return world.call("organiser", "PATCH", f"/segments/{segment['id']}", json=body)


def test_a_time_sent_as_null_is_cleared(make_client: AppFactory) -> None:
    world = build_world(make_client())
    segment = _segment(world)
    cleared = _patch(world, segment, scheduled_end_at=None)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["scheduled_end_at"] is None
    assert cleared.json()["scheduled_start_at"] == segment["scheduled_start_at"]  # left out: kept
    # a text sent as null stays as it is; clear still clears
    kept = _patch(world, segment, title=None, clear=["scheduled_start_at"])
    assert kept.json()["title"] == "Evening session" and kept.json()["scheduled_start_at"] is None
    # null and clear together: cleared once
    again = _segment(world)
    both = _patch(world, again, scheduled_start_at=None, clear=["scheduled_start_at"])
    assert both.status_code == 200 and both.json()["scheduled_start_at"] is None
    # a time given and cleared is a contradiction, refused
    contradiction = _patch(
        world, again, scheduled_end_at="2026-12-06T23:00", clear=["scheduled_end_at"]
    )
    assert contradiction.status_code == 422
    assert contradiction.json()["error"]["code"] == "invalid_command"


def test_the_openapi_says_null_clears_a_time(make_client: AppFactory) -> None:
    schema = make_client().get("/openapi.json").json()["components"]["schemas"]["SegmentPatch"]
    end = schema["properties"]["scheduled_end_at"]["description"]
    assert "null: it has no end time any more" in end
