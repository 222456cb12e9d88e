"""The secretariat's spreadsheet of participants (app/participants_io.py): read from CSV or XLSX,
checked row by row (a refused row names its row as the spreadsheet shows it, and its column;
nothing is imported while any row is refused), written back in the same columns, so that an
export imports again as it was."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.api.edge import IMPORT_MAX_BYTES
from app.floor.model import SegmentStatus
from app.labels import (
    ATTENDANCE_LABELS_BY_LANGUAGE,
    GENDER_LABELS_BY_LANGUAGE,
    LANGUAGE_LABELS_BY_LANGUAGE,
)
from app.participants_io import (
    MAX_ROWS,
    ProgrammeSegment,
    Registered,
    SpreadsheetError,
    check,
    person_key,
    read_sheet,
    write_xlsx,
)
from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name

HEADER = "Name,Title,Organisation,Constituency,Region,Gender,Floor language,Attendance,Panel"
PROGRAMME = [
    ProgrammeSegment("s1", "Opening segment", 1, SegmentStatus.ENDED),
    ProgrammeSegment("s2", "Thematic discussion I", 2, SegmentStatus.SCHEDULED),
    ProgrammeSegment("s3", "Thematic discussion I", 3, SegmentStatus.SCHEDULED),
    ProgrammeSegment("s4", "Closing", 4, SegmentStatus.SCHEDULED),
]


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _xlsx(rows: list[list[Any]], title_rows: int = 0) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Speakers"
    for _ in range(title_rows):
        sheet.append(["Hearing of 16 May: list of speakers"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(
    world: World, data: bytes, *, dry_run: bool = False, event_id: str | None = None
) -> Any:
    event_id = event_id or world.event["id"]
    query = "?dry_run=1" if dry_run else ""
    return world.call(
        "organiser",
        "POST",
        f"/events/{event_id}/participants/import{query}",
        files={"file": ("participants", data, "application/octet-stream")},
    )


def _people(world: World, event_id: str | None = None) -> list[dict[str, Any]]:
    answer = world.call("organiser", "GET", f"/events/{event_id or world.event['id']}/participants")
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def _forty(bad_row: int | None = None) -> list[str]:
    """40 participants of the hearing; the data row ``bad_row`` (numbered as the spreadsheet
    shows it) with a constituency nobody has."""
    constituencies = ["Civil society", "trade_union", "Academia", "Red Cross / Red Crescent"]
    lines = [HEADER]
    for n in range(2, 42):
        constituency = "Civil soc" if n == bad_row else constituencies[n % 4]
        panel = "Discussion I" if n in (2, 3) else ""
        lines.append(
            f"Speaker {n},Ms.,Organisation {n},{constituency},Africa,F,French,In the room,{panel}"
        )
    return lines


# --- over the API ---------------------------------------------------------------------------------


def test_a_csv_with_a_bad_row_imports_nothing_then_fixed_imports_all(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    before = _people(world)
    refused = _import(world, _csv(*_forty(bad_row=7)))
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["error"]["code"] == "import_refused"
    assert "row 7, Constituency" in body["error"]["message"]
    (problem,) = body["report"]["errors"]
    assert (problem["row"], problem["column"]) == (7, "Constituency")
    assert "'Civil soc' is not one we know" in problem["message"]
    assert body["report"]["counts"] == {
        "rows": 40,
        "new": 39,
        "registered": 0,
        "repeated": 0,
        "refused": 1,
        "panellists": 2,
        "differing": 0,
    }
    assert _people(world) == before, "a refused file imported something"
    assert world.state()["state"]["queue"] == []

    fixed = _import(world, _csv(*_forty()))
    assert fixed.status_code == 200, fixed.text
    report = fixed.json()
    assert (report["imported"], report["queued"], report["errors"]) == (40, 2, [])
    people = _people(world)
    assert len(people) == len(before) + 40
    speaker = next(p for p in people if p["name"] == "Speaker 4")
    assert speaker == {
        **speaker,
        "title": "Ms.",
        "organisation": "Organisation 4",
        "constituency": "civil_society",
        "region": "Africa",
        "gender": "woman",
        "language": "fr",
        "attendance": "in_room",
    }
    # the panellists wait in their segment's queue, in the spreadsheet's order
    queue = world.state()["state"]["queue"]
    assert [(e["name"], e["kind"]) for e in queue] == [
        ("Speaker 2", "panellist"),
        ("Speaker 3", "panellist"),
    ]
    # the console did not queue them: its Undo does not take them out
    undo = world.state()["state"]["undo"]
    assert (undo["label"], undo["available"]) == ("adding Speaker 3", False)
    # the list keeps the spreadsheet's order
    names = [p["name"] for p in people[len(before) :]]
    assert names == [f"Speaker {n}" for n in range(2, 42)]

    again = _import(world, _csv(*_forty()))
    assert again.status_code == 200
    assert again.json()["counts"]["registered"] == 40
    assert again.json()["imported"] == 0
    assert len(_people(world)) == len(before) + 40


def test_a_dry_run_answers_as_the_import_would_and_writes_nothing(make_client: AppFactory) -> None:
    world = build_world(make_client())
    before = _people(world)
    preview = _import(world, _csv(*_forty()), dry_run=True)
    assert preview.status_code == 200, preview.text
    assert preview.json()["dry_run"] is True
    assert preview.json()["counts"]["new"] == 40
    assert (preview.json()["imported"], preview.json()["queued"]) == (0, 0)
    refused = _import(world, _csv(*_forty(bad_row=30)), dry_run=True)
    assert refused.status_code == 422
    assert refused.json()["report"]["errors"][0]["row"] == 30
    assert _people(world) == before
    assert world.state()["state"]["queue"] == []


def test_a_panellist_at_the_same_hour_in_another_room_is_said(make_client: AppFactory) -> None:
    """Outside probe S: Maria Gonzalez, a panellist 10:30-12:00 in room A and 10:20-12:15 in
    room B of the same day, and nothing said. The preview says it of her row (a warning: the
    import goes on); Jean, on room C's panel as room A's ends, is told of nothing."""
    world = build_world(make_client())

    def room(name: str, start: str, end: str) -> str:
        made = world.call(
            "organiser",
            "POST",
            "/events",
            json={"title": "IMRF", "room": name, "date": "2027-05-17", "timezone": "UTC"},
        ).json()
        segment = {"title": "Panel", "command_id": "p", "kind": "discussion"}
        segment |= {"scheduled_start_at": start, "scheduled_end_at": end}
        added = world.call("organiser", "POST", f"/events/{made['id']}/segments", json=segment)
        assert added.status_code == 201, added.text
        return str(made["id"])

    def preview(event_id: str, *rows: str) -> list[dict[str, Any]]:
        data = _csv("Name,Organisation,Constituency,Panel", *rows)
        answer = _import(world, data, dry_run=True, event_id=event_id)
        assert answer.status_code == 200, answer.text
        return list(answer.json()["rows"])

    maria = "Maria Gonzalez,Universidad de Chile,Academia,Panel"
    jean = "Jean Martin,Ville de Lyon,Local authorities,Panel"
    room_a = room("Room A", "10:30", "12:00")
    imported = _import(
        world, _csv("Name,Organisation,Constituency,Panel", maria, jean), event_id=room_a
    )
    assert imported.status_code == 200, imported.text
    room_b, room_c = room("Room B", "10:20", "12:15"), room("Room C", "12:00", "13:00")
    (row,) = preview(room_b, maria)
    (clash,) = row["elsewhere"]
    assert (clash["event_id"], clash["room"], clash["segment_title"]) == (room_a, "Room A", "Panel")
    assert clash["ends_at"] - clash["starts_at"] == 90 * 60_000
    (row,) = preview(room_c, jean)
    assert row["elsewhere"] == []


def test_a_refused_row_says_its_organisation(make_client: AppFactory) -> None:
    """Outside probe S: two refused rows of one name could not be told apart in the preview."""
    world = build_world(make_client())
    data = _csv(
        "Name,Organisation,Constituency",
        "Maria Gonzalez,Universidad de Chile,Civil societies",
        "Maria Gonzalez,Cáritas,Civil societies",
    )
    refused = _import(world, data, dry_run=True)
    assert refused.status_code == 422
    rows = refused.json()["report"]["rows"]
    assert [(r["status"], r["organisation"]) for r in rows] == [
        ("refused", "Universidad de Chile"),
        ("refused", "Cáritas"),
    ]


def test_an_xlsx_with_a_bad_row_imports_nothing_then_fixed_imports_all(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    before = _people(world)
    header = ["Full name", "Organization", "Stakeholder group", "Language", "Sex", "Email"]
    rows: list[list[Any]] = [header]
    for n in range(1, 21):
        rows.append([f"Delegate {n}", f"Ministry {n}", "Member State", "Spanish", "M", "x@y"])
    rows[12][3] = "Esperanto"  # row 13 of the data, row 14 of the sheet (a title row above)
    rows[12][0] = "N" * 121
    refused = _import(world, _xlsx(rows, title_rows=1))
    assert refused.status_code == 422, refused.text
    report = refused.json()["report"]
    assert (report["format"], report["sheet"], report["header_row"]) == ("xlsx", "Speakers", 2)
    assert report["ignored_columns"] == ["Email"]
    assert {(p["row"], p["column"]) for p in report["errors"]} == {
        (14, "Language"),
        (14, "Full name"),
    }
    assert _people(world) == before

    rows[12][3], rows[12][0] = "Español", "Delegate 12b"
    fixed = _import(world, _xlsx(rows, title_rows=1))
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["imported"] == 20
    people = {p["name"]: p for p in _people(world)}
    assert people["Delegate 12b"]["language"] == "es"
    assert people["Delegate 3"]["constituency"] == "member_state"
    assert people["Delegate 3"]["gender"] == "man"


def test_an_empty_floor_language_or_attendance_is_said_before_it_is_registered_as_a_default(
    make_client: AppFactory,
) -> None:
    """Outside probe H: rows without a floor language or attendance were registered as English
    and in the room, and the export then said so as if the file had. The dry run names the rows
    and the default each will have; rows that give them, and registered ones, are not named."""
    world = build_world(make_client())
    sheet = (
        b"Name,Organisation,Constituency,Floor language,Attendance\n"
        b"Awa Ndiaye,ITUC,Trade union,French,Remote\n"
        b"Li Na,MGCY,Academia,,\n"
        b"Omar Haddad,IOM,UN system,Arabic,\n"
        b"Amina Diallo,ITUC,Trade union,,\n"  # the world's Amina, registered already
    )
    answer = _import(world, sheet, dry_run=True)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["assumed"] == [
        {"field": "language", "value": "en", "rows": [3]},
        {"field": "attendance", "value": "in_room", "rows": [3, 4]},
    ]
    # a file without the columns: every new row is named
    bare = b"Name,Organisation,Constituency\nSara Lind,UNHCR,UN system\n"
    fields = [(a["field"], a["rows"]) for a in _import(world, bare, dry_run=True).json()["assumed"]]
    assert fields == [("language", [2]), ("attendance", [2])]


def test_the_export_imports_again_as_it_was_in_csv_and_xlsx(make_client: AppFactory) -> None:
    world = build_world(make_client())
    hostile = '=HYPERLINK("http://x.test","click")'
    lines = [
        HEADER,
        f'"{hostile.replace(chr(34), chr(34) * 2)}",,"+cmd|\' /C calc\'!A0",Media,,,,Remote,',
        'Chen Wei,Prof.,"Peking University, Law",Academia,Asia-Pacific,Another gender,Chinese,,',
        "Ana Ruiz,,Red Cross,Red Cross,Americas,,Spanish,In the room,Discussion I",
    ]
    assert _import(world, _csv(*lines)).status_code == 200
    event_id = world.event["id"]
    exported_csv = world.call("organiser", "GET", f"/events/{event_id}/participants?format=csv")
    assert exported_csv.status_code == 200
    assert exported_csv.headers["content-type"].startswith("text/csv")
    assert exported_csv.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(exported_csv.content.decode("utf-8-sig"))))
    assert table[0] == HEADER.split(",")
    by_name = {row[0]: row for row in table[1:]}
    assert f"'{hostile}" in by_name, "a formula-like name is escaped in the CSV"
    assert by_name[f"'{hostile}"][2] == "'+cmd|' /C calc'!A0"
    assert by_name["Ana Ruiz"][3] == "Red Cross / Red Crescent"
    assert by_name["Ana Ruiz"][8] == "Discussion I"
    exported_xlsx = world.call("organiser", "GET", f"/events/{event_id}/participants?format=xlsx")
    assert exported_xlsx.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(exported_xlsx.content))
    cells = {row[0].value: row for row in workbook.active.iter_rows(min_row=2)}  # type: ignore[union-attr]
    assert cells[hostile][0].data_type == "s", "stored as text, not as a formula"

    def fields(people: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        keys = ("name", "title", "organisation", "constituency", "region", "language")
        more = ("attendance", "gender")
        return sorted(tuple(p[k] for k in (*keys, *more)) for p in people)

    original = fields(_people(world))
    for exported in (exported_csv, exported_xlsx):
        day = world.call("organiser", "POST", "/events", json={"title": "Day two"}).json()
        segment = {"title": "Discussion I", "command_id": "s"}
        world.call("organiser", "POST", f"/events/{day['id']}/segments", json=segment)
        again = _import(world, exported.content, event_id=day["id"])
        assert again.status_code == 200, again.text
        assert again.json()["queued"] == 1
        assert fields(_people(world, day["id"])) == original
    # into the same event: everyone is registered already
    same = _import(world, exported_csv.content)
    assert same.json()["counts"]["registered"] == len(original)


def test_files_that_are_no_spreadsheet_are_refused_with_what_to_do(
    make_client: AppFactory,
) -> None:
    world = build_world(make_client())
    cases = {
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100: "Excel 97-2003",
        "Name,Constituency\nJosé,Academia\n".encode("cp1252"): "not UTF-8",
        b"PK\x03\x04 broken": "cannot be opened",
    }
    for data, words in cases.items():
        answer = _import(world, data)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["code"] == "unreadable_spreadsheet"
        assert words in answer.json()["error"]["message"]
    no_header = _import(world, _csv("Who,What", "Amina,Speaks"))
    assert no_header.status_code == 422
    assert no_header.json()["report"]["errors"][0]["row"] == 1


def test_an_xlsx_with_an_entity_bomb_is_refused(make_client: AppFactory) -> None:
    """Billion laughs in the worksheet: defusedxml refuses the DTD; nothing is expanded."""
    world = build_world(make_client())
    plain = _xlsx([["Name", "Constituency"], ["Amina", "Academia"]])
    entities = "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i else "lol") * 10}">' for i in range(9)
    )
    source = zipfile.ZipFile(io.BytesIO(plain))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                sheet = data.decode().replace("Amina", "&lol8;")
                data = f"<!DOCTYPE worksheet [{entities}]>{sheet}".encode()
            target.writestr(item, data)
    answer = _import(world, out.getvalue())
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "unreadable_spreadsheet"
    assert "EntitiesForbidden" in answer.json()["error"]["message"]


def test_a_panellist_whose_segment_ends_meanwhile_is_registered_and_reported(
    make_client: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The segment ends between the file's check and the queueing (the moderator ends it while
    the import runs): the panellist is registered, not queued, and the report says why with the
    refusal's code, which the desk words in its language."""
    import app.participants_io

    world = build_world(make_client())
    checked = app.participants_io.check

    def check_then_end(*args: Any, **kwargs: Any) -> Any:
        report = checked(*args, **kwargs)
        ended = world.command("moderator", {"type": "end_segment"})
        assert ended.status_code == 200, ended.text
        return report

    monkeypatch.setattr(app.participants_io, "check", check_then_end)
    answer = _import(world, _csv("Name,Constituency,Panel", "Ana Ruiz,Academia,Discussion I"))
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["imported"], report["queued"]) == (1, 0)
    (problem,) = report["not_queued"]
    assert (problem["row"], problem["column"], problem["code"]) == (2, "Panel", "segment_ended")
    assert "has ended" in problem["message"]
    assert [p["name"] for p in _people(world)][-1] == "Ana Ruiz"
    assert world.state()["state"]["queue"] == []


