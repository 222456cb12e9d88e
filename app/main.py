"""The ASGI application: wiring only (storage, engine, transports, faces)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from . import __version__
from .api import faces
from .api.deps import Services, client_address, presented_token
from .api.rest import router
from .api.ws import describe, serve_socket, socket_target
from .auth import Authenticator, ensure_organiser_key, hash_token
from .config import Settings
from .demo import load_demo
from .engine import Engine
from .floor import FloorError
from .floor.roles import Role
from .hub import Hub
from .limits import RateLimited, Throttle
from .store import Store, make_engine, migrate

log = logging.getLogger("floorkeeper")


@dataclass
class StartupInfo:
    """What ``serve`` prints once the server is up."""

    organiser_key: str | None = None
    demo_event_id: str | None = None
    links: dict[str, str] = field(default_factory=dict)


def create_app(settings: Settings | None = None, *, demo: bool = False) -> FastAPI:
    settings = settings or Settings.from_env()
    info = StartupInfo()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = make_engine(settings.database_url)
        await asyncio.to_thread(migrate, database)
        store = Store(database)
        key = await asyncio.to_thread(ensure_organiser_key, store, settings.organiser_key)
        info.organiser_key = key.generated
        engine = Engine(store, Hub())
        await engine.load()
        auth = Authenticator(store, key.digest)
        app.state.services = Services(
            engine=engine, auth=auth, settings=settings, throttle=Throttle(settings.limits)
        )
        if demo:
            await _prepare_demo(engine, auth, info)
        app.state.startup = info
        try:
            yield
        finally:
            database.dispose()

    app = FastAPI(
        title="Floorkeeper",
        version=__version__,
        description=(
            "Real-time moderation of the floor of a live meeting. Commands and messages are "
            "documented in docs/protocol.md; WebSockets at /ws/segments/{segment_id} and "
            "/ws/events/{event_id}."
        ),
        lifespan=lifespan,
    )
    app.include_router(router)
    _install_error_handlers(app)

    app.include_router(faces.router)
    app.mount("/static", StaticFiles(directory=faces.frontend_dir() / "static"), name="static")

    app.add_middleware(EdgeMiddleware)

    return app


async def _prepare_demo(engine: Engine, auth: Authenticator, info: StartupInfo) -> None:
    """Load the seed's hearing into an empty database and mint links to its faces."""
    if not engine.hearings:
        info.demo_event_id = await load_demo(engine)
    else:
        info.demo_event_id = next(iter(engine.hearings))
    event_id = info.demo_event_id
    now = engine.clock()
    for role, path in ((Role.MODERATOR, "/moderator"), (Role.DISPLAY, f"/display/{event_id}")):
        token, _ = await asyncio.to_thread(auth.mint, role, event_id, now, label="demo")
        info.links[role.value] = f"{path}#key={token}"
    join_code = engine.hearings[event_id].event.join_code
    info.links["delegate"] = f"/join/{join_code}"


class EdgeMiddleware:
    """The edge, as plain ASGI (no per-request task or body wrapping): the WebSockets (served
    here directly), then for HTTP the REST rate limit before anything else runs, and two
    security headers on the way out."""

    HEADERS = ((b"referrer-policy", b"no-referrer"), (b"x-content-type-options", b"nosniff"))

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            target = socket_target(scope["path"])
            if target is not None:
                # Served here, beneath FastAPI's router: a socket lives for hours, and every
                # layer it passes keeps its frames and exit stacks alive as long (11 KB of a
                # connection's 38; docs/benchmarks.md). A socket needs none of them.
                await serve_socket(WebSocket(scope, receive, send), **target)
                return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/api/"):
            refused = _over_request_rate(Request(scope))
            if refused is not None:
                await self._with_headers(refused, scope, receive, send)
                return
        await self._with_headers(self.app, scope, receive, send)

    async def _with_headers(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await app(scope, receive, send_with_headers)


def _over_request_rate(request: Request) -> JSONResponse | None:
    """REST calls per second, per credential (or address without one); the organiser is free."""
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        return None
    token = presented_token(request)
    if token is not None:
        digest = hash_token(token)
        if digest == services.auth.organiser_key_digest:
            return None
        key = ("token", digest)
    else:
        key = ("address", client_address(request))
    delay = services.throttle.requests.wait(key)
    if not delay:
        return None
    error = RateLimited("too many requests: slow down and retry", delay)
    return _error_response(error)


def _error_response(error: FloorError) -> JSONResponse:
    response = _error(error.status, error.code, error.message, **(error.detail or {}))
    if error.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after_s)
    elif error.status == 503:
        response.headers["Retry-After"] = "1"
    return response


def _methods_of(request: Request) -> list[str]:
    """Every method some route answers on this request's path."""
    scope = {**request.scope, "method": "\x00"}  # no route has it: a path match is PARTIAL
    methods: set[str] = set()
    routes = list(request.app.routes)
    while routes:
        route = routes.pop()
        included = getattr(route, "original_router", None)  # FastAPI nests included routers
        if included is not None:
            routes.extend(included.routes)
            continue
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


def _error(status: int, code: str, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}, **extra}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FloorError)
    async def floor_error(_: Request, error: FloorError) -> JSONResponse:
        return _error_response(error)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": list(item.get("loc", ())), "msg": item.get("msg", ""), "type": item.get("type")}
            for item in error.errors()
        ]
        message = (
            "; ".join(f"{'.'.join(str(p) for p in d['loc'])}: {d['msg']}" for d in details)
            or "invalid request"
        )
        return _error(422, "invalid_request", message, details=details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        response = _error(error.status_code, code, str(error.detail))
        response.headers.update(error.headers or {})
        if error.status_code == 405:
            # Starlette names only the first route of the path; RFC 9110 wants every method
            response.headers["Allow"] = ", ".join(_methods_of(request))
        return response

    _ = describe  # the WebSocket transport formats validation errors the same way
