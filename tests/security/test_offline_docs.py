"""The API docs without the internet (second round, finding 12): ``/docs`` and ``/redoc`` come
from this server, their assets from the pinned ``fastapi-offline`` package (issue 14), under a
Content-Security-Policy, and render in Chromium with every request that would leave the server
refused."""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Request, Route

from app.api import docs
from tests.browser.conftest import browser, screenshot
from tests.e2e.server import ORGANISER_KEY, ServerProcess

from .conftest import AppFactory

__all__ = ["browser"]  # the browser fixture of tests/browser, used by name

PAGES = ("/docs", "/redoc")
ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "frontend" / "static" / "docs"
CONTENT_TYPES = {".js": "javascript", ".css": "text/css", ".svg": "image/svg+xml"}


class References(HTMLParser):
    """Every URL a page names (src, href, ReDoc's spec-url, data-*-url), and its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.inline_script = ""
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
            if value and (name in ("src", "href", "spec-url") or name.endswith("-url")):
                self.urls.append(value)
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_script += data.strip()


def _references(html: str) -> References:
    parser = References()
    parser.feed(html)
    parser.close()
    return parser


def _policy(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


@pytest.mark.parametrize("path", PAGES)
def test_a_docs_page_names_nothing_outside_the_server(make_client: AppFactory, path: str) -> None:
    response = make_client().get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert not re.search(r"https?:|//[^/]", html.replace("<!doctype html>", "")), html
    page = _references(html)
    assert page.urls, "the page names its assets"
    for url in page.urls:
        assert url.startswith("/") and not url.startswith("//"), url
    # nothing for script-src 'self' to refuse: external scripts only, no handler attributes
    assert page.scripts and all(script.get("src") for script in page.scripts)
    assert page.inline_script == "" and page.handlers == []


@pytest.mark.parametrize("path", PAGES)
def test_a_docs_page_carries_a_content_security_policy(make_client: AppFactory, path: str) -> None:
    header = make_client().get(path).headers["content-security-policy"]
    policy = _policy(header)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert not re.search(r"https?:|\*", header), header
    if path != "/redoc":  # ReDoc writes <style> elements; Swagger UI needs nothing inline
        assert policy["style-src"] == ["'self'"]


@pytest.mark.parametrize("path", PAGES)
def test_the_assets_a_docs_page_names_are_served(make_client: AppFactory, path: str) -> None:
    client = make_client()
    for url in _references(client.get(path).text).urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if url == "/openapi.json":
            assert response.json()["openapi"].startswith("3.1")
            continue
        suffix = Path(url).suffix
        assert CONTENT_TYPES[suffix] in response.headers["content-type"], url
        assert len(response.content) > 0


def test_fastapi_s_own_pages_are_off(make_client: AppFactory) -> None:
    """The pages are ours: nothing in them comes from FastAPI's CDN defaults."""
    client = make_client()
    for path in ("/docs", "/redoc"):
        html = client.get(path).text
        assert "cdn.jsdelivr.net" not in html and "fastapi.tiangolo.com" not in html
        assert "fonts.googleapis.com" not in html


