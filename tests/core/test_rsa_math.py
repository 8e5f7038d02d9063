"""RSA arithmetic by hand, cross-checked against pow(), math.gcd and cryptography."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

from tlsexplorer.core.ca import build as ca
from tlsexplorer.core.errors import InvalidInput, PasswordRequired, UsageError, WrongPassword
from tlsexplorer.core.rsa.keys import key_identities, load_rsa_key
from tlsexplorer.core.rsa.numbers import (
    MAX_BITS,
    decimal,
    extended_euclid,
    int_from_decimal,
    miller_rabin,
    modinv,
    parse_int,
    square_and_multiply,
)
from tlsexplorer.core.rsa.signature import HASH_OIDS, check_certificate_signature, parse_digest_info
from tlsexplorer.core.rsa.workbook import (
    build_workbook,
    choose_e,
    decryption_trace,
    preset_workbook,
    totient,
    worked_steps,
)
from tlsexplorer.samples import SAMPLE_NOW, sample, sample_path


def _bytes(name: str) -> bytes:
    return sample_path(name).read_bytes()


# The worked examples ------------------------------------------------------------


def test_wikipedia_example_matches_the_published_numbers() -> None:
    # en.wikipedia.org/wiki/RSA_(cryptosystem)#Example
    book = preset_workbook("wikipedia")
    assert (book.p, book.q, book.n, book.phi, book.lam) == (61, 53, 3233, 3120, 780)
    assert (book.e, book.d, book.d_lambda) == (17, 2753, 413)
    assert book.message == 65 and book.ciphertext == 2790 and book.decrypted == 65
    assert book.crt.message == 65
    assert (book.crt.dp, book.crt.dq, book.crt.qinv) == (53, 49, 38)


def test_tiny_example_and_every_step_against_pow() -> None:
    book = preset_workbook("tiny")
    assert (book.n, book.phi) == (143, 120)
    assert book.e * book.d % book.phi == 1
    assert book.ciphertext == pow(9, 7, 143)
    assert book.decrypted == pow(book.ciphertext, book.d, 143) == 9
    assert book.signature == pow(9, book.d, 143)
    assert pow(book.signature, book.e, 143) == book.verified == 9


def test_crt_values_agree_with_cryptography() -> None:
    book = preset_workbook("wikipedia")
    assert book.crt.dp == rsa.rsa_crt_dmp1(book.d, book.p)
    assert book.crt.dq == rsa.rsa_crt_dmq1(book.d, book.q)
    assert book.crt.qinv == rsa.rsa_crt_iqmp(book.p, book.q)
    assert set(rsa.rsa_recover_prime_factors(book.n, book.e, book.d)) == {book.p, book.q}


def test_steps_walk_in_order_with_explanations() -> None:
    steps = worked_steps(preset_workbook("wikipedia"))
    keys = [s.key for s in steps]
    assert keys[:7] == ["p", "q", "n", "phi", "lambda", "e", "d"]
    assert keys[-2:] == ["sign", "verify"]
    assert all(s.explanation for s in steps)
    assert dict(steps[6].terms)["d"] == 2753


def test_default_e_is_65537_when_it_fits_else_the_smallest_valid() -> None:
    e, rule = choose_e(3120)  # 65537 is above phi
    assert e == 7 and "smallest" in rule and math.gcd(e, 3120) == 1
    big = build_workbook(1000003, 1000033)
    assert big.e == 65537 and "standard" in big.e_rule


def test_text_message_is_utf8_big_endian() -> None:
    book = build_workbook(1000003, 1000033, text="hi")
    assert book.message == int.from_bytes(b"hi", "big") and book.message_bytes == b"hi"
    assert book.decrypted == book.message


# Extended Euclid and square-and-multiply -----------------------------------------


def test_euclid_table_rows_keep_the_invariant_and_give_the_inverse() -> None:
    table = extended_euclid(3120, 17)
    for row in table.rows:
        assert row.remainder == row.s * 3120 + row.t * 17
    assert table.gcd == math.gcd(3120, 17) == 1
    assert table.inverse == pow(17, -1, 3120) == 2753
    assert [r.quotient for r in table.rows[2:]] == [183, 1, 1, 8]


def test_modinv_refuses_non_coprime_and_names_the_gcd() -> None:
    with pytest.raises(InvalidInput, match="gcd = 6"):
        modinv(6, 3120)


def test_square_and_multiply_rows_follow_the_exponent_bits() -> None:
    trace = square_and_multiply(65, 17, 3233)
    assert [s.bit for s in trace.steps] == [int(b) for b in bin(17)[2:]]
    assert trace.result == pow(65, 17, 3233)
    value = 1
    for step in trace.steps:
        assert step.squared == value * value % 3233
        value = step.squared * 65 % 3233 if step.bit else step.squared
        assert step.value == value and step.multiplied == bool(step.bit)


def test_square_and_multiply_on_a_real_key_matches_pow() -> None:
    ids = load_rsa_key(_bytes("alice.example.net.key.pem"))
    assert ids.d is not None
    c = pow(12345, ids.e, ids.n)
    trace = square_and_multiply(c, ids.d, ids.n)
    assert len(trace.steps) == ids.d.bit_length()
    assert trace.result == pow(c, ids.d, ids.n) == 12345


def test_decryption_trace_alone_is_the_workbooks_and_decrypts_with_the_libraries_key() -> None:
    """The trace the RSA screen shows before a real key's workbook is ready."""
    key = serialization.load_pem_private_key(_bytes("alice.example.net.key.pem"), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    numbers = key.private_numbers()
    p, q, e = numbers.p, numbers.q, numbers.public_numbers.e
    trace = decryption_trace(p, q, e, "hello, RSA")
    m = int.from_bytes(b"hello, RSA", "big")
    assert trace.result == m and trace.base == pow(m, e, p * q) and trace.modulus == p * q
    # d = e^-1 mod phi; cryptography's d is e^-1 mod lambda: the two agree mod lambda
    assert totient(p, q) == (p - 1) * (q - 1) and e * trace.exponent % totient(p, q) == 1
    assert trace.exponent % math.lcm(p - 1, q - 1) == numbers.d
    assert decryption_trace(61, 53, 17, "A") == build_workbook(61, 53, 17, text="A").decrypt
    with pytest.raises(InvalidInput, match="no inverse"):
        decryption_trace(61, 53, 6, "A")


# Primality -----------------------------------------------------------------------------


def test_miller_rabin_agrees_with_a_sieve_below_5000() -> None:
    sieve = [True] * 5000
    sieve[0] = sieve[1] = False
    for i in range(2, 71):
        if sieve[i]:
            for j in range(i * i, 5000, i):
                sieve[j] = False
    assert [miller_rabin(n).is_prime for n in range(5000)] == sieve


def test_strong_pseudoprime_is_caught_with_a_witness_and_a_factor() -> None:
    n = 3215031751  # strong pseudoprime to bases 2, 3, 5 and 7 (= 151 * 751 * 28351)
    result = miller_rabin(n)
    assert not result.is_prime
    assert [r.passed for r in result.rounds[:4]] == [True] * 4
    assert result.rounds[-1].witness == 11 and not result.rounds[-1].passed
    assert result.factor is not None and n % result.factor == 0 and 1 < result.factor < n


def test_witness_rounds_are_shown_for_small_primes() -> None:
    result = miller_rabin(61)
    assert result.is_prime and result.exact
    assert (result.s, result.d) == (2, 15)
    assert [r.witness for r in result.rounds] == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41]
    assert result.rounds[0].sequence[0] == pow(2, 15, 61)


# Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [("abc", "not a whole number"), ("-5", "negative"), ("", "empty"), ("12x", "not a whole number")],
)
def test_parse_int_refuses_non_numbers(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_int(text, "p")


def test_parse_int_accepts_hex_and_refuses_above_the_limit() -> None:
    assert parse_int("0x3d", "p") == 61
    assert parse_int("3d:35", "x") == 0x3D35
    with pytest.raises(UsageError, match=f"limit is {MAX_BITS} bits"):
        parse_int(hex(1 << MAX_BITS), "p")
    with pytest.raises(UsageError, match="limit"):
        parse_int("9" * 5000, "p")


def test_decimal_conversion_beyond_pythons_digit_limit() -> None:
    value = (1 << 16000) - 12345
    text = decimal(value)
    assert len(text) > 4300 and int_from_decimal(text) == value


def test_not_prime_names_a_factor() -> None:
    with pytest.raises(InvalidInput, match=r"p = 62 is not prime: it is 2 · 31"):
        build_workbook(62, 53)
    with pytest.raises(InvalidInput, match="q = 3215031751 is not prime"):
        build_workbook(61, 3215031751)


def test_equal_primes_bad_e_and_big_messages_are_refused() -> None:
    with pytest.raises(InvalidInput, match="must differ"):
        build_workbook(61, 61)
    with pytest.raises(InvalidInput, match=r"gcd\(e, phi\) = 6"):
        build_workbook(61, 53, 6)
    with pytest.raises(InvalidInput, match="1 < e < phi"):
        build_workbook(61, 53, 3121)
    with pytest.raises(InvalidInput, match="not below n = 3233"):
        build_workbook(61, 53, 17, message=3233)
    with pytest.raises(InvalidInput, match=r"not below n.*1 byte of text fits"):  # n = 3233 has 12 bits
        build_workbook(61, 53, 17, text="hello")
    with pytest.raises(InvalidInput, match="no text fits"):  # n = 143 < 256
        build_workbook(11, 13, 7, text="hi")
    with pytest.raises(InvalidInput, match="at most 4 bytes of text fit"):  # n has 33 bits
        build_workbook(65537, 65539, text="hello")
    with pytest.raises(UsageError, match="not both"):
        build_workbook(61, 53, 17, message=1, text="a")


# Real keys --------------------------------------------------------------------------------


def test_encrypted_root_key_identities_hold_and_match_cryptography() -> None:
    item = sample("charlies-root-ca.key.pem")
    data = item.path.read_bytes()
    ids = load_rsa_key(data, (item.password or "").encode())
    assert ids.kind == "private" and ids.bits == 2048 and ids.ok
    key = serialization.load_pem_private_key(data, (item.password or "").encode())
    assert isinstance(key, rsa.RSAPrivateKey)
    numbers = key.private_numbers()
    assert (ids.p, ids.q, ids.d, ids.n) == (numbers.p, numbers.q, numbers.d, numbers.public_numbers.n)
    assert ids.qinv == rsa.rsa_crt_iqmp(numbers.p, numbers.q)
    names = {i.name for i in ids.identities}
    assert {"p·q = n", "e·d = 1 mod lambda", "dP = d mod (p-1)", "qInv·q = 1 mod p"} <= names


def test_key_passwords_and_key_types() -> None:
    data = _bytes("charlies-root-ca.key.pem")
    with pytest.raises(PasswordRequired):
        load_rsa_key(data)
    with pytest.raises(WrongPassword):
        load_rsa_key(data, b"wrong")
    with pytest.raises(InvalidInput, match="holds an EC P-256 key, not an RSA key"):
        load_rsa_key(_bytes("expired.key.pem"))
    with pytest.raises(InvalidInput, match="not a readable"):
        load_rsa_key(b"garbage")


def test_public_key_and_certificate_give_n_and_e_only() -> None:
    ids = load_rsa_key(_bytes("alice.example.net.pem"))
    assert ids.kind == "public" and ids.p is None and ids.identities == ()
    key = serialization.load_pem_private_key(_bytes("alice.example.net.key.pem"), None)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert load_rsa_key(der).n == ids.n


def test_openssh_keys_as_ssh_keygen_writes_them() -> None:
    """id_rsa and id_rsa.pub (OpenSSH formats) were 'not a readable PEM or DER key'."""
    key = serialization.load_pem_private_key(_bytes("alice.example.net.key.pem"), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    numbers = key.private_numbers()
    openssh = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    )
    ids = load_rsa_key(openssh)
    assert ids.kind == "private" and ids.ok
    assert (ids.n, ids.p, ids.q, ids.d) == (numbers.public_numbers.n, numbers.p, numbers.q, numbers.d)
    pub = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    ids = load_rsa_key(pub + b" me@example.net\n")
    assert ids.kind == "public" and ids.n == numbers.public_numbers.n and ids.e == 65537
    locked = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.BestAvailableEncryption(b"ssh passphrase"),
    )
    with pytest.raises(PasswordRequired):
        load_rsa_key(locked)
    with pytest.raises(WrongPassword):
        load_rsa_key(locked, b"wrong")
    assert load_rsa_key(locked, b"ssh passphrase").d == numbers.d
    ed = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    )
    with pytest.raises(InvalidInput, match="Ed25519 key, not an RSA key"):
        load_rsa_key(ed)


