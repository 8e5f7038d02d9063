"""Decryption of whole TLS connections, cross-checked against OpenSSL, which made the records."""

from __future__ import annotations

import contextlib
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tls_support import (
    ALICE,
    ROOT,
    alice_server_context,
    closed_port,
    handshake_in_memory,
    recording_client_context,
)
from tests.tools import needs_openssl
from tlsexplorer.core.tls.decrypt import (
    DecryptedConnection,
    connection_json,
    decrypt_exchange,
    decrypt_streams,
)
from tlsexplorer.core.tls.keylog import KeyLog, parse_keylog
from tlsexplorer.core.tls.keyschedule import traffic_keys
from tlsexplorer.core.tls.protection import suite
from tlsexplorer.core.tls.recorder import WireRecorder, record_request, recorder_client_for
from tlsexplorer.core.tls.server import DEFAULT_SECRET, LabServer
from tlsexplorer.core.tls.server_files import load_server_context

REQUEST = b"GET /secret HTTP/1.1\r\nHost: alice.example.net\r\n\r\n"
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nthe secret"
NO_ETM = 0x00080000  # SSL_OP_NO_ENCRYPT_THEN_MAC


def _in_memory(tmp_path: Path, *, ciphers: str | None = None, options: int = 0,
               tls12: bool = False) -> tuple[DecryptedConnection, KeyLog, KeyLog]:
    """A connection made by OpenSSL in memory, decrypted with the client's key log; both key logs."""
    client = recording_client_context(tmp_path / "client.keylog")
    server = alice_server_context(max_tls12=tls12)
    server.keylog_filename = str(tmp_path / "server.keylog")
    if ciphers:
        client.set_ciphers(ciphers)
        server.set_ciphers(ciphers)
    client.options |= options
    sent, answered = handshake_in_memory(client, server, request=REQUEST, response=RESPONSE)
    client_log = parse_keylog((tmp_path / "client.keylog").read_text())
    server_log = parse_keylog((tmp_path / "server.keylog").read_text())
    return decrypt_streams(sent, answered, client_log), client_log, server_log


def _names(connection: DecryptedConnection, direction: str) -> list[tuple[str | None, int | None, str]]:
    return [(r.key, r.sequence, "+".join(m.name for m in r.messages) or r.type_name)
            for r in connection.records if r.direction == direction and r.encrypted]


def _check_plaintext(connection: DecryptedConnection) -> None:
    assert connection.keys_found and connection.fully_decrypted and not connection.problems
    assert connection.application_data("client") == REQUEST
    assert connection.application_data("server") == RESPONSE


def test_tls13_every_record_named_with_its_key_and_nonce(tmp_path: Path) -> None:
    connection, client_log, server_log = _in_memory(tmp_path)
    assert client_log.secrets == server_log.secrets  # the server's own key log says the same
    _check_plaintext(connection)
    assert _names(connection, "server") == [
        ("server_handshake", 0, "encrypted_extensions"),
        ("server_handshake", 1, "certificate"),
        ("server_handshake", 2, "certificate_verify"),
        ("server_handshake", 3, "finished"),
        ("server_application", 0, "new_session_ticket"),
        ("server_application", 1, "new_session_ticket"),
        ("server_application", 2, "application_data"),
    ]
    assert _names(connection, "client") == [
        ("client_handshake", 0, "finished"), ("client_application", 0, "application_data"),
    ]
    ccs = [r for r in connection.records if r.outer_type == 20]
    assert ccs and all(r.key is None and r.sequence is None for r in ccs)
    spec = suite(connection.cipher_suite or 0)
    keys = {k.name: k for k in connection.keys}
    for record in connection.records:
        if record.key is not None and record.sequence is not None:
            derived = traffic_keys(spec.hash_name, keys[record.key].secret, spec.key_length)
            assert record.nonce == derived.nonce(record.sequence)
            assert (keys[record.key].key, keys[record.key].iv) == (derived.key, derived.iv)
    verify = next(m for r in connection.records for m in r.messages if m.name == "certificate_verify")
    assert verify.detail.startswith("rsa_pss_rsae_sha256")
    assert connection.certificates[0] == ssl.PEM_cert_to_DER_cert(ALICE.cert.read_text())
    document = connection_json(connection)
    assert document["keys_found"] is True and document["tls_version"] == "TLS 1.3"
    records = document["records"]
    assert isinstance(records, list)
    assert records[-1]["direction"] == "s2c" and records[-1]["text"] == RESPONSE.decode()
    assert any(m["type"] == "encrypted_extensions" for r in records for m in r["messages"])


