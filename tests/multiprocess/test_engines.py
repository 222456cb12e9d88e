"""Several engines on one PostgreSQL database, in one Python process, told of each other's writes
by a ``MemoryBus``: the races of several processes, decided by the database, without processes.

Each engine is what one ``floorkeeper serve --redis-url`` runs; the bus stands for Redis (the
same ``Entry`` bytes cross it). The tests with real processes and Redis are beside this one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
import pytest

from app import engine as engine_
from app.engine import Engine
from app.fanout import Entry, MemoryBus, MemoryFanout
from app.floor import FloorError, StaleVersion
from app.floor import commands as c
from app.floor import contributions as o
from app.floor.model import SegmentStatus
from app.floor.roles import ORGANISER, Actor, Role
from app.hub import Hub, Subscriber, encode
from app.patch import apply_patch
from app.store import Store, make_engine, migrate
from app.store import shared as shared_store
from app.store.tables import EventRow, ParticipantRow
from app.views import Audience


async def eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``predicate`` holds (checked between turns of the event loop)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not come true in time")
        await asyncio.sleep(0.005)


class Screen:
    """A subscriber of one segment that keeps the state as a client does: a snapshot, then each
    update whose start is its version (``from_version``), so a gap or a repeat shows."""

    def __init__(self, engine: Engine, event_id: str, segment_id: str) -> None:
        segment = engine.hearing(event_id).state.segments[segment_id]
        self.version = segment.version
        self.state: Any = engine.projections.view(segment, Audience.MODERATOR)
        self.versions: list[int] = []
        self.problems: list[str] = []
        self.subscriber = Subscriber(
            event_id,
            Audience.MODERATOR,
            None,
            False,
            send=self.send,
            snapshot=lambda: encode({"type": "snapshot"}),
        )
        engine.hub.add(self.subscriber, segment_id)

    def send(self, frame: Any) -> None:
        message = orjson.loads(frame.data)
        if message["type"] == "snapshot":
            self.problems.append("reset to a snapshot")
        if message["type"] != "update":
            return
        start = message.get("from_version", message["version"] - 1)
        if start != self.version:
            self.problems.append(f"update {start}->{message['version']} at {self.version}")
            return
        if message["version"] <= start:
            self.problems.append(f"update {start}->{message['version']} goes back")
        self.state = apply_patch(self.state, message["patch"])
        self.version = message["version"]
        self.versions.append(message["version"])


class Cluster:
    def __init__(self, url: str) -> None:
        self.url = url
        self.bus = MemoryBus()
        self.engines: list[Engine] = []

    async def engine(self, name: str, fanout: MemoryFanout | None = None) -> Engine:
        database = make_engine(self.url)
        await asyncio.to_thread(migrate, database)
        engine = Engine(
            Store(database), Hub(), fanout=fanout or MemoryFanout(self.bus, origin=name)
        )
        await engine.load()
        self.engines.append(engine)
        return engine

    async def close(self) -> None:
        for engine in self.engines:
            await engine.close()
            engine.store.engine.dispose()


@pytest.fixture
async def cluster(postgres_url: str) -> AsyncIterator[Cluster]:
    made = Cluster(postgres_url)
    yield made
    await made.close()


async def _hearing(engine: Engine, speakers: int = 0) -> tuple[str, str]:
    await engine.create_event(EventRow(id="ev", title="Hearing", join_code="j1", created_at=0))
    created = await engine.execute("ev", None, c.CreateSegment(title="Discussion"), ORGANISER, "s")
    segment_id = created["segment_id"]
    await engine.execute("ev", segment_id, c.StartSegment(), ORGANISER, "start")
    for n in range(speakers):
        await engine.execute("ev", segment_id, c.AddSpeaker(name=f"S{n}"), ORGANISER, f"add{n}")
    return "ev", segment_id


def _version(engine: Engine, segment_id: str) -> int:
    return engine.hearing("ev").state.segments[segment_id].version


async def test_two_consoles_racing_at_one_version_one_applies_the_other_is_stale(
    cluster: Cluster,
) -> None:
    a = await cluster.engine("a")
    event_id, segment_id = await _hearing(a, speakers=2)
    b = await cluster.engine("b")
    screens = [Screen(a, event_id, segment_id), Screen(b, event_id, segment_id)]
    version = _version(b, segment_id)
    answers = await asyncio.gather(
        a.execute(event_id, segment_id, c.CallNext(), ORGANISER, "x-a", version),
        b.execute(event_id, segment_id, c.CallNext(), ORGANISER, "x-b", version),
        return_exceptions=True,
    )
    applied = [answer for answer in answers if isinstance(answer, dict)]
    refused = [answer for answer in answers if isinstance(answer, StaleVersion)]
    assert len(applied) == 1 and len(refused) == 1, answers
    # refused as a first decision is: with the state it lost to
    detail = refused[0].detail
    assert detail is not None
    shown: Any = detail["state"]
    assert shown["version"] == applied[0]["version"]
    final = applied[0]["version"]
    await eventually(lambda: all(screen.version == final for screen in screens))
    for screen in screens:
        assert screen.problems == []
        assert screen.versions == list(range(version + 1, final + 1))
    assert screens[0].state == screens[1].state
    assert a.hearing(event_id).state == b.hearing(event_id).state


async def test_commands_that_lose_a_race_without_a_base_version_are_decided_again(
    cluster: Cluster,
) -> None:
    a = await cluster.engine("a")
    event_id, segment_id = await _hearing(a)
    b = await cluster.engine("b")
    screens = [Screen(a, event_id, segment_id), Screen(b, event_id, segment_id)]
    start = _version(a, segment_id)
    sends = []
    for n in range(40):
        engine = (a, b)[n % 2]
        name = f"N{n}"
        sends.append(engine.execute(event_id, segment_id, c.AddSpeaker(name=name), ORGANISER, name))
    answers = await asyncio.gather(*sends)
    final = start + 40
    assert sorted(answer["version"] for answer in answers) == list(range(start + 1, final + 1))
    await eventually(lambda: all(screen.version == final for screen in screens))
    for screen in screens:  # every version once, in order (a write's updates may span several)
        assert screen.problems == [] and screen.versions[-1] == final
    queue = a.hearing(event_id).state.segments[segment_id].queue
    assert sorted(entry.speaker.name for entry in queue) == sorted(f"N{n}" for n in range(40))
    assert a.hearing(event_id).state == b.hearing(event_id).state
    assert a.races_lost + b.races_lost > 0  # they did race
    fresh = await cluster.engine("fresh")  # the log, folded anew, agrees
    assert fresh.hearing(event_id).state == a.hearing(event_id).state


async def test_one_command_id_sent_to_two_processes_is_applied_once(cluster: Cluster) -> None:
    a = await cluster.engine("a")
    event_id, segment_id = await _hearing(a)
    b = await cluster.engine("b")
    start = _version(a, segment_id)
    command = c.AddSpeaker(name="Once")
    answers = await asyncio.gather(
        a.execute(event_id, segment_id, command, ORGANISER, "same"),
        b.execute(event_id, segment_id, command, ORGANISER, "same"),
    )
    assert [answer["version"] for answer in answers] == [start + 1, start + 1]
    assert sorted(bool(answer.get("duplicate")) for answer in answers) == [False, True]
    await eventually(lambda: _version(b, segment_id) == _version(a, segment_id) == start + 1)
    names = [e.speaker.name for e in a.hearing(event_id).state.segments[segment_id].queue]
    assert names == ["Once"]
    # another body under that id is refused on either process
    with pytest.raises(FloorError, match="already used"):
        await b.execute(event_id, segment_id, c.AddSpeaker(name="Other"), ORGANISER, "same")


async def test_two_segments_started_at_once_on_two_processes_leave_one_live(
    cluster: Cluster,
) -> None:
    a = await cluster.engine("a")
    await a.create_event(EventRow(id="ev", title="Hearing", join_code="j1", created_at=0))
    first = await a.execute("ev", None, c.CreateSegment(title="One"), ORGANISER, "s1")
    second = await a.execute("ev", None, c.CreateSegment(title="Two"), ORGANISER, "s2")
    b = await cluster.engine("b")
    await asyncio.gather(
        a.execute("ev", first["segment_id"], c.StartSegment(), ORGANISER, "go1"),
        b.execute("ev", second["segment_id"], c.StartSegment(), ORGANISER, "go2"),
    )
    fresh = await cluster.engine("fresh")
    folded = fresh.hearing("ev").state
    for engine in (a, b):
        hearing = engine.hearing("ev")
        await eventually(lambda hearing=hearing: hearing.state == folded)  # type: ignore[misc]
    live = [s.id for s in folded.segments.values() if s.status is SegmentStatus.LIVE]
    assert len(live) == 1


async def test_rows_and_meeting_days_made_on_one_process_are_learnt_by_the_other(
    cluster: Cluster,
) -> None:
    a = await cluster.engine("a")
    event_id, _ = await _hearing(a)
    b = await cluster.engine("b")
    await a.add_participant(
        ParticipantRow(
            id="p1", event_id=event_id, name="Ana", constituency="academia", created_at=0
        )
    )
    code = await a.rotate_join_code(a.hearing(event_id))
    await a.create_event(EventRow(id="ev2", title="Day two", join_code="j2", created_at=1))
    await eventually(lambda: "p1" in b.hearing(event_id).speakers)
    await eventually(lambda: b.hearing(event_id).event.join_code == code)
    await eventually(lambda: "ev2" in b.hearings)
    # and the new meeting day's writes reach b
    created = await a.execute("ev2", None, c.CreateSegment(title="Morning"), ORGANISER, "m")
    await eventually(lambda: created["segment_id"] in b.hearing("ev2").state.segments)


async def test_a_hard_stop_set_on_one_process_is_read_by_the_other(cluster: Cluster) -> None:
    """The event's hard stop (when interpretation ends), as PATCH /events writes it on one
    process: the other reads the row again and its consoles' forecast and booths use it."""
    a = await cluster.engine("a")
    event_id, _ = await _hearing(a)
    b = await cluster.engine("b")
    hearing, six_pm = a.hearing(event_id), 1_652_738_400_000
    await a._write_rows(
        hearing,
        [Store.update_event(event_id, {"hard_stop_at": six_pm})],
        lambda: setattr(hearing.event, "hard_stop_at", six_pm),
    )
    await eventually(lambda: b.hearing(event_id).event.hard_stop_at == six_pm)
    message = b.projections.day_end_message(b.hearing(event_id))
    assert message["hard_stop"]["stop_at"] is not None


