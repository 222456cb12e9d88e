"""Events (meeting days), the join code and its QR code."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import secrets
from collections.abc import Coroutine
from datetime import date
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import segno
from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError

from ...catchup import deleted
from ...engine import QUIET_DETAILS, Engine
from ...fanout import EVENT_DELETED
from ...floor import Actor, FloorError, Forbidden, NotFound, Role
from ...floor import commands as c
from ...floor.model import SegmentState, SegmentStatus
from ...floor.programme import Problem, StopProblem, event_day, hard_stop_problem, timing_problems
from ...floor.schedule import zone_of
from ...hearing import Hearing
from ...join_codes import hearing_with_code, join_url, new_join_code
from ...projections import public_event
from ...store import Store
from ...store.repository import Deleted, EventMoved
from ...store.tables import EventRow
from .. import live
from ..access import authorise
from ..deps import Services, client_address
from ..schemas import (
    EventCreate,
    EventDelete,
    EventOut,
    EventPatch,
    JoinCodeRotate,
    JoinInfo,
    RefusalOut,
    Revisions,
)
from ..times import NoSuchTime, carried, resolve
from .common import (
    ActorDep,
    ServicesDep,
    browser_id,
    held_everywhere,
    one_at_a_time,
    refuse_changed_since,
    segments_out,
)
from .common import event_out as common_event_out
from .people import LINK_ROLES, link_out, made_with

router = APIRouter()
log = logging.getLogger("floorkeeper.events")


# --- events -------------------------------------------------------------------------------------


@router.get("/events", tags=["events"])
async def list_events(actor: ActorDep, svc: ServicesDep) -> list[EventOut]:
    """The events (meeting days) the credential may see: every one for the organiser key, its
    own for any other credential; each as ``GET /events/{event_id}`` answers it, with its
    programme. Oldest first (in the order they were made; two made in the same millisecond by
    id), all of them in one answer: no paging."""
    authorise(actor, "GET /api/v1/events")
    hearings = sorted(svc.engine.hearings.values(), key=lambda h: (h.event.created_at, h.event.id))
    return [
        event_out(svc, hearing, actor)
        for hearing in hearings
        if actor.event_id is None or actor.event_id == hearing.event.id
    ]


#: The fields of a new event a retry must send again as they were (``request_id``).
_EVENT_FIELDS = ("title", "venue", "room", "timezone", "date", "languages", "hard_stop_at")
#: The event's instants (``Instant`` fields), read with its zone and date (``times.resolve``).
_EVENT_INSTANTS = ("hard_stop_at",)


@router.post("/events", tags=["events"], status_code=201)
async def create_event(body: EventCreate, actor: ActorDep, svc: ServicesDep) -> EventOut:
    """A new event (meeting day), with its join code; the organiser key only (an organiser link
    is the desk of its own event). With a ``request_id`` sent before with the same body (its
    answer was lost), the event that request made is answered again, ``201`` with the same
    ``id`` and ``join_code``, instead of a second meeting day; with another body, ``409
    request_id_reused``. Its hard stop (``hard_stop_at``, when interpretation ends) is read in
    the event's zone, a time alone on its date."""
    authorise(actor, "POST /api/v1/events")
    if actor.event_id is not None:  # an organiser link: the desk of its own event only
        raise Forbidden(
            "an organiser link is for its own event: creating another needs the organiser key"
        )
    instants = resolve(body, _EVENT_INSTANTS, body.timezone, body.date or "")
    row = EventRow(
        id=secrets.token_hex(6),
        title=body.title,
        venue=body.venue,
        room=body.room,
        timezone=body.timezone,
        date=body.date or "",
        languages=[lang.value for lang in body.languages],
        join_code=new_join_code(),
        created_at=svc.engine.clock(),
        request_id=body.request_id,
        hard_stop_at=instants.get("hard_stop_at"),
    )
    if body.request_id is None:
        return event_out(svc, await svc.engine.create_event(row), actor)
    store = svc.engine.store
    # one at a time per request id, here and (PostgreSQL) on every process: a retry sent while
    # the first is being written waits for it, then answers the event it made
    async with (
        one_at_a_time(f"event-request:{body.request_id}"),
        held_everywhere(store.event_request_lock(body.request_id)),
    ):
        made = await asyncio.to_thread(store.event_by_request_id, body.request_id)
        if made is None:
            return event_out(svc, await svc.engine.create_event(row), actor)
    _same_event(made, row)
    return event_out(svc, await svc.engine.locate(made.id), actor)


