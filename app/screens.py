"""The connected screens of a meeting day across every process (the organiser's desk, ``GET
.../screens`` and ``identify``): each process knows only its own sockets, so with several
processes the one asked gathers the others' over the fan-out's notices.

- ``gather``: this process's screens, and the others' answers to a ``screens.ask`` notice that
  come within ``GATHER_S`` (a process answers at once, from memory; the desk asks every few
  seconds, so a late answer is only a screen shown at the next refresh).
- ``identify``: the screen is made to show its name by the process that holds its socket; when
  that is another one, it is asked (``screens.identify``) and says it did (``screens.identified``)
  within ``IDENTIFY_WAIT_S``, else the screen is not connected anywhere (404).

Alone (no Redis), or while Redis is unreachable, a process answers with its own screens only.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from .fanout import Fanout
from .hub import Hub, Subscriber, encode

ASK = "screens.ask"
ANSWER = "screens.answer"
IDENTIFY = "screens.identify"
IDENTIFIED = "screens.identified"

#: How long the process asked for a meeting day's screens waits for the others' (seconds).
GATHER_S = 0.25
#: How long it waits for another process to say it made a screen show its name.
IDENTIFY_WAIT_S = 1.0
#: How long a screen shows its name after ``identify`` (ms).
IDENTIFY_MS = 5_000


def _item(subscriber: Subscriber) -> dict[str, Any]:
    facts = subscriber.screen
    assert facts is not None
    return {
        "id": facts.id,
        "face": facts.face,  # one of desk.Face (ws.face_of)
        "role": facts.role,
        "link_id": facts.credential_id,
        "connected_at": facts.connected_at,
        "last_seen_at": facts.last_seen_at,
        "address": facts.address,
        "segment_id": subscriber.segment_id or None,
    }


class ScreenDirectory:
    """This process's screens, and the others' on request (see the module's docstring)."""

    def __init__(self, hub: Hub, fanout: Fanout, label_of: Callable[[str], Awaitable[str]]) -> None:
        self.hub = hub
        self.fanout = fanout
        #: a link's label, by its id (read from the database)
        self.label_of = label_of
        self._gathering: dict[str, list[dict[str, Any]]] = {}
        self._identifying: dict[str, asyncio.Future[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        if fanout.shared:
            fanout.listen(ASK, self._asked)
            fanout.listen(ANSWER, self._answered)
            fanout.listen(IDENTIFY, self._asked_to_identify)
            fanout.listen(IDENTIFIED, self._identified)

    def local(self, event_id: str) -> tuple[list[dict[str, Any]], int]:
        """This process's live sockets of the meeting day but the phones (counted)."""
        screens, phones = [], 0
        for subscriber in self.hub.event_subscribers(event_id):
            facts = subscriber.screen
            if facts is None or subscriber.closed:
                continue
            if facts.face == "phone":
                phones += 1
            else:
                screens.append(_item(subscriber))
        return screens, phones

    async def gather(self, event_id: str) -> tuple[list[dict[str, Any]], int]:
        """Every process's screens of the meeting day (those that answer within ``GATHER_S``)
        and how many phones."""
        screens, phones = self.local(event_id)
        if not self.fanout.shared or not self.fanout.reachable:
            return screens, phones
        ask = secrets.token_hex(8)
        answers: list[dict[str, Any]] = []
        self._gathering[ask] = answers
        try:
            self.fanout.notify(ASK, {"ask": ask, "event_id": event_id})
            await asyncio.sleep(GATHER_S)  # a window for the answers: their number is not known
        finally:
            del self._gathering[ask]
        for answer in answers:
            screens.extend(answer.get("screens", []))
            phones += int(answer.get("phones", 0))
        return screens, phones

    def _asked(self, data: dict[str, Any]) -> None:
        screens, phones = self.local(str(data.get("event_id", "")))
        if screens or phones:
            self.fanout.notify(
                ANSWER, {"ask": data.get("ask"), "screens": screens, "phones": phones}
            )

    def _answered(self, data: dict[str, Any]) -> None:
        answers = self._gathering.get(str(data.get("ask", "")))
        if answers is not None:
            answers.append(data)

    # --- identify ----------------------------------------------------------------------------

    async def identify(self, event_id: str, screen_id: str) -> bool:
        """Make the screen show its name, wherever its socket is; False if it is nowhere."""
        subscriber = self._open(event_id, screen_id)
        if subscriber is not None:
            await self._show_name(subscriber)
            return True
        if not self.fanout.shared or not self.fanout.reachable:
            return False
        ask = secrets.token_hex(8)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._identifying[ask] = done
        try:
            self.fanout.notify(IDENTIFY, {"ask": ask, "event_id": event_id, "screen_id": screen_id})
            finished, _ = await asyncio.wait([done], timeout=IDENTIFY_WAIT_S)
        finally:
            del self._identifying[ask]
        return bool(finished)

    def _open(self, event_id: str, screen_id: str) -> Subscriber | None:
        subscriber = self.hub.screen(event_id, screen_id)
        if subscriber is None or subscriber.screen is None or subscriber.closed:
            return None
        return subscriber

    async def _show_name(self, subscriber: Subscriber) -> None:
        facts = subscriber.screen
        assert facts is not None
        label = await self.label_of(facts.credential_id) if facts.credential_id else ""
        subscriber.reply(
            encode(
                {
                    "type": "identify",
                    "screen_id": facts.id,
                    "face": facts.face,
                    "label": label,
                    "duration_ms": IDENTIFY_MS,
                }
            )
        )

    def _asked_to_identify(self, data: dict[str, Any]) -> None:
        subscriber = self._open(str(data.get("event_id", "")), str(data.get("screen_id", "")))
        if subscriber is None:
            return  # not ours: the process that holds it answers

        async def show() -> None:
            await self._show_name(subscriber)
            self.fanout.notify(IDENTIFIED, {"ask": data.get("ask")})

        task = asyncio.get_running_loop().create_task(show())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _identified(self, data: dict[str, Any]) -> None:
        done = self._identifying.get(str(data.get("ask", "")))
        if done is not None and not done.done():
            done.set_result(None)
