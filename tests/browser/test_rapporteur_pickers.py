"""The rapporteur's pickers (outside probe H): the author picker tells namesakes with long Arabic
organisations apart on a phone (H12); the merge picker offers exactly what the server says a
contribution may be merged into, each with its number, kind and status (H4), and a merge refused
anyway (the target changed meanwhile) is said as any refusal is; an Arabic contribution reads right
to left on the list and in the detail whatever its first letter (H7)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.server import Api

from .conftest import assert_accessible, contribute
from .test_rapporteur_add import AR, EN, _contributions, _rapporteur, _start_discussion

PICTURES = Path("/tmp/helperF")

BRANCH = "الشبكة العربية للمجتمع المدني من أجل حقوق المهاجرين واللاجئين والأشخاص عديمي الجنسية"
NAMESAKES = [
    (
        ("فاطمة الزهراء بن علي", f"{BRANCH} - فرع تونس", "civil_society"),
        ("recommendation", "ar", "2024: UNHCR وشركاؤه يوصون بتوسيع المسارات النظامية للهجرة"),
    ),
    (
        ("فاطمة الزهراء بن علي", f"{BRANCH} - فرع المغرب", "migrant_association"),
        ("pledge", "ar", "تتعهد شبكتنا بتقديم المساعدة القانونية لـ 3000 مهاجر بحلول عام 2024"),
    ),
]  # fmt: skip
OTHERS = [
    (
        ("Grace Mensah", "PICUM", "civil_society"),
        ("recommendation", "en", "Guarantee health care for all migrants."),
    ),
    (
        ("Ana Costa", "Cáritas", "faith_based_organisation"),
        ("recommendation", "es", "Acceso a la salud para todos."),
    ),
    (("Sam Lee", "IOM", "un_system"), ("pledge", "en", "We pledge ten reception centres.")),
    (
        ("Leo Martin", "Ville de Lyon", "local_and_regional_authorities"),
        ("recommendation", "fr", "Des pare-feu."),
    ),
]  # fmt: skip


def _curate(api: Api, item: dict[str, Any], **changes: Any) -> None:
    api.ok(
        "PATCH", f"/contributions/{item['id']}", json={"command_id": uuid.uuid4().hex, **changes}
    )


def test_namesakes_differ_on_a_phone_in_arabic(browser: Browser, faces: dict[str, Any]) -> None:
    segment_id = _start_discussion(faces)
    contribute(faces, NAMESAKES, segment_id, "namesakes")
    page = _rapporteur(browser, faces, "?lang=ar")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name=AR["rapporteur.add_open"]).click()
    detail = page.locator("#detail")
    detail.get_by_label(AR["rapporteur.add_find"]).fill("فاطمة")
    options = detail.locator("#add-author .author-option")
    expect(options).to_have_count(2)
    # each whole, nothing cut at the side: the constituency and the branch that tell them apart
    seen = []
    for option in options.all():
        box = option.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        clipped = option.evaluate(
            "node => [...node.querySelectorAll('*')].some((n) => n.scrollWidth > n.clientWidth + 1)"
        )
        assert not clipped
        seen.append(option.inner_text())
    assert seen[0] != seen[1]
    assert "فرع تونس" in seen[0] and AR["constituency.civil_society"] in seen[0]
    assert "فرع المغرب" in seen[1] and AR["constituency.migrant_association"] in seen[1]
    options.nth(1).click()
    expect(options.nth(1).locator("input")).to_be_checked()
    expect(detail.locator("#add-chosen")).to_contain_text("فرع المغرب")
    assert_accessible(page)
    PICTURES.mkdir(parents=True, exist_ok=True)
    page.locator("#notices").evaluate("node => node.replaceChildren()")
    page.screenshot(path=str(PICTURES / "author-picker-ar-390.png"))

    # the list and the detail: Arabic right to left, though its first letters are Latin
    page.get_by_role("button", name=AR["rapporteur.cancel"]).click()
    first = _contributions(faces)[0]
    text = page.locator(f"#item-{first['id']} .item-text")
    expect(text).to_have_attribute("dir", "rtl")
    assert text.evaluate("node => getComputedStyle(node).direction") == "rtl"
    page.locator(f"#item-{first['id']}").click()
    expect(detail.locator("blockquote.current-text")).to_have_attribute("dir", "rtl")


def _merge_picker(page: Page) -> Any:
    return page.locator("#detail").get_by_label(EN["rapporteur.merge_label"])


def test_the_merge_picker_offers_what_the_server_allows(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment_id = _start_discussion(faces)
    contribute(faces, OTHERS, segment_id, "merge")
    grace, ana, sam, leo = _contributions(faces)
    api: Api = faces["api"]
    _curate(api, grace, status="accepted")
    _curate(api, ana, status="accepted")
    _curate(api, leo, status="set_aside", note="Too vague")
    page = _rapporteur(browser, faces)
    page.locator(f"#item-{grace['id']}").click()
    picker = _merge_picker(page)
    # Grace's (an accepted recommendation): into Ana's (accepted) only; not Sam's pledge, not Leo's
    # (set aside), not one not yet accepted
    targets = api.ok("GET", f"/contributions/{grace['id']}/merge-targets")["targets"]
    assert targets == [ana["id"]]
    expect(picker.locator("option")).to_have_count(2)
    expect(picker.locator("option").nth(1)).to_have_attribute("value", ana["id"])
    expect(picker.locator("option").nth(1)).to_have_text(
        re.compile(
            rf"^#2 · {EN['contribution.recommendation']} · {EN['rapporteur.status.accepted']} · "
        )
    )
    # the outcome changes: the picker is asked again
    _curate(api, sam, status="accepted")  # a pledge: still not offered
    _curate(api, leo, status="accepted")  # back from set aside: offered now
    expect(picker.locator("option")).to_have_count(3)
    expect(picker.locator("option").nth(2)).to_have_attribute("value", leo["id"])
    page.locator("#notices").evaluate("node => node.replaceChildren()")
    picker.evaluate("node => { node.size = node.options.length; }")  # its options, for the picture
    picker.scroll_into_view_if_needed()
    PICTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PICTURES / "merge-picker-en.png"))
    picker.evaluate("node => { node.size = 0; }")

    # chosen, then set aside meanwhile by someone else: the picker follows
    picker.select_option(leo["id"])
    _curate(api, leo, status="set_aside", note="Duplicate")
    expect(picker.locator("option")).to_have_count(2)
    expect(picker).to_have_value("")


def test_a_merge_refused_by_the_server_is_said(browser: Browser, faces: dict[str, Any]) -> None:
    """The picker offered it; by the time Merge is pressed, it is set aside: refused, said."""
    segment_id = _start_discussion(faces)
    contribute(faces, OTHERS[:2], segment_id, "race")
    grace, ana = _contributions(faces)
    api: Api = faces["api"]
    _curate(api, grace, status="accepted")
    _curate(api, ana, status="accepted")
    page = _rapporteur(browser, faces)
    page.locator(f"#item-{grace['id']}").click()
    picker = _merge_picker(page)
    expect(picker.locator("option")).to_have_count(2)
    picker.select_option(ana["id"])
    # the page stops hearing of changes for a moment (a slow network): the picker is not redrawn
    page.evaluate(
        """() => {
          const conn = window.floorConnection;
          const original = conn.dispatchEvent.bind(conn);
          conn.dispatchEvent = (event) => (event.type === "change" ? true : original(event));
        }"""
    )
    _curate(api, ana, status="set_aside", note="Too vague")
    page.locator("#detail").get_by_role("button", name=EN["rapporteur.merge"], exact=True).click()
    expect(page.locator("#notices .notice-error")).to_be_visible()
    expect(page.locator("#notices .notice-error")).not_to_have_text("")
    stored = {c["id"]: c for c in _contributions(faces)}
    assert stored[grace["id"]]["status"] == "accepted"


def test_a_theme_the_server_files_under_a_segment_is_that_segments_box(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """ "thematic discussion i", as a rapporteur may type it, is the box "Thematic discussion I"
    once the server says so (`theme_labels`), not a box of its own; without the field, its own."""
    segment_id = _start_discussion(faces)
    contribute(faces, OTHERS[:1], segment_id, "theme")
    (grace,) = _contributions(faces)
    api: Api = faces["api"]
    _curate(api, grace, status="accepted", themes=["thematic discussion i"])
    page = _rapporteur(browser, faces, "?lang=ar")
    page.locator(f"#item-{grace['id']}").click()
    boxes = page.locator("#detail .tag-group").first.locator("input[type=checkbox]")
    labels = [box.get_attribute("value") for box in boxes.all()]
    if "theme_labels" not in page.evaluate("() => window.floorConnection.outcome.contributions[0]"):
        assert "thematic discussion i" in labels  # as typed, until the server labels it
        title = faces["event"]["segments"][1]["title"]
        page.evaluate(
            """(title) => {
              const conn = window.floorConnection;
              conn.outcome.contributions[0].theme_labels = [title];
              conn.dispatchEvent(new Event("change"));
            }""",
            title,
        )
    expect(boxes).to_have_count(
        len(labels) - 1 if "thematic discussion i" in labels else len(labels)
    )
    folded = page.locator("#detail").get_by_label("Thematic discussion I", exact=True)
    expect(folded).to_be_checked()
    # the objectives' titles in the page's language (Arabic), from the server
    expect(page.locator("#detail .check.objective").nth(14)).to_contain_text("15")
    expect(page.locator("#detail .check.objective .objective-title").nth(14)).not_to_have_text("")
    page.locator("#notices").evaluate("node => node.replaceChildren()")
    page.locator("#detail .tag-group").first.scroll_into_view_if_needed()
    page.screenshot(path=str(PICTURES / "tags-ar-1440.png"))
    # unticked: the theme as typed goes too
    folded.uncheck()
    page.locator("#save-tags").click()
    expect(page.locator("#notices")).to_contain_text(AR["rapporteur.tags_saved"])
    assert _contributions(faces)[0]["themes"] == []
