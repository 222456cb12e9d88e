"""The public live page (``/live/{event_id}``) in Chromium, beside the room display: it follows a
whole turn, says "not published" when the organiser withdraws it, and holds no text the room
display does not hold."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from .conftest import assert_accessible, projected_end, screenshot

LAPTOP: ViewportSize = {"width": 1280, "height": 720}
PHONE: ViewportSize = {"width": 390, "height": 844}
#: The live page's own words, which the room display does not show: its badge, and the event's
#: zone named under its time of day (the display is in the room: its time is the room's).
OWN = {"Live", "Time zone:", "America/New_York"}

#: The visible text of a page: every text node shown, trimmed, outside the time of day (which
#: both pages show, compared on its own: it may turn a minute between two reads) and what only a
#: screen reader is told (.visually-hidden: the time of day's label, a change of speaker said).
VISIBLE_TEXT = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || element.closest('#time-of-day, .visually-hidden')) continue;
    if (!element.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    texts.push(text);
  }
  return texts;
}"""


def _live(page: Page) -> None:
    page.wait_for_function(
        "() => window.floorConnection && window.floorConnection.status === 'live'"
    )


def _open(browser: Browser, url: str, viewport: ViewportSize, **options: Any) -> Page:
    options.setdefault("bypass_csp", True)  # Playwright's waits evaluate strings (see conftest)
    page = browser.new_context(viewport=viewport, **options).new_page()
    page.goto(url)
    return page


def _publish(faces: dict[str, Any], published: bool) -> None:
    faces["api"].ok("PATCH", f"/events/{faces['event']['id']}", json={"live_published": published})


@pytest.fixture
def discussion(faces: dict[str, Any]) -> str:
    segment_id = str(faces["event"]["segments"][1]["id"])
    faces["api"].command(segment_id, {"type": "start_segment"}).raise_for_status()
    return segment_id


@pytest.fixture
def live_url(faces: dict[str, Any]) -> str:
    return f"{faces['server'].base}/live/{faces['event']['id']}"