def _same_event(made: EventRow, sent: EventRow) -> None:
    """A retry of the request that made ``made``: the same fields, else the id is reused for
    another event (or the event was edited since, and a retry cannot tell)."""
    differ = [name for name in _EVENT_FIELDS if getattr(made, name) != getattr(sent, name)]
    if differ:
        raise FloorError(
            f"request_id {made.request_id!r} made event {made.id!r} ({made.title!r}) with "
            f"another {' and '.join(differ)} (sent otherwise, or changed since): make a new "
            "request_id for each new event (the same id is for sending the same one again), or "
            f"read that one with GET /api/v1/events/{made.id}",
            code="request_id_reused",
            status=409,
        )


@router.get("/events/{event_id}", tags=["events"])
async def get_event(event_id: str, actor: ActorDep, svc: ServicesDep) -> EventOut:
    """One event (meeting day) with its programme (``segments``, in programme order). Its join
    code is null when a delegate asks."""
    authorise(actor, "GET /api/v1/events/{event_id}", event_id)
    return event_out(svc, await svc.engine.locate(event_id), actor)


# --- a meeting day deleted ------------------------------------------------------------------------

#: Why an organiser link may not delete its day: it is handed to a helper for one day's set-up
#: (made, revoked and expiring with the link that made it); deleting takes the day away with every
#: link of it, the helper's own among them, and cannot be undone, as making a day needs the key.
ONLY_THE_KEY = (
    "an organiser link is the desk of its own event: deleting a meeting day needs the organiser key"
)
#: Several processes: how many times a deletion reads the day again when another process wrote
#: to it meanwhile, and how long after it the rows a late write left are deleted once more.
DELETE_TRIES = 3
SWEEP_AFTER_S = 2.0
#: How long the answer waits for the other processes to have the notice (as a revocation's).
NOTICE_WAIT_S = 2.0
_sweeps: set[asyncio.Task[None]] = set()

T = TypeVar("T")


def event_out(svc: Services, hearing: Hearing, actor: Actor) -> EventOut:
    """The event as ``GET /events/{event_id}`` answers it, with whether the caller may delete it
    now (``deletable``, and why not: decided here, never again by a face)."""
    out = common_event_out(svc, hearing, actor)
    refusal = deletion_refusal(hearing, actor)
    out.deletable = refusal is None
    if refusal is not None:
        out.not_deletable_reason = RefusalOut(code=refusal.code, message=refusal.message)
    return out


def deletion_refusal(hearing: Hearing, actor: Actor) -> FloorError | None:
    """Why ``actor`` may not delete the meeting day now, or None: only the organiser key, and
    only a day with nothing on its record (``on_record``)."""
    if actor.role is not Role.ORGANISER:
        return Forbidden("only the organiser key deletes a meeting day")
    if actor.event_id is not None:
        return Forbidden(ONLY_THE_KEY)
    found = on_record(hearing)
    if not found:
        return None
    return FloorError(
        f"meeting day {hearing.event.title!r} cannot be deleted: {_joined(found)}; it stays on "
        "the record: rename it instead, or export it (floorkeeper export) to keep a copy",
        code="event_not_deletable",
        status=409,
    )


