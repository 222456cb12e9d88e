"""The edge, as plain ASGI (no per-request task): what every request meets before any route.

- **Sockets** are served here directly, beneath FastAPI's router: a socket lives for hours, and
  every layer it passes keeps its frames and exit stacks alive as long (11 KB of a connection's
  38; docs/benchmarks.md).
- **The REST rate** per credential, or per address for a request without one *or with one the
  server does not know*: random Bearer tokens count against their address, so guessing costs
  the guesser, not the database.
- **Cross-origin requests with a session cookie** are refused: an unsafe method (POST, PUT,
  PATCH, DELETE) that carries a session cookie and no Bearer token must come from this server's
  own pages (``Origin`` the server's own or an allowed one, or ``Sec-Fetch-Site: same-origin``).
  ``SameSite=Strict`` cookies do not stop a same-site attacker (another port or subdomain).
- **Bodies** are limited before they are read (``Content-Length``) and while they are read
  (chunked): ``413 body_too_large``; a JSON body may nest at most ``MAX_JSON_DEPTH`` deep and
  hold at most ``MAX_JSON_ITEMS`` values (``422 json_too_complex``).
- Two security headers on every answer; ``Cache-Control: no-store`` on every answer of the API
  that does not set its own (a key's event, the participants, the exports: nothing a shared
  machine's disk cache or a caching proxy should keep; outside probe L).
- **HEAD** is answered as GET without the body (RFC 9110 §9.3.2), on every route: an uptime
  monitor's HEAD on ``/api/v1/health`` or a face's address is answered, not ``405``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from ..auth import hash_token, is_session_cookie
from ..limits import RateLimited
from .deps import Services, client_address, presented_tokens
from .errors import Refused, error_response
from .live import live_target, serve_live
from .ws import serve_socket, socket_target

#: A request body's size limit, in bytes (but the participants' import's).
MAX_BODY_BYTES = 1_000_000
#: The largest spreadsheet the participants' import takes, in bytes: a registration export of
#: 5,000 rows (its row limit) with long columns (biographies, notes) is 2-3 MB as CSV.
IMPORT_MAX_BYTES = 10_000_000
#: What a multipart body holds besides its file (boundaries, part headers), at the most.
MULTIPART_SLACK = 16_384
_IMPORT_PATH = re.compile(r"^/api/v1/events/[^/]+/participants/import$")
#: How deep a JSON body may nest, and how many values it may hold.
MAX_JSON_DEPTH = 32
MAX_JSON_ITEMS = 10_000

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


class EdgeMiddleware:
    HEADERS = ((b"referrer-policy", b"no-referrer"), (b"x-content-type-options", b"nosniff"))

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            target = socket_target(scope["path"])
            if target is not None:
                await serve_socket(WebSocket(scope, receive, send), **target)
                return
            live = live_target(scope["path"])  # the public live page's: no credential
            if live is not None:
                await serve_live(WebSocket(scope, receive, send), **live)
                return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "HEAD":
            scope, send = {**scope, "method": "GET"}, _headers_only(send)
        refused = _refused_at_the_door(scope)
        if refused is not None:
            await self._with_headers(refused, scope, receive, send)
            return
        await self._with_headers(self.app, scope, _bounded(scope, receive), send)

    async def _with_headers(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.HEADERS if k not in present]
                if api and b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await app(scope, receive, send_with_headers)


def _headers_only(send: Send) -> Send:
    """``send`` for a HEAD request answered as GET: the status and headers (its
    ``Content-Length`` the GET's), no body."""

    async def head(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b""}
        await send(message)

    return head


def _refused_at_the_door(scope: Scope) -> JSONResponse | None:
    """The refusals that need no body: size announced too large, a foreign origin with a
    session cookie, the REST rate."""
    request = Request(scope)
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > _limit(scope)):
        response = error_response(_too_large(scope, int(declared) if declared.isdigit() else None))
        response.headers["Connection"] = "close"
        return response
    if not scope["path"].startswith("/api/"):
        return None
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        return None
    if scope["method"] in UNSAFE_METHODS and not _same_origin(request, services):
        return error_response(
            Refused(
                403,
                "cross_origin_refused",
                "a request that signs in with a session cookie must come from this server's own "
                "pages (its Origin is another site's): open the page from this server, or send "
                "Authorization: Bearer from a script",
            )
        )
    return _over_request_rate(request, services)


