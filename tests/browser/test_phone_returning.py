"""A delegate first in the queue while an interposed question has the floor: the speaker it
paused returns to the floor first (the server's ``paused``), so the phone does not say "You are
next"; its list shows the returning speaker first, as the room display does, and its places count
them. Once the returning speaker has the floor back, the delegate is told they are next
(outside probe: Amina's phone said "You are next" while the moderator's turn was paused)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.server import Api

from .conftest import open_face, wait_live
from .test_phone_interposed import _joined

#: A phone's screen (CSS pixels).
PHONE: ViewportSize = {"width": 390, "height": 844}
SHOTS = Path("/tmp/phone_returning")


def _command(api: Api, segment_id: str, **body: Any) -> None:
    response = api.command(segment_id, body)
    assert response.status_code == 200, response.text


def _joined_and_asked(page: Page, name: str) -> None:
    """``name`` joins on the phone and asks for the floor (sent: the card says so)."""
    _joined(page, name)
    page.get_by_label("Floor intervention").check()
    page.get_by_role("button", name="Request the floor").click()
    expect(page.locator("#status-cards")).to_contain_text("Request sent")


def test_the_first_in_the_queue_is_not_next_while_a_paused_speaker_returns_first(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    # the group reflection: the moderators of the sessions in its queue
    segment_id = str(faces["event"]["segments"][4]["id"])
    _command(api, segment_id, type="start_segment")
    _command(api, segment_id, type="call_next")
    _command(api, segment_id, type="start_timer")
    assert api.state(segment_id)["state"]["current"]["name"] == "Moderator of Session I"

    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="en-GB")
    phone = context.new_page()
    phone.goto(faces["delegate"])
    _joined_and_asked(phone, "Amina Diallo")
    requests = api.state(segment_id)["state"]["requests"]
    (request,) = [r for r in requests if r["name"] == "Amina Diallo"]
    _command(api, segment_id, type="approve_request", request_id=request["id"], position=0)
    display = open_face(browser, "display", faces["display"])
    wait_live(display)

    # first in the queue, the moderator speaking: she is next (as before the fix)
    card = phone.locator("#status-cards article")
    expect(phone.get_by_role("alert").filter(has_text="You are next")).to_be_visible()
    expect(card).to_have_attribute("data-phase", "next")

    # the moderator interposes a question: the paused speaker comes back first
    _command(api, segment_id, type="interpose", kind="question", name="Delegate of Chile")
    state = api.state(segment_id)["state"]
    assert state["paused"]["name"] == "Moderator of Session I"
    assert state["current"]["name"] == "Delegate of Chile"
    length = len(state["queue"]) + 1  # the returning speaker, then the queue

    expect(card).to_have_attribute("data-phase", "queued")
    expect(card).to_contain_text("You are on the list of speakers")
    expect(card).to_contain_text(f"Place 2 of {length}")
    expect(phone.locator(".status-next")).to_have_count(0)
    expect(phone.get_by_text("You are next")).to_have_count(0)
    expect(phone.locator("#status-live")).to_contain_text(f"Place 2 of {length}")
    entries = phone.locator("#queue-list li")
    expect(entries).to_have_count(length)
    expect(entries.nth(0)).to_contain_text("Moderator of Session I")
    expect(entries.nth(0)).to_contain_text("Returns to the floor")
    expect(entries.nth(0).locator(".queue-place")).to_have_text("1")
    expect(entries.nth(1)).to_contain_text("Amina Diallo")
    expect(entries.nth(1)).to_have_class("queue-entry mine")
    expect(entries.nth(1).locator(".queue-place")).to_have_text("2")
    expect(phone.locator("#now-speaking")).to_contain_text("Delegate of Chile")
    # the room display says the same
    shown = display.locator("#next li")
    expect(shown.nth(0)).to_contain_text("Moderator of Session I")
    expect(shown.nth(0)).to_contain_text("Returns to the floor")
    expect(shown.nth(1)).to_contain_text("Amina Diallo")

    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "phone-returning-en.png"), full_page=True)

    # the same in Arabic: the returning speaker first, her place the second
    phone.locator("#language-picker").select_option("ar")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(entries.nth(0)).to_contain_text("يعود إلى الكلمة")
    expect(card).to_have_attribute("data-phase", "queued")
    expect(card).to_contain_text(f"الترتيب 2 من {length}")
    expect(phone.get_by_text("دورك التالي")).to_have_count(0)
    phone.screenshot(path=str(SHOTS / "phone-returning-ar.png"), full_page=True)
    phone.locator("#language-picker").select_option("en")
    expect(phone.locator("html")).to_have_attribute("dir", "ltr")

    # the question ends: the moderator has the floor back, and she is next
    _command(api, segment_id, type="end_turn")
    expect(phone.locator("#now-speaking")).to_contain_text("Moderator of Session I")
    expect(phone.get_by_role("alert").filter(has_text="You are next")).to_be_visible()
    expect(card).to_have_attribute("data-phase", "next")
    expect(entries).to_have_count(length - 1)
    expect(entries.nth(0)).to_contain_text("Amina Diallo")
    expect(entries.nth(0).locator(".queue-place")).to_have_text("1")
    expect(phone.get_by_text("Returns to the floor")).to_have_count(0)
    context.close()
    display.context.close()
