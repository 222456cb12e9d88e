"""The console's instruments, driven as a moderator would, in chromium against a real demo server:
who speaks (floor language, remote), who has been heard (the balance), time budgets, the
suggested order, the time the queue needs and the time each, the booth's signals, and the
speakers still waiting when a segment ends. Every figure is the server's (the instruments
message); these tests check that the console shows it and sends the commands it offers.

Every check waits with Playwright's expect() or polls the server's REST state; nothing sleeps.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.browser.conftest import VIEWPORTS, screenshot, with_lang
from tests.browser.test_moderator import DISCUSSION_I, Opener, make_live, serious_violations
from tests.e2e.server import Api

from .conftest import after_the_guard, command, eventually, segment_id, server_state

DISCUSSION_II = 3  # thirteen regional panellists, after the lunch break
MINUTE_MS = 60_000


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def open_console(browser: Browser) -> Iterator[Opener]:
    """Open a page in its own browser context (own cookies), at a viewport of choice."""
    contexts: list[BrowserContext] = []

    def opener(url: str, viewport: ViewportSize | None = None) -> Page:
        context = browser.new_context(viewport=viewport or VIEWPORTS["moderator"])
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        return page

    yield opener
    for context in contexts:
        context.close()


def join(
    faces: dict[str, Any],
    name: str,
    constituency: str,
    *,
    organisation: str = "",
    region: str = "",
    language: str = "en",
    attendance: str = "in_room",
    gender: str | None = None,
) -> Any:
    """A delegate joins with the event's code, fully described, as their phone would."""
    body: dict[str, Any] = {
        "join_code": faces["event"]["join_code"],
        "name": name,
        "organisation": organisation,
        "constituency": constituency,
        "region": region,
        "language": language,
        "attendance": attendance,
    }
    if gender is not None:
        body["gender"] = gender
    return faces["api"].ok("POST", f"/events/{faces['event']['id']}/participants", json=body)


def ask(faces: dict[str, Any], joined: Any, segment: str, kind: str = "intervention") -> str:
    """The delegate asks for the floor; returns the request's id."""
    delegate = Api(faces["server"].base, joined["token"])
    body = {"command_id": uuid.uuid4().hex, "kind": kind}
    answer = delegate.ok("POST", f"/segments/{segment}/floor-requests", json=body)
    return str(answer["request_id"])


def bring_to_today(faces: dict[str, Any], minutes_in: int, index: int = DISCUSSION_I) -> None:
    """Move the demo's programme (made for another day) so that segment ``index`` started
    ``minutes_in`` minutes ago, every segment keeping its length and its place in the day."""
    segments = faces["event"]["segments"]
    shift = int(time.time() * 1000) - minutes_in * MINUTE_MS - segments[index]["scheduled_start_at"]
    for segment in segments:
        faces["api"].ok(
            "PATCH",
            f"/segments/{segment['id']}",
            json={
                "command_id": uuid.uuid4().hex,
                "scheduled_start_at": segment["scheduled_start_at"] + shift,
                "scheduled_end_at": segment["scheduled_end_at"] + shift,
            },
        )


def reschedule(faces: dict[str, Any], index: int, start_in: int, end_in: int) -> None:
    """Segment ``index`` planned from ``start_in`` to ``end_in`` minutes from now."""
    now = int(time.time() * 1000)
    faces["api"].ok(
        "PATCH",
        f"/segments/{segment_id(faces, index)}",
        json={
            "command_id": uuid.uuid4().hex,
            "scheduled_start_at": now + start_in * MINUTE_MS,
            "scheduled_end_at": now + end_in * MINUTE_MS,
        },
    )


def open_live(open_console: Opener, faces: dict[str, Any], **options: Any) -> Page:
    page = open_console(faces["moderator"], **options)
    expect(page.locator("#connection-status")).to_have_text("Live")
    expect(page.locator("#segment-eyebrow")).to_contain_text("Live")
    return page


def queue_of(faces: dict[str, Any], segment: str) -> list[dict[str, Any]]:
    return list(server_state(faces, segment)["queue"])


# --- who speaks ---------------------------------------------------------------------------------


