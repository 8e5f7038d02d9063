"""``tlsexplorer web`` in a real headless Chromium: Home, a key, the Inspector, a second tab, Ctrl+C.

One Chromium for every step (it is the slow part). The screen is read from xterm.js's own
buffer, and the screenshot is decoded in the page; in CI a missing browser fails the test
(tests/browser.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.browser import chromium, chromium_path
from tests.web_support import DEADLINE, app_pids_alive, open_app, press, screenshot, wait_screen, web_server

pytestmark = pytest.mark.network

NOTICE_RED = (0x5A, 0x1D, 0x1D)
"""The background of the page's notice bar (tui/web.py)."""


def title_row(text: str) -> str:
    return text.splitlines()[0] if text else ""


async def test_the_app_in_chromium(tmp_path: Path) -> None:
    chromium_path()  # skip (or fail in CI) with the reason when there is no browser
    with web_server(tmp_path) as server:
        async with chromium(tmp_path / "profile") as browser:
            target, page = await browser.new_page(1200, 760)
            home = await open_app(page, server.url)
            assert "alt+k Help" in home  # served: the footer offers what the browser does not take

            # F4 opens the Inspector, as in a terminal.
            await press(page, "F4")
            inspector = await wait_screen(page, lambda text: "Inspector" in title_row(text))
            assert "Open path" in inspector
            png, facts = await screenshot(page)
            assert png.startswith(b"\x89PNG\r\n\x1a\n")
            assert (facts["width"], facts["height"]) == (1200, 760)
            assert facts["colours"] > 8, facts  # drawn, not a blank page
            assert all(abs(a - b) <= 8 for a, b in zip(facts["bottom"], NOTICE_RED, strict=True)), facts

            # alt+k stands for F1 (which a browser keeps): xterm.js sends it and help opens.
            await press(page, "k", alt=True)
            await wait_screen(page, lambda text: "Everywhere" in text)

            # A second tab gets its own app; closing it ends that app, the first keeps going.
            second_target, second = await browser.new_page(1000, 700)
            second_home = await open_app(second, server.url)
            assert "Inspector" not in title_row(second_home)
            assert len(server.apps()) == 2
            await browser.close_page(second_target, second)
            for _ in range(int(DEADLINE * 10)):
                if len(server.apps()) == 1:
                    break
                await asyncio.sleep(0.1)
            assert len(server.apps()) == 1
            await press(page, "Escape")
            await wait_screen(page, lambda text: "Inspector" in title_row(text) and "Everywhere" not in text)

            # Ctrl+C with the tab open: stops soon, leaves no app, and the page says the session ended.
            pids = [app.pid for app in server.apps()]
            seconds = await asyncio.to_thread(server.stop)
            assert seconds < 10, seconds
            assert app_pids_alive(pids) == []
            ended = await page.evaluate("new Promise(r => setTimeout(() => "
                                        "r(document.body.classList.contains('-closed')), 500))")
            assert ended is True
            await browser.close_page(target, page)
