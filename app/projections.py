"""What the screens are told: the views of each audience, the messages that carry them, and the
publishing of one update per segment and audience after each durable write.

Pure reads of the live state plus the hub: nothing here decides or writes anything. The engine
calls ``publish`` after a commit; the transports call the message builders for snapshots.

A burst coalesces: a meeting day's write that comes less than a gap after its last fan-out (the gap
grows with the sockets that fan-out reached, at most ``MAX_GAP_S``) is not published at once but
with the writes after it, in ONE update per segment and audience spanning all their versions, when
the gap has passed (``flush``). A lone command goes out at once. Whatever else reaches a screen with
a version (a snapshot, a new subscriber's resume, the programme, the outcome, the other processes'
writes) first flushes what waits, so every socket still gets each version once, in order, with no
gap."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import instruments as instruments_
from .floor import Actor, HearingState, Role
from .floor import contributions as o
from .floor import events as e
from .floor.contributions import OutcomeState
from .floor.fold import requests_changed
from .floor.following import what_follows
from .floor.model import SegmentState, SegmentStatus
from .floor.scripts import name_language
from .floor.themes import labeller
from .hearing import Hearing
from .hub import Encoded, Hub, Subscriber, encode
from .patch import diff
from .store.tables import EventRow
from .views import (
    Audience,
    View,
    left_behind,
    live_programme,
    live_view,
    own_requests,
    own_turns,
    programme_head,
    requestable,
    segment_summary,
    view,
)

if TYPE_CHECKING:
    from .metrics import Metrics

log = logging.getLogger(__name__)

#: The longest a meeting day's write waits to be published with the writes after it.
MAX_GAP_S = 0.05
#: The gap after a fan-out, per socket it reached: about twice what writing to a socket costs
#: (15-30 µs), so that with the whole room connected (2,000 sockets: the longest gap) a burst's
#: fan-outs take at most about a third of the event loop, and with a console or a few screens
#: watching the gap is a fraction of a millisecond: nothing waits.
GAP_PER_SOCKET_S = 25e-6
#: The gap after a fan-out is also at least this many times what its synchronous part took (the
#: views built, diffed and encoded): a console over a thousand pending requests costs a
#: millisecond a fan-out whoever else listens, so a burst's fan-outs take at most about a fifth
#: of the event loop however few sockets they reach. A lone command still goes out at once.
GAP_PER_COST = 4.0
#: Events that always go out at once (with whatever waits before them): the programme's
#: changes, which move the room's screens, and an undo, the console's correction.
_AT_ONCE = frozenset(
    (
        "segment_created",
        "segment_updated",
        "segment_started",
        "segment_ended",
        "segment_removed",
        "resumption_announced",
    )
)
_UNDO = "change_undone"


@dataclass
class _Deferred:
    """A meeting day's writes not yet published: the state before the first of them, their
    events and states in order, and what to call once they are (the writes' answers)."""

    hearing: Hearing
    before: HearingState
    events: list[e.Event]
    states: list[HearingState]
    #: the durable state after the last of them: a write on top of it may join them
    after: HearingState
    then: list[Callable[[], None]] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


def audience_of(actor: Actor) -> Audience:
    """The floor and the rapporteur see everything; a delegate the room's view and their own
    part; a display the room's view."""
    if actor.runs_the_floor or actor.role is Role.RAPPORTEUR:
        return Audience.MODERATOR
    return Audience.DELEGATE if actor.participant_id else Audience.PUBLIC


def public_event(row: EventRow) -> dict[str, Any]:
    """An event as anyone who may see it sees it: the one shape of the REST answers, the join
    page's and every screen's header (the join code is added only where the caller may see it)."""
    return {
        "id": row.id,
        "title": row.title,
        "venue": row.venue,
        "room": row.room,
        "timezone": row.timezone,
        "date": row.date,
        "languages": row.languages,
    }


def live_event(row: EventRow) -> dict[str, Any]:
    """The meeting day as the public live page shows it: the room display's header (title and
    room) and the zone its time of day is read in; no join code."""
    return {"id": row.id, "title": row.title, "room": row.room, "timezone": row.timezone}


def shows_join_code(audience: Audience) -> bool:
    """The floor and the room's screens see the join code; a delegate has joined already, and
    the public live page is for whoever is not in the room."""
    return audience not in (Audience.DELEGATE, Audience.LIVE)


class Projections:
    """The views of each segment per audience (each built once per state) and the messages."""

    def __init__(
        self,
        hub: Hub,
        clock: Callable[[], int],
        hearings: Mapping[str, Hearing],
        metrics: Metrics | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.hub = hub
        self.clock = clock
        self.hearings = hearings
        #: where the time each publish takes is observed (``GET /metrics``), if anywhere
        self.metrics = metrics
        #: seconds, for the gap between fan-outs (the monotonic clock, as the event loop's)
        self.monotonic = monotonic
        #: the coalescing's bounds (``MAX_GAP_S``, ``GAP_PER_SOCKET_S``); tests set their own
        self.max_gap_s = MAX_GAP_S
        self.gap_per_socket_s = GAP_PER_SOCKET_S
        self.gap_per_cost = GAP_PER_COST
        #: per meeting day, the writes waiting to be published together
        self._deferred: dict[str, _Deferred] = {}
        #: per meeting day, when its last fan-out ended, how many sockets it reached and how long
        #: its synchronous part took (seconds, on ``monotonic``)
        self._last: dict[str, tuple[float, int, float]] = {}
        # a screen that joins, or is reset to a snapshot, first has what waits published
        hub.settle = self.flush_event
        #: the last view built per segment and audience, with the state it was built from
        self._views: dict[tuple[str, Audience], tuple[SegmentState, View]] = {}
        #: per meeting day, the programme's titles and the themes' labels they give
        self._labels: dict[str, tuple[tuple[str, ...], o.Labels]] = {}
        #: per meeting day, when its consoles are next sent their instruments
        self._instruments_due: dict[str, asyncio.TimerHandle] = {}
        #: per meeting day, the instruments being computed in a worker thread (one at a time)
        self._instruments_computing: dict[str, asyncio.Task[None]] = {}

    # --- publishing -----------------------------------------------------------------------------

    def publish(
        self,
        hearing: Hearing,
        before: HearingState,
        events: list[e.Event],
        states: list[HearingState],
        then: Callable[[], None] | None = None,
        coalesce: bool = False,
    ) -> None:
        """Tell every screen what ``events`` did, per segment ONE update from the state before
        them to the state after: the commands of one group commit go out together, so a burst of
        floor requests costs each screen one frame per write, not one per request. An update
        that spans more than one version says where it starts (``from_version``).

        ``coalesce`` (the engine's own writes): a write that comes less than the gap after the
        meeting day's last fan-out waits, and goes out with the writes after it once the gap has
        passed, in one update per segment and audience. ``then`` is called once these versions
        are published (at once, or at the flush), in the order of the writes."""
        event_id = hearing.event.id
        deferred = self._deferred.get(event_id)
        if coalesce and not _at_once(events):
            if deferred is not None and before is deferred.after and deferred.hearing is hearing:
                deferred.events.extend(events)
                deferred.states.extend(states)
                deferred.after = hearing.state
                if then is not None:
                    deferred.then.append(then)
                return
            wait = self._wait(event_id) if events and deferred is None else 0.0
            if wait > 0:
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:  # no event loop (a test folding by hand): at once
                    pass
                else:
                    waiting = _Deferred(hearing, before, list(events), list(states), hearing.state)
                    if then is not None:
                        waiting.then.append(then)
                    waiting.timer = loop.call_later(wait, self.flush_event, event_id)
                    self._deferred[event_id] = waiting
                    return
        self.flush(hearing)
        self._publish_timed(hearing, before, events, states)
        if then is not None:
            then()

    def flush(self, hearing: Hearing) -> None:
        """Publish the meeting day's waiting writes now, if any: first, before anything else
        reaches its screens."""
        self.flush_event(hearing.event.id)

    def flush_event(self, event_id: str) -> None:
        deferred = self._deferred.pop(event_id, None)  # first: a flush within it finds nothing
        if deferred is None:
            return
        if deferred.timer is not None:
            deferred.timer.cancel()
        try:
            self._publish_timed(deferred.hearing, deferred.before, deferred.events, deferred.states)
        finally:  # answered even if publishing failed (logged): never left waiting
            for then in deferred.then:
                then()

    def flush_all(self) -> None:
        """Publish every meeting day's waiting writes (the server is stopping)."""
        for event_id in list(self._deferred):
            self.flush_event(event_id)

    def waiting(self, event_id: str) -> bool:
        """Whether writes of this meeting day wait to be published."""
        return event_id in self._deferred

    def _wait(self, event_id: str) -> float:
        """Seconds until this meeting day's next fan-out is due: its last one plus a gap of
        ``gap_per_socket_s`` per socket that one reached or ``gap_per_cost`` times what it took,
        whichever is longer, at most ``max_gap_s``."""
        last = self._last.get(event_id)
        if last is None:
            return 0.0
        at, sockets, took = last
        gap = min(self.max_gap_s, max(self.gap_per_socket_s * sockets, self.gap_per_cost * took))
        return gap - (self.monotonic() - at)

    def _publish_timed(
        self,
        hearing: Hearing,
        before: HearingState,
        events: list[e.Event],
        states: list[HearingState],
    ) -> None:
        started = time.perf_counter()
        began = self.monotonic()
        sockets = self._publish(hearing, before, events, states)
        if events:
            ended = self.monotonic()
            self._last[hearing.event.id] = (ended, sockets, ended - began)
        if self.metrics is not None:
            self.metrics.fanout_seconds.observe(time.perf_counter() - started)

    def _publish(
        self,
        hearing: Hearing,
        before: HearingState,
        events: list[e.Event],
        states: list[HearingState],
    ) -> int:
        """Publish; the number of sockets the segments' updates reached."""
        sockets = 0
        touched: dict[str, set[str]] = {}  # segment id → delegates whose own requests changed
        # segments whose waiting speakers were carried on (the ended one and the one receiving
        # them): their delegates' phones may follow another segment (the lunch break)
        carried: set[str] = set()
        programme_changed = False
        removed = False  # a segment taken out: the screens that followed it move on
        previous = before
        for event, state in zip(events, states, strict=True):
            segment_id = event.segment_id
            old, new = previous.segments.get(segment_id), state.segments[segment_id]
            previous = state
            if (
                old is None
                or event.type in _AT_ONCE
                # an undo can start or end a segment again: the programme shows its status
                or (old.status, old.actual_start_at, old.actual_end_at)
                != (new.status, new.actual_start_at, new.actual_end_at)
                # who speaks first in a segment still to come (the booth in a break names them)
                or programme_head(old) != programme_head(new)
            ):
                programme_changed = True
            if old is not None:
                touched.setdefault(segment_id, set()).update(_participants_touched(event, old, new))
            if event.type in ("queue_carried", "queue_received"):
                carried.add(segment_id)
            removed = removed or event.type == "segment_removed"
        for segment_id, participants in touched.items():
            old = before.segments.get(segment_id)
            if old is None:
                continue  # a segment made by these very events has no subscribers yet
            new = previous.segments[segment_id]
            update: dict[str, Any] = {
                "type": "update",
                "segment_id": segment_id,
                "version": new.version,
                # when it went out: a logger behind a stalled line, or resumed, stamps a change
                # of speaker with this, not with when it arrived (outside probe V)
                "server_time": self.clock(),
            }
            if new.version != old.version + 1:
                update["from_version"] = old.version
            # only for the audiences someone listens to: a burst of floor requests with only the
            # moderator watching builds, diffs and encodes one view, not three
            frames = {
                audience: encode(
                    {**update, "patch": diff(self.view(old, audience), self.view(new, audience))}
                )
                for audience in self.hub.audiences(segment_id)
            }
            mine = {
                participant_id: encode(self.mine_message(new, participant_id))
                for participant_id in participants
            }
            sockets += len(self.hub.subscribers(segment_id))
            self.hub.publish(segment_id, old.version, new.version, frames, mine)
            if mine and (segment_id in carried or new.status is SegmentStatus.ENDED):
                # their phones may follow the next live segment already (the lunch break): the
                # ended segment's `mine` says where a request went (carried, dropped, withdrawn
                # or taken off its list meanwhile), the receiving one's the turns the moderator
                # queued directly (a panel: no request stands for them)
                self.hub.to_participants_elsewhere(hearing.event.id, segment_id, mine)
        if programme_changed:
            message = self.programme_message(hearing)
            cut = {**message, "segments": live_programme(message["segments"])}
            self.hub.to_event(hearing.event.id, encode(message), encode(cut))
            self.relabel(hearing)  # a segment renamed, added or removed: the themes' labels
            live = hearing.state.live_segment_id
            if live is not None:
                self.hub.follow_live(hearing.event.id, live)
            elif removed:  # before the day: the room's screens show the next segment to come
                followed = self.followed_segment(hearing)
                if followed is not None:
                    self.hub.follow_live(hearing.event.id, followed.id)
        self.instruments_soon(hearing)
        return sockets

    # --- the moderator's instruments (app/instruments.py) ---------------------------------------

    def instruments_message(self, hearing: Hearing) -> dict[str, Any]:
        event = hearing.event
        return {
            "type": "instruments",
            "event_id": event.id,
            **instruments_.instruments(
                hearing.state, event.timezone, self.clock(), event.hard_stop_at
            ),
        }

    def day_end_message(self, hearing: Hearing) -> dict[str, Any]:
        """What a booth is told of the day's end: the hard stop and the forecast against it."""
        event = hearing.event
        return instruments_.day_end_message(
            hearing.state, event.timezone, self.clock(), event.hard_stop_at, event.id
        )

    def instruments_soon(self, hearing: Hearing, delay_s: float = instruments_.DELAY_S) -> None:
        """Send the consoles of this meeting day their instruments in ``delay_s`` (or sooner, if
        already due sooner): the changes of a burst go out together, once."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a test folding by hand): nobody to tell
            return
        event_id = hearing.event.id
        due = self._instruments_due.get(event_id)
        if due is not None:
            if due.when() <= loop.time() + delay_s:
                return
            due.cancel()
        self._instruments_due[event_id] = loop.call_later(delay_s, self._send_instruments, hearing)

    def _consoles(self, event_id: str) -> list[Subscriber]:
        return [
            subscriber
            for subscriber in self.hub.event_subscribers(event_id)
            if subscriber.audience is Audience.MODERATOR
        ]

    def _booths(self, event_id: str) -> list[Subscriber]:
        """The interpreters' booths of the meeting day (the public audience, a booth's link)."""
        return [
            subscriber
            for subscriber in self.hub.event_subscribers(event_id)
            if subscriber.screen is not None and subscriber.screen.role == "booth"
        ]

    def _send_instruments(self, hearing: Hearing) -> None:
        """Compute the instruments in a worker thread and send them to the consoles, and the
        day's end against its hard stop to the booths (``day_end``).

        The computation reads the day's whole state (tens of milliseconds on a day of a
        thousand requests): on the event loop it would hold every ack and update of a burst for
        that long. The states are immutable, so the thread reads a consistent one while the loop
        goes on; one computation per meeting day at a time, and one due meanwhile is made
        again when it ends (on the newer state)."""
        event_id = hearing.event.id
        self._instruments_due.pop(event_id, None)
        if not self._consoles(event_id) and not self._booths(event_id):
            return  # the next console or booth to open gets them in its snapshot
        if event_id in self._instruments_computing:
            self.instruments_soon(hearing)  # once the one under way is sent
            return
        task = asyncio.get_running_loop().create_task(self._compute_instruments(hearing))
        self._instruments_computing[event_id] = task
        task.add_done_callback(lambda _: self._instruments_computing.pop(event_id, None))

    async def _compute_instruments(self, hearing: Hearing) -> None:
        event_id, state, timezone = hearing.event.id, hearing.state, hearing.event.timezone
        hard_stop_at = hearing.event.hard_stop_at
        now = self.clock()
        consoles, booths = bool(self._consoles(event_id)), bool(self._booths(event_id))

        def compute() -> tuple[Encoded | None, Encoded | None]:
            frame = booth_frame = None
            if consoles:
                made = instruments_.instruments(state, timezone, now, hard_stop_at)
                frame = encode({"type": "instruments", "event_id": event_id, **made})
            if booths:  # the schedule again, a small part of the instruments' work
                booth_frame = encode(
                    instruments_.day_end_message(state, timezone, now, hard_stop_at, event_id)
                )
            return frame, booth_frame

        try:
            frame, booth_frame = await asyncio.to_thread(compute)
        except Exception:
            log.exception("the instruments of %s could not be computed", event_id)
            return
        if frame is not None:
            for subscriber in self._consoles(event_id):
                subscriber.push(frame)
        if booth_frame is not None:
            for subscriber in self._booths(event_id):
                subscriber.push(booth_frame)
        if instruments_.time_moves(hearing.state):
            self.instruments_soon(hearing, instruments_.REFRESH_S)

    def view(self, segment: SegmentState, audience: Audience) -> View:
        """The audience's view of this very state, made once: the view after one command is the
        view before the next, so each publish builds only the new one (views are never mutated)."""
        key = (segment.id, audience)
        cached = self._views.get(key)
        if cached is None or cached[0] is not segment:
            made = (
                # the live page's: cut from the display's, made once for both
                live_view(self.view(segment, Audience.PUBLIC))
                if audience is Audience.LIVE
                else view(segment, audience)
            )
            cached = self._views[key] = (segment, made)
        return cached[1]

    # --- the outcome (recommendations and pledges) ------------------------------------------------

    def outcome_view(
        self, outcome: OutcomeState, audience: Audience, participant_id: str | None
    ) -> View:
        """What one audience sees of the outcome: everything (the console, the rapporteur), the
        accepted ones (the room's screens), or a delegate's own."""
        labels = self.theme_labels(outcome.event_id)
        if audience is Audience.DELEGATE:
            return o.view(outcome, "delegate", participant_id, labels)
        who = "moderator" if audience is Audience.MODERATOR else "public"
        return o.view(outcome, who, None, labels, self.programme_titles(outcome.event_id))

    def programme_titles(self, event_id: str) -> tuple[str, ...]:
        """The meeting day's segments' titles in programme order (none for a day not loaded)."""
        hearing = self.hearings.get(event_id)
        if hearing is None:
            return ()
        return tuple(segment.details.title for segment in hearing.state.programme())

    def theme_labels(self, event_id: str) -> o.Labels:
        """The label each theme is grouped under, for the meeting day's programme now
        (``floor/themes.py``); as typed for a meeting day not loaded."""
        hearing = self.hearings.get(event_id)
        if hearing is None:
            return lambda theme: theme
        titles = tuple(segment.details.title for segment in hearing.state.programme())
        cached = self._labels.get(event_id)
        if cached is None or cached[0] != titles:
            cached = self._labels[event_id] = (titles, labeller(hearing.state.programme()))
        return cached[1]

    def relabel(self, hearing: Hearing) -> None:
        """The programme's titles changed the themes' labels (a segment renamed, added or
        removed): the outcome's screens get the whole outcome again (its version unchanged; a
        rare write, so no patch)."""
        event_id = hearing.event.id
        before = self._labels.get(event_id)
        if before is None:
            return
        titles = tuple(segment.details.title for segment in hearing.state.programme())
        if titles == before[0]:
            return
        frames: dict[tuple[Audience, str | None], Encoded] = {}
        for subscriber in self.hub.event_subscribers(event_id):
            audience = subscriber.audience
            if audience is Audience.LIVE:
                continue  # the live page shows the floor only (no reflection)
            key = (audience, subscriber.participant_id if audience is Audience.DELEGATE else None)
            if key not in frames:
                frames[key] = encode(self.outcome_message(hearing, audience, key[1]))
            subscriber.push(frames[key])

    def outcome_message(
        self, hearing: Hearing, audience: Audience, participant_id: str | None
    ) -> dict[str, Any]:
        """The whole outcome as this audience sees it (after ``hello``, and when asked)."""
        outcome = hearing.outcome
        return {
            "type": "outcome",
            "event_id": hearing.event.id,
            "version": outcome.version,
            "state": self.outcome_view(outcome, audience, participant_id),
        }

    def publish_outcome(self, hearing: Hearing, before: OutcomeState) -> None:
        """One ``outcome_update`` per audience (per delegate for their own) from the outcome
        before a write to the one after it: a patch, so it grows with the change. The floor's
        waiting updates go first."""
        self.flush(hearing)
        started = time.perf_counter()
        self._publish_outcome(hearing, before)
        if self.metrics is not None:
            self.metrics.outcome_fanout_seconds.observe(time.perf_counter() - started)

    def _publish_outcome(self, hearing: Hearing, before: OutcomeState) -> None:
        after = hearing.outcome
        frames: dict[tuple[Audience, str | None], Encoded | None] = {}
        for subscriber in self.hub.event_subscribers(hearing.event.id):
            audience = subscriber.audience
            if audience is Audience.LIVE:
                continue  # the live page shows the floor only (no reflection)
            key = (audience, subscriber.participant_id if audience is Audience.DELEGATE else None)
            if key not in frames:
                old = self.outcome_view(before, audience, key[1])
                new = self.outcome_view(after, audience, key[1])
                patch = diff(old, new)
                frames[key] = (
                    encode(
                        {
                            "type": "outcome_update",
                            "event_id": hearing.event.id,
                            "from_version": before.version,
                            "version": after.version,
                            "patch": patch,
                        }
                    )
                    if patch
                    else None
                )
            frame = frames[key]
            if frame is not None:
                subscriber.push(frame)

    # --- messages -------------------------------------------------------------------------------

    def snapshot(
        self, segment: SegmentState, audience: Audience, participant_id: str | None
    ) -> dict[str, Any]:
        """The segment's state for one audience, at its durable version: the updates waiting
        are published first, so that none that a screen gets after this snapshot starts before
        it."""
        self.flush_event(segment.event_id)
        message: dict[str, Any] = {
            "type": "snapshot",
            "segment_id": segment.id,
            "version": segment.version,
            "server_time": self.clock(),
            "audience": audience.value,
            "state": self.view(segment, audience),
            **self.event_context(self.hearings[segment.event_id], audience),
        }
        if participant_id is not None:
            message.update(self.personal(segment, participant_id))
        return message

    def empty_snapshot(self, hearing: Hearing, audience: Audience) -> dict[str, Any]:
        """What a screen gets while its meeting day has no segment to show yet."""
        return {
            "type": "snapshot",
            "segment_id": None,
            "version": 0,
            "server_time": self.clock(),
            "audience": audience.value,
            "state": None,
            **self.event_context(hearing, audience),
        }

    def event_context(self, hearing: Hearing, audience: Audience | Actor) -> dict[str, Any]:
        """The meeting day around a segment: what every screen's header and programme need."""
        if isinstance(audience, Actor):
            audience = audience_of(audience)
        if audience is Audience.LIVE:  # the header and the programme's titles and times only
            return {
                "event": live_event(hearing.event),
                "live_segment_id": hearing.state.live_segment_id,
                "programme": live_programme(self.segments(hearing)),
            }
        event = public_event(hearing.event)
        if shows_join_code(audience):
            event["join_code"] = hearing.event.join_code
        return {
            "event": event,
            "live_segment_id": hearing.state.live_segment_id,
            "programme": self.segments(hearing),
        }

    def personal(self, segment: SegmentState, participant_id: str) -> dict[str, Any]:
        """A delegate's own part of a segment: who they are registered as (``you``: their name
        and organisation, as the registry has them now, so that a correction reaches their phone
        with the next snapshot), their requests, and per kind what refuses a new one to them in
        particular (the view's ``can_request`` has what refuses everyone)."""
        speaker = self.hearings[segment.event_id].speakers.get(participant_id)
        you = (
            None
            if speaker is None
            else {
                "name": speaker.name,
                "name_lang": name_language(speaker.name),
                "organisation": speaker.organisation,
                "organisation_lang": name_language(speaker.organisation),
            }
        )
        hearing = self.hearings[segment.event_id]
        # their places in ended segments this phone no longer follows (the next one is live):
        # what became of each (still waiting on the moderator, carried on, dropped), so that a
        # place never just vanishes from their phone when the next segment starts
        elsewhere = {
            other.id: told
            for other in hearing.state.segments.values()
            if other.id != segment.id
            and not other.removed
            and (told := left_behind(other, participant_id)) is not None
        }
        return {
            "you": you,
            "mine": own_requests(segment, participant_id),
            "elsewhere": elsewhere,
            "turns": own_turns(segment, participant_id),
            "can_request": requestable(segment, participant_id),
        }

    def mine_message(self, segment: SegmentState, participant_id: str) -> dict[str, Any]:
        return {
            "type": "mine",
            "segment_id": segment.id,
            "version": segment.version,
            "requests": own_requests(segment, participant_id),
            "turns": own_turns(segment, participant_id),
            "can_request": requestable(segment, participant_id),
        }

    def programme_message(self, hearing: Hearing) -> dict[str, Any]:
        return {
            "type": "programme",
            "event_id": hearing.event.id,
            "live_segment_id": hearing.state.live_segment_id,
            "segments": self.segments(hearing),
        }

    def segments(self, hearing: Hearing) -> list[View]:
        """The programme's entries in order, each with what follows it (app/floor/following.py:
        the next to come, where a break resumes, whether the hearing has closed after it)."""
        ordered = hearing.state.programme()
        follows = what_follows(ordered)
        return [{**segment_summary(s), **follows[s.id].view()} for s in ordered]

    def followed_segment(self, hearing: Hearing) -> SegmentState | None:
        """What a room screen (and a phone, and the live page) follows: the live segment; else
        the one that ended last, whose view says what comes next (``next_id``) or that the
        hearing has closed, as a screen left open on it says (outside probe V: one loaded after
        the end followed the next segment while one left open stayed, so two screens and a
        reload disagreed); else, before the day, the first in programme order still to come;
        else the last."""
        segments = hearing.state.programme()
        live = hearing.state.live_segment_id
        if live is not None:
            return hearing.state.segments[live]
        ended = [s for s in segments if s.status is SegmentStatus.ENDED]
        if ended:  # the latest end; of two at once, the later in the programme
            return max(enumerate(ended), key=lambda pair: (pair[1].actual_end_at or 0, pair[0]))[1]
        upcoming = [s for s in segments if s.status is SegmentStatus.SCHEDULED]
        if upcoming:
            return upcoming[0]
        return segments[-1] if segments else None


