"""The room display during the lunch break (probe finding 7): not "Now speaking … The floor will
open shortly" under an invitation to "scan to request the floor", but the break's title, large,
and when the meeting resumes (the next segment's scheduled start, in the event's zone); the join
code stays, to join. Back to the speakers once the next segment starts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import with_lang


def _opened(browser: Browser, url: str, width: int, height: int) -> Page:
    """A screen of this size in its own browser context, in another zone than the event's."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        bypass_csp=True,
        timezone_id="Europe/Paris",
    )
    page = context.new_page()
    page.goto(url)
    return page


def _on_screen(page: Page, selector: str) -> None:
    """The node is drawn whole inside the screen (nothing cut by its edge)."""
    box, size = page.locator(selector).bounding_box(), page.viewport_size
    assert box is not None and size is not None
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= size["width"] + 1, box
    assert box["y"] + box["height"] <= size["height"] + 1, box


@pytest.mark.parametrize(
    ("language", "size", "words"),
    [
        # the demo's day is past (2022): the meeting was due to resume then (a break to come:
        # test_a_break_to_come_turns_due_on_every_room_screen_as_its_end_passes)
        ("en", (1920, 1080), ("Break", "Was due to resume at 15:00", "Scan to join")),
        ("en", (1280, 720), ("Break", "Was due to resume at 15:00", "Scan to join")),
        (
            "ar",
            (1920, 1080),
            ("استراحة", "كان من المقرر الاستئناف الساعة 15:00", "امسح الرمز للانضمام"),
        ),
        (
            "fr",
            (1280, 720),
            ("Pause", "La reprise était prévue à 15:00", "Scannez pour rejoindre l\u2019audition"),
        ),
    ],
)
def test_the_display_shows_the_break_and_when_it_resumes(
    browser: Browser,
    faces: dict[str, Any],
    tmp_path: Path,
    language: str,
    size: tuple[int, int],
    words: tuple[str, str, str],
) -> None:
    api = faces["api"]
    segments = faces["event"]["segments"]
    lunch, after = str(segments[2]["id"]), str(segments[3]["id"])
    assert segments[2]["kind"] == "break"
    api.command(lunch, {"type": "start_segment"}).raise_for_status()
    display = _opened(browser, with_lang(faces["display"], language), *size)
    label, resumes, join = words

    pause = display.locator("#break")
    expect(pause).to_be_visible()
    expect(display.locator("#break-label")).to_have_text(label)
    expect(display.locator("#break-title")).to_have_text("Lunch Break")
    expect(display.locator("#break-resumes")).to_have_text(resumes)  # New York's 15:00
    # no speaker's place, no "floor opens shortly", no invitation to ask for the floor
    expect(display.locator("#now")).to_be_hidden()
    expect(display.locator("#notice")).to_be_hidden()
    expect(display.locator("#join-label")).to_have_text(join)
    expect(display.locator("#qr")).to_be_visible()
    expect(display.locator("#next-box")).to_be_hidden()  # nobody is next in a break
    _on_screen(display, "#break-title")
    _on_screen(display, "#break-resumes")
    _on_screen(display, "#join")
    if language == "en":
        text = display.locator("body").inner_text()
        assert "request the floor" not in text.lower() and "Now speaking" not in text
    display.screenshot(path=str(tmp_path / f"display-break-{language}-{size[0]}.png"))

    # the break ends and the discussion after it starts: the speakers, and the invitation, are back
    api.command(lunch, {"type": "end_segment"}).raise_for_status()
    api.command(after, {"type": "start_segment"}).raise_for_status()
    expect(pause).to_be_hidden()
    expect(display.locator("#now")).to_be_visible()
    expect(display.locator("#next-box")).to_be_visible()
    if language == "en":
        expect(display.locator("#join-label")).to_have_text("Scan to request the floor")
        expect(display.locator("#now-label")).to_have_text("Now speaking")
    display.context.close()


