"""The crash harness at CI size: 20 kill -9s while 22 clients send commands and retry."""

from __future__ import annotations

from pathlib import Path

from .harness import run


def test_kill_9_loses_no_acknowledged_command_and_applies_none_twice(tmp_path: Path) -> None:
    report = run(kills=20, commands=400, workdir=tmp_path)
    print(report.summary())
    assert report.problems == [], report.summary()
    tally = report.tally
    assert tally.kills == 20
    assert tally.sent >= 400
    assert tally.acked > 0 and sum(tally.refused.values()) > 0
    # the kills did land on commands in flight: some were resent, and some resends found the
    # command already applied and got its first answer again
    assert tally.retries > 0
