"""The probe: verdicts with OpenSSL's reasons, the chain as sent, and faults that never hang."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.tls_support import ALICE, closed_port, lab_server, root_pem, silent_peer
from tests.tools import needs_openssl
from tlsexplorer.core.errors import UsageError
from tlsexplorer.core.tls.probe import parse_target, probe


def _sent_ders() -> list[bytes]:
    certs = x509.load_pem_x509_certificates(ALICE.cert.read_bytes())
    return [c.public_bytes(serialization.Encoding.DER) for c in certs]


def test_no_ca_fails_like_the_course_and_the_ca_fixes_it() -> None:
    with lab_server() as server:
        refused = probe("localhost", server.port, explain=False)
        accepted = probe("localhost", server.port, ca_pems=[root_pem()])
    assert refused.connected and not refused.verified and not refused.ok
    assert refused.error == "certificate verify failed: unable to get local issuer certificate"
    assert "system" in refused.trust
    assert accepted.ok and accepted.verified and accepted.error is None
    assert accepted.tls_version == "TLSv1.3" and accepted.alpn == "http/1.1" and accepted.cipher
    # The chain exactly as the server sent it, order included.
    assert [c.der for c in accepted.peer_chain] == _sent_ders()
    assert "TLS 1.2" in accepted.chain_method
    if accepted.explained is not None:  # the Chain explainer agrees with ssl
        assert accepted.explained.valid
        assert accepted.to_json()["explained"]["valid"] is True


def test_insecure_works_and_warns_what_was_skipped() -> None:
    with lab_server() as server:
        result = probe("localhost", server.port, insecure=True, explain=False)
    assert result.ok and not result.verified and result.insecure
    assert result.warnings and "NOT checked" in result.warnings[0]
    assert "unable to get local issuer certificate" in result.warnings[0]


def test_ip_address_is_not_a_dns_san() -> None:
    with lab_server() as server:
        result = probe("127.0.0.1", server.port, ca_pems=[root_pem()], explain=False)
        named = probe("127.0.0.1", server.port, ca_pems=[root_pem()], servername="localhost", explain=False)
    assert result.servername is None  # no SNI for an IP address
    assert not result.ok and "IP address mismatch" in (result.error or "")
    assert named.ok and named.servername == "localhost"


def test_leaf_only_when_the_server_refuses_tls12() -> None:
    with lab_server() as server:
        assert server.context is not None
        import ssl

        server.context.minimum_version = ssl.TLSVersion.TLSv1_3
        result = probe("localhost", server.port, ca_pems=[root_pem()], explain=False)
    assert result.ok
    assert [c.der for c in result.peer_chain] == _sent_ders()[:1]
    assert "leaf only" in result.chain_method


def test_faults_are_results_with_clear_messages_and_bounded_time() -> None:
    refused = probe("127.0.0.1", closed_port(), timeout=1)
    assert not refused.connected and "connection refused" in (refused.error or "")
    with lab_server(plain=True) as plain:
        not_tls = probe("127.0.0.1", plain.port, timeout=2, explain=False)
    assert not not_tls.connected and "does not speak TLS" in (not_tls.error or "")
    with silent_peer() as port:
        started = time.monotonic()
        silent = probe("127.0.0.1", port, timeout=0.5, explain=False)
        assert time.monotonic() - started < 3
    assert not silent.connected and "no answer" in (silent.error or "")


def test_json_document_has_the_documented_keys() -> None:
    with lab_server() as server:
        document = probe("localhost", server.port, ca_pems=[root_pem()], explain=False).to_json()
    for key in ("connected", "tls_version", "cipher", "alpn", "verified", "error", "peer_chain"):
        assert key in document
    assert set(document["peer_chain"][0]) == {"subject", "issuer", "fingerprint_sha256"}
    assert document["explained"] is None  # explain=False
    assert document["peer_chain"][0]["subject"].startswith("CN=alice.example.net")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("localhost:8443", ("localhost", 8443)), ("[::1]:443", ("::1", 443)),
     ("example.net", ("example.net", 443)), ("https://localhost:8443/x", ("localhost", 8443)),
     ("HTTPS://localhost:8443", ("localhost", 8443)), ("http://localhost:8080/", ("localhost", 8080)),
     ("https://example.net/", ("example.net", 443)), ("http://example.net/page", ("example.net", 80))],
)
def test_parse_target(text: str, expected: tuple[str, int]) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", [":8443", "localhost:0", "localhost:99999", "localhost:http", "[::1",
                                  "[::1]8443"])
def test_parse_target_rejects(text: str) -> None:
    with pytest.raises(UsageError):
        parse_target(text)


def test_cn_only_accepted_by_openssl_is_flagged_by_the_explainer(tmp_path: Path) -> None:
    """OpenSSL (so Python's ssl and curl) still falls back to the CN when there is no SAN; the probe
    says so instead of showing a bare 'verified' next to the explainer's refusal."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from tlsexplorer.core.ca import store as ca_store
    from tlsexplorer.core.tls.server_files import ServerFiles

    now = dt.datetime.now(dt.timezone.utc)
    folder = tmp_path / "ca"
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="Probe Root"), now,
                                      ec.generate_private_key(ec.SECP256R1())))
    leaf = ca_store.LeafRequest("localhost", flaw="cn-only")
    ca_store.save(ca_store.build_leaf(ca_store.load_ca(folder), leaf, now,
                                      ec.generate_private_key(ec.SECP256R1())))
    paths = ca_store.issued_paths(folder, "localhost")
    assert paths.certificate.read_bytes().count(b"BEGIN") == 1
    ca_pem = (folder / "ca.pem").read_bytes()
    with lab_server(ServerFiles(paths.fullchain, paths.key)) as server:
        result = probe("localhost", server.port, ca_pems=[ca_pem], now=now)
    assert result.verified  # the same answer curl --cacert gives
    if result.explained is not None:
        assert not result.explained.valid
        assert any("Chain explainer" in w and "refuses it" in w for w in result.warnings), result.warnings
        assert result.to_json()["warnings"] == list(result.warnings)


