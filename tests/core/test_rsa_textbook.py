"""The textbook-RSA hazmat module: raw operations and the attacks, on real numbers."""

from __future__ import annotations

import math

from tlsexplorer.core.hazmat import textbook_rsa as tb
from tlsexplorer.core.rsa.workbook import preset_workbook


def test_raw_operations_match_pow() -> None:
    assert tb.encrypt(65, 17, 3233) == pow(65, 17, 3233) == 2790
    assert tb.decrypt(2790, 2753, 3233) == 65
    assert tb.verify(tb.sign(65, 2753, 3233), 17, 3233, 65)


def test_determinism_and_malleability() -> None:
    det = tb.show_determinism(65, 17, 3233)
    assert det.first == det.second == 2790 and "OAEP" in det.oaep_note
    mal = tb.show_malleability(65, 17, 2753, 3233)
    assert mal.forged == 2790 * pow(2, 17, 3233) % 3233
    assert mal.decrypted == mal.expected == 130


def test_small_n_is_factored_and_d_recovered() -> None:
    found = tb.factor_modulus(3233, 17)
    assert {found.factor, found.cofactor} == {61, 53} and found.recovered_d == 2753
    rho = tb.factor_modulus(2147483647 * 2305843009213693951, 65537)  # needs Pollard's rho
    assert rho.factor in (2147483647, 2305843009213693951) and "rho" in rho.method
    assert rho.seconds >= 0


def test_a_large_n_is_not_factored_within_the_budget() -> None:
    p = 2**127 - 1
    q = 2**89 - 1
    result = tb.factor_modulus(p * q, 65537, budget_seconds=0.05)
    assert result.factor is None and "gave up" in result.method


def test_shared_prime_gcd_factors_both_moduli() -> None:
    shared = tb.demo_shared_prime(61, 53)
    assert shared.gcd == 61 == math.gcd(shared.n1, shared.n2)
    assert shared.n1 == 61 * 53 and shared.n2 == 61 * shared.q2
    assert tb.shared_prime_attack(3233, 11 * 13).q1 is None


def test_run_attacks_on_the_worked_example() -> None:
    book = preset_workbook("wikipedia")
    attacks = tb.run_attacks(book.p, book.q, book.e, book.d, book.message)
    assert attacks.malleability.decrypted == 2 * book.message
    assert attacks.factoring.recovered_d == book.d
    assert "insecure" in tb.WARNING


def test_oaep_contrast_on_a_real_key_and_not_on_toy_numbers() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tlsexplorer.samples import sample_path

    key = serialization.load_pem_private_key(sample_path("alice.example.net.key.pem").read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    numbers = key.private_numbers()
    contrast = tb.oaep_contrast(numbers.p, numbers.q, numbers.public_numbers.e)
    assert contrast is not None
    assert contrast.first != contrast.second  # randomised, unlike textbook RSA
    assert contrast.tampered_rejected and contrast.round_trip
    assert tb.oaep_contrast(61, 53, 17) is None


def test_next_prime_small_and_large() -> None:
    assert [tb.next_prime(v) for v in (1, 2, 13, 1999, 2000, 10**6)] == [2, 3, 17, 2003, 2003, 1000003]
    p = tb.next_prime(2**127)
    assert p > 2**127 and pow(2, p - 1, p) == 1