def test_import_and_export_are_the_organisers(make_client: AppFactory) -> None:
    world = build_world(make_client())
    for role in ("moderator", "display", "delegate"):
        answer = world.call(
            role,
            "POST",
            f"/events/{world.event['id']}/participants/import",
            files={"file": ("p.csv", _csv("Name,Constituency", "A,Media"), "text/csv")},
        )
        assert answer.status_code == 403
    # a moderator reads the list, as JSON and as a spreadsheet
    path = f"/events/{world.event['id']}/participants?format=csv"
    assert world.call("moderator", "GET", path).status_code == 200
    assert world.call("display", "GET", path).status_code == 403


# --- reading and checking, without a server -------------------------------------------------------

#: A programme whose titles have a head before a colon, as the concept note's have.
TITLED = [
    ProgrammeSegment("t1", "Opening segment", 1, SegmentStatus.SCHEDULED),
    ProgrammeSegment(
        "t2", "Thematic discussion I: Assessing the progress", 2, SegmentStatus.SCHEDULED
    ),
    ProgrammeSegment("t3", "Thematic discussion II: Commitments", 3, SegmentStatus.SCHEDULED),
    ProgrammeSegment("t4", "Panel: migrants' voices", 4, SegmentStatus.SCHEDULED),
    ProgrammeSegment("t5", "Panel: pathways", 5, SegmentStatus.SCHEDULED),
]
PANEL_CELLS = [
    ("the whole title", "Thematic discussion I: Assessing the progress", "t2"),
    ("its head before the colon", "Thematic discussion I", "t2"),
    ("the head, in other case and spacing", "thematic  DISCUSSION ii", "t3"),
    ("the title cut short after its colon", "Thematic discussion II: Commit", "t3"),
    ("with the panellist prefix", "Panellist: Thematic discussion I", "t2"),
    ("a whole title whose head two share", "Panel: pathways", "t5"),
    ("a head two share", "Panel", "segments 4, 5 are all called 'Panel'"),
    ("a head nobody has", "Thematic discussion III", "no segment of the programme is called"),
]