def test_broken_identities_are_reported() -> None:
    ids = key_identities(3233, 17, 61, 53, 2753, 52, 49, 38)
    assert not ids.ok
    assert [i.name for i in ids.identities if not i.ok] == ["dP = d mod (p-1)"]


# Signatures by hand ------------------------------------------------------------------------


def test_alice_signature_checks_by_hand_and_agrees_with_cryptography() -> None:
    check = check_certificate_signature(
        _bytes("alice.example.net.pem"), _bytes("charlies-intermediate-ca.pem")
    )
    assert check.kind == "pkcs1v15" and check.hash_name == "sha256"
    assert check.by_hand is True and check.library is True and check.valid
    assert check.block is not None and check.block.block[:2] == b"\x00\x01"
    assert check.block.digest_info is not None
    assert check.block.digest_info.hash_name == "sha256"
    cert = x509.load_pem_x509_certificate(_bytes("alice.example.net.pem"))
    digest = hashes.Hash(hashes.SHA256())
    digest.update(cert.tbs_certificate_bytes)
    assert check.block.digest_info.digest == check.tbs_digest == digest.finalize()
    assert check.n is not None and check.e is not None and check.s is not None
    assert check.recovered == pow(check.s, check.e, check.n)


def test_tampered_certificate_fails_by_hand_and_in_the_library() -> None:
    der = bytearray(x509.load_pem_x509_certificate(_bytes("alice.example.net.pem")).public_bytes(
        serialization.Encoding.DER))
    at = der.find(b"alice.example.net")
    der[at] = ord("b")  # "blice": same length, still parses
    check = check_certificate_signature(bytes(der), _bytes("charlies-intermediate-ca.pem"))
    assert check.by_hand is False and check.library is False and not check.valid
    assert "changed after signing" in check.explanation


