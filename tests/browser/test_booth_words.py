"""The booth's language badges keep their words whole in the six languages: "Idioma
desconocido", "Язык неизвестен" broke inside a word ("desconoci/do", "неизвесте/н") where the
browser has no hyphenation for the language (outside probe J, finding 2)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from .conftest import open_face, with_lang
from .test_booth import booth_url, discussion
from .test_room_screens import register

__all__ = ["booth_url", "discussion"]  # the fixtures, imported for this module's tests

#: For each word of each badge: the badge's size, the word, how many lines it takes, and how far
#: (px) it reaches out of the badge's box on either side (0 inside).
WORDS_JS = """() => [...document.querySelectorAll('.booth-lang-word')].flatMap((node) => {
  const text = node.firstChild;
  const box = node.closest('.booth-lang').getBoundingClientRect();
  const size = node.closest('.booth-lang').classList.contains('large') ? 'large' : 'small';
  return [...text.data.matchAll(/\\S+/g)].map((match) => {
    const range = document.createRange();
    range.setStart(text, match.index);
    range.setEnd(text, match.index + match[0].length);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    const all = range.getBoundingClientRect();
    const out = Math.max(0, box.left - all.left, all.right - box.right);
    return [size, match[0], lines.size, Math.round(out)];
  });
})"""


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (1280, 720)], ids=str)
def test_the_language_badges_keep_every_word_whole_in_the_six_languages(
    browser: Browser, faces: dict[str, Any], booth_url: str, discussion: str, size: tuple[int, int]
) -> None:
    """ "Language not known" on the floor (the large badge) and among the next speakers (the
    small ones), "Other" beside it: each word on one line, inside its badge, in every language."""
    # the demo's panellists have no floor language; one who speaks another one is second
    other = {"type": "add_speaker", "participant_id": register(faces, "Chen Wei", "other")}
    faces["api"].command(discussion, other | {"position": 1}).raise_for_status()
    faces["api"].command(discussion, {"type": "call_next"}).raise_for_status()
    width, height = size
    split = []
    for language in ("ru", "es", "en", "fr", "zh", "ar"):
        page = open_face(browser, "display", with_lang(booth_url, language))
        page.set_viewport_size({"width": width, "height": height})
        expect(page.locator("#now .booth-lang.large.unknown")).to_be_visible()
        expect(page.locator("#next .booth-lang")).to_have_count(3)
        page.wait_for_function("() => document.fonts.status === 'loaded'")
        words = page.evaluate(WORDS_JS)
        assert {tuple(word[:1]) for word in words} == {("large",), ("small",)}, words
        split += [(language, *word) for word in words if word[2] != 1 or word[3] > 0]
        page.context.close()
    assert split == []
