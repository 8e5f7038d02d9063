"""Fernet taken apart: keys, token anatomy, and verification step by step.

A Fernet key is 32 bytes of url-safe base64: 16 bytes of signing key (for
HMAC-SHA256) and 16 bytes of encryption key (for AES-128-CBC). A token is::

    0x80 | timestamp (8 bytes, big endian) | IV (16) | ciphertext (16*n) | HMAC (32)

url-safe base64 encoded. :func:`explain_token` checks a token in the order of
the Fernet specification and stops at the first failing check; its verdict
agrees with ``cryptography.fernet.Fernet.decrypt_at_time`` on every token
(tests check this on random tamperings). Encryption and decryption for real
use go through the cryptography library; encrypting with a fixed IV or time
lives in :mod:`tlsexplorer.core.hazmat.fernet_fixed`.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.hmac import HMAC

from tlsexplorer.core.errors import InvalidInput, UsageError
from tlsexplorer.core.timeutil import UTC, format_iso8601

VERSION = 0x80
"""The only version byte Fernet defines."""
MAX_CLOCK_SKEW = 60
"""Seconds a token's timestamp may lie in the future when a TTL is checked."""
HEADER_BYTES = 1 + 8 + 16
"""Version, timestamp and IV."""
HMAC_BYTES = 32
"""Length of the HMAC-SHA256 tag at the end."""
MIN_TOKEN_BYTES = HEADER_BYTES + HMAC_BYTES
"""Shortest decoded token whose fields can be cut out (57 bytes, empty ciphertext)."""
KEY_BYTES = 32
"""Length of a decoded Fernet key."""

# Verdict codes, the first failing check.
MALFORMED = "malformed"
UNSUPPORTED_VERSION = "unsupported-version"
EXPIRED = "expired"
FUTURE_TIMESTAMP = "future-timestamp"
BAD_HMAC = "bad-hmac"
BAD_CIPHERTEXT_LENGTH = "bad-ciphertext-length"
BAD_PADDING = "bad-padding"

REASONS: tuple[str, ...] = (
    MALFORMED,
    UNSUPPORTED_VERSION,
    EXPIRED,
    FUTURE_TIMESTAMP,
    BAD_HMAC,
    BAD_CIPHERTEXT_LENGTH,
    BAD_PADDING,
)
"""Every verdict code, in the order the checks run."""

#: The checks, in the order of the specification: (name, title).
CHECKS: tuple[tuple[str, str], ...] = (
    ("decode", "base64url decode and length"),
    ("version", "version byte is 0x80"),
    ("not_expired", "timestamp + TTL >= now"),
    ("not_in_future", "timestamp <= now + 60 s"),
    ("hmac", "HMAC-SHA256 over version|timestamp|IV|ciphertext"),
    ("ciphertext_length", "ciphertext length is a multiple of 16"),
    ("aes_decrypt", "AES-128-CBC decrypt"),
    ("padding", "PKCS#7 padding"),
)


# Keys --------------------------------------------------------------------


@dataclass(frozen=True)
class FernetKey:
    """A Fernet key: 16 bytes of signing key, then 16 of encryption key."""

    raw: bytes
    """The 32 decoded bytes."""

    @property
    def signing_key(self) -> bytes:
        """The first 16 bytes: the HMAC-SHA256 key."""
        return self.raw[:16]

    @property
    def encryption_key(self) -> bytes:
        """The last 16 bytes: the AES-128 key."""
        return self.raw[16:]

    @property
    def encoded(self) -> str:
        """The key as Fernet writes it: 44 characters of url-safe base64."""
        return base64.urlsafe_b64encode(self.raw).decode("ascii")

    def fernet(self) -> Fernet:
        """The cryptography library's Fernet for this key."""
        return Fernet(base64.urlsafe_b64encode(self.raw))


def generate_key(randbytes: Callable[[int], bytes] = os.urandom) -> FernetKey:
    """A new random key (``randbytes`` is injectable for reproducible output)."""
    raw = randbytes(KEY_BYTES)
    if len(raw) != KEY_BYTES:
        raise UsageError(f"the random source gave {len(raw)} bytes, not {KEY_BYTES}")
    return FernetKey(bytes(raw))


