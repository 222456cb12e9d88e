"""The organiser's desk in Chromium, against a real server, with every request to anywhere but
the server aborted (the room may have no internet): from an empty database to a hearing ready to
run, as the secretariat would do it on the morning — the event, its programme typed in local
time, the participants from a spreadsheet (refused with its row number while a row is wrong, then
all of them), links for the moderator, the display and the clock, the display opened from its
link, and the display on the list of connected screens, identified on its own screen."""

from __future__ import annotations

import base64
import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import httpx
import openpyxl
import pytest
import segno
from playwright.sync_api import Browser, BrowserContext, Page, Route, ViewportSize, expect

from app import demo
from tests.browser.conftest import assert_accessible, demo_day, screenshot
from tests.e2e.server import ORGANISER_KEY, Api, ServerProcess

HD: ViewportSize = {"width": 1280, "height": 720}
FULL_HD: ViewportSize = {"width": 1920, "height": 1080}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server on an empty database (no demo)."""
    process = ServerProcess(f"sqlite:///{tmp_path / 'desk.db'}", tmp_path / "server.log")
    process.start()
    yield process
    process.stop()


def offline(context: BrowserContext, base: str, escaped: list[str]) -> BrowserContext:
    """Abort (and note) every request that is not to the server."""

    def only_the_server(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            escaped.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_server)
    return context


def forty(bad_row: int | None = None) -> bytes:
    """The secretariat's 40 speakers, as its spreadsheet has them: a title row is not there, the
    header is row 1; ``bad_row`` (as the spreadsheet numbers it) has a constituency nobody has."""
    constituencies = [
        "Civil society",
        "Trade union",
        "Academia",
        "Member State",
        "Local and regional authorities",
    ]
    lines = [
        "Name,Title,Organisation,Stakeholder group,Region,Gender,Floor language,Attendance,"
        "Panel,Email"
    ]
    for row in range(2, 42):
        constituency = "Civil societies" if row == bad_row else constituencies[row % 5]
        panel = "2" if row in (2, 3, 4) else ""
        attendance = "Remote" if row % 7 == 0 else "In the room"
        lines.append(
            f"Speaker {row:02d},Ms.,Organisation {row},{constituency},Africa,F,French,"
            f"{attendance},{panel},speaker{row}@example.org"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def live_discussion(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    """A hearing (UTC) with one segment, "Discussion", live."""
    event = api.ok("POST", "/events", json={"title": "Hearing", "timezone": "UTC"})
    segment = api.ok(
        "POST", f"/events/{event['id']}/segments", json={"title": "Discussion", "command_id": "s"}
    )
    api.command(segment["id"], {"type": "start_segment"})
    return event, segment


def choose_file(page: Page, name: str, data: bytes) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Import CSV or XLSX…").click()
    chooser.value.set_files({"name": name, "mimeType": "text/csv", "buffer": data})


def qr_of(url: str) -> bytes:
    """The QR code the server draws for a link (segno, as app/api/routes/people.py makes it)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=4, border=2, xmldecl=False, title="QR code of the link"
    )
    return buffer.getvalue()


