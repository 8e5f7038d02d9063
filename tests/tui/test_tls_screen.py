"""Pilot tests of the TLS lab screen: the background server, probe, scenarios, wire and bad input."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from pathlib import Path
from typing import Any

from textual.widgets import Checkbox, DataTable, Input, RichLog

from tests.tls_support import ROOT, https_get
from tests.tui.conftest import open_explorer, wait_for_workers, wait_until, widget_text
from tlsexplorer.core.tls.scenarios import SCENARIOS
from tlsexplorer.core.tls.server import DEFAULT_SECRET
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS
from tlsexplorer.tui.screens.tls import TlsScreen


async def _serve(pilot: Any, screen: TlsScreen) -> Any:
    """Start the lab's server on a free port with what the Server tab holds; return it, running."""
    screen.query_one("#port", Input).value = "0"
    await pilot.press("ctrl+s")
    await wait_for_workers(pilot)
    server = screen.server
    assert server is not None and server.running
    return server


async def test_server_runs_in_the_background_logs_and_stops_on_exit() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        server = await _serve(pilot, screen)
        assert "running" in widget_text(screen, "#server-status")
        assert screen.query_one("#target", Input).value == f"localhost:{server.port}"
        body, _ = await asyncio.to_thread(https_get, server.port)
        assert DEFAULT_SECRET.encode() in body
        for _ in range(50):
            await pilot.pause(0.02)
            if server.events:
                break
        log = screen.query_one("#server-log", RichLog)
        assert any("SNI=localhost" in line.text for line in log.lines)
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        result = screen.probe_result
        assert result is not None and result.verified and result.tls_version == "TLSv1.3"
        assert "certificate verified" in widget_text(screen, "#probe-result")
        if any(e.id == "inspector" for e in EXPLORERS):
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert app.screen is app.explorer_screen("inspector")
            await pilot.press("escape")
            await pilot.pause()
    assert not server.running  # the app exiting stopped it


async def test_probe_without_the_ca_shows_the_course_error() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        await _serve(pilot, screen)
        screen.show_tab("tab-probe", "#target")
        await pilot.pause()
        await pilot.click("#trust-sample")
        assert not screen.query_one("#trust-sample", Checkbox).value
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        shown = widget_text(screen, "#probe-result")
        assert "unable to get local issuer certificate" in shown
        # The advice names this screen's controls, not the CLI's options.
        assert "tick trust" in shown and "'CA to trust'" in shown and "--ca FILE" not in shown
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        assert screen.server is None and "stopped" in widget_text(screen, "#server-status")
        await pilot.press("ctrl+r")  # nothing listens there now
        await wait_for_workers(pilot)
        shown = widget_text(screen, "#probe-result")
        assert "connection refused" in shown and "ctrl+s" in shown and "tlsexplorer tls serve" not in shown


def test_the_probe_tab_and_tls_probe_share_one_default_timeout() -> None:
    from tlsexplorer.cli import build_parser
    from tlsexplorer.core.tls.connect import PROBE_TIMEOUT

    args = build_parser().parse_args(["tls", "probe", "localhost:8443"])
    assert TlsScreen.probe_timeout == args.timeout == PROBE_TIMEOUT


async def test_probing_a_silent_server_ends_with_a_message() -> None:
    """A server that accepts the connection and never answers: the probe ends at its deadline (lowered
    here from the default through the screen's probe_timeout) and says so."""
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens, never accepts, never answers
        port = silent.getsockname()[1]
        app = TlsExplorerApp(now=SAMPLE_NOW)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_explorer(pilot, "tls")
            screen.probe_timeout = 1.0
            screen.show_tab("tab-probe", "#target")
            await pilot.pause()
            screen.query_one("#target", Input).value = f"127.0.0.1:{port}"
            started = time.monotonic()
            await pilot.press("ctrl+r")
            assert "at most 1 s" in widget_text(screen, "#probe-result")
            await wait_until(pilot, lambda: "probing" not in widget_text(screen, "#probe-result"),
                             "the probe of a silent server to end")
            took = time.monotonic() - started
            await wait_for_workers(pilot)
            shown = widget_text(screen, "#probe-result")
            assert f"no answer from 127.0.0.1:{port} within 1 s" in shown, shown
            assert took < 30  # the lowered deadline, not a hang (generous: the machine may be busy)
            result = screen.probe_result
            assert result is not None and not result.ok and "within 1 s" in str(result.error)


