"""docs/protocol.md documents every command, event, server message and client frame type.

Commands and events each need a ``### `type` `` heading in their own section, and the doc may not
keep a heading for a type the code no longer has. Message and frame types need a ``### `type` ``
heading or a backticked mention in their section.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.floor import contributions
from app.floor.commands import command_types
from app.floor.events import event_types

PROTOCOL = Path(__file__).resolve().parent.parent / "docs" / "protocol.md"

SERVER_MESSAGES = (
    "snapshot",
    "update",
    "synced",
    "mine",
    "programme",
    "outcome",
    "outcome_update",
    "instruments",
    "day_end",
    "ack",
    "error",
    "pong",
)
CLIENT_FRAMES = ("hello", "ping", "command")

_SECTION = re.compile(r"^## (?!#)(.+)$", re.MULTILINE)
_TYPE_HEADING = re.compile(r"^###\s+`([^`]+)`\s*$", re.MULTILINE)


def _sections() -> dict[str, str]:
    """The doc's ``##`` sections: lower-cased title -> body (up to the next ``##``)."""
    text = PROTOCOL.read_text(encoding="utf-8")
    starts = list(_SECTION.finditer(text))
    return {
        match.group(1).strip().lower(): text[
            match.end() : starts[i + 1].start() if i + 1 < len(starts) else len(text)
        ]
        for i, match in enumerate(starts)
    }


def _section(title_start: str) -> str:
    sections = _sections()
    for title, body in sections.items():
        if title.startswith(title_start):
            return body
    titles = ", ".join(sections) or "none"
    raise AssertionError(
        f"docs/protocol.md has no '## {title_start.capitalize()}...' section (found: {titles})"
    )


def _headed_types(body: str) -> list[str]:
    return _TYPE_HEADING.findall(body)


def _undocumented(expected: list[str] | tuple[str, ...], body: str, *, mention: bool) -> list[str]:
    headed = set(_headed_types(body))
    return [
        name for name in expected if name not in headed and not (mention and f"`{name}`" in body)
    ]


def test_every_command_type_has_a_heading() -> None:
    missing = _undocumented(command_types(), _section("commands"), mention=False)
    assert not missing, (
        "docs/protocol.md has no '### `<type>`' heading under '## Commands' for: "
        + ", ".join(missing)
    )


def test_every_event_type_has_a_heading() -> None:
    missing = _undocumented(event_types(), _section("events"), mention=False)
    assert not missing, (
        "docs/protocol.md has no '### `<type>`' heading under '## Events' for: "
        + ", ".join(missing)
    )


def test_no_heading_documents_a_command_that_is_gone() -> None:
    gone = sorted(set(_headed_types(_section("commands"))) - set(command_types()))
    assert not gone, (
        "docs/protocol.md documents command types that app.floor.commands no longer has: "
        + ", ".join(gone)
    )


def test_no_heading_documents_an_event_that_is_gone() -> None:
    gone = sorted(set(_headed_types(_section("events"))) - set(event_types()))
    assert not gone, (
        "docs/protocol.md documents event types that app.floor.events no longer has: "
        + ", ".join(gone)
    )


def test_every_server_message_type_is_documented() -> None:
    missing = _undocumented(SERVER_MESSAGES, _section("server"), mention=True)
    assert not missing, (
        "docs/protocol.md does not document these server messages under "
        "'## Server → client messages': " + ", ".join(missing)
    )


def test_every_client_frame_type_is_documented() -> None:
    missing = _undocumented(CLIENT_FRAMES, _section("client"), mention=True)
    assert not missing, (
        "docs/protocol.md does not document these client frames under "
        "'## Client → server frames': " + ", ".join(missing)
    )


def test_each_command_and_event_is_documented_once() -> None:
    headings = _headed_types(_section("commands")) + _headed_types(_section("events"))
    repeated = sorted({name for name in headings if headings.count(name) > 1})
    assert not repeated, "docs/protocol.md documents these types more than once: " + ", ".join(
        repeated
    )


def test_every_rest_route_has_a_heading() -> None:
    from app.api.access import ROUTES

    text = PROTOCOL.read_text(encoding="utf-8")
    missing = [
        route
        for route in ROUTES
        if " /api/v1/" in route and f"### `{route.replace('/api/v1', '', 1)}`" not in text
    ]
    assert not missing, "docs/protocol.md has no '### `METHOD /path`' heading for: " + ", ".join(
        missing
    )


def test_every_outcome_command_and_event_has_a_heading() -> None:
    commands = _section("outcome commands")
    events = _section("outcome events")
    assert sorted(_headed_types(commands)) == sorted(contributions.command_types())
    assert sorted(_headed_types(events)) == sorted(contributions.event_types())
