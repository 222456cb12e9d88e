"""The faces' files (``/static``), compressed once and checked again on every load.

A follower on a weak mobile network (outside probe L: 400 kbit/s, 400 ms) waited 6.4 s for the
live page: 213 KB sent as they are, i18n.js alone 132 KB (33 KB gzipped). A text file of 1 KB or
more goes gzipped to a browser that takes it, compressed once per version of the file and kept
in memory (a crowd of ten thousand viewers opening the page costs no compression each), with
its own ETag. Every file says ``Cache-Control: no-cache``: a browser keeps it and asks again with
its ETag (a 304 of a few hundred bytes), so a new version of the server never meets yesterday's
script (a heuristic freshness could keep it for hours).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

#: What is worth compressing: text (images other than SVG are compressed already).
COMPRESSIBLE = frozenset({".js", ".css", ".svg", ".json", ".html", ".txt", ".map"})
#: Below this, a file gains less than the gzip header and a round of work costs.
MIN_BYTES = 1024


def accepts_gzip(headers: Headers) -> bool:
    """Whether the request's ``Accept-Encoding`` takes gzip (not with ``q=0``)."""
    for part in headers.get("accept-encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() not in ("gzip", "*"):
            continue
        quality = params.strip().lower().removeprefix("q=")
        try:
            return not params or float(quality) > 0
        except ValueError:
            return True
    return False


class FaceFiles(StaticFiles):
    """``StaticFiles`` with gzip (compressed once per file version) and ``no-cache``."""

    def __init__(self, *, directory: Path) -> None:
        super().__init__(directory=directory)
        #: path → (mtime_ns, size, its gzip), the version it was made from
        self._gzipped: dict[str, tuple[int, int, bytes]] = {}

    def gzipped(self, path: str, stat: os.stat_result) -> bytes:
        kept = self._gzipped.get(path)
        if kept is not None and kept[:2] == (stat.st_mtime_ns, stat.st_size):
            return kept[2]
        body = gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)
        self._gzipped[path] = (stat.st_mtime_ns, stat.st_size, body)
        return body

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request = Headers(scope=scope)
        plain = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        plain.headers["cache-control"] = "no-cache"
        path = os.fspath(full_path)
        compressible = Path(path).suffix in COMPRESSIBLE and stat_result.st_size >= MIN_BYTES
        if compressible:
            plain.headers["vary"] = "Accept-Encoding"
        whole = status_code == 200 and scope["method"] == "GET" and "range" not in request
        if not (compressible and whole and accepts_gzip(request)):
            if self.is_not_modified(plain.headers, request):
                return NotModifiedResponse(plain.headers)
            return plain
        # its own ETag: the same file compressed is another representation of it
        headers = {k: v for k, v in plain.headers.items() if k not in ("content-length", "etag")}
        headers["etag"] = plain.headers["etag"].removesuffix('"') + '-gzip"'
        headers["content-encoding"] = "gzip"
        if self.is_not_modified(Headers(headers), request):
            return NotModifiedResponse(Headers(headers))
        return Response(self.gzipped(path, stat_result), status_code, headers=headers)
