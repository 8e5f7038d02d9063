"""Pilot tests of the app shell: Home, navigation, help, palette, quit."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import Header, Static

from tests.tui.conftest import shown_on_screen
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS
from tlsexplorer.tui.screens.help import HelpScreen
from tlsexplorer.tui.screens.home import HomeScreen
from tlsexplorer.tui.widgets.card_deck import CardDeck
from tlsexplorer.tui.widgets.footer import KeyFooter


async def test_app_opens_on_home_with_a_card_per_explorer() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one(Header) and app.screen.query_one(KeyFooter)
        intro = str(app.screen.query_one("#intro", Static).render())
        assert "tlsexplorer" in intro
        await pilot.pause()
        deck = app.screen.query_one(CardDeck)
        assert [box.item.id for box in deck.deck.boxes] == [e.id for e in EXPLORERS]
        for index, item in enumerate(EXPLORERS):
            # What the terminal shows where the card is: title in the top edge, key in the bottom one,
            # the concept and what to do inside.
            lines = shown_on_screen(app, deck.card_region(index))
            assert lines[0][0] in "╭┏" and f" {item.title} " in lines[0]
            assert lines[-1].endswith((f" {item.key.upper()} ─╯", f" {item.key.upper()} ━┛"))
            inside = " ".join(line[2:-2].strip() for line in lines[1:-1] if line[2:-2].strip())
            assert item.concept in inside and item.actions in inside, inside


async def test_home_fits_a_120x40_terminal_without_scrolling() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        home = app.screen.query_one("#home")
        assert home.virtual_size.height <= home.size.height
        assert not home.show_vertical_scrollbar
        hint = app.screen.query_one("#hint")
        assert hint.region.bottom <= home.region.bottom, "the last line of Home is cut off"
        # Cards of a row are equally tall, and no card overlaps another.
        deck = app.screen.query_one(CardDeck)
        regions = [deck.card_region(index) for index in range(len(EXPLORERS))]
        rows: dict[int, set[int]] = {}
        for region in regions:
            rows.setdefault(region.y, set()).add(region.height)
        assert all(len(heights) == 1 for heights in rows.values())
        assert not any(a.overlaps(b) for i, a in enumerate(regions) for b in regions[i + 1 :])


async def test_help_lists_bindings_and_closes_with_escape() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ("f1", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            listed = dict(app.screen.bindings)
            assert "ctrl+q" in {k.lower() for k in listed} or "^q" in listed
            for item in EXPLORERS:
                assert item.title in listed.values()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)


async def test_escape_on_home_stays_on_home() -> None:
    app = TlsExplorerApp()
    async with app.run_test() as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_palette_has_an_entry_per_explorer_and_help() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Help" in titles and "Home" in titles
        for item in EXPLORERS:
            assert f"Open {item.title}" in titles
        assert any("theme" in t.lower() for t in titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"help")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize("item", EXPLORERS, ids=[e.id for e in EXPLORERS])
async def test_each_explorer_opens_by_key_card_and_palette_and_escape_returns(item: object) -> None:
    from tlsexplorer.tui.explorers import Explorer

    assert isinstance(item, Explorer)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(item.key)
        await pilot.pause()
        assert app.screen.name == item.id or app.screen is app.explorer_screen(item.id)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        deck = app.screen.query_one(CardDeck)
        index = EXPLORERS.index(item)
        deck.select(index)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.explorer_screen(item.id)
        app.action_home()
        await pilot.pause()
        # A click on the card opens it too.
        region = deck.card_region(index)
        await pilot.click(offset=(region.x + region.width // 2, region.y + region.height // 2))
        await pilot.pause()
        assert app.screen is app.explorer_screen(item.id)
        app.action_home()
        await pilot.pause()
        command = next(c for c in app.get_system_commands(app.screen) if c.title == f"Open {item.title}")
        command.callback()
        await pilot.pause()
        assert app.screen is app.explorer_screen(item.id)


async def test_ctrl_q_quits_cleanly() -> None:
    app = TlsExplorerApp()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code in (0, None)
    assert not app.is_running


async def test_home_footer_lists_explorer_keys_and_explorers_keep_theirs() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        shown = {k for k, a in app.screen.active_bindings.items() if a.binding.show}
        # Every explorer's key but the course's, whose wide card says its key (room for alt+ names).
        assert {e.key for e in EXPLORERS if not e.wide} <= shown
        assert not {e.key for e in EXPLORERS if e.wide} & shown
        first, second = EXPLORERS[0], EXPLORERS[-1]
        await pilot.press(first.key)
        await pilot.pause()
        screen = app.screen
        assert screen is app.explorer_screen(first.id)
        shown_there = {k for k, a in screen.active_bindings.items() if a.binding.show}
        assert not {e.key for e in EXPLORERS} & shown_there, "explorer keys crowd the footer"
        # The keys still work from inside an explorer, even with a text field focused.
        inputs = list(screen.query("Input"))
        if inputs:
            inputs[0].focus()
            await pilot.pause()
        await pilot.press(second.key)
        await pilot.pause()
        assert app.screen is app.explorer_screen(second.id)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_home_on_a_small_terminal_shows_the_intro_and_fewer_wider_cards() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen.query_one("#home")
        intro = app.screen.query_one("#intro")
        assert home.scroll_y == 0 and intro.region.y < home.region.bottom, "the intro is scrolled away"
        deck = app.screen.query_one(CardDeck)

        def columns() -> int:
            return len({deck.card_region(index).x for index in range(len(EXPLORERS))})

        assert columns() == 2
        # Each card's text gets at least 30 columns between its borders and their padding.
        assert all(box.region.width - 4 >= 30 for box in deck.deck.boxes)
        assert all(line.cell_length <= box.region.width - 4 for box in deck.deck.boxes for line in box.lines)
        # Widening the terminal brings back three columns; very narrow, one.
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert columns() == 3
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        assert columns() == 1


@pytest.mark.parametrize("item", EXPLORERS, ids=[e.id for e in EXPLORERS])
async def test_palette_lists_the_keys_of_the_screen_it_was_opened_on(item: object) -> None:
    """README: the palette has 'every command'; an explorer's own keys were missing from it."""
    from tlsexplorer.tui.explorers import Explorer

    assert isinstance(item, Explorer)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(item.key)
        await pilot.pause()
        screen = app.screen
        titles = [c.title for c in app.get_system_commands(screen)]
        own = [binding for bindings in screen._bindings.key_to_bindings.values() for binding in bindings]
        for binding in own:
            # A key the screen does not offer here (Download, only in a browser) is not in the palette either.
            offered = screen.check_action(binding.action, ()) is not False
            if binding.show and binding.description and not binding.system and offered:
                assert f"{screen.title}: {binding.description}" in titles, (binding, titles)


