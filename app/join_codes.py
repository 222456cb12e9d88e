"""Join codes: the short secret in the delegates' join link and QR code. Written once, here.

A code is 8 characters read off the room screen and typed on a phone, so it is made of capital
letters and digits that cannot be taken for one another (no 0 and O, no 1, I and L: 31 signs,
39.6 bits), and it is compared without case, spaces or hyphens ("k7qm 2pxa" and "K7QM-2PXA"
are K7QM2PXA). Guessing is
hopeless at the allowed rate: with the REST limit of 50 requests a second from one address
(``Limits.requests_per_second``), finding one event's code takes 31^8 / 2 / 50 s, about 270 years
on average; wrong codes are also counted per address and per browser (``limits.JoinGuard``), which
makes a guesser wait long before that. Codes made before (URL-safe base64, mixed case) still work.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .hearing import Hearing

#: The signs of a code: capital letters and digits, none that reads as another.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#: Characters in a code.
CODE_LENGTH = 8


def new_join_code() -> str:
    """Eight signs of ``ALPHABET``, drawn by ``secrets``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


#: What people put between a code's two groups of four, besides a space: hyphens and dashes
#: (outside probe G: "EYMR-9N5Y" was refused); none is a sign of a code (``ALPHABET``).
_SEPARATORS = str.maketrans("", "", "-\u2010\u2011\u2012\u2013\u2014\u2212._")


def normalised(code: str) -> str:
    """A code as compared: without spaces, hyphens or dots (typed in two groups of four:
    "K7QM 2PXA", "K7QM-2PXA") and in capitals."""
    return "".join(code.split()).translate(_SEPARATORS).upper()


def matches(expected: str, given: str) -> bool:
    """Constant-time comparison, without case or spaces, that also takes non-ASCII input
    (``compare_digest`` raises ``TypeError`` on a ``str`` with non-ASCII characters: a 500 for
    ``/join/%C3%A9``)."""
    raw = [normalised(code).encode("utf-8", "surrogatepass") for code in (expected, given)]
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