def on_record(hearing: Hearing) -> list[str]:
    """What the meeting day holds that its record keeps, in words (empty: nothing, it may be
    deleted), from the state every command decided so far leaves (``latest``: written or not):
    a segment that has ever started (live, ended, or anything of a run left: a start taken
    back by undo leaves nothing), a turn given, a floor request made (decided, withdrawn or
    not), a recommendation or pledge made (whatever became of it). A programme, participants,
    links, settings, a queue set up beforehand: not a record."""
    segments = sorted(
        hearing.latest.segments.values(),
        key=lambda s: (s.details.position, s.details.scheduled_start_at or 0, s.id),
    )
    ran = [segment.details.title for segment in segments if _has_run(segment)]
    turns = sum(
        len(s.speeches) + (s.current is not None) + (s.paused is not None) for s in segments
    )
    requests = sum(len(segment.requests) for segment in segments)
    contributions = len(hearing.latest_outcome.contributions)
    found = []
    if ran:
        titles = _joined([repr(title) for title in ran[:3]]) + (" …" if len(ran) > 3 else "")
        found.append(f"segment {titles} has run" if len(ran) == 1 else f"segments {titles} ran")
    if turns:
        found.append(_count(turns, "turn was given", "turns were given"))
    if requests:
        found.append(_count(requests, "floor request was made", "floor requests were made"))
    if contributions:
        found.append(
            _count(
                contributions,
                "contribution (a recommendation or pledge) was made",
                "contributions (recommendations, pledges) were made",
            )
        )
    return found


def _has_run(segment: SegmentState) -> bool:
    return (
        segment.status is not SegmentStatus.SCHEDULED
        or segment.actual_start_at is not None
        or segment.current is not None
        or segment.paused is not None
        or bool(segment.speeches or segment.unheard)
    )


def _count(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n:,} {many}"


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


@router.delete("/events/{event_id}", tags=["events"], status_code=204)
async def delete_event(
    event_id: str, body: EventDelete, actor: ActorDep, svc: ServicesDep
) -> Response:
    """Delete a meeting day made by mistake (a duplicate, a test): every row of it (its log,
    programme, participants, access links and delegates' keys, snapshots), every socket open on
    it closed (``4401``, after an ``error`` frame saying so; a socket of the organiser key is
    told and sent nothing more), on every process; then ``GET /events/{event_id}`` is ``404`` and
    ``GET /events`` does not list it. ``204``. The organiser key only (an organiser link:
    ``403``). The body names the day: ``{"title": "..."}``, its title exactly as it is now (else
    ``422 event_title_mismatch``), so a slip cannot delete another day. Refused ``409
    event_not_deletable``, naming what, once anything of the day is on its record: a segment
    that has ever started, a turn, a floor request, a recommendation or pledge (rename it
    instead; ``floorkeeper export`` keeps a copy). ``deletable`` in ``GET /events/{event_id}``
    says beforehand. Decided on every command decided before it, none after it."""
    authorise(actor, "DELETE /api/v1/events/{event_id}", event_id)
    if actor.event_id is not None:  # an organiser link
        raise Forbidden(ONLY_THE_KEY)
    hearing = await svc.engine.locate(event_id)
    title = hearing.event.title
    if body.title != title:
        raise FloorError(
            f"the title sent, {body.title!r}, is not this meeting day's, {title!r}: send its title "
            f"exactly as GET /api/v1/events/{event_id} answers it (so that a slip cannot delete "
            "another day)",
            code="event_title_mismatch",
            status=422,
        )
    refusal = deletion_refusal(hearing, actor)
    if refusal is not None:
        raise refusal
    # out of memory at once, with the check: nothing is decided on it from now on (a command on
    # it is a 404; one decided before is written first, then checked); then deleted, to the end
    # even if the caller goes away: memory follows the database
    svc.engine.hearings.pop(event_id, None)
    svc.engine.absent.add(("event", event_id))  # nor read from the database (several processes)
    await _whole(_delete(svc, hearing, actor))
    return Response(status_code=204)


