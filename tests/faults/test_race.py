"""Two consoles race: both press "call next" on the same version at the same moment."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import Counter
from collections.abc import Iterator

from tests.e2e.server import ORGANISER_KEY, Api

from .live import Console, FaultServer, open_hearing, read_log

ROUNDS = 1_000
#: Speakers added to the queue at a time.
BATCH = 40


async def refill(console: Console, api: Api, segment_id: str, names: Iterator[str]) -> int:
    """Top the queue up with the next speakers (pipelined on one socket, one command each).

    The queue is kept short on purpose: every command costs the server time in proportion to
    the queue's length (see docs/faults.md), and the race is about the head of the queue."""
    last = None
    for name in itertools.islice(names, BATCH):
        last = f"add-{name.replace(' ', '-')}"
        await console.send(last, {"type": "add_speaker", "name": name})
    if last is not None:
        answer = await console.answer(last)
        assert answer["type"] == "ack", answer
    return int(api.state(segment_id)["version"])


async def test_two_consoles_calling_next_on_the_same_version_apply_it_exactly_once(
    server: FaultServer, api: Api
) -> None:
    hearing = open_hearing(api)
    segment_id = hearing.segment_id
    url = f"{server.ws_base}/ws/segments/{segment_id}"
    left = await Console.open(url, hearing.moderator_token)
    right = await Console.open(url, ORGANISER_KEY)
    names = [f"Speaker {n:04d}" for n in range(ROUNDS)]
    waiting = iter(names)
    version = await refill(left, api, segment_id, waiting)

    began = time.monotonic()
    outcomes: Counter[str] = Counter()
    for round_ in range(ROUNDS):
        assert left.mirror.state is not None
        if len(left.mirror.state["queue"]) < 10:
            version = await refill(left, api, segment_id, waiting)
        await asyncio.gather(left.at_version(version), right.at_version(version))
        ids = (f"left-{round_}", f"right-{round_}")
        sends = [
            left.send(ids[0], {"type": "call_next"}, base_version=version),
            right.send(ids[1], {"type": "call_next"}, base_version=version),
        ]
        random.shuffle(sends)  # neither console is always first out of the door
        await asyncio.gather(*sends)
        answers = await asyncio.gather(left.answer(ids[0]), right.answer(ids[1]))
        acks = [a for a in answers if a["type"] == "ack"]
        refusals = [a for a in answers if a["type"] == "error"]
        assert len(acks) == 1 and len(refusals) == 1, answers
        # the loser lost the version; or, decided first, it would have moved the floor on from
        # a speaker the other console had called a moment before (``just_called``: in a day's
        # rounds a second or more apart it never is), and the other's press then applied
        code = refusals[0]["code"]
        assert code in ("stale_version", "just_called"), refusals[0]
        expected = ["turn_started"] if round_ == 0 else ["turn_ended", "turn_started"]
        assert acks[0]["events"] == expected
        assert acks[0]["version"] == version + len(expected)
        if code == "stale_version":
            # the refused console was shown the state it lost to: the speaker just called
            assert refusals[0]["state"]["state"]["current"]["name"] == names[round_]
        else:
            assert refusals[0]["name"] == names[round_ - 1]
        winner = left if answers[0] is acks[0] else right
        outcomes["left" if winner is left else "right"] += 1
        # the winner starts the speaker's timer, so the turn is a speech on the record
        await winner.send(f"timer-{round_}", {"type": "start_timer"})
        started = await winner.answer(f"timer-{round_}")
        assert started["type"] == "ack", started
        version = started["version"]
    raced_s = time.monotonic() - began
    await winner.send("end", {"type": "end_turn"})  # the console that called the last one
    assert (await winner.answer("end"))["type"] == "ack"

    speeches = api.ok("GET", f"/segments/{segment_id}/speeches")
    assert [s["name"] for s in speeches] == names  # nobody skipped, nobody called twice
    assert len({s["entry_id"] for s in speeches}) == ROUNDS
    state = api.state(segment_id)["state"]
    assert state["queue"] == [] and state["current"] is None
    records = read_log(server.database_url, hearing.event_id)
    started_turns = [r for r in records if r.type == "turn_started"]
    assert len(started_turns) == ROUNDS
    applied = Counter(r.command_id for r in started_turns)
    assert all(n == 1 for n in applied.values())
    assert sum(outcomes.values()) == ROUNDS
    print(f"{ROUNDS} rounds in {raced_s:.1f} s; wins {dict(outcomes)}")
    await left.connection.close()
    await right.connection.close()
