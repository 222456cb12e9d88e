"""Two organisers on the organiser's desk at once, as an outside probe found it (its report's items
in brackets), in Chromium against a real server: two browser contexts are two organisers. Each
sees the other's changes within seconds — a segment added, the join code rotated, the live page
published, a link revoked (its printed card marked dead), a segment started, a participant
removed (H4); a Change saves only what it changes, so a change by the other in another field is
kept, and one to the same field is refused in the form with its value now, the organiser's own
typing kept, and saved only when asked again (H1, H2, M2); a move on a programme the other
reordered meanwhile is refused and the list read again (M1); something the other removed is named
by its name, and the list read again (M3); the participants' buttons stay on screen at 1280 x 720 in
Spanish, Russian and French (M4); Escape cancels a Change (L1); a refusal said before is cleared by
a later success (L2).

A desk whose polling is held (``hold``: its questions to ``…/revisions`` fail) stands for one that
has not yet heard of the other's change: what it sends then is what a desk sends in the seconds
before it hears. The words expected are read from the dictionaries, as the other desk tests do.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.test_desk_languages import EN, WORDS, fill
from tests.browser.test_desk_setup import HD, api, server, shot
from tests.e2e.server import ORGANISER_KEY, Api, ServerProcess

#: how long a change may take to reach the other desk (it asks every 2.5 s)
SOON = 10_000

__all__ = ["api", "server"]  # the desk's tests' fixtures (test_desk_setup.py), used by name


PROGRAMME = [
    ("Opening", "opening", "10:00", "10:30", "Ms. A. Moderator-One"),
    ("Thematic discussion I", "thematic", "10:30", "13:00", "Ms. A. Moderator-One"),
    ("Thematic discussion II", "thematic", "15:00", "16:30", "Mr. B. Moderator-Two"),
    ("Closing remarks", "closing", "17:30", "18:00", "Ms. A. Moderator-One"),
    ("Youth voices", "discussion", "16:30", "17:30", "Mr. B. Moderator-Two"),
]


def hearing(api: Api, title: str) -> dict[str, Any]:
    """An event on 2026-05-18 in New York with a programme of five and three participants."""
    event: dict[str, Any] = api.ok(
        "POST",
        "/events",
        json={"title": title, "timezone": "America/New_York", "date": "2026-05-18"},
    )
    for n, (name, kind, start, end, moderator) in enumerate(PROGRAMME):
        body = {"command_id": f"{event['id']}-{n}", "title": name, "kind": kind}
        body |= {"moderator": moderator, "scheduled_start_at": start, "scheduled_end_at": end}
        api.ok("POST", f"/events/{event['id']}/segments", json=body)
    csv = (
        b"Name,Organisation,Constituency,Region\n"
        b"Fatima Zahra,Union des Migrants du Maroc,Civil society,Africa\n"
        b"Yusuf Abdi,Somali Diaspora Network,Migrant and diaspora organisation,Africa\n"
        b"Hiroshi Sato,Japan Migration Forum,Academia,Asia-Pacific\n"
    )
    files = {"file": ("people.csv", csv, "text/csv")}
    api.ok("POST", f"/events/{event['id']}/participants/import", files=files)
    return event


def desk(
    browser: Browser, server: ServerProcess, event: dict[str, Any], section: str, lang: str = "en"
) -> Page:
    """An organiser's desk of its own (its own browser context: its own cookie) on `section`."""
    context = browser.new_context(viewport=HD, locale="en-GB")
    page = context.new_page()
    page.goto(
        f"{server.base}/organiser?lang={lang}&section={section}&event={event['id']}"
        f"#key={ORGANISER_KEY}"
    )
    expect(page.locator(f"#section-{section}")).to_be_visible()
    if section == "programme":
        expect(page.locator("#programme-rows tr")).to_have_count(len(PROGRAMME))
    if section == "participants":
        expect(page.locator("#participants-rows tr")).to_have_count(3)
    return page


def hold(page: Page) -> None:
    """This desk hears nothing of the other's changes until `release`."""
    page.route("**/api/v1/events/*/revisions", lambda route: route.abort())


def release(page: Page) -> None:
    page.unroute("**/api/v1/events/*/revisions")


def dismiss(page: Page) -> None:
    """Close the notices shown, so that the next one waited for is the next action's."""
    closes = page.locator("#notices .notice-close")
    while closes.count():
        closes.first.click()


