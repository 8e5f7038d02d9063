"""The app's keys (F1, each explorer's function key, ctrl+q) win over every widget of every explorer.

TextArea binds F6 (select line) and F7 (select all): typed in Symmetric's text
boxes they selected the text instead of opening the explorer, and the next key
replaced it. Every focusable widget of every tab of every explorer is tried.
"""

from __future__ import annotations

import pytest
from textual.widget import Widget
from textual.widgets import Input, TabbedContent, TabPane, TextArea

from tests.tui.conftest import open_explorer
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS, open_action
from tlsexplorer.tui.screens.base import NEXT_TAB, PREVIOUS_TAB, ExplorerScreen

TAB_KEYS = {NEXT_TAB: "next_tab(1)", PREVIOUS_TAB: "next_tab(-1)"}
APP_KEYS = {"f1": "help", "ctrl+q": "quit", **{item.key: open_action(item.id) for item in EXPLORERS}}


def _show_pane(screen: ExplorerScreen, pane: TabPane) -> None:
    """Make ``pane`` and every tab pane around it the active one."""
    for node in [pane, *pane.ancestors]:
        if isinstance(node, TabPane):
            tabs = next(a for a in node.ancestors if isinstance(a, TabbedContent))
            tabs.active = node.id or ""


def _value(widget: Widget) -> str | None:
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Input):
        return widget.value
    return None


@pytest.mark.parametrize("item", EXPLORERS, ids=[e.id for e in EXPLORERS])
async def test_app_keys_work_from_every_focusable_widget(item: object) -> None:
    from tlsexplorer.tui.explorers import Explorer

    assert isinstance(item, Explorer)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, item.id)  # type: ignore[call-overload]
        assert isinstance(screen, ExplorerScreen)
        other = next(e for e in EXPLORERS if e.id != item.id)
        seen: set[int] = set()
        typed: set[type[Widget]] = set()
        tried = 0
        for pane in [None, *screen.query(TabPane)]:
            if pane is not None:
                _show_pane(screen, pane)
                await pilot.pause()
            for widget in list(screen.focus_chain):
                if id(widget) in seen:
                    continue
                seen.add(id(widget))
                widget.focus()
                await pilot.pause()
                where = f"{item.id}: {widget!r}"
                for key, action in APP_KEYS.items():
                    active = screen.active_bindings.get(key)
                    assert active is not None and active.binding.action == action, (
                        f"{key} in {where} runs {active.binding.action if active else None}, not {action}"
                    )
                for key, action in TAB_KEYS.items() if screen.tabs() else ():
                    active = screen.active_bindings.get(key)
                    runs = active.binding.action if active else None
                    assert runs == action, f"{key} in {where} runs {runs}, not {action}"
                before = _value(widget)
                if before is None or type(widget) in typed:
                    continue
                # Typed for real in one text box of each kind (the bindings of every one were checked
                # above): the other explorer opens and the text is kept.
                typed.add(type(widget))
                tried += 1
                await pilot.press(other.key)
                await pilot.pause()
                assert app.screen is app.explorer_screen(other.id), where
                app.open_explorer(item.id)
                await pilot.pause()
                assert app.screen is screen
                assert _value(widget) == before, where
                # The tab keys typed in the text box go to the next tab and back, and type nothing.
                group = next((a for a in widget.ancestors if isinstance(a, TabbedContent)), None)
                if group is not None:
                    shown = group.active
                    await pilot.press(NEXT_TAB)
                    await pilot.pause()
                    assert group.active != shown, f"{NEXT_TAB} in {where} did not change the tab"
                    await pilot.press(PREVIOUS_TAB)
                    await pilot.pause()
                    assert group.active == shown, f"{PREVIOUS_TAB} in {where} did not come back"
                    widget.focus()
                    await pilot.pause()
                    assert _value(widget) == before, f"a tab key typed in {where}"
                await pilot.press("f1")
                await pilot.pause()
                assert app.screen is not screen, f"F1 in {where} did not open help"
                await pilot.press("escape")
                await pilot.pause()
                assert app.screen is screen
        assert seen, f"{item.id} has no focusable widget"


async def test_f6_and_f7_typed_in_symmetric_text_boxes_open_the_explorers_and_keep_the_text() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        area = screen.query_one("#caesar-input", TextArea)
        area.focus()
        text = area.text
        for key, explorer_id in (("f6", "ca"), ("f7", "tls")):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is app.explorer_screen(explorer_id)
            app.open_explorer("symmetric")
            await pilot.pause()
            assert screen.focused is area
            await pilot.press("x")
            await pilot.pause()
            assert area.text != "x" and "x" in area.text and len(area.text) == len(text) + 1
            await pilot.press("backspace")
            await pilot.pause()
            assert area.text == text
