"""app/tasks.py: a shutdown ends its background tasks even when one swallows a cancellation
(as redis-py 8.2's pipeline can), and drops what they raised."""

from __future__ import annotations

import asyncio

from app.tasks import cancel_and_wait


async def test_a_task_that_swallows_its_cancellation_is_cancelled_again_until_it_ends() -> None:
    cancellations = 0
    started = asyncio.Event()

    async def stubborn() -> None:
        nonlocal cancellations
        started.set()
        while True:
            try:
                await asyncio.Event().wait()  # waits for ever
            except asyncio.CancelledError:
                cancellations += 1
                if cancellations >= 3:
                    raise
                # swallowed: back to waiting, as a loop over redis-py's pipeline did

    task = asyncio.get_running_loop().create_task(stubborn())
    await started.wait()
    await asyncio.wait_for(cancel_and_wait([task], again_after_s=0.01), timeout=5)
    assert task.cancelled() and cancellations == 3


async def test_ended_failed_and_running_tasks_together_and_nothing_is_raised() -> None:
    async def fails() -> None:
        raise RuntimeError("the reader failed")

    async def runs() -> None:
        await asyncio.Event().wait()

    loop = asyncio.get_running_loop()
    failed, running = loop.create_task(fails()), loop.create_task(runs())
    done = loop.create_task(asyncio.sleep(0))
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_and_wait([failed, running, done]), timeout=5)
    assert failed.done() and running.cancelled() and done.done()
    await cancel_and_wait([])  # nothing to stop
