"""A meeting day made by mistake, deleted from the organiser's desk (in Chromium, against a real
server): "Delete this meeting day…" is offered only where the server says the day may go
(``deletable``), asks for the day's title in a native dialog (the keyboard's: the field has the
focus, Escape cancels and gives the focus back, a wrong title is said in the dialog), then the
desk shows another day and says so; in Arabic the dialog reads right to left. A day on the
record offers nothing and says why; a day another organiser deleted is said so.

The expected words are read from the dictionaries, as tests/browser/test_desk_languages.py
reads them. Screenshots to look at go to /tmp/desk-shots (not the docs' screenshots)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_desk_languages import AR, EN, fill
from tests.browser.test_desk_setup import HD, api, server, shot
from tests.e2e.server import ORGANISER_KEY, Api, ServerProcess

__all__ = ["api", "server"]  # the fixtures, used by name


def make_day(api: Api, title: str, **fields: Any) -> dict[str, Any]:
    body = {"title": title, "timezone": "Europe/Zurich", "date": "2026-12-16", **fields}
    event: dict[str, Any] = api.ok("POST", "/events", json=body)
    api.ok(
        "POST",
        f"/events/{event['id']}/segments",
        json={"title": "Opening", "command_id": "s1", "scheduled_start_at": "10:00"},
    )
    return event


def open_desk(browser: Browser, server: ServerProcess, event: dict[str, Any], lang: str) -> Page:
    context = browser.new_context(viewport=HD, locale="en-GB")
    page = context.new_page()
    url = f"{server.base}/organiser?section=event&event={event['id']}&lang={lang}"
    page.goto(f"{url}#key={ORGANISER_KEY}")
    expect(page.locator("#section-event")).to_be_visible()
    expect(page.locator("#event-form-title")).to_have_value(event["title"])
    return page


def test_a_day_made_by_mistake_is_deleted_after_its_title_is_typed(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    kept = make_day(api, "Regional review", room="Conference Room 4")
    mistake = make_day(api, "Regional review (duplicate)", room="Room XVII")
    page = open_desk(browser, server, mistake, "en")
    opener = page.get_by_role("button", name=EN["desk.delete.open"])
    dialog = page.locator("#delete-dialog")
    field = page.get_by_label(EN["desk.delete.confirm_label"])
    expect(opener).to_be_visible()
    expect(page.locator("#delete-hint")).to_have_text(EN["desk.delete.hint"])
    opener.scroll_into_view_if_needed()
    shot(page, "delete-panel-en")

    # keyboard: the opener, Enter; the field has the focus; Escape cancels, the focus comes back
    opener.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(page.locator("#delete-dialog-heading")).to_have_text(
        fill(EN["desk.delete.title"], title="Regional review (duplicate)")
    )
    expect(page.locator("#delete-shown")).to_have_text("Regional review (duplicate)")
    expect(field).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    assert mistake["id"] in [e["id"] for e in api.ok("GET", "/events")]

    # a slip: the other day's title is refused in the dialog, which stays open on the field
    opener.click()
    field.fill("Regional review")
    shot(page, "delete-dialog-en")
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#delete-error")).to_have_text(EN["desk.delete.mismatch"])
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    expect(dialog).to_be_visible()
    shot(page, "delete-dialog-en-refused")
    assert mistake["id"] in [e["id"] for e in api.ok("GET", "/events")]

    # its own title: deleted; the desk shows the other day, says so, and lists it no more
    field.fill("Regional review (duplicate)")
    page.get_by_role("button", name=EN["desk.delete.ok"]).click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#notices")).to_contain_text(
        fill(EN["desk.delete.deleted"], title="Regional review (duplicate)")
    )
    expect(page.locator("#event-form-title")).to_have_value("Regional review")
    expect(page.locator("#event-select")).not_to_contain_text("duplicate")
    expect(page.locator("#desk-main")).to_be_focused()
    listed = [e["id"] for e in api.ok("GET", "/events")]
    assert kept["id"] in listed and mistake["id"] not in listed
    assert api("GET", f"/events/{mistake['id']}").status_code == 404
    page.context.close()


def test_a_day_on_the_record_offers_no_deletion_and_says_why(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The server decides: a day whose segment ran offers nothing to press, and says why; once
    it runs while the desk is open, the offer goes at the next poll."""
    day = make_day(api, "Hearing on the record")
    page = open_desk(browser, server, day, "en")
    opener = page.get_by_role("button", name=EN["desk.delete.open"])
    expect(opener).to_be_visible()
    (segment,) = api.ok("GET", f"/events/{day['id']}/segments")
    api.command(segment["id"], {"type": "start_segment"})
    expect(opener).to_be_hidden(timeout=10_000)  # the desk's poll reads the event again
    hint = page.locator("#delete-hint")
    expect(hint).to_contain_text("cannot be deleted: segment 'Opening' has run")
    expect(hint).to_contain_text("rename it instead")
    hint.scroll_into_view_if_needed()
    shot(page, "delete-refused-en")
    page.context.close()


def test_the_arabic_dialog_reads_right_to_left_and_deletes(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    mistake = make_day(api, "جلسة تجريبية")
    page = open_desk(browser, server, mistake, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    opener = page.get_by_role("button", name=AR["desk.delete.open"])
    opener.scroll_into_view_if_needed()
    shot(page, "delete-panel-ar")
    opener.click()
    dialog = page.locator("#delete-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#delete-dialog-heading")).to_contain_text("جلسة تجريبية")
    expect(page.get_by_label(AR["desk.delete.confirm_label"])).to_be_focused()
    assert dialog.evaluate("node => getComputedStyle(node).direction") == "rtl"
    # the buttons end at the dialog's left in Arabic (the end of its line)
    ok = page.get_by_role("button", name=AR["desk.delete.ok"]).bounding_box()
    cancel = page.get_by_role("button", name=AR["desk.cancel"]).bounding_box()
    box = dialog.bounding_box()
    assert ok is not None and cancel is not None and box is not None
    assert ok["x"] < cancel["x"] < box["x"] + box["width"] / 2
    page.get_by_label(AR["desk.delete.confirm_label"]).fill("جلسة تجريبية")
    shot(page, "delete-dialog-ar")
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("#notices")).to_contain_text(re.compile("جلسة تجريبية"))
    # another day shown (the first listed)
    expect(page.locator("#event-form-title")).not_to_have_value("جلسة تجريبية")
    expect(page.locator("#event-select")).not_to_contain_text("جلسة تجريبية")
    page.context.close()


def test_a_day_another_organiser_deleted_is_said_and_another_shown(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    make_day(api, "Kept day")
    gone = make_day(api, "Gone day")
    page = open_desk(browser, server, gone, "en")
    deleted = api("DELETE", f"/events/{gone['id']}", json={"title": "Gone day"})
    assert deleted.status_code == 204, deleted.text
    expect(page.locator("#notices")).to_contain_text(EN["desk.delete.gone"], timeout=10_000)
    expect(page.locator("#event-form-title")).not_to_have_value("Gone day")
    expect(page.locator("#event-select")).not_to_contain_text("Gone day")
    page.context.close()
