"""Snapshots (app/snapshots.py): a snapshot and the log after it fold to exactly what the whole
log folds to, whatever the log; a start reads the newest valid one of this code's schema; past
meeting days load on first use; the schema version follows the fold's code, not its comments."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
import logging
import shutil
import zlib
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app import snapshot_codec, snapshots
from app.engine import Engine, _speaker
from app.floor import Actor, HearingState, Role, apply
from app.floor import commands as c
from app.floor import contributions as o
from app.floor.events import Event, event_from_json, event_to_json
from app.floor.model import SegmentState, SegmentStatus, UndoEntry
from app.floor.roles import ORGANISER
from app.hub import Hub
from app.store import Store, make_engine, migrate
from app.store import snapshots as sql
from app.store.tables import EventRow, ParticipantRow
from tests.floor.kit import EVENT_ID, PARTICIPANT_IDS, Floor, actions, perform
from tests.floor.test_contributions import Outcome

# --- the codec: snapshot + the rest of the log == the whole log ---------------------------------


def _through_json(events: list[Event]) -> list[Event]:
    return [event_from_json(event_to_json(event)) for event in events]


def _fold_from(state: HearingState, events: list[Event]) -> HearingState:
    for event in events:
        state = apply(state, event)
    return state


def _snapshotted(
    state: HearingState, cache: snapshot_codec.DeltaCache | None = None
) -> HearingState:
    """Every segment of ``state`` through a snapshot's bytes and back."""
    segments = {
        sid: snapshot_codec.decode(snapshot_codec.encode(s, cache))
        for sid, s in state.segments.items()
    }
    return dataclasses.replace(state, segments=segments)


def _random_floor(data: st.DataObject, steps: int) -> Floor:
    floor = Floor()
    segment_ids = [floor.create_segment("Thematic discussion I")]
    if data.draw(st.booleans(), label="two segments"):
        segment_ids.append(floor.create_segment("Thematic discussion II"))
    floor.send(c.StartSegment())
    for _ in range(steps):
        action = data.draw(actions, label="action")
        perform(floor, action, segment_ids)
        floor.tick(data.draw(st.sampled_from([1, 999, 10_000, 60_000, 200_000]), label="ms"))
    return floor


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), steps=st.integers(1, 60))
def test_a_snapshot_and_the_rest_of_the_log_fold_to_the_whole_log(
    data: st.DataObject, steps: int
) -> None:
    """For a random hearing (every command, undo included) and every point of its log: each
    segment snapshotted there, read back, then the rest of the log folded on, equals the fold of
    the whole log; and the snapshot itself equals the state it was taken of."""
    floor = _random_floor(data, steps)
    log = _through_json(floor.log)
    whole = _fold_from(HearingState(EVENT_ID), log)
    assert whole == floor.state
    cache = snapshot_codec.DeltaCache()  # one cache along the log, as the Snapshotter keeps one
    state = HearingState(EVENT_ID)
    for cut in range(len(log) + 1):
        if cut:
            state = apply(state, log[cut - 1])
        if cut % 3 and cut != len(log):
            continue  # every third point, and the end (the cache still sees every state)
        restored = _snapshotted(state, cache)
        assert restored == state
        assert _fold_from(restored, log[cut:]) == whole


def test_requests_kept_by_undo_are_written_once_and_stay_the_same_objects() -> None:
    """A segment with many requests and a full undo stack: each undo entry's requests are written
    as a few differences (the snapshot does not grow 50-fold), and a request an undo entry shares
    with the state is one object after reading too (the fold compares them by identity)."""
    floor = Floor()
    floor.create_segment()
    floor.send(c.StartSegment())
    ids = itertools.cycle(PARTICIPANT_IDS)
    for number in range(300):
        request_id = floor.request(next(ids))
        if number % 3:
            floor.send(c.DeclineRequest(request_id=request_id, reason="later"))
        else:
            floor.approve(request_id)
            floor.send(c.CallNext())
    segment = floor.seg
    entries = [entry for entry in segment.undo_stack if isinstance(entry, UndoEntry)]
    assert len(entries) == 50
    data = snapshot_codec.encode(segment)
    document = orjson.loads(zlib.decompress(data))
    maps = [row for row in document["rows"] if row[0] == "Map"]
    differences = [row for row in maps if row[2] >= 0]
    assert len(differences) >= 50  # each entry's requests and shown requests, as differences
    assert sum(len(row[3]) + len(row[4]) for row in differences) < 10 * 50
    restored = snapshot_codec.decode(data)
    assert restored == segment
    shared = 0
    for kept, read in zip(segment.undo_stack, restored.undo_stack, strict=True):
        assert isinstance(kept, UndoEntry) and isinstance(read, UndoEntry)
        for request_id, request in kept.requests.items():
            same = request is segment.requests[request_id]
            assert (read.requests[request_id] is restored.requests[request_id]) is same
            shared += same
    assert shared > 50 * 250  # most requests are the state's own in every entry


