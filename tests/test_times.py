"""Times people can read (issue 14, item 2): REST takes an instant as epoch ms, ISO 8601 with an
offset, or a local time in the event's time zone, and answers every ``x_at`` with
``x_at_local``; ``PATCH /events/{event_id}`` edits the event the times are read in."""

from __future__ import annotations

import datetime
import re
import time
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from app.api import schemas, times
from app.floor.commands import MAX_INSTANT, SegmentChanges, SegmentDetails
from tests.security.conftest import ORGANISER_KEY, AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name

ORGANISER = {"Authorization": f"Bearer {ORGANISER_KEY}"}
#: 4 December 2026, 10:00 in Geneva (Europe/Zurich: UTC+1 in winter)
TEN_IN_GENEVA = 1_796_374_800_000


def _ms(text: str) -> int:
    """ISO 8601 with an offset, the independent way."""
    return int(datetime.datetime.fromisoformat(text).timestamp() * 1000)


# --- reading one instant ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (TEN_IN_GENEVA, TEN_IN_GENEVA),
        ("2026-12-04T10:00:00+01:00", TEN_IN_GENEVA),
        ("2026-12-04T09:00:00Z", TEN_IN_GENEVA),
        ("2026-12-04T04:00-05:00", TEN_IN_GENEVA),
        ("2026-12-04T10:00", TEN_IN_GENEVA),  # local, in Geneva
        ("2026-12-04 10:00", TEN_IN_GENEVA),
        ("2026-12-04T10:00:00", TEN_IN_GENEVA),
        ("10:00", TEN_IN_GENEVA),  # on the event's date
        ("10:00:00.250", TEN_IN_GENEVA + 250),
        ("10:00:00.2509", TEN_IN_GENEVA + 250),  # to the millisecond, down
    ],
)
def test_every_form_names_the_same_instant(sent: object, expected: int) -> None:
    assert times.at(times.parse(sent), "Europe/Zurich", "2026-12-04") == expected


@pytest.mark.parametrize(
    "sent",
    [
        True,
        1796374800000.0,
        "1796374800000",
        -1,
        MAX_INSTANT + 1,
        "",
        "10h",
        "10:60",
        "24:00",
        "2026-02-29T10:00",  # not a leap year
        "2026-12-04T10:00+24:00",
        "2026-12-04T10:00z",
        "2026-12-04",
        "10:00+01:00",  # an offset needs a date
        "1970-01-01T00:00Z",  # years 1971 to 9998: any offset keeps them in range
        "9999-12-31T10:00Z",
        "2026-12-04T10:00\n",
        "٢٠٢٦-١٢-٠٤T10:00",  # noqa: RUF001 (digits of another script)
        None,
    ],
)
def test_anything_else_is_refused_naming_the_forms(sent: object) -> None:
    with pytest.raises(PydanticCustomError) as refused:
        times.parse(sent)
    message = str(refused.value)
    assert "epoch milliseconds" in message
    if isinstance(sent, str) or sent is None or isinstance(sent, float | bool):
        assert "ISO 8601 with an offset" in message and "local time" in message


