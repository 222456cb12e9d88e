"""The benchmark harness runs end to end at a tiny size and prints its whole table.

No timing is asserted: this only keeps bench/ working (docs/benchmarks.md has the figures).
"""

from __future__ import annotations

import pytest

from bench.run import main

ROWS = [
    "fan-out p50",
    "fan-out p99",
    "server CPU per delivered message",
    "idle memory per connection",
    "slow readers",
    "burst: 10 floor requests",
    "burst: present exactly once",
    "burst: ack p99",
    "one update with 20 queued",
    "reconnect storm",
]


def test_the_bench_runs_every_scenario_on_every_server(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--subscribers", "20", "--seconds", "2", "--burst", "10", "--queued", "20"]
    argv += [
        "--storm-window",
        "0.5",
        "--burst-window",
        "0.5",
        "--settle",
        "0.3",
        "--client-procs",
        "1",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    for column in ("reference", "naive", "floorkeeper", "FK / ref", "naive / FK", "target"):
        assert column in header
    for row in ROWS:
        lines = [line for line in out.splitlines() if row in line]
        assert lines, f"no row {row!r} in\n{out}"
        cells = [cell.strip() for cell in lines[0].strip("|").split("|")]
        assert all(cell and cell != "—" for cell in cells[2:4]), lines[0]  # naive, floorkeeper