@pytest.mark.parametrize(
    ("what", "cell", "found"), PANEL_CELLS, ids=[case[0] for case in PANEL_CELLS]
)
def test_a_panel_cell_names_its_segment(what: str, cell: str, found: str) -> None:
    report = check(
        read_sheet(_csv("Name,Constituency,Panel", f"Amina,Academia,{cell}")), TITLED, []
    )
    (row,) = report.rows
    if found.startswith("t"):
        assert row.panel is not None and row.panel.id == found, (what, row.problems)
    else:
        assert found in row.problems[0].message, what


def _checked(data: bytes, registered: list[Registered] | None = None) -> Any:
    return check(read_sheet(data), PROGRAMME, registered or [])


def test_rows_are_numbered_as_the_spreadsheet_shows_them() -> None:
    data = (
        "\ufeffList of speakers\n\n"
        "Name;Stakeholder group;Notes\n"
        'Amina;Trade union;"two\nlines"\n'
        "\n"
        "Bob;Nope;\n"
    ).encode()
    report = _checked(data)
    assert report.header_row == 3
    assert report.ignored_columns == ["Notes"]
    assert [(row.row, row.status) for row in report.rows] == [(4, "new"), (6, "refused")]
    assert report.rows[1].problems[0].column == "Stakeholder group"


