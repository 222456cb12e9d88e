"""Who has been heard: turns and time holding the floor, by constituency, region, gender and
group, for one segment or the meeting day, and how much of each constituency's budget is left.

A turn counts when it was spoken (a ``Speech`` not skipped, its ``held_ms``) and, in a live
segment, while it holds the floor: the current turn with its time so far, and the turn an
interposed one paused with its time until then (interposed time is never its own). The
"panellists" are panellists' turns and answers; the "floor" is interventions, questions,
points of order and rights of reply; "all" is every kind. Rows are sorted by time held, then
turns (both descending), then key; a row with no turns is left out, except that a segment's
``by_constituency`` lists every budgeted constituency. Everything returned is JSON-ready.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from .model import Constituency, SegmentState, SegmentStatus, Speaker, Turn, TurnKind

PANELLIST_KINDS = frozenset({TurnKind.PANELLIST, TurnKind.ANSWER})
FLOOR_KINDS = frozenset(
    {
        TurnKind.INTERVENTION,
        TurnKind.QUESTION,
        TurnKind.POINT_OF_ORDER,
        TurnKind.RIGHT_OF_REPLY,
    }
)
#: Kinds a constituency's budget is not charged for.
UNCHARGED_KINDS = frozenset({TurnKind.POINT_OF_ORDER, TurnKind.RIGHT_OF_REPLY})
#: The key of a region or gender nobody stated.
UNSTATED = "unstated"
#: A budget is "low" when at most this much is left, or a fifth of it if that is more.
LOW_BUDGET_MS = 60_000


@dataclass(frozen=True, slots=True)
class HeldTurn:
    """One turn that has held the floor: spoken, or holding it now (``speaking``: the current
    turn, not one an interposed turn paused)."""

    speaker: Speaker
    kind: TurnKind
    held_ms: int
    speaking: bool = False


def floor_turns(segment: SegmentState) -> tuple[Turn, ...]:
    """The turns holding the floor now: the current one and the one it paused (live only)."""
    if segment.status is not SegmentStatus.LIVE:
        return ()
    return tuple(turn for turn in (segment.current, segment.paused) if turn is not None)


def held_so_far(turn: Turn, now: int) -> int:
    """The time a turn on the floor has held it: until now, or until it was paused by an
    interposed turn, less the time interposed turns held it before (never negative)."""
    until = now if turn.interposed_at is None else turn.interposed_at
    return max(0, until - turn.called_at - turn.interposed_ms)


def held_turns(segment: SegmentState, now: int) -> list[HeldTurn]:
    """Every turn of the segment that counts, spoken first, then those on the floor."""
    turns = [
        HeldTurn(speech.speaker, speech.kind, speech.held_ms)
        for speech in segment.speeches
        if not speech.skipped
    ]
    turns.extend(
        HeldTurn(
            turn.entry.speaker, turn.entry.kind, held_so_far(turn, now), turn is segment.current
        )
        for turn in floor_turns(segment)
    )
    return turns


def group_of(constituency: Constituency) -> str:
    """``member_states``, ``un_system``, ``others`` or ``stakeholders`` (everyone else)."""
    if constituency == Constituency.MEMBER_STATE:
        return "member_states"
    if constituency == Constituency.UN_SYSTEM:
        return "un_system"
    if constituency == Constituency.OTHER:
        return "others"
    return "stakeholders"


def _region(turn: HeldTurn) -> str:
    return turn.speaker.region.strip() or UNSTATED


def _gender(turn: HeldTurn) -> str:
    return UNSTATED if turn.speaker.gender is None else turn.speaker.gender.value


def _constituency(turn: HeldTurn) -> str:
    return Constituency(turn.speaker.constituency).value


def _group(turn: HeldTurn) -> str:
    return group_of(turn.speaker.constituency)


def _rows(
    turns: list[HeldTurn], key: Callable[[HeldTurn], str], listed: Collection[str] = ()
) -> list[dict[str, Any]]:
    totals: dict[str, list[int]] = {name: [0, 0] for name in listed}
    for turn in turns:
        total = totals.setdefault(key(turn), [0, 0])
        total[0] += 1
        total[1] += turn.held_ms
    order = sorted(totals.items(), key=lambda item: (-item[1][1], -item[1][0], item[0]))
    return [{"key": name, "turns": n, "held_ms": ms} for name, (n, ms) in order]


def _breakdown(turns: list[HeldTurn], listed: Collection[str]) -> dict[str, Any]:
    return {
        "turns": len(turns),
        "held_ms": sum(turn.held_ms for turn in turns),
        "by_constituency": _rows(turns, _constituency, listed),
        "by_region": _rows(turns, _region),
        "by_gender": _rows(turns, _gender),
        "by_group": _rows(turns, _group),
    }


def _balance(turns: list[HeldTurn], listed: Collection[str] = ()) -> dict[str, Any]:
    return {
        "all": _breakdown(turns, listed),
        "panellists": _breakdown([t for t in turns if t.kind in PANELLIST_KINDS], listed),
        "floor": _breakdown([t for t in turns if t.kind in FLOOR_KINDS], listed),
    }


def segment_balance(segment: SegmentState, now: int) -> dict[str, Any]:
    """Who has been heard in one segment; its budgeted constituencies are listed even unheard."""
    budgeted = [c.value for c in Constituency if c in segment.settings.budgets_ms]
    return _balance(held_turns(segment, now), budgeted)


def day_balance(segments: Iterable[SegmentState], now: int) -> dict[str, Any]:
    """Who has been heard in the meeting day: the sum over its segments."""
    return _balance([turn for segment in segments for turn in held_turns(segment, now)])


def budgets(segment: SegmentState, now: int) -> list[dict[str, Any]]:
    """Each budgeted constituency's time used and left, in declaration order.

    ``used_ms`` is the time its turns held the floor, points of order and rights of reply not
    charged; ``left_ms`` may be negative. ``state`` is ``out`` when nothing is left, ``low``
    when at most ``max(LOW_BUDGET_MS, budget_ms // 5)`` is left, else ``ok``; ``speaking``:
    the current turn is theirs and charged.
    """
    turns = [turn for turn in held_turns(segment, now) if turn.kind not in UNCHARGED_KINDS]
    rows: list[dict[str, Any]] = []
    for constituency in Constituency:
        if constituency not in segment.settings.budgets_ms:
            continue
        budget_ms = segment.settings.budgets_ms[constituency]
        theirs = [turn for turn in turns if turn.speaker.constituency == constituency]
        used_ms = sum(turn.held_ms for turn in theirs)
        left_ms = budget_ms - used_ms
        if left_ms <= 0:
            state = "out"
        elif left_ms <= max(LOW_BUDGET_MS, budget_ms // 5):
            state = "low"
        else:
            state = "ok"
        rows.append(
            {
                "constituency": constituency.value,
                "budget_ms": budget_ms,
                "used_ms": used_ms,
                "left_ms": left_ms,
                "state": state,
                "speaking": any(turn.speaking for turn in theirs),
            }
        )
    return rows
