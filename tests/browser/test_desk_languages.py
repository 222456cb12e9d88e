"""The organiser's desk in the six languages, in Chromium against a real server: Arabic reads
right to left (the sections' list at the right, the times still 10:00 to 10:30), every word the
desk draws is the chosen language's, the language picker switches and the choice stays, the
sign-in speaks it too, and the desk's work (a segment added, a link made) still works in Arabic.

The expected words are read from the dictionaries (frontend/static/js/i18n.js and
frontend/static/js/i18n/desk.js), as tests/browser/test_languages.py reads them: a change of
wording there changes what these tests expect, not whether they pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from app import demo
from tests.browser.conftest import VIEWPORTS, assert_accessible, demo_day, screenshot
from tests.e2e.server import ORGANISER_KEY, Api, ServerProcess

JS = Path(__file__).resolve().parents[2] / "frontend" / "static" / "js"
DESK: ViewportSize = VIEWPORTS["moderator"]  # 1440 x 900, the secretariat's laptop
HD: ViewportSize = {"width": 1280, "height": 720}
SECTIONS = ("event", "programme", "participants", "links", "screens")


def _read(path: Path) -> dict[str, dict[str, str]]:
    """``export const STRINGS = {…}`` of a dictionary module, per language (one entry a line)."""
    source = path.read_text(encoding="utf-8")
    body = source[source.index("export const STRINGS = {") :]
    tables: dict[str, dict[str, str]] = {}
    for match in re.finditer(r"^  (\w\w): \{\n(.*?)^  \},", body, re.S | re.M):
        entries = re.findall(r'^    "([^"]+)":\s*"((?:[^"\\]|\\.)*)",?$', match.group(2), re.M)
        tables[match.group(1)] = {key: value.replace('\\"', '"') for key, value in entries}
    return tables


def _words() -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {}
    for path in (JS / "i18n.js", JS / "i18n" / "desk.js"):
        for code, table in _read(path).items():
            tables.setdefault(code, {}).update(table)
    return tables


WORDS = _words()
AR, FR, EN = WORDS["ar"], WORDS["fr"], WORDS["en"]


def fill(text: str, **values: object) -> str:
    """A dictionary entry with its {placeholders} filled, as t() fills them."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), text)


def shown(text: str) -> re.Pattern[str]:
    """`text` as the page shows it: in Arabic a date, a time or a name set in a sentence is
    isolated (invisible marks U+2066 to U+2069 around it), so that its parts keep their order."""
    marks = "[\u2066-\u2069]*"
    return re.compile("^" + marks + "".join(re.escape(c) + marks for c in text) + "$")


def counted(page: Page, table: dict[str, str], key: str, n: int, **values: object) -> str:
    """What plural() says for `n` in the page's language (its plural category, else #other)."""
    category = page.evaluate(
        "([lang, n]) => new Intl.PluralRules(lang).select(n)",
        [page.locator("html").get_attribute("lang"), n],
    )
    text = table.get(f"{key}#{category}", table[f"{key}#other"])
    return fill(text, n=n, **values)


