"""The moderator console by touch (outside probe W: an iPad, a touchscreen laptop, a phone).

A double tap (two taps 120-150 ms apart) is one gesture, never two decisions
(frontend/static/js/moderator/presses.js): it does not confirm what asks twice (End segment, Make
live, Drop them, an Undo that asks first: F6, F7), and after a tap that removes or moves a row the
second tap, landing on the row that slid under the finger, is not taken (the queue's ✕, the floor
requests' Approve: F2); a deliberate press after the pause still acts. A touchscreen laptop whose
primary pointer is its trackpad gets the finger's targets (F8); a notice tells a finger to tap Undo
and has an Undo of its own (F3); choosing a segment at the foot of a tablet's page brings the
floor back into view (F1); the time fields take what a phone's keypad types (F19).

What the console sends is read where it sends it (``floorConnection.send``, recorded by
``RECORD``), so a double tap's second tap is seen not sent however fast the server answers. The
taps of a double tap carry their own times, 130 ms apart (``finger``), as a touch screen stamps
them: a loaded machine that delivers the second late does not make it a deliberate press. The
pause before a deliberate press is input timing (a finger's), not a wait for the console; the
console is waited on with expect() and wait_for_function. The words are read from the
dictionaries.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.server import Api

from .conftest import (
    CHROMIUM_ARGS,
    PAUSE_MS,
    VIEWPORTS,
    after_the_guard,
    command,
    eventually,
    screenshot,
    segment_id,
    with_lang,
)
from .conftest import server_state as state
from .test_languages import dictionaries

WORDS = dictionaries()
EN = WORDS["en"]
OPENING = 0  # three speakers of remarks in its queue
DISCUSSION_I = 1  # thirteen panellists
DISCUSSION_II = 3
TABLET: ViewportSize = {"width": 1024, "height": 768}
PHONE: ViewportSize = {"width": 390, "height": 844}
LAPTOP: ViewportSize = {"width": 1366, "height": 768}
#: A double tap: the second tap this long after the first (ms), as the probe's finger did.
DOUBLE_TAP_MS = 130
SHOTS = Path("/tmp/touchfix")

#: Records, in the page, each command the console sends (its type) and each click it receives
#: (counted before any handler: a press the console ignores is counted too).
RECORD = """() => {
  window.sentTypes = [];
  window.clicks = 0;
  window.clickTimes = [];
  const conn = window.floorConnection;
  const send = conn.send.bind(conn);
  conn.send = (command, options) => {
    window.sentTypes.push(command.type);
    return send(command, options);
  };
  window.addEventListener("click", (event) => {
    window.clicks += 1;
    window.clickTimes.push(event.timeStamp);
  }, true);
}"""


def fill(text: str, **values: str) -> str:
    """A dictionary string with its {placeholders} filled, as i18n.js t() fills them."""
    return re.sub(r"\{(\w+)\}", lambda match: values[match.group(1)], text)


def speaker_on_the_floor(faces: dict[str, Any]) -> str:
    """Thematic discussion I live, its first panellist called (the timer not started): its id."""
    live = segment_id(faces, DISCUSSION_I)
    command(faces, live, type="start_segment")
    command(faces, live, type="call_next")
    return live


Opener = Callable[..., Page]


@pytest.fixture
def open_console(browser: Browser) -> Iterator[Opener]:
    """The console in its own context: by default an iPad (1024x768, touch), in English."""
    contexts = []

    def opener(
        faces: dict[str, Any],
        language: str = "en",
        viewport: ViewportSize = TABLET,
        touch: bool = True,
        on: Browser | None = None,
        **options: Any,
    ) -> Page:
        # a tablet or a phone as the probe had them: a mobile browser (its viewport as the page's
        # meta says, a tap one click), at twice the pixels
        mobile: dict[str, Any] = {"is_mobile": True, "device_scale_factor": 2} if touch else {}
        context = (on or browser).new_context(
            viewport=viewport, has_touch=touch, bypass_csp=True, **mobile, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(with_lang(faces["moderator"], language))
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("#connection-status")).to_have_text(
            WORDS[language]["console.status.live"]
        )
        expect(page.locator("#console")).to_have_attribute("data-loading", "false")
        page.evaluate(RECORD)
        return page

    yield opener
    for context in contexts:
        context.close()


def the_live_queue(open_console: Opener, faces: dict[str, Any]) -> tuple[str, Page, Locator]:
    """Thematic discussion I live and the console open on it: its id, the page, its thirteen
    queue rows."""
    live = segment_id(faces, DISCUSSION_I)
    command(faces, live, type="start_segment")
    page = open_console(faces)
    rows = page.locator("#queue .entry")
    expect(rows).to_have_count(13)
    return live, page, rows


def sent(page: Page) -> list[str]:
    return list(page.evaluate("window.sentTypes"))


def clicks(page: Page) -> int:
    return int(page.evaluate("window.clicks"))


def centre_of(page: Page, target: Locator) -> tuple[float, float]:
    """Where a finger taps ``target``: its centre, the control brought to the middle of the
    screen first (clear of the top bar and of the notices at the bottom)."""
    target.evaluate("(element) => element.scrollIntoView({block: 'center', inline: 'center'})")
    expect(target).to_be_in_viewport()
    box = target.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


#: Where an element's centre is now, in the viewport (null: not laid out).
CENTRE = """(element) => {
  const box = element.getBoundingClientRect();
  return box.width ? [box.x + box.width / 2, box.y + box.height / 2] : null;
}"""


def finger(page: Page, x: float, y: float, at: float) -> None:
    """A tap at (x, y) given at ``at`` (seconds since the epoch), as a touch screen stamps it:
    the page's events carry that time whenever a loaded machine delivers them."""
    cdp = page.context.new_cdp_session(page)
    try:
        touch = {"x": x, "y": y}
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchStart", "touchPoints": [touch], "timestamp": at},
        )
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchEnd", "touchPoints": [], "timestamp": at + 0.02},
        )
    finally:
        cdp.detach()


