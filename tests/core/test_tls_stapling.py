"""OCSP stapling: ``tls probe --status`` against openssl s_server, ``tls serve --staple`` against s_client."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from tests.stapling_support import alice_response, alice_serial, openssl_s_server, responder
from tests.tls_support import ALICE, INTERMEDIATE, ROOT, https_get, lab_server
from tests.tools import needs_openssl
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.tls.probe import probe
from tlsexplorer.core.tls.server import LabServer
from tlsexplorer.core.tls.stapling import load_staple, stapling_context, stapling_layer


@contextlib.contextmanager
def stapling_server(response_file: Path) -> Iterator[LabServer]:
    """The lab server stapling the response in ``response_file`` to Alice's certificate."""
    staple = load_staple(str(response_file), ALICE.cert, dt.datetime.now(dt.timezone.utc))
    layer = stapling_layer(stapling_context(ALICE.cert, ALICE.key, None, staple))
    server = LabServer(None, port=0, tls_layer=layer, timeout=5.0)
    try:
        yield server.start()
    finally:
        server.stop()


def s_client_status(port: int, *extra: str) -> str:
    done = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "alice.example.net",
         "-status", *extra],
        input="", capture_output=True, text=True, timeout=60,
    )
    return done.stdout


@needs_openssl
@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
def test_openssl_s_client_sees_what_the_lab_server_staples(tmp_path: Path, version: str) -> None:
    path = tmp_path / "alice.ocsp"
    path.write_bytes(alice_response(ocsp.OCSPCertStatus.REVOKED))
    with stapling_server(path) as server:
        out = s_client_status(server.port, version)
        assert "OCSP Response Status: successful" in out, out
        assert "Cert Status: revoked" in out and f"Serial Number: {alice_serial():X}" in out
        body, _ = https_get(server.port)  # and the page is served as usual
        assert b"200 OK" in body
        assert server.events.wait_for(2)
    assert all(e.tls_version for e in server.events if e.status == 200)


@needs_openssl
def test_without_staple_s_client_says_no_response(tmp_path: Path) -> None:
    with lab_server() as server:
        assert "OCSP response: no response sent" in s_client_status(server.port)


@needs_openssl
def test_probe_status_reads_what_openssl_s_server_staples(tmp_path: Path) -> None:
    path = tmp_path / "alice.ocsp"
    path.write_bytes(alice_response())
    with openssl_s_server(tmp_path, path) as port:
        result = probe("127.0.0.1", port, ca_pems=[ROOT.read_bytes()], servername="alice.example.net",
                       status=True, timeout=30)
    assert result.connected and result.stapled is not None and result.stapled.stapled
    assert result.stapled.der == path.read_bytes()
    info = result.stapled.info
    assert info is not None and info.successful and info.responses[0].status == "good"
    assert info.responses[0].cert_id is not None and info.responses[0].cert_id.serial == alice_serial()
    assert result.to_json()["ocsp_stapling"]["stapled"] is True
    # checked against the chain s_server sent (Alice, then Charlie's intermediate: her issuer)
    check = result.stapled.check
    assert check is not None and check.check is not None and check.check.status == "good", check
    assert check.issuer.startswith("CN=Charlie") and result.to_json()["ocsp_stapling"]["check"]["checked"]


@needs_openssl
def test_probe_status_when_the_server_staples_nothing(tmp_path: Path) -> None:
    with openssl_s_server(tmp_path, None) as port:
        result = probe("127.0.0.1", port, ca_pems=[ROOT.read_bytes()], servername="alice.example.net",
                       status=True, timeout=30)
    assert result.stapled is not None and not result.stapled.stapled and result.stapled.problem is None
    assert "stapled no OCSP response" in result.stapled.sentence()


def test_probe_without_status_does_not_ask() -> None:
    with lab_server() as server:
        result = probe("127.0.0.1", server.port, ca_pems=[ROOT.read_bytes()], servername="localhost")
    assert result.stapled is None and result.to_json()["ocsp_stapling"] is None


def test_staple_fetched_from_the_responder_for_the_served_certificate() -> None:
    now = dt.datetime.now(dt.timezone.utc)
    with responder(alice_response()) as (url, seen):
        staple = load_staple(url, ALICE.cert, now)
    asked = ocsp.load_der_ocsp_request(seen[0])
    assert asked.serial_number == alice_serial()
    issuer = x509.load_pem_x509_certificate(INTERMEDIATE.read_bytes())
    leaf = x509.load_pem_x509_certificates(ALICE.cert.read_bytes())[0]
    expected = ocsp.OCSPRequestBuilder().add_certificate(leaf, issuer, hashes.SHA1()).build()
    assert asked.issuer_key_hash == expected.issuer_key_hash
    assert staple.info.responses[0].status == "good" and staple.source == url


def test_staple_refuses_what_is_not_a_good_answer_about_the_served_certificate(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    other = x509.load_pem_x509_certificate(INTERMEDIATE.read_bytes())
    cases = {
        "unauthorized": ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
        .public_bytes(serialization.Encoding.DER),
        "not about the served certificate": alice_response(serial_of=other),
        "nothing to staple": b"\x30\x03\x02\x01\x00",
    }
    for words, blob in cases.items():
        with responder(blob) as (url, _seen), pytest.raises(InvalidInput, match=words):
            load_staple(url, ALICE.cert, now)
    path = tmp_path / "garbage.der"
    path.write_bytes(b"garbage")
    with pytest.raises(InvalidInput, match="nothing to staple"):
        load_staple(str(path), ALICE.cert, now)
