"""The desk's sections: a section chosen while the event is still being read stays chosen (CI
under load found a click on Participants undone when the event arrived: the link's ?section=
put the organiser back on the event's page)."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import Browser, Route, expect

from tests.e2e.server import ORGANISER_KEY

from .test_desk_languages import desk_page, hearing, server  # noqa: F401


def test_a_section_chosen_while_the_event_is_read_stays_chosen(
    browser: Browser,
    hearing: dict[str, Any],  # noqa: F811
) -> None:
    event = hearing["event"]
    held: list[Route] = []
    page = desk_page(browser, hearing["server"].base, "lang=en", key=False)

    # the event's own read is held back, as a slow network would
    def hold(route: Route) -> None:
        held.append(route)

    page.route(re.compile(rf".*/api/v1/events/{event['id']}$"), hold)
    page.goto(
        f"{hearing['server'].base}/organiser?lang=en&event={event['id']}&section=event"
        f"#key={ORGANISER_KEY}"
    )
    deadline = time.monotonic() + 10
    while not held:  # until the page has asked for the event (Playwright's calls pump its routes)
        assert time.monotonic() < deadline, "the desk never read the event"
        page.wait_for_timeout(20)
    page.locator('.nav-btn[data-section="participants"]').click()
    held[0].continue_()
    expect(page.locator('.nav-btn[data-section="participants"]')).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("#section-participants")).to_be_visible()
    expect(page.locator("#section-event")).to_be_hidden()
    page.context.close()
