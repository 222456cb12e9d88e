"""``floorkeeper serve``: one process with everything, on SQLite unless told otherwise; and
``export``/``import`` (one event) and ``backup``/``restore`` (the whole database).

``serve --log-format json`` (or ``FLOORKEEPER_LOG_FORMAT=json``) writes the log as JSON lines on
stdout, uvicorn's access lines included, each with the REST request's id (app/logs.py); the
banner then goes into the log too, without its secrets."""

from __future__ import annotations

import gc

# The collector is off while the server's modules are imported, and ``serve`` keeps it off until
# the hearing is loaded (``settle_garbage_collector``): a start makes ~120,000 objects that live
# as long as the process, and scanning them again and again as they are made took 0.10-0.12 s of
# a 0.9 s start (``gc.callbacks``, timed). The pattern Python's documentation gives for
# ``gc.freeze``: disable early, freeze what the start made, enable.
_COLLECTING = gc.isenabled()
gc.disable()

import argparse
import asyncio
import errno
import gc
import logging
import os
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from uvicorn.config import LOGGING_CONFIG

from . import build, keyfile
from .api import connections
from .api.connections import Guard, guarded
from .api.live import live_target, serve_live
from .api.wire import PreparedFramesProtocol, websocket_protocol
from .api.ws import serve_socket, socket_target
from .config import ConfigError, Limits, Settings
from .logs import LOG_FORMATS, configure_logging, install_log_filters, redact_path
from .main import StartupInfo, create_app
from .store.db import database_problem, sqlite_file

log = logging.getLogger("floorkeeper")


# The WebSocket settings the field notes ask for: no per-message deflate (it doubles CPU per
# broadcast and triples memory per connection), small frames, regular pings.
def uvicorn_config(
    app: object,
    host: str,
    port: int,
    forwarded_allow_ips: str = "127.0.0.1",
    guard: Guard | None = None,
    http: type[asyncio.Protocol] | str | None = None,
    ws: type[asyncio.Protocol] = PreparedFramesProtocol,
    log_config: dict[str, Any] | None = None,
) -> uvicorn.Config:
    """``guard``: the connection guard (app/api/connections.py; default: the default ``Limits``'
    under the present file limit); ``http``: the HTTP protocol (default: h11 under the guard);
    ``ws``: the WebSocket protocol (``wire.websocket_protocol()``); ``log_config``: logging's
    dictConfig for uvicorn (``logs.json_logging()``; default: uvicorn's own text lines)."""
    guard = guard or Guard.from_limits(Limits(), forwarded_allow_ips)
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        interface="asgi3",  # (``sockets_first`` is a plain function returning the coroutine)
        host=host,
        port=port,
        log_level="info",
        log_config=LOGGING_CONFIG if log_config is None else log_config,
        # h11 (uvicorn's "auto" without httptools, as here) with a deadline for every request
        # head and caps on connections, per address and in all (app/api/connections.py)
        http=guarded(guard) if http is None else http,
        # the kernel's queue of connections not yet accepted, and how many asyncio accepts (or,
        # out of descriptors, fails to) per wake-up: 512 under a file limit of 8,192 or more,
        # less under a lower one (connections.backlog; uvicorn's default is 2,048)
        backlog=guard.backlog,
        # Behind a TLS proxy on these addresses, X-Forwarded-Proto/-For are believed: cookies
        # get Secure and limits count the phone's address, not the proxy's.
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        # Measured with bench/ (burst of 1,000 floor requests): uvloop cost 5.8 ms of CPU per
        # request against 3.3 ms for asyncio's own loop, and httptools no better than h11 here;
        # so the standard library's loop, whatever else is installed.
        loop="asyncio",
        # uvicorn's sans-I/O protocol (one transport.write per frame, no legacy drain), which
        # also writes frames prepared once for every socket (app/api/wire.py)
        ws=ws,
        ws_per_message_deflate=False,
        ws_max_size=128 * 1024,  # the app refuses frames over 64 KiB with an error it names
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
    )


