"""The organiser's desk's poll, ``GET /events/{id}/revisions``, with N participants registered
(an in-process app on a SQLite file): its time per poll, median and worst of 30. Every desk open
asks it every 2.5 s, so it must stay far below that.

    python -m bench.revisions_poll 500 5000
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

KEY = "bench-organiser-key-" + "k" * 16


def poll_times(participants: int, polls: int = 30) -> list[float]:
    database = os.path.join(tempfile.mkdtemp(prefix="fk-revisions-"), "floor.db")
    app = create_app(Settings(database_url=f"sqlite:///{database}", organiser_key=KEY))
    auth = {"Authorization": f"Bearer {KEY}"}
    with TestClient(app) as client:
        event = client.post("/api/v1/events", json={"title": "Poll"}, headers=auth).json()
        rows = ["Name,Organisation,Constituency"] + [
            f"Person {n},Organisation {n},Civil society" for n in range(participants)
        ]
        made = client.post(
            f"/api/v1/events/{event['id']}/participants/import",
            files={"file": ("people.csv", "\n".join(rows).encode(), "text/csv")},
            headers=auth,
        )
        made.raise_for_status()
        times = []
        for _ in range(polls):
            began = time.perf_counter()
            client.get(f"/api/v1/events/{event['id']}/revisions", headers=auth).raise_for_status()
            times.append(time.perf_counter() - began)
    return times


def main(argv: list[str]) -> None:
    for participants in [int(arg) for arg in argv] or [500, 5000]:
        times = poll_times(participants)
        median, worst = statistics.median(times) * 1000, max(times) * 1000
        print(
            f"{participants:>6} participants: a poll takes {median:.1f} ms at the median, "
            f"{worst:.1f} ms at worst (of {len(times)})"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
