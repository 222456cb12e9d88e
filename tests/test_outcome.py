"""app/outcome.py: the hearing's outcome summary (issue 12, item 5) as Markdown, an A4 print
view and a Word document, with hostile text kept as text and Arabic set right to left."""

from __future__ import annotations

import base64
import csv
import dataclasses
import hashlib
import io
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph

from app.floor.scripts import mostly_right_to_left
from app.outcome import (
    GCM_OBJECTIVES,
    OUTCOME_CSP,
    PRINT_CSS,
    Outcome,
    OutcomeItem,
    SpeakingFigures,
    counts,
    reference,
    render_docx,
    render_html,
    render_markdown,
    sections,
)

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "docs" / "screenshots" / "outcome-print.png"

THEMES = [
    ("t1", "Thematic discussion I: Assessing the progress, gaps, and challenges"),
    ("t2", "Thematic discussion II: Commitments to advance the implementation of the GCM"),
    ("t3", "Thematic discussion III: Group reflection"),
]
HEALTH = "Guarantee access to health care regardless of migratory status."
ARABIC = "ضمان وصول جميع المهاجرين إلى العدالة وسبل الانتصاف، بغض النظر عن وضعهم من حيث الهجرة."
FRENCH = "Nous nous engageons à soutenir 30 villes dans l'élaboration de plans locaux d'ici 2026."
CHINESE = "我们承诺在2026年前为10,000名移民工人提供免费的技能认证。"
HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> **bold** [a](javascript:x) & "q"'


def _item(id: str, kind: str, text: str, constituency: str, **changes: object) -> OutcomeItem:
    item = OutcomeItem(
        id=id,
        kind=kind,
        text=text,
        constituency=constituency,
        organisation="",
        author="Someone Named",
        themes=("t1",),
        objectives=(),
        language="en",
        segment_title="Thematic discussion I",
        number=int(id[1:]) if id[1:].isdigit() else 0,  # c3 is #3 on the rapporteur's page
    )
    return dataclasses.replace(item, **changes)  # type: ignore[arg-type]


ITEMS = [
    _item("c1", "recommendation", HEALTH, "civil_society", organisation="PICUM",
          objectives=(15, 7)),
    _item("c2", "pledge", FRENCH, "local_and_regional_authorities", themes=("t2", "t1"),
          organisation="Cités et Gouvernements Locaux Unis", objectives=(23,), language="fr"),
    _item("c3", "recommendation", ARABIC, "national_human_rights_institution", themes=("t2",),
          organisation="المجلس الوطني لحقوق الإنسان", objectives=(7,), language="ar"),
    _item("c4", "pledge", CHINESE, "trade_union", themes=(), organisation="中华全国总工会",
          objectives=(18, 6), language="zh"),
    _item("c5", "recommendation", HOSTILE, "<i>academia</i>", themes=("nope",),
          organisation="</bdi><b>Uni</b>", objectives=(99,), language='en" onclick="x'),
    _item("c6", "recommendation", "Alternatives to detention for children.", "civil_society",
          objectives=(13,)),
]  # fmt: skip

FIGURES = SpeakingFigures(
    turns=42,
    held_ms=11_525_000,  # 3:12:05
    by_constituency={
        "member_state": (10, 4_000_000),
        "civil_society": (12, 3_100_000),
        "trade_union": (5, 1_500_000),
    },
)


def _outcome(**changes: object) -> Outcome:
    outcome = Outcome(
        event_title="IMRF: Informal Interactive Multi-Stakeholder Hearing",
        venue="United Nations Headquarters",
        room="Conference Room 4",
        date="2022-05-16",
        timezone="America/New_York",
        generated_at=1_652_738_700_000,  # 18:05 in New York
        items=ITEMS,
        themes=THEMES,
        figures=FIGURES,
    )
    return dataclasses.replace(outcome, **changes)  # type: ignore[arg-type]


# --- what every format shows --------------------------------------------------------------------