def sockets_first(app: ASGIApp) -> ASGIApp:
    """``app`` with its sockets served at once, as the edge middleware would serve them
    (app/api/edge.py), without passing FastAPI, Starlette and their middlewares on the way: a
    socket lives for hours, and each layer it passes keeps a coroutine frame alive as long
    (about 1.8 KB of a connection's 19 in all; docs/benchmarks.md). Those layers do nothing for a
    socket (they pass it on); Starlette's one job, ``scope["app"]``, is done here. A plain
    function: it keeps no frame of its own either (uvicorn is told it is ASGI 3)."""

    def asgi(scope: Scope, receive: Receive, send: Send) -> Any:
        if scope["type"] == "websocket":
            target = socket_target(scope["path"])
            if target is not None:
                scope["app"] = app
                return serve_socket(WebSocket(scope, receive, send), **target)
            live = live_target(scope["path"])  # the public live page's
            if live is not None:
                scope["app"] = app
                return serve_live(WebSocket(scope, receive, send), **live)
        return app(scope, receive, send)  # everything else as before, other sockets included

    return asgi


class ClientFaultsAreNotCrashes(logging.Filter):
    """uvicorn logs a client's text frame of invalid UTF-8 with a full traceback, as if the server
    had failed; it has not (the socket is closed with 1007, as it should be). Keep one warning
    line, so that a broken or hostile phone cannot fill the log with tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Invalid UTF-8 sequence received from client"):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True


def settle_garbage_collector() -> None:
    """Once the hearing is loaded: what exists now (the code, the log folded into state) lives
    as long as the process, so the collector stops scanning it (``gc.freeze``), and it runs less
    often. Measured with bench/ (burst of 1,000 floor requests): collections took 0.8 s of the
    burst's CPU, with full ones of 0.3 s landing in the slowest answers; 0.1 s after this."""
    gc.freeze()
    gc.set_threshold(10_000, 20, 50)
    gc.enable()  # off since the start (the top of this module, ``main``)


