"""The moderator's instruments over REST: balance, suggested order, the day's schedule.

The same figures the console's ``instruments`` message carries (``app/instruments.py``),
computed at the moment of the request."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from ... import instruments
from ...floor import balance, cuts, fairness
from ..access import authorise
from ..schemas import BalanceOut, ScheduleOut, SuggestedOrderOut
from ..times import with_local
from .common import ActorDep, ServicesDep

router = APIRouter(tags=["instruments"])


@router.get("/segments/{segment_id}/balance")
async def segment_balance(segment_id: str, actor: ActorDep, svc: ServicesDep) -> BalanceOut:
    """Who has been heard: turns and time per constituency, region, gender and group (member
    States, stakeholders, UN system, others), for the panellists and the floor apart and
    together; in this segment (``segment``) and in the whole meeting day (``day``), counting
    the turn on the floor now. With the segment's budgets per constituency (points of order and
    replies not charged)."""
    hearing, segment = await svc.engine.locate_segment(segment_id)
    authorise(actor, "GET /api/v1/segments/{segment_id}/balance", hearing.event.id)
    now = svc.engine.clock()
    answer = {
        "segment_id": segment.id,
        "as_of_at": now,
        "segment": balance.segment_balance(segment, now),
        "day": balance.day_balance(instruments.ordered(hearing.state), now),
        "budgets": balance.budgets(segment, now),
    }
    return BalanceOut.model_validate(with_local(answer, hearing.event.timezone))


@router.get("/segments/{segment_id}/suggested-order")
async def suggested_order(
    segment_id: str,
    actor: ActorDep,
    svc: ServicesDep,
    of: Annotated[Literal["requests", "queue"], Query()] = "requests",
) -> SuggestedOrderOut:
    """A fair order for the pending floor requests (``of=requests``) or the queue: points of
    order first, then whoever's constituency and region have been heard least today, then first
    come first served. Apply it with the ``apply_order`` command (one step, undoable)."""
    hearing, segment = await svc.engine.locate_segment(segment_id)
    authorise(actor, "GET /api/v1/segments/{segment_id}/suggested-order", hearing.event.id)
    heard = fairness.heard_today(instruments.ordered(hearing.state))
    suggest = fairness.suggested_requests if of == "requests" else fairness.suggested_queue
    answer = {"segment_id": segment.id, "of": of, "order": suggest(segment, heard)}
    return SuggestedOrderOut.model_validate(answer)


@router.get("/events/{event_id}/schedule")
async def day_schedule(event_id: str, actor: ActorDep, svc: ServicesDep) -> ScheduleOut:
    """The day's time: per segment the scheduled, actual and forecast start and end (``x_at``,
    epoch ms, and ``x_at_local``, ISO 8601 in the event's time zone) and the drift; for the live
    segment the time the queue needs against the time left and the speaking time per waiting
    speaker that ends it on schedule (apply it with ``set_queue_times``); later segments
    forecast with the knock-on; the day's forecast end against the event's hard stop, when
    interpretation ends (``hard_stop``: null without one), and past it, where to cut
    (``hard_stop.cut``: the live queue's time each that ends the day by the stop, and the
    segments still to come)."""
    hearing = await svc.engine.locate(event_id)
    authorise(actor, "GET /api/v1/events/{event_id}/schedule", event_id)
    segments = instruments.ordered(hearing.state)
    zone = hearing.event.timezone
    # the console's instruments message names the local times without "_at" (scheduled_start);
    # REST keeps to its one convention, x_at_local, and the model leaves the others out
    return ScheduleOut.model_validate(
        with_local(cuts.day(segments, svc.engine.clock(), zone, hearing.event.hard_stop_at), zone)
    )
