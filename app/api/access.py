"""Who may call which route: the role x route matrix, written once, as data.

Every REST route and every face has exactly one row here; ``tests/security/test_matrix.py``
fails when a route has no row, and checks every cell (each role, plus anonymous, on each route)
against a running app. WebSocket commands have their matrix in ``app/floor/roles.py``
(``COMMAND_ROLES``), checked cell by cell by the same test.

A row names the roles that may pass; ``ANONYMOUS`` means no credential is needed (the route is
public or carries its own secret, such as the join code). Passing the row is necessary, not
sufficient: a credential of another event is still refused (403), a delegate may only withdraw
their own request, and the command behind a route has its own row in ``COMMAND_ROLES``.
"""

from __future__ import annotations

from typing import Final

from ..floor import Actor, Role
from ..floor.decide import STAFF_FLOOR_REQUEST, with_article
from ..floor.errors import Forbidden

#: Stands for "no credential presented" in the matrix (and in its tests).
ANONYMOUS: Final = "anonymous"

Cell = Role | str
ORGANISER, MODERATOR, DELEGATE, DISPLAY, RAPPORTEUR = (
    Role.ORGANISER,
    Role.MODERATOR,
    Role.DELEGATE,
    Role.DISPLAY,
    Role.RAPPORTEUR,
)
EVERYONE: frozenset[Cell] = frozenset({*Role, ANONYMOUS})
ANY_ROLE: frozenset[Cell] = frozenset(Role)
#: Every role but a button box's (``device``), which presses the console's buttons and reads
#: nothing: not the event (its join code), not the floor, not a socket (where its commands would
#: pass the actions' double-press guard).
READERS: frozenset[Cell] = ANY_ROLE - {Role.DEVICE}
RUNS_FLOOR: frozenset[Cell] = frozenset({ORGANISER, MODERATOR})
ORGANISER_ONLY: frozenset[Cell] = frozenset({ORGANISER})
#: Reads everything of the event: the floor, and the rapporteur (who curates the outcome).
READS_ALL: frozenset[Cell] = frozenset({ORGANISER, MODERATOR, RAPPORTEUR})

