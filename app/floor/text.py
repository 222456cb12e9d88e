"""Cleaning people's text: one normal form, no control or direction-override characters (prose
keeps the direction marks and joiners its languages need; a name, the joiners that show).

Text is cleaned first and its length checked after, once: NFC can make a text longer (U+1D160
becomes three code points), so a limit checked on what was sent lets the cleaned text overflow
it. ``PeoplesText`` puts both steps, in that order, into a pydantic type:
``Annotated[str, PeoplesText(280)]``. The cleaned text is refused, too, when it stacks more
combining marks on one character than any script writes (``MAX_STACKED_MARKS``), and, where one
is required, when nothing of it shows (``visible``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

# Bidirectional embeddings, overrides and isolates: they can make a name display as something else.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
# What prose keeps of those (a recommendation, a segment's aim; not a name, which is compared and
# must not differ by what no one sees): the left-to-right, right-to-left and Arabic letter marks,
# which set the direction of an Arabic sentence that begins with a number or a Latin name
# ("2024: UNHCR ..."); the zero-width joiner and non-joiner (emoji sequences such as a family or
# a flag, Persian and Indic spelling); and the tag characters of the subdivision flags.
_PROSE_MARKS = {"\u200e", "\u200f", "\u061c", "\u200c", "\u200d"}
_TAGS = range(0xE0020, 0xE0080)
#: The zero-width non-joiner and joiner: a name keeps one where it changes what is seen (outside
#: probe G: "\u062d\u0633\u0646\u200c\u0632\u0627\u062f\u0647" lost its non-joiner and read
#: otherwise; a farmer emoji split in two), between two letters of a script that joins or
#: ligates them, or in an emoji sequence; anywhere else nothing shows it, so it goes.
_JOINERS = {"\u200c", "\u200d"}
_JOINING_SCRIPTS = (
    range(0x0600, 0x0900),  # Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, Arabic Extended
    range(0x0900, 0x0E00),  # the Indic scripts, Devanagari to Sinhala
    range(0x1000, 0x10A0),  # Myanmar
    range(0x1780, 0x1800),  # Khmer
    range(0x1800, 0x18B0),  # Mongolian
    range(0xA8E0, 0xA900),  # Devanagari Extended
    range(0xFB50, 0xFE00),  # Arabic Presentation Forms-A
    range(0xFE70, 0xFF00),  # Arabic Presentation Forms-B
)

#: Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 17): what a
#: renderer draws nothing for. Cleaning drops the format characters among them (all but the
#: joiners and marks kept above); the others stay, for the writing that needs them (Mongolian's
#: free variation selectors, emoji's U+FE0F, an old Hangul syllable spelled with a filler), but
#: none of them is something a text shows: a name of Hangul fillers ("\u3164\u3164" was a blank
#: line in "next speakers", outside probe, finding 7) or of variation selectors alone is empty.
_DEFAULT_IGNORABLE = (
    range(0x00AD, 0x00AE),  # soft hyphen
    range(0x034F, 0x0350),  # combining grapheme joiner
    range(0x061C, 0x061D),  # Arabic letter mark
    range(0x115F, 0x1161),  # Hangul choseong and jungseong fillers
    range(0x17B4, 0x17B6),  # Khmer inherent vowels
    range(0x180B, 0x1810),  # Mongolian free variation selectors, vowel separator
    range(0x200B, 0x2010),  # zero-width space, joiners, direction marks
    range(0x202A, 0x202F),  # bidirectional embeddings and overrides
    range(0x2060, 0x2070),  # word joiner, invisible operators, isolates, deprecated formats
    range(0x3164, 0x3165),  # Hangul filler
    range(0xFE00, 0xFE10),  # variation selectors 1-16
    range(0xFEFF, 0xFF00),  # zero-width no-break space
    range(0xFFA0, 0xFFA1),  # halfwidth Hangul filler
    range(0xFFF0, 0xFFF9),  # reserved
    range(0x1BCA0, 0x1BCA4),  # shorthand format controls
    range(0x1D173, 0x1D17B),  # musical beams, ties, slurs and phrases (formats)
    range(0xE0000, 0xE1000),  # tags, variation selectors 17-256, reserved
)
_DEFAULT_IGNORABLE_CODES = frozenset(code for block in _DEFAULT_IGNORABLE for code in block)
#: Not default ignorable, but blank in every font: the Braille pattern with no dots raised
#: (U+2800, "\u2800\u2800" read as a blank name) and the musical null notehead.
_BLANK = {"\u2800", "\U0001d159"}
#: The most combining marks a text may stack on one character (``stacked_marks``; counted once
#: cleaned, in NFC, so a Vietnamese "\u1ec7" sent decomposed, e + two marks, is one letter).
#: Real writing stacks a few: Vietnamese 2 (sent in NFD), Arabic with harakat 2, the Quran's
#: annotation 4, Hebrew pointed and cantillated 5, Devanagari and Vedic accents 3, Thai 2,
#: Myanmar 6, Tibetan words 5; the tallest stack in use, Tibetan's Kalachakra monogram
#: "\u0f67\u0fb9\u0fa8\u0fb3\u0fba\u0fbc\u0fbb\u0f71\u0f72\u0f83", 10 (ha, then kssa,
#: ma, la, wa, ra, ya subjoined, kssa being two, two vowel signs and the candrabindu; Tibetan is
#: the same in NFC and NFD). Twelve takes all of them; a "Zalgo" name, "Z" with 114 marks,
#: drew a column of them over the moderator console's header (outside probe, finding 7).
MAX_STACKED_MARKS = 12


def clean_text(value: str) -> str:
    """NFC-normalise, drop control, bidi-override and zero-width characters, squash whitespace."""
    return " ".join(_kept(value).split())


def clean_paragraphs(value: str) -> str:
    """Like ``clean_text`` for longer text (a segment's aim): keeps its line breaks."""
    lines = (" ".join(line.split()) for line in _kept(value, prose=True).split("\n"))
    return "\n".join(lines).strip()


def visible(text: str) -> bool:
    """Whether a cleaned text shows anything: a character that is not a space, not default
    ignorable (the direction marks, joiners, tag characters, variation selectors and Hangul
    fillers among them), not blank in every font (``_BLANK``) and not a combining mark, which
    shows only on a base character (two acute accents, "\\u0301\\u0301", are no name)."""
    return any(_shows(char) for char in text)


def stacked_marks(text: str) -> int:
    """The most combining marks (Unicode's M categories: accents, vowel signs, Tibetan
    subjoined letters, variation selectors) on one character of ``text``. A default-ignorable
    character between two marks (a joiner, a direction mark) does not end the stack: nothing
    of it shows, and the marks after it are drawn in the same column."""
    most = run = 0
    for char in text:
        if unicodedata.category(char)[0] == "M":
            run += 1
            most = max(most, run)
        elif not _default_ignorable(char):
            run = 0
    return most


def limited_text(
    value: str, max_length: int, *, required: bool = False, paragraphs: bool = False
) -> str:
    """``value`` cleaned, if the cleaned text has at most ``max_length`` characters (and, when
    ``required``, one that shows) and at most ``MAX_STACKED_MARKS`` combining marks on any one
    character. Otherwise a ``ValueError`` (a pydantic ``string_too_long``, ``string_too_short``
    or ``string_marks_stacked``) naming the limit: REST answers it ``422 invalid_request``, a
    socket ``invalid_command``, naming the field (``api/errors.py``). The limit holds for the
    text as sent too (what the JSON Schema's ``maxLength`` documents), so a client is never told
    a value fits that it sent over the limit; the cleaned text can be longer than the one sent
    (NFC decomposes some characters), which is why it is checked again, here, in the same step."""
    if len(value) > max_length:
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters",
            {"max_length": max_length},
        )
    cleaned = clean_paragraphs(value) if paragraphs else clean_text(value)
    if len(cleaned) > max_length:
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters once cleaned (Unicode NFC)",
            {"max_length": max_length},
        )
    if required and not visible(cleaned):
        raise PydanticCustomError(
            "string_too_short",
            "must not be empty (or only invisible characters)",
            {"min_length": 1},
        )
    if (marks := stacked_marks(cleaned)) > MAX_STACKED_MARKS:
        raise PydanticCustomError(
            "string_marks_stacked",
            "has {marks} combining marks (accents, vowel signs) on one character: at most "
            "{max_marks} are taken, more than any script writes on one letter; send the text "
            "without the extra marks",
            {"marks": marks, "max_marks": MAX_STACKED_MARKS},
        )
    return cleaned


