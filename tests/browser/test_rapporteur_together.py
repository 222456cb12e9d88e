"""Two rapporteurs curating the outcome at once (outside probe O): tags ticked on one page and
saved on the other are both kept; a decision or a move of the room display made on a page that
had not yet heard of the other's is refused and said, never overturning what it did not see."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from tests.e2e.server import Api

from .conftest import VIEWPORTS, contribute
from .test_rapporteur_add import EN, _contributions, _live, _rapporteur, _start_discussion
from .test_rapporteur_languages import _rapporteur_url
from .test_rapporteur_pickers import OTHERS


class Line:
    """The page's socket through Playwright: while ``deaf``, the outcome's updates to the page
    are held back (a slow network, a laptop asleep): it shows what it saw before, while its own
    commands and their answers pass."""

    def __init__(self) -> None:
        self.deaf = False
        self.held: list[str | bytes] = []

    def route(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def to_page(message: str | bytes) -> None:
            text = message if isinstance(message, str) else message.decode()
            if self.deaf and json.loads(text).get("type") == "outcome_update":
                self.held.append(message)
            else:
                ws.send(message)

        server.on_message(to_page)


def _held_back(browser: Browser, faces: dict[str, Any]) -> tuple[Page, Line]:
    line = Line()
    context = browser.new_context(viewport=VIEWPORTS["moderator"], bypass_csp=True)
    page = context.new_page()
    page.route_web_socket(re.compile(r".*/ws/.*"), line.route)
    page.goto(_rapporteur_url(faces, ""))
    _live(page)
    return page, line


def _curate(api: Api, item: dict[str, Any], **changes: Any) -> None:
    api.ok(
        "PATCH", f"/contributions/{item['id']}", json={"command_id": uuid.uuid4().hex, **changes}
    )


def _made(faces: dict[str, Any], count: int, prefix: str) -> list[dict[str, Any]]:
    """The first ``count`` of OTHERS send theirs during the discussion; the contributions."""
    contribute(faces, OTHERS[:count], _start_discussion(faces), prefix)
    return _contributions(faces)


def _stored(faces: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in _contributions(faces) if c["id"] == item["id"])


def test_tags_ticked_on_two_pages_at_once_are_both_kept(
    browser: Browser, faces: dict[str, Any]
) -> None:
    (grace,) = _made(faces, 1, "tags")
    first, second = _rapporteur(browser, faces), _rapporteur(browser, faces)
    for page in (first, second):
        page.locator(f"#item-{grace['id']}").click()
    # A ticks the first theme and objective 5, and has not saved yet
    first.locator("#theme-0").check()
    first.locator("#objective-5").check()
    # B ticks the second theme and objective 6, and saves
    second.locator("#theme-1").check()
    second.locator("#objective-6").check()
    second.get_by_role("button", name=EN["rapporteur.tags_save"]).click()
    expect(second.locator("#notices")).to_contain_text(EN["rapporteur.tags_saved"])
    # A's page shows B's tags ticked beside its own
    expect(first.locator("#theme-1")).to_be_checked()
    expect(first.locator("#objective-6")).to_be_checked()
    expect(first.locator("#theme-0")).to_be_checked()
    expect(first.locator("#objective-5")).to_be_checked()
    themes = [str(first.locator(f"#theme-{n}").get_attribute("value")) for n in (0, 1)]
    first.get_by_role("button", name=EN["rapporteur.tags_save"]).click()
    expect(first.locator("#notices")).to_contain_text(EN["rapporteur.tags_saved"])
    stored = _stored(faces, grace)
    assert sorted(stored["themes"]) == sorted(themes)
    assert stored["objectives"] == [5, 6]
    # A unticks B's theme: that is A's own change, and it is made
    first.locator("#theme-1").uncheck()
    first.get_by_role("button", name=EN["rapporteur.tags_save"]).click()
    expect(second.locator("#theme-1")).not_to_be_checked()
    assert _stored(faces, grace)["themes"] == [themes[0]]
    for page in (first, second):
        page.context.close()


def test_an_accept_from_a_page_that_missed_a_set_aside_is_refused_and_said(
    browser: Browser, faces: dict[str, Any]
) -> None:
    (grace,) = _made(faces, 1, "stale")
    page, line = _held_back(browser, faces)
    page.locator(f"#item-{grace['id']}").click()
    expect(page.locator("#merge-into option")).not_to_have_count(0)  # its picker asked
    line.deaf = True
    _curate(faces["api"], grace, status="set_aside", note="duplicate of #2")
    page.locator("#detail").get_by_role("button", name=EN["rapporteur.accept"], exact=True).click()
    expect(page.locator("#notices .notice-error")).to_be_visible()
    stored = _stored(faces, grace)
    assert (stored["status"], stored["note"]) == ("set_aside", "duplicate of #2")
    page.context.close()


def test_next_from_a_page_that_missed_a_move_of_the_display_is_refused(
    browser: Browser, faces: dict[str, Any]
) -> None:
    items = _made(faces, 3, "display")
    api: Api = faces["api"]
    for item in items:
        _curate(api, item, status="accepted")
    page, line = _held_back(browser, faces)
    expect(page.locator("#display-next")).to_be_enabled()
    line.deaf = True
    event_id = faces["event"]["id"]
    # the other rapporteur puts the third on the display; this page still thinks it is clear
    shown = {"command_id": "s2", "contribution_id": items[2]["id"]}
    api.ok("POST", f"/events/{event_id}/outcome/shown", json=shown)
    page.locator("#display-next").click()
    expect(page.locator("#notices .notice-error")).to_be_visible()
    outcome = api.ok("GET", f"/events/{event_id}/contributions")
    assert outcome["shown_id"] == items[2]["id"]
    page.context.close()


def test_a_wording_typed_on_one_merged_meanwhile_is_kept_to_copy_and_not_saved(
    browser: Browser, faces: dict[str, Any]
) -> None:
    grace, ana = _made(faces, 2, "merged")
    page = _rapporteur(browser, faces)
    page.locator(f"#item-{grace['id']}").click()
    page.locator("#edit-open").click()
    typed = "Guarantee health care for all migrants, whatever their status."
    page.locator("#edit-text").fill(typed)
    _curate(faces["api"], grace, merged_into=ana["id"])  # the other rapporteur merges it
    numbers = {grace["id"]: "1", ana["id"]: "2"}  # by submission
    said = EN["rapporteur.edit_merged"].format(number=numbers[grace["id"]], into=numbers[ana["id"]])
    expect(page.locator("#edit-merged")).to_have_text(said)
    expect(page.locator("#edit-text")).to_have_value(typed)  # still there to copy
    expect(page.locator("#save-text")).to_be_disabled()
    assert _stored(faces, grace)["text"] == grace["text"]
    page.context.close()


def test_a_mistaken_accept_is_taken_back_to_awaiting_review(
    browser: Browser, faces: dict[str, Any]
) -> None:
    (grace,) = _made(faces, 1, "reopen")
    page = _rapporteur(browser, faces)
    page.locator(f"#item-{grace['id']}").click()
    detail = page.locator("#detail")
    detail.get_by_role("button", name=EN["rapporteur.accept"], exact=True).click()
    detail.get_by_role("button", name=EN["rapporteur.reopen"]).click()
    said = EN["rapporteur.reopened_notice"].format(number="1")
    expect(page.locator("#notices")).to_contain_text(said)
    expect(detail.get_by_role("button", name=EN["rapporteur.accept"], exact=True)).to_be_visible()
    assert _stored(faces, grace)["status"] == "submitted"
    page.context.close()


def test_next_after_the_other_re_tagged_the_one_shown_skips_nothing(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Probe O's gap: the other rapporteur moves the contribution on the display to a later theme;
    Next goes on from where it was when shown (the second, then the third), not from its new
    place (past the end: Next was off, the rest never shown)."""
    items = _made(faces, 3, "retag")
    api: Api = faces["api"]
    for item in items:
        _curate(api, item, status="accepted", themes=["Thematic discussion I"])
    event_id = faces["event"]["id"]
    api.ok(
        "POST",
        f"/events/{event_id}/outcome/shown",
        json={"command_id": "r1", "contribution_id": items[0]["id"]},
    )
    page = _rapporteur(browser, faces)
    _curate(api, items[0], themes=["Thematic discussion II"])  # the other rapporteur
    expect(page.locator("#display-place")).to_contain_text("Thematic discussion II")
    for following in items[1:]:
        page.locator("#display-next").click()
        expect(page.locator("#on-display")).to_contain_text(following["text"][:40])
        assert api.ok("GET", f"/events/{event_id}/contributions")["shown_id"] == following["id"]
    page.context.close()