def test_headers_and_values_are_matched_by_code_label_and_alias() -> None:
    data = _csv(
        "FIRST NAME,Last name,Organization,constituency,Sex,Language,Participation,Role / panel",
        "Amina,Diallo,ITUC,Trade Union,female,FR,online,Panellist: 2",
        "Chen,Wei,PKU,academia,,Chinese,in person,Closing",
        "Olga,Ivanova,,UN system,Prefer not to say,Русский,,Panellist in 4",
        "Sam,,,NHRI,x,other,remote,floor",
    )
    report = _checked(data)
    assert not report.refused, report.all_problems()
    people = [row.participant for row in report.rows]
    assert [p.name for p in people] == ["Amina Diallo", "Chen Wei", "Olga Ivanova", "Sam"]
    assert [p.constituency for p in people] == [
        "trade_union",
        "academia",
        "un_system",
        "national_human_rights_institution",
    ]
    assert [p.gender for p in people] == ["woman", None, None, "another"]
    assert [p.language for p in people] == ["fr", "zh", "ru", "other"]
    assert [p.attendance for p in people] == ["remote", "in_room", "in_room", "remote"]
    assert [row.panel and row.panel.id for row in report.rows] == ["s2", "s4", "s4", None]


def test_values_are_read_in_each_language_the_desk_lists_them_in() -> None:
    """Outside probe S: a French desk refused "Autorités locales et régionales" while listing it
    among the known values; an Arabic one, "لغة أخرى". A spreadsheet typed in any of the six
    languages, as the desk names its values, is read."""
    data = _csv(
        "Name,Organisation,Constituency,Gender,Floor language,Attendance",
        "Jean Martin,Ville de Lyon,Autorités locales et régionales,Homme,Anglais,À distance",
        "Ana Ruiz,Cáritas,Sociedad civil,Mujer,Español,En la sala",
        "Olga Ivanova,МГУ,Академическое сообщество,,Русский,Удалённо",
        "李明,北京大学,学术界,男,中文,在会场",
        "فاطمة الزهراء,وزارة العمل,دولة عضو,امرأة,لغة أخرى,عن بُعد",
    )
    report = _checked(data)
    assert not report.refused, report.all_problems()
    people = [row.participant for row in report.rows]
    assert [p.constituency for p in people] == [
        "local_and_regional_authorities",
        "civil_society",
        "academia",
        "academia",
        "member_state",
    ]
    assert [p.gender for p in people] == ["man", "woman", None, "man", "woman"]
    assert [p.language for p in people] == ["en", "es", "ru", "zh", "other"]
    assert [p.attendance for p in people] == ["remote", "in_room", "remote", "in_room", "remote"]


