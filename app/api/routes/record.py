"""The record: who spoke, when and for how long."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ...exports import csv_response
from ..access import authorise
from ..schemas import SpeechOut
from .common import ActorDep, ServicesDep

router = APIRouter()


@router.get(
    "/segments/{segment_id}/speeches",
    tags=["record"],
    response_model=list[SpeechOut],
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def speeches(
    segment_id: str,
    actor: ActorDep,
    svc: ServicesDep,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> list[SpeechOut] | Response:
    """Who spoke, when and for how long. ``?format=csv`` for a spreadsheet."""
    hearing, segment = svc.engine.find_segment(segment_id)
    authorise(actor, "GET /api/v1/segments/{segment_id}/speeches", hearing.event.id)
    rows = [
        SpeechOut(
            entry_id=s.entry_id,
            request_id=s.request_id,
            name=s.speaker.name,
            organisation=s.speaker.organisation,
            constituency=s.speaker.constituency.value,
            participant_id=s.speaker.participant_id,
            kind=s.kind.value,
            allotted_ms=s.allotted_ms,
            started_at=s.started_at,
            ended_at=s.ended_at,
            spoken_ms=s.spoken_ms,
            overrun_ms=s.overrun_ms,
        )
        for s in segment.speeches
    ]
    if format == "json":
        return rows
    fieldnames = list(SpeechOut.model_fields)
    dumped = [row.model_dump() for row in rows]
    return csv_response(dumped, fieldnames, f"speeches-{segment_id}.csv")
