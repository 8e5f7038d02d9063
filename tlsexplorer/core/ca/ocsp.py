"""OCSP answers (RFC 6960) built from the CA's record: good, revoked (time, reason) or unknown.

:func:`answer` reads one DER OCSPRequest and returns the signed
OCSPResponse with what it decided: a request that does not parse gets a
``malformedRequest`` response, one about another CA's certificates an
``unauthorized`` one (RFC 5019), a serial the record does not list
``unknown``. The nonce of the request is echoed; thisUpdate is now,
nextUpdate ``validity`` later. The answer is signed by the CA itself or by a
delegated responder it issued (``ca issue --ocsp-signer``: EKU
id-kp-OCSPSigning and ocsp-nocheck), whose certificate is then included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

import tlsexplorer.core.ca.build as ca
import tlsexplorer.core.ca.registry as registry
import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.der import children, read_tlv
from tlsexplorer.core.errors import InvalidInput, TlsxError, UsageError
from tlsexplorer.core.files import read_file
from tlsexplorer.core.timeutil import as_utc, format_iso8601, utcnow
from tlsexplorer.core.x509.loader import load_certificates

#: How long an answer stays fresh (its nextUpdate - thisUpdate) by default.
DEFAULT_VALIDITY = dt.timedelta(hours=1)

Outcome = Literal["good", "revoked", "unknown", "malformedRequest", "unauthorized", "internalError"]


@dataclass(frozen=True)
class Signer:
    """Who signs the answers: the CA, or a delegated responder it issued."""

    certificate: x509.Certificate
    """The signing certificate."""
    key: ca.PrivateKey
    """Its key."""
    delegated: bool
    """True for a delegated responder (its certificate goes into every answer)."""

    @property
    def description(self) -> str:
        """``the CA`` or ``the delegated responder CN=...``."""
        if not self.delegated:
            return "the CA itself"
        return f"the delegated responder {self.certificate.subject.rfc4514_string()}"


def ca_signer(certificate: x509.Certificate, key: ca.PrivateKey) -> Signer:
    """Answers signed by the CA itself."""
    return Signer(certificate, key, False)


@dataclass(frozen=True)
class SignerChoice:
    """A delegated responder the CA's record lists, by the name ``ca ocsp --signer`` takes."""

    name: str
    """NAME of ``issued/NAME.pem``."""
    entry: registry.Entry
    """Its entry in the record (revoked or not)."""


def issue_signer_command(ca_dir: str | Path, name: str = "NAME") -> str:
    """The command that makes the CA in ``ca_dir`` issue a delegated responder."""
    return f"tlsexplorer ca issue {ca_dir} {name} --ocsp-signer"


def delegated_signers(record: registry.Record) -> tuple[SignerChoice, ...]:
    """The OCSP signers (EKU id-kp-OCSPSigning) the record lists in ``issued/``, in the order issued;
    revoked ones too, which :func:`delegated_signer` refuses."""
    import tlsexplorer.core.ca.store as store

    found: list[SignerChoice] = []
    for entry in record.entries:
        if entry.kind != "ocsp-signer" or entry.file is None or not entry.file.endswith(".pem"):
            continue
        folder, _, file = entry.file.rpartition("/")
        name = file[: -len(".pem")]
        try:  # issued/NAME.pem as 'ca issue' names it (not a key, a chain, or a file put there by hand)
            ours = folder == store.ISSUED and store.issued_paths(record.folder, name).certificate.name == file
        except TlsxError:
            ours = False
        if ours:
            found.append(SignerChoice(name, entry))
    return tuple(found)


def encrypted_signer_key(ca_dir: str | Path, name: str) -> Path | None:
    """The key file of the delegated responder ``name`` when it is encrypted (its passphrase is then
    needed), else None (no such file included: :func:`delegated_signer` says so)."""
    import tlsexplorer.core.ca.store as store

    key_path = store.issued_paths(ca_dir, name).key
    try:
        return key_path if store.is_encrypted_pem(read_file(key_path)) else None
    except TlsxError:
        return None


