"""Participants (joining, the list) and access links."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import io
import secrets
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Annotated, Any, Literal

import segno
from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError

from ... import participants_io as sheet
from ...clashes import Elsewhere, Panel, PersonKey, clashes
from ...exports import attachment, csv_bytes_response
from ...floor import Actor, FloorError, NotFound, Role, possible, removal
from ...floor import commands as c
from ...floor.model import SegmentStatus, TurnKind
from ...floor.programme import event_day
from ...floor.schedule import local_iso, zone_of
from ...hearing import Hearing
from ...join_codes import matches
from ...policy import Unauthenticated
from ...store import Store
from ...store.repository import STAFF_REGISTERED
from ...store.tables import CredentialRow, ParticipantRow
from ..access import authorise
from ..deps import Services, client_address
from ..desk import (
    AccessLink,
    AccessLinkMinted,
    ImportAssumed,
    ImportCounts,
    ImportDifference,
    ImportElsewhere,
    ImportProblem,
    ImportRefused,
    ImportReport,
    ImportRow,
)
from ..edge import IMPORT_MAX_BYTES, file_too_large
from ..schemas import (
    MAX_LINK_LIFE_S,
    AccessLinkCreate,
    Joined,
    KeyRevokedToo,
    ParticipantCorrected,
    ParticipantCreate,
    ParticipantOut,
    ParticipantPatch,
    PhoneLink,
    PhoneLinkCreate,
)
from ..times import resolve, with_local
from .common import (
    SPREADSHEETS,
    ActorDep,
    MaybeActor,
    ServicesDep,
    browser_id,
    held_everywhere,
    one_at_a_time,
    participant_out,
    refuse_changed_since,
)

router = APIRouter()

#: The roles an access link may have (a delegate's token comes from joining).
LINK_ROLES = ("organiser", "moderator", "display", "rapporteur", "booth", "device")


# --- participants -------------------------------------------------------------------------------


@router.get(
    "/events/{event_id}/participants",
    tags=["participants"],
    response_model=list[ParticipantOut],
    responses=SPREADSHEETS,
)
async def list_participants(
    event_id: str,
    actor: ActorDep,
    svc: ServicesDep,
    as_format: Annotated[
        Literal["json", "csv", "xlsx"],
        Query(
            alias="format",
            description="json (default), or the spreadsheet an import reads back: csv or xlsx.",
        ),
    ] = "json",
) -> list[ParticipantOut] | Response:
    """The registered participants, in the order they were registered (an import's rows in the
    spreadsheet's order; two registered in the same millisecond by id); all of them in one
    answer, no paging (an import takes at most 5,000 rows). Each says ``has_phone``: whether a
    phone holds a live key of theirs, i.e. whom a new phone link signs out. ``?format=csv`` or
    ``xlsx``: the same list as the spreadsheet the import reads back."""
    authorise(actor, "GET /api/v1/events/{event_id}/participants", event_id)
    hearing = await svc.engine.locate(event_id)
    rows = await asyncio.to_thread(svc.engine.store.participants, event_id)
    if as_format == "json":
        phones = await asyncio.to_thread(svc.engine.store.with_a_phone, event_id)
        return [
            participant_out(row).model_copy(update={"has_phone": row.id in phones}) for row in rows
        ]
    order = [segment["id"] for segment in svc.engine.projections.segments(hearing)]
    table = sheet.export_rows(rows, sheet.panellist_segments(hearing.state, order))
    name = f"participants-{event_id}.{as_format}"
    if as_format == "csv":
        return csv_bytes_response(sheet.write_csv(table), name)
    title = f"Participants: {hearing.event.title}"
    data = await asyncio.to_thread(sheet.write_xlsx, table, "Participants", title)
    return attachment(data, sheet.XLSX_MEDIA_TYPE, name)


@router.post(
    "/events/{event_id}/participants/import",
    tags=["participants"],
    responses={422: {"model": ImportRefused}},
)
async def import_participants(
    event_id: str,
    file: Annotated[
        UploadFile, File(description="The list: CSV (UTF-8) or XLSX, told by content.")
    ],
    actor: ActorDep,
    svc: ServicesDep,
    dry_run: Annotated[
        bool, Query(description="Check every row and answer as the import would; write nothing.")
    ] = False,
    update_registered: Annotated[
        bool,
        Query(
            description="Also correct the participants registered already whose particulars "
            "the file gives otherwise (each row's `differences`), as `PATCH "
            "/participants/{id}` would; left out, they stay as they are."
        ),
    ] = False,
) -> ImportReport:
    """Register the participants of a spreadsheet (app/participants_io.py): all its rows or, if
    any row is refused, none (422 ``import_refused`` with every problem, by row and column).
    Someone registered already (the same name and organisation, as a person compares them) is
    left as they are, or, with ``update_registered``, given the file's other particulars."""
    authorise(actor, "POST /api/v1/events/{event_id}/participants/import", event_id)
    hearing = await svc.engine.locate(event_id)
    data = await file.read()
    if len(data) > IMPORT_MAX_BYTES:  # the body's limit leaves room for the multipart's parts
        raise file_too_large(len(data))
    if dry_run:  # reads only
        return await _import(svc, hearing, actor, data, dry_run, update_registered)
    # one import at a time per meeting day, from reading who is registered to writing the new
    # rows: two organisers importing the same file at once (outside probe L) registered
    # everyone twice; the second now finds the first's rows registered already
    async with registry_held(svc, hearing):
        return await _import(svc, hearing, actor, data, dry_run, update_registered)


@contextlib.asynccontextmanager
async def registry_held(svc: Services, hearing: Hearing) -> AsyncIterator[None]:
    """A meeting day's registry held from reading who is registered until it is written back:
    this process's lock (``Hearing.registry``), then every process's (``Store.registry_lock``:
    PostgreSQL's advisory lock; two processes behind one load balancer import the same file)."""
    async with hearing.registry, held_everywhere(svc.engine.store.registry_lock(hearing.event.id)):
        yield


async def _import(
    svc: Services,
    hearing: Hearing,
    actor: Actor,
    data: bytes,
    dry_run: bool,
    update_registered: bool,
) -> ImportReport:
    event_id = hearing.event.id
    programme = [
        sheet.ProgrammeSegment(s["id"], s["title"], number, SegmentStatus(s["status"]))
        for number, s in enumerate(svc.engine.projections.segments(hearing), start=1)
    ]
    registered = await asyncio.to_thread(svc.engine.store.participants, event_id)
    panels = sheet.panellist_places(hearing.state)
    people = [
        sheet.Registered(
            row.id,
            row.name,
            row.organisation,
            {name: str(getattr(row, name)) for name in sheet.UPDATABLE},
            panels.get(row.id, frozenset()),
        )
        for row in registered
    ]
    try:
        read = await asyncio.to_thread(sheet.read_sheet, data)
    except sheet.SpreadsheetError as error:
        raise FloorError(str(error), code="unreadable_spreadsheet", status=422) from None
    report = await asyncio.to_thread(sheet.check, read, programme, people)
    report_elsewhere = await _elsewhere(svc, hearing, report)
    if report.refused:
        refusal = FloorError(_refusal(report), code="import_refused", status=422)
        answer = _report_out(report, dry_run, elsewhere=report_elsewhere)
        refusal.detail = {"report": answer.model_dump(mode="json")}
        raise refusal
    if dry_run:
        return _report_out(report, dry_run, elsewhere=report_elsewhere)
    new = [row for row in report.rows if row.status == "new" and row.participant is not None]
    made = await asyncio.to_thread(_rows, event_id, new, svc.engine.clock())
    if made:
        await svc.engine.add_participants(event_id, list(made.values()))
    queued = {row.row: made[row.row].id for row in new if row.panel is not None}
    if update_registered:
        # a panel the file gives someone registered: queued as a new panellist's is
        queued |= {
            row.row: row.registered_id
            for row in report.rows
            if row.registered_id is not None and any(d.field == "panel" for d in row.differences)
        }
    not_queued = await _queue_panellists(svc, hearing, actor, report, queued)
    answer = _report_out(report, dry_run, made, elsewhere=report_elsewhere)
    if update_registered:
        answer.updated = await _update_registered(svc, actor, report)
    answer.imported = len(made)
    answer.queued = len(queued) - len(not_queued)
    answer.not_queued = not_queued
    return answer


def _rows(event_id: str, new: list[sheet.CheckedRow], now: int) -> dict[int, ParticipantRow]:
    """The participants to register, by their row in the spreadsheet (made in a thread: 5,000
    rows take a sixth of a second)."""
    made: dict[int, ParticipantRow] = {}
    for index, row in enumerate(new):
        assert row.participant is not None
        values = row.participant.model_dump(mode="json", exclude={"gender"})
        # a millisecond apart, so that the list keeps the spreadsheet's order on any database
        made[row.row] = ParticipantRow(
            id=secrets.token_hex(6),
            event_id=event_id,
            created_at=now + index,
            gender=row.participant.gender.value if row.participant.gender else "",
            **values,
        )
    return made


async def _queue_panellists(
    svc: Services,
    hearing: Hearing,
    actor: Actor,
    report: sheet.Report,
    queued: dict[int, str],
) -> list[ImportProblem]:
    """Each panellist (by row: their participant id) in their segment's queue, in the
    spreadsheet's order (one command each, decided in that order, written together); the ones
    refused and why."""
    batch = secrets.token_hex(4)
    rows = [row for row in report.rows if row.panel is not None and row.row in queued]
    importer = dataclasses.replace(actor, via="import")  # the console's Undo leaves these be

    async def queue(index: int, row: sheet.CheckedRow) -> None:
        assert row.panel is not None
        command = c.AddSpeaker(participant_id=queued[row.row], kind=TurnKind.PANELLIST)
        command_id = f"import-{batch}-{index}"
        await svc.engine.execute(hearing.event.id, row.panel.id, command, importer, command_id)

    answers = await asyncio.gather(
        *(queue(i, row) for i, row in enumerate(rows)), return_exceptions=True
    )
    column = report.columns.get("panel", "Panel")
    problems = []
    for row, answer in zip(rows, answers, strict=True):
        if isinstance(answer, FloorError):
            # the refusal's own code (``segment_ended``...): a face words it as any refusal
            problems.append(
                ImportProblem(row=row.row, column=column, message=answer.message, code=answer.code)
            )
        elif isinstance(answer, BaseException):
            raise answer
    return problems


async def _update_registered(svc: Services, actor: Actor, report: sheet.Report) -> int:
    """The file's other particulars given to the participants registered already, one
    correction each (the room's screens show them, as the desk's *Correct*); how many. Each row
    is read again first: a correction made at the desk while the file was checked stays, but for
    the particulars the file changes."""
    updated = 0
    for checked in report.rows:
        if checked.registered_id is None or not checked.differences:
            continue
        changes = {d.field: d.value for d in checked.differences if d.field != "panel"}
        panel = len(changes) < len(checked.differences)  # queued by _queue_panellists
        person = await asyncio.to_thread(svc.engine.store.participant, checked.registered_id)
        if person is None:  # removed meanwhile: nobody to update
            continue
        if changes:
            corrected = person.model_copy(update=changes)
            await svc.engine.correct_participant(corrected, actor, fields=changes)
        updated += 1 if changes or panel else 0
    return updated


def _refusal(report: sheet.Report) -> str:
    refused = sum(1 for row in report.rows if row.status == "refused")
    if report.problems and not refused:
        return f"{report.problems[0].message}: nothing was imported"
    first = next(p for row in report.rows for p in row.problems)
    where = f"row {first.row}" + (f", {first.column}" if first.column else "")
    rows = "1 row" if refused == 1 else f"{refused} rows"
    return f"{rows} refused ({where}: {first.message}): nothing was imported"


def _problem(problem: sheet.Problem) -> ImportProblem:
    return ImportProblem(
        row=problem.row,
        column=problem.column,
        message=problem.message,
        code=problem.code or None,
        params=problem.params,
    )


async def _elsewhere(
    svc: Services, hearing: Hearing, report: sheet.Report
) -> dict[int, list[ImportElsewhere]]:
    """The rows whose person is on another room's panel of the same date at an overlapping time
    (app/clashes.py): the rooms of the day are the events of its date."""
    date = hearing.event.date
    rows: dict[int, Panel] = {}
    for row in report.rows:
        details = hearing.state.segments[row.panel.id].details if row.panel else None
        if details is None or details.scheduled_start_at is None:
            continue
        end = details.scheduled_end_at or details.scheduled_start_at
        person = sheet.person_key(row.name, row.organisation)
        rows[row.row] = Panel(person, details.scheduled_start_at, end)
    others = [
        h
        for h in svc.engine.hearings.values()
        if h is not hearing and date and h.event.date == date
    ]
    if not rows or not others:
        return {}
    places: list[tuple[PersonKey, Elsewhere]] = []
    for other in others:
        registered = await asyncio.to_thread(svc.engine.store.participants, other.event.id)
        panels = sheet.panellist_places(other.state)
        for registrant in registered:
            for segment_id in panels.get(registrant.id, frozenset()):
                details = other.state.segments[segment_id].details
                if details.scheduled_start_at is None:
                    continue
                place = Elsewhere(
                    other.event.id,
                    other.event.title,
                    other.event.room,
                    details.title,
                    details.scheduled_start_at,
                    details.scheduled_end_at or details.scheduled_start_at,
                )
                who = sheet.person_key(registrant.name, registrant.organisation)
                places.append((who, place))
    zone = zone_of(hearing.event.timezone)
    return {
        number: [
            ImportElsewhere(
                **dataclasses.asdict(place),
                starts_at_local=local_iso(place.starts_at, zone),
                ends_at_local=local_iso(place.ends_at, zone),
            )
            for place in found
        ]
        for number, found in clashes(rows, places).items()
    }


def _report_out(
    report: sheet.Report,
    dry_run: bool,
    made: dict[int, ParticipantRow] | None = None,
    elsewhere: dict[int, list[ImportElsewhere]] | None = None,
) -> ImportReport:
    made = made or {}
    elsewhere = elsewhere or {}
    rows = [
        ImportRow(
            row=row.row,
            status=row.status,
            name=row.name,
            organisation=row.participant.organisation if row.participant else row.organisation,
            constituency=row.participant.constituency.value if row.participant else None,
            differences=[ImportDifference(**dataclasses.asdict(d)) for d in row.differences],
            panel=row.panel.title if row.panel else None,
            panel_segment_id=row.panel.id if row.panel else None,
            # the one this import registered, or the one registered already
            participant_id=made[row.row].id if row.row in made else row.registered_id,
            errors=[_problem(p) for p in row.problems],
            elsewhere=elsewhere.get(row.row, []),
        )
        for row in report.rows
    ]
    statuses = [row.status for row in report.rows]
    return ImportReport(
        dry_run=dry_run,
        format=report.format,
        sheet=report.sheet,
        header_row=report.header_row,
        columns=report.columns,
        ignored_columns=report.ignored_columns,
        counts=ImportCounts(
            rows=len(report.rows),
            new=statuses.count("new"),
            registered=statuses.count("registered"),
            repeated=statuses.count("repeat"),
            differing=sum(1 for row in report.rows if row.differences),
            refused=statuses.count("refused"),
            panellists=sum(1 for row in report.rows if row.panel and row.status == "new"),
        ),
        imported=0,
        queued=0,
        rows=rows,
        errors=[_problem(p) for p in report.all_problems()],
        assumed=[
            ImportAssumed(field=name, value=value, rows=numbers)
            for name, value in sheet.ASSUMED.items()
            if (numbers := [r.row for r in report.rows if r.status == "new" and name in r.assumed])
        ],
    )


@router.post("/events/{event_id}/participants", tags=["participants"], status_code=201)
async def join(
    event_id: str,
    body: ParticipantCreate,
    request: Request,
    response: Response,
    actor: MaybeActor,
    svc: ServicesDep,
) -> Joined:
    """Register a participant. A delegate registers themselves with the event's join code and
    gets their token; organisers and moderators may register anyone without a code. With a
    ``registration_id``, a registration sent again (its answer lost) answers the first one."""
    hearing = await svc.engine.locate(event_id)
    staff = actor is not None and actor.runs_the_floor
    if actor is None or not actor.runs_the_floor:
        address = client_address(request)
        await svc.engine.current_join_codes()
        if body.join_code is None or not matches(hearing.event.join_code, body.join_code):
            svc.throttle.joining.wrong_code(address, browser_id(request, response))
            raise FloorError(
                "a valid join code is needed to join this event: open the link or scan the QR "
                "code on the room screen",
                code="bad_join_code",
                status=403,
            )
        svc.throttle.joins.take(address, "people joining from this network address")
    else:
        authorise(actor, "POST /api/v1/events/{event_id}/participants", event_id)
    particulars = body.model_dump(exclude={"join_code", "gender", "registration_id"}, mode="json")
    particulars["gender"] = body.gender.value if body.gender else ""
    if body.registration_id is None:
        row = await _register(svc, hearing, particulars, secrets.token_hex(6), staff)
    else:
        # one registration at a time per id in this process: a retry sent while the first is
        # still being written waits for it and answers it, instead of writing a second row
        pid = _registration_pid(event_id, body.registration_id)
        async with one_at_a_time(f"registration:{pid}"):
            before = await _registered_before(svc, hearing, pid, particulars)
            if before is None:
                await _register(svc, hearing, particulars, pid, staff, once=True)
                # another process may have written this id in the same instant: the row there
                # is the registration (the same particulars: this one; else refused)
                before = await _registered_before(svc, hearing, pid, particulars, written=True)
            assert before is not None
            row = before
    # a key the staff are given is not a phone of theirs: the join rule still holds their name
    label = STAFF_REGISTERED if staff else row.name
    # made by the staff with an access link (a helper's): revoking that link revokes it too
    maker = actor if staff and actor is not None else None
    token, minted = await asyncio.to_thread(
        svc.auth.mint,
        Role.DELEGATE,
        event_id,
        svc.engine.clock(),
        participant_id=row.id,
        label=label,
        made_by=maker.credential_id if maker is not None else None,
    )
    if maker is not None:
        await _maker_still_holds(svc, hearing, maker, minted)
    return Joined(participant=participant_out(row), token=token)


def _registration_pid(event_id: str, registration_id: str) -> str:
    """The participant id a registration id gives: the same each time it is sent (so a second
    process, or a restart, finds the first registration by its primary key), and telling nothing
    of the client's id (which is the client's proof that the registration is theirs)."""
    digest = hashlib.sha256(f"{event_id}\n{registration_id}".encode()).hexdigest()
    return digest[:12]


async def _registered_before(
    svc: Services, hearing: Hearing, pid: str, particulars: dict[str, Any], written: bool = False
) -> ParticipantRow | None:
    """The registration this id made before, if it did; refused if it was made with other
    particulars (the id is reused for someone else) or the secretariat removed it since.
    ``written``: just written here, unless another process wrote that id first; this process
    then remembers the row the database holds."""
    if pid in hearing.removed:
        raise FloorError(
            "the registration sent with this registration_id was removed by the secretariat: "
            "register again with a new registration_id",
            code="registration_id_reused",
            status=409,
        )
    row = await asyncio.to_thread(svc.engine.store.participant, pid)
    if row is None:
        return None
    if written:
        svc.engine.registered(row)  # the database's row, whoever wrote it
    if row.event_id != hearing.event.id or any(
        getattr(row, name) != value for name, value in particulars.items()
    ):
        raise FloorError(
            "this registration_id was sent before with other particulars: make a new "
            "registration_id for each person (and after changing what the form says)",
            code="registration_id_reused",
            status=409,
        )
    return row


async def _register(
    svc: Services,
    hearing: Hearing,
    particulars: dict[str, Any],
    pid: str,
    staff: bool,
    once: bool = False,
) -> ParticipantRow:
    if not staff:
        await _not_registered_already(
            svc, hearing, particulars["name"], particulars["organisation"]
        )
    row = ParticipantRow(
        id=pid, event_id=hearing.event.id, created_at=svc.engine.clock(), **particulars
    )
    await svc.engine.add_participant(row, once=once)
    return row


def _not_waiting_elsewhere(hearing: Hearing, participant_id: str, who: str) -> None:
    """A second registration of someone who holds a place now (on the floor, queued, or asking)
    would put them on the room's list twice (the outside probe saw it: a second phone, or
    someone typing their name): refused, sending them to the phone that holds it or to the
    desk, whose phone link moves that place to this phone."""
    waiting = [
        place
        for place in removal.places(hearing.latest.segments.values(), (), participant_id)
        if place.where in (removal.Where.FLOOR, removal.Where.QUEUE, removal.Where.REQUEST)
    ]
    if waiting:
        raise FloorError(
            f"{who} is on the list of speakers from another phone ({waiting[0].segment}): use "
            "that phone; if it is lost, ask the secretariat's desk for a phone link (it moves "
            "the place to this phone); if it is someone else of that name, add what tells you "
            "apart (a title, a second name) to yours",
            code="already_registered",
            status=409,
        )


async def _not_registered_already(
    svc: Services, hearing: Hearing, name: str, organisation: str
) -> None:
    """Someone joining with the join code under the name and organisation of a participant the
    staff registered (the secretariat's import, the desk) who has never had a phone would be a
    second person: queued twice, counted twice, their phone blind to the place the secretariat
    gave them. They are sent to the desk for their own link (``phone-link``), and an impostor
    typing a panellist's name gets nothing. Someone who joined from a phone before (a retry
    whose answer was lost, a return after leaving) is not held up: the phone's own join; unless
    that registration waits for the floor now (``_not_waiting_elsewhere``)."""
    same = hearing.speakers.named(name, organisation)
    if not same:
        return
    phoned = await asyncio.to_thread(svc.engine.store.ever_signed_in, list(same))
    for participant_id, speaker in same.items():
        who = possible.who(speaker)
        if participant_id in phoned:
            _not_waiting_elsewhere(hearing, participant_id, who)
            continue
        raise FloorError(
            f"{who} is registered already: if that is you, ask the secretariat's desk for your "
            "own phone link or QR code; if it is someone else of that name, add what tells you "
            "apart (a title, a second name) to yours",
            code="already_registered",
            status=409,
        )


@router.post("/participants/{participant_id}/phone-link", tags=["participants"], status_code=201)
async def phone_link(
    participant_id: str,
    request: Request,
    actor: ActorDep,
    svc: ServicesDep,
    body: PhoneLinkCreate | None = None,
) -> PhoneLink:
    """A registered participant's own way in from their phone (an imported panellist, someone
    whose phone was lost): the join page signed in as them. A new key each time; every phone
    signed in as them before is signed out (close 4401), so a lost phone stops at once.
    ``if_no_phone``: only if no phone holds a key of theirs (else ``409 has_phone``)."""
    row = await _registered(participant_id, actor, svc, "POST", "/phone-link")
    hearing = await svc.engine.locate(row.event_id)
    if body is not None and body.if_no_phone:
        phones = await asyncio.to_thread(svc.engine.store.with_a_phone, row.event_id)
        if row.id in phones:
            raise FloorError(
                f"{row.name} already has a phone signed in: a new phone link signs it out; "
                "send it again without if_no_phone if that is meant (a lost phone)",
                code="has_phone",
                status=409,
            )
    # the phones signed in as them before are signed out (a lost phone)
    earlier = await asyncio.to_thread(svc.engine.store.participant_credentials, row.id)
    await _revoke(svc, hearing, earlier)
    now = svc.engine.clock()
    token, minted = await asyncio.to_thread(
        svc.auth.mint,
        Role.DELEGATE,
        row.event_id,
        now,
        participant_id=row.id,
        label=row.name,
        # made with a helper's link: revoking it signs this phone out (its expiry does not:
        # a helper's hours must not sign the panellists' phones out in mid-session)
        made_by=actor.credential_id,  # None: the organiser key
    )
    await _maker_still_holds(svc, hearing, actor, minted)
    # removed meanwhile (here or on another process)? A removal committed before the key was
    # written did not revoke it: it goes now (one committed after it revoked it with the rest)
    still = await asyncio.to_thread(svc.engine.store.participant, row.id)
    if row.id in hearing.removed or still is None:
        await _revoke(svc, hearing, [minted.id])
        raise NotFound(
            f"participant {row.id!r} was removed from the registry meanwhile: there is no one "
            "to give a phone link to"
        )
    url = f"/join/{hearing.event.join_code}#key={token}"
    base = (svc.settings.public_url or str(request.base_url)).rstrip("/")
    return PhoneLink(participant_id=row.id, url=url, token=token, qr_svg=_qr_svg(base + url))


async def _registered(
    participant_id: str, actor: Actor, svc: Services, method: str, tail: str = ""
) -> ParticipantRow:
    """The participant a ``/participants/{participant_id}`` route acts on, once the caller may:
    the role first (a delegate learns nothing of who is registered), then the row, then the
    credential's event (its meeting day located, read on first use)."""
    route = f"{method} /api/v1/participants/{{participant_id}}{tail}"
    authorise(actor, route)
    row = await asyncio.to_thread(svc.engine.store.participant, participant_id)
    if row is None:
        for hearing in svc.engine.hearings.values():
            name = hearing.removed_names.get(participant_id)
            if name is not None:
                authorise(actor, route, hearing.event.id)  # their name is the event's to know
                raise NotFound(
                    f"{name} was taken out of the registry (by another organiser?): "
                    "read the list of participants again",
                    code="participant_removed",
                )
        raise NotFound(
            f"no participant {participant_id!r} is registered (removed already?): see GET "
            "/api/v1/events/{event_id}/participants for their ids"
        )
    authorise(actor, route, row.event_id)
    await svc.engine.locate(row.event_id)
    return row


@router.patch("/participants/{participant_id}", tags=["participants"])
async def correct_participant(
    participant_id: str, body: ParticipantPatch, actor: ActorDep, svc: ServicesDep
) -> ParticipantCorrected:
    """Correct a registered participant's particulars (a misspelt name, the wrong organisation
    or constituency). The registry changes first; then every segment of their meeting day that
    shows them (waiting, asking for the floor, speaking, or in the record) shows the corrected
    particulars, on every screen at once (``correct_speaker``). What they said stays as it was
    recorded."""
    first = await _registered(participant_id, actor, svc, "PATCH")
    hearing = svc.engine.hearing(first.event_id)
    changes = body.model_dump(exclude_none=True, exclude={"expected"}, mode="json")
    if changes.get("gender") == "not_stated":
        changes["gender"] = ""
    # read, checked and written back one correction at a time: two at once each checked
    # `expected` against the row before the other's write, and one was lost (the review)
    async with registry_held(svc, hearing):
        row = await asyncio.to_thread(svc.engine.store.participant, participant_id)
        if row is None:
            row = await _registered(participant_id, actor, svc, "PATCH")  # its refusal
        if body.expected is not None:
            seen = body.expected.model_dump(mode="json", exclude_unset=True)
            if seen.get("gender") == "not_stated":
                seen["gender"] = ""
            now = participant_out(row).model_dump(mode="json")
            refuse_changed_since(now, seen, f"participant {row.name!r}")
        corrected = row.model_copy(update=changes)
        _not_someone_else(hearing, corrected)
        segments = await svc.engine.correct_participant(corrected, actor, fields=changes or None)
    return ParticipantCorrected(participant=participant_out(corrected), segments_corrected=segments)


def _not_someone_else(hearing: Hearing, corrected: ParticipantRow) -> None:
    """A correction that would give a participant the name and organisation of another one
    (as a person compares them: ``participants_io.person_key``) would put two of the same on
    the room's screens, and an export that no longer imports: refused, naming the other."""
    same = hearing.speakers.named(corrected.name, corrected.organisation)
    for participant_id, speaker in same.items():
        if participant_id == corrected.id or participant_id in hearing.removed:
            continue
        who = possible.who(speaker)
        raise FloorError(
            f"{who} is registered already, as another participant: if they are the same "
            "person, remove one of the two registrations; if not, add what tells them apart "
            "(a title, a second name)",
            code="same_person",
            status=409,
        )


@router.delete("/participants/{participant_id}", tags=["participants"], status_code=204)
async def remove_participant(participant_id: str, actor: ActorDep, svc: ServicesDep) -> Response:
    """Take a participant out of the registry: a duplicate registration, a phone that joined
    under someone else's name, an entry left from the rehearsal. Their phone is signed out at
    once (its token revoked in the same commit). Refused (409 ``participant_in_use``, naming
    where) while the day holds them: waiting in a queue or asking for the floor (the moderator
    takes them out first), or in the record: whoever has the floor, spoke or contributed stays
    registered (``PATCH`` corrects a wrong name)."""
    row = await _registered(participant_id, actor, svc, "DELETE")
    tokens = await asyncio.to_thread(svc.engine.store.participant_credentials, participant_id)
    written = False

    def refuse_tokens() -> None:  # the removal is decided: their phone's commands stop here
        for token_id in tokens:
            svc.auth.begin_revoking(token_id)

    def wrote() -> None:
        nonlocal written
        written = True

    try:
        await svc.engine.remove_participant(row, decided=refuse_tokens, written=wrote)
    finally:
        for token_id in tokens:
            if written:  # committed, even if this request was cancelled meanwhile
                svc.auth.withdrawn(token_id)  # their sockets close, here and on every process
            else:
                svc.auth.cancel_revoking(token_id)
    return Response(status_code=204)


# --- access links -------------------------------------------------------------------------------


def link_out(
    row: Any,
    event: Any,
    token: str | None = None,
    base: str = "",
    revokes_too: Sequence[str] = (),
    keys: Mapping[str, KeyRevokedToo] | None = None,
) -> AccessLink:
    """An access link as the API shows it; with its ``token`` (once, when made) its ``url`` and,
    given the server's public ``base``, its ``absolute_url``; ``revokes_too``: the live
    credentials revoking it would revoke (``made_with``), of which ``keys`` says whose the
    participants' keys are (``Revocations.keys``)."""
    path = {
        # an organiser link is the organiser's desk for this one event
        "organiser": "/organiser",
        # a button box sends POST /api/v1/events/{event_id}/actions/{action} with the key as a
        # Bearer token; its link opens nothing
        "device": f"/api/v1/events/{row.event_id}/actions/",
        "moderator": "/moderator",
        "display": f"/display/{row.event_id}",
        "rapporteur": "/rapporteur",
        "booth": f"/booth/{row.event_id}",
    }[row.role]
    # a face's link carries its key after the #; a button box sends it as a Bearer token
    url = (path if row.role == "device" else f"{path}#key={token}") if token else None
    link = {
        "id": row.id,
        "role": row.role,
        "label": row.label,
        "created_at": row.created_at,
        "expires_at": row.expires_at,
        "revoked_at": row.revoked_at,
        "made_by": row.made_by,
        "revokes_too": list(revokes_too),
        "revokes_keys_too": [keys[id_] for id_ in revokes_too if id_ in keys] if keys else [],
        "token": token,
        "url": url,
        "absolute_url": base + url if url and base else None,
        "expires_before_event": _before_event(row.expires_at, event),
    }
    return AccessLink.model_validate(with_local(link, event.timezone))


def _before_event(expires_at: int | None, event: Any) -> bool:
    """Whether a link expiring at ``expires_at`` is dead before the event's day ends."""
    day = event_day(event.date, zone_of(event.timezone))
    return expires_at is not None and day is not None and expires_at < day.end


@router.post("/events/{event_id}/access-links", tags=["access"], status_code=201)
async def create_access_link(
    event_id: str, body: AccessLinkCreate, request: Request, actor: ActorDep, svc: ServicesDep
) -> AccessLinkMinted:
    """Mint a link for the organiser's desk of this event, a moderator, a display (also the
    speaker clock), the rapporteur, the interpreters' booth or a button box (``device``). The
    secret is shown only in this answer, with the link's address (``url``, and ``absolute_url``
    as the QR code holds it).

    With a ``request_id`` sent before (its answer lost), the link that request made is revoked
    and named in ``replaced``: one live link per request. Nothing records whether a link was
    used since, so a script run again with the same ids replaces the links it handed out: give
    each run new ids."""
    authorise(actor, "POST /api/v1/events/{event_id}/access-links", event_id)
    hearing = await svc.engine.locate(event_id)
    now = svc.engine.clock()
    expires = _expiry(body, hearing, now)
    maker = await _expiring_maker(svc, actor)
    if maker is not None and (expires is None or expires > maker[1]):
        expires = maker[1]
    replaced = None
    if body.request_id is not None:
        replaced = await _replace_retried(svc, hearing, body)
    token, row = await asyncio.to_thread(
        svc.auth.mint,
        Role(body.role),
        event_id,
        svc.engine.clock(),
        label=body.label,
        expires_at=expires,
        request_id=body.request_id,
        made_by=actor.credential_id,  # None: the organiser key
    )
    await _maker_still_holds(svc, hearing, actor, row)
    base = (svc.settings.public_url or str(request.base_url)).rstrip("/")
    link = link_out(row, hearing.event, token, base)
    minted = AccessLinkMinted(
        **link.model_dump(), replaced=replaced, expires_with=maker[0] if maker else None
    )
    if link.url is None or row.role == "device":
        return minted  # a button box opens no page: no QR code to scan
    minted.qr_svg = _qr_svg(base + link.url)
    if row.role == "display":  # the same link opens the speaker clock
        minted.clock_url = f"/clock/{event_id}#key={token}"
        minted.clock_absolute_url = base + minted.clock_url
        minted.clock_qr_svg = _qr_svg(minted.clock_absolute_url)
    return minted


async def _expiring_maker(svc: Services, actor: Actor) -> tuple[str, int] | None:
    """The caller's access link and when it expires, when it does: a link it makes expires no
    later (an organiser link given to a helper for a few hours could otherwise make itself one
    that never expires, outside probe); None for the organiser key or a link without end."""
    if actor.credential_id is None:
        return None
    row = await asyncio.to_thread(svc.engine.store.credential, actor.credential_id)
    if row is None or row.expires_at is None:
        return None
    return row.id, row.expires_at


async def _maker_still_holds(
    svc: Services, hearing: Hearing, maker: Actor, made: CredentialRow
) -> None:
    """A credential just made with an access link (``made_by``) whose maker was revoked
    meanwhile (its revocation read what the link had made before this was written): revoked at
    once, and the request refused, as it would have been a moment later. Revoking a link reads
    what it made again once it is revoked (``revoke_access_link``), so nothing made with it
    outlives it, on any process."""
    if maker.credential_id is None:
        return
    live = svc.auth.is_live(maker, svc.engine.clock())
    row = await asyncio.to_thread(svc.engine.store.credential, maker.credential_id)
    if live and row is not None and row.revoked_at is None:
        return
    await _revoke(svc, hearing, [made.id])
    raise Unauthenticated(
        "this link was revoked meanwhile: what it was making was revoked with it; ask the "
        "secretariat for a new one"
    )


async def _replace_retried(svc: Services, hearing: Hearing, body: AccessLinkCreate) -> str | None:
    """A retried request (its answer was lost, so nobody holds the link it made): the link it
    made is revoked, and the one made now is the request's only live link; the id of the one
    revoked (None: none was live). The same id sent for another role is refused: it names
    another request."""
    assert body.request_id is not None
    event_id = hearing.event.id
    made = await asyncio.to_thread(svc.engine.store.links_of_request, event_id, body.request_id)
    other = next((row for row in made if row.role != body.role), None)
    if other is not None:
        raise FloorError(
            f"request_id {body.request_id!r} made a {other.role} link, not a {body.role} "
            "link: send a new request_id for each link",
            code="request_id_reused",
            status=409,
        )
    live = [row for row in made if row.revoked_at is None]
    if not live:
        return None
    await _revoke(svc, hearing, [row.id for row in live])
    return max(live, key=lambda row: (row.created_at, row.id)).id


def _expiry(body: AccessLinkCreate, hearing: Hearing, now: int) -> int | None:
    """When a new link expires (epoch ms), from ``expires_in_s`` or ``expires_at``; refused
    (422, naming the field) if both are sent, or the instant is past or too far ahead."""
    if body.expires_in_s is not None and body.expires_at is not None:
        raise RequestValidationError(
            [
                {
                    "loc": ("body", "expires_at"),
                    "msg": "send expires_in_s or expires_at, not both",
                    "type": "value_error",
                }
            ]
        )
    if body.expires_in_s is not None:
        return now + body.expires_in_s * 1000
    if body.expires_at is None:
        return None
    event = hearing.event
    at = resolve(body, ("expires_at",), event.timezone, event.date)["expires_at"]
    assert at is not None
    if not now < at <= now + MAX_LINK_LIFE_S * 1000:
        shown = local_iso(at, zone_of(event.timezone))
        why = "is past" if at <= now else f"is more than {MAX_LINK_LIFE_S // 86_400} days ahead"
        raise RequestValidationError(
            [
                {
                    "loc": ("body", "expires_at"),
                    "msg": f"{shown} {why}: choose when the link should stop working, from now "
                    f"to {MAX_LINK_LIFE_S // 86_400} days ahead",
                    "type": "value_error",
                }
            ]
        )
    return at


def _qr_svg(url: str) -> str:
    """The QR code of a link, made here: the secret it holds never goes to a URL the server (or
    a QR service elsewhere) would see in a request."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=4,
        border=2,
        xmldecl=False,
        svgns=True,
        title="QR code of the link",
    )
    return buffer.getvalue().decode()


@router.get("/events/{event_id}/access-links", tags=["access"])
async def list_access_links(event_id: str, actor: ActorDep, svc: ServicesDep) -> list[AccessLink]:
    """Every access link of the event, of every role, revoked ones too (``revoked_at``), in the
    order they were made (two made in the same millisecond by id); all of them in one answer, no
    paging. Their ``token``, ``url`` and ``absolute_url`` are null: a secret is shown once, when
    the link is made."""
    authorise(actor, "GET /api/v1/events/{event_id}/access-links", event_id)
    event = (await svc.engine.locate(event_id)).event
    tree = await asyncio.to_thread(revocations, svc.engine.store, event_id)
    return [
        link_out(row, event, revokes_too=tree.too[row.id], keys=tree.keys) for row in tree.links
    ]


@router.delete("/events/{event_id}/access-links/{link_id}", tags=["access"], status_code=204)
async def revoke_access_link(
    event_id: str, link_id: str, actor: ActorDep, svc: ServicesDep
) -> Response:
    """Revoke an access link (again: ``204`` too), and the links made with it (``made_by``:
    an organiser link handed to a helper takes the links the helper made with it), and theirs,
    still live. Commands already decided on their behalf are written first; from the answer on
    nothing more is applied for them, and every screen open with them is told and closed
    (``4401``), on every process."""
    authorise(actor, "DELETE /api/v1/events/{event_id}/access-links/{link_id}", event_id)
    hearing = await svc.engine.locate(event_id)
    tree = await asyncio.to_thread(revocations, svc.engine.store, event_id)
    if not await _revoke(svc, hearing, [link_id, *tree.too.get(link_id, [])]):
        raise NotFound(f"no access link {link_id!r} in event {event_id!r}")
    # made with it while it was being revoked (on this process or another): the maker revoked,
    # whatever is written after this read refuses itself (``_maker_still_holds``)
    for _ in range(3):
        tree = await asyncio.to_thread(revocations, svc.engine.store, event_id)
        late = tree.too.get(link_id, [])
        if not late:
            break
        await _revoke(svc, hearing, late)
    return Response(status_code=204)


@dataclasses.dataclass(frozen=True)
class Revocations:
    """What revoking each access link of a meeting day revokes too."""

    #: the day's access links, oldest first
    links: list[CredentialRow]
    #: link id -> the ids of the live credentials revoking it revokes too (``made_with``)
    too: dict[str, list[str]]
    #: credential id -> whose participant's key it is, for the keys among ``too``
    keys: dict[str, KeyRevokedToo]


def revocations(store: Store, event_id: str) -> Revocations:
    """The access links of a meeting day and what revoking each revokes too: the links made
    with it and with those, and the participants' keys made with any of them (phone links and
    staff registrations made with a helper's link). Reads the database (run it in a thread)."""
    links = store.credentials(event_id, LINK_ROLES)
    made = store.keys_made_with_links(event_id)
    keys = {
        row.id: KeyRevokedToo(
            id=row.id,
            participant_id=row.participant_id or "",
            name=name,
            kind="registration" if row.label == STAFF_REGISTERED else "phone_link",
        )
        for row, name in made
    }
    return Revocations(links, made_with(links, [row for row, _ in made]), keys)


def made_with(rows: Sequence[Any], keys: Sequence[Any] = ()) -> dict[str, list[str]]:
    """For each link of ``rows`` (an event's), the ids of the live credentials made with it,
    and with those, and so on, oldest first: what revoking it revokes too (a link lives no
    longer than the link it was made with). ``keys``: the participants' keys made with links
    (``Store.keys_made_with_links``), which go with the link that made them; none given, the
    links only."""
    children: dict[str, list[Any]] = {}
    for row in [*rows, *keys]:
        if row.made_by is not None:
            children.setdefault(row.made_by, []).append(row)
    out: dict[str, list[str]] = {}
    for root in rows:
        found: list[Any] = []
        waiting, seen = [root.id], {root.id}
        while waiting:
            for row in children.get(waiting.pop(), []):
                if row.id not in seen:
                    seen.add(row.id)
                    waiting.append(row.id)
                    found.append(row)
        order = sorted(found, key=lambda row: (row.created_at, row.id))
        out[root.id] = [row.id for row in order if row.revoked_at is None]
    return out


async def _revoke(svc: Services, hearing: Hearing, credential_ids: list[str]) -> list[str]:
    """Revoke credentials of the meeting day (access links, a participant's keys); the ones
    found. From the start no command passes on their behalf; those decided before are written
    first, so none is applied after the revocation is durable. Then their sockets close (4401)
    on every process."""
    for credential_id in credential_ids:
        svc.auth.begin_revoking(credential_id)
    try:
        await svc.engine.settled(hearing)
    except BaseException:
        for credential_id in credential_ids:
            svc.auth.cancel_revoking(credential_id)
        raise
    now = svc.engine.clock()
    found = []
    for credential_id in credential_ids:
        if await asyncio.to_thread(svc.auth.revoke, credential_id, hearing.event.id, now):
            await svc.auth.revoked(credential_id)
            found.append(credential_id)
    return found
