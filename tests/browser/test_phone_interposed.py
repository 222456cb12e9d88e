"""A delegate's phone while the moderator interposes a short question in their turn: their turn
is paused (the server's ``paused``), not theirs to speak; the phone says so and shows their own
time, paused, never the questioner's running down. A questioner with a phone of their own is
told the floor is theirs (their turn, which no request stands for: the server's ``turns``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.server import Api

#: A phone's screen (CSS pixels).
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser, faces: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="en-GB")
    page = context.new_page()
    page.goto(faces["delegate"])
    yield page
    context.close()


def _command(api: Api, segment_id: str, **body: Any) -> None:
    response = api.command(segment_id, body)
    assert response.status_code == 200, response.text


def _shown(ms: int) -> str:
    """A time as the faces show it (whole seconds, rounded up): 125_400 → "2:06"."""
    seconds = -(-ms // 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _phone(browser: Browser, faces: dict[str, Any]) -> Page:
    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="en-GB")
    page = context.new_page()
    page.goto(faces["delegate"])
    return page


def _joined(page: Page, name: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Organisation (optional)").fill("ITUC")
    page.get_by_label("Stakeholder constituency").select_option("trade_union")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.locator("#identity")).to_contain_text(name)


def _speaking(page: Page, api: Api, segment_id: str, name: str) -> None:
    """``name`` joins on the phone, asks for the floor, is approved and called, and starts."""
    _joined(page, name)
    page.get_by_label("Floor intervention").check()
    page.get_by_role("button", name="Request the floor").click()
    expect(page.locator("#status-cards")).to_contain_text("Request sent")
    (request,) = [r for r in api.state(segment_id)["state"]["requests"] if r["name"] == name]
    _command(api, segment_id, type="approve_request", request_id=request["id"])
    queue = api.state(segment_id)["state"]["queue"]
    (entry,) = [e for e in queue if e["name"] == name]
    _command(api, segment_id, type="move_entry", entry_id=entry["id"], position=0)
    _command(api, segment_id, type="call_next")
    _command(api, segment_id, type="start_timer")
    # a time of their own, unlike anyone else's: 1:40 less than their turn's
    _command(api, segment_id, type="adjust_time", delta_ms=-100_000)
    expect(page.get_by_role("alert").filter(has_text="You are speaking")).to_be_visible()


def test_the_paused_speakers_phone_says_paused_with_their_own_time(
    browser: Browser, phone: Page, faces: dict[str, Any], tmp_path: Path
) -> None:
    """The speaker's phone says their turn is paused, with their own time; the questioner, a
    delegate with a phone of their own, is told the floor is theirs, with the question's time."""
    api: Api = faces["api"]
    segment_id = str(faces["event"]["segments"][0]["id"])
    _command(api, segment_id, type="start_segment")
    _speaking(phone, api, segment_id, "Amina Diallo")
    questioner = _phone(browser, faces)
    _joined(questioner, "Li Na")
    people = api.ok("GET", f"/events/{faces['event']['id']}/participants")
    (li_na,) = [person["id"] for person in people if person["name"] == "Li Na"]

    question = {"type": "interpose", "kind": "question", "participant_id": li_na}
    _command(api, segment_id, **question, duration_ms=60_000)
    state = api.state(segment_id)["state"]
    assert (state["paused"]["name"], state["current"]["name"]) == ("Amina Diallo", "Li Na")
    own = _shown(state["paused"]["timer"]["remaining_ms"])
    assert own != "1:00"  # their time is not the question's

    card = phone.locator("#status-cards article")
    expect(card).to_have_attribute("data-phase", "paused")
    expect(card).to_contain_text("Your turn is paused for a question")
    expect(card).to_contain_text("The floor comes back to you afterwards.")
    expect(card).to_contain_text("Timer paused")
    expect(card.locator(".status-clock")).to_have_text(own)
    expect(phone.get_by_role("alert").filter(has_text="You are speaking")).to_have_count(0)
    # the questioner's phone: the floor is theirs, the question's minute
    expect(questioner.get_by_role("alert").filter(has_text="You are speaking")).to_be_visible()
    asking = questioner.locator(".status-speaking")  # the card: the alert, and its clock beside it
    expect(asking.locator(".status-kind")).to_have_text("Question")  # above the news, not in it
    expect(asking.locator(".status-clock")).to_have_text("1:00")
    expect(questioner.locator("#now-speaking")).to_contain_text("You")

    # the question's own timer runs: the speaker's phone still shows their time, as it was
    if api.state(segment_id)["state"]["current"]["timer"]["state"] != "running":
        _command(api, segment_id, type="start_timer")
    expect(asking.locator(".status-clock")).to_have_text(re.compile(r"^0:5\d$"))
    expect(asking).to_contain_text("Time left")
    running = phone.locator("#now-speaking .now-clock")
    expect(running).to_have_text(re.compile(r"^0:5\d$"))  # Li Na's minute, running
    expect(card.locator(".status-clock")).to_have_text(own)
    expect(card).to_contain_text("Timer paused")
    phone.screenshot(path=str(tmp_path / "phone-paused-en.png"))
    questioner.screenshot(path=str(tmp_path / "phone-questioner-en.png"))

    # an answer follows the question: still paused, now for an answer; the question is over
    answer = {"type": "interpose", "kind": "answer", "name": "Panellist 1"}
    _command(api, segment_id, **answer)
    expect(card).to_contain_text("Your turn is paused for an answer")
    expect(card.locator(".status-clock")).to_have_text(own)
    expect(questioner.locator("#status-cards article")).to_have_count(0)

    # the answer ends: the floor is theirs again, with their own time
    _command(api, segment_id, type="end_turn")
    expect(phone.get_by_role("alert").filter(has_text="You are speaking")).to_be_visible()
    speaking = phone.locator(".status-speaking")  # the card: the alert, and its clock beside it
    expect(speaking.locator(".status-clock")).to_have_text(own)  # paused until resumed
    _command(api, segment_id, type="resume_timer")
    expect(speaking).to_contain_text("Time left")
    questioner.context.close()


