"""The organiser's desk on a tablet, by touch (outside probe R): a portrait tablet (768 by 1024)
and a landscape one (1024 by 768), scale 2, touch only, in Chromium against a real server.

- A double tap on "Make the link" makes one link, not two (M1).
- "Phone link" asks first (it signs out the phone the person has), and its button is a finger's
  size, away from "Correct" (M2).
- Every section fits the screen in English, French, Russian and Arabic: the page never scrolls
  sideways, no control is off the edge, no list scrolls sideways inside its panel; the top bar's
  language picker and connection pill are on screen; upright, the sections' list is a strip above
  the section, which gets the screen's width (M3, M4, M5, M6, M8), and the event's title shows (L2).
- A participant's correction keeps Save on screen, the on-screen keyboard up (M3).
- The controls used often are at least 44 by 44 px on a touch screen; a laptop keeps its dense
  table (M7).
- Nothing is said only in a tooltip, which a finger cannot show (L1).
"""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

from playwright.sync_api import Browser, FloatRect, Page, Request, Route, ViewportSize, expect

from tests.e2e.server import ORGANISER_KEY, Api, ServerProcess

from .test_desk_languages import (  # noqa: F401
    EN,
    HD,
    WORDS,
    hearing,
    open_room_display,
    server,
)

PORTRAIT: ViewportSize = {"width": 768, "height": 1024}
LANDSCAPE: ViewportSize = {"width": 1024, "height": 768}
SECTIONS = ("event", "programme", "participants", "links", "screens")


def tablet(
    browser: Browser,
    base: str,
    query: str,
    viewport: ViewportSize = PORTRAIT,
    key: str = ORGANISER_KEY,
) -> Page:
    """The desk on a tablet of its own: touch only (pointer: coarse), scale 2."""
    context = browser.new_context(
        viewport=viewport,
        device_scale_factor=2,
        has_touch=True,
        is_mobile=True,
        locale="en-GB",
        bypass_csp=True,
    )
    page = context.new_page()
    page.goto(f"{base}/organiser?{query}#key={key}")
    expect(page.locator("#desk")).to_be_visible()
    return page


def tap_section(page: Page, section: str) -> None:
    page.locator(f'.nav-btn[data-section="{section}"]').tap()
    expect(page.locator(f"#section-{section}")).to_be_visible()


