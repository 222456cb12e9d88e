"""A slow line (outside probe B: a congested venue Wi-Fi, a phone roaming): round trips of
seconds. A socket silent for 4 s after a ping was given up, so on a line with a round trip over
4 s every socket was given up before it was live and the page said "Reconnecting" for good (a
phone at 5 s: never live in 150 s). client.js now judges a silence against what the line has
shown of its speed (three round trips, twice its last handshake, at most 20 s): after
the line slows, the page reconnects once at most and stays live."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser

from .conftest import open_face, wait_live
from .test_stuck_handshake import Network, network

__all__ = ["network"]  # the fixture, used by name

#: The status of the page's connection every half second for `seconds`, and its sockets made.
WATCH = """async (seconds) => {
  const seen = [];
  const first = window.__sockets || 0;
  for (let i = 0; i < seconds * 2; i += 1) {
    seen.push(window.floorConnection.status);
    await new Promise((done) => setTimeout(done, 500));
  }
  return { seen, sockets: (window.__sockets || 0) - first };
}"""

#: Counts the sockets the page opens (a reconnection is a new one).
COUNT_SOCKETS = """() => {
  window.__sockets = 0;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__sockets += 1; }
  };
}"""


def test_a_room_screen_on_a_line_with_a_round_trip_over_four_seconds_stays_live(
    browser: Browser, faces: dict[str, Any], network: Network
) -> None:
    url = faces["display"].replace(faces["server"].base, f"http://127.0.0.1:{network.port}")
    display = open_face(browser, "display", url)
    try:
        wait_live(display)
        display.evaluate(COUNT_SOCKETS)
        network.delay_s = 2.2  # a round trip of 4.4 s from now on
        # the line shows its speed (a first socket may be given up before it has): live again
        display.wait_for_function(
            "() => window.floorConnection.smoothedRtt > 4000"
            " && window.floorConnection.status === 'live'",
            timeout=60_000,
        )
        watched = display.evaluate(WATCH, 20)
        assert watched["sockets"] == 0, watched  # no socket given up in 20 s
        assert set(watched["seen"]) == {"live"}, watched
        # a command's change still reaches it, 2.2 s later
        segment_id = str(faces["event"]["segments"][1]["id"])
        faces["api"].command(segment_id, {"type": "start_segment"}).raise_for_status()
        display.wait_for_function(
            "() => window.floorConnection.state"
            f" && window.floorConnection.segmentId === '{segment_id}'"
            " && window.floorConnection.state.segment.status === 'live'",
            timeout=20_000,
        )
    finally:
        display.context.close()
