"""Pilot tests of the app shell: Home, navigation, help, palette, quit."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import Footer, Header, Static

from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS
from tlsexplorer.tui.screens.help import HelpScreen
from tlsexplorer.tui.screens.home import ExplorerCard, HomeScreen


async def test_app_opens_on_home_with_a_card_per_explorer() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)):
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one(Header) and app.screen.query_one(Footer)
        intro = str(app.screen.query_one("#intro", Static).render())
        assert "tlsexplorer" in intro
        cards = list(app.screen.query(ExplorerCard))
        assert [c.explorer.id for c in cards] == [e.id for e in EXPLORERS]
        for card in cards:
            assert card.border_title == card.explorer.title
            assert card.border_subtitle == card.explorer.key.upper()
            text = str(card.render())
            assert card.explorer.concept in text and card.explorer.actions in text


async def test_home_fits_a_120x40_terminal_without_scrolling() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        home = app.screen.query_one("#home")
        assert home.virtual_size.height <= home.size.height
        assert not home.show_vertical_scrollbar
        hint = app.screen.query_one("#hint")
        assert hint.region.bottom <= home.region.bottom, "the last line of Home is cut off"
        # Cards of a row are equally tall.
        rows: dict[int, set[int]] = {}
        for card in app.screen.query(ExplorerCard):
            rows.setdefault(card.region.y, set()).add(card.region.height)
        assert all(len(heights) == 1 for heights in rows.values())


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
        app.screen.query_one(f"#card-{item.id}", ExplorerCard).focus()
        await pilot.press("enter")
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
        cards = list(app.screen.query(ExplorerCard))
        assert len({card.region.x for card in cards}) == 2
        assert all(card.content_region.width >= 30 for card in cards)
        # Widening the terminal brings back three columns; very narrow, one.
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert len({card.region.x for card in cards}) == 3
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        assert len({card.region.x for card in cards}) == 1


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
        cards = list(app.screen.query(ExplorerCard))
        assert app.focused is cards[0]
        await pilot.press("down")
        assert app.focused is cards[columns]
        assert cards[columns].region.x == cards[0].region.x  # the card drawn below
        await pilot.press("right")
        assert app.focused is cards[columns + 1]
        await pilot.press("up")
        assert app.focused is cards[1]
        await pilot.press("up")  # no row above: stays
        assert app.focused is cards[1]
        for _ in range(len(cards)):
            await pilot.press("down")
        bottom = 1 + columns * ((len(cards) - 2) // columns)  # the last row's card in column 1
        assert app.focused is cards[bottom]
        await pilot.press("left", "left")  # left walks back through every card
        assert app.focused is cards[bottom - 2]


async def test_on_a_small_terminal_up_on_the_top_row_brings_the_intro_back_and_down_the_hint() -> None:
    """The cards take the arrows from the scrolling container, so an arrow with no row to go to must
    still scroll: after walking down and back up, the intro was cut off for good."""
    from textual.containers import VerticalScroll

    app = TlsExplorerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen.query_one("#home", VerticalScroll)
        cards = list(app.screen.query(ExplorerCard))
        assert home.max_scroll_y > 0, "the test needs a terminal too small for Home"
        for _ in range(len(cards)):
            await pilot.press("down")
        await pilot.pause()
        assert home.scroll_y == home.max_scroll_y  # the hint below the last row shows
        for _ in range(len(cards)):
            await pilot.press("up")
        await pilot.pause()
        assert app.focused is cards[0] and home.scroll_y == 0  # the intro shows again


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
        card = app.screen.query_one(f"#card-{first.id}", ExplorerCard)
        key_binding = next(b for b in app.screen.BINDINGS if getattr(b, "key", None) == first.key)
        assert card.open_action == getattr(key_binding, "action", None) == f"app.open_explorer('{first.id}')"
        card.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert opened == [first.id] and app.screen is app.explorer_screen(first.id)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click(f"#card-{last.id}")
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
