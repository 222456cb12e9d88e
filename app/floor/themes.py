"""The themes a contribution is tagged with, as the outcome groups them: a theme that names a
segment of the programme — by its title or by the title's part before a colon ("Thematic
discussion I" for "Thematic discussion I: Assessing progress"), when that names one segment
only — in any case, is that segment's title; any other label stays as typed.

One rule for every place that groups themes: the outcome documents (``app/reports.py``), and
the faces, which are sent each contribution's ``theme_labels`` (``contributions.view``) and
group by them (the room display's reflection, the rapporteur's page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .model import SegmentState


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