def test_from_an_empty_database_to_a_hearing_ready_to_run(
    browser: Browser, server: ServerProcess
) -> None:
    base = server.base
    api = Api(base)
    escaped: list[str] = []
    started = time.monotonic()
    desk_context = offline(browser.new_context(viewport=HD), base, escaped)  # the real CSP
    page = desk_context.new_page()
    page.goto(f"{base}/organiser#key={ORGANISER_KEY}")
    expect(page.locator("#connection-status")).to_have_text("Organiser key")
    assert "#key=" not in page.url, "the key is taken out of the address"

    # the event: typed, and sent with Enter
    expect(page.get_by_role("button", name="Create the event")).to_be_visible()
    form = page.locator("#event-form")
    form.get_by_label("Title").fill(demo.TITLE)
    form.get_by_label("Venue").fill("United Nations Headquarters, New York")
    form.get_by_label("Room").fill("Conference Room 4")
    form.get_by_label("Date").fill(demo.DATE)
    form.get_by_label("Time zone").fill(demo.TIMEZONE)
    form.get_by_label("Title").press("Enter")
    expect(page.locator("#programme-heading")).to_be_visible()
    (event,) = api.ok("GET", "/events")
    assert (event["title"], event["date"], event["timezone"]) == (
        demo.TITLE,
        demo.DATE,
        demo.TIMEZONE,
    )

    # the programme, its times typed as the room reads them
    for title, kind, start, end, aim, moderator in demo.PROGRAMME:
        page.locator("#segment-title").fill(title)
        page.locator("#segment-kind").fill(kind)
        page.locator("#segment-start").fill(start)
        page.locator("#segment-end").fill(end)
        page.locator("#segment-aim").fill(aim)
        page.locator("#segment-moderator").fill(moderator)
        page.locator("#segment-moderator").press("Enter")
        expect(page.locator("#programme-rows tr")).to_have_count(
            demo.PROGRAMME.index((title, kind, start, end, aim, moderator)) + 1
        )
    segments = api.ok("GET", f"/events/{event['id']}/segments")
    assert [s["title"] for s in segments] == [item[0] for item in demo.PROGRAMME]
    assert [s["scheduled_start_at"] for s in segments] == [
        demo.at(item[2]) for item in demo.PROGRAMME
    ]
    assert [s["scheduled_end_at"] for s in segments] == [
        demo.at(item[3]) for item in demo.PROGRAMME
    ]
    expect(page.locator("#programme-rows tr").first.locator(".seg-time")).to_have_text(
        "10:00\u201310:30"
    )
    # the lunch break moved up and back down again, with the keyboard
    lunch = page.get_by_role("button", name="Move Lunch Break up")
    lunch.press("Enter")  # focused, then Enter (a busy CI machine: the move's answer may be slow)
    expect(page.locator("#programme-rows tr").nth(1)).to_contain_text("Lunch Break", timeout=15_000)
    # the list and the clock now disagree: the server says so, on the segment it puts out of turn
    expect(page.locator("#programme-rows tr").nth(2).locator(".seg-warning")).to_have_text(
        "Starts before \u201cLunch Break\u201d above it (13:00): change its times or move it."
    )
    expect(page.locator(".seg-warning")).to_have_count(1)
    programme_ready = page.locator("#checklist li").nth(1)
    expect(programme_ready).to_have_attribute("data-done", "false")
    screenshot(page, "desk-programme-out-of-order")
    expect(page.get_by_role("button", name="Move Lunch Break down")).to_be_enabled()
    page.get_by_role("button", name="Move Lunch Break down").press("Enter")
    expect(page.locator("#programme-rows tr").nth(2)).to_contain_text("Lunch Break")
    expect(page.locator(".seg-warning")).to_have_count(0)  # in order again
    expect(programme_ready).to_have_attribute("data-done", "true")
    ordered = api.ok("GET", f"/events/{event['id']}/segments")
    assert [s["title"] for s in ordered] == [item[0] for item in demo.PROGRAMME]

    # the participants: a bad row first, refused with its row number; nothing imported
    page.get_by_role("button", name="Participants").click()
    choose_file(page, "speakers.csv", forty(bad_row=17))
    verdict = page.locator("#import-verdict")
    expect(verdict).to_contain_text("Nothing can be imported: 1 row is refused")
    refused = page.locator('#import-rows tr[data-status="refused"]')
    expect(refused).to_have_count(1)
    expect(refused.locator("td").first).to_have_text("17")
    expect(refused.locator(".problems")).to_contain_text(
        "Stakeholder group: 'Civil societies' is not one we know"
    )
    expect(page.locator("#import-confirm")).to_be_hidden()
    assert api.ok("GET", f"/events/{event['id']}/participants") == []
    screenshot(page, "organiser-import-refused-1280")

    # fixed: previewed, then all 40 imported (and the three panellists queued)
    choose_file(page, "speakers.csv", forty())
    expect(verdict).to_have_text("Every row can be imported: 40 new participants.")
    page.get_by_role("button", name="Import 40 participants").click()
    expect(verdict).to_contain_text(
        "Imported: 40 registered, 3 panellists put in their segments' queues"
    )
    expect(page.locator("#participants-count")).to_have_text("40 registered")
    people = api.ok("GET", f"/events/{event['id']}/participants")
    assert len(people) == 40
    queue = api.ok("GET", f"/segments/{segments[1]['id']}/state")["state"]["queue"]
    assert [entry["name"] for entry in queue] == ["Speaker 02", "Speaker 03", "Speaker 04"]
    page.get_by_label("Search").fill("speaker 3")
    expect(page.locator("#participants-rows tr")).to_have_count(10)  # 30 to 39
    page.get_by_label("Search").fill("")

    # links: the moderator's, and the room display's (which opens the speaker clock too)
    page.get_by_role("button", name="Access links").click()
    page.get_by_label("For", exact=True).select_option("moderator")
    page.get_by_label("Label", exact=True).fill("Chair's laptop")
    page.get_by_role("button", name="Make the link").click()
    expect(page.locator(".minted-card")).to_have_count(1)
    page.get_by_label("For", exact=True).select_option("display")
    page.get_by_label("Label", exact=True).fill("Room 4 wall")
    page.get_by_role("button", name="Make the link").click()
    expect(page.locator(".minted-card")).to_have_count(2)
    card = page.locator('.minted-card[data-role="display"]')
    display_url = card.get_by_label("Room display: link").input_value()
    clock_url = card.get_by_label("Speaker clock: link").input_value()
    assert display_url.startswith(f"{base}/display/{event['id']}#key=")
    assert clock_url == display_url.replace("/display/", "/clock/")
    # the QR codes beside them are the links' own (drawn by the server when it made the link)
    for title, url in (("room display", display_url), ("speaker clock", clock_url)):
        source = card.get_by_role("img", name=f"QR code of the {title} link").get_attribute("src")
        assert source is not None and source.startswith("data:image/svg+xml;base64,")
        assert base64.b64decode(source.split(",", 1)[1]) == qr_of(url)
    expect(page.locator('#links-rows tr[data-state="active"]')).to_have_count(2)

    # the display, opened from its link on another machine (its own browser context)
    wall = offline(browser.new_context(viewport=FULL_HD, bypass_csp=True), base, escaped)
    display = wall.new_page()
    display.goto(display_url)
    expect(display.locator("#segment-title")).to_contain_text("Opening Segment")

    # the connected screens show it, and it shows its name when asked
    page.get_by_role("button", name="Connected screens").click()
    row = page.locator('#screens-rows tr[data-face="display"]')
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Room 4 wall")
    expect(row.locator(".last-seen")).to_have_text("just now")
    expect(page.locator("#checklist li[data-done='true']")).to_have_count(6)
    row.get_by_role("button", name="Identify Room display (Room 4 wall)").click()
    overlay = display.locator(".identify")
    expect(overlay).to_be_visible()
    expect(overlay.locator(".identify-name")).to_have_text("Room 4 wall")
    expect(overlay).to_be_hidden(timeout=10_000)  # it goes by itself after 5 s

    # the day's record and the outcome summary, downloaded from the desk (empty this morning)
    page.get_by_role("button", name=re.compile("^Event")).click()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Who spoke (CSV)").click()
    record = Path(downloading.value.path()).read_text(encoding="utf-8-sig")
    assert record.startswith('"Segment","Segment no.","Turn"')
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Who spoke (Excel)").click()  # as the rapporteur's page
    workbook = openpyxl.load_workbook(io.BytesIO(Path(downloading.value.path()).read_bytes()))
    assert workbook.active is not None
    assert next(workbook.active.iter_rows(values_only=True))[:2] == ("Segment", "Segment no.")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Outcome summary (Word)").click()
    outcome = docx.Document(str(downloading.value.path()))
    assert any(event["title"] in paragraph.text for paragraph in outcome.paragraphs)

    elapsed = time.monotonic() - started
    assert elapsed < 120, f"the morning's setup took {elapsed:.0f} s of browser time"
    assert escaped == [], f"requests left the server: {escaped}"
    assert_accessible(page)
    wall.close()
    desk_context.close()


