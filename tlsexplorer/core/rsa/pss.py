"""An RSASSA-PSS signature checked by hand: s^e mod n, then EMSA-PSS-VERIFY (RFC 8017 9.1.2).

PKCS#1 v1.5 (:mod:`tlsexplorer.core.rsa.signature`) recovers a fixed block
``00 01 FF..FF 00 DigestInfo``. PSS recovers an *encoded message* EM instead:

    EM = maskedDB || H || 0xbc
    DB = maskedDB XOR MGF1(H)  =  00..00 || 01 || salt
    H  must equal Hash(00 00 00 00 00 00 00 00 || Hash(message) || salt)

The salt is random, so two PSS signatures of the same message differ; the
check unmasks the salt and rehashes. TLS 1.3 signs CertificateVerify with
PSS only (rsa_pss_rsae_*), with a salt as long as the hash. Tests hold this
routine to cryptography's own PSS verification.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from tlsexplorer.core.errors import InvalidInput

#: The hashes PSS is used with here, by the names hashlib and TLS use.
PSS_HASHES = ("sha256", "sha384", "sha512")


def mgf1(hash_name: str, seed: bytes, length: int) -> bytes:
    """MGF1 (RFC 8017 B.2.1): Hash(seed || 00000000) || Hash(seed || 00000001) || ..., cut to ``length``."""
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.new(hash_name, seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:length])


@dataclass(frozen=True)
class PssCheck:
    """Every value of a PSS verification by hand, in the order it is computed."""

    hash_name: str
    """The hash (sha256, sha384, sha512), for the message, MGF1 and H."""
    n: int
    """The modulus."""
    e: int
    """The public exponent."""
    s: int
    """The signature as an integer."""
    m: int | None
    """s^e mod n (None when s >= n)."""
    em_bits: int
    """emBits = modBits - 1."""
    em: bytes
    """EM: m written on emLen = ceil(emBits / 8) bytes (empty when it does not fit)."""
    m_hash: bytes
    """Hash(message)."""
    masked_db: bytes
    """The first emLen - hLen - 1 bytes of EM."""
    h: bytes
    """The hLen bytes before the last: H, the hash the signer computed."""
    trailer: int | None
    """The last byte of EM (0xbc when the signature is PSS)."""
    db_mask: bytes
    """MGF1(H, emLen - hLen - 1)."""
    db: bytes
    """maskedDB XOR dbMask, its top 8·emLen - emBits bits cleared: zeros, 01, salt."""
    salt: bytes
    """The salt read from DB (empty when DB is malformed)."""
    m_prime: bytes
    """M' = 8 zero bytes || mHash || salt."""
    h_prime: bytes
    """Hash(M'): equal to H when the signature is good."""
    ok: bool
    """H == H' and every format check passed."""
    problem: str | None
    """What failed, in words (None when ok)."""


def _fail(partial: dict[str, object], problem: str) -> PssCheck:
    defaults: dict[str, object] = {
        "m": None, "em": b"", "masked_db": b"", "h": b"", "trailer": None, "db_mask": b"", "db": b"",
        "salt": b"", "m_prime": b"", "h_prime": b"",
    }
    return PssCheck(**{**defaults, **partial, "ok": False, "problem": problem})  # type: ignore[arg-type]


def pss_verify_by_hand(
    n: int, e: int, signature: bytes, message: bytes, hash_name: str, salt_length: int
) -> PssCheck:
    """Verify an RSASSA-PSS signature of ``message`` with the public key (n, e), by hand.

    Raises:
        InvalidInput: a hash this routine does not know.
    """
    if hash_name not in PSS_HASHES:
        raise InvalidInput(f"PSS by hand knows {', '.join(PSS_HASHES)}, not {hash_name}")
    h_len = hashlib.new(hash_name).digest_size
    mod_bits = n.bit_length()
    em_bits = mod_bits - 1
    em_len = (em_bits + 7) // 8
    s = int.from_bytes(signature, "big")
    m_hash = hashlib.new(hash_name, message).digest()
    base: dict[str, object] = {"hash_name": hash_name, "n": n, "e": e, "s": s, "em_bits": em_bits,
                               "m_hash": m_hash}
    k = (mod_bits + 7) // 8
    if len(signature) != k:
        return _fail(base, f"the signature is {len(signature)} bytes; this key's signatures are {k}")
    if s >= n:
        return _fail(base, "the signature, read as a number, is not below n: no key (n, e) made it")
    m = pow(s, e, n)
    base["m"] = m
    if m.bit_length() > 8 * em_len:
        return _fail(base, f"s^e mod n does not fit in emLen = {em_len} bytes: not a PSS encoding")
    em = m.to_bytes(em_len, "big")
    base["em"] = em
    if em_len < h_len + salt_length + 2:
        return _fail(base, f"emLen {em_len} is too short for a {h_len}-byte hash and a "
                     f"{salt_length}-byte salt")
    masked_db, h, trailer = em[: em_len - h_len - 1], em[em_len - h_len - 1 : -1], em[-1]
    base.update(masked_db=masked_db, h=h, trailer=trailer)
    if trailer != 0xBC:
        return _fail(base, f"EM ends with 0x{trailer:02x}, not 0xbc: this is not a PSS signature by this key")
    top_bits = 8 * em_len - em_bits
    if top_bits and masked_db[0] >> (8 - top_bits):
        return _fail(base, f"the top {top_bits} bit(s) of maskedDB are not zero")
    db_mask = mgf1(hash_name, h, em_len - h_len - 1)
    db = bytearray(a ^ b for a, b in zip(masked_db, db_mask, strict=True))
    if top_bits:
        db[0] &= 0xFF >> top_bits
    base.update(db_mask=db_mask, db=bytes(db))
    zeros = em_len - h_len - salt_length - 2
    if any(db[:zeros]) or db[zeros] != 0x01:
        return _fail(base, f"DB does not start with {zeros} zero bytes then 01: wrong key, or changed data")
    salt = bytes(db[zeros + 1 :])
    m_prime = bytes(8) + m_hash + salt
    h_prime = hashlib.new(hash_name, m_prime).digest()
    base.update(salt=salt, m_prime=m_prime, h_prime=h_prime)
    if h_prime != h:
        return _fail(base, "H' = Hash(M') differs from H: the signed data is not this message")
    return PssCheck(**{**base, "ok": True, "problem": None})  # type: ignore[arg-type]


__all__ = ["PSS_HASHES", "PssCheck", "mgf1", "pss_verify_by_hand"]
