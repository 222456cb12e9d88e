"""The HTTP and WebSocket stack is installed at versions past its published CVEs."""

from __future__ import annotations

from importlib.metadata import version

import pytest

#: package -> the first version without the CVEs named in pyproject.toml and docs/security.md
FLOORS = {
    "uvicorn": (0, 34),
    "starlette": (0, 49, 1),
    "h11": (0, 16, 0),
    "python-multipart": (0, 0, 22),
    "websockets": (14,),
}


def _parts(text: str) -> tuple[int, ...]:
    out = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        out.append(int(digits))
    return tuple(out)


@pytest.mark.parametrize("package", sorted(FLOORS))
def test_installed_version_is_past_the_known_cves(package: str) -> None:
    installed = version(package)
    assert _parts(installed) >= FLOORS[package], f"{package} {installed} has known CVEs"
