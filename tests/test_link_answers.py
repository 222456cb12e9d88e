"""What a new access link's answer tells a script (outside probe C, findings 2 and 11): the link a
re-sent ``request_id`` replaced (``replaced``: it no longer works), and the link's absolute
address beside its relative ``url``, on the same base as its QR code."""

from __future__ import annotations

from typing import Any

from app.api.desk import AccessLinkMinted
from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _mint(world: World, role: str = "booth", **body: Any) -> dict[str, Any]:
    path = f"/events/{world.event['id']}/access-links"
    answer = world.call("organiser", "POST", path, json={"role": role, **body})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_a_re_sent_request_id_names_the_link_it_replaced(make_client: AppFactory) -> None:
    world = build_world(make_client())
    first = _mint(world, label="Booth FR", request_id="setup-booth-fr")
    assert first["replaced"] is None  # nothing to replace
    second = _mint(world, label="Booth FR", request_id="setup-booth-fr")
    assert second["replaced"] == first["id"]
    state = world.call("booth", "GET", f"/segments/{world.segment_id}/state", token=first["token"])
    assert state.status_code == 401  # the replaced link is revoked
    # the one replaced meanwhile by hand: nothing is live to replace
    path = f"/events/{world.event['id']}/access-links/{second['id']}"
    assert world.call("organiser", "DELETE", path).status_code == 204
    assert _mint(world, label="Booth FR", request_id="setup-booth-fr")["replaced"] is None
    assert _mint(world, label="Booth EN")["replaced"] is None  # no request id


def test_a_link_answers_its_absolute_address_as_its_qr_code_holds_it(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    display = _mint(world, role="display", label="Room screen")
    assert display["url"].startswith(f"/display/{world.event['id']}#key=")
    assert display["absolute_url"] == "http://floor.test" + display["url"]
    assert display["clock_absolute_url"] == "http://floor.test" + display["clock_url"]
    # the QR code is drawn from the same address (the base the X-Join-Url header uses)
    join = world.call("display", "GET", f"/events/{world.event['id']}/join-qr.svg")
    assert join.headers["X-Join-Url"].startswith("http://floor.test/join/")
    device = _mint(world, role="device", label="Stream Deck")
    assert device["absolute_url"] == f"http://floor.test/api/v1/events/{world.event['id']}/actions/"
    listed = world.call("organiser", "GET", f"/events/{world.event['id']}/access-links").json()
    assert all(link["absolute_url"] is None for link in listed)  # shown once, with the secret


def test_a_public_url_is_the_base_of_the_absolute_address(make_client: AppFactory) -> None:
    world = build_world(make_client(public_url="https://hearing.example.org/"))
    moderator = _mint(world, role="moderator", label="Chair")
    assert moderator["absolute_url"] == "https://hearing.example.org" + moderator["url"]


def test_the_schema_documents_the_new_fields() -> None:
    fields = AccessLinkMinted.model_fields
    for name in ("replaced", "absolute_url", "clock_absolute_url"):
        assert fields[name].description, name
