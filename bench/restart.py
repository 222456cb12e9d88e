"""Restart time with many floor requests in one segment (docs/faults.md).

    .venv/bin/python -m bench.restart                  # N = 10k, 20k, 40k, 80k, best of 3
    .venv/bin/python -m bench.restart --sizes 1000 2000 --delegates 3 --repeat 1   # a smoke run

For each N, a fresh SQLite database (migrated, every commit fsynced, as ``floorkeeper serve``
runs it) holds one meeting day with ``--delegates`` participants and one live segment, made
through the engine (``app.engine.Engine`` over a real ``app.store.Store``), then N floor requests
in that segment, the delegates taking turns: each request is withdrawn by its delegate (even
ones) or declined by the moderator (odd ones), so the segment ends with N closed requests. The
first two cycles go through ``Engine.execute``; the rest are written as the log records and
command rows the engine writes for them (built from the same event models, checked against
the engine's own records of the first cycles), in transactions of 10,000 records: building the
log command by command would take longer than the restarts measured. The engine has no
per-client limits; those live in the transports.

What is measured is what a restart does: ``Engine.load()`` on a fresh Engine over the same
database (read the log, fold every event, read the participants and the command ids). Printed
per N: the restart's seconds with no snapshot (every event folded), and the fold's alone (the
same log, already read, parsed and folded again by the pure core: the part this bench watches,
less noisy than the database's), each with its ratio to the previous N (each size doubles the
last, so ~2.0 is linear; the fold used to copy every request per event, which made it
quadratic); then the restart's seconds from a snapshot (``app/snapshots.py``) taken 999 events
before the end, the oldest the server's snapshots every 1,000 events leave: it should not grow
with N beyond the snapshot's own size. ``python -m bench.startup`` measures a served process.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app import snapshot_codec, snapshots
from app.engine import Engine
from app.floor import Actor, HearingState, Role, apply
from app.floor import commands as c
from app.floor import events as e
from app.floor.model import Speaker, TurnKind
from app.floor.roles import ORGANISER
from app.hub import Hub
from app.store import CommandRecord, LogRecord, Store, make_engine, migrate
from app.store import snapshots as sql
from app.store.tables import EventRow, ParticipantRow

EVENT_ID = "bench-restart"
START_AT = 1_700_000_000_000
CHUNK = 10_000  # log records per transaction while building
#: cycles run through ``Engine.execute`` (one withdrawn, one declined) before the rest is written
THROUGH_THE_ENGINE = 2


class Clock:
    """A clock that moves 1 ms per reading: every instant in the log is distinct and known."""

    def __init__(self) -> None:
        self.now = START_AT

    def __call__(self) -> int:
        self.now += 1
        return self.now


def _store(path: Path | str) -> Store:
    """The store over a SQLite file (a ``Path``) or a database URL (a ``str``), migrated."""
    database = make_engine(path if isinstance(path, str) else f"sqlite:///{path}")
    migrate(database)
    return Store(database)


async def build(path: Path | str, requests: int, delegates: int) -> int:
    """Write a log with ``requests`` closed floor requests in one segment; return its length."""
    clock = Clock()
    ids = (f"id{n}" for n in itertools.count())
    engine = Engine(_store(path), Hub(), clock=clock, make_id=lambda: next(ids))
    row = EventRow(id=EVENT_ID, title="Restart bench", join_code="bench", created_at=START_AT)
    await engine.create_event(row)
    participants = [f"p{n}" for n in range(delegates)]
    for participant_id in participants:
        await engine.add_participant(
            ParticipantRow(
                id=participant_id,
                event_id=EVENT_ID,
                name=f"Delegate {participant_id}",
                constituency="civil_society",
                created_at=START_AT,
            )
        )
    created = await engine.execute(EVENT_ID, None, c.CreateSegment(title="S"), ORGANISER, "c0")
    segment_id: str = created["segment_id"]
    await engine.execute(EVENT_ID, segment_id, c.StartSegment(), ORGANISER, "c1")

    hearing = engine.hearing(EVENT_ID)
    speakers = {p: hearing.speakers[p] for p in participants}
    first = min(requests, THROUGH_THE_ENGINE)
    for number in range(first):
        await _cycle_through_the_engine(engine, segment_id, participants, number)

    # the rest as the engine writes it; its own records of the first cycles check the shape
    written = engine.store.read_log(EVENT_ID)
    made = list(_cycle_records(segment_id, speakers, participants, 0, first, clock))
    engine_made = [r for r in written if r.type not in ("segment_created", "segment_started")]
    _check_same_shape(engine_made, [record for record, _ in made])
    version = hearing.state.segments[segment_id].version
    records: list[LogRecord] = []
    commands: list[CommandRecord] = []
    for record, command in _cycle_records(
        segment_id, speakers, participants, version, requests, clock, start=first
    ):
        records.append(record)
        commands.append(command)
        if len(records) >= CHUNK:
            engine.store.append(records, commands)
            records, commands = [], []
    engine.store.append(records, commands)
    return engine.store.log_length()


async def _cycle_through_the_engine(
    engine: Engine, segment_id: str, participants: list[str], number: int
) -> None:
    participant_id = participants[number % len(participants)]
    actor = Actor(Role.DELEGATE, EVENT_ID, participant_id)
    result = await engine.execute(EVENT_ID, segment_id, c.RequestFloor(), actor, f"r{number}")
    request_id = result["request_id"]
    if number % 2 == 0:
        close: Any = c.WithdrawRequest(request_id=request_id)
    else:
        close, actor = c.DeclineRequest(request_id=request_id, reason="later"), ORGANISER
    await engine.execute(EVENT_ID, segment_id, close, actor, f"x{number}")


def _cycle_records(
    segment_id: str,
    speakers: dict[str, Speaker],
    participants: list[str],
    version: int,
    requests: int,
    clock: Clock,
    start: int = 0,
) -> Iterator[tuple[LogRecord, CommandRecord]]:
    """The log records (and command rows) of cycles ``start``..``requests - 1``, after
    ``version``: a request, then its withdrawal (even cycles) or decline (odd ones)."""
    for number in range(start, requests):
        participant_id = participants[number % len(participants)]
        request_id = f"req{number}"
        at = clock()
        requested = e.FloorRequested(
            segment_id=segment_id,
            request_id=request_id,
            speaker=speakers[participant_id],
            kind=TurnKind.INTERVENTION,
            note="",
            at=at,
        )
        closed: e.Event = (
            e.RequestWithdrawn(segment_id=segment_id, request_id=request_id)
            if number % 2 == 0
            else e.RequestDeclined(segment_id=segment_id, request_id=request_id, reason="later")
        )
        for event, command_id in ((requested, f"r{number}"), (closed, f"x{number}")):
            version += 1
            result: dict[str, Any] = {
                "command_id": command_id,
                "segment_id": segment_id,
                "version": version,
                "events": [event.type],
            }
            if event is requested:
                result["request_id"] = request_id
            yield (
                LogRecord(
                    event_id=EVENT_ID,
                    segment_id=segment_id,
                    version=version,
                    type=event.type,
                    payload=e.event_to_json(event),
                    command_id=command_id,
                    recorded_at=at,
                ),
                CommandRecord(
                    event_id=EVENT_ID,
                    command_id=command_id,
                    body_hash=hashlib.sha256(command_id.encode()).hexdigest(),
                    result=result,
                    recorded_at=at,
                ),
            )


def _check_same_shape(engine_made: list[LogRecord], made: list[LogRecord]) -> None:
    """The records written here differ from the engine's only in ids and instants."""

    def shape(record: LogRecord) -> tuple[Any, ...]:
        payload = {k: v for k, v in record.payload.items() if k not in ("request_id", "at")}
        return record.type, record.command_id, sorted(payload), payload.get("speaker")

    assert [shape(r) for r in engine_made] == [shape(r) for r in made], (engine_made, made)


