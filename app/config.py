"""Configuration from the command line and the environment (FLOORKEEPER_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

DEFAULT_DATABASE_URL = "sqlite:///floorkeeper.db"
#: The databases Floorkeeper keeps its log in, as every message about a database URL names them.
SUPPORTED_DATABASES = (
    "SQLite (sqlite:///path/to/floorkeeper.db) or PostgreSQL "
    "(postgresql+psycopg://user@host:5432/dbname)"
)
#: The shortest organiser key accepted from the environment (a generated one has 32 characters).
MIN_ORGANISER_KEY_LENGTH = 16


class ConfigError(ValueError):
    """A setting the server refuses to start with; the message says what to change."""


@dataclass(frozen=True)
class Limits:
    """What one client may do, so that one broken or hostile phone cannot crowd out the room.

    Each is set by ``FLOORKEEPER_<NAME>`` (e.g. ``FLOORKEEPER_JOINS_PER_MINUTE=600`` for a load
    test from one address); ``0`` switches that limit off. See docs/security.md.
    """

    #: Frames per second one WebSocket may send (a token bucket of twice this size).
    ws_messages_per_second: int = 20
    #: Floor requests one delegate may make per minute (withdrawals included).
    floor_requests_per_minute: int = 12
    #: Recommendations and pledges one delegate may submit per minute (one phone cannot flood
    #: the rapporteur's list; a delegate with several writes them over a few minutes).
    contributions_per_minute: int = 6
    #: Delegates who may join per minute from one network address (a whole delegation may share
    #: the venue's Wi-Fi address, so this is generous).
    joins_per_minute: int = 120
    #: Wrong join codes one address may try per minute before it is made to wait.
    bad_join_codes_per_minute: int = 10
    #: Sockets open at once with one credential (a delegate on two phones, a display link on the
    #: main screen and the overflow room).
    connections_per_token: int = 8
    #: REST requests per second from one credential or, without one, one address.
    requests_per_second: int = 50
    #: Seconds a connection has to send a complete request head (and the app to complete a
    #: WebSocket handshake), from when it is made or its last response left (api/connections.py).
    header_timeout_s: int = 10
    #: Connections open at once from one address (an IPv6 one: its /64), not counting the trusted
    #: proxies': generous, since a whole venue may reach the server through one NAT address.
    connections_per_address: int = 4096
    #: Connections open at once in all; always kept below the process's file limit (``0``: that
    #: bound only).
    connections_total: int = 16384
    #: Sockets of the public live page (``/ws/live/{event_id}``, no key) open at once from one
    #: address (an IPv6 one: its /64), counted across processes like a link's screens: a
    #: delegation's office or a webcast studio behind one address, not a script holding
    #: thousands.
    live_connections_per_address: int = 100
    #: The share (percent) of this process's connection cap (``connections_total``, bounded by
    #: the file limit) that the public live page's sockets may hold at once. The rest stays for
    #: the room's own screens, phones and consoles however big the webcast grows.
    live_connections_percent: int = 80

    @classmethod
    def env_off(cls) -> dict[str, str]:
        """The environment that turns every limit off (load tests from one machine)."""
        return {f"FLOORKEEPER_{item.name.upper()}": "0" for item in fields(cls)}

    @classmethod
    def from_env(cls) -> Limits:
        values = {}
        for item in fields(cls):
            raw = os.environ.get(f"FLOORKEEPER_{item.name.upper()}")
            if raw is not None and raw.strip():
                values[item.name] = int(raw)
        return cls(**values)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    organiser_key: str | None = None
    #: Origins allowed to open a WebSocket besides the server's own (same origin is always allowed).
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    public_url: str | None = None
    limits: Limits = field(default_factory=Limits)
    #: ``GET /metrics`` without a credential (a scraper on a private network); else it needs the
    #: organiser key as a Bearer token. ``FLOORKEEPER_METRICS_PUBLIC=1`` or ``--metrics-public``.
    metrics_public: bool = False
    #: A key that reads ``GET /metrics`` and nothing else, for the venue's scraper (which then
    #: holds no key that can run the hearing). ``FLOORKEEPER_METRICS_KEY``.
    metrics_key: str | None = None
    #: Several processes on one PostgreSQL database: the fan-out between them over Redis
    #: (``redis://host:6379/0``; ``FLOORKEEPER_REDIS_URL`` or ``--redis-url``). None: one process.
    redis_url: str | None = None
    #: A segment's state is snapshotted again once it has folded this many events since its last
    #: snapshot (and when it ends): app/snapshots.py. ``FLOORKEEPER_SNAPSHOT_EVERY``.
    snapshot_every: int = 1_000

    def __post_init__(self) -> None:
        problem = database_url_problem(self.database_url)
        if problem is not None:
            raise ConfigError(problem)
        key, metrics_key = self.organiser_key, self.metrics_key
        _check_key_length(
            "FLOORKEEPER_ORGANISER_KEY", key, ", or unset it and let the server make one"
        )
        _check_key_length("FLOORKEEPER_METRICS_KEY", metrics_key)
        if metrics_key is not None and metrics_key == key:
            raise ConfigError(
                "FLOORKEEPER_METRICS_KEY is the organiser key: give the scraper a key of its own"
            )
        if self.redis_url and not self.database_url.startswith("postgresql"):
            raise ConfigError(
                "--redis-url (FLOORKEEPER_REDIS_URL) runs several processes on one database: "
                "give them a PostgreSQL --database-url (postgresql+psycopg://...); on SQLite, "
                "run one process without Redis"
            )

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        origins = os.environ.get("FLOORKEEPER_ALLOWED_ORIGINS", "")
        values: dict[str, object] = {
            "database_url": os.environ.get("FLOORKEEPER_DATABASE_URL", DEFAULT_DATABASE_URL),
            "organiser_key": os.environ.get("FLOORKEEPER_ORGANISER_KEY") or None,
            "allowed_origins": tuple(o.strip() for o in origins.split(",") if o.strip()),
            "public_url": os.environ.get("FLOORKEEPER_PUBLIC_URL") or None,
            "limits": Limits.from_env(),
            "metrics_public": _flag(os.environ.get("FLOORKEEPER_METRICS_PUBLIC", "")),
            "metrics_key": os.environ.get("FLOORKEEPER_METRICS_KEY") or None,
            "redis_url": os.environ.get("FLOORKEEPER_REDIS_URL") or None,
            "snapshot_every": int(os.environ.get("FLOORKEEPER_SNAPSHOT_EVERY") or 1_000),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def _check_key_length(name: str, key: str | None, otherwise: str = "") -> None:
    """A key given in the environment that is too short to be a secret is refused at start."""
    if key is not None and len(key) < MIN_ORGANISER_KEY_LENGTH:
        raise ConfigError(
            f"{name} is {len(key)} characters long: use at least {MIN_ORGANISER_KEY_LENGTH} "
            "random characters (e.g. the output of "
            f"`python3 -c 'import secrets; print(secrets.token_urlsafe(24))'`){otherwise}"
        )


def database_url_problem(url: str) -> str | None:
    """What is wrong with a database URL, in one line that names the databases Floorkeeper
    runs on; None for a SQLite or PostgreSQL (psycopg) URL. Read without loading a dialect or
    a driver (a start on SQLite imports nothing of PostgreSQL's)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:  # the value is not echoed: it might hold a password
        return (
            "the database URL (--database-url or FLOORKEEPER_DATABASE_URL) is not a URL: "
            f"give {SUPPORTED_DATABASES}"
        )
    backend, _, driver = parsed.drivername.partition("+")
    shown = parsed.render_as_string(hide_password=True)
    drivers = {
        "sqlite": ("SQLite", "pysqlite", "sqlite:///"),
        "postgresql": ("PostgreSQL", "psycopg", "postgresql+psycopg://"),
    }
    if backend == "postgres":  # as some hosts write it; SQLAlchemy knows only postgresql
        backend, driver = "postgresql", "postgres"
    if backend in drivers:
        name, ours, start = drivers[backend]
        if driver in ("", ours):
            return None
        return (
            f"{shown}: Floorkeeper opens {name} through {ours}, not {driver}: start the URL "
            f"with {start}"
        )
    return (
        f"{shown} is not a database Floorkeeper runs on: it keeps its data in {SUPPORTED_DATABASES}"
    )


def _flag(raw: str) -> bool:
    """An on/off setting: ``1``, ``true``, ``yes`` or ``on`` (any case) is on; anything else off."""
    return raw.strip().lower() in ("1", "true", "yes", "on")