def delegated_signer(ca_dir: str | Path, name: str, issuer: x509.Certificate,
                     password: bytes | None = None, now: dt.datetime | None = None) -> Signer:
    """The delegated responder ``name`` issued by the CA in ``ca_dir`` (``issued/NAME.pem`` and its key).

    Only the CA's certificate is needed: its key may stay offline.

    Raises:
        FileAccessError: no such files.
        InvalidInput: the certificate is not one this CA issued for OCSP signing (EKU
            id-kp-OCSPSigning), the CA revoked it, it is not valid ``now`` (default: the clock),
            or the key is not its key.
        PasswordRequired / WrongPassword: the key is encrypted.
    """
    import tlsexplorer.core.ca.store as store

    paths = store.issued_paths(ca_dir, name)
    cert = load_certificates(read_file(paths.certificate), str(paths.certificate))[0]
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:
        raise InvalidInput(f"{paths.certificate} was not issued by the CA in {ca_dir}") from None
    if registry.kind_of(cert) != "ocsp-signer":
        raise InvalidInput(f"{paths.certificate} is no OCSP responder certificate (no EKU "
                           "id-kp-OCSPSigning); "
                           f"issue one with '{issue_signer_command(ca_dir, name)}'")
    entry = registry.load_record(ca_dir).find(cert.serial_number)
    if entry is not None and entry.revoked_at is not None:
        why = f" ({entry.reason})" if entry.reason else ""
        raise InvalidInput(
            f"{paths.certificate} was revoked on {format_iso8601(entry.revoked_at)}{why}: clients do not "
            "ask about a responder's own status (ocsp-nocheck), so they would still believe its answers; "
            f"issue a new one with '{issue_signer_command(ca_dir)}'")
    now = now or utcnow()
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        when = (f"expired on {format_iso8601(cert.not_valid_after_utc)}" if now > cert.not_valid_after_utc
                else f"is not valid before {format_iso8601(cert.not_valid_before_utc)}")
        raise InvalidInput(
            f"{paths.certificate} {when}: clients that check the responder's certificate against the "
            "CA (openssl ocsp -CAfile, browsers) refuse the answers it signs; "
            f"issue a new one with '{issue_signer_command(ca_dir)}'")
    key = store.load_private_key(read_file(paths.key), password, f"the responder key {paths.key}")
    if key.public_key() != cert.public_key():
        raise InvalidInput(f"{paths.key} is not the key of {paths.certificate}")
    return Signer(cert, key, True)


@dataclass(frozen=True)
class Answer:
    """One OCSP request answered."""

    outcome: Outcome
    """good, revoked, unknown, or the error status sent instead."""
    response: bytes
    """The DER OCSPResponse sent."""
    serial: int | None = None
    """The serial asked about (None when the request could not be read)."""
    revoked_at: dt.datetime | None = None
    """When it was revoked."""
    reason: str | None = None
    """Why (RFC 5280 name)."""
    nonce: bool = False
    """Whether the request had a nonce (echoed)."""
    detail: str = ""
    """Why a request was refused."""

    def summary(self) -> str:
        """One line for a log: ``serial 1a2b: revoked on ... (keyCompromise)``."""
        subject = f"serial {self.serial:x}" if self.serial is not None else "a request"
        if self.outcome == "revoked" and self.revoked_at is not None:
            why = f" ({self.reason})" if self.reason else ""
            return f"{subject}: revoked on {format_iso8601(self.revoked_at)}{why}"
        return f"{subject}: {self.outcome}" + (f" ({self.detail})" if self.detail else "")


_STATUS = {
    "malformedRequest": ocsp.OCSPResponseStatus.MALFORMED_REQUEST,
    "unauthorized": ocsp.OCSPResponseStatus.UNAUTHORIZED,
    "internalError": ocsp.OCSPResponseStatus.INTERNAL_ERROR,
}