def _impostor_of_alices_issuer() -> bytes:
    """A CA named exactly as alice's issuer, with a key of its own (it did not sign her)."""
    alice = x509.load_pem_x509_certificate(_bytes("alice.example.net.pem"))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start, end = SAMPLE_NOW - dt.timedelta(days=1), SAMPLE_NOW + dt.timedelta(days=30)
    spec = ca.CertificateSpec(alice.issuer, "root", start, end)
    impostor = ca.issue_certificate(spec, key.public_key(), key)
    return impostor.public_bytes(serialization.Encoding.PEM)


def test_wrong_issuer_fails_with_a_bad_block() -> None:
    # The issuer's name, another key: s^e mod n is no PKCS#1 block.
    check = check_certificate_signature(_bytes("alice.example.net.pem"), _impostor_of_alices_issuer())
    assert check.by_hand is False and check.library is False
    assert check.block is not None and check.block.problem is not None


def test_issuer_from_a_bundle_is_the_certificate_the_leaf_names() -> None:
    """A full chain as --issuer used its first certificate (the leaf itself): 'INVALID'."""
    fullchain = _bytes("alice.example.net.fullchain.pem")
    check = check_certificate_signature(fullchain, fullchain)
    assert check.issuer.startswith("CN=Charlie's Intermediate CA")
    assert check.by_hand is True and check.library is True and check.valid
    roots_first = _bytes("charlies-root-ca.pem") + _bytes("charlies-intermediate-ca.pem")
    assert check_certificate_signature(_bytes("alice.example.net.pem"), roots_first).valid
    # no certificate with the right name, none whose key signed it: said so (issue 15; it used to
    # take the first one and say INVALID)
    with pytest.raises(InvalidInput, match="no issuer in the bundle"):
        check_certificate_signature(_bytes("alice.example.net.pem"), _bytes("charlies-root-ca.pem"))



