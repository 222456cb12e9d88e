"""Snapshots: a segment's state (and a meeting day's outcome) at a version, so that a start reads
the newest snapshot and the log after it instead of folding the whole log.

A snapshot is a cache of the fold, never the truth (the log is): it is written after the events
it holds are committed, by a background task (``Snapshotter``: every ``EVERY`` events of a
segment, and once a segment has ended), and a start that finds none, or none of this code's
``schema_version``, folds the log as before. Rows of another schema version are left alone (a
rolled-back deploy finds its own) and never read: a snapshot built by other code could hold a
state that code's fold would not have made (AxonFramework#566).

**The schema version** is derived, not written by hand: a hash of the syntax trees (comments
and docstrings left out) of the modules whose code makes or reads the state: ``floor/model.py``
(its shape), ``floor/events.py`` and ``floor/fold.py`` (the fold), ``floor/contributions.py``
(the outcome's shape and fold) and this module (the codec). Changing any of their code makes the
old snapshots unused (the first start after it folds the log once, then snapshots are taken
again in the background); changing a comment does not.

**The codec** is a hand-written one to JSON (orjson, then zlib): no pickle, no class named by
the data. It walks the frozen dataclasses by their type hints: every dataclass instance (and
every ``immutables.Map``) is written once into a table and referred to by its index, so what is
shared in memory is shared after decoding too. That matters beyond size: the fold compares
floor requests by identity (``_restore``: a request unchanged since the undo entry was kept is
the same object), so a decoded state folds on exactly as the original would. The undo stack
keeps the requests as they were before each of its (up to 50) commands: each of those maps is
written as its difference from the next newer one (the newest from the segment's own), a few
requests each rather than all of them 50 times over. Speakers are written once per value.

``load_hearings`` is what ``Engine.load`` runs: per meeting day, the newest valid snapshot of
each segment and of the outcome, the log rows after them (one query, in the log's order), the
participants, and the commands' ids and body hashes (their results are read when a retry asks:
``KnownResults``). Meeting days dated before today (in their own time zone) are not read at all
until something touches them (``LazyHearing``), or until ``Snapshotter`` warms them in the
background after the start.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import logging
import os
import threading
import time
import types
import typing
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import orjson
from immutables import Map

from .floor import HearingState, SegmentState, apply, model
from .floor import contributions as o
from .floor import events as e
from .floor.model import DEFAULT_TIMES_MS, SegmentStatus, Speaker, UndoEntry
from .hearing import Hearing
from .store import Store
from .store import snapshots as sql
from .store.tables import EventRow, ParticipantRow
from .tasks import cancel_and_wait

log = logging.getLogger("floorkeeper.snapshots")

#: A segment (or the outcome) is snapshotted again once this many events were folded since.
EVERY = 1_000
#: How often the background task looks for segments to snapshot (seconds).
INTERVAL_S = 1.0

# --- the schema version -------------------------------------------------------------------------

_SOURCES = (
    Path(model.__file__),
    Path(e.__file__),
    Path(model.__file__).with_name("fold.py"),
    Path(o.__file__),
    Path(__file__),
)
_schema_version: str | None = None
#: where a derived schema version is kept between starts
_KEPT = Path(__file__).with_name("__pycache__")


def _code_of(source: str) -> str:
    """A module's syntax tree without docstrings (comments are not in it)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False)


def schema_version(sources: Iterable[Path] = _SOURCES) -> str:
    """The running code's schema version: ``s1-`` and 16 hex digits of the hash of the fold's and
    the state's code (see the module's docstring)."""
    global _schema_version
    if sources is _SOURCES and _schema_version is not None:
        return _schema_version
    texts = [(path.name, path.read_text(encoding="utf-8")) for path in sources]
    # parsing the sources costs ~0.25 s of every start: the result is kept beside the bytecode,
    # under the hash of the sources as they are (any change, even a comment, parses them again)
    raw = hashlib.sha256(repr(texts).encode()).hexdigest()
    kept = _KEPT / f"schema-version-{raw[:32]}.txt" if sources is _SOURCES else None
    with contextlib.suppress(OSError):
        cached = kept.read_text(encoding="ascii").strip() if kept else ""
        if cached.startswith("s1-"):
            _schema_version = cached
            return cached
    digest = hashlib.sha256()
    for name, text in texts:
        digest.update(name.encode())
        digest.update(_code_of(text).encode())
    version = "s1-" + digest.hexdigest()[:16]
    if kept is not None:
        with contextlib.suppress(OSError):  # a read-only install: parsed at each start
            kept.parent.mkdir(exist_ok=True)
            partial = kept.with_suffix(f".{os.getpid()}.part")
            partial.write_text(version, encoding="ascii")
            partial.replace(kept)
    if sources is _SOURCES:
        _schema_version = version
    return version


