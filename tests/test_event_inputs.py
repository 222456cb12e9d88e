"""An event's inputs as a person sends them: a date that is not one is refused in words (not the
OpenAPI pattern's regular expression), the switch that publishes the live page takes a JSON
boolean only (lax pydantic would read "yes" as true), the languages follow one rule whether the
event is made or edited, a time zone is an IANA name (never the host's ``localtime``), and the
join code is made by the server (a body that names one is refused)."""

from __future__ import annotations

from typing import Any

import pytest

from app.api import times
from tests.security.conftest import ORGANISER_KEY, AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name

ORGANISER = {"Authorization": f"Bearer {ORGANISER_KEY}"}


def _event(world: World) -> dict[str, Any]:
    answer = world.call("organiser", "GET", f"/events/{world.event['id']}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _patch(world: World, body: dict[str, Any]) -> Any:
    return world.call("organiser", "PATCH", f"/events/{world.event['id']}", json=body)


# --- the date ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("2022-02-30", '"2022-02-30" is not a valid date: use YYYY-MM-DD, e.g. 2026-05-16'),
        ("16/05/2022", '"16/05/2022" is not a valid date: use YYYY-MM-DD, e.g. 2026-05-16'),
        ("2026-02-29", '"2026-02-29" is not a valid date: use YYYY-MM-DD, e.g. 2026-05-16'),
        ("2022-5-16", '"2022-5-16" is not a valid date: use YYYY-MM-DD, e.g. 2026-05-16'),
        ("20220516", '"20220516" is not a valid date: use YYYY-MM-DD, e.g. 2026-05-16'),
        ("", '"" is not a valid date: use YYYY-MM-DD, e.g. 2026-05-16'),
        ("1970-01-01", '"1970-01-01" is out of range: years 1971 to 9998'),
        ("9999-12-31", '"9999-12-31" is out of range: years 1971 to 9998'),
    ],
)
def test_a_date_that_is_not_one_is_refused_in_words_when_editing(
    make_client: AppFactory, sent: str, message: str
) -> None:
    world = build_world(make_client())
    _patch(world, {"date": "2026-05-16"})
    refused = _patch(world, {"date": sent, "title": "Renamed"})
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"] == f"body.date: {message}"
    assert "(?:" not in refused.text  # no regular expression
    assert [item["loc"] for item in refused.json()["details"]] == [["body", "date"]]
    kept = _event(world)
    assert kept["date"] == "2026-05-16" and kept["title"] == world.event["title"]


