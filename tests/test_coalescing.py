"""A burst's updates coalesce: a write that comes less than the gap after the meeting day's last
fan-out waits and goes out with the writes after it, in one update per segment and audience
spanning their versions; a lone command goes out at once; an ack never comes before its update
on a socket; a screen that joins or is reset meanwhile gets nothing that starts before its
snapshot. A large room is written in slices, each socket in order (``hub.SLICE``).

The gap is measured on a clock the tests hold (``Projections.monotonic``), and the timer that
would flush is replaced by an explicit ``flush``: nothing waits on the wall clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from app import hub as hub_
from app.engine import Engine
from app.floor import Actor, Role
from app.floor import commands as c
from app.floor import contributions as o
from app.floor.roles import ORGANISER
from app.hub import Encoded, Hub, Subscriber
from app.store import shared
from app.store.tables import EventRow, ParticipantRow
from app.views import Audience
from tests.engines import counted_engine

#: the gap the tests set: far longer than any test, so only ``flush`` (or its absence) decides
GAP_S = 3600.0


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Screen:
    """A subscriber whose frames are kept, decoded, in the order its socket would write them."""

    def __init__(
        self,
        engine: Engine,
        audience: Audience = Audience.PUBLIC,
        participant_id: str | None = None,
        segment_id: str | None = None,
    ) -> None:
        self.engine = engine
        self.frames: list[dict[str, Any]] = []
        self.subscriber = Subscriber(
            "ev",
            audience,
            participant_id,
            False,
            send=self.send,
            snapshot=self.snapshot,
        )
        if segment_id is not None:
            engine.hub.add(self.subscriber, segment_id)

    def send(self, frame: Encoded) -> None:
        self.frames.append(orjson.loads(frame.data))

    def snapshot(self) -> Encoded:
        hearing = self.engine.hearing("ev")
        segment = hearing.state.segments[self.subscriber.segment_id or ""]
        return hub_.encode(
            self.engine.projections.snapshot(
                segment, self.subscriber.audience, self.subscriber.participant_id
            )
        )

    def acks(self, answer: asyncio.Future[dict[str, Any]]) -> None:
        """Ack on this socket when the answer comes, as a socket's connection does."""
        answer.add_done_callback(
            lambda done: self.subscriber.reply(hub_.encode({"type": "ack", **done.result()}))
        )

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [frame for frame in self.frames if frame["type"] == kind]

    def spans(self) -> list[tuple[int, int]]:
        return [(u.get("from_version", u["version"] - 1), u["version"]) for u in self.of("update")]


async def _engine(
    sqlite_url: str, clock: Callable[[], float] | None = None
) -> tuple[Engine, str, Monotonic]:
    """An engine with a meeting day whose segment has started; the fan-outs' gaps are measured on
    ``clock`` (from the start: a record of the last fan-out on another clock would put the next
    one at a random distance), else on the returned ``Monotonic``, which the test moves."""
    engine = counted_engine(sqlite_url, clock=lambda: 1_700_000_000_000)
    monotonic = Monotonic()
    engine.projections.monotonic = clock or monotonic
    engine.projections.max_gap_s = GAP_S
    engine.projections.gap_per_socket_s = GAP_S
    await engine.create_event(EventRow(id="ev", title="Hearing", join_code="j", created_at=0))
    for n in range(1, 4):
        await engine.add_participant(
            ParticipantRow(
                id=f"p{n}", event_id="ev", name=f"D{n}", constituency="academia", created_at=0
            )
        )
    created = await engine.execute("ev", None, c.CreateSegment(title="I"), ORGANISER, "c0")
    segment_id = created["segment_id"]
    await engine.execute("ev", segment_id, c.StartSegment(), ORGANISER, "c1")
    return engine, segment_id, monotonic


def _version(engine: Engine, segment_id: str) -> int:
    return engine.hearing("ev").state.segments[segment_id].version


async def _written(engine: Engine) -> None:
    """Wait until the meeting day's writer has written everything decided (its task ends)."""
    writer = engine.hearing("ev").writer
    if writer is not None:
        await asyncio.wait_for(asyncio.shield(writer), 10)


def _delegate(n: int) -> Actor:
    return Actor(Role.DELEGATE, "ev", f"p{n}")