def english_sentences() -> list[str]:
    """The desk's English words that no data typed by people would hold: its entries of two
    words or more, placeholders left out (where a French or Arabic page must show none)."""
    found = []
    for key, text in EN.items():
        # a placeholder is an example of what people type (the demo's venue is one)
        if not key.startswith("desk.") or "{" in text or key.endswith("_placeholder"):
            continue
        if len(re.findall(r"[A-Za-z]+", text)) >= 2:
            found.append(text)
    return found


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server on an empty database (no demo)."""
    process = ServerProcess(f"sqlite:///{tmp_path / 'desk.db'}", tmp_path / "server.log")
    process.start()
    yield process
    process.stop()


def speakers() -> bytes:
    lines = ["Name,Organisation,Constituency,Region,Floor language,Attendance"]
    for row in range(1, 13):
        attendance = "Remote" if row % 4 == 0 else "In the room"
        lines.append(
            f"Speaker {row:02d},Organisation {row},Civil society,Africa,French,{attendance}"
        )
    lines.append("سارة المنصوري,منظمة الهجرة العربية,Academia,Arab States,Arabic,In the room")
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def hearing(server: ServerProcess) -> dict[str, Any]:
    """The demo's day set up through the API: its programme, thirteen participants, a moderator
    link and the room display's (open on a screen, for the list of connected screens)."""
    api = Api(server.base)
    event = demo_day(api, speakers())
    links = {
        role: api.ok(
            "POST", f"/events/{event['id']}/access-links", json={"role": role, "label": label}
        )
        for role, label in (("moderator", "Chair's laptop"), ("display", "Room 4 wall"))
    }
    return {"api": api, "server": server, "event": event, "links": links}


def desk_page(
    browser: Browser, base: str, query: str, viewport: ViewportSize = DESK, key: bool = True
) -> Page:
    """The desk in a browser of its own (an English-speaking browser: the language is asked for)."""
    context: BrowserContext = browser.new_context(
        viewport=viewport, locale="en-GB", bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"{base}/organiser?{query}" + (f"#key={ORGANISER_KEY}" if key else ""))
    return page


def open_room_display(browser: Browser, hearing: dict[str, Any]) -> BrowserContext:
    context = browser.new_context(viewport=HD, bypass_csp=True)
    context.new_page().goto(hearing["server"].base + hearing["links"]["display"]["url"])
    return context


def show(page: Page, section: str) -> None:
    page.locator(f'.nav-btn[data-section="{section}"]').click()
    expect(page.locator(f"#section-{section}")).to_be_visible()


def assert_no_english(page: Page) -> None:
    text = page.locator("body").inner_text()
    left = [words for words in english_sentences() if words in text]
    assert left == [], f"English left on the page: {left}"


def left_of(page: Page, selector: str, first: str, then: str) -> bool:
    """Whether, in the element's text, `first` is drawn to the left of `then` (on one line)."""
    return bool(
        page.evaluate(
            """([selector, first, then]) => {
              const element = document.querySelector(selector);
              const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
              const boxes = {};
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (const part of [first, then]) {
                  const at = node.textContent.indexOf(part);
                  if (at < 0 || boxes[part]) continue;
                  const range = document.createRange();
                  range.setStart(node, at);
                  range.setEnd(node, at + part.length);
                  boxes[part] = range.getBoundingClientRect();
                }
              }
              const a = boxes[first], b = boxes[then];
              return Boolean(a && b && Math.abs(a.top - b.top) < 4 && a.left < b.left);
            }""",
            [selector, first, then],
        )
    )


def assert_fits(page: Page, where: str) -> None:
    fits = page.evaluate(
        "() => [document.documentElement.scrollWidth <= innerWidth,"
        " document.documentElement.scrollHeight <= innerHeight]"
    )
    assert fits == [True, True], f"{where}: the page scrolls"


