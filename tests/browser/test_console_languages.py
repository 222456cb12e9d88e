"""The moderator console in the six UN languages: Arabic right to left, French, the language
picker, the keyboard shortcuts' help, and the console's work (call the next speaker, run the
timer, approve a request, undo) done in Arabic.

The words expected are read from the dictionaries (frontend/static/js/i18n/console.js and the
shared ones, through test_languages.dictionaries()), not guessed. What people typed (names,
organisations, segment titles) stays as they typed it; English stays the default, and
test_moderator.py still drives the console by its English words.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.server import Api

from .conftest import assert_accessible, command, open_face, screenshot, segment_id
from .test_languages import dictionaries

WORDS = dictionaries()
AR = WORDS["ar"]
FR = WORDS["fr"]
EN = WORDS["en"]
DISCUSSION_I = 1  # the demo segment with thirteen panellists

#: Delegates who ask for the floor, from their phones: name, constituency, organisation, kind.
REQUESTS = [
    ("ليلى حداد", "national_human_rights_institution", "المجلس الوطني", "intervention"),
    ("Carlos Méndez", "local_and_regional_authorities", "Alcaldía de Quito", "point_of_order"),
    ("Li Wei", "academia", "University of Hong Kong", "intervention"),
]  # fmt: skip


def fill_in(text: str, **values: object) -> str:
    """A dictionary string with its {placeholders} filled, as i18n.js t() fills them."""
    return re.sub(r"\{(\w+)\}", lambda match: str(values[match.group(1)]), text)


def pattern(text: str) -> str:
    """A dictionary string as a regular expression: each {placeholder} stands for any text."""
    return ".+".join(re.escape(part) for part in re.split(r"\{\w+\}", text))


def in_language(url: str, code: str) -> str:
    """The moderator link with ?lang=code (before its #key=… fragment)."""
    path, _, fragment = url.partition("#")
    return f"{path}?lang={code}#{fragment}"


def ask_for_the_floor(faces: dict[str, Any], segment: str) -> None:
    """The delegates of REQUESTS join with the event's code and request the floor."""
    for name, constituency, organisation, kind in REQUESTS:
        body = {
            "join_code": faces["event"]["join_code"],
            "name": name,
            "organisation": organisation,
            "constituency": constituency,
        }
        joined = faces["api"].ok("POST", f"/events/{faces['event']['id']}/participants", json=body)
        delegate = Api(faces["server"].base, joined["token"])
        request = {"command_id": uuid.uuid4().hex, "kind": kind}
        delegate.ok("POST", f"/segments/{segment}/floor-requests", json=request)


def busy_floor(faces: dict[str, Any]) -> str:
    """Thematic discussion I live: a speech done, a panellist who did not come, the next one
    on the floor, three floor requests waiting, then a question from the floor that pauses the
    panellist's turn, and a preset message on the speaker's clock."""
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, {"type": "start_segment"})
    command(faces, segment, {"type": "call_next"})
    command(faces, segment, {"type": "start_timer"})
    command(faces, segment, {"type": "call_next"})
    command(faces, segment, {"type": "call_next", "skipped": True})
    command(faces, segment, {"type": "start_timer"})
    command(faces, segment, {"type": "adjust_time", "delta_ms": -240_000})
    ask_for_the_floor(faces, segment)
    question = {"type": "interpose", "kind": "question", "name": "Chen Wei"}
    command(faces, segment, {**question, "organisation": "Youth Forum"})
    command(faces, segment, {"type": "start_timer"})
    command(faces, segment, {"type": "set_message", "preset": "conclude"})
    return segment


def live(page: Page, words: dict[str, str]) -> None:
    expect(page.locator("#connection-status")).to_have_text(words["console.status.live"])


