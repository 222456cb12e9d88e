"""SQL tables (SQLModel). Instants are epoch milliseconds in BIGINT columns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
_SEQ = BigInteger().with_variant(Integer(), "sqlite")


class EventRow(SQLModel, table=True):
    """A meeting day."""

    __tablename__ = "events"

    id: str = Field(primary_key=True, max_length=32)
    title: str = Field(max_length=300)
    venue: str = Field(default="", max_length=300)
    room: str = Field(default="", max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    date: str = Field(default="", max_length=10)
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    join_code: str = Field(index=True, unique=True, max_length=32)
    created_at: int = Field(sa_type=BigInteger)
    #: the public live page (``/live/{event_id}``) is open to anyone: off until the organiser
    #: publishes it (``PATCH /api/v1/events/{event_id}`` with ``live_published``)
    live_published: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    #: the client's id for the request that made it (``POST /api/v1/events`` with
    #: ``request_id``): a retry whose answer was lost finds this event instead of making a second
    #: meeting day with a join code of its own. Unique; null for an event made without one.
    request_id: str | None = Field(default=None, index=True, unique=True, max_length=64)
    #: when interpretation ends and the room must close (epoch ms; null: no hard stop): the
    #: day's forecast is read against it (``schedule.hard_stop``), the booth shows it
    hard_stop_at: int | None = Field(default=None, sa_type=BigInteger)


class ParticipantRow(SQLModel, table=True):
    __tablename__ = "participants"

    id: str = Field(primary_key=True, max_length=32)
    event_id: str = Field(index=True, foreign_key="events.id", max_length=32)
    name: str = Field(max_length=120)
    title: str = Field(default="", max_length=120)
    organisation: str = Field(default="", max_length=160)
    constituency: str = Field(max_length=64)
    region: str = Field(default="", max_length=80)
    language: str = Field(default="en", max_length=8)
    attendance: str = Field(default="in_room", max_length=16)
    #: self-declared, optional: "woman", "man", "another" or "" (not stated)
    gender: str = Field(default="", max_length=16)
    created_at: int = Field(sa_type=BigInteger)


class CredentialRow(SQLModel, table=True):
    """An access link or a delegate's token. Only the SHA-256 of the secret is kept."""

    __tablename__ = "credentials"
    __table_args__ = (Index("ix_credentials_event_request", "event_id", "request_id"),)

    id: str = Field(primary_key=True, max_length=32)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    role: str = Field(max_length=16)
    event_id: str | None = Field(default=None, index=True, max_length=32)
    participant_id: str | None = Field(default=None, max_length=32)
    label: str = Field(default="", max_length=200)
    created_at: int = Field(sa_type=BigInteger)
    expires_at: int | None = Field(default=None, sa_type=BigInteger)
    revoked_at: int | None = Field(default=None, sa_type=BigInteger)
    #: the access link's request id (``POST .../access-links``): a retry of the same request
    #: replaces the link its lost answer held, so one press is one live link
    request_id: str | None = Field(default=None, max_length=64)
    #: the access link this link was made with (None: made with the organiser key, or a
    #: delegate's token); revoking that link revokes this one too, as its expiry ends this one
    made_by: str | None = Field(default=None, max_length=32)


class LogRow(SQLModel, table=True):
    """One event of the floor log. (segment_id, version) is unique: versions never fork."""

    __tablename__ = "floor_log"
    __table_args__ = (
        UniqueConstraint("segment_id", "version", name="uq_floor_log_segment_version"),
        # what a start after a snapshot reads: a meeting day's rows past each segment's snapshot,
        # filtered in the index without reading the rows it skips (app/store/snapshots.py)
        Index("ix_floor_log_event_segment_version", "event_id", "segment_id", "version"),
    )

    seq: int | None = Field(
        default=None, sa_column=Column(_SEQ, primary_key=True, autoincrement=True)
    )
    event_id: str = Field(index=True, max_length=32)
    segment_id: str = Field(max_length=32)
    version: int
    type: str = Field(max_length=40)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    command_id: str | None = Field(default=None, max_length=64)
    recorded_at: int = Field(sa_type=BigInteger)


class CommandRow(SQLModel, table=True):
    """An applied command id and its result, so a retry is answered and not applied twice."""

    __tablename__ = "commands"

    event_id: str = Field(primary_key=True, max_length=32)
    command_id: str = Field(primary_key=True, max_length=64)
    body_hash: str = Field(max_length=64)
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    recorded_at: int = Field(sa_type=BigInteger)


class SettingRow(SQLModel, table=True):
    __tablename__ = "settings"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=500)


class SnapshotRow(SQLModel, table=True):
    """A segment's state (or a meeting day's outcome, ``segment_id`` = ``outcome:{event_id}``)
    at one version, as ``app/snapshots.py`` encodes it (zlib'd JSON). A cache of the fold of the
    log up to that version, never the truth: a start reads the newest one whose
    ``schema_version`` is the running code's, then the log after it; rows of other schema
    versions are ignored (kept for a rolled-back deploy), none at all means a full replay."""

    __tablename__ = "snapshots"

    segment_id: str = Field(primary_key=True, max_length=64)
    schema_version: str = Field(primary_key=True, max_length=40)
    version: int = Field(primary_key=True)
    event_id: str = Field(index=True, max_length=32)
    #: the segment's place in the programme's order: ``floor_log.seq`` of its version 1
    segment_seq: int = Field(sa_type=BigInteger)
    state: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: int = Field(sa_type=BigInteger)
