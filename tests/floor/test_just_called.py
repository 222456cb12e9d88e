"""A speaker just given the floor from one console or button box is not moved on from by another
one's press in the same instant (``possible.just_called``; outside probe N: the moderator on the
console and a button box both pressed Next as the last speaker ended, and a speaker was skipped
with 0.2 s on the record)."""

from __future__ import annotations

import pytest

from app.floor import Actor, Role
from app.floor import commands as c
from app.floor.events import TurnStarted
from app.floor.possible import JUST_CALLED_MS

from .kit import EVENT_ID, MODERATOR, Floor, live_floor, replay

CONSOLE = Actor(Role.MODERATOR, EVENT_ID, credential_id="console-link")
BOX = Actor(Role.DEVICE, EVENT_ID, credential_id="box-link")
OTHER_CONSOLE = Actor(Role.MODERATOR, EVENT_ID, credential_id="chair-link")
ORGANISER_KEY = Actor(Role.ORGANISER)


def _called(caller: Actor) -> Floor:
    """Amina Diallo given the floor by ``caller``; Bruno Silva and Chen Wei wait."""
    floor = live_floor()
    for name in ("Amina Diallo", "Bruno Silva", "Chen Wei"):
        floor.add(name)
    floor.send(c.CallNext(), caller)
    return floor


def _speaking(floor: Floor) -> str | None:
    current = floor.seg.current
    return current.entry.speaker.name if current is not None else None


@pytest.mark.parametrize(
    ("caller", "presser", "after_ms", "moves_on"),
    [
        # another console or box, within the window: the same intent pressed twice; refused
        (CONSOLE, BOX, 200, False),
        (BOX, CONSOLE, 150, False),
        (CONSOLE, OTHER_CONSOLE, JUST_CALLED_MS - 1, False),
        (ORGANISER_KEY, BOX, 0, False),
        # once the window has passed, a press is a press
        (CONSOLE, BOX, JUST_CALLED_MS, True),
        (BOX, CONSOLE, 5_000, True),
        # the same console or box: its own guard (the console's burst guard, the box's double
        # press) decides; here it is a second, deliberate press
        (CONSOLE, CONSOLE, 100, True),
        (BOX, BOX, 100, True),
        (MODERATOR, MODERATOR, 0, True),
    ],
)
@pytest.mark.parametrize("command", [c.CallNext(), c.CallNext(skipped=True), c.EndTurn()])
def test_a_press_from_elsewhere_just_after_a_call_does_not_move_the_floor_on(
    caller: Actor, presser: Actor, after_ms: int, moves_on: bool, command: c.SegmentCommand
) -> None:
    floor = _called(caller)
    floor.tick(after_ms)
    if moves_on:
        floor.send(command, presser)
        assert _speaking(floor) != "Amina Diallo"
        return
    error = floor.refuse(command, "just_called", presser)
    assert error.message == (
        f"Amina Diallo was given the floor {after_ms / 1000:.1f} s ago from another console or "
        "button box: nothing was done; to move on from Amina Diallo too, press again"
    )
    assert error.detail == {"name": "Amina Diallo", "since_ms": after_ms}
    assert _speaking(floor) == "Amina Diallo"
    floor.tick(JUST_CALLED_MS)  # pressed again a moment later: it goes through
    floor.send(command, presser)
    assert _speaking(floor) != "Amina Diallo"


def test_the_caller_is_kept_on_the_turn_and_in_the_log() -> None:
    floor = _called(BOX)
    assert floor.seg.current is not None and floor.seg.current.given_by == "box-link"
    (started,) = [event for event in floor.log if isinstance(event, TurnStarted)]
    assert started.by == "box-link"


def test_a_turn_from_a_log_that_did_not_keep_its_caller_is_not_guarded() -> None:
    """A log written before ``by`` was kept: its turns were called by no one known, and a press
    moves the floor on as it always did."""
    floor = _called(CONSOLE)
    floor.log = [
        event.model_copy(update={"by": None}) if isinstance(event, TurnStarted) else event
        for event in floor.log
    ]
    floor.state = replay(floor.log)
    assert floor.seg.current is not None and floor.seg.current.given_by is None
    floor.send(c.CallNext(), BOX)
    assert _speaking(floor) == "Bruno Silva"


def test_the_floor_given_back_after_a_question_is_guarded_as_a_call_is() -> None:
    """The review: the console ends an interposed question (its Next gives the floor back to
    Amina Diallo); the box's Next 200 ms later, the same intent, would end her turn and call the
    next. A question interposed is guarded the same way."""
    floor = _called(CONSOLE)
    floor.tick(60_000)
    floor.send(c.Interpose(name="Questioner"), CONSOLE)
    floor.tick(200)
    floor.refuse(c.CallNext(), "just_called", BOX)  # the question just given the floor
    floor.tick(30_000)
    floor.send(c.CallNext(), CONSOLE)  # the question ends: the floor goes back to Amina
    assert _speaking(floor) == "Amina Diallo"
    floor.tick(200)
    error = floor.refuse(c.CallNext(), "just_called", BOX)
    assert error.detail == {"name": "Amina Diallo", "since_ms": 200}
    floor.tick(JUST_CALLED_MS)
    floor.send(c.CallNext(), BOX)
    assert _speaking(floor) == "Bruno Silva"


def test_a_process_whose_clock_is_a_little_behind_the_caller_s_still_guards() -> None:
    """The review: several processes, the press decided on one whose clock reads 30 ms before
    the call: it is as soon after the call as can be, not outside the window."""
    floor = _called(CONSOLE)
    floor.now -= 30
    error = floor.refuse(c.CallNext(), "just_called", BOX)
    assert error.detail == {"name": "Amina Diallo", "since_ms": 0}
