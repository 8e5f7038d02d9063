"""Pilot test: the TLS lab's Probe tab asks for OCSP stapling when its checkbox is ticked."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input

from tests.stapling_support import alice_response, alice_serial, openssl_s_server
from tests.tools import needs_openssl
from tests.tui.conftest import open_explorer, wait_for_workers, widget_text
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp

pytestmark = needs_openssl


async def test_probe_tab_shows_the_stapled_response_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "alice.ocsp"
    path.write_bytes(alice_response())
    app = TlsExplorerApp(now=SAMPLE_NOW)
    with openssl_s_server(tmp_path, path) as port:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_explorer(pilot, "tls")
            screen.show_tab("tab-probe", "#target")
            screen.query_one("#target", Input).value = f"127.0.0.1:{port}"
            screen.query_one("#servername", Input).value = "alice.example.net"
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            result = screen.probe_result
            assert result is not None and result.connected and result.stapled is None
            assert "OCSP stapling" not in widget_text(screen, "#probe-result")

            await pilot.click("#probe-status")
            assert screen.query_one("#probe-status", Checkbox).value
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            result = screen.probe_result
            assert result is not None and result.stapled is not None and result.stapled.stapled
            shown = widget_text(screen, "#probe-result")
            assert "OCSP stapling" in shown and "stapled an OCSP response" in shown
            assert "good" in shown
            info = result.stapled.info
            assert info is not None and info.responses[0].cert_id is not None
            assert info.responses[0].cert_id.serial == alice_serial()
