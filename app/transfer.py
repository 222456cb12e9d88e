"""``floorkeeper export`` and ``floorkeeper import``: one meeting day in one file, to move a
hearing to the machine that takes over.

The file is gzip'd JSON Lines (UTF-8, one JSON object per line), read and written as a stream:

1. the header: ``{"format": "floorkeeper-event", "version": 1, "schema": <Alembic revision of
   the tables the records follow>, "exported_at": <ISO 8601, UTC>, "event_id": ..., "counts":
   {"event": 1, "participant": n, "credential": n, "log": n, "command": n}}``
2. ``{"record": "event", "data": {...}}``: the ``events`` row (title, venue, languages, join
   code, ...)
3. ``{"record": "participant", "data": {...}}``: one per ``participants`` row
4. ``{"record": "credential", "data": {...}}``: one per access link and delegate token of the
   event, with the SHA-256 of its secret (``token_hash``), never a secret: the links and the
   delegates' phones keep working on the machine that takes over
5. ``{"record": "log", "data": {...}}``: the whole floor log of the event in the order it was
   written (every segment, the programme with them, and the outcome stream
   ``outcome:{event_id}``), without the database's own sequence number
6. ``{"record": "command", "data": {...}}``: the dedupe results (``commands`` rows)
7. ``{"record": "end", "counts": {...}}``: a file cut short is refused, not half imported.

Export reads the meeting day in one snapshot while the server keeps serving; import checks the
file, folds its log as ``Engine.load`` will, and writes it in one transaction, or nothing.
"""

from __future__ import annotations

import gzip
import os
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

import orjson
from sqlalchemy import Connection, make_url, select
from sqlalchemy.exc import IntegrityError, OperationalError

from .floor import HearingState, Role, apply
from .floor import contributions as o
from .floor import events as e
from .floor.model import Attendance, Constituency
from .store import bulk, make_engine, migrate

FORMAT = "floorkeeper-event"
VERSION = 1
#: Records of one kind written to the database at a time.
BATCH = 2000


class Refused(Exception):
    """What was asked cannot be done; the message says why and what to do instead."""


class Progress:
    """Lines such as ``export: 40% (2,000 of 5,000 rows)`` at every tenth of the work, on
    ``out`` (standard error; None: quiet)."""

    def __init__(self, label: str, total: int, unit: str, out: TextIO | None, step: int = 10):
        self.label, self.total, self.unit, self.out, self.step = label, total, unit, out, step
        self._next = step
        self.lines = 0

    def update(self, done: int) -> None:
        if self.out is None or self.total <= 0:
            return
        percent = done * 100 // self.total
        if percent >= self._next:
            self.say(f"{percent}% ({done:,} of {self.total:,} {self.unit})")
            self._next = (percent // self.step + 1) * self.step

    def say(self, message: str) -> None:
        if self.out is not None:
            print(f"{self.label}: {message}", file=self.out, flush=True)
            self.lines += 1


def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite database URL (None for another database)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise Refused(f"{database_url} is not a SQLite database file")
    return Path(url.database)


def writable_path(path: Path, force: bool) -> None:
    """Refuse to write over a file unless forced, over a directory at all, or into a directory
    that is not there."""
    if path.is_dir():
        raise Refused(
            f"{path} is a directory: name the file to write in it, e.g. {path / 'floorkeeper.bak'}"
        )
    if path.exists() and not force:
        raise Refused(f"{path} already exists: choose another file, or --force to replace it")
    if not path.parent.is_dir():
        raise Refused(f"there is no directory {path.parent} to write {path.name} in")


def _existing_database(database_url: str) -> None:
    """Refuse to read a SQLite file that is not there (connecting would make an empty one)."""
    path = sqlite_file(database_url)
    if path is not None and not path.is_file():
        raise Refused(f"there is no database at {path} (--database-url {database_url})")


@dataclass
class Transferred:
    event_id: str
    title: str
    counts: dict[str, int]
    seconds: float
    size: int
    segments: int = 0
    contributions: int = 0
    header: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        c = self.counts
        return (
            f"event {self.event_id} ({self.title}): {c['participant']:,} participants, "
            f"{c['credential']:,} links and delegate tokens, {c['log']:,} log events, "
            f"{c['command']:,} command results"
        )


# --- export ---------------------------------------------------------------------------------------


def export_event(
    database_url: str,
    event_id: str,
    path: Path,
    *,
    force: bool = False,
    out: TextIO | None = sys.stderr,
) -> Transferred:
    """Write the meeting day ``event_id`` to ``path`` (refused if the file exists, unless
    ``force``). Safe while a server is serving the database: one snapshot is read."""
    writable_path(path, force)
    _existing_database(database_url)
    started = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    engine = make_engine(database_url)
    try:
        with bulk.snapshot(engine) as connection:
            schema = _schema_of_source(connection)
            counts = bulk.count_event_rows(connection, event_id)
            if not counts["event"]:
                raise Refused(_no_such_event(connection, event_id))
            header = {
                "format": FORMAT,
                "version": VERSION,
                "schema": schema,
                "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "event_id": event_id,
                "counts": counts,
            }
            progress = Progress(f"export {event_id}", sum(counts.values()), "rows", out)
            title = ""
            try:
                with gzip.open(partial, "wb", compresslevel=6) as file:
                    file.write(_line(header))
                    done = 0
                    for kind in bulk.KINDS:
                        for row in bulk.event_rows(connection, event_id, kind):
                            if kind == "event":
                                title = row["title"]
                            file.write(_line({"record": kind, "data": row}))
                            done += 1
                            progress.update(done)
                    file.write(_line({"record": "end", "counts": counts}))
                bulk.fsync(partial)
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)
    finally:
        engine.dispose()
    return Transferred(
        event_id, title, counts, time.perf_counter() - started, path.stat().st_size, header=header
    )


