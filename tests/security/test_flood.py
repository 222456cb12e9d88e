"""A delegate who floods the floor with writes cannot hold the room's screens back.

During a burst a meeting day's updates coalesce: a write that comes within the gap after the last
fan-out waits for it (app/projections.py). The hostile case: writes that keep coming, each within
the gap of the one before. The flush is due one gap after the first write that waited, and the
writes after it join that flush; they never move it later. So the room keeps getting an update
about every gap for as long as the flood lasts, not one at its end."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import orjson

from app.floor import commands as c
from app.hub import Encoded
from app.store.tables import ParticipantRow
from tests.test_coalescing import Screen, _delegate, _engine, _version, _written

GAP_S = 0.05
FLOOD_S = 0.5
DELEGATES = 400


async def test_a_flood_of_writes_cannot_postpone_the_room_s_update(sqlite_url: str) -> None:
    """Delegates' floor requests sent without waiting for their answers (as a socket may, up to
    256 unanswered), each written as soon as the one before: every write comes within the gap."""
    loop = asyncio.get_running_loop()
    # the loop's clock from the start (a fake clock's record of the setup's fan-out, read on the
    # loop's clock, deferred the first flush by 1000 s minus the machine's uptime: on a machine
    # up for less than 17 minutes, no update during the flood; CI saw it)
    engine, segment_id, _ = await _engine(sqlite_url, clock=loop.time)
    for n in range(10, 10 + DELEGATES):  # the links a flooder would have to hold
        await engine.add_participant(
            ParticipantRow(
                id=f"p{n}", event_id="ev", name=f"D{n}", constituency="academia", created_at=0
            )
        )
    engine.projections.max_gap_s = engine.projections.gap_per_socket_s = GAP_S
    room = Screen(engine, segment_id=segment_id)
    arrivals: list[float] = []
    send = room.subscriber.send

    def timed(frame: Encoded) -> None:
        if orjson.loads(frame.data)["type"] == "update":
            arrivals.append(loop.time())
        send(frame)

    room.subscriber.send = timed
    answers: list[asyncio.Future[dict[str, Any]]] = []
    started = loop.time()
    for n in range(10, 10 + DELEGATES):
        if loop.time() - started > FLOOD_S:
            break
        answer = await engine.submit("ev", segment_id, c.RequestFloor(), _delegate(n), f"q{n}")
        assert isinstance(answer, asyncio.Future)  # decided, not yet answered
        answers.append(answer)
        await _written(engine)  # durable, not answered: the next comes at once
    flood_ended = loop.time()
    during = [t for t in arrivals if t <= flood_ended]
    # about one update per gap while it lasted; a flush that each write moved later would have
    # given none until the flood stopped. A slow machine is allowed a factor of four.
    assert len(during) >= (flood_ended - started) / GAP_S / 4, (len(during), len(answers))
    # every request answered, and the room ends on the last version, each once, in order
    await asyncio.wait_for(asyncio.gather(*answers), 5)
    spans = room.spans()
    assert spans[-1][1] == _version(engine, segment_id)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