def test_the_outcome_is_snapshotted_too() -> None:
    outcome = Outcome()
    kept = outcome.accepted("p1")
    duplicate = outcome.submit("p2")
    outcome.send(o.MergeContributions(contribution_id=duplicate, into_id=kept))
    outcome.send(o.TagContribution(contribution_id=kept, themes=["Labour"], objectives=[5, 6]))
    outcome.send(o.ShowContribution(contribution_id=kept))
    restored = snapshot_codec.decode(snapshot_codec.encode(outcome.state))
    assert restored == outcome.state
    submitted = outcome.send(
        o.SubmitContribution(
            kind=o.ContributionKind.PLEDGE, text="More", language="fr", on_behalf_of="p3"
        )
    )
    assert isinstance(submitted[0], o.ContributionSubmitted)
    new_id = submitted[0].contribution_id
    accepted = outcome.send(o.AcceptContribution(contribution_id=new_id))
    assert o.apply_all(restored, [*submitted, *accepted]) == outcome.state


def test_a_snapshot_names_no_class_and_holds_no_code() -> None:
    """JSON rows of field values, named by the model's own classes: nothing to unpickle."""
    floor = Floor()
    floor.create_segment()
    floor.send(c.StartSegment())
    floor.request("p1")
    document = orjson.loads(zlib.decompress(snapshot_codec.encode(floor.seg)))
    names = {row[0] for row in document["rows"]}
    assert names <= {cls.__name__ for cls in snapshot_codec._PLANS} | {"Map"}
    with pytest.raises(KeyError):
        snapshot_codec.decode(zlib.compress(orjson.dumps({"rows": [["os.system"]], "root": 0})))


# --- the schema version ---------------------------------------------------------------------------


def test_the_schema_version_follows_the_code_not_its_comments(tmp_path: Path) -> None:
    copies = []
    for source in snapshot_codec._SOURCES:
        copy = tmp_path / source.name
        shutil.copy(source, copy)
        copies.append(copy)
    before = snapshot_codec.schema_version(copies)
    # the same, uncached
    assert before == snapshot_codec.schema_version(list(snapshot_codec._SOURCES))
    model = tmp_path / "model.py"
    original = model.read_text()
    model.write_text(original + "\n# a comment\n")
    assert snapshot_codec.schema_version(copies) == before
    model.write_text(original.replace('"""', '"""A docstring changed. ', 1))
    assert snapshot_codec.schema_version(copies) == before
    model.write_text(original.replace("SHOWN_CLOSED_REQUESTS = 5", "SHOWN_CLOSED_REQUESTS = 6"))
    assert snapshot_codec.schema_version(copies) != before
    model.write_text(original)
    fold = tmp_path / "fold.py"
    fold.write_text(fold.read_text().replace("UNDO_DEPTH = 50", "UNDO_DEPTH = 40"))
    assert snapshot_codec.schema_version(copies) != before


def test_the_schema_version_hashes_the_codec_not_the_tasks_around_it() -> None:
    """A change to when snapshots are taken or how a start finds them (app/snapshots.py) keeps
    the snapshots already written in use; a change to how they are written does not."""
    hashed = {path.resolve() for path in snapshot_codec._SOURCES}
    assert Path(snapshot_codec.__file__).resolve() in hashed
    assert Path(snapshots.__file__).resolve() not in hashed
    assert {path.name for path in hashed} == {
        "model.py",
        "events.py",
        "fold.py",
        "corrections.py",  # the fold of speaker_corrected
        "contributions.py",
        "snapshot_codec.py",
    }


# --- a start: the newest valid snapshot and the log after it --------------------------------------

ROW_AT = 1_765_000_000_000


class Clock:
    def __init__(self) -> None:
        self.now = ROW_AT

    def __call__(self) -> int:
        self.now += 7
        return self.now


def _store(url: str) -> Store:
    database = make_engine(url)
    migrate(database)
    return Store(database)