async def test_palette_runs_a_screen_command() -> None:
    from textual.widgets import Input

    from tlsexplorer.tui.screens.tls import TlsScreen

    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TlsScreen)
        screen.query_one("#port", Input).value = "0"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"start/stop")
        await pilot.pause(0.3)
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.02)
            if screen.server is not None:
                break
        server = screen.server
        assert app.screen is screen and server is not None and server.running
    assert not server.running


@pytest.mark.parametrize(("size", "columns"), [((120, 40), 3), ((80, 24), 2)])
async def test_arrows_move_through_the_card_grid_as_it_is_drawn(size: tuple[int, int], columns: int) -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        deck = app.screen.query_one(CardDeck)
        assert app.focused is deck and deck.selected == 0
        region = deck.card_region
        await pilot.press("down")
        assert deck.selected == columns
        assert region(columns).x == region(0).x and region(columns).y > region(0).bottom  # drawn below
        await pilot.press("right")
        assert deck.selected == columns + 1
        await pilot.press("up")
        assert deck.selected == 1
        await pilot.press("up")  # no row above: stays
        assert deck.selected == 1
        for _ in EXPLORERS:
            await pilot.press("down")
        # The bottom row's card under the second column: the course's card, across the whole row.
        bottom = deck.selected
        assert region(bottom).y == max(region(i).y for i in range(len(EXPLORERS)))
        assert region(bottom).x <= region(1).x < region(bottom).right
        await pilot.press("up")  # back up the same column
        assert region(deck.selected).x == region(1).x
        await pilot.press("down", "left", "left")  # left walks back through every card
        assert deck.selected == bottom - 2
        # Tab walks the cards as the arrows do; Enter opens the selected one.
        await pilot.press("tab")
        assert deck.selected == bottom - 1
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.explorer_screen(EXPLORERS[bottom - 1].id)


