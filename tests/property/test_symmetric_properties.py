"""Property tests: the step-by-step Fernet verdict equals the library's on any token."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.hmac import HMAC
from hypothesis import given, settings, strategies as st

from tlsexplorer.core.hazmat.fernet_fixed import encrypt_fixed
from tlsexplorer.core.symmetric import caesar, fernet as fs

keys = st.binary(min_size=32, max_size=32)
times = st.integers(min_value=0, max_value=4_000_000_000)
ttls = st.one_of(st.none(), st.integers(min_value=-100, max_value=10**9))


def library_verdict(key: bytes, token: bytes, ttl: int | None, now: int) -> bytes | None:
    """The library's answer: the plaintext, or None when it rejects the token."""
    fernet = Fernet(base64.urlsafe_b64encode(key))
    try:
        if ttl is None:
            return fernet.decrypt(token)
        return fernet.decrypt_at_time(token, ttl, now)
    except (InvalidToken, ValueError):
        return None


def assert_agrees(key: bytes, token: bytes, ttl: int | None, now: int) -> None:
    expected = library_verdict(key, token, ttl, now)
    report = fs.explain_token(token, fs.FernetKey(key), ttl=ttl, now=now)
    assert report.valid == (expected is not None), (report.reason, report.failed)
    assert report.plaintext == expected
    assert (report.reason is None) == report.valid
    if report.reason is not None:
        assert report.reason in fs.REASONS


@st.composite
def tampered(draw: st.DrawFn) -> tuple[bytes, bytes, int | None, int]:
    key = draw(keys)
    stamp = draw(times)
    message = draw(st.binary(max_size=70))
    token = Fernet(base64.urlsafe_b64encode(key)).encrypt_at_time(message, stamp)
    raw = bytearray(base64.urlsafe_b64decode(token))
    action = draw(st.sampled_from(["none", "flip", "truncate", "extend", "wrong_key", "text_edit"]))
    if action == "flip":
        for _ in range(draw(st.integers(1, 3))):
            index = draw(st.integers(0, len(raw) - 1))
            raw[index] ^= draw(st.integers(1, 255))
        token = base64.urlsafe_b64encode(bytes(raw))
    elif action == "truncate":
        token = base64.urlsafe_b64encode(bytes(raw[: draw(st.integers(0, len(raw) - 1))]))
    elif action == "extend":
        token = base64.urlsafe_b64encode(bytes(raw) + draw(st.binary(min_size=1, max_size=40)))
    elif action == "wrong_key":
        key = draw(keys.filter(lambda k: k != key))
    elif action == "text_edit":
        index = draw(st.integers(0, len(token) - 1))
        char = draw(st.sampled_from(list(b"A_-=!\n =a0")))
        token = token[:index] + bytes([char]) + token[index + 1 :]
    now = stamp + draw(st.integers(-200, 200)) if draw(st.booleans()) else draw(times)
    return key, token, draw(ttls), now


@settings(max_examples=400, deadline=None)
@given(tampered())
def test_verdict_equals_library_on_tampered_tokens(case: tuple[bytes, bytes, int | None, int]) -> None:
    assert_agrees(*case)


@settings(max_examples=200, deadline=None)
@given(keys, st.binary(max_size=90), st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1), ttls)
def test_verdict_equals_library_on_forged_tokens(
    key: bytes, ciphertext: bytes, stamp: int, now: int, ttl: int | None
) -> None:
    """Correct HMAC over arbitrary ciphertext: exercises the length and padding checks."""
    body = b"\x80" + stamp.to_bytes(8, "big") + bytes(16) + ciphertext
    mac = HMAC(key[:16], hashes.SHA256())
    mac.update(body)
    assert_agrees(key, base64.urlsafe_b64encode(body + mac.finalize()), ttl, now)


@settings(max_examples=150, deadline=None)
@given(keys, st.binary(max_size=120), ttls, times)
def test_verdict_equals_library_on_garbage(key: bytes, token: bytes, ttl: int | None, now: int) -> None:
    assert_agrees(key, token, ttl, now)


@settings(max_examples=100, deadline=None)
@given(keys, st.binary(max_size=300), st.binary(min_size=16, max_size=16), times)
def test_round_trip_any_bytes(key: bytes, data: bytes, iv: bytes, stamp: int) -> None:
    fkey = fs.FernetKey(key)
    token = encrypt_fixed(fkey, data, iv=iv, at=stamp)
    assert Fernet(fkey.encoded).decrypt(token) == data
    report = fs.explain_token(token, fkey, now=stamp)
    assert report.valid and report.plaintext == data
    assert fs.decrypt(fkey, fs.encrypt(fkey, data, now=stamp)) == data


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.integers(-100, 100))
def test_caesar_round_trip(text: str, shift: int) -> None:
    assert caesar.decrypt(caesar.encrypt(text, shift), shift) == text
    assert caesar.encrypt(text, shift) == caesar.encrypt(text, shift + 26)
