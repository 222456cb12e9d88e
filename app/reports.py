"""What the secretariat takes away: the day's record of turns and the outcome summary, gathered
from a meeting day's live state (pure reads). ``app/exports.py`` and ``app/outcome.py`` write
them as CSV, JSON, Markdown, HTML and Word."""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict

from .exports import RecordRow
from .floor import HearingState
from .floor.contributions import ContributionStatus
from .floor.decide import DROPPED_AT_END
from .floor.model import RequestStatus, SegmentState, SegmentStatus, Speaker, Speech, Unheard
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
    its answer after the turn they interrupted). ``segment_id``: that segment's rows only.
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
        # left in its queue; then who asked and was never given a place (``_not_granted``)
        rows.extend(_unheard(segment, position, left, titles) for left in segment.unheard)
        if segment.status is SegmentStatus.ENDED:
            rows.extend(
                _unheard(segment, position, Unheard(entry), titles, waiting=True)
                for entry in segment.queue
            )
        rows.extend(_not_granted(segment, position, titles))
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


def _not_granted(segment: SegmentState, position: int, titles: dict[str, str]) -> list[RecordRow]:
    """The floor requests of ``segment`` never given a place in its queue, in the order it
    received them: carried with its waiting speakers to another segment (``request_carried``),
    dropped with them (``request_dropped``), or still awaiting the moderator in a segment that
    ended (``request_waiting``). A request withdrawn, declined or removed by the moderator is a
    decision, not a speaker left unheard: not listed."""
    ended = segment.status is SegmentStatus.ENDED
    rows = []
    for request in sorted(segment.requests.values(), key=lambda r: r.number):
        if request.entry_id is not None:
            continue  # it had a place: its turn, or its place left unheard, is listed
        if request.status is RequestStatus.REMOVED and request.carried_to is not None:
            status = "request_carried"
        elif request.status is RequestStatus.REMOVED and request.reason == DROPPED_AT_END:
            status = "request_dropped"
        elif request.status is RequestStatus.PENDING and ended:
            status = "request_waiting"
        else:
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
    turns, held = 0, 0
    by_constituency: dict[str, tuple[int, int]] = {}
    for segment in segments:
        for speech in segment.speeches:
            if speech.skipped:
                continue
            turns += 1
            held += speech.held_ms
            key = speech.speaker.constituency.value
            count, ms = by_constituency.get(key, (0, 0))
            by_constituency[key] = (count + 1, ms + speech.held_ms)
    return SpeakingFigures(turns=turns, held_ms=held, by_constituency=by_constituency)
