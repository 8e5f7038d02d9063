"""TLS key schedules written out: every secret, key and IV with the call that made it.

TLS 1.3 (RFC 8446 section 7.1) derives everything from HKDF:

    early secret     = HKDF-Extract(salt 0, PSK or 0)
    handshake secret = HKDF-Extract(Derive-Secret(early, "derived", ""), (EC)DHE shared secret)
    master secret    = HKDF-Extract(Derive-Secret(handshake, "derived", ""), 0)

and from each traffic secret its record key and IV with HKDF-Expand-Label
(``"key"``, ``"iv"``). TLS 1.2 (RFC 5246 section 5, RFC 7627) derives the
master secret and the key block with its PRF (P_SHA256 or P_SHA384).

Every function returns :class:`Derivation` records as well as bytes, so a
screen can show the label, the context and the output of each step. The
Wire tab's decryption and the hand-made handshake both use this module; it
is the only key schedule in the project. Tests hold it to RFC 8448's trace,
the published TLS 1.2 PRF vector, ``openssl kdf`` and the secrets OpenSSL
itself writes to a key log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from tlsexplorer.core.errors import InvalidInput

HashName = Literal["sha256", "sha384"]
"""The hashes of TLS 1.3 suites and of the TLS 1.2 PRF."""
MacName = Literal["sha1", "sha256", "sha384"]
"""The hashes of TLS 1.2 record MACs (HMAC-SHA1 for the ``_SHA`` suites)."""

_HASHES: dict[MacName, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
}


def hash_length(hash_name: HashName) -> int:
    """Output length in bytes of ``hash_name`` (32 or 48)."""
    return _HASHES[hash_name]().digest_size


def transcript_hash(hash_name: HashName, messages: Iterable[bytes]) -> bytes:
    """Transcript-Hash: the hash of the handshake messages concatenated (RFC 8446 4.4.1)."""
    h = hashes.Hash(_HASHES[hash_name]())
    for message in messages:
        h.update(message)
    return h.finalize()


def hmac_digest(hash_name: MacName, key: bytes, data: bytes) -> bytes:
    """HMAC-Hash(key, data)."""
    mac = hmac.HMAC(key, _HASHES[hash_name]())
    mac.update(data)
    return mac.finalize()


@dataclass(frozen=True)
class Derivation:
    """One step of a key schedule, as it would be written on a blackboard."""

    name: str
    """What the output is called (``client_handshake_traffic_secret``, ``server_handshake_key``...)."""
    function: str
    """The call: ``HKDF-Extract``, ``Derive-Secret``, ``HKDF-Expand-Label`` or ``PRF``."""
    secret: bytes
    """The input key material or secret (the salt for HKDF-Extract)."""
    label: str
    """The label (``"c hs traffic"``); for HKDF-Extract, the IKM's name."""
    context: bytes
    """The context: a transcript hash, the IKM for HKDF-Extract, the seed for the PRF."""
    output: bytes
    """The result."""


# TLS 1.3 --------------------------------------------------------------------------------------------


def hkdf_extract(hash_name: HashName, salt: bytes, ikm: bytes) -> bytes:
    """HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM) (RFC 5869 2.2); an empty salt is zeros."""
    return hmac_digest(hash_name, salt or bytes(hash_length(hash_name)), ikm)


def hkdf_label(label: str, context: bytes, length: int) -> bytes:
    """The HkdfLabel structure: uint16 length, label<7..255> ("tls13 " + label), context<0..255>."""
    full = b"tls13 " + label.encode("ascii")
    if len(full) > 255 or len(context) > 255 or not 0 < length < 1 << 16:
        raise InvalidInput(
            f"HKDF-Expand-Label cannot encode label {label!r} with a {len(context)}-byte context"
        )
    return length.to_bytes(2, "big") + bytes([len(full)]) + full + bytes([len(context)]) + context


def hkdf_expand_label(hash_name: HashName, secret: bytes, label: str, context: bytes, length: int) -> bytes:
    """HKDF-Expand-Label(Secret, Label, Context, Length) (RFC 8446 7.1)."""
    expand = HKDFExpand(_HASHES[hash_name](), length, hkdf_label(label, context, length))
    return expand.derive(secret)


