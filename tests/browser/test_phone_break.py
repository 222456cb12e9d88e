"""A delegate's phone around the lunch break (probe findings 5 and 7): during a break (a segment
of kind ``break``, which refuses every floor request: ``segment_is_break``) it offers no request
form and says, in words, when they can ask (the next segment, by name and start in the event's
zone); a place the moderator carried on to a later segment (``carried_to``) is not "taken off the
list": the phone says where it goes on, through the break, until it sees it there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, WebSocketRoute, expect

from tests.e2e.server import Api

from .test_delegate import Frame, command, floor_commands, join, request_floor, start, status

#: A phone's screen (CSS pixels).
PHONE: ViewportSize = {"width": 390, "height": 844}
#: The demo's second discussion, after the lunch break: its title starts so (it goes on long).
AFTER_LUNCH = "Thematic discussion II: Commitments"


@pytest.fixture
def phone(browser: Browser, faces: dict[str, Any]) -> Iterator[Page]:
    # the browser in another zone than the event's (New York): times are the event's
    context = browser.new_context(
        viewport=PHONE, bypass_csp=True, locale="en-GB", timezone_id="Europe/Paris"
    )
    page = context.new_page()
    page.goto(faces["delegate"])
    yield page
    context.close()


def _segments(faces: dict[str, Any]) -> dict[str, str]:
    """The demo's segments by their place in the day: opening, th1, lunch, th2."""
    ids = [str(segment["id"]) for segment in faces["event"]["segments"]]
    kinds = [segment["kind"] for segment in faces["event"]["segments"]]
    assert kinds[2] == "break"
    return {"opening": ids[0], "th1": ids[1], "lunch": ids[2], "th2": ids[3]}


def test_during_a_break_the_phone_says_when_the_floor_can_be_asked(
    phone: Page, faces: dict[str, Any], tmp_path: Path
) -> None:
    api: Api = faces["api"]
    segments = _segments(faces)
    start(api, segments["lunch"])
    join(phone)
    expect(phone.locator("#segment-title")).to_have_text("Lunch Break")
    closed = phone.locator("#request-closed")
    # the next segment by name, and its start in the event's zone (15:00 in New York, not Paris),
    # said as due: the demo's day is past (a break that runs over, as the room's screens say it)
    expect(closed).to_contain_text(
        re.compile(
            rf"^This is a break\. You can ask for the floor once “{AFTER_LUNCH}.*” "
            r"starts \(it was due at 15:00\)\.$"
        )
    )
    expect(phone.locator("#request-section")).to_be_hidden()
    expect(phone.get_by_role("button", name="Request the floor")).to_be_hidden()

    phone.get_by_label("Language", exact=True).select_option("ar")
    expect(closed).to_contain_text("هذه استراحة. يمكنك طلب الكلمة بعد بدء «Thematic discussion II")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    phone.screenshot(path=str(tmp_path / "phone-break-ar.png"))
    phone.locator("#language-picker").select_option("fr")
    expect(closed).to_contain_text(
        "C\u2019est une pause. Vous pourrez demander la parole quand « Thematic"
    )

    # the break ends, the discussion after it starts: the form is back, the notice gone
    command(api, segments["lunch"], type="end_segment")
    start(api, segments["th2"])
    expect(phone.get_by_role("button", name="Demander la parole")).to_be_visible()
    expect(closed).to_be_hidden()


def test_a_request_refused_because_a_break_began_says_so(
    phone: Page, faces: dict[str, Any]
) -> None:
    """The organiser makes the live segment a break just as the phone asks: the server refuses
    `segment_is_break`, and the phone says it in words, then shows the break's notice."""
    api: Api = faces["api"]
    segment_id = _segments(faces)["th1"]
    start(api, segment_id)

    def break_begins_first(socket: WebSocketRoute, frame: Frame) -> bool:
        patch = {"command_id": "coffee", "kind": "break", "title": "Coffee break"}
        response = api("PATCH", f"/segments/{segment_id}", json=patch)
        assert response.status_code == 200, response.text
        return False  # through to the server, which refuses it now

    floor_commands(phone, break_begins_first)
    join(phone)
    request_floor(phone)
    expect(phone.locator("#request-error")).to_have_text(
        "This is a break. You can ask for the floor once the next segment has started."
    )
    expect(phone.locator("#request-closed")).to_contain_text(
        f"This is a break. You can ask for the floor once “{AFTER_LUNCH}"
    )
    expect(phone.get_by_role("button", name="Request the floor")).to_be_hidden()
    assert api.state(segment_id)["state"]["requests"] == []


