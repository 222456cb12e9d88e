"""Item 10 of the second round: people's text is cleaned first, and its length checked after, once.

NFC makes some text longer: U+1D160 (MUSICAL SYMBOL EIGHTH NOTE) becomes three code points. A
limit checked on what was sent let the cleaned text overflow it: a 500 when the command was
validated again, a 503 on PostgreSQL when the name did not fit its column, an aim stored at three
times its limit. Now every people's text is refused with a 422 naming the field and the limit,
and what is kept fits the limit and the column.
"""

from __future__ import annotations

import functools
import types
import typing
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter
from sqlmodel import SQLModel
from starlette.testclient import TestClient

from app.api import schemas
from app.config import Settings
from app.floor import commands as c
from app.floor.text import (
    MAX_STACKED_MARKS,
    PeoplesText,
    clean_paragraphs,
    clean_text,
    limited_text,
    stacked_marks,
    visible,
)
from app.main import create_app
from app.store.tables import CredentialRow, EventRow, ParticipantRow

from .conftest import NO_LIMITS, ORGANISER_KEY, World, build_world

NOTE = "\U0001d160"  # MUSICAL SYMBOL EIGHTH NOTE: one code point as sent, three once cleaned


def _cleaning_to(length: int) -> str:
    """A text of at most ``length`` characters that is exactly ``length`` long once cleaned."""
    return NOTE * (length // 3) + "x" * (length % 3)


def _refused(response: httpx.Response, field: str, limit: int) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert field in error["message"] and f"at most {limit} characters" in error["message"]


@pytest.fixture
def any_world(database_url: str) -> Iterator[World]:
    """The security tests' world on SQLite, then on PostgreSQL (whose columns have a length)."""
    settings = Settings(database_url=database_url, organiser_key=ORGANISER_KEY, limits=NO_LIMITS)
    with TestClient(create_app(settings), base_url="http://floor.test") as client:
        yield build_world(client)


# --- the probe's cases --------------------------------------------------------------------------


def test_a_note_that_grows_when_cleaned_is_refused_naming_its_limit(world: World) -> None:
    path = f"/segments/{world.segment_id}/floor-requests"
    body = {"command_id": "grown", "note": NOTE * 280}
    _refused(world.call("delegate", "POST", path, json=body), "note", 280)
    assert world.state()["state"]["requests"] == []
    body = {"command_id": "full", "note": _cleaning_to(280)}
    accepted = world.call("delegate", "POST", path, json=body)
    assert accepted.status_code == 201, accepted.text
    (request,) = accepted.json()["requests"]
    assert len(request["note"]) == 280 and request["note"].startswith("\U0001d158\U0001d165")


def test_a_title_that_grows_when_cleaned_is_refused_naming_its_limit(world: World) -> None:
    segments = f"/events/{world.event['id']}/segments"
    body = {"command_id": "grown", "title": NOTE * 200}
    _refused(world.call("organiser", "POST", segments, json=body), "title", 200)
    patch = {"command_id": "grown-patch", "title": NOTE * 200}
    path = f"/segments/{world.segment_id}"
    _refused(world.call("organiser", "PATCH", path, json=patch), "title", 200)
    body = {"command_id": "full", "title": _cleaning_to(200)}
    created = world.call("organiser", "POST", segments, json=body)
    assert created.status_code == 201, created.text
    assert len(created.json()["title"]) == 200


def test_an_aim_is_never_kept_longer_than_its_limit(world: World) -> None:
    path = f"/segments/{world.segment_id}"
    before = world.call("organiser", "GET", path).json()
    grown = world.command("organiser", {"type": "update_segment", "aim": NOTE * 2000})
    _refused(grown, "aim", 2000)
    assert world.call("organiser", "GET", path).json() == before
    full = world.command("organiser", {"type": "update_segment", "aim": _cleaning_to(2000)})
    assert full.status_code == 200, full.text
    assert len(world.call("organiser", "GET", path).json()["aim"]) == 2000


def test_a_name_that_grows_when_cleaned_is_a_422_not_a_storage_error(any_world: World) -> None:
    participants = f"/events/{any_world.event['id']}/participants"
    before = any_world.call("organiser", "GET", participants).json()
    _refused(any_world.join(NOTE * 120), "name", 120)
    assert any_world.call("organiser", "GET", participants).json() == before


def test_a_link_label_that_grows_when_cleaned_is_a_422_not_a_500(any_world: World) -> None:
    links = f"/events/{any_world.event['id']}/access-links"
    before = any_world.call("organiser", "GET", links).json()
    body = {"role": "display", "label": NOTE * 200}
    _refused(any_world.call("organiser", "POST", links, json=body), "label", 200)
    assert any_world.call("organiser", "GET", links).json() == before


# --- every text that is stored in a column ------------------------------------------------------


def _create_event(world: World, field: str, value: str) -> tuple[httpx.Response, str]:
    body = {"title": "Hearing", field: value}
    return world.call("organiser", "POST", "/events", json=body), field


def _join(world: World, field: str, value: str) -> tuple[httpx.Response, str]:
    # a name of its own each time: the same name and organisation twice is one person
    fields = {"name": f"Joiner {uuid.uuid4().hex[:8]}", field: value}
    return world.join(**fields), f"participant.{field}"


def _make_link(world: World, field: str, value: str) -> tuple[httpx.Response, str]:
    body = {"role": "display", field: value}
    path = f"/events/{world.event['id']}/access-links"
    return world.call("organiser", "POST", path, json=body), field


Sender = Callable[[World, str, str], tuple[httpx.Response, str]]
STORED: list[tuple[Sender, str, int]] = [
    (_create_event, "title", 300),
    (_create_event, "venue", 300),
    (_create_event, "room", 200),
    (_join, "name", 120),
    (_join, "title", 120),
    (_join, "organisation", 160),
    (_join, "region", 80),
    (_make_link, "label", 200),
]


@pytest.mark.parametrize(
    ("send", "field", "limit"), STORED, ids=[f"{s.__name__[1:]}-{f}" for s, f, _ in STORED]
)
def test_each_stored_text_is_limited_once_cleaned_and_fits_its_column(
    any_world: World, send: Sender, field: str, limit: int
) -> None:
    refused, _ = send(any_world, field, NOTE * limit)
    _refused(refused, field, limit)
    accepted, where = send(any_world, field, _cleaning_to(limit))
    assert accepted.status_code == 201, accepted.text  # on PostgreSQL: it fits its column
    kept: Any = accepted.json()
    for key in where.split("."):
        kept = kept[key]
    assert kept == unicodedata.normalize("NFC", _cleaning_to(limit)) and len(kept) == limit


def test_every_stored_text_limit_fits_its_column() -> None:
    """No body can make a row that its table refuses (PostgreSQL's VARCHAR has a length)."""
    tables: list[tuple[type[BaseModel], type[SQLModel]]] = [
        (schemas.EventCreate, EventRow),
        (schemas.ParticipantCreate, ParticipantRow),
        (schemas.AccessLinkCreate, CredentialRow),
    ]
    checked = 0
    for body, row in tables:
        columns = row.__table__.columns  # type: ignore[attr-defined]
        for name, field in body.model_fields.items():
            limit = _peoples_text(field.annotation, field.metadata)
            if limit is not None:
                assert limit.max_length <= columns[name].type.length, (body.__name__, name)
                checked += 1
    assert checked == 8


# --- every command's text -----------------------------------------------------------------------

COMMANDS: list[tuple[str, dict[str, Any], str, int]] = [
    ("moderator", {"type": "add_speaker", "name": NOTE * 120}, "name", 120),
    (
        "moderator",
        {"type": "add_speaker", "name": "X", "organisation": NOTE * 160},
        "organisation",
        160,
    ),
    ("moderator", {"type": "add_speaker", "name": "X", "note": NOTE * 280}, "note", 280),
    (
        "moderator",
        {"type": "decline_request", "request_id": "r", "reason": NOTE * 280},
        "reason",
        280,
    ),
    ("moderator", {"type": "set_message", "text": NOTE * 200}, "text", 200),
    ("moderator", {"type": "update_segment", "title": NOTE * 200}, "title", 200),
    ("moderator", {"type": "update_segment", "kind": NOTE * 40}, "kind", 40),
    ("moderator", {"type": "update_segment", "moderator": NOTE * 200}, "moderator", 200),
    ("delegate", {"type": "request_floor", "note": NOTE * 280}, "note", 280),
]


@pytest.mark.parametrize(
    ("role", "command", "field", "limit"),
    COMMANDS,
    ids=[f"{command['type']}-{field}" for _, command, field, _ in COMMANDS],
)
def test_each_command_text_is_limited_once_cleaned(
    world: World, role: str, command: dict[str, Any], field: str, limit: int
) -> None:
    before = world.state()
    _refused(world.command(role, command, command_id=uuid.uuid4().hex), field, limit)
    assert world.state()["version"] == before["version"]


def test_every_free_text_of_a_body_or_command_is_peoples_text() -> None:
    """A new text field without ``PeoplesText`` would be stored uncleaned or unlimited."""
    not_text = {"type", "command_id", "request_id", "entry_id", "participant_id", "registration_id"}
    not_text |= {"to_segment_id", "signal_id", "scope"}  # ids the rules look up
    not_text |= {"join_code", "timezone", "date", "token"}  # codes and names the server checks
    bodies = [
        model
        for model in vars(schemas).values()
        if isinstance(model, type) and issubclass(model, schemas.Body) and model is not schemas.Body
    ]
    commands = [*typing.get_args(typing.get_args(c.SegmentCommand)[0]), c.CreateSegment]
    found = set()
    for model in [*bodies, *commands]:
        for name, field in model.model_fields.items():
            if _is_text(field.annotation) and name not in not_text:
                assert _peoples_text(field.annotation, field.metadata), (model.__name__, name)
                found.add(name)
    assert {"note", "reason", "text", "aim", "moderator", "label", "venue", "room"} <= found


def _peoples_text(annotation: Any, metadata: list[Any]) -> PeoplesText | None:
    """The ``PeoplesText`` of a field: in its metadata, or inside ``X | None``."""
    for item in metadata:
        if isinstance(item, PeoplesText):
            return item
    for arm in typing.get_args(annotation):
        if typing.get_origin(arm) is Annotated:
            found = _peoples_text(None, list(arm.__metadata__))
            if found is not None:
                return found
    return None


def _is_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return any(
            arm is str or typing.get_args(arm)[:1] == (str,) for arm in typing.get_args(annotation)
        )
    return False


# --- the cleaning itself, for any text ----------------------------------------------------------

#: What makes cleaning interesting: characters NFC lengthens or composes, invisible, direction,
#: control and surrogate characters, Hangul jamo, several kinds of space and line break.
TRICKY = [
    NOTE,
    "e",
    "\u0301",
    "\u0323",
    "\u1e9b",
    "\u0344",
    "\ufb2c",
    "\u0f73",
    "\u1100",
    "\u1161",
    "\u11a8",
    "\u200b",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u061c",
    "\U000e0067",
    "\ufeff",
    "\u00ad",
    "\u202e",
    "\u2066",
    "\x00",
    "\x07",
    "\ud800",
    " ",
    "\t",
    "\n",
    "\r",
    "\u2002",
    "\u2028",
    "\u3000",
]
TEXTS = st.text(st.one_of(st.characters(), st.sampled_from(TRICKY)), max_size=60)
_HIDDEN = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u2066"}
_PROSE_MARKS = {"\u200e", "\u200f", "\u061c", "\u200c", "\u200d"}


@functools.cache
def _adapter(limit: int, required: bool, paragraphs: bool) -> TypeAdapter[str]:
    return TypeAdapter(Annotated[str, PeoplesText(limit, required, paragraphs)])


@given(
    value=TEXTS,
    limit=st.integers(min_value=0, max_value=40),
    required=st.booleans(),
    paragraphs=st.booleans(),
)
@example(value="e\u200b\u0301", limit=5, required=False, paragraphs=False)  # composes once dropped
@example(value="\u1100\u200d\u1161", limit=5, required=False, paragraphs=True)  # Hangul, the same
@example(value=NOTE * 2, limit=5, required=False, paragraphs=False)  # 2 as sent, 6 once cleaned
@example(value="\u200b\u202e ", limit=5, required=True, paragraphs=False)  # blank once cleaned
def test_cleaning_is_idempotent_and_what_is_kept_is_within_the_limit(
    value: str, limit: int, required: bool, paragraphs: bool
) -> None:
    cleaned = (clean_paragraphs if paragraphs else clean_text)(value)
    assert (clean_paragraphs if paragraphs else clean_text)(cleaned) == cleaned
    # prose keeps the direction marks and the joiners (an Arabic sentence that begins "2024:",
    # an emoji family); a name keeps nothing unseen: a joiner only between two characters it
    # changes (never first, last, or beside a space)
    joiners = {"\u200c", "\u200d"}
    hidden = _HIDDEN - _PROSE_MARKS if paragraphs else (_HIDDEN | _PROSE_MARKS) - joiners
    assert unicodedata.is_normalized("NFC", cleaned) and not hidden & set(cleaned)
    if not paragraphs:
        for index, char in enumerate(cleaned):
            if char in joiners:
                assert 0 < index < len(cleaned) - 1, repr(cleaned)
                assert not {cleaned[index - 1], cleaned[index + 1]} & (joiners | {" "})
    try:
        kept = limited_text(value, limit, required=required, paragraphs=paragraphs)
    except ValueError as error:
        if len(value) > limit or len(cleaned) > limit:  # as sent, or once cleaned
            assert f"at most {limit} characters" in str(error)
        elif required and not visible(cleaned):
            assert "empty" in str(error)
        else:
            assert stacked_marks(cleaned) > MAX_STACKED_MARKS and "combining marks" in str(error)
        with pytest.raises(ValueError, match=r"at most|empty"):
            _adapter(limit, required, paragraphs).validate_python(value)
    else:
        assert len(value) <= limit
        assert kept == cleaned and len(kept) <= limit
        assert visible(kept) or not required
        assert stacked_marks(kept) <= MAX_STACKED_MARKS
        assert limited_text(kept, limit, required=required, paragraphs=paragraphs) == kept
        assert _adapter(limit, required, paragraphs).validate_python(value) == kept


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        # an Arabic pledge that begins with a year and a Latin name: the mark keeps it RTL
        ("\u200f2024: UNHCR سيقدم 5 ملايين دولار", "\u200f2024: UNHCR سيقدم 5 ملايين دولار"),
        ("👨\u200d👩\u200d👧 famille", "👨\u200d👩\u200d👧 famille"),  # one family, not three
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", None),  # Scotland
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u06cc\u0645",
            None,
        ),  # Persian needs the non-joiner
        ("a\u202eb\u2066c\u200bd", "abcd"),  # overrides, isolates, zero-width space: still gone
    ],
)
def test_prose_keeps_the_marks_its_languages_need(sent: str, kept: str | None) -> None:
    assert clean_paragraphs(sent) == (sent if kept is None else kept)
    # a name keeps nothing unseen: two names that look the same are the same
    assert "\u200f" not in clean_text(sent)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        # Persian: the non-joiner between two letters is spelling (outside probe G)
        ("\u062d\u0633\u0646\u200c\u0632\u0627\u062f\u0647", None),
        # emoji sequences stay one picture: a farmer, a family
        ("\U0001f469\U0001f3fd\u200d\U0001f33e Mar\u00eda", None),
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467 Family Org", None),
        # Devanagari: the joiner after a virama picks the half form
        ("\u0915\u094d\u200d\u0937", None),
        # where nothing shows it, a joiner goes: between Latin letters, beside a space, twice
        ("Am\u200dina Diallo\u200c", "Amina Diallo"),
        ("\u200d\u062d\u0633\u0646 \u200c\u0632", "\u062d\u0633\u0646 \u0632"),
        ("\u062d\u0633\u0646\u200c\u200c\u0632", "\u062d\u0633\u0646\u200c\u0632"),
    ],
)
def test_a_name_keeps_the_joiners_that_change_what_it_looks_like(
    sent: str, kept: str | None
) -> None:
    assert clean_text(sent) == (sent if kept is None else kept)