def test_the_desk_in_arabic_reads_right_to_left_and_works(
    browser: Browser, hearing: dict[str, Any]
) -> None:
    event = hearing["event"]
    room = open_room_display(browser, hearing)
    page = desk_page(browser, hearing["server"].base, f"lang=ar&event={event['id']}")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("#connection-status")).to_have_text(AR["desk.status.key"])
    expect(page).to_have_title(f"{demo.TITLE} · {AR['identify.organiser']} · Floorkeeper")

    # the static words and the drawn ones are Arabic
    expect(page.locator(".brand-face")).to_have_text(AR["identify.organiser"])
    expect(page.locator('.nav-btn[data-section="participants"] .nav-label')).to_have_text(
        AR["desk.participants.heading"]
    )
    expect(page.locator("#event-heading")).to_have_text(AR["desk.event.heading"])
    expect(page.get_by_role("button", name=AR["desk.event.save_changes"])).to_be_visible()
    expect(page.locator("#live-state")).to_have_text(AR["desk.live.not_published"])
    expect(page.get_by_label(AR["desk.event.venue"])).to_have_value(
        "United Nations Headquarters, New York"
    )
    expect(page.locator("#checklist li").first).to_contain_text(AR["desk.checklist.dated"])
    expect(page.get_by_role("img", name=AR["display.qr_alt"])).to_be_visible()

    # mirrored: the sections' list at the right, the section at its left; the join link reads
    # left to right all the same
    nav = page.locator(".desk-nav").bounding_box()
    main = page.locator(".desk-main").bounding_box()
    assert nav is not None and main is not None
    assert nav["x"] > main["x"] + main["width"] - 1, "the sections' list is not at the right"
    expect(page.locator("#join-link")).to_have_attribute("dir", "ltr")
    assert_no_english(page)
    assert_accessible(page)
    screenshot(page, "desk-ar")

    # the programme: the times read 10:00 to 10:30, a segment is added in Arabic
    show(page, "programme")
    rows = page.locator("#programme-rows tr")
    expect(rows).to_have_count(len(demo.PROGRAMME))
    first = rows.first.locator(".seg-time")
    expect(first).to_have_text("10:00\u201310:30")
    expect(first).to_have_attribute("dir", "ltr")
    expect(page.locator("#programme-when")).to_have_text(
        shown(fill(AR["desk.programme.when"], date=demo.DATE, timezone=demo.TIMEZONE))
    )
    # a date after an Arabic word still reads 2022-05-16 (not 16-05-2022)
    year, _, day = demo.DATE.split("-")
    assert left_of(page, "#segment-time-hint", year, f"-{day}")
    assert left_of(page, "#programme-when", year, f"-{day}")
    form = page.locator("#segment-form")
    form.get_by_label(AR["desk.field.title"], exact=True).fill("الجلسة الختامية الإضافية")
    form.get_by_label(AR["desk.segment.starts"], exact=True).fill("18:00")
    form.get_by_label(AR["desk.segment.ends"], exact=True).fill("18:30")
    form.get_by_role("button", name=AR["desk.segment.add"], exact=True).click()
    expect(rows).to_have_count(len(demo.PROGRAMME) + 1)
    expect(page.locator("#segment-status")).to_have_text(
        shown(fill(AR["desk.segment.added"], title="الجلسة الختامية الإضافية"))
    )
    expect(rows.last.locator(".seg-time")).to_have_text("18:00\u201318:30")
    expect(
        rows.last.get_by_role(
            "button", name=fill(AR["desk.programme.change_label"], name="الجلسة الختامية الإضافية")
        )
    ).to_be_visible()
    segments = hearing["api"].ok("GET", f"/events/{event['id']}/segments")
    assert segments[-1]["title"] == "الجلسة الختامية الإضافية"
    assert segments[-1]["scheduled_start_at"] == demo.at("18:00")
    assert segments[-1]["kind"] == "discussion", "the kind, typed in words, is kept as its code"
    assert_no_english(page)

    # the participants: counted in Arabic's plural forms, their words the page's
    show(page, "participants")
    expect(page.locator("#participants-rows tr")).to_have_count(13)
    expect(page.locator("#participants-count")).to_have_text(
        counted(page, AR, "desk.participants.registered", 13)
    )
    expect(page.locator("#participants-rows")).to_contain_text(AR["constituency.civil_society"])
    expect(page.locator("#participants-rows")).to_contain_text(AR["who.remote"])
    expect(page.locator("#participants-rows")).to_contain_text(AR["language.fr"])
    assert_no_english(page)

    # a link made in Arabic: its card says what it opens, in Arabic
    show(page, "links")
    page.get_by_label(AR["desk.links.for"], exact=True).select_option("display")
    page.get_by_label(AR["desk.links.label"], exact=True).fill("منصة الخطابة")
    page.get_by_role("button", name=AR["desk.links.make"]).click()
    card = page.locator(".minted-card")
    expect(card).to_have_count(1)
    expect(
        card.get_by_label(fill(AR["desk.door.link_label"], title=AR["identify.display"]))
    ).to_be_visible()
    expect(
        card.get_by_label(fill(AR["desk.door.link_label"], title=AR["identify.clock"]))
    ).to_be_visible()
    expect(page.locator('#links-rows tr[data-state="active"]')).to_have_count(3)
    expect(page.locator("#links-count")).to_have_text(
        counted(page, AR, "desk.links.active_count", 3)
    )
    assert_no_english(page)

    # the connected screens: the room display, named in Arabic, seen "just now"
    show(page, "screens")
    row = page.locator('#screens-rows tr[data-face="display"]')
    expect(row).to_have_count(1, timeout=15_000)
    expect(row.locator(".face-name")).to_have_text(AR["identify.display"])
    what = fill(AR["desk.screens.face_and_label"], face=AR["identify.display"], label="Room 4 wall")
    identify = row.get_by_role("button", name=fill(AR["desk.screens.identify_label"], what=what))
    expect(identify).to_have_text(AR["desk.screens.identify"])
    assert_no_english(page)
    assert_accessible(page)
    page.context.close()
    room.close()