async def test_a_participant_corrected_on_one_process_is_corrected_on_the_other(
    cluster: Cluster,
) -> None:
    """The registry's correction reaches the other process's registry (its next request carries
    it) and the segment's ``speaker_corrected`` reaches its screens."""
    a = await cluster.engine("a")
    event_id, segment_id = await _hearing(a)
    b = await cluster.engine("b")
    row = ParticipantRow(
        id="p1", event_id=event_id, name="Ana", constituency="academia", created_at=0
    )
    await a.add_participant(row)
    await eventually(lambda: "p1" in b.hearing(event_id).speakers)
    delegate = Actor(Role.DELEGATE, event_id, "p1")
    await b.execute(event_id, segment_id, c.RequestFloor(), delegate, "r1")
    corrected = row.model_copy(update={"name": "Ana María"})
    assert await a.correct_participant(corrected, ORGANISER) == [segment_id]
    await eventually(lambda: b.hearing(event_id).speakers["p1"].name == "Ana María")

    def shown_on_b() -> list[str]:
        segment = b.hearing(event_id).state.segments[segment_id]
        return [request.speaker.name for request in segment.requests.values()]

    await eventually(lambda: shown_on_b() == ["Ana María"])


async def test_a_participant_removed_on_one_process_is_refused_on_the_other(
    cluster: Cluster,
) -> None:
    """The other process forgets them at once (its registry, and no reading them back from the
    database: a command naming them is refused); a notice lost on the way is made good by the
    audit, which finds the row gone."""
    a = await cluster.engine("a", Mute(cluster.bus, "a", drop=0))
    event_id, segment_id = await _hearing(a)
    b = await cluster.engine("b")
    for participant_id in ("p1", "p2"):
        await a.add_participant(
            ParticipantRow(
                id=participant_id, event_id=event_id, name="Ana", constituency="academia",
                created_at=0,
            )
        )  # fmt: skip
    await eventually(lambda: {"p1", "p2"} <= set(b.hearing(event_id).speakers))
    row = a.store.participant("p1")
    assert row is not None
    await a.remove_participant(row)
    # a correction that comes after (or raced) the removal brings nobody back
    with pytest.raises(FloorError) as gone:
        await a.correct_participant(row.model_copy(update={"name": "Ana María"}), ORGANISER)
    assert gone.value.code == "not_found"
    assert "p1" not in a.hearing(event_id).speakers
    await eventually(lambda: "p1" not in b.hearing(event_id).speakers)
    with pytest.raises(FloorError) as refused:
        await b.execute(event_id, segment_id, c.AddSpeaker(participant_id="p1"), ORGANISER, "x1")
    assert refused.value.code == "not_found"
    # the next removal's notice is lost: the audit finds the row gone
    assert isinstance(a.fanout, Mute)
    a.fanout.drop = 1
    second = a.store.participant("p2")
    assert second is not None
    await a.remove_participant(second)
    assert "p2" in b.hearing(event_id).speakers  # not told
    await b.catchup.audit()
    assert "p2" not in b.hearing(event_id).speakers
    with pytest.raises(FloorError):
        await b.execute(event_id, segment_id, c.AddSpeaker(participant_id="p2"), ORGANISER, "x2")


