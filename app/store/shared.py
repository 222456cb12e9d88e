"""The log when several processes write it (``--redis-url``): who lost a race, what a process
missed, and the write that checks a meeting day's other segments first.

The unique ``(segment_id, version)`` and the commands' primary key ``(event_id, command_id)``
decide every race: the loser's transaction fails with a ``UniqueViolation`` (sqlstate 23505)
naming the constraint, which ``conflict_of`` reads (the name, not the message's text). The loser
then reads what it missed (``missing``) and decides its commands again (app/engine.py).

Synchronous, like the rest of the store: the engine runs these in a worker thread."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, text
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Executable

from .repository import CommandRecord, LogRecord, Store
from .tables import CommandRow, LogRow, ParticipantRow

_LOG = LogRow.__table__  # type: ignore[attr-defined]
_COMMANDS = CommandRow.__table__  # type: ignore[attr-defined]
_PARTICIPANTS = ParticipantRow.__table__  # type: ignore[attr-defined]

#: The constraints a race trips, by name (PostgreSQL names a primary key ``<table>_pkey``).
VERSION_CONSTRAINT = "uq_floor_log_segment_version"
COMMAND_CONSTRAINT = "commands_pkey"


class Conflict(Exception):
    """Another process won: ``version`` (it wrote a version this write wanted), ``command`` (it
    wrote a result for one of this write's command ids), ``moved`` (a segment this write's
    commands read but do not write has changed since they were decided) or ``removed`` (a
    participant this write's commands place was removed from the registry)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def conflict_of(error: IntegrityError) -> str | None:
    """``version``, ``command``, or None for any other integrity error (a fault, not a race)."""
    original = error.orig
    diag = getattr(original, "diag", None)
    name = getattr(diag, "constraint_name", None) if diag is not None else None
    if name is not None:
        return {VERSION_CONSTRAINT: "version", COMMAND_CONSTRAINT: "command"}.get(name)
    message = str(original)  # SQLite names the columns, not the constraint
    if "floor_log.segment_id, floor_log.version" in message:
        return "version"
    if "commands.event_id, commands.command_id" in message:
        return "command"
    return None


@dataclass(frozen=True, slots=True)
class Guard:
    """Segments a write's commands read without writing them (``start_segment`` reads which
    segment is live; ``carry_queue`` its target; a participant's removal every segment), with
    the versions they were decided on; and the participants its commands place (still
    registered, or the write lost to a removal: ``Conflict("removed")``)."""

    event_id: str
    versions: Mapping[str, int]
    participants: tuple[str, ...] = ()
    #: check ``versions`` after the write's rows, not before, and the whole meeting day's (a
    #: removal: its delete waits for a write holding the participant's row, whose versions the
    #: check then sees, in a segment it knew or one made since)
    after_rows: bool = False
    #: the streams this write's own rows write (left out of the whole day's check)
    written: tuple[str, ...] = ()


def append(
    store: Store,
    records: Sequence[LogRecord],
    commands: Sequence[CommandRecord] = (),
    statements: Sequence[Executable] = (),
    guard: Guard | None = None,
) -> None:
    """``Store.append`` when other processes write too: raises ``Conflict`` if one of them won.

    With a guard, the meeting day's writes that read other segments are serialised (a
    transaction-scoped advisory lock on PostgreSQL) and each guarded segment must still be at
    the version it was read at: two consoles on two processes starting two segments at once
    cannot both leave theirs live."""
    try:
        with store.engine.begin() as connection:
            if guard is not None and guard.versions:
                _lock(connection, guard.event_id)
                if not guard.after_rows:
                    _unmoved(connection, guard)
            if guard is not None and guard.participants:
                _still_registered(connection, guard.participants)
            Store.write(connection, records, commands, statements)
            if guard is not None and guard.versions and guard.after_rows:
                _unmoved(connection, guard)
    except IntegrityError as error:
        kind = conflict_of(error)
        if kind is None:
            raise
        raise Conflict(kind) from error


def _lock(connection: Connection, event_id: str) -> None:
    """The meeting day's guarded writes one at a time (until this transaction ends)."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"floorkeeper:{event_id}"},
        )


def _still_registered(connection: Connection, participant_ids: tuple[str, ...]) -> None:
    """Each participant still has a row, held (``FOR SHARE``) until this write commits: a
    removal committed first makes this write lose (``removed``); one not yet committed waits
    for it, and then sees its rows."""
    found = connection.execute(
        sa_select(_PARTICIPANTS.c.id)
        .where(_PARTICIPANTS.c.id.in_(participant_ids))
        .with_for_update(read=True)
    ).scalars()
    if set(found) != set(participant_ids):
        raise Conflict("removed")


def _unmoved(connection: Connection, guard: Guard) -> None:
    if guard.after_rows:  # the whole meeting day: a stream made since moved it too
        streams = connection.execute(
            sa_select(_LOG.c.segment_id, func.max(_LOG.c.version))
            .where(_LOG.c.event_id == guard.event_id)
            .group_by(_LOG.c.segment_id)
        ).all()
        for segment_id, version in streams:
            if segment_id not in guard.written and guard.versions.get(segment_id, 0) != version:
                raise Conflict("moved")
        return
    for segment_id, version in guard.versions.items():
        latest = connection.execute(
            sa_select(func.max(_LOG.c.version)).where(_LOG.c.segment_id == segment_id)
        ).scalar()
        if (latest or 0) != version:
            raise Conflict("moved")


@dataclass(slots=True)
class Missing:
    """What a process did not have: log records in version order per segment, and the results
    of the commands behind them (and of any command ids asked for)."""

    records: list[LogRecord] = field(default_factory=list)
    commands: list[CommandRecord] = field(default_factory=list)


def missing(
    store: Store,
    event_id: str,
    known: Mapping[str, int],
    segments: Iterable[str] | None = None,
    command_ids: Iterable[str] = (),
) -> Missing:
    """The meeting day's log records after the versions ``known`` (segment → version), with
    their commands' results. ``segments``: only those (an index range each); None: every
    segment of the meeting day, new ones included (one pass over its rows)."""
    found = Missing()
    with store.engine.connect() as connection:
        if segments is None:
            latest = connection.execute(
                sa_select(_LOG.c.segment_id, func.max(_LOG.c.version))
                .where(_LOG.c.event_id == event_id)
                .group_by(_LOG.c.segment_id)
            ).all()
            wanted = [segment for segment, version in latest if version > known.get(segment, 0)]
        else:
            wanted = list(dict.fromkeys(segments))
        for segment_id in wanted:
            rows = connection.execute(
                sa_select(
                    _LOG.c.event_id,
                    _LOG.c.segment_id,
                    _LOG.c.version,
                    _LOG.c.type,
                    _LOG.c.payload,
                    _LOG.c.command_id,
                    _LOG.c.recorded_at,
                )
                .where(_LOG.c.segment_id == segment_id)
                .where(_LOG.c.version > known.get(segment_id, 0))
                .order_by(_LOG.c.version)
            )
            found.records.extend(LogRecord(*row) for row in rows)
        ids = {r.command_id for r in found.records if r.command_id} | set(command_ids)
        found.commands = results(connection, event_id, ids)
    return found


def results(
    connection: Connection, event_id: str, command_ids: Iterable[str]
) -> list[CommandRecord]:
    ids = sorted(command_ids)
    found: list[CommandRecord] = []
    for start in range(0, len(ids), 500):
        rows = connection.execute(
            sa_select(
                _COMMANDS.c.event_id,
                _COMMANDS.c.command_id,
                _COMMANDS.c.body_hash,
                _COMMANDS.c.result,
                _COMMANDS.c.recorded_at,
            )
            .where(_COMMANDS.c.event_id == event_id)
            .where(_COMMANDS.c.command_id.in_(ids[start : start + 500]))
        )
        found.extend(CommandRecord(*row) for row in rows)
    return found


# --- the audit: what a process checks now and then ----------------------------------------------


def max_seq(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(sa_select(func.max(_LOG.c.seq))).scalar() or 0)


def recent(store: Store, after_seq: int) -> dict[tuple[str, str], int]:
    """(meeting day, segment) → newest version, among the log rows past ``after_seq``."""
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa_select(_LOG.c.event_id, _LOG.c.segment_id, func.max(_LOG.c.version))
            .where(_LOG.c.seq > after_seq)
            .group_by(_LOG.c.event_id, _LOG.c.segment_id)
        ).all()
    return {(event_id, segment_id): version for event_id, segment_id, version in rows}


def event_of_segment(store: Store, segment_id: str) -> str | None:
    """The meeting day a segment belongs to, from its first row (the unique index's lead)."""
    with store.engine.connect() as connection:
        found = connection.execute(
            sa_select(_LOG.c.event_id).where(_LOG.c.segment_id == segment_id).limit(1)
        ).scalar()
    return None if found is None else str(found)


def participant_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa_select(_PARTICIPANTS.c.event_id, func.count()).group_by(_PARTICIPANTS.c.event_id)
        ).all()
    return {event_id: count for event_id, count in rows}


# --- which database this is -------------------------------------------------------------------


def identity(store: Store) -> str:
    """A short name for this database that most copies of it do not share: a hash of the
    PostgreSQL cluster's system identifier (another ``initdb`` has another one) and the
    database's OID (a ``pg_restore`` into another database has another one). A copy of the whole
    cluster (``pg_basebackup``, a point-in-time restore, a cloud snapshot) keeps both, and so
    does a restore in place (the same database, its log replaced: a screen's resume is checked
    by its version's stamp, app/hub.py): such a copy must be given a Redis of its own (README).
    Not PostgreSQL (SQLite: one process, nothing shared): the database's file name. Without the
    rights to read the system identifier (``pg_control_system()``: a superuser or
    ``pg_monitor``), the database's name and the server's port stand for it (the same over TCP
    and over a Unix socket)."""
    import hashlib

    with store.engine.connect() as connection:
        if connection.dialect.name != "postgresql":
            return hashlib.blake2b(
                str(store.engine.url.database).encode(), digest_size=5
            ).hexdigest()
        oid = connection.execute(
            text("SELECT oid FROM pg_database WHERE datname = current_database()")
        ).scalar()
        try:
            with connection.begin_nested():
                system = connection.execute(
                    text("SELECT system_identifier FROM pg_control_system()")
                ).scalar()
        except Exception:
            system = connection.execute(
                text("SELECT current_database() || ':' || current_setting('port')")
            ).scalar()
    return hashlib.blake2b(f"{system}/{oid}".encode(), digest_size=5).hexdigest()
