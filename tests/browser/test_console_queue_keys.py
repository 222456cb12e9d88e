"""The console's speaking queue by keyboard: one tab stop, arrows within (outside probe Q).

A moderator going through a queue of thirteen panellists by Tab used to press Tab five times a
row (grip, ↑, ↓, ✎, ✕). Now the queue is one tab stop (a roving tabindex, queue.js): Tab from
the control before it reaches a row's control and the next Tab leaves the queue; Left/Right and
Home/End move within a row (as the eye sees it: right to left in Arabic), Up/Down to the same
control of the row above or below; Enter and Space are the focused button's (the timer's Space
is not taken); an open edit form's fields are reached by Tab; when a row goes or moves the focus
and the one tab stop stay on a named control. How to move is the description of the control the
focus lands on as it enters the queue, in the console's language.

What a keyboard user notices is asserted: where the focus is after each key, the one control
Tab reaches, what the server did. The words are read from the dictionaries.
"""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from .conftest import command, eventually, segment_id
from .conftest import server_state as state
from .test_console_keyboard import BURST_GAP, DISCUSSION_I, WORDS, fill, live_console, press

EN = WORDS["en"]
PARTS = ("grip", "up", "down", "edit", "remove")

#: Where the focus is: (row index, the control's part) in the queue, else (id or tag, "").
FOCUSED_JS = """() => {
  const active = document.activeElement;
  const li = active && active.closest('#queue .entry');
  if (!li) return [active ? active.id || active.tagName.toLowerCase() : '', ''];
  const key = active.dataset.focus || '';
  return [[...li.parentNode.children].indexOf(li), key.slice(key.lastIndexOf(':') + 1)];
}"""

#: The queue's controls that Tab stops at (tabindex 0 or more), as "row:part".
STOPS_JS = """() => [...document.querySelectorAll('#queue button, #queue input, #queue select')]
  .filter((el) => el.tabIndex >= 0 && !el.closest('form'))
  .map((el) => {
    const li = el.closest('.entry');
    const key = el.dataset.focus || '';
    return `${[...li.parentNode.children].indexOf(li)}:${key.slice(key.lastIndexOf(':') + 1)}`;
  })"""


def focused(page: Page) -> tuple[Any, str]:
    row, part = page.evaluate(FOCUSED_JS)
    return row, part


def stops(page: Page) -> list[str]:
    return list(page.evaluate(STOPS_JS))


def control(page: Page, row: int, part: str) -> Locator:
    return page.locator("#queue .entry").nth(row).locator(f'[data-focus$=":{part}"]')


def names(faces: dict[str, Any]) -> list[str]:
    return [entry["name"] for entry in state(faces, segment_id(faces, DISCUSSION_I))["queue"]]


def into_queue(page: Page) -> None:
    """Tab from the control just before the queue ("Suggest an order")."""
    page.locator("#btn-suggest-queue").focus()
    page.keyboard.press("Tab")


def out_of_queue(page: Page) -> str:
    """Where the focus is, having left the queue (not the page's start, not a queue control)."""
    row, _ = focused(page)
    assert isinstance(row, str), f"the focus is still in the queue, on row {row}"
    assert row not in ("", "body"), row
    return row


# --- one tab stop ---------------------------------------------------------------------------------


def test_the_queue_is_one_tab_stop_that_says_how_to_move(
    browser: Browser, faces: dict[str, Any]
) -> None:
    page = live_console(browser, faces)
    expect(page.locator("#queue .entry")).to_have_count(13)
    assert stops(page) == ["0:grip"]

    # one Tab from the control before the queue: its first row; the next Tab: out of it
    into_queue(page)
    grip = control(page, 0, "grip")
    expect(grip).to_be_focused()
    # said as the queue is entered: how to move in it, in the console's words
    expect(grip).to_have_accessible_description(EN["console.queue.keys"])
    page.keyboard.press("Tab")
    after = out_of_queue(page)
    expect(grip).to_have_accessible_description("")  # not left on a control without the focus
    # and back: Shift+Tab reaches the queue's one stop, from below as from above
    page.keyboard.press("Shift+Tab")
    expect(grip).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#btn-suggest-queue")).to_be_focused()

    # the queue keeps the control last used: out and in again, the focus is where it was
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert focused(page) == (2, "up")
    # moving inside the queue is not an entry: the description is not said at each arrow
    expect(control(page, 2, "up")).to_have_accessible_description("")
    assert stops(page) == ["2:up"]
    page.keyboard.press("Tab")
    assert out_of_queue(page) == after
    page.keyboard.press("Shift+Tab")
    assert focused(page) == (2, "up")
    expect(control(page, 2, "up")).to_have_accessible_description(EN["console.queue.keys"])

    # the help lists the arrows with the other keys
    press(page, "?")
    dialog = page.get_by_role("dialog", name=EN["console.help.heading"])
    expect(dialog).to_contain_text(EN["console.help.queue_keys"])


