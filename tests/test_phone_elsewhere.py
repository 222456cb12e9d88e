"""A delegate's places in a segment that ended, once their phone follows the next one (the lunch
break): the snapshot says what became of each (``elsewhere``: still waiting on the moderator's
word, carried on, dropped), and a change to them reaches the phone wherever it follows, so that a
place never just vanishes from it. Their own requests only, to them only."""

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


async def _two_segments(sqlite_url: str) -> tuple[Engine, str, str, str]:
    """Ana queued in segment I, which ends as segment II starts: (engine, I, II, her request)."""
    engine = counted_engine(sqlite_url, clock=lambda: 1_700_000_000_000)
    await engine.create_event(EventRow(id="ev", title="Hearing", join_code="j", created_at=0))
    for pid, name in (("p1", "Ana"), ("p2", "Ben")):
        await engine.add_participant(
            ParticipantRow(id=pid, event_id="ev", name=name, constituency="academia", created_at=0)
        )
    first = (await engine.execute("ev", None, c.CreateSegment(title="I"), ORGANISER, "s1"))[
        "segment_id"
    ]
    second = (
        await engine.execute(
            "ev", None, c.CreateSegment(title="Lunch", kind="break"), ORGANISER, "s2"
        )
    )["segment_id"]
    await engine.execute("ev", first, c.StartSegment(), ORGANISER, "go1")
    ana = Actor(Role.DELEGATE, "ev", "p1")
    await engine.execute("ev", first, c.RequestFloor(), ana, "r1")
    request_id = _request_of(engine, first)
    await engine.execute("ev", first, c.ApproveRequest(request_id=request_id), ORGANISER, "ok")
    await engine.execute("ev", second, c.StartSegment(), ORGANISER, "go2")  # I ends
    return engine, first, second, request_id


def _request_of(engine: Engine, segment_id: str) -> str:
    _, segment = engine.find_segment(segment_id)
    (request_id,) = segment.requests
    return str(request_id)


def _snapshot(engine: Engine, segment_id: str, audience: Audience, pid: str | None) -> Any:
    _, segment = engine.find_segment(segment_id)
    return engine.projections.snapshot(segment, audience, pid)


async def test_the_snapshot_of_the_next_segment_says_a_place_left_waiting(
    sqlite_url: str,
) -> None:
    engine, first, second, request_id = await _two_segments(sqlite_url)
    snapshot = _snapshot(engine, second, Audience.DELEGATE, "p1")
    told = snapshot["elsewhere"][first]
    assert [(r["id"], r["status"], r["carried_to"], r["dropped"]) for r in told["requests"]] == [
        (request_id, "queued", None, False)
    ]
    assert told["turns"] == []
    # another delegate is told nothing of hers; the room's screens and the console get no key
    assert _snapshot(engine, second, Audience.DELEGATE, "p2")["elsewhere"] == {}
    assert "elsewhere" not in _snapshot(engine, second, Audience.PUBLIC, None)
    assert "elsewhere" not in _snapshot(engine, second, Audience.MODERATOR, None)
    # the followed segment itself is not "elsewhere"
    assert _snapshot(engine, first, Audience.DELEGATE, "p1")["elsewhere"] == {}


async def test_a_place_dropped_or_withdrawn_in_an_ended_segment_reaches_the_phone_elsewhere(
    sqlite_url: str,
) -> None:
    engine, first, second, request_id = await _two_segments(sqlite_url)
    frames: list[dict[str, Any]] = []

    def send(frame: Encoded) -> None:
        frames.append(orjson.loads(frame.data))

    phone = Subscriber(
        "ev", Audience.DELEGATE, "p1", True, send=send, snapshot=lambda: Encoded(b"{}")
    )
    engine.hub.add(phone, second)  # her phone follows the lunch break
    ana = Actor(Role.DELEGATE, "ev", "p1")
    # she withdraws it (leaving her phone): her phone hears of it, though it follows the break
    await engine.execute("ev", first, c.WithdrawRequest(request_id=request_id), ana, "w1")
    mine = [f for f in frames if f["type"] == "mine" and f["segment_id"] == first]
    assert mine and [r["status"] for r in mine[-1]["requests"]] == ["withdrawn"]
    # withdrawn: nothing is left to say of that segment
    assert _snapshot(engine, second, Audience.DELEGATE, "p1")["elsewhere"] == {}


async def test_a_dropped_place_is_said_in_the_snapshot(sqlite_url: str) -> None:
    engine, first, second, request_id = await _two_segments(sqlite_url)
    await engine.execute("ev", first, c.CarryQueue(to_segment_id=None), ORGANISER, "drop")
    (told,) = _snapshot(engine, second, Audience.DELEGATE, "p1")["elsewhere"][first]["requests"]
    assert told["id"] == request_id and told["dropped"] is True