def save_event(page: Page) -> None:
    dismiss(page)
    page.get_by_role("button", name=EN["desk.event.save_changes"]).click()


def segment_row(page: Page, title: str) -> Locator:
    return page.locator("#programme-rows tr").filter(
        has=page.locator(".seg-title", has_text=re.compile(f"^{re.escape(title)}$"))
    )


def person_row(page: Page, name: str) -> Locator:
    return page.locator("#participants-rows tr[data-participant-id]").filter(
        has=page.locator(".person-name", has_text=re.compile(f"^{re.escape(name)}$"))
    )


def change(page: Page, title: str) -> None:
    segment_row(page, title).get_by_role(
        "button", name=fill(EN["desk.programme.change_label"], name=title)
    ).click()
    expect(page.locator("#segment-form-heading")).to_have_text(
        fill(EN["desk.segment.change_heading"], title=title)
    )


def segment(api: Api, event: dict[str, Any], title: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        s for s in api.ok("GET", f"/events/{event['id']}/segments") if s["title"] == title
    )
    return found


def order(api: Api, event: dict[str, Any]) -> list[str]:
    return [s["title"] for s in api.ok("GET", f"/events/{event['id']}/segments")]


def changed_item(field_key: str, value: str) -> str:
    return fill(EN["desk.conflict.item"], field=EN[field_key], value=value)


# --- H4: each sees the other's changes --------------------------------------------------------