# --- the codec ----------------------------------------------------------------------------------
# Field kinds: how a field's value is written and read back.
_PLAIN = 0  # str, int, bool, None: as it is
_ENUM = 1  # an enum (or None): its value
_REF = 2  # a dataclass (or None): the index of its row in the table
_REFS = 3  # a tuple of dataclasses: their indexes
_TUPLE = 4  # a tuple of plain values or enums
_MAPPING = 5  # a read-only mapping (Settings' times and budgets): its pairs
_MAP = 6  # an immutables.Map: the index of its row

_DEFAULT_TIMES = "default_times"
#: Dataclasses written once per value, not per object (their identity means nothing).
_BY_VALUE = (Speaker, o.Author)


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    kind: int
    #: the enum of an _ENUM or _TUPLE field (None: plain); a _MAPPING's key enum; a _MAP's kind
    enum: type[Enum] | None = None
    #: a _MAP's values: "ref" (dataclasses), "tuple" (tuples of plain values) or "plain"
    values: str = "plain"


_PLANS: dict[type, tuple[_Field, ...]] = {}
_CLASSES: dict[str, type] = {}


def _strip_none(tp: Any) -> Any:
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
        return args
    return tp


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _kind_of(name: str, tp: Any) -> _Field:
    inner = _strip_none(tp)
    if isinstance(inner, list):  # a union of dataclasses (UndoEntry | Inverse)
        if all(_is_dataclass_type(arg) for arg in inner):
            for arg in inner:
                _plan(arg)
            return _Field(name, _REF)
        raise TypeError(f"snapshots cannot write {name}: {tp}")
    if inner in (str, int, bool, float, type(None)):
        return _Field(name, _PLAIN)
    if isinstance(inner, type) and issubclass(inner, Enum):
        return _Field(name, _ENUM, inner)
    if _is_dataclass_type(inner):
        _plan(inner)
        return _Field(name, _REF)
    origin = typing.get_origin(inner)
    args = typing.get_args(inner)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        element = _strip_none(args[0])
        if _is_dataclass_type(element) or isinstance(element, list):
            _kind_of(name, args[0])  # plans the classes
            return _Field(name, _REFS)
        if isinstance(element, type) and issubclass(element, Enum):
            return _Field(name, _TUPLE, element)
        if element in (str, int, bool):
            return _Field(name, _TUPLE)
    if origin is Map and len(args) == 2 and args[0] is str:
        value = _strip_none(args[1])
        if _is_dataclass_type(value):
            _plan(value)
            return _Field(name, _MAP, values="ref")
        if typing.get_origin(value) is tuple and typing.get_args(value)[0] in (str, int):
            return _Field(name, _MAP, values="tuple")
        if value in (str, int, bool):
            return _Field(name, _MAP, values="plain")
    if origin is Mapping and len(args) == 2 and args[1] in (int, str):
        key = args[0]
        if isinstance(key, type) and issubclass(key, Enum):
            return _Field(name, _MAPPING, key)
        if key is str:
            return _Field(name, _MAPPING)
    raise TypeError(f"snapshots cannot write {name}: {tp}")


def _plan(cls: type) -> tuple[_Field, ...]:
    """How each field of a dataclass is written (from its type hints), in the fields' order."""
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    _PLANS[cls] = ()  # a class that refers to itself is planned once
    known = _CLASSES.setdefault(cls.__name__, cls)
    if known is not cls:
        raise TypeError(f"two dataclasses named {cls.__name__}: snapshots name rows by class")
    hints = typing.get_type_hints(cls)
    plan = tuple(_kind_of(field.name, hints[field.name]) for field in dataclasses.fields(cls))
    _PLANS[cls] = plan
    return plan


