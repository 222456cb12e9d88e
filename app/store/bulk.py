"""Whole-event reads and writes (``floorkeeper export`` / ``import``, app/transfer.py) and
whole-database copies of SQLite files (``floorkeeper backup`` / ``restore``, app/backup.py).

Reads of one meeting day happen in one snapshot, so a file written while the server is serving
holds every command's events with its result or neither. Writes happen in one transaction."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table, func, insert, inspect, select, text

from .db import migrations_dir
from .tables import CommandRow, CredentialRow, EventRow, LogRow, ParticipantRow

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

#: What one meeting day is made of, in the order it is written (participants need their event).
KINDS: dict[str, Table] = {
    "event": EventRow.__table__,  # type: ignore[attr-defined]
    "participant": ParticipantRow.__table__,  # type: ignore[attr-defined]
    "credential": CredentialRow.__table__,  # type: ignore[attr-defined]
    "log": LogRow.__table__,  # type: ignore[attr-defined]
    "command": CommandRow.__table__,  # type: ignore[attr-defined]
}
#: Columns a record does not carry: the log's sequence number is the receiving database's; an
#: event's ``request_id`` is its maker's retry key on the server that made it (unique there: a
#: copy imported beside another event of the same id would be refused whole).
LOCAL_COLUMNS = {"log": {"seq"}, "event": {"request_id"}}
#: Every table a Floorkeeper database has (besides Alembic's ``alembic_version``).
FLOORKEEPER_TABLES = {"events", "participants", "credentials", "floor_log", "commands", "settings"}


def columns(kind: str) -> list[str]:
    return [c.name for c in KINDS[kind].columns if c.name not in LOCAL_COLUMNS.get(kind, set())]


# --- schema revisions ---------------------------------------------------------------------------


def _scripts() -> ScriptDirectory:
    from alembic.config import Config  # only when a transfer or a backup needs the revisions
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return ScriptDirectory.from_config(config)


def schema_head() -> str:
    """The newest schema revision this code knows (what ``migrate`` brings a database to)."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def known_revisions() -> list[str]:
    """Every schema revision this code knows, oldest first."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def revision(connection: Connection) -> str | None:
    """The database's schema revision, or None if Alembic has never run on it."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


# --- one meeting day, read ------------------------------------------------------------------------


@contextlib.contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one instant of the database, whatever is written
    meanwhile (SQLite: one read transaction, which in WAL mode blocks no writer; PostgreSQL:
    REPEATABLE READ, read only)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # pysqlite opens no transaction for a SELECT: each would see its own instant
            connection.exec_driver_sql("BEGIN")
        else:
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            connection.begin()
        try:
            yield connection
        finally:
            connection.rollback()


def _where_event(kind: str, event_id: str) -> Any:
    table = KINDS[kind]
    return (table.c.id if kind == "event" else table.c.event_id) == event_id


#: The order rows are read in: stable, and the log's is the order it was written.
_ORDER = {
    "event": ("id",),
    "participant": ("created_at", "id"),
    "credential": ("created_at", "id"),
    "log": ("seq",),
    "command": ("recorded_at", "command_id"),
}


def count_event_rows(connection: Connection, event_id: str) -> dict[str, int]:
    """How many rows of each kind the meeting day has."""
    counts = {}
    for kind, table in KINDS.items():
        query = select(func.count()).select_from(table).where(_where_event(kind, event_id))
        counts[kind] = int(connection.execute(query).scalar_one())
    return counts


def event_rows(connection: Connection, event_id: str, kind: str) -> Iterator[dict[str, Any]]:
    """The meeting day's rows of one kind as plain dicts, in a stable order (the log's: the
    order it was written), read in batches."""
    table = KINDS[kind]
    query = (
        select(*(table.c[name] for name in columns(kind)))
        .where(_where_event(kind, event_id))
        .order_by(*(table.c[name] for name in _ORDER[kind]))
    )
    result = connection.execution_options(yield_per=2000).execute(query)
    for row in result:
        yield dict(row._mapping)


def event_ids(connection: Connection) -> list[tuple[str, str]]:
    """Every meeting day's id and title."""
    table = KINDS["event"]
    query = select(table.c.id, table.c.title).order_by(table.c.created_at)
    return [(row.id, row.title) for row in connection.execute(query)]


# --- one meeting day, written ---------------------------------------------------------------------


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One transaction, committed if the block ends normally, rolled back otherwise. On SQLite it
    takes the write lock first (BEGIN IMMEDIATE), so what it checks holds until it commits."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.begin()
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


def event_exists(connection: Connection, event_id: str) -> list[str]:
    """The tables that already hold rows of the meeting day ``event_id`` (empty: none)."""
    return [
        KINDS[kind].name
        for kind in KINDS
        if connection.execute(
            select(func.count()).select_from(KINDS[kind]).where(_where_event(kind, event_id))
        ).scalar_one()
    ]


def event_with_join_code(connection: Connection, join_code: str) -> str | None:
    table = KINDS["event"]
    return connection.execute(select(table.c.id).where(table.c.join_code == join_code)).scalar()


def insert_rows(connection: Connection, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
    batch = list(rows)
    if batch:
        connection.execute(insert(KINDS[kind]), batch)


# --- whole SQLite files -------------------------------------------------------------------------

SQLITE_MAGIC = b"SQLite format 3\x00"
#: sqlite3's progress callback: (status, pages remaining, pages in all)
PageProgress = Callable[[int, int, int], object]


def is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def open_sqlite(path: Path) -> sqlite3.Connection:
    """A plain connection that leaves transactions to the caller."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=5000")
    return connection


@dataclass(frozen=True)
class Contents:
    """What a SQLite database holds."""

    tables: frozenset[str]
    revision: str | None
    events: int
    log: int
    pages: int


def sqlite_contents(connection: sqlite3.Connection) -> Contents:
    """Its tables, its schema revision, the number of meeting days and of log events (read in
    the connection's current transaction, if it has one)."""
    tables = frozenset(
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    )

    def one(query: str) -> Any:
        row = connection.execute(query).fetchone()
        return None if row is None else row[0]

    return Contents(
        tables=tables,
        revision=one("SELECT version_num FROM alembic_version")
        if "alembic_version" in tables
        else None,
        events=one("SELECT count(*) FROM events") if "events" in tables else 0,
        log=one("SELECT count(*) FROM floor_log") if "floor_log" in tables else 0,
        pages=one("PRAGMA page_count"),
    )


def quick_check(connection: sqlite3.Connection) -> str:
    """``ok``, or what SQLite found wrong with the file."""
    rows = connection.execute("PRAGMA quick_check").fetchall()
    return "; ".join(str(row[0]) for row in rows[:5])


def copy_sqlite(
    source: sqlite3.Connection, target: Path, pages: int, progress: PageProgress | None
) -> None:
    """Copy ``source`` (at the snapshot of its open read transaction, if it has one: then writers
    of other connections neither wait nor make the copy start over) into a new file ``target``,
    ``pages`` pages per step, with SQLite's online backup API; then make the copy a file of its
    own (rollback journal, not WAL) and fsync it."""
    destination = sqlite3.connect(target, isolation_level=None)
    try:
        source.backup(destination, pages=pages, progress=progress)
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
    fsync(target)


def fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sqlite_in_use(path: Path) -> bool:
    """Whether another connection (a server) has the database open. A WAL database cannot leave
    WAL mode while any other connection has it open, so this tries that (leaving the file in
    rollback-journal mode, checkpointed, if nobody has: ``serve`` turns WAL on again)."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        return str(mode).lower() != "delete"
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return True
        raise
    finally:
        connection.close()
