"""The acceptance scenario: four faces at their viewports run one turn together, through a
server crash, with a hostile name on every screen."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from .conftest import (
    PAUSE_MS,
    assert_accessible,
    dismissing_into,
    open_face,
    projected_end,
    screenshot,
)

HOSTILE = "<img src=x onerror=alert(1)>"


def _clock_text(ms: int) -> str:
    seconds = -(-ms // 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _console_live(page: Page) -> None:
    expect(page.locator("#connection-status")).to_have_text("Live", timeout=15_000)


def _screen_live(page: Page) -> None:
    page.wait_for_function(
        "() => window.floorConnection && window.floorConnection.status === 'live'",
        timeout=15_000,
    )


def test_four_faces_run_a_turn_together_and_survive_a_crash(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api, server = faces["api"], faces["server"]
    segment_id = faces["event"]["segments"][0]["id"]  # the opening segment: three speakers queued
    api.command(segment_id, {"type": "start_segment"}).raise_for_status()
    dialogs: list[str] = []
    pages = {
        face: open_face(browser, face, faces[face])
        for face in ("moderator", "display", "clock", "delegate")
    }
    for page in pages.values():
        page.on("dialog", dismissing_into(dialogs))
    moderator, display, clock, delegate = (
        pages[f] for f in ("moderator", "display", "clock", "delegate")
    )
    _console_live(moderator)
    _screen_live(display)
    _screen_live(clock)

    # a delegate joins on the phone (with a name that is an attack) and asks for the floor
    delegate.get_by_label("Your name").fill(HOSTILE)
    delegate.get_by_label("Organisation (optional)").fill("Migrant Forum in Asia")
    delegate.get_by_label("Stakeholder constituency").select_option("migrant_association")
    delegate.get_by_role("button", name="Join", exact=True).click()
    delegate.get_by_role("button", name="Request the floor").click()
    expect(delegate.locator("#status-cards")).to_contain_text("Request sent")

    # the moderator approves it to the top of the queue and calls the speaker
    request = moderator.locator("#requests li").filter(has_text=HOSTILE)
    request.get_by_label(re.compile("place in the queue")).fill("1")
    request.get_by_role("button", name=re.compile("^Approve")).click()
    expect(delegate.locator("#status-cards")).to_contain_text("You are next")
    moderator.locator("#btn-next").click()
    expect(moderator.locator("#speaker-name")).to_have_text(HOSTILE)
    moderator.locator("#btn-toggle").click()  # start

    # within a second the display and the clock show the speaker and agree on the time
    expect(display.locator("#speaker-name")).to_have_text(HOSTILE, timeout=3000)
    expect(clock.locator("#speaker")).to_have_text(HOSTILE, timeout=3000)
    expect(display.locator("#remaining")).to_have_text(re.compile(r"^[23]:\d\d$"), timeout=3000)
    expect(clock.locator("#time")).to_have_text(re.compile(r"^[23]:\d\d$"), timeout=3000)
    assert abs(projected_end(display) - projected_end(clock)) < 200
    expect(delegate.locator("#status-cards")).to_contain_text("You are speaking")
    for page in pages.values():
        assert page.locator("img[src='x']").count() == 0

    # pause on the console freezes both screens on the same figure (a second press on Start/Pause
    # within presses.js's guard is a double click's: a moderator's pause, then the press)
    moderator.wait_for_timeout(PAUSE_MS)
    moderator.locator("#btn-toggle").click()
    expect(moderator.locator("#btn-toggle")).to_contain_text("Resume")
    frozen = api.state(segment_id)["state"]["current"]["timer"]["remaining_ms"]
    for locator in (display.locator("#remaining"), clock.locator("#time")):
        expect(locator).to_have_text(_clock_text(frozen), timeout=3000)

    # a message appears on the speaker's clock
    moderator.get_by_role("button", name="Please conclude").click()
    expect(clock.locator("#message")).to_have_text("Please conclude", timeout=3000)
    moderator.wait_for_timeout(PAUSE_MS)
    moderator.locator("#btn-toggle").click()  # resume
    expect(moderator.locator("#btn-toggle")).to_contain_text("Pause")
    for name, page in pages.items():
        screenshot(page, f"scenario-{name}")
    for page in pages.values():
        assert_accessible(page)

    # the server is killed and restarted: every page recovers by itself, without a reload
    before = api.state(segment_id)
    server.kill9()
    expect(moderator.locator("#connection-status")).to_have_text(re.compile("Reconnecting"))
    expect(display.locator("#connection")).to_be_visible()
    server.start()
    _console_live(moderator)
    _screen_live(display)
    _screen_live(clock)
    expect(delegate.locator("#connection")).to_be_hidden(timeout=15_000)
    after = api.state(segment_id)
    assert after["version"] == before["version"]
    deadline = after["state"]["current"]["timer"]["deadline_at"]
    assert deadline == before["state"]["current"]["timer"]["deadline_at"]
    for page in (display, clock):
        assert abs(projected_end(page) - deadline) < 200

    # call next moves everyone on (proving every page is live again, not just reconnected)
    moderator.locator("#btn-next").click()
    expect(display.locator("#speaker-name")).to_have_text("H.E. Mr. Abdulla Shahid", timeout=2000)
    expect(clock.locator("#speaker")).to_have_text("H.E. Mr. Abdulla Shahid", timeout=2000)
    expect(moderator.locator("#speaker-name")).to_have_text("H.E. Mr. Abdulla Shahid")
    expect(delegate.locator("#status-cards")).to_contain_text("Thank you")
    speeches = api.ok("GET", f"/segments/{segment_id}/speeches")
    assert [s["name"] for s in speeches] == [HOSTILE]
    assert dialogs == []
