"""The console's notices say "Press U to undo." only while the single-key shortcuts act.

A moderator who turns the single-key shortcuts off (speech input) is no longer told to press U:
a queue removal's notice then points at the Undo button instead, and an undo that asks twice
says to press the button again, not U. The notice's sentences are joined as each language's
dictionary joins them (Chinese writes no space between sentences; Arabic reads right to left).
The setting is turned off as a moderator turns it off, in the shortcuts' help dialog.

The words expected are read from the dictionaries (frontend/static/js/i18n/console.js, through
test_languages.dictionaries()), not guessed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import after_the_guard, open_face, with_lang
from .test_languages import dictionaries

WORDS = dictionaries()
DISCUSSION_I = 1  # the demo segment with thirteen panellists


def fill(text: str, **values: str) -> str:
    """A dictionary string with its {placeholders} filled, as i18n.js t() fills them."""
    return re.sub(r"\{(\w+)\}", lambda match: values[match.group(1)], text)


def open_console(browser: Browser, faces: dict[str, Any], language: str) -> Page:
    """The console in ``language`` on the live "Thematic discussion I", connected."""
    segment = str(faces["event"]["segments"][DISCUSSION_I]["id"])
    faces["api"].command(segment, {"type": "start_segment"}).raise_for_status()
    page = open_face(browser, "moderator", with_lang(faces["moderator"], language))
    words = WORDS[language]
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#connection-status")).to_have_text(words["console.status.live"])
    expect(page.locator("#queue .entry-name").first).to_have_text("Panellist 1")
    return page


def set_single_keys(page: Page, words: dict[str, str], on: bool) -> None:
    """Turn the single-key shortcuts on or off in their help dialog, as a moderator does."""
    page.get_by_role("button", name=re.compile(f"^{re.escape(words['console.shortcuts'])}")).click()
    dialog = page.get_by_role("dialog", name=words["console.help.heading"])
    expect(dialog).to_be_visible()
    dialog.get_by_role("checkbox", name=words["console.help.single_keys"]).set_checked(on)
    dialog.get_by_role("button", name=words["console.help.close"], exact=True).click()
    expect(dialog).to_be_hidden()
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "on" if on else "off")


def remove(page: Page, words: dict[str, str], name: str) -> str:
    """Remove ``name`` from the queue with its button; the notice's first sentence."""
    page.get_by_role(
        "button", name=fill(words["console.queue.remove"], name=name), exact=True
    ).click()
    expect(page.locator("#queue .entry-name", has_text=name)).to_have_count(0)
    return fill(words["console.queue.removed"], name=name)


def key_in_title(words: dict[str, str]) -> re.Pattern[str]:
    """A title that names the U key at its end, as the language writes it ("… (U)")."""
    return re.compile(f"{re.escape(fill(words['console.title_key'], title='', key='U'))}$")


def notice(page: Page, text: str) -> Any:
    return page.locator("#notices .notice-text", has_text=text)


@pytest.mark.parametrize("language", ["en", "ar", "zh"])
def test_a_removal_says_press_u_only_while_the_single_keys_act(
    browser: Browser, faces: dict[str, Any], language: str
) -> None:
    words = WORDS[language]
    press_u = fill(words["console.undo.press_u"], done="").strip()
    page = open_console(browser, faces, language)
    undo = page.locator("#btn-undo")
    with_u = key_in_title(words)

    # on (the default): the notice ends with how to take it back with U, joined as the
    # language joins two sentences (no space in Chinese)
    removed = remove(page, words, "Panellist 2")
    said = notice(page, removed)
    expect(said).to_have_text(fill(words["console.undo.press_u"], done=removed))
    expect(said).to_contain_text(press_u)
    expect(undo).to_have_attribute("title", with_u)

    # off, in the help dialog: the same action's notice names the Undo button, not U
    set_single_keys(page, words, on=False)
    expect(undo).not_to_have_attribute("title", with_u)  # redrawn at once
    removed = remove(page, words, "Panellist 3")
    said = notice(page, removed)
    expect(said).to_have_text(fill(words["console.undo.press_button"], done=removed))
    expect(said).not_to_contain_text(press_u)
    expect(undo).to_have_attribute("title", re.compile(".+"))
    expect(undo).not_to_have_attribute("title", with_u)
    # the button it points at takes it back
    undo.click()
    expect(page.locator("#queue .entry-name", has_text="Panellist 3")).to_have_count(1)

    # on again: U is offered again
    set_single_keys(page, words, on=True)
    removed = remove(page, words, "Panellist 4")
    expect(notice(page, removed)).to_have_text(fill(words["console.undo.press_u"], done=removed))


def test_an_undo_that_asks_twice_says_press_the_button_again_without_u(
    browser: Browser, faces: dict[str, Any]
) -> None:
    words = WORDS["en"]
    page = open_console(browser, faces, "en")  # the segment's start is the undo next
    undo = page.locator("#btn-undo")
    expect(undo).to_contain_text("Undo starting the segment")

    set_single_keys(page, words, on=False)
    undo.click()
    asking = page.locator("#notices .notice-warning .notice-text")
    first = fill(words["console.undo.asking_start"], what="starting the segment")
    expect(asking).to_have_text(fill(words["console.undo.again_button"], asking=first))
    expect(asking).not_to_contain_text(re.compile(r"\bU\b"))
    after_the_guard(page, undo)  # a second press straight after is a double click's: not taken
    undo.click()
    done = fill(words["console.undo.done_start"], what="starting the segment")
    expect(page.locator("#notices")).to_contain_text(done)
