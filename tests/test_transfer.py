"""``floorkeeper export`` and ``import``: a meeting day moves to another database (SQLite to
PostgreSQL, and between two real servers) and comes back as the same state, the same record and
the same working links; a file it cannot take is refused whole."""

from __future__ import annotations

import asyncio
import gzip
import io
import itertools
import subprocess
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from app import cli, reports
from app.auth import Authenticator, hash_token
from app.demo import load_demo
from app.engine import Engine
from app.floor import Actor, Role
from app.floor import commands as c
from app.floor import contributions as o
from app.floor.roles import ORGANISER
from app.hub import Hub
from app.store import Store, bulk, make_engine, migrate
from app.store.tables import EventRow, ParticipantRow
from app.transfer import Refused, export_event, import_event, read_header
from tests.e2e.server import ORGANISER_KEY, Api, ServerProcess

#: 16 May 2022, 10:00 in New York, the seed hearing's opening.
OPENING = 1_652_709_600_000
#: 18:00 that day: interpretation ends (the event's hard stop)
HARD_STOP = OPENING + 8 * 3_600_000
DIGEST = hash_token("organiser-key-for-the-transfer-tests")


class Clock:
    def __init__(self) -> None:
        self.now = OPENING

    def __call__(self) -> int:
        return self.now


def _engine(url: str, clock: Clock, prefix: str) -> Engine:
    database = make_engine(url)
    migrate(database)
    counter = itertools.count()
    return Engine(Store(database), Hub(), clock=clock, make_id=lambda: f"{prefix}{next(counter)}")


async def _loaded(url: str) -> Engine:
    """What ``serve`` rebuilds from the database at start."""
    engine = Engine(Store(make_engine(url)), Hub())
    await engine.load()
    # a past day is read on first use (app/snapshots.py): read each now, as it is at this instant
    for hearing in engine.hearings.values():
        _ = hearing.state  # LazyHearing: the fold and the rest are read on this first ask
    return engine


async def _a_day(engine: Engine, clock: Clock) -> tuple[str, dict[str, str]]:
    """The seed hearing with a morning behind it: turns spoken, timed and skipped, delegates who
    joined and asked for the floor (one withdrew), pledges curated, links minted and one revoked.
    Returns the event id and the secrets of a delegate and a display link."""
    event_id = await load_demo(engine)
    hearing = engine.hearing(event_id)
    # the hard stop, as PATCH /events writes it: carried with the event's row
    await engine._write_rows(
        hearing,
        [Store.update_event(event_id, {"hard_stop_at": HARD_STOP})],
        lambda: setattr(hearing.event, "hard_stop_at", HARD_STOP),
    )
    for n, (name, constituency) in enumerate(
        [("Aïcha Benali", "migrant_association"), ("Ravi Menon", "academia"), ("Ana", "media")]
    ):
        await engine.add_participant(
            ParticipantRow(
                id=f"p{n}",
                event_id=event_id,
                name=name,
                constituency=constituency,
                language="fr",
                gender="woman" if n == 0 else "",
                created_at=clock(),
            )
        )
    auth = Authenticator(engine.store, DIGEST)
    delegate, _ = auth.mint(Role.DELEGATE, event_id, clock(), participant_id="p0", label="Aïcha")
    display, _ = auth.mint(Role.DISPLAY, event_id, clock(), label="Room")
    _, gone = auth.mint(Role.MODERATOR, event_id, clock(), label="lost laptop")
    auth.revoke(gone.id, event_id, clock())
    opening, discussion = reports.programme(hearing)[:2]
    ids = itertools.count()

    async def send(segment_id: str, command: c.SegmentCommand, actor: Actor = ORGANISER) -> None:
        await engine.execute(event_id, segment_id, command, actor, f"m{next(ids)}")

    await send(opening.id, c.StartSegment())
    await send(opening.id, c.CallNext())
    await send(opening.id, c.StartTimer())
    clock.now += 125_000
    await send(opening.id, c.CallNext())
    clock.now += 62_000
    await send(opening.id, c.CallNext())
    await send(opening.id, c.EndTurn(skipped=True))
    await send(discussion.id, c.StartSegment())
    for n in range(3):
        clock.now += 1_000
        await send(discussion.id, c.RequestFloor(), Actor(Role.DELEGATE, event_id, f"p{n}"))
    await send(discussion.id, c.CallNext())
    await send(discussion.id, c.StartTimer())
    clock.now += 30_000
    submit = o.SubmitContribution(
        kind=o.ContributionKind.PLEDGE,
        text="Nous ouvrirons dix centres d'accueil.",
        language="fr",
        on_behalf_of="p0",
    )
    cid = (await engine.execute_outcome(event_id, submit, ORGANISER, "o1"))["contribution_id"]
    tag = o.TagContribution(contribution_id=cid, themes=[discussion.details.title])
    await engine.execute_outcome(event_id, tag, ORGANISER, "o2")
    await engine.execute_outcome(
        event_id, o.AcceptContribution(contribution_id=cid), ORGANISER, "o3"
    )
    return event_id, {"delegate": delegate, "display": display}


