"""The snapshot codec: a segment's (or an outcome's) state as bytes and back, and the schema
version those bytes belong to (``app/snapshots.py`` takes, keeps and reads the snapshots).

**The schema version** is derived, not written by hand: a hash of the syntax trees (comments
and docstrings left out) of the modules whose code makes or reads the state: ``floor/model.py``
(its shape), ``floor/events.py``, ``floor/fold.py`` and ``floor/corrections.py`` (the fold),
``floor/contributions.py`` (the outcome's shape and fold) and this module (the codec). Changing
any of their code makes the old snapshots unused (the first start after it folds the log once,
then snapshots are taken again in the background); changing a comment does not. When snapshots
are taken, how they are found and loaded, and the tasks around them (``app/snapshots.py``) are
not in the hash: changing them leaves the snapshots already written in use.

**The codec** is a hand-written one to JSON (orjson, then zlib): no pickle, no class named by
the data. It walks the frozen dataclasses by their type hints: every dataclass instance (and
every ``immutables.Map``) is written once into a table and referred to by its index, so what is
shared in memory is shared after decoding too. That matters beyond size: the fold compares
floor requests by identity (``_restore``: a request unchanged since the undo entry was kept is
the same object), so a decoded state folds on exactly as the original would. The undo stack
keeps the requests as they were before each of its (up to 50) commands: each of those maps is
written as its difference from the next newer one (the newest from the segment's own), a few
requests each rather than all of them 50 times over. Speakers are written once per value.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import gc
import hashlib
import os
import threading
import types
import typing
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import orjson
from immutables import Map

from .floor import SegmentState, model
from .floor import contributions as o
from .floor import events as e
from .floor.model import DEFAULT_TIMES_MS, Speaker, UndoEntry

# --- the schema version -------------------------------------------------------------------------

_SOURCES = (
    Path(model.__file__),
    Path(e.__file__),
    Path(model.__file__).with_name("fold.py"),
    Path(model.__file__).with_name("corrections.py"),
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
