"""Shared helpers for the domain tests: a fake clock, predictable ids and a ``Floor`` harness.

The harness runs commands through the pure core exactly as the engine does
(``decide`` then ``apply``), keeps the event log, and never sleeps: time moves with ``tick``.
Tests import the helpers with ``from tests.floor.kit import ...``; its fixtures are registered
for every test by ``tests/conftest.py``.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import strategies as st

from app.floor import (
    Actor,
    Context,
    FloorError,
    HearingState,
    Role,
    StaleVersion,
    apply,
    apply_all,
    decide,
)
from app.floor import commands as c
from app.floor.events import (
    EntryAdded,
    Event,
    FloorRequested,
    RequestApproved,
    event_from_json,
    event_to_json,
)
from app.floor.model import (
    REQUESTABLE_KINDS,
    Constituency,
    FloorMode,
    FloorRequest,
    QueueEntry,
    RequestStatus,
    SegmentState,
    SignalKind,
    Speaker,
    Timer,
    TurnKind,
)
from app.floor.roles import ORGANISER as ORGANISER  # for the tests, with the harness
from app.patch import apply_patch, diff
from app.views import Audience, own_requests, view

EVENT_ID = "imrf-hearing"
#: 16 May 2022, 10:00 New York time, in epoch milliseconds.
START_AT = 1_652_709_600_000

SPEAKERS: dict[str, Speaker] = {
    "p1": Speaker("Amina Diallo", "Migrant Forum in Asia", Constituency.MIGRANT_ASSOCIATION, "p1"),
    "p2": Speaker(
        "Bruno Silva", "City of São Paulo", Constituency.LOCAL_AND_REGIONAL_AUTHORITIES, "p2"
    ),
    "p3": Speaker("Chen Wei", "Fudan University", Constituency.ACADEMIA, "p3"),
    "p4": Speaker("Dara Okafor", "ITUC", Constituency.TRADE_UNION, "p4"),
}
PARTICIPANT_IDS = tuple(SPEAKERS)

MODERATOR = Actor(Role.MODERATOR, EVENT_ID)
DISPLAY = Actor(Role.DISPLAY, EVENT_ID)
BOOTH = Actor(Role.BOOTH, EVENT_ID)


def delegate(participant_id: str) -> Actor:
    return Actor(Role.DELEGATE, EVENT_ID, participant_id)


class Floor:
    """One hearing driven through the pure core, with a fake clock and a kept event log."""

    #: the participants registered (a subclass may register them otherwise)
    speakers: dict[str, Speaker] = SPEAKERS

    def __init__(self, now: int = START_AT) -> None:
        self.state = HearingState(EVENT_ID)
        self.now = now
        self.log: list[Event] = []
        self.segment_id = ""
        self._ids = itertools.count(1)
        # the registry the commands read: a copy, as a test may correct a participant in it
        self.speakers: dict[str, Speaker] = dict(type(self).speakers)
        #: who a person is across registrations (the engine's ``person_key``); None: by id only
        self.person_key: Callable[[str, str], Hashable] | None = None

    def same_person(self, participant_id: str) -> list[str]:
        """The other registrations of ``participant_id``'s person, as ``person_key`` tells."""
        assert self.person_key is not None
        speakers = self.speakers
        me = self.person_key(speakers[participant_id].name, speakers[participant_id].organisation)
        return [
            other
            for other, speaker in speakers.items()
            if other != participant_id and self.person_key(speaker.name, speaker.organisation) == me
        ]

    # --- running commands -----------------------------------------------------------------------

    def new_id(self) -> str:
        return f"id{next(self._ids)}"

    def context(self, actor: Actor) -> Context:
        return Context(
            now=self.now,
            actor=actor,
            new_id=self.new_id,
            speakers=self.speakers,
            same_person=self.same_person if self.person_key is not None else None,
        )

    def decide(
        self,
        command: Any,
        actor: Actor = MODERATOR,
        segment_id: str | None = None,
        base_version: int | None = None,
    ) -> list[Event]:
        segment_id = segment_id or self.segment_id
        return decide(self.state, segment_id, command, self.context(actor), base_version)

    def send(
        self,
        command: Any,
        actor: Actor = MODERATOR,
        segment_id: str | None = None,
        base_version: int | None = None,
    ) -> list[Event]:
        """Decide and fold, as the engine does; returns the events."""
        events = self.decide(command, actor, segment_id, base_version)
        for event in events:
            self.state = apply(self.state, event)
        self.log.extend(events)
        return events

    def refuse(
        self,
        command: Any,
        code: str,
        actor: Actor = MODERATOR,
        segment_id: str | None = None,
        base_version: int | None = None,
        error: type[FloorError] = FloorError,
    ) -> FloorError:
        """Assert that the command is refused with ``code`` and that nothing changed."""
        before = self.state
        with pytest.raises(error) as caught:
            self.send(command, actor, segment_id, base_version)
        assert caught.value.code == code, caught.value.message
        assert self.state is before
        return caught.value

    def tick(self, ms: int) -> None:
        self.now += ms

    # --- shortcuts ------------------------------------------------------------------------------

    def create_segment(self, title: str = "Thematic discussion I", **details: Any) -> str:
        # segment_created, then segment_updated for the others if the programme is renumbered
        created, *_ = self.send(c.CreateSegment(title=title, **details), ORGANISER)
        self.segment_id = self.segment_id or created.segment_id
        return created.segment_id

    def request(
        self, participant_id: str, kind: TurnKind = TurnKind.INTERVENTION, note: str = ""
    ) -> str:
        requested = self.send(c.RequestFloor(kind=kind, note=note), delegate(participant_id))[0]
        assert isinstance(requested, FloorRequested)
        return requested.request_id

    def approve(self, request_id: str, position: int | None = None) -> str:
        (approved,) = self.send(c.ApproveRequest(request_id=request_id, position=position))
        assert isinstance(approved, RequestApproved)
        return approved.entry.id

    def queued(
        self, participant_id: str, kind: TurnKind = TurnKind.INTERVENTION, note: str = ""
    ) -> str:
        """Request and approve: returns the request id."""
        request_id = self.request(participant_id, kind, note)
        if self.seg.requests[request_id].status is RequestStatus.PENDING:
            self.approve(request_id)
        return request_id

    def add(self, name: str, **fields: Any) -> str:
        (added,) = self.send(c.AddSpeaker(name=name, **fields))
        assert isinstance(added, EntryAdded)
        return added.entry.id

    # --- looking ------------------------------------------------------------------------------

    def segment(self, segment_id: str | None = None) -> SegmentState:
        return self.state.segments[segment_id or self.segment_id]

    @property
    def seg(self) -> SegmentState:
        return self.segment()

    @property
    def version(self) -> int:
        return self.seg.version

    def names(self) -> list[str]:
        return [entry.speaker.name for entry in self.seg.queue]

    def kinds(self) -> list[TurnKind]:
        return [entry.kind for entry in self.seg.queue]

    def entry(self, entry_id: str) -> QueueEntry:
        index = self.seg.entry_index(entry_id)
        assert index is not None, f"{entry_id} is not in the queue"
        return self.seg.queue[index]

    def req(self, request_id: str) -> FloorRequest:
        return self.seg.requests[request_id]

    def status(self, request_id: str) -> RequestStatus:
        return self.req(request_id).status

    @property
    def timer(self) -> Timer:
        assert self.seg.current is not None, "nobody has the floor"
        return self.seg.current.timer

    @property
    def remaining(self) -> int:
        """What the speaker clock shows now."""
        return self.timer.remaining_at(self.now)

    def view(self, audience: Audience = Audience.MODERATOR) -> dict[str, Any]:
        return view(self.seg, audience)

    def mine(self, participant_id: str) -> list[dict[str, Any]]:
        return own_requests(self.seg, participant_id)


