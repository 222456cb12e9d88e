"""The organiser's desk at 200 % zoom (a 1280 px laptop at 200 %: a window 640 CSS px wide,
drawn at twice the pixels), in English and in Arabic (outside probe P, findings 5 and 9), in
Chromium against a real server: an import's refused row says why where it is seen, with nothing
to scroll sideways; the event's details in the top bar are read whole, not cut with "…"; a
notice never lies over a link just made (the desk keeps the room the notices take free, and the
focus above them); a date in a hint is never broken at its hyphens.

The expected words are read from the dictionaries. Screenshots to look at go to /tmp/deskfix."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.test_desk_keyboard_focus import press, shot
from tests.browser.test_desk_languages import AR, EN
from tests.browser.test_desk_setup import api, choose, make_event, server
from tests.e2e.server import ORGANISER_KEY, Api, ServerProcess

__all__ = ["api", "server"]  # the fixtures, used by name

ZOOMED: ViewportSize = {"width": 640, "height": 400}  # 1280 x 800 at 200 %
BAD_ROW = "Name,Organisation,Constituency\nAna Ruiz,Cáritas,Civil societies\nBo Li,Uni,Academia\n"


def zoomed(
    browser: Browser, server: ServerProcess, event: dict[str, Any], section: str, lang: str
) -> Page:
    context = browser.new_context(viewport=ZOOMED, device_scale_factor=2, locale="en-GB")
    page = context.new_page()
    query = f"section={section}&event={event['id']}&lang={lang}"
    page.goto(f"{server.base}/organiser?{query}#key={ORGANISER_KEY}")
    expect(page.locator(f"#section-{section}")).to_be_visible()
    return page


def overlap(page: Page, a: str, b: str) -> float:
    """How many CSS px of the first element matching `a` lie under the first matching `b`."""
    return float(
        page.evaluate(
            """([a, b]) => {
              const one = document.querySelector(a).getBoundingClientRect();
              const two = document.querySelector(b).getBoundingClientRect();
              const w = Math.min(one.right, two.right) - Math.max(one.left, two.left);
              const h = Math.min(one.bottom, two.bottom) - Math.max(one.top, two.top);
              return w > 0 && h > 0 ? w * h : 0;
            }""",
            [a, b],
        )
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_refused_rows_problem_is_seen_without_scrolling_sideways(
    browser: Browser, server: ServerProcess, api: Api, language: str
) -> None:
    event = make_event(api, f"Zoomed import {language}")
    page = zoomed(browser, server, event, "participants", language)
    choose(page, "bad.csv", BAD_ROW.encode())
    refused = page.locator('#import-rows tr[data-status="refused"]')
    expect(refused).to_have_count(1)
    problem = refused.locator(".problems li")
    expect(problem).to_contain_text("Civil societies")
    wrap = page.locator(".import-table-wrap")
    sizes = wrap.evaluate("(w) => [w.scrollWidth, w.clientWidth]")
    assert sizes[0] <= sizes[1] + 1, f"the preview scrolls sideways: {sizes}"
    box = wrap.bounding_box()
    seen = problem.bounding_box()
    assert box and seen
    assert box["x"] - 1 <= seen["x"] and seen["x"] + seen["width"] <= box["x"] + box["width"] + 1
    # under its row's name, before the row's other cells
    name = refused.locator("td").nth(2).bounding_box()
    assert name and name["y"] < seen["y"]
    problem.scroll_into_view_if_needed()
    shot(page, f"zoom-import-{language}")
    page.context.close()


def test_the_events_details_in_the_top_bar_are_read_whole(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = make_event(
        api,
        "Hearing on Oceans, Migration and the Sustainable Development Goals — Day 2",
        room="Salle XX (Human Rights and Alliance of Civilizations Room)",
        venue="Palais des Nations, Geneva",
        date="2027-06-17",
        timezone="Europe/Zurich",
    )
    page = zoomed(browser, server, event, "event", "en")
    meta = page.locator("#event-meta")
    expect(meta).to_contain_text("Europe/Zurich")
    for where in ("#event-title", "#event-meta"):
        cut = page.evaluate(
            "(s) => { const e = document.querySelector(s); return e.scrollWidth > e.clientWidth }",
            where,
        )
        assert not cut, f"{where} is cut off"
    # the date whole, on one line (its parts never apart at a hyphen)
    lines = page.evaluate(
        """() => [...document.querySelectorAll('#event-meta bdi')]
          .filter((b) => b.textContent === '2027-06-17').map((b) => b.getClientRects().length)"""
    )
    assert lines == [1], lines
    shot(page, "zoom-header-en")
    page.context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_notice_never_lies_over_a_link_just_made(
    browser: Browser, server: ServerProcess, api: Api, language: str
) -> None:
    event = make_event(api, f"Zoomed links {language}", room="Salle XX", date="2027-06-17")
    page = zoomed(browser, server, event, "links", language)
    page.locator("#mint-role").select_option("display")
    press(page.locator("#mint-submit"))
    card = page.locator(".minted-card")
    expect(card).to_have_count(1)
    expect(page.locator("#notices .notice")).to_have_count(1)
    urls = card.locator(".minted-url")
    expect(urls.first).to_be_focused()
    assert overlap(page, ":focus", "#notices") == 0, "the notice lies over the focused link"
    shot(page, f"zoom-minted-{language}")
    # the keyboard on to the speaker clock's link: above the notice too
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(urls.nth(1)).to_be_focused()
    assert overlap(page, ":focus", "#notices") == 0, "the notice lies over the clock's link"
    shot(page, f"zoom-minted-clock-{language}")
    # scrolled to its end, the card's last line is above the notice (the room is kept free)
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    last = ".minted-card .door:last-child .door-actions"
    assert overlap(page, last, "#notices") == 0, "the notice lies over the card's end"
    page.context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_date_in_a_hint_is_never_broken_at_its_hyphens(
    browser: Browser, server: ServerProcess, api: Api, language: str
) -> None:
    event = make_event(api, f"Dates {language}", date="2027-06-17", timezone="Europe/Zurich")
    page = zoomed(browser, server, event, "programme", language)
    page.locator("#segment-start").fill("16:00")
    page.locator("#segment-end").fill("15:30")  # the box "Ends the next day (2027-06-18)"
    words = {"en": EN, "ar": AR}[language]
    expect(page.locator("#segment-next-day-row")).to_be_visible()
    expect(page.locator("#segment-time-note")).to_have_text(
        words["desk.segment.end_not_after_start"]
    )
    # every width of the form's column from 140 to 360 px: each date on one line
    broken = page.evaluate(
        """() => {
          const lines = (node) => {
            const found = [];
            const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
            for (let text = walker.nextNode(); text; text = walker.nextNode()) {
              for (const m of text.textContent.matchAll(/\\d{4}-\\d{2}-\\d{2}/g)) {
                const range = document.createRange();
                range.setStart(text, m.index);
                range.setEnd(text, m.index + m[0].length);
                const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                found.push([m[0], tops.size]);
              }
            }
            return found;
          };
          const form = document.getElementById('segment-form');
          const hints = ['segment-time-hint', 'segment-next-day-label', 'programme-when']
            .map((id) => document.getElementById(id));
          const broken = [];
          let seen = 0;
          for (let width = 140; width <= 360; width += 1) {
            form.style.width = `${width}px`;
            document.getElementById('programme-when').style.width = `${width}px`;
            for (const hint of hints) {
              for (const [date, count] of lines(hint)) {
                seen += 1;
                if (count > 1) broken.push(`${hint.id} at ${width}px: ${date}`);
              }
            }
          }
          form.style.width = '';
          document.getElementById('programme-when').style.width = '';
          return { broken: broken.slice(0, 5), seen };
        }"""
    )
    assert broken["seen"] > 0, "no date found in the hints"
    assert broken["broken"] == [], broken["broken"]
    page.locator("#segment-time-hint").scroll_into_view_if_needed()
    shot(page, f"zoom-dates-{language}")
    page.context.close()
