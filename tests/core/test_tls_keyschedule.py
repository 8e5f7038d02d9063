"""The one key schedule, held to RFC 8448's trace, the published TLS 1.2 PRF vector and
``openssl kdf``. test_tls_protection.py opens records OpenSSL sealed with keys derived here."""

from __future__ import annotations

import subprocess

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from tests.tools import needs_openssl
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.tls.keyschedule import (
    finished_key,
    finished_verify_data,
    hkdf_expand_label,
    hkdf_label,
    next_traffic_secret,
    record_nonce,
    tls12_key_block,
    tls12_master_secret,
    tls12_prf,
    tls13_schedule,
    traffic_keys,
    transcript_hash,
)

# RFC 8448 section 3, "Simple 1-RTT Handshake": inputs, then the values the RFC prints.
CLIENT_HELLO = bytes.fromhex(
    "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000"
    "000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024"
    "001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305"
    "030603020308040805080604010501060102010402050206020202002d00020101001c00024001"
)
SERVER_HELLO = bytes.fromhex(
    "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020"
    "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304"
)
CLIENT_X25519_PRIVATE = bytes.fromhex("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005")
SERVER_X25519_PUBLIC = bytes.fromhex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f")
RFC8448 = {
    "shared_secret": "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d",
    "early_secret": "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a",
    "derived": "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba",
    "handshake_secret": "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac",
    "hello_hash": "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8",
    "c_hs": "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21",
    "s_hs": "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",
    "master_secret": "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919",
    "c_hs_key": "dbfaa693d1762c5b666af5d950258d01",
    "c_hs_iv": "5bd3c71b836e0b76bb73265f",
    "s_hs_key": "3fce516009c21727d0f2e4e86ee403bc",
    "s_hs_iv": "5d313eb2671276ee13000b30",
    "c_finished_key": "b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4",
    "finished_hash": "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13",
    "c_ap": "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5",
    "s_ap": "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643",
    "s_finished": "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718",
}
# The server's flight in the clear (EncryptedExtensions, Certificate, CertificateVerify), from the trace.
SERVER_FLIGHT = bytes.fromhex(
    "080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000"
    "0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a060355"
    "04031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a060355040313"
    "0372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d980836399b36c6988c0c"
    "68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b"
    "018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d3"
    "5a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f0404030205a0300d06092a864886f70d"
    "01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a58c8f8172f9"
    "319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb"
    "2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000"
    "0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78e2d33a5c14"
    "1a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c9ea58c181e81"
    "8e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3"
)


def _hex(name: str) -> bytes:
    return bytes.fromhex(RFC8448[name])


def test_rfc8448_shared_secret_from_the_x25519_keys() -> None:
    client = X25519PrivateKey.from_private_bytes(CLIENT_X25519_PRIVATE)
    assert client.exchange(X25519PublicKey.from_public_bytes(SERVER_X25519_PUBLIC)) == _hex("shared_secret")


def test_rfc8448_key_schedule_step_by_step() -> None:
    hello_hash = transcript_hash("sha256", [CLIENT_HELLO, SERVER_HELLO])
    assert hello_hash == _hex("hello_hash")
    server_finished = bytes.fromhex("14000020") + _hex("s_finished")
    finished_hash = transcript_hash("sha256", [CLIENT_HELLO, SERVER_HELLO, SERVER_FLIGHT, server_finished])
    assert finished_hash == _hex("finished_hash")

    schedule = tls13_schedule("sha256", _hex("shared_secret"), hello_hash, finished_hash)
    assert schedule.early_secret == _hex("early_secret")
    assert schedule.handshake_secret == _hex("handshake_secret")
    assert schedule.client_handshake_traffic_secret == _hex("c_hs")
    assert schedule.server_handshake_traffic_secret == _hex("s_hs")
    assert schedule.master_secret == _hex("master_secret")
    assert schedule.client_application_traffic_secret == _hex("c_ap")
    assert schedule.server_application_traffic_secret == _hex("s_ap")
    # The steps are the ones RFC 8446 7.1 draws, in order, each with its label and output.
    assert [(s.function, s.label) for s in schedule.steps] == [
        ("HKDF-Extract", "0 (no PSK)"),
        ("Derive-Secret", "derived"),
        ("HKDF-Extract", "(EC)DHE shared secret"),
        ("Derive-Secret", "c hs traffic"),
        ("Derive-Secret", "s hs traffic"),
        ("Derive-Secret", "derived"),
        ("HKDF-Extract", "0"),
        ("Derive-Secret", "c ap traffic"),
        ("Derive-Secret", "s ap traffic"),
    ]
    assert schedule.steps[1].output == _hex("derived")
    assert schedule.steps[3].context == hello_hash


