"""The role x route matrix (app/api/access.py) and the command matrix (app/floor/roles.py),
checked cell by cell: every role and anonymous, on every route and every WebSocket command.

An allowed cell must succeed (2xx, or for a socket a snapshot / an answer that is not a refusal
of the role); a refused cell must answer 401 (anonymous) or 403 (a role), and change nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.testclient import TestClient

from app.api.access import ANONYMOUS, ROUTES
from app.api.live import LIVE_SOCKET_ROUTES
from app.api.ws import SOCKET_ROUTES
from app.floor import Role
from app.floor.commands import command_types
from app.floor.contributions import command_types as outcome_command_types
from app.floor.roles import roles_for

from .conftest import NO_LIMITS, World, build_world

ROLES = [role.value for role in Role] + [ANONYMOUS]


@dataclass
class Call:
    path: str
    json: Any = None
    token: str | None = None  # instead of the role's own credential (e.g. a fresh delegate)
    files: Any = None  # a multipart body (a spreadsheet)
    cleanup: Callable[[], None] | None = None  # after the request (e.g. close a socket)


def _spare_segment(world: World, role: str) -> Call:
    """A segment made for the call to remove (one that never ran, nobody in it)."""
    body = {"title": f"Spare {uuid.uuid4().hex[:6]}", "command_id": uuid.uuid4().hex}
    made = world.call("organiser", "POST", f"/events/{world.event['id']}/segments", json=body)
    assert made.status_code == 201, made.text
    return Call(f"/segments/{made.json()['id']}")


def _spare_event(world: World, role: str) -> Call:
    """A meeting day made for the call to delete (nothing on its record), named by its title."""
    title = f"Spare day {uuid.uuid4().hex[:6]}"
    made = world.call("organiser", "POST", "/events", json={"title": title})
    assert made.status_code == 201, made.text
    return Call(f"/events/{made.json()['id']}", {"title": title})


def _fresh_delegate(world: World) -> dict[str, Any]:
    response = world.join(f"Delegate {uuid.uuid4().hex[:6]}")
    assert response.status_code == 201, response.text
    return dict(response.json())


def _request_of_fresh_delegate(world: World) -> tuple[str, str]:
    delegate = _fresh_delegate(world)
    body = {"command_id": uuid.uuid4().hex, "kind": "intervention"}
    response = world.call(
        "delegate",
        "POST",
        f"/segments/{world.segment_id}/floor-requests",
        token=delegate["token"],
        json=body,
    )
    assert response.status_code == 201, response.text
    return response.json()["request_id"], delegate["token"]


def _someone_speaking(world: World) -> None:
    """A speaker with the floor, so the timer's buttons have a timer (the floor's own commands)."""
    if world.state()["state"]["current"] is not None:
        return
    guest = {"type": "add_speaker", "name": "Guest speaker", "constituency": "academia"}
    for command in (guest, {"type": "call_next"}):
        response = world.command("organiser", command)
        assert response.status_code == 200, response.text


def _button_call(world: World, role: str) -> Call:
    _someone_speaking(world)
    return Call(f"/events/{world.event['id']}/actions/plus-30")


def _fresh_link(world: World) -> str:
    response = world.call(
        "organiser", "POST", f"/events/{world.event['id']}/access-links", json={"role": "display"}
    )
    return str(response.json()["id"])


def _command_call(world: World, role: str) -> Call:
    path = f"/segments/{world.segment_id}/commands"
    if role == "delegate":
        token = _fresh_delegate(world)["token"]
        command = {"type": "request_floor", "kind": "intervention"}
        return Call(path, {"command_id": uuid.uuid4().hex, "command": command}, token)
    if role == "booth":  # the booth's commands are its signals, for whoever speaks
        if world.state()["state"]["current"] is None:
            world.command("moderator", {"type": "add_speaker", "name": "Signalled"})
            world.command("moderator", {"type": "call_next"})
        command = {"type": "raise_signal", "kind": "slow_down"}
        return Call(path, {"command_id": uuid.uuid4().hex, "command": command})
    command = {"type": "set_message", "text": "Please conclude"}
    return Call(path, {"command_id": uuid.uuid4().hex, "command": command})


def _withdraw_call(world: World, role: str) -> Call:
    request_id, token = _request_of_fresh_delegate(world)
    path = f"/segments/{world.segment_id}/floor-requests/{request_id}"
    return Call(path, token=token if role == "delegate" else None)


def _join_call(world: World, role: str) -> Call:
    body = {
        "join_code": world.event["join_code"],
        "name": f"Joiner {uuid.uuid4().hex[:6]}",
        "constituency": "civil_society",
    }
    return Call(f"/events/{world.event['id']}/participants", body)


def _import_call(world: World, role: str) -> Call:
    sheet = f"Name,Constituency\nImported {uuid.uuid4().hex[:6]},Academia\n".encode()
    path = f"/events/{world.event['id']}/participants/import"
    return Call(path, files={"file": ("list.csv", sheet, "text/csv")})


def _identify_call(world: World, role: str) -> Call:
    """A live screen to identify (a display link's socket, open for the call)."""
    event_id = world.event["id"]
    if role != "organiser":  # refused before any screen is looked up
        return Call(f"/events/{event_id}/screens/nope/identify")
    before = world.call("organiser", "GET", f"/events/{event_id}/screens").json()["screens"]
    opening = world.client.websocket_connect(f"/ws/events/{event_id}")
    socket = opening.__enter__()
    socket.send_json({"type": "hello", "token": world.tokens["display"], "face": "clock"})
    assert socket.receive_json()["type"] == "snapshot"
    after = world.call("organiser", "GET", f"/events/{event_id}/screens").json()["screens"]
    (screen,) = [s for s in after if s["id"] not in {b["id"] for b in before}]
    return Call(
        f"/events/{event_id}/screens/{screen['id']}/identify",
        cleanup=lambda: _close(opening),
    )


def _close(opening: Any) -> None:
    opening.__exit__(None, None, None)


def _floor_request_call(world: World, role: str) -> Call:
    token = _fresh_delegate(world)["token"] if role == "delegate" else None
    body = {"command_id": uuid.uuid4().hex, "kind": "intervention"}
    return Call(f"/segments/{world.segment_id}/floor-requests", body, token)


# How to make a valid call to each route, as a given role, in the world.
CALLS: dict[str, Callable[[World, str], Call]] = {
    "GET /api/v1/health": lambda w, r: Call("/health"),
    "POST /api/v1/session": lambda w, r: Call("/session", {"token": w.tokens["display"]}),
    "GET /api/v1/session": lambda w, r: Call("/session"),
    "DELETE /api/v1/session": lambda w, r: Call("/session"),
    "GET /api/v1/join/{join_code}": lambda w, r: Call(f"/join/{w.event['join_code']}"),
    "GET /api/v1/events": lambda w, r: Call("/events"),
    "POST /api/v1/events": lambda w, r: Call("/events", {"title": "Side event"}),
    "GET /api/v1/events/{event_id}": lambda w, r: Call(f"/events/{w.event['id']}"),
    "PATCH /api/v1/events/{event_id}": lambda w, r: Call(
        f"/events/{w.event['id']}", {"venue": f"Palais des Nations {uuid.uuid4().hex[:4]}"}
    ),
    "DELETE /api/v1/events/{event_id}": _spare_event,
    "POST /api/v1/events/{event_id}/join-code": lambda w, r: Call(
        f"/events/{w.event['id']}/join-code"
    ),
    "GET /api/v1/events/{event_id}/revisions": lambda w, r: Call(
        f"/events/{w.event['id']}/revisions"
    ),
    "GET /api/v1/events/{event_id}/join-qr.svg": lambda w, r: Call(
        f"/events/{w.event['id']}/join-qr.svg"
    ),
    "GET /api/v1/events/{event_id}/live-qr.svg": lambda w, r: Call(
        f"/events/{w.event['id']}/live-qr.svg"
    ),
    "GET /api/v1/events/{event_id}/segments": lambda w, r: Call(
        f"/events/{w.event['id']}/segments"
    ),
    "POST /api/v1/events/{event_id}/segments": lambda w, r: Call(
        f"/events/{w.event['id']}/segments", {"title": "Extra", "command_id": uuid.uuid4().hex}
    ),
    "GET /api/v1/segments/{segment_id}": lambda w, r: Call(f"/segments/{w.segment_id}"),
    "PATCH /api/v1/segments/{segment_id}": lambda w, r: Call(
        f"/segments/{w.segment_id}", {"aim": "Agree on pledges", "command_id": uuid.uuid4().hex}
    ),
    "DELETE /api/v1/segments/{segment_id}": _spare_segment,
    "GET /api/v1/segments/{segment_id}/state": lambda w, r: Call(f"/segments/{w.segment_id}/state"),
    "POST /api/v1/segments/{segment_id}/commands": _command_call,
    "POST /api/v1/segments/{segment_id}/floor-requests": _floor_request_call,
    "DELETE /api/v1/segments/{segment_id}/floor-requests/{request_id}": _withdraw_call,
    "GET /api/v1/segments/{segment_id}/speeches": lambda w, r: Call(
        f"/segments/{w.segment_id}/speeches"
    ),
    "GET /api/v1/events/{event_id}/participants": lambda w, r: Call(
        f"/events/{w.event['id']}/participants"
    ),
    "POST /api/v1/events/{event_id}/participants": _join_call,
    "POST /api/v1/events/{event_id}/participants/import": _import_call,
    "PATCH /api/v1/participants/{participant_id}": lambda w, r: Call(
        f"/participants/{w.delegate['participant']['id']}",
        {"organisation": f"ITUC {uuid.uuid4().hex[:4]}"},
    ),
    "DELETE /api/v1/participants/{participant_id}": lambda w, r: Call(
        f"/participants/{_fresh_delegate(w)['participant']['id']}"
    ),
    # someone of their own: a new link signs out the phones signed in as them before
    "POST /api/v1/participants/{participant_id}/phone-link": lambda w, r: Call(
        f"/participants/{_fresh_delegate(w)['participant']['id']}/phone-link"
    ),
    "GET /api/v1/events/{event_id}/screens": lambda w, r: Call(f"/events/{w.event['id']}/screens"),
    "POST /api/v1/events/{event_id}/screens/{screen_id}/identify": _identify_call,
    "POST /api/v1/events/{event_id}/access-links": lambda w, r: Call(
        f"/events/{w.event['id']}/access-links", {"role": "moderator", "label": "Chair"}
    ),
    "GET /api/v1/events/{event_id}/access-links": lambda w, r: Call(
        f"/events/{w.event['id']}/access-links"
    ),
    "DELETE /api/v1/events/{event_id}/access-links/{link_id}": lambda w, r: Call(
        f"/events/{w.event['id']}/access-links/{_fresh_link(w)}"
    ),
    "POST /api/v1/events/{event_id}/actions/{action}": _button_call,
    "POST /api/v1/events/{event_id}/actions/message/{preset}": lambda w, r: Call(
        f"/events/{w.event['id']}/actions/message/conclude"
    ),
}


def _contribution(world: World) -> str:
    """A fresh contribution of the world's delegate, to curate."""
    body = {
        "command_id": uuid.uuid4().hex,
        "kind": "recommendation",
        "text": "Regular pathways for workers",
        "language": "en",
    }
    response = world.call(
        "delegate", "POST", f"/events/{world.event['id']}/contributions", json=body
    )
    assert response.status_code == 201, response.text
    return str(response.json()["contribution_id"])


def _submit_call(world: World, role: str) -> Call:
    body: dict[str, Any] = {
        "command_id": uuid.uuid4().hex,
        "kind": "pledge",
        "text": "We will fund ten reception centres",
        "language": "en",
    }
    if role != "delegate":  # the floor submits on a participant's behalf
        body["on_behalf_of"] = world.delegate["participant"]["id"]
    return Call(f"/events/{world.event['id']}/contributions", body)


def _curate_call(world: World, role: str) -> Call:
    # a delegate rewords their own, still submitted; curators accept
    body: dict[str, Any] = {"command_id": uuid.uuid4().hex}
    if role == "delegate":
        body["text"] = "Regular pathways for all workers"
    else:
        body["status"] = "accepted"
    return Call(f"/contributions/{_contribution(world)}", body)


def _accepted(world: World) -> str:
    cid = _contribution(world)
    body = {"command_id": uuid.uuid4().hex, "status": "accepted"}
    response = world.call("organiser", "PATCH", f"/contributions/{cid}", json=body)
    assert response.status_code == 200, response.text
    return cid


CALLS.update(
    {
        "POST /api/v1/events/{event_id}/contributions": _submit_call,
        "GET /api/v1/events/{event_id}/contributions": lambda w, r: Call(
            f"/events/{w.event['id']}/contributions"
        ),
        "PATCH /api/v1/contributions/{contribution_id}": _curate_call,
        "GET /api/v1/events/{event_id}/outcome": lambda w, r: Call(
            f"/events/{w.event['id']}/outcome"
        ),
        "GET /api/v1/contributions/{contribution_id}/merge-targets": lambda w, r: Call(
            f"/contributions/{_contribution(w)}/merge-targets"
        ),
        "GET /api/v1/gcm-objectives": lambda w, r: Call("/gcm-objectives"),
        "GET /api/v1/events/{event_id}/speeches": lambda w, r: Call(
            f"/events/{w.event['id']}/speeches"
        ),
        "GET /api/v1/segments/{segment_id}/balance": lambda w, r: Call(
            f"/segments/{w.segment_id}/balance"
        ),
        "GET /api/v1/segments/{segment_id}/suggested-order": lambda w, r: Call(
            f"/segments/{w.segment_id}/suggested-order?of=queue"
        ),
        "GET /api/v1/events/{event_id}/schedule": lambda w, r: Call(
            f"/events/{w.event['id']}/schedule"
        ),
        "POST /api/v1/events/{event_id}/outcome/shown": lambda w, r: Call(
            f"/events/{w.event['id']}/outcome/shown",
            {"command_id": uuid.uuid4().hex, "contribution_id": _accepted(w)},
        ),
    }
)
FACES = {
    "GET /": "/",
    "GET /favicon.ico": "/favicon.ico",
    "GET /moderator": "/moderator",
    "GET /organiser": "/organiser",
    "GET /rapporteur": "/rapporteur",
    "GET /join/{join_code}": "/join/abc",
    "GET /display/{event_id}": "/display/abc",
    "GET /clock/{event_id}": "/clock/abc",
    "GET /booth/{event_id}": "/booth/abc",
    "GET /live/{event_id}": "/live/abc",
    "GET /openapi.json": "/openapi.json",
    "GET /docs": "/docs",
    "GET /redoc": "/redoc",
    "GET /docs/protocol.md": "/docs/protocol.md",
}
#: Routes outside /api/v1 that need a credential, as a scraper calls them (no role: 401).
MACHINES = {"GET /metrics": "/metrics"}
SOCKETS = {
    "WEBSOCKET /ws/segments/{segment_id}": lambda w: f"/ws/segments/{w.segment_id}",
    "WEBSOCKET /ws/events/{event_id}": lambda w: f"/ws/events/{w.event['id']}",
    # the public live page's: anyone, once published (a credential in its hello is ignored)
    "WEBSOCKET /ws/live/{event_id}": lambda w: f"/ws/live/{_published(w)}",
}


def _published(world: World) -> str:
    """The world's event, its live page published (its socket only waits otherwise)."""
    event_id = str(world.event["id"])
    response = world.call(
        "organiser", "PATCH", f"/events/{event_id}", json={"live_published": True}
    )
    assert response.status_code == 200, response.text
    return event_id


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One app and hearing for all the cells of this module (each cell makes what it uses)."""
    from app.config import Settings
    from app.main import create_app

    from .conftest import ORGANISER_KEY

    database = tmp_path_factory.mktemp("matrix") / "floor.db"
    app = create_app(
        Settings(
            database_url=f"sqlite:///{database}", organiser_key=ORGANISER_KEY, limits=NO_LIMITS
        )
    )
    with TestClient(app, base_url="http://floor.test") as client:
        yield build_world(client)


def app_routes(client: TestClient) -> set[str]:
    sockets = {
        f"WEBSOCKET {prefix}{{{keyword}}}"
        for prefix, keyword in (SOCKET_ROUTES | LIVE_SOCKET_ROUTES).items()
    }
    return _walk(client.app.routes, "") | sockets  # type: ignore[attr-defined]


def _walk(routes: Any, prefix: str) -> set[str]:
    """Every method and path, through included routers (FastAPI nests them)."""
    found: set[str] = set()
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            found |= _walk(included.routes, prefix + route.include_context.prefix)
            continue
        if isinstance(route, Mount):
            continue  # /static: files, no credential
        if isinstance(route, WebSocketRoute):
            found.add(f"WEBSOCKET {prefix}{route.path}")
        elif isinstance(route, Route):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                found.add(f"{method} {prefix}{route.path}")
    return found


def test_every_route_has_a_row_and_every_row_a_route(shared: World) -> None:
    routes = app_routes(shared.client)
    assert routes - ROUTES.keys() == set(), "routes without a row in app/api/access.py"
    assert ROUTES.keys() - routes == set(), "rows in app/api/access.py without a route"
    assert ROUTES.keys() == CALLS.keys() | FACES.keys() | SOCKETS.keys() | MACHINES.keys()


CELLS = [(route, role) for route in ROUTES for role in ROLES]


@pytest.mark.parametrize(("route", "role"), CELLS, ids=[f"{r} as {c}" for r, c in CELLS])
def test_cell(shared: World, route: str, role: str) -> None:
    allowed = role in ROUTES[route]
    method, _, _ = route.partition(" ")
    shared.client.cookies.clear()  # each cell presents its own credential only
    if route in SOCKETS:
        _socket_cell(shared, SOCKETS[route](shared), role, allowed)
        return
    if route in FACES:
        headers = _auth(shared.tokens[role])
        response = shared.client.request(method, FACES[route], headers=headers)
        assert response.status_code == 200 if allowed else 403
        return
    if route in MACHINES:
        response = shared.client.request(
            method, MACHINES[route], headers=_auth(shared.tokens[role])
        )
        assert response.status_code == 200 if allowed else 401 if role == ANONYMOUS else 403
        return
    call = CALLS[route](shared, role)
    token = call.token if call.token is not None else shared.tokens[role]
    version_before = shared.state()["version"]
    response = shared.client.request(
        method, f"/api/v1{call.path}", headers=_auth(token), json=call.json, files=call.files
    )
    if call.cleanup is not None:
        call.cleanup()
    if allowed:
        assert response.status_code < 300, f"{role} should pass {route}: {response.text}"
        if route == "POST /api/v1/events/{event_id}/join-code":
            shared.event["join_code"] = response.json()["join_code"]
    else:
        expected = 401 if role == ANONYMOUS else 403
        assert response.status_code == expected, f"{role} should be refused {route}"
        code = "unauthenticated" if role == ANONYMOUS else "forbidden"
        assert response.json()["error"]["code"] == code
        assert shared.state()["version"] == version_before, "a refused call changed the floor"


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _socket_cell(world: World, path: str, role: str, allowed: bool) -> None:
    with world.client.websocket_connect(path) as socket:
        hello: dict[str, Any] = {"type": "hello"}
        if world.tokens[role]:
            hello["token"] = world.tokens[role]
        socket.send_json(hello)
        first = socket.receive_json()
        if allowed:
            assert first["type"] == "snapshot"
        else:
            code = "unauthenticated" if role == ANONYMOUS else "forbidden"
            assert first["type"] == "error" and first["code"] == code


# --- the same credential, another event ------------------------------------------------------

SCOPED = [
    route
    for route in CALLS
    if ("{event_id}" in route or "{segment_id}" in route) and Role.MODERATOR in ROUTES[route]
]


@pytest.mark.parametrize("route", SCOPED)
def test_a_credential_of_another_event_is_refused(shared: World, route: str) -> None:
    call = CALLS[route](shared, "moderator")
    method = route.partition(" ")[0]
    response = shared.client.request(
        method, f"/api/v1{call.path}", headers=_auth(shared.tokens["stranger"]), json=call.json
    )
    assert response.status_code == 403, response.text
    assert response.json()["error"]["message"] == "this credential belongs to another event"


# --- the command matrix, over the socket -----------------------------------------------------

#: A valid example of every command a client may send.
EXAMPLES: dict[str, dict[str, Any]] = {
    "request_floor": {"kind": "point_of_order"},
    "withdraw_request": {"request_id": "nope"},
    "approve_request": {"request_id": "nope"},
    "decline_request": {"request_id": "nope", "reason": "out of time"},
    "add_speaker": {"name": "Guest speaker", "constituency": "academia"},
    "move_entry": {"entry_id": "nope", "position": 0},
    "remove_entry": {"entry_id": "nope"},
    "readd_last_speaker": {},
    "edit_entry": {"entry_id": "nope", "kind": "point_of_order"},
    "correct_speaker": {"participant_id": "nope"},
    "undo": {},
    "set_floor_mode": {"mode": "open"},
    "close_list": {},
    "reopen_list": {},
    "set_queue_cap": {"cap": 40},
    "set_default_time": {"kind": "intervention", "duration_ms": 180_000},
    "set_thresholds": {"warning_ms": 30_000, "danger_ms": 10_000},
    "set_start_timer_on_call": {"enabled": True},
    "call_next": {},
    "end_turn": {},
    "start_timer": {},
    "pause_timer": {},
    "resume_timer": {},
    "adjust_time": {"delta_ms": 30_000},
    "reset_timer": {},
    "set_message": {"text": "Please conclude"},
    "clear_message": {},
    "interpose": {"name": "Delegate of Chile", "kind": "question"},
    "set_notes": {"text": "Chile after the break"},
    "set_points_of_order": {"enabled": False},
    "start_segment": {},
    "end_segment": {},
    # the live segment is no break: refused past the role (not_a_break)
    "announce_resumption": {"at": None},
    "update_segment": {"aim": "Recommendations"},
    "create_segment": {"title": "Extra"},
    "remove_segment": {},  # the live segment: refused past the role (it has run)
    "apply_order": {"scope": "queue", "order": ["nope"]},
    "set_queue_times": {"duration_ms": 120_000},
    "set_budget": {"constituency": "civil_society", "budget_ms": 600_000},
    "carry_queue": {"to_segment_id": None},
    "raise_signal": {"kind": "slow_down", "duration_s": 30},
    "clear_signal": {"signal_id": None},
}
#: The outcome's commands (app/floor/contributions.py), sent on the same sockets; "{cid}" is a
#: fresh contribution of the world's delegate (accepted first for show_contribution).
OUTCOME_EXAMPLES: dict[str, dict[str, Any]] = {
    "submit_contribution": {"kind": "pledge", "text": "Ten reception centres", "language": "en"},
    "accept_contribution": {"contribution_id": "{cid}"},
    "set_aside_contribution": {"contribution_id": "{cid}", "note": "outside the mandate"},
    "reopen_contribution": {"contribution_id": "{accepted}"},
    "edit_contribution": {"contribution_id": "{cid}", "text": "Ten new reception centres"},
    "merge_contributions": {"contribution_id": "{cid}", "into_id": "{other}"},
    "tag_contribution": {"contribution_id": "{cid}", "themes": ["Pathways"], "objectives": [5]},
    "show_contribution": {"contribution_id": "{accepted}"},
    "curate_contribution": {"contribution_id": "{cid}", "text": "Ten new reception centres"},
    "unmerge_contribution": {"contribution_id": "{cid}"},  # not merged: refused past the role
    "correct_author": {"participant_id": "nope"},
}
COMMAND_CELLS = [
    (kind, role) for kind in [*command_types(), *outcome_command_types()] for role in Role
]


def test_every_command_has_an_example() -> None:
    assert set(EXAMPLES) == set(command_types())
    assert set(OUTCOME_EXAMPLES) == set(outcome_command_types())


@pytest.mark.parametrize(
    ("kind", "role"), COMMAND_CELLS, ids=[f"{k} as {r}" for k, r in COMMAND_CELLS]
)
def test_command_cell(shared: World, kind: str, role: Role) -> None:
    """Each role sends each command over its socket; only the command's row may pass. A button
    box (``device``) has no socket: its commands come through the actions route only
    (``test_actions.py``), behind its double-press guard."""
    world = shared
    with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
        socket.send_json({"type": "hello", "token": world.tokens[role.value]})
        first = socket.receive_json()
        if role is Role.DEVICE:
            assert (first["type"], first["code"]) == ("error", "forbidden"), first
            return
        assert first["type"] == "snapshot"
        command_id = uuid.uuid4().hex
        command = {"type": kind, **_example(world, kind, role)}
        before = world.state()["version"], _outcome_version(world)
        if kind == "create_segment":  # the one command with its own route, not the socket
            response = world.call(
                role.value,
                "POST",
                f"/events/{world.event['id']}/segments",
                json={"command_id": command_id, **EXAMPLES[kind]},
            )
            answer = response.json().get("error") or {"type": "ack"}
            answer.setdefault("type", "error")
        else:
            socket.send_json({"type": "command", "command_id": command_id, "command": command})
            answer = _answer_to(socket, command_id)
    if role in roles_for(kind):
        assert answer.get("code") not in ("forbidden", "unauthenticated"), answer
    else:
        assert answer["type"] == "error" and answer["code"] == "forbidden", answer
        after = world.state()["version"], _outcome_version(world)
        assert after == before, "a refused command changed the floor or the outcome"


def _outcome_version(world: World) -> int:
    outcome = world.call("organiser", "GET", f"/events/{world.event['id']}/contributions")
    return int(outcome.json()["version"])


def _example(world: World, kind: str, role: Role) -> dict[str, Any]:
    if kind not in OUTCOME_EXAMPLES:
        return EXAMPLES[kind]
    example = dict(OUTCOME_EXAMPLES[kind])
    if kind == "submit_contribution" and role is not Role.DELEGATE:
        example["on_behalf_of"] = world.delegate["participant"]["id"]
    fill = {"{cid}": _contribution, "{other}": _contribution, "{accepted}": _accepted}
    for key, value in example.items():
        if isinstance(value, str) and value in fill:
            example[key] = fill[value](world)
    return example


def _answer_to(socket: Any, command_id: str) -> dict[str, Any]:
    while True:
        frame = socket.receive_json()
        if frame.get("command_id") == command_id and frame["type"] in ("ack", "error"):
            return dict(frame)


def test_anonymous_sockets_send_nothing(world: World) -> None:
    with world.client.websocket_connect(f"/ws/segments/{world.segment_id}") as socket:
        socket.send_json({"type": "command", "command_id": "x", "command": {"type": "call_next"}})
        refusal = socket.receive_json()
    assert refusal["code"] == "expected_hello"
    assert world.state()["version"] == 2  # created, started, nothing since
