"""Whether the SQLite file a server writes is still the one at its path.

A server holds its database file open. Deleted (an OS clean-up, a mistyped ``rm``) or replaced
while it runs, the server went on writing to the open file, acknowledged every command and said
``ok``, and its next start found no file and began an empty database: every acknowledged
command, link and phone gone (outside probe K). ``FileWatch.trouble`` tells it before each write
(an ``os.stat`` of the path, a few microseconds), and says what to do: the file the server still
holds open can be copied back from ``/proc`` while the server runs."""

from __future__ import annotations

import os
from pathlib import Path


class FileWatch:
    """The identity (device, inode) of a SQLite file when the server opened it."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.identity = _identity(path) if path is not None else None

    def trouble(self) -> str | None:
        """None while the path still names the file the server opened; else what happened and
        what to do, in one sentence."""
        if self.path is None or self.identity is None:
            return None
        now = _identity(self.path)
        if now == self.identity:
            return None
        what = "deleted or moved" if now is None else "replaced by another file"
        held = _held_open(self.path, self.identity)
        if held is not None:
            rescue = (
                f"do not stop this server: it still holds the file open; copy it back with "
                f"`cp {held} {self.path}.rescued` and, with this server stopped, move that copy "
                f"to {self.path} (or `floorkeeper restore` it)"
            )
        else:
            rescue = "stop this server and restore the database from its latest backup"
        return (
            f"the database file {self.path} was {what} while this server runs: nothing more is "
            f"written, so that nothing acknowledged is lost with it; {rescue}"
        )


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def _held_open(path: Path, identity: tuple[int, int]) -> str | None:
    """Where this process holds the file of ``identity`` open (Linux: ``/proc/<pid>/fd/<n>``, a
    path that reads the file even once it is deleted), or None."""
    fds = Path("/proc/self/fd")
    try:
        entries = list(fds.iterdir())
    except OSError:
        return None
    for entry in entries:
        try:
            found = os.stat(entry)
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == identity:
            return f"/proc/{os.getpid()}/fd/{entry.name}"
    return None
