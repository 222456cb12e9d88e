"""Stopping a child process (a server, a ``redis-server``): asked first (SIGTERM), then made to
(SIGKILL) if it has not gone within the grace; either way waited for, so no zombie is left."""

from __future__ import annotations

import subprocess
from typing import Protocol


class Child(Protocol):
    """What stopping needs of a child: ``subprocess.Popen``, or the tests' forked server."""

    def poll(self) -> int | None: ...

    def terminate(self) -> None: ...

    def kill(self) -> None: ...

    def wait(self, timeout: float | None = None) -> int: ...


def stop(process: Child, grace_s: float = 10) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(grace_s)
