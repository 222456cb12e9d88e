"""A delegate's phone as the day moves on (outside tester, findings 2, 3, 5 and 6): a place
left waiting when its segment ended stays on the phone once the next segment (the lunch break)
is live, saying it waits on the moderator's word, until the moderator carries that list on or
drops it ("ask again if you still wish to speak"); a break is said as a break and a closed
hearing shows no list of people who will not be called, and nothing "yet"; "You are next" says
"after the current speaker" only when someone has the floor, and keeps the speaking time; a
name mixing Arabic and Latin letters is isolated wherever the phone puts it in a sentence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.server import Api

from .test_delegate import approve, command, join, opening, request_floor, start, status

#: A phone's screen (CSS pixels).
PHONE: ViewportSize = {"width": 390, "height": 844}
SHOTS = Path("/tmp/phone-shots")
#: The demo's first discussion: its title starts so.
TH1 = "Thematic discussion I: Assessing"


@pytest.fixture
def phone(browser: Browser, faces: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="en-GB")
    page = context.new_page()
    page.goto(faces["delegate"])
    yield page
    context.close()


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def in_arabic(page: Page, name: str) -> None:
    """A screenshot in English and one in Arabic, back in English."""
    shoot(page, f"{name}-en")
    page.locator("#language-picker").select_option("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    shoot(page, f"{name}-ar")
    page.locator("#language-picker").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def shown(page: Page) -> str:
    """The floor's words as the page shows them (not what hidden elements hold)."""
    return str(page.locator("#view-floor").inner_text())


def segments(faces: dict[str, Any]) -> list[str]:
    """The demo's segments in programme order: opening, th1, lunch, th2, th3, closing."""
    return [str(segment["id"]) for segment in faces["event"]["segments"]]


def queued_in(phone: Page, api: Api, segment_id: str, note: str = "") -> None:
    join(phone)
    request_floor(phone, note=note)
    expect(status(phone)).to_contain_text("Request sent")
    approve(api, segment_id)
    expect(status(phone)).to_contain_text("You are on the list of speakers")


# --- 2. a place left waiting when its segment ended ---------------------------------------------


