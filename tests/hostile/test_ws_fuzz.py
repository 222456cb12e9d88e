"""Hostile WebSocket frames against a real ``floorkeeper serve``, while the room keeps working.

A delegate's phone and a moderator's console, both signed in, send whatever Hypothesis makes:
JSON of every shape, frames with the wrong types for the known fields, unknown types, text that is
not JSON, binary frames, invalid UTF-8, frames around the 64 KiB and 128 KiB limits, fragmented
frames. Every bad frame must get an ``error`` frame that names the problem (and the socket stays
open and answers a ping), or, for what the transport refuses, a close with the RFC code (1009 too
big, 1007 not UTF-8): never 1011, never an ``internal`` error, never a dead server. Throughout, a
room display follows the event; after every example a moderator's command must reach it, and the
two fuzzing sockets too.

A second test sends the same garbage as the first frame of a fresh socket, where the server must
answer with an error frame and close with 4400 (4401 for an unknown token).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeAlias

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.config import Limits

from ..e2e.server import ORGANISER_KEY, Api, Feed, ServerProcess

LIMIT = 64 * 1024  # the app's own limit: a frame_too_large error, the socket stays open
TRANSPORT_LIMIT = 128 * 1024  # uvicorn's ws_max_size under floorkeeper serve: close 1009
NO_LIMITS = {f"FLOORKEEPER_{item.name.upper()}": "0" for item in fields(Limits)}
#: What the server sends a socket unasked, between a frame and its answer: the state, and the
#: console's instruments (0.2 s after a change, every 15 s while a segment is live) and the
#: outcome's changes, which arrive whenever their timer or a commit says, not in answer order
STATE_FRAMES = {
    "update",
    "mine",
    "programme",
    "snapshot",
    "synced",
    "instruments",
    "outcome",
    "outcome_update",
}
WAIT = 10.0  # seconds for any one expected frame (a loaded CI machine is slow, not broken)
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


# --- frames and what the server must answer ------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """What to send, and what must come back: an error ``code`` (one of ``codes``), a ``pong``
    echoing ``t``, or a close with ``close``."""

    payload: str | bytes | list[str]
    text: bool = True
    codes: frozenset[str] = frozenset()
    close: int | None = None
    pong: bool = False
    t: Any = None
    command_id: Any = None
    strict_echo: bool = True

    def __repr__(self) -> str:
        shown = self.payload if len(self.payload) < 300 else f"<{len(self.payload)} long>"
        return f"Frame({shown!r}, text={self.text}, codes={set(self.codes)}, close={self.close})"


def _error(*codes: str, **extra: Any) -> dict[str, Any]:
    return {"codes": frozenset(codes), **extra}


_characters = st.characters(exclude_categories=["Cs"])  # a str the client can encode
_text = st.text(_characters, max_size=24)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text
)
JsonValue: TypeAlias = list[Any] | dict[str, Any] | int | float | str | None
json_values: st.SearchStrategy[JsonValue] = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)
json_objects = st.dictionaries(_text, json_values, max_size=5)
not_null = json_values.filter(lambda v: v is not None)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _is_json(text: str) -> bool:
    def refuse(constant: str) -> None:
        raise ValueError(constant)

    try:
        json.loads(text, parse_constant=refuse)
    except ValueError:
        return False
    return True


def _nested(depth: int, leaf: Any = 0) -> str:
    return "[" * depth + _dumps(leaf) + "]" * depth


@st.composite
def not_json(draw: st.DrawFn) -> Frame:
    text = draw(
        st.one_of(
            st.text(_characters, max_size=40),
            st.builds(lambda v, cut: _dumps(v)[:cut], json_objects, st.integers(0, 10)),
            st.builds(
                lambda v, tail: _dumps(v) + tail, json_objects, st.sampled_from(["}", ",", "x"])
            ),
            st.sampled_from(["NaN", "-Infinity", "{'type': 'ping'}", '{"type": "ping",}']),
        ).filter(lambda s: not _is_json(s))
    )
    return Frame(text, **_error("malformed_json"))


@st.composite
def not_an_object(draw: st.DrawFn) -> Frame:
    value = draw(json_values.filter(lambda v: not isinstance(v, dict)))
    return Frame(_dumps(value), **_error("malformed_frame"))


@st.composite
def deeply_nested(draw: st.DrawFn) -> Frame:
    depth = draw(st.integers(1, 3000))
    codes = ("malformed_frame",) if depth <= 1000 else ("malformed_frame", "malformed_json")
    return Frame(_nested(depth), **_error(*codes))


@st.composite
def unknown_type(draw: st.DrawFn) -> Frame:
    frame = draw(json_objects)
    kind = draw(
        st.one_of(
            st.just(None), json_values.filter(lambda v: v not in ("hello", "ping", "command"))
        )
    )
    if kind is None:
        frame.pop("type", None)
    else:
        frame["type"] = kind
    return Frame(_dumps(frame), **_error("unknown_type"))


def _wrong(*good: Any) -> st.SearchStrategy[Any]:
    return json_values.filter(lambda v: all(v is not g and v != g for g in good))


@st.composite
def bad_hello(draw: st.DrawFn) -> Frame:
    broken = {
        "last_version": st.one_of(
            st.booleans(),
            st.integers(max_value=-1),
            st.floats(allow_nan=False, allow_infinity=False),
            st.lists(json_values, max_size=2),
            _text,
        ),
        "segment_id": st.one_of(
            not_null.filter(lambda v: not isinstance(v, str)), st.text("ab", min_size=65)
        ),
        "token": st.one_of(
            not_null.filter(lambda v: not isinstance(v, str)), st.text("ab", min_size=201)
        ),
        "unknown": json_values,
    }
    names = draw(st.sets(st.sampled_from(sorted(broken)), min_size=1))
    frame: dict[str, Any] = {"type": "hello"}
    for name in names:
        key = (
            draw(_text.filter(lambda k: k not in {"type", *broken})) if name == "unknown" else name
        )
        frame[key] = draw(broken[name])
    return Frame(_dumps(frame), **_error("invalid_hello"))


_COMMANDS: list[dict[str, Any]] = [
    {"type": "call_next"},
    {"type": "adjust_time", "delta_ms": 1000},
    {"type": "set_message", "text": "please conclude"},
    {"type": "request_floor", "kind": "intervention"},
    {"type": "move_entry", "entry_id": "abc", "position": 0},
]


@st.composite
def broken_command(draw: st.DrawFn) -> JsonValue:
    """A known command with one field of the wrong type, an unknown field, or an unknown type."""
    command = dict(draw(st.sampled_from(_COMMANDS)))
    how = draw(st.sampled_from(["field", "extra", "type", "shape"]))
    if how == "field" and len(command) > 1:
        name = draw(st.sampled_from(sorted(set(command) - {"type"})))
        good = command[name]
        command[name] = draw(json_values.filter(lambda v: type(v) is not type(good)))
        return command
    if how in ("extra", "field"):
        command[draw(_text.filter(lambda k: k not in command))] = draw(json_values)
        return command
    if how == "type":
        command["type"] = draw(
            json_values.filter(lambda v: not isinstance(v, str) or v.startswith("x"))
        )
        return command
    return draw(json_values.filter(lambda v: not isinstance(v, dict)))


@st.composite
def bad_command(draw: st.DrawFn) -> Frame:
    good_id = draw(st.from_regex(r"\Afuzz-[a-z0-9]{1,12}\Z"))
    envelope: dict[str, Any] = {"type": "command", "command_id": good_id, "command": _COMMANDS[0]}
    broken: dict[str, st.SearchStrategy[Any]] = {
        "command_id": st.one_of(
            not_null.filter(lambda v: not isinstance(v, str)),
            st.just(""),
            st.text("abc", min_size=65),
            st.text(_characters, min_size=1, max_size=8).filter(lambda s: not s.isascii()),
            st.just("has space"),
        ),
        "base_version": st.one_of(
            st.booleans(),
            st.integers(max_value=-1),
            st.floats(allow_nan=False, allow_infinity=False),
            _text,
        ),
        "segment_id": st.one_of(
            not_null.filter(lambda v: not isinstance(v, str)), st.text("ab", min_size=65)
        ),
        "command": broken_command(),
        "missing": st.sampled_from(["command_id", "command"]),
        "unknown": json_values,
    }
    names = draw(st.sets(st.sampled_from(sorted(broken)), min_size=1))
    for name in names:
        if name == "missing":
            envelope.pop(draw(broken[name]), None)
        elif name == "unknown":
            key = draw(_text.filter(lambda k: k not in {"type", *broken}))
            envelope[key] = draw(broken[name])
        else:
            envelope[name] = draw(broken[name])
    return Frame(
        _dumps(envelope), **_error("invalid_command"), command_id=envelope.get("command_id")
    )


@st.composite
def ping(draw: st.DrawFn) -> Frame:
    """A good frame with any ``t``: the pong echoes it (a ``t`` too deep to echo may be refused
    with an error frame that names it, but not with ``internal``)."""
    t = draw(st.one_of(json_values, st.integers(1, 400).map(lambda d: json.loads(_nested(d)))))
    scalar = not isinstance(t, list | dict)
    frame: dict[str, Any] = {"type": "ping", "t": t}
    return Frame(_dumps(frame), pong=True, t=t, strict_echo=scalar)


@st.composite
def fragmented_ping(draw: st.DrawFn) -> Frame:
    t = draw(st.integers(0, 2**53))
    text = _dumps({"type": "ping", "t": t})
    cuts = sorted(draw(st.sets(st.integers(1, len(text) - 1), min_size=1, max_size=4)))
    parts = [text[a:b] for a, b in itertools.pairwise([0, *cuts, len(text)])]
    return Frame(parts, pong=True, t=t)


def _ping_of_size(size: int) -> str:
    head, tail = '{"type":"ping","t":"', '"}'
    return head + "x" * (size - len(head) - len(tail)) + tail


def _hello_of_size(size: int) -> str:
    return _ping_of_size(size).replace('"ping"', '"hello"')


@st.composite
def oversized(draw: st.DrawFn) -> Frame:
    size = draw(
        st.one_of(
            st.sampled_from([LIMIT, LIMIT + 1, TRANSPORT_LIMIT, TRANSPORT_LIMIT + 1]),
            st.integers(LIMIT + 1, TRANSPORT_LIMIT),
            st.integers(TRANSPORT_LIMIT + 1, 4 * TRANSPORT_LIMIT),
        )
    )
    text = _ping_of_size(size)
    if size <= LIMIT:
        return Frame(text, pong=True, t=json.loads(text)["t"])
    if size <= TRANSPORT_LIMIT:
        return Frame(text, **_error("frame_too_large"))
    return Frame(text, close=1009)


@st.composite
def binary(draw: st.DrawFn) -> Frame:
    data = draw(st.one_of(st.binary(max_size=64), json_objects.map(lambda v: _dumps(v).encode())))
    return Frame(data, text=False, **_error("binary_frame"))


def _invalid_utf8(data: bytes) -> bool:
    try:
        data.decode()
    except UnicodeDecodeError:
        return True
    return False


@st.composite
def not_utf8(draw: st.DrawFn) -> Frame:
    """A text frame whose bytes are not UTF-8 (``send(bytes, text=True)`` does not check)."""
    bad = draw(st.sampled_from([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\x80"]))
    good = _dumps({"type": "ping", "t": draw(_text)}).encode()
    cut = draw(st.integers(0, len(good)))
    data = good[:cut] + bad + good[cut:]
    assert _invalid_utf8(data)
    return Frame(data, close=1007)


after_hello = st.one_of(
    not_json(),
    not_an_object(),
    deeply_nested(),
    unknown_type(),
    bad_hello(),
    bad_command(),
    ping(),
    fragmented_ping(),
    oversized(),
    binary(),
    not_utf8(),
)


# --- the room: a real server, a display that follows it, two sockets that fuzz it ----------------


@dataclass
class Room:
    server: ServerProcess
    event_id: str
    segment_id: str
    tokens: dict[str, str]
    runner: asyncio.Runner
    api: Api
    bystander: Feed | None = None
    fuzzers: dict[str, Feed | None] = field(default_factory=dict)
    pings: Iterator[int] = field(default_factory=itertools.count)
    heartbeats: Iterator[int] = field(default_factory=itertools.count)

    def url(self, who: str) -> str:
        if who == "display":
            return f"{self.server.ws_base}/ws/events/{self.event_id}"
        return f"{self.server.ws_base}/ws/segments/{self.segment_id}"

    async def open(self, who: str) -> Feed:
        feed = await Feed.open(self.url(who), self.tokens[who])
        snapshot = await feed.until(lambda f: f["type"] != "programme", WAIT)
        assert snapshot["type"] == "snapshot", snapshot
        return feed

    async def fuzzer(self, who: str) -> Feed:
        feed = self.fuzzers.get(who)
        if feed is None:
            feed = self.fuzzers[who] = await self.open(who)
        return feed

    async def heartbeat(self) -> None:
        """A moderator's command: the display and every open fuzzing socket must see it."""
        beat = next(self.heartbeats)
        body = {
            "command_id": f"beat-{beat}",
            "command": {"type": "set_message", "text": f"please conclude ({beat})"},
        }
        path = f"/segments/{self.segment_id}/commands"
        response = await asyncio.to_thread(self.api, "POST", path, json=body)
        assert response.status_code == 200, response.text
        version = response.json()["version"]
        assert self.server.process is not None and self.server.process.poll() is None
        feeds = [self.bystander, *self.fuzzers.values()]
        for feed in feeds:
            if feed is not None:
                await feed.until(lambda f: f["type"] == "update" and f["version"] >= version, WAIT)
                feed.frames.clear()


