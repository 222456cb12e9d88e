"""The secretariat's list of participants as a spreadsheet: read from CSV or XLSX, checked row by
row, and written back in the same columns (``GET .../participants?format=csv|xlsx``), so that an
export imports again as it is.

Reading. The format is told by the content, not the name: a ZIP is an XLSX workbook (its first
worksheet, the one it opens on), anything else UTF-8 CSV (a byte order mark is dropped; the
delimiter is the comma, or the semicolon or tab that Excel writes in some locales, whichever the
top lines hold most of). XLSX is read by openpyxl in read-only mode, which parses through
defusedxml (no entity expansion), after the workbook's declared unpacked size is checked; a
formula cell is read as the value the spreadsheet saved with it (``data_only``), as the
secretariat sees it on screen (a formula saved without a value, as programs write them, is
refused naming its cells). Rows are numbered as the spreadsheet shows them: the header is
row 1 (or the first of the top rows that names the columns), blank rows count.

Checking. Headers are matched without regard to case, spaces or punctuation, with a few aliases
("Floor language" or "Language", "Constituency" or "Stakeholder group"); columns we do not know
are listed and left alone. A value is matched to its code or to its English label as the
console shows it ("Red Cross / Red Crescent" or ``red_cross_red_crescent``). Every problem names
its row and column; a row someone already registered (same name and organisation) is left as it
is; the same row twice in one file, every column alike (an export of a registry that holds a
duplicate registration), is imported once; the same person twice with other particulars (named) is
refused.

The "Panel" column (also "Role", "Role / panel", "Segment"): blank, or ``floor``, ``delegate``,
``participant``, for someone who asks for the floor like anyone; otherwise the programme's
segment they are a panellist in, by its title or its number in the programme (``2``), optionally
after ``Panellist:``. An import puts each new panellist in that segment's speaking queue, as a
``panellist`` turn, in the spreadsheet's order; an export writes the first segment in which a
participant has a panellist turn (queued, speaking or given).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from .exports import FORMULA_STARTS, csv_text, xlsx_bytes
from .exports import XLSX_MEDIA_TYPE as _XLSX
from .floor.commands import Organisation, Region
from .floor.model import (
    Attendance,
    Constituency,
    FloorLanguage,
    Gender,
    HearingState,
    SegmentState,
    SegmentStatus,
    TurnKind,
)
from .floor.text import MAX_STACKED_MARKS, PeoplesText, clean_text
from .labels import (
    ATTENDANCE_LABELS,
    ATTENDANCE_LABELS_BY_LANGUAGE,
    CONSTITUENCY_LABELS,
    CONSTITUENCY_LABELS_BY_LANGUAGE,
    GENDER_LABELS,
    GENDER_LABELS_BY_LANGUAGE,
    LANGUAGE_LABELS,
    LANGUAGE_LABELS_BY_LANGUAGE,
)

#: Data rows one file may hold (the edge refuses a file over 10 MB before this:
#: ``api.edge.IMPORT_MAX_BYTES``).
MAX_ROWS: Final = 5_000
#: The top rows searched for the header (a title or a date may stand above it).
HEADER_SEARCH_ROWS: Final = 10
#: What the parts of a workbook may unpack to, together: a 5,000-row list is ~3 MB of XML.
MAX_UNPACKED_BYTES: Final = 40_000_000
#: Columns read from a row; a sheet's further columns are not ours.
MAX_COLUMNS: Final = 60

XLSX_MEDIA_TYPE: Final = _XLSX

Format = Literal["csv", "xlsx"]


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet at all (not one row can be checked)."""


# --- columns ------------------------------------------------------------------------------------


def _key(text: str) -> str:
    """A header or a value as it is compared: compatibility-normalised, case-folded, with every
    run of spaces and punctuation one space ("Role / panel" and "role_panel" are the same)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", folded).split())


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as an export writes it
    aliases: tuple[str, ...] = ()
    required: bool = False

    def spellings(self) -> set[str]:
        return {_key(name) for name in (self.header, self.field, *self.aliases)}


COLUMNS: Final = (
    Column(
        "name",
        "Name",
        ("full name", "participant", "participant name", "speaker", "speaker name"),
        required=True,
    ),
    # a list that splits the name: the two joined, first name first
    Column("first_name", "First name", ("given name", "forename", "first")),
    Column("last_name", "Last name", ("surname", "family name", "last")),
    Column("title", "Title", ("job title", "position", "function", "honorific")),
    Column(
        "organisation",
        "Organisation",
        ("organization", "affiliation", "entity", "institution", "delegation"),
    ),
    Column(
        "constituency",
        "Constituency",
        ("stakeholder group", "stakeholder constituency", "constituency group", "sector"),
        required=True,
    ),
    Column("region", "Region"),
    Column("gender", "Gender", ("sex",)),
    Column("language", "Floor language", ("language", "speaking language", "floor_language")),
    Column(
        "attendance",
        "Attendance",
        ("participation", "mode of participation", "in person or remote", "in the room or remote"),
    ),
    Column(
        "panel",
        "Panel",
        ("role panel", "role", "panellist in", "panelist in", "segment", "panel segment"),
    ),
)
_BY_KEY: Final = {key: column for column in COLUMNS for key in column.spellings()}
#: The columns an export writes (the name whole).
HEADERS: Final = tuple(c.header for c in COLUMNS if c.field not in ("first_name", "last_name"))


# --- values -------------------------------------------------------------------------------------


def _table(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {_key(spelling): code for spelling, code in pairs}


def _in_every_language(
    by_language: Mapping[str, Mapping[str, str]],
) -> Iterator[tuple[str, str]]:
    """Each value's label in the six UN languages, as the desk lists them in its own: a French
    desk's "Autorités locales et régionales" is what a French spreadsheet says."""
    for labels in by_language.values():
        yield from ((label, code) for code, label in labels.items())


