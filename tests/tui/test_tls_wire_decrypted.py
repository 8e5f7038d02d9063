"""The Wire tab decrypted: records named with their keys, the key schedule, certificates to open."""

from __future__ import annotations

from tests.tui.conftest import open_explorer, sent_by_ctrl_o_and_ctrl_l, wait_for_workers, widget_text
from tlsexplorer.core.tls.decrypt import decrypt_exchange
from tlsexplorer.core.tls.records import analyse_exchange
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.payloads import OpenPem, VerifyChain
from tlsexplorer.tui.scenes._tls_capture_keyed import recorded_exchange_with_keylog


async def test_recording_shows_every_record_decrypted_with_its_key() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        await pilot.press("ctrl+t")
        await wait_for_workers(pilot)
        connection = screen.connection
        assert connection is not None and connection.fully_decrypted
        view = widget_text(screen, "#wire-view")
        for name in ("server_handshake #0", "encrypted_extensions", "certificate_verify", "finished",
                     "new_session_ticket", "client_application #0", "GET / HTTP/1.1",
                     "the secret, decrypted"):
            assert name in view, name
        side = widget_text(screen, "#wire-hellos")
        assert "CLIENT_HANDSHAKE_TRAFFIC_SECRET" in side and 'HKDF-Expand-Label(…, "iv")' in side


async def test_the_decrypted_certificates_open_in_the_inspector_and_chain() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-wire", "#record-tls")
        exchange = recorded_exchange_with_keylog()
        screen.show_wire(analyse_exchange(exchange), None, decrypt_exchange(exchange))
        await pilot.pause()
        opened = await sent_by_ctrl_o_and_ctrl_l(pilot)
    (inspector, pem), (chain, verify) = opened
    assert inspector == "inspector" and isinstance(pem, OpenPem) and pem.data.count(b"BEGIN CERTIFICATE") == 2
    assert chain == "chain" and isinstance(verify, VerifyChain) and verify.host == "localhost"
    assert b"BEGIN CERTIFICATE" in verify.leaf and verify.roots
