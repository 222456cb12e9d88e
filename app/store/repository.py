"""All SQL lives here. Methods are synchronous; the engine runs them in a worker thread."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select

from .tables import (
    CommandRow,
    CredentialRow,
    EventRow,
    LogRow,
    ParticipantRow,
    SettingRow,
    SnapshotRow,
)


@dataclass(frozen=True, slots=True)
class LogRecord:
    event_id: str
    segment_id: str
    version: int
    type: str
    payload: dict[str, Any]
    command_id: str | None
    recorded_at: int


@dataclass(frozen=True, slots=True)
class CommandRecord:
    """A command's answer, written with its events (a row of ``commands``; a plain record: making
    an ORM instance per command cost more than the rest of deciding it)."""

    event_id: str
    command_id: str
    body_hash: str
    result: dict[str, Any]
    recorded_at: int


@dataclass(frozen=True, slots=True)
class Deleted:
    """What ``Store.delete_event`` took away: how many rows of each table, and the ids of the
    credentials (access links, delegates' keys) among them, whose sockets are to close."""

    rows: dict[str, int]
    credentials: list[str]


class EventMoved(Exception):
    """A meeting day's log is not at the versions its deletion was decided on (another process
    wrote to it meanwhile): nothing was deleted; read it again, and decide again."""


#: The tables that hold a meeting day's rows, each with its column naming the day, in the order
#: ``Store.delete_event`` empties them (its participants before its row, which they name).
#: ``settings`` holds no row of a day (the organiser key's hash, the storage probe).
EVENT_TABLES: tuple[tuple[type[Any], str], ...] = (
    (LogRow, "event_id"),
    (CommandRow, "event_id"),
    (SnapshotRow, "event_id"),
    (CredentialRow, "event_id"),
    (ParticipantRow, "event_id"),
    (EventRow, "id"),
)


#: The label of the key the API returns when the staff register someone (``POST
#: .../participants`` with an organiser's or moderator's credential): not a phone of theirs, so
#: the one-person-one-registration rule still holds their name (``Store.ever_signed_in``).
STAFF_REGISTERED = "registered by the staff"


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def registry_lock(self, event_id: str) -> AbstractContextManager[None]:
        """A meeting day's registry held by one process at a time, from reading who is
        registered until it is written back (an import, a correction): another process's import
        of the same file waits, then finds everyone registered (``advisory_lock``)."""
        return self.advisory_lock(f"floorkeeper:registry:{event_id}")

    def event_request_lock(self, request_id: str) -> AbstractContextManager[None]:
        """A new meeting day's request id held by one process at a time, from looking for the
        event it made until that event is written: the same ``POST /events`` retried on two
        processes at once makes one event, which both answer (``advisory_lock``)."""
        return self.advisory_lock(f"floorkeeper:event-request:{request_id}")

    @contextmanager
    def advisory_lock(self, name: str) -> Iterator[None]:
        """``name`` held by one process at a time while the block runs: PostgreSQL's advisory
        lock on a connection of its own. SQLite: one process, nothing to hold here (the caller's
        own ``asyncio`` lock does it). Blocking: entered in a worker thread."""
        if self.engine.dialect.name != "postgresql":
            yield
            return
        key = {"key": name}
        with self.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(hashtextextended(:key, 0))"), key)
            connection.commit()
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(hashtextextended(:key, 0))"), key
                )
                connection.commit()

    def _session(self) -> Session:
        # Rows outlive their session (the engine keeps them in memory): never expire them.
        return Session(self.engine, expire_on_commit=False)

    # --- the log --------------------------------------------------------------------------------

    def append(
        self,
        records: Sequence[LogRecord],
        commands: Sequence[CommandRecord] = (),
        statements: Sequence[Executable] = (),
    ) -> None:
        """Append events (and the commands that caused them) in one transaction, with any other
        ``statements`` of the same meeting day's writer (a participant, a new join code).

        The hot path of every command: plain inserts (SQLAlchemy Core), not the ORM's unit of
        work, which cost as much again as the fsynced commit itself. The engine writes the
        commands decided during the previous write together (group commit)."""
        with self.engine.begin() as connection:
            self.write(connection, records, commands, statements)

    @staticmethod
    def write(
        connection: Connection,
        records: Sequence[LogRecord],
        commands: Sequence[CommandRecord] = (),
        statements: Sequence[Executable] = (),
    ) -> None:
        """``append``'s statements, in a transaction of the caller's (app/store/shared.py
        writes them after its checks, in the same transaction)."""
        if records:
            connection.execute(
                insert(LogRow),
                [
                    {
                        "event_id": r.event_id,
                        "segment_id": r.segment_id,
                        "version": r.version,
                        "type": r.type,
                        "payload": r.payload,
                        "command_id": r.command_id,
                        "recorded_at": r.recorded_at,
                    }
                    for r in records
                ],
            )
        if commands:
            connection.execute(
                insert(CommandRow),
                [
                    {
                        "event_id": command.event_id,
                        "command_id": command.command_id,
                        "body_hash": command.body_hash,
                        "result": command.result,
                        "recorded_at": command.recorded_at,
                    }
                    for command in commands
                ],
            )
        for statement in statements:
            connection.execute(statement)

    @staticmethod
    def insert_participant(row: ParticipantRow) -> Executable:
        return insert(ParticipantRow).values(**row.model_dump())

    def insert_participant_once(self, row: ParticipantRow) -> Executable:
        """A registration whose id another process may be writing in the same instant (the
        same ``registration_id``, its id derived from it): written unless a row of that id is
        there, which then stands (the caller reads it back), instead of breaking the batch."""
        from sqlalchemy.dialects import postgresql, sqlite

        values = row.model_dump()
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(ParticipantRow).values(**values).on_conflict_do_nothing()
        return sqlite.insert(ParticipantRow).values(**values).on_conflict_do_nothing()

    @staticmethod
    def update_participant(row: ParticipantRow, fields: Iterable[str] | None = None) -> Executable:
        """A participant's particulars corrected: the ``fields`` given (None: the row, whole,
        but its id and event), so that a correction of one field written on one process does
        not put back another field another process corrected meanwhile."""
        values = row.model_dump(exclude={"id", "event_id", "created_at"})
        if fields is not None:
            values = {name: value for name, value in values.items() if name in set(fields)}
        return update(ParticipantRow).where(col(ParticipantRow.id) == row.id).values(**values)

    @staticmethod
    def delete_participant(participant_id: str) -> Executable:
        return delete(ParticipantRow).where(col(ParticipantRow.id) == participant_id)

    @staticmethod
    def revoke_participant_credentials(participant_id: str, at: int) -> Executable:
        """A removed participant's tokens (their phone's), refused from the same commit."""
        return (
            update(CredentialRow)
            .where(
                col(CredentialRow.participant_id) == participant_id,
                col(CredentialRow.revoked_at).is_(None),
            )
            .values(revoked_at=at)
        )

    @staticmethod
    def update_join_code(event_id: str, code: str) -> Executable:
        return update(EventRow).where(col(EventRow.id) == event_id).values(join_code=code)

    @staticmethod
    def update_event(event_id: str, values: dict[str, Any]) -> Executable:
        """An event's details changed (title, venue, room, time zone, date, languages)."""
        return update(EventRow).where(col(EventRow.id) == event_id).values(**values)

    def read_log(self, event_id: str) -> list[LogRecord]:
        """The meeting day's log in order. Plain rows (SQLAlchemy Core), not ORM instances: a
        restart reads every row, and building an ORM object per row cost most of it."""
        table = LogRow.__table__  # type: ignore[attr-defined]
        query = sa_select(
            table.c.event_id,
            table.c.segment_id,
            table.c.version,
            table.c.type,
            table.c.payload,
            table.c.command_id,
            table.c.recorded_at,
        )
        query = query.where(table.c.event_id == event_id).order_by(table.c.seq)
        with self.engine.connect() as connection:
            return [LogRecord(*row) for row in connection.execute(query)]

    def log_rows_at(self, event_id: str, versions: dict[str, int]) -> list[LogRecord]:
        """The meeting day's log rows at these versions (stream id → version), without their
        payloads (``{}``): what a version's stamp is made of (app/hub.py ``stamp_of``)."""
        if not versions:
            return []
        table = LogRow.__table__  # type: ignore[attr-defined]
        query = sa_select(
            table.c.event_id,
            table.c.segment_id,
            table.c.version,
            table.c.type,
            table.c.command_id,
            table.c.recorded_at,
        ).where(
            table.c.event_id == event_id,
            or_(
                *(
                    and_(table.c.segment_id == segment_id, table.c.version == version)
                    for segment_id, version in versions.items()
                )
            ),
        )
        with self.engine.connect() as connection:
            return [
                LogRecord(row[0], row[1], row[2], row[3], {}, row[4], int(row[5]))
                for row in connection.execute(query)
            ]

    def log_length(self) -> int:
        with self._session() as session:
            return int(session.exec(select(func.count()).select_from(LogRow)).one())

    def commands(self, event_id: str) -> list[CommandRecord]:
        """Every command answered for the meeting day (for dedupe after a restart), plain rows."""
        table = CommandRow.__table__  # type: ignore[attr-defined]
        query = sa_select(
            table.c.event_id,
            table.c.command_id,
            table.c.body_hash,
            table.c.result,
            table.c.recorded_at,
        ).where(table.c.event_id == event_id)
        with self.engine.connect() as connection:
            return [CommandRecord(*row) for row in connection.execute(query)]

    # --- events and participants ------------------------------------------------------------------

    def add(self, *rows: Any) -> None:
        with self._session() as session:
            session.add_all(rows)
            session.commit()

    def last_recorded_at(self) -> int | None:
        """When the newest row of the log was written (epoch ms; by its primary key: one row
        read), or None for an empty log."""
        with self.engine.connect() as connection:
            newest = sa_select(col(LogRow.recorded_at)).order_by(col(LogRow.seq).desc()).limit(1)
            found = connection.execute(newest).scalar()
            return None if found is None else int(found)

    def events(self) -> list[EventRow]:
        with self._session() as session:
            return list(session.exec(select(EventRow).order_by(col(EventRow.created_at))).all())

    def event(self, event_id: str) -> EventRow | None:
        with self._session() as session:
            return session.get(EventRow, event_id)

    def event_by_request_id(self, request_id: str) -> EventRow | None:
        """The meeting day a ``POST /events`` with this ``request_id`` made, if one did."""
        with self._session() as session:
            return session.exec(select(EventRow).where(EventRow.request_id == request_id)).first()

    def event_by_join_code(self, code: str) -> EventRow | None:
        with self._session() as session:
            return session.exec(select(EventRow).where(EventRow.join_code == code)).first()

    def delete_event(
        self, event_id: str, expected: Mapping[str, int] | None = None, *, leftovers: bool = False
    ) -> Deleted | None:
        """Every row of a meeting day, in one transaction (``EVENT_TABLES``): its log (the
        segments' streams and the outcome's), its commands' answers, its snapshots, its access
        links and delegates' keys, its participants and its row; None when it has no row (deleted
        meanwhile), and nothing is deleted. ``leftovers``: the other way round, the rows that
        still name a day whose row is gone (a write another process decided before it heard of
        the deletion); None, and nothing deleted, if the day has a row (imported again since).

        ``expected``: each stream of its log at the version the deletion was decided on (a
        stream at 0 has no row); the log at other versions now (another process wrote to the day
        meanwhile) raises ``EventMoved`` and nothing is deleted. SQLite takes the write lock
        first (one process: nothing else writes the day by then); PostgreSQL the meeting day's
        advisory lock, which its writes that read other segments take too (a segment started
        elsewhere is either in the log checked here, or waits, then finds the day gone), and the
        event's row, so two deletions of one day take turns."""
        from .bulk import writing  # only when a day is deleted: not at every start

        table = LogRow.__table__  # type: ignore[attr-defined]
        with writing(self.engine) as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                    {"key": f"floorkeeper:{event_id}"},
                )
            row = sa_select(col(EventRow.id)).where(col(EventRow.id) == event_id)
            if (connection.execute(row.with_for_update()).scalar() is None) != leftovers:
                return None
            if expected is not None:
                streams = connection.execute(
                    sa_select(table.c.segment_id, func.max(table.c.version))
                    .where(table.c.event_id == event_id)
                    .group_by(table.c.segment_id)
                ).all()
                if {sid: int(v) for sid, v in streams} != {
                    sid: v for sid, v in expected.items() if v
                }:
                    raise EventMoved(event_id)
            held = sa_select(col(CredentialRow.id)).where(col(CredentialRow.event_id) == event_id)
            credentials = [str(found) for found in connection.execute(held).scalars()]
            rows = {}
            for model, column in EVENT_TABLES:
                where = getattr(model, column) == event_id
                rows[model.__tablename__] = connection.execute(delete(model).where(where)).rowcount
            return Deleted(rows, credentials)

    def set_join_code(self, event_id: str, code: str) -> None:
        with self._session() as session:
            row = session.get(EventRow, event_id)
            if row is None:
                raise LookupError(event_id)
            row.join_code = code
            session.add(row)
            session.commit()

    def participant(self, participant_id: str) -> ParticipantRow | None:
        with self._session() as session:
            return session.get(ParticipantRow, participant_id)

    def participants(self, event_id: str) -> list[ParticipantRow]:
        """A meeting day's registry in the order it was registered (an import's rows a
        millisecond apart, in the spreadsheet's order), two registered in the same millisecond
        by id: the same order on every read and on either database."""
        with self._session() as session:
            query = select(ParticipantRow).where(ParticipantRow.event_id == event_id)
            order = (col(ParticipantRow.created_at), col(ParticipantRow.id))
            return list(session.exec(query.order_by(*order)).all())

    def participants_digest(self, event_id: str) -> str:
        """A digest of a meeting day's registry, every column of every row: it changes when
        ``participants`` would answer otherwise (the desk's poll, ``/revisions``). Plain rows,
        not the ORM's: 5,000 participants in milliseconds, not a quarter of a second."""
        table = ParticipantRow.__table__  # type: ignore[attr-defined]
        query = (
            sa_select(*table.columns)
            .where(table.c.event_id == event_id)
            .order_by(table.c.created_at, table.c.id)
        )
        digest = hashlib.blake2b(digest_size=12)
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                digest.update(repr(tuple(row)).encode())
        return digest.hexdigest()

    # --- credentials ----------------------------------------------------------------------------

    def credential(self, credential_id: str) -> CredentialRow | None:
        with self._session() as session:
            return session.get(CredentialRow, credential_id)

    def credential_by_hash(self, token_hash: str) -> CredentialRow | None:
        with self._session() as session:
            return session.exec(
                select(CredentialRow).where(CredentialRow.token_hash == token_hash)
            ).first()

    def credentials(self, event_id: str, roles: Iterable[str]) -> list[CredentialRow]:
        """A meeting day's credentials of these roles, oldest first (two made in the same
        millisecond by id)."""
        with self._session() as session:
            query = select(CredentialRow).where(
                CredentialRow.event_id == event_id, col(CredentialRow.role).in_(list(roles))
            )
            order = (col(CredentialRow.created_at), col(CredentialRow.id))
            return list(session.exec(query.order_by(*order)).all())

    def keys_made_with_links(self, event_id: str) -> list[tuple[CredentialRow, str]]:
        """A meeting day's live participants' keys made with an access link (``made_by``: a
        phone link or a staff registration made with a helper's link), each with its
        participant's name, oldest first: what revoking that link revokes too. The keys made
        with the organiser key or from a phone are not read (a day's thousand phones)."""
        with self._session() as session:
            query = (
                select(CredentialRow, ParticipantRow.name)
                .join(
                    ParticipantRow,
                    col(ParticipantRow.id) == col(CredentialRow.participant_id),
                    isouter=True,
                )
                .where(
                    CredentialRow.event_id == event_id,
                    CredentialRow.role == "delegate",
                    col(CredentialRow.made_by).is_not(None),
                    col(CredentialRow.revoked_at).is_(None),
                )
                .order_by(col(CredentialRow.created_at), col(CredentialRow.id))
            )
            return [(row, name or "") for row, name in session.exec(query).all()]

    def links_of_request(self, event_id: str, request_id: str) -> list[CredentialRow]:
        """The access links made for ``request_id`` in the event (a retried request's)."""
        with self._session() as session:
            query = select(CredentialRow).where(
                CredentialRow.event_id == event_id, CredentialRow.request_id == request_id
            )
            return list(session.exec(query).all())

    def participant_credentials(self, participant_id: str) -> list[str]:
        """The ids of a participant's tokens not yet revoked."""
        with self._session() as session:
            query = select(CredentialRow.id).where(
                col(CredentialRow.participant_id) == participant_id,
                col(CredentialRow.revoked_at).is_(None),
            )
            return list(session.exec(query).all())

    def with_a_phone(self, event_id: str) -> set[str]:
        """The participants of an event a phone holds a live key of (a phone link made, or a join
        from a phone; not the staff's registration key): whom a new phone link signs out."""
        with self._session() as session:
            query = select(CredentialRow.participant_id).where(
                CredentialRow.event_id == event_id,
                col(CredentialRow.participant_id).is_not(None),
                col(CredentialRow.revoked_at).is_(None),
                col(CredentialRow.label) != STAFF_REGISTERED,
            )
            return {pid for pid in session.exec(query).all() if pid is not None}

    def ever_signed_in(self, participant_ids: Iterable[str]) -> set[str]:
        """Which of these participants have ever had a phone's token (joined from a phone, or
        been given a phone link), revoked or not: the others were registered by the staff alone
        (imported, or registered through the API, whose key is labelled ``STAFF_REGISTERED``)."""
        ids = list(participant_ids)
        if not ids:
            return set()
        with self._session() as session:
            query = select(CredentialRow.participant_id).where(
                col(CredentialRow.participant_id).in_(ids),
                col(CredentialRow.label) != STAFF_REGISTERED,
            )
            return {pid for pid in session.exec(query).all() if pid is not None}

    def revoked_among(self, credential_ids: Iterable[str]) -> list[str]:
        """Which of these credentials are revoked (several processes: a revocation whose notice
        may have been lost is found here)."""
        ids = list(credential_ids)
        if not ids:
            return []
        with self._session() as session:
            query = select(CredentialRow.id).where(
                col(CredentialRow.id).in_(ids), col(CredentialRow.revoked_at).is_not(None)
            )
            return list(session.exec(query).all())

    def revoked_since(self, at: int) -> list[str]:
        """The credentials revoked at or after ``at`` (ms): what the audit of several processes
        reads, so a revocation whose notice was lost (Redis down) still closes its sockets."""
        with self._session() as session:
            query = select(CredentialRow.id).where(col(CredentialRow.revoked_at) >= at)
            return list(session.exec(query).all())

    def revoke_credential(self, credential_id: str, event_id: str, at: int) -> bool:
        with self._session() as session:
            row = session.get(CredentialRow, credential_id)
            if row is None or row.event_id != event_id:
                return False
            if row.revoked_at is None:
                row.revoked_at = at
                session.add(row)
                session.commit()
            return True

    # --- settings -------------------------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        with self._session() as session:
            row = session.get(SettingRow, key)
            return None if row is None else row.value

    def set_setting(self, key: str, value: str) -> None:
        with self._session() as session:
            session.merge(SettingRow(key=key, value=value))
            session.commit()

    def write_probe(self, key: str, value: str) -> None:
        """The health check's write (``Engine.recheck_storage``): one upsert, so that two
        processes writing the same probe for the first time never break a unique key (a merge
        reads, then inserts: the second process's insert failed, and read as another server
        writing the log)."""
        from sqlalchemy.dialects import postgresql, sqlite

        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(SettingRow).values(key=key, value=value)
        statement = statement.on_conflict_do_update(
            index_elements=["key"], set_={"value": statement.excluded.value}
        )
        with self.engine.begin() as connection:
            connection.execute(statement)