_CONSTITUENCIES: Final = _table(
    [
        *((code.value, code.value) for code in Constituency),
        *_in_every_language(CONSTITUENCY_LABELS_BY_LANGUAGE),
        ("Red Cross", "red_cross_red_crescent"),
        ("Red Crescent", "red_cross_red_crescent"),
        # as the concept note and the UN's lists write them (and "-ization": ``_spelled``)
        ("International Red Cross and Red Crescent Movement", "red_cross_red_crescent"),
        ("Red Cross and Red Crescent Movement", "red_cross_red_crescent"),
        ("Migrant and diaspora organisations", "migrant_and_diaspora_organisation"),
        ("Faith-based organisations", "faith_based_organisation"),
        ("Migrant associations", "migrant_association"),
        ("Migrants", "migrant_association"),
        ("Local authorities", "local_and_regional_authorities"),
        ("National Human Rights Institutions", "national_human_rights_institution"),
        ("Human rights mechanisms", "human_rights_mechanism"),
        ("NHRI", "national_human_rights_institution"),
        ("United Nations", "un_system"),
        ("UN", "un_system"),
        ("Member States", "member_state"),
        ("Government", "member_state"),
        ("Academia and research", "academia"),
        ("Trade unions", "trade_union"),
        ("Parliamentarians", "parliamentarian"),
    ]
)
_LANGUAGES: Final = _table(
    [
        *((code, code) for code in LANGUAGE_LABELS),
        *_in_every_language(LANGUAGE_LABELS_BY_LANGUAGE),
        # as each language names itself
        ("العربية", "ar"),
        ("中文", "zh"),
        ("Français", "fr"),
        ("Русский", "ru"),
        ("Español", "es"),
        ("Other", "other"),
    ]
)
_GENDERS: Final = _table(
    [
        *((code, code) for code in GENDER_LABELS),
        *_in_every_language(GENDER_LABELS_BY_LANGUAGE),
        *((spelling, "woman") for spelling in ("female", "f", "w", "women")),
        *((spelling, "man") for spelling in ("male", "m", "men")),
        *((spelling, "another") for spelling in ("other", "non-binary", "nonbinary", "x")),
    ]
)
#: Values that say nothing about gender: not stated.
_UNSTATED: Final = {_key(v) for v in ("", "prefer not to say", "not stated", "n/a", "na", "-")}
_ATTENDANCES: Final = _table(
    [
        *((code, code) for code in ATTENDANCE_LABELS),
        *_in_every_language(ATTENDANCE_LABELS_BY_LANGUAGE),
        *((v, "in_room") for v in ("in room", "in person", "onsite", "on site", "present")),
        *((v, "remote") for v in ("online", "virtual", "remotely", "video")),
    ]
)
#: A panel cell that names no segment: the participant asks for the floor like anyone.
_NO_PANEL: Final = {
    _key(v)
    for v in (
        *("", "-", "none", "no", "floor", "delegate", "participant", "speaker"),
        *("observer", "moderator", "rapporteur", "chair"),
    )
}
_PANELLIST_PREFIX: Final = re.compile(
    r"^\s*panel+ist(?:\s*[:,\-\u2013\u2014]\s*|\s+in\s+|\s+|$)", re.IGNORECASE
)


