"""Hostile material made by hand: objects that load but whose fields cannot all be read.

cryptography will not build most of these, so each is a well-formed object
(made with cryptography) whose DER is patched with :mod:`tlsexplorer.core.der`'s
writer and signed again, so that only the patched field is wrong.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tlsexplorer.core.der import children, encode_oid, encode_tlv, read_tlv

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
SHA256_RSA = "1.2.840.113549.1.1.11"
MD2_RSA = "1.2.840.113549.1.1.2"
GOST_2001 = "1.2.643.2.2.19"


@cache
def rsa_key(which: str = "root") -> rsa.RSAPrivateKey:
    """One 2048-bit RSA key per role for the whole session."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def cn_name(cn: str) -> x509.Name:
    """A name with just a CN."""
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@cache
def root() -> x509.Certificate:
    """An RSA root CA ``Hostile Root``."""
    key = rsa_key("root")
    return (
        x509.CertificateBuilder()
        .subject_name(cn_name("Hostile Root"))
        .issuer_name(cn_name("Hostile Root"))
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - dt.timedelta(days=10))
        .not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


@cache
def leaf() -> x509.Certificate:
    """A leaf ``hostile.example.net`` issued by :func:`root`."""
    key = rsa_key("leaf")
    return (
        x509.CertificateBuilder()
        .subject_name(cn_name("hostile.example.net"))
        .issuer_name(root().subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=90))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("hostile.example.net")]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(rsa_key("root").public_key()), critical=False
        )
        .sign(rsa_key("root"), hashes.SHA256())
    )


def key_pem(key: Any = None) -> bytes:
    """A private key (default: the root's) as unencrypted PKCS#8 PEM."""
    return bytes(
        (key or rsa_key("root")).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def der(obj: Any) -> bytes:
    """A certificate, CSR or CRL as DER."""
    return bytes(obj.public_bytes(serialization.Encoding.DER))


def pem_of(der_bytes: bytes, label: str = "CERTIFICATE") -> bytes:
    """DER wrapped as PEM."""
    import base64

    body = base64.encodebytes(der_bytes).replace(b"\n", b"")
    lines = b"\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return b"-----BEGIN " + label.encode() + b"-----\n" + lines + b"\n-----END " + label.encode() + b"-----\n"


def algorithm(oid: str, null: bool = True) -> bytes:
    """An AlgorithmIdentifier TLV."""
    return encode_tlv(0x30, encode_tlv(0x06, encode_oid(oid)) + (b"\x05\x00" if null else b""))


def tbs_parts(cert_der: bytes) -> list[bytes]:
    """The TLVs of a certificate's (or CSR's, CRL's) to-be-signed part, in order."""
    _tag, start, end = read_tlv(cert_der, 0)
    _tag, tbs_start, tbs_end = read_tlv(cert_der, start, end)
    return [cert_der[s:e] for _t, s, _v, e in children(cert_der, tbs_start, tbs_end)]


def signed(parts: list[bytes], key: Any = None, alg_oid: str = SHA256_RSA) -> bytes:
    """A to-be-signed SEQUENCE of ``parts``, signed with ``key`` (RSA, SHA-256) under ``alg_oid``."""
    tbs = encode_tlv(0x30, b"".join(parts))
    signature = (key or rsa_key("root")).sign(tbs, padding.PKCS1v15(), hashes.SHA256())
    return encode_tlv(0x30, tbs + algorithm(alg_oid) + encode_tlv(0x03, b"\x00" + signature))


# Certificates -------------------------------------------------------------------------------


def cert_index(parts: list[bytes], field: str) -> int:
    """Where a TBSCertificate field is (the version is present in v3 certificates)."""
    order = ["version", "serial", "signature", "issuer", "validity", "subject", "spki", "extensions"]
    return order.index(field)


def patched_leaf(field: str, value: bytes, *, alg_oid: str = SHA256_RSA, base: Any = None) -> bytes:
    """:func:`leaf` (or ``base``) with one TBS field replaced by ``value`` and signed again by the root."""
    parts = tbs_parts(der(base or leaf()))
    parts[cert_index(parts, field)] = value
    if alg_oid != SHA256_RSA:
        parts[cert_index(parts, "signature")] = algorithm(alg_oid)
    return signed(parts, alg_oid=alg_oid)


def name_with(value_tlv: bytes, oid: str = "2.5.4.3") -> bytes:
    """A Name of one attribute whose value is the raw ``value_tlv``."""
    atv = encode_tlv(0x30, encode_tlv(0x06, encode_oid(oid)) + value_tlv)
    return encode_tlv(0x30, encode_tlv(0x31, atv))


def version7_cert(base: Any = None) -> bytes:
    """A certificate whose version field says 7 (only v1-v3 exist)."""
    return patched_leaf("version", encode_tlv(0xA0, encode_tlv(0x02, b"\x06")), base=base)


BAD_UTF8_NAME = name_with(encode_tlv(0x0C, b"caf\xff\xfe"))


def bad_utf8_cn_cert(base: Any = None) -> bytes:
    """A certificate whose subject CN is a UTF8String that is not UTF-8."""
    return patched_leaf("subject", BAD_UTF8_NAME, base=base)


def bad_utf8_root() -> bytes:
    """A self-signed root whose subject and issuer CN are a UTF8String that is not UTF-8."""
    parts = tbs_parts(der(root()))
    parts[cert_index(parts, "subject")] = BAD_UTF8_NAME
    parts[cert_index(parts, "issuer")] = BAD_UTF8_NAME
    return signed(parts)


def long_tag_cn_cert() -> bytes:
    """A certificate whose subject CN has a long-form tag (universal 31, in the high-tag-number form)."""
    return patched_leaf("subject", name_with(b"\x1f\x1f\x02hi"))


def odd_tag_cn_cert() -> bytes:
    """A certificate whose subject CN has a tag no name attribute uses (an OCTET STRING)."""
    return patched_leaf("subject", name_with(encode_tlv(0x04, b"hello")))


def md2_cert() -> bytes:
    """A certificate that says it is signed with md2WithRSAEncryption."""
    return patched_leaf("serial", encode_tlv(0x02, b"\x03"), alg_oid=MD2_RSA)


def unknown_spki_cert() -> bytes:
    """A certificate whose key is of a type nothing here knows (a GOST R 34.10-2001 OID)."""
    spki = encode_tlv(0x30, algorithm(GOST_2001, null=False) + encode_tlv(0x03, b"\x00" + bytes(range(64))))
    return patched_leaf("spki", spki)


def dsa_inherited_cert() -> bytes:
    """A DSA certificate whose key inherits its parameters (the AlgorithmIdentifier has none)."""
    key = encode_tlv(0x03, b"\x00" + encode_tlv(0x02, b"\x05"))
    spki = encode_tlv(0x30, algorithm("1.2.840.10040.4.1", null=False) + key)
    return patched_leaf("spki", spki)


#: basicConstraints CA:TRUE, critical, as an Extension TLV.
CRITICAL_CA = encode_tlv(
    0x30, encode_tlv(0x06, encode_oid("2.5.29.19")) + b"\x01\x01\xff" + encode_tlv(0x04, b"\x30\x00")
)


def san_cert(general_name_tlv: bytes, base: Any = None) -> bytes:
    """:func:`leaf` (or ``base``, signed by the root) whose SAN holds ``general_name_tlv``
    (x400Address is [3], ediPartyName [5]), beside basicConstraints CA:TRUE."""
    san = encode_tlv(
        0x30, encode_tlv(0x06, encode_oid("2.5.29.17")) + encode_tlv(0x04, encode_tlv(0x30, general_name_tlv))
    )
    bc = CRITICAL_CA
    return patched_leaf("extensions", encode_tlv(0xA3, encode_tlv(0x30, bc + san)), base=base)


#: A minimal x400Address ORAddress: [3] { SEQUENCE { } } (built-in-standard-attributes, empty).
X400 = encode_tlv(0xA3, encode_tlv(0x30, b""))
#: An ediPartyName: [5] { [1] partyName "x" }.
EDI = encode_tlv(0xA5, encode_tlv(0xA1, encode_tlv(0x0C, b"x")))


def enveloped_pkcs7() -> bytes:
    """A PKCS#7 EnvelopedData (no certificates), the shape of an S/MIME message."""
    from cryptography.hazmat.primitives.serialization import pkcs7

    return bytes(
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(b"hello")
        .add_recipient(leaf())
        .encrypt(serialization.Encoding.DER, [])
    )


# CSRs ----------------------------------------------------------------------------------------


@cache
def csr() -> x509.CertificateSigningRequest:
    """A CSR for ``asker.example.net`` (RSA, SHA-256) asking for a SAN."""
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(cn_name("asker.example.net"))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("asker.example.net")]), critical=False)
        .sign(rsa_key("leaf"), hashes.SHA256())
    )


