"""The lab server: what it refuses to start with, what it logs, and that nothing hangs it."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import ssl
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.tls_support import ALICE, ROOT, https_get, lab_server, silent_peer
from tlsexplorer.core.ca.build import (
    CertificateSpec,
    build_name,
    certificate_pem,
    generate_private_key,
    issue_certificate,
    private_key_pem,
)
from tlsexplorer.core.errors import InvalidInput, PasswordRequired, UsageError, WrongPassword
from tlsexplorer.core.tls.server import (
    DEFAULT_SECRET,
    LabServer,
    ServerFiles,
    ca_issued_files,
    load_server_context,
)
from tlsexplorer.samples import SAMPLES_DIR


@pytest.fixture(scope="module")
def encrypted_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = serialization.load_pem_private_key(ALICE.key.read_bytes(), None)
    path = tmp_path_factory.mktemp("keys") / "alice.enc.key.pem"
    path.write_bytes(private_key_pem(key, b"right horse"))  # type: ignore[arg-type]
    return path


def test_key_must_match_the_certificate() -> None:
    with pytest.raises(InvalidInput, match="does not belong to the certificate"):
        load_server_context(ServerFiles(ALICE.cert, SAMPLES_DIR / "expired.key.pem"))


def test_encrypted_key_needs_the_right_passphrase(encrypted_key: Path) -> None:
    files = ServerFiles(ALICE.cert, encrypted_key)
    with pytest.raises(PasswordRequired, match="--key-password-file"):
        load_server_context(files)
    with pytest.raises(WrongPassword, match="passphrase does not open"):
        load_server_context(files, b"wrong")
    # Enter at the prompt gives b"": that person did answer; "type it at the prompt" would be wrong.
    with pytest.raises(WrongPassword, match="an empty passphrase does not open"):
        load_server_context(files, b"")
    assert isinstance(load_server_context(files, b"right horse"), ssl.SSLContext)


def test_not_a_certificate_and_missing_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"hello")
    with pytest.raises(InvalidInput, match="no PEM certificate"):
        load_server_context(ServerFiles(junk, ALICE.key))
    with pytest.raises(UsageError.__mro__[1]):  # FileAccessError is a TlsxError
        load_server_context(ServerFiles(tmp_path / "nope.pem", ALICE.key))
    with pytest.raises(Exception, match="no such file"):
        ca_issued_files(tmp_path, "localhost")


def test_serves_https_and_logs_sni_version_cipher_alpn() -> None:
    with lab_server() as server:
        assert server.url == f"https://localhost:{server.port}/"
        body, version = https_get(server.port)
        deadline = time.monotonic() + 5
        while not server.events and time.monotonic() < deadline:
            time.sleep(0.01)
    assert b"200 OK" in body and DEFAULT_SECRET.encode() in body
    event = server.events[-1]
    assert event.sni == "localhost" and event.tls_version == version == "TLSv1.3"
    assert event.cipher and event.status == 200 and event.request == "GET / HTTP/1.1"
    assert "SNI=localhost" in event.summary()


def test_plain_http_on_the_https_port_and_a_refusing_client_are_logged() -> None:
    with lab_server() as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            with contextlib.suppress(ConnectionResetError):
                sock.recv(100)
        untrusting = ssl.create_default_context()  # system roots only: rejects Charlie's CA
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock, \
                pytest.raises(ssl.SSLCertVerificationError):
            untrusting.wrap_socket(sock, server_hostname="localhost")
        deadline = time.monotonic() + 5
        while len(server.events) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    errors = [e.error or "" for e in server.events]
    assert any("plain HTTP request reached the HTTPS port" in e for e in errors)
    assert any("does not trust the CA" in e for e in errors)


def test_port_in_use_is_a_clear_error() -> None:
    with lab_server() as server:
        second = LabServer(None, port=server.port)
        with pytest.raises(UsageError, match="already in use"):
            second.start()


def test_only_loopback_and_a_silent_client_cannot_hang_it() -> None:
    with lab_server(timeout=0.3) as server:
        assert server._server is not None and server._server.server_address[0] == "127.0.0.1"
        silent = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        try:
            deadline = time.monotonic() + 5
            while not server.events and time.monotonic() < deadline:
                time.sleep(0.02)
            assert server.events and "said nothing" in (server.events[-1].error or "")
        finally:
            silent.close()
        started = time.monotonic()
    assert time.monotonic() - started < 2  # stop() returned promptly


def test_mutual_tls_logs_the_client_certificate(tmp_path: Path) -> None:
    root_key = serialization.load_pem_private_key(
        (SAMPLES_DIR / "charlies-root-ca.key.pem").read_bytes(), b"secret_password"
    )
    root = __import__("cryptography.x509", fromlist=["x"]).load_pem_x509_certificate(ROOT.read_bytes())
    key = generate_private_key("p256")
    now = dt.datetime.now(dt.timezone.utc)
    spec = CertificateSpec(
        build_name("bob-client"), "client", now - dt.timedelta(days=1), now + dt.timedelta(days=5)
    )
    cert = issue_certificate(spec, key.public_key(), root_key, root)  # type: ignore[arg-type]
    (tmp_path / "c.pem").write_bytes(certificate_pem(cert))
    (tmp_path / "k.pem").write_bytes(private_key_pem(key))
    with lab_server(client_ca=ROOT) as server:
        body, _ = https_get(server.port, certfile=tmp_path / "c.pem", keyfile=tmp_path / "k.pem")
        deadline = time.monotonic() + 5
        while not server.events and time.monotonic() < deadline:
            time.sleep(0.01)
    assert b"200 OK" in body
    assert server.events[-1].client_cert == "CN=bob-client"


def test_silent_peer_helper_is_bounded() -> None:
    with silent_peer() as port, socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock, \
            pytest.raises(TimeoutError):
        sock.recv(1)


def test_what_a_client_sends_reaches_the_log_with_control_characters_escaped() -> None:
    # A request line or SNI holding ESC sequences must not reach the operator's terminal raw.
    evil_name = "evil\x1b]0;pwned\x07.test"
    with lab_server(plain=True) as plain:
        with socket.create_connection(("127.0.0.1", plain.port), timeout=5) as sock:
            sock.sendall(b"GET /\x1b[31mred HTTP/1.1\r\n\r\n")
            sock.recv(100)
        with socket.create_connection(("127.0.0.1", plain.port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\n\n")  # bare LF, as typed into nc or openssl s_client
            sock.recv(100)
        deadline = time.monotonic() + 5
        while len(plain.events) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    with lab_server() as server:
        context = ssl.create_default_context(cafile=ROOT)
        context.check_hostname = False
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock, \
                context.wrap_socket(sock, server_hostname=evil_name) as tls:
            tls.sendall(b"GET / HTTP/1.1\r\n\r\n")
            tls.recv(100)
        deadline = time.monotonic() + 5
        while not server.events and time.monotonic() < deadline:
            time.sleep(0.01)
    escape, lf = sorted(plain.events, key=lambda e: e.number)
    assert escape.request == "GET /\\x1b[31mred HTTP/1.1" and escape.status == 404
    assert lf.request == "GET / HTTP/1.1" and lf.status == 200
    assert server.events[-1].sni == "evil\\x1b]0;pwned\\x07.test"
    for event in [*plain.events, *server.events]:
        assert not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in event.summary())


def test_plain_http_on_the_https_port_gets_a_plain_answer_saying_use_https() -> None:
    """Like nginx's '400 The plain HTTP request was sent to HTTPS port': curl http:// shows why,
    instead of 'Recv failure: Connection reset by peer'."""
    with lab_server() as server:
        port = server.port
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            answer = b""
            while chunk := sock.recv(4096):
                answer += chunk
        body, version = https_get(port)  # and the port still serves HTTPS
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert f"Use https://localhost:{port}/".encode() in answer
    assert DEFAULT_SECRET.encode() not in answer
    assert b"200 OK" in body and version == "TLSv1.3"