class _Version(argparse.Action):
    """``--version``: the version, the build and the database schema (app/build.py), read only
    when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="say which floorkeeper this is")

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        print(build.describe())
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="floorkeeper", description=__doc__)
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--database-url",
        help="SQLAlchemy URL (default: FLOORKEEPER_DATABASE_URL or sqlite:///floorkeeper.db); "
        "e.g. postgresql+psycopg://user@host/db",
    )
    serve.add_argument(
        "--redis-url",
        help="several processes on one PostgreSQL database: the fan-out between them, e.g. "
        "redis://127.0.0.1:6379/0 (default: FLOORKEEPER_REDIS_URL; none: one process)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("FLOORKEEPER_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        help="addresses of TLS proxies whose X-Forwarded-* headers are trusted "
        "(default: FLOORKEEPER_FORWARDED_ALLOW_IPS or 127.0.0.1; '*' trusts any)",
    )
    serve.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default=os.environ.get("FLOORKEEPER_LOG_FORMAT", "text").strip().lower() or "text",
        help="text lines on stderr, or one JSON object per line on stdout (time, level, logger, "
        "message, request_id) for a log collector; never a secret (default: "
        "FLOORKEEPER_LOG_FORMAT or text)",
    )
    serve.add_argument(
        "--metrics-public",
        action="store_true",
        help="serve GET /metrics without a credential, for a scraper on a private network "
        "(default: FLOORKEEPER_METRICS_PUBLIC; else the organiser key is needed)",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="load the seed's hearing into an empty database and print links to every face",
    )
    _tool_commands(commands)
    return parser


_DATABASE_HELP = (
    "SQLAlchemy URL (default: FLOORKEEPER_DATABASE_URL or sqlite:///floorkeeper.db), as for serve"
)


def _tool_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``export``, ``import``, ``backup``, ``restore``: moving and keeping a hearing (README)."""
    export = commands.add_parser(
        "export",
        help="write one event (programme, log, people, links) to a file; with no event, list "
        "the events (id, title · room · date)",
    )
    export.add_argument(
        "event_id", nargs="?", help="the event's id; left out: the events are listed to pick from"
    )
    export.add_argument(
        "file",
        nargs="?",
        default="",
        help="the file to write (gzip'd JSON Lines, e.g. day.fk.jsonl.gz)",
    )
    export.add_argument("--force", action="store_true", help="replace the file if it exists")
    import_ = commands.add_parser(
        "import", help="read an event written by export into the database (one transaction)"
    )
    import_.add_argument("file")
    backup = commands.add_parser(
        "backup", help="copy the whole SQLite database to a file, while the server serves"
    )
    backup.add_argument("file")
    backup.add_argument("--force", action="store_true", help="replace the file if it exists")
    restore = commands.add_parser(
        "restore", help="put a backup in place as the database (the server stopped)"
    )
    restore.add_argument("file")
    restore.add_argument(
        "--force", action="store_true", help="replace the database if it exists (not if in use)"
    )
    for tool in (export, import_, backup, restore):
        tool.add_argument("--database-url", help=_DATABASE_HELP)
        tool.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def run_tool(args: argparse.Namespace) -> int:
    """One of the commands that move and keep a hearing: 0 done, 1 refused (the reason on
    stderr), 2 a setting refused."""
    from . import backup, transfer  # only now: serve does not need them

    try:
        settings = Settings.from_env(database_url=args.database_url)
    except ConfigError as error:
        print(f"floorkeeper: {error}", file=sys.stderr)
        return 2
    url = settings.database_url
    out = None if args.quiet else sys.stderr
    try:
        if args.command == "export" and not args.event_id:  # which one? each by title, room, date
            print(transfer.listing(transfer.list_events(url)))
        elif args.command == "export":
            if not args.file:
                raise transfer.Refused(
                    f"name the file to write: floorkeeper export {args.event_id} FILE"
                )
            sent = transfer.export_event(
                url, args.event_id, Path(args.file), force=args.force, out=out
            )
            print(f"exported {sent.describe()} to {args.file} ({sent.size:,} bytes)")
        elif args.command == "import":
            transfer.read_header(Path(args.file))  # a file refused before anything is made
            _make_database_directory(url)  # as restore does
            got = transfer.import_event(url, Path(args.file), out=out)
            print(
                f"imported {got.describe()}; {got.segments} segments. A server already "
                "running on this database shows it after its next start."
            )
        elif args.command == "backup":
            made = backup.backup(url, Path(args.file), force=args.force, out=out)
            print(f"backed up {made.source} to {made.target}: {made.describe()}")
        else:
            put = backup.restore(Path(args.file), url, force=args.force, out=out)
            print(f"restored {put.source} into {put.target}: {put.describe()}")
    except transfer.Refused as error:
        print(f"floorkeeper {args.command}: {error}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error, SQLAlchemyError) as error:  # a disk, a file, a server
        said = tool_problem(args.command, error, url, Path(args.file))
        print(f"floorkeeper {args.command} failed: {said}", file=sys.stderr)
        return 1
    return 0


#: The tools that write a file of their own, the database only read: a write that fails is
#: about their file's disk (outside probe K: a full backup disk was worded as the database's).
WRITE_THEIR_FILE = frozenset({"backup", "export"})


def tool_problem(command: str, error: BaseException, database_url: str, file: Path) -> str:
    """What went wrong, in one line, about the path it went wrong on: the file ``backup`` or
    ``export`` writes when writing it failed (its disk full or read-only); else the database,
    which ``restore`` and ``import`` write and every tool reads (``database_problem``)."""
    database = sqlite_file(database_url)
    if command in WRITE_THEIR_FILE and _writing_failed(error, file):
        return file_problem(error, file)
    if isinstance(error, OSError) and database is not None:
        return file_problem(error, database)  # restore's or import's write to the database
    return database_problem(error, database_url) or str(error)


def _reason(error: BaseException) -> str:
    """The system's or the database's own words for ``error``: its first line."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    cause = error.orig if isinstance(error, DBAPIError) else error
    said = str(cause).strip()
    return said.splitlines()[0] if said else type(error).__name__


def _writing_failed(error: BaseException, file: Path) -> bool:
    """Whether ``error`` is the tool's own file failing to be written: any OSError (the tools
    read the database through SQLite), or SQLite's words for a write that failed (a backup's
    copy is written by SQLite); not the database's being locked, damaged or not a database."""
    if isinstance(error, OSError):
        return True
    if not isinstance(error, sqlite3.Error):
        return False  # SQLAlchemy's: reading the database (export)
    said = _reason(error)
    if "unable to open" in said:
        return not os.access(file.parent, os.W_OK)
    return any(words in said for words in ("disk is full", "readonly", "disk I/O error"))


