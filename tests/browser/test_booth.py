"""The interpreters' booth: who speaks and in which language, and its signals to the speaker
clock, driven through the booth's own page and the REST API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from .conftest import assert_accessible, open_face, screenshot, with_lang
from .test_room_screens import (
    SIZES,
    crowded,
    direction,
    outside_the_screen,
    queue_people,
    reads_left_to_right,
    register,
    speakers_of_the_hearing,
)


def _live(page: Page) -> None:
    page.wait_for_function(
        "() => window.floorConnection && window.floorConnection.status === 'live'"
    )


@pytest.fixture
def discussion(faces: dict[str, Any]) -> str:
    segment_id = str(faces["event"]["segments"][1]["id"])
    faces["api"].command(segment_id, {"type": "start_segment"}).raise_for_status()
    return segment_id


@pytest.fixture
def booth_url(faces: dict[str, Any]) -> str:
    """A booth access link, as the organiser makes it."""
    link = faces["api"].ok(
        "POST", f"/events/{faces['event']['id']}/access-links", json={"role": "booth"}
    )
    assert link["url"].startswith(f"/booth/{faces['event']['id']}#key=")
    return f"{faces['server'].base}{link['url']}"


@pytest.fixture
def booth(browser: Browser, booth_url: str) -> Iterator[Page]:
    page = open_face(browser, "display", booth_url)  # a booth screen: a laptop or a monitor
    page.set_viewport_size({"width": 1280, "height": 720})
    _live(page)
    yield page
    page.context.close()


def signal_button(page: Page, kind: str) -> Any:
    return page.locator(f".signal-button[data-kind='{kind}']")


def test_the_booth_shows_who_speaks_in_which_language_from_where(
    booth: Page, faces: dict[str, Any], discussion: str
) -> None:
    speakers_of_the_hearing(faces, discussion)
    now = booth.locator("#now .booth-person")
    expect(now.locator(".booth-name")).to_have_text("Amina Diallo")
    expect(now.locator(".booth-lang")).to_have_text("FR")
    expect(now.locator(".booth-lang")).to_have_attribute("aria-label", "Floor language: French")
    expect(now.locator(".remote-tag")).to_have_text("Remote")
    expect(now.locator(".booth-org")).to_have_text("ITUC · Trade union")
    nexts = booth.locator("#next .booth-person")
    expect(nexts).to_have_count(3)
    expect(nexts.locator(".booth-lang")).to_have_text(["AR", "ES", "Other"])
    expect(nexts.nth(0).locator(".in-room")).to_have_text("In the room")
    expect(nexts.nth(2).locator(".remote-tag")).to_have_text("Remote")
    expect(nexts.nth(0).locator(".booth-name")).to_have_text("ليلى حداد")
    assert direction(booth, "#next .booth-person >> nth=0 >> .booth-name") == "rtl"
    # calm: nothing on the booth animates or flashes
    animated = booth.evaluate(
        "() => [...document.querySelectorAll('*')].filter((n) => "
        "getComputedStyle(n).animationName !== 'none').length"
    )
    assert animated == 0

    faces["api"].command(discussion, {"type": "call_next"}).raise_for_status()
    expect(now.locator(".booth-name")).to_have_text("ليلى حداد")
    expect(now.locator(".booth-lang")).to_have_text("AR")
    expect(now.locator(".in-room")).to_have_text("In the room")
    # not known: said in words, not with a bare dash (outside probe U, H1)
    expect(nexts.locator(".booth-lang")).to_have_text(["ES", "Other", "Language not known"])
    assert_accessible(booth)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("Break", "Lunch Break", "Was due to resume at 15:00", "Speaks first", "Remote")),
        (
            "ar",
            (
                "استراحة",
                "Lunch Break",
                "كان من المقرر الاستئناف الساعة 15:00",
                "يتكلم أولاً",
                "عن بُعد",
            ),
        ),
    ],
)
def test_in_the_break_the_booth_names_who_speaks_first_after_it_and_in_which_language(
    browser: Browser, faces: dict[str, Any], booth_url: str, language: str, words: tuple[str, ...]
) -> None:
    """The interpreters prepare in the lunch break: the booth says when the meeting resumes and
    who speaks first then, in which language and from where; a change of the order after the
    break reaches it without a reload."""
    segments = faces["event"]["segments"]
    lunch, after = str(segments[2]["id"]), str(segments[3]["id"])
    faces["api"].command(lunch, {"type": "start_segment"}).raise_for_status()
    queue_people(faces, after, [register(faces, "Amina Diallo", "fr", "remote", "ITUC")])
    booth = open_face(browser, "display", with_lang(booth_url, language))
    booth.set_viewport_size({"width": 1280, "height": 720})
    _live(booth)
    label, title, resumes, first_label, remote = words
    expect(booth.locator("#now-label")).to_have_text(label)
    expect(booth.locator("#now .booth-break-title")).to_have_text(title)
    expect(booth.locator("#now .booth-break")).to_contain_text(resumes)
    first = booth.locator("#now .booth-first")
    expect(first.locator(".booth-first-label")).to_have_text(first_label)
    expect(first.locator(".booth-name")).to_have_text("Amina Diallo")
    expect(first.locator(".booth-lang")).to_have_text("FR")
    expect(first.locator(".remote-tag")).to_have_text(remote)
    expect(booth.locator("#next-box")).to_be_hidden()  # nobody is next in the break itself
    # the room named after "·", on the side the page reads from (Arabic: the dot on its right)
    line, name = booth.locator("#room-line").bounding_box(), booth.locator("#room").bounding_box()
    assert line is not None and name is not None
    if language == "ar":
        assert name["x"] + name["width"] < line["x"] + line["width"] - 4, (name, line)
    else:
        assert name["x"] > line["x"] + 4, (name, line)
    screenshot(booth, f"booth-break-first-{language}")

    # the moderator puts an Arabic speaker first after the break: the booth follows
    arabic = register(faces, "ليلى حداد", "ar", "in_room", "المجلس الوطني لحقوق الإنسان")
    queue_people(faces, after, [arabic])
    expect(first.locator(".booth-name")).to_have_text("ليلى حداد")
    expect(first.locator(".booth-lang")).to_have_text("AR")
    expect(first.locator(".booth-name")).to_have_attribute("lang", "ar")
    assert_accessible(booth)
    booth.context.close()


def test_slow_down_reaches_the_speaker_clock_within_a_second_and_clears(
    browser: Browser, booth: Page, faces: dict[str, Any], discussion: str
) -> None:
    speakers_of_the_hearing(faces, discussion)
    clock = open_face(browser, "clock", faces["clock"])
    _live(clock)
    band = clock.locator("#signals-box")
    expect(band).to_be_hidden()

    signal_button(booth, "slow_down").click()
    # the speaker (Amina Diallo) takes the floor in French: the clock says it in French too, first
    signals = clock.locator(".clock-signal .said-clock")
    expect(signals).to_have_text(["Please slow down"], timeout=3000)
    expect(clock.locator(".clock-signal .said-speaker")).to_have_text(["Veuillez ralentir"])
    expect(clock.locator(".clock-signal .said-speaker")).to_have_attribute("lang", "fr")
    expect(band).to_be_visible()
    active = booth.locator("#active .active-signal")
    expect(active).to_have_count(1)
    expect(active.locator(".active-name")).to_have_text("Please slow down")
    expect(active.locator(".active-ends")).to_have_text(re.compile(r"^ends in [01]:\d\d$"))
    expect(signal_button(booth, "slow_down")).to_have_attribute("aria-pressed", "true")
    view = faces["api"].state(discussion)["state"]
    (signal,) = view["signals"]
    assert signal["kind"] == "slow_down"
    assert signal["expires_at"] - signal["raised_at"] == 60_000

    signal_button(booth, "no_sound").click()
    expect(signals).to_have_text(
        ["Please slow down", "The interpreters hear no sound"], timeout=3000
    )
    expect(active).to_have_count(2)
    screenshot(booth, "booth")
    assert_accessible(booth)

    # cleared one by one from the booth: gone from the clock within a second
    active.filter(has_text="Please slow down").get_by_role("button").click()
    expect(signals).to_have_text(["The interpreters hear no sound"], timeout=3000)
    expect(active).to_have_count(1)
    booth.locator("#clear-all").click()
    expect(band).to_be_hidden(timeout=3000)
    expect(active).to_have_count(0)
    expect(booth.locator("#none-active")).to_be_visible()
    assert faces["api"].state(discussion)["state"]["signals"] == []


def test_a_signal_goes_when_the_server_clock_passes_its_end(
    browser: Browser, booth: Page, faces: dict[str, Any], discussion: str
) -> None:
    """Shown until the screen's estimate of the server's clock passes expires_at: moved a minute
    on, the clock and the booth drop it though the server still lists it."""
    speakers_of_the_hearing(faces, discussion)  # a signal is for the speaker: someone has the floor
    faces["api"].command(
        discussion, {"type": "raise_signal", "kind": "mic_off", "duration_s": 60}
    ).raise_for_status()
    clock = open_face(browser, "clock", faces["clock"])
    _live(clock)
    # in the clock's English, under the French the speaker (Amina Diallo) takes the floor in
    expect(clock.locator(".clock-signal .said-clock")).to_have_text(["Your microphone is off"])
    expect(booth.locator("#active .active-signal")).to_have_count(1)
    for page in (clock, booth):  # the estimate a minute on (kept so through the pings' answers)
        page.evaluate(
            "() => { const c = window.floorConnection.clock; const now = c.now.bind(c);"
            " c.now = () => now() + 61000; }"
        )
    expect(clock.locator("#signals-box")).to_be_hidden()
    expect(booth.locator("#active .active-signal")).to_have_count(0)
    assert len(faces["api"].state(discussion)["state"]["signals"]) == 1


def test_an_arabic_clock_shows_the_signal_in_arabic_and_the_time_left_to_right(
    browser: Browser, booth_url: str, faces: dict[str, Any], discussion: str
) -> None:
    speakers_of_the_hearing(faces, discussion)
    faces["api"].command(discussion, {"type": "start_timer"}).raise_for_status()
    clock = open_face(browser, "clock", with_lang(faces["clock"], "ar"))
    clock.set_viewport_size({"width": 1280, "height": 720})
    _live(clock)
    booth = open_face(browser, "display", with_lang(booth_url, "ar"))
    booth.set_viewport_size({"width": 1280, "height": 720})
    _live(booth)
    expect(booth.locator("html")).to_have_attribute("dir", "rtl")
    signal_button(booth, "slow_down").click()
    # in the clock's Arabic, under the French the speaker (Amina Diallo) takes the floor in
    # (how fast it gets there is the bench's to measure: a loaded CI runner takes seconds)
    expect(clock.locator(".clock-signal .said-clock")).to_have_text(["يُرجى التمهّل في الكلام"])
    expect(clock.locator(".clock-signal .said-speaker")).to_have_text(["Veuillez ralentir"])
    assert direction(clock, ".clock-signal .said-speaker") == "ltr"
    expect(clock.locator("#signals-label")).to_have_text("رسالة من المترجمين الفوريين")
    expect(clock.locator("#time")).to_have_text(re.compile(r"^[45]:\d\d$"))
    assert direction(clock, "#time") == "ltr" and reads_left_to_right(clock, "#time")
    expect(booth.locator(".active-ends .time")).to_have_text(re.compile(r"^[01]:\d\d$"))
    assert direction(booth, ".active-ends .time") == "ltr"
    assert direction(booth, "#remaining") == "ltr" and reads_left_to_right(booth, "#remaining")
    assert outside_the_screen(clock) == []
    assert outside_the_screen(booth) == []
    assert_accessible(clock)
    screenshot(clock, "clock-ar-signal")
    screenshot(booth, "booth-ar")
    booth.context.close()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_booth_fits_720p_and_1080p_with_the_longest_names(
    browser: Browser, booth_url: str, faces: dict[str, Any], discussion: str, language: str
) -> None:
    crowded(faces, discussion)
    for kind in ("slow_down", "no_sound", "mic_off"):
        faces["api"].command(
            discussion, {"type": "raise_signal", "kind": kind, "duration_s": 600}
        ).raise_for_status()
    booth = open_face(browser, "display", with_lang(booth_url, language))
    _live(booth)
    expect(booth.locator("#active .active-signal")).to_have_count(3)
    for width, height in SIZES:
        booth.set_viewport_size({"width": width, "height": height})
        expect(booth.locator("#next .booth-person")).to_have_count(3)
        expect(booth.locator("#clear-all")).to_be_in_viewport(ratio=1)
        booth.wait_for_function("() => document.fonts.status === 'loaded'")
        assert outside_the_screen(booth) == [], (width, height)
    booth.context.close()


def test_an_upright_tablet_booth_shows_a_long_name_whole_and_the_signals_in_reach(
    browser: Browser, booth_url: str, faces: dict[str, Any], discussion: str
) -> None:
    """768x1024: one column, so a long name has the whole width (it was cut after three lines
    beside the signals, with space to spare), and the signals sit right under who speaks."""
    name = "M. Jean-Baptiste Alexandre Lefèvre-Delacroix de la Tour d'Auvergne"
    queue_people(faces, discussion, [register(faces, name, "fr", organisation="Ville de Paris")])
    faces["api"].command(discussion, {"type": "call_next"}).raise_for_status()
    booth = open_face(browser, "display", booth_url)
    booth.set_viewport_size({"width": 768, "height": 1024})
    _live(booth)
    now = booth.locator(".booth-now .booth-name")
    expect(now).to_have_text(name)
    booth.wait_for_function("() => document.fonts.status === 'loaded'")
    assert now.evaluate("(el) => el.scrollHeight <= el.clientHeight + 1"), "the name is cut"
    expect(signal_button(booth, "slow_down")).to_be_in_viewport(ratio=1)
    assert outside_the_screen(booth) == []
    screenshot(booth, "booth-768x1024")
    booth.context.close()


def test_the_booth_runs_under_its_content_security_policy(browser: Browser, booth_url: str) -> None:
    violations: list[str] = []
    context = browser.new_context()  # no CSP bypass here
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(booth_url)
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert "#key=" not in page.url
    # its script runs: it says why the signals are off (nothing is under way yet)
    expect(page.locator("#signal-off")).to_have_text(
        "Signals are off: the segment is not under way."
    )
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    assert cookies["fk_booth"]["httpOnly"]
    assert violations == []
    context.close()


def test_a_display_link_does_not_open_the_booth(
    browser: Browser, faces: dict[str, Any], discussion: str
) -> None:
    """The booth page opened with a display's key is not signed in as a booth: it says the link
    is not valid, and nothing can be signalled from it."""
    url = faces["display"].replace("/display/", "/booth/")
    page = open_face(browser, "display", url)
    expect(page.locator("#segment-title")).to_have_text(
        "This booth link is not valid any more \u2014 ask the organiser for a new one."
    )
    expect(signal_button(page, "slow_down")).to_be_disabled()
    assert faces["api"].state(discussion)["state"]["signals"] == []
    page.context.close()


def test_a_line_gone_dead_is_said_and_a_press_is_not_shown_late(
    browser: Browser, booth: Page, faces: dict[str, Any], discussion: str
) -> None:
    """The booth's and the podium's line goes dead without the sockets closing and without the
    browser knowing (the Wi-Fi up, the way past it down: every frame dropped): within seconds
    both say they are reconnecting, instead of counting down a speaker who may have gone; a
    signal pressed then is said not sent, and is not shown when the line comes back; then both
    follow the floor again (outside probe, 2026-12-06: nothing was said for minutes, and the
    press was shown to the next speaker 106 s later)."""
    speakers_of_the_hearing(faces, discussion)
    clock = open_face(browser, "clock", faces["clock"])
    dead = {"line": False}

    def line(socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()
        socket.on_message(lambda message: None if dead["line"] else server.send(message))
        server.on_message(lambda message: None if dead["line"] else socket.send(message))

    for page in (booth, clock):
        page.route_web_socket(re.compile(r".*/ws/.*"), line)
        page.reload()
        _live(page)
    dead["line"] = True
    signal_button(booth, "no_sound").click()
    expect(booth.locator("#signal-error")).to_have_text(
        re.compile(r"^Not sent: the connection to the server is lost"), timeout=8_000
    )
    # a line measured slow (a loaded machine: a handshake of seconds) is waited for longer
    # before it is given up, up to MAX_ANSWER_WAIT_MS (20 s) after its last ping (client.js)
    expect(booth.locator("#connection")).to_be_visible(timeout=30_000)
    # the clock says it in large type (#offline) from 3 s after the line stops being live,
    # in place of its band: the band may have come and gone while the booth was waited for
    expect(clock.locator("#offline")).to_be_visible(timeout=30_000)
    faces["api"].command(discussion, {"type": "call_next"}).raise_for_status()
    dead["line"] = False
    _live(booth)
    _live(clock)
    expect(booth.locator("#connection")).to_be_hidden()
    expect(clock.locator("#connection")).to_be_hidden()
    expect(clock.locator("#offline")).to_be_hidden()
    version = faces["api"].state(discussion)["version"]
    clock.wait_for_function(f"() => window.floorConnection.version === {version}")
    assert faces["api"].state(discussion)["state"]["signals"] == []
    expect(clock.locator(".clock-signal")).to_have_count(0)


def test_a_machine_gone_offline_says_so_at_once(
    browser: Browser, booth: Page, faces: dict[str, Any], discussion: str
) -> None:
    """The browser knows it lost the network (the cable out, the Wi-Fi off): the booth and the
    clock say they are reconnecting within two seconds, not after the next unanswered ping, and
    the booth's signals cannot be pressed meanwhile; back online, both are live at once."""
    speakers_of_the_hearing(faces, discussion)
    clock = open_face(browser, "clock", faces["clock"])
    _live(clock)
    _live(booth)
    for page in (booth, clock):
        page.context.set_offline(True)
    expect(booth.locator("#connection")).to_be_visible(timeout=2_000)
    expect(clock.locator("#connection")).to_be_visible(timeout=2_000)
    expect(signal_button(booth, "no_sound")).to_be_disabled()
    for page in (booth, clock):
        page.context.set_offline(False)
    _live(booth)
    _live(clock)
    expect(signal_button(booth, "no_sound")).to_be_enabled()


