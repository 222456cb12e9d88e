"""Spreadsheets the server writes: every CSV (and XLSX, when there is one) goes through here,
and the day's record of who spoke (``day_record_csv``, ``day_record_json``).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed
is a formula to Excel, LibreOffice and Google Sheets: a participant named ``=HYPERLINK(...)``
would become a link, ``+cmd|...`` a command, in the organiser's spreadsheet (OWASP "CSV
injection"). ``spreadsheet_text`` prefixes such a text with an apostrophe, so that it shows as
typed; numbers are not text and stay numbers (``-5`` is ``-5``). A CSV quotes every cell
(``csv.QUOTE_ALL``, which doubles the quotes inside) and starts with a UTF-8 byte order mark, the
sign Excel looks for before it reads non-ASCII names as UTF-8.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.responses import Response

from .floor.contributions import Contribution
from .floor.scripts import mostly_right_to_left
from .labels import (
    ATTENDANCE_LABELS,
    CONSTITUENCY_LABELS,
    GENDER_LABELS,
    LANGUAGE_LABELS,
    TURN_KIND_LABELS,
    TURN_STATUS_LABELS,
    label,
)

Cell = str | int | float | None
#: What an XLSX cell may hold: a CSV's cell, or a date-time.
SheetValue = Cell | datetime

#: What makes a spreadsheet read a text cell as a formula (OWASP; the line feed since 2025).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


def spreadsheet_text(value: Cell) -> Cell:
    """A cell as it may be written: a text that a spreadsheet would run as a formula gets a
    leading ``'``; anything else (other text, numbers, ``None``) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Mapping[str, Cell]], fieldnames: Sequence[str]) -> str:
    """A CSV document: a header, then one line per row (a missing key is an empty cell),
    every cell escaped and quoted, a boolean as JSON writes it (``csv_cell``)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames, quoting=csv.QUOTE_ALL)  # a stray key raises
    writer.writerow({name: spreadsheet_text(name) for name in fieldnames})
    for row in rows:
        writer.writerow({name: csv_cell(value) for name, value in row.items()})
    return buffer.getvalue()


def csv_cell(value: Cell) -> Cell:
    """A cell as a CSV writes it: a boolean as ``true`` or ``false``, the JSON answer's words that
    a script reads back (Python's ``str`` would write ``True``); a text escaped
    (``spreadsheet_text``); the rest as it is. The CSVs people read say such things in words
    (``Spoken``, ``Skipped``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_text(value)


def csv_response(
    rows: Iterable[Mapping[str, Cell]], fieldnames: Sequence[str], filename: str
) -> Response:
    """A CSV attachment (``text/csv; charset=utf-8``) named ``filename`` (characters other than
    letters, digits, ``.``, ``_`` and ``-`` become ``_``)."""
    return csv_bytes_response(csv_text(rows, fieldnames).encode("utf-8"), filename)


def csv_bytes_response(data: bytes, filename: str) -> Response:
    """A CSV made elsewhere (``day_record_csv``) as an attachment, like ``csv_response``."""
    return attachment(data, "text/csv; charset=utf-8", filename)


def attachment(data: bytes, media_type: str, filename: str) -> Response:
    """A file to download (a spreadsheet, a Word document), named ``filename`` made safe
    (``safe_filename``)."""
    disposition = f'attachment; filename="{safe_filename(filename)}"'
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


def safe_filename(filename: str, fallback: str = "export.csv") -> str:
    """``filename`` with characters other than letters, digits, ``.``, ``_`` and ``-`` made
    ``_`` (it goes inside a quoted ``Content-Disposition`` header)."""
    return _UNSAFE_IN_FILENAME.sub("_", filename) or fallback


# --- times and durations as people read them ----------------------------------------------------


def event_zone(timezone: str) -> ZoneInfo:
    """The event's IANA time zone (``"America/New_York"``); an unknown or malformed name raises
    ``ValueError`` naming it (never the server's local zone, never UTC by accident)."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise ValueError(f"unknown time zone: {timezone!r}") from error


def local_iso(at: int | None, zone: ZoneInfo) -> str | None:
    """An instant (epoch ms UTC) as ISO 8601 in ``zone``, to the second, with its offset:
    ``2022-05-16T10:31:05-04:00``. ``None`` stays ``None``."""
    if at is None:
        return None
    return datetime.fromtimestamp(at // 1000, zone).isoformat(timespec="seconds")


def whole_seconds(ms: int | None) -> int | None:
    """A duration in whole seconds, rounded to the nearest (half up); ``None`` or negative (no
    such duration) is ``None``.

    The one rounding of what people add up: a turn's durations in the day's record, and the
    outcome's speaking figures, which are sums of these (``as_recorded``), not the rounded sum
    of the milliseconds. A reader who totals the record's ``(s)`` column finds the outcome's
    figure to the second; rounded once at the end, the two could differ by half a second a turn
    (outside probe Q: the spoken rows summed to 40 s, the outcome said 37 s)."""
    if ms is None or ms < 0:
        return None
    return (ms + 500) // 1000


def as_recorded(ms: int) -> int:
    """A turn's duration as the day's record prints it (``whole_seconds``), back in ms: what a
    total of turns adds up (the outcome's speaking figures), so that the total is the sum of
    the record's rows (a negative duration, never a turn's, counts none)."""
    return (whole_seconds(ms) or 0) * 1000


def overrun_seconds(
    timed_ms: int | None, allotted_ms: int | None, overrun_ms: int | None
) -> int | None:
    """A turn's overrun in whole seconds, as the record prints it beside the time on the timer
    and the time allotted: the timer's whole seconds less the allotment's, each rounded first
    (``whole_seconds``), not the overrun's ms rounded alone. So Allotted + Overrun is On the
    timer in every row, as a reader checks it: rounded alone, 707 ms over a 1 500 ms allotment
    (2 207 ms on the timer) read 2 s allotted + 1 s over beside 2 s on the timer (outside probe
    Q); now 2 s + 0 s. The seconds of an overrun are within a second of its ms either way (400
    ms over may read 1 s, 707 ms 0 s); ``overrun_ms`` keeps the exact figure.

    ``None`` where there is no overrun to speak of (``overrun_ms`` None or negative); an
    overrun of 0 ms is 0 s; without the two figures it comes from, ``overrun_ms`` rounded."""
    if overrun_ms is None or overrun_ms < 0:
        return None
    if overrun_ms == 0:
        return 0
    timed, allotted = whole_seconds(timed_ms), whole_seconds(allotted_ms)
    if timed is None or allotted is None:
        return whole_seconds(overrun_ms)
    return max(0, timed - allotted)


def minutes_seconds(ms: int | None) -> str | None:
    """A duration as a clock shows it: ``m:ss`` (``4:05``), ``h:mm:ss`` from one hour
    (``1:02:03``), from the same rounded seconds as ``whole_seconds``; ``None`` or negative is
    ``None``."""
    return clock_text(whole_seconds(ms))


def clock_text(seconds: int | None) -> str | None:
    """Whole seconds as a clock shows them (``minutes_seconds``); ``None`` is ``None``."""
    if seconds is None:
        return None
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


# --- the day's record (issue 12, item 3) --------------------------------------------------------


@dataclass(frozen=True)
class RecordRow:
    """One turn given, timed or not, as the day's record lists it (built from the state by the
    route), or a place or a floor request not heard. Instants are epoch ms UTC, durations ms;
    ``None`` where there is none (a timer never started, a skipped turn, a row not heard)."""

    segment_title: str
    segment_position: int
    #: 1-based within the segment; None for a row that is not a turn given (a place or a
    #: request not heard)
    turn: int | None
    kind: str
    #: "spoken" or "skipped" (a turn given); a place in the queue not heard in the segment:
    #: "carried" (to ``carried_to``), "dropped" or "waiting" (left in the queue) when it ended,
    #: or gone before, "withdrawn" (after approval) or "removed" (by the moderator); a floor
    #: request never given a place: "request_carried", "request_dropped", "request_waiting"
    #: (still awaiting the moderator when the segment ended), "request_withdrawn",
    #: "request_declined", "request_removed". Once a segment has ended every floor request it
    #: received has a row there (a request carried on: one in each segment it reached, the last
    #: saying what became of it)
    status: str
    name: str
    organisation: str
    constituency: str
    region: str
    attendance: str
    floor_language: str
    gender: str  # self-declared; "" when not stated
    called_at: int | None
    timer_started_at: int | None
    ended_at: int | None
    held_ms: int | None
    timed_ms: int | None
    allotted_ms: int | None
    overrun_ms: int | None
    #: an interposed turn (a question or an answer): the turn it interrupted, by its number in
    #: the segment; an answer: the question it answers; None for an ordinary turn
    interposed_in_turn: int | None = None
    answers_turn: int | None = None
    #: 1-based across the whole day, in the order the turns were called (the row's place in the
    #: record is the programme's: a segment held out of order, or moved after, keeps this)
    day_turn: int | None = None
    #: the time interposed questions and answers held the floor while this turn waited (held
    #: the floor + this = called to ended)
    interposed_ms: int | None = None
    #: the time set apart by an undo: the segment stood ended during the turn, or the turn did
    #: (the next speaker called by mistake, its end), then given back (nobody's speaking time:
    #: held the floor + interposed + this = called to ended)
    suspended_ms: int | None = None
    #: a place or a request carried unheard to another segment: its title
    carried_to: str = ""
    #: when the floor request behind the turn was made (None: added by the moderator)
    requested_at: int | None = None


_INSTANTS = ("requested_at", "called_at", "timer_started_at", "ended_at")
_DURATIONS = ("held_ms", "timed_ms", "allotted_ms", "overrun_ms", "interposed_ms", "suspended_ms")

#: The day's CSV: column heading -> how the cell is read from a row of ``day_record_json``.
DAY_RECORD_COLUMNS: dict[str, str] = {
    "Segment": "segment_title",
    "Segment no.": "segment_position",
    "Turn": "turn",
    "Turn of the day": "day_turn",
    "Kind of turn": "kind",
    "Status": "status",
    "Name": "name",
    "Organisation": "organisation",
    "Constituency": "constituency",
    "Region": "region",
    "Attendance": "attendance",
    "Floor language": "floor_language",
    "Gender": "gender",
    "Requested at": "requested_at_local",
    "Called at": "called_at_local",
    "Timer started at": "timer_started_at_local",
    "Ended at": "ended_at_local",
    "Held the floor (m:ss)": "held_mss",
    "Held the floor (s)": "held_s",
    "Paused for interposed turns (m:ss)": "interposed_mss",
    "Paused for interposed turns (s)": "interposed_s",
    "Set apart by an undo (m:ss)": "suspended_mss",
    "Set apart by an undo (s)": "suspended_s",
    "On the timer (m:ss)": "timed_mss",
    "On the timer (s)": "timed_s",
    "Allotted (m:ss)": "allotted_mss",
    "Allotted (s)": "allotted_s",
    "Overrun (m:ss)": "overrun_mss",
    "Overrun (s)": "overrun_s",
    "Interposed in turn": "interposed_in_turn",
    "Answers turn": "answers_turn",
    "Carried to": "carried_to",
}


def day_record_json(rows: list[RecordRow], timezone: str) -> list[dict[str, Cell]]:
    """The day's record for JSON: every field of each row as it is (instants in epoch ms,
    durations in ms), each instant ``x_at`` followed by ``x_at_local`` (ISO 8601 in the event's
    zone) and each duration ``x_ms`` by ``x_s`` (whole seconds) and ``x_mss`` (``m:ss``): the
    overrun's from the timer's and the allotment's seconds (``overrun_seconds``), so that they
    add up in every row."""
    zone = event_zone(timezone)
    out: list[dict[str, Cell]] = []
    for row in rows:
        entry: dict[str, Cell] = {}
        for field in fields(row):
            value = getattr(row, field.name)
            entry[field.name] = value
            if field.name in _INSTANTS:
                entry[f"{field.name}_local"] = local_iso(value, zone)
            elif field.name in _DURATIONS:
                stem = field.name.removesuffix("_ms")
                if field.name == "overrun_ms":
                    seconds = overrun_seconds(row.timed_ms, row.allotted_ms, row.overrun_ms)
                else:
                    seconds = whole_seconds(value)
                entry[f"{stem}_s"] = seconds
                entry[f"{stem}_mss"] = clock_text(seconds)
        out.append(entry)
    return out


#: The CSV's cells that hold a code, and the English words a person reads instead (the JSON keeps
#: the codes).
_LABELLED: dict[str, Mapping[str, str]] = {
    "kind": TURN_KIND_LABELS,
    "status": TURN_STATUS_LABELS,
    "constituency": CONSTITUENCY_LABELS,
    "attendance": ATTENDANCE_LABELS,
    "floor_language": LANGUAGE_LABELS,
    "gender": GENDER_LABELS,
}


def day_record_csv(rows: list[RecordRow], timezone: str) -> bytes:
    """The day's record as a spreadsheet: UTF-8 with a byte order mark, readable headings
    (``DAY_RECORD_COLUMNS``), codes in words (``Floor intervention``, ``Trade union``,
    ``French``: app/labels.py, as the participants' spreadsheet has them), times ISO 8601 in the
    event's zone, durations as ``m:ss`` and in whole seconds, every text cell escaped and quoted
    (``csv_text``).

    Sum the ``(s)`` columns, not the ``m:ss`` ones: a spreadsheet reads ``4:05`` as a time of
    day (4 h 05), which shows as typed but adds up wrong. Each is rounded to the whole second
    once (``whole_seconds``), the overrun as the timer's seconds less the allotment's
    (``overrun_seconds``): Allotted + Overrun is On the timer in each row, and the sum of Held
    the floor over the spoken rows is the outcome's figure (``as_recorded``)."""
    return csv_text(day_record_table(rows, timezone), list(DAY_RECORD_COLUMNS)).encode("utf-8")


def day_record_xlsx(rows: list[RecordRow], timezone: str, title: str = "") -> bytes:
    """The day's record as an XLSX workbook: the CSV's columns and cells (``xlsx_bytes``), the
    seconds as numbers a spreadsheet adds up, the times as date-times (the event's local time,
    named in their headings) a spreadsheet sorts and filters."""
    table = [with_offsets(row, _DAY_RECORD_TIMES) for row in day_record_table(rows, timezone)]
    widths = {"Segment": 40, "Name": 28, "Organisation": 32, "Constituency": 26}
    widths.update(dict.fromkeys(_DAY_RECORD_TIMES, 20))
    return xlsx_bytes(
        table,
        after(list(DAY_RECORD_COLUMNS), _DAY_RECORD_TIMES[-1], UTC_OFFSET),
        "Speeches",
        widths,
        time_format="yyyy-mm-dd hh:mm:ss",
        headings=zoned(_DAY_RECORD_TIMES, timezone),
        title=title,
    )


_DAY_RECORD_TIMES = ("Requested at", "Called at", "Timer started at", "Ended at")


def local_datetime(value: Cell) -> SheetValue:
    """An ISO 8601 local time with its offset (``local_iso``) as the local date-time a
    spreadsheet holds (no zone: a spreadsheet has none; the times are the event's); anything
    else as it is."""
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            return value
    return value


#: A workbook's column beside its local date-times: their offset from UTC (``-04:00``), which a
#: spreadsheet's date-time cannot hold. Without it, in the hour a fall-back repeats, a later time
#: reads as an earlier one (the CSV's and the JSON's times carry their offsets).
UTC_OFFSET = "UTC offset"


def with_offsets(row: Mapping[str, Cell], times: Sequence[str]) -> dict[str, SheetValue]:
    """A spreadsheet's row with its ``times`` (ISO 8601 with offsets, ``local_iso``) as local
    date-times, and a ``UTC_OFFSET`` cell naming their offsets: one (``-04:00``), or each in
    turn where they differ (``-04:00, then -05:00``: a turn across a fall-back)."""
    offsets: list[str] = []
    for heading in times:
        value = row.get(heading)
        if isinstance(value, str) and value:
            try:
                at = datetime.fromisoformat(value)
            except ValueError:
                continue
            offset = at.isoformat(timespec="seconds")[19:] if at.tzinfo is not None else ""
            if not offset:
                continue
            if offset not in offsets:
                offsets.append(offset)
    out: dict[str, SheetValue] = {
        heading: local_datetime(value) if heading in times else value
        for heading, value in row.items()
    }
    out[UTC_OFFSET] = ", then ".join(offsets)
    return out


def after(headers: list[str], anchor: str, heading: str) -> list[str]:
    """``headers`` with ``heading`` put just after ``anchor``."""
    at = headers.index(anchor) + 1
    return [*headers[:at], heading, *headers[at:]]


def day_record_table(rows: list[RecordRow], timezone: str) -> list[dict[str, Cell]]:
    """The day's record as a spreadsheet's rows: ``DAY_RECORD_COLUMNS``' headings, codes in
    words."""
    records = day_record_json(rows, timezone)
    for record in records:
        for key, labels in _LABELLED.items():
            record[key] = label(labels, str(record[key]))
    return [
        {heading: record[key] for heading, key in DAY_RECORD_COLUMNS.items()} for record in records
    ]


# --- the outcome's contributions ----------------------------------------------------------------

#: The contributions' spreadsheet, one row each in the order they were submitted (``No.`` is
#: the number the rapporteur's page shows: #1 the earliest).
CONTRIBUTION_COLUMNS: tuple[str, ...] = (
    "No.",
    "Kind",
    "Status",
    "Text",
    "Original text",
    "Author",
    "Organisation",
    "Constituency",
    "Segment",
    "Language",
    "Original language",
    "Themes",
    "Global Compact objectives",
    "Merged into (No.)",
    "Note",
    "Submitted at",
    "Last changed at",
)
CONTRIBUTION_KIND_LABELS: Mapping[str, str] = {
    "recommendation": "Recommendation",
    "pledge": "Pledge",
}
CONTRIBUTION_STATUS_LABELS: Mapping[str, str] = {
    "submitted": "Submitted",
    "accepted": "Accepted",
    "set_aside": "Set aside",
    "merged": "Merged",
}


def contributions_table(
    contributions: Sequence[Contribution], segment_titles: Mapping[str, str], timezone: str
) -> list[dict[str, Cell]]:
    """Every contribution (``OutcomeState.ordered()``) as a spreadsheet's rows: codes in words,
    times ISO 8601 in the event's zone, several themes or objectives joined by "; "."""
    zone = event_zone(timezone)
    numbers = {item.id: number for number, item in enumerate(contributions, start=1)}
    return [
        {
            "No.": numbers[item.id],
            "Kind": label(CONTRIBUTION_KIND_LABELS, item.kind.value),
            "Status": label(CONTRIBUTION_STATUS_LABELS, item.status.value),
            "Text": item.text,
            "Original text": item.original_text if item.original_text != item.text else "",
            "Author": item.author.name,
            "Organisation": item.author.organisation,
            "Constituency": label(CONSTITUENCY_LABELS, item.author.constituency),
            "Segment": segment_titles.get(item.segment_id or "", ""),
            "Language": label(LANGUAGE_LABELS, item.language),
            # the language it was delivered in (a translation's "Language" is the translation's)
            "Original language": label(LANGUAGE_LABELS, item.original_language or item.language),
            "Themes": "; ".join(item.themes),
            "Global Compact objectives": "; ".join(str(n) for n in item.objectives),
            "Merged into (No.)": numbers.get(item.merged_into or ""),
            "Note": item.note,
            "Submitted at": local_iso(item.submitted_at, zone),
            "Last changed at": local_iso(item.updated_at, zone),
        }
        for item in contributions
    ]


def contributions_csv(table: list[dict[str, Cell]]) -> bytes:
    return csv_text(table, CONTRIBUTION_COLUMNS).encode("utf-8")


#: The contributions' spreadsheet's columns that hold sentences: wrapped in their width.
_CONTRIBUTION_WRAPPED = (
    "Text",
    "Original text",
    "Author",
    "Organisation",
    "Segment",
    "Themes",
    "Global Compact objectives",
    "Note",
)
#: ... that hold what a contribution says: right-aligned, read right to left, in an Arabic one.
_CONTRIBUTION_WORDING = ("Text", "Original text", "Note")


def contributions_xlsx(table: list[dict[str, Cell]], timezone: str, title: str = "") -> bytes:
    """The contributions as an XLSX workbook: the CSV's cells (``xlsx_bytes``: text stays text),
    the sentences wrapped in their columns, Arabic wording right to left (each cell by its own
    language: a translation's original keeps the original's direction), the times as
    date-times in the event's local time, their headings naming the zone."""
    widths = {
        "No.": 6,
        "Kind": 15,
        "Status": 11,
        "Text": 60,
        "Original text": 40,
        "Author": 26,
        "Organisation": 30,
        "Constituency": 24,
        "Segment": 36,
        "Language": 11,
        "Original language": 11,
        "Themes": 30,
        "Global Compact objectives": 18,
        "Merged into (No.)": 10,
        "Note": 30,
        "Submitted at": 17,
        "Last changed at": 17,
    }
    times = ("Submitted at", "Last changed at")
    rows = [with_offsets(row, times) for row in table]
    arabic = LANGUAGE_LABELS["ar"]

    def right_to_left(row: Mapping[str, SheetValue], heading: str) -> bool:
        language = "Original language" if heading == "Original text" else "Language"
        return heading in _CONTRIBUTION_WORDING and row.get(language) == arabic

    return xlsx_bytes(
        rows,
        after(list(CONTRIBUTION_COLUMNS), times[-1], UTC_OFFSET),
        "Contributions",
        widths,
        wrapped=_CONTRIBUTION_WRAPPED,
        right_to_left=right_to_left,
        headings=zoned(times, timezone),
        title=title,
    )


def zoned(headings: Iterable[str], timezone: str) -> dict[str, str]:
    """A spreadsheet's time columns' headings with the zone their times are in (a spreadsheet's
    date-time has none): "Called at (America/New_York)"."""
    return {heading: f"{heading} ({timezone})" for heading in headings}


# --- XLSX ---------------------------------------------------------------------------------------

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(
    rows: Sequence[Mapping[str, SheetValue]],
    headers: Sequence[str],
    sheet_title: str,
    widths: Mapping[str, int] | None = None,
    *,
    wrapped: Collection[str] = (),
    right_to_left: Callable[[Mapping[str, SheetValue], str], bool] | None = None,
    time_format: str = "yyyy-mm-dd hh:mm",
    headings: Mapping[str, str] | None = None,
    title: str = "",
) -> bytes:
    """Rows as an XLSX workbook: one sheet whose rows are an Excel table (a screen reader then
    says each cell's column heading), a bold header row that stays in view (frozen) with a
    filter on every column, every text a text cell (a text that looks like a formula is stored
    as text, which no spreadsheet evaluates), numbers numbers, a ``datetime`` a date-time cell
    (``time_format``). ``headings``: what the header row says of a column, where it says more
    than its key (a time's zone). The ``wrapped`` columns wrap their text in their width; a cell
    ``right_to_left(row, header)`` says is (an Arabic contribution's wording) is right-aligned
    and read right to left. ``title``: the workbook's title (its properties), made by
    Floorkeeper."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell as SheetCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Floorkeeper"
    workbook.properties.title = title or sheet_title
    sheet = workbook.create_sheet(sheet_title)
    for index, header in enumerate(headers, start=1):
        width = (widths or {}).get(header, 16)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    shown = [(headings or {}).get(header, header) for header in headers]
    if headers:
        span = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
        if rows:  # a table (its own filter) over the header and the rows
            table = Table(displayName=_table_name(sheet_title), ref=span)
            table.tableColumns = [
                TableColumn(id=index, name=name) for index, name in enumerate(shown, start=1)
            ]
            table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
            with warnings.catch_warnings():  # "you must add table columns manually": done above
                warnings.simplefilter("ignore", UserWarning)
                sheet.add_table(table)
        else:  # Excel wants a row in a table: the header alone keeps its filter
            sheet.auto_filter.ref = span
    bold = Font(bold=True)
    header_alignment = Alignment(vertical="top", wrap_text=True)
    top = Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    rtl = Alignment(vertical="top", wrap_text=True, horizontal="right", readingOrder=2)
    rtl_line = Alignment(vertical="top", horizontal="right", readingOrder=2)

    def alignment(row: Mapping[str, SheetValue], header: str) -> Alignment:
        """Right to left where ``right_to_left`` says so (a contribution's wording, by its
        language) or where a text is mostly right-to-left letters (an Arabic name or
        organisation: outside probe H); wrapped in the ``wrapped`` columns."""
        if right_to_left is not None and right_to_left(row, header):
            return rtl
        value = row.get(header)
        if isinstance(value, str) and mostly_right_to_left(value):
            return rtl if header in wrapped else rtl_line
        return wrap if header in wrapped else top

    def cell(value: SheetValue, alignment: Alignment, font: Font | None = None) -> SheetCell:
        made = WriteOnlyCell(sheet, value=None if value == "" else value)
        if isinstance(value, str) and value:
            made.data_type = "s"  # never a formula, whatever the text starts with
        elif isinstance(value, datetime):
            made.number_format = time_format
        if font is not None:
            made.font = font
        made.alignment = alignment
        return made

    sheet.append([cell(header, header_alignment, bold) for header in shown])
    for row in rows:
        sheet.append([cell(row.get(header), alignment(row, header)) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table_name(sheet_title: str) -> str:
    """An Excel table's name from its sheet's: letters, digits and _ only, a letter first."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", sheet_title) or "Table"
    return name if name[0].isalpha() else f"T_{name}"