def _b64decode(data: bytes | str) -> bytes:
    """Decode url-safe base64 exactly as the cryptography library does.

    Raises:
        ValueError: not base64 (binascii.Error) or a str with non-ASCII characters.
    """
    return base64.urlsafe_b64decode(data)


def _decode_problem(token: bytes | str, exc: Exception) -> str:
    """Why a token did not decode, in words (the library only says InvalidToken)."""
    if isinstance(token, str) and not token.isascii():
        return "not url-safe base64: it has non-ASCII characters"
    data = token.encode("ascii") if isinstance(token, str) else token
    bad = next((i for i, b in enumerate(data) if b not in _KEY_ALPHABET), None)
    if bad is not None:
        return (
            f"not url-safe base64: character {bad + 1} is {chr(data[bad])!r} "
            "(only A-Z a-z 0-9 - _ and = padding)"
        )
    return (
        f"not valid url-safe base64 ({exc}): a token is a whole number of 4-character groups; "
        "was it cut short?"
    )


_KEY_ALPHABET = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="
)


def parse_key(text: bytes | str) -> FernetKey:
    """Read a key written as url-safe base64 (surrounding whitespace ignored).

    Raises:
        UsageError: not base64, or not 32 bytes once decoded (a key is a
            parameter, so a bad one is a usage error: exit 2 from the CLI).
    """
    if isinstance(text, str):
        text = text.strip()
        if not text.isascii():
            raise UsageError("the key is not url-safe base64 (it has non-ASCII characters)")
        data = text.encode("ascii")
    else:
        data = text.strip()
    if not data:
        raise UsageError("the key is empty; a Fernet key is 44 characters of url-safe base64")
    if len(data) > 1024:
        raise UsageError(
            f"the key is {len(data)} characters long; a Fernet key is 44 characters of url-safe base64"
        )
    bad = next((i for i, b in enumerate(data) if b not in _KEY_ALPHABET), None)
    if bad is not None:
        raise UsageError(
            f"the key is not url-safe base64: character {bad + 1} is {chr(data[bad])!r}; "
            "a Fernet key uses only A-Z a-z 0-9 - _ and = (make one with 'fernet keygen')"
        )
    try:
        raw = _b64decode(data)
    except ValueError:
        raise UsageError(
            "the key is not url-safe base64; a Fernet key is 44 characters like "
            "'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=' (make one with 'fernet keygen')"
        ) from None
    if len(raw) != KEY_BYTES:
        raise UsageError(
            f"the key decodes to {len(raw)} bytes; a Fernet key is {KEY_BYTES} bytes "
            "(16 signing + 16 encryption) written as 44 characters of url-safe base64"
        )
    return FernetKey(raw)


# Time ----------------------------------------------------------------------


def to_epoch(now: dt.datetime | int) -> int:
    """Seconds since the epoch, as the library counts them (``int(time.time())``)."""
    if isinstance(now, dt.datetime):
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return int(now.timestamp())
    return int(now)


def epoch_to_datetime(seconds: int) -> dt.datetime | None:
    """A timestamp as an aware UTC datetime, or None when beyond what a datetime holds."""
    try:
        return dt.datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def describe_epoch(seconds: int) -> str:
    """``2026-06-01T12:00:00Z`` or a note that the value is out of range."""
    when = epoch_to_datetime(seconds)
    return format_iso8601(when) if when is not None else f"{seconds} (beyond the year 9999)"


# Anatomy ---------------------------------------------------------------------


@dataclass(frozen=True)
class TokenFields:
    """The fields of a decoded token, cut at their fixed offsets."""

    version: int
    """The first byte (0x80 for every Fernet token so far)."""
    timestamp: int
    """Seconds since the epoch when the token was made (unsigned 64-bit)."""
    iv: bytes
    """The 16-byte AES-CBC initialisation vector."""
    ciphertext: bytes
    """AES-128-CBC ciphertext of the PKCS#7-padded plaintext."""
    hmac: bytes
    """HMAC-SHA256 of everything before it."""

    @property
    def time(self) -> dt.datetime | None:
        """The timestamp as a UTC datetime (None when out of range)."""
        return epoch_to_datetime(self.timestamp)

    @property
    def spans(self) -> tuple[tuple[str, int, int], ...]:
        """(field, start, end) byte offsets in the decoded token."""
        end_ct = HEADER_BYTES + len(self.ciphertext)
        return (
            ("version", 0, 1),
            ("timestamp", 1, 9),
            ("iv", 9, HEADER_BYTES),
            ("ciphertext", HEADER_BYTES, end_ct),
            ("hmac", end_ct, end_ct + HMAC_BYTES),
        )


