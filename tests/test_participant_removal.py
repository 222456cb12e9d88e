"""The secretariat takes a participant out of the registry (``DELETE /participants/{id}``): a
duplicate registration goes, their phone's token with it; someone the day holds (waiting, asking,
speaking, in the record or the outcome) stays, and the refusal says where and what to do."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _remove(world: World, participant_id: str, role: str = "organiser") -> httpx.Response:
    return world.call(role, "DELETE", f"/participants/{participant_id}")


def _registry(world: World) -> dict[str, str]:
    listed = world.call("organiser", "GET", f"/events/{world.event['id']}/participants").json()
    return {p["id"]: p["name"] for p in listed}


def _request(world: World, token: str) -> httpx.Response:
    body = {"command_id": uuid.uuid4().hex, "kind": "intervention"}
    return world.call(
        "delegate", "POST", f"/segments/{world.segment_id}/floor-requests", token=token, json=body
    )


def _pending(world: World) -> str:
    return str(world.state()["state"]["requests"][0]["id"])


def _refusal(answer: httpx.Response) -> str:
    assert answer.status_code == 409, answer.text
    error: dict[str, Any] = answer.json()["error"]
    assert error["code"] == "participant_in_use"
    return str(error["message"])


def test_a_duplicate_registration_goes_and_its_phone_is_signed_out(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    # joined again with her organisation spelt otherwise: not refused as the same person
    duplicate = world.join("Amina Diallo", organisation="I.T.U.C.").json()
    participant_id, token = duplicate["participant"]["id"], duplicate["token"]
    assert world.call("delegate", "GET", "/session", token=token).status_code == 200

    answer = _remove(world, participant_id)
    assert answer.status_code == 204, answer.text
    assert participant_id not in _registry(world)
    assert world.delegate["participant"]["id"] in _registry(world)  # the first one stays
    # the duplicate's phone is signed out: its token is refused everywhere
    assert world.call("delegate", "GET", "/session", token=token).status_code == 401
    assert _request(world, token).status_code == 401
    # the moderator cannot queue someone who is no longer registered
    queued = world.command("moderator", {"type": "add_speaker", "participant_id": participant_id})
    assert queued.status_code == 404, queued.text
    assert participant_id in queued.json()["error"]["message"]
    # a second DELETE says it is gone
    again = _remove(world, participant_id)
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "participant_removed"  # by name, with what to do
    assert "Amina Diallo was taken out of the registry" in again.json()["error"]["message"]


def test_someone_waiting_or_asking_stays_until_the_moderator_takes_them_out(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    joined = world.join("Bruno Silva").json()
    participant_id, token = joined["participant"]["id"], joined["token"]
    assert _request(world, token).status_code in (200, 201)
    asking = _refusal(_remove(world, participant_id))
    assert asking == (
        "Bruno Silva cannot be removed: asking for the floor in \u201cDiscussion I\u201d. On the "
        "moderator console, take them out of the queue or decline their request first, then "
        "remove them."
    )
    # the refusal touched nothing: their phone still works, and the request is there
    assert world.call("delegate", "GET", "/session", token=token).status_code == 200
    request_id = _pending(world)
    world.command("moderator", {"type": "approve_request", "request_id": request_id})
    waiting = _refusal(_remove(world, participant_id))
    assert "waiting in the queue of \u201cDiscussion I\u201d" in waiting
    (entry,) = world.state()["state"]["queue"]
    removed = world.command("moderator", {"type": "remove_entry", "entry_id": entry["id"]})
    assert removed.status_code == 200, removed.text
    assert _remove(world, participant_id).status_code == 204
    assert participant_id not in _registry(world)
    # the undo stack still holds the queue as it was, but gives no place back to someone no
    # longer registered: the undo is refused, naming them, and the queue stays empty
    undone = world.command("moderator", {"type": "undo"})
    assert undone.status_code == 409, undone.text
    assert undone.json()["error"]["code"] == "cannot_undo"
    assert undone.json()["error"]["message"] == (
        "cannot undo \u201cremoving Bruno Silva\u201d: Bruno Silva was removed from the registry "
        "since"
    )
    assert world.state()["state"]["queue"] == []


def test_whoever_spoke_or_contributed_stays_registered(make_client: AppFactory) -> None:
    world = build_world(make_client())
    joined = world.join("Chen Wei").json()
    participant_id, token = joined["participant"]["id"], joined["token"]
    _request(world, token)
    world.command("moderator", {"type": "approve_request", "request_id": _pending(world)})
    world.command("moderator", {"type": "call_next"})
    on_the_floor = _refusal(_remove(world, participant_id))
    assert "on the floor in \u201cDiscussion I\u201d" in on_the_floor
    assert f"correct them instead (PATCH /api/v1/participants/{participant_id})" in on_the_floor
    world.command("moderator", {"type": "end_turn"})
    body = {"command_id": uuid.uuid4().hex, "kind": "pledge", "text": "Ten", "language": "en"}
    submitted = world.call(
        "delegate", "POST", f"/events/{world.event['id']}/contributions", token=token, json=body
    )
    assert submitted.status_code == 201, submitted.text
    recorded = _refusal(_remove(world, participant_id))
    assert "in the record of \u201cDiscussion I\u201d (spoke once)" in recorded
    assert "the author of 1 contribution to the outcome" in recorded
    assert participant_id in _registry(world)


def test_only_the_organiser_removes_and_only_in_their_event(make_client: AppFactory) -> None:
    world = build_world(make_client())
    participant_id = world.join("Dara Okafor").json()["participant"]["id"]
    for role in ("moderator", "delegate", "display", "rapporteur", "booth"):
        assert _remove(world, participant_id, role).status_code == 403, role
    other = world.call("organiser", "POST", "/events", json={"title": "Side event"}).json()
    link = world.call(
        "organiser", "POST", f"/events/{other['id']}/access-links", json={"role": "organiser"}
    ).json()
    answer = world.call(
        "organiser", "DELETE", f"/participants/{participant_id}", token=link["token"]
    )
    assert answer.status_code == 403
    assert participant_id in _registry(world)
    unknown = _remove(world, "nobody")
    assert unknown.status_code == 404 and "nobody" in unknown.json()["error"]["message"]