def test_the_picker_switches_the_language_and_the_choice_stays(
    browser: Browser, hearing: dict[str, Any]
) -> None:
    base = hearing["server"].base
    page = desk_page(browser, base, f"lang=fr&event={hearing['event']['id']}")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fr")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page.locator("#connection-status")).to_have_text(FR["desk.status.key"])
    expect(page.locator("#event-heading")).to_have_text(FR["desk.event.heading"])
    expect(page.get_by_role("button", name=FR["desk.live.publish"])).to_be_visible()
    show(page, "programme")
    expect(page.locator("#programme-rows tr")).to_have_count(len(demo.PROGRAMME))
    expect(page.locator("#segment-form-heading")).to_have_text(FR["desk.segment.add_heading"])
    assert_no_english(page)
    show(page, "event")
    screenshot(page, "desk-fr")

    # the picker is in the top bar, named, reached with the keyboard; choosing reloads in Arabic
    picker = page.get_by_label(FR["lang.label"], exact=True)
    expect(picker).to_have_value("fr")
    picker.focus()
    expect(picker).to_be_focused()
    picker.select_option("ar")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("#connection-status")).to_have_text(AR["desk.status.key"])
    assert "lang=" not in page.url, "the address no longer asks for French"
    # it stays: after a reload, and in a new tab of the same browser with no ?lang=
    page.reload()
    expect(html).to_have_attribute("lang", "ar")
    expect(page.locator("#event-heading")).to_have_text(AR["desk.event.heading"])
    again = page.context.new_page()
    again.goto(f"{base}/organiser?section=participants")
    expect(again.locator("html")).to_have_attribute("dir", "rtl")
    expect(again.locator("#participants-heading")).to_have_text(AR["desk.participants.heading"])
    # and back to English
    again.get_by_label(AR["lang.label"], exact=True).select_option("en")
    expect(again.locator("html")).to_have_attribute("lang", "en")
    expect(again.locator("html")).to_have_attribute("dir", "ltr")
    expect(again.locator("#participants-heading")).to_have_text(EN["desk.participants.heading"])
    page.context.close()