def split_token(decoded: bytes) -> TokenFields | None:
    """Cut a decoded token into its fields (None when it is shorter than 57 bytes)."""
    if len(decoded) < MIN_TOKEN_BYTES:
        return None
    return TokenFields(
        version=decoded[0],
        timestamp=int.from_bytes(decoded[1:9], "big"),
        iv=decoded[9:HEADER_BYTES],
        ciphertext=decoded[HEADER_BYTES:-HMAC_BYTES],
        hmac=decoded[-HMAC_BYTES:],
    )


# Verification ----------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One step of verification."""

    name: str
    """Stable identifier (``hmac``, ``padding``...)."""
    title: str
    """What is checked, in words."""
    ok: bool | None
    """True passed, False failed, None not run (no key, no TTL, or stopped earlier)."""
    detail: str
    """What was found."""


@dataclass(frozen=True)
class TokenReport:
    """Everything :func:`explain_token` found about one token."""

    token_chars: int
    """Length of the token as given (characters of base64)."""
    decoded: bytes | None
    """The decoded token, or None when it is not base64."""
    fields: TokenFields | None
    """Its fields, or None when it is too short to cut."""
    checks: tuple[Check, ...]
    """Every check of the specification, in order."""
    valid: bool
    """True when the cryptography library would accept the token."""
    reason: str | None
    """The first failing check's code (see :data:`REASONS`), or None."""
    plaintext: bytes | None
    """The decrypted message when valid."""
    padding_length: int | None
    """How many PKCS#7 padding bytes the last block carried (when checked)."""
    key_given: bool
    """Whether a key was available for the HMAC and decryption."""
    ttl: int | None
    """The TTL checked against, if any."""
    now: int
    """The clock the timestamp was checked against (seconds since the epoch)."""

    @property
    def failed(self) -> Check | None:
        """The first failing check, if any."""
        return next((c for c in self.checks if c.ok is False), None)

    @property
    def needs_key(self) -> bool:
        """True when every check that can run without a key passed and the rest need one."""
        return not self.key_given and self.reason is None


def _pkcs7_padding_length(block: bytes) -> tuple[int | None, str]:
    """The padding length of a PKCS#7-padded final block, or None with the reason."""
    n = block[-1]
    if not 1 <= n <= 16:
        return None, f"last byte is 0x{n:02x}; PKCS#7 needs 0x01 to 0x10"
    tail = block[-n:]
    if tail != bytes([n]) * n:
        return None, f"last byte says {n} padding bytes of 0x{n:02x}, found {tail.hex(' ')}"
    return n, f"{n} byte{'s' if n != 1 else ''} of 0x{n:02x} removed"


