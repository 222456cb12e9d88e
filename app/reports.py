"""What the secretariat takes away: the day's record of turns and the outcome summary, gathered
from a meeting day's live state (pure reads). ``app/exports.py`` and ``app/outcome.py`` write
them as CSV, JSON, Markdown, HTML and Word."""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict

from .exports import RecordRow, as_recorded
from .floor import HearingState
from .floor.contributions import ContributionStatus
from .floor.decide import DROPPED_AT_END
from .floor.model import (
    FloorRequest,
    RequestStatus,
    SegmentState,
    SegmentStatus,
    Speaker,
    Speech,
    Unheard,
)
from .floor.record import in_call_order
from .floor.themes import programme_themes, theme_order
from .hearing import Hearing
from .outcome import Outcome, OutcomeItem, SpeakingFigures


def programme(hearing: Hearing) -> list[SegmentState]:
    """The meeting day's segments in programme order."""
    return hearing.state.programme()


def day_record(
    hearing: Hearing, segment_id: str | None = None, state: HearingState | None = None
) -> list[RecordRow]:
    """One row per turn given, timed or not, skipped ones too, in programme order; a segment's
    turns numbered in the order they were called (``in_call_order``: an interposed question and
    its answer after the turn they interrupted); after them, each place left unheard and each
    floor request no turn accounts for (``_requests``), so that every request a segment received
    has its row there. ``segment_id``: that segment's rows only.
    ``state``: the day's state to read (by default the hearing's now; a reader off the event
    loop passes the one it took, which the engine may replace meanwhile)."""
    state = state if state is not None else hearing.state
    titles = {s.id: s.details.title for s in state.segments.values()}
    rows = []
    for position, segment in enumerate(state.programme(), start=1):
        if segment_id is not None and segment.id != segment_id:
            continue
        speeches = in_call_order(segment.speeches)
        # an interposed turn names the turn it interrupted by its entry; the record by number
        turns = {speech.entry_id: turn for turn, speech in enumerate(speeches, start=1)}
        for turn, speech in enumerate(speeches, start=1):
            rows.append(_row(segment, position, turn, speech, turns))
        # then who was still waiting when it ended: carried to another segment, or dropped, or
        # left in its queue; then every other request it received, whatever became of it
        # (``_requests``: never given a place, withdrawn, declined, its place removed)
        rows.extend(_unheard(segment, position, left, titles) for left in segment.unheard)
        if segment.status is SegmentStatus.ENDED:
            rows.extend(
                _unheard(segment, position, Unheard(entry), titles, waiting=True)
                for entry in segment.queue
            )
        rows.extend(_requests(segment, position, titles))
    # the turn of the day: the order they were called across segments, whatever the programme's
    # order (a segment held out of order, or moved after the day); numbered over the whole day
    # even when one segment's rows are asked for
    everything = rows if segment_id is None else day_record(hearing, state=state)
    given = [row for row in everything if row.turn is not None]
    called = sorted(given, key=lambda row: (row.called_at or 0, row.segment_position, row.turn))
    day_turns = {(row.segment_position, row.turn): n for n, row in enumerate(called, start=1)}
    return [replace(row, day_turn=day_turns.get((row.segment_position, row.turn))) for row in rows]


class _Who(TypedDict):
    name: str
    organisation: str
    constituency: str
    region: str
    attendance: str
    floor_language: str
    gender: str


def _who(speaker: Speaker) -> _Who:
    """Who spoke (or was to), as the record's row says it: codes, "" for what is not known."""
    return _Who(
        name=speaker.name,
        organisation=speaker.organisation,
        constituency=speaker.constituency.value,
        region=speaker.region,
        attendance=speaker.attendance.value,
        floor_language=speaker.language.value if speaker.language is not None else "",
        gender=speaker.gender.value if speaker.gender is not None else "",
    )


def _requested_at(segment: SegmentState, request_id: str | None) -> int | None:
    """When the floor request behind a turn or a place was made (None: the moderator added
    them, or the request is not this segment's)."""
    request = segment.requests.get(request_id or "")
    return request.requested_at if request is not None else None


