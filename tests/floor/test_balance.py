"""Who has been heard: the balance of a segment and of the day, and the constituencies' budgets."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.floor import commands as c
from app.floor.balance import budgets, day_balance, group_of, segment_balance
from app.floor.model import (
    Constituency,
    Gender,
    QueueEntry,
    SegmentDetails,
    SegmentState,
    SegmentStatus,
    Settings,
    Speaker,
    Speech,
    Timer,
    Turn,
)
from app.floor.model import Constituency as C
from app.floor.model import TurnKind as K
from tests.floor.kit import Floor

NOW = 1_000_000


def who(
    constituency: Constituency = C.CIVIL_SOCIETY, region: str = "", gender: Gender | None = None
) -> Speaker:
    return Speaker("S", constituency=constituency, region=region, gender=gender)


def spoke(speaker: Speaker, kind: K, held_ms: int, skipped: bool = False) -> Speech:
    return Speech(
        entry_id="e",
        speaker=speaker,
        kind=kind,
        allotted_ms=0,
        called_at=0,
        timer_started_at=None,
        ended_at=held_ms,
        held_ms=held_ms,
        timed_ms=0,
        overrun_ms=0,
        skipped=skipped,
    )


def turn(
    speaker: Speaker,
    kind: K,
    called_at: int,
    interposed_ms: int = 0,
    interposed_at: int | None = None,
) -> Turn:
    entry = QueueEntry(id="t", speaker=speaker, kind=kind, allotted_ms=60_000)
    return Turn(
        entry,
        Timer(60_000),
        called_at=called_at,
        interposed_ms=interposed_ms,
        interposed_at=interposed_at,
    )


def segment(
    *speeches: Speech,
    current: Turn | None = None,
    paused: Turn | None = None,
    status: SegmentStatus = SegmentStatus.LIVE,
    budgets_ms: dict[Constituency, int] | None = None,
) -> SegmentState:
    return SegmentState(
        id="s1",
        event_id="ev",
        version=1,
        details=SegmentDetails("Panel"),
        status=status,
        settings=Settings(budgets_ms=budgets_ms or {}),
        speeches=speeches,
        current=current,
        paused=paused,
    )


def row(key: str, turns: int, held_ms: int) -> dict[str, Any]:
    return {"key": key, "turns": turns, "held_ms": held_ms}


EMPTY = {
    "turns": 0,
    "held_ms": 0,
    "by_constituency": [],
    "by_region": [],
    "by_gender": [],
    "by_group": [],
}

# --- the balance ---------------------------------------------------------------------------------


def test_nobody_heard_yet() -> None:
    assert segment_balance(segment(), NOW) == {"all": EMPTY, "panellists": EMPTY, "floor": EMPTY}
    assert day_balance([], NOW) == {"all": EMPTY, "panellists": EMPTY, "floor": EMPTY}


def test_a_segment_broken_down() -> None:
    state = segment(
        spoke(who(C.MEMBER_STATE, "Africa", Gender.WOMAN), K.PANELLIST, 300_000),
        spoke(who(C.CIVIL_SOCIETY, " Europe ", Gender.MAN), K.INTERVENTION, 120_000),
        spoke(who(C.CIVIL_SOCIETY, "Africa"), K.QUESTION, 60_000),
        spoke(who(C.UN_SYSTEM, "  "), K.MODERATOR_SUMMARY, 90_000),
        spoke(who(C.MEMBER_STATE, "Africa", Gender.WOMAN), K.ANSWER, 60_000),
        spoke(who(C.OTHER, "Europe"), K.INTERVENTION, 999_000, skipped=True),
    )
    assert segment_balance(state, NOW) == {
        "all": {
            "turns": 5,
            "held_ms": 630_000,
            "by_constituency": [
                row("member_state", 2, 360_000),
                row("civil_society", 2, 180_000),
                row("un_system", 1, 90_000),
            ],
            "by_region": [
                row("Africa", 3, 420_000),
                row("Europe", 1, 120_000),
                row("unstated", 1, 90_000),
            ],
            "by_gender": [
                row("woman", 2, 360_000),
                row("unstated", 2, 150_000),
                row("man", 1, 120_000),
            ],
            "by_group": [
                row("member_states", 2, 360_000),
                row("stakeholders", 2, 180_000),
                row("un_system", 1, 90_000),
            ],
        },
        "panellists": {
            "turns": 2,
            "held_ms": 360_000,
            "by_constituency": [row("member_state", 2, 360_000)],
            "by_region": [row("Africa", 2, 360_000)],
            "by_gender": [row("woman", 2, 360_000)],
            "by_group": [row("member_states", 2, 360_000)],
        },
        "floor": {
            "turns": 2,
            "held_ms": 180_000,
            "by_constituency": [row("civil_society", 2, 180_000)],
            "by_region": [row("Europe", 1, 120_000), row("Africa", 1, 60_000)],
            "by_gender": [row("man", 1, 120_000), row("unstated", 1, 60_000)],
            "by_group": [row("stakeholders", 2, 180_000)],
        },
    }


def test_rows_sort_by_time_then_turns_then_key() -> None:
    state = segment(
        spoke(who(C.ACADEMIA), K.INTERVENTION, 60_000),
        spoke(who(C.MEDIA), K.INTERVENTION, 30_000),
        spoke(who(C.MEDIA), K.INTERVENTION, 30_000),
        spoke(who(C.TRADE_UNION), K.INTERVENTION, 60_000),
        spoke(who(C.PARLIAMENTARIAN), K.INTERVENTION, 90_000),
    )
    assert [r["key"] for r in segment_balance(state, NOW)["all"]["by_constituency"]] == [
        "parliamentarian",
        "media",  # 60 s in two turns goes before 60 s in one
        "academia",
        "trade_union",
    ]


@pytest.mark.parametrize(
    ("constituency", "group"),
    [(C.MEMBER_STATE, "member_states"), (C.UN_SYSTEM, "un_system"), (C.OTHER, "others")]
    + [
        (constituency, "stakeholders")
        for constituency in C
        if constituency not in (C.MEMBER_STATE, C.UN_SYSTEM, C.OTHER)
    ],
)
def test_groups(constituency: Constituency, group: str) -> None:
    assert group_of(constituency) == group
    state = segment(spoke(who(constituency), K.INTERVENTION, 1_000))
    assert segment_balance(state, NOW)["floor"]["by_group"] == [row(group, 1, 1_000)]


@pytest.mark.parametrize(
    ("kind", "panellists", "floor"),
    [
        (K.PANELLIST, 1, 0),
        (K.ANSWER, 1, 0),
        (K.INTERVENTION, 0, 1),
        (K.QUESTION, 0, 1),
        (K.POINT_OF_ORDER, 0, 1),
        (K.RIGHT_OF_REPLY, 0, 1),
        (K.MODERATOR_SUMMARY, 0, 0),
        (K.REMARKS, 0, 0),
    ],
)
def test_kinds_count_for_the_panellists_or_the_floor(kind: K, panellists: int, floor: int) -> None:
    balance = segment_balance(segment(spoke(who(), kind, 1_000)), NOW)
    assert (balance["all"]["turns"], balance["panellists"]["turns"], balance["floor"]["turns"]) == (
        1,
        panellists,
        floor,
    )


# --- the turns on the floor ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "paused", "turns", "held_ms"),
    [
        # the current turn, its time so far less the time interposed turns held it before
        (turn(who(), K.INTERVENTION, NOW - 50_000), None, 1, 50_000),
        (turn(who(), K.INTERVENTION, NOW - 50_000, interposed_ms=20_000), None, 1, 30_000),
        # a clock behind the call gives nothing, not a negative time
        (turn(who(), K.INTERVENTION, NOW + 5_000), None, 1, 0),
        # a question interposed 10 s ago in a turn called 70 s ago that had been interrupted
        # for 15 s before: 10 s for the question, 45 s for the turn it paused
        (
            turn(who(), K.QUESTION, NOW - 10_000),
            turn(
                who(), K.PANELLIST, NOW - 70_000, interposed_ms=15_000, interposed_at=NOW - 10_000
            ),
            2,
            55_000,
        ),
    ],
)
def test_the_turns_on_the_floor_count_with_their_time_so_far(
    current: Turn, paused: Turn | None, turns: int, held_ms: int
) -> None:
    live = segment(spoke(who(), K.PANELLIST, 1_000), current=current, paused=paused)
    balance = segment_balance(live, NOW)["all"]
    assert (balance["turns"], balance["held_ms"]) == (turns + 1, held_ms + 1_000)
    ended = replace(live, status=SegmentStatus.ENDED)
    assert segment_balance(ended, NOW)["all"]["held_ms"] == 1_000


def test_an_interposed_question_pauses_a_panellist_through_the_core(floor: Floor) -> None:
    floor.add("Panellist", constituency=C.UN_SYSTEM)
    floor.send(c.CallNext())
    floor.tick(100_000)
    floor.send(c.Interpose(participant_id="p1"))  # migrant association
    floor.tick(30_000)
    balance = segment_balance(floor.seg, floor.now)
    assert balance["all"]["by_constituency"] == [
        row("un_system", 1, 100_000),
        row("migrant_association", 1, 30_000),
    ]
    floor.send(c.EndTurn())  # the panellist has the floor back
    floor.tick(20_000)
    assert segment_balance(floor.seg, floor.now)["all"]["by_constituency"] == [
        row("un_system", 1, 120_000),
        row("migrant_association", 1, 30_000),
    ]
    floor.send(c.EndTurn())
    floor.tick(99_000)  # nothing on the floor: nothing more counts
    assert segment_balance(floor.seg, floor.now)["panellists"]["by_constituency"] == [
        row("un_system", 1, 120_000)
    ]


# --- the day -------------------------------------------------------------------------------------


def test_the_day_adds_up_its_segments_and_lists_no_budget() -> None:
    morning = segment(
        spoke(who(C.ACADEMIA), K.INTERVENTION, 60_000),
        status=SegmentStatus.ENDED,
        budgets_ms={C.MEDIA: 60_000},
    )
    afternoon = segment(
        spoke(who(C.ACADEMIA), K.INTERVENTION, 30_000),
        current=turn(who(C.MEDIA), K.INTERVENTION, NOW - 45_000),
        budgets_ms={C.MEDIA: 60_000, C.TRADE_UNION: 60_000},
    )
    later = segment(status=SegmentStatus.SCHEDULED)
    assert day_balance([morning, afternoon, later], NOW)["all"]["by_constituency"] == [
        row("academia", 2, 90_000),
        row("media", 1, 45_000),
    ]
    assert segment_balance(afternoon, NOW)["all"]["by_constituency"] == [
        row("media", 1, 45_000),
        row("academia", 1, 30_000),
        row("trade_union", 0, 0),
    ]
    assert segment_balance(afternoon, NOW)["panellists"]["by_constituency"] == [
        row("media", 0, 0),
        row("trade_union", 0, 0),
    ]


# --- budgets -------------------------------------------------------------------------------------


def _budget(used_ms: int, budget_ms: int) -> dict[str, Any]:
    state = segment(
        spoke(who(C.ACADEMIA), K.INTERVENTION, used_ms), budgets_ms={C.ACADEMIA: budget_ms}
    )
    (only,) = budgets(state, NOW)
    return only


@pytest.mark.parametrize(
    ("used_ms", "budget_ms", "left_ms", "state"),
    [
        (0, 600_000, 600_000, "ok"),
        (479_999, 600_000, 120_001, "ok"),
        (480_000, 600_000, 120_000, "low"),  # a fifth left
        (599_999, 600_000, 1, "low"),
        (600_000, 600_000, 0, "out"),
        (700_000, 600_000, -100_000, "out"),
        (0, 60_000, 60_000, "low"),  # at least a minute left counts as low
        (119_999, 180_000, 60_001, "ok"),
        (120_000, 180_000, 60_000, "low"),
        (0, 0, 0, "out"),
    ],
)
def test_budget_states(used_ms: int, budget_ms: int, left_ms: int, state: str) -> None:
    assert _budget(used_ms, budget_ms) == {
        "constituency": "academia",
        "budget_ms": budget_ms,
        "used_ms": used_ms,
        "left_ms": left_ms,
        "state": state,
        "speaking": False,
    }


def test_budgets_charge_the_floor_but_not_points_of_order_or_replies() -> None:
    media = who(C.MEDIA)
    state = segment(
        spoke(media, K.INTERVENTION, 100_000),
        spoke(media, K.POINT_OF_ORDER, 50_000),
        spoke(media, K.RIGHT_OF_REPLY, 50_000),
        spoke(media, K.INTERVENTION, 70_000, skipped=True),
        spoke(who(C.ACADEMIA), K.PANELLIST, 10_000),
        current=turn(media, K.QUESTION, NOW - 20_000),
        budgets_ms={C.MEDIA: 300_000, C.MEMBER_STATE: 600_000, C.ACADEMIA: 120_000},
    )
    assert budgets(state, NOW) == [  # in the order constituencies are declared
        {
            "constituency": "academia",
            "budget_ms": 120_000,
            "used_ms": 10_000,
            "left_ms": 110_000,
            "state": "ok",
            "speaking": False,
        },
        {
            "constituency": "media",
            "budget_ms": 300_000,
            "used_ms": 120_000,
            "left_ms": 180_000,
            "state": "ok",
            "speaking": True,
        },
        {
            "constituency": "member_state",
            "budget_ms": 600_000,
            "used_ms": 0,
            "left_ms": 600_000,
            "state": "ok",
            "speaking": False,
        },
    ]


@pytest.mark.parametrize(
    ("current", "paused", "used_ms", "speaking"),
    [
        (turn(who(C.MEDIA), K.INTERVENTION, NOW - 30_000), None, 30_000, True),
        (turn(who(C.MEDIA), K.POINT_OF_ORDER, NOW - 30_000), None, 0, False),  # not charged
        (turn(who(C.ACADEMIA), K.INTERVENTION, NOW - 30_000), None, 0, False),
        # a media panellist paused by an academic's question: charged, but not speaking
        (
            turn(who(C.ACADEMIA), K.QUESTION, NOW - 30_000),
            turn(who(C.MEDIA), K.PANELLIST, NOW - 90_000, interposed_at=NOW - 30_000),
            60_000,
            False,
        ),
    ],
)
def test_budgets_count_the_turns_on_the_floor(
    current: Turn, paused: Turn | None, used_ms: int, speaking: bool
) -> None:
    state = segment(current=current, paused=paused, budgets_ms={C.MEDIA: 300_000})
    (media,) = budgets(state, NOW)
    assert (media["used_ms"], media["speaking"]) == (used_ms, speaking)
    (after,) = budgets(replace(state, status=SegmentStatus.ENDED), NOW)
    assert (after["used_ms"], after["speaking"]) == (0, False)


def test_no_budgets_no_rows() -> None:
    assert budgets(segment(spoke(who(), K.INTERVENTION, 1_000)), NOW) == []
