"""Whether a registered participant may be taken out of the registry (app/floor/removal.py):
refused, naming where, while a queue, a request, the floor, the record or the outcome holds
them; free once the moderator has taken them out of what is live."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.floor import commands as c
from app.floor.contributions import (
    Author,
    Contribution,
    ContributionKind,
    ContributionStatus,
)
from app.floor.removal import Place, Where, places, refusal
from tests.floor.kit import Floor, delegate


def _registered(floor: Floor) -> None:
    """Joined, never asked for the floor: a duplicate registration."""


def _asked_then_withdrew(floor: Floor) -> None:
    request_id = floor.request("p1")
    floor.send(c.WithdrawRequest(request_id=request_id), delegate("p1"))


def _declined(floor: Floor) -> None:
    floor.send(c.DeclineRequest(request_id=floor.request("p1")))


def _taken_out_of_the_queue(floor: Floor) -> None:
    floor.queued("p1")
    (entry,) = [x for x in floor.seg.queue if x.speaker.participant_id == "p1"]
    floor.send(c.RemoveEntry(entry_id=entry.id))


def _pending(floor: Floor) -> None:
    floor.request("p1")


def _waiting(floor: Floor) -> None:
    floor.queued("p1")


def _speaking(floor: Floor) -> None:
    floor.queued("p1")
    floor.send(c.CallNext())


def _paused(floor: Floor) -> None:
    floor.queued("p1")
    floor.send(c.CallNext())
    floor.send(c.Interpose(participant_id="p2"))


def _spoke(floor: Floor) -> None:
    floor.queued("p1")
    floor.send(c.CallNext())
    floor.tick(30_000)
    floor.send(c.EndTurn())


CASES: list[tuple[str, Callable[[Floor], None], list[Where]]] = [
    ("registered, never asked", _registered, []),
    ("asked, then withdrew", _asked_then_withdrew, []),
    ("asked, and was declined (the decline is kept for undo)", _declined, []),
    ("taken out of the queue by the moderator", _taken_out_of_the_queue, []),
    ("a request the moderator has not decided", _pending, [Where.REQUEST]),
    ("waiting in the queue", _waiting, [Where.QUEUE]),
    ("has the floor", _speaking, [Where.FLOOR]),
    ("paused by an interposed question", _paused, [Where.FLOOR]),
    ("has spoken", _spoke, [Where.RECORD]),
]


@pytest.mark.parametrize(("case", "setup", "where"), CASES, ids=[case[0] for case in CASES])
def test_where_the_day_holds_a_participant(
    floor: Floor, case: str, setup: Callable[[Floor], None], where: list[Where]
) -> None:
    setup(floor)
    found = places([floor.seg], [], "p1")
    assert [place.where for place in found] == where, case
    assert all(place.segment == floor.seg.details.title for place in found)
    assert places([floor.seg], [], "p3") == []  # nobody else is held by it


def test_guests_in_the_queue_hold_no_registered_participant(floor: Floor) -> None:
    """A guest added by name has no participant id: nobody registered is held by them."""
    floor.add("Guest speaker")
    floor.send(c.CallNext())
    floor.add("Another guest")
    assert places([floor.seg], [], "p1") == []


def test_a_participant_who_spoke_twice_is_in_the_record_twice(floor: Floor) -> None:
    _spoke(floor)
    _spoke(floor)
    assert places([floor.seg], [], "p1") == [Place(Where.RECORD, floor.seg.details.title, 2)]


def test_a_turn_called_and_skipped_is_counted_as_such(floor: Floor) -> None:
    _spoke(floor)
    floor.queued("p1")
    floor.send(c.CallNext())
    floor.send(c.EndTurn(skipped=True))
    assert places([floor.seg], [], "p1") == [Place(Where.RECORD, floor.seg.details.title, 2, 1)]


def _contribution(participant_id: str, status: ContributionStatus) -> Contribution:
    return Contribution(
        id=f"k-{participant_id}-{status}",
        kind=ContributionKind.PLEDGE,
        text="Ten thousand places in regular pathways",
        original_text="Ten thousand places in regular pathways",
        author=Author(participant_id, "Amina Diallo", "Migrant Forum in Asia", "civil_society"),
        segment_id=None,
        entry_id=None,
        language="en",
        status=status,
        merged_into=None,
        themes=(),
        objectives=(),
        note="",
        submitted_at=0,
        updated_at=0,
        version=1,
    )


@pytest.mark.parametrize("status", list(ContributionStatus))
def test_an_author_of_a_contribution_stays_whatever_became_of_it(
    floor: Floor, status: ContributionStatus
) -> None:
    """Set aside or merged, the log keeps who wrote it: the outcome's record holds them."""
    found = places([floor.seg], [_contribution("p1", status)], "p1")
    assert found == [Place(Where.CONTRIBUTION, None, 1)]
    assert places([floor.seg], [_contribution("p2", status)], "p1") == []


def test_segments_are_listed_in_the_programmes_order() -> None:
    floor = Floor()
    floor.create_segment("Thematic discussion I", position=3)
    floor.send(c.StartSegment())
    _pending(floor)
    earlier = floor.create_segment("Opening", position=1)  # made later, first in the programme
    floor.send(c.AddSpeaker(participant_id="p1"), segment_id=earlier)
    assert list(floor.state.segments)[-1] == earlier
    found = places(floor.state.segments.values(), [], "p1")
    assert [(p.where, p.segment) for p in found] == [
        (Where.QUEUE, "Opening"),
        (Where.REQUEST, "Thematic discussion I"),
    ]


def test_the_refusal_names_where_and_what_to_do() -> None:
    live = refusal(
        "Amina Diallo",
        "p1",
        [Place(Where.QUEUE, "Opening", 1), Place(Where.REQUEST, "Discussion I", 1)],
    )
    assert (live.code, live.status) == ("participant_in_use", 409)
    assert live.message == (
        "Amina Diallo cannot be removed: waiting in the queue of \u201cOpening\u201d; asking for "
        "the floor in \u201cDiscussion I\u201d. On the moderator console, take them out of the "
        "queue or decline their request first, then remove them."
    )
    recorded = refusal(
        "Amina Diallo",
        "p1",
        [Place(Where.RECORD, "Opening", 2), Place(Where.CONTRIBUTION, None, 3)],
    )
    assert recorded.message == (
        "Amina Diallo cannot be removed: in the record of \u201cOpening\u201d (spoke 2 times); "
        "the author of 3 contributions to the outcome. The day's record keeps whoever has the "
        "floor, spoke or contributed, so they stay registered: to fix their name or "
        "organisation, correct them instead (PATCH /api/v1/participants/p1)."
    )
    # a skipped turn is on the record, but nobody spoke in it (outside probe: "spoke once")
    said = {
        (count, skipped): refusal("A", "p1", [Place(Where.RECORD, "Opening", count, skipped)])
        .message.split(" (")[1]
        .split(")")[0]
        for count, skipped in [(1, 1), (2, 2), (2, 1), (3, 2)]
    }
    assert said == {
        (1, 1): "called once and skipped",
        (2, 2): "called 2 times and skipped",
        (2, 1): "spoke once; called once more and skipped",
        (3, 2): "spoke once; called 2 more times and skipped",
    }