class Mute(MemoryFanout):
    """A process killed between its commit and its publish: it tells nobody (``drop`` entries)."""

    def __init__(self, bus: MemoryBus, origin: str, drop: int) -> None:
        super().__init__(bus, origin)
        self.drop = drop

    def publish(self, entry: Entry, handed: Callable[[], None] | None = None) -> None:
        if self.drop > 0:
            self.drop -= 1
            if handed is not None:
                handed()
            return
        super().publish(entry, handed)


async def test_a_write_nobody_was_told_of_is_found_by_the_audit(cluster: Cluster) -> None:
    a = await cluster.engine("a", Mute(cluster.bus, "a", drop=0))
    event_id, segment_id = await _hearing(a)
    b = await cluster.engine("b")
    screen = Screen(b, event_id, segment_id)
    assert isinstance(a.fanout, Mute)
    a.fanout.drop = 1
    answer = await a.execute(event_id, segment_id, c.AddSpeaker(name="Quiet"), ORGANISER, "q")
    assert _version(b, segment_id) == answer["version"] - 1  # not told
    await b.catchup.audit()
    await eventually(lambda: screen.version == answer["version"])
    assert screen.problems == [] and b.hearing(event_id).results["q"][1] == answer


async def test_a_gap_in_versions_is_read_from_the_log(cluster: Cluster) -> None:
    a = await cluster.engine("a", Mute(cluster.bus, "a", drop=0))
    event_id, segment_id = await _hearing(a)
    b = await cluster.engine("b")
    screen = Screen(b, event_id, segment_id)
    assert isinstance(a.fanout, Mute)
    a.fanout.drop = 1  # the first is lost; the second shows the gap
    await a.execute(event_id, segment_id, c.AddSpeaker(name="Lost"), ORGANISER, "l1")
    last = await a.execute(event_id, segment_id, c.AddSpeaker(name="Told"), ORGANISER, "l2")
    await eventually(lambda: screen.version == last["version"])
    assert screen.problems == []
    assert "l1" in b.hearing(event_id).results
    # the operator sees it: B's scrape counts a read of the log for a gap
    assert b'floorkeeper_catchups_total{reason="gap"} 1.0' in b.metrics.exposition()


