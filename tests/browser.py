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
import queue
import shutil
import subprocess
import threading
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest

T = TypeVar("T")

CANDIDATES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")
"""Executables tried in order; TLSX_CHROMIUM names another one."""

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


# A headless Chromium driven over the DevTools protocol ---------------------------------------

LOADED = "loaded"
"""What :meth:`Chromium.visit` returns when the page arrived."""


class Chromium:
    """One headless Chromium for many URLs, each visited in a new tab (a DevTools target).

    ``home`` becomes the browser's HOME: on Linux Chromium reads the NSS
    database ``home/.pki/nssdb`` for the roots a user added (see
    :func:`trust_in_nss`). :meth:`visit` says ``loaded`` or Chromium's net
    error name (``ERR_CERT_AUTHORITY_INVALID``), as ``Page.navigate`` reports
    it: the same name the interstitial page shows. Use as a context manager;
    the process is always killed on exit.
    """

    def __init__(self, home: Path, *, extra_flags: Sequence[str] = (), deadline: float = 30.0) -> None:
        self.home = home
        """The private HOME (and, under it, the profile)."""
        self.extra_flags = tuple(extra_flags)
        """Flags beyond :data:`HEADLESS_FLAGS`."""
        self.deadline = deadline
        """Seconds allowed for start-up and for each visit."""
        self._process: subprocess.Popen[bytes] | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._session: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._events: list[tuple[str, dict[str, Any]]] = []
        self._reader: asyncio.Task[None] | None = None

    def __enter__(self) -> Chromium:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Launch the browser and connect to its DevTools endpoint."""
        profile = self.home / "chromium-profile"
        profile.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "HOME": str(self.home)}
        command = [chromium_path(), *HEADLESS_FLAGS, *self.extra_flags, f"--user-data-dir={profile}",
                   "--remote-debugging-port=0", "about:blank"]
        self._process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = self._endpoint()
        self._thread.start()
        self._call(self._connect(url))

    def _endpoint(self) -> str:
        """The browser's ws:// URL, read from the DevTools line on stderr (within the deadline)."""
        assert self._process is not None and self._process.stderr is not None
        found: queue.Queue[str | None] = queue.Queue()
        stderr = self._process.stderr

        def read() -> None:
            said: list[str] = []
            for raw in stderr:
                line = raw.decode(errors="replace")
                said.append(line)
                if "DevTools listening on " in line:
                    found.put(line.split("DevTools listening on ", 1)[1].strip())
                    # keep draining stderr so that Chromium never blocks on a full pipe
            found.put(None)
            self._stderr_tail = "".join(said[-20:])

        threading.Thread(target=read, daemon=True).start()
        try:
            url = found.get(timeout=self.deadline)
        except queue.Empty:
            url = None
        if url is None:
            raise AssertionError(f"Chromium did not start within {self.deadline}s: "
                                 f"{getattr(self, '_stderr_tail', '')}")
        return url

    async def _connect(self, url: str) -> None:
        self._session = aiohttp.ClientSession()
        self._socket = await self._session.ws_connect(url, max_msg_size=64 * 1024 * 1024)
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        assert self._socket is not None
        async for message in self._socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = json.loads(message.data)
            waiter = self._waiting.pop(data.get("id", -1), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(data)
            elif "method" in data:
                self._events.append((data["method"], data.get("params", {})))
        for waiter in self._waiting.values():
            if not waiter.done():
                waiter.set_exception(ConnectionError("the DevTools connection closed"))

    async def send(self, method: str, params: dict[str, Any] | None = None,
                   session: str | None = None) -> dict[str, Any]:
        """One DevTools command; its result (an error answer raises)."""
        assert self._socket is not None
        number = next(self._ids)
        waiter: asyncio.Future[dict[str, Any]] = self._loop.create_future()
        self._waiting[number] = waiter
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        await self._socket.send_str(json.dumps(message))
        answer = await asyncio.wait_for(waiter, self.deadline)
        if "error" in answer:
            raise AssertionError(f"DevTools {method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(self.deadline + 5)

    def visit(self, url: str) -> str:
        """Open ``url`` in a new tab: ``loaded``, or Chromium's net error name (``ERR_...``)."""
        return self._call(self._visit(url))

    async def _visit(self, url: str) -> str:
        target = (await self.send("Target.createTarget", {"url": "about:blank"}))["targetId"]
        try:
            session = (await self.send("Target.attachToTarget",
                                       {"targetId": target, "flatten": True}))["sessionId"]
            answer = await self.send("Page.navigate", {"url": url}, session)
            error = str(answer.get("errorText", ""))
            return error.removeprefix("net::") if error else LOADED
        finally:
            await self.send("Target.closeTarget", {"targetId": target})

    def ignore_certificate_errors(self, ignore: bool) -> None:
        """What Proceed on the warning page does, for every site (``Security.setIgnoreCertificateErrors``):
        the browser's ``--insecure``. A failed handshake is not a certificate error and still fails."""
        self._call(self.send("Security.setIgnoreCertificateErrors", {"ignore": ignore}))

    def close(self) -> None:
        """Disconnect and kill the browser."""
        if self._thread.is_alive():
            async def shut() -> None:
                if self._socket is not None:
                    await self._socket.close()
                if self._session is not None:
                    await self._session.close()
            with contextlib.suppress(Exception):
                self._call(shut())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(10)
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
