from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .server import Api, ServerProcess


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(f"sqlite:///{tmp_path / 'floor.db'}", tmp_path / "server.log")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def api(server: ServerProcess) -> Api:
    return Api(server.base)


@pytest.fixture
def hearing(api: Api) -> dict[str, Any]:
    """An event with one live segment, a registered delegate and a moderator link."""
    event = api.ok("POST", "/events", json={"title": "Hearing", "timezone": "America/New_York"})
    segment = api.ok(
        "POST",
        f"/events/{event['id']}/segments",
        json={"title": "Thematic discussion I", "command_id": "seg-1"},
    )
    api.command(segment["id"], {"type": "start_segment"}).raise_for_status()
    joined = api.ok(
        "POST",
        f"/events/{event['id']}/participants",
        json={
            "join_code": event["join_code"],
            "name": "Amina Diallo",
            "organisation": "ITUC",
            "constituency": "trade_union",
            "language": "fr",
        },
    )
    link = api.ok("POST", f"/events/{event['id']}/access-links", json={"role": "moderator"})
    display = api.ok("POST", f"/events/{event['id']}/access-links", json={"role": "display"})
    return {
        "event": event,
        "segment_id": segment["id"],
        "delegate": joined,
        "moderator_token": link["token"],
        "display_token": display["token"],
    }
