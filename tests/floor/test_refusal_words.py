"""How the core's refusals of a role and of a stale version read (outside probe C, findings 7 and
9): "an organiser", not "a organiser"; a floor request refused to the staff names what they do
instead; a stale version says what to do. Pure: no server."""

from __future__ import annotations

import pytest

from app.floor import Role, StaleVersion
from app.floor.decide import role_refused, stale, with_article


@pytest.mark.parametrize(
    ("word", "said"),
    [
        (Role.ORGANISER, "an organiser"),
        (Role.MODERATOR, "a moderator"),
        (Role.DELEGATE, "a delegate"),
        (Role.DISPLAY, "a display"),
        (Role.RAPPORTEUR, "a rapporteur"),
        (Role.BOOTH, "a booth"),
        (Role.DEVICE, "a device"),
        ("interpreter", "an interpreter"),
        ("", "a "),
    ],
)
def test_a_role_with_its_article(word: str, said: str) -> None:
    assert with_article(word) == said


@pytest.mark.parametrize(
    ("role", "command", "said", "instead"),
    [
        (Role.ORGANISER, "request_floor", "an organiser may not send request_floor", True),
        (Role.MODERATOR, "request_floor", "a moderator may not send request_floor", True),
        (Role.RAPPORTEUR, "request_floor", "a rapporteur may not send request_floor", False),
        (Role.DISPLAY, "request_floor", "a display may not send request_floor", False),
        (Role.DELEGATE, "call_next", "a delegate may not send call_next", False),
        (Role.ORGANISER, "raise_signal", "an organiser may not send raise_signal", False),
    ],
)
def test_a_command_refused_to_a_role(role: Role, command: str, said: str, instead: bool) -> None:
    refusal = role_refused(role, command)
    assert (refusal.status, refusal.code) == (403, "forbidden")
    assert refusal.message.startswith(said)
    if instead:  # the staff's ways to put a delegate on the list
        assert "add_speaker" in refusal.message and "delegate token" in refusal.message
    else:
        assert refusal.message == said


def test_a_stale_version_says_what_to_do() -> None:
    refusal = stale("segment s1", 1, 10)
    assert isinstance(refusal, StaleVersion) and refusal.status == 409
    assert refusal.message == (
        "the command was based on version 1 but segment s1 is at version 10: someone else "
        "changed it first; read the state again (this refusal's state holds it) and send the "
        "command again if it still applies"
    )
    outcome = stale("the outcome of event 'e1'", 2, 3, "it again")
    assert outcome.message.endswith("read it again and send the command again if it still applies")
