"""Turns and the timer: calling speakers, the record of speeches, time, messages."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.floor import commands as c
from app.floor.events import TimeAdjusted, TimerPaused, TimerResumed, TimerStarted, TurnEnded
from app.floor.model import Constituency, RequestStatus, Speech, TurnKind
from app.floor.presets import MessagePreset
from app.views import Audience
from tests.floor.kit import Floor

INTERVENTION_MS = 180_000

# --- calling the next speaker -------------------------------------------------------------------


def test_call_next_gives_the_floor_to_the_first_in_the_queue(floor: Floor) -> None:
    request_id = floor.queued("p1")
    floor.add("B")
    floor.send(c.SetMessage(text="welcome"))
    floor.send(c.CallNext())
    current = floor.seg.current
    assert current is not None
    assert current.entry.speaker.name == "Amina Diallo"
    assert floor.names() == ["B"]
    assert floor.status(request_id) is RequestStatus.SPEAKING
    assert current.timer.state == "idle"
    assert current.timer.allotted_ms == INTERVENTION_MS
    assert floor.remaining == INTERVENTION_MS
    assert floor.seg.message == ""


def test_the_timer_does_not_start_by_itself(floor: Floor) -> None:
    floor.queued("p1")
    floor.send(c.CallNext())
    floor.tick(90_000)
    assert floor.remaining == INTERVENTION_MS


def test_call_next_records_the_speech_of_the_current_speaker(floor: Floor) -> None:
    request_id = floor.queued("p1")
    floor.add("B")
    called = floor.now
    floor.send(c.CallNext())
    floor.tick(5_000)
    started = floor.now
    floor.send(c.StartTimer())
    floor.tick(100_000)
    floor.send(c.CallNext())
    assert floor.seg.speeches == (
        Speech(
            entry_id=floor.req(request_id).entry_id or "",
            speaker=floor.req(request_id).speaker,
            kind=TurnKind.INTERVENTION,
            allotted_ms=INTERVENTION_MS,
            called_at=called,
            timer_started_at=started,
            ended_at=floor.now,
            held_ms=105_000,
            timed_ms=100_000,
            overrun_ms=0,
            request_id=request_id,
        ),
    )
    (speech,) = floor.seg.speeches
    assert (speech.started_at, speech.spoken_ms) == (started, 100_000)  # as REST reads them
    assert floor.status(request_id) is RequestStatus.SPOKEN
    assert floor.seg.current is not None and floor.seg.current.entry.speaker.name == "B"


def test_a_speech_that_runs_over_records_the_overrun(floor: Floor) -> None:
    floor.queued("p1")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.tick(INTERVENTION_MS + 15_000)
    assert floor.remaining == -15_000
    floor.send(c.EndTurn())
    (speech,) = floor.seg.speeches
    assert (speech.spoken_ms, speech.overrun_ms) == (INTERVENTION_MS + 15_000, 15_000)


def test_a_turn_whose_timer_never_started_is_on_the_record(floor: Floor) -> None:
    """Issue 12: P2 is called and speaks, the moderator calls the next speaker without having
    started the timer; the record holds P2's turn too, untimed."""
    first = floor.queued("p1")
    second = floor.queued("p2")
    floor.add("C")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.tick(60_000)
    floor.send(c.CallNext())  # P2 speaks, nobody starts the timer
    called = floor.now
    floor.tick(90_000)
    (ended, started) = floor.send(c.CallNext())
    assert isinstance(ended, TurnEnded) and started.type == "turn_started"
    assert [s.speaker.name for s in floor.seg.speeches] == ["Amina Diallo", "Bruno Silva"]
    untimed = floor.seg.speeches[1]
    assert (untimed.called_at, untimed.timer_started_at, untimed.ended_at) == (
        called,
        None,
        floor.now,
    )
    assert (untimed.held_ms, untimed.timed_ms, untimed.overrun_ms) == (90_000, 0, 0)
    assert untimed.skipped is False and untimed.request_id == second
    assert floor.status(first) is RequestStatus.SPOKEN
    assert floor.status(second) is RequestStatus.SPOKEN
    assert floor.mine("p2")[0]["status"] == "spoken"


