"""What comes after each segment (app/floor/following.py): the next to come, where the meeting
resumes after a break, whether the hearing has closed, and what ending it leaves unrun.

Each case is a programme written as its segments in order, ``<id>:<status>[:break]`` with the
status S (scheduled), L (live) or E (ended), and what follows each segment as
``next resumes_with closes unrun`` (``-`` for none)."""

from __future__ import annotations

import pytest

from app.floor.following import Follows, resumes_with, what_follows
from app.floor.model import BREAK_KIND, SegmentDetails, SegmentState, SegmentStatus

STATUS = {"S": SegmentStatus.SCHEDULED, "L": SegmentStatus.LIVE, "E": SegmentStatus.ENDED}


def programme(text: str) -> list[SegmentState]:
    out = []
    for position, word in enumerate(text.split()):
        id, status, *kind = word.split(":")
        details = SegmentDetails(
            title=f"Segment {id}", position=position, kind=BREAK_KIND if kind else "discussion"
        )
        out.append(SegmentState(id, "ev", 1, details, status=STATUS[status]))
    return out


def follows(text: str) -> Follows:
    next_id, resumes, unrun = text.split()

    def none(word: str) -> str | None:
        return None if word == "-" else word

    return Follows(none(next_id), none(resumes), tuple(unrun.split(",")) if unrun != "-" else ())


CASES = [
    (
        "the day as planned, before it starts",
        "open:S lunch:S:break two:S close:S",
        {
            "open": "lunch two -",
            "lunch": "two two -",
            "two": "close close -",
            "close": "- - open,two",
        },
    ),
    (
        "in the lunch break: it resumes with the discussion after it",
        "open:E lunch:L:break two:S close:S",
        {"open": "lunch two -", "lunch": "two two -", "two": "close close -"},
    ),
    (
        "a break followed by another break: resumes with the first that is no break",
        "lunch:L:break coffee:S:break two:S",
        {"lunch": "coffee two -", "coffee": "two two -", "two": "- - -"},
    ),
    (
        "the closing ended: the hearing has closed, nothing is unrun",
        "open:E lunch:E:break two:E close:E",
        {"open": "- - -", "lunch": "- - -", "close": "- - -"},
    ),
    (
        "a discussion left out before the closing: ending the closing leaves it unrun",
        "open:E two:S close:L",
        {"open": "two two -", "two": "close close -", "close": "- - two"},
    ),
    (
        "a break left out is not said unrun; a segment already ended after it is passed over",
        "open:E tea:S:break two:E close:L",
        {"open": "tea close -", "tea": "close close -", "two": "close close -"},
    ),
    (
        "the live segment is never unrun, of itself or of another; one ended after it is not",
        "open:L close:E",
        {"open": "- - -", "close": "- - -"},
    ),
    ("a programme of one", "only:S", {"only": "- - -"}),
]


@pytest.mark.parametrize(("case", "text", "expected"), CASES, ids=[case for case, *_ in CASES])
def test_what_follows_each_segment(case: str, text: str, expected: dict[str, str]) -> None:
    got = what_follows(programme(text))
    for segment_id, words in expected.items():
        assert got[segment_id] == follows(words), segment_id
        assert got[segment_id].closes_hearing is (got[segment_id].next_id is None)


def test_the_forecast_reads_the_same_resumption() -> None:
    """The forecast's ``resumes_with`` (app/floor/schedule.py) is the same rule."""
    ordered = programme("open:E lunch:L:break coffee:S:break two:S close:S")
    for index, segment in enumerate(ordered):
        after = resumes_with(ordered, index)
        assert (after.id if after else None) == what_follows(ordered)[segment.id].resumes_with_id


def test_an_entry_carries_them() -> None:
    view = what_follows(programme("a:E b:S"))["a"].view()
    assert view == {
        "next_id": "b",
        "resumes_with_id": "b",
        "closes_hearing": False,
        "leaves_unrun": [],
    }