_plan(SegmentState)
_plan(o.OutcomeState)

T = TypeVar("T")
_MISSING: Any = object()


@dataclasses.dataclass
class DeltaCache:
    """The differences between maps already computed, by the maps' identities: the undo stack's
    maps stay the same objects from one snapshot to the next, so only the newest entries' cost
    a pass over the requests. Used by one thread at a time (one ``Snapshotter`` per process)."""

    deltas: dict[tuple[int, int], tuple[Map[Any, Any], Map[Any, Any], list[Any], list[Any]]] = (
        dataclasses.field(default_factory=dict)
    )
    used: set[tuple[int, int]] = dataclasses.field(default_factory=set)

    def delta(
        self, newer: Map[Any, Any], older: Map[Any, Any], by_identity: bool
    ) -> tuple[list[Any], list[tuple[Any, Any]]]:
        """How to make ``older`` from ``newer``: the keys to drop, and the (key, value) to set."""
        key = (id(older), id(newer))
        self.used.add(key)
        known = self.deltas.get(key)
        if known is not None:
            return known[2], known[3]
        absent: list[Any] = []
        changed: list[tuple[Any, Any]] = []
        for name, value in newer.items():
            was = older.get(name, _MISSING)
            if was is _MISSING:
                absent.append(name)
            elif was is not value and (by_identity or was != value):
                changed.append((name, was))
        if len(older) != len(newer) - len(absent):
            changed.extend((name, was) for name, was in older.items() if name not in newer)
        self.deltas[key] = (older, newer, absent, changed)
        return absent, changed

    def forget_unused(self) -> None:
        self.deltas = {key: value for key, value in self.deltas.items() if key in self.used}
        self.used = set()


class _Writer:
    def __init__(self, cache: DeltaCache | None) -> None:
        self.rows: list[Any] = []
        self.by_id: dict[int, int] = {}
        self.by_value: dict[Any, int] = {}
        self.cache = cache if cache is not None else DeltaCache()

    def ref(self, obj: Any) -> int:
        index = self.by_id.get(id(obj))
        if index is not None:
            return index
        cls = type(obj)
        by_value = cls in _BY_VALUE
        if by_value:
            index = self.by_value.get(obj)
            if index is not None:
                self.by_id[id(obj)] = index
                return index
        if cls is SegmentState:
            self._undo_maps(obj)
        writes = _ENCODERS.get(cls)
        if writes is None:
            raise TypeError(f"snapshots cannot write a {cls.__name__}")
        row = writes(obj, self)
        index = len(self.rows)
        self.rows.append(row)
        self.by_id[id(obj)] = index
        if by_value:
            self.by_value[obj] = index
        return index

    def refs(self, items: Iterable[Any]) -> list[int]:
        return [self.ref(item) for item in items]

    def map(self, value: Map[Any, Any], values: str, base: Map[Any, Any] | None = None) -> int:
        index = self.by_id.get(id(value))
        if index is not None:
            return index
        item = self.ref if values == "ref" else (list if values == "tuple" else _same)
        if base is None:
            row: list[Any] = ["Map", values, -1, [], [[k, item(v)] for k, v in value.items()]]
        else:
            absent, changed = self.cache.delta(base, value, by_identity=values == "ref")
            row = ["Map", values, self.by_id[id(base)], absent, [[k, item(v)] for k, v in changed]]
        index = len(self.rows)
        self.rows.append(row)
        self.by_id[id(value)] = index
        return index

    def _undo_maps(self, segment: SegmentState) -> None:
        """The undo stack's maps, newest first, each as its difference from the next newer one
        (written before the stack's entries, which then refer to them)."""
        requests, shown = segment.requests, segment.request_ids_of
        self.map(requests, "ref")
        self.map(shown, "tuple")
        for entry in reversed(segment.undo_stack):
            if isinstance(entry, UndoEntry):
                self.map(entry.requests, "ref", base=requests)
                self.map(entry.request_ids_of, "tuple", base=shown)
                requests, shown = entry.requests, entry.request_ids_of


