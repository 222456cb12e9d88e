"""Button boxes (``POST /api/v1/events/{event_id}/actions/...``) on a real app, with a device
link: each press acts on the live segment through the engine, a double press is one press,
other roles are refused, and a day with nothing live says so.

The double-press window is read from a clock the test holds (``Presses.clock``): no sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from app.api.routes.actions import DOUBLE_PRESS_S, Press, Presses
from app.config import Settings
from app.floor import commands as c
from app.main import create_app
from tests.security.conftest import NO_LIMITS, ORGANISER_KEY, World, build_world


class Clock:
    """Seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def later(self, seconds: float = 1.0) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(tmp_path: Path, clock: Clock) -> Iterator[World]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'floor.db'}",
        organiser_key=ORGANISER_KEY,
        limits=NO_LIMITS,
    )
    app = create_app(settings)
    with TestClient(app, base_url="http://floor.test") as client:
        app.state.device_presses = Presses(clock=clock)
        yield build_world(client)


def press(world: World, action: str, role: str = "device", **kwargs: Any) -> httpx.Response:
    return world.call(role, "POST", f"/events/{world.event['id']}/actions/{action}", **kwargs)


def pressed(world: World, action: str, role: str = "device") -> dict[str, Any]:
    response = press(world, action, role)
    assert response.status_code == 200, response.text
    return dict(response.json())


def floor(world: World) -> dict[str, Any]:
    return dict(world.state()["state"])


def queue_speakers(world: World, *names: str) -> None:
    for name in names:
        command = {"type": "add_speaker", "name": name, "constituency": "academia"}
        response = world.command("organiser", command)
        assert response.status_code == 200, response.text


def test_every_button_acts_on_the_live_segment(world: World, clock: Clock) -> None:
    queue_speakers(world, "First speaker", "Second speaker")
    version = world.state()["version"]

    answer = pressed(world, "next")
    assert answer["command"] == "call_next"
    assert answer["segment_id"] == world.segment_id
    assert answer["version"] > version
    assert answer["events"] == ["turn_started"]
    assert answer["duplicate"] is False
    assert answer["command_id"].startswith("box:")
    assert floor(world)["current"]["name"] == "First speaker"

    steps = [
        ("start", "start_timer", "running"),
        ("pause", "pause_timer", "paused"),
        ("resume", "resume_timer", "running"),
        ("toggle", "pause_timer", "paused"),  # the console's button: running -> pause
        ("toggle", "resume_timer", "running"),  # paused -> resume
    ]
    for action, command, timer in steps:
        clock.later()
        answer = pressed(world, action)
        assert (answer["command"], answer["duplicate"]) == (command, False), action
        assert floor(world)["current"]["timer"]["state"] == timer, action

    clock.later()
    assert pressed(world, "plus-30")["command"] == "adjust_time"
    assert floor(world)["current"]["timer"]["added_ms"] == 30_000
    clock.later()
    pressed(world, "minus-30")
    assert floor(world)["current"]["timer"]["added_ms"] == 0

    clock.later()
    answer = pressed(world, "message/conclude")
    assert (answer["action"], answer["command"]) == ("message/conclude", "set_message")
    assert floor(world)["message"] == "Please conclude"
    assert floor(world)["message_preset"] == "conclude"  # the clock shows it in its language
    clock.later()
    pressed(world, "message/time")  # the console's preset: the same words and id
    assert (floor(world)["message"], floor(world)["message_preset"]) == ("Your time is up", "time")

    clock.later()
    assert pressed(world, "end-turn")["command"] == "end_turn"
    assert floor(world)["current"] is None
    clock.later()
    pressed(world, "next")
    assert floor(world)["current"]["name"] == "Second speaker"