def refusal(outcome: Outcome, detail: str, serial: int | None = None) -> Answer:
    """An unsigned error response (malformedRequest, unauthorized, internalError)."""
    response = ocsp.OCSPResponseBuilder.build_unsuccessful(_STATUS[outcome])
    return Answer(outcome, response.public_bytes(serialization.Encoding.DER), serial, detail=detail)


def issuer_hashes(issuer: x509.Certificate, algorithm: hashes.HashAlgorithm) -> tuple[bytes, bytes]:
    """(issuerNameHash, issuerKeyHash) of a CertID: the hash of the issuer's name, and of its
    public key's BIT STRING contents (RFC 6960 4.1.1)."""
    def digest(data: bytes) -> bytes:
        hasher = hashes.Hash(algorithm)
        hasher.update(data)
        return hasher.finalize()

    spki = issuer.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    _tag, start, end = read_tlv(spki, 0)
    _bit_tag, _whole, value, stop = children(spki, start, end)[1]
    return digest(issuer.subject.public_bytes()), digest(spki[value + 1:stop])


def answer(
    request_der: bytes, record: registry.Record, issuer: x509.Certificate, signer: Signer,
    now: dt.datetime, validity: dt.timedelta = DEFAULT_VALIDITY,
) -> Answer:
    """Answer one DER OCSPRequest about a certificate of ``issuer`` from its ``record``."""
    try:
        request = ocsp.load_der_ocsp_request(request_der)
        serial = request.serial_number
        algorithm = request.hash_algorithm
        name_hash, key_hash = request.issuer_name_hash, request.issuer_key_hash
        nonce = None
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                nonce = extension.value
    except Exception as exc:  # the library refuses hostile requests in ways it does not document
        return refusal("malformedRequest", f"the request cannot be read: {safe.explain(exc)}")
    if (name_hash, key_hash) != issuer_hashes(issuer, algorithm):
        return refusal("unauthorized", "it asks about another CA's certificate", serial)
    entry = record.find(serial)
    start = as_utc(now).replace(microsecond=0)
    if entry is None:
        status, outcome = ocsp.OCSPCertStatus.UNKNOWN, "unknown"
    elif entry.revoked_at is not None:
        status, outcome = ocsp.OCSPCertStatus.REVOKED, "revoked"
    else:
        status, outcome = ocsp.OCSPCertStatus.GOOD, "good"
    revoked_at = entry.revoked_at if entry is not None and outcome == "revoked" else None
    reason = entry.reason if revoked_at is not None and entry is not None else None
    builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
        name_hash, key_hash, serial, algorithm, status, start, start + validity,
        revoked_at, registry.reason_flag(reason),
    ).responder_id(ocsp.OCSPResponderEncoding.HASH, signer.certificate)
    if signer.delegated:
        builder = builder.certificates([signer.certificate])
    if nonce is not None:
        builder = builder.add_extension(nonce, critical=False)
    try:
        response = builder.sign(signer.key, ca.hash_for(signer.key, "sha256"))
    except Exception as exc:
        return refusal("internalError", f"signing failed: {safe.explain(exc)}", serial)
    return Answer(outcome, response.public_bytes(serialization.Encoding.DER), serial,  # type: ignore[arg-type]
                  revoked_at, reason, nonce is not None)


def check_validity(minutes: int) -> dt.timedelta:
    """An answer's freshness from minutes.

    Raises:
        UsageError: not at least one minute.
    """
    if minutes < 1:
        raise UsageError(f"an OCSP answer must stay fresh for at least one minute, not {minutes}")
    return dt.timedelta(minutes=minutes)


__all__ = [
    "DEFAULT_VALIDITY",
    "Answer",
    "Outcome",
    "Signer",
    "SignerChoice",
    "answer",
    "ca_signer",
    "check_validity",
    "delegated_signer",
    "delegated_signers",
    "encrypted_signer_key",
    "issue_signer_command",
    "issuer_hashes",
    "refusal",
]
