"""The console's speaker card on a laptop, in every language: the timer's status line ("En
marcha · tiempo excedido · tiempo asignado: 5 min (-5 min de ajuste)") wraps under the timer
rather than widen its column, so the speaker's name keeps a column it can be read in and the
constituency tag stays beside it (outside probe J, finding 1: at 1366x768 the name's column
shrank to 71 px in Spanish, "Pane / llist / 1", and the tag ran over the status line)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import command, open_face, segment_id, wait_live
from .test_console_languages import DISCUSSION_I, in_language

#: The card's boxes, and each word of the name and the heading: how many lines it takes.
CARD_JS = """() => {
  const box = (selector) => {
    const r = document.querySelector(selector).getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
  };
  const words = (selector) => {
    const node = document.querySelector(selector);
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      for (const match of text.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(text, match.index);
        range.setEnd(text, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        found.push([match[0], lines.size]);
      }
    }
    return found;
  };
  return {
    info: box('.speaker-info'),
    timer: box('.timer-box'),
    facts: box('#timer-facts'),
    floor: box('#speaker-floor'),
    tags: [...document.querySelectorAll('.speaker-tags .tag')].map((tag) => {
      const r = tag.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
    }),
    words: [...words('#speaker-name'), ...words('#speaker-heading')],
    facts_text: document.querySelector('#timer-facts').textContent,
  };
}"""


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    """Whether two boxes share more than a pixel's edge."""
    return min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1 and (
        min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1
    )


def over_time_adjusted(faces: dict[str, Any]) -> None:
    """A panellist on the floor of Thematic discussion I, their time cut by 5 min: running over,
    the status line at its longest ("Running · over time · 5 min allotted (-5 min adjusted)")."""
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, {"type": "start_segment"})
    command(faces, segment, {"type": "call_next"})
    command(faces, segment, {"type": "start_timer"})
    command(faces, segment, {"type": "adjust_time", "delta_ms": -300_000})


def measured(page: Page) -> dict[str, Any]:
    expect(page.locator(".speaker-card")).to_have_attribute("data-phase", "overtime")
    expect(page.locator("#timer-facts")).to_contain_text("5")
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    found: dict[str, Any] = page.evaluate(CARD_JS)
    return found


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)], ids=str)
def test_the_speakers_name_keeps_its_column_beside_a_long_status_line(
    browser: Browser, faces: dict[str, Any], size: tuple[int, int]
) -> None:
    over_time_adjusted(faces)
    width, height = size
    wrong: list[tuple[str, str, Any]] = []
    for language in ("fr", "es", "ru", "en", "ar", "zh"):
        page = open_face(browser, "moderator", in_language(faces["moderator"], language))
        page.set_viewport_size({"width": width, "height": height})
        wait_live(page)
        card = measured(page)
        if card["info"]["width"] < 200:
            wrong.append((language, "the name's column is narrow", card["info"]["width"]))
        split = [word for word, lines in card["words"] if lines != 1]
        if split:
            wrong.append((language, "a word of the name or heading is split", split))
        for tag in card["tags"]:
            if tag["width"] and any(
                overlap(tag, card[other]) for other in ("facts", "floor", "timer")
            ):
                wrong.append((language, "a tag is drawn over the timer's lines", tag))
        if overlap(card["info"], card["timer"]):
            wrong.append((language, "the name's column runs under the timer", card["info"]))
        page.context.close()
    assert wrong == []


def test_at_1920_the_status_line_still_keeps_to_one_line(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """A desktop's card has the width: its status line is not wrapped for the laptop's sake."""
    over_time_adjusted(faces)
    for language in ("fr", "es"):
        page = open_face(browser, "moderator", in_language(faces["moderator"], language))
        page.set_viewport_size({"width": 1920, "height": 1080})
        wait_live(page)
        card = measured(page)
        facts = page.locator("#timer-facts")
        lines = facts.evaluate(
            "(node) => Math.round(node.getBoundingClientRect().height"
            " / parseFloat(getComputedStyle(node).lineHeight))"
        )
        assert lines == 1, (language, card["facts_text"], card["facts"])
        assert card["info"]["width"] >= 300, card["info"]
        page.context.close()
