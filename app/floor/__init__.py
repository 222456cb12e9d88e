"""The rules of the floor: a pure core (no web, SQL or asyncio).

``decide(state, segment_id, command, context)`` checks a command and returns events;
``apply(state, event)`` folds an event into state. The clock and id maker are passed in.
"""

from .decide import Context, decide
from .errors import FloorError, Forbidden, NotFound, StaleVersion
from .fold import apply, apply_all
from .model import HearingState, SegmentState
from .roles import Actor, Role

__all__ = [
    "Actor",
    "Context",
    "FloorError",
    "Forbidden",
    "HearingState",
    "NotFound",
    "Role",
    "SegmentState",
    "StaleVersion",
    "apply",
    "apply_all",
    "decide",
]