def test_the_live_page_follows_a_turn_as_the_display_shows_it(
    browser: Browser, faces: dict[str, Any], discussion: str, live_url: str
) -> None:
    api = faces["api"]
    # opened before it is published: it says so, then comes back by itself once published
    waiting = _open(browser, live_url, PHONE)
    expect(waiting.locator("#unpublished h1")).to_have_text("This live page is not published")
    expect(waiting.locator("#live-main")).to_be_hidden()
    _publish(faces, True)
    expect(waiting.locator("#segment-title")).to_have_text(
        faces["event"]["segments"][1]["title"], timeout=25_000
    )

    display = _open(browser, faces["display"], LAPTOP)
    live = _open(browser, live_url, LAPTOP)
    for page in (display, live):
        _live(page)
    expect(live.locator("#next li").first).to_contain_text("Panellist 1")
    expect(live.locator("#notice")).to_have_text("The floor will open shortly")

    # a speaker is called, the timer runs
    api.command(discussion, {"type": "call_next"}).raise_for_status()
    api.command(discussion, {"type": "start_timer"}).raise_for_status()
    expect(live.locator("#speaker-name")).to_have_text("Panellist 1")
    expect(live.locator("#speaker-org")).to_have_text("Migrant association")
    expect(live.locator("#next li").first).to_contain_text("Panellist 2")
    expect(live.locator("#remaining")).to_have_text(re.compile(r"^[45]:\d\d$"))
    shown = live.locator("#remaining").inner_text()
    expect(live.locator("#remaining")).not_to_have_text(shown, timeout=3_000)  # it counts down
    expect(live.locator("#remaining")).to_have_class(re.compile(r"phase-normal"))
    expect(waiting.locator("#speaker-name")).to_have_text("Panellist 1")  # the phone too
    assert abs(projected_end(display) - projected_end(live)) < 200  # one clock, the server's
    screenshot(live, "live-1280x720")
    screenshot(waiting, "live-phone-390x844")
    assert_accessible(live)
    assert_accessible(waiting)

    # the same state on both (the timer paused, so both read the same second)
    api.command(discussion, {"type": "pause_timer"}).raise_for_status()
    frozen = api.state(discussion)["state"]["current"]["timer"]["remaining_ms"]
    seconds = -(-frozen // 1000)
    for page in (display, live):
        expect(page.locator("#remaining")).to_have_text(f"{seconds // 60}:{seconds % 60:02d}")
        expect(page.locator("#timer-paused")).to_be_visible()  # the live page says it, too
        expect(page.locator("#timer-paused")).to_have_text("Paused")
    _same_text(display, live)

    # the next speaker
    api.command(discussion, {"type": "call_next"}).raise_for_status()
    expect(live.locator("#speaker-name")).to_have_text("Panellist 2")
    expect(live.locator("#next li").first).to_contain_text("Panellist 3")
    expect(display.locator("#speaker-name")).to_have_text("Panellist 2")
    _same_text(display, live)

    # the lunch break: the page says it is a break, as the display does, not that the floor
    # will open shortly, and when the meeting resumes (the next segment's start); the demo's
    # day is past (2022), so when it was due to resume (test_live_phone.py: one to come)
    lunch = faces["event"]["segments"][2]
    assert lunch["kind"] == "break"
    api.command(lunch["id"], {"type": "start_segment"}).raise_for_status()
    expect(live.locator("#segment-title")).to_have_text(lunch["title"])
    expect(live.locator("#notice")).to_contain_text("Break")
    expect(live.locator("#notice .live-resumes")).to_have_text("Was due to resume at 15:00")
    expect(display.locator("#break-resumes")).to_have_text("Was due to resume at 15:00")
    expect(live.locator("body")).not_to_contain_text("The floor will open shortly")
    expect(live.locator("#now-label")).to_be_hidden()  # no empty "Now speaking"
    expect(display.locator("#break")).to_be_visible()
    shown_live = set(live.evaluate(VISIBLE_TEXT)) - OWN
    assert {"Break", lunch["title"]} <= shown_live <= set(display.evaluate(VISIBLE_TEXT))


def _same_text(display: Page, live: Page, *, segment_live: bool = True) -> None:
    """Every text the live page shows, but its own fixed labels, is on the display too; and what
    its socket holds is within what the display's holds."""
    expect(live.locator("#time-of-day")).to_have_text(display.locator("#time-of-day").inner_text())
    own = OWN  # (the "not published" notice is hidden now)
    shown_live = set(live.evaluate(VISIBLE_TEXT))
    shown_display = set(display.evaluate(VISIBLE_TEXT))
    assert shown_live - own <= shown_display, shown_live - own - shown_display
    assert ("Live" in shown_live) is segment_live and len(shown_live) > 5
    held = "() => JSON.stringify([window.floorConnection.state, window.floorConnection.event])"
    held_live, held_display = live.evaluate(held), display.evaluate(held)
    strings = re.compile(r'"((?:[^"\\]|\\.)*)"')
    assert set(strings.findall(held_live)) <= set(strings.findall(held_display))
    page = live.content()
    join_code = display.evaluate("() => window.floorConnection.event.join_code")
    assert join_code and join_code not in page and join_code not in held_live


def test_withdrawn_the_live_page_says_so_in_its_language(
    browser: Browser, faces: dict[str, Any], discussion: str, live_url: str
) -> None:
    api = faces["api"]
    _publish(faces, True)
    api.command(discussion, {"type": "call_next"}).raise_for_status()
    api.command(discussion, {"type": "start_timer"}).raise_for_status()
    arabic = _open(browser, f"{live_url}?lang=ar", PHONE)
    french = _open(browser, live_url, PHONE, locale="fr-FR")  # no ?lang: the browser's language
    for page in (arabic, french):
        _live(page)
    expect(arabic.locator("html")).to_have_attribute("dir", "rtl")
    expect(arabic.locator("#now-label")).to_have_text("المتحدث الآن")
    expect(arabic.locator("#speaker-name")).to_have_text("Panellist 1")
    remaining = arabic.locator("#remaining")
    expect(remaining).to_have_text(re.compile(r"^[45]:\d\d$"))
    assert remaining.evaluate("node => getComputedStyle(node).direction") == "ltr"
    expect(french.locator("#next-label")).to_have_text("Prochains orateurs")
    screenshot(arabic, "live-ar-phone-390x844")
    assert_accessible(arabic)

    _publish(faces, False)  # withdrawn: the open pages say so, over the socket they keep
    expect(arabic.locator("#unpublished h1")).to_have_text("صفحة البث المباشر هذه غير منشورة")
    expect(arabic.locator("#live-main")).to_be_hidden()
    expect(french.locator("#unpublished h1")).to_have_text(
        "Cette page en direct n\u2019est pas publiée"
    )
    assert "Panellist" not in arabic.locator("body").inner_text()
    screenshot(arabic, "live-ar-not-published")
    english = _open(browser, f"{live_url}?lang=en", PHONE)  # opened now: it waits
    expect(english.locator("#unpublished h1")).to_have_text("This live page is not published")
    screenshot(english, "live-not-published")
    assert_accessible(english)

    # published again: every open page shows the floor at once, over the socket it kept (the
    # pages used to ask again every 15-18 s; 3 s is far inside that)
    _publish(faces, True)
    for page in (arabic, french, english):
        expect(page.locator("#live-main")).to_be_visible(timeout=3000)
    expect(english.locator("#speaker-name")).to_have_text("Panellist 1", timeout=3000)
    expect(english.locator("#unpublished")).to_be_hidden()


def test_the_live_page_runs_under_its_content_security_policy(
    browser: Browser, faces: dict[str, Any], live_url: str
) -> None:
    _publish(faces, True)
    violations: list[str] = []
    page = browser.new_context().new_page()  # no CSP bypass here
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(live_url)
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#next-label")).to_have_text("Next speakers")
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_the_organiser_publishes_and_withdraws_it_from_the_desk(
    browser: Browser, faces: dict[str, Any], discussion: str, live_url: str
) -> None:
    from tests.e2e.server import ORGANISER_KEY

    event_id = faces["event"]["id"]
    desk = _open(
        browser, f"{faces['server'].base}/organiser?event={event_id}#key={ORGANISER_KEY}", LAPTOP
    )
    panel = desk.locator("#live-panel")
    expect(panel.locator("#live-state")).to_have_text("Not published")
    expect(panel.locator("#live-link")).to_have_text(live_url)
    # the QR code is drawn by the server: wait for the image to arrive, then it must be one
    desk.wait_for_function(
        "() => { const img = document.querySelector('#live-panel #live-qr');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    page = _open(browser, live_url, PHONE)
    expect(page.locator("#unpublished")).to_be_visible()

    panel.get_by_role("button", name="Publish the live page").click()
    expect(panel.locator("#live-state")).to_have_text("Published")
    assert faces["api"].ok("GET", f"/events/{event_id}")["live_published"] is True
    page.reload()  # (an open page would come back by itself within 18 s: the first test waits)
    expect(page.locator("#next li").first).to_contain_text("Panellist 1")
    desk.get_by_role("button", name="Dismiss notice").click()  # not over the panel's buttons
    panel.scroll_into_view_if_needed()
    screenshot(desk, "organiser-live-1280")
    assert_accessible(desk)

    panel.get_by_role("button", name="Withdraw the live page…").click()
    desk.locator("#confirm-ok").click()  # it asks first
    expect(panel.locator("#live-state")).to_have_text("Not published")
    expect(page.locator("#unpublished h1")).to_have_text("This live page is not published")
    assert faces["api"].ok("GET", f"/events/{event_id}")["live_published"] is False


def _local(faces: dict[str, Any], instant_ms: int) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(faces["event"]["timezone"])
    return datetime.fromtimestamp(instant_ms / 1000, zone).strftime("%H:%M")


def test_between_segments_the_live_page_says_what_the_display_says_of_the_programme(
    browser: Browser, faces: dict[str, Any], live_url: str
) -> None:
    """Outside probe A (a day that runs late): the live page said only "This segment has ended"
    where the display says what comes next and when, never "The hearing has closed", and gave a
    break another time to resume than the display (its own end, not the next segment's start).
    Now both read the same programme with the same rules; the demo's day is past, so each time
    is said as due."""
    api = faces["api"]
    opening, discussion, lunch, after, *_, closing = faces["event"]["segments"]
    _publish(faces, True)
    display = _open(browser, faces["display"], LAPTOP)
    live = _open(browser, live_url, PHONE)
    try:
        for page in (display, live):
            _live(page)
        # before the day's first segment: the floor opens shortly, and it was due at 10:00
        due = f"Was due at {_local(faces, opening['scheduled_start_at'])}"
        expect(display.locator("#notice")).to_have_text(f"The floor will open shortly · {due}")
        expect(live.locator("#notice")).to_contain_text("The floor will open shortly")
        expect(live.locator("#notice .live-resumes")).to_have_text(due)
        screenshot(display, "display-not-started-1280x720")

        # the opening ends: what comes next on the programme, and when
        api.command(opening["id"], {"type": "start_segment"}).raise_for_status()
        api.command(opening["id"], {"type": "end_segment"}).raise_for_status()
        due = f"Was due at {_local(faces, discussion['scheduled_start_at'])}"
        expect(display.locator("#break-title")).to_have_text(discussion["title"])
        expect(display.locator("#break-resumes")).to_have_text(due)
        expect(live.locator("#notice")).to_contain_text("This segment has ended")
        expect(live.locator("#notice .live-next-kicker")).to_have_text("Next on the programme")
        expect(live.locator("#notice .live-next-title")).to_have_text(discussion["title"])
        expect(live.locator("#notice .live-resumes")).to_have_text(due)
        _same_text(display, live, segment_live=False)

        # a lunch that ends a quarter of an hour before the meeting resumes: both say when the
        # meeting resumes (the next segment's start), not the break's own end
        api.ok(
            "PATCH",
            f"/segments/{lunch['id']}",
            json={"command_id": "lunch-short", "scheduled_end_at": "14:45"},
        )
        api.command(lunch["id"], {"type": "start_segment"}).raise_for_status()
        due = f"Was due to resume at {_local(faces, after['scheduled_start_at'])}"
        expect(display.locator("#break-resumes")).to_have_text(due)
        expect(live.locator("#notice .live-resumes")).to_have_text(due)
        api.command(lunch["id"], {"type": "end_segment"}).raise_for_status()

        # the closing ends: the hearing has closed, on both
        for segment in faces["event"]["segments"][3:]:
            api.command(segment["id"], {"type": "start_segment"}).raise_for_status()
            api.command(segment["id"], {"type": "end_segment"}).raise_for_status()
        expect(display.locator("#break-title")).to_have_text("The hearing has closed")
        expect(live.locator("#notice .live-next-title")).to_have_text("The hearing has closed")
        expect(live.locator("#notice .live-next-kicker")).to_have_count(0)
        expect(live.locator("#segment-title")).to_have_text(closing["title"])
        _same_text(display, live, segment_live=False)
        screenshot(live, "live-closed-phone-390x844")
    finally:
        for page in (display, live):
            page.context.close()
