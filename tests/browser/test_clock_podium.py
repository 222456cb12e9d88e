"""The speaker clock as the podium reads it (outside probe C): a lost line said large and no
phase asserted meanwhile; the same screen before a segment, after one and reloaded; between
turns and before the timer starts; the speaker's floor language under the digits; the
interpreters' heading clear of the phase frame; the time the biggest thing on a phone; and what
the technician needs (the pointer hidden, full screen, a screen that may sleep)."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import open_face, wait_live, with_lang
from tests.e2e.server import Api

OFFLINE = "Not connected — the time may be wrong; ask the chair"


def _command(api: Api, segment_id: str, **body: Any) -> None:
    response = api.command(segment_id, body)
    assert response.status_code == 200, response.text


def _clock(browser: Browser, url: str, size: tuple[int, int] | None = None, init: str = "") -> Page:
    page = open_face(browser, "clock", url) if not init else None
    if page is None:
        context = browser.new_context(viewport={"width": 1180, "height": 820}, bypass_csp=True)
        context.add_init_script(init)
        page = context.new_page()
        page.goto(url)
    if size:
        page.set_viewport_size({"width": size[0], "height": size[1]})
    wait_live(page)
    return page


def _local(faces: dict[str, Any], instant_ms: int) -> str:
    """An instant as the room reads it: the event's time of day, 24 hours."""
    zone = ZoneInfo(faces["event"]["timezone"])
    return datetime.fromtimestamp(instant_ms / 1000, zone).strftime("%H:%M")


#: Every class the body takes and every phase word shown, from now on.
WATCH_JS = """() => {
  window.__seen = [];
  const body = document.body, phase = document.getElementById('phase');
  const note = () => window.__seen.push([body.className, phase.hidden ? '' : phase.textContent]);
  new MutationObserver(note).observe(body, { attributes: true, attributeFilter: ['class'] });
  new MutationObserver(note).observe(phase, { attributes: true, childList: true, subtree: true });
  note();
}"""


