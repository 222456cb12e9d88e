"""A refusal for a place already held names the place (outside tester: "Olumide Đoković 32
already has an open request or place in the queue" did not say which): its number in the queue,
as the console numbers it from 1, or a pending request; the floor for a speaker re-added while
they speak."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.floor import commands as c
from app.floor.model import TurnKind as K
from tests.floor.kit import Floor, live_floor

PO = K.POINT_OF_ORDER


def _guests(floor: Floor, *names: str) -> None:
    for name in names:
        floor.add(name)


def _entry_of(floor: Floor, participant_id: str, kind: K) -> str:
    return next(
        entry.id
        for entry in floor.seg.queue
        if entry.speaker.participant_id == participant_id and entry.kind is kind
    )


def pending_request(floor: Floor) -> c.AnyCommand:
    floor.request("p1")
    return c.AddSpeaker(participant_id="p1", kind=K.INTERVENTION)


def queued_third(floor: Floor) -> c.AnyCommand:
    _guests(floor, "Guest A", "Guest B")
    floor.queued("p1")
    return c.AddSpeaker(participant_id="p1", kind=K.REMARKS)


def queued_point_of_order(floor: Floor) -> c.AnyCommand:
    _guests(floor, "Guest A")
    floor.queued("p1", PO)  # a point of order goes first
    return c.AddSpeaker(participant_id="p1", kind=PO)


def pending_point_of_order(floor: Floor) -> c.AnyCommand:
    floor.request("p1", PO)
    return c.AddSpeaker(participant_id="p1", kind=PO)


def edited_into_a_second_point_of_order(floor: Floor) -> c.AnyCommand:
    _guests(floor, "Guest A")
    floor.queued("p1")
    floor.queued("p1", PO)
    return c.EditEntry(entry_id=_entry_of(floor, "p1", K.INTERVENTION), kind=PO)


def edited_out_of_its_point_of_order(floor: Floor) -> c.AnyCommand:
    _guests(floor, "Guest A", "Guest B")
    floor.queued("p1")  # #3, then the point of order goes first: #4
    floor.queued("p1", PO)
    return c.EditEntry(entry_id=_entry_of(floor, "p1", PO), kind=K.REMARKS)


def edited_out_with_a_request_pending(floor: Floor) -> c.AnyCommand:
    floor.queued("p1", PO)
    floor.request("p1")
    return c.EditEntry(entry_id=_entry_of(floor, "p1", PO), kind=K.INTERVENTION)


def readded_twice(floor: Floor) -> c.AnyCommand:
    floor.queued("p1")
    floor.send(c.CallNext())
    floor.send(c.EndTurn())
    floor.send(c.ReaddLastSpeaker())
    floor.add("Guest A", position=0)
    return c.ReaddLastSpeaker()


def readded_while_speaking(floor: Floor) -> c.AnyCommand:
    floor.queued("p1")
    floor.send(c.CallNext())
    floor.send(c.EndTurn())
    floor.send(c.ReaddLastSpeaker())
    floor.send(c.CallNext())
    return c.ReaddLastSpeaker()


CASES: list[tuple[str, Callable[[Floor], c.AnyCommand], str]] = [
    ("add: a pending request", pending_request, "Amina Diallo already has a pending floor request"),
    (
        "add: third in the queue",
        queued_third,
        "Amina Diallo already has a turn at place #3 in the queue",
    ),
    (
        "add a point of order: one first in the queue",
        queued_point_of_order,
        "Amina Diallo already has a point of order at place #1 in the queue",
    ),
    (
        "add a point of order: one pending",
        pending_point_of_order,
        "Amina Diallo already has a pending point of order",
    ),
    (
        "edit into a point of order: one first in the queue",
        edited_into_a_second_point_of_order,
        "Amina Diallo already has a point of order at place #1 in the queue",
    ),
    (
        "edit out of a point of order: a turn fourth in the queue",
        edited_out_of_its_point_of_order,
        "Amina Diallo already has a turn at place #4 in the queue",
    ),
    (
        "edit out of a point of order: a request pending",
        edited_out_with_a_request_pending,
        "Amina Diallo already has a pending floor request",
    ),
    (
        "re-add: second in the queue",
        readded_twice,
        "Amina Diallo already has a turn at place #2 in the queue",
    ),
    ("re-add: speaking", readded_while_speaking, "Amina Diallo already has the floor"),
]


@pytest.mark.parametrize(
    ("setup", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_the_refusal_names_the_place_held(
    setup: Callable[[Floor], c.AnyCommand], message: str
) -> None:
    floor = live_floor()
    command = setup(floor)
    error = floor.refuse(command, "already_queued")
    assert error.message == message
