"""The TLS 1.3 client by hand (core/hazmat/tls13_client.py): against the lab server, and bad servers."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.tls_support import ALICE, closed_port, lab_server, root_pem, silent_peer
from tlsexplorer.core.hazmat.tls13_client import walk_handshake
from tlsexplorer.core.hazmat.tls13_model import ClientSecrets, HandshakeWalk
from tlsexplorer.core.hazmat.tls13_support import GROUP_NAMES, NOT_FOR_PRODUCTION, SUITE_NAMES
from tlsexplorer.core.hazmat.tls13_transport import RecordingTransport, ReplayTransport, SocketTransport
from tlsexplorer.core.rsa.pss import mgf1, pss_verify_by_hand
from tlsexplorer.core.tls.keylog import parse_keylog
from tlsexplorer.core.tls.records import parse_client_hello
from tlsexplorer.core.tls.server import LabServer
from tlsexplorer.core.tls.server_files import load_server_context

FIXED = ClientSecrets(bytes(range(32)), bytes(range(32, 64)), bytes(range(64, 96)))


@contextlib.contextmanager
def keylogging_lab(tmp_path: Path) -> Iterator[tuple[LabServer, Path]]:
    """The lab server with the alice sample, writing its own key log (LabServer(keylog=...))."""
    keylog = tmp_path / "server.keylog"
    server = LabServer(load_server_context(ALICE), port=0, timeout=10, keylog=keylog)
    server.start()
    try:
        yield server, keylog
    finally:
        server.stop()


def assert_secrets_match(walk: HandshakeWalk, keylog: Path) -> None:
    logged = parse_keylog(keylog.read_text()).for_connection(walk.client_random)
    assert walk.schedule is not None
    assert logged["CLIENT_HANDSHAKE_TRAFFIC_SECRET"] == walk.schedule.client_handshake_traffic_secret
    assert logged["SERVER_HANDSHAKE_TRAFFIC_SECRET"] == walk.schedule.server_handshake_traffic_secret
    assert logged["CLIENT_TRAFFIC_SECRET_0"] == walk.schedule.client_application_traffic_secret
    assert logged["SERVER_TRAFFIC_SECRET_0"] == walk.schedule.server_application_traffic_secret
    # Our own key log (--keylog) says the same.
    ours = parse_keylog(walk.keylog()).for_connection(walk.client_random)
    assert len(ours) == 4 and all(logged[label] == secret for label, secret in ours.items())


# RSA-PSS by hand -------------------------------------------------------------------------------


@pytest.mark.parametrize("hash_name", ["sha256", "sha384", "sha512"])
def test_pss_by_hand_agrees_with_the_library(hash_name: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    algo = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}[hash_name]
    message = b"the transcript"
    signature = key.sign(message, padding.PSS(padding.MGF1(algo), algo.digest_size), algo)
    n, e = key.public_key().public_numbers().n, key.public_key().public_numbers().e
    check = pss_verify_by_hand(n, e, signature, message, hash_name, algo.digest_size)
    assert check.ok and check.problem is None
    assert check.trailer == 0xBC and len(check.salt) == algo.digest_size and check.h == check.h_prime
    assert not pss_verify_by_hand(n, e, signature, message + b"!", hash_name, algo.digest_size).ok
    bad = bytearray(signature)
    bad[10] ^= 1
    assert not pss_verify_by_hand(n, e, bytes(bad), message, hash_name, algo.digest_size).ok


def test_pss_by_hand_with_a_modulus_of_odd_length() -> None:
    """emBits = modBits - 1 a multiple of 8: EM is one byte shorter than the modulus."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=1025)
    algo = hashes.SHA256()
    signature = key.sign(b"m", padding.PSS(padding.MGF1(algo), 32), algo)
    numbers = key.public_key().public_numbers()
    check = pss_verify_by_hand(numbers.n, numbers.e, signature, b"m", "sha256", 32)
    assert check.ok and len(check.em) == 128


def test_mgf1_matches_rfc_8017_definition() -> None:
    import hashlib

    seed = b"seed"
    expected = hashlib.sha256(seed + b"\0\0\0\0").digest() + hashlib.sha256(seed + b"\0\0\0\1").digest()
    assert mgf1("sha256", seed, 40) == expected[:40]


