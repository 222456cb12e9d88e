"""The limits and connection counts several processes share through Redis (``--redis-url``).

Without Redis every limit is the process's own (``app/limits.py``), as it always was. With it,
each limit is counted in Redis too, and each process decides on what Redis last told it:

- **Rate limits** (the REST rate per credential or address, joins and wrong join codes per
  address, wrong codes per browser, floor requests per delegate): a process decides at once, on
  its own bucket, as before — nothing waits for Redis, so a slow or absent Redis never slows a
  request. Every call it lets through is then counted in Redis by an atomic Lua script (GCRA:
  one key per bucket holding its theoretical arrival time, kept only as long as it matters,
  ``PX``), whose answer — how far ahead the shared count is, every process's calls included —
  lowers the process's bucket to it. So a process refuses as soon as it has heard that the
  others spent the allowance: the shared limit holds, give or take the calls in flight when it
  ran out (at most about one per other process, at a burst's edge; the tests count them).
- **Wrong join codes per browser**: the count and the wait it earns, in one hash per browser,
  incremented by a Lua script; the process keeps the larger of its own and Redis's.
- **Sockets per credential**: each process writes its own count of a credential's sockets into
  that credential's hash (``fk:sockets:{key}``, one field per process), and reads back the sum of
  the others', counting only processes whose heartbeat (``fk:procs``, a sorted set of the last
  instant each process was seen, every second) is less than ``ALIVE_S`` old: a process that dies
  stops counting within seconds, and its fields are deleted by the next script that sees them.
  A process admits a socket if its own count and the others' last known sum leave room; then it
  counts it in Redis and reads the others' sum in the same script, awaited (``reserve``, up to
  half a second), and gives it back if the sum is over the cap: a burst of sockets spread over
  the processes at once cannot pass it (each would otherwise decide on a sum from before the
  others counted theirs).
- **Connections per address** (``api/connections.py``): each process publishes, every second,
  the addresses holding at least a sixty-fourth of the cap (``fk:addresses:{process}``, a hash
  that expires unless refreshed), and sums the others' into each ``Guard``'s ``elsewhere``.

Redis unreachable: the limits are the process's own until it is back (logged once each way).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .api import connections
from .tasks import cancel_and_wait

if TYPE_CHECKING:
    from .limits import Bucket, JoinGuard, Throttle

log = logging.getLogger("floorkeeper.shared_limits")

#: How often a process says it is alive and refreshes what it counts (seconds).
HEARTBEAT_S = 1.0
#: A process not seen for this long no longer counts (its sockets are assumed gone).
ALIVE_S = 5.0
#: Operations waiting for Redis beyond this are dropped (the limits are then the process's own).
QUEUE_LIMIT = 20_000
#: How long a socket's opening waits for Redis to count it against the others' (seconds).
RESERVE_S = 0.5
#: The addresses a process publishes: those holding at least this share of the cap per address.
ADDRESS_SHARE = 64

PROCS = "fk:procs"

#: KEYS: the bucket. ARGV: the interval between two calls (ms), as a string. A call let through:
#: the bucket's theoretical arrival time moves one interval on from now or from where it was
#: (GCRA). Returns how far ahead of now it is (ms), every process's calls included.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
tat = tat + tonumber(ARGV[1])
local ahead = tat - now
redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil(ahead) + 1000)
return string.format('%.3f', ahead)
"""

#: KEYS: the browser's hash. ARGV: wrong codes free, the longest wait (ms), how long a browser is
#: remembered after its wait (ms). One more wrong code; returns {count, ms left to wait}.
_WRONG_CODE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
local free = tonumber(ARGV[1])
local wait = 0
if count > free then wait = math.min(tonumber(ARGV[2]), 1000 * 2 ^ (count - free - 1)) end
local until_at = now + wait
local before = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if before > until_at then until_at = before end
redis.call('HSET', KEYS[1], 'until', string.format('%.3f', until_at))
redis.call('PEXPIRE', KEYS[1], math.ceil(until_at - now) + tonumber(ARGV[3]))
return {count, string.format('%.3f', until_at - now)}
"""

#: KEYS: a credential's sockets hash, the processes' sorted set. ARGV: this process, its count,
#: how long a process counts after it was last seen (ms), the hash's time to live (ms). Writes
#: this process's count, deletes the fields of processes no longer alive, returns the others' sum.
_SOCKETS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
if tonumber(ARGV[2]) > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
end
local fields = redis.call('HGETALL', KEYS[1])
local others = 0
for i = 1, #fields, 2 do
  if fields[i] ~= ARGV[1] then
    local seen = redis.call('ZSCORE', KEYS[2], fields[i])
    if seen and tonumber(seen) >= now - tonumber(ARGV[3]) then
      others = others + tonumber(fields[i + 1])
    else
      redis.call('HDEL', KEYS[1], fields[i])
    end
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return others
"""

