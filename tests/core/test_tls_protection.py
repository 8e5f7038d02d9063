"""Record protection by hand, opening records OpenSSL itself sealed (Python's ssl, in memory).

Each test records a real connection, reads the secrets from OpenSSL's key log,
derives the keys with core/tls/keyschedule and opens the records with
core/tls/protection: what comes out must be what the client and server sent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tls_support import alice_server_context, handshake_in_memory, recording_client_context
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.tls.keylog import parse_keylog
from tlsexplorer.core.tls.keyschedule import tls12_key_block, traffic_keys
from tlsexplorer.core.tls.protection import RecordError, open_tls12, open_tls13, seal_tls13, suite
from tlsexplorer.core.tls.records import iter_records, parse_server_hello

REQUEST = b"GET /secret HTTP/1.1\r\nHost: alice.example.net\r\n\r\n"
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret"


def _records(data: bytes) -> list[tuple[bytes, bytes]]:
    return [
        (bytes([kind]) + version.to_bytes(2, "big") + len(body).to_bytes(2, "big"), body)
        for kind, version, body in iter_records(data)
    ]


def _server_hello(server_bytes: bytes) -> tuple[bytes, int, bool]:
    """(server random, cipher suite, encrypt_then_mac negotiated) from the server's first record."""
    header, body = _records(server_bytes)[0]
    assert header[0] == 22 and body[0] == 2
    hello = parse_server_hello(body[4 : 4 + int.from_bytes(body[1:4], "big")])
    return hello.random, hello.cipher_suite, 22 in hello.extensions


def test_suite_parameters_come_from_the_iana_name() -> None:
    gcm = suite(0x1301)
    assert (gcm.tls13, gcm.bulk, gcm.key_length, gcm.hash_name, gcm.iv_length) == (
        True, "aes_gcm", 16, "sha256", 12
    )
    assert (suite(0x1302).key_length, suite(0x1302).hash_name) == (32, "sha384")
    chacha12 = suite(0xCCA8)
    assert (chacha12.key_exchange, chacha12.bulk, chacha12.iv_length) == (
        "ECDHE_RSA", "chacha20_poly1305", 12
    )
    cbc = suite(0xC013)
    assert (cbc.bulk, cbc.mac_name, cbc.mac_length, cbc.iv_length, cbc.hash_name) == (
        "aes_cbc", "sha1", 20, 16, "sha256"
    )
    assert suite(0xC028).mac_name == "sha384" and suite(0xC028).hash_name == "sha384"
    assert suite(0x009C).forward_secret is False and suite(0xC02F).forward_secret is True
    with pytest.raises(InvalidInput, match="TLS_AES_128_CCM_SHA256"):
        suite(0x1304)


def test_tls13_seal_then_open_and_a_changed_byte_is_caught() -> None:
    keys = traffic_keys("sha256", bytes(range(32)), 16)
    record = seal_tls13("aes_gcm", keys.key, keys.iv, 5, 23, b"hello")
    opened = open_tls13("aes_gcm", keys.key, keys.iv, 5, record[:5], record[5:])
    assert (opened.content_type, opened.plaintext, opened.nonce) == (23, b"hello", keys.nonce(5))
    with pytest.raises(RecordError, match="tag"):
        open_tls13("aes_gcm", keys.key, keys.iv, 6, record[:5], record[5:])  # wrong sequence number
    tampered = bytearray(record)
    tampered[-1] ^= 1
    with pytest.raises(RecordError, match="tag"):
        open_tls13("aes_gcm", keys.key, keys.iv, 5, bytes(tampered[:5]), bytes(tampered[5:]))


