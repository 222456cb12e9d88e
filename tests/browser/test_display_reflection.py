# ruff: noqa: RUF001, RUF002  (French apostrophes; screen sizes written with a multiplication sign)
"""The room display in the group reflection (outside probe H): the contribution shown is never cut
off. It shrinks to fit what the screen leaves it (under the theme, the kind, the by-line and the
objectives, over the speaker), down to a size the room still reads; past that it is shown in
pages, each saying so ("Continued — 1 of 2") and each fitting whole. At 1920×1080 and 1280×720,
in Spanish, French and Arabic, with the probe's texts: a short one with line breaks and a list, a
1,789-character French one, a 1,329-character Arabic one. The objectives' titles are in the
screen's language (from the server's one copy, app/gcm.py); an Arabic text reads right to left
whatever its first letter."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from app import gcm
from tests.e2e.server import Api

from .conftest import contribute, open_face

PICTURES = Path("/tmp/helperF")

SPANISH = (
    "Recomendamos ampliar las vías regulares de migración, incluida la regularización, y poner "
    "fin a la detención de niñas, niños y adolescentes migrantes.\n\n"
    "- Primero: regularización.\n- Segundo: alternativas a la detención."
)
FRENCH = (
    (
        "Nous recommandons que les États membres garantissent l’accès effectif des migrants, quel "
        "que soit leur statut migratoire, aux services de santé, y compris la vaccination contre "
        "la COVID-19, à l’éducation et à la justice, et qu’ils établissent des « pare-feu » entre "
        "les services publics et les autorités chargées de l’application des lois sur "
        "l’immigration. "
    )
    * 5
)[:1789]
ARABIC = (
    (
        "نوصي الدول الأعضاء بضمان وصول المهاجرين الفعلي إلى الخدمات الأساسية بصرف النظر عن "
        "وضعهم، بما في ذلك الرعاية الصحية واللقاحات ضد كوفيد-19، والتعليم والعدالة، وبإنشاء "
        "«جدران حماية» بين الخدمات العامة وسلطات إنفاذ قوانين الهجرة وفقاً للهدف 15 من الاتفاق "
        "العالمي (GCM). "
    )
    * 5
)[:1329]
LATIN_FIRST = "2024: UNHCR سيقدم 5 ملايين دولار للمساعدة القانونية"
LONG_ORGANISATION = (
    "الشبكة العربية للمجتمع المدني من أجل حقوق المهاجرين واللاجئين والأشخاص عديمي الجنسية "
    "في منطقة الشرق الأوسط وشمال أفريقيا - فرع تونس"
)

CONTRIBUTIONS = [
    (
        ("Lucía Fernández", "Red Jesuita con Migrantes", "civil_society"),
        ("recommendation", "es", SPANISH),
    ),
    (
        ("Amina Diallo", "Confédération syndicale internationale", "trade_union"),
        ("recommendation", "fr", FRENCH),
    ),
    (
        ("فاطمة الزهراء بن علي", LONG_ORGANISATION, "civil_society"),
        ("recommendation", "ar", ARABIC),
    ),
    (("Omar Haddad", "UNHCR", "un_system"), ("pledge", "ar", LATIN_FIRST)),
]  # fmt: skip
OBJECTIVES = [[5, 13], [15, 7, 16], [15, 8, 14, 23], [15]]

assert len(SPANISH) == 218 and len(FRENCH) == 1789 and len(ARABIC) == 1329

#: Every page of the shown text, each drawn in turn and measured; then back to the first.
PAGES_JS = """() => {
  const box = document.getElementById("reflection-text");
  const section = document.getElementById("reflection");
  const marker = document.getElementById("reflection-pages");
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const pages = window.floorDisplay.pages();
  const measured = pages.map((text, index) => {
    window.floorDisplay.showPage(index);
    const bottom = box.getBoundingClientRect().bottom;
    return {
      text: box.textContent,
      overflow: box.scrollHeight - box.clientHeight,
      sideways: box.scrollWidth - box.clientWidth,
      section: section.scrollHeight - section.clientHeight,
      below: bottom - window.innerHeight,
      size: parseFloat(getComputedStyle(box).fontSize) / rem,
      marker: marker.hidden ? null : marker.textContent,
    };
  });
  window.floorDisplay.showPage(0);
  return measured;
}"""

#: Whether the display has fitted this text: its pages hold it all, in order.
FITTED_JS = """(expected) => {
  if (!window.floorDisplay) return false;
  const flat = (text) => text.replace(/\\s+/g, " ").trim();
  const pages = window.floorDisplay.pages()
    .map((page) => page.replace(/^… /, "").replace(/ …$/, ""));
  const section = document.getElementById("reflection");
  const box = window.floorDisplay.fittedTo();
  return pages.length > 0 && flat(pages.join(" ")) === flat(expected)
    && box && box[0] === section.clientWidth && box[1] === section.clientHeight;
}"""


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _setup(faces: dict[str, Any]) -> list[dict[str, Any]]:
    """The four contributions, accepted and tagged; the reflection live, someone speaking in it
    (their line under the contribution takes room too)."""
    api: Api = faces["api"]
    event = faces["event"]
    discussion = event["segments"][1]["id"]
    reflection = event["segments"][4]["id"]
    api.command(discussion, {"type": "start_segment"}).raise_for_status()
    contribute(faces, CONTRIBUTIONS, discussion, "long")
    items = list(api.ok("GET", f"/events/{event['id']}/contributions")["contributions"])
    assert [item["text"] for item in items] == [c[1][2] for c in CONTRIBUTIONS]
    for item, objectives in zip(items, OBJECTIVES, strict=True):
        api.ok(
            "PATCH",
            f"/contributions/{item['id']}",
            json={
                "command_id": f"curate-{item['id']}",
                "status": "accepted",
                "themes": ["Thematic discussion I"],
                "objectives": objectives,
            },
        )
    api.command(reflection, {"type": "start_segment"}).raise_for_status()
    api.command(
        reflection,
        {
            "type": "add_speaker",
            "name": "Ambassador María Fernanda Espinosa",
            "organisation": "Ecuador",
        },
    ).raise_for_status()
    api.command(reflection, {"type": "call_next"}).raise_for_status()
    return items


def _show(faces: dict[str, Any], item: dict[str, Any]) -> None:
    faces["api"].ok(
        "POST",
        f"/events/{faces['event']['id']}/outcome/shown",
        json={"command_id": uuid.uuid4().hex, "contribution_id": item["id"]},
    )


def _check_fits(page: Page, item: dict[str, Any], where: str) -> list[dict[str, Any]]:
    page.wait_for_function(FITTED_JS, arg=item["text"], timeout=10_000)
    pages: list[dict[str, Any]] = page.evaluate(PAGES_JS)
    for number, measured in enumerate(pages, start=1):
        said = f"{where}, page {number} of {len(pages)}: {measured}"
        assert measured["overflow"] <= 1 and measured["sideways"] <= 1, said
        assert measured["section"] <= 1 and measured["below"] <= 0, said
        assert measured["size"] >= 2 - 0.01, said  # never smaller than the room reads
        if len(pages) > 1:
            # a visible marker on every page: which page of how many
            assert measured["marker"] and f"{number}" in measured["marker"], said
            assert "\u2014" in measured["marker"], said  # "Continued \u2014 1 of 2"
        else:
            assert measured["marker"] is None, said
    # nothing lost between the pages, nothing added but the marks of a cut
    joined = " ".join(re.sub(r"^… | …$", "", measured["text"]) for measured in pages)
    assert _flat(joined) == _flat(item["text"]), where
    return pages


def test_the_shown_contribution_always_fits_or_is_paged(
    browser: Browser, faces: dict[str, Any]
) -> None:
    items = _setup(faces)
    spanish, french, arabic, latin_first = items
    PICTURES.mkdir(parents=True, exist_ok=True)
    counts: dict[tuple[str, str, int], int] = {}
    for language, own in (("es", spanish), ("fr", french), ("ar", arabic)):
        display = open_face(
            browser, "display", faces["display"].replace("#key=", f"?lang={language}#key=")
        )
        try:
            for item in (own, *[i for i in (spanish, french, arabic) if i is not own]):
                _show(faces, item)
                for width, height in ((1920, 1080), (1280, 720)):
                    display.set_viewport_size({"width": width, "height": height})
                    pages = _check_fits(
                        display, item, f"{language} {width}x{height} {item['language']}"
                    )
                    counts[(language, item["language"], width)] = len(pages)
            # the one its language, at full HD, pictured (page 1)
            _show(faces, own)
            display.set_viewport_size({"width": 1920, "height": 1080})
            _check_fits(display, own, language)
            # the objectives' titles in the screen's language
            titles = display.locator("#reflection-objectives .objective-title")
            expect(titles).to_have_count(len(OBJECTIVES[items.index(own)]))
            for objective, title in zip(
                sorted(OBJECTIVES[items.index(own)]), titles.all(), strict=True
            ):
                expect(title).to_have_text(gcm.TITLES[language][objective])
            display.screenshot(path=str(PICTURES / f"display-reflection-{language}-1920.png"))
            if counts[(language, own["language"], 1920)] > 1:
                display.evaluate("() => window.floorDisplay.showPage(1)")
                display.screenshot(
                    path=str(PICTURES / f"display-reflection-{language}-1920-page2.png")
                )
        finally:
            display.context.close()
    # the short one is whole on one page, at any size; the long ones go on in pages only when
    # the smallest readable size cannot hold them
    assert all(
        counts[(language, "es", width)] == 1
        for language in ("es", "fr", "ar")
        for width in (1920, 1280)
    )
    assert counts[("fr", "fr", 1280)] >= counts[("fr", "fr", 1920)] > 1

    # an Arabic text led by Latin letters and figures, right to left from its language (when the
    # server gives the room display each one's language; else in its own direction)
    display = open_face(browser, "display", faces["display"])
    try:
        _show(faces, latin_first)
        _check_fits(display, latin_first, "en latin-first")
        shown = display.evaluate("() => window.floorConnection.outcome.shown")
        text = display.locator("#reflection-text")
        if "language" in shown:
            expect(text).to_have_attribute("dir", "rtl")
            expect(text).to_have_attribute("lang", "ar")
            assert text.evaluate("node => getComputedStyle(node).direction") == "rtl"
        else:
            expect(text).to_have_attribute("dir", "auto")
    finally:
        display.context.close()


def test_a_page_follows_the_other_by_itself(browser: Browser, faces: dict[str, Any]) -> None:
    """A contribution in pages turns them by itself, the marker saying which one is up."""
    items = _setup(faces)
    french = items[1]
    display = open_face(browser, "display", faces["display"].replace("#key=", "?lang=fr#key="))
    display.set_viewport_size({"width": 1280, "height": 720})
    try:
        display.clock.install()
        _show(faces, french)
        pages = _check_fits(display, french, "fr 1280")
        assert len(pages) > 1
        marker = display.locator("#reflection-pages")
        expect(marker).to_be_visible()
        expect(marker).to_contain_text(f"1 sur {len(pages)}")
        # up for the time it takes to read it aloud (80 ms a character, 12 s to a minute): the
        # clock is moved a second at a time until the page turns (a change of the screen's
        # layout meanwhile, as the speaker's time runs out, fits the text again and gives the
        # page its whole time again, so the turn may come later than the first page's time)
        elapsed = 0
        while marker.get_attribute("data-page") == "1" and elapsed < 3 * 60_000:
            display.clock.run_for(1_000)
            elapsed += 1_000
        assert elapsed >= 12_000, f"turned after {elapsed} ms, before a room could read it"
        expect(marker).to_contain_text(f"2 sur {len(pages)}")
        now = display.evaluate("() => window.floorDisplay.pages()[1]")
        expect(display.locator("#reflection-text")).to_have_text(now)
    finally:
        display.context.close()


def test_the_faces_step_through_the_reflection_in_the_server_s_order(
    browser: Browser, faces: dict[str, Any]
) -> None:
    """reflection.js decides no order of its own: it follows the view's `reflection` (the
    documents' order: a recommendation before a pledge, whatever came first), "Other" for the
    group with no theme, and skips an id the view does not hold; Previous and Next are the view's
    `steps`."""
    display = open_face(browser, "display", faces["display"])
    result = display.evaluate(
        """async () => {
          const { reflectionOrder, neighbours, steps } = await import("/static/js/reflection.js");
          const outcome = {
            contributions: [{ id: "p" }, { id: "r" }, { id: "o" }, { id: "t" }],
            steps: { previous_id: "r", next_id: "t" },
            reflection: [
              { theme: "Decent work", ids: ["r", "p"] },
              { theme: "Gone", ids: ["x"] },
              { theme: "Other", ids: ["t"] },
              { theme: null, ids: ["o"] },
            ],
          };
          const order = reflectionOrder(outcome);
          const place = neighbours(order, "p");
          const step = steps(outcome);
          return {
            order: order.map((g) => [g.theme, g.other, g.items.map((item) => item.id)]),
            place: [step.previous.id, step.next.id, place.position, place.count],
            noSteps: steps({ contributions: outcome.contributions, steps: { previous_id: "x" } }),
            typedOther: neighbours(order, "t").other,
            untagged: neighbours(order, "o").other,
            none: reflectionOrder(null),
          };
        }"""
    )
    assert result["order"] == [
        ["Decent work", False, ["r", "p"]],
        ["Other", False, ["t"]],  # a theme someone typed "Other": not the untagged group
        ["Other", True, ["o"]],
    ]
    assert result["place"] == ["r", "t", 2, 4]  # the steps are the server's, looked up
    assert result["noSteps"] == {"previous": None, "next": None}
    assert (result["typedOther"], result["untagged"]) == (False, True)
    assert result["none"] == []
    display.context.close()