async def _deferred_request(
    engine: Engine, segment_id: str, n: int
) -> asyncio.Future[dict[str, Any]]:
    """Delegate ``n`` requests the floor; returns once the write is durable (and waiting)."""
    version = _version(engine, segment_id)
    answer = await engine.submit("ev", segment_id, c.RequestFloor(), _delegate(n), f"r{n}")
    assert isinstance(answer, asyncio.Future)
    await _written(engine)
    assert _version(engine, segment_id) == version + 1
    return answer


async def test_a_lone_command_goes_out_at_once(sqlite_url: str) -> None:
    """Nothing published within the gap: published and answered with no timer, no flush."""
    engine, segment_id, _ = await _engine(sqlite_url)
    room = Screen(engine, segment_id=segment_id)
    before = _version(engine, segment_id)
    answer = await asyncio.wait_for(
        engine.execute("ev", segment_id, c.AddSpeaker(name="Panellist"), ORGANISER, "n"), 5
    )
    assert answer["version"] == before + 1
    assert room.spans() == [(before, before + 1)]
    assert not engine.projections.waiting("ev")


async def test_a_costly_fan_out_spaces_the_next_however_few_it_reaches(sqlite_url: str) -> None:
    """A console over a long list of requests costs a fan-out its time whoever listens: the next
    write waits ``gap_per_cost`` times what the last fan-out took, then goes out at once again.
    Fails if the gap counts only the sockets reached (one console here: no wait at all)."""
    engine, segment_id, monotonic = await _engine(sqlite_url)
    projections = engine.projections
    projections.gap_per_socket_s = 0.0  # only the fan-out's cost counts
    projections.gap_per_cost = 4.0
    publish = projections._publish

    def costly(*args: Any) -> int:
        monotonic.now += 0.010  # this fan-out takes 10 ms of the loop
        return publish(*args)

    projections._publish = costly  # type: ignore[method-assign,assignment]
    console = Screen(engine, Audience.MODERATOR, segment_id=segment_id)
    start = _version(engine, segment_id)
    await engine.execute("ev", segment_id, c.RequestFloor(), _delegate(1), "r1")
    assert console.spans() == [(start, start + 1)]  # nothing published before it: at once
    monotonic.now += 0.039  # within 4 x 10 ms of it
    second = await _deferred_request(engine, segment_id, 2)
    assert projections.waiting("ev") and not second.done()
    monotonic.now += 0.002  # 41 ms after it: due
    projections.flush_event("ev")  # what the timer does then
    assert console.spans() == [(start, start + 1), (start + 1, start + 2)]
    monotonic.now += 0.041  # a write more than 40 ms after the last fan-out goes out at once
    await asyncio.wait_for(
        engine.execute("ev", segment_id, c.RequestFloor(), _delegate(3), "r3"), 5
    )
    assert console.spans()[-1] == (start + 2, start + 3)
    assert not projections.waiting("ev")


async def test_commands_within_the_gap_reach_the_room_as_one_update(sqlite_url: str) -> None:
    engine, segment_id, monotonic = await _engine(sqlite_url)
    room = Screen(engine, segment_id=segment_id)
    phone = Screen(engine, Audience.DELEGATE, "p2", segment_id=segment_id)
    console = Screen(engine, Audience.MODERATOR, segment_id=segment_id)
    start = _version(engine, segment_id)
    await engine.execute("ev", segment_id, c.RequestFloor(), _delegate(1), "r1")
    assert room.spans() == [(start, start + 1)]  # the first: at once
    second = await _deferred_request(engine, segment_id, 2)
    third = await _deferred_request(engine, segment_id, 3)
    assert engine.projections.waiting("ev")
    assert room.spans() == [(start, start + 1)]  # nothing more yet
    assert not second.done() and not third.done()  # nor answered
    monotonic.now += GAP_S
    engine.projections.flush_event("ev")  # what the timer does once the gap has passed
    # ONE update per audience for both writes, from the version the room had
    for screen in (room, phone, console):
        assert screen.spans() == [(start, start + 1), (start + 1, start + 3)]
    # every delegate touched by a deferred write gets their own part, once
    assert [m["version"] for m in phone.of("mine")] == [start + 3]
    await asyncio.sleep(0)  # the answers' callbacks
    assert second.done() and third.done()
    assert [second.result()["version"], third.result()["version"]] == [start + 2, start + 3]
    # and the hub's history chains them for a client resuming from before the burst
    missed = engine.hub.missed(segment_id, Audience.PUBLIC, start, start + 3)
    assert missed is not None and len(missed) == 2


