"""DELIBERATELY INSECURE: re-sign a certificate with SHA-1, for the break-it lab.

SHA-1 has been broken for certificate signatures since 2017 (SHAttered, then
chosen-prefix collisions in 2020); browsers, OpenSSL at its default security
level and the cryptography library's verifier all refuse SHA-1-signed
certificates, and cryptography 50 refuses to *make* one. This module makes one
anyway, by hand, so the Chain screen can show the refusal:

1. the certificate is built normally, signed with SHA-256 by an RSA key;
2. in its to-be-signed part (TBSCertificate) the inner signature
   AlgorithmIdentifier ``sha256WithRSAEncryption`` (1.2.840.113549.1.1.11) is
   swapped for ``sha1WithRSAEncryption`` (1.2.840.113549.1.1.5), which has the
   same encoded length;
3. the new TBS is signed with RSA PKCS#1 v1.5 over SHA-1;
4. ``Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
   signatureValue BIT STRING }`` is assembled in DER.

Never use the result for anything but showing that clients reject it.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tlsexplorer.core.errors import InvalidInput, UsageError

#: DER of OBJECT IDENTIFIER 1.2.840.113549.1.1.11 (sha256WithRSAEncryption).
SHA256_WITH_RSA_OID_DER = bytes.fromhex("06092a864886f70d01010b")
#: DER of OBJECT IDENTIFIER 1.2.840.113549.1.1.5 (sha1WithRSAEncryption).
SHA1_WITH_RSA_OID_DER = bytes.fromhex("06092a864886f70d010105")
#: DER of AlgorithmIdentifier { sha1WithRSAEncryption, NULL }.
SHA1_WITH_RSA_ALGORITHM_DER = b"\x30\x0d" + SHA1_WITH_RSA_OID_DER + b"\x05\x00"

INSECURE_NOTE = (
    "INSECURE ON PURPOSE: signed with SHA-1, which is broken for signatures; "
    "every modern client rejects it."
)
"""What screens and CLI output say next to a SHA-1 certificate."""


def der_length(length: int) -> bytes:
    """Encode a DER length (short form below 128, long form above)."""
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der_tlv(tag: int, body: bytes) -> bytes:
    """One DER element: tag, length, body."""
    return bytes([tag]) + der_length(len(body)) + body


def read_tlv(data: bytes, offset: int) -> tuple[int, int, int]:
    """Read the element at ``offset``: returns (tag, body start, body end).

    Raises:
        InvalidInput: truncated or indefinite-length data.
    """
    if offset + 2 > len(data):
        raise InvalidInput("truncated DER element")
    tag = data[offset]
    first = data[offset + 1]
    pos = offset + 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or pos + count > len(data):
            raise InvalidInput("bad DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise InvalidInput("truncated DER element")
    return tag, pos, pos + length


def swap_signature_algorithm(tbs: bytes) -> bytes:
    """Replace the TBS's inner signature algorithm sha256WithRSA by sha1WithRSA.

    The OID is located structurally (the element after version and serial),
    not by searching the bytes, so an extension that happens to contain the
    same bytes is left alone.

    Raises:
        InvalidInput: the TBS is not signed with sha256WithRSAEncryption.
    """
    tag, body, _end = read_tlv(tbs, 0)
    if tag != 0x30:
        raise InvalidInput("a TBSCertificate is a SEQUENCE")
    pos = body
    tag, _start, after = read_tlv(tbs, pos)
    if tag == 0xA0:  # [0] EXPLICIT version
        pos = after
        tag, _start, after = read_tlv(tbs, pos)
    if tag != 0x02:
        raise InvalidInput("expected the serial number INTEGER")
    pos = after
    tag, alg_body, _alg_end = read_tlv(tbs, pos)
    if tag != 0x30 or tbs[alg_body : alg_body + len(SHA256_WITH_RSA_OID_DER)] != SHA256_WITH_RSA_OID_DER:
        raise InvalidInput("the certificate is not signed with sha256WithRSAEncryption")
    oid_end = alg_body + len(SHA256_WITH_RSA_OID_DER)
    return tbs[:alg_body] + SHA1_WITH_RSA_OID_DER + tbs[oid_end:]


def resign_with_sha1(certificate: x509.Certificate, issuer_key: object) -> x509.Certificate:
    """Return ``certificate`` re-signed by ``issuer_key`` with SHA-1 (INSECURE).

    Args:
        certificate: a certificate signed with SHA-256 and RSA by ``issuer_key``.
        issuer_key: the issuer's RSA private key.

    Raises:
        UsageError: the issuer key is not RSA (this lab flaw is RSA-only).
        InvalidInput: the certificate is not sha256WithRSAEncryption.
    """
    if not isinstance(issuer_key, rsa.RSAPrivateKey):
        raise UsageError(
            "the SHA-1 flaw is RSA-only: the CA's key must be RSA (make one with --key-type rsa2048)"
        )
    tbs = swap_signature_algorithm(certificate.tbs_certificate_bytes)
    signature = issuer_key.sign(tbs, padding.PKCS1v15(), hashes.SHA1())  # SHA-1 on purpose
    bit_string = der_tlv(0x03, b"\x00" + signature)
    der = der_tlv(0x30, tbs + SHA1_WITH_RSA_ALGORITHM_DER + bit_string)
    return x509.load_der_x509_certificate(der)


__all__ = [
    "INSECURE_NOTE",
    "SHA1_WITH_RSA_ALGORITHM_DER",
    "SHA1_WITH_RSA_OID_DER",
    "SHA256_WITH_RSA_OID_DER",
    "der_length",
    "der_tlv",
    "read_tlv",
    "resign_with_sha1",
    "swap_signature_algorithm",
]