def test_arrows_home_and_end_move_within_a_row_and_across_rows(
    browser: Browser, faces: dict[str, Any]
) -> None:
    page = live_console(browser, faces)
    into_queue(page)
    assert focused(page) == (0, "grip")
    # Right through the row's controls in order; at its end it stays (no wrapping)
    for part in PARTS[1:]:
        page.keyboard.press("ArrowRight")
        assert focused(page) == (0, part)
    page.keyboard.press("ArrowRight")
    assert focused(page) == (0, "remove")
    page.keyboard.press("Home")
    assert focused(page) == (0, "grip")
    page.keyboard.press("ArrowLeft")
    assert focused(page) == (0, "grip")
    page.keyboard.press("End")
    assert focused(page) == (0, "remove")
    page.keyboard.press("ArrowLeft")
    assert focused(page) == (0, "edit")

    # Up and Down: the same control of the row above or below; none above the first
    page.keyboard.press("ArrowDown")
    assert focused(page) == (1, "edit")
    expect(
        page.get_by_role("button", name=fill(EN["console.queue.edit"], name="Panellist 2"))
    ).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert focused(page) == (0, "edit")
    # Ctrl+End / Ctrl+Home: the last row, the first
    page.keyboard.press("Control+End")
    assert focused(page) == (12, "edit")
    page.keyboard.press("ArrowDown")
    assert focused(page) == (12, "edit")
    page.keyboard.press("Control+Home")
    assert focused(page) == (0, "edit")
    assert stops(page) == ["0:edit"]
    # none of it moved anybody
    assert names(faces)[:3] == ["Panellist 1", "Panellist 2", "Panellist 3"]


