"""The hearing's outcome: the accepted recommendations and pledges, as Markdown, a print view
(HTML, A4) and a Word document (issue 12, item 5). Pure: an ``Outcome`` in, text or bytes out.

What every format shows is decided once (``sections``, ``counts``, ``speaking_rows``):

- Items are grouped by theme, in programme order, then by kind (Recommendations, then Pledges),
  in the order given within a kind. An item is listed once, under its first theme the programme
  knows; its other themes are named on it ("Also: ..."), so the document reads as a summary, an
  edit in the Word file is made once, and the counts add up to the items. Items with no known
  theme are under "Other", at the end.
- Each item shows its constituency and organisation and its GCM objectives. The author's name is
  not printed: the summary speaks for constituencies, and a migrant who spoke in the room need not
  be named in a document that leaves it (the day's record keeps who spoke).
- Counts by constituency and by kind, and the day's speaking figures (turns, time holding the
  floor, by constituency); durations as ``m:ss`` or ``h:mm:ss``.

The HTML is one self-contained document: its style inline (``OUTCOME_CSP`` allows that style by
its hash and nothing else), no script, no external address; every text is escaped, and an item's
text carries ``dir="auto"`` so Arabic reads right to left.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Final

from .exports import event_zone, minutes_seconds
from .labels import CONSTITUENCY_LABELS

if TYPE_CHECKING:  # python-docx is imported when a Word document is made, not at start
    from docx.document import Document as WordDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

#: The 23 objectives of the Global Compact for Safe, Orderly and Regular Migration (a copy of
#: shared/brief/gcm-objectives.csv, which is not part of the package).
GCM_OBJECTIVES: Final[Mapping[int, str]] = {
    1: "Collect and utilize accurate and disaggregated data as a basis for evidence-based policies",
    2: "Minimize the adverse drivers and structural factors that compel people to leave their "
    "country of origin",
    3: "Provide accurate and timely information at all stages of migration",
    4: "Ensure that all migrants have proof of legal identity and adequate documentation",
    5: "Enhance availability and flexibility of pathways for regular migration",
    6: "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work",
    7: "Address and reduce vulnerabilities in migration",
    8: "Save lives and establish coordinated international efforts on missing migrants",
    9: "Strengthen the transnational response to smuggling of migrants",
    10: "Prevent, combat and eradicate trafficking in persons in the context of international "
    "migration",
    11: "Manage borders in an integrated, secure and coordinated manner",
    12: "Strengthen certainty and predictability in migration procedures for appropriate "
    "screening, assessment and referral",
    13: "Use migration detention only as a measure of last resort and work towards alternatives",
    14: "Enhance consular protection, assistance and cooperation throughout the migration cycle",
    15: "Provide access to basic services for migrants",
    16: "Empower migrants and societies to realize full inclusion and social cohesion",
    17: "Eliminate all forms of discrimination and promote evidence-based public discourse to "
    "shape perceptions of migration",
    18: "Invest in skills development and facilitate mutual recognition of skills, "
    "qualifications and competences",
    19: "Create conditions for migrants and diasporas to fully contribute to sustainable "
    "development in all countries",
    20: "Promote faster, safer and cheaper transfer of remittances and foster financial "
    "inclusion of migrants",
    21: "Cooperate in facilitating safe and dignified return and readmission, as well as "
    "sustainable reintegration",
    22: "Establish mechanisms for the portability of social security entitlements and earned "
    "benefits",
    23: "Strengthen international cooperation and global partnerships for safe, orderly and "
    "regular migration",
}

#: Kinds of contribution, in the order the document lists them, with their headings.
KINDS: Final[Mapping[str, str]] = {"recommendation": "Recommendations", "pledge": "Pledges"}

#: The heading of items with no theme the programme knows.
OTHER_THEME: Final = "Other"

DOCX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class OutcomeItem:
    """One accepted contribution, as curated (the wording the rapporteur settled on)."""

    id: str
    kind: str  # "recommendation" | "pledge"
    text: str
    constituency: str
    organisation: str
    author: str
    themes: tuple[str, ...]  # theme ids, the first the main one
    objectives: tuple[int, ...]  # GCM objective numbers, 1-23
    language: str  # the language it was written in: "ar", "fr", ...
    segment_title: str
    #: (constituency, organisation) of each contribution merged into this one as a duplicate:
    #: the same point made by others, whom the summary credits and counts too
    merged_from: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SpeakingFigures:
    """The day's turns: how many, how long the floor was held, by constituency."""

    turns: int
    held_ms: int
    by_constituency: dict[str, tuple[int, int]]  # constituency -> (turns, held ms)


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """Everything the outcome summary shows, gathered by the route."""

    event_title: str
    venue: str
    room: str
    date: str  # ISO 8601 ("2022-05-16") is written out in words; anything else as it is
    timezone: str  # the event's IANA zone
    generated_at: int  # epoch ms UTC
    items: list[OutcomeItem]
    themes: list[tuple[str, str]]  # (theme id, label), in programme order
    objectives: Mapping[int, str] = field(default_factory=lambda: dict(GCM_OBJECTIVES))
    figures: SpeakingFigures