def test_the_desk_at_1280_and_1920_fits_and_reads(browser: Browser, server: ServerProcess) -> None:
    """The desk's sections with a day's worth in them, at a laptop's and a big screen's size:
    the page itself never scrolls sideways, nothing is cut off; screenshots for the README."""
    api = Api(server.base)
    event = demo_day(api, forty())
    links = {
        role: api.ok(
            "POST", f"/events/{event['id']}/access-links", json={"role": role, "label": label}
        )
        for role, label in (
            ("moderator", "Chair's laptop"),
            ("display", "Room 4 wall"),
            ("booth", "Booth A"),
        )
    }
    escaped: list[str] = []
    # the room's screens, open (each its own machine), for the list of connected screens
    room = []
    for url in (
        links["display"]["url"],
        links["display"]["clock_url"],
        links["booth"]["url"],
        links["moderator"]["url"],
    ):
        context = offline(browser.new_context(viewport=HD, bypass_csp=True), server.base, escaped)
        screen = context.new_page()
        screen.goto(server.base + url)
        room.append(context)
    for size, viewport in (("1280", HD), ("1920", FULL_HD)):
        context = offline(browser.new_context(viewport=viewport), server.base, escaped)
        page = context.new_page()
        page.goto(f"{server.base}/organiser?event={event['id']}#key={ORGANISER_KEY}")
        expect(page.locator("#connection-status")).to_have_text("Organiser key")
        for section in ("event", "programme", "participants", "links", "screens"):
            page.locator(f'.nav-btn[data-section="{section}"]').click()
            expect(page.locator(f"#section-{section}")).to_be_visible()
            if section == "participants":
                expect(page.locator("#participants-rows tr")).to_have_count(40)
            if section == "screens":
                expect(page.locator("#screens-rows tr")).to_have_count(4)
            if section == "links":
                page.get_by_label("For", exact=True).select_option("display")
                page.get_by_label("Label", exact=True).fill("Podium")
                page.get_by_role("button", name="Make the link").click()
                expect(page.locator(".minted-card")).to_have_count(1)
            fits = page.evaluate(
                "() => [document.documentElement.scrollWidth <= innerWidth,"
                " document.documentElement.scrollHeight <= innerHeight]"
            )
            assert fits == [True, True], f"{section} at {size}: the page scrolls"
            screenshot(page, f"organiser-{section}-{size}")
        assert_accessible(page)
        context.close()
    for context in room:
        context.close()
    assert escaped == []


