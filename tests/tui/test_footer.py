"""The footer shows the keys that work where the focus is, and is rebuilt only when they change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets._footer import FooterKey

from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS
from tlsexplorer.tui.screens.home import ExplorerCard
from tlsexplorer.tui.widgets.footer import KeyFooter


def drawn(screen: Screen[object]) -> set[tuple[str, bool]]:
    """The keys the footer draws: (action, drawn as enabled)."""
    return {
        (key.action, not key.has_class("-disabled")) for key in screen.query_one(KeyFooter).query(FooterKey)
    }


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
        keys_before = list(footer.query(FooterKey))
        assert {(f"app.open_explorer('{e.id}')", True) for e in EXPLORERS if not e.wide} <= drawn(app.screen)
        assert drawn(app.screen) == expected(app.screen)
        for _ in EXPLORERS:
            await pilot.press("right")
            await pilot.pause()
        # Arrows cycle through the cards only, back to the first one.
        assert app.focused is app.screen.query(ExplorerCard).first()
        assert list(footer.query(FooterKey)) == keys_before, "the footer was rebuilt to show the same keys"


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
