"""An event moved to another date or time zone with ``move_programme``: the segments still to
come keep their local times; without it their instants stay (and read at other local times)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _event(
    world: World, date: str, timezone: str, *times: tuple[str, str]
) -> tuple[str, list[str]]:
    event = world.call(
        "organiser", "POST", "/events", json={"title": "Day", "date": date, "timezone": timezone}
    ).json()
    ids = []
    for n, (start, end) in enumerate(times):
        body = {
            "title": f"Segment {n}",
            "command_id": uuid.uuid4().hex,
            "scheduled_start_at": start,
            "scheduled_end_at": end,
        }
        made = world.call("organiser", "POST", f"/events/{event['id']}/segments", json=body)
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    return event["id"], ids


def _local(world: World, event_id: str) -> list[tuple[Any, Any]]:
    segments = world.call("organiser", "GET", f"/events/{event_id}/segments").json()
    return [(s["scheduled_start_at_local"], s["scheduled_end_at_local"]) for s in segments]


def _patch(world: World, event_id: str, **body: Any) -> Any:
    return world.call("organiser", "PATCH", f"/events/{event_id}", json=body)


def test_a_new_date_moves_the_programme_to_the_same_local_times(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id, _ = _event(
        world, "2026-12-04", "Europe/Zurich", ("10:00", "11:00"), ("14:00", "15:30")
    )
    answer = _patch(world, event_id, date="2026-12-07", move_programme=True)
    assert answer.status_code == 200, answer.text
    assert answer.json()["date"] == "2026-12-07"
    assert _local(world, event_id) == [
        ("2026-12-07T10:00:00+01:00", "2026-12-07T11:00:00+01:00"),
        ("2026-12-07T14:00:00+01:00", "2026-12-07T15:30:00+01:00"),
    ]


def test_a_new_zone_keeps_the_local_times_across_a_change_of_offset(
    make_client: AppFactory,
) -> None:
    """Geneva in winter to New York, and a date across New York's change to summer time."""
    world = build_world(make_client())
    event_id, _ = _event(world, "2026-03-06", "Europe/Zurich", ("09:30", "10:00"))
    moved = _patch(
        world, event_id, date="2026-03-09", timezone="America/New_York", move_programme=True
    )
    assert moved.status_code == 200, moved.text
    assert _local(world, event_id) == [("2026-03-09T09:30:00-04:00", "2026-03-09T10:00:00-04:00")]