def double_tap(
    page: Page, target: Locator, gap_ms: int = DOUBLE_TAP_MS, follow: bool = True
) -> None:
    """Two taps ``gap_ms`` apart, as a nervous finger gives them; returns once the page has
    received both (the console has handled or ignored each). With ``follow``, the second lands on
    ``target`` as it is then (the armed button: its longer words may have moved it; none there,
    the same spot); without, on the first tap's spot, whatever is there now (a finger does not
    chase a row: the row below slides up under it once the first tap's answer is drawn, or the
    page moves under it when the removed row made it shorter). Each tap carries its own time, so
    the page sees them ``gap_ms`` apart however slowly a loaded machine delivers the second."""
    x, y = centre_of(page, target)
    before = clicks(page)
    first = time.time()
    finger(page, x, y, first)
    page.wait_for_timeout(gap_ms)  # the finger's rhythm: the first tap's answer may be drawn
    if follow:
        try:
            spot = target.evaluate(CENTRE, timeout=gap_ms)
        except PlaywrightTimeoutError:
            spot = None
        if spot:
            x, y = spot
    finger(page, x, y, first + gap_ms / 1000)
    page.wait_for_function(f"() => window.clicks >= {before + 2}")
    gap = page.evaluate("() => window.clickTimes.at(-1) - window.clickTimes.at(-2)")
    assert abs(gap - gap_ms) < 50, f"the two taps came {gap:.0f} ms apart, not {gap_ms}"


def tap(page: Page, target: Locator) -> None:
    """One tap on ``target``, received."""
    x, y = centre_of(page, target)
    before = clicks(page)
    page.touchscreen.tap(x, y)
    page.wait_for_function(f"() => window.clicks >= {before + 1}")


def confirm_deliberately(page: Page, armed: Locator, press: Locator | None = None) -> None:
    """Armed by a double tap and not confirmed, ``armed`` disarms by itself after its few
    seconds; armed again by one tap, a deliberate second tap after the pause (on ``press``: the
    button itself, or a copy of it) confirms. (Armed afresh: the checks made while it was armed
    may take longer than its few seconds on a loaded machine.)"""
    expect(armed).to_have_attribute("data-armed", "false", timeout=10_000)
    tap(page, armed)
    expect(armed).to_have_attribute("data-armed", "true")
    after_the_guard(page, armed)
    tap(page, press or armed)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


