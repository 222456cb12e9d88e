"""A segment that has seen thousands of floor requests: folding one more event, and reading what
the screens need, costs the same as in a fresh segment (a restart folds every event of the log).

No clock is read: the cost of a fold is measured in memory allocated (``tracemalloc``), which is
what copying every request would show, whatever the machine's speed.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

from app.floor import HearingState, apply
from app.floor import commands as c
from app.floor import events as e
from app.floor.model import SHOWN_CLOSED_REQUESTS, RequestStatus, TurnKind
from app.views import Audience, own_requests, requestable, view
from tests.floor.kit import SPEAKERS, START_AT, Floor, delegate, live_floor


def _withdrawn_many(floor: Floor, count: int, participant_id: str = "p1") -> None:
    """``count`` requests by one delegate, each withdrawn, folded straight from their events."""
    state = floor.state
    speaker = SPEAKERS[participant_id]
    for number in range(count):
        request_id = f"old{participant_id}-{number}"
        state = apply(
            state,
            e.FloorRequested(
                segment_id=floor.segment_id,
                request_id=request_id,
                speaker=speaker,
                kind=TurnKind.INTERVENTION,
                note="",
                at=START_AT + number,
            ),
        )
        state = apply(state, e.RequestWithdrawn(segment_id=floor.segment_id, request_id=request_id))
    floor.state = state


def _allocated(fold: Callable[[], HearingState]) -> int:
    """The most memory ``fold`` held at once, in bytes."""
    tracemalloc.start()
    try:
        fold()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _fold_costs(count: int) -> list[int]:
    """What folding one more request, then its withdrawal, allocates in a segment that has seen
    ``count`` requests of one delegate."""
    floor = live_floor()
    _withdrawn_many(floor, count)
    request = e.FloorRequested(
        segment_id=floor.segment_id,
        request_id="next",
        speaker=SPEAKERS["p1"],
        kind=TurnKind.INTERVENTION,
        note="",
        at=floor.now,
    )
    withdrawal = e.RequestWithdrawn(segment_id=floor.segment_id, request_id="next")
    after = apply(floor.state, request)
    return [
        _allocated(lambda: apply(floor.state, request)),
        _allocated(lambda: apply(after, withdrawal)),
    ]


def test_folding_a_request_copies_nothing_of_the_requests_before_it() -> None:
    """Each request event used to copy the whole dict of requests and the delegate's list of
    ids: O(n) per event, so a restart with n requests in a segment took O(n²)."""
    few, many = _fold_costs(10), _fold_costs(10_000)
    # a persistent map copies only the O(log n) nodes on the path to the request changed, where
    # copying 10,000 requests would allocate hundreds of kilobytes
    for small, large in zip(few, many, strict=True):
        assert large < small + 8_192, (few, many)


def test_the_requests_before_a_fold_are_shared_not_copied(floor: Floor) -> None:
    _withdrawn_many(floor, 100)
    before = floor.seg
    floor.request("p2")
    after = floor.seg
    assert len(before.requests) == 100 and len(after.requests) == 101
    assert all(after.requests[rid] is request for rid, request in before.requests.items())


def test_a_delegate_is_shown_their_live_requests_and_their_newest_closed_ones(
    floor: Floor,
) -> None:
    _withdrawn_many(floor, 1_000)
    floor.request("p1", TurnKind.POINT_OF_ORDER)
    mine = floor.mine("p1")
    assert len(mine) == SHOWN_CLOSED_REQUESTS + 1
    assert [r["status"] for r in mine] == ["withdrawn"] * SHOWN_CLOSED_REQUESTS + ["pending"]
    assert [r["id"] for r in mine[:-1]] == [f"oldp1-{n}" for n in range(995, 1_000)]
    assert len(floor.seg.request_ids_of["p1"]) == SHOWN_CLOSED_REQUESTS + 1
    # the requests that are no longer shown are still known: the rules answer as before
    floor.refuse(c.WithdrawRequest(request_id="oldp1-0"), "not_withdrawable", delegate("p1"))
    assert floor.status("oldp1-0") is RequestStatus.WITHDRAWN


def test_what_the_screens_read_does_not_grow_with_closed_requests(floor: Floor) -> None:
    _withdrawn_many(floor, 1_000)
    _withdrawn_many(floor, 1_000, "p2")
    first = floor.request("p3")
    second = floor.request("p2")
    assert floor.seg.pending_ids == (first, second)
    assert [r["id"] for r in floor.view()["requests"]] == [first, second]
    assert floor.view(Audience.DELEGATE)["pending_count"] == 2
    assert requestable(floor.seg, "p2")["intervention"] == "already_queued"
    assert requestable(floor.seg, "p1")["intervention"] is None


def test_an_undo_reopens_a_request_no_longer_shown_in_its_place(floor: Floor) -> None:
    declined = floor.request("p1")
    later = floor.request("p2")
    floor.send(c.DeclineRequest(request_id=declined, reason="later"))
    for _ in range(SHOWN_CLOSED_REQUESTS + 1):  # requests and withdrawals push no undo
        point = floor.request("p1", TurnKind.POINT_OF_ORDER)
        floor.send(c.WithdrawRequest(request_id=point), delegate("p1"))
    assert declined not in floor.seg.request_ids_of["p1"]
    floor.send(c.Undo())
    assert floor.status(declined) is RequestStatus.PENDING
    assert floor.mine("p1")[0]["id"] == declined  # first: it is the oldest
    assert floor.mine("p1")[0]["status"] == "pending"
    assert [r["id"] for r in floor.view()["requests"]] == [declined, later]


def test_pending_requests_keep_the_order_they_were_made_in_through_an_undo(floor: Floor) -> None:
    ids = [floor.request(p) for p in ("p1", "p2", "p3")]
    floor.send(c.DeclineRequest(request_id=ids[1]))
    assert [r["id"] for r in floor.view()["requests"]] == [ids[0], ids[2]]
    floor.send(c.Undo())
    assert [r["id"] for r in floor.view()["requests"]] == ids
    assert [r.number for r in map(floor.req, ids)] == [0, 1, 2]


def test_own_requests_and_views_stay_plain_json(floor: Floor) -> None:
    _withdrawn_many(floor, 20)
    floor.request("p1")
    assert isinstance(own_requests(floor.seg, "p1"), list)
    for audience in Audience:
        document = view(floor.seg, audience)
        assert type(document) is dict
        if "requests" in document:
            assert type(document["requests"]) is list
