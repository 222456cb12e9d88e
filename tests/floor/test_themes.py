"""The themes as the outcome groups them (app/floor/themes.py): a theme naming a programme
segment, in any case or by its short title, is that segment's title; others stay as typed."""

from __future__ import annotations

import pytest

from app.floor.contributions import OutcomeState, TagContribution, view
from app.floor.model import SegmentDetails, SegmentState
from app.floor.themes import grouped, labeller, theme_order
from tests.floor.test_contributions import RAPPORTEUR, Outcome


def _programme(*titles: str) -> list[SegmentState]:
    return [
        SegmentState(f"s{n}", "ev", 1, SegmentDetails(title=title, position=n))
        for n, title in enumerate(titles)
    ]


PROGRAMME = _programme(
    "Opening",
    "Thematic discussion I: Assessing progress",
    "Thematic discussion II: Regular pathways",
    "Panel: youth",
    "Panel: women",
)
FULL_I = "Thematic discussion I: Assessing progress"

CASES = [
    ("the full title", FULL_I, FULL_I),
    ("in another case, as a rapporteur types it", "thematic discussion i", FULL_I),
    ("the short title before the colon", "Thematic discussion I", FULL_I),
    ("a short title two segments share names neither", "Panel", "Panel"),
    ("any other label, as typed", "Decent work", "Decent work"),
    ("a title's full form in capitals", "OPENING", "Opening"),
]


@pytest.mark.parametrize(("what", "theme", "label"), CASES, ids=[c[0] for c in CASES])
def test_a_theme_s_label(what: str, theme: str, label: str) -> None:
    assert labeller(PROGRAMME)(theme) == label, what


def test_the_faces_are_sent_each_theme_s_label_one_for_one() -> None:
    """The room display groups the reflection, and the rapporteur's page its themes, by these:
    "thematic discussion i" and "Thematic discussion I" are one group, as in the documents."""
    outcome = Outcome()
    item = outcome.accepted()
    themes = ["thematic discussion i", "Decent work", "Thematic discussion I"]
    outcome.send(TagContribution(contribution_id=item, themes=themes, objectives=[]), RAPPORTEUR)
    state: OutcomeState = outcome.state
    for audience in ("moderator", "public"):
        (seen,) = view(state, audience, labels=labeller(PROGRAMME))["contributions"]
        assert seen["themes"] == themes
        assert seen["theme_labels"] == [FULL_I, "Decent work", FULL_I]
    (plain,) = view(state, "public")["contributions"]  # no programme: as typed
    assert plain["theme_labels"] == themes


R, P = "recommendation", "pledge"
GROUPED = [  # (what, items as (id, kind, labels), order, groups as (label, ids))
    ("nothing", [], ["A"], []),
    (
        "groups in the order given, not as first met",
        [("1", R, ["B"]), ("2", R, ["A"])],
        ["A", "B"],
        [("A", ["2"]), ("B", ["1"])],
    ),
    (
        "recommendations before pledges within a theme, each kind as given",
        [("1", P, ["A"]), ("2", R, ["A"]), ("3", P, ["A"]), ("4", R, ["A"])],
        ["A"],
        [("A", ["2", "4", "1", "3"])],
    ),
    (
        "under its first label the order knows; no label: Other, last",
        [("1", R, []), ("2", R, ["X", "B", "A"]), ("3", P, ["A"])],
        ["A", "B"],
        [("A", ["3"]), ("B", ["2"]), (None, ["1"])],
    ),
]


@pytest.mark.parametrize(("what", "items", "order", "groups"), GROUPED, ids=[g[0] for g in GROUPED])
def test_the_outcome_s_order(
    what: str,
    items: list[tuple[str, str, list[str]]],
    order: list[str],
    groups: list[tuple[str | None, list[str]]],
) -> None:
    found = grouped(items, lambda item: item[2], lambda item: item[1], order)
    assert [(label, [item[0] for item in members]) for label, members in found] == groups, what


def test_an_unknown_kind_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'motion'"):
        grouped([("1", "motion", [])], lambda item: item[2], lambda item: item[1], [])


def test_the_themes_order_is_the_programme_then_labels_as_first_used() -> None:
    used = [["Decent work", "Opening"], ["Climate"], ["Decent work"]]
    assert theme_order(["Opening", "Closing"], used) == [
        "Opening",
        "Closing",
        "Decent work",
        "Climate",
    ]
