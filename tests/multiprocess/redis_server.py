"""A ``redis-server`` of a test's own: the bench's (``bench/redis_server.py``), one
implementation for both."""

from __future__ import annotations

from bench.redis_server import RedisServer

__all__ = ["RedisServer"]
