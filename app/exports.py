"""Spreadsheets the server writes: every CSV (and XLSX, when there is one) goes through here.

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
from collections.abc import Iterable, Mapping, Sequence

from starlette.responses import Response

Cell = str | int | float | None

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
    every cell escaped and quoted."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames, quoting=csv.QUOTE_ALL)  # a stray key raises
    writer.writerow({name: spreadsheet_text(name) for name in fieldnames})
    for row in rows:
        writer.writerow({name: spreadsheet_text(value) for name, value in row.items()})
    return buffer.getvalue()


def csv_response(
    rows: Iterable[Mapping[str, Cell]], fieldnames: Sequence[str], filename: str
) -> Response:
    """A CSV attachment (``text/csv; charset=utf-8``) named ``filename`` (characters other than
    letters, digits, ``.``, ``_`` and ``-`` become ``_``)."""
    safe = _UNSAFE_IN_FILENAME.sub("_", filename) or "export.csv"
    return Response(
        csv_text(rows, fieldnames),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )
