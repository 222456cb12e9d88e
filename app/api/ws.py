"""WebSocket transport: a snapshot, then one update per version; pings; commands with acks.

Protocol (docs/protocol.md): the client's first frame is ``hello`` (with its token unless the
session cookie carries it, and the last version it saw when resuming). Frames are JSON text of
at most 64 KiB. Errors are frames of type ``error`` that name the problem; the connection stays up.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

import orjson
from fastapi import WebSocket
from pydantic import BaseModel, ConfigDict, Field, Strict, TypeAdapter, ValidationError
from starlette.responses import JSONResponse
from starlette.websockets import WebSocketDisconnect

from ..auth import hash_token
from ..engine import Engine
from ..floor import Actor, FloorError, Role
from ..floor import commands as c
from ..floor import contributions as o
from ..floor.model import SegmentState
from ..hearing import Hearing
from ..hub import Encoded, ScreenFacts, Send, Subscriber, encode, started
from ..instruments import REFRESH_S
from ..projections import audience_of
from ..views import Audience
from .access import authorise
from .deps import (
    Services,
    client_address,
    id_in_reach,
    presented_token,
    resolve_presented,
    resolve_token,
    services_of,
)
from .desk import Face
from .errors import item_message, validation_details
from .sockets import CLOSE_UNAUTHENTICATED
from .wire import PREPARED_FRAMES

log = logging.getLogger("floorkeeper.ws")

MAX_FRAME_BYTES = 64 * 1024
HELLO_TIMEOUT_S = 10.0


class Hello(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = "hello"
    token: Annotated[str, Field(max_length=200)] | None = None
    segment_id: Annotated[str, Field(max_length=64)] | None = None
    last_version: Annotated[int, Strict(), Field(ge=0, le=2**53 - 1)] | None = None
    #: the stamp the client was given with ``last_version``: a resume needs it to be this
    #: history's stamp of that version (else a snapshot)
    last_stamp: Annotated[str, Field(max_length=32)] | None = None
    #: which page this is, for the organiser's list of connected screens (the first hello's)
    face: Face | None = None


#: What a socket is on the organiser's list when its hello does not say (a delegate is always a
#: phone: counted, not listed).
FACE_OF_ROLE: dict[Role, Face] = {
    Role.MODERATOR: "console",
    Role.DISPLAY: "display",
    Role.BOOTH: "booth",
    Role.RAPPORTEUR: "rapporteur",
    Role.DELEGATE: "phone",
}


def face_of(actor: Actor, said: Face | None) -> Face:
    if actor.role is Role.DELEGATE:
        return "phone"
    return said or FACE_OF_ROLE.get(actor.role, "other")


def shortened(address: str) -> str:
    """A network address with its last part hidden: ``192.168.1.…``, ``2001:db8:0:1:…``."""
    if address.count(".") == 3 and ":" not in address:
        return address.rsplit(".", 1)[0] + ".…"
    if ":" in address:
        return ":".join(address.split(":")[:4]) + ":…"
    return "…"


class CommandFrame(c.CommandEnvelope):
    type: str = "command"
    segment_id: Annotated[str, Field(max_length=64)] | None = None


class OutcomeFrame(BaseModel):
    """A command on the meeting day's outcome (recommendations and pledges): no segment, no
    version to base it on (``engine.execute_outcome``)."""

    model_config = ConfigDict(extra="forbid")

    type: str = "command"
    command_id: c.CommandId
    command: o.OutcomeCommand
    segment_id: Annotated[str, Field(max_length=64)] | None = None  # ignored: the event's


_HELLO = TypeAdapter(Hello)
_COMMAND = TypeAdapter(CommandFrame)
_OUTCOME = TypeAdapter(OutcomeFrame)
_OUTCOME_TYPES = frozenset(o.command_types())


class ProtocolError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "frame"
        parts.append(f"{where}: {item_message(item)}")
    return "; ".join(parts)


def origin_allowed(websocket: WebSocket, services: Services) -> bool:
    """Same origin, or one the configuration allows. Scripts without an Origin are not browsers."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    if origin in services.settings.allowed_origins:
        return True
    return urlsplit(origin).netloc.lower() == websocket.headers.get("host", "").lower()


async def deny(websocket: WebSocket, status: int, code: str, message: str) -> None:
    body = {"error": {"code": code, "message": message}}
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(JSONResponse(body, status_code=status))
    else:
        await websocket.close(code=4000 + status, reason=message[:120])


def sender(websocket: WebSocket) -> Send:
    """How frames reach this socket: as shared prepared bytes when the server offers it
    (``floorkeeper serve``, app/api/wire.py), else through the ASGI ``send`` of any server."""
    prepared = websocket.scope.get("extensions", {}).get(PREPARED_FRAMES)
    if prepared is not None:
        write: Callable[[bytes], Awaitable[None] | None] = prepared["write"]
        return lambda frame: write(frame.wire)
    return lambda frame: started(websocket.send_text(frame.text))


#: Commands of one socket decided and not yet answered before it stops reading to wait.
MAX_IN_FLIGHT = 256


class _Answer:
    """A command's place in its socket's answers: filled once the command is answered."""

    __slots__ = ("frame", "ready")

    def __init__(self) -> None:
        self.frame: Encoded | None = None  # None once ready: nothing to send (cancelled)
        self.ready = False


class Connection:
    """One socket: its subscriber and the frames it reads."""

    #: its commands decided and not yet answered (``command``)
    in_flight = 0

    def __init__(
        self,
        websocket: WebSocket,
        services: Services,
        hearing: Hearing,
        actor: Actor,
        follow_live: bool,
        face: Face = "other",
    ) -> None:
        self.websocket = websocket
        self.engine: Engine = services.engine
        self.projections = services.engine.projections
        self.hearing = hearing
        self.actor = actor
        now = self.engine.clock()
        screen = ScreenFacts(
            id=secrets.token_hex(4),
            face=face,
            role=actor.role.value,
            credential_id=actor.credential_id,
            address=shortened(client_address(websocket)),
            connected_at=now,
            last_seen_at=now,
        )
        self.screen = screen
        # frames are written by the subscriber itself, as they are published (no writer task)
        self.subscriber = Subscriber(
            hearing.event.id,
            audience_of(actor),
            actor.participant_id,
            follow_live,
            send=sender(websocket),
            snapshot=self.snapshot_frame,
            screen=screen,
        )
        self.frames = services.throttle.frames()
        self.closing: asyncio.Task[None] | None = None
        #: the answers of commands not yet sent, in the order the commands were read: one that
        #: is ready waits for those before it (a refusal is decided at once, an ack when durable)
        self.answers: collections.deque[_Answer] = collections.deque()

    def shut(self, code: int, reason: str) -> None:
        """Stop this socket now: no frame after this one, a close frame with ``code``. Used when
        its credential is revoked or expires; a command arriving meanwhile is refused by the
        engine's policy (the credential no longer holds)."""
        if self.closing is not None:
            return
        self.error("unauthenticated", reason)
        self.engine.hub.remove(self.subscriber)
        self.closing = asyncio.ensure_future(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):  # the client may be gone already
            await self.websocket.close(code=code, reason=reason[:120])

    # --- what the client receives ---------------------------------------------------------------

    def segment(self) -> SegmentState | None:
        segment_id = self.subscriber.segment_id
        return self.hearing.state.segments.get(segment_id) if segment_id else None

    def snapshot_frame(self) -> Encoded:
        segment = self.segment()
        audience = self.subscriber.audience
        if segment is None:
            message = self.projections.empty_snapshot(self.hearing, audience)
        else:
            message = self.projections.snapshot(segment, audience, self.actor.participant_id)
        # a socket's snapshot carries the outcome too, so a reset screen loses none of it
        outcome = self.projections.outcome_message(
            self.hearing, audience, self.actor.participant_id
        )
        message["outcome"] = {"version": outcome["version"], "state": outcome["state"]}
        if audience is Audience.MODERATOR:  # and the console its instruments
            message["instruments"] = self.projections.instruments_message(self.hearing)
            self.projections.instruments_soon(self.hearing, REFRESH_S)
        elif self.actor.role is Role.BOOTH:  # and the booth the day's end against its hard stop
            message["day_end"] = self.projections.day_end_message(self.hearing)
            self.projections.instruments_soon(self.hearing, REFRESH_S)
        return encode(message)

    def resume(self, hello: Hello) -> SegmentState | None:
        """The updates missed since the hello's version, then ``synced``: the segment they reach.
        Or, when this process cannot give them all, a fresh snapshot: None."""
        segment = self.segment()
        sub = self.subscriber
        missed = None
        if (
            segment is not None
            and hello.last_version is not None
            and hello.segment_id == segment.id
        ):
            missed = self.engine.hub.missed(
                segment.id, sub.audience, hello.last_version, segment.version, hello.last_stamp
            )
        if missed is None or segment is None:
            sub.push(sub.fresh())
            return None
        for frame in missed:
            sub.push(frame)
        synced = {
            "type": "synced",
            "segment_id": segment.id,
            "version": segment.version,
            "stamp": self.engine.hub.stamps.get(segment.id, segment.version),
        }
        sub.push(encode({**synced, "server_time": self.engine.clock()}))
        return segment

    def sync(self, hello: Hello) -> None:
        """Queue what the client needs after hello: missed updates, or a fresh snapshot."""
        segment = self.resume(hello)
        if segment is None:
            return
        sub = self.subscriber
        if self.actor.participant_id is not None:
            sub.push(encode(self.projections.mine_message(segment, self.actor.participant_id)))
        sub.push(
            encode(
                self.projections.outcome_message(
                    self.hearing, sub.audience, self.actor.participant_id
                )
            )
        )
        if sub.audience is Audience.MODERATOR:
            sub.push(encode(self.projections.instruments_message(self.hearing)))
            self.projections.instruments_soon(self.hearing, REFRESH_S)
        elif self.actor.role is Role.BOOTH:
            sub.push(encode(self.projections.day_end_message(self.hearing)))
            self.projections.instruments_soon(self.hearing, REFRESH_S)

    # --- what the client sends ------------------------------------------------------------------

    def reply(self, message: dict[str, Any]) -> None:
        self.subscriber.reply(encode(message))

    def error(self, code: str, message: str, **extra: Any) -> None:
        self.reply({"type": "error", "code": code, "message": message, **extra})

    def answer(self, message: dict[str, Any]) -> None:
        """A command's answer (ack or error), sent in the order the commands were sent: at once
        when no earlier command waits for its write, else behind them."""
        if not self.answers:
            self.reply(message)
            return
        place = _Answer()
        self.answers.append(place)
        self.fill(place, message)

    def hold(self) -> _Answer:
        """A place for the answer of a command that is answered later (once durable)."""
        place = _Answer()
        self.answers.append(place)
        return place

    def fill(self, place: _Answer, message: dict[str, Any] | None) -> None:
        """``place`` answered (None: nothing to send); send every answer now due, in order."""
        place.frame = encode(message) if message is not None else None
        place.ready = True
        answers = self.answers
        while answers and answers[0].ready:
            frame = answers.popleft().frame
            if frame is not None:
                self.subscriber.reply(frame)

    def command_error(self, code: str, message: str, **extra: Any) -> None:
        self.answer({"type": "error", "code": code, "message": message, **extra})

    async def handle(self, data: dict[str, Any]) -> None:
        kind = data.get("type")
        if kind == "ping":
            pong = {"type": "pong", "t": data.get("t"), "server_time": self.engine.clock()}
            try:
                frame = encode(pong)
            except TypeError:  # orjson nests 254 levels deep; its parser took up to 1024
                raise ProtocolError(
                    "malformed_frame", "ping.t is nested too deeply to echo: send a number"
                ) from None
            self.subscriber.reply(frame)
        elif kind == "command":
            await self.command(data)
        elif kind == "hello":
            try:
                hello = _HELLO.validate_python(data)
            except ValidationError as error:
                raise ProtocolError("invalid_hello", describe(error)) from None
            self.sync(hello)
        else:
            raise ProtocolError(
                "unknown_type", f"unknown frame type {kind!r}: expected ping, command or hello"
            )

    async def command(self, data: dict[str, Any]) -> None:
        body = data.get("command")
        kind = body.get("type") if isinstance(body, dict) else None
        if isinstance(kind, str) and kind in _OUTCOME_TYPES:
            await self.outcome_command(data)
            return
        try:
            frame = _COMMAND.validate_python(data)
        except ValidationError as error:
            # the client's command id is echoed when it is a string, as protocol.md says; a
            # frame without one (or with a non-string one) gets no ``command_id`` at all
            raw_id = data.get("command_id")
            extra = {"command_id": raw_id} if isinstance(raw_id, str) else {}
            details = validation_details(error.errors(include_url=False))
            self.command_error("invalid_command", describe(error), details=details, **extra)
            return
        segment_id = frame.segment_id or self.subscriber.segment_id
        command_id = frame.command_id
        try:
            answer = await self.engine.submit(
                self.hearing.event.id,
                segment_id,
                frame.command,
                self.actor,
                command_id,
                frame.base_version,
            )
        except FloorError as error:
            self.refused(error, command_id)
            return
        except Exception:  # answered in its turn all the same: the client may retry by its id
            log.exception("a command could not be decided")
            self.answer(_internal(command_id))
            return
        if isinstance(answer, dict):
            self.answer({"type": "ack", **answer})
            return
        # decided: answered once durable, while this socket reads on (its pings are not held
        # behind a write, nor its next commands: a script's burst is group-committed like the
        # room's); answers go out in the order the commands were sent (``answers``). Past
        # MAX_IN_FLIGHT unanswered, the socket waits for this one before it reads more.
        self.in_flight += 1
        place = self.hold()
        answer.add_done_callback(lambda done: self.answered(done, command_id, place))
        if self.in_flight > MAX_IN_FLIGHT:
            await asyncio.wait([answer])

    def answered(
        self, done: asyncio.Future[dict[str, Any]], command_id: str, place: _Answer
    ) -> None:
        self.in_flight -= 1
        if done.cancelled():
            self.fill(place, None)
            return
        error = done.exception()
        if error is None:
            self.fill(place, {"type": "ack", **done.result()})
        elif isinstance(error, FloorError):
            self.fill(place, _refusal(error, command_id))
        else:
            log.error("a command's answer failed", exc_info=error)
            self.fill(place, _internal(command_id))

    def refused(self, error: FloorError, command_id: str) -> None:
        self.answer(_refusal(error, command_id))

    async def outcome_command(self, data: dict[str, Any]) -> None:
        try:
            frame = _OUTCOME.validate_python(data)
        except ValidationError as error:
            raw_id = data.get("command_id")
            extra = {"command_id": raw_id} if isinstance(raw_id, str) else {}
            details = validation_details(error.errors(include_url=False))
            self.command_error("invalid_command", describe(error), details=details, **extra)
            return
        place = self.hold()  # answered in its turn, behind the floor's commands sent before it
        try:
            result = await self.engine.execute_outcome(
                self.hearing.event.id, frame.command, self.actor, frame.command_id
            )
        except FloorError as error:
            self.fill(place, _refusal(error, frame.command_id))
            return
        except Exception:
            log.exception("an outcome command could not be decided")
            self.fill(place, _internal(frame.command_id))
            return
        except BaseException:
            self.fill(place, None)
            raise
        self.fill(place, {"type": "ack", **result})

    async def read(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            self.screen.last_seen_at = self.engine.clock()  # for the organiser's list
            delay = self.frames.wait(0)
            if delay:
                refusal = {
                    "type": "error",
                    "code": "rate_limited",
                    "message": (
                        f"more than {self.frames.rate} frames a second: this one was dropped"
                    ),
                    "retry_after_s": max(1, round(delay)),
                }
                command_id = _command_id(message.get("text"))
                if command_id is not None:  # named, in its place among the commands' answers
                    self.answer({**refusal, "command_id": command_id})
                else:
                    self.reply(refusal)
                continue
            text = message.get("text")
            if text is None:
                self.error("binary_frame", "binary frames are not accepted: send JSON text")
                continue
            size = len(text.encode())
            if size > MAX_FRAME_BYTES:
                self.error("frame_too_large", f"a frame of {size} bytes is over the 64 KiB limit")
                continue
            try:
                data = orjson.loads(text)
            except orjson.JSONDecodeError as error:
                self.error("malformed_json", f"the frame is not valid JSON: {error}")
                continue
            if not isinstance(data, dict):
                self.error("malformed_frame", "a frame must be a JSON object with a 'type'")
                continue
            try:
                await self.handle(data)
            except ProtocolError as error:
                self.error(error.code, error.message)
            except Exception:  # keep serving: one bad frame must not close the socket with 1011
                log.exception("unexpected error while handling a frame")
                self.error("internal", "the server could not handle this frame")


def _command_id(text: str | None) -> str | None:
    """The ``command_id`` of a text frame that parses as a command with a string one (a frame
    refused before it is read still names the command it drops, so the client can retry it)."""
    if text is None or len(text) > MAX_FRAME_BYTES:
        return None
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or data.get("type") != "command":
        return None
    command_id = data.get("command_id")
    return command_id if isinstance(command_id, str) else None


def _internal(command_id: str) -> dict[str, Any]:
    message = "the server could not answer this command: send it again with the same command_id"
    return {"type": "error", "code": "internal", "message": message, "command_id": command_id}


def _refusal(error: FloorError, command_id: str) -> dict[str, Any]:
    return {
        "type": "error",
        "code": error.code,
        "message": error.message,
        "command_id": command_id,
        **(error.detail or {}),
    }


async def _first_hello(websocket: WebSocket) -> Hello:
    message = await asyncio.wait_for(websocket.receive(), HELLO_TIMEOUT_S)
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect()
    text = message.get("text")
    if text is None:
        raise ProtocolError(
            "expected_hello", "the first frame must be a JSON hello, sent as text (not binary)"
        )
    size = len(text.encode())
    if size > MAX_FRAME_BYTES:  # said as after the hello (outside probe: "expected_hello")
        raise ProtocolError(
            "frame_too_large",
            f"a frame of {size} bytes is over the 64 KiB limit: send the hello alone, short",
        )
    try:
        data = orjson.loads(text)
        if not isinstance(data, dict) or data.get("type") != "hello":
            raise ProtocolError("expected_hello", 'the first frame must be {"type": "hello"}')
        return _HELLO.validate_python(data)
    except orjson.JSONDecodeError as error:
        raise ProtocolError("malformed_json", f"the frame is not valid JSON: {error}") from None
    except ValidationError as error:
        raise ProtocolError("invalid_hello", describe(error)) from None


#: Close codes after a refused hello (4000 + the HTTP status it would have had).
CLOSE_CODES = {"unauthenticated": 4401, "forbidden": 4403, "too_many_connections": 4429}


def _socket_key(services: Services, token: str) -> str | None:
    """Whose sockets a token's count goes to; None for the organiser key, which is not limited."""
    digest = hash_token(token)
    return None if digest == services.auth.organiser_key_digest else digest


def _too_many(services: Services) -> str:
    limit = services.throttle.limits.connections_per_token
    return f"this link already has {limit} screens open: close one, or ask for another link"


#: The sockets: a path prefix, and the keyword of ``serve_socket`` its one last segment gives.
#: Served by the edge (``main.EdgeMiddleware``), not FastAPI's router.
SOCKET_ROUTES = {"/ws/segments/": "segment_id", "/ws/events/": "event_id"}


def socket_target(path: str) -> dict[str, str] | None:
    """``{"segment_id": ...}`` or ``{"event_id": ...}`` for a socket's path, else None."""
    for prefix, keyword in SOCKET_ROUTES.items():
        if path.startswith(prefix):
            rest = path[len(prefix) :]
            return {keyword: rest} if rest and "/" not in rest else None
    return None


async def serve_socket(
    websocket: WebSocket, *, segment_id: str | None = None, event_id: str | None = None
) -> None:
    services = services_of(websocket)
    engine = services.engine
    if not origin_allowed(websocket, services):
        await deny(websocket, 403, "origin_not_allowed", "this origin may not open a socket here")
        return
    try:
        if segment_id is not None:
            id_in_reach("segment_id", segment_id)
            hearing, _ = await engine.locate_segment(segment_id)
        else:
            id_in_reach("event_id", event_id or "")
            hearing = await engine.locate(event_id or "")
    except FloorError as error:
        await deny(websocket, error.status, error.code, error.message)
        return
    actor: Actor | None = None
    cookie = presented_token(websocket, hearing.event.id)  # that room's, before the last
    # a link already at its cap is refused after the handshake, not before it: a browser learns
    # nothing of a refused handshake (1006, as for a network fault), so its room screen could
    # not say why (several processes: asking now has the others' count known by the hello)
    room = not cookie or services.throttle.has_room(_socket_key(services, cookie))
    if cookie and room:
        found = await resolve_presented(services, websocket, hearing.event.id)
        if found is not None:
            cookie, actor = found  # the day's cookie, else (revoked, expired) the organiser key
            room = services.throttle.has_room(_socket_key(services, cookie))
        if actor is None:
            await deny(
                websocket, 401, "unauthenticated", "the session is unknown, revoked or expired"
            )
            return
    await websocket.accept()
    try:
        if not room:  # told at once (no hello awaited): error frame, then close 4429
            raise ProtocolError("too_many_connections", _too_many(services))
        hello = await _first_hello(websocket)
        if hello.token is not None:
            actor = await resolve_token(services, hello.token)
            if actor is None:
                raise ProtocolError("unauthenticated", "the token is unknown, revoked or expired")
        token = hello.token if hello.token is not None else cookie
        if actor is None or token is None:
            raise ProtocolError("unauthenticated", "send a token in hello or sign in first")
        try:
            route = "WEBSOCKET /ws/" + (
                "segments/{segment_id}" if segment_id is not None else "events/{event_id}"
            )
            authorise(actor, route, hearing.event.id)
        except FloorError as error:
            raise ProtocolError(error.code, error.message) from None
        socket_key = _socket_key(services, token)
        if not await services.throttle.reserve_socket(socket_key):
            raise ProtocolError("too_many_connections", _too_many(services))
    except (ProtocolError, TimeoutError) as error:
        code = error.code if isinstance(error, ProtocolError) else "hello_timeout"
        message = error.message if isinstance(error, ProtocolError) else "no hello within 10 s"
        with contextlib.suppress(Exception):
            await websocket.send_text(
                encode({"type": "error", "code": code, "message": message}).text
            )
            await websocket.close(code=CLOSE_CODES.get(code, 4400), reason=code)
        return
    except WebSocketDisconnect:
        return
    try:
        await _serve(websocket, services, hearing, actor, hello, segment_id)
    finally:
        services.throttle.close_socket(socket_key)


async def _serve(
    websocket: WebSocket,
    services: Services,
    hearing: Hearing,
    actor: Actor,
    hello: Hello,
    segment_id: str | None,
) -> None:
    engine = services.engine
    connection = Connection(
        websocket,
        services,
        hearing,
        actor,
        follow_live=segment_id is None,
        face=face_of(actor, hello.face),
    )
    # the request's headers were read (origin, cookie, address): not kept for the socket's life
    websocket.scope["headers"] = []
    websocket.__dict__.pop("_headers", None)  # Starlette's parsed copy, if made
    target = segment_id
    if target is None:
        followed = engine.projections.followed_segment(hearing)
        target = followed.id if followed is not None else ""
    engine.hub.add(connection.subscriber, target)
    services.sockets.add(connection)
    expiry = _close_at_expiry(services, connection)
    try:
        connection.sync(hello)
        await connection.read()
    finally:
        if expiry is not None:
            expiry.cancel()
        services.sockets.discard(connection)
        engine.hub.remove(connection.subscriber)


def _close_at_expiry(services: Services, connection: Connection) -> asyncio.TimerHandle | None:
    """Close the socket when its link expires (the link's expiry is on the server's clock)."""
    expires_at = services.auth.expires_at(connection.actor)
    if expires_at is None:
        return None
    delay_s = max(0.0, (expires_at - services.engine.clock()) / 1000)
    return asyncio.get_running_loop().call_later(
        delay_s, connection.shut, CLOSE_UNAUTHENTICATED, "this link has expired"
    )
