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


def _pledge(world: World, segment_id: str, author: str) -> Any:
    """The floor files a pledge made in ``segment_id`` on ``author``'s behalf."""
    body = {
        "command_id": uuid.uuid4().hex,
        "kind": "pledge",
        "text": "Ten reception centres",
        "language": "en",
        "segment_id": segment_id,
        "on_behalf_of": author,
    }
    return world.call("organiser", "POST", f"/events/{world.event['id']}/contributions", json=body)


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
    assert gone.json()["error"]["code"] == "segment_removed"
    message = gone.json()["error"]["message"]
    assert "'Night drafting session' was taken out of the programme" in message, message
    again = world.call("organiser", "DELETE", f"/segments/{extra}")
    assert again.status_code == 404
    body = {"command_id": uuid.uuid4().hex, "title": "Back"}
    assert world.call("organiser", "PATCH", f"/segments/{extra}", json=body).status_code == 404
    # another organiser's desk, still showing it, corrects it: told in words, by its title
    person = world.join("Yusuf Abdi").json()["participant"]["id"]
    assert world.call("organiser", "DELETE", f"/participants/{person}").status_code == 204
    late = world.call("organiser", "PATCH", f"/participants/{person}", json={"region": "East"})
    assert late.status_code == 404
    assert late.json()["error"]["code"] == "participant_removed"
    assert late.json()["error"]["message"].startswith("Yusuf Abdi was taken out of the registry")


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
    made = _pledge(world, pledged, ana)
    assert made.status_code == 201, made.text
    refused = world.call("organiser", "DELETE", f"/segments/{pledged}")
    assert refused.status_code == 409
    assert (
        "1 recommendation or pledge was made in segment 'Pledges'"
        in (refused.json()["error"]["message"])
    )


def test_the_room_s_screens_move_on_from_a_segment_taken_out(make_client: AppFactory) -> None:
    """Between segments (nothing live) a display follows the segment that ended, whose
    programme entry names what comes next (``next_id``); that one taken out, it names the one
    after it at once (the room had gone on showing the removed one's title)."""
    world = build_world(make_client())
    world.command("moderator", {"type": "end_segment"})
    ended = world.segment_id
    later = _segment(world, "Afternoon discussion")
    first = world.call(
        "organiser",
        "POST",
        f"/events/{world.event['id']}/segments",
        json={"title": "Mistake", "command_id": uuid.uuid4().hex, "position": 1},
    ).json()["id"]

    def next_after(programme: list[dict[str, Any]]) -> str:
        return str(next(entry["next_id"] for entry in programme if entry["id"] == ended))

    with world.client.websocket_connect(f"/ws/events/{world.event['id']}") as socket:
        socket.send_json({"type": "hello", "token": world.tokens["display"]})
        snapshot = socket.receive_json()
        assert (snapshot["type"], snapshot["segment_id"]) == ("snapshot", ended)
        assert next_after(snapshot["programme"]) == first
        assert world.call("organiser", "DELETE", f"/segments/{first}").status_code == 204
        while (frame := socket.receive_json())["type"] != "programme":
            pass
        assert next_after(frame["segments"]) == later


def test_someone_who_waited_in_a_segment_taken_out_can_still_be_corrected(
    make_client: AppFactory,
) -> None:
    """Taken out of its queue, then the segment removed (as the refusal says to do): a later
    correction of that person skips the removed segment (it answered 404 every time)."""
    world = build_world(make_client())
    extra = _segment(world, "Mistake")
    ana = world.join("Ana Ruiz").json()["participant"]["id"]

    def command(body: dict[str, Any]) -> Any:
        sent = {"command_id": uuid.uuid4().hex, "command": body}
        return world.call("moderator", "POST", f"/segments/{extra}/commands", json=sent)

    added = command({"type": "add_speaker", "participant_id": ana})
    assert added.status_code == 200, added.text
    entry = world.call("moderator", "GET", f"/segments/{extra}/state").json()
    assert (
        command({"type": "remove_entry", "entry_id": entry["state"]["queue"][0]["id"]}).status_code
        == 200
    )
    assert world.call("organiser", "DELETE", f"/segments/{extra}").status_code == 204
    corrected = world.call("organiser", "PATCH", f"/participants/{ana}", json={"name": "Ana Ruíz"})
    assert corrected.status_code == 200, corrected.text
    assert extra not in corrected.json()["segments_corrected"]
    # nor may a contribution be filed in it
    filed = _pledge(world, extra, ana)
    assert filed.status_code == 404, filed.text
