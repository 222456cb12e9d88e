"""A segment added by mistake, taken out of the programme on the desk (``DELETE
/segments/{id}``): gone from every list at once and after a restart; refused, saying why, once it
has run or while someone waits in it or contributed in it."""

from __future__ import annotations

import uuid
from typing import Any

from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _segment(world: World, title: str) -> str:
    body = {"title": title, "command_id": uuid.uuid4().hex}
    made = world.call("organiser", "POST", f"/events/{world.event['id']}/segments", json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _programme(world: World) -> dict[str, Any]:
    event = world.call("organiser", "GET", f"/events/{world.event['id']}").json()
    return {s["title"]: s["removal_refused"] for s in event["segments"]}


def test_a_segment_added_by_mistake_is_removed_from_every_list(make_client: AppFactory) -> None:
    world = build_world(make_client())
    extra = _segment(world, "Night drafting session")
    programme = _programme(world)
    assert programme["Night drafting session"] is None  # the desk offers Remove
    live = next(v for k, v in programme.items() if k != "Night drafting session")
    assert live["code"] == "segment_not_removable" and "has run" in live["message"]
    assert world.call("moderator", "DELETE", f"/segments/{extra}").status_code == 403
    removed = world.call("organiser", "DELETE", f"/segments/{extra}")
    assert removed.status_code == 204, removed.text
    assert "Night drafting session" not in _programme(world)
    segments = world.call("organiser", "GET", f"/events/{world.event['id']}/segments").json()
    assert extra not in [s["id"] for s in segments]
    gone = world.call("organiser", "GET", f"/segments/{extra}")
    assert gone.status_code == 404
    assert "was removed from the programme" in gone.json()["error"]["message"]
    again = world.call("organiser", "DELETE", f"/segments/{extra}")
    assert again.status_code == 404
    body = {"command_id": uuid.uuid4().hex, "title": "Back"}
    assert world.call("organiser", "PATCH", f"/segments/{extra}", json=body).status_code == 404


def test_a_segment_someone_waits_in_or_contributed_in_stays(make_client: AppFactory) -> None:
    world = build_world(make_client())
    queued = _segment(world, "Panel")
    ana = world.join("Ana Ruiz").json()["participant"]["id"]
    add = {"type": "add_speaker", "participant_id": ana}
    sent = world.call(
        "moderator",
        "POST",
        f"/segments/{queued}/commands",
        json={"command_id": uuid.uuid4().hex, "command": add},
    )
    assert sent.status_code == 200, sent.text
    refused = world.call("organiser", "DELETE", f"/segments/{queued}")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "segment_not_removable"
    assert "1 speaker is queued in segment 'Panel'" in refused.json()["error"]["message"]
    assert _programme(world)["Panel"]["message"] == refused.json()["error"]["message"]

    pledged = _segment(world, "Pledges")
    body = {
        "command_id": uuid.uuid4().hex,
        "kind": "pledge",
        "text": "Ten reception centres",
        "language": "en",
        "segment_id": pledged,
        "on_behalf_of": ana,
    }
    made = world.call("organiser", "POST", f"/events/{world.event['id']}/contributions", json=body)
    assert made.status_code == 201, made.text
    refused = world.call("organiser", "DELETE", f"/segments/{pledged}")
    assert refused.status_code == 409
    assert (
        "1 recommendation or pledge was made in segment 'Pledges'"
        in (refused.json()["error"]["message"])
    )
