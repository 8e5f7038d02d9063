"""``tlsexplorer web``: the app served to browser tabs by textual-serve, one app process per tab.

textual-serve (Textual's own server: aiohttp, xterm.js in the page, the web driver's protocol
over each app's pipes) does the work. :class:`WebServer` subclasses its ``Server`` for what a
class of learners needs and it does not do:

- it listens through :func:`tlsexplorer.core.listen.listen` (127.0.0.1 unless told otherwise;
  a port in use is one clear error; port 0 picks a free one);
- each tab's app (:class:`AppProcess`) runs in its own process group, so ending it ends
  everything it started; an app that has not quit :data:`QUIT_GRACE` seconds after its tab
  closed is killed;
- Ctrl+C or SIGTERM stops within a few seconds with tabs open (textual-serve alone waits about
  20 s for aiohttp's shutdown), and no app process is left behind;
- at most :data:`MAX_TABS` apps at once; a websocket opened by another site's page (another
  Origin) or through a name that is not this server's (DNS rebinding) is refused;
- the page loads nothing from the internet (textual-serve's asks Google Fonts for the font it
  also ships) and says that files are read and written on the serving machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import re
import shlex
import signal
import sys
from asyncio.subprocess import PIPE, Process
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int
from yarl import URL

from tlsexplorer.core.listen import LOOPBACK, is_loopback, listen

log = logging.getLogger("tlsexplorer.web")

QUIT_GRACE = 2.0
"""Seconds an app has to quit once asked (tab closed, server stopping) before it is killed."""
SHUTDOWN_TIMEOUT = 2.0
"""Seconds aiohttp waits for the last requests once every app has ended."""
MAX_TABS = 16
"""Apps (tabs) served at once: each is a Python process of about 60 MB."""
MIN_SIZE, MAX_SIZE = 10, 1000
"""Bounds of the terminal size (columns and rows) a tab may ask for at start."""

NOTICE = (
    "tlsexplorer served from {host}: files are read and written on that machine, not on yours; "
    "Download sends you a copy. No password protects this page."
)
"""The line the page shows under the app."""

APP_ARGV: tuple[str, ...] = (sys.executable, "-m", "tlsexplorer")
"""The command each tab runs: the app, which sees textual-serve's ``TEXTUAL_DRIVER`` and draws
into its pipes instead of asking for a terminal (:func:`tlsexplorer.cli.launch_tui`)."""

_PAGE_STYLE = """
<style>
  @font-face { font-family: "Roboto Mono"; src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf"); }
  body { margin: 0; overflow: hidden; }
  body #terminal.textual-terminal { width: 100vw; height: calc(100vh - 1.6rem); }
  #tlsx-notice {
    position: fixed; left: 0; right: 0; bottom: 0; height: 1.6rem; line-height: 1.6rem;
    padding: 0 0.75rem; overflow: hidden; white-space: nowrap; text-overflow: ellipsis;
    font: 13px "Roboto Mono", monospace; color: #e0e0e0; background: #5a1d1d;
  }
