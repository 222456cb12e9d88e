"""The cost of the console's instruments on a busy day: ``python -m bench.instruments``.

Builds one live segment through the pure core (300 turns spoken, 1,000 floor requests pending,
20 speakers queued) and times ``app.instruments.instruments``, which the server runs at most
once per 0.2 s per meeting day after changes, and every 15 s while a segment is live. Then the
day's schedule past its hard stop, with where to cut (``app.floor.cuts.day``: a binary search
that asks the schedule again per time each tried) against the schedule alone, on a live queue of
50 turns.
"""

from __future__ import annotations

import statistics
import time

from app import instruments
from app.floor import commands as c
from app.floor import cuts, schedule
from app.floor.decide import Context
from app.floor.model import Constituency, Speaker
from tests.floor.kit import Floor, delegate, live_floor
from tests.floor.test_cuts import NOW, SPEECH, afternoon
from tests.floor.test_schedule import at

REGIONS = ["Africa", "Europe", "Asia-Pacific", "Americas", "Arab States", ""]
CONSTITUENCIES = list(Constituency)


def busy_day(spoken: int = 300, pending: int = 1_000, queued: int = 20) -> Floor:
    floor = live_floor()
    for n in range(spoken):
        constituency = CONSTITUENCIES[n % len(CONSTITUENCIES)]
        floor.send(c.AddSpeaker(name=f"S{n}", constituency=constituency, region=REGIONS[n % 5]))
        floor.send(c.CallNext())
        floor.tick(60_000)
        floor.send(c.EndTurn())
    people = {
        f"q{n}": Speaker(
            f"Q{n}", "", CONSTITUENCIES[n % len(CONSTITUENCIES)], f"q{n}", region=REGIONS[n % 6]
        )
        for n in range(pending)
    }

    def context(actor: object) -> Context:
        return Context(now=floor.now, actor=actor, new_id=floor.new_id, speakers=people)  # type: ignore[arg-type]

    floor.context = context  # type: ignore[method-assign]
    for n in range(pending):
        floor.send(c.RequestFloor(), delegate(f"q{n}"))
    for n in range(queued):
        floor.send(c.AddSpeaker(name=f"W{n}"))
    return floor


def main() -> None:
    floor = busy_day()
    times = []
    for _ in range(30):
        started = time.perf_counter()
        instruments.instruments(floor.state, "America/New_York", floor.now)
        times.append(time.perf_counter() - started)
    print(
        "instruments(): 300 turns spoken, 1,000 requests pending, 20 queued: "
        f"median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
    )
    late = afternoon([(3, SPEECH)] * 50)  # the day 1 h 30 min past its 18:00 stop
    stop = at("2026-12-04 18:00")
    alone, with_cut = [], []
    for _ in range(200):
        started = time.perf_counter()
        schedule.schedule(late, NOW, "Europe/Zurich", stop)
        alone.append(time.perf_counter() - started)
        started = time.perf_counter()
        cut = cuts.day(late, NOW, "Europe/Zurich", stop)["hard_stop"]["cut"]
        with_cut.append(time.perf_counter() - started)
    assert cut is not None and cut["queue"] is not None
    a, b = statistics.median(alone), statistics.median(with_cut)
    print(
        "past the hard stop, 50 turns queued: schedule() "
        f"{a * 1e6:.0f} us, with where to cut {b * 1e6:.0f} us ({b / a:.1f}x)"
    )


if __name__ == "__main__":
    main()
