"""A suggested order: points of order first, then the least heard, and nobody waits for ever."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.floor import commands as c
from app.floor.fairness import (
    Candidate,
    Heard,
    heard_today,
    suggest,
    suggested_queue,
    suggested_requests,
)
from app.floor.model import (
    Constituency,
    QueueEntry,
    SegmentDetails,
    SegmentState,
    SegmentStatus,
    Speaker,
    Speech,
    Timer,
    Turn,
)
from app.floor.model import TurnKind as K
from tests.floor.kit import Floor, delegate

PO = K.POINT_OF_ORDER
IV = K.INTERVENTION


def cand(
    id: str, constituency: str = "cs", region: str = "", arrival: int = 0, kind: K = K.INTERVENTION
) -> Candidate:
    return Candidate(id, kind, constituency, region, arrival)


def heard(
    constituency: Mapping[str, int] | None = None, region: Mapping[str, int] | None = None
) -> Heard:
    return Heard(constituency or {}, region or {})


def ids(candidates: Sequence[Candidate], counts: Heard | None = None) -> list[str]:
    return [s.candidate.id for s in suggest(candidates, counts or heard())]


def score(candidate: Candidate, counts: Heard) -> int:
    region = counts.region.get(candidate.region, 0) if candidate.region else 0
    return max(counts.constituency.get(candidate.constituency, 0), region)


def served(counts: Heard, candidate: Candidate) -> Heard:
    """The counts once the candidate has been heard."""
    constituency = dict(counts.constituency)
    constituency[candidate.constituency] = constituency.get(candidate.constituency, 0) + 1
    region = dict(counts.region)
    if candidate.region:
        region[candidate.region] = region.get(candidate.region, 0) + 1
    return Heard(constituency, region)


# --- concrete cases ------------------------------------------------------------------------------

CASES: list[tuple[str, list[Candidate], Heard, list[str]]] = [
    ("nobody", [], heard(), []),
    (
        "nobody heard yet: arrival order, one constituency does not go twice before another",
        [cand("a", "ms", arrival=0), cand("b", "ms", arrival=1), cand("c", "cs", arrival=2)],
        heard(),
        ["a", "c", "b"],
    ),
    (
        "points of order first, in their order of arrival",
        [
            cand("a", arrival=0),
            cand("p2", "ms", arrival=3, kind=PO),
            cand("b", arrival=1),
            cand("p1", "ms", arrival=2, kind=PO),
        ],
        heard({"ms": 9}),
        ["p1", "p2", "a", "b"],
    ),
    (
        "the least heard constituency first",
        [cand("a", "ms", arrival=0), cand("b", "ms", arrival=1), cand("c", "cs", arrival=2)],
        heard({"ms": 2, "cs": 1}),
        ["c", "a", "b"],
    ),
    (
        "the least heard region first",
        [cand("a", "cs", "Africa", 0), cand("b", "academia", "Europe", 1)],
        heard(region={"Africa": 2}),
        ["b", "a"],
    ),
    (
        "the larger of the two counts, not their sum",
        [cand("a", "ms", "Europe", 0), cand("b", "cs", "Africa", 1)],
        heard({"ms": 2, "cs": 1}, {"Africa": 1}),  # a: max(2, 0) = 2, b: max(1, 1) = 1
        ["b", "a"],
    ),
    (
        "equal scores go by arrival",
        [cand("a", "ms", "Africa", 0), cand("b", "ms", "", 1)],
        heard({"ms": 2}, {"Africa": 2}),
        ["a", "b"],
    ),
    (
        "an unstated region counts nothing and is not counted",
        [cand("a", "cs", "", 0), cand("b", "academia", "", 1), cand("c", "media", "", 2)],
        heard({"cs": 1, "academia": 1}, {"": 5}),
        ["c", "a", "b"],
    ),
    (
        "a region heard once it is picked",
        [cand("a", "ms", "Asia", 0), cand("b", "cs", "Asia", 1), cand("c", "media", "Europe", 2)],
        heard(),
        ["a", "c", "b"],
    ),
    (
        "other kinds take no precedence",
        [cand("a", "ms", arrival=0), cand("r", "cs", arrival=1, kind=K.RIGHT_OF_REPLY)],
        heard({"ms": 1}),
        ["r", "a"],
    ),
    (
        "the same arrival goes by id",
        [cand("b", arrival=5), cand("a", arrival=5)],
        heard(),
        ["a", "b"],
    ),
]


@pytest.mark.parametrize(
    ("candidates", "counts", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_suggested_order(candidates: list[Candidate], counts: Heard, expected: list[str]) -> None:
    assert ids(candidates, counts) == expected


def test_each_suggestion_says_why_with_the_counts_when_it_was_picked() -> None:
    """The turns heard today as the record has them, and apart the places earlier in this order
    (which the choice counted as heard)."""
    candidates = [
        cand("a", "ms", "Africa", 0),
        cand("b", "ms", "Europe", 1),
        cand("c", "cs", "Africa", 2),
        cand("p", "ms", "Africa", 3, kind=PO),
    ]
    counts = heard({"ms": 1}, {"Europe": 3})
    assert [s.as_json() for s in suggest(candidates, counts)] == [
        {"id": "p", "position": 0, "arrival_position": 3, "why": "point_of_order",
         "constituency_turns": 1, "region_turns": 0,
         "constituency_earlier": 0, "region_earlier": 0},
        {"id": "c", "position": 1, "arrival_position": 2, "why": "least_heard",
         "constituency_turns": 0, "region_turns": 0,
         "constituency_earlier": 0, "region_earlier": 1},
        {"id": "a", "position": 2, "arrival_position": 0, "why": "arrival",
         "constituency_turns": 1, "region_turns": 0,
         "constituency_earlier": 1, "region_earlier": 2},
        {"id": "b", "position": 3, "arrival_position": 1, "why": "arrival",
         "constituency_turns": 1, "region_turns": 3,
         "constituency_earlier": 2, "region_earlier": 0},
    ]  # fmt: skip


#: (what, candidates, heard today, expected (id, turns heard today, places earlier) per place)
TRUE_COUNTS: list[tuple[str, list[Candidate], Heard, list[tuple[str, int, int, int, int]]]] = [
    (
        "nobody heard yet: every place says 0 turns today, the order's own places apart",
        [
            cand("a", "ms", "Europe", 0),
            cand("b", "ms", "Europe", 1),
            cand("c", "red_cross", "Africa", 2),
            cand("d", "cs", "Africa", 3),
        ],
        heard(),
        [
            ("a", 0, 0, 0, 0),
            ("c", 0, 0, 0, 0),
            ("b", 0, 0, 1, 1),  # ms and Europe: one place earlier (a), none heard
            ("d", 0, 0, 0, 1),  # Africa: one place earlier (c), none heard
        ],
    ),
    (
        "heard today and earlier in this order, each as it is",
        [cand("a", "cs", "Asia", 0), cand("b", "cs", "Asia", 1), cand("c", "ms", "", 2)],
        heard({"cs": 1, "ms": 3}, {"Asia": 2}),
        [("a", 1, 2, 0, 0), ("b", 1, 2, 1, 1), ("c", 3, 0, 0, 0)],
    ),
    (
        "a point of order's place counts as earlier, not as heard",
        [cand("a", "cs", "", 0), cand("p", "cs", "", 1, kind=PO)],
        heard(),
        [("p", 0, 0, 0, 0), ("a", 0, 0, 1, 0)],
    ),
]


@pytest.mark.parametrize(
    ("candidates", "counts", "expected"),
    [case[1:] for case in TRUE_COUNTS],
    ids=[case[0] for case in TRUE_COUNTS],
)
def test_the_counts_said_are_the_records_and_the_orders_apart(
    candidates: list[Candidate], counts: Heard, expected: list[tuple[str, int, int, int, int]]
) -> None:
    assert [
        (
            s.candidate.id,
            s.constituency_turns,
            s.region_turns,
            s.constituency_earlier,
            s.region_earlier,
        )
        for s in suggest(candidates, counts)
    ] == expected


def test_a_hundred_and_twenty_requests_with_nobody_heard_say_nobody_was_heard() -> None:
    """Outside tester: "Least heard: Red Cross / Red Crescent 1 turn today, Africa 1" with nobody
    from the floor heard yet. Every place says 0 turns today; the places earlier in this order
    add up to the places before it of the same constituency and region."""
    rng = random.Random(120)
    constituencies = [member.value for member in Constituency]
    regions = ["", "Africa", "Asia-Pacific", "Europe", "Latin America"]
    candidates = [
        cand(f"r{n}", rng.choice(constituencies), rng.choice(regions), n) for n in range(120)
    ]
    suggestion = suggest(candidates, heard())
    assert {(s.constituency_turns, s.region_turns) for s in suggestion} == {(0, 0)}
    assert max(s.constituency_earlier for s in suggestion) > 0
    for s in suggestion:
        before = suggestion[: s.position]
        assert s.constituency_earlier == sum(
            e.candidate.constituency == s.candidate.constituency for e in before
        )


def test_a_thousand_requests() -> None:
    rng = random.Random(7)
    constituencies = [member.value for member in Constituency]
    regions = ["", "Africa", "Asia-Pacific", "Europe", "Latin America", "North America"]
    candidates = [
        cand(
            f"r{n}",
            rng.choice(constituencies),
            rng.choice(regions),
            n,
            PO if n % 97 == 0 else K.INTERVENTION,
        )
        for n in range(1_000)
    ]
    suggestion = suggest(candidates, heard({"member_state": 20}, {"Europe": 10}))
    assert sorted(s.candidate.id for s in suggestion) == sorted(c.id for c in candidates)
    assert [s.candidate.id for s in suggestion[:11]] == [f"r{n}" for n in range(0, 1_000, 97)]


# --- the segment's requests and queue, and the day's counts --------------------------------------


def _speech(speaker: Speaker, skipped: bool = False) -> Speech:
    return Speech("e", speaker, K.INTERVENTION, 0, 0, None, 0, 0, 0, 0, skipped=skipped)


def _turn(speaker: Speaker) -> Turn:
    return Turn(QueueEntry("t", speaker, K.INTERVENTION, 60_000), Timer(60_000))


def test_heard_today_counts_spoken_turns_and_those_on_the_floor_of_a_live_segment() -> None:
    cs_africa = Speaker("A", constituency=Constituency.CIVIL_SOCIETY, region=" Africa ")
    ms = Speaker("B", constituency=Constituency.MEMBER_STATE)
    media = Speaker("C", constituency=Constituency.MEDIA, region="Europe")
    ended = SegmentState(
        "s1",
        "ev",
        1,
        SegmentDetails("Morning"),
        status=SegmentStatus.ENDED,
        speeches=(_speech(cs_africa), _speech(ms), _speech(media, skipped=True)),
    )
    live = replace(
        ended,
        id="s2",
        status=SegmentStatus.LIVE,
        speeches=(_speech(cs_africa),),
        current=_turn(media),
        paused=_turn(ms),
    )
    scheduled = replace(live, id="s3", status=SegmentStatus.SCHEDULED, speeches=())
    assert heard_today([ended, live, scheduled]) == Heard(
        {"civil_society": 2, "member_state": 2, "media": 1}, {"Africa": 2, "Europe": 1}
    )
    assert heard_today([]) == heard()


def test_suggested_requests_of_a_segment(floor: Floor) -> None:
    first = floor.request("p1")  # migrant association
    floor.request("p2", K.RIGHT_OF_REPLY)  # local and regional authorities
    third = floor.request("p3")  # academia
    floor.send(c.WithdrawRequest(request_id=floor.request("p4")), delegate("p4"))
    point = floor.request("p4", K.POINT_OF_ORDER)
    counts = heard({"migrant_association": 1, "local_and_regional_authorities": 2})
    suggestion = suggested_requests(floor.seg, counts)
    assert [(s["id"], s["arrival_position"], s["why"]) for s in suggestion] == [
        (point, 3, "point_of_order"),
        (third, 2, "least_heard"),
        (first, 0, "arrival"),
        (floor.seg.pending_ids[1], 1, "arrival"),
    ]


def test_suggested_queue_of_a_segment(floor: Floor) -> None:
    floor.add("UN", constituency=Constituency.UN_SYSTEM, kind=K.INTERVENTION)
    floor.add("State", constituency=Constituency.MEMBER_STATE, kind=K.INTERVENTION)
    floor.add("Also UN", constituency=Constituency.UN_SYSTEM, kind=K.INTERVENTION)
    entries = [entry.id for entry in floor.seg.queue]
    suggestion = suggested_queue(floor.seg, heard({"un_system": 1}))
    assert [(s["id"], s["position"], s["arrival_position"]) for s in suggestion] == [
        (entries[1], 0, 1),
        (entries[0], 1, 0),
        (entries[2], 2, 2),
    ]


# --- properties ----------------------------------------------------------------------------------

CONSTITUENCIES = ["ms", "cs", "un", "academia"]
REGIONS = ["", "Africa", "Asia", "Europe"]
KINDS = [K.INTERVENTION, K.INTERVENTION, K.INTERVENTION, K.RIGHT_OF_REPLY, K.PANELLIST, PO]

groups = st.tuples(st.sampled_from(CONSTITUENCIES), st.sampled_from(REGIONS))
heards = st.builds(
    Heard,
    st.dictionaries(st.sampled_from(CONSTITUENCIES), st.integers(0, 6)),
    st.dictionaries(st.sampled_from(REGIONS[1:]), st.integers(0, 6)),
)


@st.composite
def candidate_lists(draw: st.DrawFn, min_size: int = 0, max_size: int = 30) -> list[Candidate]:
    rows = draw(
        st.lists(st.tuples(st.sampled_from(KINDS), groups), min_size=min_size, max_size=max_size)
    )
    arrivals = draw(st.lists(st.integers(0, 40), min_size=len(rows), max_size=len(rows)))
    return [
        Candidate(f"c{index}", kind, constituency, region, arrival)
        for index, ((kind, (constituency, region)), arrival) in enumerate(
            zip(rows, arrivals, strict=True)
        )
    ]


def arrival_order(candidates: Sequence[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda candidate: (candidate.arrival, candidate.id))


def reference(candidates: Sequence[Candidate], counts: Heard) -> list[tuple[str, int, int]]:
    """The rule as written, picking from everyone left each time (O(n^2)): id and counts."""
    left = arrival_order(candidates)
    out = []
    for candidate in [y for y in left if y.kind is PO] + [None] * len(left):
        if candidate is None:
            rest = [y for y in left if y.kind is not PO]
            if not rest:
                break
            candidate = min(rest, key=lambda y: (score(y, counts), y.arrival, y.id))
        region = counts.region.get(candidate.region, 0) if candidate.region else 0
        out.append((candidate.id, counts.constituency.get(candidate.constituency, 0), region))
        counts = served(counts, candidate)
        left.remove(candidate)
    return out


@given(candidate_lists(), heards, st.randoms(use_true_random=False))
def test_the_rule_deterministic_and_independent_of_input_order(
    candidates: list[Candidate], counts: Heard, rng: random.Random
) -> None:
    suggestion = suggest(candidates, counts)
    shuffled = list(candidates)
    rng.shuffle(shuffled)
    assert suggest(shuffled, counts) == suggestion
    assert suggest(candidates, counts) == suggestion
    # picked on the counts with the places earlier in this order, which are said apart
    assert [
        (
            s.candidate.id,
            s.constituency_turns + s.constituency_earlier,
            s.region_turns + s.region_earlier,
        )
        for s in suggestion
    ] == reference(candidates, counts)
    for s in suggestion:  # what each place says it was heard today is the record's count
        assert s.constituency_turns == counts.constituency.get(s.candidate.constituency, 0)
        assert s.region_turns == (
            counts.region.get(s.candidate.region, 0) if s.candidate.region else 0
        )
        earlier = suggestion[: s.position]
        assert s.constituency_earlier == sum(
            e.candidate.constituency == s.candidate.constituency for e in earlier
        )
        assert s.region_earlier == (
            sum(e.candidate.region == s.candidate.region for e in earlier)
            if s.candidate.region
            else 0
        )


@given(candidate_lists(), heards)
def test_a_permutation_of_the_candidates(candidates: list[Candidate], counts: Heard) -> None:
    suggestion = suggest(candidates, counts)
    assert sorted(s.candidate.id for s in suggestion) == sorted(c.id for c in candidates)
    assert [s.position for s in suggestion] == list(range(len(candidates)))
    assert sorted(s.arrival_position for s in suggestion) == list(range(len(candidates)))
    arrived = arrival_order(candidates)
    for s in suggestion:
        assert arrived[s.arrival_position] == s.candidate
        if s.candidate.kind is PO:
            assert s.why == "point_of_order"
        else:
            # moved up: placed before someone (not a point of order) who arrived before them
            overtook = any(
                o.candidate.kind is not PO
                and o.position > s.position
                and o.arrival_position < s.arrival_position
                for o in suggestion
            )
            assert s.why == ("least_heard" if overtook else "arrival")


def test_moved_up_past_an_earlier_arrival_even_when_a_point_of_order_hides_it() -> None:
    """Marta asked first (trade unions heard), Amina second, a point of order third: Amina goes
    before Marta, at the same position she arrived in, and is said to have moved up."""
    heard = Heard(constituency={"trade_union": 2}, region={})
    marta = Candidate("marta", IV, "trade_union", "", 0)
    amina = Candidate("amina", IV, "academia", "", 1)
    point = Candidate("point", PO, "media", "", 2)
    order = suggest([marta, amina, point], heard)
    assert [(s.candidate.id, s.why) for s in order] == [
        ("point", "point_of_order"),
        ("amina", "least_heard"),
        ("marta", "arrival"),
    ]


@given(candidate_lists(), heards)
def test_points_of_order_never_move_down_and_go_first(
    candidates: list[Candidate], counts: Heard
) -> None:
    suggestion = suggest(candidates, counts)
    kinds = [s.candidate.kind is PO for s in suggestion]
    assert kinds == sorted(kinds, reverse=True)
    for s in suggestion:
        if s.candidate.kind is PO:
            assert s.position <= s.arrival_position


@given(candidate_lists(), heards)
def test_the_same_constituency_region_and_kind_keep_their_order(
    candidates: list[Candidate], counts: Heard
) -> None:
    seen: dict[tuple[str, str, K], int] = {}
    for s in suggest(candidates, counts):
        same = (s.candidate.constituency, s.candidate.region, s.candidate.kind)
        assert seen.get(same, -1) < s.arrival_position
        seen[same] = s.arrival_position


def rounds_until_served(
    waiting: list[Candidate], x: Candidate, counts: Heard, arriving: list[list[Candidate]]
) -> int:
    """Serve the first suggested each round, after that round's arrivals (``arriving``, then
    nobody new); how many others were heard before ``x``."""
    waiting = list(waiting)
    for heard_before in range(10_000):
        if heard_before < len(arriving):
            waiting.extend(arriving[heard_before])
        first = suggest(waiting, counts)[0].candidate
        if first == x:
            return heard_before
        waiting.remove(first)
        counts = served(counts, first)
    raise AssertionError("never heard")


def starvation_bound(
    waiting: list[Candidate], x: Candidate, counts: Heard, arriving: list[list[Candidate]]
) -> int:
    """``p + sum(max(0, s + p - h(c)))`` (the module's docstring): ``p`` points of order and
    earlier arrivals, ``s`` ``x``'s score, the sum over the constituencies of later arrivals."""
    before = [
        y for y in waiting if y != x and (y.kind is PO or (y.arrival, y.id) < (x.arrival, x.id))
    ]
    p, s = len(before), score(x, counts)
    everyone = waiting + [y for batch in arriving for y in batch]
    later = {y.constituency for y in everyone if y != x and y not in before}
    return p + sum(max(0, s + p - counts.constituency.get(name, 0)) for name in later)


@settings(max_examples=300, deadline=None)
@given(
    candidate_lists(min_size=1, max_size=12),
    heards,
    st.data(),
    st.lists(st.lists(groups, max_size=3), max_size=40),
)
def test_nobody_waits_for_ever(
    waiting: list[Candidate],
    counts: Heard,
    data: st.DataObject,
    batches: list[list[tuple[str, str]]],
) -> None:
    x = data.draw(st.sampled_from(waiting))
    arrival = max(y.arrival for y in waiting) + 1
    arriving: list[list[Candidate]] = []
    for batch in batches:  # later arrivals, never points of order
        arriving.append(
            [
                Candidate(f"n{arrival + i}", K.INTERVENTION, constituency, region, arrival + i)
                for i, (constituency, region) in enumerate(batch)
            ]
        )
        arrival += len(batch)
    assert rounds_until_served(waiting, x, counts, arriving) <= starvation_bound(
        waiting, x, counts, arriving
    )


def test_a_speaker_between_two_busy_neighbours_is_heard() -> None:
    """x shares its constituency with one stream of speakers and its region with another:
    each of theirs raises x's sum as much as their own, so by the sum x would wait for ever."""
    counts = heard({"ms": 5, "cs": 0}, {"Africa": 3, "Europe": 0})
    x = cand("x", "ms", "Africa", 0)
    arriving = [
        [cand(f"e{n}", "ms", "Europe", 2 * n + 1), cand(f"a{n}", "cs", "Africa", 2 * n + 2)]
        for n in range(200)
    ]
    by_sum, waiting = counts, [x]
    for batch in arriving[:100]:
        waiting.extend(batch)
        first = min(waiting, key=lambda y: (by_sum_score(y, by_sum), y.arrival))
        assert first != x
        waiting.remove(first)
        by_sum = served(by_sum, first)
    heard_before = rounds_until_served([x], x, counts, arriving)
    assert heard_before == 2  # two from Africa (cs), till Africa too has been heard 5 times
    assert heard_before <= starvation_bound([x], x, counts, arriving)


def by_sum_score(candidate: Candidate, counts: Heard) -> int:
    region = counts.region.get(candidate.region, 0) if candidate.region else 0
    return counts.constituency.get(candidate.constituency, 0) + region
