"""What the server counts for a Prometheus scraper (``GET /metrics``, app/api/metrics.py).

One :class:`Metrics` per engine, on a ``CollectorRegistry`` of its own (never the process-wide
default one: two apps in one process, as in the tests, count apart). The hot path pays for
counters and histograms only, each a lock and an addition, and never for anything per
subscriber:

- **commands** by type and outcome (``accepted`` once durable, ``duplicate`` for a retried
  command id, ``refused`` with the refusal's code, ``failed`` when the log could not be
  written): a counter per command, the label children made once and kept in a dict;
- **log appends**: the seconds of each group-commit write (``Store.append`` in its thread),
  and how many commands each write carried;
- **fan-out**: the seconds ``Projections.publish`` takes per write (views, diffs, frames and
  handing them to every subscriber's socket), and ``publish_outcome`` apart;
- **HTTP answers** by status (the edge's refusals included: 401, 403, 413, 429, ...);
- **connections** per audience, read from the hub when scraped (a collector), so a socket that
  opens or closes costs nothing here. Labels are audiences, command types, codes: never an
  event, a segment, a person or a path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .views import Audience

if TYPE_CHECKING:
    from .fanout import Fanout
    from .hub import Hub

#: What ``GET /metrics`` answers with (Prometheus's text format, 0.0.4).
CONTENT_TYPE = CONTENT_TYPE_LATEST

# no ``*_created`` series beside each counter and histogram (outside probe N: they doubled the
# output, and Prometheus reads a counter's resets from the counter itself)
disable_created_metrics()  # type: ignore[no-untyped-call]

#: Seconds: a publish is tens of microseconds with a few screens, milliseconds with a room.
FANOUT_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
)
#: Seconds: one fsynced SQLite commit is a few milliseconds; PostgreSQL over a network more.
APPEND_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
#: Commands per write: one when the floor is calm, hundreds in a burst of floor requests.
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)

ACCEPTED, DUPLICATE, REFUSED, FAILED = "accepted", "duplicate", "refused", "failed"
#: The refusal code that means the log could not be written (``engine.StorageUnavailable``).
STORAGE_UNAVAILABLE = "storage_unavailable"


class Metrics:
    """The counters and histograms of one engine, and the registry a scrape reads."""

    def __init__(
        self, hub: Hub | None = None, event_ids: Callable[[], Iterable[str]] = tuple
    ) -> None:
        self.registry = CollectorRegistry()
        self._commands = Counter(
            "floorkeeper_commands",
            "Commands handed to the engine, by type and outcome (accepted once durable, "
            "duplicate, refused with its code, failed when the log could not be written)",
            ["type", "outcome", "code"],
            registry=self.registry,
        )
        self.log_append_seconds = Histogram(
            "floorkeeper_log_append_seconds",
            "Seconds one group-commit write of the log took (the transaction, in its thread)",
            buckets=APPEND_BUCKETS,
            registry=self.registry,
        )
        self.group_commit_commands = Histogram(
            "floorkeeper_group_commit_commands",
            "Commands written together by one group-commit write",
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        fanout = Histogram(
            "floorkeeper_fanout_seconds",
            "Seconds publishing one write took: views, patches, frames, and handing them to "
            "every subscriber (floor: the segments' updates; outcome: the contributions')",
            ["stream"],
            buckets=FANOUT_BUCKETS,
            registry=self.registry,
        )
        self.fanout_seconds = fanout.labels("floor")
        self.outcome_fanout_seconds = fanout.labels("outcome")
        catchups = Counter(
            "floorkeeper_catchups",
            "Times this process read the log for what another process wrote, because the "
            "fan-out could not give it: a gap in versions, or entries lost (several processes; "
            "a steady rise means Redis drops or trims what it carries)",
            ["reason"],
            registry=self.registry,
        )
        self.catchup_gap = catchups.labels("gap").inc
        self.catchup_lost = catchups.labels("lost").inc
        self._responses = Counter(
            "floorkeeper_http_responses",
            "HTTP answers, by status (a wrong key in a button box or a scraper: 401; a link "
            "used for what it may not do: 403; sockets are not counted here)",
            ["status"],
            registry=self.registry,
        )
        self._statuses: dict[int, Callable[[], None]] = {}
        #: (type, outcome, code) -> its counter: ``labels`` looks the child up under a lock
        self._children: dict[tuple[str, str, str], Callable[[], None]] = {}
        if hub is not None:
            self.registry.register(Connections(hub, event_ids))
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)

    def command(self, command_type: str, outcome: str, code: str = "") -> None:
        key = (command_type, outcome, code)
        inc = self._children.get(key)
        if inc is None:
            inc = self._children[key] = self._commands.labels(*key).inc
        inc()

    def response(self, status: int) -> None:
        inc = self._statuses.get(status)
        if inc is None:
            inc = self._statuses[status] = self._responses.labels(str(status)).inc
        inc()

    def refused(self, command_type: str, code: str) -> None:
        self.command(command_type, FAILED if code == STORAGE_UNAVAILABLE else REFUSED, code)

    def exposition(self) -> bytes:
        """Every metric, in Prometheus's text format."""
        return generate_latest(self.registry)

    def watch_fanout(self, fanout: Fanout) -> None:
        """Say the fan-out's state when scraped (``floorkeeper_fanout_up``)."""
        self.registry.register(FanoutUp(fanout))


