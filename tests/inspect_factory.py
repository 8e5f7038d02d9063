"""Material the Inspector tests build: certificates with chosen flaws, keys in every format."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


@cache
def ec_key() -> ec.EllipticCurvePrivateKey:
    """One P-256 key for the whole session (fast to make)."""
    return ec.generate_private_key(ec.SECP256R1())


@cache
def rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """One RSA key per size for the whole session."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def name(cn: str) -> x509.Name:
    """A name with just a CN."""
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(
    cn: str = "leaf.example.net",
    *,
    issuer: str | None = None,
    key: Any = None,
    signer: Any = None,
    serial: int = 0x1234,
    days: int = 90,
    ca: bool | None = None,
    ca_critical: bool = True,
    key_usage: dict[str, bool] | None = None,
    san: list[str] | None = None,
    ski: bool = True,
    aki: bool = True,
    not_before: dt.datetime | None = None,
    extra: tuple[tuple[x509.ExtensionType, bool], ...] = (),
) -> x509.Certificate:
    """A certificate with exactly the extensions asked for (``extra``: more, with their criticality)."""
    key = key or ec_key()
    signer = signer or key
    start = not_before or NOW - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(cn))
        .issuer_name(name(issuer or cn))
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=ca_critical)
    if key_usage is not None:
        bits = dict.fromkeys(
            (
                "digital_signature",
                "content_commitment",
                "key_encipherment",
                "data_encipherment",
                "key_agreement",
                "key_cert_sign",
                "crl_sign",
                "encipher_only",
                "decipher_only",
            ),
            False,
        )
        bits.update(key_usage)
        builder = builder.add_extension(x509.KeyUsage(**bits), critical=True)
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(s) for s in san]), critical=False
        )
    if ski:
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    if aki:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), False
        )
    for extension, critical in extra:
        builder = builder.add_extension(extension, critical)
    return builder.sign(signer, hashes.SHA256())


@cache
def unknown_extension_chain(critical: bool) -> tuple[x509.Certificate, x509.Certificate]:
    """(root, leaf): a leaf for ``odd.example.net`` carrying the unregistered extension 2.999.3.

    2.999.3 is the OID that needs a multi-byte first subidentifier (80 + 999 = 1079:
    88 37), the case a first arc of 2 makes possible.
    """
    root_key = ec_key()
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    root = make_cert("Odd Root", ca=True, key_usage={"key_cert_sign": True, "crl_sign": True}, days=365)
    odd = x509.UnrecognizedExtension(x509.ObjectIdentifier("2.999.3"), b"\x05\x00")
    leaf = make_cert(
        "odd.example.net",
        issuer="Odd Root",
        key=leaf_key,
        signer=root_key,
        ca=False,
        key_usage={"digital_signature": True},
        san=["odd.example.net"],
        extra=((odd, critical),),
    )
    return root, leaf


def pem(*certs: x509.Certificate) -> bytes:
    """Certificates as PEM."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def der(cert: x509.Certificate) -> bytes:
    """A certificate as DER."""
    return cert.public_bytes(serialization.Encoding.DER)


def with_serial_bytes(cert: x509.Certificate, serial_tlv: bytes) -> bytes:
    """The certificate's DER with its serial TLV swapped (the signature no longer checks)."""
    data = der(cert)
    original = cert.serial_number.to_bytes((cert.serial_number.bit_length() + 8) // 8, "big")
    tlv = b"\x02" + bytes([len(original)]) + original
    assert data.count(tlv) >= 1
    swapped = data.replace(tlv, serial_tlv, 1)
    # Fix the outer and TBS lengths when the serial's length changed.
    delta = len(serial_tlv) - len(tlv)
    assert delta == 0, "keep the serial's length"
    return swapped
