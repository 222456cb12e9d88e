"""A delegate's phone that loses its signal (outside tester, findings 1 and 4): "Withdraw and
leave" tapped offline waits for the withdrawal to reach the server, says so, and may be cancelled
until it is sent; it is sent with its command id once the line is back, and only then does the
phone forget the delegate. A withdrawal refused because the request was decided meanwhile leaves
nothing and says what happened. While offline, the place shown is marked as of when the line
went, dimmed, in words a screen reader reads with the card."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.e2e.server import Api

from .test_delegate import (
    after_the_guard,
    approve,
    command,
    join,
    opening,
    pending_request,
    request_floor,
    start,
    status,
)
from .test_phone_segments import phone, shoot


def pending_names(api: Api, segment_id: str) -> list[str]:
    return [r["name"] for r in api.state(segment_id)["state"]["requests"]]


__all__ = ["phone"]  # the fixture, used by name


def offline(page: Page) -> None:
    page.context.set_offline(True)
    expect(page.locator("#connection")).to_be_visible()


def asked(phone: Page, faces: dict[str, Any]) -> tuple[str, str]:
    """The opening started, the phone joined as Amina Diallo and asked for the floor: the
    segment's id and the request's, once the server has it."""
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    join(phone)
    request_floor(phone)
    expect(status(phone)).to_contain_text("Request sent")
    return segment_id, pending_request(api, segment_id, "Amina Diallo")


def leave_confirmed(page: Page) -> None:
    """ "Not you? Leave", then "Withdraw and leave" after the double-tap guard."""
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("button", name="Not you? Leave").click()
    confirm = page.get_by_role("button", name="Withdraw and leave")
    after_the_guard(page, confirm)
    confirm.click()


def settled(page: Page) -> None:
    """Until the phone is live again with nothing of its own left unanswered (a command it sent
    on the line's return has its answer)."""
    page.wait_for_function(
        "() => window.floorConnection && window.floorConnection.status === 'live'"
        " && window.floorConnection.pending.size === 0"
    )


def test_withdraw_and_leave_offline_waits_and_withdraws_once_the_line_is_back(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id, _ = asked(phone, faces)

    offline(phone)
    leave_confirmed(phone)
    waiting = phone.locator("#leave-waiting")
    expect(waiting).to_contain_text(
        "No connection: you will leave once your request is withdrawn. "
        "Until then the moderator may still call you."
    )
    cancel = phone.get_by_role("button", name="Cancel: stay signed in")
    expect(cancel).to_be_visible()
    expect(cancel).to_be_focused()  # the confirming button went: the focus is not lost
    expect(phone.locator("#status-live")).to_have_text(re.compile("^No connection: you will leave"))
    # not left: the phone is still the delegate's, the request still on the moderator's list
    expect(phone.locator("#view-floor")).to_be_visible()
    expect(phone.locator("#identity")).to_contain_text("Amina Diallo")
    assert pending_names(api, segment_id) == ["Amina Diallo"]
    shoot(phone, "leave-offline-waiting-en")
    phone.locator("#language-picker").select_option("ar")
    expect(waiting).to_contain_text("لا يوجد اتصال: ستخرج فور سحب طلبك")
    shoot(phone, "leave-offline-waiting-ar")
    phone.locator("#language-picker").select_option("en")

    # the line is back: the withdrawal goes, then the phone leaves, to the join form
    phone.context.set_offline(False)
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    expect(phone.get_by_role("heading", name="This link does not work")).to_be_hidden()
    assert pending_names(api, segment_id) == []
    # forgotten: a reload is the join form, not the floor
    phone.reload()
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()


def test_a_leave_waiting_for_the_line_goes_on_after_a_reload(
    phone: Page, faces: dict[str, Any]
) -> None:
    """The delegate confirms "Withdraw and leave" offline, then reloads the page (the browser's
    offline page), and again once the signal is back: the leave goes on, the request is
    withdrawn and the phone leaves, rather than staying signed in with the request live."""
    api: Api = faces["api"]
    segment_id, _ = asked(phone, faces)

    offline(phone)
    leave_confirmed(phone)
    expect(phone.locator("#leave-waiting")).to_be_visible()
    with contextlib.suppress(PlaywrightError):
        phone.reload()  # offline: the browser's own error page
    phone.context.set_offline(False)
    phone.reload()
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    assert pending_names(api, segment_id) == []
    # forgotten, as after any leave: a reload is the join form
    phone.reload()
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()


def test_a_leave_whose_withdrawal_went_out_cannot_be_cancelled_after_a_reload(
    phone: Page, faces: dict[str, Any]
) -> None:
    """Review of the offline leave: the withdrawal went out and its answer was lost, then the
    page was reloaded with the line down. The server may have applied it, so the phone no longer
    offers to cancel ("your request stays as it is" would be untrue); it finishes the leave, with
    the same command id, once the line is back."""
    api: Api = faces["api"]
    line = {"answers": True, "dropped": 0}

    def route(socket: WebSocketRoute) -> None:
        if not line["answers"]:
            return  # opened, never answered: the line is down
        server = socket.connect_to_server()

        def from_page(message: str | bytes) -> None:
            if "withdraw_request" in str(message) and not line["dropped"]:
                line["dropped"] += 1  # lost on the way: no answer comes
                return
            server.send(message)

        socket.on_message(from_page)

    phone.route_web_socket(re.compile(r".*/ws/.*"), route)
    segment_id, _ = asked(phone, faces)
    leave_confirmed(phone)
    expect(phone.locator("#leave-waiting-text")).to_have_text(
        "Withdrawing your request before you leave…"
    )
    line["answers"] = False
    phone.reload()
    expect(phone.locator("#leave-waiting")).to_be_visible()
    expect(phone.get_by_role("button", name="Cancel: stay signed in")).to_be_hidden()
    assert pending_names(api, segment_id) == ["Amina Diallo"]

    line["answers"] = True
    phone.evaluate("() => window.floorConnection.check()")  # the line is back
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible(timeout=15_000)
    assert pending_names(api, segment_id) == []
    assert line["dropped"] == 1


def test_a_leave_waiting_for_the_line_can_be_cancelled_and_nothing_is_sent(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id, _ = asked(phone, faces)

    offline(phone)
    leave_confirmed(phone)
    phone.get_by_role("button", name="Cancel: stay signed in").click()
    expect(phone.locator("#leave-waiting")).to_be_hidden()
    expect(phone.locator("#status-live")).to_have_text(
        "You are still signed in. Your request stays as it is."
    )
    expect(phone.get_by_role("button", name="Not you? Leave")).to_be_focused()

    phone.context.set_offline(False)
    settled(phone)
    expect(phone.locator("#view-floor")).to_be_visible()
    expect(status(phone)).to_contain_text("Request sent")
    assert pending_names(api, segment_id) == ["Amina Diallo"]


def test_a_request_carried_on_while_offline_is_withdrawn_where_it_went(
    phone: Page, faces: dict[str, Any]
) -> None:
    """Outside probe M: the moderator ended the segment and carried its waiting requests to the
    next while the phone was offline; the withdrawal went to the segment it had been in, was
    refused there, and the phone stayed with the request live in the next. It goes where the
    request lives now, and the phone leaves."""
    api: Api = faces["api"]
    segment_id, _ = asked(phone, faces)
    following = str(faces["event"]["segments"][1]["id"])

    offline(phone)
    leave_confirmed(phone)
    expect(phone.locator("#leave-waiting")).to_be_visible()
    start(api, following)  # the opening ends, its request still pending
    command(api, segment_id, type="carry_queue", to_segment_id=following)
    assert pending_names(api, following) == ["Amina Diallo"]
    phone.context.set_offline(False)
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    assert pending_names(api, following) == []


def test_a_request_decided_while_offline_stops_the_leave_and_says_so(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id, request_id = asked(phone, faces)

    offline(phone)
    leave_confirmed(phone)
    expect(phone.locator("#leave-waiting")).to_be_visible()
    # meanwhile the moderator declines it: the withdrawal, once sent, is refused
    command(api, segment_id, type="decline_request", request_id=request_id, reason="Time is short")
    sent: list[str] = []
    phone.on(
        "websocket",
        lambda socket: socket.on(
            "framesent",
            lambda payload: sent.append(str(payload)) if "withdraw" in str(payload) else None,
        ),
    )
    phone.context.set_offline(False)

    expect(phone.locator("#leave-error")).to_have_text(
        "You have not left: the moderator decided on your request before its withdrawal reached "
        "them (see below). Leave again if you still wish to."
    )
    expect(phone.locator("#leave-waiting")).to_be_hidden()
    expect(phone.locator("#view-floor")).to_be_visible()
    expect(status(phone)).to_contain_text("Your request was declined")
    expect(status(phone)).to_contain_text("Reason: Time is short")
    # the withdrawal went once (not again as a kept command): no second refusal said elsewhere
    assert len(sent) == 1, sent
    expect(phone.locator("#floor-error")).to_be_hidden()
    shoot(phone, "leave-decided-en")
    phone.locator("#language-picker").select_option("ar")
    expect(status(phone)).to_contain_text("Time is short")
    phone.locator("#language-picker").select_option("en")


def test_an_offline_phone_marks_its_place_as_of_when_the_line_went(
    phone: Page, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    segment_id, _ = asked(phone, faces)
    approve(api, segment_id)
    expect(status(phone)).to_contain_text("Place 4 of 4")
    card = status(phone).locator("article")
    expect(card).not_to_have_class(re.compile(r"\bstale\b"))

    offline(phone)
    expect(card).to_have_class(re.compile(r"\bstale\b"))
    note = card.locator(".status-stale")
    expect(note).to_have_text(re.compile(r"^As of \d\d:\d\d — reconnecting$"))
    # read with the card, first: its accessible text begins with it
    assert card.evaluate("(node) => node.innerText").startswith(note.inner_text())
    place = card.locator(".status-place")
    assert float(place.evaluate("(node) => getComputedStyle(node).opacity")) < 1
    shoot(phone, "stale-place-en")
    phone.locator("#language-picker").select_option("ar")
    expect(note).to_have_text(re.compile(r"^حتى الساعة .+ — جارٍ إعادة الاتصال$"))
    shoot(phone, "stale-place-ar")
    phone.locator("#language-picker").select_option("en")

    phone.context.set_offline(False)
    expect(card).not_to_have_class(re.compile(r"\bstale\b"))
    expect(card.locator(".status-stale")).to_have_count(0)
    expect(status(phone)).to_contain_text("Place 4 of 4")
