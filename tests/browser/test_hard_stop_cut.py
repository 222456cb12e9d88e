"""Past the hard stop, the console says where to cut (outside probe D8), in the server's figures
(``hard_stop.cut``, app/floor/cuts.py): the live queue's time each that ends the day by the stop,
one press away, and once the queue can do no more, the segments still to come with their
planned lengths. In English and in Arabic (right to left). Screenshots go to
/tmp/hardstop_shots/."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import assert_accessible, open_face
from .test_console_languages import fill_in, in_language
from .test_hard_stop import DISCUSSION_I, WORDS, clock_of, console_live, hard_stop, shot

LRI, FSI, PDI, NBSP = "\u2066", "\u2068", "\u2069", "\u00a0"
#: speakers added to Thematic discussion I: its queue then runs well past its planned end, and
#: the whole afternoon with it
ADDED = 40


@pytest.fixture
def crowded(faces: dict[str, Any]) -> str:
    """Thematic discussion I live, 40 more speakers waiting (3 min each): the day runs late."""
    segment_id = str(faces["event"]["segments"][DISCUSSION_I]["id"])
    api = faces["api"]
    api.command(segment_id, {"type": "start_segment"}).raise_for_status()
    for n in range(ADDED):
        command = {
            "type": "add_speaker",
            "name": f"Delegate {n:02}",
            "kind": "intervention",
            "allotted_ms": 180_000,
        }
        api.command(segment_id, command, command_id=uuid.uuid4().hex).raise_for_status()
    return segment_id


def _console(browser: Browser, url: str) -> Page:
    page = open_face(browser, "moderator", url)
    page.set_viewport_size({"width": 1280, "height": 720})
    console_live(page)
    return page


def _queue_words(language: str, cut: dict[str, Any], isolate: bool, over: str = "") -> str:
    """The console's sentence for the queue's cut, as the dictionaries word it."""
    words = WORDS[language]
    queue = cut["queue"]
    form = "other" if language == "en" else "many"  # 50-odd turns: English other, Arabic many
    key = f"console.hard_stop.{'cut_queue' if queue['reaches'] else 'cut_queue_short'}#{form}"
    minutes, seconds = divmod(queue["each_ms"] // 1000, 60)
    each, end = f"{minutes}:{seconds:02d}", clock_of(queue["end_at_local"])
    if isolate:
        each, end = f"{LRI}{each}{PDI}", f"{LRI}{end}{PDI}"
    return fill_in(words[key], n=queue["count"], each=each, end=end, over=over)


def test_the_console_offers_the_time_each_that_ends_the_day_by_the_stop(
    browser: Browser, faces: dict[str, Any], crowded: str
) -> None:
    en = WORDS["en"]
    # 20 min before the forecast end: the queue alone can bring the day back by the stop
    forecast = faces["api"].ok("GET", f"/events/{faces['event']['id']}/schedule")
    segments = {row["segment_id"]: row for row in forecast["segments"]}
    assert segments[crowded]["timing"] == "late"
    past = hard_stop(faces, "18:10")
    cut = past["cut"]
    assert past["timing"] == "over" and cut["queue"]["reaches"], past
    assert cut["queue"]["segment_id"] == crowded
    assert cut["queue"]["count"] >= ADDED
    console = _console(browser, faces["moderator"])
    line, button = console.locator("#hard-stop-cut"), console.locator("#btn-hard-stop-cut")
    expect(line).to_be_visible()
    expect(console.locator("#hard-stop-cut-text")).to_have_text(_queue_words("en", cut, False))
    minutes, seconds = divmod(cut["queue"]["each_ms"] // 1000, 60)
    expect(button).to_have_text(
        fill_in(en["console.time.give_each"], time=f"{minutes}:{seconds:02d}")
    )
    # the day needs nothing more than the queue: nothing else is listed
    expect(console.locator("#hard-stop-cut-later")).to_be_hidden()
    shot(console, "console-cut-queue-en")
    assert_accessible(console)

    # one press gives it: every waiting turn has that time, and the day ends by the stop
    button.click()
    expect(console.locator("#hard-stop")).not_to_have_attribute("data-timing", "over")
    expect(line).to_be_hidden()
    state = faces["api"].state(crowded)["state"]
    keep = {"point_of_order", "right_of_reply"}
    given = [entry["allotted_ms"] for entry in state["queue"] if entry["kind"] not in keep]
    assert given and set(given) == {cut["queue"]["each_ms"]}
    assert (
        faces["api"].ok("GET", f"/events/{faces['event']['id']}/schedule")["hard_stop"]["over_ms"]
        <= 0
    )
    console.context.close()


def test_once_the_queue_can_do_no_more_the_console_lists_what_is_still_to_come(
    browser: Browser, faces: dict[str, Any], crowded: str
) -> None:
    """A stop at 17:30: even at 30 s each the lunch break keeps its start, so the day cannot
    end by it through the queue; the console says how near the queue brings it, and lists what
    is still to come with each item's planned length."""
    past = hard_stop(faces, "17:30")
    cut = past["cut"]
    assert cut["queue"] is not None and not cut["queue"]["reaches"], cut
    console = _console(browser, faces["moderator"])
    over = f"{(cut['queue']['over_ms'] + 30_000) // 60_000} min"  # as driftAmount rounds
    expect(console.locator("#hard-stop-cut-text")).to_have_text(
        _queue_words("en", cut, False, over)
    )
    later = console.locator("#hard-stop-cut-later")
    expect(later).to_contain_text("Still to come, to shorten: ")
    # what has not been held, in the programme's order, each with its planned length: the
    # opening (the demo begins with the first discussion) and the afternoon; not the live one
    programme = [segment["title"] for segment in faces["event"]["segments"]]
    listed = (later.text_content() or "").split("Still to come, to shorten: ", 1)[1]
    # a length is not broken over two lines ("2 h" with a no-break space)
    assert listed.startswith(f"{FSI}{programme[0]}{PDI} (30{NBSP}min) · "), listed
    assert f"{FSI}{programme[2]}{PDI} (2{NBSP}h) · " in listed
    assert listed.endswith(f"{FSI}{programme[5]}{PDI} (10{NBSP}min)"), listed
    order = [listed.index(f"{FSI}{title}{PDI}") for title in [programme[0], *programme[2:]]]
    assert order == sorted(order)
    assert programme[DISCUSSION_I] not in listed
    shot(console, "console-cut-later-en")
    console.context.close()


def test_the_arabic_console_says_where_to_cut_right_to_left(
    browser: Browser, faces: dict[str, Any], crowded: str
) -> None:
    ar = WORDS["ar"]
    cut = hard_stop(faces, "18:10")["cut"]
    console = _console(browser, in_language(faces["moderator"], "ar"))
    assert console.evaluate("() => document.documentElement.dir") == "rtl"
    expect(console.locator("#hard-stop-cut-text")).to_have_text(_queue_words("ar", cut, True))
    minutes, seconds = divmod(cut["queue"]["each_ms"] // 1000, 60)
    expect(console.locator("#btn-hard-stop-cut")).to_have_text(
        fill_in(ar["console.time.give_each"], time=f"{LRI}{minutes}:{seconds:02d}{PDI}")
    )
    # the line fits the console's width (no sideways scroll)
    assert console.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    shot(console, "console-cut-queue-ar")
    console.context.close()
