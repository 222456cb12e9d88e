"""The public live page's first load on a phone's weak network, in Chromium: bytes over the
wire, requests, and the time until its socket is live; gzipped (as served) and with
``Accept-Encoding: identity`` (as the files are, the way it was before app/api/static.py), at full
speed and at 400 kbit/s down, 150 kbit/s up, 400 ms (outside probe L's network).

    python -m bench.first_load
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS as ARGS
from tests.e2e.server import free_port

SLOW = {"offline": False, "latency": 400, "downloadThroughput": 51_200, "uploadThroughput": 19_200}


def _serve(folder: Path, port: int) -> tuple[subprocess.Popen[bytes], str, str]:
    log = folder / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--demo", "--port", str(port)],
        cwd=folder,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        key = re.search(r"Organiser key.*: (\S+)", text)
        event = re.search(r"Demo event: +(\S+)", text)
        if key and event:
            return server, key.group(1), event.group(1)
        time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"the server did not start: {log.read_text(errors='replace')}")


def load(browser: Any, url: str, slow: bool, identity: bool) -> tuple[int, int, float]:
    headers = {"Accept-Encoding": "identity"} if identity else {}
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, extra_http_headers=headers
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if slow:
        cdp.send("Network.emulateNetworkConditions", SLOW)
    seen = {"requests": 0, "bytes": 0}

    def finished(event: dict[str, Any]) -> None:
        seen["requests"] += 1
        seen["bytes"] += int(event["encodedDataLength"])

    cdp.on("Network.loadingFinished", finished)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(
        "() => window.floorConnection && window.floorConnection.status === 'live'",
        timeout=120_000,
    )
    took = time.perf_counter() - started
    context.close()
    return seen["requests"], seen["bytes"], took


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="fk-first-load-"))
    port = free_port()
    server, key, event = _serve(folder, port)
    base = f"http://127.0.0.1:{port}"
    try:
        httpx.patch(
            f"{base}/api/v1/events/{event}",
            json={"live_published": True},
            headers={"Authorization": f"Bearer {key}"},
        ).raise_for_status()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=ARGS
            )
            print(f"{'network':<22} {'encoding':<9} {'requests':>8} {'KB':>8} {'live at':>9}")
            figures = {}
            for slow in (False, True):
                for identity in (True, False):
                    requests, size, took = load(browser, f"{base}/live/{event}", slow, identity)
                    figures[slow, identity] = (size, took)
                    network = "400 kbit/s, 400 ms" if slow else "local"
                    encoding = "identity" if identity else "gzip"
                    print(
                        f"{network:<22} {encoding:<9} {requests:>8} {size / 1000:>8.1f} "
                        f"{took:>8.2f}s"
                    )
            browser.close()
        (plain_size, plain_took), (gz_size, gz_took) = figures[True, True], figures[True, False]
        print(
            f"gzip / identity on the weak network: bytes {gz_size / plain_size:.2f}x, "
            f"time to live {gz_took / plain_took:.2f}x"
        )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
