"""The delegate's phone: join, request the floor, follow one's turn, in six languages."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, Request, Route, WebSocketRoute, expect

from tests.e2e.server import Api

from .conftest import VIEWPORTS, dismissing_into, open_face, screenshot

XSS_NAME = "<img src=x onerror=alert(1)>"


# --- helpers -------------------------------------------------------------------------------------


def opening(faces: dict[str, Any]) -> str:
    """The id of the opening segment (three speakers already in its queue)."""
    return str(faces["event"]["segments"][0]["id"])


def start(api: Api, segment_id: str) -> None:
    api.command(segment_id, {"type": "start_segment"}).raise_for_status()


def command(api: Api, segment_id: str, **body: Any) -> None:
    response = api.command(segment_id, body)
    assert response.status_code == 200, response.text


def pending_request(api: Api, segment_id: str, name: str, timeout_s: float = 10.0) -> str:
    """The id of ``name``'s pending request, once the server has it (the phone's tap may still
    be on its way: waited for, not assumed)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = [r for r in api.state(segment_id)["state"]["requests"] if r["name"] == name]
        if len(found) == 1 or time.monotonic() > deadline:
            (request,) = found
            return str(request["id"])
        time.sleep(0.05)


def approve(api: Api, segment_id: str, name: str = "Amina Diallo", **fields: Any) -> None:
    """``name``'s pending request approved, as the moderator does (``position``: where)."""
    request_id = pending_request(api, segment_id, name)
    command(api, segment_id, type="approve_request", request_id=request_id, **fields)


def give_floor(api: Api, segment_id: str, name: str = "Amina Diallo") -> None:
    """``name``'s pending request approved to the top of the queue, and called: they speak."""
    approve(api, segment_id, name, position=0)
    command(api, segment_id, type="call_next")


def join(
    page: Page,
    name: str = "Amina Diallo",
    organisation: str = "ITUC",
    constituency: str = "trade_union",
) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Organisation (optional)").fill(organisation)
    page.get_by_label("Stakeholder constituency").select_option(constituency)
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.locator("#identity")).to_contain_text(name)


def request_floor(page: Page, kind: str = "Floor intervention", note: str = "") -> None:
    page.get_by_label(kind).check()
    if note:
        page.get_by_label("Note for the moderator (optional)").fill(note)
    page.get_by_role("button", name="Request the floor").click()


def status(page: Page) -> Any:
    return page.locator("#status-cards")


def after_the_guard(page: Page, confirming: Locator) -> None:
    """Until a deliberate second tap on ``confirming`` counts: the guard against a double tap
    (``delegate/confirm.js``, 600 ms from the first tap's ``event.timeStamp``) has passed."""
    page.wait_for_function(
        "(button) => performance.now() - Number(button.dataset.armedAt) > 650",
        arg=confirming.element_handle(),
    )


def assert_accessible(page: Page) -> None:
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious


@pytest.fixture
def phone(browser: Browser, faces: dict[str, Any]) -> Iterator[Page]:
    page = open_face(browser, "delegate", faces["delegate"], locale="en-GB")
    yield page
    page.context.close()


# --- joining and following one's turn ------------------------------------------------------------


def test_delegate_joins_requests_and_follows_their_turn(phone: Page, faces: dict[str, Any]) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)

    expect(phone.locator("#event-title")).to_contain_text("International Migration Review Forum")
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    assert_accessible(phone)
    screenshot(phone, "delegate-join")

    join(phone)
    expect(phone.locator("#segment-title")).to_have_text("Opening Segment")
    expect(phone.locator("#segment-badge")).to_have_text("Live")
    expect(phone.locator("#queue-list li")).to_have_count(3)
    expect(phone.locator("#queue-list")).to_contain_text("H.E. Mr. Abdulla Shahid")

    request_floor(phone, note="Decent work for migrant workers")
    expect(status(phone)).to_contain_text("Request sent")
    expect(status(phone)).to_contain_text("Your note: Decent work for migrant workers")
    expect(phone.locator("#queue-pending")).to_have_text("Requests awaiting approval: 1")
    assert_accessible(phone)
    screenshot(phone, "delegate-pending")

    request_id = pending_request(api, segment_id, "Amina Diallo")
    command(api, segment_id, type="approve_request", request_id=request_id)
    expect(status(phone)).to_contain_text("You are on the list of speakers")
    expect(status(phone)).to_contain_text("Place 4 of 4")
    expect(phone.locator("#queue-list li.mine")).to_contain_text("Amina Diallo")
    allotted = phone.locator(".status-allotted")
    expect(allotted).to_have_text(re.compile(r"^Speaking time: \d+:\d\d$"))
    screenshot(phone, "delegate-queued")
    # the moderator gives every waiting turn 2:30 to finish on time: she is told (probe A, 11)
    command(api, segment_id, type="set_queue_times", duration_ms=150_000)
    expect(allotted).to_have_text("Speaking time: 2:30")

    command(api, segment_id, type="call_next")
    expect(status(phone)).to_contain_text("Place 3 of 3")
    expect(phone.locator("#now-speaking")).to_contain_text("H.E. Mr. Abdulla Shahid")
    command(api, segment_id, type="call_next")
    expect(status(phone)).to_contain_text("Place 2 of 2")

    command(api, segment_id, type="call_next")  # the speaker before her takes the floor
    expect(phone.get_by_role("alert").filter(has_text="You are next")).to_be_visible()
    # the card: the alert's words, and the Withdraw button below them (not read out with them)
    banner = phone.locator(".status-next")
    expect(banner.get_by_role("button", name="Withdraw my request")).to_be_visible()
    assert_accessible(phone)
    screenshot(phone, "delegate-next")

    command(api, segment_id, type="call_next")
    command(api, segment_id, type="start_timer")
    expect(phone.get_by_role("alert").filter(has_text="You are speaking")).to_be_visible()
    # the card: the alert's words, and beside them the clock, a timer not read out each second
    speaking = phone.locator(".status-speaking")
    expect(speaking.get_by_role("timer")).to_contain_text("Time left")
    expect(speaking.locator(".status-clock")).to_have_text(re.compile(r"^[23]:\d\d$"))
    expect(phone.locator("#now-speaking")).to_contain_text("You")
    assert_accessible(phone)
    screenshot(phone, "delegate-speaking")

    command(api, segment_id, type="end_turn")
    expect(status(phone)).to_contain_text("Thank you")
    expect(phone.get_by_role("button", name="Request the floor")).to_be_visible()