def test_items_are_grouped_by_theme_in_programme_order_then_kind_other_last() -> None:
    grouped = sections(_outcome())
    assert [s.label for s in grouped] == [THEMES[0][1], THEMES[1][1], "Other"]  # t3: empty
    first, second, other = grouped
    assert [(heading, [p.item.id for p in placed]) for heading, placed in first.kinds] == [
        ("Recommendations", ["c1", "c6"])
    ]
    assert [(heading, [p.item.id for p in placed]) for heading, placed in second.kinds] == [
        ("Recommendations", ["c3"]),
        ("Pledges", ["c2"]),  # under its first theme only, the other named on it
    ]
    assert second.kinds[1][1][0].also == (THEMES[0][1],)
    assert [[p.item.id for p in placed] for _, placed in other.kinds] == [["c5"], ["c4"]]
    listed = [p.item.id for s in grouped for _, placed in s.kinds for p in placed]
    assert sorted(listed) == sorted(item.id for item in ITEMS)  # each item exactly once


def test_an_unknown_kind_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'motion'"):
        sections(_outcome(items=[_item("x", "motion", "text", "media")]))


def test_counts_by_constituency_most_first() -> None:
    assert counts(_outcome()) == [
        ("Civil society", 2, 0),
        ("<i>academia</i>", 1, 0),  # an unknown value is printed as it is (and escaped)
        ("Local and regional authorities", 0, 1),
        ("National human rights institution", 1, 0),
        ("Trade union", 0, 1),
    ]


def test_a_merge_of_several_constituencies_says_why_the_rows_add_up_to_more() -> None:
    """Outside probe H: a recommendation merged into another constituency's counted in both
    rows, and the table's rows added up to more than its Total, unexplained. The total stays
    the number of contributions; a sentence under the table says why, in every format."""
    merged = dataclasses.replace(ITEMS[0], merged_from=(("migrant_association", "José Núñez"),))
    outcome = _outcome(items=[merged, *ITEMS[1:]])
    note = "A contribution merged from several constituencies counts in the row of each"
    rows = counts(outcome)
    assert sum(r + p for _, r, p in rows) == len(outcome.items) + 1
    assert note in render_markdown(outcome)
    assert note in render_html(outcome)
    paragraphs = [p.text for p in Document(io.BytesIO(render_docx(outcome))).paragraphs]
    assert any(text.startswith(note) for text in paragraphs)
    # nothing merged across constituencies: nothing to explain
    assert note not in render_markdown(_outcome())


def test_a_line_that_begins_with_a_number_stays_text_in_markdown() -> None:
    """Outside probe H: "1. numbered" was written "\\1. numbered", which CommonMark prints with
    its backslash (a backslash before a digit escapes nothing)."""
    item = dataclasses.replace(ITEMS[5], text="Three steps:\n1. numbered\n2) then")
    md = render_markdown(_outcome(items=[item]))
    assert "1\\. numbered" in md and "2\\) then" in md
    assert "\\1" not in md and "\\2" not in md


def test_the_objectives_are_the_compacts_23() -> None:
    assert sorted(GCM_OBJECTIVES) == list(range(1, 24))
    assert (
        GCM_OBJECTIVES[5]
        == "Enhance availability and flexibility of pathways for regular migration"
    )
    shared = ROOT.parent / "shared" / "brief" / "gcm-objectives.csv"
    if shared.exists():  # the table this copy was made from, where it is at hand
        with shared.open(newline="") as f:
            table = {int(row["number"]): row["objective"] for row in csv.DictReader(f)}
        assert table == GCM_OBJECTIVES


