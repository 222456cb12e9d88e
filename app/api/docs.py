"""The API docs, from this server's own files: Swagger UI at ``/docs``, ReDoc at ``/redoc``.

FastAPI's own pages load their scripts from a CDN (without integrity) and the favicon from
fastapi.tiangolo.com, on the origin that holds the organiser's cookie, and are blank in a room
with no internet. Here the pages are ours, the assets are vendored in ``frontend/static/docs/``
(versions and checksums in its ``VENDORED.md``), and a Content-Security-Policy lets nothing else
run or load. ``create_app`` turns FastAPI's pages off (``docs_url=None, redoc_url=None``).
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

#: Vendored from the npm registry (swagger-ui-dist renders OpenAPI 3.1, which FastAPI emits).
SWAGGER_UI_VERSION = "5.35.0"
REDOC_VERSION = "2.5.4"

ASSETS = "/static/docs"
FAVICON = "/static/favicon.svg"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"

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
<link rel="stylesheet" href="{root}{ASSETS}/docs.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{escape(_openapi_url(request))}"
     data-oauth2-redirect-url="{root}{OAUTH2_REDIRECT}"></div>
<script src="{root}{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{root}{ASSETS}/swagger-init.js"></script>
</body>
</html>
""")


@router.get(OAUTH2_REDIRECT)
async def swagger_ui_oauth2_redirect(request: Request) -> HTMLResponse:
    """Swagger UI's return page for OAuth2 flows (the API has none; kept for the UI's sake)."""
    root = escape(str(request.scope.get("root_path", "")))
    return _page(f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Swagger UI: OAuth2 redirect</title></head>
<body>
<script src="{root}{ASSETS}/oauth2-redirect.js"></script>
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
<link rel="stylesheet" href="{root}{ASSETS}/docs.css">
</head>
<body>
<redoc spec-url="{escape(_openapi_url(request))}"></redoc>
<script src="{root}{ASSETS}/redoc.standalone.js"></script>
</body>
</html>
""",
        REDOC_POLICY,
    )
