"""Whether a registered participant may be taken out of the registry (``DELETE
/participants/{id}``): a duplicate registration, a phone that joined under a colleague's name, a
test entry left from the rehearsal.

Pure: ``places`` says where the day shows the participant now, ``refusal`` is the error that
names them. A participant may go only when nothing live or recorded holds them:

- waiting in a queue or asking for the floor (a request not yet decided): the moderator takes
  them out first (remove from the queue, decline the request), so nothing on a screen points at
  someone who is no longer there;
- on the floor (or paused by an interposed question: the turn is recorded when it ends), in the
  record of a segment (they spoke) or the author of a contribution to the outcome: the day's
  record keeps them, so they stay registered (a correction, ``PATCH``, fixes a wrong name).

A closed request (withdrawn, declined) holds nobody. Nor does the undo stack: a decline kept for
undo would otherwise pin a duplicate registration for fifty commands. An undo that would give a
removed participant a place back is refused instead, naming them (app/floor/decide.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .contributions import Contribution
from .errors import FloorError
from .model import SegmentState


class Where(StrEnum):
    """What holds a participant, in the order ``places`` lists them (the live ones first)."""

    FLOOR = "floor"  # has the floor, or an interposed question paused their turn
    QUEUE = "queue"
    REQUEST = "request"  # a request the moderator has not decided
    RECORD = "record"  # has spoken: the segment's record of speeches
    CONTRIBUTION = "contribution"  # the author of a recommendation or pledge


#: what the day's record keeps (or will: a turn on the floor is recorded when it ends), so the
#: participant stays registered
RECORDED = frozenset({Where.FLOOR, Where.RECORD, Where.CONTRIBUTION})


@dataclass(frozen=True, slots=True)
class Place:
    where: Where
    #: the segment's title (None for the outcome's contributions)
    segment: str | None
    #: how many: turns in the queue, requests, speeches, contributions
    count: int = 1
    #: of a record's turns, how many were skipped (called, did not speak)
    skipped: int = 0


def places(
    segments: Iterable[SegmentState], contributions: Iterable[Contribution], participant_id: str
) -> list[Place]:
    """Where the day holds the participant now, by segment in the programme's order, then the
    outcome; empty: they may be removed."""
    found: list[Place] = []

    def programme(segment: SegmentState) -> tuple[int, int, str]:
        details = segment.details
        return (details.position, details.scheduled_start_at or 0, segment.id)

    def mine(someone: str | None) -> bool:
        return someone == participant_id

    for segment in sorted(segments, key=programme):
        title = segment.details.title
        turns = [t for t in (segment.current, segment.paused) if t is not None]
        counts = {
            Where.FLOOR: sum(1 for t in turns if mine(t.entry.speaker.participant_id)),
            Where.QUEUE: sum(1 for x in segment.queue if mine(x.speaker.participant_id)),
            Where.REQUEST: sum(
                1
                for request_id in segment.pending_ids
                if mine(segment.requests[request_id].speaker.participant_id)
            ),
            Where.RECORD: sum(1 for s in segment.speeches if mine(s.speaker.participant_id)),
        }
        skipped = sum(1 for s in segment.speeches if mine(s.speaker.participant_id) and s.skipped)
        found += [
            Place(where, title, count, skipped if where is Where.RECORD else 0)
            for where, count in counts.items()
            if count
        ]
    authored = sum(1 for item in contributions if item.author.participant_id == participant_id)
    if authored:
        found.append(Place(Where.CONTRIBUTION, None, authored))
    return found


def _phrase(place: Place) -> str:
    title = f"\u201c{place.segment}\u201d"
    if place.where is Where.FLOOR:
        return f"on the floor in {title}"
    if place.where is Where.QUEUE:
        return f"waiting in the queue of {title}"
    if place.where is Where.REQUEST:
        return f"asking for the floor in {title}"
    if place.where is Where.RECORD:
        return f"in the record of {title} ({_turns(place.count - place.skipped, place.skipped)})"
    plural = "" if place.count == 1 else "s"
    return f"the author of {place.count} contribution{plural} to the outcome"


def _turns(spoke: int, skipped: int) -> str:
    """ "spoke once", "spoke 2 times", "called once and skipped", "spoke once; called 2 more
    times and skipped": a skipped turn is on the record, but nobody spoke in it."""

    def times(n: int) -> str:
        return "once" if n == 1 else f"{n} times"

    if not skipped:
        return f"spoke {times(spoke)}"
    if not spoke:
        return f"called {times(skipped)} and skipped"
    more = "once more" if skipped == 1 else f"{skipped} more times"
    return f"spoke {times(spoke)}; called {more} and skipped"


def refusal(name: str, participant_id: str, found: list[Place]) -> FloorError:
    """Why ``name`` cannot be removed, and what to do instead."""
    where = "; ".join(_phrase(place) for place in found)
    if any(place.where in RECORDED for place in found):
        then = (
            "The day's record keeps whoever has the floor, spoke or contributed, so they stay "
            "registered: to fix their name or organisation, correct them instead (PATCH "
            f"/api/v1/participants/{participant_id})"
        )
    else:
        then = (
            "On the moderator console, take them out of the queue or decline their request "
            "first, then remove them"
        )
    return FloorError(f"{name} cannot be removed: {where}. {then}.", code="participant_in_use")
