"""What the organiser's desk says to someone on the keyboard with a screen reader (outside probe
P, findings 2, 3, 4, 6, 7 and 8), in Chromium against a real server: a wrong key is an alert and
marks its field; the event picker opens another event on Enter, not on every arrow key; a field
the server refuses says why under it, in the desk's language, until it is changed; a segment
moved with an arrow says where it is now and the focus stays on that arrow (aria-disabled at the
top); a segment that would end before it starts is told the desk's remedy ("Ends the next day");
"New event" puts the focus in the new form and says so.

The expected words are read from the dictionaries (tests/browser/test_desk_languages.py and
test_languages.py read them). Screenshots to look at go to /tmp/deskfix."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_desk_keyboard_focus import HD, press, shot
from tests.browser.test_desk_languages import AR, EN, FR, counted, fill, shown
from tests.browser.test_desk_setup import api, make_event, open_desk, server
from tests.browser.test_languages import dictionaries
from tests.e2e.server import ORGANISER_KEY, Api, ServerProcess

__all__ = ["api", "server"]  # the fixtures, used by name

WORDS = dictionaries()


def described_by(page: Page, selector: str) -> list[str]:
    """The texts of the elements that describe a field (aria-describedby), in order."""
    return list(
        page.evaluate(
            """(selector) => (document.querySelector(selector)
              .getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
              .map((id) => document.getElementById(id)?.textContent ?? `missing #${id}`)""",
            selector,
        )
    )


def test_a_wrong_key_is_an_alert_and_marks_the_field(
    browser: Browser, server: ServerProcess
) -> None:
    context = browser.new_context(viewport=HD, locale="en-GB")
    page = context.new_page()
    page.goto(f"{server.base}/organiser")
    key = page.locator("#signin-key")
    expect(key).to_be_visible()
    key.focus()
    page.keyboard.type("wrongkeywrongkey")
    page.keyboard.press("Enter")
    message = page.get_by_role("alert").filter(has_text=EN["desk.signin.bad_key"])
    expect(message).to_have_text(EN["desk.signin.bad_key"])
    expect(key).to_have_attribute("aria-invalid", "true")
    expect(key).to_be_focused()
    assert EN["desk.signin.bad_key"] in described_by(page, "#signin-key")
    # typed again: no longer marked; a good key signs in
    page.keyboard.press("Control+a")
    page.keyboard.type(ORGANISER_KEY)
    expect(key).not_to_have_attribute("aria-invalid", "true")
    page.keyboard.press("Enter")
    expect(page.locator("#desk")).to_be_visible()
    context.close()


def test_the_event_picker_opens_another_event_on_enter_not_on_an_arrow_key(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    first = make_event(api, "Picker hearing A", room="Room A")
    second = make_event(api, "Picker hearing B", room="Room B")
    page = open_desk(browser, server, first, "event")
    picker = page.locator("#event-select")
    expect(picker).to_have_value(first["id"])
    shown_id = "() => window.organiserDesk.event && window.organiserDesk.event.id"
    press(picker, "ArrowDown")
    expect(picker).to_have_value(second["id"])  # the choice moved …
    expect(picker).to_have_attribute("data-pending", "true")
    expect(page.locator("#event-hint")).to_be_visible()  # … and says how to take it
    assert described_by(page, "#event-select") == [EN["desk.event_picker.hint"]]
    page.evaluate("() => window.organiserDesk.changed('links')")  # the desk drawn again …
    expect(picker).to_have_value(second["id"])  # … keeps the choice waiting
    page.wait_for_timeout(1000)
    assert page.evaluate(shown_id) == first["id"]  # … but the same event is open
    expect(page.locator("#event-form-title")).to_have_value(first["title"])
    assert f"event={first['id']}" in page.url
    page.keyboard.press("Escape")  # taken back
    expect(picker).to_have_value(first["id"])
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # chosen: it opens
    expect(page.locator("#event-form-title")).to_have_value(second["title"])
    assert page.evaluate(shown_id) == second["id"]
    expect(picker).to_be_focused()
    expect(picker).not_to_have_attribute("data-pending", "true")
    # the open list (the pointer) still opens at once: Playwright's select_option is a choice
    picker.select_option(first["id"])
    expect(page.locator("#event-form-title")).to_have_value(first["title"])
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_refused_time_zone_says_why_under_its_field_until_it_is_changed(
    browser: Browser, server: ServerProcess, api: Api, language: str
) -> None:
    make_event(api, "Zone hearing")
    page = open_desk(browser, server, None, "event", lang=language)
    words = WORDS[language]
    press(page.locator("#event-new"))
    page.keyboard.type("EST hearing")
    zone = page.locator("#event-form-timezone")
    zone.fill("EST")
    press(page.locator("#event-form-submit"))
    expect(zone).to_be_focused()
    expect(zone).to_have_attribute("aria-invalid", "true")
    error = page.locator("#event-form-timezone-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("America/New_York")
    if language == "en":  # the server's words, which say what to send
        expect(error).to_contain_text("fixed offset all year")
    else:  # the desk's own, in its language, saying what to type
        zone_words = words["desk.event.field_error.time_zone_fixed"]
        expect(error).to_contain_text(zone_words.split("{zone}")[0].split("{value}")[1].strip())
        expect(error).not_to_contain_text("fixed offset")
    said = described_by(page, "#event-form-timezone")
    assert said[0] == error.text_content(), said  # heard when the field is reached again
    assert said[1] == words["desk.event.date_hint"]
    shot(page, f"field-error-{language}-1280")
    # it stays (a notice would be gone in 15 s) until the field is changed
    page.locator("#event-form-title").focus()
    zone.focus()
    expect(error).to_be_visible()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    expect(error).to_have_count(0)
    expect(zone).not_to_have_attribute("aria-invalid", "true")
    assert described_by(page, "#event-form-timezone") == [words["desk.event.date_hint"]]
    page.context.close()


def programme(api: Api, title: str, *segments: tuple[str, str, str]) -> dict[str, Any]:
    event = make_event(api, title)
    for number, (name, start, end) in enumerate(segments):
        body = {"command_id": f"s{number}", "title": name}
        body |= {"scheduled_start_at": start, "scheduled_end_at": end}
        api.ok("POST", f"/events/{event['id']}/segments", json=body)
    return event


def test_a_segment_moved_with_an_arrow_says_where_it_is_and_keeps_the_focus(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = programme(
        api,
        "Move hearing",
        ("Opening", "09:00", "09:30"),
        ("Thematic I", "09:30", "12:00"),
        ("Lunch break", "12:00", "13:00"),
    )
    page = open_desk(browser, server, event, "programme")
    up = page.get_by_role("button", name=fill(EN["desk.programme.move_up"], name="Lunch break"))
    notices = page.locator("#notices")
    rows = page.locator("#programme-rows tr")
    press(up)
    expect(rows.nth(1)).to_contain_text("Lunch break")
    said = counted(page, EN, "desk.programme.moved_up", 3, name="Lunch break", position=2)
    expect(notices).to_contain_text(said)
    expect(up).to_be_focused()
    expect(up).not_to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Enter")
    expect(rows.first).to_contain_text("Lunch break")
    said = counted(page, EN, "desk.programme.moved_up", 3, name="Lunch break", position=1)
    expect(notices).to_contain_text(said)
    # at the top: the same arrow keeps the focus, and says it cannot act (not the other arrow,
    # whose Enter would move it back down unheard)
    expect(up).to_be_focused()
    expect(up).to_have_attribute("aria-disabled", "true")
    shot(page, "move-top-1280")
    page.keyboard.press("Enter")
    page.wait_for_timeout(800)
    expect(rows.first).to_contain_text("Lunch break")
    expect(up).to_be_focused()
    titles = [s["title"] for s in api.ok("GET", f"/events/{event['id']}/segments")]
    assert titles == ["Lunch break", "Opening", "Thematic I"]
    # down to the bottom, the same
    down = page.get_by_role("button", name=fill(EN["desk.programme.move_down"], name="Lunch break"))
    press(down)
    said = counted(page, EN, "desk.programme.moved_down", 3, name="Lunch break", position=2)
    expect(notices).to_contain_text(said)
    expect(down).to_be_focused()
    page.keyboard.press("Enter")
    expect(rows.nth(2)).to_contain_text("Lunch break")
    expect(down).to_be_focused()
    expect(down).to_have_attribute("aria-disabled", "true")
    page.context.close()


def test_a_move_in_arabic_says_the_place_in_arabic(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = programme(
        api, "Arabic move hearing", ("Opening", "09:00", "09:30"), ("Lunch", "12:00", "13:00")
    )
    page = open_desk(browser, server, event, "programme", lang="ar")
    up = page.get_by_role("button", name=shown(fill(AR["desk.programme.move_up"], name="Lunch")))
    press(up)
    said = counted(page, AR, "desk.programme.moved_up", 2, name="Lunch", position=1)
    expect(page.locator("#notices .notice-text")).to_have_text(shown(said))
    expect(up).to_be_focused()
    shot(page, "move-top-ar-1280")
    page.context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_segment_that_would_end_before_it_starts_is_told_the_desks_remedy(
    browser: Browser, server: ServerProcess, api: Api, language: str
) -> None:
    """The server said "give the end with its date", which the desk's time field cannot take;
    it now names the desk's box, "Ends the next day", as the note under the times does."""
    event = make_event(api, f"Backwards hearing {language}")
    page = open_desk(browser, server, event, "programme", lang=language)
    words = WORDS[language]
    page.locator("#segment-title").fill("Night drafting")
    page.locator("#segment-start").fill("15:00")
    page.locator("#segment-end").fill("14:00")
    press(page.locator("#segment-submit"))
    status = page.locator("#segment-status")
    expect(status).to_contain_text(fill(words["desk.segment.not_added"], message="").strip())
    box = re.sub(r"\s*[(\uff08].*$", "", words["desk.segment.next_day"])  # its label, no date
    expect(status).to_contain_text(box)
    expect(page.locator("#segment-time-note")).to_contain_text(box)  # one remedy, said twice
    shot(page, f"ends-before-start-{language}-1280")
    page.context.close()


def test_new_event_puts_the_focus_in_the_empty_form_and_says_so(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    make_event(api, "Existing hearing")
    page = open_desk(browser, server, None, "event", lang="fr")
    press(page.locator("#event-new"))
    title = page.locator("#event-form-title")
    expect(title).to_be_focused()
    expect(title).to_have_value("")
    said = page.locator("#event-form-note")  # a status line: heard, and it stays under the form
    expect(said).to_have_text(FR["desk.event.new_open"])
    expect(said).to_have_attribute("role", "status")
    expect(page.locator("#event-form-submit")).to_have_text(FR["desk.event.create"])
    page.context.close()
