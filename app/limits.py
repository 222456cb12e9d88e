"""Per-client limits, so that one broken or hostile phone cannot crowd out the room.

Token buckets keyed by who is asking (a credential, a participant, a network address). The
numbers come from ``Limits`` (``app/config.py``, ``FLOORKEEPER_*``); ``0`` turns a limit off.
A refused call answers ``429 rate_limited`` (an error frame on a socket) with how long to wait;
nothing it carried is applied, so a client retries it later with the same command id.
The organiser's key is not limited: it is the secretariat's own scripting tool.

With several processes (``--redis-url``) the same buckets are given a ``SharedLimits``
(``app/shared_limits.py``): every call a bucket lets through is counted in Redis too, and what
Redis answers (every process's calls) lowers the bucket; a process still decides at once, never
waiting for Redis. Without it, each limit is the process's own, exactly as here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import Limits
from .floor import FloorError

if TYPE_CHECKING:
    from .shared_limits import SharedLimits

#: Buckets kept per limit before the idle ones (full again) are forgotten.
MAX_KEYS = 50_000
#: Several processes: how long what Redis said of the others' sockets of a credential counts.
ELSEWHERE_S = 10.0


class RateLimited(FloorError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = max(1, int(retry_after_s + 0.999))
        self.detail = {"retry_after_s": self.retry_after_s}


@dataclass
class _Bucket:
    tokens: float
    at: float


class Bucket:
    """``rate`` calls per ``per_s`` seconds, with bursts of up to ``burst`` calls."""

    def __init__(
        self,
        rate: int,
        per_s: float,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.per_s = per_s
        self.capacity = float(burst if burst is not None else rate)
        self.clock = clock
        self._buckets: dict[Hashable, _Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def _refill(self, key: Hashable, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_KEYS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        else:
            refill = (now - bucket.at) * self.rate / self.per_s
            bucket.tokens = min(self.capacity, bucket.tokens + refill)
            bucket.at = now
        return bucket

    def _forget_full(self, now: float) -> None:
        for key in [k for k, b in self._buckets.items() if self._refill(k, now).tokens >= 1]:
            del self._buckets[key]

    def wait(self, key: Hashable) -> float:
        """Take one call for ``key``: 0 if it may go ahead, else the seconds until it may."""
        if not self.enabled:
            return 0.0
        bucket = self._refill(key, self.clock())
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) * self.per_s / self.rate

    def blocked(self, key: Hashable) -> float:
        """Like ``wait`` but takes nothing: 0 if ``key`` has calls left."""
        if not self.enabled:
            return 0.0
        bucket = self._refill(key, self.clock())
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) * self.per_s / self.rate

    def take(self, key: Hashable, what: str) -> None:
        """Take one call for ``key`` or raise ``RateLimited`` naming ``what`` was too frequent."""
        delay = self.wait(key)
        if delay:
            raise RateLimited(f"too many {what}: wait {delay:.0f} s and retry", delay)

    def learn(self, key: Hashable, ahead_s: float, at: float) -> None:
        """What the shared count said of ``key`` at ``at`` (this clock): its calls, every
        process's, are ``ahead_s`` seconds ahead of their rate. The bucket keeps the fewer
        tokens of its own and that."""
        if not self.enabled:
            return
        now = self.clock()
        shared = self.capacity - ahead_s * self.rate / self.per_s
        shared = min(self.capacity, shared + max(0.0, now - at) * self.rate / self.per_s)
        bucket = self._refill(key, now)
        bucket.tokens = min(bucket.tokens, shared)


class SharedBucket(Bucket):
    """A ``Bucket`` whose calls are also counted in Redis for every process (``SharedLimits``);
    it decides on its own tokens, which Redis's answers lower."""

    def __init__(
        self,
        name: str,
        shared: SharedLimits,
        rate: int,
        per_s: float,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(rate, per_s, burst, clock)
        self.name = name
        self.shared = shared

    def wait(self, key: Hashable) -> float:
        delay = super().wait(key)
        if not delay and self.enabled:
            self.shared.took(self, self.name, key)
        return delay


class JoinGuard:
    """Wrong join codes, counted so that one phone cannot guess and cannot lock out the room.

    A right code is never refused here: it is looked up first, and only a wrong one is counted,
    per network address (``per_minute`` a minute; a whole venue shares one public address, so
    a guessing phone makes only wrong guesses wait) and per browser (a cookie), whose waits
    double with every wrong code past the first few (1 s, 2 s, 4 s … up to 5 minutes). With
    codes of 8 signs of 31 and the REST limit per address, guessing is hopeless (``join_codes``)."""

    FREE = 3  # wrong codes a browser may make before it waits (typos)
    MAX_WAIT_S = 300.0
    #: several processes: how long Redis remembers a browser's wrong codes after its last wait
    FORGET_S = 3600.0

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedLimits | None = None,
    ) -> None:
        self.per_address = (
            Bucket(per_minute, 60.0, clock=clock)
            if shared is None
            else SharedBucket("bad_join_codes", shared, per_minute, 60.0, clock=clock)
        )
        self.clock = clock
        self.shared = shared
        self._browsers: dict[str, tuple[int, float]] = {}  # id → (wrong codes, wait until)

    @property
    def enabled(self) -> bool:
        return self.per_address.enabled

    def wrong_code(self, address: str, browser: str | None) -> None:
        """Count a wrong code; raise ``RateLimited`` if this address or browser must wait first
        (the guess is then not counted again)."""
        if not self.enabled:
            return
        now = self.clock()
        if browser is not None:
            count, until = self._browsers.get(browser, (0, 0.0))
            if now < until:
                raise RateLimited(
                    f"too many wrong join codes from this browser: wait {until - now:.0f} s, "
                    "then check the link or scan the QR code on the room screen",
                    until - now,
                )
            count += 1
            wait = (
                0.0 if count <= self.FREE else min(self.MAX_WAIT_S, 2.0 ** (count - self.FREE - 1))
            )
            if len(self._browsers) >= MAX_KEYS:
                self._browsers = {k: v for k, v in self._browsers.items() if v[1] > now}
            self._browsers[browser] = (count, now + wait)
            if self.shared is not None:
                self.shared.wrong_code(self, browser)
        delay = self.per_address.wait(address)
        if delay:
            raise RateLimited(
                f"too many wrong join codes from this network: wait {delay:.0f} s (a right code "
                "still works)",
                delay,
            )

    def learn_browser(self, browser: str, count: int, wait_s: float, at: float) -> None:
        """What Redis counts of a browser's wrong codes (every process's): its count, and the
        seconds it still had to wait at ``at``. The larger of each is kept."""
        known_count, known_until = self._browsers.get(browser, (0, 0.0))
        self._browsers[browser] = (max(known_count, count), max(known_until, at + wait_s))