def test_withdraw_while_pending_or_queued_and_decline_with_reason(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone)

    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")
    phone.get_by_role("button", name="Withdraw my request").click()
    expect(status(phone)).to_contain_text("You withdrew your request")
    expect(phone.locator("#queue-pending")).to_be_hidden()

    request_floor(phone, kind="Right of reply")
    expect(status(phone)).to_contain_text("Request sent")
    approve(api, segment_id)
    expect(status(phone)).to_contain_text("Place 4 of 4")
    expect(status(phone)).to_contain_text("Right of reply")
    # a place on the list is given up on a second tap only, on another button, below the first
    phone.get_by_role("button", name="Withdraw my request").click()
    again = phone.get_by_role("button", name="Give up my place")
    expect(again).to_be_visible()
    expect(phone.get_by_role("button", name="Keep my place")).to_be_visible()
    expect(status(phone)).to_contain_text("Place 4 of 4")
    after_the_guard(phone, again)
    again.click()
    expect(status(phone)).to_contain_text("You withdrew your request")
    expect(phone.locator("#queue-list li")).to_have_count(3)

    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")
    command(
        api,
        segment_id,
        type="decline_request",
        request_id=pending_request(api, segment_id, "Amina Diallo"),
        reason="Priority goes to constituencies that have not yet spoken",
    )
    expect(status(phone)).to_contain_text("Your request was declined")
    expect(status(phone)).to_contain_text(
        "Reason: Priority goes to constituencies that have not yet spoken"
    )
    assert_accessible(phone)
    screenshot(phone, "delegate-declined")


def test_a_queued_delegate_may_still_raise_a_point_of_order(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone)
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")

    toggle = phone.get_by_role("button", name="Raise a point of order")
    expect(phone.get_by_label("Floor intervention")).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(phone.get_by_label("Floor intervention")).to_be_hidden()
    request_floor(phone, kind="Point of order")
    expect(status(phone).locator("article")).to_have_count(2)
    expect(phone.get_by_role("button", name="Raise a point of order")).to_be_hidden()


def test_the_phone_remembers_the_delegate_until_they_leave(
    phone: Page, faces: dict[str, Any]
) -> None:
    start(faces["api"], opening(faces))
    join(phone, name="Carlos Pérez", organisation="Ciudad de México", constituency="media")
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")

    phone.reload()
    expect(phone.locator("#identity")).to_have_text("Signed in as Carlos Pérez · Ciudad de México")
    expect(status(phone)).to_contain_text("Request sent")
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_hidden()

    # a request is open: the first tap says leaving withdraws it, a second button leaves
    phone.get_by_role("button", name="Not you? Leave").click()
    expect(status(phone)).to_contain_text("Request sent")
    expect(phone.locator("#leave-confirm")).to_contain_text("Leaving withdraws your request")
    leave = phone.get_by_role("button", name="Withdraw and leave")
    after_the_guard(phone, leave)
    leave.click()
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    state = faces["api"].state(opening(faces))["state"]
    assert [r["name"] for r in state["requests"]] == []  # not left behind on the console
    phone.reload()
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    expect(phone.get_by_label("Your name")).to_have_value("")


def failures(page: Page) -> list[str]:
    """What DevTools would show as failed on this page from now on: answers of 400 and above,
    and errors in its console (a failed fetch also logs one there)."""
    failed: list[str] = []
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.on(
        "console", lambda message: failed.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: failed.append(str(error)))
    return failed


def session_checks(page: Page) -> list[str]:
    """The page's requests for its session (GET /api/v1/session), as they are made."""
    asked: list[str] = []
    page.on(
        "request",
        lambda request: (
            asked.append(request.url)
            if request.method == "GET" and request.url.endswith("/api/v1/session")
            else None
        ),
    )
    return asked


@pytest.fixture
def blank_phone(browser: Browser) -> Iterator[Page]:
    """A phone that has never been to the join page (its own cookies and storage), not yet on
    it: listeners can be set before its first request."""
    context = browser.new_context(viewport=VIEWPORTS["delegate"], bypass_csp=True, locale="en-GB")
    yield context.new_page()
    context.close()


def test_a_fresh_join_page_shows_no_failed_request(
    blank_phone: Page, faces: dict[str, Any]
) -> None:
    """Nobody has joined on this phone: the join form comes with nothing failed in DevTools (no
    401 for a session that cannot exist); once joined, a reload goes on with the session."""
    start(faces["api"], opening(faces))
    page = blank_phone
    failed = failures(page)
    asked = session_checks(page)
    page.goto(faces["delegate"])
    expect(page.get_by_role("heading", name="Join the hearing")).to_be_visible()
    # the event's name comes from the join code's lookup, which the page makes once it knows
    # whether it has a session: by then any session check has been answered
    title = f"Conference Room 4 · {faces['event']['title']}"
    expect(page.locator("#event-title")).to_have_text(title)
    assert failed == []
    assert asked == []

    join(page, name="Carlos Pérez", organisation="Ciudad de México", constituency="media")
    expect(page.get_by_role("button", name="Request the floor")).to_be_visible()
    page.reload()
    expect(page.locator("#identity")).to_have_text("Signed in as Carlos Pérez · Ciudad de México")
    expect(page.get_by_role("button", name="Request the floor")).to_be_visible()
    expect(page.get_by_role("heading", name="Join the hearing")).to_be_hidden()
    assert len(asked) == 1  # the phone that joined asked for its session, and went on with it
    assert failed == []


def test_a_phone_removed_while_put_away_learns_it_is_signed_out(
    phone: Page, faces: dict[str, Any]
) -> None:
    """The desk removes a delegate whose page is not open: when they come back to the link, the
    page asks, learns it is signed out, shows the join form, and does not ask again."""
    api: Api = faces["api"]
    start(api, opening(faces))
    join(phone, name="Amina Diallo (2)")
    expect(phone.get_by_role("button", name="Request the floor")).to_be_visible()
    phone.goto("about:blank")  # the phone is put away
    (person,) = [p for p in api.ok("GET", f"/events/{faces['event']['id']}/participants")
                 if p["name"] == "Amina Diallo (2)"]  # fmt: skip
    removed = api("DELETE", f"/participants/{person['id']}")
    assert removed.status_code == 204, removed.text
    asked = session_checks(phone)
    phone.goto(faces["delegate"])
    expect(phone.get_by_role("heading", name="This phone was signed out")).to_be_visible()
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    expect(phone.get_by_role("button", name="Request the floor")).to_be_hidden()
    expect(phone.locator("#identity")).to_be_hidden()
    assert len(asked) == 1
    failed = failures(phone)
    phone.reload()  # it remembers nobody now: a fresh join page, nothing failed
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    expect(phone.locator("#signed-out")).to_be_hidden()
    title = f"Conference Room 4 · {faces['event']['title']}"
    expect(phone.locator("#event-title")).to_have_text(title)
    assert len(asked) == 1
    assert failed == []


# --- languages -----------------------------------------------------------------------------------


def english_strings(page: Page) -> dict[str, str]:
    strings: dict[str, str] = page.evaluate(
        "async () => (await import('/static/js/i18n.js')).STRINGS.en"
    )
    return strings


