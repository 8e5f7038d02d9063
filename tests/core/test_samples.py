"""The built-in samples are what the manifest says they are."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509.verification import PolicyBuilder, Store

from tlsexplorer.samples import SAMPLE_NOW, manifest, sample_path


def cert(name: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(sample_path(name).read_bytes())


def test_every_manifest_file_exists_and_keys_are_private() -> None:
    for item in manifest():
        assert item.path.is_file(), item.file
    assert [i.file for i in manifest() if i.password] == ["charlies-root-ca.key.pem"]


def test_server_chain_verifies_for_both_names_at_sample_now() -> None:
    root, inter, leaf = cert("charlies-root-ca.pem"), cert("charlies-intermediate-ca.pem"), cert(
        "alice.example.net.pem"
    )
    assert "Charlie's Certificate Authority" in root.subject.rfc4514_string()
    for host in ("localhost", "alice.example.net"):
        verifier = (
            PolicyBuilder()
            .store(Store([root]))
            .time(SAMPLE_NOW)
            .build_server_verifier(x509.DNSName(host))
        )
        chain = verifier.verify(leaf, [inter])
        assert chain[-1] == root
    full = x509.load_pem_x509_certificates(sample_path("alice.example.net.fullchain.pem").read_bytes())
    assert full == [leaf, inter]


def test_course_style_certificate_has_only_cn_and_san() -> None:
    course = cert("alice-course-style.pem")
    assert [e.oid for e in course.extensions] == [x509.oid.ExtensionOID.SUBJECT_ALTERNATIVE_NAME]
    assert course.issuer == cert("charlies-root-ca.pem").subject


def test_expired_is_expired_and_revoked() -> None:
    expired = cert("expired.pem")
    assert expired.not_valid_after_utc < SAMPLE_NOW
    crl = x509.load_pem_x509_crl(sample_path("charlies-intermediate-ca.crl.pem").read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(expired.serial_number) is not None
    assert crl.is_signature_valid(cert("charlies-intermediate-ca.pem").public_key())  # type: ignore[arg-type]


def test_encrypted_key_opens_with_manifest_passphrase() -> None:
    item = next(i for i in manifest() if i.password)
    key = load_pem_private_key(item.path.read_bytes(), item.password.encode())  # type: ignore[union-attr]
    assert key.public_key() == cert("charlies-root-ca.pem").public_key()


def test_csr_is_signed_and_asks_for_sans() -> None:
    csr = x509.load_pem_x509_csr(sample_path("bob.example.net.csr.pem").read_bytes())
    assert csr.is_signature_valid
    san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["bob.example.net", "www.bob.example.net"]


def test_good_samples_are_valid_for_decades() -> None:
    for name in ("charlies-root-ca.pem", "charlies-intermediate-ca.pem", "alice.example.net.pem"):
        assert cert(name).not_valid_after_utc > dt.datetime(2070, 1, 1, tzinfo=dt.timezone.utc)