async def _close_code(connection: ClientConnection) -> int | None:
    """Read until the server closes; the code it closed with (None: no close frame at all)."""
    try:
        async with asyncio.timeout(WAIT):
            while True:
                await connection.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else None
    raise AssertionError("unreachable")


async def _send(connection: ClientConnection, frame: Frame) -> None:
    with_text = frame.text if isinstance(frame.payload, bytes) else None
    try:
        if isinstance(frame.payload, list):
            await connection.send(frame.payload)
        else:
            await connection.send(frame.payload, text=with_text)
    except ConnectionClosed:
        pass  # the server may close before a large frame is sent in full; the code tells why


def _check_answer(frame: Frame, answer: dict[str, Any]) -> None:
    assert answer.get("code") != "internal", f"{frame!r} -> {answer}"
    if frame.pong:
        if answer["type"] == "pong" or frame.strict_echo:
            assert answer["type"] == "pong", f"{frame!r} -> {answer}"
            assert answer["t"] == frame.t, f"{frame!r} -> {answer}"
        else:
            assert answer["type"] == "error" and answer["code"] and answer["message"], answer
        return
    assert answer["type"] == "error", f"{frame!r} -> {answer}"
    assert answer["code"] in frame.codes, f"{frame!r} -> {answer}"
    assert isinstance(answer["message"], str) and answer["message"], answer
    if answer["code"] == "invalid_command":
        expected = frame.command_id if isinstance(frame.command_id, str) else None
        assert answer.get("command_id") == expected, f"{frame!r} -> {answer}"


