"""The lab server: what it refuses to start with, what it logs, and that nothing hangs it."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
from tlsexplorer.core.tls.server import DEFAULT_SECRET, LabServer
from tlsexplorer.core.tls.server_files import ServerFiles, ca_issued_files, load_server_context
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
        assert server.address == ("127.0.0.1", server.port)
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


# Slow clients, the cap, descriptors running out, and what the log says --------------------------


def _client_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ROOT)


def _wait_for(condition: Callable[[], bool], seconds: float = 20) -> bool:
    """Poll ``condition`` until it holds (generous: the machine may be busy)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


class _Trickler(threading.Thread):
    """A client that finishes the handshake, then sends its request one byte at a time."""

    def __init__(self, port: int, every: float) -> None:
        super().__init__(daemon=True)
        self.port, self.every = port, every
        self.handshaken = threading.Event()
        self.dropped = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        request = b"GET / HTTP/1.1\r\nHost: localhost\r\n" + b"X-Slow: " + b"z" * 1000 + b"\r\n\r\n"
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock, \
                    _client_context().wrap_socket(sock, server_hostname="localhost") as tls:
                self.handshaken.set()
                tls.settimeout(self.every)
                for byte in request:
                    if self.stop.is_set():
                        return
                    tls.sendall(bytes([byte]))
                    try:
                        if tls.recv(100) == b"":  # the server closed: dropped
                            break
                    except TimeoutError:
                        continue
        except (OSError, ssl.SSLError):
            pass
        self.dropped.set()


def _server(**options: Any) -> LabServer:
    return LabServer(load_server_context(ALICE), port=0, **options)


def test_a_trickling_client_cannot_hold_the_server() -> None:
    """One byte every so often keeps each read inside its limit; the request as a whole has a deadline,
    others are served meanwhile, and no thread is spent per slow client."""
    threads_before = threading.active_count()
    with _server(timeout=5, deadline=1.5) as server:
        tricklers = [_Trickler(server.port, every=0.2) for _ in range(12)]
        for trickler in tricklers:
            trickler.start()
        try:
            assert all(t.handshaken.wait(20) for t in tricklers)
            body, _ = https_get(server.port)  # served while twelve clients trickle
            assert b"200 OK" in body
            assert threading.active_count() <= threads_before + 12 + 3  # the tricklers' own, and a few
            assert all(t.dropped.wait(20) for t in tricklers)  # each one dropped at its deadline
        finally:
            for trickler in tricklers:
                trickler.stop.set()
        assert _wait_for(lambda: sum("deadline" in (e.error or "") for e in server.events) >= 12)
    slow = [e for e in server.events if "deadline" in (e.error or "")]
    assert all("1.5 s" in (e.error or "") and "request" in (e.error or "") for e in slow), slow[0]


def test_over_the_cap_a_connection_waits_in_the_backlog_and_the_log_says_so() -> None:
    notices: list[str] = []
    with LabServer(None, port=0, timeout=1.0, max_connections=2, on_notice=notices.append) as server:
        silent = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(2)]
        try:
            assert _wait_for(lambda: bool(notices))
            with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\n\r\n")
                answer = sock.recv(100)  # answered once a silent client is dropped
        finally:
            for sock in silent:
                sock.close()
    assert answer.startswith(b"HTTP/1.1 200 OK")
    assert "cap of 2 connections" in notices[0] and "listen backlog" in notices[0]


EMFILE_SCRIPT = r"""
import resource, sys, time
from tlsexplorer.core.tls.server import LabServer
notices = []
server = LabServer(None, port=0, timeout=30, on_notice=lambda text: print("notice:", text, flush=True))
server.start()
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
import os
opened = len(os.listdir("/proc/self/fd"))
resource.setrlimit(resource.RLIMIT_NOFILE, (opened + 8, hard))
print("port", server.port, flush=True)
sys.stdin.readline()  # the test holds its connections: the server runs out of descriptors
failures = server.accept_errors
time.sleep(2)
print("failed accepts in 2 s:", server.accept_errors - failures, flush=True)
sys.stdin.readline()  # the test let go: the server serves again
time.sleep(60)
"""


