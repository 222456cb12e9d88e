"""A segment's kind, as typed by any client, read once on the server (``app/floor/kinds.py``):
the words for a kind the faces know become its code, anything else stays as typed."""

from __future__ import annotations

import pytest

from app.floor import commands as c
from app.floor.kinds import KNOWN, segment_kind


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("break", "break"),
        ("Break", "break"),
        ("  Lunch   break ", "break"),
        ("Coffee break", "break"),
        ("Pause déjeuner", "break"),
        ("Pausa para el almuerzo", "break"),
        ("Перерыв", "break"),
        ("午休", "break"),
        ("استراحة", "break"),
        ("Opening", "opening"),
        ("Séance d\u2019ouverture", "opening"),  # a typographic apostrophe as the plain one
        ("Clôture", "closing"),
        ("闭幕", "closing"),
        ("Thematic discussion", "thematic"),
        ("Débat", "discussion"),
        # anything else is the secretariat's own word, kept as typed
        ("Panel", "Panel"),
        ("Interactive dialogue", "Interactive dialogue"),
        ("Breakout groups", "Breakout groups"),
    ],
)
def test_a_kind_typed_in_any_language_is_read_as_its_code(typed: str, code: str) -> None:
    assert segment_kind(typed) == code


def test_every_known_code_is_its_own_word() -> None:
    assert [segment_kind(code) for code in KNOWN] == list(KNOWN)


def test_a_segment_made_or_changed_by_an_api_client_as_a_lunch_break_is_a_break() -> None:
    """A script that sends "Lunch break" gets a break (no floor requests, its forecast as
    planned), not a discussion of that name (outside probe, 2026-12-05)."""
    made = c.CreateSegment(title="Lunch", kind="Lunch break")
    assert made.kind == "break"
    changed = c.UpdateSegment(kind="Перерыв")
    assert changed.kind == "break"
