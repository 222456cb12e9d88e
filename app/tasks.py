"""Stopping a process's background tasks for sure.

A shutdown cancels the tasks that read and write Redis and the database, then waits for them.
One cancellation is not always enough: redis-py 8.2's ``Pipeline.execute`` returns normally when
the cancellation lands just as its reply has arrived (the task's awaited future already done),
so a task that loops goes back to waiting, and a shutdown that waited for it once waited for
ever (seen in CI: the lifespan of a process with Redis never ended). Whatever such a task was
doing is moot once it is stopped; only its ending matters.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

AGAIN_AFTER_S = 0.1  # a task still running this long after its cancellation is cancelled again


async def cancel_and_wait(
    tasks: Iterable[asyncio.Task[Any]], *, again_after_s: float = AGAIN_AFTER_S
) -> None:
    """Cancel ``tasks`` and return once every one has ended, cancelling again, every
    ``again_after_s``, any that goes on. What they raised is dropped (they are stopping)."""
    every = list(tasks)
    pending = {task for task in every if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=again_after_s)
    for task in every:  # retrieved (all are done), so that none is logged as "never retrieved"
        if not task.cancelled():
            task.exception()
