"""The rapporteur's page in the six UN languages: Arabic right to left, French, the language
picker, and the page's work (accept, tag, show on the room display) done in Arabic.

The words expected are read from the dictionaries (frontend/static/js/i18n/rapporteur.js and the
shared ones), not guessed; the contributions stay in the language they were written in.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from app import gcm
from tests.e2e.server import Api

from .conftest import assert_accessible, contribute, open_face, screenshot
from .test_languages import dictionaries

WORDS = dictionaries()
AR = WORDS["ar"]
FR = WORDS["fr"]
EN = WORDS["en"]

#: Three delegates' contributions, each in its own language: (name, organisation, constituency),
#: (kind, language, text).
CONTRIBUTIONS = [
    (
        ("ليلى حداد", "المجلس الوطني لحقوق الإنسان", "national_human_rights_institution"),
        ("recommendation", "ar", "ضمان وصول جميع المهاجرين إلى العدالة وسبل الانتصاف، "
         "بغض النظر عن وضعهم من حيث الهجرة."),
    ),
    (
        ("Amina Diallo", "Confédération syndicale internationale", "trade_union"),
        ("pledge", "fr", "Nous nous engageons à financer dix centres d'accueil pour les "
         "travailleurs migrants d'ici 2026."),
    ),
    (
        ("Grace Mensah", "PICUM", "civil_society"),
        ("recommendation", "en", "Guarantee access to health care for all migrants, "
         "regardless of status."),
    ),
    (
        ("Juma Otieno", "Kituo cha Sheria", "civil_society"),
        ("pledge", "other", "Tunaahidi kutoa msaada wa kisheria bila malipo kwa wahamiaji."),
    ),
]  # fmt: skip


def fill_in(text: str, **values: object) -> str:
    """A dictionary string with its {placeholders} filled, as i18n.js t() fills them."""
    return re.sub(r"\{(\w+)\}", lambda match: str(values[match.group(1)]), text)


def _live(page: Page) -> None:
    page.wait_for_function(
        "() => window.floorConnection && window.floorConnection.status === 'live'",
        timeout=15_000,
    )


def _rapporteur_url(faces: dict[str, Any], query: str = "") -> str:
    api: Api = faces["api"]
    link = api.ok(
        "POST",
        f"/events/{faces['event']['id']}/access-links",
        json={"role": "rapporteur", "label": "Rapporteur"},
    )
    path, _, fragment = link["url"].partition("#")
    return f"{faces['server'].base}{path}{query}#{fragment}"


def _contribute(faces: dict[str, Any]) -> list[dict[str, Any]]:
    """The delegates join and send theirs during Thematic discussion I; the outcome's order."""
    api: Api = faces["api"]
    event = faces["event"]
    segment_id = event["segments"][1]["id"]
    api.command(segment_id, {"type": "start_segment"}).raise_for_status()
    contribute(faces, CONTRIBUTIONS, segment_id, "lang")
    return list(api.ok("GET", f"/events/{event['id']}/contributions")["contributions"])


def _no_english_of_the_page(page: Page) -> None:
    """None of the page's own English sentences is left on it (its words are in the page's
    language; the contributions, names and themes people typed are theirs)."""
    shown = page.locator("body").inner_text()
    language = page.locator("html").get_attribute("lang") or "en"
    words = WORDS[language]
    left = [
        text
        for key, text in EN.items()
        if key.startswith("rapporteur.")
        and " " in text
        and words.get(key) != text
        and text in shown
    ]
    assert left == [], left


