"""Key exchange: why asymmetric keys exist, in three steps.

Sharing a symmetric key is the hard part of encryption. Diffie-Hellman lets
two sides agree on one over a public channel: here with small numbers (every
step visible, and small enough for an eavesdropper to brute-force), then with
real X25519 keys, then hybrid encryption as TLS 1.2 with RSA key transport
did it: RSA-OAEP wraps a fresh Fernet key, and Fernet encrypts the message.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.rsa.numbers import check_size, miller_rabin, short

DH_PRESET = (23, 5, 6, 15)
"""The classic small example (p, g, a, b), as in Wikipedia's article."""

BRUTE_FORCE_LIMIT = 1_000_000
"""The eavesdropper tries exponents up to this many (small p only)."""


@dataclass(frozen=True)
class SmallDh:
    """Diffie-Hellman with small numbers, every value kept."""

    p: int
    """The public prime modulus."""
    g: int
    """The public generator."""
    a: int
    """Alice's secret exponent."""
    b: int
    """Bob's secret exponent."""
    alice_public: int
    """A = g^a mod p (sent in clear)."""
    bob_public: int
    """B = g^b mod p (sent in clear)."""
    alice_shared: int
    """B^a mod p, what Alice computes."""
    bob_shared: int
    """A^b mod p, what Bob computes."""
    eavesdropper_sees: tuple[tuple[str, int], ...]
    """Everything on the wire: p, g, A, B."""
    eavesdropper_found_a: int | None
    """A discrete log of A found by trying every exponent (small p only)."""
    eavesdropper_tries: int
    """How many exponents the brute force tried."""
    notes: tuple[str, ...]
    """Remarks (g's order, the size of p)."""

    @property
    def shared_secret(self) -> int:
        """The agreed secret (both sides' values are equal)."""
        return self.alice_shared


def small_dh(p: int, g: int, a: int, b: int) -> SmallDh:
    """Diffie-Hellman on p, g with secrets a and b.

    Raises:
        UsageError: a number above the size limit.
        InvalidInput: p not prime (a factor named), g or a secret out of range.
    """
    for name, value in (("p", p), ("g", g), ("a", a), ("b", b)):
        check_size(value, name)
    check = miller_rabin(p)
    if not check.is_prime:
        factor = f": it has the factor {short(check.factor)}" if check.factor else ""
        raise InvalidInput(f"p = {short(p)} is not prime{factor}; Diffie-Hellman needs a prime modulus")
    if not 1 < g < p - 1:
        raise InvalidInput(f"g = {short(g)} must satisfy 1 < g < p - 1 = {short(p - 1)}")
    for name, value in (("a", a), ("b", b)):
        if not 1 <= value < p - 1:
            raise InvalidInput(
                f"the secret {name} = {short(value)} must satisfy 1 <= {name} < p - 1 = {short(p - 1)}"
            )
    big_a = pow(g, a, p)
    big_b = pow(g, b, p)
    found: int | None = None
    tries = 0
    if p <= BRUTE_FORCE_LIMIT:
        value = 1
        for exponent in range(1, p):
            value = value * g % p
            tries += 1
            if value == big_a:
                found = exponent
                break
    notes: list[str] = []
    if found is not None:
        notes.append(
            f"p is tiny: the eavesdropper tried {tries} exponents and found a' = {found} with g^a' = A, "
            "which gives the shared secret. Real DH uses 2048-bit p or elliptic curves (X25519)."
        )
    elif p.bit_length() < 2048:
        notes.append(
            f"p has {p.bit_length()} bits: this demo stops trying at p = {BRUTE_FORCE_LIMIT:,}, but a p "
            "this small is still weak: discrete logarithms have been computed for primes of 795 bits, "
            "and 2048 bits is today's minimum (or X25519)."
        )
    else:
        notes.append(f"p has {p.bit_length()} bits: trying every exponent is out of reach.")
    return SmallDh(
        p, g, a, b, big_a, big_b, pow(big_b, a, p), pow(big_a, b, p),
        (("p", p), ("g", g), ("A", big_a), ("B", big_b)), found, tries, tuple(notes),
    )


@dataclass(frozen=True)
class X25519Exchange:
    """A real X25519 exchange: 32-byte keys, one shared secret."""

    alice_public: bytes
    """Alice's public key (sent in clear)."""
    bob_public: bytes
    """Bob's public key (sent in clear)."""
    alice_shared: bytes
    """What Alice computes from her private key and Bob's public key."""
    bob_shared: bytes
    """What Bob computes (equal)."""
    derived_key: bytes
    """HKDF-SHA256 of the shared secret: the symmetric key both now hold."""
    fixed: bool
    """True when the private keys were given (a deterministic demo)."""


def x25519_exchange(alice_private: bytes | None = None, bob_private: bytes | None = None) -> X25519Exchange:
    """Both sides of an X25519 exchange. Private keys are fresh unless given (32 bytes each)."""
    fixed = alice_private is not None and bob_private is not None
    alice = (
        x25519.X25519PrivateKey.from_private_bytes(alice_private)
        if alice_private is not None
        else x25519.X25519PrivateKey.generate()
    )
    bob = (
        x25519.X25519PrivateKey.from_private_bytes(bob_private)
        if bob_private is not None
        else x25519.X25519PrivateKey.generate()
    )
    alice_pub = alice.public_key()
    bob_pub = bob.public_key()
    alice_shared = alice.exchange(bob_pub)
    bob_shared = bob.exchange(alice_pub)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"tlsexplorer demo").derive(
        alice_shared
    )
    return X25519Exchange(
        alice_pub.public_bytes(Encoding.Raw, PublicFormat.Raw),
        bob_pub.public_bytes(Encoding.Raw, PublicFormat.Raw),
        alice_shared,
        bob_shared,
        derived,
        fixed,
    )


@dataclass(frozen=True)
class HybridEncryption:
    """RSA-OAEP wraps a fresh Fernet key; Fernet encrypts the message."""

    rsa_bits: int
    """Size of the recipient's RSA key."""
    fernet_key: bytes
    """The fresh symmetric key (url-safe base64, 32 bytes inside)."""
    wrapped_key: bytes
    """RSA-OAEP(SHA-256) of the Fernet key: only the private key opens it."""
    token: bytes
    """Fernet token of the message."""
    message: bytes
    """The message."""
    unwrapped_key: bytes
    """The Fernet key as the recipient recovers it."""
    decrypted: bytes
    """The message as the recipient decrypts it."""


def hybrid_encrypt(message: bytes, private_key: rsa.RSAPrivateKey | None = None) -> HybridEncryption:
    """Encrypt ``message`` for an RSA key holder and decrypt it back.

    RSA alone encrypts at most a few hundred bytes, slowly; a symmetric key
    is fast and unlimited. So the sender makes a fresh Fernet key, wraps it
    with the recipient's public key (OAEP), and sends both.
    """
    key = private_key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    fernet_key = Fernet.generate_key()
    wrapped = key.public_key().encrypt(fernet_key, oaep)
    token = Fernet(fernet_key).encrypt(message)
    unwrapped = key.decrypt(wrapped, oaep)
    decrypted = Fernet(unwrapped).decrypt(token)
    return HybridEncryption(key.key_size, fernet_key, wrapped, token, message, unwrapped, decrypted)


__all__ = [
    "BRUTE_FORCE_LIMIT",
    "DH_PRESET",
    "HybridEncryption",
    "SmallDh",
    "X25519Exchange",
    "hybrid_encrypt",
    "small_dh",
    "x25519_exchange",
]