def _line(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)


def _schema_of_source(connection: Connection) -> str:
    found = bulk.revision(connection)
    head = bulk.schema_head()
    if found is None:
        raise Refused("this is not a Floorkeeper database (it has no schema revision)")
    if found != head:
        raise Refused(
            f"the database is at schema revision {found}, this Floorkeeper's is {head}: export "
            "it with the Floorkeeper that serves it, or start this one's `floorkeeper serve` on "
            "it once (it migrates the database) and export again"
        )
    return head


def _no_such_event(connection: Connection, event_id: str) -> str:
    events = _events(connection)
    if not events:
        return f"there is no event {event_id!r}: the database has no events"
    listed = ", ".join(f"{event.id} ({event.name})" for event in events[:10])
    more = f" and {len(events) - 10} more" if len(events) > 10 else ""
    return (
        f"there is no event {event_id!r}; the database has {listed}{more} (`floorkeeper "
        "export` with no event lists them all)"
    )


@dataclass(frozen=True)
class Listed:
    """A meeting day as ``floorkeeper export`` lists it: one hearing in three rooms is three
    events of one title, told apart by their room and date."""

    id: str
    title: str
    room: str
    date: str

    @property
    def name(self) -> str:
        """Its title, room and date ("title · room · date"), as the organiser's desk names it;
        a room or a date it has not is left out."""
        return " · ".join(part for part in (self.title, self.room, self.date) if part)


def _events(connection: Connection) -> list[Listed]:
    table = bulk.KINDS["event"]
    query = select(table.c.id, table.c.title, table.c.room, table.c.date).order_by(
        table.c.created_at, table.c.id
    )
    return [Listed(*row) for row in connection.execute(query)]


def list_events(database_url: str) -> list[Listed]:
    """Every meeting day of the database, oldest first (``floorkeeper export`` with no event)."""
    _existing_database(database_url)
    engine = make_engine(database_url)
    try:
        with bulk.snapshot(engine) as connection:
            return _events(connection)
    finally:
        engine.dispose()


def listing(events: list[Listed]) -> str:
    """The events one a line, ``id  title · room · date``, for a person to pick an id from."""
    if not events:
        return "the database has no events"
    lines = [f"{len(events)} event{'s' if len(events) != 1 else ''} (id, title · room · date):"]
    lines += [f"{event.id}  {event.name}" for event in events]
    return "\n".join(lines)


# --- import ---------------------------------------------------------------------------------------