def test_language_remote_and_region_in_the_requests_the_queue_and_the_speaker(
    open_console: Opener, faces: Any
) -> None:
    segment = make_live(faces)
    page = open_live(open_console, faces)
    joined = join(
        faces,
        "Awa Diallo",
        "civil_society",
        organisation="Réseau Migrations",
        region="Africa",
        language="fr",
        attendance="remote",
        gender="woman",
    )
    ask(faces, joined, segment)
    request = page.locator("#requests .request", has_text="Awa Diallo")
    expect(request.locator(".lang-tag")).to_have_text("FRspeaks French")
    expect(request.locator(".lang-tag")).to_have_attribute("title", "Floor language: French")
    expect(request.locator(".remote-tag")).to_have_text("Remote")
    details = request.locator(".request-details")
    expect(details).to_contain_text("Réseau Migrations · Civil society · Africa")
    expect(details).not_to_contain_text("woman")  # gender only in the tooltip
    expect(details).to_have_attribute("title", "Region: Africa · Gender: woman")

    request.get_by_role("button", name="Approve Awa Diallo to the end of the queue").click()
    entry = page.locator("#queue .entry", has_text="Awa Diallo")
    expect(entry.locator(".lang-tag")).to_contain_text("FR")
    expect(entry.locator(".remote-tag")).to_be_visible()
    expect(entry.locator(".entry-details")).to_have_text(
        "Réseau Migrations · Civil society · Africa"
    )
    # a panellist the organiser added by name has no floor language on record, and is in the room
    first = page.locator("#queue .entry").first
    expect(first.locator(".entry-name")).to_have_text("Panellist 1")
    expect(first.locator(".lang-tag")).to_have_count(0)
    expect(first.locator(".remote-tag")).to_have_count(0)

    awa = next(e for e in queue_of(faces, segment) if e["name"] == "Awa Diallo")
    command(faces, segment, {"type": "move_entry", "entry_id": awa["id"], "position": 0})
    page.locator("#btn-next").click()
    expect(page.locator("#speaker-name")).to_have_text("Awa Diallo")
    expect(page.locator("#speaker-floor-text")).to_have_text("French · Remote")
    expect(page.locator("#speaker-org")).to_have_text("Réseau Migrations · Africa")


# --- who has been heard, and budgets ------------------------------------------------------------


def test_the_balance_shows_a_constituencys_turns_after_a_turn_ends(
    open_console: Opener, faces: Any
) -> None:
    make_live(faces)
    page = open_live(open_console, faces)
    balance = page.locator("#balance-panel")
    expect(balance.locator("#balance-list")).to_contain_text(
        "Nobody has been heard in this segment"
    )

    page.locator("#btn-next").click()  # Panellist 1, a migrant association
    expect(page.locator("#speaker-name")).to_have_text("Panellist 1")
    page.locator("#btn-end").click()
    expect(page.locator("#speaker-name")).to_have_text("Nobody has the floor")

    row = balance.locator(".balance-row", has_text="Migrant association")
    expect(row).to_have_attribute("data-turns", "1")
    expect(row.locator(".stat-time")).to_contain_text("1 turn")
    expect(balance.locator("#balance-total")).to_contain_text("1 turn")

    # the day counts it too; the floor's turns do not (a panellist's is not the floor's)
    balance.get_by_role("button", name="Today").click()
    expect(balance.get_by_role("button", name="Today")).to_have_attribute("aria-pressed", "true")
    expect(balance.locator(".balance-row", has_text="Migrant association")).to_be_visible()
    balance.get_by_role("button", name="Floor", exact=True).click()
    expect(balance.locator("#balance-list")).to_contain_text("Nobody has been heard today yet")
    balance.get_by_role("button", name="Panellists").click()
    expect(balance.locator(".balance-row")).to_have_count(1)
    # per group, region and gender, in the server's keys
    balance.get_by_label("Per").select_option("by_group")
    expect(balance.locator(".balance-row")).to_have_text([re.compile("^Stakeholders1 turn")])
    balance.get_by_label("Per").select_option("by_region")
    expect(balance.locator(".balance-row")).to_have_text([re.compile("^Not stated1 turn")])
    balance.get_by_label("Per").select_option("by_gender")
    expect(balance.locator(".balance-row")).to_have_text([re.compile("^Not stated1 turn")])


def test_budgets_are_set_shown_with_their_state_and_removed(
    open_console: Opener, faces: Any
) -> None:
    segment = make_live(faces)
    page = open_live(open_console, faces)
    panel = page.locator("#budgets-panel")
    expect(panel.locator("#budgets")).to_contain_text("No budgets in this segment")

    panel.get_by_label("Budget for").select_option("migrant_association")
    panel.get_by_label("Time (min)").fill("10")
    panel.get_by_role("button", name="Set budget").click()
    row = panel.locator(".budget", has_text="Migrant association")
    expect(row).to_have_attribute("data-state", "ok")
    expect(row.locator(".budget-figures")).to_contain_text("of 10 min used")
    expect(row.locator(".budget-left")).to_contain_text("left")
    assert server_state(faces, segment)["settings"]["budgets_ms"] == {
        "migrant_association": 600_000
    }

    # a budget of a moment: its speaker is out of it as soon as they have the floor
    command(faces, segment, {"type": "set_budget", "constituency": "civil_society", "budget_ms": 1})
    command(faces, segment, {"type": "call_next"})  # Panellist 1, a migrant association
    expect(row).to_have_attribute("data-speaking", "true")
    expect(row.locator(".budget-speaking")).to_have_text("Speaking")
    civil = panel.locator(".budget", has_text="Civil society")
    expect(civil).to_have_attribute("data-state", "low")  # unused, but a minute or less
    command(faces, segment, {"type": "end_turn"})
    third = queue_of(faces, segment)[1]["id"]  # Panellist 3, civil society
    command(faces, segment, {"type": "move_entry", "entry_id": third, "position": 0})
    command(faces, segment, {"type": "call_next"})
    expect(civil).to_have_attribute("data-state", "out")
    expect(civil.locator(".budget-state")).to_have_text("Used up")
    expect(civil.locator(".budget-left")).to_contain_text("over")
    expect(row).to_have_attribute("data-speaking", "false")

    row.get_by_role("button", name="Remove Migrant association's budget").click()
    expect(row).to_have_count(0)
    assert server_state(faces, segment)["settings"]["budgets_ms"] == {"civil_society": 1}


# --- the suggested order ------------------------------------------------------------------------


def test_applying_the_suggested_order_then_undo(open_console: Opener, faces: Any) -> None:
    segment = make_live(faces)
    page = open_live(open_console, faces)
    # a migrant association has been heard today; civil society and academia not yet
    command(faces, segment, {"type": "call_next"})
    command(faces, segment, {"type": "end_turn"})
    asked = [
        ("Carlos Méndez", "academia", "Asia-Pacific", "point_of_order"),
        # asks before Amina, but a migrant association was heard once today
        ("Marta Ruiz", "migrant_association", "Latin America", "intervention"),
        ("Amina Yusuf", "civil_society", "Africa", "intervention"),
    ]
    for name, constituency, region, kind in asked:
        ask(faces, join(faces, name, constituency, region=region), segment, kind)
    expect(page.locator("#requests .request")).to_have_count(3)

    block = page.locator("#requests-suggested")
    items = block.locator(".suggested-item")
    expect(items.locator(".suggested-name")).to_have_text(
        ["Carlos Méndez", "Amina Yusuf", "Marta Ruiz"]
    )
    expect(items.locator(".suggested-why")).to_have_text(
        [
            "Point of order: first",
            "Least heard: Civil society 0 turns today, Africa 0",
            "In order of arrival",
        ]
    )
    expect(items.nth(1).locator(".suggested-from")).to_have_text("asked #3")
    expect(items.nth(0).locator(".suggested-from")).to_have_count(0)  # where it was
    apply = block.get_by_role("button", name="Apply suggested order")
    expect(apply).not_to_have_attribute("aria-disabled", "true")
    apply.click()

    expect(page.locator("#requests .request")).to_have_count(0)
    expect(page.locator("#notices")).to_contain_text("Approved 3 requests in the suggested order")
    names = [entry["name"] for entry in queue_of(faces, segment)]
    # the point of order at the top, as an approval places it; the others at the end, in order
    assert names[0] == "Carlos Méndez"
    assert names[-2:] == ["Amina Yusuf", "Marta Ruiz"]
    expect(page.locator("#queue .entry-name").first).to_have_text("Carlos Méndez")
    expect(page.locator("#queue .entry-name").last).to_have_text("Marta Ruiz")

    # one step back: the requests wait again, the queue is as it was
    undo = page.locator("#btn-undo")
    expect(undo).to_contain_text("Undo approving 3 requests in order")
    undo.click()
    expect(page.locator("#requests .request")).to_have_count(3)
    expect(page.locator("#queue .entry-name")).to_have_count(12)
    assert queue_of(faces, segment)[0]["name"] == "Panellist 2"


#: Where the suggested order's screenshots for review go (not the docs' screenshots).
REVIEW_SHOTS = Path(os.environ.get("FLOORKEEPER_REVIEW_SHOTS", "/tmp/console-shots"))


def test_the_suggested_orders_reasons_say_the_turns_heard_today_and_the_orders_own_apart(
    open_console: Opener, faces: Any
) -> None:
    """Outside tester: with nobody from the floor heard yet, a row said "Red Cross / Red Crescent
    1 turn today" (a place given earlier in the same order counted as a turn heard). The reason
    a moderator may quote says the record's count, and the order's own earlier places in words."""
    segment = make_live(faces)  # nobody heard yet today
    asked = [
        ("Xenia Park", "civil_society", "Europe"),
        ("Xavier Roux", "civil_society", "Europe"),
        ("Xu Ming", "civil_society", "Europe"),
        ("Yusuf Ali", "red_cross_red_crescent", ""),
        ("Yara Haddad", "red_cross_red_crescent", ""),
        ("Zainab Bello", "academia", "Africa"),
        ("Zeynep Kaya", "academia", "Africa"),
    ]
    for name, constituency, region in asked:
        ask(faces, join(faces, name, constituency, region=region), segment)
    page = open_live(open_console, faces, viewport={"width": 1366, "height": 768})
    block = page.locator("#requests-suggested")
    items = block.locator(".suggested-item")
    expect(items.locator(".suggested-name")).to_have_text(
        [
            "Xenia Park",
            "Yusuf Ali",
            "Zainab Bello",
            "Xavier Roux",
            "Yara Haddad",
            "Zeynep Kaya",
            "Xu Ming",
        ]
    )
    expect(items.locator(".suggested-why")).to_have_text(
        [
            "In order of arrival",
            "Least heard: Red Cross / Red Crescent 0 turns today",
            "Least heard: Academia 0 turns today, Africa 0",
            "In order of arrival",
            "Least heard: Red Cross / Red Crescent 0 turns today; 1 place earlier in this order",
            "Least heard: Academia 0 turns today, Africa 0;"
            " earlier in this order: 1 place, Africa 1",
            "In order of arrival",
        ]
    )
    # the server's figures, as REST serves them: the record's count, the order's own apart
    order = faces["api"].ok("GET", f"/segments/{segment}/suggested-order")["order"]
    assert {(row["constituency_turns"], row["region_turns"]) for row in order} == {(0, 0)}
    assert [row["constituency_earlier"] for row in order] == [0, 0, 0, 1, 1, 1, 2]
    REVIEW_SHOTS.mkdir(parents=True, exist_ok=True)
    block.evaluate("(block) => block.scrollIntoView({block: 'start'})")
    items.nth(5).evaluate("(item) => item.scrollIntoView({block: 'end'})")  # the list scrolls
    page.screenshot(path=str(REVIEW_SHOTS / "console-suggested-reasons-en-1366.png"))

    # in Arabic, the same reasons in its words (the count before the order's own places)
    page = open_console(
        with_lang(faces["moderator"], "ar"), viewport={"width": 1366, "height": 768}
    )
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    items = page.locator("#requests-suggested .suggested-item")
    expect(items).to_have_count(7)
    expect(items.nth(4).locator(".suggested-why")).to_have_text(
        "الأقل كلامًا: الصليب الأحمر / الهلال الأحمر 0 مداخلة اليوم؛ مكان واحد قبله في هذا الترتيب"
    )
    page.locator("#requests-suggested").evaluate(
        "(block) => block.scrollIntoView({block: 'start'})"
    )
    items.nth(5).evaluate("(item) => item.scrollIntoView({block: 'end'})")
    page.screenshot(path=str(REVIEW_SHOTS / "console-suggested-reasons-ar-1366.png"))


