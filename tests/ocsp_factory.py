"""OCSP material the revocation tests build with cryptography: a CA, a leaf, requests and responses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from tests.inspect_factory import NOW, ec_key, make_cert, rsa_key


@dataclass(frozen=True)
class Pki:
    """A root that issued one leaf, with the root's key (to sign OCSP answers)."""

    root: x509.Certificate
    leaf: x509.Certificate
    root_key: object


@cache
def pki() -> Pki:
    """Root (RSA) -> leaf (EC), valid around :data:`NOW`."""
    key = rsa_key()
    root = make_cert("OCSP Test Root", key=key, ca=True, serial=1,
                     key_usage={"key_cert_sign": True, "crl_sign": True, "digital_signature": True})
    leaf = make_cert("leaf.example.net", issuer="OCSP Test Root", key=ec_key(), signer=key, serial=0x1A2B,
                     ca=False, san=["leaf.example.net"])
    return Pki(root, leaf, key)


def request_der(nonce: bytes | None = b"\x01" * 16) -> bytes:
    """An OCSP request for the leaf (SHA-1 CertID, as openssl makes by default)."""
    p = pki()
    builder = ocsp.OCSPRequestBuilder().add_certificate(p.leaf, p.root, hashes.SHA1())
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(serialization.Encoding.DER)


def response_der(
    status: ocsp.OCSPCertStatus = ocsp.OCSPCertStatus.GOOD,
    *,
    nonce: bytes | None = b"\x01" * 16,
    now: dt.datetime = NOW,
    next_days: int = 7,
    reason: x509.ReasonFlags | None = None,
    with_certs: bool = True,
) -> bytes:
    """A successful OCSP response for the leaf, signed by the root (the root carried when ``with_certs``)."""
    p = pki()
    revoked_at = now - dt.timedelta(days=2) if status == ocsp.OCSPCertStatus.REVOKED else None
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response(
            cert=p.leaf, issuer=p.root, algorithm=hashes.SHA1(), cert_status=status,
            this_update=now - dt.timedelta(hours=1), next_update=now + dt.timedelta(days=next_days),
            revocation_time=revoked_at, revocation_reason=reason,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, p.root)
    )
    if with_certs:
        builder = builder.certificates([p.root])
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    response = builder.sign(p.root_key, hashes.SHA256())  # type: ignore[arg-type]
    return response.public_bytes(serialization.Encoding.DER)


def tampered_signature(der: bytes) -> bytes:
    """``der`` with one bit of its signature flipped."""
    signature = ocsp.load_der_ocsp_response(der).signature
    at = der.index(signature)
    return der[:at] + bytes([signature[0] ^ 0x01]) + der[at + 1:]


def undelegated_response_der() -> tuple[bytes, x509.Certificate]:
    """A good answer for the leaf signed by a certificate the root issued *without* id-kp-OCSPSigning
    (carried in the response): a responder the CA never authorised. Returns it and that certificate."""
    p = pki()
    key = ec_key()
    signer = make_cert("Not A Responder", issuer="OCSP Test Root", key=key, signer=p.root_key, serial=77,
                       ca=False)
    response = (
        ocsp.OCSPResponseBuilder()
        .add_response(cert=p.leaf, issuer=p.root, algorithm=hashes.SHA1(),
                      cert_status=ocsp.OCSPCertStatus.GOOD, this_update=NOW - dt.timedelta(hours=1),
                      next_update=NOW + dt.timedelta(days=7), revocation_time=None, revocation_reason=None)
        .responder_id(ocsp.OCSPResponderEncoding.HASH, signer)
        .certificates([signer])
        .sign(key, hashes.SHA256())
    )
    return response.public_bytes(serialization.Encoding.DER), signer


def wrong_cert_id_response_der() -> bytes:
    """A good answer signed by the root about the leaf's serial, but whose certID's issuer key hash is
    not the root's: it is about another certificate with the same serial."""
    p = pki()
    right = ocsp.load_der_ocsp_response(response_der(with_certs=False))
    response = (
        ocsp.OCSPResponseBuilder()
        .add_response_by_hash(right.issuer_name_hash, b"\x00" * 20, p.leaf.serial_number, hashes.SHA1(),
                              ocsp.OCSPCertStatus.GOOD, NOW - dt.timedelta(hours=1),
                              NOW + dt.timedelta(days=7), None, None)
        .responder_id(ocsp.OCSPResponderEncoding.HASH, p.root)
        .sign(p.root_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return response.public_bytes(serialization.Encoding.DER)


def unsuccessful_der(status: ocsp.OCSPResponseStatus = ocsp.OCSPResponseStatus.UNAUTHORIZED) -> bytes:
    """A response that answers nothing (unauthorized, malformedRequest...)."""
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(serialization.Encoding.DER)


def garbage_response() -> bytes:
    """A well-formed OCSPResponse (successful, id-pkix-ocsp-basic) whose BasicOCSPResponse is garbage."""
    from tlsexplorer.core.der import encode_oid, encode_tlv

    body = encode_tlv(0x30, encode_tlv(0x06, encode_oid("1.3.6.1.5.5.7.48.1.1"))
                      + encode_tlv(0x04, b"\x30\x03garbage"))
    return encode_tlv(0x30, b"\x0a\x01\x00" + encode_tlv(0xA0, body))


def pem(der: bytes, label: str) -> bytes:
    """DER in a PEM block."""
    import base64

    body = base64.encodebytes(der).decode()
    return f"-----BEGIN {label}-----\n{body}-----END {label}-----\n".encode()


__all__ = [
    "NOW",
    "Pki",
    "garbage_response",
    "pem",
    "pki",
    "request_der",
    "response_der",
    "tampered_signature",
    "undelegated_response_der",
    "unsuccessful_der",
    "wrong_cert_id_response_der",
]
