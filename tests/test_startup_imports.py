"""What a start skips, and that nothing is lost by skipping it (issue 16, item 5: cold start).

Each check runs in a fresh interpreter: what ``import app.cli`` leaves behind is the point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fresh(code: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_importing_the_server_defers_what_only_the_api_document_needs() -> None:
    found = _fresh(
        """
import gc, json
import app.cli
import pydantic
import fastapi.openapi.models as openapi
from app.api import schemas
from app.floor import events
print(json.dumps({
    "openapi_deferred": openapi.OpenAPI.model_config.get("defer_build"),
    "openapi_built": type(openapi.OpenAPI.__pydantic_validator__).__name__,
    "base_config": dict(pydantic.BaseModel.model_config),
    "floor_built": type(events.SegmentCreated.__pydantic_validator__).__name__,
    "api_built": type(schemas.EventOut.__pydantic_validator__).__name__,
    "collector_on": gc.isenabled(),
    "postgresql_imported": "sqlalchemy.dialects.postgresql" in __import__("sys").modules,
}))
"""
    )
    # FastAPI's OpenAPI models wait for the first /openapi.json; pydantic's base is as it was
    assert found["openapi_deferred"] is True
    assert found["openapi_built"] == "MockValSer"
    assert found["base_config"] == {}
    # every model made after that import is built as before (the log's, the API's)
    assert found["floor_built"] == "SchemaValidator"
    assert found["api_built"] == "SchemaValidator"
    # importing the server (tests, tools) leaves the collector on
    assert found["collector_on"] is True
    # a start on SQLite does not import PostgreSQL's dialect
    assert found["postgresql_imported"] is False


def test_the_api_document_is_still_served_and_the_api_answers(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'x.db'}"
    found = _fresh(
        f"""
import json
import app.cli
from fastapi.testclient import TestClient
from app.config import Settings
from app.main import create_app
app = create_app(Settings.from_env(database_url={database!r}))
with TestClient(app) as client:
    document = client.get("/openapi.json")
    health = client.get("/api/v1/health")
print(json.dumps({{
    "document": document.status_code,
    "paths": len(document.json()["paths"]),
    "health": health.status_code,
    "health_body": sorted(health.json()),
}}))
"""
    )
    assert found["document"] == 200
    assert isinstance(found["paths"], int) and found["paths"] > 20
    assert found["health"] == 200
    assert "status" in found["health_body"]  # type: ignore[operator]


def test_the_collector_is_back_on_once_the_hearing_is_loaded() -> None:
    found = _fresh(
        """
import gc, json
from app.cli import settle_garbage_collector
gc.disable()  # as `serve` has it from create_app to the end of the start
settle_garbage_collector()
print(json.dumps({"on": gc.isenabled(), "frozen": gc.get_freeze_count() > 0}))
"""
    )
    assert found == {"on": True, "frozen": True}