async def _delete(svc: Services, hearing: Hearing, actor: Actor) -> None:
    """The meeting day's rows deleted (``_rows``), then its screens here closed and the other
    processes told."""
    engine, event_id, title = svc.engine, hearing.event.id, hearing.event.title
    gone = await _rows(svc, hearing, actor)
    reason = deleted(title)
    # its screens here: those of its links and keys closed (4401, saying why), the organiser
    # key's told and let go of, its live pages withdrawn; the other processes likewise
    for credential_id in gone.credentials:
        svc.sockets.close_credential(credential_id, reason)
    engine.forget_event(event_id, reason, held=hearing)
    if engine.fanout.shared:  # answered once the others can hear of it (as a revocation)
        told: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def handed() -> None:
            if not told.done():
                told.set_result(None)

        engine.fanout.notify(EVENT_DELETED, {"id": event_id, "title": title}, handed)
        await asyncio.wait([told], timeout=NOTICE_WAIT_S)
        _later(_sweep(engine, event_id))
    for credential_id in gone.credentials:  # out of every process's cache, its sockets closed
        svc.auth.withdrawn(credential_id)
    log.info("meeting day %s (%r) deleted: %s", event_id, title, gone.rows)


async def _rows(svc: Services, hearing: Hearing, actor: Actor) -> Deleted:
    """The meeting day's rows deleted, once every command decided before is written and the
    check holds on what they left (and, several processes, on the log as it is: another
    process's write read first, then checked again). Out of ``hearings`` meanwhile (taken out
    by the route); put back if it is not deleted after all."""
    engine = svc.engine
    event_id = hearing.event.id
    try:
        for _ in range(DELETE_TRIES):
            await engine.settled(hearing)
            refusal = deletion_refusal(hearing, actor)
            if refusal is not None:
                raise refusal
            try:
                async with hearing.lock:  # no catch-up folds under it
                    gone: Deleted | None = await engine._write(
                        engine.store.delete_event, event_id, engine.known(hearing)
                    )
            except EventMoved:  # another process wrote to it meanwhile: read that, check again
                await engine.catchup.read(hearing)
                continue
            if gone is None:  # deleted meanwhile (through another process): gone here too
                engine.forget_event(event_id, deleted(hearing.event.title), held=hearing)
                raise NotFound(f"no event {event_id!r}: it was deleted meanwhile")
            return gone
        raise FloorError(
            f"meeting day {hearing.event.title!r} is being changed through another server "
            "process right now: try again in a moment",
            code="event_not_deletable",
            status=409,
        )
    except BaseException as error:
        if not isinstance(error, NotFound):  # not deleted: as it was (the newest copy wins)
            engine.hearings[event_id] = hearing
        raise


async def _whole(work: Coroutine[Any, Any, T]) -> T:
    """``work`` awaited to its end even if the caller is cancelled meanwhile (the caller then
    gets the cancellation; the work's own error is logged, not lost)."""
    task = asyncio.ensure_future(work)
    task.add_done_callback(_read_out)
    return await asyncio.shield(task)


