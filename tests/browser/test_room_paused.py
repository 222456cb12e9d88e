"""The room display and the speaker clock say when the speaker's timer is paused, in their
language, in words (not only by the digits' colour), without moving anything on the screen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import wait_live, with_lang


def _opened(browser: Browser, url: str, width: int, height: int) -> Page:
    """A screen of this size in its own browser context (its own cookies)."""
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    page.goto(url)
    return page


def _box(locator: Locator) -> tuple[float, float, float]:
    """Where the time is drawn: its top, its height and its middle across (the digits change as
    they run; their line does not)."""
    box = locator.bounding_box()
    assert box is not None
    return round(box["y"]), round(box["height"]), round(box["x"] + box["width"] / 2)


def _apart(label: Locator, time: Locator) -> bool:
    """The label is not drawn over the digits: beside them (the display), or under them inside
    the time's own line (the clock: digits end at the baseline, about four fifths down a line
    1.2 em high, and have nothing below it)."""
    a, b = label.bounding_box(), time.bounding_box()
    assert a is not None and b is not None
    if label.evaluate("(node) => node.classList.contains('clock-timer-paused')"):
        inside = a["y"] + a["height"] <= b["y"] + b["height"] + 1
        return inside and a["y"] >= b["y"] + 0.8 * b["height"]
    return a["x"] >= b["x"] + b["width"] - 1 or a["x"] + a["width"] <= b["x"] + 1


def _on_screen(page: Page, node: Locator) -> bool:
    box, size = node.bounding_box(), page.viewport_size
    assert box is not None and size is not None
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


@pytest.mark.parametrize(
    ("language", "label", "size"),
    [("en", "Paused", (1920, 1080)), ("ar", "متوقف مؤقتًا", (1280, 720))],
)
def test_a_paused_timer_is_labelled_paused_on_the_display_and_the_clock(
    browser: Browser,
    faces: dict[str, Any],
    tmp_path: Path,
    language: str,
    label: str,
    size: tuple[int, int],
) -> None:
    api = faces["api"]
    segment_id = str(faces["event"]["segments"][1]["id"])
    api.command(segment_id, {"type": "start_segment"}).raise_for_status()
    width, height = size
    display = _opened(browser, with_lang(faces["display"], language), width, height)
    clock = _opened(browser, with_lang(faces["clock"], language), width, height)
    for page in (display, clock):
        wait_live(page)
    api.command(segment_id, {"type": "call_next"}).raise_for_status()
    expect(display.locator("#speaker-name")).to_have_text("Panellist 1")
    # not started yet: no label (the time is the whole turn's, not a paused one)
    for page in (display, clock):
        expect(page.locator("#timer-paused")).to_be_hidden()

    api.command(segment_id, {"type": "start_timer"}).raise_for_status()
    expect(display.locator("#remaining")).not_to_have_class("stopped")
    running = {
        "display": _box(display.locator("#remaining")),
        "clock": _box(clock.locator("#time")),
    }
    for page in (display, clock):
        expect(page.locator("#timer-paused")).to_be_hidden()

    api.command(segment_id, {"type": "pause_timer"}).raise_for_status()
    for page in (display, clock):
        expect(page.locator("#timer-paused")).to_be_visible()
        expect(page.locator("#timer-paused")).to_have_text(label)
    # the label takes no room of its own: the time stays where it was
    assert _box(display.locator("#remaining")) == running["display"]
    assert _box(clock.locator("#time")) == running["clock"]
    display.screenshot(path=str(tmp_path / f"display-paused-{language}-{height}.png"))
    clock.screenshot(path=str(tmp_path / f"clock-paused-{language}-{height}.png"))

    api.command(segment_id, {"type": "resume_timer"}).raise_for_status()
    for page in (display, clock):
        expect(page.locator("#timer-paused")).to_be_hidden()
    # paused in overtime, the longest time there is: the label still fits beside it
    api.command(segment_id, {"type": "adjust_time", "delta_ms": -400_000}).raise_for_status()
    api.command(segment_id, {"type": "pause_timer"}).raise_for_status()
    expect(display.locator("#remaining")).to_have_text(re.compile(r"^\+\d:\d\d$"))
    for page, time in ((display, "#remaining"), (clock, "#time")):
        expect(page.locator("#timer-paused")).to_be_visible()
        assert _apart(page.locator("#timer-paused"), page.locator(time))
        assert _on_screen(page, page.locator("#timer-paused"))
    display.screenshot(path=str(tmp_path / f"display-paused-overtime-{language}-{height}.png"))
    api.command(segment_id, {"type": "resume_timer"}).raise_for_status()

    # an interposed question's timer, paused: the label is about the turn on the floor
    interpose = {"type": "interpose", "kind": "question", "name": "Chen Wei"}
    api.command(segment_id, interpose).raise_for_status()
    expect(display.locator("#speaker-name")).to_have_text("Chen Wei")
    for page in (display, clock):
        expect(page.locator("#timer-paused")).to_be_hidden()  # its own timer has not started
