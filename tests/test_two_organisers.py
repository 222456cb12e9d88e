"""Two organisers on the desk at once (outside probe L): a save from a form opened before the
other's change is refused ``changed_since`` instead of silently putting the old values back
(``expected``), two imports of the same file at once register each person once, and a poll of
``/revisions`` tells a desk what the other changed."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _ok(response: httpx.Response) -> Any:
    assert response.is_success, response.text
    return response.json() if response.content else None


def _refused_changed_since(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"]["code"] == "changed_since"
    assert "read it again" in body["error"]["message"]
    changed: dict[str, Any] = body["changed"]
    return changed


def test_an_event_saved_from_an_old_form_does_not_put_the_old_title_back(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    path = f"/events/{world.event['id']}"
    opened = _ok(world.call("organiser", "GET", path))  # both desks open the event
    # A fixes the title; B, from the form it opened before, changes the room only
    fix = {"title": "Hearing (fixed)", "expected": {"title": opened["title"]}}
    _ok(world.call("organiser", "PATCH", path, json=fix))
    room = {"room": "Conference Room 1", "expected": {"room": opened["room"]}}
    _ok(world.call("organiser", "PATCH", path, json=room))
    now = _ok(world.call("organiser", "GET", path))
    assert (now["title"], now["room"]) == ("Hearing (fixed)", "Conference Room 1")
    # B then changes the title it saw before A's fix: refused, A's title stays
    stale = {"title": "Hearing", "expected": {"title": opened["title"]}}
    changed = _refused_changed_since(world.call("organiser", "PATCH", path, json=stale))
    assert changed == {"title": "Hearing (fixed)"}
    assert _ok(world.call("organiser", "GET", path))["title"] == "Hearing (fixed)"
    # read again, and saved deliberately over it
    again = {"title": "Hearing", "expected": {"title": "Hearing (fixed)"}}
    assert _ok(world.call("organiser", "PATCH", path, json=again))["title"] == "Hearing"


def test_a_participant_corrected_by_two_organisers_is_not_overwritten_unseen(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    path = f"/participants/{world.delegate['participant']['id']}"
    first = {"region": "North Africa", "expected": {"region": None}}
    _ok(world.call("organiser", "PATCH", path, json=first))
    second = {"region": "Arab States", "expected": {"region": ""}}  # "" as null: had none
    changed = _refused_changed_since(world.call("moderator", "PATCH", path, json=second))
    assert changed == {"region": "North Africa"}
    people = _ok(world.call("organiser", "GET", f"/events/{world.event['id']}/participants"))
    assert [p["region"] for p in people] == ["North Africa"]


def test_a_segment_s_stale_save_names_the_field_and_its_local_time(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    event = world.event["id"]
    _ok(world.call("organiser", "PATCH", f"/events/{event}", json={"date": "2022-05-16"}))
    path = f"/segments/{world.segment_id}"
    _ok(
        world.call(
            "organiser", "PATCH", path, json={"command_id": "a", "scheduled_end_at": "12:30"}
        )
    )
    # the floor moves on meanwhile (a version the desk's form never saw): not a conflict
    _ok(world.command("moderator", {"type": "set_queue_cap", "cap": 40}))
    mine = {
        "command_id": "b",
        "moderator": "Ms. A",
        "expected": {"moderator": "", "scheduled_end_at": "12:30"},
    }
    assert _ok(world.call("organiser", "PATCH", path, json=mine))["moderator"] == "Ms. A"
    overrun = {
        "command_id": "c",
        "scheduled_end_at": "13:15",
        "expected": {"scheduled_end_at": "12:30"},
    }
    _ok(world.call("moderator", "PATCH", path, json=overrun))
    stale = {
        "command_id": "d",
        "scheduled_end_at": "13:00",
        "expected": {"scheduled_end_at": "12:30"},
    }
    changed = _refused_changed_since(world.call("organiser", "PATCH", path, json=stale))
    assert changed["scheduled_end_at_local"].startswith("2022-05-16T13:15")
    assert _ok(world.call("organiser", "GET", path))["scheduled_end_at_local"].startswith(
        "2022-05-16T13:15"
    )


def test_two_imports_of_the_same_file_at_once_register_each_person_once(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    rows = ["Name,Organisation,Constituency"] + [
        f"Walk-in {n},Org {n},Civil society" for n in range(40)
    ]
    data = "\n".join(rows).encode()
    path = f"/events/{world.event['id']}/participants/import"
    start = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def organiser() -> None:
        start.wait()
        files = {"file": ("walk-ins.csv", data, "text/csv")}
        answers.append(world.call("organiser", "POST", path, files=files))

    desks = [threading.Thread(target=organiser) for _ in range(2)]
    for desk in desks:
        desk.start()
    for desk in desks:
        desk.join()
    assert all(answer.is_success for answer in answers), [a.text for a in answers]
    assert sorted(answer.json()["imported"] for answer in answers) == [0, 40]
    people = _ok(world.call("organiser", "GET", f"/events/{world.event['id']}/participants"))
    names = [person["name"] for person in people]
    assert len(names) == len(set(names)) == 41  # Amina Diallo, who joined, and the 40


def _revisions(world: World) -> dict[str, str]:
    tokens: dict[str, str] = _ok(
        world.call("organiser", "GET", f"/events/{world.event['id']}/revisions")
    )
    return tokens


def test_the_desk_s_poll_tells_what_another_organiser_changed(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event = world.event["id"]
    before = _revisions(world)
    assert set(before) == {"event", "programme", "participants", "access_links"}
    assert _revisions(world) == before  # nothing changed, nothing to read again

    # the floor's commands are not the programme's changes
    _ok(world.command("moderator", {"type": "set_queue_cap", "cap": 40}))
    assert _revisions(world) == before

    _ok(world.call("organiser", "POST", f"/events/{event}/join-code"))
    after = _revisions(world)
    assert [part for part in before if before[part] != after[part]] == ["event"]

    links = _ok(world.call("organiser", "GET", f"/events/{event}/access-links"))
    _ok(world.call("organiser", "DELETE", f"/events/{event}/access-links/{links[0]['id']}"))
    revoked = _revisions(world)
    assert [part for part in after if after[part] != revoked[part]] == ["access_links"]

    person = {"name": "Grace Mensah", "organisation": "PICUM", "constituency": "civil_society"}
    _ok(world.call("organiser", "POST", f"/events/{event}/participants", json=person))
    joined = _revisions(world)
    assert [part for part in revoked if revoked[part] != joined[part]] == ["participants"]

    rename = {"command_id": "r", "title": "Discussion I: pathways"}
    _ok(world.call("organiser", "PATCH", f"/segments/{world.segment_id}", json=rename))
    renamed = _revisions(world)
    assert [part for part in joined if joined[part] != renamed[part]] == ["programme"]

    refused = world.call("display", "GET", f"/events/{event}/revisions")
    assert refused.status_code == 403


def test_two_corrections_of_one_participant_at_once_are_both_kept(
    make_client: AppFactory,
) -> None:
    """The review: two organisers correcting one participant at the same instant, one the name
    and one the region, each read the row before the other's write and wrote it back whole:
    one correction was lost (12 times in 20), both answered 200."""
    world = build_world(make_client())
    path = f"/participants/{world.delegate['participant']['id']}"
    for round_ in range(8):
        start = threading.Barrier(2)
        answers: list[httpx.Response] = []
        name, region = f"Amina Diallo ({round_})", f"Region {round_}"

        def correct(
            body: dict[str, Any], start: threading.Barrier, answers: list[httpx.Response]
        ) -> None:
            start.wait()
            answers.append(world.call("organiser", "PATCH", path, json=body))

        desks = [
            threading.Thread(target=correct, args=({"name": name}, start, answers)),
            threading.Thread(target=correct, args=({"region": region}, start, answers)),
        ]
        for desk in desks:
            desk.start()
        for desk in desks:
            desk.join()
        assert all(answer.status_code == 200 for answer in answers), [a.text for a in answers]
        people = _ok(world.call("organiser", "GET", f"/events/{world.event['id']}/participants"))
        assert [(p["name"], p["region"]) for p in people] == [(name, region)], round_