def test_the_values_labels_are_the_faces() -> None:
    """app/labels.py holds the faces' words for each value (frontend/static/js/i18n.js): what
    the desk lists is what the import reads."""
    source = (Path(__file__).parent.parent / "frontend/static/js/i18n.js").read_text("utf-8")
    blocks = re.split(r"^  (en|fr|es|ru|zh|ar): \{", source, flags=re.MULTILINE)[1:]
    for language, block in zip(blocks[::2], blocks[1::2], strict=True):
        words = dict(re.findall(r'"([a-z_]+\.[a-z_]+)": "([^"]*)"', block))
        faces = {
            k.removeprefix("language."): v for k, v in words.items() if k.startswith("language.")
        }
        assert faces == dict(LANGUAGE_LABELS_BY_LANGUAGE[language]), language
        genders = {code: words[f"join.gender_{code}"] for code in ("woman", "man", "another")}
        assert genders == dict(GENDER_LABELS_BY_LANGUAGE[language]), language
        attendances = {code: words[f"who.{code}"] for code in ("in_room", "remote")}
        assert attendances == dict(ATTENDANCE_LABELS_BY_LANGUAGE[language]), language


def test_every_problem_of_a_row_is_named_at_once() -> None:
    report = _checked(
        _csv(
            HEADER,
            f"{'x' * 121},,,Unknown,,Nobody,Sometimes,Mars,Thematic discussion I",
            ",,,Media,,,,,Panellist",
            "Cleo,,,Media,,,,,Opening segment",
            "Dee,,,Media,,,,,9",
        )
    )
    first, second, third, fourth = report.rows
    assert {p.column for p in first.problems} == {
        "Name",
        "Constituency",
        "Gender",
        "Floor language",
        "Attendance",
        "Panel",
    }
    panel = next(p for p in first.problems if p.column == "Panel")
    assert "segments 2, 3 are all called" in panel.message
    assert {p.column for p in second.problems} == {"Name", "Panel"}
    assert "name the segment" in next(p for p in second.problems if p.column == "Panel").message
    assert "has ended" in third.problems[0].message
    assert "there is no segment 9" in fourth.problems[0].message
    assert all(row.status == "refused" for row in report.rows)


def test_the_same_person_twice_is_refused_and_a_registered_one_left_alone() -> None:
    report = _checked(
        _csv(
            "Name,Organisation,Constituency", "Amina,ITUC,Media", "amina, ituc ,Media", "Bo,,Media"
        ),
        registered=[Registered("p1", "Bo", "")],
    )
    assert [row.status for row in report.rows] == ["new", "refused", "registered"]
    assert "same person" in report.rows[1].problems[0].message
    assert "row 2" in report.rows[1].problems[0].message
    # "amina" and "Amina": only the name's capitals differ, and the message says so
    assert report.rows[1].problems[0].params["columns"] == "Name, Organisation"


def test_the_same_row_twice_is_imported_once() -> None:
    """An export of a registry that holds a duplicate registration (a delegate who joined twice)
    imports again: the second row, every column alike, is a repeat; a row that differs is not."""
    report = _checked(
        _csv(
            "Name,Organisation,Constituency,Attendance",
            "Amina,ITUC,Media,In the room",
            "Amina,ITUC,Media,In the room",
            "Bo,,Media,Remote",
            "Bo,,Media,Remote",
            "Cy,,Media,Remote",
            "Cy,,Media,In the room",
        ),
        registered=[Registered("p1", "Bo", "")],
    )
    assert [row.status for row in report.rows] == [
        "new", "repeat", "registered", "repeat", "new", "refused"
    ]  # fmt: skip
    assert report.rows[1].problems == []
    (problem,) = report.rows[5].problems
    assert problem.message == (  # the column that differs, as the file names it
        "the same person (name and organisation) as row 6, given otherwise in Attendance: keep "
        "one of the two rows"
    )


def test_a_registry_holding_a_duplicate_registration_exports_and_imports_again(
    make_client: AppFactory,
) -> None:
    """The outside probe: a delegate who joined twice (same name, organisation, everything) made
    the export refused on import ("the same person as row 3"); now the repeat is imported once."""
    world = build_world(make_client())
    # registered twice by the floor's staff (a phone's second join is refused: already_registered)
    body = {"name": "Dara Okafor", "organisation": "ITUC", "constituency": "trade_union"}
    for _ in range(2):
        path = f"/events/{world.event['id']}/participants"
        assert world.call("organiser", "POST", path, json=body).status_code == 201
    exported = world.call("organiser", "GET", f"/events/{world.event['id']}/participants")
    assert [p["name"] for p in exported.json()].count("Dara Okafor") == 2
    csv_file = world.call(
        "organiser", "GET", f"/events/{world.event['id']}/participants?format=csv"
    ).content
    day = world.call("organiser", "POST", "/events", json={"title": "Day two"}).json()
    preview = _import(world, csv_file, dry_run=True, event_id=day["id"])
    assert preview.status_code == 200, preview.text
    assert preview.json()["counts"]["repeated"] == 1
    assert [r["status"] for r in preview.json()["rows"] if r["name"] == "Dara Okafor"] == [
        "new",
        "repeat",
    ]
    again = _import(world, csv_file, event_id=day["id"])
    assert again.status_code == 200, again.text
    assert [p["name"] for p in _people(world, day["id"])].count("Dara Okafor") == 1


