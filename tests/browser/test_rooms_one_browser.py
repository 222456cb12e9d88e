"""Several rooms in one browser (outside probe S: a three-room day set up from one laptop).

The secretariat checks room A's display and room B's on one laptop, and opens a room's
organiser link beside the desk of every event; a delegate's phone joins two rooms. Each page
stays on its own room after a reload, and none is signed out by another (app/auth.py: a cookie
per meeting day)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.server import ORGANISER_KEY, Api

from .conftest import VIEWPORTS, wait_live


def _room_b(api: Api) -> dict[str, Any]:
    room: dict[str, Any] = api.ok(
        "POST",
        "/events",
        json={"title": "Hearing, parallel session", "room": "Room B", "timezone": "UTC"},
    )
    api.ok("POST", f"/events/{room['id']}/segments", json={"title": "Panel B", "command_id": "b"})
    return room


def _room_b_link(faces: dict[str, Any], role: str) -> str:
    """Room B, and the address of a link of `role` to it."""
    api: Api = faces["api"]
    room_b = _room_b(api)
    link = api.ok("POST", f"/events/{room_b['id']}/access-links", json={"role": role})
    return f"{faces['server'].base}{link['url']}"


def test_two_rooms_displays_in_one_browser_each_keep_their_room(
    browser: Browser, faces: dict[str, Any]
) -> None:
    link_b = _room_b_link(faces, "display")
    context = browser.new_context(viewport=VIEWPORTS["display"], bypass_csp=True)
    room_a_tab = context.new_page()
    room_a_tab.goto(faces["display"])
    wait_live(room_a_tab)
    expect(room_a_tab.locator("#event-title")).to_contain_text("Conference Room 4")
    room_b_tab = context.new_page()
    room_b_tab.goto(link_b)
    wait_live(room_b_tab)
    expect(room_b_tab.locator("#event-title")).to_have_text("Hearing, parallel session · Room B")
    # room A's screen, reloaded (a power cut, the Wi-Fi): still room A's, live
    room_a_tab.reload()
    wait_live(room_a_tab)
    expect(room_a_tab.locator("#event-title")).to_contain_text("Conference Room 4")
    expect(room_a_tab.locator("#segment-title")).to_have_text(
        faces["event"]["segments"][0]["title"]
    )
    room_b_tab.reload()
    wait_live(room_b_tab)
    expect(room_b_tab.locator("#segment-title")).to_have_text("Panel B")
    context.close()


def test_a_screen_signed_in_for_another_room_only_says_so(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Room B's display link opened in this browser; then room A's display page opened without
    its key (its sign-in gone): it says it is signed in for another room, not a blank screen."""
    context = browser.new_context(viewport=VIEWPORTS["display"], bypass_csp=True)
    page = context.new_page()
    page.goto(_room_b_link(faces, "display"))
    wait_live(page)
    page.goto(faces["display"].split("#")[0])
    expect(page.locator("#segment-title")).to_have_text(
        "This screen is signed in for another room\u2019s meeting \u2014 open this room\u2019s own "
        "link again (ask the organiser)."
    )
    context.close()


def test_a_rooms_organiser_link_beside_the_desk_of_every_event(
    browser: Browser, faces: dict[str, Any]
) -> None:
    link = _room_b_link(faces, "organiser")
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    desk = context.new_page()
    desk.goto(f"{faces['server'].base}/organiser#key={ORGANISER_KEY}")
    expect(desk.locator("#event-picker")).to_be_visible()
    checked = context.new_page()
    checked.goto(link)
    expect(checked.locator("#event-title")).to_have_text("Hearing, parallel session")
    expect(checked.locator("#event-picker")).to_be_hidden()  # one event's link
    desk.reload()
    # still the desk of every event: the picker, and both rooms in it
    expect(desk.locator("#event-picker")).to_be_visible()
    expect(desk.locator("#event-select option")).to_have_count(2)
    context.close()


def _phone_in_two_rooms(browser: Browser, faces: dict[str, Any]) -> tuple[Page, str]:
    """A phone that joined the demo's room (A), then room B, as John O'Brien: the phone, and
    room B's join link."""
    room_b = _room_b(faces["api"])
    phone = browser.new_context(viewport=VIEWPORTS["delegate"], bypass_csp=True).new_page()
    link_b = f"{faces['server'].base}/join/{room_b['join_code']}"
    for url in (faces["delegate"], link_b):
        phone.goto(url)
        phone.get_by_label("Your name").fill("John O'Brien")
        phone.get_by_label("Stakeholder constituency").select_option("academia")
        phone.get_by_role("button", name="Join", exact=True).click()
        expect(phone.locator("#identity")).to_contain_text("John O'Brien")
    return phone, link_b


def _registered_once_in_room_a(phone: Page, faces: dict[str, Any]) -> None:
    """The phone on room A's link is in room A as who joined there, not a second registration."""
    phone.goto(faces["delegate"])
    expect(phone.locator("#identity")).to_contain_text("John O'Brien")
    expect(phone.locator("#event-title")).to_contain_text("Conference Room 4")
    people = faces["api"].ok("GET", f"/events/{faces['event']['id']}/participants")
    assert [p["name"] for p in people].count("John O'Brien") == 1


def test_a_phone_joined_to_two_rooms_is_in_each_on_its_link(
    browser: Browser, faces: dict[str, Any]
) -> None:
    phone, link_b = _phone_in_two_rooms(browser, faces)
    expect(phone.locator("#event-title")).to_have_text("Room B · Hearing, parallel session")
    _registered_once_in_room_a(phone, faces)
    phone.goto(link_b)
    expect(phone.locator("#event-title")).to_have_text("Room B · Hearing, parallel session")
    expect(phone.locator("#identity")).to_contain_text("John O'Brien")
    phone.context.close()


def test_a_phone_that_leaves_one_of_its_two_rooms_is_still_in_the_other(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Outside review K: leaving the room joined last signed the phone out of the other too (its
    memory and the role's last sign-in were one), and the other room's link asked to join again:
    a second registration."""
    phone, link_b = _phone_in_two_rooms(browser, faces)
    phone.get_by_role("button", name="Not you? Leave").click()
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    _registered_once_in_room_a(phone, faces)
    # and room B's link, left, is for joining again
    phone.goto(link_b)
    expect(phone.get_by_role("heading", name="Join the hearing")).to_be_visible()
    phone.context.close()
