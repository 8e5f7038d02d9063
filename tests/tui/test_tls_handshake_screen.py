"""Pilot tests of the TLS lab's Handshake tab: a real walk in a worker, ctrl+n / ctrl+b, F8, bad input."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, TabbedContent

from tests.tls_support import closed_port
from tests.tui.conftest import open_explorer, wait_for_workers, widget_text
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.scenes._handshake_capture import replayed_walk
from tlsexplorer.tui.screens.tls_handshake import HandshakeTab


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_walk_against_the_labs_own_server(size: tuple[int, int]) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=size) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-handshake", "#hs-target")
        await pilot.pause()
        assert "not for production use" in widget_text(screen, "#hs-banner")
        await pilot.press("enter")  # empty target: the lab's own server, in a worker
        await wait_for_workers(pilot)
        tab = screen.query_one(HandshakeTab)
        assert tab.walk is not None and tab.walk.completed, tab.walk and tab.walk.reason
        assert "every check passed" in widget_text(screen, "#hs-summary")
        assert "Step 1 of" in widget_text(screen, "#hs-explain")
        screen.query_one("#hs-steps", DataTable).focus()
        await pilot.press("ctrl+n", "ctrl+n")
        assert "Step 3 of" in widget_text(screen, "#hs-explain")
        await pilot.press("ctrl+b")  # the walk, not the screen's Scenarios key
        assert "Step 2 of" in widget_text(screen, "#hs-explain")
        assert screen.query_one("#tabs", TabbedContent).active == "tab-handshake"


async def test_hex_decimal_switch_on_the_rsa_pss_step() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-handshake", "#hs-steps")
        tab = screen.query_one(HandshakeTab)
        walk = replayed_walk(SAMPLE_NOW)
        tab.show_walk(walk)
        names = [s.name for s in walk.steps]
        screen.query_one("#hs-steps", DataTable).move_cursor(row=names.index("certificate_verify"))
        await pilot.pause()
        check = walk.certificate_verify
        assert check is not None and check.pss is not None and check.by_hand is True
        text = widget_text(screen, "#hs-explain")
        assert "CertificateVerify" in text and "s^e mod n" in text and "0x" in text
        e_line = f"0x{check.pss.e:x}"
        assert e_line in text
        await pilot.press("f8")
        await pilot.pause()
        text = widget_text(screen, "#hs-explain")
        assert str(check.pss.e) in text and e_line not in text


async def test_bad_targets_say_why() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-handshake", "#hs-target")
        target = screen.query_one("#hs-target", Input)
        target.value = "localhost:99999"
        await pilot.press("enter")
        await wait_for_workers(pilot)
        assert "not a port number" in widget_text(screen, "#hs-summary")
        target.value = f"127.0.0.1:{closed_port()}"
        await pilot.press("enter")
        await wait_for_workers(pilot)
        assert "stopped at connect" in widget_text(screen, "#hs-summary")
        assert "✗" in widget_text(screen, "#hs-explain")
