"""How every refusal reads on the wire: ``{"error": {"code", "message"}}`` plus details."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ..floor import FloorError
from ..limits import RateLimited


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
    return sorted(methods)


def error_body(status: int, code: str, message: str, **extra: object) -> JSONResponse:
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


#: an enum member as pydantic names it in a message: ``<TurnKind.INTERVENTION: 'intervention'>``
_ENUM_MEMBER = re.compile(r"<[A-Za-z_][\w.]*: ('[^']*'|-?\d+)>")


def validation_details(errors: Iterable[Any]) -> list[dict[str, Any]]:
    """Pydantic's errors as a refusal's ``details`` (REST's ``invalid_request``, the socket's
    ``invalid_command``): each field's place (``loc``), what is wrong in words and its type, so
    a face can say which of its fields it is about, in its own language."""
    return [
        {
            "loc": list(item.get("loc", ())),
            "msg": plain(item.get("msg", "")),
            "type": item.get("type"),
        }
        for item in errors
    ]


def plain(message: str) -> str:
    """A validation message as a person reads it: an enum member shown as the value to send
    (``'intervention'``), not as Python's ``<TurnKind.INTERVENTION: 'intervention'>``."""
    return _ENUM_MEMBER.sub(r"\1", message)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FloorError)
    async def floor_error(_: Request, refusal: FloorError) -> JSONResponse:
        return error_response(refusal)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, refusal: RequestValidationError) -> JSONResponse:
        details = validation_details(refusal.errors())
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
        response = error_body(refusal.status_code, code, str(refusal.detail), **extra)
        response.headers.update(refusal.headers or {})
        if refusal.status_code == 405:
            # Starlette names only the first route of the path; RFC 9110 wants every method
            response.headers["Allow"] = ", ".join(_methods_of(request))
        return response