def test_a_required_text_of_marks_and_tags_alone_is_empty() -> None:
    """The review: a contribution of tag characters only, or of direction marks around a line
    break, showed nothing and was accepted."""
    adapter = TypeAdapter(Annotated[str, PeoplesText(100, required=True, paragraphs=True)])
    for value in ("\U000e0067\U000e0062", "\u200f\n\u200e", "\u200d \u200c"):
        with pytest.raises(ValueError, match="empty"):
            adapter.validate_python(value)
    assert adapter.validate_python("\u200f\u0646\u0639\u0645") == "\u200f\u0646\u0639\u0645"


# --- what shows, and how many marks one character carries (outside probe, finding 7) ------------

#: The probe's name: "Z" and 114 marks above it (none composes with it), 115 characters: a name
#: may have 120.
ZALGO = "Z" + "".join(chr(0x0300 + n % 0x15) for n in range(114))
#: Tibetan's tallest stack in use, the Kalachakra monogram: ha and ten marks
MONOGRAM = "\u0f67\u0fb9\u0fa8\u0fb3\u0fba\u0fbc\u0fbb\u0f71\u0f72\u0f83"
TIBETAN = "\u0f56\u0f66\u0f92\u0fb2\u0f74\u0f56\u0f66"  # bsgrubs


