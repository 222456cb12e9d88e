"""A room screen signed in with its link's cookie, opened once too often: the socket is accepted,
told why (``too_many_connections``) and closed with 4429, so the page can say so. Refused at the
handshake instead, a browser would see only a 1006, as for a network fault, and say nothing."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from .conftest import AppFactory
from .test_limits import limited


def _signed_in(client: TestClient, token: str) -> dict[str, str]:
    """The browser's way: the link's key exchanged once for its cookie (the headers that send
    it: the test client does not put its cookies on a socket's request)."""
    response = client.post("/api/v1/session", json={"token": token})
    assert response.status_code < 300, response.text
    return {"cookie": f"fk_display={response.cookies['fk_display']}"}


def test_a_screen_over_its_links_cap_is_told_why_and_closed_with_4429(
    make_client: AppFactory,
) -> None:
    world, _ = limited(make_client, connections_per_token=2)
    cookie = _signed_in(world.client, str(world.tokens["display"]))
    path = f"/ws/events/{world.event['id']}?as=display"

    def opened(sockets: ExitStack) -> Any:
        return sockets.enter_context(world.client.websocket_connect(path, headers=cookie))

    def screen(sockets: ExitStack) -> Any:
        """A socket opened as a room screen opens it: the cookie, and a hello with no token."""
        socket = opened(sockets)
        socket.send_json({"type": "hello", "face": "display"})
        return socket

    with ExitStack() as first, ExitStack() as others:
        assert screen(first).receive_json()["type"] == "snapshot"
        assert screen(others).receive_json()["type"] == "snapshot"

        # accepted (not refused at the handshake), then the reason, then the close code
        with ExitStack() as over:
            third = opened(over)
            error = third.receive_json()  # told at once: no hello awaited
            assert (error["type"], error["code"]) == ("error", "too_many_connections")
            assert "2 screens open" in error["message"]
            with pytest.raises(WebSocketDisconnect) as closed:
                third.receive_json()
            assert (closed.value.code, closed.value.reason) == (4429, "too_many_connections")

        # the open screens are unaffected, and closing one lets the next one in
        first.close()
        assert screen(others).receive_json()["type"] == "snapshot"
