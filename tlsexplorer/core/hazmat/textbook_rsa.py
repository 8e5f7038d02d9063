"""Textbook RSA, and the attacks that make it unsafe. INSECURE ON PURPOSE.

Raw m^e mod n without padding is what the worked example computes, and it is
broken as an encryption scheme:

- it is deterministic: the same m always gives the same c, so an eavesdropper
  can test guesses and spot repeats;
- it is malleable: c·2^e mod n decrypts to 2m mod n, without knowing d;
- a small n is factored on the spot (trial division, Pollard's rho);
- two moduli sharing a prime (a bad random generator) both fall to one gcd.

OAEP padding (what cryptography's ``padding.OAEP`` does) adds a random seed
and a hash-based structure before the exponentiation: encryption becomes
randomised and any change to c makes decryption fail its padding check. Only
this module may do raw RSA operations; every screen using it says so.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.rsa.numbers import decimal, factor_with_budget, is_probable_prime, short, totient

WARNING = (
    "Textbook RSA (no padding) is insecure on purpose: deterministic, malleable, and only as "
    "strong as n is big. Real RSA encryption uses OAEP; real signatures PKCS#1 v1.5 or PSS."
)
"""The sentence every screen shows next to anything from this module."""


def encrypt(m: int, e: int, n: int) -> int:
    """c = m^e mod n, no padding. Insecure."""
    if not 0 <= m < n:
        raise InvalidInput(f"the message must satisfy 0 <= m < n = {short(n)}")
    return pow(m, e, n)


def decrypt(c: int, d: int, n: int) -> int:
    """m = c^d mod n, no padding. Insecure."""
    return pow(c, d, n)


def sign(m: int, d: int, n: int) -> int:
    """s = m^d mod n, no hashing, no padding. Insecure (forgeable by multiplication)."""
    return pow(m, d, n)


def verify(s: int, e: int, n: int, m: int) -> bool:
    """s^e mod n == m."""
    return pow(s, e, n) == m


@dataclass(frozen=True)
class Determinism:
    """The same message encrypted twice."""

    message: int
    """m."""
    first: int
    """The first ciphertext."""
    second: int
    """The second ciphertext (equal to the first)."""
    oaep_note: str
    """What OAEP changes."""


def show_determinism(m: int, e: int, n: int) -> Determinism:
    """Encrypt m twice: textbook RSA gives the same ciphertext both times."""
    return Determinism(
        m,
        encrypt(m, e, n),
        encrypt(m, e, n),
        "OAEP mixes a fresh random seed into every encryption: the same message gives a "
        "different ciphertext each time, so guesses cannot be tested by re-encrypting.",
    )


@dataclass(frozen=True)
class Malleability:
    """c · 2^e mod n decrypts to 2m mod n: the ciphertext was changed meaningfully."""

    message: int
    """m."""
    ciphertext: int
    """c = m^e mod n."""
    factor: int
    """k (2): the attacker multiplies by k^e."""
    forged: int
    """c' = c · k^e mod n."""
    decrypted: int
    """c'^d mod n."""
    expected: int
    """k·m mod n."""
    oaep_note: str
    """What OAEP changes."""


def show_malleability(m: int, e: int, d: int, n: int, k: int = 2) -> Malleability:
    """Multiply the ciphertext by k^e and watch k·m come out."""
    c = encrypt(m, e, n)
    forged = c * pow(k, e, n) % n
    return Malleability(
        m, c, k, forged, decrypt(forged, d, n), k * m % n,
        "With OAEP, c' decrypts to a block whose padding check fails: the change is detected "
        "and nothing useful comes out.",
    )


@dataclass(frozen=True)
class Factoring:
    """An attempt to factor n in front of you."""

    n: int
    """The modulus."""
    factor: int | None
    """A prime factor found, or None."""
    cofactor: int | None
    """n / factor."""
    method: str
    """Trial division or Pollard's rho."""
    iterations: int
    """Work done."""
    seconds: float
    """Time taken."""
    recovered_d: int | None
    """The private exponent computed from the factors (with e)."""
    note: str
    """What it means."""


def factor_modulus(n: int, e: int, *, budget_seconds: float = 2.0) -> Factoring:
    """Factor n by trial division, then Pollard's rho, within a time budget.

    When it succeeds, the private exponent follows at once: d = e^-1 mod phi.
    """
    start = time.perf_counter()
    factor, method, iterations = factor_with_budget(n, trial_limit=1_000_000, budget_seconds=budget_seconds)
    seconds = time.perf_counter() - start
    if factor is None:
        digits = len(decimal(n))
        return Factoring(
            n, None, None, method, iterations, seconds, None,
            f"no factor of this {n.bit_length()}-bit ({digits}-digit) n within {budget_seconds:g} s. "
            "That is the point: 2048-bit moduli resist every known method (the record is 829 bits, "
            "with thousands of core-years).",
        )
    cofactor = n // factor
    phi = totient(factor, cofactor)
    d = pow(e, -1, phi) if math.gcd(e, phi) == 1 else None
    return Factoring(
        n, factor, cofactor, method, iterations, seconds, d,
        f"n = {short(factor)} · {short(cofactor)} found by {method}: with p and q anyone "
        "computes phi and d, so the private key is gone. Real keys use 2048+ bits.",
    )