def test_the_protocol_reference_comes_from_this_server(make_client: AppFactory) -> None:
    """The API's description links ``docs/protocol.md``: served here from the server's own copy
    (no internet), as Markdown a browser shows as text, under a policy that lets nothing in it
    run or load."""
    client = make_client()
    description = client.get("/openapi.json").json()["info"]["description"]
    assert "](docs/protocol.md)" in description and not re.search(r"https?:", description)
    served = client.get(docs.PROTOCOL_PATH)
    assert served.status_code == 200
    assert served.headers["content-type"] == "text/markdown; charset=utf-8"
    assert served.text == (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    policy = _policy(served.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "sandbox" in policy


def test_the_assets_are_the_pinned_package_s_not_copies_in_the_repository() -> None:
    """Swagger UI and ReDoc come from fastapi-offline as pip installed it (pinned in
    pyproject.toml, its wheel's hashes in requirements.lock), at the versions docs.py names;
    the repository holds only our own two files."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    (pinned,) = re.findall(r'"fastapi-offline==([0-9.]+)"', pyproject)
    assert importlib.metadata.version("fastapi-offline") == pinned
    lock = (ROOT / "requirements.lock").read_text()
    assert re.search(rf"^fastapi-offline=={re.escape(pinned)} \\\n +--hash=sha256:", lock, re.M)
    assets = docs.PACKAGE_ASSETS
    bundle = (assets / "swagger-ui-bundle.js").read_text(encoding="utf-8")
    assert f'PACKAGE_VERSION:"{docs.SWAGGER_UI_VERSION}"' in bundle
    assert docs.SWAGGER_UI_VERSION.startswith("5.")  # 4.x cannot render OpenAPI 3.1
    redoc = (assets / "redoc.standalone.js").read_text(encoding="utf-8")
    assert f'" ReDoc Version: ","{docs.REDOC_VERSION}"' in redoc
    assert (assets / "swagger-ui.css").is_file()
    assert sorted(path.name for path in OURS.iterdir()) == ["docs.css", "swagger-init.js"]
    digests = {hashlib.sha256(path.read_bytes()).hexdigest() for path in assets.iterdir()}
    faces = [path for path in (ROOT / "frontend").rglob("*") if path.is_file()]
    in_faces = {hashlib.sha256(path.read_bytes()).hexdigest() for path in faces}
    assert not digests & in_faces, "a copy of the package's files is in frontend/"


# --- in Chromium, offline -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        process = ServerProcess(f"sqlite:///{folder / 'docs.db'}", folder / "server.log")
        process.start()
        try:
            yield process
        finally:
            process.stop()


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_render_offline_in_chromium(
    browser: Browser, server: ServerProcess, path: str
) -> None:
    """Under the page's real policy (no bypass), with every request off the server aborted and
    recorded, the page renders the API's operations."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    escaped: list[str] = []
    refused: list[str] = []
    errors: list[str] = []

    def only_this_server(route: Route, request: Request) -> None:
        if request.url.startswith(f"{server.base}/"):
            route.continue_()
        else:
            escaped.append(request.url)
            route.abort()

    def policy_refusals(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.route("**/*", only_this_server)
    page.on("console", policy_refusals)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{server.base}{path}")
        # Swagger UI renders the whole document (every operation now says who may call it):
        # on a loaded 2-core CI machine that took over 20 s once; a wait, not a sleep
        page.get_by_text("/api/v1/health", exact=True).first.wait_for(timeout=60_000)
        if path == "/docs":
            page.get_by_text("/api/v1/events/{event_id}/segments", exact=True).first.wait_for()
            screenshot(page, "api-docs")
    finally:
        context.close()
    assert escaped == [], f"requests left the server: {escaped}"
    assert errors == []
    if path == "/redoc":
        # its sidebar's Redocly logo (cdn.redoc.ly): refused by img-src, never requested
        refused = [text for text in refused if "cdn.redoc.ly/redoc/logo-mini.svg" not in text]
    assert refused == [], refused


def test_authorize_with_a_bearer_token_then_try_it_out(
    browser: Browser, server: ServerProcess
) -> None:
    """Swagger UI's "Authorize" (the OpenAPI's ``bearer`` scheme), offline: the organiser key
    typed once, then "Try it out" on GET /api/v1/events sends it and shows the 200."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    sent: list[str | None] = []

    def only_this_server(route: Route, request: Request) -> None:
        if not request.url.startswith(f"{server.base}/"):
            route.abort()
            return
        if request.url == f"{server.base}/api/v1/events":
            sent.append(request.headers.get("authorization"))
        route.continue_()

    page.route("**/*", only_this_server)
    try:
        page.goto(f"{server.base}/docs")
        page.locator("button.authorize").first.click()
        bearer = page.locator(".auth-container").filter(has_text="(http, Bearer)")
        bearer.locator("#auth-bearer-value").fill(ORGANISER_KEY)
        bearer.get_by_role("button", name="Apply credentials").click()
        bearer.get_by_text("Authorized").wait_for()
        bearer.get_by_role("button", name="Close").click()
        operation = page.locator(".opblock-get").filter(
            has=page.locator(".opblock-summary-path[data-path='/api/v1/events']")
        )
        operation.locator(".opblock-summary").click()
        operation.get_by_role("button", name="Try it out").click()
        operation.get_by_role("button", name="Execute").click()
        status = operation.locator(".live-responses-table tr.response .response-col_status").first
        status.wait_for(timeout=20_000)
        assert status.inner_text().strip() == "200"
        status.scroll_into_view_if_needed()
        screenshot(page, "api-docs-authorized")
    finally:
        context.close()
    assert sent == [f"Bearer {ORGANISER_KEY}"]