class ImportedParticipant(BaseModel):
    """One row as the participant it registers: the same limits as
    ``POST /api/v1/events/{event_id}/participants`` (app/api/schemas.py ``ParticipantCreate``)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, PeoplesText(120, required=True)]
    title: Annotated[str, PeoplesText(120)] = ""
    organisation: Organisation = ""
    constituency: Constituency
    region: Region = ""
    language: FloorLanguage = FloorLanguage.ENGLISH
    attendance: Attendance = Attendance.IN_ROOM
    gender: Gender | None = None


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """A file's rows as text: (row number as the spreadsheet shows it, cells). A workbook's:
    the sheet read (``name``) and the others, which hold no list of participants (``others``)."""

    format: Format
    name: str | None
    rows: list[tuple[int, list[str]]]
    others: tuple[str, ...] = ()


#: Files that are no spreadsheet, by how they start: what they are.
_NOT_SPREADSHEETS: Final = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
)


def read_sheet(data: bytes) -> Sheet:
    """The rows of a CSV or XLSX file, as text; ``SpreadsheetError`` if it is neither."""
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            "this is an Excel 97-2003 workbook (.xls): save it as .xlsx or as CSV UTF-8"
        )
    for start, what in _NOT_SPREADSHEETS:
        if data.startswith(start):
            raise SpreadsheetError(
                f"this is {what}, not a spreadsheet: send the list of participants as an Excel "
                "workbook (.xlsx) or as CSV UTF-8"
            )
    return _read_csv(data)


def _limit_rows(rows: Iterator[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """The rows up to ``MAX_ROWS`` that hold something, after the header's search rows."""
    kept: list[tuple[int, list[str]]] = []
    filled = 0
    for number, cells in rows:
        kept.append((number, cells))
        if any(cell.strip() for cell in cells):
            filled += 1
            if filled > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
    return kept