async def test_the_deferred_update_goes_out_by_itself_after_the_gap(sqlite_url: str) -> None:
    """The timer flushes without anyone asking (a short real gap here)."""
    engine, segment_id, _ = await _engine(sqlite_url, clock=asyncio.get_running_loop().time)
    engine.projections.max_gap_s = engine.projections.gap_per_socket_s = 0.05
    room = Screen(engine, segment_id=segment_id)
    start = _version(engine, segment_id)
    await engine.execute("ev", segment_id, c.RequestFloor(), _delegate(1), "r1")
    second = await engine.submit("ev", segment_id, c.RequestFloor(), _delegate(2), "r2")
    assert isinstance(second, asyncio.Future)
    result = await asyncio.wait_for(second, 5)
    assert result["version"] == start + 2
    assert room.spans()[-1][1] == start + 2
    assert not engine.projections.waiting("ev")


async def test_an_ack_never_precedes_its_update_on_a_socket(sqlite_url: str) -> None:
    engine, segment_id, monotonic = await _engine(sqlite_url)
    phone = Screen(engine, Audience.DELEGATE, "p1", segment_id=segment_id)
    # published at once: the next write comes within the gap
    await engine.execute("ev", segment_id, c.AddSpeaker(name="Panellist"), ORGANISER, "n")
    answer = await _deferred_request(engine, segment_id, 1)
    phone.acks(answer)
    await asyncio.sleep(0)
    assert phone.of("ack") == []  # waits for its update
    monotonic.now += GAP_S
    engine.projections.flush_event("ev")
    await asyncio.sleep(0)
    kinds = [frame["type"] for frame in phone.frames]
    version = answer.result()["version"]
    update = next(i for i, f in enumerate(phone.frames) if f.get("version") == version)
    assert phone.frames[update]["type"] == "update"
    assert kinds.index("ack") > update


async def test_a_screen_that_joins_meanwhile_gets_nothing_from_before_its_snapshot(
    sqlite_url: str,
) -> None:
    engine, segment_id, _ = await _engine(sqlite_url)
    room = Screen(engine, segment_id=segment_id)
    start = _version(engine, segment_id)
    await engine.execute("ev", segment_id, c.RequestFloor(), _delegate(1), "r1")
    await _deferred_request(engine, segment_id, 2)
    assert engine.projections.waiting("ev")
    late = Screen(engine, segment_id=segment_id)  # joins: what waits goes out first
    assert not engine.projections.waiting("ev")
    assert room.spans() == [(start, start + 1), (start + 1, start + 2)]
    assert late.frames == []  # the joiner was not there yet
    # a client resuming from before the burst is given every version (Hub.missed)
    assert engine.hub.missed(segment_id, Audience.PUBLIC, start, start + 2) is not None
    late.subscriber.request_resync()
    assert [(f["type"], f["version"]) for f in late.frames] == [("snapshot", start + 2)]
    await _deferred_request(engine, segment_id, 3)
    engine.projections.flush_event("ev")
    assert late.spans() == [(start + 2, start + 3)]


async def test_a_screen_reset_meanwhile_gets_its_snapshot_at_the_durable_version(
    sqlite_url: str,
) -> None:
    engine, segment_id, _ = await _engine(sqlite_url)
    room = Screen(engine, segment_id=segment_id)
    reset = Screen(engine, segment_id=segment_id)
    start = _version(engine, segment_id)
    await engine.execute("ev", segment_id, c.RequestFloor(), _delegate(1), "r1")
    await _deferred_request(engine, segment_id, 2)
    reset.subscriber.request_resync()
    # the waiting update went to the others first; the reset one has it in its snapshot only
    assert room.spans() == [(start, start + 1), (start + 1, start + 2)]
    assert [(f["type"], f["version"]) for f in reset.frames[1:]] == [("snapshot", start + 2)]


