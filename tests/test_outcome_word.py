# ruff: noqa: RUF001  (the six languages' own letters and punctuation)
"""The outcome summary in Word as a screen reader reaches it (outside probe W, #2 #3 #7 #8 #9
#10 #11 #12): read from the file's XML (``word/document.xml``, ``styles.xml``,
``settings.xml``), as NVDA and JAWS get it through Word: tables with a repeated header row, a
caption and a description; each run in the language of its letters; durations with units; one
paragraph per paragraph; the print view's outline; headings that can be read; a file name that
says what and when."""

from __future__ import annotations

import dataclasses
import html as markup
import itertools
import re
import zipfile
from io import BytesIO
from typing import Any
from xml.etree import ElementTree as etree

import pytest

from app.outcome import (
    LANGUAGES,
    WORDS,
    Outcome,
    download_name,
    duration,
    render_docx,
    render_html,
    render_markdown,
)
from tests.test_outcome import ITEMS, THEMES, _item, _outcome

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RUSSIAN_ORGANISATION = "Российский Красный Крест"
CHINESE_ORGANISATION = "中国移民研究中心"
ARABIC_ORGANISATION = "الشبكة العربية للهجرة"
TWO_PARAGRAPHS = "First paragraph, to protect migrant workers.\n\nSecond paragraph, in full."
LABOUR = "Права трудящихся"  # a theme the rapporteur typed in Russian


def _day(language: str = "en", **changes: object) -> Outcome:
    """The test day, with names in three other scripts, a theme in Russian and a contribution
    of two paragraphs."""
    items = [
        *ITEMS,
        _item("c7", "recommendation", TWO_PARAGRAPHS, "civil_society",
              organisation=RUSSIAN_ORGANISATION, themes=("t1", LABOUR)),
        _item("c8", "pledge", "We pledge ten centres.", "trade_union",
              organisation=CHINESE_ORGANISATION, themes=(LABOUR,),
              merged_from=(("civil_society", ARABIC_ORGANISATION),)),
    ]  # fmt: skip
    themes = [*THEMES, (LABOUR, LABOUR)]
    return _outcome(items=items, themes=themes, language=language, **changes)


class Docx:
    """A produced document's parts, as XML."""

    def __init__(self, outcome: Outcome) -> None:
        with zipfile.ZipFile(BytesIO(render_docx(outcome))) as archive:
            self.document = etree.fromstring(archive.read("word/document.xml"))
            self.styles = etree.fromstring(archive.read("word/styles.xml"))
            self.settings = etree.fromstring(archive.read("word/settings.xml"))

    def body(self) -> Any:
        return self.document.find(f"{W}body")

    def paragraphs(self) -> list[tuple[str, str]]:
        """(style id, text) of each paragraph of the body, tables left out."""
        found = []
        for p in self.body().findall(f"{W}p"):
            style = p.find(f"{W}pPr/{W}pStyle")
            found.append((style.get(f"{W}val") if style is not None else "Normal", _text(p)))
        return found

    def style(self, style_id: str) -> Any:
        (style,) = [s for s in self.styles.iter(f"{W}style") if s.get(f"{W}styleId") == style_id]
        return style

    def outline_level(self, style_id: str) -> int | None:
        level = self.style(style_id).find(f"{W}pPr/{W}outlineLvl")
        return None if level is None else int(level.get(f"{W}val"))

    def runs(self, text: str) -> list[Any]:
        """The runs whose text is ``text``, anywhere in the body."""
        return [r for r in self.body().iter(f"{W}r") if _text(r) == text]

    def default_language(self) -> dict[str, str]:
        lang = self.styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        return _attributes(lang)


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _attributes(element: Any) -> dict[str, str]:
    assert element is not None
    return {key.removeprefix(W): value for key, value in element.attrib.items()}


def _lang(run: Any) -> dict[str, str]:
    lang = run.find(f"{W}rPr/{W}lang")
    return {} if lang is None else _attributes(lang)


# --- #2: tables a screen reader can read ----------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ar"])
def test_each_table_has_a_repeated_header_row_a_caption_and_a_description(language: str) -> None:
    words = WORDS[language]
    tables = Docx(_day(language)).body().findall(f"{W}tbl")
    assert len(tables) == 2
    for table, caption, description, total in (
        (tables[0], words.by_constituency, words.counts_description, True),
        (tables[1], words.speaking_heading, words.speaking_description, False),
    ):
        rows = table.findall(f"{W}tr")
        headers = [row.find(f"{W}trPr/{W}tblHeader") is not None for row in rows]
        assert headers == [True] + [False] * (len(rows) - 1)  # the first row, and only it
        properties = table.find(f"{W}tblPr")
        assert _attributes(properties.find(f"{W}tblCaption"))["val"] == caption
        assert _attributes(properties.find(f"{W}tblDescription"))["val"] == description
        look = _attributes(properties.find(f"{W}tblLook"))
        assert look["firstRow"] == "1" and look["firstColumn"] == "1"  # headers: row and column
        assert look["lastRow"] == ("1" if total else "0")  # the total row, where there is one
        tags = [child.tag.removeprefix(W) for child in properties]
        assert tags[-2:] == ["tblCaption", "tblDescription"]  # where the schema wants them
    assert "constituency" in WORDS["en"].counts_description
    assert len({WORDS[code].counts_description for code in LANGUAGES}) == 6  # each its own