def test_the_suggested_order_for_the_queue_on_request(open_console: Opener, faces: Any) -> None:
    segment = make_live(faces)
    page = open_live(open_console, faces)
    # Panellist 2 (local and regional authorities) is heard, and re-added at the end of the queue
    command(faces, segment, {"type": "call_next"})
    command(faces, segment, {"type": "call_next"})
    command(faces, segment, {"type": "end_turn"})
    block = page.locator("#queue-suggested")
    expect(block).to_be_hidden()
    toggle = page.get_by_role("button", name="Suggest an order")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(block).to_be_visible()
    expect(block.locator(".suggested-item")).to_have_count(11)
    expect(block).to_contain_text("The queue is already in the suggested order.")

    page.get_by_role("button", name=re.compile("^Re-add")).click()  # Panellist 2, at the top
    expect(page.locator("#queue .entry-name").first).to_have_text("Panellist 2")
    # heard once already: the suggestion puts them after the eleven not heard yet
    expect(block.locator(".suggested-name").last).to_have_text("Panellist 2")
    expect(block.locator(".suggested-item").last.locator(".suggested-from")).to_have_text("now #1")
    block.get_by_role("button", name="Apply suggested order").click()
    expect(page.locator("#queue .entry-name").last).to_have_text("Panellist 2")
    assert [e["name"] for e in queue_of(faces, segment)][-1] == "Panellist 2"
    expect(block).to_contain_text("The queue is already in the suggested order.")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(block).to_be_hidden()


# --- time -----------------------------------------------------------------------------------------


def test_the_time_each_to_finish_on_schedule(open_console: Opener, faces: Any) -> None:
    reschedule(faces, DISCUSSION_I, -10, 30)  # thirty minutes left for thirteen panellists
    segment = make_live(faces)
    page = open_live(open_console, faces)
    # the server's words: late, the queue needs more than is left, the time each to finish
    expect(page.locator("#lateness-text")).to_have_text(re.compile(r"^Running 3\d min late$"))
    expect(page.locator("#lateness")).to_have_attribute("data-tone", "late")
    strip = page.locator("#queue-time")
    expect(strip).to_have_attribute("data-tone", "late")
    expect(strip.locator("#queue-time-text")).to_contain_text("The queue needs 1 h 05 min")
    expect(strip.locator("#per-speaker-text")).to_have_text(
        re.compile(r"^13 left — 2:\d\d each to finish at \d\d:\d\d$")
    )
    button = strip.get_by_role("button", name=re.compile(r"^Give each 2:\d\d$"))
    label = button.inner_text()
    minutes, seconds = label.removeprefix("Give each ").split(":")
    each_ms = (int(minutes) * 60 + int(seconds)) * 1000
    button.click()

    eventually(lambda: {e["allotted_ms"] for e in queue_of(faces, segment)} == {each_ms})
    expect(page.locator("#notices")).to_contain_text("Each waiting speaker now has")
    expect(page.locator("#queue .entry-time").first).to_have_text(
        f"{int(minutes)} min {int(seconds)} s" if int(seconds) else f"{int(minutes)} min"
    )
    # now the queue fits the time left
    expect(strip).to_have_attribute("data-tone", "ok")
    expect(page.locator("#btn-undo")).to_contain_text("Undo giving each waiting speaker")
    page.locator("#btn-undo").click()
    eventually(lambda: {e["allotted_ms"] for e in queue_of(faces, segment)} == {300_000})


