"""What a screen reader hears on a delegate's phone through the day (the outside probe's findings
H1, M1-M7): the segment's news said once, politely, in the page's language (a break begins, the
floor opens again, the hearing closes); each new place on the list said once and no stale words
left in the live region; the focus kept on a control, never dropped to <body>; names in their own
language; the speaker's time low and up said once each.

What the live regions say is recorded by a MutationObserver injected before the page loads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.server import Api

from .test_delegate import (
    after_the_guard,
    approve,
    command,
    give_floor,
    join,
    request_floor,
    start,
    status,
)

#: The phone of the probe (CSS pixels).
PHONE: ViewportSize = {"width": 360, "height": 740}
AFTER_LUNCH = "Thematic discussion II: Commitments"

#: Records each text a live region of the phone is given, with the page's language then.
RECORDER = """
window.__said = [];
document.addEventListener("DOMContentLoaded", () => {
  for (const id of ["status-live", "status-urgent"]) {
    const node = document.getElementById(id);
    if (!node) continue;
    new MutationObserver(() => {
      const text = node.textContent.trim();
      if (text) window.__said.push({ region: id, text, lang: document.documentElement.lang });
    }).observe(node, { childList: true, subtree: true, characterData: true });
  }
});
"""


@pytest.fixture
def phone(browser: Browser, faces: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE, bypass_csp=True, locale="en-GB", timezone_id="Europe/Paris"
    )
    context.add_init_script(RECORDER)
    page = context.new_page()
    page.goto(faces["delegate"])
    yield page
    context.close()


def _segments(faces: dict[str, Any]) -> list[str]:
    """The demo's segments in the day's order: opening, th1, lunch, th2, th3, closing."""
    return [str(segment["id"]) for segment in faces["event"]["segments"]]


def said(page: Page, region: str = "status-live") -> list[dict[str, str]]:
    records: list[dict[str, str]] = page.evaluate(
        "(region) => window.__said.filter((s) => s.region === region)", region
    )
    return records


def heard(page: Page, words: str, region: str = "status-live") -> None:
    """Until ``words`` have been put in the live region."""
    page.wait_for_function(
        "([words, region]) => window.__said.some("
        "(s) => s.region === region && s.text.includes(words))",
        arg=[words, region],
    )


def times_said(page: Page, words: str, region: str = "status-live") -> int:
    return sum(words in record["text"] for record in said(page, region))


def focused(page: Page) -> dict[str, str]:
    found: dict[str, str] = page.evaluate(
        "() => ({tag: document.activeElement.tagName, id: document.activeElement.id,"
        " control: document.activeElement.dataset.control || '',"
        " text: document.activeElement.textContent.trim()})"
    )
    return found


def live_text(page: Page) -> str:
    text: str = page.locator("#status-live").evaluate("(node) => node.textContent")
    return text


def test_the_segments_news_is_said_once_each_in_the_pages_language(
    phone: Page, faces: dict[str, Any], tmp_path: Path
) -> None:
    api: Api = faces["api"]
    opening, th1, lunch, th2, th3, closing = _segments(faces)
    start(api, th1)
    join(phone)
    heard(phone, "Signed in as")
    expect(phone.locator("#request-submit")).to_be_visible()
    # the first view is not news: only "Signed in as" said
    assert [record["text"] for record in said(phone)] == [
        "Signed in as \u2068Amina Diallo · ITUC\u2069"
    ]

    command(api, th1, type="end_segment")
    heard(phone, "has ended")
    start(api, lunch)
    heard(phone, "Lunch Break has begun.")
    (news,) = [record for record in said(phone) if "Lunch Break has begun" in record["text"]]
    assert news["lang"] == "en"
    # when the floor can be asked, as the break's notice says it
    assert "You can ask for the floor once “Thematic discussion II" in news["text"]
    assert "(it was due at 15:00)" in news["text"]  # the demo's day is past: due

    # a new language redraws the page and says nothing again
    phone.get_by_label("Language", exact=True).select_option("ar")
    expect(phone.locator("html")).to_have_attribute("lang", "ar")
    expect(phone.locator("#request-closed")).to_contain_text("هذه استراحة")
    phone.screenshot(path=str(tmp_path / "phone-break-ar.png"))
    # a reload during the break says nothing either
    phone.reload()
    expect(phone.locator("#request-closed")).to_contain_text("هذه استراحة")
    phone.wait_for_function("() => window.floorConnection?.status === 'live'")
    assert said(phone) == []

    command(api, lunch, type="end_segment")
    start(api, th2)
    heard(phone, "يمكنك طلب الكلمة")  # in the page's language, Arabic
    (opened,) = [record for record in said(phone) if "يمكنك طلب الكلمة" in record["text"]]
    assert opened["lang"] == "ar"
    assert opened["text"].startswith("بدأ «Thematic discussion II")
    expect(phone.locator("#request-submit")).to_be_visible()
    assert times_said(phone, "يمكنك طلب الكلمة") == 1

    phone.locator("#language-picker").select_option("en")
    command(api, th2, type="end_segment")
    start(api, closing)
    expect(phone.locator("#segment-title")).to_have_text("Closing remarks")
    heard(phone, "“Closing remarks” has started: you may request the floor.")
    command(api, closing, type="end_segment")
    heard(phone, "The hearing has closed.")
    expect(phone.locator("#segment-badge")).to_have_text("Ended")
    # and the page itself says so where the floor was asked for, not "no more requests" of a
    # segment (probe P's LOW: nothing on the closing segment's list said the hearing was over)
    expect(phone.locator("#request-closed")).to_have_text("The hearing has closed. Thank you.")
    assert times_said(phone, "The hearing has closed.") == 1
    assert times_said(phone, "Closing remarks” has started") == 1
    assert times_said(phone, "Lunch Break has begun") == 0  # said before the reload, not after
    del opening, th3


def test_each_new_place_is_said_once_and_old_news_does_not_stay(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = _segments(faces)[0]  # three speakers already on its list
    start(api, segment_id)
    join(phone)
    request_floor(phone)
    heard(phone, "Request sent")
    # the focus goes to the section's heading, not to a button gone busy nor to the cards
    # (which would read "Request sent" a second time)
    expect(phone.locator("#status-heading")).to_be_focused()
    assert times_said(phone, "Request sent") == 1

    approve(api, segment_id)
    heard(phone, "Place 4 of 4")
    withdraw = status(phone).get_by_role("button", name="Withdraw my request")
    withdraw.focus()
    command(api, segment_id, type="call_next")
    heard(phone, "Place 3 of 3")
    # the card drawn again: the focus on its Withdraw button, not on <body>
    expect(status(phone).get_by_role("button", name="Withdraw my request")).to_be_focused()
    command(api, segment_id, type="call_next")
    heard(phone, "Place 2 of 2")
    assert times_said(phone, "Place 3 of 3") == 1
    assert times_said(phone, "Place 2 of 2") == 1

    # Withdraw armed, the queue moves: "Keep my place" keeps the focus in the new card
    status(phone).get_by_role("button", name="Withdraw my request").click()
    heard(phone, "Give up your place")
    command(api, segment_id, type="call_next")
    expect(phone.locator(".status-next")).to_be_visible()
    expect(
        phone.locator(".status-next").get_by_role("button", name="Keep my place")
    ).to_be_focused()
    # "You are next" is the card's alert: the region says no old place, only the question
    # still open; taken back, the question is gone from it too
    assert "Place" not in live_text(phone)
    assert "Give up your place" in live_text(phone)
    after_the_guard(phone, phone.locator(".status-next .confirm-yes"))
    phone.locator(".status-next").get_by_role("button", name="Keep my place").click()
    expect(phone.locator("#status-live")).to_have_text("")
    expect(
        phone.locator(".status-next").get_by_role("button", name="Withdraw my request")
    ).to_be_focused()

    command(api, segment_id, type="call_next")
    expect(phone.locator(".status-speaking")).to_be_visible()
    assert live_text(phone) == ""
    command(api, segment_id, type="end_turn")
    heard(phone, "Thank you")
    assert focused(phone)["tag"] != "BODY"


def test_the_focus_stays_when_the_cards_empty_and_after_a_contribution(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    _, th1, lunch, *_ = _segments(faces)
    start(api, th1)
    join(phone)
    request_floor(phone)
    heard(phone, "Request sent")
    # withdrawn (a request still open when its segment ends stays on a card of its own through
    # the break: test_phone_segments.py)
    phone.get_by_role("button", name="Withdraw my request").click()
    heard(phone, "You withdrew your request")
    status(phone).focus()
    start(api, lunch)  # a new segment: no card left
    heard(phone, "Lunch Break has begun.")
    expect(status(phone).locator("article")).to_have_count(0)
    expect(phone.locator("#status-heading")).to_be_focused()
    # the stale news of the morning is not left in the region through lunch
    assert "withdrew" not in live_text(phone)

    phone.get_by_role("button", name="Write a recommendation or pledge").click()
    phone.get_by_label("Your text", exact=True).fill("Decent work for every migrant worker.")
    phone.get_by_role("button", name="Send", exact=True).click()
    expect(phone.locator("#contribute-sent")).to_have_text("Sent. The rapporteur will review it.")
    expect(phone.get_by_role("button", name="Write a recommendation or pledge")).to_be_focused()


def test_names_and_organisations_are_in_their_own_language(
    browser: Browser, phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = _segments(faces)[1]
    start(api, segment_id)
    other = browser.new_context(viewport=PHONE, bypass_csp=True)
    arabic = other.new_page()
    arabic.goto(faces["delegate"])
    join(arabic, name="أمينة ديالو", organisation="منتدى المهاجرين", constituency="trade_union")
    # "Signed in as …" on her own phone: her name and organisation in their own voice too
    expect(arabic.locator("#identity bdi").first).to_have_attribute("lang", "ar")
    expect(arabic.locator("#identity bdi").nth(1)).to_have_attribute("lang", "ar")
    expect(arabic.locator("#identity")).to_have_text("Signed in as أمينة ديالو · منتدى المهاجرين")
    request_floor(arabic)
    expect(status(arabic)).to_contain_text("Request sent")
    approve(api, segment_id, "أمينة ديالو")
    join(phone)
    entry = phone.locator("#queue-list li").filter(has_text="أمينة ديالو")
    expect(entry.locator(".who-name bdi")).to_have_attribute("lang", "ar")
    expect(entry.locator("bdi.organisation")).to_have_attribute("lang", "ar")
    other.close()


def test_the_speakers_time_low_and_up_are_said_once_each(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = _segments(faces)[1]
    start(api, segment_id)
    join(phone)
    request_floor(phone)
    give_floor(api, segment_id)
    command(api, segment_id, type="start_timer")
    expect(phone.locator(".status-speaking")).to_be_visible()
    phone.wait_for_function("() => document.querySelector('.status-clock.phase-normal')")
    # amber from now on: "nearly up" said once, politely
    command(api, segment_id, type="set_thresholds", warning_ms=3_600_000, danger_ms=10_000)
    heard(phone, "Your time is nearly up.")
    # the clock read as words, with its units, and its phase in words too (probe P's LOWs): the
    # digits are hidden from the screen reader, which would read "2:31" as a time of day
    timer = phone.locator(".status-speaking [role=timer]")
    expect(timer.locator(".status-clock-label")).to_have_text("Time left — nearly up")
    expect(timer.locator(".status-clock")).to_have_attribute("aria-hidden", "true")
    expect(timer.locator(".clock-words")).to_have_text(re.compile(r"^\d minutes?, \d\d? seconds?$"))
    command(api, segment_id, type="adjust_time", delta_ms=-3_000_000)
    heard(phone, "Time is up: please conclude", region="status-urgent")
    phone.wait_for_function("() => document.querySelector('.status-clock.phase-overtime')")
    command(api, segment_id, type="adjust_time", delta_ms=1_000)  # still over: nothing again
    phone.locator("#language-picker").select_option("fr")
    expect(phone.locator(".status-speaking")).to_contain_text("Vous avez la parole")
    expect(timer.locator(".clock-words")).to_have_text(re.compile(r"^\d+\ssecondes?$|minutes?\set"))
    now_words = phone.locator("#now-speaking .clock-words")
    expect(now_words).to_have_text(re.compile(r"^\d+\ssecondes?$|minutes?\set"))
    assert times_said(phone, "Your time is nearly up.") == 1
    assert len(said(phone, "status-urgent")) == 1
    command(api, segment_id, type="end_turn")
    expect(phone.locator("#status-urgent")).to_have_text("")