@dataclass(frozen=True)
class SharedPrime:
    """Two moduli that share a prime, both factored by one gcd."""

    n1: int
    """The first modulus."""
    n2: int
    """The second modulus."""
    gcd: int
    """gcd(n1, n2): the shared prime when > 1."""
    q1: int | None
    """n1 / gcd."""
    q2: int | None
    """n2 / gcd."""
    note: str
    """What it means."""


def shared_prime_attack(n1: int, n2: int) -> SharedPrime:
    """gcd(n1, n2): if it is not 1, both moduli are factored."""
    g = math.gcd(n1, n2)
    if 1 < g < max(n1, n2):
        return SharedPrime(
            n1, n2, g, n1 // g, n2 // g,
            "Euclid's gcd is fast even for 4096-bit numbers: keys made by a weak random generator "
            "that reused a prime were broken this way by the thousand (Heninger et al., 2012).",
        )
    return SharedPrime(n1, n2, g, None, None, "gcd is 1: these two moduli share no prime.")


_SMALL_ODD_PRIMES = [n for n in range(3, 2000, 2) if all(n % d for d in range(3, math.isqrt(n) + 1, 2))]
_PRIMORIAL = math.prod(_SMALL_ODD_PRIMES)


def next_prime(value: int) -> int:
    """The smallest prime above ``value`` (odd candidates sieved by the primes below 2000 first)."""
    if value < 2000:
        candidate = value + 1
        while not is_probable_prime(candidate):
            candidate += 1
        return candidate
    candidate = value + 1 if value % 2 == 0 else value + 2
    while math.gcd(candidate, _PRIMORIAL) != 1 or not is_probable_prime(candidate):
        candidate += 2
    return candidate


def demo_shared_prime(p: int, q: int) -> SharedPrime:
    """A second key that reused p (as a faulty generator would) and the gcd that breaks both."""
    other = next_prime(q)
    if other == p:
        other = next_prime(other)
    return shared_prime_attack(p * q, p * other)


@dataclass(frozen=True)
class OaepContrast:
    """The same two experiments with OAEP, done by the cryptography library on a real-size key."""

    message: bytes
    """What was encrypted."""
    first: bytes
    """The first OAEP ciphertext."""
    second: bytes
    """The second OAEP ciphertext of the same message."""
    tampered_rejected: bool
    """True when c·2^e mod n failed OAEP's check on decryption."""
    round_trip: bool
    """True when the first ciphertext decrypted to the message."""


OAEP_MIN_BITS = 1024
"""Below this n, OAEP with SHA-256 leaves too little room to show (and the library refuses small keys)."""


def oaep_contrast(p: int, q: int, e: int, message: bytes = b"attack at dawn") -> OaepContrast | None:
    """Encrypt twice with RSA-OAEP(SHA-256) and try the malleability trick; None for a small n."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    n = p * q
    if n.bit_length() < OAEP_MIN_BITS:
        return None
    phi = totient(p, q)
    d = pow(e, -1, phi)
    key = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(e, n),
    ).private_key()
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    first = key.public_key().encrypt(message, oaep)
    second = key.public_key().encrypt(message, oaep)
    k = (n.bit_length() + 7) // 8
    forged = (int.from_bytes(first, "big") * pow(2, e, n) % n).to_bytes(k, "big")
    try:
        key.decrypt(forged, oaep)
        rejected = False
    except ValueError:
        rejected = True
    return OaepContrast(message, first, second, rejected, key.decrypt(first, oaep) == message)


@dataclass(frozen=True)
class Attacks:
    """Every attack of this module run on one key."""

    determinism: Determinism
    """Same message, same ciphertext."""
    malleability: Malleability
    """c·2^e decrypts to 2m."""
    factoring: Factoring
    """n factored (or not) in front of you."""
    shared: SharedPrime
    """Two keys sharing p."""
    oaep: OaepContrast | None = None
    """The same with OAEP, when n is big enough."""


def run_attacks(p: int, q: int, e: int, d: int, m: int, *, budget_seconds: float = 1.0) -> Attacks:
    """All the attacks on the current numbers."""
    n = p * q
    return Attacks(
        show_determinism(m, e, n),
        show_malleability(m, e, d, n),
        factor_modulus(n, e, budget_seconds=budget_seconds),
        demo_shared_prime(p, q),
        oaep_contrast(p, q, e),
    )


__all__ = [
    "OAEP_MIN_BITS",
    "WARNING",
    "Attacks",
    "Determinism",
    "Factoring",
    "Malleability",
    "OaepContrast",
    "SharedPrime",
    "decrypt",
    "demo_shared_prime",
    "encrypt",
    "factor_modulus",
    "next_prime",
    "oaep_contrast",
    "run_attacks",
    "shared_prime_attack",
    "show_determinism",
    "show_malleability",
    "sign",
    "verify",
]
