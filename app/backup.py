"""``floorkeeper backup`` and ``floorkeeper restore``: the whole database in one file.

SQLite: the backup is a SQLite file made with SQLite's online backup API while the server keeps
serving. It copies one snapshot (the instant the backup begins: every command acknowledged
before then is in it), a step of pages at a time, holding a read transaction which in WAL mode
blocks no writer; so writers carry on and the copy never starts over. The copy is then checked
(``PRAGMA quick_check``) and renamed into place, so a file by the backup's name is always whole.

Restore copies such a file into the configured database path, after checking that it is a
SQLite database with Floorkeeper's tables at a schema revision this code knows; it refuses to
replace an existing database unless told to (``--force``), and even then one that a running
server has open.

PostgreSQL has its own tools: both commands refuse with the ``pg_dump`` / ``pg_restore`` line.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy import make_url

from .config import database_url_problem
from .store import bulk
from .transfer import Progress, Refused, sqlite_file, writable_path

#: Steps of about 1% of the file (never fewer pages than this): progress at every tenth.
MIN_STEP_PAGES = 256


@dataclass
class Copied:
    source: Path
    target: Path
    revision: str | None
    events: int
    log: int
    pages: int
    size: int
    seconds: float
    steps: int

    def describe(self) -> str:
        return (
            f"{_counted(self.events, 'meeting day')}, {_counted(self.log, 'log event')}, "
            f"schema {self.revision}, {self.size / 1e6:,.1f} MB in {self.seconds:.2f} s"
        )


def _counted(n: int, thing: str) -> str:
    """``1 meeting day``, ``2 meeting days``, ``0 meeting days``."""
    return f"{n:,} {thing}" if n == 1 else f"{n:,} {thing}s"


def pg_dump_line(database_url: str, file: str) -> str:
    return f"pg_dump --format=custom --file {shlex.quote(file)} {_libpq_url(database_url)}"


def pg_restore_line(database_url: str, file: str) -> str:
    return (
        f"pg_restore --clean --if-exists --no-owner --dbname {_libpq_url(database_url)} "
        f"{shlex.quote(file)}"
    )


def _libpq_url(database_url: str) -> str:
    """The URL as libpq reads it (no ``+psycopg``), its password hidden."""
    url = make_url(database_url).set(drivername="postgresql")
    return shlex.quote(url.render_as_string(hide_password=True))


def _postgres_refusal(database_url: str, what: str, line: str) -> Refused:
    problem = database_url_problem(database_url)
    if problem is not None:  # neither SQLite nor PostgreSQL: say which databases there are
        return Refused(problem)
    warning = ""
    if what == "restore":
        warning = (
            "\nStop every floorkeeper server of this database first: a restore under a running "
            "server leaves a log that no server can write to (it goes on at versions the "
            "restored log does not reach). Start them again after; screens reconnect by "
            "themselves and get a fresh snapshot. A copy restored into another database must "
            "be served with a Redis of its own (or none), never production's."
        )
    else:
        warning = (
            "\nIt may run while the servers serve. Restored into another database, the copy "
            "must be served with a Redis of its own (or none), never production's."
        )
    return Refused(
        f"floorkeeper {what} copies SQLite databases; this one is PostgreSQL: use its own "
        f"tools, e.g.\n    {line}\n(give the password in PGPASSWORD or ~/.pgpass)"
        f"{warning}"
    )


# --- backup ---------------------------------------------------------------------------------------


def backup(
    database_url: str,
    path: Path,
    *,
    force: bool = False,
    out: TextIO | None = sys.stderr,
    step_pages: int | None = None,
    on_step: bulk.PageProgress | None = None,
) -> Copied:
    """Copy the whole database into ``path`` (refused if it exists, unless ``force``), safe
    while the server is serving. ``on_step`` is called after each step, as SQLite's progress
    callback is."""
    source = sqlite_file(database_url)
    if source is None:
        raise _postgres_refusal(database_url, "backup", pg_dump_line(database_url, str(path)))
    if not source.is_file():
        raise Refused(f"there is no database at {source} (--database-url {database_url})")
    writable_path(path, force)
    if path.resolve() == source.resolve():
        raise Refused("the backup file is the database itself: choose another file")
    started = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    connection = bulk.open_sqlite(source)
    try:
        # the snapshot: this read transaction stays open until the copy is made
        connection.execute("BEGIN")
        found = bulk.sqlite_contents(connection)
        _check_floorkeeper(found, str(source))
        pages = found.pages
        step = step_pages or max(MIN_STEP_PAGES, pages // 100)
        progress = Progress("backup", pages, "pages", out)
        steps = 0

        def report(status: int, remaining: int, total: int) -> None:
            nonlocal steps
            steps += 1
            progress.total = total
            progress.update(total - remaining)
            if on_step is not None:
                on_step(status, remaining, total)

        try:
            bulk.copy_sqlite(connection, partial, step, report)
            check = _quick_check(partial)
            if check != "ok":
                raise Refused(f"the copy failed SQLite's check ({check}); {path} was not written")
            os.replace(partial, path)
            _fsync_directory(path)
        finally:
            partial.unlink(missing_ok=True)
    finally:
        connection.close()
    return Copied(
        source,
        path,
        found.revision,
        found.events,
        found.log,
        pages,
        path.stat().st_size,
        time.perf_counter() - started,
        steps,
    )


def _check_floorkeeper(found: bulk.Contents, name: str) -> None:
    missing = sorted(bulk.FLOORKEEPER_TABLES - found.tables)
    if missing or "alembic_version" not in found.tables:
        raise Refused(
            f"{name} is not a Floorkeeper database (no {', '.join(missing or ['alembic_version'])}"
            " table)"
        )
    known = bulk.known_revisions()
    if found.revision not in known:
        raise Refused(
            f"{name} is at schema revision {found.revision!r}, which this Floorkeeper does "
            f"not know (it knows up to {known[-1]}): use a newer Floorkeeper"
        )


def _quick_check(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return bulk.quick_check(connection)
    finally:
        connection.close()


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path.parent.resolve(), os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- restore --------------------------------------------------------------------------------------


def inspect_backup(path: Path) -> bulk.Contents:
    """What a backup file holds, refused unless it is a whole Floorkeeper SQLite database at a
    schema revision this code knows."""
    if not path.is_file():
        raise Refused(f"there is no file {path}")
    if not bulk.is_sqlite_file(path):
        hint = " (an event export? use `floorkeeper import`)" if path.suffix == ".gz" else ""
        raise Refused(f"{path} is not a SQLite database{hint}")
    try:
        connection = bulk.open_sqlite(path)
        try:
            found = bulk.sqlite_contents(connection)
            _check_floorkeeper(found, str(path))
            check = bulk.quick_check(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise Refused(f"{path} is not a readable SQLite database ({error})") from None
    if check != "ok":
        raise Refused(f"{path} is damaged (SQLite's check: {check})")
    return found


def restore(
    path: Path,
    database_url: str,
    *,
    force: bool = False,
    out: TextIO | None = sys.stderr,
) -> Copied:
    """Copy the backup ``path`` into the configured SQLite database's file."""
    target = sqlite_file(database_url)
    if target is None:
        raise _postgres_refusal(database_url, "restore", pg_restore_line(database_url, str(path)))
    found = inspect_backup(path)
    if target.exists():
        if not force:
            raise Refused(
                f"{target} already exists: restore refuses to replace a database; move it "
                "away, or --force to replace it (stop the server on it first)"
            )
        if target.resolve() == path.resolve():
            raise Refused("the backup file is the database itself: nothing to do")
        if bulk.is_sqlite_file(target) and bulk.sqlite_in_use(target):
            raise Refused(
                f"{target} is open in another process (a server running on it?): stop it "
                "first, then restore"
            )
        leftover = Path(f"{target}-wal")
        if leftover.exists() and leftover.stat().st_size:
            raise Refused(f"{leftover} still holds writes: stop the server on {target} first")
    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    partial.unlink(missing_ok=True)
    pages = found.pages
    progress = Progress("restore", pages, "pages", out)
    steps = 0

    def report(_status: int, remaining: int, total: int) -> None:
        nonlocal steps
        steps += 1
        progress.total = total
        progress.update(total - remaining)

    source = bulk.open_sqlite(path)
    try:
        bulk.copy_sqlite(source, partial, max(MIN_STEP_PAGES, pages // 100), report)
        for stale in (Path(f"{target}-wal"), Path(f"{target}-shm"), Path(f"{target}-journal")):
            stale.unlink(missing_ok=True)
        os.replace(partial, target)
        _fsync_directory(target)
    finally:
        source.close()
        partial.unlink(missing_ok=True)
    return Copied(
        path,
        target,
        found.revision,
        found.events,
        found.log,
        pages,
        target.stat().st_size,
        time.perf_counter() - started,
        steps,
    )
