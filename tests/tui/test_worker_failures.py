"""A worker that fails in a way its screen did not expect is said on screen, on every explorer."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from textual import work
from textual.worker import WorkerFailed

from tests.tui.conftest import open_explorer
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS


@pytest.mark.parametrize("explorer_id", [item.id for item in EXPLORERS])
async def test_an_unexpected_worker_failure_is_shown(explorer_id: str) -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen: Any = await open_explorer(pilot, explorer_id)

        @work(thread=True, exit_on_error=False)
        def broken(self: Any) -> None:
            raise KeyError("no such field")

        worker = broken(screen)
        with contextlib.suppress(WorkerFailed):
            await worker.wait()
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert any("KeyError" in m and "no such field" in m for m in shown), shown
        assert app.is_running
