"""Probe for the ``bundle`` benchmark: seconds until the Inspector lists a bundle, headless.

Usage: ``python benchmarks/inspector_probe.py BUNDLE.pem``. Prints one number:
the time from sending the file to the Inspector until every object is in its
table and the screen has refreshed.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path


async def measure(path: Path) -> float:
    """Open the Inspector, then time how long the bundle takes to be listed."""
    from tlsexplorer.tui.app import TlsExplorerApp
    from tlsexplorer.tui.payloads import OpenFiles
    from tlsexplorer.tui.widgets.virtual_table import VirtualTable

    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#insp-objects", VirtualTable)
        start = time.perf_counter()
        app.open_explorer("inspector", OpenFiles((path,)))
        while table.row_count < 2 or not any(f.label == str(path) for f in getattr(app.screen, "files", [])):
            await asyncio.sleep(0.002)
        await pilot.pause()
        return time.perf_counter() - start


def main() -> int:
    """Print the measured seconds."""
    print(f"{asyncio.run(measure(Path(sys.argv[1]))):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
