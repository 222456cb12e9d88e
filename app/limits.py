"""Per-client limits, so that one broken or hostile phone cannot crowd out the room.

Token buckets keyed by who is asking (a credential, a participant, a network address). The
numbers come from ``Limits`` (``app/config.py``, ``FLOORKEEPER_*``); ``0`` turns a limit off.
A refused call answers ``429 rate_limited`` (an error frame on a socket) with how long to wait;
nothing it carried is applied, so a client retries it later with the same command id.
The organiser's key is not limited: it is the secretariat's own scripting tool.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from .config import Limits
from .floor import FloorError

#: Buckets kept per limit before the idle ones (full again) are forgotten.
MAX_KEYS = 50_000


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


class JoinGuard:
    """Wrong join codes, counted so that one phone cannot guess and cannot lock out the room.

    A right code is never refused here: it is looked up first, and only a wrong one is counted,
    per network address (``per_minute`` a minute; a whole venue shares one public address, so
    a guessing phone makes only wrong guesses wait) and per browser (a cookie), whose waits
    double with every wrong code past the first few (1 s, 2 s, 4 s … up to 5 minutes). With
    48-bit codes and the REST limit per address, guessing is hopeless (``join_codes``)."""

    FREE = 3  # wrong codes a browser may make before it waits (typos)
    MAX_WAIT_S = 300.0

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_address = Bucket(per_minute, 60.0, clock=clock)
        self.clock = clock
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
        delay = self.per_address.wait(address)
        if delay:
            raise RateLimited(
                f"too many wrong join codes from this network: wait {delay:.0f} s (a right code "
                "still works)",
                delay,
            )


class Throttle:
    """Every limit of one server."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        per_s = limits.requests_per_second
        self.requests = Bucket(per_s, 1.0, burst=2 * per_s, clock=clock)
        self.floor_requests = Bucket(limits.floor_requests_per_minute, 60.0, clock=clock)
        self.joins = Bucket(limits.joins_per_minute, 60.0, clock=clock)
        self.joining = JoinGuard(limits.bad_join_codes_per_minute, clock=clock)
        self.clock = clock
        self._sockets: dict[Hashable, int] = {}

    def frames(self) -> Bucket:
        """A fresh bucket for one WebSocket's incoming frames (twice the rate as its burst)."""
        rate = self.limits.ws_messages_per_second
        return Bucket(rate, 1.0, burst=2 * rate, clock=self.clock)

    # --- sockets per credential -------------------------------------------------------------------

    def has_room(self, key: Hashable | None) -> bool:
        limit = self.limits.connections_per_token
        return key is None or not limit or self._sockets.get(key, 0) < limit

    def open_socket(self, key: Hashable | None) -> bool:
        """Count one more socket for a credential; False (and nothing counted) if it is full.

        ``None`` (the organiser) is never counted."""
        if key is None:
            return True
        limit = self.limits.connections_per_token
        count = self._sockets.get(key, 0)
        if limit and count >= limit:
            return False
        self._sockets[key] = count + 1
        return True

    def close_socket(self, key: Hashable | None) -> None:
        if key is None:
            return
        count = self._sockets.get(key, 0) - 1
        if count > 0:
            self._sockets[key] = count
        else:
            self._sockets.pop(key, None)
