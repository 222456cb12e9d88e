"""Shared pieces of the transports: the services, who is asking, and what they may touch.

Who is asking is read once, by ``presented_token``, for every transport (REST, sockets, the
edge's rate limits): an ``Authorization: Bearer`` header first, else the session cookie of a role
the request hints at (``X-Floorkeeper-As``), else of any role. The REST routes reach it through
``current_actor`` / ``optional_actor``, which depend on FastAPI's security schemes (``BEARER``
and one ``APIKeyCookie`` per role, ``COOKIES``) so that the OpenAPI declares them and Swagger
UI's "Authorize" sends a Bearer token, and on the headers ``X-Floorkeeper-As`` and
``X-Floorkeeper-Event`` (``HINTS``) so that it names them; what the schemes and the headers parse
is not used beyond that, so the reading stays the one above, the same as the sockets'.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyCookie, HTTPBearer
from starlette.requests import HTTPConnection

from ..auth import (
    COOKIE_ORDER,
    EVENT_HINT_HEADER,
    EVENT_HINT_PARAM,
    ROLE_HINT_HEADER,
    Authenticator,
    day_cookie,
    event_hint,
    session_cookie,
)
from ..config import Settings
from ..engine import Engine
from ..floor import Actor, NotFound
from ..limits import Throttle
from ..policy import Unauthenticated
from ..screens import ScreenDirectory
from .sockets import OpenSockets


@dataclass
class Services:
    engine: Engine
    auth: Authenticator
    settings: Settings
    throttle: Throttle
    sockets: OpenSockets
    screens: ScreenDirectory


def services_of(connection: HTTPConnection) -> Services:
    services: Services = connection.app.state.services
    return services


def presented_token(connection: HTTPConnection, event_id: str | None = None) -> str | None:
    """The secret a request presents first: its Bearer token, else the session cookie of the
    meeting day (``fk_<role>_<event>``) of the first role it asks to act as that has one, else the
    role's last sign-in (``fk_<role>``). The day is ``event_id`` (a segment's socket, once located),
    else the one its address names, else the one it says (``hinted_event``). What the edge's rate
    limit counts by; who is asking is ``resolve_presented``'s."""
    tokens = presented_tokens(connection, event_id)
    return tokens[0] if tokens else None


def presented_tokens(connection: HTTPConnection, event_id: str | None = None) -> list[str]:
    """Every secret the request presents, in ``presented_token``'s order."""
    days, lasts = _presented(connection, event_id)
    return list(dict.fromkeys(days + lasts))