def test_a_break_with_nothing_after_it_says_no_time(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """A break the programme names no segment after (the day's last): its title, no time made up."""
    api = faces["api"]
    event_id = faces["event"]["id"]
    body = {"command_id": "late", "title": "Reception", "kind": "break", "position": 99}
    created = api.ok("POST", f"/events/{event_id}/segments", json=body)
    segment_id = str(created["id"])
    api.command(segment_id, {"type": "start_segment"}).raise_for_status()
    display = _opened(browser, faces["display"], 1280, 720)
    expect(display.locator("#break-title")).to_have_text("Reception")
    expect(display.locator("#break-resumes")).to_be_hidden()
    expect(display.locator("#join-label")).to_have_text("Scan to join")
    display.context.close()


@pytest.mark.parametrize(
    ("language", "resumes"),
    [("en", "Was due to resume at 15:00"), ("ar", "كان من المقرر الاستئناف الساعة 15:00")],
)
def test_the_speaker_clock_shows_the_break_and_when_it_resumes(
    browser: Browser, faces: dict[str, Any], language: str, resumes: str
) -> None:
    """The podium's clock in the lunch break: the break's title where the speaker's name goes
    and when the meeting resumes (New York's 15:00, the browser in Paris), not a bare dash
    (outside probe, 2026-12-06)."""
    api = faces["api"]
    lunch = str(faces["event"]["segments"][2]["id"])
    api.command(lunch, {"type": "start_segment"}).raise_for_status()
    clock = _opened(browser, with_lang(faces["clock"], language), 1280, 720)
    expect(clock.locator("#speaker")).to_have_text("Lunch Break")
    expect(clock.locator("#next")).to_have_text(resumes)
    # the time of day where the speaker's time goes (the event's, 24-hour), not a bare dash
    expect(clock.locator("#time")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    _on_screen(clock, "#next")
    _on_screen(clock, "#time")
    clock.context.close()


def test_the_booth_shows_the_break_and_when_it_resumes(
    browser: Browser, faces: dict[str, Any], tmp_path: Path
) -> None:
    """The interpreters' booth in the lunch break: the break and when the meeting resumes, in
    its language, not "No one is speaking" (outside probe, 2026-12-06)."""
    api = faces["api"]
    event_id = faces["event"]["id"]
    lunch = str(faces["event"]["segments"][2]["id"])
    api.command(lunch, {"type": "start_segment"}).raise_for_status()
    link = api.ok("POST", f"/events/{event_id}/access-links", json={"role": "booth"})
    booth = _opened(browser, with_lang(f"{faces['server'].base}{link['url']}", "zh"), 1280, 720)
    expect(booth.locator(".booth-break-title")).to_have_text("Lunch Break")
    expect(booth.locator(".booth-break")).to_contain_text("15:00")
    expect(booth.locator(".booth-empty")).to_have_count(0)
    expect(booth.locator("#now-label")).to_have_text("休息")
    expect(booth.locator("#next-box")).to_be_hidden()
    booth.screenshot(path=str(tmp_path / "booth-break-zh.png"))
    booth.context.close()


def test_a_break_to_come_turns_due_on_every_room_screen_as_its_end_passes(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """A lunch that runs over: the display, the speaker clock and the booth say "Resumes at"
    while the next segment's start is to come, and "Was due to resume at" the same time once it
    has passed, without a reload, as the live page does (outside probe L, known gap)."""
    api = faces["api"]
    event_id = faces["event"]["id"]
    segments = faces["event"]["segments"]
    lunch, after = str(segments[2]["id"]), str(segments[3]["id"])
    api.command(lunch, {"type": "start_segment"}).raise_for_status()
    link = api.ok("POST", f"/events/{event_id}/access-links", json={"role": "booth"})
    screens = {
        "display": (_opened(browser, faces["display"], 1280, 720), "#break-resumes"),
        "clock": (_opened(browser, faces["clock"], 1280, 720), "#next"),
        "booth": (
            _opened(browser, f"{faces['server'].base}{link['url']}", 1280, 720),
            ".booth-break p:not(.booth-break-title)",
        ),
    }
    try:
        for page, where in screens.values():  # each live, the past demo day's time said
            expect(page.locator(where).first).to_have_text("Was due to resume at 15:00")
        # the segment after the lunch now starts in a few seconds
        start = api.state(lunch)["server_time"] + 10_000
        body = {
            "command_id": "after-lunch-soon",
            "scheduled_start_at": start,
            "scheduled_end_at": start + 3_600_000,
        }
        api.ok("PATCH", f"/segments/{after}", json=body)
        times = {}
        for name, (page, where) in screens.items():
            said = page.locator(where).first
            expect(said).to_have_text(re.compile(r"^Resumes at \d\d:\d\d$"))
            times[name] = said.inner_text().removeprefix("Resumes at ")
        assert len(set(times.values())) == 1, times  # one time, the event's
        at = times["display"]
        for page, where in screens.values():
            expect(page.locator(where).first).to_have_text(
                f"Was due to resume at {at}", timeout=20_000
            )
    finally:
        for page, _ in screens.values():
            page.context.close()
