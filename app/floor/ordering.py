"""Where a new turn goes in the queue.

A point of order goes to the top, after earlier points of order. Without a position from the
moderator, a right of reply goes to the very end and every other turn goes before the rights of
reply waiting there. A position chosen by the moderator is honoured (clamped to the queue).
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import QueueEntry, TurnKind


def insertion_index(queue: Sequence[QueueEntry], kind: TurnKind, position: int | None) -> int:
    if kind is TurnKind.POINT_OF_ORDER:
        index = 0
        while index < len(queue) and queue[index].kind is TurnKind.POINT_OF_ORDER:
            index += 1
        return index
    if position is not None:
        return min(position, len(queue))
    if kind is TurnKind.RIGHT_OF_REPLY:
        return len(queue)
    index = len(queue)
    while index > 0 and queue[index - 1].kind is TurnKind.RIGHT_OF_REPLY:
        index -= 1
    return index
