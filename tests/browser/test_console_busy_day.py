"""The console through a busy day on a laptop (outside probe I, 2026-12-07): at 1366x768 109 of
133 queued names were cut to "Mateu…", at 1280x720 every one to a few letters. The row's buttons
now keep the name's line and the kind and the time go under them, the tags under the name: a name
of an ordinary length is read whole, a longer one has its tooltip. Also: a Latin detail in the
Arabic console is cut at its end, and the requests' suggested order sits above a long list.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from tests.e2e.server import Api

from .conftest import command, segment_id
from .test_console_keyboard import DISCUSSION_I, open_console

NAMES = [
    "Dr. Hubert Blaise Nkurunziza",
    "Thandiwe García-Mokoena",
    "Nguyễn Thị Minh Khai",
    "Mateus Albuquerque Ferreira",
    "Olumide Adebayo-Đoković",
    "فاطمة الزهراء الحسني",
]
LAPTOPS: list[ViewportSize] = [{"width": 1366, "height": 768}, {"width": 1280, "height": 720}]


@pytest.mark.parametrize("viewport", LAPTOPS, ids=["1366x768", "1280x720"])
def test_the_queues_names_are_read_whole_on_a_laptop(
    browser: Browser, faces: dict[str, Any], viewport: ViewportSize
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, type="start_segment")
    for name in NAMES:
        command(
            faces,
            segment,
            type="add_speaker",
            name=name,
            organisation="International Confederation of Free Trade Unions",
            kind="point_of_order" if name.startswith("Dr.") else "intervention",
            language="fr",
            attendance="remote",
        )
    page = open_console(browser, faces)
    page.set_viewport_size(viewport)
    for name in NAMES:
        shown = page.locator("#queue .entry-name", has_text=name)
        expect(shown).to_have_count(1)
        expect(shown).to_have_attribute("title", name)  # a longer one: its tooltip
        cut = shown.evaluate("(name) => name.scrollWidth > name.clientWidth + 1")
        if cut:
            page.screenshot(path=f"/tmp/console-queue-{viewport['width']}.png")
        assert not cut, f"{name} is cut at {viewport}"
    # the row's buttons, its kind and its time are all still there, inside the row
    row = page.locator("#queue .entry").filter(has_text=NAMES[0])
    inside = row.evaluate(
        """(row) => {
          const box = row.getBoundingClientRect();
          return [...row.querySelectorAll("button, .tag-kind, .entry-time")].every((part) => {
            const it = part.getBoundingClientRect();
            return it.width > 0 && it.left >= box.left - 1 && it.right <= box.right + 1;
          });
        }"""
    )
    assert inside
    row.scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/console-queue-{viewport['width']}.png")
    page.context.close()


def test_a_latin_detail_in_the_arabic_console_is_cut_at_its_end(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Outside probe I: the Arabic console cut "Africa regional review" at its start
    ("…ional review"): a line cut short keeps its own beginning, whatever the page's side."""
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, type="start_segment")
    organisation = "Africa regional review of the Global Compact for Migration, second cycle"
    command(faces, segment, type="add_speaker", name="Awa Ndiaye", organisation=organisation)
    page = open_console(browser, faces, "ar")
    page.set_viewport_size(LAPTOPS[0])
    details = page.locator("#queue .entry").filter(has_text="Awa Ndiaye").locator(".entry-details")
    expect(details).to_contain_text("Africa regional")
    # the first letters are inside the box: what overflows is the end
    starts_inside = details.evaluate(
        """(line) => {
          const range = document.createRange();
          const text = line.firstChild;
          range.setStart(text, 0);
          range.setEnd(text, 1);
          const first = range.getBoundingClientRect();
          const box = line.getBoundingClientRect();
          return first.left >= box.left - 1 && first.right <= box.right + 1;
        }"""
    )
    assert starts_inside
    page.context.close()


def test_the_requests_suggested_order_is_above_a_long_list_of_requests(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Outside probe I: with 120 requests pending, "Apply suggested order" sat under every
    request card, 23,600 px down the column. It is now above them, its list in its own scroll
    box, as the queue's is."""
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, type="start_segment")
    event_id = faces["event"]["id"]
    server = faces["server"]
    for n in range(24):
        joined = faces["api"].ok(
            "POST",
            f"/events/{event_id}/participants",
            json={
                "join_code": faces["event"]["join_code"],
                "name": f"Delegate {n:02d}",
                "constituency": "civil_society",
            },
        )
        Api(server.base, joined["token"]).ok(
            "POST", f"/segments/{segment}/floor-requests", json={"command_id": f"busy-{n}"}
        )
    page = open_console(browser, faces)
    page.set_viewport_size(LAPTOPS[0])
    apply = page.locator("#btn-apply-requests")
    expect(apply).to_be_visible()
    first_card = page.locator("#requests > li").first
    expect(first_card).to_be_visible()
    apply_box, card_box = apply.bounding_box(), first_card.bounding_box()
    assert apply_box is not None and card_box is not None
    assert apply_box["y"] < card_box["y"]
    list_box = page.locator("#requests-suggested-list").bounding_box()
    assert list_box is not None and list_box["height"] <= 0.4 * LAPTOPS[0]["height"] + 1
    page.context.close()
