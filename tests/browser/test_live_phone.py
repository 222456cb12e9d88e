"""The public live page followed from a phone far away (outside probe L): at 200 % text on a
small phone it reads without scrolling sideways, the time left whole on the first screen and the
titles not squeezed to a few letters a line; its times say whose they are (the event's zone); a
page whose line is down says since when its floor is, while its time of day runs on; a break
past its scheduled end says the meeting was due to resume, not that it resumes; the timer loses
its name with its speaker; an Arabic page's clamped English title keeps its "…" inside the
header."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from .test_languages import dictionaries, used_keys
from .test_live import _live, _open, _publish, discussion, live_url

__all__ = ["discussion", "live_url"]  # the fixtures, used by name

WORDS = dictionaries()
ZONE = "America/New_York"  # the demo's (app/demo.py)
PHONES: list[ViewportSize] = [{"width": 390, "height": 844}, {"width": 360, "height": 740}]

#: What a reader at 200 % meets on the first screen, scrolled to the top.
GEOMETRY = """() => {
  window.scrollTo(0, 0);
  const box = (id) => {
    const node = document.getElementById(id);
    if (!node || !node.checkVisibility()) return null;
    const r = node.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
            cut: node.scrollWidth > node.clientWidth + 1};
  };
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth, innerHeight,
    remaining: box('remaining'), segment: box('segment-title'), event: box('event-title'),
    clock: box('time-of-day'), zone: box('time-zone'), badge: box('live-badge'),
    bar: box('connection'),
  };
}"""

#: The words of each name (the speaker's, the next speakers') that a line break cuts in two.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const node of document.querySelectorAll('#speaker-name, .next-name')) {
    const text = node.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) continue;
    for (const match of text.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


def _large_text(page: Page) -> None:
    page.evaluate("document.documentElement.style.fontSize = '200%'")


def _check_phone(page: Page, where: tuple[str, str]) -> None:
    g = page.evaluate(GEOMETRY)
    width, height = g["innerWidth"], g["innerHeight"]
    assert g["scrollWidth"] <= width, (where, "scrolls sideways", g)
    remaining = g["remaining"]
    assert remaining is not None, (where, g)
    # the time left whole, and on the first screen
    assert remaining["left"] >= 0 and remaining["right"] <= width, (where, remaining)
    assert not remaining["cut"], (where, remaining)
    # on the first screen, not under the "Reconnecting…" bar fixed at its foot
    foot = g["bar"]["top"] if g["bar"] else height
    assert remaining["bottom"] <= foot, (where, "time left below the first screen", remaining, foot)
    # the titles have the width of the screen, or near it, not a few letters a line
    for title in ("segment", "event"):
        assert g[title]["width"] >= 0.6 * width, (where, title, g[title])
    # the time of day, its zone and the badge are on screen, whole
    for part in ("clock", "zone", "badge"):
        assert g[part] is not None, (where, part)
        assert g[part]["left"] >= 0 and g[part]["right"] <= width, (where, part, g[part])
        assert g[part]["bottom"] <= height, (where, part, g[part])
    assert page.evaluate(BROKEN_WORDS) == [], where


def _speaking_and_published(faces: dict[str, Any], discussion: str) -> None:
    """The discussion's first speaker called, their time running, the live page published."""
    api = faces["api"]
    api.command(discussion, {"type": "call_next"}).raise_for_status()
    api.command(discussion, {"type": "start_timer"}).raise_for_status()
    _publish(faces, True)


@pytest.mark.parametrize("viewport", PHONES, ids=lambda v: f"{v['width']}x{v['height']}")
def test_at_200_percent_on_a_phone_the_time_left_is_whole_on_the_first_screen(
    browser: Browser,
    faces: dict[str, Any],
    discussion: str,
    live_url: str,
    viewport: ViewportSize,
) -> None:
    _speaking_and_published(faces, discussion)
    page = _open(browser, f"{live_url}?lang=en", viewport, timezone_id="Asia/Tokyo")
    try:
        for language in ("en", "fr", "ar"):
            page.goto(f"{live_url}?lang={language}")
            _live(page)
            _large_text(page)
            expect(page.locator("#speaker-name")).to_have_text("Panellist 1")
            expect(page.locator("#remaining")).to_have_text(re.compile(r"^[45]:\d\d$"))
            _check_phone(page, (language, "live"))
            # overtime's longer clock fits too
            page.evaluate(
                "() => { const c = window.floorConnection;"
                " c.state.current.timer.deadline_at = c.clock.now() - 754000; }"
            )
            expect(page.locator("#remaining")).to_have_text(re.compile(r"^\+12:3\d$"))
            _check_phone(page, (language, "overtime"))
            # the line down: the badge's longer words wrap, nothing goes sideways
            page.context.set_offline(True)
            expect(page.locator("#live-badge")).to_have_text(WORDS[language]["live.offline"])
            _check_phone(page, (language, "offline"))
            page.context.set_offline(False)
    finally:
        page.context.close()