def test_the_rapporteur_page_speaks_arabic_right_to_left_and_french(
    browser: Browser, faces: dict[str, Any]
) -> None:
    contributions = _contribute(faces)
    by_language = {item["language"]: item for item in contributions}
    numbers = {item["id"]: number for number, item in enumerate(contributions, start=1)}
    arabic = by_language["ar"]
    number = numbers[arabic["id"]]

    page = open_face(browser, "moderator", _rapporteur_url(faces, "?lang=ar"))  # a laptop
    _live(page)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator(".brand-face")).to_have_text(AR["rapporteur.face"])
    expect(page.locator("#connection-status")).to_have_text(AR["rapporteur.conn_live"])
    expect(page.locator("#list-heading")).to_have_text(AR["rapporteur.list_heading"])
    expect(page.locator("#filters-heading")).to_have_text(AR["rapporteur.filter_heading"])
    expect(page.locator("#display-next")).to_have_text(AR["rapporteur.next"])
    expect(page.locator("#list-count")).to_have_text(
        fill_in(AR["rapporteur.count_all"], count=len(contributions))
    )
    expect(page.locator("#detail h2")).to_have_text(AR["rapporteur.choose_heading"])
    expect(page.get_by_label(AR["rapporteur.search"])).to_have_attribute(
        "placeholder", AR["rapporteur.search_placeholder"]
    )
    expect(page.get_by_label(AR["lang.label"], exact=True)).to_have_value("ar")
    # mirrored: the filters' column is on the right, the chosen contribution's on the left
    filters = page.locator(".col-filters").bounding_box()
    detail_box = page.locator("#detail").bounding_box()
    assert filters and detail_box and filters["x"] > detail_box["x"]

    # each contribution is shown in its own language, whatever the page's ("" when another)
    for item in contributions:
        text = page.locator(f"#item-{item['id']} .item-text")
        language = "" if item["language"] == "other" else item["language"]
        expect(text).to_have_attribute("lang", language)
        # an Arabic one right to left whatever its first letter, any other in its own direction
        expect(text).to_have_attribute("dir", "rtl" if language == "ar" else "auto")
    row = page.locator(f"#item-{arabic['id']}")
    expect(row).to_contain_text(AR["rapporteur.status.submitted"])
    expect(row).to_contain_text(AR["contribution.recommendation"])
    expect(row).to_contain_text(AR["constituency.national_human_rights_institution"])

    # the main work, in Arabic: open it, accept it, tag it, show it on the room display
    row.click()
    detail = page.locator("#detail")
    heading = f"#{number} · {AR['contribution.recommendation']}"
    expect(detail.get_by_role("heading", level=2)).to_have_text(heading)
    expect(detail.locator("blockquote.current-text")).to_have_attribute("lang", "ar")
    expect(detail).to_contain_text(AR["language.ar"])
    expect(detail).to_contain_text(AR["rapporteur.undecided"])
    detail.get_by_role("button", name=AR["rapporteur.accept"], exact=True).click()
    expect(detail.locator(".state-pill")).to_have_text(AR["rapporteur.status.accepted"])
    expect(page.locator("#notices")).to_contain_text(
        fill_in(AR["rapporteur.accepted_notice"], number=number)
    )
    expect(detail).to_contain_text(AR["rapporteur.decided_accepted"])
    api: Api = faces["api"]
    saved = api.ok("GET", f"/events/{faces['event']['id']}/contributions")["contributions"]
    assert {item["id"]: item["status"] for item in saved}[arabic["id"]] == "accepted"

    # the objectives' titles in the page's language, from the server's one copy (app/gcm.py)
    detail.get_by_label(re.compile(rf"^15\s*{re.escape(gcm.TITLES['ar'][15])}")).check()
    detail.get_by_role("button", name=AR["rapporteur.tags_save"]).click()
    expect(page.locator("#notices")).to_contain_text(AR["rapporteur.tags_saved"])
    expect(detail).to_contain_text(fill_in(AR["rapporteur.objectives_list#one"], list="15"))

    detail.get_by_role("button", name=AR["rapporteur.show"]).click()
    expect(page.locator("#on-display")).to_contain_text(heading)
    expect(page.locator("#on-display .on-display-text")).to_have_attribute("lang", "ar")
    place = fill_in(AR["display.n_of_count"], n=1, count=1)
    expect(page.locator("#display-place")).to_have_text(f"{AR['display.other_theme']} — {place}")
    expect(row).to_contain_text(AR["rapporteur.on_air"])
    _no_english_of_the_page(page)
    assert_accessible(page)

    page.locator("#notices").evaluate("node => node.replaceChildren()")  # passing notes
    detail.evaluate("node => { node.scrollTop = 0; }")  # the contribution's head and facts
    screenshot(page, "rapporteur-ar")
    page.set_viewport_size({"width": 1280, "height": 720})
    expect(page.locator("#list-heading")).to_be_visible()
    screenshot(page, "rapporteur-ar-1280x720")
    page.set_viewport_size({"width": 1440, "height": 900})

    # the picker: French, at once (the page reloads) and after another reload
    page.get_by_label(AR["lang.label"], exact=True).select_option("fr")
    expect(html).to_have_attribute("lang", "fr")
    expect(html).to_have_attribute("dir", "ltr")
    _live(page)
    assert "lang=" not in page.url  # the choice is this browser's, not the link's
    page.reload()
    _live(page)
    expect(html).to_have_attribute("lang", "fr")
    expect(page.locator("#list-heading")).to_have_text(FR["rapporteur.list_heading"])
    expect(page.get_by_label(FR["lang.label"], exact=True)).to_have_value("fr")
    expect(page.locator("#display-previous")).to_have_text(FR["rapporteur.previous"])

    # a decision in French: set the English one aside, saying why
    english = by_language["en"]
    page.locator(f"#item-{english['id']}").click()
    expect(detail.get_by_role("heading", level=2)).to_have_text(
        f"#{numbers[english['id']]} · {FR['contribution.recommendation']}"
    )
    detail.get_by_label(FR["rapporteur.set_aside_label"]).fill("Déjà couvert par la n° 1")
    detail.get_by_role("button", name=FR["rapporteur.set_aside"], exact=True).click()
    expect(detail.locator(".decision-state")).to_have_text(
        fill_in(FR["rapporteur.decided_set_aside_note"], note="Déjà couvert par la n° 1")
    )
    expect(page.locator(f"#item-{english['id']}")).to_contain_text(
        FR["rapporteur.status.set_aside"]
    )
    expect(detail).to_contain_text(FR["constituency.civil_society"])
    _no_english_of_the_page(page)
    page.locator("#notices").evaluate("node => node.replaceChildren()")
    detail.evaluate("node => { node.scrollTop = 0; }")
    screenshot(page, "rapporteur-fr")