@pytest.mark.parametrize("command", [c.EndTurn(skipped=True), c.CallNext(skipped=True)])
def test_a_turn_passed_as_skipped_is_on_the_record_as_skipped(
    floor: Floor, command: object
) -> None:
    request_id = floor.queued("p1")
    floor.add("B")
    floor.send(c.CallNext())
    floor.tick(4_000)
    floor.send(command)
    (speech,) = floor.seg.speeches
    assert speech.skipped is True and (speech.held_ms, speech.timed_ms) == (4_000, 0)
    assert floor.status(request_id) is RequestStatus.SKIPPED
    assert floor.mine("p1")[0]["status"] == "skipped"


def test_call_next_with_an_empty_queue_ends_the_turn(floor: Floor) -> None:
    floor.add("A")
    floor.send(c.CallNext())
    (ended,) = floor.send(c.CallNext())
    assert ended.type == "turn_ended"
    assert floor.seg.current is None


def test_call_next_with_nobody_to_call_is_refused(floor: Floor) -> None:
    error = floor.refuse(c.CallNext(), "queue_empty")
    assert "empty" in error.message


def test_end_turn_records_the_speech_and_leaves_the_floor_empty(floor: Floor) -> None:
    floor.add("A", constituency=Constituency.ACADEMIA)
    floor.add("B")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.tick(42_000)
    floor.send(c.EndTurn())
    assert floor.seg.current is None
    assert floor.names() == ["B"]
    assert [(s.speaker.name, s.spoken_ms) for s in floor.seg.speeches] == [("A", 42_000)]


@pytest.mark.parametrize(
    "command",
    [
        c.EndTurn(),
        c.StartTimer(),
        c.PauseTimer(),
        c.ResumeTimer(),
        c.AdjustTime(delta_ms=30_000),
        c.ResetTimer(),
    ],
)
def test_turn_commands_need_a_speaker(floor: Floor, command: object) -> None:
    error = floor.refuse(command, "no_speaker")
    assert "nobody has the floor" in error.message


# --- the timer ----------------------------------------------------------------------------------


@pytest.fixture
def speaking(floor: Floor) -> Floor:
    """Amina Diallo has the floor for an intervention (3 minutes); the timer is idle."""
    floor.queued("p1")
    floor.send(c.CallNext())
    return floor


def test_start_the_timer(speaking: Floor) -> None:
    (started,) = speaking.send(c.StartTimer())
    assert isinstance(started, TimerStarted)
    timer = speaking.timer
    assert timer.state == "running"
    assert timer.deadline_at == speaking.now + INTERVENTION_MS == started.deadline_at
    assert timer.started_at == speaking.now
    speaking.tick(61_000)
    assert speaking.remaining == INTERVENTION_MS - 61_000


def test_the_timer_can_only_start_once(speaking: Floor) -> None:
    speaking.send(c.StartTimer())
    assert "pause" in speaking.refuse(c.StartTimer(), "timer_not_idle").message
    speaking.send(c.PauseTimer())
    assert "resume" in speaking.refuse(c.StartTimer(), "timer_not_idle").message


def test_pause_freezes_the_time_left(speaking: Floor) -> None:
    speaking.send(c.StartTimer())
    speaking.tick(20_000)
    (paused,) = speaking.send(c.PauseTimer())
    assert isinstance(paused, TimerPaused)
    assert paused.remaining_ms == INTERVENTION_MS - 20_000
    speaking.tick(600_000)
    timer = speaking.timer
    assert (timer.state, timer.deadline_at) == ("paused", None)
    assert speaking.remaining == INTERVENTION_MS - 20_000


def test_pause_needs_a_running_timer(speaking: Floor) -> None:
    speaking.refuse(c.PauseTimer(), "timer_not_running")
    speaking.send(c.StartTimer())
    speaking.send(c.PauseTimer())
    speaking.refuse(c.PauseTimer(), "timer_not_running")


def test_resume_sets_a_new_deadline_from_the_time_left(speaking: Floor) -> None:
    speaking.send(c.StartTimer())
    first_start = speaking.now
    speaking.tick(20_000)
    speaking.send(c.PauseTimer())
    speaking.tick(45_000)
    (resumed,) = speaking.send(c.ResumeTimer())
    assert isinstance(resumed, TimerResumed)
    assert resumed.deadline_at == speaking.now + INTERVENTION_MS - 20_000
    speaking.tick(10_000)
    assert speaking.remaining == INTERVENTION_MS - 30_000
    timer = speaking.timer
    assert timer.started_at == first_start
    speaking.send(c.EndTurn())
    (speech,) = speaking.seg.speeches
    assert speech.spoken_ms == 30_000  # the pause does not count
    assert (speech.started_at, speech.ended_at) == (first_start, speaking.now)