@pytest.mark.parametrize("sent", ["2022-02-30", "16/05/2022"])
def test_a_date_that_is_not_one_is_refused_in_words_when_creating(
    make_client: AppFactory, sent: str
) -> None:
    client = make_client()
    before = client.get("/api/v1/events", headers=ORGANISER).json()
    refused = client.post(
        "/api/v1/events", headers=ORGANISER, json={"title": "Regional review", "date": sent}
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == {
        "code": "invalid_request",
        "message": f'body.date: "{sent}" is not a valid date: use YYYY-MM-DD, e.g. 2026-05-16',
    }
    assert client.get("/api/v1/events", headers=ORGANISER).json() == before  # none made


def test_a_long_or_odd_date_is_quoted_short_and_escaped(make_client: AppFactory) -> None:
    world = build_world(make_client())
    refused = _patch(world, {"date": "2022-05-16\n" + "x" * 500})
    assert refused.status_code == 422, refused.text
    message = refused.json()["error"]["message"]
    assert message.startswith('body.date: "2022-05-16\\nxxx') and "…" in message
    assert len(message) < 120 and "\n" not in message


def test_a_date_that_is_one_is_kept(make_client: AppFactory) -> None:
    world = build_world(make_client())
    for sent in ("2024-02-29", "1971-01-01", "9998-12-31", "2026-05-16"):
        answer = _patch(world, {"date": sent})
        assert answer.status_code == 200, answer.text
        assert answer.json()["date"] == sent == _event(world)["date"]
    made = world.client.post(
        "/api/v1/events", headers=ORGANISER, json={"title": "Day two", "date": "2026-05-17"}
    )
    assert made.status_code == 201, made.text
    assert made.json()["date"] == "2026-05-17"


def test_the_openapi_still_says_the_date_is_a_date(make_client: AppFactory) -> None:
    components = make_client().get("/openapi.json").json()["components"]["schemas"]
    for model in ("EventCreate", "EventPatch"):
        (date,) = (
            branch
            for branch in components[model]["properties"]["date"]["anyOf"]
            if branch.get("type") == "string"
        )
        assert date == {
            "type": "string",
            "format": "date",
            "pattern": times.DATE_PATTERN,
        }


# --- the live page's switch --------------------------------------------------------------------


@pytest.mark.parametrize("sent", ["yes", "true", "on", "1", 1, 0, "false", [], {}])
def test_publishing_takes_a_json_boolean_only(make_client: AppFactory, sent: object) -> None:
    world = build_world(make_client())
    refused = _patch(world, {"live_published": sent})
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"].startswith("body.live_published: must be true or false, not ")
    assert [item["loc"] for item in refused.json()["details"]] == [["body", "live_published"]]
    assert _event(world)["live_published"] is False


def test_yes_names_the_field_and_what_was_sent(make_client: AppFactory) -> None:
    world = build_world(make_client())
    refused = _patch(world, {"live_published": "yes"})
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["message"] == (
        'body.live_published: must be true or false, not "yes"'
    )
    assert _event(world)["live_published"] is False
    # and the public live page's socket is told it is not published: no floor for anyone
    with world.client.websocket_connect(f"/ws/live/{world.event['id']}") as socket:
        socket.send_json({"type": "hello"})
        frame = socket.receive_json()
        assert (frame["type"], frame["code"]) == ("error", "not_published"), frame


def test_a_published_page_is_not_withdrawn_by_a_string(make_client: AppFactory) -> None:
    world = build_world(make_client())
    assert _patch(world, {"live_published": True}).status_code == 200
    refused = _patch(world, {"live_published": "no", "title": "Renamed"})
    assert refused.status_code == 422, refused.text
    kept = _event(world)
    assert kept["live_published"] is True and kept["title"] == world.event["title"]


def test_true_and_false_still_publish_and_withdraw(make_client: AppFactory) -> None:
    world = build_world(make_client())
    published = _patch(world, {"live_published": True})
    assert published.status_code == 200, published.text
    assert published.json()["live_published"] is True
    assert _event(world)["live_published"] is True
    withdrawn = _patch(world, {"live_published": False})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["live_published"] is False
    assert _event(world)["live_published"] is False
    left_as_is = _patch(world, {"live_published": None})  # null: as it is
    assert left_as_is.status_code == 200, left_as_is.text
    assert left_as_is.json()["live_published"] is False


# --- the languages: one rule, made or edited -----------------------------------------------------

NO_LANGUAGE = (
    "body.languages: give at least one of the six languages: ar, zh, en, fr, ru, es "
    "(leave the field out of a new event for all six)"
)


def test_no_language_is_refused_alike_when_creating_and_editing(make_client: AppFactory) -> None:
    world = build_world(make_client())
    before = world.client.get("/api/v1/events", headers=ORGANISER).json()
    made = world.client.post(
        "/api/v1/events", headers=ORGANISER, json={"title": "ok", "languages": []}
    )
    edited = _patch(world, {"languages": []})
    for refused in (made, edited):
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"] == {"code": "invalid_request", "message": NO_LANGUAGE}
        assert [item["loc"] for item in refused.json()["details"]] == [["body", "languages"]]
    assert world.client.get("/api/v1/events", headers=ORGANISER).json() == before  # none made


def test_a_language_named_twice_counts_once_when_creating_as_when_editing(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    made = world.client.post(
        "/api/v1/events", headers=ORGANISER, json={"title": "ok", "languages": ["en", "en", "fr"]}
    )
    assert made.status_code == 201, made.text
    assert made.json()["languages"] == ["en", "fr"]
    kept = world.client.get(f"/api/v1/events/{made.json()['id']}", headers=ORGANISER).json()
    assert kept["languages"] == ["en", "fr"]
    edited = _patch(world, {"languages": ["fr", "en", "fr"]})
    assert edited.status_code == 200, edited.text
    assert edited.json()["languages"] == ["fr", "en"]
    # left out of a new event: all six
    every = world.client.post("/api/v1/events", headers=ORGANISER, json={"title": "all"})
    assert every.json()["languages"] == ["ar", "zh", "en", "fr", "ru", "es"]


# --- the time zone -----------------------------------------------------------------------------


def _zone_refusal(sent: str) -> str:
    return (
        f'body.timezone: "{sent}" is not a time zone this server knows: give an IANA time zone '
        'name such as "Europe/Zurich", "America/New_York" or "UTC"'
    )


@pytest.mark.parametrize(
    "sent",
    # the host's own setting and files of its zoneinfo directory ZoneInfo would load, a city
    # that has no zone of its own, and names that are no zone at all
    ["localtime", "posixrules", "Factory", "right/UTC", "posix/Europe/Zurich", "Europe/Geneva"],
)
def test_a_zone_that_is_not_an_iana_zone_is_refused_saying_what_to_send(
    make_client: AppFactory, sent: str
) -> None:
    world = build_world(make_client())
    before = world.client.get("/api/v1/events", headers=ORGANISER).json()
    made = world.client.post(
        "/api/v1/events", headers=ORGANISER, json={"title": "Regional review", "timezone": sent}
    )
    edited = _patch(world, {"timezone": sent, "title": "Renamed"})
    for refused in (made, edited):
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error == {"code": "invalid_request", "message": _zone_refusal(sent)}
    assert world.client.get("/api/v1/events", headers=ORGANISER).json() == before  # none made
    kept = _event(world)
    assert kept["timezone"] == "America/New_York" and kept["title"] == world.event["title"]


def test_an_odd_zone_is_quoted_short(make_client: AppFactory) -> None:
    world = build_world(make_client())
    refused = _patch(world, {"timezone": "Europe/" + "x" * 500})
    assert refused.status_code == 422, refused.text
    message = refused.json()["error"]["message"]
    assert '"Europe/xxx' in message and "…" in message and len(message) < 200


@pytest.mark.parametrize(
    ("sent", "meant"),
    [
        # the concept note's "10:00 - 18:00 (EST)": UTC-5 in May too, an hour off New York's
        ("EST", "America/New_York (or America/Panama, which keeps UTC\u22125 all year)"),
        ("HST", "Pacific/Honolulu"),
        # UTC-5, not +5 (POSIX's sign), and no summer time
        ("Etc/GMT+5", "the zone of the city, e.g. America/New_York"),
        ("Etc/GMT-3", "the zone of the city, e.g. America/New_York"),
    ],
)
def test_a_fixed_offset_that_reads_as_a_place_is_refused_naming_the_zone_meant(
    make_client: AppFactory, sent: str, meant: str
) -> None:
    world = build_world(make_client())
    made = world.client.post(
        "/api/v1/events", headers=ORGANISER, json={"title": "Hearing", "timezone": sent}
    )
    edited = _patch(world, {"timezone": sent})
    for refused in (made, edited):
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["message"] == (
            f'body.timezone: "{sent}" is a fixed offset all year, with no summer time, so times '
            f"in summer would be an hour off: give the place's time zone, {meant}"
        )
    assert _event(world)["timezone"] == "America/New_York"
    zones = make_client().get("/openapi.json").json()["components"]["schemas"]
    assert sent not in zones["EventCreate"]["properties"]["timezone"]["enum"]


@pytest.mark.parametrize(
    ("sent", "meant"), [("New York", "America/New_York"), ("europe/zurich", "Europe/Zurich")]
)
def test_a_zone_written_as_a_person_would_is_refused_with_the_name_to_send(
    make_client: AppFactory, sent: str, meant: str
) -> None:
    refused = _patch(build_world(make_client()), {"timezone": sent})
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["message"] == _zone_refusal(sent) + f' (did you mean "{meant}"?)'


@pytest.mark.parametrize("sent", ["Europe/Zurich", "America/New_York", "UTC", "Asia/Kolkata"])
def test_an_iana_zone_is_taken(make_client: AppFactory, sent: str) -> None:
    world = build_world(make_client())
    made = world.client.post(
        "/api/v1/events", headers=ORGANISER, json={"title": "Regional review", "timezone": sent}
    )
    assert made.status_code == 201, made.text
    assert made.json()["timezone"] == sent
    edited = _patch(world, {"timezone": sent})
    assert edited.status_code == 200, edited.text
    assert _event(world)["timezone"] == sent


def test_the_openapi_lists_no_host_zone(make_client: AppFactory) -> None:
    components = make_client().get("/openapi.json").json()["components"]["schemas"]
    zones = set(components["EventCreate"]["properties"]["timezone"]["enum"])
    assert {"Europe/Zurich", "UTC"} <= zones
    assert not {"localtime", "posixrules", "Factory"} & zones


# --- the join code -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"code": "mine"},
            'body: this request takes no fields, not "code": the server makes the new join '
            "code; send no body, or {}",
        ),
        (
            ["mine"],
            "body: this request takes no body: the server makes the new join code; send no "
            "body, or {}",
        ),
    ],
)
def test_a_join_code_cannot_be_chosen(make_client: AppFactory, body: object, message: str) -> None:
    world = build_world(make_client())
    refused = world.call("organiser", "POST", f"/events/{world.event['id']}/join-code", json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == {"code": "invalid_request", "message": message}
    assert _event(world)["join_code"] == world.event["join_code"]  # not rotated


def test_the_join_code_is_rotated_with_no_body_or_an_empty_one(make_client: AppFactory) -> None:
    world = build_world(make_client())
    path = f"/events/{world.event['id']}/join-code"
    codes = [world.event["join_code"]]
    bodies: tuple[dict[str, Any] | None, ...] = (None, {})  # no body at all, an empty object
    for body in bodies:
        rotated = world.call("organiser", "POST", path, json=body)
        assert rotated.status_code == 200, rotated.text
        codes.append(rotated.json()["join_code"])
        assert _event(world)["join_code"] == codes[-1]
    assert len(set(codes)) == 3
