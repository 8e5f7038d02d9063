"""Certificates are read from PEM, DER and PKCS#7, whatever surrounds them."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.x509.loader import load_certificates, pem_blocks
from tlsexplorer.samples import sample_path


def test_bundle_with_text_crlf_and_garbage() -> None:
    full = sample_path("alice.example.net.fullchain.pem").read_bytes()
    messy = b"\x00\xffgarbage\r\nsubject=whatever\r\n" + full.replace(b"\n", b"\r\n") + b"trailing"
    certs = load_certificates(messy)
    assert len(certs) == 2
    assert certs == load_certificates(full)


def test_der_and_pkcs7() -> None:
    certs = load_certificates(sample_path("alice.example.net.fullchain.pem").read_bytes())
    assert load_certificates(certs[0].public_bytes(Encoding.DER)) == certs[:1]
    # PKCS#7 holds a SET OF certificates: DER sorts them, so order is not kept.
    p7 = pkcs7.serialize_certificates(certs, Encoding.DER)
    assert set(load_certificates(p7)) == set(certs)
    p7_pem = pkcs7.serialize_certificates(certs, Encoding.PEM)
    assert set(load_certificates(p7_pem)) == set(certs)


def test_damaged_block_is_named_by_line() -> None:
    text = b"hello\n-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n"
    blocks, errors = pem_blocks(text)
    assert blocks == [] and "line 2" in str(errors[0])
    with pytest.raises(InvalidInput, match="line 2"):
        load_certificates(text, "bad.pem")


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02", b"just text"])
def test_no_certificate_is_our_error(data: bytes) -> None:
    with pytest.raises(InvalidInput, match="no certificate found"):
        load_certificates(data)
