"""One ``floorkeeper serve`` per SQLite file (outside probe K: a second one, started by mistake
on another port, answered as if alone, acknowledged writes the first never learnt of, and left
the first refusing that segment's commands until restarted). Real ``serve`` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from app.cli import STARTUP_FAILURE
from app.store.db import hold_database
from tests.e2e.server import free_port
from tests.test_cli_startup import ROOT, Running, _serve


def test_a_second_server_on_the_same_sqlite_file_stops_at_start_naming_the_first(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'floor.db'}"
    first = Running("--port", str(free_port()), "--database-url", url)
    try:
        first.banner()
        second = _serve("--port", str(free_port()), "--database-url", url)
        assert second.returncode == STARTUP_FAILURE
        said = second.stderr + second.stdout
        assert f"another floorkeeper serve has {tmp_path / 'floor.db'} open" in said
        assert f"(pid {first.process.pid})" in said
        assert "Traceback" not in said
    finally:
        first.stop()
    # the first stopped: the file is free for the next start (a kill -9 frees it as well)
    again = Running("--port", str(free_port()), "--database-url", url)
    try:
        again.banner()
        again.process.send_signal(signal.SIGKILL)
        again.process.wait(timeout=30)
        after_kill = Running("--port", str(free_port()), "--database-url", url)
        try:
            after_kill.banner()
        finally:
            after_kill.stop()
    finally:
        if again.process.poll() is None:
            again.stop()


def test_the_same_file_by_another_name_is_the_same_file(tmp_path: Path) -> None:
    """Outside probe M: a second server given a symlink to the database started beside the
    first (the lock was beside the name, not the file)."""
    (tmp_path / "floor.db").write_bytes(b"")
    (tmp_path / "alias.db").symlink_to(tmp_path / "floor.db")
    let_go = hold_database(f"sqlite:///{tmp_path / 'floor.db'}")
    try:
        for name in ("alias.db", "./floor.db"):
            held = subprocess.run(
                [sys.executable, "-c", CLAIM, f"sqlite:///{tmp_path}/{name}"],
                capture_output=True,
                text=True,
                timeout=60,
                cwd=ROOT,
            )
            assert f"(pid {os.getpid()})" in held.stdout, (name, held.stdout, held.stderr)
    finally:
        let_go()


#: Another process's claim on a database: what it is told.
CLAIM = """
import sys
from app.store.db import DatabaseInUse, hold_database
try:
    hold_database(sys.argv[1])
    print("held")
except DatabaseInUse as refused:
    print(refused)
"""