async def _hearing(store: Store, event_id: str = "ev1", date: str = "") -> tuple[Engine, str]:
    clock = Clock()
    ids = (f"{event_id}-{n}" for n in itertools.count())
    engine = Engine(store, Hub(), clock=clock, make_id=lambda: next(ids))
    row = EventRow(id=event_id, title="Day", join_code=f"code-{event_id}", date=date, created_at=0)
    await engine.create_event(row)
    for participant_id in PARTICIPANT_IDS:
        await engine.add_participant(
            ParticipantRow(
                id=f"{event_id}-{participant_id}",
                event_id=event_id,
                name=f"Delegate {participant_id}",
                constituency="academia",
                created_at=0,
            )
        )
    first = await engine.execute(event_id, None, c.CreateSegment(title="One"), ORGANISER, "a")
    await engine.execute(event_id, None, c.CreateSegment(title="Two"), ORGANISER, "b")
    segment_id = str(first["segment_id"])
    await engine.execute(event_id, segment_id, c.StartSegment(), ORGANISER, "c")
    return engine, segment_id


async def _busy(engine: Engine, event_id: str, segment_id: str, rounds: int, tag: str) -> None:
    for number in range(rounds):
        participant = f"{event_id}-{PARTICIPANT_IDS[number % len(PARTICIPANT_IDS)]}"
        actor = Actor(Role.DELEGATE, event_id, participant)
        asked = await engine.execute(
            event_id, segment_id, c.RequestFloor(), actor, f"{tag}-r{number}"
        )
        request_id = asked["request_id"]
        if number % 2:
            command: Any = c.DeclineRequest(request_id=request_id, reason="later")
        else:
            command = c.ApproveRequest(request_id=request_id)
        await engine.execute(event_id, segment_id, command, ORGANISER, f"{tag}-d{number}")
        if number % 2 == 0:
            await engine.execute(event_id, segment_id, c.CallNext(), ORGANISER, f"{tag}-n{number}")
    submit = o.SubmitContribution(
        kind=o.ContributionKind.PLEDGE,
        text=f"Pledge {tag}",
        language="en",
        on_behalf_of=f"{event_id}-p1",
    )
    await engine.execute_outcome(event_id, submit, ORGANISER, f"{tag}-o")


def _whole(store: Store, row: EventRow) -> tuple[HearingState, o.OutcomeState]:
    """The fold of the whole log, as a start without snapshots makes it."""
    state, outcome = HearingState(event_id=row.id), o.OutcomeState(event_id=row.id)
    for record in store.read_log(row.id):
        if record.segment_id == o.stream_id(row.id):
            outcome = o.apply(outcome, o.event_from_json(record.payload))
        else:
            state = apply(state, event_from_json(record.payload))
    return state, outcome


def _rows(store: Store) -> list[tuple[str, int, str]]:
    with store.engine.connect() as connection:
        query = text("SELECT segment_id, version, schema_version FROM snapshots ORDER BY 1, 2")
        return [(str(a), int(b), str(d)) for a, b, d in connection.execute(query)]


@pytest.mark.postgres
async def test_a_start_reads_the_snapshots_and_the_log_after_them(database_url: str) -> None:
    store = _store(database_url)
    engine, segment_id = await _hearing(store)
    taker = snapshots.Snapshotter(store, engine.hearings, engine.clock, every=20)
    await _busy(engine, "ev1", segment_id, 15, "x")
    assert await taker.round() >= 1  # the live segment passed 20 events; the outcome did not
    taken = {segment: version for segment, version, _ in _rows(store)}
    assert taken[segment_id] == engine.hearing("ev1").state.segments[segment_id].version
    await _busy(engine, "ev1", segment_id, 7, "y")  # after the snapshot: read from the log
    row = engine.hearing("ev1").event
    loaded = snapshots.load_hearing(store, row, _speaker)
    assert loaded.snapshots == {segment_id: taken[segment_id]}
    assert 0 < loaded.folded < 40
    state, outcome = _whole(store, row)
    assert loaded.hearing.state == state == engine.hearing("ev1").state
    assert list(loaded.hearing.state.segments) == list(state.segments)  # the programme's order
    assert loaded.hearing.outcome == outcome == engine.hearing("ev1").outcome
    assert loaded.hearing.speakers == engine.hearing("ev1").speakers
    # dedupe knows every command at once and reads a result when a retry asks for it
    results = loaded.hearing.results
    assert len(results) == len(engine.hearing("ev1").results)
    assert "x-r3" in results and "nope" not in results and results.get("nope") is None
    assert results.get("x-r3") == engine.hearing("ev1").results["x-r3"]
    # a restarted engine answers a retry as the first time, and goes on from the same state
    again = Engine(store, Hub(), clock=Clock())
    again.hearings.update(snapshots.load_hearings(store, _speaker))
    actor = Actor(Role.DELEGATE, "ev1", f"ev1-{PARTICIPANT_IDS[3]}")
    retry = await again.execute("ev1", segment_id, c.RequestFloor(), actor, "x-r3")
    assert retry["duplicate"] is True
    assert retry["request_id"] == engine.hearing("ev1").results["x-r3"][1]["request_id"]


