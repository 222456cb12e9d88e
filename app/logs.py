"""What the log must not keep: join codes, and the people's data that storage errors carry.

- The access log names every request's path, and ``/join/{code}`` (the delegates' page) and
  ``/api/v1/join/{code}`` hold the event's join code, the secret that lets anyone register.
  :class:`LogRedaction` writes the code as ``…`` in uvicorn's records.
- A failed write's traceback holds what it wrote: SQLAlchemy adds the bound parameters to the
  exception (names, organisations, token hashes), PostgreSQL's ``DETAIL`` line the values of a
  violated key or the whole failing row. Engines are made with ``hide_parameters=True``
  (``app/store/db.py``); :func:`scrub` removes the values from any record's text and traceback
  all the same, whichever library wrote them.

- A secret someone writes into a message all the same (``Authorization: Bearer …``, a
  ``key=``/``token=`` in a URL) is written as ``…`` too (:func:`redact_secrets`).

``floorkeeper serve`` calls :func:`install_log_filters` once logging is set up.
``floorkeeper serve --log-format json`` writes one JSON object per line (:class:`JsonFormatter`:
time, level, logger, message, and the REST request's id from :data:`request_id`, set by
:class:`RequestIdMiddleware`); the formatter runs every record through :class:`LogRedaction`
itself, so a JSON line carries no more than a text one, whatever logger wrote it.
"""

from __future__ import annotations

import copy
import logging
import logging.config
import re
import secrets
import sys
from collections.abc import Awaitable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote, unquote

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REDACTED = "…"

#: Loggers whose records may carry a storage error's text (their children too).
SCRUBBED_LOGGERS = ("floorkeeper", "sqlalchemy", "alembic", "uvicorn", "asyncio")

# A path segment kept as it is when a path is written back after its join code is redacted.
_SAFE_IN_PATH = "/:@!$&'()*+,;=~"

# The values PostgreSQL puts in an error, one line each (psycopg adds the DETAIL and CONTEXT
# lines to the exception's text; SQLAlchemy appends its own ``[parameters: ...]`` line).
_VALUE_PATTERNS = (
    # Key (token_hash)=(…) already exists. / is not present in table / is still referenced
    re.compile(
        r"(?P<head>\bKey \(.*?\)=\().*(?P<tail>\) (?:already exists|is not present|"
        r"is still referenced|conflicts with))"
    ),
    # … conflicts with existing key (col)=(…).  (exclusion constraints)
    re.compile(r"(?P<head>\bexisting key \(.*?\)=\().*(?P<tail>\)\.?)$", re.MULTILINE),
    # Failing row contains (…).  (NOT NULL and CHECK violations: the whole row)
    re.compile(r"(?P<head>\bFailing row contains \().*(?P<tail>\)\.?)$", re.MULTILINE),
    # invalid input syntax for type uuid: "…"
    re.compile(r"(?P<head>\binvalid input (?:syntax|value) for [^:\n]*: \").*(?P<tail>\")"),
    # CONTEXT:  unnamed portal parameter $2 = '…'
    re.compile(r"(?P<head>\bparameter \$\d+ = ').*(?P<tail>')"),
    # [parameters: (...)] from SQLAlchemy, should an engine be made without hide_parameters
    re.compile(r"(?P<head>^\[parameters: ).*(?P<tail>\])$", re.MULTILINE),
)
#: Text without any of these has nothing to scrub (most records: skip the patterns).
_MARKERS = ("(", "parameter", "DETAIL", "invalid input")
_DETAIL = re.compile(r"^(?P<head>DETAIL:\s+)(?P<text>.+)$", re.MULTILINE)
_DETAIL_KNOWN = re.compile(r"^(?:Key \(|Failing row contains \()")

#: Secrets as they would appear in a message: a Bearer token, and a key or token in a URL (its
#: query or its fragment, as the access links and the banner's links carry them).
#: A name's letters may be percent-encoded in a URL (``%6Bey=``: a server decodes it as ``key``).
_KEY = "(?:k|%6b)(?:e|%65)(?:y|%79)"
_TOKEN = "(?:t|%74)(?:o|%6f)(?:k|%6b)(?:e|%65)(?:n|%6e)"
_SECRETS = (
    re.compile(r"(?P<head>\bBearer\s+)[^\s\"',;]+", re.IGNORECASE),
    re.compile(
        rf"(?P<head>[#?&;](?:{_KEY}|{_TOKEN}|access_{_TOKEN})(?:=|%3d))[^&#\s\"']+",
        re.IGNORECASE,
    ),
)
#: What a text holding a secret must hold (case-folded): the quick test before the patterns.
_SECRET_MARKERS = ("bearer", "=", "%3d")