@pytest.mark.parametrize(
    ("sent", "shows"),
    [
        # the probe's names: each was accepted and stored, a blank line in "next speakers"
        ("\u3164\u3164", False),  # Hangul filler
        ("\u115f", False),  # Hangul choseong filler
        ("\u2800\u2800", False),  # Braille pattern blank
        ("\u0301\u0301", False),  # combining marks, no letter under them
        ("\u180b", False),  # Mongolian free variation selector
        # the rest of what is default ignorable or blank, and kept by cleaning
        ("\u1160 \uffa0", False),  # Hangul jungseong filler, halfwidth Hangul filler
        ("\u180c\u180d\u180f", False),  # Mongolian free variation selectors
        ("\ufe0f\U000e0100", False),  # variation selectors
        ("\u034f\u17b4\u17b5", False),  # grapheme joiner, Khmer inherent vowels
        ("\u20dd\u0e31", False),  # an enclosing circle and a Thai vowel, each on nothing
        ("\U0001d159", False),  # musical null notehead
        ("\u3164\u0301\u2800\u180b", False),  # all of them together
        # real names, each in its own script, show
        ("\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f", True),  # Arabic with harakat
        ("\u05e9\u05c1\u05b8\u05dc\u05d5\u05b9\u05dd", True),  # Hebrew with points
        ("Nguy\u1ec5n Th\u1ecb", True),  # Vietnamese
        ("Nguye\u0302\u0303n Thi\u0323", True),  # Vietnamese sent decomposed (NFD)
        ("\u0915\u094d\u0937\u0924\u094d\u0930\u093f\u092f", True),  # Devanagari
        ("\u0e19\u0e49\u0e33", True),  # Thai
        (TIBETAN, True),
        ("\uae40\ubbfc\uc900", True),  # Korean Hangul syllables
        ("\u1100\u1161", True),  # Korean jamo: one syllable once cleaned
        ("\u1100\u1160", True),  # an initial with the vowel filler: the initial shows
        ("\u182e\u1823\u1829\u182d\u1823\u182f", True),  # Mongolian
        ("\u1828\u180b", True),  # Mongolian with a free variation selector
        ("\U0001f469\U0001f3fd\u200d\U0001f33e", True),  # an emoji ZWJ sequence, a farmer
        ("\u2764\ufe0f", True),  # an emoji with its presentation selector
        ("\u2801", True),  # a Braille pattern with a dot
        ("\u3164Amina\u2800", True),  # a name among blanks shows (what is kept is another matter)
    ],
)
def test_what_shows_once_cleaned(sent: str, shows: bool) -> None:
    cleaned = clean_text(sent)
    assert visible(cleaned) is shows
    adapter = _adapter(120, True, False)
    if shows:
        assert adapter.validate_python(sent) == cleaned
    else:
        with pytest.raises(ValueError, match=r"must not be empty \(or only invisible characters\)"):
            adapter.validate_python(sent)


