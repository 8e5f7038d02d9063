"""Every explorer with tabs goes through them with ctrl+pagedown / ctrl+pageup (listed in help),
and the command palette lists each tab."""

from __future__ import annotations

import pytest
from textual.widgets import TabbedContent, TabPane

from tests.tui.conftest import open_explorer
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.base import NEXT_TAB, PREVIOUS_TAB
from tlsexplorer.tui.screens.help import HelpScreen

TABBED = ["ca", "inspector", "rsa", "symmetric", "tls"]


@pytest.mark.parametrize("explorer_id", TABBED)
async def test_the_tab_keys_go_through_every_tab_and_are_in_help(explorer_id: str) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, explorer_id)  # type: ignore[call-overload]
        panes = [
            (group.id, pane.id) for group in screen.query(TabbedContent)
            for pane in group.query(TabPane)
            if next(a for a in pane.ancestors if isinstance(a, TabbedContent)) is group
        ]
        assert panes and [(t.tabs_id, t.pane_id) for t in screen.tabs()] == panes
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {description: key for key, description in app.screen.bindings}
        assert "pgdn" in listed["Next tab"].lower() and "pgup" in listed["Previous tab"].lower(), listed
        await pilot.press("escape")
        await pilot.pause()
        # The focus is in the first tab group (the Inspector's: Objects, Files, Recent).
        group = screen.query(TabbedContent).first()
        screen.set_focus(None)
        await pilot.pause()
        first = group.active
        own = [pane for tabs_id, pane in panes if tabs_id == group.id]
        seen = [first]
        for _ in own:
            await pilot.press(NEXT_TAB)
            await pilot.pause()
            seen.append(group.active)
        assert sorted(seen[:-1]) == sorted(own) and seen[-1] == first, seen
        await pilot.press(PREVIOUS_TAB)
        await pilot.pause()
        assert group.active == seen[-2]


async def test_the_palette_shows_a_tab() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        tabs = screen.query_one("#tabs", TabbedContent)
        assert tabs.active != "tab-rotation"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Rotation tab")
        for _ in range(100):
            await pilot.pause(0.05)
            lists = app.screen.query("CommandList")
            if lists and lists.first().option_count:  # type: ignore[attr-defined]
                break
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert tabs.active == "tab-rotation"
