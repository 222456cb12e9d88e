"""The delegate's phone when things go wrong for the person holding it: a nervous double tap, a
screen reader, the network dropping, the phone sleeping, large text on a small screen, too many
tabs, and being signed out by the secretariat (outside probe E)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from tests.e2e.server import Api, ServerProcess

from .conftest import open_face
from .test_delegate import (
    SIDEWAYS_JS,
    after_the_guard,
    command,
    join,
    opening,
    pending_request,
    request_floor,
    start,
    status,
)

#: Sockets one phone's key may hold at once here: the ninth-tab refusal met with the third tab.
TABS = 2


@pytest.fixture
def demo_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerProcess]:
    """The demo server, with room for TABS tabs of one phone (CONNECTIONS_PER_TOKEN)."""
    monkeypatch.setenv("FLOORKEEPER_CONNECTIONS_PER_TOKEN", str(TABS))
    server = ServerProcess(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path / "server.log", demo=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def phone(browser: Browser, faces: dict[str, Any]) -> Iterator[Page]:
    page = open_face(browser, "delegate", faces["delegate"], locale="en-GB", has_touch=True)
    yield page
    page.context.close()


def queued(phone: Page, faces: dict[str, Any], name: str = "Amina Diallo") -> str:
    """Join the live opening segment as ``name``, request the floor, be approved (place 4 of 4,
    after its three panellists); the segment's id."""
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone, name=name)
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")
    command(
        api, segment_id, type="approve_request", request_id=pending_request(api, segment_id, name)
    )
    expect(status(phone)).to_contain_text("Place 4 of 4")
    return segment_id


def in_queue(faces: dict[str, Any], segment_id: str, name: str = "Amina Diallo") -> bool:
    return any(e["name"] == name for e in faces["api"].state(segment_id)["state"]["queue"])


