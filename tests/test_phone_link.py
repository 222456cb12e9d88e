"""A registered participant's own phone link (``POST /participants/{id}/phone-link``) and the
join that would make them twice: the secretariat imported the panellists, a panellist opens the
room's join link and types her name; she is sent to the desk, which gives her the link that
signs her phone in as the registration whose place is in the queue."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.security.conftest import AppFactory, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _imported(world: Any, sheet: str) -> Any:
    """The secretariat's list sent as a CSV; its report."""
    answer = world.call(
        "organiser",
        "POST",
        f"/events/{world.event['id']}/participants/import",
        files={"file": ("list.csv", sheet.encode(), "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_name_on_the_secretariats_list_joining_by_phone_is_sent_to_the_desk(
    make_client: AppFactory,
) -> None:
    """Imported by the secretariat, never signed in on a phone: a join under that name and
    organisation (any case, any spaces) would be a second person."""
    world = build_world(make_client())
    sheet = "Name,Organisation,Constituency\nMaria Hernández,Red de Migrantes,Academia\n"
    _imported(world, sheet)
    again = world.join("  maria   HERNÁNDEZ ", organisation="red de migrantes")
    assert again.status_code == 409, again.text
    error = again.json()["error"]
    assert error["code"] == "already_registered"
    assert error["message"] == (
        "Maria Hernández (Red de Migrantes) is registered already: if that is you, ask the "
        "secretariat's desk for your own phone link or QR code; if it is someone else of that "
        "name, add what tells you apart (a title, a second name) to yours"
    )
    # typed without the accent, or in full-width letters, as some phones' keyboards do
    full_width = "".join(
        chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in "Maria Hernández"
    )
    for typed in ("Maria Hernandez", full_width):
        twin = world.join(typed, organisation="Red de Migrantes")
        assert twin.json()["error"]["code"] == "already_registered", typed
    # another organisation is another person; the floor's staff may register anyone
    assert world.join("Maria Hernández", organisation="UNHCR").status_code == 201
    body = {
        "name": "Maria Hernández",
        "organisation": "Red de Migrantes",
        "constituency": "academia",
    }
    path = f"/events/{world.event['id']}/participants"
    assert world.call("organiser", "POST", path, json=body).status_code == 201


def test_someone_the_staff_registered_through_the_api_is_held_by_the_rule_too(
    make_client: AppFactory,
) -> None:
    """A script of the secretariat registers a panellist (``POST .../participants`` with the
    organiser's key, which answers a key for them): that key is the staff's, not a phone of
    hers, so someone typing her name on a phone is sent to the desk as for the imported list."""
    world = build_world(make_client())
    body = {"name": "Kofi Mensah", "organisation": "IOM", "constituency": "un_system"}
    path = f"/events/{world.event['id']}/participants"
    made = world.call("organiser", "POST", path, json=body)
    assert made.status_code == 201 and made.json()["token"], made.text
    again = world.join("Kofi Mensah", organisation="IOM")
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "already_registered"


def test_someone_who_joined_by_phone_may_join_again(make_client: AppFactory) -> None:
    """A retry whose answer was lost, or a return after leaving: the phone's own join is never
    held up by the registration it made before."""
    world = build_world(make_client())  # Amina Diallo (ITUC) joined from her phone
    assert world.join("Amina Diallo").status_code == 201


def test_the_desk_gives_an_imported_panellist_her_phone(make_client: AppFactory) -> None:
    world = build_world(make_client())
    sheet = (
        "Name,Organisation,Constituency,Panel\n"
        "Maria Hernández,Red de Migrantes,Civil society,Discussion I\n"
    )
    (row,) = _imported(world, sheet)["rows"]
    participant_id = row["participant_id"]
    refused = world.join("Maria Hernández", organisation="Red de Migrantes")
    assert refused.json()["error"]["code"] == "already_registered"

    link = world.call("organiser", "POST", f"/participants/{participant_id}/phone-link")
    assert link.status_code == 201, link.text
    minted: dict[str, Any] = link.json()
    assert minted["participant_id"] == participant_id
    assert minted["url"] == f"/join/{world.event['join_code']}#key={minted['token']}"
    assert minted["qr_svg"].startswith("<svg") and "QR code of the link" in minted["qr_svg"]
    # the key signs her phone in as herself: her queued panellist turn is hers
    session = world.call("delegate", "GET", "/session", token=minted["token"])
    assert session.status_code == 200, session.text
    assert session.json()["participant_id"] == participant_id
    (entry,) = world.state()["state"]["queue"]
    assert entry["participant_id"] == participant_id
    body = {"command_id": uuid.uuid4().hex, "kind": "intervention"}
    path = f"/segments/{world.segment_id}/floor-requests"
    twice = world.call("delegate", "POST", path, json=body, token=minted["token"])
    assert twice.json()["error"]["code"] == "already_queued"


def test_a_phone_link_is_for_someone_registered(make_client: AppFactory) -> None:
    world = build_world(make_client())
    missing = world.call("organiser", "POST", "/participants/nobody/phone-link")
    assert missing.status_code == 404
    assert "no participant 'nobody' is registered" in missing.json()["error"]["message"]
    delegate = world.delegate["participant"]["id"]
    for role in ("delegate", "moderator"):  # a key for someone else: the secretariat's alone
        path = f"/participants/{delegate}/phone-link"
        assert world.call(role, "POST", path).status_code == 403
    # a new link signs out every phone signed in as them before (a lost phone stops at once)
    first = world.call("organiser", "POST", f"/participants/{delegate}/phone-link").json()
    assert world.call("delegate", "GET", "/session").status_code == 401  # the joining phone
    second = world.call("organiser", "POST", f"/participants/{delegate}/phone-link").json()
    assert world.call("delegate", "GET", "/session", token=first["token"]).status_code == 401
    assert world.call("delegate", "GET", "/session", token=second["token"]).status_code == 200
    # removed: the link given last is refused with the rest of their keys
    assert world.call("organiser", "DELETE", f"/participants/{delegate}").status_code == 204
    assert world.call("delegate", "GET", "/session", token=second["token"]).status_code == 401


def test_a_phone_link_made_while_the_participant_is_removed_elsewhere_does_not_survive(
    make_client: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desk makes a phone link on one process while the participant's removal commits on
    another, between the link's check and its key: the removal revoked the keys it found, not
    this one, so the link checks again once written: refused, and its key refused too."""
    world = build_world(make_client())
    sheet = "Name,Organisation,Constituency\nMaria Hernández,Red de Migrantes,Academia\n"
    (row,) = _imported(world, sheet)["rows"]
    participant_id = row["participant_id"]
    services = world.client.app.state.services  # type: ignore[attr-defined]
    store, mint = services.engine.store, services.auth.mint
    minted: list[str] = []

    def removed_meanwhile(*args: Any, **kwargs: Any) -> Any:
        with store.engine.begin() as connection:  # another process's removal, committed
            connection.execute(store.delete_participant(participant_id))
            connection.execute(store.revoke_participant_credentials(participant_id, 1))
        token, credential = mint(*args, **kwargs)
        minted.append(token)
        return token, credential

    monkeypatch.setattr(services.auth, "mint", removed_meanwhile)
    answer = world.call("organiser", "POST", f"/participants/{participant_id}/phone-link")
    assert answer.status_code == 404, answer.text
    assert "removed from the registry meanwhile" in answer.json()["error"]["message"]
    (token,) = minted
    assert world.call("delegate", "GET", "/session", token=token).status_code == 401


def test_someone_on_the_list_is_not_registered_again_from_another_phone(
    make_client: AppFactory,
) -> None:
    """Amina is queued from her phone: a second phone (or someone typing her name) joining as
    her would put her on the room's list twice. Refused, sending them to her phone or the desk;
    once her place is taken back, a join under her name works again (a return after leaving)."""
    world = build_world(make_client())  # Amina Diallo (ITUC) joined from her phone
    body = {"command_id": uuid.uuid4().hex, "kind": "intervention"}
    path = f"/segments/{world.segment_id}/floor-requests"
    asked = world.call("delegate", "POST", path, json=body)
    assert asked.status_code == 201, asked.text
    again = world.join("Amina Diallo")
    assert again.status_code == 409, again.text
    error = again.json()["error"]
    assert error["code"] == "already_registered"
    assert error["message"].startswith(
        "Amina Diallo (ITUC) is on the list of speakers from another phone ("
    )
    assert "ask the secretariat's desk for a phone link" in error["message"]
    request_id = asked.json()["request_id"]
    withdrawn = world.call("delegate", "DELETE", f"{path}/{request_id}")
    assert withdrawn.status_code in (200, 204), withdrawn.text
    assert world.join("Amina Diallo").status_code == 201


# --- a registration sent again: its answer was lost ----------------------------------------------


def test_a_join_sent_again_after_its_answer_was_lost_is_the_same_person(
    make_client: AppFactory,
) -> None:
    """The phone's join reached the server, the answer never reached the phone (the room's Wi-Fi
    dropped), and the delegate tapped Join again: the same registration id answers the first
    registration with a new key, and the list holds them once."""
    world = build_world(make_client())
    registration = {"registration_id": uuid.uuid4().hex, "organisation": "Red de Migrantes"}
    first = world.join("Maria Hernández", **registration)
    assert first.status_code == 201, first.text
    again = world.join("Maria Hernández", **registration)
    assert again.status_code == 201, again.text
    assert again.json()["participant"] == first.json()["participant"]
    assert again.json()["token"] != first.json()["token"]
    session = world.call("delegate", "GET", "/session", token=again.json()["token"])
    assert session.json()["participant_id"] == first.json()["participant"]["id"]
    listed = world.call("organiser", "GET", f"/events/{world.event['id']}/participants")
    assert [p["name"] for p in listed.json()].count("Maria Hernández") == 1
    # without the id (a script that does not send one), the same particulars are a second person
    assert world.join("Maria Hernández", organisation="Red de Migrantes").status_code == 201


def test_a_registration_written_by_another_process_in_the_same_instant_is_answered(
    make_client: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies of one join (the same registration id) reach two processes in the same
    instant: both find no row, both write it. The second no longer fails its batch (503): it
    finds the first's row and answers it, the same person, listed once."""
    client = make_client()
    world = build_world(client)
    registration = {"registration_id": uuid.uuid4().hex, "organisation": "Red de Migrantes"}
    first = world.join("Maria Hernández", **registration)  # as if by the other process
    assert first.status_code == 201, first.text
    store = client.app.state.services.engine.store  # type: ignore[attr-defined]
    looked = store.participant
    misses = ["once"]  # this process looked before the other's row was committed

    def participant(participant_id: str) -> Any:
        if misses:
            misses.pop()
            return None
        return looked(participant_id)

    monkeypatch.setattr(store, "participant", participant)
    again = world.join("Maria Hernández", **registration)
    assert again.status_code == 201, again.text
    assert again.json()["participant"] == first.json()["participant"]
    listed = world.call("organiser", "GET", f"/events/{world.event['id']}/participants")
    assert [p["name"] for p in listed.json()].count("Maria Hernández") == 1


def test_a_registration_id_sent_with_other_particulars_is_refused(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    registration_id = uuid.uuid4().hex
    assert world.join("Kofi Mensah", registration_id=registration_id).status_code == 201
    reused = world.join("Amina Diallo", registration_id=registration_id)
    assert reused.status_code == 409, reused.text
    error = reused.json()["error"]
    assert error["code"] == "registration_id_reused"
    assert "make a new registration_id for each person" in error["message"]
    short = world.join("Kofi Mensah", registration_id="abc")
    assert short.status_code == 422
    assert "registration_id" in short.text


def test_two_copies_of_one_join_at_once_make_one_registration(make_client: AppFactory) -> None:
    """The phone sent the join again while the first was still being written (a proxy timed
    out): both wait for one registration and answer it."""
    world = build_world(make_client())
    registration_id = uuid.uuid4().hex
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(lambda _: world.join("Leila Haddad", registration_id=registration_id), [1, 2])
        )
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    assert answers[0].json()["participant"] == answers[1].json()["participant"]
    listed = world.call("organiser", "GET", f"/events/{world.event['id']}/participants")
    assert [p["name"] for p in listed.json()].count("Leila Haddad") == 1


def test_a_registration_the_desk_removed_is_not_answered_again(make_client: AppFactory) -> None:
    world = build_world(make_client())
    registration_id = uuid.uuid4().hex
    joined = world.join("Kofi Mensah", registration_id=registration_id).json()
    gone = world.call("organiser", "DELETE", f"/participants/{joined['participant']['id']}")
    assert gone.status_code in (200, 204), gone.text
    again = world.join("Kofi Mensah", registration_id=registration_id)
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "registration_id_reused"
    assert "removed by the secretariat" in again.json()["error"]["message"]
    assert world.join("Kofi Mensah", registration_id=uuid.uuid4().hex).status_code == 201


def test_the_desk_is_told_who_has_a_phone(make_client: AppFactory) -> None:
    """Outside probe R: Phone link signs out the phone someone already has; the desk asks first
    only when there is one (``has_phone`` in the list: a phone link made or a join from a phone,
    not the staff's own registration key)."""
    world = build_world(make_client())  # Amina Diallo joined from her phone
    sheet = "Name,Organisation,Constituency\nMaria Hernández,Red de Migrantes,Academia\n"
    (row,) = _imported(world, sheet)["rows"]
    path = f"/events/{world.event['id']}/participants"
    body = {"name": "Kofi Mensah", "organisation": "IOM", "constituency": "un_system"}
    assert world.call("organiser", "POST", path, json=body).status_code == 201

    def phones() -> dict[str, bool]:
        listed = world.call("organiser", "GET", path).json()
        return {person["name"]: person["has_phone"] for person in listed}

    assert phones() == {"Amina Diallo": True, "Maria Hernández": False, "Kofi Mensah": False}
    link = world.call("organiser", "POST", f"/participants/{row['participant_id']}/phone-link")
    assert link.status_code == 201
    assert phones()["Maria Hernández"] is True
    # a single participant's answer does not say (null): only the list is worked out
    made = world.call("organiser", "POST", path, json={**body, "name": "Ana Lima"})
    assert made.json()["participant"]["has_phone"] is None


def test_a_phone_link_only_if_no_phone_signs_no_phone_out(make_client: AppFactory) -> None:
    """The desk's list said Amina had no phone; another organiser gave her one since: the desk's
    ``if_no_phone`` link is refused and her phone stays signed in, until the desk asks first."""
    world = build_world(make_client())
    sheet = "Name,Organisation,Constituency\nMaria Hernández,Red de Migrantes,Academia\n"
    (row,) = _imported(world, sheet)["rows"]
    path = f"/participants/{row['participant_id']}/phone-link"
    first = world.call("organiser", "POST", path, json={"if_no_phone": True})
    assert first.status_code == 201, first.text  # she had none
    again = world.call("organiser", "POST", path, json={"if_no_phone": True})
    assert again.status_code == 409 and again.json()["error"]["code"] == "has_phone"
    assert "Maria Hernández already has a phone signed in" in again.json()["error"]["message"]
    token = first.json()["token"]
    assert world.call("delegate", "GET", "/session", token=token).status_code == 200
    replaced = world.call("organiser", "POST", path, json={})
    assert replaced.status_code == 201
    assert world.call("delegate", "GET", "/session", token=token).status_code == 401
    odd = world.call("organiser", "POST", path, json={"if_no_phone": True, "x": 1})
    assert odd.status_code == 422


def test_two_phones_joined_as_one_person_are_not_queued_twice(make_client: AppFactory) -> None:
    """Outside probe G: two phones joined as "Dup Person" of "Same Org" before either asked,
    then both asked: the room's list named them twice and the balance counted them twice. The
    second phone's request is refused, saying to use the first (any route, any transport: the
    rule is the core's, fed the registry's way of comparing people)."""
    world = build_world(make_client())
    phones = []
    for typed in ("Dup Person", "dup  PERSON"):
        joined = world.join(typed, organisation="Same Org")
        assert joined.status_code == 201, joined.text
        phones.append(joined.json()["token"])
    path = f"/segments/{world.segment_id}/floor-requests"
    first = world.call("delegate", "POST", path, token=phones[0], json={"command_id": "d-1"})
    assert first.status_code == 201, first.text
    second = world.call("delegate", "POST", path, token=phones[1], json={"command_id": "d-2"})
    assert second.status_code == 409, second.text
    error = second.json()["error"]
    assert error["code"] == "queued_from_another_phone"
    assert error["message"].startswith("dup PERSON (Same Org) is on the list of speakers from")
    # withdrawn on the first phone, the second may ask
    request_id = first.json()["request_id"]
    gone = world.call("delegate", "DELETE", f"{path}/{request_id}", token=phones[0])
    assert gone.status_code == 200, gone.text
    again = world.call("delegate", "POST", path, token=phones[1], json={"command_id": "d-3"})
    assert again.status_code == 201, again.text
