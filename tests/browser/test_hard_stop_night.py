"""A night session's hard stop past midnight: the console and the interpreters' booth say its
time with "+1 day" (outside probe D: "Interpretation ends at 00:30" read as the same day's), in
the server's figures (`hard_stop.days_after`). In English and in Arabic. Screenshots go to
/tmp/hardstop_shots/."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.server import Api

from .conftest import open_face, wait_live
from .test_console_languages import fill_in
from .test_hard_stop import WORDS, console_live, shot

LRI, PDI = "\u2066", "\u2069"


@pytest.fixture
def night(faces: dict[str, Any]) -> dict[str, Any]:
    """A meeting day (UTC) whose one segment runs from 5 minutes ago to an hour from now, its
    hard stop at 00:30 the day after the segment's start: always the next day's."""
    api: Api = faces["api"]
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start, end = now - timedelta(minutes=5), now + timedelta(minutes=60)
    stop = datetime.combine(start.date() + timedelta(days=1), datetime.min.time(), UTC)
    stop += timedelta(minutes=30)
    body = {"title": "Night session", "timezone": "UTC", "date": start.date().isoformat()}
    event = api.ok("POST", "/events", json=body)
    segment = api.ok(
        "POST",
        f"/events/{event['id']}/segments",
        json={
            "title": "Resumed session",
            "command_id": uuid.uuid4().hex,
            "scheduled_start_at": int(start.timestamp() * 1000),
            "scheduled_end_at": int(end.timestamp() * 1000),
        },
    )
    api.command(segment["id"], {"type": "start_segment"}).raise_for_status()
    stop_ms = int(stop.timestamp() * 1000)
    api.ok("PATCH", f"/events/{event['id']}", json={"hard_stop_at": stop_ms})
    schedule = api.ok("GET", f"/events/{event['id']}/schedule")
    assert schedule["rehearsal"] is None and schedule["hard_stop"]["days_after"] == 1, schedule
    links = {
        role: api.ok("POST", f"/events/{event['id']}/access-links", json={"role": role})
        for role in ("moderator", "booth")
    }
    base = faces["server"].base
    return {
        "moderator": f"{base}{links['moderator']['url']}",
        "booth": f"{base}{links['booth']['url']}",
        "stop": stop.strftime("%H:%M"),
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_console_and_the_booth_say_a_stop_past_midnight_is_the_next_day(
    browser: Browser, night: dict[str, Any], language: str
) -> None:
    words = WORDS[language]
    one_day = fill_in(words["console.programme.days_later#one"], n=1)
    stop = night["stop"]
    console = open_face(
        browser, "moderator", night["moderator"].replace("#key=", f"?lang={language}#key=")
    )
    console.set_viewport_size({"width": 1280, "height": 720})
    console_live(console)
    time_said = f"{LRI}{stop}{PDI}" if language == "ar" else stop
    expect(console.locator("#programme-stop")).to_have_text(
        fill_in(words["console.hard_stop.until"], time=f"{time_said} {one_day}")
    )
    shot(console, f"console-night-{language}")
    console.context.close()

    booth = open_face(browser, "display", night["booth"].replace("#key=", f"?lang={language}#key="))
    booth.set_viewport_size({"width": 1280, "height": 720})
    wait_live(booth)
    booth_day = fill_in(words["booth.days_later#one"], n=1)
    expect(booth.locator("#day-end-stop")).to_have_text(
        f"{fill_in(words['booth.interpretation_until'], time=stop)} {booth_day}"
    )
    # the time reads left to right in an Arabic line too
    assert booth.locator("#day-end-stop .time").get_attribute("dir") == "ltr"
    shot(booth, f"booth-night-{language}")
    booth.context.close()