def live_floor(mode: FloorMode = FloorMode.MODERATED, **details: Any) -> Floor:
    """A hearing with one segment, started."""
    floor = Floor()
    floor.create_segment(**details)
    floor.send(c.StartSegment())
    if mode is not FloorMode.MODERATED:
        floor.send(c.SetFloorMode(mode=mode))
    return floor


@pytest.fixture
def floor() -> Floor:
    """A live segment in moderated mode (requests wait for the moderator)."""
    return live_floor()


@pytest.fixture
def open_floor() -> Floor:
    """A live segment in open mode (requests go straight into the queue)."""
    return live_floor(FloorMode.OPEN)


@pytest.fixture
def scheduled() -> Floor:
    """A segment in the programme that has not started."""
    floor = Floor()
    floor.create_segment()
    return floor


# --- checks shared by the property and stateful tests ------------------------------------------


def in_order(segment: SegmentState) -> list[FloorRequest]:
    """Every request of the segment, in the order they were made (``requests`` is unordered)."""
    return sorted(segment.requests.values(), key=lambda request: request.number)


def replay(log: list[Event]) -> HearingState:
    """Fold the log from scratch, through its JSON form, as a restart would."""
    return apply_all(HearingState(EVENT_ID), [event_from_json(event_to_json(e)) for e in log])


