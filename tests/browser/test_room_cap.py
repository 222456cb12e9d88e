"""A room screen opened once too often on its link (FLOORKEEPER_CONNECTIONS_PER_TOKEN: a display
link serves the display and the speaker clock alike) says so in its language and what to do,
shows no time of day it does not know (the browser's zone is not the room's) and no broken QR
code, and comes up by itself once another screen on the link is closed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from app import demo
from tests.browser.conftest import wait_live, with_lang
from tests.e2e.server import Api, ServerProcess

#: The link's cap in these tests: two screens (the room's display and its clock).
CAP = 2
#: A browser in another zone than the event's (New York), as a technician's laptop may be.
BROWSER_ZONE = "Europe/Paris"
#: The slowest a refused screen asks again: every 10 s, and up to a fifth more (room.js).
RETRY_MS = 12_000


@pytest.fixture
def capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The demo hearing on a server whose links are capped at two screens, its discussion live
    with a speaker timed; a display link and a booth link."""
    monkeypatch.setenv("FLOORKEEPER_CONNECTIONS_PER_TOKEN", str(CAP))
    server = ServerProcess(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path / "server.log", demo=True)
    server.start()
    try:
        api = Api(server.base)
        (event,) = api.ok("GET", "/events")
        segment_id = str(event["segments"][1]["id"])
        for command in ({"type": "start_segment"}, {"type": "call_next"}, {"type": "start_timer"}):
            api.command(segment_id, command).raise_for_status()
        links = f"/events/{event['id']}/access-links"
        display = api.ok("POST", links, json={"role": "display"})
        booth = api.ok("POST", links, json={"role": "booth"})
        yield {
            "event": event,
            "display": f"{server.base}{display['url']}",
            "clock": f"{server.base}/clock/{event['id']}#key={display['token']}",
            "booth": f"{server.base}{booth['url']}",
        }
    finally:
        server.stop()


def _screen(browser: Browser, url: str, width: int = 1920, height: int = 1080) -> Page:
    """A screen in its own browser context (its own cookies), its clock in Paris."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, bypass_csp=True, timezone_id=BROWSER_ZONE
    )
    page = context.new_page()
    page.goto(url)
    return page


def _room_time() -> set[str]:
    """The time of day in the event's zone now, or a minute ago (the screen may have drawn it
    just before the minute turned)."""
    now = datetime.now(ZoneInfo(demo.TIMEZONE))
    return {moment.strftime("%H:%M") for moment in (now, now - timedelta(minutes=1))}


def test_a_display_over_its_links_cap_says_so_then_comes_up_by_itself(
    browser: Browser, capped: dict[str, Any], tmp_path: Path
) -> None:
    wall = _screen(browser, capped["display"])
    clock = _screen(browser, capped["clock"])
    for page in (wall, clock):
        wait_live(page)

    extra = _screen(browser, capped["display"])
    refused = extra.locator("#refused")
    expect(refused).to_be_visible()
    expect(refused.get_by_role("heading")).to_have_text("This link is open on too many screens")
    expect(refused).to_contain_text(
        "Close one of them, or make another display link on the organiser\u2019s desk"
    )
    expect(refused).to_contain_text("comes up by itself once one is closed")
    # nothing it does not know: no time of day (the browser's would be Paris's), no QR code
    expect(extra.locator("#time-of-day")).to_have_text("")
    expect(extra.locator("#join")).to_be_hidden()
    expect(extra.locator("#qr")).to_be_hidden()
    expect(extra.locator("#connection")).to_be_hidden()  # the refusal says more
    extra.screenshot(path=str(tmp_path / "display-over-cap-1080.png"))
    extra.set_viewport_size({"width": 1280, "height": 720})
    expect(refused).to_be_in_viewport(ratio=1)
    extra.screenshot(path=str(tmp_path / "display-over-cap-720.png"))

    # the wall's display is closed: the extra screen comes up by itself, at its slow pace
    wall.context.close()
    expect(refused).to_be_hidden(timeout=RETRY_MS + 5_000)
    expect(extra.locator("#speaker-name")).to_have_text("Panellist 1")
    assert extra.locator("#time-of-day").inner_text() in _room_time()  # New York's, not Paris's
    expect(extra.locator("#qr")).to_be_visible()
    assert extra.locator("#qr").evaluate("(image) => image.complete && image.naturalWidth > 0")
    expect(clock.locator("#refused")).to_be_hidden()  # the open screens were never touched


def test_a_clock_and_a_booth_over_their_links_cap_say_so_in_their_language(
    browser: Browser, capped: dict[str, Any], tmp_path: Path
) -> None:
    for url in (capped["display"], capped["clock"], capped["booth"], capped["booth"]):
        wait_live(_screen(browser, url))

    clock = _screen(browser, with_lang(capped["clock"], "ar"), 1280, 720)
    refused = clock.locator("#refused")
    expect(refused).to_be_visible()
    expect(clock.locator("html")).to_have_attribute("dir", "rtl")
    expect(refused.get_by_role("heading")).to_have_text("هذا الرابط مفتوح على شاشات كثيرة جدًا")
    expect(refused).to_contain_text("أنشئ رابط شاشة آخر من مكتب المنظِّم")
    clock.screenshot(path=str(tmp_path / "clock-over-cap-ar.png"))

    booth = _screen(browser, with_lang(capped["booth"], "fr"), 1280, 720)
    refused = booth.locator("#refused")
    expect(refused).to_be_visible()
    expect(refused.get_by_role("heading")).to_have_text(
        "Ce lien est ouvert sur trop d\u2019\u00e9crans"
    )
    expect(refused).to_contain_text("créez un autre lien de cabine")
    for button in booth.locator(".signal-button").all():
        expect(button).to_be_disabled()
    booth.screenshot(path=str(tmp_path / "booth-over-cap-fr.png"))
