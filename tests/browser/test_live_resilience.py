"""The public live page when the timer is paused and when its line is down, and the floor
language read as words (outside probe E)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, expect

from .test_live import PHONE, _live, _open, _publish, discussion, live_url
from .test_room_screens import speakers_of_the_hearing

__all__ = ["discussion", "live_url"]  # the fixtures, used by name


def test_the_live_page_says_paused_and_stops_counting_while_its_line_is_down(
    browser: Browser, faces: dict[str, Any], discussion: str, live_url: str
) -> None:
    api = faces["api"]
    speakers_of_the_hearing(faces, discussion)  # Amina Diallo has the floor, speaking French
    api.command(discussion, {"type": "start_timer"}).raise_for_status()
    _publish(faces, True)
    live = _open(browser, live_url, PHONE)
    try:
        _live(live)
        expect(live.locator("#speaker-name")).to_have_text("Amina Diallo")
        # the floor language is read as words, not as "F R"
        expect(live.get_by_role("img", name="Floor language: French")).to_have_text("FR")

        # paused: said, as the display says it
        paused = live.locator("#timer-paused")
        expect(paused).to_be_hidden()
        api.command(discussion, {"type": "pause_timer"}).raise_for_status()
        expect(paused).to_be_visible()
        expect(paused).to_have_text("Paused")
        api.command(discussion, {"type": "resume_timer"}).raise_for_status()
        expect(paused).to_be_hidden()

        # offline: at once not "live", and the speaker's time stands still
        remaining = live.locator("#remaining")
        expect(remaining).to_have_text(re.compile(r"^[45]:\d\d$"))
        badge = live.locator("#live-badge")
        expect(badge).to_have_text("Live")
        live.context.set_offline(True)
        expect(badge).to_have_text("Offline", timeout=2000)
        expect(live.get_by_role("status").filter(has_text="Reconnecting…")).to_be_visible()
        shown = remaining.inner_text()
        since = live.evaluate("window.floorConnection.clock.now()")
        live.wait_for_function(  # two seconds of the server's time pass
            "(since) => window.floorConnection.clock.now() > since + 2100", arg=since
        )
        expect(remaining).to_have_text(shown)

        # back online: live again at once, and counting
        live.context.set_offline(False)
        expect(badge).to_have_text("Live", timeout=3000)
        expect(remaining).not_to_have_text(shown)
        expect(live.locator("#connection")).to_be_hidden()
    finally:
        live.context.close()