def test_a_carried_place_goes_on_through_the_break_until_the_phone_sees_it(
    phone: Page, faces: dict[str, Any], tmp_path: Path
) -> None:
    api: Api = faces["api"]
    segments = _segments(faces)
    start(api, segments["th1"])
    join(phone)
    request_floor(phone, note="On labour pathways")
    expect(status(phone)).to_contain_text("Request sent")
    (pending,) = api.state(segments["th1"])["state"]["requests"]
    command(api, segments["th1"], type="approve_request", request_id=pending["id"])
    expect(status(phone)).to_contain_text("You are on the list of speakers")
    command(api, segments["th1"], type="end_segment")
    expect(status(phone)).to_contain_text("The segment ended before your turn")

    # the moderator carries the waiting speakers on to the discussion after lunch
    command(api, segments["th1"], type="carry_queue", to_segment_id=segments["th2"])
    card = status(phone).locator("article")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-phase", "carried")
    expect(card).to_contain_text("Your place is kept")
    expect(card).to_contain_text(
        re.compile(
            rf"Your place goes on in “{AFTER_LUNCH}.*”: you will see it here when it starts "
            r"\(15:00\)\."
        )
    )
    expect(card).to_contain_text("On labour pathways")
    expect(status(phone)).not_to_contain_text("taken off the list")

    # lunch: the phone follows the break and no longer sees the ended segment; it still says so
    start(api, segments["lunch"])
    expect(phone.locator("#segment-title")).to_have_text("Lunch Break")
    expect(card).to_have_attribute("data-phase", "carried")
    expect(card).to_contain_text(f"Your place goes on in “{AFTER_LUNCH}")
    expect(phone.locator("#request-closed")).to_contain_text("This is a break.")
    # a reload during the break: still kept in mind
    phone.reload()
    expect(phone.locator("#segment-title")).to_have_text("Lunch Break")
    expect(card).to_contain_text(f"Your place goes on in “{AFTER_LUNCH}")
    phone.get_by_label("Language", exact=True).select_option("ar")
    expect(card).to_contain_text("مكانك محفوظ")
    expect(card).to_contain_text("ينتقل مكانك إلى «Thematic discussion II")
    phone.screenshot(path=str(tmp_path / "phone-carried-break-ar.png"))
    phone.locator("#language-picker").select_option("en")

    # the discussion after lunch starts: the phone sees the request there, on the list
    command(api, segments["lunch"], type="end_segment")
    start(api, segments["th2"])
    expect(phone.locator("#segment-title")).to_contain_text(AFTER_LUNCH)
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-phase", "queued")
    expect(card).to_contain_text("You are on the list of speakers")
    expect(status(phone)).not_to_contain_text("Your place goes on")
    (mine,) = [
        request
        for request in api.state(segments["th2"])["state"]["queue"]
        if request["name"] == "Amina Diallo"
    ]
    assert mine["kind"] == "intervention"
    # and it stays so after a reload: nothing kept in mind any more
    phone.reload()
    expect(card).to_have_attribute("data-phase", "queued")
    expect(status(phone)).not_to_contain_text("Your place goes on")


def test_a_place_carried_after_the_break_began_reaches_the_phone(
    phone: Page, faces: dict[str, Any]
) -> None:
    """The usual order at the console: the lunch break is made live (the discussion ends with
    people waiting), then the waiting speakers are carried on. The phone already follows the
    break; the server tells it of its carried place all the same."""
    api: Api = faces["api"]
    segments = _segments(faces)
    start(api, segments["th1"])
    join(phone)
    request_floor(phone, note="On labour pathways")
    expect(status(phone)).to_contain_text("Request sent")
    start(api, segments["lunch"])  # the discussion ends, Amina's request still pending
    expect(phone.locator("#segment-title")).to_have_text("Lunch Break")
    command(api, segments["th1"], type="carry_queue", to_segment_id=segments["th2"])
    card = status(phone).locator("article")
    expect(card).to_have_attribute("data-phase", "carried")
    expect(card).to_contain_text(f"Your place goes on in “{AFTER_LUNCH}")
    phone.reload()  # kept in mind through a reload during the break
    expect(status(phone).locator("article")).to_contain_text(
        f"Your place goes on in “{AFTER_LUNCH}"
    )


def test_a_panellists_turn_carried_during_the_break_reaches_the_phone(
    phone: Page, faces: dict[str, Any]
) -> None:
    """A turn the moderator queued directly (a panellist's: no request of hers stands for it),
    carried on once the phone follows the lunch break: the phone says where it goes on, as it
    does for a request, until it sees the turn there itself."""
    api: Api = faces["api"]
    segments = _segments(faces)
    start(api, segments["th1"])
    join(phone)
    participants = api.ok("GET", f"/events/{faces['event']['id']}/participants")
    rows = participants["participants"] if isinstance(participants, dict) else participants
    (amina,) = [p for p in rows if p["name"] == "Amina Diallo"]
    command(api, segments["th1"], type="add_speaker", participant_id=amina["id"])
    command(api, segments["th1"], type="add_speaker", name="Before her", position=0)
    card = status(phone).locator("article")
    expect(card).to_have_attribute("data-phase", "queued")
    start(api, segments["lunch"])  # the discussion ends with her turn still to come
    expect(phone.locator("#segment-title")).to_have_text("Lunch Break")
    command(api, segments["th1"], type="carry_queue", to_segment_id=segments["th2"])
    expect(card).to_have_attribute("data-phase", "carried")
    expect(card).to_contain_text(f"Your place goes on in “{AFTER_LUNCH}")
    expect(status(phone)).not_to_contain_text("taken off the list")
    phone.reload()  # kept in mind through a reload during the break
    expect(status(phone).locator("article")).to_contain_text(
        f"Your place goes on in “{AFTER_LUNCH}"
    )
    # the discussion after lunch starts: the phone sees her turn there
    command(api, segments["lunch"], type="end_segment")
    start(api, segments["th2"])
    expect(phone.locator("#segment-title")).to_contain_text(AFTER_LUNCH)
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-phase", "queued")
    expect(status(phone)).not_to_contain_text("Your place goes on")