# --- F6: a double tap does not confirm End segment or Make live ---------------------------------


@pytest.mark.parametrize("button", ["end", "make_live"])
def test_a_double_tap_does_not_confirm_what_asks_twice(
    open_console: Opener, faces: dict[str, Any], button: str
) -> None:
    live = segment_id(faces, DISCUSSION_I)
    other = segment_id(faces, DISCUSSION_II)
    command(faces, live, type="start_segment")
    command(faces, live, type="call_next")
    page = open_console(faces)
    programme = page.locator("#programme")
    if button == "end":
        item = programme.locator(f'[data-segment-id="{live}"]')
        rest, armed_text, kind = (
            EN["console.programme.end"],
            EN["console.programme.end_confirm"],
            "end_segment",
        )
    else:
        item = programme.locator(f'[data-segment-id="{other}"]')
        rest, armed_text, kind = (
            EN["console.programme.make_live"],
            EN["console.programme.make_live_confirm"],
            "start_segment",
        )
    action = item.locator(".segment-foot button")
    expect(action).to_have_text(rest)

    double_tap(page, action)
    # the first tap armed it; the second, 130 ms later, confirmed nothing: it waits, armed
    assert kind not in sent(page)
    expect(action).to_have_attribute("data-armed", "true")
    expect(action).to_have_text(armed_text)

    # a deliberate second tap, after the pause, confirms
    confirm_deliberately(page, action)
    assert sent(page).count(kind) == 1
    if button == "end":
        eventually(lambda: state(faces, live)["segment"]["status"] == "ended")
    else:
        eventually(lambda: state(faces, other)["segment"]["status"] == "live")
        # made live from the foot of the page: the floor is in view again (F1)
        expect(page.locator("#btn-next")).to_be_in_viewport()


# --- F7: Drop them asks twice, names how many, and a double tap does not drop them --------------


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_double_tap_does_not_drop_the_speakers_still_waiting(
    open_console: Opener, faces: dict[str, Any], language: str
) -> None:
    words = WORDS[language]
    opening = segment_id(faces, OPENING)
    command(faces, opening, type="start_segment")
    command(faces, segment_id(faces, DISCUSSION_I), type="start_segment")  # ends the opening
    assert len(state(faces, opening)["queue"]) == 3
    page = open_console(faces, language)
    banner = page.locator("#waiting .waiting", has_text="Opening Segment")
    three = words["staff.speakers#few" if language == "ar" else "staff.speakers#other"]
    speakers = fill(three, n="3")
    expect(banner).to_contain_text(speakers)
    expect(
        banner.get_by_role(
            "button",
            name=fill(
                words["console.waiting.drop_name"], speakers=speakers, title="Opening Segment"
            ),
            exact=True,
        )
    ).to_have_text(words["console.waiting.drop"])
    drop = banner.locator("button.btn-danger")  # by its name at rest, armed or not

    double_tap(page, drop)
    assert "carry_queue" not in sent(page)
    expect(drop).to_have_attribute("data-armed", "true")
    expect(drop).to_have_text(words["console.waiting.drop_confirm"])
    expect(drop).to_have_accessible_name(
        fill(words["console.waiting.drop_confirm_name"], speakers=speakers, title="Opening Segment")
    )
    # armed as End segment is: a notice says how many go, and that it is for good
    title = "\u2068Opening Segment\u2069" if language == "ar" else "Opening Segment"
    dropping = fill(words["console.waiting.dropping"], speakers=speakers, title=title)
    expect(page.locator("#notices .notice-warning .notice-text")).to_have_text(dropping)
    shot(page, f"drop-armed-{language}")
    assert len(state(faces, opening)["queue"]) == 3

    confirm_deliberately(page, drop)
    assert sent(page).count("carry_queue") == 1
    expect(page.locator("#waiting")).to_be_hidden()
    eventually(lambda: state(faces, opening)["queue"] == [])


# --- the Undo that asks first: a double tap does not confirm it; the notice's Undo does ----------


