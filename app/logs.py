"""What the log must not keep: join codes, and the people's data that storage errors carry.

- The access log names every request's path, and ``/join/{code}`` (the delegates' page) and
  ``/api/v1/join/{code}`` hold the event's join code, the secret that lets anyone register.
  :class:`LogRedaction` writes the code as ``…`` in uvicorn's records.
- A failed write's traceback holds what it wrote: SQLAlchemy adds the bound parameters to the
  exception (names, organisations, token hashes), PostgreSQL's ``DETAIL`` line the values of a
  violated key or the whole failing row. Engines are made with ``hide_parameters=True``
  (``app/store/db.py``); :func:`scrub` removes the values from any record's text and traceback
  all the same, whichever library wrote them.

``floorkeeper serve`` calls :func:`install_log_filters` once logging is set up.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, unquote

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
    """A request's path (and query) with the segment after any ``join`` segment written ``…``.

    Matched on the decoded path, as the router matches it (``/%6Aoin/<code>`` reaches the join
    page too); a redacted path is written back percent-encoded, so nothing decoded can break
    the log's line."""
    path, mark, query = full_path.partition("?")
    parts = unquote(path).split("/")
    hit = False
    for index in range(len(parts) - 1):
        if parts[index].lower() == "join" and parts[index + 1]:
            parts[index + 1] = REDACTED
            hit = True
    if not hit:
        return full_path
    written = "/".join(
        part if part == REDACTED else quote(part, safe=_SAFE_IN_PATH) for part in parts
    )
    return written + mark + query


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
            redact_path(arg) if isinstance(arg, str) and arg.startswith("/") else arg
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
        cleaned = scrub(message)
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