async def _another_day(engine: Engine, event_id: str) -> None:
    await engine.create_event(
        EventRow(id=event_id, title="Other", join_code=event_id, created_at=1)
    )
    created = await engine.execute(event_id, None, c.CreateSegment(title="Other"), ORGANISER, "x0")
    await engine.execute(event_id, created["segment_id"], c.StartSegment(), ORGANISER, "x1")


def _count_rows(url: str) -> dict[str, int]:
    database = make_engine(url)
    try:
        with database.connect() as connection:
            return {
                kind: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
                for kind, table in bulk.KINDS.items()
            }
    finally:
        database.dispose()


def _assert_same_day(a: Engine, b: Engine, event_id: str) -> None:
    one, other = a.hearing(event_id), b.hearing(event_id)
    assert other.event.model_dump() == one.event.model_dump()
    assert other.state == one.state  # every segment folded: floor, timers, requests, speeches
    assert other.outcome == one.outcome
    assert other.speakers == one.speakers
    assert other.results == one.results  # a retry after the move is answered, not applied again
    assert reports.day_record(other) == reports.day_record(one)
    assert reports.outcome(other, OPENING) == reports.outcome(one, OPENING)


async def test_a_day_moves_from_sqlite_to_postgresql_and_comes_back_the_same(
    sqlite_url: str, postgres_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    source = _engine(sqlite_url, clock, "s")
    event_id, secrets_ = await _a_day(source, clock)
    await _another_day(source, "left-behind")
    target = _engine(postgres_url, clock, "t")
    await _another_day(target, "already-there")

    file = tmp_path / "day.jsonl.gz"
    sent = export_event(sqlite_url, event_id, file, out=None)
    got = import_event(postgres_url, file, out=None)

    assert sent.counts == got.counts and got.counts["log"] > 40
    assert got.counts == {
        "event": 1,
        "participant": 3,
        "credential": 3,
        "log": len(source.store.read_log(event_id)),
        "command": len(source.hearing(event_id).results),
    }
    header = read_header(file)
    assert header["format"] == "floorkeeper-event" and header["version"] == 1
    assert header["schema"] == bulk.schema_head() and header["event_id"] == event_id
    before, after = await _loaded(sqlite_url), await _loaded(postgres_url)
    _assert_same_day(before, after, event_id)
    assert after.hearing(event_id).event.hard_stop_at == HARD_STOP
    _assert_same_day(source, after, event_id)  # the live state too, not only its reload
    assert reports.day_record(after.hearing(event_id))  # a record worth comparing
    assert set(after.hearings) == {event_id, "already-there"}
    _assert_same_day(target, after, "already-there")

    # the links and the delegate's phone hold on the new machine; the revoked one stays revoked
    now = clock()
    old, new = Authenticator(before.store, DIGEST), Authenticator(after.store, DIGEST)
    for token in secrets_.values():
        assert new.resolve(token, now) == old.resolve(token, now) is not None
    [revoked] = [row for row in after.store.credentials(event_id, ["moderator"])]
    assert revoked.revoked_at is not None
    # the file holds hashes, never a secret
    text = gzip.decompress(file.read_bytes()).decode()
    assert all(token not in text for token in secrets_.values())
    assert hash_token(secrets_["delegate"]) in text

    # and back: the PostgreSQL copy exported and imported into a fresh SQLite file is the same
    back = tmp_path / "back.jsonl.gz"
    export_event(postgres_url, event_id, back, out=None)
    again = f"sqlite:///{tmp_path / 'again.db'}"
    import_event(again, back, out=None)
    _assert_same_day(before, await _loaded(again), event_id)


def _hook_on_first_line(action: Callable[[], None]) -> io.StringIO:
    """A progress stream that runs ``action`` when the first progress line is written (the
    snapshot is open by then), once."""

    class Hooked(io.StringIO):
        fired = False

        def write(self, text: str) -> int:
            if not self.fired and "%" in text:
                self.fired = True
                action()
            return super().write(text)

    return Hooked()


def _in_loop(loop: asyncio.AbstractEventLoop, make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine on ``loop`` from a worker thread and wait for its answer."""
    return asyncio.run_coroutine_threadsafe(make(), loop).result(timeout=30)


async def test_an_export_while_commands_are_written_is_one_instant(
    database_url: str, tmp_path: Path
) -> None:
    """A command acknowledged while the export is reading (its writer not held up by it) is
    in none of the file: the file is the day at the instant the export began."""
    clock = Clock()
    engine = _engine(database_url, clock, "s")
    event_id, _ = await _a_day(engine, clock)
    live = engine.hearing(event_id).state.live_segment_id
    assert live is not None
    before = await _loaded(database_url)
    loop = asyncio.get_running_loop()
    acknowledged: list[dict[str, Any]] = []

    def a_command_meanwhile() -> None:
        acknowledged.append(
            _in_loop(loop, lambda: engine.execute(event_id, live, c.CallNext(), ORGANISER, "mid"))
        )

    file = tmp_path / "day.jsonl.gz"
    out = _hook_on_first_line(a_command_meanwhile)
    sent = await asyncio.to_thread(export_event, database_url, event_id, file, out=out)
    assert acknowledged and acknowledged[0]["version"] > 0
    assert "mid" in engine.hearing(event_id).results
    target = f"sqlite:///{tmp_path / 'target.db'}"
    got = import_event(target, file, out=None)
    assert got.counts == sent.counts
    moved = await _loaded(target)
    _assert_same_day(before, moved, event_id)
    assert "mid" not in moved.hearing(event_id).results


async def _exported(tmp_path: Path) -> tuple[Path, str]:
    clock = Clock()
    url = f"sqlite:///{tmp_path / 'source.db'}"
    engine = _engine(url, clock, "s")
    event_id, _ = await _a_day(engine, clock)
    file = tmp_path / "day.jsonl.gz"
    export_event(url, event_id, file, out=None)
    return file, event_id


def _rewrite(
    file: Path, to: Path, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
) -> Path:
    records = [orjson.loads(line) for line in gzip.decompress(file.read_bytes()).splitlines()]
    to.write_bytes(gzip.compress(b"".join(orjson.dumps(r) + b"\n" for r in change(records))))
    return to


async def test_a_file_of_a_newer_format_is_refused_before_the_database_is_touched(
    tmp_path: Path,
) -> None:
    file, _ = await _exported(tmp_path)

    def newer(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        records[0]["version"] = 2
        return records

    target = tmp_path / "target.db"
    with pytest.raises(Refused) as refused:
        import_event(f"sqlite:///{target}", _rewrite(file, tmp_path / "v2.gz", newer), out=None)
    assert str(refused.value) == (
        "this file was written by a newer Floorkeeper (format 2); this one reads format 1"
    )
    assert not target.exists()


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda rs: rs[:-1], "ends before its end record"),
        (lambda rs: [*rs[:-1], {"record": "end", "counts": {}}], "the file says it holds"),
        (lambda rs: [rs[0], *rs[2:]], "holds no event record"),
        (
            lambda rs: [*rs[:3], {"record": "participant", "data": {"id": "x", "shoe": 1}}],
            "fields this Floorkeeper does not know (shoe)",
        ),
        (
            lambda rs: [
                *rs[:-2],
                {**rs[-2], "data": {**rs[-2]["data"], "event_id": "someone-else"}},
                rs[-1],
            ],
            "of event 'someone-else'",
        ),
        (
            lambda rs: [
                r
                if r.get("record") != "participant"
                else {**r, "data": {**r["data"], "attendance": "?"}}
                for r in rs
            ],
            "whose attendance '?' this Floorkeeper does not know",
        ),
        (
            lambda rs: [
                r
                if r.get("record") != "credential"
                else {**r, "data": {**r["data"], "role": "king"}}
                for r in rs
            ],
            "whose role 'king' this Floorkeeper does not know",
        ),
    ],
)
async def test_a_damaged_file_is_refused_and_nothing_is_written(
    tmp_path: Path,
    damage: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    says: str,
) -> None:
    file, _ = await _exported(tmp_path)
    target = f"sqlite:///{tmp_path / 'target.db'}"
    with pytest.raises(Refused, match="nothing was imported") as refused:
        import_event(target, _rewrite(file, tmp_path / "bad.gz", damage), out=None)
    assert says in str(refused.value)
    assert _count_rows(target) == dict.fromkeys(bulk.KINDS, 0)


async def test_a_log_that_does_not_fold_is_refused(tmp_path: Path) -> None:
    file, _ = await _exported(tmp_path)

    def unknown_event(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        log = next(r for r in records if r.get("record") == "log")
        log["data"]["payload"] = {**log["data"]["payload"], "type": "from_the_future"}
        return records

    target = f"sqlite:///{tmp_path / 'target.db'}"
    with pytest.raises(Refused, match="does not fold into the meeting day"):
        import_event(target, _rewrite(file, tmp_path / "bad.gz", unknown_event), out=None)
    assert _count_rows(target) == dict.fromkeys(bulk.KINDS, 0)


async def test_a_file_cut_short_is_refused(tmp_path: Path) -> None:
    file, _ = await _exported(tmp_path)
    cut = tmp_path / "cut.gz"
    cut.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    target = f"sqlite:///{tmp_path / 'target.db'}"
    with pytest.raises(Refused, match="damaged or cut short"):
        import_event(target, cut, out=None)
    assert _count_rows(target) == dict.fromkeys(bulk.KINDS, 0)


async def test_an_existing_event_is_refused_and_nothing_is_written(
    database_url: str, tmp_path: Path
) -> None:
    file, event_id = await _exported(tmp_path)
    import_event(database_url, file, out=None)
    counts = _count_rows(database_url)
    with pytest.raises(Refused) as refused:
        import_event(database_url, file, out=None)
    assert str(refused.value).startswith(f"event {event_id!r} already exists in this database")
    assert _count_rows(database_url) == counts

    # under another id its rows clash further in (participants, the log's segment versions):
    # the event row written before the clash goes too, since it is all one transaction
    def renamed(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        records[0]["event_id"] = "renamed"
        for record in records[1:-1]:
            key = "id" if record["record"] == "event" else "event_id"
            record["data"][key] = "renamed"
        records[1]["data"]["join_code"] = "another-code"
        return records

    with pytest.raises(Refused, match="clash with rows already in this database"):
        import_event(database_url, _rewrite(file, tmp_path / "renamed.gz", renamed), out=None)
    assert _count_rows(database_url) == counts


async def test_the_commands_print_progress_and_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file, event_id = await _exported(tmp_path)
    source = f"sqlite:///{tmp_path / 'source.db'}"
    target = f"sqlite:///{tmp_path / 'target.db'}"
    out = str(tmp_path / "cli.jsonl.gz")

    assert cli.main(["export", event_id, out, "--database-url", source]) == 0
    printed = capsys.readouterr()
    assert f"exported event {event_id}" in printed.out
    lines = printed.err.splitlines()
    assert lines[-1].startswith(f"export {event_id}: 100% (") and len(lines) >= 10

    assert cli.main(["export", event_id, out, "--database-url", source]) == 1
    assert "already exists" in capsys.readouterr().err
    assert cli.main(["export", "nope", str(tmp_path / "x.gz"), "--database-url", source]) == 1
    assert f"there is no event 'nope'; the database has {event_id}" in capsys.readouterr().err

    assert cli.main(["import", out, "--database-url", target, "--quiet"]) == 0
    printed = capsys.readouterr()
    assert printed.err == "" and f"imported event {event_id}" in printed.out
    assert cli.main(["import", out, "--database-url", target]) == 1
    assert "already exists in this database" in capsys.readouterr().err
    assert cli.main(["import", str(file.with_suffix(".none")), "--database-url", target]) == 1
    assert "there is no file" in capsys.readouterr().err


def _floorkeeper(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_a_hearing_moves_between_two_real_servers(tmp_path: Path) -> None:
    """Exported from a serving server, imported, served by another: the same state, and the
    delegate's phone and the room display keep working with the links they have."""
    first = ServerProcess(f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "a.log")
    second = ServerProcess(f"sqlite:///{tmp_path / 'b.db'}", tmp_path / "b.log")
    first.start()
    try:
        api = Api(first.base)
        event = api.ok("POST", "/events", json={"title": "Hearing", "timezone": "Europe/Paris"})
        segment = api.ok(
            "POST", f"/events/{event['id']}/segments", json={"title": "I", "command_id": "s1"}
        )["id"]
        api.command(segment, {"type": "start_segment"}).raise_for_status()
        joined = api.ok(
            "POST",
            f"/events/{event['id']}/participants",
            json={
                "join_code": event["join_code"],
                "name": "Amina Diallo",
                "constituency": "trade_union",
            },
        )
        display = api.ok("POST", f"/events/{event['id']}/access-links", json={"role": "display"})
        phone = Api(first.base, joined["token"])
        asked = phone.ok("POST", f"/segments/{segment}/floor-requests", json={"command_id": "r1"})
        approve = {"type": "approve_request", "request_id": asked["requests"][0]["id"]}
        api.command(segment, approve).raise_for_status()
        api.command(segment, {"type": "call_next"}).raise_for_status()
        state = api.state(segment)
        del state["server_time"]

        file = str(tmp_path / "hearing.jsonl.gz")
        exported = _floorkeeper("export", event["id"], file, "--database-url", first.database_url)
        assert exported.returncode == 0, exported.stderr
    finally:
        first.stop()
    imported = _floorkeeper("import", file, "--database-url", second.database_url)
    assert imported.returncode == 0, imported.stderr
    second.start()
    try:
        api = Api(second.base)
        moved = api.state(segment)
        del moved["server_time"]
        assert moved == state and moved["state"]["current"]["name"] == "Amina Diallo"
        phone = Api(second.base, joined["token"])
        assert phone.ok("GET", "/session")["participant_id"] == joined["participant"]["id"]
        retried = phone.ok("POST", f"/segments/{segment}/floor-requests", json={"command_id": "r1"})
        assert retried["duplicate"] is True  # answered from the moved dedupe results
        assert Api(second.base, display["token"]).ok("GET", f"/segments/{segment}/state")
        assert Api(second.base, ORGANISER_KEY).ok("GET", f"/events/{event['id']}")
    finally:
        second.stop()


def _without_log_row(last: bool) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """A log row taken out of a busy segment (its last, or one in the middle), the counts fixed:
    a file edited by hand, as the outside probe did."""

    def damage(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        logs = [r for r in records if r.get("record") == "log"]
        busiest = max(
            {r["data"]["segment_id"] for r in logs},
            key=lambda sid: sum(r["data"]["segment_id"] == sid for r in logs),
        )
        rows = [r for r in logs if r["data"]["segment_id"] == busiest]
        gone = rows[-1] if last else rows[len(rows) // 2]
        kept = [r for r in records if r is not gone]
        kept[-1] = {**kept[-1], "counts": {**kept[-1]["counts"]}}
        kept[-1]["counts"]["log"] -= 1
        return kept

    return damage


@pytest.mark.parametrize(
    ("last", "says"),
    [
        (False, r"has version \d+ where \d+ comes next \(a row missing or edited\)"),
        (True, r"was answered with version \d+ of segment '[^']+', whose log ends at version"),
    ],
)
async def test_a_log_with_a_row_taken_out_is_refused(tmp_path: Path, last: bool, says: str) -> None:
    """A segment whose log skips a version could never be written again (the server would
    refuse every command on it); one whose last row is gone lost a command it acknowledged."""
    file, _ = await _exported(tmp_path)
    target = f"sqlite:///{tmp_path / 'target.db'}"
    damaged = _rewrite(file, tmp_path / "gap.gz", _without_log_row(last))
    with pytest.raises(Refused, match=says):
        import_event(target, damaged, out=None)
    assert _count_rows(target) == dict.fromkeys(bulk.KINDS, 0)
