"""Engines and migrations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text

import app


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers work during a write; FULL fsyncs every commit, so nothing acknowledged
    # is lost even on power loss (NORMAL could lose the last transactions).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
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


def migrate(engine: Engine) -> None:
    """Bring the database schema up to date (Alembic ``upgrade head``). A database already at the
    newest revision is left as it is without importing Alembic (the common start)."""
    head = head_revision()
    if head is not None and current_revision(engine) == head:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
