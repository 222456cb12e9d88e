"""Who is acting. Permissions are written once, here, as data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ORGANISER = "organiser"
    MODERATOR = "moderator"
    DELEGATE = "delegate"
    DISPLAY = "display"
    #: reads everything of one event and curates its contributions (the outcome), nothing else
    RAPPORTEUR = "rapporteur"
    #: the interpreters' booth: sees what the room display sees, and sends its signals
    BOOTH = "booth"
    #: a button box (Stream Deck, Bitfocus Companion): the timer and the turn, nothing else
    DEVICE = "device"


@dataclass(frozen=True, slots=True)
class Actor:
    role: Role
    event_id: str | None = None  # None: the organiser, who may act on every event
    participant_id: str | None = None
    #: the access link or delegate token this actor was resolved from (None: the organiser key),
    #: so that a revocation or an expiry reaches the sockets and commands it opened
    credential_id: str | None = None
    #: what the command came through when no one pressed it at a face: "import" (the
    #: secretariat's spreadsheet queueing its panellists); "" otherwise
    via: str = ""

    @property
    def runs_the_floor(self) -> bool:
        return self.role in (Role.ORGANISER, Role.MODERATOR)


ORGANISER = Actor(Role.ORGANISER)

#: Who curates the outcome's contributions.
_CURATORS = frozenset({Role.ORGANISER, Role.MODERATOR, Role.RAPPORTEUR})

#: Which roles may send which command types. A command type not listed here is for the
#: organiser and the moderators (``roles_for``); every other role is refused it.
COMMAND_ROLES: dict[str, frozenset[Role]] = {
    "request_floor": frozenset({Role.DELEGATE}),
    "withdraw_request": frozenset({Role.DELEGATE, Role.MODERATOR, Role.ORGANISER}),
    "create_segment": frozenset({Role.ORGANISER}),
    "remove_segment": frozenset({Role.ORGANISER}),
    "update_segment": frozenset({Role.ORGANISER, Role.MODERATOR}),
    # the outcome (app/floor/contributions.py): a delegate submits their own and rewords it
    # until it is curated; the organiser, moderators and the rapporteur submit on a
    # participant's behalf (a panellist without a phone) and curate
    "submit_contribution": frozenset({Role.DELEGATE, *_CURATORS}),
    "edit_contribution": frozenset({Role.DELEGATE, *_CURATORS}),
    "accept_contribution": _CURATORS,
    "set_aside_contribution": _CURATORS,
    "reopen_contribution": _CURATORS,
    "merge_contributions": _CURATORS,
    "unmerge_contribution": _CURATORS,
    # the engine's, after a participant's correction at the desk (as correct_speaker)
    "correct_author": frozenset({Role.ORGANISER, Role.MODERATOR}),
    "tag_contribution": _CURATORS,
    # several of the above at once (the REST PATCH): each part is checked by its own row
    "curate_contribution": frozenset({Role.DELEGATE, *_CURATORS}),
    "show_contribution": _CURATORS,
    # the interpreters' booth signals to the speaker; the console sees and clears them too
    "raise_signal": frozenset({Role.BOOTH, Role.ORGANISER, Role.MODERATOR}),
    "clear_signal": frozenset({Role.BOOTH, Role.ORGANISER, Role.MODERATOR}),
    # a button box presses the console's everyday buttons (POST .../actions/{action})
    **{
        command: frozenset({Role.DEVICE, Role.ORGANISER, Role.MODERATOR})
        for command in (
            "call_next",
            "start_timer",
            "pause_timer",
            "resume_timer",
            "adjust_time",
            "end_turn",
            "set_message",
        )
    },
}
_FLOOR_RUNNERS = frozenset({Role.ORGANISER, Role.MODERATOR})


def roles_for(command_type: str) -> frozenset[Role]:
    return COMMAND_ROLES.get(command_type, _FLOOR_RUNNERS)