def _read_csv(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SpreadsheetError(
            f"the file is not UTF-8 text (line {line}): in Excel, save it as "
            "'CSV UTF-8 (Comma delimited)', or send the .xlsx workbook"
        ) from None
    if "\x00" in text:
        raise SpreadsheetError("the file holds NUL characters: it is not a CSV file")
    if not text.strip():
        raise SpreadsheetError(
            "the file is empty: send the list of participants, a header row (Name, "
            "Constituency, …) then one row per participant"
        )
    # the header's delimiter (a title line above it may hold none)
    top = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    delimiter = max(",;\t", key=top.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 0
        last: list[str] = []
        try:
            for number, cells in enumerate(reader, start=1):
                last = cells
                yield number, cells[:MAX_COLUMNS]
        except csv.Error as error:
            raise SpreadsheetError(f"row {number + 1} cannot be read as CSV: {error}") from None
        # a quote opened and never closed swallows the rest of the file into one cell, which
        # would be refused for the wrong reason ("a constituency is needed")
        if any("\n" in cell for cell in last) and _open_quote_at_end(text, delimiter):
            raise SpreadsheetError(
                f'row {number}: a quotation mark (") opened in this row is never closed, so '
                "the rest of the file was read as one cell: close it, or take it out"
            )

    return Sheet("csv", None, _limit_rows(rows()))


def _open_quote_at_end(text: str, delimiter: str) -> bool:
    """Whether the file ends inside a quoted cell (a quote opened and never closed), as a strict
    reading finds it ("unexpected end of data"); a lenient one reads on to the end."""
    strict = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for _ in strict:
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _read_xlsx(data: bytes) -> Sheet:
    # imported on first use: most servers never read a workbook
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise SpreadsheetError(f"the file looks like a ZIP but cannot be opened: {error}") from None
    if "content.xml" in names and "xl/workbook.xml" not in names:
        raise SpreadsheetError(
            "this is an OpenDocument spreadsheet (.ods): save it as .xlsx or as CSV UTF-8"
        )
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        what = "a Word document" if "word/document.xml" in names else "a PowerPoint presentation"
        raise SpreadsheetError(
            f"this is {what}, not a spreadsheet: put the list in an Excel workbook (.xlsx) or a "
            "CSV UTF-8 file, with a row of column names above it"
        )
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError("the file is a ZIP archive, not an XLSX workbook")
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            f"the workbook unpacks to {unpacked:,} bytes, over the {MAX_UNPACKED_BYTES:,} a "
            "list of participants needs: keep the list on a sheet of its own"
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # an untrusted file: whatever the parser meets is the file's fault
        raise SpreadsheetError(f"the workbook cannot be read: {_reason(error)}") from None
    try:
        # the sheet it opens on, then the others in order (not charts): the first whose top rows
        # hold the list's header (saved on the instructions' sheet, the list is on the next)
        worksheets = [ws for ws in workbook.worksheets if isinstance(ws, ReadOnlyWorksheet)]
        if not worksheets:
            raise SpreadsheetError("the workbook has no worksheet")
        active = next((ws for ws in worksheets if ws is workbook.active), worksheets[0])
        ordered = [active, *(ws for ws in worksheets if ws is not active)]

        def rows(sheet: Any, limit: int | None) -> list[tuple[int, list[str]]]:
            sheet.reset_dimensions()  # some writers record A1:A1 for a sheet full of rows
            values = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            numbered = (
                (number, [_cell_text(value) for value in row])
                for number, row in enumerate(itertools.islice(values, limit), start=1)
            )
            try:
                return _limit_rows(numbered)
            except Exception as error:  # as above: a broken sheet
                raise SpreadsheetError(
                    f"the worksheet '{sheet.title}' cannot be read: {_reason(error)}"
                ) from None

        chosen = next(
            (
                ws
                for ws in ordered
                if _find_header(Sheet("xlsx", ws.title, rows(ws, HEADER_SEARCH_ROWS)))
            ),
            None,
        )
        sheet = chosen or active
        others = tuple(str(ws.title) for ws in ordered if ws is not sheet)
        read = rows(sheet, None)
    finally:
        workbook.close()  # read-only mode keeps the archive open until closed
    if _holds_formulas(data, names):
        _formulas_have_values(data, str(sheet.title), read)
    return Sheet("xlsx", str(sheet.title), read, () if chosen else others)


def _holds_formulas(data: bytes, names: list[str]) -> bool:
    """Whether a worksheet of the workbook holds a formula (``<f>`` in its XML): only then is it
    read a second time, for its formulas."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(
            re.search(rb"<(?:\w+:)?f[\s>/]", archive.read(name))
            for name in names
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


#: a formula cell whose saved result is text (``t="str"``): Excel writes ``<v></v>`` for an empty
#: text result (``=IFERROR(VLOOKUP(...),"")``), a value, where a program writes no type at all
_TEXT_RESULT = re.compile(rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?\bt="str"')


def _formulas_have_values(data: bytes, title: str, read: list[tuple[int, list[str]]]) -> None:
    """A formula saved without the value it computes (a file a script wrote; Excel and
    LibreOffice save both) reads as an empty cell: refused, naming the cells, rather than
    importing an organisation or a constituency left out without a word."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        worksheet = workbook[title]
        worksheet.reset_dimensions()  # as in _read_xlsx
        formulas = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        unvalued = [
            f"{get_column_letter(column)}{number}"
            for (number, cells), row in zip(read, formulas, strict=False)
            for column, (text, formula) in enumerate(zip(cells, row, strict=False), start=1)
            if not text and isinstance(formula, str) and formula.startswith("=")
        ]
        if unvalued:  # but a text result saved empty (=IF(A2="","",A2)) is a value: ""
            path = getattr(worksheet, "_worksheet_path", None)
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                xml = archive.read(path) if path in archive.namelist() else b""
            texts = set(_TEXT_RESULT.findall(xml))
            unvalued = [ref for ref in unvalued if ref.encode() not in texts]
    except Exception as error:  # an untrusted file, as in _read_xlsx
        raise SpreadsheetError(
            f"the worksheet '{title}' cannot be read: {_reason(error)}"
        ) from None
    finally:
        workbook.close()
    if unvalued:
        more = f" and {len(unvalued) - 5:,} more" if len(unvalued) > 5 else ""
        raise SpreadsheetError(
            f"cells {', '.join(unvalued[:5])}{more} of the worksheet '{title}' hold formulas "
            "saved without their values (a file written by a program, not by Excel): open it in "
            "Excel or LibreOffice and save it again, or replace the formulas by their values"
        )


def _reason(error: BaseException) -> str:
    """What went wrong, from the innermost cause (openpyxl wraps the parser's refusal)."""
    while (inner := error.__cause__ or error.__context__) is not None:
        error = inner
    return f"{type(error).__name__}: {error}"[:200]


def _cell_text(value: Any) -> str:
    """A cell as the text it shows: whole numbers without ``.0``, dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# --- checking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What stops a row (or the file): ``row`` as the spreadsheet numbers it, ``column`` as the
    file names it (``None`` for the whole row or file). ``message`` is in English; ``code`` and
    ``params`` say the same for a face that words it in its own language (the desk): see
    docs/protocol.md for the codes ("" for a problem without one)."""

    row: int | None
    column: str | None
    message: str
    code: str = ""
    params: dict[str, str | int] = field(default_factory=dict)


#: pydantic's error types of a text cell, as the import's problem codes
_TEXT_CODES = {
    "string_too_long": "text_too_long",
    "string_too_short": "text_empty",
    "string_marks_stacked": "text_marks_stacked",  # app/floor/text.py MAX_STACKED_MARKS
}


@dataclass(frozen=True)
class ProgrammeSegment:
    """What a panel cell is matched against: a segment, its number in the programme (1-based)."""

    id: str
    title: str
    number: int
    status: SegmentStatus


#: new: registered by the import; registered: the same name and organisation are registered
#: already (left as they are); repeat: the same row as an earlier one of the file, every column
#: alike (an export of a registry that holds a duplicate registration): imported once; refused.
RowStatus = Literal["new", "registered", "repeat", "refused"]


@dataclass(frozen=True)
class Registered:
    """Someone registered already, as an import compares a row with them: who they are (name and
    organisation) and their other particulars as stored (field -> code or text)."""

    id: str
    name: str
    organisation: str
    particulars: Mapping[str, str] = field(default_factory=dict)
    #: the segments they have a panellist turn in (waiting, speaking or given)
    panels: frozenset[str] = frozenset()


#: The particulars a row may update for someone registered (name and organisation say who they
#: are: another spelling of them is the same person, kept as registered).
UPDATABLE: Final = ("title", "constituency", "region", "language", "attendance", "gender")
_LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    "constituency": CONSTITUENCY_LABELS,
    "language": LANGUAGE_LABELS,
    "attendance": ATTENDANCE_LABELS,
    "gender": GENDER_LABELS,
}


@dataclass(frozen=True)
class Difference:
    """A particular of someone registered that the file gives otherwise: ``column`` as an export
    names it, both values as a person reads them, and ``value`` the file's, as stored."""

    field: str
    column: str
    registered: str
    file: str
    value: str
    registered_value: str


@dataclass
class CheckedRow:
    row: int
    name: str
    status: RowStatus = "new"
    problems: list[Problem] = field(default_factory=list)
    participant: ImportedParticipant | None = None
    panel: ProgrammeSegment | None = None
    #: status registered: whom it is, and what the file says otherwise of them
    registered_id: str | None = None
    differences: list[Difference] = field(default_factory=list)
    #: as the row gives it, refused or not: two refused rows of one name told apart
    organisation: str = ""
    #: a panel cell naming a segment that has ended: refused for someone new, nothing to do for
    #: someone registered (an export names the segment they were a panellist in)
    ended_panel: Problem | None = None
    #: the fields the row leaves empty whose default it is registered with (``ASSUMED``)
    assumed: list[str] = field(default_factory=list)


#: The fields a row may leave empty that a participant cannot be without, and what an empty cell
#: registers: said before the import (outside probe H: "English" and "In the room" came back in
#: the export as if the secretariat had written them).
ASSUMED: Final[dict[str, str]] = {
    "language": FloorLanguage.ENGLISH.value,
    "attendance": Attendance.IN_ROOM.value,
}


@dataclass
class Report:
    format: Format
    sheet: str | None
    header_row: int | None
    #: field -> the header it was read from
    columns: dict[str, str]
    ignored_columns: list[str]
    rows: list[CheckedRow]
    #: problems of the whole file (a missing column, too many rows, ...)
    problems: list[Problem]

    @property
    def refused(self) -> bool:
        return bool(self.problems) or any(row.status == "refused" for row in self.rows)

    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for row in self.rows for p in row.problems)]


