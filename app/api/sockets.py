"""The open sockets by credential, so that a revoked or expired link loses them at once; and the
public live page's by meeting day, so that a withdrawn page stops showing the floor at once and
a published one starts, on the sockets the pages already hold."""

from __future__ import annotations

from typing import Protocol

from ..floor import Actor

#: The close code of a socket whose credential was revoked or has expired (4000 + HTTP 401):
#: the faces stop reconnecting and say the link no longer works.
CLOSE_UNAUTHENTICATED = 4401


class Shuttable(Protocol):
    def shut(self, code: int, reason: str) -> None: ...


class LivePage(Protocol):
    """A public live page's socket (app/api/live.py ``LiveConnection``)."""

    #: while its page is not published: it holds its socket and is sent nothing
    waiting: bool

    def follow(self) -> None:
        """The page is published: send it the floor and every update from now on."""

    def park(self) -> None:
        """The page is withdrawn: no update from now on; say so, and wait."""


class Closable(Shuttable, Protocol):
    actor: Actor


class OpenSockets:
    def __init__(self, live_cap: int = 0) -> None:
        self._by_credential: dict[str, set[Closable]] = {}
        #: the public live page's sockets (no credential), by meeting day
        self._live: dict[str, set[LivePage]] = {}
        #: how many live pages this process holds at once, all meeting days together (0: no cap
        #: of their own; ``live.cap``), and how many it holds now
        self.live_cap = live_cap
        self.live_open = 0

    def live_waiting(self) -> int:
        """How many live pages wait for their page to be published (``floorkeeper_live_pages_
        waiting``)."""
        return sum(socket.waiting for sockets in self._live.values() for socket in sockets)

    def live_full(self) -> bool:
        """Whether another live page would take a connection kept for the room."""
        return 0 < self.live_cap <= self.live_open

    def add_live(self, event_id: str, socket: LivePage) -> None:
        sockets = self._live.setdefault(event_id, set())
        if socket not in sockets:
            sockets.add(socket)
            self.live_open += 1

    def discard_live(self, event_id: str, socket: LivePage) -> None:
        sockets = self._live.get(event_id)
        if sockets is not None and socket in sockets:
            sockets.discard(socket)
            self.live_open -= 1
            if not sockets:
                del self._live[event_id]

    def count_live(self, event_id: str) -> int:
        return len(self._live.get(event_id, ()))

    def published(self, event_id: str, published: bool) -> int:
        """The meeting day's live page was published (each open page is sent the floor) or
        withdrawn (each stops showing it, says so and waits); how many pages were told."""
        sockets = list(self._live.get(event_id, ()))
        for socket in sockets:
            if published:
                socket.follow()
            else:
                socket.park()
        return len(sockets)

    def add(self, socket: Closable) -> None:
        credential_id = socket.actor.credential_id
        if credential_id is not None:
            self._by_credential.setdefault(credential_id, set()).add(socket)

    def discard(self, socket: Closable) -> None:
        credential_id = socket.actor.credential_id
        sockets = self._by_credential.get(credential_id or "")
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._by_credential[credential_id or ""]

    def count(self, credential_id: str) -> int:
        return len(self._by_credential.get(credential_id, ()))

    def close_credential(self, credential_id: str, reason: str) -> int:
        """Close every socket opened with this credential (4401); how many there were."""
        sockets = self._by_credential.pop(credential_id, set())
        for socket in sockets:
            socket.shut(CLOSE_UNAUTHENTICATED, reason)
        return len(sockets)
