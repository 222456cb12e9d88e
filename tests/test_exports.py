"""app/exports.py: no text cell of a spreadsheet the server writes can start a formula (item 6 of
the second round: a name ``=HYPERLINK(...)`` was written as it was into the speeches CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from app.config import Settings
from app.exports import Cell, csv_response, csv_text, spreadsheet_text
from app.main import create_app
from tests.security.conftest import NO_LIMITS, ORGANISER_KEY, World, build_world


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("-5", "'-5"),  # a text that looks like a number is still text
        ("=", "'="),
        ("Amina Diallo", "Amina Diallo"),
        ("ITUC - Brussels", "ITUC - Brussels"),  # a trigger inside a text is harmless
        ("a=b", "a=b"),
        ("'quoted'", "'quoted'"),
        (" =1+1", " =1+1"),
        ("", ""),
        (-5, -5),  # numbers stay numbers
        (0, 0),
        (300_000, 300_000),
        (-1.5, -1.5),
        (None, None),
    ],
)
def test_text_that_would_start_a_formula_is_escaped(value: Cell, written: Cell) -> None:
    assert spreadsheet_text(value) == written
    assert type(spreadsheet_text(value)) is type(value)


def test_every_cell_is_quoted_and_quotes_are_doubled() -> None:
    rows: list[dict[str, Cell]] = [
        {"name": 'Say "hi"', "spoken_ms": -5, "note": None},
        {"name": "=x", "spoken_ms": 7},
    ]
    text = csv_text(rows, ["name", "spoken_ms", "note"])
    assert text == ('\ufeff"name","spoken_ms","note"\r\n"Say ""hi""","-5",""\r\n"\'=x","7",""\r\n')
    parsed = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert parsed == [["name", "spoken_ms", "note"], ['Say "hi"', "-5", ""], ["'=x", "7", ""]]


def test_a_row_with_a_column_that_is_not_in_the_header_is_refused() -> None:
    with pytest.raises(ValueError, match="not in fieldnames"):
        csv_text([{"name": "A", "secret": "x"}], ["name"])


def test_the_response_is_a_utf8_attachment_with_a_safe_filename() -> None:
    response = csv_response([{"name": "محمد"}], ["name"], 'speeches "1"\r\n.csv')
    assert response.media_type == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == ('attachment; filename="speeches__1___.csv"')
    assert bytes(response.body).startswith(b"\xef\xbb\xbf")  # what Excel looks for: UTF-8
    assert "محمد" in bytes(response.body).decode("utf-8-sig")


@pytest.fixture
def world(sqlite_url: str) -> Iterator[World]:
    settings = Settings(database_url=sqlite_url, organiser_key=ORGANISER_KEY, limits=NO_LIMITS)
    with TestClient(create_app(settings), base_url="http://floor.test") as client:
        yield build_world(client)


def test_a_speaker_named_like_a_formula_is_text_in_the_speeches_csv(world: World) -> None:
    name, organisation = '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0"
    joined = world.join(name, organisation=organisation)
    assert joined.status_code == 201, joined.text
    participant_id = joined.json()["participant"]["id"]
    for command in (
        {"type": "add_speaker", "participant_id": participant_id, "kind": "panellist"},
        {"type": "call_next"},
        {"type": "start_timer"},
        {"type": "end_turn"},
    ):
        response = world.command("moderator", command)
        assert response.status_code == 200, response.text
    exported = world.call(
        "organiser", "GET", f"/segments/{world.segment_id}/speeches", params={"format": "csv"}
    )
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    header, *rows = csv.reader(io.StringIO(exported.content.decode("utf-8-sig")))
    (row,) = [dict(zip(header, cells, strict=True)) for cells in rows]
    assert row["name"] == "'" + name and row["organisation"] == "'" + organisation
    assert row["name"][0] == "'" and row["organisation"][0] == "'"
    assert row["constituency"] == "trade_union" and row["allotted_ms"] == "300000"
    assert int(row["spoken_ms"]) >= 0
    (speech,) = world.call("organiser", "GET", f"/segments/{world.segment_id}/speeches").json()
    assert speech["name"] == name and speech["organisation"] == organisation  # JSON: as typed
