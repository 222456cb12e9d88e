"""A guest's floor language and attendance from the moderator console (outside probe U, H1).

The interpreters' booths need to know whether to work from the floor or take relay: a guest the
moderator adds, or interposes, is given a floor language and "speaks remotely" in the console's
forms, a waiting turn's ✎ changes them, and the speaker on the floor (or the turn an interposed
question paused) is corrected from the speaker card while they speak — said once, in the floor's
region. What the room's screens are sent (the public state, as a display reads it) carries it.

Also here: the console's Previous / Next / Clear on the room display send what the console saw
there (a stale press is refused and said, not applied); the desk's and the rapporteur page's
language pickers say how to choose (the console's hint, shared).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import Browser, expect

from tests.e2e.server import ORGANISER_KEY, Api

from .conftest import VIEWPORTS, command, eventually, open_face, segment_id
from .test_accessibility_faces import said
from .test_console_keyboard import DISCUSSION_I, WORDS, contribute, fill, live_console
from .test_rapporteur_languages import _rapporteur_url
from .test_rapporteur_together import Line

EN = WORDS["en"]
GUEST = "Dr. Nguyễn Thị Minh Khai"


def public_state(faces: dict[str, Any], segment: str) -> dict[str, Any]:
    """The live state as the room's screens (a display, the booths) are sent it."""
    token = faces["display"].split("#key=")[1]
    answer = Api(faces["server"].base, token).ok("GET", f"/segments/{segment}/state")
    assert answer["audience"] == "public"
    return dict(answer["state"])


def queued(faces: dict[str, Any], segment: str, name: str) -> dict[str, Any] | None:
    return next((e for e in public_state(faces, segment)["queue"] if e["name"] == name), None)


def register(faces: dict[str, Any], name: str, language: str) -> dict[str, Any]:
    body = {"join_code": faces["event"]["join_code"], "name": name}
    body |= {
        "constituency": "academia",
        "organisation": "University of Dakar",
        "language": language,
    }
    return dict(faces["api"].ok("POST", f"/events/{faces['event']['id']}/participants", json=body))


# --- the add form --------------------------------------------------------------------------------


