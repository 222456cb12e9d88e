"""The benchmark harness runs end to end at a tiny size and prints its whole table, in every mode.

No timing is asserted: this only keeps bench/ working (docs/benchmarks.md has the figures).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bench import processes
from bench.run import main

ROWS = [
    "fan-out p50",
    "fan-out p99",
    "server CPU per delivered message",
    "idle memory per connection",
    "slow readers",
    "burst (REST): 10 floor requests",
    "burst (REST): present exactly once",
    "burst (REST): ack p99",
    "burst (REST): server CPU per request",
    "burst (socket): 10 floor requests",
    "burst (socket): present exactly once",
    "burst (socket): ack p99",
    "burst (socket): server CPU per request",
    "one update with 20 queued",
    "reconnect storm",
]
TINY = ["--subscribers", "20", "--seconds", "2", "--burst", "10", "--queued", "20"]
TINY += ["--storm-window", "0.5", "--burst-window", "0.5", "--settle", "0.3"]
TINY += ["--client-procs", "1"]


def _cells(out: str, row: str) -> list[str]:
    lines = [line for line in out.splitlines() if row in line]
    assert lines, f"no row {row!r} in\n{out}"
    return [cell.strip() for cell in lines[0].strip("|").split("|")]


def test_the_bench_runs_every_scenario_on_every_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(TINY) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    for column in ("reference", "naive", "floorkeeper", "FK / ref", "naive / FK", "target"):
        assert column in header
    for row in ROWS:
        cells = _cells(out, row)
        assert all(cell and cell != "—" for cell in cells[2:4]), cells  # naive, floorkeeper


def test_a_subset_of_scenarios_with_the_room_in_the_burst(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What the 10,000-subscriber run and the burst with the room use: --scenarios,
    --burst-with-room, both ways of sending the burst."""
    argv = [*TINY, "--servers", "reference,floorkeeper", "--scenarios", "idle,fanout,burst"]
    assert main([*argv, "--burst-with-room"]) == 0
    out = capsys.readouterr().out
    for row in ("fan-out p50", "idle memory per connection"):
        assert "—" not in _cells(out, row)[1:4:2], row  # reference, floorkeeper
    for way in ("REST", "socket"):
        cells = _cells(out, f"burst ({way}, room connected): 10 floor requests")
        assert cells[1] == "10/10" and cells[3] == "10/10", cells
    assert "slow readers" not in out and "reconnect storm" not in out


def test_the_burst_against_a_durable_reference(capsys: pytest.CaptureFixture[str]) -> None:
    """--reference-durable: the reference writes each command to its SQLite log before it
    answers; every request is acked and present once, and the table says which reference."""
    argv = [*TINY, "--servers", "reference", "--scenarios", "idle,burst", "--burst-via", "socket"]
    assert main([*argv, "--reference-durable"]) == 0
    out = capsys.readouterr().out
    cells = _cells(out, "burst (socket): 10 floor requests")
    assert cells[1] == "10/10", cells
    assert _cells(out, "burst (socket): present exactly once")[1] == "10 (0)"
    assert "reference: durable" in out


def test_two_processes_with_their_own_redis_and_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["--processes", "2", "--subscribers", "10", "--seconds", "1", "--settle", "0.2"]
    argv += ["--client-procs", "1", "--room-queue", "2", "--startup-events", "200"]
    assert main([*argv, "--repeat", "1", "--json", str(tmp_path / "out.json")]) == 0
    out = capsys.readouterr().out
    for row in ("fan-out p50", "cross-process extra", "server CPU per delivered frame"):
        assert "—" not in _cells(out, row)[3], row  # two processes, on B
    assert "start-up with" in out
    made = json.loads((tmp_path / "out.json").read_text())["databases"]
    assert len(made) == 3
    admin = create_engine(processes.POSTGRES_URL)
    with admin.connect() as connection:
        left = connection.execute(
            text("SELECT datname FROM pg_database WHERE datname = ANY(:names)"), {"names": made}
        ).all()
    admin.dispose()
    assert not left, left  # the bench dropped its databases


def test_cold_start(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--cold-start", "--day-events", "100", "--busy-events", "200", "--repeat", "1"]
    assert main([*argv, "--top", "5"]) == 0
    out = capsys.readouterr().out
    for case in ("fresh database", "day, snapshot", "day, no snapshot", "busy, no snapshot"):
        assert _cells(out, case)[2].endswith(" s"), case
    assert "importtime" in out and "ncalls" in out  # both profiles
