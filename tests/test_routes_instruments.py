"""The moderator's instruments over REST and the socket, and the booth's link and signals."""

from __future__ import annotations

from typing import Any

from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _turn(world: World, name: str, constituency: str) -> None:
    world.command("moderator", {"type": "add_speaker", "name": name, "constituency": constituency})
    world.command("moderator", {"type": "call_next"})
    world.command("moderator", {"type": "end_turn"})


def test_the_balance_counts_who_has_spoken(make_client: AppFactory) -> None:
    world = build_world(make_client())
    _turn(world, "Mayor", "local_and_regional_authorities")
    budget = {"type": "set_budget", "constituency": "civil_society", "budget_ms": 600_000}
    assert world.command("moderator", budget).status_code == 200
    answer = world.call("moderator", "GET", f"/segments/{world.segment_id}/balance")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["segment"]["all"]["turns"] == 1
    rows = {row["key"]: row["turns"] for row in body["segment"]["all"]["by_constituency"]}
    assert rows["local_and_regional_authorities"] == 1
    assert body["day"]["all"]["turns"] == 1
    (civil,) = body["budgets"]
    assert (civil["constituency"], civil["used_ms"], civil["state"]) == ("civil_society", 0, "ok")
    # the room's screens do not read it
    refused = world.call("display", "GET", f"/segments/{world.segment_id}/balance")
    assert refused.status_code == 403


def test_the_suggested_order_puts_the_least_heard_first_and_applies_in_one_step(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    _turn(world, "Union voice", "trade_union")  # trade unions have been heard today
    union = world.call("delegate", "POST", f"/segments/{world.segment_id}/floor-requests",
                       json={"command_id": "r1"}).json()  # fmt: skip
    joined = world.join("Chen Wei", constituency="academia").json()
    academia = world.call(
        "delegate",
        "POST",
        f"/segments/{world.segment_id}/floor-requests",
        token=joined["token"],
        json={"command_id": "r2"},
    ).json()
    order = world.call("moderator", "GET", f"/segments/{world.segment_id}/suggested-order").json()
    ids = [item["id"] for item in order["order"]]
    assert ids == [academia["request_id"], union["request_id"]]
    assert order["order"][0]["why"] == "least_heard"
    applied = world.command("moderator", {"type": "apply_order", "scope": "requests", "order": ids})
    assert applied.status_code == 200, applied.text
    state = world.state()["state"]
    assert [entry["name"] for entry in state["queue"]] == ["Chen Wei", "Amina Diallo"]
    assert state["undo"]["label"] == "approving 2 requests in order"


def test_the_schedule_tells_the_time_in_the_events_zone(make_client: AppFactory) -> None:
    world = build_world(make_client())
    start = 1_652_709_600_000  # 16 May 2022, 10:00 in New York
    world.call(
        "organiser",
        "PATCH",
        f"/segments/{world.segment_id}",
        json={
            "command_id": "when",
            "scheduled_start_at": start,
            "scheduled_end_at": start + 3_600_000,
        },
    )
    schedule = world.call("moderator", "GET", f"/events/{world.event['id']}/schedule").json()
    (segment,) = schedule["segments"]
    assert segment["scheduled_start_at_local"] == "2022-05-16T10:00:00-04:00"
    assert schedule["timezone"] == "America/New_York"
    assert schedule["live"]["segment_id"] == world.segment_id


def _frames_until(socket: Any, kind: str) -> dict[str, Any]:
    while (frame := socket.receive_json())["type"] != kind:
        pass
    return dict(frame)


def test_the_console_is_sent_its_instruments_and_the_room_is_not(make_client: AppFactory) -> None:
    world = build_world(make_client())
    path = f"/ws/segments/{world.segment_id}"
    with (
        world.client.websocket_connect(path) as console,
        world.client.websocket_connect(path) as display,
    ):
        console.send_json({"type": "hello", "token": world.tokens["moderator"]})
        snapshot = console.receive_json()
        assert world.segment_id in snapshot["instruments"]["segments"]
        display.send_json({"type": "hello", "token": world.tokens["display"]})
        assert "instruments" not in display.receive_json()
        _turn(world, "Mayor", "local_and_regional_authorities")
        # the first may have been computed 0.2 s after the turn's first command, before it ended
        # (a slow machine); the one after the last command counts the turn
        for _ in range(3):
            instruments = _frames_until(console, "instruments")
            balance = instruments["segments"][world.segment_id]["balance"]
            if balance["all"]["turns"] == 1:
                break
        assert balance["all"]["turns"] == 1
        # the display's next frames are updates, never instruments
        world.command("moderator", {"type": "set_message", "text": "Please conclude"})
        frame = _frames_until(display, "update")
        assert frame["type"] == "update"


def test_the_booth_signals_and_may_do_nothing_else(make_client: AppFactory) -> None:
    world = build_world(make_client())
    link = world.call(
        "organiser", "POST", f"/events/{world.event['id']}/access-links", json={"role": "booth"}
    ).json()
    assert link["url"].startswith(f"/booth/{world.event['id']}#key=")
    body = {"command_id": "s1", "command": {"type": "raise_signal", "kind": "slow_down"}}
    path = f"/segments/{world.segment_id}/commands"
    # nobody has the floor: a signal is for the speaker, so it is refused, and the booth is told
    refused = world.call("booth", "POST", path, token=link["token"], json=body)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_speaker"
    public = world.call("display", "GET", f"/segments/{world.segment_id}/state").json()
    assert public["state"]["can_signal"] == "no_speaker"
    world.command("moderator", {"type": "add_speaker", "name": "Rosa Martínez"})
    world.command("moderator", {"type": "call_next"})
    body["command_id"] = "s1b"
    raised = world.call("booth", "POST", path, token=link["token"], json=body)
    assert raised.status_code == 200, raised.text
    (signal,) = world.state()["state"]["signals"]
    assert signal["kind"] == "slow_down" and signal["expires_at"] - signal["raised_at"] == 60_000
    public = world.call("display", "GET", f"/segments/{world.segment_id}/state").json()
    assert public["state"]["signals"] == [signal] and public["state"]["can_signal"] is None
    body = {"command_id": "s2", "command": {"type": "call_next"}}
    assert world.call("booth", "POST", path, token=link["token"], json=body).status_code == 403
    cleared = world.command("moderator", {"type": "clear_signal", "signal_id": signal["id"]})
    assert cleared.status_code == 200 and world.state()["state"]["signals"] == []


def test_an_organiser_link_may_not_create_another_event(make_client: AppFactory) -> None:
    world = build_world(make_client())
    link = world.call(
        "organiser", "POST", f"/events/{world.event['id']}/access-links", json={"role": "organiser"}
    ).json()
    assert link["url"].startswith("/organiser#key=")
    made = world.call("organiser", "POST", "/events", token=link["token"], json={"title": "X"})
    assert made.status_code == 403, made.text
    assert "organiser key" in made.json()["error"]["message"]
    # its own event it may edit
    edited = world.call(
        "organiser",
        "PATCH",
        f"/events/{world.event['id']}",
        token=link["token"],
        json={"room": "Conference Room 2"},
    )
    assert edited.status_code == 200, edited.text
