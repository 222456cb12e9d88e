"""The moderator's preset messages (app/floor/presets.py): sent by id, written as their English
text, named again in every view so that the clock shows them in its own language."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.floor import commands as c
from app.floor.presets import PRESET_TEXTS, MessagePreset, preset_of, text_of
from app.views import Audience

from .kit import Floor, live_floor


@pytest.fixture
def floor() -> Floor:
    f = live_floor()
    f.add("Panellist 1")
    f.send(c.CallNext())
    return f


@pytest.mark.parametrize(
    ("text", "preset"),
    [
        ("Please conclude", MessagePreset.CONCLUDE),
        ("Your time is up", MessagePreset.TIME),
        ("Please slow down for the interpreters", MessagePreset.SLOW),
        # what the console and the button box sent before the presets were one table
        ("Time is up", MessagePreset.TIME),
        ("Please slow down", MessagePreset.SLOW),
        # anything else is shown as typed
        ("please conclude", None),
        ("Please conclude now", None),
        ("Veuillez conclure", None),
        ("", None),
    ],
)
def test_a_message_is_a_preset_only_when_it_is_exactly_one(
    text: str, preset: MessagePreset | None
) -> None:
    assert preset_of(text) is preset


def test_every_preset_reads_as_itself() -> None:
    assert {preset_of(text_of(preset)) for preset in MessagePreset} == set(MessagePreset)
    assert set(PRESET_TEXTS) == set(MessagePreset)


@pytest.mark.parametrize("preset", list(MessagePreset))
def test_a_preset_is_written_as_its_text_and_every_audience_is_told_which_it_is(
    floor: Floor, preset: MessagePreset
) -> None:
    (event,) = floor.send(c.SetMessage(preset=preset))
    assert event.type == "message_set"
    assert floor.seg.message == PRESET_TEXTS[preset]  # the record reads the same either way
    for audience in Audience:
        if audience is Audience.LIVE:
            continue  # the live page shows no message
        view = floor.view(audience)
        assert (view["message"], view["message_preset"]) == (PRESET_TEXTS[preset], preset.value)


def test_a_typed_message_names_no_preset_and_typing_a_presets_words_is_that_preset(
    floor: Floor,
) -> None:
    floor.send(c.SetMessage(text="Two minutes, please"))
    assert floor.view()["message_preset"] is None
    floor.send(c.SetMessage(text="Please conclude"))
    assert floor.view()["message_preset"] == "conclude"
    # the same preset again changes nothing (no event, nothing to undo)
    assert floor.send(c.SetMessage(preset=MessagePreset.CONCLUDE)) == []
    floor.send(c.ClearMessage())
    assert (floor.view()["message"], floor.view()["message_preset"]) == ("", None)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({}, "the message is empty: give its text, or a preset (conclude, time, slow)"),
        ({"text": "   "}, "the message is empty"),
        ({"text": "Hurry", "preset": "conclude"}, "give the message's text or a preset, not both"),
        ({"preset": "hurry"}, "'conclude', 'time' or 'slow'"),
    ],
)
def test_a_message_needs_a_text_or_a_preset_and_not_both(body: dict[str, str], says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        c.SetMessage.model_validate({"type": "set_message", **body})
    assert says in str(caught.value)
