"""The moderator's preset messages to the speaker: one press on the console or one button of a
button box, shown on the speaker clock in the clock's own language.

A preset is sent by its id (``set_message`` with ``preset``, ``POST …/actions/message/{preset}``)
and written to the log as its English text, as any message is, so the record reads the same
whichever way it came. The views name the preset a message is (``message_preset``), and the
faces translate it (``clock.preset.<id>`` in ``frontend/static/js/i18n.js``); any other text is
shown as typed. The wordings that consoles before the presets had an id typed are recognised too,
so a segment that holds one is translated as well. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class MessagePreset(StrEnum):
    """A preset message's id (the same in the command, the button box's path and the view)."""

    CONCLUDE = "conclude"
    TIME = "time"
    SLOW = "slow"


#: What each preset reads in the record (English; the faces translate it).
PRESET_TEXTS: Mapping[MessagePreset, str] = MappingProxyType(
    {
        MessagePreset.CONCLUDE: "Please conclude",
        MessagePreset.TIME: "Your time is up",
        MessagePreset.SLOW: "Please slow down for the interpreters",
    }
)

#: The texts that are a preset: its own, and what the console and the button box sent before
#: the presets were one table ("Time is up", "Please slow down").
_BY_TEXT: Mapping[str, MessagePreset] = MappingProxyType(
    {
        **{text: preset for preset, text in PRESET_TEXTS.items()},
        "Time is up": MessagePreset.TIME,
        "Please slow down": MessagePreset.SLOW,
    }
)


def text_of(preset: MessagePreset) -> str:
    """The text a preset puts on the speaker clock (and in the record)."""
    return PRESET_TEXTS[preset]


def preset_of(text: str) -> MessagePreset | None:
    """The preset a message is, if it is one (exactly its text), else None: shown as typed."""
    return _BY_TEXT.get(text)
