"""A meeting day made by mistake (a typo'd duplicate, a test) is deleted (``DELETE
/api/v1/events/{id}``): the organiser key only, the day's title in the body, nothing on its
record. Every row of it goes, on SQLite and PostgreSQL; every socket open on it closes; the
engine forgets it. A day with anything on its record is refused, saying what."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy import func as sa_func
from sqlmodel import col
from starlette.testclient import TestClient, WebSocketDenialResponse, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from app.api.routes.events import ONLY_THE_KEY
from app.config import Limits, Settings
from app.engine import Engine
from app.floor import commands as c
from app.floor.roles import ORGANISER
from app.main import create_app
from app.snapshots import Snapshotter
from app.store.repository import EventMoved
from app.store.tables import CredentialRow, EventRow, ParticipantRow
from tests.engines import counted_engine

KEY = "delete-organiser-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
NO_LIMITS = Limits(0, 0, 0, 0, 0, 0)


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """An app on SQLite, then on PostgreSQL; snapshots taken after every event (so the day has
    some to delete too)."""
    settings = Settings(
        database_url=database_url, organiser_key=KEY, limits=NO_LIMITS, snapshot_every=1
    )
    with TestClient(create_app(settings), base_url="http://floor.test") as made:
        yield made


@pytest.fixture
def sqlite_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'floor.db'}", organiser_key=KEY, limits=NO_LIMITS
    )
    with TestClient(create_app(settings), base_url="http://floor.test") as made:
        yield made


def _ok(client: TestClient, method: str, path: str, token: str = KEY, **kwargs: Any) -> Any:
    response = _call(client, method, path, token, **kwargs)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _call(
    client: TestClient, method: str, path: str, token: str | None = KEY, **kwargs: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response: httpx.Response = client.request(method, f"/api/v1{path}", headers=headers, **kwargs)
    return response


def _day(client: TestClient, title: str = "Regional review (test)") -> dict[str, Any]:
    """A meeting day set up and nothing run: two segments, people, links."""
    event = _ok(client, "POST", "/events", json={"title": title, "room": "Room 4"})
    for name in ("Opening", "Thematic discussion I"):
        body = {"title": name, "command_id": uuid.uuid4().hex}
        _ok(client, "POST", f"/events/{event['id']}/segments", json=body)
    return dict(_ok(client, "GET", f"/events/{event['id']}"))


def _join(client: TestClient, event: dict[str, Any], name: str) -> dict[str, Any]:
    body = {"join_code": event["join_code"], "name": name, "constituency": "academia"}
    response = client.post(f"/api/v1/events/{event['id']}/participants", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _link(client: TestClient, event: dict[str, Any], role: str) -> dict[str, Any]:
    return dict(_ok(client, "POST", f"/events/{event['id']}/access-links", json={"role": role}))


def _delete(client: TestClient, event: dict[str, Any], title: str | None = None, **kw: Any) -> Any:
    body = {"title": event["title"] if title is None else title}
    return _call(client, "DELETE", f"/events/{event['id']}", json=body, **kw)


def _command(client: TestClient, segment_id: str, command: dict[str, Any]) -> Any:
    body = {"command_id": uuid.uuid4().hex, "command": command}
    return _ok(client, "POST", f"/segments/{segment_id}/commands", json=body)


def rows_of(database_url: str, event: dict[str, Any]) -> dict[str, int]:
    """Every row in every table of the database that names the day: by its id, one of its
    segments' ids (the log's and snapshots' streams, the outcome's ``outcome:{id}``), its
    participants' ids (their keys) or its credentials' (none may be left anywhere)."""
    engine = create_engine(database_url)
    names = {
        event["id"],
        f"outcome:{event['id']}",
        *(segment["id"] for segment in event["segments"]),
        *event.get("participant_ids", ()),
        *event.get("credential_ids", ()),
    }
    found: dict[str, int] = {}
    try:
        with engine.connect() as connection:
            for table_name in inspect(connection).get_table_names():
                if table_name == "alembic_version":
                    continue
                columns = [c["name"] for c in inspect(connection).get_columns(table_name)]
                wanted = [
                    name
                    for name in columns
                    if name in ("id", "event_id", "segment_id", "participant_id", "key", "made_by")
                ]
                for column in wanted:
                    query = text(
                        f"SELECT count(*) FROM {table_name} WHERE CAST({column} AS TEXT) IN "
                        f"({', '.join(f':n{i}' for i in range(len(names)))})"
                    )
                    params = {f"n{i}": name for i, name in enumerate(sorted(names))}
                    count = int(connection.execute(query, params).scalar() or 0)
                    if count:
                        found[f"{table_name}.{column}"] = count
    finally:
        engine.dispose()
    return found


def _table_count(database_url: str, table: str, event_id: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = text(f"SELECT count(*) FROM {table} WHERE event_id = :e")
            return int(connection.execute(query, {"e": event_id}).scalar() or 0)
    finally:
        engine.dispose()


def _closed(socket: WebSocketTestSession) -> tuple[int, str, list[dict[str, Any]]]:
    """The close code and reason of a socket that is told it is closed (a ping first, so a socket
    left open answers it and the test fails instead of waiting)."""
    frames: list[dict[str, Any]] = []
    with pytest.raises(WebSocketDisconnect) as closed:
        socket.send_json({"type": "ping", "t": 1})
        while True:
            frame = socket.receive_json()
            assert frame["type"] != "pong", f"the socket is still open: {frames}"
            frames.append(frame)
    return closed.value.code, str(closed.value.reason), frames


# --- deleted ------------------------------------------------------------------------------------


def test_a_day_with_nothing_on_its_record_is_deleted_every_row_of_it(
    client: TestClient, database_url: str
) -> None:
    """Its programme, registry, links and phones' keys, log, answers and snapshots: none is left
    in any table, on SQLite and PostgreSQL; another day is untouched."""
    url = database_url
    kept = _day(client, "Regional review")
    event = _day(client)
    assert event["deletable"] is True and event["not_deletable_reason"] is None
    # the registry, phones, a panellist queued beforehand, links of every kind, a helper's link
    # and a link it made: set up, nothing run
    first = event["segments"][0]["id"]
    ana = _join(client, event, "Ana Lima")
    _join(client, kept, "Ana Lima")
    staff = _ok(
        client,
        "POST",
        f"/events/{event['id']}/participants",
        json={"name": "Kofi Mensah", "constituency": "academia"},
    )
    _command(client, first, {"type": "add_speaker", "participant_id": staff["participant"]["id"]})
    _command(client, first, {"type": "set_notes", "text": "Kofi opens"})
    helper = _link(client, event, "organiser")
    for role in ("moderator", "display", "booth", "rapporteur", "device"):
        _link(client, event, role)
    _ok(
        client,
        "POST",
        f"/events/{event['id']}/access-links",
        token=helper["token"],
        json={"role": "display", "label": "made by the helper"},
    )
    _ok(client, "PATCH", f"/events/{event['id']}", json={"live_published": True})
    event = _ok(client, "GET", f"/events/{event['id']}")
    event["participant_ids"] = [ana["participant"]["id"], staff["participant"]["id"]]
    links = _ok(client, "GET", f"/events/{event['id']}/access-links")
    event["credential_ids"] = [link["id"] for link in links]
    assert event["deletable"] is True, event["not_deletable_reason"]
    # the snapshots taken of it (every event: snapshot_every=1), waited for
    deadline = time.monotonic() + 10
    while _table_count(url, "snapshots", event["id"]) == 0:
        assert time.monotonic() < deadline, "no snapshot of the day was taken"
        time.sleep(0.1)
    kept_rows = rows_of(url, kept)
    before = rows_of(url, event)
    assert {"floor_log.event_id", "commands.event_id", "snapshots.event_id"} <= set(before)
    assert {"participants.event_id", "credentials.event_id", "events.id"} <= set(before)

    assert _delete(client, event).status_code == 204

    assert rows_of(url, event) == {}
    assert rows_of(url, kept) == kept_rows
    gone = _call(client, "GET", f"/events/{event['id']}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    assert [e["id"] for e in _ok(client, "GET", "/events")] == [kept["id"]]
    for path in ("/segments", "/participants", "/access-links", "/revisions"):
        assert _call(client, "GET", f"/events/{event['id']}{path}").status_code == 404, path
    assert _call(client, "GET", f"/segments/{first}").status_code == 404
    refused = _call(
        client, "POST", f"/segments/{first}/commands", json={"command_id": "late", "command": {}}
    )
    assert refused.status_code in (404, 422)
    # its keys sign in no more; another day's key still does
    assert _call(client, "GET", "/session", token=ana["token"]).status_code == 401
    assert _call(client, "GET", "/session", token=helper["token"]).status_code == 401
    # deleted twice: the second finds nothing
    assert _delete(client, event).status_code == 404


def test_a_day_restarted_from_its_log_is_not_back(tmp_path: Path) -> None:
    """Gone from the database, not only from memory: a restart does not find it."""
    url = f"sqlite:///{tmp_path / 'floor.db'}"
    settings = Settings(database_url=url, organiser_key=KEY, limits=NO_LIMITS)
    with TestClient(create_app(settings), base_url="http://floor.test") as first:
        event = _day(first)
        assert _delete(first, event).status_code == 204
    with TestClient(create_app(settings), base_url="http://floor.test") as second:
        assert _ok(second, "GET", "/events") == []
        assert _call(second, "GET", f"/events/{event['id']}").status_code == 404


def test_every_socket_open_on_it_is_closed(sqlite_client: TestClient) -> None:
    """A display's and a phone's sockets close 4401, saying the day was deleted; a socket of the
    organiser key is told so and let go of; a public live page waits, as for an unknown day."""
    client = sqlite_client
    event = _day(client)
    event_id = event["id"]
    display = _link(client, event, "display")
    phone = _join(client, event, "Ana Lima")
    _ok(client, "PATCH", f"/events/{event_id}", json={"live_published": True})
    with (
        client.websocket_connect(f"/ws/events/{event_id}") as on_display,
        client.websocket_connect(f"/ws/events/{event_id}") as on_phone,
        client.websocket_connect(f"/ws/events/{event_id}") as on_key,
        client.websocket_connect(f"/ws/live/{event_id}") as live,
    ):
        for socket, token in ((on_display, display["token"]), (on_phone, phone["token"])):
            socket.send_json({"type": "hello", "token": token})
            assert socket.receive_json()["type"] == "snapshot"
        on_key.send_json({"type": "hello", "token": KEY})
        assert on_key.receive_json()["type"] == "snapshot"
        live.send_json({"type": "hello"})
        assert live.receive_json()["type"] == "snapshot"

        assert _delete(client, event).status_code == 204

        for socket in (on_display, on_phone):
            code, reason, _ = _closed(socket)
            assert code == 4401
            assert reason.startswith(f"meeting day {event['title']!r} was deleted"), reason
        told = on_key.receive_json()
        while told["type"] in ("instruments", "day_end"):  # the console's, sent after a snapshot
            told = on_key.receive_json()
        assert told["type"] == "error" and "was deleted" in told["message"], told
        waiting = live.receive_json()
        assert waiting == {
            "type": "error",
            "code": "not_published",
            "message": "this meeting day's live page is not published",
        }
    # a socket opened now finds no such day (refused at the handshake)
    with (
        pytest.raises(WebSocketDenialResponse) as refused,
        client.websocket_connect(f"/ws/events/{event_id}"),
    ):
        pass
    assert refused.value.status_code == 404


# --- refused: on the record ---------------------------------------------------------------------


def _a_turn(client: TestClient, event: dict[str, Any]) -> None:
    first = event["segments"][0]["id"]
    _command(client, first, {"type": "start_segment"})
    _command(client, first, {"type": "add_speaker", "name": "Guest speaker"})
    _command(client, first, {"type": "call_next"})


def _a_request(client: TestClient, event: dict[str, Any]) -> None:
    """A floor request before the segment starts, withdrawn: made all the same."""
    phone = _join(client, event, "Ana Lima")
    first = event["segments"][0]["id"]
    body = {"command_id": uuid.uuid4().hex, "kind": "intervention"}
    made = _ok(client, "POST", f"/segments/{first}/floor-requests", phone["token"], json=body)
    path = f"/segments/{first}/floor-requests/{made['request_id']}"
    assert _call(client, "DELETE", path, phone["token"]).status_code < 300


def _a_contribution(client: TestClient, event: dict[str, Any]) -> None:
    phone = _join(client, event, "Ana Lima")
    body = {
        "command_id": uuid.uuid4().hex,
        "kind": "pledge",
        "text": "We will fund ten reception centres",
        "language": "en",
    }
    _ok(client, "POST", f"/events/{event['id']}/contributions", phone["token"], json=body)


def _a_screen_check(client: TestClient, event: dict[str, Any]) -> None:
    """Started and ended with nobody heard: it ran."""
    first = event["segments"][0]["id"]
    _command(client, first, {"type": "start_segment"})
    _command(client, first, {"type": "end_segment"})


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_a_turn, "segment 'Opening' has run and 1 turn was given"),
        (_a_request, "1 floor request was made"),
        (_a_contribution, "1 contribution (a recommendation or pledge) was made"),
        (_a_screen_check, "segment 'Opening' has run"),
    ],
    ids=["turn", "request", "contribution", "started"],
)
def test_a_day_with_something_on_its_record_is_refused_saying_what(
    sqlite_client: TestClient, make: Any, said: str
) -> None:
    client = sqlite_client
    event = _day(client)
    make(client, event)
    shown = _ok(client, "GET", f"/events/{event['id']}")
    assert shown["deletable"] is False
    reason = shown["not_deletable_reason"]
    assert reason["code"] == "event_not_deletable"
    assert reason["message"] == (
        f"meeting day {event['title']!r} cannot be deleted: {said}; it stays on the record: "
        "rename it instead, or export it (floorkeeper export) to keep a copy"
    )
    refused = _delete(client, event)
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert (error["code"], error["message"]) == (reason["code"], reason["message"])
    assert _ok(client, "GET", f"/events/{event['id']}")["id"] == event["id"]  # still there


def test_a_start_taken_back_by_undo_leaves_nothing_on_the_record(sqlite_client: TestClient) -> None:
    client = sqlite_client
    event = _day(client)
    first = event["segments"][0]["id"]
    _command(client, first, {"type": "start_segment"})
    assert _ok(client, "GET", f"/events/{event['id']}")["deletable"] is False
    _command(client, first, {"type": "undo"})
    assert _ok(client, "GET", f"/events/{event['id']}")["deletable"] is True
    assert _delete(client, event).status_code == 204


# --- refused: the wrong title, the wrong caller ---------------------------------------------------


def test_the_title_must_be_the_days_own(sqlite_client: TestClient) -> None:
    client = sqlite_client
    event = _day(client, "Regional review: Africa")
    wrong = _delete(client, event, "Regional review: Asia")
    assert wrong.status_code == 422
    assert wrong.json()["error"] == {
        "code": "event_title_mismatch",
        "message": "the title sent, 'Regional review: Asia', is not this meeting day's, "
        f"'Regional review: Africa': send its title exactly as GET /api/v1/events/{event['id']} "
        "answers it (so that a slip cannot delete another day)",
    }
    none = _call(client, "DELETE", f"/events/{event['id']}", json={})
    assert none.status_code == 422 and none.json()["error"]["code"] == "invalid_request"
    assert "title" in none.text
    bare = _call(client, "DELETE", f"/events/{event['id']}")
    assert bare.status_code == 422 and bare.json()["error"]["code"] == "invalid_request"
    # the title as typed, cleaned as every title is (spaces squashed): it is the same title
    assert _delete(client, event, "  Regional   review: Africa ").status_code == 204


def test_only_the_organiser_key_deletes_a_day(sqlite_client: TestClient) -> None:
    """An organiser link is a helper's desk of one day: it may not take the day away (nor make
    another), and says so; every other role is refused by the matrix."""
    client = sqlite_client
    event = _day(client)
    helper = _link(client, event, "organiser")
    as_helper = _ok(client, "GET", f"/events/{event['id']}", token=helper["token"])
    assert as_helper["deletable"] is False
    reason = as_helper["not_deletable_reason"]
    assert (reason["code"], reason["message"]) == ("forbidden", ONLY_THE_KEY)
    assert ONLY_THE_KEY == (
        "an organiser link is the desk of its own event: deleting a meeting day needs the "
        "organiser key"
    )
    refused = _delete(client, event, token=helper["token"])
    assert refused.status_code == 403
    said = refused.json()["error"]
    assert (said["code"], said["message"]) == ("forbidden", ONLY_THE_KEY)
    moderator = _link(client, event, "moderator")["token"]
    as_moderator = _ok(client, "GET", f"/events/{event['id']}", token=moderator)
    assert as_moderator["deletable"] is False
    assert as_moderator["not_deletable_reason"]["message"] == (
        "only the organiser key deletes a meeting day"
    )
    for role in ("moderator", "display", "rapporteur", "booth", "device"):
        token = _link(client, event, role)["token"]
        answer = _delete(client, event, token=token)
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden", role
    phone = _join(client, event, "Ana Lima")
    assert _delete(client, event, token=phone["token"]).status_code == 403
    assert _delete(client, event, token=None).status_code == 401
    assert _ok(client, "GET", f"/events/{event['id']}")["deletable"] is True  # still there


# --- atomic against a command ---------------------------------------------------------------------


async def test_a_command_racing_the_deletion_is_refused_or_refuses_it(sqlite_url: str) -> None:
    """The deletion and a command sent at the same instant: either the command is decided first
    and the day is on the record (the deletion refused, naming it), or the day is deleted and the
    command finds no day; never a command written to a day deleted after it, nor a day deleted
    with a record."""
    app = create_app(Settings(database_url=sqlite_url, organiser_key=KEY, limits=NO_LIMITS))
    outcomes: set[tuple[int, int]] = set()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://floor.test", headers=AUTH
        ) as api,
    ):
        engine: Engine = app.state.services.engine
        for round_ in range(12):
            made = await api.post("/api/v1/events", json={"title": f"Day {round_}"})
            event = made.json()
            body = {"title": "Opening", "command_id": "s"}
            segment = (await api.post(f"/api/v1/events/{event['id']}/segments", json=body)).json()
            start = {"command_id": "go", "command": {"type": "start_segment"}}
            commands = [
                api.post(f"/api/v1/segments/{segment['id']}/commands", json=start)
                for _ in range(round_ % 3)
            ]
            deletion = api.request(
                "DELETE", f"/api/v1/events/{event['id']}", json={"title": event["title"]}
            )
            order = [deletion, *commands] if round_ % 2 else [*commands, deletion]
            answers = await asyncio.gather(*order)
            deleted = answers[0] if round_ % 2 else answers[-1]
            started = [a.status_code for a in answers if a is not deleted]
            if deleted.status_code == 204:
                assert all(code == 404 for code in started), started
                assert event["id"] not in engine.hearings
                assert rows_of(sqlite_url, {**event, "segments": [segment]}) == {}
            else:
                assert deleted.status_code == 409, deleted.text
                assert "has run" in deleted.json()["error"]["message"]
                assert all(code == 200 for code in started), started
                assert engine.hearings[event["id"]].state.live_segment_id == segment["id"]
            outcomes.add((deleted.status_code, len(started)))
    # both ways happened (a command sent first wins; the deletion sent first wins)
    assert {code for code, sent in outcomes if sent} == {204, 409}


# --- the store ------------------------------------------------------------------------------------


async def test_the_store_deletes_every_row_of_a_day_and_nothing_else(database_url: str) -> None:
    """``Store.delete_event`` on SQLite and PostgreSQL: the day's log, answers, snapshots,
    participants, credentials and row; another day's all kept; refused (nothing deleted) when
    the log is not at the versions it was decided on."""
    engine = counted_engine(database_url, lambda: 1_700_000_000_000)
    store = engine.store
    for event_id in ("gone", "kept"):
        await engine.create_event(
            EventRow(id=event_id, title=event_id, join_code=f"J{event_id}", created_at=0)
        )
        await engine.add_participant(
            ParticipantRow(
                id=f"p-{event_id}",
                event_id=event_id,
                name="Ana",
                constituency="academia",
                created_at=0,
            )
        )
        store.add(
            CredentialRow(
                id=f"k-{event_id}",
                token_hash=f"h-{event_id}",
                role="display",
                event_id=event_id,
                created_at=0,
            )
        )
        made = await engine.execute(
            event_id, None, c.CreateSegment(title="Opening"), ORGANISER, f"{event_id}-c"
        )
        await engine.execute(
            event_id, made["segment_id"], c.SetNotes(text="first"), ORGANISER, f"{event_id}-n"
        )
    snapshots = Snapshotter(store, engine.hearings, engine.clock, every=1)
    assert await snapshots.round() == 2
    hearing = engine.hearing("gone")

    def counts(event_id: str) -> dict[str, int]:
        found = {}
        with store.engine.connect() as connection:
            for table in ("floor_log", "commands", "snapshots", "credentials", "participants"):
                query = text(f"SELECT count(*) FROM {table} WHERE event_id = :e")
                found[table] = int(connection.execute(query, {"e": event_id}).scalar() or 0)
            row = select(sa_func.count()).select_from(EventRow).where(col(EventRow.id) == event_id)
            found["events"] = int(connection.execute(row).scalar() or 0)
        return found

    kept = counts("kept")
    assert all(kept.values()), kept
    # decided on an older log: refused, nothing deleted
    stale = {**engine.known(hearing), next(iter(hearing.state.segments)): 1}
    with pytest.raises(EventMoved):
        store.delete_event("gone", stale)
    assert counts("gone") == kept

    deleted = store.delete_event("gone", engine.known(hearing))
    assert deleted is not None
    assert deleted.credentials == ["k-gone"]
    assert deleted.rows == {
        "floor_log": 2,
        "commands": 2,
        "snapshots": 1,
        "credentials": 1,
        "participants": 1,
        "events": 1,
    }
    assert set(counts("gone").values()) == {0}
    assert counts("kept") == kept
    assert store.delete_event("gone") is None  # nothing left to delete
    # what a late write left of it (another process's) goes; a day of that id imported again
    # since is not touched
    from app.store import LogRecord

    store.append([LogRecord("gone", "late", 1, "segment_created", {}, None, 0)])
    late = store.delete_event("gone", leftovers=True)
    assert late is not None and late.rows["floor_log"] == 1
    assert store.delete_event("kept", leftovers=True) is None
    assert counts("kept") == kept
    store.engine.dispose()


# --- the other processes ------------------------------------------------------------------------


async def test_another_process_forgets_a_deleted_day_by_its_notice_or_its_audit(
    postgres_url: str,
) -> None:
    """Two engines on one PostgreSQL database, a ``MemoryBus`` for Redis: B forgets a day A
    deleted when the notice comes (``EVENT_DELETED``), and, the notice lost, at its next audit
    of the database (the day's row gone); a day made meanwhile is not taken for a deleted one."""
    from app.fanout import EVENT_DELETED
    from tests.multiprocess.test_engines import Cluster

    cluster = Cluster(postgres_url)
    try:
        a = await cluster.engine("a")
        b = await cluster.engine("b")
        for event_id in ("noticed", "audited"):
            row = EventRow(id=event_id, title=event_id, join_code=f"J{event_id}", created_at=0)
            await a.create_event(row)
            await a.execute(event_id, None, c.CreateSegment(title="Opening"), ORGANISER, "s")
            assert (await b.locate(event_id)).event.title == event_id
        # told
        assert a.store.delete_event("noticed", a.known(a.hearing("noticed"))) is not None
        a.forget_event("noticed", "deleted")
        a.fanout.notify(EVENT_DELETED, {"id": "noticed", "title": "noticed"})
        for _ in range(100):
            if "noticed" not in b.hearings:
                break
            await asyncio.sleep(0.01)
        assert "noticed" not in b.hearings and "audited" in b.hearings
        # not told: the audit finds its row gone
        assert a.store.delete_event("audited") is not None
        await b.catchup.audit()
        assert "audited" not in b.hearings
        assert "audited" in a.hearings  # A, which was not told either, by its own audit
        await a.catchup.audit()
        assert a.hearings == {} and b.hearings == {}
    finally:
        await cluster.close()


# --- floorkeeper export: which day is which -------------------------------------------------------


async def test_export_lists_the_days_of_one_title_by_room_and_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One hearing in three rooms is three events of one title: ``floorkeeper export`` with no
    event lists them with their room and date to pick from, and an id it does not know is
    refused naming them so."""
    from app import cli

    url = f"sqlite:///{tmp_path / 'floor.db'}"
    engine = counted_engine(url)
    for event_id, room, day in (
        ("a1", "Conference Room 4", "2026-12-16"),
        ("b2", "Room XVII", "2026-12-16"),
        ("c3", "", ""),
    ):
        row = EventRow(
            id=event_id,
            title="Regional review",
            room=room,
            date=day,
            join_code=f"J{event_id}",
            created_at=0,
        )
        await engine.create_event(row)
    engine.store.engine.dispose()

    assert cli.main(["export", "--database-url", url]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "3 events (id, title · room · date):",
        "a1  Regional review · Conference Room 4 · 2026-12-16",
        "b2  Regional review · Room XVII · 2026-12-16",
        "c3  Regional review",
    ]
    assert cli.main(["export", "nope", str(tmp_path / "x.gz"), "--database-url", url]) == 1
    said = capsys.readouterr().err
    assert (
        "there is no event 'nope'; the database has a1 (Regional review · Conference Room 4 · "
        "2026-12-16), b2 (Regional review · Room XVII · 2026-12-16), c3 (Regional review)"
    ) in said
    assert cli.main(["export", "a1", "--database-url", url]) == 1
    assert "name the file to write: floorkeeper export a1 FILE" in capsys.readouterr().err