def explain_token(
    token: bytes | str,
    key: FernetKey | None = None,
    *,
    ttl: int | None = None,
    now: dt.datetime | int,
) -> TokenReport:
    """Verify a token step by step in the order of the Fernet specification.

    Stops at the first failing check; the checks after it are reported as not
    run. Without ``key`` the anatomy and the checks that need no key still
    run. Without ``ttl`` the two timestamp checks do not apply (as in
    ``Fernet.decrypt(token)``).

    Args:
        token: the token as text (url-safe base64).
        key: the key to check the HMAC and decrypt with.
        ttl: maximum age in seconds, or None for no age check.
        now: the clock to check the timestamp against.
    """
    current = to_epoch(now)
    results: dict[str, tuple[bool | None, str]] = {}
    reason: str | None = None
    plaintext: bytes | None = None
    padding_length: int | None = None
    decoded: bytes | None = None
    fields: TokenFields | None = None

    def fail(name: str, code: str, detail: str) -> None:
        nonlocal reason
        results[name] = (False, detail)
        reason = code

    try:
        decoded = _b64decode(token)
    except (TypeError, ValueError) as exc:
        fail("decode", MALFORMED, _decode_problem(token, exc))
    if decoded is not None and reason is None:
        fields = split_token(decoded)
        if fields is None:
            fail("decode", MALFORMED, f"{len(decoded)} bytes; a token has at least {MIN_TOKEN_BYTES} "
                 "(1 version + 8 time + 16 IV + ciphertext + 32 HMAC)")
        else:
            results["decode"] = (True, f"{len(decoded)} bytes: 25-byte header, "
                                 f"{len(fields.ciphertext)}-byte ciphertext, 32-byte HMAC")
    if fields is not None and reason is None:
        if fields.version != VERSION:
            fail("version", UNSUPPORTED_VERSION, f"0x{fields.version:02x}; the only version is 0x80")
        else:
            results["version"] = (True, "0x80")
    if fields is not None and reason is None:
        stamp = describe_epoch(fields.timestamp)
        if ttl is None:
            results["not_expired"] = (None, "no TTL given: age not checked (as the library does)")
            results["not_in_future"] = (None, "no TTL given: not checked (as the library does)")
        else:
            age = current - fields.timestamp
            when = f"{age} s ago" if age >= 0 else f"{-age} s in the future"
            if fields.timestamp + ttl < current:
                fail("not_expired", EXPIRED, f"made {stamp}, {when}; TTL is {ttl} s")
            else:
                results["not_expired"] = (True, f"made {stamp}, {when}; TTL is {ttl} s")
            if reason is None:
                if current + MAX_CLOCK_SKEW < fields.timestamp:
                    fail("not_in_future", FUTURE_TIMESTAMP,
                         f"made {stamp}, {-age} s in the future; "
                         f"at most {MAX_CLOCK_SKEW} s of clock skew allowed")
                else:
                    results["not_in_future"] = (True, f"made {stamp}, not more than {MAX_CLOCK_SKEW} s ahead")
    if fields is not None and decoded is not None and reason is None and key is not None:
        mac = HMAC(key.signing_key, hashes.SHA256())
        mac.update(memoryview(decoded)[:-HMAC_BYTES])
        try:
            mac.verify(fields.hmac)
        except InvalidSignature:
            fail("hmac", BAD_HMAC, "the tag does not match: wrong key, or the token was changed")
        else:
            results["hmac"] = (True, f"matches: {fields.hmac[:8].hex()}...")
    if fields is not None and reason is None and key is not None:
        size = len(fields.ciphertext)
        if size == 0 or size % 16:
            fail("ciphertext_length", BAD_CIPHERTEXT_LENGTH,
                 f"{size} bytes; AES-CBC needs a non-empty multiple of 16")
        else:
            blocks = size // 16
            results["ciphertext_length"] = (True, f"{size} bytes = {blocks} block{'s' if blocks > 1 else ''}")
    padded: bytes | None = None
    if fields is not None and reason is None and key is not None:
        decryptor = Cipher(algorithms.AES(key.encryption_key), modes.CBC(fields.iv)).decryptor()
        padded = decryptor.update(fields.ciphertext) + decryptor.finalize()
        results["aes_decrypt"] = (True, f"{len(padded)} bytes with padding")
    if padded is not None and reason is None:
        padding_length, detail = _pkcs7_padding_length(padded[-16:])
        if padding_length is None:
            fail("padding", BAD_PADDING, detail)
        else:
            results["padding"] = (True, detail)
            plaintext = padded[:-padding_length]

    checks: list[Check] = []
    stopped = reason is not None
    for name, title in CHECKS:
        if name in results:
            ok, detail = results[name]
        elif stopped:
            ok, detail = None, "not reached: an earlier check failed"
        else:
            ok, detail = None, "needs the key"
        checks.append(Check(name, title, ok, detail))
    return TokenReport(
        token_chars=len(token),
        decoded=decoded,
        fields=fields,
        checks=tuple(checks),
        valid=reason is None and plaintext is not None,
        reason=reason,
        plaintext=plaintext,
        padding_length=padding_length,
        key_given=key is not None,
        ttl=ttl,
        now=current,
    )