@pytest.mark.postgres
async def test_a_segment_is_snapshotted_when_it_ends_and_the_outcome_with_it(
    database_url: str,
) -> None:
    store = _store(database_url)
    engine, segment_id = await _hearing(store)
    taker = snapshots.Snapshotter(store, engine.hearings, engine.clock, every=1_000)
    await _busy(engine, "ev1", segment_id, 3, "x")
    assert await taker.round() == 0  # nothing has ended, nothing passed 1,000 events
    await engine.execute("ev1", segment_id, c.EndSegment(), ORGANISER, "end")
    assert await taker.round() == 2
    ended = engine.hearing("ev1").state.segments[segment_id]
    assert ended.status is SegmentStatus.ENDED
    schema = snapshot_codec.schema_version()
    assert _rows(store) == sorted(
        [(segment_id, ended.version, schema), (o.stream_id("ev1"), 1, schema)]
    )
    assert await taker.round() == 0  # taken once
    loaded = snapshots.load_hearing(store, engine.hearing("ev1").event, _speaker)
    assert loaded.snapshots == {segment_id: ended.version, o.stream_id("ev1"): 1}
    assert loaded.hearing.state == engine.hearing("ev1").state


async def test_older_snapshots_are_pruned_and_other_schemas_kept_but_not_read(
    sqlite_url: str,
) -> None:
    store = _store(sqlite_url)
    engine, segment_id = await _hearing(store)
    taker = snapshots.Snapshotter(store, engine.hearings, engine.clock, every=5)
    versions = []
    for round_ in range(4):
        await _busy(engine, "ev1", segment_id, 2, f"r{round_}")
        await taker.round()
        versions.append(engine.hearing("ev1").state.segments[segment_id].version)
    mine = [v for s, v, schema in _rows(store) if s == segment_id]
    assert mine == versions[-2:]  # the newest and the one before it
    # a snapshot another code wrote, newer than ours, is not read
    segment = engine.hearing("ev1").state.segments[segment_id]
    foreign = dataclasses.replace(segment, message="made by other code")
    sql.write_snapshot(
        store,
        event_id="ev1",
        segment_id=segment_id,
        version=segment.version,
        schema_version="s1-0000000000000000",
        segment_seq=1,
        state=snapshot_codec.encode(foreign),
        created_at=0,
        keep_from=0,
    )
    loaded = snapshots.load_hearing(store, engine.hearing("ev1").event, _speaker)
    assert loaded.hearing.state == engine.hearing("ev1").state
    assert ("s1-0000000000000000" in {schema for _, _, schema in _rows(store)}) is True


async def test_a_snapshot_that_cannot_be_read_or_does_not_fit_the_log_is_passed_over(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = _store(sqlite_url)
    engine, segment_id = await _hearing(store)
    await _busy(engine, "ev1", segment_id, 3, "x")
    segment = engine.hearing("ev1").state.segments[segment_id]
    schema = snapshot_codec.schema_version()
    row = engine.hearing("ev1").event
    sql.write_snapshot(
        store,
        event_id="ev1",
        segment_id=segment_id,
        version=segment.version,
        schema_version=schema,
        segment_seq=1,
        state=b"not a snapshot",
        created_at=0,
        keep_from=0,
    )
    with caplog.at_level(logging.WARNING, "floorkeeper.snapshots"):
        loaded = snapshots.load_hearing(store, row, _speaker)
    assert loaded.hearing.state == engine.hearing("ev1").state and loaded.snapshots == {}
    assert "could not be read" in caplog.text
    # a snapshot of a version the log does not hold (a log restored from an older backup)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM snapshots"))
    ahead = dataclasses.replace(segment, version=segment.version + 5)
    sql.write_snapshot(
        store,
        event_id="ev1",
        segment_id=segment_id,
        version=ahead.version,
        schema_version=schema,
        segment_seq=1,
        state=snapshot_codec.encode(ahead),
        created_at=0,
        keep_from=0,
    )
    assert snapshots.load_hearing(store, row, _speaker).hearing.state == engine.hearing("ev1").state
    # a snapshot that does not fit the rows after it: the whole log is folded instead
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM snapshots"))
    behind = engine.hearing("ev1").state.segments[segment_id]
    skewed = dataclasses.replace(behind, version=behind.version - 2)
    with store.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO snapshots VALUES (:s, :schema, :v, 'ev1', 1, :state, 0)"),
            {
                "s": segment_id,
                "schema": schema,
                "v": behind.version - 1,
                "state": snapshot_codec.encode(skewed),
            },
        )
    with caplog.at_level(logging.WARNING, "floorkeeper.snapshots"):
        again = snapshots.load_hearing(store, row, _speaker)
    assert again.hearing.state == engine.hearing("ev1").state
    assert "folding the whole log" in caplog.text


