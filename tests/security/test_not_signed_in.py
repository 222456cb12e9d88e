"""A 401 says whether the request showed a secret that was refused, as RFC 6750 has it:
``WWW-Authenticate: Bearer error="invalid_token"`` for a Bearer token, a session cookie or a key
sent to ``POST /session`` that the server does not know (any more: revoked, expired); a bare
``Bearer`` when nothing was shown. A room screen reads it to tell "this browser never signed in
here" (a spare laptop, another address of the server) from "this link was revoked" (outside
probe K, finding 7): the page cannot see its HttpOnly cookie."""

from __future__ import annotations

from .conftest import World

REFUSED = 'Bearer error="invalid_token"'


def test_a_401_says_whether_a_secret_was_shown(world: World) -> None:
    client = world.client
    client.cookies.clear()
    nothing = client.get("/api/v1/session", headers={"X-Floorkeeper-As": "display"})
    assert nothing.status_code == 401
    assert nothing.headers["WWW-Authenticate"] == "Bearer"
    unknown = client.get("/api/v1/session", headers={"Authorization": "Bearer not-a-key"})
    assert unknown.status_code == 401
    assert unknown.headers["WWW-Authenticate"] == REFUSED
    sent = client.post("/api/v1/session", json={"token": "not-a-key-either"})
    assert sent.status_code == 401
    assert sent.headers["WWW-Authenticate"] == REFUSED

    event_id = world.event["id"]
    link = world.call(
        "organiser", "POST", f"/events/{event_id}/access-links", json={"role": "display"}
    )
    assert link.status_code == 201, link.text
    assert client.post("/api/v1/session", json={"token": link.json()["token"]}).status_code == 200
    as_display = {"X-Floorkeeper-As": "display", "X-Floorkeeper-Event": event_id}
    assert client.get("/api/v1/session", headers=as_display).status_code == 200
    gone = world.call("organiser", "DELETE", f"/events/{event_id}/access-links/{link.json()['id']}")
    assert gone.status_code == 204, gone.text
    revoked = client.get("/api/v1/session", headers=as_display)
    assert revoked.status_code == 401
    assert revoked.headers["WWW-Authenticate"] == REFUSED
    # the display's cookie is no sign-in of the booth's: the booth's page showed none
    as_booth = {"X-Floorkeeper-As": "booth", "X-Floorkeeper-Event": event_id}
    other = client.get("/api/v1/session", headers=as_booth)
    assert other.status_code == 401
    assert other.headers["WWW-Authenticate"] == "Bearer"
