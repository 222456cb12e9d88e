"""Snapshots: a segment's state (and a meeting day's outcome) at a version, so that a start reads
the newest snapshot and the log after it instead of folding the whole log.

A snapshot is a cache of the fold, never the truth (the log is): it is written after the events
it holds are committed, by a background task (``Snapshotter``: every ``EVERY`` events of a
segment, and once a segment has ended), and a start that finds none, or none of this code's
``schema_version``, folds the log as before. Rows of another schema version are left alone (a
rolled-back deploy finds its own) and never read: a snapshot built by other code could hold a
state that code's fold would not have made (AxonFramework#566).

The schema version and the codec (how a state is written as bytes and read back) are in
``app/snapshot_codec.py``: its code is part of the schema version's hash, this module's is
not, so a change to when snapshots are taken or how they are loaded leaves the ones already
written in use.

``load_hearings`` is what ``Engine.load`` runs: per meeting day, the newest valid snapshot of
each segment and of the outcome, the log rows after them (one query, in the log's order), the
participants, and the commands' ids and body hashes (their results are read when a retry asks:
``KnownResults``). Meeting days dated before today (in their own time zone) are not read at all
until something touches them (``LazyHearing``), or until ``Snapshotter`` warms them in the
background after the start.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .floor import HearingState, SegmentState, apply
from .floor import contributions as o
from .floor import events as e
from .floor.model import SegmentStatus, Speaker
from .hearing import Hearing
from .registry import Registry
from .snapshot_codec import DeltaCache, collector_paused, decode, encode, schema_version
from .store import Store
from .store import snapshots as sql
from .store.tables import EventRow, ParticipantRow
from .tasks import cancel_and_wait

if TYPE_CHECKING:
    from .hub import Stamps


log = logging.getLogger("floorkeeper.snapshots")

#: A segment (or the outcome) is snapshotted again once this many events were folded since.
EVERY = 1_000
#: How often the background task looks for segments to snapshot (seconds).
INTERVAL_S = 1.0


# --- loading ------------------------------------------------------------------------------------


class KnownResults(dict[str, tuple[str, dict[str, Any]]]):
    """The commands answered for a meeting day (command id → body hash, result), for dedupe: the
    ids read at the start, a command's body hash and result read from the database when a retry
    first asks for it (one query by primary key, on the caller's thread: retries are few). ``in``,
    ``get`` and ``[]`` answer for every command; iterating reads every result first."""

    def __init__(self, store: Store, event_id: str, ids: set[str]) -> None:
        super().__init__()
        self._store = store
        self._event_id = event_id
        self._unread = ids

    def _read(self, command_id: str) -> tuple[str, dict[str, Any]] | None:
        if command_id not in self._unread:
            return None
        found = sql.command_result(self._store, self._event_id, command_id)
        self._unread.discard(command_id)
        if found is not None:
            super().__setitem__(command_id, found)
        return found

    def __contains__(self, command_id: object) -> bool:
        return super().__contains__(command_id) or command_id in self._unread

    def get(self, command_id: str, default: Any = None) -> Any:
        if super().__contains__(command_id):
            return super().__getitem__(command_id)
        found = self._read(command_id)
        return default if found is None else found

    def __getitem__(self, command_id: str) -> tuple[str, dict[str, Any]]:
        found = self.get(command_id)
        if found is None:
            raise KeyError(command_id)
        return found  # type: ignore[no-any-return]

    def __setitem__(self, command_id: str, value: tuple[str, dict[str, Any]]) -> None:
        self._unread.discard(command_id)
        super().__setitem__(command_id, value)

    def setdefault(
        self, command_id: str, value: tuple[str, dict[str, Any]]
    ) -> tuple[str, dict[str, Any]]:
        """A result learnt elsewhere (another process's write): the same as the stored one, so
        an unread one is taken as it is, without a query."""
        if super().__contains__(command_id):
            return super().__getitem__(command_id)
        self[command_id] = value
        return value

    def __len__(self) -> int:
        return super().__len__() + len(self._unread)

    def __eq__(self, other: object) -> bool:
        """Equal as the dicts of every command's result (those not read yet are read first)."""
        self._read_all()
        if isinstance(other, KnownResults):
            other._read_all()
        return dict.__eq__(self, other)

    def _read_all(self) -> None:
        for command_id in list(self._unread):
            self._read(command_id)

    def __iter__(self) -> Iterator[str]:
        self._read_all()
        return super().__iter__()

    def keys(self) -> Any:
        self._read_all()
        return super().keys()

    def values(self) -> Any:
        self._read_all()
        return super().values()

    def items(self) -> Any:
        self._read_all()
        return super().items()


SpeakerOf = Callable[[ParticipantRow], Speaker]


@dataclasses.dataclass
class Loaded:
    """What a start read of one meeting day: its hearing, and how (for the log and the bench)."""

    hearing: Hearing
    #: segment id (and the outcome's stream id) → the version of the snapshot it started from
    snapshots: dict[str, int]
    #: log rows folded on top of the snapshots
    folded: int


def load_hearing(
    store: Store, row: EventRow, speaker_of: SpeakerOf, stamps: Stamps | None = None
) -> Loaded:
    """One meeting day from its newest valid snapshots and the log after them (a full replay of a
    segment whose snapshot cannot be read or does not fit its log); ``stamps``: the stamp of each
    stream's version noted there (app/hub.py: one query of the rows at those versions)."""
    version = schema_version()
    stream = o.stream_id(row.id)
    stored = sql.newest_snapshots(store, row.id, version)
    segments: dict[str, SegmentState] = {}
    order: dict[str, int] = {}
    outcome = o.OutcomeState(event_id=row.id)
    used: dict[str, int] = {}
    for snapshot in stored:
        try:
            state = decode(snapshot.state)
        except Exception as error:  # a cache: read the log instead
            log.warning(
                "the snapshot of %s at version %d could not be read (%s): folding its log",
                snapshot.segment_id,
                snapshot.version,
                error,
            )
            continue
        if snapshot.segment_id == stream and isinstance(state, o.OutcomeState):
            outcome = state
        elif isinstance(state, SegmentState) and state.id == snapshot.segment_id:
            segments[state.id] = state
            order[state.id] = snapshot.segment_seq
        else:
            log.warning("the snapshot of %s holds another state: folding its log", stream)
            continue
        used[snapshot.segment_id] = snapshot.version
    tail = sql.log_after(store, row.id, used)
    try:
        state, outcome = _fold_tail(row.id, segments, order, outcome, tail)
    except _DoesNotFit as error:  # snapshots that do not fit the log: the log wins
        log.warning("%s: folding the whole log of %s", error, row.id)
        used = {}
        everything = sql.log_after(store, row.id, {})
        skips: list[str] = []
        state, outcome = _fold_tail(
            row.id, {}, {}, o.OutcomeState(event_id=row.id), everything, strict=False, skips=skips
        )
        tail = []
        if skips and stamps is not None:  # the log itself skips versions: said, and in health
            stamps.gap(row.id, skips[0])
    hearing = Hearing(event=row, state=state, outcome=outcome)
    if stamps is not None:
        note_stamps(store, hearing, stamps)
    hearing.speakers = Registry((p.id, speaker_of(p)) for p in store.participants(row.id))
    hearing.results = KnownResults(store, row.id, sql.command_ids(store, row.id))
    return Loaded(hearing, used, len(tail))


def note_stamps(store: Store, hearing: Hearing, stamps: Stamps) -> None:
    """Note the stamp of each stream's version (its segments', its outcome's) from the log rows
    written at those versions."""
    versions = {sid: segment.version for sid, segment in hearing.state.segments.items()}
    if hearing.outcome.version:
        versions[o.stream_id(hearing.event.id)] = hearing.outcome.version
    stamps.note(store.log_rows_at(hearing.event.id, versions))


class _DoesNotFit(Exception):
    pass


def _fold_tail(
    event_id: str,
    segments: dict[str, SegmentState],
    order: dict[str, int],
    outcome: o.OutcomeState,
    tail: list[sql.TailRow],
    strict: bool = True,
    skips: list[str] | None = None,
) -> tuple[HearingState, o.OutcomeState]:
    """Fold the log rows after the snapshots, in the log's order; ``strict``: each row must be
    its segment's next version (a snapshot that does not fit its log raises ``_DoesNotFit``)."""
    stream = o.stream_id(event_id)
    state = HearingState(event_id=event_id, segments=dict(segments))
    for row in tail:
        if row.segment_id == stream:
            if row.version != outcome.version + 1:
                if strict:
                    raise _DoesNotFit(
                        f"the outcome is at {outcome.version}, its log at {row.version}"
                    )
                if skips is not None:
                    skips.append(f"{row.segment_id}: version {row.version} after {outcome.version}")
            outcome = o.apply(outcome, o.event_from_json(row.payload))
            continue
        event = e.event_from_json(row.payload)
        before = state.segments.get(row.segment_id)
        expected = 1 if before is None else before.version + 1
        if row.version != expected:
            if strict:
                raise _DoesNotFit(
                    f"segment {row.segment_id} expects version {expected}, not {row.version}"
                )
            if skips is not None:
                skips.append(f"{row.segment_id}: version {row.version} after {expected - 1}")
        if before is None:
            order[row.segment_id] = row.seq
        state = apply(state, event)
    ordered = sorted(state.segments, key=lambda segment_id: order.get(segment_id, 0))
    if list(state.segments) != ordered:
        state = dataclasses.replace(
            state, segments={segment_id: state.segments[segment_id] for segment_id in ordered}
        )
    return state, outcome


class LazyHearing(Hearing):
    """A meeting day of a past date: its event row at once, everything else (the fold, the
    participants, the commands) read the first time anything asks for it, on the thread that
    asks, or earlier by ``Snapshotter.warm`` in a worker thread."""

    _LAZY = ("state", "outcome", "speakers", "results")

    def __init__(
        self, row: EventRow, store: Store, speaker_of: SpeakerOf, stamps: Stamps | None = None
    ) -> None:
        super().__init__(event=row, state=HearingState(event_id=row.id))
        for name in self._LAZY:
            delattr(self, name)
        self._store = store
        self._speaker_of = speaker_of
        self._stamps = stamps
        self.loaded = False

    def __getattr__(self, name: str) -> Any:
        if name in LazyHearing._LAZY and not self.__dict__.get("loaded", True):
            loaded = load_hearing(self._store, self.event, self._speaker_of, self._stamps)
            self.install(loaded.hearing)
            return getattr(self, name)
        raise AttributeError(name)

    def install(self, loaded: Hearing) -> None:
        """Take what was read (on the event loop's thread, once)."""
        if self.loaded:
            return
        for name in self._LAZY:
            setattr(self, name, getattr(loaded, name))
        self.loaded = True


def is_past(row: EventRow, today: dt.date | None = None) -> bool:
    """Whether a meeting day is dated before today in its own time zone (no date: not past)."""
    try:
        day = dt.date.fromisoformat(row.date)
    except ValueError:
        return False
    if today is None:
        try:
            zone: dt.tzinfo = ZoneInfo(row.timezone)
        except Exception:
            zone = dt.UTC
        today = dt.datetime.now(zone).date()
    return day < today


def load_hearings(
    store: Store,
    speaker_of: SpeakerOf,
    today: dt.date | None = None,
    rows: Iterable[EventRow] | None = None,
    stamps: Stamps | None = None,
) -> dict[str, Hearing]:
    """Every meeting day (``rows``: those, already read), in the order they were made: today's
    and those without a date from their snapshots and the log after them, past ones lazily
    (``LazyHearing``)."""
    hearings: dict[str, Hearing] = {}
    started = time.perf_counter()
    folded = snapshotted = 0
    for row in store.events() if rows is None else rows:
        if is_past(row, today):
            hearings[row.id] = LazyHearing(row, store, speaker_of, stamps)
            continue
        with collector_paused():
            loaded = load_hearing(store, row, speaker_of, stamps)
        hearings[row.id] = loaded.hearing
        folded += loaded.folded
        snapshotted += len(loaded.snapshots)
    lazy = sum(isinstance(hearing, LazyHearing) for hearing in hearings.values())
    log.info(
        "loaded %d meeting days in %.2f s (%d from %d snapshots and %d log rows after them); "
        "%d past ones load on first use",
        len(hearings) - lazy,
        time.perf_counter() - started,
        len(hearings) - lazy,
        snapshotted,
        folded,
        lazy,
    )
    return hearings


# --- taking them --------------------------------------------------------------------------------


class Snapshotter:
    """Takes snapshots in the background: once a second it looks at every meeting day in memory
    and snapshots, in a worker thread, each segment that has folded ``every`` events since its
    last snapshot or has ended since, and the outcome on the same terms (a day's outcome also when
    one of its segments ends). It reads ``Hearing.state``, the durable state: every version it
    writes is committed. Then it loads the past days nobody has asked for yet, one at a time.

    A failure is logged (one line, no traceback: the snapshot is a cache) and tried again on the
    next round."""

    def __init__(
        self,
        store: Store,
        hearings: Mapping[str, Hearing],
        clock: Callable[[], int],
        every: int = EVERY,
        interval_s: float = INTERVAL_S,
    ) -> None:
        self.store = store
        self.hearings = hearings
        self.clock = clock
        self.every = every
        self.interval_s = interval_s
        self.schema = schema_version()
        #: segment (or outcome stream) id → the newest version snapshotted
        self.taken: dict[str, int] = {}
        self._caches: dict[str, DeltaCache] = {}
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            await cancel_and_wait([task])

    async def _run(self) -> None:
        try:
            self.taken.update(
                await asyncio.to_thread(sql.snapshot_versions, self.store, self.schema)
            )
        except Exception as error:
            log.warning("could not read which snapshots exist (%s)", error)
        while True:
            await self.round()
            await self.warm()
            await asyncio.sleep(self.interval_s)

    def due(self) -> list[tuple[str, SegmentState | o.OutcomeState]]:
        """What to snapshot now: (event id, state) of segments and outcomes past their threshold."""
        due: list[tuple[str, SegmentState | o.OutcomeState]] = []
        for event_id, hearing in list(self.hearings.items()):
            if isinstance(hearing, LazyHearing) and not hearing.loaded:
                continue
            ended = False
            for segment in hearing.state.segments.values():
                taken = self.taken.get(segment.id, 0)
                if segment.version <= taken:
                    continue
                over = segment.status is SegmentStatus.ENDED
                ended = ended or over
                if over or segment.version - taken >= self.every:
                    due.append((event_id, segment))
            outcome = hearing.outcome
            taken = self.taken.get(o.stream_id(event_id), 0)
            if outcome.version > taken and (ended or outcome.version - taken >= self.every):
                due.append((event_id, outcome))
        return due

    async def round(self) -> int:
        """Take the snapshots that are due; how many were written."""
        written = 0
        for event_id, state in self.due():
            try:
                await asyncio.to_thread(self._take, event_id, state)
            except Exception as error:
                if not self._failing:
                    log.warning("a snapshot could not be written (%s); trying again", error)
                self._failing = True
                return written
            self._failing = False
            written += 1
        return written

    def _take(self, event_id: str, state: SegmentState | o.OutcomeState) -> None:
        if isinstance(state, SegmentState):
            segment_id, seq = state.id, sql.segment_seq(self.store, state.id)
        else:
            segment_id, seq = o.stream_id(event_id), 0
        cache = self._caches.setdefault(segment_id, DeltaCache())
        data = encode(state, cache)
        previous = self.taken.get(segment_id, 0)
        sql.write_snapshot(
            self.store,
            event_id=event_id,
            segment_id=segment_id,
            version=state.version,
            schema_version=self.schema,
            segment_seq=seq,
            state=data,
            created_at=self.clock(),
            keep_from=previous or state.version,
        )
        self.taken[segment_id] = max(previous, state.version)

    async def warm(self) -> None:
        """Load one past meeting day nobody has asked for yet, in a worker thread."""
        for hearing in list(self.hearings.values()):
            if isinstance(hearing, LazyHearing) and not hearing.loaded:
                loaded = await asyncio.to_thread(
                    load_hearing,
                    hearing._store,
                    hearing.event,
                    hearing._speaker_of,
                    hearing._stamps,
                )
                hearing.install(loaded.hearing)
                return