async def test_any_snapshot_publishes_what_waits_first(sqlite_url: str) -> None:
    """A snapshot made while an update waits (a stale refusal's state, a socket's resume that
    cannot be served from the history, REST's) is at the durable version: the update goes out
    first, so no screen is sent one that starts before a snapshot it has."""
    engine, segment_id, _ = await _engine(sqlite_url)
    room = Screen(engine, segment_id=segment_id)
    start = _version(engine, segment_id)
    await engine.execute("ev", segment_id, c.RequestFloor(), _delegate(1), "r1")
    await _deferred_request(engine, segment_id, 2)
    segment = engine.hearing("ev").state.segments[segment_id]
    snapshot = engine.projections.snapshot(segment, Audience.PUBLIC, None)
    assert snapshot["version"] == start + 2
    assert not engine.projections.waiting("ev")
    assert room.spans() == [(start, start + 1), (start + 1, start + 2)]


async def test_a_programme_change_goes_out_at_once_after_what_waits(sqlite_url: str) -> None:
    engine, segment_id, _ = await _engine(sqlite_url)
    room = Screen(engine, segment_id=segment_id)
    start = _version(engine, segment_id)
    await engine.execute("ev", segment_id, c.RequestFloor(), _delegate(1), "r1")
    waiting = await _deferred_request(engine, segment_id, 2)
    ended = await asyncio.wait_for(
        engine.execute("ev", segment_id, c.EndSegment(), ORGANISER, "end"), 5
    )
    assert waiting.done()
    assert room.spans() == [
        (start, start + 1),
        (start + 1, start + 2),
        (start + 2, ended["version"]),
    ]
    kinds = [frame["type"] for frame in room.frames]
    assert kinds.index("programme") > 2  # after the updates


async def test_the_other_processes_writes_flush_what_waits_first(sqlite_url: str) -> None:
    """A publish that is not coalesced (a catch-up folding another process's write) goes out
    after what waits, never before it."""
    engine, segment_id, _ = await _engine(sqlite_url)
    room = Screen(engine, segment_id=segment_id)
    start = _version(engine, segment_id)
    await engine.execute("ev", segment_id, c.RequestFloor(), _delegate(1), "r1")
    await _deferred_request(engine, segment_id, 2)
    hearing = engine.hearing("ev")
    engine.projections.publish(hearing, hearing.state, [], [])
    assert room.spans() == [(start, start + 1), (start + 1, start + 2)]


async def test_another_process_s_burst_coalesces_here_too(sqlite_url: str) -> None:
    """Writes another process made (folded in from Redis or the log: ``Engine.adopt``) that come
    within the gap join what waits, this process's own writes included, in version order: the
    room here gets one update for them, not one per write elsewhere. Fails if adopted writes are
    published at once."""
    engine, segment_id, monotonic = await _engine(sqlite_url)
    other = counted_engine(sqlite_url, clock=lambda: 1_700_000_000_000)  # process A
    await other.load()
    room = Screen(engine, segment_id=segment_id)
    start = _version(engine, segment_id)
    await engine.execute("ev", segment_id, c.RequestFloor(), _delegate(1), "r1")  # at once
    assert room.spans() == [(start, start + 1)]
    hearing = engine.hearing("ev")

    async def written_elsewhere(n: int) -> None:
        await other.execute("ev", segment_id, c.RequestFloor(), _delegate(n), f"elsewhere{n}")
        missing = shared.missing(engine.store, "ev", engine.known(hearing))
        assert engine.adopt(hearing, missing.records, missing.commands)

    await other.load()  # A learns this process's write from the log
    await written_elsewhere(2)
    await written_elsewhere(3)
    assert _version(engine, segment_id) == start + 3
    assert engine.projections.waiting("ev") and room.spans() == [(start, start + 1)]
    monotonic.now += GAP_S
    engine.projections.flush_event("ev")
    assert room.spans() == [(start, start + 1), (start + 1, start + 3)]
    await other.close()


