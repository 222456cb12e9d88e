"""The durable log and the tables, on SQLite and on PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from app.store import CommandRecord, LogRecord, Store, make_engine, migrate
from app.store.tables import CredentialRow, EventRow, ParticipantRow


@pytest.fixture
def store(database_url: str) -> Store:
    engine = make_engine(database_url)
    migrate(engine)
    return Store(engine)


def _event(event_id: str = "ev1") -> EventRow:
    return EventRow(id=event_id, title="Hearing", join_code=f"code-{event_id}", created_at=1)


def _record(version: int, segment: str = "s1", event_id: str = "ev1") -> LogRecord:
    return LogRecord(
        event_id=event_id,
        segment_id=segment,
        version=version,
        type="list_closed",
        payload={"type": "list_closed", "segment_id": segment},
        command_id=f"c{version}",
        recorded_at=1000 + version,
    )


def test_migrations_run_twice_without_harm(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)
    assert Store(engine).events() == []


def test_log_keeps_order_and_payloads(store: Store) -> None:
    store.add(_event())
    store.append([_record(1), _record(2)])
    store.append([_record(3), _record(1, segment="s2")])
    log = store.read_log("ev1")
    assert [(r.segment_id, r.version) for r in log] == [("s1", 1), ("s1", 2), ("s1", 3), ("s2", 1)]
    assert log[0].payload == {"type": "list_closed", "segment_id": "s1"}
    assert store.log_length() == 4


def test_a_version_cannot_fork(store: Store) -> None:
    """Two writers appending the same version of a segment: the second is refused whole."""
    store.append([_record(1)])
    with pytest.raises(IntegrityError):
        store.append([_record(2), _record(1)])
    assert [r.version for r in store.read_log("ev1")] == [1]


def test_command_is_written_with_its_events_or_not_at_all(store: Store) -> None:
    command = CommandRecord(
        event_id="ev1", command_id="c1", body_hash="h", result={"v": 1}, recorded_at=1
    )
    store.append([_record(1)], [command])
    with pytest.raises(IntegrityError):  # the same command id again, with a new event
        store.append(
            [_record(2)],
            [
                CommandRecord(
                    event_id="ev1", command_id="c1", body_hash="h", result={}, recorded_at=2
                )
            ],
        )
    assert [r.version for r in store.read_log("ev1")] == [1]
    assert [c.result for c in store.commands("ev1")] == [{"v": 1}]


def test_a_registration_written_twice_at_once_stands_as_the_first(store: Store) -> None:
    """Two processes writing one registration id in the same instant: the second write leaves
    the first row standing instead of breaking its batch (the route reads the row back)."""
    store.add(_event())
    first = ParticipantRow(
        id="p1", event_id="ev1", name="Amina Diallo", constituency="academia", created_at=5
    )
    second = ParticipantRow(
        id="p1", event_id="ev1", name="Amina Diallo", constituency="academia", created_at=6
    )
    with store.engine.begin() as connection:
        connection.execute(store.insert_participant_once(first))
    with store.engine.begin() as connection:
        connection.execute(store.insert_participant_once(second))  # no IntegrityError
    stored = store.participant("p1")
    assert stored is not None and stored.created_at == 5


def test_participants_credentials_and_settings(store: Store) -> None:
    store.add(_event())
    store.add(
        ParticipantRow(
            id="p1",
            event_id="ev1",
            name="Amina Diallo",
            organisation="Union",
            constituency="trade_union",
            created_at=5,
        )
    )
    assert [p.name for p in store.participants("ev1")] == ["Amina Diallo"]
    store.add(
        CredentialRow(id="k1", token_hash="abc", role="moderator", event_id="ev1", created_at=1)
    )
    assert store.credential_by_hash("abc") is not None
    assert store.revoke_credential("k1", "ev1", at=9)
    assert store.credential_by_hash("abc").revoked_at == 9  # type: ignore[union-attr]
    assert not store.revoke_credential("k1", "other-event", at=10)
    store.set_setting("k", "v1")
    store.set_setting("k", "v2")
    assert store.setting("k") == "v2"
    assert store.event_by_join_code("code-ev1").id == "ev1"  # type: ignore[union-attr]


def test_the_health_check_s_probe_is_one_upsert_that_never_breaks_a_key(store: Store) -> None:
    """The review: two processes' first probes at once each read no row, then both inserted,
    and the second's broken unique key read as another server writing the log. The probe is one
    upsert: written from several threads at once, each succeeds and one value stands."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda n: store.write_probe("probe", f"value {n}"), range(8)))
    assert store.setting("probe") in {f"value {n}" for n in range(8)}
    store.write_probe("probe", "last")
    assert store.setting("probe") == "last"


