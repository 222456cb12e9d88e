"""``/api/v1/health`` says how the process shares its work (``fanout``, ``redis``) and answers
``log_gap`` when a meeting day's log skips versions (a second database's server wrote through
this one's Redis, or a restore under a running server), rather than serving it silently; with
HTTP 200: every process finds the same log, so a 503 would take the room down."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.security.conftest import NO_LIMITS, ORGANISER_KEY

HEADERS = {"Authorization": f"Bearer {ORGANISER_KEY}"}


def _client(url: str) -> TestClient:
    settings = Settings(database_url=url, organiser_key=ORGANISER_KEY, limits=NO_LIMITS)
    return TestClient(create_app(settings), base_url="http://floor.test")


def test_health_says_alone_then_log_gap_for_a_log_that_skips_versions_and_still_serves(
    tmp_path: Path,
) -> None:
    path = tmp_path / "floor.db"
    url = f"sqlite:///{path}"
    with _client(url) as client:
        health = client.get("/api/v1/health")
        assert health.status_code == 200
        assert health.json()["fanout"] == "alone" and health.json()["redis"] is None
        scraped = client.get("/metrics", headers=HEADERS).text
        assert 'floorkeeper_fanout_up{fanout="alone"} 1.0' in scraped
        event = client.post("/api/v1/events", json={"title": "Gap"}, headers=HEADERS).json()
        segment = client.post(
            f"/api/v1/events/{event['id']}/segments",
            json={"title": "One", "command_id": "seg-1"},
            headers=HEADERS,
        ).json()
        for name in ("Ana", "Bo", "Chen", "Dina"):
            body = {
                "command_id": uuid.uuid4().hex,
                "command": {"type": "add_speaker", "name": name},
            }
            answer = client.post(
                f"/api/v1/segments/{segment['id']}/commands", json=body, headers=HEADERS
            )
            assert answer.status_code < 300, answer.text
    # a version taken out of the middle of the log (and the snapshots, a cache, with it)
    with sqlite3.connect(path) as database:
        database.execute(
            "DELETE FROM floor_log WHERE segment_id = ? AND version = 3", (segment["id"],)
        )
        database.execute("DELETE FROM snapshots")
    with _client(url) as client:
        health = client.get("/api/v1/health")
        assert health.status_code == 200  # degraded, serving: a proxy keeps it in rotation
        found = health.json()
        assert found["status"] == "log_gap"
        assert event["id"] in found["storage_error"] and "skips versions" in found["storage_error"]


async def test_an_unreachable_redis_is_said_with_since_when_and_keys_carry_the_database() -> None:
    from app.fanout import RedisFanout
    from app.metrics import Metrics

    fanout = RedisFanout("redis://127.0.0.1:1/0", poll_s=0.01)
    fanout.use_database("0123456789")
    assert fanout.stream("ev1") == "fk:0123456789:event:ev1"
    assert fanout.control == "fk:0123456789:control"
    assert fanout.address == "127.0.0.1:1"
    await fanout.open()  # nothing listens there
    assert not fanout.reachable and fanout.down_since is not None
    metrics = Metrics()
    metrics.watch_fanout(fanout)
    assert b'floorkeeper_fanout_up{fanout="redis"} 0.0' in metrics.exposition()
    await fanout.close()
