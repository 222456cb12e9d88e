"""Browser tests: Debian's chromium driven by Playwright, against a real server process."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Locator,
    Page,
    ViewportSize,
    sync_playwright,
)

from app import demo
from tests.e2e.server import Api, ServerProcess

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS: dict[str, ViewportSize] = {
    "moderator": {"width": 1440, "height": 900},
    "delegate": {"width": 360, "height": 740},
    "display": {"width": 1920, "height": 1080},
    "clock": {"width": 1180, "height": 820},
}


def dismissing_into(messages: list[str]) -> Callable[[Dialog], None]:
    """A ``page.on("dialog", ...)`` handler: keep each dialog's message, dismiss the dialog (a
    face must never need one; the tests assert none appeared)."""

    def dismiss(dialog: Dialog) -> None:
        messages.append(dialog.message)
        dialog.dismiss()

    return dismiss


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope, not session: sync Playwright keeps an event loop running while it is open,
    # which would stop the asyncio tests in other modules from running their own.
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (scripts/test installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path / "server.log", demo=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def faces(demo_server: ServerProcess) -> dict[str, Any]:
    """The demo hearing and a link to each face (each with its own fresh credential)."""
    api = Api(demo_server.base)
    (event,) = api.ok("GET", "/events")
    event_id = event["id"]
    moderator = api.ok("POST", f"/events/{event_id}/access-links", json={"role": "moderator"})
    display = api.ok("POST", f"/events/{event_id}/access-links", json={"role": "display"})
    clock = api.ok("POST", f"/events/{event_id}/access-links", json={"role": "display"})
    base = demo_server.base
    return {
        "api": api,
        "server": demo_server,
        "event": event,
        "moderator": f"{base}{moderator['url']}",
        "display": f"{base}{display['url']}",
        "clock": f"{base}/clock/{event_id}#key={clock['token']}",
        "delegate": f"{base}/join/{event['join_code']}",
    }


def open_face(browser: Browser, face: str, url: str, **context_options: Any) -> Page:
    """A page in its own browser context (its own cookies), at the face's viewport.

    Playwright's own waiting helpers evaluate strings, which the faces' CSP forbids, so test
    contexts bypass CSP; test_faces_csp.py checks the faces under the real policy.
    """
    context_options.setdefault("bypass_csp", True)
    context: BrowserContext = browser.new_context(viewport=VIEWPORTS[face], **context_options)
    page = context.new_page()
    page.goto(url)
    return page


def wait_live(page: Page) -> None:
    """Until the page's socket is live (its snapshot in, its updates flowing)."""
    page.wait_for_function(
        "() => window.floorConnection && window.floorConnection.status === 'live'"
    )


def with_lang(url: str, language: str) -> str:
    """A face's link (``…#key=``) opened in ``language``."""
    return url.replace("#key=", f"?lang={language}#key=")


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious


REMAINING_JS = """() => {
  const c = window.floorConnection;
  const timer = c.state.current.timer;
  const now = c.clock.now();
  const left = timer.state === 'running' ? timer.deadline_at - now : timer.remaining_ms;
  return {projected_end: performance.timeOrigin + performance.now() + left, left};
}"""


def projected_end(page: Page) -> float:
    """When this page thinks the speaker's time runs out, on the machine's own clock (ms)."""
    return float(page.evaluate(REMAINING_JS)["projected_end"])


def demo_day(api: Api, speakers_csv: bytes) -> dict[str, Any]:
    """The demo's meeting day set up through the API as the desk does it: the event, its
    programme in local times as typed, and the participants from the secretariat's spreadsheet."""
    event: dict[str, Any] = api.ok(
        "POST",
        "/events",
        json={
            "title": demo.TITLE,
            "venue": "United Nations Headquarters, New York",
            "room": "Conference Room 4",
            "timezone": demo.TIMEZONE,
            "date": demo.DATE,
        },
    )
    for position, (title, kind, start, end, aim, moderator) in enumerate(demo.PROGRAMME):
        body: dict[str, Any] = {"command_id": f"s{position}", "title": title, "kind": kind}
        body |= {"aim": aim, "moderator": moderator, "position": position}
        body |= {"scheduled_start_at": start, "scheduled_end_at": end}  # local times, as typed
        api.ok("POST", f"/events/{event['id']}/segments", json=body)
    files = {"file": ("speakers.csv", speakers_csv, "text/csv")}
    api.ok("POST", f"/events/{event['id']}/participants/import", files=files)
    return event


#: A contribution's author (name, organisation, constituency) and what they send (kind,
#: language, text).
Contribution = tuple[tuple[str, str, str], tuple[str, str, str]]


def contribute(
    faces: dict[str, Any], contributions: list[Contribution], segment_id: str, prefix: str
) -> None:
    """Each author joins with the event's join code and sends theirs with their own token, made
    during ``segment_id`` (command ids ``{prefix}-{n}``)."""
    event = faces["event"]
    for number, ((name, organisation, constituency), (kind, language, text)) in enumerate(
        contributions
    ):
        joined = faces["api"].ok(
            "POST",
            f"/events/{event['id']}/participants",
            json={
                "join_code": event["join_code"],
                "name": name,
                "organisation": organisation,
                "constituency": constituency,
            },
        )
        Api(faces["server"].base, joined["token"]).ok(
            "POST",
            f"/events/{event['id']}/contributions",
            json={
                "command_id": f"{prefix}-{number}",
                "kind": kind,
                "language": language,
                "text": text,
                "segment_id": segment_id,
            },
        )


# --- the console's tests: the demo day's segments, commands and state over the API ---------------

#: presses.js's GUARD_MS: a second press this soon after the first is a double tap's.
GUARD_MS = 500
#: A deliberate second press: after the guard, with a margin.
PAUSE_MS = GUARD_MS + 150


def segment_id(faces: dict[str, Any], index: int) -> str:
    """The id of the demo day's segment at ``index`` in its programme."""
    return str(faces["event"]["segments"][index]["id"])


def command(
    faces: dict[str, Any], segment: str, body: dict[str, Any] | None = None, **fields: Any
) -> None:
    """A command sent by the organiser over REST (``body`` and/or its fields), accepted."""
    response = faces["api"].command(segment, {**(body or {}), **fields})
    assert response.status_code == 200, response.text


def server_state(faces: dict[str, Any], segment: str) -> dict[str, Any]:
    """The segment's state as the server holds it now."""
    return dict(faces["api"].state(segment)["state"])


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll the server until ``check`` holds (a command's effect on the server)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the server never reached the expected state")
        time.sleep(0.05)


def after_the_guard(page: Page, armed: Locator) -> None:
    """Until a deliberate second press on ``armed`` confirms: presses.js's GUARD_MS since the
    press that armed it (``data-armed-at``, on performance.now()'s clock), with a margin."""
    page.wait_for_function(
        f"(button) => performance.now() - Number(button.dataset.armedAt) > {PAUSE_MS}",
        arg=armed.element_handle(),
    )