def test_each_organiser_sees_the_others_changes_within_seconds(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = hearing(api, "Seen from both desks")
    a = desk(browser, server, event, "programme")
    b = desk(browser, server, event, "programme")

    # a segment A adds is on B's programme, without B doing anything
    a.locator("#segment-title").fill("Lunch break")
    a.locator("#segment-start").fill("13:00")
    a.locator("#segment-end").fill("15:00")
    a.get_by_role("button", name=EN["desk.segment.add"]).click()
    expect(segment_row(b, "Lunch break")).to_have_count(1, timeout=SOON)
    expect(b.locator("#nav-programme")).to_have_text("6")

    # a segment the moderator starts says "Live" on both desks
    opening = segment(api, event, "Opening")
    start = {"command_id": "start-opening", "command": {"type": "start_segment"}}
    api.ok("POST", f"/segments/{opening['id']}/commands", json=start)
    expect(segment_row(b, "Opening").locator(".state-tag")).to_be_visible(timeout=SOON)

    # the join code A rotates, and the live page A publishes, are B's at once (B on Event)
    b.locator('.nav-btn[data-section="event"]').click()
    a.locator('.nav-btn[data-section="event"]').click()
    old = b.locator("#join-code").inner_text()
    a.get_by_role("button", name=EN["desk.join.rotate"]).click()
    a.locator("#confirm-ok").click()
    expect(a.locator("#join-code")).not_to_have_text(old)
    new = a.locator("#join-code").inner_text()
    expect(b.locator("#join-code")).to_have_text(new, timeout=SOON)
    expect(b.locator("#join-link")).to_have_text(re.compile(f"/join/{new}$"))
    expect(b.locator("#join-qr")).to_have_attribute("src", re.compile(f"code={new}$"))
    expect(b.locator("#notices")).to_contain_text(fill(EN["desk.join.rotated_elsewhere"], code=new))
    a.get_by_role("button", name=EN["desk.live.publish"]).click()
    expect(b.locator("#live-state")).to_have_text(EN["desk.live.published"], timeout=SOON)
    expect(b.locator("#live-toggle")).to_have_text(EN["desk.live.withdraw"])

    # a link A makes and B revokes: A's list says revoked, and A's card says it is dead
    a.locator('.nav-btn[data-section="links"]').click()
    b.locator('.nav-btn[data-section="links"]').click()
    a.locator("#mint-role").select_option("moderator")
    a.locator("#mint-label").fill("Chair's laptop")
    a.get_by_role("button", name=EN["desk.links.make"]).click()
    card = a.locator(".minted-card")
    expect(card).to_have_count(1)
    expect(card.locator(".door-actions")).to_be_visible()
    row = b.locator("#links-rows tr", has_text="Chair's laptop")
    expect(row).to_have_count(1, timeout=SOON)
    row.get_by_role("button", name=EN["desk.links.revoke"]).click()
    b.locator("#confirm-ok").click()
    expect(
        a.locator("#links-rows tr", has_text="Chair's laptop").locator(".state-tag")
    ).to_have_text(EN["desk.link_state.revoked"], timeout=SOON)
    expect(card.locator(".minted-dead")).to_have_text(EN["desk.minted.revoked"])
    expect(card).to_have_attribute("data-dead", "revoked")
    expect(card.locator(".door-actions")).to_be_hidden()
    shot(a, "h4-en-dead-card")

    # a participant A removes leaves B's list
    a.locator('.nav-btn[data-section="participants"]').click()
    b.locator('.nav-btn[data-section="participants"]').click()
    person_row(a, "Hiroshi Sato").locator(".remove-open").click()
    a.locator("#confirm-ok").click()
    expect(person_row(b, "Hiroshi Sato")).to_have_count(0, timeout=SOON)
    expect(b.locator("#nav-participants")).to_have_text("2")
    a.context.close()
    b.context.close()


# --- H1: a segment changed on both desks -----------------------------------------------------


def test_a_change_to_a_segment_keeps_the_others_and_a_clash_is_said_not_lost(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = hearing(api, "Both change a segment")
    a = desk(browser, server, event, "programme")
    b = desk(browser, server, event, "programme")
    title = "Thematic discussion I"
    change(a, title)
    change(b, title)

    # A replaces the moderator; B, whose form opened before, moves the end: both are kept, and
    # B's form is told (its untouched moderator field takes A's value)
    b.locator("#segment-end").fill("13:15")
    a.locator("#segment-moderator").fill("Mr. D. Replacement")
    a.get_by_role("button", name=EN["desk.segment.save"]).click()
    expect(a.locator("#segment-status")).to_have_text(fill(EN["desk.segment.saved"], title=title))
    status = b.locator("#segment-status")
    expect(status).to_contain_text(
        fill(
            EN["desk.conflict.segment"],
            changes=changed_item("desk.segment.moderator", "Mr. D. Replacement"),
        ),
        timeout=SOON,
    )
    expect(b.locator("#segment-moderator")).to_have_value("Mr. D. Replacement")
    expect(b.locator("#segment-end")).to_have_value("13:15")  # B's own typing, kept
    shot(b, "h1-en-told-in-form")
    b.get_by_role("button", name=EN["desk.segment.save"]).click()
    expect(status).to_have_text(fill(EN["desk.segment.saved"], title=title))
    saved = segment(api, event, title)
    assert saved["moderator"] == "Mr. D. Replacement"
    assert saved["scheduled_end_at_local"].startswith("2026-05-18T13:15")

    # the same field on both, B not yet told: B's save is refused, says A's aim, keeps B's
    hold(b)
    change(a, title)
    change(b, title)
    b.locator("#segment-aim").fill("Five regional reviews; then the floor")
    a.locator("#segment-aim").fill("Progress and gaps")
    a.get_by_role("button", name=EN["desk.segment.save"]).click()
    expect(a.locator("#segment-status")).to_have_text(fill(EN["desk.segment.saved"], title=title))
    b.get_by_role("button", name=EN["desk.segment.save"]).click()
    refused = fill(
        EN["desk.conflict.not_saved"], changes=changed_item("desk.segment.aim", "Progress and gaps")
    )
    expect(status).to_have_text(refused)
    expect(b.locator("#segment-aim")).to_have_value("Five regional reviews; then the floor")
    assert segment(api, event, title)["aim"] == "Progress and gaps"
    shot(b, "h1-en-refused")
    # saved again, deliberately: B's aim replaces A's, the rest as it was
    b.get_by_role("button", name=EN["desk.segment.save"]).click()
    expect(status).to_have_text(fill(EN["desk.segment.saved"], title=title))
    saved = segment(api, event, title)
    assert saved["aim"] == "Five regional reviews; then the floor"
    assert saved["moderator"] == "Mr. D. Replacement"
    assert saved["scheduled_end_at_local"].startswith("2026-05-18T13:15")
    a.context.close()
    b.context.close()


def test_the_clash_reads_in_spanish_and_arabic(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    """The form's words about the other organiser's change, in the desk's language (screenshots
    to look at: Spanish, Arabic right to left)."""
    event = hearing(api, "Clash in other languages")
    title = "Thematic discussion II"
    for lang in ("es", "ar"):
        words = WORDS[lang]
        b = desk(browser, server, event, "programme", lang)
        hold(b)
        segment_row(b, title).locator(".seg-change").click()
        b.locator("#segment-moderator").fill(f"Moderator {lang}")
        seen = segment(api, event, title)
        api.ok(
            "PATCH",
            f"/segments/{seen['id']}",
            json={"command_id": f"clash-{lang}", "moderator": f"Other {lang}"},
        )
        b.locator("#segment-submit").click()
        status = b.locator("#segment-status")
        expect(status).to_contain_text(
            re.sub(r"\s*\{changes\}.*$", "", words["desk.conflict.not_saved"]).strip()
        )
        expect(status).to_contain_text(f"Other {lang}")
        expect(b.locator("#segment-moderator")).to_have_value(f"Moderator {lang}")
        shot(b, f"h1-{lang}-refused")
        # the other's change heard while the form is open: said in the form too
        release(b)
        api.ok(
            "PATCH",
            f"/segments/{seen['id']}",
            json={"command_id": f"clash2-{lang}", "aim": f"Aim {lang}"},
        )
        expect(status).to_contain_text(
            re.sub(r"\s*\{changes\}.*$", "", words["desk.conflict.segment"]).strip(), timeout=SOON
        )
        expect(b.locator("#segment-aim")).to_have_value(f"Aim {lang}")
        shot(b, f"h1-{lang}-told")
        b.context.close()


# --- H2: the event changed on both desks ------------------------------------------------------


def test_saving_the_event_sends_only_what_changed_and_a_clash_is_refused(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = hearing(api, "Hearing before the forum")
    a = desk(browser, server, event, "event")
    b = desk(browser, server, event, "event")
    hold(b)  # B's form is the one it opened

    # A fixes the title and unticks Russian; B, from its old form, changes only the room
    a.locator("#event-form-title").fill("Informal multi-stakeholder hearing")
    a.locator('input[name="languages"][value="ru"]').uncheck()
    save_event(a)
    expect(a.locator("#notices")).to_contain_text(EN["desk.event.saved"])
    b.locator("#event-form-room").fill("Conference Room 1")
    save_event(b)
    expect(b.locator("#notices")).to_contain_text(EN["desk.event.saved"])
    now = api.ok("GET", f"/events/{event['id']}")
    assert now["title"] == "Informal multi-stakeholder hearing"
    assert "ru" not in now["languages"]
    assert now["room"] == "Conference Room 1"

    # the date: A postpones a day, moving the programme; B's old form changes only the venue
    a.locator("#event-form-date").fill("2026-05-19")
    expect(a.locator("#event-move-row")).to_be_visible()
    save_event(a)
    expect(a.locator("#notices")).to_contain_text(EN["desk.event.saved_moved"])
    b.locator("#event-form-venue").fill("UN Headquarters")
    save_event(b)
    expect(b.locator("#notices")).to_contain_text(EN["desk.event.saved"])
    now = api.ok("GET", f"/events/{event['id']}")
    assert (now["date"], now["venue"]) == ("2026-05-19", "UN Headquarters")
    assert all(s["scheduled_start_at_local"].startswith("2026-05-19") for s in now["segments"])

    # the same field: B's venue refused, A's named in the form, B's kept; saved again, B's
    expect(a.locator("#event-form-venue")).to_have_value("UN Headquarters", timeout=SOON)
    a.locator("#event-form-venue").fill("Trusteeship Council Chamber")
    save_event(a)
    expect(a.locator("#notices")).to_contain_text(EN["desk.event.saved"])
    b.locator("#event-form-venue").fill("ECOSOC Chamber")
    save_event(b)
    note = b.locator("#event-form-note")
    expect(note).to_have_text(
        fill(
            EN["desk.conflict.not_saved"],
            changes=changed_item("desk.event.venue", "Trusteeship Council Chamber"),
        )
    )
    expect(b.locator("#event-form-venue")).to_have_value("ECOSOC Chamber")
    # what B did not touch shows what A saved (B's form was read again)
    expect(b.locator("#event-form-date")).to_have_value("2026-05-19")
    expect(b.locator("#event-form-title")).to_have_value("Informal multi-stakeholder hearing")
    assert api.ok("GET", f"/events/{event['id']}")["venue"] == "Trusteeship Council Chamber"
    shot(b, "h2-en-refused")
    save_event(b)
    expect(b.locator("#notices")).to_contain_text(EN["desk.event.saved"])
    expect(note).to_be_empty()
    now = api.ok("GET", f"/events/{event['id']}")
    assert (now["venue"], now["date"], now["room"]) == (
        "ECOSOC Chamber",
        "2026-05-19",
        "Conference Room 1",
    )

    # heard while typing: B's form says what A changed under it, keeps what B typed
    release(b)
    expect(a.locator("#event-form-room")).to_have_value("Conference Room 1", timeout=SOON)
    b.locator("#event-form-room").fill("Conference Room 2")
    a.locator("#event-form-room").fill("Conference Room 3")
    save_event(a)
    expect(note).to_contain_text(
        fill(
            EN["desk.conflict.event"], changes=changed_item("desk.event.room", "Conference Room 3")
        ),
        timeout=SOON,
    )
    expect(note).to_contain_text(EN["desk.conflict.kept"])
    expect(b.locator("#event-form-room")).to_have_value("Conference Room 2")
    shot(b, "h2-en-told")
    a.context.close()
    b.context.close()


# --- M1: a move on a programme reordered meanwhile --------------------------------------------


def test_a_move_on_a_programme_reordered_meanwhile_is_refused_and_read_again(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = hearing(api, "Reordered on both desks")
    a = desk(browser, server, event, "programme")
    b = desk(browser, server, event, "programme")
    hold(b)
    closing = "Closing remarks"
    down = fill(EN["desk.programme.move_down"], name=closing)
    expected = [
        "Opening",
        "Thematic discussion I",
        "Thematic discussion II",
        "Youth voices",
        closing,
    ]
    segment_row(a, closing).get_by_role("button", name=down).click()
    expect(a.locator("#programme-rows .seg-title")).to_have_text(expected)
    assert order(api, event) == expected

    # B, whose list still shows Closing above Youth voices, presses ↓ on it too
    segment_row(b, closing).get_by_role("button", name=down).click()
    expect(b.locator("#notices")).to_contain_text(fill(EN["desk.conflict.moved"], name=closing))
    assert order(api, event) == expected  # nothing moved
    expect(b.locator("#programme-rows .seg-title")).to_have_text(expected)
    shot(b, "m1-en-refused")
    a.context.close()
    b.context.close()


# --- M2, M3: participants corrected or removed on both desks -----------------------------------


def test_a_participant_corrected_or_removed_by_the_other_is_said_by_name(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = hearing(api, "The registry on both desks")
    a = desk(browser, server, event, "participants")
    b = desk(browser, server, event, "participants")
    hold(b)
    region = EN["desk.participants.region"]

    # both correct Fatima Zahra's region: B's refused, A's named, B's kept; saved again, B's
    for page in (a, b):
        person_row(page, "Fatima Zahra").locator(".correct-open").click()
    a.locator("#correct-region").fill("North Africa")
    a.get_by_role("button", name=EN["desk.correct.save"]).click()
    expect(a.locator("#notices")).to_contain_text(
        fill(EN["desk.correct.done"], name="Fatima Zahra")
    )
    b.locator("#correct-region").fill("Arab States")
    b.get_by_role("button", name=EN["desk.correct.save"]).click()
    message = b.locator(".correct-message")
    expect(message).to_have_text(
        fill(
            EN["desk.conflict.not_saved"],
            changes=fill(EN["desk.conflict.item"], field=region, value="North Africa"),
        )
    )
    expect(b.locator("#correct-region")).to_have_value("Arab States")
    shot(b, "m2-en-refused")
    people = {p["name"]: p for p in api.ok("GET", f"/events/{event['id']}/participants")}
    assert people["Fatima Zahra"]["region"] == "North Africa"
    b.get_by_role("button", name=EN["desk.correct.save"]).click()
    expect(b.locator("#notices")).to_contain_text(
        fill(EN["desk.correct.done"], name="Fatima Zahra")
    )
    people = {p["name"]: p for p in api.ok("GET", f"/events/{event['id']}/participants")}
    assert people["Fatima Zahra"]["region"] == "Arab States"

    # B corrects Yusuf Abdi, whom A removes meanwhile: B is told by name, his row goes
    person_row(b, "Yusuf Abdi").locator(".correct-open").click()
    b.locator("#correct-organisation").fill("Somali Diaspora Network (SDN)")
    person_row(a, "Yusuf Abdi").locator(".remove-open").click()
    a.locator("#confirm-ok").click()
    expect(person_row(a, "Yusuf Abdi")).to_have_count(0)
    b.get_by_role("button", name=EN["desk.correct.save"]).click()
    expect(b.locator("#notices")).to_contain_text(fill(EN["desk.gone.person"], name="Yusuf Abdi"))
    expect(b.locator("#notices")).not_to_contain_text("GET /api")
    expect(person_row(b, "Yusuf Abdi")).to_have_count(0)
    shot(b, "m3-en-correct-removed")

    # B removes Hiroshi Sato, whom A removed already: told by name, the list read again
    person_row(a, "Hiroshi Sato").locator(".remove-open").click()
    a.locator("#confirm-ok").click()
    expect(person_row(a, "Hiroshi Sato")).to_have_count(0)
    person_row(b, "Hiroshi Sato").locator(".remove-open").click()
    b.locator("#confirm-ok").click()
    expect(b.locator("#notices")).to_contain_text(fill(EN["desk.gone.person"], name="Hiroshi Sato"))
    expect(person_row(b, "Hiroshi Sato")).to_have_count(0)
    expect(b.locator("#participants-rows tr[data-participant-id]")).to_have_count(1)
    a.context.close()
    b.context.close()


def test_a_segment_removed_by_the_other_is_said_by_its_title(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = hearing(api, "A segment removed meanwhile")
    b = desk(browser, server, event, "programme")
    hold(b)
    title = "Youth voices"
    change(b, title)
    b.locator("#segment-aim").fill("Three young speakers")
    gone = segment(api, event, title)
    api.ok("DELETE", f"/segments/{gone['id']}")
    b.get_by_role("button", name=EN["desk.segment.save"]).click()
    status = b.locator("#segment-status")
    expect(status).to_have_text(fill(EN["desk.gone.segment"], name=title))
    expect(status).not_to_contain_text(gone["id"])
    expect(segment_row(b, title)).to_have_count(0)
    expect(b.locator("#segment-form-heading")).to_have_text(EN["desk.segment.add_heading"])
    shot(b, "m3-en-segment-removed")

    # heard while its form is open: said at once, and it cannot be saved, only cancelled
    release(b)
    title = "Closing remarks"
    change(b, title)
    api.ok("DELETE", f"/segments/{segment(api, event, title)['id']}")
    expect(status).to_have_text(fill(EN["desk.gone.segment_form"], name=title), timeout=SOON)
    expect(b.locator("#segment-submit")).to_be_disabled()
    b.keyboard.press("Escape")
    expect(b.locator("#segment-form-heading")).to_have_text(EN["desk.segment.add_heading"])
    expect(b.locator("#segment-submit")).to_be_enabled()
    b.context.close()


# --- M4, L1, L2 --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["es", "ru", "fr"])
def test_the_participants_buttons_stay_on_a_small_laptop(
    browser: Browser, server: ServerProcess, api: Api, lang: str
) -> None:
    event = hearing(api, f"Participants in {lang}")
    page = desk(browser, server, event, "participants", lang)
    edges = page.evaluate(
        """() => {
          const main = document.getElementById('desk-main').getBoundingClientRect();
          const right = (e) => e.getBoundingClientRect().right;
          const buttons = [...document.querySelectorAll(
            '#participants-rows .actions .btn, .participants-tools .btn')];
          const scroller = document.getElementById('desk-main');
          return {main: main.right, widest: Math.max(...buttons.map(right)),
                  scrolls: scroller.scrollWidth > scroller.clientWidth};
        }"""
    )
    assert edges["widest"] <= edges["main"], edges
    assert not edges["scrolls"], edges
    shot(page, f"m4-{lang}-participants")
    page.context.close()


def test_escape_cancels_a_change_and_a_later_success_clears_an_old_refusal(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    event = hearing(api, "Escape and old refusals")
    page = desk(browser, server, event, "programme")
    title = "Thematic discussion II"
    change_button = segment_row(page, title).locator(".seg-change")
    change_button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#segment-title")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#segment-form-heading")).to_have_text(EN["desk.segment.add_heading"])
    expect(page.locator("#segment-title")).to_have_value("")
    expect(segment_row(page, title).locator(".seg-change")).to_be_focused()

    # a refused time zone, then the event saved: the refusal no longer covers the form
    page.locator('.nav-btn[data-section="event"]').click()
    page.locator("#event-form-timezone").fill("EST")
    save_event(page)
    expect(page.locator("#notices .notice-error")).to_have_count(1)
    page.locator("#event-form-timezone").fill("America/New_York")
    page.locator("#event-form-room").fill("Conference Room 4")
    save_event(page)
    expect(page.locator("#notices")).to_contain_text(EN["desk.event.saved"])
    expect(page.locator("#notices .notice-error")).to_have_count(0)
    page.context.close()
