"""Pilot tests of the TLS lab's Fernet page and Who listens panel (issue 17)."""

from __future__ import annotations

import os

from cryptography.fernet import Fernet
from textual.widgets import Button, Checkbox, Input

from tests.tui.conftest import open_explorer, wait_for_workers, widget_text
from tlsexplorer.core.tls.server import DEFAULT_SECRET
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp


async def test_fernet_page_shows_its_key_and_the_wire_shows_a_token_not_the_secret() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.query_one("#fernet", Checkbox).value = True
        screen.query_one("#plain", Checkbox).value = True
        screen.query_one("#port", Input).value = "0"
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        server = screen.server
        assert server is not None and server.fernet_key is not None
        assert server.fernet_key.encoded in widget_text(screen, "#server-status")
        # The Wire tab records the Fernet page: a plain HTTP sniffer sees a token the key opens.
        await pilot.press("ctrl+t")
        await wait_for_workers(pilot)
        await pilot.pause()
        analysis = screen.analysis
        assert analysis is not None and analysis.kind == "http"
        body = b"".join(message.body for message in analysis.http)
        assert DEFAULT_SECRET.encode() not in body
        token = body.split(b"<b>")[1].split(b"</b>")[0]
        assert Fernet(server.fernet_key.encoded.encode()).decrypt(token) == DEFAULT_SECRET.encode()
        assert "the secret does not appear" in widget_text(screen, "#wire-view")
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)


async def test_who_listens_names_the_running_lab_server_and_the_commands() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.query_one("#port", Input).value = "0"
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        server = screen.server
        assert server is not None
        screen.query_one("#who-listens", Button).press()
        await wait_for_workers(pilot)
        await pilot.pause()
        shown = widget_text(screen, "#listens")
        assert f"{server.port}" in shown and str(os.getpid()) in shown and "(this app)" in shown
        assert f"lsof -nP -iTCP:{server.port}" in shown and "nmap" in shown
        assert "8443" in shown and "8080" in shown, "the course's ports are listed too"
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