def untranslated(page: Page, english: dict[str, str]) -> list[str]:
    """data-i18n elements (and translated attributes) still showing the English text."""
    found: list[str] = page.evaluate(
        """(english) => {
            const left = [];
            for (const node of document.querySelectorAll("*")) {
                for (const {name, value} of Array.from(node.attributes)) {
                    if (!name.startsWith("data-i18n")) continue;
                    const shown = name === "data-i18n"
                        ? node.textContent
                        : node.getAttribute(name.slice("data-i18n-".length));
                    if (shown === english[value]) left.push(value);
                }
            }
            return left;
        }""",
        english,
    )
    return found


def test_arabic_page_is_right_to_left_and_fully_translated(
    phone: Page, faces: dict[str, Any]
) -> None:
    segment_id = opening(faces)
    start(faces["api"], segment_id)
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    english = english_strings(phone)

    phone.get_by_label("Language", exact=True).select_option("ar")
    html = phone.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(phone.get_by_role("heading", name="الانضمام إلى جلسة الاستماع")).to_be_visible()
    assert untranslated(phone, english) == []
    constituencies = phone.locator("#join-constituency option").all_inner_texts()
    assert "نقابة عمالية" in constituencies and "Trade union" not in constituencies
    assert_accessible(phone)
    screenshot(phone, "delegate-ar")

    phone.get_by_label("اسمك").fill("ليلى حداد")
    phone.get_by_label("المنظمة (اختياري)").fill("جمعية المهاجرين العرب")
    phone.get_by_label("فئة أصحاب المصلحة").select_option("migrant_association")
    phone.get_by_role("button", name="انضمام").click()
    expect(phone.locator("#identity")).to_contain_text("ليلى حداد")
    phone.get_by_role("button", name="اطلب الكلمة").click()
    expect(status(phone)).to_contain_text("تم إرسال الطلب")
    api: Api = faces["api"]
    approve(api, segment_id, "ليلى حداد")
    expect(status(phone)).to_contain_text("الترتيب 4 من 4")
    assert untranslated(phone, english) == []
    # mirrored: the place numbers sit on the right, the "you" badge on the left
    mine = phone.locator("#queue-list li.mine")
    place = mine.locator(".queue-place").bounding_box()
    badge = mine.locator(".you").bounding_box()
    assert place is not None and badge is not None and place["x"] > badge["x"]
    assert_accessible(phone)
    screenshot(phone, "delegate-ar-queued")

    phone.reload()  # the choice is remembered on this phone
    expect(html).to_have_attribute("dir", "rtl")
    expect(phone.get_by_label("اللغة", exact=True)).to_have_value("ar")


def test_every_language_has_every_string(phone: Page) -> None:
    report: dict[str, Any] = phone.evaluate(
        """async () => {
            const i18n = await import('/static/js/i18n.js');
            // a count's forms (key#one, key#few...) are each language's own: test_languages.py
            // checks them against the language's plural categories
            const plain = (table) => Object.fromEntries(
                Object.entries(table).filter(([key]) => !key.includes("#")));
            const english = plain(i18n.STRINGS.en);
            const out = {};
            for (const {code} of i18n.LANGUAGES) {
                const table = plain(i18n.STRINGS[code] || {});
                const missing = Object.keys(english).filter((key) => !table[key]);
                const extra = Object.keys(table).filter((key) => !(key in english));
                const placeholders = Object.keys(english).filter((key) => {
                    const want = (english[key].match(/\\{\\w+\\}/g) || []).sort().join();
                    const got = ((table[key] || "").match(/\\{\\w+\\}/g) || []).sort().join();
                    return want !== got;
                });
                out[code] = {missing, extra, placeholders};
            }
            out.keys = Object.keys(english);
            return out;
        }"""
    )
    keys = set(report.pop("keys"))
    assert set(report) == {"ar", "zh", "en", "fr", "ru", "es"}
    for code, problems in report.items():
        assert problems == {"missing": [], "extra": [], "placeholders": []}, code
    constituencies = {key for key in keys if key.startswith("constituency.")}
    assert len(constituencies) == 16
    kinds = {key for key in keys if key.startswith("kind.")}
    assert len(kinds) == 8
    assert {"kind.question", "kind.answer", "error.points_of_order_off", "display.paused"} <= keys
    for key in (
        "now_speaking",
        "next_speakers",
        "scan_to_join",
        "or_visit",
        "waiting",
        "list_closed",
        "overtime",
        "segment_ended",
        "no_one_queued",
    ):
        assert f"display.{key}" in keys
    for status in ("submitted", "accepted", "set_aside", "merged"):
        assert f"contribution_status.{status}" in keys
    assert {"contribution.recommendation", "contribution.pledge", "display.outcome"} <= keys


def test_browser_language_is_the_default(browser: Browser, faces: dict[str, Any]) -> None:
    page = open_face(browser, "delegate", faces["delegate"], locale="ru-RU")
    try:
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(page.get_by_role("heading", name="Присоединиться к слушаниям")).to_be_visible()
        page.goto(faces["delegate"] + "?lang=zh")
        expect(page.locator("html")).to_have_attribute("lang", "zh")
        expect(page.get_by_role("button", name="加入")).to_be_visible()
    finally:
        page.context.close()


# --- safety and trouble --------------------------------------------------------------------------


def test_a_hostile_name_is_shown_as_text(phone: Page, faces: dict[str, Any]) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    dialogs: list[str] = []
    phone.on("dialog", dismissing_into(dialogs))

    join(phone, name=XSS_NAME, organisation="<b>bold</b>")
    request_floor(phone, note="<script>alert(2)</script>")
    expect(status(phone)).to_contain_text("Request sent")
    approve(api, segment_id, XSS_NAME)
    expect(phone.locator("#queue-list li.mine")).to_contain_text(XSS_NAME)
    expect(phone.locator("#identity")).to_contain_text(XSS_NAME)
    expect(phone.locator("#identity")).to_contain_text("<b>bold</b>")
    expect(status(phone)).to_contain_text("<script>alert(2)</script>")
    assert phone.locator("main img, main b, main script").count() == 0
    assert dialogs == []