# --- what every format shows --------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """An item where the document lists it, with the labels of its other themes."""

    item: OutcomeItem
    also: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """One theme's heading and its items, by kind (a kind with no item is left out)."""

    label: str
    kinds: list[tuple[str, list[Placed]]]  # (heading, items)


def sections(outcome: Outcome) -> list[Section]:
    """The items grouped by theme (programme order, "Other" last), then kind; empty themes are
    left out. An unknown kind raises ``ValueError`` naming it."""
    labels = dict(outcome.themes)
    grouped: dict[str, dict[str, list[Placed]]] = {
        label: {kind: [] for kind in KINDS} for label in [*labels.values(), OTHER_THEME]
    }
    for item in outcome.items:
        if item.kind not in KINDS:
            raise ValueError(f"unknown kind of contribution: {item.kind!r}")
        known = list(dict.fromkeys(labels[t] for t in item.themes if t in labels))
        home = known[0] if known else OTHER_THEME
        grouped[home][item.kind].append(Placed(item, tuple(known[1:])))
    return [
        Section(label, [(KINDS[kind], placed) for kind, placed in by_kind.items() if placed])
        for label, by_kind in grouped.items()
        if any(by_kind.values())
    ]


def constituency_label(value: str) -> str:
    return CONSTITUENCY_LABELS.get(value, value)


def objective_tags(item: OutcomeItem, objectives: Mapping[int, str]) -> list[str]:
    """``Objective 5 — Enhance availability ...`` for each of the item's objectives, in number
    order (a number with no title is named by its number alone)."""
    tags = []
    for number in sorted(set(item.objectives)):
        title = objectives.get(number)
        tags.append(f"Objective {number} — {title}" if title else f"Objective {number}")
    return tags


def by_line(item: OutcomeItem) -> tuple[str, str]:
    """(constituency, organisation) as printed under an item; either may be empty."""
    return constituency_label(item.constituency), item.organisation


def item_tags(entry: Placed, objectives: Mapping[int, str]) -> list[str]:
    """The small lines under an item, in every format: its objectives, who else made the same
    point (the contributions merged into it), and its other themes."""
    tags = objective_tags(entry.item, objectives)
    others = [
        f"{constituency_label(c)} ({o})" if c and o else constituency_label(c) or o
        for c, o in dict.fromkeys(entry.item.merged_from)
    ]
    if others:
        tags.append("Also made by: " + "; ".join(others))
    if entry.also:
        tags.append("Also: " + "; ".join(entry.also))
    return tags


def constituencies_of(item: OutcomeItem) -> list[str]:
    """The constituencies an item speaks for: its author's, then those of the contributions
    merged into it, once each."""
    return list(dict.fromkeys([item.constituency, *(c for c, _ in item.merged_from)]))


def counts(outcome: Outcome) -> list[tuple[str, int, int]]:
    """(constituency, recommendations, pledges), most contributions first, then by name. An item
    counts for each constituency it speaks for (a duplicate merged into it credits its own)."""
    table: dict[str, list[int]] = {}
    for item in outcome.items:
        for constituency in constituencies_of(item):
            row = table.setdefault(constituency_label(constituency), [0, 0])
            row[0 if item.kind == "recommendation" else 1] += 1
    rows = [(name, r, p) for name, (r, p) in table.items()]
    return sorted(rows, key=lambda row: (-(row[1] + row[2]), row[0]))