def derive_secret(hash_name: HashName, secret: bytes, label: str, transcript: bytes) -> bytes:
    """Derive-Secret(Secret, Label, Messages), given the transcript hash of Messages."""
    return hkdf_expand_label(hash_name, secret, label, transcript, hash_length(hash_name))


@dataclass(frozen=True)
class TrafficKeys:
    """A record key and IV, from one traffic secret."""

    secret: bytes
    """The traffic secret they come from."""
    key: bytes
    """The AEAD key: HKDF-Expand-Label(secret, "key", "", key_length)."""
    iv: bytes
    """The static IV: HKDF-Expand-Label(secret, "iv", "", 12)."""
    steps: tuple[Derivation, ...]
    """The two derivations."""

    def nonce(self, sequence: int) -> bytes:
        """The per-record nonce: the IV XOR the 64-bit sequence number, left-padded (RFC 8446 5.3)."""
        return record_nonce(self.iv, sequence)


def record_nonce(iv: bytes, sequence: int) -> bytes:
    """``iv`` XOR the sequence number as a big-endian integer of the IV's length."""
    if not 0 <= sequence < 1 << 64:
        raise InvalidInput(f"a TLS sequence number is a 64-bit counter, not {sequence}")
    padded = sequence.to_bytes(len(iv), "big")
    return bytes(a ^ b for a, b in zip(iv, padded, strict=True))


def traffic_keys(
    hash_name: HashName, secret: bytes, key_length: int, name: str = "", iv_length: int = 12
) -> TrafficKeys:
    """The record key and IV derived from a TLS 1.3 traffic secret."""
    key = hkdf_expand_label(hash_name, secret, "key", b"", key_length)
    iv = hkdf_expand_label(hash_name, secret, "iv", b"", iv_length)
    prefix = f"{name}_" if name else ""
    steps = (
        Derivation(f"{prefix}key", "HKDF-Expand-Label", secret, "key", b"", key),
        Derivation(f"{prefix}iv", "HKDF-Expand-Label", secret, "iv", b"", iv),
    )
    return TrafficKeys(secret, key, iv, steps)


def next_traffic_secret(hash_name: HashName, secret: bytes) -> bytes:
    """application_traffic_secret_N+1 after a KeyUpdate (RFC 8446 7.2)."""
    return hkdf_expand_label(hash_name, secret, "traffic upd", b"", hash_length(hash_name))


def finished_key(hash_name: HashName, traffic_secret: bytes) -> bytes:
    """finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length) (RFC 8446 4.4.4)."""
    return hkdf_expand_label(hash_name, traffic_secret, "finished", b"", hash_length(hash_name))


def finished_verify_data(hash_name: HashName, traffic_secret: bytes, transcript: bytes) -> bytes:
    """verify_data = HMAC(finished_key, Transcript-Hash(handshake up to here))."""
    return hmac_digest(hash_name, finished_key(hash_name, traffic_secret), transcript)


@dataclass(frozen=True)
class Tls13Schedule:
    """Every secret of a TLS 1.3 key schedule without a PSK, with the steps that made them."""

    hash_name: HashName
    """The suite's hash."""
    early_secret: bytes
    handshake_secret: bytes
    client_handshake_traffic_secret: bytes
    server_handshake_traffic_secret: bytes
    master_secret: bytes
    client_application_traffic_secret: bytes | None
    """None until the transcript through the server's Finished is known."""
    server_application_traffic_secret: bytes | None
    steps: tuple[Derivation, ...]
    """Every derivation in order, as RFC 8446 7.1 draws them."""