def _read_out(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


def _later(work: Coroutine[Any, Any, None]) -> None:
    task = asyncio.ensure_future(work)
    _sweeps.add(task)
    task.add_done_callback(_sweeps.discard)


async def _sweep(engine: Engine, event_id: str) -> None:
    """Several processes: the rows a write another process decided before it heard of the
    deletion may have left after it, deleted ``SWEEP_AFTER_S`` later (not if the day was
    imported again meanwhile: ``leftovers``)."""
    await asyncio.sleep(SWEEP_AFTER_S)
    try:
        late = await asyncio.to_thread(engine.store.delete_event, event_id, leftovers=True)
    except Exception as error:
        log.warning(
            "the rows left of deleted meeting day %s could not be deleted: %s", event_id, error
        )
        return
    if late is not None and any(late.rows.values()):
        log.warning("deleted %s written to meeting day %s after its deletion", late.rows, event_id)


@router.get("/events/{event_id}/revisions", tags=["events"])
async def revisions(event_id: str, actor: ActorDep, svc: ServicesDep) -> Revisions:
    """What changed since the caller last read it, as one small answer to poll (the organiser's
    desk, every few seconds): a token per read, which changes when that read's answer does, so
    two organisers see each other's changes without reloading everything."""
    authorise(actor, "GET /api/v1/events/{event_id}/revisions", event_id)
    hearing = await svc.engine.locate(event_id)
    programme = [
        segment.model_dump(mode="json", exclude={"version"})
        for segment in segments_out(svc, hearing)
    ]
    # the registry read and hashed in a worker thread: 5,000 participants take a tenth of a
    # second, which the room's updates must not wait for (every desk polls every 2.5 s)
    participants, links = await asyncio.to_thread(_registry_tokens, svc, hearing)
    event = event_out(svc, hearing, actor)
    # its segments are the programme's token; of why it may not be deleted, the code only (its
    # message counts the day's requests: the desks would read the event again at each of them)
    said = event.model_dump(mode="json", exclude={"segments", "not_deletable_reason"})
    refused = event.not_deletable_reason
    return Revisions(
        event=_token({**said, "not_deletable": refused.code if refused is not None else None}),
        programme=_token(programme),
        participants=participants,
        access_links=links,
    )


def _registry_tokens(svc: Services, hearing: Hearing) -> tuple[str, str]:
    """The participants' and the access links' tokens (in a thread: database reads)."""
    store, event = svc.engine.store, hearing.event
    rows = store.credentials(event.id, LINK_ROLES)
    made = made_with(rows)
    links = [link_out(row, event, revokes_too=made[row.id]).model_dump(mode="json") for row in rows]
    return store.participants_digest(event.id), _token(links)


def _token(value: Any) -> str:
    data = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.blake2b(data, digest_size=12).hexdigest()


@router.patch("/events/{event_id}", tags=["events"])
async def patch_event(
    event_id: str, body: EventPatch, actor: ActorDep, svc: ServicesDep
) -> EventOut:
    """Edit the event: title, venue, room, date, time zone, languages, its hard stop (when
    interpretation ends: read in the zone and on the date the event has after this edit; null
    clears it), and whether its public live page is published (the fields sent; null or left
    out: as it is, but for the hard stop). Every screen of the
    event is sent a fresh ``snapshot`` with the new header (``event``), as when the join code is
    rotated. The programme's instants stay what they are: a new time zone or date changes how
    they read (``x_at_local``), not when they are; unless ``move_programme`` is true, when the
    segments still to come move so as to keep their local times (``update_segment`` each, as the
    desk would send it). Withdrawing the live page (``live_published: false``) closes the live
    pages open now, on every process."""
    authorise(actor, "PATCH /api/v1/events/{event_id}", event_id)
    hearing = await svc.engine.locate(event_id)
    row = hearing.event
    plain = set(_EVENT_INSTANTS)  # instants are read with the event, not dumped
    sent = body.model_dump(
        mode="json", exclude_unset=True, exclude_none=True, exclude={*plain, "expected"}
    )
    if body.expected is not None:  # null too: "had none"
        seen = body.expected.model_dump(mode="json", exclude_unset=True, exclude=plain)
        # an instant as last read, in any form, read with the event as it is now
        seen.update(resolve(body.expected, _EVENT_INSTANTS, row.timezone, row.date))
        now = {name: getattr(row, name) for name in seen}
        refuse_changed_since(now, seen, f"event {row.title!r}", row.timezone)
    move = sent.pop("move_programme", False)
    changes = {name: value for name, value in sent.items() if getattr(row, name) != value}
    stop = resolve(
        body, _EVENT_INSTANTS, changes.get("timezone", row.timezone), changes.get("date", row.date)
    )
    if "hard_stop_at" not in stop and move:
        stop = _hard_stop_moved(hearing, changes)
    changes.update({name: at for name, at in stop.items() if getattr(row, name) != at})
    # checked before anything is written: a time the clocks skip refuses the whole edit
    moves = _programme_moved(hearing, changes) if move else {}
    if changes:

        def remember() -> None:
            for name, value in changes.items():
                setattr(row, name, value)

        # the meeting day's writer, in order with its commands, as a new join code is written
        # (Engine.rotate_join_code); the engine has no public method for an event's details yet
        await svc.engine._write_rows(hearing, [Store.update_event(event_id, changes)], remember)
        live.listener(svc.sockets)(hearing, changes)  # the live page withdrawn: its sockets close
        if "hard_stop_at" in changes:  # the consoles' forecast, the booths' day's end
            svc.engine.projections.instruments_soon(hearing)
        if not set(changes) <= QUIET_DETAILS:  # no screen shows these in its snapshot
            for subscriber in svc.engine.hub.event_subscribers(event_id):
                subscriber.request_resync()
    for segment_id, instants in moves.items():
        command = c.UpdateSegment(**instants)
        await svc.engine.execute(
            event_id, segment_id, command, actor, f"move-{secrets.token_hex(8)}"
        )
    return event_out(svc, hearing, actor)


def _programme_moved(hearing: Hearing, changes: dict[str, Any]) -> dict[str, dict[str, int]]:
    """The new scheduled instants of each segment still to come, when the event moves to another
    date or zone and its programme keeps its local times: {segment id: instants that change}. A
    local time the clocks skip on the new date, or an end that would come before its start, is
    a 422 naming the segment; nothing is moved or written then."""
    event = hearing.event
    if "date" not in changes and "timezone" not in changes:
        return {}
    old_zone, new_zone = event.timezone, changes.get("timezone", event.timezone)
    old_date, new_date = event.date, changes.get("date", event.date)
    days = (
        (date.fromisoformat(new_date) - date.fromisoformat(old_date)).days
        if old_date and new_date
        else 0
    )
    programme = hearing.state.programme()  # a segment taken out moves no more
    # a segment not on the event's day now was never on the day that moves: it stays (a
    # programme left on the 17th when the event said the 16th, moved to the 17th, is there)
    zone = zone_of(old_zone)
    elsewhere = {
        segment_id
        for segment_id, problem in timing_problems(programme, event_day(old_date, zone)).items()
        if problem.code is Problem.NOT_ON_EVENT_DAY
    }
    moved: dict[str, dict[str, int]] = {}
    for segment in programme:
        if segment.status is not SegmentStatus.SCHEDULED or segment.id in elsewhere:
            continue  # what has begun happened when it happened
        details = segment.details
        now = {
            "scheduled_start_at": details.scheduled_start_at,
            "scheduled_end_at": details.scheduled_end_at,
        }
        try:
            new = {
                name: carried(at, old_zone, new_zone, days)
                for name, at in now.items()
                if at is not None
            }
        except NoSuchTime as gap:
            raise _refused(details.title, f"{gap}, or move the segment first") from None
        start, end = new.get("scheduled_start_at"), new.get("scheduled_end_at")
        if start is not None and end is not None and end < start:
            raise _refused(details.title, "it would end before it starts in the new time zone")
        changed = {name: at for name, at in new.items() if at != now[name]}
        if changed:
            moved[segment.id] = changed
    return moved


def _hard_stop_moved(hearing: Hearing, changes: dict[str, Any]) -> dict[str, int | None]:
    """The hard stop at the same local time on the new date or in the new zone, as the
    programme moves (``move_programme``): {"hard_stop_at": instant}, or nothing when it does
    not move (none, no new date or zone, or not on the event's day before either). A time the
    clocks skip there is a 422, as a segment's."""
    event = hearing.event
    at = event.hard_stop_at
    if at is None or ("date" not in changes and "timezone" not in changes):
        return {}
    day = event_day(event.date, zone_of(event.timezone))
    problem = hard_stop_problem(at, hearing.state.programme(), day)
    if problem is not None and problem.code is StopProblem.NOT_ON_EVENT_DAY:
        return {}  # never on the day that moves: it stays
    old_date, new_date = event.date, changes.get("date", event.date)
    days = (
        (date.fromisoformat(new_date) - date.fromisoformat(old_date)).days
        if old_date and new_date
        else 0
    )
    try:
        moved = carried(at, event.timezone, changes.get("timezone", event.timezone), days)
    except NoSuchTime as gap:
        message = f"the hard stop cannot keep its local time: {gap}, or set it again"
        raise RequestValidationError(
            [{"loc": ("body", "move_programme"), "msg": message, "type": "programme_move"}]
        ) from None
    return {"hard_stop_at": moved}


def _refused(title: str, why: str) -> RequestValidationError:
    message = f"the programme cannot keep its local times: segment {title!r}: {why}"
    return RequestValidationError(
        [{"loc": ("body", "move_programme"), "msg": message, "type": "programme_move"}]
    )


@router.get(
    "/events/{event_id}/live-qr.svg",
    tags=["events"],
    response_class=Response,
    responses={
        200: {
            "content": {"image/svg+xml": {"schema": {"type": "string"}}},
            "headers": {"X-Live-Url": {"schema": {"type": "string"}}},
        }
    },
)
async def live_qr(event_id: str, request: Request, actor: ActorDep, svc: ServicesDep) -> Response:
    """The QR code of the event's public live page (``/live/{event_id}``, no key in it), as SVG,
    for the organiser's desk: a poster, a slide of the webcast. Made whether or not the page is
    published now."""
    authorise(actor, "GET /api/v1/events/{event_id}/live-qr.svg", event_id)
    hearing = await svc.engine.locate(event_id)
    base = (svc.settings.public_url or str(request.base_url)).rstrip("/")
    url = f"{base}/live/{quote(hearing.event.id, safe='')}"
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False, title="The hearing live"
    )
    return Response(buffer.getvalue(), media_type="image/svg+xml", headers={"X-Live-Url": url})