def snapshot_behind(path: Path | str, behind: int) -> tuple[int, int]:
    """Write the segment's snapshot as of ``behind`` records before the end of its log, as the
    server's background task would have; return (its version, its size in bytes)."""
    store = _store(path)
    records = store.read_log(EVENT_ID)
    state = HearingState(event_id=EVENT_ID)
    with snapshot_codec.collector_paused():
        for record in records[: len(records) - behind]:
            state = apply(state, e.event_from_json(record.payload))
    (segment,) = state.segments.values()
    data = snapshot_codec.encode(segment)
    sql.write_snapshot(
        store,
        event_id=EVENT_ID,
        segment_id=segment.id,
        version=segment.version,
        schema_version=snapshot_codec.schema_version(),
        segment_seq=sql.segment_seq(store, segment.id),
        state=data,
        created_at=0,
        keep_from=0,
    )
    store.engine.dispose()
    return segment.version, len(data)


def drop_snapshots(path: Path | str) -> None:
    store = _store(path)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM snapshots")
    store.engine.dispose()


async def restart(path: Path) -> tuple[float, Engine]:
    """What a restart does: a fresh engine over the database loads every meeting day."""
    engine = Engine(_store(path), Hub())
    started = time.perf_counter()
    await engine.load()
    return time.perf_counter() - started, engine