def test_resume_needs_a_paused_timer(speaking: Floor) -> None:
    speaking.refuse(c.ResumeTimer(), "timer_not_paused")
    speaking.send(c.StartTimer())
    speaking.refuse(c.ResumeTimer(), "timer_not_paused")


def test_add_time_while_running_moves_the_deadline(speaking: Floor) -> None:
    speaking.send(c.StartTimer())
    deadline = speaking.timer.deadline_at
    assert deadline is not None
    speaking.tick(10_000)
    speaking.send(c.AdjustTime(delta_ms=30_000))
    timer = speaking.timer
    assert (timer.deadline_at, timer.added_ms) == (deadline + 30_000, 30_000)
    assert speaking.remaining == INTERVENTION_MS - 10_000 + 30_000
    speaking.send(c.AdjustTime(delta_ms=-50_000))
    assert speaking.timer.added_ms == -20_000
    assert speaking.remaining == INTERVENTION_MS - 10_000 - 20_000


def test_adjust_time_while_paused_changes_the_time_left(speaking: Floor) -> None:
    speaking.send(c.StartTimer())
    speaking.tick(30_000)
    speaking.send(c.PauseTimer())
    speaking.send(c.AdjustTime(delta_ms=60_000))
    assert speaking.remaining == INTERVENTION_MS - 30_000 + 60_000
    speaking.send(c.ResumeTimer())
    assert speaking.remaining == INTERVENTION_MS + 30_000


def test_adjust_time_before_the_start_changes_the_total(speaking: Floor) -> None:
    speaking.send(c.AdjustTime(delta_ms=-60_000))
    assert speaking.remaining == INTERVENTION_MS - 60_000
    speaking.send(c.StartTimer())
    assert speaking.timer.deadline_at == speaking.now + 120_000


#: Taking time off (3-minute intervention): the steps before it, the delta asked, then the delta
#: the ``time_adjusted`` event records (None: no event) and the time left after it. Time taken
#: off can at most take the turn's whole time (allotted and added): more is clamped, not refused,
#: and the event says what was taken off (so the record and undo are exact). Taking off more than
#: is left is overtime (a timer started late, put right), never more than the time it has run.
_RUN, _PAUSE, _HOUR = c.StartTimer(), c.PauseTimer(), 3_600_000
TAKE_OFF: list[tuple[str, list[object], int, int | None, int]] = [
    ("less than is left", [_RUN, 60_000], -30_000, -30_000, 90_000),
    ("exactly what is left", [_RUN, 150_000], -30_000, -30_000, 0),
    ("more than is left: overtime", [_RUN, 170_000], -60_000, -60_000, -50_000),
    ("paused, more than is left", [_RUN, 160_000, _PAUSE], -60_000, -60_000, -40_000),
    ("idle: at most the whole time", [], -_HOUR, -INTERVENTION_MS, 0),
    ("idle, after time added", [c.AdjustTime(delta_ms=60_000)], -_HOUR, -240_000, 0),
    ("running: at most the whole time", [_RUN, 60_000], -_HOUR, -INTERVENTION_MS, -60_000),
    ("the whole time taken", [_RUN, 10_000, c.AdjustTime(delta_ms=-_HOUR)], -30_000, None, -10_000),
    ("over time: its time can still go", [_RUN, 200_000], -30_000, -30_000, -50_000),
    ("paused over time", [_RUN, 190_000, _PAUSE], -1_000, -1_000, -11_000),
    ("adding is not clamped", [_RUN, 200_000], _HOUR, _HOUR, 3_580_000),
]  # fmt: skip


@pytest.mark.parametrize(
    ("steps", "delta", "recorded", "left"),
    [case[1:] for case in TAKE_OFF],
    ids=[case[0] for case in TAKE_OFF],
)
def test_time_taken_off_is_at_most_the_turns_whole_time(
    speaking: Floor, steps: list[object], delta: int, recorded: int | None, left: int
) -> None:
    for step in steps:
        if isinstance(step, int):
            speaking.tick(step)
        else:
            speaking.send(step)
    added = speaking.timer.added_ms
    events = speaking.send(c.AdjustTime(delta_ms=delta))
    if recorded is None:
        assert events == []
    else:
        (adjusted,) = events
        assert isinstance(adjusted, TimeAdjusted) and adjusted.delta_ms == recorded
    assert speaking.timer.added_ms == added + (recorded or 0)
    assert speaking.remaining == left
    assert speaking.timer.total_ms >= 0


