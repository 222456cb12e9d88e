"""A retried ``POST /api/v1/events`` (its answer lost, a script run again): with the same
``request_id`` and body it answers the meeting day the first one made (the same id and join code)
instead of making a second one; the same id with another body is refused, like a reused command
id (outside probe C, finding 1). The id is a unique column (migration 0006), on SQLite and
PostgreSQL alike, and the migrated schema is the tables' (``app/store/tables.py``)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from app.store import Store, make_engine, migrate
from app.store.tables import EventRow
from tests.security.conftest import ORGANISER_KEY, AppFactory, make_client

__all__ = ["make_client"]  # the fixture, used by name

AUTH = {"Authorization": f"Bearer {ORGANISER_KEY}"}
BODY = {
    "title": "Retry test",
    "timezone": "Europe/Zurich",
    "date": "2026-12-07",
    "request_id": "setup-day-1",
}


def _titles(client: Any) -> list[str]:
    listed = client.get("/api/v1/events", headers=AUTH)
    assert listed.status_code == 200, listed.text
    return [event["title"] for event in listed.json()]


def test_a_retried_create_answers_the_event_the_first_one_made(make_client: AppFactory) -> None:
    client = make_client()
    first = client.post("/api/v1/events", headers=AUTH, json=BODY)
    again = client.post("/api/v1/events", headers=AUTH, json=BODY)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["join_code"] == first.json()["join_code"]
    assert _titles(client) == ["Retry test"]
    # without a request id, as before: every call makes a meeting day
    client.post("/api/v1/events", headers=AUTH, json={"title": "Scripted"})
    client.post("/api/v1/events", headers=AUTH, json={"title": "Scripted"})
    assert _titles(client) == ["Retry test", "Scripted", "Scripted"]


def test_the_same_request_id_with_another_body_is_refused(make_client: AppFactory) -> None:
    client = make_client()
    made = client.post("/api/v1/events", headers=AUTH, json=BODY).json()
    refused = client.post("/api/v1/events", headers=AUTH, json={**BODY, "title": "Other day"})
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "request_id_reused"  # as a reused request id of an access link
    assert made["id"] in error["message"] and "new request_id" in error["message"]
    assert _titles(client) == ["Retry test"]
    # the event edited since: a retry cannot tell, and is refused the same way
    patched = client.patch(f"/api/v1/events/{made['id']}", headers=AUTH, json={"room": "CR 4"})
    assert patched.status_code == 200
    assert client.post("/api/v1/events", headers=AUTH, json=BODY).status_code == 409
    assert _titles(client) == ["Retry test"]


def test_parallel_retries_make_one_event(make_client: AppFactory) -> None:
    client = make_client()
    body = {**BODY, "request_id": "parallel-1"}
    with ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(lambda _: client.post("/api/v1/events", headers=AUTH, json=body), range(6))
        )
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert _titles(client) == ["Retry test"]


def test_a_request_id_is_checked_like_a_command_id(make_client: AppFactory) -> None:
    client = make_client()
    for bad in ("", "a b", "x" * 65):
        refused = client.post("/api/v1/events", headers=AUTH, json={**BODY, "request_id": bad})
        assert refused.status_code == 422, bad
        assert refused.json()["details"][0]["loc"] == ["body", "request_id"]
    assert _titles(client) == []


def test_an_events_request_id_is_unique_in_the_database(database_url: str) -> None:
    """Migration 0006's unique index: one meeting day per request id, any number without."""
    engine = make_engine(database_url)
    migrate(engine)
    store = Store(engine)

    def row(event_id: str, request_id: str | None) -> EventRow:
        return EventRow(
            id=event_id,
            title="Hearing",
            join_code=f"J{event_id}",
            created_at=1,
            request_id=request_id,
        )

    store.add(row("e1", "press-1"), row("e2", None), row("e3", None))
    with pytest.raises(IntegrityError):
        store.add(row("e4", "press-1"))
    found = store.event_by_request_id("press-1")
    assert found is not None and found.id == "e1"
    assert store.event_by_request_id("press-2") is None
    indexes = {index["name"]: index for index in inspect(engine).get_indexes("events")}
    assert indexes["ix_events_request_id"]["unique"]
    engine.dispose()


def test_the_migrated_schema_is_the_tables(database_url: str) -> None:
    """What the migrations make is what ``app/store/tables.py`` declares: no column, index or
    constraint of one missing from the other (Alembic's own comparison)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = make_engine(database_url)
    migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []
