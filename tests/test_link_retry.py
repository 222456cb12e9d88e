"""A retried ``POST .../access-links`` (its answer never came): with the same ``request_id`` it
revokes the link the lost answer held and makes another, so one press of the desk is one live
link; the same id for another role is refused and revokes nothing."""

from __future__ import annotations

from typing import Any

from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _mint(world: World, role: str = "display", **body: Any) -> Any:
    path = f"/events/{world.event['id']}/access-links"
    return world.call("organiser", "POST", path, json={"role": role, **body})


def _works(world: World, token: str) -> bool:
    state = world.call("display", "GET", f"/segments/{world.segment_id}/state", token=token)
    return bool(state.status_code == 200)


def _live(world: World) -> list[str]:
    listed = world.call("organiser", "GET", f"/events/{world.event['id']}/access-links").json()
    return [link["label"] for link in listed if link["revoked_at"] is None]


def test_a_retried_request_leaves_one_live_link_its_last_answers(make_client: AppFactory) -> None:
    world = build_world(make_client())
    before = _live(world)
    lost = _mint(world, label="Room screen", request_id="press-1")  # as if its answer was lost
    assert lost.status_code == 201, lost.text
    retried = _mint(world, label="Room screen", request_id="press-1")
    assert retried.status_code == 201, retried.text
    assert retried.json()["id"] != lost.json()["id"]
    assert not _works(world, lost.json()["token"])  # revoked: nobody had it
    assert _works(world, retried.json()["token"])
    assert _live(world) == [*before, "Room screen"]
    # another press is another link
    other = _mint(world, label="Second screen", request_id="press-2")
    assert _works(world, other.json()["token"]) and _works(world, retried.json()["token"])
    # without a request id, as before: every call makes a link
    _mint(world, label="Scripted")
    _mint(world, label="Scripted")
    assert _live(world) == [*before, "Room screen", "Second screen", "Scripted", "Scripted"]


def test_a_request_id_sent_for_another_role_is_refused(make_client: AppFactory) -> None:
    world = build_world(make_client())
    made = _mint(world, label="Room screen", request_id="press-1")
    refused = _mint(world, role="moderator", label="Chair", request_id="press-1")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "request_id_reused"
    assert "made a display link, not a moderator link" in error["message"]
    assert _works(world, made.json()["token"])  # nothing revoked


def test_a_request_id_is_checked_like_a_command_id(make_client: AppFactory) -> None:
    world = build_world(make_client())
    refused = _mint(world, request_id="not a/valid id")
    assert refused.status_code == 422
    assert "request_id" in refused.text