def test_past_the_planned_end_a_minute_each_to_recover(open_console: Opener, faces: Any) -> None:
    """The segment's planned end passed five minutes ago with thirteen panellists still to speak
    (outside probe A7): no share of the time left fits, so the console offers a minute each, with
    when the segment then ends and how far past its planned end that is."""
    reschedule(faces, DISCUSSION_I, -40, -5)
    segment = make_live(faces)
    page = open_live(open_console, faces)
    strip = page.locator("#queue-time")
    expect(strip).to_have_attribute("data-tone", "late")
    expect(strip.locator("#per-speaker-text")).to_have_text(
        re.compile(r"^13 left — 1:00 each: ends at \d\d:\d\d, 1[78] min past the planned end$")
    )
    screenshot(page, "console-recover")
    strip.get_by_role("button", name="Give each 1:00").click()
    eventually(lambda: {e["allotted_ms"] for e in queue_of(faces, segment)} == {60_000})
    expect(page.locator("#queue .entry-time").first).to_have_text("1 min")
    # nothing shorter to offer now: the strip says only how far over the queue runs
    expect(strip.locator("#per-speaker")).to_be_hidden()
    expect(strip.locator("#queue-time-text")).to_contain_text("The queue needs 13 min")
    # a delegate asks for the floor: not in what the queue needs, but what taking it would add
    ask(faces, join(faces, "Amina Diallo", "migrant_association"), segment)
    expect(strip.locator("#queue-time-text")).to_have_text(
        re.compile(
            r"^The queue needs 13 min: 1[78] min over the planned end\. "
            r"1 request waiting would add about 3 min\.$"
        )
    )


def test_the_days_forecast_in_the_programme(open_console: Opener, faces: Any) -> None:
    bring_to_today(faces, minutes_in=10)
    make_live(faces)
    page = open_live(open_console, faces)
    # thirteen panellists of five minutes from now: 1 h 05 min against 2 h 20 min left
    expect(page.locator("#lateness-text")).to_have_text(re.compile(r"^1 h 1\d min early$"))
    expect(page.locator("#lateness")).to_have_attribute("data-tone", "ok")
    expect(page.locator("#queue-time")).to_have_attribute("data-tone", "ok")
    items = page.locator("#programme .segment-item")
    expect(items.nth(1).locator(".segment-forecast")).to_have_text(re.compile(r"^ends ≈ \d\d:\d\d"))
    # the lunch break starts as planned: its forecast start and its words
    expect(items.nth(2).locator(".segment-forecast")).to_have_text(
        re.compile(r"^≈ \d\d:\d\d · starts on time$")
    )
    expect(page.locator("#lateness-asof")).to_be_hidden()  # the figures are fresh


# --- the booth's signals ------------------------------------------------------------------------