def read_header(path: Path) -> dict[str, Any]:
    """The file's header, checked: a Floorkeeper event file of the format this code reads,
    whose records follow a schema revision it knows."""
    try:
        with gzip.open(path, "rb") as file:
            first = file.readline(1 << 20)
    except FileNotFoundError:
        raise Refused(f"there is no file {path}") from None
    except (OSError, EOFError, zlib.error):
        if bulk.is_sqlite_file(path):
            raise Refused(
                f"{path} is a SQLite database (a backup?), not an event export: "
                "use `floorkeeper restore`"
            ) from None
        raise Refused(f"{path} is not a Floorkeeper event file (not gzip'd JSON Lines)") from None
    try:
        header = orjson.loads(first)
    except orjson.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise Refused(f"{path} is not a Floorkeeper event file (no {FORMAT!r} header)")
    version = header.get("version")
    if version != VERSION:
        if isinstance(version, int) and version > VERSION:
            raise Refused(
                f"this file was written by a newer Floorkeeper (format {version}); "
                f"this one reads format {VERSION}"
            )
        raise Refused(
            f"this file is of format {version!r}, which this Floorkeeper does not read; "
            f"this one reads format {VERSION}"
        )
    schema = header.get("schema")
    known = bulk.known_revisions()
    if schema not in known:
        raise Refused(
            f"this file's records follow database schema {schema!r}, which this Floorkeeper "
            f"does not know (it knows up to {known[-1]}): import it with a newer Floorkeeper"
        )
    if not isinstance(header.get("event_id"), str) or not isinstance(header.get("counts"), dict):
        raise Refused(f"{path}: the header names no event_id or counts")
    return header


