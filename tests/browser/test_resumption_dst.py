"""A resumption typed at the console on a night the clocks change (outside probe): in the hour
New York repeats (2026-11-01, 01:00-01:59 first at -04:00, then at -05:00) a time whose first
reading has passed is the second one, not refused as past; a time Zurich skips (2026-03-29,
02:00-02:59) is refused, saying so and what to choose, not moved to 03:30. The wall-time reading
(dom.js) and the console's form (moderator/resumption.js, with a stand-in for the connection and
the server's clock) in real Chromium, at those dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.server import ServerProcess

NEW_YORK, ZURICH = "America/New_York", "Europe/Zurich"


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


@pytest.fixture
def page(browser: Browser, demo_server: ServerProcess) -> Iterator[Page]:
    """A page of the server's origin, for its static modules."""
    context = browser.new_context()
    opened = context.new_page()
    opened.goto(f"{demo_server.base}/static/js/dom.js")
    yield opened
    context.close()


def readings(page: Page, hhmm: str, near: int, zone: str) -> Any:
    return page.evaluate(
        """async ([hhmm, near, zone]) => {
            const m = await import('/static/js/dom.js');
            const first = m.instantOfDay(hhmm, near, zone);
            return { first, all: m.wallReadings(hhmm, near, zone) };
        }""",
        [hhmm, near, zone],
    )


def test_the_repeated_hour_has_both_readings(page: Page) -> None:
    near = ms("2026-11-01T01:57:00-04:00")  # the first 01:57, EDT
    got = readings(page, "01:15", near, NEW_YORK)
    first, second = ms("2026-11-01T01:15:00-04:00"), ms("2026-11-01T01:15:00-05:00")
    assert got["all"] == {"instants": [first, second], "skipped": None}
    assert got["first"] == first  # instantOfDay's other callers: the first, as before


def test_a_skipped_time_does_not_exist(page: Page) -> None:
    near = ms("2026-03-29T01:40:00+01:00")
    got = readings(page, "02:30", near, ZURICH)
    assert got["all"] == {
        "instants": [],
        "skipped": {"day": "2026-03-29", "before": "02:00", "from": "03:00"},
    }
    assert got["first"] is None  # no longer 03:30


def test_an_ordinary_time_is_unchanged(page: Page) -> None:
    near = ms("2026-11-01T01:57:00-04:00")
    got = readings(page, "15:15", near, NEW_YORK)
    assert got["all"] == {"instants": [ms("2026-11-01T15:15:00-05:00")], "skipped": None}
    assert got["first"] == ms("2026-11-01T15:15:00-05:00")
    got = readings(page, "02:30", ms("2026-03-30T09:00:00+02:00"), ZURICH)  # the day after
    assert got["first"] == ms("2026-03-30T02:30:00+02:00")


def submit(page: Page, typed: str, now: int, zone: str, language: str = "en") -> Any:
    """The console's resumption form, typed `typed` and sent at the server's `now`: what it sent
    the server, and what it told the moderator."""
    return page.evaluate(
        """async ([typed, now, zone, language]) => {
            document.body.innerHTML = `<form id="resumption"><input id="resumption-time">
              <p id="resumption-told"></p>
              <button type="button" id="resumption-clear"></button></form>`;
            const i18n = await import('/static/js/i18n.js');
            await import('/static/js/i18n/console.js');
            i18n.setLanguage(language, { remember: false });
            const { createResumption } = await import('/static/js/moderator/resumption.js');
            const sent = [], notices = [];
            const ctx = {
                conn: { event: { timezone: zone }, clock: { now: () => now }, programme: null },
                notices: { show: (text, kind) => notices.push([kind, text]) },
                run: async (command) => { sent.push(command); return true; },
                state: () => null,
            };
            createResumption(ctx);
            document.getElementById('resumption-time').value = typed;
            document.getElementById('resumption').requestSubmit();
            await new Promise((done) => setTimeout(done, 50));
            return { sent, notices };
        }""",
        [typed, now, zone, language],
    )


def test_the_console_announces_the_second_reading_in_the_repeated_hour(page: Page) -> None:
    now = ms("2026-11-01T01:57:00-04:00")
    for typed, expected in (
        ("01:15", "2026-11-01T01:15:00-05:00"),
        ("01:10", "2026-11-01T01:10:00-05:00"),
    ):
        got = submit(page, typed, now, NEW_YORK)
        assert [command["at"] for command in got["sent"]] == [ms(expected)], got
    # in its second pass, a time already passed twice is past (the server refuses it)
    got = submit(page, "01:15", ms("2026-11-01T01:30:00-05:00"), NEW_YORK)
    assert [command["at"] for command in got["sent"]] == [ms("2026-11-01T01:15:00-05:00")]


def test_the_console_refuses_a_time_the_clocks_skip(page: Page) -> None:
    now = ms("2026-03-29T01:40:00+01:00")
    got = submit(page, "02:30", now, ZURICH)
    assert got["sent"] == []
    assert got["notices"] == [
        [
            "warning",
            "02:30 does not exist on 2026-03-29 in Europe/Zurich (the clocks go forward): "
            "choose a time before 02:00 or from 03:00.",
        ]
    ]
    got = submit(page, "02:30", now, ZURICH, "ar")
    assert got["sent"] == [] and "غير موجودة" in got["notices"][0][1], got
    assert "\u206602:30\u2069" in got["notices"][0][1]
    # an ordinary time that night is sent as typed
    got = submit(page, "03:30", now, ZURICH)
    assert [command["at"] for command in got["sent"]] == [ms("2026-03-29T03:30:00+02:00")]
