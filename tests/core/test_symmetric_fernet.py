"""Fernet step by step, checked against the cryptography library and the spec vector."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography.fernet import Fernet, InvalidToken

from tlsexplorer.core.errors import InvalidInput, UsageError
from tlsexplorer.core.hazmat.fernet_fixed import encrypt_fixed, parse_iv
from tlsexplorer.core.symmetric import fernet as fs

# The Fernet specification's generate.json / verify.json vector.
SPEC_KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
SPEC_TOKEN = (
    b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="
)
SPEC_NOW = 499162800  # 1985-10-26T01:20:00-07:00


@pytest.fixture
def key() -> fs.FernetKey:
    return fs.parse_key(SPEC_KEY)


def test_fixed_encryption_matches_the_spec_vector(key: fs.FernetKey) -> None:
    assert encrypt_fixed(key, b"hello", iv=bytes(range(16)), at=SPEC_NOW) == SPEC_TOKEN


def test_fixed_encryption_matches_library(key: fs.FernetKey) -> None:
    iv = bytes(range(100, 116))
    ours = encrypt_fixed(key, b"x" * 100, iv=iv, at=1_700_000_000)
    theirs = Fernet(SPEC_KEY)._encrypt_from_parts(b"x" * 100, 1_700_000_000, iv)
    assert ours == theirs


def test_spec_vector_verifies_step_by_step(key: fs.FernetKey) -> None:
    report = fs.explain_token(SPEC_TOKEN, key, ttl=60, now=SPEC_NOW + 1)
    assert report.valid and report.reason is None
    assert report.plaintext == b"hello"
    assert [c.name for c in report.checks] == [name for name, _ in fs.CHECKS]
    assert all(c.ok for c in report.checks)
    assert report.padding_length == 11
    fields = report.fields
    assert fields is not None
    assert fields.version == 0x80 and fields.timestamp == SPEC_NOW
    assert fields.iv == bytes(range(16))
    assert fields.time == dt.datetime(1985, 10, 26, 8, 20, tzinfo=dt.timezone.utc)
    assert len(fields.ciphertext) == 16 and len(fields.hmac) == 32


def test_key_split(key: fs.FernetKey) -> None:
    raw = base64.urlsafe_b64decode(SPEC_KEY)
    assert key.signing_key == raw[:16] and key.encryption_key == raw[16:]
    assert key.encoded == SPEC_KEY
    generated = fs.generate_key(lambda n: bytes(range(n)))
    assert Fernet(generated.encoded.encode())  # the library accepts it
    assert generated.signing_key == bytes(range(16))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("not base64!!", "not url-safe base64"),
        ("bm90IGJhc2U2NCE=", "decodes to 11 bytes"),
        ("aGVsbG8=", "decodes to 5 bytes"),
        ("clé", "non-ASCII"),
        ("abc", "not url-safe base64"),
    ],
)
def test_bad_keys_are_explained(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        fs.parse_key(text)


def test_expired_and_future(key: fs.FernetKey) -> None:
    assert fs.explain_token(SPEC_TOKEN, key, ttl=60, now=SPEC_NOW + 61).reason == fs.EXPIRED
    assert fs.explain_token(SPEC_TOKEN, key, ttl=60, now=SPEC_NOW - 61).reason == fs.FUTURE_TIMESTAMP
    assert fs.explain_token(SPEC_TOKEN, key, ttl=60, now=SPEC_NOW - 60).valid
    # Without a TTL neither timestamp check applies, as in the library.
    report = fs.explain_token(SPEC_TOKEN, key, ttl=None, now=SPEC_NOW + 10**9)
    assert report.valid
    assert [c.ok for c in report.checks if c.name in {"not_expired", "not_in_future"}] == [None, None]


def test_wrong_key_and_tampering(key: fs.FernetKey) -> None:
    other = fs.generate_key()
    assert fs.explain_token(SPEC_TOKEN, other, now=SPEC_NOW).reason == fs.BAD_HMAC
    assert fs.explain_token(fs.flip_byte(SPEC_TOKEN, 0), key, now=SPEC_NOW).reason == fs.UNSUPPORTED_VERSION
    assert fs.explain_token(fs.flip_byte(SPEC_TOKEN, 40), key, now=SPEC_NOW).reason == fs.BAD_HMAC
    assert fs.explain_token(b"%%%", key, now=SPEC_NOW).reason == fs.MALFORMED
    assert fs.explain_token(SPEC_TOKEN[:40], key, now=SPEC_NOW).reason == fs.MALFORMED
    failed = fs.explain_token(fs.flip_byte(SPEC_TOKEN, 40), key, now=SPEC_NOW).failed
    assert failed is not None and failed.name == "hmac"


def _forge(key: fs.FernetKey, ciphertext: bytes) -> bytes:
    """A token with a correct HMAC over arbitrary ciphertext (only the key holder can)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.hmac import HMAC

    body = b"\x80" + SPEC_NOW.to_bytes(8, "big") + bytes(16) + ciphertext
    mac = HMAC(key.signing_key, hashes.SHA256())
    mac.update(body)
    return base64.urlsafe_b64encode(body + mac.finalize())


