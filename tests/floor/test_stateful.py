"""A random hearing: several delegates and a moderator send random commands to one or two
segments while a fake clock advances. Refusals are legal; the invariants must hold after
every step."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from app.floor import Actor, FloorError, apply
from app.floor import commands as c
from app.floor.events import (
    ChangeUndone,
    Event,
    FloorRequested,
    SegmentEnded,
    SegmentStarted,
    TurnEnded,
    UndoableEvent,
)
from app.floor.fold import UNDO_DEPTH, requests_changed
from app.floor.model import (
    LIVE_REQUEST_STATUSES,
    REQUESTABLE_KINDS,
    SHOWN_CLOSED_REQUESTS,
    FloorMode,
    HearingState,
    RequestStatus,
    SegmentState,
    SegmentStatus,
    Speech,
    TurnKind,
)
from app.views import Audience, requestable, view
from tests.floor.kit import (
    ACTION_TYPES,
    MODERATOR,
    PARTICIPANT_IDS,
    Action,
    Floor,
    actions,
    actions_of,
    adjust_delta,
    assert_patches_replay,
    delegate,
    in_order,
    perform,
    replay,
    says_skipped,
)
from tests.test_live_view import strings, within

TURN_TYPES = ["call_next"] * 3 + [
    "interpose",
    "interpose",
    "readd_last_speaker",
    "start_timer",
    "start_timer",
    "pause_timer",
    "resume_timer",
    "adjust_time",
    "reset_timer",
    "end_turn",
    "set_message",
    "undo",
]
#: The commands of the list of speakers a chair expects, with those that end an interposed turn.
LIST_TYPES = ["interpose"] * 3 + ["readd_last_speaker", "edit_entry", "call_next", "end_turn"]
#: An interposed question ("q") or answer ("a") after a speaker is called.
INTERPOSED = ["q", "q", "a"]
REQUEST_TYPES = ["approve_request"] * 3 + ["decline_request", "withdraw_request", "undo"]
#: The console's commands that change the floor: each can be undone, back to the floor before it.
UNDOABLE_TYPES = [
    t
    for t in dict.fromkeys(ACTION_TYPES)
    if t not in ("request_floor", "withdraw_request", "undo", "update_segment")
]


@dataclass(frozen=True)
class ExpectedTimer:
    """What the speaker clock should show, and what the record should say of the turn, kept by
    the test independently of the core."""

    entry_id: str
    allotted_ms: int
    remaining_ms: int
    added_ms: int = 0
    running: bool = False
    started: bool = False
    called_at: int = 0
    first_started_at: int | None = None
    #: time on the timer before its resets
    timed_before_ms: int = 0
    #: an interposed turn: the entry id of the turn it paused, and of the question it answers
    interposed_in: str | None = None
    answers: str | None = None
    #: a turn paused by an interposed one: since when, and the time others held the floor before
    interposed_at: int | None = None
    interposed_ms: int = 0
    #: the time the segment stood ended during the turn (an end undone): not its own, counted
    #: with the interposed time (in ``interposed_ms`` while on the floor) and set apart
    suspended_ms: int = 0

    @property
    def timed_ms(self) -> int:
        run = self.allotted_ms + self.added_ms - self.remaining_ms if self.started else 0
        return self.timed_before_ms + run

    def interposed_until(self, now: int) -> int:
        since = 0 if self.interposed_at is None else now - self.interposed_at
        return self.interposed_ms + since

    def suspended(self, gap: int) -> ExpectedTimer:
        """The turn taking the floor back after the segment stood ended ``gap`` ms."""
        on_floor = self.interposed_at is None
        return replace(
            self,
            interposed_ms=self.interposed_ms + (gap if on_floor else 0),
            suspended_ms=self.suspended_ms + gap,
        )


#: What undo must bring back: per segment and version of the undoable command's first event,
#: the expected timers before it (the speaker's, the paused turn's), when that was, and how long
#: the segment had stood ended before then (ends undone: the turns kept do not run meanwhile).
Saved = dict[tuple[str, int], tuple[ExpectedTimer | None, ExpectedTimer | None, int, int]]


def _floor_parts(segment: SegmentState) -> dict[str, Any]:
    """The floor of a segment, as undo restores it."""
    return {
        "status": segment.status,
        "actual": (segment.actual_start_at, segment.actual_end_at),
        "settings": segment.settings,
        "current": segment.current,
        "paused": segment.paused,
        "queue": segment.queue,
        "message": segment.message,
        "notes": segment.notes,
        "speeches": segment.speeches,
        "statuses": {rid: r.status for rid, r in segment.requests.items()},
        "requests": segment.requests,
        "pending_ids": segment.pending_ids,
        "request_ids_of": segment.request_ids_of,
    }


class RandomHearing(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.floor = Floor()
        self.segment_ids: list[str] = []
        self.before: HearingState = self.floor.state
        self.events: list[Event] = []
        self.timers: dict[str, ExpectedTimer | None] = {}
        #: the expected timer of the turn an interposed one paused, per segment
        self.paused_timers: dict[str, ExpectedTimer | None] = {}
        self.saved: Saved = {}
        #: per segment: how long it has stood ended so far, ends undone (or brought back)
        self.stood_ended: Counter[str] = Counter()
        #: per segment ended by another's start: its timers then, when, and the version of the
        #: first event of that ending (undoing the start brings them back)
        self.superseded: dict[str, tuple[ExpectedTimer | None, ExpectedTimer | None, int, int]] = {}
        #: per segment brought back by the command just run: its timers
        self.brought_back: dict[str, tuple[ExpectedTimer | None, ExpectedTimer | None]] = {}

    @initialize(two_segments=st.booleans(), started=st.booleans())
    def programme(self, two_segments: bool, started: bool) -> None:
        self.segment_ids.append(self.floor.create_segment("Thematic discussion I"))
        if two_segments:
            self.segment_ids.append(self.floor.create_segment("Thematic discussion II"))
        self.before = self.floor.state
        self.events = self.floor.send(c.StartSegment()) if started else []
        self._save_for_undo()

    # --- rules ------------------------------------------------------------------------------

    @rule(action=actions)
    def command(self, action: Action) -> None:
        self.before = self.floor.state
        outcome = perform(self.floor, action, self.segment_ids)
        self.events = [] if isinstance(outcome, FloorError) else outcome
        target = self.segment_ids[action.segment % len(self.segment_ids)]
        self._check_ended_turns(action, target)
        self._save_for_undo()
        self._follow_timers(None if isinstance(outcome, FloorError) else (action, target))

    @rule(action=actions_of(UNDOABLE_TYPES))
    def command_then_undo(self, action: Action) -> None:
        """For any reachable state and any accepted command of the console that changes the
        floor, the command then undo gives back the floor before it: who has it (the turn and
        its timer facts), the queue, the requests, the settings, the segment's status."""
        target = self.segment_ids[action.segment % len(self.segment_ids)]
        action = replace(action, stale=False)
        before = self.floor.segment(target)
        self.command(action)
        if not any(isinstance(ev, UndoableEvent) and ev.undo for ev in self.events):
            return  # refused, or nothing to change
        self.command(Action("undo", segment=action.segment))
        assert any(isinstance(ev, ChangeUndone) for ev in self.events), "undo was refused"
        after = self.floor.segment(target)
        assert _floor_parts(after) == _floor_parts(before)
        assert after.details == before.details
        if len(before.undo_stack) < UNDO_DEPTH:
            assert after.undo_stack == before.undo_stack

    @precondition(lambda self: self._live_index() is not None)
    @rule(action=actions_of(TURN_TYPES))
    def the_turn(self, action: Action) -> None:
        """Calling speakers and running their clock, on the live segment."""
        self.command(replace(action, segment=self._live_index() or 0))

    @precondition(lambda self: self._live_index() is not None)
    @rule(action=actions_of(["add_speaker"]), interposed=st.sampled_from([None, *INTERPOSED]))
    def someone_takes_the_floor(self, action: Action, interposed: str | None) -> None:
        """Someone is added and the next speaker called on the live segment, now and then
        interrupted by an interposed question or answer (so turns are not rare)."""
        live = self._live_index() or 0
        self.command(replace(action, segment=live, stale=False))
        self.command(Action("call_next", segment=live, pick=1))
        if interposed is not None:
            self.command(Action("interpose", segment=live, pick=1 if interposed == "a" else 0))

    @precondition(lambda self: self._live_index() is not None)
    @rule(action=actions_of(LIST_TYPES))
    def the_list_then_undo(self, action: Action) -> None:
        """The list of speakers a chair expects, taken back: interposing, re-adding, editing,
        ending an interposed turn, on the live segment."""
        self.command_then_undo(replace(action, segment=self._live_index() or 0))

    @precondition(lambda self: self._open_requests())
    @rule(action=actions_of(REQUEST_TYPES))
    def the_requests(self, action: Action) -> None:
        """The moderator (or a delegate) deals with an open request of the first segment."""
        self.command(replace(action, segment=0))

    @precondition(lambda self: self._live_index() is not None)
    @rule(by_a_start=st.booleans(), ms=st.sampled_from([1, 60_000, 400_000]))
    def an_end_undone_later(self, by_a_start: bool, ms: int) -> None:
        """The live segment is ended by mistake (its own end, or the other segment's start) and
        undone a while later: it is live again, its turns counting on from the undo (the timers
        followed here say what they show)."""
        live = self._live_index() or 0
        if by_a_start and len(self.segment_ids) > 1:
            undo_on = 1 - live
            self.command(Action("start_segment", segment=undo_on))
        else:
            undo_on = live
            self.command(Action("end_segment", segment=live))
        self.time_passes(ms)
        self.command(Action("undo", segment=undo_on))
        assert self._live_index() == live

    def _live_index(self) -> int | None:
        live = self.floor.state.live_segment_id
        return self.segment_ids.index(live) if live is not None else None

    def _open_requests(self) -> bool:
        segment = self.floor.segment(self.segment_ids[0])
        open_statuses = (RequestStatus.PENDING, RequestStatus.QUEUED)
        return any(r.status in open_statuses for r in segment.requests.values())

    @rule(ms=st.sampled_from([1, 999, 10_000, 60_000, 180_000, 400_000]))
    def time_passes(self, ms: int) -> None:
        self.before = self.floor.state
        self.events = []
        self.floor.tick(ms)
        for segment_id, timer in self.timers.items():
            if timer is not None and timer.running:
                self.timers[segment_id] = replace(timer, remaining_ms=timer.remaining_ms - ms)

    @rule(who=st.sampled_from(PARTICIPANT_IDS))
    def point_of_order(self, who: str) -> None:
        """A point of order is possible beside an ordinary request, list closed or not."""
        self.before = self.floor.state
        self.events = []
        segment = self.floor.segment(self.segment_ids[0])
        command = c.RequestFloor(kind=TurnKind.POINT_OF_ORDER)
        open_mode = segment.settings.floor_mode is FloorMode.OPEN
        cap = segment.settings.queue_cap
        if segment.status is SegmentStatus.ENDED:
            self.floor.refuse(command, "segment_ended", delegate(who), segment.id)
        elif segment.details.is_break:  # nobody asks for the floor in a break, not even so
            self.floor.refuse(command, "segment_is_break", delegate(who), segment.id)
        elif not segment.settings.points_of_order:
            self.floor.refuse(command, "points_of_order_off", delegate(who), segment.id)
        elif _holds_point_of_order(segment, who):
            self.floor.refuse(command, "already_queued", delegate(who), segment.id)
        elif open_mode and cap is not None and len(segment.queue) >= cap:
            self.floor.refuse(command, "queue_full", delegate(who), segment.id)
        else:
            self.events = self.floor.send(command, delegate(who), segment.id)
            self._save_for_undo()
            requested = self.events[0]
            assert isinstance(requested, FloorRequested)
            request_id = requested.request_id
            status = self.floor.segment(segment.id).requests[request_id].status
            expected = RequestStatus.QUEUED if open_mode else RequestStatus.PENDING
            assert status is expected

    @rule(open_mode=st.booleans())
    def the_queue_fills_up(self, open_mode: bool) -> None:
        """The moderator caps the queue at its length: no more approvals (nor, in open mode,
        requests) until a place frees up."""
        self.before = self.floor.state
        segment_id = self.segment_ids[0]
        mode = FloorMode.OPEN if open_mode else FloorMode.MODERATED
        cap = max(1, len(self.floor.segment(segment_id).queue))
        self.events = self.floor.send(c.SetFloorMode(mode=mode), MODERATOR, segment_id)
        self.events += self.floor.send(c.SetQueueCap(cap=cap), MODERATOR, segment_id)
        self._save_for_undo()

    # --- following the timer ----------------------------------------------------------------

    def _check_ended_turns(self, action: Action, target: str) -> None:
        """Every turn that ended is on the record, timed or not: when the floor was given, held
        and timed (across pauses and resets) as the clock showed it; skipped when said so."""
        for event in self.events:
            if not isinstance(event, TurnEnded):
                continue
            expected = self.timers[event.segment_id]
            waiting = self.paused_timers.get(event.segment_id)
            if waiting is not None and waiting.entry_id == event.entry_id:
                expected = waiting  # the turn an interposed one paused, ending with the segment
            assert expected is not None and expected.entry_id == event.entry_id
            speech = event.speech
            assert isinstance(speech, Speech)
            now = self.floor.now
            assert (speech.called_at, speech.ended_at) == (expected.called_at, now)
            interposed = expected.interposed_until(now)
            assert (speech.held_ms, speech.interposed_ms, speech.suspended_ms) == (
                now - expected.called_at - interposed,
                interposed - expected.suspended_ms,
                expected.suspended_ms,
            )
            assert (speech.interposed_in, speech.answers) == (
                expected.interposed_in,
                expected.answers,
            )
            assert speech.timer_started_at == expected.first_started_at
            assert speech.allotted_ms == expected.allotted_ms + expected.added_ms
            assert speech.timed_ms == expected.timed_ms
            skipped = event.segment_id == target and says_skipped(action)
            assert speech.skipped == skipped
            # a turn that did not take place ran over nothing; the overrun is the countdown's
            # the speaker saw, since its last reset (decide._turn_ended; the time before a reset
            # is in timed_ms, not over: hypothesis found the model still counting it)
            since_reset = expected.timed_ms - expected.timed_before_ms
            over = 0 if skipped else max(0, since_reset - speech.allotted_ms)
            assert speech.overrun_ms == over
            request = self.floor.segment(event.segment_id).requests.get(speech.request_id or "")
            if request is not None:
                ended = RequestStatus.SKIPPED if skipped else RequestStatus.SPOKEN
                assert request.status is ended

    def _save_for_undo(self) -> None:
        """Remember, for each undoable command's first event, the expected timer before it."""
        versions = {sid: seg.version for sid, seg in self.before.segments.items()}
        for event in self.events:
            versions[event.segment_id] = versions.get(event.segment_id, 0) + 1
            timer = self.timers.get(event.segment_id)
            waiting = self.paused_timers.get(event.segment_id)
            if isinstance(event, UndoableEvent) and event.undo is not None:
                key = (event.segment_id, versions[event.segment_id])
                then = self.stood_ended[event.segment_id]
                self.saved[key] = (timer, waiting, self.floor.now, then)
            first = event.segment_id not in self.superseded
            if isinstance(event, TurnEnded | SegmentEnded) and event.superseded_by and first:
                version = versions[event.segment_id]
                self.superseded[event.segment_id] = (timer, waiting, self.floor.now, version)
            if isinstance(event, SegmentStarted):
                if event.brought_back_by is not None:
                    self._bring_back(event.segment_id)
                self.superseded.pop(event.segment_id, None)

    def _bring_back(self, segment_id: str) -> None:
        """A segment ended by another's start, brought back as that start is undone: its timers
        as they were then; the commands made on it since are kept as made on them."""
        timer, waiting, then, version = self.superseded[segment_id]
        now = self.floor.now
        gap = now - then
        self.stood_ended[segment_id] += gap
        timer = timer.suspended(gap) if timer is not None else None
        waiting = waiting.suspended(gap) if waiting is not None else None
        self.brought_back[segment_id] = (timer, waiting)
        for (sid, made), _ in list(self.saved.items()):
            if sid == segment_id and made > version:
                self.saved[sid, made] = (timer, waiting, now, self.stood_ended[segment_id])

    def _follow_timers(self, accepted: tuple[Action, str] | None) -> None:
        now = self.floor.now
        undone = {ev.segment_id: ev.version for ev in self.events if isinstance(ev, ChangeUndone)}
        for segment_id in self.segment_ids:
            segment = self.floor.segment(segment_id)
            current = segment.current
            expected = self.timers.get(segment_id)
            waiting = self.paused_timers.get(segment_id)
            if segment_id in undone:
                # the timers as they were before the command undone, deadlines kept: a running
                # one has run on since (into overtime, maybe), but not while the segment stood
                # ended (an end undone); a paused turn's timer never runs
                old = self.before.segments[segment_id]
                restored, restored_waiting, then, ended_then = self.saved[
                    segment_id, undone[segment_id]
                ]
                if old.status is SegmentStatus.ENDED and segment.status is SegmentStatus.LIVE:
                    assert old.actual_end_at is not None
                    self.stood_ended[segment_id] += now - old.actual_end_at
                elif restored is not None and (
                    old.current is None or old.current.entry.id != restored.entry_id
                ):
                    # the command undone ended the turn given back (call_next, end_turn): the
                    # time since is nobody's either, as for an end undone (fold._taken_from)
                    spoken = [s for s in old.speeches if s.entry_id == restored.entry_id]
                    if spoken:
                        self.stood_ended[segment_id] += now - spoken[-1].ended_at
                ended = self.stood_ended[segment_id] - ended_then
                if restored is not None:
                    if restored.running:
                        ran = now - then - ended
                        restored = replace(restored, remaining_ms=restored.remaining_ms - ran)
                    restored = restored.suspended(ended)
                if restored_waiting is not None:
                    restored_waiting = restored_waiting.suspended(ended)
                self.timers[segment_id] = restored
                self.paused_timers[segment_id] = restored_waiting
                continue
            if segment_id in self.brought_back:
                # ended by another's start, which was undone: its timers as they were then
                self.timers[segment_id], self.paused_timers[segment_id] = self.brought_back.pop(
                    segment_id
                )
                continue
            if current is None:
                self.timers[segment_id] = None
                self.paused_timers[segment_id] = None
                continue
            if waiting is not None and waiting.entry_id == current.entry.id:
                # the interposed turn ended: the turn it paused has the floor back, timer paused
                assert waiting.interposed_at is not None
                self.timers[segment_id] = replace(
                    waiting, interposed_at=None, interposed_ms=waiting.interposed_until(now)
                )
                self.paused_timers[segment_id] = None
                continue
            if expected is None or expected.entry_id != current.entry.id:
                # a new turn: loaded with its full time, started if the segment says so; an
                # interposed one pauses the turn speaking (an answer follows a question instead)
                interposed_in = answers = None
                if segment.paused is not None:
                    assert expected is not None
                    if waiting is None:
                        waiting = replace(expected, running=False, interposed_at=now)
                    else:
                        answers = expected.entry_id
                    interposed_in = waiting.entry_id
                self.paused_timers[segment_id] = waiting if segment.paused is not None else None
                allotted = current.entry.allotted_ms
                on_call = self.before.segments[segment_id].settings.start_timer_on_call
                self.timers[segment_id] = ExpectedTimer(
                    current.entry.id,
                    allotted,
                    allotted,
                    running=on_call,
                    started=on_call,
                    called_at=now,
                    first_started_at=now if on_call else None,
                    interposed_in=interposed_in,
                    answers=answers,
                )
                continue
            if accepted is None or accepted[1] != segment_id:
                continue
            action = accepted[0]
            if action.type in ("start_timer", "resume_timer"):
                first = expected.first_started_at if expected.first_started_at is not None else now
                expected = replace(expected, running=True, started=True, first_started_at=first)
            elif action.type == "pause_timer":
                expected = replace(expected, running=False)
            elif action.type == "adjust_time":
                # time taken off is at most the turn's whole time (allotted and added)
                whole = expected.allotted_ms + expected.added_ms
                delta = max(adjust_delta(action), -max(whole, 0))
                expected = replace(
                    expected,
                    remaining_ms=expected.remaining_ms + delta,
                    added_ms=expected.added_ms + delta,
                )
            elif action.type == "reset_timer":
                expected = replace(
                    expected,
                    remaining_ms=expected.allotted_ms,
                    added_ms=0,
                    running=False,
                    started=False,
                    timed_before_ms=expected.timed_ms,
                )
            self.timers[segment_id] = expected

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def nobody_holds_two_places_of_a_kind(self) -> None:
        for segment in self.floor.state.segments.values():
            ids = [entry.id for entry in segment.queue]
            assert len(ids) == len(set(ids))
            for point_of_order in (False, True):
                holders = [
                    entry.speaker.participant_id
                    for entry in segment.queue
                    if entry.speaker.participant_id is not None
                    and (entry.kind is TurnKind.POINT_OF_ORDER) == point_of_order
                ]
                assert len(holders) == len(set(holders)), holders
            for turn in (segment.current, segment.paused):
                if turn is not None:
                    assert turn.entry.id not in ids

    @invariant()
    def an_interposed_turn_hands_the_floor_back(self) -> None:
        """One level: an interposed question or answer has the floor while the turn it paused
        waits, its timer not running; the record links interposed turns and answers."""
        for segment in self.floor.state.segments.values():
            current, paused = segment.current, segment.paused
            interposed = current is not None and current.interposed_in is not None
            assert interposed == (paused is not None)
            if current is not None and paused is not None:
                assert current.interposed_in == paused.entry.id
                assert current.entry.kind in (TurnKind.QUESTION, TurnKind.ANSWER)
                assert not paused.timer.running and paused.interposed_at is not None
            on_floor = {turn.entry.id for turn in (current, paused) if turn is not None}
            recorded = {speech.entry_id: speech for speech in segment.speeches}
            for index, speech in enumerate(segment.speeches):
                if speech.interposed_in is not None:
                    assert speech.interposed_in in on_floor | set(recorded)
                    assert speech.kind in (TurnKind.QUESTION, TurnKind.ANSWER)
                if speech.answers is not None:
                    asked = recorded[speech.answers]
                    assert asked.kind is TurnKind.QUESTION and speech.kind is TurnKind.ANSWER
                    assert asked.interposed_in == speech.interposed_in
                    assert segment.speeches.index(asked) < index
                stood = speech.interposed_ms + speech.suspended_ms
                assert speech.held_ms == speech.ended_at - speech.called_at - stood

    @invariant()
    def each_delegates_requests_are_indexed(self) -> None:
        """A delegate is shown their live requests and their newest closed ones, in order; the
        moderator the pending ones, in order."""
        for segment in self.floor.state.segments.values():
            every = in_order(segment)
            participants = {
                r.speaker.participant_id for r in every if r.speaker.participant_id is not None
            }
            assert set(segment.request_ids_of) == participants
            for participant_id in participants:
                theirs = [r for r in every if r.speaker.participant_id == participant_id]
                closed = [r for r in theirs if r.status not in LIVE_REQUEST_STATUSES]
                newest_closed = closed[max(0, len(closed) - SHOWN_CLOSED_REQUESTS) :]
                assert segment.requests_of(participant_id) == [
                    r for r in theirs if r.status in LIVE_REQUEST_STATUSES or r in newest_closed
                ]
            assert [r.number for r in every] == list(range(len(every)))
            pending = [r.id for r in every if r.status is RequestStatus.PENDING]
            assert list(segment.pending_ids) == pending

    @invariant()
    def versions_rise_by_the_number_of_events(self) -> None:
        counts = Counter(event.segment_id for event in self.events)
        for segment_id, segment in self.floor.state.segments.items():
            old = self.before.segments[segment_id]
            assert segment.version == old.version + counts[segment_id]
            if counts[segment_id] == 0:
                assert segment == old

    @invariant()
    def each_request_status_agrees_with_the_floor(self) -> None:
        for segment in self.floor.state.segments.values():
            queued = {entry.request_id: entry for entry in segment.queue if entry.request_id}
            places = Counter(entry.request_id for entry in segment.queue if entry.request_id)
            assert all(count == 1 for count in places.values()), places
            speaking = {turn.entry.request_id for turn in (segment.current, segment.paused) if turn}
            recorded = Counter(s.request_id for s in segment.speeches if s.request_id)
            skipped = {s.request_id for s in segment.speeches if s.skipped}
            for request in segment.requests.values():
                in_queue = request.id in queued
                assert in_queue == (request.status is RequestStatus.QUEUED), request
                assert (request.id in speaking) == (request.status is RequestStatus.SPEAKING)
                # each turn given is on the record once, spoken or skipped
                ended = request.status in (RequestStatus.SPOKEN, RequestStatus.SKIPPED)
                assert recorded[request.id] == ended
                assert (request.id in skipped) == (request.status is RequestStatus.SKIPPED)
                if in_queue:
                    assert request.entry_id == queued[request.id].id
                    assert queued[request.id].speaker == request.speaker
            assert set(queued) <= set(segment.requests)
            open_places = Counter(
                (r.speaker.participant_id, r.kind is TurnKind.POINT_OF_ORDER)
                for r in segment.requests.values()
                if r.status in (RequestStatus.PENDING, RequestStatus.QUEUED)
            )
            assert all(count == 1 for count in open_places.values()), open_places

    @invariant()
    def the_clock_shows_the_facts(self) -> None:
        now = self.floor.now
        live = [s for s in self.floor.state.segments.values() if s.status is SegmentStatus.LIVE]
        assert len(live) <= 1
        for segment_id in self.segment_ids:
            segment = self.floor.segment(segment_id)
            expected = self.timers.get(segment_id)
            waiting = self.paused_timers.get(segment_id)
            if segment.paused is None:
                assert waiting is None
            else:
                assert waiting is not None and waiting.entry_id == segment.paused.entry.id
                paused_timer = segment.paused.timer
                assert paused_timer.remaining_at(now) == waiting.remaining_ms
                assert not paused_timer.running and not waiting.running
                assert paused_timer.added_ms == waiting.added_ms
                assert (paused_timer.started_at is not None) == waiting.started
            if segment.current is None:
                assert expected is None
                continue
            assert segment.status is SegmentStatus.LIVE
            timer = segment.current.timer
            if timer.running:
                assert timer.deadline_at is not None
                assert timer.remaining_at(now) == timer.deadline_at - now
            elif timer.remaining_ms is not None:
                assert timer.remaining_at(now) == timer.remaining_ms
            else:
                assert timer.remaining_at(now) == timer.allotted_ms + timer.added_ms
            assert expected is not None
            assert timer.remaining_at(now) == expected.remaining_ms
            assert timer.running == expected.running
            assert timer.added_ms == expected.added_ms
            assert (timer.started_at is not None) == expected.started
            shown = view(segment, Audience.PUBLIC)["current"]["timer"]
            if timer.running:
                assert (shown["state"], shown["deadline_at"]) == ("running", timer.deadline_at)
            else:
                assert shown["remaining_ms"] == expected.remaining_ms

    @invariant()
    def the_room_sees_no_personal_details(self) -> None:
        for segment_id in self.segment_ids:
            segment = self.floor.segment(segment_id)
            for audience in (Audience.PUBLIC, Audience.DELEGATE):
                text = json.dumps(view(segment, audience))
                assert '"participant_id"' not in text
                assert '"note"' not in text
                assert '"request_id"' not in text
                assert '"notes"' not in text
                assert not segment.notes or segment.notes not in text

    @invariant()
    def the_live_page_holds_nothing_the_room_display_does_not(self) -> None:
        for segment_id in self.segment_ids:
            segment = self.floor.segment(segment_id)
            live, public = view(segment, Audience.LIVE), view(segment, Audience.PUBLIC)
            assert within(live, public)
            assert strings(live) <= strings(public)

    @invariant()
    def what_the_faces_are_told_is_possible_is_what_decide_accepts(self) -> None:
        """Rules once: each console action and each kind of request shown as possible is
        accepted, and each shown as refused is refused with that very code and message."""
        for segment_id in self.segment_ids:
            segment = self.floor.segment(segment_id)
            console = view(segment, Audience.MODERATOR)
            for action, command in _console_commands(console).items():
                shown = console["actions"][action]
                refusal = self._refusal(command, MODERATOR, segment_id)
                assert shown == refusal, (action, shown, refusal)
            room = view(segment, Audience.DELEGATE)["can_request"]
            for participant_id in PARTICIPANT_IDS:
                personal = requestable(segment, participant_id)
                for kind in REQUESTABLE_KINDS:
                    command = c.RequestFloor(kind=kind)
                    refused = self._refusal(command, delegate(participant_id), segment_id)
                    here, mine = room[kind.value], personal[kind.value]
                    if refused is None:
                        assert (here, mine) == (None, None), (participant_id, kind)
                        continue
                    # the rules look at the segment, then at the person, then at the queue's room
                    everyone = (
                        "segment_ended",
                        "segment_is_break",
                        "points_of_order_off",
                        "list_closed",
                    )
                    first = here if here in everyone else mine or here
                    assert refused["code"] == first, (participant_id, kind, refused, here, mine)

    def _refusal(self, command: object, actor: Actor, segment_id: str) -> dict[str, Any] | None:
        try:
            self.floor.decide(command, actor, segment_id)
        except FloorError as error:
            return {"code": error.code, "message": error.message, **(error.detail or {})}
        return None

    @invariant()
    def requests_changed_names_the_requests_each_event_changed(self) -> None:
        state = self.before
        for event in self.events:
            if event.segment_id not in state.segments:
                state = apply(state, event)
                continue
            old = state.segments[event.segment_id]
            state = apply(state, event)
            new = state.segments[event.segment_id]
            changed = {
                request_id
                for request_id, request in new.requests.items()
                if old.requests.get(request_id) is not request
            }
            assert set(requests_changed(old, event)) == changed, event

    @invariant()
    def the_log_rebuilds_the_state(self) -> None:
        assert replay(self.floor.log) == self.floor.state

    @invariant()
    def patches_rebuild_every_view(self) -> None:
        for segment_id in self.segment_ids:
            assert_patches_replay(self.before.segments[segment_id], self.floor.segment(segment_id))


