# ruff: noqa: RUF002, RUF003  (screen sizes written with a multiplication sign)
"""The room display cuts a long title or name with an ellipsis, in both directions (outside probe:
on the Arabic display a long Latin segment title cut to two lines lost its "…" and "report" with
it, so the cut title read as complete).

Chromium draws a line clamp's "…" after the last line as aligned, so a line aligned to its end
(an English title right-aligned on an Arabic screen, an Arabic one left-aligned on an English
screen) pushes the "…" past the box's edge, where it is clipped. The display's people's texts are
aligned to their own start (dir="auto"), and their box, as wide as the text, sits on the page's
side: a short English name on an Arabic screen is still on the right.

Measured in the page, not assumed: that the text is cut (it holds more than it shows), and, by
pixels, that a "…" is drawn whole inside the box and is the last thing on the cut line in the
text's direction: the text made transparent leaves the "…" alone (it is painted in the box's
colour, the text in its own span's), the box at opacity 0 leaves nothing (a change of the box's
colour alone does not repaint its "…"), and the difference is the "…". At 1280×720 and
1920×1080, on an English and an Arabic display; pictures in /tmp/display_clamp.
"""

from __future__ import annotations

import base64
import math
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, FloatRect, Page, expect

from tests.e2e.server import Api

from .conftest import contribute, open_face, wait_live, with_lang

PICTURES = Path("/tmp/display_clamp")
SIZES = [(1280, 720), (1920, 1080)]

#: Long (a segment's title ≤ 200 characters, a name ≤ 120), each cut at 1280×720 and 1920×1080
#: after a line that ends with room to spare, on which Chromium lost the "…" of a text aligned to
#: its end: it put the "…" after the text, past the box's edge, instead of cutting a word for it.
LATIN_TITLE = (
    "Thematic discussion II: Commitments to advance the implementation of the GCM including in "
    "advancing the recommendations of the SG report on safe, orderly and regular migration for all"
)
ARABIC_TITLE = (
    "المناقشة المواضيعية الثانية: الالتزامات الرامية إلى المضي قدماً في تنفيذ الاتفاق العالمي من "
    "أجل الهجرة الآمنة والمنظمة والنظامية، ومنها النهوض بتوصيات تقرير الأمين العام بشأن الهجرة"
)
LATIN_NAME = (
    "Her Excellency Ambassador María Fernanda Espinosa Garcés, Permanent Representative of the "
    "Republic of Ecuador to the United Nations"
)[:120]
ARABIC_NAME = (
    "صاحبة السعادة السفيرة فاطمة الزهراء بنت عبد الرحمن الهاشمي، الممثلة الدائمة للمملكة "
    "الأردنية الهاشمية لدى الأمم المتحدة"
)
SHORT_LATIN_NAME = "Chen Wei"
SHORT_ARABIC_NAME = "ليلى حداد"

#: The element's text, how much it holds beyond what it shows, its direction and its box.
MEASURE_JS = """(el) => {
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    text: el.textContent,
    over: el.scrollHeight - el.clientHeight,
    fontSize: parseFloat(style.fontSize),
    direction: style.direction,
    textAlign: style.textAlign,
    box: {x: box.x, y: box.y, width: box.width, height: box.height},
  };
}"""
#: The text in a transparent span: what the box still paints is its "…" (in the box's colour).
HIDE_TEXT_JS = """(el) => {
  const span = document.createElement('span');
  span.dataset.probe = 'text';
  span.style.color = 'transparent';
  span.append(...el.childNodes);
  el.append(span);
}"""
HIDE_ALL_JS = "(el) => { el.style.opacity = '0'; }"
RESTORE_JS = """(el) => {
  const span = el.querySelector(':scope > span[data-probe="text"]');
  if (span) span.replaceWith(...span.childNodes);
  el.style.removeProperty('opacity');
}"""
#: Three pictures of one box (as drawn, the text hidden, everything hidden), compared pixel by
#: pixel: where the "…" is drawn, and, on the rows it is drawn on, where anything is.
INK_JS = """async ([drawn, ellipsis, nothing]) => {
  const pixels = async (png) => {
    const image = new Image();
    image.src = 'data:image/png;base64,' + png;
    await image.decode();
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height);
  };
  const [a, b, c] = await Promise.all([drawn, ellipsis, nothing].map(pixels));
  const {width, height} = c;
  const inked = (image, i) => Math.max(
    Math.abs(image.data[i] - c.data[i]),
    Math.abs(image.data[i + 1] - c.data[i + 1]),
    Math.abs(image.data[i + 2] - c.data[i + 2])) > 24;
  const extent = (image, rows) => {
    let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity, count = 0;
    for (let y = rows[0]; y <= rows[1]; y += 1) {
      for (let x = 0; x < width; x += 1) {
        if (!inked(image, (y * width + x) * 4)) continue;
        count += 1;
        left = Math.min(left, x); right = Math.max(right, x);
        top = Math.min(top, y); bottom = Math.max(bottom, y);
      }
    }
    return count ? {count, left, right, top, bottom} : {count};
  };
  const dots = extent(b, [0, height - 1]);
  const line = dots.count ? extent(a, [dots.top, dots.bottom]) : {count: 0};
  return {width, height, dots, line};
}"""


