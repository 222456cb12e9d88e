"""The day's record and the outcome summary of the seed hearing, read back as a person would."""

from __future__ import annotations

import csv
import io
import itertools
import re

import docx

from app import reports
from app.demo import load_demo
from app.engine import Engine
from app.exports import day_record_csv, day_record_json
from app.floor import commands as c
from app.floor import contributions as o
from app.floor.model import TurnKind
from app.floor.roles import ORGANISER
from app.outcome import render_docx, render_html, render_markdown
from app.store.tables import ParticipantRow
from tests.engines import counted_engine

#: 16 May 2022, 10:00 in New York (EDT, UTC-4), the seed hearing's opening.
OPENING = 1_652_709_600_000


class Clock:
    def __init__(self) -> None:
        self.now = OPENING

    def __call__(self) -> int:
        return self.now


async def _the_morning(sqlite_url: str) -> tuple[Engine, str, Clock]:
    """The seed hearing, its opening segment run: every panellist called, one timed and spoken,
    one never timed, one skipped; then the first thematic discussion opened."""
    clock = Clock()
    engine = counted_engine(sqlite_url, clock)
    event_id = await load_demo(engine)
    hearing = engine.hearing(event_id)
    opening = reports.programme(hearing)[0]
    ids = itertools.count()

    async def send(command: c.SegmentCommand) -> None:
        await engine.execute(event_id, opening.id, command, ORGANISER, f"m{next(ids)}")

    await send(c.StartSegment())
    await send(c.CallNext())  # the first: timed
    await send(c.StartTimer())
    clock.now += 125_000
    await send(c.CallNext())  # the second: never timed, the record still has the turn
    clock.now += 62_000
    await send(c.CallNext())  # the third: called, did not speak
    clock.now += 5_000
    await send(c.EndTurn(skipped=True))
    return engine, event_id, clock


async def test_the_days_csv_has_a_row_per_turn_in_new_york_time(sqlite_url: str) -> None:
    engine, event_id, _ = await _the_morning(sqlite_url)
    hearing = engine.hearing(event_id)
    rows = reports.day_record(hearing)
    data = day_record_csv(rows, hearing.event.timezone)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: a spreadsheet reads it right
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(table) == 3 == sum(len(s.speeches) for s in hearing.state.segments.values())
    called = [row["Called at"] for row in table]
    assert all(re.fullmatch(r"2022-05-16T1\d:\d\d:\d\d-04:00", value) for value in called), called
    assert called[0] == "2022-05-16T10:00:00-04:00"
    statuses = [row["Status"] for row in table]
    assert statuses == ["Spoken", "Spoken", "Skipped"]
    timed, untimed = table[0], table[1]
    assert timed["Timer started at"] == "2022-05-16T10:00:00-04:00"
    assert timed["Held the floor (m:ss)"] == "2:05"
    assert untimed["Timer started at"] == "" and untimed["Held the floor (m:ss)"] == "1:02"
    assert {row["Segment"] for row in table} == {reports.programme(hearing)[0].details.title}
    as_json = day_record_json(rows, hearing.event.timezone)
    assert as_json[0]["called_at"] == OPENING
    assert as_json[0]["called_at_local"] == "2022-05-16T10:00:00-04:00"


async def test_the_outcome_summary_holds_the_accepted_contributions(sqlite_url: str) -> None:
    engine, event_id, _ = await _the_morning(sqlite_url)
    hearing = engine.hearing(event_id)
    await engine.add_participant(
        ParticipantRow(
            id="pf",
            event_id=event_id,
            name="Aïcha Benali",
            organisation="Réseau migrant",
            constituency="migrant_association",
            created_at=0,
        )
    )
    submit = o.SubmitContribution(
        kind=o.ContributionKind.PLEDGE,
        text="Nous ouvrirons dix centres d'accueil.",
        language="fr",
        on_behalf_of="pf",
    )
    cid = (await engine.execute_outcome(event_id, submit, ORGANISER, "s1"))["contribution_id"]
    discussion = reports.programme(hearing)[1].details.title
    await engine.execute_outcome(
        event_id,
        o.TagContribution(contribution_id=cid, themes=[discussion], objectives=[15]),
        ORGANISER,
        "t1",
    )
    await engine.execute_outcome(
        event_id, o.AcceptContribution(contribution_id=cid), ORGANISER, "a1"
    )
    set_aside = o.SubmitContribution(
        kind=o.ContributionKind.RECOMMENDATION, text="Hors sujet.", language="fr", on_behalf_of="pf"
    )
    await engine.execute_outcome(event_id, set_aside, ORGANISER, "s2")
    summary = reports.outcome(hearing, OPENING)
    assert [item.id for item in summary.items] == [cid]
    markdown = render_markdown(summary)
    assert "Nous ouvrirons dix centres d'accueil." in markdown and discussion in markdown
    assert "Hors sujet" not in markdown
    html = render_html(summary)
    assert "Nous ouvrirons dix centres d&#x27;accueil." in html or "centres d" in html
    document = docx.Document(io.BytesIO(render_docx(summary)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Nous ouvrirons dix centres d'accueil." in text
    assert summary.figures.turns == 2  # the skipped turn is not a turn spoken


async def test_an_interposed_question_and_its_answer_are_linked_in_the_days_record(
    sqlite_url: str,
) -> None:
    engine, event_id, clock = await _the_morning(sqlite_url)
    hearing = engine.hearing(event_id)
    discussion = reports.programme(hearing)[1]
    ids = itertools.count()

    async def send(command: c.SegmentCommand) -> None:
        await engine.execute(event_id, discussion.id, command, ORGANISER, f"d{next(ids)}")

    await send(c.StartSegment())
    await send(c.CallNext())
    await send(c.StartTimer())
    clock.now += 60_000
    await send(c.Interpose(name="Delegate of Chile", kind=TurnKind.QUESTION))
    clock.now += 30_000
    await send(c.Interpose(name="Panellist", kind=TurnKind.ANSWER))
    clock.now += 45_000
    await send(c.EndTurn())  # the floor goes back to the panellist who was speaking
    clock.now += 20_000
    await send(c.EndTurn())
    table = list(
        csv.DictReader(
            io.StringIO(
                day_record_csv(reports.day_record(hearing), hearing.event.timezone).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    rows = [row for row in table if row["Segment"] == discussion.details.title]
    # in the order the turns were called: the panellist, then the question and the answer
    # interposed in her turn (they ended first)
    assert [row["Kind of turn"] for row in rows] == ["Panellist", "Question", "Answer"]
    assert [row["Turn"] for row in rows] == ["1", "2", "3"]
    panellist, question, answer = rows
    assert question["Interposed in turn"] == answer["Interposed in turn"] == panellist["Turn"]
    assert answer["Answers turn"] == question["Turn"]
    # the panellist's own time leaves out the 75 s the question and the answer held the floor
    assert panellist["Held the floor (s)"] == "80"