def person_key(name: str, organisation: str) -> tuple[str, str]:
    """Who a row is, for telling whether they are registered: name and organisation as a person
    would compare them (``_as_compared``: "AICHA  benali" on a phone is "Aïcha Benali" of the
    list)."""
    return (_as_compared(name), _as_compared(_ACRONYM.sub(_undotted, organisation)))


#: ``person_key`` remembered: a join is compared with every registered person (5,000 names
#: cleaned at each join took 60 ms of the event loop), a floor request with the waiting ones
remembered_person_key = functools.lru_cache(maxsize=65_536)(person_key)


#: An organisation's dotted acronym ("I.O.M.", "U.N.H.C.R.", "I.O.M"): two or more single letters
#: each followed by a dot, compared as the acronym (IOM). A name's initials are not folded so:
#: "J. R. R. Tolkien" and "J.R.R. Tolkien" stay one person there as before (dots as spaces).
_ACRONYM = re.compile(r"(?<!\w)(?:\w\.){2,}(?:\w(?!\w))?")


def _undotted(match: re.Match[str]) -> str:
    return match.group(0).replace(".", "")


#: Apostrophes as keyboards and autocorrect write them ("O'Brien", "O\u2019Brien", "N'Diaye" or
#: "NDiaye"): compared as nothing.
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u02b9\u0060\u00b4\u2032]")


def _between_words(text: str) -> str:
    """Punctuation and symbols between words ("M\u00fcller-L\u00fcdenscheid", "Dr. J. Smith")
    as a space. Only those (Unicode's P and S categories): a vowel sign of an Indic script is a
    mark, not punctuation, and tells two names apart (Sita is not Suta in Devanagari)."""
    return "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in text)


def _as_compared(text: str) -> str:
    """Cleaned, compatibility-decomposed (a full-width letter is the plain one), without accents
    or vowel marks (a phone's keyboard may not type them), apostrophes or punctuation (an
    autocorrected O\u2019Brien is O'Brien, UN-Habitat is UN Habitat), case-folded, one space
    between words, without the joiners a name may keep (the same name typed with or without
    a Persian non-joiner is one person)."""
    joined = clean_text(text).replace("\u200c", "").replace("\u200d", "")
    decomposed = unicodedata.normalize("NFKD", joined)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = " ".join(_between_words(_APOSTROPHES.sub("", bare)).casefold().split())
    # a name of punctuation alone ("?") is compared as written, not as nothing
    return words or " ".join(bare.casefold().split())