@pytest.mark.parametrize(
    ("text", "rtl"),
    [
        (ARABIC, True),
        ("نقترح دعم منظمة PICUM و IOM في 2026", True),  # Arabic with Latin names
        (HEALTH, False),
        (CHINESE, False),
        ("Nous soutenons l'initiative « الهجرة الآمنة »", False),  # French quoting Arabic
        ("2026 — 10,000", False),  # no letters: left to right
    ],
)
def test_right_to_left_when_mostly_right_to_left_letters(text: str, rtl: bool) -> None:
    assert mostly_right_to_left(text) is rtl


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_has_the_headings_items_constituencies_objectives_and_figures() -> None:
    md = render_markdown(_outcome())
    assert md.startswith("# IMRF: Informal Interactive Multi-Stakeholder Hearing\n")
    assert "Conference Room 4, United Nations Headquarters · Monday 16 May 2022" in md
    assert "at 18:05 (America/New\\_York, UTC\u22124)" in md  # a minus sign, read "minus"
    assert "**6 contributions: 4 recommendations and 2 pledges, from 5 constituencies.**" in md
    headings = re.findall(r"^#{2,3} .*$", md, re.MULTILINE)
    assert headings == [
        f"## {THEMES[0][1]}", "### Recommendations",
        f"## {THEMES[1][1]}", "### Recommendations", "### Pledges",
        "## Other", "### Recommendations", "### Pledges",
        "## Contributions by constituency", "## The day's speaking figures",
    ]  # fmt: skip
    # numbered through the document, each with its number on the rapporteur's page
    assert f"1. {HEALTH}\\\n   *Civil society* (PICUM) · #1\\\n" in md
    assert "   Objective 7 — Address and reduce vulnerabilities in migration\\\n" in md
    assert "   Objective 15 — Provide access to basic services for migrants\n" in md
    assert "2. Alternatives to detention for children.\\\n" in md
    assert (
        f"3. {ARABIC}\\\n   *National human rights institution* (المجلس الوطني لحقوق الإنسان)"
        " · #3 · \\[Original: Arabic\\]\\\n"
    ) in md
    assert "4. Nous nous engageons" in md and "6. 我们承诺" in md
    assert "Also: Thematic discussion I: Assessing" in md
    assert "| Civil society | 2 | 0 | 2 |" in md
    assert "| **Total** | **4** | **2** | **6** |" in md
    assert "42 turns, 3\u00a0h 12\u00a0min holding the floor." in md  # not "3:12:05": units
    assert "| Member State | 10 | 1\u00a0h 7\u00a0min | 35 % |" in md
    assert "| Civil society | 12 | 51\u00a0min 40\u00a0s | 27 % |" in md
    assert "Someone Named" not in md  # the summary speaks for constituencies, not persons


def test_markdown_keeps_hostile_text_as_text() -> None:
    md = render_markdown(_outcome())
    assert not re.search(r"(?<!\\)[<\[]", md)  # no tag, no link: each escaped
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert "\\*\\*bold\\*\\* \\[a\\](javascript:x)" in md
    assert "(\\</bdi\\>\\<b\\>Uni\\</b\\>)" in md
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert all(line.count(" | ") == 3 for line in rows)  # no cell split by a "|" in a name


#: Outside probe, finding 8: a contribution's character references, which a Markdown renderer
#: read as the right-to-left override the cleaning had taken out of the text
REFERENCES = "Bidi entity &#x202E;gnp.exe and &#8238;txt.exe, &amp; AT&T"


def _references_in_markdown() -> str:
    return render_markdown(_outcome(items=[dataclasses.replace(ITEMS[5], text=REFERENCES)]))


def test_markdown_keeps_character_references_as_text() -> None:
    md = _references_in_markdown()
    assert "Bidi entity \\&#x202E;gnp.exe and \\&#8238;txt.exe, \\&amp; AT\\&T" in md
    assert not re.search(r"(?<!\\)&", md)  # every "&" escaped: no reference begins


def test_markdown_renders_character_references_as_typed() -> None:
    """What a CommonMark renderer makes of it: the text as it was typed, no U+202E."""
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(_references_in_markdown())
    assert "\u202e" not in html
    assert "Bidi entity &amp;#x202E;gnp.exe and &amp;#8238;txt.exe, &amp;amp; AT&amp;T" in html
    # unescaped, the same text would have brought the override back
    assert "\u202e" in markdown_it.MarkdownIt("commonmark").render(REFERENCES)


# --- the print view -----------------------------------------------------------------------------