#: ``"METHOD /path"`` (the route's template, as FastAPI knows it) -> who may call it.
ROUTES: dict[str, frozenset[Cell]] = {
    # health, sessions and the public face of an event
    "GET /api/v1/health": EVERYONE,
    "POST /api/v1/session": EVERYONE,  # the body carries the secret being exchanged
    "GET /api/v1/session": ANY_ROLE,
    "DELETE /api/v1/session": EVERYONE,  # signing out needs no valid session
    "GET /api/v1/join/{join_code}": EVERYONE,  # the join code is the secret
    "GET /api/v1/gcm-objectives": EVERYONE,  # the Global Compact's titles: public text
    # events
    "GET /api/v1/events": READERS,  # each credential sees its own event only
    "POST /api/v1/events": ORGANISER_ONLY,
    "GET /api/v1/events/{event_id}": READERS,  # delegates do not see the join code
    "PATCH /api/v1/events/{event_id}": ORGANISER_ONLY,  # the key, or an organiser link of it
    # one made by mistake, nothing on its record: the organiser key only (the route refuses an
    # organiser link: a helper's desk of one day does not take the day away)
    "DELETE /api/v1/events/{event_id}": ORGANISER_ONLY,
    "POST /api/v1/events/{event_id}/join-code": ORGANISER_ONLY,  # rotate it
    "GET /api/v1/events/{event_id}/revisions": ORGANISER_ONLY,  # the desk's poll
    "GET /api/v1/events/{event_id}/join-qr.svg": frozenset({ORGANISER, MODERATOR, DISPLAY}),
    # the public live page's QR code, for the desk (the page itself needs no key)
    "GET /api/v1/events/{event_id}/live-qr.svg": ORGANISER_ONLY,
    # segments and the live floor
    "GET /api/v1/events/{event_id}/segments": READERS,
    "POST /api/v1/events/{event_id}/segments": ORGANISER_ONLY,
    "GET /api/v1/segments/{segment_id}": READERS,
    "PATCH /api/v1/segments/{segment_id}": RUNS_FLOOR,
    "DELETE /api/v1/segments/{segment_id}": ORGANISER_ONLY,  # one added by mistake
    "GET /api/v1/segments/{segment_id}/state": READERS,  # shaped by the caller's audience
    # a delegate's commands are request_floor and withdraw_request (COMMAND_ROLES);
    # the booth's are raise_signal and clear_signal
    "POST /api/v1/segments/{segment_id}/commands": frozenset(
        {ORGANISER, MODERATOR, DELEGATE, Role.BOOTH}
    ),
    "POST /api/v1/segments/{segment_id}/floor-requests": frozenset({DELEGATE}),
    # a delegate withdraws their own request; the floor may withdraw anyone's
    "DELETE /api/v1/segments/{segment_id}/floor-requests/{request_id}": frozenset(
        {ORGANISER, MODERATOR, DELEGATE}
    ),
    "GET /api/v1/segments/{segment_id}/speeches": READS_ALL,
    # the moderator's instruments (app/instruments.py): who has been heard, a fair order, time
    "GET /api/v1/segments/{segment_id}/balance": READS_ALL,
    "GET /api/v1/segments/{segment_id}/suggested-order": READS_ALL,
    "GET /api/v1/events/{event_id}/schedule": READS_ALL,
    # the outcome: contributions (their commands: COMMAND_ROLES) and the summary
    # a delegate their own; the floor and the rapporteur on a participant's behalf
    "POST /api/v1/events/{event_id}/contributions": frozenset(
        {ORGANISER, MODERATOR, RAPPORTEUR, DELEGATE}
    ),
    # shaped by the caller: everything, the accepted ones (display), or a delegate's own
    "GET /api/v1/events/{event_id}/contributions": READERS,
    # a delegate rewords their own until it is curated (the command's rule)
    "PATCH /api/v1/contributions/{contribution_id}": frozenset(
        {ORGANISER, MODERATOR, RAPPORTEUR, DELEGATE}
    ),
    "GET /api/v1/contributions/{contribution_id}/merge-targets": READS_ALL,  # the picker's
    "POST /api/v1/events/{event_id}/outcome/shown": READS_ALL,
    "GET /api/v1/events/{event_id}/outcome": READS_ALL,
    "GET /api/v1/events/{event_id}/speeches": READS_ALL,  # the day's record
    # people and access
    "GET /api/v1/events/{event_id}/participants": READS_ALL,
    # with the join code anyone may register (a delegate joining); the floor needs no code
    "POST /api/v1/events/{event_id}/participants": EVERYONE,
    # the secretariat corrects a misspelt name (and the floor shows it: correct_speaker)
    "PATCH /api/v1/participants/{participant_id}": RUNS_FLOOR,
    # a duplicate registration taken out (refused while the day holds them): the secretariat's
    "DELETE /api/v1/participants/{participant_id}": ORGANISER_ONLY,
    # a registered participant's own phone link (an imported panellist signs in as themselves)
    "POST /api/v1/participants/{participant_id}/phone-link": ORGANISER_ONLY,
    # the secretariat's spreadsheet (app/participants_io.py), all rows or none
    "POST /api/v1/events/{event_id}/participants/import": ORGANISER_ONLY,
    "POST /api/v1/events/{event_id}/access-links": ORGANISER_ONLY,
    "GET /api/v1/events/{event_id}/access-links": ORGANISER_ONLY,
    "DELETE /api/v1/events/{event_id}/access-links/{link_id}": ORGANISER_ONLY,
    # the connected screens (routes/screens.py), and one made to show its name
    "GET /api/v1/events/{event_id}/screens": ORGANISER_ONLY,
    "POST /api/v1/events/{event_id}/screens/{screen_id}/identify": ORGANISER_ONLY,
    # button boxes (routes/actions.py): a device link, or the floor; their commands: COMMAND_ROLES
    "POST /api/v1/events/{event_id}/actions/{action}": frozenset({*RUNS_FLOOR, Role.DEVICE}),
    "POST /api/v1/events/{event_id}/actions/message/{preset}": frozenset(
        {*RUNS_FLOOR, Role.DEVICE}
    ),
    # the faces: static pages; what they show comes through the API with their credential
    "GET /": EVERYONE,
    "GET /favicon.ico": EVERYONE,
    "GET /moderator": EVERYONE,
    "GET /organiser": EVERYONE,  # the secretariat's desk
    "GET /rapporteur": EVERYONE,
    "GET /join/{join_code}": EVERYONE,
    "GET /display/{event_id}": EVERYONE,
    "GET /clock/{event_id}": EVERYONE,
    "GET /booth/{event_id}": EVERYONE,
    # the public live page: anyone, no key; it shows the floor only while published
    "GET /live/{event_id}": EVERYONE,
    # the live sockets (their commands: COMMAND_ROLES)
    "WEBSOCKET /ws/segments/{segment_id}": READERS,
    "WEBSOCKET /ws/events/{event_id}": READERS,
    # the public live page's socket (app/api/live.py): anyone, no key, while published; a
    # credential sent in its hello is ignored (the ``live`` audience whoever asks); no command
    "WEBSOCKET /ws/live/{event_id}": EVERYONE,
    # the API's own documentation
    "GET /openapi.json": EVERYONE,
    "GET /docs": EVERYONE,
    "GET /redoc": EVERYONE,
    "GET /docs/protocol.md": EVERYONE,  # the wire protocol's reference, as Markdown
    # Prometheus's scrape (api/metrics.py): the organiser key; anonymous as well only with
    # FLOORKEEPER_METRICS_PUBLIC=1 (an organiser link of one event is refused: 403)
    "GET /metrics": ORGANISER_ONLY,
}


#: What the floor does instead of a route of someone else's, said in its refusal.
INSTEAD: dict[str, tuple[frozenset[Cell], str]] = {
    "POST /api/v1/segments/{segment_id}/floor-requests": (RUNS_FLOOR, STAFF_FLOOR_REQUEST),
}


def authorise(actor: Actor, route: str, event_id: str | None = None) -> None:
    """Refuse a role the route's row does not allow (saying what to do instead where the role
    has a way: ``INSTEAD``), or a credential of another event."""
    allowed = ROUTES[route]
    if actor.role not in allowed:
        roles, instead = INSTEAD.get(route, (frozenset(), ""))
        then = f": {instead}" if actor.role in roles else ""
        raise Forbidden(f"{with_article(actor.role)} may not call {route}{then}")
    if event_id is not None and actor.event_id is not None and actor.event_id != event_id:
        raise Forbidden("this credential belongs to another event")
