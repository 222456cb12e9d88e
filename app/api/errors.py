"""How every refusal reads on the wire: ``{"error": {"code", "message"}}`` plus details."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection
from starlette.routing import Match

from ..auth import BROWSER_COOKIE
from ..engine import StorageUnavailable
from ..floor import FloorError
from ..limits import RateLimited
from ..logs import request_id
from .deps import presented_tokens
from .times import with_local

log = logging.getLogger("floorkeeper.api")


class Refused(StarletteHTTPException):
    """A refusal at the edge, while the body is read (FastAPI turns anything but an
    ``HTTPException`` raised there into a bare 400), with its own error code."""

    def __init__(
        self, status: int, code: str, message: str, extra: dict[str, object] | None = None
    ) -> None:
        super().__init__(status_code=status, detail=message)
        self.code = code
        #: more of the answer, beside ``error`` (``file_too_large``'s ``detail``)
        self.extra = extra or {}


def _methods_of(request: Request) -> list[str]:
    """Every method some route answers on this request's path. FastAPI keeps included routers
    whole (their routes' paths lack the prefix), and lists each route with its full path in
    ``effective_route_contexts``; plain routes match the scope themselves."""
    scope = {**request.scope, "method": "\x00"}  # no route has it: a path match is PARTIAL
    path = request.scope["path"]
    methods: set[str] = set()
    for route in request.app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for context in contexts():
                # a mount inside a router (the docs' assets) has no path of its own: no methods
                if context.path_regex is not None and context.path_regex.match(path):
                    methods |= context.methods or set()
            continue
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    if "GET" in methods:
        methods.add("HEAD")  # answered as GET without the body (app/api/edge.py)
    return sorted(methods)


def error_body(status: int, code: str, message: str, /, **extra: object) -> JSONResponse:
    """A refusal's answer; ``extra`` beside ``error`` (positional-only before it: a contribution's
    ``changed_since`` carries its ``status``, which was taken for the HTTP status, a 500)."""
    return JSONResponse({"error": {"code": code, "message": message}, **extra}, status_code=status)


def error_response(error: FloorError | Refused) -> JSONResponse:
    """The answer to a refusal: its status, code and message, with the headers it calls for."""
    if isinstance(error, Refused):
        return error_body(error.status_code, error.code, str(error.detail), **error.extra)
    response = error_body(error.status, error.code, error.message, **(error.detail or {}))
    if error.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after_s)
    elif error.status == 503:
        response.headers["Retry-After"] = "1"
    return response


#: What the database says of a statement the code got wrong (a constraint broken, SQL it does not
#: take, a value of the wrong type): a fault in the code, answered ``internal`` with its traceback
#: in the log. Every other error of the database (``OperationalError``, a ``DatabaseError`` of its
#: own, ``InternalError``) is its surroundings: a full or failing disk, a file locked or
#: read-only, PostgreSQL unreachable or read-only after a fail-over.
_FAULTS_IN_THE_CODE: tuple[type[Exception], ...] = (
    sa.IntegrityError,
    sa.ProgrammingError,
    sa.DataError,
    sa.NotSupportedError,
    sqlite3.IntegrityError,
    sqlite3.ProgrammingError,
    sqlite3.DataError,
    sqlite3.NotSupportedError,
)


def storage_trouble(error: BaseException) -> bool:
    """Whether ``error`` is the database failing under a request (its disk, its file, its
    server), not a fault in the code: SQLAlchemy's ``DatabaseError`` family and sqlite3's own
    (a tool's connection), but not ``_FAULTS_IN_THE_CODE``."""
    return isinstance(error, sa.DatabaseError | sqlite3.DatabaseError) and not isinstance(
        error, _FAULTS_IN_THE_CODE
    )


def storage_refusal(method: str, error: BaseException) -> StorageUnavailable:
    """What a route answers when the database failed under it: ``storage_unavailable`` (503,
    ``Retry-After: 1``), the refusal a command the log could not take gets, worded for a request
    that is not a command (no command id to send again). A write may have been carried out in
    part (a phone link signs the old phone out, then makes the new key): sent again, it is
    finished."""
    name = type(error).__name__
    if method in ("GET", "HEAD"):
        return StorageUnavailable(f"the database could not be read ({name}): try again in a moment")
    return StorageUnavailable(
        f"the database could not be written ({name}): this request was not carried out, or not "
        "wholly; send it again in a moment (the server's log says what is wrong)"
    )


def _as_sqlalchemy(error: BaseException) -> sa.SQLAlchemyError:
    """sqlite3's own error as SQLAlchemy would have raised it (the engine's log line reads
    either)."""
    if isinstance(error, sa.SQLAlchemyError):
        return error
    kind = sa.OperationalError if isinstance(error, sqlite3.OperationalError) else sa.DatabaseError
    return kind(None, None, error)


#: What a request that met a fault of the server's own is answered (``internal``, as a socket's
#: command that met one is): no traceback, the request's id to quote (the log has the rest).
INTERNAL = (
    "the server failed on this request, a fault of its own and not of what was sent: try again; "
    "if it fails again, tell the technical team"
)


def internal_response() -> JSONResponse:
    """``500 internal``: what to do, and the request's id (the log's traceback carries it)."""
    made = request_id.get()
    message = f"{INTERNAL}, quoting request id {made}" if made else INTERNAL
    response = error_body(500, "internal", message)
    if made is not None:  # answered outside the middleware that adds it to every other answer
        response.headers["X-Request-Id"] = made
    return response


def presented_a_secret(request: Request) -> bool:
    """Whether a refused request showed a secret (RFC 6750: a 401 then says
    ``error="invalid_token"``; without one, a bare ``Bearer``): a Bearer token, a session cookie
    of the roles it asks to act as, or the key ``POST /session`` was sent. A page tells from it
    "this browser is not signed in here" from "its sign-in was refused (revoked, expired)"."""
    if request.method == "POST" and request.url.path.rstrip("/") == "/api/v1/session":
        return True
    return bool(presented_tokens(request))


#: an enum member as pydantic names it in a message: ``<TurnKind.INTERVENTION: 'intervention'>``
_ENUM_MEMBER = re.compile(r"<[A-Za-z_][\w.]*: ('[^']*'|-?\d+)>")


def validation_details(errors: Iterable[Any]) -> list[dict[str, Any]]:
    """Pydantic's errors as a refusal's ``details`` (REST's ``invalid_request``, the socket's
    ``invalid_command``): each field's place (``loc``), what is wrong in words and its type, so
    a face can say which of its fields it is about, in its own language."""
    return [
        {
            "loc": list(item.get("loc", ())),
            "msg": item_message(item),
            "type": item.get("type"),
        }
        for item in errors
    ]


#: Pydantic's error types whose words say what is wanted but not what was sent: the value sent
#: is added ("Input should be 'intervention', 'panellist' or …, not 'floor'").
NAMES_WHAT_WAS_SENT = frozenset(
    {
        "literal_error",
        "enum",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "list_type",
    }
)


def item_message(item: Any) -> str:
    """What is wrong with one field of a pydantic error, in words (``plain``; a command's instant
    sent as text says what to send, ``text_instant``; a value out of its choices or bounds, or
    one sent alone where a list is wanted, is named, ``sent``)."""
    loc = list(item.get("loc", ()))
    kind, given = item.get("type"), item.get("input")
    return text_instant(loc, kind, given) or plain(item.get("msg", "")) + sent(kind, given)


def sent(kind: str | None, given: object) -> str:
    """ ", not 'floor'" (the value sent, cut to 40 characters), for ``NAMES_WHAT_WAS_SENT``; a
    single value where a list is wanted says the list to send (``["en"]``)."""
    if kind not in NAMES_WHAT_WAS_SENT or not isinstance(given, str | int | float):
        return ""
    if isinstance(given, bool):
        return ""
    shown = json.dumps(given[:40] if isinstance(given, str) else given, ensure_ascii=False)
    if kind == "list_type":
        return f": send a list, such as [{shown}], not {shown} alone"
    return f", not {shown}"


#: The REST routes that take a command's instants as people write them (``api/times.py``).
LOCAL_TIMES_TAKEN_BY = {
    "update_segment": "PATCH /api/v1/segments/{segment_id}",
    "create_segment": "POST /api/v1/events/{event_id}/segments",
}


def text_instant(loc: list[Any], kind: str | None, sent: object) -> str | None:
    """A command's instant (an ``x_at`` of the command schema, epoch ms) sent as text, such as
    ``"21:00"``: what the command takes instead, and the route that takes local times, where one
    does (``LOCAL_TIMES_TAKEN_BY``); else None (pydantic's words stand: "Input should be a valid
    integer" said nothing of milliseconds)."""
    if kind != "int_type" or not isinstance(sent, str) or not loc:
        return None
    if not (isinstance(loc[-1], str) and loc[-1].endswith("_at")):
        return None
    said = (
        f"a command takes an instant as epoch milliseconds (an integer such as 1796374800000), "
        f"not {json.dumps(sent[:40], ensure_ascii=False)}"
    )
    route = next((LOCAL_TIMES_TAKEN_BY[p] for p in loc if p in LOCAL_TIMES_TAKEN_BY), None)
    if route is None:
        return said
    return (
        f'{said}; {route} takes local times ("21:00", "2026-12-06T21:00") and reads them in '
        "the event's time zone"
    )


def plain(message: str) -> str:
    """A validation message as a person reads it: an enum member shown as the value to send
    (``'intervention'``), not as Python's ``<TurnKind.INTERVENTION: 'intervention'>``."""
    return _ENUM_MEMBER.sub(r"\1", message)


def set_browser_cookie(response: Response, made: str) -> None:
    """The browser's id for counting its wrong join codes (``routes.common.browser_id``)."""
    response.set_cookie(
        BROWSER_COOKIE, made, httponly=True, samesite="strict", path="/api/v1/", max_age=86_400
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FloorError)
    async def floor_error(request: Request, refusal: FloorError) -> JSONResponse:
        response = error_response(refusal)
        state = (refusal.detail or {}).get("state")
        zone = state.get("event", {}).get("timezone") if isinstance(state, dict) else None
        if isinstance(state, dict) and isinstance(zone, str):
            # a stale command's state, as REST answers every state: each x_at with x_at_local
            local = {**(refusal.detail or {}), "state": with_local(state, zone)}
            response = error_body(refusal.status, refusal.code, refusal.message, **local)
        made = getattr(request.state, "browser_cookie", None)
        if made is not None:  # a wrong join code: the browser is counted as itself next time
            set_browser_cookie(response, made)
        if refusal.status == 401 and presented_a_secret(request):
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response

    async def storage_failed(connection: HTTPConnection, error: Exception) -> Response:
        """The database failed under a route (a write the engine's writer does not make: an
        access link, a revocation, a phone link): said once in the log, as the engine says its
        own (``/api/v1/health`` 503 until a write succeeds), and answered as the engine answers
        a command it could not write. A read (``GET``) is said once as a read, and leaves the
        health check to its own write. A fault in the code goes on to ``internal``."""
        if connection.scope["type"] != "http" or not storage_trouble(error):
            raise error
        services = getattr(connection.app.state, "services", None)
        reading = connection.scope["method"] in ("GET", "HEAD")
        if services is not None and reading:
            services.engine.read_failed(_as_sqlalchemy(error))
        elif services is not None:
            services.engine._storage_failed(_as_sqlalchemy(error))
        else:  # before the start made the engine
            log.error("the database failed under a request: %s", error)
        return error_response(storage_refusal(connection.scope["method"], error))

    for kind in (sa.DBAPIError, sqlite3.Error):
        app.add_exception_handler(kind, storage_failed)

    @app.exception_handler(Exception)
    async def internal(request: Request, error: Exception) -> JSONResponse:
        """The last resort (Starlette's outermost middleware, which then lets the server log
        the traceback): JSON, never uvicorn's plain-text 500 (a face parses the body)."""
        return internal_response()

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, refusal: RequestValidationError) -> JSONResponse:
        details = validation_details(refusal.errors())
        unreadable = _unreadable_body(request, details)
        if unreadable is not None:
            return unreadable
        message = (
            "; ".join(f"{'.'.join(str(p) for p in d['loc'])}: {d['msg']}" for d in details)
            or "invalid request"
        )
        return error_body(422, "invalid_request", message, details=details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, refusal: StarletteHTTPException) -> JSONResponse:
        code = getattr(refusal, "code", None) or {
            404: "not_found",
            405: "method_not_allowed",
            413: "body_too_large",
        }.get(refusal.status_code, "http_error")
        extra = refusal.extra if isinstance(refusal, Refused) else {}
        message = _said(request, refusal.status_code, str(refusal.detail))
        if refusal.status_code == 400 and message == "There was an error parsing the body":
            # Starlette's words for a body that is not UTF-8 JSON
            return error_body(
                400,
                "unreadable_body",
                "the body cannot be read as JSON (not UTF-8, or cut off): send a JSON object "
                "in UTF-8 with Content-Type: application/json",
            )
        response = error_body(refusal.status_code, code, message, **extra)
        response.headers.update(refusal.headers or {})
        if refusal.status_code == 405:
            # Starlette names only the first route of the path; RFC 9110 wants every method
            response.headers["Allow"] = ", ".join(_methods_of(request))
        return response


