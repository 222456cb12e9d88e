"""A query parameter a route does not take is refused, naming it and the ones the route takes, as
a body refuses a field it does not know (outside probe C, finding 3: ``?dryrun=1`` imported a
spreadsheet for real). The hints a browser sends beside its cookies (``as``, ``event``) are
taken everywhere; each route takes exactly the query parameters its OpenAPI lists."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from app.api.deps import HINT_PARAMS, query_names
from app.api.docs import _routes
from tests.security.conftest import AppFactory, World, build_world, make_client

__all__ = ["make_client"]  # the fixture, used by name

SHEET = b"Name,Constituency\nTypo Dryrun Person,Academia\n"


def _names(world: World) -> list[str]:
    listed = world.call("organiser", "GET", f"/events/{world.event['id']}/participants")
    return [person["name"] for person in listed.json()]


def test_a_misspelt_dry_run_imports_nothing(make_client: AppFactory) -> None:
    world = build_world(make_client())
    path = f"/events/{world.event['id']}/participants/import"
    typo = world.call(
        "organiser", "POST", path, params={"dryrun": 1}, files={"file": ("w.csv", SHEET)}
    )
    assert typo.status_code == 422
    error = typo.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"].startswith("query.dryrun: this route has no query parameter 'dryrun'")
    assert "dry_run, update_registered" in error["message"]
    assert typo.json()["details"][0]["loc"] == ["query", "dryrun"]
    assert "Typo Dryrun Person" not in _names(world)
    # spelt right: a dry run, nothing written either
    dry = world.call(
        "organiser", "POST", path, params={"dry_run": 1}, files={"file": ("w.csv", SHEET)}
    )
    assert dry.status_code == 200 and dry.json()["dry_run"] is True
    assert "Typo Dryrun Person" not in _names(world)


def test_paging_parameters_are_refused_not_ignored(make_client: AppFactory) -> None:
    world = build_world(make_client())
    path = f"/events/{world.event['id']}/participants"
    refused = world.call("organiser", "GET", path, params={"limit": 2, "page": 5})
    assert refused.status_code == 422
    assert [item["loc"] for item in refused.json()["details"]] == [
        ["query", "limit"],
        ["query", "page"],
    ]
    assert "it takes format" in refused.json()["error"]["message"]
    # a route that takes none says so
    events = world.call("organiser", "GET", "/events", params={"limit": 1})
    assert events.status_code == 422
    assert "it takes none of its own" in events.json()["error"]["message"]


def test_the_browsers_hints_are_taken_everywhere(make_client: AppFactory) -> None:
    world = build_world(make_client())
    event_id = world.event["id"]
    hints = {"as": "organiser", "event": event_id}
    for path in ("/events", f"/events/{event_id}", f"/segments/{world.segment_id}/state"):
        assert world.call("organiser", "GET", path, params=hints).status_code == 200, path
    # what the faces send: the room display's QR code by its code (a new code, a new image)
    qr = world.call("display", "GET", f"/events/{event_id}/join-qr.svg", params={"code": "X"})
    assert qr.status_code == 200


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    from app.config import Settings
    from app.main import create_app

    database = tmp_path_factory.mktemp("query") / "floor.db"
    return create_app(Settings(database_url=f"sqlite:///{database}"))


def test_each_route_takes_the_query_parameters_its_openapi_lists(app: FastAPI) -> None:
    """The route's own parameters, its dependencies' included (FastAPI's dependant), are what
    the OpenAPI documents; the hints besides."""
    schema = app.openapi()
    checked = 0
    for prefix, route in _routes(app.routes):
        if not (prefix + route.path).startswith("/api/v1/"):
            continue
        for method in route.methods or ():
            operation = schema["paths"][prefix + route.path][method.lower()]
            listed = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            taken = query_names(route)
            assert taken == (*listed, *HINT_PARAMS), f"{method} {prefix}{route.path}"
            checked += 1
    assert checked > 40
