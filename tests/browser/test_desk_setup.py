"""Setting a hearing up on the organiser's desk, as an outside probe of the desk found it wanting
(its report's items in brackets), in Chromium against a real server: a segment that runs past
midnight (M1), one left on the old date when the event's date changed (M2), a refused add that
must not keep saying "Added" (L9), examples that read as examples (L7), an import's preview that
says which columns it read and which it left alone (M7) and how many rows it draws (L3), lists in
the page's language (L5), a search that finds José as "Jose" (L4), and the new links' cards as
they print (L6).

The words expected are read from the dictionaries (tests/browser/test_desk_languages.py reads
them), so a change of wording changes what these tests expect, not whether they pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_desk_languages import AR, EN, FR, fill
from tests.e2e.server import ORGANISER_KEY, Api, ServerProcess

HD: ViewportSize = {"width": 1280, "height": 720}
SHOTS = Path("/tmp/desk-shots")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server on an empty database for the module; each test makes its own event."""
    folder = tmp_path_factory.mktemp("desk-setup")
    process = ServerProcess(f"sqlite:///{folder / 'desk.db'}", folder / "server.log")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def api(server: ServerProcess) -> Api:
    return Api(server.base)


def shot(page: Page, name: str) -> None:
    """A screenshot to look at (not one of the docs' screenshots)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def make_event(api: Api, title: str, **fields: Any) -> dict[str, Any]:
    body = {"title": title, "timezone": "America/New_York", "date": "2026-05-18", **fields}
    event: dict[str, Any] = api.ok("POST", "/events", json=body)
    return event


def open_desk(
    browser: Browser,
    server: ServerProcess,
    event: dict[str, Any] | None,
    section: str,
    **query: str,
) -> Page:
    """The desk on `event`'s `section` (the real CSP: the tests wait with locators only)."""
    context = browser.new_context(viewport=HD, locale="en-GB")
    page = context.new_page()
    params = "&".join(f"{k}={v}" for k, v in {"section": section, **query}.items())
    if event is not None:
        params += f"&event={event['id']}"
    page.goto(f"{server.base}/organiser?{params}#key={ORGANISER_KEY}")
    expect(page.locator(f"#section-{section}")).to_be_visible()
    return page


def add_segment(page: Page, title: str, start: str, end: str) -> None:
    page.locator("#segment-title").fill(title)
    page.locator("#segment-start").fill(start)
    page.locator("#segment-end").fill(end)


def choose(page: Page, name: str, data: bytes) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator("#import-choose").click()
    chooser.value.set_files({"name": name, "mimeType": "text/csv", "buffer": data})


def segment_row(page: Page, title: str) -> Locator:
    return page.locator("#programme-rows tr").filter(has_text=title)


# --- the programme ----------------------------------------------------------------------------


