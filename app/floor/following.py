"""What comes after each segment of the programme: what the room is told once it ends, where the
meeting resumes after a break, and whether the hearing has closed.

Every face says these things (the room display's "Next: … at 15:00" and "The hearing has
closed", a break's "Resumes at", a phone's "closed" and whom it will ask the floor in, the
console's warning when ending a segment leaves others unrun); the rule is decided here once and
sent with each programme entry, so that no face derives it from the statuses itself.

Pure: ``what_follows`` takes the segments in the programme's order and says, per segment:

- ``next_id``: the first segment after it in the programme that is still to come (not ended),
  whatever its kind: what the room is told comes next once it has ended;
- ``closes_hearing``: nothing after it is still to come (``next_id`` is None): once it has ended,
  the hearing has closed. A segment left out before it is not held after it: a screen loaded
  after the closing shows the closing, as one left open on it does;
- ``resumes_with_id``: the first segment after it still to come that is no break: where the
  meeting resumes after it (when a break announces no time of its own, at that one's start);
- ``leaves_unrun``: when it closes the hearing, the segments of the day that have not run and
  will not (scheduled, no break, itself left out), in the programme's order: what ending it
  should say before the room is told the hearing has closed. Empty otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.floor.model import SegmentState, SegmentStatus


@dataclass(frozen=True, slots=True)
class Follows:
    """What comes after one segment (see the module's docstring)."""

    next_id: str | None
    resumes_with_id: str | None
    leaves_unrun: tuple[str, ...] = ()

    @property
    def closes_hearing(self) -> bool:
        return self.next_id is None

    def view(self) -> dict[str, object]:
        """The fields a programme entry carries (``Projections.segments``)."""
        return {
            "next_id": self.next_id,
            "resumes_with_id": self.resumes_with_id,
            "closes_hearing": self.closes_hearing,
            "leaves_unrun": list(self.leaves_unrun),
        }


def what_follows(ordered: Sequence[SegmentState]) -> dict[str, Follows]:
    """What follows each segment of ``ordered`` (the programme, in its order), by id."""
    out: dict[str, Follows] = {}
    next_id: str | None = None
    resumes_with_id: str | None = None
    # read from the end: what follows a segment is what is still to come after it
    for segment in reversed(ordered):
        unrun: tuple[str, ...] = ()
        if next_id is None:
            unrun = tuple(
                other.id
                for other in ordered
                if other.id != segment.id
                and other.status is SegmentStatus.SCHEDULED
                and not other.details.is_break
            )
        out[segment.id] = Follows(next_id, resumes_with_id, unrun)
        if segment.status is not SegmentStatus.ENDED:
            next_id = segment.id
            if not segment.details.is_break:
                resumes_with_id = segment.id
    return out


def resumes_with(ordered: Sequence[SegmentState], index: int) -> SegmentState | None:
    """The segment the meeting resumes with after ``ordered[index]`` (``resumes_with_id``), or
    None if none: what the forecast reads for a break (app/floor/schedule.py)."""
    after = what_follows(ordered[index:])[ordered[index].id].resumes_with_id
    return next((segment for segment in ordered if segment.id == after), None)