async def test_a_bus_that_loses_everything_is_made_good_from_the_log(cluster: Cluster) -> None:
    a = await cluster.engine("a")
    event_id, segment_id = await _hearing(a)
    b = await cluster.engine("b")
    screen = Screen(b, event_id, segment_id)
    answer = await a.execute(event_id, segment_id, c.AddSpeaker(name="Ana"), ORGANISER, "x")
    cluster.bus.lose()  # the entry had not been delivered yet: lost, and said so
    await eventually(lambda: screen.version == answer["version"])
    assert screen.problems == []
    assert b'floorkeeper_catchups_total{reason="lost"} 1.0' in b.metrics.exposition()


async def test_a_guessed_id_costs_the_database_one_query_and_a_new_one_is_found(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A socket names its segment or meeting day before its credential: a guess repeated must not
    cost a query each time (``Engine.absent``), and what another process makes afterwards is
    still found, even before its notice arrives. Fails if every miss asks the database."""
    a = await cluster.engine("a")
    event_id, _ = await _hearing(a)
    b = await cluster.engine("b", Mute(cluster.bus, "b", drop=0))
    asked: list[str] = []
    event_of_segment, event_row = shared_store.event_of_segment, b.store.event

    def counted_segment(store: Store, segment_id: str) -> str | None:
        asked.append(segment_id)
        found: str | None = event_of_segment(store, segment_id)
        return found

    def counted_event(guess: str) -> EventRow | None:
        asked.append(guess)
        return event_row(guess)

    monkeypatch.setattr(shared_store, "event_of_segment", counted_segment)
    monkeypatch.setattr(b.store, "event", counted_event)
    for _ in range(50):
        with pytest.raises(FloorError, match="no segment 'guess'"):
            await b.locate_segment("guess")
        with pytest.raises(FloorError, match="no event 'guessed-day'"):
            await b.locate("guessed-day")
    assert asked == ["guess", "guessed-day"]
    # made on a, b not told (the notice lost): asked for, found in the log
    a.fanout = Mute(cluster.bus, "a", drop=1)
    created = await a.execute(event_id, None, c.CreateSegment(title="Late"), ORGANISER, "late")
    hearing, segment = await b.locate_segment(created["segment_id"])
    assert (hearing.event.id, segment.id) == (event_id, created["segment_id"])
    # and once ABSENT_S has passed, a guess is asked about again
    b.absent.monotonic = lambda: time.monotonic() + engine_.ABSENT_S + 1
    with pytest.raises(FloorError):
        await b.locate_segment("guess")
    assert asked.count("guess") == 2


async def test_what_another_process_made_and_told_nobody_yet_is_read_before_deciding(
    cluster: Cluster,
) -> None:
    """B has not heard of A's newest segment (its publish is held back): a contribution naming
    that segment is read from the log and accepted, not refused as unknown; and a segment B
    adds without a position goes after A's, not beside it."""
    a = await cluster.engine("a", Mute(cluster.bus, "a", drop=0))
    event_id, _ = await _hearing(a)
    await a.add_participant(
        ParticipantRow(
            id="p1", event_id=event_id, name="Ana", constituency="academia", created_at=0
        )
    )
    b = await cluster.engine("b")
    assert isinstance(a.fanout, Mute)
    a.fanout.drop = 1  # the next write reaches the log, and nobody is told
    second = await a.execute(event_id, None, c.CreateSegment(title="Second"), ORGANISER, "two")
    assert second["segment_id"] not in b.hearing(event_id).state.segments

    submitted = await b.execute_outcome(
        event_id,
        o.SubmitContribution(
            kind="recommendation",
            text="Regular pathways",
            language="en",
            on_behalf_of="p1",
            segment_id=second["segment_id"],
        ),
        ORGANISER,
        "rec",
    )
    assert submitted["contribution_id"]
    third = await b.execute(event_id, None, c.CreateSegment(title="Third"), ORGANISER, "three")
    positions = {
        segment.details.title: segment.details.position
        for segment in b.hearing(event_id).state.segments.values()
    }
    assert positions == {"Discussion": 0, "Second": 1, "Third": 2}, third
