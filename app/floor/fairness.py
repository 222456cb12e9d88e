"""A suggested order for the pending requests or the queue: the least heard first.

Points of order come first, in order of arrival. Then, one at a time, the candidate whose
constituency and region have been heard least today goes next: the score is the larger of
its constituency's and its region's turns (an unstated region counts 0), ties broken by
arrival; once picked it counts as heard, so two speakers of one constituency do not both go
before an unheard one. Candidates of one constituency and region keep their order of arrival.

What each place says is kept apart from how it was chosen: ``constituency_turns`` and
``region_turns`` are the turns the record holds today (true, a moderator may quote them to the
room), ``constituency_earlier`` and ``region_earlier`` the places given earlier in this same
suggested order to that constituency and region (counted as heard for the choice only). The
score a candidate was picked on is the larger of the two sums.

The score is the larger of the two counts, not their sum, so that nobody waits for ever. A
candidate ``y`` that arrived after ``x`` goes before it only if it scores less than ``x``, so
both of ``y``'s counts are below ``x``'s score and stay at most that once it is heard: it never
raises ``x``'s score. Only points of order and those who arrived before ``x`` can (by one each
at most), so with ``p`` of them waiting and ``x`` scoring ``s``, ``x``'s score stays at most
``s + p`` and a constituency ``c`` heard ``h(c)`` times can go before ``x`` with later arrivals
at most ``max(0, s + p - h(c))`` times: ``x`` is heard after at most
``p + sum(max(0, s + p - h(c)))`` others, however many keep asking (``p + C * (s + p)`` with
``C`` constituencies asking). With the sum, speakers of ``x``'s constituency from another
region and of ``x``'s region from another constituency, heard in turn, would raise ``x``'s
score as fast as their own, and ``x`` could wait for ever.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .balance import floor_turns
from .model import SegmentState, Speaker, TurnKind


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    kind: TurnKind
    constituency: str
    region: str  # "" = unstated
    arrival: int  # order of arrival (request number, or position in the queue)


@dataclass(frozen=True, slots=True)
class Heard:
    """Turns heard so far today, by constituency and by region (stated regions only)."""

    constituency: Mapping[str, int]
    region: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Suggested:
    """One candidate's place in the suggestion, with its counts when it was picked: the turns
    heard today (the record's) and, apart, the places given earlier in this order."""

    candidate: Candidate
    position: int
    arrival_position: int
    why: str  # "point_of_order" | "least_heard" | "arrival"
    constituency_turns: int  # heard today, as the record says
    region_turns: int  # heard today (0 for an unstated region)
    constituency_earlier: int = 0  # places earlier in this order for the same constituency
    region_earlier: int = 0  # places earlier in this order for the same (stated) region

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.candidate.id,
            "position": self.position,
            "arrival_position": self.arrival_position,
            "why": self.why,
            "constituency_turns": self.constituency_turns,
            "region_turns": self.region_turns,
            "constituency_earlier": self.constituency_earlier,
            "region_earlier": self.region_earlier,
        }


def _speakers_heard(segment: SegmentState) -> Iterable[Speaker]:
    for speech in segment.speeches:
        if not speech.skipped:
            yield speech.speaker
    for turn in floor_turns(segment):
        yield turn.entry.speaker


def heard_today(segments: Iterable[SegmentState]) -> Heard:
    """Turns spoken (not skipped), and those on the floor of a live segment (the current turn
    and the one an interposed turn paused), by constituency and by stated region."""
    constituency: dict[str, int] = {}
    region: dict[str, int] = {}
    for segment in segments:
        for speaker in _speakers_heard(segment):
            key = str(speaker.constituency)
            constituency[key] = constituency.get(key, 0) + 1
            if name := speaker.region.strip():
                region[name] = region.get(name, 0) + 1
    return Heard(constituency, region)