def tls13_schedule(
    hash_name: HashName,
    shared_secret: bytes,
    hello_hash: bytes,
    finished_hash: bytes | None = None,
) -> Tls13Schedule:
    """The key schedule from an (EC)DHE shared secret, without a PSK.

    Args:
        hash_name: the cipher suite's hash.
        shared_secret: the (EC)DHE output.
        hello_hash: Transcript-Hash(ClientHello..ServerHello), HelloRetryRequest included when there was one.
        finished_hash: Transcript-Hash(ClientHello..server Finished), for the application secrets.
    """
    n = hash_length(hash_name)
    zeros = bytes(n)
    empty = transcript_hash(hash_name, ())
    steps: list[Derivation] = []

    def extract(name: str, salt: bytes, ikm: bytes, ikm_name: str) -> bytes:
        out = hkdf_extract(hash_name, salt, ikm)
        steps.append(Derivation(name, "HKDF-Extract", salt, ikm_name, ikm, out))
        return out

    def derive(name: str, secret: bytes, label: str, context: bytes) -> bytes:
        out = derive_secret(hash_name, secret, label, context)
        steps.append(Derivation(name, "Derive-Secret", secret, label, context, out))
        return out

    early = extract("early_secret", zeros, zeros, "0 (no PSK)")
    derived = derive("derived", early, "derived", empty)
    handshake = extract("handshake_secret", derived, shared_secret, "(EC)DHE shared secret")
    c_hs = derive("client_handshake_traffic_secret", handshake, "c hs traffic", hello_hash)
    s_hs = derive("server_handshake_traffic_secret", handshake, "s hs traffic", hello_hash)
    derived2 = derive("derived", handshake, "derived", empty)
    master = extract("master_secret", derived2, zeros, "0")
    c_ap = s_ap = None
    if finished_hash is not None:
        c_ap = derive("client_application_traffic_secret_0", master, "c ap traffic", finished_hash)
        s_ap = derive("server_application_traffic_secret_0", master, "s ap traffic", finished_hash)
    return Tls13Schedule(hash_name, early, handshake, c_hs, s_hs, master, c_ap, s_ap, tuple(steps))


# TLS 1.2 --------------------------------------------------------------------------------------------


def tls12_prf(hash_name: HashName, secret: bytes, label: str, seed: bytes, length: int) -> bytes:
    """PRF(secret, label, seed) = P_<hash>(secret, label + seed), cut to ``length`` (RFC 5246 5)."""
    full_seed = label.encode("ascii") + seed
    out = bytearray()
    a = full_seed
    while len(out) < length:
        a = hmac_digest(hash_name, secret, a)
        out += hmac_digest(hash_name, secret, a + full_seed)
    return bytes(out[:length])


def tls12_master_secret(
    hash_name: HashName,
    pre_master_secret: bytes,
    client_random: bytes,
    server_random: bytes,
    session_hash: bytes | None = None,
) -> Derivation:
    """The 48-byte master secret; with ``session_hash``, the extended master secret of RFC 7627."""
    if session_hash is not None:
        label, seed = "extended master secret", session_hash
    else:
        label, seed = "master secret", client_random + server_random
    out = tls12_prf(hash_name, pre_master_secret, label, seed, 48)
    return Derivation("master_secret", "PRF", pre_master_secret, label, seed, out)


@dataclass(frozen=True)
class Tls12Keys:
    """The TLS 1.2 key block cut into its parts (RFC 5246 6.3)."""

    client_mac_key: bytes
    server_mac_key: bytes
    client_key: bytes
    server_key: bytes
    client_iv: bytes
    """The implicit part of the nonce (AEAD) or the CBC IV (TLS 1.0 only; unused from 1.1 on)."""
    server_iv: bytes
    step: Derivation
    """The PRF call that made the key block."""


def tls12_key_block(
    hash_name: HashName,
    master_secret: bytes,
    client_random: bytes,
    server_random: bytes,
    mac_length: int,
    key_length: int,
    iv_length: int,
) -> Tls12Keys:
    """key_block = PRF(master_secret, "key expansion", server_random + client_random), cut in six."""
    seed = server_random + client_random
    size = 2 * (mac_length + key_length + iv_length)
    block = tls12_prf(hash_name, master_secret, "key expansion", seed, size)
    parts: list[bytes] = []
    pos = 0
    for length in (mac_length, mac_length, key_length, key_length, iv_length, iv_length):
        parts.append(block[pos : pos + length])
        pos += length
    step = Derivation("key_block", "PRF", master_secret, "key expansion", seed, block)
    return Tls12Keys(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], step)


__all__ = [
    "Derivation",
    "HashName",
    "MacName",
    "Tls12Keys",
    "Tls13Schedule",
    "TrafficKeys",
    "derive_secret",
    "finished_key",
    "finished_verify_data",
    "hash_length",
    "hkdf_expand_label",
    "hkdf_extract",
    "hkdf_label",
    "hmac_digest",
    "next_traffic_secret",
    "record_nonce",
    "tls12_key_block",
    "tls12_master_secret",
    "tls12_prf",
    "tls13_schedule",
    "traffic_keys",
    "transcript_hash",
]