# --- outside probe U: what the booth tells the interpreters ------------------------------------


def _move_clock_to(page: Page, before_deadline_ms: int) -> None:
    """The page's estimate of the server's clock moved to this long before the speaker's
    deadline."""
    page.evaluate(
        """(left) => {
            const connection = window.floorConnection;
            const clock = connection.clock;
            const base = clock.now.bind(clock);
            const off = connection.state.current.timer.deadline_at - left - base();
            clock.now = () => base() + off;
        }""",
        before_deadline_ms,
    )


def _event_time(faces: dict[str, Any]) -> str:
    zone = ZoneInfo(str(faces["event"]["timezone"]))
    return datetime.now(UTC).astimezone(zone).strftime("%H:%M")


def test_the_next_speakers_say_a_language_not_known_in_words_line_up_and_count_the_rest(
    booth: Page, faces: dict[str, Any], discussion: str
) -> None:
    """A speaker whose floor language nobody gave says so in words, visible and read (not an
    aria-hidden dash); every tag of a size is as wide, "Other" too, so the names stay in line;
    after the next three, how many more wait (outside probe U: H1, L6, L1)."""
    speakers_of_the_hearing(faces, discussion)
    faces["api"].command(discussion, {"type": "call_next"}).raise_for_status()
    nexts = booth.locator("#next .booth-person")
    expect(nexts.locator(".booth-lang")).to_have_text(["ES", "Other", "Language not known"])
    unknown = nexts.nth(2).locator(".booth-lang")
    expect(unknown).to_be_visible()
    assert unknown.get_attribute("aria-hidden") is None
    assert "Language not known" in nexts.nth(2).aria_snapshot()
    booth.wait_for_function("() => document.fonts.status === 'loaded'")
    widths = nexts.locator(".booth-lang").evaluate_all(
        "(tags) => tags.map((tag) => tag.getBoundingClientRect().width)"
    )
    assert max(widths) - min(widths) < 1, widths
    starts = nexts.locator(".booth-name").evaluate_all(
        "(names) => names.map((name) => name.getBoundingClientRect().left)"
    )
    assert max(starts) - min(starts) < 1, starts
    waiting = len(faces["api"].state(discussion)["state"]["queue"])
    assert waiting > 3
    expect(booth.locator("#more")).to_have_text(f"+{waiting - 3} more in the queue")
    # on the floor, large: in words too
    for _ in range(3):
        faces["api"].command(discussion, {"type": "call_next"}).raise_for_status()
    expect(booth.locator("#now .booth-lang")).to_have_text("Language not known")
    assert outside_the_screen(booth) == []
    screenshot(booth, "booth-language-not-known")
    assert_accessible(booth)


