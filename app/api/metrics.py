"""``GET /metrics``: the engine's counters and histograms (app/metrics.py) for Prometheus.

Readable with the organiser key as a Bearer token, or with the metrics key
(``FLOORKEEPER_METRICS_KEY``: it reads the metrics and nothing else, so the venue's scraper
holds no key that can run the hearing); by anyone, with no credential looked at,
only when the server was started with ``FLOORKEEPER_METRICS_PUBLIC=1`` (``--metrics-public``),
for a scraper on a private network. An organiser link (one event's) is refused: the figures
are the whole server's. Not under ``/api/v1`` (a scraper's path) and not in the OpenAPI
schema (it is text).
"""

from __future__ import annotations

import hmac

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
                "the metrics need the metrics key (FLOORKEEPER_METRICS_KEY) or the organiser "
                "key: send Authorization: Bearer <key> (or start the server with "
                "FLOORKEEPER_METRICS_PUBLIC=1 for a private network)"
            )
        scraper = svc.settings.metrics_key
        if scraper is not None and hmac.compare_digest(token.encode(), scraper.encode()):
            return Response(svc.engine.metrics.exposition(), media_type=CONTENT_TYPE)
        actor = await resolve(svc, token)
        authorise(actor, "GET /metrics")
        if actor.event_id is not None:
            raise Forbidden("the metrics are the whole server's: send the organiser key")
    return Response(svc.engine.metrics.exposition(), media_type=CONTENT_TYPE)
