"""The demo hearing (`floorkeeper serve --demo`): the seed's programme and speakers, queued as the
secretariat's preparation is."""

from __future__ import annotations

import pytest

from app import reports
from app.demo import load_demo
from app.floor import commands as c
from app.floor import possible
from app.floor.errors import FloorError
from app.floor.roles import ORGANISER
from tests.engines import counted_engine


async def test_a_console_s_undo_does_not_take_back_the_demo_s_preparation(sqlite_url: str) -> None:
    """Outside probe G: a segment not yet live offered "Undo adding Panellist 13"; the
    secretariat's preparation is not the moderator's to undo, as an import's is not."""
    engine = counted_engine(sqlite_url, lambda: 1_652_709_600_000)
    event_id = await load_demo(engine)
    segment = reports.programme(engine.hearing(event_id))[1]
    assert segment.queue, "the demo queues the discussion's panellists"
    assert possible.undo(segment) is not None  # refused, with why
    with pytest.raises(FloorError) as refused:
        await engine.execute(event_id, segment.id, c.Undo(), ORGANISER, "u1")
    assert refused.value.code == "cannot_undo"
    assert "the secretariat's import queued them" in refused.value.message