def _bearer(connection: HTTPConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _presented(connection: HTTPConnection, event_id: str | None) -> tuple[list[str], list[str]]:
    """The Bearer token; else the day's cookies of the roles asked for, and their last sign-ins."""
    bearer = _bearer(connection)
    if bearer is not None:
        return [bearer], []
    event = event_id or hinted_event(connection)
    roles = hinted_roles(connection)
    days = (
        [connection.cookies.get(day_cookie(role, event) or "") for role in roles] if event else []
    )
    lasts = [connection.cookies.get(session_cookie(role)) for role in roles]
    return [t for t in dict.fromkeys(days) if t], [t for t in dict.fromkeys(lasts) if t]


async def resolve_presented(
    services: Services, connection: HTTPConnection, event_id: str | None = None
) -> tuple[str, Actor] | None:
    """Who is asking, of the credentials the request presents, and by which secret; or None.

    For a meeting day (``event_id``, the address's, the hint): the first the server knows that is
    for that day or for every day (the organiser key), the day's cookies before the last
    sign-ins, whatever the roles' order (a laptop with the key and room B's moderator link opens
    room A's console as the key). When this browser has no cookie of that day at all, the first
    it knows (for another day: the route refuses it, and the room screen says it is signed in
    for another room); a day's cookie the server no longer knows (its link revoked) does not give
    way to another day's: the screen is told its link is gone."""
    event = event_id or hinted_event(connection)
    days, lasts = _presented(connection, event_id)
    if not lasts and len(days) == 1 and _bearer(connection):
        actor = await resolve_token(services, days[0])  # a script's own: as it is
        return None if actor is None else (days[0], actor)
    others: list[tuple[str, Actor]] = []
    for token in days + lasts:
        actor = await resolve_token(services, token)
        if actor is None:
            continue
        if event is None or actor.event_id in (None, event):
            return token, actor
        others.append((token, actor))
    return others[0] if others and not days else None


_EVENT_PATH = re.compile(r"^/(?:api/v1/events|ws/events)/([^/]+)")


def hinted_event(connection: HTTPConnection) -> str | None:
    """The meeting day a request is for: the one its address names (``/api/v1/events/{id}/…``,
    ``/ws/events/{id}``), else the one the face says (``X-Floorkeeper-Event``, ``?event=``)."""
    found = _EVENT_PATH.match(connection.url.path)
    if found:
        return event_hint(found.group(1))
    said = connection.headers.get(EVENT_HINT_HEADER) or connection.query_params.get(
        EVENT_HINT_PARAM
    )
    return event_hint(said)


def hinted_roles(connection: HTTPConnection) -> list[str]:
    """The roles a browser asks to act as (header or ``?as=``), else every role in order."""
    hint = (
        connection.headers.get(ROLE_HINT_HEADER)
        or connection.query_params.get(ROLE_HINT_PARAM)
        or ""
    )
    roles = [role.strip() for role in hint.split(",") if role.strip() in COOKIE_ORDER]
    return roles or list(COOKIE_ORDER)


#: The role hint's query parameter (``hinted_roles``): a socket's, and any request's.
ROLE_HINT_PARAM = "as"
#: The query parameters every route takes besides its own: the hints beside a browser's cookies.
HINT_PARAMS = (ROLE_HINT_PARAM, EVENT_HINT_PARAM)


async def known_query(request: Request) -> None:
    """Refuse a query parameter the route does not take (``422 invalid_request`` naming it and
    the ones it takes), as a body refuses a field it does not know: FastAPI would drop it, and a
    typo would run the other way, ``?dryrun=1`` importing a spreadsheet for real. The route's
    own parameters, its dependencies' included, and the hints (``HINT_PARAMS``) are taken."""
    route = request.scope.get("route")
    if getattr(route, "dependant", None) is None:
        return
    taken = query_names(route)
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in taken]
    if not unknown:
        return
    own = [name for name in taken if name not in HINT_PARAMS]
    takes = f"it takes {', '.join(own)}" if own else "it takes none of its own"
    hints = ", ".join(HINT_PARAMS)
    raise RequestValidationError(
        [
            {
                "loc": ("query", name),
                "msg": f"this route has no query parameter {name!r} ({takes}, and the browser's "
                f"hints {hints}): check its spelling, or leave it out",
                "type": "extra_forbidden",
            }
            for name in unknown
        ]
    )


def query_names(route: Any) -> tuple[str, ...]:
    """The query parameters a route reads, its dependencies' too (FastAPI's ``Dependant``), then
    the hints; as they are written in a URL (their aliases: ``format``). Found once per route and
    kept on it (a route is not hashable, and an id could be another route's in another app)."""
    known: tuple[str, ...] | None = getattr(route, "_floorkeeper_query_names", None)
    if known is not None:
        return known
    names: dict[str, None] = {}
    pending = [route.dependant]
    while pending:
        current = pending.pop()
        names.update(dict.fromkeys(field.alias for field in current.query_params))
        pending.extend(current.dependencies)
    known = (*names, *(name for name in HINT_PARAMS if name not in names))
    route._floorkeeper_query_names = known
    return known


async def resolve_token(services: Services, token: str) -> Actor | None:
    """The actor of a secret: inline when it is remembered, else with a query in a thread."""
    now = services.engine.clock()
    if services.auth.cached(token):
        return services.auth.resolve(token, now)
    return await asyncio.to_thread(services.auth.resolve, token, now)


