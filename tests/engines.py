"""An engine for tests: on a migrated database, with ids counted (``id0``, ``id1``, …) so that
what a test writes is the same on every run, and the clock it is given."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from app.engine import Engine
from app.hub import Hub
from app.store import Store, make_engine, migrate


def counted_engine(url: str, clock: Callable[[], int] | None = None) -> Engine:
    database = make_engine(url)
    migrate(database)
    counter = itertools.count()
    return Engine(Store(database), Hub(), clock=clock, make_id=lambda: f"id{next(counter)}")
