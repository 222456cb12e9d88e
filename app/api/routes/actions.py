"""Button boxes: one POST per button of a Stream Deck or a Bitfocus Companion "generic HTTP"
action, on the event's live segment, with no body and no command id.

A press becomes one command handed to ``Engine.execute`` (the one entry point: policy, dedupe,
decide), with a command id made here. A button bounces and a finger presses twice: a press of
the same action by the same credential within ``DOUBLE_PRESS_S`` of the first press is the SAME
press, sent again with the first press's command id and command, so the engine's dedupe answers
it with the first press's result (``"duplicate": true``), waiting for it if it is still being
written. Outside the window a press is a new command, so +30 s pressed twice, a second apart,
adds a minute. Several processes behind a proxy (``--redis-url``) share the first press through
Redis (``SharedLimits.first_press``): a bounce that reaches another process is the same press
there too (outside probe N: it had called two speakers).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, TypeAdapter

from ...engine import StorageUnavailable
from ...floor import Actor, FloorError, NotFound
from ...floor import commands as c
from ...floor.model import SegmentState
from ...floor.possible import toggle_command
from ...floor.presets import MessagePreset
from ..access import authorise
from .common import ActorDep, ServicesDep

if TYPE_CHECKING:
    from ...shared_limits import SharedLimits

router = APIRouter(tags=["button boxes"])

#: Seconds within which a second press of the same action by the same device is the same press.
DOUBLE_PRESS_S: Final = 0.7
#: What ``plus-30`` and ``minus-30`` add and remove, in milliseconds.
STEP_MS: Final = 30_000


class Action(StrEnum):
    """The buttons, and the console's command each sends (``toggle``: the console's
    start/pause/resume button, whichever the speaker's timer calls for now)."""

    NEXT = "next"
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    TOGGLE = "toggle"
    PLUS_30 = "plus-30"
    MINUS_30 = "minus-30"
    END_TURN = "end-turn"


_TIMER: Final[dict[str, Callable[[], c.SegmentCommand]]] = {
    "start_timer": c.StartTimer,
    "pause_timer": c.PauseTimer,
    "resume_timer": c.ResumeTimer,
}


def command_for(action: Action, segment: SegmentState) -> c.SegmentCommand:
    """The command a button sends on this state of the live segment."""
    if action is Action.NEXT:
        return c.CallNext()
    if action is Action.START:
        return c.StartTimer()
    if action is Action.PAUSE:
        return c.PauseTimer()
    if action is Action.RESUME:
        return c.ResumeTimer()
    if action is Action.TOGGLE:
        return _TIMER[toggle_command(segment)]()
    if action is Action.PLUS_30:
        return c.AdjustTime(delta_ms=STEP_MS)
    if action is Action.MINUS_30:
        return c.AdjustTime(delta_ms=-STEP_MS)
    return c.EndTurn()


class ActionResult(BaseModel):
    """What a press did: the command sent on the live segment and the engine's answer."""

    action: str = Field(description="The button: `next`, `toggle`, `message/conclude`, ...")
    command: str = Field(description="The command type sent, e.g. `call_next`.")
    command_id: str = Field(description="Made by the server; the same for a double press.")
    segment_id: str
    version: int
    events: list[str]
    duplicate: bool = Field(
        default=False, description="A second press within the double-press window."
    )


@dataclass(frozen=True, slots=True)
class Press:
    at: float
    command_id: str
    segment_id: str
    command: c.SegmentCommand


_COMMAND: Final = TypeAdapter[c.SegmentCommand](c.SegmentCommand)