def test_an_organiser_link_runs_its_own_event_only(browser: Browser, server: ServerProcess) -> None:
    api = Api(server.base)
    ours = api.ok("POST", "/events", json={"title": "Regional review: Africa", "timezone": "UTC"})
    api.ok("POST", "/events", json={"title": "Another day", "timezone": "UTC"})
    link = api.ok("POST", f"/events/{ours['id']}/access-links", json={"role": "organiser"})
    escaped: list[str] = []
    context = offline(browser.new_context(viewport=HD), server.base, escaped)
    page = context.new_page()
    page.goto(f"{server.base}{link['url']}")
    expect(page.locator("#connection-status")).to_have_text("Organiser link")
    expect(page.locator("#event-title")).to_have_text("Regional review: Africa")
    expect(page.locator("#event-picker")).to_be_hidden()
    # it edits its event
    page.get_by_label("Room").fill("Conference Room 2")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#event-meta")).to_contain_text("Conference Room 2")
    assert api.ok("GET", f"/events/{ours['id']}")["room"] == "Conference Room 2"
    # rotating the join code asks first; cancelled, nothing changes
    code = page.locator("#join-code").inner_text()
    page.get_by_role("button", name="Rotate the join code…").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.get_by_role("button", name="Cancel").click()
    assert api.ok("GET", f"/events/{ours['id']}")["join_code"] == code
    page.get_by_role("button", name="Rotate the join code…").click()
    page.get_by_role("dialog").get_by_role("button", name="Rotate the join code").click()
    expect(page.locator("#join-code")).not_to_have_text(code)
    assert api.ok("GET", f"/events/{ours['id']}")["join_code"] != code
    context.close()


