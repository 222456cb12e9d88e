"""An app in this process (Starlette's TestClient) with a hearing and one credential per role."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from app.config import Limits, Settings
from app.main import create_app

ORGANISER_KEY = "security-organiser-key-0123456789"
NO_LIMITS = Limits(0, 0, 0, 0, 0, 0)


@dataclass
class World:
    """One hearing, and a credential for every role, plus a moderator of another event."""

    client: TestClient
    event: dict[str, Any]
    segment_id: str
    tokens: dict[str, str | None]
    delegate: dict[str, Any]
    other_event: dict[str, Any] = field(default_factory=dict)

    def call(
        self, role: str, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        token = token if token is not None else self.tokens[role]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        # TestClient is typed against httpx2, which is not installed: its answers are Any to mypy
        response: httpx.Response = self.client.request(
            method, f"/api/v1{path}", headers=headers, **kwargs
        )
        return response

    def command(
        self, role: str, command: dict[str, Any], command_id: str | None = None
    ) -> httpx.Response:
        body = {"command_id": command_id or uuid.uuid4().hex, "command": command}
        return self.call(role, "POST", f"/segments/{self.segment_id}/commands", json=body)

    def join(self, name: str = "Amina Diallo", **fields: Any) -> httpx.Response:
        body = {
            "join_code": self.event["join_code"],
            "name": name,
            "organisation": "ITUC",
            "constituency": "trade_union",
            **fields,
        }
        response: httpx.Response = self.client.post(
            f"/api/v1/events/{self.event['id']}/participants", json=body
        )
        return response

    def state(self) -> dict[str, Any]:
        response = self.call("organiser", "GET", f"/segments/{self.segment_id}/state")
        assert response.status_code == 200, response.text
        return dict(response.json())


def build_world(client: TestClient) -> World:
    auth = {"Authorization": f"Bearer {ORGANISER_KEY}"}

    def ok(method: str, path: str, **kwargs: Any) -> Any:
        response = client.request(method, f"/api/v1{path}", headers=auth, **kwargs)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    event = ok("POST", "/events", json={"title": "Hearing", "timezone": "America/New_York"})
    segment = ok(
        "POST", f"/events/{event['id']}/segments", json={"title": "Discussion I", "command_id": "s"}
    )
    body = {"command_id": "live", "command": {"type": "start_segment"}}
    ok("POST", f"/segments/{segment['id']}/commands", json=body)
    # from her phone, with the join code (no staff key): the phone's own registration
    answer = client.post(
        f"/api/v1/events/{event['id']}/participants",
        json={
            "join_code": event["join_code"],
            "name": "Amina Diallo",
            "organisation": "ITUC",
            "constituency": "trade_union",
        },
    )
    assert answer.status_code == 201, answer.text
    joined = answer.json()
    links = {
        role: ok("POST", f"/events/{event['id']}/access-links", json={"role": role})["token"]
        for role in ("moderator", "display", "rapporteur", "booth", "device")
    }
    other = ok("POST", "/events", json={"title": "Another day", "timezone": "UTC"})
    stranger = ok("POST", f"/events/{other['id']}/access-links", json={"role": "moderator"})
    return World(
        client=client,
        event=event,
        segment_id=segment["id"],
        tokens={
            "organiser": ORGANISER_KEY,
            "moderator": links["moderator"],
            "delegate": joined["token"],
            "display": links["display"],
            "rapporteur": links["rapporteur"],
            "booth": links["booth"],
            "device": links["device"],
            "anonymous": None,
            "stranger": stranger["token"],
        },
        delegate=joined,
        other_event=other,
    )


AppFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[AppFactory]:
    """Start an app in this process with the given limits; closed at the end of the test."""
    clients: list[TestClient] = []

    def make(limits: Limits = NO_LIMITS, **settings: Any) -> TestClient:
        database = tmp_path / f"floor-{len(clients)}.db"
        app = create_app(
            Settings(
                database_url=f"sqlite:///{database}",
                organiser_key=ORGANISER_KEY,
                limits=limits,
                **settings,
            )
        )
        client = TestClient(app, base_url="http://floor.test")
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def world(make_client: AppFactory) -> World:
    return build_world(make_client())
