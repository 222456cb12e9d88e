"""Every command type: accepted by the right roles only, versioned, and replayable from the log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from app.floor import Actor, Forbidden, NotFound, Role, StaleVersion
from app.floor import commands as c
from app.floor.events import event_from_json, event_to_json, event_types
from app.floor.model import Constituency, FloorMode, SignalKind, TurnKind
from app.floor.possible import JUST_CALLED_MS
from tests.floor.kit import (
    BOOTH,
    DISPLAY,
    MODERATOR,
    ORGANISER,
    START_AT,
    Floor,
    delegate,
    live_floor,
    replay,
)

Example = tuple[Any, Actor, str | None]


def _base() -> tuple[Floor, str, str]:
    """A live segment: p1 waits for approval, Speaker has the floor, A and B are queued;
    a second segment is in the programme."""
    floor = live_floor()
    second = floor.create_segment("Thematic discussion II")
    pending = floor.request("p1")
    floor.add("Speaker")
    floor.send(c.CallNext())
    floor.tick(JUST_CALLED_MS)  # another console may move the floor on from Speaker now
    floor.add("A")
    floor.add("B")
    return floor, pending, second


def _steps(*steps: Any) -> Callable[[Floor, str, str], Example]:
    def prepare(floor: Floor, pending: str, second: str) -> Example:
        for step in steps[:-1]:
            floor.send(step)
        return steps[-1], MODERATOR, None

    return prepare


def _entry(floor: Floor, name: str) -> str:
    return next(entry.id for entry in floor.seg.queue if entry.speaker.name == name)


#: One accepted use of each command type: (command, actor, segment id or None for the default).
def _speaking(floor: Floor) -> bool:
    """Someone has the floor (the booth's signals are for the speaker)."""
    floor.add("Signalled", position=0)
    floor.send(c.CallNext())
    return True


EXAMPLES: dict[str, Callable[[Floor, str, str], Example]] = {
    "request_floor": lambda f, p, s: (
        c.RequestFloor(kind=TurnKind.RIGHT_OF_REPLY),
        delegate("p3"),
        None,
    ),
    "withdraw_request": lambda f, p, s: (c.WithdrawRequest(request_id=p), delegate("p1"), None),
    "approve_request": lambda f, p, s: (
        c.ApproveRequest(request_id=p, position=0),
        MODERATOR,
        None,
    ),
    "decline_request": lambda f, p, s: (
        c.DeclineRequest(request_id=p, reason="no"),
        MODERATOR,
        None,
    ),
    "add_speaker": lambda f, p, s: (c.AddSpeaker(participant_id="p4"), MODERATOR, None),
    "move_entry": lambda f, p, s: (
        c.MoveEntry(entry_id=_entry(f, "B"), position=0),
        MODERATOR,
        None,
    ),
    "remove_entry": lambda f, p, s: (c.RemoveEntry(entry_id=_entry(f, "A")), MODERATOR, None),
    "edit_entry": lambda f, p, s: (
        c.EditEntry(entry_id=_entry(f, "B"), kind=TurnKind.POINT_OF_ORDER, note="rule 12"),
        MODERATOR,
        None,
    ),
    # the registry corrected (p1's pending request shows her old name)
    "correct_speaker": lambda f, p, s: (
        f.speakers.update(p1=replace(f.speakers["p1"], name="Amina Diallo-Sow"))
        or c.CorrectSpeaker(participant_id="p1"),
        MODERATOR,
        None,
    ),
    # a question interposed and ended (the floor goes back to Speaker), then re-added
    "readd_last_speaker": _steps(c.Interpose(name="Q"), c.EndTurn(), c.ReaddLastSpeaker()),
    # a question interposed, then the answer to it
    "interpose": _steps(c.Interpose(name="Q"), c.Interpose(name="Panellist", kind=TurnKind.ANSWER)),
    "set_notes": _steps(c.SetNotes(text="Call the mayor after the break.")),
    "set_points_of_order": _steps(c.SetPointsOfOrder(enabled=False)),
    "undo": _steps(c.Undo()),
    "set_floor_mode": _steps(c.SetFloorMode(mode=FloorMode.OPEN)),
    "close_list": _steps(c.CloseList()),
    "reopen_list": _steps(c.CloseList(), c.ReopenList()),
    "set_queue_cap": _steps(c.SetQueueCap(cap=3)),
    "set_default_time": _steps(c.SetDefaultTime(kind=TurnKind.REMARKS, duration_ms=240_000)),
    "set_thresholds": _steps(c.SetThresholds(warning_ms=45_000, danger_ms=15_000)),
    "set_start_timer_on_call": _steps(c.SetStartTimerOnCall(enabled=True)),
    "call_next": _steps(c.CallNext()),
    "end_turn": _steps(c.EndTurn()),
    "start_timer": _steps(c.StartTimer()),
    "pause_timer": _steps(c.StartTimer(), c.PauseTimer()),
    "resume_timer": _steps(c.StartTimer(), c.PauseTimer(), c.ResumeTimer()),
    "adjust_time": _steps(c.AdjustTime(delta_ms=-15_000)),
    "reset_timer": _steps(c.StartTimer(), c.ResetTimer()),
    "set_message": _steps(c.SetMessage(text="please conclude")),
    "clear_message": _steps(c.SetMessage(text="please conclude"), c.ClearMessage()),
    "start_segment": lambda f, p, s: (c.StartSegment(), MODERATOR, s),
    "end_segment": _steps(c.EndSegment()),
    # the segment made a lunch break, then when it resumes told the room
    "announce_resumption": _steps(
        c.UpdateSegment(kind="break"), c.AnnounceResumption(at=START_AT + 90 * 60_000)
    ),
    "update_segment": _steps(c.UpdateSegment(moderator="Ms. Chair")),
    "create_segment": lambda f, p, s: (c.CreateSegment(title="Closing"), ORGANISER, None),
    # the second segment, scheduled and empty, added by mistake
    "remove_segment": lambda f, p, s: (c.RemoveSegment(), ORGANISER, s),
    # the queue put in the suggested order, then the pending requests approved in theirs
    "apply_order": lambda f, p, s: (
        f.send(c.ApplyOrder(scope="queue", order=[_entry(f, "B"), _entry(f, "A")]))
        and c.ApplyOrder(scope="requests", order=[p]),
        MODERATOR,
        None,
    ),
    "set_queue_times": _steps(c.SetQueueTimes(duration_ms=135_000)),
    "set_budget": _steps(c.SetBudget(constituency=Constituency.CIVIL_SOCIETY, budget_ms=600_000)),
    "carry_queue": lambda f, p, s: (
        f.send(c.EndSegment()) and c.CarryQueue(to_segment_id=s),
        MODERATOR,
        None,
    ),
    "raise_signal": lambda f, p, s: (
        _speaking(f) and c.RaiseSignal(kind=SignalKind.SLOW_DOWN),
        BOOTH,
        None,
    ),
    "clear_signal": lambda f, p, s: (
        _speaking(f) and f.send(c.RaiseSignal(kind=SignalKind.MIC_OFF), BOOTH) and c.ClearSignal(),
        BOOTH,
        None,
    ),
}

#: Who may send what, written out here independently of app.floor.roles.
RUNNERS = {Role.ORGANISER, Role.MODERATOR}
ALLOWED = {
    "request_floor": {Role.DELEGATE},
    "withdraw_request": {Role.DELEGATE, *RUNNERS},
    "create_segment": {Role.ORGANISER},
    "remove_segment": {Role.ORGANISER},
    "update_segment": RUNNERS,
    "raise_signal": {Role.BOOTH, *RUNNERS},
    "clear_signal": {Role.BOOTH, *RUNNERS},
    # a button box: the console's everyday buttons
    **{
        command: {Role.DEVICE, *RUNNERS}
        for command in (
            "call_next",
            "start_timer",
            "pause_timer",
            "resume_timer",
            "adjust_time",
            "end_turn",
            "set_message",
        )
    },
}


def _prepared(command_type: str) -> tuple[Floor, Any, Actor, str | None]:
    floor, pending, second = _base()
    command, actor, segment_id = EXAMPLES[command_type](floor, pending, second)
    return floor, command, actor, segment_id


def _as(role: Role, actor: Actor) -> Actor:
    participant_id = actor.participant_id if actor.role is Role.DELEGATE else "p1"
    return Actor(role, None if role is Role.ORGANISER else actor.event_id, participant_id)


def test_every_command_type_has_an_example() -> None:
    assert set(EXAMPLES) == set(c.command_types())
    assert len(c.command_types()) == len(set(c.command_types()))


@pytest.mark.parametrize("command_type", c.command_types())
def test_each_event_raises_its_segments_version_by_one(command_type: str) -> None:
    floor, command, actor, segment_id = _prepared(command_type)
    before = floor.state
    events = floor.send(command, actor, segment_id)
    assert events, f"{command_type} should change something here"
    assert all(e.type != "segment_created" for e in events) or command_type == "create_segment"
    for segment in floor.state.segments.values():
        count = sum(e.segment_id == segment.id for e in events)
        old = before.segments.get(segment.id)
        assert segment.version == (old.version if old else 0) + count


@pytest.mark.parametrize("command_type", [t for t in c.command_types() if t != "create_segment"])
def test_a_stale_base_version_is_refused(command_type: str) -> None:
    floor, command, actor, segment_id = _prepared(command_type)
    target = floor.segment(segment_id)
    error = floor.refuse(
        command, "stale_version", actor, segment_id, target.version - 1, error=StaleVersion
    )
    assert error.status == 409
    assert f"version {target.version - 1}" in error.message
    assert f"is at version {target.version}" in error.message
    floor.send(command, actor, segment_id, base_version=target.version)


def test_a_command_based_on_what_someone_else_changed_is_refused(floor: Floor) -> None:
    seen = floor.version
    floor.add("A")  # the other console was quicker
    floor.refuse(c.AddSpeaker(name="B"), "stale_version", base_version=seen, error=StaleVersion)
    assert floor.names() == ["A"]


def test_a_delegates_base_version_is_checked_too(floor: Floor) -> None:
    floor.refuse(c.RequestFloor(), "stale_version", delegate("p1"), base_version=0)


@pytest.mark.parametrize("command_type", c.command_types())
@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_send_only_its_commands(command_type: str, role: Role) -> None:
    floor, command, actor, segment_id = _prepared(command_type)
    who = _as(role, actor)
    allowed = ALLOWED.get(command_type, RUNNERS)
    if role in allowed:
        assert floor.send(command, who, segment_id)
    else:
        error = floor.refuse(command, "forbidden", who, segment_id, error=Forbidden)
        article = "an" if role is Role.ORGANISER else "a"  # the only role with a vowel
        assert error.status == 403
        assert error.message.startswith(f"{article} {role} may not send {command_type}")


def test_a_display_may_send_nothing() -> None:
    for command_type in c.command_types():
        floor, command, _, segment_id = _prepared(command_type)
        floor.refuse(command, "forbidden", DISPLAY, segment_id, error=Forbidden)


def test_the_role_is_checked_before_the_version(floor: Floor) -> None:
    floor.refuse(c.CallNext(), "forbidden", delegate("p1"), base_version=0, error=Forbidden)


def test_a_command_for_an_unknown_segment_is_not_found(floor: Floor) -> None:
    error = floor.refuse(c.CallNext(), "not_found", segment_id="nope", error=NotFound)
    assert error.status == 404


def test_every_event_type_is_produced_and_survives_the_log() -> None:
    seen: set[str] = set()
    for command_type in c.command_types():
        floor, command, actor, segment_id = _prepared(command_type)
        floor.send(command, actor, segment_id)
        for event in floor.log:
            assert event_from_json(event_to_json(event)) == event
            seen.add(event.type)
        assert replay(floor.log) == floor.state
    assert seen == set(event_types())


@pytest.mark.parametrize("name", ["", "   ", "\u3164\u3164", "\u2800", "\u180b"])
def test_a_guest_is_named_with_something_that_shows(floor: Floor, name: str) -> None:
    """A guest the moderator adds or interposes needs a name a screen can show: blank, or only
    Hangul fillers, a Braille blank or a variation selector, reads as nobody on the room's
    display (outside probe L)."""
    error = floor.refuse(c.AddSpeaker(name=name), "invalid")
    assert error.message == "add_speaker needs a participant_id or a name"
    floor.send(c.AddSpeaker(name="\u0645\u0631\u064a\u0645"))  # a real name, in any script