def test_length_and_padding_checks(key: fs.FernetKey) -> None:
    report = fs.explain_token(_forge(key, b"a" * 20), key, now=SPEC_NOW)
    assert report.reason == fs.BAD_CIPHERTEXT_LENGTH
    report = fs.explain_token(_forge(key, b""), key, now=SPEC_NOW)
    assert report.reason == fs.BAD_CIPHERTEXT_LENGTH
    report = fs.explain_token(_forge(key, b"a" * 32), key, now=SPEC_NOW)
    assert report.reason == fs.BAD_PADDING  # random bytes almost never pad correctly
    for forged in (_forge(key, b"a" * 20), _forge(key, b"a" * 32)):
        with pytest.raises(InvalidToken):
            Fernet(SPEC_KEY).decrypt(forged)


def test_no_key_still_shows_anatomy() -> None:
    report = fs.explain_token(SPEC_TOKEN, None, ttl=60, now=SPEC_NOW)
    assert report.fields is not None and not report.valid and report.reason is None
    assert report.needs_key
    assert {c.name: c.detail for c in report.checks}["hmac"] == "needs the key"


def test_later_checks_say_not_reached(key: fs.FernetKey) -> None:
    report = fs.explain_token(fs.flip_byte(SPEC_TOKEN, 0), key, now=SPEC_NOW)
    assert all(c.ok is None and "not reached" in c.detail for c in report.checks[2:])


def test_safe_round_trip_and_decrypt_reason(key: fs.FernetKey) -> None:
    token = fs.encrypt(key, b"secret", now=SPEC_NOW)
    assert Fernet(SPEC_KEY).decrypt(token) == b"secret"
    assert fs.decrypt(key, token) == b"secret"
    with pytest.raises(InvalidInput, match="expired"):
        fs.decrypt(key, token, ttl=10, now=SPEC_NOW + 11)
    with pytest.raises(InvalidInput, match="bad-hmac"):
        fs.decrypt(fs.generate_key(), token)


def test_rotation(key: fs.FernetKey) -> None:
    new = fs.generate_key()
    token = fs.encrypt(key, b"rotate me", now=SPEC_NOW)
    rotation = fs.rotate(token, [new, key])
    assert rotation.opened_with == 1 and rotation.plaintext == b"rotate me"
    assert Fernet(new.encoded).decrypt(rotation.token) == b"rotate me"
    assert Fernet(new.encoded).extract_timestamp(rotation.token) == SPEC_NOW
    with pytest.raises(InvalidInput, match="none of the 1 keys"):
        fs.rotate(token, [fs.generate_key()])


def test_flip_byte_bounds() -> None:
    with pytest.raises(InvalidInput, match="outside"):
        fs.flip_byte(SPEC_TOKEN, 73)
    with pytest.raises(InvalidInput, match="not url-safe base64"):
        fs.flip_byte(b"@@@x", 0)


def test_parse_iv() -> None:
    assert parse_iv("00" * 16) == bytes(16)
    with pytest.raises(UsageError):
        parse_iv("zz")
    with pytest.raises(UsageError, match="16"):
        parse_iv("00")


def test_huge_timestamp_does_not_crash(key: fs.FernetKey) -> None:
    token = encrypt_fixed(key, b"x", iv=bytes(16), at=2**64 - 1)
    report = fs.explain_token(token, key, ttl=5, now=SPEC_NOW)
    assert report.reason == fs.FUTURE_TIMESTAMP
    assert report.fields is not None and report.fields.time is None
    assert "9999" in report.checks[3].detail


@pytest.mark.parametrize(
    ("token", "says"),
    [
        ("gAAAAA", "cut short"),  # only base64 letters: the length is what is wrong
        (SPEC_TOKEN[:-3].decode(), "cut short"),
        ("gAAA!AAA", "character 5 is '!'"),
        ("gAAAé", "non-ASCII"),
    ],
)
def test_malformed_tokens_say_why(key: fs.FernetKey, token: str, says: str) -> None:
    with pytest.raises((InvalidToken, ValueError)):  # the library rejects them too (non-ASCII: ValueError)
        Fernet(SPEC_KEY).decrypt(token)
    report = fs.explain_token(token, key, now=SPEC_NOW)
    assert report.reason == fs.MALFORMED and says in report.checks[0].detail