def test_without_the_switch_the_instants_stay_as_they_were(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id, _ = _event(world, "2026-12-04", "Europe/Zurich", ("10:00", "11:00"))
    assert _patch(world, event_id, timezone="America/New_York").status_code == 200
    assert _local(world, event_id) == [("2026-12-04T04:00:00-05:00", "2026-12-04T05:00:00-05:00")]


def test_a_segment_that_has_begun_stays_where_it_happened(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id, (first, _) = _event(
        world, "2026-12-04", "Europe/Zurich", ("10:00", "11:00"), ("11:00", "12:00")
    )
    body = {"command_id": "go", "command": {"type": "start_segment"}}
    assert (
        world.call("organiser", "POST", f"/segments/{first}/commands", json=body).status_code == 200
    )
    assert _patch(world, event_id, date="2026-12-05", move_programme=True).status_code == 200
    assert _local(world, event_id) == [
        ("2026-12-04T10:00:00+01:00", "2026-12-04T11:00:00+01:00"),
        ("2026-12-05T11:00:00+01:00", "2026-12-05T12:00:00+01:00"),
    ]


def test_a_local_time_the_clocks_skip_refuses_the_whole_edit(make_client: AppFactory) -> None:
    """02:30 exists on 12 March 2022 in New York, not on the 13th (the clocks go forward)."""
    world = build_world(make_client())
    event_id, _ = _event(
        world, "2022-03-12", "America/New_York", ("01:00", "01:30"), ("02:30", "03:30")
    )
    before = _local(world, event_id)
    refused = _patch(world, event_id, date="2022-03-13", move_programme=True)
    assert refused.status_code == 422
    message = refused.json()["error"]["message"]
    assert "Segment 1" in message and "02:30 does not exist on 2022-03-13" in message
    # nothing moved, nothing written: the date is as it was
    assert _local(world, event_id) == before
    event = world.call("organiser", "GET", f"/events/{event_id}").json()
    assert event["date"] == "2022-03-12"


def test_the_switch_is_a_json_boolean(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id, _ = _event(world, "2026-12-04", "Europe/Zurich", ("10:00", "11:00"))
    refused = _patch(world, event_id, date="2026-12-05", move_programme="yes")
    assert refused.status_code == 422
    assert "move_programme" in refused.text


def test_a_segment_moved_above_an_earlier_one_is_flagged_until_retimed(
    make_client: AppFactory,
) -> None:
    """The closing moved above the afternoon's discussion keeps its 17:00: the programme lists
    a 15:00 segment after it, which the event's segments say (with the event's local times),
    until a new time or a move puts them back in agreement."""
    world = build_world(make_client())
    event_id, (morning, afternoon, closing) = _event(
        world,
        "2026-12-04",
        "Europe/Zurich",
        ("10:00", "12:00"),
        ("15:00", "16:30"),
        ("17:00", "17:30"),
    )

    def problems() -> dict[str, Any]:
        segments = world.call("organiser", "GET", f"/events/{event_id}").json()["segments"]
        return {s["id"]: s["timing_problem"] for s in segments if s["timing_problem"]}

    assert problems() == {}
    body = {"command_id": uuid.uuid4().hex, "position": 1}
    assert world.call("organiser", "PATCH", f"/segments/{closing}", json=body).status_code == 200
    assert problems() == {
        afternoon: {
            "code": "starts_before_previous",
            "previous_segment_id": closing,
            "message": "it starts at 15:00, before \u201cSegment 2\u201d above it (17:00): "
            "change its times or move it in the programme",
        }
    }
    # the afternoon overlapping the morning is named too, with the end it starts before
    body = {"command_id": uuid.uuid4().hex, "position": 2}
    assert world.call("organiser", "PATCH", f"/segments/{closing}", json=body).status_code == 200
    assert problems() == {}
    body = {"command_id": uuid.uuid4().hex, "scheduled_start_at": "11:30"}
    assert world.call("organiser", "PATCH", f"/segments/{afternoon}", json=body).status_code == 200
    (overlap,) = problems().values()
    assert (overlap["code"], overlap["previous_segment_id"]) == ("overlaps_previous", morning)
    assert "above it ends (12:00)" in overlap["message"]


def test_a_new_date_without_the_programme_flags_every_segment_left_on_the_old_day(
    make_client: AppFactory,
) -> None:
    """The date moved to the 19th, the programme left on the 18th: each segment says so (its
    date and the event's) until its time is typed again, which reads it on the new date."""
    world = build_world(make_client())
    event_id, (opening, closing) = _event(
        world, "2026-05-18", "America/New_York", ("10:00", "10:30"), ("17:00", "18:00")
    )
    assert _patch(world, event_id, date="2026-05-19").status_code == 200

    def problems() -> dict[str, Any]:
        segments = world.call("organiser", "GET", f"/events/{event_id}").json()["segments"]
        return {s["id"]: s["timing_problem"] for s in segments if s["timing_problem"]}

    assert problems() == {
        opening: {
            "code": "not_on_event_day",
            "previous_segment_id": None,
            "message": "it starts on 2026-05-18 at 10:00, not on the event's date (2026-05-19): "
            "type its times again (a time is read on the event's date) or move the programme "
            "with the date",
        },
        closing: {
            "code": "not_on_event_day",
            "previous_segment_id": None,
            "message": "it starts on 2026-05-18 at 17:00, not on the event's date (2026-05-19): "
            "type its times again (a time is read on the event's date) or move the programme "
            "with the date",
        },
    }
    body = {"command_id": uuid.uuid4().hex, "scheduled_start_at": "10:00"}
    body |= {"scheduled_end_at": "10:30"}
    assert world.call("organiser", "PATCH", f"/segments/{opening}", json=body).status_code == 200
    assert list(problems()) == [closing]
    assert _local(world, event_id)[0] == ("2026-05-19T10:00:00-04:00", "2026-05-19T10:30:00-04:00")


def test_a_segment_past_midnight_is_on_the_event_s_day_by_its_start(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    event_id, _ = _event(world, "2026-05-18", "America/New_York", ("23:00", "2026-05-19T01:00"))
    event = world.call("organiser", "GET", f"/events/{event_id}").json()
    assert [s["timing_problem"] for s in event["segments"]] == [None]
    assert _local(world, event_id) == [("2026-05-18T23:00:00-04:00", "2026-05-19T01:00:00-04:00")]


def test_a_segment_taken_out_does_not_stop_the_programme_moving(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id, (kept, removed) = _event(
        world, "2026-05-18", "America/New_York", ("10:00", "10:30"), ("11:00", "11:30")
    )
    assert world.call("organiser", "DELETE", f"/segments/{removed}").status_code == 204
    moved = _patch(world, event_id, date="2026-05-19", move_programme=True)
    assert moved.status_code == 200, moved.text
    assert _local(world, event_id) == [("2026-05-19T10:00:00-04:00", "2026-05-19T10:30:00-04:00")]
    assert [s["id"] for s in moved.json()["segments"]] == [kept]


def test_a_segment_s_end_can_be_cleared(make_client: AppFactory) -> None:
    """The desk's Ends field emptied: the segment ends when it ends (before, the old end stayed
    without a word)."""
    world = build_world(make_client())
    event_id, (segment,) = _event(world, "2026-05-18", "America/New_York", ("10:00", "10:30"))
    body = {"command_id": uuid.uuid4().hex, "clear": ["scheduled_end_at"]}
    cleared = world.call("organiser", "PATCH", f"/segments/{segment}", json=body)
    assert cleared.status_code == 200, cleared.text
    assert _local(world, event_id) == [("2026-05-18T10:00:00-04:00", None)]
    both = {"command_id": uuid.uuid4().hex, "clear": ["scheduled_start_at"]}
    both["scheduled_start_at"] = "11:00"
    refused = world.call("organiser", "PATCH", f"/segments/{segment}", json=both)
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == (
        "scheduled_start_at is both given and cleared: send one of the two"
    )


def test_a_time_named_twice_in_clear_is_cleared_once(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id, (segment,) = _event(world, "2026-05-18", "America/New_York", ("10:00", "10:30"))
    body = {"command_id": uuid.uuid4().hex, "clear": ["scheduled_end_at"] * 3}
    cleared = world.call("organiser", "PATCH", f"/segments/{segment}", json=body)
    assert cleared.status_code == 200, cleared.text
    assert _local(world, event_id) == [("2026-05-18T10:00:00-04:00", None)]


def test_a_programme_left_on_another_day_is_not_moved_further_off(
    make_client: AppFactory,
) -> None:
    """Outside probe L: the event said the 16th, its programme was on the 17th (flagged "not on
    the event's day"); the date set to the 17th with the programme moving put the programme on
    the 18th. A segment not on the event's day was never on the day that moves: it stays."""
    world = build_world(make_client())
    event_id, _ = _event(world, "2022-05-16", "America/New_York", ("10:00", "11:00"))
    assert _patch(world, event_id, date="2022-05-17").status_code == 200  # left on the 16th
    answer = _patch(world, event_id, date="2022-05-16", move_programme=True)  # back to it
    assert answer.status_code == 200, answer.text
    assert _local(world, event_id) == [("2022-05-16T10:00:00-04:00", "2022-05-16T11:00:00-04:00")]
    # its segment on the 16th, the event to the 17th, moving: the one on the day moves with it
    on_day = {
        "title": "Evening",
        "command_id": uuid.uuid4().hex,
        "scheduled_start_at": "2022-05-18T18:00",  # on another day: stays
    }
    made = world.call("organiser", "POST", f"/events/{event_id}/segments", json=on_day)
    assert made.status_code == 201, made.text
    answer = _patch(world, event_id, date="2022-05-17", move_programme=True)
    assert answer.status_code == 200, answer.text
    assert _local(world, event_id) == [
        ("2022-05-17T10:00:00-04:00", "2022-05-17T11:00:00-04:00"),
        ("2022-05-18T18:00:00-04:00", None),
    ]