def test_a_remote_arabic_speaking_guest_added_from_the_form_reaches_the_room_screens(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    page = live_console(browser, faces)
    language = page.locator("#add-language")
    expect(page.locator("label[for=add-language]")).to_have_text(EN["console.floor.language"])
    expect(language).to_have_value("")  # not known until someone says
    expect(language.locator("option:checked")).to_have_text(EN["console.floor.not_known"])
    page.locator("#add-search").fill(GUEST)
    page.locator("#add-organisation").fill("Migrant Forum in Asia")
    language.select_option("ar")
    page.locator("#add-form").get_by_label(EN["console.floor.remote"], exact=True).check()
    page.get_by_role("button", name=EN["console.add.submit"]).click()
    expect(page.locator("#notices")).to_contain_text(fill(EN["console.add.added"], name=GUEST))
    entry = queued(faces, segment, GUEST)
    assert entry is not None
    assert (entry["language"], entry["attendance"]) == ("ar", "remote")
    row = page.locator("#queue .entry").filter(has_text=GUEST)
    expect(row.locator(".lang-tag")).to_contain_text("AR")
    expect(row.locator(".remote-tag")).to_be_visible()
    # the form is ready for the next guest: nothing of this one's kept
    expect(language).to_have_value("")
    expect(page.locator("#add-remote")).not_to_be_checked()

    # a guest whose language nobody knows stays so, in the room
    page.locator("#add-search").fill("Unnamed guest")
    page.get_by_role("button", name=EN["console.add.submit"]).click()
    expect(page.locator("#queue .entry-name", has_text="Unnamed guest")).to_be_visible()
    entry = queued(faces, segment, "Unnamed guest")
    assert entry is not None
    assert (entry["language"], entry["attendance"]) == (None, "in_room")
    page.context.close()


def test_a_registered_participant_picked_comes_with_their_language_which_can_be_changed(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    register(faces, "Amina Diallo", "fr")
    register(faces, "Amina Sow", "es")
    page = live_console(browser, faces)
    search = page.locator("#add-search")
    language = page.locator("#add-language")
    search.fill("Amina Diallo")
    expect(page.locator("#add-suggestions")).to_be_visible()
    search.press("ArrowDown")
    search.press("Enter")
    expect(page.locator("#add-chosen")).to_be_visible()
    expect(language).to_have_value("fr")  # their registration's
    # taken as registered
    page.get_by_role("button", name=EN["console.add.submit"]).click()
    eventually(lambda: queued(faces, segment, "Amina Diallo") is not None)
    entry = queued(faces, segment, "Amina Diallo")
    assert entry is not None and (entry["language"], entry["attendance"]) == ("fr", "in_room")

    # another known better on the day: she speaks Wolof (another language), from Dakar
    search.fill("Amina Sow")
    search.press("ArrowDown")
    search.press("Enter")
    expect(language).to_have_value("es")
    language.select_option("other")
    page.locator("#add-remote").check()

    def version() -> int:
        return int(faces["api"].ok("GET", f"/segments/{segment}/state")["version"])

    before = version()
    page.get_by_role("button", name=EN["console.add.submit"]).click()

    def corrected() -> bool:
        entry = queued(faces, segment, "Amina Sow")
        return entry is not None and (entry["language"], entry["attendance"]) == ("other", "remote")

    eventually(corrected)
    # in one command (one step for Undo), not an add and then an edit; her registration keeps
    # Spanish for her next turn
    assert version() == before + 1
    people = faces["api"].ok("GET", f"/events/{faces['event']['id']}/participants")
    sow = next(p for p in people if p["name"] == "Amina Sow")
    assert (sow["language"], sow["attendance"]) == ("es", "in_room")
    row = page.locator("#queue .entry").filter(has_text="Amina Sow")
    expect(row.locator(".remote-tag")).to_be_visible()
    page.context.close()


# --- a waiting turn's ✎ --------------------------------------------------------------------------


def test_a_waiting_turns_edit_form_changes_the_floor_language_and_attendance(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    page = live_console(browser, faces)
    row = page.locator("#queue .entry").first
    row.get_by_role("button", name=fill(EN["console.queue.edit"], name="Panellist 1")).click()
    form = row.locator("form.entry-edit")
    language = form.locator('[data-focus$=":language"]')
    expect(language).to_have_accessible_name(re.compile("^" + EN["console.floor.language"]))
    expect(language).to_have_value("")
    language.select_option("es")
    remote = form.locator('[data-focus$=":remote"]')
    expect(remote).to_have_accessible_name(EN["console.floor.remote"])
    remote.focus()
    page.keyboard.press("Space")  # the check box's own, not the timer's
    expect(remote).to_be_checked()
    form.get_by_role("button", name=EN["console.queue.edit_save"]).click()
    expect(form).to_have_count(0)
    expect(row.locator(".lang-tag")).to_contain_text("ES")
    entry = queued(faces, segment, "Panellist 1")
    assert entry is not None and (entry["language"], entry["attendance"]) == ("es", "remote")
    assert public_state(faces, segment)["current"] is None  # Space started nothing

    # opened again: as the server has it now; a language given in error goes back to "Not
    # known" (the booths then know they do not know)
    row.get_by_role("button", name=fill(EN["console.queue.edit"], name="Panellist 1")).click()
    expect(language).to_have_value("es")
    expect(language.locator("option")).to_have_count(8)
    expect(remote).to_be_checked()
    language.select_option(label=EN["console.floor.not_known"])
    form.get_by_role("button", name=EN["console.queue.edit_save"]).click()
    expect(form).to_have_count(0)
    eventually(lambda: (queued(faces, segment, "Panellist 1") or {}).get("language", "x") is None)
    expect(row.locator(".lang-tag")).to_have_count(0)
    page.context.close()


# --- the speaker on the floor, and a paused turn -------------------------------------------------


def test_the_speaker_on_the_floor_is_corrected_from_the_card_by_keyboard_and_said_once(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    page = live_console(browser, faces)
    command(faces, segment, type="call_next")
    expect(page.locator("#speaker-floor-text")).to_have_text(EN["console.floor.unknown"])
    change = page.get_by_role(
        "button", name=re.compile("^" + re.escape(EN["console.floor.change"]))
    )
    expect(change).to_have_accessible_name(
        f"{EN['console.floor.change']} {fill(EN['console.floor.change_extra'], name='Panellist 1')}"
    )
    change.focus()
    page.keyboard.press("Enter")
    language = page.locator("#floor-language")
    expect(language).to_be_focused()
    expect(page.locator("#floor-form")).to_have_accessible_name(
        fill(EN["console.floor.form"], name="Panellist 1")
    )
    language.select_option("ar")
    page.keyboard.press("Tab")
    expect(page.locator("#floor-remote")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Save
    expect(page.locator("#floor-form")).to_be_hidden()
    expect(change).to_be_focused()  # the keyboard stays where it was

    def corrected() -> bool:
        current = public_state(faces, segment)["current"]
        return (current["language"], current["attendance"]) == ("ar", "remote")

    eventually(corrected)
    expect(page.locator("#speaker-floor-text")).to_have_text(
        f"{EN['language.ar']} · {EN['who.remote']}"
    )
    words = fill(EN["console.said.speaks_remote"], name="Panellist 1", language=EN["language.ar"])
    expect(page.locator("#timer-said")).to_have_text(words)
    heard = [text for _, text in said(page) if "Panellist 1" in text and "Arabic" in text]
    assert heard == [words], said(page)
    expect(page.locator("#notices")).not_to_contain_text(words)  # said once, not twice
    # the timer's Space is untouched by all this: nothing started
    assert public_state(faces, segment)["current"]["timer"]["state"] == "idle"

    # Escape closes it unsaved, the focus back on Change
    change.press("Enter")
    expect(language).to_be_focused()
    language.select_option("fr")
    page.keyboard.press("Escape")
    expect(page.locator("#floor-form")).to_be_hidden()
    expect(change).to_be_focused()
    assert public_state(faces, segment)["current"]["language"] == "ar"

    # corrected elsewhere (another console, a script): said the same
    command(
        faces,
        segment,
        type="edit_entry",
        entry_id=public_state(faces, segment)["current"]["id"],
        attendance="in_room",
    )
    expect(page.locator("#timer-said")).to_have_text(
        fill(EN["console.said.in_room"], name="Panellist 1")
    )
    page.context.close()


def test_an_interposed_guest_has_a_language_and_the_paused_turn_can_be_corrected(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    page = live_console(browser, faces)
    command(faces, segment, type="call_next")
    expect(page.locator("#speaker-floor")).to_be_visible()
    page.locator("#btn-question").click()
    dialog = page.locator("#interpose-dialog")
    expect(page.locator("#interpose-name")).to_be_focused()
    page.locator("#interpose-name").fill("Olga Petrova")
    dialog.get_by_label(EN["console.floor.language"], exact=True).select_option("ru")
    dialog.get_by_label(EN["console.floor.remote"], exact=True).check()
    dialog.get_by_role("button", name=EN["console.interpose.give"]).click()
    expect(dialog).to_be_hidden()

    def interposed() -> bool:
        state = public_state(faces, segment)
        current = state["current"]
        return bool(state["paused"]) and (
            current["name"],
            current["language"],
            current["attendance"],
        ) == (
            "Olga Petrova",
            "ru",
            "remote",
        )

    eventually(interposed)
    # the paused panellist, found to speak French meanwhile
    paused_change = page.locator("#paused-floor-change")
    expect(paused_change).to_be_visible()
    paused_change.click()
    page.locator("#floor-language").select_option("fr")
    page.locator("#floor-form").get_by_role("button", name=EN["console.queue.edit_save"]).click()
    eventually(lambda: public_state(faces, segment)["paused"]["language"] == "fr")
    expect(page.locator("#paused-floor")).to_contain_text(EN["language.fr"])
    expect(page.locator("#timer-said")).to_have_text(
        fill(EN["console.said.speaks"], name="Panellist 1", language=EN["language.fr"])
    )
    page.context.close()


def test_the_card_and_the_forms_in_arabic(browser: Browser, faces: dict[str, Any]) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    page = live_console(browser, faces, "ar")
    ar = WORDS["ar"]
    expect(page.locator("#add-language option:checked")).to_have_text(ar["console.floor.not_known"])
    expect(page.locator("label[for=add-language]")).to_have_text(ar["console.floor.language"])
    command(faces, segment, type="call_next")
    expect(page.locator("#speaker-floor-change")).to_contain_text(ar["console.floor.change"])
    page.locator("#speaker-floor-change").click()
    page.locator("#floor-language").select_option("zh")
    page.locator("#floor-form button[type=submit]").click()
    expect(page.locator("#timer-said")).to_have_text(
        fill(ar["console.said.speaks"], name="Panellist 1", language=ar["language.zh"])
    )
    page.context.close()


# --- the room display, stepped from what the console saw -----------------------------------------


def test_a_next_on_the_console_that_missed_a_move_of_the_display_is_refused_and_said(
    browser: Browser, faces: dict[str, Any]
) -> None:
    command(faces, segment_id(faces, DISCUSSION_I), type="start_segment")
    ids = [
        contribute(faces, name, f"A recommendation by {name}.") for name in ("Ana", "Ben", "Cai")
    ]
    for contribution_id in ids:
        body = {"command_id": uuid.uuid4().hex, "status": "accepted"}
        faces["api"].ok("PATCH", f"/contributions/{contribution_id}", json=body)
    line = Line()
    context = browser.new_context(viewport=VIEWPORTS["moderator"], bypass_csp=True)
    page = context.new_page()
    page.route_web_socket(re.compile(r".*/ws/.*"), line.route)
    page.goto(faces["moderator"])
    expect(page.locator("#contributions-step")).to_be_visible()
    expect(page.locator("#contributions-next")).not_to_have_attribute("aria-disabled", "true")
    line.deaf = True
    event_id = faces["event"]["id"]
    # another console (or the rapporteur) puts the last one on the display; this one missed it
    shown = {"command_id": uuid.uuid4().hex, "contribution_id": ids[2]}
    faces["api"].ok("POST", f"/events/{event_id}/outcome/shown", json=shown)
    page.locator("#contributions-next").click()
    expect(page.locator("#notices")).to_contain_text(EN["console.contributions.moved_meanwhile"])
    assert faces["api"].ok("GET", f"/events/{event_id}/contributions")["shown_id"] == ids[2]
    # heard again (the missed updates are asked for again): Clear from what it now sees works
    line.deaf = False
    faces["api"].ok(
        "POST",
        f"/events/{event_id}/outcome/shown",
        json={"command_id": uuid.uuid4().hex, "contribution_id": ids[1]},
    )
    expect(page.locator("#contributions-shown")).to_be_visible()
    page.locator("#contributions-clear").click()
    eventually(
        lambda: faces["api"].ok("GET", f"/events/{event_id}/contributions")["shown_id"] is None
    )
    context.close()


# --- the staff pages' language pickers -----------------------------------------------------------


def test_the_desk_and_rapporteur_pickers_say_how_to_choose(
    browser: Browser, faces: dict[str, Any]
) -> None:
    base = faces["server"].base
    event_id = faces["event"]["id"]
    pages = {
        "#lang-select": open_face(
            browser, "moderator", f"{base}/organiser?event={event_id}#key={ORGANISER_KEY}"
        ),
        "#language": open_face(browser, "moderator", _rapporteur_url(faces)),
    }
    for selector, page in pages.items():
        picker = page.locator(selector)
        expect(picker.locator("option")).to_have_count(6)
        hint_id = picker.get_attribute("aria-describedby")
        assert hint_id
        hint = page.locator(f"#{hint_id}")
        expect(hint).to_have_text(EN["staff.language.hint"])
        assert (hint.bounding_box() or {"width": 0})["width"] <= 1  # heard, not seen
        picker.focus()
        page.keyboard.press("ArrowDown")
        expect(picker).to_have_attribute("data-pending", "true")
        assert (hint.bounding_box() or {"width": 0})["width"] > 50  # shown while it waits
        page.keyboard.press("Escape")
        expect(picker).not_to_have_attribute("data-pending", "true")
        page.context.close()
    page = open_face(browser, "moderator", _rapporteur_url(faces, "?lang=ar"))
    expect(page.locator("#language-hint")).to_have_text(WORDS["ar"]["staff.language.hint"])
    page.context.close()