# Against the lab server: the secrets equal the server's own key log -----------------------------


@pytest.mark.parametrize("group", GROUP_NAMES)
def test_each_group_against_the_lab_server_key_log(tmp_path: Path, group: str) -> None:
    with keylogging_lab(tmp_path) as (server, keylog):
        walk = walk_handshake("127.0.0.1", server.port, servername="localhost", ca_pems=[root_pem()],
                              group=group)
    assert walk.completed, walk.reason
    assert walk.group == group and not walk.hello_retry
    assert_secrets_match(walk, keylog)
    assert walk.response.startswith(b"HTTP/1.1 200 OK")
    assert walk.certificate_verify is not None and walk.certificate_verify.by_hand is True
    assert walk.certificate_verify.library and walk.certificate_verify.scheme.startswith("rsa_pss_rsae")
    assert walk.server_finished is not None and walk.server_finished.ok
    assert walk.chain is not None and walk.chain.valid


@pytest.mark.parametrize("cipher", SUITE_NAMES)
def test_each_suite_against_the_lab_server_key_log(tmp_path: Path, cipher: str) -> None:
    with keylogging_lab(tmp_path) as (server, keylog):
        walk = walk_handshake("127.0.0.1", server.port, servername="localhost", ca_pems=[root_pem()],
                              cipher=cipher)
    assert walk.completed, walk.reason
    assert walk.cipher == cipher
    assert_secrets_match(walk, keylog)
    names = [s.name for s in walk.steps]
    for expected in ("client_hello", "server_hello", "shared_secret", "early_secret", "handshake_secret",
                     "master_secret", "encrypted_extensions", "certificate", "chain", "certificate_verify",
                     "server_finished", "client_finished", "request", "response"):
        assert expected in names
    assert any(n.startswith("new_session_ticket") for n in names) == (walk.tickets > 0)


def test_the_first_step_says_it_is_not_for_production(tmp_path: Path) -> None:
    with keylogging_lab(tmp_path) as (server, _):
        walk = walk_handshake("127.0.0.1", server.port, servername="localhost", ca_pems=[root_pem()])
    assert NOT_FOR_PRODUCTION in walk.steps[0].detail


def test_a_recorded_walk_plays_back_identically(tmp_path: Path) -> None:
    with keylogging_lab(tmp_path) as (server, _):
        import time

        recorder = RecordingTransport(SocketTransport("127.0.0.1", server.port, time.monotonic() + 10))
        live = walk_handshake("127.0.0.1", server.port, servername="localhost", ca_pems=[root_pem()],
                              secrets=FIXED, transport=recorder)
    again = walk_handshake("127.0.0.1", server.port, servername="localhost", ca_pems=[root_pem()],
                           secrets=FIXED, transport=ReplayTransport(bytes(recorder.received)))
    assert live.completed and again.completed
    assert again.secrets == live.secrets and again.response == live.response
    assert [s.name for s in again.steps] == [s.name for s in live.steps]


# Bad servers: the walk stops at the step, with the reason ---------------------------------------


def test_chain_not_trusted_stops_at_the_chain(tmp_path: Path) -> None:
    with keylogging_lab(tmp_path) as (server, _):
        walk = walk_handshake("127.0.0.1", server.port, servername="localhost",
                              ca_pems=[(ALICE.cert.parent / "expired.pem").read_bytes()])
    assert not walk.completed and walk.stopped_at == "chain"
    assert walk.steps[-1].status == "failed"


def test_insecure_says_what_was_skipped(tmp_path: Path) -> None:
    with keylogging_lab(tmp_path) as (server, _):
        walk = walk_handshake("127.0.0.1", server.port, servername="localhost", insecure=True)
    assert walk.completed
    assert "NOT checked" in walk.chain_note and walk.chain is None


def test_plain_http_is_not_tls() -> None:
    with lab_server(plain=True) as server:
        walk = walk_handshake("127.0.0.1", server.port, servername="localhost", deadline=10)
    assert walk.stopped_at == "server_hello"
    assert walk.reason is not None and "not TLS" in walk.reason and "HTTP" in walk.reason