def fold_only(engine: Engine) -> float:
    """The core's part of the restart: the same log, already read, parsed and folded again."""
    records = engine.store.read_log(EVENT_ID)
    started = time.perf_counter()
    state = HearingState(event_id=EVENT_ID)
    for record in records:
        state = apply(state, e.event_from_json(record.payload))
    seconds = time.perf_counter() - started
    assert state == engine.hearing(EVENT_ID).state
    return seconds


async def measure(
    size: int, delegates: int, folder: Path, repeat: int
) -> tuple[int, float, float, float]:
    """The log's length, the restart's seconds (no snapshot), the fold's, and the restart's from
    a snapshot 999 events old, each the best of ``repeat``."""
    path = folder / f"restart-{size}.db"
    events = await build(path, size, delegates)
    restarts, folds, quick = [], [], []
    for _ in range(repeat):
        seconds, engine = await restart(path)
        (segment,) = engine.hearing(EVENT_ID).state.segments.values()
        assert len(segment.requests) == size, len(segment.requests)
        assert segment.version == events, (segment.version, events)
        restarts.append(seconds)
        folds.append(fold_only(engine))
    snapshot_behind(path, min(snapshots.EVERY - 1, events - 1))
    for _ in range(repeat):
        seconds, engine = await restart(path)
        assert engine.hearing(EVENT_ID).state == segment_state(path), "snapshot + tail differs"
        quick.append(seconds)
    path.unlink()
    return events, min(restarts), min(folds), min(quick)


def segment_state(path: Path) -> HearingState:
    """The whole log folded (what a restart from a snapshot must equal)."""
    records = _store(path).read_log(EVENT_ID)
    state = HearingState(event_id=EVENT_ID)
    with snapshot_codec.collector_paused():
        for record in records:
            state = apply(state, e.event_from_json(record.payload))
    return state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000, 80_000])
    parser.add_argument("--delegates", type=int, default=1, help="who takes turns requesting")
    parser.add_argument("--repeat", type=int, default=3, help="restarts per N (the best counts)")
    args = parser.parse_args(argv)
    print(
        f"restart (Engine.load) with N closed floor requests in one segment, "
        f"{args.delegates} delegate(s), best of {args.repeat}"
    )
    print(
        f"{'N':>8} {'log records':>12} {'restart s':>10} {'ratio':>6} {'fold s':>7} {'ratio':>6}"
        f" {'snapshot s':>11}"
    )
    previous: tuple[float, float] | None = None
    with tempfile.TemporaryDirectory(prefix="floorkeeper-restart-") as folder:
        for size in args.sizes:
            measured = measure(size, args.delegates, Path(folder), args.repeat)
            events, seconds, folding, quick = asyncio.run(measured)
            ratios = (
                (f"{seconds / previous[0]:.2f}", f"{folding / previous[1]:.2f}")
                if previous
                else ("-", "-")
            )
            print(
                f"{size:>8} {events:>12} {seconds:>10.2f} {ratios[0]:>6} "
                f"{folding:>7.2f} {ratios[1]:>6} {quick:>11.2f}",
                flush=True,
            )
            previous = (seconds, folding)
    return 0


if __name__ == "__main__":
    sys.exit(main())