</style>
"""


class AppProcess(AppService):
    """One tab's app: started without a shell, in its own session, killed with its group if it lingers."""

    def __init__(self, argv: Sequence[str], **kwargs: Any) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = tuple(argv)
        self.process: Process | None = None
        """The app's process once started."""

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        # textual-serve runs the command through a shell in the server's process group; here the
        # app is the process itself and leads its own group, so killpg ends all it started, and a
        # Ctrl+C in the server's terminal reaches the server alone, which then stops the apps in order.
        process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=PIPE, stdout=PIPE, stderr=PIPE,
            env=self._build_environment(width=width, height=height), start_new_session=True,
        )
        assert process.stdin is not None
        self._process = self.process = process
        self._stdin = process.stdin
        return process

    def kill(self) -> None:
        """End the app and every process it started (its process group), now."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)

    async def stop(self) -> None:
        """Ask the app to quit (textual-serve's way); after :data:`QUIT_GRACE` s kill its group."""
        stopping = asyncio.ensure_future(super().stop())
        _done, pending = await asyncio.wait({stopping}, timeout=QUIT_GRACE)
        if pending:
            self.kill()
        await stopping
        process = self.process
        if process is not None:
            try:
                await asyncio.wait_for(process.wait(), QUIT_GRACE)
            except asyncio.TimeoutError:
                self.kill()
                await process.wait()
            self.kill()  # whatever it started and left running


class WebServer(Server):
    """textual-serve's server with the bounds, the clean stop and the page of ``tlsexplorer web``."""

    def __init__(self, *, host: str = LOOPBACK, port: int = 8000, argv: Sequence[str] = APP_ARGV) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title="tlsexplorer")
        self.argv = tuple(argv)
        self.apps: set[AppProcess] = set()
        """The apps running now, one per open tab."""
        self._sockets: set[web.WebSocketResponse] = set()
        self._stopping = False

    # The page -------------------------------------------------------------------------------

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """textual-serve's page, with URLs relative to the address the browser used, no font from
        the internet, and the notice that files live on the serving machine."""
        response = await super().handle_index(request)
        assert isinstance(response, web.Response) and response.text is not None
        response.text = self.page(response.text, request.host)
        response.headers["Cache-Control"] = "no-store"
        return response

    def page(self, text: str, host: str) -> str:
        """The rendered page, working from ``host`` (the browser's Host header), saying where files are."""
        origin = self.public_url.split(":", 1)[1]  # //127.0.0.1:8000
        text = text.replace(f"ws:{origin}/ws", f"ws://{html.escape(host)}/ws")
        text = text.replace(f"{self.public_url}/static/", "/static/")
        text = re.sub(r"<link[^>]*fonts\.googleapis\.com[^>]*>", "", text)
        text = text.replace("</head>", _PAGE_STYLE + "</head>", 1)
        notice = f'<div id="tlsx-notice" role="note">{html.escape(NOTICE.format(host=host))}</div>'
        return re.sub(r"(<body[^>]*>)", lambda match: match.group(1) + notice, text, count=1)

    async def on_startup(self, app: web.Application) -> None:
        """Nothing to print here: the command prints the URL and the warning."""

    # Requests -------------------------------------------------------------------------------

    def refusal(self, request: web.Request) -> str | None:
        """Why a request must be refused, or None.

        Served on loopback, the Host must be a loopback name with this port: a page of another
        site whose name was made to point at 127.0.0.1 (DNS rebinding) sends its own name. A
        websocket's Origin (browsers always send one) must be the page's own origin: any page
        may open a websocket to 127.0.0.1, and without this check it would drive the app.
        """
        try:
            host = URL(f"http://{request.host}")
        except ValueError:
            return "bad Host header"
        if is_loopback(self.host) and not (host.host and is_loopback(host.host) and host.port == self.port):
            return f"this server answers on a loopback address with port {self.port} only"
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"http://{request.host}":
            return "a page of another origin may not open the app"
        return None

    @web.middleware
    async def guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Refuse what :meth:`refusal` names, before any handler runs."""
        reason = self.refusal(request)
        if reason is not None:
            raise web.HTTPForbidden(text=reason + "\n")
        return await handler(request)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: start its own app, relay it, and end it when the tab goes away."""
        if self._stopping:
            raise web.HTTPServiceUnavailable(text="the server is stopping\n")
        if len(self.apps) >= MAX_TABS:
            raise web.HTTPServiceUnavailable(text=f"{MAX_TABS} tabs are open already: close one\n")
        websocket = web.WebSocketResponse(heartbeat=15, timeout=QUIT_GRACE, max_msg_size=1024 * 1024)
        await websocket.prepare(request)
        app = AppProcess(
            self.argv, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
            close=websocket.close, download_manager=self.download_manager,
        )
        self.apps.add(app)
        self._sockets.add(websocket)
        try:
            width = min(max(to_int(request.query.get("width", "80"), 80), MIN_SIZE), MAX_SIZE)
            height = min(max(to_int(request.query.get("height", "24"), 24), MIN_SIZE), MAX_SIZE)
            await app.start(width, height)
            await self._process_messages(websocket, app)
        except (ValueError, TypeError, KeyError, AssertionError) as exc:
            log.warning("a tab sent a message that is not textual-serve's: %s", exc)
        finally:
            await asyncio.shield(app.stop())
            self.apps.discard(app)
            self._sockets.discard(websocket)
            await websocket.close()
        return websocket

    # Running --------------------------------------------------------------------------------

    async def run(self, ready: Callable[[str], None]) -> None:
        """Listen, call ``ready(url)``, serve until SIGINT or SIGTERM, then stop every app.

        Raises:
            UsageError: the address cannot be listened on (port in use, privileged port).
        """
        listener = listen(self.port, self.host)
        self.port = listener.getsockname()[1]
        name = f"[{self.host.strip('[]')}]" if ":" in self.host else self.host
        self.public_url = f"http://{name}:{self.port}"
        runner = web.AppRunner(await self._make_app(), handle_signals=False,
                               shutdown_timeout=SHUTDOWN_TIMEOUT, access_log=None)
        await runner.setup()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self._on_signal, stop)
        try:
            await web.SockSite(runner, listener).start()
            ready(self.public_url + "/")
            await stop.wait()
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
            await self.shutdown(runner)

    def _on_signal(self, stop: asyncio.Event) -> None:
        if stop.is_set():  # a second Ctrl+C: no more waiting for apps to quit
            for app in list(self.apps):
                app.kill()
        stop.set()

    async def shutdown(self, runner: web.AppRunner) -> None:
        """Stop taking tabs, ask every app to quit (killed after :data:`QUIT_GRACE`), close the tabs."""
        self._stopping = True
        await asyncio.gather(*(app.stop() for app in list(self.apps)), return_exceptions=True)
        for websocket in list(self._sockets):
            with contextlib.suppress(Exception):
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"the server stopped")
        await runner.cleanup()
        for app in list(self.apps):
            app.kill()


def serve(*, host: str, port: int, ready: Callable[[str], None]) -> None:
    """Serve the app until Ctrl+C; ``ready(url)`` is called once the port is open.

    Raises:
        UsageError: the address cannot be listened on.
    """
    asyncio.run(WebServer(host=host, port=port).run(ready))


__all__ = ["APP_ARGV", "MAX_TABS", "NOTICE", "QUIT_GRACE", "AppProcess", "WebServer", "serve"]
