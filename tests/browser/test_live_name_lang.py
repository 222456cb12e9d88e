"""The public live page says a new speaker's name in the name's own language.

"Now speaking: {name}" is said to a screen reader (#said, role status) in the page's language;
the name inside it carries its own ``lang`` (the server's ``name_lang``), so an Arabic or a
Chinese name is read with an Arabic or a Chinese voice on an English page, and a name in Latin
letters in the page's. The name stays isolated from the sentence around it (FSI … PDI).
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, expect

from .conftest import open_face, wait_live
from .test_languages import dictionaries

WORDS = dictionaries()
DISCUSSION_I = 1  # the demo segment with thirteen panellists
#: Speakers the moderator puts at the top of the queue: name, organisation, the name's language.
SPEAKERS = [
    ("ليلى حداد", "المجلس الوطني", "ar"),
    ("李伟", "", "zh"),
    ("Amina Diallo", "", None),
]  # fmt: skip


def test_the_announced_name_carries_its_own_lang(browser: Browser, faces: dict[str, Any]) -> None:
    api = faces["api"]
    segment = str(faces["event"]["segments"][DISCUSSION_I]["id"])
    api.command(segment, {"type": "start_segment"}).raise_for_status()
    api.ok("PATCH", f"/events/{faces['event']['id']}", json={"live_published": True})
    for position, (name, organisation, _) in enumerate(SPEAKERS):
        body = {"type": "add_speaker", "name": name, "organisation": organisation}
        command = {**body, "kind": "intervention", "position": position}
        api.command(segment, command).raise_for_status()
    url = f"{faces['server'].base}/live/{faces['event']['id']}?lang=en"
    page = open_face(browser, "delegate", url)  # a phone
    wait_live(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    said = page.locator("#said")

    for name, organisation, lang in SPEAKERS:
        api.command(segment, {"type": "call_next"}).raise_for_status()
        expect(page.locator("#speaker-name")).to_have_text(name)
        key = "live.said_speaker_org" if organisation else "live.said_speaker"
        sentence = WORDS["en"][key].replace("{name}", f"\u2068{name}\u2069")
        expect(said).to_have_text(sentence.replace("{organisation}", f"\u2068{organisation}\u2069"))
        spoken = said.locator(".said-name")
        expect(spoken).to_have_text(f"\u2068{name}\u2069")
        if lang:
            expect(spoken).to_have_attribute("lang", lang)
        else:
            # a name in Latin letters is read in the page's language: no lang of its own
            assert spoken.get_attribute("lang") is None
        if organisation:  # the organisation too, in its own script's voice (Arabic here)
            expect(said.locator(".said-organisation")).to_have_attribute("lang", "ar")
        # the sentence around it stays in the page's language
        assert said.evaluate("node => node.closest('[lang]').lang") == "en"
