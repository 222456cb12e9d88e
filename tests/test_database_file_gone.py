"""The SQLite file deleted or replaced while the server runs (outside probe K): every command
had gone on being acknowledged, written to a file no path named any more, and the next start
began an empty database. Now nothing more is written, the refusal and the health check say
what happened, and how to copy the file the server still holds back."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.demo import load_demo
from app.engine import StorageUnavailable
from app.floor import commands as c
from app.floor.model import TurnKind
from app.floor.roles import ORGANISER
from tests.engines import counted_engine


async def test_a_database_file_deleted_under_the_server_stops_every_write_and_says_how_to_save_it(
    tmp_path: Path,
) -> None:
    database = tmp_path / "floorkeeper.db"
    engine = counted_engine(f"sqlite:///{database}")
    event_id = await load_demo(engine)
    segment = engine.hearing(event_id).state.programme()[0]
    ids = itertools.count()

    async def add(name: str) -> None:
        command = c.AddSpeaker(name=name, kind=TurnKind.INTERVENTION)
        await engine.execute(event_id, segment.id, command, ORGANISER, f"a{next(ids)}")

    await add("Before")
    version = engine.hearing(event_id).state.segments[segment.id].version
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{database}{suffix}")
    with pytest.raises(StorageUnavailable) as refused:
        await add("After")
    said = str(refused.value)
    assert f"the database file {database} was deleted or moved while this server runs" in said
    assert engine.storage_error == said  # the health check says it too (503)
    assert engine.hearing(event_id).state.segments[segment.id].version == version  # not applied
    # what the server held is written beside it, its latest commits (in the log) included
    rescued = engine.file_watch.rescued
    assert rescued is not None and f"the server wrote what it holds to {rescued}" in said
    with contextlib.closing(sqlite3.connect(rescued)) as copy:
        added = copy.execute(
            "SELECT count(*) FROM floor_log WHERE segment_id = ?", (segment.id,)
        ).fetchone()[0]
    assert added == version  # every version of the segment, "Before" included

    # the rescued copy put back under its name: another file than the one held open
    shutil.copyfile(rescued, database)
    with pytest.raises(StorageUnavailable, match="replaced by another file"):
        await add("After")
    await engine.close()
    engine.store.engine.dispose()


async def test_a_database_file_in_place_is_written_as_before(tmp_path: Path) -> None:
    engine = counted_engine(f"sqlite:///{tmp_path / 'floorkeeper.db'}")
    event_id = await load_demo(engine)
    segment = engine.hearing(event_id).state.programme()[0]
    command = c.AddSpeaker(name="Still here", kind=TurnKind.INTERVENTION)
    await engine.execute(event_id, segment.id, command, ORGANISER, "a1")
    assert engine.storage_error is None
    await engine.close()
    engine.store.engine.dispose()
