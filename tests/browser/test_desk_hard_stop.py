"""The event's hard stop (when interpretation ends) set from the organiser's desk: typed as a
24-hour time on the event's date, saved, cleared, refused in words when it is no time, and the
server's warning when it falls before the programme's planned end, in English and in Arabic.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.test_desk_languages import AR, EN, fill
from tests.browser.test_desk_setup import api, make_event, open_desk, server
from tests.e2e.server import Api, ServerProcess

__all__ = ["api", "server"]  # the fixtures, used by name

SHOTS = Path("/tmp/hardstop_shots")
DAY = "2026-05-18"


def with_programme(api: Api, title: str) -> dict[str, Any]:
    """An event on DAY in New York, one segment from 10:00 to 17:00."""
    event = make_event(api, title)
    body = {
        "title": "Thematic discussion",
        "command_id": uuid.uuid4().hex,
        "scheduled_start_at": "10:00",
        "scheduled_end_at": "17:00",
    }
    api.ok("POST", f"/events/{event['id']}/segments", json=body)
    return event


def save(page: Page) -> None:
    page.locator("#event-form-submit").click()


def server_stop(api: Api, event: dict[str, Any]) -> Any:
    return api.ok("GET", f"/events/{event['id']}")["hard_stop_at_local"]


def test_the_desk_sets_changes_and_clears_the_hard_stop(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = with_programme(api, "Hard stop hearing")
    page = open_desk(browser, server, event, "event")
    field = page.locator("#event-form-hard-stop")
    expect(page.get_by_label(EN["desk.event.hard_stop"])).to_have_value("")
    assert EN["desk.event.hard_stop"] == "Interpretation ends (hard stop)"

    field.fill("1800")  # as people type it
    save(page)
    expect(page.locator("#notices")).to_contain_text(EN["desk.event.saved"])
    expect(field).to_have_value("18:00")
    assert server_stop(api, event) == f"{DAY}T18:00:00-04:00"
    expect(page.locator("#event-hard-stop-problem")).to_be_hidden()

    # before the programme's planned end: saved, and the desk says what to do
    field.fill("16:30")
    save(page)
    problem = page.locator("#event-hard-stop-problem")
    expect(problem).to_have_text(
        fill(EN["desk.event.hard_stop_problem.before_programme_end"], time="16:30", end="17:00")
    )
    assert server_stop(api, event) == f"{DAY}T16:30:00-04:00"

    # no time: refused here, in words, nothing sent
    field.fill("6pm")
    save(page)
    expect(page.locator("#event-form-note")).to_have_text(EN["desk.event.hard_stop_invalid"])
    expect(field).to_have_attribute("aria-invalid", "true")
    assert server_stop(api, event) == f"{DAY}T16:30:00-04:00"

    # emptied: no hard stop
    field.fill("")
    save(page)
    expect(problem).to_be_hidden()
    expect(field).not_to_have_attribute("aria-invalid", "true")
    assert api.ok("GET", f"/events/{event['id']}")["hard_stop_at"] is None
    page.context.close()


def test_a_new_event_is_made_with_its_hard_stop(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    page = open_desk(browser, server, None, "event")
    page.locator("#event-new").click()
    title = f"Hearing {uuid.uuid4().hex[:6]}"
    page.locator("#event-form-title").fill(title)
    page.locator("#event-form-date").fill(DAY)
    page.locator("#event-form-timezone").fill("America/New_York")
    page.locator("#event-form-hard-stop").fill("18:00")
    save(page)
    expect(page.locator("#notices")).to_contain_text(EN["desk.event.made"])
    (made,) = [event for event in api.ok("GET", "/events") if event["title"] == title]
    assert made["hard_stop_at_local"] == f"{DAY}T18:00:00-04:00"
    page.context.close()


def test_the_arabic_desk_warns_right_to_left_with_the_times_left_to_right(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = with_programme(api, "جلسة الاستماع")
    api.ok("PATCH", f"/events/{event['id']}", json={"hard_stop_at": "09:00"})
    page = open_desk(browser, server, event, "event", lang="ar")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    expect(page.get_by_label(AR["desk.event.hard_stop"])).to_have_value("09:00")
    lri, pdi = "\u2066", "\u2069"
    expect(page.locator("#event-hard-stop-problem")).to_have_text(
        fill(
            AR["desk.event.hard_stop_problem.before_first_start"],
            time=f"{lri}09:00{pdi}",
            start=f"{lri}10:00{pdi}",
        )
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#event-form").screenshot(path=str(SHOTS / "desk-warning-ar.png"))
    page.context.close()


def test_a_night_sessions_hard_stop_after_midnight_is_that_nights(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """A programme from 22:30 to 23:59 whose interpretation ends at 00:30 (outside probe D2):
    "00:30" typed on the desk is that night's, the day after the event's date, not that
    morning's (which the desk then flagged as before the programme starts)."""
    event = make_event(api, "Night session")
    body = {
        "title": "Late debate",
        "command_id": uuid.uuid4().hex,
        "scheduled_start_at": "22:30",
        "scheduled_end_at": "23:59",
    }
    api.ok("POST", f"/events/{event['id']}/segments", json=body)
    page = open_desk(browser, server, event, "event")
    field = page.locator("#event-form-hard-stop")
    field.fill("0030")
    save(page)
    expect(page.locator("#notices")).to_contain_text(EN["desk.event.saved"])
    expect(field).to_have_value("00:30")
    assert server_stop(api, event) == "2026-05-19T00:30:00-04:00"
    expect(page.locator("#event-hard-stop-problem")).to_be_hidden()
    assert api.ok("GET", f"/events/{event['id']}")["hard_stop_problem"] is None
    page.context.close()


def test_a_stop_typed_before_a_daytime_programme_stays_on_its_day(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """ "09:00" for a 10:00-17:00 programme is a slip, not the next morning: read on the day and
    flagged as before the programme starts (only a night session's stop goes past midnight)."""
    event = with_programme(api, "Day session")
    page = open_desk(browser, server, event, "event")
    page.locator("#event-form-hard-stop").fill("09:00")
    save(page)
    expect(page.locator("#event-hard-stop-problem")).to_be_visible()
    assert server_stop(api, event) == f"{DAY}T09:00:00-04:00"
    problem = api.ok("GET", f"/events/{event['id']}")["hard_stop_problem"]
    assert problem["code"] == "before_first_start"
    page.context.close()
