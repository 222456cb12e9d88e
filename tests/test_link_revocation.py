"""A link lives no longer than the link it was made with: an organiser link handed to a helper
for the set-up, revoked, takes with it the links the helper made (and theirs), as its expiry
already did (outside probe B: revoking the maker left the links it made live)."""

from __future__ import annotations

from typing import Any

from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _mint(world: World, role: str, label: str, token: str | None = None) -> dict[str, Any]:
    answer = world.call(
        "organiser",
        "POST",
        f"/events/{world.event['id']}/access-links",
        token=token,
        json={"role": role, "label": label},
    )
    assert answer.status_code == 201, answer.text
    made: dict[str, Any] = answer.json()
    return made


_MADE = ("helper", "console by helper", "deputy by helper", "screen by deputy", "screen by the key")


def _links(world: World) -> dict[str, dict[str, Any]]:
    listed = world.call("organiser", "GET", f"/events/{world.event['id']}/access-links")
    assert listed.status_code == 200, listed.text
    return {link["label"]: link for link in listed.json()}


def test_revoking_a_helpers_link_revokes_the_links_made_with_it(make_client: AppFactory) -> None:
    world = build_world(make_client())
    helper = _mint(world, "organiser", "helper")
    console = _mint(world, "moderator", "console by helper", token=helper["token"])
    deputy = _mint(world, "organiser", "deputy by helper", token=helper["token"])
    screen = _mint(world, "display", "screen by deputy", token=deputy["token"])
    own = _mint(world, "display", "screen by the key")
    links = _links(world)
    assert {label: links[label]["made_by"] for label in _MADE} == {
        "helper": None,
        "console by helper": helper["id"],
        "deputy by helper": helper["id"],
        "screen by deputy": deputy["id"],
        "screen by the key": None,
    }
    # the list says what revoking each link revokes too, oldest first
    assert links["helper"]["revokes_too"] == [console["id"], deputy["id"], screen["id"]]
    assert links["deputy by helper"]["revokes_too"] == [screen["id"]]
    assert links["screen by the key"]["revokes_too"] == []
    # revoking what the helper made touches neither the helper nor the key's links
    gone = world.call(
        "organiser", "DELETE", f"/events/{world.event['id']}/access-links/{screen['id']}"
    )
    assert gone.status_code == 204, gone.text
    assert _links(world)["deputy by helper"]["revoked_at"] is None
    assert _links(world)["helper"]["revokes_too"] == [console["id"], deputy["id"]]
    revoked = world.call(
        "organiser", "DELETE", f"/events/{world.event['id']}/access-links/{helper['id']}"
    )
    assert revoked.status_code == 204, revoked.text
    after = _links(world)
    for label in ("helper", "console by helper", "deputy by helper", "screen by deputy"):
        assert after[label]["revoked_at"] is not None, label
    assert after["screen by the key"]["revoked_at"] is None
    # the console the helper made signs in no more; the key's screen still does
    refused = world.call("moderator", "GET", f"/events/{world.event['id']}", token=console["token"])
    assert refused.status_code == 401, refused.text
    kept = world.call("display", "GET", f"/events/{world.event['id']}", token=own["token"])
    assert kept.status_code == 200, kept.text


def test_a_link_made_with_the_organiser_key_or_another_link_is_not_touched(
    make_client: AppFactory,
) -> None:
    """A revoked link takes only what was made with it: a link's ``made_by`` names its maker,
    and the maker's siblings stay."""
    world = build_world(make_client())
    first = _mint(world, "organiser", "first helper")
    second = _mint(world, "organiser", "second helper")
    by_second = _mint(world, "moderator", "console by second", token=second["token"])
    assert by_second["made_by"] == second["id"]
    revoked = world.call(
        "organiser", "DELETE", f"/events/{world.event['id']}/access-links/{first['id']}"
    )
    assert revoked.status_code == 204, revoked.text
    after = _links(world)
    assert after["first helper"]["revoked_at"] is not None
    assert after["second helper"]["revoked_at"] is None
    assert after["console by second"]["revoked_at"] is None