def test_a_double_tap_does_not_confirm_an_undo_that_asks_first(
    open_console: Opener, faces: dict[str, Any]
) -> None:
    live = segment_id(faces, DISCUSSION_I)
    command(faces, live, type="start_segment")
    page = open_console(faces)
    undo = page.locator("#btn-undo")
    what = EN["console.undo.what.start_segment"]
    expect(undo).to_contain_text(fill(EN["console.undo.label"], what=what))

    double_tap(page, undo)
    assert "undo" not in sent(page)
    expect(undo).to_have_attribute("data-armed", "true")
    expect(undo).to_contain_text(fill(EN["console.undo.confirm"], what=what))
    # by touch: "tap", and the asking notice has the Undo button's copy, armed as it is
    asking = fill(EN["console.undo.asking_start"], what=what)
    notice = page.locator("#notices .notice-warning", has_text=asking)
    expect(notice.locator(".notice-text")).to_have_text(
        fill(EN["console.undo.again_tap"], asking=asking)
    )
    copy = notice.locator(".notice-undo")
    expect(copy).to_have_text("↶ " + fill(EN["console.undo.confirm"], what=what))
    expect(copy).to_have_attribute("data-armed", "true")

    # the notice's copy confirms as the button would, after the pause
    confirm_deliberately(page, undo, copy)
    assert sent(page).count("undo") == 1
    eventually(lambda: state(faces, live)["segment"]["status"] == "scheduled")


# --- a double tap on a button that a second press would undo or repeat: one press -------------


def test_a_double_tap_on_start_starts_the_timer_and_leaves_it_running(
    open_console: Opener, faces: dict[str, Any]
) -> None:
    live = speaker_on_the_floor(faces)
    assert state(faces, live)["current"]["timer"]["state"] == "idle"
    page = open_console(faces)
    toggle = page.locator("#btn-toggle")
    expect(toggle).to_contain_text(EN["console.timer.start"])

    double_tap(page, toggle)
    assert sent(page).count("start_timer") == 1
    assert "pause_timer" not in sent(page)  # the second tap paused it again
    expect(toggle).to_contain_text(EN["console.timer.pause"])
    eventually(lambda: state(faces, live)["current"]["timer"]["state"] == "running")

    # a deliberate tap after the pause pauses it
    page.wait_for_timeout(PAUSE_MS)  # the finger's pause
    tap(page, toggle)
    assert sent(page).count("pause_timer") == 1
    eventually(lambda: state(faces, live)["current"]["timer"]["state"] == "paused")


def test_a_double_tap_on_undo_takes_back_one_change(
    open_console: Opener, faces: dict[str, Any]
) -> None:
    live = segment_id(faces, DISCUSSION_I)
    command(faces, live, type="start_segment")
    command(faces, live, type="add_speaker", name="Xavier First")
    command(faces, live, type="add_speaker", name="Yolanda Second")
    page = open_console(faces)
    undo = page.locator("#btn-undo")
    expect(undo).to_contain_text("Undo adding Yolanda Second")

    double_tap(page, undo)
    assert sent(page).count("undo") == 1
    eventually(lambda: [e["name"] for e in state(faces, live)["queue"]][-1] == "Xavier First")
    expect(page.locator("#queue .entry-name").last).to_have_text("Xavier First")
    page.wait_for_timeout(PAUSE_MS)
    assert [e["name"] for e in state(faces, live)["queue"]][-1] == "Xavier First"

    # a deliberate tap after the pause takes back the one before
    tap(page, undo)
    assert sent(page).count("undo") == 2
    eventually(lambda: "Xavier First" not in [e["name"] for e in state(faces, live)["queue"]])


# --- F2: a double tap on a row's control acts on one row ----------------------------------------


def test_a_double_tap_on_a_queue_row_removes_one_speaker(
    open_console: Opener, faces: dict[str, Any]
) -> None:
    live, page, rows = the_live_queue(open_console, faces)
    names = [entry["name"] for entry in state(faces, live)["queue"]]
    third = rows.nth(2)
    expect(third.locator(".entry-name")).to_have_text(names[2])

    double_tap(page, rows.nth(2).locator(".btn-remove"), follow=False)
    assert sent(page).count("remove_entry") == 1  # the second tap sent nothing
    expect(rows).to_have_count(12)
    expect(rows.nth(2).locator(".entry-name")).to_have_text(names[3])  # the one below stays
    assert [entry["name"] for entry in state(faces, live)["queue"]] == names[:2] + names[3:]

    # the same button, deliberately, after the pause: taken
    page.wait_for_timeout(PAUSE_MS)  # the finger's pause
    tap(page, rows.nth(2).locator(".btn-remove"))
    assert sent(page).count("remove_entry") == 2
    expect(rows).to_have_count(11)
    eventually(lambda: len(state(faces, live)["queue"]) == 11)


