"""The rapporteur's page beyond reading and deciding: a contribution written down on behalf of a
speaker who has no phone, a rewording that meets someone else's, a merge taken back, the
spreadsheets downloaded, the page on a phone and a tablet (left to right and in Arabic), and
text the server refuses for being empty (only invisible characters) said by its field.

The words expected are read from the dictionaries (frontend/static/js/i18n/rapporteur.js and
the shared ones), not guessed.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, expect

from tests.e2e.server import Api

from .conftest import assert_accessible, contribute, open_face
from .test_languages import dictionaries
from .test_rapporteur_languages import _rapporteur_url

WORDS = dictionaries()
EN = WORDS["en"]
FR = WORDS["fr"]
AR = WORDS["ar"]

#: Where these tests leave their pictures of the page (docs/screenshots is the docs' own).
PICTURES = Path("/tmp/rapp")

#: Two namesakes (told apart by organisation and constituency) and a third delegate.
PEOPLE = [
    (
        ("Fatima Zahra", "Association marocaine des droits humains", "civil_society"),
        ("recommendation", "fr", "Garantir l'accès à la justice pour toutes les personnes "
         "migrantes."),
    ),
    (
        ("Fatima Zahra", "Ministry of Labour", "member_state"),
        ("pledge", "en", "We will open two more labour attachés' offices by 2026."),
    ),
    (
        ("Grace Mensah", "PICUM", "civil_society"),
        ("recommendation", "en", "Guarantee access to health care for all migrants, "
         "regardless of status."),
    ),
]  # fmt: skip


def fill_in(text: str, **values: object) -> str:
    """A dictionary string with its {placeholders} filled, as i18n.js t() fills them."""
    return re.sub(r"\{(\w+)\}", lambda match: str(values[match.group(1)]), text)


def picture(page: Page, name: str) -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    page.locator("#notices").evaluate("node => node.replaceChildren()")  # passing notes
    page.screenshot(path=str(PICTURES / f"{name}.png"))


def _live(page: Page) -> None:
    page.wait_for_function(
        "() => window.floorConnection && window.floorConnection.status === 'live'",
        timeout=15_000,
    )


def _rapporteur(browser: Browser, faces: dict[str, Any], query: str = "", **options: Any) -> Page:
    page = open_face(browser, "moderator", _rapporteur_url(faces, query), **options)
    _live(page)
    return page


def _contributions(faces: dict[str, Any]) -> list[dict[str, Any]]:
    api: Api = faces["api"]
    return list(api.ok("GET", f"/events/{faces['event']['id']}/contributions")["contributions"])


def _participants(faces: dict[str, Any]) -> list[dict[str, Any]]:
    api: Api = faces["api"]
    return list(api.ok("GET", f"/events/{faces['event']['id']}/participants"))


def _start_discussion(faces: dict[str, Any]) -> str:
    """Thematic discussion I goes live; its id."""
    segment_id: str = faces["event"]["segments"][1]["id"]
    faces["api"].command(segment_id, {"type": "start_segment"}).raise_for_status()
    return segment_id


def _no_sideways_scroll(page: Page) -> None:
    wide = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert wide[0] <= wide[1], f"the page scrolls sideways: {wide}"


def test_the_rapporteur_adds_a_contribution_on_a_speakers_behalf(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment_id = _start_discussion(faces)
    contribute(faces, PEOPLE, segment_id, "people")
    namesakes = [p for p in _participants(faces) if p["name"] == "Fatima Zahra"]
    minister = next(p for p in namesakes if p["organisation"] == "Ministry of Labour")

    page = _rapporteur(browser, faces, "?lang=fr")
    expect(page.locator("#list li")).to_have_count(len(PEOPLE))
    page.get_by_role("button", name=FR["rapporteur.add_open"]).click()
    detail = page.locator("#detail")
    expect(detail.get_by_role("heading", level=2)).to_have_text(FR["rapporteur.add_heading"])
    # the defaults: the page's language, the live segment
    expect(detail.get_by_label(FR["rapporteur.fact_language"])).to_have_value("fr")
    expect(detail.get_by_label(FR["rapporteur.add_segment"])).to_have_value(segment_id)
    expect(detail.get_by_label(FR["contribution.recommendation"], exact=True)).to_be_checked()

    # nobody chosen, nothing written: said by the field, nothing sent
    detail.get_by_role("button", name=FR["rapporteur.add_submit"]).click()
    expect(detail.locator("#add-author-error")).to_have_text(FR["rapporteur.add_choose_author"])
    expect(detail.get_by_label(FR["rapporteur.add_find"])).to_be_focused()

    # the namesakes, told apart by organisation and constituency; chosen with the keyboard
    page.keyboard.type("fatima")
    options = detail.locator("#add-author .author-option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Association marocaine des droits humains")
    # the name, then the constituency and the whole organisation, each of people's words isolated
    member_state = FR["constituency.member_state"]
    expect(options.nth(1).locator(".author-name")).to_have_text("Fatima Zahra")
    expect(options.nth(1).locator(".author-more")).to_have_text(
        f"{member_state} · Ministry of Labour"
    )
    expect(options.nth(1).locator("bdi.author-organisation")).to_have_text("Ministry of Labour")
    page.keyboard.type(" labour")
    expect(options).to_have_count(1)
    page.keyboard.press("ArrowDown")  # on to the list, the one found chosen
    chosen = detail.get_by_role("radio", name=re.compile("^Fatima Zahra"))
    expect(chosen).to_be_focused()
    expect(chosen).to_be_checked()
    expect(chosen).to_have_attribute("value", minister["id"])
    expect(detail.get_by_role("radiogroup", name=FR["rapporteur.add_author"])).to_be_visible()
    expect(detail.locator("#add-chosen")).to_contain_text("Ministry of Labour")

    detail.get_by_label(FR["contribution.pledge"], exact=True).check()
    detail.get_by_label(FR["rapporteur.fact_language"]).select_option("en")
    text = "We pledge a helpline for migrant domestic workers, open day and night."
    detail.get_by_label(FR["rapporteur.add_text"]).fill(text)
    assert_accessible(page)
    picture(page, "add-form-fr-1440")
    detail.get_by_role("button", name=FR["rapporteur.add_submit"]).click()

    # the new one, chosen, attributed to the minister
    number = len(PEOPLE) + 1
    expect(detail.get_by_role("heading", level=2)).to_have_text(
        f"#{number} · {FR['contribution.pledge']}"
    )
    expect(detail.locator("blockquote.current-text")).to_have_text(text)
    expect(detail.locator(".facts")).to_contain_text("Fatima Zahra")
    expect(detail.locator(".facts")).to_contain_text("Ministry of Labour")
    expect(page.locator("#notices")).to_contain_text(
        fill_in(FR["rapporteur.added_notice"], number=number, name="\u2068Fatima Zahra\u2069")
    )
    expect(page.locator("#list li")).to_have_count(number)
    stored = _contributions(faces)[-1]
    assert stored["text"] == text and stored["kind"] == "pledge" and stored["language"] == "en"
    assert stored["author"]["participant_id"] == minister["id"]
    assert stored["author"]["organisation"] == "Ministry of Labour"
    assert stored["segment_id"] == segment_id
    # when, as a report read after the day needs it: the date, the time, the event's zone
    zone = str(faces["event"]["timezone"])
    at = datetime.fromtimestamp(stored["submitted_at"] / 1000, ZoneInfo(zone))
    submitted = detail.locator(".facts dd").nth(5)
    expect(detail.locator(".facts dt").nth(5)).to_have_text(FR["rapporteur.fact_submitted"])
    expect(submitted).to_have_text(f"{at:%Y-%m-%d %H:%M} ({zone})")
    row = page.locator(f"#item-{stored['id']}")
    expect(row).to_have_attribute("aria-current", "true")
    expect(row).to_contain_text("Ministry of Labour")

    # invisible characters only: nothing sent, said by the field
    page.get_by_role("button", name=FR["rapporteur.add_open"]).click()
    detail.get_by_label(FR["rapporteur.add_find"]).fill("Grace")
    detail.locator("#add-author input[type=radio]").first.check()
    detail.get_by_label(FR["rapporteur.add_text"]).fill("\u200f\u200e\u2066 \u2069")
    detail.get_by_role("button", name=FR["rapporteur.add_submit"]).click()
    expect(detail.locator("#add-text-error")).to_have_text(FR["rapporteur.add_text_required"])
    expect(detail.get_by_label(FR["rapporteur.add_text"])).to_have_attribute("aria-invalid", "true")
    # empty only to the server (a private-use character, dropped): its refusal, by the field
    detail.get_by_label(FR["rapporteur.add_text"]).fill("\ue000")
    detail.get_by_role("button", name=FR["rapporteur.add_submit"]).click()
    expect(detail.locator("#add-text-error")).to_have_text(
        fill_in(FR["rapporteur.text_invalid"], field=FR["rapporteur.add_text"], max=2000)
    )
    assert len(_contributions(faces)) == number
    detail.get_by_role("button", name=FR["rapporteur.cancel"]).click()
    expect(detail.get_by_role("heading", level=2)).to_have_text(
        f"#{number} · {FR['contribution.pledge']}"
    )


def _open(page: Page, item: dict[str, Any]) -> None:
    page.locator(f"#item-{item['id']}").click()
    expect(page.locator("#detail-heading")).to_be_focused()


def test_a_rewording_that_meets_anothers_is_shown_and_resolved(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment_id = _start_discussion(faces)
    contribute(faces, PEOPLE[2:], segment_id, "edit")
    (item,) = _contributions(faces)
    api: Api = faces["api"]
    page = _rapporteur(browser, faces)
    detail = page.locator("#detail")
    _open(page, item)

    # the rapporteur rewords it; meanwhile the moderator does too
    detail.get_by_role("button", name=EN["rapporteur.edit_open"]).click()
    mine = "Guarantee access to health care for every migrant, whatever their status."
    detail.get_by_label(EN["rapporteur.edit_label"]).fill(mine)
    theirs = "Guarantee health care for all migrants."
    api.ok("PATCH", f"/contributions/{item['id']}", json={"command_id": "m1", "text": theirs})
    expect(detail.locator("blockquote.current-text")).to_have_text(theirs)  # live
    detail.get_by_role("button", name=EN["rapporteur.edit_save"]).click()

    # refused: their wording beside the draft, which is kept
    expect(detail.locator("#conflict-heading")).to_have_text(EN["rapporteur.conflict_heading"])
    expect(detail.locator("#conflict-text")).to_have_text(theirs)
    expect(detail.get_by_label(EN["rapporteur.conflict_mine"])).to_have_value(mine)
    assert_accessible(page)
    picture(page, "conflict-en-1440")
    # take theirs: the draft goes, the wording stays theirs
    detail.get_by_role("button", name=EN["rapporteur.conflict_take_theirs"]).click()
    expect(detail.locator("#conflict-text")).to_have_count(0)
    expect(detail.locator("#edit-text")).to_have_count(0)
    expect(detail.locator("blockquote.current-text")).to_have_text(theirs)

    # again; this time the rapporteur's wording is saved over the other, deliberately
    detail.get_by_role("button", name=EN["rapporteur.edit_open"]).click()
    detail.get_by_label(EN["rapporteur.edit_label"]).fill(mine)
    again = "Health care for all migrants."
    api.ok("PATCH", f"/contributions/{item['id']}", json={"command_id": "m2", "text": again})
    expect(detail.locator("blockquote.current-text")).to_have_text(again)
    detail.get_by_role("button", name=EN["rapporteur.edit_save"]).click()
    expect(detail.locator("#conflict-text")).to_have_text(again)
    detail.get_by_role("button", name=EN["rapporteur.conflict_save_mine"]).click()
    expect(detail.locator("blockquote.current-text")).to_have_text(mine)
    expect(page.locator("#notices")).to_contain_text(EN["rapporteur.wording_saved"])
    (stored,) = _contributions(faces)
    assert stored["text"] == mine and stored["original_text"] == item["original_text"]

    # accepted meanwhile (by someone else) but worded as it was: saved, nothing to choose
    detail.get_by_role("button", name=EN["rapporteur.edit_open"]).click()
    final = "Health care for every migrant, whatever their status."
    detail.get_by_label(EN["rapporteur.edit_label"]).fill(final)
    api.ok("PATCH", f"/contributions/{item['id']}", json={"command_id": "m3", "status": "accepted"})
    expect(detail.locator(".state-pill")).to_have_text(EN["rapporteur.status.accepted"])
    detail.get_by_role("button", name=EN["rapporteur.edit_save"]).click()
    expect(detail.locator("blockquote.current-text")).to_have_text(final)
    expect(detail.locator("#conflict-text")).to_have_count(0)

    # invisible characters only: Save cannot send it
    detail.get_by_role("button", name=EN["rapporteur.edit_open"]).click()
    field = detail.get_by_label(EN["rapporteur.edit_label"])
    field.fill("\u200f\u200e\u2066\u2069")
    expect(detail.get_by_role("button", name=EN["rapporteur.edit_save"])).to_be_disabled()


def test_the_server_refusing_a_wording_is_said_by_its_field_in_the_pages_language(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment_id = _start_discussion(faces)
    contribute(faces, PEOPLE[2:], segment_id, "empty")
    (item,) = _contributions(faces)
    page = _rapporteur(browser, faces, "?lang=fr")
    detail = page.locator("#detail")
    _open(page, item)
    detail.get_by_role("button", name=FR["rapporteur.edit_open"]).click()
    detail.get_by_label(FR["rapporteur.edit_label"]).fill("\u200f\ue000")  # empty once cleaned
    detail.get_by_role("button", name=FR["rapporteur.edit_save"]).click()
    error = detail.locator("#edit-error")
    expect(error).to_have_text(
        fill_in(FR["rapporteur.text_invalid"], field=FR["rapporteur.edit_label"], max=2000)
    )
    expect(detail.get_by_label(FR["rapporteur.edit_label"])).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.locator("#notices")).not_to_contain_text("edit_contribution")
    assert _contributions(faces)[0]["text"] == item["text"]


def test_the_phone_says_its_text_is_empty_in_its_language(
    browser: Browser, faces: dict[str, Any]
) -> None:
    _start_discussion(faces)
    phone = open_face(browser, "delegate", faces["delegate"] + "?lang=ar")
    phone.locator("#join-name").fill("ليلى حداد")
    phone.locator("#join-constituency").select_option("civil_society")
    phone.locator("#join-form button[type=submit]").click()
    expect(phone.locator("#identity")).to_contain_text("ليلى حداد")
    phone.get_by_role("button", name=AR["contribute.open"]).click()
    text = phone.get_by_label(AR["contribute.text"], exact=True)
    send = phone.get_by_role("button", name=AR["contribute.submit"], exact=True)
    # invisible characters only: the phone knows it is empty
    text.fill("\u200f\u200e\u2066\u2069")
    send.click()
    expect(phone.locator("#contribute-text-error")).to_have_text(AR["contribute.text_required"])
    # empty only to the server (a private-use character): its refusal said by the field
    text.fill("\ue000")
    send.click()
    expect(phone.locator("#contribute-text-error")).to_have_text(
        fill_in(AR["contribute.text_invalid"], field=AR["contribute.text"], max=2000)
    )
    expect(phone.locator("#contribute-error")).to_be_hidden()
    expect(text).to_have_attribute("aria-invalid", "true")
    assert _contributions(faces) == []


def test_a_merge_is_taken_back(browser: Browser, faces: dict[str, Any]) -> None:
    segment_id = _start_discussion(faces)
    contribute(faces, PEOPLE, segment_id, "merge")
    first, second, third = _contributions(faces)
    api: Api = faces["api"]
    for item in (first, third):  # an accepted one goes into an accepted one only
        api.ok(
            "PATCH",
            f"/contributions/{item['id']}",
            json={"command_id": item["id"], "status": "accepted"},
        )
    page = _rapporteur(browser, faces)
    detail = page.locator("#detail")
    _open(page, third)
    # the picker offers what the server says (of the same kind: not the pledge), with its status
    picker = detail.get_by_label(EN["rapporteur.merge_label"])
    expect(picker.locator("option")).to_have_count(2)
    expect(picker.locator("option").nth(1)).to_have_attribute("value", first["id"])
    expect(picker.locator("option").nth(1)).to_contain_text(
        f"#1 · {EN['contribution.recommendation']} · {EN['rapporteur.status.accepted']} · "
    )
    picker.select_option(first["id"])
    detail.get_by_role("button", name=EN["rapporteur.merge"], exact=True).click()
    expect(detail.locator(".state-pill")).to_have_text(EN["rapporteur.status.merged"])
    # the list's card says into which, seen and heard (not only on opening it)
    merged_into = fill_in(EN["rapporteur.decided_merged"], number=1)
    expect(page.locator(f"#item-{third['id']} .item-merged")).to_have_text(merged_into)
    expect(page.locator(f"#item-{third['id']}")).to_have_accessible_name(
        re.compile(re.escape(merged_into))
    )
    open_first = detail.get_by_role("button", name=fill_in(EN["rapporteur.open_number"], number=1))
    expect(open_first).to_be_visible()
    unmerge = detail.get_by_role("button", name=EN["rapporteur.unmerge"])
    expect(unmerge).to_be_visible()
    unmerge.click()
    # back to what it was before the merge: accepted
    expect(detail.locator(".state-pill")).to_have_text(EN["rapporteur.status.accepted"])
    expect(page.locator("#notices")).to_contain_text(
        fill_in(EN["rapporteur.unmerged_notice"], number=3)
    )
    expect(page.locator(f"#item-{third['id']}")).to_contain_text(EN["rapporteur.status.accepted"])
    stored = {c["id"]: c for c in _contributions(faces)}
    assert stored[third["id"]]["status"] == "accepted"
    assert stored[third["id"]]["merged_into"] is None
    assert stored[second["id"]]["status"] == "submitted"


def test_the_spreadsheets_download(browser: Browser, faces: dict[str, Any]) -> None:
    segment_id = _start_discussion(faces)
    contribute(faces, PEOPLE, segment_id, "sheets")
    page = _rapporteur(browser, faces)
    for label, suffix, starts in [
        ("rapporteur.download_contributions_csv", ".csv", None),
        ("rapporteur.download_contributions_xlsx", ".xlsx", b"PK"),
        ("rapporteur.download_csv", ".csv", None),
        ("rapporteur.download_record_xlsx", ".xlsx", b"PK"),
    ]:
        with page.expect_download() as downloading:
            page.get_by_role("link", name=EN[label]).click()
        download = downloading.value
        assert download.failure() is None, label
        assert download.suggested_filename.endswith(suffix), download.suggested_filename
        body = Path(download.path()).read_bytes()
        if starts:
            assert body.startswith(starts), label
        elif "contributions" in label:
            assert "Fatima Zahra" in body.decode("utf-8-sig")
            assert "Ministry of Labour" in body.decode("utf-8-sig")


def _narrow_checks(page: Page, words: dict[str, str], item: dict[str, Any], name: str) -> None:
    """At a phone's or a tablet's width: the list, then a contribution, then back; the page never
    scrolls sideways."""
    desk = page.locator("#desk")
    row = page.locator(f"#item-{item['id']}")
    expect(row).to_be_visible()
    box = row.bounding_box()
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert box and box["width"] > width * 0.8, box  # the list is not squeezed to nothing
    _no_sideways_scroll(page)
    expect(page.locator("#detail")).to_be_hidden()
    page.locator("#list-heading").scroll_into_view_if_needed()
    picture(page, f"{name}-list")
    row.click()
    detail = page.locator("#detail")
    expect(detail).to_be_visible()
    expect(page.locator("#list")).to_be_hidden()
    expect(detail.get_by_role("heading", level=2)).to_contain_text("#")
    accept = detail.get_by_role("button", name=words["rapporteur.accept"], exact=True)
    expect(accept).to_be_visible()
    _no_sideways_scroll(page)
    detail_box = detail.bounding_box()
    assert detail_box and detail_box["width"] > width * 0.85, detail_box
    picture(page, f"{name}-detail")
    detail.get_by_role("button", name=words["rapporteur.back_to_list"]).click()
    expect(row).to_be_visible()
    expect(row).to_be_focused()
    expect(desk).to_have_attribute("data-pane", "list")
    # the form too: on its own, with the way back
    page.get_by_role("button", name=words["rapporteur.add_open"]).click()
    expect(detail.get_by_role("heading", level=2)).to_have_text(words["rapporteur.add_heading"])
    _no_sideways_scroll(page)
    picture(page, f"{name}-add")
    detail.get_by_role("button", name=words["rapporteur.cancel"]).click()
    expect(row).to_be_visible()


def test_the_page_works_on_a_phone_and_a_tablet_in_both_directions(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment_id = _start_discussion(faces)
    contribute(faces, PEOPLE, segment_id, "narrow")
    item = _contributions(faces)[1]
    phone = _rapporteur(browser, faces)
    phone.set_viewport_size({"width": 390, "height": 844})
    _narrow_checks(phone, EN, item, "en-390x844")
    assert_accessible(phone)

    arabic = _rapporteur(browser, faces, "?lang=ar")
    arabic.set_viewport_size({"width": 390, "height": 844})
    expect(arabic.locator("html")).to_have_attribute("dir", "rtl")
    _narrow_checks(arabic, AR, item, "ar-390x844")
    # right to left: the list's rows start on the right
    row = arabic.locator(f"#item-{item['id']}").bounding_box()
    assert row and row["x"] + row["width"] > 390 - 20

    arabic.set_viewport_size({"width": 800, "height": 1000})
    _narrow_checks(arabic, AR, item, "ar-800x1000")
    arabic.set_viewport_size({"width": 1280, "height": 720})
    # wide again: the three columns side by side, no way back needed
    expect(arabic.locator("#list")).to_be_visible()
    expect(arabic.locator("#detail")).to_be_visible()
    expect(arabic.locator("#back-to-list")).to_be_hidden()
    _no_sideways_scroll(arabic)
    arabic.locator(f"#item-{item['id']}").click()
    picture(arabic, "ar-1280x720")

    tablet = _rapporteur(browser, faces, "?lang=fr")
    tablet.set_viewport_size({"width": 800, "height": 1000})
    _narrow_checks(tablet, FR, item, "fr-800x1000")
    # a tablet on its side and a small laptop: three columns, none squeezed, the words kept in
    for width, height in [(1024, 768), (1280, 720)]:
        tablet.set_viewport_size({"width": width, "height": height})
        tablet.locator(f"#item-{item['id']}").click()
        _no_sideways_scroll(tablet)
        column = tablet.locator(".col-list").bounding_box()
        button = tablet.locator("#add-open").bounding_box()
        assert column and button and column["width"] > 250, column
        assert (
            column["x"] <= button["x"]
            and button["x"] + button["width"] <= column["x"] + column["width"] + 1
        )
        picture(tablet, f"fr-{width}x{height}")


def test_the_rapporteur_credits_a_speaker_who_is_not_registered_by_their_turn(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Outside probe: none of the demo's panellists is registered (added by name on the
    console), so the rapporteur could not credit the one at the podium. The live segment's
    speakers who are not registered are offered first, the one on the floor chosen; the
    contribution names their turn, and they stay chosen after their turn has ended."""
    segment_id = _start_discussion(faces)
    faces["api"].command(segment_id, {"type": "call_next"}).raise_for_status()
    current = faces["api"].state(segment_id)["state"]["current"]
    assert current["name"] == "Panellist 1" and not current.get("participant_id")

    page = _rapporteur(browser, faces)
    page.get_by_role("button", name=EN["rapporteur.add_open"]).click()
    detail = page.locator("#detail")
    first = detail.locator("#add-author .author-option").first
    expect(first.locator(".author-name")).to_have_text("Panellist 1")
    expect(first.locator(".author-turn")).to_have_text(EN["rapporteur.add_on_floor"])
    expect(first.get_by_role("radio")).to_be_checked()  # the one speaking: the likeliest
    waiting = detail.locator("#add-author .author-option").filter(has_text="Panellist 2")
    expect(waiting.locator(".author-turn")).to_have_text(EN["rapporteur.add_waiting"])
    text = "We pledge ten reception centres by 2026."
    detail.get_by_label(EN["rapporteur.add_text"]).fill(text)
    picture(page, "add-form-guest-en-1440")
    # their turn ends before the rapporteur sends it: still theirs
    faces["api"].command(segment_id, {"type": "end_turn"}).raise_for_status()
    expect(first.locator(".author-turn")).to_have_count(0, timeout=10_000)
    detail.get_by_role("button", name=EN["rapporteur.add_submit"]).click()
    expect(detail.locator("blockquote.current-text")).to_have_text(text)
    stored = _contributions(faces)[-1]
    assert stored["author"]["name"] == "Panellist 1"
    assert stored["author"]["participant_id"] is None
    assert (stored["segment_id"], stored["entry_id"]) == (segment_id, current["id"])
