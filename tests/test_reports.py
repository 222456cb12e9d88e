"""The day's record and the outcome summary of the seed hearing, read back as a person would."""

from __future__ import annotations

import csv
import io
import itertools
import re

import docx

from app import reports
from app.api.schemas import DayRecordRow
from app.demo import load_demo
from app.engine import Engine
from app.exports import day_record_csv, day_record_json, event_zone, local_iso
from app.floor import Actor, Role
from app.floor import commands as c
from app.floor import contributions as o
from app.floor.model import TurnKind
from app.floor.roles import ORGANISER
from app.outcome import counts, render_docx, render_html, render_markdown, sections
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
    await _registered(
        engine, event_id, "pf", "Aïcha Benali", "Réseau migrant", "migrant_association"
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


async def _registered(
    engine: Engine,
    event_id: str,
    participant_id: str = "pt",
    name: str = "Amina Diallo",
    organisation: str = "ITUC",
    constituency: str = "trade_union",
) -> str:
    """A registered participant (by default of the trade unions): a contributions' author."""
    row = ParticipantRow(
        id=participant_id,
        event_id=event_id,
        name=name,
        organisation=organisation,
        constituency=constituency,
        created_at=0,
    )
    await engine.add_participant(row)
    return participant_id


async def _contribution(
    engine: Engine, event_id: str, author: str, text: str, themes: list[str], n: int
) -> str:
    """A recommendation on ``author``'s behalf, tagged and accepted."""
    submit = o.SubmitContribution(
        kind=o.ContributionKind.RECOMMENDATION, text=text, language="en", on_behalf_of=author
    )
    made = await engine.execute_outcome(event_id, submit, ORGANISER, f"s{n}")
    cid = str(made["contribution_id"])
    tag = o.TagContribution(contribution_id=cid, themes=themes, objectives=[])
    await engine.execute_outcome(event_id, tag, ORGANISER, f"t{n}")
    accept = o.AcceptContribution(contribution_id=cid)
    await engine.execute_outcome(event_id, accept, ORGANISER, f"a{n}")
    return cid


async def test_a_theme_naming_a_discussion_by_its_short_title_is_that_discussions_section(
    sqlite_url: str,
) -> None:
    """The rapporteur's page suggests "Thematic discussion I" (a title's part before its colon):
    the summary files it under that discussion, in programme order, not as a label of its own
    after the free ones (outside probe, 2026-12-06)."""
    engine, event_id, _ = await _the_morning(sqlite_url)
    hearing = engine.hearing(event_id)
    participant = await _registered(engine, event_id)
    discussions = [
        s.details.title for s in reports.programme(hearing) if s.details.title.startswith("Them")
    ]
    first, third = discussions[0], discussions[2]
    short = first.partition(":")[0]
    await _contribution(engine, event_id, participant, "Data first", ["Data"], 1)
    await _contribution(engine, event_id, participant, "Third", [third.partition(":")[0]], 2)
    await _contribution(engine, event_id, participant, "Full title", [first], 3)
    await _contribution(engine, event_id, participant, "Short title", [short.upper()], 4)
    summary = reports.outcome(hearing, OPENING)
    headings = [line for line in render_markdown(summary).splitlines() if line.startswith("## ")]
    assert headings[:3] == [f"## {first}", f"## {third}", "## Data"], headings
    (under_first,) = [s for s in sections(summary) if s.label == first]
    assert [p.item.text for _, placed in under_first.kinds for p in placed] == [
        "Full title",
        "Short title",
    ]


async def test_a_duplicate_merged_into_another_is_credited_and_counted(sqlite_url: str) -> None:
    """Merging a duplicate keeps its author in the summary: the kept item says who else made
    the point, and the counts by constituency include them (outside probe, 2026-12-06)."""
    engine, event_id, _ = await _the_morning(sqlite_url)
    hearing = engine.hearing(event_id)
    await _registered(engine, event_id, "po", "Olga Petrova", "Civic Forum", "civil_society")
    first = await _registered(engine, event_id)
    kept = await _contribution(engine, event_id, first, "Regular pathways", [], 1)
    duplicate = await _contribution(engine, event_id, "po", "More regular pathways", [], 2)
    merge = o.MergeContributions(contribution_id=duplicate, into_id=kept)
    await engine.execute_outcome(event_id, merge, ORGANISER, "merge1")
    summary = reports.outcome(hearing, OPENING)
    markdown = render_markdown(summary)
    assert "from 2 constituencies" in markdown
    assert "Also made by: Civil society (Civic Forum)" in markdown
    assert ("Civil society", 1, 0) in counts(summary)
    document = docx.Document(io.BytesIO(render_docx(summary)))
    assert "Also made by: Civil society (Civic Forum)" in "\n".join(
        paragraph.text for paragraph in document.paragraphs
    )
    # taken back, the duplicate stands alone again and the credit goes
    await engine.execute_outcome(
        event_id, o.UnmergeContribution(contribution_id=duplicate), ORGANISER, "u1"
    )
    assert "Also made by" not in render_markdown(reports.outcome(hearing, OPENING))


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


async def test_a_duplicate_of_the_same_author_is_not_credited_again(sqlite_url: str) -> None:
    """Outside probe Y: one of hers merged into another of hers printed "Also made by: Trade
    union (ITUC)" under an item already hers."""
    engine, event_id, _ = await _the_morning(sqlite_url)
    hearing = engine.hearing(event_id)
    first = await _registered(engine, event_id)
    kept = await _contribution(engine, event_id, first, "Regular pathways", [], 1)
    again = await _contribution(engine, event_id, first, "Regular pathways, again", [], 2)
    merge = o.MergeContributions(contribution_id=again, into_id=kept)
    await engine.execute_outcome(event_id, merge, ORGANISER, "merge-own")
    markdown = render_markdown(reports.outcome(hearing, OPENING))
    assert "Regular pathways" in markdown
    assert "Also made by" not in markdown


async def test_the_record_lists_the_requests_never_granted_and_when_each_was_made(
    sqlite_url: str,
) -> None:
    """A delegate who asked for the floor and was never given a place is on the record too:
    their request carried to another segment, dropped, or still awaiting the moderator when the
    segment ended; so is a place left in an ended segment's queue. Every row from a request says
    when it was made; a speaker the moderator added has none."""
    engine, event_id, clock = await _the_morning(sqlite_url)
    hearing = engine.hearing(event_id)
    opening, first, second, third = [
        s for s in reports.programme(hearing) if not s.details.is_break
    ][:4]
    ids = itertools.count()
    for n, name in enumerate(("Ana Carried", "Ben Dropped", "Chen Waiting", "Dina Heard")):
        await _registered(engine, event_id, f"p{n}", name, "ITUC")

    async def send(segment: str, command: c.SegmentCommand, actor: Actor = ORGANISER) -> None:
        await engine.execute(event_id, segment, command, actor, f"n{next(ids)}")

    def delegate(n: int) -> Actor:
        return Actor(Role.DELEGATE, event_id, f"p{n}")

    await send(opening.id, c.RequestFloor(), delegate(0))  # 10:03:12, never approved
    asked_at = clock.now
    clock.now += 30_000
    await send(first.id, c.StartSegment())  # the opening ends with the request pending
    await send(opening.id, c.CarryQueue(to_segment_id=second.id))
    await send(first.id, c.RequestFloor(), delegate(1))
    await send(first.id, c.RequestFloor(), delegate(3))
    requests = hearing.state.segments[first.id].requests.values()
    (heard,) = [r for r in requests if r.speaker.name == "Dina Heard"]
    await send(first.id, c.ApproveRequest(request_id=heard.id))
    await send(second.id, c.StartSegment())
    await send(first.id, c.CarryQueue(to_segment_id=None))  # Ben's request dropped
    await send(second.id, c.AddSpeaker(name="Guest Left", kind=TurnKind.INTERVENTION))
    await send(second.id, c.RequestFloor(), delegate(2))
    await send(third.id, c.StartSegment())  # the second ends: Chen and Guest Left left there

    table = list(
        csv.DictReader(
            io.StringIO(
                day_record_csv(reports.day_record(hearing), hearing.event.timezone).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    ana = [row for row in table if row["Name"] == "Ana Carried"]
    assert [(row["Segment"], row["Status"], row["Carried to"]) for row in ana] == [
        (opening.details.title, "Request not granted: carried", second.details.title),
        # carried with the queue, and still not granted when the second segment ended
        (second.details.title, "Request not granted: left waiting", ""),
    ]
    assert {row["Requested at"] for row in ana} == {"2022-05-16T10:03:12-04:00"}
    assert asked_at == OPENING + 192_000
    by_name = {row["Name"]: row for row in table}
    assert by_name["Ben Dropped"]["Status"] == "Request not granted: dropped"
    assert by_name["Dina Heard"]["Status"] == "Not heard: dropped"  # she had a place
    assert by_name["Dina Heard"]["Requested at"] != ""
    assert by_name["Chen Waiting"]["Status"] == "Request not granted: left waiting"
    assert by_name["Guest Left"]["Status"] == "Not heard: left in the queue"
    assert by_name["Guest Left"]["Requested at"] == ""  # the moderator added them
    for name in ("Ana Carried", "Ben Dropped", "Chen Waiting", "Guest Left"):
        assert by_name[name]["Turn"] == by_name[name]["Called at"] == "", name
    # the turns given from a request say when it was made; the panellists were added
    assert {row["Requested at"] for row in table if row["Status"] == "Spoken"} == {""}


async def test_the_record_lists_who_was_still_waiting_when_a_segment_ended(
    sqlite_url: str,
) -> None:
    """Who asked and was not heard is on the record: carried to another segment (named), or
    dropped; after the turns given in their segment, without a turn number or times."""
    engine, event_id, clock = await _the_morning(sqlite_url)
    hearing = engine.hearing(event_id)
    opening, first, second = [s for s in reports.programme(hearing) if not s.details.is_break][:3]
    ids = itertools.count()

    async def send(segment: str, command: c.SegmentCommand) -> None:
        await engine.execute(event_id, segment, command, ORGANISER, f"w{next(ids)}")

    for name in ("Guest Waiting", "Guest Carried"):
        await send(opening.id, c.AddSpeaker(name=name, kind=TurnKind.INTERVENTION))
    opening_waiting = [q.speaker.name for q in hearing.state.segments[opening.id].queue]
    clock.now += 60_000
    await send(first.id, c.StartSegment())  # the opening ends, its queue waiting
    await send(opening.id, c.CarryQueue(to_segment_id=second.id))
    await send(first.id, c.AddSpeaker(name="Guest Dropped", kind=TurnKind.INTERVENTION))
    first_waiting = [q.speaker.name for q in hearing.state.segments[first.id].queue]
    await send(second.id, c.StartSegment())
    await send(first.id, c.CarryQueue(to_segment_id=None))

    rows = reports.day_record(hearing)
    table = list(
        csv.DictReader(
            io.StringIO(day_record_csv(rows, hearing.event.timezone).decode("utf-8-sig"))
        )
    )
    unheard = [row for row in table if row["Status"].startswith("Not heard")]
    carried = [row for row in unheard if row["Segment"] == opening.details.title]
    assert [row["Name"] for row in carried] == opening_waiting  # in queue order
    assert opening_waiting[-2:] == ["Guest Waiting", "Guest Carried"]
    assert {row["Status"] for row in carried} == {"Not heard: carried"}
    assert {row["Carried to"] for row in carried} == {second.details.title}
    assert all(row["Turn"] == row["Turn of the day"] == row["Called at"] == "" for row in carried)
    dropped = [row for row in unheard if row["Segment"] == first.details.title]
    assert [row["Name"] for row in dropped] == first_waiting and "Guest Dropped" in first_waiting
    assert {(row["Status"], row["Carried to"]) for row in dropped} == {("Not heard: dropped", "")}
    # after the turns given in their segment; the turns of the day still number the turns
    opening_rows = [row for row in table if row["Segment"] == opening.details.title]
    assert [row["Status"] for row in opening_rows][:3] == ["Spoken", "Spoken", "Skipped"]
    assert [row["Turn of the day"] for row in table if row["Turn"]] == ["1", "2", "3"]
    as_json = day_record_json(rows, hearing.event.timezone)
    assert {row["status"] for row in as_json} == {"spoken", "skipped", "carried", "dropped"}


async def test_every_floor_request_has_its_row_and_a_carried_one_is_followed_to_its_end(
    sqlite_url: str,
) -> None:
    """Outside probe Q: a request withdrawn, declined or whose place was taken out of the queue
    had no row, so a delegate "carried to Thematic discussion II" who then withdrew there, or
    was declined there, vanished, and the requests made could not be reconciled with the
    record. Every request now has its row where it ended, in the order the segment received it,
    with when it was made; one carried on has a row in each segment, the last its fate."""
    engine, event_id, clock = await _the_morning(sqlite_url)
    hearing = engine.hearing(event_id)
    first, second, third = [s for s in reports.programme(hearing) if not s.details.is_break][1:4]
    ids = itertools.count()
    names = (
        "Ana Withdrew",
        "Ben Declined",
        "Chen Withdrew Queued",
        "Dina Taken Out",
        "Emeka Carried Then Withdrew",
        "Fatima Carried Then Declined",
    )
    for n, name in enumerate(names):
        await _registered(engine, event_id, f"p{n}", name, "ITUC")

    async def send(segment: str, command: c.SegmentCommand, actor: Actor = ORGANISER) -> None:
        await engine.execute(event_id, segment, command, actor, f"q{next(ids)}")

    def delegate(n: int) -> Actor:
        return Actor(Role.DELEGATE, event_id, f"p{n}")

    def request_of(segment_id: str, name: str) -> str:
        requests = hearing.state.segments[segment_id].requests.values()
        (request,) = [r for r in requests if r.speaker.name == name]
        return request.id

    await send(first.id, c.StartSegment())  # the opening ends
    asked: dict[str, int] = {}
    for n, name in enumerate(names):
        clock.now += 1_000
        asked[name] = clock.now
        await send(first.id, c.RequestFloor(), delegate(n))
    await send(first.id, c.WithdrawRequest(request_id=request_of(first.id, names[0])), delegate(0))
    await send(first.id, c.DeclineRequest(request_id=request_of(first.id, names[1])))
    for name in names[2:5]:
        await send(first.id, c.ApproveRequest(request_id=request_of(first.id, name)))
    await send(first.id, c.WithdrawRequest(request_id=request_of(first.id, names[2])), delegate(2))
    (taken_out,) = [q for q in hearing.state.segments[first.id].queue if q.speaker.name == names[3]]
    await send(first.id, c.RemoveEntry(entry_id=taken_out.id))
    await send(second.id, c.StartSegment())  # the first ends: Emeka queued, Fatima pending
    await send(first.id, c.CarryQueue(to_segment_id=second.id))
    emeka, fatima = request_of(second.id, names[4]), request_of(second.id, names[5])
    await send(second.id, c.WithdrawRequest(request_id=emeka), delegate(4))
    await send(second.id, c.DeclineRequest(request_id=fatima))
    await send(third.id, c.StartSegment())  # the second ends

    rows = reports.day_record(hearing)
    as_json = day_record_json(rows, hearing.event.timezone)
    for answered in as_json:  # what the route answers: every status is one the schema names
        DayRecordRow.model_validate(answered)
    table = list(
        csv.DictReader(
            io.StringIO(day_record_csv(rows, hearing.event.timezone).decode("utf-8-sig"))
        )
    )
    theirs = [row for row in table if row["Name"] in names]
    first_title, second_title = first.details.title, second.details.title
    assert [(row["Segment"], row["Name"], row["Status"], row["Carried to"]) for row in theirs] == [
        # the first's place carried, then its requests in the order it received them
        (first_title, names[4], "Not heard: carried", second_title),
        (first_title, names[0], "Request withdrawn", ""),
        (first_title, names[1], "Request declined", ""),
        (first_title, names[2], "Not heard: withdrawn", ""),
        (first_title, names[3], "Not heard: removed by the moderator", ""),
        (first_title, names[5], "Request not granted: carried", second_title),
        # where they were carried: what became of them there
        (second_title, names[4], "Not heard: withdrawn", ""),
        (second_title, names[5], "Request declined", ""),
    ]
    zone = event_zone(hearing.event.timezone)
    for row in theirs:
        assert row["Requested at"] == local_iso(asked[row["Name"]], zone), row
        assert row["Turn"] == row["Turn of the day"] == row["Called at"] == "", row
    # reconciled: each request made has one row saying how it ended (the others carry it on)
    ends = [row["Name"] for row in theirs if "carried" not in row["Status"]]
    assert sorted(ends) == sorted(names)
    statuses = {row["status"] for row in as_json if row["name"] in names}
    assert statuses == {
        "carried",
        "request_withdrawn",
        "request_declined",
        "withdrawn",
        "removed",
        "request_carried",
    }


async def test_the_outcomes_speaking_time_is_the_sum_of_the_records_whole_seconds(
    sqlite_url: str,
) -> None:
    """Outside probe Q: each row's seconds are rounded, the outcome rounded the sum of the ms,
    and the record's "Held the floor (s)" summed to 40 s where the outcome said 37 s. The
    outcome's figures (the day's, each constituency's) are now the sums of the rows' seconds."""
    engine, event_id, clock = await _the_morning(sqlite_url)  # 125 s and 62 s, one skipped
    hearing = engine.hearing(event_id)
    first = [s for s in reports.programme(hearing) if not s.details.is_break][1]
    ids = itertools.count()

    async def send(command: c.SegmentCommand) -> None:
        await engine.execute(event_id, first.id, command, ORGANISER, f"h{next(ids)}")

    await send(c.StartSegment())
    for n in range(3):  # three turns of 1.6 s: 2 s each on the record, 4.8 s in all
        await send(c.AddSpeaker(name=f"Quick {n}", kind=TurnKind.REMARKS, allotted_ms=1_500))
        await send(c.CallNext())
        clock.now += 1_600
        await send(c.EndTurn())

    rows = day_record_json(reports.day_record(hearing), hearing.event.timezone)
    spoken = [row for row in rows if row["status"] == "spoken"]
    recorded = sum(int(row["held_s"] or 0) for row in spoken)
    assert recorded == 125 + 62 + 3 * 2
    figures = reports.outcome(hearing, clock.now).figures
    assert (figures.turns, figures.held_ms) == (len(spoken), recorded * 1000)
    by_constituency: dict[str, tuple[int, int]] = {}
    for row in spoken:
        turns, seconds = by_constituency.get(str(row["constituency"]), (0, 0))
        by_constituency[str(row["constituency"])] = (turns + 1, seconds + int(row["held_s"] or 0))
    assert figures.by_constituency == {
        key: (turns, seconds * 1000) for key, (turns, seconds) in by_constituency.items()
    }
    summary = render_markdown(reports.outcome(hearing, clock.now)).replace("\u00a0", " ")
    assert "5 turns, 3 min 13 s holding the floor." in summary  # not 3 min 12 s
