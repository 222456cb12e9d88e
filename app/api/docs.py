"""The API docs, from this server's own files: Swagger UI at ``/docs``, ReDoc at ``/redoc``.

FastAPI's own pages load their scripts from a CDN (without integrity) and the favicon from
fastapi.tiangolo.com, on the origin that holds the organiser's cookie, and are blank in a room
with no internet. Here the pages are ours and their assets come from a maintained package,
``fastapi-offline`` (MIT; pinned in pyproject.toml, its wheel's hash in requirements.lock), which
ships the built files of swagger-ui-dist and redoc: served from where pip put them, at
``/docs/assets/``, never copied into the repository. A Content-Security-Policy lets nothing else
run or load. ``create_app`` turns FastAPI's pages off (``docs_url=None, redoc_url=None``).

Only ``swagger-init.js`` (starts Swagger UI from a file, so no inline script) and ``docs.css``
are ours, in ``frontend/static/docs/``. There is no OAuth2 redirect page: the API's security
schemes are a Bearer token and session cookies (``deps.BEARER``, ``deps.COOKIES``), no OAuth2
flow that would come back to one.

The reference the OpenAPI cannot hold (commands, messages, error codes) is ``docs/protocol.md``,
served as it is at ``/docs/protocol.md`` (packaged into the wheel as ``app/docs/protocol.md``)
and linked from the API's description. Each operation says who may call it, from the one table
the security matrix checks (``access.ROUTES``): a line of its description and
``x-floorkeeper-roles``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from ..floor import Role
from .access import ANONYMOUS, ROUTES, Cell
from .deps import current_actor, optional_actor

router = APIRouter(include_in_schema=False)

#: The package's files: swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js.
PACKAGE_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
#: What fastapi-offline 1.7.7 ships (Swagger UI 5.x renders OpenAPI 3.1, which FastAPI emits;
#: 4.x does not). ``tests/security/test_offline_docs.py`` reads them in the files.
SWAGGER_UI_VERSION = "5.32.6"
REDOC_VERSION = "2.5.3"

ASSETS = "/docs/assets"
OURS = "/static/docs"
FAVICON = "/static/favicon.svg"

router.mount(ASSETS, StaticFiles(directory=PACKAGE_ASSETS), name="docs-assets")

#: Swagger UI: scripts and styles from this server only (no inline script, no eval, no inline
#: style); images are the server's or data: URIs (its icons); "Try it out" calls this origin.
SWAGGER_UI_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: ReDoc: scripts from this server only too, but it writes its styles as <style> elements
#: (styled-components) and builds its search index in a worker made from a blob. Its sidebar
#: asks for a Redocly logo from cdn.redoc.ly: img-src refuses it and ReDoc hides the image.
REDOC_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _page(body: str, policy: str = SWAGGER_UI_POLICY) -> HTMLResponse:
    return HTMLResponse(
        body, headers={"Content-Security-Policy": policy, "Cache-Control": "no-cache"}
    )


#: The wire protocol's reference: a built wheel holds it as ``app/docs/protocol.md``
#: (pyproject.toml's ``force-include``, as the faces and the migrations), a checkout (an
#: editable install) in ``docs/``.
PROTOCOL_PATH = "/docs/protocol.md"
#: Nothing in a Markdown file a browser shows as text should run or load.
TEXT_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


def protocol_file() -> Path:
    package = Path(__file__).resolve().parent.parent  # app/
    packaged = package / "docs" / "protocol.md"  # inside a built wheel
    if packaged.is_file():
        return packaged
    return package.parent / "docs" / "protocol.md"  # a source checkout


#: The API's description in the OpenAPI (``install`` sets it): where the rest of the reference
#: is, linked relative to the docs' pages (``/docs``, ``/redoc``), so a ``root_path`` keeps it.
DESCRIPTION = (
    "Real-time moderation of the floor of a live meeting. Commands, messages, error codes and "
    "the rules behind each route are documented in "
    f"[docs/protocol.md]({PROTOCOL_PATH.lstrip('/')}) (served by this server at "
    f"`{PROTOCOL_PATH}`, no internet needed); WebSockets at /ws/segments/{{segment_id}}, "
    "/ws/events/{event_id} and (the public live page, no key) /ws/live/{event_id}. Each "
    "operation says who may call it (`x-floorkeeper-roles`); a credential of another event is "
    "refused (403)."
)


@router.get(PROTOCOL_PATH)
async def protocol() -> FileResponse:
    """The wire protocol's reference, as Markdown, from this server's own files."""
    return FileResponse(
        protocol_file(),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Security-Policy": TEXT_POLICY, "Cache-Control": "no-cache"},
    )


def _openapi_url(request: Request) -> str:
    return str(request.scope.get("root_path", "")) + str(request.app.openapi_url)


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    root = escape(str(request.scope.get("root_path", "")))
    title = escape(f"{request.app.title} - Swagger UI")
    return _page(f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{root}{FAVICON}" type="image/svg+xml">
<link rel="stylesheet" href="{root}{ASSETS}/swagger-ui.css">
<link rel="stylesheet" href="{root}{OURS}/docs.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{escape(_openapi_url(request))}"></div>
<script src="{root}{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{root}{OURS}/swagger-init.js"></script>
</body>
</html>
""")


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc starts by itself on a ``<redoc spec-url>`` element; no Google Fonts."""
    root = escape(str(request.scope.get("root_path", "")))
    title = escape(f"{request.app.title} - ReDoc")
    return _page(
        f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{root}{FAVICON}" type="image/svg+xml">
<link rel="stylesheet" href="{root}{OURS}/docs.css">
</head>
<body>
<redoc spec-url="{escape(_openapi_url(request))}"></redoc>
<script src="{root}{ASSETS}/redoc.standalone.js"></script>
</body>
</html>
""",
        REDOC_POLICY,
    )