def test_tls12_only_says_this_walk_is_tls13() -> None:
    with lab_server(max_tls12=True) as server:
        walk = walk_handshake("127.0.0.1", server.port, servername="localhost", deadline=10)
    assert walk.stopped_at == "server_hello"
    assert walk.reason is not None and "TLS 1.3" in walk.reason and "protocol_version" in walk.reason


def test_a_silent_server_meets_the_one_deadline() -> None:
    with silent_peer() as port:
        walk = walk_handshake("127.0.0.1", port, servername="localhost", deadline=1.0)
    assert walk.stopped_at == "server_hello"
    assert walk.reason is not None and "deadline" in walk.reason


def test_nothing_listening() -> None:
    walk = walk_handshake("127.0.0.1", closed_port(), deadline=5)
    assert walk.stopped_at == "connect" and not walk.completed
    assert [s.name for s in walk.steps] == ["connect"]


@contextlib.contextmanager
def canned_server(reply: Callable[[bytes], bytes]) -> Iterator[int]:
    """A server on 127.0.0.1 that reads the ClientHello, sends ``reply(client_hello_body)`` and hangs up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    done = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            data = b""
            while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], "big"):
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            conn.sendall(reply(data[9 : 5 + int.from_bytes(data[3:5], "big")]))
            # Then it hangs up: a record cut short is seen as such at once, not at the deadline.
            # (A server that stalls instead has its own test.)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        done.set()
        listener.close()
        thread.join(5)


def server_hello(client_hello: bytes, *, suite: int = 0x1301, group: int = 0x001D, key: bytes = b"\x09" * 32,
                 version: bytes = b"\x03\x04") -> bytes:
    hello = parse_client_hello(client_hello)
    exts = b"\x00\x2b\x00\x02" + version
    share = group.to_bytes(2, "big") + len(key).to_bytes(2, "big") + key
    exts += b"\x00\x33" + len(share).to_bytes(2, "big") + share
    body = (b"\x03\x03" + b"\x42" * 32 + bytes([len(hello.session_id)]) + hello.session_id
            + suite.to_bytes(2, "big") + b"\x00" + len(exts).to_bytes(2, "big") + exts)
    message = b"\x02" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x03" + len(message).to_bytes(2, "big") + message


@pytest.mark.parametrize(
    ("reply", "step", "words"),
    [
        (lambda ch: server_hello(ch, group=0x001E, key=b"\x01" * 56), "server_hello", "x448"),
        (lambda ch: server_hello(ch, suite=0x1304), "server_hello", "TLS_AES_128_CCM_SHA256"),
        (lambda ch: b"\x15\x03\x03\x00\x02\x02\x28", "server_hello", "handshake_failure"),
        (lambda ch: server_hello(ch)[:30], "server_hello", "truncated record"),
        (lambda ch: b"\x16\x03\x03\x50\x00" + b"\x00" * 100, "server_hello", "2^14 + 256"),
        (lambda ch: b"\x16\x03", "server_hello", "truncated record"),
        (lambda ch: server_hello(ch) + b"\x17\x03\x03\x00\x20" + b"\x00" * 32, "encrypted_extensions",
         "does not open"),
    ],
    ids=["group", "suite", "alert", "cut-record", "oversized", "cut-header", "garbage-flight"],
)
def test_a_bad_server_stops_the_walk_at_its_step(
    reply: Callable[[bytes], bytes], step: str, words: str
) -> None:
    with canned_server(reply) as port:
        walk = walk_handshake("127.0.0.1", port, servername="localhost", deadline=10)
    assert walk.stopped_at == step, walk.reason
    assert walk.reason is not None and words in walk.reason
    assert walk.steps[-1].status == "failed" and walk.steps[-1].name == step


def test_usage_errors_are_refused_before_connecting() -> None:
    from tlsexplorer.core.errors import UsageError

    with pytest.raises(UsageError, match="x448"):
        walk_handshake("127.0.0.1", 1, group="x448")
    with pytest.raises(UsageError, match="TLS_AES_128_CCM"):
        walk_handshake("127.0.0.1", 1, cipher="TLS_AES_128_CCM_SHA256")
    with pytest.raises(UsageError, match="path"):
        walk_handshake("127.0.0.1", 1, path="no slash")
