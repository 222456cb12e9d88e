"""The moderator console, driven as a moderator would: in chromium against a real demo server.

The demo hearing has six segments; "Thematic discussion I" (index 1) holds thirteen panellists.
Every check waits with Playwright's expect(); the server's state is read through the REST API.
"""

from __future__ import annotations

import math
import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    ViewportSize,
    WebSocketRoute,
    expect,
)

from tests.browser.conftest import VIEWPORTS, screenshot
from tests.e2e.server import Api

from .conftest import PAUSE_MS, after_the_guard, command, eventually, segment_id, server_state

DISCUSSION_I = 1  # the demo segment with thirteen panellists
STALE = "showing the current state"
#: A letter shortcut straight after another key is taken for a word being typed and ignored
#: (moderator/shortcuts.js, BURST_MS): a moderator's presses are further apart than this.
BURST_GAP = 0.35


# --- helpers ----------------------------------------------------------------------------------


def make_live(faces: dict[str, Any], index: int = DISCUSSION_I) -> str:
    segment = segment_id(faces, index)
    faces["api"].command(segment, {"type": "start_segment"}).raise_for_status()
    return segment


def queue_names(faces: dict[str, Any], segment: str) -> list[str]:
    return [entry["name"] for entry in server_state(faces, segment)["queue"]]


def clock(ms: int) -> str:
    """The console's timer text, as client.js's formatClock writes it."""
    seconds = math.floor(-ms / 1000) if ms < 0 else math.ceil(ms / 1000)
    text = f"{seconds // 60}:{seconds % 60:02d}"
    return f"+{text}" if ms < 0 else text


def register(faces: dict[str, Any], name: str, constituency: str, organisation: str = "") -> Any:
    """A delegate joins with the event's code, as their phone would; returns their credential."""
    body = {
        "join_code": faces["event"]["join_code"],
        "name": name,
        "organisation": organisation,
        "constituency": constituency,
    }
    return faces["api"].ok("POST", f"/events/{faces['event']['id']}/participants", json=body)


def request_floor(
    faces: dict[str, Any], joined: Any, segment: str, kind: str = "intervention"
) -> Any:
    delegate = Api(faces["server"].base, joined["token"])
    body = {"command_id": uuid.uuid4().hex, "kind": kind}
    return delegate.ok("POST", f"/segments/{segment}/floor-requests", json=body)


Opener = Callable[..., Page]


@pytest.fixture
def open_console(browser: Browser) -> Iterator[Opener]:
    """Open a page in its own browser context (own cookies); optionally route its WebSockets."""
    contexts: list[BrowserContext] = []

    def opener(
        url: str,
        route: Callable[[WebSocketRoute], None] | None = None,
        viewport: ViewportSize | None = None,
    ) -> Page:
        context = browser.new_context(viewport=viewport or VIEWPORTS["moderator"])
        contexts.append(context)
        page = context.new_page()
        if route is not None:
            page.route_web_socket(re.compile(r".*/ws/.*"), route)
        page.goto(url)
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def console(open_console: Opener, faces: dict[str, Any]) -> Page:
    """The console on the live "Thematic discussion I", connected."""
    make_live(faces)
    page = open_console(faces["moderator"])
    expect(page.locator("#connection-status")).to_have_text("Live")
    expect(page.locator("#queue .entry-name").first).to_have_text("Panellist 1")
    return page


def entries(page: Page) -> Locator:
    return page.locator("#queue .entry-name")


# --- signing in -------------------------------------------------------------------------------


def test_without_a_link_the_console_says_how_to_sign_in(open_console: Opener, faces: Any) -> None:
    page = open_console(f"{faces['server'].base}/moderator")
    expect(page.locator("#signin-message")).to_have_text("You are not signed in on this browser.")
    expect(page.get_by_text("Open the moderator link the organiser gave you")).to_be_visible()
    expect(page.locator("#console")).to_be_hidden()
    assert serious_violations(page) == []


def test_a_revoked_link_is_refused_with_a_clear_message(open_console: Opener, faces: Any) -> None:
    event_id = faces["event"]["id"]
    link = faces["api"].ok("POST", f"/events/{event_id}/access-links", json={"role": "moderator"})
    faces["api"].ok("DELETE", f"/events/{event_id}/access-links/{link['id']}")
    page = open_console(f"{faces['server'].base}{link['url']}")
    expect(page.locator("#signin-message")).to_contain_text("no longer valid")
    expect(page.locator("#connection-status")).to_have_text("Signed out")


# --- the turn and the timer -------------------------------------------------------------------


def test_make_live_call_next_and_run_the_timer(open_console: Opener, faces: Any) -> None:
    page = open_console(faces["moderator"])
    # nothing is live: the console opens on the first scheduled segment
    expect(page.locator("#segment-title")).to_have_text("Opening Segment")
    expect(page.locator("#segment-banner")).to_contain_text("not live yet")

    programme = page.locator("#programme li", has_text="Thematic discussion I:")
    expect(programme.locator(".segment-when")).to_have_text("10:30\u201313:00")  # New York time
    programme.get_by_role("button", name=re.compile("^Make live")).click()
    expect(page.locator("#segment-title")).to_contain_text("Thematic discussion I")
    expect(page.locator("#segment-eyebrow")).to_contain_text("Live")
    expect(page).to_have_url(re.compile(r"\?event=\w+&segment="))

    page.locator("#btn-next").click()
    expect(page.locator("#speaker-name")).to_have_text("Panellist 1")
    expect(page.locator("#speaker-constituency")).to_have_text("Migrant association")
    expect(page.locator("#speaker-kind")).to_have_text("Panellist")
    expect(page.locator("#next-name")).to_have_text("Panellist 2")
    timer = page.locator("#timer")
    expect(timer).to_have_text("5:00")

    page.locator("#btn-toggle").click()
    expect(timer).to_have_text(re.compile(r"^4:5\d$"))  # counting down
    expect(timer).to_have_class(re.compile(r"\bphase-normal\b"))
    expect(page.locator("#btn-toggle")).to_contain_text("Pause")

    page.wait_for_timeout(PAUSE_MS)  # a second press within the guard is a double click's
    page.locator("#btn-toggle").click()
    expect(page.locator("#btn-toggle")).to_contain_text("Resume")
    segment = segment_id(faces, DISCUSSION_I)
    paused = server_state(faces, segment)["current"]["timer"]
    assert paused["state"] == "paused"
    expect(timer).to_have_text(clock(paused["remaining_ms"]))  # frozen on the server's facts
    page.get_by_role("button", name="Add 30 seconds").click()
    expect(timer).to_have_text(clock(paused["remaining_ms"] + 30_000))
    expect(page.locator("#timer-facts")).to_contain_text("Paused")
    expect(page.locator("#timer-facts")).to_contain_text("+30 s adjusted")

    page.get_by_role("button", name="Reset").click()
    expect(timer).to_have_text("5:00")
    page.locator("#btn-end").click()
    expect(page.locator("#speaker-name")).to_have_text("Nobody has the floor")
    # a button says why it cannot be used in the server's words (the state's `actions`)
    refusal = server_state(faces, segment)["actions"]["end_turn"]
    assert refusal["code"] == "no_speaker"
    reason = refusal["message"][0].upper() + refusal["message"][1:] + "."
    expect(page.locator("#btn-end")).to_have_attribute("aria-disabled", "true")
    expect(page.locator("#btn-end")).to_have_attribute("title", reason)
    expect(page.locator("#btn-minus")).to_have_attribute("title", reason)


def test_the_timer_turns_amber_then_red_then_counts_overtime(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, {"type": "set_thresholds", "warning_ms": 3_600_000, "danger_ms": 1500})
    command(
        faces,
        segment,
        {"type": "add_speaker", "name": "Quick Speaker", "allotted_ms": 3000, "position": 0},
    )
    expect(entries(console).first).to_have_text("Quick Speaker")
    console.locator("#btn-next").click()
    expect(console.locator("#speaker-name")).to_have_text("Quick Speaker")
    console.locator("#btn-toggle").click()
    timer = console.locator("#timer")
    card = console.locator("#speaker-card")
    expect(timer).to_have_class(re.compile(r"\bphase-(warning|danger)\b"))
    expect(timer).to_have_class(re.compile(r"\bphase-danger\b"))
    expect(timer).to_have_class(re.compile(r"\bphase-overtime\b"))
    expect(card).to_have_attribute("data-phase", "overtime")
    expect(timer).to_have_text(re.compile(r"^\+0:0[1-9]$"))  # counting up


# --- the queue --------------------------------------------------------------------------------


