"""The event's hard stop, when interpretation ends and the room must close: set, changed and
cleared over REST in any form of an instant (a local time on the event's date), refused in words
when it is no instant, named when it disagrees with the event's date or programme, moved with
the programme, carried by an export and import, and read against the day's forecast (the
schedule over REST, the console's instruments, the booth's ``day_end``)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from app.store import Store, make_engine
from app.transfer import export_event, import_event
from tests.security.conftest import ORGANISER_KEY, AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name

ORGANISER = {"Authorization": f"Bearer {ORGANISER_KEY}"}
#: a day years ahead: nothing has begun, and no rehearsal's shift moves it
DAY = "2030-05-16"
#: 18:00 on DAY in New York (EDT, UTC-4), in epoch ms
SIX_PM = 1_905_199_200_000


def _event(world: World) -> dict[str, Any]:
    answer = world.call("organiser", "GET", f"/events/{world.event['id']}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _patch(world: World, **body: Any) -> Any:
    return world.call("organiser", "PATCH", f"/events/{world.event['id']}", json=body)


def _dated(world: World) -> None:
    """The world's event on DAY, its one segment from 10:00 to 17:00 (not begun)."""
    assert _patch(world, date=DAY).status_code == 200
    assert world.command("moderator", {"type": "end_segment"}).status_code == 200
    made = world.call(
        "organiser",
        "POST",
        f"/events/{world.event['id']}/segments",
        json={
            "title": "Thematic discussion",
            "command_id": uuid.uuid4().hex,
            "scheduled_start_at": "10:00",
            "scheduled_end_at": "17:00",
        },
    )
    assert made.status_code == 201, made.text
    world.segment_id = made.json()["id"]


def test_a_new_event_takes_its_hard_stop_as_a_local_time_on_its_date(
    make_client: AppFactory,
) -> None:
    client = make_client()
    body = {"title": "Hearing", "timezone": "America/New_York", "date": DAY}
    made = client.post("/api/v1/events", headers=ORGANISER, json={**body, "hard_stop_at": "18:00"})
    assert made.status_code == 201, made.text
    event = made.json()
    assert event["hard_stop_at"] == SIX_PM
    assert event["hard_stop_at_local"] == "2030-05-16T18:00:00-04:00"
    assert event["hard_stop_problem"] is None
    read = client.get(f"/api/v1/events/{event['id']}", headers=ORGANISER).json()
    assert (read["hard_stop_at"], read["hard_stop_at_local"]) == (
        SIX_PM,
        event["hard_stop_at_local"],
    )
    # without one: null, as before
    plain = client.post("/api/v1/events", headers=ORGANISER, json=body).json()
    assert (plain["hard_stop_at"], plain["hard_stop_at_local"]) == (None, None)


def test_a_retry_with_another_hard_stop_is_another_request(make_client: AppFactory) -> None:
    client = make_client()
    body = {
        "title": "Hearing",
        "date": DAY,
        "request_id": "req-hard-stop-1",
        "hard_stop_at": "18:00",
    }
    assert client.post("/api/v1/events", headers=ORGANISER, json=body).status_code == 201
    again = client.post("/api/v1/events", headers=ORGANISER, json=body)
    assert again.status_code == 201, again.text
    other = client.post("/api/v1/events", headers=ORGANISER, json={**body, "hard_stop_at": "18:30"})
    assert other.status_code == 409, other.text
    assert "hard_stop_at" in other.json()["error"]["message"]


def test_the_hard_stop_is_set_changed_and_cleared(make_client: AppFactory) -> None:
    world = build_world(make_client())
    _dated(world)
    for sent, local in [
        ("18:00", "2030-05-16T18:00:00-04:00"),  # on the event's date, in its zone
        (f"{DAY}T17:45", "2030-05-16T17:45:00-04:00"),
        ("2030-05-16T22:30:00Z", "2030-05-16T18:30:00-04:00"),
        (SIX_PM, "2030-05-16T18:00:00-04:00"),
    ]:
        answer = _patch(world, hard_stop_at=sent)
        assert answer.status_code == 200, answer.text
        assert answer.json()["hard_stop_at_local"] == local == _event(world)["hard_stop_at_local"]
    # left out, or another field changed: as it is
    assert _patch(world, title="Renamed").json()["hard_stop_at"] == SIX_PM
    # null: no hard stop any more
    cleared = _patch(world, hard_stop_at=None)
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["hard_stop_at"], _event(world)["hard_stop_at"]) == (None, None)


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("6pm", "body.hard_stop_at: not an instant: send epoch milliseconds"),
        ("18h00", "body.hard_stop_at: not an instant: send epoch milliseconds"),
        (True, "body.hard_stop_at: not an instant: send epoch milliseconds"),
        ("02:30", "body.hard_stop_at: 02:30 does not exist on 2030-03-10 in America/New_York"),
    ],
)
def test_a_hard_stop_that_is_no_instant_is_refused_naming_the_field_and_the_forms(
    make_client: AppFactory, sent: object, message: str
) -> None:
    world = build_world(make_client())
    _patch(world, date="2030-03-10", hard_stop_at="18:00")  # the night the clocks go forward
    refused = _patch(world, hard_stop_at=sent, title="Renamed")
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"].startswith(message)
    assert [item["loc"] for item in refused.json()["details"]] == [["body", "hard_stop_at"]]
    if sent != "02:30":
        assert "or a local time in the event's time zone" in error["message"]
    kept = _event(world)  # nothing written
    assert (kept["hard_stop_at_local"], kept["title"]) == ("2030-03-10T18:00:00-04:00", "Hearing")