# --- #3: each run in the language of its letters --------------------------------------------------


def test_names_in_another_script_are_marked_with_its_language_in_an_english_document() -> None:
    doc = Docx(_day("en"))
    (russian,) = doc.runs(RUSSIAN_ORGANISATION)
    assert _lang(russian) == {"val": "ru-RU"}  # a Russian voice, not the English one
    (chinese,) = doc.runs(CHINESE_ORGANISATION)
    assert _lang(chinese) == {"eastAsia": "zh-CN"}
    (arabic,) = doc.runs(ARABIC_ORGANISATION)  # credited in "Also made by"
    assert _lang(arabic) == {"bidi": "ar-SA"}
    assert arabic.find(f"{W}rPr/{W}rtl") is not None
    heading, also = doc.runs(LABOUR)  # the theme's heading, and "Also: ..." under an item
    assert _lang(heading) == _lang(also) == {"val": "ru-RU"}
    (picum,) = doc.runs("PICUM")
    assert _lang(picum) == {}  # Latin letters in an English document: the document's


def test_the_chinese_documents_latin_text_is_not_marked_chinese() -> None:
    doc = Docx(_day("zh"))
    # Word's own way: Latin letters in w:val, Chinese in w:eastAsia
    assert doc.default_language() == {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"}
    (title,) = doc.runs("IMRF: Informal Interactive Multi-Stakeholder Hearing")
    assert _lang(title).get("val", "en-US") == "en-US"
    themes = doc.runs(THEMES[0][1])  # an English segment title: a heading, "Also: ..."
    assert themes and all(_lang(theme).get("val", "en-US") == "en-US" for theme in themes)
    (russian,) = doc.runs(RUSSIAN_ORGANISATION)
    assert _lang(russian) == {"val": "ru-RU"}
    (chinese,) = doc.runs(CHINESE_ORGANISATION)
    assert _lang(chinese) == {}  # the document's own
    (item,) = doc.runs("我们承诺在2026年前为10,000名移民工人提供免费的技能认证。")
    assert _lang(item) == {"val": "zh-CN", "eastAsia": "zh-CN"}  # a contribution: its language


def test_latin_names_in_a_russian_document_are_not_marked_russian() -> None:
    doc = Docx(_day("ru"))
    assert doc.default_language()["val"] == "ru-RU"
    (title,) = doc.runs("IMRF: Informal Interactive Multi-Stakeholder Hearing")
    assert _lang(title) == {"val": "en-US"}
    (picum,) = doc.runs("PICUM")
    assert _lang(picum) == {"val": "en-US"}
    (russian,) = doc.runs(RUSSIAN_ORGANISATION)
    assert _lang(russian) == {}  # the document's own


# --- #12: the theme fonts' language -----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_chinese_takes_the_themes_chinese_font_not_its_japanese_one(language: str) -> None:
    doc = Docx(_day(language))
    fonts = _attributes(doc.settings.find(f"{W}themeFontLang"))
    assert fonts["eastAsia"] == "zh-CN"  # the theme's "Hans" font (宋体), not its "Jpan" one
    assert fonts["val"] == doc.default_language()["val"]
    assert fonts["bidi"] == "ar-SA"


# --- #7: durations with their units -------------------------------------------------------------


@pytest.mark.parametrize(
    ("ms", "language", "expected"),
    [
        (0, "en", "0\u00a0s"),
        (18_000, "en", "18\u00a0s"),
        (275_000, "en", "4\u00a0min 35\u00a0s"),
        (240_000, "fr", "4\u00a0min"),
        (16_510_000, "en", "4\u00a0h 35\u00a0min"),  # 4:35:10, to the minute from an hour
        (3_600_000, "es", "1\u00a0h"),
        (275_000, "ru", "4\u00a0мин 35\u00a0с"),
        (16_510_000, "zh", "4小时35分钟"),
        (275_000, "zh", "4分钟35秒"),
        (275_000, "ar", "4 دقائق و35 ثانية"),
        (7_260_000, "ar", "ساعتان ودقيقة واحدة"),
        (660_000, "ar", "11 دقيقة"),
    ],
)
def test_a_duration_says_its_units(ms: int, language: str, expected: str) -> None:
    assert duration(ms, language) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_format_writes_a_duration_as_a_clock(language: str) -> None:
    """ "0:18 holding the floor" is read "zero colon eighteen" and cannot be told from h:mm."""
    outcome = _day(language)
    expected = duration(outcome.figures.held_ms, language)  # 3 h 12 min
    cell = duration(3_100_000, language)  # 51 min 40 s
    assert re.search(r"\d", expected) and expected != "3:12:05"
    doc = Docx(outcome)
    speaking = doc.body().findall(f"{W}tbl")[1]
    cells = [_text(tc) for tc in speaking.iter(f"{W}tc")]
    texts = {
        "md": render_markdown(outcome),
        "html": render_html(outcome),
        "docx": "\n".join(text for _, text in doc.paragraphs()) + "\n".join(cells),
    }
    for name, text in texts.items():
        assert expected in text and cell in text, name
        body = text.split("Floorkeeper")[0]  # the generated line's clock time aside
        assert not re.search(r"\b\d{1,2}:\d\d\b", body), name


# --- #8: one paragraph per paragraph --------------------------------------------------------------


def test_each_paragraph_of_an_item_who_and_each_tag_are_paragraphs_of_their_own() -> None:
    doc = Docx(_day("en"))
    paragraphs = doc.paragraphs()
    start = paragraphs.index(("ListNumber", "First paragraph, to protect migrant workers."))
    assert paragraphs[start : start + 4] == [
        ("ListNumber", "First paragraph, to protect migrant workers."),
        ("ListContinue", "Second paragraph, in full."),
        ("ListContinue", f"Civil society ({RUSSIAN_ORGANISATION}) · #7"),
        ("ListContinue", f"Also: {LABOUR}"),
    ]
    assert paragraphs[start + 4][0] != "ListContinue"  # the next item, or a heading
    for p in doc.body().findall(f"{W}p"):  # no blank line made of line breaks
        breaks = [child.find(f"{W}br") is not None for child in p.findall(f"{W}r")]
        assert not any(a and b for a, b in itertools.pairwise(breaks)), _text(p)
    assert not any(text == "" for _, text in paragraphs)  # no empty paragraph either


# --- #9: the title a heading, the print view's outline ------------------------------------------


@pytest.mark.parametrize("language", ["en", "ar", "zh"])
def test_the_title_is_heading_level_1_and_the_outline_is_the_print_views(language: str) -> None:
    outcome = _day(language)
    doc = Docx(outcome)
    outline = []
    for style, text in doc.paragraphs():
        level = doc.outline_level(style) if style != "Normal" else None
        if level is not None:
            outline.append((level + 1, text))
    html = render_html(outcome)
    headings = [
        (int(level), re.sub(r"<[^>]+>", "", text))
        for level, text in re.findall(r"<h([1-6])>(.*?)</h\1>", html.split("<body>", 1)[1])
    ]
    assert outline == [(level, markup.unescape(text)) for level, text in headings]
    assert outline[0] == (1, outcome.event_title)  # read first, in the navigation pane too
    levels = [level for level, _ in outline]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))  # none skipped
    assert ("Title", outcome.event_title) not in doc.paragraphs()