async def test_scenario_board_fills_in() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        await pilot.press("ctrl+b")
        await wait_for_workers(pilot)
        assert set(screen.scenario_results) == {s.id for s in SCENARIOS}
        assert all(r.as_expected for r in screen.scenario_results.values())
        board = screen.query_one("#board", DataTable)
        assert "unable to get local issuer certificate" in str(board.get_cell("no_ca", "error"))
        assert "curl" in widget_text(screen, "#scenario-detail")


async def test_wire_plain_shows_the_secret_and_https_hides_it() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        await pilot.press("ctrl+t")
        await wait_for_workers(pilot)
        assert screen.analysis is not None and screen.analysis.kind == "tls"
        assert "ClientHello" in widget_text(screen, "#wire-view")
        assert "SNI: localhost" in widget_text(screen, "#wire-hellos")
        screen.show_tab("tab-wire", "#record-plain")
        await pilot.pause()
        await pilot.click("#record-plain")
        await wait_for_workers(pilot)
        assert screen.analysis is not None and screen.analysis.kind == "http"
        assert DEFAULT_SECRET in widget_text(screen, "#wire-view")


async def test_bad_input_is_a_message_not_a_crash() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.query_one("#port", Input).value = "99999"
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        assert "not a port number" in widget_text(screen, "#server-status") and screen.server is None
        screen.query_one("#port", Input).value = "0"
        screen.query_one("#cert", Input).value = "/nonexistent/cert.pem"
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        assert "give both" in widget_text(screen, "#server-status")
        screen.query_one("#key", Input).value = "/nonexistent/key.pem"
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        assert "no such file" in widget_text(screen, "#server-status") and screen.server is None
        screen.query_one("#target", Input).value = "localhost:nope"
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert "not a port number" in widget_text(screen, "#probe-result")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.screen is screen


async def test_mutual_tls_logs_a_client_without_a_certificate() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.query_one("#port", Input).value = "0"
        screen.query_one("#client-ca", Input).value = str(ROOT)
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        server = screen.server
        assert server is not None and "mutual TLS" in widget_text(screen, "#server-status")
        with contextlib.suppress(OSError):
            await asyncio.to_thread(https_get, server.port)
        for _ in range(100):
            await pilot.pause(0.02)
            if server.events:
                break
        log = screen.query_one("#server-log", RichLog)
        assert any("sent no certificate" in line.text for line in log.lines)
        screen.query_one("#plain", Checkbox).value = True
        await pilot.press("ctrl+s")  # stop
        await wait_for_workers(pilot)
        await pilot.press("ctrl+s")  # plain + client CA: refused with a reason
        await wait_for_workers(pilot)
        assert screen.server is None and "mutual TLS needs TLS" in widget_text(screen, "#server-status")