def test_keyboard_reorder_moves_the_entry_on_the_server(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    grip = console.get_by_role("button", name=re.compile(r"^Panellist 3, place 3 of 13"))
    grip.focus()
    console.keyboard.press("Alt+ArrowUp")
    expect(entries(console).nth(1)).to_have_text("Panellist 3")
    assert queue_names(faces, segment)[:3] == ["Panellist 1", "Panellist 3", "Panellist 2"]
    # focus stays on the entry it moved, so the next press moves it again
    moved = console.get_by_role("button", name=re.compile(r"^Panellist 3, place 2 of 13"))
    expect(moved).to_be_focused()
    console.keyboard.press("Alt+ArrowUp")
    expect(entries(console).first).to_have_text("Panellist 3")
    assert queue_names(faces, segment)[:2] == ["Panellist 3", "Panellist 1"]


def test_drag_and_drop_and_the_arrow_buttons_reorder(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    grip = console.locator("#queue .entry", has_text="Panellist 4").locator(".grip")
    first = console.locator("#queue .entry").first
    grip.scroll_into_view_if_needed()  # the floor's column scrolls; the first entry stays in view
    start, target = grip.bounding_box(), first.bounding_box()
    assert start and target
    console.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    console.mouse.down()
    console.mouse.move(start["x"] + 20, target["y"] + 4, steps=12)
    console.mouse.up()
    expect(entries(console).first).to_have_text("Panellist 4")
    assert queue_names(faces, segment)[:2] == ["Panellist 4", "Panellist 1"]

    console.get_by_role("button", name="Move Panellist 4 down").click()
    expect(entries(console).first).to_have_text("Panellist 1")
    eventually(lambda: queue_names(faces, segment)[:2] == ["Panellist 1", "Panellist 4"])


def test_remove_then_undo_with_the_button_and_the_key(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    console.get_by_role("button", name="Remove Panellist 2 from the queue").click()
    expect(console.locator("#queue .entry", has_text="Panellist 2")).to_have_count(0)
    undo = console.locator("#btn-undo")
    expect(undo).to_contain_text("Undo removing Panellist 2")
    undo.click()
    expect(entries(console).nth(1)).to_have_text("Panellist 2")
    assert queue_names(faces, segment)[1] == "Panellist 2"

    console.get_by_role("button", name="Remove Panellist 5 from the queue").click()
    expect(console.locator("#queue .entry", has_text="Panellist 5")).to_have_count(0)
    time.sleep(BURST_GAP)
    console.locator("body").press("u")
    expect(console.locator("#queue .entry", has_text="Panellist 5")).to_have_count(1)
    eventually(lambda: "Panellist 5" in queue_names(faces, segment))


def test_undo_names_every_floor_command_and_takes_it_back_exactly(
    console: Page, faces: Any
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    body = console.locator("body")
    undo = console.locator("#btn-undo")
    console.locator("#btn-next").click()
    expect(console.locator("#speaker-name")).to_have_text("Panellist 1")
    expect(undo).to_contain_text("Undo calling Panellist 1")
    expect(undo).to_have_attribute("data-command", "call_next")
    body.press(" ")
    expect(undo).to_contain_text("Undo starting the timer")
    expect(undo).to_have_attribute("data-command", "start_timer")
    console.get_by_role("button", name="Add 30 seconds").click()
    expect(undo).to_contain_text("Undo adding 30 s")
    command(faces, segment, {"type": "set_message", "text": "Please conclude"})
    expect(undo).to_contain_text("Undo setting the message")

    time.sleep(BURST_GAP)
    body.press("u")
    expect(console.locator("#message-current")).to_have_text("No message on the speaker's clock.")
    expect(console.locator("#notices")).to_contain_text("Undone: setting the message.")
    time.sleep(BURST_GAP)
    body.press("u")
    expect(console.locator("#timer-facts")).not_to_contain_text("adjusted")
    time.sleep(BURST_GAP)
    body.press("u")
    expect(console.locator("#btn-toggle")).to_contain_text("Start")  # the timer idle again
    expect(undo).to_contain_text("Undo calling Panellist 1")
    undo.click()
    # the mistaken call taken back: nobody speaks, Panellist 1 heads the whole queue again
    expect(console.locator("#speaker-name")).to_have_text("Nobody has the floor")
    expect(entries(console).first).to_have_text("Panellist 1")
    state = server_state(faces, segment)
    assert state["current"] is None
    assert [entry["name"] for entry in state["queue"]] == [f"Panellist {n}" for n in range(1, 14)]
    expect(undo).to_contain_text("Undo starting the segment")


def test_undo_is_disabled_with_the_servers_refusal_shown(open_console: Opener, faces: Any) -> None:
    segment = make_live(faces)
    page = open_console(f"{faces['moderator']}".replace("#", f"?segment={segment}#"))
    expect(page.locator("#connection-status")).to_have_text("Live")
    undo = page.locator("#btn-undo")
    reason = page.locator("#undo-reason")
    page.locator("#btn-next").click()
    expect(undo).to_contain_text("Undo calling Panellist 1")
    expect(undo).to_be_enabled()
    expect(reason).to_be_hidden()
    # another segment starts: this one ends, and the call can no longer be taken back
    make_live(faces, 0)
    expect(page.locator("#segment-title")).to_have_text("Opening Segment")
    page.locator("#programme").get_by_role(
        "button", name=re.compile("^Thematic discussion I:")
    ).click()
    expect(page.locator("#segment-eyebrow")).to_contain_text("Ended")
    refusal = server_state(faces, segment)["actions"]["undo"]
    assert refusal["code"] == "cannot_undo"
    assert "calling Panellist 1" in refusal["message"]
    expect(undo).to_contain_text("Undo calling Panellist 1")
    expect(undo).to_have_attribute("aria-disabled", "true")
    expect(undo).to_be_disabled()
    expect(reason).to_be_visible()  # said on the page, not only in a tooltip
    box = reason.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 8  # for the eye, not only a reader
    expect(reason).to_contain_text("Cannot undo “calling Panellist 1”: the segment has ended")
    expect(undo).to_have_attribute("title", re.compile("the segment has ended"))
    time.sleep(BURST_GAP)
    page.locator("body").press("u")  # the key says why instead
    expect(page.locator("#notices")).to_contain_text("the segment has ended")
    assert server_state(faces, segment)["segment"]["status"] == "ended"
    # a console in another language says why in its own words (the refusal's reason), not only
    # that the floor changed
    assert refusal["reason"] == "ended"
    page.locator("#language").select_option("fr")
    expect(reason).to_have_text(
        "La dernière commande ne peut plus être annulée : le segment est terminé."
    )


def test_undoing_a_segment_start_asks_first(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    undo = console.locator("#btn-undo")
    expect(undo).to_contain_text("Undo starting the segment")
    body = console.locator("body")
    time.sleep(BURST_GAP)
    body.press("u")
    expect(undo).to_contain_text("Confirm: undo starting the segment")
    # what the undo leaves: the segment the start ended live again, none here (the protocol)
    expect(console.locator("#notices")).to_contain_text(
        "Undoing starting the segment leaves no segment live."
    )
    assert server_state(faces, segment)["segment"]["status"] == "live"  # nothing sent yet
    time.sleep(BURST_GAP)
    body.press("u")
    eventually(lambda: server_state(faces, segment)["segment"]["status"] == "scheduled")
    expect(console.locator("#segment-banner")).to_contain_text("not live yet")


def test_a_stale_version_refusal_shows_a_notice_and_is_not_retried(
    open_console: Opener, faces: Any
) -> None:
    segment = make_live(faces)
    held: list[str | bytes] = []
    hold = {"on": False}
    sockets: list[WebSocketRoute] = []

    def route(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        sockets.append(ws)

        def from_server(message: str | bytes) -> None:
            if hold["on"] and isinstance(message, str) and message.startswith('{"type":"update"'):
                held.append(message)  # still "in flight" when the moderator acts
            else:
                ws.send(message)

        server.on_message(from_server)
        ws.on_message(server.send)

    page = open_console(faces["moderator"], route=route)
    expect(page.locator("#connection-status")).to_have_text("Live")
    expect(entries(page).first).to_have_text("Panellist 1")

    hold["on"] = True
    third = server_state(faces, segment)["queue"][2]
    command(faces, segment, {"type": "move_entry", "entry_id": third["id"], "position": 0})
    page.get_by_role("button", name="Move Panellist 1 down").click()
    expect(page.locator("#notices")).to_contain_text(STALE)

    hold["on"] = False
    for message in held:
        sockets[-1].send(message)
    expect(entries(page).first).to_have_text("Panellist 3")
    assert queue_names(faces, segment)[:3] == ["Panellist 3", "Panellist 1", "Panellist 2"]


# --- requests, speakers, messages, settings ---------------------------------------------------


def test_pending_requests_are_approved_at_a_place_or_declined(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    hostile = "<img src=x onerror=alert(1)>"
    amina = register(faces, hostile, "civil_society", "Pan-African Network")
    carlos = register(faces, "Carlos Méndez", "local_and_regional_authorities", "Quito")
    request_floor(faces, amina, segment)
    declined = request_floor(faces, carlos, segment)

    requests = console.locator("#requests .request")
    expect(requests).to_have_count(2)
    expect(console.locator("#requests-count")).to_have_text("2")
    expect(requests.first.locator(".request-name")).to_have_text(hostile)  # text, not markup
    expect(console.locator("#requests img")).to_have_count(0)

    first = requests.filter(has_text="Pan-African Network")
    first.get_by_label("at #").fill("2")
    first.get_by_role("button", name=re.compile("^Approve")).click()
    expect(entries(console).nth(1)).to_have_text(hostile)
    queue = server_state(faces, segment)["queue"]
    assert queue[1]["participant_id"] == amina["participant"]["id"]

    second = requests.filter(has_text="Carlos Méndez")
    second.get_by_role("button", name="Decline Carlos Méndez").click()
    second.get_by_label("Reason for declining Carlos Méndez").fill("Speakers' list is full")
    second.get_by_role("button", name="Decline", exact=True).click()
    expect(requests).to_have_count(0)
    expect(console.locator("#requests-empty")).to_be_visible()
    delegate = Api(faces["server"].base, carlos["token"])
    mine = delegate.ok("GET", f"/segments/{segment}/state")["mine"]
    assert mine[0]["id"] == declined["request_id"]
    assert (mine[0]["status"], mine[0]["reason"]) == ("declined", "Speakers' list is full")


def test_a_correction_by_the_secretariat_redraws_the_queue_and_the_requests(
    console: Page, faces: Any
) -> None:
    """The desk corrects a misspelt name (PATCH /participants/{id}): the console, never reloaded,
    reads the corrected name in the queue and on the request card, where the moderator reads it
    out; a place typed in the card stays."""
    segment = segment_id(faces, DISCUSSION_I)
    waiting = register(faces, "Amina Dialo", "civil_society", "MFA")
    asking = register(faces, "Chen Wie", "academia", "Fudan")
    approved = request_floor(faces, waiting, segment)
    command(faces, segment, {"type": "approve_request", "request_id": approved["request_id"]})
    request_floor(faces, asking, segment)
    card = console.locator("#requests .request")
    expect(card).to_have_count(1)
    card.get_by_label("at #").fill("2")
    expect(console.locator("#queue .entry", has_text="Amina Dialo")).to_have_count(1)
    # the moderator is typing a reason to decline Chen when the correction comes
    card.get_by_role("button", name="Decline Chen Wie").click()
    reason = card.get_by_label("Reason for declining Chen Wie")
    reason.press_sequentially("Lis")
    api = faces["api"]
    for joined, name in ((waiting, "Amina Diallo"), (asking, "Chen Wei")):
        api.ok("PATCH", f"/participants/{joined['participant']['id']}", json={"name": name})
    reason = card.get_by_label("Reason for declining Chen Wei")
    expect(reason).to_be_focused()  # typing goes on in the field, never to the shortcuts
    console.keyboard.type("t full")
    expect(reason).to_have_value("List full")
    assert server_state(faces, segment)["current"] is None  # no "n", "e" or " " went through
    card.get_by_role("button", name="Cancel").click()
    row = console.locator("#queue .entry", has_text="Amina Diallo")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("MFA")
    expect(console.locator("#queue")).not_to_contain_text("Amina Dialo")
    expect(card.locator(".request-name")).to_have_text("Chen Wei")
    expect(card.get_by_label("at #")).to_have_value("2")  # what was typed stays
    expect(card.get_by_role("button", name="Decline Chen Wei")).to_be_visible()
    row.get_by_role("button", name=re.compile("^Remove Amina Diallo")).click()
    expect(console.locator("#notices")).to_contain_text("Amina Diallo")


def test_a_correction_reaches_a_queue_row_whose_edit_form_is_open(
    console: Page, faces: Any
) -> None:
    """The moderator is editing a waiting turn when the desk corrects that person's name: the row
    reads the corrected name at once, and the form stays open with what was typed and the focus."""
    segment = segment_id(faces, DISCUSSION_I)
    joined = register(faces, "Amina Dialo", "civil_society", "MFA")
    asked = request_floor(faces, joined, segment)
    command(faces, segment, {"type": "approve_request", "request_id": asked["request_id"]})
    row = console.locator("#queue .entry", has_text="MFA")
    expect(row.locator(".entry-name")).to_have_text("Amina Dialo")
    console.get_by_role("button", name="Edit Amina Dialo's turn").click()
    note = row.get_by_label("Note")
    note.click()
    note.press_sequentially("Speaks for")
    faces["api"].ok(
        "PATCH", f"/participants/{joined['participant']['id']}", json={"name": "Amina Diallo"}
    )
    expect(row.locator(".entry-name")).to_have_text("Amina Diallo")
    expect(row.get_by_role("button", name="Edit Amina Diallo's turn")).to_be_visible()
    expect(row.locator("form")).to_have_count(1)
    expect(note).to_have_value("Speaks for")
    expect(note).to_be_focused()  # typing goes on in the field, never to the shortcuts
    console.keyboard.type(" the caucus")
    expect(note).to_have_value("Speaks for the caucus")
    assert server_state(faces, segment)["current"] is None  # no "n", "e" or " " went through
    row.get_by_role("button", name="Save").click()
    expect(row.locator("form")).to_have_count(0)
    expect(row.locator(".entry-note")).to_have_text("“Speaks for the caucus”")
    expect(console.locator("#notices")).to_contain_text("Amina Diallo")
    entry = next(e for e in server_state(faces, segment)["queue"] if e["name"] == "Amina Diallo")
    assert entry["note"] == "Speaks for the caucus"


def test_add_a_registered_participant_or_a_guest(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    fatou = faces["api"].ok(
        "POST",
        f"/events/{faces['event']['id']}/participants",
        json={
            "name": "Fatou Ndiaye",
            "organisation": "Migrant Forum in Asia",
            "constituency": "migrant_and_diaspora_organisation",
        },
    )
    search = console.get_by_role("combobox", name="Name")
    search.click()
    search.fill("ndia")
    option = console.get_by_role("option", name=re.compile("Fatou Ndiaye"))
    expect(option).to_be_visible()
    search.press("ArrowDown")
    search.press("Enter")
    expect(console.locator("#add-chosen")).to_contain_text("Registered: Fatou Ndiaye")
    console.get_by_label("Kind of turn").select_option("right_of_reply")
    console.get_by_label("Minutes").fill("2")
    console.get_by_role("button", name="Add to the queue").click()
    expect(entries(console).last).to_have_text("Fatou Ndiaye")
    last = server_state(faces, segment)["queue"][-1]
    assert last["participant_id"] == fatou["participant"]["id"]
    assert (last["kind"], last["allotted_ms"]) == ("right_of_reply", 120_000)

    search.fill("Dr. Ana Guest")
    console.get_by_label("Organisation").fill("University of Lisbon")
    console.get_by_label("Constituency").select_option("academia")
    console.get_by_role("button", name="Add to the queue").click()
    guest = console.locator("#queue .entry", has_text="Dr. Ana Guest")
    expect(guest).to_contain_text("University of Lisbon · Academia")
    entry = next(e for e in server_state(faces, segment)["queue"] if e["name"] == "Dr. Ana Guest")
    assert (entry["constituency"], entry["kind"]) == ("academia", "intervention")


def test_messages_to_the_speaker(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    console.get_by_role("button", name="Please slow down for the interpreters").click()
    expect(console.locator("#message-current")).to_contain_text(
        "Please slow down for the interpreters"
    )
    assert server_state(faces, segment)["message"] == "Please slow down for the interpreters"
    console.get_by_label("Your own message").fill("Two more minutes, please")
    console.get_by_role("button", name="Send").click()
    expect(console.locator("#message-current")).to_contain_text("Two more minutes, please")
    console.get_by_role("button", name="Clear").click()
    expect(console.locator("#message-current")).to_have_text("No message on the speaker's clock.")
    assert server_state(faces, segment)["message"] == ""


def test_start_the_timer_when_the_speaker_is_called(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    toggle = console.get_by_role("checkbox", name="Start the timer when the speaker is called")
    expect(toggle).not_to_be_checked()
    toggle.check()
    eventually(lambda: server_state(faces, segment)["settings"]["start_timer_on_call"] is True)
    expect(console.locator("#next-details")).to_contain_text("timer starts on call")
    console.locator("#btn-next").click()  # one press: called and timed
    expect(console.locator("#speaker-name")).to_have_text("Panellist 1")
    expect(console.locator("#btn-toggle")).to_contain_text("Pause")
    assert server_state(faces, segment)["current"]["timer"]["state"] == "running"
    expect(console.locator("#btn-undo")).to_contain_text("Undo calling Panellist 1")

    # the setting is the segment's, as the server has it: changed elsewhere, shown here
    command(faces, segment, {"type": "set_start_timer_on_call", "enabled": False})
    expect(toggle).not_to_be_checked()
    console.locator("#btn-next").click()
    expect(console.locator("#speaker-name")).to_have_text("Panellist 2")
    expect(console.locator("#btn-toggle")).to_contain_text("Start")
    # clicked, then waited on: the box shows the server's setting, and an update of the call
    # arriving just after the click may show the old one a moment (Playwright's check() looks
    # at once, and under CI's load saw it unticked)
    toggle.click()
    expect(toggle).to_be_checked()
    eventually(lambda: server_state(faces, segment)["settings"]["start_timer_on_call"] is True)
    toggle.click()
    expect(toggle).not_to_be_checked()
    eventually(lambda: server_state(faces, segment)["settings"]["start_timer_on_call"] is False)


def test_floor_mode_list_and_queue_cap(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    console.get_by_role("radio", name=re.compile("^Open")).check()
    eventually(lambda: server_state(faces, segment)["settings"]["floor_mode"] == "open")
    console.get_by_role("button", name="Close the list").click()
    expect(console.locator("#list-state")).to_contain_text("closed")
    assert server_state(faces, segment)["settings"]["list_open"] is False
    console.get_by_role("button", name="Reopen the list").click()
    expect(console.locator("#list-state")).to_contain_text("open to requests")
    console.get_by_label("Queue cap").fill("20")
    console.get_by_role("button", name="Set cap").click()
    eventually(lambda: server_state(faces, segment)["settings"]["queue_cap"] == 20)
    console.get_by_role("button", name="No limit").click()
    eventually(lambda: server_state(faces, segment)["settings"]["queue_cap"] is None)
    console.get_by_label("Queue cap").fill("5")
    console.get_by_role("button", name="Set cap").click()
    eventually(lambda: server_state(faces, segment)["settings"]["queue_cap"] == 5)
    console.get_by_role("radio", name=re.compile("^Moderated")).check()
    eventually(lambda: server_state(faces, segment)["settings"]["floor_mode"] == "moderated")
    # thirteen queued, a cap of five: the server refuses, and the console says why
    joined = register(faces, "Li Wei", "academia")
    request_floor(faces, joined, segment)
    console.get_by_role("button", name="Approve Li Wei").click()
    expect(console.locator("#notices")).to_contain_text("The queue is full (5 speakers)")


# --- the list of speakers a chair expects ---------------------------------------------------------


def test_re_add_the_last_speaker_greyed_with_the_servers_reason(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    readd = console.locator("#btn-readd")
    refusal = server_state(faces, segment)["actions"]["readd_last_speaker"]
    assert refusal["code"] == "no_record"
    expect(readd).to_have_attribute("aria-disabled", "true")
    expect(readd).to_contain_text("Re-add the last speaker")
    expect(readd).to_have_attribute("title", re.compile(re.escape(refusal["message"][1:]), re.I))

    console.locator("#btn-next").click()
    expect(console.locator("#speaker-name")).to_have_text("Panellist 1")
    console.locator("#btn-end").click()
    expect(readd).to_contain_text("Re-add Panellist 1")
    expect(readd).not_to_have_attribute("aria-disabled", "true")
    readd.click()
    expect(entries(console).first).to_have_text("Panellist 1")
    assert queue_names(faces, segment)[:2] == ["Panellist 1", "Panellist 2"]
    expect(console.locator("#notices")).to_contain_text("new turn at the top")

    # now queued: the server says no, the button says why, and R does nothing but say it
    refusal = server_state(faces, segment)["actions"]["readd_last_speaker"]
    assert refusal["code"] == "already_queued"
    expect(readd).to_have_attribute("aria-disabled", "true")
    time.sleep(BURST_GAP)
    console.locator("body").press("r")
    expect(console.locator("#notices")).to_contain_text(refusal["message"][1:])
    assert queue_names(faces, segment).count("Panellist 1") == 1
    time.sleep(BURST_GAP)
    console.locator("body").press("u")
    expect(entries(console).first).to_have_text("Panellist 2")
    time.sleep(BURST_GAP)
    console.locator("body").press("r")
    expect(entries(console).first).to_have_text("Panellist 1")


def test_edit_a_queued_turn_in_place_and_a_point_of_order_goes_up(
    console: Page, faces: Any
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    console.get_by_role("button", name="Edit Panellist 3's turn").click()
    row = console.locator("#queue .entry", has_text="Panellist 3")
    expect(row.get_by_label("Kind")).to_be_focused()
    expect(row.get_by_label("Time (m:ss)")).to_have_value("5:00")
    row.get_by_label("Time (m:ss)").fill("2:30")
    row.get_by_label("Note").fill("Speaks for the youth caucus")
    row.get_by_role("button", name="Save").click()
    expect(row.locator(".entry-time")).to_have_text("2 min 30 s")
    expect(row.locator(".entry-note")).to_have_text("“Speaks for the youth caucus”")
    expect(row.locator("form")).to_have_count(0)
    entry = server_state(faces, segment)["queue"][2]
    assert (entry["name"], entry["allotted_ms"]) == ("Panellist 3", 150_000)
    assert entry["note"] == "Speaks for the youth caucus"
    expect(entries(console).nth(2)).to_have_text("Panellist 3")  # kept its place

    # a bad time is refused on the page, nothing is sent
    console.get_by_role("button", name="Edit Panellist 4's turn").click()
    row4 = console.locator("#queue .entry", has_text="Panellist 4")
    row4.get_by_label("Time (m:ss)").fill("two")
    row4.get_by_role("button", name="Save").click()
    expect(console.locator("#notices")).to_contain_text("minutes:seconds")
    row4.get_by_role("button", name="Cancel").click()
    expect(row4.locator("form")).to_have_count(0)

    # made a point of order, it goes where the server puts it: the top
    console.get_by_role("button", name="Edit Panellist 7's turn").click()
    row7 = console.locator("#queue .entry", has_text="Panellist 7")
    row7.get_by_label("Kind").select_option("point_of_order")
    row7.get_by_role("button", name="Save").click()
    expect(entries(console).first).to_have_text("Panellist 7")
    expect(row7.locator(".tag-kind")).to_have_text("Point of order")
    expect(row7.locator(".entry-time")).to_have_text("5 min")
    first = server_state(faces, segment)["queue"][0]
    assert (first["name"], first["kind"]) == ("Panellist 7", "point_of_order")
    expect(console.locator("#btn-undo")).to_contain_text("Undo")


def test_an_interposed_question_then_an_answer_and_the_floor_comes_back(
    console: Page, faces: Any
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    joined = register(faces, "Amina Yusuf", "civil_society", "PANiDMR")
    question = console.locator("#btn-question")
    answer = console.locator("#btn-answer")
    # nobody speaks: nothing to interpose into, in the server's words
    assert server_state(faces, segment)["actions"]["interpose_question"]["code"] == "no_speaker"
    expect(question).to_have_attribute("aria-disabled", "true")
    expect(answer).to_have_attribute("aria-disabled", "true")

    console.locator("#btn-next").click()
    console.locator("#btn-toggle").click()
    expect(console.locator("#btn-toggle")).to_contain_text("Pause")
    expect(question).not_to_have_attribute("aria-disabled", "true")

    time.sleep(BURST_GAP)
    console.locator("body").press("i")
    dialog = console.get_by_role("dialog", name="Interposed question")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Ending it gives the floor back to Panellist 1")
    dialog.get_by_label("Who").fill("Chen Wei")
    dialog.get_by_label("Affiliation").fill("Youth Forum")
    dialog.get_by_label("Time").fill("0:45")
    dialog.get_by_role("button", name="Give the floor").click()
    expect(dialog).to_be_hidden()
    # one notice, naming whose turn is paused; the question's own update is no "floor moved on"
    notices = console.locator("#notices")
    expect(notices).to_contain_text(
        "Chen Wei has the floor (question); Panellist 1's turn is paused"
    )
    expect(notices).not_to_contain_text("already interposed")

    expect(console.locator("#speaker-name")).to_have_text("Chen Wei")
    expect(console.locator("#speaker-kind")).to_have_text("Question")
    expect(console.locator("#speaker-heading")).to_contain_text("Interposed question")
    expect(console.locator("#timer")).to_have_text("0:45")
    paused_box = console.locator("#paused-box")
    expect(paused_box).to_be_visible()
    expect(paused_box).to_contain_text("Paused: Panellist 1")
    state = server_state(faces, segment)
    left = state["paused"]["timer"]["remaining_ms"]
    expect(console.locator("#paused-time")).to_contain_text(f"{clock(left)} left · timer paused")
    expect(paused_box).to_contain_text("gives the floor back to Panellist 1")
    expect(console.locator("#btn-next")).to_contain_text("Give the floor back")
    expect(console.locator("#next-name")).to_have_text("Panellist 1")
    assert state["current"]["interposed_in"] == state["paused"]["id"]
    assert state["current"]["allotted_ms"] == 45_000
    # one level: another question is refused, greyed with the server's reason
    expect(question).to_have_attribute("aria-disabled", "true")
    expect(answer).not_to_have_attribute("aria-disabled", "true")

    answer.click()
    dialog = console.get_by_role("dialog", name="Answer")
    expect(dialog).to_contain_text("The answer ends Chen Wei's question")
    dialog.get_by_label("Who").fill("Amina Yusuf")  # a registered participant, from the list
    dialog.get_by_role("button", name="Give the floor").click()
    expect(console.locator("#speaker-name")).to_have_text("Amina Yusuf")
    expect(console.locator("#speaker-kind")).to_have_text("Answer")
    expect(paused_box).to_contain_text("Paused: Panellist 1")
    state = server_state(faces, segment)
    assert state["current"]["participant_id"] == joined["participant"]["id"]
    assert state["current"]["answers"] is not None
    expect(answer).to_have_attribute("aria-disabled", "true")

    console.locator("#btn-end").click()
    expect(console.locator("#speaker-name")).to_have_text("Panellist 1")
    expect(paused_box).to_be_hidden()
    expect(console.locator("#btn-toggle")).to_contain_text("Resume")  # still paused: resume it
    expect(console.locator("#btn-next")).to_contain_text("Call next")
    expect(console.locator("#next-name")).to_have_text("Panellist 2")
    assert server_state(faces, segment)["paused"] is None


def test_namesakes_are_told_apart_in_the_interpose_list(console: Page, faces: Any) -> None:
    """Someone on the secretariat's list who also joined from a phone (the same name and
    organisation) is two entries in the interposed question's list, and a namesake of another
    organisation a third: each entry says what tells them apart (the organisation, then the
    region, then, for two alike in everything, the start of their id), and each gives the floor
    to that person."""
    segment = segment_id(faces, DISCUSSION_I)
    path = f"/events/{faces['event']['id']}/participants"

    def registered(organisation: str, region: str) -> dict[str, Any]:
        body = {"name": "Priya Raghunathan", "organisation": organisation, "region": region}
        body["constituency"] = "civil_society"
        return dict(faces["api"].ok("POST", path, json=body)["participant"])

    listed = registered("Migrant Workers Alliance", "South Asia")
    phone = registered("Migrant Workers Alliance", "")
    again = registered("Migrant Workers Alliance", "")
    elsewhere = registered("Youth Forum", "")
    # the shortest start of the id that the two alike in everything do not share
    length = next(n for n in range(6, 13) if phone["id"][:n] != again["id"][:n])

    def label(*details: str) -> str:
        return "Priya Raghunathan (" + " · ".join(f"\u2068{d}\u2069" for d in details) + ")"

    labels = {
        listed["id"]: label("Migrant Workers Alliance", "Region: South Asia"),
        phone["id"]: label(
            "Migrant Workers Alliance", "Region not stated", f"#{phone['id'][:length]}"
        ),
        again["id"]: label(
            "Migrant Workers Alliance", "Region not stated", f"#{again['id'][:length]}"
        ),
        elsewhere["id"]: label("Youth Forum"),
    }

    console.locator("#btn-next").click()
    console.locator("#btn-toggle").click()
    expect(console.locator("#btn-toggle")).to_contain_text("Pause")
    for person in (phone, listed):
        time.sleep(BURST_GAP)
        console.locator("body").press("i")
        dialog = console.get_by_role("dialog", name="Interposed question")
        expect(dialog).to_be_visible()
        options = dialog.locator("#interpose-people option")
        for text in labels.values():
            expect(options.and_(console.locator(f'[value="{text}"]'))).to_have_count(1)
        dialog.get_by_label("Who").fill(labels[person["id"]])
        dialog.get_by_role("button", name="Give the floor").click()
        expect(dialog).to_be_hidden()
        expect(console.locator("#speaker-name")).to_have_text("Priya Raghunathan")
        # the console shows what the server holds: the one chosen, not their namesake
        assert server_state(faces, segment)["current"]["participant_id"] == person["id"]
        console.locator("#btn-end").click()  # the floor goes back to the panellist
        expect(console.locator("#speaker-name")).to_have_text("Panellist 1")


def test_private_notes_are_saved_and_shown(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    expect(console.locator("#notes-hint")).to_contain_text("Only you see these")
    notes = console.get_by_role("textbox", name="Private notes")
    notes.fill("Call the Mayor of Quito after the break.")
    console.get_by_role("button", name="Save notes").click()
    eventually(
        lambda: server_state(faces, segment)["notes"] == "Call the Mayor of Quito after the break."
    )
    expect(console.locator("#notes-status")).to_have_text("Saved")
    notes.fill("Thank the interpreters.")
    notes.blur()  # leaving the box saves it too
    eventually(lambda: server_state(faces, segment)["notes"] == "Thank the interpreters.")
    # written from another console: shown here
    command(faces, segment, {"type": "set_notes", "text": "Close the list at 12:30."})
    expect(notes).to_have_value("Close the list at 12:30.")
    console.reload()
    expect(console.get_by_role("textbox", name="Private notes")).to_have_value(
        "Close the list at 12:30."
    )


def test_points_of_order_can_be_turned_off_for_delegates(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    toggle = console.get_by_role("checkbox", name="Delegates may raise points of order")
    expect(toggle).to_be_checked()
    toggle.uncheck()
    eventually(lambda: server_state(faces, segment)["settings"]["points_of_order"] is False)
    joined = register(faces, "Li Wei", "academia")
    delegate = Api(faces["server"].base, joined["token"])
    body = {"command_id": uuid.uuid4().hex, "kind": "point_of_order"}
    refused = delegate("POST", f"/segments/{segment}/floor-requests", json=body)
    assert refused.json()["error"]["code"] == "points_of_order_off"
    command(faces, segment, {"type": "set_points_of_order", "enabled": True})
    expect(toggle).to_be_checked()


# --- keyboard shortcuts -----------------------------------------------------------------------


def test_shortcuts_run_the_floor_but_not_while_typing(console: Page, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    body = console.locator("body")
    time.sleep(BURST_GAP)
    body.press("n")
    expect(console.locator("#speaker-name")).to_have_text("Panellist 1")
    toggle = console.locator("#btn-toggle")
    body.press(" ")
    expect(toggle).to_contain_text("Pause")
    body.press(" ")
    expect(toggle).to_contain_text("Resume")
    body.press("+")
    expect(console.locator("#timer-facts")).to_contain_text("+30 s adjusted")
    body.press("-")
    expect(console.locator("#timer-facts")).not_to_contain_text("adjusted")

    # Space on a focused button presses it (test_console_keyboard.py); on the floor it is the
    # timer's, as on the page
    console.locator("#floor").focus()
    console.keyboard.press(" ")
    expect(toggle).to_contain_text("Pause")
    assert server_state(faces, segment)["current"]["name"] == "Panellist 1"
    console.locator("#floor").blur()

    # M goes to the message box; letters typed there are text, not shortcuts (after a moment:
    # a letter straight after another key is a word being typed, and the box sends nothing
    # typed straight after M in the same burst of keys: test_console_floor_safety.py)
    time.sleep(BURST_GAP)
    body.press("m")
    message = console.get_by_label("Your own message")
    expect(message).to_be_focused()
    time.sleep(BURST_GAP)
    console.keyboard.type("Now, please end")
    console.keyboard.press("Enter")
    expect(console.locator("#message-current")).to_contain_text("Now, please end")
    state = server_state(faces, segment)
    assert state["current"]["name"] == "Panellist 1"  # "n" and "e" did nothing
    assert state["current"]["timer"]["state"] == "running"  # nor did the space

    message.blur()
    # on an Arabic (or Russian) layout the E key types "ث": it is still E, the key where it is
    time.sleep(BURST_GAP)
    console.evaluate(
        "() => document.body.dispatchEvent(new KeyboardEvent('keydown',"
        " {key: 'ث', code: 'KeyE', bubbles: true, cancelable: true}))"
    )
    expect(console.locator("#speaker-name")).to_have_text("Nobody has the floor")
    # Shift+N with nobody on the floor: no turn to record as not spoken, in the server's words
    version = faces["api"].state(segment)["version"]
    time.sleep(BURST_GAP)
    body.press("Shift+N")
    expect(console.locator("#notices")).to_contain_text(
        "no turn to put on the record as not spoken"
    )
    assert faces["api"].state(segment)["version"] == version  # nothing was sent
    console.get_by_role("button", name="Remove Panellist 2 from the queue").click()
    expect(console.locator("#queue .entry", has_text="Panellist 2")).to_have_count(0)
    time.sleep(BURST_GAP)
    body.press("u")
    expect(console.locator("#queue .entry", has_text="Panellist 2")).to_have_count(1)

    body.press("?")
    dialog = console.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    for text in (
        "Start, pause or resume",
        "Call the next speaker",
        "End the current turn",
        "did not speak: record it, call the next",
        "did not speak: record it, end the turn",
        "Undo the last change to the floor",
        "An interposed question",
        "Re-add the last speaker",
    ):
        expect(dialog).to_contain_text(text)
    console.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


# --- recommendations and pledges ------------------------------------------------------------------


def contribute(
    faces: dict[str, Any], joined: Any, kind: str, text: str, language: str = "en"
) -> str:
    """A delegate sends a recommendation or a pledge from their phone; returns its id."""
    delegate = Api(faces["server"].base, joined["token"])
    body = {"command_id": uuid.uuid4().hex, "kind": kind, "language": language, "text": text}
    body["segment_id"] = segment_id(faces, DISCUSSION_I)
    answer = delegate.ok("POST", f"/events/{faces['event']['id']}/contributions", json=body)
    return str(answer["contribution_id"])


def outcome(faces: dict[str, Any]) -> dict[str, Any]:
    return dict(faces["api"].ok("GET", f"/events/{faces['event']['id']}/contributions"))


def contribution(faces: dict[str, Any], contribution_id: str) -> dict[str, Any]:
    return next(c for c in outcome(faces)["contributions"] if c["id"] == contribution_id)


def test_contributions_arrive_live_and_are_curated_with_quick_actions(
    console: Page, faces: Any
) -> None:
    panel = console.locator(".contributions-panel")
    items = console.locator("#contributions .contribution")
    count = console.locator("#contributions-count")
    expect(console.locator("#contributions-empty")).to_contain_text("None yet")
    expect(count).to_have_attribute("data-count", "0")

    amina = register(faces, "Amina Yusuf", "civil_society", "PANiDMR")
    hostile = "<img src=x onerror=alert(1)>"
    marie = register(faces, hostile, "local_and_regional_authorities", "Ville de Montréal")
    first = contribute(faces, amina, "recommendation", "Regularisation pathways for workers.")
    expect(items).to_have_count(1)  # live, no reload
    pledge_text = "Nous financerons dix centres d'accueil pour les migrants en transit."
    second = contribute(faces, marie, "pledge", pledge_text, language="fr")
    expect(items).to_have_count(2)
    newest = items.first  # newest first
    expect(newest).to_have_attribute("data-contribution-id", second)
    expect(newest.locator(".tag-contribution")).to_have_text("Pledge")
    expect(newest.locator(".contribution-status")).to_have_text("To curate")
    expect(newest.locator(".contribution-name")).to_have_text(hostile)  # text, not markup
    expect(console.locator("#contributions img")).to_have_count(0)
    expect(newest.locator(".contribution-author")).to_contain_text(
        "Ville de Montréal · Local and regional authorities"
    )
    expect(newest.locator(".contribution-text")).to_have_text(pledge_text)
    expect(newest.locator(".contribution-text")).to_have_attribute("lang", "fr")
    expect(newest.locator(".contribution-lang")).to_have_attribute("title", "Written in French")
    expect(count).to_have_attribute("data-count", "2")
    expect(count).to_contain_text("2")

    # accept the pledge, show it on the room display, then clear the display
    newest.get_by_role("button", name=re.compile("^Accept the pledge by")).click()
    expect(newest.locator(".contribution-status")).to_have_text("Accepted")
    assert contribution(faces, second)["status"] == "accepted"
    expect(count).to_have_attribute("data-count", "1")
    newest.get_by_role("button", name=re.compile("^Show on the display")).click()
    expect(newest).to_have_attribute("data-shown", "true")
    expect(newest.locator(".tag-shown")).to_be_visible()
    expect(console.locator("#contributions-shown")).to_contain_text("On the room display")
    assert outcome(faces)["shown_id"] == second
    panel.get_by_role("button", name="Clear the room display").click()
    expect(console.locator("#contributions-shown")).to_be_hidden()
    expect(newest).to_have_attribute("data-shown", "false")
    assert outcome(faces)["shown_id"] is None

    # set the recommendation aside, with a note
    older = items.filter(has_text="Regularisation pathways")
    older.get_by_role("button", name="Set aside the recommendation by Amina Yusuf").click()
    older.get_by_label("Why set aside the recommendation by Amina Yusuf?").fill(
        "Duplicate of an earlier one"
    )
    older.get_by_role("button", name="Set aside", exact=True).click()
    expect(older.locator(".contribution-status")).to_have_text("Set aside")
    expect(older.locator(".contribution-meta")).to_contain_text("Duplicate of an earlier one")
    after = contribution(faces, first)
    assert (after["status"], after["note"]) == ("set_aside", "Duplicate of an earlier one")
    expect(count).to_have_attribute("data-count", "0")

    # the filter: what waits for curation, what was accepted
    panel.get_by_role("button", name=re.compile("^To curate")).click()
    expect(items.locator("visible=true")).to_have_count(0)
    expect(console.locator("#contributions-empty")).to_have_text("Nothing waits to be curated.")
    panel.get_by_role("button", name=re.compile("^Accepted")).click()
    expect(items.locator("visible=true")).to_have_count(1)
    panel.get_by_role("button", name=re.compile("^All")).click()
    expect(items.locator("visible=true")).to_have_count(2)

    # a refusal is the server's, in its words: another curator merged it meanwhile
    firewalls = "Firewalls between services and enforcement."
    # a pledge: only two of the same kind are merged (the server refuses a recommendation here)
    third = contribute(faces, amina, "pledge", firewalls)
    expect(items).to_have_count(3)
    faces["api"].ok(
        "PATCH", f"/contributions/{third}", json={"command_id": "merge-1", "merged_into": second}
    )
    merged = items.filter(has_text="Firewalls")
    expect(merged.locator(".contribution-status")).to_have_text("Merged")
    expect(merged.locator(".contribution-meta")).to_contain_text("Merged into the pledge by")
    expect(merged.get_by_role("button")).to_have_count(0)


# --- segments, schedule, record, connection ----------------------------------------------------


def test_switching_segments_and_confirming_a_new_live_one(open_console: Opener, faces: Any) -> None:
    make_live(faces, 0)  # the opening segment is live
    page = open_console(faces["moderator"])
    expect(page.locator("#segment-title")).to_have_text("Opening Segment")

    page.locator("#programme").get_by_role("button", name="Lunch Break", exact=True).click()
    expect(page.locator("#segment-title")).to_have_text("Lunch Break")
    expect(page.locator("#queue-empty")).to_be_visible()
    expect(page.locator("#segment-banner")).to_contain_text("Live now: “Opening Segment”")

    item = page.locator("#programme li", has_text="Thematic discussion I:")
    make = item.get_by_role("button", name=re.compile("^Make live"))
    make.click()
    # armed, its accessible name says so too (test_programme_buttons_say_when_they_are_armed)
    confirm = item.get_by_role("button", name=re.compile("^Confirm: end the live one"))
    expect(confirm).to_have_text("Confirm: end the live one")
    after_the_guard(page, confirm)  # a second press straight after is a double click's: not taken
    confirm.click()
    expect(page.locator("#segment-title")).to_contain_text("Thematic discussion I")
    expect(page.locator("#segment-eyebrow")).to_contain_text("Live")
    opening = page.locator("#programme li", has_text="Opening Segment")
    expect(opening).to_contain_text("Ended")
    expect(opening.locator(".segment-actual")).to_contain_text("started")

    item.get_by_role("button", name=re.compile("^End segment")).click()
    confirm = item.get_by_role("button", name=re.compile("^Confirm: end it"))
    after_the_guard(page, confirm)
    confirm.click()
    expect(page.locator("#segment-eyebrow")).to_contain_text("Ended")


def test_how_late_the_segment_runs(open_console: Opener, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    now = int(time.time() * 1000)
    faces["api"].ok(
        "PATCH",
        f"/segments/{segment}",
        json={
            "command_id": "reschedule",
            "scheduled_start_at": now - 10 * 60_000,
            "scheduled_end_at": now + 5 * 60_000,
        },
    )
    make_live(faces)
    page = open_console(faces["moderator"])
    # thirteen panellists of five minutes: an hour past the planned end, in the server's words
    # (the instruments' schedule); the console computes none of it
    expect(page.locator("#lateness-text")).to_have_text(
        re.compile(r"^Running (59 min|1 h|1 h 1 min) late$")
    )
    expect(page.locator("#lateness")).to_have_attribute("data-tone", "late")
    expect(page.locator("#lateness-extra")).to_contain_text("1 h 05 min still to speak")
    expect(page.locator("#queue-time-text")).to_contain_text("The queue needs 1 h 05 min")


def test_time_per_constituency_and_the_csv_export(console: Page, faces: Any) -> None:
    console.locator("#btn-next").click()
    console.locator("#btn-toggle").click()
    expect(console.locator("#timer")).to_have_text(re.compile(r"^4:5\d$"))
    console.locator("#btn-end").click()
    # who has been heard is the server's balance (the instruments), shown in its panel
    stat = console.locator("#balance-list .balance-row", has_text="Migrant association")
    expect(stat).to_contain_text("1 turn")
    expect(console.locator("#stats-totals")).to_contain_text("Speeches1")
    href = console.get_by_role("link", name="Export the speeches (CSV)").get_attribute("href")
    assert href
    response = console.request.get(f"{faces['server'].base}{href}")
    assert response.ok
    assert response.headers["content-type"].startswith("text/csv")
    assert "Panellist 1" in response.text()


def speeches(faces: dict[str, Any], segment: str) -> list[dict[str, Any]]:
    return list(faces["api"].ok("GET", f"/segments/{segment}/speeches"))


def test_a_speaker_who_did_not_speak_goes_on_the_record_as_skipped(
    console: Page, faces: Any
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    skip = console.get_by_role("group", name="Did not speak:")
    expect(skip).to_be_hidden()  # nobody has the floor yet
    console.locator("#btn-next").click()
    expect(console.locator("#speaker-name")).to_have_text("Panellist 1")
    # Panellist 1 is not in the room: recorded as not spoken, Panellist 2 called, one press
    skip_next = "Call next ⇧N (record the turn as not spoken)"
    skip.get_by_role("button", name=skip_next).click()
    expect(console.locator("#speaker-name")).to_have_text("Panellist 2")
    notices = console.locator("#notices")
    expect(notices).to_contain_text("Panellist 1's turn is on the record as not spoken")
    totals = console.locator("#stats-totals")
    expect(totals.locator("[data-stat=skipped] dd")).to_have_text("1")
    expect(totals.locator("[data-stat=speeches] dd")).to_have_text("0")

    # Panellist 2 speaks (timed); the floor holding time is on the record too
    console.locator("#btn-toggle").click()
    expect(console.locator("#timer")).to_have_text(re.compile(r"^4:5[0-8]$"))
    time.sleep(BURST_GAP)
    console.locator("body").press("n")
    expect(console.locator("#speaker-name")).to_have_text("Panellist 3")
    stats = server_state(faces, segment)["stats"]
    assert (stats["speeches"], stats["skipped"]) == (1, 1)
    assert stats["held_ms"] >= stats["spoken_ms"] >= 1000
    expect(totals.locator("[data-stat=speeches] dd")).to_have_text("1")
    held = round(stats["held_ms"] / 1000)
    expect(totals.locator("[data-stat=held] dd")).to_have_text(f"{held} s")
    expect(totals.locator("[data-stat=spoken] dd")).to_have_text(
        f"{round(stats['spoken_ms'] / 1000)} s"
    )
    expect(totals).to_contain_text("On the floor")

    # Panellist 3 has gone too: Shift+E ends the turn as not spoken, Shift+N calls as skipped
    time.sleep(BURST_GAP)
    console.locator("body").press("Shift+E")
    expect(console.locator("#speaker-name")).to_have_text("Nobody has the floor")
    expect(totals.locator("[data-stat=skipped] dd")).to_have_text("2")
    time.sleep(BURST_GAP)
    console.locator("body").press("n")
    expect(console.locator("#speaker-name")).to_have_text("Panellist 4")
    time.sleep(BURST_GAP)
    console.locator("body").press("Shift+N")
    expect(console.locator("#speaker-name")).to_have_text("Panellist 5")
    expect(totals.locator("[data-stat=skipped] dd")).to_have_text("3")
    record = [(s["name"], s["skipped"]) for s in speeches(faces, segment)]
    assert record == [
        ("Panellist 1", True),
        ("Panellist 2", False),
        ("Panellist 3", True),
        ("Panellist 4", True),
    ]
    expect(console.locator("#btn-undo")).to_contain_text("Undo calling Panellist 5")
    time.sleep(BURST_GAP)
    console.locator("body").press("u")  # and a mistaken skip is taken back exactly
    expect(console.locator("#speaker-name")).to_have_text("Panellist 4")
    expect(totals.locator("[data-stat=skipped] dd")).to_have_text("2")


def test_connection_loss_shows_reconnecting_then_live(console: Page, faces: Any) -> None:
    status = console.locator("#connection-status")
    faces["server"].stop()
    expect(status).to_have_text("Reconnecting…")
    expect(console.locator("#connection-banner")).to_be_visible()
    screenshot(console, "moderator-reconnecting")
    faces["server"].start()
    expect(status).to_have_text("Live", timeout=20_000)
    expect(console.locator("#connection-banner")).to_be_hidden()
    console.locator("#btn-next").click()
    expect(console.locator("#speaker-name")).to_have_text("Panellist 1")


# --- how it looks and how accessible it is ------------------------------------------------------


def busy_floor(faces: Any, segment: str) -> None:
    """A realistic moment: a speech done, a panellist who did not come, the next speaker in the
    amber with a message to conclude, floor requests waiting, recommendations and pledges in."""
    command(faces, segment, {"type": "call_next"})
    command(faces, segment, {"type": "start_timer"})
    command(faces, segment, {"type": "call_next"})
    command(faces, segment, {"type": "call_next", "skipped": True})
    command(faces, segment, {"type": "start_timer"})
    command(faces, segment, {"type": "adjust_time", "delta_ms": -275_000})
    command(faces, segment, {"type": "set_message", "text": "Please conclude"})
    for name, constituency, organisation, kind in (
        ("Amina Yusuf", "civil_society", "PANiDMR", "intervention"),
        (
            "Carlos Méndez",
            "local_and_regional_authorities",
            "Mayor's Office, Quito",
            "point_of_order",
        ),
        ("Li Wei", "academia", "University of Hong Kong", "intervention"),
    ):
        request_floor(faces, register(faces, name, constituency, organisation), segment, kind)
    joined = register(faces, "Marie Dubois", "local_and_regional_authorities", "Ville de Montréal")
    pledge = contribute(
        faces,
        joined,
        "pledge",
        "Nous financerons dix centres d'accueil pour les migrants en transit d'ici 2026.",
        "fr",
    )
    contribute(
        faces,
        register(faces, "Joseph Mensah", "trade_union", "ITUC Africa"),
        "recommendation",
        "Guarantee labour rights and portable social protection for every migrant worker, "
        "whatever their status.",
    )
    faces["api"].ok(
        "PATCH", f"/contributions/{pledge}", json={"command_id": "busy-1", "status": "accepted"}
    )
    faces["api"].ok(
        "POST",
        f"/events/{faces['event']['id']}/outcome/shown",
        json={"command_id": "busy-2", "contribution_id": pledge},
    )


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    assert results.response["passes"], "axe-core did not check anything"
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_accessibility_has_no_serious_violations(console: Page, faces: Any) -> None:
    busy_floor(faces, segment_id(faces, DISCUSSION_I))
    expect(console.locator("#requests .request")).to_have_count(3)
    expect(console.locator("#contributions .contribution")).to_have_count(2)
    assert serious_violations(console) == []
    console.locator("body").press("?")
    expect(console.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    assert serious_violations(console) == []


def test_screenshots(open_console: Opener, faces: Any) -> None:
    segment = make_live(faces)
    busy_floor(faces, segment)
    command(faces, segment, {"type": "set_notes", "text": "Give the floor back to Panellist 3."})
    # a question from the floor interrupts Panellist 3, whose turn waits, paused
    command(
        faces,
        segment,
        {
            "type": "interpose",
            "kind": "question",
            "name": "Chen Wei",
            "organisation": "Youth Forum",
        },
    )
    command(faces, segment, {"type": "start_timer"})
    page = open_console(faces["moderator"])
    expect(page.locator("#requests .request")).to_have_count(3)
    expect(page.locator("#speaker-name")).to_have_text("Chen Wei")
    expect(page.locator("#paused-box")).to_contain_text("Paused: Panellist 3")
    expect(
        page.locator("#balance-list .balance-row", has_text="Migrant association")
    ).to_be_visible()
    expect(page.locator("#contributions .contribution")).to_have_count(2)
    expect(page.locator(".contributions-panel")).to_be_in_viewport()
    assert screenshot(page, "moderator").stat().st_size > 0

    tablet = open_console(faces["moderator"], viewport={"width": 1024, "height": 768})
    expect(tablet.locator("#speaker-name")).to_have_text("Chen Wei")
    assert screenshot(tablet, "moderator-tablet").stat().st_size > 0
    # upright, the demo's long segment titles are cut with their ellipsis: no sideways scrolling
    tablet.set_viewport_size({"width": 768, "height": 1024})
    widths = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    scroll, client = tablet.evaluate(widths)
    assert scroll <= client, (scroll, client)


def test_programme_buttons_say_when_they_are_armed(open_console: Opener, faces: Any) -> None:
    """The programme's two-press buttons: a screen reader hears that the first press armed one
    (its accessible name, and a polite notice), and the name comes back when it disarms."""
    opening = make_live(faces, 0)
    discussion = segment_id(faces, DISCUSSION_I)
    title = faces["event"]["segments"][DISCUSSION_I]["title"]
    page = open_console(faces["moderator"])
    expect(page.locator("#segment-title")).to_have_text("Opening Segment")
    notices = page.locator("#notices")

    # "End segment" on the live one: armed, then disarmed when its few seconds are up
    end = page.locator(f'#programme [data-focus="{opening}:action"]')
    expect(end).to_have_accessible_name("End segment: Opening Segment")
    end.click()
    expect(end).to_have_text("Confirm: end it")
    expect(end).to_have_accessible_name("Confirm: end it: Opening Segment")
    expect(notices).to_contain_text("Ending “Opening Segment”. Press the button again to confirm.")
    assert server_state(faces, opening)["segment"]["status"] == "live"  # nothing sent yet
    expect(end).to_have_accessible_name("End segment: Opening Segment", timeout=10_000)
    expect(end).to_have_text("End segment")
    expect(end).to_have_attribute("data-armed", "false")
    expect(notices).not_to_contain_text("Ending “Opening Segment”")  # the ask is gone with it
    assert server_state(faces, opening)["segment"]["status"] == "live"

    # "Make live" on another while one is live: armed, and the second press is found by its name
    make = page.locator(f'#programme [data-focus="{discussion}:action"]')
    expect(make).to_have_accessible_name(f"Make live: {title}")
    make.click()
    expect(make).to_have_text("Confirm: end the live one")
    expect(make).to_have_accessible_name(f"Confirm: end the live one and make {title} live")
    expect(notices).to_contain_text(f"Making “{title}” live ends “Opening Segment”.")
    confirm = page.locator("#programme").get_by_role(
        "button", name=f"Confirm: end the live one and make {title} live", exact=True
    )
    after_the_guard(page, confirm)  # a second press straight after is a double click's: not taken
    confirm.click()
    expect(page.locator("#segment-eyebrow")).to_contain_text("Live")
    eventually(lambda: server_state(faces, discussion)["segment"]["status"] == "live")
    # rendered again as the live one's button, at rest
    expect(make).to_have_accessible_name(f"End segment: {title}")
    expect(notices).not_to_contain_text(f"Making “{title}” live")


def test_ending_the_last_segment_with_some_never_run_says_so(
    open_console: Opener, faces: Any
) -> None:
    """Outside probe: with Thematic discussion III never run, ending Closing remarks put "The
    hearing has closed" on every room screen, said nowhere on the console. Arming its End
    segment names the segments that never ran."""
    segments = faces["event"]["segments"]
    closing = make_live(faces, len(segments) - 1)
    page = open_console(faces["moderator"])
    end = page.locator(f'#programme [data-focus="{closing}:action"]')
    end.click()
    notices = page.locator("#notices")
    expect(notices).to_contain_text("closes the hearing on the room\u2019s screens")
    never = [s["title"].split(":")[0] for s in segments[:-1] if s.get("kind") != "break"]
    for title in never:
        expect(notices).to_contain_text(title)
    Path("/tmp/console_shots").mkdir(exist_ok=True)
    page.screenshot(path="/tmp/console_shots/ending-unrun.png")
    # a segment that is not the programme's last says only what it ends
    expect(end).to_have_attribute("data-armed", "false", timeout=10_000)
    opening = make_live(faces, 0)
    end = page.locator(f'#programme [data-focus="{opening}:action"]')
    end.click()
    expect(notices).to_contain_text("Ending \u201cOpening Segment\u201d. Press the button again")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_console_reflows_at_400_percent_zoom(
    open_console: Opener, faces: dict[str, Any], language: str
) -> None:
    """Outside probe (WCAG 1.4.10): at 320 CSS px (a 1280-px window at 400 %) the queue's
    buttons left their cards and the page scrolled sideways. Nothing is wider than the page,
    and each row's buttons are inside its card."""
    make_live(faces)
    url = faces["moderator"].replace("#key=", f"?lang={language}#key=")
    page = open_console(url, viewport={"width": 320, "height": 700})
    expect(page.locator("#queue .entry").first).to_be_visible()
    wide = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    scroll, client = page.evaluate(wide)
    assert scroll <= client, (scroll, client)
    inside = page.locator("#queue .entry").first.evaluate(
        """(entry) => { const box = entry.getBoundingClientRect();
            const actions = entry.querySelector('.entry-actions').getBoundingClientRect();
            return actions.left >= box.left - 1 && actions.right <= box.right + 1; }"""
    )
    assert inside


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_a_short_laptop_screen_shows_the_floor_and_call_next_without_scrolling(
    open_console: Opener, faces: dict[str, Any], size: tuple[int, int]
) -> None:
    """1280x720 (or 1920x1080 at 150 %) and 1366x768, a speaker with a long title on the floor:
    the timer's button and Call next are in view as the console opens, the timer still the
    largest text on the floor."""
    segment = make_live(faces)
    long_title = (
        "Director General, International Organization for Migration; Coordinator, United "
        "Nations Network on Migration; Special Representative for International Migration"
    )[:160]
    joined = register(faces, "H.E. Ms. Antónia Vitorino-Espinosa", "un_system", long_title)
    person = joined["participant"]["id"]
    command(faces, segment, {"type": "add_speaker", "participant_id": person, "position": 0})
    command(faces, segment, {"type": "call_next"})
    page = open_console(faces["moderator"], viewport={"width": size[0], "height": size[1]})
    expect(page.locator("#speaker-name")).to_have_text("H.E. Ms. Antónia Vitorino-Espinosa")
    for button in ("#btn-toggle", "#btn-next"):
        expect(page.locator(button)).to_be_in_viewport(ratio=1)
    # a long name next is cut with its ellipsis before the button, never run under it
    long_name = "Dr. María-Fernanda Guadalupe de los Ángeles Rodríguez-Villanueva de Santa Cruz"
    command(faces, segment, {"type": "add_speaker", "name": long_name, "position": 0})
    expect(page.locator("#next-name")).to_have_text(long_name)
    name_box = page.locator("#next-name").bounding_box()
    button_box = page.locator("#btn-next").bounding_box()
    assert name_box and button_box and name_box["x"] + name_box["width"] <= button_box["x"]
    # a short name beside a long organisation is whole: the organisation gives way (probe)
    organisation = "中华全国总工会国际联络部移民工人权益保障与社会融合促进中心"
    command(
        faces,
        segment,
        {"type": "add_speaker", "name": "欧阳建国", "organisation": organisation, "position": 0},
    )
    expect(page.locator("#next-name")).to_have_text("欧阳建国")
    whole = page.locator("#next-name").evaluate("(el) => el.scrollWidth <= el.clientWidth")
    assert whole
    timer = page.locator("#timer").evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    name = page.locator("#speaker-name").evaluate(
        "(el) => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert timer > 2.5 * name, (timer, name)
    screenshot(page, f"console-short-{size[0]}x{size[1]}")


def test_a_console_showing_a_segment_taken_out_moves_to_the_live_one(
    console: Page, faces: dict[str, Any]
) -> None:
    """The desk removes the segment a console was looking at (added by mistake): the console
    shows the live segment, saying why, instead of a segment no list has."""
    event_id = faces["event"]["id"]
    body = {"title": "Added by mistake", "command_id": uuid.uuid4().hex}
    extra = faces["api"].ok("POST", f"/events/{event_id}/segments", json=body)["id"]
    live = segment_id(faces, DISCUSSION_I)
    console.goto(f"{faces['moderator'].split('#')[0]}?segment={extra}")
    expect(console.locator("#connection-status")).to_have_text("Live")
    expect(console.locator("#programme")).to_contain_text("Added by mistake")
    faces["api"]("DELETE", f"/segments/{extra}").raise_for_status()
    expect(console.locator("#notices")).to_contain_text("The segment shown was removed")
    console.wait_for_url(re.compile(f"segment={live}"))
    expect(console.locator("#programme")).not_to_contain_text("Added by mistake")
