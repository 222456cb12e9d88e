"""A subscriber that writes its own frames (app/hub.py): at once when the socket takes them, in
order when it pushes back, one snapshot instead of a hopeless backlog, and quiet when gone."""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref

import pytest

from app.hub import OUTBOX_LIMIT, RESUME_GRACE_S, Encoded, Hub, Subscriber, encode, started
from app.views import Audience


class Socket:
    """A fake socket: takes frames at once until ``block()``, then waits for ``release()``."""

    def __init__(self) -> None:
        self.frames: list[str] = []
        self.gate: asyncio.Future[None] | None = None
        self.fail = False

    def block(self) -> None:
        self.gate = asyncio.get_running_loop().create_future()

    def release(self) -> None:
        assert self.gate is not None
        gate, self.gate = self.gate, None
        gate.set_result(None)

    async def send(self, frame: Encoded) -> None:
        if self.fail:
            raise ConnectionError("gone")
        if self.gate is not None:
            await self.gate
        self.frames.append(frame.text)


def subscriber(socket: Socket) -> Subscriber:
    return Subscriber(
        "e",
        Audience.PUBLIC,
        None,
        False,
        send=lambda frame: started(socket.send(frame)),
        snapshot=lambda: Encoded(b"snap"),
    )


def text(frame: str) -> Encoded:
    return Encoded(frame.encode())


async def test_frames_go_out_at_once_without_a_task() -> None:
    socket = Socket()
    sub = subscriber(socket)
    tasks = len(asyncio.all_tasks())
    sub.push(text("u1"))
    sub.push(text("u2"))
    sub.reply(text("ack"))
    assert socket.frames == ["u1", "u2", "ack"]  # before this test yields even once
    assert sub.sending is None and len(asyncio.all_tasks()) == tasks


async def test_a_socket_that_pushes_back_gets_everything_in_order() -> None:
    socket = Socket()
    sub = subscriber(socket)
    socket.block()
    sub.push(text("u1"))
    sub.reply(text("ack-of-u1"))
    sub.push(text("u2"))
    assert socket.frames == [] and sub.sending is not None
    socket.release()
    await sub.sending
    # state frames first, then the answers queued meanwhile: an ack never overtakes its update
    assert socket.frames == ["u1", "u2", "ack-of-u1"]
    assert sub.sending is None
    sub.push(text("u3"))
    assert socket.frames[-1] == "u3"


async def test_a_hopeless_backlog_becomes_one_snapshot() -> None:
    socket = Socket()
    sub = subscriber(socket)
    socket.block()
    sub.push(text("u0"))  # in flight
    for n in range(1, OUTBOX_LIMIT + 10):
        sub.push(text(f"u{n}"))
    assert len(sub.outbox) == 0 and sub.resync
    sub.reply(text("pong"))
    socket.release()
    assert sub.sending is not None
    await sub.sending
    assert socket.frames == ["u0", "snap", "pong"]


async def test_a_gone_client_is_closed_quietly() -> None:
    socket = Socket()
    sub = subscriber(socket)
    socket.fail = True
    sub.push(text("u1"))  # raises inside: the subscriber closes, the publisher never sees it
    assert sub.closed
    socket.fail = False
    sub.push(text("u2"))
    assert socket.frames == []


async def test_closing_cancels_a_send_in_progress() -> None:
    socket = Socket()
    sub = subscriber(socket)
    socket.block()
    sub.push(text("u1"))
    sending = sub.sending
    assert sending is not None
    sub.close()
    with pytest.raises(asyncio.CancelledError):
        await sending
    assert socket.frames == [] and not sub.outbox


async def test_only_audiences_someone_listens_to_get_updates_and_a_gap_resumes_by_snapshot() -> (
    None
):
    now = [100.0]
    hub = Hub(clock=lambda: now[0])
    display = subscriber(Socket())
    hub.add(display, "s")
    assert hub.audiences("s") == {Audience.PUBLIC}
    hub.publish("s", 0, 1, {Audience.PUBLIC: text("public-1")}, {})
    assert [frame.text for frame in hub.missed("s", Audience.PUBLIC, 0, 1) or []] == ["public-1"]
    # nobody listened as a delegate at version 1: a delegate resuming from 0 needs a snapshot
    assert hub.missed("s", Audience.DELEGATE, 0, 1) is None
    delegate = subscriber(Socket())
    delegate.audience = Audience.DELEGATE
    hub.add(delegate, "s")
    assert hub.audiences("s") == {Audience.PUBLIC, Audience.DELEGATE}

    # the only display drops: its audience is still updated for a while, so that it resumes
    hub.remove(display)
    now[0] += RESUME_GRACE_S - 1
    assert hub.audiences("s") == {Audience.PUBLIC, Audience.DELEGATE}
    hub.publish("s", 1, 2, {Audience.PUBLIC: text("public-2"), Audience.DELEGATE: text("d-2")}, {})
    assert [frame.text for frame in hub.missed("s", Audience.PUBLIC, 1, 2) or []] == ["public-2"]

    # ... but not for ever: past the grace, a display resuming from before gets a snapshot
    now[0] += 2
    assert hub.audiences("s") == {Audience.DELEGATE}
    hub.publish("s", 2, 3, {Audience.DELEGATE: text("delegate-3")}, {})
    assert hub.missed("s", Audience.DELEGATE, 1, 3) is not None  # kept from here on
    assert hub.missed("s", Audience.PUBLIC, 1, 3) is None  # the public history has a gap now
    hub.remove(delegate)
    assert hub.audiences("s") == {Audience.DELEGATE}
    now[0] += RESUME_GRACE_S
    assert hub.audiences("s") == set()