def test_a_wrong_key_is_refused_and_a_pasted_one_signs_in(
    browser: Browser, server: ServerProcess
) -> None:
    escaped: list[str] = []
    context = offline(browser.new_context(viewport=HD), server.base, escaped)
    page = context.new_page()
    page.goto(f"{server.base}/organiser#key=not-a-key-at-all")
    expect(page.locator("#signin-message")).to_contain_text("not valid")
    page.get_by_label("Organiser key or link").fill(f"{server.base}/organiser#key={ORGANISER_KEY}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#connection-status")).to_have_text("Organiser key")
    expect(page.get_by_role("button", name="Create the event")).to_be_visible()
    assert escaped == []
    context.close()


def test_each_screen_shows_its_name_when_identified(
    browser: Browser, server: ServerProcess
) -> None:
    """The room display, the speaker clock, the booth and the moderator console each say in
    their hello what they are, and show their name, large, when the organiser identifies them."""
    api = Api(server.base)
    event = api.ok("POST", "/events", json={"title": "Hearing", "timezone": "UTC"})
    api.ok("POST", f"/events/{event['id']}/segments", json={"title": "Opening", "command_id": "s"})
    made = {
        label: api.ok(
            "POST", f"/events/{event['id']}/access-links", json={"role": role, "label": label}
        )
        for role, label in (
            ("display", "Wall screen"),
            ("booth", "Booth A"),
            ("moderator", "Chair's laptop"),
        )
    }
    faces = {
        "display": (made["Wall screen"]["url"], "Wall screen"),
        "clock": (made["Wall screen"]["clock_url"], "Wall screen"),
        "booth": (made["Booth A"]["url"], "Booth A"),
        "console": (made["Chair's laptop"]["url"], "Chair's laptop"),
    }
    escaped: list[str] = []
    pages = {}
    for face, (url, _) in faces.items():
        context = offline(browser.new_context(viewport=HD, bypass_csp=True), server.base, escaped)
        pages[face] = context.new_page()
        pages[face].goto(server.base + url)
    # the desk's list of connected screens, as the organiser sees it, until all four are on it
    desk = offline(browser.new_context(viewport=HD), server.base, escaped).new_page()
    desk.goto(f"{server.base}/organiser?section=screens#key={ORGANISER_KEY}")
    rows = desk.locator("#screens-rows tr")
    expect(rows).to_have_count(4, timeout=15_000)
    screens = {
        str(row.get_attribute("data-face")): {"id": row.get_attribute("data-screen-id")}
        for row in rows.all()
    }
    assert sorted(screens) == sorted(faces)
    # the clock first: only it shows its name; then the others, each its own
    api.ok("POST", f"/events/{event['id']}/screens/{screens['clock']['id']}/identify")
    expect(pages["clock"].locator(".identify-name")).to_have_text("Wall screen")
    for other in ("display", "booth", "console"):
        expect(pages[other].locator(".identify")).to_have_count(0)
    for face in ("display", "booth", "console"):
        api.ok("POST", f"/events/{event['id']}/screens/{screens[face]['id']}/identify")
    for face, (_, label) in faces.items():
        overlay = pages[face].locator(".identify")
        expect(overlay.locator(".identify-name")).to_have_text(label)
        expect(overlay.locator(".identify-face")).to_contain_text(str(screens[face]["id"]))
    for page in pages.values():  # gone after 5 s
        expect(page.locator(".identify")).to_have_count(0, timeout=10_000)
    for page in [*pages.values(), desk]:
        page.context.close()
    assert escaped == []


