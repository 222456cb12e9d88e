"""What the REST routes share: the services, who is asking, the shapes of an event, a segment
and a participant, a browser's id."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from typing import Annotated, Any

from fastapi import Depends, Request, Response

from ...auth import BROWSER_COOKIE
from ...exports import XLSX_MEDIA_TYPE
from ...floor import Actor, FloorError, possible
from ...floor.model import SegmentState
from ...floor.programme import event_day, hard_stop_problem, link_expiry_default, timing_problems
from ...floor.schedule import local_iso, zone_of
from ...hearing import Hearing
from ...projections import audience_of, public_event, shows_join_code
from ...store.tables import ParticipantRow
from ...views import View
from ..deps import Services, current_actor, optional_actor, services_of
from ..edge import IMPORT_MAX_BYTES
from ..errors import set_browser_cookie
from ..schemas import (
    ErrorOut,
    EventOut,
    HardStopProblemOut,
    ParticipantOut,
    RefusalOut,
    SegmentOut,
    TimingProblemOut,
)
from ..times import with_local

#: The refusals any route may answer (docs/protocol.md, Errors): 405 another method, 413 a body
#: over its limit, 415 a body not sent as JSON, 429 a rate limit, 503 the database unwritable.
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut}
    for status in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 503)
}

#: A route's answer as a spreadsheet, for the OpenAPI (``?format=csv`` or ``xlsx``).
SPREADSHEETS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}

ActorDep = Annotated[Actor, Depends(current_actor)]
MaybeActor = Annotated[Actor | None, Depends(optional_actor)]


async def services(request: Request) -> Services:
    # async: FastAPI runs a plain ``def`` dependency in its thread pool, a thread hop (and a wait
    # for the GIL behind the busy event loop) on every request for a dictionary lookup
    return services_of(request)


ServicesDep = Annotated[Services, Depends(services)]


def event_out(svc: Services, hearing: Hearing, actor: Actor) -> EventOut:
    row = hearing.event
    zone = zone_of(row.timezone)
    day = event_day(row.date, zone)
    expiry = link_expiry_default(day, zone) if day else None
    problem = hard_stop_problem(row.hard_stop_at, hearing.state.programme(), day)
    return EventOut(
        **public_event(row),
        join_code=row.join_code if shows_join_code(audience_of(actor)) else None,
        live_published=row.live_published,
        live_segment_id=hearing.state.live_segment_id,
        segments=segments_out(svc, hearing),
        link_expiry_default_at=expiry,
        link_expiry_default_at_local=local_iso(expiry, zone),
        hard_stop_at=row.hard_stop_at,
        hard_stop_at_local=local_iso(row.hard_stop_at, zone),
        hard_stop_problem=None
        if problem is None
        else HardStopProblemOut(
            code=problem.code.value,
            other_at=problem.other_at,
            other_at_local=local_iso(problem.other_at, zone),
            message=problem.message(zone),
        ),
        import_limit_bytes=IMPORT_MAX_BYTES,
    )


def segment_out(hearing: Hearing, summary: View) -> SegmentOut:
    """A programme entry, each instant with its local time."""
    return SegmentOut.model_validate(with_local(summary, hearing.event.timezone))


def segments_out(svc: Services, hearing: Hearing) -> list[SegmentOut]:
    """The programme, in order (``Projections.segments``), each instant with its local time and
    any disagreement of its time with the segment above it (app/floor/programme.py)."""
    summaries = svc.engine.projections.segments(hearing)
    zone = zone_of(hearing.event.timezone)
    problems = timing_problems(
        [hearing.state.segments[summary["id"]] for summary in summaries],
        event_day(hearing.event.date, zone),
    )
    out = []
    for summary in summaries:
        segment = segment_out(hearing, summary)
        refusal = removal_refusal(hearing, hearing.state.segments[segment.id])
        if refusal is not None:
            detail = refusal.detail or {}
            segment.removal_refused = RefusalOut(
                code=refusal.code,
                message=refusal.message,
                reason=detail.get("reason"),
                count=detail.get("count"),
            )
        problem = problems.get(segment.id)
        if problem is not None:
            segment.timing_problem = TimingProblemOut(
                code=problem.code.value,
                previous_segment_id=problem.previous_id,
                message=problem.message(zone),
            )
        out.append(segment)
    return out


def removal_refusal(hearing: Hearing, segment: SegmentState) -> FloorError | None:
    """Why a segment cannot be taken out of the programme now (``possible.remove_segment``, and
    the outcome: a recommendation or pledge made in it keeps it), or None."""
    refusal = possible.remove_segment(segment)
    if refusal is not None:
        return refusal
    made = sum(
        1 for item in hearing.latest_outcome.contributions.values() if item.segment_id == segment.id
    )
    if not made:
        return None
    what = (
        "1 recommendation or pledge was" if made == 1 else f"{made} recommendations or pledges were"
    )
    return possible.not_removable(
        f"{what} made in segment {segment.details.title!r}: it stays in the programme (rename "
        "it instead)",
        "contributions",
        made,
    )


def participant_out(row: ParticipantRow) -> ParticipantOut:
    out = ParticipantOut.model_validate(row, from_attributes=True)
    return out.model_copy(update={"gender": row.gender or None})


def browser_id(request: Request, response: Response) -> str:
    """This browser's id for counting its wrong join codes (a cookie, made on first use). Set on
    the answer, and on a refusal's too (``request.state.browser_cookie``, app/api/errors.py): a
    wrong code is answered by an error that replaces ``response``, and a browser that never got
    its cookie would never be counted as itself, only its network address (the room's Wi-Fi)."""
    known = request.cookies.get(BROWSER_COOKIE, "")
    if 16 <= len(known) <= 64 and known.isalnum():
        return known
    made = secrets.token_hex(12)
    set_browser_cookie(response, made)
    request.state.browser_cookie = made
    return made


def refuse_changed_since(
    now: dict[str, Any], expected: dict[str, Any] | None, what: str, zone: str | None = None
) -> None:
    """``expected`` (what the sender last read of the fields it changes, ``null``/``""`` alike:
    none) against ``now`` (the same fields' values as the API shows them): a field someone else
    changed since is ``409 changed_since``, naming it, with ``changed`` holding its value now
    (instants with their local time when ``zone`` is given); nothing is written."""
    if not expected:
        return
    changed = {
        name: now.get(name)
        for name, seen in expected.items()
        if _blank_as_none(now.get(name)) != _blank_as_none(seen)
    }
    if not changed:
        return
    refusal = FloorError(
        f"someone else changed {' and '.join(changed)} of {what} since you read it: read it "
        "again, then save yours if it should still replace theirs",
        code="changed_since",
        status=409,
    )
    refusal.detail = {"changed": with_local(changed, zone) if zone else changed}
    raise refusal


def _blank_as_none(value: Any) -> Any:
    return None if value == "" else value


#: the requests of this process that go one at a time, by key (a registration id, a new event's
#: request id): a lock and how many requests hold or wait for it
_one_at_a_time: dict[str, tuple[asyncio.Lock, int]] = {}


@contextlib.asynccontextmanager
async def one_at_a_time(key: str) -> AsyncIterator[None]:
    """One request of ``key`` at a time in this process: a retry sent while the first is still
    being written waits for it, then finds what it wrote, instead of writing a second one."""
    lock, users = _one_at_a_time.get(key, (asyncio.Lock(), 0))
    _one_at_a_time[key] = (lock, users + 1)
    try:
        async with lock:
            yield
    finally:
        lock, users = _one_at_a_time[key]
        if users == 1:
            del _one_at_a_time[key]
        else:
            _one_at_a_time[key] = (lock, users - 1)


@contextlib.asynccontextmanager
async def held_everywhere(held: AbstractContextManager[None]) -> AsyncIterator[None]:
    """Every process's lock (``Store.advisory_lock``: PostgreSQL's, blocking) held while the block
    runs, entered and left in a worker thread. A request cancelled while it waits for the lock
    gives it back once its thread has it."""
    entering = asyncio.ensure_future(asyncio.to_thread(held.__enter__))
    try:
        await asyncio.shield(entering)
    except asyncio.CancelledError:  # the lock is still taken in its thread: given back
        with contextlib.suppress(Exception):
            await entering
            await asyncio.to_thread(held.__exit__, None, None, None)
        raise
    try:
        yield
    finally:
        await asyncio.to_thread(held.__exit__, None, None, None)
