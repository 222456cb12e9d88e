"""``floorkeeper serve --log-format json``: one JSON object per line, each REST request's lines
with its id, and never a secret (a Bearer token, a join code, a link's key).

One real server process (its log file read back: uvicorn writes the access line before the
answer leaves, so an answered request's line is in the file), and the formatter and the
request-id middleware in this process."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app.logs import (
    JsonFormatter,
    LogRedaction,
    RequestIdMiddleware,
    configure_logging,
    json_logging,
    redact_secrets,
    request_id,
)
from tests.e2e.server import ORGANISER_KEY, ServerProcess


def lines_of(text: str) -> list[dict[str, Any]]:
    """Every line, each of which must be one JSON object."""
    parsed = [orjson.loads(line) for line in text.splitlines() if line.strip()]
    assert all(isinstance(line, dict) for line in parsed)
    return parsed


# --- a real server --------------------------------------------------------------------------------


@pytest.fixture
def json_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerProcess]:
    monkeypatch.setenv("FLOORKEEPER_LOG_FORMAT", "json")
    process = ServerProcess(f"sqlite:///{tmp_path / 'floor.db'}", tmp_path / "server.log")
    process.start()
    yield process
    process.stop()


def test_a_json_log_carries_request_ids_and_no_secret(json_server: ServerProcess) -> None:
    organiser = {"Authorization": f"Bearer {ORGANISER_KEY}"}
    with httpx.Client(base_url=json_server.base, timeout=10) as client:
        event = client.post("/api/v1/events", headers=organiser, json={"title": "Hearing"})
        assert event.status_code == 201, event.text
        event_id, join_code = event.json()["id"], event.json()["join_code"]
        link = client.post(
            f"/api/v1/events/{event_id}/access-links", headers=organiser, json={"role": "display"}
        )
        display_token = link.json()["token"]
        # the join code in the path, a Bearer token in the header, a token in the query (which
        # the route refuses, naming the parameter, not its value: logged all the same)
        joined = client.get(
            f"/api/v1/join/{join_code}?token={display_token}",
            headers={"Authorization": f"Bearer {display_token}"},
        )
        assert joined.status_code == 422, joined.text
        assert display_token not in joined.text
        page = client.get(f"/join/{join_code}", headers=organiser)
        assert page.status_code == 200
        refused = client.get("/metrics", headers={"Authorization": "Bearer not-a-real-key-123"})
        assert refused.status_code == 401
    answered = {
        response.headers["x-request-id"]: response for response in (event, joined, page, refused)
    }

    text = json_server.log_path.read_text()
    lines = lines_of(text)
    for line in lines:
        assert {"time", "level", "logger", "message"} <= line.keys(), line
        assert datetime.fromisoformat(line["time"]).utcoffset() is not None
    access = {line["request_id"]: line for line in lines if line["logger"] == "uvicorn.access"}
    for rid, response in answered.items():
        assert rid in access, f"no access line for request {rid}"
        assert access[rid]["http"]["status"] == response.status_code
        assert access[rid]["http"]["method"] == response.request.method
    assert access[joined.headers["x-request-id"]]["http"]["path"] == "/api/v1/join/…?token=…"
    assert access[page.headers["x-request-id"]]["http"]["path"] == "/join/…"
    assert len(set(answered)) == 4  # an id per request
    for secret in (ORGANISER_KEY, display_token, join_code, "not-a-real-key-123"):
        assert secret not in text
    # the banner went into the log as JSON, without the organiser key
    assert any(line["message"].startswith("Floorkeeper is running at") for line in lines)


# --- in this process ------------------------------------------------------------------------------


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """A JSON handler, as ``json_logging`` makes it, on a logger of the app's."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(LogRedaction())
    logger = logging.getLogger("floorkeeper.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)


def careless(request: Request) -> PlainTextResponse:
    """A handler that logs what it should not: the header and the path."""
    logging.getLogger("floorkeeper.test").info(
        "handling %s with %s", request.url.path, request.headers.get("authorization")
    )
    return PlainTextResponse("ok")


def test_a_request_s_lines_carry_its_id_and_no_secret(captured: io.StringIO) -> None:
    app = Starlette(
        routes=[Route("/api/v1/join/{code}", careless)],
        middleware=[Middleware(RequestIdMiddleware)],
    )
    with TestClient(app) as client:
        first = client.get("/api/v1/join/JOINCODE1", headers={"Authorization": "Bearer s3cr3t-1"})
        second = client.get("/api/v1/join/JOINCODE2", headers={"Authorization": "bearer s3cr3t-2"})
    lines = lines_of(captured.getvalue())
    assert [line["request_id"] for line in lines] == [
        first.headers["x-request-id"],
        second.headers["x-request-id"],
    ]
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    text = captured.getvalue()
    for secret in ("s3cr3t-1", "s3cr3t-2"):
        assert secret not in text
    assert lines[0]["message"] == "handling /api/v1/join/JOINCODE1 with Bearer …"
    assert lines[0]["logger"] == "floorkeeper.test" and lines[0]["level"] == "INFO"


def test_outside_a_request_there_is_no_request_id(captured: io.StringIO) -> None:
    assert request_id.get() is None
    logging.getLogger("floorkeeper.test").warning("the display at %s", "/display/x#key=abc123")
    (line,) = lines_of(captured.getvalue())
    assert "request_id" not in line
    assert line["message"] == "the display at /display/x#key=…"
    assert line["level"] == "WARNING"


def test_a_storage_error_s_values_and_traceback_are_scrubbed(captured: io.StringIO) -> None:
    try:
        raise RuntimeError(
            'duplicate key value violates unique constraint "uq_token"\n'
            "DETAIL:  Key (token_hash)=(deadbeefcafe) already exists."
        )
    except RuntimeError:
        logging.getLogger("floorkeeper.test").exception("the log could not be written")
    (line,) = lines_of(captured.getvalue())
    assert "deadbeefcafe" not in captured.getvalue()
    assert "Key (token_hash)=(…) already exists" in line["exception"]
    assert line["message"] == "the log could not be written"


def test_the_serve_config_routes_uvicorn_through_the_formatter() -> None:
    config = json_logging()
    assert config["handlers"]["json"]["formatter"] == "json"
    assert config["formatters"]["json"]["()"] is JsonFormatter
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        assert config["loggers"][name] == {"handlers": [], "level": "INFO", "propagate": True}


def test_the_banner_of_a_json_log_keeps_no_secret() -> None:
    from app.cli import banner
    from app.main import StartupInfo

    info = StartupInfo(
        organiser_key="generated-organiser-key-0123",
        demo_event_id="e1",
        links={"display": "/display/e1#key=display-key-0123", "delegate": "/join/JOINCODE9"},
    )
    shown = banner(info, "http://127.0.0.1:8000", secrets=False)
    for secret in ("generated-organiser-key-0123", "display-key-0123", "JOINCODE9"):
        assert secret not in shown
    assert "http://127.0.0.1:8000/display/e1\n" in shown
    assert "FLOORKEEPER_ORGANISER_KEY" in shown  # what to do instead
    assert "generated-organiser-key-0123" in banner(info, "http://127.0.0.1:8000")  # text: shown
    # the desk's address, where the secretariat starts: with the key in a text log only
    assert "http://127.0.0.1:8000/organiser  (sign in there with the organiser key)" in shown
    text = banner(info, "http://127.0.0.1:8000")
    assert (
        "Organiser's desk:    http://127.0.0.1:8000/organiser#key=generated-organiser-key-0123"
        in text
    )


def test_text_logs_say_when_each_line_was_written() -> None:
    """``--log-format text``: logging's basic set-up and uvicorn's own config, each line led by
    its local time in ISO 8601 (outside probe N: a text log had no times), and Alembic's plugin
    lines left out."""
    root = logging.getLogger()
    handlers = root.handlers[:]
    try:
        root.handlers = []
        config = configure_logging("text")
        (handler,) = root.handlers
        assert handler.formatter is not None
        assert handler.formatter._fmt == "%(asctime)s %(levelname)s %(name)s: %(message)s"
        record = logging.LogRecord("floorkeeper.engine", logging.ERROR, "", 0, "said", (), None)
        line = handler.format(record)
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} ERROR floorkeeper", line), line
        assert config is not None
        for formatter in config["formatters"].values():
            assert formatter["fmt"].startswith("%(asctime)s ")
        assert not logging.getLogger("alembic.runtime.plugins").isEnabledFor(logging.INFO)
    finally:
        root.handlers = handlers


