"""The open sockets by credential, so that a revoked or expired link loses them at once."""

from __future__ import annotations

from typing import Protocol

from ..floor import Actor

#: The close code of a socket whose credential was revoked or has expired (4000 + HTTP 401):
#: the faces stop reconnecting and say the link no longer works.
CLOSE_UNAUTHENTICATED = 4401


class Closable(Protocol):
    actor: Actor

    def shut(self, code: int, reason: str) -> None: ...


class OpenSockets:
    def __init__(self) -> None:
        self._by_credential: dict[str, set[Closable]] = {}

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
