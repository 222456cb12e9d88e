"""The secretariat corrects a registered participant (``PATCH /participants/{id}``): the
registry changes, and every segment of the day that shows them shows the correction, on every
screen at once, in the queue, on the floor and in the record."""

from __future__ import annotations

import uuid
from typing import Any

from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _patch(world: World, participant_id: str, role: str = "organiser", **body: Any) -> Any:
    return world.call(role, "PATCH", f"/participants/{participant_id}", json=body)


def _request(world: World, token: str | None = None) -> None:
    body = {"command_id": uuid.uuid4().hex, "kind": "intervention"}
    answer = world.call(
        "delegate", "POST", f"/segments/{world.segment_id}/floor-requests", token=token, json=body
    )
    assert answer.status_code in (200, 201), answer.text


def test_a_misspelt_name_is_corrected_in_the_registry_the_queue_and_the_record(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    joined = world.join("Amina Dialo", organisation="MFA").json()
    participant_id = joined["participant"]["id"]
    _request(world, joined["token"])
    world.command("moderator", {"type": "approve_request", "request_id": _pending(world)})
    # she speaks, then asks again
    world.command("moderator", {"type": "call_next"})
    world.command("moderator", {"type": "end_turn"})
    _request(world, joined["token"])
    world.command("moderator", {"type": "approve_request", "request_id": _pending(world)})

    answer = _patch(
        world, participant_id, name="Amina Diallo", organisation="Migrant Forum in Asia"
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["participant"]["name"] == "Amina Diallo"
    assert body["participant"]["constituency"] == "trade_union"  # left out: as it was
    assert body["segments_corrected"] == [world.segment_id]

    snapshot = world.state()
    version, state = snapshot["version"], snapshot["state"]
    (waiting,) = state["queue"]
    assert (waiting["name"], waiting["organisation"]) == ("Amina Diallo", "Migrant Forum in Asia")
    speeches = world.call("organiser", "GET", f"/segments/{world.segment_id}/speeches").json()
    assert [(s["name"], s["organisation"]) for s in speeches] == [
        ("Amina Diallo", "Migrant Forum in Asia")
    ]
    registry = world.call("organiser", "GET", f"/events/{world.event['id']}/participants").json()
    assert {p["id"]: p["name"] for p in registry}[participant_id] == "Amina Diallo"
    # sent again (a retry after a failure, say): nothing left to correct
    again = _patch(world, participant_id, name="Amina Diallo")
    assert again.status_code == 200 and again.json()["segments_corrected"] == []
    assert world.state()["version"] == version


def _pending(world: World) -> str:
    """The first request waiting for the moderator (the console's ``requests``)."""
    return str(world.state()["state"]["requests"][0]["id"])


def test_a_request_made_after_the_correction_carries_it(make_client: AppFactory) -> None:
    world = build_world(make_client())
    joined = world.join("Chen Wie", constituency="academia").json()
    assert (
        _patch(world, joined["participant"]["id"], name="Chen Wei").json()["segments_corrected"]
        == []
    )  # not yet on the floor anywhere
    _request(world, joined["token"])
    assert [r["name"] for r in world.state()["state"]["requests"]] == ["Chen Wei"]


def test_a_stated_gender_can_be_removed_and_bad_input_is_named(make_client: AppFactory) -> None:
    world = build_world(make_client())
    joined = world.join("Dara Okafor", gender="woman").json()
    participant_id = joined["participant"]["id"]
    cleared = _patch(world, participant_id, gender="not_stated")
    assert cleared.status_code == 200 and cleared.json()["participant"]["gender"] is None
    refused = _patch(world, participant_id, constituency="aliens")
    assert refused.status_code == 422
    assert "constituency" in refused.text
    empty = _patch(world, participant_id, name="   ")
    assert empty.status_code == 422 and "name" in empty.text
    unknown = _patch(world, "nobody")
    assert unknown.status_code == 404
    assert "nobody" in unknown.json()["error"]["message"]
    # nothing refused changed the registry
    registry = world.call("organiser", "GET", f"/events/{world.event['id']}/participants").json()
    (dara,) = [p for p in registry if p["id"] == participant_id]
    assert (dara["name"], dara["constituency"], dara["gender"]) == (
        "Dara Okafor",
        "trade_union",
        None,
    )


def test_a_moderator_of_another_event_may_not_correct(make_client: AppFactory) -> None:
    world = build_world(make_client())
    other = world.call("organiser", "POST", "/events", json={"title": "Side event"}).json()
    link = world.call(
        "organiser", "POST", f"/events/{other['id']}/access-links", json={"role": "moderator"}
    ).json()
    participant_id = world.delegate["participant"]["id"]
    answer = world.call(
        "moderator",
        "PATCH",
        f"/participants/{participant_id}",
        token=link["token"],
        json={"name": "X"},
    )
    assert answer.status_code == 403
    assert _patch(world, participant_id).json()["participant"]["name"] == "Amina Diallo"


def test_delegates_and_screens_may_not_correct(make_client: AppFactory) -> None:
    world = build_world(make_client())
    participant_id = world.delegate["participant"]["id"]
    for role in ("delegate", "display", "rapporteur", "booth"):
        assert _patch(world, participant_id, role=role, name="X").status_code == 403, role


def test_a_correction_that_makes_someone_else_is_refused_naming_them(
    make_client: AppFactory,
) -> None:
    """Li Wei "corrected" to John O'Brien of the Mission of Ireland, who is registered already
    (written with a typographic apostrophe): two of the same on the screens, and an export that
    no longer imports. Refused, naming the other; nothing changes."""
    world = build_world(make_client())
    world.join("John O'Brien", organisation="Mission of Ireland")
    li = world.join("Li Wei", organisation="UNHCR").json()["participant"]["id"]
    refused = _patch(world, li, name="John O\u2019Brien", organisation="Mission of Ireland")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == {
        "code": "same_person",
        "message": "John O'Brien (Mission of Ireland) is registered already, as another "
        "participant: if they are the same person, remove one of the two registrations; if "
        "not, add what tells them apart (a title, a second name)",
    }
    registry = world.call("organiser", "GET", f"/events/{world.event['id']}/participants").json()
    assert {p["id"]: p["name"] for p in registry}[li] == "Li Wei"
    # their own name again, or a name nobody has: corrected
    assert _patch(world, li, name="Li  Wei", organisation="UNHCR").status_code == 200
    assert _patch(world, li, name="John O'Brien", organisation="UNHCR").status_code == 200


def test_a_correction_keeps_the_floor_language_the_moderator_set_for_a_turn(
    make_client: AppFactory,
) -> None:
    """Outside probe Y: the moderator recorded a turn as given in Arabic, remotely; the desk then
    fixed her organisation (or saved the form unchanged) and the record said English, in the
    room. A correction sets the floor language, attendance and region only when the registry's
    own change; her name and organisation, always."""
    world = build_world(make_client())
    joined = world.join("Amina Dialo", organisation="MFA").json()
    participant_id = joined["participant"]["id"]
    _request(world, joined["token"])
    world.command("moderator", {"type": "approve_request", "request_id": _pending(world)})
    world.command("moderator", {"type": "call_next"})
    speaking = world.state()["state"]["current"]["id"]
    fix = {"type": "edit_entry", "entry_id": speaking, "language": "ar", "attendance": "remote"}
    assert world.command("moderator", fix).status_code == 200
    world.command("moderator", {"type": "end_turn"})

    def recorded() -> list[tuple[str, str, str | None, str]]:
        path = f"/segments/{world.segment_id}/speeches"
        speeches = world.call("organiser", "GET", path).json()
        return [(s["name"], s["organisation"], s["language"], s["attendance"]) for s in speeches]

    assert recorded() == [("Amina Dialo", "MFA", "ar", "remote")]
    # the form saved again unchanged: nothing to correct
    assert _patch(world, participant_id, name="Amina Dialo").json()["segments_corrected"] == []
    # her name and organisation corrected: the turn's floor particulars stay the moderator's
    _patch(world, participant_id, name="Amina Diallo", organisation="Migrant Forum in Asia")
    assert recorded() == [("Amina Diallo", "Migrant Forum in Asia", "ar", "remote")]
    # the registry's own floor language corrected: that is the correction, everywhere
    _patch(world, participant_id, language="fr")
    assert recorded() == [("Amina Diallo", "Migrant Forum in Asia", "fr", "remote")]