def test_the_moderators_message_to_the_speaker_shows_on_the_booth_in_its_language(
    browser: Browser, booth_url: str, faces: dict[str, Any], discussion: str
) -> None:
    """ "Please conclude" tells the booth the turn is ending: a preset in the booth's language,
    a typed message as typed; gone once cleared (outside probe U: M1)."""
    speakers_of_the_hearing(faces, discussion)
    booth = open_face(browser, "display", with_lang(booth_url, "fr"))
    booth.set_viewport_size({"width": 1280, "height": 720})
    _live(booth)
    box = booth.locator("#message-box")
    expect(box).to_be_hidden()
    api = faces["api"]
    api.command(discussion, {"type": "set_message", "preset": "conclude"}).raise_for_status()
    expect(box).to_be_visible()
    expect(booth.locator("#message")).to_have_text("Veuillez conclure")
    expect(box).to_contain_text("Message du modérateur à l\u2019orateur")
    api.command(discussion, {"type": "set_message", "text": "Merci de conclure, s.v.p."})
    expect(booth.locator("#message")).to_have_text("Merci de conclure, s.v.p.")
    api.command(discussion, {"type": "clear_message"}).raise_for_status()
    expect(box).to_be_hidden()
    booth.context.close()


def test_offline_the_booth_shows_the_last_known_floor_as_such_and_its_clock_stands_still(
    booth: Page, faces: dict[str, Any], discussion: str
) -> None:
    """The line goes: the speaker, the next speakers and the clock are marked as the last known
    ("no connection since 14:02", the event's time), dimmed; the time left stands still rather than
    count a turn that may have ended; the reconnecting band is large; each signal's Clear is off
    like the others. Back online, all is as before at once (outside probe U: M2, L4)."""
    speakers_of_the_hearing(faces, discussion)
    api = faces["api"]
    api.command(discussion, {"type": "start_timer"}).raise_for_status()
    api.command(
        discussion, {"type": "raise_signal", "kind": "slow_down", "duration_s": 300}
    ).raise_for_status()
    clear_one = booth.locator("#active .clear-one")
    expect(clear_one).to_be_enabled()
    expect(booth.locator("#stale")).to_have_text("")
    before = _event_time(faces)
    booth.context.set_offline(True)
    expect(booth.locator("#connection")).to_be_visible(timeout=2_000)
    stale = booth.locator("#stale")
    expect(stale).to_have_text(re.compile(r"^Last known \u2014 no connection since \d\d:\d\d$"))
    shown = (stale.text_content() or "")[-5:]
    assert shown in {before, _event_time(faces)}, shown
    expect(booth.locator("#grid")).to_have_attribute("data-live", "false")
    assert float(booth.locator("#now").evaluate("(n) => getComputedStyle(n).opacity")) < 0.6
    expect(booth.locator("#clock-marks")).to_contain_text("No connection")
    expect(clear_one).to_be_disabled()
    band = booth.locator("#connection").evaluate("(n) => parseFloat(getComputedStyle(n).fontSize)")
    assert band >= 20, band
    # the time left stands still: ten seconds on, redrawn, it reads the same
    frozen = booth.locator("#remaining").text_content()
    booth.evaluate(
        "() => { const c = window.floorConnection.clock; const now = c.now.bind(c);"
        " c.now = () => now() + 10000;"
        " window.floorConnection.dispatchEvent(new CustomEvent('change')); }"
    )
    expect(booth.locator("#remaining")).to_have_text(frozen or "")
    # a language chosen now is not taken: the reload would not load the booth again
    booth.locator("#language").select_option("fr")
    expect(booth.locator("#language-hint")).to_have_text(
        "Not now: the line is down, and the page would not load again in another language."
        " Choose it once the line is back."
    )
    expect(booth.locator("#language")).to_have_value("en")
    expect(booth.locator("#now")).to_be_visible()  # still the booth, not a browser error page
    screenshot(booth, "booth-offline")

    booth.context.set_offline(False)
    _live(booth)
    expect(booth.locator("#language")).not_to_have_attribute("data-pending", "held")
    expect(stale).to_have_text("")
    expect(booth.locator("#grid")).to_have_attribute("data-live", "true")
    expect(booth.locator("#clock-marks")).not_to_contain_text("No connection")
    expect(clear_one).to_be_enabled()
    expect(booth.locator("#remaining")).not_to_have_text(frozen or "")  # it counts again


