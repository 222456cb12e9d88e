"""Cleaning people's text: one normal form, no control or direction-override characters."""

from __future__ import annotations

import unicodedata

# Bidirectional embeddings, overrides and isolates: they can make a name display as something else.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


def clean_text(value: str) -> str:
    """NFC-normalise, drop control, bidi-override and zero-width characters, squash whitespace."""
    value = unicodedata.normalize("NFC", value)
    kept = []
    for char in value:
        if char in _BIDI_CONTROLS or char in _INVISIBLE:
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(" " if char in "\t\n\r" else "")
            continue
        kept.append(char)
    return " ".join("".join(kept).split())
