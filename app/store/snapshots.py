"""The SQL of snapshots (``app/snapshots.py``): write one, find the newest valid ones of a meeting
day, read the log after them, and the commands' ids for dedupe without their results.

Synchronous, like the rest of the store: callers run these in a worker thread."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, and_, delete, func, or_
from sqlalchemy import select as sa_select

from .repository import Store
from .tables import CommandRow, LogRow, SnapshotRow

_LOG = LogRow.__table__  # type: ignore[attr-defined]
_COMMANDS = CommandRow.__table__  # type: ignore[attr-defined]
_SNAPSHOTS = SnapshotRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class StoredSnapshot:
    segment_id: str
    version: int
    segment_seq: int
    state: bytes


@dataclass(frozen=True, slots=True)
class TailRow:
    """A log row past the snapshots: its place in the log, its segment and version, the event."""

    seq: int
    segment_id: str
    version: int
    payload: dict[str, Any]


def write_snapshot(
    store: Store,
    *,
    event_id: str,
    segment_id: str,
    version: int,
    schema_version: str,
    segment_seq: int,
    state: bytes,
    created_at: int,
    keep_from: int,
) -> None:
    """Insert a snapshot (another process may have written the same one: nothing happens then),
    and forget this segment's older ones of the same schema below ``keep_from``, and of other
    schemas all but their newest (a rolled-back deploy finds its own)."""
    values = {
        "segment_id": segment_id,
        "schema_version": schema_version,
        "version": version,
        "event_id": event_id,
        "segment_seq": segment_seq,
        "state": state,
        "created_at": created_at,
    }
    dialect = store.engine.dialect.name
    # the dialect's own INSERT … ON CONFLICT, imported on first use (PostgreSQL's costs a start on
    # SQLite ~20 ms)
    module = importlib.import_module(
        "sqlalchemy.dialects." + ("postgresql" if dialect == "postgresql" else "sqlite")
    )
    insert: Any = module.insert(_SNAPSHOTS)
    other = _SNAPSHOTS.alias("other")
    newest_of_its_schema = (
        sa_select(func.max(other.c.version))
        .where(
            other.c.segment_id == _SNAPSHOTS.c.segment_id,
            other.c.schema_version == _SNAPSHOTS.c.schema_version,
        )
        .scalar_subquery()
    )
    with store.engine.begin() as connection:
        connection.execute(insert.values(**values).on_conflict_do_nothing())
        connection.execute(
            delete(_SNAPSHOTS).where(
                _SNAPSHOTS.c.segment_id == segment_id,
                _SNAPSHOTS.c.schema_version == schema_version,
                _SNAPSHOTS.c.version < min(keep_from, version),
            )
        )
        connection.execute(
            delete(_SNAPSHOTS).where(
                _SNAPSHOTS.c.segment_id == segment_id,
                _SNAPSHOTS.c.schema_version != schema_version,
                _SNAPSHOTS.c.version < newest_of_its_schema,
            )
        )


def newest_snapshots(store: Store, event_id: str, schema_version: str) -> list[StoredSnapshot]:
    """The newest snapshot of each segment (and of the outcome) of a meeting day made by this
    schema, among those whose version the log holds (a snapshot ahead of its log is not used)."""
    newest = (
        sa_select(
            _SNAPSHOTS.c.segment_id.label("segment_id"),
            func.max(_SNAPSHOTS.c.version).label("version"),
        )
        .where(_SNAPSHOTS.c.event_id == event_id, _SNAPSHOTS.c.schema_version == schema_version)
        .group_by(_SNAPSHOTS.c.segment_id)
        .subquery()
    )
    query = (
        sa_select(
            _SNAPSHOTS.c.segment_id,
            _SNAPSHOTS.c.version,
            _SNAPSHOTS.c.segment_seq,
            _SNAPSHOTS.c.state,
        )
        .join(
            newest,
            and_(
                newest.c.segment_id == _SNAPSHOTS.c.segment_id,
                newest.c.version == _SNAPSHOTS.c.version,
            ),
        )
        .join(
            _LOG,
            and_(
                _LOG.c.segment_id == _SNAPSHOTS.c.segment_id,
                _LOG.c.version == _SNAPSHOTS.c.version,
            ),
        )
        .where(_SNAPSHOTS.c.schema_version == schema_version)
    )
    with store.engine.connect() as connection:
        return [
            StoredSnapshot(segment_id, version, segment_seq, bytes(state))
            for segment_id, version, segment_seq, state in connection.execute(query)
        ]


def snapshot_versions(store: Store, schema_version: str) -> dict[str, int]:
    """Segment id → the newest version snapshotted by this schema (what need not be taken again)."""
    query = (
        sa_select(_SNAPSHOTS.c.segment_id, func.max(_SNAPSHOTS.c.version))
        .where(_SNAPSHOTS.c.schema_version == schema_version)
        .group_by(_SNAPSHOTS.c.segment_id)
    )
    with store.engine.connect() as connection:
        return {segment_id: int(version) for segment_id, version in connection.execute(query)}


def log_after(store: Store, event_id: str, versions: Mapping[str, int]) -> list[TailRow]:
    """A meeting day's log rows after ``versions`` (segment id → the version its snapshot holds;
    every row of a segment not named), in the log's order."""
    conditions = [
        and_(_LOG.c.segment_id == segment_id, _LOG.c.version > version)
        for segment_id, version in versions.items()
    ]
    if versions:
        conditions.append(_LOG.c.segment_id.not_in(list(versions)))
    where = _LOG.c.event_id == event_id
    if conditions:
        where = and_(where, or_(*conditions))
    query = (
        sa_select(_LOG.c.seq, _LOG.c.segment_id, _LOG.c.version, _LOG.c.payload)
        .where(where)
        .order_by(_LOG.c.seq)
    )
    with store.engine.connect() as connection:
        return [TailRow(*row) for row in connection.execute(query)]


def segment_seq(store: Store, segment_id: str) -> int:
    """``floor_log.seq`` of a segment's first row (its place in the programme's order); 0 if the
    segment has no first row (the outcome's stream starts at version 1 too, and its place does
    not matter)."""
    query = sa_select(_LOG.c.seq).where(_LOG.c.segment_id == segment_id, _LOG.c.version == 1)
    with store.engine.connect() as connection:
        seq = connection.execute(query).scalar()
    return int(seq or 0)


def command_ids(store: Store, event_id: str) -> set[str]:
    """The ids of every command answered for a meeting day: what dedupe must know at once (their
    body hashes and results are read when a retry asks: ``command_result``). Read through the
    driver's cursor: SQLAlchemy's rows cost as much again for 100,000 ids."""
    query = sa_select(_COMMANDS.c.command_id).where(_COMMANDS.c.event_id == event_id)
    with store.engine.connect() as connection:
        return {command_id for (command_id,) in _raw_rows(connection, query)}


def _raw_rows(connection: Connection, query: Select[Any]) -> list[tuple[Any, ...]]:
    compiled = query.compile(dialect=connection.dialect)
    parameters: Any = compiled.params
    if compiled.positiontup is not None:
        parameters = [parameters[name] for name in compiled.positiontup]
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        cursor.execute(str(compiled), parameters)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def command_result(
    store: Store, event_id: str, command_id: str
) -> tuple[str, dict[str, Any]] | None:
    """One answered command's body hash and result."""
    query = sa_select(_COMMANDS.c.body_hash, _COMMANDS.c.result).where(
        _COMMANDS.c.event_id == event_id, _COMMANDS.c.command_id == command_id
    )
    with store.engine.connect() as connection:
        row = connection.execute(query).first()
    return None if row is None else (row[0], row[1])
