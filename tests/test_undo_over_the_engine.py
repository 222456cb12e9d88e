"""Undoing the end of a segment through the engine, on a real store: what the screens are sent,
what the log keeps, and that a restart rebuilds it exactly (the undo is a fold of logged events:
the instants it needs are in them, nothing is read from a clock as it folds).

- An end undone two minutes later gives the speaker the time they had left at the end, counting
  on from the undo; the record does not count the two minutes.
- Undoing the start of the segment after a break makes the break live again: every screen is
  told (the programme), the room display shows the break.
"""

from __future__ import annotations

from typing import Any

import orjson

from app import snapshot_codec
from app.engine import Engine
from app.exports import day_record_json, day_record_table
from app.floor import commands as c
from app.floor.roles import ORGANISER
from app.hub import Encoded, Subscriber
from app.reports import day_record
from app.store.tables import EventRow, ParticipantRow
from app.views import Audience
from tests.engines import counted_engine

EVENT = "ev"
ENDED_MS = 120_000


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000_000

    def __call__(self) -> int:
        return self.now


async def _day(engine: Engine) -> dict[str, str]:
    """A meeting day: a discussion, the lunch break, the afternoon's discussion; Ana registered."""
    await engine.create_event(EventRow(id=EVENT, title="Hearing", join_code="j", created_at=0))
    await engine.add_participant(
        ParticipantRow(id="p1", event_id=EVENT, name="Ana", constituency="academia", created_at=0)
    )
    ids = {}
    for name, kind in (("morning", "discussion"), ("lunch", "break"), ("afternoon", "discussion")):
        command = c.CreateSegment(title=name.capitalize(), kind=kind)
        ids[name] = (await engine.execute(EVENT, None, command, ORGANISER, f"c-{name}"))[
            "segment_id"
        ]
    return ids


async def _run(engine: Engine, segment_id: str, command: Any, command_id: str) -> None:
    await engine.execute(EVENT, segment_id, command, ORGANISER, command_id)


def _screen(engine: Engine, segment_id: str, audience: Audience) -> dict[str, Any]:
    _, segment = engine.find_segment(segment_id)
    return dict(engine.projections.snapshot(segment, audience, None)["state"])


async def test_an_end_undone_later_gives_the_speaker_the_time_they_had_left(
    sqlite_url: str,
) -> None:
    clock = Clock()
    engine = counted_engine(sqlite_url, clock)
    morning = (await _day(engine))["morning"]
    await _run(engine, morning, c.StartSegment(), "start")
    await _run(engine, morning, c.AddSpeaker(participant_id="p1", allotted_ms=180_000), "add")
    await _run(engine, morning, c.CallNext(), "call")
    await _run(engine, morning, c.StartTimer(), "timer")
    clock.now += 30_000
    await _run(engine, morning, c.EndSegment(), "end")
    clock.now += ENDED_MS
    await _run(engine, morning, c.Undo(), "undo")

    # the speaker clock and the room display: 2 min 30 s left, counting on from the undo
    timer = _screen(engine, morning, Audience.PUBLIC)["current"]["timer"]
    assert (timer["state"], timer["deadline_at"]) == ("running", clock.now + 150_000)

    # a restart folds the log to the same state (the undo's instant is in its event)
    _, before = engine.find_segment(morning)
    reborn = counted_engine(sqlite_url, clock)
    await reborn.load()
    _, after = reborn.find_segment(morning)
    assert after == before
    assert snapshot_codec.decode(snapshot_codec.encode(after)) == after

    clock.now += 10_000
    await _run(reborn, morning, c.EndTurn(), "end-turn")
    _, segment = reborn.find_segment(morning)
    (speech,) = segment.speeches
    # 30 s before the end, 10 s after the undo; the 2 min it stood ended set apart
    assert (speech.held_ms, speech.timed_ms, speech.suspended_ms) == (40_000, 40_000, ENDED_MS)
    stats = _screen(reborn, morning, Audience.MODERATOR)["stats"]
    assert (stats["held_ms"], stats["spoken_ms"]) == (40_000, 40_000)
    # the day's record (its JSON and its spreadsheet) says the 2 min apart, in their own column
    (row,) = day_record(reborn.hearing(EVENT), morning)
    (record,) = day_record_json([row], "UTC")
    assert (record["held_mss"], record["suspended_mss"], record["suspended_s"]) == (
        "0:40",
        "2:00",
        120,
    )
    (cells,) = day_record_table([row], "UTC")
    assert cells["Set apart by an undo (m:ss)"] == "2:00"
    assert cells["Held the floor (m:ss)"] == "0:40"


async def test_undoing_the_start_after_lunch_makes_the_break_live_again(sqlite_url: str) -> None:
    clock = Clock()
    engine = counted_engine(sqlite_url, clock)
    ids = await _day(engine)
    lunch, afternoon = ids["lunch"], ids["afternoon"]
    await _run(engine, lunch, c.StartSegment(), "lunch")
    clock.now += 40 * 60_000
    room = _screen(engine, lunch, Audience.PUBLIC)["segment"]
    frames: list[dict[str, Any]] = []

    def send(frame: Encoded) -> None:
        frames.append(orjson.loads(frame.data))

    subscriber = Subscriber(
        EVENT, Audience.PUBLIC, None, False, send=send, snapshot=lambda: Encoded(b"{}")
    )
    engine.hub.add(subscriber, afternoon)
    await _run(engine, afternoon, c.StartSegment(), "afternoon")  # by mistake
    clock.now += 60_000
    frames.clear()
    answer = await engine.execute(EVENT, afternoon, c.Undo(), ORGANISER, "undo")
    assert answer["events"] == ["change_undone", "segment_started"]

    # every screen is told the break is live again, and the room display shows it as it was
    programme = [frame for frame in frames if frame["type"] == "programme"]
    assert programme and programme[-1]["live_segment_id"] == lunch
    assert _screen(engine, lunch, Audience.PUBLIC)["segment"] == room
    assert _screen(engine, afternoon, Audience.PUBLIC)["segment"]["status"] == "scheduled"

    reborn = counted_engine(sqlite_url, clock)
    await reborn.load()
    assert reborn.hearing(EVENT).state == engine.hearing(EVENT).state
