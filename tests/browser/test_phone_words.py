"""The phone's words where the six languages differ: a wait of some seconds counted in each
language's plural forms, and the constituency said as the room's faces say it (outside probe J:
findings 7 and 9)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import Api

from .test_delegate import Frame, command, floor_commands, join, opening, phone, refusal, start
from .test_room_screens import queue_people, register

__all__ = ["phone"]  # the fixture, imported for this module's tests

#: What the phone says of a rate limit of n seconds (its final refusal, then the wait before it
#: sends again), for a few counts of each language's forms.
RATE_LIMITED = {
    ("en", 1): ("Wait 1 second, then try again.", "trying again in 1 second…"),
    ("en", 5): ("Wait 5 seconds, then try again.", "trying again in 5 seconds…"),
    ("fr", 1): ("Attendez 1 seconde, puis réessayez.", "nouvel essai dans 1 seconde…"),
    ("fr", 2): ("Attendez 2 secondes, puis réessayez.", "nouvel essai dans 2 secondes…"),
    ("es", 1): ("Espere 1 segundo y vuelva", "nuevo intento dentro de 1 segundo…"),
    ("es", 30): ("Espere 30 segundos y vuelva", "nuevo intento dentro de 30 segundos…"),
    ("ru", 1): ("Подождите 1 секунду и", "через 1 секунду…"),
    ("ru", 21): ("Подождите 21 секунду и", "через 21 секунду…"),
    ("ru", 3): ("Подождите 3 секунды и", "через 3 секунды…"),
    ("ru", 5): ("Подождите 5 секунд и", "через 5 секунд…"),
    ("zh", 5): ("请等待 5 秒后重试。", "将在 5 秒后重试…"),
    ("ar", 1): ("انتظر ثانية واحدة ثم", "بعد ثانية واحدة…"),
    ("ar", 2): ("انتظر ثانيتين ثم", "بعد ثانيتين…"),
    ("ar", 5): ("انتظر 5 ثوانٍ ثم", "بعد 5 ثوانٍ…"),
    ("ar", 11): ("انتظر 11 ثانية ثم", "بعد 11 ثانية…"),
    ("ar", 100): ("انتظر 100 ثانية ثم", "بعد 100 ثانية…"),
}

WORDS_JS = """async ([language, n]) => {
  const i18n = await import('/static/js/i18n.js');
  const text = await import('/static/js/delegate/text.js');
  i18n.setLanguage(language, { remember: false });
  const said = [
    text.errorText({ code: 'rate_limited', retry_after_s: n }),
    text.waitingText({ status: 429 }, n * 1000),
  ];
  i18n.setLanguage('en', { remember: false });
  return said;
}"""


def test_a_rate_limit_counts_its_seconds_in_each_languages_plural(
    phone: Page, faces: dict[str, Any]
) -> None:
    """ "Wait 1 second", "Подождите 21 секунду", "انتظر 5 ثوانٍ": the seconds are a count in
    the phone's language, not "{seconds} seconds" whatever the number (finding 7)."""
    wrong = []
    for (language, n), expected in RATE_LIMITED.items():
        said = phone.evaluate(WORDS_JS, [language, n])
        if not all(part in text for part, text in zip(expected, said, strict=True)):
            wrong.append((language, n, said))
    assert wrong == []


def test_a_refusal_of_one_second_says_second(phone: Page, faces: dict[str, Any]) -> None:
    """Through the phone's own socket: the server asks for a second's wait; the phone says so
    while it waits, then in its refusal, in the singular."""
    start(faces["api"], opening(faces))
    sent: list[Frame] = []

    def limited(socket: Any, frame: Frame) -> bool:
        sent.append(frame)
        return refusal(socket, frame, "rate_limited", retry_after_s=1)

    floor_commands(phone, limited)
    join(phone)
    phone.get_by_role("button", name="Request the floor").click()
    expect(phone.locator("#request-error")).to_have_text(
        "Too many requests from this phone. Wait 1 second, then try again.", timeout=5000
    )
    assert len(sent) == 2


@pytest.mark.parametrize(
    ("language", "civil_society"), [("en", "Civil society"), ("ar", "المجتمع المدني")]
)
def test_the_phone_leaves_the_constituency_other_out_as_the_room_does(
    phone: Page, faces: dict[str, Any], language: str, civil_society: str
) -> None:
    """A panellist of constituency "other" reads "Americas regional review" on the phone, as on
    the room display, the live page and the booth, not "… · Other" (finding 9); a constituency
    that says something is still said."""
    api: Api = faces["api"]
    segment_id = opening(faces)
    start(api, segment_id)
    queue_people(
        faces,
        segment_id,
        [
            register(faces, "Ines Moreau", None, "in_room", "Africa regional review", "other"),
            register(faces, "Kofi Mensah", None, "in_room", "Americas regional review", "other"),
            register(faces, "Carlos Pérez", "es", organisation="Red de Migrantes"),
        ],
    )
    command(api, segment_id, type="call_next")
    join(phone)
    if language != "en":
        phone.get_by_label("Language", exact=True).select_option(language)
    expect(phone.locator("#now-speaking .who-details")).to_have_text("Africa regional review")
    listed = phone.locator("#queue-list .queue-entry")
    expect(listed.filter(has_text="Kofi Mensah").locator(".who-details")).to_have_text(
        "Americas regional review"
    )
    expect(listed.filter(has_text="Carlos Pérez").locator(".who-details")).to_have_text(
        f"Red de Migrantes · {civil_society}"
    )
