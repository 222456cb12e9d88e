"""Cleaning people's text: one normal form, no control or direction-override characters."""

from __future__ import annotations

import unicodedata

# Bidirectional embeddings, overrides and isolates: they can make a name display as something else.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


def clean_text(value: str) -> str:
    """NFC-normalise, drop control, bidi-override and zero-width characters, squash whitespace."""
    return " ".join(_kept(value).split())


def clean_paragraphs(value: str) -> str:
    """Like ``clean_text`` for longer text (a segment's aim): keeps its line breaks."""
    lines = (" ".join(line.split()) for line in _kept(value, keep_newlines=True).split("\n"))
    return "\n".join(lines).strip()


def required_text(value: str) -> str:
    """``clean_text`` that refuses what is empty once cleaned (a name of only invisible marks)."""
    cleaned = clean_text(value)
    if not cleaned:
        raise ValueError("must not be empty (or only invisible characters)")
    return cleaned


def _kept(value: str, keep_newlines: bool = False) -> str:
    value = unicodedata.normalize("NFC", value)
    kept = []
    for char in value:
        if char in _BIDI_CONTROLS or char in _INVISIBLE:
            continue
        if keep_newlines and char == "\n":
            kept.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(" " if char in "\t\n\r" else "")
        else:
            kept.append(char)
    return "".join(kept)