def test_rfc8448_traffic_keys_and_finished() -> None:
    client = traffic_keys("sha256", _hex("c_hs"), 16, "client_handshake")
    server = traffic_keys("sha256", _hex("s_hs"), 16, "server_handshake")
    assert (client.key, client.iv) == (_hex("c_hs_key"), _hex("c_hs_iv"))
    assert (server.key, server.iv) == (_hex("s_hs_key"), _hex("s_hs_iv"))
    assert [s.name for s in client.steps] == ["client_handshake_key", "client_handshake_iv"]
    assert finished_key("sha256", _hex("c_hs")) == _hex("c_finished_key")
    through_verify = transcript_hash("sha256", [CLIENT_HELLO, SERVER_HELLO, SERVER_FLIGHT])
    assert finished_verify_data("sha256", _hex("s_hs"), through_verify) == _hex("s_finished")


def test_hkdf_label_encoding_and_limits() -> None:
    # RFC 8448's "derived" label, as the trace prints its info.
    empty = transcript_hash("sha256", [])
    assert hkdf_label("derived", empty, 32) == bytes.fromhex("00200d746c733133206465726976656420") + empty
    with pytest.raises(InvalidInput):
        hkdf_label("x" * 250, b"", 32)
    with pytest.raises(InvalidInput):
        hkdf_expand_label("sha256", bytes(32), "key", bytes(256), 16)


def test_record_nonce_xors_the_sequence_number() -> None:
    iv = bytes.fromhex("5d313eb2671276ee13000b30")
    assert record_nonce(iv, 0) == iv
    assert record_nonce(iv, 1) == bytes.fromhex("5d313eb2671276ee13000b31")
    assert record_nonce(iv, 0x0102) == bytes.fromhex("5d313eb2671276ee13000a32")
    with pytest.raises(InvalidInput):
        record_nonce(iv, 1 << 64)


def test_key_update_secret_is_expand_label_traffic_upd() -> None:
    secret = _hex("s_ap")
    expected = hkdf_expand_label("sha256", secret, "traffic upd", b"", 32)
    assert next_traffic_secret("sha256", secret) == expected
    assert next_traffic_secret("sha256", secret) != secret


# TLS 1.2 -------------------------------------------------------------------------------------------

PRF_SECRET = bytes.fromhex("9bbe436ba940f017b17652849a71db35")
PRF_SEED = bytes.fromhex("a0ba9f936cda311827a6f796ffd5198c")


def test_tls12_prf_published_sha256_vector() -> None:
    # The P_SHA256 vector circulated on the IETF TLS working group's list.
    assert tls12_prf("sha256", PRF_SECRET, "test label", PRF_SEED, 100) == bytes.fromhex(
        "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7"
        "077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66"
    )


@needs_openssl
@pytest.mark.parametrize(("hash_name", "digest"), [("sha256", "SHA2-256"), ("sha384", "SHA2-384")])
def test_tls12_prf_equals_openssl_kdf(hash_name: str, digest: str) -> None:
    seed = b"key expansion".hex() + PRF_SEED.hex()
    out = subprocess.run(
        ["openssl", "kdf", "-keylen", "104", "-kdfopt", f"digest:{digest}", "-kdfopt",
         f"hexsecret:{PRF_SECRET.hex()}", "-kdfopt", f"hexseed:{seed}", "TLS1-PRF"],
        capture_output=True, text=True, check=True,
    ).stdout
    expected = bytes.fromhex(out.strip().replace(":", ""))
    assert tls12_prf(hash_name, PRF_SECRET, "key expansion", PRF_SEED, 104) == expected


def test_tls12_master_secret_and_key_block_cut() -> None:
    pre_master, client_random, server_random = bytes(range(48)), bytes(32), bytes([1] * 32)
    master = tls12_master_secret("sha256", pre_master, client_random, server_random)
    seed = client_random + server_random
    assert master.output == tls12_prf("sha256", pre_master, "master secret", seed, 48)
    extended = tls12_master_secret("sha256", pre_master, client_random, server_random, session_hash=b"h" * 32)
    assert extended.label == "extended master secret" and extended.output != master.output
    keys = tls12_key_block("sha256", master.output, client_random, server_random, 0, 16, 4)
    block = tls12_prf("sha256", master.output, "key expansion", server_random + client_random, 40)
    assert keys.client_key + keys.server_key + keys.client_iv + keys.server_iv == block
    assert keys.client_mac_key == keys.server_mac_key == b""