def kind_totals(outcome: Outcome) -> tuple[int, int]:
    recommendations = sum(1 for item in outcome.items if item.kind == "recommendation")
    return recommendations, len(outcome.items) - recommendations


def overview(outcome: Outcome) -> str:
    recommendations, pledges = kind_totals(outcome)
    if not outcome.items:
        return "No contribution has been accepted yet."
    constituencies = len({c for item in outcome.items for c in constituencies_of(item)})
    return (
        f"{_plural(len(outcome.items), 'contribution')}: "
        f"{_plural(recommendations, 'recommendation')} and {_plural(pledges, 'pledge')}, "
        f"from {_plural(constituencies, 'constituency', 'constituencies')}."
    )


#: The columns of the day's speaking figures, in every format.
SPEAKING_COLUMNS = ("Constituency", "Turns", "Time holding the floor", "Share of the time")


def speaking_rows(figures: SpeakingFigures) -> list[tuple[str, int, str, str]]:
    """(constituency, turns, time holding the floor, share of that time), longest first."""
    rows = []
    for constituency, (turns, held_ms) in figures.by_constituency.items():
        share = f"{round(100 * held_ms / figures.held_ms)} %" if figures.held_ms > 0 else ""
        rows.append((constituency_label(constituency), turns, held_ms, share))
    rows.sort(key=lambda row: (-row[2], row[0]))
    return [(name, turns, _duration(held), share) for name, turns, held, share in rows]


def speaking_summary(figures: SpeakingFigures) -> str:
    if figures.turns == 0:
        return "No turn was recorded."
    return f"{_plural(figures.turns, 'turn')}, {_duration(figures.held_ms)} holding the floor."


def meta_line(outcome: Outcome) -> str:
    """Where and when: ``Conference Room 4, United Nations Headquarters · Monday 16 May 2022``."""
    place = ", ".join(part for part in (outcome.room, outcome.venue) if part)
    return " · ".join(part for part in (place, _long_date(outcome.date)) if part)


def generated_line(outcome: Outcome) -> str:
    zone = event_zone(outcome.timezone)
    at = datetime.fromtimestamp(outcome.generated_at // 1000, zone)
    return (
        f"Generated by Floorkeeper on {_long_date(at.date().isoformat())} at "
        f"{at:%H:%M} ({outcome.timezone})."
    )


def mostly_right_to_left(text: str) -> bool:
    """More strong right-to-left letters (Arabic, Hebrew, ...) than left-to-right ones."""
    rtl = ltr = 0
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            rtl += 1
        elif direction == "L":
            ltr += 1
    return rtl > ltr


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _long_date(value: str) -> str:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _duration(ms: int) -> str:
    return minutes_seconds(ms) or "0:00"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()] or [""]


# --- Markdown -----------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MARKDOWN_LINE_START = re.compile(r"^(#|[-+=]|\d+[.)])")


