"""Pilot tests of the TLS lab's Scan tab: a real scan in a worker, the table and findings, bad input."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, TabbedContent

from tests.scan_support import s_server
from tests.tls_support import closed_port
from tests.tools import needs_openssl
from tests.tui.conftest import open_explorer, wait_for_workers, widget_text
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.tls_scan import ScanTab


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_scan_the_labs_own_server(size: tuple[int, int]) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=size) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-scan", "#scan-target")
        await pilot.pause()
        await pilot.press("enter")  # empty target: the lab's own server, in a worker
        await wait_for_workers(pilot)
        tab = screen.query_one(ScanTab)
        assert tab.result is not None and tab.result.ok, tab.result and tab.result.error
        accepted = tab.result.accepted_versions()
        assert "TLS 1.3" in accepted
        assert f"grade  {tab.result.grade} " in widget_text(screen, "#scan-summary")
        table = screen.query_one("#scan-table", DataTable)
        items = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert "TLS 1.3" in items and "X25519MLKEM768" in items
        assert "Not tested here" in widget_text(screen, "#scan-findings")
        assert screen.query_one("#tabs", TabbedContent).active == "tab-scan"


@needs_openssl
async def test_findings_name_the_fix() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    with s_server("-tls1_2", "-cipher", "AES128-SHA") as port:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_explorer(pilot, "tls")
            screen.show_tab("tab-scan", "#scan-target")
            screen.query_one("#scan-target", Input).value = f"127.0.0.1:{port}"
            await pilot.press("enter")
            await wait_for_workers(pilot)
            text = widget_text(screen, "#scan-findings")
    assert "no forward secrecy" in text and "nginx:" in text and "Apache:" in text and "Python:" in text
    assert "ssl_ciphers ECDHE+AESGCM" in text


async def test_bad_targets_say_why() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-scan", "#scan-target")
        target = screen.query_one("#scan-target", Input)
        target.value = "localhost:99999"
        await pilot.press("enter")
        await wait_for_workers(pilot)
        assert "not a port number" in widget_text(screen, "#scan-summary")
        target.value = f"127.0.0.1:{closed_port()}"
        await pilot.press("enter")
        await wait_for_workers(pilot)
        assert "connection refused" in widget_text(screen, "#scan-summary")
        screen.query_one("#scan-proxy", Input).value = "socks5://127.0.0.1:1"
        await pilot.press("enter")
        await wait_for_workers(pilot)
        assert "only HTTP CONNECT proxies" in widget_text(screen, "#scan-summary")
