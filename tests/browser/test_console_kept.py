"""The console's commands kept while its line is down (outside probe B4): the banner lists them in
the page's words, for as long as they wait; sent once the line is back, they leave the list;
dropped from the banner, none is sent. Screenshots go to /tmp/kept_shots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import VIEWPORTS
from .test_console_languages import fill_in, in_language
from .test_languages import dictionaries

WORDS = dictionaries()
EN = WORDS["en"]
SHOTS = Path("/tmp/kept_shots")
DISCUSSION_I = 1


def _console(browser: Browser, url: str) -> tuple[Page, BrowserContext]:
    context = browser.new_context(viewport=VIEWPORTS["moderator"])
    page = context.new_page()
    page.goto(url)
    expect(page.locator("#connection-status")).to_have_attribute("data-status", "live")
    return page, context


def _queued(faces: dict[str, Any], segment: str) -> list[str]:
    state = faces["api"].state(segment)["state"]
    return [entry["name"] for entry in state["queue"]]


def _add(page: Page, name: str, words: dict[str, str]) -> None:
    page.locator("#add-search").fill(name)
    page.get_by_role("button", name=words["console.add.submit"]).click()


def _live_discussion(faces: dict[str, Any]) -> str:
    segment = str(faces["event"]["segments"][DISCUSSION_I]["id"])
    faces["api"].command(segment, {"type": "start_segment"}).raise_for_status()
    return segment


def test_kept_commands_are_listed_and_sent_once_the_line_is_back(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = _live_discussion(faces)
    page, context = _console(browser, faces["moderator"])
    try:
        kept = page.locator("#connection-kept")
        context.set_offline(True)
        expect(page.locator("#connection-status")).to_have_attribute("data-status", "reconnecting")
        expect(page.locator("#connection-banner")).to_be_visible()
        expect(kept).to_be_hidden()  # nothing kept yet: nothing listed
        _add(page, "Guest One", EN)
        _add(page, "Guest Two", EN)
        what = EN["console.undo.what.add_speaker"]
        expect(page.locator("#connection-kept-text")).to_have_text(
            fill_in(EN["console.kept.list#other"], n=2, list=f"{what} · {what}")
        )
        expect(page.get_by_role("button", name=EN["console.kept.drop"])).to_be_visible()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "kept-en.png"))
        context.set_offline(False)
        expect(page.locator("#connection-status")).to_have_attribute(
            "data-status", "live", timeout=20_000
        )
        expect(page.locator("#connection-banner")).to_be_hidden()
        # sent once, in the order pressed, and no longer listed
        expect(page.locator("#queue")).to_contain_text("Guest Two")
        queued = _queued(faces, segment)
        assert queued.count("Guest One") == queued.count("Guest Two") == 1
        assert queued.index("Guest One") < queued.index("Guest Two")
        expect(kept).to_be_hidden()
    finally:
        context.close()


def test_kept_commands_dropped_from_the_banner_are_never_sent(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = _live_discussion(faces)
    page, context = _console(browser, faces["moderator"])
    try:
        context.set_offline(True)
        expect(page.locator("#connection-status")).to_have_attribute("data-status", "reconnecting")
        _add(page, "Guest Dropped", EN)
        expect(page.locator("#connection-kept-text")).to_have_text(
            fill_in(EN["console.kept.list#one"], n=1, list=EN["console.undo.what.add_speaker"])
        )
        page.get_by_role("button", name=EN["console.kept.drop"]).click()
        expect(page.locator("#connection-kept")).to_be_hidden()
        expect(page.locator("#notices")).to_contain_text(
            fill_in(EN["console.kept.dropped#one"], n=1)
        )
        context.set_offline(False)
        expect(page.locator("#connection-status")).to_have_attribute(
            "data-status", "live", timeout=20_000
        )
        # the console is back and has its state: the speaker was never added, on the page or
        # on the server (a command sent later would be in the server's queue by now: the
        # console's own add, sent after, lands behind it)
        _add(page, "Guest After", EN)
        expect(page.locator("#queue")).to_contain_text("Guest After")
        assert "Guest Dropped" not in _queued(faces, segment)
        expect(page.locator("#queue")).not_to_contain_text("Guest Dropped")
        # no refusal was shown for the dropped command: it was the moderator's choice
        expect(page.locator("#notices")).not_to_contain_text(EN["console.notice.refused"])
    finally:
        context.close()


def test_the_arabic_console_lists_them_in_its_words(
    browser: Browser, faces: dict[str, Any]
) -> None:
    ar = WORDS["ar"]
    _live_discussion(faces)
    page, context = _console(browser, in_language(faces["moderator"], "ar"))
    try:
        context.set_offline(True)
        expect(page.locator("#connection-status")).to_have_attribute("data-status", "reconnecting")
        for name in ("Guest One", "Guest Two", "Guest Three"):
            _add(page, name, ar)
        what = ar["console.undo.what.add_speaker"]
        expect(page.locator("#connection-kept-text")).to_have_text(
            fill_in(ar["console.kept.list#few"], n=3, list=" · ".join([what] * 3))
        )
        expect(page.get_by_role("button", name=ar["console.kept.drop"])).to_be_visible()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "kept-ar.png"))
    finally:
        context.close()


def test_a_language_chosen_while_the_line_is_down_waits_for_the_line(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """The switch reloads the page: offline, that would lose the console (no page would load)
    and the commands it keeps. The choice is not taken; the hint says why, until the line is
    back; chosen again then, the console reloads in that language."""
    segment = _live_discussion(faces)
    page, context = _console(browser, faces["moderator"])
    try:
        page.evaluate("() => { window.stayedHere = true; }")
        context.set_offline(True)
        expect(page.locator("#connection-status")).to_have_attribute("data-status", "reconnecting")
        _add(page, "Guest Kept", EN)
        page.locator("#language").select_option("fr")
        hint = page.locator("#language-hint")
        expect(page.locator("#language")).to_have_attribute("data-pending", "held")
        expect(hint).to_have_text(EN["staff.language.line_down"])
        box = hint.bounding_box()
        assert box is not None and box["width"] > 100  # shown under the picker, not only heard
        expect(page.locator("#language")).to_have_value("en")
        assert page.evaluate("() => window.stayedHere === true")  # not reloaded
        assert page.evaluate("() => document.documentElement.lang") == "en"
        expect(page.locator("#connection-kept")).to_be_visible()  # still kept, still listed
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "language-held-en.png"))
        context.set_offline(False)
        expect(page.locator("#connection-status")).to_have_attribute(
            "data-status", "live", timeout=20_000
        )
        expect(page.locator("#language")).not_to_have_attribute("data-pending", "held")
        expect(hint).to_have_text(EN["staff.language.hint"])  # back to the usual (hidden) hint
        expect(page.locator("#queue")).to_contain_text("Guest Kept")
        assert _queued(faces, segment).count("Guest Kept") == 1
        page.locator("#language").select_option("fr")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("#connection-status")).to_have_attribute("data-status", "live")
        assert page.evaluate("() => window.stayedHere === undefined")  # reloaded
    finally:
        context.close()
