"""The console's presses act on the turn and the segment they were meant for (outside probe G).

A press on the floor names the turn it was meant for and is dropped, not kept, when the line is
down for more than 10 s; making a segment live from the banner asks twice, and undoing it says
what it leaves; points of order are shown first and announced; the shortcuts leave checkboxes
and lists alone and ignore a word being typed; notes typed in a segment are saved to it when
the console moves on; a segment that ends after midnight says so.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from tests.browser.conftest import VIEWPORTS
from tests.e2e.server import Api

from .conftest import command, eventually, segment_id, server_state

DISCUSSION_I = 1  # the demo segment with thirteen panellists


def ask_for_the_floor(faces: dict[str, Any], segment: str, name: str, kind: str) -> None:
    """A delegate joins and asks for the floor from their phone."""
    body = {"join_code": faces["event"]["join_code"], "name": name, "constituency": "civil_society"}
    joined = faces["api"].ok("POST", f"/events/{faces['event']['id']}/participants", json=body)
    delegate = Api(faces["server"].base, joined["token"])
    request = {"command_id": uuid.uuid4().hex, "kind": kind}
    delegate.ok("POST", f"/segments/{segment}/floor-requests", json=request)


Opener = Callable[..., tuple[Page, BrowserContext]]


@pytest.fixture
def open_console(browser: Browser) -> Iterator[Opener]:
    contexts: list[BrowserContext] = []

    def opener(
        url: str, route: Callable[[WebSocketRoute], None] | None = None
    ) -> tuple[Page, BrowserContext]:
        context = browser.new_context(viewport=VIEWPORTS["moderator"])
        contexts.append(context)
        page = context.new_page()
        if route is not None:
            page.route_web_socket(re.compile(r".*/ws/.*"), route)
        page.goto(url)
        expect(page.locator("#connection-status")).to_have_text("Live")
        return page, context

    yield opener
    for context in contexts:
        context.close()


class Line:
    """The console's socket through Playwright: what it sends is recorded, and held while
    `hold` is on (a line that carries nothing, the console not knowing it yet)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.held: list[str | bytes] = []
        self.hold = False
        self.server: Any = None

    def route(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        self.server = server

        def from_console(message: str | bytes) -> None:
            if isinstance(message, str):
                self.sent.append(json.loads(message))
            if self.hold:
                self.held.append(message)
            else:
                server.send(message)

        ws.on_message(from_console)
        server.on_message(ws.send)

    def release(self) -> None:
        self.hold = False
        for message in self.held:
            self.server.send(message)
        self.held.clear()

    def commands(self, type_: str) -> list[dict[str, Any]]:
        return [
            f["command"]
            for f in self.sent
            if f.get("type") == "command" and f["command"]["type"] == type_
        ]


# --- H1: the banner's Make live asks twice; undoing a start says what it leaves ------------------


def test_the_banner_makes_a_segment_live_only_on_a_second_press(
    open_console: Opener, faces: Any
) -> None:
    opening = segment_id(faces, 0)
    discussion = segment_id(faces, DISCUSSION_I)
    command(faces, opening, {"type": "start_segment"})
    command(faces, opening, {"type": "call_next"})
    command(faces, opening, {"type": "start_timer"})
    page, _ = open_console(faces["moderator"])
    page.locator("#programme").get_by_role(
        "button", name=re.compile("^Thematic discussion I:")
    ).click()
    expect(page.locator("#segment-title")).to_contain_text("Thematic discussion I")
    banner = page.locator("#segment-banner-action")
    expect(banner).to_have_text("Make this segment live (ends the live one)")

    banner.click()
    expect(banner).to_have_text("Confirm: end the live one")
    expect(banner).to_have_accessible_name(
        re.compile("^Confirm: end the live one and make Thematic")
    )
    expect(page.locator("#notices")).to_contain_text("ends “Opening Segment”")
    time.sleep(0.5)
    assert server_state(faces, opening)["segment"]["status"] == "live"  # nothing sent yet
    speaking = server_state(faces, opening)["current"]
    assert speaking is not None and speaking["timer"]["state"] == "running"

    banner.click()
    eventually(lambda: server_state(faces, discussion)["segment"]["status"] == "live")
    expect(page.locator("#segment-eyebrow")).to_contain_text("Live")

    # undoing the start says the truth: the opening, which that start ended, is live again as it
    # was, its speaker on the floor with the time they had left (the time it stood ended is not
    # theirs: their deadline moves on by at least the 0.4 s between the two presses)
    body = page.locator("body")
    expect(page.locator("#btn-undo")).to_contain_text("Undo starting the segment")
    body.press("u")
    # by name (outside probe D5: "makes the segment its start ended live again" named none)
    expect(page.locator("#notices")).to_contain_text(
        "Undoing starting the segment makes \u201c\u2068Opening Segment\u2069\u201d live again"
    )
    time.sleep(0.4)
    body.press("u")
    expect(page.locator("#notices")).to_contain_text(
        "\u201c\u2068Opening Segment\u2069\u201d is live again, as it was"
    )
    eventually(lambda: server_state(faces, discussion)["segment"]["status"] == "scheduled")
    eventually(lambda: server_state(faces, opening)["segment"]["status"] == "live")
    again = server_state(faces, opening)["current"]
    assert (again["name"], again["timer"]["state"]) == (speaking["name"], "running")
    assert again["timer"]["deadline_at"] >= speaking["timer"]["deadline_at"] + 400


def test_the_banner_disarms_by_itself(open_console: Opener, faces: Any) -> None:
    command(faces, segment_id(faces, 0), {"type": "start_segment"})
    page, _ = open_console(faces["moderator"])
    page.locator("#programme").get_by_role("button", name="Lunch Break", exact=True).click()
    banner = page.locator("#segment-banner-action")
    banner.click()
    expect(banner).to_contain_text("Confirm")
    expect(banner).to_have_text("Make this segment live (ends the live one)", timeout=6000)
    assert server_state(faces, segment_id(faces, 2))["segment"]["status"] == "scheduled"


# --- H2: a press names its turn, and is dropped rather than kept ----------------------------------


def test_a_press_on_the_floor_names_the_turn_it_was_meant_for(
    open_console: Opener, faces: Any
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, {"type": "start_segment"})
    command(faces, segment, {"type": "call_next"})
    line = Line()
    page, _ = open_console(faces["moderator"], route=line.route)
    expect(page.locator("#speaker-name")).to_have_text("Panellist 1")
    entry = server_state(faces, segment)["current"]["id"]
    body = page.locator("body")
    body.press(" ")
    expect(page.locator("#btn-toggle")).to_contain_text("Pause")
    page.get_by_role("button", name="Add 30 seconds").click()
    expect(page.locator("#timer-facts")).to_contain_text("adjusted")
    page.get_by_role("button", name="Please conclude").click()
    expect(page.locator("#message-current")).to_contain_text("Please conclude")
    for type_ in ("start_timer", "adjust_time", "set_message"):
        (sent,) = line.commands(type_)
        assert sent["entry_id"] == entry, sent

    # held on the way while another console calls the next speaker: refused, not applied to them
    line.hold = True
    time.sleep(0.35)
    body.press("e")
    eventually(lambda: bool(line.commands("end_turn")))
    assert line.commands("end_turn")[0]["entry_id"] == entry
    command(faces, segment, {"type": "call_next"})
    expect(page.locator("#speaker-name")).to_have_text("Panellist 2")
    line.release()
    expect(page.locator("#notices")).to_contain_text("the floor moved on before your press")
    time.sleep(0.5)
    assert server_state(faces, segment)["current"]["name"] == "Panellist 2"


def test_a_press_made_offline_is_dropped_after_ten_seconds(
    open_console: Opener, faces: Any
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, {"type": "start_segment"})
    command(faces, segment, {"type": "call_next"})
    page, context = open_console(faces["moderator"])
    expect(page.locator("#speaker-name")).to_have_text("Panellist 1")
    context.set_offline(True)
    expect(page.locator("#connection-status")).to_have_text("Reconnecting…")
    expect(page.locator("#connection-banner")).to_contain_text("dropped after 10 s")
    page.locator("body").press("e")
    expect(page.locator("#notices")).to_contain_text("kept for 10 s only")
    expect(page.locator("#notices")).to_contain_text(
        "Not sent: the connection was lost for more than 10 s", timeout=15_000
    )
    context.set_offline(False)
    expect(page.locator("#connection-status")).to_have_text("Live", timeout=20_000)
    time.sleep(1)
    assert server_state(faces, segment)["current"]["name"] == "Panellist 1"  # never applied


# --- H3: points of order first, counted and announced ---------------------------------------------


def test_points_of_order_are_shown_first_and_announced(open_console: Opener, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, {"type": "start_segment"})
    for number in range(6):
        ask_for_the_floor(faces, segment, f"Delegate {number}", "intervention")
    ask_for_the_floor(faces, segment, "Early Order", "point_of_order")
    page, _ = open_console(faces["moderator"])
    names = page.locator("#requests .request-name")
    expect(names).to_have_count(7)
    expect(names.first).to_have_text("Early Order")
    badge = page.locator("#requests-po")
    expect(badge).to_have_text("1 point of order")
    expect(page.locator("#notices")).not_to_contain_text("Point of order from")  # there already

    ask_for_the_floor(faces, segment, "Late Order", "point_of_order")
    expect(names).to_have_count(8)
    expect(names.nth(0)).to_have_text("Early Order")
    expect(names.nth(1)).to_have_text("Late Order")
    expect(names.nth(2)).to_have_text("Delegate 0")
    expect(badge).to_have_text("2 points of order")
    expect(page.locator("#notices")).to_contain_text("Point of order from")
    expect(page.locator("#notices")).to_contain_text("Late Order")
    expect(page.locator('#requests .request[data-pinned="true"]')).to_have_count(2)


# --- M1, L3, L4: the shortcuts --------------------------------------------------------------------


#: Keys typed at the page (the focus on none of its controls), one straight after the other.
TYPE_AT_PAGE_JS = """(word) => {
  for (const key of word) {
    const target = document.activeElement || document.body;
    target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
  }
}"""

#: M pressed at the page, then a word typed straight after it into the field it focuses, and
#: Enter, as a browser submits a form on Enter in its text field.
TYPE_AFTER_M_JS = """(word) => {
  const key = (target, key) =>
    target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
  key(document.body, "m");
  const input = document.activeElement;
  for (const letter of word) {
    key(input, letter);
    input.value += letter;
  }
  key(input, "Enter");
  input.form.requestSubmit();
}"""


def test_shortcuts_after_a_click_on_a_checkbox_and_while_typing_a_word(
    open_console: Opener, faces: Any
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, {"type": "start_segment"})
    page, _ = open_console(faces["moderator"])
    body = page.locator("body")

    # a word typed at the page with nobody on the floor: "A" is refused, the rest is ignored
    # (typed in the page, each key straight after the last: Playwright's own typing, under a
    # busy machine's load, could leave more than a burst's 300 ms between two keys)
    page.evaluate(TYPE_AT_PAGE_JS, "Ahmed Ben")
    expect(page.get_by_label("Your own message")).not_to_be_focused()
    time.sleep(0.5)
    state = server_state(faces, segment)
    assert state["current"] is None
    assert [e["name"] for e in state["queue"]][:1] == ["Panellist 1"]

    body.press("n")
    expect(page.locator("#speaker-name")).to_have_text("Panellist 1")

    # a click on a checkbox: it lets go of the focus, so Space runs the timer, not the box
    box = page.get_by_label("Delegates may raise points of order")
    box.click()
    eventually(lambda: server_state(faces, segment)["settings"]["points_of_order"] is False)
    expect(box).not_to_be_focused()
    page.keyboard.press(" ")
    expect(page.locator("#btn-toggle")).to_contain_text("Pause")
    assert server_state(faces, segment)["settings"]["points_of_order"] is False
    expect(box).not_to_be_checked()

    # a checkbox reached with the keyboard keeps its own Space
    time.sleep(1.1)
    box.focus()
    page.keyboard.press(" ")
    eventually(lambda: server_state(faces, segment)["settings"]["points_of_order"] is True)
    assert server_state(faces, segment)["current"]["timer"]["state"] == "running"
    box.blur()

    # "?" on an Arabic layout is "؟" (Shift and the / key)
    page.evaluate(
        "() => document.body.dispatchEvent(new KeyboardEvent('keydown',"
        " {key: '\u061f', code: 'Slash', shiftKey: true, bubbles: true, cancelable: true}))"
    )
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # M then a word typed without a pause, Enter included: not sent until Enter again
    time.sleep(0.4)
    page.evaluate(TYPE_AFTER_M_JS, "ed Ben Salah")
    message = page.get_by_label("Your own message")
    expect(message).to_be_focused()
    expect(message).to_have_value("ed Ben Salah")
    expect(page.locator("#notices")).to_contain_text("typed straight after M")
    assert server_state(faces, segment)["message"] == ""
    time.sleep(0.4)
    page.keyboard.press("Enter")
    expect(page.locator("#message-current")).to_contain_text("ed Ben Salah")


# --- M2: notes go to the segment they were typed in ----------------------------------------------


def test_unsaved_notes_are_saved_to_their_segment_when_the_console_moves_on(
    open_console: Opener, faces: Any
) -> None:
    discussion = segment_id(faces, DISCUSSION_I)
    lunch = segment_id(faces, 2)
    command(faces, discussion, {"type": "start_segment"})
    page, _ = open_console(faces["moderator"])
    notes = page.locator("#notes-text")
    notes.click()
    page.keyboard.type("After the break: call the youth delegate first")
    expect(page.locator("#notes-status")).to_have_text("Not saved yet")
    command(faces, lunch, {"type": "start_segment"})  # another console: the console follows
    expect(page.locator("#segment-title")).to_have_text("Lunch Break")
    eventually(
        lambda: (
            server_state(faces, discussion)["notes"]
            == "After the break: call the youth delegate first"
        )
    )
    expect(page.locator("#notices")).to_contain_text("Your notes were saved to")
    expect(notes).to_have_value("")
    assert server_state(faces, lunch)["notes"] == ""
    # and the next segment's notes are its own, even with the box still focused
    page.keyboard.type("Lunch notes")
    notes.blur()
    eventually(lambda: server_state(faces, lunch)["notes"] == "Lunch notes")
    assert (
        server_state(faces, discussion)["notes"] == "After the break: call the youth delegate first"
    )


# --- M4: a segment that ends the next day ---------------------------------------------------------


def test_a_segment_ending_after_midnight_says_plus_one_day(
    open_console: Opener, faces: Any
) -> None:
    event = faces["event"]
    body = {
        "command_id": "night",
        "title": "Evening side event",
        "kind": "discussion",
        "scheduled_start_at": f"{event['date']}T23:20",
        "scheduled_end_at": f"{next_day(event['date'])}T00:50",
    }
    faces["api"].ok("POST", f"/events/{event['id']}/segments", json=body)
    command(faces, segment_id(faces, DISCUSSION_I), {"type": "start_segment"})
    page, _ = open_console(faces["moderator"])
    item = page.locator("#programme li", has_text="Evening side event")
    expect(item.locator(".segment-when")).to_have_text("23:20\u201300:50")
    expect(item.locator(".segment-later")).to_have_text("+1 day")
    other = page.locator("#programme li", has_text="Lunch Break")
    expect(other.locator(".segment-later")).to_have_count(0)


def next_day(day: str) -> str:
    import datetime

    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=1)).isoformat()


def test_a_shortcut_pressed_too_fast_after_another_says_so(
    open_console: Opener, faces: Any
) -> None:
    """The review: E then N at once ends the turn, and N (taken as a word's next letter) was
    dropped without a word; the console says it was not taken."""
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, {"type": "start_segment"})
    command(faces, segment, {"type": "call_next"})
    page, _ = open_console(faces["moderator"])
    expect(page.locator("#speaker-name")).to_have_text("Panellist 1")
    page.evaluate(
        """() => {
          for (const key of ["e", "n"]) {
            document.body.dispatchEvent(new KeyboardEvent("keydown",
              {key, code: "Key" + key.toUpperCase(), bubbles: true, cancelable: true}));
          }
        }"""
    )
    expect(page.locator("#notices")).to_contain_text("N was not taken: it came right after E")