# --- #10: headings a low-vision colleague can read -----------------------------------------------


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast_on_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


def test_the_contrast_function_agrees_with_the_probe() -> None:
    assert round(_contrast_on_white("4F81BD"), 2) == 4.03  # the template's Heading 2: fails
    assert round(_contrast_on_white("365F91"), 1) == 6.6


def test_every_heading_used_is_at_least_4_5_to_1_on_white() -> None:
    doc = Docx(_day("en"))
    used = {style for style, _ in doc.paragraphs() if style.startswith("Heading")}
    assert used == {"Heading1", "Heading2", "Heading3"}
    for style_id in used:
        colour = doc.style(style_id).find(f"{W}rPr/{W}color")
        assert colour is not None, style_id
        attributes = _attributes(colour)
        assert "themeColor" not in attributes, style_id  # Word would draw the theme's instead
        assert _contrast_on_white(attributes["val"]) >= 4.5, (style_id, attributes["val"])
    for run in doc.body().iter(f"{W}r"):  # no run overrides them with a lighter colour
        colour = run.find(f"{W}rPr/{W}color")
        if colour is not None:
            assert _contrast_on_white(colour.get(f"{W}val")) >= 4.5


# --- #11: a file name that says what and when ---------------------------------------------------


def test_the_file_name_says_what_and_when() -> None:
    outcome = _day("fr")
    name = download_name(outcome, "docx")
    # 18:05 in New York, on the day it was made
    title = "imrf-informal-interactive-multi-stakeholder-hearing"
    assert name == f"outcome-{title}-fr-2022-05-16-1805.docx"
    assert download_name(outcome, "md").endswith("-fr-2022-05-16-1805.md")
    arabic_title = dataclasses.replace(outcome, event_title="منتدى استعراض الهجرة الدولية")
    assert download_name(arabic_title, "html", fallback="f206aa4aa335") == (
        "outcome-f206aa4aa335-fr-2022-05-16-1805.html"
    )
    accented = dataclasses.replace(outcome, event_title="Réunion : « Santé » et droits")
    assert download_name(accented, "md").startswith("outcome-reunion-sante-et-droits-fr-")
    long = dataclasses.replace(outcome, event_title="Informal hearing " * 10)
    slug = download_name(long, "docx").split("-fr-")[0].removeprefix("outcome-")
    assert slug.startswith("informal-hearing-") and len(slug) <= 60 and not slug.endswith("-")