async def test_on_a_small_terminal_up_on_the_top_row_brings_the_intro_back_and_down_the_hint() -> None:
    """The cards take the arrows from the scrolling container, so an arrow with no row to go to must
    still scroll: after walking down and back up, the intro was cut off for good."""
    from textual.containers import VerticalScroll

    app = TlsExplorerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen.query_one("#home", VerticalScroll)
        deck = app.screen.query_one(CardDeck)
        assert home.max_scroll_y > 0, "the test needs a terminal too small for Home"
        for _ in EXPLORERS:
            await pilot.press("down")
            await pilot.pause()
            # The selected card is always in view, whole.
            assert home.region.contains_region(deck.card_region(deck.selected)), deck.selected
        await pilot.pause()
        assert home.scroll_y == home.max_scroll_y  # the hint below the last row shows
        for _ in EXPLORERS:
            await pilot.press("up")
        await pilot.pause()
        assert app.focused is deck and deck.selected == 0 and home.scroll_y == 0  # the intro shows again


async def test_a_home_card_opens_its_explorer_through_the_app_action(monkeypatch: pytest.MonkeyPatch) -> None:
    """Enter or a click on a card runs ``app.open_explorer('<id>')``, the action its key runs too."""
    app = TlsExplorerApp(now=SAMPLE_NOW)
    opened: list[str] = []
    original = app.action_open_explorer

    def spy(explorer_id: str) -> None:
        opened.append(explorer_id)
        original(explorer_id)

    monkeypatch.setattr(app, "action_open_explorer", spy)
    async with app.run_test(size=(120, 40)) as pilot:
        first, last = EXPLORERS[0], EXPLORERS[-1]
        deck = app.screen.query_one(CardDeck)
        assert app.focused is deck and deck.selected == 0
        await pilot.press("enter")
        await pilot.pause()
        assert opened == [first.id] and app.screen is app.explorer_screen(first.id)
        await pilot.press("escape")
        await pilot.pause()
        region = deck.card_region(len(EXPLORERS) - 1)
        await pilot.click(offset=(region.x + 3, region.y + 1))
        await pilot.pause()
        assert opened == [first.id, last.id] and app.screen is app.explorer_screen(last.id)


def test_screens_reach_the_app_through_the_host_protocol_not_by_importing_it() -> None:
    """No screen imports tui/app.py (Home did, inside a handler: an import cycle), and the app is the host."""
    import ast
    from pathlib import Path

    from tlsexplorer.tui import screens
    from tlsexplorer.tui.host import ExplorerHost

    for path in Path(screens.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "tlsexplorer.tui.app", f"{path.name} imports the app"
            if isinstance(node, ast.Import):
                assert all(alias.name != "tlsexplorer.tui.app" for alias in node.names), path.name
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
                target = node.args[0] if node.args else None
                assert not (isinstance(target, ast.Attribute) and target.attr == "app"), (
                    f"{path.name}: getattr(self.app, ...) instead of self.host"
                )
    assert isinstance(TlsExplorerApp(), ExplorerHost)
