"""Which Floorkeeper this is: what an operator compares between two machines before moving a
hearing, and checks after an upgrade (outside probe U: every version said "0.1.0", and nothing
said which code or which database schema a server ran).

- the package's version (``app.__version__``);
- the **build**: the first 12 hex digits of a SHA-256 over the names and sizes of the code's,
  the faces' and the migrations' files, so two machines with the same build serve the same
  thing whatever the version says (an edit that keeps a file's size is not seen);
- the **schema**: the newest database revision its migrations reach (``0008``): a database a
  newer build migrated is refused by an older one, so the target of a move must reach at least
  the source's.

The build is read once, off the event loop, after the server listens (for its banner; the
health check says it from then on): a stat of each file. ``floorkeeper --version`` says all
three.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from . import __version__
from .api.faces import frontend_dir
from .store.db import head_revision, migrations_dir

_PACKAGE = Path(__file__).resolve().parent


def _sources() -> list[tuple[str, Path]]:
    """Every file the build covers, by a name that does not depend on where it is installed."""
    roots = {"app": _PACKAGE, "frontend": frontend_dir(), "migrations": migrations_dir()}
    out: list[tuple[str, Path]] = []
    for name, root in roots.items():
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            if name == "app" and path.suffix != ".py":
                continue  # the package's own data: what the other roots hold
            out.append((f"{name}/{path.relative_to(root).as_posix()}", path))
    return sorted(out)


@functools.cache
def build_id() -> str:
    """The build's hash (12 hex digits): of each file's name and size, not its bytes (a stat
    each, about a millisecond in all: reading the 3.5 MB at every start slowed the first
    presses of two processes started together past a button box's bounce window)."""
    digest = hashlib.sha256()
    for name, path in _sources():
        digest.update(f"{name}\0{path.stat().st_size}\0".encode())
    return digest.hexdigest()[:12]


def known() -> str | None:
    """The build's hash once read (the start's banner reads it), else None: the health check
    never waits for it."""
    return build_id() if build_id.cache_info().currsize else None


def schema() -> str | None:
    """The database schema revision this build's migrations reach."""
    return head_revision()


def describe() -> str:
    """``floorkeeper 0.1.0 (build 84c0594b45ec, database schema 0008)``."""
    return f"floorkeeper {__version__} (build {build_id()}, database schema {schema() or '?'})"
