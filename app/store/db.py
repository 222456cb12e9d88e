"""Engines, migrations, and what went wrong opening a database, said in one line."""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

import app

#: how long a new connection waits for another process's lock to set WAL (two servers starting
#: together on a fresh file: one migrates in ``BEGIN IMMEDIATE`` while the other connects)
WAL_WAIT_S = 30.0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # first, so that what follows waits for another process's lock rather than failing at once
    cursor.execute("PRAGMA busy_timeout=5000")
    # WAL lets readers work during a write; FULL fsyncs every commit, so nothing acknowledged
    # is lost even on power loss (NORMAL could lose the last transactions). Changing the journal
    # mode can answer "database is locked" at once, busy handler or not, while another process
    # holds the file's lock: asked again until it is free (a fresh-clone CI saw it, once in three)
    deadline = time.monotonic() + WAL_WAIT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    # hide_parameters: a failed statement's exception (and so its traceback in the log) would
    # otherwise carry the values it was writing: people's names, token hashes (app/logs.py).
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


class DatabaseInUse(RuntimeError):
    """Another ``floorkeeper serve`` holds this SQLite file (``hold_database``)."""


#: The SQLite files this process serves, by their lock file: (its descriptor, how many apps of
#: this process hold it; tests run several in one process, one after another or together).
_HELD: dict[str, tuple[int, int]] = {}


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None: another database, or one in memory)."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    name = parsed.database or ""
    if not name or name == ":memory:" or name.startswith("file::memory:"):
        return None
    return Path(name)


def hold_database(url: str) -> Callable[[], None]:
    """Hold the SQLite file of ``url`` for this process's server, or raise ``DatabaseInUse``
    naming the process that holds it: one process serves a SQLite file (several processes run
    on PostgreSQL and Redis). A second ``serve`` on the same file (outside probe K: started by
    mistake on another port) had answered as if alone, acknowledged writes the first never
    learnt of, and left the first refusing that segment's commands until restarted. An
    exclusive ``flock`` on ``<file>.lock`` beside it, which the kernel lets go when the process
    ends however it ends (kill -9 too). Returns what lets go of it (at the app's shutdown)."""
    path = sqlite_file(url)
    if path is None or not path.parent.is_dir():
        return lambda: None  # a missing directory is said by the start's own error
    # the file itself, whatever name reached it (a symlink, "./"): one lock per file (probe M)
    real = path.resolve()
    lock = real.with_name(real.name + ".lock")
    key = str(lock)

    def release() -> None:
        fd, count = _HELD[key]
        if count > 1:
            _HELD[key] = (fd, count - 1)
            return
        del _HELD[key]
        os.close(fd)

    if key in _HELD:
        fd, count = _HELD[key]
        _HELD[key] = (fd, count + 1)
        return release
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
        os.close(fd)
        raise DatabaseInUse(
            f"another floorkeeper serve has {path} open ({holder}): stop it first, or start "
            "this one with another --database-url; several processes share a hearing only on "
            "PostgreSQL with --redis-url"
        ) from None
    except OSError:  # a filesystem without locks (some network shares): served unguarded
        os.close(fd)
        return lambda: None
    os.ftruncate(fd, 0)
    os.write(fd, f"pid {os.getpid()}".encode())
    _HELD[key] = (fd, 1)
    return release


def migrations_dir() -> Path:
    packaged = Path(app.__file__).parent / "migrations"  # inside a built wheel
    if packaged.is_dir():
        return packaged
    return Path(app.__file__).parent.parent / "migrations"  # a source checkout


#: a migration's ``revision = "0004"`` and ``down_revision = "0003"`` (or ``None``) lines
_REVISION_LINE = re.compile(r'^(revision|down_revision)\s*=\s*(?:"([^"]+)"|None)\s*$', re.M)


def head_revision(directory: Path | None = None) -> str | None:
    """The newest schema revision, read from the migrations' files without importing Alembic
    (0.1 s of every start): the revision no other one names as its ``down_revision``. None when
    that is not exactly one (a branch: Alembic then decides)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in ((directory or migrations_dir()) / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            if value:
                (revisions if name == "revision" else downs).add(value)
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision, or None (never migrated, or more than one row)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return str(rows[0][0]) if len(rows) == 1 else None


#: The PostgreSQL advisory lock every migration holds for its transaction (any constant no other
#: lock uses: the meeting days' locks are ``hashtextextended`` of their ids, app/store/shared.py),
#: so processes started together on one database migrate it one after the other.
MIGRATION_LOCK = 0x466B_6D69_6772_6174  # "Fkmigrat"


class MigrationError(RuntimeError):
    """A migration that would leave the database inconsistent; nothing of it was kept."""


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (Alembic ``upgrade``), in one transaction:
    a failure leaves the database as it was (``migrating``). A database already at the newest
    revision is left as it is without importing Alembic (the common start)."""
    if revision == "head":
        head = head_revision()
        if head is not None and current_revision(engine) == head:
            return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for migrations, committed if the block ends normally,
    rolled back otherwise.

    SQLite: the driver's own transaction handling is off for it and ``BEGIN IMMEDIATE`` is
    emitted (SQLAlchemy's recipe for pysqlite, which otherwise autocommits every DDL statement,
    so a failed migration stayed half-applied); foreign keys are off while it runs (Alembic's
    batch mode copies a table, drops the old one and renames the copy: with them on, dropping a
    table other rows refer to fails) and ``PRAGMA foreign_key_check`` must find nothing before
    it commits. The connection gets the engine's own settings back afterwards.

    PostgreSQL: the transaction first takes ``MIGRATION_LOCK``; a second process waits, then
    finds the schema up to date."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            with _sqlite_migration(connection):
                yield connection
            return
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            yield connection