def test_of_two_issuers_with_the_same_name_the_one_that_signed_is_used() -> None:
    """A renewed CA keeps its name and gets a new key: a bundle may hold both."""
    start, end = SAMPLE_NOW - dt.timedelta(days=1), SAMPLE_NOW + dt.timedelta(days=30)
    name = ca.build_name("Renewed CA")
    old_key, new_key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    old, new = (ca.issue_certificate(ca.CertificateSpec(name, "root", start, end), k.public_key(), k)
                for k in (old_key, new_key))
    leaf_spec = ca.CertificateSpec(ca.build_name("leaf.example"), "server", start, end,
                                   sans=(ca.parse_san("leaf.example"),))
    leaf = ca.issue_certificate(leaf_spec, ec.generate_private_key(ec.SECP256R1()).public_key(), new_key, new)
    bundle = ca.certificate_pem(old, new)
    check = check_certificate_signature(ca.certificate_pem(leaf), bundle)
    assert check.valid and check.by_hand is True and check.library is True
    # Only the old one given: the name matches, the key does not.
    assert not check_certificate_signature(ca.certificate_pem(leaf), ca.certificate_pem(old)).valid

def test_ec_key_leaf_signed_by_rsa_is_still_pkcs1() -> None:
    check = check_certificate_signature(_bytes("expired.pem"), _bytes("charlies-intermediate-ca.pem"))
    assert check.kind == "pkcs1v15" and check.by_hand is True and check.library is True


def _spec(cn: str, role: ca.Role) -> ca.CertificateSpec:
    return ca.CertificateSpec(
        subject=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]),
        role=role,
        not_before=SAMPLE_NOW - dt.timedelta(days=1),
        not_after=SAMPLE_NOW + dt.timedelta(days=30),
    )


@pytest.mark.parametrize("key_type", ["p256", "ed25519"])
def test_non_rsa_signatures_are_named_and_checked_by_the_library(key_type: ca.KeyType) -> None:
    issuer_key = ca.generate_private_key(key_type)
    issuer = ca.issue_certificate(_spec("Test CA", "root"), issuer_key.public_key(), issuer_key)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = ca.issue_certificate(_spec("leaf.example", "server"), leaf_key.public_key(), issuer_key, issuer)
    check = check_certificate_signature(ca.certificate_pem(leaf), ca.certificate_pem(issuer))
    assert check.kind == ("ecdsa" if key_type == "p256" else "ed25519")
    assert check.by_hand is None and check.library is True and check.valid
    assert "not a modular power" in check.explanation or "no hash-then-pad" in check.explanation
    assert isinstance(issuer_key, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey)


def test_pss_signature_is_named_and_explained() -> None:
    issuer_key = serialization.load_pem_private_key(_bytes("charlies-intermediate-ca.key.pem"), None)
    assert isinstance(issuer_key, rsa.RSAPrivateKey)
    issuer = x509.load_pem_x509_certificate(_bytes("charlies-intermediate-ca.pem"))
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pss.example")]))
        .issuer_name(issuer.subject)
        .public_key(leaf_key.public_key())
        .serial_number(1)
        .not_valid_before(SAMPLE_NOW)
        .not_valid_after(SAMPLE_NOW + dt.timedelta(days=1))
    )
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    leaf = builder.sign(issuer_key, hashes.SHA256(), rsa_padding=pss)
    check = check_certificate_signature(ca.certificate_pem(leaf), ca.certificate_pem(issuer))
    assert check.kind == "pss" and check.library is True and check.by_hand is None
    assert "0xbc" in check.explanation
    assert check.block is not None and check.block.block[-1] == 0xBC


def test_digest_info_parser_reads_the_rfc8017_prefixes() -> None:
    # RFC 8017 section 9.2 note 1: the DER prefixes of T for each hash.
    prefixes = {
        "sha1": "3021300906052b0e03021a05000414",
        "sha256": "3031300d060960864801650304020105000420",
        "sha384": "3041300d060960864801650304020205000430",
        "sha512": "3051300d060960864801650304020305000440",
    }
    for name, prefix in prefixes.items():
        size = int(prefix[-2:], 16)
        info = parse_digest_info(bytes.fromhex(prefix) + bytes(range(size)))
        assert info.hash_name == name and info.digest == bytes(range(size)) and info.has_null_parameters
        assert HASH_OIDS[info.hash_oid][1] == size
    with pytest.raises(InvalidInput):
        parse_digest_info(b"\x30\x05\x00")


def test_certificate_inputs_that_are_not_certificates() -> None:
    with pytest.raises(InvalidInput, match="no certificate"):
        check_certificate_signature(b"nothing here", _bytes("charlies-intermediate-ca.pem"))
