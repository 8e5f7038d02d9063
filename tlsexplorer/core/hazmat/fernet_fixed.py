"""Fernet encryption with a fixed IV and a fixed time. UNSAFE: for teaching only.

Reusing an IV under one key leaks which messages start alike, and a chosen
timestamp defeats the TTL. This module exists so that screenshots, tests and
lessons can show the same token every time; real encryption uses
:func:`tlsexplorer.core.symmetric.fernet.encrypt` (a fresh random IV, the real clock).

The token is built by hand from the primitives, exactly as the Fernet
specification describes, and tests check it against the library and the
specification's published vector.
"""

from __future__ import annotations

import base64
import datetime as dt

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.hmac import HMAC

from tlsexplorer.core.errors import UsageError
from tlsexplorer.core.symmetric.fernet import VERSION, FernetKey, to_epoch

UNSAFE_WARNING = (
    "UNSAFE: a fixed IV and a fixed time make the same token every time; "
    "use them only to learn or to reproduce output, never to protect data"
)
"""The warning every front end shows next to fixed-IV or fixed-time output."""


def parse_iv(text: str) -> bytes:
    """Read an IV written as 32 hex digits (spaces and colons allowed).

    Raises:
        UsageError: not hex, or not 16 bytes.
    """
    cleaned = text.replace(" ", "").replace(":", "").strip()
    try:
        iv = bytes.fromhex(cleaned)
    except ValueError:
        raise UsageError(f"the IV {text!r} is not hex; give 32 hex digits (16 bytes)") from None
    if len(iv) != 16:
        raise UsageError(f"the IV is {len(iv)} byte(s); AES-CBC needs 16 (32 hex digits)")
    return iv


def encrypt_fixed(key: FernetKey, data: bytes, *, iv: bytes, at: dt.datetime | int) -> bytes:
    """Make a Fernet token with the given IV and timestamp. UNSAFE, see the module doc.

    Steps: PKCS#7-pad ``data`` to 16-byte blocks, AES-128-CBC encrypt with the
    encryption key and ``iv``, join 0x80 | timestamp | IV | ciphertext, append
    the HMAC-SHA256 of that under the signing key, base64url-encode.

    Raises:
        UsageError: the IV is not 16 bytes or the time is before 1970.
    """
    if len(iv) != 16:
        raise UsageError(f"the IV is {len(iv)} byte(s); AES-CBC needs 16")
    timestamp = to_epoch(at)
    if not 0 <= timestamp < 2**64:
        raise UsageError("the time must be between 1970 and the year 9999")
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key.encryption_key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    body = bytes([VERSION]) + timestamp.to_bytes(8, "big") + iv + ciphertext
    mac = HMAC(key.signing_key, hashes.SHA256())
    mac.update(body)
    return base64.urlsafe_b64encode(body + mac.finalize())


__all__ = ["UNSAFE_WARNING", "encrypt_fixed", "parse_iv"]
