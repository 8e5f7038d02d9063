"""Record protection by hand: how each cipher suite seals and opens a TLS record.

TLS 1.3 (RFC 8446 5.2): the AEAD key and IV come from a traffic secret; the
nonce is the IV XOR the record's sequence number; the additional data is the
5-byte record header; the plaintext ends with the real content type and any
zero padding.

TLS 1.2 (RFC 5246 6.2.3, RFC 5288, RFC 7905, RFC 7366): AES-GCM sends 8
bytes of explicit nonce after a 4-byte implicit part from the key block;
ChaCha20-Poly1305 XORs the sequence number into a 12-byte IV; AES-CBC with
HMAC computes the MAC over the sequence number, header and plaintext, then
pads and encrypts (MAC-then-encrypt), or encrypts and then MACs the
ciphertext when encrypt_then_mac was negotiated. The additional data or MAC
input is seq_num + type + version + length.

A suite's parameters come from its IANA name in
:data:`tlsexplorer.core.tls.records.CIPHER_SUITES`, so there is one table of
suites. Keys come from :mod:`tlsexplorer.core.tls.keyschedule`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import constant_time
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.tls.keyschedule import HashName, MacName, hmac_digest, record_nonce
from tlsexplorer.core.tls.records import CIPHER_SUITES

#: The largest TLSCiphertext fragment (RFC 8446 5.2: 2^14 + 256).
MAX_CIPHERTEXT = (1 << 14) + 256

Bulk = Literal["aes_gcm", "chacha20_poly1305", "aes_cbc"]


class RecordError(InvalidInput):
    """A record could not be opened: wrong keys, a changed byte, or a malformed record."""


@dataclass(frozen=True)
class Suite:
    """What a cipher suite means for the record layer."""

    code: int
    """Its IANA number (0x1301)."""
    name: str
    """Its IANA name (TLS_AES_128_GCM_SHA256)."""
    tls13: bool
    """True for the TLS 1.3 suites."""
    key_exchange: str
    """TLS 1.2's key exchange (``ECDHE_RSA``, ``RSA``...); ``""`` in TLS 1.3, whose suites do not say."""
    bulk: Bulk
    """The record cipher."""
    key_length: int
    """Encryption key length in bytes."""
    hash_name: HashName
    """The hash of the key schedule (HKDF in TLS 1.3, the PRF in TLS 1.2)."""
    mac_name: MacName | None
    """The record MAC's hash for CBC suites; None for AEAD suites."""

    @property
    def mac_length(self) -> int:
        """Length of the record MAC key and tag (0 for AEAD suites)."""
        return {"sha1": 20, "sha256": 32, "sha384": 48}[self.mac_name] if self.mac_name else 0

    @property
    def iv_length(self) -> int:
        """Bytes of IV from the key schedule: 12 (TLS 1.3, ChaCha20), 4 (TLS 1.2 GCM), 16 (CBC)."""
        if self.tls13 or self.bulk == "chacha20_poly1305":
            return 12
        return 4 if self.bulk == "aes_gcm" else 16

    @property
    def forward_secret(self) -> bool:
        """False for TLS 1.2 RSA key transport: whoever has the server's key can open old recordings."""
        return self.tls13 or self.key_exchange.startswith(("ECDHE", "DHE"))


def suite(code: int) -> Suite:
    """The record-layer parameters of cipher suite ``code``.

    Raises:
        InvalidInput: a suite this module cannot open (CCM, NULL, 3DES...), named.
    """
    name = CIPHER_SUITES.get(code, f"0x{code:04x}")
    body = name.removeprefix("TLS_")
    if "_WITH_" in body:
        key_exchange, _, cipher = body.partition("_WITH_")
        tls13 = False
    else:
        key_exchange, cipher, tls13 = "", body, True
    bulk: Bulk
    if cipher.startswith(("AES_128_GCM_", "AES_256_GCM_")):
        bulk = "aes_gcm"
    elif cipher.startswith("CHACHA20_POLY1305_"):
        bulk = "chacha20_poly1305"
    elif cipher.startswith(("AES_128_CBC_", "AES_256_CBC_")) and not tls13:
        bulk = "aes_cbc"
    else:
        raise InvalidInput(
            f"cipher suite {name} is not one tlsexplorer can decrypt "
            "(AES-GCM, ChaCha20-Poly1305, AES-CBC with HMAC)"
        )
    key_length = 16 if cipher.startswith("AES_128") else 32
    tail = cipher.rsplit("_", 1)[1]
    hash_name: HashName = "sha384" if tail == "SHA384" else "sha256"
    mac_name: MacName | None = None
    if bulk == "aes_cbc":
        macs: dict[str, MacName] = {"SHA": "sha1", "SHA256": "sha256", "SHA384": "sha384"}
        mac_name = macs[tail]
    return Suite(code, name, tls13, key_exchange, bulk, key_length, hash_name, mac_name)


def _aead(bulk: Bulk, key: bytes) -> AESGCM | ChaCha20Poly1305:
    return ChaCha20Poly1305(key) if bulk == "chacha20_poly1305" else AESGCM(key)


@dataclass(frozen=True)
class Opened:
    """A record opened."""

    content_type: int
    """The real content type (in TLS 1.3, the one inside the encryption)."""
    plaintext: bytes
    """The content, without padding or MAC."""
    nonce: bytes
    """The nonce used (AEAD suites), or the CBC IV."""
    padding: int
    """Bytes of padding removed (TLS 1.3 zero padding, or CBC padding)."""


# TLS 1.3 --------------------------------------------------------------------------------------------


