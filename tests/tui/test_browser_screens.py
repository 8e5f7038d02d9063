"""Pilot tests of what the screens say about browsers: the workbench's key warning, its Trust
tab, the verdicts beside a flaw, and the scenario board's browser line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from textual.widgets import DataTable, Input, Select, Static, TabbedContent

from tests.tui.conftest import open_explorer, wait_for_workers, widget_text
from tlsexplorer.core.ca import store as ca_store
from tlsexplorer.core.tls.scenarios import SCENARIOS
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp

SIZE = (120, 40)


@pytest.fixture
def ca_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "trustme"
    key = ec.generate_private_key(ec.SECP256R1())
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="Pilot Trust Root"), SAMPLE_NOW, key))
    return folder


def _warning(screen: Any) -> str:
    warning = screen.query_one("#warn-key-type", Static)
    return widget_text(warning) if warning.has_class("-shown") else ""


async def test_ed25519_for_a_server_is_warned_about_in_the_form() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        assert _warning(screen) == ""
        screen.query_one("#key-type", Select).value = "ed25519"
        await pilot.pause()
        shown = _warning(screen)
        assert "Chrome" in shown and "Firefox" in shown and "ERR_SSL_VERSION_OR_CIPHER_MISMATCH" in shown
        screen.query_one("#action", Select).value = "client"  # a client certificate: no browser serves it
        await pilot.pause()
        assert _warning(screen) == ""
        screen.query_one("#action", Select).value = "csr"
        await pilot.pause()
        assert "Ed25519" in _warning(screen)
        screen.query_one("#key-type", Select).value = "p256"
        await pilot.pause()
        assert _warning(screen) == ""


async def test_browser_trust_tab_shows_the_ca_at_hand(ca_dir: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        assert "Name a CA folder" in widget_text(screen, "#trust")
        screen.query_one("#folder", Input).value = str(ca_dir)
        await pilot.pause()
        screen.query_one("#ca-result", TabbedContent).active = "tab-trust"
        await pilot.pause()
        shown = widget_text(screen, "#trust", width=400)
        assert str((ca_dir / "ca.pem").resolve()) in shown and "Pilot Trust Root" in shown
        assert "certutil -d sql:" in shown and "security add-trusted-cert" in shown
        assert "-addstore Root" in shown and "undo it" in shown and "runs none of this" in shown
        screen.query_one("#folder", Input).value = str(ca_dir / "nope")
        await pilot.pause()
        assert "Name a CA folder" in widget_text(screen, "#trust")


async def test_a_root_made_in_the_workbench_gets_its_trust_commands(tmp_path: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        screen.query_one("#action", Select).value = "root"
        await pilot.pause()
        screen.query_one("#folder", Input).value = str(tmp_path / "newroot")
        screen.query_one("#name", Input).value = "Made Here Root"
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        await pilot.pause()
        assert "Made Here Root" in widget_text(screen, "#trust", width=400)


async def test_a_flaw_shows_each_clients_verdict(ca_dir: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "ca")
        screen.query_one("#folder", Input).value = str(ca_dir)
        screen.query_one("#name", Input).value = "nku.test"
        screen.query_one("#flaw", Select).value = "no-key-usage"
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        await pilot.pause()
        shown = widget_text(screen, "#result", width=200)
        assert "What clients say" in shown and "Python ssl, strict (3.13+)" in shown
        assert "CA cert does not include key usage extension" in shown and "the page loads" in shown


async def test_the_scenario_detail_says_what_a_browser_shows() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-scenarios", "#board")
        await pilot.pause()
        before = widget_text(screen, "#scenario-detail")  # not run yet: the data is known already
        assert "in a browser" in before and "ERR_CERT_AUTHORITY_INVALID" in before
        assert "SEC_ERROR_UNKNOWN_ISSUER" in before and "--insecure" in before
        await pilot.press("ctrl+b")
        await wait_for_workers(pilot)
        await pilot.pause()
        board = screen.query_one("#board", DataTable)
        board.move_cursor(row=[s.id for s in SCENARIOS].index("ip_mismatch"))
        await pilot.pause()
        shown = widget_text(screen, "#scenario-detail")
        assert "ERR_CERT_COMMON_NAME_INVALID" in shown and "Proceed to 127.0.0.1 (unsafe)" in shown