def test_the_date_pattern_admits_exactly_the_days_that_exist() -> None:
    date = re.compile(times.DATE)
    years = [
        *range(1960, 2110),
        2399,
        2400,
        2401,
        2800,
        2900,
        9200,
        9600,
        9700,
        *range(9990, 10000),
    ]
    for year in years:
        for month in range(1, 13):
            for day in range(1, 33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                try:
                    exists = 1971 <= year <= 9998 and bool(datetime.date(year, month, day))
                except ValueError:
                    exists = False
                assert bool(date.fullmatch(text)) is exists, text


@given(st.from_regex(times.PATTERN, fullmatch=True))
def test_every_string_the_schema_promises_is_read(text: str) -> None:
    """The OpenAPI's pattern is the parser's gate: whatever matches it is an instant (so
    schemathesis's valid cases are accepted), in the range of the integer form; save a local
    time the zone's clocks skip that day (Kiritimati skipped 1994-12-31 whole), refused."""
    when = times.parse(text)
    try:
        assert 0 <= times.at(when, "Pacific/Kiritimati", "1971-01-01") <= MAX_INSTANT
    except times.NoSuchTime:
        assert when.at is None and when.day is not None  # 1971-01-01 has no change there
    assert 0 <= times.at(when, "Etc/GMT+12", "9998-12-31") <= MAX_INSTANT  # no changes at all


def test_a_time_of_day_needs_a_date() -> None:
    with pytest.raises(times.NoDate, match="event's date"):
        times.at(times.parse("10:00"), "Europe/Zurich", "")


def test_the_rest_bodies_have_the_commands_fields() -> None:
    """A segment's REST bodies list the command's fields (their instants readable)."""
    assert set(schemas.SegmentCreate.model_fields) == {*SegmentDetails.model_fields, "command_id"}
    assert set(schemas.SegmentPatch.model_fields) == {
        *SegmentChanges.model_fields,
        "command_id",
        "base_version",
        "clear",  # update_segment's own: the times it has no more
        "expected",  # and what the sender read of the fields it changes
    }
    assert set(schemas.SegmentExpectedIn.model_fields) == set(SegmentChanges.model_fields)


# --- summer time and midnight -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "zone", "read_as"),
    [
        # Paris, 29 March 2026: 02:00 becomes 03:00; the times either side are as typed
        ("2026-03-29T01:30", "Europe/Paris", "2026-03-29T01:30:00+01:00"),
        ("2026-03-29T01:59:59", "Europe/Paris", "2026-03-29T01:59:59+01:00"),
        ("2026-03-29T03:00", "Europe/Paris", "2026-03-29T03:00:00+02:00"),
        ("2026-03-29T03:30", "Europe/Paris", "2026-03-29T03:30:00+02:00"),
        # a time skipped, with an offset, names an instant: the one it says
        ("2026-03-29T02:30+01:00", "Europe/Paris", "2026-03-29T03:30:00+02:00"),
        # 25 October 2026: 03:00 becomes 02:00; a time that happens twice is the first
        ("2026-10-25T02:30", "Europe/Paris", "2026-10-25T02:30:00+02:00"),
        ("2026-10-25T02:30+01:00", "Europe/Paris", "2026-10-25T02:30:00+01:00"),
        # New York, 13 March 2022: 02:00 becomes 03:00
        ("2022-03-13T01:59", "America/New_York", "2022-03-13T01:59:00-05:00"),
        ("2022-03-13T03:00", "America/New_York", "2022-03-13T03:00:00-04:00"),
        # 6 November 2022: 02:00 becomes 01:00; 01:30 is first EDT, an hour later EST
        ("2022-11-06T01:30", "America/New_York", "2022-11-06T01:30:00-04:00"),
        ("2022-11-06T01:30-05:00", "America/New_York", "2022-11-06T01:30:00-05:00"),
        ("2022-11-06T00:59", "America/New_York", "2022-11-06T00:59:00-04:00"),
        ("2022-11-06T02:00", "America/New_York", "2022-11-06T02:00:00-05:00"),
        # an ordinary day: as typed
        ("2022-07-04T10:00", "America/New_York", "2022-07-04T10:00:00-04:00"),
    ],
)
def test_local_times_across_a_change_of_the_clocks(sent: str, zone: str, read_as: str) -> None:
    at = times.at(times.parse(sent), zone, "")
    assert at == _ms(read_as)
    assert times.with_local({"x_at": at}, zone)["x_at_local"] == read_as


def test_a_time_that_happens_twice_is_the_first_of_the_two() -> None:
    """01:30 on 6 November 2022 in New York happens at 05:30 UTC (EDT) and again at 06:30
    (EST): a local time names the first (fold=0), an hour before the second."""
    first = times.at(times.parse("01:30"), "America/New_York", "2022-11-06")
    assert first == _ms("2022-11-06T05:30:00+00:00")
    second = times.at(times.parse("2022-11-06T01:30-05:00"), "America/New_York", "")
    assert second - first == 3_600_000


