"""The wire recorder and the TLS record parser, cross-checked against what Python's ssl negotiated."""

from __future__ import annotations

import socket
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.tls_support import ALICE, ROOT, lab_server
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.tls.recorder import WireRecorder, record_request
from tlsexplorer.core.tls.records import (
    Exchange,
    Segment,
    analyse_exchange,
    cipher_suite_name,
    is_grease,
    iter_records,
    looks_like_tls,
    parse_client_hello,
)
from tlsexplorer.core.tls.server import DEFAULT_SECRET


def _through_recorder(
    port: int, *, max_version: ssl.TLSVersion | None = None
) -> tuple[Exchange, dict[str, str]]:
    """A real TLS client through the recorder; returns the bytes and what ssl says it negotiated."""
    context = ssl.create_default_context(cadata=ROOT.read_text())
    context.set_alpn_protocols(["h2", "http/1.1"])
    if max_version is not None:
        context.maximum_version = max_version
    with WireRecorder(port) as recorder:
        with socket.create_connection(("127.0.0.1", recorder.port), timeout=5) as sock, \
                context.wrap_socket(sock, server_hostname="localhost") as tls:
            cipher = tls.cipher()
            facts = {"version": tls.version() or "", "cipher": cipher[0] if cipher else ""}
            tls.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            while tls.recv(65536):
                pass
        assert recorder.wait(5)
        return recorder.exchange, facts


def test_tls13_records_match_what_ssl_negotiated() -> None:
    with lab_server() as server:
        exchange, facts = _through_recorder(server.port)
    analysis = analyse_exchange(exchange)
    assert analysis.kind == "tls"
    assert facts["version"] == "TLSv1.3"
    assert analysis.version == 0x0304
    # In TLS 1.3 ssl reports the IANA name, so the parser's name must be the same string.
    assert cipher_suite_name(analysis.cipher_suite or 0) == facts["cipher"]
    hello = analysis.client_hello
    assert hello is not None and hello.sni == "localhost"
    assert 0x0304 in hello.supported_versions
    assert hello.alpn == ("h2", "http/1.1")
    assert analysis.cipher_suite in hello.cipher_suites
    first = analysis.records[0]
    assert first.direction == "client" and first.type_name == "Handshake"
    assert [m.name for m in first.messages] == ["ClientHello"]
    server_hello = next(r for r in analysis.records if r.direction == "server")
    assert [m.name for m in server_hello.messages] == ["ServerHello"]
    # After the ServerHello nothing is readable: no clear certificates, only ciphertext records.
    assert analysis.certificates == ()
    later = analysis.records[analysis.records.index(server_hello) + 1:]
    assert all(r.encrypted or r.type_name == "ChangeCipherSpec" for r in later)
    assert analysis.application_data_bytes > 0
    assert DEFAULT_SECRET.encode() not in exchange.server_bytes
    assert "TLS 1.3" in analysis.encryption_note
    # OpenSSL cuts the server's encrypted flight into several records; the first one is far too small
    # to carry the certificate, so its note must not say it holds the whole flight.
    encrypted = [r for r in later if r.encrypted and r.direction == "server"]
    leaf_size = len(ALICE.cert.read_bytes()) // 2
    if encrypted[0].length < leaf_size:
        assert "begins" in encrypted[0].note and "next records" in encrypted[0].note
        assert "continued" in encrypted[1].note
    # Record lengths add up to the bytes seen (5-byte header each).
    for direction in ("client", "server"):
        data = exchange.data(direction)  # type: ignore[arg-type]
        assert sum(5 + r.length for r in analysis.records if r.direction == direction) == len(data)


def test_tls12_certificate_message_is_readable_and_in_order() -> None:
    with lab_server(max_tls12=True) as server:
        exchange, facts = _through_recorder(server.port)
    assert facts["version"] == "TLSv1.2"
    analysis = analyse_exchange(exchange)
    expected = [c.public_bytes(serialization.Encoding.DER)
                for c in x509.load_pem_x509_certificates(ALICE.cert.read_bytes())]
    assert list(analysis.certificates) == expected
    names = [m.name for r in analysis.records for m in r.messages]
    assert names[:3] == ["ClientHello", "ServerHello", "Certificate"]
    assert "ServerHelloDone" in names
    ccs = [r for r in analysis.records if r.type_name == "ChangeCipherSpec"]
    assert {r.direction for r in ccs} == {"client", "server"}
    # Each side's records after its ChangeCipherSpec are ciphertext.
    for record in ccs:
        after = [r for r in analysis.records[record.index + 1:] if r.direction == record.direction]
        assert after and all(r.encrypted for r in after)


def test_plain_http_shows_the_secret() -> None:
    with lab_server(plain=True) as server:
        exchange, error = record_request(server.port, tls=False)
    assert error is None
    analysis = analyse_exchange(exchange)
    assert analysis.kind == "http"
    request, response = analysis.http
    assert request.start_line.startswith("GET / HTTP/1.1")
    assert response.start_line == "HTTP/1.1 200 OK"
    assert DEFAULT_SECRET in response.body.decode()


def test_a_refused_handshake_is_recorded_with_its_alert() -> None:
    with lab_server() as server:
        exchange, error = record_request(server.port, tls=True, cadata=None)
    assert error is not None and "unable to get local issuer certificate" in error
    analysis = analyse_exchange(exchange)
    assert analysis.kind == "tls" and analysis.client_hello is not None


def test_grease_and_unknown_suites_are_named() -> None:
    assert is_grease(0x0A0A) and is_grease(0xFAFA) and not is_grease(0x0A0B)
    assert cipher_suite_name(0x1301) == "TLS_AES_128_GCM_SHA256"
    assert cipher_suite_name(0x2A2A).startswith("GREASE")
    assert cipher_suite_name(0x1234) == "0x1234"


def test_malformed_and_partial_input() -> None:
    with pytest.raises(InvalidInput):
        parse_client_hello(b"\x03\x03" + b"\x00" * 10)
    assert not looks_like_tls(b"GET / HTTP/1.1")
    assert list(iter_records(b"\x16\x03\x01\x00\x10abc")) == []
    cut = analyse_exchange(Exchange((Segment("client", b"\x16\x03\x01\x00\x40" + b"\x01" * 20),)))
    assert cut.kind == "tls" and cut.records == () and cut.leftover
    assert analyse_exchange(Exchange(())).kind == "empty"
    assert analyse_exchange(Exchange((Segment("client", b"\x00\xff garbage"),))).kind == "other"
