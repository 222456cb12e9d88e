"""Cleaning people's text: one normal form, no control or direction-override characters (prose
keeps the direction marks and joiners its languages need; a name, the joiners that show).

Text is cleaned first and its length checked after, once: NFC can make a text longer (U+1D160
becomes three code points), so a limit checked on what was sent lets the cleaned text overflow
it. ``PeoplesText`` puts both steps, in that order, into a pydantic type:
``Annotated[str, PeoplesText(280)]``.
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


def clean_text(value: str) -> str:
    """NFC-normalise, drop control, bidi-override and zero-width characters, squash whitespace."""
    return " ".join(_kept(value).split())


def clean_paragraphs(value: str) -> str:
    """Like ``clean_text`` for longer text (a segment's aim): keeps its line breaks."""
    lines = (" ".join(line.split()) for line in _kept(value, prose=True).split("\n"))
    return "\n".join(lines).strip()


def visible(text: str) -> bool:
    """Whether a cleaned text shows anything: not only marks, tag characters and spaces."""
    return any(
        not char.isspace() and char not in _PROSE_MARKS and ord(char) not in _TAGS for char in text
    )


def limited_text(
    value: str, max_length: int, *, required: bool = False, paragraphs: bool = False
) -> str:
    """``value`` cleaned, if the cleaned text has at most ``max_length`` characters (and, when
    ``required``, at least one). Otherwise a ``ValueError`` (a pydantic ``string_too_long`` or
    ``string_too_short``) naming the limit. The limit holds for the text as sent too (what the
    JSON Schema's ``maxLength`` documents), so a client is never told a value fits that it sent
    over the limit; the cleaned text can be longer than the one sent (NFC decomposes some
    characters), which is why it is checked again, here, in the same step."""
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
    return cleaned


@dataclass(frozen=True)
class PeoplesText:
    """Pydantic metadata for a free text a person types: ``Annotated[str, PeoplesText(120)]``.

    The string is cleaned (``clean_text``, or ``clean_paragraphs`` for ``paragraphs``), then its
    cleaned length is checked against ``max_length``; ``required`` refuses what is empty once
    cleaned. The JSON Schema shows the same limits (``maxLength``, ``minLength``)."""

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
