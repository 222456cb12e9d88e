"""Floor requests: asking for the floor, withdrawing, approving and declining."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.floor import Actor, Forbidden, NotFound, Role
from app.floor import commands as c
from app.floor.model import FloorMode, RequestStatus, TurnKind
from app.views import Audience
from tests.floor.kit import MODERATOR, SPEAKERS, Floor, delegate, live_floor

ORDINARY = (TurnKind.INTERVENTION, TurnKind.RIGHT_OF_REPLY)

# --- asking for the floor -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*ORDINARY, TurnKind.POINT_OF_ORDER])
def test_a_request_in_moderated_mode_waits_for_the_moderator(floor: Floor, kind: TurnKind) -> None:
    floor.tick(4_000)
    request_id = floor.request("p1", kind, note="  on the Global Compact, objective 7 ")
    request = floor.req(request_id)
    assert request.status is RequestStatus.PENDING
    assert request.kind is kind
    assert request.note == "on the Global Compact, objective 7"
    assert request.requested_at == floor.now
    assert request.speaker == SPEAKERS["p1"]
    assert floor.seg.queue == ()
    assert [r["id"] for r in floor.view()["requests"]] == [request_id]
    assert floor.mine("p1")[0]["status"] == "pending"


@pytest.mark.parametrize("kind", [*ORDINARY, TurnKind.POINT_OF_ORDER])
def test_a_request_in_open_mode_goes_straight_into_the_queue(
    open_floor: Floor, kind: TurnKind
) -> None:
    request_id = open_floor.request("p2", kind, note="reply to the panel")
    request = open_floor.req(request_id)
    assert request.status is RequestStatus.QUEUED
    (entry,) = open_floor.seg.queue
    assert request.entry_id == entry.id
    assert entry.request_id == request_id
    assert entry.speaker.name == "Bruno Silva"
    assert entry.kind is kind
    assert entry.note == "reply to the panel"
    assert entry.allotted_ms == open_floor.seg.settings.default_times_ms[kind]
    assert open_floor.view()["requests"] == []


def test_open_mode_places_requests_by_kind(open_floor: Floor) -> None:
    open_floor.request("p1", TurnKind.RIGHT_OF_REPLY)
    open_floor.request("p2", TurnKind.INTERVENTION)
    open_floor.request("p3", TurnKind.POINT_OF_ORDER)
    assert open_floor.names() == ["Chen Wei", "Bruno Silva", "Amina Diallo"]


@pytest.mark.parametrize("first", ORDINARY)
@pytest.mark.parametrize("second", ORDINARY)
def test_one_open_ordinary_request_per_participant(
    floor: Floor, first: TurnKind, second: TurnKind
) -> None:
    floor.request("p1", first)
    error = floor.refuse(c.RequestFloor(kind=second), "already_queued", delegate("p1"))
    assert "already" in error.message
    floor.request("p2", second)  # somebody else may


@pytest.mark.parametrize("second", ORDINARY)
def test_a_queued_participant_may_not_ask_again(floor: Floor, second: TurnKind) -> None:
    floor.queued("p1")
    floor.refuse(c.RequestFloor(kind=second), "already_queued", delegate("p1"))


def test_a_second_registration_of_the_same_person_may_not_ask_while_the_first_waits(
    floor: Floor,
) -> None:
    """Two phones joined as the same person before either asked (outside probe G): the room's
    list named them twice. Another registration under the same name and organisation, as a
    person compares them, holding a place of the same class refuses the request."""
    floor.person_key = lambda name, organisation: (name.casefold(), organisation.casefold())
    floor.speakers["p5"] = replace(SPEAKERS["p1"], name="AMINA DIALLO", participant_id="p5")
    request_id = floor.request("p1")
    error = floor.refuse(c.RequestFloor(), "queued_from_another_phone", delegate("p5"))
    assert error.message.startswith("AMINA DIALLO (Migrant Forum in Asia) is on the list")
    assert "use that phone" in error.message
    floor.request("p5", TurnKind.POINT_OF_ORDER)  # another class: as for one phone
    floor.approve(request_id)  # queued now: still a place
    floor.refuse(c.RequestFloor(), "queued_from_another_phone", delegate("p5"))
    floor.send(c.RemoveEntry(entry_id=floor.seg.queue[-1].id))
    floor.request("p5")  # the first phone's place is gone: the second may ask
    floor.request("p3")  # someone else was never held up


def test_a_place_given_by_the_moderator_counts_as_the_participants_place(floor: Floor) -> None:
    floor.send(c.AddSpeaker(participant_id="p1", kind=TurnKind.PANELLIST))
    floor.refuse(c.RequestFloor(), "already_queued", delegate("p1"))
    floor.request("p1", TurnKind.POINT_OF_ORDER)


def test_a_point_of_order_is_counted_separately(floor: Floor) -> None:
    floor.queued("p1")
    point = floor.request("p1", TurnKind.POINT_OF_ORDER)
    assert floor.status(point) is RequestStatus.PENDING
    floor.refuse(c.RequestFloor(kind=TurnKind.POINT_OF_ORDER), "already_queued", delegate("p1"))
    floor.approve(point)
    floor.refuse(c.RequestFloor(kind=TurnKind.POINT_OF_ORDER), "already_queued", delegate("p1"))
    floor.refuse(c.RequestFloor(), "already_queued", delegate("p1"))
    assert floor.names() == ["Amina Diallo", "Amina Diallo"]


def test_a_point_of_order_first_then_an_ordinary_request(floor: Floor) -> None:
    floor.request("p1", TurnKind.POINT_OF_ORDER)
    floor.request("p1", TurnKind.INTERVENTION)
    assert len(floor.view()["requests"]) == 2


@pytest.mark.parametrize("ending", ["declined", "withdrawn", "removed", "spoken", "skipped"])
def test_once_a_request_is_over_the_participant_may_ask_again(floor: Floor, ending: str) -> None:
    request_id = floor.request("p1")
    if ending == "declined":
        floor.send(c.DeclineRequest(request_id=request_id))
    elif ending == "withdrawn":
        floor.send(c.WithdrawRequest(request_id=request_id), delegate("p1"))
    else:
        entry_id = floor.approve(request_id)
        if ending == "removed":
            floor.send(c.RemoveEntry(entry_id=entry_id))
        else:
            floor.send(c.CallNext())
            floor.tick(60_000)
            floor.send(c.EndTurn(skipped=ending == "skipped"))
    assert floor.status(request_id).value == ending
    again = floor.request("p1")
    assert floor.status(again) is RequestStatus.PENDING


def test_the_current_speaker_may_ask_for_another_turn(floor: Floor) -> None:
    floor.queued("p1")
    floor.send(c.CallNext())
    assert floor.status(floor.request("p1")) is RequestStatus.PENDING


def test_a_closed_list_refuses_requests_but_not_points_of_order(floor: Floor) -> None:
    floor.send(c.CloseList())
    assert floor.seg.settings.list_open is False
    for kind in ORDINARY:
        floor.refuse(c.RequestFloor(kind=kind), "list_closed", delegate("p1"))
    point = floor.request("p1", TurnKind.POINT_OF_ORDER)
    assert floor.status(point) is RequestStatus.PENDING
    floor.send(c.ReopenList())
    floor.request("p1", TurnKind.INTERVENTION)


def test_a_closed_list_in_open_mode_still_queues_a_point_of_order(open_floor: Floor) -> None:
    open_floor.send(c.CloseList())
    open_floor.refuse(c.RequestFloor(), "list_closed", delegate("p1"))
    open_floor.request("p1", TurnKind.POINT_OF_ORDER)
    assert open_floor.kinds() == [TurnKind.POINT_OF_ORDER]


def test_closing_a_closed_list_or_reopening_an_open_one_changes_nothing(floor: Floor) -> None:
    assert floor.send(c.ReopenList()) == []
    floor.send(c.CloseList())
    assert floor.send(c.CloseList()) == []


@pytest.mark.parametrize("kind", [*ORDINARY, TurnKind.POINT_OF_ORDER])
def test_an_ended_segment_takes_no_more_requests(floor: Floor, kind: TurnKind) -> None:
    floor.send(c.EndSegment())
    floor.refuse(c.RequestFloor(kind=kind), "segment_ended", delegate("p1"))


@pytest.mark.parametrize("kind", [*ORDINARY, TurnKind.POINT_OF_ORDER])
def test_nobody_asks_for_the_floor_in_a_break(kind: TurnKind) -> None:
    """The lunch break is live: a phone is told to ask once the next segment has started, and
    the phones are told so (can_request), so no phone offers the form there."""
    floor = live_floor(title="Lunch Break", kind="break")
    error = floor.refuse(c.RequestFloor(kind=kind), "segment_is_break", delegate("p1"))
    assert error.message == (
        "\u201cLunch Break\u201d is a break: ask for the floor once the next segment has started"
    )
    assert set(floor.view(Audience.DELEGATE)["can_request"].values()) == {"segment_is_break"}


def test_requests_may_be_made_before_the_segment_starts(scheduled: Floor) -> None:
    request_id = scheduled.request("p1")
    assert scheduled.status(request_id) is RequestStatus.PENDING


def test_only_a_registered_participant_may_request_the_floor(floor: Floor) -> None:
    stranger = Actor(Role.DELEGATE, floor.state.event_id, "nobody")
    floor.refuse(c.RequestFloor(), "forbidden", stranger, error=Forbidden)
    anonymous = Actor(Role.DELEGATE, floor.state.event_id, None)
    floor.refuse(c.RequestFloor(), "forbidden", anonymous, error=Forbidden)


def test_a_note_longer_than_280_characters_is_refused_by_the_schema() -> None:
    with pytest.raises(ValueError, match="280"):
        c.RequestFloor(note="x" * 281)


def test_a_participant_may_not_ask_for_a_panellist_turn() -> None:
    with pytest.raises(ValueError):
        c.RequestFloor(kind=TurnKind.PANELLIST)


# --- the queue cap ------------------------------------------------------------------------------


def test_the_queue_cap_refuses_requests_in_open_mode(open_floor: Floor) -> None:
    open_floor.send(c.SetQueueCap(cap=2))
    open_floor.request("p1")
    open_floor.request("p2")
    error = open_floor.refuse(c.RequestFloor(), "queue_full", delegate("p3"))
    assert "full" in error.message
    assert len(open_floor.seg.requests) == 2  # the refused request left no trace
    open_floor.send(c.SetQueueCap(cap=None))
    open_floor.request("p3")
    assert len(open_floor.seg.queue) == 3


def test_the_queue_cap_refuses_approvals(floor: Floor) -> None:
    floor.send(c.SetQueueCap(cap=1))
    floor.queued("p1")
    waiting = floor.request("p2")
    floor.refuse(c.ApproveRequest(request_id=waiting), "queue_full")
    assert floor.status(waiting) is RequestStatus.PENDING
    floor.send(c.CallNext())  # the queue shrinks: there is room again
    floor.approve(waiting)
    assert floor.names() == ["Bruno Silva"]


def test_the_queue_cap_counts_points_of_order_too(open_floor: Floor) -> None:
    open_floor.send(c.SetQueueCap(cap=1))
    open_floor.request("p1")
    open_floor.refuse(c.RequestFloor(kind=TurnKind.POINT_OF_ORDER), "queue_full", delegate("p2"))


def test_pending_requests_are_not_capped(floor: Floor) -> None:
    floor.send(c.SetQueueCap(cap=1))
    for participant_id in ("p1", "p2", "p3"):
        floor.request(participant_id)
    assert len(floor.view()["requests"]) == 3


def test_setting_the_same_cap_changes_nothing(floor: Floor) -> None:
    assert floor.send(c.SetQueueCap(cap=None)) == []
    floor.send(c.SetQueueCap(cap=5))
    assert floor.seg.settings.queue_cap == 5
    assert floor.send(c.SetQueueCap(cap=5)) == []


def test_switching_to_open_mode_leaves_pending_requests_for_the_moderator(floor: Floor) -> None:
    waiting = floor.request("p1")
    floor.send(c.SetFloorMode(mode=FloorMode.OPEN))
    assert floor.send(c.SetFloorMode(mode=FloorMode.OPEN)) == []
    assert floor.status(waiting) is RequestStatus.PENDING
    assert floor.status(floor.request("p2")) is RequestStatus.QUEUED
    floor.send(c.SetFloorMode(mode=FloorMode.MODERATED))
    assert floor.status(floor.request("p3")) is RequestStatus.PENDING


# --- withdrawing --------------------------------------------------------------------------------


def test_a_delegate_withdraws_a_pending_request(floor: Floor) -> None:
    request_id = floor.request("p1")
    floor.send(c.WithdrawRequest(request_id=request_id), delegate("p1"))
    assert floor.status(request_id) is RequestStatus.WITHDRAWN
    assert floor.view()["requests"] == []
    assert floor.mine("p1")[0]["status"] == "withdrawn"


def test_a_delegate_withdraws_a_queued_request_and_leaves_the_queue(floor: Floor) -> None:
    floor.queued("p2")
    mine = floor.queued("p1")
    floor.send(c.WithdrawRequest(request_id=mine), delegate("p1"))
    assert floor.status(mine) is RequestStatus.WITHDRAWN
    assert floor.names() == ["Bruno Silva"]


def test_a_delegate_may_only_withdraw_their_own_request(floor: Floor) -> None:
    request_id = floor.request("p1")
    floor.refuse(
        c.WithdrawRequest(request_id=request_id), "forbidden", delegate("p2"), error=Forbidden
    )
    assert floor.status(request_id) is RequestStatus.PENDING


def test_the_moderator_may_withdraw_anyones_request(floor: Floor) -> None:
    request_id = floor.queued("p1")
    floor.send(c.WithdrawRequest(request_id=request_id), MODERATOR)
    assert floor.status(request_id) is RequestStatus.WITHDRAWN
    assert floor.seg.queue == ()


@pytest.mark.parametrize("ending", ["declined", "withdrawn", "speaking", "spoken"])
def test_only_a_pending_or_queued_request_can_be_withdrawn(floor: Floor, ending: str) -> None:
    request_id = floor.request("p1")
    if ending == "declined":
        floor.send(c.DeclineRequest(request_id=request_id))
    elif ending == "withdrawn":
        floor.send(c.WithdrawRequest(request_id=request_id), delegate("p1"))
    else:
        floor.approve(request_id)
        floor.send(c.CallNext())
        if ending == "spoken":
            floor.send(c.StartTimer())
            floor.send(c.EndTurn())
    error = floor.refuse(
        c.WithdrawRequest(request_id=request_id), "not_withdrawable", delegate("p1")
    )
    assert ending in error.message


def test_withdrawing_an_unknown_request_is_not_found(floor: Floor) -> None:
    floor.refuse(c.WithdrawRequest(request_id="nope"), "not_found", delegate("p1"), error=NotFound)


# --- approving and declining --------------------------------------------------------------------


def test_approval_puts_the_request_at_the_end_of_the_queue(floor: Floor) -> None:
    floor.add("Panellist One")
    request_id = floor.request("p1", note="objective 15")
    entry_id = floor.approve(request_id)
    assert floor.names() == ["Panellist One", "Amina Diallo"]
    request = floor.req(request_id)
    assert request.status is RequestStatus.QUEUED
    assert request.entry_id == entry_id
    entry = floor.entry(entry_id)
    assert (entry.request_id, entry.note, entry.kind) == (
        request_id,
        "objective 15",
        TurnKind.INTERVENTION,
    )
    assert floor.mine("p1")[0]["entry_id"] == entry_id
    assert floor.view()["requests"] == []


def test_approval_at_a_position(floor: Floor) -> None:
    floor.add("A")
    floor.add("B")
    floor.approve(floor.request("p1"), position=1)
    assert floor.names() == ["A", "Amina Diallo", "B"]


def test_approval_uses_the_default_time_of_the_kind_at_the_time_of_approval(floor: Floor) -> None:
    request_id = floor.request("p1", TurnKind.RIGHT_OF_REPLY)
    floor.send(c.SetDefaultTime(kind=TurnKind.RIGHT_OF_REPLY, duration_ms=90_000))
    assert floor.entry(floor.approve(request_id)).allotted_ms == 90_000


@pytest.mark.parametrize("command", [c.ApproveRequest, c.DeclineRequest])
def test_only_a_pending_request_can_be_approved_or_declined(floor: Floor, command: type) -> None:
    queued = floor.queued("p1")
    declined = floor.request("p2")
    floor.send(c.DeclineRequest(request_id=declined))
    withdrawn = floor.request("p3")
    floor.send(c.WithdrawRequest(request_id=withdrawn), delegate("p3"))
    for request_id, status in (
        (queued, "queued"),
        (declined, "declined"),
        (withdrawn, "withdrawn"),
    ):
        error = floor.refuse(command(request_id=request_id), "not_pending")
        assert status in error.message


@pytest.mark.parametrize("command", [c.ApproveRequest, c.DeclineRequest])
def test_approving_or_declining_an_unknown_request_is_not_found(
    floor: Floor, command: type
) -> None:
    floor.refuse(command(request_id="nope"), "not_found", error=NotFound)


def test_decline_with_a_reason_the_delegate_can_read(floor: Floor) -> None:
    request_id = floor.request("p1")
    floor.send(c.DeclineRequest(request_id=request_id, reason="  the list is long today  "))
    assert floor.status(request_id) is RequestStatus.DECLINED
    (mine,) = floor.mine("p1")
    assert (mine["status"], mine["reason"]) == ("declined", "the list is long today")
    assert floor.view()["requests"] == []
    assert floor.seg.queue == ()


def test_the_moderator_sees_pending_requests_in_the_order_they_came(floor: Floor) -> None:
    ids = [floor.request(p) for p in ("p3", "p1", "p2")]
    assert [r["id"] for r in floor.view()["requests"]] == ids


def test_requests_in_one_segment_do_not_hold_a_place_in_another() -> None:
    floor = live_floor()
    other = floor.create_segment("Thematic discussion II")
    floor.queued("p1")
    floor.send(c.RequestFloor(), delegate("p1"), segment_id=other)
    assert len(floor.segment(other).requests) == 1