async def _after_hello(room: Room, who: str, frame: Frame) -> None:
    feed = await room.fuzzer(who)
    await _send(feed.connection, frame)
    if frame.close is not None:
        code = await _close_code(feed.connection)
        room.fuzzers[who] = None
        assert code == frame.close, f"{frame!r} closed the socket with {code}"
    else:
        answer = await feed.until(lambda f: f["type"] not in STATE_FRAMES, WAIT)
        _check_answer(frame, answer)
        t = next(room.pings)  # the socket is still open and still answers
        await feed.send({"type": "ping", "t": t})
        pong = await feed.until(lambda f: f["type"] not in STATE_FRAMES, WAIT)
        assert pong == {"type": "pong", "t": t, "server_time": pong["server_time"]}, pong
    await room.heartbeat()


async def _first_frame(room: Room, frame: Frame) -> None:
    connection = await connect(room.url("delegate"), max_size=2**22)
    try:
        await _send(connection, frame)
        if frame.close is not None:
            assert await _close_code(connection) == frame.close, repr(frame)
        else:
            answer = orjson.loads(await asyncio.wait_for(connection.recv(), WAIT))
            assert answer["type"] == "error", f"{frame!r} -> {answer}"
            assert answer["code"] in frame.codes, f"{frame!r} -> {answer}"
            assert answer["message"], answer
            expected = 4401 if answer["code"] == "unauthenticated" else 4400
            assert await _close_code(connection) == expected, f"{frame!r} -> {answer}"
    finally:
        await connection.close()
    await room.heartbeat()