async def test_an_outcome_update_goes_out_after_what_waits(sqlite_url: str) -> None:
    engine, segment_id, _ = await _engine(sqlite_url)
    console = Screen(engine, Audience.MODERATOR, segment_id=segment_id)
    start = _version(engine, segment_id)
    await engine.execute("ev", segment_id, c.RequestFloor(), _delegate(1), "r1")
    waiting = await _deferred_request(engine, segment_id, 2)
    assert engine.projections.waiting("ev")
    pledge = o.SubmitContribution(
        kind=o.ContributionKind.PLEDGE, text="Ten reception centres.", language="en"
    )
    await asyncio.wait_for(engine.execute_outcome("ev", pledge, _delegate(3), "s1"), 5)
    assert waiting.done()
    kinds = [frame["type"] for frame in console.frames if frame["type"] != "instruments"]
    assert kinds == ["update", "update", "outcome_update"]
    assert console.spans() == [(start, start + 1), (start + 1, start + 2)]


# --- a large room, written in slices ------------------------------------------------------------


def _room(hub: Hub, n: int, segment_id: str = "s") -> list[list[bytes]]:
    written: list[list[bytes]] = []
    for index in range(n):
        frames: list[bytes] = []
        written.append(frames)

        def send(frame: Encoded, frames: list[bytes] = frames) -> None:
            frames.append(frame.data)

        audience = Audience.DELEGATE if index == 0 else Audience.PUBLIC
        participant = "p0" if index == 0 else None
        subscriber = Subscriber("ev", audience, participant, False, send, lambda: Encoded(b"S"))
        hub.add(subscriber, segment_id)
    return written


async def test_a_large_room_is_written_in_slices_each_socket_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hub_, "SLICE", 3)
    hub = Hub()
    written = _room(hub, 10)
    first = {a: Encoded(f"u1-{a.value}".encode()) for a in Audience}
    second = {a: Encoded(f"u2-{a.value}".encode()) for a in Audience}
    hub.publish("s", 1, 2, first, {"p0": Encoded(b"mine1")})
    assert sum(map(len, written)) == 0  # owed, written in the next turns
    # a socket sent anything meanwhile writes its update first (an ack after its update)
    delegate = next(s for s in hub.subscribers("s") if s.participant_id == "p0")
    delegate.reply(Encoded(b"ack"))
    assert written[0] == [b"u1-delegate", b"mine1", b"ack"]
    await asyncio.sleep(0)  # one slice
    assert 3 <= sum(1 for frames in written if frames) < 10
    hub.publish("s", 2, 3, second, {})  # a later update: the earlier one first, per socket
    for _ in range(10):
        await asyncio.sleep(0)
    for index, frames in enumerate(written):
        if index == 0:
            assert frames == [b"u1-delegate", b"mine1", b"ack", b"u2-delegate"]
        else:
            assert frames == [b"u1-public", b"u2-public"]


async def test_a_small_room_is_written_at_once() -> None:
    hub = Hub()
    written = _room(hub, hub_.SLICE)
    hub.publish("s", 1, 2, {a: Encoded(b"u") for a in Audience}, {})
    assert all(frames == [b"u"] for frames in written)


async def test_a_socket_reset_while_owed_gets_its_snapshot_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hub_, "SLICE", 1)
    hub = Hub()
    written = _room(hub, 3)
    hub.publish("s", 1, 2, {a: Encoded(b"u") for a in Audience}, {})
    subscribers = list(hub.subscribers("s"))
    subscribers[0].request_resync()
    for _ in range(5):
        await asyncio.sleep(0)
    index = written.index(next(w for w in written if w and w[0] == b"S"))
    assert written[index] == [b"S"]
    assert sorted(map(tuple, written)) == sorted([(b"S",), (b"u",), (b"u",)])


async def test_a_socket_reset_by_a_waiting_update_gets_its_snapshot_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reset first publishes what waits (``Hub.settle``): to a large room in slices, but not
    to the socket being reset, whose snapshot is made after it."""
    monkeypatch.setattr(hub_, "SLICE", 1)
    hub = Hub()
    armed: list[bool] = []

    def settle(event_id: str) -> None:
        if armed:
            armed.pop()
            hub.publish("s", 1, 2, {a: Encoded(b"u") for a in Audience}, {})

    hub.settle = settle
    written = _room(hub, 3)
    armed.append(True)
    next(iter(hub.subscribers("s"))).request_resync()
    for _ in range(5):
        await asyncio.sleep(0)
    assert sorted(map(tuple, written)) == sorted([(b"S",), (b"u",), (b"u",)])