#: KEYS: the processes' sorted set. ARGV: this process, how long a process counts (ms). Says this
#: process is alive now, forgets those long gone, returns the others alive.
_ALIVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
redis.call('PEXPIRE', KEYS[1], 86400000)
local alive = redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[2]), '+inf')
local others = {}
for _, who in ipairs(alive) do
  if who ~= ARGV[1] then table.insert(others, who) end
end
return others
"""


def key_text(key: Hashable) -> str:
    """A limit's key as Redis names it: ``("token", digest)`` → ``token:digest``."""
    if isinstance(key, tuple):
        return ":".join(str(part) for part in key)
    return str(key)


@dataclass(slots=True)
class _Op:
    script: str
    keys: list[str]
    args: list[str | int | float]
    reply: Callable[[Any, float], None]


class SharedLimits:
    """One process's side of the shared limits (see the module's docstring). Its methods never
    wait: they queue what Redis must count, and a task sends it, pipelined, as soon as it can."""

    def __init__(
        self,
        url: str,
        origin: str,
        *,
        heartbeat_s: float = HEARTBEAT_S,
        alive_s: float = ALIVE_S,
        clock: Callable[[], float] = time.monotonic,
        prefix: str = "fk:",
    ) -> None:
        # only now: a process without --redis-url never imports redis-py (its start is sooner)
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        # no retries inside redis-py: a limit is counted once or not at all (never late)
        self.redis = Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2, retry=Retry(NoBackoff(), 0)
        )
        self.origin = origin
        #: every key's prefix: the database's (``fanout.prefix_of``), so that a copy of the
        #: database served against the same Redis never shares production's limits
        self.prefix = prefix
        self.procs = f"{prefix}procs"
        self.heartbeat_s = heartbeat_s
        self.alive_ms = int(alive_s * 1000)
        self.clock = clock
        self.throttles: list[Throttle] = []
        self.up = True
        self._scripts = {
            source: self.redis.register_script(source)
            for source in (_TAKE, _WRONG_CODE, _SOCKETS, _ALIVE)
        }
        self._ops: deque[_Op] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._tasks: list[asyncio.Task[None]] = []

    # --- what the limits queue --------------------------------------------------------------

    def took(self, bucket: Bucket, name: str, key: Hashable) -> None:
        """A call of ``key`` let through by ``bucket``: count it in Redis, and lower the bucket
        to what Redis says every process has spent."""
        interval_ms = 1000.0 * bucket.per_s / bucket.rate

        def reply(ahead_ms: Any, at: float) -> None:
            bucket.learn(key, float(ahead_ms) / 1000.0, at)

        self._queue(
            _Op(
                _TAKE, [f"{self.prefix}limit:{name}:{key_text(key)}"], [f"{interval_ms:.3f}"], reply
            )
        )

    def wrong_code(self, guard: JoinGuard, browser: str) -> None:
        """A wrong join code from ``browser`` (counted here): count it in Redis too."""

        def reply(answer: Any, at: float) -> None:
            count, wait_ms = answer
            guard.learn_browser(browser, int(count), float(wait_ms) / 1000.0, at)

        args: list[str | int | float] = [
            guard.FREE,
            int(guard.MAX_WAIT_S * 1000),
            int(guard.FORGET_S * 1000),
        ]
        self._queue(_Op(_WRONG_CODE, [f"{self.prefix}browser:{browser}"], args, reply))

    def sockets(self, throttle: Throttle, key: Hashable, count: int) -> None:
        """This process holds ``count`` sockets of ``key`` now: say so, and learn the others'."""

        def reply(others: Any, at: float) -> None:
            throttle.learn_sockets(key, int(others))

        args: list[str | int | float] = [self.origin, count, self.alive_ms, self.alive_ms * 4]
        self._queue(
            _Op(_SOCKETS, [f"{self.prefix}sockets:{key_text(key)}", self.procs], args, reply)
        )

    async def reserve(self, throttle: Throttle, key: Hashable, count: int) -> int | None:
        """This process holds ``count`` sockets of ``key`` now, one of them just opened: say so
        and learn the others' sum in one atomic step, waiting for the answer (at most
        ``RESERVE_S``); None if Redis is down or slow (the caller decides on its own count)."""
        if not self.up:
            return None
        args: list[str | int | float] = [self.origin, count, self.alive_ms, self.alive_ms * 4]
        try:
            others = await asyncio.wait_for(
                self._scripts[_SOCKETS](
                    keys=[f"{self.prefix}sockets:{key_text(key)}", self.procs], args=args
                ),
                RESERVE_S,
            )
        except asyncio.CancelledError:
            raise
        except Exception:  # the sender's next try says whether Redis is down
            return None
        return int(others)

    async def first_press(self, key: str, made: str, window_ms: int) -> tuple[str, int] | None:
        """A button box's press (``made``, its command id and command as text): the first press
        of ``key`` within ``window_ms`` on any process (``SET NX PX``: a bounce sent to another
        process behind the proxy is the same press), with how long its window has left (ms); or
        None if Redis is down or slow (at most ``RESERVE_S``: the caller then decides on its own
        memory, as one process does)."""
        if not self.up:
            return None
        name = f"{self.prefix}press:{key}"
        try:
            async with asyncio.timeout(RESERVE_S):
                for _ in range(3):  # the first press's key may expire between SET and GET
                    if await self.redis.set(name, made, nx=True, px=window_ms):
                        return made, window_ms
                    async with self.redis.pipeline(transaction=False) as pipe:
                        pipe.get(name)
                        pipe.pttl(name)
                        first, left = await pipe.execute()
                    if first is not None:
                        return str(_text(first)), max(int(left), 0)
        except asyncio.CancelledError:
            raise
        except Exception:  # the sender's next try says whether Redis is down
            return None
        return None

    def _queue(self, op: _Op) -> None:
        if not self.up and self._tasks:
            return  # Redis is away: the limits are this process's own until it is back
        self._ops.append(op)
        while len(self._ops) > QUEUE_LIMIT:
            self._ops.popleft()
        self._idle.clear()
        self._wake.set()

    # --- running ------------------------------------------------------------------------------

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._send()), loop.create_task(self._beat())]

    async def stop(self) -> None:
        await cancel_and_wait(self._tasks)
        self._tasks = []
        with contextlib.suppress(Exception):
            await self.redis.aclose()

    async def drain(self) -> None:
        """Wait until everything queued so far has been counted in Redis (or dropped)."""
        while self._ops or not self._idle.is_set():
            self._wake.set()
            await self._idle.wait()

    def _down(self, error: BaseException) -> None:
        if self.up:
            log.warning(
                "Redis is unreachable (%s): every limit is this process's own until it is back",
                error,
            )
        self.up = False
        self._ops.clear()

    def _back(self) -> None:
        if not self.up:
            log.warning("Redis is reachable again: the limits are shared again")
        self.up = True

    async def _send(self) -> None:
        while True:
            if not self._ops:
                self._idle.set()
                await self._wake.wait()
                self._wake.clear()
                continue
            batch = [self._ops.popleft() for _ in range(min(500, len(self._ops)))]
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for op in batch:
                        await self._scripts[op.script](keys=op.keys, args=op.args, client=pipe)
                    replies = await pipe.execute(raise_on_error=False)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._down(error)
                continue
            self._back()
            at = self.clock()
            for op, answer in zip(batch, replies, strict=True):
                if isinstance(answer, Exception):
                    log.warning("Redis refused a limit's script: %s", answer)
                    continue
                op.reply(_text(answer), at)

    async def _beat(self) -> None:
        """Every ``heartbeat_s``: this process is alive; its sockets and addresses are told again
        (refreshing their time to live, and learning the others')."""
        while True:
            try:
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._down(error)
            await asyncio.sleep(self.heartbeat_s)

    async def beat(self) -> None:
        others = [
            _text(who)
            for who in await self._scripts[_ALIVE](
                keys=[self.procs], args=[self.origin, self.alive_ms]
            )
        ]
        self._back()
        for throttle in self.throttles:
            for key, count in throttle.socket_counts().items():
                self.sockets(throttle, key, count)
        guards = list(connections.GUARDS)
        if guards:
            await self._addresses(guards, others)

    async def _addresses(self, guards: list[connections.Guard], others: list[str]) -> None:
        mine: dict[str, int] = {}
        for guard in guards:
            if guard.per_address:
                floor = max(1, guard.per_address // ADDRESS_SHARE)
                for address, count in guard.by_address.most_common(1000):
                    if count < floor:
                        break
                    mine[address] = mine.get(address, 0) + count
        own = f"{self.prefix}addresses:{self.origin}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(own)
            if mine:
                pipe.hset(own, mapping=mine)  # type: ignore[arg-type]
                pipe.pexpire(own, self.alive_ms)
            for who in others:
                pipe.hgetall(f"{self.prefix}addresses:{who}")
            replies = await pipe.execute()
        elsewhere: dict[str, int] = {}
        for counts in replies[(3 if mine else 1) :]:
            for address, count in counts.items():
                name = _text(address)
                elsewhere[name] = elsewhere.get(name, 0) + int(count)
        for guard in guards:
            guard.elsewhere = elsewhere


def _text(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, list):
        return [_text(item) for item in value]
    return value
