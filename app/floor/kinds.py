"""What kind of segment a programme's line is: the codes the faces know, from any of the words a
secretariat types for them, in the six languages.

A segment's ``kind`` is free text (a programme may call a part what it likes), but a few kinds
change how the floor runs: a ``break`` takes no floor requests, its forecast lasts as planned, the
room display shows when the floor opens again. So the kind is read once, here, on the server,
whatever client sends it: "Lunch break", "Pause déjeuner", "Перерыв" or "استراحة" is the
``break`` code, as the desk's own "Break" is; "Opening", "Ouverture"… the ``opening`` code; any
other text is kept as typed. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: The kinds the faces know by code (the desk suggests them; the faces word them).
KNOWN = ("opening", "thematic", "discussion", "break", "closing")

#: Words (compared without case or surrounding spaces) → the code they stand for.
_WORDS: dict[str, tuple[str, ...]] = {
    "opening": (
        "opening",
        "opening segment",
        "ouverture",
        "séance d'ouverture",
        "apertura",
        "sesión de apertura",
        "открытие",
        "开幕",
        "开幕式",
        "افتتاح",
        "الافتتاح",
    ),
    "thematic": (
        "thematic",
        "thematic discussion",
        "thématique",
        "temático",
        "тематический",
        "专题",
        "مواضيعي",
    ),
    "discussion": ("discussion", "débat", "debate", "обсуждение", "讨论", "نقاش"),
    "break": (
        "break",
        "lunch",
        "lunch break",
        "coffee break",
        "recess",
        "pause",
        "pause déjeuner",
        "pause-déjeuner",
        "pause café",
        "déjeuner",
        "pausa",
        "almuerzo",
        "pausa para el almuerzo",
        "receso",
        "descanso",
        "перерыв",
        "обед",
        "обеденный перерыв",
        "кофе-брейк",
        "休息",
        "午餐",
        "午休",
        "茶歇",
        "استراحة",
        "استراحة الغداء",
        "غداء",
    ),
    "closing": (
        "closing",
        "closing segment",
        "clôture",
        "clausura",
        "закрытие",
        "闭幕",
        "闭幕式",
        "اختتام",
        "الاختتام",
    ),
}

WORDS: Mapping[str, str] = MappingProxyType(
    {word.casefold(): code for code, words in _WORDS.items() for word in words}
    | {code: code for code in KNOWN}
)


def segment_kind(text: str) -> str:
    """The code ``text`` stands for (``break`` for "Lunch break"), else ``text`` as typed."""
    return WORDS.get(" ".join(text.split()).casefold().replace("\u2019", "'"), text)
