"""Start an app headless, wait until its first screen is mounted and idle, exit.

``python benchmarks/startup_probe.py tlsexplorer|bare``. Both sides go through
exactly the same harness, so the difference is the app itself.
"""

from __future__ import annotations

import asyncio
import sys


async def main(which: str) -> None:
    """Build the chosen app and wait for it to settle."""
    if which == "tlsexplorer":
        from tlsexplorer.tui.app import TlsExplorerApp

        app = TlsExplorerApp()
    else:
        from textual.app import App, ComposeResult
        from textual.widgets import Footer, Header, Static

        class BareApp(App[None]):
            def compose(self) -> ComposeResult:
                yield Header()
                yield Static("Hello")
                yield Footer()

        app = BareApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
