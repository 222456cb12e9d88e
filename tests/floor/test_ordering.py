"""The speaking queue: where turns go, adding, moving and removing, and undo."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.floor import NotFound
from app.floor import commands as c
from app.floor.events import EntryAdded
from app.floor.fold import UNDO_DEPTH
from app.floor.model import (
    DEFAULT_TIMES_MS,
    Attendance,
    Constituency,
    FloorLanguage,
    QueueEntry,
    RequestStatus,
    SegmentStatus,
    Speaker,
)
from app.floor.model import TurnKind as K
from app.floor.ordering import insertion_index
from tests.floor.kit import Floor, delegate

# --- where a new turn goes ----------------------------------------------------------------------


def _queue(*kinds: K) -> tuple[QueueEntry, ...]:
    return tuple(
        QueueEntry(id=f"e{i}", speaker=Speaker(f"S{i}"), kind=kind, allotted_ms=1)
        for i, kind in enumerate(kinds)
    )


@pytest.mark.parametrize(
    ("queue", "kind", "position", "expected"),
    [
        # a point of order goes to the top, after earlier points of order; positions are ignored
        ((), K.POINT_OF_ORDER, None, 0),
        ((K.INTERVENTION, K.PANELLIST), K.POINT_OF_ORDER, None, 0),
        ((K.POINT_OF_ORDER, K.POINT_OF_ORDER, K.INTERVENTION), K.POINT_OF_ORDER, None, 2),
        ((K.POINT_OF_ORDER, K.INTERVENTION), K.POINT_OF_ORDER, 2, 1),
        ((K.INTERVENTION, K.POINT_OF_ORDER), K.POINT_OF_ORDER, None, 0),
        # a right of reply goes to the very end
        ((K.INTERVENTION, K.RIGHT_OF_REPLY), K.RIGHT_OF_REPLY, None, 2),
        ((), K.RIGHT_OF_REPLY, None, 0),
        # other kinds go before the rights of reply waiting at the end
        ((K.INTERVENTION, K.RIGHT_OF_REPLY, K.RIGHT_OF_REPLY), K.INTERVENTION, None, 1),
        ((K.RIGHT_OF_REPLY, K.INTERVENTION), K.PANELLIST, None, 2),
        ((K.RIGHT_OF_REPLY,), K.MODERATOR_SUMMARY, None, 0),
        ((K.POINT_OF_ORDER, K.INTERVENTION), K.REMARKS, None, 2),
        # a position chosen by the moderator is honoured, clamped to the queue
        ((K.INTERVENTION, K.INTERVENTION), K.INTERVENTION, 0, 0),
        ((K.POINT_OF_ORDER, K.INTERVENTION), K.PANELLIST, 0, 0),
        ((K.INTERVENTION, K.RIGHT_OF_REPLY), K.INTERVENTION, 2, 2),
        ((K.INTERVENTION, K.INTERVENTION), K.RIGHT_OF_REPLY, 1, 1),
        ((K.INTERVENTION,), K.INTERVENTION, 10_000, 1),
    ],
)
def test_insertion_index(
    queue: tuple[K, ...], kind: K, position: int | None, expected: int
) -> None:
    assert insertion_index(_queue(*queue), kind, position) == expected


def test_a_point_of_order_jumps_the_queue_after_earlier_points_of_order(floor: Floor) -> None:
    floor.queued("p1")
    floor.queued("p2")
    floor.queued("p3", K.POINT_OF_ORDER)
    floor.queued("p4", K.POINT_OF_ORDER)
    assert floor.names() == ["Chen Wei", "Dara Okafor", "Amina Diallo", "Bruno Silva"]


def test_a_right_of_reply_waits_at_the_end_and_later_turns_go_before_it(floor: Floor) -> None:
    floor.queued("p1", K.RIGHT_OF_REPLY)
    floor.queued("p2", K.RIGHT_OF_REPLY)
    floor.queued("p3")
    floor.add("Moderator", kind=K.MODERATOR_SUMMARY)
    assert floor.names() == ["Chen Wei", "Moderator", "Amina Diallo", "Bruno Silva"]


def test_explicit_positions_are_honoured_and_clamped(floor: Floor) -> None:
    floor.add("A")
    floor.add("B")
    floor.add("C", position=0)
    floor.add("D", kind=K.RIGHT_OF_REPLY, position=1)
    floor.approve(floor.request("p1"), position=10_000)
    assert floor.names() == ["C", "D", "A", "B", "Amina Diallo"]


# --- adding speakers directly -------------------------------------------------------------------


def test_add_a_named_guest(floor: Floor) -> None:
    entry_id = floor.add(
        "  H.E. Ms. Guest  ",
        organisation=" IOM ",
        constituency=Constituency.UN_SYSTEM,
        note=" keynote ",
    )
    entry = floor.entry(entry_id)
    assert entry.speaker == Speaker("H.E. Ms. Guest", "IOM", Constituency.UN_SYSTEM, None)
    assert (entry.kind, entry.allotted_ms, entry.note) == (
        K.PANELLIST,
        DEFAULT_TIMES_MS[K.PANELLIST],
        "keynote",
    )
    assert entry.request_id is None


def test_add_a_registered_participant_takes_their_details(floor: Floor) -> None:
    (added,) = floor.send(c.AddSpeaker(participant_id="p3", name="ignored", kind=K.INTERVENTION))
    assert isinstance(added, EntryAdded)
    assert added.entry.speaker.name == "Chen Wei"
    assert added.entry.speaker.participant_id == "p3"


@pytest.mark.parametrize(
    ("given", "language", "attendance"),
    [
        ({}, "zh", Attendance.IN_ROOM),  # the registration's
        ({"language": "fr"}, "fr", Attendance.IN_ROOM),
        ({"attendance": Attendance.REMOTE}, "zh", Attendance.REMOTE),
        ({"language": "ar", "attendance": Attendance.REMOTE}, "ar", Attendance.REMOTE),
        ({"language": "unknown"}, None, Attendance.IN_ROOM),  # the registration's is wrong today
    ],
)
@pytest.mark.parametrize("how", ["add_speaker", "interpose"])
def test_a_registered_participant_s_floor_particulars_given_stand_for_this_turn(
    floor: Floor, how: str, given: dict[str, Any], language: str | None, attendance: Attendance
) -> None:
    """One command, one undo step: the console adds (or gives an interposed question to) a
    registered person who speaks another language today, or from elsewhere, without a second
    ``edit_entry``; the registry keeps its own particulars for the next turn."""
    floor.speakers["p3"] = replace(floor.speakers["p3"], language=FloorLanguage.CHINESE)
    if how == "add_speaker":
        steps = len(floor.seg.undo_stack)
        floor.send(c.AddSpeaker(participant_id="p3", kind=K.INTERVENTION, **given))
        speaker = floor.seg.queue[-1].speaker
    else:
        floor.add("Panellist")
        floor.send(c.CallNext())
        steps = len(floor.seg.undo_stack)
        floor.send(c.Interpose(participant_id="p3", **given))
        assert floor.seg.current is not None
        speaker = floor.seg.current.entry.speaker
    assert (speaker.name, speaker.language, speaker.attendance) == (
        "Chen Wei",
        language,
        attendance,
    )
    assert (floor.speakers["p3"].language, floor.speakers["p3"].attendance) == (
        "zh",
        Attendance.IN_ROOM,
    )
    assert len(floor.seg.undo_stack) == steps + 1


def test_a_guest_s_attendance_not_given_is_in_the_room(floor: Floor) -> None:
    floor.send(c.AddSpeaker(name="Guest"))
    assert floor.seg.queue[-1].speaker.attendance is Attendance.IN_ROOM


@pytest.mark.parametrize("kind", list(K))
def test_each_kind_has_its_default_time(floor: Floor, kind: K) -> None:
    assert floor.entry(floor.add("X", kind=kind)).allotted_ms == DEFAULT_TIMES_MS[kind]


def test_an_explicit_time_overrides_the_default(floor: Floor) -> None:
    assert floor.entry(floor.add("X", allotted_ms=45_000)).allotted_ms == 45_000


def test_add_needs_a_participant_or_a_name(floor: Floor) -> None:
    error = floor.refuse(c.AddSpeaker(name="   "), "invalid")
    assert error.status == 422


def test_add_an_unknown_participant_is_not_found(floor: Floor) -> None:
    floor.refuse(c.AddSpeaker(participant_id="ghost"), "not_found", error=NotFound)


def test_add_a_participant_who_already_has_a_place(floor: Floor) -> None:
    floor.request("p1")  # pending counts too
    floor.refuse(c.AddSpeaker(participant_id="p1", kind=K.INTERVENTION), "already_queued")
    floor.send(c.AddSpeaker(participant_id="p1", kind=K.POINT_OF_ORDER))
    floor.refuse(c.AddSpeaker(participant_id="p1", kind=K.POINT_OF_ORDER), "already_queued")


def test_the_same_guest_name_may_be_added_twice(floor: Floor) -> None:
    floor.add("Guest")
    floor.add("Guest")
    assert floor.names() == ["Guest", "Guest"]


def test_the_moderator_may_add_past_the_queue_cap(floor: Floor) -> None:
    floor.send(c.SetQueueCap(cap=1))
    floor.add("A")
    floor.add("B")
    assert floor.names() == ["A", "B"]


def test_no_additions_to_an_ended_segment(floor: Floor) -> None:
    floor.send(c.EndSegment())
    floor.refuse(c.AddSpeaker(name="Late"), "segment_ended")


def test_the_queue_may_be_prepared_before_the_segment_starts(scheduled: Floor) -> None:
    scheduled.add("Opening speaker")
    assert scheduled.names() == ["Opening speaker"]


# --- moving and removing ------------------------------------------------------------------------


@pytest.fixture
def abcd(floor: Floor) -> list[str]:
    return [floor.add(name) for name in "ABCD"]


def test_move_an_entry_up_and_down(floor: Floor, abcd: list[str]) -> None:
    floor.send(c.MoveEntry(entry_id=abcd[3], position=0))
    assert floor.names() == ["D", "A", "B", "C"]
    floor.send(c.MoveEntry(entry_id=abcd[3], position=2))
    assert floor.names() == ["A", "B", "D", "C"]


def test_a_move_past_the_end_goes_to_the_end(floor: Floor, abcd: list[str]) -> None:
    floor.send(c.MoveEntry(entry_id=abcd[0], position=10_000))
    assert floor.names() == ["B", "C", "D", "A"]


def test_a_move_to_where_the_entry_is_changes_nothing(floor: Floor, abcd: list[str]) -> None:
    version = floor.version
    assert floor.send(c.MoveEntry(entry_id=abcd[1], position=1)) == []
    assert floor.send(c.MoveEntry(entry_id=abcd[3], position=99)) == []
    assert floor.version == version


@pytest.mark.parametrize("command", [c.MoveEntry, c.RemoveEntry])
def test_moving_or_removing_an_unknown_entry_is_not_found(floor: Floor, command: type) -> None:
    fields = {"position": 0} if command is c.MoveEntry else {}
    floor.refuse(command(entry_id="nope", **fields), "not_found", error=NotFound)


def test_remove_an_entry(floor: Floor, abcd: list[str]) -> None:
    floor.send(c.RemoveEntry(entry_id=abcd[1]))
    assert floor.names() == ["A", "C", "D"]


def test_removing_a_requested_entry_tells_the_delegate(floor: Floor) -> None:
    request_id = floor.queued("p1")
    floor.send(c.RemoveEntry(entry_id=floor.req(request_id).entry_id or ""))
    assert floor.status(request_id) is RequestStatus.REMOVED
    assert floor.mine("p1")[0]["status"] == "removed"
    assert floor.seg.queue == ()


# --- undo ---------------------------------------------------------------------------------------


def test_nothing_to_undo(scheduled: Floor) -> None:
    error = scheduled.refuse(c.Undo(), "nothing_to_undo")
    assert error.message == "nothing to undo"


def test_undo_an_approval(floor: Floor) -> None:
    request_id = floor.request("p1")
    floor.approve(request_id)
    assert floor.view()["undo"] == {
        "label": "approving Amina Diallo",
        "command": "approve_request",
        "subject": "Amina Diallo",
        "available": True,
        "refusal": None,
        "brings_back": None,
    }
    floor.send(c.Undo())
    assert floor.seg.queue == ()
    request = floor.req(request_id)
    assert (request.status, request.entry_id) == (RequestStatus.PENDING, None)
    assert [r["id"] for r in floor.view()["requests"]] == [request_id]
    floor.approve(request_id)  # and it can be approved again


def test_undo_an_automatic_approval_in_open_mode(open_floor: Floor) -> None:
    request_id = open_floor.request("p1")
    open_floor.send(c.Undo())
    assert open_floor.status(request_id) is RequestStatus.PENDING
    assert open_floor.seg.queue == ()


def test_undo_a_decline(floor: Floor) -> None:
    request_id = floor.request("p1")
    floor.send(c.DeclineRequest(request_id=request_id, reason="off topic"))
    assert floor.view()["undo"]["label"] == "declining Amina Diallo"
    floor.send(c.Undo())
    request = floor.req(request_id)
    assert (request.status, request.reason) == (RequestStatus.PENDING, "")
    assert floor.mine("p1")[0]["reason"] == ""


def test_undo_an_addition(floor: Floor) -> None:
    floor.add("A")
    floor.add("B")
    assert floor.view()["undo"]["label"] == "adding B"
    floor.send(c.Undo())
    assert floor.names() == ["A"]


def test_undo_a_move(floor: Floor, abcd: list[str]) -> None:
    floor.send(c.MoveEntry(entry_id=abcd[0], position=3))
    assert floor.view()["undo"]["label"] == "moving A"
    floor.send(c.Undo())
    assert floor.names() == ["A", "B", "C", "D"]


def test_undo_a_removal_puts_the_entry_back_where_it_was(floor: Floor) -> None:
    floor.add("A")
    request_id = floor.queued("p1")
    floor.add("C")
    entry_id = floor.req(request_id).entry_id or ""
    floor.send(c.RemoveEntry(entry_id=entry_id))
    assert floor.view()["undo"]["label"] == "removing Amina Diallo"
    floor.send(c.Undo())
    assert floor.names() == ["A", "Amina Diallo", "C"]
    request = floor.req(request_id)
    assert (request.status, request.entry_id) == (RequestStatus.QUEUED, entry_id)


def test_undo_goes_back_one_change_at_a_time(floor: Floor, abcd: list[str]) -> None:
    floor.send(c.MoveEntry(entry_id=abcd[3], position=0))
    floor.send(c.RemoveEntry(entry_id=abcd[1]))
    assert floor.names() == ["D", "A", "C"]
    floor.send(c.Undo())
    assert floor.names() == ["D", "A", "B", "C"]
    floor.send(c.Undo())
    assert floor.names() == list("ABCD")
    for _ in range(4):
        floor.send(c.Undo())
    assert floor.seg.queue == ()
    floor.send(c.Undo())  # the segment's start
    assert floor.seg.status is SegmentStatus.SCHEDULED
    floor.refuse(c.Undo(), "nothing_to_undo")


def test_undo_takes_back_settings_and_messages_too_newest_first(floor: Floor) -> None:
    floor.add("A")
    floor.send(c.CloseList())
    floor.send(c.SetMessage(text="please conclude"))
    floor.send(c.Undo())
    assert floor.seg.message == ""
    assert floor.seg.settings.list_open is False
    floor.send(c.Undo())
    assert floor.seg.settings.list_open is True
    assert floor.names() == ["A"]
    floor.send(c.Undo())
    assert floor.seg.queue == ()


def test_undo_remembers_the_last_fifty_changes(floor: Floor) -> None:
    for number in range(UNDO_DEPTH + 1):
        floor.add(f"S{number}")
    for _ in range(UNDO_DEPTH):
        floor.send(c.Undo())
    assert floor.names() == ["S0"]
    floor.refuse(c.Undo(), "nothing_to_undo")


def test_undo_takes_back_the_call_before_the_addition(floor: Floor) -> None:
    floor.add("A")
    floor.send(c.CallNext())
    assert floor.view()["undo"]["label"] == "calling A"
    floor.send(c.Undo())
    assert (floor.seg.current, floor.names()) == (None, ["A"])
    floor.send(c.Undo())
    assert floor.seg.queue == ()


def test_cannot_undo_an_approval_after_the_delegate_withdrew(floor: Floor) -> None:
    request_id = floor.queued("p1")
    floor.send(c.WithdrawRequest(request_id=request_id), delegate("p1"))
    error = floor.refuse(c.Undo(), "cannot_undo")
    assert error.message == (
        "cannot undo “approving Amina Diallo”: Amina Diallo's request has been withdrawn since"
    )
    assert floor.status(request_id) is RequestStatus.WITHDRAWN


def test_undo_a_move_after_the_call_that_took_the_entry(floor: Floor, abcd: list[str]) -> None:
    floor.send(c.MoveEntry(entry_id=abcd[2], position=0))
    floor.send(c.CallNext())
    floor.send(c.Undo())
    assert floor.names() == ["C", "A", "B", "D"]
    floor.send(c.Undo())
    assert floor.names() == list("ABCD")


def test_cannot_undo_a_removal_when_the_participant_has_asked_again(floor: Floor) -> None:
    first = floor.queued("p1")
    floor.send(c.RemoveEntry(entry_id=floor.req(first).entry_id or ""))
    floor.request("p1")
    error = floor.refuse(c.Undo(), "cannot_undo")
    assert "Amina Diallo" in error.message
    assert floor.status(first) is RequestStatus.REMOVED


def test_cannot_undo_a_decline_when_the_participant_has_asked_again(floor: Floor) -> None:
    first = floor.request("p1")
    floor.send(c.DeclineRequest(request_id=first))
    second = floor.request("p1")
    floor.refuse(c.Undo(), "cannot_undo")
    assert floor.status(first) is RequestStatus.DECLINED
    assert floor.view()["undo"]["available"] is False
    floor.send(c.WithdrawRequest(request_id=second), delegate("p1"))
    floor.send(c.Undo())  # possible again once the new request is gone
    assert floor.status(first) is RequestStatus.PENDING


def test_a_decline_of_a_point_of_order_can_be_undone_beside_an_ordinary_request(
    floor: Floor,
) -> None:
    point = floor.request("p1", K.POINT_OF_ORDER)
    floor.send(c.DeclineRequest(request_id=point))
    floor.request("p1", K.INTERVENTION)
    floor.send(c.Undo())
    assert floor.status(point) is RequestStatus.PENDING
