"""Alembic environment: runs on the connection Floorkeeper hands over (see app.store.db), or,
run by Alembic's own command line, on one made the same way: one transaction (SQLite: foreign
keys off while it runs, checked before it commits; PostgreSQL: under the migrations' advisory
lock), so a failed migration leaves the database as it was."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import app.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

target_metadata = SQLModel.metadata


def run(connection: Connection) -> None:
    """The migrations, on a connection in its transaction (app.store.db.migrating): on SQLite
    too, their DDL is rolled back if one fails."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is None:
    from app.config import Settings
    from app.store.db import make_engine, migrating

    engine = make_engine(Settings.from_env().database_url)
    try:
        with migrating(engine) as made:
            run(made)
    finally:
        engine.dispose()
else:
    run(given)