def centre(page: Page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


#: Two taps at the same point of the screen, 120 ms apart (a nervous thumb's double tap): each
#: lands on whatever is under that point when it comes.
TWO_TAPS_JS = """async ([x, y]) => {
  const tap = () => document.elementFromPoint(x, y).click();
  tap();
  await new Promise((resolve) => setTimeout(resolve, 120));
  tap();
}"""


# --- 1. a double tap confirms nothing ------------------------------------------------------------


def test_a_double_tap_gives_up_neither_the_place_nor_the_phone(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = queued(phone, faces)

    # a double tap on Withdraw: the place is kept, the confirmation waits below, elsewhere
    withdraw = phone.get_by_role("button", name="Withdraw my request")
    withdraw.scroll_into_view_if_needed()
    phone.mouse.dblclick(*centre(phone, ".status-card > .button.danger"))
    give_up = phone.get_by_role("button", name="Give up my place")
    expect(give_up).to_be_visible()
    expect(phone.get_by_role("button", name="Keep my place")).to_be_visible()
    expect(status(phone)).to_contain_text("Place 4 of 4")
    assert in_queue(faces, segment_id)
    keep_box = phone.locator(".status-card > .button.subtle").bounding_box()
    give_up_box = give_up.bounding_box()
    assert keep_box and give_up_box and give_up_box["y"] >= keep_box["y"] + keep_box["height"]

    # "Keep my place", deliberately: the confirmation goes; then the delegate is made next
    after_the_guard(phone, give_up)
    phone.get_by_role("button", name="Keep my place").click()
    expect(give_up).to_be_hidden()
    for _ in range(3):
        command(api, segment_id, type="call_next")
    expect(phone.get_by_role("alert").filter(has_text="You are next")).to_be_visible()

    # two taps 120 ms apart on "Not you? Leave" while next: still next, still signed in
    phone.evaluate("window.scrollTo(0, 0)")
    phone.evaluate(TWO_TAPS_JS, list(centre(phone, "#leave")))
    expect(phone.locator("#leave-confirm")).to_be_visible()
    expect(phone.get_by_role("button", name="Stay")).to_be_visible()
    expect(phone.get_by_role("alert").filter(has_text="You are next")).to_be_visible()
    assert in_queue(faces, segment_id)
    assert phone.locator("#view-floor").is_visible()

    # the same on the card's Withdraw, while next
    phone.evaluate(TWO_TAPS_JS, list(centre(phone, ".status-next > .button.danger")))
    expect(phone.get_by_role("button", name="Give up my place")).to_be_visible()
    assert in_queue(faces, segment_id)

    # a deliberate tap on "Give up my place", after the guard: the place is given up, once
    give_up = phone.get_by_role("button", name="Give up my place")
    after_the_guard(phone, give_up)
    give_up.click()
    expect(status(phone)).to_contain_text("You withdrew your request")
    assert not in_queue(faces, segment_id)
    expect(phone.locator("#view-floor")).to_be_visible()  # withdrawing is not leaving


# --- 2. a screen reader hears each change once ---------------------------------------------------


def test_a_screen_reader_is_told_each_change_of_the_request_once(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone)
    region = phone.locator("#status-live")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_attribute("aria-live", "polite")
    phone.evaluate("window.__region = document.getElementById('status-live')")

    request_floor(phone)
    expect(region).to_have_text("Request sent" + "Waiting for the moderator to approve it.")
    told = phone.get_by_role("status").filter(has_text="Request sent")
    expect(told).to_have_count(1)  # in the accessibility tree, though not seen

    request_id = pending_request(api, segment_id, "Amina Diallo")
    command(api, segment_id, type="approve_request", request_id=request_id)
    expect(region).to_have_text("You are on the list of speakers" + "Place 4 of 4")
    # each new place is said once, on its own (the old "Place 4 of 4" does not stay)
    command(api, segment_id, type="call_next")
    expect(status(phone)).to_contain_text("Place 3 of 3")
    expect(region).to_have_text("Place 3 of 3")

    (entry,) = [e for e in api.state(segment_id)["state"]["queue"] if e["name"] == "Amina Diallo"]
    command(api, segment_id, type="remove_entry", entry_id=entry["id"])
    expect(region).to_have_text("You were taken off the list of speakers")

    request_floor(phone)
    expect(region).to_have_text(re.compile("^Request sent"))
    command(
        api,
        segment_id,
        type="decline_request",
        request_id=pending_request(api, segment_id, "Amina Diallo"),
        reason="Time is short",
    )
    expect(region).to_have_text("Your request was declined" + "Reason: Time is short")
    # one region all along, its text replaced; no card is a live region of its own
    assert phone.evaluate("window.__region === document.getElementById('status-live')")
    assert phone.locator("#status-cards [role=status], #status-cards [aria-live]").count() == 0


# --- 3. offline is said at once, and the phone is back at once ----------------------------------


def test_offline_is_said_at_once_and_the_request_goes_once_back_online(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone)
    submit = phone.locator("#request-submit")
    submit.scroll_into_view_if_needed()
    phone.evaluate(
        "() => window.scrollBy(0, document.getElementById('request-submit')"
        ".getBoundingClientRect().bottom - innerHeight + 4)"
    )  # the button at the very bottom of the screen, where a bottom banner would sit
    banner = phone.get_by_role("status").filter(has_text="Reconnecting…")

    phone.context.set_offline(True)
    expect(banner).to_be_visible(timeout=2000)  # not after a ping's 15 s and its wait
    banner_box, button_box = phone.locator("#connection").bounding_box(), submit.bounding_box()
    assert banner_box and button_box
    assert banner_box["y"] + banner_box["height"] <= button_box["y"]  # the button is not covered
    submit.click()
    expect(submit).to_have_text("Sending…")
    expect(phone.locator("#request-error")).to_have_text(
        "No connection: your request will be sent as soon as the phone is back online."
    )

    phone.context.set_offline(False)
    expect(banner).to_be_hidden(timeout=3000)  # back at once, not after the backoff
    expect(status(phone)).to_contain_text("Request sent")
    expect(phone.locator("#request-error")).to_be_hidden()
    requests = api.state(segment_id)["state"]["requests"]
    assert [r["name"] for r in requests] == ["Amina Diallo"]  # sent once


def test_a_first_connection_that_takes_a_while_says_it_is_connecting(phone: Page) -> None:
    """A slow line (outside probe B: a phone at a 5 s round trip): the page was blank, nothing
    said, for as long as its first socket took. "Connecting…" once it has taken 3 s; gone once
    it is live."""
    line = {"answers": False}

    def route(socket: WebSocketRoute) -> None:
        if line["answers"]:
            socket.connect_to_server()
        # else: opened, never answered

    phone.route_web_socket(re.compile(r".*/ws/.*"), route)
    join(phone)
    banner = phone.locator("#connection")
    expect(banner).to_be_hidden()  # not for the usual second a connection takes
    expect(banner).to_have_text("Connecting…", timeout=10_000)
    expect(banner).to_be_visible()
    line["answers"] = True
    phone.evaluate("() => window.floorConnection.check()")  # the line is fast again
    expect(banner).to_be_hidden(timeout=15_000)


# --- 4. the clock after the phone slept ----------------------------------------------------------

#: performance.now() that can be made to lag the wall clock by window.__lag ms, as it does after a
#: sleep on Android and macOS (the monotonic clock does not run while the device is suspended).
SLEEPING_CLOCK = """(() => {
  const real = performance.now.bind(performance);
  window.__lag = 0;
  performance.now = () => real() - window.__lag;
})();"""


def seconds(text: str) -> int:
    parts = [int(part) for part in text.split(":")]
    total = 0
    for part in parts:
        total = total * 60 + part
    return total


def test_the_speakers_own_clock_is_right_at_once_after_the_phone_slept(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    context.add_init_script(SLEEPING_CLOCK)
    phone = context.new_page()
    try:
        phone.goto(faces["delegate"])
        segment_id = queued(phone, faces)
        for _ in range(4):
            command(api, segment_id, type="call_next")
        command(api, segment_id, type="start_timer")
        clock = phone.locator(".status-speaking .status-clock")
        expect(clock).to_have_text(re.compile(r"^[0-5]:\d\d$"))
        phone.wait_for_function("() => window.floorConnection.clock.samples.length >= 3")
        phone.evaluate("window.__samples = window.floorConnection.clock.samples")
        before = seconds(clock.inner_text())

        # an hour asleep: the wall clock (and the server's) ran on, the monotonic one did not
        phone.evaluate("window.__lag = 3600000")
        # the clock goes on counting down from where it was, not from an hour more
        phone.wait_for_function(
            """(before) => {
              const text = document.querySelector('.status-speaking .status-clock').textContent;
              const shown = /^([0-5]):(\\d\\d)$/.exec(text);
              return shown && Number(shown[1]) * 60 + Number(shown[2]) < before;
            }""",
            arg=before,
            timeout=3000,
        )
        after = seconds(clock.inner_text())
        assert 0 < before - after <= 4, (before, after)
        # the samples taken before the sleep were dropped; a ping asked at once gave a new one
        phone.wait_for_function(
            "() => window.floorConnection.clock.samples !== window.__samples"
            " && window.floorConnection.clock.samples.length >= 1"
        )
        later = seconds(clock.inner_text())
        assert 0 < before - later <= 5, (before, later)
    finally:
        context.close()


# --- 5. large text on a small screen -------------------------------------------------------------


def test_at_200_percent_on_320_px_nothing_scrolls_sideways_and_the_place_is_on_screen(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    page = open_face(browser, "delegate", faces["delegate"], locale="en-GB")
    try:
        page.set_viewport_size({"width": 320, "height": 640})
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        picker = page.locator("#language-picker")
        for language in ("ar", "zh", "en", "fr", "ru", "es"):
            picker.select_option(language)
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("#join-form")).to_be_visible()
            assert page.evaluate(SIDEWAYS_JS) == [], ("join", language)
        picker.select_option("en")
        join(page, name="Zoom Reader", organisation="HelpAge International")
        request_floor(page)
        name = "Zoom Reader"
        command(
            api,
            segment_id,
            type="approve_request",
            request_id=pending_request(api, segment_id, name),
        )
        expect(status(page)).to_contain_text("Place 4 of 4")
        for language in ("ar", "zh", "en", "fr", "ru", "es"):
            picker.select_option(language)
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator(".status-place")).to_be_visible()
            assert page.evaluate(SIDEWAYS_JS) == [], ("floor", language)
            if language in ("en", "ru", "ar"):
                # the delegate's place is on the first screen, before the segment's long title
                page.evaluate("window.scrollTo(0, 0)")
                place = page.locator(".status-place").bounding_box()
                assert place is not None
                assert place["y"] + place["height"] <= 640, (language, place)
    finally:
        page.context.close()


# --- 7. too many tabs -----------------------------------------------------------------------------


def test_a_tab_too_many_says_so_in_the_delegates_language_and_comes_up_once_one_closes(
    browser: Browser, faces: dict[str, Any]
) -> None:
    start(faces["api"], opening(faces))
    first = open_face(browser, "delegate", f"{faces['delegate']}?lang=fr", locale="fr-FR")
    try:
        join_fr = first.get_by_label("Votre nom")
        join_fr.fill("Amina Diallo")
        first.get_by_label("Groupe de parties prenantes").select_option("trade_union")
        first.get_by_role("button", name="Rejoindre", exact=True).click()
        expect(first.locator("#identity")).to_contain_text("Amina Diallo")
        tabs = [first]
        for _ in range(TABS):  # the same phone (its cookie), the link opened again
            tab = first.context.new_page()
            tab.goto(f"{faces['delegate']}?lang=fr")
            tabs.append(tab)
        crowded = tabs[-1]
        expect(tabs[1].locator("#segment-title")).to_have_text("Opening Segment")
        expect(crowded.locator("#floor-error")).to_have_text(
            "Cette page est ouverte dans trop d\u2019onglets sur ce téléphone. Fermez les autres "
            "onglets : celui-ci reviendra de lui-même."
        )
        expect(crowded.locator("body")).not_to_contain_text("The server refused")
        tabs[1].close()  # one is closed: the refused one comes up by itself (it asks every ~10 s)
        expect(crowded.locator("#segment-title")).to_have_text("Opening Segment", timeout=15_000)
        expect(crowded.locator("#floor-error")).to_be_hidden()
    finally:
        first.context.close()


# --- 8. signed out --------------------------------------------------------------------------------


def test_a_phone_signed_out_by_a_new_phone_link_says_so_whatever_its_address(
    phone: Page, faces: dict[str, Any]
) -> None:
    """The delegate joined by a code the desk rotated since, then the desk gave them a phone
    link for another phone: the old phone says it was signed out and whom to ask, not only that
    its link does not work."""
    api: Api = faces["api"]
    event = faces["event"]
    start(api, opening(faces))
    phone.goto(f"{faces['delegate']}?lang=fr")
    phone.get_by_label("Votre nom").fill("Amina Diallo")
    phone.get_by_label("Groupe de parties prenantes").select_option("trade_union")
    phone.get_by_role("button", name="Rejoindre", exact=True).click()
    expect(phone.locator("#identity")).to_contain_text("Amina Diallo")
    api.ok("POST", f"/events/{event['id']}/join-code")  # the code in its address works no more
    (person,) = [p for p in api.ok("GET", f"/events/{event['id']}/participants")
                 if p["name"] == "Amina Diallo"]  # fmt: skip
    api.ok("POST", f"/participants/{person['id']}/phone-link")

    notice = phone.locator("#signed-out")
    expect(notice.get_by_role("heading", name="Ce téléphone a été déconnecté")).to_be_visible()
    expect(notice).to_contain_text("adressez-vous au bureau du secrétariat")
    expect(phone.locator("#signed-out-join")).to_be_hidden()  # no form to join by: the link is dead
    expect(phone.get_by_role("heading", name="Ce lien ne fonctionne pas")).to_be_hidden()
    expect(phone.locator("#view-floor")).to_be_hidden()
    assert phone.evaluate("document.activeElement.id") == "signed-out"  # read out
