"""The served API documentation says who may call each operation and where the rest of the
reference is (outside probe C, finding 4): each operation's description ends with its row of the
role x route matrix (``app/api/access.py`` ``ROUTES``) and carries it as
``x-floorkeeper-roles``; every operation describes itself besides; the API's description links
``docs/protocol.md``, which this server serves at ``/docs/protocol.md`` from its own files (a
checkout, an editable install, a wheel, the Docker image)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.api.access import ANONYMOUS, ROUTES
from app.api.docs import PROTOCOL_PATH, protocol_file, roles_line
from app.floor import Role

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from app.config import Settings
    from app.main import create_app

    database = tmp_path_factory.mktemp("roles") / "floor.db"
    with TestClient(create_app(Settings(database_url=f"sqlite:///{database}"))) as client:
        yield client


def _operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_says_who_may_call_it(client: TestClient) -> None:
    operations = _operations(client.get("/openapi.json").json())
    assert len(operations) > 40
    for route, operation in operations:
        allowed = ROUTES[route]
        roles = operation["x-floorkeeper-roles"]
        assert set(roles) == {str(cell) for cell in allowed}, route
        said, _, line = operation["description"].rpartition("\n\n")
        assert line == roles_line(allowed) and line.startswith("Who may call it: "), route
        assert said.strip(), f"{route} has no description of its own"


@pytest.mark.parametrize(
    ("route", "line"),
    [
        ("POST /api/v1/events", "Who may call it: organiser."),
        ("DELETE /api/v1/events/{event_id}", "Who may call it: organiser."),
        ("PATCH /api/v1/segments/{segment_id}", "Who may call it: organiser, moderator."),
        (
            "GET /api/v1/segments/{segment_id}/speeches",
            "Who may call it: organiser, moderator, rapporteur.",
        ),
        (
            "POST /api/v1/segments/{segment_id}/commands",
            "Who may call it: organiser, moderator, delegate, booth.",
        ),
        ("GET /api/v1/health", "Who may call it: anyone, no credential needed."),
    ],
)
def test_the_roles_line_of_a_route(client: TestClient, route: str, line: str) -> None:
    method, _, path = route.partition(" ")
    operation = client.get("/openapi.json").json()["paths"][path][method.lower()]
    assert operation["description"].endswith(f"\n\n{line}")
    order = [*(str(role) for role in Role), ANONYMOUS]
    roles = operation["x-floorkeeper-roles"]
    assert roles == sorted(roles, key=order.index)


def test_the_api_description_links_the_protocol_reference(client: TestClient) -> None:
    description = client.get("/openapi.json").json()["info"]["description"]
    links = re.findall(r"\[docs/protocol\.md\]\(([^)]+)\)", description)
    assert links == ["docs/protocol.md"]  # relative: /docs and /redoc both reach /docs/protocol.md
    assert "/docs/protocol.md" in description


def test_the_protocol_reference_is_served_as_markdown(client: TestClient) -> None:
    served = client.get(PROTOCOL_PATH)
    assert served.status_code == 200
    assert served.headers["content-type"] == "text/markdown; charset=utf-8"
    assert served.content == (ROOT / "docs" / "protocol.md").read_bytes()
    assert served.text.startswith("# Floorkeeper wire protocol")
    assert protocol_file() == ROOT / "docs" / "protocol.md"  # a checkout, an editable install


def test_the_protocol_reference_is_packaged_with_the_server() -> None:
    """A wheel holds it where ``protocol_file`` looks first (``app/docs/protocol.md``), and the
    Docker image's build copies it before the wheel is made."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included["docs/protocol.md"] == "app/docs/protocol.md"
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    build = dockerfile.split("RUN pip wheel", 1)[0]
    assert re.search(r"^COPY docs/protocol\.md \./docs/protocol\.md$", build, re.M)
