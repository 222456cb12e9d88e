"""Secrets and names out of the log (second round, finding 13): a join code never reaches the
access log, and a storage error's traceback keeps no participant's name and no token hash.

The end-to-end cases run a real ``floorkeeper serve`` and read everything it wrote (stdout and
stderr), after it has stopped."""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.logs import REDACTED, LogRedaction, install_log_filters, redact_path, scrub
from app.store.db import make_engine
from tests.e2e.server import Api, ServerProcess

SHA256_HEX = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


# --- the filters, on their own ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/join/Ab3_x-9Z", "/join/…"),
        ("/api/v1/join/Ab3_x-9Z", "/api/v1/join/…"),
        ("/api/v1/join/Ab3_x-9Z?lang=fr", "/api/v1/join/…?lang=fr"),
        ("/%6Aoin/Ab3_x-9Z", "/join/…"),  # the router decodes it: the same page
        ("/JOIN/Ab3_x-9Z/more", "/JOIN/…/more"),
        ("/join/%0Aforged%22line", "/join/…"),
        ("/api/v1/events/e1/join-code", "/api/v1/events/e1/join-code"),
        ("/api/v1/events/e1/join-qr.svg", "/api/v1/events/e1/join-qr.svg"),
        # the display's and the desk's QR image, refreshed by its code (outside probe L)
        ("/api/v1/events/e1/join-qr.svg?code=28C2KC26", "/api/v1/events/e1/join-qr.svg?code=…"),
        (
            "/api/v1/events/e1/join-qr.svg?x=1&CODE=28C2KC26",
            "/api/v1/events/e1/join-qr.svg?x=1&CODE=…",
        ),
        ("/api/v1/events/e1/join-qr.svg?%63ode=28C2KC26", "/api/v1/events/e1/join-qr.svg?%63ode=…"),
        ("/api/v1/events?codes=1", "/api/v1/events?codes=1"),
        ("/moderator", "/moderator"),
    ],
)
def test_a_join_code_is_redacted_from_a_path(path: str, logged: str) -> None:
    assert redact_path(path) == logged


def test_a_redacted_path_cannot_break_the_log_line() -> None:
    logged = redact_path("/join/code/%0A%22INFO%20forged")
    assert "\n" not in logged and '"' not in logged and " " not in logged


DETAILS = [
    (
        'duplicate key value violates unique constraint "ix_credentials_token_hash"\n'
        "DETAIL:  Key (token_hash)=("
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08) already exists.",
        "DETAIL:  Key (token_hash)=(…) already exists.",
    ),
    (
        "DETAIL:  Key (lower(label::text))=(Amina (ITUC) Diallo) already exists.",
        "DETAIL:  Key (lower(label::text))=(…) already exists.",
    ),
    (
        'DETAIL:  Key (event_id)=(e-secret) is not present in table "events".',
        'DETAIL:  Key (event_id)=(…) is not present in table "events".',
    ),
    (
        "DETAIL:  Key (room)=(Amina) conflicts with existing key (room)=(Diallo).",
        "DETAIL:  Key (room)=(…) conflicts with existing key (room)=(…).",
    ),
    (
        "DETAIL:  Failing row contains (p1, e1, Amina Diallo, , ITUC, trade_union).",
        "DETAIL:  Failing row contains (…).",
    ),
    ("DETAIL:  Array value must start with Amina Diallo.", "DETAIL:  …"),
    (
        'invalid input syntax for type uuid: "Amina Diallo"',
        'invalid input syntax for type uuid: "…"',
    ),
    ("CONTEXT:  unnamed portal parameter $2 = 'Amina Diallo'", "parameter $2 = '…'"),
    (
        "[SQL: INSERT INTO participants (id, name) VALUES (%(id)s, %(name)s)]\n"
        "[parameters: {'id': 'p1', 'name': 'Amina Diallo'}]",
        "[parameters: …]",
    ),
]


@pytest.mark.parametrize(("raw", "kept"), DETAILS)
def test_a_database_error_s_values_are_scrubbed(raw: str, kept: str) -> None:
    cleaned = scrub(raw)
    assert kept in cleaned
    assert "Amina" not in cleaned and "Diallo" not in cleaned and "secret" not in cleaned
    assert not SHA256_HEX.search(cleaned)


def test_a_logged_traceback_is_scrubbed_whatever_logger_wrote_it() -> None:
    record = logging.LogRecord("floorkeeper.engine", logging.ERROR, __file__, 1, "failed", (), None)
    try:
        raise RuntimeError("DETAIL:  Key (label)=(Amina Diallo) already exists.")
    except RuntimeError as error:
        record.exc_info = (RuntimeError, error, error.__traceback__)
    assert LogRedaction().filter(record)
    written = logging.Formatter().format(record)
    assert "Amina" not in written and f"Key (label)=({REDACTED}) already exists." in written
    assert "RuntimeError" in written and "Traceback" in written


