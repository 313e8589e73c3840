"""`reader serve`: the reader in a web browser, through textual-serve.

textual-serve's `Server` answers `GET /` with a page (xterm.js) whose script opens a
websocket to `/ws`; for every websocket (every tab) it starts the app afresh with
`asyncio.create_subprocess_shell(command)`, which is `/bin/sh -c COMMAND`, with Textual's
WebDriver in its environment, and relays the app's stdin and stdout. `ReaderServer` adds:

* **the command quoted for that shell** (`shlex.join`; an archive path with spaces, quotes,
  `$` or `;` reaches the reader as one argument) and started with `exec`, so the shell is
  replaced by the reader; with util-linux's `setpriv`, a reader also ends when its server is
  killed outright (SIGKILL), where it would otherwise be left running;
* **addresses from the page's own**: the page's websocket goes back to the host and port the
  browser used, so an SSH tunnel to another local port (`ssh -L 9000:localhost:8000`) works;
* **who may connect**: textual-serve checks nothing, so any web page the user opens could
  connect to `ws://127.0.0.1:8000/ws`, read the screen and type keys. A websocket whose
  `Origin` is not the page's own is refused (403), and so is a request for a host name that
  is not this machine's (DNS rebinding): loopback names, IP addresses, and `--public-url`'s;
* **a prompt stop**: on ctrl+c or SIGTERM every open websocket is closed at once (without
  it aiohttp waited ~20 s for them), which makes each reader quit; one that does not within
  a few seconds is killed. A reader that ends by itself (`q`, or one that could not start)
  closes its page's websocket, and the page says "Session ended".

Nothing here imports Textual: the reader runs in the processes this starts.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import shlex
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from reader.core.sanitize import display_path

log = logging.getLogger("textual-serve")

LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})
#: Seconds a reader has to quit after its page went away before it is killed.
QUIT_GRACE = 5.0


def reader_argv(archive: Path) -> list[str]:
    """The reader on `archive`, in this Python (so in this installation)."""
    return [sys.executable, "-m", "reader", "open", "--", str(Path(archive).absolute())]


def app_command(argv: list[str], setpriv: str | None = None) -> str:
    """`argv` as the `/bin/sh -c` command textual-serve runs for each browser tab.

    `exec` replaces the shell by the program; `setpriv --pdeathsig TERM` (Linux) has the
    program sent SIGTERM when the server dies without closing it.
    """
    prefix = [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []
    return "exec " + shlex.join([*prefix, *argv])


def find_setpriv() -> str | None:
    return shutil.which("setpriv") if sys.platform.startswith("linux") else None


def is_loopback(host: str) -> bool:
    """Is `host` (a name or an address, IPv6 with or without brackets) this machine only?"""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def listening_url(host: str, port: int) -> str:
    """The address to give a user for a server listening on `host`."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"  # a wildcard is not an address a browser can open
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an address, the port filled in; None when it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme in ("https", "wss") else 80)
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port


class ReaderServer(Server):
    """textual-serve's Server, with the additions listed at the top of this module."""

    def __init__(self, argv: list[str], host: str = "127.0.0.1", port: int = 8000,
                 public_url: str | None = None, title: str = "reader",
                 announce: str = "") -> None:
        super().__init__(app_command(argv, find_setpriv()), host=host, port=port,
                         title=title, public_url=public_url or listening_url(host, port))
        self.given_url = public_url
        self.announce = announce
        self._sockets: set[web.WebSocketResponse] = set()

    # -- who may connect ----------------------------------------------------------------
    def host_allowed(self, request: web.Request) -> bool:
        """A Host header naming this machine: not a name that a web page made point here."""
        site = _origin(f"http://{request.host}")
        if site is None:
            return False
        name = site[1]
        given = _origin(self.given_url) if self.given_url else None
        return is_loopback(name) or _is_address(name) or (given is not None
                                                           and name == given[1])

    def origin_allowed(self, request: web.Request) -> bool:
        """A websocket from this server's own page, or from a program (no Origin)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser: browsers always send Origin on a websocket
        site = _origin(origin)
        if site is None:
            return False
        own = _origin(f"{request.scheme}://{request.host}")
        return site in {own, _origin(self.given_url) if self.given_url else None}

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()

        @web.middleware
        async def check_host(request: web.Request,
                             handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                             ) -> web.StreamResponse:
            if not self.host_allowed(request):
                raise web.HTTPMisdirectedRequest(text="not this server's name")
            return await handler(request)

        app.middlewares.append(check_host)
        return app

    # -- the page -----------------------------------------------------------------------
    def _base_url(self, request: web.Request) -> str:
        """Where the browser reached this server: its page's own scheme, host and port."""
        return self.given_url.rstrip("/") if self.given_url else (
            f"{request.scheme}://{request.host}")

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        base = self._base_url(request)
        websocket = request.app.router["websocket"].url_for()
        static = request.app.router["static"].url_for(filename="/")
        scheme, rest = base.split(":", 1)
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": ("wss:" if scheme == "https" else "ws:") + rest + str(websocket),
            "config": {"static": {"url": base + str(static).rstrip("/") + "/"}},
            "application": {"name": self.title},
        }

    async def on_startup(self, app: web.Application) -> None:
        if self.announce:
            print(self.announce, flush=True)

    # -- one websocket, one reader (textual-serve 1.1's handler, plus what is above) ---------
    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not self.origin_allowed(request):
            log.warning("Refused a websocket from %r", request.headers.get("Origin"))
            raise web.HTTPForbidden(text="not from this server's page")
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        self._sockets.add(websocket)
        try:
            await websocket.prepare(request)
            app_service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            watcher = asyncio.create_task(self._close_when_app_ends(app_service, websocket))
            try:
                await self._process_messages(websocket, app_service)
            finally:
                watcher.cancel()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            self._sockets.discard(websocket)
            if app_service is not None:
                await self._stop_app(app_service)
        return websocket

    @staticmethod
    async def _close_when_app_ends(app_service: AppService,
                                   websocket: web.WebSocketResponse) -> None:
        """A reader that ends (or never starts) closes its page's websocket, so the page says
        "Session ended" instead of waiting on its intro card for ever."""
        process = getattr(app_service, "_process", None)  # textual-serve keeps it private
        if process is not None:
            await process.wait()
            await asyncio.sleep(0.5)  # the relay passes on the last frame first
            await websocket.close()

    @staticmethod
    async def _stop_app(app_service: AppService) -> None:
        """Ask the reader to quit (textual-serve's stop); kill it if it does not."""
        try:
            await asyncio.wait_for(app_service.stop(), QUIT_GRACE)
        except Exception:  # a timeout, or a pipe already closed
            pass
        process = getattr(app_service, "_process", None)
        if process is not None and process.returncode is None:
            try:
                process.kill()
            except ProcessLookupError:
                pass
            await process.wait()

    async def on_shutdown(self, app: web.Application) -> None:
        """ctrl+c or SIGTERM: close every websocket now; each handler then stops its reader."""
        await asyncio.gather(
            *(socket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")
              for socket in list(self._sockets)),
            return_exceptions=True,
        )


def serve(archive: Path, host: str = "127.0.0.1", port: int = 8000,
          public_url: str | None = None) -> None:
    """Serve the reader on `archive` until ctrl+c or SIGTERM. Raises OSError when it cannot
    listen there (the port is taken, the address is not this machine's)."""
    url = public_url or listening_url(host, port)
    ReaderServer(reader_argv(archive), host=host, port=port, public_url=public_url,
                 announce=f"Serving {display_path(str(archive))} at {url} (ctrl+c stops)"
                 ).serve()