def test_the_times_say_they_are_the_events_zone_in_each_language(
    browser: Browser, faces: dict[str, Any], discussion: str, live_url: str
) -> None:
    _publish(faces, True)
    page = _open(browser, live_url, PHONES[0], timezone_id="Asia/Tokyo")  # far from New York
    try:
        for language in ("en", "fr", "ar", "zh", "ru", "es"):
            page.goto(f"{live_url}?lang={language}")
            _live(page)
            zone = page.locator("#time-zone")
            expect(zone).to_be_visible()
            said = WORDS[language]["live.time_zone"].replace("{zone}", ZONE)
            expect(zone).to_have_text(said)
            # the zone's id reads left to right in an Arabic sentence, isolated
            name = zone.locator("bdi")
            expect(name).to_have_text(ZONE)
            expect(name).to_have_attribute("dir", "ltr")
            # a screen reader meets it right after the time of day it names
            order = page.evaluate(
                "() => { const clock = document.getElementById('time-of-day');"
                " const zone = document.getElementById('time-zone');"
                " return Boolean(clock.compareDocumentPosition(zone)"
                " & Node.DOCUMENT_POSITION_FOLLOWING); }"
            )
            assert order
            assert zone.get_attribute("aria-hidden") is None
            # the time of day is New York's, not Tokyo's
            shown = page.locator("#time-of-day").inner_text()
            assert shown == _new_york_now() or shown == _new_york_now(-60), shown
    finally:
        page.context.close()
    used = set(used_keys("room"))
    for key in ("live.time_zone", "live.last_updated", "display.was_due_to_resume_at"):
        assert ("live.js", key) in used, key


def _new_york_now(shift_s: int = 0) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromtimestamp(time.time() + shift_s, ZoneInfo(ZONE)).strftime("%H:%M")


def test_while_its_line_is_down_it_says_since_when_and_its_clock_runs_on(
    browser: Browser, faces: dict[str, Any], discussion: str, live_url: str
) -> None:
    _speaking_and_published(faces, discussion)
    page = _open(browser, f"{live_url}?lang=fr", PHONES[0], timezone_id="Asia/Tokyo")
    try:
        _live(page)
        as_of = page.locator("#as-of")
        expect(as_of).to_be_hidden()  # live: nothing is old
        clock = page.locator("#time-of-day")
        expect(clock).to_have_text(re.compile(r"^\d\d:\d\d$"))
        page.context.set_offline(True)  # the browser knows: "Offline", not the server blamed
        expect(page.locator("#live-badge")).to_have_text(WORDS["fr"]["live.offline"])
        at = clock.inner_text()
        expect(as_of).to_be_visible()
        expect(as_of).to_have_text(WORDS["fr"]["live.last_updated"].replace("{time}", at))
        expect(as_of.locator("[dir=ltr]")).to_have_text(at)
        remaining = page.locator("#remaining").inner_text()
        # two hours of the server's time pass: the time of day runs on, the floor stays as of
        # when the line went down, and says so
        page.evaluate("window.floorConnection.clock.offset += 2 * 3600 * 1000")
        later = _shift(at, 120)
        expect(clock).to_have_text(re.compile(f"^({later}|{_shift(at, 121)})$"))
        expect(as_of).to_have_text(WORDS["fr"]["live.last_updated"].replace("{time}", at))
        expect(page.locator("#remaining")).to_have_text(remaining)
        page.context.set_offline(False)
        expect(page.locator("#live-badge")).to_have_text(WORDS["fr"]["live.badge"], timeout=5000)
        expect(as_of).to_be_hidden()
    finally:
        page.context.close()