def suggest(candidates: Sequence[Candidate], heard: Heard) -> list[Suggested]:
    """The candidates in the suggested order (see the module's docstring).

    Arrival order is ``(arrival, id)``, so the result does not depend on the input's order.
    O(n * g) for n candidates in g (constituency, region) groups.
    """
    arrived = sorted(candidates, key=lambda candidate: (candidate.arrival, candidate.id))
    # places given earlier in this order: counted as heard for the choice, said apart
    constituency_earlier: dict[str, int] = {}
    region_earlier: dict[str, int] = {}
    out: list[Suggested] = []

    def heard_turns(group: tuple[str, str]) -> tuple[int, int]:
        name, place = group
        return heard.constituency.get(name, 0), heard.region.get(place, 0) if place else 0

    def earlier(group: tuple[str, str]) -> tuple[int, int]:
        name, place = group
        return constituency_earlier.get(name, 0), region_earlier.get(place, 0) if place else 0

    def turns(group: tuple[str, str]) -> tuple[int, int]:
        (name_heard, place_heard), (name_earlier, place_earlier) = (
            heard_turns(group),
            earlier(group),
        )
        return name_heard + name_earlier, place_heard + place_earlier

    def take(index: int, point_of_order: bool = False) -> None:
        candidate = arrived[index]
        group = (candidate.constituency, candidate.region)
        constituency_turns, region_turns = heard_turns(group)
        before, region_before = earlier(group)
        why = "point_of_order" if point_of_order else "arrival"  # "least_heard": see below
        out.append(
            Suggested(
                candidate,
                len(out),
                index,
                why,
                constituency_turns,
                region_turns,
                before,
                region_before,
            )
        )
        constituency_earlier[candidate.constituency] = before + 1
        if candidate.region:
            region_earlier[candidate.region] = region_before + 1

    groups: dict[tuple[str, str], deque[int]] = {}
    for index, candidate in enumerate(arrived):
        if candidate.kind is TurnKind.POINT_OF_ORDER:
            take(index, point_of_order=True)
        else:
            groups.setdefault((candidate.constituency, candidate.region), deque()).append(index)

    waiting = list(groups.items())  # each group's candidates, first come first
    while waiting:
        best = min(
            range(len(waiting)), key=lambda at: (max(turns(waiting[at][0])), waiting[at][1][0])
        )
        first = waiting[best][1]
        take(first.popleft())
        if not first:
            del waiting[best]
    return _why_moved(out)


def _why_moved(order: list[Suggested]) -> list[Suggested]:
    """Mark ``least_heard`` each candidate placed before someone (not a point of order) who
    arrived before them: moved up for being heard least, whatever the points of order did to
    the positions."""
    marked: list[Suggested] = []
    earliest_after = len(order)  # the earliest arrival among those placed after
    for item in reversed(order):
        if item.why != "point_of_order":
            if item.arrival_position > earliest_after:
                item = replace(item, why="least_heard")
            earliest_after = min(earliest_after, item.arrival_position)
        marked.append(item)
    return marked[::-1]


def suggested_requests(segment: SegmentState, heard: Heard) -> list[dict[str, Any]]:
    """The segment's pending requests in the suggested order (arrival: the request's number)."""
    return [
        suggested.as_json()
        for suggested in suggest(
            [
                Candidate(
                    request.id,
                    request.kind,
                    str(request.speaker.constituency),
                    request.speaker.region.strip(),
                    request.number,
                )
                for request in segment.pending_requests()
            ],
            heard,
        )
    ]


def suggested_queue(segment: SegmentState, heard: Heard) -> list[dict[str, Any]]:
    """The segment's queue in the suggested order (arrival: the place in the queue)."""
    return [
        suggested.as_json()
        for suggested in suggest(
            [
                Candidate(
                    entry.id,
                    entry.kind,
                    str(entry.speaker.constituency),
                    entry.speaker.region.strip(),
                    index,
                )
                for index, entry in enumerate(segment.queue)
            ],
            heard,
        )
    ]
