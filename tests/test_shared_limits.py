"""What several processes share through Redis (app/shared_limits.py, app/auth.py): rate limits
and socket counts hold across processes; a process that dies stops counting; a revocation on
one process closes the link's sockets on another within a second, and that process's credential
cache forgets it; a rotated join code stops working everywhere; a public live page withdrawn on
one process closes on another, and its cap per address counts both. Each test starts its own
redis-server on a free port and its own PostgreSQL schema; no Redis setting changes nothing."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from redis.asyncio import Redis
from starlette.testclient import TestClient
from websockets.sync.client import connect
from websockets.typing import Origin

from app.api.connections import Guard, MemoryTransport, Trusted
from app.auth import hash_token
from app.config import Limits, Settings
from app.limits import Bucket, SharedBucket, Throttle
from app.main import create_app
from app.shared_limits import PROCS, SharedLimits
from app.tasks import cancel_and_wait
from tests.e2e.server import ORGANISER_KEY, ServerProcess

ROOT = Path(__file__).resolve().parent.parent
NO_LIMITS = Limits(**{name: 0 for name in Limits.__dataclass_fields__})
pytestmark = pytest.mark.postgres


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A redis-server of the test's own, without persistence, on a free port."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--loglevel", "notice"],
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = threading.Event()
        out = self.process.stdout
        assert out is not None

        def read() -> None:
            for line in out:
                if "Ready to accept connections" in line:
                    ready.set()
            ready.set()  # the server stopped

        threading.Thread(target=read, daemon=True).start()
        assert ready.wait(20) and self.process.poll() is None, "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def _settings(database_url: str, redis_url: str | None, **limits: int) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        organiser_key=ORGANISER_KEY,
        limits=replace(NO_LIMITS, **limits),
    )


ORGANISER = {"Authorization": f"Bearer {ORGANISER_KEY}"}


def _drain(client: TestClient) -> None:
    """Wait until what this app queued for Redis is counted there (no sleeping)."""
    throttle = client.app.state.services.throttle  # type: ignore[attr-defined]
    assert throttle.shared is not None
    assert client.portal is not None
    client.portal.call(throttle.shared.drain)


def _all_closed(client: TestClient) -> None:
    """Wait until the app has counted every socket it held as closed (a socket a test closed
    is let go by the server's handler a moment later), then until Redis has the count."""
    throttle = client.app.state.services.throttle  # type: ignore[attr-defined]

    async def closed() -> None:
        deadline = time.monotonic() + 10
        while throttle.socket_counts():
            assert time.monotonic() < deadline, throttle.socket_counts()
            await asyncio.sleep(0.01)

    assert client.portal is not None
    client.portal.call(closed)
    _drain(client)


def _caught_up(client: TestClient, event_id: str) -> None:
    """The app has taken what the other processes wrote to this meeting day (the fan-out does it
    within milliseconds; here the app is made to read the log now, so the test does not race
    the fan-out: these tests are about the limits)."""
    engine: Any = client.app.state.services.engine  # type: ignore[attr-defined]

    async def catch_up() -> None:
        await engine.catchup.audit()
        learning = engine.catchup._learning.get(event_id)
        if learning is not None:
            await learning
        await engine.catchup.read(engine.hearing(event_id))

    assert client.portal is not None
    client.portal.call(catch_up)


def _hearing(client: TestClient) -> tuple[str, str, str]:
    """An event with a live segment; (event id, segment id, join code)."""
    event = client.post("/api/v1/events", json={"title": "Day"}, headers=ORGANISER).json()
    segment = client.post(
        f"/api/v1/events/{event['id']}/segments",
        json={"title": "One", "command_id": "one"},
        headers=ORGANISER,
    ).json()
    started = client.post(
        f"/api/v1/segments/{segment['id']}/commands",
        json={"command_id": "start", "command": {"type": "start_segment"}},
        headers=ORGANISER,
    )
    assert started.status_code == 200, started.text
    return event["id"], segment["id"], event["join_code"]


def _join(client: TestClient, event_id: str, code: str, name: str = "Amina") -> Any:
    body = {"name": name, "constituency": "academia", "join_code": code}
    return client.post(f"/api/v1/events/{event_id}/participants", json=body)


# --- rate limits -------------------------------------------------------------------------------


def test_two_processes_share_the_floor_request_limit(postgres_url: str, redis_server: Any) -> None:
    """A delegate's floor requests per minute, sent through two processes in turn: the limit is
    the sum of both, not each one's (at most one more, the call in flight on the process that had
    not heard of the delegate yet)."""
    settings = _settings(postgres_url, redis_server.url, floor_requests_per_minute=4)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        event_id, segment_id, code = _hearing(a)
        token = _join(a, event_id, code).json()["token"]
        delegate = {"Authorization": f"Bearer {token}"}
        path = f"/api/v1/segments/{segment_id}/floor-requests"
        answers = []
        for number in range(12):
            client = (a, b)[number % 2]
            _caught_up(client, event_id)
            if number % 2:
                mine = client.get(f"/api/v1/segments/{segment_id}/state", headers=delegate)
                assert mine.status_code == 200
            asked = client.post(
                path, json={"command_id": f"ask-{number}", "kind": "intervention"}, headers=delegate
            )
            answers.append(asked.status_code)
            assert asked.status_code in (201, 429), asked.text
            if asked.status_code == 201:
                request_id = asked.json()["request_id"]
                withdrawn = client.delete(f"{path}/{request_id}", headers=delegate)
                answers.append(withdrawn.status_code)
            _drain(client)
        # four a minute in all (requests and withdrawals count), one more at most in flight
        assert 4 <= answers.count(201) + answers.count(200) <= 5, answers
        assert answers.count(429) >= 12 - 3
        # alone, each process would have let four through
        with TestClient(create_app(replace(settings, redis_url=None))) as alone:
            assert alone.app.state.services.throttle.shared is None  # type: ignore[attr-defined]


async def test_a_bucket_learns_what_the_others_spent(redis_server: Any) -> None:
    """The mechanism itself, on two processes' buckets over one Redis, at five calls a minute:
    the second process lets through only what the first left, after its first call."""
    one = SharedLimits(redis_server.url, "one")
    two = SharedLimits(redis_server.url, "two")
    one.start()
    two.start()
    try:
        first = SharedBucket("requests", one, 5, 60.0)
        second = SharedBucket("requests", two, 5, 60.0)
        key = ("address", "192.0.2.7")
        assert [first.wait(key) == 0 for _ in range(4)] == [True] * 4
        await one.drain()
        assert second.wait(key) == 0  # it had not heard of this address: let through
        await two.drain()  # and learns that the first spent four
        assert second.wait(key) > 0
        assert first.wait(key) == 0  # its fifth: it has not heard of the second's call yet
        await one.drain()  # now it has: five a minute, and one more in flight, in all
        assert first.wait(key) > 0
        # a key of its own is untouched
        assert second.wait(("address", "192.0.2.8")) == 0
        # alone (no Redis), a bucket is exactly today's
        alone = Bucket(5, 60.0)
        assert [alone.wait(key) == 0 for _ in range(6)] == [True] * 5 + [False]
    finally:
        await one.stop()
        await two.stop()


def test_wrong_join_codes_are_counted_across_processes(
    postgres_url: str, redis_server: Any
) -> None:
    """Wrong codes per address (3 a minute here) through two processes: the fourth waits on
    either; the right code still joins on both."""
    settings = _settings(postgres_url, redis_server.url, bad_join_codes_per_minute=3)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        _, _, code = _hearing(a)
        statuses = []
        for number in range(8):
            client = (a, b)[number % 2]
            statuses.append(client.get(f"/api/v1/join/wrong{number:06d}").status_code)
            _drain(client)
        assert statuses.count(404) <= 3 + 1, statuses
        assert statuses[-2:] == [429, 429]
        for client in (a, b):
            assert client.get(f"/api/v1/join/{code}").status_code == 200


def test_the_rest_rate_per_address_is_shared(postgres_url: str, redis_server: Any) -> None:
    """The REST rate per address, at six a minute here (the server counts per second: the same
    bucket, slowed so that the test's own time does not refill it)."""
    settings = _settings(postgres_url, redis_server.url, requests_per_second=1)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        for client in (a, b):
            throttle = client.app.state.services.throttle  # type: ignore[attr-defined]
            throttle.requests = SharedBucket("requests", throttle.shared, 6, 60.0)
        statuses = []
        for number in range(16):
            client = (a, b)[number % 2]
            statuses.append(client.get("/api/v1/health").status_code)
            _drain(client)
        assert 6 <= statuses.count(200) <= 7, statuses
        assert statuses[-4:] == [429] * 4


# --- sockets per credential ----------------------------------------------------------------------


def _link(client: TestClient, event_id: str, role: str = "display") -> tuple[str, str]:
    minted = client.post(
        f"/api/v1/events/{event_id}/access-links", json={"role": role}, headers=ORGANISER
    ).json()
    return minted["id"], minted["token"]


def test_sockets_per_link_are_counted_across_processes(
    postgres_url: str, redis_server: Any
) -> None:
    """Two sockets of a display link (the cap) on one process: a third on the other is refused;
    once they close, it is let in. The faces sign their sockets in with the session cookie, so
    the count is asked for before the handshake and known by the hello (a script sending its
    token in the hello to a process that has never seen the link gets one socket more)."""
    settings = _settings(postgres_url, redis_server.url, connections_per_token=2)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        event_id, _, _ = _hearing(a)
        _, token = _link(a, event_id)
        assert b.post("/api/v1/session", json={"token": token}).status_code == 200
        url = f"/ws/events/{event_id}"
        with contextlib.ExitStack() as held:
            for _ in range(2):
                ws = held.enter_context(a.websocket_connect(url))
                ws.send_json({"type": "hello", "token": token})
                assert ws.receive_json()["type"] == "snapshot"
            _drain(a)
            with b.websocket_connect(url) as third:  # by the cookie, as a display page does
                _drain(b)
                third.send_json({"type": "hello"})
                refused = third.receive_json()
                assert refused["code"] == "too_many_connections", refused
        _all_closed(a)  # both closed: room again on the other process
        with b.websocket_connect(url) as again:
            _drain(b)
            again.send_json({"type": "hello"})
            assert again.receive_json()["type"] == "snapshot"


async def test_stopping_ends_even_when_redis_py_swallows_the_cancellation(
    redis_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """redis-py 8.2's pipeline returns normally when a cancellation lands as its reply arrives;
    a process stopping then waited for ever for its sender (CI once hung on it, in a lifespan's
    end). Here the pipeline always does so: stopping still ends, within seconds."""
    shared = SharedLimits(redis_server.url, "here")
    in_flight = asyncio.Event()
    real = shared.redis.pipeline

    def pipeline(transaction: bool = True) -> Any:
        pipe = real(transaction=transaction)
        execute = pipe.execute

        async def swallowing(raise_on_error: bool = True) -> Any:
            replies = await execute(raise_on_error=raise_on_error)
            in_flight.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(3600)  # cancelled here, and returns as if not
            return replies

        monkeypatch.setattr(pipe, "execute", swallowing)
        return pipe

    monkeypatch.setattr(shared.redis, "pipeline", pipeline)
    shared.start()
    assert SharedBucket("requests", shared, 5, 60.0).wait(("address", "192.0.2.7")) == 0
    await asyncio.wait_for(in_flight.wait(), 10)
    tasks = list(shared._tasks)
    stopping = asyncio.get_running_loop().create_task(shared.stop())
    try:
        await asyncio.wait({stopping}, timeout=10)
        assert stopping.done(), "stopping waits for a sender that swallowed its cancellation"
        assert all(task.done() for task in tasks)
    finally:
        await cancel_and_wait([stopping, *tasks])


async def test_a_process_that_dies_stops_counting(redis_server: Any) -> None:
    """Sockets counted by a process that stops saying it is alive no longer count, and its field
    is deleted by the next count that sees it."""
    dead = SharedLimits(redis_server.url, "dead")
    live = SharedLimits(redis_server.url, "live")
    dead.start()
    live.start()
    limits = replace(NO_LIMITS, connections_per_token=3)
    held, here = Throttle(limits, shared=dead), Throttle(limits, shared=live)
    key = hash_token("a display link")
    try:
        await dead.beat()
        await live.beat()
        assert held.open_socket(key) and held.open_socket(key) and held.open_socket(key)
        await dead.drain()
        assert here.has_room(key)  # none here; the others' count is asked for
        await live.drain()
        assert not here.open_socket(key)  # the dead-to-be process holds all three
        await dead.stop()  # no heartbeat from now on (its counts stay in Redis)
        redis = Redis.from_url(redis_server.url)
        await redis.zadd(PROCS, {"dead": 0})  # last seen long ago, as after ALIVE_S
        assert not here.open_socket(key)  # what it knew
        here.has_room(key)
        await live.drain()
        assert here.open_socket(key)
        await live.drain()
        assert await redis.hkeys(f"fk:sockets:{key}") == [b"live"]
        ttl = await redis.pttl(f"fk:sockets:{key}")
        assert 0 < ttl <= 4 * 5000  # it expires unless a live process refreshes it
        await redis.aclose()
    finally:
        await live.stop()
        await dead.stop()


async def test_a_burst_of_sockets_spread_over_three_processes_stays_within_the_cap(
    redis_server: Any,
) -> None:
    """24 sockets of one display link (cap 8) opened at the same instant over three processes,
    none of which has heard of the others' yet: 8 are let in, not 8 on each (outside probe,
    2026-12-06: 22 to 24 stayed open). Each opening is counted in Redis with the others' sum
    read in the same step; one over the cap is given back."""
    processes = [SharedLimits(redis_server.url, f"p{n}") for n in range(3)]
    limits = replace(NO_LIMITS, connections_per_token=8)
    throttles = [Throttle(limits, shared=shared) for shared in processes]
    key = hash_token("a display link")
    try:
        for shared in processes:
            shared.start()
            await shared.beat()
        admitted = await asyncio.gather(*(throttles[n % 3].reserve_socket(key) for n in range(24)))
        assert sum(admitted) == 8
        held = [throttle.socket_counts().get(key, 0) for throttle in throttles]
        assert sum(held) == 8, held
        # one closes: once Redis has heard (at once, or at the next heartbeat), one more may
        # open, on any of them
        closing = held.index(max(held))
        throttles[closing].close_socket(key)
        await processes[closing].drain()
        assert await throttles[2].reserve_socket(key)
        assert not await throttles[1].reserve_socket(key)
    finally:
        for shared in processes:
            await shared.stop()


async def test_connections_per_address_are_counted_across_processes(redis_server: Any) -> None:
    """100 connections from one address on one process, a cap of 128 per address: once the
    processes have told each other (every second), the other takes 28 more from it, no more."""
    one, two = SharedLimits(redis_server.url, "one"), SharedLimits(redis_server.url, "two")
    here = Guard(total=1000, per_address=128, header_timeout=0, trusted=Trusted(""))
    there = Guard(total=1000, per_address=128, header_timeout=0, trusted=Trusted(""))
    try:
        held = [here.admit(MemoryTransport(("198.51.100.7", 40000 + n))) for n in range(100)]
        assert all(slot is not None for slot in held)
        await one._addresses([here], [])  # what one beat of each process does with its guards
        await two._addresses([there], ["one"])
        assert there.elsewhere == {"198.51.100.7": 100}
        let_in = [there.admit(MemoryTransport(("198.51.100.7", 50000 + n))) for n in range(40)]
        assert sum(slot is not None for slot in let_in) == 28
        assert there.admit(MemoryTransport(("198.51.100.8", 50000))) is not None  # another one
    finally:
        await one.stop()
        await two.stop()


def test_redis_unreachable_leaves_each_process_its_own_limits(
    postgres_url: str, redis_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(postgres_url, redis_server.url, floor_requests_per_minute=2)
    with TestClient(create_app(settings)) as a:
        event_id, segment_id, code = _hearing(a)
        token = _join(a, event_id, code).json()["token"]
        redis_server.stop()
        delegate = {"Authorization": f"Bearer {token}"}
        path = f"/api/v1/segments/{segment_id}/floor-requests"
        first = a.post(
            path, json={"command_id": "ask-one", "kind": "intervention"}, headers=delegate
        )
        assert first.status_code == 201, first.text  # never waits for Redis
        _drain(a)
        withdrawn = a.delete(f"{path}/{first.json()['request_id']}", headers=delegate)
        assert withdrawn.status_code == 200
        third = a.post(
            path, json={"command_id": "ask-two", "kind": "intervention"}, headers=delegate
        )
        assert third.status_code == 429  # this process's own count still holds
        _drain(a)
    assert "every limit is this process's own" in caplog.text


# --- revocations and join codes across real processes ------------------------------------------


def _second(postgres_url: str, redis_url: str, log: Path, monkeypatch: Any) -> ServerProcess:
    """A real ``floorkeeper serve`` on the same PostgreSQL schema and Redis, limits off."""
    for name, value in Limits.env_off().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FLOORKEEPER_REDIS_URL", redis_url)
    server = ServerProcess(postgres_url, log)
    server.start(timeout=60)
    return server


def test_a_revocation_on_one_process_closes_the_link_s_sockets_on_another_within_a_second(
    postgres_url: str, redis_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(postgres_url, redis_server.url)
    with TestClient(create_app(settings)) as a:
        event_id, _, _ = _hearing(a)
        link_id, token = _link(a, event_id)
        b = _second(postgres_url, redis_server.url, tmp_path / "b.log", monkeypatch)
        try:
            ws_url = f"ws://127.0.0.1:{b.port}/ws/events/{event_id}"
            with connect(ws_url, origin=Origin(b.base)) as screen:
                screen.send(orjson.dumps({"type": "hello", "token": token}).decode())
                assert orjson.loads(screen.recv(timeout=10))["type"] == "snapshot"
                bearer = {"Authorization": f"Bearer {token}"}
                assert httpx.get(f"{b.base}/api/v1/session", headers=bearer).status_code == 200
                revoked_at = time.monotonic()
                gone = a.delete(
                    f"/api/v1/events/{event_id}/access-links/{link_id}", headers=ORGANISER
                )
                assert gone.status_code == 204
                frames = []
                with contextlib.suppress(Exception):
                    while True:
                        frames.append(orjson.loads(screen.recv(timeout=1.0)))
                closed_after = time.monotonic() - revoked_at
                assert screen.close_code == 4401, (screen.close_code, frames)
                assert frames[-1]["code"] == "unauthenticated"
                assert closed_after < 1.0, closed_after
            # the other process's credential cache forgot it: refused there too
            assert httpx.get(f"{b.base}/api/v1/session", headers=bearer).status_code == 401
        finally:
            b.stop()


def test_a_rotated_join_code_stops_working_on_every_process_within_a_second(
    postgres_url: str, redis_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(postgres_url, redis_server.url)
    with TestClient(create_app(settings)) as a:
        event_id, _, old = _hearing(a)
        _, token = _link(a, event_id)
        b = _second(postgres_url, redis_server.url, tmp_path / "b.log", monkeypatch)
        try:
            assert httpx.get(f"{b.base}/api/v1/join/{old}").status_code == 200
            with connect(
                f"ws://127.0.0.1:{b.port}/ws/events/{event_id}", origin=Origin(b.base)
            ) as screen:
                screen.send(orjson.dumps({"type": "hello", "token": token}).decode())
                assert orjson.loads(screen.recv(timeout=10))["type"] == "snapshot"
                rotated_at = time.monotonic()
                new = a.post(f"/api/v1/events/{event_id}/join-code", headers=ORGANISER).json()
                code = new["join_code"]
                while True:  # the display on the other process is sent a fresh snapshot
                    frame = orjson.loads(screen.recv(timeout=1.0))
                    if frame["type"] == "snapshot":
                        break
                assert time.monotonic() - rotated_at < 1.0
                assert code in screen_text(frame)
            assert httpx.get(f"{b.base}/api/v1/join/{old}").status_code == 404
            assert httpx.get(f"{b.base}/api/v1/join/{code}").status_code == 200
        finally:
            b.stop()


def _publish(client: TestClient, event_id: str, published: bool) -> None:
    body = {"live_published": published}
    response = client.patch(f"/api/v1/events/{event_id}", json=body, headers=ORGANISER)
    assert response.status_code == 200, response.text


def test_live_pages_per_address_are_counted_across_processes(
    postgres_url: str, redis_server: Any
) -> None:
    """The public live page's cap per address holds over two processes: two pages on one, a
    third from the same address on the other is refused; once they close, it is let in."""
    settings = _settings(postgres_url, redis_server.url, live_connections_per_address=2)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        event_id, _, _ = _hearing(a)
        _publish(a, event_id, True)
        _caught_up(b, event_id)  # b has read the published row
        url = f"/ws/live/{event_id}"
        with contextlib.ExitStack() as held:
            for _ in range(2):
                ws = held.enter_context(a.websocket_connect(url))
                ws.send_json({"type": "hello"})
                assert ws.receive_json()["type"] == "snapshot"
            _drain(a)
            with b.websocket_connect(url) as third:
                _drain(b)  # the others' count, asked for before the hello, is known
                third.send_json({"type": "hello"})
                refused = third.receive_json()
                assert refused["code"] == "too_many_connections", refused
        _all_closed(a)  # both closed: room again on the other process
        with b.websocket_connect(url) as again:
            _drain(b)
            again.send_json({"type": "hello"})
            assert again.receive_json()["type"] == "snapshot"


def test_a_live_page_published_or_withdrawn_on_one_process_follows_on_another_within_a_second(
    postgres_url: str, redis_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page open on B before the page is published waits there; published through A, it is
    sent the floor within a second (the change crosses Redis); withdrawn through A, it is told
    so within a second and sent nothing more, its socket still open."""
    settings = _settings(postgres_url, redis_server.url)
    with TestClient(create_app(settings)) as a:
        event_id, _, _ = _hearing(a)
        b = _second(postgres_url, redis_server.url, tmp_path / "b.log", monkeypatch)
        try:
            ws_url = f"ws://127.0.0.1:{b.port}/ws/live/{event_id}"
            with connect(ws_url, origin=Origin(b.base)) as page:
                page.send(orjson.dumps({"type": "hello"}).decode())
                first = orjson.loads(page.recv(timeout=10))
                assert (first["type"], first["code"]) == ("error", "not_published"), first
                published_at = time.monotonic()
                _publish(a, event_id, True)
                assert orjson.loads(page.recv(timeout=10))["type"] == "snapshot"
                assert time.monotonic() - published_at < 1.0
                withdrawn_at = time.monotonic()
                _publish(a, event_id, False)
                told = orjson.loads(page.recv(timeout=10))
                assert (told["type"], told["code"]) == ("error", "not_published"), told
                assert time.monotonic() - withdrawn_at < 1.0
                page.send(orjson.dumps({"type": "ping", "t": 1}).decode())
                assert orjson.loads(page.recv(timeout=10))["type"] == "pong"  # still open
        finally:
            b.stop()


def screen_text(frame: dict[str, Any]) -> str:
    return orjson.dumps(frame).decode()


# --- no Redis: nothing changes -------------------------------------------------------------------


def test_without_redis_the_limits_are_the_process_s_own(sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, organiser_key=ORGANISER_KEY)
    with TestClient(create_app(settings)) as alone:
        throttle = alone.app.state.services.throttle  # type: ignore[attr-defined]
        assert throttle.shared is None
        assert type(throttle.requests) is Bucket and type(throttle.joining.per_address) is Bucket
        assert alone.app.state.services.auth._fanout is None  # type: ignore[attr-defined]
