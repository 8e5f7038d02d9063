"""Pilot tests of the TLS lab's Targets and Doctor tabs: real servers on loopback, workers, bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from tests.served_support import write_pem
from tests.tls_support import ROOT, closed_port, lab_server
from tests.tui.conftest import open_explorer, wait_for_workers, widget_text
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.tls_doctor import DoctorTab
from tlsexplorer.tui.screens.tls_targets import TargetsTab


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_targets_table_fills_in_with_bad_lines_named(tmp_path: Path, size: tuple[int, int]) -> None:
    dead = closed_port()
    with lab_server() as server:
        text = f"# two servers\nlocalhost:{server.port}\nlocalhost:{dead}\nnot a target\n"
        targets = write_pem(tmp_path / "targets.txt", text.encode())
        app = TlsExplorerApp(now=SAMPLE_NOW)
        async with app.run_test(size=size) as pilot:
            screen = await open_explorer(pilot, "tls")
            screen.show_tab("tab-targets", "#tg-file")
            await pilot.pause()
            screen.query_one("#tg-file", Input).value = str(targets)
            await pilot.press("enter")
            await wait_for_workers(pilot)
            await pilot.pause()
            tab = screen.query_one(TargetsTab)
            # Charlie's root is no system root: the lab server fails too.
            assert sorted(r.status for r in tab.results) == ["failed", "failed"]
            table = screen.query_one("#tg-table", DataTable)
            assert table.row_count == 2
            summary = widget_text(screen, "#tg-summary")
            assert "2 checked" in summary and "exit 1" in summary and "1 line(s) not used" in summary
            assert "line 4" in widget_text(screen, "#tg-bad")


async def test_targets_bad_input_is_said_in_place(tmp_path: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-targets", "#tg-file")
        await pilot.press("enter")
        assert "give a targets file" in widget_text(screen, "#tg-summary")
        screen.query_one("#tg-file", Input).value = str(tmp_path / "missing.txt")
        await pilot.press("enter")
        assert "missing.txt" in widget_text(screen, "#tg-summary")
        empty = write_pem(tmp_path / "empty.txt", b"# nothing\n\n")
        screen.query_one("#tg-file", Input).value = str(empty)
        await pilot.press("enter")
        assert "names no target" in widget_text(screen, "#tg-summary")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_doctor_tab_says_why_each_client_refuses(
    size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(ROOT))
    with lab_server() as server:
        app = TlsExplorerApp(now=SAMPLE_NOW)
        async with app.run_test(size=size) as pilot:
            screen = await open_explorer(pilot, "tls")
            screen.show_tab("tab-doctor", "#dr-url")
            await pilot.pause()
            screen.query_one("#dr-url", Input).value = f"https://localhost:{server.port}/"
            await pilot.press("enter")
            await wait_for_workers(pilot)
            await pilot.pause()
            report = screen.query_one(DoctorTab).report
            assert report is not None
            verdicts = {c.client: c.accepted for c in report.clients}
            assert verdicts["python"] is True and verdicts["certifi"] is False
            text = widget_text(screen, "#dr-result", width=size[0])
            assert "accepts" in text and "refuses" in text and "SSL_CERT_FILE" in text
    assert os.environ["SSL_CERT_FILE"] == str(ROOT)


async def test_doctor_tab_bad_url() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-doctor", "#dr-url")
        await pilot.press("enter")
        assert "give a URL" in widget_text(screen, "#dr-result")
        screen.query_one("#dr-url", Input).value = "ftp://x/"
        await pilot.press("enter")
        await wait_for_workers(pilot)
        assert "https://" in widget_text(screen, "#dr-result")



@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_doctor_tab_goes_through_the_proxy_field(
    size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.scan_support import connect_proxy

    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(ROOT))
    with lab_server() as server, connect_proxy() as proxy:
        app = TlsExplorerApp(now=SAMPLE_NOW)
        async with app.run_test(size=size) as pilot:
            screen = await open_explorer(pilot, "tls")
            screen.show_tab("tab-doctor", "#dr-url")
            await pilot.pause()
            screen.query_one("#dr-proxy", Input).value = "ftp://nowhere"
            screen.query_one("#dr-url", Input).value = f"https://localhost:{server.port}/"
            await pilot.press("enter")
            await wait_for_workers(pilot)
            assert "only HTTP CONNECT proxies" in widget_text(screen, "#dr-result")
            screen.query_one("#dr-proxy", Input).value = f"http://127.0.0.1:{proxy.port}"
            screen.query_one("#dr-proxy", Input).focus()
            await pilot.press("enter")
            await wait_for_workers(pilot)
            await pilot.pause()
            report = screen.query_one(DoctorTab).report
            assert report is not None and report.route.proxy == ("127.0.0.1", proxy.port)
            assert {c.client: c.accepted for c in report.clients}["python"] is True
            text = widget_text(screen, "#dr-result", width=size[0])
            assert "through the HTTP proxy" in text
    tunnels = [r for r in proxy.seen if r.startswith(f"CONNECT localhost:{server.port} ".encode())]
    assert len(tunnels) >= len([c for c in report.clients if c.available])
