"""Every word every face shows exists in all six languages.

Plain tests (no browser, no server): they read the dictionaries (``frontend/static/js/i18n.js``
for the room faces and the phone, ``frontend/static/js/i18n/*.js`` for the staff faces) and the
faces' markup and modules as text. A key used by a face (``data-i18n`` attributes, ``t("key")``
and ``plural("key", n)`` calls and the families of keys built from a code, such as
``kind.${code}``) must be in every dictionary; the six dictionaries must have the same keys with
the same placeholders (a count's plural forms, ``key#one``, ``key#few``…, are each language's
own); no page holds words without a ``data-i18n``, and no staff module writes English words
into a string of its own. Every refusal code the server can send has a sentence of its own
(``refusal.<code>``, read from the server's source), which the staff faces show in place of the
server's English words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.floor.possible import UNDO_REASONS
from app.floor.presets import MessagePreset
from app.floor.roles import Role

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
JS = FRONTEND / "static" / "js"
I18N = JS / "i18n.js"
#: The staff faces' dictionaries, one module each, and the words they share (staff.js).
FACE_DICTIONARIES = JS / "i18n"
SIX = ("ar", "zh", "en", "fr", "ru", "es")
#: The plural categories each language has (Intl.PluralRules, CLDR): a count's forms are these.
PLURAL_CATEGORIES = {
    "en": {"one", "other"},
    "fr": {"one", "many", "other"},
    "es": {"one", "many", "other"},
    "ru": {"one", "few", "many", "other"},
    "zh": {"other"},
    "ar": {"zero", "one", "two", "few", "many", "other"},
}


def _modules(folder: str) -> tuple[str, ...]:
    return tuple(f"{folder}/{path.name}" for path in sorted((JS / folder).glob("*.js")))


#: The console's modules the other staff faces import too.
FACES_SHARED_MODERATOR = ("moderator/format.js", "moderator/notices.js")
#: The server's source, where its refusal codes are written.
APP = Path(__file__).resolve().parents[2] / "app"

#: Each face: its pages and the modules that put words on them. "shared" is what several faces
#: import (sign-in, notices, the console's labels the desk reuses, the identify overlay).
FACES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "room": (
        ("display.html", "clock.html", "booth.html", "delegate.html", "live.html"),
        ("display.js", "clock.js", "booth.js", "delegate.js", "live.js", "speakers.js", "i18n.js")
        + _modules("delegate"),
    ),
    "shared": (
        (),
        (
            "client.js",
            "identify.js",
            "staff-language.js",
            "room.js",
            "refusal.js",
            *FACES_SHARED_MODERATOR,
        ),
    ),
    "console": (
        ("moderator.html",),
        ("moderator.js",)
        + tuple(m for m in _modules("moderator") if m not in FACES_SHARED_MODERATOR),
    ),
    "desk": (("organiser.html",), ("organiser.js",) + _modules("organiser")),
    "rapporteur": (("rapporteur.html",), ("rapporteur.js",) + _modules("rapporteur")),
}
#: The faces whose modules must write no English of their own (the room's always did not).
STAFF = ("shared", "console", "desk", "rapporteur")
PAGES = tuple(page for pages, _ in FACES.values() for page in pages)

#: A call that looks a key up: t("…"), tNodes("…") (the phone), withName("…") (the clock), and a
#: choice between two keys, t(cond ? "…" : "…").
_KEY = r'"([a-z_]+\.[a-z_.]+)"'
LOOKUP = re.compile(rf"""\b(?:t|tNodes|withName)\(\s*(?:[^()"'`]*\?\s*)?{_KEY}(?:\s*:\s*{_KEY})?""")
#: A count: plural("staff.turns", n) looks up staff.turns#<category>, at least #other.
PLURAL = re.compile(rf"""\bplural\(\s*{_KEY}""")
#: A key made from a code: t(`kind.${code}`).
FAMILY = re.compile(r"`([a-z_]+(?:\.[a-z_]+)*\.)\$\{")
#: A string literal ("…", '…' or `…`) that holds English words: a capitalised word, a space and
#: another word ("Call next", `Skip ${name}`). Keys, codes, CSS and URLs do not look like this.
ENGLISH = re.compile(r"""(["'`])([A-Z][a-z\u2019']+(?: |\u00a0)+[A-Za-z${][^\n]*?)\1""")


def _js_array(source: str, name: str) -> list[str]:
    """The strings of ``export const NAME = [...]`` (or a ``new Set([...])``) in a module."""
    match = re.search(rf"(?:export )?const {name} = (?:new Set\()?\[(.*?)\]", source, re.S)
    assert match, f"{name} not found"
    return re.findall(r'"([^"]+)"', match.group(1))


def _read_dictionary(path: Path) -> dict[str, dict[str, str]]:
    """``export const STRINGS = {…}`` of one module: each language's keys and values, as written."""
    source = path.read_text(encoding="utf-8")
    body = source[source.index("export const STRINGS = {") :]
    tables: dict[str, dict[str, str]] = {}
    for match in re.finditer(r"^  (\w\w): \{\n(.*?)^  \},", body, re.S | re.M):
        entries = re.findall(r'^    "([^"]+)":\s*"((?:[^"\\]|\\.)*)",?$', match.group(2), re.M)
        keys = re.findall(r'^\s*"([^"]+)":', match.group(2), re.M)
        where = f"{path.name} {match.group(1)}"
        assert [key for key, _ in entries] == keys, f"{where}: write one entry a line"
        assert len(set(keys)) == len(keys), f"{where}: a key written twice"
        tables[match.group(1)] = dict(entries)
    return tables


def dictionary_files() -> list[Path]:
    return [I18N, *sorted(FACE_DICTIONARIES.glob("*.js"))]


def dictionaries() -> dict[str, dict[str, str]]:
    """Every dictionary merged, as the pages merge them (i18n.js extend()), per language."""
    tables: dict[str, dict[str, str]] = {code: {} for code in SIX}
    for path in dictionary_files():
        for code, table in _read_dictionary(path).items():
            twice = sorted(set(table) & set(tables[code]))
            assert twice == [], f"{path.name} {code} redefines {twice}: extend() would throw"
            tables[code].update(table)
    return tables


#: Where the server writes a refusal's code: ``code="…"`` (a FloorError's), a FloorError
#: subclass's ``code = "…"``, the first string of an error made at the edge or on a socket
#: (``Refused(413, "body_too_large", …)``, ``self.command_error("invalid_command", …)``,
#: ``ProtocolError("expected_hello", …)``, ``deny(websocket, 403, "origin_not_allowed", …)``,
#: ``error_body(422, "invalid_request", …)``), an HTTP status's code
#: (``405: "method_not_allowed"``) and a code chosen in a conditional
#: (``code = … else "hello_timeout"``, ``.get(…, "http_error")``).
REFUSAL_CODES = (
    re.compile(r'\bcode="([a-z_]+)"'),
    re.compile(r'^\s+code = "([a-z_]+)"$', re.M),
    re.compile(
        r"\b(?:Refused|self\.(?:command_)?error|ProtocolError|deny|error_body)\(\s*"
        r'(?:websocket,\s*)?(?:\d+,\s*)?"([a-z_]+)"'
    ),
    re.compile(r'^\s+\d{3}: "([a-z_]+)",?$', re.M),
    re.compile(r'\bcode = .* else "([a-z_]+)"$', re.M),
    re.compile(r'\.get\(refusal\.status_code, "([a-z_]+)"\)'),
)


def refusal_codes() -> list[str]:
    """Every refusal code the server's source writes (app/**/*.py): each needs a sentence."""
    codes: set[str] = set()
    for path in sorted(APP.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for pattern in REFUSAL_CODES:
            codes.update(pattern.findall(source))
    return sorted(codes)


def _base(key: str) -> str:
    return key.split("#", 1)[0]


def families() -> dict[str, list[str]]:
    """Each family of keys built from a code, and the codes it must hold (read from the code)."""
    i18n = I18N.read_text(encoding="utf-8")
    text = (JS / "delegate" / "text.js").read_text(encoding="utf-8")
    signals = _js_array(i18n, "SIGNAL_KINDS")
    return {
        "constituency.": _js_array(i18n, "CONSTITUENCIES"),
        "kind.": _js_array(i18n, "KINDS"),
        "contribution.": _js_array(i18n, "CONTRIBUTION_KINDS"),
        "contribution_status.": ["submitted", "accepted", "set_aside", "merged"],
        "language.": _js_array(i18n, "FLOOR_LANGUAGES"),
        "signal.": signals,
        "clock.signal.": signals,
        # the moderator's presets, as the server names them (app/floor/presets.py)
        "clock.preset.": [preset.value for preset in MessagePreset],
        "error.": _js_array(text, "TRANSLATED_ERRORS"),
        # delegate/status.js: the phases without a card of their own
        "status.": ["withdrawn", "skipped", "removed"],
        # the staff faces' shared words (moderator/format.js, client.js, identify.js)
        "staff.status.": ["scheduled", "live", "ended"],
        "staff.curation.": ["submitted", "accepted", "set_aside", "merged"],
        "staff.gender.": ["woman", "man", "another", "unstated"],
        "staff.gender_one.": ["woman", "man", "another"],
        "staff.group.": ["member_states", "stakeholders", "un_system", "others"],
        "staff.signal.": signals,
        "staff.signal_detail.": signals,
        "staff.role.": [role.value for role in Role],
        "staff.page.": ["moderator", "rapporteur", "organiser"],
        "identify.": ["console", "display", "clock", "booth", "rapporteur", "organiser", "other"],
        # the server's refusals, by their code (refusal.js): a new code needs its sentence
        "refusal.": refusal_codes(),
    }


class _Markup(HTMLParser):
    """data-i18n keys of a page, and text written in it without one."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: set[str] = set()
        self.untranslated: list[str] = []
        self._stack: list[bool] = []  # per open element: translated (itself or an ancestor)
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {name: value or "" for name, value in attrs}
        if tag == "body":
            self._in_body = True
        # translate="no": what is the same in every language (a keyboard key's name, <kbd>Esc</kbd>)
        translated = bool(self._stack and self._stack[-1]) or named.get("translate") == "no"
        for name, value in named.items():
            if name.startswith("data-i18n"):
                self.keys.add(value)
                translated = translated or name == "data-i18n"
        if tag not in ("img", "input", "meta", "link", "br"):
            self._stack.append(translated)

    def handle_endtag(self, tag: str) -> None:
        if self._stack and tag not in ("img", "input", "meta", "link", "br"):
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        words = data.strip()
        translated = bool(self._stack and self._stack[-1])
        # words (any letter) in the body that no data-i18n replaces; the product's name may stay
        has_words = re.search(r"[^\W\d_]", words) and words != "Floorkeeper"
        if self._in_body and not translated and has_words:
            self.untranslated.append(words)


def markup(page: str) -> _Markup:
    parser = _Markup()
    parser.feed((FRONTEND / page).read_text(encoding="utf-8"))
    return parser


def used_keys(face: str | None = None) -> Iterator[tuple[str, str]]:
    """(where, key) for every key the faces use (or one face), families expanded; a count's key
    is its ``#other`` form, which every language has."""
    known = families()
    english = dictionaries()["en"]
    for name, (pages, modules) in FACES.items():
        if face is not None and name != face:
            continue
        for page in pages:
            for key in markup(page).keys:
                yield page, key
        for module in modules:
            source = (JS / module).read_text(encoding="utf-8")
            for match in LOOKUP.finditer(source):
                for key in match.groups():
                    if key:
                        yield module, key
            for key in PLURAL.findall(source):
                yield module, f"{key}#other"
            for prefix in FAMILY.findall(source):
                if prefix.startswith(("/", "?")):
                    continue
                if prefix in known:
                    for code in known[prefix]:
                        yield module, f"{prefix}{code}"
                else:
                    # a family of a staff face's own: at least one of its keys must exist (the
                    # same-keys test then holds every language to English's set)
                    some = next((key for key in english if key.startswith(prefix)), f"{prefix}…")
                    yield module, some


def english_literals(module: str) -> list[str]:
    """The string literals of a module that hold English words (comments left out)."""
    source = (JS / module).read_text(encoding="utf-8")
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    source = re.sub(r"^\s*//.*$", "", source, flags=re.M)
    return [text for _, text in ENGLISH.findall(source)]


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{\w+\}", text))


@pytest.mark.parametrize("path", dictionary_files(), ids=lambda path: path.name)
def test_each_dictionary_has_the_six_languages(path: Path) -> None:
    tables = _read_dictionary(path)
    assert sorted(tables) == sorted(SIX)
    assert all(tables.values()), f"{path.name}: a language is empty"


def test_the_six_dictionaries_have_the_same_keys_and_placeholders() -> None:
    tables = dictionaries()
    english = {key: text for key, text in tables["en"].items() if "#" not in key}
    english_counts = {_base(key) for key in tables["en"] if "#" in key}
    assert len(english) > 150, "the dictionaries were not read"
    for code in SIX:
        table = tables[code]
        plain = {key for key in table if "#" not in key}
        assert sorted(set(english) - plain) == [], f"{code} lacks these"
        assert sorted(plain - set(english)) == [], f"{code} has these that English lacks"
        assert [key for key, value in table.items() if not value.strip()] == [], f"{code}: empty"
        for key, text in english.items():
            assert _placeholders(table[key]) == _placeholders(text), f"{code} {key}"
        # counts: the same keys as English, each with its #other, only the language's categories
        counts = {_base(key) for key in table if "#" in key}
        assert counts == english_counts, f"{code}: counts differ from English's"
        for base in counts:
            assert f"{base}#other" in table, f"{code} {base}#other"
            other = _placeholders(tables["en"][f"{base}#other"])
            assert _placeholders(table[f"{base}#other"]) == other, f"{code} {base}#other"
            for key in (key for key in table if _base(key) == base):
                category = key.split("#", 1)[1]
                assert category in PLURAL_CATEGORIES[code], f"{code} has no plural category {key}"
                # "one day" may spell its number out, so a form may leave {n} out, not add any
                assert set(_placeholders(table[key])) <= set(other), f"{code} {key}"


@pytest.mark.parametrize("face", list(FACES))
def test_every_key_a_face_uses_is_in_all_six_languages(face: str) -> None:
    tables = dictionaries()
    used = list(used_keys(face))
    assert len({key for _, key in used}) > 5, f"{face}: the face's keys were not found"
    missing = [(where, key, code) for where, key in used for code in SIX if key not in tables[code]]
    assert missing == []


@pytest.mark.parametrize("page", PAGES)
def test_no_words_are_written_into_a_page_without_a_translation(page: str) -> None:
    assert markup(page).untranslated == []


@pytest.mark.parametrize("face", STAFF)
def test_no_staff_module_writes_english_of_its_own(face: str) -> None:
    """Every word a staff face builds in script goes through t() or plural(): a literal such as
    "Call next" or `Skip ${name}` would stay English in Arabic."""
    _, modules = FACES[face]
    found = {module: english_literals(module) for module in modules}
    assert {module: words for module, words in found.items() if words} == {}


def test_the_literal_check_finds_english() -> None:
    """The check itself, on a made-up module's lines."""
    source = (
        'x("Call next"); y(`Skip ${name}`); t("console.call_next"); z("a b"); w("Esc"); '
        'v("Call the speaker\'s name")'
    )
    found = [text for _, text in ENGLISH.findall(source)]
    assert found == ["Call next", "Skip ${name}", "Call the speaker's name"]


def test_the_room_faces_use_the_new_words() -> None:
    """The keys this issue brought are looked up where they are shown (the test above would
    pass with a face that shows none of them)."""
    used = set(used_keys("room"))
    for where, key in [
        ("clock.html", "clock.signals"),
        ("clock.js", "clock.next"),
        ("clock.js", "clock.invalid_link"),
        ("i18n.js", "clock.signal.slow_down"),  # signalLabel, which the clock calls
        ("booth.html", "signal.no_sound"),
        ("booth.js", "booth.ends_in"),
        ("booth.js", "who.remote"),
        ("speakers.js", "who.floor_language"),  # the display's and the live page's drawing
        ("display.html", "display.qr_alt"),
        ("delegate.html", "join.gender"),
        ("i18n.js", "language.other"),  # floorLanguageName, which the join form calls
        ("live.html", "live.not_published"),
        ("live.html", "live.badge"),
        ("live.js", "live.not_published"),
    ]:
        assert (where, key) in used, (where, key)


def test_the_parser_finds_a_missing_key() -> None:
    """The check itself: a lookup of a key no dictionary has is reported."""
    source = (
        't("display.now_speaking"); t(on ? "booth.clear" : "booth.nowhere"); '
        'withName("clock.next", n)'
    )
    found = [key for match in LOOKUP.finditer(source) for key in match.groups() if key]
    assert found == ["display.now_speaking", "booth.clear", "booth.nowhere", "clock.next"]
    tables = dictionaries()
    assert "booth.nowhere" not in tables["fr"]


def test_every_refusal_the_server_sends_has_its_sentence() -> None:
    """The codes are read from the server's source (a new one fails here until it is worded in
    the six languages), and i18n/staff.js keeps no sentence for a code the server no longer
    sends."""
    codes = refusal_codes()
    for code in (
        "queue_empty",  # code="…" (app/floor/possible.py)
        "unreadable_spreadsheet",  # code="…" in a route (app/api/routes/people.py)
        "stale_version",  # a FloorError subclass's code (app/floor/errors.py)
        "unauthenticated",  # app/policy.py
        "rate_limited",  # app/limits.py
        "storage_unavailable",  # app/engine.py
        "invalid_request",  # error_body(422, …) (app/api/errors.py)
        "method_not_allowed",  # a status's code (app/api/errors.py)
        "http_error",  # any other status's
        "cross_origin_refused",  # Refused(…) at the edge (app/api/edge.py)
        "invalid_command",  # self.command_error(…) on a socket (app/api/ws.py)
        "too_many_connections",  # ProtocolError(…) and deny(…) (app/api/ws.py)
        "hello_timeout",  # no hello in time
    ):
        assert code in codes, code
    tables = dictionaries()
    missing = [
        (code, language)
        for code in codes
        for language in SIX
        if f"refusal.{code}" not in tables[language]
    ]
    assert missing == []
    # a refusal's reason (cannot_undo's: app/floor/possible.py UNDO_REASONS) has its own
    reasons = [f"cannot_undo.{reason}" for reason in UNDO_REASONS]
    missing = [
        (reason, language)
        for reason in reasons
        for language in SIX
        if f"refusal.{reason}" not in tables[language]
    ]
    assert missing == []
    # segment_not_removable's reasons, counted (app/floor/possible.py not_removable)
    counted = {"has_run": False, "queued": True, "requests": True, "contributions": True}
    for reason, plural in counted.items():
        key = f"refusal.segment_not_removable.{reason}" + ("#other" if plural else "")
        assert all(key in tables[language] for language in SIX), key
        reasons.append(f"segment_not_removable.{reason}")
    kept = {
        key.removeprefix("refusal.").split("#")[0]
        for key in tables["en"]
        if key.startswith("refusal.")
    }
    assert sorted(kept - set(codes) - set(reasons)) == [], (
        "sentences for codes the server no longer sends"
    )


def test_the_staff_faces_show_refusals_through_refusal_js() -> None:
    """refusal.js looks the family up; no other staff module shows a refusal's message itself
    (it would stay English on a page in another language)."""
    assert ("refusal.js", "refusal.queue_empty") in set(used_keys("shared"))
    shown_raw = re.compile(r"\b(?:error|frame|refusal|failed)\.message\b")
    found = {
        module: shown_raw.findall((JS / module).read_text(encoding="utf-8"))
        for face in STAFF
        for module in FACES[face][1]
        if module not in ("refusal.js", "client.js")  # client.js makes the ApiError
    }
    assert {module: uses for module, uses in found.items() if uses} == {}


def test_a_russian_singular_form_says_its_number() -> None:
    """Russian's "one" form is also 21, 31, 101…: a ``#one`` string that reads as exactly one
    ("в строке 2, 3, 4…" for 21 rows, outside probe J) must say how many, ``{n}``."""
    russian = dictionaries()["ru"]
    singular = [key for key, text in russian.items() if key.endswith("#one") and "{n}" not in text]
    # a contribution tagged with 21 of the Global Compact's 23 objectives is no real case, and
    # the list names them: the form keeps English's placeholders ({list})
    assert singular == ["rapporteur.objectives_list#one"], singular