@pytest.mark.parametrize(
    ("sent", "zone", "event_date", "message"),
    [
        (
            "02:30",
            "America/New_York",
            "2022-03-13",
            "02:30 does not exist on 2022-03-13 in America/New_York (the clocks go forward); "
            "choose a time before 02:00 or from 03:00",
        ),
        (
            "2022-03-13T02:00",  # the first second skipped
            "America/New_York",
            "",
            "02:00 does not exist on 2022-03-13 in America/New_York (the clocks go forward); "
            "choose a time before 02:00 or from 03:00",
        ),
        (
            "02:59:59",  # the last
            "America/New_York",
            "2022-03-13",
            "02:59:59 does not exist on 2022-03-13 in America/New_York (the clocks go "
            "forward); choose a time before 02:00 or from 03:00",
        ),
        (
            "2026-03-29T02:30",
            "Europe/Paris",
            "",
            "02:30 does not exist on 2026-03-29 in Europe/Paris (the clocks go forward); "
            "choose a time before 02:00 or from 03:00",
        ),
        (
            "02:15",  # Lord Howe Island goes forward half an hour
            "Australia/Lord_Howe",
            "2026-10-04",
            "02:15 does not exist on 2026-10-04 in Australia/Lord_Howe (the clocks go "
            "forward); choose a time before 02:00 or from 02:30",
        ),
        (
            "00:30",  # São Paulo's summer time began at midnight: nothing before it that day
            "America/Sao_Paulo",
            "2018-11-04",
            "00:30 does not exist on 2018-11-04 in America/Sao_Paulo (the clocks go "
            "forward); choose a time from 01:00",
        ),
        (
            "10:00",  # Samoa skipped 30 December 2011 whole
            "Pacific/Apia",
            "2011-12-30",
            "10:00 does not exist on 2011-12-30 in Pacific/Apia (the clocks go forward); "
            "choose a time from 2011-12-31T00:00",
        ),
    ],
)
def test_a_time_the_clocks_skip_is_refused_naming_it(
    sent: str, zone: str, event_date: str, message: str
) -> None:
    """Not moved past the change (02:30 read as 03:30 made a segment from 02:30 to 03:30 of no
    length): refused, with the times either side of the change."""
    with pytest.raises(times.NoSuchTime) as refused:
        times.at(times.parse(sent), zone, event_date)
    assert str(refused.value) == message


def test_local_times_name_the_day_they_fall_on() -> None:
    """Around midnight the local date is the event's, not UTC's."""
    late = times.at(times.parse("2026-12-04T23:30"), "America/New_York", "")
    assert late == _ms("2026-12-05T04:30:00+00:00")
    assert times.with_local({"a_at": late}, "America/New_York") == {
        "a_at": late,
        "a_at_local": "2026-12-04T23:30:00-05:00",
    }
    early = _ms("2026-12-04T23:30:00+00:00")
    assert times.with_local({"a_at": early}, "Asia/Tokyo")["a_at_local"] == (
        "2026-12-05T08:30:00+09:00"
    )
    # half past midnight in Tokyo is the day before in UTC
    just_after = times.at(times.parse("00:30"), "Asia/Tokyo", "2026-12-05")
    assert just_after == _ms("2026-12-04T15:30:00+00:00")


def test_every_instant_of_an_answer_gets_its_local_time_nested_too() -> None:
    data = {"a_at": 0, "b_at": None, "c": [{"d_at": 1_000}], "e_at": "not an instant", "at": 5}
    assert times.with_local(data, "UTC") == {
        "a_at": 0,
        "a_at_local": "1970-01-01T00:00:00+00:00",
        "b_at": None,
        "b_at_local": None,
        "c": [{"d_at": 1_000, "d_at_local": "1970-01-01T00:00:01+00:00"}],
        "e_at": "not an instant",
        "at": 5,
    }


# --- through the API --------------------------------------------------------------------------