async def resolve(services: Services, token: str) -> Actor:
    actor = await resolve_token(services, token)
    if actor is None:
        raise Unauthenticated("the token is unknown, revoked or expired")
    return actor


#: The secret as ``Authorization: Bearer <secret>`` (the organiser key, an access link's key,
#: a delegate's token): what API clients, scripts and Swagger UI's "Authorize" send.
BEARER = HTTPBearer(
    scheme_name="bearer",
    description="The organiser key, an access link's key or a delegate's token.",
    auto_error=False,
)
#: The HttpOnly session cookie of each role (``POST /api/v1/session``): what the faces send.
#: Swagger UI cannot set a cookie from a browser page: use the Bearer scheme there.
COOKIES = {
    role: APIKeyCookie(
        name=session_cookie(role),
        scheme_name=session_cookie(role),
        description=f"The {role}'s session cookie, set by POST /api/v1/session.",
        auto_error=False,
    )
    for role in COOKIE_ORDER
}


async def credential(request: Request, **_schemes: Any) -> str | None:
    """The secret the request presents (``presented_token``). Its parameters are the security
    schemes and the two hints a browser sends with its cookies, declared for the OpenAPI only
    (see the module's docstring): read here as the sockets read them."""
    return presented_token(request)


#: The hints a face sends beside its session cookies (a script sending a Bearer token needs
#: neither), declared on every route that reads a credential so the OpenAPI names them.
HINTS = {
    "role_hint": Header(
        None,
        alias=ROLE_HINT_HEADER,
        description=(
            "Browsers with session cookies only: the roles to act as, comma-separated "
            f"({', '.join(COOKIE_ORDER)}), in the order to try them; else every role in that "
            "order. A socket says it as `?as=`. Ignored with a Bearer token."
        ),
        examples=["moderator"],
    ),
    "event_hint": Header(
        None,
        alias=EVENT_HINT_HEADER,
        description=(
            "Browsers with session cookies only: the event (meeting day) the request is for, "
            "so that day's sign-in is used when this browser holds several; a route whose "
            "address names the event needs none. A socket says it as `?event=`. Ignored with a "
            "Bearer token."
        ),
        examples=["ev-2022-05-16"],
    ),
}


# FastAPI reads a dependency's parameters from its signature: one per scheme, made from the
# list of roles so that a new role's cookie is declared with it
credential.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter(
            "bearer", inspect.Parameter.KEYWORD_ONLY, annotation=Any, default=Security(BEARER)
        ),
        *(
            inspect.Parameter(
                f"{role}_cookie",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Any,
                default=Security(scheme),
            )
            for role, scheme in COOKIES.items()
        ),
        *(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=str | None, default=hint
            )
            for name, hint in HINTS.items()
        ),
    ],
    return_annotation=str | None,
)


async def optional_actor(
    request: Request, token: Annotated[str | None, Depends(credential)]
) -> Actor | None:
    """Who is asking, if anyone: a route that also answers without a credential (the OpenAPI
    marks its security optional: ``docs.optional_security``)."""
    if token is None:
        return None
    found = await resolve_presented(services_of(request), request)
    if found is None:
        raise Unauthenticated("the token is unknown, revoked or expired")
    return found[1]


async def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise Unauthenticated("authentication required: send Authorization: Bearer <token>")
    return actor


def client_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else "unknown"


#: The longest id a path may name: every id column is 32 characters (app/store/tables.py), and the
#: ids the server makes are shorter.
ID_LENGTH = 32


def id_in_reach(name: str, value: str) -> None:
    """A path's id (``segment_id``...) no longer than any id can be, else a 404 naming the limit,
    not the id, so no refusal echoes what was sent (a 10,000-character id read back whole). For
    the REST routes (``routes.ids_in_reach``) and the sockets' paths alike."""
    if len(value) > ID_LENGTH:
        raise NotFound(
            f"no {name.removesuffix('_id')} has an id of {len(value)} characters: an id is "
            f"at most {ID_LENGTH}; check the id (copy it again from the link or the answer "
            "that gave it)"
        )
