"""The state of the floor: plain, immutable values folded from events.

Instants are epoch milliseconds (``*_at``); durations are milliseconds (``*_ms``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from immutables import Map

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS


class TurnKind(StrEnum):
    PANELLIST = "panellist"
    INTERVENTION = "intervention"
    POINT_OF_ORDER = "point_of_order"
    RIGHT_OF_REPLY = "right_of_reply"
    MODERATOR_SUMMARY = "moderator_summary"
    REMARKS = "remarks"
    #: an interposed question, and a panellist's answer (``interpose``): they pause the turn
    #: speaking and hand the floor back to it when they end
    QUESTION = "question"
    ANSWER = "answer"


#: The turns "give each" (``set_queue_times``) leaves as they are: a point of order and a right
#: of reply have their own length (the schedule's time each counts them so too).
KEEPS_ITS_TIME = frozenset({TurnKind.POINT_OF_ORDER, TurnKind.RIGHT_OF_REPLY})


#: The kinds a participant may ask for from the floor.
REQUESTABLE_KINDS = (TurnKind.INTERVENTION, TurnKind.POINT_OF_ORDER, TurnKind.RIGHT_OF_REPLY)

DEFAULT_TIMES_MS: Mapping[TurnKind, int] = MappingProxyType(
    {
        TurnKind.PANELLIST: 5 * MINUTE_MS,
        TurnKind.INTERVENTION: 3 * MINUTE_MS,
        TurnKind.POINT_OF_ORDER: 1 * MINUTE_MS,
        TurnKind.RIGHT_OF_REPLY: 2 * MINUTE_MS,
        TurnKind.MODERATOR_SUMMARY: 5 * MINUTE_MS,
        TurnKind.REMARKS: 5 * MINUTE_MS,
        TurnKind.QUESTION: 1 * MINUTE_MS,
        TurnKind.ANSWER: 2 * MINUTE_MS,
    }
)


class Constituency(StrEnum):
    MIGRANT_ASSOCIATION = "migrant_association"
    LOCAL_AND_REGIONAL_AUTHORITIES = "local_and_regional_authorities"
    CIVIL_SOCIETY = "civil_society"
    MIGRANT_AND_DIASPORA_ORGANISATION = "migrant_and_diaspora_organisation"
    ACADEMIA = "academia"
    PRIVATE_SECTOR = "private_sector"
    TRADE_UNION = "trade_union"
    PARLIAMENTARIAN = "parliamentarian"
    NATIONAL_HUMAN_RIGHTS_INSTITUTION = "national_human_rights_institution"
    FAITH_BASED_ORGANISATION = "faith_based_organisation"
    RED_CROSS_RED_CRESCENT = "red_cross_red_crescent"
    MEDIA = "media"
    HUMAN_RIGHTS_MECHANISM = "human_rights_mechanism"
    MEMBER_STATE = "member_state"
    UN_SYSTEM = "un_system"
    OTHER = "other"


class Language(StrEnum):
    ARABIC = "ar"
    CHINESE = "zh"
    ENGLISH = "en"
    FRENCH = "fr"
    RUSSIAN = "ru"
    SPANISH = "es"


class FloorLanguage(StrEnum):
    """The language someone takes the floor in: one of the six, or another (interpreted relay)."""

    ARABIC = "ar"
    CHINESE = "zh"
    ENGLISH = "en"
    FRENCH = "fr"
    RUSSIAN = "ru"
    SPANISH = "es"
    OTHER = "other"


class Gender(StrEnum):
    """Self-declared and optional (None: not stated)."""

    WOMAN = "woman"
    MAN = "man"
    ANOTHER = "another"


class SignalKind(StrEnum):
    """What the interpreters' booth can ask of the floor (``raise_signal``)."""

    SLOW_DOWN = "slow_down"
    NO_SOUND = "no_sound"
    MIC_OFF = "mic_off"


class Attendance(StrEnum):
    IN_ROOM = "in_room"
    REMOTE = "remote"


class FloorMode(StrEnum):
    MODERATED = "moderated"
    OPEN = "open"


class SegmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class RequestStatus(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    SPEAKING = "speaking"
    SPOKEN = "spoken"
    SKIPPED = "skipped"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"


#: Statuses in which a request still holds the participant's place in a segment.
OPEN_REQUEST_STATUSES = frozenset({RequestStatus.PENDING, RequestStatus.QUEUED})
#: Statuses in which a request is still in play (a delegate is always shown these).
LIVE_REQUEST_STATUSES = frozenset({*OPEN_REQUEST_STATUSES, RequestStatus.SPEAKING})
#: How many of a delegate's closed requests (spoken, declined, withdrawn...) they are shown, the
#: newest first: their face shows the last one; older ones stay in ``requests`` and in the log.
SHOWN_CLOSED_REQUESTS = 5


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who speaks. Screens show the name, organisation, constituency, floor language and whether
    they speak remotely; the region and gender are for the console, the balance and the record
    (``Speech``), which organisers read. The later fields have defaults, so a log written before
    them still folds."""

    name: str
    organisation: str = ""
    constituency: Constituency = Constituency.OTHER
    participant_id: str | None = None
    region: str = ""
    attendance: Attendance = Attendance.IN_ROOM
    #: the language they take the floor in (None: not known, e.g. a guest or an older log)
    language: FloorLanguage | None = None
    #: self-declared, optional (None: not stated)
    gender: Gender | None = None


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One turn waiting in the speaking queue."""

    id: str
    speaker: Speaker
    kind: TurnKind
    allotted_ms: int
    request_id: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class FloorRequest:
    id: str
    speaker: Speaker
    kind: TurnKind
    note: str
    status: RequestStatus
    requested_at: int
    reason: str = ""
    entry_id: str | None = None
    #: the order the segment received it in (0 for its first request)
    number: int = 0
    #: the segment it was carried to when this one ended (``carry_queue``): it goes on there
    carried_to: str | None = None


@dataclass(frozen=True, slots=True)
class Timer:
    """A speaking timer stored as facts; nothing ticks.

    While running, ``deadline_at`` is the instant the time runs out. While idle or paused,
    ``remaining_ms`` is the time left. ``started_at`` is the first start (the speech's start).
    """

    allotted_ms: int
    added_ms: int = 0
    running: bool = False
    deadline_at: int | None = None
    remaining_ms: int | None = None
    started_at: int | None = None

    @property
    def total_ms(self) -> int:
        return self.allotted_ms + self.added_ms

    def remaining_at(self, now: int) -> int:
        if self.running:
            assert self.deadline_at is not None
            return self.deadline_at - now
        return self.total_ms if self.remaining_ms is None else self.remaining_ms

    @property
    def state(self) -> str:
        if self.running:
            return "running"
        return "idle" if self.started_at is None else "paused"


@dataclass(frozen=True, slots=True)
class Turn:
    """The current speaker and their timer, with the facts the record needs beyond the countdown.

    ``timer`` is the countdown the screens show: a reset starts it afresh. The turn keeps what a
    reset must not lose: when the floor was given (``called_at``), when its timer first started
    (``timer_started_at``) and the time the timer had run before its resets (``timed_before_ms``).

    An interposed turn (a question or an answer, ``interpose``) names the turn it interrupted
    (``interposed_in``) and, an answer to an interposed question, that question (``answers``):
    entry ids. The interrupted turn waits in ``SegmentState.paused``, since ``interposed_at``;
    ``interposed_ms`` is the time others held the floor in it before (not counted as its own).

    ``suspended_ms`` is the time the segment stood ended during the turn, an end taken back by
    undo (``change_undone``, or ``segment_started`` bringing a segment back), or the turn itself
    stood ended (``call_next`` by mistake, ``end_turn``, taken back): not its own either.
    It is counted in ``interposed_until`` as the time interposed turns held the floor is (a turn
    on the floor: in ``interposed_ms``; a paused one: since ``interposed_at``), and the record
    sets it apart (``Speech.suspended_ms``).
    """

    entry: QueueEntry
    timer: Timer
    called_at: int = 0
    timer_started_at: int | None = None
    timed_before_ms: int = 0
    interposed_in: str | None = None
    answers: str | None = None
    interposed_at: int | None = None
    interposed_ms: int = 0
    suspended_ms: int = 0
    #: when and by whom this turn was last given the floor (called, interposed, or given it back
    #: after an interposed turn: the events' ``by``); None when not known (an older log)
    given_at: int = 0
    given_by: str | None = None

    def timed_at(self, now: int) -> int:
        """The time on the timer so far: running time summed across pauses and resets."""
        timer = self.timer
        run = 0 if timer.started_at is None else timer.total_ms - timer.remaining_at(now)
        return self.timed_before_ms + run

    def interposed_until(self, now: int) -> int:
        """The time interposed turns have held the floor in this turn so far (with the time the
        segment stood ended in it, ``suspended_ms``)."""
        since = 0 if self.interposed_at is None else now - self.interposed_at
        return self.interposed_ms + since

    def suspended(self, gap_ms: int) -> Turn:
        """This turn as it takes the floor back after the segment stood ended ``gap_ms`` (an end
        undone): a running timer counts on from the time it had left (its deadline moves by the
        gap), a paused or idle one keeps its time, and the gap is not the turn's own time."""
        if gap_ms <= 0:
            return self
        timer = self.timer
        if timer.running and timer.deadline_at is not None:
            timer = replace(timer, deadline_at=timer.deadline_at + gap_ms)
        interposed = self.interposed_ms
        if self.interposed_at is None:  # on the floor: a paused turn counts it since its pause
            interposed += gap_ms
        return replace(
            self,
            timer=timer,
            interposed_ms=interposed,
            suspended_ms=self.suspended_ms + gap_ms,
        )


@dataclass(frozen=True, slots=True)
class Unheard:
    """A speaker still waiting when their segment ended, who left its queue unheard: carried to
    another segment (``carried_to``, its id), or dropped (None). The record lists them."""

    entry: QueueEntry
    carried_to: str | None = None


@dataclass(frozen=True, slots=True)
class Speech:
    """One turn given, timed or not: the record of who held the floor, when, for how long.

    ``held_ms`` (``ended_at - called_at - interposed_ms - suspended_ms``) is the time holding the
    floor,
    whatever the countdown did; ``timed_ms`` the time on the timer (running time summed across
    pauses and resets); ``allotted_ms`` the time allotted plus any added or removed (at the end of
    the turn); ``overrun_ms`` how far ``timed_ms`` went past ``allotted_ms``. ``skipped``: the
    speaker was called but did not speak (the moderator ended or passed the turn as skipped).
    ``interposed_ms``: the time interposed turns held the floor while this one waited;
    ``interposed_in``: the entry id of the turn this interposed turn interrupted; ``answers``:
    the entry id of the interposed question this answer answered (both null otherwise).
    ``suspended_ms``: the time set apart by an undo: the segment stood ended during the turn, or
    the turn did (the next speaker called by mistake, its end), then taken back (not the turn's
    own, nor counted in ``timed_ms``). The last four have defaults, so a log
    written before them still folds.
    """

    entry_id: str
    speaker: Speaker
    kind: TurnKind
    allotted_ms: int
    called_at: int
    timer_started_at: int | None
    ended_at: int
    held_ms: int
    timed_ms: int
    overrun_ms: int
    skipped: bool = False
    request_id: str | None = None
    interposed_ms: int = 0
    interposed_in: str | None = None
    answers: str | None = None
    suspended_ms: int = 0

    @property
    def started_at(self) -> int:
        """When the speech started, as the record read before every turn was in it: the timer's
        first start, or the call when the timer never ran (REST ``SpeechOut.started_at``)."""
        return self.called_at if self.timer_started_at is None else self.timer_started_at

    @property
    def spoken_ms(self) -> int:
        """The time on the timer (``timed_ms``), by its earlier name (REST ``SpeechOut``)."""
        return self.timed_ms


@dataclass(frozen=True, slots=True)
class LegacySpeech:
    """A speech as ``turn_ended`` recorded it before every turn was in the record (only timed
    turns; no call instant). Folding converts it to a ``Speech`` with the turn's ``called_at``."""

    entry_id: str
    speaker: Speaker
    kind: TurnKind
    allotted_ms: int
    started_at: int
    ended_at: int
    spoken_ms: int
    overrun_ms: int
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    floor_mode: FloorMode = FloorMode.MODERATED
    list_open: bool = True
    queue_cap: int | None = None
    warning_ms: int = 30_000
    danger_ms: int = 10_000
    #: call_next also starts the new speaker's timer (one command, undone as one)
    start_timer_on_call: bool = False
    #: delegates may ask for points of order (off: ``request_floor`` refuses them)
    points_of_order: bool = True
    default_times_ms: Mapping[TurnKind, int] = field(default_factory=lambda: DEFAULT_TIMES_MS)
    #: optional time budgets per constituency (``app/floor/balance.py``): the time its speakers
    #: may hold the floor in this segment, points of order and replies not charged
    budgets_ms: Mapping[Constituency, int] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Signal:
    """A signal from the interpreters' booth, shown on the speaker clock and the console until
    ``expires_at`` or until it is cleared (screens hide it at ``expires_at`` by their estimate of
    the server clock, as they count a timer down: nothing on the server ticks)."""

    id: str
    kind: SignalKind
    raised_at: int
    expires_at: int


#: The kind of a segment that is a break (lunch, coffee): nobody asks for the floor in it, and it
#: lasts as long as planned (app/floor/possible.py, app/floor/schedule.py).
BREAK_KIND = "break"


@dataclass(frozen=True, slots=True)
class SegmentDetails:
    title: str
    kind: str = "discussion"
    aim: str = ""
    moderator: str = ""
    scheduled_start_at: int | None = None
    scheduled_end_at: int | None = None
    position: int = 0

    @property
    def is_break(self) -> bool:
        return self.kind == BREAK_KIND


@dataclass(frozen=True, slots=True)
class UndoEntry:
    """One console command that can be taken back: the floor as it was before it.

    Pushed by the command's first event (the one that carries its ``undo`` mark); its later events
    add the requests they change to ``touched``. Undo restores every part kept here and the
    touched requests (folded from ``change_undone``: nothing is computed from a clock). The parts
    are the state's own immutable values, so keeping them costs a few references, not a copy.
    """

    version: int
    #: the command's type (``call_next``) and what the console calls it (``calling next``)
    command: str
    label: str
    status: SegmentStatus
    actual_start_at: int | None
    actual_end_at: int | None
    settings: Settings
    queue: tuple[QueueEntry, ...]
    current: Turn | None
    message: str
    speeches: tuple[Speech, ...]
    #: the requests, their index by participant and the pending ones, as they were
    requests: Map[str, FloorRequest]
    request_ids_of: Map[str, tuple[str, ...]]
    #: the ids of the requests the command changed (undo puts back ``requests[id]`` for these)
    touched: tuple[str, ...] = ()
    #: why it can no longer be taken back, a ``possible.UNDO_REASONS`` reason: something nobody
    #: at the console did has changed the floor since (the segment ended as another started, a
    #: request was withdrawn), or the import made it; "" if nothing. ``blocked_name``: whom the
    #: reason names ("" if no one)
    blocked: str = ""
    #: the turn an interposed turn had paused, and the moderator's private notes, as they were
    paused: Turn | None = None
    notes: str = ""
    #: whom the command concerns (``UndoMark.subject``): "" when no one in particular
    subject: str = ""
    blocked_name: str = ""
    #: a ``start_segment``: the segment it ended (``SegmentStarted.supersedes``), which undoing
    #: it brings back; None: it ended none (or a log written before it was kept)
    supersedes: str | None = None


@dataclass(frozen=True, slots=True)
class Superseded:
    """A live segment's floor as another segment's start ended it (``start_segment``, or an undo
    there that made that one live again): what undoing that start gives back (``segment_started``
    with ``brought_back_by``). Kept from the first event of that ending, folded from the state
    before it; dropped when the segment starts again.

    The turns on the floor are kept as they were; the record's speeches and the requests their
    ending changed are found in the state (what the ending added is after the first
    ``speeches``), so a speaker corrected since comes back corrected.
    """

    #: the segment whose start ended it, and when
    by: str
    at: int
    #: the version its first ending event made: undo entries of a later version were made on
    #: the ended segment since
    version: int
    current: Turn | None
    paused: Turn | None
    message: str
    #: how many speeches the record held before the ending recorded the turns on the floor
    speeches: int
    #: the requests the speakers on the floor were shown (``request_ids_of``), as they were
    shown: Map[str, tuple[str, ...]] = field(default_factory=Map)
    #: the undo entry the ending kept from being taken back (``ended``), if it did: its version
    blocked_version: int | None = None
    #: an ``UNDO_REASONS`` reason that has held that entry back since (the queue carried away, a
    #: request withdrawn), and whom it names: it keeps holding it back once the floor is back
    blocked_since: str = ""
    blocked_since_name: str = ""


@dataclass(frozen=True, slots=True)
class Inverse:
    """How to take back one queue change, as logs written before undo was exact made them.

    Folding an old log's queue change (an event without an ``undo`` mark) pushes one of these,
    so that its ``change_undone`` events fold as they did; new commands push ``UndoEntry``.
    """

    version: int
    label: str
    remove_entry_id: str | None = None
    insert_entry: QueueEntry | None = None
    insert_index: int = 0
    move_entry_id: str | None = None
    move_index: int = 0
    request_id: str | None = None
    request_status_now: RequestStatus | None = None
    request_status_before: RequestStatus | None = None


@dataclass(frozen=True, slots=True)
class SegmentState:
    id: str
    event_id: str
    version: int
    details: SegmentDetails
    status: SegmentStatus = SegmentStatus.SCHEDULED
    actual_start_at: int | None = None
    actual_end_at: int | None = None
    settings: Settings = field(default_factory=Settings)
    queue: tuple[QueueEntry, ...] = ()
    #: every floor request of the segment, by id. A persistent map (a HAMT): folding an event
    #: that changes one request shares everything else with the state before, so it costs
    #: O(log n), not a copy of n requests. Unordered: read it in order through the indexes below.
    requests: Map[str, FloorRequest] = field(default_factory=Map)
    #: participant id → the ids of the requests they are shown, in the order they were made: all
    #: their live ones and their ``SHOWN_CLOSED_REQUESTS`` newest closed ones (an index of
    #: ``requests``, so that a delegate's own requests are found without reading everyone's, and
    #: stay few however many a delegate has made and withdrawn)
    request_ids_of: Map[str, tuple[str, ...]] = field(default_factory=Map)
    #: the ids of the pending requests, in the order they were made (what the moderator decides on)
    pending_ids: tuple[str, ...] = ()
    current: Turn | None = None
    #: the turn an interposed question or answer (``current``) interrupted: it takes the floor
    #: back when that ends, its timer as it was (paused, or idle if it never ran)
    paused: Turn | None = None
    message: str = ""
    #: the moderator's private notes for this segment (only the moderator view shows them)
    notes: str = ""
    #: the record of the turns given, in the order they ENDED (``turn_ended`` appends one): an
    #: interposed question and answer end before the turn they interrupted. Read it in the order
    #: the turns were called, as the record is numbered, through ``record.in_call_order``.
    speeches: tuple[Speech, ...] = ()
    #: the speakers who left the queue unheard when the segment ended (``queue_carried``), in
    #: queue order: the record lists them after the turns given
    unheard: tuple[Unheard, ...] = ()
    undo_stack: tuple[UndoEntry | Inverse, ...] = ()
    #: its floor as another segment's start ended it, while it stays ended: undoing that start
    #: brings it back (None: not ended so, or started again since)
    superseded: Superseded | None = None
    #: the booth's signals (at most one per kind), not part of the floor: undo leaves them be
    signals: tuple[Signal, ...] = ()
    #: taken out of the programme before it ever ran (``remove_segment``): no command reaches
    #: it, no screen lists it; kept, with its version, so that its stream's log stays whole
    removed: bool = False
    #: a break's resumption as the moderator announced it (``announce_resumption``), epoch ms:
    #: said instead of the next segment's scheduled start; None: as the programme says
    resumes_at: int | None = None

    def requests_of(self, participant_id: str) -> list[FloorRequest]:
        """The requests a participant is shown (``request_ids_of``), in the order they made them."""
        return [self.requests[rid] for rid in self.request_ids_of.get(participant_id, ())]

    def pending_requests(self) -> list[FloorRequest]:
        """The pending requests, in the order they were made."""
        return [self.requests[rid] for rid in self.pending_ids]

    def entry_index(self, entry_id: str) -> int | None:
        for index, entry in enumerate(self.queue):
            if entry.id == entry_id:
                return index
        return None


@dataclass(frozen=True, slots=True)
class HearingState:
    """All segments of one meeting day: the unit the engine serialises commands on."""

    event_id: str
    segments: Mapping[str, SegmentState] = field(default_factory=dict)

    def programme(self) -> list[SegmentState]:
        """The segments of the programme, in its order (a segment taken out is not one)."""
        return sorted(
            (segment for segment in self.segments.values() if not segment.removed),
            key=lambda s: (s.details.position, s.details.scheduled_start_at or 0),
        )

    @property
    def live_segment_id(self) -> str | None:
        for segment in self.segments.values():
            if segment.status is SegmentStatus.LIVE:
                return segment.id
        return None