def test_taking_an_hour_off_again_and_again_is_overtime_of_the_time_spoken_only(
    speaking: Floor,
) -> None:
    """The probe's case: ``delta_ms`` -3 600 000 sent again and again on a 3-minute turn used to
    reach added_ms -10 740 000 (2 h 56 min of overtime at once)."""
    speaking.send(c.StartTimer())
    speaking.tick(20_000)
    assert len(speaking.send(c.AdjustTime(delta_ms=-3_600_000))) == 1
    for _ in range(3):
        assert speaking.send(c.AdjustTime(delta_ms=-3_600_000)) == []
    assert (speaking.timer.added_ms, speaking.remaining) == (-INTERVENTION_MS, -20_000)
    speaking.tick(5_000)
    assert speaking.remaining == -25_000  # overtime counts from there, as it does


def test_a_timer_started_late_is_put_right_by_taking_off_what_it_missed(speaking: Floor) -> None:
    """The speaker had spoken a minute before the moderator started the timer: a minute taken
    off, near the end, shows the overtime they really ran, and the record says so."""
    speaking.send(c.StartTimer())
    speaking.tick(170_000)
    speaking.send(c.AdjustTime(delta_ms=-60_000))
    assert speaking.remaining == -50_000
    assert speaking.view()["undo"]["label"] == "taking off 1 min"
    speaking.tick(5_000)
    assert speaking.remaining == -55_000
    speaking.send(c.PauseTimer())
    assert speaking.timer.remaining_ms == -55_000
    speaking.send(c.EndTurn())
    (speech,) = speaking.seg.speeches
    assert (speech.allotted_ms, speech.spoken_ms, speech.overrun_ms) == (120_000, 175_000, 55_000)


def test_undo_gives_back_exactly_the_time_a_clamped_take_off_took(speaking: Floor) -> None:
    speaking.send(c.StartTimer())
    speaking.tick(170_000)
    before = speaking.timer
    speaking.send(c.AdjustTime(delta_ms=-3_600_000))
    assert speaking.timer.added_ms == -INTERVENTION_MS
    speaking.send(c.Undo())
    assert speaking.timer == before
    assert speaking.remaining == 10_000


def test_adding_time_in_overtime_brings_the_speaker_back(speaking: Floor) -> None:
    speaking.send(c.StartTimer())
    speaking.tick(INTERVENTION_MS + 10_000)
    speaking.send(c.AdjustTime(delta_ms=60_000))
    assert speaking.remaining == 50_000


def test_adjust_time_of_zero_is_refused_by_the_schema() -> None:
    with pytest.raises(ValidationError, match="must not be 0"):
        c.AdjustTime(delta_ms=0)
    with pytest.raises(ValidationError):
        c.AdjustTime(delta_ms=3_600_001)


def test_reset_gives_back_the_full_time_and_stops_the_clock(speaking: Floor) -> None:
    speaking.send(c.StartTimer())
    speaking.tick(50_000)
    speaking.send(c.AdjustTime(delta_ms=30_000))
    speaking.send(c.ResetTimer())
    timer = speaking.timer
    assert (timer.state, timer.added_ms, timer.deadline_at) == ("idle", 0, None)
    assert speaking.remaining == INTERVENTION_MS
    speaking.send(c.StartTimer())
    assert speaking.timer.started_at == speaking.now


def test_resetting_an_untouched_timer_changes_nothing(speaking: Floor) -> None:
    assert speaking.send(c.ResetTimer()) == []


def test_resetting_a_timer_with_only_added_time_clears_it(speaking: Floor) -> None:
    speaking.send(c.AdjustTime(delta_ms=30_000))
    assert len(speaking.send(c.ResetTimer())) == 1
    assert speaking.remaining == INTERVENTION_MS


def test_resetting_the_clock_mid_speech_keeps_the_speech_and_its_time(speaking: Floor) -> None:
    """Issue 12: A speaks, the moderator resets the timer, then ends the turn: A's speech is on
    the record with the time spoken before the reset, and A's request says spoken."""
    request_id = speaking.seg.current.entry.request_id if speaking.seg.current else None
    speaking.send(c.StartTimer())
    speaking.tick(70_000)
    speaking.send(c.ResetTimer())
    speaking.tick(5_000)
    speaking.send(c.EndTurn())
    (speech,) = speaking.seg.speeches
    assert (speech.timed_ms, speech.held_ms, speech.overrun_ms) == (70_000, 75_000, 0)
    assert speech.skipped is False
    assert speech.timer_started_at == speaking.now - 75_000
    assert request_id is not None and speaking.status(request_id) is RequestStatus.SPOKEN