# Safe operations (through the library) --------------------------------------


def encrypt(key: FernetKey, data: bytes, *, now: dt.datetime | int) -> bytes:
    """Encrypt with a fresh random IV, stamped with ``now`` (the library's recipe)."""
    return key.fernet().encrypt_at_time(data, to_epoch(now))


def decrypt(key: FernetKey, token: bytes | str, *, ttl: int | None = None,
            now: dt.datetime | int | None = None) -> bytes:
    """Decrypt with the library; on rejection raise with the step-by-step reason.

    Raises:
        InvalidInput: the token is rejected; the message names the failing check.
    """
    fernet = key.fernet()
    try:
        if ttl is None:
            return fernet.decrypt(token)
        if now is None:
            raise UsageError("a TTL needs a clock to compare with")
        return fernet.decrypt_at_time(token, ttl, to_epoch(now))
    except (InvalidToken, ValueError):
        report = explain_token(token, key, ttl=ttl, now=now if now is not None else 0)
        raise InvalidInput(rejection_message(report)) from None


def rejection_message(report: TokenReport) -> str:
    """One line saying why a token was rejected."""
    failed = report.failed
    if failed is None:
        return "the token was rejected"
    return f"token rejected ({report.reason}): {failed.title}: {failed.detail}"


@dataclass(frozen=True)
class Rotation:
    """The outcome of re-encrypting a token under the newest key."""

    token: bytes
    """The new token, under ``keys[0]`` (timestamp kept, new random IV)."""
    opened_with: int
    """Index of the key that opened the old token."""
    plaintext: bytes
    """The message carried by both tokens."""


def rotate(token: bytes | str, keys: Sequence[FernetKey]) -> Rotation:
    """MultiFernet rotation: open with any key, re-encrypt under the first (newest).

    Raises:
        UsageError: no keys.
        InvalidInput: no key opens the token.
    """
    if not keys:
        raise UsageError("rotation needs at least one key")
    for index, key in enumerate(keys):
        try:
            plaintext = key.fernet().decrypt(token)
        except (InvalidToken, ValueError):
            continue
        new = MultiFernet([k.fernet() for k in keys]).rotate(token)
        return Rotation(new, index, plaintext)
    raise InvalidInput(f"none of the {len(keys)} keys opens this token (every HMAC check failed)")


def flip_byte(token: bytes | str, index: int, mask: int = 0x01) -> bytes:
    """Decode a token, XOR byte ``index`` with ``mask``, and encode it again.

    Raises:
        InvalidInput: the token is not base64, or ``index`` is outside it.
    """
    try:
        decoded = bytearray(_b64decode(token))
    except (TypeError, ValueError):
        raise InvalidInput("the token is not url-safe base64, so there is no byte to flip") from None
    if not 0 <= index < len(decoded):
        raise InvalidInput(f"byte {index} is outside the token (0 to {len(decoded) - 1})")
    decoded[index] ^= mask & 0xFF
    return base64.urlsafe_b64encode(bytes(decoded))


def field_at(fields: TokenFields, index: int) -> str:
    """The name of the field byte ``index`` belongs to."""
    for name, start, end in fields.spans:
        if start <= index < end:
            return name
    return "outside"


__all__ = [
    "BAD_CIPHERTEXT_LENGTH",
    "BAD_HMAC",
    "BAD_PADDING",
    "CHECKS",
    "EXPIRED",
    "FUTURE_TIMESTAMP",
    "KEY_BYTES",
    "MALFORMED",
    "MAX_CLOCK_SKEW",
    "MIN_TOKEN_BYTES",
    "REASONS",
    "UNSUPPORTED_VERSION",
    "VERSION",
    "Check",
    "FernetKey",
    "Rotation",
    "TokenFields",
    "TokenReport",
    "decrypt",
    "describe_epoch",
    "encrypt",
    "epoch_to_datetime",
    "explain_token",
    "field_at",
    "flip_byte",
    "generate_key",
    "parse_key",
    "rejection_message",
    "rotate",
    "split_token",
    "to_epoch",
]
