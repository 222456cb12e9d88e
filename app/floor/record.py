"""The record of a segment's speeches as people read it: the turns in the order they were called.

``SegmentState.speeches`` keeps each turn as it ended (``turn_ended`` appends it), and the log is
folded that way, so an old log folds as it did. The order a turn ended is not the order it was
called in for one kind of turn only: an interposed question or answer ends before the turn it
interrupted, which was called before it. Every reader that numbers or lists the turns (the day's
record, a segment's speeches, their CSVs) reads them through ``in_call_order``, so "Turn 3" is
the third turn given, and ``interposed_in`` names a turn numbered before it.

The order comes from the floor's own sequence, not from the clock: one turn holds the floor at a
time, so the turns that were not interposed ended in the order they were called; the interposed
ones were called while the turn they name (``interposed_in``) held the floor, one after another.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Speech


def in_call_order(speeches: Sequence[Speech]) -> tuple[Speech, ...]:
    """``speeches`` (as they ended) in the order the turns were called: each interposed turn
    (question, answer) right after the turn it interrupted, in the order they came. An interposed
    turn whose interrupted turn is not on the record (it still has the floor) comes last, as it
    was called after every turn that has ended."""
    waiting: dict[str, list[Speech]] = {}  # interrupted turn's entry id → interposed turns
    placed: set[str] = set()
    ordered: list[Speech] = []
    for speech in speeches:
        interrupted = speech.interposed_in
        if interrupted is not None and interrupted not in placed:
            waiting.setdefault(interrupted, []).append(speech)
            continue
        ordered.append(speech)
        placed.add(speech.entry_id)
        ordered.extend(waiting.pop(speech.entry_id, ()))
    for interposed in waiting.values():
        ordered.extend(interposed)
    return tuple(ordered)
