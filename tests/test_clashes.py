"""app/clashes.py, as a table: one person on two panels at once in two rooms of one day."""

from __future__ import annotations

import pytest

from app.clashes import Elsewhere, Panel, clashes, overlap

H = 3_600_000  # an hour, in ms
MARIA = ("maria gonzalez", "universidad de chile")
JEAN = ("jean martin", "ville de lyon")


def _in_room_b(
    person: tuple[str, str], start: float, end: float, title: str = "Panel B"
) -> tuple[tuple[str, str], Elsewhere]:
    return person, Elsewhere("b", "Hearing", "Room B", title, int(start * H), int(end * H))


@pytest.mark.parametrize(
    ("a", "b", "together"),
    [
        ((10.5, 12), (10.33, 12.25), True),  # the probe's Maria: 10:30-12:00 and 10:20-12:15
        ((10, 11), (11, 12), False),  # one ends as the other starts: she can walk over
        ((10, 12), (10.5, 11), True),  # within
        ((9, 10), (14, 15), False),
    ],
)
def test_overlap(a: tuple[float, float], b: tuple[float, float], together: bool) -> None:
    assert overlap(int(a[0] * H), int(a[1] * H), int(b[0] * H), int(b[1] * H)) is together


def test_each_row_is_told_the_other_rooms_panels_of_the_same_person_at_the_same_time() -> None:
    rows = {
        2: Panel(MARIA, int(10.5 * H), 12 * H),
        3: Panel(JEAN, 14 * H, 15 * H),
        4: Panel(("ana ruiz", "caritas"), 10 * H, 11 * H),
    }
    others = [
        _in_room_b(MARIA, 10.33, 12.25),
        _in_room_b(MARIA, 16, 17, "Closing"),  # later that day: no clash
        _in_room_b(JEAN, 15, 16),  # starts as his ends
    ]
    found = clashes(rows, others)
    assert list(found) == [2]
    (place,) = found[2]
    assert (place.room, place.segment_title) == ("Room B", "Panel B")


def test_no_other_room_no_clash() -> None:
    assert clashes({2: Panel(MARIA, 10 * H, 11 * H)}, []) == {}
