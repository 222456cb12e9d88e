"""Room screens follow the live segment; the record of speeches; the seed's hearing."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .server import Api, Feed, ServerProcess


async def test_an_event_socket_follows_the_live_segment(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    event_id = hearing["event"]["id"]
    feed = await Feed.open(f"{server.ws_base}/ws/events/{event_id}", hearing["display_token"])
    first = await feed.next()
    assert first["type"] == "snapshot" and first["segment_id"] == hearing["segment_id"]
    assert first["event"]["join_code"] == hearing["event"]["join_code"]

    lunch = api.ok(
        "POST",
        f"/events/{event_id}/segments",
        json={"title": "Lunch Break", "command_id": "seg-lunch"},
    )
    api.command(lunch["id"], {"type": "start_segment"}).raise_for_status()
    followed = await feed.until(
        lambda f: f["type"] == "snapshot" and f["segment_id"] == lunch["id"]
    )
    assert followed["state"]["segment"]["title"] == "Lunch Break"
    assert followed["live_segment_id"] == lunch["id"]
    assert {s["id"]: s["status"] for s in followed["programme"]} == {
        hearing["segment_id"]: "ended",
        lunch["id"]: "live",
    }
    statuses = {s["id"]: s["status"] for s in api.ok("GET", f"/events/{event_id}/segments")}
    assert statuses == {hearing["segment_id"]: "ended", lunch["id"]: "live"}


def test_the_record_of_speeches_with_csv_export(api: Api, hearing: dict[str, Any]) -> None:
    segment_id = hearing["segment_id"]
    participant = hearing["delegate"]["participant"]
    api.command(
        segment_id,
        {"type": "add_speaker", "participant_id": participant["id"], "kind": "panellist"},
    ).raise_for_status()
    api.command(segment_id, {"type": "add_speaker", "name": "No-show"}).raise_for_status()
    api.command(segment_id, {"type": "call_next"}).raise_for_status()
    api.command(segment_id, {"type": "start_timer"}).raise_for_status()
    api.command(segment_id, {"type": "call_next"}).raise_for_status()  # Amina spoke
    # the No-show was called but did not speak: the record says so
    api.command(segment_id, {"type": "end_turn", "skipped": True}).raise_for_status()
    speeches = api.ok("GET", f"/segments/{segment_id}/speeches")
    assert [(s["name"], s["skipped"]) for s in speeches] == [
        ("Amina Diallo", False),
        ("No-show", True),
    ]
    speech = speeches[0]
    assert speech["timer_started_at"] is not None and speech["held_ms"] >= speech["spoken_ms"]
    assert speech["constituency"] == "trade_union" and speech["kind"] == "panellist"
    assert speech["allotted_ms"] == 300_000
    assert speech["ended_at"] >= speech["started_at"]
    assert speech["spoken_ms"] == speech["ended_at"] - speech["started_at"]
    assert speech["overrun_ms"] == 0
    exported = api("GET", f"/segments/{segment_id}/speeches", params={"format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0]["name"] == "Amina Diallo" and rows[0]["spoken_ms"] == str(speech["spoken_ms"])


def test_demo_loads_the_seed_hearing(tmp_path: Path) -> None:
    server = ServerProcess(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path / "demo.log", demo=True)
    server.start()
    try:
        api = Api(server.base)
        (event,) = api.ok("GET", "/events")
        assert event["date"] == "2022-05-16" and event["room"] == "Conference Room 4"
        assert event["timezone"] == "America/New_York"
        assert sorted(event["languages"]) == ["ar", "en", "es", "fr", "ru", "zh"]
        zone = ZoneInfo("America/New_York")

        def clock(ms: int) -> str:
            return datetime.fromtimestamp(ms / 1000, zone).strftime("%H:%M")

        blocks = [
            (s["title"].split(":")[0], clock(s["scheduled_start_at"]), clock(s["scheduled_end_at"]))
            for s in event["segments"]
        ]
        assert blocks == [
            ("Opening Segment", "10:00", "10:30"),
            ("Thematic discussion I", "10:30", "13:00"),
            ("Lunch Break", "13:00", "15:00"),
            ("Thematic discussion II", "15:00", "17:20"),
            ("Thematic discussion III", "17:20", "17:50"),
            ("Closing remarks", "17:50", "18:00"),
        ]
        queues = [api.state(s["id"])["state"]["queue"] for s in event["segments"]]
        assert [e["name"] for e in queues[0]][:2] == [
            "H.E. Mr. Abdulla Shahid",
            "H.E. Mr. António Vitorino",
        ]
        assert len(queues[1]) == 13 and {e["kind"] for e in queues[1]} == {"panellist"}
        assert len({e["constituency"] for e in queues[1]}) == 13
        assert queues[3][0]["organisation"] == "Africa regional review"
        assert len(queues[3]) == 5 and queues[2] == []
        assert "Civil society representative" in [e["name"] for e in queues[5]]
        assert "Moderator console" in server.log_path.read_text()
        assert "/docs" in server.log_path.read_text()
    finally:
        server.stop()


async def test_an_ack_is_not_lost_when_the_socket_moves_to_a_new_live_segment(
    server: ServerProcess, api: Api, hearing: dict[str, Any]
) -> None:
    event_id = hearing["event"]["id"]
    closing = api.ok(
        "POST", f"/events/{event_id}/segments", json={"title": "Closing", "command_id": "seg-c"}
    )
    feed = await Feed.open(f"{server.ws_base}/ws/events/{event_id}", hearing["moderator_token"])
    await feed.next()
    await feed.send(
        {
            "type": "command",
            "command_id": "go-live",
            "segment_id": closing["id"],
            "command": {"type": "start_segment"},
        }
    )
    ack = await feed.until(lambda f: f["type"] == "ack")
    assert ack["command_id"] == "go-live" and ack["segment_id"] == closing["id"]
    moved = [f for f in feed.frames[1:] if f["type"] == "snapshot"]
    assert [f["segment_id"] for f in moved] == [closing["id"]]  # the new state came before the ack


def test_a_command_that_changed_nothing_answers_the_same_when_retried(
    api: Api, hearing: dict[str, Any]
) -> None:
    segment_id = hearing["segment_id"]
    first = api.command(segment_id, {"type": "reopen_list"}, command_id="noop-1").json()
    assert first["events"] == []
    api.command(segment_id, {"type": "close_list"}).raise_for_status()
    retry = api.command(segment_id, {"type": "reopen_list"}, command_id="noop-1").json()
    assert retry == {**first, "duplicate": True}
    assert api.state(segment_id)["state"]["settings"]["list_open"] is False
