"""Join codes: the short secret in the delegates' join link and QR code. Written once, here.

A code is 8 URL-safe characters (48 bits), short enough to type from the room screen. Guessing is
hopeless at the allowed rate: with the REST limit of 50 requests a second from one address
(``Limits.requests_per_second``), finding one event's code takes 2^47 / 50 s, about 89,000 years
on average; wrong codes are also counted per address and per browser (``limits.JoinGuard``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .hearing import Hearing

#: Bytes of randomness in a code (base64url: 4 characters per 3 bytes).
CODE_BYTES = 6


def new_join_code() -> str:
    """Eight URL-safe characters (48 bits)."""
    return secrets.token_urlsafe(CODE_BYTES)


def matches(expected: str, given: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (``compare_digest`` raises
    ``TypeError`` on a ``str`` with non-ASCII characters: a 500 for ``/join/%C3%A9``)."""
    raw = [code.encode("utf-8", "surrogatepass") for code in (expected, given)]
    return secrets.compare_digest(raw[0], raw[1])


def hearing_with_code(hearings: Iterable[Hearing], given: str) -> Hearing | None:
    """The meeting day whose join code is ``given`` (every one is compared, in constant time)."""
    found = None
    for hearing in hearings:
        if matches(hearing.event.join_code, given):
            found = hearing
    return found


def join_url(base: str, join_code: str) -> str:
    return f"{base.rstrip('/')}/join/{join_code}"