def _event(world: World, **fields: Any) -> dict[str, Any]:
    body = {"title": "Regional review", "timezone": "Europe/Paris", "date": "2026-03-29", **fields}
    response = world.call("organiser", "POST", "/events", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _segment(world: World, event_id: str, **times_sent: Any) -> Any:
    body = {"title": "Panel", "command_id": uuid.uuid4().hex, **times_sent}
    return world.call("organiser", "POST", f"/events/{event_id}/segments", json=body)


def test_a_segment_made_with_iso_or_local_times_is_the_one_made_with_ms(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    event = _event(world)
    start, end = _ms("2026-03-29T01:30:00+01:00"), _ms("2026-03-29T03:30:00+02:00")
    forms: list[dict[str, Any]] = [
        {"scheduled_start_at": start, "scheduled_end_at": end},
        {"scheduled_start_at": "2026-03-29T00:30:00Z", "scheduled_end_at": "2026-03-29T01:30Z"},
        {"scheduled_start_at": "2026-03-29T01:30", "scheduled_end_at": "2026-03-29T03:30"},
        {"scheduled_start_at": "01:30", "scheduled_end_at": "03:30"},
    ]
    for sent in forms:
        made = _segment(world, event["id"], **sent)
        assert made.status_code == 201, made.text
        segment = made.json()
        assert (segment["scheduled_start_at"], segment["scheduled_end_at"]) == (start, end)
        assert segment["scheduled_start_at_local"] == "2026-03-29T01:30:00+01:00"
        assert segment["scheduled_end_at_local"] == "2026-03-29T03:30:00+02:00"  # one hour on
        assert segment["actual_start_at"] is None and segment["actual_start_at_local"] is None


def test_a_segment_changed_with_a_local_time(make_client: AppFactory) -> None:
    world = build_world(make_client())  # America/New_York, no date
    path = f"/segments/{world.segment_id}"
    body = {"command_id": "later", "scheduled_start_at": "2026-12-04T23:30"}
    changed = world.call("moderator", "PATCH", path, json=body)
    assert changed.status_code == 200, changed.text
    assert changed.json()["scheduled_start_at"] == _ms("2026-12-05T04:30:00+00:00")
    assert changed.json()["scheduled_start_at_local"] == "2026-12-04T23:30:00-05:00"
    # the command, its log and the sockets only ever see milliseconds
    state = world.state()
    assert state["state"]["segment"]["scheduled_start_at"] == _ms("2026-12-05T04:30:00+00:00")


def test_a_time_that_is_none_of_the_forms_is_a_422_naming_the_field(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    event = _event(world)
    before = world.call("organiser", "GET", f"/events/{event['id']}/segments").json()
    for bad in ("tomorrow at ten", "2026-03-29T25:00", 1.5, "2026-03-29T10:00+01"):
        refused = _segment(world, event["id"], scheduled_end_at=bad)
        assert refused.status_code == 422, refused.text
        error = refused.json()
        assert error["error"]["code"] == "invalid_request"
        message = error["error"]["message"]
        assert message.startswith("body.scheduled_end_at: ")
        assert "epoch milliseconds" in message and "ISO 8601 with an offset" in message
        assert "local time in the event's time zone" in message
        assert error["details"][0]["loc"] == ["body", "scheduled_end_at"]
    patched = world.call(
        "organiser",
        "PATCH",
        f"/segments/{world.segment_id}",
        json={"command_id": "bad", "scheduled_start_at": "noon"},
    )
    assert patched.status_code == 422
    assert patched.json()["error"]["message"].startswith("body.scheduled_start_at: ")
    after = world.call("organiser", "GET", f"/events/{event['id']}/segments").json()
    assert after == before == []


def test_a_segment_at_a_time_the_clocks_skip_is_a_422_naming_the_field(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    event = _event(world, timezone="America/New_York", date="2022-03-13")
    refused = _segment(world, event["id"], scheduled_start_at="02:30", scheduled_end_at="03:30")
    assert refused.status_code == 422, refused.text
    error = refused.json()
    assert error["error"]["code"] == "invalid_request"
    assert error["error"]["message"] == (
        "body.scheduled_start_at: 02:30 does not exist on 2022-03-13 in America/New_York "
        "(the clocks go forward); choose a time before 02:00 or from 03:00"
    )
    assert error["details"][0]["loc"] == ["body", "scheduled_start_at"]
    assert error["details"][0]["type"] == "instant_skipped"
    assert world.call("organiser", "GET", f"/events/{event['id']}/segments").json() == []
    # the times either side of the change are taken as typed
    made = _segment(world, event["id"], scheduled_start_at="01:30", scheduled_end_at="03:30")
    assert made.status_code == 201, made.text
    assert made.json()["scheduled_start_at_local"] == "2022-03-13T01:30:00-05:00"
    assert made.json()["scheduled_end_at_local"] == "2022-03-13T03:30:00-04:00"
    # the hour the clocks repeat in autumn: its first time
    autumn = _event(world, timezone="America/New_York", date="2022-11-06")
    twice = _segment(world, autumn["id"], scheduled_start_at="01:30", scheduled_end_at="02:30")
    assert twice.status_code == 201, twice.text
    assert twice.json()["scheduled_start_at"] == _ms("2022-11-06T05:30:00+00:00")
    assert twice.json()["scheduled_start_at_local"] == "2022-11-06T01:30:00-04:00"
    assert twice.json()["scheduled_end_at_local"] == "2022-11-06T02:30:00-05:00"


def test_a_time_of_day_for_an_event_without_a_date_is_a_422_naming_the_field(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    refused = world.call(
        "organiser",
        "PATCH",
        f"/segments/{world.segment_id}",
        json={"command_id": "t", "scheduled_end_at": "10:00"},
    )
    assert refused.status_code == 422, refused.text
    error = refused.json()
    assert error["error"]["code"] == "invalid_request"
    assert error["error"]["message"].startswith("body.scheduled_end_at: a time of day alone")
    assert error["details"][0]["loc"] == ["body", "scheduled_end_at"]
    assert world.state()["state"]["segment"]["scheduled_end_at"] is None


def test_the_answers_read_their_instants_in_the_events_zone(make_client: AppFactory) -> None:
    """State, schedule, balance, the record and the outcome: each x_at with its x_at_local."""
    world = build_world(make_client())  # America/New_York
    zone = ZoneInfo("America/New_York")

    def local(at: int) -> str:
        return datetime.datetime.fromtimestamp(at // 1000, zone).isoformat(timespec="seconds")

    world.command("moderator", {"type": "add_speaker", "name": "Mayor", "constituency": "academia"})
    world.command("moderator", {"type": "call_next"})
    world.command("moderator", {"type": "start_timer"})
    world.command("booth", {"type": "raise_signal", "kind": "slow_down"})
    state = world.state()
    timer = state["state"]["current"]["timer"]
    assert timer["deadline_at_local"] == local(timer["deadline_at"])
    assert timer["started_at_local"] == local(timer["started_at"])
    (signal,) = state["state"]["signals"]
    assert signal["expires_at_local"] == local(signal["expires_at"])
    segment = state["state"]["segment"]
    assert segment["actual_start_at_local"] == local(segment["actual_start_at"])
    assert state["programme"][0]["actual_start_at_local"] == local(segment["actual_start_at"])
    world.command("moderator", {"type": "end_turn"})
    (speech,) = world.call("moderator", "GET", f"/segments/{world.segment_id}/speeches").json()
    assert speech["ended_at_local"] == local(speech["ended_at"])
    schedule = world.call("moderator", "GET", f"/events/{world.event['id']}/schedule").json()
    assert schedule["as_of_at_local"] == local(schedule["as_of_at"])
    assert "as_of" not in schedule and "scheduled_start" not in schedule["segments"][0]
    balance = world.call("moderator", "GET", f"/segments/{world.segment_id}/balance").json()
    assert balance["as_of_at_local"] == local(balance["as_of_at"])
    pledge = {"command_id": "p", "kind": "pledge", "text": "Ten centres", "language": "en"}
    submitted = world.call(
        "delegate", "POST", f"/events/{world.event['id']}/contributions", json=pledge
    ).json()
    contribution = submitted["contribution"]
    assert contribution["submitted_at_local"] == local(contribution["submitted_at"])
    asked = world.call(
        "delegate",
        "POST",
        f"/segments/{world.segment_id}/floor-requests",
        json={"command_id": "ask"},
    ).json()
    (request,) = asked["requests"]
    assert request["requested_at_local"] == local(request["requested_at"])


# --- PATCH /events/{event_id} -----------------------------------------------------------------


def test_the_organiser_edits_an_event(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id = world.event["id"]
    world.call(
        "organiser",
        "PATCH",
        f"/segments/{world.segment_id}",
        json={"command_id": "when", "scheduled_start_at": "2026-12-04T10:00:00-05:00"},
    )
    body = {
        "title": "Regional review: Africa",
        "venue": "UNECA",
        "room": "Africa Hall",
        "timezone": "Africa/Addis_Ababa",
        "date": "2026-12-04",
        "languages": ["fr", "en", "fr", "ar"],
    }
    edited = world.call("organiser", "PATCH", f"/events/{event_id}", json=body)
    assert edited.status_code == 200, edited.text
    event = edited.json()
    assert {key: event[key] for key in body} == {**body, "languages": ["fr", "en", "ar"]}
    assert event["join_code"] == world.event["join_code"]
    # the same instant, read in the new zone
    (segment,) = event["segments"]
    assert segment["scheduled_start_at"] == _ms("2026-12-04T15:00:00+00:00")
    assert segment["scheduled_start_at_local"] == "2026-12-04T18:00:00+03:00"
    # a field left out or null stays; the edit is kept
    kept = world.call("organiser", "PATCH", f"/events/{event_id}", json={"venue": None}).json()
    assert kept["venue"] == "UNECA" and kept["date"] == "2026-12-04"
    assert world.call("display", "GET", f"/events/{event_id}").json()["title"] == body["title"]
    # a time of day is now read on the event's date, in its zone
    changed = world.call(
        "organiser",
        "PATCH",
        f"/segments/{world.segment_id}",
        json={"command_id": "ten", "scheduled_start_at": "10:00"},
    ).json()
    assert changed["scheduled_start_at_local"] == "2026-12-04T10:00:00+03:00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"languages": []}, "languages"),
        ({"languages": ["de"]}, "languages"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": "04/12/2026"}, "date"),
        ({"title": "   "}, "title"),
        ({"join_code": "mine"}, "join_code"),
    ],
)
def test_an_edit_the_event_cannot_take_is_a_422_naming_the_field(
    make_client: AppFactory, body: dict[str, Any], field: str
) -> None:
    world = build_world(make_client())
    refused = world.call("organiser", "PATCH", f"/events/{world.event['id']}", json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "invalid_request"
    assert field in refused.json()["error"]["message"]
    event = world.call("organiser", "GET", f"/events/{world.event['id']}").json()
    assert {key: event[key] for key in ("title", "timezone", "languages", "date")} == {
        key: world.event[key] for key in ("title", "timezone", "languages", "date")
    }


def test_only_the_organiser_of_the_event_edits_it(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id = world.event["id"]
    path = f"/events/{event_id}"
    minted = world.call("organiser", "POST", f"{path}/access-links", json={"role": "organiser"})
    desk = minted.json()["token"]
    other = world.call(
        "organiser",
        "POST",
        f"/events/{world.other_event['id']}/access-links",
        json={"role": "organiser"},
    ).json()["token"]
    assert (
        world.call("organiser", "PATCH", path, token=desk, json={"room": "Room 4"}).status_code
        == 200
    )
    refused = world.call("organiser", "PATCH", path, token=other, json={"room": "Room 5"})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "this credential belongs to another event"
    for role in ("moderator", "rapporteur", "display", "delegate", "booth", "device"):
        assert world.call(role, "PATCH", path, json={"room": "Room 6"}).status_code == 403, role
    assert world.call("anonymous", "PATCH", path, json={"room": "Room 7"}).status_code == 401
    assert world.call("organiser", "GET", path).json()["room"] == "Room 4"


def test_every_screen_of_the_event_is_sent_the_new_header(make_client: AppFactory) -> None:
    world = build_world(make_client())
    path = f"/ws/segments/{world.segment_id}"
    with (
        world.client.websocket_connect(path) as display,
        world.client.websocket_connect(path) as phone,
    ):
        display.send_json({"type": "hello", "token": world.tokens["display"]})
        phone.send_json({"type": "hello", "token": world.tokens["delegate"]})
        assert display.receive_json()["event"]["title"] == "Hearing"
        assert phone.receive_json()["event"]["title"] == "Hearing"
        body = {"title": "Hearing on labour migration", "languages": ["en", "es"]}
        edited = world.call("organiser", "PATCH", f"/events/{world.event['id']}", json=body)
        assert edited.status_code == 200, edited.text
        for socket, sees_code in ((display, True), (phone, False)):
            snapshot = _next(socket, "snapshot")
            assert snapshot["event"]["title"] == "Hearing on labour migration"
            assert snapshot["event"]["languages"] == ["en", "es"]
            assert ("join_code" in snapshot["event"]) is sees_code
            # the sockets keep milliseconds only
            assert "actual_start_at_local" not in snapshot["state"]["segment"]


def _next(socket: Any, kind: str) -> dict[str, Any]:
    while (frame := socket.receive_json())["type"] != kind:
        pass
    return dict(frame)


def test_the_last_instants_allowed_are_read_even_where_the_year_10000_has_begun(
    make_client: AppFactory,
) -> None:
    """The programme may name any instant to the end of the year 9999 (UTC); east of UTC that
    is already the year 10000, which no datetime holds: the answers read it in UTC instead of
    failing (schemathesis found the 500)."""
    world = build_world(make_client())
    event = _event(world)  # Europe/Paris
    now = int(time.time() * 1000)  # started on time: no rehearsal's shift
    made = _segment(world, event["id"], scheduled_start_at=now, scheduled_end_at=MAX_INSTANT)
    assert made.status_code == 201, made.text
    assert made.json()["scheduled_end_at_local"] == "9999-12-31T23:59:59+00:00"
    start = {"command_id": "go", "command": {"type": "start_segment"}}
    segment_id = made.json()["id"]
    started = world.call("organiser", "POST", f"/segments/{segment_id}/commands", json=start)
    assert started.status_code == 200, started.text
    for path in (f"/segments/{segment_id}/state", f"/events/{event['id']}/schedule"):
        answer = world.call("organiser", "GET", path)
        assert answer.status_code == 200, (path, answer.text)
    live = world.call("organiser", "GET", f"/events/{event['id']}/schedule").json()["live"]
    assert live["finish_at_local"] == "9999-12-31T23:59:59+00:00" and live["finish"] == "23:59"
