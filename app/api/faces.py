"""The faces: static pages (no build step) served with strict security headers."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)

#: No inline script or style, nothing from elsewhere: the room may have no internet anyway.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def frontend_dir() -> Path:
    packaged = Path(__file__).parent.parent / "frontend"  # inside a built wheel
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent.parent / "frontend"  # a source checkout


def _page(name: str) -> FileResponse:
    return FileResponse(
        frontend_dir() / name,
        media_type="text/html",
        headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"},
    )


@router.get("/")
async def index() -> FileResponse:
    return _page("index.html")


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    return FileResponse(frontend_dir() / "static" / "favicon.svg", media_type="image/svg+xml")


@router.get("/moderator")
async def moderator() -> FileResponse:
    return _page("moderator.html")


@router.get("/organiser")
async def organiser() -> FileResponse:
    """The secretariat's desk: signed in by the organiser key or an organiser link (#key=…)."""
    return _page("organiser.html")


@router.get("/rapporteur")
async def rapporteur() -> FileResponse:
    return _page("rapporteur.html")


@router.get("/join/{join_code}")
async def delegate(join_code: str) -> FileResponse:
    return _page("delegate.html")


@router.get("/display/{event_id}")
async def display(event_id: str) -> FileResponse:
    return _page("display.html")


@router.get("/clock/{event_id}")
async def clock(event_id: str) -> FileResponse:
    return _page("clock.html")


@router.get("/booth/{event_id}")
async def booth(event_id: str) -> FileResponse:
    """The interpreters' booth: signed in by a booth access link (#key=…), like the display."""
    return _page("booth.html")


@router.get("/live/{event_id}")
async def live(event_id: str) -> FileResponse:
    """The public live page: anyone, no key; it shows the floor only while the organiser
    publishes it (its socket says "not published" otherwise)."""
    return _page("live.html")