def test_the_booths_clock_shows_its_phase_and_whether_it_runs(
    booth: Page, faces: dict[str, Any], discussion: str
) -> None:
    """The time left is large and bright; under the segment's warning_ms and danger_ms it says
    so in a word and a frame (not only a colour), and a paused or not started timer is marked,
    so a frozen time is not read as running (outside probe U: M3, L7)."""
    speakers_of_the_hearing(faces, discussion)
    clock, marks = booth.locator("#clock"), booth.locator("#clock-marks")
    expect(marks).to_have_text("Timer not started")
    api = faces["api"]
    api.command(discussion, {"type": "start_timer"}).raise_for_status()
    expect(clock).to_have_attribute("data-phase", "normal")
    expect(marks).to_have_text("")

    def style(selector: str, name: str) -> str:
        value: str = booth.locator(selector).evaluate(
            "(node, name) => getComputedStyle(node)[name]", name
        )
        return value

    # large and readable at a glance: bigger than the speaker's name, not the muted grey
    size = float(style("#remaining", "fontSize").removesuffix("px"))
    assert size > float(style("#now .booth-name", "fontSize").removesuffix("px")), size
    normal = style("#remaining", "color")
    assert normal != "rgb(143, 155, 167)"
    settings = api.state(discussion)["state"]["settings"]
    _move_clock_to(booth, (settings["warning_ms"] + settings["danger_ms"]) // 2)
    expect(clock).to_have_attribute("data-phase", "warning")
    expect(marks).to_have_text("Time nearly up")
    assert style("#remaining", "color") != normal
    assert style("#clock", "borderTopStyle") == "dashed"
    _move_clock_to(booth, settings["danger_ms"] // 2)
    expect(clock).to_have_attribute("data-phase", "danger")
    expect(marks).to_have_text("Last seconds")
    assert style("#clock", "borderTopStyle") == "double"
    screenshot(booth, "booth-danger")
    api.command(discussion, {"type": "pause_timer"}).raise_for_status()
    expect(marks).to_contain_text("Paused")
    expect(clock).to_have_attribute("data-timer", "paused")
    assert_accessible(booth)


def test_the_booth_chooses_its_own_language_and_this_device_keeps_it(booth: Page) -> None:
    """Each booth on a shared laptop its own language: the picker in the header (the six, each
    named in itself) switches the page, and a reload keeps it; a link with its own ?lang= still
    opens in that one (outside probe U: M4)."""
    picker = booth.locator("#language")
    expect(picker.locator("option")).to_have_count(6)
    expect(picker).to_have_value("en")
    with booth.expect_navigation():
        picker.select_option("fr")
    _live(booth)
    expect(booth.locator("html")).to_have_attribute("lang", "fr")
    expect(booth.locator("#signals-label")).to_have_text("Signaler à l\u2019orateur")
    expect(picker).to_have_value("fr")
    booth.reload()
    _live(booth)
    expect(booth.locator("html")).to_have_attribute("lang", "fr")
    with booth.expect_navigation():
        picker.select_option("ar")
    _live(booth)
    expect(booth.locator("html")).to_have_attribute("dir", "rtl")
    expect(picker).to_have_value("ar")
    # the booth's own: the staff faces' choice on this browser (the console, the desk) is not it
    kept = booth.evaluate(
        "() => [localStorage.getItem('floorkeeper.booth.language'),"
        " localStorage.getItem('floorkeeper.language')]"
    )
    assert kept[0] == "ar" and kept[1] != "ar", kept
    # a link made for one booth, with its ?lang=, opens in its language
    booth.goto(booth.url.split("?")[0] + "?lang=zh")
    _live(booth)
    expect(booth.locator("html")).to_have_attribute("lang", "zh")


def test_before_it_starts_and_with_nobody_on_the_floor_the_booth_says_so_and_its_signals_are_off(
    booth: Page, faces: dict[str, Any]
) -> None:
    """A segment not started says when it starts, not "Nobody has the floor" as if live; the
    signal buttons are off while the server's can_signal names a refusal, with why in words,
    and on again once someone has the floor (outside probe U: L5, L3)."""
    opening = faces["event"]["segments"][0]
    start = ZoneInfo(str(faces["event"]["timezone"]))
    starts = datetime.fromtimestamp(opening["scheduled_start_at"] / 1000, start).strftime("%H:%M")
    expect(booth.locator("#now-label")).to_have_text("This segment has not started")
    # which of the day's rooms this booth follows (outside probe S: L1)
    expect(booth.locator("#room")).to_have_text("Conference Room 4")
    # the demo's day is past: its start is said as due, as the clock and the display say it
    expect(booth.locator("#now")).to_have_text(f"Was due at {starts}")
    buttons = booth.locator(".signal-button")
    off = booth.locator("#signal-off")
    expect(off).to_have_text("Signals are off: the segment is not under way.")
    for button in buttons.all():
        expect(button).to_be_disabled()
    segment_id = str(opening["id"])
    api = faces["api"]
    api.command(segment_id, {"type": "start_segment"}).raise_for_status()
    expect(booth.locator("#now-label")).to_have_text("Now speaking")
    expect(booth.locator("#now")).to_have_text("Nobody has the floor")
    expect(off).to_have_text("Signals are off: nobody has the floor.")
    expect(buttons.first).to_be_disabled()
    expect(buttons.first).to_have_accessible_description("Signals are off: nobody has the floor.")
    api.command(segment_id, {"type": "call_next"}).raise_for_status()
    for button in buttons.all():
        expect(button).to_be_enabled()
    expect(off).to_be_hidden()
    api.command(segment_id, {"type": "end_turn"}).raise_for_status()
    expect(buttons.first).to_be_disabled()
    expect(off).to_have_text("Signals are off: nobody has the floor.")


def test_a_floor_language_changed_during_the_turn_is_pointed_out_until_it_ends(
    booth: Page, faces: dict[str, Any], discussion: str
) -> None:
    """The speaker's language corrected while they speak: the tag changes and a calm note says
    from which to which (said once, politely), until the turn ends (outside probe U: L2)."""
    layla = register(faces, "ليلى حداد", "ar", "in_room", "المجلس الوطني لحقوق الإنسان")
    queue_people(faces, discussion, [layla, register(faces, "Carlos Pérez", "es")])
    api = faces["api"]
    api.command(discussion, {"type": "call_next"}).raise_for_status()
    tag = booth.locator("#now .booth-lang")
    note = booth.locator("#language-changed")
    expect(tag).to_have_text("AR")
    expect(note).to_have_text("")
    api.ok("PATCH", f"/participants/{layla}", json={"language": "fr"})
    expect(tag).to_have_text("FR")
    expect(note).to_have_text("Floor language changed to French (was Arabic)")
    expect(note).to_have_attribute("role", "status")
    expect(tag).to_have_class(re.compile(r"\bchanged\b"))
    animated = booth.evaluate(
        "() => [...document.querySelectorAll('*')].filter((n) => "
        "getComputedStyle(n).animationName !== 'none').length"
    )
    assert animated == 0  # calm: nothing flashes
    api.command(discussion, {"type": "call_next"}).raise_for_status()
    expect(booth.locator("#now .booth-name")).to_have_text("Carlos Pérez")
    expect(note).to_have_text("")
    expect(booth.locator("#now .booth-lang")).not_to_have_class(re.compile(r"\bchanged\b"))