def _shift(hhmm: str, minutes: int) -> str:
    hours, mins = map(int, hhmm.split(":"))
    total = (hours * 60 + mins + minutes) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def test_a_break_past_its_end_says_it_was_due_to_resume_and_the_timer_loses_its_name(
    browser: Browser, faces: dict[str, Any], discussion: str, live_url: str
) -> None:
    api = faces["api"]
    _speaking_and_published(faces, discussion)
    lunch = faces["event"]["segments"][2]
    pages = {
        language: _open(browser, f"{live_url}?lang={language}", PHONES[0])
        for language in ("en", "ar")
    }
    try:
        for page in pages.values():
            _live(page)
            expect(page.locator("#remaining")).to_have_attribute(
                "aria-label", re.compile(r"\d:\d\d$")
            )
        # the break, the meeting due to resume in a few seconds (the next segment's start, as
        # the room display says it)
        after = faces["event"]["segments"][3]
        server_now = api.state(discussion)["server_time"]
        end = server_now + 6000
        api.ok(
            "PATCH",
            f"/segments/{after['id']}",
            json={
                "command_id": "after-lunch-soon",
                "scheduled_start_at": end,
                "scheduled_end_at": end + 3_600_000,
            },
        )
        api.command(lunch["id"], {"type": "start_segment"}).raise_for_status()
        for language, page in pages.items():
            expect(page.locator("#segment-title")).to_have_text(lunch["title"])
            # no one speaks: the timer has no name left to say ("Overtime +1:15")
            expect(page.locator("#remaining")).to_have_text("")
            assert page.locator("#remaining").get_attribute("aria-label") is None
            resumes = page.locator("#notice .live-resumes")
            at = page.locator("#notice .live-resumes [dir=ltr]").inner_text()
            to_come = WORDS[language]["display.resumes_at"].replace("{time}", at)
            expect(resumes).to_have_text(to_come)
        # its end passes: said again, as past, without a reload
        for language, page in pages.items():
            resumes = page.locator("#notice .live-resumes")
            was = WORDS[language]["display.was_due_to_resume_at"].replace("{time}", at)
            expect(resumes).to_have_text(was, timeout=8000)
            expect(page.locator("#notice .live-resumes [dir=ltr]")).to_have_text(at)
        # the demo's own break, years ago (2022): due, not to come
        api.ok(
            "PATCH",
            f"/segments/{after['id']}",
            json={"command_id": "after-lunch-back", "scheduled_start_at": "15:00"},
        )
        english = pages["en"].locator("#notice .live-resumes")
        expect(english).to_have_text("Was due to resume at 15:00")
    finally:
        for page in pages.values():
            page.context.close()


@pytest.mark.parametrize("large", [False, True], ids=["100%", "200%"])
def test_an_arabic_pages_clamped_english_title_keeps_its_ellipsis_inside_the_header(
    browser: Browser, faces: dict[str, Any], discussion: str, live_url: str, large: bool
) -> None:
    _publish(faces, True)
    page = _open(browser, f"{live_url}?lang=ar", PHONES[0])
    try:
        _live(page)
        if large:
            _large_text(page)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        edges = page.evaluate(
            """() => {
              const header = document.getElementById('live-header');
              const style = getComputedStyle(header);
              const box = header.getBoundingClientRect();
              const title = document.getElementById('event-title');
              return {
                left: box.left + parseFloat(style.paddingLeft),
                right: box.right - parseFloat(style.paddingRight),
                title: title.getBoundingClientRect().toJSON(),
                clamped: title.scrollHeight > title.clientHeight + 2,
              };
            }"""
        )
        assert edges["clamped"], edges  # the demo's long English title is cut with "…"
        # the title's box (its "…" drawn inside it) within the header's padding
        assert edges["title"]["right"] <= edges["right"] + 0.5, edges
        assert edges["title"]["left"] >= edges["left"] - 0.5, edges
        # a whole English title keeps no room for a "…": aligned with the rest, on the right
        lunch = faces["event"]["segments"][2]
        faces["api"].command(lunch["id"], {"type": "start_segment"}).raise_for_status()
        expect(page.locator("#segment-title")).to_have_text(lunch["title"])
        text_right = page.evaluate(
            "() => { const range = document.createRange();"
            " range.selectNodeContents(document.getElementById('segment-title'));"
            " return Math.max(...[...range.getClientRects()].map((r) => r.right)); }"
        )
        assert abs(text_right - edges["right"]) <= 2, (text_right, edges)
    finally:
        page.context.close()
