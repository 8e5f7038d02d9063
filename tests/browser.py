"""Finding a headless Chromium for the browser tests (issues 19 and 20).

``.ci/run`` installs Debian's chromium-headless-shell (and libnss3-tools, for
``certutil``) with apt and sets ``TLSX_REQUIRE_BROWSER=1``; then a missing
browser fails the test with the reason instead of skipping it. On a developer
machine without a browser the tests skip and say why.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest

CANDIDATES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")
"""Executables tried in order; TLSX_CHROMIUM names another one."""

T = TypeVar("T")

LOADED = "loaded"
"""What :meth:`VerdictBrowser.visit` returns when the page arrived."""

HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
"""Flags every test launch uses. The machine has no internet: without the
background-networking flags Chromium keeps trying Google's hosts."""


def chromium_path() -> str:
    """The headless Chromium to run, or a skip (a failure when CI requires one)."""
    named = os.environ.get("TLSX_CHROMIUM")
    for candidate in ((named,) if named else CANDIDATES):
        found = shutil.which(candidate)
        if found:
            return found
    _missing("no headless Chromium found (tried " + ", ".join(CANDIDATES) + ")")
    raise AssertionError("unreachable")


def certutil_path() -> str:
    """NSS's certutil (Debian's libnss3-tools), or a skip / failure as for the browser."""
    found = shutil.which("certutil")
    if found:
        return found
    _missing("certutil not found (Debian package libnss3-tools)")
    raise AssertionError("unreachable")


def _missing(reason: str) -> None:
    if os.environ.get("TLSX_REQUIRE_BROWSER"):
        pytest.fail(f"TLSX_REQUIRE_BROWSER is set but {reason}; .ci/run installs it with apt")
    pytest.skip(f"{reason}; CI sets TLSX_REQUIRE_BROWSER and then this fails instead")


# A small Chrome DevTools Protocol client (aiohttp), for tests that drive a real browser ---------



