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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

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
    """The docs' pages and assets, and the OpenAPI document with its optional security."""
    app.include_router(router)
    app.openapi = _openapi(app)  # type: ignore[method-assign]


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's document (made once), with ``optional_security`` applied."""
    made_by_fastapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            optional_security(made_by_fastapi(), _routes(app.routes))
        assert app.openapi_schema is not None
        return app.openapi_schema

    return openapi


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
