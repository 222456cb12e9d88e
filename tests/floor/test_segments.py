"""Segments of the programme: created, updated, started, ended; what needs a live segment."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.floor import Forbidden, apply
from app.floor import commands as c
from app.floor.events import SegmentUpdated
from app.floor.model import HOUR_MS, RequestStatus, SegmentDetails, SegmentStatus
from tests.floor.kit import MODERATOR, ORGANISER, START_AT, Floor, live_floor, replay


def test_the_organiser_creates_a_segment(scheduled: Floor) -> None:
    floor = scheduled
    segment_id = floor.create_segment(
        "Thematic discussion II",
        kind="discussion",
        aim="Progress on objectives 2, 5, 6 and 12",
        moderator="Ms. Moderator",
        scheduled_start_at=START_AT + HOUR_MS,
        scheduled_end_at=START_AT + 2 * HOUR_MS,
        position=2,
    )
    segment = floor.segment(segment_id)
    assert segment.details == SegmentDetails(
        title="Thematic discussion II",
        kind="discussion",
        aim="Progress on objectives 2, 5, 6 and 12",
        moderator="Ms. Moderator",
        scheduled_start_at=START_AT + HOUR_MS,
        scheduled_end_at=START_AT + 2 * HOUR_MS,
        position=2,
    )
    assert (segment.status, segment.version, segment.event_id) == (
        SegmentStatus.SCHEDULED,
        1,
        floor.state.event_id,
    )
    assert (segment.actual_start_at, segment.actual_end_at, segment.queue) == (None, None, ())
    assert len(floor.state.segments) == 2


def test_a_segment_may_not_end_before_it_starts() -> None:
    floor = Floor()
    command = c.CreateSegment(title="Lunch", scheduled_start_at=2_000, scheduled_end_at=1_000)
    error = floor.refuse(command, "invalid_schedule", ORGANISER)
    assert error.status == 422
    # in words a secretariat reads (the desk shows it as it is), not the fields' names
    assert error.message.startswith("the segment would end before it starts: choose an end time")
    assert "scheduled_" not in error.message
    assert floor.state.segments == {}


def test_update_changes_only_the_given_details(scheduled: Floor) -> None:
    scheduled.send(c.UpdateSegment(title="Opening segment", scheduled_start_at=1_000))
    details = scheduled.seg.details
    assert (details.title, details.kind, details.scheduled_start_at) == (
        "Opening segment",
        "discussion",
        1_000,
    )
    assert scheduled.version == 2


def test_an_update_that_changes_nothing_is_no_event(scheduled: Floor) -> None:
    assert scheduled.send(c.UpdateSegment(title=scheduled.seg.details.title)) == []
    assert scheduled.send(c.UpdateSegment()) == []
    assert scheduled.version == 1


def test_an_update_may_not_make_the_schedule_end_before_the_start(scheduled: Floor) -> None:
    scheduled.send(c.UpdateSegment(scheduled_start_at=5_000))
    scheduled.refuse(c.UpdateSegment(scheduled_end_at=4_000), "invalid_schedule")


def test_a_live_segment_may_be_updated(floor: Floor) -> None:
    floor.send(c.UpdateSegment(aim="Running late: 10 minutes"))
    assert floor.seg.details.aim == "Running late: 10 minutes"
    assert floor.seg.status is SegmentStatus.LIVE


def test_start_a_segment(scheduled: Floor) -> None:
    scheduled.tick(120_000)
    scheduled.send(c.StartSegment())
    assert scheduled.seg.status is SegmentStatus.LIVE
    assert scheduled.seg.actual_start_at == scheduled.now
    assert scheduled.state.live_segment_id == scheduled.segment_id


def test_a_live_segment_cannot_start_again(floor: Floor) -> None:
    assert "already live" in floor.refuse(c.StartSegment(), "already_live").message


def test_starting_a_segment_ends_the_live_one_and_its_turn() -> None:
    floor = live_floor()
    first = floor.segment_id
    second = floor.create_segment("Thematic discussion II")
    request_id = floor.queued("p1")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.tick(75_000)
    events = floor.send(c.StartSegment(), segment_id=second)
    assert [(e.type, e.segment_id) for e in events] == [
        ("turn_ended", first),
        ("segment_ended", first),
        ("segment_started", second),
    ]
    old = floor.segment(first)
    assert (old.status, old.actual_end_at, old.current) == (SegmentStatus.ENDED, floor.now, None)
    assert [s.spoken_ms for s in old.speeches] == [75_000]
    assert floor.status(request_id) is RequestStatus.SPOKEN
    assert floor.state.live_segment_id == second
    assert floor.segment(second).actual_start_at == floor.now


def test_only_one_segment_is_live_at_a_time() -> None:
    floor = live_floor()
    others = [floor.create_segment(f"Discussion {n}") for n in range(3)]
    for segment_id in [*others, floor.segment_id]:
        floor.send(c.StartSegment(), segment_id=segment_id)
        live = [s.id for s in floor.state.segments.values() if s.status is SegmentStatus.LIVE]
        assert live == [segment_id]


def test_end_a_segment_ends_the_current_turn(floor: Floor) -> None:
    floor.queued("p1")
    floor.add("Still waiting")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.tick(30_000)
    floor.send(c.EndSegment())
    segment = floor.seg
    assert (segment.status, segment.actual_end_at, segment.current) == (
        SegmentStatus.ENDED,
        floor.now,
        None,
    )
    assert [s.spoken_ms for s in segment.speeches] == [30_000]
    assert floor.names() == ["Still waiting"]  # the queue is kept for the record


def test_end_a_segment_without_a_turn(floor: Floor) -> None:
    (ended,) = floor.send(c.EndSegment())
    assert ended.type == "segment_ended"


@pytest.mark.parametrize("ended", [False, True])
def test_only_a_live_segment_can_end(scheduled: Floor, ended: bool) -> None:
    if ended:
        scheduled.send(c.StartSegment())
        scheduled.send(c.EndSegment())
    assert "not live" in scheduled.refuse(c.EndSegment(), "not_live").message


HOUR = 3_600_000


@pytest.mark.parametrize(
    ("spoke", "away_ms", "kept"),
    [
        (True, 60_000, True),  # resumed (after a break): its span runs on from its first start
        (True, 5 * HOUR, True),
        (True, 6 * HOUR + 1, False),  # a rehearsal the evening before: the day is a new run
        (False, 60_000, False),  # a screen check (nothing on its record), then the day
        (False, 5 * HOUR, False),
    ],
)
def test_an_ended_segment_started_again_keeps_its_first_start_unless_a_new_run(
    floor: Floor, spoke: bool, away_ms: int, kept: bool
) -> None:
    """Outside probe: a screen check at 16:10 (started, ended), then the day at 22:30: the
    first start was kept, so the schedule read the whole day as a rehearsal 6 h 55 min away
    and its record began at the screen check."""
    first_start = floor.seg.actual_start_at
    if spoke:
        floor.add("Speaker")
        floor.send(c.CallNext())
    floor.tick(60_000)
    floor.send(c.EndSegment())
    floor.tick(away_ms)
    floor.send(c.StartSegment())
    assert floor.seg.status is SegmentStatus.LIVE
    started = first_start if kept else floor.now
    assert (floor.seg.actual_start_at, floor.seg.actual_end_at) == (started, None)


@pytest.mark.parametrize("command", [c.CallNext(), c.StartTimer(), c.ResumeTimer()])
@pytest.mark.parametrize("ended", [False, True])
def test_the_floor_needs_a_live_segment(scheduled: Floor, command: object, ended: bool) -> None:
    scheduled.add("Waiting")
    if ended:
        scheduled.send(c.StartSegment())
        scheduled.send(c.EndSegment())
    error = scheduled.refuse(command, "not_live")
    assert "start it first" in error.message


def test_the_queue_can_be_arranged_while_the_segment_is_not_live(scheduled: Floor) -> None:
    a = scheduled.add("A")
    scheduled.add("B")
    scheduled.send(c.MoveEntry(entry_id=a, position=1))
    scheduled.send(c.RemoveEntry(entry_id=a))
    scheduled.send(c.Undo())
    assert scheduled.names() == ["B", "A"]


@pytest.mark.parametrize(
    ("positions", "then"),
    [
        ([], 0),  # the first segment of a programme
        ([None, None], 2),  # each left out goes after the last: 0, 1, then 2
        ([5], 6),
        ([3, 1], 4),  # after the last in the programme's order, not the last made
        # the programme's last place is taken: renumbered 0, then the new one after it
        ([1000], 1),
    ],
)
def test_a_segment_whose_position_is_left_out_goes_after_the_last(
    positions: list[int | None], then: int
) -> None:
    """A scripted programme (``POST …/segments`` without ``position``) keeps its order instead of
    tying every segment at 0."""
    floor = Floor()
    for n, position in enumerate(positions):
        floor.send(c.CreateSegment(title=f"Segment {n}", position=position), ORGANISER)
    added = floor.create_segment("Closing remarks")
    assert floor.segment(added).details.position == then
    assert floor.segment(floor.create_segment("Given", position=0)).details.position == 0


# --- moving a segment in the programme ----------------------------------------------------------


def _programme(floor: Floor) -> list[tuple[str, int]]:
    """(title, position) in the order every face lists the programme (position, then start)."""
    segments = sorted(
        floor.state.segments.values(),
        key=lambda s: (s.details.position, s.details.scheduled_start_at or 0),
    )
    return [(s.details.title, s.details.position) for s in segments]


def _abc(*positions: int | None) -> tuple[Floor, dict[str, str]]:
    """Segments A, B, C made in that order (at the positions given; left out: after the last)."""
    floor = Floor()
    given = positions or (None, None, None)
    ids = {t: floor.create_segment(t, position=p) for t, p in zip("ABC", given, strict=True)}
    return floor, ids


#: a segment moved (update_segment's position): the programme before, the move, then the
#: programme in its order, and which segments' segment_updated events the move made (the moved
#: one first, if it changed)
MOVES: list[tuple[str, tuple[int | None, ...], str, int, str, str]] = [
    ("the probe: C to 0, the others follow", (), "C", 0, "CAB", "CAB"),
    ("to the middle", (), "C", 1, "ACB", "CB"),
    ("down to the last place", (), "A", 2, "BCA", "ABC"),
    ("past the end: the last place", (), "A", 1000, "BCA", "ABC"),
    ("where it is: no event", (), "B", 1, "ABC", ""),
    ("a programme with gaps is renumbered", (0, 5, 7), "C", 0, "CAB", "CAB"),
    ("a first place kept, the rest renumbered", (0, 5, 7), "A", 0, "ABC", "BC"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("before", "moved", "position", "after", "updated"),
    [case[1:] for case in MOVES],
    ids=[case[0] for case in MOVES],
)
def test_moving_a_segment_puts_it_at_that_place_and_the_others_follow(
    before: tuple[int | None, ...], moved: str, position: int, after: str, updated: str
) -> None:
    floor, ids = _abc(*before)
    events = floor.send(c.UpdateSegment(position=position), segment_id=ids[moved])
    assert _programme(floor) == [(title, n) for n, title in enumerate(after)]
    titles = {segment_id: title for title, segment_id in ids.items()}
    assert "".join(titles[e.segment_id] for e in events) == updated
    assert {e.type for e in events} <= {"segment_updated"}
    assert replay(floor.log) == floor.state  # the positions are in the events


def test_a_move_resolves_a_tie_an_older_log_left_with_the_moved_segment_first() -> None:
    """Before moves renumbered the programme, C set to 0 tied with A (the probe: A 0, C 0, B 1)."""
    floor, ids = _abc()
    c_details = replace(floor.segment(ids["C"]).details, position=0)
    floor.state = apply(floor.state, SegmentUpdated(segment_id=ids["C"], details=c_details))
    assert [position for _, position in _programme(floor)] == [0, 0, 1]
    floor.send(c.UpdateSegment(position=0), segment_id=ids["C"])
    assert _programme(floor) == [("C", 0), ("A", 1), ("B", 2)]


def test_a_move_changes_the_other_details_given_with_it() -> None:
    floor, ids = _abc()
    (moved, *others) = floor.send(c.UpdateSegment(title="C'", position=0), segment_id=ids["C"])
    assert isinstance(moved, SegmentUpdated) and moved.segment_id == ids["C"]
    assert (moved.details.title, moved.details.position) == ("C'", 0)
    assert len(others) == 2
    assert floor.segment(ids["C"]).version == 2 and floor.segment(ids["A"]).version == 2


def test_the_desks_move_one_patch_per_changed_position_gives_the_same_programme() -> None:
    """The organiser's desk moves a segment down by sending each segment whose place changed its
    new place (as read before the first PATCH): the first PATCH moves it, the rest change
    nothing."""
    floor, ids = _abc()
    wanted = ["B", "A", "C"]  # A one place down
    read = {title: floor.segment(ids[title]).details.position for title in "ABC"}
    for place, title in enumerate(wanted):
        if read[title] != place:
            floor.send(c.UpdateSegment(position=place), segment_id=ids[title])
    assert _programme(floor) == [("B", 0), ("A", 1), ("C", 2)]


def test_after_a_segment_is_moved_to_the_end_a_new_one_still_goes_after_it() -> None:
    """The probe: one segment set to 1000, every new segment was made at 1000 too."""
    floor, ids = _abc()
    floor.send(c.UpdateSegment(position=1000), segment_id=ids["A"])
    floor.create_segment("D")
    floor.create_segment("E")
    assert _programme(floor) == [("B", 0), ("C", 1), ("A", 2), ("D", 3), ("E", 4)]


#: a segment made at a position in the programme A 0, B 1, C 2: the programme after
CREATED: list[tuple[str, int | None, list[tuple[str, int]]]] = [
    ("left out: after the last", None, [("A", 0), ("B", 1), ("C", 2), ("X", 3)]),
    ("a taken position: before the one at it", 1, [("A", 0), ("X", 1), ("B", 2), ("C", 3)]),
    ("the first place", 0, [("X", 0), ("A", 1), ("B", 2), ("C", 3)]),
    ("a free position: kept as given", 5, [("A", 0), ("B", 1), ("C", 2), ("X", 5)]),
    ("the last place, free", 1000, [("A", 0), ("B", 1), ("C", 2), ("X", 1000)]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("position", "after"), [case[1:] for case in CREATED], ids=[case[0] for case in CREATED]
)
def test_a_new_segment_takes_its_position_and_never_ties(
    position: int | None, after: list[tuple[str, int]]
) -> None:
    floor, _ = _abc()
    created, *renumbered = floor.send(c.CreateSegment(title="X", position=position), ORGANISER)
    assert created.type == "segment_created"  # first: the engine names the segment by it
    assert {e.type for e in renumbered} <= {"segment_updated"}
    assert _programme(floor) == after
    assert replay(floor.log) == floor.state


@pytest.mark.parametrize("position", [None, 1000])
def test_when_the_last_place_is_taken_a_new_segment_goes_at_the_end(position: int | None) -> None:
    floor, _ = _abc(0, 1, 1000)
    floor.send(c.CreateSegment(title="X", position=position), ORGANISER)
    assert _programme(floor) == [("A", 0), ("B", 1), ("C", 2), ("X", 3)]
    floor.create_segment("Y")
    assert _programme(floor)[-1] == ("Y", 4)


# --- a segment added by mistake, taken out ------------------------------------------------------


def test_a_segment_that_never_ran_is_taken_out_of_the_programme(scheduled: Floor) -> None:
    floor = scheduled
    extra = floor.create_segment("Night drafting session", position=5)
    before = [s.id for s in floor.state.programme()]
    assert extra in before
    events = floor.send(c.RemoveSegment(), ORGANISER, extra)
    assert [event.type for event in events] == ["segment_removed"]
    assert [s.id for s in floor.state.programme()] == [sid for sid in before if sid != extra]
    assert floor.segment(extra).removed and floor.segment(extra).version == 2
    # nothing reaches it any more, and the log replays to the same state
    refused = floor.refuse(c.StartSegment(), "not_found", ORGANISER, extra)
    assert "'Night drafting session' was removed from the programme" in refused.message
    floor.refuse(c.RemoveSegment(), "not_found", ORGANISER, extra)
    assert replay(floor.log) == floor.state


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        ("live", "has run: it stays in the day's record (rename it instead)"),
        ("queued", "1 speaker is queued in segment 'Thematic discussion I': take them out"),
        ("requested", "1 floor request waits in segment 'Thematic discussion I': decline them"),
    ],
)
def test_a_segment_that_ran_or_holds_someone_stays(setup: str, says: str) -> None:
    floor = live_floor() if setup == "live" else Floor()
    if setup != "live":
        floor.create_segment()  # scheduled: the list takes names and requests before it starts
    if setup == "queued":
        floor.add("Ana")
    elif setup == "requested":
        floor.request("p1")
    refused = floor.refuse(c.RemoveSegment(), "segment_not_removable", ORGANISER)
    assert says in refused.message, refused.message
    assert refused.status == 409


def test_only_an_organiser_takes_a_segment_out(scheduled: Floor) -> None:
    scheduled.refuse(c.RemoveSegment(), "forbidden", MODERATOR, error=Forbidden)


def test_nobody_is_carried_into_a_segment_taken_out(scheduled: Floor) -> None:
    """A console whose banner still offers the old target (the instruments refresh every 15 s):
    the carry is refused, not made into a segment no list shows."""
    floor = live_floor()
    target = floor.create_segment("Mistake", position=5)
    floor.add("Ana")
    floor.send(c.EndSegment(), ORGANISER)
    floor.send(c.RemoveSegment(), ORGANISER, target)
    refused = floor.refuse(c.CarryQueue(to_segment_id=target), "not_found", ORGANISER)
    assert "'Mistake' was removed from the programme" in refused.message


# --- two people editing at once: update_segment's expected ---------------------------------------

EXPECTED = [  # (what, the change, expected, refused with the values now, or None: applied)
    ("what was read is still there", {"moderator": "B"}, {"moderator": "A"}, None),
    ("someone changed it since", {"moderator": "B"}, {"moderator": "C"}, {"moderator": "A"}),
    ("an end read as none, set since", {"scheduled_end_at": 9}, {"scheduled_end_at": None}, None),
    (
        "the aim changed by another, the title by me",
        {"title": "New"},
        {"title": "Opening", "aim": "Other aim"},
        {"aim": ""},
    ),
    ("a move from the place read", {"position": 2}, {"position": 0}, None),
    ("a move on a stale list", {"position": 2}, {"position": 1}, {"position": 0}),
    ("none read as null or as empty text alike", {"aim": "New"}, {"aim": None}, None),
]


@pytest.mark.parametrize(
    ("what", "change", "expected", "refused"), EXPECTED, ids=[case[0] for case in EXPECTED]
)
def test_an_update_names_what_it_read_and_refuses_what_changed_since(
    what: str,
    change: dict[str, object],
    expected: dict[str, object],
    refused: dict[str, object] | None,
) -> None:
    """Two organisers on the desk (outside probe L): the second save from a form opened before
    the first one's would silently put the old moderator back; with ``expected`` it is refused
    ``changed_since``, naming the field and its value now, and nothing changes."""
    floor, ids = _abc()
    floor.send(c.UpdateSegment(title="Opening", moderator="A"), segment_id=ids["A"])
    command = c.UpdateSegment(**change, expected=c.SegmentExpected(**expected))
    if refused is None:
        assert floor.send(command, segment_id=ids["A"]), what
        return
    error = floor.refuse(command, "changed_since", segment_id=ids["A"])
    assert error.status == 409
    assert error.detail == {"changed": refused}, what
    assert all(name in error.message for name in refused)


def test_a_move_below_a_segment_taken_out_expects_its_place_in_the_list() -> None:
    """The review: with B taken out of A, B, C, D the positions were 0, 2, 3, and the desk's ↑
    on C (its place in the list: 1) was refused changed_since for ever."""
    floor, ids = _abc()
    ids["D"] = floor.create_segment("D")
    floor.send(c.RemoveSegment(), actor=ORGANISER, segment_id=ids["B"])
    up = c.UpdateSegment(position=0, expected=c.SegmentExpected(position=1))
    floor.send(up, segment_id=ids["C"])
    assert [s.details.title for s in floor.state.programme()] == ["C", "A", "D"]
    stale = c.UpdateSegment(position=2, expected=c.SegmentExpected(position=1))
    error = floor.refuse(stale, "changed_since", segment_id=ids["C"])
    assert error.detail == {"changed": {"position": 0}}