def test_bad_input_messages_name_no_cli_option_and_no_codec(tmp_path: Path) -> None:
    """The TLS lab shows these messages too: 'a --ca file' and 'for --client-ca' named options its fields
    do not have, and an over-long servername surfaced the IDNA codec's message alone."""
    from tlsexplorer.core.errors import InvalidInput
    from tlsexplorer.core.tls.server_files import load_server_context

    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(UsageError) as refused:
        probe("localhost", closed_port(), ca_pems=[junk.read_bytes()], timeout=1)
    message = str(refused.value)
    assert "the CA file to trust: no certificate found" in message and "--" not in message
    with pytest.raises(InvalidInput) as refused_ca:
        load_server_context(ALICE, client_ca=junk)
    assert "client CA" in str(refused_ca.value) and "--client-ca" not in str(refused_ca.value)
    with lab_server() as server:
        result = probe("localhost", server.port, servername="x" * 70, ca_pems=[root_pem()], timeout=3)
    assert not result.connected and result.error is not None
    assert result.error.startswith("not a valid host name") and "63 characters" in result.error
    assert "codec" not in result.error


def test_an_ipv6_target_is_written_back_in_brackets() -> None:
    from tlsexplorer.core.tls.connect import host_port
    from tlsexplorer.core.tls.probe import describe_client_error

    assert host_port("::1", 8443) == "[::1]:8443" and host_port("localhost", 8443) == "localhost:8443"
    assert parse_target(host_port("::1", 8443)) == ("::1", 8443)
    message = describe_client_error(ConnectionRefusedError(), "::1", 8443, 1.0)
    assert "nothing is listening on [::1]:8443" in message