def _same_origin(request: Request, services: Services) -> bool:
    """True unless the request rides on a session cookie and says it comes from elsewhere."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return True  # a script's own token: no browser sends it by itself
    if not any(is_session_cookie(name) for name in request.cookies):
        return True
    origin = request.headers.get("origin")
    if origin is not None:
        if origin in services.settings.allowed_origins:
            return True
        return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()
    # no Origin: a browser still says where the request comes from, a script says nothing
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


def _over_request_rate(request: Request, services: Services) -> JSONResponse | None:
    """REST calls per second, per known credential; per address for the rest. The organiser
    key is not limited (the secretariat's scripting tool)."""
    # the first this server knows to sign in, asked of its memory only (no query at the edge):
    # a room's revoked link before the organiser key is not it
    now = services.engine.clock()
    auth = services.auth
    known = (t for t in presented_tokens(request) if auth.cached(t) and auth.resolve(t, now))
    token = next(known, None)
    key: tuple[str, str]
    if token is not None:
        digest = hash_token(token)
        if digest == services.auth.organiser_key_digest:
            return None
        key = ("token", digest)
    else:  # no credential, or one this server has not seen: a guess costs the guesser
        key = ("address", client_address(request))
    delay = services.throttle.requests.wait(key)
    if not delay:
        return None
    return error_response(RateLimited("too many requests: slow down and retry", delay))


def _is_import(scope: Scope) -> bool:
    return scope["method"] == "POST" and bool(_IMPORT_PATH.match(scope["path"]))


def _limit(scope: Scope) -> int:
    """How large a body this request may send: a spreadsheet to import, or anything else."""
    return IMPORT_MAX_BYTES + MULTIPART_SLACK if _is_import(scope) else MAX_BODY_BYTES


def _too_large(scope: Scope, size: int | None = None) -> Refused:
    if _is_import(scope):
        return file_too_large(size)
    return Refused(
        413,
        "body_too_large",
        f"the request body is over {MAX_BODY_BYTES:,} bytes: send less (a spreadsheet goes to "
        "the import route)",
    )


def file_too_large(size: int | None) -> Refused:
    """A spreadsheet over ``IMPORT_MAX_BYTES``: what to do, with its size (if known) and the
    limit in ``detail`` for a face to word."""
    megabytes = f"{IMPORT_MAX_BYTES / 1e6:g} MB"
    what = f"the file is {size / 1e6:.1f} MB" if size else "the file is too large"
    return Refused(
        413,
        "file_too_large",
        f"{what}; the import takes files up to {megabytes}: delete the columns you do not need "
        "(such as biographies or notes) or split the list, then send it again",
        {"detail": {"size": size, "limit": IMPORT_MAX_BYTES}},
    )


def _bounded(scope: Scope, receive: Receive) -> Receive:
    """``receive`` that stops a body at ``MAX_BODY_BYTES`` as it arrives (chunked bodies
    declare no length) and checks a JSON body's shape once it is complete."""
    if scope["method"] not in UNSAFE_METHODS:
        return receive
    limit = _limit(scope)
    content_type = Request(scope).headers.get("content-type", "")
    is_json = content_type.split(";")[0].strip().lower().endswith("json")
    seen = 0
    chunks: list[bytes] = []

    async def bounded() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] != "http.request":
            return message
        body: bytes = message.get("body", b"")
        seen += len(body)
        if seen > limit:
            raise _too_large(scope)
        if is_json:
            chunks.append(body)
            if not message.get("more_body", False):
                problem = json_too_complex(b"".join(chunks))
                chunks.clear()
                if problem is not None:
                    raise Refused(422, "json_too_complex", problem)
        return message

    return bounded


def json_too_complex(body: bytes) -> str | None:
    """What is wrong with a JSON body's shape (too deep, too many values), or None.

    Strings are blanked first, so brackets and commas inside them do not count; the scan stops
    at the first level past the limit. Linear in the body (at most ``MAX_BODY_BYTES``)."""
    bare = _STRINGS.sub(b'""', body)
    if bare.count(b",") + 1 > MAX_JSON_ITEMS:
        return f"the JSON body holds more than {MAX_JSON_ITEMS:,} values: send fewer"
    depth = 0
    for match in _BRACKETS.finditer(bare):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels: flatten it"
        else:
            depth -= 1
    return None