def test_a_time_alone_for_an_event_with_no_date_says_to_send_the_date(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())  # no date
    refused = _patch(world, hard_stop_at="18:00")
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["message"] == (
        "body.hard_stop_at: a time of day alone is read on the event's date, and this event has "
        "none: send the date too (2026-12-04T10:00), or set the event's date"
    )
    # with the date in the same request, the time is read on it
    both = _patch(world, date=DAY, hard_stop_at="18:00")
    assert both.status_code == 200, both.text
    assert both.json()["hard_stop_at"] == SIX_PM


@pytest.mark.parametrize(
    ("sent", "code", "other", "message"),
    [
        (
            "2030-05-17T18:00",
            "not_on_event_day",
            f"{DAY}T00:00",
            "interpretation ends on 2030-05-17 at 18:00, not on the event's date (2030-05-16): "
            "type the time again (a time alone is read on the event's date)",
        ),
        (
            "09:00",
            "before_first_start",
            f"{DAY}T10:00",
            "interpretation ends at 09:00, before the programme starts (10:00): check the time "
            "(the end of interpretation, not its start)",
        ),
        (
            "16:30",
            "before_programme_end",
            f"{DAY}T17:00",
            "interpretation ends at 16:30, before the programme's planned end (17:00): shorten "
            "the programme or set the time interpretation really ends",
        ),
        ("17:00", None, None, None),
        ("18:00", None, None, None),
    ],
)
def test_a_hard_stop_off_the_day_or_before_the_programme_is_named_not_refused(
    make_client: AppFactory, sent: str, code: str | None, other: str | None, message: str | None
) -> None:
    world = build_world(make_client())
    _dated(world)
    answer = _patch(world, hard_stop_at=sent)
    assert answer.status_code == 200, answer.text
    problem = answer.json()["hard_stop_problem"]
    if code is None:
        assert problem is None
    else:
        assert (problem["code"], problem["message"]) == (code, message)
        assert problem["other_at_local"] == f"{other}:00-04:00"
        assert _event(world)["hard_stop_problem"] == problem


def test_the_hard_stop_moves_with_the_programme(make_client: AppFactory) -> None:
    world = build_world(make_client())
    _dated(world)
    _patch(world, hard_stop_at="18:00")
    moved = _patch(world, date="2030-05-17", timezone="Europe/Zurich", move_programme=True)
    assert moved.status_code == 200, moved.text
    assert moved.json()["hard_stop_at_local"] == "2030-05-17T18:00:00+02:00"
    assert moved.json()["hard_stop_problem"] is None
    # without the switch, the instant stays (and reads at another local time)
    stayed = _patch(world, timezone="America/New_York")
    assert stayed.json()["hard_stop_at_local"] == "2030-05-17T12:00:00-04:00"


def test_a_hard_stop_someone_else_changed_is_not_overwritten(make_client: AppFactory) -> None:
    world = build_world(make_client())
    _dated(world)
    _patch(world, hard_stop_at="18:00")
    _patch(world, hard_stop_at="18:30")  # another organiser, meanwhile
    refused = _patch(world, hard_stop_at="17:45", expected={"hard_stop_at": SIX_PM})
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["error"]["code"] == "changed_since"
    assert body["changed"] == {
        "hard_stop_at": SIX_PM + 30 * 60_000,
        "hard_stop_at_local": "2030-05-16T18:30:00-04:00",
    }
    # as last read (the value now): saved
    now = SIX_PM + 30 * 60_000
    saved = _patch(world, hard_stop_at="17:45", expected={"hard_stop_at": now})
    assert saved.status_code == 200, saved.text
    assert saved.json()["hard_stop_at_local"] == "2030-05-16T17:45:00-04:00"


