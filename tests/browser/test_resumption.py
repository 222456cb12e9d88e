"""A lunch that runs over (outside probe A2): the moderator tells the room when the meeting
resumes, from the console, and every face says that time instead of the programme's; withdrawn,
the programme's time again. The console offers it only in a break, as the server says."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import open_face, screenshot, with_lang

from .test_delegate import join

NEW_YORK = ZoneInfo("America/New_York")


def _time_to_tell() -> datetime:
    """About 20 min from now in the event's zone (New York), on a whole minute, and on today's
    date there (a console's "15:15" is today's): skipped in the minute before midnight."""
    now = datetime.now(NEW_YORK)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), NEW_YORK)
    at = min(now + timedelta(minutes=20), midnight - timedelta(minutes=1)).replace(
        second=0, microsecond=0
    )
    if at <= now + timedelta(seconds=20):
        pytest.skip("too close to midnight in New York for a time still to come today")
    return at


def _console(browser: Browser, faces: dict[str, Any], language: str = "en") -> Page:
    page = open_face(browser, "moderator", with_lang(faces["moderator"], language))
    expect(page.locator("#connection-status")).to_have_attribute("data-status", "live")
    return page


def test_the_moderator_tells_the_room_a_new_time_and_every_face_says_it(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api = faces["api"]
    segments = faces["event"]["segments"]
    lunch = str(segments[2]["id"])
    assert segments[2]["kind"] == "break"
    api.command(lunch, {"type": "start_segment"}).raise_for_status()
    console = _console(browser, faces)
    form = console.locator("#resumption")
    expect(console.locator("#segment-title")).to_have_text("Lunch Break")
    expect(form).to_be_visible()
    # the demo's day is past: the programme's 15:00 has gone by, and the console says so
    told = console.locator("#resumption-told")
    expect(told).to_have_text(
        "The programme\u2019s time, 15:00, has passed: announce when the meeting resumes."
    )
    display = open_face(browser, "display", faces["display"], timezone_id="Europe/Paris")
    clock = open_face(browser, "clock", faces["clock"], timezone_id="Asia/Tokyo")
    expect(display.locator("#break-resumes")).to_have_text("Was due to resume at 15:00")
    phone = open_face(browser, "delegate", faces["delegate"], timezone_id="Europe/Paris")
    join(phone)
    closed = phone.locator("#request-closed")
    expect(closed).to_contain_text("starts (it was due at 15:00).")

    at = _time_to_tell()
    hhmm = at.strftime("%H:%M")
    console.locator("#resumption-time").fill(hhmm)
    console.get_by_role("button", name="Tell the room").click()
    expect(console.locator("#notices")).to_contain_text(f"The room is told: resumes at {hhmm}.")
    expect(told).to_have_text(f"The room is told: resumes at {hhmm} (announced).")
    screenshot(console, "console-resumption")
    screenshot(display, "display-resumption")
    # every face: the room display, the speaker clock, the phone, in the event's time
    expect(display.locator("#break-resumes")).to_have_text(f"Resumes at {hhmm}")
    expect(clock.locator("body")).to_contain_text(f"Resumes at {hhmm}")
    expect(closed).to_contain_text(f"starts ({hhmm}).")
    # the server has it as told, to the minute, and its forecast reads it
    state = api.ok("GET", f"/segments/{lunch}/state")
    assert state["state"]["segment"]["resumes_at"] == int(at.timestamp() * 1000)
    day = api.ok("GET", f"/events/{faces['event']['id']}/schedule")
    row = next(r for r in day["segments"] if r["segment_id"] == lunch)
    assert row["forecast_end_at"] == int(at.timestamp() * 1000)

    # withdrawn: the programme's time again, everywhere
    console.get_by_role("button", name="Back to the programme\u2019s time").click()
    expect(told).to_contain_text("The programme\u2019s time, 15:00, has passed")
    expect(display.locator("#break-resumes")).to_have_text("Was due to resume at 15:00")
    expect(clock.locator("body")).to_contain_text("Was due to resume at 15:00")
    expect(closed).to_contain_text("starts (it was due at 15:00).")

    # a time already past is refused in words, and nothing changes
    past = (datetime.now(NEW_YORK) - timedelta(minutes=5)).strftime("%H:%M")
    if past < datetime.now(NEW_YORK).strftime("%H:%M"):  # not across midnight
        console.locator("#resumption-time").fill(past)
        console.get_by_role("button", name="Tell the room").click()
        expect(console.locator("#notices")).to_contain_text("That time has passed")
        expect(display.locator("#break-resumes")).to_have_text("Was due to resume at 15:00")

    # a discussion is no break: the console does not offer it there
    console.locator("#programme li .segment-view").nth(1).click()
    expect(console.locator("#segment-title")).to_have_text(segments[1]["title"])
    expect(form).to_be_hidden()
    for page in (display, clock, phone):
        page.context.close()
    console.context.close()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_console_says_it_in_its_language(
    browser: Browser, faces: dict[str, Any], language: str
) -> None:
    api = faces["api"]
    lunch = str(faces["event"]["segments"][2]["id"])
    api.command(lunch, {"type": "start_segment"}).raise_for_status()
    at = _time_to_tell()
    when = int(at.timestamp() * 1000)
    api.command(lunch, {"type": "announce_resumption", "at": when}).raise_for_status()
    console = _console(browser, faces, language)
    told = console.locator("#resumption-told")
    hhmm = at.strftime("%H:%M")
    words = {
        "ar": f"أُبلغت القاعة: تُستأنف الساعة {hhmm} (موعد مُعلن).",
        "fr": f"La salle est informée : reprise à {hhmm} (annoncée).",
    }[language]
    # the time left to right inside the Arabic sentence
    isolated = words.replace(hhmm, f"\u2066{hhmm}\u2069")
    expect(told).to_have_text(isolated if language == "ar" else words)
    if language == "ar":
        expect(console.locator("html")).to_have_attribute("dir", "rtl")
        screenshot(console, "console-resumption-ar")
    console.context.close()


def test_two_consoles_do_not_silently_replace_each_others_time(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Console B is typing a time when console A tells the room another (outside probe D7): B's
    first press is refused, saying someone else announced since, and the room keeps A's time;
    B's second press, having seen it, replaces it."""
    lunch = str(faces["event"]["segments"][2]["id"])
    faces["api"].command(lunch, {"type": "start_segment"}).raise_for_status()
    first = _time_to_tell()
    second = min(first + timedelta(minutes=5), first.replace(hour=23, minute=59))
    if second <= first:
        pytest.skip("too close to midnight in New York for two times still to come today")
    a, b = _console(browser, faces), _console(browser, faces)
    display = open_face(browser, "display", faces["display"])
    typing = b.locator("#resumption-time")
    typing.click()  # B starts typing: its field is not filled again under it
    a.locator("#resumption-time").fill(first.strftime("%H:%M"))
    a.get_by_role("button", name="Tell the room").click()
    expect(display.locator("#break-resumes")).to_have_text(f"Resumes at {first:%H:%M}")
    expect(b.locator("#resumption-told")).to_contain_text(f"resumes at {first:%H:%M}")

    typing.fill(second.strftime("%H:%M"))
    typing.press("Enter")
    expect(b.locator("#notices")).to_contain_text("Someone else announced another time")
    expect(display.locator("#break-resumes")).to_have_text(f"Resumes at {first:%H:%M}")
    typing.press("Enter")  # seen now: meant
    expect(display.locator("#break-resumes")).to_have_text(f"Resumes at {second:%H:%M}")
    for page in (a, b, display):
        page.context.close()
