"""What a delegate is told of their own part: their requests and what they may ask for now."""

from __future__ import annotations

from typing import Any

import orjson

from app.engine import Engine
from app.floor import Actor, Role
from app.floor import commands as c
from app.floor.roles import ORGANISER
from app.hub import Encoded, Subscriber
from app.store.tables import EventRow, ParticipantRow
from app.views import Audience
from tests.engines import counted_engine


async def _delegate_feed(sqlite_url: str) -> tuple[Engine, str, list[dict[str, Any]]]:
    engine = counted_engine(sqlite_url, clock=lambda: 1_700_000_000_000)
    await engine.create_event(EventRow(id="ev", title="Hearing", join_code="j", created_at=0))
    await engine.add_participant(
        ParticipantRow(id="p1", event_id="ev", name="Ana", constituency="academia", created_at=0)
    )
    created = await engine.execute("ev", None, c.CreateSegment(title="I"), ORGANISER, "c0")
    segment_id = created["segment_id"]
    await engine.execute("ev", segment_id, c.StartSegment(), ORGANISER, "c1")
    frames: list[dict[str, Any]] = []

    def send(frame: Encoded) -> None:
        frames.append(orjson.loads(frame.data))

    subscriber = Subscriber(
        "ev", Audience.DELEGATE, "p1", False, send=send, snapshot=lambda: Encoded(b"{}")
    )
    engine.hub.add(subscriber, segment_id)
    return engine, segment_id, frames


async def test_a_delegate_snapshot_says_what_they_may_ask_for(sqlite_url: str) -> None:
    engine, segment_id, _ = await _delegate_feed(sqlite_url)
    _, segment = engine.find_segment(segment_id)
    snapshot = engine.projections.snapshot(segment, Audience.DELEGATE, "p1")
    assert snapshot["can_request"]["intervention"] is None
    assert set(snapshot["can_request"]) == set(snapshot["state"]["can_request"])


async def test_a_delegate_queued_by_the_moderator_is_told_they_hold_a_place(
    sqlite_url: str,
) -> None:
    """No request of theirs changed, but their place did: their ``mine`` says so, so the phone
    stops offering a request the server would refuse."""
    engine, segment_id, frames = await _delegate_feed(sqlite_url)
    await engine.execute("ev", segment_id, c.AddSpeaker(participant_id="p1"), ORGANISER, "a")
    mine = [frame for frame in frames if frame["type"] == "mine"]
    assert mine and mine[-1]["can_request"]["intervention"] == "already_queued"
    await engine.execute("ev", segment_id, c.CallNext(), ORGANISER, "n")
    await engine.execute("ev", segment_id, c.EndTurn(), ORGANISER, "e")
    mine = [frame for frame in frames if frame["type"] == "mine"]
    assert mine[-1]["can_request"]["intervention"] is None


async def test_a_delegate_request_updates_their_own_part(sqlite_url: str) -> None:
    engine, segment_id, frames = await _delegate_feed(sqlite_url)
    delegate = Actor(Role.DELEGATE, "ev", "p1")
    await engine.execute("ev", segment_id, c.RequestFloor(), delegate, "r1")
    mine = [frame for frame in frames if frame["type"] == "mine"][-1]
    assert [r["status"] for r in mine["requests"]] == ["pending"]
    assert mine["can_request"]["intervention"] == "already_queued"
    assert mine["can_request"]["point_of_order"] is None


async def test_undoing_the_end_of_a_segment_tells_the_programme(sqlite_url: str) -> None:
    """An undo that makes a segment live again changes the programme every screen shows."""
    engine, segment_id, frames = await _delegate_feed(sqlite_url)
    await engine.execute("ev", segment_id, c.EndSegment(), ORGANISER, "end")
    frames.clear()
    await engine.execute("ev", segment_id, c.Undo(), ORGANISER, "undo-end")
    programme = [frame for frame in frames if frame["type"] == "programme"]
    assert programme and programme[-1]["live_segment_id"] == segment_id


