"""Upgrading a database that holds a hearing, from every older schema revision: everything kept,
foreign keys consistent, a failed migration leaving the database as it was, and processes that
start together on one fresh database (outside probe F: H1, M4). On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Connection, Engine, LargeBinary, bindparam, inspect, text

from app.store import Store, make_engine, migrate
from app.store import db as store_db
from app.store.db import MIGRATION_LOCK, current_revision, head_revision

OLDER = ["0001", "0002", "0003", "0005", "0006", "0007"]
EVENT = "ev-hearing"


# --- a hearing written at an older revision, with plain SQL ------------------------------------


def _rows(revision: str) -> dict[str, list[dict[str, Any]]]:
    """One meeting day as the code of ``revision`` wrote it: the event, two participants (one
    referred to by a delegate token), links, log, command results, the organiser key's hash."""
    gender = {"gender": "woman"} if revision >= "0002" else {}
    rows: dict[str, list[dict[str, Any]]] = {
        "events": [
            {
                "id": EVENT,
                "title": "Multi-stakeholder hearing",
                "venue": "UN Headquarters",
                "room": "Conference Room 4",
                "timezone": "America/New_York",
                "date": "2022-05-16",
                "languages": ["en", "fr", "es"],
                "join_code": "K7Q2-MW9D",
                "created_at": 1_652_700_000_000,
            }
        ],
        "participants": [
            {
                "id": f"p{n}",
                "event_id": EVENT,
                "name": name,
                "title": "",
                "organisation": organisation,
                "constituency": "trade_union",
                "region": "Africa",
                "language": "fr",
                "attendance": "in_room",
                "created_at": 1_652_700_000_100 + n,
                **gender,
            }
            for n, (name, organisation) in enumerate([("Amina Diallo", "ITUC"), ("Li Wei", "MGCY")])
        ],
        "credentials": [
            {
                "id": "c-moderator",
                "token_hash": "a" * 64,
                "role": "moderator",
                "event_id": EVENT,
                "participant_id": None,
                "label": "moderator",
                "created_at": 1_652_700_000_200,
                "expires_at": 1_652_800_000_000,
                "revoked_at": None,
            },
            {
                "id": "c-delegate",
                "token_hash": "b" * 64,
                "role": "delegate",
                "event_id": EVENT,
                "participant_id": "p0",
                "label": "",
                "created_at": 1_652_700_000_300,
                "expires_at": None,
                "revoked_at": None,
            },
        ],
        "floor_log": [
            {
                "event_id": EVENT,
                "segment_id": "seg-1",
                "version": version,
                "type": "floor_requested",
                "payload": {"type": "floor_requested", "n": version, "name": "Amina Diallo"},
                "command_id": f"cmd-{version}",
                "recorded_at": 1_652_700_001_000 + version,
            }
            for version in (1, 2, 3)
        ],
        "commands": [
            {
                "event_id": EVENT,
                "command_id": f"cmd-{version}",
                "body_hash": f"{version}" * 64,
                "result": {"ok": True, "version": version},
                "recorded_at": 1_652_700_001_000 + version,
            }
            for version in (1, 2, 3)
        ],
        "settings": [{"key": "organiser_key_hash", "value": "c" * 64}],
    }
    if revision >= "0003":
        rows["snapshots"] = [
            {
                "segment_id": "seg-1",
                "schema_version": "s" * 40,
                "version": 3,
                "event_id": EVENT,
                "segment_seq": 3,
                "state": b"\x00\x01state\xff",
                "created_at": 1_652_700_002_000,
            }
        ]
    return rows


_JSON_COLUMNS = {"languages", "payload", "result"}


def _insert(connection: Connection, table: str, row: dict[str, Any]) -> None:
    names = list(row)
    statement = text(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"
    )
    typed = [bindparam(n, type_=JSON) for n in names if n in _JSON_COLUMNS]
    if "state" in names:
        typed.append(bindparam("state", type_=LargeBinary))
    connection.execute(statement.bindparams(*typed), row)


def _database_at(url: str, revision: str) -> tuple[Engine, dict[str, list[dict[str, Any]]]]:
    engine = make_engine(url)
    migrate(engine, revision)
    assert current_revision(engine) == revision
    rows = _rows(revision)
    with engine.begin() as connection:
        for table, table_rows in rows.items():
            for row in table_rows:
                _insert(connection, table, row)
    return engine, rows