# --- the OpenAPI document ---------------------------------------------------------------------


def install(app: FastAPI) -> None:
    """The docs' pages and assets, the protocol's reference, and the OpenAPI document with its
    description, its optional security and who may call each operation."""
    app.include_router(router)
    app.description = DESCRIPTION
    app.openapi = _openapi(app)  # type: ignore[method-assign]


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's document (made once), with ``optional_security`` and ``who_may_call``
    applied."""
    made_by_fastapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = made_by_fastapi()
            routes = list(_routes(app.routes))
            optional_security(schema, routes)
            who_may_call(schema, routes)
        assert app.openapi_schema is not None
        return app.openapi_schema

    return openapi


#: The roles in the order the docs name them.
ROLE_ORDER: tuple[Cell, ...] = (*Role, ANONYMOUS)


def roles_line(allowed: frozenset[Cell]) -> str:
    """Who may call a route, as its description says it: the roles of its row in
    ``access.ROUTES``, in ``ROLE_ORDER``; "anyone" when no credential is needed."""
    if ANONYMOUS in allowed:
        return "Who may call it: anyone, no credential needed."
    return f"Who may call it: {', '.join(str(role) for role in ROLE_ORDER if role in allowed)}."


def who_may_call(schema: dict[str, Any], routes: Iterable[tuple[str, APIRoute]]) -> None:
    """Each operation's row of the role x route matrix (``access.ROUTES``, which
    ``tests/security/test_matrix.py`` checks cell by cell) written into it: the last line of its
    description, and ``x-floorkeeper-roles`` (the roles, ``anonymous`` for no credential)."""
    for prefix, route in routes:
        for method in sorted(route.methods or ()):
            operation = schema["paths"].get(prefix + route.path, {}).get(method.lower())
            allowed = ROUTES.get(f"{method} {prefix}{route.path}")
            if operation is None or allowed is None:
                continue
            said = operation.get("description", "").rstrip()
            line = roles_line(allowed)
            operation["description"] = f"{said}\n\n{line}" if said else line
            operation["x-floorkeeper-roles"] = [str(r) for r in ROLE_ORDER if r in allowed]


def optional_security(schema: dict[str, Any], routes: Iterable[tuple[str, APIRoute]]) -> None:
    """Mark with an empty requirement (``{}``: "or none") the security of the operations that
    also answer without a credential (they depend on ``optional_actor``, not ``current_actor``):
    a delegate joining with the join code. FastAPI has no way to say it."""
    for prefix, route in routes:
        calls = _calls(route.dependant)
        if optional_actor not in calls or current_actor in calls:
            continue
        for method in route.methods or ():
            operation = schema["paths"].get(prefix + route.path, {}).get(method.lower())
            if operation is not None and {} not in operation.setdefault("security", []):
                operation["security"].append({})


def _calls(dependant: Any) -> set[Any]:
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def _routes(routes: Iterable[Any], prefix: str = "") -> Iterable[tuple[str, APIRoute]]:
    """Every API route with the prefix it is served under, through included routers."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            yield prefix, route