class Presses:
    """The last press of each button per credential and event (a few per device); with
    ``shared`` (several processes), the first press of the window as every process saw it."""

    def __init__(
        self,
        window_s: float = DOUBLE_PRESS_S,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedLimits | None = None,
    ) -> None:
        self.window_s = window_s
        self.clock = clock
        self.shared = shared
        #: per button, when its window opened and the press it stands for (a future while the
        #: first press is still being agreed with the other processes)
        self._last: dict[tuple[str, str, str], tuple[float, asyncio.Future[Press]]] = {}

    async def press(self, key: tuple[str, str, str], new: Callable[[float], Press]) -> Press:
        """The first press's, within the window; else a new press, remembered at once (a
        bounce that reaches this process while Redis answers waits for the same press), and,
        shared, the first another process remembered within the window, if one did (its window
        counted from its own first press, as Redis has it)."""
        now = self.clock()
        last = self._last.get(key)
        if last is not None and now - last[0] < self.window_s:
            return await asyncio.shield(last[1])
        made = new(now)
        agreed: asyncio.Future[Press] = asyncio.get_running_loop().create_future()
        self._last[key] = (now, agreed)
        try:
            if self.shared is not None:
                made = await self._agreed(key, made, now)
        finally:
            agreed.set_result(made)
        return made

    async def _agreed(self, key: tuple[str, str, str], made: Press, now: float) -> Press:
        said = json.dumps(
            {
                "command_id": made.command_id,
                "segment_id": made.segment_id,
                "command": made.command.model_dump(mode="json"),
            }
        )
        assert self.shared is not None
        window_ms = int(self.window_s * 1000)
        first = await self.shared.first_press(":".join(key), said, window_ms)
        if first is None or first[0] == said:
            return made
        told = json.loads(first[0])
        opened = now - (window_ms - first[1]) / 1000  # when the first press opened the window
        self._last[key] = (opened, self._last[key][1])
        command = _COMMAND.validate_python(told["command"])
        return Press(opened, told["command_id"], told["segment_id"], command)


def presses_of(request: Request) -> Presses:
    state = request.app.state
    presses: Presses | None = getattr(state, "device_presses", None)
    if presses is None:
        services = getattr(state, "services", None)
        shared = services.throttle.shared if services is not None else None
        presses = state.device_presses = Presses(shared=shared)
    return presses


def _sender(actor: Actor) -> str:
    """Who pressed, short enough for a command id: the access link's id (the organiser key's
    presses are the organiser's)."""
    who = actor.credential_id or actor.role.value
    return who if len(who) <= 16 else hashlib.sha256(who.encode()).hexdigest()[:16]


async def _press(
    request: Request,
    svc: ServicesDep,
    actor: Actor,
    event_id: str,
    name: str,
    command_of: Callable[[SegmentState], c.SegmentCommand],
) -> ActionResult:
    engine = svc.engine
    hearing = await engine.locate(event_id)

    def new(at: float) -> Press:
        latest = hearing.latest  # the state the command is decided on
        live = latest.live_segment_id
        if live is None:
            raise NotFound(
                f"no segment of event {event_id!r} is live: start one from the console, "
                "then press again"
            )
        command_id = f"box:{_sender(actor)}:{name.replace('/', '.')}:{engine.clock()}"
        return Press(at, command_id, live, command_of(latest.segments[live]))

    press = await presses_of(request).press((_sender(actor), event_id, name), new)
    try:
        result = await engine.execute(
            event_id, press.segment_id, press.command, actor, press.command_id
        )
    except StorageUnavailable as error:
        # a box has no command id to send again: the same press, pressed again, is
        raise StorageUnavailable(
            "the server could not write this press to its log (its disk or database): nothing "
            "was done; press again in a moment, or use the console"
        ) from error
    taking = isinstance(press.command, c.AdjustTime) and press.command.delta_ms < 0
    if taking and not result["events"] and not result.get("duplicate", False):
        # a box shows the status alone: a 200 for a press that could not do what it asks reads
        # as done (a message already shown, pressed again, is as asked: 200)
        raise FloorError(
            "no time left to take off: the speaker's whole time is off already; nothing changed",
            code="nothing_changed",
        )
    return ActionResult(
        action=name,
        command=press.command.type,
        command_id=result["command_id"],
        segment_id=result["segment_id"],
        version=result["version"],
        events=result["events"],
        duplicate=result.get("duplicate", False),
    )


@router.post("/events/{event_id}/actions/message/{preset}")
async def press_message(
    event_id: str, preset: MessagePreset, request: Request, actor: ActorDep, svc: ServicesDep
) -> ActionResult:
    """A button that puts a preset message on the speaker clock, in the clock's language
    (docs/protocol.md; the presets are the console's: app/floor/presets.py)."""
    authorise(actor, "POST /api/v1/events/{event_id}/actions/message/{preset}", event_id)
    return await _press(
        request,
        svc,
        actor,
        event_id,
        f"message/{preset.value}",
        lambda _: c.SetMessage(preset=preset),
    )


@router.post("/events/{event_id}/actions/{action}")
async def press_action(
    event_id: str, action: Action, request: Request, actor: ActorDep, svc: ServicesDep
) -> ActionResult:
    """A button of a button box: the console's command on the live segment, no body needed; a
    second press within 0.7 s is the same press (docs/protocol.md)."""
    authorise(actor, "POST /api/v1/events/{event_id}/actions/{action}", event_id)
    return await _press(
        request, svc, actor, event_id, action.value, lambda segment: command_for(action, segment)
    )