def request_floor(faces: dict[str, Any], segment: str, name: str) -> None:
    """A delegate joins with the event's code and asks for the floor, as their phone would."""
    event = faces["event"]
    joined = faces["api"].ok(
        "POST",
        f"/events/{event['id']}/participants",
        json={"join_code": event["join_code"], "name": name, "constituency": "civil_society"},
    )
    delegate = Api(faces["server"].base, joined["token"])
    body = {"command_id": uuid.uuid4().hex, "kind": "intervention"}
    delegate.ok("POST", f"/segments/{segment}/floor-requests", json=body)


def test_a_double_tap_on_approve_approves_one_request(
    open_console: Opener, faces: dict[str, Any]
) -> None:
    live = segment_id(faces, DISCUSSION_I)
    command(faces, live, type="start_segment")
    for name in ("Amina Yusuf", "Bruno Costa", "Chen Wei"):
        request_floor(faces, live, name)
    page = open_console(faces)
    requests = page.locator("#requests .request")
    expect(requests).to_have_count(3)
    # the second tap where the first was: the row below slides up under the finger, or (the
    # suggested order above losing a line too) past it, its Approve 42 px higher on an iPad
    double_tap(page, requests.first.locator(".request-approve"), follow=False)
    assert sent(page).count("approve_request") == 1
    expect(requests).to_have_count(2)
    eventually(lambda: len(state(faces, live)["requests"]) == 2)
    assert len(state(faces, live)["queue"]) == 14

    page.wait_for_timeout(PAUSE_MS)  # the finger's pause
    tap(page, requests.first.locator(".request-approve"))
    assert sent(page).count("approve_request") == 2
    expect(requests).to_have_count(1)


# --- F3: by touch, "Tap Undo", and the notice's own Undo ----------------------------------------


def test_a_notice_tells_a_finger_to_tap_undo_and_has_its_own(
    open_console: Opener, faces: dict[str, Any]
) -> None:
    live, page, rows = the_live_queue(open_console, faces)
    name = state(faces, live)["queue"][4]["name"]
    tap(page, rows.nth(4).locator(".btn-remove"))
    removed = fill(EN["console.queue.removed"], name=name)
    notice = page.locator("#notices .notice", has_text=removed)
    expect(notice.locator(".notice-text")).to_have_text(fill(EN["console.undo.tap"], done=removed))
    expect(notice).not_to_contain_text("Press U")
    # its own Undo says what the console's says (the server's view), here the removal
    copy = notice.locator(".notice-undo")
    expect(page.locator("#btn-undo-label")).to_have_text(re.compile(re.escape(name)))
    label = page.locator("#btn-undo-label").text_content()
    expect(copy).to_have_text(f"↶ {label}")
    shot(page, "notice-undo-tablet")

    tap(page, copy)
    assert sent(page).count("undo") == 1
    expect(rows.nth(4).locator(".entry-name")).to_have_text(name)
    expect(notice).to_have_count(0)  # done: its notice goes


def test_a_mouse_is_still_told_press_u(open_console: Opener, faces: dict[str, Any]) -> None:
    live = segment_id(faces, DISCUSSION_I)
    command(faces, live, type="start_segment")
    page = open_console(faces, viewport=VIEWPORTS["moderator"], touch=False)
    name = state(faces, live)["queue"][1]["name"]
    page.get_by_role("button", name=fill(EN["console.queue.remove"], name=name), exact=True).click()
    removed = fill(EN["console.queue.removed"], name=name)
    notice = page.locator("#notices .notice", has_text=removed)
    expect(notice.locator(".notice-text")).to_have_text(
        fill(EN["console.undo.press_u"], done=removed)
    )
    expect(notice.locator(".notice-undo")).to_be_visible()  # a mouse may use it too
    # a mouse alone keeps the laptop's dense queue
    box = page.locator("#queue .entry").first.locator(".btn-remove").bounding_box()
    assert box is not None and box["width"] == 36, box


