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
        self.started = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        """Start it and wait until it answers a PING. The first start takes another free port
        when the one chosen was taken meanwhile (choosing and binding are two steps, and other
        processes take ports too); a restart keeps its port."""
        deadline = time.monotonic() + timeout
        while not self._started(deadline):
            if self.started:  # its clients come back to this port: wait for it
                time.sleep(0.1)
            else:
                self.port = _free_port()
        self.started = True

    def _started(self, deadline: float) -> bool:
        """True once it answers; False if its port was taken."""
        import redis  # only those who start a Redis need its client

        binary = shutil.which("redis-server")
        if binary is None:  # scripts/test installs it
            raise RuntimeError(
                "redis-server is not installed (Debian: apt-get install redis-server)"
            )
        log_path = self.workdir / "redis.log"
        logged = log_path.stat().st_size if log_path.exists() else 0
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
                + ["--appendonly", "no", "--dir", str(self.workdir)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        while True:  # until its own log says it listens (another Redis may hold the port)
            said = log_path.read_bytes()[logged:].decode(errors="replace")
            if self.process.poll() is not None:
                if "Address already in use" in said and time.monotonic() < deadline:
                    return False
                raise RuntimeError(said[-2000:])
            if "Ready to accept connections" in said:
                client = redis.Redis(port=self.port, socket_connect_timeout=1)
                try:
                    return bool(client.ping())
                finally:
                    client.close()
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: {said[-2000:]}")
            time.sleep(0.02)  # a process we do not control: nothing to wait on but its log

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
