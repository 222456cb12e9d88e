"""``GET /metrics`` on a real app: the counters move with the commands, the histograms have
observations, connections are counted per audience, and only the organiser key reads them
(anyone, with ``metrics_public``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import prometheus_client
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from app.config import ConfigError, Settings
from app.main import create_app
from tests.security.conftest import NO_LIMITS, ORGANISER_KEY, World, build_world

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
MakeWorld = Callable[..., World]


@pytest.fixture
def make_world(tmp_path: Path) -> Iterator[MakeWorld]:
    clients: list[TestClient] = []

    def make(**settings: Any) -> World:
        database = tmp_path / f"floor-{len(clients)}.db"
        app = create_app(
            Settings(
                database_url=f"sqlite:///{database}",
                organiser_key=ORGANISER_KEY,
                limits=NO_LIMITS,
                **settings,
            )
        )
        client = TestClient(app, base_url="http://floor.test")
        client.__enter__()
        clients.append(client)
        return build_world(client)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def world(make_world: MakeWorld) -> World:
    return make_world()


def scrape(world: World, token: str | None = ORGANISER_KEY) -> Samples:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = world.client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def commands(samples: Samples, kind: str, outcome: str, code: str = "") -> float:
    return value(samples, "floorkeeper_commands_total", type=kind, outcome=outcome, code=code)


def test_commands_are_counted_by_type_and_outcome(world: World) -> None:
    before = scrape(world)
    # build_world started the segment: accepted once durable
    assert commands(before, "start_segment", "accepted") == 1

    add = {"type": "add_speaker", "name": "Guest speaker", "constituency": "academia"}
    assert world.command("organiser", add, command_id="add-1").status_code == 200
    assert world.command("organiser", add, command_id="add-1").status_code == 200  # a retry
    assert world.command("organiser", {"type": "undo"}).status_code == 200
    empty = world.command("organiser", {"type": "call_next"})
    assert empty.json()["error"]["code"] == "queue_empty"
    # the booth may use the commands route (for its signals); the core refuses it call_next
    refused = world.command("booth", {"type": "call_next"})
    assert refused.status_code == 403

    after = scrape(world)
    assert commands(after, "add_speaker", "accepted") == 1
    assert commands(after, "add_speaker", "duplicate") == 1
    assert commands(after, "undo", "accepted") == 1
    assert commands(after, "call_next", "refused", "queue_empty") == 1
    assert commands(after, "call_next", "refused", "forbidden") == 1


def test_the_outcome_and_the_button_boxes_are_counted(world: World) -> None:
    body = {
        "command_id": uuid.uuid4().hex,
        "kind": "pledge",
        "text": "Ten reception centres",
        "language": "en",
    }
    response = world.call(
        "delegate", "POST", f"/events/{world.event['id']}/contributions", json=body
    )
    assert response.status_code == 201, response.text
    button = world.call("device", "POST", f"/events/{world.event['id']}/actions/message/conclude")
    assert button.status_code == 200, button.text
    samples = scrape(world)
    assert commands(samples, "submit_contribution", "accepted") == 1
    assert commands(samples, "set_message", "accepted") == 1
    assert value(samples, "floorkeeper_fanout_seconds_count", stream="outcome") >= 1


def test_http_answers_are_counted_by_status_and_no_created_series_are_written(
    world: World,
) -> None:
    """Outside probe N: a Companion with a wrong key was refused 401 with nothing in the
    metrics, and every counter came with a ``*_created`` twin that doubled the output."""
    before = scrape(world)
    wrong = world.client.post(
        f"/api/v1/events/{world.event['id']}/actions/next",
        headers={"Authorization": "Bearer not-a-key"},
    )
    assert wrong.status_code == 401
    after = scrape(world)
    for status in ("401", "200"):
        assert value(after, "floorkeeper_http_responses_total", status=status) > value(
            before, "floorkeeper_http_responses_total", status=status
        ), status
    text = world.client.get("/metrics", headers={"Authorization": f"Bearer {ORGANISER_KEY}"}).text
    assert "_created" not in text


def test_the_histograms_have_observations(world: World) -> None:
    before = scrape(world)
    for n in range(3):
        add = {"type": "add_speaker", "name": f"Speaker {n}", "constituency": "academia"}
        assert world.command("organiser", add).status_code == 200
    after = scrape(world)
    for name, labels in (
        ("floorkeeper_log_append_seconds", {}),
        ("floorkeeper_group_commit_commands", {}),
        ("floorkeeper_fanout_seconds", {"stream": "floor"}),
    ):
        count = value(after, f"{name}_count", **labels)
        assert count >= value(before, f"{name}_count", **labels) + 3, name
        assert value(after, f"{name}_sum", **labels) > 0, name
        # every observation falls in some bucket
        assert value(after, f"{name}_bucket", **labels, le="+Inf") == count, name
    # one command per write here (each answered before the next was sent)
    assert value(after, "floorkeeper_group_commit_commands_bucket", le="1.0") >= 3


def test_connections_are_counted_per_audience(world: World) -> None:
    path = f"/ws/segments/{world.segment_id}"
    with (
        world.client.websocket_connect(path) as display,
        world.client.websocket_connect(path) as console,
    ):
        display.send_json({"type": "hello", "token": world.tokens["display"]})
        console.send_json({"type": "hello", "token": world.tokens["moderator"]})
        assert display.receive_json()["type"] == "snapshot"
        assert console.receive_json()["type"] == "snapshot"
        samples = scrape(world)
        assert value(samples, "floorkeeper_connections", audience="public") == 1
        assert value(samples, "floorkeeper_connections", audience="moderator") == 1
        assert value(samples, "floorkeeper_connections", audience="delegate") == 0


def test_live_pages_waiting_for_publication_are_counted(world: World) -> None:
    """A live page opened before its page is published holds a socket and is sent nothing: it
    is counted apart (it is no subscriber yet), then among the connections once published."""
    path = f"/ws/live/{world.event['id']}"
    with world.client.websocket_connect(path) as page:
        page.send_json({"type": "hello"})
        assert page.receive_json()["code"] == "not_published"
        samples = scrape(world)
        assert value(samples, "floorkeeper_live_pages_waiting") == 1
        assert value(samples, "floorkeeper_connections", audience="live") == 0
        response = world.call(
            "organiser", "PATCH", f"/events/{world.event['id']}", json={"live_published": True}
        )
        assert response.status_code == 200, response.text
        assert page.receive_json()["type"] == "snapshot"
        samples = scrape(world)
        assert value(samples, "floorkeeper_live_pages_waiting") == 0
        assert value(samples, "floorkeeper_connections", audience="live") == 1


def test_only_the_organiser_key_reads_them(world: World) -> None:
    anonymous = world.client.get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.json()["error"]["code"] == "unauthenticated"
    for role in ("moderator", "display", "device", "delegate", "rapporteur", "booth"):
        token = world.tokens[role]
        response = world.client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 403, role
    link = world.call(
        "organiser", "POST", f"/events/{world.event['id']}/access-links", json={"role": "organiser"}
    )
    assert link.status_code == 201, link.text
    scoped = world.client.get(
        "/metrics", headers={"Authorization": f"Bearer {link.json()['token']}"}
    )
    assert scoped.status_code == 403
    assert "whole server" in scoped.json()["error"]["message"]
    unknown = world.client.get("/metrics", headers={"Authorization": "Bearer nope-nope-nope"})
    assert unknown.status_code == 401


def test_public_metrics_need_no_credential(make_world: MakeWorld) -> None:
    world = make_world(metrics_public=True)
    samples = scrape(world, token=None)
    assert commands(samples, "start_segment", "accepted") == 1


SCRAPER_KEY = "scraper-key-0123456789abcdef-xyz"


def test_the_metrics_key_reads_the_metrics_and_nothing_else(make_world: MakeWorld) -> None:
    """Outside probe N: the scraper had to hold the organiser key, the one key that can do
    everything. Its own key (``FLOORKEEPER_METRICS_KEY``) reads ``/metrics`` and is refused
    everywhere else, as any unknown key is."""
    world = make_world(metrics_key=SCRAPER_KEY)
    samples = scrape(world, token=SCRAPER_KEY)
    assert commands(samples, "start_segment", "accepted") == 1
    headers = {"Authorization": f"Bearer {SCRAPER_KEY}"}
    assert world.client.get("/api/v1/events", headers=headers).status_code == 401
    pressed = world.client.post(f"/api/v1/events/{world.event['id']}/actions/next", headers=headers)
    assert pressed.status_code == 401
    assert scrape(world)  # the organiser key still reads them
    wrong = world.client.get("/metrics", headers={"Authorization": "Bearer scraper-key-wrong-0"})
    assert wrong.status_code == 401


@pytest.mark.parametrize(
    ("key", "said"),
    [("short", "5 characters long"), (ORGANISER_KEY, "is the organiser key")],
)
def test_a_metrics_key_too_short_or_the_organiser_s_is_refused_at_start(
    key: str, said: str
) -> None:
    with pytest.raises(ConfigError, match=said):
        Settings(organiser_key=ORGANISER_KEY, metrics_key=key)


def test_each_app_counts_in_a_registry_of_its_own(make_world: MakeWorld) -> None:
    first, second = make_world(), make_world()
    add = {"type": "add_speaker", "name": "Guest speaker", "constituency": "academia"}
    assert first.command("organiser", add).status_code == 200
    assert commands(scrape(first), "add_speaker", "accepted") == 1
    assert commands(scrape(second), "add_speaker", "accepted") == 0
    # and nothing of ours lands in the process-wide default registry
    names = {metric.name for metric in prometheus_client.REGISTRY.collect()}
    assert not any(name.startswith("floorkeeper") for name in names)
