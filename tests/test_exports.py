"""app/exports.py: no text cell of a spreadsheet the server writes can start a formula (item 6 of
the second round: a name ``=HYPERLINK(...)`` was written as it was into the speeches CSV)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import typing
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from starlette.testclient import TestClient

from app.api.schemas import DayRecordRow
from app.config import Settings
from app.exports import (
    DAY_RECORD_COLUMNS,
    Cell,
    RecordRow,
    csv_bytes_response,
    csv_response,
    csv_text,
    day_record_csv,
    day_record_json,
    day_record_xlsx,
    event_zone,
    local_iso,
    minutes_seconds,
    spreadsheet_text,
    whole_seconds,
)
from app.labels import TURN_STATUS_LABELS
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


def test_the_record_numbers_turns_in_the_order_they_were_called(world: World) -> None:
    """The probe: a panellist called, a question interposed, an answer, the turns ended; the
    record listed "Turn 1: Question, Interposed in turn 3" and "Turn 3: the panellist"."""
    for command in (
        {"type": "add_speaker", "name": "Ms. Panellist", "kind": "panellist"},
        {"type": "add_speaker", "name": "Next speaker", "kind": "intervention"},
        {"type": "call_next"},
        {"type": "start_timer"},
        {"type": "interpose", "name": "Delegate of Chile", "kind": "question"},
        {"type": "interpose", "name": "Mr. Panellist", "kind": "answer"},
        {"type": "end_turn"},  # the answer: the floor back to Ms. Panellist
        {"type": "call_next"},  # she ends, the next speaker is called
        {"type": "end_turn"},
    ):
        response = world.command("moderator", command)
        assert response.status_code == 200, response.text
    event_id = world.event["id"]
    day = world.call("organiser", "GET", f"/events/{event_id}/speeches", params={"format": "csv"})
    assert day.status_code == 200, day.text
    rows = list(csv.DictReader(io.StringIO(day.content.decode("utf-8-sig"))))
    columns = ("Turn", "Kind of turn", "Name", "Interposed in turn", "Answers turn")
    read = [tuple(row[column] for column in columns) for row in rows]
    assert read == [
        ("1", "Panellist", "Ms. Panellist", "", ""),
        ("2", "Question", "Delegate of Chile", "1", ""),
        ("3", "Answer", "Mr. Panellist", "1", "2"),
        ("4", "Floor intervention", "Next speaker", "", ""),
    ]
    called = [row["Called at"] for row in rows]
    assert called == sorted(called)
    # the segment's own record, JSON and CSV, lists the turns in the same order
    speeches = world.call("organiser", "GET", f"/segments/{world.segment_id}/speeches").json()
    assert [s["name"] for s in speeches] == [row["Name"] for row in rows]
    panellist, question, answer, _ = speeches
    assert question["interposed_in"] == answer["interposed_in"] == panellist["entry_id"]
    assert answer["answers"] == question["entry_id"]
    exported = world.call(
        "organiser", "GET", f"/segments/{world.segment_id}/speeches", params={"format": "csv"}
    )
    header, *cells = csv.reader(io.StringIO(exported.content.decode("utf-8-sig")))
    assert [dict(zip(header, row, strict=True))["name"] for row in cells] == [
        row["Name"] for row in rows
    ]


# --- the day's record (issue 12, item 3) --------------------------------------------------------

#: 16 May 2022, 10:31:05 in New York (EDT, UTC-4), the seed hearing's first thematic discussion.
AT = 1_652_711_465_000
NEW_YORK = "America/New_York"


def _row(**changes: object) -> RecordRow:
    row = RecordRow(
        segment_title="Thematic discussion I",
        segment_position=2,
        turn=1,
        kind="panellist",
        status="spoken",
        name="Amina Diallo",
        organisation="ITUC",
        constituency="trade_union",
        region="Africa",
        attendance="in_room",
        floor_language="fr",
        gender="woman",
        called_at=AT,
        timer_started_at=AT + 4_000,
        ended_at=AT + 249_000,
        held_ms=245_000,
        timed_ms=241_400,
        allotted_ms=180_000,
        overrun_ms=61_400,
    )
    return dataclasses.replace(row, **changes)  # type: ignore[arg-type]


ROWS = [
    _row(),
    _row(  # a turn whose timer was never started: in the record all the same
        turn=2,
        kind="intervention",
        name="محمد عبد الله",
        organisation="المنظمة العربية لحقوق الإنسان",
        constituency="civil_society",
        region="Arab States",
        attendance="remote",
        floor_language="ar",
        called_at=AT + 250_000,
        timer_started_at=None,
        ended_at=AT + 370_000,
        held_ms=120_000,
        timed_ms=None,
        allotted_ms=None,
        overrun_ms=None,
    ),
    _row(
        turn=3,
        status="skipped",
        name="李伟",
        organisation="中华全国总工会",
        called_at=None,
        timer_started_at=None,
        ended_at=None,
        held_ms=None,
        timed_ms=None,
        overrun_ms=-1,
    ),
    _row(
        segment_title='=HYPERLINK("http://x","y")',
        segment_position=3,
        turn=1,
        name="+cmd|' /C calc'!A0",
        organisation="Российский Красный Крест",
        held_ms=3_723_000,  # 1:02:03
        overrun_ms=0,
    ),
]


def _read_back(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel looks for
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_days_csv_reads_back_with_readable_headings_and_new_york_times() -> None:
    data = day_record_csv(ROWS, NEW_YORK)
    rows = _read_back(data)
    assert list(rows[0]) == list(DAY_RECORD_COLUMNS)
    assert "Called at" in rows[0] and "Held the floor (m:ss)" in rows[0]
    first = rows[0]
    assert first["Segment"] == "Thematic discussion I" and first["Segment no."] == "2"
    assert first["Called at"] == "2022-05-16T10:31:05-04:00"  # EDT in May
    assert first["Timer started at"] == "2022-05-16T10:31:09-04:00"
    assert first["Ended at"] == "2022-05-16T10:35:14-04:00"
    assert (first["Held the floor (m:ss)"], first["Held the floor (s)"]) == ("4:05", "245")
    assert (first["On the timer (m:ss)"], first["On the timer (s)"]) == ("4:01", "241")
    assert (first["Allotted (m:ss)"], first["Overrun (m:ss)"]) == ("3:00", "1:01")
    # codes in the words a person reads (the JSON keeps the codes)
    assert first["Attendance"] == "In the room" and first["Floor language"] == "French"
    assert (first["Constituency"], first["Kind of turn"]) == ("Trade union", "Panellist")


def test_the_days_workbook_orders_the_repeated_hour_of_a_fall_back_by_its_offsets() -> None:
    """A spreadsheet's date-time has no zone: in the hour a fall-back repeats (New York, 6 Nov
    2022, 01:00-02:00 twice) a later turn's local time reads earlier than the turn before it.
    The workbook says each turn's offset from UTC beside its times (outside probe F)."""
    import openpyxl

    first_one_am = 1_667_710_800_000  # 2022-11-06 01:00 EDT (05:00 UTC)
    before = _row(called_at=first_one_am + 50 * 60_000, timer_started_at=None, ended_at=None)
    across = _row(  # called at 01:55 EDT, ended at 01:05 EST, 10 min later
        turn=2,
        called_at=first_one_am + 55 * 60_000,
        timer_started_at=None,
        ended_at=first_one_am + 65 * 60_000,
    )
    after = _row(turn=3, called_at=first_one_am + 70 * 60_000, timer_started_at=None, ended_at=None)
    book = openpyxl.load_workbook(io.BytesIO(day_record_xlsx([before, across, after], NEW_YORK)))
    table = list(book.worksheets[0].iter_rows(values_only=True))
    headings = list(table[0])
    called = headings.index(f"Called at ({NEW_YORK})")
    offset = headings.index("UTC offset")
    assert offset == headings.index(f"Ended at ({NEW_YORK})") + 1
    # 01:50 and 01:10 read as times of day, 01:10 the later: the offset tells them apart
    times = [row[called] for row in table[1:]]
    assert [at.strftime("%H:%M") for at in times if isinstance(at, datetime)] == [
        "01:50",
        "01:55",
        "01:10",
    ]
    assert [row[offset] for row in table[1:]] == ["-04:00", "-04:00, then -05:00", "-05:00"]


