"""Key exchange: small Diffie-Hellman, X25519 and hybrid encryption."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519

from tlsexplorer.core.dh import DH_PRESET, hybrid_encrypt, small_dh, x25519_exchange
from tlsexplorer.core.errors import InvalidInput, UsageError
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