def test_an_unexpected_send_error_is_logged_as_an_error(caplog: pytest.LogCaptureFixture) -> None:
    """A client that has gone is routine; anything else a send raises is a fault of ours and
    must not close a socket silently (a renamed protocol internal, say)."""

    def broken(frame: Encoded) -> None:
        raise AttributeError("'Protocol' object has no attribute 'writable'")

    def gone(frame: Encoded) -> None:
        raise ConnectionResetError("reset by peer")

    with caplog.at_level(logging.DEBUG, logger="floorkeeper.hub"):
        for send in (broken, gone):
            subscriber = Subscriber("ev", Audience.PUBLIC, None, False, send, lambda: encode({}))
            subscriber.push(encode({"type": "update"}))
            assert subscriber.closed
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "could not be sent" in errors[0].getMessage()
    assert any(r.levelno == logging.DEBUG and "gone" in r.getMessage() for r in caplog.records)


class _Connection:
    """What app/api/ws.py's Connection is to its subscriber: it holds the subscriber, whose
    snapshot is one of its methods (a reference cycle while the socket is open)."""

    def __init__(self, hub: Hub, socket: Socket) -> None:
        self.subscriber = Subscriber(
            "e",
            Audience.PUBLIC,
            None,
            False,
            send=lambda frame: started(socket.send(frame)),
            snapshot=self.snapshot,
        )
        hub.add(self.subscriber, "s1")

    def snapshot(self) -> Encoded:
        return Encoded(b"snap")


def test_a_removed_subscriber_lets_go_of_its_connection_so_it_is_freed_at_once() -> None:
    """Without the garbage collector: a socket's objects are freed as it ends (refcounts), not
    at the collector's next full pass (which, with thousands of closed sockets, was a 115 ms
    pause of the event loop in the burst bench)."""
    hub = Hub()
    connection = _Connection(hub, Socket())
    gone = weakref.ref(connection)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        hub.remove(connection.subscriber)
        connection.subscriber.request_resync()  # late: a closed subscriber sends nothing
        del connection
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()


def test_a_resume_needs_the_stamp_of_its_version_and_updates_carry_theirs() -> None:
    import orjson

    from app.store import LogRecord

    hub = Hub()

    def row(version: int, at: int) -> LogRecord:
        return LogRecord("e", "s", version, "speaker_added", {}, f"c{version}", at)

    hub.stamps.note([row(1, 100), row(2, 200), row(3, 300)])
    one, two, three = (hub.stamps.get("s", v) for v in (1, 2, 3))
    assert one and two and three and len({one, two, three}) == 3
    hub.publish("s", 1, 2, {Audience.PUBLIC: encode({"type": "update", "version": 2})}, {})
    hub.publish("s", 2, 3, {Audience.PUBLIC: encode({"type": "update", "version": 3})}, {})
    frames = hub.missed("s", Audience.PUBLIC, 1, 3, one) or []
    # the stamp is the version's, in the frame every socket of the audience shares
    assert [orjson.loads(f.data) for f in frames] == [
        {"type": "update", "version": 2, "stamp": two},
        {"type": "update", "version": 3, "stamp": three},
    ]
    assert hub.missed("s", Audience.PUBLIC, 3, 3, three) == []  # nothing missed: synced
    # another history's stamp at the same version (a restored log), none, or unknown: no resume
    other = LogRecord("e", "s", 1, "speaker_added", {}, "c1", 101)
    from app.hub import record_stamp

    for stamp in (record_stamp(other), None, "ffffffffffff"):
        assert hub.missed("s", Audience.PUBLIC, 1, 3, stamp) is None
        assert hub.missed("s", Audience.PUBLIC, 3, 3, stamp) is None
