"""The message to the speaker keeps up with a fast moderator (outside tester, a busy day).

After Enter sends a message the keyboard is the shortcuts' again (the next N calls the next
speaker, it is not typed into the field), and Esc leaves the field keeping what is typed. The
guard against keys meant for something else refuses only what no person types as a message:
keys faster than a person types (test_console_floor_safety.py), or only a shortcut's keys
pressed in the field after M; "Time is up" typed at an ordinary speed straight after M is sent
on the first Enter.

Each key is a real key press in Chromium; the pauses between keys are a person's typing speed,
and every check waits on the page or the server.
"""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Browser, expect

from .conftest import eventually, segment_id
from .conftest import server_state as state
from .test_console_keyboard import BURST_GAP, DISCUSSION_I, live_console, press

#: An ordinary typing speed, a key every 120 ms (the tester's).
TYPING_MS = 120


def test_after_enter_sends_the_next_n_calls_the_next_speaker(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    page = live_console(browser, faces)
    field = page.get_by_label("Your own message")
    press(page, "m")
    expect(field).to_be_focused()
    page.keyboard.type("Please conclude", delay=TYPING_MS)
    page.keyboard.press("Enter")
    expect(page.locator("#message-current")).to_contain_text("Please conclude")
    expect(field).not_to_be_focused()  # back where the shortcuts work
    expect(field).to_have_value("")
    time.sleep(BURST_GAP)  # the moderator's next key, a moment later (not part of the word)
    page.keyboard.press("n")
    expect(page.locator("#speaker-name")).to_have_text("Panellist 1")
    expect(field).to_have_value("")
    assert state(faces, segment)["current"]["name"] == "Panellist 1"


def test_esc_leaves_the_message_field_keeping_the_text(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    page = live_console(browser, faces)
    field = page.get_by_label("Your own message")
    press(page, "m")
    expect(field).to_be_focused()
    page.keyboard.type("Half a minute left", delay=TYPING_MS)
    page.keyboard.press("Escape")
    expect(field).not_to_be_focused()
    expect(field).to_have_value("Half a minute left")  # not sent, not lost
    time.sleep(BURST_GAP)
    page.keyboard.press("n")
    expect(page.locator("#speaker-name")).to_have_text("Panellist 1")
    expect(field).to_have_value("Half a minute left")
    assert state(faces, segment)["message"] == ""
    # M again: the text is still there to send
    press(page, "m")
    expect(field).to_be_focused()
    page.keyboard.press("End")
    time.sleep(BURST_GAP)
    page.keyboard.press("Enter")
    expect(page.locator("#message-current")).to_contain_text("Half a minute left")


def test_a_message_typed_at_an_ordinary_speed_after_m_is_sent_at_once(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    page = live_console(browser, faces)
    field = page.get_by_label("Your own message")
    press(page, "m")
    expect(field).to_be_focused()
    page.keyboard.type("Time is up", delay=TYPING_MS)
    page.keyboard.press("Enter")
    # the old wording of the "time" preset, recognised as it (app/floor/presets.py)
    expect(page.locator("#message-current")).to_contain_text("Your time is up")
    eventually(lambda: state(faces, segment)["message_preset"] == "time")
    expect(field).not_to_be_focused()
    # and words of one's own, quick but a person's
    press(page, "m")
    page.keyboard.type("Thirty seconds", delay=60)
    page.keyboard.press("Enter")
    expect(page.locator("#message-current")).to_contain_text("Thirty seconds")
    expect(page.locator("#notices")).not_to_contain_text("typed straight after M")


def test_only_a_shortcuts_keys_after_m_are_not_sent_until_enter_again(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    page = live_console(browser, faces)
    field = page.get_by_label("Your own message")
    press(page, "m")
    expect(field).to_be_focused()
    page.keyboard.type("n", delay=TYPING_MS)  # Call next, into the field
    page.keyboard.press("Enter")
    expect(page.locator("#notices")).to_contain_text(
        "Not sent: “n” looks like shortcut keys pressed in the message field after M."
    )
    expect(field).to_be_focused()
    expect(field).to_have_value("n")
    assert state(faces, segment)["message"] == ""
    # Esc: out of the field, and N is Call next again
    page.keyboard.press("Escape")
    expect(field).not_to_be_focused()
    time.sleep(BURST_GAP)
    page.keyboard.press("n")
    expect(page.locator("#speaker-name")).to_have_text("Panellist 1")
    assert state(faces, segment)["message"] == ""