#: Real writing, the most marks one of its characters carries once cleaned (NFC) and as sent in
#: NFD: each is taken whole, under ``MAX_STACKED_MARKS``.
STACKS = [
    ("Vietnamese", "Nguy\u1ec5n Th\u1ecb \u0110\u1eb7ng H\u1eefu Ph\u00fac", 0, 2),
    ("Arabic with harakat", "\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f", 2, 2),
    (
        "the Quran's annotation",
        "\u0648\u064e\u0671\u0644\u0635\u0651\u064e\u0670\u0653\u0626\u0650\u0645\u0650\u064a\u0646\u064e",
        4,
        4,
    ),
    # shin with dagesh, shin dot, qamats, meteg and an accent (munah)
    ("Hebrew pointed and cantillated", "\u05e9\u05bc\u05c1\u05b8\u05bd\u05a3\u05dc", 5, 5),
    ("Devanagari", "\u0915\u093c\u0947\u0901 \u0939\u094d\u0930\u0940\u0901", 3, 3),
    ("Vedic accents", "\u0915\u0952\u0951\u0901", 3, 3),
    ("Thai", "\u0e01\u0e34\u0e4a\u0e01 \u0e1b\u0e31\u0e49\u0e19", 2, 2),
    ("Myanmar: medials, vowel, tone and asat", "\u1000\u103c\u103d\u1031\u102c\u1037\u103a", 6, 6),
    ("Tibetan", f"{TIBETAN} \u0f67\u0f71\u0f74\u0f83", 3, 3),  # bsgrubs, hum
    ("Tibetan: the Kalachakra monogram", MONOGRAM, 10, 10),
    ("Tibetan: its vowel sign sent precomposed", "\u0f67\u0f73", 2, 2),
    (
        "Yoruba and the IPA",
        "\u1ecc\u0300\u1e63\u1ecd\u0301b\u00e0 \u0251\u0330\u0319\u0303\u0301",
        4,
        4,
    ),
    ("emoji: a keycap", "1\ufe0f\u20e3", 2, 2),
    (
        "emoji: a ZWJ sequence",
        "\U0001f3f3\ufe0f\u200d\U0001f308 \U0001f468\u200d\U0001f469\u200d\U0001f467",
        1,
        1,
    ),
]