def _said(request: Request, status: int, detail: str) -> str:
    """Starlette's bare "Not Found" and "Method Not Allowed" as what to do."""
    where = f"{request.method} {request.url.path}"
    if status == 404 and detail == "Not Found":
        return f"no such route: {where}; the API's routes are listed at /docs (under /api/v1)"
    if status == 405 and detail == "Method Not Allowed":
        allowed = ", ".join(_methods_of(request))
        return f"{where} is not allowed: this path takes {allowed}"
    return detail


def _unreadable_body(request: Request, details: list[dict[str, Any]]) -> JSONResponse | None:
    """A body sent in another form than the route reads, said as what to send: not JSON
    (``Content-Type`` other than JSON: 415), JSON that does not parse (where, and how), or a
    file not sent as a multipart form's part ``file``."""
    sent = request.headers.get("content-type", "").split(";")[0].strip() or "none"
    for item in details:
        loc, kind = item["loc"], item["type"]
        if kind == "json_invalid":
            where = loc[1] if len(loc) > 1 else "?"
            return error_body(
                422,
                "invalid_request",
                f"the body is not valid JSON (at character {where}: {item['msg']}): send a JSON "
                "object with Content-Type: application/json",
                details=details,
            )
        if (
            loc == ["body"]
            and kind in ("model_attributes_type", "dict_type")
            and "json" not in sent
        ):
            return error_body(
                415,
                "unsupported_media_type",
                f"the body was sent as {sent}: send it as a JSON object with Content-Type: "
                "application/json",
                details=details,
            )
        if loc == ["body", "file"] and kind == "missing" and "multipart" not in sent:
            return error_body(
                422,
                "invalid_request",
                f"the file was sent as {sent}: send it as multipart/form-data, in a part named "
                "file (curl -F file=@list.xlsx)",
                details=details,
            )
    return None