def test_why_nothing_can_be_asked_comes_in_the_delegates_language(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    command(api, segment_id, type="set_floor_mode", mode="open")
    command(api, segment_id, type="set_queue_cap", cap=3)  # the three opening speakers

    phone.get_by_label("Language", exact=True).select_option("fr")
    phone.get_by_label("Votre nom").fill("Élodie Martin")
    phone.get_by_label("Groupe de parties prenantes").select_option("academia")
    phone.get_by_role("button", name="Rejoindre").click()
    expect(phone.locator("#identity")).to_contain_text("Élodie Martin")
    # the server says the full list refuses every kind: no form, its reason instead
    expect(phone.locator("#request-closed")).to_have_text("La liste des orateurs est complète.")
    expect(phone.get_by_role("button", name="Demander la parole")).to_be_hidden()

    command(api, segment_id, type="set_queue_cap", cap=None)
    expect(phone.get_by_role("button", name="Demander la parole")).to_be_visible()
    expect(phone.locator("#request-closed")).to_be_hidden()


def test_points_of_order_turned_off_are_explained_in_the_delegates_language(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    phone.get_by_label("Language", exact=True).select_option("fr")
    phone.get_by_label("Votre nom").fill("Élodie Martin")
    phone.get_by_label("Groupe de parties prenantes").select_option("academia")
    phone.get_by_role("button", name="Rejoindre").click()
    expect(phone.locator("#identity")).to_contain_text("Élodie Martin")
    point_of_order = "Motion d\u2019ordre"  # French typography: a curly apostrophe
    expect(phone.get_by_label(point_of_order)).to_be_visible()

    command(api, segment_id, type="set_points_of_order", enabled=False)
    expect(phone.get_by_label(point_of_order)).to_be_hidden()
    expect(phone.locator("#request-notice")).to_have_text(
        "Les motions d\u2019ordre ne sont pas accept\u00e9es dans ce segment."
    )
    expect(phone.get_by_role("button", name="Demander la parole")).to_be_visible()
    phone.locator("#language-picker").select_option("ar")
    expect(phone.locator("#request-notice")).to_have_text("لا تُقبل نقاط النظام في هذا الجزء.")

    command(api, segment_id, type="set_points_of_order", enabled=True)
    expect(phone.locator("#request-notice")).to_be_hidden()
    expect(phone.get_by_label("نقطة نظام")).to_be_visible()


def test_joining_needs_a_name_and_a_constituency(phone: Page) -> None:
    phone.get_by_role("button", name="Join", exact=True).click()
    expect(phone.get_by_text("Please enter your name.")).to_be_visible()
    expect(phone.get_by_label("Your name")).to_be_focused()
    phone.get_by_label("Your name").fill("Amina Diallo")
    phone.get_by_role("button", name="Join", exact=True).click()
    expect(phone.get_by_text("Please choose your constituency.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()


def test_a_wrong_join_code_says_the_link_does_not_work(
    browser: Browser, faces: dict[str, Any]
) -> None:
    page = open_face(browser, "delegate", f"{faces['server'].base}/join/not-a-code")
    try:
        expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    finally:
        page.context.close()


def test_joining_under_a_registered_name_sends_them_to_the_desk(
    phone: Page, faces: dict[str, Any]
) -> None:
    """Someone on the secretariat's list (imported, never given a phone) is not registered again
    from a phone (`409 already_registered`): the phone says why and what to do, in their
    language."""
    event = faces["event"]
    sheet = "Name,Organisation,Constituency\nMaria Hernández,Red de Migrantes,Academia\n"
    files = {"file": ("list.csv", sheet.encode(), "text/csv")}
    faces["api"].ok("POST", f"/events/{event['id']}/participants/import", files=files)

    phone.get_by_label("Your name").fill("maria hernández ")  # compared without case or spaces
    phone.get_by_label("Organisation (optional)").fill("Red de Migrantes")
    phone.get_by_label("Stakeholder constituency").select_option("academia")
    phone.get_by_role("button", name="Join", exact=True).click()
    error = phone.locator("#join-error")
    expect(error).to_have_text(
        "Someone of this name and organisation is registered already. If that is you, ask the "
        "secretariat\u2019s desk for your own phone link or QR code. If it is someone else of that "
        "name, add what tells you apart (a title, a second name) to your name and join again."
    )
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    expect(phone.locator("#view-floor")).to_be_hidden()

    phone.get_by_label("Language", exact=True).select_option("es")
    phone.get_by_role("button", name="Unirse", exact=True).click()
    expect(error).to_contain_text(
        "Ya hay alguien inscrito con este nombre y esta organización. Si es usted, pida en el "
        "mostrador de la secretaría su propio enlace"
    )
    # someone else of that name tells themselves apart, and joins
    phone.get_by_label("Su nombre").fill("Maria José Hernández")
    phone.get_by_role("button", name="Unirse", exact=True).click()
    expect(phone.locator("#identity")).to_contain_text("Maria José Hernández")


def test_reconnecting_is_shown_while_the_server_is_away(phone: Page, faces: dict[str, Any]) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone)
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")
    banner = phone.get_by_role("status").filter(has_text="Reconnecting…")

    server = faces["server"]
    server.stop()
    expect(banner).to_be_visible()
    screenshot(phone, "delegate-reconnecting")
    server.start()
    expect(banner).to_be_hidden(timeout=20_000)
    approve(api, segment_id)
    expect(status(phone)).to_contain_text("Place 4 of 4")


# --- a rotated join code (security.md, second round, row 7) --------------------------------------


def join_lookups(page: Page) -> list[str]:
    """Every GET /api/v1/join/... this page makes from now on (a wrong one counts against the
    phone's address)."""
    asked: list[str] = []

    def record(request: Request) -> None:
        if "/api/v1/join/" in request.url:
            asked.append(request.url)

    page.on("request", record)
    return asked


def test_a_rotated_join_code_does_not_lock_out_who_joined(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    event = faces["event"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone)
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")

    rotated = api.ok("POST", f"/events/{event['id']}/join-code")
    assert rotated["join_code"] != event["join_code"]
    asked = join_lookups(phone)
    for _ in range(3):  # the phone was put away and taken out again, on the old link
        phone.reload()
        expect(phone.locator("#identity")).to_have_text("Signed in as Amina Diallo · ITUC")
        expect(status(phone)).to_contain_text("Request sent")
        expect(phone.locator("#event-title")).to_have_text(f"{event['room']} · {event['title']}")
        expect(phone.locator("#segment-title")).to_have_text("Opening Segment")
    approve(api, segment_id)
    expect(status(phone)).to_contain_text("Place 4 of 4")
    assert asked == []  # the old code was never looked up: no wrong code counted

    # once they leave, the old link is only a link, and it no longer works
    phone.get_by_role("button", name="Not you? Leave").click()
    leave = phone.get_by_role("button", name="Withdraw and leave")
    after_the_guard(phone, leave)
    leave.click()
    expect(phone.get_by_role("heading", name="This link does not work")).to_be_visible()
    assert len(asked) == 1


def test_a_correction_by_the_secretariat_reaches_the_phone_at_once(
    phone: Page, faces: dict[str, Any]
) -> None:
    """The delegate misspelt their name when joining; the desk corrects it (PATCH
    /participants/{id}): the phone, never reloaded, says who they are now, and remembers it."""
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone, name="Amina Dialo", organisation="MFA")
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")
    (person,) = [p for p in api.ok("GET", f"/events/{faces['event']['id']}/participants")
                 if p["name"] == "Amina Dialo"]  # fmt: skip
    api.ok(
        "PATCH",
        f"/participants/{person['id']}",
        json={"name": "Amina Diallo", "organisation": "Migrant Forum in Asia"},
    )
    expect(phone.locator("#identity")).to_have_text(
        "Signed in as Amina Diallo · Migrant Forum in Asia"
    )
    expect(status(phone)).to_contain_text("Request sent")  # their request is as it was
    phone.reload()
    expect(phone.locator("#identity")).to_have_text(
        "Signed in as Amina Diallo · Migrant Forum in Asia"
    )


def test_a_registration_removed_by_the_secretariat_signs_the_phone_out(
    phone: Page, faces: dict[str, Any]
) -> None:
    """A delegate joined twice (a second phone, a colleague's): the desk removes the duplicate,
    and the phone that holds it, never reloaded, is back at the join form, so whoever holds it
    joins again under their own name."""
    api: Api = faces["api"]
    start(api, opening(faces))
    join(phone, name="Amina Diallo (2)")
    expect(phone.get_by_role("button", name="Request the floor")).to_be_visible()
    (person,) = [p for p in api.ok("GET", f"/events/{faces['event']['id']}/participants")
                 if p["name"] == "Amina Diallo (2)"]  # fmt: skip
    removed = api("DELETE", f"/participants/{person['id']}")
    assert removed.status_code == 204, removed.text
    notice = phone.locator("#signed-out")
    expect(notice.get_by_role("heading", name="This phone was signed out")).to_be_visible()
    expect(notice).to_contain_text("If you still wish to speak, ask the secretariat")
    expect(notice).to_contain_text("To join again from this phone, fill in the form below.")
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    expect(phone.get_by_role("button", name="Request the floor")).to_be_hidden()
    phone.reload()  # and it stays signed out
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()


def test_a_new_code_of_the_same_event_leads_to_the_delegates_page(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    event = faces["event"]
    start(api, opening(faces))
    join(phone)
    rotated = api.ok("POST", f"/events/{event['id']}/join-code")
    phone.goto(f"{faces['server'].base}/join/{rotated['join_code']}")  # the room display's new QR
    expect(phone.locator("#identity")).to_have_text("Signed in as Amina Diallo · ITUC")
    expect(phone.get_by_role("button", name="Request the floor")).to_be_visible()


def test_another_days_link_is_for_joining_that_day(phone: Page, faces: dict[str, Any]) -> None:
    api: Api = faces["api"]
    start(api, opening(faces))
    join(phone)
    next_day = api.ok("POST", "/events", json={"title": "Second day of the hearing"})
    phone.goto(f"{faces['server'].base}/join/{next_day['join_code']}")
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    expect(phone.locator("#event-title")).to_have_text("Second day of the hearing")
    join(phone, name="Amina Diallo")
    expect(phone.locator("#segment-title")).to_have_text("The floor will open shortly")


# --- refusals: shown, never sent again in a loop -------------------------------------------------

SOCKETS = re.compile(r".*/ws/.*")

#: What a floor command frame from the phone looks like on the socket.
Frame = dict[str, Any]


def wait_until(page: Page, condition: Callable[[], bool], timeout_ms: int = 5000) -> None:
    """Let the page run until `condition` holds (Playwright's own waits take page scripts)."""
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition()


def floor_commands(page: Page, answer: Callable[[WebSocketRoute, Frame], bool]) -> None:
    """Pass the phone's socket through to the server, except its floor commands, which
    `answer(socket, frame)` sees first: it returns True when it answered the frame itself (or
    dropped it), False to let it through to the server."""

    def handler(socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()

        def from_page(message: str | bytes) -> None:
            frame = json.loads(message)
            command = frame.get("command") if isinstance(frame, dict) else None
            kind = command.get("type") if isinstance(command, dict) else None
            floor = frame.get("type") == "command" and kind in ("request_floor", "withdraw_request")
            if floor and answer(socket, frame):
                return
            server.send(message)

        socket.on_message(from_page)

    page.route_web_socket(SOCKETS, handler)


def refuse(status_code: int, code: str, **extra: Any) -> Any:
    """A route handler answering every REST call as the server refuses one."""

    def handler(route: Route) -> None:
        body = {"error": {"code": code, "message": f"refused: {code}"}, **extra}
        route.fulfill(status=status_code, content_type="application/json", body=json.dumps(body))

    return handler


def refusal(socket: WebSocketRoute, frame: Frame, code: str, **extra: Any) -> bool:
    """Answer a floor command as the server refuses one."""
    answer = {"type": "error", "code": code, "message": f"refused: {code}"}
    socket.send(json.dumps({**answer, "command_id": frame["command_id"], **extra}))
    return True


def test_a_floor_request_goes_over_the_socket_the_phone_holds(
    phone: Page, faces: dict[str, Any]
) -> None:
    """No HTTP request for it: no TCP or TLS handshake, no HTTP stack (issue 16, item 3)."""
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    posts: list[str] = []
    phone.on("request", lambda r: posts.append(r.url) if r.method != "GET" else None)
    seen: list[Frame] = []

    def watch(socket: WebSocketRoute, frame: Frame) -> bool:
        seen.append(frame)
        return False  # through to the server

    floor_commands(phone, watch)
    join(phone)
    posts.clear()  # joining is a REST call; asking for the floor is not
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")
    assert [frame["command"]["type"] for frame in seen] == ["request_floor"]
    assert not [url for url in posts if "/floor-requests" in url or "/commands" in url]
    phone.get_by_role("button", name="Withdraw").click()
    wait_until(phone, lambda: [f["command"]["type"] for f in seen][-1] == "withdraw_request")
    wait_until(phone, lambda: api.state(segment_id)["state"]["requests"] == [])


def test_a_refusal_the_form_could_not_know_is_shown(phone: Page, faces: dict[str, Any]) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    sent: list[Frame] = []

    def list_closes_first(socket: WebSocketRoute, frame: Frame) -> bool:
        sent.append(frame)  # the moderator was a moment quicker
        command(api, segment_id, type="close_list")
        return False

    floor_commands(phone, list_closes_first)
    join(phone)
    request_floor(phone)
    expect(phone.locator("#request-error")).to_have_text("The list of speakers is closed.")
    # the update that closed the list follows: only a point of order is left, and it says why
    expect(phone.locator("#request-notice")).to_have_text(
        "The list of speakers is closed. You may still raise a point of order."
    )
    expect(phone.get_by_label("Floor intervention")).to_be_hidden()
    expect(phone.get_by_label("Point of order")).to_be_checked()
    assert len(sent) == 1


def test_a_refusal_is_not_sent_again_while_nothing_changed(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    sent: list[Frame] = []

    def forbidden(socket: WebSocketRoute, frame: Frame) -> bool:
        sent.append(frame)
        return refusal(socket, frame, "forbidden")

    floor_commands(phone, forbidden)
    join(phone)
    request_floor(phone)
    error = phone.locator("#request-error")
    expect(error).to_have_text("This phone may not do that. Ask the secretariat for help.")
    for _ in range(5):  # pressing again and again in the same state: the same answer, unsent
        phone.get_by_role("button", name="Request the floor").click()
        expect(error).to_be_visible()
    phone.wait_for_timeout(500)
    assert len(sent) == 1

    command(api, segment_id, type="call_next")  # the floor moved on: asking again may differ
    expect(phone.locator("#now-speaking")).to_contain_text("H.E. Mr. Abdulla Shahid")
    phone.get_by_role("button", name="Request the floor").click()
    wait_until(phone, lambda: len(sent) == 2)


def test_a_rate_limit_is_waited_out_once_then_the_phone_stops(
    phone: Page, faces: dict[str, Any]
) -> None:
    start(faces["api"], opening(faces))
    sent: list[float] = []

    def limited(socket: WebSocketRoute, frame: Frame) -> bool:
        sent.append(time.monotonic())
        return refusal(socket, frame, "rate_limited", retry_after_s=2)

    floor_commands(phone, limited)
    join(phone)
    request_floor(phone)
    error = phone.locator("#request-error")
    expect(error).to_contain_text("trying again in 2 seconds")
    expect(error).to_have_text(
        "Too many requests from this phone. Wait 2 seconds, then try again.", timeout=5000
    )
    assert len(sent) == 2 and sent[1] - sent[0] >= 1.9
    expect(phone.get_by_role("button", name="Request the floor")).to_be_enabled()
    phone.locator("#request-submit").scroll_into_view_if_needed()
    screenshot(phone, "delegate-refused")
    phone.get_by_role("button", name="Request the floor").click()  # at once: nothing is sent
    phone.wait_for_timeout(3000)
    assert len(sent) == 2


def test_a_join_whose_answer_was_lost_is_not_a_second_registration(
    phone: Page, faces: dict[str, Any]
) -> None:
    """The join reaches the server but its answer never reaches the phone (the Wi-Fi drops):
    the delegate taps Join again and is in, once on the secretariat's list."""
    api: Api = faces["api"]
    event_id = faces["event"]["id"]
    bodies: list[dict[str, Any]] = []

    def lose_the_first_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        bodies.append(json.loads(route.request.post_data or "{}"))
        if len(bodies) == 1:
            route.fetch()  # the server registers them ...
            route.abort("connectionreset")  # ... and the answer is lost on the way
        else:
            route.continue_()

    phone.route(f"**/api/v1/events/{event_id}/participants", lose_the_first_answer)
    phone.get_by_label("Your name").fill("Rosa Quispe Mamani")
    phone.get_by_label("Stakeholder constituency").select_option("civil_society")
    phone.get_by_role("button", name="Join", exact=True).click()
    expect(phone.locator("#join-error")).to_be_visible()
    phone.get_by_role("button", name="Join", exact=True).click()
    expect(phone.locator("#identity")).to_contain_text("Rosa Quispe Mamani")
    listed = api.ok("GET", f"/events/{event_id}/participants")
    assert [p["name"] for p in listed].count("Rosa Quispe Mamani") == 1
    assert len(bodies) == 2
    assert bodies[0]["registration_id"] == bodies[1]["registration_id"]


def test_a_lost_answer_is_sent_again_with_the_same_command_id(
    phone: Page, faces: dict[str, Any]
) -> None:
    """The socket drops with the request on its way: the phone reconnects and sends it again;
    then the server cannot write it (503): sent again after a wait; then it is applied, once."""
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    command_ids: list[str] = []

    def flaky(socket: WebSocketRoute, frame: Frame) -> bool:
        command_ids.append(frame["command_id"])
        if len(command_ids) == 1:
            socket.close(code=4000, reason="the network went away")
            return True
        if len(command_ids) == 2:
            return refusal(socket, frame, "storage_unavailable")
        return False

    floor_commands(phone, flaky)
    join(phone)
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent", timeout=15_000)
    assert len(command_ids) == 3 and len(set(command_ids)) == 1
    assert [r["name"] for r in api.state(segment_id)["state"]["requests"]] == ["Amina Diallo"]
    expect(phone.locator("#request-error")).to_be_hidden()


def test_a_refusal_in_arabic(phone: Page, faces: dict[str, Any]) -> None:
    start(faces["api"], opening(faces))
    floor_commands(
        phone, lambda socket, frame: refusal(socket, frame, "rate_limited", retry_after_s=1)
    )
    phone.get_by_label("Language", exact=True).select_option("ar")
    phone.get_by_label("اسمك").fill("ليلى حداد")
    phone.get_by_label("فئة أصحاب المصلحة").select_option("migrant_association")
    phone.get_by_role("button", name="انضمام").click()
    expect(phone.locator("#identity")).to_contain_text("ليلى حداد")
    phone.get_by_role("button", name="اطلب الكلمة").click()
    expect(phone.locator("#request-error")).to_have_text(
        "طلبات كثيرة جدًا من هذا الهاتف. انتظر ثانية واحدة ثم حاول مرة أخرى.", timeout=5000
    )
    assert_accessible(phone)
    phone.locator("#request-submit").scroll_into_view_if_needed()
    screenshot(phone, "delegate-ar-refused")


# --- what is possible is what the server says ----------------------------------------------------


def test_the_form_offers_what_the_server_says(phone: Page, faces: dict[str, Any]) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone)
    kinds = ["Floor intervention", "Point of order", "Right of reply"]
    for kind in kinds:
        expect(phone.get_by_label(kind)).to_be_visible()

    command(api, segment_id, type="close_list")
    expect(phone.get_by_label("Floor intervention")).to_be_hidden()
    expect(phone.get_by_label("Right of reply")).to_be_hidden()
    expect(phone.get_by_label("Point of order")).to_be_checked()
    command(api, segment_id, type="reopen_list")
    expect(phone.get_by_label("Floor intervention")).to_be_checked()
    expect(phone.locator("#request-notice")).to_be_hidden()

    command(api, segment_id, type="end_segment")
    expect(phone.locator("#request-closed")).to_have_text(
        "This segment has ended: no more requests."
    )
    expect(phone.locator("#request-section")).to_be_hidden()


def test_a_segment_that_ends_before_their_turn_no_longer_says_they_are_next(
    phone: Page, faces: dict[str, Any]
) -> None:
    """The probe: first on the list when the moderator ends the segment, the phone went on
    saying "You are next" above "This segment has ended"."""
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone)
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")
    (pending,) = api.state(segment_id)["state"]["requests"]
    command(api, segment_id, type="approve_request", request_id=pending["id"], position=0)
    expect(status(phone)).to_contain_text("You are next")
    command(api, segment_id, type="end_segment")
    expect(status(phone)).to_contain_text("The segment ended before your turn")
    expect(status(phone)).not_to_contain_text("You are next")
    expect(phone.get_by_role("button", name="Withdraw my request")).to_be_hidden()


# --- a recommendation or a pledge for the outcome ------------------------------------------------

CONTRIBUTIONS = "**/api/v1/events/*/contributions"


def open_contribution_form(page: Page, opener: str = "Write a recommendation or pledge") -> None:
    page.get_by_role("button", name=opener).click()
    expect(page.locator("#contribute-form")).to_be_visible()


def test_a_contribution_made_while_speaking_is_sent_once_and_followed(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone)
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")
    give_floor(api, segment_id)
    expect(status(phone)).to_contain_text("You are speaking")
    entry_id = api.state(segment_id)["state"]["current"]["id"]

    bodies: list[dict[str, Any]] = []

    def flaky(route: Route) -> None:
        bodies.append(json.loads(route.request.post_data or "{}"))
        if len(bodies) == 1:
            route.abort("internetdisconnected")  # no answer at all
        elif len(bodies) == 2:
            refuse(503, "storage_unavailable")(route)  # the server could not write it
        else:
            route.continue_()

    phone.route(CONTRIBUTIONS, flaky)
    open_contribution_form(phone)
    expect(phone.get_by_label("Recommendation", exact=True)).to_be_checked()
    expect(phone.get_by_label("Language of your text")).to_have_value("en")
    text = "Recognise the skills of migrant workers across borders,\nwith the trade unions."
    phone.get_by_label("Your text", exact=True).fill(text)
    expect(phone.locator("#contribute-count")).to_have_text(f"{len(text)} of 2000 characters")
    phone.get_by_role("button", name="Send", exact=True).click()
    expect(phone.locator("#contribute-sent")).to_have_text("Sent. The rapporteur will review it.")
    expect(phone.locator("#contribute-form")).to_be_hidden()
    mine = phone.locator("#contributions-list li")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Submitted")
    assert len(bodies) == 3 and len({body["command_id"] for body in bodies}) == 1
    assert bodies[0]["segment_id"] == segment_id and bodies[0]["entry_id"] == entry_id
    (stored,) = api.ok("GET", f"/events/{faces['event']['id']}/contributions")["contributions"]
    assert stored["text"] == text and stored["entry_id"] == entry_id

    # curated elsewhere: the phone follows, live
    api.ok(
        "PATCH",
        f"/contributions/{stored['id']}",
        json={
            "command_id": "curate-1",
            "text": "Recognise migrant workers' skills across borders.",
            "status": "accepted",
        },
    )
    expect(mine).to_contain_text("Accepted")
    expect(mine).to_contain_text("Recognise migrant workers' skills across borders.")
    expect(mine).to_contain_text("Reworded by the rapporteur")
    assert_accessible(phone)


def test_a_contribution_in_arabic(phone: Page, faces: dict[str, Any]) -> None:
    start(faces["api"], opening(faces))
    english = english_strings(phone)
    phone.get_by_label("Language", exact=True).select_option("ar")
    phone.get_by_label("اسمك").fill("ليلى حداد")
    phone.get_by_label("فئة أصحاب المصلحة").select_option("national_human_rights_institution")
    phone.get_by_role("button", name="انضمام").click()
    expect(phone.locator("#identity")).to_contain_text("ليلى حداد")

    open_contribution_form(phone, "اكتب توصية أو تعهدًا")
    expect(phone.get_by_label("لغة النص")).to_have_value("ar")
    phone.get_by_role("button", name="إرسال", exact=True).click()  # nothing written yet
    expect(phone.locator("#contribute-text-error")).to_have_text("يرجى كتابة توصيتك أو تعهدك.")
    expect(phone.get_by_label("نصك", exact=True)).to_be_focused()

    phone.get_by_label("تعهد", exact=True).check()
    phone.get_by_label("نصك", exact=True).fill("نتعهد بتدريب مئة محامٍ على حقوق المهاجرين.")
    phone.route(CONTRIBUTIONS, refuse(403, "forbidden"))
    phone.get_by_role("button", name="إرسال", exact=True).click()
    expect(phone.locator("#contribute-error")).to_have_text(
        "لا يُسمح لهذا الهاتف بذلك. اطلب المساعدة من الأمانة."
    )
    phone.unroute(CONTRIBUTIONS)
    phone.get_by_role("button", name="إرسال", exact=True).click()
    mine = phone.locator("#contributions-list li")
    expect(mine).to_contain_text("تعهد")
    expect(mine).to_contain_text("مُرسلة")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    assert untranslated(phone, english) == []
    assert_accessible(phone)
    phone.locator("#contribute-heading").evaluate("node => node.scrollIntoView({block: 'start'})")
    screenshot(phone, "delegate-ar-contribution")


# --- issue 13: the event's languages, who speaks, a phone that fits -----------------------------


def test_the_language_picker_offers_the_events_languages_only(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """An event limited to English, French and Spanish offers those three; a browser in another
    language gets the event's first, one in Spanish gets Spanish."""
    api: Api = faces["api"]
    event = api.ok(
        "POST", "/events", json={"title": "Audiencia regional", "languages": ["en", "fr", "es"]}
    )
    url = f"{faces['server'].base}/join/{event['join_code']}"
    for locale, expected in [("ru-RU", "en"), ("es-MX", "es")]:
        page = open_face(browser, "delegate", url, locale=locale)
        try:
            expect(page.locator("html")).to_have_attribute("lang", expected)
            picker = page.locator("#language-picker option")
            expect(picker).to_have_text(["English", "Français", "Español"])
            assert picker.evaluate_all("options => options.map((o) => o.value)") == [
                "en",
                "fr",
                "es",
            ]
            # what one speaks on the floor is not limited to them: the six and another
            spoken = page.locator("#join-language option")
            assert spoken.evaluate_all("options => options.map((o) => o.value)") == [
                "ar",
                "zh",
                "en",
                "fr",
                "ru",
                "es",
                "other",
            ]
            page.locator("#language-picker").select_option("fr")
            expect(page.get_by_role("heading", name="Rejoindre l\u2019audition")).to_be_visible()
        finally:
            page.context.close()
    # an address asking for a language the event does not offer gets one it does
    page = open_face(browser, "delegate", f"{url}?lang=ar", locale="en-GB")
    try:
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
    finally:
        page.context.close()


def test_joining_says_gender_and_floor_language_only_if_given(
    phone: Page, faces: dict[str, Any]
) -> None:
    """Gender is optional and self-declared ("prefer not to say" sends nothing); the floor
    language may be another than the six; the privacy line says what the room display shows."""
    api: Api = faces["api"]
    expect(phone.locator(".fine-print").last).to_have_text(
        re.compile(r"the language you speak and whether you take part online.*never shown")
    )
    expect(phone.get_by_label("Gender (optional)")).to_have_value("")
    expect(phone.locator("#join-gender option")).to_have_text(
        ["Prefer not to say", "Woman", "Man", "Another gender"]
    )
    phone.get_by_label("Gender (optional)").select_option("woman")
    phone.get_by_label("Language you will speak").select_option("other")
    phone.get_by_label("Online").check()
    join(phone, name="Chen Wei", organisation="Asia Pacific Refugee Network")
    phone.get_by_role("button", name="Not you? Leave").click()
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    expect(phone.get_by_label("Gender (optional)")).to_have_value("")  # emptied for the next one
    join(phone, name="Ana Souza", organisation="Cáritas")
    people = {p["name"]: p for p in api.ok("GET", f"/events/{faces['event']['id']}/participants")}
    assert people["Chen Wei"]["gender"] == "woman"
    assert people["Chen Wei"]["language"] == "other"
    assert people["Chen Wei"]["attendance"] == "remote"
    assert people["Ana Souza"]["gender"] is None
    assert people["Ana Souza"]["language"] == "en"
    assert people["Ana Souza"]["attendance"] == "in_room"


#: Elements of the page cut off at the side of the screen (a phone's page scrolls, so below the
#: screen is fine).
SIDEWAYS_JS = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.getClientRects().length || el.closest('.visually-hidden')) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) continue;
    if (box.left < -1 || box.right > width + 1) {
      const text = (el.textContent || '').trim().slice(0, 30);
      found.push(`${el.tagName.toLowerCase()}#${el.id} "${text}"`);
    }
  }
  if (document.documentElement.scrollWidth > width + 1) found.push('the page scrolls sideways');
  return found;
}"""


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_phone_fits_its_screen(browser: Browser, faces: dict[str, Any], language: str) -> None:
    """At a phone's size, in English and in Arabic, nothing sticks out at the side: the join form,
    then the floor with a long name and organisation in the queue."""
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    api.command(
        segment_id,
        {
            "type": "add_speaker",
            "name": "Her Excellency Ambassador María Fernanda Espinosa Garcés de la Cruz",
            "organisation": "Office of the United Nations High Commissioner for Human Rights",
            "position": 0,
        },
    ).raise_for_status()
    page = open_face(browser, "delegate", f"{faces['delegate']}?lang={language}")
    try:
        for width, height in [(360, 740), (412, 915)]:
            page.set_viewport_size({"width": width, "height": height})
            expect(page.locator("#join-form")).to_be_visible()
            assert page.evaluate(SIDEWAYS_JS) == [], (language, width)
        page.locator("#join-name").fill("Amina Diallo")
        page.locator("#join-organisation").fill("ITUC")
        page.locator("#join-constituency").select_option("trade_union")
        page.locator("#join-submit").click()
        expect(page.locator("#queue-list li").first).to_contain_text("María Fernanda")
        for width, height in [(360, 740), (412, 915)]:
            page.set_viewport_size({"width": width, "height": height})
            assert page.evaluate(SIDEWAYS_JS) == [], (language, width)
    finally:
        page.context.close()


def test_a_phone_in_another_zone_is_told_whose_times_it_shows(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Outside probe L: a remote delegate in Tokyo read "Starts at 10:30" with no zone; the times
    are the event's (New York). A phone in the event's own zone is not told what it knows."""
    zone = str(faces["event"]["timezone"])
    far = open_face(browser, "delegate", faces["delegate"], timezone_id="Asia/Tokyo")
    expect(far.locator("#time-zone")).to_have_text(f"Time zone: {zone}")
    expect(far.locator("#time-zone bdi")).to_have_attribute("dir", "ltr")
    far.goto(faces["delegate"] + "?lang=fr")
    expect(far.locator("#time-zone")).to_contain_text("Fuseau horaire")
    expect(far.locator("#time-zone")).to_contain_text(zone)
    far.context.close()
    near = open_face(browser, "delegate", faces["delegate"], timezone_id=zone)
    expect(near.locator("#event-title")).to_contain_text("Conference Room 4")
    expect(near.locator("#time-zone")).to_be_hidden()
    near.context.close()


def test_the_phone_says_a_start_that_has_passed_as_due(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Outside probe A (a day that runs late): the phone said "Starts at 20:10" after 20:10,
    where the room's screens said "Was due at 20:10". A start to come turns due as it passes."""
    api = faces["api"]
    opening = faces["event"]["segments"][0]
    phone = open_face(browser, "delegate", faces["delegate"])
    try:
        join(phone)
        badge = phone.locator("#segment-badge")
        expect(badge).to_have_text(re.compile(r"^Was due at \d\d:\d\d$"))  # the demo's past day
        start = api.state(str(opening["id"]))["server_time"] + 6000
        body = {
            "command_id": "soon",
            "scheduled_start_at": start,
            "scheduled_end_at": start + 3_600_000,
        }
        api.ok("PATCH", f"/segments/{opening['id']}", json=body)
        expect(badge).to_have_text(re.compile(r"^Starts at \d\d:\d\d$"))
        at = badge.inner_text().removeprefix("Starts at ")
        expect(badge).to_have_text(f"Was due at {at}", timeout=15_000)
    finally:
        phone.context.close()


def test_a_request_dropped_at_the_segments_end_is_said_until_dismissed(
    phone: Page, faces: dict[str, Any]
) -> None:
    """Outside probe A: the segment ended before her turn, the phone said her place would go
    with the list if it were carried over; the moderator dropped the list and the next segment
    began, and the phone said nothing of her request. It says so, naming the segment, until she
    dismisses it (and not again after a reload)."""
    api: Api = faces["api"]
    segment_id = opening(faces)
    title = faces["event"]["segments"][0]["title"]
    start(api, segment_id)
    join(phone)
    request_floor(phone)
    command(
        api,
        segment_id,
        type="approve_request",
        request_id=pending_request(api, segment_id, "Amina Diallo"),
    )
    expect(status(phone)).to_contain_text("Place 4 of 4")
    command(api, segment_id, type="end_segment")
    expect(status(phone)).to_contain_text("The segment ended before your turn")
    command(api, segment_id, type="carry_queue", to_segment_id=None)
    start(api, str(faces["event"]["segments"][1]["id"]))
    card = phone.locator(".status-dropped")
    expect(card).to_contain_text("Not taken up")
    expect(card).to_contain_text(f"“{title}” ended before your turn")
    expect(phone.locator("#segment-title")).to_contain_text("Thematic discussion I")
    screenshot(phone, "delegate-dropped")
    phone.reload()
    expect(phone.locator(".status-dropped")).to_contain_text("Not taken up")  # kept on the phone
    phone.locator(".status-dropped").get_by_role("button", name="Dismiss").click()
    expect(phone.locator(".status-dropped")).to_have_count(0)
    phone.reload()
    expect(phone.locator("#segment-title")).to_contain_text("Thematic discussion I")
    expect(phone.locator(".status-dropped")).to_have_count(0)