async def test_past_days_load_on_first_use_or_in_the_background(sqlite_url: str) -> None:
    store = _store(sqlite_url)
    today = dt.date(2026, 12, 4)
    past, past_segment = await _hearing(store, "past", date="2026-12-03")
    await _busy(past, "past", past_segment, 3, "p")
    await _hearing(store, "now", date="2026-12-04")
    await _hearing(store, "undated")
    hearings = snapshots.load_hearings(store, _speaker, today=today)
    assert list(hearings) == ["past", "now", "undated"]  # the order they were made
    lazy = hearings["past"]
    assert isinstance(lazy, snapshots.LazyHearing) and not lazy.loaded
    assert not isinstance(hearings["now"], snapshots.LazyHearing)
    assert lazy.event.join_code == "code-past"  # the row is there; nothing else was read
    assert not lazy.loaded
    assert lazy.state == past.hearing("past").state  # first use
    assert lazy.loaded and lazy.results.get("p-r1") == past.hearing("past").results["p-r1"]
    assert lazy.speakers == past.hearing("past").speakers
    # the background task loads the ones nobody asked for, in a worker thread
    hearings = snapshots.load_hearings(store, _speaker, today=today)
    taker = snapshots.Snapshotter(store, hearings, Clock())
    await taker.warm()
    warmed = hearings["past"]
    assert isinstance(warmed, snapshots.LazyHearing) and warmed.loaded
    assert warmed.outcome == past.hearing("past").outcome
    # a past day takes commands like any other
    engine = Engine(store, Hub(), clock=Clock())
    engine.hearings.update(snapshots.load_hearings(store, _speaker, today=today))
    await engine.execute("past", past_segment, c.CallNext(), ORGANISER, "late")
    assert _whole(store, engine.hearing("past").event)[0] == engine.hearing("past").state


async def test_the_snapshotter_runs_by_itself_and_stops(sqlite_url: str) -> None:
    store = _store(sqlite_url)
    engine, segment_id = await _hearing(store)
    taker = snapshots.Snapshotter(store, engine.hearings, engine.clock, interval_s=0.01)
    await engine.execute("ev1", segment_id, c.EndSegment(), ORGANISER, "end")
    wrote = asyncio.Event()
    one_round = taker.round

    async def round_and_say() -> int:
        written = await one_round()
        if written:
            wrote.set()
        return written

    taker.round = round_and_say  # type: ignore[method-assign]
    taker.start()
    try:
        await asyncio.wait_for(wrote.wait(), 10)
    finally:
        await taker.stop()
    assert segment_id in taker.taken
    assert segment_id in {segment for segment, _, _ in _rows(store)}


def test_a_segment_state_is_what_snapshots_write() -> None:
    """Every field of the state has a way to be written (a new one of an unknown kind fails
    here, at import, not in a background task)."""
    plan = snapshot_codec._PLANS[SegmentState]
    assert [field.name for field in plan] == [f.name for f in dataclasses.fields(SegmentState)]


# --- the benches run (figures in docs/benchmarks.md; no timing is asserted) ---------------------


def test_the_start_up_benches_run(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import restart, startup

    assert restart.main(["--sizes", "300", "--repeat", "1"]) == 0
    assert startup.main(["--events", "1500", "--repeat", "1", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert "snapshot s" in out and "snapshot + tail" in out and "no snapshot" in out