def test_the_print_view_is_a4_serif_self_contained_with_escaped_text() -> None:
    page = render_html(_outcome())
    assert page.startswith('<!doctype html>\n<html lang="en" dir="ltr">')
    assert "@page { size: A4; margin: 20mm 18mm 22mm;" in page
    assert "serif; }" in page and "break-inside: avoid" in page
    assert "<script" not in page.lower()
    assert "<img" not in page and "<b>Uni" not in page and "</bdi><b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&lt;i&gt;academia&lt;/i&gt;" in page
    assert 'onclick="x' not in page and "onclick=&quot;x" not in page  # no lang made of it
    assert not re.search(r"https?://|url\(|@import", page)
    assert not re.search(r"<[^>]*\s(src|href|on[a-z]+)=", page)  # no tag fetches or runs
    assert "Someone Named" not in page


def test_each_items_text_has_its_direction_and_language() -> None:
    """One direction rule in every format: written in Arabic, right to left whatever its first
    letter (an Arabic pledge starting "2024: UNHCR" read left to right with ``dir="auto"``);
    another, as its own letters say."""
    led_by_latin = _item("c9", "pledge", "2024: UNHCR سيقدم 5 ملايين دولار", "un_system",
                         language="ar")  # fmt: skip
    page = render_html(_outcome(items=[*ITEMS, led_by_latin]))
    texts = re.findall(r'<p class="text" dir="(\w+)"( lang="[^"]*")?>([^<]*)</p>', page)
    assert len(texts) == len(ITEMS) + 1
    assert ("rtl", ' lang="ar"', ARABIC) in texts
    assert ("rtl", ' lang="ar"', led_by_latin.text) in texts
    assert ("auto", ' lang="zh"', CHINESE) in texts
    assert ("auto", ' lang="en"', HEALTH) in texts
    assert '<ol class="items" start="1">' in page and '<ol class="items" start="3">' in page
    assert '<span class="constituency">Civil society</span> (<bdi>PICUM</bdi>)' in page
    assert "Objective 15 — Provide access to basic services for migrants" in page
    assert "<h2>Other</h2>" in page and "<h3>Pledges</h3>" in page
    assert '<tr><th scope="row">Civil society</th><td class="n">2</td>' in page
    assert "42 turns, 3\u00a0h 12\u00a0min holding the floor." in page
    assert '<td class="n">51\u00a0min 40\u00a0s</td>' in page


def test_the_policy_allows_exactly_the_inline_style() -> None:
    page = render_html(_outcome())
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    assert style == PRINT_CSS
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in OUTCOME_CSP
    assert "default-src 'none'" in OUTCOME_CSP and "script-src" not in OUTCOME_CSP


def test_an_empty_day_still_renders_in_every_format() -> None:
    empty = _outcome(items=[], figures=SpeakingFigures(turns=0, held_ms=0, by_constituency={}))
    for text in (render_markdown(empty), render_html(empty)):
        assert "No contribution has been accepted yet." in text
        assert "No turn was recorded." in text
    assert _docx(empty).paragraphs[0].text == "IMRF: Informal Interactive Multi-Stakeholder Hearing"
    # nothing recorded: the sentence says so, and no empty table of figures follows it
    assert "| Constituency | Turns |" not in render_markdown(empty)
    assert "Time holding the floor" not in render_html(empty)
    assert len(_docx(empty).tables) == 1  # the contributions' counts only


def test_a_day_with_no_venue_room_or_date_opens_without_an_empty_line() -> None:
    """The Markdown's line under the title is where and when; without either it is left out,
    not written as a lone line break."""
    bare = _outcome(venue="", room="", date="")
    lines = render_markdown(bare).splitlines()
    assert lines[:2] == ["# IMRF: Informal Interactive Multi-Stakeholder Hearing", ""]
    assert lines[2].startswith("**6 contributions")
    assert "\\" not in lines  # no line holding only Markdown's line break


def test_an_unknown_time_zone_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="Atlantis/Capital"):
        render_html(_outcome(timezone="Atlantis/Capital"))


def test_a_date_not_in_iso_form_is_printed_as_given() -> None:
    assert "16 to 17 May 2022" in render_markdown(_outcome(date="16 to 17 May 2022"))