def measure(page: Page, selector: str, nth: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = page.locator(selector).nth(nth).evaluate(MEASURE_JS)
    return found


def ellipsis_drawn(page: Page, decoder: Page, selector: str, nth: int = 0) -> dict[str, Any]:
    """Where the box's "…" is drawn, by its pixels (``dots``), and the extent of all that is drawn
    on its rows (``line``), in the box's own pixels."""
    element = page.locator(selector).nth(nth)
    box = measure(page, selector, nth)["box"]
    left, top = math.floor(box["x"]), math.floor(box["y"])
    clip: FloatRect = {
        "x": left,
        "y": top,
        "width": math.ceil(box["x"] + box["width"]) - left,
        "height": math.ceil(box["y"] + box["height"]) - top,
    }
    shots = [page.screenshot(clip=clip)]
    element.evaluate(HIDE_TEXT_JS)
    shots.append(page.screenshot(clip=clip))
    element.evaluate(HIDE_ALL_JS)
    shots.append(page.screenshot(clip=clip))
    element.evaluate(RESTORE_JS)
    found: dict[str, Any] = decoder.evaluate(
        INK_JS, [base64.b64encode(shot).decode() for shot in shots]
    )
    return found


def assert_cut_with_ellipsis(
    page: Page, decoder: Page, selector: str, nth: int = 0, lines: int | None = None
) -> None:
    """The text is cut (it holds at least a line more than it shows), and the cut line ends, in
    the text's own direction, with a whole "…" inside the box. ``lines``: cut it to so many lines
    first (the test's own clamp, taken off after)."""
    element = page.locator(selector).nth(nth)
    if lines is not None:
        element.evaluate("(el, n) => el.style.setProperty('-webkit-line-clamp', n)", str(lines))
    try:
        assert_ellipsis(page, decoder, selector, nth)
    finally:
        if lines is not None:
            element.evaluate("(el) => el.style.removeProperty('-webkit-line-clamp')")


def assert_ellipsis(page: Page, decoder: Page, selector: str, nth: int) -> None:
    measured = measure(page, selector, nth)
    said = f"{selector}[{nth}] {measured}"
    assert measured["over"] > 0.6 * measured["fontSize"], f"not cut: {said}"
    ink = ellipsis_drawn(page, decoder, selector, nth)
    dots, line = ink["dots"], ink["line"]
    said = f"{said}: {ink}"
    assert dots["count"] > 0, f"no ellipsis drawn: {said}"
    # the "…" whole: inside the box, not cut by its edge, and no wider than an ellipsis
    assert dots["left"] > 0 and dots["right"] < ink["width"] - 1, f"ellipsis at the edge: {said}"
    assert dots["right"] - dots["left"] < 1.5 * measured["fontSize"], said
    # on the last line, after the text in its own direction
    assert dots["bottom"] > ink["height"] - 1.6 * measured["fontSize"], (
        f"not on the last line: {said}"
    )
    if measured["direction"] == "ltr":
        assert line["right"] == dots["right"], f"text after the ellipsis: {said}"
    else:
        assert line["left"] == dots["left"], f"text after the ellipsis: {said}"


def text_edges(page: Page, selector: str, nth: int = 0) -> dict[str, float]:
    """Where an element's text is drawn, and the box its element sits in (its parent's)."""
    edges: dict[str, float] = (
        page.locator(selector)
        .nth(nth)
        .evaluate(
            """(el) => {
            const range = document.createRange();
            range.selectNodeContents(el);
            const text = range.getBoundingClientRect();
            const parent = el.parentElement.getBoundingClientRect();
            return {left: text.left, right: text.right, parentLeft: parent.left,
                    parentRight: parent.right, lines: range.getClientRects().length};
        }"""
        )
    )
    return edges


def at_size(page: Page, width: int, height: int) -> None:
    """The window at this size, refitted (display.js fits on "resize") and the fonts in."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(
        "([w, h]) => innerWidth === w && innerHeight === h && document.fonts.status === 'loaded'",
        arg=[width, height],
    )
    # two frames: the resize event has been handled and the page drawn since
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


def picture(page: Page, name: str) -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PICTURES / f"{name}.png"))


def show(api: Api, event_id: str, contribution_id: str | None) -> None:
    api.ok(
        "POST",
        f"/events/{event_id}/outcome/shown",
        json={"command_id": uuid.uuid4().hex, "contribution_id": contribution_id},
    )


def retitle(api: Api, segment_id: str, title: str) -> None:
    api.ok(
        "PATCH", f"/segments/{segment_id}", json={"command_id": uuid.uuid4().hex, "title": title}
    )


def add_speakers(api: Api, segment_id: str, names: list[str]) -> None:
    """At the top of the queue, in this order."""
    for position, name in enumerate(names):
        command = {"type": "add_speaker", "name": name, "position": position}
        api.command(segment_id, command).raise_for_status()


@pytest.fixture
def reflection(faces: dict[str, Any]) -> dict[str, str]:
    """The group reflection live (the demo's moderators queued), with one accepted contribution
    to show: while it is shown the speaker's name is a line under it, at a fixed size, and a long
    one is cut after three lines."""
    api: Api = faces["api"]
    event = faces["event"]
    discussion = event["segments"][1]["id"]
    api.command(discussion, {"type": "start_segment"}).raise_for_status()
    pledge = ("pledge", "en", "Ten reception centres by 2026.")
    contribute(faces, [(("Omar Haddad", "UNHCR", "un_system"), pledge)], discussion, "clamp")
    (item,) = api.ok("GET", f"/events/{event['id']}/contributions")["contributions"]
    api.ok(
        "PATCH",
        f"/contributions/{item['id']}",
        json={"command_id": "accept", "status": "accepted", "themes": ["Thematic discussion I"]},
    )
    segment = event["segments"][4]["id"]
    api.command(segment, {"type": "start_segment"}).raise_for_status()
    return {"segment": segment, "contribution": item["id"], "after": event["segments"][5]["id"]}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_cut_title_or_name_ends_with_an_ellipsis_in_either_direction(
    browser: Browser, faces: dict[str, Any], reflection: dict[str, str], language: str
) -> None:
    api: Api = faces["api"]
    segment = reflection["segment"]
    page = open_face(browser, "display", with_lang(faces["display"], language))
    decoder = browser.new_page()  # reads the pictures' pixels
    wait_live(page)
    rtl = language == "ar"
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if rtl else "ltr")

    # short, on the page's side as before: a Latin title and name, an Arabic name next
    add_speakers(api, segment, [SHORT_LATIN_NAME, SHORT_ARABIC_NAME])
    api.command(segment, {"type": "call_next"}).raise_for_status()
    expect(page.locator("#speaker-name")).to_have_text(SHORT_LATIN_NAME)
    expect(page.locator(".next-name").first).to_have_text(SHORT_ARABIC_NAME)
    for width, height in SIZES:
        at_size(page, width, height)
        picture(page, f"{language}-short-{width}x{height}")
        for selector in ["#segment-title", "#speaker-name", ".next-name"]:
            edges = text_edges(page, selector)
            said = f"{selector} at {width}x{height}: {edges}"
            assert edges["lines"] == 1, said
            if rtl:
                assert abs(edges["right"] - edges["parentRight"]) <= 1, said
            else:
                assert abs(edges["left"] - edges["parentLeft"]) <= 1, said

    # long, in Latin letters: the title, and the speaker's name on its line under the contribution
    # shown (a fixed size there: cut after three lines); the next speakers' names are fitted whole
    # at every size (display.js shrinks them first), so each is cut here to two lines by the test
    add_speakers(api, segment, [LATIN_NAME, ARABIC_NAME, LATIN_NAME[:-2] + " 2", ARABIC_NAME])
    api.command(segment, {"type": "call_next"}).raise_for_status()
    retitle(api, segment, LATIN_TITLE)
    show(api, faces["event"]["id"], reflection["contribution"])
    expect(page.locator("body")).to_have_class("display reflecting")
    expect(page.locator("#segment-title")).to_have_text(LATIN_TITLE)
    expect(page.locator("#speaker-name")).to_have_text(LATIN_NAME)
    names = page.locator(".next-name")
    expect(names).to_have_text([ARABIC_NAME, LATIN_NAME[:-2] + " 2", ARABIC_NAME])
    for width, height in SIZES:
        at_size(page, width, height)
        picture(page, f"{language}-latin-{width}x{height}")
        assert_cut_with_ellipsis(page, decoder, "#segment-title")
        assert_cut_with_ellipsis(page, decoder, "#speaker-name")
        for nth in range(3):
            assert_cut_with_ellipsis(page, decoder, ".next-name", nth, lines=2)

    # in Arabic letters
    retitle(api, segment, ARABIC_TITLE)
    api.command(segment, {"type": "call_next"}).raise_for_status()
    expect(page.locator("#segment-title")).to_have_text(ARABIC_TITLE)
    expect(page.locator("#speaker-name")).to_have_text(ARABIC_NAME)
    for width, height in SIZES:
        at_size(page, width, height)
        picture(page, f"{language}-arabic-{width}x{height}")
        assert_cut_with_ellipsis(page, decoder, "#segment-title")
        assert_cut_with_ellipsis(page, decoder, "#speaker-name")

    # the segment ended: what comes next on the programme, its title large across the screen
    show(api, faces["event"]["id"], None)
    api.command(segment, {"type": "end_segment"}).raise_for_status()
    for script, title in [("latin", LATIN_TITLE), ("arabic", ARABIC_TITLE)]:
        retitle(api, reflection["after"], title)
        expect(page.locator("#break-title")).to_have_text(title)
        for width, height in SIZES:
            at_size(page, width, height)
            picture(page, f"{language}-next-{script}-{width}x{height}")
            assert_cut_with_ellipsis(page, decoder, "#break-title")
    decoder.close()
    page.context.close()