class FanoutUp(Collector):
    """``floorkeeper_fanout_up{fanout="alone"|"redis"}``: 1 while this process can tell the
    others of its writes (alone: always), 0 while Redis does not answer (it serves, degraded:
    it reads the log every second, and counts its own limits only). Per process, as every
    figure here."""

    def __init__(self, fanout: Fanout) -> None:
        self.fanout = fanout

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "floorkeeper_fanout_up",
            "1 while this process's fan-out to the other processes works (alone: always), "
            "0 while Redis does not answer",
            labels=["fanout"],
        )
        from .fanout import RedisFanout

        redis = isinstance(self.fanout, RedisFanout)
        family.add_metric(["redis" if redis else "alone"], 1.0 if self.fanout.reachable else 0.0)
        yield family

    def describe(self) -> Iterable[Metric]:
        return ()


class Connections(Collector):
    """Sockets open now per audience, counted from the hub when scraped: its subscribers of
    each meeting day (``event_ids``: the engine's), through the hub's public reads."""

    def __init__(self, hub: Hub, event_ids: Callable[[], Iterable[str]]) -> None:
        self.hub = hub
        self.event_ids = event_ids

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "floorkeeper_connections",
            "WebSocket subscribers open now, by audience (moderator: consoles and rapporteurs; "
            "delegate: phones; public: displays, clocks, booths; live: public live pages)",
            labels=["audience"],
        )
        counts = count_by_audience(self.hub, self.event_ids())
        for audience in Audience:
            family.add_metric([audience.value], counts.get(audience, 0))
        yield family

    def describe(self) -> Iterable[Metric]:
        return []  # the family is made at collect time; nothing to check at registration


class LivePagesWaiting(Collector):
    """Public live pages open while their page is not published (app/api/live.py): sockets
    held and sent nothing, not in the hub, so not among ``floorkeeper_connections``."""

    def __init__(self, count: Callable[[], int]) -> None:
        self.count = count

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "floorkeeper_live_pages_waiting",
            "Public live pages open while their page is not published (or for an unknown "
            "meeting day): each holds a socket and is sent the floor once it is published",
            value=self.count(),
        )

    def describe(self) -> Iterable[Metric]:
        return []


def count_by_audience(hub: Hub, event_ids: Iterable[str]) -> dict[Audience, int]:
    counts: dict[Audience, int] = {}
    for event_id in event_ids:
        for subscriber in hub.event_subscribers(event_id):
            if not subscriber.closed:
                counts[subscriber.audience] = counts.get(subscriber.audience, 0) + 1
    return counts