def audience_documents(segment: SegmentState) -> Iterator[tuple[str, Any]]:
    """Every document a screen keeps for a segment: the three views and each delegate's list."""
    for audience in Audience:
        yield audience.value, view(segment, audience)
    for participant_id in PARTICIPANT_IDS:
        yield f"mine:{participant_id}", own_requests(segment, participant_id)


def assert_patches_replay(before: SegmentState | None, after: SegmentState) -> None:
    """The patch of each document turns the old document into the new one."""
    old = dict(audience_documents(before)) if before is not None else {}
    for name, new in audience_documents(after):
        start = old.get(name, [] if name.startswith("mine:") else {})
        ops = diff(start, new)
        assert apply_patch(copy.deepcopy(start), ops) == new, (name, ops)


# --- random actions: one command, its actor and what it points at -----------------------------


@dataclass(frozen=True)
class Action:
    """A random command, with picks (indexes) resolved against the state when it runs."""

    type: str
    segment: int = 0
    who: int = 0
    pick: int = 0
    number: int = 0
    kind: TurnKind = TurnKind.INTERVENTION
    by_owner: bool = True
    stale: bool = False


#: Command types for random runs, repeated to weight the queue and turns (create is excluded:
#: the runs keep the segments they were given).
ACTION_TYPES = (
    ["request_floor"] * 6
    + ["withdraw_request"] * 2
    + ["approve_request"] * 5
    + ["decline_request"] * 2
    + ["add_speaker"] * 3
    + ["move_entry"] * 2
    + ["remove_entry", "undo", "undo"]
    + ["call_next"] * 4
    + ["end_turn", "start_timer", "start_timer", "pause_timer", "resume_timer"]
    + ["adjust_time", "adjust_time", "reset_timer"]
    + ["set_floor_mode", "close_list", "reopen_list", "set_queue_cap"]
    + ["set_default_time", "set_thresholds", "set_message", "clear_message"]
    + ["set_start_timer_on_call"]
    + ["readd_last_speaker", "edit_entry", "edit_entry", "interpose", "interpose"]
    + ["set_notes", "set_points_of_order"]
    + ["start_segment", "start_segment", "end_segment", "update_segment"]
    + ["apply_order", "apply_order", "set_queue_times", "set_budget", "carry_queue"]
    + ["raise_signal", "clear_signal", "correct_speaker", "announce_resumption"]
)


def actions_of(types: list[str]) -> st.SearchStrategy[Action]:
    """Random actions of the given command types."""
    return st.builds(
        Action,
        type=st.sampled_from(types),
        segment=st.sampled_from([0, 0, 0, 1]),  # mostly the segment that starts live
        who=st.integers(0, len(PARTICIPANT_IDS) - 1),
        pick=st.integers(0, 30),
        number=st.integers(-5, 12),
        kind=st.sampled_from(list(TurnKind)),
        by_owner=st.booleans(),
        stale=st.sampled_from([False] * 11 + [True]),
    )