def _find_header(sheet: Sheet) -> tuple[int, dict[int, Column], list[str]] | None:
    """The header among the top rows: the first that names the name and constituency columns."""
    for index, (_, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        found = {i: _BY_KEY.get(_key(cell)) for i, cell in enumerate(cells)}
        fields = {column.field for column in found.values() if column is not None}
        named = "name" in fields or bool({"first_name", "last_name"} & fields)
        if named and "constituency" in fields:
            known = {i: column for i, column in found.items() if column is not None}
            ignored = [cells[i].strip() for i, c in found.items() if c is None and cells[i].strip()]
            return index, known, ignored
    return None


def check(
    sheet: Sheet,
    programme: Sequence[ProgrammeSegment],
    registered: Iterable[Registered],
) -> Report:
    """Every row of ``sheet`` checked: what it registers, or why not; a row of someone
    registered already, what it says otherwise of them (``differences``)."""
    report = Report(sheet.format, sheet.name, None, {}, [], [], [])
    header = _find_header(sheet)
    if header is None:
        wanted = " and ".join(f"'{c.header}'" for c in COLUMNS if c.required)
        where = f" of the sheet '{sheet.name}'" if sheet.name else ""
        if sheet.others:
            listed = ", ".join(f"'{name}'" for name in sheet.others)
            where += f", nor of the workbook's other sheets ({listed})"
        report.problems.append(
            Problem(
                1,
                None,
                f"no header row names the columns {wanted} (looked at the first "
                f"{HEADER_SEARCH_ROWS} rows{where}); a spreadsheet of participants starts with a "
                f"row of column names such as {', '.join(HEADERS)}",
                "no_header",
                {
                    "rows": HEADER_SEARCH_ROWS,
                    "sheet": sheet.name or "",
                    "others": len(sheet.others),
                },
            )
        )
        return report
    index, columns, report.ignored_columns = header
    header_row = sheet.rows[index][0]
    report.header_row = header_row
    header_cells = sheet.rows[index][1]
    seen: dict[str, int] = {}
    for position, column in columns.items():
        if column.field in seen:
            first = header_cells[seen[column.field]].strip()
            report.problems.append(
                Problem(
                    header_row,
                    header_cells[position].strip(),
                    f"two columns give the {column.header.lower()}: '{first}' and this one; "
                    "keep one",
                    "two_columns",
                    {"first": first},
                )
            )
            continue
        seen[column.field] = position
        report.columns[column.field] = header_cells[position].strip()
    data_rows = [
        (n, cells) for n, cells in sheet.rows[index + 1 :] if any(c.strip() for c in cells)
    ]
    if len(data_rows) > MAX_ROWS:
        report.problems.append(
            Problem(
                None,
                None,
                f"the file has more than {MAX_ROWS:,} participants: split it into files of at "
                f"most {MAX_ROWS:,} rows",
                "too_many_rows",
                {"max": MAX_ROWS},
            )
        )
        return report
    if report.problems:
        return report
    panels = _PanelFinder(programme)
    known = {person_key(person.name, person.organisation): person for person in registered}
    first_row_of: dict[tuple[str, str], CheckedRow] = {}
    for number, cells in data_rows:
        row = _check_row(number, cells, seen, report.columns, panels)
        report.rows.append(row)
        if row.participant is None:
            continue
        key = person_key(row.participant.name, row.participant.organisation)
        earlier = first_row_of.get(key)
        if earlier is not None and (earlier.participant, earlier.panel) == (
            row.participant,
            row.panel,
        ):
            row.status = "repeat"  # the same row again: imported once, as the earlier one
        elif earlier is not None:
            row.status = "refused"
            # which columns differ, as the file names them (outside probe H: "other particulars"
            # sent the secretariat looking; a name's capitals alone may be what differs)
            assert earlier.participant is not None
            differ = [
                report.columns.get(name, name)
                for name in ImportedParticipant.model_fields
                if getattr(earlier.participant, name) != getattr(row.participant, name)
            ]
            if earlier.panel != row.panel:
                differ.append(report.columns.get("panel", "Panel"))
            differing = ", ".join(differ)
            row.problems.append(
                Problem(
                    number,
                    report.columns["name"],
                    f"the same person (name and organisation) as row {earlier.row}, given "
                    f"otherwise in {differing}: keep one of the two rows",
                    "same_person",
                    {"row": earlier.row, "columns": differing},
                )
            )
        elif key in known:
            row.status = "registered"
            row.registered_id = known[key].id
            row.differences = _differences(row.participant, known[key], report.columns)
            if row.panel is not None and row.panel.id not in known[key].panels:
                # a panel given to someone registered: queued with update_registered
                title, header_name = row.panel.title, report.columns.get("panel", "Panel")
                panel = Difference("panel", header_name, "", title, row.panel.id, "")
                row.differences.append(panel)
        if row.ended_panel is not None and row.status != "registered":
            row.status = "refused"
            row.problems.append(row.ended_panel)
        first_row_of.setdefault(key, row)
    return report


def _differences(
    participant: ImportedParticipant, person: Registered, columns: Mapping[str, str]
) -> list[Difference]:
    """What a row gives otherwise than the registry of someone registered: the particulars its
    file has a column for and fills in (a blank cell says nothing: it never clears one)."""
    found = []
    for name in UPDATABLE:
        if name not in columns:
            continue
        given = getattr(participant, name)
        value = "" if given is None else str(getattr(given, "value", given))
        had = person.particulars.get(name, "")
        if value and value != had:
            labels = _LABELS.get(name, {})
            header = next(c.header for c in COLUMNS if c.field == name)
            shown = (labels.get(had, had), labels.get(value, value))
            found.append(Difference(name, header, shown[0], shown[1], value, had))
    return found


def _unescaped(value: str) -> str:
    """A cell as typed: the ``'`` an export puts before a formula-like text is taken off again."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _check_row(
    number: int,
    cells: list[str],
    positions: Mapping[str, int],
    headers: Mapping[str, str],
    panels: _PanelFinder,
) -> CheckedRow:
    raw = {
        name: _unescaped(cells[i].strip()) if i < len(cells) else ""
        for name, i in positions.items()
    }
    if not raw.get("name") and ("first_name" in raw or "last_name" in raw):
        raw["name"] = " ".join(p for p in (raw.get("first_name"), raw.get("last_name")) if p)
    name_column = (
        "name" if "name" in headers else ("first_name" if "first_name" in headers else "last_name")
    )
    row = CheckedRow(number, clean_text(raw.get("name", ""))[:120])
    row.organisation = clean_text(raw.get("organisation", ""))[:200]

    def refuse(
        name: str, message: str, code: str = "", params: dict[str, str | int] | None = None
    ) -> None:
        column = name_column if name == "name" else name
        problem = Problem(number, headers.get(column, column), message, code, params or {})
        row.problems.append(problem)

    values: dict[str, Any] = {
        name: raw.get(name, "") for name in ("name", "title", "organisation", "region")
    }
    matchers: dict[str, tuple[dict[str, str], Mapping[str, str]]] = {
        "constituency": (_CONSTITUENCIES, CONSTITUENCY_LABELS),
        "language": (_LANGUAGES, LANGUAGE_LABELS),
        "attendance": (_ATTENDANCES, ATTENDANCE_LABELS),
    }
    for name, (table, labels) in matchers.items():
        text = raw.get(name, "")
        if not text:
            if name == "constituency":
                refuse(
                    name,
                    f"a constituency is needed: one of {_known(labels)}",
                    "constituency_needed",
                )
            else:
                row.assumed.append(name)
            continue
        code = table.get(_key(text)) or table.get(_spelled(_key(text)))
        if code is None:
            refuse(
                name,
                f"'{text}' is not one we know: one of {_known(labels)}",
                "unknown_value",
                {"value": text, "field": name},
            )
        else:
            values[name] = code
    gender = raw.get("gender", "")
    if _key(gender) not in _UNSTATED:
        code = _GENDERS.get(_key(gender))
        if code is None:
            refuse(
                "gender",
                f"'{gender}' is not one we know: {_known(GENDER_LABELS)}, or blank (not stated)",
                "unknown_value",
                {"value": gender, "field": "gender"},
            )
        else:
            values["gender"] = code
    panel = raw.get("panel", "")
    if _key(panel) not in _NO_PANEL:
        found = panels.find(panel)
        if isinstance(found, Problem) and found.code == "panel_ended":
            column = headers.get("panel", "panel")
            row.ended_panel = Problem(number, column, found.message, found.code, found.params)
        elif isinstance(found, Problem):
            refuse("panel", found.message, found.code, found.params)
        else:
            row.panel = found
    # the text fields are checked whatever else is wrong, so one pass shows every problem (a
    # constituency already refused stands in as "other" meanwhile)
    try:
        participant = ImportedParticipant.model_validate({"constituency": "other", **values})
    except ValidationError as error:
        for item in error.errors(include_url=False):
            code = _TEXT_CODES.get(item["type"], "")
            params: dict[str, str | int] = {}
            if code == "text_too_long":
                params["max"] = int(item["ctx"]["max_length"])
            elif code == "text_marks_stacked":
                params["max"] = MAX_STACKED_MARKS
            where = str(item["loc"][0]) if item["loc"] else ""
            refuse(where, _message(item["msg"]), code, params)
    if row.problems:
        row.status = "refused"
    else:
        row.participant = participant
    return row


def _spelled(key: str) -> str:
    """A value's key with the UN's "-ization" spelled as our labels spell it ("-isation")."""
    return re.sub(r"iz(ations?|es?|ed|ing)\b", r"is\1", key)


def _known(labels: Mapping[str, str]) -> str:
    return ", ".join(labels.values())


def _message(text: str) -> str:
    return text.removeprefix("Value error, ")


def _head(title: str) -> str:
    """A title's head, before its first colon: how a spreadsheet names "Thematic discussion I:
    Assessing the progress…" ("Thematic discussion I"); the whole title when it has none."""
    return _key(title.split(":", 1)[0])


class _PanelFinder:
    """A panel cell's segment: by its title (the whole title, else its head before the colon,
    when only one segment has that head), or its number in the programme."""

    def __init__(self, programme: Sequence[ProgrammeSegment]) -> None:
        self.programme = programme
        self.by_title: dict[str, list[ProgrammeSegment]] = {}
        self.by_head: dict[str, list[ProgrammeSegment]] = {}
        for segment in programme:
            self.by_title.setdefault(_key(segment.title), []).append(segment)
            self.by_head.setdefault(_head(segment.title), []).append(segment)

    def find(self, cell: str) -> ProgrammeSegment | Problem:
        """The segment, or why there is none (a problem without its row and column)."""

        def why(message: str, code: str, **params: str | int) -> Problem:
            return Problem(None, None, message, code, dict(params))

        named = _PANELLIST_PREFIX.sub("", cell, count=1).strip()
        if not named:
            return why(
                f"'{cell}': name the segment they are a panellist in, by its title or its number "
                "in the programme (e.g. 'Panellist: 2')",
                "panel_unnamed",
                cell=cell,
            )
        if not self.programme:
            return why(
                f"'{cell}' names a segment, and the programme has none yet: add it first",
                "panel_no_programme",
                cell=cell,
            )
        if named.isdigit():
            number = int(named)
            if not 1 <= number <= len(self.programme):
                count = len(self.programme)
                return why(
                    f"there is no segment {number}: the programme has {count}",
                    "panel_no_number",
                    number=number,
                    count=count,
                )
            segment = self.programme[number - 1]
        else:
            # the whole title; else the head ("Thematic discussion I" for "Thematic discussion
            # I: Assessing…"), of the cell as written or cut short after its colon
            matches = self.by_title.get(_key(named), []) or self.by_head.get(_head(named), [])
            if not matches:
                titles = "; ".join(f"{s.number}. {s.title}" for s in self.programme)
                return why(
                    f"no segment of the programme is called '{named}': {titles}",
                    "panel_no_title",
                    named=named,
                    titles=titles,
                )
            if len(matches) > 1:
                numbers = ", ".join(str(s.number) for s in matches)
                return why(
                    f"segments {numbers} are all called '{named}': give its number instead",
                    "panel_ambiguous",
                    named=named,
                    numbers=numbers,
                )
            segment = matches[0]
        if segment.status is SegmentStatus.ENDED:
            return why(
                f"'{segment.title}' has ended: its speakers can no longer be queued",
                "panel_ended",
                title=segment.title,
            )
        return segment


# --- writing ------------------------------------------------------------------------------------


def panellist_places(state: HearingState) -> dict[str, frozenset[str]]:
    """participant id -> the segments they have a panellist turn in (waiting, speaking, paused
    or given): a registered row's panel there is nothing new."""
    found: dict[str, set[str]] = {}
    for segment in state.segments.values():
        for participant_id in _panellists(segment):
            found.setdefault(participant_id, set()).add(segment.id)
    return {participant_id: frozenset(ids) for participant_id, ids in found.items()}


def _panellists(segment: SegmentState) -> Iterator[str]:
    speakers = [
        *(speech.speaker for speech in segment.speeches if speech.kind is TurnKind.PANELLIST),
        *(
            turn.entry.speaker
            for turn in (segment.current, segment.paused)
            if turn is not None and turn.entry.kind is TurnKind.PANELLIST
        ),
        *(entry.speaker for entry in segment.queue if entry.kind is TurnKind.PANELLIST),
    ]
    return (speaker.participant_id for speaker in speakers if speaker.participant_id is not None)


def panellist_segments(state: HearingState, order: Sequence[str]) -> dict[str, str]:
    """participant id -> the title of the first segment (in programme ``order``) in which they
    have a panellist turn: waiting in the queue, speaking, paused, or given."""
    found: dict[str, str] = {}
    for segment_id in order:
        segment = state.segments.get(segment_id)
        if segment is None:
            continue
        for participant_id in _panellists(segment):
            found.setdefault(participant_id, segment.details.title)
    return found


def export_rows(participants: Iterable[Any], panels: Mapping[str, str]) -> list[dict[str, str]]:
    """Participants (rows with the participant's fields) as the spreadsheet's rows, with the
    English labels an import reads back."""
    return [
        {
            "Name": p.name,
            "Title": p.title,
            "Organisation": p.organisation,
            "Constituency": CONSTITUENCY_LABELS.get(p.constituency, p.constituency),
            "Region": p.region,
            "Gender": GENDER_LABELS.get(p.gender or "", ""),
            "Floor language": LANGUAGE_LABELS.get(p.language, p.language),
            "Attendance": ATTENDANCE_LABELS.get(p.attendance, p.attendance),
            "Panel": panels.get(p.id, ""),
        }
        for p in participants
    ]


def write_csv(rows: Sequence[Mapping[str, str]]) -> bytes:
    """The list as CSV UTF-8 with a byte order mark, every cell quoted, formula-like text
    escaped (app/exports.py)."""
    return csv_text(rows, HEADERS).encode("utf-8")


def write_xlsx(
    rows: Sequence[Mapping[str, str]], sheet_title: str = "Participants", title: str = ""
) -> bytes:
    """The list as an XLSX workbook: one sheet, a bold header, every cell a text cell
    (``exports.xlsx_bytes``: a text that looks like a formula is stored as text)."""
    widths = {"Name": 32, "Organisation": 36, "Constituency": 30, "Panel": 36}
    return xlsx_bytes(rows, HEADERS, sheet_title, widths, title=title)