def redact_secrets(text: str) -> str:
    """``text`` with any Bearer token, and any ``key=``/``token=`` value in a URL (any case, its
    letters percent-encoded or not), as ``…``."""
    folded = text.casefold()
    if not any(marker in folded for marker in _SECRET_MARKERS):
        return text
    for pattern in _SECRETS:
        text = pattern.sub(rf"\g<head>{REDACTED}", text)
    return text


def scrub(text: str) -> str:
    """``text`` without the values a database error quotes: keys, rows, parameters."""
    if not any(marker in text for marker in _MARKERS):
        return text
    for pattern in _VALUE_PATTERNS:
        text = pattern.sub(rf"\g<head>{REDACTED}\g<tail>", text)
    # Any other DETAIL line may quote values too: keep only that there was one.
    return _DETAIL.sub(
        lambda match: (
            match.group(0)
            if _DETAIL_KNOWN.match(match.group("text"))
            else f"{match.group('head')}{REDACTED}"
        ),
        text,
    )


def redact_path(full_path: str) -> str:
    """A request's path (and query) with the segment after any ``join`` segment written ``…``,
    and so is a ``code`` parameter's value (``_redact_code``).

    Matched on the decoded path, as the router matches it (``/%6Aoin/<code>`` reaches the join
    page too); a redacted path is written back percent-encoded, so nothing decoded can break
    the log's line."""
    path, mark, query = full_path.partition("?")
    query = _redact_code(query)
    parts = unquote(path).split("/")
    hit = False
    for index in range(len(parts) - 1):
        if parts[index].lower() == "join" and parts[index + 1]:
            parts[index + 1] = REDACTED
            hit = True
    if not hit:
        return path + mark + query
    written = "/".join(
        part if part == REDACTED else quote(part, safe=_SAFE_IN_PATH) for part in parts
    )
    return written + mark + query


def _redact_code(query: str) -> str:
    """A query with the value of any ``code`` parameter written ``…``: the room display and the
    desk add the join code to the QR image's address to refresh it when the code is rotated
    (outside probe L: the code, the secret that lets anyone register, was in the access log)."""
    if "code" not in unquote(query).lower():
        return query
    pairs = query.split("&")
    for index, pair in enumerate(pairs):
        name, equals, _ = pair.partition("=")
        if equals and unquote(name).strip().lower() == "code":
            pairs[index] = f"{name}={REDACTED}"
    return "&".join(pairs)


_TRACEBACKS = logging.Formatter()


class LogRedaction(logging.Filter):
    """Rewrites a record before it is written; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("uvicorn"):
            self._redact_paths(record)
        if record.name != "uvicorn.access":  # whose formatter unpacks the args: paths only
            self._scrub(record)
        return True

    @staticmethod
    def _redact_paths(record: logging.LogRecord) -> None:
        """uvicorn's access record is ``(client, method, path, http_version, status)``; its
        WebSocket lines carry the path as an argument too."""
        args = record.args
        if not isinstance(args, tuple) or not args:
            return
        redacted = tuple(
            redact_secrets(redact_path(arg))
            if isinstance(arg, str) and arg.startswith("/")
            else arg
            for arg in args
        )
        if redacted != args:
            record.args = redacted

    @staticmethod
    def _scrub(record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[0] is not None:
            text = record.exc_text or _TRACEBACKS.formatException(record.exc_info)
            # Formatters append exc_text as it is, and only format exc_info when it is empty;
            # dropping exc_info keeps any formatter from writing the raw traceback again.
            record.exc_text, record.exc_info = scrub(text), None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken record: logging reports it itself
            return
        cleaned = redact_secrets(scrub(message))
        if cleaned != message:
            record.msg, record.args = cleaned, None


def install_log_filters() -> None:
    """Attach :class:`LogRedaction` where every record passes: to the loggers that write join
    codes or storage errors (and their children that exist now) and to every handler set up
    now. Call it once logging and uvicorn's logging are configured; calling it again adds
    nothing."""
    manager = logging.Logger.manager
    names = {"uvicorn.access", "uvicorn.error", *SCRUBBED_LOGGERS}
    names |= {
        name
        for name in manager.loggerDict
        if any(name.startswith(f"{prefix}.") for prefix in SCRUBBED_LOGGERS)
    }
    loggers = [logging.getLogger(name) for name in sorted(names)]
    handlers = {id(h): h for lg in [logging.getLogger(), *loggers] for h in lg.handlers}
    for target in [*loggers, *handlers.values()]:
        if not any(isinstance(existing, LogRedaction) for existing in target.filters):
            target.addFilter(LogRedaction())


# --- the request id ------------------------------------------------------------------------------

#: The id of the REST request being handled (None outside one): in every JSON log line written
#: while it is handled, uvicorn's access line included, and in its answer's ``X-Request-Id``.
request_id: ContextVar[str | None] = ContextVar("floorkeeper_request_id", default=None)

REQUEST_ID_HEADER: Final = b"x-request-id"


class RequestIdMiddleware:
    """Gives each HTTP request an id (16 hex characters, made here: a client's own is not
    believed, it could write anything into the log) and sends it back as ``X-Request-Id``.

    Sockets pass straight through without a frame of this middleware's: ``__call__`` is a plain
    function that hands them on, so an open socket keeps nothing of it alive. The id is not
    reset when the request ends: each request is its own task under uvicorn, and uvicorn logs
    an application's failure after the application has returned, still in that task."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] != "http":
            return self.app(scope, receive, send)
        return self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        made = secrets.token_hex(8)
        request_id.set(made)
        header = (REQUEST_ID_HEADER, made.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), header]}
                _count(scope, message["status"])
            await send(message)

        await self.app(scope, receive, send_with_id)