def test_each_problem_has_a_code_and_its_details_for_the_desks_languages() -> None:
    """The desk words a problem in its own language from its code and params; the English
    message stays for scripts."""
    report = _checked(
        _csv(
            "Name,Organisation,Constituency,Gender",
            "Ana,Cáritas,Civil societies,",
            f"{'x' * 121},,Media,",
            ",ITUC,,",
            "Cy,,Media,robot",
            "Bo,,Media,Man",
            "Bo,,Media,Woman",
            "Z" + "\u0301" * 20 + ",,Media,",  # accents stacked past what any script writes
        )
    )
    coded = [[(p.code, p.params) for p in row.problems] for row in report.rows]
    assert coded == [
        [("unknown_value", {"value": "Civil societies", "field": "constituency"})],
        [("text_too_long", {"max": 120})],
        [("constituency_needed", {}), ("text_empty", {})],
        [("unknown_value", {"value": "robot", "field": "gender"})],
        [],
        [("same_person", {"row": 6, "columns": "Gender"})],
        [("text_marks_stacked", {"max": 12})],
    ]
    assert all(p.message for row in report.rows for p in row.problems)


def test_a_panel_no_segment_is_called_lists_the_programme_in_every_language() -> None:
    """Outside probe S: the English refusal listed the segments, the French desk's did not (its
    sentence had no place for them): the list is a detail of its own."""
    report = _checked(_csv("Name,Constituency,Panel", "Ana,Media,Panel on remittances"))
    ((problem,),) = [row.problems for row in report.rows]
    assert problem.code == "panel_no_title"
    assert problem.params["named"] == "Panel on remittances"
    assert problem.params["titles"].startswith("1. Opening segment; 2. Thematic discussion I")


def test_more_rows_than_the_limit_are_refused() -> None:
    lines = ["Name,Constituency", *(f"P{n},Media" for n in range(MAX_ROWS + 1))]
    report = _checked(_csv(*lines))
    assert report.refused
    assert "more than 5,000" in report.problems[0].message
    assert not _checked(_csv(*lines[:-1])).refused


def test_an_xlsx_that_unpacks_too_large_is_refused_before_it_is_parsed() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * 50_000_000)
    assert len(out.getvalue()) < 1_000_000
    with pytest.raises(SpreadsheetError, match="unpacks to"):
        read_sheet(out.getvalue())


def test_the_xlsx_written_reads_back_with_text_cells() -> None:
    rows = [{"Name": "=1+1", "Constituency": "Media", "Panel": ""}]
    data = write_xlsx(rows)
    report = _checked(data)
    (row,) = report.rows
    assert row.participant is not None and row.participant.name == "=1+1"


def test_a_file_over_the_import_s_limit_says_how_large_and_what_to_do(
    make_client: AppFactory,
) -> None:
    """A registration export with a biography per row is over 1 MB, the other routes' limit: the
    import takes it; one over 10 MB is refused with its size, the limit and what to do."""
    world = build_world(make_client())
    bio = "Works with migrants' associations across the region. " * 8
    rows = [f"Person {n},Academia,{bio}" for n in range(2_500)]
    large = _csv("Name,Constituency,Short bio", *rows)
    assert 1_000_000 < len(large) < IMPORT_MAX_BYTES
    checked = _import(world, large, dry_run=True)
    assert checked.status_code == 200, checked.text
    assert checked.json()["counts"]["new"] == 2_500
    assert checked.json()["ignored_columns"] == ["Short bio"]
    huge = large * 25
    refused = _import(world, huge, dry_run=True)
    assert refused.status_code == 413, refused.text
    body = refused.json()
    assert body["error"]["code"] == "file_too_large"
    assert body["error"]["message"].startswith(f"the file is {len(huge) / 1e6:.1f} MB; the import")
    assert "delete the columns you do not need" in body["error"]["message"]
    assert body["detail"]["limit"] == IMPORT_MAX_BYTES
    assert body["detail"]["size"] > IMPORT_MAX_BYTES
    # the other routes keep their limit
    other = world.call("organiser", "POST", "/events", content=b"{" + b" " * 1_100_000 + b"}")
    assert other.status_code == 413 and other.json()["error"]["code"] == "body_too_large"


def test_the_concept_note_s_constituency_names_are_taken() -> None:
    report = _checked(
        _csv(
            "Name,Constituency",
            "A,Migrant and diaspora organization",
            "B,Faith-based organizations",
            "C,International Red Cross and Red Crescent Movement",
            "D,NHRI",
            "E,Human Rights Mechanism",
        )
    )
    assert [row.participant.constituency.value for row in report.rows] == [
        "migrant_and_diaspora_organisation",
        "faith_based_organisation",
        "red_cross_red_crescent",
        "national_human_rights_institution",
        "human_rights_mechanism",
    ]


def test_someone_registered_is_known_whatever_their_apostrophes_and_accents() -> None:
    registered = [
        Registered("p1", "John O'Brien", "Mission of Ireland"),
        Registered("p2", "A\u00efssatou N'Diaye", "ENDA"),
    ]
    report = _checked(
        _csv(
            "Name,Organisation,Constituency",
            "John O\u2019Brien,Mission of Ireland,Member State",
            "Aissatou NDiaye,ENDA,Civil society",
            "John O'Brien,Mission of Irland,Member State",
        ),
        registered,
    )
    assert [(row.status, row.registered_id) for row in report.rows] == [
        ("registered", "p1"),
        ("registered", "p2"),
        ("new", None),
    ]