def test_hello_retry_request(tmp_path: Path) -> None:
    client = recording_client_context(tmp_path / "k")
    server = alice_server_context()
    server.set_ecdh_curve("secp384r1")  # the client's first key share is x25519: the server asks again
    sent, answered = handshake_in_memory(client, server, request=REQUEST, response=RESPONSE)
    connection = decrypt_streams(sent, answered, parse_keylog((tmp_path / "k").read_text()))
    assert connection.hello_retry
    names = [m.name for r in connection.records for m in r.messages]
    assert names.count("client_hello") == 2 and "hello_retry_request" in names
    _check_plaintext(connection)


@pytest.mark.parametrize(("ciphers", "options", "name", "etm"), [
    ("ECDHE-RSA-AES128-GCM-SHA256", 0, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", False),
    ("ECDHE-RSA-AES256-GCM-SHA384", 0, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", False),
    ("ECDHE-RSA-CHACHA20-POLY1305", 0, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", False),
    ("ECDHE-RSA-AES256-SHA384", 0, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", True),
    ("ECDHE-RSA-AES128-SHA", NO_ETM, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", False),
    ("ECDHE-RSA-AES128-SHA256", NO_ETM, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", False),
])
def test_tls12_suite_families(tmp_path: Path, ciphers: str, options: int, name: str, etm: bool) -> None:
    connection, client_log, server_log = _in_memory(tmp_path, ciphers=ciphers, options=options, tls12=True)
    assert client_log.secrets == server_log.secrets
    assert suite(connection.cipher_suite or 0).name == name
    assert connection.server_hello is not None
    assert (22 in connection.server_hello.extensions) is etm
    _check_plaintext(connection)
    for who in ("client", "server"):
        key = f"{who}_write"
        assert _names(connection, who)[-2:] == [(key, 0, "finished"), (key, 1, "application_data")]
    assert connection.notes == ()


def test_tls12_rsa_key_exchange_is_opened_and_explained(tmp_path: Path) -> None:
    connection, _, _ = _in_memory(tmp_path, ciphers="AES128-GCM-SHA256", tls12=True)
    _check_plaintext(connection)
    assert "no forward secrecy" in connection.notes[0] and "CLIENT_RANDOM" in connection.notes[0]
    exchange = next(m for r in connection.records for m in r.messages if m.name == "client_key_exchange")
    assert "encrypted to the server's RSA key" in exchange.detail
    sent = b"".join(r.fragment and bytes([r.outer_type, 3, 3]) + r.length.to_bytes(2, "big") + r.fragment
                    for r in connection.records if r.direction == "client")
    answered = b"".join(bytes([r.outer_type, 3, 3]) + r.length.to_bytes(2, "big") + r.fragment
                        for r in connection.records if r.direction == "server")
    without = decrypt_streams(sent, answered, KeyLog())
    assert without.decrypted_records == 0
    assert "only the server's private key could" in without.notes[0]


def test_wrong_secrets_are_said_once(tmp_path: Path) -> None:
    client = recording_client_context(tmp_path / "k")
    sent, answered = handshake_in_memory(client, alice_server_context(), request=REQUEST, response=RESPONSE)
    log = parse_keylog((tmp_path / "k").read_text())
    (random, secrets), = log.secrets.items()
    wrong = KeyLog({random: {label: bytes(len(s)) for label, s in secrets.items()}})
    connection = decrypt_streams(sent, answered, wrong)
    assert connection.decrypted_records == 0 and connection.encrypted_records > 4
    tag_problems = [p for p in connection.problems if "authentication tag" in p]
    assert len(tag_problems) == 2  # once per direction, not per record
    assert all(r.note == "not decrypted: the authentication tag does not match the key"
               for r in connection.records if r.encrypted)
    # A key log of another connection: the client random is not there.
    other = KeyLog({bytes(32): secrets})
    elsewhere = decrypt_streams(sent, answered, other)
    assert not elsewhere.keys_found and elsewhere.decrypted_records == 0
    assert len(elsewhere.problems) == 1
    assert "no line for this connection's client random" in elsewhere.problems[0]
    # One line missing: named.
    partial = KeyLog({random: {k: v for k, v in secrets.items() if k != "SERVER_TRAFFIC_SECRET_0"}})
    missing = decrypt_streams(sent, answered, partial)
    assert "the key log has no SERVER_TRAFFIC_SECRET_0 line for this connection" in missing.problems
    assert any(r.decrypted for r in missing.records if r.direction == "server")


def test_truncated_and_not_tls(tmp_path: Path) -> None:
    client = recording_client_context(tmp_path / "k")
    sent, answered = handshake_in_memory(client, alice_server_context(), request=REQUEST, response=RESPONSE)
    log = parse_keylog((tmp_path / "k").read_text())
    cut = decrypt_streams(sent, answered[: len(answered) - 7], log)
    assert cut.leftover > 0 and cut.records[-1].direction == "server"
    assert all(r.decrypted for r in cut.records if r.encrypted)
    for garbage in (b"", b"\x00\xff not tls at all", b"GET / HTTP/1.1\r\n\r\n", b"\x16\x03\x01\x00\x05hello"):
        connection = decrypt_streams(garbage, garbage, log)
        assert connection.client_hello is None and not connection.keys_found


def test_the_lab_exchange_decrypts_with_the_recording_clients_key_log(tmp_path: Path) -> None:
    context = load_server_context(ALICE)
    context.keylog_filename = str(tmp_path / "server.keylog")
    server = LabServer(context, port=0)
    server.start()
    try:
        exchange, error = record_request(server.port, cadata=ROOT.read_text())
    finally:
        server.stop()
    assert error is None
    server_secrets = parse_keylog((tmp_path / "server.keylog").read_text()).secrets
    assert parse_keylog(exchange.keylog).secrets == server_secrets
    connection = decrypt_exchange(exchange)
    assert connection.fully_decrypted and not connection.problems
    request = connection.application_data("client")
    assert request.startswith(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
    assert DEFAULT_SECRET.encode() in connection.application_data("server")
    assert connection.http[0].start_line == "GET / HTTP/1.1"
    # The lab server closes without close_notify; OpenSSL's client then says decode_error, encrypted.
    alerts = [(r.direction, r.key, r.alert_name) for r in connection.records if r.alert is not None]
    assert alerts and all(key is not None and name for _, key, name in alerts)


# ---------------------------------------------------------------------------
# OpenSSL's own server and client: the TLS 1.3 suites and KeyUpdate

TLS13_SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]


@contextlib.contextmanager
def _s_server(*args: str) -> Iterator[int]:
    """``openssl s_server`` on a free port of 127.0.0.1 with alice's certificate; yields the port."""
    for _attempt in range(5):
        port = closed_port()
        process = subprocess.Popen(
            ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(ALICE.cert),
             "-cert_chain", str(ALICE.cert), "-key", str(ALICE.key), "-naccept", "1", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        assert process.stdout is not None
        started = False
        for _line in range(5):  # "Using default temp DH parameters", then "ACCEPT"
            line = process.stdout.readline()
            started = b"ACCEPT" in line
            if started or not line:
                break
        if started:
            try:
                yield port
            finally:
                process.kill()
                process.wait(10)
                process.stdout.close()
            return
        process.kill()
        process.wait(10)
        process.stdout.close()
        time.sleep(0.2)
    pytest.fail("openssl s_server did not start")


@needs_openssl
@pytest.mark.parametrize("name", TLS13_SUITES)
def test_each_tls13_suite(tmp_path: Path, name: str) -> None:
    server_log = tmp_path / "server.keylog"
    with _s_server("-www", "-ciphersuites", name, "-keylogfile", str(server_log)) as port:
        client, host = recorder_client_for(ALICE.cert.read_bytes(), ROOT.read_bytes())
        exchange, error = record_request(port, client_context=client, server_hostname=host)
    assert error is None
    assert parse_keylog(exchange.keylog).secrets == parse_keylog(server_log.read_text()).secrets
    connection = decrypt_exchange(exchange)
    assert suite(connection.cipher_suite or 0).name == name
    assert connection.fully_decrypted and not connection.problems
    assert connection.application_data("client").startswith(b"GET / HTTP/1.1\r\n")
    assert connection.application_data("server").startswith(b"HTTP/1.0 200 ok\r\n")


@needs_openssl
def test_key_update_moves_to_the_next_generation(tmp_path: Path) -> None:
    keylog = tmp_path / "client.keylog"
    context = load_server_context(ALICE)
    with LabServer(context, port=0) as server, WireRecorder(server.port) as recorder:
        subprocess.run(
            ["openssl", "s_client", "-connect", f"127.0.0.1:{recorder.port}", "-servername", "localhost",
             "-keylogfile", str(keylog)],
            input=b"K\n", capture_output=True, timeout=60, check=False,
        )
        assert recorder.wait(10)
        exchange = recorder.exchange
    connection = decrypt_exchange(exchange, parse_keylog(keylog.read_text()))
    assert connection.fully_decrypted and not connection.problems
    client = _names(connection, "client")
    assert ("client_application", 0, "key_update") in client
    after = client[client.index(("client_application", 0, "key_update")) + 1 :]
    assert after and after[0][0] == "client_application_1" and after[0][1] == 0
    update = next(k for k in connection.keys if k.name == "client_application_1")
    assert update.label == "traffic upd" and update.steps[0].label == "traffic upd"
    closing = [r for r in connection.records if r.direction == "client" and r.alert is not None]
    assert [r.alert_name for r in closing] == ["warning alert: close_notify"]
    assert closing[0].key == "client_application_1" and closing[0].outer_type == 23