def file_problem(error: BaseException, path: Path) -> str:
    """A write to ``path`` that failed, in one line, with what to do: its disk full, read-only
    or failing, no right to write there; else the system's words."""
    where = path.parent
    number = error.errno if isinstance(error, OSError) else None
    said = _reason(error)
    if number in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in said:
        return f"the disk under {path} is full: free some space (df -h {where}) and try again"
    if number == errno.EROFS or "readonly" in said:
        return (
            f"cannot write {path}: {where} is read-only (a disk remounted read-only after "
            "errors, a write-protected stick?): write it on another disk"
        )
    if number in (errno.EACCES, errno.EPERM) or "unable to open" in said:
        return f"cannot write {path}: check that this user may write in {where}"
    if number == errno.EIO or "disk I/O error" in said:
        return (
            f"the disk under {path} failed ({said}): check that it has free space "
            f"(df -h {where}) and reports no errors (dmesg), then try again"
        )
    return f"cannot write {path} ({said})"


def _make_database_directory(database_url: str) -> None:
    """A SQLite database's directory, made if missing (``restore`` and ``import`` write a whole
    database; ``serve`` refuses a missing directory, most often a mistyped path)."""
    from .transfer import sqlite_file

    path = sqlite_file(database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


#: The addresses only this machine reaches: plain HTTP on them crosses no network.
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def plain_http_on_a_network(host: str, base: str) -> bool:
    """Whether the server listens beyond this machine (``--host``) and its links are plain
    HTTP: every key then crosses the venue's network readable."""
    return host not in _LOOPBACK and not base.startswith("https://")


#: What ``serve`` says when it does (outside probe L: nothing warned of it).
PLAIN_HTTP_WARNING = (
    "  Warning: plain HTTP on the network. The organiser, moderator and display keys cross the\n"
    "  venue's network readable by anyone on it (a shared Wi-Fi password does not stop that):\n"
    '  put HTTPS in front (README: "HTTPS on the venue\'s network") and set\n'
    "  FLOORKEEPER_PUBLIC_URL=https://..., or keep --host 127.0.0.1."
)


def banner(
    info: StartupInfo,
    base: str,
    secrets: bool = True,
    redis_url: str | None = None,
    host: str = "127.0.0.1",
) -> str:
    """What ``serve`` prints once it is up. ``secrets=False`` (a JSON log, which a collector
    keeps and ships): no organiser key and no link's key, only where to find them. A server
    that listens on the network over plain HTTP says so first (``plain_http_on_a_network``)."""
    lines = ["", f"Floorkeeper is running at {base}", f"  API docs (OpenAPI):  {base}/docs"]
    if plain_http_on_a_network(host, base):
        lines[2:2] = PLAIN_HTTP_WARNING.splitlines()
    if info.build:
        lines.append(f"  Version:             {info.build}")
    lines.append(f"  Processes:           {processes_line(redis_url)}")
    lines += key_lines(info, secrets)
    if info.links and not secrets:
        lines.append(
            "  The links below carry no key in a JSON log: mint links with the organiser key"
        )
    if info.demo_event_id:
        lines.append(f"  Demo event:          {info.demo_event_id}")
    labels = {
        "moderator": "Moderator console",
        "display": "Room display",
        "clock": "Speaker clock",
        "booth": "Interpreters' booth",
        "organiser": "Organiser's desk",
        "delegate": "Delegates join",
    }
    for role, path in info.links.items():
        shown = path if secrets else redact_path(path.partition("#")[0])  # no key, no join code
        lines.append(f"  {labels.get(role, role) + ':':<20} {base}{shown}")
    if "organiser" not in info.links:
        # where the secretariat starts (outside probe S: the key alone, and no address to open)
        desk = f"{base}/organiser"
        if info.organiser_key and secrets:
            desk += f"#key={info.organiser_key}"
        else:
            desk += "  (sign in there with the organiser key)"
        lines.append(f"  {labels['organiser'] + ':':<20} {desk}")
    return "\n".join(lines) + "\n"


def processes_line(redis_url: str | None) -> str:
    """Whether this process serves alone or as one of several (and through which Redis)."""
    if not redis_url:
        return "one process (no Redis)"
    from .fanout import redis_address

    return f"one of several: Redis at {redis_address(redis_url)}"


def key_lines(info: StartupInfo, secrets: bool = True) -> list[str]:
    """The banner's lines about an organiser key this start made (none for a key it found)."""
    if info.organiser_key_file:
        return [keyfile.banner_line(info.organiser_key_file)]
    if info.organiser_key and secrets:
        return [f"  Organiser key (shown once, keep it safe): {info.organiser_key}"]
    if info.organiser_key:
        return [
            "  Organiser key (new): not written to a JSON log and not kept in a file: set "
            f"FLOORKEEPER_ORGANISER_KEY (or {keyfile.ENVIRONMENT}) and restart"
        ]
    return []


#: uvicorn's exit status for a start that failed (``uvicorn.server.STARTUP_FAILURE``)
STARTUP_FAILURE = 3


#: What to do when the port is taken (outside probe K: the second start said only uvicorn's
#: "address already in use").
PORT_IN_USE = (
    "another Floorkeeper, or another program, is listening on port {port}: stop it, or start "
    "this one on another port (--port)"
)


def bind(host: str, port: int) -> list[socket.socket]:
    """The listening address bound before anything else is done (the database opened, an
    organiser key made), as asyncio's ``create_server`` binds it: every address ``host``
    resolves to, ``SO_REUSEADDR``, IPv6 sockets IPv6 only. Raises ``OSError`` with asyncio's
    words ("error while attempting to bind on address ...: address already in use"), and for a
    port in use what to do (``PORT_IN_USE``)."""
    infos = socket.getaddrinfo(
        host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE
    )
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as error:
                if error.errno == errno.EADDRNOTAVAIL:  # that family is not enabled here
                    sockets.pop().close()
                    continue
                said = str(error.strerror).lower()
                if error.errno == errno.EADDRINUSE:
                    said += f": {PORT_IN_USE.format(port=port)}"
                raise OSError(
                    error.errno, f"error while attempting to bind on address {address!r}: {said}"
                ) from None
        if not sockets:
            raise OSError(errno.EADDRNOTAVAIL, f"no address to bind on for {host!r}")
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def explain_startup_failures(
    app: Any, database_url: str, secrets: bool = True
) -> Callable[[ASGIApp], ASGIApp]:
    """Make ``app``'s start say what went wrong in one line instead of a traceback when the
    database is the cause (a missing directory, a server down, a full disk: ``database_problem``),
    and show an organiser key the start made before it failed (it is the database's key from
    then on). Returns the wrapper that keeps Starlette's copy of the traceback out of uvicorn's
    log for such a start."""
    told: list[str] = []
    inner: Callable[[Any], AbstractAsyncContextManager[Any]] = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(target: Any) -> AsyncIterator[Any]:
        started = False
        try:
            async with inner(target) as state:
                started = True
                yield state
        except Exception as error:
            if started:
                raise
            _show_unseen_key(getattr(target.state, "startup", None), secrets)
            problem = database_problem(error, database_url)
            if problem is None:
                raise
            told.append(problem)
            log.error("%s", problem)
            raise

    app.router.lifespan_context = lifespan

    def quiet(asgi: ASGIApp) -> ASGIApp:
        def wrapped(scope: Scope, receive: Receive, send: Send) -> Any:
            if scope["type"] != "lifespan":
                return asgi(scope, receive, send)

            async def send_told(message: Message) -> None:
                if message["type"] == "lifespan.startup.failed" and told:
                    message = {**message, "message": ""}  # said already, in one line
                await send(message)

            return asgi(scope, receive, send_told)

        return wrapped

    return quiet


def _show_unseen_key(info: object, secrets: bool) -> None:
    """A start that failed after making the organiser key shows it all the same: only its hash
    is stored, and the next start finds it and shows nothing."""
    if not isinstance(info, StartupInfo):
        return
    lines = key_lines(info, secrets)
    if not lines:
        return
    if secrets:
        print("\nThis start failed, but it made the database's organiser key first:", flush=True)
        print("\n".join(lines), flush=True)
    else:
        for line in lines:
            log.warning("this start failed after making the organiser key: %s", line.strip())


def connection_guard(limits: Limits, forwarded_allow_ips: str) -> tuple[Guard, str | None]:
    """The file limit raised, the connection guard that follows from it, and None; or, if the
    installed uvicorn is not the one the guard was written for, "h11" (uvicorn's own protocol,
    without the guard) and a warning."""
    files = connections.raise_file_limit()
    guard = Guard.from_limits(limits, forwarded_allow_ips, files.soft)
    connections.report(files, guard, limits)
    gaps = connections.problems()
    if not gaps:
        return guard, None
    log.warning(
        "uvicorn %s's HTTP protocol is not the one app/api/connections.py was written for (%s): "
        "serving without its request-head deadline and connection caps; put a proxy with its "
        "own (nginx: client_header_timeout, limit_conn) in front",
        uvicorn.__version__,
        "; ".join(gaps),
    )
    return guard, "h11"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command != "serve":
        return run_tool(args)
    as_json = args.log_format == "json"
    log_config = configure_logging(args.log_format)
    connections.install_log_filter()  # asyncio's failed accepts: counted, not one traceback each
    try:
        settings = Settings.from_env(
            database_url=args.database_url,
            metrics_public=args.metrics_public or None,
            redis_url=args.redis_url,
        )
    except ConfigError as error:
        print(f"floorkeeper: {error}", file=sys.stderr)
        return 2
    if as_json and keyfile.configured() is None and settings.organiser_key is None:
        # a key made on first start goes to a file (0600, in the working directory), not the log
        os.environ[keyfile.ENVIRONMENT] = str(Path("floorkeeper-organiser-key").absolute())
    # before the app opens its database: the file limit, then the caps that follow from it
    guard, http = connection_guard(settings.limits, args.forwarded_allow_ips)
    ws = websocket_protocol()
    gc.disable()  # until the hearing is loaded: settle_garbage_collector
    app = create_app(settings, demo=args.demo)
    base = settings.public_url or f"http://{args.host}:{args.port}"
    quiet = explain_startup_failures(app, settings.database_url, secrets=not as_json)

    config = uvicorn_config(
        quiet(sockets_first(app)),
        args.host,
        args.port,
        args.forwarded_allow_ips,
        guard=guard,
        http=http,
        ws=ws,
        log_config=log_config,
    )
    logging.getLogger("uvicorn.error").addFilter(ClientFaultsAreNotCrashes())  # after its setup
    install_log_filters()  # join codes and stored values out of the log (app/logs.py)
    try:  # first: a start that cannot listen opens no database and makes no organiser key
        listening = bind(args.host, args.port)
    except OSError as error:
        logging.getLogger("uvicorn.error").error("%s", error)  # in uvicorn's words, as before
        return STARTUP_FAILURE
    server = uvicorn.Server(config)

    original_startup = server.startup

    async def startup(sockets: list[socket.socket] | None = None) -> None:
        await original_startup(sockets=sockets)
        if server.should_exit:
            return
        for bound in listening:  # uvicorn says this only for the sockets it binds itself
            shown, bound_port = bound.getsockname()[:2]
            shown = f"[{shown}]" if bound.family == socket.AF_INET6 else shown
            logging.getLogger("uvicorn.error").info(
                "Uvicorn running on http://%s:%d (Press CTRL+C to quit)", shown, bound_port
            )
        settle_garbage_collector()
        app.state.startup.build = await asyncio.to_thread(build.describe)  # off the loop
        if as_json:  # one record per line of the banner, in the log's own format
            shown = banner(
                app.state.startup, base, secrets=False, redis_url=settings.redis_url, host=args.host
            )
            for line in shown.splitlines():
                if line.strip():
                    log.info("%s", line.strip())
        else:
            said = banner(app.state.startup, base, redis_url=settings.redis_url, host=args.host)
            print(said, flush=True)

    server.startup = startup  # type: ignore[method-assign]
    try:
        server.run(sockets=listening)
    finally:
        for bound in listening:
            bound.close()
    return 0


if _COLLECTING:  # imported, not run (tests, tools): as it was
    gc.enable()


if __name__ == "__main__":
    sys.exit(main())