def test_a_press_that_changes_nothing_is_not_answered_as_done(world: World, clock: Clock) -> None:
    """Outside probe N: minus-30 with no time left to take off answered 200 with no events,
    which a Companion button shows as done. It is ``409 nothing_changed``, saying so."""
    queue_speakers(world, "First speaker")
    pressed(world, "next")
    taken = 0
    while True:  # take the turn's whole time off, then once more
        clock.later()
        answer = press(world, "minus-30")
        if answer.status_code != 200:
            break
        taken += 1
    assert taken >= 1
    assert answer.status_code == 409, answer.text
    error = answer.json()["error"]
    assert error["code"] == "nothing_changed"
    assert error["message"].startswith("no time left to take off")


def test_a_press_the_log_could_not_take_says_to_press_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside probe N: a box was told to "retry with the same command id", which it does not
    have: pressing again is what it can do."""
    queue_speakers(world, "First speaker")
    engine = world.client.app.state.services.engine  # type: ignore[attr-defined]

    def full(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(engine.store, "append", full)
    answer = press(world, "next")
    assert answer.status_code == 503, answer.text
    error = answer.json()["error"]
    assert error["code"] == "storage_unavailable"
    assert "press again in a moment" in error["message"]
    assert "command id" not in error["message"]
    monkeypatch.undo()
    assert floor(world)["current"] is None  # nothing was done


class SlowRedis:
    """A shared memory of presses whose answer waits until let go (Redis slow), then says the
    press it was given is the first, or another process's (``other``)."""

    def __init__(self, other: str | None = None, left_ms: int = 300) -> None:
        self.other, self.left_ms = other, left_ms
        self.go = asyncio.Event()
        self.asked = 0

    async def first_press(self, key: str, made: str, window_ms: int) -> tuple[str, int]:
        self.asked += 1
        await self.go.wait()
        return (self.other or made), (self.left_ms if self.other else window_ms)


def _new(command_id: str) -> Any:
    return lambda at: Press(at, command_id, "s1", c.CallNext())


async def test_a_bounce_while_redis_answers_the_first_press_waits_for_the_same_press() -> None:
    """The review: the press was remembered only once Redis had answered, so a bounce reaching
    the same process meanwhile was a press of its own (two speakers called)."""
    clock = Clock()
    shared = SlowRedis()
    presses = Presses(clock=clock, shared=shared)  # type: ignore[arg-type]
    key = ("box", "ev", "next")
    first = asyncio.ensure_future(presses.press(key, _new("first")))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(presses.press(key, _new("second")))
    await asyncio.sleep(0)
    shared.go.set()
    assert (await first).command_id == (await second).command_id == "first"
    assert shared.asked == 1


async def test_a_press_another_process_made_first_keeps_that_press_s_window() -> None:
    """The review: a press adopted from another process opened its window here at the bounce,
    so a real press 0.7 s after the first was swallowed as a bounce."""
    clock = Clock()
    other = '{"command_id": "theirs", "segment_id": "s1", "command": {"type": "call_next"}}'
    shared = SlowRedis(other=other, left_ms=300)  # their first press was 0.4 s ago
    shared.go.set()
    presses = Presses(clock=clock, shared=shared)  # type: ignore[arg-type]
    key = ("box", "ev", "next")
    assert (await presses.press(key, _new("mine"))).command_id == "theirs"
    clock.later(0.25)  # still inside their window
    assert (await presses.press(key, _new("again"))).command_id == "theirs"
    clock.later(0.1)  # 0.75 s after their first press: a press of its own
    shared.other = None
    assert (await presses.press(key, _new("new"))).command_id == "new"


def test_a_double_press_is_one_press(world: World, clock: Clock) -> None:
    queue_speakers(world, "First speaker", "Second speaker", "Third speaker")
    first = pressed(world, "next")
    clock.later(DOUBLE_PRESS_S / 2)
    again = pressed(world, "next")
    # the first press's answer, said to be a duplicate: nothing applied twice
    assert again == {**first, "duplicate": True}
    state = world.state()
    assert state["version"] == first["version"]
    assert state["state"]["current"]["name"] == "First speaker"

    clock.later(DOUBLE_PRESS_S)  # past the window from the first press: a new press
    later = pressed(world, "next")
    assert later["duplicate"] is False and later["command_id"] != first["command_id"]
    assert floor(world)["current"]["name"] == "Second speaker"


