"""The faces' files on a weak network (outside probe L: 213 KB before the live page drew, at
400 kbit/s 6.4 s): text goes gzipped, compressed once, and a browser asks again by ETag."""

from __future__ import annotations

from pathlib import Path

from starlette.datastructures import Headers

from app.api.static import accepts_gzip
from tests.security.conftest import AppFactory, make_client

__all__ = ["make_client"]

STATIC = Path(__file__).parent.parent / "frontend" / "static"
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_script_goes_gzipped_and_is_the_same_script(make_client: AppFactory) -> None:
    client = make_client()
    original = (STATIC / "js" / "i18n.js").read_bytes()
    response = client.get("/static/js/i18n.js", headers=GZIP)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"].startswith("text/javascript")
    sent = int(response.headers["content-length"])
    assert sent < len(original) / 3, (sent, len(original))  # 132 KB: about a quarter
    assert response.content == original  # the client undid the gzip


def test_a_browser_that_has_it_asks_again_and_gets_304(make_client: AppFactory) -> None:
    client = make_client()
    first = client.get("/static/js/i18n.js", headers=GZIP)
    again = client.get(
        "/static/js/i18n.js", headers=GZIP | {"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    # the gzipped one is another representation: its ETag is not the plain file's
    plain = client.get("/static/js/i18n.js", headers={"Accept-Encoding": "identity"})
    assert plain.headers["etag"] != first.headers["etag"]
    assert "content-encoding" not in plain.headers
    assert int(plain.headers["content-length"]) == (STATIC / "js" / "i18n.js").stat().st_size
    assert plain.headers["cache-control"] == "no-cache"
    stale = client.get(
        "/static/js/i18n.js",
        headers={"Accept-Encoding": "identity", "If-None-Match": first.headers["etag"]},
    )
    assert stale.status_code == 200  # a gzip ETag does not stand for the plain file


def test_a_small_file_goes_as_it_is(make_client: AppFactory) -> None:
    """Under 1 KB (the favicon): gzip would gain less than it costs."""
    client = make_client()
    assert (STATIC / "favicon.svg").stat().st_size < 1024
    response = client.get("/static/favicon.svg", headers=GZIP)
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.headers["cache-control"] == "no-cache"


def test_accept_encoding_is_read_as_http_says() -> None:
    def takes(value: str) -> bool:
        return accepts_gzip(Headers({"accept-encoding": value}))

    assert takes("gzip") and takes("br, gzip;q=0.5") and takes("*")
    assert not takes("") and not takes("identity") and not takes("gzip;q=0") and not takes("br")