def test_the_keys_made_with_links_are_read_with_their_participants_names(store: Store) -> None:
    """What revoking a helper's link revokes too: the live participants' keys made with a link,
    oldest first, named; not those of the organiser key or a phone's own join, nor revoked."""
    store.add(_event())
    for pid, name in (("p1", "Amina Diallo"), ("p2", "Bruno Silva")):
        store.add(
            ParticipantRow(
                id=pid, event_id="ev1", name=name, constituency="trade_union", created_at=1
            )
        )
    keys = [
        ("helper", "organiser", None, None),
        ("k-late", "delegate", "p1", "helper"),
        ("k-early", "delegate", "p2", "helper"),
        ("k-key", "delegate", "p1", None),  # the organiser key's, or her phone's join
        ("k-gone", "delegate", "p2", "helper"),
    ]
    for at, (key_id, role, owner, made_by) in enumerate(keys):
        created = {"k-late": 9}.get(key_id, at)
        store.add(
            CredentialRow(
                id=key_id,
                token_hash=f"hash-{key_id}",
                role=role,
                event_id="ev1",
                participant_id=owner,
                created_at=created,
                made_by=made_by,
            )
        )
    assert store.revoke_credential("k-gone", "ev1", at=20)
    made = store.keys_made_with_links("ev1")
    assert [(row.id, row.made_by, name) for row, name in made] == [
        ("k-early", "helper", "Bruno Silva"),
        ("k-late", "helper", "Amina Diallo"),
    ]
    assert store.keys_made_with_links("other") == []


def test_an_events_hard_stop_is_kept_changed_and_cleared(store: Store) -> None:
    """When interpretation ends: an epoch ms past 2^31 (a BIGINT), or none."""
    six_pm = 1_905_199_200_000
    store.add(_event())
    store.add(
        EventRow(id="ev2", title="Day two", join_code="code-ev2", created_at=2, hard_stop_at=six_pm)
    )
    assert [(e.id, e.hard_stop_at) for e in store.events()] == [("ev1", None), ("ev2", six_pm)]
    with store.engine.begin() as connection:
        connection.execute(Store.update_event("ev1", {"hard_stop_at": six_pm + 1_800_000}))
        connection.execute(Store.update_event("ev2", {"hard_stop_at": None}))
    assert store.event("ev1").hard_stop_at == six_pm + 1_800_000  # type: ignore[union-attr]
    assert store.event("ev2").hard_stop_at is None  # type: ignore[union-attr]


def test_the_newest_revision_read_from_the_files_is_alembic_s_head() -> None:
    from app.store import bulk
    from app.store.db import head_revision

    assert head_revision() == bulk.schema_head()


def test_a_start_on_a_database_at_the_newest_revision_does_not_import_alembic(
    tmp_path: Path,
) -> None:
    """The common start (the schema already current) skips Alembic altogether; a database one
    revision behind is still brought up to date by it."""
    import subprocess
    import sys

    from sqlalchemy import text

    from app.store.db import head_revision

    url = f"sqlite:///{tmp_path}/floor.db"
    probe = (
        "import sys; from app.store import make_engine, migrate; "
        f"migrate(make_engine({url!r})); print('alembic' in sys.modules)"
    )

    def start() -> str:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert start() == "True"  # a new database: migrated by Alembic
    assert start() == "False"  # at the newest revision: left as it is
    engine = make_engine(url)
    with engine.begin() as connection:  # as if made by the code of before migration 0006
        connection.execute(text("UPDATE alembic_version SET version_num = '0005'"))
        connection.execute(text("DROP INDEX ix_events_request_id"))
        connection.execute(text("ALTER TABLE events DROP COLUMN request_id"))
        connection.execute(text("ALTER TABLE events DROP COLUMN hard_stop_at"))  # and 0007
        connection.execute(text("ALTER TABLE credentials DROP COLUMN made_by"))  # and 0008
    assert start() == "True"
    with engine.connect() as connection:
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert current == head_revision()
        connection.execute(text("SELECT request_id, hard_stop_at FROM events"))
        connection.execute(text("SELECT made_by FROM credentials"))
    engine.dispose()
