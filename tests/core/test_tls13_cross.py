"""The handshake by hand against real servers: its secrets equal the server's own key log.

Servers: ``openssl s_server -keylogfile`` (each group, each suite, a
HelloRetryRequest, RSA, ECDSA and Ed25519 certificates made here), the lab
server with ``LabServer(keylog=...)``, and an in-memory OpenSSL server whose
Finished or CertificateVerify is changed by one byte with the keys from its key
log: the walk stops at that step and names it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from cryptography import x509

from tests.tls_support import ALICE, root_pem
from tests.tools import needs_openssl
from tlsexplorer.core.ca.build import (
    CertificateSpec,
    build_name,
    certificate_pem,
    generate_private_key,
    issue_certificate,
    parse_san,
    private_key_pem,
)
from tlsexplorer.core.hazmat.tls13_client import walk_handshake
from tlsexplorer.core.hazmat.tls13_model import HandshakeWalk
from tlsexplorer.core.hazmat.tls13_transport import Transport
from tlsexplorer.core.tls.keylog import parse_keylog
from tlsexplorer.core.tls.keyschedule import traffic_keys
from tlsexplorer.core.tls.protection import open_tls13, seal_tls13, suite
from tlsexplorer.core.tls.records import iter_records, parse_server_hello
from tlsexplorer.core.tls.server import LabServer, free_port
from tlsexplorer.core.tls.server_files import load_server_context

OPENSSL = shutil.which("openssl")
NOW = dt.datetime.now(dt.timezone.utc)


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, bytes]]:
    """A root CA and a localhost leaf per key type: {key type: (cert file, key file, root PEM)}."""
    folder = tmp_path_factory.mktemp("tls13-cross")
    root_key = generate_private_key("p256")
    root = issue_certificate(
        CertificateSpec(build_name("Cross-check Root"), "root", NOW - dt.timedelta(days=1),
                        NOW + dt.timedelta(days=30)),
        root_key.public_key(), root_key)
    made: dict[str, tuple[Path, Path, bytes]] = {}
    for key_type in ("rsa2048", "p256", "p384", "ed25519"):
        key = generate_private_key(key_type)  # type: ignore[arg-type]
        leaf = issue_certificate(
            CertificateSpec(build_name("localhost"), "server", NOW - dt.timedelta(days=1),
                            NOW + dt.timedelta(days=30), sans=(parse_san("localhost"),)),
            key.public_key(), root_key, root)
        cert_file, key_file = folder / f"{key_type}.pem", folder / f"{key_type}.key"
        cert_file.write_bytes(certificate_pem(leaf, root))
        key_file.write_bytes(private_key_pem(key))
        made[key_type] = (cert_file, key_file, certificate_pem(root))
    return made


@contextlib.contextmanager
def openssl_server(cert: Path, key: Path, keylog: Path, *options: str) -> Iterator[int]:
    """``openssl s_server -www`` on a free port of 127.0.0.1, TLS 1.3 only, writing its key log."""
    assert OPENSSL is not None
    port = free_port()
    command = [OPENSSL, "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(cert), "-key", str(key),
               "-keylogfile", str(keylog), "-tls1_3", "-www", *options]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()

    def watch() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if "ACCEPT" in line:
                ready.set()
        ready.set()

    threading.Thread(target=watch, daemon=True).start()
    try:
        assert ready.wait(30) and process.poll() is None, f"openssl s_server did not start: {command}"
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def assert_matches_key_log(walk: HandshakeWalk, keylog: Path) -> None:
    assert walk.completed, f"{walk.stopped_at}: {walk.reason}"
    logged = parse_keylog(keylog.read_text()).for_connection(walk.client_random)
    assert walk.schedule is not None
    assert logged["CLIENT_HANDSHAKE_TRAFFIC_SECRET"] == walk.schedule.client_handshake_traffic_secret
    assert logged["SERVER_HANDSHAKE_TRAFFIC_SECRET"] == walk.schedule.server_handshake_traffic_secret
    assert logged["CLIENT_TRAFFIC_SECRET_0"] == walk.schedule.client_application_traffic_secret
    assert logged["SERVER_TRAFFIC_SECRET_0"] == walk.schedule.server_application_traffic_secret


Material = dict[str, tuple[Path, Path, bytes]]


def walk_openssl(material: Material, key_type: str, tmp_path: Path, *options: str, group: str = "x25519",
                 cipher: str | None = None) -> tuple[HandshakeWalk, Path]:
    cert, key, root = material[key_type]
    keylog = tmp_path / "openssl.keylog"
    with openssl_server(cert, key, keylog, *options) as port:
        walk = walk_handshake("127.0.0.1", port, servername="localhost", ca_pems=[root], group=group,
                              cipher=cipher, deadline=30)
    return walk, keylog


@needs_openssl
@pytest.mark.parametrize(("group", "openssl_group"),
                         [("x25519", "X25519"), ("secp256r1", "P-256"), ("secp384r1", "P-384")])
def test_openssl_each_group(material: dict[str, tuple[Path, Path, bytes]], tmp_path: Path, group: str,
                            openssl_group: str) -> None:
    walk, keylog = walk_openssl(material, "p256", tmp_path, "-groups", openssl_group, group=group)
    assert_matches_key_log(walk, keylog)
    assert walk.group == group and not walk.hello_retry


@needs_openssl
@pytest.mark.parametrize("cipher", ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                    "TLS_CHACHA20_POLY1305_SHA256"])
def test_openssl_each_suite(material: Material, tmp_path: Path, cipher: str) -> None:
    walk, keylog = walk_openssl(material, "p256", tmp_path, "-ciphersuites", cipher)
    assert_matches_key_log(walk, keylog)
    assert walk.cipher == cipher


@needs_openssl
def test_openssl_hello_retry_request(material: dict[str, tuple[Path, Path, bytes]], tmp_path: Path) -> None:
    """The server wants P-384; our first key share is X25519: a HelloRetryRequest, then a second hello."""
    walk, keylog = walk_openssl(material, "p256", tmp_path, "-groups", "P-384", group="x25519")
    assert_matches_key_log(walk, keylog)
    assert walk.hello_retry and walk.group == "secp384r1"
    names = [s.name for s in walk.steps]
    assert names.index("hello_retry_request") < names.index("message_hash") < names.index("client_hello_2")


@needs_openssl
@pytest.mark.parametrize(("key_type", "scheme", "by_hand"), [
    ("rsa2048", "rsa_pss_rsae_sha256", True), ("p256", "ecdsa_secp256r1_sha256", None),
    ("p384", "ecdsa_secp384r1_sha384", None), ("ed25519", "ed25519", None),
])
def test_openssl_each_certificate_key(material: dict[str, tuple[Path, Path, bytes]], tmp_path: Path,
                                      key_type: str, scheme: str, by_hand: bool | None) -> None:
    walk, keylog = walk_openssl(material, key_type, tmp_path)
    assert_matches_key_log(walk, keylog)
    check = walk.certificate_verify
    assert check is not None and check.scheme == scheme and check.by_hand is by_hand and check.library
    assert check.content.startswith(b" " * 64 + b"TLS 1.3, server CertificateVerify\x00")
    assert walk.chain is not None and walk.chain.valid


def test_lab_server_hello_retry_request(tmp_path: Path) -> None:
    """The lab server limited to P-256 (one keyword: its key log) answers our X25519 share with a retry."""
    keylog = tmp_path / "lab.keylog"
    context = load_server_context(ALICE)
    context.set_ecdh_curve("prime256v1")
    with LabServer(context, port=0, timeout=10, keylog=keylog) as server:
        walk = walk_handshake("127.0.0.1", server.port, servername="localhost", ca_pems=[root_pem()])
    assert_matches_key_log(walk, keylog)
    assert walk.hello_retry and walk.group == "secp256r1"


# A server that changes one byte, with the keys from its own key log ------------------------------


class CorruptingServer:
    """OpenSSL's server in memory; before its flight reaches us, one byte of one message is flipped
    inside the encryption (opened and sealed again with the keys from the server's key log)."""

    def __init__(self, keylog: Path, target: Literal[15, 20]) -> None:
        context = load_server_context(ALICE)
        context.keylog_filename = str(keylog)
        self.keylog, self.target = keylog, target
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = context.wrap_bio(self.incoming, self.outgoing, server_side=True)
        self.pending = b""
        self.client_random = b""

    def send(self, data: bytes) -> None:
        if not self.client_random:
            self.client_random = data[11:43]
        self.incoming.write(data)
        with contextlib.suppress(ssl.SSLError):
            self.tls.do_handshake()
        out = self.outgoing.read()
        self.pending += self.corrupt(out) if out else b""

    def recv(self, limit: int) -> bytes:
        chunk, self.pending = self.pending[:limit], self.pending[limit:]
        return chunk

    def close(self) -> None:
        pass

    def corrupt(self, flight: bytes) -> bytes:
        records = list(iter_records(flight))
        hello = parse_server_hello(records[0][2][4:])
        spec = suite(hello.cipher_suite)
        secret = parse_keylog(self.keylog.read_text()).for_connection(self.client_random)[
            "SERVER_HANDSHAKE_TRAFFIC_SECRET"]
        keys = traffic_keys(spec.hash_name, secret, spec.key_length)
        opened: list[tuple[int, int, bytearray]] = []  # (record index, inner type, plaintext)
        seq = 0
        for index, (kind, version, fragment) in enumerate(records):
            if kind == 23:
                header = bytes([kind]) + version.to_bytes(2, "big") + len(fragment).to_bytes(2, "big")
                inner = open_tls13(spec.bulk, keys.key, keys.iv, seq, header, fragment)
                opened.append((index, inner.content_type, bytearray(inner.plaintext)))
                seq += 1
        stream = b"".join(bytes(p) for _, _, p in opened)
        pos = 0
        while pos < len(stream):
            length = int.from_bytes(stream[pos + 1 : pos + 4], "big")
            if stream[pos] == self.target:
                last = pos + 4 + length - 1
                break
            pos += 4 + length
        else:
            raise AssertionError("the target message is not in the flight")
        for _, _, plaintext in opened:  # flip the message's last byte, in whichever record holds it
            if last < len(plaintext):
                plaintext[last] ^= 0x01
                break
            last -= len(plaintext)
        out = b""
        sealed = {index: seal_tls13(spec.bulk, keys.key, keys.iv, seq_no, kind, bytes(plain))
                  for seq_no, (index, kind, plain) in enumerate(opened)}
        for index, (kind, version, fragment) in enumerate(records):
            out += sealed.get(index) or bytes([kind]) + version.to_bytes(2, "big") + \
                len(fragment).to_bytes(2, "big") + fragment
        return out


@pytest.mark.parametrize(("target", "step", "words"), [
    (20, "server_finished", "Finished does not match"),
    (15, "certificate_verify", "CertificateVerify does not check"),
])
def test_a_changed_byte_stops_the_walk_at_its_step(tmp_path: Path, target: Literal[15, 20], step: str,
                                                   words: str) -> None:
    server = CorruptingServer(tmp_path / "memory.keylog", target)
    walk = walk_handshake("alice.example.net", 443, ca_pems=[root_pem()], transport=server)
    assert walk.stopped_at == step and walk.reason is not None and words in walk.reason
    assert walk.steps[-1].name == step and walk.steps[-1].status == "failed"
    if target == 15:
        assert walk.steps[-1].title == "CertificateVerify"
        values = {f.label: f.value for f in walk.steps[-1].fields}
        assert "H' = Hash(M')" in values and values["H"] != values["H' = Hash(M')"]
    else:
        values = {f.label: f.value for f in walk.steps[-1].fields}
        assert values["expected verify_data"] != values["received verify_data"]


def test_an_untouched_memory_server_completes_the_handshake(tmp_path: Path) -> None:
    """The same in-memory server without the flip: the walk gets past both checks (no response: EOF)."""

    class Honest(CorruptingServer):
        def corrupt(self, flight: bytes) -> bytes:
            return flight

    server: Transport = Honest(tmp_path / "memory.keylog", 20)
    walk = walk_handshake("alice.example.net", 443, ca_pems=[root_pem()], transport=server,
                          now=dt.datetime.now(dt.timezone.utc))
    names = [s.name for s in walk.steps if s.status == "ok"]
    assert "certificate_verify" in names and "server_finished" in names and "client_finished" in names
    assert isinstance(x509.load_der_x509_certificate(walk.server_certificates[0]), x509.Certificate)