def test_a_reset_then_a_restart_adds_up_the_time_on_the_timer(speaking: Floor) -> None:
    first_start = speaking.now
    speaking.send(c.StartTimer())
    speaking.tick(40_000)
    speaking.send(c.PauseTimer())
    speaking.tick(10_000)  # paused: not on the timer
    speaking.send(c.ResetTimer())
    speaking.send(c.StartTimer())
    speaking.tick(INTERVENTION_MS + 20_000)  # 20 s past the fresh countdown
    speaking.send(c.EndTurn())
    (speech,) = speaking.seg.speeches
    assert speech.timer_started_at == first_start  # the first start, kept through the reset
    assert speech.timed_ms == 40_000 + INTERVENTION_MS + 20_000
    assert speech.held_ms == 50_000 + INTERVENTION_MS + 20_000
    # over time on the countdown the speaker saw after the reset, not the 40 s before it (the
    # timer started by mistake: outside probe Y)
    assert speech.overrun_ms == 20_000


# --- default times and thresholds ---------------------------------------------------------------


def test_set_default_time_applies_to_later_turns_only(floor: Floor) -> None:
    before = floor.add("Before", kind=TurnKind.INTERVENTION)
    floor.send(c.SetDefaultTime(kind=TurnKind.INTERVENTION, duration_ms=120_000))
    assert floor.seg.settings.default_times_ms[TurnKind.INTERVENTION] == 120_000
    assert floor.seg.settings.default_times_ms[TurnKind.PANELLIST] == 300_000
    after = floor.add("After", kind=TurnKind.INTERVENTION)
    assert floor.entry(before).allotted_ms == INTERVENTION_MS
    assert floor.entry(after).allotted_ms == 120_000
    floor.send(c.CallNext())
    assert floor.remaining == INTERVENTION_MS
    assert floor.view()["settings"]["default_times_ms"]["intervention"] == 120_000


def test_set_default_time_in_open_mode(open_floor: Floor) -> None:
    open_floor.send(c.SetDefaultTime(kind=TurnKind.POINT_OF_ORDER, duration_ms=30_000))
    open_floor.request("p1", TurnKind.POINT_OF_ORDER)
    assert open_floor.seg.queue[0].allotted_ms == 30_000


def test_setting_the_same_default_time_changes_nothing(floor: Floor) -> None:
    assert floor.send(c.SetDefaultTime(kind=TurnKind.PANELLIST, duration_ms=300_000)) == []


def test_set_thresholds(floor: Floor) -> None:
    floor.send(c.SetThresholds(warning_ms=60_000, danger_ms=15_000))
    settings = floor.view(Audience.PUBLIC)["settings"]
    assert (settings["warning_ms"], settings["danger_ms"]) == (60_000, 15_000)


def test_setting_the_same_thresholds_changes_nothing(floor: Floor) -> None:
    assert floor.send(c.SetThresholds(warning_ms=30_000, danger_ms=10_000)) == []


def test_red_may_not_come_before_amber(floor: Floor) -> None:
    error = floor.refuse(c.SetThresholds(warning_ms=10_000, danger_ms=20_000), "invalid_thresholds")
    assert error.status == 422
    floor.send(c.SetThresholds(warning_ms=10_000, danger_ms=10_000))


# --- the message to the speaker -----------------------------------------------------------------


def test_set_and_clear_the_message(speaking: Floor) -> None:
    speaking.send(c.SetMessage(text="  please conclude  "))
    assert speaking.view(Audience.PUBLIC)["message"] == "please conclude"
    assert speaking.send(c.SetMessage(text="please conclude")) == []
    speaking.send(c.ClearMessage())
    assert speaking.seg.message == ""
    assert speaking.send(c.ClearMessage()) == []


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u202e"])
def test_a_blank_message_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="text"):
        c.SetMessage(text=text)


def test_a_message_is_cleaned_of_invisible_and_direction_characters(speaking: Floor) -> None:
    speaking.send(c.SetMessage(text="Please\u200b con\u202eclude\n now"))
    assert speaking.view(Audience.PUBLIC)["message"] == "Please conclude now"


