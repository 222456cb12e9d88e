"""A face whose line is lost claims nothing about the speaker's time that the server has not said
(outside probe B, 2026-12-07: a room display off the Wi-Fi counted a speaker the chair had
paused into red overtime, "+0:25", in front of the room; the console and the phone the same).

As the speaker clock already did (test_clock_podium.py): a few seconds after the line goes, the
time goes on as it was known, dimmed, with no amber, red or overtime, stopping at 0:00; the
display says "No connection" where "Paused" goes and since when; the console says "No
connection"; the phone's turn is not told its time is up, and its "Live" badge is greyed. Live
again, each shows the server's time at once.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import open_face, screenshot, wait_live
from tests.browser.test_delegate import join
from tests.e2e.server import Api

#: Every class the display's and the console's timers take from now on, and the phone's clock's.
WATCH_JS = """(selector) => {
  window.__seen = [];
  const node = document.querySelector(selector);
  const note = () => window.__seen.push(node.className);
  new MutationObserver(note).observe(node, { attributes: true, attributeFilter: ['class'] });
  note();
}"""

PHASES = re.compile(r"phase-(warning|danger|overtime)")


def _command(api: Api, segment_id: str, **body: Any) -> None:
    api.command(segment_id, body).raise_for_status()


def _asserted(page: Page) -> list[str]:
    return [seen for seen in page.evaluate("window.__seen") if PHASES.search(seen)]


def test_off_the_line_the_display_console_and_phone_count_into_no_overtime(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = str(faces["event"]["segments"][1]["id"])
    _command(api, segment_id, type="start_segment")
    display = open_face(browser, "display", faces["display"])
    console = open_face(browser, "moderator", faces["moderator"])
    phone = open_face(browser, "delegate", faces["delegate"])
    try:
        join(phone)
        _command(api, segment_id, type="call_next")
        _command(api, segment_id, type="adjust_time", delta_ms=-292_000)  # 8 s left
        _command(api, segment_id, type="start_timer")
        wait_live(display)
        wait_live(phone)
        expect(console.locator("#connection-status")).to_have_text("Live")
        expect(display.locator("#remaining")).to_have_class(re.compile(r"phase-danger"))
        expect(console.locator("#timer")).to_have_class(re.compile(r"phase-danger"))
        expect(phone.locator(".now-clock")).to_have_class(re.compile(r"phase-danger"))

        for page in (display, console, phone):
            page.context.set_offline(True)
        # meanwhile another console pauses the speaker: none of the three can know it
        _command(api, segment_id, type="pause_timer")
        paused = api.state(segment_id)["state"]["current"]["timer"]["remaining_ms"]
        expect(display.locator("#timer-stale")).to_be_visible(timeout=10_000)
        expect(display.locator("#timer-stale")).to_have_text("No connection")
        # whole in its frame beside the time (outside probe: "NO / CONNECTIO", cut)
        assert display.locator("#timer-stale").evaluate("(n) => n.scrollWidth <= n.clientWidth")
        display.screenshot(path="/tmp/line_lost_display.png")
        expect(display.locator("#stale-notice")).to_have_text(
            re.compile(r"^Last known — no connection since \d\d:\d\d$")
        )
        expect(console.locator("#timer")).to_have_class(re.compile(r"phase-offline"))
        expect(phone.locator(".now-clock")).to_have_class(re.compile(r"phase-offline"))
        # nor a green "Live" for the segment, as last known
        expect(phone.locator("#segment-badge")).to_have_class(re.compile(r"badge-stale"))
        display.evaluate(WATCH_JS, "#remaining")
        console.evaluate(WATCH_JS, "#timer")
        phone.evaluate(WATCH_JS, ".now-clock")
        # the time runs out on each page's own reckoning: it stops at 0:00, no overtime said
        expect(display.locator("#remaining")).to_have_text("0:00", timeout=15_000)
        expect(console.locator("#timer")).to_have_text("0:00", timeout=5_000)
        expect(phone.locator(".now-clock")).to_have_text("0:00", timeout=5_000)
        # a second past zero on every page's clock: still 0:00, still no phase
        display.wait_for_function(
            "() => window.floorConnection.clock.now()"
            " > window.floorConnection.state.current.timer.deadline_at + 1500"
        )
        for page, selector in ((display, "#remaining"), (console, "#timer"), (phone, ".now-clock")):
            expect(page.locator(selector)).to_have_text("0:00")
            assert _asserted(page) == [], (selector, _asserted(page))
        assert "Overtime" not in display.locator("body").inner_text()
        expect(console.locator("#timer-facts")).to_contain_text("No connection")
        expect(console.locator("#timer-facts")).not_to_contain_text("over time")
        expect(display.locator("#timer-paused")).to_be_hidden()  # nor "Paused": not known
        # said large in the strip's place: the strip no longer covers it at the screen's foot
        expect(display.locator("#connection")).to_be_hidden()
        notice, size = display.locator("#stale-notice").bounding_box(), display.viewport_size
        assert notice is not None and size is not None
        assert notice["y"] + notice["height"] <= size["height"], notice
        screenshot(display, "display-line-lost")
        screenshot(console, "console-line-lost")

        # the line back: the server's time, paused, at once
        for page in (display, console, phone):
            page.context.set_offline(False)
        seconds = -(-paused // 1000)
        shown = f"{seconds // 60}:{seconds % 60:02d}"
        expect(display.locator("#remaining")).to_have_text(shown, timeout=10_000)
        expect(display.locator("#timer-paused")).to_be_visible()
        expect(display.locator("#timer-stale")).to_be_hidden()
        expect(display.locator("#stale-notice")).to_be_hidden()
        expect(console.locator("#timer")).to_have_text(shown, timeout=10_000)
        expect(console.locator("#timer")).not_to_have_class(re.compile(r"phase-offline"))
        expect(phone.locator(".now-clock")).to_have_text(shown, timeout=10_000)
        expect(phone.locator("#segment-badge")).not_to_have_class(re.compile(r"badge-stale"))
    finally:
        for page in (display, console, phone):
            page.context.close()