# --- F8: a touchscreen laptop (a trackpad first, a finger as well) gets the finger's targets -----


@pytest.fixture(scope="module")
def touchscreen_laptop(browser: Browser) -> Iterator[Browser]:
    """A chromium whose primary pointer is fine (a trackpad) and which has a touch screen too:
    ``(pointer: fine)`` and ``(any-pointer: coarse)``, as Chrome reports a Windows or ChromeOS
    touchscreen laptop (launched by the module's Playwright: one per thread)."""
    # Blink's pointer types: 2 coarse, 4 fine (a mask for the available ones); hover 2: hover
    pointers = (
        "primaryPointerType=4,availablePointerTypes=6,primaryHoverType=2,availableHoverTypes=2"
    )
    launched = browser.browser_type.launch(
        executable_path=shutil.which("chromium"),
        args=[*CHROMIUM_ARGS, f"--blink-settings={pointers}"],
    )
    yield launched
    launched.close()


def test_a_touchscreen_laptop_gets_finger_sized_targets(
    open_console: Opener, faces: dict[str, Any], touchscreen_laptop: Browser
) -> None:
    speaker_on_the_floor(faces)
    page = open_console(faces, viewport=LAPTOP, touch=False, on=touchscreen_laptop)
    assert page.evaluate(
        "() => [matchMedia('(pointer: fine)').matches, matchMedia('(any-pointer: coarse)').matches]"
    ) == [True, True]

    def size(target: Locator) -> tuple[float, float]:
        box = target.bounding_box()
        assert box is not None
        return box["width"], box["height"]

    row = page.locator("#queue .entry").first
    for control in (".btn-remove", ".entry-up", ".entry-down", ".grip"):
        width, height = size(row.locator(control))
        assert width >= 48 and height >= 48, (control, width, height)
    for small in ("#btn-undo", "#btn-skip-end", "#btn-skip-next"):
        assert size(page.locator(small))[1] >= 44, small
    shot(page, "touchscreen-laptop")


# --- F1: choosing a segment at the foot of a tablet's page brings the floor back ---------------


@pytest.mark.parametrize(
    ("viewport", "motion"), [(TABLET, "no-preference"), (TABLET, "reduce"), (PHONE, "reduce")]
)
def test_choosing_a_segment_brings_the_floor_into_view(
    open_console: Opener, faces: dict[str, Any], viewport: ViewportSize, motion: str
) -> None:
    command(faces, segment_id(faces, DISCUSSION_I), type="start_segment")
    page = open_console(faces, viewport=viewport, reduced_motion=motion)
    choice = page.locator("#programme").get_by_role(
        "button", name=re.compile("^Thematic discussion II:")
    )
    tap(page, choice)
    expect(page.locator("#segment-title")).to_contain_text("Thematic discussion II")
    expect(page.locator("#segment-title")).to_be_in_viewport()
    if viewport == TABLET:
        expect(page.locator("#timer")).to_be_in_viewport()
        expect(page.locator("#btn-next")).to_be_in_viewport()
    # under the top bar, not behind it
    page.wait_for_function(
        """() => document.getElementById('floor').getBoundingClientRect().top >=
                 document.querySelector('.topbar').getBoundingClientRect().bottom - 1"""
    )


