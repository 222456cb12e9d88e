"""The record: who spoke, when and for how long."""

from __future__ import annotations

import asyncio
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Response

from ... import reports
from ...exports import (
    XLSX_MEDIA_TYPE,
    attachment,
    csv_bytes_response,
    csv_response,
    day_record_csv,
    day_record_json,
    day_record_xlsx,
)
from ...floor import NotFound
from ...floor.model import Speech
from ...floor.record import in_call_order
from ..access import authorise
from ..schemas import DayRecordRow, SpeechOut
from ..times import with_local
from .common import SPREADSHEETS, ActorDep, ServicesDep

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
    """Who spoke, when and for how long, in the order the turns were called (an interposed
    question and its answer after the turn they interrupted). ``?format=csv`` for a
    spreadsheet."""
    hearing, segment = await svc.engine.locate_segment(segment_id)
    authorise(actor, "GET /api/v1/segments/{segment_id}/speeches", hearing.event.id)
    zone = hearing.event.timezone
    rows = [_speech_out(s, zone) for s in in_call_order(segment.speeches)]
    if format == "json":
        return rows
    fieldnames = list(SpeechOut.model_fields)
    dumped = [row.model_dump() for row in rows]
    return csv_response(dumped, fieldnames, f"speeches-{segment_id}.csv")


def _speech_out(s: Speech, timezone: str) -> SpeechOut:
    speaker = s.speaker
    speech = dict(
        entry_id=s.entry_id,
        request_id=s.request_id,
        name=speaker.name,
        organisation=speaker.organisation,
        constituency=speaker.constituency.value,
        participant_id=speaker.participant_id,
        region=speaker.region,
        attendance=speaker.attendance.value,
        language=speaker.language.value if speaker.language is not None else None,
        gender=speaker.gender.value if speaker.gender is not None else None,
        kind=s.kind.value,
        skipped=s.skipped,
        allotted_ms=s.allotted_ms,
        called_at=s.called_at,
        timer_started_at=s.timer_started_at,
        started_at=s.started_at,
        ended_at=s.ended_at,
        held_ms=s.held_ms,
        timed_ms=s.timed_ms,
        spoken_ms=s.spoken_ms,
        overrun_ms=s.overrun_ms,
        interposed_in=s.interposed_in,
        answers=s.answers,
        interposed_ms=s.interposed_ms,
        suspended_ms=s.suspended_ms,
    )
    return SpeechOut.model_validate(with_local(speech, timezone))


@router.get(
    "/events/{event_id}/speeches",
    tags=["record"],
    response_model=list[DayRecordRow],
    responses=SPREADSHEETS,
)
async def day_speeches(
    event_id: str,
    actor: ActorDep,
    svc: ServicesDep,
    format: Annotated[str, Query(pattern="^(json|csv|xlsx)$")] = "json",
    segment_id: Annotated[
        str | None,
        Query(description="Only this segment's turns (numbered and placed as in the day's)"),
    ] = None,
) -> list[DayRecordRow] | Response:
    """The whole day's record, every turn given in programme order: the segment's title, who
    (name, organisation, constituency, region, attendance, floor language), the kind of turn,
    spoken or skipped, called at / timer started at / ended at as ISO 8601 in the event's time
    zone (and epoch ms in JSON), durations in seconds and as m:ss. ``?format=csv`` is UTF-8 with
    a BOM and safe against formula injection; ``?format=xlsx`` the same columns as a workbook."""
    authorise(actor, "GET /api/v1/events/{event_id}/speeches", event_id)
    hearing = await svc.engine.locate(event_id)
    if segment_id is not None and segment_id not in hearing.state.segments:
        raise NotFound(
            f"no segment {segment_id!r} in this event: see GET /api/v1/events/{event_id} for "
            "its programme"
        )
    zone = hearing.event.timezone
    state = hearing.state  # the record of this instant, read off the event loop

    def written() -> bytes:
        """The record in the format asked (a day of thousands of turns takes a second: outside
        probe K saw the health check wait that long while it was written on the event loop)."""
        rows = reports.day_record(hearing, segment_id, state)
        if format == "json":
            return orjson.dumps(
                [
                    DayRecordRow.model_validate(row).model_dump()
                    for row in day_record_json(rows, zone)
                ]
            )
        if format == "xlsx":
            return day_record_xlsx(rows, zone, f"Who spoke: {hearing.event.title}")
        return day_record_csv(rows, zone)

    data = await asyncio.to_thread(written)
    if format == "json":
        return Response(data, media_type="application/json")
    if format == "xlsx":
        return attachment(data, XLSX_MEDIA_TYPE, f"speeches-{segment_id or event_id}.xlsx")
    return csv_bytes_response(data, f"speeches-{segment_id or event_id}.csv")
