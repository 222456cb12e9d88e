"""The hearing's outcome in the browser (issue 12, item 5): a delegate's pledge from the phone,
curated on the rapporteur's page, shown on the room display in the group reflection."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
from playwright.sync_api import Browser, Page, expect

from tests.e2e.server import Api

from .conftest import assert_accessible, contribute, dismissing_into, open_face, screenshot

PLEDGE = (
    "Nous nous engageons à financer dix centres d'accueil pour les travailleurs migrants "
    "d'ici 2026, gérés avec les syndicats locaux."
)
HOSTILE = "<img src=x onerror=alert(1)>"
HEALTH = (
    "Guarantee access to health care for all migrants, regardless of status, and keep health "
    "services apart from immigration enforcement."
)
# other delegates' contributions, sent from their phones (here: through the API)
OTHERS = [
    (
        ("Layla Haddad", "المجلس الوطني لحقوق الإنسان", "national_human_rights_institution"),
        ("recommendation", "ar", "ضمان وصول جميع المهاجرين إلى العدالة وسبل الانتصاف، "
         "بغض النظر عن وضعهم من حيث الهجرة."),
    ),
    (("Grace Mensah", "PICUM", "civil_society"), ("recommendation", "en", HEALTH)),
    (
        ("Carlos Pérez", "Ciudad de México", "local_and_regional_authorities"),
        ("pledge", "es", "Nos comprometemos a abrir tres oficinas municipales de atención "
         "a personas migrantes en 2023."),
    ),
    (
        ("Sam Lee", HOSTILE, "academia"),
        ("recommendation", "en", "Health care for every migrant, whatever their status."),
    ),
    (("Ana Costa", "", "other"), ("recommendation", "en", "We should all do more.")),
]  # fmt: skip


def _live(page: Page) -> None:
    page.wait_for_function(
        "() => window.floorConnection && window.floorConnection.status === 'live'",
        timeout=15_000,
    )


def _rapporteur_url(faces: dict[str, Any]) -> str:
    api: Api = faces["api"]
    link = api.ok(
        "POST",
        f"/events/{faces['event']['id']}/access-links",
        json={"role": "rapporteur", "label": "Rapporteur"},
    )
    assert link["url"].startswith("/rapporteur#key=")
    return f"{faces['server'].base}{link['url']}"


def _contributions(api: Api, event_id: str) -> list[dict[str, Any]]:
    return list(api.ok("GET", f"/events/{event_id}/contributions")["contributions"])


def _others_contribute(faces: dict[str, Any], segment_id: str) -> None:
    """Five more delegates join and send theirs, each with their own token."""
    contribute(faces, OTHERS, segment_id, "other")


def test_a_pledge_goes_from_the_phone_to_the_room_display(
    browser: Browser, faces: dict[str, Any]
) -> None:
    api: Api = faces["api"]
    event = faces["event"]
    discussion_i = event["segments"][1]["id"]
    reflection = event["segments"][4]["id"]  # Thematic discussion III: Group reflection
    api.command(discussion_i, {"type": "start_segment"}).raise_for_status()
    dialogs: list[str] = []

    # a delegate joins in French and writes a pledge on the phone
    phone = open_face(browser, "delegate", faces["delegate"] + "?lang=fr")
    phone.on("dialog", dismissing_into(dialogs))
    phone.get_by_label("Votre nom").fill("Amina Diallo")
    phone.get_by_label("Organisation (facultatif)").fill("Confédération syndicale internationale")
    phone.get_by_label("Groupe de parties prenantes").select_option("trade_union")
    phone.get_by_role("button", name="Rejoindre").click()
    expect(phone.locator("#identity")).to_contain_text("Amina Diallo")
    expect(phone.locator("#segment-title")).to_contain_text("Thematic discussion I")
    phone.get_by_role("button", name="Rédiger une recommandation ou un engagement").click()
    phone.get_by_label("Engagement", exact=True).check()
    phone.get_by_label("Votre texte", exact=True).fill(PLEDGE)
    expect(phone.get_by_label("Langue de votre texte")).to_have_value("fr")
    expect(phone.locator("#contribute-count")).to_have_text(f"{len(PLEDGE)} sur 2000 caractères")
    assert_accessible(phone)
    phone.locator("#contribute-heading").evaluate("node => node.scrollIntoView({block: 'start'})")
    screenshot(phone, "outcome-phone")
    phone.get_by_role("button", name="Envoyer", exact=True).click()
    expect(phone.locator("#contribute-sent")).to_have_text(
        re.compile(r"^Envoyé\. Le rapporteur va")
    )
    mine = phone.locator("#contributions-list li")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Engagement")
    expect(mine).to_contain_text("Envoyée")
    (stored,) = _contributions(api, event["id"])
    assert stored["kind"] == "pledge" and stored["language"] == "fr"
    assert stored["text"] == PLEDGE and stored["segment_id"] == discussion_i
    assert stored["author"]["constituency"] == "trade_union"

    _others_contribute(faces, discussion_i)

    # the rapporteur, signed in by an access link, sees them live, accepts the pledge and tags it
    rapporteur = open_face(browser, "moderator", _rapporteur_url(faces))  # a laptop
    rapporteur.on("dialog", dismissing_into(dialogs))
    _live(rapporteur)
    assert "#key=" not in rapporteur.url
    item = rapporteur.locator("#list li").filter(has_text="Nous nous engageons")
    expect(item).to_contain_text("Submitted")
    expect(item).to_contain_text("Amina Diallo · Confédération syndicale internationale")
    item.get_by_role("button").click()
    detail = rapporteur.locator("#detail")
    expect(detail.get_by_role("heading", name="#1 · Pledge")).to_be_visible()
    expect(detail).to_contain_text("Trade union")
    expect(detail).to_contain_text("French")
    detail.get_by_role("button", name="Accept", exact=True).click()
    expect(detail.locator(".state-pill")).to_have_text("Accepted")
    detail.get_by_label("Thematic discussion I", exact=True).check()
    detail.get_by_label(re.compile(r"^6\s*Facilitate fair and ethical recruitment")).check()
    detail.get_by_label(re.compile(r"^15\s*Provide access to basic services")).check()
    detail.get_by_role("button", name="Save the tags").click()
    expect(rapporteur.locator("#notices")).to_contain_text("Tags saved.")
    stored = _contributions(api, event["id"])[0]
    assert stored["status"] == "accepted"
    assert stored["themes"] == ["Thematic discussion I"] and stored["objectives"] == [6, 15]

    # a duplicate is merged into the one it repeats, a vague one set aside with a note
    expect(rapporteur.locator("#list li")).to_have_count(6)
    by_text = {c["text"]: c for c in _contributions(api, event["id"])}
    rapporteur.locator("#list li").filter(has_text="whatever their status").get_by_role(
        "button"
    ).click()
    expect(detail.get_by_role("heading", name="#5 · Recommendation")).to_be_visible()
    expect(detail).to_contain_text(HOSTILE)  # a name is text, never markup
    detail.get_by_label("A duplicate? Merge it into another").select_option(by_text[HEALTH]["id"])
    detail.get_by_role("button", name="Merge", exact=True).click()
    expect(detail).to_contain_text("Merged into #3.")
    rapporteur.locator("#list li").filter(has_text="We should all do more").get_by_role(
        "button"
    ).click()
    detail.get_by_label(re.compile("^Set aside, saying why")).fill("Too general to act on")
    detail.get_by_role("button", name="Set aside", exact=True).click()
    expect(detail).to_contain_text("Set aside: Too general to act on")
    statuses = [c["status"] for c in _contributions(api, event["id"])]
    assert statuses == ["accepted", "submitted", "submitted", "submitted", "merged", "set_aside"]
    # the filters: by status, by kind, by words
    rapporteur.get_by_label(re.compile(r"^Submitted")).check()
    expect(rapporteur.locator("#list li")).to_have_count(3)
    rapporteur.get_by_label(re.compile(r"^All")).check()
    rapporteur.get_by_label("Pledges", exact=True).check()
    expect(rapporteur.locator("#list li")).to_have_count(2)
    rapporteur.get_by_label("Both", exact=True).check()
    rapporteur.get_by_label("Search").fill("health")
    expect(rapporteur.locator("#list li")).to_have_count(2)
    rapporteur.get_by_label("Search").fill("")
    expect(rapporteur.locator("#list li")).to_have_count(6)
    rapporteur.locator("#list li").first.get_by_role("button").click()
    expect(detail.get_by_role("heading", name="#1 · Pledge")).to_be_visible()

    # the phone says it was accepted, in French
    expect(mine).to_contain_text("Acceptée")

    # the group reflection: the rapporteur shows it on the room display
    api.command(reflection, {"type": "start_segment"}).raise_for_status()
    display = open_face(browser, "display", faces["display"])
    display.on("dialog", dismissing_into(dialogs))
    _live(display)
    expect(display.locator("#segment-title")).to_have_text(re.compile("Thematic discussion III"))
    expect(display.locator("#reflection")).to_be_hidden()
    detail.get_by_role("button", name="Show on the room display").click()
    expect(display.locator("#reflection-text")).to_have_text(PLEDGE, timeout=2000)
    expect(display.locator("#reflection-kind")).to_have_text("Pledge")
    expect(display.locator("#reflection-by")).to_have_text(
        "Confédération syndicale internationale · Trade union"
    )
    expect(display.locator("#reflection-objectives li")).to_have_count(2)
    expect(display.locator("#reflection-objectives")).to_contain_text("Objective 15")
    expect(rapporteur.locator("#on-display")).to_contain_text("#1 · Pledge")
    expect(item).to_contain_text("On the display")
    assert_accessible(rapporteur)
    assert_accessible(display)
    rapporteur.locator("#notices").evaluate("node => node.replaceChildren()")  # passing notes
    detail.evaluate("node => { node.scrollTop = 0; }")
    screenshot(rapporteur, "outcome-rapporteur")
    screenshot(display, "outcome-display")

    # cleared: the display shows the floor again
    rapporteur.locator("#clear-display").click()
    expect(display.locator("#reflection")).to_be_hidden()
    expect(display.locator("#now-label")).to_be_visible()
    expect(mine).to_contain_text("Acceptée")
    for page in (phone, rapporteur, display):
        assert page.locator("img[src='x']").count() == 0
    assert dialogs == []

    # the outcome summary, in all three formats, holds the pledge with its constituency
    event_id = event["id"]
    markdown = api("GET", f"/events/{event_id}/outcome", params={"format": "md"})
    assert PLEDGE in markdown.text and "Trade union" in markdown.text
    html = api("GET", f"/events/{event_id}/outcome", params={"format": "html"})
    assert "Trade union" in html.text and "centres d" in html.text
    # the Word file and the day's record, downloaded from the rapporteur's page as a person does
    with rapporteur.expect_download() as downloading:
        rapporteur.get_by_role("link", name="Word (DOCX)").click()
    word = downloading.value
    assert word.suggested_filename.endswith(".docx")
    document = docx.Document(str(word.path()))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert PLEDGE in text and "Trade union" in text
    with rapporteur.expect_download() as downloading:
        rapporteur.get_by_role("link", name="Who spoke (CSV)").click()
    record = Path(downloading.value.path()).read_text(encoding="utf-8-sig")
    assert record.splitlines()[0].startswith('"Segment","Segment no.","Turn"')


def test_the_rapporteur_page_runs_under_its_content_security_policy(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """No inline script or style; the key is exchanged for its own cookie and leaves the
    address; a display signed in beside it changes nothing; without the cookie, the page says
    it is not signed in."""
    violations: list[str] = []
    context = browser.new_context(viewport={"width": 1440, "height": 900})  # the real policy
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(_rapporteur_url(faces))
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#connection-status")).to_have_text("Live")
    expect(page.locator("#list-empty")).to_contain_text("No contribution yet")
    assert "#key=" not in page.url
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    assert cookies["fk_rapporteur"]["httpOnly"]
    assert violations == []

    display = context.new_page()  # the same browser signed in as a display too
    display.goto(faces["display"])
    page.reload()
    expect(page.locator("#connection-status")).to_have_text("Live")  # still the rapporteur
    context.clear_cookies()
    page.goto(f"{faces['server'].base}/rapporteur")
    expect(page.locator("#signin-message")).to_have_text("You are not signed in on this browser.")
    context.close()


def test_next_steps_the_room_display_through_the_reflection_by_theme(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """Three accepted contributions in two themes: Next on the rapporteur's page shows them in
    the programme's order of themes, and the display says the theme and the place in it."""
    api: Api = faces["api"]
    event = faces["event"]
    discussion_i = event["segments"][1]["id"]
    reflection = event["segments"][4]["id"]
    api.command(discussion_i, {"type": "start_segment"}).raise_for_status()
    _others_contribute(faces, discussion_i)
    submitted = _contributions(api, event["id"])[:3]
    # the outcome lists: Layla (II), Grace (I), Carlos (II); the reflection: Grace, Layla, Carlos
    themes = ["Thematic discussion II", "Thematic discussion I", "Thematic discussion II"]
    for number, (item, theme) in enumerate(zip(submitted, themes, strict=True)):
        api.ok(
            "PATCH",
            f"/contributions/{item['id']}",
            json={"command_id": f"curate-{number}", "themes": [theme], "status": "accepted"},
        )
    api.command(reflection, {"type": "start_segment"}).raise_for_status()

    rapporteur = open_face(browser, "moderator", _rapporteur_url(faces))
    _live(rapporteur)
    display = open_face(browser, "display", faces["display"])
    _live(display)
    expect(display.locator("#reflection")).to_be_hidden()
    expect(rapporteur.locator("#display-previous")).to_be_disabled()
    # each theme as the outcome documents print it when the server labels them (theme_labels:
    # the segment's whole title), else as typed
    expected = [
        (submitted[1], "Thematic discussion I", "1 of 1"),
        (submitted[0], "Thematic discussion II", "1 of 2"),
        (submitted[2], "Thematic discussion II", "2 of 2"),
    ]
    for item, theme, place in expected:
        rapporteur.get_by_role("button", name="Next ▶").click()
        expect(display.locator("#reflection-text")).to_have_text(item["text"])
        said = rf"^{re.escape(theme)}(: [^—]*)? — {place}"
        expect(display.locator("#reflection-place")).to_have_text(
            re.compile(rf"{said} · 3 accepted$")
        )
        expect(rapporteur.locator("#display-place")).to_have_text(re.compile(rf"{said}$"))
    expect(display.locator("#reflection-group li")).to_have_count(2)
    expect(display.locator("#reflection-group li[data-current='true']")).to_contain_text(
        "Nos comprometemos"
    )
    expect(rapporteur.get_by_role("button", name="Next ▶")).to_be_disabled()
    assert_accessible(display)
    assert_accessible(rapporteur)
    rapporteur.get_by_role("button", name="◀ Previous").click()
    expect(display.locator("#reflection-text")).to_have_text(submitted[0]["text"])