actions = actions_of(ACTION_TYPES)


def _pick(items: list[str], index: int) -> str:
    return items[index % len(items)] if items else "missing"


def says_skipped(action: Action) -> bool:
    """Whether an action ends the turn as skipped: now and then the speaker did not speak."""
    return action.type in ("call_next", "end_turn") and action.pick % 5 == 0


def adjust_delta(action: Action) -> int:
    """The time an ``adjust_time`` action adds (or, when negative, takes away)."""
    return action.number * 20_000 or 5_000


def build(floor: Floor, action: Action, segment_id: str) -> tuple[Any, Actor]:
    """The command an action stands for, and who sends it."""
    segment = floor.segment(segment_id)
    requests = [r.id for r in in_order(segment)]
    pending = list(segment.pending_ids)
    entries = [entry.id for entry in segment.queue]
    participant = PARTICIPANT_IDS[action.who]
    requestable = action.kind if action.kind in REQUESTABLE_KINDS else TurnKind.INTERVENTION
    position = action.number if action.number >= 0 else None
    minutes = (abs(action.number) % 5 + 1) * 30_000
    match action.type:
        case "request_floor":
            return c.RequestFloor(kind=requestable, note=f" n{action.pick} "), delegate(participant)
        case "withdraw_request":
            request_id = _pick(requests, action.pick)
            owner = segment.requests[request_id].speaker.participant_id if requests else None
            if action.by_owner:
                actor = delegate(owner or participant)
            else:
                actor = MODERATOR if action.pick % 2 else delegate(participant)
            return c.WithdrawRequest(request_id=request_id), actor
        case "approve_request":
            return c.ApproveRequest(request_id=_pick(pending, action.pick), position=position), (
                MODERATOR
            )
        case "decline_request":
            return c.DeclineRequest(request_id=_pick(pending, action.pick), reason="off topic"), (
                MODERATOR
            )
        case "add_speaker":
            if action.by_owner:
                command = c.AddSpeaker(participant_id=participant, kind=action.kind)
            else:
                command = c.AddSpeaker(name=f"Guest {action.pick}", kind=action.kind)
            return command.model_copy(update={"position": position}), MODERATOR
        case "move_entry":
            return c.MoveEntry(entry_id=_pick(entries, action.pick), position=abs(action.number)), (
                MODERATOR
            )
        case "remove_entry":
            return c.RemoveEntry(entry_id=_pick(entries, action.pick)), MODERATOR
        case "edit_entry":
            edit = c.EditEntry(
                entry_id=_pick(entries, action.pick),
                kind=action.kind if action.pick % 3 == 0 else None,
                duration_ms=minutes if action.pick % 3 == 1 else None,
                note=f"n{action.number}" if action.by_owner else None,
            )
            return edit, MODERATOR
        case "readd_last_speaker":
            return c.ReaddLastSpeaker(duration_ms=minutes if action.by_owner else None), MODERATOR
        case "interpose":
            kind = TurnKind.ANSWER if action.pick % 2 else TurnKind.QUESTION
            if action.by_owner:
                interpose = c.Interpose(participant_id=participant, kind=kind)
            else:
                interpose = c.Interpose(name=f"Guest {action.pick}", kind=kind, duration_ms=minutes)
            return interpose, MODERATOR
        case "set_notes":
            return c.SetNotes(text=f"notes {action.pick % 3}" if action.number else ""), MODERATOR
        case "set_points_of_order":
            return c.SetPointsOfOrder(enabled=action.by_owner), MODERATOR
        case "adjust_time":
            return c.AdjustTime(delta_ms=adjust_delta(action)), MODERATOR
        case "set_floor_mode":
            mode = FloorMode.OPEN if action.by_owner else FloorMode.MODERATED
            return c.SetFloorMode(mode=mode), MODERATOR
        case "set_queue_cap":
            cap = action.number if action.number > 0 else None
            return c.SetQueueCap(cap=cap), MODERATOR
        case "set_default_time":
            return c.SetDefaultTime(kind=action.kind, duration_ms=minutes), MODERATOR
        case "set_thresholds":
            return c.SetThresholds(warning_ms=minutes, danger_ms=minutes // 3), MODERATOR
        case "set_message":
            return c.SetMessage(text=f"please conclude {action.pick % 3}"), MODERATOR
        case "set_start_timer_on_call":
            return c.SetStartTimerOnCall(enabled=action.by_owner), MODERATOR
        case "call_next":
            return c.CallNext(skipped=says_skipped(action)), MODERATOR
        case "end_turn":
            return c.EndTurn(skipped=says_skipped(action)), MODERATOR
        case "update_segment":
            # now and then the segment made a break (its resumption may then be announced)
            made = "break" if action.number % 4 == 3 else "discussion"
            return c.UpdateSegment(title=f"Thematic discussion {action.pick % 3}", kind=made), (
                MODERATOR
            )
        case "announce_resumption":
            # to come, withdrawn, or (refused) already past
            at = None if action.pick % 3 == 0 else floor.now + (action.number % 5) * 60_000
            return c.AnnounceResumption(at=at), MODERATOR
        case "apply_order":
            ids = entries if action.by_owner else pending
            turn = action.pick % len(ids) if ids else 0
            order = ids[turn:] + ids[:turn]  # a rotation; now and then one short (refused)
            order = order[:-1] if action.number < 0 and len(order) > 1 else order
            scope = "queue" if action.by_owner else "requests"
            return c.ApplyOrder(scope=scope, order=order or ["missing"]), MODERATOR
        case "set_queue_times":
            return c.SetQueueTimes(duration_ms=minutes), MODERATOR
        case "set_budget":
            constituency = list(Constituency)[action.pick % 4]
            budget = minutes * 4 if action.number >= 0 else None
            return c.SetBudget(constituency=constituency, budget_ms=budget), MODERATOR
        case "carry_queue":
            others = [s for s in floor.state.segments if s != segment_id]
            target = others[0] if others and action.by_owner else None
            return c.CarryQueue(to_segment_id=target), MODERATOR
        case "correct_speaker":
            # the secretariat corrects the registry (now and then back as it was), then the floor
            registered = SPEAKERS[participant]
            name = registered.name if action.by_owner else f"{registered.name} {action.pick % 3}"
            floor.speakers[participant] = replace(registered, name=name)
            return c.CorrectSpeaker(participant_id=participant), MODERATOR
        case "raise_signal":
            signal_kind = list(SignalKind)[action.pick % 3]
            return c.RaiseSignal(kind=signal_kind, duration_s=5 + action.pick * 10), BOOTH
        case "clear_signal":
            signals = [signal.id for signal in segment.signals]
            signal_id = _pick(signals, action.pick) if action.by_owner else None
            return c.ClearSignal(signal_id=signal_id), BOOTH if action.pick % 2 else MODERATOR
        case other:
            command_class = {
                "undo": c.Undo,
                "start_timer": c.StartTimer,
                "pause_timer": c.PauseTimer,
                "resume_timer": c.ResumeTimer,
                "reset_timer": c.ResetTimer,
                "close_list": c.CloseList,
                "reopen_list": c.ReopenList,
                "clear_message": c.ClearMessage,
                "start_segment": c.StartSegment,
                "end_segment": c.EndSegment,
            }[other]
            return command_class(), MODERATOR


def perform(floor: Floor, action: Action, segment_ids: list[str]) -> list[Event] | FloorError:
    """Run an action; a refusal is a legal outcome and is returned, not raised."""
    segment_id = segment_ids[action.segment % len(segment_ids)]
    command, actor = build(floor, action, segment_id)
    version = floor.segment(segment_id).version
    stale = version - 1 if action.stale else None
    try:
        return floor.send(command, actor, segment_id, base_version=stale)
    except FloorError as refusal:
        if stale is not None:  # a stale command is refused before any rule is consulted
            assert isinstance(refusal, StaleVersion), refusal
        return refusal
