"""The lab's quick ways (issue 17, lesson 8) and its Fernet page (lesson 3), cross-checked against what
OpenSSL makes and what curl, openssl s_client, Python's ssl and the cryptography library say."""

from __future__ import annotations

import datetime as dt
import os
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.x509.oid import ExtensionOID, NameOID

from tests.tools import CURL, OPENSSL, needs_curl, needs_openssl, needs_proc, needs_ss
from tlsexplorer.core.symmetric.fernet import generate_key
from tlsexplorer.core.tls.listeners import commands, read_proc_net, who_listens
from tlsexplorer.core.tls.quick_certs import quick_certificate, write_quick
from tlsexplorer.core.tls.scenarios import SCENARIOS, LabMaterial, run_scenarios
from tlsexplorer.core.tls.server import DEFAULT_SECRET, LabServer, free_port
from tlsexplorer.core.tls.server_files import load_server_context

NOW = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)


def _get(port: int, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def _body(response: bytes) -> bytes:
    return response.split(b"\r\n\r\n", 1)[1]


# The Fernet page -------------------------------------------------------------------------------


def test_the_fernet_page_sends_a_token_only_the_key_opens() -> None:
    key = generate_key()
    with LabServer(None, fernet_key=key) as server:
        alone = _get(server.port, "/fernet")
        page = _get(server.port, "/")
    assert alone.startswith(b"HTTP/1.1 200")
    token = _body(alone).strip()
    # The cryptography library itself opens it with the key, and refuses it with another.
    assert Fernet(key.encoded.encode()).decrypt(token) == DEFAULT_SECRET.encode()
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(token)
    # A sniffer of the page sees a token, never the secret.
    assert DEFAULT_SECRET.encode() not in page
    page_token = _body(page).split(b"<b>")[1].split(b"</b>")[0]
    assert Fernet(key.encoded.encode()).decrypt(page_token) == DEFAULT_SECRET.encode()
    assert page_token != token, "each request gets a fresh token (new IV and time)"


def test_without_a_key_there_is_no_fernet_page_and_the_secret_is_plain() -> None:
    with LabServer(None) as server:
        assert _get(server.port, "/fernet").startswith(b"HTTP/1.1 404")
        assert DEFAULT_SECRET.encode() in _get(server.port, "/")


# The one-liner's certificate -------------------------------------------------------------------


def _extensions(cert: x509.Certificate) -> dict[x509.ObjectIdentifier, bool]:
    return {ext.oid: ext.critical for ext in cert.extensions}


@needs_openssl
def test_the_one_liner_certificate_has_what_openssl_req_x509_makes_here(tmp_path: Path) -> None:
    assert OPENSSL is not None
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-keyout", str(tmp_path / "k.pem"), "-out", str(tmp_path / "c.pem")],
                   check=True, capture_output=True, timeout=60)
    theirs = x509.load_pem_x509_certificate((tmp_path / "c.pem").read_bytes())
    ours, _key = quick_certificate("one_liner", NOW)
    assert _extensions(ours) == _extensions(theirs)
    for cert in (ours, theirs):
        assert cert.subject == cert.issuer
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "localhost"
        constraints = cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value
        assert isinstance(constraints, x509.BasicConstraints)
        assert (constraints.ca, constraints.path_length) == (True, None)
        ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
        assert aki.key_identifier == ski.digest
        assert aki.authority_cert_issuer is None
        assert cert.public_key().key_size == 2048  # type: ignore[union-attr]


def test_the_adhoc_certificate_is_self_signed_for_localhost_and_written_privately(tmp_path: Path) -> None:
    files = write_quick(tmp_path, "adhoc", NOW)
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    assert cert.subject == cert.issuer
    cert.verify_directly_issued_by(cert)
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["localhost"]
    assert files.key.stat().st_mode & 0o777 == 0o600


# The scenarios, and what real clients say ------------------------------------------------------


def test_adhoc_and_one_liner_scenarios_end_as_the_story_says(tmp_path: Path) -> None:
    results = {r.scenario.id: r for r in run_scenarios(tmp_path, ids=["adhoc", "one_liner"])}
    adhoc, one = results["adhoc"], results["one_liner"]
    assert adhoc.as_expected and not adhoc.ok and "self-signed" in (adhoc.error or "")
    assert one.as_expected and not one.ok and "Hostname mismatch" in (one.error or "")
    verdicts = [accepted for _client, accepted, _said in one.clients]
    assert verdicts[0] is True, "the relaxed client (CN fallback) should accept the one-liner"
    assert verdicts[-1] is False, "the SAN-only client should refuse it"
    assert all(s.browser is not None for s in SCENARIOS)


