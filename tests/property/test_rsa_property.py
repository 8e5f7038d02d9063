"""Property tests: textbook RSA over random primes agrees with pow() and cryptography."""

from __future__ import annotations

import math

from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings, strategies as st

from tlsexplorer.core.rsa.numbers import extended_euclid, miller_rabin, square_and_multiply
from tlsexplorer.core.rsa.workbook import build_workbook


def _primes(limit: int) -> list[int]:
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for i in range(2, math.isqrt(limit) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytearray(len(sieve[i * i :: i]))
    return [i for i in range(limit) if sieve[i]]


PRIMES = _primes(200_000)[100:]  # primes from 547 up to 200 000


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(PRIMES), st.sampled_from(PRIMES), st.data())
def test_worked_example_round_trips_for_random_primes(p: int, q: int, data: st.DataObject) -> None:
    if p == q:
        return
    n = p * q
    m = data.draw(st.integers(0, n - 1))
    book = build_workbook(p, q, message=m)
    assert math.gcd(book.e, book.phi) == 1
    assert book.e * book.d % book.phi == 1 and book.e * book.d_lambda % book.lam == 1
    assert book.ciphertext == pow(m, book.e, n)
    assert book.decrypted == book.crt.message == m
    assert book.crt.dp == rsa.rsa_crt_dmp1(book.d, p)
    assert book.crt.dq == rsa.rsa_crt_dmq1(book.d, q)
    assert book.crt.qinv == rsa.rsa_crt_iqmp(p, q)
    assert set(rsa.rsa_recover_prime_factors(n, book.e, book.d)) == {p, q}
    assert pow(book.signature, book.e, n) == m


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**300), st.integers(0, 2**300), st.integers(2, 2**300))
def test_square_and_multiply_equals_pow(base: int, exponent: int, modulus: int) -> None:
    trace = square_and_multiply(base, exponent, modulus)
    assert trace.result == pow(base, exponent, modulus)
    assert len(trace.steps) == exponent.bit_length()


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 2**200), st.integers(0, 2**200))
def test_extended_euclid_matches_gcd_and_inverse(a: int, b: int) -> None:
    table = extended_euclid(a, b)
    assert table.gcd == math.gcd(a, b)
    last = table.rows[-2]  # the last row has remainder 0; the one before holds the gcd
    assert last.s * a + last.t * b == table.gcd
    if table.gcd == 1 and a > 1:
        assert table.inverse == pow(b, -1, a)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(PRIMES), st.sampled_from(PRIMES))
def test_products_of_two_primes_are_composite_with_a_factor(p: int, q: int) -> None:
    result = miller_rabin(p * q)
    assert not result.is_prime
    assert result.factor in (p, q)
