"""The seed's hearing: the informal interactive multi-stakeholder hearing before the first
International Migration Review Forum, 16 May 2022, Conference Room 4, UN Headquarters.

Loaded through the engine's own commands, so the programme is in the log like anything else.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from .engine import Engine
from .floor import commands as c
from .floor.model import Constituency, TurnKind
from .floor.roles import ORGANISER as ORGANISER_ROLE_ACTOR
from .join_codes import new_join_code
from .store.tables import EventRow

TIMEZONE = "America/New_York"
DATE = "2022-05-16"
TITLE = "International Migration Review Forum: Informal Interactive Multi-Stakeholder Hearing"

PGA = ("H.E. Mr. Abdulla Shahid", "President of the 76th Session of the UN General Assembly")
IOM = (
    "H.E. Mr. António Vitorino",
    "Director General, IOM; Coordinator, United Nations Network on Migration",
)

DISCUSSION_I_PANELLISTS = [
    Constituency.MIGRANT_ASSOCIATION,
    Constituency.LOCAL_AND_REGIONAL_AUTHORITIES,
    Constituency.CIVIL_SOCIETY,
    Constituency.MIGRANT_AND_DIASPORA_ORGANISATION,
    Constituency.ACADEMIA,
    Constituency.PRIVATE_SECTOR,
    Constituency.TRADE_UNION,
    Constituency.PARLIAMENTARIAN,
    Constituency.NATIONAL_HUMAN_RIGHTS_INSTITUTION,
    Constituency.FAITH_BASED_ORGANISATION,
    Constituency.RED_CROSS_RED_CRESCENT,
    Constituency.MEDIA,
    Constituency.HUMAN_RIGHTS_MECHANISM,
]
#: the region each of discussion II's panellists speaks for (the balance counts by region)
REGIONS = {
    "Africa regional review": "Africa",
    "Americas regional review": "Americas",
    "Asia-Pacific regional review": "Asia-Pacific",
    "European organization": "Europe",
    "Arab regional review": "Arab States",
}
DISCUSSION_II_PANELLISTS = [
    "Africa regional review",
    "Americas regional review",
    "Asia-Pacific regional review",
    "European organization",
    "Arab regional review",
]

AIM_I = (
    "1. Highlight concrete examples of key progress, gaps, and challenges in the implementation "
    "of the GCM at local, national, regional, and global levels; and 2. Provide recommendations "
    "on strengthening the engagement of stakeholder sectors."
)
AIM_II = (
    "Provide action-oriented recommendations towards advancing implementation of the GCM, "
    "including drawing from the recommendations of the SG report, and lessons learned from the "
    "regional reviews processes."
)
AIM_III = (
    "Deliberate collectively on the key outcomes and recommendations to be delivered during the "
    "opening session of the IMRF."
)

# (title, kind, start, end, aim, moderator)
PROGRAMME = [
    ("Opening Segment", "opening", "10:00", "10:30", "", ""),
    (
        "Thematic discussion I: Assessing the progress, gaps, and challenges in the "
        "implementation of the Global Compact on Migration",
        "thematic",
        "10:30",
        "13:00",
        AIM_I,
        "Moderator (TBC)",
    ),
    ("Lunch Break", "break", "13:00", "15:00", "", ""),
    (
        "Thematic discussion II: Commitments to advance the implementation of the GCM including "
        "in advancing the recommendations of the SG report",
        "thematic",
        "15:00",
        "17:20",
        AIM_II,
        "Moderator (TBC)",
    ),
    (
        "Thematic discussion III: Group reflection",
        "thematic",
        "17:20",
        "17:50",
        AIM_III,
        "Moderator (TBC)",
    ),
    ("Closing remarks", "closing", "17:50", "18:00", "", ""),
]


def at(clock: str) -> int:
    moment = datetime.fromisoformat(f"{DATE}T{clock}").replace(tzinfo=ZoneInfo(TIMEZONE))
    return int(moment.timestamp() * 1000)


def _speakers(index: int) -> list[c.AddSpeaker]:
    if index == 0:
        return [
            c.AddSpeaker(
                name=PGA[0],
                organisation=PGA[1],
                constituency=Constituency.UN_SYSTEM,
                kind=TurnKind.REMARKS,
                language="en",  # the booths prepare from the floor language
            ),
            c.AddSpeaker(
                name=IOM[0],
                organisation=IOM[1],
                constituency=Constituency.UN_SYSTEM,
                kind=TurnKind.REMARKS,
                language="en",  # the booths prepare from the floor language
            ),
            c.AddSpeaker(
                name="Migrant Voice speaker (TBC)",
                organisation="Migrant Voice",
                constituency=Constituency.MIGRANT_ASSOCIATION,
                kind=TurnKind.REMARKS,
            ),
        ]
    if index == 1:
        return [
            # slots: the constituency is known, the person is named on the day
            c.AddSpeaker(name=f"Panellist {n}", constituency=constituency, kind=TurnKind.PANELLIST)
            for n, constituency in enumerate(DISCUSSION_I_PANELLISTS, start=1)
        ]
    if index == 3:
        return [
            c.AddSpeaker(
                name=f"Panellist {n}",
                organisation=region,
                region=REGIONS[region],
                kind=TurnKind.PANELLIST,
            )
            for n, region in enumerate(DISCUSSION_II_PANELLISTS, start=1)
        ]
    if index == 4:
        return [
            c.AddSpeaker(
                name=f"Moderator of Session {n}",
                organisation="Summary of key outcomes",
                kind=TurnKind.MODERATOR_SUMMARY,
            )
            for n in ("I", "II")
        ]
    if index == 5:
        return [
            c.AddSpeaker(
                name="Civil society representative",
                organisation="For the opening of the plenary of the IMRF",
                constituency=Constituency.CIVIL_SOCIETY,
                kind=TurnKind.REMARKS,
            ),
            c.AddSpeaker(
                name=PGA[0],
                organisation=PGA[1],
                constituency=Constituency.UN_SYSTEM,
                kind=TurnKind.REMARKS,
                language="en",  # the booths prepare from the floor language
            ),
        ]
    return []


async def load_demo(engine: Engine) -> str:
    """Create the hearing with its programme and speakers; return the event id."""
    row = EventRow(
        id=secrets.token_hex(6),
        title=TITLE,
        venue="United Nations Headquarters, New York",
        room="Conference Room 4",
        timezone=TIMEZONE,
        date=DATE,
        languages=["ar", "zh", "en", "fr", "ru", "es"],
        join_code=new_join_code(),
        created_at=engine.clock(),
    )
    hearing = await engine.create_event(row)
    # the secretariat's preparation, as an import is: a console's undo does not take it back
    # (outside probe G: "Undo adding Panellist 13" offered on a segment not yet live)
    actor = dataclasses.replace(ORGANISER_ROLE_ACTOR, via="import")
    for position, (title, kind, start, end, aim, moderator) in enumerate(PROGRAMME):
        created = await engine.execute(
            row.id,
            None,
            c.CreateSegment(
                title=title,
                kind=kind,
                aim=aim,
                moderator=moderator,
                scheduled_start_at=at(start),
                scheduled_end_at=at(end),
                position=position,
            ),
            actor,
            f"demo-segment-{position}",
        )
        for number, command in enumerate(_speakers(position)):
            await engine.execute(
                row.id, created["segment_id"], command, actor, f"demo-speaker-{position}-{number}"
            )
    return hearing.event.id
