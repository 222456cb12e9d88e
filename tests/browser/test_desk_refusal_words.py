"""The desk says why a segment stays in the programme in its own language, counted in that
language's plural (outside probe J: the Spanish desk showed the server's English sentence inside
two Spanish lead-ins)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.server import Api, ServerProcess

from .test_desk_languages import fill
from .test_desk_setup import api, make_event, open_desk, segment_row, server
from .test_languages import dictionaries

__all__ = ["api", "server"]  # the fixtures, used by name


def test_a_segment_someone_waits_in_is_refused_in_the_desks_language(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = make_event(api, "Audiencia de prueba")
    panel = api.ok(
        "POST",
        f"/events/{event['id']}/segments",
        json={"title": "Panel", "command_id": "p1", "scheduled_start_at": "12:00"},
    )
    for name in ("Ana", "Bruno", "Chen"):
        api.command(panel["id"], {"type": "add_speaker", "name": name})
    for language, count_words in (("es", "Hay 3 oradores"), ("ru", "3 выступающих")):
        words = dictionaries()[language]
        page = open_desk(browser, server, event, "programme", lang=language)
        row = segment_row(page, "Panel")
        row.get_by_role(
            "button", name=fill(words["desk.programme.remove_label"], name="Panel")
        ).click()
        refused = row.locator(".seg-refused")
        expect(refused).to_contain_text(count_words)
        expect(refused).not_to_contain_text("queued")  # no English left in it
        stays = fill(words["refusal.segment_not_removable"], message="").strip(" :")
        expect(refused).not_to_contain_text(stays)  # one lead-in, not two
        page.context.close()