@pytest.mark.parametrize(("script", "text", "nfc", "nfd"), STACKS, ids=[s[0] for s in STACKS])
def test_real_writing_stacks_fewer_marks_than_the_cap(
    script: str, text: str, nfc: int, nfd: int
) -> None:
    for sent, most in (
        (unicodedata.normalize("NFC", text), nfc),
        (unicodedata.normalize("NFD", text), nfd),
    ):
        cleaned = clean_text(sent)
        # counted once cleaned: a Vietnamese name sent in NFD is composed first
        assert stacked_marks(cleaned) == nfc
        assert stacked_marks(sent) == most <= MAX_STACKED_MARKS
        assert limited_text(sent, 120, required=True) == cleaned
        assert limited_text(sent, 120, paragraphs=True) == clean_paragraphs(sent)


@pytest.mark.parametrize(
    ("sent", "marks"),
    [
        (ZALGO, 114),
        ("x" + "\u0301" * (MAX_STACKED_MARKS + 1), MAX_STACKED_MARKS + 1),  # one over the cap
        ("\u0301" * 20, 20),  # marks on nothing
        # a joiner or a direction mark between them does not start another stack
        ("\u0915" + "\u094d\u200d" * 7 + "\u093f" * 7, 14),
        ("\u0627" + "\u064e\u200f" * 13, 13),
    ],
)
def test_more_marks_on_one_character_than_the_cap_are_refused(sent: str, marks: int) -> None:
    assert stacked_marks(clean_paragraphs(sent)) == marks
    for paragraphs in (False, True):
        with pytest.raises(ValueError) as refused:
            _adapter(120, False, paragraphs).validate_python(sent)
        message = str(refused.value)
        assert f"has {marks} combining marks (accents, vowel signs) on one character" in message
        assert f"at most {MAX_STACKED_MARKS} are taken" in message
        assert "send the text without the extra marks" in message
    # as many as the cap, on each of two characters, are taken
    most = "x" + "\u0301" * MAX_STACKED_MARKS + " q" + "\u0323" * MAX_STACKED_MARKS
    assert stacked_marks(clean_text(most)) == MAX_STACKED_MARKS
    assert limited_text(most, 120, required=True) == clean_text(most)


