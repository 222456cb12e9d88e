"""Shared pieces of the transports: the services, who is asking, and what they may touch."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fastapi import Request
from starlette.requests import HTTPConnection

from ..auth import COOKIE_ORDER, ROLE_HINT_HEADER, Authenticator, session_cookie
from ..config import Settings
from ..engine import Engine
from ..floor import Actor
from ..limits import Throttle
from ..policy import Unauthenticated
from .sockets import OpenSockets


@dataclass
class Services:
    engine: Engine
    auth: Authenticator
    settings: Settings
    throttle: Throttle
    sockets: OpenSockets


def services_of(connection: HTTPConnection) -> Services:
    services: Services = connection.app.state.services
    return services


def presented_token(connection: HTTPConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    for role in hinted_roles(connection):
        cookie = connection.cookies.get(session_cookie(role))
        if cookie:
            return cookie
    return None


def hinted_roles(connection: HTTPConnection) -> list[str]:
    """The roles a browser asks to act as (header or ``?as=``), else every role in order."""
    hint = connection.headers.get(ROLE_HINT_HEADER) or connection.query_params.get("as") or ""
    roles = [role.strip() for role in hint.split(",") if role.strip() in COOKIE_ORDER]
    return roles or list(COOKIE_ORDER)


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


async def optional_actor(request: Request) -> Actor | None:
    token = presented_token(request)
    return None if token is None else await resolve(services_of(request), token)


async def current_actor(request: Request) -> Actor:
    actor = await optional_actor(request)
    if actor is None:
        raise Unauthenticated("authentication required: send Authorization: Bearer <token>")
    return actor


def client_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else "unknown"
