"""Clocks that agree to the frame (issue 16, item 4): two room displays and a speaker clock on
one machine, each with its own simulated clock offset and network delay, show each new second
at the same instant.

Each page's clock is moved by an init script (``performance.timeOrigin``, which the faces read
through ``client.js``'s ``localNow``), and its socket delays frames both ways (a WebSocket
wrapper: up and down delays differ, as on a real network). A MutationObserver records, by the
machine's real clock, the instant each page's time changes text. For every second all three
showed, the spread between the first and the last page is one measurement.

CI asserts only agreement within 200 ms (every second but one: a page stalled for a moment on
a loaded machine is not a clock that disagrees); the figures (median, p95) are printed and
written in docs/benchmarks.md with the command that reproduces them.
"""

from __future__ import annotations

import statistics
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import VIEWPORTS
from tests.browser.test_delegate import command, opening, start

#: Moves the page's clock by OFFSET ms, delays its socket's frames (UP ms out, DOWN ms in), and
#: records [real instant, text] each time the element #ID changes.
INIT = """
(() => {
  const OFFSET = %(offset)d, UP = %(up)d, DOWN = %(down)d, ID = "%(id)s";
  const origin = performance.timeOrigin;
  const real = () => origin + performance.now();
  Object.defineProperty(Performance.prototype, "timeOrigin", { get: () => origin + OFFSET });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    send(data) { setTimeout(() => super.send(data), UP); }
    set onmessage(handler) { this.addEventListener("message", handler); }
    addEventListener(type, listener, options) {
      if (type !== "message") return super.addEventListener(type, listener, options);
      const later = (event) => setTimeout(() => listener.call(this, event), DOWN);
      return super.addEventListener(type, later, options);
    }
  };
  window.__transitions = [];
  const watch = () => {
    const element = document.getElementById(ID);
    if (!element) return setTimeout(watch, 20);
    new MutationObserver(() => window.__transitions.push([real(), element.textContent]))
      .observe(element, { childList: true, characterData: true, subtree: true });
  };
  watch();
})();
"""

#: (face, element, clock offset ms, delay up ms, delay down ms). The delays are symmetric: no
#: clock can see an asymmetric delay (NTP's limit: it errs by half the difference), measured
#: apart in docs/benchmarks.md.
SCREENS = [
    ("display", "remaining", 0, 0, 0),
    ("display", "remaining", 4_000, 20, 20),
    ("clock", "time", -7_000, 40, 40),
]


def _open(
    browser: Browser, url: str, face: str, element: str, offset: int, up: int, down: int
) -> Page:
    context = browser.new_context(viewport=VIEWPORTS[face], bypass_csp=True)
    context.add_init_script(INIT % {"offset": offset, "up": up, "down": down, "id": element})
    page = context.new_page()
    page.goto(url)
    return page


def spreads(pages: list[Page]) -> list[float]:
    """For every timer text all pages showed, how far apart (ms, real time) they first showed it."""
    firsts: list[dict[str, float]] = []
    for page in pages:
        seen: dict[str, float] = {}
        for at, text in page.evaluate("window.__transitions"):
            if ":" in text and text not in seen:
                seen[text] = at
        firsts.append(seen)
    common = set(firsts[0]).intersection(*firsts[1:])
    # the first second shown may come from a snapshot before the pings settled the offset
    texts = sorted(common, key=lambda text: firsts[0][text])[2:]
    return [max(f[text] for f in firsts) - min(f[text] for f in firsts) for text in texts]


def test_two_displays_and_a_clock_show_each_second_together(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    command(api, segment_id, type="call_next")
    pages = [
        _open(browser, faces[face], face, element, offset, up, down)
        for face, element, offset, up, down in SCREENS
    ]
    try:
        for page, (_, element, *_) in zip(pages, SCREENS, strict=True):
            expect(page.locator(f"#{element}")).to_have_text("5:00")
        command(api, segment_id, type="start_timer")
        for page, (_, element, *_) in zip(pages, SCREENS, strict=True):
            expect(page.locator(f"#{element}")).to_have_text("4:49", timeout=20_000)
        measured = spreads(pages)
        assert len(measured) >= 6, measured
        ordered = sorted(measured)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(
            f"\nclock agreement over {len(measured)} seconds: median "
            f"{statistics.median(measured):.1f} ms, p95 {p95:.1f} ms, max {max(measured):.1f} ms"
        )
        # every second but one within 200 ms: on a loaded CI machine one page's main thread
        # may stall for a moment (a fresh-clone run saw one second at 423 ms among ten under
        # 11 ms), which is not a clock that disagrees; a wrong offset would move every second
        assert sorted(measured)[-2] < 200 and statistics.median(measured) < 50, measured
    finally:
        for page in pages:
            page.context.close()
