"""Bodies of the organiser's desk: the participants' spreadsheet (its import report), an access
link as minted (with its QR codes) and the connected screens."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .schemas import AccessLinkOut, ErrorOut, LocalTime


class ImportProblem(BaseModel):
    row: int | None = Field(
        description="The row as the spreadsheet numbers it (the header is row 1); null for a "
        "problem of the whole file."
    )
    column: str | None = Field(
        description="The column as the file names it in its header; null for a whole row."
    )
    message: str = Field(description="In English, naming the problem and what to do.")
    code: str | None = Field(
        default=None,
        description="The problem as a code, for a face that words it in its own language "
        "(docs/protocol.md lists them); null for one without.",
    )
    params: dict[str, str | int] = Field(
        default_factory=dict, description="What the code's sentence names (a value, a row...)."
    )


class ImportDifference(BaseModel):
    """A particular of someone registered that the file gives otherwise."""

    field: str = Field(description="`title`, `constituency`, `region`, `language`, ...")
    column: str = Field(description="The column as an export names it (`Attendance`).")
    registered: str = Field(description="As registered, as a person reads it (`In the room`).")
    file: str = Field(description="As the file gives it (`Remote`).")
    value: str = Field(description="The file's value as stored (`remote`).")
    registered_value: str = Field(description="The registered value as stored (`in_room`).")


class ImportElsewhere(BaseModel):
    event_id: str
    event_title: str
    room: str
    segment_title: str
    starts_at: int = Field(description="The other panel's scheduled start (epoch ms).")
    starts_at_local: LocalTime = Field(description="In this event's zone.")
    ends_at: int
    ends_at_local: LocalTime


class ImportRow(BaseModel):
    row: int
    status: Literal["new", "registered", "repeat", "refused"] = Field(
        description="new: registered by this import; registered: the same name and organisation "
        "are registered already (compared without accents, apostrophes or case), the row is "
        "left as it is unless `update_registered`; repeat: the same row as an earlier one of "
        "the file, every column alike, imported once; refused: see errors."
    )
    name: str
    organisation: str | None = Field(default=None, description="As the row gives it.")
    constituency: str | None = Field(default=None, description="Its code, as the row gives it.")
    differences: list[ImportDifference] = Field(
        default_factory=list,
        description="`registered`: what the file gives otherwise than the registry.",
    )
    panel: str | None = Field(
        default=None, description="The segment they are a panellist in (its title)."
    )
    panel_segment_id: str | None = None
    participant_id: str | None = Field(
        default=None,
        description="The participant this import registered (not in a dry run), or, `registered`, "
        "the one registered already.",
    )
    errors: list[ImportProblem]
    elsewhere: list[ImportElsewhere] = Field(
        default_factory=list,
        description="The same person (name and organisation) on another room's panel of the same "
        "date at an overlapping time: a warning, not a refusal.",
    )


class ImportCounts(BaseModel):
    rows: int
    new: int
    registered: int
    repeated: int = Field(description="Rows that repeat an earlier row, imported once.")
    refused: int
    panellists: int
    differing: int = Field(
        default=0, description="Rows of people registered already that the file differs on."
    )


class ImportAssumed(BaseModel):
    """A field the file leaves empty in some new rows, and what they are registered with."""

    field: Literal["language", "attendance"]
    value: str = Field(description="The code registered: `en`, `in_room`.")
    rows: list[int] = Field(
        description="The new rows that leave it empty, numbered as in the file."
    )


class ImportReport(BaseModel):
    dry_run: bool
    format: Literal["csv", "xlsx"]
    sheet: str | None = Field(description="The worksheet read (XLSX).")
    header_row: int | None
    columns: dict[str, str] = Field(
        description="Each field read and the header it was read from, e.g. "
        '{"language": "Floor language"}.'
    )
    ignored_columns: list[str]
    counts: ImportCounts
    imported: int = Field(description="Participants registered (0 in a dry run).")
    updated: int = Field(
        default=0,
        description="Participants registered already given the file's particulars "
        "(`update_registered`; 0 in a dry run).",
    )
    queued: int = Field(description="Panellist turns put in the segments' queues.")
    rows: list[ImportRow]
    errors: list[ImportProblem] = Field(
        description="Every problem, of the file and of each row, in order."
    )
    not_queued: list[ImportProblem] = Field(
        default_factory=list,
        description="Panellists registered but not put in their segment's queue, and why.",
    )
    assumed: list[ImportAssumed] = Field(
        default_factory=list,
        description="Floor language or attendance left empty in new rows (or with no column): "
        "registered as English and in the room. Fill the column where that is not so.",
    )


class ImportRefused(ErrorOut):
    """A 422: ``import_refused`` (nothing was imported; ``report`` says why, row by row),
    ``unreadable_spreadsheet`` or ``invalid_request`` (no ``file``)."""

    report: ImportReport | None = Field(
        default=None, description="`import_refused`: every row checked, the refused ones' problems."
    )


class AccessLink(AccessLinkOut):
    """An access link, each instant with its local time (app/api/times.py ``with_local``)."""

    created_at_local: LocalTime
    expires_at_local: LocalTime | None
    revoked_at_local: LocalTime | None


class AccessLinkMinted(AccessLink):
    """A link as it is made: its secret, its URL and, for a face, the URL's QR code."""

    qr_svg: str | None = Field(
        default=None,
        description="The link's QR code (SVG, made on the server; it holds the secret). "
        "None for a button box, which has no page to open.",
    )
    clock_url: str | None = Field(
        default=None, description="A display link also opens the speaker clock: its URL."
    )
    clock_absolute_url: str | None = Field(
        default=None, description="`clock_url` with the server's public address before it."
    )
    clock_qr_svg: str | None = None
    replaced: str | None = Field(
        default=None,
        description="A `request_id` sent before: the id of the link that request made, revoked "
        "now (its secret no longer works and the screens open with it were closed); null when "
        "nothing was replaced.",
    )
    expires_with: str | None = Field(
        default=None,
        description="Made with an access link that expires: the id of that link, which this one "
        "cannot outlive (its `expires_at` is then no later than that link's, whatever was "
        "asked); null when made with the organiser key or a link that never expires.",
    )


Face = Literal["console", "display", "clock", "booth", "rapporteur", "organiser", "phone", "other"]


class Screen(BaseModel):
    id: str = Field(description="The live socket's id, for identify.")
    face: Face
    role: str
    label: str = Field(description="The label of the access link it signed in with.")
    link_id: str | None = Field(description="The access link; null for the organiser key.")
    connected_at: int
    connected_at_local: LocalTime
    last_seen_at: int = Field(description="When it last sent a frame (a ping, every 15 s).")
    last_seen_at_local: LocalTime
    address: str = Field(description="Its network address, shortened.")
    segment_id: str | None = Field(description="The segment it shows.")


class Screens(BaseModel):
    server_time: int
    screens: list[Screen]
    phones: int = Field(description="Delegates' phones connected now (counted, not listed).")


class Identified(BaseModel):
    screen_id: str
    duration_ms: int
