"""The server's refusals in the staff page's language: a greyed button's reason, the undo's
reason, a key pressed on a greyed action and a command the server refuses, on the moderator
console; a call the server refuses, on the organiser's desk.

The server words its refusals in English and names each by a code; a page in Arabic shows the
dictionary's sentence for the code (``refusal.<code>`` in frontend/static/js/i18n/staff.js, read
through test_languages.dictionaries()), an English page the server's own words, as a sentence.
Every wait is Playwright's expect(); the server's refusals are read through its REST API.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.server import ORGANISER_KEY, Api

from .conftest import command, open_face, segment_id
from .test_languages import dictionaries

WORDS = dictionaries()
LANGUAGES = ["ar", "en"]
LUNCH = 2  # a demo segment with nobody to speak and nothing to undo
DISCUSSION_I = 1  # the demo segment with thirteen panellists


def as_shown(language: str, refusal: dict[str, str], *, stop: bool = False) -> str:
    """A refusal as refusal.js shows it: in English the server's message as a sentence (`stop`:
    with its full stop, as a button's reason has it), else the dictionary's sentence."""
    if language != "en":
        return WORDS[language][f"refusal.{refusal['code']}"]
    text = refusal["message"][0].upper() + refusal["message"][1:]
    return f"{text}." if stop and not text.endswith((".", "!", "?", "…")) else text


def console_link(faces: dict[str, Any], language: str, segment: str) -> str:
    """The moderator link with ?lang= and ?segment= (before its #key=… fragment)."""
    path, _, fragment = faces["moderator"].partition("#")
    return f"{path}?lang={language}&segment={segment}#{fragment}"


def actions(faces: dict[str, Any], segment: str) -> dict[str, Any]:
    """The state's `actions`: per action null, or the refusal it would meet ({code, message})."""
    return dict(faces["api"].state(segment)["state"]["actions"])


def ask_for_the_floor(faces: dict[str, Any], segment: str, name: str) -> None:
    """A delegate joins with the event's code and requests the floor, as their phone would."""
    body = {"join_code": faces["event"]["join_code"], "name": name, "constituency": "academia"}
    joined = faces["api"].ok("POST", f"/events/{faces['event']['id']}/participants", json=body)
    delegate = Api(faces["server"].base, joined["token"])
    request = {"command_id": uuid.uuid4().hex, "kind": "intervention"}
    delegate.ok("POST", f"/segments/{segment}/floor-requests", json=request)


def live(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    status = WORDS[language]["console.status.live"]
    expect(page.locator("#connection-status")).to_have_text(status)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_consoles_refusals_read_in_its_language(
    browser: Browser, faces: dict[str, Any], language: str
) -> None:
    # a segment not live, with nothing done in it: the buttons are greyed, each saying why
    lunch = segment_id(faces, LUNCH)
    refused = actions(faces, lunch)
    assert refused["toggle_timer"]["code"] == "not_live"
    assert refused["undo"]["code"] == "nothing_to_undo"
    assert refused["readd_last_speaker"]["code"] == "no_record"
    page = open_face(browser, "moderator", console_link(faces, language, lunch))
    live(page, language)
    toggle = page.locator("#btn-toggle")
    expect(toggle).to_have_attribute("aria-disabled", "true")
    reason = as_shown(language, refused["toggle_timer"], stop=True)
    expect(toggle).to_have_attribute("title", reason)
    expect(page.locator("#btn-readd")).to_have_attribute(
        "title", as_shown(language, refused["readd_last_speaker"], stop=True)
    )
    expect(page.locator("#undo-reason")).to_have_text(
        as_shown(language, refused["undo"], stop=True)
    )
    # the key of a greyed action sends nothing and says why
    page.locator("body").press("Space")
    notices = page.locator("#notices")
    expect(notices).to_contain_text(reason)

    # a command the server refuses: thirteen panellists queued, a cap of five, one more approved
    discussion = segment_id(faces, DISCUSSION_I)
    command(faces, discussion, {"type": "start_segment"})
    command(faces, discussion, {"type": "set_floor_mode", "mode": "moderated"})
    command(faces, discussion, {"type": "set_queue_cap", "cap": 5})
    ask_for_the_floor(faces, discussion, "Li Wei")
    page.goto(console_link(faces, language, discussion))
    live(page, language)
    refused = actions(faces, discussion)
    assert refused["toggle_timer"]["code"] == "no_speaker"
    reason = as_shown(language, refused["toggle_timer"], stop=True)
    expect(toggle).to_have_attribute("title", reason)
    request = page.locator(".request").filter(has_text="Li Wei")
    request.locator(".request-actions .btn-primary").click()
    full = {"code": "queue_full", "message": "the queue is full (5 speakers)"}
    expect(notices).to_contain_text(as_shown(language, full))
    if language != "en":
        expect(notices).not_to_contain_text("queue is full")
    state = faces["api"].state(discussion)["state"]
    assert len(state["queue"]) == 13, "the refused approval changed the queue"
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_desks_refusals_read_in_its_language(
    browser: Browser, faces: dict[str, Any], language: str
) -> None:
    # the server refuses a segment that would end before it starts
    event = faces["event"]
    body = {
        "command_id": uuid.uuid4().hex,
        "title": "Backwards",
        "kind": "discussion",
        "scheduled_start_at": f"{event['date']}T18:30",
        "scheduled_end_at": f"{event['date']}T18:00",
    }
    answer = faces["api"]("POST", f"/events/{event['id']}/segments", json=body)
    assert answer.status_code == 422
    refusal = answer.json()["error"]
    assert refusal["code"] == "invalid_schedule"

    base = faces["server"].base
    url = f"{base}/organiser?lang={language}&section=programme#key={ORGANISER_KEY}"
    page = open_face(browser, "moderator", url)
    words = WORDS[language]
    form = page.locator("#segment-form")
    form.get_by_label(words["desk.field.title"], exact=True).fill("Backwards")
    form.get_by_label(words["desk.segment.starts"], exact=True).fill("18:30")
    form.get_by_label(words["desk.segment.ends"], exact=True).fill("18:00")
    form.get_by_role("button", name=words["desk.segment.add"], exact=True).click()
    said = page.locator("#segment-status")  # under the form: "Not added: ..."
    expect(said).to_contain_text(as_shown(language, refusal))
    if language != "en":
        expect(said).not_to_contain_text("would end before it starts")
    titles = [s["title"] for s in faces["api"].ok("GET", f"/events/{event['id']}/segments")]
    assert "Backwards" not in titles
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_press_just_after_another_consoles_call_is_worded_naming_the_speaker(
    browser: Browser, faces: dict[str, Any], language: str
) -> None:
    """``just_called`` (outside probe N): a button box called the next speaker and, a moment
    later, another console's Next would have skipped them. The console says so, naming them, in
    its language (the refusal the server sent, worded by refusal.js)."""
    discussion = segment_id(faces, DISCUSSION_I)
    api: Api = faces["api"]
    command(faces, discussion, {"type": "start_segment"})
    made = api.ok("POST", f"/events/{faces['event']['id']}/access-links", json={"role": "device"})
    box = Api(faces["server"].base, made["token"])
    called = box.ok("POST", f"/events/{faces['event']['id']}/actions/next")
    speaker = api.state(discussion)["state"]["current"]["name"]
    body = {"command_id": uuid.uuid4().hex, "command": {"type": "call_next"}}
    refused = api("POST", f"/segments/{discussion}/commands", json=body)
    assert refused.status_code == 409, (called, refused.text)
    error = refused.json()
    assert error["error"]["code"] == "just_called" and error["name"] == speaker
    assert api.state(discussion)["state"]["current"]["name"] == speaker  # nobody skipped

    page = open_face(browser, "moderator", console_link(faces, language, discussion))
    live(page, language)
    shown = page.evaluate(
        """async (body) => {
            const { refusalText } = await import("/static/js/refusal.js");
            return refusalText({ code: body.error.code, message: body.error.message, body });
        }""",
        error,
    )
    if language == "en":
        assert shown == as_shown("en", error["error"])
    else:
        expected = WORDS[language]["refusal.just_called"].replace(
            "{name}", f"\u2068{speaker}\u2069"
        )
        assert shown == expected
    page.context.close()
