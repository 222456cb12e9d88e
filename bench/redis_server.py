"""A ``redis-server`` of one's own (the bench's, a test's), on a free port, without persistence:
it can be killed and started again on the same port, empty, as a Redis that restarted and lost
its streams. One implementation for ``bench --processes`` and ``tests/multiprocess``."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from .procs import stop as stop_process


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        """Start it and wait until it answers a PING."""
        import redis  # only those who start a Redis need its client

        binary = shutil.which("redis-server")
        if binary is None:  # scripts/test installs it
            raise RuntimeError(
                "redis-server is not installed (Debian: apt-get install redis-server)"
            )
        with (self.workdir / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
                + ["--appendonly", "no", "--dir", str(self.workdir)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + timeout
        try:
            while True:  # until it answers
                if self.process.poll() is not None:
                    raise RuntimeError((self.workdir / "redis.log").read_text()[-2000:])
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)  # a process we do not control: nothing to wait on
        finally:
            client.close()

    def kill(self) -> None:
        """As a crash: SIGKILL, nothing written anywhere (it keeps nothing anyway)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def restart(self) -> None:
        self.kill()
        self.start()

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