def test_a_spreadsheet_with_a_repeated_row_imports_it_once(
    browser: Browser, server: ServerProcess
) -> None:
    """An export of a registry that held a duplicate registration: the preview names the repeat,
    and the import registers that person once."""
    api = Api(server.base)
    event = api.ok("POST", "/events", json={"title": "Hearing", "timezone": "UTC"})
    data = (
        b"Name,Organisation,Constituency\n"
        b"Amina Diallo,ITUC,Trade union\n"
        b"Amina Diallo,ITUC,Trade union\n"
        b"Chen Wei,Fudan University,Academia\n"
    )
    page = browser.new_context(viewport=HD).new_page()  # the real CSP
    page.goto(f"{server.base}/organiser?section=participants#key={ORGANISER_KEY}")
    choose_file(page, "registry.csv", data)
    expect(page.locator("#import-summary")).to_have_text(
        "3 rows: 2 new, 0 already registered, 0 refused; 1 repeated row, imported once"
    )
    repeat = page.locator('#import-rows tr[data-status="repeat"]')
    expect(repeat).to_have_count(1)
    expect(repeat).to_contain_text("Repeated row")
    screenshot(page, "desk-import-repeat")
    page.get_by_role("button", name="Import 2 participants").click()
    expect(page.locator("#import-verdict")).to_have_text(
        "Imported: 2 registered; 1 repeated row, imported once."
    )
    people = api.ok("GET", f"/events/{event['id']}/participants")
    assert sorted(p["name"] for p in people) == ["Amina Diallo", "Chen Wei"]
    page.context.close()


def test_the_secretariat_removes_a_duplicate_registration_but_not_someone_waiting(
    browser: Browser, server: ServerProcess
) -> None:
    """Amina joined twice: the desk removes the duplicate after a confirmation (cancelling first
    keeps it), and refuses to remove her registration that waits in the queue, saying why."""
    base = server.base
    api = Api(base)
    event, segment = live_discussion(api)
    people = {}
    for name in ("Amina Diallo", "Amina Diallo (2)"):
        people[name] = httpx.post(
            f"{base}/api/v1/events/{event['id']}/participants",
            json={"join_code": event["join_code"], "name": name, "constituency": "academia"},
        ).json()
    asked = Api(base, people["Amina Diallo"]["token"]).ok(
        "POST", f"/segments/{segment['id']}/floor-requests", json={"command_id": "r1"}
    )
    api.command(segment["id"], {"type": "approve_request", "request_id": asked["request_id"]})

    desk = browser.new_context(viewport=HD).new_page()  # the real CSP
    desk.goto(f"{base}/organiser?section=participants#key={ORGANISER_KEY}")
    rows = desk.locator("#participants-rows")
    expect(desk.locator("#participants-count")).to_have_text("2 registered")
    assert rows.inner_text().count("null") == 0  # no row but the participants'
    dialog = desk.locator("#confirm-dialog")
    rows.get_by_role("button", name="Remove Amina Diallo (2) from the registry").click()
    expect(dialog).to_contain_text("Remove Amina Diallo (2)?")
    expect(dialog).to_contain_text("their phone is signed out at once")
    dialog.get_by_role("button", name="Cancel").click()
    expect(desk.locator("#participants-count")).to_have_text("2 registered")

    rows.get_by_role("button", name="Remove Amina Diallo (2) from the registry").click()
    screenshot(desk, "desk-remove-participant")
    dialog.get_by_role("button", name="Remove", exact=True).click()
    expect(desk.locator("#notices")).to_contain_text(
        "Removed: Amina Diallo (2). Their phone is signed out."
    )
    expect(desk.locator("#participants-count")).to_have_text("1 registered")
    assert [p["name"] for p in api.ok("GET", f"/events/{event['id']}/participants")] == [
        "Amina Diallo"
    ]

    rows.get_by_role("button", name="Remove Amina Diallo from the registry").click()
    dialog.get_by_role("button", name="Remove", exact=True).click()
    expect(desk.locator("#notices")).to_contain_text(
        "Amina Diallo cannot be removed: waiting in the queue of \u201cDiscussion\u201d."
    )
    expect(desk.locator("#participants-count")).to_have_text("1 registered")
    assert_accessible(desk)
    desk.context.close()