def _console_commands(console: dict[str, Any]) -> dict[str, object]:
    """The command each of the console's buttons sends, read from what the console is shown."""
    current = console["current"]
    timer_state = current["timer"]["state"] if current is not None else "idle"
    toggle = {"idle": c.StartTimer(), "running": c.PauseTimer(), "paused": c.ResumeTimer()}
    return {
        "toggle_timer": toggle[timer_state],
        "call_next": c.CallNext(),
        "end_turn": c.EndTurn(),
        "add_time": c.AdjustTime(delta_ms=30_000),
        "remove_time": c.AdjustTime(delta_ms=-30_000),
        "reset_timer": c.ResetTimer(),
        "undo": c.Undo(),
        "readd_last_speaker": c.ReaddLastSpeaker(),
        "interpose_question": c.Interpose(name="Guest", kind=TurnKind.QUESTION),
        "interpose_answer": c.Interpose(name="Guest", kind=TurnKind.ANSWER),
        "apply_request_order": c.ApplyOrder(
            scope="requests", order=[r["id"] for r in console["requests"]] or ["none"]
        ),
        "apply_queue_order": c.ApplyOrder(
            scope="queue", order=[entry["id"] for entry in console["queue"]] or ["none"]
        ),
        "set_queue_times": c.SetQueueTimes(duration_ms=60_000),
        "carry_queue": c.CarryQueue(to_segment_id=None),
    }


def _holds_point_of_order(segment: SegmentState, participant_id: str) -> bool:
    open_statuses = (RequestStatus.PENDING, RequestStatus.QUEUED)
    return any(
        r.speaker.participant_id == participant_id
        and r.kind is TurnKind.POINT_OF_ORDER
        and r.status in open_statuses
        for r in segment.requests.values()
    ) or any(
        e.speaker.participant_id == participant_id and e.kind is TurnKind.POINT_OF_ORDER
        for e in segment.queue
    )


RandomHearing.TestCase.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
TestRandomHearing = RandomHearing.TestCase


def test_random_runs_use_every_command_but_create() -> None:
    # the programme's own shape (a segment made, one taken out) is tested in test_segments.py:
    # the random runs keep their two segments
    assert set(ACTION_TYPES) == set(c.command_types()) - {"create_segment", "remove_segment"}
    assert set(TURN_TYPES) | set(REQUEST_TYPES) <= set(ACTION_TYPES)