def test_the_sign_in_speaks_the_chosen_language(browser: Browser, server: ServerProcess) -> None:
    page = desk_page(browser, server.base, "lang=ar", key=False)
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-heading")).to_have_text(AR["identify.organiser"])
    expect(page.locator("#signin-message")).to_have_text(AR["desk.signin.prompt"])
    expect(page.locator("#connection-status")).to_have_text(AR["desk.status.signed_out"])
    # the command and the address stay as they are typed, left to right, inside the sentence
    expect(page.locator("#signin-help code")).to_have_count(2)
    expect(page.locator("#signin-help code").nth(1)).to_have_text("floorkeeper serve")
    expect(page.locator("#signin-help")).to_contain_text(
        AR["desk.signin.help"].split("{")[0].strip()
    )
    page.get_by_label(AR["desk.signin.key_label"]).fill("not-a-key-at-all")
    page.get_by_role("button", name=AR["desk.signin.submit"]).click()
    expect(page.locator("#signin-message")).to_have_text(AR["desk.signin.bad_key"])
    page.get_by_label(AR["desk.signin.key_label"]).fill(ORGANISER_KEY)
    page.get_by_role("button", name=AR["desk.signin.submit"]).click()
    expect(page.locator("#connection-status")).to_have_text(AR["desk.status.key"])
    expect(page.get_by_role("button", name=AR["desk.event.create"])).to_be_visible()
    expect(page.locator("#event-title")).to_have_text(AR["desk.event.new_title"])
    assert_no_english(page)
    assert_accessible(page)
    page.context.close()


def test_the_arabic_desk_fits_a_small_laptop(browser: Browser, hearing: dict[str, Any]) -> None:
    """At 1280 x 720 every section fits: the page never scrolls, a section does."""
    room = open_room_display(browser, hearing)
    page = desk_page(browser, hearing["server"].base, f"lang=ar&event={hearing['event']['id']}", HD)
    expect(page.locator("#connection-status")).to_have_text(AR["desk.status.key"])
    for section in SECTIONS:
        show(page, section)
        if section == "participants":
            expect(page.locator("#participants-rows tr")).to_have_count(13)
        if section == "screens":
            expect(page.locator("#screens-rows tr")).to_have_count(1, timeout=15_000)
        assert_fits(page, section)
        assert_no_english(page)
    show(page, "programme")
    screenshot(page, "desk-ar-1280x720")
    page.context.close()
    room.close()


def test_an_import_refused_names_its_problems_in_the_desks_language(
    browser: Browser, hearing: dict[str, Any]
) -> None:
    """The probe: on an Arabic desk, each refused row's problem read in English ("'Civil
    societies' is not one we know"). The server names each problem by a code; the desk words it,
    with the value and the known ones in the page's language."""
    event = hearing["event"]
    page = desk_page(browser, hearing["server"].base, f"lang=fr&event={event['id']}")
    show(page, "participants")
    data = (
        "Name,Organisation,Constituency,Panel\n"
        "Ana Ruiz,Cáritas,Civil societies,\n"
        ",ITUC,Trade union,\n"
        "Chen Wei,Fudan,Academia,9\n"
    ).encode()
    with page.expect_file_chooser() as chooser:
        page.locator("#import-choose").click()
    chooser.value.set_files({"name": "speakers.csv", "mimeType": "text/csv", "buffer": data})
    # the server's answer first, said in the verdict (a loaded machine may take seconds; and
    # were it another refusal than the rows', the failure says which)
    verdict = page.locator("#import-verdict")
    expect(verdict).to_have_text(counted(page, FR, "desk.import.refused", 3), timeout=20_000)
    problems = page.locator("#import-rows .problems")
    expect(problems).to_have_count(3)
    known = FR["constituency.civil_society"]
    expect(problems.nth(0)).to_contain_text("n\u2019est pas une valeur connue")
    expect(problems.nth(0)).to_contain_text("Civil societies")
    expect(problems.nth(0)).to_contain_text(known)  # the known ones, in French
    expect(problems.nth(1)).to_contain_text("Ne doit pas être vide")
    expect(problems.nth(2)).to_contain_text("Il n\u2019y a pas de segment")
    assert_no_english(page)
    screenshot(page, "desk-import-refused-fr")
    page.context.close()
