"""The outcome over REST and the socket: submit, curate, show, every change in the log."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

import openpyxl

from app.engine import Engine
from app.floor import Actor, Role
from app.floor import contributions as o
from app.floor.roles import ORGANISER
from app.hub import Hub
from app.store import Store
from app.store.tables import EventRow, ParticipantRow
from tests.engines import counted_engine
from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name


def _world(make_client: AppFactory) -> tuple[World, str]:
    world = build_world(make_client())
    link = world.call(
        "organiser",
        "POST",
        f"/events/{world.event['id']}/access-links",
        json={"role": "rapporteur"},
    ).json()
    assert link["url"].startswith("/rapporteur#key=")
    return world, link["token"]


def _submit(world: World, **fields: Any) -> Any:
    body = {"command_id": "pledge-1", "kind": "pledge", "language": "fr", **fields}
    body.setdefault("text", "Nous financerons dix centres d'accueil.")
    return world.call("delegate", "POST", f"/events/{world.event['id']}/contributions", json=body)


def test_a_delegate_submits_and_the_rapporteur_curates(make_client: AppFactory) -> None:
    world, rapporteur = _world(make_client)
    submitted = _submit(world, segment_id=world.segment_id)
    assert submitted.status_code == 201, submitted.text
    contribution = submitted.json()["contribution"]
    assert contribution["status"] == "submitted" and contribution["kind"] == "pledge"
    assert contribution["author"]["constituency"] == "trade_union"
    cid = contribution["id"]
    # the retry is answered, not applied again
    again = _submit(world, segment_id=world.segment_id)
    assert again.json()["duplicate"] is True
    # the display sees nothing yet
    public = world.call("display", "GET", f"/events/{world.event['id']}/contributions").json()
    assert public["contributions"] == []
    curated = world.call(
        "rapporteur",
        "PATCH",
        f"/contributions/{cid}",
        token=rapporteur,
        json={
            "command_id": "cur-1",
            "text": "Dix centres d'accueil financés d'ici 2026.",
            "themes": ["Thematic discussion I"],
            "objectives": [15, 5],
            "status": "accepted",
        },
    )
    assert curated.status_code == 200, curated.text
    item = curated.json()
    assert item["status"] == "accepted" and item["objectives"] == [5, 15]
    assert item["original_text"] == "Nous financerons dix centres d'accueil."
    public = world.call("display", "GET", f"/events/{world.event['id']}/contributions").json()
    assert [c["id"] for c in public["contributions"]] == [cid]
    shown = world.call(
        "rapporteur",
        "POST",
        f"/events/{world.event['id']}/outcome/shown",
        token=rapporteur,
        json={"command_id": "show-1", "contribution_id": cid},
    )
    assert shown.status_code == 200, shown.text
    public = world.call("display", "GET", f"/events/{world.event['id']}/contributions").json()
    assert public["shown"]["text"].startswith("Dix centres")


def test_a_status_and_a_merge_together_are_refused_naming_what_to_send(
    make_client: AppFactory,
) -> None:
    """docs/protocol.md: one of ``status`` or ``merged_into``. Both was taken, and the merge won
    without a word about the status."""
    world, rapporteur = _world(make_client)
    kept = _submit(world, command_id="pledge-1").json()["contribution_id"]
    other = _submit(world, command_id="pledge-2", text="Nous ouvrirons dix guichets.").json()
    merged = other["contribution_id"]
    for status in ("set_aside", "accepted"):
        refused = world.call(
            "rapporteur",
            "PATCH",
            f"/contributions/{merged}",
            token=rapporteur,
            json={"command_id": f"both-{status}", "status": status, "merged_into": kept},
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"] == {
            "code": "invalid_request",
            "message": "body.merged_into: send status or merged_into, not both: merged_into "
            "alone merges this contribution into another (it ends merged); status alone accepts "
            "it or sets it aside",
        }
        assert [item["loc"] for item in refused.json()["details"]] == [["body", "merged_into"]]
    outcome = world.call("organiser", "GET", f"/events/{world.event['id']}/contributions").json()
    assert {c["id"]: c["status"] for c in outcome["contributions"]} == {
        kept: "submitted",
        merged: "submitted",
    }
    # each alone is taken, and a null beside the other is as if left out
    aside = world.call(
        "rapporteur",
        "PATCH",
        f"/contributions/{kept}",
        token=rapporteur,
        json={"command_id": "aside", "status": "set_aside", "note": "later", "merged_into": None},
    )
    assert aside.status_code == 200, aside.text
    assert aside.json()["status"] == "set_aside"
    accepted = world.call(
        "rapporteur",
        "PATCH",
        f"/contributions/{kept}",
        token=rapporteur,
        json={"command_id": "accept", "status": "accepted"},
    )
    assert accepted.json()["status"] == "accepted"
    into = world.call(
        "rapporteur",
        "PATCH",
        f"/contributions/{merged}",
        token=rapporteur,
        json={"command_id": "merge", "status": None, "merged_into": kept},
    )
    assert into.status_code == 200, into.text
    assert (into.json()["status"], into.json()["merged_into"]) == ("merged", kept)


def test_the_rapporteur_may_not_run_the_floor(make_client: AppFactory) -> None:
    world, rapporteur = _world(make_client)
    body = {"command_id": "n1", "command": {"type": "call_next"}}
    answer = world.call(
        "rapporteur", "POST", f"/segments/{world.segment_id}/commands", token=rapporteur, json=body
    )
    assert answer.status_code == 403
    state = world.call("rapporteur", "GET", f"/segments/{world.segment_id}/state", token=rapporteur)
    assert state.status_code == 200 and state.json()["audience"] == "moderator"


def test_outcome_changes_reach_the_sockets_and_survive_a_restart(make_client: AppFactory) -> None:
    world, rapporteur = _world(make_client)
    with world.client.websocket_connect(f"/ws/events/{world.event['id']}") as display:
        display.send_json({"type": "hello", "token": world.tokens["display"]})
        snapshot = display.receive_json()
        assert (
            snapshot["type"] == "snapshot" and snapshot["outcome"]["state"]["contributions"] == []
        )
        cid = _submit(world).json()["contribution_id"]
        with world.client.websocket_connect(f"/ws/events/{world.event['id']}") as curator:
            curator.send_json({"type": "hello", "token": rapporteur})
            first = curator.receive_json()
            assert [c["id"] for c in first["outcome"]["state"]["contributions"]] == [cid]
            command = {"type": "accept_contribution", "contribution_id": cid}
            curator.send_json({"type": "command", "command_id": "acc", "command": command})
            while (frame := curator.receive_json())["type"] != "ack":
                pass
            assert frame["events"] == ["contribution_accepted"]
        while (frame := display.receive_json())["type"] != "outcome_update":
            pass
        assert frame["patch"], frame


async def test_the_outcome_is_rebuilt_from_the_log(sqlite_url: str) -> None:
    """Every contribution and curation is in the log: a restart gives the same outcome."""
    engine = counted_engine(sqlite_url)
    await engine.create_event(EventRow(id="ev", title="Hearing", join_code="j", created_at=0))
    await engine.add_participant(
        ParticipantRow(id="p1", event_id="ev", name="Ana", constituency="academia", created_at=0)
    )
    delegate = Actor(Role.DELEGATE, "ev", "p1")
    submit = o.SubmitContribution(
        kind=o.ContributionKind.RECOMMENDATION, text="Open pathways.", language="en"
    )
    result = await engine.execute_outcome("ev", submit, delegate, "s1")
    cid = result["contribution_id"]
    await engine.execute_outcome("ev", o.AcceptContribution(contribution_id=cid), ORGANISER, "a1")
    tag = o.TagContribution(contribution_id=cid, themes=["Pathways"], objectives=[5])
    await engine.execute_outcome("ev", tag, ORGANISER, "t1")
    before = engine.hearing("ev").outcome
    again = Engine(Store(engine.store.engine), Hub())
    await again.load()
    after = again.hearing("ev").outcome
    assert after == before and after.version == 3
    assert after.contributions[cid].status is o.ContributionStatus.ACCEPTED
    # and the command ids are remembered across the restart
    repeated = await again.execute_outcome("ev", tag, ORGANISER, "t1")
    assert repeated["duplicate"] is True


def test_the_rapporteur_records_a_contribution_for_a_panellist_without_a_phone(
    make_client: AppFactory,
) -> None:
    """A panellist makes a pledge from the podium: the rapporteur records it in their name
    (``on_behalf_of``); without a name it is refused, saying so (outside probe, 2026-12-06)."""
    world, rapporteur = _world(make_client)
    path = f"/events/{world.event['id']}/contributions"
    body = {"command_id": "r-1", "kind": "pledge", "language": "en", "text": "Ten centres."}
    nameless = world.call("rapporteur", "POST", path, token=rapporteur, json=body)
    assert nameless.status_code == 422 and nameless.json()["error"]["code"] == "author_required"
    panellist = world.delegate["participant"]["id"]
    body = {**body, "command_id": "r-2", "on_behalf_of": panellist}
    made = world.call("rapporteur", "POST", path, token=rapporteur, json=body)
    assert made.status_code == 201, made.text
    assert made.json()["contribution"]["author"]["participant_id"] == panellist


def test_the_contributions_come_as_a_spreadsheet_for_the_secretariat(
    make_client: AppFactory,
) -> None:
    """Every contribution, one row each, numbered as the rapporteur's page numbers them: CSV
    (formula-safe, UTF-8 with a BOM) and XLSX (text cells stay text); not for a display."""
    world, rapporteur = _world(make_client)
    first = _submit(world, text='=HYPERLINK("http://x")', language="en").json()["contribution"]
    second = _submit(world, command_id="pledge-2", text="سنموّل مراكز الاستقبال", language="ar")
    world.call(
        "rapporteur",
        "PATCH",
        f"/contributions/{second.json()['contribution']['id']}",
        token=rapporteur,
        json={"command_id": "m", "merged_into": first["id"]},
    )
    path = f"/events/{world.event['id']}/contributions"
    answer = world.call("rapporteur", "GET", f"{path}?format=csv", token=rapporteur)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [row["No."] for row in rows] == ["1", "2"]
    assert rows[0]["Text"] == '\'=HYPERLINK("http://x")'  # shown as typed, never a formula
    assert rows[0]["Constituency"] == "Trade union" and rows[0]["Kind"] == "Pledge"
    assert rows[1]["Text"] == "سنموّل مراكز الاستقبال" and rows[1]["Language"] == "Arabic"
    assert (rows[1]["Status"], rows[1]["Merged into (No.)"]) == ("Merged", "1")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", rows[0]["Submitted at"])
    workbook = world.call("organiser", "GET", f"{path}?format=xlsx")
    assert workbook.status_code == 200, workbook.text
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:3] == ("No.", "Kind", "Status")
    assert table[1][0] == 1 and table[1][3] == '=HYPERLINK("http://x")'
    assert sheet.cell(row=2, column=4).data_type == "s"  # text, not a formula
    refused = world.call("display", "GET", f"{path}?format=csv")
    assert refused.status_code == 403 and "secretariat" in refused.json()["error"]["message"]
    speeches = world.call("organiser", "GET", f"/events/{world.event['id']}/speeches?format=xlsx")
    assert speeches.status_code == 200, speeches.text
    book = openpyxl.load_workbook(io.BytesIO(speeches.content))
    headings = next(book.worksheets[0].iter_rows(values_only=True))
    assert headings[:3] == ("Segment", "Segment no.", "Turn")
    # its times are the event's local time, and their headings say which
    assert f"Called at ({world.event['timezone']})" in headings
    assert book.properties.title == f"Who spoke: {world.event['title']}"


def test_a_rewording_over_rest_against_an_older_version_is_refused_with_the_wording_now(
    make_client: AppFactory,
) -> None:
    world, rapporteur = _world(make_client)
    item = _submit(world).json()["contribution"]
    path = f"/contributions/{item['id']}"
    first = {"command_id": "w1", "text": "First rewording", "version": item["version"]}
    assert world.call("rapporteur", "PATCH", path, token=rapporteur, json=first).status_code == 200
    late = {"command_id": "w2", "text": "Mine", "version": item["version"]}
    refused = world.call("rapporteur", "PATCH", path, token=rapporteur, json=late)
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["error"]["code"] == "edited_since"
    assert (body["text"], body["version"]) == ("First rewording", item["version"] + 1)


def _patch(world: World, token: str, cid: str, **body: Any) -> Any:
    return world.call("rapporteur", "PATCH", f"/contributions/{cid}", token=token, json=body)


def test_a_patch_refused_in_its_last_change_applies_none(make_client: AppFactory) -> None:
    """All or nothing: a new wording and tags sent with a merge the rules refuse are not saved
    either (outside probe H, H6: the text and the objectives were changed, then 422)."""
    world, rapporteur = _world(make_client)
    item = _submit(world).json()["contribution"]
    cid = item["id"]
    path = f"/events/{world.event['id']}/contributions"
    before = world.call("organiser", "GET", path).json()
    refused = _patch(
        world,
        rapporteur,
        cid,
        command_id="partial",
        text="部分应用?",
        objectives=[3],
        merged_into=cid,  # into itself
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "invalid_merge"
    after = world.call("organiser", "GET", path).json()
    assert after["version"] == before["version"]
    (found,) = after["contributions"]
    assert (found["text"], found["objectives"], found["version"]) == (
        item["text"],
        [],
        item["version"],
    )
    # the same changes without the refused one are taken, all of them
    taken = _patch(world, rapporteur, cid, command_id="whole", text="部分应用", objectives=[3])
    assert taken.status_code == 200, taken.text
    assert (taken.json()["text"], taken.json()["objectives"]) == ("部分应用", [3])
    # and retried, it is answered again, not refused against the state it made
    again = _patch(world, rapporteur, cid, command_id="whole", text="部分应用", objectives=[3])
    assert again.status_code == 200, again.text


def _accepted_in(world: World, rapporteur: str, n: int, language: str, text: str) -> str:
    made = _submit(world, command_id=f"c-{n}", language=language, text=text).json()
    cid = str(made["contribution_id"])
    body = {"command_id": f"acc-{n}", "status": "accepted", "objectives": [5]}
    assert _patch(world, rapporteur, cid, **body).status_code == 200
    return cid


def test_the_summary_comes_in_the_language_asked_for(make_client: AppFactory) -> None:
    world, rapporteur = _world(make_client)
    _submit(world, command_id="waiting", text="Pas encore examinée.")  # #1, awaiting review
    _accepted_in(world, rapporteur, 2, "ar", "2024: UNHCR سيقدم 5 ملايين دولار")
    _accepted_in(world, rapporteur, 3, "fr", "Nous ouvrirons dix centres.")
    path = f"/events/{world.event['id']}/outcome"
    french = world.call("rapporteur", "GET", f"{path}?format=md&lang=fr", token=rapporteur)
    assert french.status_code == 200, french.text
    md = french.text
    assert "### Engagements" in md and "## Contributions par groupe de parties prenantes" in md
    assert "Objectif 5 — Faire en sorte que les filières de migration régulière" in md
    assert "*Syndicat* (ITUC) · #2 · \\[Original\u00a0: arabe\\]" in md
    assert "*Syndicat* (ITUC) · #3\\\n" in md
    assert "1 contribution est en attente d\u2019examen et ne figure pas dans le présent" in md
    assert re.findall(r"^(\d+)\. ", md, re.MULTILINE) == ["1", "2"]
    arabic = world.call("rapporteur", "GET", f"{path}?format=html&lang=ar", token=rapporteur)
    assert arabic.status_code == 200, arabic.text
    assert arabic.text.startswith('<!doctype html>\n<html lang="ar" dir="rtl">')
    assert '<p class="text" dir="rtl" lang="ar">2024: UNHCR' in arabic.text
    assert "التعهدات" in arabic.text and "[الأصل: بالفرنسية]" in arabic.text
    word = world.call("organiser", "GET", f"{path}?format=docx&lang=zh")
    assert word.status_code == 200, word.text
    # what and when (outside probe W, #11): the event's title, the language, the local time
    when = r"\d{4}-\d\d-\d\d-\d{4}"
    assert re.fullmatch(
        rf'attachment; filename="outcome-hearing-zh-{when}\.docx"',
        word.headers["content-disposition"],
    ), word.headers["content-disposition"]
    for kind in ("md", "html"):  # shown in the browser, saved under the same kind of name
        shown = world.call("organiser", "GET", f"{path}?format={kind}&lang=fr")
        assert re.fullmatch(
            rf'inline; filename="outcome-hearing-fr-{when}\.{kind}"',
            shown.headers["content-disposition"],
        ), shown.headers["content-disposition"]
    unknown = world.call("organiser", "GET", f"{path}?lang=de")
    assert unknown.status_code == 422, unknown.text
    message = unknown.json()["error"]["message"]
    assert all(f"'{code}'" in message for code in ("en", "fr", "es", "ru", "zh", "ar")), message


def test_the_summary_is_in_the_events_first_language_unless_asked(
    make_client: AppFactory,
) -> None:
    world, rapporteur = _world(make_client)
    _accepted_in(world, rapporteur, 1, "fr", "Nous ouvrirons dix centres.")
    path = f"/events/{world.event['id']}/outcome"
    # an event in the six languages (by default, Arabic first): English
    assert "### Pledges" in world.call("organiser", "GET", path).text
    changed = world.call(
        "organiser", "PATCH", f"/events/{world.event['id']}", json={"languages": ["es", "en"]}
    )
    assert changed.status_code == 200, changed.text
    assert "### Compromisos" in world.call("organiser", "GET", path).text
    assert "### Pledges" in world.call("organiser", "GET", f"{path}?lang=en").text


def test_the_contributions_workbook_reads_well(make_client: AppFactory) -> None:
    """Outside probe H, H10: the header stays in view with a filter, long texts wrap, an Arabic
    contribution's wording reads right to left, times are date-times (the event's local time)
    and texts stay text."""
    world, _ = _world(make_client)
    _submit(world, text="=SUM(1+1) " + "mot " * 300, language="fr")
    _submit(world, command_id="p-2", text="سنموّل مراكز الاستقبال", language="ar")
    answer = world.call(
        "organiser", "GET", f"/events/{world.event['id']}/contributions?format=xlsx"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(answer.content))
    sheet = workbook.worksheets[0]
    # an Excel table over the rows (a screen reader says each cell's column), headers frozen
    assert sheet.freeze_panes == "A2" and sheet.tables["Contributions"].ref == "A1:R3"
    headers = [cell.value for cell in sheet[1]]
    columns = [column.name for column in sheet.tables["Contributions"].tableColumns]
    submitted_at = f"Submitted at ({world.event['timezone']})"  # a spreadsheet's time has no zone
    assert columns == headers and submitted_at in headers
    assert workbook.properties.creator == "Floorkeeper"
    assert workbook.properties.title.startswith("Recommendations and pledges: ")
    text = sheet.cell(row=2, column=headers.index("Text") + 1)
    assert text.data_type == "s" and str(text.value).startswith("=SUM")
    assert text.alignment.wrap_text
    arabic = sheet.cell(row=3, column=headers.index("Text") + 1)
    assert arabic.alignment.horizontal == "right" and arabic.alignment.readingOrder == 2
    submitted = sheet.cell(row=2, column=headers.index(submitted_at) + 1)
    assert isinstance(submitted.value, datetime)
    assert submitted.number_format == "yyyy-mm-dd hh:mm"
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                world.call(
                    "organiser", "GET", f"/events/{world.event['id']}/contributions?format=csv"
                ).content.decode("utf-8-sig")
            )
        )
    )
    # the same local time as the CSV's; the offset a spreadsheet's time cannot hold beside it
    assert submitted.value.isoformat() == csv_rows[0]["Submitted at"][:19]
    offset = sheet.cell(row=2, column=headers.index("UTC offset") + 1).value
    assert offset == csv_rows[0]["Submitted at"][19:]
    assert sheet.column_dimensions["L"].width >= 30  # Themes: not cut at the default width


def test_a_translation_keeps_the_language_it_was_delivered_in_in_the_spreadsheets(
    make_client: AppFactory,
) -> None:
    """The official record says which language a statement was made in: a contribution made in
    Arabic and translated into English reads "Language: English, Original language: Arabic",
    and in the XLSX the Arabic original reads right to left, the English wording does not."""
    world, rapporteur = _world(make_client)
    made = _submit(world, text="سنموّل مراكز الاستقبال", language="ar").json()["contribution"]
    translated = world.call(
        "rapporteur",
        "PATCH",
        f"/contributions/{made['id']}",
        token=rapporteur,
        json={"command_id": "tr-1", "text": "We will fund reception centres.", "language": "en"},
    )
    assert translated.status_code == 200, translated.text
    path = f"/events/{world.event['id']}/contributions"
    text = world.call("organiser", "GET", f"{path}?format=csv").content.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["Language"], row["Original language"]) == ("English", "Arabic")
    assert row["Original text"] == "سنموّل مراكز الاستقبال"
    content = world.call("organiser", "GET", f"{path}?format=xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    wording = sheet.cell(row=2, column=headers.index("Text") + 1)
    original = sheet.cell(row=2, column=headers.index("Original text") + 1)
    assert sheet.cell(row=2, column=headers.index("Original language") + 1).value == "Arabic"
    assert (original.alignment.horizontal, original.alignment.readingOrder) == ("right", 2)
    assert wording.alignment.readingOrder != 2
