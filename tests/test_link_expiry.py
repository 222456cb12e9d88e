"""Access links made days or weeks before the hearing: the event says when a link for its day
should expire (23:59 the day after), a link may be made to expire then (``expires_at``, any form
of an instant), and every link says whether it dies before the event's day ends."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _event_next_month(world: World) -> dict[str, Any]:
    day = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    made = world.call(
        "organiser",
        "POST",
        "/events",
        json={"title": "Hearing", "date": day, "timezone": "America/New_York"},
    )
    assert made.status_code == 201, made.text
    event: dict[str, Any] = made.json()
    return event


def _mint(world: World, event_id: str, **body: Any) -> Any:
    return world.call(
        "organiser", "POST", f"/events/{event_id}/access-links", json={"role": "display", **body}
    )


def test_the_event_says_when_its_links_should_expire(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event = _event_next_month(world)
    after = datetime.date.fromisoformat(event["date"]) + datetime.timedelta(days=1)
    assert event["link_expiry_default_at_local"].startswith(f"{after.isoformat()}T23:59:00-0")
    undated = world.call("organiser", "POST", "/events", json={"title": "Undated"}).json()
    assert undated["link_expiry_default_at"] is None


def test_a_link_made_to_the_default_lasts_the_day_and_one_for_a_day_warns(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    event = _event_next_month(world)
    lasting = _mint(world, event["id"], expires_at=event["link_expiry_default_at_local"][:16])
    assert lasting.status_code == 201, lasting.text
    assert lasting.json()["expires_at"] == event["link_expiry_default_at"]
    assert lasting.json()["expires_before_event"] is False
    short = _mint(world, event["id"], expires_in_s=86_400)
    assert short.status_code == 201, short.text
    assert short.json()["expires_before_event"] is True
    forever = _mint(world, event["id"])
    assert forever.json()["expires_before_event"] is False
    listed = world.call("organiser", "GET", f"/events/{event['id']}/access-links").json()
    assert {link["id"]: link["expires_before_event"] for link in listed} == {
        lasting.json()["id"]: False,
        short.json()["id"]: True,
        forever.json()["id"]: False,
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"expires_in_s": 3600, "expires_at": "2026-01-01T10:00:00Z"},
            "body.expires_at: send expires_in_s or expires_at, not both",
        ),
        (
            {"expires_at": "2020-01-01T10:00:00Z"},
            "body.expires_at: 2020-01-01T05:00:00-05:00 is past: choose when the link should "
            "stop working, from now to 400 days ahead",
        ),
        (
            {"expires_at": "2999-01-01T10:00:00Z"},
            "body.expires_at: 2999-01-01T05:00:00-05:00 is more than 400 days ahead: choose when "
            "the link should stop working, from now to 400 days ahead",
        ),
    ],
)
def test_an_expiry_that_cannot_be_is_refused_saying_why(
    make_client: AppFactory, body: dict[str, Any], message: str
) -> None:
    world = build_world(make_client())
    event = _event_next_month(world)
    refused = _mint(world, event["id"], **body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["message"] == message
    assert world.call("organiser", "GET", f"/events/{event['id']}/access-links").json() == []


def test_a_link_made_with_an_expiring_organiser_link_cannot_outlive_it(
    make_client: AppFactory,
) -> None:
    """Outside probe: an organiser link given to a helper for a few hours made itself another
    organiser link that never expired. A link made with an expiring link expires with it (no
    later, whatever was asked), and says which link it expires with."""
    world = build_world(make_client())
    event = _event_next_month(world)
    helper = world.call(
        "organiser",
        "POST",
        f"/events/{event['id']}/access-links",
        json={"role": "organiser", "label": "temp helper", "expires_in_s": 3600},
    ).json()
    asked = {
        "forever": {},
        "longer": {"expires_in_s": 7200},
        "shorter": {"expires_in_s": 600},
    }
    made = {}
    for name, expiry in asked.items():
        answer = world.call(
            "organiser",
            "POST",
            f"/events/{event['id']}/access-links",
            token=helper["token"],
            json={"role": "organiser", "label": name, **expiry},
        )
        assert answer.status_code == 201, answer.text
        made[name] = answer.json()
    assert made["forever"]["expires_at"] == helper["expires_at"]
    assert made["longer"]["expires_at"] == helper["expires_at"]
    assert made["shorter"]["expires_at"] < helper["expires_at"]
    assert {name: link["expires_with"] for name, link in made.items()} == {
        "forever": helper["id"],
        "longer": helper["id"],
        "shorter": helper["id"],
    }
    # the organiser key's links, and those of a link without end, are as asked
    lasting = world.call(
        "organiser",
        "POST",
        f"/events/{event['id']}/access-links",
        json={"role": "organiser", "label": "lasting"},
    ).json()
    assert (lasting["expires_at"], lasting["expires_with"]) == (None, None)
    child = world.call(
        "organiser",
        "POST",
        f"/events/{event['id']}/access-links",
        token=lasting["token"],
        json={"role": "moderator"},
    ).json()
    assert (child["expires_at"], child["expires_with"]) == (None, None)
