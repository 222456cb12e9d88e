"""A helper's organiser link revoked takes with it the participants' keys made with it: the
phone links the helper handed out and the keys of the participants the helper registered (outside
probe: they went on working, the helper's link listing ``revokes_too: []``). Only a revocation
cascades: a helper's link expiring as planned signs nobody's phone out, and a phone link made
with the organiser key stays."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _mint(world: World, role: str, label: str, token: str | None = None, **body: Any) -> Any:
    answer = world.call(
        "organiser",
        "POST",
        f"/events/{world.event['id']}/access-links",
        token=token,
        json={"role": role, "label": label, **body},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _register(world: World, name: str, token: str | None = None) -> Any:
    """Registered by the staff (the organiser key, or the link ``token``): the answer."""
    body = {"name": name, "organisation": "IOM", "constituency": "un_system"}
    path = f"/events/{world.event['id']}/participants"
    answer = world.call("organiser", "POST", path, token=token, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _phone_link(world: World, participant_id: str, token: str | None = None) -> Any:
    path = f"/participants/{participant_id}/phone-link"
    answer = world.call("organiser", "POST", path, token=token)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _links(world: World) -> dict[str, Any]:
    listed = world.call("organiser", "GET", f"/events/{world.event['id']}/access-links")
    assert listed.status_code == 200, listed.text
    return {link["label"]: link for link in listed.json()}


def _key_id(world: World, token: str) -> str:
    """The credential id behind a key (as a revoking link's ``revokes_too`` names it)."""
    services = world.client.app.state.services  # type: ignore[attr-defined]
    actor = services.auth.resolve(token, services.engine.clock())
    assert actor is not None and actor.credential_id is not None
    return str(actor.credential_id)


def _session(world: World, token: str) -> int:
    return world.call("delegate", "GET", "/session", token=token).status_code


def _contribute(world: World, token: str) -> Any:
    body = {
        "command_id": uuid.uuid4().hex,
        "kind": "pledge",
        "language": "en",
        "text": "We will fund ten reception centres.",
    }
    path = f"/events/{world.event['id']}/contributions"
    return world.call("delegate", "POST", path, token=token, json=body)


def _closed_as_revoked(socket: WebSocketTestSession) -> None:
    """The socket was told its key works no more and closed 4401. A ping is sent first, so a
    socket left open answers it (a pong) and the test fails instead of waiting forever."""
    socket.send_json({"type": "ping"})
    frames: list[dict[str, Any]] = []
    with pytest.raises(WebSocketDisconnect) as closed:
        while True:
            frame = socket.receive_json()
            assert frame["type"] != "pong", f"the socket is still open: {frames}"
            frames.append(frame)
    assert closed.value.code == 4401, frames
    assert "this link was revoked" in closed.value.reason, closed.value.reason


def test_revoking_a_helpers_link_signs_out_the_phones_it_made(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id = world.event["id"]
    helper = _mint(world, "organiser", "helper")
    deputy = _mint(world, "organiser", "deputy by helper", token=helper["token"])
    bruno = _register(world, "Bruno Silva")  # by the organiser key
    chen = _register(world, "Chen Jie")
    # the helper's desk: a phone link for Bruno, a registration of Kofi (its key answered),
    # and the deputy (a link the helper made) a phone link for Chen
    by_helper = _phone_link(world, bruno["participant"]["id"], token=helper["token"])
    kofi = _register(world, "Kofi Mensah", token=helper["token"])
    by_deputy = _phone_link(world, chen["participant"]["id"], token=deputy["token"])
    # the organiser's own phone link for Amina (who joined from her phone) stays
    amina = world.delegate["participant"]["id"]
    by_key = _phone_link(world, amina)
    keys = {
        name: _key_id(world, token)
        for name, token in (
            ("Bruno Silva", by_helper["token"]),
            ("Kofi Mensah", kofi["token"]),
            ("Chen Jie", by_deputy["token"]),
            ("Amina Diallo", by_key["token"]),
        )
    }

    # the list says beforehand whose keys go with each link, oldest first
    links = _links(world)
    assert links["helper"]["revokes_too"] == [
        deputy["id"],
        keys["Bruno Silva"],
        keys["Kofi Mensah"],
        keys["Chen Jie"],
    ]
    assert [
        (key["id"], key["participant_id"], key["name"], key["kind"])
        for key in links["helper"]["revokes_keys_too"]
    ] == [
        (keys["Bruno Silva"], bruno["participant"]["id"], "Bruno Silva", "phone_link"),
        (keys["Kofi Mensah"], kofi["participant"]["id"], "Kofi Mensah", "registration"),
        (keys["Chen Jie"], chen["participant"]["id"], "Chen Jie", "phone_link"),
    ]
    assert links["deputy by helper"]["revokes_too"] == [keys["Chen Jie"]]
    assert [k["name"] for k in links["deputy by helper"]["revokes_keys_too"]] == ["Chen Jie"]
    # the phone links answer as before; a phone signed in with one works
    assert _session(world, by_helper["token"]) == 200
    assert _contribute(world, by_helper["token"]).status_code == 201

    with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
        socket.send_json({"type": "hello", "token": by_helper["token"]})
        assert socket.receive_json()["type"] == "snapshot"
        revoked = world.call(
            "organiser", "DELETE", f"/events/{event_id}/access-links/{helper['id']}"
        )
        assert revoked.status_code == 204, revoked.text
        _closed_as_revoked(socket)

    for name in ("Bruno Silva", "Kofi Mensah", "Chen Jie"):
        token = {"Bruno Silva": by_helper, "Kofi Mensah": kofi, "Chen Jie": by_deputy}[name]
        assert _session(world, token["token"]) == 401, name
        refused = _contribute(world, token["token"])
        assert refused.status_code == 401, (name, refused.text)
    # Amina's phone link (the organiser key's) and her own phone's join are not touched
    assert _session(world, by_key["token"]) == 200
    assert _contribute(world, by_key["token"]).status_code == 201
    after = _links(world)
    assert after["helper"]["revokes_too"] == after["helper"]["revokes_keys_too"] == []
    # the desk's list: Bruno, Chen and Kofi have no phone now; a new link from the desk works
    people = world.call("organiser", "GET", f"/events/{event_id}/participants").json()
    phones = {p["name"]: p["has_phone"] for p in people}
    assert phones["Bruno Silva"] is phones["Chen Jie"] is False
    assert phones["Amina Diallo"] is True
    again = _phone_link(world, bruno["participant"]["id"])
    assert _session(world, again["token"]) == 200


def test_a_phone_link_made_with_the_organiser_key_names_no_link(
    make_client: AppFactory,
) -> None:
    """The organiser key's phone link is made by no link: revoking every link of the event
    leaves it signed in."""
    world = build_world(make_client())
    helper = _mint(world, "organiser", "helper")
    maria = _register(world, "Maria Hernández")
    by_key = _phone_link(world, maria["participant"]["id"])
    assert _links(world)["helper"]["revokes_too"] == []
    revoked = world.call(
        "organiser", "DELETE", f"/events/{world.event['id']}/access-links/{helper['id']}"
    )
    assert revoked.status_code == 204, revoked.text
    assert _session(world, by_key["token"]) == 200
    assert _session(world, maria["token"]) == 401  # her registration key: the phone link ended it
    assert _session(world, world.tokens["delegate"] or "") == 200  # Amina's phone


def test_a_phone_link_outlives_the_expiry_of_the_helpers_link_that_made_it(
    make_client: AppFactory,
) -> None:
    """A helper's link given for the morning expires at noon as planned: the panellists'
    phones it signed in go on (only a revocation, distrust, takes them)."""
    world = build_world(make_client())
    services = world.client.app.state.services  # type: ignore[attr-defined]
    helper = _mint(world, "organiser", "morning helper", expires_in_s=3600)
    li = _register(world, "Li Wei")
    phone = _phone_link(world, li["participant"]["id"], token=helper["token"])
    registered = _register(world, "Fatima Zahra", token=helper["token"])
    assert _links(world)["morning helper"]["revokes_too"] == [
        _key_id(world, phone["token"]),
        _key_id(world, registered["token"]),
    ]
    clock = services.engine.clock
    services.engine.clock = lambda: clock() + 3_601_000
    try:
        assert world.call("organiser", "GET", "/session", token=helper["token"]).status_code == 401
        assert _session(world, phone["token"]) == 200
        assert _contribute(world, phone["token"]).status_code == 201
        assert _session(world, registered["token"]) == 200
        with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
            socket.send_json({"type": "hello", "token": phone["token"]})
            assert socket.receive_json()["type"] == "snapshot"
    finally:
        services.engine.clock = clock


def test_a_key_made_while_its_maker_is_revoked_is_revoked_with_it(
    make_client: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper's phone link written just after the revocation read what the helper's link
    had made (another process, a moment's overlap): it is revoked too, and the helper told so,
    instead of a key outliving the link that made it."""
    world = build_world(make_client())
    services = world.client.app.state.services  # type: ignore[attr-defined]
    helper = _mint(world, "organiser", "helper")
    li = _register(world, "Li Wei")
    mint = services.auth.mint
    made: list[str] = []

    def mint_after_the_revocation(*args: Any, **kwargs: Any) -> Any:
        # the helper's link is revoked (on "another process": in the database only) while
        # the phone link is being written
        services.engine.store.revoke_credential(helper["id"], world.event["id"], 1)
        token, row = mint(*args, **kwargs)
        made.append(token)
        return token, row

    monkeypatch.setattr(services.auth, "mint", mint_after_the_revocation)
    path = f"/participants/{li['participant']['id']}/phone-link"
    refused = world.call("organiser", "POST", path, token=helper["token"])
    assert refused.status_code == 401, refused.text
    assert refused.json()["error"]["code"] == "unauthenticated"
    (token,) = made
    assert _session(world, token) == 401
