"""The one step every command passes before the engine decides it, whatever brought it.

REST, WebSocket, and whatever transport comes next (button boxes, another process) all hand
commands to ``Engine.execute``, and ``Engine.execute`` asks this policy first, so no transport
can forget a rule:

1. **The credential is still good.** A link revoked or expired since its socket opened (or since
   the REST request was authenticated) sends nothing more: ``unauthenticated``.
2. **Limits.** A delegate's floor requests and withdrawals per minute, and their
   recommendations and pledges per minute (a retry of a command already answered is free: it
   changes nothing).

The other parts of the step live where they are written once and run for every transport
alike: **roles** in the core (``decide`` checks ``COMMAND_ROLES`` first), **cleaning** in the
command types (``floor/commands.py``: people's text is cleaned, then its length checked), and
**dedupe** by command id in the engine, right after this step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from .floor import Actor, FloorError, Role

if TYPE_CHECKING:
    from .hearing import Hearing
    from .limits import Throttle

#: The commands a delegate's per-minute floor-request limit counts.
FLOOR_REQUEST_COMMANDS = frozenset({"request_floor", "withdraw_request"})
#: The commands a delegate's per-minute contribution limit counts.
CONTRIBUTION_COMMANDS = frozenset({"submit_contribution"})


class Unauthenticated(FloorError):
    code = "unauthenticated"
    status = 401


class Credentials(Protocol):
    def is_live(self, actor: Actor, now: int) -> bool: ...


class Policy:
    """Checks a command against who sends it and the limits, before anything is decided.

    The default (no credentials, no throttle) admits everything: the engine's own tests and the
    demo loader, which act as the organiser."""

    def __init__(
        self, credentials: Credentials | None = None, throttle: Throttle | None = None
    ) -> None:
        self.credentials = credentials
        self.throttle = throttle

    def admit(
        self, hearing: Hearing, actor: Actor, command_type: str, command_id: str, now: int
    ) -> None:
        """Raise the refusal, or return when the command may go on to dedupe and decide."""
        if self.credentials is not None and not self.credentials.is_live(actor, now):
            raise Unauthenticated(
                "this link was revoked or has expired: nothing was applied; ask the secretariat "
                "for a new one"
            )
        counted = command_type in FLOOR_REQUEST_COMMANDS or command_type in CONTRIBUTION_COMMANDS
        if (
            self.throttle is None
            or actor.role is not Role.DELEGATE
            or not counted
            or command_id in hearing.results
            or hearing.in_flight(command_id) is not None
        ):
            return
        if command_type in FLOOR_REQUEST_COMMANDS:
            self.throttle.floor_requests.take(
                actor.participant_id, "floor requests from one delegate"
            )
        elif command_type in CONTRIBUTION_COMMANDS:
            self.throttle.contributions.take(
                actor.participant_id, "recommendations and pledges from one delegate"
            )