def test_the_display_line_is_said_for_the_others_moves_and_quiet_for_ones_own(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Outside probe E: a contribution this page showed was said twice, by its notice and by the
    display panel's line (a live region). The line changes quietly after this page's own
    command (its notice says it) and is said when the other rapporteur moves the display."""
    items = _made(faces, 3, "quiet")
    api: Api = faces["api"]
    for item in items:
        _curate(api, item, status="accepted", themes=["Thematic discussion I"])
    event_id = faces["event"]["id"]
    page = _rapporteur(browser, faces)
    # the line's aria-live at each change of its words, as a screen reader meets it
    page.evaluate(
        """() => {
          const line = document.getElementById("display-place");
          window.placeLive = [];
          const said = () =>
            window.placeLive.push([line.getAttribute("aria-live"), line.textContent]);
          const watched = { childList: true, subtree: true, characterData: true };
          new MutationObserver(said).observe(line, watched);
        }"""
    )
    page.locator("#display-next").click()  # this page shows the first: its notice says it
    shown = re.escape(EN["rapporteur.shown"]).replace(re.escape("{number}"), r"\d+")
    expect(page.locator("#notices")).to_contain_text(re.compile(shown))
    expect(page.locator("#display-place")).to_contain_text("Thematic discussion I")
    own = page.evaluate("() => window.placeLive.map((change) => change[0])")
    assert own and set(own) == {"off"}, own
    page.evaluate("() => { window.placeLive = []; }")
    api.ok(  # the other rapporteur shows the second, at once
        "POST",
        f"/events/{event_id}/outcome/shown",
        json={"command_id": uuid.uuid4().hex, "contribution_id": items[1]["id"]},
    )
    expect(page.locator("#on-display")).to_contain_text(items[1]["text"][:40])
    others = page.evaluate("() => window.placeLive.map((change) => change[0])")
    assert others and set(others) == {"polite"}, others
    page.context.close()