def test_enter_and_space_are_the_focused_controls_and_the_edit_form_is_reached_by_tab(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    page = live_console(browser, faces)
    press(page, "n")  # Panellist 1 has the floor; the timer runs
    press(page, " ")
    expect(page.locator("#btn-toggle")).to_contain_text("Pause")
    expect(page.locator("#queue .entry-name").first).to_have_text("Panellist 2")

    def running() -> bool:
        return bool(state(faces, segment)["current"]["timer"]["state"] == "running")

    # Enter on the second row's ↑: it moves up, says so, and keeps the focus
    into_queue(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    up = page.get_by_role("button", name=fill(EN["console.queue.up"], name="Panellist 3"))
    expect(up).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#notices")).to_contain_text(
        fill(EN["console.queue.moved"], name="\u2068Panellist 3\u2069", n="1", count="12")
    )
    eventually(lambda: names(faces)[:2] == ["Panellist 3", "Panellist 2"])
    expect(up).to_be_focused()
    assert stops(page) == ["0:up"]
    # Space on ↓ (one Right away) moves it back down; the timer's Space is not taken
    page.keyboard.press("ArrowRight")
    time.sleep(BURST_GAP)
    page.keyboard.press(" ")
    eventually(lambda: names(faces)[:2] == ["Panellist 2", "Panellist 3"])
    down = page.get_by_role("button", name=fill(EN["console.queue.down"], name="Panellist 3"))
    expect(down).to_be_focused()
    assert running()
    # Alt+↑ still moves the entry of the focused control
    page.keyboard.press("Alt+ArrowUp")
    eventually(lambda: names(faces)[:2] == ["Panellist 3", "Panellist 2"])
    expect(down).to_be_focused()

    # Enter on ✎: the row's edit form, its first field focused; arrows there are the field's
    page.keyboard.press("ArrowRight")
    edit = page.get_by_role("button", name=fill(EN["console.queue.edit"], name="Panellist 3"))
    expect(edit).to_be_focused()
    page.keyboard.press("Enter")
    form = page.locator("#queue .entry").first.locator("form.entry-edit")
    kind = form.locator("select").first
    expect(kind).to_be_focused()
    expect(edit).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(kind).to_be_focused()
    # every field by Tab, in order; then out of the queue
    fields = [
        form.locator(".edit-time"),
        form.locator(".edit-note input"),
        form.locator("select").nth(1),
        form.locator('input[type="checkbox"]'),
        form.get_by_role("button", name=EN["console.queue.edit_save"]),
        form.get_by_role("button", name=EN["console.common.cancel"]),
    ]
    for field in fields:
        page.keyboard.press("Tab")
        expect(field).to_be_focused()
        if field == fields[0]:
            page.keyboard.press("ArrowLeft")  # the caret moves, not the focus
            expect(field).to_be_focused()
    page.keyboard.press("Tab")
    out_of_queue(page)
    page.keyboard.press("Shift+Tab")
    expect(fields[-1]).to_be_focused()
    # Shift+Tab from the form's first field: its row's ✎ (the queue's stop while it is open)
    kind.focus()
    page.keyboard.press("Shift+Tab")
    expect(edit).to_be_focused()
    page.keyboard.press("Tab")
    expect(kind).to_be_focused()
    page.keyboard.press("Escape")
    expect(form).to_have_count(0)
    expect(edit).to_be_focused()
    expect(edit).to_have_attribute("aria-expanded", "false")
    assert stops(page) == ["0:edit"]
    assert running()


# --- the focus when a row goes or moves ---------------------------------------------------------


def test_the_focus_and_the_one_stop_stay_on_a_named_control_when_a_row_goes_or_moves(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    page = live_console(browser, faces)
    queue = state(faces, segment)["queue"]
    into_queue(page)

    # Enter on the third row's ✕: removed; the focus on the row now in its place, on its grip
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("End")
    remove = page.get_by_role("button", name=fill(EN["console.queue.remove"], name="Panellist 3"))
    expect(remove).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#queue .entry")).to_have_count(12)
    grip = page.locator("#queue .entry").nth(2).locator(".grip")
    expect(grip).to_be_focused()
    expect(grip).to_have_accessible_name(
        fill(EN["console.queue.grip"], name="Panellist 4", n="3", count="12")
    )
    assert stops(page) == ["2:grip"]
    # the console moved the focus: it is no entry into the queue, nothing said again
    expect(grip).to_have_accessible_description("")

    # moved by another console while its ✎ has the focus: the focus goes with it
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    edit = page.get_by_role("button", name=fill(EN["console.queue.edit"], name="Panellist 4"))
    expect(edit).to_be_focused()
    entry = next(e for e in queue if e["name"] == "Panellist 4")
    command(faces, segment, type="move_entry", entry_id=entry["id"], position=5)
    expect(page.locator("#queue .entry").nth(5)).to_contain_text("Panellist 4")
    expect(edit).to_be_focused()
    assert stops(page) == ["5:edit"]
    page.keyboard.press("ArrowUp")
    assert focused(page) == (4, "edit")

    # the row holding the stop goes while the focus is elsewhere: the row now in its place has it
    page.keyboard.press("Tab")
    out_of_queue(page)
    gone = next(e for e in state(faces, segment)["queue"] if e["name"] == "Panellist 7")
    assert names(faces)[4] == "Panellist 7"
    command(faces, segment, type="remove_entry", entry_id=gone["id"])
    expect(page.locator("#queue .entry")).to_have_count(11)
    assert stops(page) == ["4:grip"]
    into_queue(page)
    expect(page.locator("#queue .entry").nth(4).locator(".grip")).to_be_focused()
    page.keyboard.press("Tab")
    out_of_queue(page)

    # every row gone and back: the first row is the stop again
    for waiting in state(faces, segment)["queue"]:
        command(faces, segment, type="remove_entry", entry_id=waiting["id"])
    expect(page.locator("#queue-empty")).to_be_visible()
    command(faces, segment, type="add_speaker", name="Late Comer")
    expect(page.locator("#queue .entry-name")).to_have_text(["Late Comer"])
    assert stops(page) == ["0:grip"]


# --- right to left ------------------------------------------------------------------------------


def test_left_and_right_follow_the_rows_order_on_screen_in_arabic(
    browser: Browser, faces: dict[str, Any]
) -> None:
    page = live_console(browser, faces, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    into_queue(page)
    grip = control(page, 0, "grip")
    expect(grip).to_be_focused()
    expect(grip).to_have_accessible_description(WORDS["ar"]["console.queue.keys"])
    # the grip is at the row's right; ↑ is to its left on screen: Left reaches it
    boxes = [control(page, 0, part).bounding_box() for part in PARTS]
    xs = [box["x"] for box in boxes if box]
    assert len(xs) == len(PARTS) and xs == sorted(xs, reverse=True), xs
    page.keyboard.press("ArrowRight")  # nothing to the right of the grip
    assert focused(page) == (0, "grip")
    for part in PARTS[1:]:
        page.keyboard.press("ArrowLeft")
        assert focused(page) == (0, part)
    page.keyboard.press("ArrowRight")
    assert focused(page) == (0, "edit")
    # Home and End: the row's first and last control in reading order (right, left)
    page.keyboard.press("Home")
    assert focused(page) == (0, "grip")
    page.keyboard.press("End")
    assert focused(page) == (0, "remove")
    page.keyboard.press("ArrowDown")
    assert focused(page) == (1, "remove")
    page.keyboard.press("Tab")
    out_of_queue(page)