def test_an_arabic_name_reads_right_to_left_in_the_days_workbook() -> None:
    """Outside probe H: the workbook's Arabic names and organisations were left-aligned, read
    left to right, while the contributions' Arabic wording was not. Any text cell mostly of
    right-to-left letters is right-aligned and read right to left; the others are not."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(day_record_xlsx(ROWS, NEW_YORK)))
    sheet = book.worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    name, organisation = headings.index("Name") + 1, headings.index("Organisation") + 1
    arabic = [sheet.cell(row=3, column=column).alignment for column in (name, organisation)]
    assert [(a.horizontal, a.readingOrder) for a in arabic] == [("right", 2), ("right", 2)]
    latin = sheet.cell(row=2, column=name).alignment
    assert latin.horizontal is None and latin.readingOrder == 0


def test_names_in_every_script_survive_the_round_trip() -> None:
    rows = _read_back(day_record_csv(ROWS, NEW_YORK))
    assert rows[1]["Name"] == "محمد عبد الله"
    assert rows[1]["Organisation"] == "المنظمة العربية لحقوق الإنسان"
    assert (rows[2]["Name"], rows[2]["Organisation"]) == ("李伟", "中华全国总工会")
    assert rows[3]["Organisation"] == "Российский Красный Крест"


def test_a_turn_never_timed_and_a_skipped_turn_have_empty_cells_not_zeros() -> None:
    untimed, skipped = _read_back(day_record_csv(ROWS, NEW_YORK))[1:3]
    assert untimed["Status"] == "Spoken" and untimed["Timer started at"] == ""
    assert untimed["Held the floor (m:ss)"] == "2:00" and untimed["On the timer (s)"] == ""
    assert skipped["Status"] == "Skipped"
    assert skipped["Called at"] == skipped["Held the floor (s)"] == ""
    assert skipped["Overrun (m:ss)"] == skipped["Overrun (s)"] == ""  # negative: no overrun


def test_formula_like_text_in_the_days_csv_is_escaped_and_an_hour_is_h_mm_ss() -> None:
    data = day_record_csv(ROWS, NEW_YORK)
    last = _read_back(data)[3]
    assert last["Segment"] == '\'=HYPERLINK("http://x","y")'
    assert last["Name"] == "'+cmd|' /C calc'!A0"
    assert (last["Held the floor (m:ss)"], last["Held the floor (s)"]) == ("1:02:03", "3723")
    assert (last["Overrun (m:ss)"], last["Overrun (s)"]) == ("0:00", "0")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[-1] == "" and len(lines) == len(ROWS) + 2
    assert all(line.startswith('"') and line.endswith('"') for line in lines[:-1])  # quoted
    assert '""' in lines[3]  # an empty cell is quoted too
    assert b'"=' not in data and b'"+' not in data


def test_winter_times_are_est() -> None:
    january = 1_642_347_065_000  # 16 January 2022, 15:31:05 UTC
    (row,) = _read_back(day_record_csv([_row(called_at=january)], NEW_YORK))
    assert row["Called at"] == "2022-01-16T10:31:05-05:00"


def test_the_days_json_has_every_field_and_each_instant_and_duration_read_out() -> None:
    (entry, untimed, *_) = day_record_json(ROWS, NEW_YORK)
    for field in dataclasses.fields(RecordRow):
        assert entry[field.name] == getattr(ROWS[0], field.name)
    assert list(entry)[:15] == [
        "segment_title", "segment_position", "turn", "kind", "status", "name", "organisation",
        "constituency", "region", "attendance", "floor_language", "gender",
        "called_at", "called_at_local", "timer_started_at",
    ]  # fmt: skip
    assert entry["called_at"] == AT and entry["called_at_local"] == "2022-05-16T10:31:05-04:00"
    assert entry["ended_at_local"] == "2022-05-16T10:35:14-04:00"
    assert (entry["held_ms"], entry["held_s"], entry["held_mss"]) == (245_000, 245, "4:05")
    assert (entry["timed_s"], entry["allotted_s"], entry["overrun_mss"]) == (241, 180, "1:01")
    assert untimed["timer_started_at"] is None and untimed["timer_started_at_local"] is None
    assert untimed["timed_s"] is None and untimed["timed_mss"] is None
    assert set(entry) == set(untimed)
    assert json.loads(json.dumps(day_record_json(ROWS, NEW_YORK)))[1]["name"] == "محمد عبد الله"


def test_an_unknown_time_zone_is_refused_by_name() -> None:
    for zone in ("Mars/Olympus_Mons", "", "../../etc/passwd", "EST5EDT/x"):
        with pytest.raises(ValueError, match="unknown time zone"):
            day_record_csv(ROWS, zone)
    with pytest.raises(ValueError, match="Mars/Olympus_Mons"):
        day_record_json(ROWS, "Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="Mars/Olympus_Mons"):
        day_record_csv([], "Mars/Olympus_Mons")  # even an empty day: the route's zone is wrong


def test_an_empty_day_is_a_header_only_csv() -> None:
    assert _read_back(day_record_csv([], NEW_YORK)) == []
    assert day_record_json([], NEW_YORK) == []


@pytest.mark.parametrize(
    ("ms", "seconds", "clock"),
    [
        (0, 0, "0:00"),
        (499, 0, "0:00"),
        (500, 1, "0:01"),  # to the nearest second, half up
        (59_499, 59, "0:59"),
        (59_500, 60, "1:00"),
        (245_000, 245, "4:05"),
        (3_599_499, 3599, "59:59"),
        (3_599_500, 3600, "1:00:00"),
        (3_723_000, 3723, "1:02:03"),
        (36_000_000, 36_000, "10:00:00"),
        (-1, None, None),
        (None, None, None),
    ],
)
def test_durations_in_seconds_and_as_a_clock_shows_them(
    ms: int | None, seconds: int | None, clock: str | None
) -> None:
    assert whole_seconds(ms) == seconds
    assert minutes_seconds(ms) == clock


def test_instants_are_local_to_the_second_with_their_offset() -> None:
    zone = event_zone(NEW_YORK)
    assert local_iso(AT + 999, zone) == "2022-05-16T10:31:05-04:00"
    assert local_iso(None, zone) is None
    assert local_iso(AT, event_zone("Asia/Kolkata")) == "2022-05-16T20:01:05+05:30"


def test_a_csv_made_elsewhere_is_sent_as_a_utf8_attachment() -> None:
    response = csv_bytes_response(day_record_csv(ROWS, NEW_YORK), "day record 16/05.csv")
    assert response.media_type == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="day_record_16_05.csv"'
    )
    assert bytes(response.body).startswith(b"\xef\xbb\xbf")


def test_a_segments_part_of_the_days_record_is_the_consoles_export(world: World) -> None:
    """Outside probe Y: the console's "Export the speeches (CSV)" gave the raw machine dump (ids,
    codes, epoch ms, True/False); it now gives the segment's rows of the day's readable record."""
    for command in (
        {"type": "add_speaker", "name": "Ms. Panellist", "kind": "panellist"},
        {"type": "call_next"},
        {"type": "end_turn"},
    ):
        assert world.command("moderator", command).status_code == 200
    event_id = world.event["id"]
    path = f"/events/{event_id}/speeches"
    params = {"format": "csv", "segment_id": world.segment_id}
    part = world.call("moderator", "GET", path, params=params)
    assert part.status_code == 200, part.text
    assert f"speeches-{world.segment_id}.csv" in part.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(part.content.decode("utf-8-sig"))))
    assert [(row["Turn"], row["Kind of turn"], row["Name"]) for row in rows] == [
        ("1", "Panellist", "Ms. Panellist")
    ]
    other = world.call(
        "organiser",
        "POST",
        f"/events/{event_id}/segments",
        json={"title": "Later", "command_id": "later"},
    ).json()["id"]
    empty = world.call("moderator", "GET", path, params={"segment_id": other}).json()
    assert empty == []
    missing = world.call("moderator", "GET", path, params={"segment_id": "nope"})
    assert missing.status_code == 404 and "no segment 'nope'" in missing.json()["error"]["message"]


def test_the_days_record_numbers_the_turns_of_the_day_and_shows_interposed_time(
    world: World,
) -> None:
    """Outside probe Y: the record is in programme order, so a segment held out of order (or moved
    after the day) read as if it came first; and an interrupted turn's called-to-ended did not
    add up. "Turn of the day" keeps the order things happened; the time paused for interposed
    turns is a column of its own."""
    for command in (
        {"type": "add_speaker", "name": "Ms. Panellist", "kind": "panellist"},
        {"type": "call_next"},
        {"type": "interpose", "name": "Delegate of Chile", "kind": "question"},
        {"type": "end_turn"},  # the question: the floor back to her
        {"type": "end_turn"},
    ):
        assert world.command("moderator", command).status_code == 200
    event_id = world.event["id"]
    earlier = world.call(
        "organiser",
        "POST",
        f"/events/{event_id}/segments",
        json={"title": "Placed first", "command_id": "first", "position": 0},
    ).json()["id"]
    for command in (
        {"type": "start_segment"},
        {"type": "add_speaker", "name": "Held later"},
        {"type": "call_next"},
        {"type": "end_turn"},
    ):
        body = {"command_id": uuid.uuid4().hex, "command": command}
        sent = world.call("moderator", "POST", f"/segments/{earlier}/commands", json=body)
        assert sent.status_code == 200, sent.text
    rows = world.call("organiser", "GET", f"/events/{event_id}/speeches").json()
    assert [(r["name"], r["turn"], r["day_turn"]) for r in rows] == [
        ("Held later", 1, 3),  # first in the programme, called last
        ("Ms. Panellist", 1, 1),
        ("Delegate of Chile", 2, 2),
    ]
    panellist = rows[1]
    assert panellist["interposed_ms"] is not None
    assert panellist["held_ms"] + panellist["interposed_ms"] == (
        panellist["ended_at"] - panellist["called_at"]
    )
    part = world.call(
        "organiser", "GET", f"/events/{event_id}/speeches", params={"segment_id": earlier}
    ).json()
    assert [(r["name"], r["day_turn"]) for r in part] == [("Held later", 3)]  # the day's number
    sheet = world.call("organiser", "GET", f"/events/{event_id}/speeches", params={"format": "csv"})
    read = list(csv.DictReader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert [row["Turn of the day"] for row in read] == ["3", "1", "2"]
    assert "Paused for interposed turns (s)" in read[0]


@pytest.mark.parametrize(
    ("timed_ms", "allotted_ms", "overrun_ms", "seconds"),
    [
        (2_207, 1_500, 707, (2, 2, 0)),  # outside probe Q: read 2 s = 2 s + 1 s
        (2_410, 1_500, 910, (2, 2, 0)),
        (1_600, 1_200, 400, (2, 1, 1)),  # 400 ms over reads 1 s: the two figures say so
        (241_400, 180_000, 61_400, (241, 180, 61)),
        (180_400, 180_000, 400, (180, 180, 0)),
        (120_000, 180_000, 0, (120, 180, 0)),  # kept to its time
    ],
)
def test_allotted_and_overrun_add_up_to_the_time_on_the_timer(
    timed_ms: int, allotted_ms: int, overrun_ms: int, seconds: tuple[int, int, int]
) -> None:
    """Outside probe Q: each cell rounded on its own, 2 207 ms on the timer over 1 500 ms
    allotted (707 ms over) read On the timer 2 s, Allotted 2 s, Overrun 1 s. The overrun's
    seconds are now the timer's less the allotment's, so the row adds up, in the JSON, the CSV
    and the workbook."""
    import openpyxl

    row = _row(timed_ms=timed_ms, allotted_ms=allotted_ms, overrun_ms=overrun_ms)
    (entry,) = day_record_json([row], NEW_YORK)
    assert (entry["timed_s"], entry["allotted_s"], entry["overrun_s"]) == seconds
    assert entry["overrun_ms"] == overrun_ms  # the exact figure stays
    assert entry["overrun_mss"] == minutes_seconds(seconds[2] * 1000)
    (read,) = _read_back(day_record_csv([row], NEW_YORK))
    cells = ("On the timer (s)", "Allotted (s)", "Overrun (s)")
    assert tuple(int(read[cell]) for cell in cells) == seconds
    if overrun_ms:
        assert int(read["Allotted (s)"]) + int(read["Overrun (s)"]) == int(read["On the timer (s)"])
    book = openpyxl.load_workbook(io.BytesIO(day_record_xlsx([row], NEW_YORK)))
    heading, values = book.worksheets[0].iter_rows(values_only=True)
    sheet = dict(zip(heading, values, strict=True))
    assert tuple(sheet[cell] for cell in cells) == seconds


def test_every_status_of_the_days_record_has_its_words() -> None:
    """A status the record writes (the schema's list) reads in words in the CSV, never as its
    code: the rows for every floor request (withdrawn, declined, removed) included."""
    status = DayRecordRow.model_fields["status"].annotation
    codes = set(typing.get_args(status))
    assert {"withdrawn", "removed", "request_withdrawn", "request_declined"} <= codes
    assert codes == set(TURN_STATUS_LABELS)
    read = _read_back(day_record_csv([_row(status=code) for code in sorted(codes)], NEW_YORK))
    assert [row["Status"] for row in read] == [TURN_STATUS_LABELS[c] for c in sorted(codes)]
    assert TURN_STATUS_LABELS["request_declined"] == "Request declined"
    assert TURN_STATUS_LABELS["withdrawn"] == "Not heard: withdrawn"