def test_the_secretariat_corrects_a_misspelt_name_and_the_room_shows_it(
    browser: Browser, server: ServerProcess
) -> None:
    """A delegate typed their name wrong on their phone and waits in the queue: the desk
    corrects it in the participants' list, and the room display, open all along, shows the
    corrected name at once."""
    base = server.base
    api = Api(base)
    event, segment = live_discussion(api)
    joined = httpx.post(
        f"{base}/api/v1/events/{event['id']}/participants",
        json={
            "join_code": event["join_code"],
            "name": "Amina Dialo",
            "organisation": "MFA",
            "constituency": "migrant_association",
        },
    ).json()
    asked = Api(base, joined["token"]).ok(
        "POST", f"/segments/{segment['id']}/floor-requests", json={"command_id": "r1"}
    )
    api.command(segment["id"], {"type": "approve_request", "request_id": asked["request_id"]})
    link = api.ok("POST", f"/events/{event['id']}/access-links", json={"role": "display"})
    display = browser.new_context(viewport=FULL_HD, bypass_csp=True).new_page()
    display.goto(base + link["url"])
    expect(display.locator("#next")).to_contain_text("Amina Dialo")

    desk = browser.new_context(viewport=HD).new_page()  # the real CSP
    desk.goto(f"{base}/organiser?section=participants#key={ORGANISER_KEY}")
    row = desk.locator("#participants-rows tr", has_text="Amina Dialo")
    row.get_by_role("button", name="Correct Amina Dialo\u2019s particulars").click()
    form = desk.get_by_role("form", name="Correct Amina Dialo")
    expect(form.get_by_label("Name", exact=True)).to_be_focused()
    form.get_by_label("Name", exact=True).fill("Amina Diallo")
    form.get_by_label("Organisation", exact=True).fill("Migrant Forum in Asia")
    screenshot(desk, "desk-correct-participant")
    assert_accessible(desk)
    form.get_by_role("button", name="Save the correction").click()
    expect(desk.locator("#notices")).to_contain_text(
        "Amina Diallo corrected, in the registry and in 1 segment."
    )
    expect(desk.locator("#participants-rows")).to_contain_text("Amina Diallo")
    expect(desk.locator("#participants-rows")).to_contain_text("Migrant Forum in Asia")
    expect(form).to_have_count(0)
    # the room display, never reloaded, shows the corrected name and organisation
    expect(display.locator("#next")).to_contain_text("Amina Diallo")
    expect(display.locator("#next")).not_to_contain_text("Dialo ")
    (person,) = [p for p in api.ok("GET", f"/events/{event['id']}/participants")]
    assert (person["name"], person["organisation"]) == ("Amina Diallo", "Migrant Forum in Asia")

    # a correction that changes nothing, or empties the name, is refused on the desk itself
    desk.locator("#participants-rows tr", has_text="Amina Diallo").get_by_role(
        "button", name="Correct Amina Diallo\u2019s particulars"
    ).click()
    form = desk.get_by_role("form", name="Correct Amina Diallo")
    form.get_by_role("button", name="Save the correction").click()
    expect(form.get_by_role("status")).to_have_text("Nothing has changed: edit a field, or cancel.")
    form.get_by_label("Name", exact=True).fill(" ")
    form.get_by_role("button", name="Save the correction").click()
    expect(form.get_by_role("status")).to_have_text("The name cannot be empty.")
    form.get_by_label("Name", exact=True).press("Escape")
    expect(form).to_have_count(0)