@router.get("/join/{join_code}", tags=["participants"])
async def join_info(
    join_code: str, request: Request, response: Response, svc: ServicesDep
) -> JoinInfo:
    """What a delegate's phone shows before they join: public, needs only the join code.

    A right code always answers, however many wrong ones came from the same address; wrong ones
    are counted per address and per browser, and too many are made to wait (429)."""
    await svc.engine.current_join_codes()
    hearing = hearing_with_code(svc.engine.hearings.values(), join_code)
    if hearing is None:
        svc.throttle.joining.wrong_code(client_address(request), browser_id(request, response))
        raise NotFound("no event has this join code: check the link or ask the secretariat")
    event = public_event(hearing.event)
    return JoinInfo(
        event_id=event.pop("id"), **event, live_segment_id=hearing.state.live_segment_id
    )


@router.post("/events/{event_id}/join-code", tags=["events"])
async def rotate_join_code(
    event_id: str, actor: ActorDep, svc: ServicesDep, body: JoinCodeRotate | None = None
) -> EventOut:
    """A new join code for the event, e.g. when the link was posted where it should not be. The
    server makes the code: no body, or ``{}`` (a field sent is refused, 422).

    The old link, short link and QR code stop working at once; delegates who already joined keep
    their tokens; the room displays redraw with the new code by themselves."""
    authorise(actor, "POST /api/v1/events/{event_id}/join-code", event_id)
    hearing = await svc.engine.locate(event_id)
    await svc.engine.rotate_join_code(hearing)
    return event_out(svc, hearing, actor)


@router.get(
    "/events/{event_id}/join-qr.svg",
    tags=["events"],
    response_class=Response,
    responses={
        200: {
            "content": {"image/svg+xml": {"schema": {"type": "string"}}},
            "headers": {"X-Join-Url": {"schema": {"type": "string"}}},
        }
    },
)
async def join_qr(
    event_id: str,
    request: Request,
    actor: ActorDep,
    svc: ServicesDep,
    code: Annotated[
        str | None,
        Query(
            max_length=32,
            description="The join code the page shows (ignored): a new code makes a new address, "
            "so a browser does not show the old code's image from its cache.",
        ),
    ] = None,
) -> Response:
    """The QR code of the delegates' join link, as SVG, for the room display."""
    authorise(actor, "GET /api/v1/events/{event_id}/join-qr.svg", event_id)
    base = svc.settings.public_url or str(request.base_url)
    url = join_url(base, (await svc.engine.locate(event_id)).event.join_code)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False, title="Scan to request the floor"
    )
    return Response(
        buffer.getvalue(),
        media_type="image/svg+xml",
        headers={"X-Join-Url": url},
    )