def test_a_registered_row_that_differs_says_how_and_is_updated_when_asked(
    make_client: AppFactory,
) -> None:
    """The list sent again a week later: Anna now attends remotely. The preview says so (not
    just "registered"); the import leaves her as she is unless asked, then corrects her, and the
    room's queue shows it. A blank cell never clears what the registry holds."""
    world = build_world(make_client())
    header = "Name,Organisation,Constituency,Attendance,Region"
    first = _import(world, _csv(header, "Anna Petrova,IOM,UN system,In the room,Europe"))
    assert first.status_code == 200, first.text
    anna = first.json()["rows"][0]["participant_id"]
    again = _csv(header, "Anna Petrova,IOM,UN system,Remote,", "Ben Ode,ILO,UN system,,")
    preview = _import(world, again, dry_run=True)
    assert preview.status_code == 200, preview.text
    report = preview.json()
    assert report["counts"]["differing"] == 1
    row = report["rows"][0]
    assert (row["status"], row["organisation"], row["constituency"]) == (
        "registered",
        "IOM",
        "un_system",
    )
    assert row["differences"] == [
        {
            "field": "attendance",
            "column": "Attendance",
            "registered": "In the room",
            "file": "Remote",
            "value": "remote",
            "registered_value": "in_room",
        }
    ]
    left = _import(world, again)
    assert (left.json()["imported"], left.json()["updated"]) == (1, 0)
    assert {p["id"]: p["attendance"] for p in _people(world)}[anna] == "in_room"
    queued = world.command("moderator", {"type": "add_speaker", "participant_id": anna})
    assert queued.status_code == 200, queued.text
    updated = world.call(
        "organiser",
        "POST",
        f"/events/{world.event['id']}/participants/import?update_registered=true",
        files={"file": ("participants", again, "application/octet-stream")},
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["imported"], updated.json()["updated"]) == (0, 1)
    person = {p["id"]: p for p in _people(world)}[anna]
    assert (person["attendance"], person["region"]) == ("remote", "Europe")
    (waiting,) = world.state()["state"]["queue"]
    assert waiting["attendance"] == "remote"


def test_a_workbook_saved_on_its_instructions_sheet_is_read_on_the_list_s() -> None:
    workbook = openpyxl.Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Instructions"
    notes.append(["Fill in the sheet Speakers, one row a person."])
    speakers = workbook.create_sheet("Speakers")
    speakers.append(["Name", "Constituency"])
    speakers.append(["Amina", "Academia"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = _checked(buffer.getvalue())
    assert report.sheet == "Speakers"
    assert [row.name for row in report.rows] == ["Amina"]
    # no sheet holds a list: the message names the sheet read and the others
    workbook.remove(speakers)
    workbook.create_sheet("Budget").append(["Item", "Cost"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    (problem,) = _checked(buffer.getvalue()).problems
    assert problem.code == "no_header"
    assert (
        "(looked at the first 10 rows of the sheet 'Instructions', nor of the workbook's other "
        in problem.message
    )
    assert "sheets ('Budget'))" in problem.message
    assert (problem.params["sheet"], problem.params["others"]) == ("Instructions", 1)


def _with_saved_value(data: bytes, cell: str, value: str) -> bytes:
    """The workbook as Excel saves it: the formula in ``cell`` with the value it computed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?'.encode(),
                    rf'<c r="{cell}" t="str"><f>\2</f><v>{value}</v>'.encode(),
                    content,
                )
                assert f"<v>{value}</v>".encode() in content
            archive.writestr(info, content)
    return buffer.getvalue()


def test_a_formula_saved_without_its_value_is_refused_naming_its_cells() -> None:
    """A script wrote the list with the organisation as a formula (openpyxl, as most programs,
    saves no value with it): read as empty, the import would drop every organisation without a
    word. Excel's own file, the value saved with the formula, is read as Excel shows it."""
    rows: list[list[Any]] = [["Name", "Code", "Organisation", "Constituency"]]
    rows += [[f"Delegate {n}", "ITUC", f"=B{n + 1}", "Trade unions"] for n in range(1, 8)]
    data = _xlsx(rows)
    with pytest.raises(SpreadsheetError) as refused:
        read_sheet(data)
    assert str(refused.value) == (
        "cells C2, C3, C4, C5, C6 and 2 more of the worksheet 'Speakers' hold formulas saved "
        "without their values (a file written by a program, not by Excel): open it in Excel or "
        "LibreOffice and save it again, or replace the formulas by their values"
    )
    saved = data
    for n in range(2, 9):
        saved = _with_saved_value(saved, f"C{n}", "ITUC")
    report = _checked(saved)
    assert {row.participant.organisation for row in report.rows if row.participant} == {"ITUC"}
    assert len(report.rows) == 7
    # a text formula Excel saved with an empty result (=IFERROR(VLOOKUP(...),"")): a value
    empty = data
    for n in range(2, 9):
        empty = _with_saved_value(empty, f"C{n}", "")
    report = _checked(empty)
    assert {row.participant.organisation for row in report.rows if row.participant} == {""}


@pytest.mark.parametrize(
    ("start", "what"),
    [
        (b"%PDF-1.7\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff\xe0", "a JPEG image"),
    ],
)
def test_a_document_or_an_image_is_said_to_be_no_spreadsheet(start: bytes, what: str) -> None:
    with pytest.raises(SpreadsheetError, match=f"^this is {what}, not a spreadsheet: send"):
        read_sheet(start + b"\x00" * 64)


def test_a_word_document_is_said_to_be_no_spreadsheet() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(SpreadsheetError, match=r"^this is a Word document, not a spreadsheet"):
        read_sheet(buffer.getvalue())


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("\u0938\u0940\u0924\u093e", "\u0938\u0941\u0924\u093e"),  # Devanagari: Sita, Suta
        ("\u0b9a\u0bc0\u0ba4\u0bbe", "\u0b9a\u0bc1\u0ba4\u0bbe"),  # Tamil
        ("?", "-"),  # names of punctuation alone
    ],
)
def test_names_told_apart_by_a_vowel_sign_are_two_people(one: str, other: str) -> None:
    assert person_key(one, "") != person_key(other, "")


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        (("Grace Okafor", "IOM"), ("Grace Okafor", "I.O.M."), True),  # outside probe K
        (("Grace Okafor", "UNHCR"), ("Grace Okafor", "U.N.H.C.R"), True),
        (("Grace Okafor", "UN-Habitat"), ("Grace Okafor", "UN Habitat"), True),
        (("J.R.R. Tolkien", ""), ("J. R. R. Tolkien", ""), True),  # a name's initials
        (("Grace Okafor", "IOM"), ("Grace Okafor", "I.L.O."), False),
        # a name keeps a Persian non-joiner (outside probe G); typed without it, the same person
        (
            ("\u062d\u0633\u0646\u200c\u0632\u0627\u062f\u0647", ""),
            ("\u062d\u0633\u0646\u0632\u0627\u062f\u0647", ""),
            True,
        ),
    ],
)
def test_an_organisation_s_dotted_acronym_is_the_acronym(
    one: tuple[str, str], other: tuple[str, str], same: bool
) -> None:
    assert (person_key(*one) == person_key(*other)) is same