def _unheard(
    segment: SegmentState,
    position: int,
    left: Unheard,
    titles: dict[str, str],
    *,
    waiting: bool = False,
) -> RecordRow:
    """A place in the queue not heard: carried, dropped, or (``waiting``) still in the queue of
    a segment that ended."""
    status = "waiting" if waiting else ("dropped" if left.carried_to is None else "carried")
    return _not_heard(
        segment,
        position,
        status,
        left.entry.speaker,
        left.entry.kind.value,
        allotted_ms=left.entry.allotted_ms,
        carried_to=titles.get(left.carried_to or "", ""),
        requested_at=_requested_at(segment, left.entry.request_id),
    )


def _not_heard(
    segment: SegmentState,
    position: int,
    status: str,
    speaker: Speaker,
    kind: str,
    *,
    allotted_ms: int | None,
    carried_to: str,
    requested_at: int | None,
) -> RecordRow:
    """A row of someone not heard in ``segment``: no turn, no times."""
    return RecordRow(
        segment_title=segment.details.title,
        segment_position=position,
        turn=None,
        kind=kind,
        status=status,
        **_who(speaker),
        called_at=None,
        timer_started_at=None,
        ended_at=None,
        held_ms=None,
        timed_ms=None,
        allotted_ms=allotted_ms,
        overrun_ms=None,
        carried_to=carried_to,
        requested_at=requested_at,
    )


def _requests(segment: SegmentState, position: int, titles: dict[str, str]) -> list[RecordRow]:
    """The floor requests of ``segment`` that no other row accounts for, in the order it
    received them, so that every request made can be followed to where it ended (outside probe
    Q: a delegate carried to another segment and withdrawn there had no row anywhere, and the
    requests made could not be reconciled with the record).

    Never given a place in its queue: carried with its waiting speakers to another segment
    (``request_carried``: it goes on there, received in its turn, under its fate there),
    dropped with them (``request_dropped``), still awaiting the moderator in a segment that
    ended (``request_waiting``), withdrawn (``request_withdrawn``), declined
    (``request_declined``), or removed otherwise (``request_removed``: today only a carry
    removes a request that has no place, so this is the net that keeps a request from going
    missing without a word). Given a place that then left the queue unheard before the segment
    ended: withdrawn after approval (``withdrawn``), or its entry removed by the moderator
    (``removed``); the state keeps no entry for these, so no time allotted is said.

    A place still held is its row elsewhere: its turn (spoken, skipped), its place carried,
    dropped or left waiting (``_unheard``). A request still pending or queued in a segment not
    yet ended, or speaking now, is not listed: nothing has become of it yet."""
    ended = segment.status is SegmentStatus.ENDED
    placed = {speech.request_id for speech in segment.speeches}
    placed.update(left.entry.request_id for left in segment.unheard)
    placed.update(entry.request_id for entry in segment.queue)
    placed.update(turn.entry.request_id for turn in (segment.current, segment.paused) if turn)
    rows = []
    for request in sorted(segment.requests.values(), key=lambda r: r.number):
        if request.id in placed:
            continue  # its turn, or its place left unheard, is listed
        status = _request_status(request, ended)
        if status is None:
            continue
        rows.append(
            _not_heard(
                segment,
                position,
                status,
                request.speaker,
                request.kind.value,
                allotted_ms=None,
                carried_to=titles.get(request.carried_to or "", ""),
                requested_at=request.requested_at,
            )
        )
    return rows


def _request_status(request: FloorRequest, ended: bool) -> str | None:
    """The record's status for a request no turn or place of the record lists (``_requests``);
    None: its row is another's (a turn, a place carried or dropped), or nothing has become of
    it yet (pending, queued or speaking in a segment not ended)."""
    had_place = request.entry_id is not None
    status = request.status
    if status is RequestStatus.WITHDRAWN:
        return "withdrawn" if had_place else "request_withdrawn"
    if status is RequestStatus.DECLINED:
        return "request_declined"
    if status is RequestStatus.REMOVED:
        if request.carried_to is not None:
            return None if had_place else "request_carried"  # a carried place is ``_unheard``'s
        if request.reason == DROPPED_AT_END:
            return None if had_place else "request_dropped"
        return "removed" if had_place else "request_removed"
    if status is RequestStatus.PENDING and ended:
        return "request_waiting"
    return None


