"""Key exchange: small Diffie-Hellman, X25519 and hybrid encryption."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519

from tlsexplorer.core.errors import InvalidInput, UsageError
from tlsexplorer.core.rsa.dh import DH_PRESET, hybrid_encrypt, small_dh, x25519_exchange
from tlsexplorer.samples import sample_path


def test_wikipedia_diffie_hellman() -> None:
    # en.wikipedia.org/wiki/Diffie-Hellman_key_exchange: p=23, g=5, a=6, b=15 -> A=8, B=19, s=2
    dh = small_dh(*DH_PRESET)
    assert (dh.alice_public, dh.bob_public) == (8, 19)
    assert dh.alice_shared == dh.bob_shared == dh.shared_secret == 2
    assert dict(dh.eavesdropper_sees) == {"p": 23, "g": 5, "A": 8, "B": 19}
    assert dh.eavesdropper_found_a is not None and pow(5, dh.eavesdropper_found_a, 23) == 8


@pytest.mark.parametrize(
    ("args", "message"),
    [((24, 5, 6, 15), "not prime"), ((23, 1, 6, 15), "1 < g"), ((23, 5, 0, 15), "secret a"),
     ((23, 5, 6, 22), "secret b")],
)
def test_bad_dh_input(args: tuple[int, int, int, int], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        small_dh(*args)


def test_dh_refuses_numbers_over_the_limit() -> None:
    with pytest.raises(UsageError, match="limit"):
        small_dh(1 << 20000, 5, 6, 15)


def test_x25519_both_sides_agree_and_match_the_library() -> None:
    a, b = bytes(range(1, 33)), bytes(range(33, 65))
    ex = x25519_exchange(a, b)
    assert ex.fixed and ex.alice_shared == ex.bob_shared and len(ex.derived_key) == 32
    bob_pub = x25519.X25519PrivateKey.from_private_bytes(b).public_key()
    assert x25519.X25519PrivateKey.from_private_bytes(a).exchange(bob_pub) == ex.alice_shared
    fresh = x25519_exchange()
    assert not fresh.fixed and fresh.alice_shared == fresh.bob_shared


def test_hybrid_encryption_round_trip_with_a_sample_key() -> None:
    key = serialization.load_pem_private_key(sample_path("alice.example.net.key.pem").read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    result = hybrid_encrypt(b"attack at dawn", key)
    assert result.decrypted == b"attack at dawn" and result.unwrapped_key == result.fernet_key
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    assert key.decrypt(result.wrapped_key, oaep) == result.fernet_key
    assert Fernet(result.fernet_key).decrypt(result.token) == b"attack at dawn"
    assert len(result.wrapped_key) == 256


RFC3526_2048 = int(  # RFC 3526 group 14, the 2048-bit MODP prime
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AACAA68FFFFFFFFFFFFFFFF",
    16,
)


def test_eve_note_does_not_call_a_small_prime_safe() -> None:
    # Just above the demo's brute-force limit a p is still trivially weak; only real sizes are out of reach.
    note = " ".join(small_dh(1000003, 5, 6, 15).notes)
    assert "out of reach" not in note and "weak" in note and "2048" in note
    assert "out of reach" in " ".join(small_dh(RFC3526_2048, 2, 12345, 67890).notes)
