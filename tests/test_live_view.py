"""The public live page's view (``Audience.LIVE``): the room display's view cut down to what the
display renders, and nothing it does not hold."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.floor import commands as c
from app.floor.model import Constituency, SignalKind, TurnKind
from app.patch import apply_patch, diff
from app.views import LIVE_SHAPE, NEXT_SPEAKERS, Audience, view
from tests.floor.kit import BOOTH, Floor


def within(part: Any, whole: Any) -> bool:
    """Every key of ``part`` is in ``whole`` with a value within the one there (lists: a prefix,
    item by item; anything else: equal)."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            key in whole and within(value, whole[key]) for key, value in part.items()
        )
    if isinstance(part, list):
        return (
            isinstance(whole, list)
            and len(part) <= len(whole)
            and all(within(a, b) for a, b in zip(part, whole, strict=False))
        )
    return bool(part == whole)


def strings(document: Any) -> set[str]:
    """Every string a document holds, keys and values."""
    if isinstance(document, dict):
        return set(document) | {s for value in document.values() for s in strings(value)}
    if isinstance(document, list):
        return {s for item in document for s in strings(item)}
    return {document} if isinstance(document, str) else set()


@pytest.fixture
def busy(floor: Floor) -> Floor:
    """A speaker on the floor with a running timer, a message for them, a booth signal, notes,
    a pending request, five speakers queued (one a point of order with a private note)."""
    floor.queued("p3", note="private: about my organisation's funding")
    floor.queued("p1", TurnKind.POINT_OF_ORDER, note="private: rule 12")
    for number in range(4):
        floor.add(f"Speaker {number}", organisation="IOM", constituency=Constituency.UN_SYSTEM)
    floor.request("p2", note="private: please call me early")
    floor.send(c.CallNext())
    floor.send(c.StartTimer())
    floor.send(c.SetMessage(text="please conclude"))
    floor.send(c.SetNotes(text="private: the mayor leaves at noon"))
    floor.send(c.RaiseSignal(kind=SignalKind.SLOW_DOWN), BOOTH)
    return floor


def test_the_live_view_is_within_the_display_s(busy: Floor) -> None:
    live, public = busy.view(Audience.LIVE), busy.view(Audience.PUBLIC)
    assert within(live, public)
    assert strings(live) <= strings(public)


def test_the_live_view_holds_what_the_display_renders_and_nothing_else(busy: Floor) -> None:
    live = busy.view(Audience.LIVE)
    assert set(live) == set(LIVE_SHAPE) == {"segment", "settings", "current", "paused", "queue"}
    assert live["segment"] == {
        "id": busy.seg.id,  # as the message's segment_id names it, and the programme
        "title": "Thematic discussion I",
        "status": "live",
        "kind": "discussion",
        # a break's "Resumes at 15:00" (or "Was due to resume at"), as the display shows it
        "scheduled_start_at": None,
        "scheduled_end_at": None,
        # and the resumption the moderator announced instead, if any
        "resumes_at": None,
    }
    assert live["settings"] == {"list_open": True, "warning_ms": 30_000, "danger_ms": 10_000}
    current = busy.seg.current
    assert current is not None
    assert live["current"] == {
        "id": current.entry.id,
        "name": "Amina Diallo",  # her point of order went to the top
        "name_lang": "",  # Latin letters: read in the page's language
        "organisation": "Migrant Forum in Asia",
        "organisation_lang": "",
        "constituency": "migrant_association",
        "language": None,
        "attendance": "in_room",
        "kind": "point_of_order",
        "timer": {"state": "running", "deadline_at": busy.now + 60_000, "remaining_ms": None},
    }
    assert live["paused"] is None
    # the display's next three, no more: who, not their turn's kind or time
    assert [entry["name"] for entry in live["queue"]] == ["Chen Wei", "Speaker 0", "Speaker 1"]
    assert len(live["queue"]) == NEXT_SPEAKERS < len(busy.seg.queue)
    assert set(live["queue"][0]) == {
        "id",
        "name",
        "name_lang",  # the language its letters are read in (a screen reader's voice)
        "organisation",
        "organisation_lang",  # the same of the organisation
        "constituency",
        "language",
        "attendance",
        "kind",  # the display's badge for a point of order, a right of reply, a panellist
    }
    text = json.dumps(live)
    for absent in ("please conclude", "private", "slow_down", "allotted_ms", "signals", "message"):
        assert absent not in text, absent
    for hidden in ("region", "gender", "participant_id", "request_id", "note", "requests"):
        assert f'"{hidden}"' not in text, hidden


def test_an_interposed_turn_names_the_paused_one_as_the_display_shows_it(busy: Floor) -> None:
    """The floor goes back to the paused turn: the live page shows it first among the next, as
    the display does (its language tag, remote marker and kind), and nothing of its timer."""
    busy.send(c.Interpose(name="Delegate of Chile", kind=TurnKind.QUESTION))
    live = busy.view(Audience.LIVE)
    assert live["current"]["name"] == "Delegate of Chile"
    paused = busy.seg.paused
    assert paused is not None
    assert live["paused"] == {
        "id": paused.entry.id,
        "name": "Amina Diallo",
        "name_lang": "",
        "organisation": "Migrant Forum in Asia",
        "organisation_lang": "",
        "constituency": "migrant_association",
        "language": None,
        "attendance": "in_room",
        "kind": "point_of_order",
    }
    assert within(live, busy.view(Audience.PUBLIC))


def test_a_change_beyond_the_next_three_changes_nothing_on_the_live_page(busy: Floor) -> None:
    before = busy.view(Audience.LIVE)
    busy.add("Late speaker")  # fifth in the queue
    busy.send(c.MoveEntry(entry_id=busy.seg.queue[-1].id, position=3))
    busy.send(c.SetMessage(text="thirty seconds"))
    assert diff(before, busy.view(Audience.LIVE)) == []


def test_the_live_view_is_patched_like_the_others(busy: Floor) -> None:
    before = busy.view(Audience.LIVE)
    busy.send(c.MoveEntry(entry_id=busy.seg.queue[2].id, position=0))
    busy.send(c.PauseTimer())
    after = busy.view(Audience.LIVE)
    ops = diff(before, after)
    assert apply_patch(before, ops) == after
    assert len(json.dumps(ops)) < 600


def test_a_queue_entry_s_live_view_is_made_once(busy: Floor) -> None:
    first = view(busy.seg, Audience.LIVE)["queue"][0]
    busy.send(c.SetMessage(text="thirty seconds"))
    assert view(busy.seg, Audience.LIVE)["queue"][0] is first


def test_the_migration_adds_the_flag_off_for_the_days_already_there(database_url: str) -> None:
    """0004 on a database at 0003 with a meeting day in it: the day's live page is off; down
    and up again leave the schema as the tables say (SQLite and PostgreSQL)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect, text

    from app.store import Store, make_engine
    from app.store.db import migrations_dir

    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))

    def to(revision: str, down: bool = False) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)

    to("0003")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO events (id, title, venue, room, timezone, date, languages, "
                "join_code, created_at) VALUES ('ev1', 'Hearing', '', '', 'UTC', '', '[]', "
                "'code1', 1)"
            )
        )
    to("head")
    (row,) = Store(engine).events()
    assert row.live_published is False
    to("0003", down=True)
    assert "live_published" not in {c["name"] for c in inspect(engine).get_columns("events")}
    to("head")
    assert "live_published" in {c["name"] for c in inspect(engine).get_columns("events")}