def test_a_clock_that_loses_its_line_says_so_large_and_asserts_no_overtime(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api = faces["api"]
    segment_id = str(faces["event"]["segments"][1]["id"])
    _command(api, segment_id, type="start_segment")
    _command(api, segment_id, type="call_next")
    _command(api, segment_id, type="adjust_time", delta_ms=-292_000)  # 8 s left
    clock = _clock(browser, faces["clock"], (1280, 720))
    _command(api, segment_id, type="start_timer")
    expect(clock.locator("#time")).to_have_text(re.compile(r"^0:0\d$"))
    expect(clock.locator("body")).to_have_class(re.compile(r"phase-danger"))

    clock.context.set_offline(True)
    # meanwhile the moderator gives two more minutes: the clock cannot know
    _command(api, segment_id, type="adjust_time", delta_ms=120_000)
    offline = clock.locator("#offline")
    expect(offline).to_be_visible(timeout=10_000)
    expect(clock.locator("#offline-line")).to_have_text(OFFLINE)
    expect(clock.locator("#offline-since")).to_have_text(
        re.compile(r"^Last known — no connection since \d\d:\d\d$")
    )
    clock.evaluate(WATCH_JS)
    # readable from the podium: as large as a name, not a 14 px strip
    size = float(
        clock.locator("#offline-line").evaluate("(n) => parseFloat(getComputedStyle(n).fontSize)")
    )
    assert size >= 30, size
    expect(clock.locator("#timer-stale")).to_have_text("No connection")
    expect(clock.locator("#phase")).to_be_hidden()
    # the time runs out on the clock's own reckoning: it stops at 0:00, no overtime is asserted
    expect(clock.locator("#time")).to_have_text("0:00", timeout=15_000)
    opacity = float(clock.locator("#time").evaluate("(n) => getComputedStyle(n).opacity"))
    assert opacity < 0.6, opacity
    seen = clock.evaluate("window.__seen")
    asserted = [
        entry
        for entry in seen
        if re.search(r"phase-(warning|danger|overtime)", entry[0]) or entry[1]
    ]
    assert asserted == [], asserted
    assert "Time is up" not in clock.locator("body").inner_text()

    clock.context.set_offline(False)
    expect(offline).to_be_hidden(timeout=10_000)
    expect(clock.locator("#time")).to_have_text(re.compile(r"^[12]:\d\d$"))
    expect(clock.locator("body")).to_have_class(re.compile(r"phase-normal"))
    expect(clock.locator("#timer-stale")).to_be_hidden()


def _what_comes_next(page: Page) -> list[str]:
    return [
        page.locator(selector).inner_text()
        for selector in ("#kicker", "#speaker", "#time-label", "#next")
    ]


def test_a_segment_not_started_says_what_comes_next_and_when_as_after_one_has_ended(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api = faces["api"]
    segments = faces["event"]["segments"]
    opening = str(segments[0]["id"])
    # the morning before the opening: nothing live, the clock follows the opening
    now = int(time.time() * 1000)
    later = now + 40 * 60_000
    _command(
        api,
        opening,
        type="update_segment",
        scheduled_start_at=later,
        scheduled_end_at=later + 3_600_000,
    )
    clock = _clock(browser, faces["clock"])
    expect(clock.locator("#kicker")).to_have_text("Next on the programme")
    expect(clock.locator("#speaker")).to_have_text(segments[0]["title"])
    expect(clock.locator("#time-label")).to_have_text("Time now")
    expect(clock.locator("#time")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(clock.locator("#next")).to_have_text(f"Starts at {_local(faces, later)}")
    # the programme runs late: a start already past is not "Starts at"
    earlier = now - 10 * 60_000
    _command(api, opening, type="update_segment", scheduled_start_at=earlier)
    expect(clock.locator("#next")).to_have_text(f"Was due at {_local(faces, earlier)}")

    # a segment ends: the clock left open and one opened afresh say the same
    _command(api, opening, type="start_segment")
    _command(api, opening, type="end_segment")
    expect(clock.locator("#speaker")).to_have_text(segments[1]["title"])
    fresh = _clock(browser, faces["clock"])
    expect(fresh.locator("#speaker")).to_have_text(segments[1]["title"])
    expect(clock.locator("#next")).to_have_text(re.compile(r"^Was due at \d\d:\d\d$"))
    assert _what_comes_next(fresh) == _what_comes_next(clock)
    assert "\u2013:\u2013\u2013" not in fresh.locator("#time").inner_text()  # the bare dash glyphs


def test_between_turns_and_before_the_timer_starts_the_clock_says_so_in_both_languages(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api = faces["api"]
    segment = faces["event"]["segments"][1]
    segment_id = str(segment["id"])
    _command(api, segment_id, type="start_segment")
    clock = _clock(browser, faces["clock"])
    # between turns: the segment, that the floor waits for the next speaker, the time of day
    expect(clock.locator("#kicker")).to_have_text(segment["title"])
    expect(clock.locator("#speaker")).to_have_text("Waiting for the next speaker")
    expect(clock.locator("#time-label")).to_have_text("Time now")
    expect(clock.locator("#time")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(clock.locator("#next")).to_have_text("Next: Panellist 1")

    # called, the timer not started: said under the digits
    _command(api, segment_id, type="call_next")
    expect(clock.locator("#time")).to_have_text("5:00")
    expect(clock.locator("#timer-idle")).to_be_visible()
    expect(clock.locator("#timer-idle")).to_have_text("Not started")
    _command(api, segment_id, type="start_timer")
    expect(clock.locator("#timer-idle")).to_be_hidden()

    # a speaker whose floor language is French, on an English clock: paused in both
    _command(api, segment_id, type="end_turn")
    guest = {"name": "Marie Dupont", "language": "fr", "position": 0}
    _command(api, segment_id, type="add_speaker", **guest)
    _command(api, segment_id, type="call_next")
    expect(clock.locator("#speaker")).to_have_text("Marie Dupont")
    said = clock.locator("#timer-said")
    expect(said).to_have_text("Non lancé")
    expect(said).to_have_attribute("lang", "fr")
    _command(api, segment_id, type="start_timer")
    _command(api, segment_id, type="pause_timer")
    expect(clock.locator("#timer-paused")).to_have_text("Paused")
    expect(said).to_have_text("En pause")
    expect(said).to_be_visible()
    # the page's title is the clock's language's
    assert clock.title() == "Floorkeeper — speaker clock"
    french = _clock(browser, with_lang(faces["clock"], "fr"))
    expect(french).to_have_title("Floorkeeper — chronomètre de l\u2019orateur")
    expect(french.locator("#timer-paused")).to_have_text("En pause")
    expect(french.locator("#timer-said")).to_be_hidden()  # the speaker's language is the clock's


#: The lines of the phase frames (the body's, the main column's ::after) that cross `selector`.
FRAME_OVER_JS = """(selector) => {
  const target = document.querySelector(selector).getBoundingClientRect();
  const crossing = [];
  for (const owner of [document.body, document.getElementById('clock-main')]) {
    const style = getComputedStyle(owner, '::after');
    if (style.content === 'none' || style.display === 'none') continue;
    const box = style.position === 'fixed'
      ? { left: 0, top: 0, right: innerWidth, bottom: innerHeight }
      : owner.getBoundingClientRect();
    const top = parseFloat(style.borderTopWidth), bottom = parseFloat(style.borderBottomWidth);
    const left = parseFloat(style.borderLeftWidth);
    const right = parseFloat(style.borderRightWidth);
    const bands = [
      [box.left, box.top, box.right, box.top + top],
      [box.left, box.bottom - bottom, box.right, box.bottom],
      [box.left, box.top, box.left + left, box.bottom],
      [box.right - right, box.top, box.right, box.bottom],
    ];
    for (const [l, t, r, b] of bands) {
      if (r - l <= 0 || b - t <= 0) continue;
      const crosses = target.left < r && target.right > l && target.top < b && target.bottom > t;
      if (crosses) crossing.push(owner.id || 'body');
    }
  }
  return crossing;
}"""


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_interpreters_heading_is_not_under_the_phase_frame(
    browser: Browser, faces: dict[str, Any], language: str
) -> None:
    api = faces["api"]
    segment_id = str(faces["event"]["segments"][1]["id"])
    _command(api, segment_id, type="start_segment")
    _command(api, segment_id, type="call_next")
    _command(api, segment_id, type="adjust_time", delta_ms=-280_000)  # 20 s left: amber
    _command(api, segment_id, type="start_timer")
    _command(api, segment_id, type="raise_signal", kind="slow_down", duration_s=600)
    clock = _clock(browser, with_lang(faces["clock"], language), (1280, 720))
    expect(clock.locator("#signals-box")).to_be_visible()
    for phase, delta_ms in (("warning", 0), ("danger", -12_000), ("overtime", -30_000)):
        if delta_ms:
            _command(api, segment_id, type="adjust_time", delta_ms=delta_ms)
        expect(clock.locator("body")).to_have_class(re.compile(rf"phase-{phase}"))
        assert clock.evaluate(FRAME_OVER_JS, "#signals-label") == [], phase
        assert clock.evaluate(FRAME_OVER_JS, "#next") == [], phase


#: The font size (px) of the time and of the biggest other words on the clock.
SIZES_JS = """() => {
  const size = (node) => parseFloat(getComputedStyle(node).fontSize);
  const time = size(document.getElementById('time'));
  let words = 0;
  for (const node of document.querySelectorAll('#signals-box *, #clock-main *')) {
    if (node.id === 'time' || node.closest('[hidden]') || !node.textContent.trim()) continue;
    if (node.closest('.clock-timer-marks')) continue;  // inside the time's own line
    words = Math.max(words, size(node));
  }
  return { time, words };
}"""


@pytest.mark.parametrize("size", [(360, 640), (390, 844), (844, 390)])
def test_on_a_phone_the_time_stays_the_biggest_thing_and_next_is_whole(
    browser: Browser, faces: dict[str, Any], size: tuple[int, int]
) -> None:
    api = faces["api"]
    segment_id = str(faces["event"]["segments"][1]["id"])
    _command(api, segment_id, type="start_segment")
    _command(api, segment_id, type="call_next")
    _command(api, segment_id, type="adjust_time", delta_ms=-310_000)  # in overtime
    _command(api, segment_id, type="start_timer")
    text = (
        "The Chair thanks you and kindly asks you to conclude your statement now, as many "
        "speakers are still waiting to take the floor."
    )
    _command(api, segment_id, type="set_message", text=text)
    _command(api, segment_id, type="raise_signal", kind="slow_down", duration_s=600)
    clock = _clock(browser, faces["clock"], size)
    clock.wait_for_function("() => document.fonts.status === 'loaded'")
    expect(clock.locator("#signals-box")).to_be_visible()
    expect(clock.locator("#message")).to_have_text(text)
    expect(clock.locator("#time")).to_have_text(re.compile(r"^\+\d:\d\d$"))
    expect(clock.locator("#next")).to_have_text("Next: Panellist 2")
    sizes = clock.evaluate(SIZES_JS)
    assert sizes["time"] >= 2.5 * sizes["words"], sizes
    # "Next" is whole, inside the main column and the screen
    whole = clock.evaluate(
        """() => {
          const next = document.getElementById('next').getBoundingClientRect();
          const main = document.getElementById('clock-main').getBoundingClientRect();
          return next.bottom <= Math.min(main.bottom, innerHeight) + 1 && next.top >= main.top - 1;
        }"""
    )
    assert whole


def test_the_technician_hides_the_pointer_goes_full_screen_and_is_told_the_screen_may_sleep(
    browser: Browser, faces: dict[str, Any]
) -> None:
    clock = _clock(browser, faces["clock"])
    time_box = clock.locator("#time")
    clock.mouse.move(300, 300)
    clock.mouse.move(320, 310)
    help_line = clock.locator("#help")
    expect(help_line).to_have_text("Full screen: double-click, or press F")
    expect(help_line).to_be_visible()
    assert time_box.evaluate("(n) => getComputedStyle(n).cursor") != "none"
    # still for three seconds: the pointer and the hint go
    expect(time_box).to_have_css("cursor", "none", timeout=8_000)
    expect(help_line).to_be_hidden()
    clock.mouse.move(400, 400)
    expect(time_box).not_to_have_css("cursor", "none")

    time_box.dblclick()
    clock.wait_for_function("() => document.fullscreenElement !== null")
    clock.keyboard.press("f")
    clock.wait_for_function("() => document.fullscreenElement === null")
    clock.keyboard.press("f")
    clock.wait_for_function("() => document.fullscreenElement !== null")
    # the screen is kept awake here: nothing said
    expect(clock.locator("#sleep")).to_be_hidden()

    # a browser with no Wake Lock, and one that refuses it: said, once, small
    for init in (
        "delete Navigator.prototype.wakeLock;",
        "navigator.wakeLock.request = () =>"
        " Promise.reject(new DOMException('no', 'NotAllowedError'));",
    ):
        sleepy = _clock(browser, faces["clock"], init=init)
        note = sleepy.locator("#sleep")
        expect(note).to_be_visible()
        expect(note).to_have_text("This screen may go to sleep: set its auto-lock to Never")
        font = float(note.evaluate("(n) => parseFloat(getComputedStyle(n).fontSize)"))
        assert font >= 12, font