def test_the_access_record_keeps_its_shape() -> None:
    """uvicorn's access formatter unpacks the five arguments: only the path changes."""
    args = ("10.0.0.7:5123", "GET", "/api/v1/join/Ab3_x-9Z", "1.1", 200)
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, "%s %s %s %s %d", args, None
    )
    assert LogRedaction().filter(record)
    assert record.args == ("10.0.0.7:5123", "GET", "/api/v1/join/…", "1.1", 200)


def test_installing_twice_adds_nothing() -> None:
    targets: list[logging.Filterer] = []
    for logger in [logging.getLogger(), *_all_loggers()]:
        targets += [logger, *logger.handlers]
    before = {id(target): list(target.filters) for target in targets}
    try:
        install_log_filters()
        once = {id(target): list(target.filters) for target in targets}
        install_log_filters()
        assert {id(target): list(target.filters) for target in targets} == once
        access = logging.getLogger("uvicorn.access")
        assert sum(isinstance(f, LogRedaction) for f in access.filters) == 1
    finally:
        for target in targets:
            target.filters[:] = before[id(target)]


def _all_loggers() -> list[logging.Logger]:
    return [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "postgresql+psycopg://u@127.0.0.1/db"])
def test_engines_hide_their_parameters(url: str) -> None:
    engine = make_engine(url)
    try:
        assert engine.hide_parameters
    finally:
        engine.dispose()


# --- a real server ------------------------------------------------------------------------------


def _run(database_url: str, log: Path) -> ServerProcess:
    server = ServerProcess(database_url, log)
    server.start()
    return server


def _event(api: Api) -> dict[str, Any]:
    return dict(api.ok("POST", "/events", json={"title": "Hearing", "timezone": "UTC"}))


def _join(
    server: ServerProcess, event: dict[str, Any], name: str, organisation: str = "ITUC"
) -> httpx.Response:
    body = {
        "join_code": event["join_code"],
        "name": name,
        "organisation": organisation,
        "constituency": "trade_union",
    }
    return httpx.post(
        f"{server.base}/api/v1/events/{event['id']}/participants", json=body, timeout=10
    )


def test_a_join_by_code_leaves_no_code_in_the_log(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    server = _run(f"sqlite:///{tmp_path / 'floor.db'}", log)
    try:
        event = _event(Api(server.base))
        code = event["join_code"]
        near_miss = code[:-1] + ("A" if code[-1] != "A" else "B")
        base = server.base
        assert httpx.get(f"{base}/join/{code}", timeout=10).status_code == 200
        assert httpx.get(f"{base}/api/v1/join/{code}", timeout=10).status_code == 200
        # with a query the route takes (a browser's role hint): the path is redacted, not it
        assert httpx.get(f"{base}/api/v1/join/{code}?as=delegate", timeout=10).status_code == 200
        assert httpx.get(f"{base}/%6Aoin/{code}", timeout=10).status_code == 200
        assert httpx.get(f"{base}/api/v1/join/{near_miss}", timeout=10).status_code == 404
        assert _join(server, event, "Amina Diallo").status_code == 201
    finally:
        server.stop()  # everything it wrote is in the file once it has exited
    written = log.read_text()
    assert code not in written and near_miss not in written
    # the requests were logged, each with the code written …
    assert '"GET /join/… HTTP/1.1" 200' in written
    assert '"GET /api/v1/join/…?as=delegate HTTP/1.1" 200' in written
    assert '"GET /api/v1/join/… HTTP/1.1" 404' in written
    assert "Amina" not in written


@pytest.mark.postgres
def test_storage_errors_leave_no_name_or_token_hash_in_the_log(
    tmp_path: Path, postgres_url: str
) -> None:
    """PostgreSQL refuses the delegate's credential a join writes (its label is their name), in
    two ways whose errors quote it: a unique key (``Key (label)=(...)``, the token hash among
    the statement's parameters) and a check (``Failing row contains (...)``: the whole row,
    token hash and name). Both reach the log as a traceback (an unhandled error, 500)."""
    log = tmp_path / "server.log"
    server = _run(postgres_url, log)
    twice, checked = f"Zanele {uuid.uuid4().hex[:8]}", f"Oyelaran {uuid.uuid4().hex[:8]}"
    database = create_engine(postgres_url)
    try:
        event = _event(Api(server.base))
        with database.begin() as connection:
            connection.execute(text("CREATE UNIQUE INDEX test_one_label ON credentials (label)"))
            connection.execute(
                text(
                    "ALTER TABLE credentials ADD CONSTRAINT test_refused "
                    f"CHECK (label <> '{checked}') NOT VALID"
                )
            )
        assert _join(server, event, twice).status_code == 201
        # the same name of another organisation: another person, whose credential's label
        # (their name) trips the unique key
        assert _join(server, event, twice, "UNHCR").status_code == 500
        assert _join(server, event, checked).status_code == 500  # the check
    finally:
        server.stop()
        database.dispose()
    written = log.read_text()
    # the errors were logged, with their tracebacks …
    assert "UniqueViolation" in written and "CheckViolation" in written
    assert f"Key (label)=({REDACTED}) already exists" in written
    assert f"Failing row contains ({REDACTED})" in written
    # … and neither the names nor any token hash
    assert twice not in written and checked not in written
    assert not SHA256_HEX.search(written), SHA256_HEX.findall(written)