def patched_csr(index: int, value: bytes) -> bytes:
    """:func:`csr` with one CertificationRequestInfo field (0 version, 1 subject, 2 SPKI, 3 attributes)
    replaced and signed again with its own key."""
    parts = tbs_parts(der(csr()))
    parts[index] = value
    return signed(parts, rsa_key("leaf"))


def _extension_request(*extensions: bytes) -> bytes:
    request = encode_tlv(0x06, encode_oid("1.2.840.113549.1.9.14")) + encode_tlv(
        0x31, encode_tlv(0x30, b"".join(extensions))
    )
    return encode_tlv(0xA0, encode_tlv(0x30, request))


def bad_version_csr() -> bytes:
    """A CSR whose version is 5 (only 0, v1, exists)."""
    return patched_csr(0, encode_tlv(0x02, b"\x05"))


def duplicate_extension_csr() -> bytes:
    """A CSR asking twice for the same critical extension (basicConstraints)."""
    bc = CRITICAL_CA
    return patched_csr(3, _extension_request(bc, bc))


def empty_attribute_csr() -> bytes:
    """A CSR with an attribute whose SET of values is empty (challengePassword, no value)."""
    attribute = encode_tlv(0x30, encode_tlv(0x06, encode_oid("1.2.840.113549.1.9.7")) + encode_tlv(0x31, b""))
    return patched_csr(3, encode_tlv(0xA0, attribute))


def sha1_csr() -> bytes:
    """A valid CSR signed with SHA-1 (cryptography refuses to check SHA-1 signatures)."""
    parts = tbs_parts(der(csr()))
    tbs = encode_tlv(0x30, b"".join(parts))
    signature = rsa_key("leaf").sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    return encode_tlv(0x30, tbs + algorithm("1.2.840.113549.1.1.5") + encode_tlv(0x03, b"\x00" + signature))
