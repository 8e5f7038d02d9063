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

from tlsexplorer.core.der import encode_oid, encode_tlv, read_tlv
from tlsexplorer.core.errors import InvalidInput, UsageError

#: DER of OBJECT IDENTIFIER 1.2.840.113549.1.1.11 (sha256WithRSAEncryption): 06092a864886f70d01010b.
SHA256_WITH_RSA_OID_DER = encode_tlv(0x06, encode_oid("1.2.840.113549.1.1.11"))
#: DER of OBJECT IDENTIFIER 1.2.840.113549.1.1.5 (sha1WithRSAEncryption): 06092a864886f70d010105.
SHA1_WITH_RSA_OID_DER = encode_tlv(0x06, encode_oid("1.2.840.113549.1.1.5"))
#: DER of AlgorithmIdentifier { sha1WithRSAEncryption, NULL }.
SHA1_WITH_RSA_ALGORITHM_DER = encode_tlv(0x30, SHA1_WITH_RSA_OID_DER + encode_tlv(0x05, b""))

INSECURE_NOTE = (
    "INSECURE ON PURPOSE: signed with SHA-1, which is broken for signatures; "
    "every modern client rejects it."
)
"""What screens and CLI output say next to a SHA-1 certificate."""


def swap_signature_algorithm(tbs: bytes) -> bytes:
    """Replace the TBS's inner signature algorithm sha256WithRSA by sha1WithRSA.

    The OID is located structurally (the element after version and serial),
    not by searching the bytes, so an extension that happens to contain the
    same bytes is left alone.

    Raises:
        InvalidInput: the TBS is not signed with sha256WithRSAEncryption.
    """
    tag, body, end = read_tlv(tbs, 0)
    if tag != 0x30:
        raise InvalidInput("a TBSCertificate is a SEQUENCE")
    pos = body
    tag, _start, after = read_tlv(tbs, pos, end)
    if tag == 0xA0:  # [0] EXPLICIT version
        pos = after
        tag, _start, after = read_tlv(tbs, pos, end)
    if tag != 0x02:
        raise InvalidInput("expected the serial number INTEGER")
    pos = after
    tag, alg_body, alg_end = read_tlv(tbs, pos, end)
    if tag != 0x30 or not tbs[alg_body:alg_end].startswith(SHA256_WITH_RSA_OID_DER):
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
    bit_string = encode_tlv(0x03, b"\x00" + signature)
    der = encode_tlv(0x30, tbs + SHA1_WITH_RSA_ALGORITHM_DER + bit_string)
    return x509.load_der_x509_certificate(der)


__all__ = [
    "INSECURE_NOTE",
    "SHA1_WITH_RSA_ALGORITHM_DER",
    "SHA1_WITH_RSA_OID_DER",
    "SHA256_WITH_RSA_OID_DER",
    "resign_with_sha1",
    "swap_signature_algorithm",
]