def _same(value: T) -> T:
    return value


def _mapping_out(value: Mapping[Any, Any]) -> Any:
    if value is DEFAULT_TIMES_MS:
        return _DEFAULT_TIMES
    shape = "p" if isinstance(value, types.MappingProxyType) else "d"
    return [shape, [[k, v] for k, v in value.items()]]


def _mapping_in(value: Any, members: Mapping[Any, Any] | None) -> Any:
    if value == _DEFAULT_TIMES:
        return DEFAULT_TIMES_MS
    shape, pairs = value
    items = {(members[k] if members is not None else k): v for k, v in pairs}
    return types.MappingProxyType(items) if shape == "p" else items


# Each class's writer and reader are generated from its plan (the field kinds above, nothing
# from the data), so that writing or reading a row is one call with no loop over its fields:
# 50,000 floor requests are read in a fifth of the time a loop over the plan took.
_Encoder = Callable[[Any, _Writer], list[Any]]
_Decoder = Callable[[list[Any], list[Any]], Any]
_ENCODERS: dict[type, _Encoder] = {}
_DECODERS: dict[str, _Decoder] = {}


def _generate(cls: type) -> tuple[_Encoder, _Decoder]:
    plan = _PLANS[cls]
    names: dict[str, Any] = {
        "cls": cls,
        "_mapping_out": _mapping_out,
        "_mapping_in": _mapping_in,
        "tuple": tuple,
        "list": list,
    }
    out: list[str] = [repr(cls.__name__)]
    back: list[str] = []
    for position, field in enumerate(plan, start=1):
        get, item = f"o.{field.name}", f"r[{position}]"
        members = f"E{position}"
        if field.enum is not None:
            names[members] = field.enum._value2member_map_
        kind = field.kind
        if kind in (_PLAIN, _ENUM):
            out.append(get)
        elif kind == _REF:
            out.append(f"(None if {get} is None else w.ref({get}))")
        elif kind == _REFS:
            out.append(f"w.refs({get})")
        elif kind == _TUPLE:
            out.append(f"list({get})")
        elif kind == _MAPPING:
            out.append(f"_mapping_out({get})")
        elif kind == _MAP:
            out.append(f"w.map({get}, {field.values!r})")
        if kind == _PLAIN:
            back.append(item)
        elif kind == _ENUM:
            back.append(f"(None if {item} is None else {members}[{item}])")
        elif kind in (_REF, _MAP):
            back.append(f"(None if {item} is None else rows[{item}])")
        elif kind == _REFS:
            back.append(f"tuple([rows[i] for i in {item}])")
        elif kind == _TUPLE and field.enum is not None:
            back.append(f"tuple([{members}[v] for v in {item}])")
        elif kind == _TUPLE:
            back.append(f"tuple({item})")
        elif kind == _MAPPING:
            back.append(f"_mapping_in({item}, {members if field.enum is not None else None})")
    source = (
        f"def write(o, w):\n    return [{', '.join(out)}]\n"
        f"def read(r, rows):\n    return cls({', '.join(back)})\n"
    )
    exec(compile(source, f"<snapshot codec of {cls.__name__}>", "exec"), names)
    return names["write"], names["read"]


for _cls in _PLANS:
    _ENCODERS[_cls], _DECODERS[_cls.__name__] = _generate(_cls)


def _decode_map(row: list[Any], rows: list[Any]) -> Map[Any, Any]:
    _, values, base, absent, pairs = row
    if values == "ref":
        pairs = [(key, rows[index]) for key, index in pairs]
    elif values == "tuple":
        pairs = [(key, tuple(value)) for key, value in pairs]
    if base < 0:
        return Map(pairs)
    mutation = rows[base].mutate()
    for key in absent:
        del mutation[key]
    for key, value in pairs:
        mutation[key] = value
    result: Map[Any, Any] = mutation.finish()
    return result


_DECODERS["Map"] = _decode_map