@dataclass(frozen=True)
class PeoplesText:
    """Pydantic metadata for a free text a person types: ``Annotated[str, PeoplesText(120)]``.

    The string is cleaned (``clean_text``, or ``clean_paragraphs`` for ``paragraphs``), then its
    cleaned length is checked against ``max_length``; ``required`` refuses what is empty once
    cleaned (nothing ``visible``); more than ``MAX_STACKED_MARKS`` marks on a character is
    refused. The JSON Schema shows the same limits (``maxLength``, ``minLength``)."""

    max_length: int
    required: bool = False
    paragraphs: bool = False

    def __call__(self, value: str) -> str:
        return limited_text(
            value, self.max_length, required=self.required, paragraphs=self.paragraphs
        )

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["maxLength"] = self.max_length
        if self.required:
            json_schema["minLength"] = 1
        return json_schema


def _default_ignorable(char: str) -> bool:
    return ord(char) in _DEFAULT_IGNORABLE_CODES


def _shows(char: str) -> bool:
    return not (
        char.isspace()
        or _default_ignorable(char)
        or char in _BLANK
        or unicodedata.category(char)[0] == "M"
    )


def _joining(char: str) -> bool:
    return (
        any(ord(char) in block for block in _JOINING_SCRIPTS)
        and unicodedata.category(char)[0] in "LM"
    )


def _pictographic(char: str) -> bool:
    """An emoji, or what continues one (a skin tone, the emoji presentation selector)."""
    return unicodedata.category(char) == "So" or char == "\ufe0f" or 0x1F3FB <= ord(char) <= 0x1F3FF


def _joiner_shows(before: str, char: str, after: str) -> bool:
    """Whether a zero-width (non-)joiner between ``before`` and ``after`` changes what is seen:
    between two letters of a script that joins or ligates them, or a joiner in an emoji
    sequence (a family, a farmer)."""
    if _joining(before) and _joining(after):
        return True
    return char == "\u200d" and _pictographic(before) and unicodedata.category(after) == "So"


def _kept(value: str, prose: bool = False) -> str:
    """``prose``: a text of paragraphs, which keeps its line breaks and ``_PROSE_MARKS``."""
    kept = []
    text = unicodedata.normalize("NFC", value)
    for index, char in enumerate(text):
        if prose and (char in _PROSE_MARKS or ord(char) in _TAGS or char == "\n"):
            kept.append(char)
            continue
        if char in _JOINERS:
            before = kept[-1] if kept else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if before and after and _joiner_shows(before, char, after):
                kept.append(char)
            continue
        if char in _BIDI_CONTROLS or char in _INVISIBLE:
            continue
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(" " if char in "\t\n\r" else "")
        else:
            kept.append(char)
    # again: a dropped character may have kept apart two that compose ("e", U+200B, U+0301)
    return unicodedata.normalize("NFC", "".join(kept))
