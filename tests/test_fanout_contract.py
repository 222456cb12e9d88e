"""The fan-out's contract (app/fanout.py), run against both implementations: in memory (a
``MemoryBus`` of members, as processes) and Redis Streams (a ``redis-server`` of the test's own,
restarted without persistence to lose everything).

- an entry reaches every other member following its meeting day, once, in publishing order,
  intact; never its publisher;
- ``handed`` is called once per entry, in order;
- a notice reaches every other member's listeners, never its sender;
- whatever the backend loses is reported (``Receiver.lost``, ``on_lost``) before any later
  entry is delivered.

Redis alone: a stream trimmed past a reader, a stream Redis lost (a new epoch), and a Redis that
is unreachable (``poll`` every ``poll_s`` until it is back, then ``lost``)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import redis

from app.fanout import Change, Entry, Fanout, MemoryBus, MemoryFanout, RedisFanout, stream_of
from app.store import CommandRecord, LogRecord
from tests.multiprocess.redis_server import RedisServer


async def eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not come true in time")
        await asyncio.sleep(0.005)


class Recorder:
    """A ``fanout.Receiver`` that keeps what it is told, in order."""

    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []
        self.notices: list[tuple[str, dict[str, Any]]] = []
        self.notices_lost = 0

    def received(self, entry: Entry) -> None:
        self.log.append(("entry", entry))

    def lost(self, event_id: str | None) -> None:
        self.log.append(("lost", event_id))

    def poll(self) -> None:
        self.log.append(("poll", None))

    def entries(self) -> list[Entry]:
        return [what for kind, what in self.log if kind == "entry"]

    def count(self, kind: str) -> int:
        return sum(1 for told, _ in self.log if told == kind)


def entry(origin: str, n: int, event_id: str = "ev1") -> Entry:
    """A write as the engine hands it over: records, a result, a row changed."""
    return Entry(
        event_id,
        records=(
            LogRecord(
                event_id, "seg", n, "speaker_added", {"n": n, "by": origin}, f"{origin}{n}", n
            ),
            LogRecord(event_id, "seg2", n, "turn_started", {"ü": "ñ", "x": [1, 2]}, None, n),
        ),
        commands=(CommandRecord(event_id, f"{origin}{n}", "h" * 64, {"version": n}, n),),
        changes=(Change("participant", {"id": f"p{n}", "name": "Ana"}),),
    )


class Backend:
    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.bus = MemoryBus()
        self.redis: RedisServer | None = None
        self.members: list[Fanout] = []
        if kind == "redis":
            self.redis = RedisServer(workdir)
            self.redis.start()

    def make(self, name: str, **options: Any) -> Fanout:
        if self.redis is None:
            made: Fanout = MemoryFanout(self.bus, origin=name)
        else:
            options = {"block_ms": 200, "poll_s": 0.1, **options}
            made = RedisFanout(self.redis.url, origin=name, **options)
        self.members.append(made)
        return made

    async def member(
        self, name: str, events: tuple[str, ...] = ("ev1",), start: bool = True, **options: Any
    ) -> tuple[Fanout, Recorder]:
        fanout, recorder = self.make(name, **options), Recorder()
        fanout.on_lost(lambda: setattr(recorder, "notices_lost", recorder.notices_lost + 1))
        await fanout.open()
        await fanout.mark(events)
        if start:
            fanout.start(recorder)
        return fanout, recorder

    def lose(self) -> None:
        """Lose everything not yet delivered, as a backend does: the bus drops it; Redis is
        killed and started again empty on its port."""
        if self.redis is None:
            self.bus.lose()
        else:
            self.redis.restart()

    async def close(self) -> None:
        for member in self.members:
            await member.close()
        if self.redis is not None:
            self.redis.stop()


@pytest.fixture(params=["memory", "redis"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    made = Backend(request.param, tmp_path)
    yield made
    await made.close()


@pytest.fixture
async def redis_backend(tmp_path: Path) -> AsyncIterator[Backend]:
    made = Backend("redis", tmp_path)
    yield made
    await made.close()


async def test_an_entry_reaches_every_other_member_once_in_order_and_intact(
    backend: Backend,
) -> None:
    (a, got_a), (b, got_b), (_, got_c) = [await backend.member(n) for n in "abc"]
    sent: dict[str, list[Entry]] = {"a": [], "b": []}
    for n in range(1, 31):
        for name, member in (("a", a), ("b", b)):
            sent[name].append(entry(name, n))
            member.publish(sent[name][-1])
    await eventually(lambda: len(got_c.entries()) == 60)
    await eventually(lambda: len(got_a.entries()) == 30 and len(got_b.entries()) == 30)
    by_origin = {
        name: [e for e in got_c.entries() if e.records[0].payload["by"] == name] for name in "ab"
    }
    assert by_origin == sent  # each publisher's in its order, each once, as they were
    b.publish(entry("b", 99))  # after a's own entries in the stream: had they come, they'd be here
    await eventually(lambda: len(got_a.entries()) == 31)
    assert got_a.entries() == [*sent["b"], entry("b", 99)]  # never its own
    assert got_b.entries() == sent["a"]
    assert all(kind == "entry" for kind, _ in got_c.log)  # nothing lost, nothing to poll


async def test_handed_is_called_once_per_entry_in_order(backend: Backend) -> None:
    (a, _), _ = await backend.member("a"), await backend.member("b")
    handed: list[int] = []
    for n in range(50):
        a.publish(entry("a", n), lambda n=n: handed.append(n))  # type: ignore[misc]
    await eventually(lambda: len(handed) == 50)
    assert handed == list(range(50))


async def test_a_notice_reaches_every_other_member_never_its_sender(backend: Backend) -> None:
    members = [await backend.member(name) for name in "abc"]
    heard: dict[str, list[dict[str, Any]]] = {name: [] for name in "abc"}
    for name, (member, _) in zip("abc", members, strict=True):
        member.listen("revoked", heard[name].append)
        member.listen("other", lambda data: pytest.fail(f"not a listener of {data}"))
    a, b = members[0][0], members[1][0]
    for n in range(5):
        a.notify("revoked", {"credential_id": f"c{n}"})
    b.notify("revoked", {"credential_id": "from-b"})
    await eventually(lambda: len(heard["c"]) == 6 and len(heard["a"]) == 1)
    await eventually(lambda: len(heard["b"]) == 5)
    assert heard["a"] == [{"credential_id": "from-b"}]
    assert heard["b"] == [{"credential_id": f"c{n}"} for n in range(5)]
    assert sorted(item["credential_id"] for item in heard["c"]) == sorted(
        [f"c{n}" for n in range(5)] + ["from-b"]
    )


async def test_a_notice_says_when_it_is_with_the_backend(backend: Backend) -> None:
    """``notify``'s ``handed``: called once, when the notice is with the backend (a revocation
    answers then: the others can hear of it); the notice still reaches the others."""
    (a, _), (b, _) = await backend.member("a"), await backend.member("b")
    heard: list[dict[str, Any]] = []
    b.listen("revoked", heard.append)
    handed: list[int] = []
    a.notify("revoked", {"credential_id": "c1"}, lambda: handed.append(1))
    await eventually(lambda: handed == [1] and heard == [{"credential_id": "c1"}])
    assert handed == [1]


async def test_a_meeting_day_followed_later_is_delivered_and_only_to_its_followers(
    backend: Backend,
) -> None:
    (a, _), (b, got_b), (_, got_c) = [await backend.member(n) for n in "abc"]
    b.follow("ev2")
    a.publish(entry("a", 1, "ev2"))
    a.publish(entry("a", 2, "ev1"))
    await eventually(lambda: len(got_b.entries()) == 2 and len(got_c.entries()) == 1)
    # (the order of entries of two meeting days is not the contract's: each stream's is)
    assert sorted(e.event_id for e in got_b.entries()) == ["ev1", "ev2"]
    assert [e.event_id for e in got_c.entries()] == ["ev1"]  # c does not follow ev2


async def test_a_loss_is_reported_before_any_later_entry(backend: Backend) -> None:
    (a, _), (_, got_b) = await backend.member("a"), await backend.member("b")
    a.publish(entry("a", 1))
    await eventually(lambda: len(got_b.entries()) == 1)
    backend.lose()
    # what is published while a member is cut off may be lost (and is said to be); publish
    # until one arrives
    await publish_until_delivered(a, got_b, 2)
    kinds = [kind for kind, _ in got_b.log]
    assert kinds.index("lost") < len(kinds) - 1 - kinds[::-1].index("entry")
    assert ("lost", None) in got_b.log
    assert got_b.notices_lost > 0  # the notices' listeners are told too


async def publish_until_delivered(publisher: Fanout, receiver: Recorder, n: int) -> None:
    had = len(receiver.entries())
    deadline = time.monotonic() + 20
    while len(receiver.entries()) == had:
        assert time.monotonic() < deadline, "nothing was delivered again"
        publisher.publish(entry("a", n))
        n += 1
        with contextlib.suppress(AssertionError):
            await eventually(lambda: len(receiver.entries()) > had, timeout=0.3)


# --- Redis alone ----------------------------------------------------------------------------


async def test_a_stream_trimmed_past_a_reader_is_reported_as_lost(redis_backend: Backend) -> None:
    a, _ = await redis_backend.member("a", maxlen=5)
    b, got_b = await redis_backend.member("b", start=False)  # marked, not reading yet
    handed: list[int] = []
    for n in range(1, 401):  # MAXLEN ~ trims whole nodes of 100 entries
        a.publish(entry("a", n), lambda: handed.append(1))
    await eventually(lambda: len(handed) == 400)
    b.start(got_b)
    await eventually(lambda: [e.records[0].version for e in got_b.entries()][-1:] == [400])
    assert got_b.log[0] == ("lost", "ev1")  # before any entry
    assert got_b.entries()[0].records[0].version > 1


async def test_a_stream_redis_lost_comes_back_with_another_epoch_and_is_reported(
    redis_backend: Backend,
) -> None:
    (a, _), (_, got_b) = await redis_backend.member("a"), await redis_backend.member("b")
    for n in (1, 2):
        a.publish(entry("a", n))
    await eventually(lambda: len(got_b.entries()) == 2)
    assert redis_backend.redis is not None
    client = redis.Redis(port=redis_backend.redis.port)
    client.delete(stream_of("ev1"), f"{stream_of('ev1')}:meta")  # as if evicted, or expired
    client.close()
    a.publish(entry("a", 3))
    await eventually(lambda: len(got_b.entries()) == 3)
    assert got_b.log[-2:] == [("lost", "ev1"), ("entry", entry("a", 3))]


async def test_an_unreachable_redis_is_polled_until_it_is_back(redis_backend: Backend) -> None:
    (a, _), (b, got_b) = await redis_backend.member("a"), await redis_backend.member("b")
    assert redis_backend.redis is not None
    redis_backend.redis.kill()
    await eventually(lambda: got_b.count("poll") >= 3)  # every poll_s
    assert not b.reachable and got_b.log[0] == ("lost", None)
    handed: list[int] = []
    a.publish(entry("a", 1), lambda: handed.append(1))  # acknowledged without waiting for Redis
    await eventually(lambda: handed == [1])
    redis_backend.redis.start()
    # back: the reader notes where every stream is and says anything may have been missed,
    # before anything else it is told (a's entry 1, sent once Redis is back, may follow at once)
    await eventually(lambda: b.reachable and told_since_last_poll(got_b) != [], timeout=20)
    assert told_since_last_poll(got_b)[0] == ("lost", None)
    await publish_until_delivered(a, got_b, 2)


def told_since_last_poll(recorder: Recorder) -> list[tuple[str, Any]]:
    last = max(i for i, (kind, _) in enumerate(recorder.log) if kind == "poll")
    return recorder.log[last + 1 :]


async def test_a_write_is_one_round_trip_and_survives_redis_forgetting_the_script(
    redis_backend: Backend,
) -> None:
    (a, _), (_, got_b) = await redis_backend.member("a"), await redis_backend.member("b")
    a.publish(entry("a", 1))  # the script's first use: Redis has not got it, it is loaded
    await eventually(lambda: len(got_b.entries()) == 1)
    assert redis_backend.redis is not None
    client = redis.Redis(port=redis_backend.redis.port)
    client.config_resetstat()
    a.publish(entry("a", 2))
    await eventually(lambda: len(got_b.entries()) == 2)
    calls = {k: v["calls"] for k, v in client.info("commandstats").items()}
    # EVALSHA alone: no SCRIPT EXISTS round trip before each write (a large room's fan-out
    # went on meanwhile, so the other processes heard of each write tens of ms later)
    assert calls.get("cmdstat_evalsha") == 1 and "cmdstat_script|exists" not in calls
    client.script_flush()  # as after a restart: the next write loads it again, nothing lost
    client.close()
    a.publish(entry("a", 3))
    await eventually(lambda: len(got_b.entries()) == 3)
    assert got_b.entries() == [entry("a", n) for n in (1, 2, 3)]
    assert a.reachable and all(kind == "entry" for kind, _ in got_b.log)


def test_entries_survive_the_wire_as_they_were() -> None:
    sent = entry("a", 7)
    assert Entry.decode(sent.encode()) == sent