def test_out_of_descriptors_the_accept_loop_backs_off_and_logs_it_once() -> None:
    import os
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", EMFILE_SCRIPT], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    held: list[socket.socket] = []
    try:
        assert process.stdin is not None and process.stdout is not None
        port = int(process.stdout.readline().split()[1])
        for _ in range(30):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        process.stdin.write("go\n")
        process.stdin.flush()
        lines = []
        while not (line := process.stdout.readline()).startswith("failed accepts"):
            lines.append(line)
        failed = int(line.rsplit(":", 1)[1])
        for sock in held:
            sock.close()
        held.clear()
        process.stdin.write("go\n")
        process.stdin.flush()
        served = False
        deadline = time.monotonic() + 20
        while not served and time.monotonic() < deadline:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\n\r\n")
                served = sock.recv(100).startswith(b"HTTP/1.1 200 OK")
    finally:
        for sock in held:
            sock.close()
        process.kill()
        process.wait(10)
    notices = [line for line in lines if line.startswith("notice:")]
    assert len(notices) == 1 and "file descriptors" in notices[0], lines
    assert failed < 50  # backing off: a spinning loop fails thousands of times in 2 s
    assert served


def test_a_non_ascii_sni_is_logged_not_printed_as_an_ignored_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import shutil
    import subprocess
    import sys

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with _server() as server:
        done = subprocess.run(
            [openssl.encode(), b"s_client", b"-connect", f"127.0.0.1:{server.port}".encode(),
             b"-servername", b"caf\xc3\xa9.example", b"-CAfile", str(ROOT).encode()],
            input=b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", capture_output=True, timeout=60,
        )
        assert _wait_for(lambda: bool(server.events))
    assert not unraisable
    event = server.events[-1]
    assert event.status == 200, (event, done.stderr[-300:])
    assert event.sni is not None and event.sni.startswith("caf") and event.sni.endswith(".example")


def test_log_lines_say_what_happened() -> None:
    """An oversized head gets an answer; a partial ClientHello, a client leaving mid-request and an
    empty request each get their own words (and the status sent)."""
    with LabServer(None, port=0, timeout=1.0) as plain:
        with socket.create_connection(("127.0.0.1", plain.port), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nX-Big: " + b"a" * (17 * 1024) + b"\r\n\r\n")
            big = sock.recv(100)
        with socket.create_connection(("127.0.0.1", plain.port), timeout=10) as sock:
            sock.sendall(b"\r\n\r\n")
            empty = sock.recv(100)
        assert empty.startswith(b"HTTP/1.1 400 ")
        assert _wait_for(lambda: len(plain.events) >= 2)
    assert big.startswith(b"HTTP/1.1 431 ")
    by_status = {e.status: e for e in plain.events}
    assert "16 KiB" in (by_status[431].error or "") and "ValueError" not in by_status[431].summary()
    assert '"" 400' in by_status[400].summary()

    hello = _client_hello()
    with _server(timeout=0.5) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(hello[:40])
            assert _wait_for(lambda: bool(server.events))
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock, \
                _client_context().wrap_socket(sock, server_hostname="localhost") as tls:
            tls.sendall(b"GET / HT")
        assert _wait_for(lambda: len(server.events) >= 2)
    partial, left = sorted(server.events, key=lambda e: e.number)
    assert "sent 40 bytes of its TLS handshake, then nothing for 0.5 s" in (partial.error or ""), partial
    assert "said nothing" not in (partial.error or "")
    assert "in the middle of its request" in (left.error or ""), left
    assert "handshake" not in (left.error or "")
    assert left.tls_version == "TLSv1.3"  # the handshake was done, and the log shows it


def _client_hello() -> bytes:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def _ca_files(folder: Path) -> dict[str, Path]:
    """The client CA as DER, as PEM under a non-ASCII comment, and two files that hold none."""
    from cryptography import x509

    der = x509.load_pem_x509_certificate(ROOT.read_bytes()).public_bytes(serialization.Encoding.DER)
    files = {
        "der": der,
        "comment": "# Zertifikat für Charlie\n".encode("latin-1") + ROOT.read_bytes() + b"\nEnde\n",
        "random": bytes(range(7, 250)) * 3,
        "empty": b"",
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"ca-{name}"
        paths[name].write_bytes(data)
    return paths


def test_client_ca_in_der_or_with_text_around_is_read_and_junk_is_named(tmp_path: Path) -> None:
    paths = _ca_files(tmp_path)
    for name in ("der", "comment"):
        context = load_server_context(ALICE, client_ca=paths[name])
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.cert_store_stats()["x509_ca"] == 1, name
    with pytest.raises(InvalidInput) as random:
        load_server_context(ALICE, client_ca=paths["random"])
    assert str(random.value).startswith(f"{paths['random']}: ") and "client CA" in str(random.value)
    with pytest.raises(InvalidInput, match="is empty") as empty:
        load_server_context(ALICE, client_ca=paths["empty"])
    assert "client CA" in str(empty.value)