def test_a_turn_paused_by_a_question_is_told_to_its_phone_when_the_segment_ends() -> None:
    """A panellist queued directly (no request of hers) is paused by an interposed question and
    the segment ends: her phone is sent her part again (her turn gone), not left on "paused"."""
    from app.floor import apply
    from app.floor import commands as c
    from app.floor.model import TurnKind
    from app.projections import _participants_touched
    from tests.floor.kit import live_floor

    floor = live_floor()
    floor.send(c.AddSpeaker(participant_id="p1", kind=TurnKind.PANELLIST))
    floor.send(c.CallNext())
    before = floor.state
    (interposed,) = floor.send(c.Interpose(participant_id="p3"))
    segment = floor.segment_id
    assert "p1" in _participants_touched(
        interposed, before.segments[segment], floor.state.segments[segment]
    )  # speaking → paused
    state = floor.state
    touched: set[str] = set()
    for event in floor.send(c.EndSegment()):
        after = apply(state, event)
        touched |= _participants_touched(event, state.segments[segment], after.segments[segment])
        state = after
    assert "p1" in touched


async def test_who_speaks_first_in_a_segment_to_come_reaches_every_screen(
    sqlite_url: str,
) -> None:
    """The booth in the lunch break names who speaks first after it: a programme message goes
    out when the head of a scheduled segment's queue changes, and not for a change behind it."""
    engine, _, frames = await _delegate_feed(sqlite_url)
    created = await engine.execute("ev", None, c.CreateSegment(title="II"), ORGANISER, "c2")
    after = created["segment_id"]

    def firsts() -> list[Any]:
        programme = [frame for frame in frames if frame["type"] == "programme"]
        return [
            next(s["first"] for s in frame["segments"] if s["id"] == after) for frame in programme
        ]

    frames.clear()
    await engine.execute("ev", after, c.AddSpeaker(participant_id="p1"), ORGANISER, "a1")
    guest = c.AddSpeaker(name="أمينة الحسن", language="ar", attendance="remote")
    await engine.execute("ev", after, guest, ORGANISER, "a2")
    shown = firsts()
    assert [first["name"] for first in shown] == ["Ana"]  # the guest behind her: no message
    _, segment = engine.find_segment(after)
    await engine.execute(
        "ev", after, c.MoveEntry(entry_id=segment.queue[1].id, position=0), ORGANISER, "m"
    )
    first = firsts()[-1]
    assert (first["name"], first["name_lang"], first["language"]) == ("أمينة الحسن", "ar", "ar")
    assert first["attendance"] == "remote" and "participant_id" not in first
    await engine.execute("ev", after, c.StartSegment(), ORGANISER, "s")
    assert firsts()[-1] is None  # live: its own view says who speaks


async def test_a_screen_loaded_after_the_closing_follows_the_closing(sqlite_url: str) -> None:
    """Outside probe U: the opening was never held, the closing ended; a booth loaded after it
    showed the opening and its speakers as if the day were still to come, while one left open
    said the hearing had closed. A screen follows the live segment, else the one that ended
    last, as a screen left open on it does (outside probe V: one loaded between two segments
    followed the next one while one left open said the segment had ended and what comes next),
    else the first to come."""
    engine = counted_engine(sqlite_url, clock=lambda: 1_700_000_000_000)
    await engine.create_event(EventRow(id="ev", title="Hearing", join_code="j", created_at=0))
    ids = []
    for n, title in enumerate(("Opening", "Discussion", "Lunch", "Afternoon", "Closing")):
        created = await engine.execute("ev", None, c.CreateSegment(title=title), ORGANISER, f"c{n}")
        ids.append(created["segment_id"])
    opening, discussion, lunch, afternoon, closing = ids
    hearing = await engine.locate("ev")

    def followed() -> str | None:
        segment = engine.projections.followed_segment(hearing)
        return segment.id if segment is not None else None

    assert followed() == opening  # nothing held yet: the first
    await engine.execute("ev", discussion, c.StartSegment(), ORGANISER, "s1")
    assert followed() == discussion
    await engine.execute("ev", discussion, c.EndSegment(), ORGANISER, "e1")
    assert followed() == discussion  # its view names what comes next: the lunch (next_id)
    summaries = {entry["id"]: entry for entry in engine.projections.segments(hearing)}
    assert summaries[discussion]["next_id"] == lunch  # not the opening left out before it
    await engine.execute("ev", closing, c.StartSegment(), ORGANISER, "s2")
    await engine.execute("ev", closing, c.EndSegment(), ORGANISER, "e2")
    assert followed() == closing  # the hearing has closed: its last segment
    del afternoon
