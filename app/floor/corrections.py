"""A participant's particulars corrected: the secretariat fixes a misspelt name, a wrong
organisation or constituency in the registry (``PATCH /participants/{id}``), and every place a
segment shows that participant takes the corrected ``Speaker``.

Pure: ``shown`` says how a segment shows a participant now, ``correct`` returns the segment with
the correction in place. A correction reaches the queue, the requests, the turn on the floor
(and one an interposed turn paused), the record of the segment's speeches and the undo stack:
undoing a command made before the correction gives back the floor as it was, with the name as it
is now (and the console's "Undo calling …" names them so). The self-declared gender is the
registry's too, so it follows; nothing else of a turn (its kind, time, place, note) changes.

The floor language, attendance and region are the registry's defaults, which the moderator may
set otherwise for one turn (``edit_entry``: heard in Arabic, found to speak remotely). A
correction that leaves the registry's own unchanged (``floor=False``: a misspelt name, another
organisation, a form saved again) leaves each turn's as the moderator set them (``keep``: the
ones the registry did not change); one that changes them sets those everywhere, as the name (and
every correction of a log written before the distinction sets them all).

A value shared by several parts of the state (a request in the segment's map and in an undo
entry's, a queue entry in the queue and in an entry kept for undo) stays shared after the
correction: each distinct object is corrected once (``_Corrector``), which keeps the fold's
identity checks (``fold._restore``) and the snapshot codec's sharing as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from immutables import Map

from .model import (
    FloorRequest,
    Inverse,
    QueueEntry,
    SegmentState,
    Speaker,
    Speech,
    Turn,
    UndoEntry,
)


def shown(segment: SegmentState, participant_id: str) -> set[Speaker]:
    """Every distinct way ``segment`` shows the participant now (empty: it does not show them)."""
    speakers = [speaker for part in _parts(segment) for speaker in _speakers(part)]
    for kept in segment.undo_stack:
        if isinstance(kept, Inverse) and kept.insert_entry is not None:
            speakers.append(kept.insert_entry.speaker)
    return {speaker for speaker in speakers if speaker.participant_id == participant_id}


def _parts(segment: SegmentState) -> Iterator[SegmentState | UndoEntry]:
    """The segment, and each floor its undo stack keeps: each has a queue, requests, a turn on
    the floor and one paused, and speeches."""
    yield segment
    yield from (kept for kept in segment.undo_stack if isinstance(kept, UndoEntry))


def _speakers(part: SegmentState | UndoEntry) -> Iterator[Speaker]:
    yield from (entry.speaker for entry in part.queue)
    yield from (request.speaker for request in part.requests.values())
    yield from (turn.entry.speaker for turn in (part.current, part.paused) if turn is not None)
    yield from (speech.speaker for speech in part.speeches)


#: A turn's own floor particulars, which the moderator may set otherwise than the registry.
FLOOR_FIELDS = ("language", "attendance", "region")


def kept_fields(before: Speaker | None, after: Speaker) -> tuple[str, ...]:
    """The floor particulars a correction from ``before`` to ``after`` (the registry's) leaves
    each turn as it is: those the registry did not change."""
    if before is None:
        return ()
    return tuple(name for name in FLOOR_FIELDS if getattr(before, name) == getattr(after, name))


def corrected(old: Speaker, speaker: Speaker, keep: Sequence[str] = ()) -> Speaker:
    """``old`` (the same participant, as a part of the segment shows them) as ``speaker`` corrects
    it: all of it but the floor particulars in ``keep``, which stay as ``old`` has them."""
    if not keep:
        return speaker
    return replace(speaker, **{name: getattr(old, name) for name in keep})


def needs_correcting(segment: SegmentState, speaker: Speaker, keep: Sequence[str] = ()) -> bool:
    """Whether the segment shows ``speaker``'s participant otherwise than ``speaker`` corrects."""
    if speaker.participant_id is None:
        return False
    return any(
        corrected(old, speaker, keep) != old for old in shown(segment, speaker.participant_id)
    )


def correct(segment: SegmentState, speaker: Speaker, keep: Sequence[str] = ()) -> SegmentState:
    """``segment`` showing ``speaker`` wherever it showed the same participant, each turn keeping
    its own floor particulars named in ``keep``."""
    if speaker.participant_id is None:
        return segment
    fix = _Corrector(speaker, shown(segment, speaker.participant_id), keep)
    return replace(
        segment,
        queue=fix.entries(segment.queue),
        requests=fix.requests(segment.requests),
        current=fix.turn(segment.current),
        paused=fix.turn(segment.paused),
        speeches=fix.speeches(segment.speeches),
        undo_stack=tuple(fix.kept(kept) for kept in segment.undo_stack),
    )


_T = TypeVar("_T")


class _Corrector:
    """Corrects each distinct object once; an object without the participant is kept as is."""

    def __init__(self, speaker: Speaker, was: set[Speaker], keep: Sequence[str] = ()) -> None:
        self.speaker = speaker
        self.keep = keep
        self.done: dict[int, Any] = {}
        #: the names it had, longest first (what an undo label such as "calling Amina Dialo" says)
        self.old_names = sorted(
            {old.name for old in was if old.name and old.name != speaker.name},
            key=len,
            reverse=True,
        )

    def _once(self, value: _T, make: Callable[[_T], _T]) -> _T:
        key = id(value)
        if key not in self.done:
            self.done[key] = make(value)
        fixed: _T = self.done[key]
        return fixed

    def _fixed(self, speaker: Speaker) -> Speaker:
        return corrected(speaker, self.speaker, self.keep)

    def _mine(self, speaker: Speaker) -> bool:
        return (
            speaker.participant_id == self.speaker.participant_id
            and self._fixed(speaker) != speaker
        )

    def entry(self, entry: QueueEntry) -> QueueEntry:
        if not self._mine(entry.speaker):
            return entry
        return self._once(entry, lambda old: replace(old, speaker=self._fixed(old.speaker)))

    def entries(self, queue: tuple[QueueEntry, ...]) -> tuple[QueueEntry, ...]:
        fixed = tuple(self.entry(entry) for entry in queue)
        return queue if all(a is b for a, b in zip(fixed, queue, strict=True)) else fixed

    def request(self, request: FloorRequest) -> FloorRequest:
        if not self._mine(request.speaker):
            return request
        return self._once(request, lambda old: replace(old, speaker=self._fixed(old.speaker)))

    def requests(self, requests: Map[str, FloorRequest]) -> Map[str, FloorRequest]:
        changed = {
            rid: fixed
            for rid, request in requests.items()
            if (fixed := self.request(request)) is not request
        }
        if not changed:
            return requests
        mutable = requests.mutate()
        for rid, fixed in changed.items():
            mutable[rid] = fixed
        return mutable.finish()

    def turn(self, turn: Turn | None) -> Turn | None:
        if turn is None:
            return None
        entry = self.entry(turn.entry)
        if entry is turn.entry:
            return turn
        return self._once(turn, lambda old: replace(old, entry=entry))

    def speech(self, speech: Speech) -> Speech:
        if not self._mine(speech.speaker):
            return speech
        return self._once(speech, lambda old: replace(old, speaker=self._fixed(old.speaker)))

    def speeches(self, speeches: tuple[Speech, ...]) -> tuple[Speech, ...]:
        fixed = tuple(self.speech(speech) for speech in speeches)
        return speeches if all(a is b for a, b in zip(fixed, speeches, strict=True)) else fixed

    def kept(self, kept: UndoEntry | Inverse) -> UndoEntry | Inverse:
        if isinstance(kept, Inverse):
            entry = kept.insert_entry
            if entry is None or self.entry(entry) is entry:
                return kept
            return replace(kept, insert_entry=self.entry(entry))
        fixed = replace(
            kept,
            queue=self.entries(kept.queue),
            requests=self.requests(kept.requests),
            current=self.turn(kept.current),
            paused=self.turn(kept.paused),
            speeches=self.speeches(kept.speeches),
        )
        label = kept.label
        for name in self.old_names:
            label = label.replace(name, self.speaker.name)
        subject = self.speaker.name if kept.subject in self.old_names else kept.subject
        fixed = replace(fixed, label=label, subject=subject)
        same = (
            fixed.label == kept.label
            and fixed.subject == kept.subject
            and fixed.queue is kept.queue
            and fixed.requests is kept.requests
            and fixed.current is kept.current
            and fixed.paused is kept.paused
            and fixed.speeches is kept.speeches
        )
        return kept if same else fixed