def _as_first_frame(frame: Frame) -> Frame:
    """The same frame as the first of a socket: anything but a good hello is refused (one over
    the size limit said so, as after the hello)."""
    if frame.close is not None:
        return frame
    if not frame.text or frame.pong:  # binary, or a ping (whole or in fragments)
        return Frame(frame.payload, text=frame.text, **_error("expected_hello"))
    codes = {"malformed_frame": "expected_hello", "unknown_type": "expected_hello"}
    codes |= {"invalid_command": "expected_hello"}
    mapped = {codes.get(code, code) for code in frame.codes}
    return Frame(frame.payload, codes=frozenset(mapped))


first_frames = st.one_of(
    after_hello.map(_as_first_frame),
    st.builds(
        lambda token: Frame(_dumps({"type": "hello", "token": token}), **_error("unauthenticated")),
        st.text("abcdef0123456789", min_size=1, max_size=200),
    ),
)


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    path = Path(tmp_path_factory.mktemp("ws-fuzz"))
    server = ServerProcess(f"sqlite:///{path / 'floor.db'}", path / "server.log")
    with pytest.MonkeyPatch.context() as env:
        for name, value in NO_LIMITS.items():
            env.setenv(name, value)
        server.start()
    api = Api(server.base)
    event = api.ok("POST", "/events", json={"title": "Hearing"})
    segment = api.ok(
        "POST",
        f"/events/{event['id']}/segments",
        json={"title": "Thematic discussion I", "command_id": "seg-1"},
    )
    api.command(segment["id"], {"type": "start_segment"}).raise_for_status()
    joined = api.ok(
        "POST",
        f"/events/{event['id']}/participants",
        json={"join_code": event["join_code"], "name": "Amina Diallo", "constituency": "other"},
    )
    link = api.ok("POST", f"/events/{event['id']}/access-links", json={"role": "moderator"})
    display = api.ok("POST", f"/events/{event['id']}/access-links", json={"role": "display"})
    tokens = {
        "delegate": joined["token"],
        "moderator": link["token"],
        "display": display["token"],
        "organiser": ORGANISER_KEY,
    }
    with asyncio.Runner() as runner:
        live = Room(server, event["id"], segment["id"], tokens, runner, api)
        live.bystander = runner.run(live.open("display"))
        try:
            yield live
        finally:
            for feed in [live.bystander, *live.fuzzers.values()]:
                if feed is not None:
                    runner.run(feed.close())
            server.stop()
    log = (path / "server.log").read_text(errors="replace")
    failures = [part[:1500] for part in log.split("Traceback (most recent call last):")[1:]]
    assert not failures, "the server logged exceptions:\n" + "\n---\n".join(failures[:3])


@FUZZ
@given(who=st.sampled_from(["delegate", "moderator"]), frame=after_hello)
@example(who="delegate", frame=Frame(_ping_of_size(LIMIT + 1), **_error("frame_too_large")))
@example(who="moderator", frame=Frame(_ping_of_size(TRANSPORT_LIMIT + 1), close=1009))
@example(who="delegate", frame=Frame(b'{"type": "ping", "t": "\xff"}', close=1007))
def test_bad_frames_are_named_and_the_room_carries_on(room: Room, who: str, frame: Frame) -> None:
    room.runner.run(_after_hello(room, who, frame))


@settings(FUZZ, max_examples=60)
@given(frame=first_frames)
# a hello over the size limit is said to be too large, not to be no hello (outside probe)
@example(frame=Frame(_hello_of_size(LIMIT + 1), **_error("frame_too_large")))
def test_a_bad_first_frame_is_named_then_the_socket_closes(room: Room, frame: Frame) -> None:
    room.runner.run(_first_frame(room, frame))
