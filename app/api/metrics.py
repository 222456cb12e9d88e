"""``GET /metrics``: the engine's counters and histograms (app/metrics.py) for Prometheus.

Readable with the organiser key as a Bearer token; by anyone, with no credential looked at,
only when the server was started with ``FLOORKEEPER_METRICS_PUBLIC=1`` (``--metrics-public``),
for a scraper on a private network. An organiser link (one event's) is refused: the figures
are the whole server's. Not under ``/api/v1`` (a scraper's path) and not in the OpenAPI
schema (it is text).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ..floor import Forbidden
from ..metrics import CONTENT_TYPE
from ..policy import Unauthenticated
from .access import authorise
from .deps import presented_token, resolve
from .routes.common import ServicesDep

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
async def metrics(request: Request, svc: ServicesDep) -> Response:
    if not svc.settings.metrics_public:  # public: no credential is looked at, none is needed
        token = presented_token(request)
        if token is None:
            raise Unauthenticated(
                "the metrics need the organiser key: send Authorization: Bearer <key> (or "
                "start the server with FLOORKEEPER_METRICS_PUBLIC=1 for a private network)"
            )
        actor = await resolve(svc, token)
        authorise(actor, "GET /metrics")
        if actor.event_id is not None:
            raise Forbidden("the metrics are the whole server's: send the organiser key")
    return Response(svc.engine.metrics.exposition(), media_type=CONTENT_TYPE)