def test_the_rapporteur_renders_an_arabic_recommendation_in_english_as_a_translation(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """The rapporteur's page names the wording's language (known gap of probe H): a new wording
    in English of an Arabic recommendation is saved as a translation — `language` en,
    `original_language` ar — the Arabic original stays right to left beside it, and the facts
    say what it was translated from."""
    contributions = _contribute(faces)
    arabic = next(item for item in contributions if item["language"] == "ar")
    page = open_face(browser, "moderator", _rapporteur_url(faces, "?lang=en"))
    _live(page)
    # the author's and the organisation's names are read in Arabic on an English page (the
    # server says each name's language), in the list and in the detail
    card = page.locator(f"#item-{arabic['id']}")
    expect(card.locator("bdi", has_text="ليلى حداد")).to_have_attribute("lang", "ar")
    expect(card.locator("bdi", has_text="المجلس الوطني")).to_have_attribute("lang", "ar")
    latin = page.locator(".item bdi", has_text="Grace Mensah")
    expect(latin).not_to_have_attribute("lang", re.compile(".+"))
    # its name is short (number, kind, state, the language in words, the text's beginning);
    # who and where are its description
    expect(card).to_have_accessible_name(
        re.compile(r"^#\d+ Recommendation Submitted Arabic ضمان وصول جميع المهاجرين .*الهجرة\.$")
    )
    expect(card).to_have_accessible_description(re.compile("^ليلى حداد · المجلس الوطني"))
    page.locator(f"#item-{arabic['id']}").click()
    detail = page.locator("#detail")
    expect(detail.locator("bdi", has_text="ليلى حداد")).to_have_attribute("lang", "ar")
    detail.get_by_role("button", name=EN["rapporteur.edit_open"]).click()
    language = detail.get_by_label(EN["rapporteur.edit_language"])
    expect(language).to_have_value("ar")
    expect(detail.locator("#edit-text")).to_have_attribute("dir", "rtl")
    wording = "Ensure access to justice and remedies for all migrants, regardless of status."
    detail.locator("#edit-text").fill(wording)
    language.select_option("en")
    expect(detail.locator("#edit-text")).to_have_attribute("lang", "en")
    detail.get_by_role("button", name=EN["rapporteur.edit_save"]).click()
    expect(page.locator("#notices")).to_contain_text(EN["rapporteur.wording_saved"])

    api: Api = faces["api"]
    saved = api.ok("GET", f"/events/{faces['event']['id']}/contributions")["contributions"]
    mine = next(item for item in saved if item["id"] == arabic["id"])
    assert (mine["text"], mine["language"], mine["original_language"]) == (wording, "en", "ar")
    expect(detail.locator("blockquote.current-text")).to_have_attribute("lang", "en")
    original = detail.locator("blockquote.original-text")
    expect(original).to_have_attribute("dir", "rtl")
    expect(original).to_have_attribute("lang", "ar")
    expect(detail).to_contain_text(
        fill_in(EN["rapporteur.translated_from"], language=EN["language.ar"])
    )

    # the language alone is a change too: back to Arabic's neighbour, French, without new words
    detail.get_by_role("button", name=EN["rapporteur.edit_open"]).click()
    save = detail.get_by_role("button", name=EN["rapporteur.edit_save"])
    expect(save).to_be_disabled()
    detail.get_by_label(EN["rapporteur.edit_language"]).select_option("fr")
    expect(save).to_be_enabled()
    detail.get_by_label(EN["rapporteur.edit_language"]).select_option("en")
    expect(save).to_be_disabled()
    assert_accessible(page)
    page.locator("#notices").evaluate("node => node.replaceChildren()")
    screenshot(page, "rapporteur-translation")
    page.context.close()


def test_the_sign_in_card_speaks_the_language_asked_for(
    browser: Browser, faces: dict[str, Any]
) -> None:
    page = open_face(browser, "moderator", f"{faces['server'].base}/rapporteur?lang=ar")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#signin-message")).to_have_text(AR["staff.signin.none"])
    expect(page.locator("#signin-heading")).to_have_text(AR["rapporteur.face"])
    expect(page.locator(".signin-help").first).to_have_text(AR["rapporteur.signin_help"])
    expect(page.locator("#signin-example")).to_have_text(re.compile(r"/rapporteur#key=…$"))
    expect(page.locator("#connection-status")).to_have_text(AR["rapporteur.conn_signed_out"])
    assert_accessible(page)
