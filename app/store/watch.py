"""Whether the SQLite file a server writes is still the one at its path.

A server holds its database file open. Deleted (an OS clean-up, a mistyped ``rm``) or replaced
while it runs, the server went on writing to the open file, acknowledged every command and said
``ok``, and its next start found no file and began an empty database: every acknowledged
command, link and phone gone (outside probe K). ``FileWatch.trouble`` tells it before each write
(an ``os.stat`` of the path, a few microseconds), and says what to do. The first time, the engine
has ``rescue`` write what the server still holds to a file beside it (``VACUUM INTO`` through a
connection opened before the file went: it reads the main file and its write-ahead log, where
the latest commits are; a copy of the main file alone, as a first version of this said to make
from ``/proc``, held none of them). Where that fails, the message names both files the server
holds open, to be copied from ``/proc`` together."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class FileWatch:
    """The identity (device, inode) of a SQLite file when the server opened it."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.identity = _identity(path) if path is not None else None
        #: where ``rescue`` wrote what the server holds (None: not written)
        self.rescued: Path | None = None
        #: whether ``rescue`` was tried (once: a file that went stays gone)
        self.tried = False

    def rescue(self, engine: Any) -> None:
        """Write what the server still holds to ``<file>.rescued-<time>`` beside the file (in
        the system's temporary directory if its directory went too), through a connection of
        ``engine`` (a SQLAlchemy engine) opened before the file went; kept only if it holds the
        log. Once."""
        self.tried = True
        if self.path is None:
            return
        name = f"{self.path.name}.rescued-{time.strftime('%Y%m%d-%H%M%S')}"
        where = self.path.parent if self.path.parent.is_dir() else Path("/tmp")
        target = where / name
        try:
            with engine.connect() as connection:
                quoted = str(target).replace("'", "''")
                connection.exec_driver_sql(f"VACUUM INTO '{quoted}'")
            with sqlite3.connect(target) as copy:
                copy.execute("SELECT count(*) FROM floor_log").fetchone()
        except Exception:  # a connection opened after the file went holds nothing of it
            target.unlink(missing_ok=True)
            return
        self.rescued = target

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
        log = _held_log(self.path)
        if self.rescued is not None:
            rescue = (
                f"the server wrote what it holds to {self.rescued}: stop it, move that file to "
                f"{self.path} (or `floorkeeper restore` it), and start it again"
            )
        elif held is not None and log is not None:
            rescue = (
                f"do not stop this server: it still holds the file and its log open; copy both "
                f"with `cp {held} {self.path}.rescued && cp {log} {self.path}.rescued-wal`, then, "
                f"with this server stopped, move them to {self.path} and {self.path}-wal"
            )
        elif held is not None:
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

    def same(entry: Path) -> bool:
        found = os.stat(entry)
        return (found.st_dev, found.st_ino) == identity

    return _held(same)


def _held_log(path: Path) -> str | None:
    """Where this process holds ``path``'s write-ahead log open, deleted or not (Linux), or
    None."""
    wanted = {f"{path}-wal", f"{path}-wal (deleted)"}
    return _held(lambda entry: os.readlink(entry) in wanted)


def _held(this: Callable[[Path], bool]) -> str | None:
    """The first of this process's open files (``/proc/self/fd``) that is ``this``, as a path
    that reads it, or None (not Linux; none)."""
    try:
        entries = list(Path("/proc/self/fd").iterdir())
    except OSError:
        return None
    for entry in entries:
        try:
            if this(entry):
                return f"/proc/{os.getpid()}/fd/{entry.name}"
        except OSError:
            continue
    return None