@pytest.mark.parametrize(
    "name", ["\u3164\u3164", "\u115f", "\u2800\u2800", "\u0301\u0301", "\u180b"]
)
def test_a_name_of_only_blank_or_ignorable_characters_is_refused_at_join(
    world: World, name: str
) -> None:
    """The probe's names: each was a 201 and a blank name in "next speakers"."""
    participants = f"/events/{world.event['id']}/participants"
    before = world.call("organiser", "GET", participants).json()
    joined = world.join(name, organisation="Nowhere")
    assert joined.status_code == 422, joined.text
    error = joined.json()["error"]
    assert error["code"] == "invalid_request"
    assert "name" in error["message"] and "must not be empty" in error["message"]
    assert world.call("organiser", "GET", participants).json() == before


def test_a_zalgo_name_is_refused_saying_what_to_do(world: World) -> None:
    participants = f"/events/{world.event['id']}/participants"
    before = world.call("organiser", "GET", participants).json()
    joined = world.join(ZALGO, organisation="Nowhere")
    assert joined.status_code == 422, joined.text
    error = joined.json()["error"]
    assert error["code"] == "invalid_request"
    assert "name: has 114 combining marks" in error["message"]
    assert "send the text without the extra marks" in error["message"]
    (detail,) = joined.json()["details"]
    assert detail["type"] == "string_marks_stacked" and detail["loc"][-1] == "name"
    assert world.call("organiser", "GET", participants).json() == before
    # the console's guest and note are people's text too
    added = world.command("moderator", {"type": "add_speaker", "name": "X", "note": ZALGO})
    assert added.status_code == 422 and "note: has 114" in added.json()["error"]["message"]
    # a Tibetan name with the tallest stack in use is taken
    joined = world.join(f"{MONOGRAM} {TIBETAN}", organisation="Nowhere")
    assert joined.status_code == 201, joined.text
    kept = joined.json()["participant"]["name"]
    assert kept == clean_text(f"{MONOGRAM} {TIBETAN}") and stacked_marks(kept) == 10
