"""Configuration from the command line and the environment (FLOORKEEPER_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_DATABASE_URL = "sqlite:///floorkeeper.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    organiser_key: str | None = None
    #: Origins allowed to open a WebSocket besides the server's own (same origin is always allowed).
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    public_url: str | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        origins = os.environ.get("FLOORKEEPER_ALLOWED_ORIGINS", "")
        values: dict[str, object] = {
            "database_url": os.environ.get("FLOORKEEPER_DATABASE_URL", DEFAULT_DATABASE_URL),
            "organiser_key": os.environ.get("FLOORKEEPER_ORGANISER_KEY") or None,
            "allowed_origins": tuple(o.strip() for o in origins.split(",") if o.strip()),
            "public_url": os.environ.get("FLOORKEEPER_PUBLIC_URL") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
