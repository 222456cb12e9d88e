"""What a screen reader, a keyboard, a zoomed or high-contrast screen and a colour-blind speaker
get from the faces: each change said once (not each second), the focus kept on a named element
after an action, the clock's phase told by more than colour, the booth usable at 200 %, the
console's single-key shortcuts that can be turned off (WCAG 2.1.4).

A recorder (``LISTEN``) logs what a screen reader is told: each change of text inside a live
region (``aria-live`` other than off, ``role`` alert, status or log) and each alert inserted.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.server import Api

from .conftest import open_face

#: Screenshots of the states changed here, to look at (not the docs' own).
SHOTS = Path(tempfile.gettempdir()) / "floorkeeper-accessibility"

LISTEN = """() => {
  window.__said = [];
  const REGION =
    '[aria-live]:not([aria-live="off"]), [role="alert"], [role="status"], [role="log"]';
  const say = (kind, node) => {
    const text = (node.innerText || node.textContent).replace(/\\s+/g, ' ').trim();
    const last = window.__said[window.__said.length - 1];
    if (text && !(last && last[0] === kind && last[1] === text)) window.__said.push([kind, text]);
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      const target = mutation.target;
      const element = target.nodeType === 1 ? target : target.parentElement;
      const region = element && element.closest(REGION);
      if (region) say(region.getAttribute('role') || 'live', region);
      for (const node of mutation.addedNodes) {
        if (node.nodeType !== 1) continue;
        const alert = node.matches('[role="alert"]') ? node : node.querySelector('[role="alert"]');
        if (alert && alert !== region) say('alert', alert);
      }
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


def said(page: Page) -> list[tuple[str, str]]:
    return [(kind, text) for kind, text in page.evaluate("() => window.__said")]


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def command(api: Api, segment_id: str, **body: Any) -> None:
    response = api.command(segment_id, body)
    assert response.status_code == 200, response.text


def wait_live(page: Page) -> None:
    page.wait_for_function(
        "() => window.floorConnection && window.floorConnection.status === 'live'"
    )


def console_live(page: Page) -> None:
    expect(page.locator("#connection-status")).to_have_text("Live")


def pending_request(api: Api, segment_id: str, name: str) -> str:
    deadline = time.monotonic() + 10
    while True:
        found = [r for r in api.state(segment_id)["state"]["requests"] if r["name"] == name]
        if found or time.monotonic() > deadline:
            return str(found[0]["id"])
        time.sleep(0.05)


def set_left(api: Api, segment_id: str, left_ms: int) -> None:
    """Move the current speaker's time so that about ``left_ms`` is left (negative: overtime)."""
    view = api.state(segment_id)
    timer = view["state"]["current"]["timer"]
    now = view.get("server_time") or int(time.time() * 1000)
    if timer["state"] == "running":
        left = timer["deadline_at"] - now
    else:
        left = (
            timer["remaining_ms"]
            if timer["remaining_ms"] is not None
            else timer["allotted_ms"] + timer["added_ms"]
        )
    delta = round((left_ms - left) / 1000) * 1000
    command(api, segment_id, type="adjust_time", delta_ms=delta)


# --- the delegate's phone -------------------------------------------------------------------------


def test_the_phone_says_join_and_the_floor_once_each_and_never_the_countdown(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = str(faces["event"]["segments"][0]["id"])
    command(api, segment_id, type="start_segment")
    phone = open_face(browser, "delegate", faces["delegate"], locale="en-GB")
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    phone.evaluate(LISTEN)

    # joined by keyboard: the focus lands on the floor's heading, and it is said whom as
    phone.get_by_label("Your name").fill("Bea Probe")
    phone.get_by_label("Stakeholder constituency").select_option("trade_union")
    phone.get_by_label("Your name").press("Enter")
    expect(phone.locator("#segment-title")).to_be_focused()
    expect(phone.locator("#status-live")).to_have_text("Signed in as \u2068Bea Probe\u2069")

    phone.get_by_role("button", name="Request the floor").click()
    command(
        api,
        segment_id,
        type="approve_request",
        request_id=pending_request(api, segment_id, "Bea Probe"),
    )
    expect(phone.locator("#status-live")).to_contain_text("Place 4 of 4")
    for _ in range(3):
        command(api, segment_id, type="call_next")
    expect(phone.get_by_role("alert").filter(has_text="You are next")).to_be_visible()
    before = len(said(phone))

    command(api, segment_id, type="call_next")
    command(api, segment_id, type="start_timer")
    alert = phone.get_by_role("alert").filter(has_text="You are speaking")
    expect(alert).to_be_visible()
    clock = phone.locator(".status-speaking [role=timer] .status-clock")
    expect(clock).to_have_text(re.compile(r"^[23]:\d\d$"))
    first = clock.inner_text()
    # three seconds of the countdown: it ticks on screen, and nothing of it is said
    phone.wait_for_function(
        "(first) => { const c = document.querySelector('.status-speaking .status-clock');"
        " const s = (t) => { const [m, x] = t.split(':'); return Number(m) * 60 + Number(x); };"
        " return c && s(first) - s(c.textContent) >= 3; }",
        arg=first,
    )
    at_the_floor = said(phone)[before:]
    speaking = [text for kind, text in at_the_floor if "You are speaking" in text]
    assert len(speaking) == 1, at_the_floor  # "FLOOR INTERVENTION You are speaking", once
    assert not any("on the list" in text for _, text in at_the_floor), at_the_floor
    assert not any(re.search(r"\d:\d\d", text) for _, text in at_the_floor), at_the_floor
    shot(phone, "delegate-speaking-en")
    phone.context.close()


# --- the moderator's console ----------------------------------------------------------------------


def test_the_console_says_the_timers_phases_and_new_requests_once_and_keeps_the_focus(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = str(faces["event"]["segments"][0]["id"])
    command(api, segment_id, type="start_segment")
    console = open_face(browser, "moderator", faces["moderator"])
    console_live(console)
    console.evaluate(LISTEN)

    # a request from a phone is said (a point of order alone was before)
    phone = open_face(browser, "delegate", faces["delegate"], locale="en-GB")
    phone.get_by_label("Your name").fill("Kofi Probe")
    phone.get_by_label("Stakeholder constituency").select_option("civil_society")
    phone.get_by_role("button", name="Join", exact=True).click()
    phone.get_by_role("button", name="Request the floor").click()
    expect(console.locator("#notices")).to_contain_text("Floor request from \u2068Kofi Probe\u2069")

    # approved: said with the place it took; the focus goes on to the panel's heading
    console.get_by_role("button", name="Approve Kofi Probe to the end of the queue").focus()
    console.keyboard.press("Enter")
    expect(console.locator("#notices")).to_contain_text(
        "Approved \u2068Kofi Probe\u2069: place 4 of 4"
    )
    expect(console.locator("#requests-heading")).to_be_focused()

    # Alt+↑ on a grip: where it went is said
    grip = console.locator("#queue .entry").nth(3).locator(".grip")
    grip.focus()
    console.keyboard.press("Alt+ArrowUp")
    expect(console.locator("#notices")).to_contain_text(
        "\u2068Kofi Probe\u2069 moved to place 3 of 4"
    )

    # removed with ✕ by keyboard: the focus goes to the entry now in its place, not to the page
    console.get_by_role("button", name="Remove Kofi Probe from the queue").focus()
    console.keyboard.press("Enter")
    expect(console.locator("#queue .entry")).to_have_count(3)
    expect(console.locator("#queue .entry").nth(2).locator(".grip")).to_be_focused()

    # the timer's phases: each said once, politely, as it is reached; not each second
    command(api, segment_id, type="call_next")
    command(api, segment_id, type="start_timer")
    before = len(said(console))
    # the time taken off is said (the floor's change, test_console_keyboard.py), and the phase
    # it reaches after it, in the same announcement
    set_left(api, segment_id, 25_000)
    expect(console.locator("#timer-said")).to_have_text(re.compile(r"removed: .*\. 30 s left$"))
    set_left(api, segment_id, 8_000)
    expect(console.locator("#timer-said")).to_have_text(
        re.compile(r"removed: .*\. 10 s left: time to conclude$")
    )
    set_left(api, segment_id, -2_000)
    expect(console.locator("#timer-said")).to_have_text(
        re.compile(r"removed: .* over time\. The speaker is over time$")
    )
    console.wait_for_function(
        "() => /^\\+0:0[4-9]/.test(document.getElementById('timer').textContent)"
    )
    words = ["30 s left", "10 s left: time to conclude", "The speaker is over time"]
    phases = [
        word for _, text in said(console)[before:] for word in words if text.endswith(f". {word}")
    ]
    assert phases == words, said(console)[before:]
    phone.context.close()
    console.context.close()


def test_the_single_key_shortcuts_can_be_turned_off_and_it_is_kept(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = str(faces["event"]["segments"][0]["id"])
    command(api, segment_id, type="start_segment")
    console = open_face(browser, "moderator", faces["moderator"])
    console_live(console)
    console.get_by_role("button", name=re.compile("Shortcuts")).click()
    dialog = console.get_by_role("dialog", name="Keyboard shortcuts")
    setting = dialog.get_by_role("checkbox", name="Single-key shortcuts")
    expect(setting).to_be_checked()
    expect(dialog).to_contain_text("Turn them off if you use speech input")
    setting.uncheck()
    dialog.get_by_role("button", name="Close").click()
    expect(console.locator("#btn-next")).not_to_have_attribute("aria-keyshortcuts", "N")
    shot(console, "console-shortcuts-off")

    # N calls no one now; kept on a reload, in this browser
    console.locator("body").press("n")
    console.reload()
    console_live(console)
    console.locator("body").press("n")
    expect(console.locator("#speaker-name")).not_to_contain_text("Abdulla Shahid")
    assert api.state(segment_id)["state"]["current"] is None
    console.get_by_role("button", name=re.compile("Shortcuts")).click()
    expect(console.get_by_role("checkbox", name="Single-key shortcuts")).not_to_be_checked()
    console.get_by_role("checkbox", name="Single-key shortcuts").check()
    console.get_by_role("button", name="Close", exact=True).click()
    console.locator("body").press("n")
    expect(console.locator("#speaker-name")).to_contain_text("Abdulla Shahid")
    console.context.close()


# --- the speaker clock ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{}, {"reduced_motion": "reduce"}, {"forced_colors": "active"}],
    ids=["plain", "reduced-motion", "forced-colors"],
)
def test_the_clocks_phases_differ_by_more_than_colour(
    browser: Browser, faces: dict[str, Any], options: dict[str, str]
) -> None:
    api: Api = faces["api"]
    segment_id = str(faces["event"]["segments"][0]["id"])
    for step in ("start_segment", "call_next", "start_timer"):
        command(api, segment_id, type=step)
    clock = open_face(browser, "clock", faces["clock"], **options)
    wait_live(clock)
    body = clock.locator("body")
    phase = clock.locator("#phase")
    frame = "() => getComputedStyle(document.body, '::after').borderTopStyle"
    expect(body).to_have_class(re.compile(r"phase-normal"))
    expect(phase).to_be_hidden()
    seen = {"normal": clock.evaluate(frame)}
    name = "-".join(f"{value}" for value in options.values()) or "plain"
    for left, wanted, word in (
        (25_000, "warning", "Time to conclude"),
        (8_000, "danger", "Conclude now"),
        (-3_000, "overtime", "Time is up"),
    ):
        set_left(api, segment_id, left)
        expect(body).to_have_class(re.compile(rf"phase-{wanted}"))
        expect(phase).to_have_text(word)
        seen[wanted] = clock.evaluate(frame)
        shot(clock, f"clock-{wanted}-{name}")
    # a frame of a line of its own in each phase: none, dashed, double, solid
    assert seen == {"normal": "none", "warning": "dashed", "danger": "double", "overtime": "solid"}
    flashing = clock.evaluate("() => getComputedStyle(document.body).animationName")
    if options.get("reduced_motion") == "reduce":
        assert flashing == "none"  # no full-screen flashing at all
    else:
        # flashes for five seconds at most (WCAG 2.2.2), then stays
        assert (
            clock.evaluate("() => getComputedStyle(document.body).animationIterationCount") == "5"
        )
    clock.context.close()


def test_the_clock_says_its_phase_in_its_language_and_the_speakers(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = str(faces["event"]["segments"][0]["id"])
    for step in ("start_segment", "call_next", "start_timer"):
        command(api, segment_id, type=step)
    clock = open_face(browser, "clock", faces["clock"].replace("#key=", "?lang=ar#key="))
    wait_live(clock)
    set_left(api, segment_id, 8_000)
    phase = clock.locator("#phase")
    language = api.state(segment_id)["state"]["current"]["language"]
    if language in ("en", "fr", "es", "ru", "zh"):
        # large in the speaker's floor language, in its own lang; the clock's below it
        expect(phase.locator(".said-clock")).to_have_text("اختتم الآن")
        expect(phase.locator(".said-speaker")).to_have_attribute("lang", language)
    else:
        expect(phase).to_have_text("اختتم الآن")
    shot(clock, "clock-danger-ar")
    clock.context.close()


# --- the interpreters' booth ----------------------------------------------------------------------


def test_the_booth_at_200_percent_scrolls_to_its_controls_and_clearing_keeps_the_focus(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id = str(faces["event"]["segments"][1]["id"])
    for step in ("start_segment", "call_next", "start_timer"):
        command(api, segment_id, type=step)
    link = api.ok("POST", f"/events/{faces['event']['id']}/access-links", json={"role": "booth"})
    context = browser.new_context(
        viewport={"width": 640, "height": 400}, device_scale_factor=2, bypass_csp=True
    )
    booth = context.new_page()
    booth.goto(f"{faces['server'].base}{link['url']}")
    wait_live(booth)
    mic = booth.get_by_role("button", name="Microphone off")
    expect(mic).to_be_enabled()
    expect(booth.locator("#next .booth-person").first).to_be_visible()
    assert booth.locator("#next-box").bounding_box()["height"] > 40  # type: ignore[index]
    # the wheel scrolls the page down to the buttons (nothing was reachable but by Tab before)
    booth.mouse.move(320, 200)
    booth.mouse.wheel(0, 2000)
    booth.wait_for_function("() => window.scrollY > 0")
    shot(booth, "booth-200-scrolled")
    mic.focus()
    booth.keyboard.press("Enter")
    clear = booth.get_by_role("button", name="Clear: Microphone off")
    expect(clear).to_be_visible()
    clear_all = booth.get_by_role("button", name="Clear all")
    expect(clear_all).to_be_visible()
    box = clear_all.bounding_box()
    assert box is not None
    shot(booth, "booth-200-signal")
    clear.focus()
    booth.keyboard.press("Enter")
    expect(clear).to_have_count(0)
    expect(mic).to_be_focused()
    booth.get_by_role("button", name="Please slow down").press("Enter")
    booth.get_by_role("button", name="Clear all").press("Enter")
    expect(booth.locator("#active li")).to_have_count(0)
    expect(booth.get_by_role("button", name="Please slow down")).to_be_focused()
    # its time is named, not a bare number
    expect(booth.locator("#remaining")).to_have_attribute(
        "aria-label", re.compile(r"^Time left \d:\d\d$")
    )
    context.close()


# --- the public live page -------------------------------------------------------------------------

#: The live page's retry when refused: every 15 s and up to a fifth more (live.js), and a margin.
LIVE_RETRY_MS = 25_000


@pytest.fixture
def live_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The demo hearing on a server that takes two live pages from one address, its opening
    segment live with a speaker, the page published."""
    from tests.e2e.server import ServerProcess

    monkeypatch.setenv("FLOORKEEPER_LIVE_CONNECTIONS_PER_ADDRESS", "2")
    server = ServerProcess(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path / "server.log", demo=True)
    server.start()
    try:
        api = Api(server.base)
        (event,) = api.ok("GET", "/events")
        segment_id = str(event["segments"][0]["id"])
        for step in ("start_segment", "call_next", "start_timer"):
            command(api, segment_id, type=step)
        api.ok("PATCH", f"/events/{event['id']}", json={"live_published": True})
        yield {
            "server": server,
            "api": api,
            "event": event,
            "segment": segment_id,
            "url": f"{server.base}/live/{event['id']}",
        }
    finally:
        server.stop()


def _live_page(
    browser: Browser, url: str, language: str, width: int = 390, height: int = 844
) -> Page:
    page = browser.new_context(
        viewport={"width": width, "height": height}, bypass_csp=True
    ).new_page()
    page.goto(f"{url}?lang={language}")
    return page


def test_the_live_page_says_a_new_speaker_once_why_it_is_refused_and_comes_back_published(
    browser: Browser, live_capped: dict[str, Any]
) -> None:
    api: Api = live_capped["api"]
    segment_id = live_capped["segment"]
    url = live_capped["url"]
    first = _live_page(browser, url, "en", 1280, 720)
    second = _live_page(browser, url, "ar")
    for page in (first, second):
        wait_live(page)
    expect(first.get_by_role("main")).to_be_visible()

    # a change of speaker is said once, with the organisation; the time left never
    first.evaluate(LISTEN)
    command(api, segment_id, type="call_next")
    command(api, segment_id, type="start_timer")
    name = api.state(segment_id)["state"]["current"]["name"]
    expect(first.locator("#speaker-name")).to_have_text(name)
    expect(first.locator("#said")).to_contain_text(f"Now speaking: \u2068{name}\u2069")
    first.wait_for_function(
        "() => /^[0-9]:[0-5][0-9]$/.test(document.getElementById('remaining').textContent)"
    )
    shown = first.locator("#remaining").inner_text()
    first.wait_for_function(
        "(shown) => document.getElementById('remaining').textContent !== shown", arg=shown
    )
    told = [text for _, text in said(first)]
    assert len([text for text in told if text.startswith("Now speaking")]) == 1, told
    assert not any(re.search(r"\d:\d\d", text) for text in told), told

    # two pages from this address already: a third and a fourth are told why, in their language,
    # and that they come in by themselves, not that they are offline
    english = _live_page(browser, url, "en")
    arabic = _live_page(browser, url, "ar")
    expect(english.locator("#refused-title")).to_have_text(
        "Too many people on your network are following this page"
    )
    expect(english.locator("#refused-body")).to_contain_text("comes up by itself")
    expect(english.locator("#live-badge")).to_have_text("Waiting for a place")
    expect(english.locator("#live-main")).to_be_hidden()  # no empty floor under it
    expect(english.locator("#connection")).to_be_hidden()
    expect(arabic.locator("#refused-title")).to_have_text(
        "عدد كبير جدًا من الأشخاص على شبكتك يتابعون هذه الصفحة"
    )
    expect(arabic.locator("#live-badge")).to_have_text("في انتظار مكان")
    shot(english, "live-refused-en")
    shot(arabic, "live-refused-ar")

    # two of the others closed: both come in by themselves, the notice gone
    first.context.close()
    second.context.close()
    for page in (english, arabic):
        expect(page.locator("#speaker-name")).to_have_text(name, timeout=LIVE_RETRY_MS)
        expect(page.locator("#refused")).to_be_hidden()
        expect(page.locator("#live-badge")).not_to_have_text("Waiting for a place")

    # withdrawn, the phone asleep meanwhile, republished: back on the line it shows the floor
    # (its hello answered `synced`: nothing changed on the floor meanwhile)
    event_id = live_capped["event"]["id"]
    api.ok("PATCH", f"/events/{event_id}", json={"live_published": False})
    expect(english.locator("#unpublished h1")).to_have_text("This live page is not published")
    english.context.set_offline(True)
    english.wait_for_function("() => window.floorConnection.status !== 'live'")
    api.ok("PATCH", f"/events/{event_id}", json={"live_published": True})
    english.context.set_offline(False)
    expect(english.locator("#live-main")).to_be_visible(timeout=15_000)
    expect(english.locator("body")).to_have_attribute("data-published", "yes")
    expect(english.locator("#speaker-name")).to_have_text(name)

    # the server gone, this browser's own network up: "Reconnecting to the server", not "Offline"
    live_capped["server"].stop()
    expect(english.locator("#live-badge")).to_have_text(
        "Reconnecting to the server", timeout=15_000
    )
    expect(arabic.locator("#live-badge")).to_have_text("جارٍ إعادة الاتصال بالخادم", timeout=15_000)
    shot(english, "live-reconnecting-en")
    shot(arabic, "live-reconnecting-ar")
    english.context.close()
    arabic.context.close()


def test_the_consoles_top_bar_fits_a_window_at_200_percent(
    browser: Browser, faces: dict[str, Any]
) -> None:
    context = browser.new_context(
        viewport={"width": 720, "height": 450}, device_scale_factor=2, bypass_csp=True
    )
    console = context.new_page()
    console.goto(faces["moderator"])
    console_live(console)
    help_open = console.get_by_role("button", name=re.compile("Shortcuts"))
    expect(help_open).to_be_visible()
    assert console.evaluate("() => document.documentElement.scrollWidth") <= 720
    box = help_open.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 720
    shot(console, "console-200")
    context.close()


# --- names in another script ---------------------------------------------------------------------


def test_a_name_in_another_script_is_read_in_its_language(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Outside probe M: "ليلى حداد" on an English console and display carried no language, so a
    screen reader spelt it with an English voice. The server says the language of a name's
    letters (`name_lang`); the faces write it as the name's `lang`, and a Latin name has none
    (the page's)."""
    api: Api = faces["api"]
    segment_id = str(faces["event"]["segments"][1]["id"])
    command(api, segment_id, type="start_segment")
    arabic, chinese = "\u0644\u064a\u0644\u0649 \u062d\u062f\u0627\u062f", "\u738b\u5c0f\u660e"
    for name in (arabic, chinese, "Grace Mensah"):
        command(api, segment_id, type="add_speaker", name=name)
    queue = api.state(segment_id)["state"]["queue"]
    assert {e["name"]: e["name_lang"] for e in queue if e["name"] in (arabic, chinese)} == {
        arabic: "ar",
        chinese: "zh",
    }
    first = next(e["id"] for e in queue if e["name"] == arabic)
    command(api, segment_id, type="move_entry", entry_id=first, position=0)

    console = open_face(browser, "moderator", faces["moderator"])
    console_live(console)
    names = console.locator("#queue .entry-name")
    expect(names.filter(has_text=arabic)).to_have_attribute("lang", "ar")
    expect(names.filter(has_text=chinese)).to_have_attribute("lang", "zh")
    assert names.filter(has_text="Grace Mensah").get_attribute("lang") in (None, "")
    display = open_face(browser, "display", faces["display"])
    expect(display.locator(".next-name").first).to_have_text(arabic)
    expect(display.locator(".next-name").first).to_have_attribute("lang", "ar")
    console.context.close()
    display.context.close()