def english_left(page: Page) -> list[str]:
    """The console's own English phrases (two words or more) still in the page's text or its
    accessible names and placeholders. Titles are left out: a greyed button's title is the
    server's reason, which stays English for now."""
    phrases = {
        chunk.strip()
        for key, text in EN.items()
        if key.startswith(("console.", "staff.", "kind.", "constituency.", "clock.preset."))
        for chunk in re.split(r"\{\w+\}", text)
        if len(re.findall(r"[A-Za-z]{2,}", chunk)) >= 2
    }
    shown = page.evaluate(
        """() => [document.body.textContent,
            ...[...document.querySelectorAll('[aria-label], [placeholder]')].map(
              (el) => [el.getAttribute('aria-label'), el.getAttribute('placeholder')].join(' '))
          ].join('\\n')"""
    )
    return sorted(phrase for phrase in phrases if phrase in shown)


def test_the_console_in_arabic_reads_right_to_left(browser: Browser, faces: Any) -> None:
    busy_floor(faces)
    page = open_face(browser, "moderator", in_language(faces["moderator"], "ar"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    live(page, AR)
    expect(page).to_have_title(
        fill_in(AR["console.document_title"], title=faces["event"]["segments"][1]["title"])
    )
    # the static markup and what the modules draw, in the dictionary's words
    expect(page.locator(".brand-face")).to_have_text(AR["console.face"])
    expect(page.locator("#queue-heading")).to_have_text(AR["console.queue.heading"])
    expect(page.locator("#requests-heading")).to_have_text(AR["console.requests.heading"])
    expect(page.locator("#speaker-heading")).to_have_text(AR["console.interpose.question"])
    expect(page.locator("#speaker-name")).to_have_text("Chen Wei")
    expect(page.locator("#speaker-kind")).to_have_text(AR["kind.question"])
    expect(page.locator(".paused-label")).to_have_text(AR["console.paused.label"])
    expect(page.locator("#btn-next-label")).to_have_text(AR["console.next.give_back"])
    expect(page.locator("#requests .request")).to_have_count(3)
    # a name typed in Arabic reads in its own direction, in a row of the Arabic page
    # (after the point of order, which is shown first: moderator/requests.js)
    expect(page.locator("#requests .request-name").nth(1)).to_have_text("ليلى حداد")
    point_of_order = page.locator("#requests .request", has_text="Carlos Méndez")
    expect(page.locator("#requests .request").first).to_contain_text("Carlos Méndez")
    expect(point_of_order.locator(".tag-kind")).to_have_text(AR["kind.point_of_order"])
    expect(page.locator("#requests-po")).to_have_text(AR["console.requests.points_of_order#one"])
    expect(page.locator("#message-current")).to_have_text(
        fill_in(AR["console.message.current"], message=AR["clock.preset.conclude"])
    )
    expect(page.locator("#queue .tag-kind").first).to_have_text(AR["kind.panellist"])
    # a count in Arabic's own plural forms: ten panellists wait (staff.speakers#few)
    expect(page.locator("#queue-summary")).to_contain_text(fill_in(AR["staff.speakers#few"], n=10))
    # the schedule's words, said by the server in English, are the console's in Arabic
    drift = "|".join(pattern(AR[key]) for key in AR if key.startswith("console.drift."))
    expect(page.locator("#lateness-text")).to_have_text(re.compile(f"^({drift})$"))
    # the layout mirrors: the programme on the right, the requests on the left
    programme = page.locator(".col-programme").bounding_box()
    side = page.locator(".col-side").bounding_box()
    assert programme and side and programme["x"] > side["x"], (programme, side)
    expect(page.locator("#timer")).to_have_attribute("dir", "ltr")
    assert english_left(page) == []
    assert_accessible(page)
    screenshot(page, "console-ar")


def test_the_floor_runs_in_arabic(browser: Browser, faces: Any) -> None:
    segment = segment_id(faces, DISCUSSION_I)
    command(faces, segment, {"type": "start_segment"})
    ask_for_the_floor(faces, segment)
    page = open_face(browser, "moderator", in_language(faces["moderator"], "ar"))
    live(page, AR)
    expect(page.locator("#speaker-name")).to_have_text(AR["console.speaker.nobody"])

    # call the next speaker, by the button's Arabic name
    page.get_by_role("button", name=AR["console.next.call"]).click()
    expect(page.locator("#speaker-name")).to_have_text("Panellist 1")
    expect(page.locator("#speaker-kind")).to_have_text(AR["kind.panellist"])
    expect(page.locator("#speaker-constituency")).to_have_text(
        AR["constituency.migrant_association"]
    )
    # undo names the command in Arabic and whom it concerns (the view's undo.subject), isolated
    what = fill_in(
        AR["console.undo.what_of"],
        what=AR["console.undo.what.call_next"],
        name="\u2068Panellist 1\u2069",
    )
    expect(page.locator("#btn-undo-label")).to_have_text(
        fill_in(AR["console.undo.label"], what=what)
    )
    # run the timer with the keyboard: the key's name is the same in every language
    page.locator("body").press("Space")
    expect(page.locator("#btn-toggle-label")).to_have_text(AR["console.timer.pause"])
    expect(page.locator("#timer-facts")).to_contain_text(AR["console.timer.running"])
    page.get_by_role("button", name=AR["console.timer.plus"]).click()
    expect(page.locator("#timer-facts")).to_contain_text(
        fill_in(AR["console.timer.allotted_adjusted"], time="5 د", delta="+30 ث")
    )
    # a short laptop screen: the timer's button and the next call in view without scrolling
    page.set_viewport_size({"width": 1280, "height": 720})
    for button in ("#btn-toggle", "#btn-next"):
        expect(page.locator(button)).to_be_in_viewport(ratio=1)
    screenshot(page, "console-ar-1280x720")

    # approve the point of order: it goes to the top of the queue
    request = page.locator("#requests .request", has_text="Carlos Méndez")
    approve = request.get_by_role("button", name=re.compile(f"^{AR['console.requests.approve']}"))
    expect(approve).to_contain_text(AR["console.requests.to_top"])
    approve.click()
    expect(page.locator("#requests .request")).to_have_count(2)
    expect(page.locator("#queue .entry-name").first).to_have_text("Carlos Méndez")
    expect(page.locator("#queue .tag-kind").first).to_have_text(AR["kind.point_of_order"])

    # decline one, with a reason, then take it back with U
    row = page.locator("#requests .request", has_text="Li Wei")
    row.get_by_role("button", name=re.compile(f"^{AR['console.requests.decline']}")).click()
    row.get_by_label(fill_in(AR["console.requests.reason"], name="Li Wei")).fill("—")
    row.get_by_role("button", name=AR["console.requests.decline"], exact=True).click()
    notices = page.locator("#notices")
    expect(notices).to_contain_text(fill_in(AR["console.requests.declined"], name="Li Wei"))
    expect(page.locator("#requests .request")).to_have_count(1)
    page.locator("body").press("u")
    declined = fill_in(
        AR["console.undo.what_of"],
        what=AR["console.undo.what.decline_request"],
        name="\u2068Li Wei\u2069",
    )
    expect(notices).to_contain_text(fill_in(AR["console.undo.done"], what=declined))
    expect(page.locator("#requests .request")).to_have_count(2)
    assert_accessible(page)

    # the keyboard shortcuts' help: the words translated, the keys' names as on the keyboard
    page.locator("body").press("?")
    dialog = page.get_by_role("dialog", name=AR["console.help.heading"])
    expect(dialog).to_be_visible()
    expect(dialog.locator("dd").first).to_have_text(AR["console.help.toggle"])
    space = dialog.locator("kbd").first
    expect(space).to_have_text("Space")
    expect(space).to_have_attribute("translate", "no")
    assert english_left(page) == []
    assert_accessible(page)
    dialog.get_by_role("button", name=AR["console.help.close"]).click()
    expect(dialog).to_be_hidden()


def test_the_picker_switches_the_language_and_it_stays(browser: Browser, faces: Any) -> None:
    command(faces, segment_id(faces, DISCUSSION_I), {"type": "start_segment"})
    page = open_face(browser, "moderator", in_language(faces["moderator"], "fr"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    live(page, FR)
    expect(page.locator("#btn-next-label")).to_have_text(FR["console.next.call"])
    picker = page.get_by_label(FR["lang.label"], exact=True)
    expect(picker).to_have_value("fr")

    # the choice reloads the page in Arabic, and takes ?lang= out of the address
    picker.select_option("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    live(page, AR)
    assert "lang=" not in page.url
    expect(page.locator("#queue-heading")).to_have_text(AR["console.queue.heading"])
    # this browser remembers it: a reload (the sign-in is a cookie) stays in Arabic
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    live(page, AR)
    expect(page.get_by_label(AR["lang.label"], exact=True)).to_have_value("ar")

    # and back to English, the default the other tests drive
    page.get_by_label(AR["lang.label"], exact=True).select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    live(page, EN)
    expect(page.get_by_role("button", name="Call next")).to_be_visible()


def test_the_console_in_french(browser: Browser, faces: Any) -> None:
    busy_floor(faces)
    page = open_face(browser, "moderator", in_language(faces["moderator"], "fr"))
    live(page, FR)
    expect(page.locator("#speaker-heading")).to_have_text(FR["console.interpose.question"])
    expect(page.locator("#requests .request")).to_have_count(3)
    expect(page.locator("#balance-heading")).to_have_text(FR["console.balance.heading"])
    expect(page.locator("#stats-totals")).to_contain_text(FR["console.stats.speeches"])
    expect(page.locator("#paused-time")).to_contain_text(
        re.compile(pattern(FR["console.paused.left_paused"]))
    )
    assert english_left(page) == []
    screenshot(page, "console-fr")


# --- times in a right-to-left page -----------------------------------------------------------

LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"
DASH = "\u2013"  # the en dash between two times: 10:30, dash, 13:00
CLOCK = rf"{LRI}\d\d:\d\d{PDI}"  # a time of day, isolated left to right

#: Where two pieces of an element's text are drawn, in the order they are written: the left edge
#: of the first piece and of the second after it (null when the text has not both).
LEFT_EDGES_JS = """(element, [first, second]) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const i = node.data.indexOf(first);
    const j = i < 0 ? -1 : node.data.indexOf(second, i + first.length);
    if (j < 0) continue;
    const left = (at, length) => {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + length);
      return range.getBoundingClientRect().left;
    };
    return [left(i, first.length), left(j, second.length)];
  }
  return null;
}"""


def hour_minute(local: str) -> str:
    """ "10:30" from the REST's local time ("2022-05-16T10:30:00-04:00")."""
    return local[11:16]


def template(text: str, **patterns: str) -> str:
    """A dictionary string as a regular expression, each {placeholder} the pattern given."""
    parts = re.split(r"\{(\w+)\}", text)
    return "".join(
        re.escape(part) if i % 2 == 0 else patterns[part] for i, part in enumerate(parts)
    )


def reads_left_to_right(element: Any, start: str, end: str) -> None:
    """``start`` is drawn to the left of ``end``: a range of times reads from its start on the
    left to its end on the right in every language."""
    edges = element.evaluate(LEFT_EDGES_JS, [start, end])
    assert edges is not None, (start, end, element.text_content())
    assert edges[0] < edges[1], (start, end, edges, element.text_content())


def test_times_read_left_to_right_in_arabic(browser: Browser, faces: Any) -> None:
    """A range of times reads from 10:30 on the left to 13:00 on the right in Arabic too, never
    the other way round: in the programme, the segment's heading, the schedule's lines and the
    queue's time each; and at 1280x720 a queued speaker's name is not cut for the kind of turn
    beside it, nor how long a request waited across two lines."""
    api = faces["api"]
    opening = segment_id(faces, 0)
    command(faces, opening, {"type": "start_segment"})
    command(faces, opening, {"type": "end_segment"})
    command(faces, segment_id(faces, DISCUSSION_I), {"type": "start_segment"})
    # twenty minutes each: the queue does not fit, so the console offers a time each
    command(
        faces,
        segment_id(faces, DISCUSSION_I),
        {"type": "set_queue_times", "duration_ms": 20 * 60_000},
    )
    ask_for_the_floor(faces, segment_id(faces, DISCUSSION_I))
    (event,) = [e for e in api.ok("GET", "/events") if e["id"] == faces["event"]["id"]]
    segments = event["segments"]
    page = open_face(browser, "moderator", in_language(faces["moderator"], "ar"))
    page.set_viewport_size({"width": 1280, "height": 720})
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    live(page, AR)

    # the programme: each segment's times, left to right (the element's direction, and drawn so)
    for segment in segments:
        start = hour_minute(segment["scheduled_start_at_local"])
        end = hour_minute(segment["scheduled_end_at_local"])
        item = page.locator(f'#programme .segment-item[data-segment-id="{segment["id"]}"]')
        when = item.locator(".segment-when")
        expect(when).to_have_text(f"{start}{DASH}{end}")
        expect(when).to_have_attribute("dir", "ltr")
        reads_left_to_right(when, start, end)
    # the ended opening: when it started and ended, each time isolated in the Arabic sentence
    ended = page.locator(f'#programme .segment-item[data-segment-id="{opening}"] .segment-actual')
    expect(ended).to_have_text(
        fill_in(
            AR["console.programme.started_ended"],
            time=f"{LRI}{hour_minute(segments[0]['actual_start_at_local'])}{PDI}",
            end=f"{LRI}{hour_minute(segments[0]['actual_end_at_local'])}{PDI}",
        )
    )
    # a segment to come: its forecast start, isolated
    lunch = page.locator(f'#programme .segment-item[data-segment-id="{segment_id(faces, 2)}"]')
    expect(lunch.locator(".segment-forecast")).to_have_text(re.compile(rf"^≈ {CLOCK} · "))

    # the segment's heading: the range isolated left to right, the moderator's name in its own
    live_one = segments[DISCUSSION_I]
    start = hour_minute(live_one["scheduled_start_at_local"])
    end = hour_minute(live_one["scheduled_end_at_local"])
    times = page.locator("#segment-times")
    expect(times).to_contain_text(
        fill_in(AR["console.programme.scheduled"], span=f"{LRI}{start}{DASH}{end}{PDI}")
    )
    expect(times).to_contain_text(
        fill_in(AR["console.programme.moderator"], name=f"{FSI}{live_one['moderator']}{PDI}")
    )
    reads_left_to_right(times, start, end)

    # the schedule's box: the forecast end and the planned one, each isolated
    expect(page.locator("#lateness-detail")).to_have_text(
        re.compile(
            "^"
            + template(AR["console.time.ends_about"], time=CLOCK)
            + " · "
            + template(AR["console.time.planned"], time=CLOCK)
            + "$"
        )
    )
    # the time each waiting speaker would have, and when that finishes: isolated in the sentence
    per_speaker = "|".join(
        template(AR[key], n=r"\d+", each=rf"{LRI}\d+:\d\d{PDI}", finish=CLOCK)
        for key in AR
        if key.startswith("console.time.per_speaker#")
    )
    expect(page.locator("#per-speaker-text")).to_have_text(re.compile(f"^({per_speaker})$"))
    expect(page.locator("#btn-per-speaker")).to_have_text(
        re.compile("^" + template(AR["console.time.give_each"], time=rf"{LRI}\d+:\d\d{PDI}") + "$")
    )

    # a short laptop screen: the kind of turn ("panellist" is three words in Arabic) takes two
    # lines rather than the name's room; how long a request waited is never cut across lines
    name = page.locator("#queue .entry-name").first
    expect(name).to_have_text("Panellist 1")
    assert name.evaluate("(el) => el.scrollWidth <= el.clientWidth"), "the name is cut"
    age = page.locator("#requests .request-age").first
    expect(age).to_contain_text(
        re.compile(
            pattern(AR["console.requests.waiting"])
            + "|"
            + re.escape(AR["console.requests.just_now"])
        )
    )
    assert age.evaluate("(el) => el.getClientRects().length") == 1