@contextmanager
def _sqlite_migration(connection: Connection) -> Iterator[None]:
    raw: sqlite3.Connection = connection.connection.dbapi_connection  # type: ignore[assignment]
    isolation = raw.isolation_level
    foreign_keys = raw.execute("PRAGMA foreign_keys").fetchone()[0]
    raw.isolation_level = None  # pysqlite emits no BEGIN and commits nothing on its own
    raw.execute("PRAGMA foreign_keys=OFF")  # outside a transaction: inside one it does nothing
    try:
        with connection.begin():  # COMMIT or ROLLBACK at its end (pysqlite still emits those)
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock, before any read
            yield
            dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if dangling:
                named = ", ".join(f"{row[0]} row {row[1]} -> {row[2]}" for row in dangling[:5])
                more = f" and {len(dangling) - 5} more" if len(dangling) > 5 else ""
                raise MigrationError(
                    f"the migrated database has rows whose foreign keys name no row ({named}"
                    f"{more}): nothing was changed"
                )
    finally:
        try:
            raw.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            raw.isolation_level = isolation
        except sqlite3.Error:  # a connection that failed: not given back as it is
            connection.invalidate()


# --- what went wrong, in one line -----------------------------------------------------------------


def database_problem(error: BaseException, database_url: str) -> str | None:
    """What is wrong with the database and what to do, in one line, for an error met opening,
    migrating or reading it: SQLite's file, directory and disk, PostgreSQL's server, database
    and user. None for an error that is not about the database's surroundings (a fault in the
    code: its traceback is kept)."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(error, MigrationError):
        return f"the database was not migrated: {error}"
    if isinstance(error, DatabaseInUse):
        return str(error)
    unknown = re.search(r"Can't locate revision identified by '([^']+)'", str(error))
    if unknown and "alembic" in sys.modules:  # Alembic's CommandError: a newer Floorkeeper's
        return (
            f"the database is at schema revision {unknown.group(1)!r}, which this Floorkeeper "
            f"does not know (it knows up to {head_revision()}): use a newer Floorkeeper"
        )
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        cause = error.orig if isinstance(error, DBAPIError) else error
        # not its subclasses IntegrityError, ProgrammingError...: faults in the code
        if type(cause) not in (sqlite3.OperationalError, sqlite3.DatabaseError):
            return None
        return _sqlite_problem(str(cause), Path(url.database or ""))
    if backend == "postgresql" and isinstance(error, OperationalError):
        return _postgres_problem(str(error.orig), url)
    return None


def _read_only(directory: Path) -> bool:
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY) or not os.access(
            directory, os.W_OK
        )
    except OSError:
        return False


def _sqlite_problem(message: str, path: Path) -> str:
    where = path.parent
    said = message.strip().splitlines()[0] if message.strip() else "no reason given"
    if not path.name:
        return f"the in-memory SQLite database failed ({said})"
    if "unable to open database file" in said or "readonly database" in said:
        if path.is_dir():
            return (
                f"{path} is a directory: give the database file's path in --database-url "
                f"(e.g. sqlite:///{path / 'floorkeeper.db'})"
            )
        if not where.is_dir():
            return (
                f"there is no directory {where} for the database {path.name}: create it "
                f"(mkdir -p {where}) or give another --database-url"
            )
        if _read_only(where):
            return (
                f"cannot write the database {path}: {where} is read-only (a disk remounted "
                "read-only after errors, a write-protected stick?): copy the database to a "
                "writable disk and give its path in --database-url"
            )
        return (
            f"cannot open the database {path} ({said}): check that this user may read and "
            f"write it and its directory {where}"
        )
    if "disk is full" in said:
        return f"the disk under {path} is full: free some space (df -h {where}) and try again"
    if "disk I/O error" in said:
        return (
            f"the disk under {path} failed ({said}): check that it has free space "
            f"(df -h {where}) and reports no errors (dmesg), then try again"
        )
    if "not a database" in said:
        return (
            f"{path} is not a SQLite database: give the right --database-url (a backup goes "
            "back with `floorkeeper restore`)"
        )
    if "locked" in said:
        return (
            f"the database {path} is locked by another process (a server or a tool still "
            "running on it?): stop it, or wait for it, and try again"
        )
    return f"the database {path} failed: {said}"


def _postgres_problem(message: str, url: Any) -> str:
    host, port = url.host or "localhost", url.port or 5432
    server = f"PostgreSQL at {host}:{port}"
    # psycopg: 'connection failed: connection to server at "h", port p failed: FATAL:  ...'
    said = " ".join(message.split())
    reason = re.sub(r"^(connection failed: )?(connection to server at .*? failed: )?", "", said)
    reason = re.sub(r"^FATAL:\s*", "", reason)
    if "Connection refused" in reason:
        return (
            f"cannot reach {server} (connection refused): start PostgreSQL, or check the "
            "host and port in --database-url"
        )
    if "resolve host" in reason or "translate host name" in reason:
        return f"cannot find the PostgreSQL host {host}: check --database-url"
    if "timeout" in reason or "timed out" in reason:
        return (
            f"{server} did not answer in time: check that it is running and reachable from "
            "this machine"
        )
    database = re.search(r'database "([^"]+)" does not exist', reason)
    if database:
        return (
            f"{server} has no database {database.group(1)}: create it (createdb -h {host} "
            f"-p {port} {database.group(1)}), or check --database-url"
        )
    role = re.search(r'role "([^"]+)" does not exist', reason)
    if role:
        return f"{server} has no user {role.group(1)}: check the user in --database-url"
    if "password" in reason:
        return (
            f"{server} refused user {url.username}'s password ({reason}): check it (in the URL, "
            "PGPASSWORD or ~/.pgpass)"
        )
    return f"{server}: {reason}"
