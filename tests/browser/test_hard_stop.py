"""The event's hard stop (when interpretation ends) on the moderator console and the
interpreters' booth: the console warns as the day's forecast end nears it (amber) and passes it
(red), saying by how much and what to do; the booth shows until when interpretation runs and,
past it, the day's forecast end, marked. In English and in Arabic (right to left), in the words
of the dictionaries, the figures the server's. Screenshots go to /tmp/hardstop_shots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import assert_accessible, open_face, wait_live
from .test_console_languages import fill_in, in_language
from .test_languages import dictionaries

WORDS = dictionaries()
SHOTS = Path("/tmp/hardstop_shots")
LRI, PDI = "\u2066", "\u2069"
DISCUSSION_I = 1


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.fixture
def discussion(faces: dict[str, Any]) -> str:
    """Thematic discussion I live: from now on the demo's day (of 2022) is read as moved to when
    it began, its programme ending at 18:00 moved the same way."""
    segment_id = str(faces["event"]["segments"][DISCUSSION_I]["id"])
    faces["api"].command(segment_id, {"type": "start_segment"}).raise_for_status()
    return segment_id


def hard_stop(faces: dict[str, Any], at: str | None) -> dict[str, Any]:
    """The event's hard stop set over REST (a local time on its date), and the schedule's
    reading of it (the forecast end and the stop, as the server reads them for this run)."""
    event_id = faces["event"]["id"]
    faces["api"].ok("PATCH", f"/events/{event_id}", json={"hard_stop_at": at})
    schedule = faces["api"].ok("GET", f"/events/{event_id}/schedule")
    return dict(schedule["hard_stop"] or {})


def clock_of(local: str) -> str:
    return local[11:16]


def console_live(page: Page) -> None:
    """Until the console says its connection is live (its snapshot in, instruments too)."""
    expect(page.locator("#connection-status")).to_have_attribute("data-status", "live")


@pytest.fixture
def console(browser: Browser, faces: dict[str, Any]) -> Iterator[Page]:
    page = open_face(browser, "moderator", faces["moderator"])
    page.set_viewport_size({"width": 1280, "height": 720})
    console_live(page)
    yield page
    page.context.close()


def test_the_console_warns_as_the_forecast_nears_and_passes_the_end_of_interpretation(
    console: Page, faces: dict[str, Any], discussion: str
) -> None:
    en = WORDS["en"]
    strip, note = console.locator("#hard-stop"), console.locator("#programme-stop")
    expect(strip).to_be_hidden()
    expect(note).to_be_hidden()  # no hard stop: nothing said

    # 20 min past: red, by how much and what to do
    past = hard_stop(faces, "17:40")
    assert (past["timing"], past["minutes"]) == ("over", 20)
    end, stop = clock_of(past["forecast_end_at_local"]), clock_of(past["stop_at_local"])
    expect(strip).to_have_text(
        fill_in(en["console.hard_stop.over"], end=end, over="20 min", stop=stop)
    )
    assert strip.text_content() == (
        f"Forecast to end at {end} — 20 min past the end of interpretation ({stop}): cut 20 min"
    )
    expect(strip).to_have_attribute("data-timing", "over")
    # the programme's note says the stop as set, beside the items' scheduled times (the demo's
    # day is a rehearsal: the strip's forecast reads it moved to the run)
    expect(note).to_have_text("Interpretation ends at 17:40")
    assert clock_of(past["scheduled_at_local"]) == "17:40"
    over_colour = strip.evaluate("(node) => getComputedStyle(node).borderTopColor")
    assert over_colour == "rgb(239, 68, 68)"  # the console's danger red
    shot(console, "console-over-en")

    # 5 min to spare: amber, no time to add
    near = hard_stop(faces, "18:05")
    stop = clock_of(near["stop_at_local"])
    expect(strip).to_have_text(
        fill_in(en["console.hard_stop.near"], end=end, left="5 min", stop=stop)
    )
    expect(strip).to_have_attribute("data-timing", "near")
    near_colour = strip.evaluate("(node) => getComputedStyle(node).borderTopColor")
    assert near_colour != over_colour
    shot(console, "console-near-en")

    # at the stop exactly: nothing to spare
    at = hard_stop(faces, "18:00")
    assert (at["timing"], at["minutes"]) == ("near", 0)
    expect(strip).to_have_text(
        fill_in(en["console.hard_stop.at"], end=end, stop=clock_of(at["stop_at_local"]))
    )

    # well before it: no warning, the programme says when interpretation ends
    clear = hard_stop(faces, "18:30")
    expect(strip).to_be_hidden()
    expect(note).to_have_text(f"Interpretation ends at {clock_of(clear['scheduled_at_local'])}")
    # cleared: nothing
    hard_stop(faces, None)
    expect(note).to_be_hidden()
    assert_accessible(console)


def test_the_arabic_console_says_it_right_to_left_with_the_times_left_to_right(
    browser: Browser, faces: dict[str, Any], discussion: str
) -> None:
    ar = WORDS["ar"]
    past = hard_stop(faces, "17:40")
    end, stop = clock_of(past["forecast_end_at_local"]), clock_of(past["stop_at_local"])
    page = open_face(browser, "moderator", in_language(faces["moderator"], "ar"))
    page.set_viewport_size({"width": 1280, "height": 720})
    console_live(page)
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    amount = fill_in(ar["staff.duration.min"], m=20)
    expect(page.locator("#hard-stop")).to_have_text(
        fill_in(
            ar["console.hard_stop.over"],
            end=f"{LRI}{end}{PDI}",
            over=amount,
            stop=f"{LRI}{stop}{PDI}",
        )
    )
    expect(page.locator("#programme-stop")).to_have_text(
        fill_in(ar["console.hard_stop.until"], time=f"{LRI}17:40{PDI}")  # as set
    )
    shot(page, "console-over-ar")
    page.context.close()


@pytest.fixture
def booth_url(faces: dict[str, Any]) -> str:
    link = faces["api"].ok(
        "POST", f"/events/{faces['event']['id']}/access-links", json={"role": "booth"}
    )
    return f"{faces['server'].base}{link['url']}"


def open_booth(browser: Browser, url: str) -> Page:
    page = open_face(browser, "display", url)
    page.set_viewport_size({"width": 1280, "height": 720})
    wait_live(page)
    return page


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_booth_shows_until_when_it_interprets_and_the_forecast_end_past_it(
    browser: Browser, faces: dict[str, Any], booth_url: str, discussion: str, language: str
) -> None:
    words = WORDS[language]
    page = open_booth(browser, booth_url.replace("#key=", f"?lang={language}#key="))
    line, forecast = page.locator("#day-end"), page.locator("#day-end-forecast")
    expect(line).to_be_hidden()  # no hard stop: nothing said

    past = hard_stop(faces, "17:40")
    end, stop = clock_of(past["forecast_end_at_local"]), clock_of(past["stop_at_local"])
    faces["api"].command(discussion, {"type": "call_next"}).raise_for_status()  # and a speaker
    expect(page.locator("#clock")).to_be_visible()
    # set while the booth is open: it follows without a reload
    expect(page.locator("#day-end-stop")).to_have_text(
        fill_in(words["booth.interpretation_until"], time=stop)
    )
    expect(forecast).to_be_visible()
    expect(forecast).to_have_attribute("data-timing", "over")
    said = fill_in(words["booth.forecast_end"], time=end)
    expect(forecast).to_have_text(
        re.compile(f"^{re.escape(said)} \\({re.escape(words['booth.forecast_past'])}\\)$")
    )
    # the times read left to right, in an Arabic line too
    for time in page.locator("#day-end .time").all():
        assert time.get_attribute("dir") == "ltr"
    direction = page.evaluate("() => document.documentElement.dir")
    assert direction == ("rtl" if language == "ar" else "ltr")
    # the mark is a frame as well as a colour, and the booth still fits its screen
    assert forecast.evaluate("(node) => getComputedStyle(node).borderTopStyle") == "solid"
    assert page.evaluate(
        "() => document.documentElement.scrollHeight <= innerHeight "
        "&& document.documentElement.scrollWidth <= innerWidth"
    )
    if language == "ar":  # the forecast comes after the stop, on the side Arabic reads on to
        stop_box = page.locator("#day-end-stop").bounding_box()
        end_box = forecast.bounding_box()
        assert stop_box is not None and end_box is not None
        assert end_box["x"] + end_box["width"] <= stop_box["x"], (stop_box, end_box)
    shot(page, f"booth-over-{language}")

    # before it, with time to spare: only until when interpretation runs
    clear = hard_stop(faces, "18:30")
    expect(forecast).to_be_hidden()
    expect(page.locator("#day-end-stop")).to_have_text(
        fill_in(words["booth.interpretation_until"], time=clock_of(clear["stop_at_local"]))
    )
    hard_stop(faces, None)
    expect(line).to_be_hidden()
    if language == "en":
        assert_accessible(page)
    page.context.close()
