"""French keeps its accents on capitals: "À la parole", "État", "Écran" (outside probe J,
finding 8: the console's heading read "A la parole"). Plain test: it reads the dictionaries as
text, as test_languages.py does."""

from __future__ import annotations

import re

from .test_languages import _read_dictionary, dictionary_files

#: The accented letters a French word may start with, by the capital written without its accent.
ACCENTED = {"A": "àâ", "E": "éèê", "I": "îï", "O": "ô", "U": "ù", "C": "ç"}
#: A capital with no accent that starts a word (the whole word after it).
BARE_CAPITAL = re.compile(r"(?<![\w\u00c0-\u024f])([AEIOUC])([^\W\d_]*)")
#: Words whose capital the French strings write with no other form to compare with.
ALWAYS_ACCENTED = {"Etat", "Etats", "Ecran", "Ecrans", "Evenement", "Evénement", "Evénements"}


def french() -> dict[str, dict[str, str]]:
    """Each dictionary's French entries, by the dictionary's file name."""
    return {path.name: _read_dictionary(path)["fr"] for path in dictionary_files()}


def bare_capitals(text: str, vocabulary: set[str]) -> list[str]:
    """The words of ``text`` that start with a capital missing its accent: "A" before a word (the
    preposition "à" at a sentence's start), a word on the list, or one whose accented form in
    lower case the French strings write and whose bare one they never do ("Ecran" by "écran")."""
    found = []
    for match in BARE_CAPITAL.finditer(text):
        word, first, rest = match.group(0), match.group(1), match.group(2)
        if word == "A":
            if re.match(r"\s+[a-zà-ÿ]", text[match.end() :]):
                found.append(word)
        elif word in ALWAYS_ACCENTED or (
            (first.lower() + rest) not in vocabulary
            and any(accent + rest in vocabulary for accent in ACCENTED[first])
        ):
            found.append(word)
    return found


def test_the_check_finds_a_capital_without_its_accent() -> None:
    vocabulary = {"écran", "à", "état"}
    assert bare_capitals("A la parole", vocabulary) == ["A"]
    assert bare_capitals("Ecran de la salle", vocabulary) == ["Ecran"]
    assert bare_capitals("Etat membre", set()) == ["Etat"]
    assert bare_capitals("À la parole · Écran · Entrée · Appuyez sur A, puis U", vocabulary) == []


def test_french_capitals_keep_their_accents() -> None:
    tables = french()
    vocabulary = {
        word
        for table in tables.values()
        for text in table.values()
        for word in re.findall(r"[^\W\d_]+", text)
        if word[0].islower()
    }
    assert "écran" in vocabulary, "the French strings were not read"
    found = [
        (name, key, text, bare)
        for name, table in tables.items()
        for key, text in table.items()
        if (bare := bare_capitals(text, vocabulary))
    ]
    assert found == []
