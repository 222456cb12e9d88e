"""What is possible now (app/floor/possible.py): what the console and the delegates are told,
which is what the rules raise. The stateful test checks the same agreement on random hearings."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.floor import FloorError, possible
from app.floor import commands as c
from app.floor.model import FloorMode
from app.floor.model import TurnKind as K
from app.views import Audience, requestable
from tests.floor.kit import Floor, delegate, live_floor

# --- the console ---------------------------------------------------------------------------------


def _scheduled() -> Floor:
    floor = Floor()
    floor.create_segment()
    return floor


def _empty() -> Floor:
    return live_floor()


def _waiting() -> Floor:
    floor = live_floor()
    floor.add("A")
    return floor


def _speaking() -> Floor:
    floor = _waiting()
    floor.send(c.CallNext())
    return floor


def _running() -> Floor:
    floor = _speaking()
    floor.send(c.StartTimer())
    return floor


def _paused() -> Floor:
    floor = _running()
    floor.tick(10_000)
    floor.send(c.PauseTimer())
    return floor


def _added() -> Floor:
    floor = _speaking()
    floor.send(c.AdjustTime(delta_ms=30_000))
    return floor


def _ended() -> Floor:
    floor = _speaking()
    floor.send(c.EndSegment())
    return floor


def _superseded() -> Floor:
    """Another segment started while this one had a speaker: this one ended, not by its console."""
    floor = _running()
    second = floor.create_segment("Thematic discussion II")
    floor.send(c.StartSegment(), segment_id=second)
    return floor


def _undo_taken() -> Floor:
    floor = _waiting()
    entry_id = floor.approve(floor.request("p1"))
    floor.send(c.RemoveEntry(entry_id=entry_id))
    floor.request("p1")  # undoing the removal would give p1 a second place
    return floor


def _spoken() -> Floor:
    floor = _speaking()
    floor.send(c.EndTurn())
    return floor


def _readded() -> Floor:
    floor = _spoken()
    floor.send(c.ReaddLastSpeaker())
    return floor


def _speaking_again() -> Floor:
    """A spoke, was re-added and has the floor again: the newest record entry is theirs."""
    floor = _readded()
    floor.send(c.CallNext())
    return floor


def _interposed() -> Floor:
    floor = _running()
    floor.send(c.Interpose(name="Q"))
    return floor


def _answered() -> Floor:
    floor = _interposed()
    floor.send(c.Interpose(name="Panellist", kind=K.ANSWER))
    return floor


def _two_waiting() -> Floor:
    """A and B queued, p1 and p2 asking for the floor."""
    floor = _waiting()
    floor.add("B")
    floor.request("p1")
    floor.request("p2")
    return floor


def _ended_waiting() -> Floor:
    floor = _two_waiting()
    floor.send(c.EndSegment())
    return floor


def _carried() -> Floor:
    floor = _ended_waiting()
    second = floor.create_segment("Thematic discussion II")
    floor.send(c.CarryQueue(to_segment_id=second))
    return floor


SETUPS: dict[str, Callable[[], Floor]] = {
    "scheduled": _scheduled,
    "empty": _empty,
    "waiting": _waiting,
    "speaking": _speaking,
    "running": _running,
    "paused": _paused,
    "added": _added,
    "ended": _ended,
    "superseded": _superseded,
    "undo_taken": _undo_taken,
    "spoken": _spoken,
    "readded": _readded,
    "speaking_again": _speaking_again,
    "interposed": _interposed,
    "answered": _answered,
    "two_waiting": _two_waiting,
    "ended_waiting": _ended_waiting,
    "carried": _carried,
}
ACTIONS = (
    "toggle_timer",
    "call_next",
    "call_next_skipped",
    "end_turn",
    "add_time",
    "remove_time",
    "reset_timer",
    "undo",
    "readd_last_speaker",
    "interpose_question",
    "interpose_answer",
)
INSTRUMENTS = ("apply_request_order", "apply_queue_order", "set_queue_times", "carry_queue")
#: the break's own control (app/floor/possible.py: announce_resumption; tests/floor/test_resumption)
BREAK = ("announce_resumption",)
OK: str | None = None  # possible now
NO, NL, QE = "no_speaker", "not_live", "queue_empty"
NU, CU = "nothing_to_undo", "cannot_undo"
NR, SE, AQ, AI = "no_record", "segment_ended", "already_queued", "already_interposed"

# fmt: off
CONSOLE = [
    # setup             toggle call_next skip end_turn add rem  reset undo  readd interp: q  a
    ("scheduled",      (NL,    NL,       NL,   NO,      NO, NO,  NO,   NU,   NR,          NO, NO)),
    # every console command can be undone: here the segment's start
    ("empty",          (NO,    QE,       QE,   NO,      NO, NO,  NO,   OK,   NR,          NO, NO)),
    ("waiting",        (NO,    OK,       NO,   NO,      NO, NO,  NO,   OK,   NR,          NO, NO)),
    # a reset of a timer at its start is accepted and changes nothing (decide returns no events)
    ("speaking",       (OK,    OK,       OK,   OK,      OK, OK,  OK,   OK,   NR,          OK, OK)),
    ("running",        (OK,    OK,       OK,   OK,      OK, OK,  OK,   OK,   NR,          OK, OK)),
    ("paused",         (OK,    OK,       OK,   OK,      OK, OK,  OK,   OK,   NR,          OK, OK)),
    ("added",          (OK,    OK,       OK,   OK,      OK, OK,  OK,   OK,   NR,          OK, OK)),
    ("ended",          (NL,    NL,       NL,   NO,      NO, NO,  NO,   OK,   SE,          NO, NO)),
    # ended as another segment started: nothing before that can be undone here
    ("superseded",     (NL,    NL,       NL,   NO,      NO, NO,  NO,   CU,   SE,          NO, NO)),
    ("undo_taken",     (NO,    OK,       NO,   NO,      NO, NO,  NO,   CU,   NR,          NO, NO)),
    # A spoke: they may be given a new turn, once
    ("spoken",         (NO,    QE,       QE,   NO,      NO, NO,  NO,   OK,   OK,          NO, NO)),
    ("readded",        (NO,    OK,       NO,   NO,      NO, NO,  NO,   OK,   AQ,          NO, NO)),
    ("speaking_again", (OK,    OK,       OK,   OK,      OK, OK,  OK,   OK,   AQ,          OK, OK)),
    # one level of interposition: only an answer may follow an interposed question
    ("interposed",     (OK,    OK,       OK,   OK,      OK, OK,  OK,   OK,   NR,          AI, OK)),
    ("answered",       (OK,    OK,       OK,   OK,      OK, OK,  OK,   OK,   OK,          AI, AI)),
]
# fmt: on


@pytest.mark.parametrize(("setup", "codes"), CONSOLE)
def test_what_the_console_may_do_now(setup: str, codes: tuple[str | None, ...]) -> None:
    floor = SETUPS[setup]()
    actions = floor.view(Audience.MODERATOR)["actions"]
    assert tuple(actions) == ACTIONS + INSTRUMENTS + BREAK
    shown = tuple(None if refusal is None else refusal["code"] for refusal in actions.values())
    assert shown[: len(ACTIONS)] == codes


NW, NO2, NE = "nobody_waiting", "nothing_to_order", "not_ended"

# fmt: off
INSTRUMENTS_NOW = [
    # setup            requests in order  queue in order  queue times  carry the waiting
    ("scheduled",      (NW,               NO2,            NW,          NE)),
    ("waiting",        (NW,               NO2,            OK,          NE)),
    ("undo_taken",     (OK,               NO2,            OK,          NE)),
    ("two_waiting",    (OK,               OK,             OK,          NE)),
    # an ended segment takes nothing more; who still waits there may be carried or dropped
    ("ended",          (SE,               SE,             SE,          NW)),
    ("ended_waiting",  (SE,               SE,             SE,          OK)),
    ("carried",        (SE,               SE,             SE,          NW)),
]
# fmt: on


@pytest.mark.parametrize(("setup", "codes"), INSTRUMENTS_NOW)
def test_what_the_instruments_may_do_now(setup: str, codes: tuple[str | None, ...]) -> None:
    actions = SETUPS[setup]().view(Audience.MODERATOR)["actions"]
    shown = tuple(None if actions[a] is None else actions[a]["code"] for a in INSTRUMENTS)
    assert shown == codes


def test_a_refusal_shown_is_the_refusal_raised(floor: Floor) -> None:
    actions = floor.view()["actions"]
    assert actions["call_next"] == {
        "code": "queue_empty",
        "message": "nobody to call: the queue is empty",
    }
    error = floor.refuse(c.CallNext(), "queue_empty")
    assert actions["call_next"]["message"] == error.message
    assert actions["end_turn"] == {
        "code": "no_speaker",
        "message": "nobody has the floor: call the next speaker first",
    }
    assert _scheduled().view()["actions"]["undo"] == {
        "code": "nothing_to_undo",
        "message": "nothing to undo",
    }


def test_calling_the_next_speaker_as_not_spoken_needs_someone_on_the_floor(floor: Floor) -> None:
    """Shift+N on the console with nobody speaking: there is no turn to record as not spoken, so
    the call is refused (the console greys it out with these words), not sent and misreported."""
    floor.queued("p1")
    shown = floor.view(Audience.MODERATOR)["actions"]["call_next_skipped"]
    error = floor.refuse(c.CallNext(skipped=True), "no_speaker")
    assert shown == {"code": "no_speaker", "message": error.message}
    assert "no turn to put on the record as not spoken" in error.message
    floor.send(c.CallNext())  # the plain call is fine
    assert floor.view(Audience.MODERATOR)["actions"]["call_next_skipped"] is None


def test_undo_is_refused_with_the_reason_the_undo_view_gives() -> None:
    floor = _undo_taken()
    undo = floor.view()["undo"]
    refusal = floor.view()["actions"]["undo"]
    assert refusal == {
        "code": "cannot_undo",
        "message": f"cannot undo “{undo['label']}”: {undo['refusal']}",
        # a console in another language words the reason itself, naming whom it names
        "reason": "has_place",
        "name": refusal["name"],
    }
    assert refusal["name"] and refusal["name"] in undo["refusal"]
    error = floor.refuse(c.Undo(), "cannot_undo")
    assert error.detail == {"reason": "has_place", "name": refusal["name"]}


@pytest.mark.parametrize(
    ("setup", "command"),
    [
        ("speaking", "start_timer"),
        ("running", "pause_timer"),
        ("paused", "resume_timer"),
        ("empty", "start_timer"),
    ],
)
def test_the_timer_button_sends_what_the_timer_calls_for(setup: str, command: str) -> None:
    assert possible.toggle_command(SETUPS[setup]().seg) == command


# --- floor requests ------------------------------------------------------------------------------


def _moderated() -> Floor:
    return live_floor()


def _closed() -> Floor:
    floor = live_floor()
    floor.send(c.CloseList())
    return floor


def _over() -> Floor:
    floor = live_floor()
    floor.send(c.EndSegment())
    return floor


def _open_full() -> Floor:
    floor = live_floor(FloorMode.OPEN)
    floor.send(c.SetQueueCap(cap=1))
    floor.add("Guest")
    return floor


def _moderated_full() -> Floor:
    floor = _open_full()
    floor.send(c.SetFloorMode(mode=FloorMode.MODERATED))
    return floor


def _pending() -> Floor:
    floor = live_floor()
    floor.request("p1")
    return floor


def _queued_point() -> Floor:
    floor = live_floor()
    floor.queued("p1", K.POINT_OF_ORDER)
    return floor


def _placed() -> Floor:
    floor = live_floor()
    floor.send(c.AddSpeaker(participant_id="p1", kind=K.RIGHT_OF_REPLY))
    return floor


def _p1_speaking() -> Floor:
    floor = live_floor()
    floor.queued("p1")
    floor.send(c.CallNext())
    return floor


def _withdrawn() -> Floor:
    floor = live_floor()
    floor.send(c.WithdrawRequest(request_id=floor.request("p1")), delegate("p1"))
    return floor


REQUEST_SETUPS: dict[str, Callable[[], Floor]] = {
    "scheduled": _scheduled,
    "moderated": _moderated,
    "closed": _closed,
    "ended": _over,
    "open_full": _open_full,
    "moderated_full": _moderated_full,
    "pending": _pending,
    "queued_point": _queued_point,
    "placed": _placed,
    "p1_speaking": _p1_speaking,
    "withdrawn": _withdrawn,
}
KINDS = (K.INTERVENTION, K.POINT_OF_ORDER, K.RIGHT_OF_REPLY)
AQ = "already_queued"

# fmt: off
REQUESTS = [
    # setup            the room's codes per kind                 p1's own codes per kind
    #                  (intervention, point of order, right of reply)
    ("scheduled",      (OK, OK, OK),                              (OK, OK, OK)),
    ("moderated",      (OK, OK, OK),                              (OK, OK, OK)),
    # a point of order stays possible when the list is closed
    ("closed",         ("list_closed", OK, "list_closed"),        (OK, OK, OK)),
    ("ended",          ("segment_ended",) * 3,                    (OK, OK, OK)),
    # in open mode a request goes straight into the queue, so a full queue refuses it
    ("open_full",      ("queue_full",) * 3,                       (OK, OK, OK)),
    ("moderated_full", (OK, OK, OK),                              (OK, OK, OK)),
    # one open request or place per class: a point of order, or any other turn
    ("pending",        (OK, OK, OK),                              (AQ, OK, AQ)),
    ("queued_point",   (OK, OK, OK),                              (OK, AQ, OK)),
    ("placed",         (OK, OK, OK),                              (AQ, OK, AQ)),
    # the rules let the speaker ask for their next turn while speaking
    ("p1_speaking",    (OK, OK, OK),                              (OK, OK, OK)),
    ("withdrawn",      (OK, OK, OK),                              (OK, OK, OK)),
]
# fmt: on


@pytest.mark.parametrize(("setup", "room", "mine"), REQUESTS)
def test_what_a_delegate_may_ask_for_now(
    setup: str, room: tuple[str | None, ...], mine: tuple[str | None, ...]
) -> None:
    floor = REQUEST_SETUPS[setup]()
    can_request = floor.view(Audience.DELEGATE)["can_request"]
    assert list(can_request) == [kind.value for kind in KINDS]
    assert tuple(can_request.values()) == room
    own = requestable(floor.seg, "p1")
    assert list(own) == [kind.value for kind in KINDS]
    assert tuple(own.values()) == mine
    assert set(requestable(floor.seg, "p2").values()) == {None}  # p2 holds nothing
    for kind, here, theirs in zip(KINDS, room, mine, strict=True):
        try:
            floor.decide(c.RequestFloor(kind=kind), delegate("p1"))
        except FloorError as error:
            assert error.code in (here, theirs)
        else:
            assert (here, theirs) == (None, None)
