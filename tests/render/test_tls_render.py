"""Renderables of the TLS lab: what a person reads is there, and hints match errors."""

from __future__ import annotations

import io
import re

from rich.console import Console, RenderableType

from tlsexplorer.core.tls.probe import PeerCertificate, ProbeResult
from tlsexplorer.core.tls.records import analyse_exchange
from tlsexplorer.core.tls.server_events import ConnectionEvent
from tlsexplorer.render.tls import event_text, hint_for, probe_view, wire_view
from tlsexplorer.samples import SAMPLES_DIR
from tlsexplorer.tui.scenes._tls_capture import recorded_exchange


def _plain(renderable: RenderableType, width: int = 120) -> str:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_probe_view_shows_the_error_its_hint_and_the_chain_in_order() -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    ders = [c.public_bytes(serialization.Encoding.DER) for c in x509.load_pem_x509_certificates(
        (SAMPLES_DIR / "alice.example.net.fullchain.pem").read_bytes())]
    result = ProbeResult(
        "localhost", 8443, "localhost", True, "TLSv1.3", "TLS_AES_256_GCM_SHA384", "http/1.1", False,
        "certificate verify failed: unable to get local issuer certificate",
        tuple(PeerCertificate.from_der(d) for d in ders), "read from the Certificate message",
        "the system's roots",
    )
    text = _plain(probe_view(result))
    assert "unable to get local issuer certificate" in text and "--ca FILE" in text
    assert text.index("alice.example.net") < text.index("Intermediate")
    assert "TLSv1.3" in text and "http/1.1" in text


def test_hints_cover_the_course_errors() -> None:
    assert hint_for("certificate verify failed: IP address mismatch, certificate is not valid for '::1'.")
    assert hint_for("certificate verify failed: certificate has expired")
    assert hint_for("certificate verify failed: Missing Authority Key Identifier")
    assert hint_for(None) is None and hint_for("something new") is None


def test_wire_view_of_the_recorded_exchange() -> None:
    text = _plain(wire_view(analyse_exchange(recorded_exchange()), secret="the password to the treasure"))
    assert "ClientHello" in text and "ServerHello" in text and "SNI: localhost" in text
    assert "TLS_AES_256_GCM_SHA384" in text
    assert "not there, it is encrypted" in text


def test_event_line() -> None:
    event = ConnectionEvent(3, "127.0.0.1:5000", True, "localhost", "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                            "http/1.1", None, "GET / HTTP/1.1", 200)
    line = event_text(event).plain
    assert "#3" in line and "SNI=localhost" in line and "200" in line


def test_hints_in_the_tls_labs_words_name_no_cli_option() -> None:
    from tlsexplorer.render.tls import HINTS

    for words, cli_hint in HINTS:
        tui_hint = hint_for(f"certificate verify failed: {words}", ui="tui")
        assert tui_hint is not None and hint_for(words) == cli_hint
        # (curl's --cacert and openssl's -CAfile are fine: they are what the other tools call it)
        assert not re.search(r"--(ca|servername|cert|client-ca)\b|tlsexplorer (tls|ca)", tui_hint), words


def _hostile_certificate_der() -> bytes:
    """A self-signed certificate a hostile server could send: rich markup and an ESC in its names."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "evil[/]x[bold]\x1b[2J")])
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(start).not_valid_after(start + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


def test_a_server_certificate_name_is_shown_as_text_never_as_markup_or_terminal_codes() -> None:
    peer = PeerCertificate.from_der(_hostile_certificate_der())
    result = ProbeResult("localhost", 8443, "localhost", True, "TLSv1.3", "TLS_AES_256_GCM_SHA384", None,
                         False, None, (peer,), "read from the Certificate message", "the given CA")
    text = _plain(probe_view(result), width=200)  # a MarkupError here was a traceback in 'tls probe'
    assert "evil[/]x[bold]" in text
    assert "\x1b" not in text and "\\x1b[2J" in text