def _row(
    segment: SegmentState, position: int, turn: int, speech: Speech, turns: dict[str, int]
) -> RecordRow:
    speaker = speech.speaker
    return RecordRow(
        segment_title=segment.details.title,
        segment_position=position,
        turn=turn,
        kind=speech.kind.value,
        status="skipped" if speech.skipped else "spoken",
        **_who(speaker),
        called_at=speech.called_at,
        timer_started_at=speech.timer_started_at,
        ended_at=speech.ended_at,
        held_ms=speech.held_ms,
        timed_ms=speech.timed_ms,
        allotted_ms=speech.allotted_ms,
        overrun_ms=speech.overrun_ms,
        interposed_in_turn=turns.get(speech.interposed_in or ""),
        answers_turn=turns.get(speech.answers or ""),
        interposed_ms=speech.interposed_ms,
        suspended_ms=speech.suspended_ms,
        requested_at=_requested_at(segment, speech.request_id),
    )


def outcome(hearing: Hearing, now: int, language: str = "en") -> Outcome:
    """The accepted contributions (as curated), grouped by the themes they were tagged with: the
    programme's segments first, in programme order (a theme naming one by its title or its short
    title is that segment's), then any other label as first used; each crediting the
    contributions merged into it and numbered as the rapporteur's page and the contributions'
    spreadsheet number it (``exports.contributions_table``: #1 the earliest); how many still
    await review; the day's speaking figures (spoken turns only). Written in ``language``."""
    segments = programme(hearing)
    titles = {segment.id: segment.details.title for segment in segments}
    named = programme_themes(segments)
    ordered = hearing.outcome.ordered()
    numbers = {item.id: number for number, item in enumerate(ordered, start=1)}
    accepted = [item for item in ordered if item.status is ContributionStatus.ACCEPTED]
    merged: dict[str, list[tuple[str, str]]] = {}
    for item in ordered:
        if item.status is ContributionStatus.MERGED and item.merged_into is not None:
            author = item.author
            merged.setdefault(item.merged_into, []).append(
                (author.constituency, author.organisation)
            )
    themes = {
        item.id: tuple(dict.fromkeys(named.get(t.casefold(), t) for t in item.themes))
        for item in accepted
    }
    labels = theme_order([s.details.title for s in segments], themes.values())
    used = {theme for item in accepted for theme in themes[item.id]}
    items = [
        OutcomeItem(
            id=item.id,
            kind=item.kind.value,
            text=item.text,
            constituency=item.author.constituency,
            organisation=item.author.organisation,
            author=item.author.name,
            themes=themes[item.id],
            objectives=item.objectives,
            language=item.language,
            original_language=item.original_language or "",
            original_wording=item.original_wording or "",
            segment_title=titles.get(item.segment_id or "", ""),
            merged_from=tuple(merged.get(item.id, ())),
            number=numbers[item.id],
        )
        for item in accepted
    ]
    event = hearing.event
    return Outcome(
        event_title=event.title,
        venue=event.venue,
        room=event.room,
        date=event.date,
        timezone=event.timezone,
        generated_at=now,
        items=items,
        themes=[(label, label) for label in labels if label in used],
        figures=_figures(segments),
        language=language,
        awaiting=sum(1 for item in ordered if item.status is ContributionStatus.SUBMITTED),
    )


def _figures(segments: list[SegmentState]) -> SpeakingFigures:
    """The day's speaking figures: the turns spoken (a skipped call is on the record, not a turn
    here) and the time they held the floor, each turn's time as the record prints it
    (``as_recorded``: its whole seconds), so that every total (the day's, each constituency's)
    is the sum of the record's "Held the floor (s)" over those rows, to the second."""
    turns, held = 0, 0
    by_constituency: dict[str, tuple[int, int]] = {}
    for segment in segments:
        for speech in segment.speeches:
            if speech.skipped:
                continue
            recorded = as_recorded(speech.held_ms)
            turns += 1
            held += recorded
            key = speech.speaker.constituency.value
            count, ms = by_constituency.get(key, (0, 0))
            by_constituency[key] = (count + 1, ms + recorded)
    return SpeakingFigures(turns=turns, held_ms=held, by_constituency=by_constituency)