def test_an_export_imports_again_after_its_panellists_segment_has_ended(
    make_client: AppFactory,
) -> None:
    """Outside probe K: the secretariat exports the list at 10:30, adds the late registrations
    and imports it again; the Panel column names the opening, which has ended. Its panellist is
    registered (nothing to do); only someone new named for an ended segment is refused."""
    world = build_world(make_client())
    first = _import(world, _csv("Name,Organisation,Constituency,Panel", "Ana Ruiz,IOM,UN system,1"))
    assert (first.json()["imported"], first.json()["queued"]) == (1, 1), first.text
    assert world.command("moderator", {"type": "end_segment"}).status_code == 200
    export = world.call("organiser", "GET", f"/events/{world.event['id']}/participants?format=csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert any("Discussion I" in line for line in lines[1:])
    late = '"Sipho Dlamini","","Lawyers for Human Rights","Civil society","","","","",""'
    again = _import(world, _csv(*lines, late))
    assert again.status_code == 200, again.text
    # Ana and the world's delegate (who joined from her phone) are registered already
    assert (again.json()["imported"], again.json()["counts"]["registered"]) == (1, 2)
    assert [p["name"] for p in _people(world)][-1] == "Sipho Dlamini"
    newcomer = _import(world, _csv("Name,Constituency,Panel", "Lina Haddad,Academia,1"))
    assert newcomer.status_code == 422
    (row,) = newcomer.json()["report"]["rows"]
    assert [p["code"] for p in row["errors"]] == ["panel_ended"]


def test_a_panel_the_file_gives_someone_registered_is_shown_and_queued_when_asked(
    make_client: AppFactory,
) -> None:
    """Outside probe K: José Muñoz is registered; the updated list makes him a panellist of the
    second discussion. The preview shows it as a difference; with update_registered he is
    queued there as a panellist (once: the same file again changes nothing)."""
    world = build_world(make_client())
    made = world.call(
        "organiser",
        "POST",
        f"/events/{world.event['id']}/segments",
        json={"title": "Discussion II", "command_id": "s2"},
    )
    assert made.status_code < 300, made.text
    second = made.json()["segment_id"] if "segment_id" in made.json() else made.json()["id"]
    assert _import(world, _csv("Name,Constituency", "José Muñoz,Academia")).status_code == 200
    sheet = _csv("Name,Constituency,Panel", "José Muñoz,Academia,Discussion II")
    preview = _import(world, sheet, dry_run=True).json()
    (row,) = preview["rows"]
    assert row["status"] == "registered"
    assert [(d["field"], d["file"]) for d in row["differences"]] == [("panel", "Discussion II")]
    path = f"/events/{world.event['id']}/participants/import?update_registered=true"
    for times in (1, 2):
        answer = world.call(
            "organiser", "POST", path, files={"file": ("p.csv", sheet, "text/csv")}
        ).json()
        assert (answer["queued"], answer["updated"]) == ((1, 1) if times == 1 else (0, 0))
        state = world.call("organiser", "GET", f"/segments/{second}/state").json()["state"]
        assert [(e["name"], e["kind"]) for e in state["queue"]] == [("José Muñoz", "panellist")]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b"  \n"])
def test_an_empty_file_is_said_to_be_empty(data: bytes) -> None:
    """Outside probe: a 0-byte CSV, or one holding only a BOM, was refused as having no header
    row naming 'Name' and 'Constituency'."""
    with pytest.raises(SpreadsheetError, match=r"^the file is empty: send the list"):
        read_sheet(data)


def test_a_quote_never_closed_is_named_with_its_row() -> None:
    """Outside probe: a row with an unclosed quote swallowed the rest of the file into one cell,
    and was refused as missing its constituency."""
    data = b'Name,Constituency\nA,academia\n"unterminated,academia\nB,academia\n'
    with pytest.raises(SpreadsheetError, match=r"^row 3: a quotation mark \(\"\) opened in this"):
        read_sheet(data)
    # a quote inside a name, and a quoted cell that holds a line break, are read as they are
    sheet = read_sheet(b'Name,Constituency\nO"Brien,academia\n"Line\nbreak",academia\n')
    assert [cells for _, cells in sheet.rows] == [
        ["Name", "Constituency"],
        ['O"Brien', "academia"],
        ["Line\nbreak", "academia"],
    ]