def test_tls13_records_openssl_sealed(tmp_path: Path) -> None:
    keylog = tmp_path / "keys.log"
    client_bytes, server_bytes = handshake_in_memory(
        recording_client_context(keylog), alice_server_context(), request=REQUEST, response=RESPONSE
    )
    secrets = next(iter(parse_keylog(keylog.read_text()).secrets.values()))
    _, code, _ = _server_hello(server_bytes)
    spec = suite(code)

    def open_all(data: bytes, handshake: str, application: str) -> list[tuple[int, bytes]]:
        out, seq, keys = [], 0, traffic_keys(spec.hash_name, secrets[handshake], spec.key_length)
        for header, body in _records(data):
            if header[0] != 23:
                continue
            opened = open_tls13(spec.bulk, keys.key, keys.iv, seq, header, body)
            out.append((opened.content_type, opened.plaintext))
            seq += 1
            if opened.content_type == 22 and opened.plaintext[0] == 20:  # Finished: application keys next
                keys, seq = traffic_keys(spec.hash_name, secrets[application], spec.key_length), 0
        return out

    server = open_all(server_bytes, "SERVER_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0")
    # EncryptedExtensions, Certificate, CertificateVerify, Finished: the server's whole encrypted flight.
    flight = b"".join(p for t, p in server if t == 22)
    kinds, pos = [], 0
    while pos < len(flight) and len(kinds) < 4:
        kinds.append(flight[pos])
        pos += 4 + int.from_bytes(flight[pos + 1 : pos + 4], "big")
    assert kinds == [8, 11, 15, 20]
    assert (23, RESPONSE) in server
    client = open_all(client_bytes, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0")
    assert client[0][0] == 22 and client[0][1][0] == 20  # the client's Finished
    assert (23, REQUEST) in client


@pytest.mark.parametrize(
    ("openssl_suite", "code", "encrypt_then_mac"),
    [
        ("ECDHE-RSA-AES128-GCM-SHA256", 0xC02F, False),
        ("ECDHE-RSA-AES256-GCM-SHA384", 0xC030, False),
        ("ECDHE-RSA-CHACHA20-POLY1305", 0xCCA8, False),
        ("ECDHE-RSA-AES128-SHA", 0xC013, True),
        ("ECDHE-RSA-AES256-SHA384", 0xC028, True),
        ("ECDHE-RSA-AES128-SHA", 0xC013, False),
        ("AES128-GCM-SHA256", 0x009C, False),
    ],
)
def test_tls12_records_openssl_sealed(
    tmp_path: Path, openssl_suite: str, code: int, encrypt_then_mac: bool
) -> None:
    keylog = tmp_path / "keys.log"
    client_ctx = recording_client_context(keylog)
    client_ctx.set_ciphers(openssl_suite)
    if not encrypt_then_mac:
        client_ctx.options |= 0x00080000  # SSL_OP_NO_ENCRYPT_THEN_MAC: OpenSSL uses EtM with CBC by default
    server_ctx = alice_server_context(max_tls12=True)
    server_ctx.set_ciphers(openssl_suite)
    client_bytes, server_bytes = handshake_in_memory(
        client_ctx, server_ctx, request=REQUEST, response=RESPONSE
    )
    server_random, chosen, etm = _server_hello(server_bytes)
    assert (chosen, etm) == (code, encrypt_then_mac)
    client_hello = _records(client_bytes)[0][1]
    client_random = client_hello[6:38]
    master = parse_keylog(keylog.read_text()).for_connection(client_random)["CLIENT_RANDOM"]
    spec = suite(code)
    keys = tls12_key_block(spec.hash_name, master, client_random, server_random,
                           spec.mac_length, spec.key_length, spec.iv_length)

    def open_all(data: bytes, key: bytes, iv: bytes, mac_key: bytes) -> list[tuple[int, bytes]]:
        out, seq, encrypted = [], 0, False
        for header, body in _records(data):
            if header[0] == 20:  # ChangeCipherSpec: everything after it is encrypted
                encrypted = True
                continue
            if encrypted:
                opened = open_tls12(spec, key, iv, mac_key, seq, header, body, encrypt_then_mac=etm)
                out.append((opened.content_type, opened.plaintext))
                seq += 1
        return out

    from_server = open_all(server_bytes, keys.server_key, keys.server_iv, keys.server_mac_key)
    from_client = open_all(client_bytes, keys.client_key, keys.client_iv, keys.client_mac_key)
    # Each side's first encrypted record is its Finished (12 bytes of verify_data).
    assert from_server[0][0] == 22 and from_server[0][1][:4] == bytes.fromhex("1400000c")
    assert from_client[0][0] == 22 and from_client[0][1][:4] == bytes.fromhex("1400000c")
    assert (23, REQUEST) in from_client
    assert (23, RESPONSE) in from_server
    # The other direction's keys do not open it: the check is real.
    header, body = _records(server_bytes)[-1]
    with pytest.raises(RecordError):
        open_tls12(spec, keys.client_key, keys.client_iv, keys.client_mac_key, 1, header, body,
                   encrypt_then_mac=etm)