class DevTools:
    """One DevTools websocket (the browser's or a page's): ``call`` a method, ``wait_event`` for one."""

    def __init__(self, websocket: Any) -> None:
        self._ws = websocket
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._events: dict[str, asyncio.Queue[dict[str, Any]]] = {}
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self._ws:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self._pending:
                future = self._pending.pop(data["id"])
                if not future.done():
                    future.set_result(data)
            elif "method" in data:
                self._events.setdefault(data["method"], asyncio.Queue()).put_nowait(data.get("params", {}))
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionError("the DevTools connection closed"))

    async def call(self, method: str, timeout: float = 60, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result (an error raises RuntimeError)."""
        ident = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        await self._ws.send_json({"id": ident, "method": method, "params": params})
        answer = await asyncio.wait_for(future, timeout)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    async def wait_event(self, method: str, timeout: float = 60) -> dict[str, Any]:
        """The next ``method`` event (enable its domain first)."""
        queue = self._events.setdefault(method, asyncio.Queue())
        return await asyncio.wait_for(queue.get(), timeout)

    async def evaluate(self, expression: str) -> Any:
        """Run JavaScript in the page; its value (awaited when it is a promise)."""
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                                 awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def close(self) -> None:
        """Close the websocket."""
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader
        await self._ws.close()


class Chromium:
    """A headless Chromium started by :func:`chromium`: open pages (tabs) and close them."""

    def __init__(self, session: Any, port: int, browser: DevTools) -> None:
        self.session = session
        self.port = port
        self.browser = browser
        """The browser-wide DevTools connection (targets, downloads)."""

    async def new_page(self, width: int = 1280, height: int = 800) -> tuple[str, DevTools]:
        """A new tab on about:blank: its target id and its own DevTools connection (Page, Runtime on)."""
        target = (await self.browser.call("Target.createTarget", url="about:blank",
                                          width=width, height=height))["targetId"]
        websocket = await self.session.ws_connect(f"ws://127.0.0.1:{self.port}/devtools/page/{target}",
                                                  max_msg_size=64 * 1024 * 1024)
        page = DevTools(websocket)
        await page.call("Page.enable")
        await page.call("Runtime.enable")
        await page.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                        deviceScaleFactor=1, mobile=False)
        return target, page

    async def close_page(self, target: str, page: DevTools) -> None:
        """Close a tab, as a person closing it would."""
        await page.close()
        await self.browser.call("Target.closeTarget", targetId=target)


@contextlib.asynccontextmanager
async def chromium(profile: Path, *extra_flags: str, home: Path | None = None) -> AsyncIterator[Chromium]:
    """Start a headless Chromium (:func:`chromium_path`, :data:`HEADLESS_FLAGS`) with its DevTools
    on a free port of 127.0.0.1 and its profile in ``profile``; stop it at the end. ``home`` becomes
    its HOME: on Linux Chromium reads the NSS database ``home/.pki/nssdb`` (:func:`trust_in_nss`)."""
    import aiohttp

    profile.mkdir(parents=True, exist_ok=True)
    (profile / "DevToolsActivePort").unlink(missing_ok=True)
    with open(profile / "chromium.log", "wb") as log:
        process = subprocess.Popen(
            [chromium_path(), *HEADLESS_FLAGS, "--remote-debugging-address=127.0.0.1",
             "--remote-debugging-port=0", f"--user-data-dir={profile}", *extra_flags, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=log, stdin=subprocess.DEVNULL,
            env={**os.environ, "HOME": str(home)} if home is not None else None,
        )
    try:
        port, path = await asyncio.to_thread(_devtools_endpoint, process, profile)
        async with aiohttp.ClientSession() as session:
            browser = DevTools(await session.ws_connect(f"ws://127.0.0.1:{port}{path}",
                                                        max_msg_size=64 * 1024 * 1024))
            try:
                yield Chromium(session, port, browser)
            finally:
                with contextlib.suppress(Exception):
                    await browser.call("Browser.close", timeout=10)
                await browser.close()
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _devtools_endpoint(process: subprocess.Popen[bytes], profile: Path, timeout: float = 60,
                       ) -> tuple[int, str]:
    """The DevTools port and browser path Chromium writes in DevToolsActivePort once it listens."""
    deadline = time.monotonic() + timeout
    active = profile / "DevToolsActivePort"
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            lines = active.read_text().split()
            if len(lines) >= 2:
                return int(lines[0]), lines[1]
        if process.poll() is not None:
            break
        time.sleep(0.05)
    log = (profile / "chromium.log").read_text(errors="replace")[-3000:]
    raise RuntimeError(f"Chromium's DevTools did not answer (exit status {process.poll()}):\n{log}")


class VerdictBrowser:
    """A synchronous face on :func:`chromium` for tests that only ask "what does Chromium say here?".

    :meth:`visit` opens a URL in a new tab and returns ``loaded`` or Chromium's net error name
    (``ERR_CERT_AUTHORITY_INVALID``) as ``Page.navigate`` reports it: the name the warning page
    shows. ``home`` becomes the browser's HOME (its NSS database: :func:`trust_in_nss`). Use as a
    context manager; the browser is always stopped on exit.
    """

    def __init__(self, home: Path, *, extra_flags: Sequence[str] = (), deadline: float = 30.0) -> None:
        self.home = home
        self.extra_flags = tuple(extra_flags)
        self.deadline = deadline
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._stack = contextlib.AsyncExitStack()
        self._browser: Chromium | None = None

    def __enter__(self) -> VerdictBrowser:
        self._thread.start()
        try:
            self._browser = self._call(self._stack.enter_async_context(
                chromium(self.home / "chromium-profile", *self.extra_flags, home=self.home)), 90)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout or self.deadline + 5)

    def visit(self, url: str) -> str:
        """Open ``url`` in a new tab: ``loaded``, or Chromium's net error name (``ERR_...``)."""
        return self._call(self._visit(url))

    async def _visit(self, url: str) -> str:
        assert self._browser is not None
        target, page = await self._browser.new_page()
        try:
            answer = await page.call("Page.navigate", timeout=self.deadline, url=url)
            error = str(answer.get("errorText", ""))
            return error.removeprefix("net::") if error else LOADED
        finally:
            await self._browser.close_page(target, page)

    def ignore_certificate_errors(self, ignore: bool) -> None:
        """What Proceed on the warning page does, for every site (``Security.setIgnoreCertificateErrors``):
        the browser's ``--insecure``. A failed handshake is not a certificate error and still fails."""
        assert self._browser is not None
        self._call(self._browser.browser.call("Security.setIgnoreCertificateErrors", ignore=ignore))

    def close(self) -> None:
        """Stop the browser and the thread that talks to it."""
        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                self._call(self._stack.aclose(), 30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        if not self._loop.is_running():
            self._loop.close()


def trust_in_nss(home: Path, root_pem: Path, nickname: str = "tlsexplorer test root") -> Path:
    """Make ``home/.pki/nssdb`` (the NSS database Chromium reads on Linux) trust ``root_pem`` for TLS
    servers, with ``certutil`` as a person would; returns the database folder."""
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True, exist_ok=True)
    certutil = certutil_path()
    if not (nssdb / "cert9.db").exists():  # -N on an existing database asks for its password forever
        subprocess.run([certutil, "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True,
                       capture_output=True, stdin=subprocess.DEVNULL, timeout=30)
    subprocess.run([certutil, "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", nickname, "-i", str(root_pem)],
                   check=True, capture_output=True, stdin=subprocess.DEVNULL, timeout=30)
    return nssdb