def markdown_text(text: str) -> str:
    """People's text that stays text in any Markdown renderer: no emphasis, link, image, raw HTML
    or table cell made of it."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(r"\\\1", escaped)


def render_markdown(outcome: Outcome) -> str:
    md = markdown_text
    out = [f"# {md(outcome.event_title)}", ""]
    meta = meta_line(outcome)
    if meta:  # no venue, room or date: no line holding only the break
        out.append(md(meta) + "\\")
    out += [md(generated_line(outcome)), "", f"**{overview(outcome)}**", ""]
    for section in sections(outcome):
        out += [f"## {md(section.label)}", ""]
        for heading, placed in section.kinds:
            out += [f"### {heading}", ""]
            for entry in placed:
                out += _markdown_item(entry, outcome.objectives)
            out.append("")
    out += ["## Contributions by constituency", ""]
    out += _markdown_table(
        ("Constituency", "Recommendations", "Pledges", "Total"),
        [(name, r, p, r + p) for name, r, p in counts(outcome)],
        ("Total", *kind_totals(outcome), len(outcome.items)),
    )
    out += ["## The day's speaking figures", "", speaking_summary(outcome.figures), ""]
    if outcome.figures.turns:  # no turn: the sentence says so, no empty table after it
        out += _markdown_table(SPEAKING_COLUMNS, speaking_rows(outcome.figures))
    return "\n".join(out).rstrip("\n") + "\n"


def _markdown_item(entry: Placed, objectives: Mapping[int, str]) -> list[str]:
    item = entry.item
    constituency, organisation = by_line(item)
    by = f"*{markdown_text(constituency)}*" if constituency else ""
    if organisation:
        by += f" ({markdown_text(organisation)})"
    details = [by.strip(), *(markdown_text(tag) for tag in item_tags(entry, objectives))]
    lines = [markdown_text(line) for line in _lines(item.text)]
    lines += [detail for detail in details if detail]
    first, *rest = lines
    return [f"- {first}" + ("\\" if rest else "")] + [
        f"  {line}" + ("\\" if n < len(rest) - 1 else "") for n, line in enumerate(rest)
    ]


def _markdown_table(
    heading: Sequence[str], rows: Iterable[Sequence[object]], total: Sequence[object] = ()
) -> list[str]:
    def line(cells: Iterable[object], bold: bool = False) -> str:
        texts = [markdown_text(str(cell)) for cell in cells]
        return "| " + " | ".join(f"**{t}**" if bold else t for t in texts) + " |"

    out = [line(heading), "| --- |" + " ---: |" * (len(heading) - 1)]
    out += [line(row) for row in rows]
    if total:
        out.append(line(total, bold=True))
    return [*out, ""]


# --- the print view (HTML) ----------------------------------------------------------------------

PRINT_CSS: Final = """
@page { size: A4; margin: 20mm 18mm 22mm;
  @bottom-center { content: counter(page) " / " counter(pages); font: 9pt serif; color: #555; } }
html { background: #e6e6e6; color-scheme: light; }
body { box-sizing: border-box; width: 210mm; min-height: 297mm; margin: 8mm auto;
  padding: 20mm 18mm; background: #fff; color: #111;
  font: 11pt/1.45 "Noto Serif", "DejaVu Serif", "Liberation Serif", Georgia, "Times New Roman",
    serif; }
@media print { html { background: none; } body { width: auto; min-height: 0; margin: 0;
  padding: 0; } }
h1 { font-size: 20pt; line-height: 1.2; margin: 0 0 4pt; }
h2 { font-size: 15pt; margin: 18pt 0 6pt; padding-bottom: 2pt; border-bottom: 0.75pt solid #888;
  break-after: avoid; }
h3 { font-size: 12pt; margin: 10pt 0 4pt; break-after: avoid; }
.meta { margin: 0; color: #333; }
.generated { margin: 0 0 10pt; color: #555; font-size: 9.5pt; }
.overview { font-weight: bold; }
ul.items { margin: 0; padding-inline-start: 1.2em; }
li.item { margin: 0 0 8pt; break-inside: avoid; }
li.item p { margin: 0; }
.text { white-space: pre-line; }
.by { color: #333; }
.by .constituency { font-style: italic; }
.tags { font-size: 9.5pt; color: #444; }
table { border-collapse: collapse; margin: 6pt 0 12pt; font-size: 10pt; break-inside: avoid; }
th, td { border: 0.5pt solid #999; padding: 2pt 6pt; text-align: start; vertical-align: top; }
thead th { background: #f0f0f0; }
tbody th { font-weight: normal; }
.n { text-align: end; font-variant-numeric: tabular-nums; }
tfoot th, tfoot td { font-weight: bold; }
""".strip()

#: The Content-Security-Policy to serve the print view with: its inline style by hash, nothing
#: else (no script, no request anywhere).
OUTCOME_CSP: Final = (
    "default-src 'none'; style-src 'sha256-"
    + base64.b64encode(hashlib.sha256(PRINT_CSS.encode()).digest()).decode()
    + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def render_html(outcome: Outcome) -> str:
    e = _escape
    body = [
        f"<h1>{e(outcome.event_title)}</h1>",
        f'<p class="meta">{e(meta_line(outcome))}</p>',
        f'<p class="generated">{e(generated_line(outcome))}</p>',
        f'<p class="overview">{e(overview(outcome))}</p>',
    ]
    for section in sections(outcome):
        body.append(f"<section><h2>{e(section.label)}</h2>")
        for heading, placed in section.kinds:
            body.append(f'<h3>{e(heading)}</h3>\n<ul class="items">')
            body += [_html_item(entry, outcome.objectives) for entry in placed]
            body.append("</ul>")
        body.append("</section>")
    body.append("<section><h2>Contributions by constituency</h2>")
    body.append(
        _html_table(
            ("Constituency", "Recommendations", "Pledges", "Total"),
            [(name, r, p, r + p) for name, r, p in counts(outcome)],
            ("Total", *kind_totals(outcome), len(outcome.items)),
        )
    )
    body.append("</section>\n<section><h2>The day's speaking figures</h2>")
    body.append(f"<p>{e(speaking_summary(outcome.figures))}</p>")
    if outcome.figures.turns:
        body.append(_html_table(SPEAKING_COLUMNS, speaking_rows(outcome.figures)))
    body.append("</section>")
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(outcome.event_title)} — outcome</title>\n"
        f"<style>{PRINT_CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def _html_item(entry: Placed, objectives: Mapping[int, str]) -> str:
    item, e = entry.item, _escape
    lang = f' lang="{e(item.language)}"' if _TAG.match(item.language) else ""
    constituency, organisation = by_line(item)
    by = f'<span class="constituency">{e(constituency)}</span>' if constituency else ""
    if organisation:
        by += f" (<bdi>{e(organisation)}</bdi>)"
    tags = [e(tag) for tag in item_tags(entry, objectives)]
    parts = [
        f'<li class="item"><p class="text" dir="auto"{lang}>{e(item.text)}</p>',
        f'<p class="by">{by}</p>' if by else "",
        f'<p class="tags">{"<br>".join(tags)}</p>' if tags else "",
    ]
    return "".join(parts) + "</li>"


def _html_table(
    heading: Sequence[str], rows: Iterable[Sequence[object]], total: Sequence[object] = ()
) -> str:
    def line(row: Sequence[object]) -> str:
        # the first column names the row, the others are figures
        figures = "".join(f'<td class="n">{_escape(cell)}</td>' for cell in row[1:])
        return f'<tr><th scope="row">{_escape(row[0])}</th>{figures}</tr>'

    columns = "".join(
        f'<th scope="col" class="n">{_escape(name)}</th>'
        if n
        else f'<th scope="col">{_escape(name)}</th>'
        for n, name in enumerate(heading)
    )
    table = f"<table>\n<thead><tr>{columns}</tr></thead>\n<tbody>"
    table += "".join(line(row) for row in rows) + "</tbody>"
    if total:
        table += f"\n<tfoot>{line(total)}</tfoot>"
    return table + "\n</table>"


# --- the Word document --------------------------------------------------------------------------

# Where <w:bidi/> goes in a paragraph's properties: before these (CT_PPr's schema sequence).
_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
# Characters XML 1.0 cannot hold (lxml refuses them): C0 controls but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_GREY = (0x44, 0x44, 0x44)  # RGB
_COLUMN_WIDTHS = (58, 44, 35, 35)  # mm: a name, three figures: 172 of the 174 mm


def render_docx(outcome: Outcome) -> bytes:
    """A Word document the secretariat can edit: A4, Title, a meta line, Heading 1 per theme,
    Heading 2 per kind, each item a "List Bullet" paragraph (right to left when its text is
    mostly Arabic script), a table of counts and the speaking figures."""
    from docx import Document
    from docx.shared import Mm, Pt, RGBColor

    x = _xml_text
    doc = Document()
    for page in doc.sections:
        page.page_width, page.page_height = Mm(210), Mm(297)
        page.left_margin = page.right_margin = Mm(18)
        page.top_margin, page.bottom_margin = Mm(20), Mm(22)
    properties = doc.core_properties
    properties.title = x(outcome.event_title)
    properties.subject = "Outcome summary: recommendations and pledges"
    properties.author = properties.last_modified_by = "Floorkeeper"
    properties.created = properties.modified = datetime.fromtimestamp(
        outcome.generated_at // 1000, UTC
    )

    doc.add_heading(x(outcome.event_title), 0)
    doc.add_paragraph(x(meta_line(outcome)))
    generated = doc.add_paragraph().add_run(x(generated_line(outcome)))
    generated.font.size, generated.font.color.rgb = Pt(9), RGBColor(*_GREY)
    doc.add_paragraph().add_run(overview(outcome)).bold = True
    for section in sections(outcome):
        doc.add_heading(x(section.label), 1)
        for heading, placed in section.kinds:
            doc.add_heading(heading, 2)
            for entry in placed:
                _docx_item(doc, entry, outcome.objectives)

    doc.add_heading("Contributions by constituency", 1)
    _docx_table(
        doc.add_table(rows=1, cols=4),
        ("Constituency", "Recommendations", "Pledges", "Total"),
        [(name, r, p, r + p) for name, r, p in counts(outcome)],
        ("Total", *kind_totals(outcome), len(outcome.items)),
    )
    doc.add_heading("The day's speaking figures", 1)
    doc.add_paragraph(speaking_summary(outcome.figures))
    if outcome.figures.turns:
        _docx_table(doc.add_table(rows=1, cols=4), SPEAKING_COLUMNS, speaking_rows(outcome.figures))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _docx_item(doc: WordDocument, entry: Placed, objectives: Mapping[int, str]) -> None:
    """One bullet: the item's text, then who and the tags. A right-to-left item's text is a
    right-to-left paragraph of its own; its English lines (who, the tags) follow in a
    left-to-right one, so that Word does not lay them out right to left too."""
    from docx.oxml import OxmlElement
    from docx.shared import Pt, RGBColor

    item, x = entry.item, _xml_text
    paragraph: Paragraph = doc.add_paragraph(style="List Bullet")
    paragraph.paragraph_format.space_after = Pt(6)
    right_to_left = mostly_right_to_left(item.text)
    if right_to_left:
        paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
    for n, line in enumerate(_lines(x(item.text))):
        if n:
            paragraph.add_run().add_break()
        run = paragraph.add_run(line)
        if right_to_left:
            run.font.rtl = True  # shaped and ordered as right-to-left text
    constituency, organisation = by_line(item)
    tags = item_tags(entry, objectives)
    if right_to_left and (constituency or organisation or tags):
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph = doc.add_paragraph(style="List Continue")
        paragraph.paragraph_format.space_after = Pt(6)
        started = False
    else:
        started = True  # after the text, each line starts with a break
    if constituency or organisation:
        if started:
            paragraph.add_run().add_break()
        started = True
        if constituency:
            paragraph.add_run(x(constituency)).italic = True
        if organisation:
            paragraph.add_run(f" ({x(organisation)})" if constituency else x(organisation))
    for tag in tags:
        if started:
            paragraph.add_run().add_break()
        started = True
        small = paragraph.add_run(x(tag))
        small.font.size, small.font.color.rgb = Pt(9), RGBColor(*_GREY)


def _docx_table(
    table: Table,
    heading: Sequence[str],
    rows: Iterable[Sequence[object]],
    total: Sequence[object] = (),
) -> None:
    """A heading row, the rows, a total row in bold; figures right-aligned, 10 pt."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    table.style = "Table Grid"
    table.autofit = False
    lines = [heading, *rows, *([total] if total else [])]
    for n, line in enumerate(lines):
        row = table.rows[0] if n == 0 else table.add_row()  # type: ignore[no-untyped-call]
        for column, (cell, value) in enumerate(zip(row.cells, line, strict=True)):
            run = cell.paragraphs[0].add_run(_xml_text(str(value)))
            run.font.size = Pt(10)
            run.bold = n == 0 or bool(total and n == len(lines) - 1) or None
            if column:  # the first column names the row, the others are figures
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for column, mm in zip(table.columns, _COLUMN_WIDTHS, strict=True):
        width = Mm(mm)
        column.width = width  # the grid, which LibreOffice reads, and each cell, which Word reads
        for cell in column.cells:
            cell.width = width