def test_a_new_date_on_the_desk_moves_the_programme_with_it(
    browser: Browser, server: ServerProcess
) -> None:
    """The secretariat set the programme up on a template date and now types the real one: the
    desk offers to move the programme with it, and the segments keep their local times."""
    api = Api(server.base)
    event = api.ok(
        "POST",
        "/events",
        json={"title": "Hearing", "date": "2026-12-04", "timezone": "Europe/Zurich"},
    )
    for title, start, end in (("Opening", "10:00", "10:30"), ("Discussion", "10:30", "12:00")):
        api.ok(
            "POST",
            f"/events/{event['id']}/segments",
            json={"title": title, "command_id": title, "scheduled_start_at": start,
                  "scheduled_end_at": end},
        )  # fmt: skip
    desk = browser.new_context(viewport=HD).new_page()  # the real CSP
    desk.goto(f"{server.base}/organiser?section=event#key={ORGANISER_KEY}")
    offer = desk.get_by_label(
        "Move the programme with it: the segments still to come keep their local times"
    )
    expect(offer).to_be_hidden()  # nothing typed yet
    date = desk.locator("#event-form").get_by_label("Date")
    expect(date).to_have_value("2026-12-04")  # the desk has the event: typing now is an edit
    date.fill("2026-12-07")
    expect(offer).to_be_visible()
    expect(offer).to_be_checked()
    screenshot(desk, "desk-move-programme")
    date.fill("2026-12-04")  # back to the event's own date: nothing to move
    expect(offer).to_be_hidden()
    date.fill("2026-12-07")
    desk.get_by_role("button", name="Save changes").click()
    expect(desk.locator("#notices")).to_contain_text(
        "Saved: the segments still to come keep their local times."
    )
    segments = api.ok("GET", f"/events/{event['id']}/segments")
    assert [(s["scheduled_start_at_local"], s["scheduled_end_at_local"]) for s in segments] == [
        ("2026-12-07T10:00:00+01:00", "2026-12-07T10:30:00+01:00"),
        ("2026-12-07T10:30:00+01:00", "2026-12-07T12:00:00+01:00"),
    ]
    expect(offer).to_be_hidden()  # saved: the form is the event again


def test_the_desk_gives_a_registered_panellist_her_phone(
    browser: Browser, server: ServerProcess
) -> None:
    """Maria is on the secretariat's list and first in the discussion's queue. Joining by the
    room's link under her name would make her a second person, so it is refused and sends her to
    the desk; the desk's phone link signs her phone in as herself, which says she is next."""
    base = server.base
    api = Api(base)
    event, segment = live_discussion(api)
    body = {
        "name": "Maria Hernández",
        "organisation": "Red de Migrantes",
        "constituency": "civil_society",
    }
    api.command(segment["id"], {"type": "add_speaker", "name": "Before her"})
    # the secretariat's list: Maria, a panellist of the discussion (queued by the import)
    sheet = (
        "Name,Organisation,Constituency,Panel\n"
        "Maria Hernández,Red de Migrantes,Civil society,Discussion\n"
    )
    imported = httpx.post(
        f"{base}/api/v1/events/{event['id']}/participants/import",
        headers={"Authorization": f"Bearer {ORGANISER_KEY}"},
        files={"file": ("list.csv", sheet.encode(), "text/csv")},
    )
    assert imported.status_code == 200 and imported.json()["queued"] == 1, imported.text
    api.command(segment["id"], {"type": "call_next"})  # "Before her" speaks; Maria is next
    again = httpx.post(
        f"{base}/api/v1/events/{event['id']}/participants",
        json={**body, "join_code": event["join_code"]},
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_registered"

    desk = browser.new_context(viewport=HD).new_page()  # the real CSP
    desk.goto(f"{base}/organiser?section=participants#key={ORGANISER_KEY}")
    # she has no phone yet (the list says so, and the server checks it again): made at once
    desk.get_by_role("button", name="Phone link for Maria Hernández").click()
    link = desk.get_by_role("textbox", name="Maria Hernández\u2019s phone link")
    expect(link).to_have_value(re.compile(rf"^{re.escape(base)}/join/[^#]+#key=[\w-]+$"))
    expect(desk.locator(".phone-link img")).to_be_visible()  # the QR code to scan
    screenshot(desk, "desk-phone-link")
    url = link.input_value()

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(url)
    expect(phone.locator("#identity")).to_contain_text("Maria Hernández")
    # her turn, queued by the staff (no request of hers), is on her phone: she is next
    expect(phone.locator("#status-cards")).to_contain_text("You are next")
    assert "#key=" not in phone.url, "the key is taken out of the address"
    desk.get_by_role("button", name="Done").click()
    expect(desk.locator(".phone-link")).to_have_count(0)
    # a second link would sign out the phone she holds now: asked first, Cancel the safe answer
    desk.get_by_role("button", name="Phone link for Maria Hernández").click()
    expect(desk.locator("#confirm-cancel")).to_be_focused()
    desk.locator("#confirm-cancel").click()
    expect(phone.locator("#identity")).to_contain_text("Maria Hernández")  # still signed in
    phone.context.close()
    desk.context.close()