def encode(state: SegmentState | o.OutcomeState, cache: DeltaCache | None = None) -> bytes:
    """A segment's (or an outcome's) state as a snapshot's bytes."""
    writer = _Writer(cache)
    root = writer.ref(state)
    if cache is not None:
        cache.forget_unused()
    return zlib.compress(orjson.dumps({"rows": writer.rows, "root": root}), 1)


def decode(data: bytes) -> Any:
    """The state a snapshot's bytes hold (a ``SegmentState`` or an ``OutcomeState``)."""
    with collector_paused():
        document = orjson.loads(zlib.decompress(data))
        rows: list[Any] = []
        for row in document["rows"]:
            rows.append(_DECODERS[row[0]](row, rows))
        return rows[document["root"]]


_paused = 0
_paused_lock = threading.Lock()
_was_enabled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused meanwhile: reading a snapshot or a log makes
    hundreds of thousands of objects that live on, and the collections their allocations set
    off (each looking at every object made so far) took half the time. Nothing of it is
    garbage, so nothing is missed; the collector runs again afterwards."""
    global _paused, _was_enabled
    with _paused_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


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


def load_hearing(store: Store, row: EventRow, speaker_of: SpeakerOf) -> Loaded:
    """One meeting day from its newest valid snapshots and the log after them (a full replay of a
    segment whose snapshot cannot be read or does not fit its log)."""
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
        state, outcome = _fold_tail(
            row.id, {}, {}, o.OutcomeState(event_id=row.id), everything, strict=False
        )
        tail = []
    hearing = Hearing(event=row, state=state, outcome=outcome)
    hearing.speakers = {p.id: speaker_of(p) for p in store.participants(row.id)}
    hearing.results = KnownResults(store, row.id, sql.command_ids(store, row.id))
    return Loaded(hearing, used, len(tail))


class _DoesNotFit(Exception):
    pass


def _fold_tail(
    event_id: str,
    segments: dict[str, SegmentState],
    order: dict[str, int],
    outcome: o.OutcomeState,
    tail: list[sql.TailRow],
    strict: bool = True,
) -> tuple[HearingState, o.OutcomeState]:
    """Fold the log rows after the snapshots, in the log's order; ``strict``: each row must be
    its segment's next version (a snapshot that does not fit its log raises ``_DoesNotFit``)."""
    stream = o.stream_id(event_id)
    state = HearingState(event_id=event_id, segments=dict(segments))
    for row in tail:
        if row.segment_id == stream:
            if strict and row.version != outcome.version + 1:
                raise _DoesNotFit(f"the outcome is at {outcome.version}, its log at {row.version}")
            outcome = o.apply(outcome, o.event_from_json(row.payload))
            continue
        event = e.event_from_json(row.payload)
        before = state.segments.get(row.segment_id)
        expected = 1 if before is None else before.version + 1
        if strict and row.version != expected:
            raise _DoesNotFit(
                f"segment {row.segment_id} expects version {expected}, not {row.version}"
            )
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

    def __init__(self, row: EventRow, store: Store, speaker_of: SpeakerOf) -> None:
        super().__init__(event=row, state=HearingState(event_id=row.id))
        for name in self._LAZY:
            delattr(self, name)
        self._store = store
        self._speaker_of = speaker_of
        self.loaded = False

    def __getattr__(self, name: str) -> Any:
        if name in LazyHearing._LAZY and not self.__dict__.get("loaded", True):
            self.install(load_hearing(self._store, self.event, self._speaker_of).hearing)
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
) -> dict[str, Hearing]:
    """Every meeting day (``rows``: those, already read), in the order they were made: today's
    and those without a date from their snapshots and the log after them, past ones lazily
    (``LazyHearing``)."""
    hearings: dict[str, Hearing] = {}
    started = time.perf_counter()
    folded = snapshotted = 0
    for row in store.events() if rows is None else rows:
        if is_past(row, today):
            hearings[row.id] = LazyHearing(row, store, speaker_of)
            continue
        with collector_paused():
            loaded = load_hearing(store, row, speaker_of)
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
                    load_hearing, hearing._store, hearing.event, hearing._speaker_of
                )
                hearing.install(loaded.hearing)
                return