def test_chromium_prints_the_view_on_a4_right_to_left_where_arabic_and_fetches_nothing() -> None:
    """The print view in Debian's chromium: no request leaves the page, the Arabic item reads
    right to left, the PDF's pages are A4; the screenshot is docs/screenshots/outcome-print.png."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (scripts/test installs it)")
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.on("request", lambda request: requests.append(request.url))
            page.set_content(render_html(_outcome(items=ITEMS[:4] + ITEMS[5:])))
            arabic = page.locator("p.text", has_text=ARABIC)
            assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
            english = page.locator("p.text", has_text=HEALTH)
            assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()
    assert requests == []  # set_content itself is no request; nothing else was asked for
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert boxes and all(abs(float(w) - 595) < 1 and abs(float(h) - 842) < 1 for w, h in boxes)


# --- the Word document --------------------------------------------------------------------------


def _docx(outcome: Outcome) -> DocxDocument:
    return Document(io.BytesIO(render_docx(outcome)))


def _paragraph(doc: DocxDocument, starting: str) -> Paragraph:
    (found,) = [p for p in doc.paragraphs if p.text.startswith(starting)]
    return found


def test_the_word_document_has_the_title_and_headings_per_theme_then_kind() -> None:
    doc = _docx(_outcome())
    headings = [
        (p.style.name, p.text)
        for p in doc.paragraphs
        if p.style is not None and p.style.name in ("Title", "Heading 1", "Heading 2", "Heading 3")
    ]
    assert headings == [
        ("Heading 1", "IMRF: Informal Interactive Multi-Stakeholder Hearing"),
        ("Heading 2", THEMES[0][1]), ("Heading 3", "Recommendations"),
        ("Heading 2", THEMES[1][1]), ("Heading 3", "Recommendations"), ("Heading 3", "Pledges"),
        ("Heading 2", "Other"), ("Heading 3", "Recommendations"), ("Heading 3", "Pledges"),
        ("Heading 2", "Contributions by constituency"),
        ("Heading 2", "The day's speaking figures"),
    ]  # fmt: skip
    assert (
        doc.paragraphs[1].text
        == "Conference Room 4, United Nations Headquarters · Monday 16 May 2022"
    )
    assert doc.core_properties.title == "IMRF: Informal Interactive Multi-Stakeholder Hearing"
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert abs(section.page_width - Mm(210)) < Mm(0.1)  # A4, to Word's twentieths of a point
    assert abs(section.page_height - Mm(297)) < Mm(0.1)


def test_an_item_is_a_list_paragraph_with_its_constituency_in_italics() -> None:
    doc = _docx(_outcome())
    item = _paragraph(doc, HEALTH)
    assert item.style is not None and item.style.name == "List Number"
    assert item.text == HEALTH  # who and the tags follow, a paragraph each
    by = _paragraph(doc, "Civil society (PICUM)")
    assert by.style is not None and by.style.name == "List Continue"
    italic = [run.text for run in by.runs if run.italic]
    assert italic == ["Civil society"]
    objective = _paragraph(doc, "Objective 15 — Provide access to basic services for migrants")
    assert objective.style is not None and objective.style.name == "List Continue"
    assert "Someone Named" not in "\n".join(p.text for p in doc.paragraphs)
    hostile = _paragraph(doc, "<script>")
    assert hostile.text.startswith(HOSTILE)  # as typed: Word shows text, it runs nothing


def test_the_counts_and_speaking_figures_are_tables() -> None:
    counted, spoken = _docx(_outcome()).tables
    rows = [[cell.text for cell in row.cells] for row in counted.rows]
    assert rows[0] == ["Constituency", "Recommendations", "Pledges", "Total"]
    assert rows[1] == ["Civil society", "2", "0", "2"]
    assert rows[-1] == ["Total", "4", "2", "6"]
    assert len(rows) == 1 + 5 + 1
    assert [cell.text for cell in spoken.rows[1].cells] == [
        "Member State", "10", "1\u00a0h 7\u00a0min", "35 %",
    ]  # fmt: skip


def test_an_arabic_item_is_a_right_to_left_paragraph_and_others_are_not() -> None:
    doc = _docx(_outcome())
    arabic = _paragraph(doc, ARABIC)
    properties = arabic._p.pPr
    assert properties is not None and properties.find(qn("w:bidi")) is not None
    tags = [child.tag for child in properties]
    assert tags.index(qn("w:pStyle")) < tags.index(qn("w:bidi"))  # where the schema wants it
    assert arabic.runs[0].font.rtl is True
    for text in (HEALTH, FRENCH, CHINESE):
        other = _paragraph(doc, text)._p.pPr
        assert other is not None and other.find(qn("w:bidi")) is None
    # its English lines (who, the tags) follow in a left-to-right paragraph of their own, so
    # Word does not lay them out right to left with the item's text
    assert arabic.text == ARABIC
    after = doc.paragraphs[[p._p for p in doc.paragraphs].index(arabic._p) + 1]
    assert after.text.startswith("National human rights institution")
    assert after._p.pPr is None or after._p.pPr.find(qn("w:bidi")) is None
    rtl = [run.text for run in after.runs if run.font.rtl]
    assert rtl == ["المجلس الوطني لحقوق الإنسان"]  # the organisation's Arabic name only


def test_characters_xml_cannot_hold_are_dropped_not_a_failure() -> None:
    broken = _item("z", "pledge", "We pledge\x00 to act\x0b now\ufffe.", "media")
    doc = _docx(_outcome(items=[broken]))
    assert _paragraph(doc, "We pledge").text.startswith("We pledge to act now.")


def test_the_document_of_a_contributions_own_language_prints_its_own_words() -> None:
    """An Arabic pledge the rapporteur put into English: the Arabic summary prints the Arabic
    wording, right to left and unmarked; every other language's the English, marked."""
    arabic = "\u0646\u062a\u0639\u0647\u062f \u0628\u0639\u0645\u0644"
    item = _item("c2", "pledge", "We pledge decent work", "civil_society", language="en")
    item = dataclasses.replace(item, original_language="ar", original_wording=arabic, number=4)
    in_arabic = _outcome(items=[item], language="ar")
    markdown = render_markdown(in_arabic)
    assert arabic in markdown and "We pledge decent work" not in markdown
    assert "#4" in markdown and "[\u0627\u0644\u0623\u0635\u0644" not in markdown
    page = render_html(in_arabic)
    assert f'dir="rtl" lang="ar">{arabic}</p>' in page
    assert _paragraph(_docx(in_arabic), arabic[:5]).text.startswith(arabic)
    for language in ("en", "fr", "zh"):
        other = render_markdown(_outcome(items=[item], language=language))
        assert "We pledge decent work" in other and arabic not in other, language