# --- F12: on a phone, the floor's two presses on the first screen --------------------------------


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_on_a_phone_start_and_call_next_are_on_the_first_screen(
    open_console: Opener, faces: dict[str, Any], language: str
) -> None:
    speaker_on_the_floor(faces)
    page = open_console(faces, language, viewport=PHONE)
    words = WORDS[language]
    title = page.locator("#segment-title")
    expect(title).to_contain_text("Thematic discussion I")
    # the title has the screen's width, not a column beside the schedule (it read "Thema / disc…")
    width = title.evaluate("(element) => element.getBoundingClientRect().width")
    assert width > 300, f"the segment's title is {width:.0f} px wide on a 390 px phone"
    for button in ("#btn-toggle", "#btn-end", "#btn-next"):
        expect(page.locator(button)).to_be_in_viewport(ratio=1)
    assert page.evaluate("scrollY") == 0
    # Call next comes right after the timer's buttons; the rarer tools below it
    order = page.evaluate(
        """() => ['#btn-end', '#btn-next', '#btn-skip-next', '#btn-undo'].map(
             (id) => document.querySelector(id).getBoundingClientRect().top)"""
    )
    assert order == sorted(order), order
    screenshot(page, f"console-phone-{language}")  # docs/screenshots: the phone's first screen
    tap(page, page.locator("#btn-next"))
    expect(page.locator("#speaker-name")).to_have_text("Panellist 2")
    expect(page.locator("#btn-toggle-label")).to_have_text(words["console.timer.start"])


#: Whether any of the visible notices overlaps the element (its box), and how many are visible.
NOTICES_OVER = """(element) => {
  const a = element.getBoundingClientRect();
  const shown = [...document.querySelectorAll('#notices .notice')].filter(
    (notice) => notice.getClientRects().length > 0);
  const over = shown.some((notice) => {
    const b = notice.getBoundingClientRect();
    return b.left < a.right && a.left < b.right && b.top < a.bottom && a.top < b.bottom;
  });
  return { over, shown: shown.length };
}"""


def test_on_a_phone_the_notices_leave_the_floor_s_buttons_free(
    open_console: Opener, faces: dict[str, Any]
) -> None:
    live = speaker_on_the_floor(faces)
    for name in ("Amina Yusuf", "Bruno Costa", "Chen Wei"):
        request_floor(faces, live, name)
    page = open_console(faces, viewport=PHONE)
    requests = page.locator("#requests .request")
    expect(requests).to_have_count(3)
    for left in (2, 1, 0):  # three approvals, three notices, each with its Undo
        page.wait_for_timeout(PAUSE_MS)  # the finger's pause
        tap(page, requests.first.locator(".request-approve"))
        expect(requests).to_have_count(left)
    expect(page.locator("#notices .notice", has_text="Approved")).to_have_count(3)
    page.evaluate("window.scrollTo(0, 0)")
    for button in ("#btn-toggle", "#btn-end", "#btn-next"):
        found = page.locator(button).evaluate(NOTICES_OVER)
        assert not found["over"], f"a notice lies over {button}"
        assert found["shown"] == 2, found  # the two newest; the older one is in the region still
    shot(page, "phone-notices")


# --- F19: a phone's keypad types the times -------------------------------------------------------


def test_the_time_fields_take_what_a_phone_keypad_types(
    open_console: Opener, faces: dict[str, Any]
) -> None:
    live = segment_id(faces, DISCUSSION_I)
    command(faces, live, type="start_segment")
    page = open_console(faces, viewport=PHONE)
    parse = page.evaluate(
        """async () => {
          const { parseMinutesSeconds } = await import('/static/js/moderator/format.js');
          const typed = ['2:30', '2', '0:45', '1.30', '1,30', '1\u066b30', '\u0661:\u0663\u0660',
                         '1.5', '1:5', 'two', ''];
          return typed.map((text) => {
            const ms = parseMinutesSeconds(text);
            return ms === null ? 'blank' : Number.isNaN(ms) ? 'no' : ms;
          });
        }"""
    )
    # what was taken before is still taken; a decimal pad's separator is the ":"
    assert parse == [150000, 120000, 45000, 90000, 90000, 90000, 90000, "no", "no", "no", "blank"]
    assert page.locator("#interpose-time").get_attribute("inputmode") == "decimal"
    expect(page.locator("#interpose-time")).to_have_accessible_description(
        EN["console.time_accepts"]
    )

    row = page.locator("#queue .entry").nth(1)
    tap(page, row.locator("button[aria-expanded]"))
    field = row.locator(".edit-time")
    expect(field).to_have_attribute("inputmode", "decimal")
    expect(field).to_have_accessible_description(EN["console.time_accepts"])
    field.fill("1.30")
    tap(page, row.get_by_role("button", name=EN["console.queue.edit_save"]))
    eventually(lambda: state(faces, live)["queue"][1]["allotted_ms"] == 90000)
