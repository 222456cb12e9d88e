# ruff: noqa: RUF001  (the six languages' own letters and punctuation)
"""The outcome summary in the six UN languages (outside probe H, H2/H8/H11/H13): the document's
own words, counts, dates, constituencies and the Global Compact's titles in its language, an
Arabic document right to left, each contribution as written and marked with its original
language, numbered, with how many still await review."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from app import gcm
from app.labels import CONSTITUENCY_LABELS_BY_LANGUAGE
from app.outcome import (
    LANGUAGES,
    WORDS,
    Outcome,
    OutcomeItem,
    SpeakingFigures,
    counted,
    long_date,
    plural_category,
    render_html,
    render_markdown,
)
from tests.test_outcome import _docx, _paragraph

ROOT = Path(__file__).resolve().parents[1]
ARABIC = "ضمان وصول جميع المهاجرين إلى العدالة وسبل الانتصاف، بغض النظر عن وضعهم من حيث الهجرة."
LED_BY_LATIN = "2024: UNHCR سيقدم 5 ملايين دولار"
FRENCH = "Nous nous engageons à soutenir 30 villes d'ici 2026."
CHINESE = "我们承诺在2026年前为10,000名移民工人提供免费的技能认证。"
SPANISH = "Pedimos la regularización.\n\n- Primero: regularización.\n- Segundo: alternativas."
THEMES = [("t1", "Thematic discussion I: Assessing the progress")]


def _item(number: int, kind: str, text: str, language: str, **changes: object) -> OutcomeItem:
    item = OutcomeItem(
        id=f"c{number}",
        kind=kind,
        text=text,
        constituency="civil_society",
        organisation="PICUM",
        author="Someone Named",
        themes=("t1",),
        objectives=(5,),
        language=language,
        segment_title="Thematic discussion I",
        number=number,
    )
    return dataclasses.replace(item, **changes)  # type: ignore[arg-type]


ITEMS = [
    _item(2, "recommendation", SPANISH, "es", objectives=(13, 5)),
    _item(5, "recommendation", ARABIC, "ar", constituency="national_human_rights_institution"),
    _item(7, "pledge", FRENCH, "fr", constituency="local_and_regional_authorities"),
    _item(9, "pledge", CHINESE, "zh", constituency="trade_union", themes=()),
    _item(11, "pledge", LED_BY_LATIN, "ar", constituency="un_system", organisation="UNHCR"),
]


def _outcome(language: str, **changes: object) -> Outcome:
    outcome = Outcome(
        event_title="IMRF: Informal Interactive Multi-Stakeholder Hearing",
        venue="United Nations Headquarters",
        room="Conference Room 4",
        date="2022-05-16",
        timezone="America/New_York",
        generated_at=1_652_738_700_000,  # 18:05 in New York
        items=ITEMS,
        themes=THEMES,
        figures=SpeakingFigures(
            turns=42, held_ms=11_525_000, by_constituency={"member_state": (42, 11_525_000)}
        ),
        language=language,
        awaiting=3,
    )
    return dataclasses.replace(outcome, **changes)  # type: ignore[arg-type]


def test_the_french_summary_is_written_in_french() -> None:
    md = render_markdown(_outcome("fr"))
    headings = re.findall(r"^#{2,3} .*$", md, re.MULTILINE)
    assert headings == [
        f"## {THEMES[0][1]}", "### Recommandations", "### Engagements",
        "## Autres thèmes", "### Engagements",
        "## Contributions par groupe de parties prenantes",
        "## Les interventions de la journée",
    ]  # fmt: skip
    assert "Conference Room 4, United Nations Headquarters · lundi 16 mai 2022" in md
    assert (
        "**5 contributions\u00a0: 2 recommandations et 3 engagements, émanant de 5 groupes de "
        "parties prenantes.**"
    ) in md
    assert (
        "3 contributions sont en attente d’examen et ne figurent pas dans le présent résumé." in md
    )
    # the Global Compact's title and the constituency in French, from app/gcm.py and app/labels.py
    assert "Objectif 5 — Faire en sorte que les filières de migration régulière soient " in md
    assert "*Société civile* (PICUM) · #2 · \\[Original\u00a0: espagnol\\]" in md
    assert "*Autorités locales et régionales* (PICUM) · #7\\\n" in md  # French: not marked
    assert "42 interventions, pour un temps de parole total de 3\u00a0h 12\u00a0min." in md
    assert "| État Membre | 42 | 3\u00a0h 12\u00a0min | 100\u00a0% |" in md
    assert md.rstrip().endswith(
        "---\n\n*Établi par Floorkeeper le lundi 16 mai 2022 à 18\u00a0h\u00a005 "
        "(America/New\\_York, UTC−4).*"
    )
    for english in ("Recommendations", "Pledges", "Other", "Also", "Generated", "Objective"):
        assert english not in md


def test_each_language_writes_its_own_words_and_the_compacts_titles() -> None:
    for language in LANGUAGES:
        words = WORDS[language]
        md = render_markdown(_outcome(language))
        html = render_html(_outcome(language))
        for text in (md, html.replace("&#x27;", "'")):
            assert words.kinds["recommendation"] in text and words.kinds["pledge"] in text
            assert words.by_constituency in text and words.speaking_heading in text
            assert gcm.title(13, language) in text
            assert CONSTITUENCY_LABELS_BY_LANGUAGE[language]["civil_society"] in text
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
        assert f"— {words.title_suffix}</title>" in html


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("es", ("Recomendaciones", "Compromisos")),
        ("ru", ("Рекомендации", "Обязательства")),
        ("zh", ("建议", "承诺")),
        ("ar", ("التوصيات", "التعهدات")),
    ],
)
def test_the_kinds_use_un_terminology(language: str, headings: tuple[str, str]) -> None:
    md = render_markdown(_outcome(language))
    assert f"### {headings[0]}\n" in md and f"### {headings[1]}\n" in md


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("en", 1, "1 pledge"),
        ("en", 2, "2 pledges"),
        ("fr", 0, "0 engagement"),
        ("fr", 1, "1 engagement"),
        ("fr", 2, "2 engagements"),
        ("es", 1, "1 compromiso"),
        ("es", 21, "21 compromisos"),
        ("ru", 1, "1 обязательство"),
        ("ru", 3, "3 обязательства"),
        ("ru", 5, "5 обязательств"),
        ("ru", 11, "11 обязательств"),
        ("ru", 21, "21 обязательство"),
        ("ru", 22, "22 обязательства"),
        ("ru", 112, "112 обязательств"),
        ("zh", 1, "1项承诺"),
        ("zh", 7, "7项承诺"),
        ("ar", 1, "تعهد واحد"),
        ("ar", 2, "تعهدان"),
        ("ar", 3, "3 تعهدات"),
        ("ar", 10, "10 تعهدات"),
        ("ar", 11, "11 تعهداً"),
        ("ar", 99, "99 تعهداً"),
        ("ar", 100, "100 تعهد"),
        ("ar", 103, "103 تعهدات"),
    ],
)
def test_counts_take_each_languages_plural_forms(language: str, n: int, expected: str) -> None:
    assert counted(language, "pledges", n) == expected


def test_every_language_has_every_noun_in_every_category_it_needs() -> None:
    for language in LANGUAGES:
        for noun, forms in WORDS[language].counted.items():
            assert "other" in forms, (language, noun)
            for n in range(0, 250):
                form = counted(language, noun, n)
                assert "{" not in form
                if plural_category(language, n) not in ("one", "two"):
                    assert str(n) in form, (language, noun, n)


def test_the_awaiting_sentence_agrees_with_its_number() -> None:
    assert "1 contribution awaits review and is not included" in render_markdown(
        _outcome("en", awaiting=1)
    )
    assert "لا تزال مساهمتان قيد الاستعراض، ولم تُدرجا في هذا الموجز." in render_markdown(
        _outcome("ar", awaiting=2)
    )
    assert "2 предложения ожидают рассмотрения" in render_markdown(_outcome("ru", awaiting=2))
    assert "另有3项提交内容尚待审议，未列入本摘要。" in render_markdown(_outcome("zh"))
    for language in LANGUAGES:  # none awaiting: nothing said
        words = WORDS[language].counted["awaiting"]["other"].split("{n}")[-1]
        assert words not in render_markdown(_outcome(language, awaiting=0))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Monday 16 May 2022"),
        ("fr", "lundi 16 mai 2022"),
        ("es", "lunes 16 de mayo de 2022"),
        ("ru", "понедельник, 16 мая 2022 года"),
        ("zh", "2022年5月16日星期一"),
        ("ar", "الاثنين، 16 أيار/مايو 2022"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(language: str, expected: str) -> None:
    assert long_date("2022-05-16", language) == expected


def test_the_first_of_the_month_in_french() -> None:
    assert long_date("2022-05-01", "fr") == "dimanche 1er mai 2022"


def test_an_unknown_language_is_refused_naming_the_six() -> None:
    with pytest.raises(ValueError, match="en, fr, es, ru, zh or ar, not 'de'"):
        render_markdown(_outcome("de"))


def test_items_are_numbered_through_the_document_with_their_rapporteur_number() -> None:
    md = render_markdown(_outcome("en"))
    numbered = re.findall(r"^(\d+)\. ", md, re.MULTILINE)
    assert numbered == ["1", "2", "3", "4", "5"]
    assert "· #2 · \\[Original: Spanish\\]" in md
    assert "· #9 · \\[Original: Chinese\\]" in md
    html = render_html(_outcome("en"))
    assert html.count('<ol class="items"') == 3
    assert '<ol class="items" start="5">' in html  # "Other": the fifth paragraph


def test_markdown_keeps_the_blank_line_between_an_items_paragraphs() -> None:
    md = render_markdown(_outcome("es"))
    assert (
        "1. Pedimos la regularización.\n\n   \\- Primero: regularización.\\\n"
        "   \\- Segundo: alternativas.\\\n   *Sociedad civil* (PICUM) · #2\\\n"
    ) in md


def test_generated_by_is_in_the_footer_not_the_body() -> None:
    html = render_html(_outcome("en"))
    body = html.split("<body>", 1)[1]
    assert body.count("Generated by Floorkeeper") == 1
    assert re.search(
        r'<footer class="generated">Generated by Floorkeeper [^<]*</footer>\n</body>', html
    )
    doc = _docx(_outcome("en"))
    assert not any("Generated by" in p.text for p in doc.paragraphs)
    footer = doc.sections[0].footer
    assert any(p.text.startswith("Generated by Floorkeeper on Monday") for p in footer.paragraphs)
    assert footer._element.find(f".//{qn('w:fldSimple')}").get(qn("w:instr")) == "PAGE"
    assert doc.core_properties.comments.startswith("Generated by Floorkeeper")


def test_the_arabic_print_view_is_right_to_left() -> None:
    html = render_html(_outcome("ar"))
    assert html.startswith('<!doctype html>\n<html lang="ar" dir="rtl">')
    assert f'<p class="text" dir="rtl" lang="ar">{LED_BY_LATIN}</p>' in html
    assert '<p class="text" dir="auto" lang="fr">' in html
    assert "[الأصل: بالفرنسية]" in html and "5 مساهمات: توصيتان و3 تعهدات" in html


def test_the_arabic_word_document_is_right_to_left_and_its_french_item_is_not() -> None:
    doc = _docx(_outcome("ar"))
    section = doc.sections[0]._sectPr
    assert section.find(qn("w:bidi")) is not None
    normal = doc.styles["Normal"].element.pPr
    assert normal is not None and normal.find(qn("w:bidi")) is not None
    for paragraph in doc.paragraphs:  # every paragraph says its direction
        properties = paragraph._p.pPr
        assert properties is not None and properties.find(qn("w:bidi")) is not None
    assert _paragraph(doc, "التوصيات").text == "التوصيات"
    arabic = _bidi(_paragraph(doc, ARABIC))
    assert arabic is not None and arabic.get(qn("w:val")) is None  # on
    french = _bidi(_paragraph(doc, FRENCH))
    assert french is not None and french.get(qn("w:val")) == "0"  # explicitly left to right
    (table, _) = doc.tables
    assert table._tbl.tblPr.find(qn("w:bidiVisual")) is not None
    assert [cell.text for cell in table.rows[0].cells] == [
        "فئة أصحاب المصلحة", "التوصيات", "التعهدات", "المجموع",
    ]  # fmt: skip
    assert doc.core_properties.language == "ar-SA"


def test_an_arabic_item_led_by_latin_letters_is_right_to_left_in_word_too() -> None:
    doc = _docx(_outcome("en"))
    led = _paragraph(doc, LED_BY_LATIN)
    assert _bidi(led) is not None
    assert all(run.font.rtl for run in led.runs if run.text)


def _bidi(paragraph: Paragraph) -> Any:
    properties = paragraph._p.pPr
    assert properties is not None
    return properties.find(qn("w:bidi"))


def _lang(paragraph: Paragraph) -> dict[str, str]:
    (run,) = [run for run in paragraph.runs if run.text][:1]
    assert run._r.rPr is not None
    found = run._r.rPr.find(qn("w:lang"))
    assert found is not None, paragraph.text
    return {key.split("}")[1]: value for key, value in found.attrib.items()}


def test_each_items_runs_carry_its_language_for_word() -> None:
    doc = _docx(_outcome("en"))
    assert _lang(_paragraph(doc, FRENCH)) == {"val": "fr-FR"}
    assert _lang(_paragraph(doc, "Pedimos")) == {"val": "es-ES"}
    assert _lang(_paragraph(doc, CHINESE)) == {"val": "zh-CN", "eastAsia": "zh-CN"}
    assert _lang(_paragraph(doc, ARABIC)) == {"bidi": "ar-SA"}
    styles = doc.styles.element
    default = styles.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert default is not None and default.get(qn("w:val")) == "en-GB"
    french = _docx(_outcome("fr")).styles.element
    default = french.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert default is not None and default.get(qn("w:val")) == "fr-FR"


def test_the_word_documents_own_words_are_in_its_language() -> None:
    doc = _docx(_outcome("ru"))
    headings = [p.text for p in doc.paragraphs if p.style is not None and "Heading" in p.style.name]
    assert "Рекомендации" in headings and "Обязательства" in headings
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "5 предложений: 2 рекомендации и 3 обязательства" in text
    assert "Цель 5 — Повышение доступности и гибкости путей легальной миграции" in text
    assert "[Подлинный текст: испанский]" in text
    assert doc.core_properties.subject == "Резюме итогов: рекомендации и обязательства"
    numbered = [p for p in doc.paragraphs if p.style is not None and p.style.name == "List Number"]
    assert len(numbered) == len(ITEMS)  # Word numbers them 1-5 through the document


def test_the_constituency_labels_are_the_faces() -> None:
    """app/labels.py holds the faces' translations (frontend/static/js/i18n.js): the same words
    on the delegate's phone and in the document."""
    source = (ROOT / "frontend" / "static" / "js" / "i18n.js").read_text(encoding="utf-8")
    blocks = re.split(r"^  (en|fr|es|ru|zh|ar): \{", source, flags=re.MULTILINE)[1:]
    for language, block in zip(blocks[::2], blocks[1::2], strict=True):
        faces = dict(re.findall(r'"constituency\.([a-z_]+)": "([^"]*)"', block))
        assert faces == dict(CONSTITUENCY_LABELS_BY_LANGUAGE[language]), language