@pytest.mark.parametrize(
    ("stop", "over_ms", "timing", "minutes"),
    [
        ("16:30", 30 * 60_000, "over", 30),
        ("17:05", -5 * 60_000, "near", 5),
        ("17:30", -30 * 60_000, "clear", 30),
    ],
)
def test_the_schedule_reads_the_day_against_the_hard_stop(
    make_client: AppFactory, stop: str, over_ms: int, timing: str, minutes: int
) -> None:
    world = build_world(make_client())
    _dated(world)
    before = world.call("moderator", "GET", f"/events/{world.event['id']}/schedule").json()
    assert before["hard_stop"] is None
    _patch(world, hard_stop_at=stop)
    answer = world.call("moderator", "GET", f"/events/{world.event['id']}/schedule")
    assert answer.status_code == 200, answer.text
    hard = answer.json()["hard_stop"]
    assert hard["scheduled_at_local"] == hard["stop_at_local"] == f"{DAY}T{stop}:00-04:00"
    assert hard["forecast_end_at_local"] == f"{DAY}T17:00:00-04:00"
    assert (hard["over_ms"], hard["timing"], hard["minutes"], hard["ended"]) == (
        over_ms,
        timing,
        minutes,
        False,
    )
    side = "past" if over_ms > 0 else "before"
    assert hard["words"] == (
        f"forecast to end at 17:00, {minutes} min {side} the end of interpretation ({stop})"
    )


def _frames_until(socket: Any, kind: str) -> dict[str, Any]:
    while (frame := socket.receive_json())["type"] != kind:
        pass
    return dict(frame)


def test_the_console_and_the_booth_are_told_the_day_against_its_hard_stop(
    make_client: AppFactory,
) -> None:
    """The console's instruments carry the schedule's ``hard_stop``; the booth gets its cut
    (``day_end``: no programme, no queue) in its snapshot and again when the stop changes; the
    room display gets neither."""
    world = build_world(make_client())
    _dated(world)
    _patch(world, hard_stop_at="16:30")
    booth = world.call(
        "organiser", "POST", f"/events/{world.event['id']}/access-links", json={"role": "booth"}
    ).json()
    path = f"/ws/events/{world.event['id']}"
    with (
        world.client.websocket_connect(path) as console,
        world.client.websocket_connect(path) as booth_socket,
        world.client.websocket_connect(path) as display,
    ):
        console.send_json({"type": "hello", "token": world.tokens["moderator"]})
        hard = console.receive_json()["instruments"]["schedule"]["hard_stop"]
        assert (hard["timing"], hard["over_ms"], hard["stop"]) == (
            "over",
            30 * 60_000,
            f"{DAY}T16:30:00-04:00",
        )
        booth_socket.send_json({"type": "hello", "token": booth["token"]})
        day_end = booth_socket.receive_json()["day_end"]
        assert day_end["type"] == "day_end"
        assert set(day_end["hard_stop"]) == {
            "stop_at",
            "forecast_end_at",
            "over_ms",
            "minutes",
            "timing",
            "ended",
            "days_after",
        }
        assert (day_end["hard_stop"]["stop_at"], day_end["hard_stop"]["timing"]) == (
            SIX_PM - 90 * 60_000,
            "over",
        )
        display.send_json({"type": "hello", "token": world.tokens["display"]})
        snapshot = display.receive_json()
        assert "day_end" not in snapshot and "instruments" not in snapshot
        assert "hard_stop_at" not in snapshot["event"]

        _patch(world, hard_stop_at="18:00")
        # a push of the earlier stop may still be on its way (0.2 s after the change it follows)
        told = _frames_until(booth_socket, "day_end")["hard_stop"]
        for _ in range(3):
            if told["stop_at"] == SIX_PM:
                break
            told = _frames_until(booth_socket, "day_end")["hard_stop"]
        assert (told["stop_at"], told["timing"], told["minutes"]) == (SIX_PM, "clear", 60)
        hard = _frames_until(console, "instruments")["schedule"]["hard_stop"]
        for _ in range(3):  # likewise
            if hard["stop_at"] == SIX_PM:
                break
            hard = _frames_until(console, "instruments")["schedule"]["hard_stop"]
        assert hard["timing"] == "clear"
        cleared = _patch(world, hard_stop_at=None)
        assert cleared.status_code == 200
        assert _frames_until(booth_socket, "day_end")["hard_stop"] is None
        # the display's next frames are the floor's, never the day's end: between two segments it
        # follows the one that ended, then the next once it is live
        world.command("moderator", {"type": "start_segment"})
        while (frame := display.receive_json())["type"] not in ("update", "snapshot"):
            assert frame["type"] != "day_end", frame
        world.command("moderator", {"type": "add_speaker", "name": "Mayor"})
        while (frame := display.receive_json())["type"] != "update":
            assert frame["type"] != "day_end", frame
        assert frame["segment_id"] == world.segment_id


def test_the_hard_stop_travels_with_an_export_and_import(
    make_client: AppFactory, tmp_path: Path
) -> None:
    world = build_world(make_client())
    _dated(world)
    _patch(world, hard_stop_at="18:00")
    source = f"sqlite:///{tmp_path / 'floor-0.db'}"
    file = tmp_path / "day.jsonl.gz"
    export_event(source, world.event["id"], file, out=None)
    target = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    import_event(target, file, out=None)
    row = Store(make_engine(target)).event(world.event["id"])
    assert row is not None and row.hard_stop_at == SIX_PM
