"""What the screens the room only looks at say comes next (outside probe J): the room display's
next speakers readable from the back of the room on a 4:3 projector too, each sized on its own;
the paused turn first during an interposed question, with its language; the kind of a turn that
is not a plain intervention; after a segment, what comes next on the programme (or that the
hearing has closed) instead of its leftover queue; the speaker clock's signals and presets in
the speaker's floor language too; the live page's badge only while a segment is live; the booth's
signal meant for the turn it shows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import open_face, with_lang
from .test_room_screens import outside_the_screen, queue_people, register, speakers_of_the_hearing

#: The next speakers' smallest sizes, as shares of the screen's height. A 15 m room watches a
#: screen about 2 m high (the farthest seat at about 8 screen heights): a name 3% of it is a
#: font 6 cm high, capitals about 4.3 cm, some 10 arc minutes at 15 m, what signage asks of a
#: name read at a glance; a tag or the remote marker (a few letters, on its own ground) 2.2%.
NAME_MIN = 0.03
TAG_MIN = 0.022
#: A short name beside a long one keeps (nearly) its own size: one long name no longer shrinks it.
SHORT_NAME_MIN = 0.035

SCREENS = [(1024, 768), (1280, 720), (1920, 1080)]

#: The probe's longest: a Spanish name of 120 characters and an organisation of 110.
LONG = (
    "Maria Fernanda de los Ángeles Rodríguez-Villanueva y Castellanos de la Santísima "
    "Trinidad Ortega-Montenegro Pérez Gil X"
)[:120]
LONG_ORG = (
    "Confederación Sindical de Trabajadores y Trabajadoras de las Américas — Secretaría "
    "de Migraciones Laborales"
)[:110]

SIZES_JS = """() => {
  const size = (node) => parseFloat(getComputedStyle(node).fontSize);
  const all = (selector) => [...document.querySelectorAll(selector)];
  return {
    names: all('#next .next-name').map((node) => [node.textContent, size(node)]),
    tags: all('#next .lang-tag, #next .remote-tag, #next .next-kind').map(size),
    cut: all('#next .next-name').filter((node) => node.scrollHeight > node.clientHeight + 4)
      .map((node) => node.textContent),
  };
}"""


def _live(page: Page) -> None:
    page.wait_for_function(
        "() => window.floorConnection && window.floorConnection.status === 'live'"
    )


def _booth(browser: Browser, faces: dict[str, Any], language: str = "en") -> Page:
    link = faces["api"].ok(
        "POST", f"/events/{faces['event']['id']}/access-links", json={"role": "booth"}
    )
    url = with_lang(f"{faces['server'].base}{link['url']}", language)
    page = open_face(browser, "display", url)
    page.set_viewport_size({"width": 1280, "height": 720})
    _live(page)
    return page


@pytest.fixture
def discussion(faces: dict[str, Any]) -> str:
    segment_id = str(faces["event"]["segments"][1]["id"])
    faces["api"].command(segment_id, {"type": "start_segment"}).raise_for_status()
    return segment_id


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_next_speakers_read_from_the_back_of_the_room_on_every_screen(
    browser: Browser, faces: dict[str, Any], discussion: str, language: str
) -> None:
    people = [
        register(faces, LONG, "es", "in_room", LONG_ORG, "trade_union"),
        register(faces, "Amina Diallo", "fr", "remote", "", "migrant_association"),
        register(faces, "Ivan Petrov", "ru", "remote", "Russian Academy of Sciences", "academia"),
    ]
    queue_people(faces, discussion, people)
    display = open_face(browser, "display", with_lang(faces["display"], language))
    _live(display)
    expect(display.locator("#next li")).to_have_count(3)
    for width, height in SCREENS:
        display.set_viewport_size({"width": width, "height": height})
        display.wait_for_function("() => document.fonts.status === 'loaded'")
        display.wait_for_function(
            f"() => innerHeight === {height} && document.querySelector('#next li').dataset.fit"
        )
        # the fit of the size before is there already: two frames on, the resize's own has run
        # (CI under load measured the 1280x720 fit at 1920x1080 once)
        display.evaluate(
            "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )
        sizes = display.evaluate(SIZES_JS)
        for name, size in sizes["names"]:
            assert size >= NAME_MIN * height - 0.1, (width, height, name, size)
            if len(name) < 20:
                assert size >= SHORT_NAME_MIN * height - 0.1, (width, height, name, size)
        # three languages, two remote markers, three kinds (added by the moderator: panellists)
        assert len(sizes["tags"]) == 3 + 2 + 3
        assert min(sizes["tags"]) >= TAG_MIN * height - 0.1, (width, height, sizes["tags"])
        assert sizes["cut"] == [], (width, height)  # the long name whole, on its own lines
        assert outside_the_screen(display) == [], (width, height)
        expect(display.locator("#qr")).to_be_in_viewport(ratio=1)


def test_during_an_interposed_question_the_paused_turn_comes_next_with_its_language(
    browser: Browser, faces: dict[str, Any], discussion: str
) -> None:
    api = faces["api"]
    speakers_of_the_hearing(faces, discussion)  # Amina Diallo (FR, remote) has the floor
    point = register(faces, "Delegate of Egypt", "ar", "in_room", "", "member_state")
    api.command(
        discussion,
        {"type": "add_speaker", "participant_id": point, "position": 0, "kind": "point_of_order"},
    ).raise_for_status()
    display = open_face(browser, "display", faces["display"])
    _live(display)
    booth = _booth(browser, faces)
    nexts = display.locator("#next li")
    booth_nexts = booth.locator("#next .booth-person")
    # the kind of a turn that is not a plain intervention, on both
    expect(nexts.nth(0)).to_contain_text("Delegate of Egypt")
    expect(nexts.nth(0).locator(".next-kind")).to_have_text("Point of order")
    expect(nexts.nth(1).locator(".next-kind")).to_have_text("Panellist")
    expect(booth_nexts.nth(0).locator(".booth-kind")).to_have_text("Point of order")

    interpose = {"type": "interpose", "kind": "question", "name": "Delegate of Mexico"}
    api.command(discussion, interpose).raise_for_status()
    expect(display.locator("#speaker-name")).to_have_text("Delegate of Mexico")
    first = nexts.nth(0)
    expect(first.locator(".next-name")).to_have_text("Amina Diallo")
    expect(first.locator(".next-returns")).to_have_text("Returns to the floor")
    expect(first.locator(".lang-tag")).to_have_text("FR")
    expect(first.locator(".remote-tag")).to_have_text("Remote")
    expect(nexts).to_have_count(3)
    expect(nexts.nth(1)).to_contain_text("Delegate of Egypt")
    booth_first = booth_nexts.nth(0)
    expect(booth_first).to_have_attribute("data-returns", "true")
    expect(booth_first.locator(".booth-name")).to_have_text("Amina Diallo")
    expect(booth_first.locator(".booth-lang")).to_have_text("FR")
    expect(booth_first.locator(".booth-returns")).to_have_text("Returns to the floor")
    expect(booth_first.locator(".remote-tag")).to_be_visible()
    expect(booth_nexts.nth(1)).to_contain_text("Delegate of Egypt")
    assert outside_the_screen(booth) == []

    api.command(discussion, {"type": "end_turn"}).raise_for_status()
    expect(display.locator("#speaker-name")).to_have_text("Amina Diallo")
    expect(first.locator(".next-name")).to_have_text("Delegate of Egypt")
    expect(display.locator("#next .next-returns")).to_have_count(0)
    expect(booth.locator("#next .booth-returns")).to_have_count(0)


def test_after_a_segment_the_screens_say_what_comes_next_then_that_the_hearing_has_closed(
    browser: Browser, faces: dict[str, Any], discussion: str
) -> None:
    from .test_live import _publish

    api = faces["api"]
    _publish(faces, True)
    segments = faces["event"]["segments"]
    speakers_of_the_hearing(faces, discussion)
    display = open_face(browser, "display", faces["display"])
    clock = open_face(browser, "clock", faces["clock"])
    live = open_face(browser, "delegate", f"{faces['server'].base}/live/{faces['event']['id']}")
    for page in (display, clock, live):
        _live(page)
    booth = _booth(browser, faces, "fr")
    expect(live.locator("#live-badge")).to_be_visible()  # a segment is live
    expect(display.locator("#join")).to_be_visible()

    api.command(discussion, {"type": "end_segment"}).raise_for_status()
    lunch = segments[2]["title"]
    # the display: what comes next on the programme in the speaker's place, no leftover queue,
    # no invitation to ask for the floor
    expect(display.locator("#break-label")).to_have_text("This segment has ended")
    expect(display.locator("#break-kicker")).to_have_text("Next on the programme")
    expect(display.locator("#break-title")).to_have_text(lunch)
    # the demo's day is past: its start is said as due, not as to come (a late day)
    expect(display.locator("#break-resumes")).to_have_text(re.compile(r"^Was due at \d\d:\d\d$"))
    for hidden in ("#next-box", "#join", "#now"):
        expect(display.locator(hidden)).to_be_hidden()
    assert outside_the_screen(display) == []
    # the clock: no "Next: …", the time of day labelled as such
    expect(clock.locator("#speaker")).to_have_text(lunch)
    # the clock says it as the display does
    expect(clock.locator("#next")).to_have_text(re.compile(r"^Was due at \d\d:\d\d$"))
    expect(clock.locator("#time-label")).to_have_text("Time now")
    expect(clock.locator("body")).to_have_class(re.compile(r"time-of-day"))
    # the booth, in French: no next speakers
    expect(booth.locator("#now-label")).to_have_text("Ce segment est terminé")
    expect(booth.locator("#now")).to_contain_text(lunch)
    expect(booth.locator("#now")).to_contain_text(re.compile(r"Prévu à \d\d:\d\d"))
    expect(booth.locator("#next-box")).to_be_hidden()
    # the live page: no programme, so it says the segment has ended; no "Live" badge
    expect(live.locator("#notice")).to_have_text(re.compile(r"^This segment has ended"))
    expect(live.locator("#next-box")).to_be_hidden()
    expect(live.locator("#live-badge")).to_be_hidden()

    for segment in segments[2:]:
        api.command(segment["id"], {"type": "start_segment"}).raise_for_status()
        api.command(segment["id"], {"type": "end_segment"}).raise_for_status()
    expect(display.locator("#break-title")).to_have_text("The hearing has closed")
    expect(display.locator("#break-kicker")).to_be_hidden()
    expect(display.locator("#break-resumes")).to_be_hidden()
    expect(clock.locator("#speaker")).to_have_text("The hearing has closed")
    expect(clock.locator("#next")).to_have_text("")
    expect(booth.locator("#now")).to_have_text("L\u2019audition est close")
    expect(live.locator("#live-badge")).to_be_hidden()
    expect(live.locator("#next-box")).to_be_hidden()
    assert outside_the_screen(display) == []


def test_the_clock_says_signals_and_presets_in_the_speakers_language_too(
    browser: Browser, faces: dict[str, Any], discussion: str
) -> None:
    api = faces["api"]
    speakers_of_the_hearing(faces, discussion)
    api.command(discussion, {"type": "call_next"}).raise_for_status()  # ليلى حداد, in Arabic
    clock = open_face(browser, "clock", faces["clock"])
    _live(clock)
    expect(clock.locator("#speaker")).to_have_text("ليلى حداد")
    api.command(
        discussion, {"type": "raise_signal", "kind": "slow_down", "duration_s": 60}
    ).raise_for_status()
    api.command(discussion, {"type": "set_message", "text": "Please conclude"}).raise_for_status()
    said = clock.locator(".clock-signal .said-speaker")
    expect(said).to_have_text(["يُرجى التمهّل في الكلام"])
    expect(said).to_have_attribute("lang", "ar")
    expect(said).to_have_attribute("dir", "rtl")
    expect(clock.locator(".clock-signal .said-clock")).to_have_text(["Please slow down"])
    expect(clock.locator("#message .said-speaker")).to_have_text("يُرجى الاختتام")
    expect(clock.locator("#message .said-clock")).to_have_text("Please conclude")
    # the speaker's language is larger than the clock's
    big = said.evaluate("(node) => parseFloat(getComputedStyle(node).fontSize)")
    small = clock.locator(".clock-signal .said-clock").evaluate(
        "(node) => parseFloat(getComputedStyle(node).fontSize)"
    )
    assert big > small
    assert outside_the_screen(clock) == []

    # a speaker in the clock's own language, or in none of the six: the clock's alone
    api.command(discussion, {"type": "call_next"}).raise_for_status()  # Carlos Pérez, Spanish
    api.command(discussion, {"type": "call_next"}).raise_for_status()  # Chen Wei, other
    expect(clock.locator("#speaker")).to_have_text("Chen Wei")
    api.command(discussion, {"type": "set_message", "text": "Please conclude"}).raise_for_status()
    expect(clock.locator("#message")).to_have_text("Please conclude")
    expect(clock.locator("#message .said-speaker")).to_have_count(0)


def test_a_booth_signal_names_the_turn_it_was_pressed_for(
    browser: Browser, faces: dict[str, Any], discussion: str
) -> None:
    api = faces["api"]
    speakers_of_the_hearing(faces, discussion)
    booth = _booth(browser, faces, "fr")
    sent: list[str] = []
    booth.on("websocket", lambda socket: socket.on("framesent", lambda p: sent.append(str(p))))
    booth.reload()
    _live(booth)
    shown = booth.locator("#now .booth-person.now")
    expect(shown).to_contain_text("Amina Diallo")
    first = shown.get_attribute("data-entry-id")
    booth.locator(".signal-button[data-kind='slow_down']").click()
    expect(booth.locator("#active .active-signal")).to_have_count(1)
    assert any('"raise_signal"' in frame and f'"entry_id":"{first}"' in frame for frame in sent)

    # pressed while the booth still showed Amina Diallo, arriving once the next speaker has the
    # floor: refused, and said so, in the booth's language
    api.command(discussion, {"type": "clear_signal", "signal_id": None}).raise_for_status()
    api.command(discussion, {"type": "call_next"}).raise_for_status()
    expect(shown).to_contain_text("ليلى حداد")
    shown.evaluate("(node, id) => { node.dataset.entryId = id; }", first)
    booth.locator(".signal-button[data-kind='mic_off']").click()
    error = booth.locator("#signal-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(re.compile("^Non envoyé : l\u2019orateur a changé"))
    assert api.state(discussion)["state"]["signals"] == []
