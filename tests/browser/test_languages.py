"""Every word the room faces and the phone show exists in all six languages.

Plain tests (no browser, no server): they read ``frontend/static/js/i18n.js`` and the faces'
markup and modules as text. A key used by the room display, the speaker clock, the interpreters'
booth or the phone page (``data-i18n`` attributes, ``t("key")`` calls and the families of keys
built from a code, such as ``kind.${code}``) must be in every dictionary, and the six
dictionaries must have the same keys with the same placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.floor.presets import MessagePreset

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
JS = FRONTEND / "static" / "js"
I18N = JS / "i18n.js"
SIX = ("ar", "zh", "en", "fr", "ru", "es")

#: The room faces and the phone: their pages and the modules that put words on them.
PAGES = ("display.html", "clock.html", "booth.html", "delegate.html", "live.html")
MODULES = (
    "display.js",
    "clock.js",
    "booth.js",
    "delegate.js",
    "live.js",
    "speakers.js",
    "i18n.js",
    *(f"delegate/{path.name}" for path in sorted((JS / "delegate").glob("*.js"))),
)

#: A call that looks a key up: t("…"), tNodes("…") (the phone), withName("…") (the clock), and a
#: choice between two keys, t(cond ? "…" : "…").
_KEY = r'"([a-z_]+\.[a-z_.]+)"'
LOOKUP = re.compile(rf"""\b(?:t|tNodes|withName)\(\s*(?:[^()"'`]*\?\s*)?{_KEY}(?:\s*:\s*{_KEY})?""")
#: A key made from a code: t(`kind.${code}`).
FAMILY = re.compile(r"`([a-z_]+(?:\.[a-z_]+)*\.)\$\{")


def _js_array(source: str, name: str) -> list[str]:
    """The strings of ``export const NAME = [...]`` (or a ``new Set([...])``) in a module."""
    match = re.search(rf"(?:export )?const {name} = (?:new Set\()?\[(.*?)\]", source, re.S)
    assert match, f"{name} not found"
    return re.findall(r'"([^"]+)"', match.group(1))


def dictionaries() -> dict[str, dict[str, str]]:
    """``STRINGS`` of i18n.js: each language's keys and values, as written."""
    source = I18N.read_text(encoding="utf-8")
    body = source[source.index("export const STRINGS = {") :]
    tables: dict[str, dict[str, str]] = {}
    for match in re.finditer(r"^  (\w\w): \{\n(.*?)^  \},", body, re.S | re.M):
        entries = re.findall(r'^    "([^"]+)":\s*"((?:[^"\\]|\\.)*)",?$', match.group(2), re.M)
        keys = re.findall(r'^\s*"([^"]+)":', match.group(2), re.M)
        assert [key for key, _ in entries] == keys, f"{match.group(1)}: write one entry a line"
        tables[match.group(1)] = dict(entries)
    return tables


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
        translated = bool(self._stack and self._stack[-1])
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


def used_keys() -> Iterator[tuple[str, str]]:
    """(where, key) for every key the faces use, families expanded."""
    for page in PAGES:
        for key in markup(page).keys:
            yield page, key
    known = families()
    for module in MODULES:
        source = (JS / module).read_text(encoding="utf-8")
        for match in LOOKUP.finditer(source):
            for key in match.groups():
                if key:
                    yield module, key
        for prefix in FAMILY.findall(source):
            if prefix.startswith(("/", "?")):
                continue
            assert prefix in known, f"{module} builds {prefix}${{…}}: list its codes in families()"
            for code in known[prefix]:
                yield module, f"{prefix}{code}"


def test_the_six_dictionaries_have_the_same_keys_and_placeholders() -> None:
    tables = dictionaries()
    assert set(tables) == set(SIX)
    english = tables["en"]
    assert len(english) > 150, "the dictionaries were not read"
    for code in SIX:
        table = tables[code]
        assert sorted(set(english) - set(table)) == [], f"{code} lacks these"
        assert sorted(set(table) - set(english)) == [], f"{code} has these that English lacks"
        assert [key for key, value in table.items() if not value.strip()] == [], f"{code}: empty"
        for key, text in english.items():
            want = sorted(re.findall(r"\{\w+\}", text))
            assert sorted(re.findall(r"\{\w+\}", table[key])) == want, f"{code} {key}"


def test_every_key_a_face_uses_is_in_all_six_languages() -> None:
    tables = dictionaries()
    used = list(used_keys())
    assert len({key for _, key in used}) > 150, "the faces' keys were not found"
    missing = [(where, key, code) for where, key in used for code in SIX if key not in tables[code]]
    assert missing == []


@pytest.mark.parametrize("page", PAGES)
def test_no_words_are_written_into_a_page_without_a_translation(page: str) -> None:
    assert markup(page).untranslated == []


def test_the_room_faces_use_the_new_words() -> None:
    """The keys this issue brought are looked up where they are shown (the test above would
    pass with a face that shows none of them)."""
    used = set(used_keys())
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