def test_a_segment_past_midnight_ends_the_next_day_and_a_refusal_replaces_added(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The probe typed 23:00 to 01:00 and was refused, with no date field to follow the advice,
    while the form still said "Added: Closing remarks". The form now says the end is not after
    the start and offers "Ends the next day"; ticked, the segment is saved ending at 01:00 the
    next day, and its row says +1 day (in its Change form too, the box is ticked)."""
    event = make_event(api, "Night session hearing")
    page = open_desk(browser, server, event, "programme")
    status = page.locator("#segment-status")
    add_segment(page, "Closing remarks", "17:00", "17:30")
    page.get_by_role("button", name=EN["desk.segment.add"]).click()
    expect(status).to_have_text(fill(EN["desk.segment.added"], title="Closing remarks"))

    add_segment(page, "Night drafting session", "23:00", "01:00")
    next_day = page.get_by_label(fill(EN["desk.segment.next_day"], date="2026-05-19"))
    expect(next_day).to_be_visible()
    expect(next_day).not_to_be_checked()
    note = page.locator("#segment-time-note")
    expect(note).to_have_text(EN["desk.segment.end_not_after_start"])
    # sent as typed, unticked: the server refuses it, and the line says so, not "Added"
    page.get_by_role("button", name=EN["desk.segment.add"]).click()
    expect(status).to_contain_text(fill(EN["desk.segment.not_added"], message=""))
    expect(status).not_to_contain_text("Added: Closing remarks")
    shot(page, "m1-refused-unticked")

    next_day.check()
    expect(note).to_have_text(fill(EN["desk.segment.ends_on"], date="2026-05-19", time="01:00"))
    shot(page, "m1-next-day-ticked")
    page.get_by_role("button", name=EN["desk.segment.add"]).click()
    expect(status).to_have_text(fill(EN["desk.segment.added"], title="Night drafting session"))
    row = segment_row(page, "Night drafting session")
    expect(row.locator(".seg-time")).to_have_text("23:00\u201301:00")
    expect(row.locator(".seg-later")).to_have_text("+1 day")
    expect(segment_row(page, "Closing remarks").locator(".seg-later")).to_have_count(0)
    night = next(
        s for s in api.ok("GET", f"/events/{event['id']}/segments") if "Night" in s["title"]
    )
    assert (night["scheduled_start_at_local"], night["scheduled_end_at_local"]) == (
        "2026-05-18T23:00:00-04:00",
        "2026-05-19T01:00:00-04:00",
    )
    shot(page, "m1-plus-one-day")
    assert_accessible(page)

    # its Change form keeps the next day, and saving keeps it there
    row.get_by_role(
        "button", name=fill(EN["desk.programme.change_label"], name="Night drafting session")
    ).click()
    expect(next_day).to_be_checked()
    page.locator("#segment-end").fill("01:30")
    page.get_by_role("button", name=EN["desk.segment.save"]).click()
    expect(status).to_have_text(fill(EN["desk.segment.saved"], title="Night drafting session"))
    expect(row.locator(".seg-time")).to_have_text("23:00\u201301:30")
    expect(row.locator(".seg-later")).to_have_text("+1 day")
    page.context.close()


def test_a_start_typed_past_midnight_after_a_night_session_is_that_nights(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """Outside probe: after a night session ending at 01:00, "01:15" was saved 24 hours before
    the session (on the event's date), and the row's warning then read "Starts before 'Night
    drafting' above it (00:45)". A start typed past midnight soon after the programme's end is
    that night's, as the hard stop is read, and the hint says so; a warning between two days
    names their dates."""
    event = make_event(api, "Night start hearing")
    for title, start, end in (
        ("Closing remarks", "2026-05-18T17:00", "2026-05-18T17:30"),
        ("Night drafting", "2026-05-18T23:00", "2026-05-19T01:00"),
    ):
        api.ok(
            "POST",
            f"/events/{event['id']}/segments",
            json={
                "title": title,
                "command_id": f"night-{start}",
                "scheduled_start_at": start,
                "scheduled_end_at": end,
            },
        )
    page = open_desk(browser, server, event, "programme")
    add_segment(page, "Small hours", "01:15", "02:00")
    expect(page.locator("#segment-time-hint")).to_have_text(
        fill(
            EN["desk.segment.time_hint_tonight"],
            timezone="America/New_York",
            date="2026-05-19",
            event_date="2026-05-18",
        )
    )
    page.get_by_role("button", name=EN["desk.segment.add"]).click()
    expect(page.locator("#segment-status")).to_have_text(
        fill(EN["desk.segment.added"], title="Small hours")
    )
    small = next(
        s for s in api.ok("GET", f"/events/{event['id']}/segments") if s["title"] == "Small hours"
    )
    assert (small["scheduled_start_at_local"], small["scheduled_end_at_local"]) == (
        "2026-05-19T01:15:00-04:00",
        "2026-05-19T02:00:00-04:00",
    )
    expect(segment_row(page, "Small hours").locator(".seg-warning")).to_have_count(0)
    # "09:00" before the day's first start stays the event's morning
    add_segment(page, "Morning", "09:00", "09:30")
    expect(page.locator("#segment-time-hint")).to_have_text(
        fill(EN["desk.segment.time_hint"], timezone="America/New_York", date="2026-05-18")
    )
    # a segment listed after the night's, on the event's date: its warning names both days
    api.ok(
        "POST",
        f"/events/{event['id']}/segments",
        json={
            "title": "Forgotten",
            "command_id": "forgotten",
            "scheduled_start_at": "2026-05-18T03:00",
            "scheduled_end_at": "2026-05-18T03:30",
        },
    )
    page.reload()
    warning = segment_row(page, "Forgotten").locator(".seg-warning")
    expect(warning).to_contain_text("\u201cSmall hours\u201d")
    expect(warning).to_contain_text("May 19, 01:15")
    shot(page, "night-start")
    page.context.close()


def test_the_time_fields_are_24_hour_in_an_american_browser_and_read_what_people_type(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """Outside probes: the desk's time fields followed the browser's locale, "10:30 AM" and
    "01:15 PM" on an American laptop, where every other time of the hearing is 24-hour. They are
    24-hour text now: "930" reads as 09:30 and "17" as 17:00 once the field is left; what is no
    time of day is said in words, and nothing is sent."""
    event = make_event(api, "Twenty-four hours")
    context = browser.new_context(viewport=HD, locale="en-US", timezone_id="America/New_York")
    page = context.new_page()
    page.goto(f"{server.base}/organiser?section=programme&event={event['id']}#key={ORGANISER_KEY}")
    expect(page.locator("#section-programme")).to_be_visible()
    status = page.locator("#segment-status")
    add_segment(page, "Opening", "25:00", "17")
    page.get_by_role("button", name=EN["desk.segment.add"]).click()
    expect(status).to_have_text(EN["desk.segment.time_invalid"])
    expect(page.locator("#segment-start")).to_be_focused()
    expect(page.locator("#segment-start")).to_have_attribute("aria-invalid", "true")
    assert api.ok("GET", f"/events/{event['id']}/segments") == []
    page.locator("#segment-start").fill("930")
    page.locator("#segment-end").focus()
    expect(page.locator("#segment-start")).to_have_value("09:30")
    page.locator("#segment-end").blur()
    expect(page.locator("#segment-end")).to_have_value("17:00")
    page.get_by_role("button", name=EN["desk.segment.add"]).click()
    expect(status).to_have_text(fill(EN["desk.segment.added"], title="Opening"))
    (made,) = api.ok("GET", f"/events/{event['id']}/segments")
    assert made["scheduled_start_at_local"][11:16] == "09:30"
    assert made["scheduled_end_at_local"][11:16] == "17:00"
    row = segment_row(page, "Opening")
    expect(row.locator(".seg-time")).to_have_text("09:30\u201317:00")
    row.get_by_role("button", name=fill(EN["desk.programme.change_label"], name="Opening")).click()
    expect(page.locator("#segment-start")).to_have_value("09:30")  # not "09:30 AM"
    shot(page, "time-fields-24-hour")
    context.close()


def test_a_segment_left_on_the_old_date_shows_it_and_its_change_puts_it_right(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The probe moved the event to the next day without moving the programme: the row read
    10:00-10:30 with no sign that it was still on the old date, the checklist ticked the
    programme, and the Change form's hint named the new date while saving kept the old one. The
    row now shows its date and the server's warning; the Change form says on which date the
    times land and offers (ticked) to put it on the event's date."""
    event = make_event(api, "Moved hearing")
    api.ok(
        "POST",
        f"/events/{event['id']}/segments",
        json={"title": "Opening segment", "command_id": "open",
              "scheduled_start_at": "10:00", "scheduled_end_at": "10:30"},
    )  # fmt: skip
    api.ok("PATCH", f"/events/{event['id']}", json={"date": "2026-05-19"})  # not moved
    page = open_desk(browser, server, event, "programme")
    row = segment_row(page, "Opening segment")
    expect(row.locator(".seg-date")).to_have_text("2026-05-18")
    warning = fill(
        EN["desk.programme.timing.not_on_event_day"], date="2026-05-18", event_date="2026-05-19"
    )
    expect(row.locator(".seg-warning")).to_have_text(warning)
    programme_item = page.locator("#checklist li").filter(has_text=EN["desk.checklist.programme"])
    expect(programme_item).to_have_attribute("data-done", "false")
    shot(page, "m2-row-on-old-date")

    row.get_by_role(
        "button", name=fill(EN["desk.programme.change_label"], name="Opening segment")
    ).click()
    to_event_day = page.get_by_label(fill(EN["desk.segment.to_event_day"], date="2026-05-19"))
    expect(to_event_day).to_be_checked()
    hint = page.locator("#segment-time-hint")
    zone = "America/New_York"
    expect(hint).to_have_text(fill(EN["desk.segment.time_hint"], timezone=zone, date="2026-05-19"))
    to_event_day.uncheck()  # kept on its own date: the hint says so
    expect(hint).to_have_text(
        fill(
            EN["desk.segment.time_hint_other_day"],
            timezone=zone,
            date="2026-05-18",
            event_date="2026-05-19",
        )
    )
    shot(page, "m2-change-form-unticked")
    assert_accessible(page)
    to_event_day.check()
    page.locator("#segment-start").fill("11:00")
    page.locator("#segment-end").fill("11:30")
    page.get_by_role("button", name=EN["desk.segment.save"]).click()
    expect(row.locator(".seg-time")).to_have_text("11:00\u201311:30")
    expect(row.locator(".seg-date")).to_have_count(0)
    expect(row.locator(".seg-warning")).to_have_count(0)
    expect(programme_item).to_have_attribute("data-done", "true")
    (segment,) = api.ok("GET", f"/events/{event['id']}/segments")
    assert segment["scheduled_start_at_local"] == "2026-05-19T11:00:00-04:00"
    page.context.close()


# --- the event -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_new_events_venue_and_room_read_as_examples(
    browser: Browser, server: ServerProcess, language: str
) -> None:
    """The probe took the grey "Conference Room 4" of a new event for a value and created an
    event with no room. The examples now say they are examples."""
    words = {"en": EN, "fr": FR}[language]
    page = open_desk(browser, server, None, "event", lang=language)
    page.locator("#event-new").click()
    expect(page.locator("#event-form-venue")).to_have_attribute(
        "placeholder", words["desk.event.venue_placeholder"]
    )
    expect(page.locator("#event-form-room")).to_have_attribute(
        "placeholder", words["desk.event.room_placeholder"]
    )
    assert words["desk.event.room_placeholder"].startswith(("e.g. ", "p. ex. "))
    if language == "en":
        shot(page, "l7-new-event")
    page.context.close()


# --- the participants --------------------------------------------------------------------------


def test_the_import_preview_names_the_columns_it_read_and_the_ones_it_left(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The probe's list of Member State delegates had a Country column and no Organisation: the
    preview said every row could be imported, and the countries were lost without a word. The
    preview now says which column each field was read from and which columns were left alone."""
    event = make_event(api, "Columns hearing")
    page = open_desk(browser, server, event, "participants")
    data = (
        b"Name,Country,Stakeholder group,Speaking language,Email\n"
        b"Ana Ruiz,Spain,Member State,Spanish,ana@example.org\n"
        b"Li Wei,China,Member State,Chinese,li@example.org\n"
    )
    choose(page, "country-column.csv", data)
    ignored = page.locator("#import-columns-ignored")
    expect(ignored).to_have_text(fill(EN["desk.import.columns_ignored"], columns="Country, Email"))
    expect(ignored).to_be_visible()
    read = [
        "Name",
        fill(EN["desk.import.column_as"], header="Stakeholder group", field="Constituency"),
        fill(EN["desk.import.column_as"], header="Speaking language", field="Language"),
    ]
    expect(page.locator("#import-columns-read")).to_have_text(
        fill(EN["desk.import.columns_read"], columns=", ".join(read))
    )
    expect(page.locator("#import-shown")).to_be_hidden()  # every row is drawn
    # no Attendance column: what both rows will be registered as is said before the import
    # (outside probe H: "In the room" came back in the export as if the file had said it)
    assumed = page.locator("#import-assumed li")
    expect(assumed).to_have_count(1)
    expect(assumed).to_have_text(
        fill(EN["desk.import.assumed.attendance#other"], n=2, rows="2, 3", value="In the room")
    )
    shot(page, "m7-columns")
    page.context.close()


def test_a_long_preview_says_how_many_of_its_rows_it_shows(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """1,500 rows: the preview draws 500, the refused ones first, and says so."""
    event = make_event(api, "Long list hearing")
    page = open_desk(browser, server, event, "participants")
    lines = ["Name,Organisation,Constituency"]
    lines += [f"Speaker {n:04d},Organisation {n},Civil society" for n in range(1, 1501)]
    choose(page, "big-1500.csv", ("\n".join(lines) + "\n").encode())
    expect(page.locator("#import-shown")).to_have_text(
        fill(EN["desk.import.shown"], shown="500", count="1,500")
    )
    expect(page.locator("#import-rows tr")).to_have_count(500)
    page.context.close()


def test_the_arabic_preview_lists_with_the_arabic_comma(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The probe: an Arabic desk listed the known constituencies with Latin commas."""
    event = make_event(api, "Arabic list hearing")
    page = open_desk(browser, server, event, "participants", lang="ar")
    data = "Name,Organisation,Constituency,Notes\nAna Ruiz,Cáritas,Civil societies,x\n".encode()
    choose(page, "speakers.csv", data)
    problems = page.locator("#import-rows .problems")
    first, second = (
        AR["constituency.migrant_association"],
        AR["constituency.local_and_regional_authorities"],
    )
    expect(problems).to_contain_text(f"{first}، {second}")
    expect(problems).not_to_contain_text(f"{first}, ")
    expect(page.locator("#import-columns-ignored")).to_contain_text("Notes")
    shot(page, "l5-arabic-preview")
    page.context.close()


def test_the_search_finds_names_without_their_accents_or_curly_apostrophes(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The probe: "Jose" found nothing although José Müller-Lüdenscheid is registered, and
    "O\u2019Brien" (as a phone or autocorrect types it) did not find John O'Brien."""
    event = make_event(api, "Search hearing")
    data = (
        "Name,Organisation,Constituency\n"
        "José Müller-Lüdenscheid,Universität Bonn,Academia\n"
        "John O'Brien,Mission of Ireland,Member State\n"
        "Aïssatou N\u2019Diaye,Réseau Migrants,Civil society\n"
    ).encode()
    api.ok(
        "POST",
        f"/events/{event['id']}/participants/import",
        files={"file": ("list.csv", data, "text/csv")},
    )
    page = open_desk(browser, server, event, "participants")
    rows = page.locator("#participants-rows tr")
    expect(rows).to_have_count(3)
    search = page.locator("#participants-search")
    for query, found in (
        ("Jose", "José Müller-Lüdenscheid"),
        ("muller-ludenscheid", "José Müller-Lüdenscheid"),
        ("O\u2019Brien", "John O'Brien"),
        ("o'brien", "John O'Brien"),
        ("N'Diaye", "Aïssatou N\u2019Diaye"),
        ("aissatou", "Aïssatou N\u2019Diaye"),
    ):
        search.fill(query)
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(found)
    page.context.close()


# --- access links ---------------------------------------------------------------------------


def test_the_new_links_print_as_cards_under_the_events_title(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The probe printed the links it had made: the nav and checklist came out, the event's name
    and date did not, a QR code was split across two pages, and the keys were grey. Printed now:
    the event's title and date, then the cards only, each whole, the links in black."""
    event = make_event(api, "Printed links hearing", room="Conference Room 4")
    page = open_desk(browser, server, event, "links")
    for role in ("display", "moderator", "booth"):
        page.locator("#mint-role").select_option(role)
        page.get_by_role("button", name=EN["desk.links.make"]).click()
        expect(page.locator(f'.minted-card[data-role="{role}"]')).to_be_visible()
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi: a page's width
    expect(page.locator(".desk-nav")).to_be_hidden()
    expect(page.locator("#mint-form")).to_be_hidden()
    expect(page.locator(".links-panel")).to_be_hidden()
    expect(page.locator(".brand")).to_be_hidden()
    expect(page.locator("#event-title")).to_have_text("Printed links hearing")
    expect(page.locator("#event-title")).to_be_visible()
    expect(page.locator("#event-meta")).to_contain_text("2026-05-18")
    expect(page.locator(".minted-card")).to_have_count(3)
    styles = page.locator(".minted-card").first.evaluate(
        "card => [getComputedStyle(card).breakInside,"
        " getComputedStyle(card.querySelector('.minted-url')).color]"
    )
    assert styles == ["avoid", "rgb(0, 0, 0)"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(SHOTS / "l6-links-print.pdf"), format="A4")
    page.screenshot(path=str(SHOTS / "l6-links-print.png"), full_page=True)
    page.context.close()


def test_a_link_lasts_until_the_day_after_the_event_unless_told_and_a_short_one_warns(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The probe made the room display's link a month before the hearing with the default
    expiry, "In 1 day": dead on the day, and nothing said so. The default is now the end of the
    day after the event; a link made to expire before the event's day is over says so on its card
    and in the list, and the checklist does not count it."""
    day = (datetime.now(UTC) + timedelta(days=30)).date()
    event = make_event(api, "Next month's hearing", date=day.isoformat())
    page = open_desk(browser, server, event, "links")
    expiry = page.locator("#mint-expiry")
    expect(expiry).to_have_value("event")
    default = page.locator("#mint-expiry-event")
    expect(default).to_have_text(re.compile(r"^Until the day after the event \(.+, 23:59\)$"))
    page.locator("#mint-role").select_option("display")
    print_button = page.locator("#links-print")
    expect(print_button).to_have_text(EN["desk.links.print"])  # no card: the list is printed
    page.get_by_role("button", name=EN["desk.links.make"]).click()
    display_card = page.locator('.minted-card[data-role="display"]')
    expect(display_card).to_be_visible()
    expect(print_button).to_have_text(EN["desk.links.print_cards"])
    expect(display_card.locator(".minted-warning")).to_have_count(0)
    made = api.ok("GET", f"/events/{event['id']}/access-links")
    assert [link["expires_at"] for link in made] == [event["link_expiry_default_at"]]

    expiry.select_option(label=EN["desk.expiry.four_hours"])
    page.locator("#mint-role").select_option("moderator")
    page.get_by_role("button", name=EN["desk.links.make"]).click()
    moderator_card = page.locator('.minted-card[data-role="moderator"]')
    when = default.inner_text().removeprefix("Until the day after the event (").removesuffix(")")
    warning = fill(EN["desk.links.before_event"], when=when)
    expect(moderator_card.locator(".minted-warning")).to_have_text(warning)
    rows = page.locator("#links-rows tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=EN["desk.links.before_event_tag"])).to_have_count(1)
    checklist = page.locator("#checklist li")
    expect(checklist.filter(has_text=EN["desk.checklist.display_link"])).to_have_attribute(
        "data-done", "true"
    )
    expect(checklist.filter(has_text=EN["desk.checklist.moderator_link"])).to_have_attribute(
        "data-done", "false"
    )
    shot(page, "h2-links-warning")
    assert_accessible(page)
    page.context.close()


def test_revoking_a_helpers_link_names_and_revokes_the_links_made_with_it(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """An organiser link handed to a helper for the set-up made the console's link. The list
    says which link each was made with; revoking the helper's link says, before and after,
    that the console's goes with it, as the server decides (outside probe B: it stayed live)."""
    event = make_event(api, "A helper's links")
    links = f"/events/{event['id']}/access-links"
    helper = api.ok("POST", links, json={"role": "organiser", "label": "Helper"})
    helped = Api(server.base, helper["token"])
    helped.ok("POST", links, json={"role": "moderator", "label": "Podium laptop"})
    api.ok("POST", links, json={"role": "display", "label": "Screen left"})
    page = open_desk(browser, server, event, "links")
    console = page.locator("#links-rows tr").filter(has_text="Podium laptop")
    helper_name = fill(
        EN["desk.links.role_and_label"], role=EN["identify.organiser"], label="Helper"
    )
    expect(console.locator(".link-maker")).to_have_text(
        fill(EN["desk.links.made_with"], what=helper_name)
    )
    screen = page.locator("#links-rows tr").filter(has_text="Screen left")
    expect(screen.locator(".link-maker")).to_have_count(0)
    row = (
        page.locator("#links-rows tr")
        .filter(has_text="Helper")
        .filter(has_not_text="Podium laptop")
    )
    row.get_by_role("button", name=EN["desk.links.revoke"]).click()
    console_name = fill(
        EN["desk.links.role_and_label"], role=EN["identify.console"], label="Podium laptop"
    )
    expect(page.locator("#confirm-text")).to_contain_text(
        fill(EN["desk.links.revoke_too#one"], names=console_name)
    )
    shot(page, "links-revoke-made-with")
    page.locator("#confirm-ok").click()
    expect(console.locator(".state-tag").first).to_have_text(EN["desk.link_state.revoked"])
    expect(screen.locator(".state-tag").first).to_have_text(EN["desk.link_state.active"])
    expect(page.locator(".notice").last).to_contain_text(
        fill(EN["desk.links.revoked_with#one"], what=helper_name)
    )
    page.context.close()


def test_revoking_a_helpers_link_names_the_phones_it_signed_in(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The helper's desk handed out phone links (and registered a walk-in) while the organiser's
    desk was open: revoking the helper's link says, before and after, whose phone links stop
    working with it, by name, read from the server as the button is pressed."""
    event = make_event(api, "A helper's phone links")
    links = f"/events/{event['id']}/access-links"
    helper = api.ok("POST", links, json={"role": "organiser", "label": "Helper"})
    page = open_desk(browser, server, event, "links")
    expect(page.locator("#links-rows tr").filter(has_text="Helper")).to_have_count(1)
    # made after the desk read the list: its confirmation must name them all the same
    helped = Api(server.base, helper["token"])
    people = f"/events/{event['id']}/participants"
    names = ["Amina Diallo", "Bruno Silva", "Chen Jie", "Dilnoza Karimova", "Emeka Obi"]
    for name in names:
        body = {"name": name, "organisation": "IOM", "constituency": "un_system"}
        person = api.ok("POST", people, json=body)["participant"]
        helped.ok("POST", f"/participants/{person['id']}/phone-link")
    walk_in = {"name": "Farah Haddad", "organisation": "UNHCR", "constituency": "un_system"}
    helped.ok("POST", people, json=walk_in)

    page.locator("#links-rows tr").filter(has_text="Helper").get_by_role(
        "button", name=EN["desk.links.revoke"]
    ).click()
    named = fill(EN["desk.links.and_others#other"], names=", ".join(names[:3]), n=2)
    phones = fill(EN["desk.links.revoke_phones#other"], n=5, names=named)
    expect(page.locator("#confirm-text")).to_contain_text(phones)
    expect(page.locator("#confirm-text")).to_contain_text(EN["desk.links.revoke_registered#one"])
    shot(page, "links-revoke-phones-made-with")
    assert_accessible(page)
    page.locator("#confirm-ok").click()
    notice = page.locator(".notice").last
    expect(notice).to_contain_text(fill(EN["desk.links.revoked_phones#other"], n=5, names=named))
    expect(notice).to_contain_text(EN["desk.links.revoked_registered#one"])
    shot(page, "links-revoked-phones-made-with")
    # the phones are signed out: the participants' list says none of them has one
    listed = {p["name"]: p["has_phone"] for p in api.ok("GET", people)}
    assert [listed[name] for name in names] == [False] * 5
    page.context.close()


def test_a_registered_row_the_file_gives_otherwise_is_shown_and_updated_when_asked(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The probe imported a list again with Ana Petrova now "Remote": the preview said
    "Already registered" and the change was dropped without a word. The preview now says what the
    file gives otherwise, and a box (off by default) updates them with the import."""
    event = make_event(api, "Updated list hearing")
    first = (
        "Name,Organisation,Constituency,Attendance\n"
        "Ana Petrova,Migrant Network,Civil society,In the room\n"
    )
    api.ok(
        "POST",
        f"/events/{event['id']}/participants/import",
        files={"file": ("v1.csv", first.encode(), "text/csv")},
    )
    page = open_desk(browser, server, event, "participants")
    second = first.replace("In the room", "Remote") + "Li Wei,Fudan,Academia,In the room\n"
    choose(page, "v2.csv", second.encode())
    row = page.locator('#import-rows tr[data-row="2"]')
    change = fill(
        EN["desk.import.difference"], column="Attendance", registered="In the room", file="Remote"
    )
    expect(row.locator(".row-differs")).to_have_text(
        fill(EN["desk.import.differs"], changes=change)
    )
    update = page.get_by_label(fill(EN["desk.import.update_registered#one"], n=1))
    expect(update).not_to_be_checked()
    shot(page, "e-differs")
    assert_accessible(page)
    update.check()
    page.get_by_role("button", name=fill(EN["desk.import.confirm#one"], n=1)).click()
    expect(page.locator("#import-verdict")).to_contain_text(
        fill(EN["desk.import.done_updated#one"], n=1)
    )
    people = {p["name"]: p for p in api.ok("GET", f"/events/{event['id']}/participants")}
    assert people["Ana Petrova"]["attendance"] == "remote"
    assert "Li Wei" in people

    # only a difference left: the button updates
    third = second.replace("Remote", "In the room")
    with page.expect_file_chooser() as chooser:
        page.locator("#import-again").click()
    chooser.value.set_files({"name": "v3.csv", "mimeType": "text/csv", "buffer": third.encode()})
    verdict = page.locator("#import-verdict")
    expect(verdict).to_have_text(fill(EN["desk.import.nothing_new_differs"], count=1))
    confirm = page.locator("#import-confirm")
    expect(confirm).to_be_hidden()  # nothing to do until the box is ticked
    update.check()
    expect(confirm).to_have_text(fill(EN["desk.import.confirm_update#one"], n=1))
    confirm.click()
    expect(verdict).to_have_text(fill(EN["desk.import.updated_only#one"], n=1))
    people = {p["name"]: p for p in api.ok("GET", f"/events/{event['id']}/participants")}
    assert people["Ana Petrova"]["attendance"] == "in_room"
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_file_over_the_limit_is_not_sent_and_the_desk_says_what_to_do(
    browser: Browser, server: ServerProcess, api: Api, language: str
) -> None:
    """The probe's registration export with biographies (1.2 MB) was refused in the API's words
    ("the request body is over 1,000,000 bytes"). The import now takes files up to the limit the
    server states; a larger file is not sent, and the desk says its size and what to do."""
    event = make_event(api, f"Large file hearing {language}")
    page = open_desk(browser, server, event, "participants", lang=language)
    data = b"Name,Organisation,Constituency,Notes\nA,B,Civil society," + b"x" * 12_300_000
    choose(page, "registration-export.csv", data + b"\n")
    words = {"en": EN, "fr": FR}[language]
    size, limit = {"en": ("12.3 MB", "10 MB"), "fr": ("12,3\u00a0Mo", "10\u00a0Mo")}[language]
    expect(page.locator("#import-verdict")).to_have_text(
        fill(words["desk.import.too_large"], size=size, limit=limit)
    )
    shot(page, f"g-too-large-{language}")
    page.context.close()


def test_a_segment_added_by_mistake_is_removed_and_one_that_ran_is_not(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The probe could not take out a segment added by mistake: the console and the display
    showed it for good. Remove… asks first (Cancel first, Escape cancels), then the row goes; a
    segment someone waits in is refused, and its row says why."""
    event = make_event(api, "Mistaken segment hearing")
    made = {}
    for title, start in (("Opening", "10:00"), ("Added by mistake", "11:00"), ("Panel", "12:00")):
        made[title] = api.ok(
            "POST",
            f"/events/{event['id']}/segments",
            json={"title": title, "command_id": start, "scheduled_start_at": start},
        )
    api.command(made["Panel"]["id"], {"type": "add_speaker", "name": "Waiting speaker"})
    page = open_desk(browser, server, event, "programme")
    rows = page.locator("#programme-rows tr")
    expect(rows).to_have_count(3)
    remove = page.get_by_role(
        "button", name=fill(EN["desk.programme.remove_label"], name="Added by mistake")
    )
    dialog = page.locator("#confirm-dialog")

    remove.click()
    expect(dialog).to_be_visible()
    expect(page.locator("#confirm-heading")).to_have_text(
        fill(EN["desk.programme.remove_title"], name="Added by mistake")
    )
    expect(page.locator("#confirm-cancel")).to_be_focused()  # the safe answer first
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(remove).to_be_focused()
    expect(rows).to_have_count(3)

    remove.click()
    shot(page, "f-remove-confirm")
    page.locator("#confirm-ok").click()
    expect(rows).to_have_count(2)
    expect(page.locator("#programme-rows")).not_to_contain_text("Added by mistake")
    expect(page.locator("#notices")).to_contain_text(
        fill(EN["desk.programme.removed"], name="Added by mistake")
    )
    titles = [s["title"] for s in api.ok("GET", f"/events/{event['id']}/segments")]
    assert titles == ["Opening", "Panel"]

    # someone waits in the panel: the server says so beforehand, and its row says why at once
    remove_panel = page.get_by_role(
        "button", name=fill(EN["desk.programme.remove_label"], name="Panel")
    )
    remove_panel.click()
    refused = segment_row(page, "Panel").locator(".seg-refused")
    expect(refused).to_contain_text(fill(EN["desk.programme.remove_refused"], message=""))
    expect(refused).to_contain_text("queue")
    expect(dialog).to_be_hidden()
    expect(remove_panel).to_be_focused()
    expect(rows).to_have_count(2)
    shot(page, "f-remove-refused")

    # a time emptied in a Change is cleared (the probe's 10:30 stayed without a word)
    opening = segment_row(page, "Opening")
    opening.get_by_role(
        "button", name=fill(EN["desk.programme.change_label"], name="Opening")
    ).click()
    page.locator("#segment-end").fill("10:30")
    page.get_by_role("button", name=EN["desk.segment.save"]).click()
    expect(opening.locator(".seg-time")).to_have_text("10:00\u201310:30")
    opening.get_by_role(
        "button", name=fill(EN["desk.programme.change_label"], name="Opening")
    ).click()
    expect(page.locator("#segment-end")).to_have_value("10:30")
    page.locator("#segment-end").fill("")
    page.get_by_role("button", name=EN["desk.segment.save"]).click()
    expect(opening.locator(".seg-time")).to_have_text("10:00\u2013\u2026")
    first = api.ok("GET", f"/events/{event['id']}/segments")[0]
    assert (first["title"], first["scheduled_end_at"]) == ("Opening", None)
    page.context.close()


def test_new_event_pressed_while_the_first_event_is_read_makes_a_new_one(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """A secretariat pressing "New event" as the desk opens, before it has read the event it
    opens on: the press wins. The read that came back after it filled the new event's form with
    the old event, and Save changed that one ("The event is saved." on a CI run)."""
    api.ok("POST", "/events", json={"title": "Already here", "timezone": "UTC"})
    context = browser.new_context(viewport=HD, locale="en-GB")
    page = context.new_page()
    one_event = re.compile(r"/api/v1/events/[^/?#]+$")
    held: list[Any] = []
    page.route(one_event, lambda route: held.append(route))  # the event's read, held back
    with page.expect_request(one_event):
        page.goto(f"{server.base}/organiser?section=event#key={ORGANISER_KEY}")
    page.locator("#event-new").click()
    with page.expect_response(one_event):
        held[0].continue_()  # now the read comes back, after the press
    page.unroute(one_event)
    title = "Made while the desk was opening"
    page.locator("#event-form-title").fill(title)
    page.locator("#event-form-date").fill("2026-05-18")
    page.locator("#event-form-timezone").fill("America/New_York")
    page.locator("#event-form-submit").click()
    expect(page.locator("#notices")).to_contain_text(EN["desk.event.made"])
    titles = [event["title"] for event in api.ok("GET", "/events")]
    assert title in titles and "Already here" in titles
    context.close()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_zone_fixed_all_year_is_refused_naming_the_field_and_the_zone_to_use(
    browser: Browser, server: ServerProcess, language: str
) -> None:
    """The probe created an event in "EST", as the concept note writes it: every summer time an
    hour off. The server refuses it naming the zone to use; the desk names the field as its form
    does ("Fuseau horaire", not "body.timezone"), the server's words kept whole after it."""
    words = {"fr": FR, "ar": AR}[language]
    page = open_desk(browser, server, None, "event", lang=language)
    page.locator("#event-new").click()
    page.locator("#event-form-title").fill("EST hearing")
    page.locator("#event-form-date").fill("2026-05-18")
    page.locator("#event-form-timezone").fill("EST")
    page.locator("#event-form-submit").click()
    notice = page.locator("#notices .notice-text")
    expect(notice).to_contain_text("America/New_York")
    expect(notice).not_to_contain_text("body.")
    label = fill(words["desk.refusal_field"], field=words["desk.event.timezone"], message="")
    expect(notice).to_contain_text(label.strip())
    if language == "ar":
        shot(page, "h1-est-refused-ar")
    page.context.close()


def test_the_arabic_programme_shows_the_next_day_and_the_old_date(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """M1 and M2 in Arabic: "+1 day" in the page's words, the date and the warning of a segment
    left on the old date, the times still reading 23:00 to 01:00."""
    event = make_event(api, "Arabic programme hearing")
    for command, title, start, end in (
        ("a", "Opening", "10:00", "10:30"),
        ("b", "Night drafting session", "2026-05-18T23:00", "2026-05-19T01:00"),
    ):
        api.ok(
            "POST",
            f"/events/{event['id']}/segments",
            json={"title": title, "command_id": command,
                  "scheduled_start_at": start, "scheduled_end_at": end},
        )  # fmt: skip
    api.ok("PATCH", f"/events/{event['id']}", json={"date": "2026-05-19"})  # not moved
    page = open_desk(browser, server, event, "programme", lang="ar")
    night = segment_row(page, "Night drafting session")
    expect(night.locator(".seg-time")).to_have_text("23:00\u201301:00")
    expect(night.locator(".seg-later")).to_have_text(AR["desk.programme.days_later#one"])
    expect(night.locator(".seg-date")).to_have_text("2026-05-18")
    expect(segment_row(page, "Opening").locator(".seg-warning")).to_contain_text("2026-05-19")
    shot(page, "m1-m2-arabic-programme")
    page.locator("#programme-rows").screenshot(path=str(SHOTS / "m1-m2-arabic-rows.png"))
    page.context.close()
