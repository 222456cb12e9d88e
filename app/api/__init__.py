"""Thin transports: REST and WebSocket translate, authorise and hand over to the engine."""

from __future__ import annotations

import sys

from pydantic import BaseModel


def _openapi_models_built_on_first_use() -> None:
    """Import FastAPI's OpenAPI document models with pydantic's ``defer_build`` on.

    ``fastapi.openapi.models`` declares about 60 pydantic classes (the OpenAPI 3.1 document),
    and pydantic builds each one's validator and serializer as the class is made: 45-70 ms of
    every start, spent when ``fastapi`` is first imported, for a document that is only made when
    someone asks for ``/openapi.json`` or the API docs. Imported here, before anything else of
    ours imports ``fastapi``, with ``defer_build`` set on pydantic's base config for the length of
    that one import: those classes keep it (a class's config is read from its bases when it is
    made) and are built on first use; every model made afterwards is not affected.
    ``tests/test_startup_imports.py`` checks that it still holds for the installed FastAPI and
    that the document is still served.
    """
    if "fastapi.openapi.models" in sys.modules:
        return
    config = BaseModel.model_config
    had, before = "defer_build" in config, config.get("defer_build")
    config["defer_build"] = True
    try:
        import fastapi.openapi.models  # noqa: F401
    finally:
        if had:
            config["defer_build"] = bool(before)
        else:
            del config["defer_build"]


_openapi_models_built_on_first_use()