@pytest.mark.parametrize(
    ("message", "command", "cleared"),
    [
        # time given takes down a message that says the time is (nearly) up ...
        (MessagePreset.TIME, c.AdjustTime(delta_ms=60_000), True),
        (MessagePreset.CONCLUDE, c.AdjustTime(delta_ms=60_000), True),
        (MessagePreset.TIME, c.ResetTimer(), True),
        # ... and no other: time taken off, or another message
        (MessagePreset.TIME, c.AdjustTime(delta_ms=-60_000), False),
        (MessagePreset.SLOW, c.AdjustTime(delta_ms=60_000), False),
        ("Mic on, please", c.AdjustTime(delta_ms=60_000), False),
    ],
)
def test_time_given_takes_down_a_time_is_up_message_in_the_same_step(
    speaking: Floor, message: str, command: c.SegmentCommand, cleared: bool
) -> None:
    """The speaker never reads "Your time is up" under a clock with time left; undo brings
    both back."""
    speaking.send(c.StartTimer())
    speaking.tick(200_000)  # into overtime
    if isinstance(message, MessagePreset):
        speaking.send(c.SetMessage(preset=message))
    else:
        speaking.send(c.SetMessage(text=message))
    shown = speaking.seg.message
    speaking.send(command)
    assert speaking.seg.message == ("" if cleared else shown)
    speaking.send(c.Undo())
    assert speaking.seg.message == shown


@pytest.mark.parametrize("command", [c.CallNext(), c.EndTurn()])
def test_the_message_is_cleared_when_the_turn_changes(speaking: Floor, command: object) -> None:
    speaking.add("Next")
    speaking.send(c.SetMessage(text="one minute left"))
    speaking.send(command)
    assert speaking.seg.message == ""


# --- time used ----------------------------------------------------------------------------------


def test_time_used_per_constituency(floor: Floor) -> None:
    floor.queued("p3")  # academia
    floor.add("Prof. X", constituency=Constituency.ACADEMIA, kind=TurnKind.INTERVENTION)
    floor.queued("p4")  # trade union
    for spoken in (30_000, 200_000, 10_000):
        floor.send(c.CallNext())
        floor.send(c.StartTimer())
        floor.tick(spoken)
    floor.send(c.EndTurn())
    stats = floor.view()["stats"]
    assert stats == {
        "speeches": 3,
        "skipped": 0,
        "spoken_ms": 240_000,
        "held_ms": 240_000,
        "overrun_ms": 20_000,
        "spoken_ms_by_constituency": {"academia": 230_000, "trade_union": 10_000},
    }


# --- a press meant for one turn -----------------------------------------------------------------

FOR_TURN = [
    c.EndTurn(),
    c.EndTurn(skipped=True),
    c.StartTimer(),
    c.AdjustTime(delta_ms=30_000),
    c.AdjustTime(delta_ms=-30_000),
    c.ResetTimer(),
    c.SetMessage(preset="conclude"),
    c.ClearMessage(),
    c.Interpose(name="Ahmed Ben Salah"),
    c.RaiseSignal(kind="slow_down"),
]


@pytest.mark.parametrize("press", FOR_TURN, ids=lambda press: press.type)
def test_a_press_kept_for_a_turn_that_ended_is_refused(floor: Floor, press: c.ForTurn) -> None:
    """Console B lost its connection and kept an E (or Space, +30 s, a message) pressed while
    Panellist 1 spoke; console A called Panellist 2 meanwhile: B's press, sent when it is back,
    is refused, not applied to Panellist 2."""
    floor.add("Panellist 1")
    floor.add("Panellist 2")
    floor.send(c.CallNext())
    first = floor.seg.current
    assert first is not None
    floor.send(c.CallNext())
    before = floor.seg
    error = floor.refuse(press.model_copy(update={"entry_id": first.entry.id}), "turn_changed")
    assert error.message == (
        "the turn this was pressed for is no longer on the floor (Panellist 2 has the floor now): "
        "press again if it still applies"
    )
    assert floor.seg is before
    # meant for the turn speaking now, or for no turn in particular: applied
    current = floor.seg.current
    assert current is not None
    floor.send(press.model_copy(update={"entry_id": current.entry.id}))


def test_a_press_for_a_turn_when_no_one_has_the_floor_is_refused(floor: Floor) -> None:
    floor.add("Panellist 1")
    floor.send(c.CallNext())
    current = floor.seg.current
    assert current is not None
    floor.send(c.EndTurn())
    error = floor.refuse(c.StartTimer(entry_id=current.entry.id), "turn_changed")
    assert "(no one has the floor)" in error.message