async def test_probe_trusts_your_own_ca_folder(tmp_path: Path) -> None:
    """The course story in the TUI: serve a certificate from a `tlsexplorer ca` folder, probe it
    trusting that CA (filled in from the folder), and see a CA file that does not exist reported."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from tlsexplorer.core.ca import store as ca_store
    folder = tmp_path / "myca"
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="Pilot Root"), SAMPLE_NOW,
                                      ec.generate_private_key(ec.SECP256R1())))
    issuer = ca_store.load_ca(folder)
    ca_store.save(ca_store.build_leaf(issuer, ca_store.LeafRequest("localhost", sans=("127.0.0.1",)),
                                      SAMPLE_NOW, ec.generate_private_key(ec.SECP256R1())))
    paths = ca_store.issued_paths(folder, "localhost")
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.query_one("#cert", Input).value = str(paths.fullchain)
        screen.query_one("#key", Input).value = str(paths.key)
        await _serve(pilot, screen)
        try:
            assert screen.query_one("#probe-ca", Input).value == str(folder / "chain.pem")
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            shown = widget_text(screen, "#probe-result")
            assert "certificate verified for this host" in shown, shown
            assert screen.probe_roots == (folder / "chain.pem").read_bytes()
            screen.query_one("#probe-ca", Input).value = str(tmp_path / "missing.pem")
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            assert "no such file" in widget_text(screen, "#probe-result")
        finally:
            await pilot.press("ctrl+s")
            await wait_for_workers(pilot)
        assert screen.server is None


async def test_probe_presents_a_client_certificate_for_mutual_tls(tmp_path: Path) -> None:
    """A server that requires client certificates: without one the probe says what to fill in; the
    client certificate and key fields complete the handshake; an encrypted key asks for the passphrase
    field by name."""
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.tls_support import lab_server
    from tlsexplorer.core.ca import store as ca_store
    folder = tmp_path / "clients"
    now = dt.datetime.now(dt.timezone.utc)  # the server checks the client certificate at the real time
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="Pilot Client CA"), now,
                                      ec.generate_private_key(ec.SECP256R1())))
    issuer = ca_store.load_ca(folder)
    for request in (ca_store.LeafRequest("laptop", client=True),
                    ca_store.LeafRequest("locked", client=True, password=b"pilot-pass")):
        ca_store.save(ca_store.build_leaf(issuer, request, now, ec.generate_private_key(ec.SECP256R1())))
    laptop, locked = ca_store.issued_paths(folder, "laptop"), ca_store.issued_paths(folder, "locked")
    app = TlsExplorerApp(now=SAMPLE_NOW)
    with lab_server(client_ca=folder / "ca.pem") as server:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_explorer(pilot, "tls")
            screen.show_tab("tab-probe", "#target")
            screen.query_one("#target", Input).value = f"localhost:{server.port}"
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            shown = widget_text(screen, "#probe-result")
            assert "requires a client certificate" in shown and "client certificate and client key" in shown
            assert "--cert" not in shown, "the TLS lab has fields, not command-line options"
            assert screen.query_one("#probe-cert", Input).region.bottom <= 40  # the row fits on screen
            screen.query_one("#probe-cert", Input).value = str(laptop.fullchain)
            screen.query_one("#probe-key", Input).value = str(laptop.key)
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            result = screen.probe_result
            assert result is not None and result.ok and result.client_certificate is not None
            assert result.client_certificate.subject == "CN=laptop"
            assert "client cert" in widget_text(screen, "#probe-result")
            screen.query_one("#probe-cert", Input).value = str(locked.fullchain)
            screen.query_one("#probe-key", Input).value = str(locked.key)
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            assert "passphrase field" in widget_text(screen, "#probe-result")
            screen.query_one("#probe-passphrase", Input).value = "pilot-pass"
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            result = screen.probe_result
            assert result is not None and result.ok and result.client_certificate is not None
            assert result.client_certificate.subject == "CN=locked"
            assert "pilot-pass" not in widget_text(screen, "#probe-result")


async def test_encrypted_key_and_ctrl_s_from_another_tab_say_what_happened(tmp_path: Path) -> None:
    """An encrypted key without its passphrase names the passphrase field (not the CLI's
    --key-password-file); ctrl+s pressed on the Probe tab, as its hint says, pops up the outcome
    (it changed only the hidden Server tab's status)."""
    from cryptography.hazmat.primitives import serialization

    from tests.tls_support import ALICE
    from tlsexplorer.core.ca.build import private_key_pem

    key = serialization.load_pem_private_key(ALICE.key.read_bytes(), None)
    encrypted = tmp_path / "alice.enc.key.pem"
    encrypted.write_bytes(private_key_pem(key, b"right horse"))  # type: ignore[arg-type]
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.query_one("#port", Input).value = "0"
        screen.query_one("#cert", Input).value = str(ALICE.cert)
        screen.query_one("#key", Input).value = str(encrypted)
        screen.show_tab("tab-probe", "#target")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        status = widget_text(screen, "#server-status")
        assert screen.server is None and "passphrase field" in status and "--key-password-file" not in status
        notes = [n.message for n in app._notifications]
        assert any("not started" in n and "passphrase field" in n for n in notes), notes
        screen.query_one("#passphrase", Input).value = "right horse"
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        server = screen.server
        assert server is not None and server.running
        assert any(f"running: {server.url}" in n.message for n in app._notifications)
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        assert not server.running
        assert any("stopped after 0 connection(s)" in n.message for n in app._notifications)
        assert app.screen is screen and screen.query_one("#tabs").active == "tab-probe"  # type: ignore[attr-defined]


async def test_wire_at_80_columns_puts_the_hello_details_under_the_records() -> None:
    """Beside the records, the 53-column ClientHello panel left the records 25 columns at 80."""
    from tlsexplorer.core.tls.records import analyse_exchange
    from tlsexplorer.tui.scenes._tls_capture import recorded_exchange

    for size, records_at_least, beside in (((80, 24), 70, False), ((120, 40), 60, True)):
        app = TlsExplorerApp(now=SAMPLE_NOW)
        async with app.run_test(size=size) as pilot:
            screen = await open_explorer(pilot, "tls")
            screen.show_tab("tab-wire", "#record-tls")
            screen.show_wire(analyse_exchange(recorded_exchange()))
            await pilot.pause()
            await pilot.pause()
            records = screen.query_one("#wire-scroll").region
            side = screen.query_one("#wire-side").region
            assert records.width >= records_at_least and side.width >= 50, (size, records, side)
            assert (side.x > records.x) is beside, (size, records, side)
            assert (side.y > records.y) is not beside, (size, records, side)


async def test_the_ca_to_trust_follows_the_server_unless_typed_in(tmp_path: Path) -> None:
    """Serving a CA folder's certificate fills in its chain.pem; serving the built-in sample next
    must clear it again (the stale folder CA made the sample's probe fail 'unable to get local issuer
    certificate'), but a CA file the user typed stays."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from tlsexplorer.core.ca import store as ca_store
    folder = tmp_path / "myca"
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="Pilot Root"), SAMPLE_NOW,
                                      ec.generate_private_key(ec.SECP256R1())))
    issuer = ca_store.load_ca(folder)
    ca_store.save(ca_store.build_leaf(issuer, ca_store.LeafRequest("localhost"), SAMPLE_NOW,
                                      ec.generate_private_key(ec.SECP256R1())))
    paths = ca_store.issued_paths(folder, "localhost")
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.query_one("#port", Input).value = "0"
        probe_ca = screen.query_one("#probe-ca", Input)

        async def serve(cert: str, key: str) -> None:
            if screen.server is not None:
                await pilot.press("ctrl+s")
                await wait_for_workers(pilot)
            screen.query_one("#cert", Input).value = cert
            screen.query_one("#key", Input).value = key
            await pilot.press("ctrl+s")
            await wait_for_workers(pilot)
            assert screen.server is not None

        await serve(str(paths.fullchain), str(paths.key))
        assert probe_ca.value == str(folder / "chain.pem")
        await serve("", "")  # the built-in sample
        assert probe_ca.value == ""
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        assert screen.probe_result is not None and screen.probe_result.verified, screen.probe_result
        probe_ca.value = str(ROOT)  # typed in: kept whatever is served next
        await serve(str(paths.fullchain), str(paths.key))
        assert probe_ca.value == str(ROOT)
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        assert screen.server is None


async def test_scenario_board_leaves_room_for_what_the_client_said_at_80_columns() -> None:
    """The 58-wide scenario column left 'the client said' 5 columns at 80 ('unabl', 'IP ad')."""
    from textual.widgets.data_table import ColumnKey

    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-scenarios", "#board")
        await pilot.pause()
        board = screen.query_one("#board", DataTable)

        def room_for_said() -> int:
            used = sum(board.columns[ColumnKey(k)].get_render_width(board) for k in ("title", "result"))
            return board.region.width - used

        assert room_for_said() >= 30, room_for_said()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert board.columns[ColumnKey("title")].width == 58  # whole titles when there is room


async def test_leaving_the_lab_with_the_server_running_says_it_still_listens() -> None:
    """Esc to Home leaves the server running (by design); nothing on Home showed it. Help and the
    palette over the lab say nothing."""
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        server = await _serve(pilot, screen)
        app._notifications.clear()
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not any("still listens" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen and server.running
        notes = [n.message for n in app._notifications]
        assert any(f"still listens on {server.url}" in n and "ctrl+s" in n for n in notes), notes
    assert not server.running


async def test_a_client_certificate_without_its_key_names_the_client_key_field() -> None:
    """A certificate file holding no key, the key field left empty: the message names the lab's field,
    not the CLI's --key FILE (checked before connecting, so no server is needed)."""
    from tests.tls_support import ALICE, closed_port

    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-probe", "#target")
        screen.query_one("#target", Input).value = f"localhost:{closed_port()}"
        screen.query_one("#probe-cert", Input).value = str(ALICE.cert)
        await pilot.press("ctrl+r")
        await wait_for_workers(pilot)
        shown = widget_text(screen, "#probe-result")
        assert "holds no private key" in shown and "the client key field" in shown
        assert "--key" not in shown, "the TLS lab has fields, not command-line options"