def test_a_bounced_toggle_repeats_its_first_command(world: World, clock: Clock) -> None:
    """The second contact of a bouncing toggle is the same start, not a pause."""
    queue_speakers(world, "First speaker")
    pressed(world, "next")
    clock.later()
    first = pressed(world, "toggle")
    bounce = pressed(world, "toggle")
    assert first["command"] == bounce["command"] == "start_timer"
    assert bounce["duplicate"] is True
    assert floor(world)["current"]["timer"]["state"] == "running"


def test_plus_30_twice_a_second_apart_adds_a_minute(world: World, clock: Clock) -> None:
    queue_speakers(world, "First speaker")
    pressed(world, "next")
    clock.later()
    pressed(world, "plus-30")
    clock.later()
    pressed(world, "plus-30")
    assert floor(world)["current"]["timer"]["added_ms"] == 60_000


def test_two_devices_are_two_presses(world: World) -> None:
    """The window is per credential: the moderator's press right after the box's is its own."""
    queue_speakers(world, "First speaker")
    pressed(world, "next")
    pressed(world, "plus-30")
    assert pressed(world, "plus-30", role="moderator")["duplicate"] is False
    assert pressed(world, "plus-30", role="organiser")["duplicate"] is False
    assert floor(world)["current"]["timer"]["added_ms"] == 90_000


@pytest.mark.parametrize("role", ["display", "delegate", "booth", "rapporteur"])
def test_other_roles_are_refused(world: World, role: str) -> None:
    queue_speakers(world, "First speaker")
    version = world.state()["version"]
    for action in ("next", "message/conclude"):
        response = press(world, action, role=role)
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"
    assert world.state()["version"] == version


def test_without_a_credential_401(world: World) -> None:
    response = world.client.post(f"/api/v1/events/{world.event['id']}/actions/next")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_no_live_segment_is_404(world: World) -> None:
    response = world.command("organiser", {"type": "end_segment"})
    assert response.status_code == 200, response.text
    for action in ("next", "plus-30", "message/time"):
        answer = press(world, action)
        assert answer.status_code == 404, answer.text
        error = answer.json()["error"]
        assert error["code"] == "not_found"
        assert "is live" in error["message"] and "start one" in error["message"]


def test_the_command_refusal_reaches_the_button(world: World) -> None:
    """Nobody speaking: a timer button answers the rule's own refusal."""
    response = press(world, "pause")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_speaker"


def test_unknown_actions_and_presets(world: World) -> None:
    assert press(world, "explode").status_code == 422
    assert press(world, "message/shout").status_code == 422


def test_another_events_device_is_refused(world: World) -> None:
    other = world.other_event["id"]
    link = world.call("organiser", "POST", f"/events/{other}/access-links", json={"role": "device"})
    assert link.status_code == 201, link.text
    response = world.call(
        "device", "POST", f"/events/{world.event['id']}/actions/next", token=link.json()["token"]
    )
    assert response.status_code == 403
    # and on its own event, which has nothing live: the clear 404
    own = world.call("device", "POST", f"/events/{other}/actions/next", token=link.json()["token"])
    assert own.status_code == 404


def test_a_device_link_url_is_the_actions_base(world: World) -> None:
    link = world.call(
        "organiser", "POST", f"/events/{world.event['id']}/access-links", json={"role": "device"}
    )
    queue_speakers(world, "First speaker")
    url = link.json()["url"]
    response = world.client.post(
        f"{url}next", headers={"Authorization": f"Bearer {link.json()['token']}"}
    )
    assert response.status_code == 200, response.text
    assert floor(world)["current"]["name"] == "First speaker"
