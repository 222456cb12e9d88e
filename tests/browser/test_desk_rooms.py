"""One hearing in three rooms, set up from the organiser's desk, as an outside probe found it
wanting (its report's items in brackets), in Chromium against a real server: the event picker,
the import's preview, a new link's card and what the desk says name the room (H2); the links just
made stay with their event while the page is open, and leaving with one nobody kept asks first
(M4); another room's programme is copied, its times of day on this event's date, and a row says
its kind (M3); Arabic-Indic digits are read as times (L3); the checklist says why an item is not
ticked (L5); a Print button, and a card printed names its room (L6); the event chosen again while
the desk asks what changed raises nothing (L8).

The words expected are read from the dictionaries (tests/browser/test_desk_languages.py reads
them), so a change of wording changes what these tests expect, not whether they pass.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_desk_languages import AR, EN, fill, shown
from tests.browser.test_desk_setup import (  # noqa: F401 (the fixtures)
    add_segment,
    api,
    choose,
    make_event,
    open_desk,
    segment_row,
    server,
)
from tests.e2e.server import Api, ServerProcess

SHOTS = Path("/tmp/desk-shots")
DAY = "2027-05-17"
NEXT_NIGHT = "2027-05-19T00:30"
NUMBERS = itertools.count()


def shot(page: Page, name: str) -> None:
    """A screenshot to look at (not one of the docs' screenshots)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def three_rooms(client: Api, title: str, **fields: Any) -> list[dict[str, Any]]:
    """One hearing in Rooms A, B and C: three events of one title and date."""
    return [make_event(client, title, room=f"Room {r}", date=DAY, **fields) for r in "ABC"]


def segment(
    client: Api, event: dict[str, Any], title: str, start: str, end: str, **more: Any
) -> None:
    body = {"command_id": f"seg-{next(NUMBERS)}", "title": title, **more}
    body |= {"scheduled_start_at": start, "scheduled_end_at": end}
    client.ok("POST", f"/events/{event['id']}/segments", json=body)


def picked(page: Page, event: dict[str, Any], section: str = "") -> None:
    """Choose `event` in the top bar's picker, wait until the desk shows it, and go back to
    `section` (another event opens on its Event section)."""
    page.locator("#event-select").select_option(event["id"])
    expect(page.locator("#event-meta")).to_contain_text(event["room"])
    if section:
        page.locator(f'.nav-btn[data-section="{section}"]').click()
        expect(page.locator(f"#section-{section}")).to_be_visible()


# --- H2: the rooms told apart -------------------------------------------------------------------


def test_the_picker_the_preview_the_cards_and_the_notices_name_the_room(
    browser: Browser,
    server: ServerProcess,  # noqa: F811
    api: Api,  # noqa: F811
) -> None:
    """The probe's picker listed "IMRF Multi-stakeholder hearing" three times, and imported Room
    B's sheet into Room A: nothing at the moment of acting named the room. The picker names each
    event's room and date, and the preview, a new link's card and the notices name the room."""
    a, b, _ = three_rooms(api, "Three-room hearing")
    page = open_desk(browser, server, b, "participants")
    names = page.locator("#event-select option").all_inner_texts()
    ours = [name for name in names if name.startswith("Three-room hearing")]
    assert ours == [f"Three-room hearing · Room {r} · {DAY}" for r in "ABC"]
    expect(page.locator("#event-select option:checked")).to_have_text(
        f"Three-room hearing · Room B · {DAY}"
    )

    # the import's preview says which room the people go to
    choose(page, "roomB.csv", b"Name,Organisation\nJane Doe,Org B\n")
    heading = page.locator("#import-heading")
    expect(heading).to_contain_text(fill(EN["desk.import.preview_for"], where="Room B"))
    expect(heading).to_contain_text("roomB.csv")
    shot(page, "h2-preview-room")

    # a new link: its card names the event, room and date; the notices name the room
    page.locator('.nav-btn[data-section="links"]').click()
    page.locator("#mint-role").select_option("moderator")
    page.locator("#mint-submit").click()
    card = page.locator(".minted-card")
    expect(card).to_have_count(1)
    expect(card.locator(".minted-event")).to_have_text(f"Three-room hearing · Room B · {DAY}")
    what = EN["identify.console"]
    expect(card).to_have_accessible_name(fill(EN["desk.minted.label"], where="Room B", what=what))
    notices = page.locator("#notices")
    expect(notices).to_contain_text(fill(EN["desk.links.made_for"], where="Room B", what=what))
    card.get_by_role("button", name=EN["desk.door.copy"]).click()
    expect(notices).to_contain_text(fill(EN["desk.door.copied"], title=what, where="Room B"))
    shot(page, "h2-card-room")

    # an event with no room is named by its title
    picked(page, a)
    expect(page.locator("#event-title")).to_have_text("Three-room hearing")
    assert_accessible(page)
    page.context.close()


def test_a_panellist_at_the_same_hour_in_another_room_is_said_in_the_preview(
    browser: Browser,
    server: ServerProcess,  # noqa: F811
    api: Api,  # noqa: F811
) -> None:
    """The probe: Maria Gonzalez on Room A's panel 10:30-12:00 and Room B's 10:20-12:15 of the
    same day, and nothing said. Room B's preview says it of her row, in the event's times, in
    English and in Arabic; the import is not refused for it."""
    a, b, _ = three_rooms(api, "Clash hearing")
    segment(api, a, "Panel A", "10:30", "12:00")
    segment(api, b, "Panel B", "10:20", "12:15")
    header = b"Name,Organisation,Constituency,Panel\n"
    maria = b"Maria Gonzalez,Universidad de Chile,Academia,"
    files = {"file": ("a.csv", header + maria + b"Panel A\n", "text/csv")}
    api.ok("POST", f"/events/{a['id']}/participants/import", files=files)
    for language in ("en", "ar"):
        page = open_desk(browser, server, b, "participants", lang=language)
        choose(page, "roomB.csv", header + maria + b"Panel B\n")
        warning = page.locator("#import-rows .row-elsewhere")
        expect(warning).to_have_count(1)
        said = (EN if language == "en" else AR)["desk.import.elsewhere"].split("{room}")[0]
        expect(warning).to_contain_text(said.strip())
        for part in ("Room A", "Panel A", "10:30", "12:00"):
            expect(warning).to_contain_text(part)
        expect(page.locator("#import-confirm")).to_be_visible()  # a warning: it imports
        shot(page, f"s-clash-{language}")
        page.context.close()


# --- M4: the links just made are not lost ------------------------------------------------------


def test_new_links_stay_with_their_event_and_leaving_before_keeping_them_asks(
    browser: Browser,
    server: ServerProcess,  # noqa: F811
    api: Api,  # noqa: F811
) -> None:
    """The probe made four links for Room B, switched to Room A and back: 4 cards, then 0 (their
    keys are shown only once). The cards come back with their event; leaving the page while one
    was neither copied, opened nor printed asks first."""
    a, b, _ = three_rooms(api, "Kept links hearing")
    page = open_desk(browser, server, a, "links")
    for role in ("moderator", "display"):
        page.locator("#mint-role").select_option(role)
        page.locator("#mint-submit").click()
        expect(page.locator(f'.minted-card[data-role="{role}"]')).to_be_visible()
    picked(page, b, "links")
    expect(page.locator(".minted-card")).to_have_count(0)  # Room A's keys are not Room B's
    page.locator("#mint-role").select_option("booth")
    page.locator("#mint-submit").click()
    expect(page.locator(".minted-card")).to_have_count(1)
    picked(page, a, "links")
    cards = page.locator(".minted-card")
    expect(cards).to_have_count(2)
    expect(cards.locator(".minted-event").first).to_contain_text("Room A")
    shot(page, "m4-cards-back")

    # leaving now asks: the keys were neither copied nor printed
    dialogs: list[str] = []

    def stay(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.close(run_before_unload=True)
    expect(page.locator("#desk")).to_be_visible()  # still here
    assert dialogs == ["beforeunload"]

    # Room A's printed, Room B's copied: leaving asks no more
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    picked(page, b, "links")
    page.locator(".minted-card").get_by_role("button", name=EN["desk.door.copy"]).click()
    copied = fill(EN["desk.door.copied"], title=EN["identify.booth"], where="Room B")
    expect(page.locator("#notices")).to_contain_text(copied)
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert dialogs == ["beforeunload"]


# --- M3: a programme copied from another room --------------------------------------------------


def test_another_rooms_programme_is_copied_at_the_same_times_on_this_events_date(
    browser: Browser,
    server: ServerProcess,  # noqa: F811
    api: Api,  # noqa: F811
) -> None:
    """The probe typed each room's programme from scratch (about 180 characters a room), and its
    Room C lunch was left a discussion. Room A's programme is copied into Room B, on another
    date: the same titles, kinds, aims, moderators and times of day, after Room B's own; each row
    shows its kind, and a break says it takes no floor requests."""
    a = make_event(api, "Copied hearing", room="Room A", date=DAY)
    b = make_event(api, "Copied hearing", room="Room B", date="2027-05-18")
    segment(api, a, "Opening", f"{DAY}T10:00", f"{DAY}T10:30", kind="opening", moderator="Chair")
    segment(api, a, "Lunch", f"{DAY}T13:00", f"{DAY}T14:30", kind="break")
    segment(api, a, "Night drafting", f"{DAY}T23:00", "2027-05-18T00:30", aim="A text by dawn")
    segment(api, b, "Welcome", "09:00", "09:30")
    page = open_desk(browser, server, b, "programme")
    expect(page.locator("#programme-rows tr")).to_have_count(1)
    source = f"Copied hearing · Room A · {DAY}"
    page.get_by_label(EN["desk.copy.from"], exact=True).select_option(label=source)
    page.get_by_role("button", name=EN["desk.copy.submit"]).click()
    # Room B has a programme already: asked first, the copy goes after it
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text(fill(EN["desk.copy.confirm_text"], where="Room B"))
    shot(page, "m3-copy-confirm")
    dialog.get_by_role("button", name=EN["desk.copy.confirm_ok"]).click()
    done = fill(EN["desk.copy.done#other"], n=3, where="Room B", **{"from": source})
    expect(page.locator("#copy-status")).to_have_text(done)
    rows = page.locator("#programme-rows tr")
    expect(rows).to_have_count(4)
    expect(segment_row(page, "Lunch").locator(".seg-kind")).to_have_text(
        EN["desk.programme.kind_break"]
    )
    expect(segment_row(page, "Opening").locator(".seg-kind")).to_have_text(
        EN["desk.segment_kind.opening"]
    )
    expect(segment_row(page, "Welcome").locator(".seg-kind")).to_have_text(
        EN["desk.segment_kind.discussion"]
    )
    expect(segment_row(page, "Night drafting").locator(".seg-later")).to_have_text("+1 day")
    shot(page, "m3-copied")

    copied = api.ok("GET", f"/events/{b['id']}")["segments"]
    assert [
        (
            s["title"],
            s["kind"],
            s["moderator"],
            s["aim"],
            s["scheduled_start_at_local"][:16],
            s["scheduled_end_at_local"][:16],
        )
        for s in copied
    ] == [
        ("Welcome", "discussion", "", "", "2027-05-18T09:00", "2027-05-18T09:30"),
        ("Opening", "opening", "Chair", "", "2027-05-18T10:00", "2027-05-18T10:30"),
        ("Lunch", "break", "", "", "2027-05-18T13:00", "2027-05-18T14:30"),
        (
            "Night drafting",
            "discussion",
            "",
            "A text by dawn",
            "2027-05-18T23:00",
            "2027-05-19T00:30",
        ),
    ]
    assert not any(s["timing_problem"] for s in copied)
    assert_accessible(page)
    page.context.close()


def test_the_copy_in_arabic(
    browser: Browser,
    server: ServerProcess,  # noqa: F811
    api: Api,  # noqa: F811
) -> None:
    """The same copy on an Arabic desk: its words are Arabic, the rooms' names kept whole."""
    a = make_event(api, "جلسة الاستماع", room="القاعة أ", date=DAY)
    b = make_event(api, "جلسة الاستماع", room="القاعة ب", date=DAY)
    segment(api, a, "الافتتاح", "10:00", "10:30", kind="opening")
    segment(api, a, "استراحة الغداء", "13:00", "14:00", kind="break")
    page = open_desk(browser, server, b, "programme", lang="ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_label(AR["desk.copy.from"], exact=True).select_option(a["id"])
    page.get_by_role("button", name=AR["desk.copy.submit"]).click()
    source = page.locator("#copy-from option:checked").inner_text()
    done = fill(AR["desk.copy.done#two"], where="القاعة ب", **{"from": source})
    expect(page.locator("#copy-status")).to_have_text(shown(done))
    expect(page.locator("#programme-rows tr")).to_have_count(2)
    expect(segment_row(page, "استراحة الغداء").locator(".seg-kind")).to_have_text(
        AR["desk.programme.kind_break"]
    )
    shot(page, "m3-copied-ar")
    page.locator('.nav-btn[data-section="links"]').click()
    page.locator("#mint-role").select_option("display")
    page.locator("#mint-submit").click()
    expect(page.locator(".minted-card .minted-event")).to_have_text(
        f"جلسة الاستماع · القاعة ب · {DAY}"
    )
    shot(page, "h2-card-ar")
    page.context.close()


# --- L3: Arabic-Indic digits --------------------------------------------------------------------


def test_arabic_indic_digits_are_read_as_times(
    browser: Browser,
    server: ServerProcess,  # noqa: F811
    api: Api,  # noqa: F811
) -> None:
    """The probe's Arabic desk refused 10:00 typed in Arabic-Indic digits with "write each time
    … 09:30", not saying that Western digits were needed. Arabic-Indic (and Persian) digits are
    read as 0-9."""
    event = make_event(api, "جلسة الأرقام", date=DAY)
    page = open_desk(browser, server, event, "programme", lang="ar")
    add_segment(page, "الافتتاح", "\u0661\u0660:\u0660\u0660", "\u06f1\u06f0:\u06f3\u06f0")
    page.locator("#segment-title").focus()  # the end field left: shown as it is read
    expect(page.locator("#segment-end")).to_have_value("10:30")
    page.get_by_role("button", name=AR["desk.segment.add"]).click()
    expect(page.locator("#segment-status")).to_have_text(
        shown(fill(AR["desk.segment.added"], title="الافتتاح"))
    )
    (made,) = api.ok("GET", f"/events/{event['id']}")["segments"]
    assert made["scheduled_start_at_local"][:16] == f"{DAY}T10:00"
    assert made["scheduled_end_at_local"][:16] == f"{DAY}T10:30"
    page.context.close()


# --- L5: why an item is not ticked --------------------------------------------------------------


def test_the_checklist_says_why_the_programme_is_not_ready(
    browser: Browser,
    server: ServerProcess,  # noqa: F811
    api: Api,  # noqa: F811
) -> None:
    """The probe's checklist left "The programme" unticked over an overlap, and said nothing of
    which segment. It says why: no segment yet, or the segments whose times are to fix."""
    event = make_event(api, "Checklist hearing", date=DAY)
    page = open_desk(browser, server, event, "programme")
    item = page.locator("#checklist li").filter(has_text=EN["desk.checklist.programme"])
    expect(item).to_have_attribute("data-done", "false")
    expect(item.locator(".checklist-why")).to_have_text(EN["desk.checklist.why.no_segment"])
    segment(api, event, "Panel one", "10:00", "11:00")
    segment(api, event, "Panel two", "10:30", "11:30")
    timing = fill(EN["desk.checklist.why.timing"], segments="Panel two")
    expect(item.locator(".checklist-why")).to_have_text(timing, timeout=10_000)  # the desk polls
    shot(page, "l5-checklist-why")
    add_segment(page, "Panel three", "11:30", "12:00")
    page.get_by_role("button", name=EN["desk.segment.add"]).click()
    expect(segment_row(page, "Panel three")).to_be_visible()
    row = segment_row(page, "Panel two")
    row.get_by_role("button", name=re.compile(EN["desk.programme.change"])).click()
    page.locator("#segment-start").fill("11:00")
    page.locator("#segment-end").fill("11:30")
    page.get_by_role("button", name=EN["desk.segment.save"]).click()
    expect(item).to_have_attribute("data-done", "true")
    expect(item.locator(".checklist-why")).to_have_count(0)
    page.context.close()


# --- L6: Print, and each card printed names its room -------------------------------------------


def test_the_links_print_from_a_button_and_each_card_names_its_room(
    browser: Browser,
    server: ServerProcess,  # noqa: F811
    api: Api,  # noqa: F811
) -> None:
    """The probe printed with Ctrl+P, and the room was only in page 1's header. A Print button
    prints the cards, and each card names the event, its room and date."""
    _, b, _ = three_rooms(api, "Printed rooms hearing")
    page = open_desk(browser, server, b, "links")
    for role in ("display", "moderator", "booth"):
        page.locator("#mint-role").select_option(role)
        page.locator("#mint-submit").click()
        expect(page.locator(f'.minted-card[data-role="{role}"]')).to_be_visible()
    page.evaluate("() => { window.print = () => { document.body.dataset.printed = 'yes'; }; }")
    page.get_by_role("button", name=EN["desk.links.print_cards"]).click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    expect(page.get_by_role("button", name=EN["desk.links.print_cards"])).to_be_hidden()
    rooms = page.locator(".minted-card .minted-event")
    expect(rooms).to_have_count(3)
    for each in rooms.all():
        expect(each).to_be_visible()
        expect(each).to_have_text(f"Printed rooms hearing · Room B · {DAY}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "l6-print-rooms.png"), full_page=True)
    page.context.close()


# --- L8: the event chosen again while the desk asks what changed ------------------------------


def held_until(page: Page, held: list[Route], count: int, failure: str) -> None:
    """Until `count` requests are held (the page's own timers run meanwhile)."""
    for _ in range(100):
        if len(held) >= count:
            break
        page.wait_for_timeout(50)
    assert len(held) == count, failure


def test_the_event_chosen_again_while_the_desk_asks_what_changed_raises_nothing(
    browser: Browser,
    server: ServerProcess,  # noqa: F811
    api: Api,  # noqa: F811
) -> None:
    """The probe saw "Cannot read properties of null (reading 'event')" at organiser/sync.js: the
    event chosen again (its tokens read anew) while a question about what changed was under
    way."""
    event = make_event(api, "Asked again hearing", date=DAY)
    page = open_desk(browser, server, event, "event")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    expect(page.locator("#checklist li")).to_have_count(6)
    held: list[Route] = []
    page.route(re.compile(r".*/revisions$"), lambda route: held.append(route))
    page.locator('.nav-btn[data-section="programme"]').click()  # asks what changed
    held_until(page, held, 1, "the desk did not ask")
    page.evaluate("id => { window.organiserDesk.selectEvent(id); }", event["id"])
    held_until(page, held, 2, "the event's tokens were not read again")
    held[0].continue_()  # the first question's answer arrives while the tokens are read anew
    page.wait_for_timeout(500)
    held[1].continue_()
    page.unroute(re.compile(r".*/revisions$"))
    page.wait_for_timeout(500)
    assert errors == []
    page.context.close()
