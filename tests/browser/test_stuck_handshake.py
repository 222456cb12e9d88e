"""A handshake the network swallowed (outside probe L: a phone moving between mobile data and
Wi-Fi as its screen reconnects). The socket sent then is never answered, and a browser waits for
it for minutes (Chromium: 240 s) while the page says "Reconnecting". client.js gives up a socket
that has not opened within OPEN_WAIT_MS (10 s), and at once one that has been opening for a
while when the browser says it is back online: the page is live again within seconds."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.server import free_port

from .conftest import open_face, wait_live


class Network:
    """A TCP proxy in front of the server, as the room's network: it passes bytes, until it
    `swallow`s: then it cuts the connections it holds and the new ones are accepted and never
    answered (held open, as a lost handshake is)."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = free_port()
        self.swallow = False
        self.swallowed = 0
        self.delay_s = 0.0  # each way: a slow line (test_slow_line.py)
        self.loop = asyncio.new_event_loop()
        self.writers: set[asyncio.StreamWriter] = set()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port)
        )
        self.ready.set()
        self.loop.run_forever()
        server.close()
        self.loop.run_until_complete(server.wait_closed())
        self.loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.swallow:
            self.swallowed += 1
            await asyncio.sleep(3600)  # nothing passes, nothing closes
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        self.writers |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            # what is read is passed on `delay_s` later, in order (a slow line, not a lossy one)
            queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

            async def deliver() -> None:
                try:
                    while (item := await queue.get())[1]:
                        await asyncio.sleep(max(0.0, item[0] - self.loop.time()))
                        sink.write(item[1])
                        await sink.drain()
                except (ConnectionError, OSError):
                    pass
                finally:
                    sink.close()

            delivering = asyncio.ensure_future(deliver())
            try:
                while data := await source.read(65536):
                    queue.put_nowait((self.loop.time() + self.delay_s, data))
            except (ConnectionError, OSError):
                pass
            finally:
                queue.put_nowait((self.loop.time() + self.delay_s, b""))
                await delivering

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def go(self) -> None:
        """The network goes: what it held is cut, and what is sent now is lost."""

        def cut() -> None:
            self.swallow = True
            for writer in self.writers:
                writer.transport.abort()
            self.writers.clear()

        self.loop.call_soon_threadsafe(cut)

    def back(self) -> None:
        self.loop.call_soon_threadsafe(setattr, self, "swallow", False)

    def stop(self) -> None:
        async def shutdown() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def network(faces: dict[str, Any]) -> Iterator[Network]:
    proxy = Network(faces["server"].port)
    yield proxy
    proxy.stop()


def _opening(page: Page) -> None:
    """Until the page's socket is one that is opening (its handshake sent, not answered)."""
    page.wait_for_function(
        "() => window.floorConnection.socket && window.floorConnection.socket.readyState === 0"
        " && window.floorConnection.status !== 'live'"
    )


def _handshake_lost(browser: Browser, faces: dict[str, Any], network: Network) -> Page:
    """A room display live through the network; then the network goes, and the socket it opens
    again is left waiting for an answer to its handshake."""
    url = faces["display"].replace(faces["server"].base, f"http://127.0.0.1:{network.port}")
    display = open_face(browser, "display", url)
    wait_live(display)
    network.go()
    _opening(display)
    return display


def test_a_screen_whose_handshake_was_lost_is_live_again_within_seconds(
    browser: Browser, faces: dict[str, Any], network: Network
) -> None:
    display = _handshake_lost(browser, faces, network)
    network.back()  # the line is back; the handshake sent meanwhile stays unanswered
    # given up after OPEN_WAIT_MS (10 s) and tried again: live (not after Chromium's 240 s)
    display.wait_for_function("() => window.floorConnection.status === 'live'", timeout=25_000)
    assert network.swallowed >= 1
    display.context.close()


def test_back_online_a_handshake_opening_for_a_while_is_tried_again_at_once(
    browser: Browser, faces: dict[str, Any], network: Network
) -> None:
    display = _handshake_lost(browser, faces, network)
    # opening for more than PONG_WAIT_MS (4 s) when the phone says it is back online
    display.wait_for_function(
        "() => performance.timeOrigin + performance.now()"
        " - window.floorConnection.openingSince > 4500"
    )
    network.back()
    display.evaluate("() => window.dispatchEvent(new Event('online'))")
    # well before the 10 s give-up: the "online" event's check tried again
    display.wait_for_function("() => window.floorConnection.status === 'live'", timeout=4_000)
    display.context.close()