class Throttle:
    """Every limit of one server (and, with ``shared``, of every process: app/shared_limits.py)."""

    def __init__(
        self,
        limits: Limits,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedLimits | None = None,
    ) -> None:
        self.limits = limits
        self.shared = shared
        per_s = limits.requests_per_second

        def bucket(name: str, rate: int, per: float, burst: int | None = None) -> Bucket:
            if shared is None:
                return Bucket(rate, per, burst=burst, clock=clock)
            return SharedBucket(name, shared, rate, per, burst=burst, clock=clock)

        self.requests = bucket("requests", per_s, 1.0, burst=2 * per_s)
        self.floor_requests = bucket("floor_requests", limits.floor_requests_per_minute, 60.0)
        self.contributions = bucket("contributions", limits.contributions_per_minute, 60.0)
        self.joins = bucket("joins", limits.joins_per_minute, 60.0)
        self.joining = JoinGuard(limits.bad_join_codes_per_minute, clock=clock, shared=shared)
        self.clock = clock
        self._sockets: dict[Hashable, int] = {}
        #: several processes: the sockets the others hold, per credential, as Redis last said
        #: (and when it said so, by ``clock``)
        self._elsewhere: dict[Hashable, tuple[int, float]] = {}
        #: several processes: one opening of a credential's socket at a time (``reserve_socket``)
        self._reserving: dict[Hashable, asyncio.Lock] = {}
        if shared is not None:
            shared.throttles.append(self)

    def frames(self) -> Bucket:
        """A fresh bucket for one WebSocket's incoming frames (twice the rate as its burst)."""
        rate = self.limits.ws_messages_per_second
        return Bucket(rate, 1.0, burst=2 * rate, clock=self.clock)

    # --- sockets per credential -------------------------------------------------------------------

    def has_room(self, key: Hashable | None, limit: int | None = None) -> bool:
        """Whether a credential may open one more socket here (asked before the handshake).
        Several processes: the others' count is asked for now, to be known by the socket's
        hello, when ``open_socket`` decides. ``limit``: another cap than a credential's (the
        live page's sockets per address, keyed ``("live", address)``)."""
        if limit is None:
            limit = self.limits.connections_per_token
        if key is None or not limit:
            return True
        if self.shared is not None and key not in self._sockets:
            self.shared.sockets(self, key, 0)
        return self._sockets.get(key, 0) < limit

    def _held(self, key: Hashable) -> int:
        """This process's sockets of the credential, and the others' as Redis last said (if it
        said so lately: an old answer is no answer)."""
        held = self._sockets.get(key, 0)
        elsewhere = self._elsewhere.get(key)
        if elsewhere is not None and self.clock() - elsewhere[1] <= ELSEWHERE_S:
            held += elsewhere[0]
        return held

    def open_socket(self, key: Hashable | None, limit: int | None = None) -> bool:
        """Count one more socket for a credential; False (and nothing counted) if it is full.

        ``None`` (the organiser) is never counted. ``limit``: as in ``has_room``."""
        if key is None:
            return True
        if limit is None:
            limit = self.limits.connections_per_token
        if limit and self._held(key) >= limit:
            return False
        count = self._sockets[key] = self._sockets.get(key, 0) + 1
        if self.shared is not None:
            self.shared.sockets(self, key, count)
        return True

    async def reserve_socket(self, key: Hashable | None, limit: int | None = None) -> bool:
        """``open_socket``, exact across processes: with Redis, the socket is counted there and
        the others' sockets are read in the same atomic step (``SharedLimits.reserve``) before
        it is let in, one opening of a credential at a time per process, so a burst of sockets
        spread over the processes cannot pass the cap (each would otherwise decide on what
        Redis said before any of the others counted theirs). Redis slow or unreachable: the
        process's own decision, as ``open_socket``."""
        if limit is None:
            limit = self.limits.connections_per_token
        if key is None or self.shared is None or not limit:
            return self.open_socket(key, limit)
        if len(self._reserving) >= MAX_KEYS:
            self._reserving = {k: v for k, v in self._reserving.items() if v.locked()}
        lock = self._reserving.setdefault(key, asyncio.Lock())
        async with lock:
            if self._sockets.get(key, 0) >= limit:  # full here: no need to ask
                return False
            count = self._sockets.get(key, 0) + 1
            others = await self.shared.reserve(self, key, count)
            if others is None:  # no answer in time: counted here, and told when Redis can
                return self.open_socket(key, 0)
            self.learn_sockets(key, others)
            if count + others > limit:  # over the cap, every process counted: not let in
                await self.shared.reserve(self, key, self._sockets.get(key, 0))
                return False
            # counted here; Redis has it already (a queued write of it could land after the
            # next opening's, which would count one socket too few)
            self._sockets[key] = self._sockets.get(key, 0) + 1
            return True

    def close_socket(self, key: Hashable | None) -> None:
        if key is None:
            return
        count = self._sockets.get(key, 0) - 1
        if count > 0:
            self._sockets[key] = count
        else:
            self._sockets.pop(key, None)
        if self.shared is not None:
            self.shared.sockets(self, key, max(0, count))

    def socket_counts(self) -> dict[Hashable, int]:
        """The sockets this process holds, per credential."""
        return dict(self._sockets)

    def learn_sockets(self, key: Hashable, others: int) -> None:
        """Several processes: the others hold ``others`` sockets of this credential."""
        if len(self._elsewhere) >= MAX_KEYS:
            self._elsewhere = {k: v for k, v in self._elsewhere.items() if k in self._sockets}
        self._elsewhere[key] = (others, self.clock())