def _count(scope: Scope, status: int) -> None:
    """An HTTP answer counted in the app's metrics (``floorkeeper_http_responses``), once the
    start has made them."""
    app = scope.get("app")
    services = getattr(getattr(app, "state", None), "services", None)
    if services is not None:
        services.engine.metrics.response(status)


# --- JSON lines ----------------------------------------------------------------------------------

LOG_FORMATS: Final = ("text", "json")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line: ``time`` (ISO 8601, UTC, milliseconds),
    ``level``, ``logger``, ``message``, ``request_id`` while a REST request is handled,
    ``exception`` (the scrubbed traceback) if any; for uvicorn's access line also ``http``
    (client, method, path with any join code redacted, status). Every record is put through
    :class:`LogRedaction` first, whichever logger or handler it came by."""

    _redaction = LogRedaction()

    def format(self, record: logging.LogRecord) -> str:
        self._redaction.filter(record)
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = request_id.get()
        if current is not None:
            line["request_id"] = current
        if record.name == "uvicorn.access":
            http = _access_fields(record.args)
            if http is not None:
                line["http"] = http
        if record.exc_info and record.exc_info[0] is not None:  # a record the filter missed
            record.exc_text = scrub(self.formatException(record.exc_info))
            record.exc_info = None
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return orjson.dumps(line, default=str).decode()


def _access_fields(args: object) -> dict[str, object] | None:
    """uvicorn's access record's arguments: ``(client, method, path, http_version, status)``."""
    if not isinstance(args, tuple) or len(args) != 5:
        return None
    client, method, path, version, status = args
    return {"client": client, "method": method, "path": path, "version": version, "status": status}


def json_logging(level: int = logging.INFO) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of ``serve --log-format json`` (uvicorn's
    ``log_config``): one handler on stdout writing JSON lines, which every logger, uvicorn's
    included, propagates to."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "filters": {"redaction": {"()": LogRedaction}},
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["redaction"],
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"handlers": ["json"], "level": logging.getLevelName(level)},
        "loggers": {
            name: {"handlers": [], "level": "INFO", "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


#: A text line's time: the machine's local time, ISO 8601 with its offset, to the second
#: (outside probe N: the text log had no times at all).
TEXT_TIME = "%Y-%m-%dT%H:%M:%S%z"
#: Loggers that say nothing a technician acts on at INFO: Alembic names each of its plugins as it
#: loads them, seven lines at every first start (its "Running upgrade" lines stay).
QUIET_LOGGERS = ("alembic.runtime.plugins",)


def text_logging() -> dict[str, Any]:
    """uvicorn's own ``log_config`` for ``--log-format text``, each line led by its time."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    for formatter in config["formatters"].values():
        formatter["fmt"] = "%(asctime)s " + formatter["fmt"]
        formatter["datefmt"] = TEXT_TIME
    return dict(config)


def configure_logging(log_format: str) -> dict[str, Any] | None:
    """Set logging up for ``serve``: text lines on stderr, each led by its time, or JSON lines
    on stdout. Returns the ``log_config`` for uvicorn."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    if log_format == "json":
        logging.config.dictConfig(json_logging())
        return json_logging()  # a fresh one: dictConfig takes the "()" keys out of what it reads
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt=TEXT_TIME,
        stream=sys.stderr,
    )
    return text_logging()