def test_the_paused_speakers_phone_in_arabic(
    browser: Browser, faces: dict[str, Any], tmp_path: Path
) -> None:
    api: Api = faces["api"]
    segment_id = str(faces["event"]["segments"][0]["id"])
    _command(api, segment_id, type="start_segment")
    phone = _phone(browser, faces)
    _speaking(phone, api, segment_id, "ليلى حداد")
    phone.get_by_label("Language", exact=True).select_option("ar")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    _command(api, segment_id, type="interpose", kind="question", name="Chen Wei")
    own = _shown(api.state(segment_id)["state"]["paused"]["timer"]["remaining_ms"])

    card = phone.locator("#status-cards article")
    expect(card).to_contain_text("دورك متوقف مؤقتًا لطرح سؤال")
    expect(card.locator(".status-clock")).to_have_text(own)
    expect(phone.locator("body")).not_to_contain_text("الكلمة لك الآن")  # "the floor is yours"
    phone.screenshot(path=str(tmp_path / "phone-paused-ar.png"))
    phone.context.close()


def test_a_turn_the_moderator_gave_directly_is_followed_on_the_phone(
    phone: Page, faces: dict[str, Any]
) -> None:
    """Queued by the moderator, not by a request: the phone shows the place, then the floor,
    with nothing to withdraw (no request stands for the turn)."""
    api: Api = faces["api"]
    segment_id = str(faces["event"]["segments"][0]["id"])
    _command(api, segment_id, type="start_segment")
    _joined(phone, "Li Na")
    people = api.ok("GET", f"/events/{faces['event']['id']}/participants")
    (li_na,) = [person["id"] for person in people if person["name"] == "Li Na"]
    _command(api, segment_id, type="add_speaker", participant_id=li_na)
    length = len(api.state(segment_id)["state"]["queue"])

    card = phone.locator("#status-cards article")
    expect(card).to_contain_text("You are on the list of speakers")
    expect(card).to_contain_text(f"Place {length} of {length}")
    expect(card.get_by_role("button")).to_have_count(0)
    expect(phone.locator("#queue-list li.mine")).to_contain_text("Li Na")
    for _ in range(length - 1):
        _command(api, segment_id, type="call_next")
    expect(phone.get_by_role("alert").filter(has_text="You are next")).to_be_visible()
    _command(api, segment_id, type="call_next")
    expect(phone.get_by_role("alert").filter(has_text="You are speaking")).to_be_visible()
    _command(api, segment_id, type="end_turn")
    expect(card).to_have_count(0)