def wait_until(page: Page, condition: Any, what: str, seconds: float = 10) -> None:
    """Until ``condition()`` holds, Playwright's calls pumping the page's events meanwhile."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        page.wait_for_timeout(20)


#: What does not fit the screen: the page wider than the window, a control beyond its edge, a
#: box that scrolls sideways (a list's table wider than its panel).
MISFITS = """() => {
  const width = innerWidth;
  const problems = [];
  const named = (el) => `${el.tagName}#${el.id}.${el.className} "${
    (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40)}"`;
  const page = document.documentElement.scrollWidth;
  if (page > width) problems.push(`the page is ${page} px wide`);
  const controls = document.querySelectorAll('.topbar :is(button, a[href], select, input), '
    + '#connection-status, #desk :is(button, a[href], input, select, textarea)');
  for (const el of controls) {
    if (!el.checkVisibility() || el.closest('.visually-hidden')) continue;
    const box = el.getBoundingClientRect();
    if (box.left < -0.5 || box.right > width + 0.5) {
      problems.push(`${named(el)} at ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  for (const el of document.querySelectorAll('#desk *')) {
    if (!el.checkVisibility()) continue;
    if (!['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${named(el)} scrolls sideways (${el.scrollWidth} in ${el.clientWidth})`);
    }
  }
  return problems;
}"""

#: The controls on screen smaller than 44 by 44 CSS px (a check box's target is its label).
SMALL = """() => {
  const small = [];
  const controls = document.querySelectorAll('.topbar :is(button, a[href], select, input), '
    + '#desk :is(button, a[href], input, select, textarea), #notices button, dialog[open] button');
  for (const el of controls) {
    if (!el.checkVisibility() || el.closest('.visually-hidden')) continue;
    const target = el.type === 'checkbox' && el.closest('label') ? el.closest('label') : el;
    const box = target.getBoundingClientRect();
    if (box.width < 43.5 || box.height < 43.5) {
      const words = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim();
      small.push(`${el.tagName}.${el.className} "${words.slice(0, 30)}" `
        + `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}"""


def box(page: Page, selector: str) -> FloatRect:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not on screen"
    return found


def across(found: FloatRect | None, width: int) -> bool:
    """Whether a box is on screen from side to side."""
    return found is not None and found["x"] >= 0 and found["x"] + found["width"] <= width


# --- M1: one link per tap ------------------------------------------------------------------------


def test_a_double_tap_on_make_the_link_makes_one_link(
    browser: Browser,
    hearing: dict[str, Any],  # noqa: F811
) -> None:
    event = hearing["event"]
    page = tablet(browser, hearing["server"].base, f"lang=en&event={event['id']}&section=links")
    expect(page.locator("#section-links")).to_be_visible()
    page.locator("#mint-role").select_option("display")
    page.locator("#mint-label").tap()
    page.locator("#mint-label").fill("Room 4 side screen")

    # the answer is held back (a slow network), so that both taps land while the first is asked
    posts: list[Request] = []
    held: list[Route] = []
    page.on(
        "request",
        lambda r: posts.append(r) if r.method == "POST" and "access-links" in r.url else None,
    )
    page.route(
        re.compile(r".*/access-links$"),
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    button = box(page, "#mint-form button[type=submit]")
    at = (button["x"] + button["width"] / 2, button["y"] + button["height"] / 2)
    page.touchscreen.tap(*at)
    page.touchscreen.tap(*at)
    wait_until(page, lambda: held, "the desk never asked for the link")
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")  # both taps handled
    for route in list(held):
        route.continue_()
    expect(page.locator(".minted-card")).to_have_count(1)
    expect(page.locator("#links-rows tr", has_text="Room 4 side screen")).to_have_count(1)
    assert len(posts) == 1, f"{len(posts)} links made by one double tap"
    labels = [
        link["label"] for link in hearing["api"].ok("GET", f"/events/{event['id']}/access-links")
    ]
    assert labels.count("Room 4 side screen") == 1
    page.context.close()


def test_a_press_whose_answer_was_lost_and_the_press_again_leave_one_live_link(
    browser: Browser,
    hearing: dict[str, Any],  # noqa: F811
) -> None:
    """The server made the link, its answer never reached the desk (the line dropped): the
    organiser presses again and gets a link; the one nobody saw is revoked, not left live."""
    event = hearing["event"]
    page = tablet(browser, hearing["server"].base, f"lang=en&event={event['id']}&section=links")
    page.locator("#mint-role").select_option("display")
    page.locator("#mint-label").fill("Room 4 side screen")
    lost: list[str] = []

    def lose_the_first_answer(route: Route) -> None:
        if route.request.method != "POST" or lost:
            route.continue_()
            return
        answer = route.fetch()  # the server makes the link ...
        lost.append(answer.json()["token"])
        route.abort("connectionreset")  # ... and its answer never arrives

    page.route(re.compile(r".*/access-links$"), lose_the_first_answer)
    page.locator("#mint-submit").click()
    expect(page.locator("#notices")).to_contain_text(WORDS["en"]["error.offline"])
    expect(page.locator(".minted-card")).to_have_count(0)
    page.locator("#mint-submit").click()
    expect(page.locator(".minted-card")).to_have_count(1)
    links = hearing["api"].ok("GET", f"/events/{event['id']}/access-links")
    live = [x for x in links if x["label"] == "Room 4 side screen" and x["revoked_at"] is None]
    assert len(live) == 1 and len(lost) == 1
    shown = page.locator(".minted-card .minted-url").first.input_value()
    assert lost[0] not in shown
    assert Api(hearing["server"].base, lost[0])("GET", "/session").status_code == 401
    key = shown.split("#key=")[1]  # the one shown opens its screen
    assert Api(hearing["server"].base, key)("GET", "/session").json()["role"] == "display"
    page.context.close()


# --- M2: "Phone link" asks first, a finger's size away from "Correct" ---------------------------


def test_phone_link_asks_first_and_stands_apart_from_correct(
    browser: Browser,
    hearing: dict[str, Any],  # noqa: F811
) -> None:
    event = hearing["event"]
    api: Api = hearing["api"]
    page = tablet(
        browser, hearing["server"].base, f"lang=en&event={event['id']}&section=participants"
    )
    row = page.locator("#participants-rows tr[data-participant-id]").first
    expect(row).to_be_visible()
    name = row.locator(".person-name").inner_text()
    person = next(
        p for p in api.ok("GET", f"/events/{event['id']}/participants") if p["name"] == name
    )
    first = api.ok("POST", f"/participants/{person['id']}/phone-link")  # her phone, signed in
    phone = Api(hearing["server"].base, first["token"])

    link = row.locator(".phone-open")
    correct, phone_box = row.locator(".correct-open").bounding_box(), link.bounding_box()
    assert correct is not None and phone_box is not None
    assert phone_box["height"] >= 44 and correct["height"] >= 44
    gap = max(
        phone_box["x"] - (correct["x"] + correct["width"]),
        correct["x"] - (phone_box["x"] + phone_box["width"]),
    )
    assert gap >= 8, f"Correct and Phone link {gap} px apart"

    posts: list[str] = []  # the phone links made (a refused if_no_phone makes none)
    page.on(
        "response",
        lambda r: (
            posts.append(r.url)
            if r.request.method == "POST" and "phone-link" in r.url and r.status == 201
            else None
        ),
    )
    # the list said she had no phone when it was drawn; she has one now (made elsewhere): the
    # server refuses the "only if no phone" link and the desk asks
    link.tap()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(name)
    expect(page.locator("#confirm-cancel")).to_be_focused()  # the safe answer first
    page.locator("#confirm-cancel").tap()
    expect(dialog).to_be_hidden()
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")
    assert posts == [], "a phone link was made without asking"
    assert phone("GET", "/session").status_code == 200, "her phone was signed out"

    link.tap()
    page.locator("#confirm-ok").tap()
    expect(page.locator(".phone-link .minted-url")).to_have_value(re.compile(r"/join/[^#]+#key="))
    assert len(posts) == 1
    page.context.close()


# --- M3, M4, M5, M6, M8, L2: every section fits, in the longest languages and right to left ------


def test_every_section_fits_a_tablet_in_every_language(
    browser: Browser,
    hearing: dict[str, Any],  # noqa: F811
) -> None:
    event = hearing["event"]
    room = open_room_display(browser, hearing)  # a screen for the list of connected screens
    base = hearing["server"].base
    for language in ("en", "fr", "ru", "ar"):
        for viewport in (PORTRAIT, LANDSCAPE):
            # the organiser key: the event picker is in the top bar too
            page = tablet(browser, base, f"lang={language}&event={event['id']}", viewport)
            expect(page.locator("html")).to_have_attribute("lang", language)
            where = f"{language} {viewport['width']}x{viewport['height']}"
            for section in SECTIONS:
                tap_section(page, section)
                if section == "participants":
                    expect(page.locator("#participants-rows tr")).to_have_count(13)
                if section == "screens":
                    expect(page.locator("#screens-rows tr").first).to_be_visible()
                misfits = page.evaluate(MISFITS)
                assert misfits == [], f"{where}, {section}: {misfits}"
                # the language and the connection's pill are on screen, whole
                for tool in ("#lang-select", "#connection-status"):
                    assert across(box(page, tool), viewport["width"]), f"{where}: {tool}"
            if viewport is PORTRAIT:
                # upright: the sections' list is a strip above the section, which has the width
                nav, main = box(page, ".desk-nav"), box(page, "#desk-main")
                assert nav["y"] + nav["height"] <= main["y"] + 1, (
                    f"{where}: the sections' list beside the section"
                )
                assert main["width"] >= 700, f"{where}: the section is {main['width']} px wide"
                # which event is being set up
                title = page.locator("#event-title")
                expect(title).to_be_visible()
                expect(title).to_have_text(event["title"])
                assert box(page, "#event-title")["width"] >= 300
            page.context.close()
    room.close()


def test_no_section_scrolls_the_page_sideways_at_400_percent_zoom(
    browser: Browser,
    hearing: dict[str, Any],  # noqa: F811
) -> None:
    """Outside probe (WCAG 1.4.10): at 320 CSS px the event's join and live panels (a QR code
    beside its facts) and the programme's table made the page wider than the window. The QR
    code goes above its facts; the table scrolls in its panel, a data table may."""
    event = hearing["event"]
    narrow: ViewportSize = {"width": 320, "height": 700}
    for language in ("en", "ar"):
        page = tablet(
            browser, hearing["server"].base, f"lang={language}&event={event['id']}", narrow
        )
        for section in SECTIONS:
            tap_section(page, section)
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= narrow["width"], f"{language}, {section}: the page is {wide} px wide"
        page.context.close()


def test_the_event_title_shows_upright_with_an_organiser_link(
    browser: Browser,
    hearing: dict[str, Any],  # noqa: F811
) -> None:
    """An organiser link (one event, no event picker) upright: the top bar says which event."""
    event = hearing["event"]
    link = hearing["api"].ok(
        "POST", f"/events/{event['id']}/access-links", json={"role": "organiser"}
    )
    key = link["url"].split("#key=")[1]
    page = tablet(browser, hearing["server"].base, "lang=ru", PORTRAIT, key=key)
    expect(page.locator("#event-picker")).to_be_hidden()
    expect(page.locator("#event-title")).to_be_visible()
    expect(page.locator("#event-title")).to_have_text(event["title"])
    expect(page.locator("#event-meta")).to_be_visible()
    assert page.evaluate(MISFITS) == []
    page.context.close()


def test_a_correction_keeps_save_on_screen_with_the_keyboard_up(
    browser: Browser,
    hearing: dict[str, Any],  # noqa: F811
) -> None:
    event = hearing["event"]
    page = tablet(
        browser, hearing["server"].base, f"lang=en&event={event['id']}&section=participants"
    )
    row = page.locator("#participants-rows tr[data-participant-id]").nth(2)
    expect(row).to_be_visible()
    row.locator(".correct-open").tap()
    form = page.locator("#participants-rows .correct-form")
    expect(form).to_be_visible()
    for field in ("name", "organisation", "attendance"):
        assert across(form.locator(f'[name="{field}"]').bounding_box(), PORTRAIT["width"]), field
    organisation = form.locator('[name="organisation"]')
    organisation.tap()
    # the on-screen keyboard takes 40 % of the screen
    page.set_viewport_size({"width": PORTRAIT["width"], "height": int(PORTRAIT["height"] * 0.6)})
    organisation.fill("Université de Genève (IHEID)")
    # nothing scrolled sideways to show the field: Save is across the screen, below it
    save = form.get_by_role("button", name=EN["desk.correct.save"])
    assert across(save.bounding_box(), PORTRAIT["width"]), save.bounding_box()
    assert page.evaluate(MISFITS) == []
    save.scroll_into_view_if_needed()
    save.tap()
    expect(row.locator("td.person-org")).to_have_text("Université de Genève (IHEID)")
    page.context.close()


# --- M7: a finger's targets on a tablet; the laptop's dense table ---------------------------------


def test_frequent_controls_are_a_fingers_size_on_a_tablet(
    browser: Browser,
    hearing: dict[str, Any],  # noqa: F811
) -> None:
    event = hearing["event"]
    page = tablet(browser, hearing["server"].base, f"lang=fr&event={event['id']}")
    for section in SECTIONS:
        tap_section(page, section)
        if section == "programme":
            page.locator(".seg-change").first.tap()  # the segment's form, its boxes
            expect(page.locator("#segment-cancel")).to_be_visible()
        if section == "links":
            page.locator(
                "#mint-form button[type=submit]"
            ).tap()  # a new link's card, and its close button
            expect(page.locator(".minted-card .notice-close")).to_be_visible()
        small = page.evaluate(SMALL)
        assert small == [], f"{section}: {small}"
    page.context.close()

    # a laptop with a mouse keeps the dense table (the row's buttons as they were)
    laptop = browser.new_context(viewport=HD, bypass_csp=True).new_page()
    laptop.goto(
        f"{hearing['server'].base}/organiser?lang=en&event={event['id']}&section=participants#key={ORGANISER_KEY}"
    )
    button = laptop.locator("#participants-rows .correct-open").first
    expect(button).to_be_visible()
    found = button.bounding_box()
    assert found is not None and found["height"] < 40
    expect(laptop.locator(".participants-table thead")).to_be_visible()  # a table, not cards
    laptop.context.close()


# --- L1: nothing only in a tooltip ----------------------------------------------------------------


def test_what_a_tooltip_said_is_in_words_on_a_tablet(
    browser: Browser,
    server: ServerProcess,  # noqa: F811
) -> None:
    """A segment that ends the next day says the date; a link that dies before the event's day is
    over says what to do; the import's preview shows a panellist's whole segment."""
    api = Api(server.base)
    day = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    event = api.ok(
        "POST", "/events", json={"title": "Night hearing", "timezone": "UTC", "date": day}
    )
    long_title = (
        "Thematic discussion I: Assessing the progress, gaps, and challenges in the implementation"
        " of the Global Compact"
    )
    api.ok(
        "POST",
        f"/events/{event['id']}/segments",
        json={
            "command_id": "day",
            "title": long_title,
            "scheduled_start_at": "09:00",
            "scheduled_end_at": "12:00",
        },
    )
    next_day = (datetime.date.fromisoformat(day) + datetime.timedelta(days=1)).isoformat()
    api.ok(
        "POST",
        f"/events/{event['id']}/segments",
        json={
            "command_id": "night",
            "title": "Night session",
            "scheduled_start_at": f"{day}T23:00",
            "scheduled_end_at": f"{next_day}T01:00",
        },
    )
    api.ok(
        "POST",
        f"/events/{event['id']}/access-links",
        json={"role": "booth", "label": "Booth B", "expires_in_s": 3600},
    )

    page = tablet(browser, server.base, f"lang=en&event={event['id']}&section=programme")
    night = page.locator("#programme-rows tr", has_text="Night session")
    expect(night.locator(".seg-later")).to_have_text("+1 day")
    expect(night).to_contain_text(EN["desk.programme.ends_on"].replace("{date}", next_day))

    tap_section(page, "links")
    booth = page.locator("#links-rows tr", has_text="Booth B")
    expect(booth.locator(".link-too-short")).to_be_visible()
    remedy = booth.locator(".link-too-short-text")
    expect(remedy).to_be_visible()
    expect(remedy).to_contain_text(EN["desk.links.before_event"].split(":")[0])

    tap_section(page, "participants")
    sheet = (
        "Name,Organisation,Constituency,Panel\n"
        f'Amina Okafor,Red de Migrantes,Civil society,"{long_title}"\n'
    )
    page.locator("#import-file").set_input_files(
        {"name": "list.csv", "mimeType": "text/csv", "buffer": sheet.encode()}
    )
    cell = page.locator("#import-rows .panel-cell")
    expect(cell).to_have_text(long_title)
    whole = cell.evaluate("(el) => el.scrollHeight <= el.clientHeight + 1")
    assert whole, "the segment's name is cut"
    assert page.locator("#desk [title]").count() == 0, "words only in a tooltip"
    page.context.close()