@pytest.mark.parametrize(
    ("language", "original", "document", "marked"),
    [
        ("ar", "ar", "ar", False),  # as said, in the document's language
        ("ar", "ar", "en", True),  # as said, in another language than the document's
        ("en", "ar", "en", True),  # put in English: a translation, in the English document
        ("en", "ar", "ar", True),  # put in English, in the Arabic document (outside probe)
        ("en", "en", "ar", True),
        ("en", "", "en", False),  # no original known: its own language
    ],
)
def test_an_item_is_marked_with_its_original_when_it_is_not_read_in_it(
    language: str, original: str, document: str, marked: bool
) -> None:
    item = _item("c2", "pledge", HEALTH, "civil_society", language=language)
    item = dataclasses.replace(item, original_language=original)
    said = reference(item, document)
    assert ("[" in said) is marked, said


def test_an_arabic_documents_item_number_reads_hash_then_number() -> None:
    """Outside probe J: after Arabic letters "#1" was drawn "1#" (the digits an Arabic number,
    "#" the line's direction); the number is its own left-to-right island, as the rapporteur's
    page writes it. Other documents are left as they are."""
    item = dataclasses.replace(_item("c2", "pledge", HEALTH, "civil_society"), number=1)
    assert reference(item, "ar").startswith("\u2066#1\u2069")
    assert reference(item, "en").startswith("#1")
    page = render_html(_outcome(items=[item], language="ar"))
    assert '<span class="ref">\u2066#1\u2069' in page
