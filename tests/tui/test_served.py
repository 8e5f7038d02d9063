"""Served to a browser: the alternatives to keys browsers keep, and the workbench's Download."""

from __future__ import annotations

import importlib
import inspect
import io
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Input, Static

from tests.tui.conftest import (
    open_explorer,
    served_app_keeping_deliveries,
    shown_on_screen,
    wait_for_workers,
    widget_text,
)
from tlsexplorer.core.ca import store as ca_store
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS
from tlsexplorer.tui.screens.base import NEXT_TAB, PREVIOUS_TAB
from tlsexplorer.tui.screens.help import HelpScreen
from tlsexplorer.tui.served import ALTERNATIVES, BROWSER_KEPT
from tlsexplorer.tui.widgets.card_deck import CardDeck
from tlsexplorer.tui.widgets.footer import KeyFooter

SIZE = (160, 40)


def every_bound_key() -> set[str]:
    """Every key bound by the app, a screen or a widget of ours (class BINDINGS, explorer keys, tab keys)."""
    keys = {item.key for item in EXPLORERS} | {NEXT_TAB, PREVIOUS_TAB}
    modules = ["tlsexplorer.tui.app", *(item.screen.partition(":")[0] for item in EXPLORERS),
               "tlsexplorer.tui.screens.home", "tlsexplorer.tui.screens.help"]
    for name in modules:
        for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__.startswith("tlsexplorer"):
                for binding in cls.BINDINGS:
                    if isinstance(binding, Binding):
                        keys.update(part.strip() for part in binding.key.split(","))
    return keys


def test_every_key_a_browser_keeps_that_the_app_binds_has_a_free_alternative() -> None:
    bound = every_bound_key()
    assert "f1" in bound and "ctrl+t" in bound  # the survey found the app's keys
    assert {key for key in bound if key in BROWSER_KEPT} <= set(ALTERNATIVES)
    assert not set(ALTERNATIVES.values()) & bound
    assert not set(ALTERNATIVES.values()) & BROWSER_KEPT
    assert len(set(ALTERNATIVES.values())) == len(ALTERNATIVES)


def footer_text(app: TlsExplorerApp) -> str:
    """The footer's line as the terminal shows it."""
    footer = app.screen.query_one(KeyFooter)
    return shown_on_screen(app, footer.region)[0]


async def test_served_the_footer_and_the_cards_show_the_alternatives_and_they_work() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW, served=True)
    async with app.run_test(size=SIZE) as pilot:
        footer = footer_text(app)
        assert "alt+k Help" in footer and "alt+c Chain" in footer and "alt+q Quit" in footer
        assert "f1" not in footer.lower().split()
        await pilot.pause()
        deck = app.screen.query_one(CardDeck)
        chain = next(box for box in deck.deck.boxes if box.item.id == "chain")
        assert shown_on_screen(app, deck.card_region(chain.index))[-1].endswith(" alt+c ─╯")
        assert "alt+k or ? for help" in widget_text(app.screen, "#hint")
        await pilot.press("alt+k")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "alt+k" in " ".join(widget_text(static, width=SIZE[0]) for static in app.screen.query(Static))
        await pilot.press("alt+k")
        await pilot.pause()
        await pilot.press("alt+c")
        await pilot.pause()
        assert app.screen.id == "chain" or type(app.screen).__name__ == "ChainScreen"
        # The screen's own keys too: ctrl+t (Check in Chain) is alt+t in the workbench's footer.
        await open_explorer(pilot, "ca")
        assert "alt+t Check in Chain" in footer_text(app)


async def test_served_tab_keys_go_through_the_tabs() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW, served=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        group = screen.query_one("#ca-result")
        before = group.active  # type: ignore[attr-defined]
        await pilot.press("alt+pagedown")
        await pilot.pause()
        assert group.active != before  # type: ignore[attr-defined]


async def test_in_a_terminal_nothing_changes() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        assert "alt+" not in footer_text(app)
        await pilot.press("alt+k")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        screen = await open_explorer(pilot, "ca")
        assert "Download" not in footer_text(app)
        assert screen.check_action("download", ()) is False


async def test_download_delivers_the_files_just_written_as_one_zip(tmp_path: Path) -> None:
    folder = tmp_path / "myca"
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="Pilot Root"), SAMPLE_NOW,
                                      ec.generate_private_key(ec.SECP256R1())))
    app, delivered = served_app_keeping_deliveries()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        await pilot.press("ctrl+g")  # nothing made yet: said, nothing sent
        await pilot.pause()
        assert delivered == []
        assert "Download" in footer_text(app)
        screen.query_one("#folder", Input).value = str(folder)
        screen.query_one("#name", Input).value = "localhost"
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
    assert len(delivered) == 1
    data, options = delivered[0]
    assert options["save_filename"] == "localhost.zip"
    paths = ca_store.issued_paths(folder, "localhost")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == {
            path.name: path.read_bytes() for path in (paths.certificate, paths.key, paths.fullchain)
        }
