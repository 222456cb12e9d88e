"""Stopping a child process (a server, a ``redis-server``): asked first (SIGTERM), then made to
(SIGKILL) if it has not gone within the grace; either way waited for, so no zombie is left."""

from __future__ import annotations

import subprocess
from typing import Any


def stop(process: subprocess.Popen[Any], grace_s: float = 10) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(grace_s)
