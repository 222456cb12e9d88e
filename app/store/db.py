"""Engines and migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

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


def migrate(engine: Engine) -> None:
    """Bring the database schema up to date (Alembic ``upgrade head``)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