def _read(engine: Engine, table: str, columns: list[str]) -> list[dict[str, Any]]:
    """The rows of ``table`` (only ``columns``), JSON and binary columns decoded."""
    from sqlalchemy import MetaData, Table, select

    with engine.connect() as connection:
        reflected = Table(table, MetaData(), autoload_with=connection)
        query = select(*(reflected.c[name] for name in columns))
        found = [dict(row._mapping) for row in connection.execute(query)]
    for row in found:
        for name in _JSON_COLUMNS & set(row):
            if isinstance(row[name], str):  # a JSON column reflected as text
                row[name] = json.loads(row[name])
        if "state" in row:
            row["state"] = bytes(row["state"])
    return sorted(found, key=_order)


def _order(row: dict[str, Any]) -> str:
    return repr(sorted(row.items()))


def _schema(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        found = inspect(connection)
        return {
            table: sorted(column["name"] for column in found.get_columns(table))
            for table in sorted(found.get_table_names())
        }


def _foreign_key_problems(engine: Engine) -> list[Any]:
    if engine.dialect.name != "sqlite":
        return []  # PostgreSQL checks them on every statement, DDL included
    with engine.connect() as connection:
        return list(connection.exec_driver_sql("PRAGMA foreign_key_check").all())


def _assert_kept(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    for table, expected in rows.items():
        got = _read(engine, table, list(expected[0]))
        assert got == sorted(expected, key=_order), table
    assert _foreign_key_problems(engine) == []


# --- upgrading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("revision", OLDER)
def test_an_older_database_with_a_hearing_in_it_is_upgraded_with_everything_kept(
    database_url: str, revision: str
) -> None:
    engine, rows = _database_at(database_url, revision)
    migrate(engine)
    assert current_revision(engine) == head_revision()
    _assert_kept(engine, rows)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    store = Store(engine)  # the server's own reads
    (event,) = store.events()
    assert (event.id, event.live_published, event.languages) == (EVENT, False, ["en", "fr", "es"])
    assert event.hard_stop_at is None  # migration 0007: no hard stop until one is set
    assert [p.gender for p in store.participants(EVENT)] == (
        ["woman", "woman"] if revision >= "0002" else ["", ""]
    )
    assert [r.version for r in store.read_log(EVENT)] == [1, 2, 3]
    assert [c.command_id for c in store.commands(EVENT)] == ["cmd-1", "cmd-2", "cmd-3"]
    assert store.credential_by_hash("b" * 64) is not None
    assert store.setting("organiser_key_hash") == "c" * 64
    engine.dispose()


def test_the_server_connections_keep_their_settings_after_a_migration(sqlite_url: str) -> None:
    """Foreign keys are off and pysqlite's own transactions are off only while migrating: the
    connection goes back to the pool as the engine made it (WAL, synchronous=FULL, foreign keys
    on), so a participant of an unknown event is still refused afterwards."""
    engine, _ = _database_at(sqlite_url, "0003")
    migrate(engine)
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        assert raw.isolation_level == ""
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("foreign_keys", "journal_mode", "synchronous")
        }
    assert pragmas == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2}
    from sqlalchemy.exc import IntegrityError

    row = {**_rows("0003")["participants"][0], "id": "p-orphan", "event_id": "no-such-event"}
    with pytest.raises(IntegrityError), engine.begin() as connection:
        _insert(connection, "participants", row)
    engine.dispose()


def test_a_migration_leaving_dangling_foreign_keys_is_refused_whole(sqlite_url: str) -> None:
    """``PRAGMA foreign_key_check`` runs before the migration commits: a database whose rows
    would point nowhere is left at its revision, untouched."""
    engine, _ = _database_at(sqlite_url, "0003")
    with engine.connect() as connection:  # a row the foreign keys would have refused
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql(
            "INSERT INTO participants (id, event_id, name, title, organisation, constituency,"
            " region, language, attendance, gender, created_at) VALUES ('p-orphan', 'gone', 'X',"
            " '', '', 'other', '', 'en', 'in_room', '', 1)"
        )
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    with pytest.raises(store_db.MigrationError, match="participants row"):
        migrate(engine)
    assert current_revision(engine) == "0003"
    assert "live_published" not in _schema(engine)["events"]
    engine.dispose()


