"""``tlsexplorer web`` run as a user runs it, and a tab opened on it as a browser does (aiohttp).

:func:`web_server` starts the real command on port 0 (never a fixed port) and reads the URL it
prints; :class:`Tab` fetches the page, opens the websocket the page names, sends keys as xterm.js
does (``["stdin", ...]``) and reads back what the app draws, escape sequences removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import psutil

DEADLINE = 60.0
"""Seconds a test waits for the app to draw something: generous, the suite runs loaded."""

KEYS = {"f1": "\x1bOP", "f4": "\x1bOS", "f5": "\x1b[15~", "enter": "\r", "tab": "\t",
        "ctrl+s": "\x13", "ctrl+g": "\x07", "escape": "\x1b"}
"""What xterm.js sends for a few keys."""

_ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=!]*[ -/]*[@-~]|\x1b[PX^_].*?\x1b\\|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b."
)


def visible(data: bytes) -> str:
    """The text of terminal output: escape sequences dropped, each cursor move a space."""
    return re.sub(r"\s+", " ", _ESCAPES.sub(b" ", data).decode("utf-8", "replace"))


class WebServer:
    """A running ``tlsexplorer web``: its process, its URL and the app processes it started."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url

    def apps(self) -> list[psutil.Process]:
        """The app processes (``-m tlsexplorer``) started by the server and still running."""
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        return [child for child in children if _running(child)]

    def stop(self, timeout: float = DEADLINE) -> float:
        """Ctrl+C (SIGINT) and the seconds until the server exited."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=timeout)
        return time.monotonic() - started


def _running(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def app_pids_alive(pids: list[int]) -> list[int]:
    """The pids of ``pids`` that still run (not gone, not zombies)."""
    alive = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            if _running(psutil.Process(pid)):
                alive.append(pid)
    return alive


@contextlib.contextmanager
def web_server(cwd: Path, *args: str) -> Iterator[WebServer]:
    """``tlsexplorer web --port 0`` in ``cwd`` (HOME there too); stopped and reaped at the end."""
    env = {**os.environ, "HOME": str(cwd)}
    for name in ("TEXTUAL_DRIVER", "NO_COLOR"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tlsexplorer", "web", "--port", "0", *args],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    if "serving the app on" not in first:
        process.kill()
        raise AssertionError(f"tlsexplorer web did not start: {first!r} {process.communicate()[1]!r}")
    server = WebServer(process, first.split()[-1])
    try:
        yield server
    finally:
        apps = [app.pid for app in server.apps()]
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.communicate(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                process.kill()
        # The apps inherited the server's stdout and stderr: until they are gone, reading those
        # pipes to their end would wait forever (a failed test must fail, not hang the suite).
        for pid in app_pids_alive(apps):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=DEADLINE)


class Tab:
    """One browser tab as textual-serve's page makes it: the page, then its websocket."""

    def __init__(self, session: aiohttp.ClientSession, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.session = session
        self.websocket = websocket
        self.output = bytearray()
        """Everything the app drew so far."""
        self.messages: list[Any] = []
        """The JSON messages the server sent (``["deliver_file_start", key]``...)."""

    @classmethod
    async def open(cls, session: aiohttp.ClientSession, url: str, width: int = 120, height: int = 40) -> Tab:
        """Fetch the page, find its websocket URL, connect as the page does."""
        async with session.get(url) as response:
            assert response.status == 200, response.status
            page = await response.text()
        match = re.search(r'data-session-websocket-url="([^"]+)"', page)
        assert match, "the page names no websocket"
        websocket = await session.ws_connect(f"{match.group(1)}?width={width}&height={height}",
                                             headers={"Origin": url.rstrip("/")})
        return cls(session, websocket)

    async def send(self, *keys: str) -> None:
        """Type keys (names from :data:`KEYS`, else the text itself)."""
        for key in keys:
            await self.websocket.send_json(["stdin", KEYS.get(key, key)])

    async def wait_for(self, text: str, timeout: float = DEADLINE, *, since: int = 0) -> str:
        """Read the app's output until ``text`` shows (after byte ``since``); the visible text."""
        deadline = time.monotonic() + timeout
        while text not in (shown := visible(bytes(self.output[since:]))):
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                await self.read(left)
            except TimeoutError:
                raise AssertionError(f"{text!r} never showed; the app drew: {shown[-3000:]!r}") from None
        return shown

    async def wait_message(self, kind: str, timeout: float = DEADLINE) -> Any:
        """The next JSON message of ``kind`` from the server."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages:
                if message[0] == kind:
                    self.messages.remove(message)
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {kind!r} message came")
            await self.read(left)

    async def read(self, timeout: float) -> None:
        """Read one message from the websocket."""
        message = await self.websocket.receive(timeout=timeout)
        if message.type == aiohttp.WSMsgType.BINARY:
            self.output += message.data
        elif message.type == aiohttp.WSMsgType.TEXT:
            self.messages.append(json.loads(message.data))
        else:
            raise ConnectionError(f"the websocket closed ({message.type.name})")

    async def close(self) -> None:
        """Close the tab."""
        await self.websocket.close()


# The same tab in a real browser (tests/browser.py's Chromium) ----------------------------------

XTERM_HOOK = """Object.defineProperty(Object.prototype, "terminal", {configurable: true, set(value) {
  Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
  if (value && value.buffer) window.__xterm = value;
}});"""
"""Run before the page's scripts: textual-serve's page keeps its xterm.js terminal in a private
object (``this.terminal = new Terminal(...)``); this hands it to ``window.__xterm`` so a test
can read the screen's text from xterm's buffer (the page draws on a canvas, not in the DOM)."""

XTERM_TEXT = """(() => {
  const term = window.__xterm;
  if (!term) return "";
  const buffer = term.buffer.active, rows = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()"""
"""The terminal's rows as text."""

CDP_KEYS = {"F1": 112, "F4": 115, "F5": 116, "Escape": 27, "k": 75}
"""Windows virtual key codes for the keys the browser tests press."""


async def screen_text(page: Any) -> str:
    """What xterm.js shows in ``page`` now, one line per row."""
    return str(await page.evaluate(XTERM_TEXT) or "")


async def wait_screen(page: Any, check: Any, timeout: float = DEADLINE) -> str:
    """Poll the page's terminal text until ``check(text)`` holds; the text."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = await screen_text(page)
        if check(text):
            return text
        await asyncio.sleep(0.1)
    raise AssertionError(f"the browser never showed what was expected; it shows:\n{text}")


async def open_app(page: Any, url: str) -> str:
    """Load the served page in ``page``, wait for Home, give the terminal the keyboard; Home's text."""
    await page.call("Page.addScriptToEvaluateOnNewDocument", source=XTERM_HOOK)
    await page.call("Page.navigate", url=url)
    home = await wait_screen(page, lambda text: "Symmetric" in text and "Help" in text)
    # What a click on the page does: xterm.js reads keys from its hidden text area.
    await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
    return home


async def press(page: Any, key: str, *, alt: bool = False) -> None:
    """Press and release ``key`` (a DOM key name from :data:`CDP_KEYS`) as a person would."""
    code = CDP_KEYS[key]
    common = {"key": key, "code": f"Key{key.upper()}" if len(key) == 1 else key,
              "windowsVirtualKeyCode": code, "modifiers": 1 if alt else 0}
    await page.call("Input.dispatchKeyEvent", type="rawKeyDown", **common)
    await page.call("Input.dispatchKeyEvent", type="keyUp", **common)


SCREENSHOT_CHECK = """(async (data) => {
  const image = new Image();
  image.src = "data:image/png;base64," + data;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  const colours = new Set();
  for (let i = 0; i < pixels.length; i += 4 * 7) {
    colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
  }
  const bottom = context.getImageData(2, image.height - 4, 1, 1).data;
  return {width: image.width, height: image.height, colours: colours.size,
          bottom: [bottom[0], bottom[1], bottom[2]]};
})"""
"""JavaScript that decodes a PNG screenshot in the page and says its size, how many colours it
has (a blank page has one or two) and the colour of its bottom-left corner (the notice bar)."""


async def screenshot(page: Any) -> tuple[bytes, dict[str, Any]]:
    """A PNG of the page and what :data:`SCREENSHOT_CHECK` reads in it."""
    import base64

    data = (await page.call("Page.captureScreenshot", format="png"))["data"]
    facts = await page.evaluate(f"{SCREENSHOT_CHECK}({json.dumps(data)})")
    return base64.b64decode(data), facts
