"""The themes a contribution is tagged with, as the outcome groups them: a theme that names a
segment of the programme — by its title or by the title's part before a colon ("Thematic
discussion I" for "Thematic discussion I: Assessing progress"), when that names one segment
only — in any case, is that segment's title; any other label stays as typed.

One rule for every place that groups themes: the outcome documents (``app/reports.py``), and
the faces, which are sent each contribution's ``theme_labels`` (``contributions.view``) and
group by them (the room display's reflection, the rapporteur's page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Final, TypeVar

from .model import SegmentState

T = TypeVar("T")


def programme_themes(segments: Iterable[SegmentState]) -> dict[str, str]:
    """A theme as a rapporteur may write it (casefolded) -> the programme segment it names."""
    found: dict[str, str] = {}
    short: dict[str, list[str]] = {}
    for segment in segments:
        title = segment.details.title
        found.setdefault(title.casefold(), title)
        head, colon, _ = title.partition(":")
        if colon and head.strip():
            short.setdefault(head.strip().casefold(), []).append(title)
    for key, titles in short.items():
        if len(titles) == 1:
            found.setdefault(key, titles[0])
    return found


def labeller(segments: Iterable[SegmentState]) -> Callable[[str], str]:
    """The label each theme is grouped and printed under, for this programme."""
    named = programme_themes(segments)
    return lambda theme: named.get(theme.casefold(), theme)


#: Kinds of contribution, in the order the outcome lists them within a theme.
KINDS: Final = ("recommendation", "pledge")


def theme_order(titles: Sequence[str], themes: Iterable[Sequence[str]]) -> list[str]:
    """The order the outcome's themes come in: the programme's segments' titles (in programme
    order), then every other label in the order first used (``themes``: each accepted item's
    labels, in the items' order)."""
    order = list(dict.fromkeys(titles))
    seen = set(order)
    for labels in themes:
        for label in labels:
            if label not in seen:
                seen.add(label)
                order.append(label)
    return order


def grouped(
    items: Iterable[T],
    labels_of: Callable[[T], Sequence[str]],
    kind_of: Callable[[T], str],
    order: Sequence[str],
) -> list[tuple[str | None, list[T]]]:
    """The outcome's order, one rule for its documents and every face's reflection: each item
    under its first label found in ``order`` (``None``: "Other", last), groups in ``order``,
    within a group by kind (``KINDS``: recommendations, then pledges), then as given; empty groups
    are left out. An unknown kind raises ``ValueError`` naming it."""
    rank = {label: index for index, label in enumerate(order)}
    buckets: dict[str | None, dict[str, list[T]]] = {}
    for item in items:
        kind = kind_of(item)
        if kind not in KINDS:
            raise ValueError(f"unknown kind of contribution: {kind!r}")
        home = next((label for label in labels_of(item) if label in rank), None)
        buckets.setdefault(home, {k: [] for k in KINDS})[kind].append(item)
    keys = sorted(buckets, key=lambda key: len(order) if key is None else rank[key])
    return [(key, [item for kind in KINDS for item in buckets[key][kind]]) for key in keys]