def test_a_place_left_waiting_stays_said_through_the_break_until_the_moderator_drops_it(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    _, th1, lunch, *_ = segments(faces)
    start(api, th1)
    queued_in(phone, api, th1, note="On labour pathways")
    command(api, th1, type="end_segment")
    expect(status(phone)).to_contain_text("The segment ended before your turn")

    start(api, lunch)
    expect(phone.locator("#segment-title")).to_have_text("Lunch Break")
    card = status(phone).locator("article")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-phase", "left")
    expect(card).to_contain_text(f"Your turn did not come in “{TH1}")
    expect(card).to_contain_text("The moderator has not yet said whether its list of speakers")
    expect(card).to_contain_text("On labour pathways")
    expect(phone.locator("#status-live")).to_contain_text(f"Your turn did not come in “{TH1}")
    in_arabic(phone, "left-waiting-break")
    # a reload during the break: the server says it again (the snapshot's `elsewhere`)
    phone.reload()
    expect(status(phone).locator("article")).to_have_attribute("data-phase", "left")

    # the moderator drops the list: not taken up, and what to do
    command(api, th1, type="carry_queue", to_segment_id=None)
    card = status(phone).locator("article")
    expect(card).to_have_attribute("data-phase", "dropped")
    expect(card).to_contain_text(f"“{TH1}")
    expect(card).to_contain_text("If you still wish to speak, ask again when the floor is open.")
    in_arabic(phone, "dropped-break")


def test_you_are_next_when_the_next_segment_starts_says_what_became_of_the_place(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    first, th1, *_ = segments(faces)
    start(api, first)
    queued_in(phone, api, first)
    for _ in range(3):  # the three panellists before her
        command(api, first, type="call_next")
    expect(phone.get_by_role("alert").filter(has_text="You are next")).to_be_visible()

    start(api, th1)  # the opening ends as the discussion starts
    expect(phone.locator("#segment-title")).to_contain_text(TH1)
    card = status(phone).locator("article")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-phase", "left")
    expect(card).to_contain_text("Your turn did not come in “Opening Segment”")

    # carried on into the live discussion: her place there, where it now stands
    command(api, first, type="carry_queue", to_segment_id=th1)
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-phase", re.compile("^(next|queued)$"))
    expect(status(phone)).not_to_contain_text("did not come")


# --- 3. a break, and the hearing closed ---------------------------------------------------------


def test_a_break_is_said_as_one_not_as_live_with_nobody_yet(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    lunch = segments(faces)[2]
    start(api, lunch)
    join(phone)
    badge = phone.locator("#segment-badge")
    expect(badge).to_have_text("Break")
    expect(badge).to_have_class(re.compile(r"\bbadge-break\b"))
    expect(phone.locator("#now-speaking")).to_have_text("Break: nobody has the floor.")
    expect(phone.locator("#queue-list")).to_be_hidden()  # a break has no list of speakers
    assert "yet" not in shown(phone)
    in_arabic(phone, "break")
    phone.locator("#language-picker").select_option("ar")
    expect(badge).to_have_text("استراحة")
    phone.locator("#language-picker").select_option("en")


def test_once_the_hearing_has_closed_no_list_and_no_yet(phone: Page, faces: dict[str, Any]) -> None:
    api: Api = faces["api"]
    closing = segments(faces)[-1]
    start(api, closing)
    command(api, closing, type="add_speaker", name="Never Called")
    join(phone)
    expect(phone.locator("#queue-list")).to_contain_text("Never Called")
    command(api, closing, type="end_segment")
    expect(phone.locator("#request-closed")).to_have_text("The hearing has closed. Thank you.")
    expect(phone.locator("#now-speaking")).to_be_hidden()
    expect(phone.locator("#queue-list")).to_be_hidden()
    assert "yet" not in shown(phone)
    assert "Never Called" not in shown(phone)
    in_arabic(phone, "closed")


def test_a_segment_ended_says_nobody_has_the_floor_without_yet(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    th1 = segments(faces)[1]
    start(api, th1)
    join(phone)
    command(api, th1, type="end_segment")
    expect(phone.locator("#now-speaking")).to_have_text(
        "Nobody has the floor: this segment has ended."
    )
    expect(phone.locator("#queue-empty")).to_have_text("No one was left waiting on the list.")


# --- 5. "You are next" ----------------------------------------------------------------------------


def test_you_are_next_with_nobody_speaking_says_so_and_keeps_the_speaking_time(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    first = opening(faces)
    start(api, first)
    queued_in(phone, api, first)
    for _ in range(3):
        command(api, first, type="call_next")
    next_card = phone.locator(".status-next")
    expect(next_card).to_contain_text("Get ready: you have the floor after the current speaker.")
    allotted = next_card.locator(".status-allotted")
    expect(allotted).to_have_text(re.compile(r"^Speaking time: \d+:\d\d$"))

    command(api, first, type="end_turn")  # the panellist before her is done: nobody speaks
    expect(phone.locator("#now-speaking")).to_contain_text("Nobody has the floor")
    expect(next_card).to_contain_text("Get ready: the moderator will call you next.")
    expect(next_card).not_to_contain_text("current speaker")
    expect(allotted).to_have_text(re.compile(r"^Speaking time: \d+:\d\d$"))
    in_arabic(phone, "next-nobody-speaking")


# --- 6. a name in two scripts ---------------------------------------------------------------------

MIXED = "فاطمة الزهراء Al-Hassan"


def test_a_name_in_two_scripts_is_isolated_in_every_sentence(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    first = opening(faces)
    start(api, first)
    join(phone, name=MIXED, organisation="Arab Migrant Workers Network")
    in_arabic(phone, "mixed-name")
    # the name is one isolated box in the sentence: never split across its lines (a piece of
    # it, and its hyphen, would land on the wrong side)
    for language in ("en", "ar"):
        phone.locator("#language-picker").select_option(language)
        name = phone.locator("#identity bdi").first
        expect(name).to_have_text(MIXED)
        assert name.evaluate("(node) => node.getClientRects().length") == 1, language
        assert name.evaluate("(node) => getComputedStyle(node).unicodeBidi") == "isolate"
