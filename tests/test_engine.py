"""The engine over a real store: durable, idempotent, rebuilt exactly from the log."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import threading
from collections.abc import Iterator, Sequence

import orjson
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql import Executable

from app.engine import FOREIGN_WRITER, Engine, StorageUnavailable
from app.floor import Actor, FloorError, Role, StaleVersion
from app.floor import commands as c
from app.floor.roles import ORGANISER
from app.hub import Encoded, Send, Subscriber
from app.patch import apply_patch
from app.store import CommandRecord, LogRecord
from app.store.tables import EventRow, ParticipantRow
from app.views import Audience
from tests.engines import counted_engine


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000_000

    def __call__(self) -> int:
        return self.now


def _make(url: str, clock: Clock) -> Engine:
    return counted_engine(url, clock)


async def _hearing(engine: Engine) -> tuple[str, str]:
    await engine.create_event(EventRow(id="ev", title="Hearing", join_code="j", created_at=0))
    await engine.add_participant(
        ParticipantRow(id="p1", event_id="ev", name="Ana", constituency="academia", created_at=0)
    )
    created = await engine.execute(
        "ev", None, c.CreateSegment(title="Discussion I"), ORGANISER, "c0"
    )
    segment_id = created["segment_id"]
    await engine.execute("ev", segment_id, c.StartSegment(), ORGANISER, "c1")
    return "ev", segment_id


@contextlib.contextmanager
def _failing_writes(engine: Engine, reason: str) -> Iterator[None]:
    """Every write of the log fails with ``reason`` (a locked database, a full disk) meanwhile."""
    append = engine.store.append

    def broken(
        records: Sequence[LogRecord],
        commands: Sequence[CommandRecord] = (),
        statements: Sequence[Executable] = (),
    ) -> None:
        raise OperationalError("INSERT", {}, Exception(reason))

    engine.store.append = broken  # type: ignore[method-assign]
    try:
        yield
    finally:
        engine.store.append = append  # type: ignore[method-assign]


async def test_restart_rebuilds_state_version_and_deadline(database_url: str) -> None:
    clock = Clock()
    engine = _make(database_url, clock)
    event_id, segment_id = await _hearing(engine)
    delegate = Actor(Role.DELEGATE, event_id, "p1")
    await engine.execute(event_id, segment_id, c.RequestFloor(), delegate, "r1")
    request_id = next(iter(engine.hearing(event_id).state.segments[segment_id].requests))
    await engine.execute(
        event_id, segment_id, c.ApproveRequest(request_id=request_id), ORGANISER, "a1"
    )
    await engine.execute(event_id, segment_id, c.AddSpeaker(name="Guest"), ORGANISER, "a2")
    await engine.execute(event_id, segment_id, c.CallNext(), ORGANISER, "n1")
    clock.now += 5_000
    await engine.execute(event_id, segment_id, c.StartTimer(), ORGANISER, "t1")
    before = engine.hearing(event_id).state.segments[segment_id]
    assert before.current is not None and before.current.timer.running

    clock.now += 60_000  # the server is down for a minute; the deadline does not move
    reborn = _make(database_url, clock)
    await reborn.load()
    after = reborn.hearing(event_id).state.segments[segment_id]
    assert after == before
    assert after.current is not None
    assert after.current.timer.deadline_at == before.current.timer.deadline_at
    assert after.current.timer.remaining_at(clock.now) == 180_000 - 60_000
    # command ids survive the restart too
    again = await reborn.execute(event_id, segment_id, c.CallNext(), ORGANISER, "n1")
    assert again["duplicate"] and reborn.hearing(event_id).state.segments[segment_id] == after


async def test_retried_command_id_is_applied_once(sqlite_url: str) -> None:
    engine = _make(sqlite_url, Clock())
    event_id, segment_id = await _hearing(engine)
    first = await engine.execute(event_id, segment_id, c.AddSpeaker(name="A"), ORGANISER, "x")
    second = await engine.execute(event_id, segment_id, c.AddSpeaker(name="A"), ORGANISER, "x")
    assert second == {**first, "duplicate": True}
    assert len(engine.hearing(event_id).state.segments[segment_id].queue) == 1
    with pytest.raises(FloorError) as error:
        await engine.execute(event_id, segment_id, c.AddSpeaker(name="B"), ORGANISER, "x")
    assert error.value.code == "command_id_reused"


async def test_stale_version_is_refused_with_the_current_state(sqlite_url: str) -> None:
    engine = _make(sqlite_url, Clock())
    event_id, segment_id = await _hearing(engine)
    version = engine.hearing(event_id).state.segments[segment_id].version
    await engine.execute(event_id, segment_id, c.AddSpeaker(name="A"), ORGANISER, "a", version)
    with pytest.raises(StaleVersion) as error:
        await engine.execute(event_id, segment_id, c.AddSpeaker(name="B"), ORGANISER, "b", version)
    assert error.value.detail is not None
    state = error.value.detail["state"]
    assert isinstance(state, dict) and state["version"] == version + 1
    assert [e["name"] for e in state["state"]["queue"]] == ["A"]


async def test_a_failed_write_changes_nothing_and_can_be_retried(sqlite_url: str) -> None:
    engine = _make(sqlite_url, Clock())
    event_id, segment_id = await _hearing(engine)
    before = engine.hearing(event_id).state
    with (
        _failing_writes(engine, "database is locked"),
        pytest.raises(StorageUnavailable) as error,
    ):
        await engine.execute(event_id, segment_id, c.AddSpeaker(name="A"), ORGANISER, "w")
    assert error.value.status == 503 and "retry" in error.value.message
    assert engine.hearing(event_id).state is before
    result = await engine.execute(event_id, segment_id, c.AddSpeaker(name="A"), ORGANISER, "w")
    assert result["version"] == before.segments[segment_id].version + 1


async def test_a_locked_database_is_said_to_be_held_by_another_program(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Outside probe N: a SQLite file another program held locked was logged as "check the
    disk's free space and that the database server is reachable", neither of which it was."""
    engine = _make(sqlite_url, Clock())
    event_id, segment_id = await _hearing(engine)
    with (
        caplog.at_level(logging.WARNING, logger="floorkeeper"),
        _failing_writes(engine, "database is locked"),
        pytest.raises(StorageUnavailable),
    ):
        await engine.execute(event_id, segment_id, c.AddSpeaker(name="A"), ORGANISER, "1")
    (said,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert "another program holds the database file's lock" in said
    assert "free space" not in said


async def test_a_database_that_cannot_be_written_is_said_once_and_until_it_can(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A full disk: every command refused (nothing applied), the log says it once, not once per
    command, and the engine holds why (the health check answers 503 with it) until a write
    succeeds again, which the log says too."""
    engine = _make(sqlite_url, Clock())
    event_id, segment_id = await _hearing(engine)
    with (
        caplog.at_level(logging.WARNING, logger="floorkeeper"),
        _failing_writes(engine, "disk full"),
    ):
        for n in range(3):
            with pytest.raises(StorageUnavailable):
                await engine.execute(
                    event_id, segment_id, c.AddSpeaker(name="A"), ORGANISER, f"{n}"
                )
    assert engine.storage_error == "OperationalError: disk full"
    (said,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "the database cannot be written (OperationalError: disk full)" in said.getMessage()
    assert "check the disk's free space" in said.getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="floorkeeper"):
        await engine.execute(event_id, segment_id, c.AddSpeaker(name="A"), ORGANISER, "0")
    assert engine.storage_error is None
    assert [r.getMessage() for r in caplog.records] == [
        "the database can be written again: commands are taken again"
    ]


async def test_another_server_writing_the_log_is_said_as_such_until_restarted(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Outside probe U: a new version started beside an old one still serving the same file
    refused every write as "check the disk's free space ... retry with the same command id",
    and its health check said ok. Another process wrote the versions this one meant to: said
    so, in the log and to each command, and kept as the storage error (a write that passes
    since, the health check's own, does not clear it) until a restart reads the log again."""
    engine = _make(database_url, Clock())
    event_id, segment_id = await _hearing(engine)
    other = _make(database_url, Clock())  # the other server, on the same database
    await other.load()
    await other.execute(event_id, segment_id, c.AddSpeaker(name="Theirs"), ORGANISER, "o1")
    with caplog.at_level(logging.WARNING, logger="floorkeeper"):
        for n in range(2):
            with pytest.raises(StorageUnavailable) as error:
                await engine.execute(
                    event_id, segment_id, c.AddSpeaker(name="Ours"), ORGANISER, f"m{n}"
                )
            assert error.value.message == FOREIGN_WRITER
            assert "retry" not in error.value.message.replace("retrying will not help", "")
    (said,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert said.startswith(FOREIGN_WRITER) and "free space" not in said
    assert engine.storage_error == FOREIGN_WRITER
    await engine._write(engine.store.write_probe, "probe", "x")  # a write that passes
    assert engine.storage_error == FOREIGN_WRITER
    # restarted, it reads what the other wrote and goes on from there
    reborn = _make(database_url, Clock())
    await reborn.load()
    await reborn.execute(event_id, segment_id, c.AddSpeaker(name="Ours"), ORGANISER, "m9")
    names = [e.speaker.name for e in reborn.hearing(event_id).state.segments[segment_id].queue]
    assert names == ["Theirs", "Ours"] and reborn.storage_error is None


async def test_one_update_per_version_for_each_audience(sqlite_url: str) -> None:
    engine = _make(sqlite_url, Clock())
    event_id, segment_id = await _hearing(engine)
    sent: dict[Audience, list[str]] = {audience: [] for audience in Audience}

    def to(box: list[str]) -> Send:
        def send(frame: Encoded) -> None:
            box.append(frame.text)

        return send

    subscribers = {
        audience: Subscriber(
            event_id,
            audience,
            None,
            False,
            send=to(sent[audience]),
            snapshot=lambda: Encoded(b"{}"),
        )
        for audience in Audience
    }
    for subscriber in subscribers.values():
        engine.hub.add(subscriber, segment_id)
    await engine.execute(event_id, segment_id, c.AddSpeaker(name="A"), ORGANISER, "a")
    await engine.execute(event_id, segment_id, c.CallNext(), ORGANISER, "n")
    for audience, box in sent.items():
        frames = [orjson.loads(frame) for frame in box]
        versions = [frame["version"] for frame in frames if frame["type"] == "update"]
        assert versions == [3, 4], audience
    public = [orjson.loads(f) for f in sent[Audience.PUBLIC]]
    assert "participant_id" not in orjson.dumps(public).decode()


async def test_a_cancelled_request_still_finishes_the_write_it_started(sqlite_url: str) -> None:
    """A REST client that hangs up mid-request cancels its handler: a participant already being
    written must still be known in memory afterwards, as it is in the database."""
    engine = _make(sqlite_url, Clock())
    event_id, _ = await _hearing(engine)
    writing, finish = threading.Event(), threading.Event()
    append = engine.store.append

    def slow_append(
        records: Sequence[LogRecord],
        commands: Sequence[CommandRecord] = (),
        statements: Sequence[Executable] = (),
    ) -> None:
        writing.set()
        finish.wait(10)
        append(records, commands, statements)

    engine.store.append = slow_append  # type: ignore[method-assign]
    row = ParticipantRow(
        id="p2", event_id=event_id, name="Ben", constituency="academia", created_at=0
    )
    task = asyncio.create_task(engine.add_participant(row))
    await asyncio.to_thread(writing.wait, 10)
    task.cancel()
    finish.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert "p2" in engine.hearing(event_id).speakers
    assert "p2" in {p.id for p in engine.store.participants(event_id)}


async def test_commands_decided_during_a_write_are_written_together(sqlite_url: str) -> None:
    """Group commit: a burst of commands costs one transaction, and each is answered only once
    it is in the log, with its own version, in order."""
    engine = _make(sqlite_url, Clock())
    event_id, segment_id = await _hearing(engine)
    start = engine.hearing(event_id).state.segments[segment_id].version
    batches: list[int] = []
    append = engine.store.append

    def counting(
        records: Sequence[LogRecord],
        commands: Sequence[CommandRecord] = (),
        statements: Sequence[Executable] = (),
    ) -> None:
        batches.append(len(commands))
        append(records, commands, statements)

    engine.store.append = counting  # type: ignore[method-assign]
    seen: list[Encoded] = []
    screen = Subscriber(event_id, Audience.PUBLIC, None, False, seen.append, lambda: Encoded(b"{}"))
    engine.hub.add(screen, segment_id)
    segment = engine.hearing(event_id).state.segments[segment_id]
    document = copy.deepcopy(engine.projections.snapshot(segment, Audience.PUBLIC, None)["state"])
    add = [c.AddSpeaker(name=f"S{n}") for n in range(50)]
    results = await asyncio.gather(
        *(engine.execute(event_id, segment_id, a, ORGANISER, f"a{n}") for n, a in enumerate(add)),
        engine.execute(event_id, segment_id, add[0], ORGANISER, "a0"),  # a retry, in flight
    )
    assert batches == [50]
    assert [r["version"] for r in results[:50]] == list(range(start + 1, start + 51))
    assert results[50] == {**results[0], "duplicate": True}
    # the screen got ONE update for the 50 versions, saying where it starts
    updates = [orjson.loads(frame.data) for frame in seen]
    assert [(u["from_version"], u["version"]) for u in updates] == [(start, start + 50)]
    after = apply_patch(document, updates[0]["patch"])
    assert [entry["name"] for entry in after["queue"]] == [f"S{n}" for n in range(50)]
    # a screen that held the version before resumes with it; none can be inside it
    assert engine.hub.missed(segment_id, Audience.PUBLIC, start, start + 50) == [seen[0]]
    assert engine.hub.missed(segment_id, Audience.PUBLIC, start + 1, start + 50) is None
    fresh = _make(sqlite_url, Clock())
    await fresh.load()
    queue = fresh.hearing(event_id).state.segments[segment_id].queue
    assert [entry.speaker.name for entry in queue] == [f"S{n}" for n in range(50)]


async def test_a_failed_batch_fails_every_command_decided_on_it(sqlite_url: str) -> None:
    engine = _make(sqlite_url, Clock())
    event_id, segment_id = await _hearing(engine)
    hearing = engine.hearing(event_id)
    before = hearing.state
    with _failing_writes(engine, "disk I/O error"):
        answers = await asyncio.gather(
            *(
                engine.execute(event_id, segment_id, c.AddSpeaker(name=f"S{n}"), ORGANISER, f"b{n}")
                for n in range(3)
            ),
            return_exceptions=True,
        )
    assert all(isinstance(answer, StorageUnavailable) for answer in answers)
    assert hearing.state is before and hearing.latest is before and not hearing.pending
    retried = [
        await engine.execute(event_id, segment_id, c.AddSpeaker(name=f"S{n}"), ORGANISER, f"b{n}")
        for n in range(3)
    ]
    version = before.segments[segment_id].version
    assert [r["version"] for r in retried] == [version + 1, version + 2, version + 3]


async def test_a_failed_participant_or_join_code_write_leaves_memory_as_the_database(
    sqlite_url: str,
) -> None:
    """A participant and a new join code are written by the meeting day's writer, like commands:
    a failed write changes nothing in memory, and the same call succeeds afterwards."""
    engine = _make(sqlite_url, Clock())
    event_id, _ = await _hearing(engine)
    hearing = engine.hearing(event_id)
    code = hearing.event.join_code
    row = ParticipantRow(
        id="p9", event_id=event_id, name="Zed", constituency="academia", created_at=0
    )
    with _failing_writes(engine, "disk I/O error"):
        with pytest.raises(StorageUnavailable):
            await engine.add_participant(row)
        with pytest.raises(StorageUnavailable):
            await engine.rotate_join_code(hearing)
    assert "p9" not in hearing.speakers and hearing.event.join_code == code
    assert "p9" not in {p.id for p in engine.store.participants(event_id)}
    assert engine.store.event(event_id).join_code == code  # type: ignore[union-attr]
    await engine.add_participant(row)
    new_code = await engine.rotate_join_code(hearing)
    assert "p9" in hearing.speakers and hearing.event.join_code == new_code != code
    assert engine.store.event(event_id).join_code == new_code  # type: ignore[union-attr]


async def test_a_start_with_the_clock_stepped_back_says_so(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The machine's clock an hour behind the log's newest write (stepped back, or the database
    brought from a machine whose clock was ahead): said at start, with what to do; a clock a
    few seconds behind (NTP's slew) is not."""
    clock = Clock()
    engine = _make(sqlite_url, clock)
    await _hearing(engine)
    clock.now -= 10_000
    with caplog.at_level(logging.ERROR, logger="floorkeeper"):
        await _make(sqlite_url, clock).load()
    assert not caplog.records
    clock.now -= 3_600_000
    with caplog.at_level(logging.ERROR, logger="floorkeeper"):
        await _make(sqlite_url, clock).load()
    (said,) = caplog.records
    assert "this machine's clock reads 2023-11-14T21:13:10+00:00, 3610 s before the newest" in (
        said.getMessage()
    )
    assert "set the clock right" in said.getMessage()


async def test_a_segment_taken_out_stays_out_after_a_restart(database_url: str) -> None:
    clock = Clock()
    engine = _make(database_url, clock)
    event_id, segment_id = await _hearing(engine)
    extra = await engine.execute(event_id, None, c.CreateSegment(title="Extra"), ORGANISER, "x0")
    await engine.execute(event_id, extra["segment_id"], c.RemoveSegment(), ORGANISER, "x1")
    restarted = _make(database_url, clock)
    await restarted.load()
    hearing = restarted.hearing(event_id)
    assert [s.id for s in hearing.state.programme()] == [segment_id]
    assert [s["id"] for s in restarted.projections.segments(hearing)] == [segment_id]
    with pytest.raises(FloorError, match="was removed from the programme"):
        await restarted.execute(event_id, extra["segment_id"], c.StartSegment(), ORGANISER, "x2")