def test_a_booth_signal_shows_within_a_second_and_clear_removes_it(
    open_console: Opener, faces: Any
) -> None:
    segment = make_live(faces)
    page = open_live(open_console, faces)
    event_id = faces["event"]["id"]
    link = faces["api"].ok("POST", f"/events/{event_id}/access-links", json={"role": "booth"})
    booth = Api(faces["server"].base, link["token"])
    signals = page.locator("#signals")
    expect(signals).to_be_hidden()
    # a signal is for the speaker: nobody has the floor yet, so it is refused
    refused = booth.command(segment, {"type": "raise_signal", "kind": "slow_down"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_speaker"
    faces["api"].command(segment, {"type": "add_speaker", "name": "Rosa Martínez"})
    faces["api"].command(segment, {"type": "call_next"}).raise_for_status()

    response = booth.command(segment, {"type": "raise_signal", "kind": "slow_down"})
    assert response.status_code < 300, response.text
    signal = signals.locator(".signal")
    expect(signal).to_be_visible(timeout=3000)
    expect(signal.locator(".signal-label")).to_have_text("Slow down")
    # announced once: the alert holds the signal's words, not its age, which changes each second
    alert = signal.get_by_role("alert")
    expect(alert).to_have_text(re.compile("Slow down"))
    expect(alert.locator(".signal-age")).to_have_count(0)
    expect(signal.locator(".signal-age")).to_have_count(1)

    signal.get_by_role("button", name="Clear the signal: Slow down").click()
    expect(signals).to_be_hidden()
    assert server_state(faces, segment)["signals"] == []

    # a signal shows until its expires_at, on the console's estimate of the server's clock
    booth.command(segment, {"type": "raise_signal", "kind": "no_sound", "duration_s": 5})
    expect(signals.locator(".signal-label")).to_have_text("No sound", timeout=3000)
    expect(signals).to_be_hidden(timeout=8000)


# --- who still waits when a segment ends ------------------------------------------------------


def test_speakers_still_waiting_are_carried_to_the_live_segment_or_dropped(
    open_console: Opener, faces: Any
) -> None:
    make_live(faces, 0)  # the opening: three speakers of remarks, none of them called
    first = make_live(faces, DISCUSSION_I)  # ends the opening
    ask(faces, join(faces, "Amina Yusuf", "civil_society"), first)
    second = make_live(faces, DISCUSSION_II)  # ends the first discussion
    page = open_live(open_console, faces)
    expect(page.locator("#segment-title")).to_contain_text("Thematic discussion II")

    banners = page.locator("#waiting .waiting")
    expect(banners).to_have_count(2)
    discussion = banners.filter(has_text="Thematic discussion I:")
    expect(discussion).to_contain_text("14 speakers still waiting in “Thematic discussion I:")
    expect(discussion).to_contain_text("13 in the queue, 1 request not yet approved")
    before = len(queue_of(faces, second))
    discussion.get_by_role(
        "button", name=re.compile("^Carry them to Thematic discussion II")
    ).click()
    expect(banners).to_have_count(1)
    expect(page.locator("#queue .entry")).to_have_count(before + 13)
    expect(page.locator("#requests .request", has_text="Amina Yusuf")).to_be_visible()
    assert queue_of(faces, first) == []

    opening = banners.filter(has_text="Opening Segment")
    expect(opening).to_contain_text("3 speakers still waiting")
    opening.get_by_role("button", name=re.compile("^Drop them: the 3 speakers")).click()
    # asked twice, and a screen reader hears it too
    armed = opening.get_by_role("button", name=re.compile("^Confirm: drop them: the 3 speakers"))
    expect(armed).to_have_text("Confirm: drop them")
    after_the_guard(page, armed)  # a second press this soon would be a double tap's
    armed.click()
    expect(page.locator("#waiting")).to_be_hidden()
    assert queue_of(faces, segment_id(faces, 0)) == []
    expect(page.locator("#queue .entry")).to_have_count(before + 13)


def test_speakers_waiting_when_the_lunch_break_begins_are_offered_the_discussion_after_it(
    open_console: Opener, faces: Any
) -> None:
    """The first discussion ends as the lunch break begins: the banner offers the afternoon's
    discussion (the server's carry_to), never the break, where nobody speaks."""
    first = make_live(faces, DISCUSSION_I)
    ask(faces, join(faces, "Amina Yusuf", "civil_society"), first)
    make_live(faces, DISCUSSION_II - 1)  # the lunch break: the discussion ends
    page = open_live(open_console, faces)
    discussion = page.locator("#waiting .waiting").filter(has_text="Thematic discussion I:")
    expect(
        discussion.get_by_role("button", name=re.compile("^Carry them to Thematic discussion II"))
    ).to_be_visible()
    expect(page.locator("#waiting")).not_to_contain_text("Lunch")


# --- how it looks -------------------------------------------------------------------------------


def instruments_scene(faces: dict[str, Any]) -> str:
    """A realistic moment, for the screenshots: the first discussion runs late with thirteen
    panellists, two have spoken and a third speaks; budgets set, requests from the floor in
    several languages (one remote, one a point of order), a booth signal, and the opening's
    speakers still waiting since it ended."""
    bring_to_today(faces, minutes_in=130)  # twenty minutes left of the discussion's slot
    make_live(faces, 0)
    segment = make_live(faces, DISCUSSION_I)  # the opening ends, its three speakers uncalled
    for constituency, minutes in (
        ("migrant_association", 1),
        ("civil_society", 5),
        ("academia", 4),
    ):
        command(
            faces,
            segment,
            {"type": "set_budget", "constituency": constituency, "budget_ms": minutes * MINUTE_MS},
        )
    for _ in range(2):
        command(faces, segment, {"type": "call_next"})
        command(faces, segment, {"type": "start_timer"})
    command(faces, segment, {"type": "call_next"})  # Panellist 3, civil society
    command(faces, segment, {"type": "start_timer"})
    command(faces, segment, {"type": "readd_last_speaker"})  # Panellist 2 again, at the top
    for name, constituency, organisation, region, language, attendance, gender, kind in (
        (
            "Amina Yusuf",
            "civil_society",
            "PANiDMR",
            "Africa",
            "fr",
            "remote",
            "woman",
            "intervention",
        ),
        (
            "Carlos Méndez",
            "local_and_regional_authorities",
            "Mayor's Office, Quito",
            "Latin America and the Caribbean",
            "es",
            "in_room",
            "man",
            "point_of_order",
        ),
        (
            "Li Wei",
            "academia",
            "University of Hong Kong",
            "Asia-Pacific",
            "zh",
            "in_room",
            None,
            "intervention",
        ),
        (
            "Joseph Mensah",
            "migrant_association",
            "Ghana Migrants Union",
            "Africa",
            "en",
            "remote",
            "man",
            "intervention",
        ),
    ):
        joined = join(
            faces,
            name,
            constituency,
            organisation=organisation,
            region=region,
            language=language,
            attendance=attendance,
            gender=gender,
        )
        ask(faces, joined, segment, kind)
    faces["api"].command(segment, {"type": "raise_signal", "kind": "slow_down", "duration_s": 600})
    return segment


def fits_the_window(page: Page) -> None:
    """Nothing sticks out sideways (the page, each column, panel and toggle group fit their
    width), and the page itself never scrolls: each column scrolls on its own."""
    wide = page.evaluate(
        """() => [document.scrollingElement, ...document.querySelectorAll('.col, .panel, .seg')]
             .filter((el) => el.scrollWidth > el.clientWidth + 1)
             .map((el) => el.id || el.className)"""
    )
    assert wide == [], wide
    viewport = page.viewport_size
    assert viewport is not None
    assert page.evaluate("() => document.scrollingElement.scrollHeight") <= viewport["height"]


def test_screenshots_of_the_instruments(open_console: Opener, faces: Any) -> None:
    instruments_scene(faces)
    for size, (width, height) in {"1920": (1920, 1080), "1280": (1280, 720)}.items():
        page = open_live(open_console, faces, viewport={"width": width, "height": height})
        expect(page.locator("#speaker-name")).to_have_text("Panellist 3")
        expect(page.locator("#requests .request")).to_have_count(4)
        expect(page.locator("#requests-suggested .suggested-item")).to_have_count(4)
        expect(page.locator("#signals .signal")).to_be_visible()
        expect(page.locator("#waiting .waiting")).to_contain_text("Opening Segment")
        expect(page.locator("#per-speaker-text")).to_contain_text("each to finish at")
        expect(page.locator("#budgets .budget")).to_have_count(3)
        fits_the_window(page)
        assert screenshot(page, f"console-{size}").stat().st_size > 0

        # the balance and the budgets, in the programme's column
        page.locator("#balance-panel").get_by_role("button", name="Today").click()
        page.locator("#balance-panel").evaluate("(panel) => panel.scrollIntoView({block: 'start'})")
        expect(page.locator("#balance-panel")).to_be_in_viewport(ratio=0.99)
        fits_the_window(page)
        assert screenshot(page, f"console-balance-{size}").stat().st_size > 0

        # the suggested orders: the requests' below them, the queue's (on request) above it
        page.get_by_role("button", name="Suggest an order").click()
        expect(page.locator("#queue-suggested .suggested-item")).to_have_count(11)
        expect(page.locator("#queue-suggested .suggested-name").last).to_have_text("Panellist 2")
        for block in ("#queue-suggested", "#requests-suggested"):
            page.locator(block).evaluate("(block) => block.scrollIntoView({block: 'start'})")
        expect(page.locator("#requests-suggested")).to_be_in_viewport()
        fits_the_window(page)
        assert screenshot(page, f"console-suggested-{size}").stat().st_size > 0


def test_the_instruments_have_no_serious_accessibility_violations(
    open_console: Opener, faces: Any
) -> None:
    instruments_scene(faces)
    page = open_live(open_console, faces)
    expect(page.locator("#requests-suggested .suggested-item")).to_have_count(4)
    expect(page.locator("#signals .signal")).to_be_visible()
    expect(page.locator("#budgets .budget")).to_have_count(3)
    page.get_by_role("button", name="Suggest an order").click()
    expect(page.locator("#queue-suggested .suggested-item")).to_have_count(11)
    assert serious_violations(page) == []
