"""Regenerate screenshots/web.png: the app served by ``tlsexplorer web`` in headless Chromium.

Usage: ``python scripts/web_screenshot.py [--out screenshots/web.png]`` from the repository
(it uses the tests' Chromium driver, tests/browser.py, and needs chromium or
chromium-headless-shell). The Inspector is shown with the built-in samples read.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import chromium  # noqa: E402
from tests.web_support import open_app, press, screenshot, wait_screen, web_server  # noqa: E402

WIDTH, HEIGHT = 1280, 800


async def capture(out: Path) -> None:
    """Serve the app, open the Inspector in Chromium once the samples are read, save the PNG."""
    with tempfile.TemporaryDirectory() as home, web_server(Path(home)) as server:
        async with chromium(Path(home) / "profile") as browser:
            target, page = await browser.new_page(WIDTH, HEIGHT)
            await open_app(page, server.url)
            await press(page, "F4")
            await wait_screen(page, lambda text: "Inspector" in text.splitlines()[0]
                              and "certificate" in text and "reading" not in text)
            png, _facts = await screenshot(page)
            await browser.close_page(target, page)
    out.write_bytes(png)


def main() -> int:
    """Write the screenshot to ``--out``."""
    parser = argparse.ArgumentParser(prog="python scripts/web_screenshot.py")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots" / "web.png")
    args = parser.parse_args()
    asyncio.run(capture(args.out))
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