def _at_once(events: list[e.Event]) -> bool:
    """Whether these events go out at once: a change of the programme, or an undo."""
    return any(event.type in _AT_ONCE or event.type == _UNDO for event in events)


def _participants_touched(event: e.Event, old: SegmentState, new: SegmentState) -> set[str]:
    """The delegates whose own part this event changed (they get a ``mine``): their requests,
    or their place in the queue or at the podium (what they may ask for next depends on it)."""
    placed = {participant_id for participant_id, *_ in _placed(old) ^ _placed(new)}
    if old.requests is new.requests:
        return placed
    # the event names the requests it changes (fold.requests_changed): no scan of them all
    changed = {
        participant_id
        for request_id in requests_changed(old, event)
        if (participant_id := new.requests[request_id].speaker.participant_id)
    }
    return placed | changed


def _placed(segment: SegmentState) -> set[tuple[str, str, str]]:
    """(participant, kind, where: queued, speaking or paused) of everyone queued or on the
    floor: bounded by the queue's cap. A turn paused by an interposed question is still theirs,
    and its phone shows it paused, so a change of it is a change of their part too."""
    places = {
        (entry.speaker.participant_id, entry.kind.value, "queued")
        for entry in segment.queue
        if entry.speaker.participant_id
    }
    for turn, where in ((segment.current, "speaking"), (segment.paused, "paused")):
        entry = turn.entry if turn is not None else None
        if entry is not None and entry.speaker.participant_id:
            places.add((entry.speaker.participant_id, entry.kind.value, where))
    return places
