"""The language a name is written in, by its letters (app/floor/scripts.py)."""

from __future__ import annotations

import pytest

from app.floor.scripts import name_language

NAMES = [
    ("a Latin name: the page's language", "Amina Diallo", ""),
    ("accents are Latin too", "José García-Núñez", ""),
    ("Arabic letters", "ليلى حداد", "ar"),
    ("Han characters", "王小明", "zh"),
    ("Han with kana is Japanese", "山田 はなこ", "ja"),
    ("Hangul", "김민수", "ko"),
    ("Cyrillic", "Лейла Ахмедова", "ru"),
    ("Greek", "Ελένη Παπαδοπούλου", "el"),
    ("Hebrew", "נועה כהן", "he"),
    ("Devanagari", "अनीता शर्मा", "hi"),
    ("most letters win: an Arabic name with a Latin title", "Dr. ليلى حداد", "ar"),
    ("most letters win: a Latin name with one Greek letter", "Maria Δ. Rossi", ""),
    ("no letters", "— 42 —", ""),
    ("empty", "", ""),
]


@pytest.mark.parametrize(("what", "name", "language"), NAMES, ids=[n[0] for n in NAMES])
def test_the_language_of_a_name(what: str, name: str, language: str) -> None:
    assert name_language(name) == language, what
