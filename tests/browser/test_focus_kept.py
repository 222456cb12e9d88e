"""The focus stays on a named control when a button is pressed with the keyboard (outside probe):
a button waits with aria-disabled, keeping the focus, and one that goes (or is turned off) hands
it to a named neighbour, never to <body> (docs/architecture.md, "Keys, names and sentences on the
faces"). And the desk's Access links section is one landmark, not two of one name.
"""

from __future__ import annotations

import uuid
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.server import ORGANISER_KEY, Api

from .conftest import contribute, open_face
from .test_delegate import join, opening, request_floor, start, status
from .test_languages import dictionaries
from .test_rapporteur_languages import _rapporteur_url

EN = dictionaries()["en"]


def press_enter_on(page: Page, selector: str) -> None:
    """The button focused, then Enter: as a keyboard user presses it."""
    page.locator(selector).focus()
    expect(page.locator(selector)).to_be_focused()
    page.keyboard.press("Enter")


def assert_not_on_body(page: Page) -> None:
    assert page.evaluate("() => document.activeElement !== document.body")


def desk(browser: Browser, faces: dict[str, Any], section: str) -> Page:
    page = open_face(browser, "moderator", faces["moderator"])
    event_id = faces["event"]["id"]
    base = faces["server"].base
    page.goto(f"{base}/organiser?section={section}&event={event_id}#key={ORGANISER_KEY}")
    expect(page.locator(f"#section-{section}")).to_be_visible()
    return page


def test_withdrawing_by_keyboard_leaves_the_focus_on_the_status_heading(
    browser: Browser, faces: dict[str, Any]
) -> None:
    phone = open_face(browser, "delegate", faces["delegate"], locale="en-GB")
    start(faces["api"], opening(faces))
    join(phone)
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")
    press_enter_on(phone, '#status-cards [data-control="withdraw"]')
    expect(status(phone)).to_contain_text("You withdrew your request")
    expect(phone.locator("#status-heading")).to_be_focused()
    assert_not_on_body(phone)
    phone.context.close()


def test_saving_the_event_by_keyboard_keeps_the_focus_or_puts_it_on_the_refused_field(
    browser: Browser, faces: dict[str, Any]
) -> None:
    page = desk(browser, faces, "event")
    save = page.locator("#event-form-submit")
    expect(page.locator("#event-fields")).to_be_enabled()
    page.locator("#event-form-title").fill("Hearing, renamed")
    press_enter_on(page, "#event-form-submit")
    expect(page.locator("#notices")).to_contain_text(EN["desk.event.saved"])
    expect(save).to_be_focused()
    expect(save).not_to_have_attribute("aria-disabled", "true")
    assert_not_on_body(page)

    # refused by the server for its time zone: the field says so and has the focus
    zone = page.locator("#event-form-timezone")
    zone.fill("Mars/Olympus")
    press_enter_on(page, "#event-form-submit")
    expect(zone).to_be_focused()
    expect(zone).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#notices")).to_contain_text(EN["desk.event.timezone"])
    assert_not_on_body(page)
    page.context.close()


def test_clearing_the_display_by_keyboard_hands_the_focus_to_a_neighbour(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    event = faces["event"]
    discussion = event["segments"][1]["id"]
    api.command(discussion, {"type": "start_segment"}).raise_for_status()
    author = ("Grace Mensah", "PICUM", "civil_society")
    contribute(faces, [(author, ("recommendation", "en", "Health care for all."))], discussion, "f")
    (item,) = api.ok("GET", f"/events/{event['id']}/contributions")["contributions"]
    api.ok(
        "PATCH",
        f"/contributions/{item['id']}",
        json={"command_id": uuid.uuid4().hex, "status": "accepted"},
    )
    api.command(event["segments"][4]["id"], {"type": "start_segment"}).raise_for_status()
    api.ok(
        "POST",
        f"/events/{event['id']}/outcome/shown",
        json={"command_id": uuid.uuid4().hex, "contribution_id": item["id"]},
    )
    page = open_face(browser, "moderator", _rapporteur_url(faces))
    expect(page.locator("#on-display")).to_contain_text("#1")
    press_enter_on(page, "#clear-display")
    expect(page.locator("#on-display")).to_contain_text(EN["rapporteur.display_shows_floor"])
    expect(page.locator("#clear-display")).to_be_disabled()
    # the element focused in its page, whichever window the browser has in front (under CI's
    # load another test's page once took the window's focus: Playwright then says "inactive")
    page.bring_to_front()
    expect(page.locator("#display-next")).to_be_focused()
    assert_not_on_body(page)
    page.context.close()


def test_the_access_links_section_is_one_landmark_of_its_name(
    browser: Browser, faces: dict[str, Any]
) -> None:
    page = desk(browser, faces, "links")
    expect(page.locator("#links-heading")).to_be_visible()
    results = Axe().run(page)
    unique = [v for v in results.response["violations"] if v["id"] == "landmark-unique"]
    assert not unique, unique
    named = page.locator('[aria-labelledby="links-heading"]')
    expect(named).to_have_count(1)
    # a new link's card is said once, by the notice (its address takes the focus): the cards'
    # place is no live region of its own
    assert page.locator("#minted").get_attribute("aria-live") is None
    page.context.close()
