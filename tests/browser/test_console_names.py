"""A name stays in its box on the moderator console (outside probe, finding 7).

The server takes up to ``MAX_STACKED_MARKS`` combining marks on one letter (the tallest stack a
script writes); a name made up to stack as many on every letter drew them over the lines around
it, and the probe's "Z" with 114 marks a column over the console's header. Each line that shows a
name clips its ink 0.3em outside its box (moderator.css, "a name stays in its box"): what is
drawn around a name's box is the same whether the name carries a stack of marks or none.
"""

from __future__ import annotations

import base64
from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from app.floor.text import MAX_STACKED_MARKS, stacked_marks

from .conftest import command, segment_id
from .test_console_keyboard import DISCUSSION_I, ask, open_console

#: As many marks as the server takes on a letter, above it and below it; none composes with the
#: letter under it (the first of each is the accent of no precomposed letter, and blocks the rest)
ABOVE = "\u0305\u030d\u030e\u0310\u0312\u033d\u033e\u033f\u0346\u034a\u034b\u034c"
BELOW = "\u0316\u0317\u0318\u0319\u031c\u031d\u031e\u031f\u0320\u0329\u032a\u032b"
UP = "".join(letter + ABOVE for letter in "Zalgo Up")
DOWN = "".join(letter + BELOW for letter in "Zalgo Dn")
#: The probe's name, more marks than the server takes: put into the page, the clip holds anyway
PROBE = "Z" + "".join(chr(0x0300 + n % 0x15) for n in range(114))
#: How far outside its box a name may draw (its overflow-clip-margin), in its font's size
CLIP_MARGIN_EM = 0.3


def _around(page: Page, name: Locator) -> tuple[tuple[float, ...], list[bytes]]:
    """The name's box, and screenshots of what is around it: 2.5em above and below, past the
    0.3em it may draw into, as wide as the box and some."""
    name.scroll_into_view_if_needed()
    box = name.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    size = float(name.evaluate("(element) => parseFloat(getComputedStyle(element).fontSize)"))
    margin = CLIP_MARGIN_EM * size + 1
    left = max(0.0, box["x"] - 12)
    width = min(box["width"] + 24, viewport["width"] - left)
    top, bottom = box["y"] - margin, box["y"] + box["height"] + margin
    bands = [
        (max(0.0, top - 2.5 * size), top),
        (bottom, min(float(viewport["height"]), bottom + 2.5 * size)),
    ]
    shots = [
        page.screenshot(clip={"x": left, "y": start, "width": width, "height": end - start})
        for start, end in bands
        if end - start >= 1
    ]
    return (box["x"], box["y"], box["width"], box["height"]), shots


#: Pixels of two screenshots of one size that differ by more than a shade (a mark drawn, not
#: the edge of a border anti-aliased a little otherwise)
INKED = """async ([one, other]) => {
  const load = (png) => new Promise((done) => {
    const image = new Image();
    image.onload = () => done(image);
    image.src = `data:image/png;base64,${png}`;
  });
  const pixels = (image) => {
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data;
  };
  const [a, b] = (await Promise.all([load(one), load(other)])).map(pixels);
  let differ = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (Math.max(...[0, 1, 2].map((c) => Math.abs(a[i + c] - b[i + c]))) > 48) differ += 1;
  }
  return differ;
}"""


def _draws_nothing_outside_its_box(page: Page, name: Locator, text: str | None = None) -> None:
    """Around the name, the page is the same with its marks as with its letters alone."""
    assert name.evaluate("(element) => getComputedStyle(element).overflowY") == "clip"
    if text is not None:
        name.evaluate("(element, text) => { element.textContent = text; }", text)
    marked_box, marked = _around(page, name)
    name.evaluate(
        "(element) => { element.textContent = element.textContent.replace(/\\p{M}/gu, ''); }"
    )
    plain_box, plain = _around(page, name)
    assert plain_box == marked_box and len(plain) == len(marked)
    for one, other in zip(marked, plain, strict=True):
        shots = [base64.b64encode(shot).decode() for shot in (one, other)]
        assert page.evaluate(INKED, shots) == 0, f"{name}: a mark drawn outside its box"


def test_a_name_of_stacked_marks_draws_nothing_outside_its_box(
    browser: Browser, faces: dict[str, Any]
) -> None:
    assert stacked_marks(UP) == stacked_marks(DOWN) == MAX_STACKED_MARKS  # the server takes them
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, type="start_segment")
    command(faces, segment, type="add_speaker", name=UP, organisation="Zalgo", position=0)
    command(faces, segment, type="call_next")
    command(faces, segment, type="add_speaker", name=DOWN, organisation="Zalgo", position=0)
    ask(faces, segment, UP)
    ask(faces, segment, DOWN)
    page = open_console(browser, faces)
    expect(page.locator("#speaker-name")).to_have_text(UP)
    expect(page.locator("#next-name")).to_have_text(DOWN)
    expect(page.locator("#requests .request-name")).to_have_count(2)
    names = {
        "the speaker's": page.locator("#speaker-name"),
        "next": page.locator("#next-name"),
        "the queue's first": page.locator("#queue .entry-name").first,
        "a request's, marks above": page.locator("#requests .request-name").first,
        "a request's, marks below": page.locator("#requests .request-name").nth(1),
    }
    for name in names.values():
        _draws_nothing_outside_its_box(page, name)
    # the probe's 114 marks too (more than the server takes now)
    for name in (names["the speaker's"], names["a request's, marks above"]):
        _draws_nothing_outside_its_box(page, name, PROBE)
    page.context.close()