@pytest.mark.parametrize(
    "line",
    [
        "GET /display/ev?Key=s3cr3t HTTP/1.1",
        "GET /display/ev?%6Bey=s3cr3t HTTP/1.1",
        "GET /display/ev?%6b%65%79=s3cr3t&lang=fr HTTP/1.1",
        "GET /x?TOKEN%3Ds3cr3t HTTP/1.1",
        "GET /x?Access_Token=s3cr3t HTTP/1.1",
    ],
)
def test_a_key_in_a_url_is_redacted_whatever_its_case_or_encoding(line: str) -> None:
    """A mistyped or percent-encoded link (outside probe: ``?Key=`` and ``%6Bey=`` were
    written in clear)."""
    redacted = redact_secrets(line)
    assert "s3cr3t" not in redacted and "\u2026" in redacted


@pytest.mark.parametrize(
    ("host", "base", "warned"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000", False),  # this machine only
        ("::1", "http://[::1]:8000", False),
        ("0.0.0.0", "http://0.0.0.0:8000", True),  # the venue's network, in clear
        ("192.168.1.20", "http://192.168.1.20:8000", True),
        ("0.0.0.0", "https://floor.example.org", False),  # behind HTTPS (the public URL)
    ],
)
def test_the_banner_warns_of_plain_http_on_the_network(host: str, base: str, warned: bool) -> None:
    """Outside probe L: the README's set-up on a venue's Wi-Fi sent every key in clear, and
    nothing said so."""
    from app.cli import banner
    from app.main import StartupInfo

    shown = banner(StartupInfo(organiser_key=None), base, host=host)
    assert ("Warning: plain HTTP on the network" in shown) is warned
    if warned:
        assert 'README: "HTTPS on the venue\'s network"' in shown
