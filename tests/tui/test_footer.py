"""The footer shows the keys that work where the focus is, is redrawn only when they change, and
its keys answer the mouse."""

from __future__ import annotations

from textual.screen import Screen

from tests.tui.conftest import open_explorer, shown_on_screen
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS
from tlsexplorer.tui.screens.help import HelpScreen
from tlsexplorer.tui.widgets.card_deck import CardDeck
from tlsexplorer.tui.widgets.footer import KeyFooter


def drawn(screen: Screen[object]) -> set[tuple[str, bool]]:
    """The keys the footer holds, (action, drawn as enabled), after checking that each one drawn
    reads on the screen as it should (the last one on the left may be cut short)."""
    footer = screen.query_one(KeyFooter)
    line = shown_on_screen(screen.app, footer.region)[0]
    for key, x, width in footer.drawn():
        text = f"{key.key_display} {key.description} "
        text = f"▏{text}" if key.palette else f" {text}"
        assert line[x : x + width] == text[:width], (key, line)
    return {(key.action, key.enabled) for key in footer.keys.all}


def expected(screen: Screen[object]) -> set[tuple[str, bool]]:
    """What the footer should draw: every shown binding and the palette, enabled or not as now."""
    palette = screen.app.COMMAND_PALETTE_BINDING
    return {
        (active.binding.action, active.enabled)
        for key, active in screen.active_bindings.items()
        if active.binding.show or key == palette
    }


async def test_moving_between_cards_keeps_the_same_footer() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        keys_before = footer.keys
        assert {(f"app.open_explorer('{e.id}')", True) for e in EXPLORERS if not e.wide} <= drawn(app.screen)
        assert drawn(app.screen) == expected(app.screen)
        for _ in EXPLORERS:
            await pilot.press("right")
            await pilot.pause()
        # Arrows cycle through the cards only, back to the first one.
        deck = app.screen.query_one(CardDeck)
        assert app.focused is deck and deck.selected == 0
        assert footer.keys is keys_before, "the footer was rebuilt to show the same keys"


async def test_footer_follows_the_focus_in_every_explorer() -> None:
    """Focus every focusable widget of every explorer: the footer always matches."""
    app = TlsExplorerApp(now=SAMPLE_NOW)
    key_sets: set[frozenset[tuple[str, bool]]] = set()
    async with app.run_test(size=(120, 40)) as pilot:
        for item in EXPLORERS:
            await pilot.press(item.key)
            await pilot.pause()
            screen = app.screen
            for widget in [w for w in screen.query("*") if w.focusable]:
                widget.focus()
                await pilot.pause()
                assert drawn(screen) == expected(screen), f"{item.id}: footer is stale at {widget!r}"
                key_sets.add(frozenset(drawn(screen)))
            await pilot.press("escape")
            await pilot.pause()
            assert drawn(app.screen) == expected(app.screen)
    # The walk must include focus moves that change the keys, or it proves nothing.
    assert len(key_sets) > len(EXPLORERS)


async def test_a_click_on_a_key_presses_it_and_the_mouse_shows_its_tooltip() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        footer = screen.query_one(KeyFooter)
        spans = {key.key: (key, x, width) for key, x, width in footer.drawn()}
        capture, x, _width = spans["ctrl+f"]
        assert capture.action == "open_capture"
        assert capture.tooltip
        await pilot.hover(KeyFooter, offset=(x + 1, 0))
        await pilot.pause()
        assert footer.tooltip == capture.tooltip
        # The mouse raises the key under it.
        style = app.screen.get_style_at(footer.region.x + x + 1, footer.region.y)
        await pilot.hover(KeyFooter, offset=(footer.region.width - 1, 0))
        await pilot.pause()
        assert app.screen.get_style_at(footer.region.x + x + 1, footer.region.y).bgcolor != style.bgcolor
        _help, x, _width = spans["f1"]
        await pilot.click(KeyFooter, offset=(x + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_a_terminal_narrower_than_the_right_hand_keys_still_shows_help_and_quit() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(24, 20)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        line = shown_on_screen(app, footer.region)[0]
        assert line.endswith(" f1 Help  ^q Quit "), line
        assert {key.key for key, _x, _w in footer.drawn() if _x >= 0} >= {"f1", "ctrl+q"}
