"""The organiser's desk with the keyboard only: the focus is never dropped on <body>, where a
screen reader starts again from the top of the page (outside probe P, finding 1). In Chromium,
against a real server, each action is done with Enter on the focused control, as the probe's
blind tester did it; after each, the focus is on the control pressed (it waited for the server
with aria-disabled, not `disabled`), or on a sensible neighbour when that control is hidden or
drawn away: the next row's Revoke or Remove, the preview's verdict, the next link's card, the
section's heading.

The expected words are read from the dictionaries (tests/browser/test_desk_languages.py reads
them). Screenshots to look at go to /tmp/deskfix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.browser.test_desk_languages import EN, fill
from tests.browser.test_desk_setup import api, choose, make_event, open_desk, server
from tests.e2e.server import ORGANISER_KEY, Api, ServerProcess

__all__ = ["api", "server"]  # the fixtures, used by name

SHOTS = Path("/tmp/deskfix")
HD: ViewportSize = {"width": 1280, "height": 720}


def shot(page: Page, name: str) -> None:
    """A screenshot to look at (not one of the docs' screenshots)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def press(target: Locator, key: str = "Enter") -> None:
    """Focus a control and press a key on it, as the keyboard does (not a click)."""
    target.focus()
    target.page.keyboard.press(key)


def confirm(page: Page) -> None:
    """The desk's confirmation dialog: its OK, with the keyboard (Cancel has the focus first)."""
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#confirm-cancel")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#confirm-ok")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()


def assert_not_on_body(page: Page) -> None:
    assert page.evaluate("() => document.activeElement !== document.body"), "focus on <body>"


def people(api: Api, event: dict[str, Any], *names: str) -> None:
    lines = ["Name,Organisation,Constituency", *(f"{name},Org,Civil society" for name in names)]
    files = {"file": ("people.csv", ("\n".join(lines) + "\n").encode(), "text/csv")}
    api.ok("POST", f"/events/{event['id']}/participants/import", files=files)


def test_publishing_and_withdrawing_the_live_page_keeps_the_focus_on_its_button(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = make_event(api, "Live page hearing")
    page = open_desk(browser, server, event, "event")
    toggle = page.locator("#live-toggle")
    press(toggle)
    expect(toggle).to_have_text(EN["desk.live.withdraw"])
    expect(page.locator("#notices")).to_contain_text(EN["desk.live.published_notice"])
    expect(toggle).to_be_focused()
    expect(toggle).not_to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Enter")  # withdraw: asked first, then the focus back on the button
    confirm(page)
    expect(toggle).to_have_text(EN["desk.live.publish"])
    expect(toggle).to_be_focused()
    assert not api.ok("GET", f"/events/{event['id']}")["live_published"]
    page.context.close()


def test_a_refused_segment_keeps_the_focus_on_add(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = make_event(api, "Refused segment hearing")
    page = open_desk(browser, server, event, "programme")
    page.locator("#segment-title").fill("Backwards")
    page.locator("#segment-start").fill("15:00")
    page.locator("#segment-end").fill("14:00")
    submit = page.locator("#segment-submit")
    press(submit)
    expect(page.locator("#segment-status")).to_contain_text(
        fill(EN["desk.segment.not_added"], message="").strip()
    )
    expect(submit).to_be_focused()
    expect(submit).not_to_have_attribute("aria-disabled", "true")
    page.context.close()


def test_an_import_gives_the_focus_to_its_verdict(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = make_event(api, "Import hearing")
    page = open_desk(browser, server, event, "participants")
    data = "Name,Organisation,Constituency\nAna Ruiz,Cáritas,Civil society\nBo Li,Uni,Academia\n"
    choose(page, "people.csv", data.encode())
    expect(page.locator("#import-preview")).to_be_focused()
    button = page.locator("#import-confirm")
    expect(button).to_be_visible()
    press(button)
    verdict = page.locator("#import-verdict")
    expect(verdict).to_have_attribute("data-tone", "ok")
    expect(button).to_be_hidden()
    expect(verdict).to_be_focused()  # it says what happened; Tab goes on from there
    assert len(api.ok("GET", f"/events/{event['id']}/participants")) == 2
    page.context.close()


def test_revoking_a_link_gives_the_focus_to_the_next_rows_revoke_then_the_lists_heading(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = make_event(api, "Revoke hearing")
    for label in ("First screen", "Second screen"):
        body = {"role": "display", "label": label}
        api.ok("POST", f"/events/{event['id']}/access-links", json=body)
    page = open_desk(browser, server, event, "links")
    rows = page.locator("#links-rows tr")
    expect(rows).to_have_count(2)

    def revoke_of(label: str) -> Locator:
        what = fill(EN["desk.links.role_and_label"], role=EN["desk.role.display"], label=label)
        return page.get_by_role("button", name=fill(EN["desk.links.revoke_label"], what=what))

    press(revoke_of("Second screen"))  # the newest, first in the list
    confirm(page)
    expect(rows.first).to_have_attribute("data-state", "revoked")
    expect(revoke_of("First screen")).to_be_focused()
    page.keyboard.press("Enter")
    confirm(page)
    expect(rows.nth(1)).to_have_attribute("data-state", "revoked")
    expect(page.locator("#links-list-heading")).to_be_focused()
    page.context.close()


def test_removing_a_participant_gives_the_focus_to_the_next_rows_remove(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = make_event(api, "Remove hearing")
    people(api, event, "Ana Ruiz", "Bo Li", "Chen Wei")
    page = open_desk(browser, server, event, "participants")
    expect(page.locator("#participants-rows tr")).to_have_count(3)

    def remove_of(name: str) -> Locator:
        return page.get_by_role("button", name=fill(EN["desk.remove.open_label"], name=name))

    press(remove_of("Bo Li"))
    confirm(page)
    expect(page.locator("#participants-rows tr")).to_have_count(2)
    expect(remove_of("Chen Wei")).to_be_focused()  # the row now in its place
    page.keyboard.press("Enter")
    confirm(page)
    expect(page.locator("#participants-rows tr")).to_have_count(1)
    expect(remove_of("Ana Ruiz")).to_be_focused()  # the last one gone: the one before it
    page.keyboard.press("Enter")
    confirm(page)
    expect(page.locator("#participants-rows tr")).to_have_count(0)
    expect(page.locator("#participants-heading")).to_be_focused()
    page.context.close()


def test_putting_a_new_links_card_away_gives_the_focus_to_the_next_card_then_make(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = make_event(api, "Cards hearing")
    page = open_desk(browser, server, event, "links")
    cards = page.locator(".minted-card")
    for label, count in (("Wall", 1), ("Podium", 2)):
        page.locator("#mint-role").select_option("moderator")
        page.locator("#mint-label").fill(label)
        press(page.locator("#mint-submit"))
        expect(cards).to_have_count(count)
        expect(cards.first.locator(".minted-url")).to_be_focused()
    shot(page, "focus-two-cards-1280")
    press(cards.first.locator(".notice-close"))  # "Podium": the newest
    expect(cards).to_have_count(1)
    expect(cards.first.locator(".notice-close")).to_be_focused()
    page.keyboard.press("Enter")
    expect(cards).to_have_count(0)
    expect(page.locator("#mint-submit")).to_be_focused()
    page.context.close()


def test_a_new_event_made_gives_the_focus_to_its_programmes_heading(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    make_event(api, "An event already there")
    page = open_desk(browser, server, None, "event")
    press(page.locator("#event-new"))
    expect(page.locator("#event-form-title")).to_be_focused()
    page.keyboard.type("Made with the keyboard")
    press(page.locator("#event-form-submit"))
    expect(page.locator("#section-programme")).to_be_visible()
    expect(page.locator("#programme-heading")).to_be_focused()
    page.context.close()


def test_signing_in_gives_the_focus_to_the_sections_heading(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = make_event(api, "Sign-in hearing")
    context = browser.new_context(viewport=HD, locale="en-GB")
    page = context.new_page()
    page.goto(f"{server.base}/organiser?section=event&event={event['id']}")
    key = page.locator("#signin-key")
    expect(key).to_be_visible()
    key.focus()
    page.keyboard.type(ORGANISER_KEY)
    page.keyboard.press("Enter")
    expect(page.locator("#section-event")).to_be_visible()
    expect(page.locator("#event-heading")).to_be_focused()
    assert_not_on_body(page)
    context.close()


def test_a_saved_correction_gives_the_focus_back_to_the_persons_correct(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = make_event(api, "Correction hearing")
    people(api, event, "Ana Ruiz", "Bo Li")
    page = open_desk(browser, server, event, "participants")
    opener = page.get_by_role("button", name=fill(EN["desk.correct.open_label"], name="Bo Li"))
    press(opener)
    name = page.locator("#participants-rows .correct-form [name='name']")
    expect(name).to_be_focused()
    name.fill("Bo Lee")
    press(page.locator("#participants-rows .correct-form [type='submit']"))
    corrected = page.get_by_role("button", name=fill(EN["desk.correct.open_label"], name="Bo Lee"))
    expect(corrected).to_be_focused()
    page.context.close()
