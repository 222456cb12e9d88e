"""The ASGI application: wiring only (storage, engine, transports, faces)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI

from . import __version__, keyfile
from .api import docs as api_docs
from .api import faces, live
from .api import metrics as api_metrics
from .api import routes as api_routes
from .api.deps import Services
from .api.edge import EdgeMiddleware
from .api.errors import install_error_handlers
from .api.sockets import OpenSockets
from .api.static import FaceFiles
from .auth import Authenticator, ensure_organiser_key
from .config import Settings
from .demo import load_demo
from .engine import Engine
from .fanout import MemoryFanout, RedisFanout
from .floor.roles import Role
from .hub import Hub
from .limits import Throttle
from .logs import RequestIdMiddleware
from .metrics import LivePagesWaiting
from .policy import Policy
from .screens import ScreenDirectory
from .shared_limits import SharedLimits
from .snapshots import Snapshotter
from .store import Store, make_engine, migrate
from .store.db import hold_database

log = logging.getLogger("floorkeeper")


@dataclass
class StartupInfo:
    """What ``serve`` prints once the server is up."""

    organiser_key: str | None = None
    #: Where a generated organiser key was written instead (FLOORKEEPER_ORGANISER_KEY_FILE).
    organiser_key_file: str | None = None
    demo_event_id: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    #: which floorkeeper this is (app/build.py ``describe``), once the server listens
    build: str | None = None


def create_app(settings: Settings | None = None, *, demo: bool = False) -> FastAPI:
    settings = settings or Settings.from_env()
    info = StartupInfo()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # one process serves a SQLite file: a second serve on it stops here, saying which holds it
        let_go = hold_database(settings.database_url)
        database = make_engine(settings.database_url)
        await asyncio.to_thread(migrate, database)
        store = Store(database)
        key = await asyncio.to_thread(ensure_organiser_key, store, settings.organiser_key)
        info.organiser_key = key.generated
        if key.generated is not None:
            kept = await asyncio.to_thread(keyfile.keep, key.generated)
            if kept is not None:
                info.organiser_key, info.organiser_key_file = None, str(kept)
        # several processes: the fan-out between them over Redis (app/fanout.py); else alone
        fanout = RedisFanout(settings.redis_url) if settings.redis_url else MemoryFanout()
        engine = Engine(store, Hub(), fanout=fanout)
        await engine.load()
        # each segment's state snapshotted off the hot path, past days read (app/snapshots.py)
        snapshotter = Snapshotter(store, engine.hearings, engine.clock, settings.snapshot_every)
        snapshotter.start()
        auth = Authenticator(store, key.digest)
        # several processes: limits and socket counts counted in Redis too (app/shared_limits.py)
        shared = (
            SharedLimits(settings.redis_url, fanout.origin, prefix=fanout.prefix)
            if settings.redis_url and isinstance(fanout, RedisFanout)
            else None
        )
        throttle = Throttle(settings.limits, shared=shared)
        if shared is not None:
            shared.start()
        # every command, whatever transport brings it, passes this one step (app/policy.py)
        engine.policy = Policy(auth, throttle)
        sockets = OpenSockets(live.cap(settings.limits))
        engine.metrics.registry.register(LivePagesWaiting(sockets.live_waiting))

        def close_sockets(credential_id: str) -> None:
            sockets.close_credential(
                credential_id, "this link was revoked: ask the secretariat for a new one"
            )

        auth.revoked_listeners.append(close_sockets)
        # a live page withdrawn on another process closes its sockets here too (app/api/live.py)
        engine.change_listeners.setdefault("event", []).append(live.listener(sockets))
        if fanout.shared:  # a revocation closes its sockets on every process
            auth.share(fanout)
            # even while Redis cannot carry the notice: the log's audit reads them
            engine.catchup.audits.append(auth.audit)

        async def label_of(credential_id: str) -> str:
            link = await asyncio.to_thread(store.credential, credential_id)
            return link.label if link is not None else ""

        # the desk's connected screens, gathered from every process (app/screens.py)
        screens = ScreenDirectory(engine.hub, fanout, label_of)
        app.state.services = Services(
            engine=engine,
            auth=auth,
            settings=settings,
            throttle=throttle,
            sockets=sockets,
            screens=screens,
        )
        if demo:
            await _prepare_demo(engine, auth, info)
        app.state.startup = info
        try:
            yield
        finally:
            await snapshotter.stop()
            if shared is not None:
                await shared.stop()
            await engine.close()
            database.dispose()
            let_go()

    app = FastAPI(
        title="Floorkeeper",
        version=__version__,
        lifespan=lifespan,  # the description: app/api/docs.py DESCRIPTION (docs.install)
        docs_url=None,  # FastAPI's pages load a CDN; app/api/docs.py serves them offline
        redoc_url=None,
    )
    # what the start made (the organiser key): shown by the CLI even if the start fails later
    app.state.startup = info
    api_routes.install(app)  # /api/v1, one router per area (app/api/routes/)
    install_error_handlers(app)

    app.include_router(faces.router)
    api_docs.install(app)  # /docs, /redoc, their assets; the OpenAPI's optional security
    app.include_router(api_metrics.router)  # GET /metrics, for Prometheus
    # the faces' files: gzipped once, checked again by ETag on every load (app/api/static.py)
    app.mount("/static", FaceFiles(directory=faces.frontend_dir() / "static"), name="static")

    app.add_middleware(EdgeMiddleware)
    app.add_middleware(RequestIdMiddleware)  # outermost: refusals at the edge get an id too

    return app


async def _prepare_demo(engine: Engine, auth: Authenticator, info: StartupInfo) -> None:
    """Load the seed's hearing into an empty database and mint links to its faces."""
    if not engine.hearings:
        info.demo_event_id = await load_demo(engine)
    else:
        info.demo_event_id = next(iter(engine.hearings))
    event_id = info.demo_event_id
    now = engine.clock()
    for role, path in (
        (Role.MODERATOR, "/moderator"),
        (Role.DISPLAY, f"/display/{event_id}"),
        (Role.BOOTH, f"/booth/{event_id}"),
        (Role.ORGANISER, "/organiser"),  # the secretariat's desk for this event
    ):
        token, _ = await asyncio.to_thread(auth.mint, role, event_id, now, label="demo")
        info.links[role.value] = f"{path}#key={token}"
        if role is Role.DISPLAY:  # the speaker clock is a room screen: the display's link opens it
            info.links["clock"] = f"/clock/{event_id}#key={token}"
    join_code = engine.hearings[event_id].event.join_code
    info.links["delegate"] = f"/join/{join_code}"