@needs_openssl
def test_the_explainers_openssl_line_on_the_saved_chain_gives_the_same_verdict(tmp_path: Path) -> None:
    import shlex
    import shutil
    import subprocess

    with lab_server() as server:
        trusted = probe("localhost", server.port, ca_pems=[root_pem()])
        untrusted = probe("localhost", server.port)  # the system's roots only
    for result, valid in ((trusted, True), (untrusted, False)):
        document = result.to_json()["explained"]
        assert document is not None and document["valid"] is valid
        # What the line names: the chain saved with --pem as sent.pem, the CA given as ca.pem.
        sent = b"".join(
            x509.load_der_x509_certificate(c.der).public_bytes(serialization.Encoding.PEM)
            for c in result.peer_chain
        )
        (tmp_path / "sent.pem").write_bytes(sent)
        (tmp_path / "ca.pem").write_bytes(root_pem())
        command = document["openssl_command"]
        argv = [shutil.which("openssl") or "openssl", *shlex.split(command)[1:]]
        verdict = subprocess.run(argv, cwd=tmp_path, capture_output=True, timeout=60)
        assert (verdict.returncode == 0) is valid, (command, verdict.stderr)
    assert "no chain to a trust anchor" in (untrusted.to_json()["explained"]["error"] or "")


def test_ca_files_in_der_or_with_text_around_are_trusted_and_junk_is_named(tmp_path: Path) -> None:
    from tests.core.test_tls_server import _ca_files

    paths = _ca_files(tmp_path)
    with lab_server() as server:
        for name in ("der", "comment"):
            result = probe("localhost", server.port, ca_pems=[paths[name].read_bytes()], explain=False)
            assert result.ok and result.verified, (name, result.error)
    for name, words in (("random", "no certificate found"), ("empty", "is empty")):
        with pytest.raises(UsageError, match=words) as refused:
            probe("localhost", closed_port(), ca_pems=[paths[name].read_bytes()], timeout=1)
        assert "CA file to trust" in str(refused.value) and "--" not in str(refused.value)


class _SlowSecondProxy:
    """A loopback proxy to ``port``: the first connection passes as it is; on every later one the
    server's bytes trickle to the client one at a time, each well inside any read timeout."""

    def __init__(self, port: int, every: float = 0.05) -> None:
        import socket
        import threading

        self.upstream, self.every = port, every
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.sockets: list[socket.socket] = []
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while not self.stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            server = socket.create_connection(("127.0.0.1", self.upstream), timeout=30)
            self.sockets += [client, server]
            slow = self.accepted > 1
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, slow), daemon=True).start()

    def _pump(self, source: Any, sink: Any, slow: bool) -> None:
        try:
            while not self.stop.is_set() and (data := source.recv(65536)):
                if not slow:
                    sink.sendall(data)
                    continue
                for i in range(len(data)):
                    if self.stop.wait(self.every):
                        return
                    sink.sendall(data[i : i + 1])
        except OSError:
            pass

    def close(self) -> None:
        self.stop.set()
        self.listener.close()
        for sock in self.sockets:
            sock.close()


def test_one_deadline_for_the_whole_probe_even_when_a_later_handshake_trickles() -> None:
    import threading

    results: list[Any] = []
    with lab_server() as server:
        proxy = _SlowSecondProxy(server.port)
        try:
            started = time.monotonic()
            worker = threading.Thread(
                target=lambda: results.append(
                    probe("localhost", proxy.port, ca_pems=[root_pem()], timeout=2, explain=False)),
                daemon=True,
            )
            worker.start()
            worker.join(60)
            elapsed = time.monotonic() - started
        finally:
            proxy.close()
    assert results, "the probe was still running after 60 s"
    assert elapsed < 20  # a 2 s deadline; each trickled byte came well inside any per-read limit
    result = results[0]
    assert result.ok and result.verified  # the first handshake was quick and verified
    assert "leaf only" in result.chain_method and "2 s" in result.chain_method, result.chain_method


def test_the_fix_for_a_missing_intermediate_names_no_option_the_probe_lacks() -> None:
    """A server that sends its leaf alone: the fix is on the server's side (its fullchain), not
    '--chain', which the probe does not have."""
    from tlsexplorer.core.tls.server_files import ServerFiles

    leaf_only = ServerFiles(ALICE.cert.parent / "alice.example.net.pem", ALICE.key)
    with lab_server(leaf_only) as server:
        result = probe("localhost", server.port, ca_pems=[root_pem()])
    assert not result.verified and result.explained is not None
    fixes = [f.fix for f in result.explained.findings if not f.ok]
    assert result.explained.missing is not None
    fixes.append(result.explained.missing.fix)
    assert fixes and all("--chain" not in fix for fix in fixes), fixes
    assert any("the server" in fix and "fullchain" in fix for fix in fixes), fixes
