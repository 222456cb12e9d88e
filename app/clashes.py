"""One person on two panels at the same hour in two rooms of one day (outside probe S: Maria
Gonzalez, a panellist 10:30-12:00 in room A and 10:20-12:15 in room B, and nothing said).

Pure: the import (app/api/routes/people.py) gives the rows of its spreadsheet that name a panel
(who, and the panel's scheduled times) and the panellists of the other rooms of the same date;
this says, for each row, where else the same person speaks at an overlapping time. A warning on
the desk's preview, not a refusal: the secretariat may mean it (a keynote that moves rooms)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Who a person is, as the import compares them (participants_io.person_key).
PersonKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Panel:
    """A person's place on a panel: the segment's scheduled start and end (epoch ms)."""

    person: PersonKey
    starts_at: int
    ends_at: int


@dataclass(frozen=True, slots=True)
class Elsewhere:
    """The same person on another room's panel at an overlapping time."""

    event_id: str
    event_title: str
    room: str
    segment_title: str
    starts_at: int
    ends_at: int


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Whether two spans of time share a moment (one ending as the other starts does not)."""
    return a_start < b_end and b_start < a_end


def clashes(
    rows: dict[int, Panel], others: Iterable[tuple[PersonKey, Elsewhere]]
) -> dict[int, list[Elsewhere]]:
    """For each row (by number), the other rooms' panels of the same person at an overlapping
    time, earliest first; rows with none are left out."""
    by_person: dict[PersonKey, list[Elsewhere]] = {}
    for person, place in others:
        by_person.setdefault(person, []).append(place)
    found: dict[int, list[Elsewhere]] = {}
    for number, panel in rows.items():
        hits = [
            place
            for place in by_person.get(panel.person, [])
            if overlap(panel.starts_at, panel.ends_at, place.starts_at, place.ends_at)
        ]
        if hits:
            found[number] = sorted(hits, key=lambda place: (place.starts_at, place.event_title))
    return found