def open_tls13(bulk: Bulk, key: bytes, iv: bytes, sequence: int, header: bytes, body: bytes) -> Opened:
    """Open a TLS 1.3 record (``header`` is its 5 bytes, ``body`` the encrypted fragment).

    Raises:
        RecordError: the tag does not match (wrong keys, wrong sequence number, a changed byte), or
            the plaintext has no content type.
    """
    if len(body) > MAX_CIPHERTEXT:
        raise RecordError(f"a {len(body)}-byte record is longer than TLS allows ({MAX_CIPHERTEXT})")
    nonce = record_nonce(iv, sequence)
    try:
        inner = _aead(bulk, key).decrypt(nonce, body, header)
    except InvalidTag:
        raise RecordError("the record's authentication tag does not match these keys") from None
    stripped = inner.rstrip(b"\x00")
    if not stripped:
        raise RecordError("the decrypted record is all padding: it has no content type")
    return Opened(stripped[-1], stripped[:-1], nonce, len(inner) - len(stripped))


def seal_tls13(
    bulk: Bulk, key: bytes, iv: bytes, sequence: int, content_type: int, plaintext: bytes
) -> bytes:
    """A whole TLS 1.3 record (header included) carrying ``plaintext`` of ``content_type``."""
    inner = plaintext + bytes([content_type])
    length = len(inner) + 16
    header = bytes([23, 3, 3]) + length.to_bytes(2, "big")
    return header + _aead(bulk, key).encrypt(record_nonce(iv, sequence), inner, header)


# TLS 1.2 --------------------------------------------------------------------------------------------


def _tls12_aad(sequence: int, content_type: int, version: int, length: int) -> bytes:
    head = sequence.to_bytes(8, "big") + bytes([content_type])
    return head + version.to_bytes(2, "big") + length.to_bytes(2, "big")


def open_tls12(
    spec: Suite,
    key: bytes,
    iv: bytes,
    mac_key: bytes,
    sequence: int,
    header: bytes,
    body: bytes,
    *,
    encrypt_then_mac: bool = False,
) -> Opened:
    """Open a TLS 1.2 record with one direction's keys from the key block.

    Raises:
        RecordError: the tag or MAC does not match, the padding is wrong, or the record is too short.
    """
    content_type, version = header[0], int.from_bytes(header[1:3], "big")
    if len(body) > MAX_CIPHERTEXT + 1024:
        raise RecordError(f"a {len(body)}-byte record is longer than TLS 1.2 allows")
    if spec.bulk == "aes_gcm":
        if len(body) < 8 + 16:
            raise RecordError("an AES-GCM record is at least 24 bytes (explicit nonce and tag)")
        nonce = iv + body[:8]
        aad = _tls12_aad(sequence, content_type, version, len(body) - 24)
        try:
            return Opened(content_type, AESGCM(key).decrypt(nonce, body[8:], aad), nonce, 0)
        except InvalidTag:
            raise RecordError("the record's authentication tag does not match these keys") from None
    if spec.bulk == "chacha20_poly1305":
        if len(body) < 16:
            raise RecordError("a ChaCha20-Poly1305 record is at least its 16-byte tag")
        nonce = record_nonce(iv, sequence)
        aad = _tls12_aad(sequence, content_type, version, len(body) - 16)
        try:
            return Opened(content_type, ChaCha20Poly1305(key).decrypt(nonce, body, aad), nonce, 0)
        except InvalidTag:
            raise RecordError("the record's authentication tag does not match these keys") from None
    return _open_cbc(spec, key, mac_key, sequence, content_type, version, body, encrypt_then_mac)


def _open_cbc(
    spec: Suite,
    key: bytes,
    mac_key: bytes,
    sequence: int,
    content_type: int,
    version: int,
    body: bytes,
    encrypt_then_mac: bool,
) -> Opened:
    assert spec.mac_name is not None
    mac_length = spec.mac_length
    if encrypt_then_mac:
        if len(body) < 32 + mac_length or (len(body) - mac_length) % 16:
            raise RecordError("an encrypt-then-MAC CBC record is IV, whole blocks, then the MAC")
        sealed, tag = body[:-mac_length], body[-mac_length:]
        aad = _tls12_aad(sequence, content_type, version, len(sealed))
        if not constant_time.bytes_eq(tag, hmac_digest(spec.mac_name, mac_key, aad + sealed)):
            raise RecordError("the record's MAC does not match these keys (encrypt-then-MAC)")
        body = sealed
    if len(body) < 32 or len(body) % 16:
        raise RecordError("a CBC record is a 16-byte IV and whole 16-byte blocks")
    iv, ciphertext = body[:16], body[16:]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    pad = padded[-1]
    if pad + 1 > len(padded) or padded[-pad - 1 :] != bytes([pad]) * (pad + 1):
        raise RecordError("the CBC padding is wrong: these keys do not open the record")
    content = padded[: -pad - 1]
    if not encrypt_then_mac:
        if len(content) < mac_length:
            raise RecordError("the record is shorter than its MAC")
        content, tag = content[:-mac_length], content[-mac_length:]
        aad = _tls12_aad(sequence, content_type, version, len(content))
        if not constant_time.bytes_eq(tag, hmac_digest(spec.mac_name, mac_key, aad + content)):
            raise RecordError("the record's MAC does not match these keys")
    return Opened(content_type, content, iv, pad + 1)


__all__ = [
    "MAX_CIPHERTEXT",
    "Bulk",
    "Opened",
    "RecordError",
    "Suite",
    "open_tls12",
    "open_tls13",
    "seal_tls13",
    "suite",
]
