"""The words the faces show when something other than the floor's rules goes wrong (outside
probe K: the venue technician's bad day).

- An English console shows the dictionary's sentence for the server's storage trouble, not its
  script-facing "(OperationalError) … retry with the same command id" (refusal.js OWN_WORDS).
- The desk shows an answer that is not the server's JSON (a proxy's HTML 502) as a sentence with
  its status, not "Unexpected token '<'…" (client.js).
- A room screen opened in a browser that never signed in at this address (a spare laptop, the key
  no longer in the tab's address) says so, as the console does, instead of "this link is not
  valid any more"; a key refused (revoked, or not a link for that face) still says that.
"""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Browser, Page, Route, WebSocketRoute, expect

from tests.e2e.server import ORGANISER_KEY

from .conftest import open_face, wait_live
from .test_languages import dictionaries

WORDS = dictionaries()["en"]
DISCUSSION_I = 1  # the demo segment with thirteen panellists
#: What the engine answers a command it could not write (app/engine.py _UNWRITTEN).
UNWRITTEN = (
    "the log could not be written (OperationalError); nothing was applied: retry with the same "
    "command id"
)


def test_the_english_console_says_the_servers_storage_trouble_in_its_own_words(
    browser: Browser, faces: dict[str, Any]
) -> None:
    segment = str(faces["event"]["segments"][DISCUSSION_I]["id"])
    faces["api"].command(segment, {"type": "start_segment"}).raise_for_status()
    refused: list[str] = []

    def disk_full(socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()

        def from_page(message: str | bytes) -> None:
            frame = json.loads(message)
            command = frame.get("command") if isinstance(frame, dict) else None
            if isinstance(command, dict) and command.get("type") == "call_next":
                refused.append(frame["command_id"])
                answer = {"type": "error", "code": "storage_unavailable", "message": UNWRITTEN}
                socket.send(json.dumps({**answer, "command_id": frame["command_id"]}))
                return
            server.send(message)

        socket.on_message(from_page)

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.route_web_socket(re.compile(r".*/ws/.*"), disk_full)
    path, _, key = faces["moderator"].partition("#")
    page.goto(f"{path}?segment={segment}#{key}")
    wait_live(page)
    page.locator("#btn-next").click()
    notices = page.locator("#notices")
    expect(notices).to_contain_text(WORDS["refusal.storage_unavailable"])
    for script_words in ("OperationalError", "command id", "log could not be written"):
        expect(notices).not_to_contain_text(script_words)
    assert refused, "the console sent no call_next"
    context.close()


def test_the_desk_words_an_answer_that_is_not_the_servers(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """A proxy between the desk and a restarting server answers its own HTML page; then the
    server itself refuses for its full disk."""
    base = faces["server"].base
    page = open_face(
        browser, "moderator", f"{base}/organiser?section=links&lang=en#key={ORGANISER_KEY}"
    )
    answers: list[dict[str, Any]] = [
        {
            "status": 502,
            "content_type": "text/html",
            "body": "<html><head><title>502 Bad Gateway</title></head><body>Internal Server "
            "Error</body></html>",
        },
        {
            "status": 503,
            "content_type": "application/json",
            "headers": {"Retry-After": "1"},
            "body": json.dumps(
                {
                    "error": {
                        "code": "storage_unavailable",
                        "message": "the database could not be written (OperationalError): this "
                        "request was not carried out, or not wholly; send it again in a moment "
                        "(the server's log says what is wrong)",
                    }
                }
            ),
        },
    ]

    def trouble(route: Route) -> None:
        if route.request.method == "POST" and answers:
            route.fulfill(**answers.pop(0))
        else:
            route.continue_()

    page.route(re.compile(r".*/api/v1/events/[^/]+/access-links$"), trouble)
    make = page.get_by_role("button", name=WORDS["desk.links.make"], exact=True)
    notices = page.locator("#notices")
    make.click()
    expect(notices).to_contain_text(WORDS["error.unreadable_answer"].replace("{status}", "502"))
    expect(notices).not_to_contain_text("Unexpected token")
    expect(notices).not_to_contain_text("JSON")
    make.click()
    expect(notices).to_contain_text(WORDS["refusal.storage_unavailable"])
    expect(notices).not_to_contain_text("OperationalError")
    page.context.close()


def _signed_out_words(page: Page, face: str) -> Any:
    return page.locator("#message" if face == "clock" else "#segment-title")


def test_a_room_screen_never_signed_in_here_says_so(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """A spare laptop's browser, or a tab at another address of the server: no key in the
    address, no cookie for it."""
    event_id = faces["event"]["id"]
    base = faces["server"].base
    for face in ("display", "clock", "booth"):
        page = open_face(browser, "display", f"{base}/{face}/{event_id}?lang=en")
        expect(_signed_out_words(page, face)).to_have_text(WORDS[f"{face}.not_signed_in"])
        if face == "display":
            expect(page.locator("#join")).to_be_hidden()
        page.context.close()


def test_a_screen_moved_to_another_address_is_not_signed_in_there(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Signed in at 127.0.0.1; the same tab, its key gone from the address, opened at another
    name of the server (as a spare laptop's address would be): its cookie is not sent there.
    Opening the link again there signs it in."""
    page = open_face(browser, "display", faces["display"])
    wait_live(page)
    assert "#key=" not in page.url
    elsewhere = page.url.replace("127.0.0.1", "localhost")
    page.goto(elsewhere)
    expect(page.locator("#segment-title")).to_have_text(WORDS["display.not_signed_in"])
    page.goto(faces["display"].replace("127.0.0.1", "localhost"))
    wait_live(page)
    page.context.close()


def test_a_key_refused_still_says_the_link_is_not_valid(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """A key in the address that does not sign the face in (unknown, revoked, or a display's
    key on the booth) is a link that is not valid, whatever else the browser holds."""
    event_id = faces["event"]["id"]
    base = faces["server"].base
    page = open_face(browser, "display", f"{base}/display/{event_id}#key=not-a-key-of-this-server")
    expect(page.locator("#segment-title")).to_have_text(WORDS["display.invalid_link"])
    page.context.close()
    booth = faces["display"].replace("/display/", "/booth/")
    page = open_face(browser, "display", booth)
    expect(page.locator("#segment-title")).to_have_text(WORDS["booth.invalid_link"])
    page.context.close()
