"""The language a person's name is written in, by its letters, so that a screen reader reads
"ليلى حداد" with an Arabic voice on an English display and "Amina Diallo" with the page's own
(``name_lang`` in the views, ``organisation_lang`` of an organisation; the faces write it as
the text's ``lang``).

One rule, on the server: the script most of the name's letters are in names the language —
Arabic ``ar``, Han ``zh`` (with kana among them ``ja``), Hangul ``ko``, Cyrillic ``ru``, Greek
``el``, Hebrew ``he``, Devanagari ``hi``, Bengali ``bn``, Thai ``th``; Latin letters, or none,
name no language (``""``: the page's). A script says less than a language (Ukrainian is written
in Cyrillic too, Persian in Arabic letters), but a voice for the script reads a name far better
than the page's voice for another script, which spells it or says nothing.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Final

#: the first word of a letter's Unicode name -> the language its script is read in
SCRIPTS: Final = {
    "ARABIC": "ar",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "CYRILLIC": "ru",
    "GREEK": "el",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "THAI": "th",
}


@lru_cache(maxsize=4096)
def name_language(name: str) -> str:
    """The language ``name``'s letters are written in, or ``""`` (Latin, or no letter)."""
    counts: Counter[str] = Counter()
    for char in name:
        if char.isalpha():
            script = unicodedata.name(char, "").split(" ", 1)[0]
            counts[SCRIPTS.get(script, "")] += 1
    if not counts:
        return ""
    if counts["ja"] and counts["zh"]:  # kanji with kana: Japanese
        counts["ja"] += counts.pop("zh")
    language, _ = counts.most_common(1)[0]
    return language


def mostly_right_to_left(text: str) -> bool:
    """More strong right-to-left letters (Arabic, Hebrew, ...) than left-to-right ones."""
    rtl = ltr = 0
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            rtl += 1
        elif direction == "L":
            ltr += 1
    return rtl > ltr