def _serve(files_kind: str, tmp_path: Path) -> tuple[LabServer, Path]:
    material = LabMaterial(tmp_path).prepare()
    files = material.files(files_kind)
    return LabServer(load_server_context(files)).start(), files.cert


def _curl(*args: str) -> int:
    assert CURL is not None
    return subprocess.run([CURL, "-sS", "-o", os.devnull, "--max-time", "20", *args],
                          capture_output=True, timeout=60).returncode


@needs_curl
@needs_openssl
def test_real_clients_say_what_the_one_liner_scenario_says(tmp_path: Path) -> None:
    server, cert = _serve("one_liner", tmp_path)
    try:
        port = server.port
        assert _curl("--cacert", str(cert), f"https://localhost:{port}/") == 0, "curl falls back to the CN"
        assert _curl("--cacert", str(cert), f"https://127.0.0.1:{port}/") != 0, "no IP in the SAN"
        assert OPENSSL is not None
        done = subprocess.run([OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}",
                               "-servername", "localhost",
                               "-CAfile", str(cert), "-verify_hostname", "localhost", "-x509_strict",
                               "-verify_return_error", "-brief"], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        strict = ssl.create_default_context(cafile=str(cert))
        strict.hostname_checks_common_name = False
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock, \
                pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
            strict.wrap_socket(sock, server_hostname="localhost")
    finally:
        server.stop()


@needs_curl
def test_curl_refuses_the_adhoc_server_unless_insecure(tmp_path: Path) -> None:
    server, _cert = _serve("adhoc", tmp_path)
    try:
        assert _curl(f"https://localhost:{server.port}/") == 60  # peer certificate cannot be authenticated
        assert _curl("--insecure", f"https://localhost:{server.port}/") == 0
    finally:
        server.stop()


# Who listens -----------------------------------------------------------------------------------


@needs_proc
def test_who_listens_names_this_process_on_the_lab_port_and_nothing_else() -> None:
    unused = free_port()
    with LabServer(None) as server:
        report = who_listens([server.port, unused])
        (found,) = report.on(server.port)
    assert report.supported and not report.on(unused)
    assert found.pid == os.getpid() and found.address == "127.0.0.1"
    assert found.reach == "this machine only"
    assert {listener.port for listener in report.listeners} <= {server.port, unused}
    assert [tool for tool, _ in commands(server.port)] == ["lsof", "ss", "netstat", "nmap"]


@needs_ss
def test_who_listens_agrees_with_ss() -> None:
    with LabServer(None) as server:
        ours = who_listens([server.port]).on(server.port)
        said = subprocess.run(["ss", "-Hltnp", f"sport = :{server.port}"], capture_output=True, text=True,
                              timeout=30).stdout
    assert ours and f"pid={ours[0].pid}," in said and f"127.0.0.1:{server.port}" in said


def test_the_proc_table_reader_keeps_listening_sockets_on_the_asked_ports_only() -> None:
    head = ("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
            "inode\n")
    loopback = socket.inet_aton("127.0.0.1")[::-1].hex().upper()
    rest = "00000000:00000000 00:00000000 00000000 0 0"
    rows = [f"   0: {loopback}:{8443:04X} 00000000:0000 0A {rest} 111 1",
            f"   1: 00000000:{8080:04X} 00000000:0000 0A {rest} 222 1",
            f"   2: {loopback}:{8443:04X} {loopback}:D431 01 {rest} 333 1",
            f"   3: {loopback}:{9999:04X} 00000000:0000 0A {rest} 444 1"]
    found = read_proc_net(head + "\n".join(rows), [8443, 8080])
    assert found == [(8443, "127.0.0.1", 111), (8080, "0.0.0.0", 222)]


def test_without_proc_or_psutil_it_says_it_cannot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psutil", None)  # import psutil now raises ImportError
    report = who_listens([8443], proc=tmp_path)
    assert not report.supported and "psutil" in report.source and report.listeners == ()