def import_event(database_url: str, path: Path, *, out: TextIO | None = sys.stderr) -> Transferred:
    """Write the meeting day in ``path`` into the database (migrated first, as ``serve`` does),
    in one transaction: refused whole if its event id is already there, if the file is cut short
    or damaged, or if its log does not fold."""
    started = time.perf_counter()
    header = read_header(path)  # before the database is touched
    event_id: str = header["event_id"]
    counts = {kind: int(header["counts"].get(kind, 0)) for kind in bulk.KINDS}
    engine = make_engine(database_url)
    try:
        migrate(engine)
        progress = Progress(f"import {event_id}", sum(counts.values()), "rows", out)
        with bulk.writing(engine) as connection:
            taken = bulk.event_exists(connection, event_id)
            if taken:
                raise Refused(
                    f"event {event_id!r} already exists in this database (rows in "
                    f"{', '.join(taken)}): nothing was imported"
                )
            loaded = _Loader(connection, event_id, progress)
            loaded.run(_records(path))
    except OperationalError as error:
        raise Refused(
            f"the database refused the import ({error.orig}): nothing was imported"
        ) from None
    finally:
        engine.dispose()
    return Transferred(
        event_id,
        loaded.title,
        loaded.counts,
        time.perf_counter() - started,
        path.stat().st_size,
        segments=len(loaded.state.programme()),
        contributions=len(loaded.outcome.contributions),
        header=header,
    )


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records after the header, with their line numbers."""
    number = 1
    try:
        with gzip.open(path, "rb") as file:
            file.readline(1 << 20)
            for number, line in enumerate(file, start=2):
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError as error:
                    raise Refused(
                        f"{path} line {number} is not JSON ({error}): nothing was imported"
                    ) from None
                if not isinstance(record, dict):
                    raise Refused(f"{path} line {number} is not a record: nothing was imported")
                yield number, record
    except (OSError, EOFError, zlib.error) as error:
        raise Refused(
            f"{path} is damaged or cut short after line {number} ({error}): nothing was imported"
        ) from None


class _Loader:
    """Checks each record and folds the log as ``Engine.load`` will, writing in batches."""

    ORDER = (*bulk.KINDS, "end")

    def __init__(self, connection: Connection, event_id: str, progress: Progress) -> None:
        self.connection = connection
        self.event_id = event_id
        self.progress = progress
        self.counts = dict.fromkeys(bulk.KINDS, 0)
        self.columns = {kind: set(bulk.columns(kind)) for kind in bulk.KINDS}
        self.state = HearingState(event_id=event_id)
        self.outcome = o.OutcomeState(event_id=event_id)
        self.stream = o.stream_id(event_id)
        self.title = ""
        self.batch: list[dict[str, Any]] = []
        self.kind = "event"
        self.done = 0

    def run(self, records: Iterator[tuple[int, dict[str, Any]]]) -> None:
        end: dict[str, Any] | None = None
        for number, record in records:
            if end is not None:
                raise Refused(f"line {number}: a record after the end: nothing was imported")
            kind = record.get("record")
            if kind not in self.ORDER:
                raise Refused(f"line {number}: unknown record {kind!r}: nothing was imported")
            if self.ORDER.index(kind) < self.ORDER.index(self.kind):
                raise Refused(
                    f"line {number}: a {kind} record after the {self.kind} records: "
                    "nothing was imported"
                )
            if kind != "event" and self.counts["event"] != 1:
                raise Refused("the file holds no event record: nothing was imported")
            if kind == "event" and self.counts["event"]:
                raise Refused(f"line {number}: a second event record: nothing was imported")
            if kind != self.kind:
                self.flush()
                self.kind = kind
            if kind == "end":
                end = record
                continue
            data = record.get("data")
            if not isinstance(data, dict):
                raise Refused(f"line {number}: a {kind} record without data: nothing was imported")
            self.check(number, kind, data)
            self.batch.append(data)
            self.counts[kind] += 1
            self.done += 1
            self.progress.update(self.done)
            if len(self.batch) >= BATCH:
                self.flush()
        self.flush()
        if end is None:
            raise Refused("the file ends before its end record (cut short?): nothing was imported")
        if end.get("counts") != self.counts:
            raise Refused(
                f"the file says it holds {end.get('counts')}, it holds {self.counts}: "
                "nothing was imported"
            )

    def check(self, number: int, kind: str, data: dict[str, Any]) -> None:
        unknown = set(data) - self.columns[kind]
        if unknown:
            raise Refused(
                f"line {number}: a {kind} with fields this Floorkeeper does not know "
                f"({', '.join(sorted(unknown))}): nothing was imported"
            )
        owner = data.get("id") if kind == "event" else data.get("event_id")
        if owner != self.event_id:
            raise Refused(
                f"line {number}: a {kind} of event {owner!r}, not of {self.event_id!r}: "
                "nothing was imported"
            )
        if kind == "event":
            self.title = str(data.get("title", ""))
            other = bulk.event_with_join_code(self.connection, str(data.get("join_code")))
            if other is not None:
                raise Refused(
                    f"event {self.event_id!r}'s join code is already the join code of event "
                    f"{other!r} in this database: nothing was imported"
                )
        elif kind == "participant":
            # what Engine.load makes of the row (engine._speaker): a value it cannot read stops
            # the server at start
            self.known(number, kind, "constituency", data, Constituency)
            self.known(number, kind, "attendance", data, Attendance)
        elif kind == "credential":
            self.known(number, kind, "role", data, Role)
        elif kind == "log":
            self.fold(number, data)
        elif kind == "command":
            self.answered(number, data)

    @staticmethod
    def known(
        number: int, kind: str, name: str, data: dict[str, Any], values: type[StrEnum]
    ) -> None:
        if name in data and data[name] not in {value.value for value in values}:
            raise Refused(
                f"line {number}: a {kind} whose {name} {data[name]!r} this Floorkeeper does not "
                "know: nothing was imported"
            )

    def fold(self, number: int, data: dict[str, Any]) -> None:
        try:
            if data.get("segment_id") == self.stream:
                self.outcome = o.apply(self.outcome, o.event_from_json(data["payload"]))
            else:
                self.state = apply(self.state, e.event_from_json(data["payload"]))
        except Exception as error:
            raise Refused(
                f"line {number}: log event {data.get('type')!r} (segment "
                f"{data.get('segment_id')!r}, version {data.get('version')}) does not fold "
                f"into the meeting day ({type(error).__name__}: {error}): nothing was imported"
            ) from None
        # each stream's versions one after another, as the server writes them: a row missing
        # (or one edited) would leave a segment the server cannot write again
        expected = self.version(str(data.get("segment_id")))
        if data.get("version") != expected:
            raise Refused(
                f"line {number}: log event {data.get('type')!r} of segment "
                f"{data.get('segment_id')!r} has version {data.get('version')!r} where "
                f"{expected} comes next (a row missing or edited): nothing was imported"
            )

    def version(self, segment_id: str) -> int:
        """The version a stream has reached in the rows folded so far (0: none)."""
        if segment_id == self.stream:
            return self.outcome.version
        segment = self.state.segments.get(segment_id)
        return 0 if segment is None else segment.version

    def answered(self, number: int, data: dict[str, Any]) -> None:
        """A command's kept answer names a version its stream reached: else the log lost the
        events of a command the server acknowledged."""
        result = data.get("result")
        if not isinstance(result, dict):
            return
        segment_id, version = result.get("segment_id"), result.get("version")
        if isinstance(segment_id, str) and isinstance(version, int):
            reached = self.version(segment_id)
            if version > reached:
                raise Refused(
                    f"line {number}: command {data.get('command_id')!r} was answered with "
                    f"version {version} of segment {segment_id!r}, whose log ends at version "
                    f"{reached} (rows missing): nothing was imported"
                )

    def flush(self) -> None:
        if not self.batch:
            return
        try:
            bulk.insert_rows(self.connection, self.kind, self.batch)
        except IntegrityError as error:
            raise Refused(
                f"the file's {self.kind} rows clash with rows already in this database "
                f"({str(error.orig).splitlines()[0]}): nothing was imported"
            ) from None
        self.batch = []