# --- a migration that fails midway ---------------------------------------------------------------


def _failing_copy(tmp_path: Path, file: str, anchor: str, failure: str) -> Path:
    """The migrations, copied, with ``failure`` (a ``raise``) put into ``file`` before
    ``anchor``: its upgrade fails after its first operation."""
    copy = tmp_path / "migrations"
    shutil.copytree(store_db.migrations_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    path = copy / "versions" / file
    source = path.read_text(encoding="utf-8")
    assert source.count(anchor) == 1, anchor
    path.write_text(source.replace(anchor, failure + anchor), encoding="utf-8")
    return copy


_RAISE = 'raise RuntimeError("the disk failed in the middle of a migration")'
FAILURES = [
    # base revision; the migration that fails, after its table copy (the step foreign keys
    # made fail); the line it fails before; the line put there
    ("0003", "0004_event_live_published.py", "\n\n\ndef downgrade", f"\n    {_RAISE}"),
    # 0002 (a column added) done, then 0003 fails after its first operation (a table made)
    (
        "0001",
        "0003_snapshots.py",
        '    with op.batch_alter_table("snapshots", schema=None) as batch_op:\n'
        "        batch_op.create_index",
        f"    {_RAISE}\n",
    ),
]


@pytest.mark.parametrize(("base", "file", "anchor", "failure"), FAILURES)
def test_a_migration_that_fails_midway_leaves_the_database_as_it_was(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    base: str,
    file: str,
    anchor: str,
    failure: str,
) -> None:
    """The whole upgrade is one transaction: 0004 failing after its table copy (the step that
    failed with foreign keys on), or 0003 failing after its first table with 0002's column
    added before it, leaves the schema, the revision and the rows as they were; the next start
    upgrades it."""
    engine, rows = _database_at(database_url, base)
    schema_before = _schema(engine)
    failing = _failing_copy(tmp_path, file, anchor, failure)
    with monkeypatch.context() as patched:
        patched.setattr(store_db, "migrations_dir", lambda: failing)
        with pytest.raises(RuntimeError, match="the disk failed in the middle"):
            migrate(engine)
    assert current_revision(engine) == base
    assert _schema(engine) == schema_before  # no column added, no _alembic_tmp_ table left
    _assert_kept(engine, rows)

    migrate(engine)  # the next start, with the migrations as they are
    assert current_revision(engine) == head_revision()
    _assert_kept(engine, rows)
    engine.dispose()


# --- processes starting together -----------------------------------------------------------------


_START = """
import sys
from app.store import make_engine, migrate
engine = make_engine(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()  # released with the other process
migrate(engine)
print("migrated", flush=True)
"""


def test_two_processes_starting_together_on_a_fresh_database_both_migrate_it(
    database_url: str,
) -> None:
    """``docker compose up``'s first start: two servers migrate one fresh database at the same
    instant. Each is started, imports what it needs, and both are released together."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _START, database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert out.strip() == "migrated"
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    engine = make_engine(database_url)
    assert current_revision(engine) == head_revision()
    assert Store(engine).events() == []
    assert "live_published" in _schema(engine)["events"]
    engine.dispose()


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


def test_a_postgresql_migration_waits_for_the_one_under_way(postgres_engine: Engine) -> None:
    """While another process holds the migrations' advisory lock, a start waits for it (no
    second CREATE TABLE racing the first), then finds the schema up to date."""
    holder = postgres_engine.connect()
    holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
    holder.commit()
    done = threading.Event()
    failures: list[BaseException] = []

    def start() -> None:
        try:
            migrate(postgres_engine)
        except BaseException as error:
            failures.append(error)
        finally:
            done.set()

    waiting_query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND ((classid::bigint << 32) | objid::bigint) = :key"
    )

    def waits() -> bool:
        with postgres_engine.connect() as connection:
            return bool(connection.execute(waiting_query, {"key": MIGRATION_LOCK}).scalar())

    thread = threading.Thread(target=start)
    thread.start()
    try:
        _wait_for(waits, "the migration to wait on the advisory lock")
        assert not done.is_set()
        assert current_revision(postgres_engine) is None  # nothing done while it waits
    finally:
        holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        holder.commit()
        holder.close()
    thread.join(timeout=120)
    assert done.is_set() and failures == []
    assert current_revision(postgres_engine) == head_revision()
