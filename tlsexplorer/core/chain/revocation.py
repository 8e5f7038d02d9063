"""Revocation: is a certificate withdrawn? Its CRLs and its OCSP responder, every step explained.

A certificate can be valid in every field and still be revoked; the library's
verifier does not ask. Given a certificate, its issuer, the time and CRLs
(PEM or DER bytes) and/or an OCSP responder's URL, this module decides
``good``, ``revoked`` (when, why) or ``unknown`` (and why), and lists every
step the way the chain's checklist does:

- a CRL: its issuer (the certificate's issuer, by name and key identifier),
  its signature (by the issuer's key, which may sign CRLs), thisUpdate and
  nextUpdate at the chosen time, its scope (an issuing distribution point
  must match the certificate's CRL distribution point, and cover its kind),
  and the certificate's entry with its reason;
- an OCSP answer (:func:`check_ocsp_response`, usable alone by the Inspector
  and the TLS probe's stapled answers): its signature, whether the responder
  may answer (the CA itself, or a delegated signer the CA issued with
  id-kp-OCSPSigning), the certID, the nonce, freshness and the status.

Downloads (CRL distribution points, OCSP POSTs) go through
:func:`tlsexplorer.core.fetch.fetch`: http only, bounded in size and time. A
bad CRL, a responder that is down, stalls or answers garbage is a finding and
an unknown status, never an exception.
"""

from __future__ import annotations

import binascii
import contextlib
import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    ExtensionOID,
    SignatureAlgorithmOID,
)

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.chain.model import Finding, RevocationCheck
from tlsexplorer.core.chain.names import same_name
from tlsexplorer.core.der import encode_integer, read_tlv
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.files import check_size
from tlsexplorer.core.text import printable
from tlsexplorer.core.timeutil import as_utc, format_iso8601

#: How far an OCSP answer's thisUpdate may lie in the future (clocks differ), as openssl allows.
CLOCK_SKEW = dt.timedelta(minutes=5)
#: Seconds for each download (:data:`tlsexplorer.core.fetch.DEFAULT_TIMEOUT`; that module, and
#: http.client with it, is imported only when something is downloaded).
DEFAULT_TIMEOUT = 10.0
#: The largest OCSP answer read (a real one is a few kB).
MAX_OCSP_BYTES = 64 * 1024



@dataclass(frozen=True)
class Crl:
    """A CRL read from a file, a download or memory, or why it could not be read."""

    where: str
    """Its file name or URL."""
    crl: x509.CertificateRevocationList | None
    """The CRL (None: unreadable)."""
    problem: str | None = None
    """Why it could not be read."""
    der: bytes = b""
    """Its DER (its signed part is checked from it, without re-encoding 200,000 entries)."""


def _pem_crls(data: bytes) -> list[bytes]:
    """The base64 bodies of the X509 CRL blocks of ``data`` (str.find: fast on a 10 MB CRL)."""
    begin, end = b"-----BEGIN X509 CRL-----", b"-----END X509 CRL-----"
    found: list[bytes] = []
    at = data.find(begin)
    while at >= 0:
        stop = data.find(end, at)
        if stop < 0:
            break
        found.append(data[at + len(begin) : stop])
        at = data.find(begin, stop)
    return found


def _base64(block: bytes) -> bytes:
    """Decode a PEM body: strictly (fast) once line ends are gone, else leniently."""
    try:
        joined = block.replace(b"\n", b"").replace(b"\r", b"")
        return binascii.a2b_base64(joined, strict_mode=True)  # type: ignore[call-arg]
    except binascii.Error:
        return binascii.a2b_base64(block)


def read_crls(data: bytes, where: str) -> list[Crl]:
    """Every CRL in ``data`` (PEM with any number of CRL blocks, or DER); an unreadable one is a
    :class:`Crl` with its problem, so that the check it was meant for says why."""
    check_size(len(data), where)
    blocks = _pem_crls(data) if b"-----BEGIN" in data else None
    if blocks is None:
        ders = [data]
    elif not blocks:
        return [Crl(where, None, "it holds no X509 CRL block (is it a CRL?)")]
    else:
        ders = []
        for block in blocks:
            try:
                ders.append(_base64(block))
            except (binascii.Error, ValueError):
                return [Crl(where, None, "its PEM block is damaged (the base64 does not decode)")]
    out: list[Crl] = []
    for der in ders:
        try:
            crl = x509.load_der_x509_crl(der)
            crl.issuer  # noqa: B018  (read now: a damaged name fails here, not later)
            out.append(Crl(where, crl, der=der))
        except Exception as exc:  # the library fails in ways it does not document
            out.append(Crl(where, None, f"not a readable CRL: {safe.explain(exc)}"))
    return out


def _reason_name(reason: x509.ReasonFlags | None) -> str:
    return "unspecified" if reason is None else reason.value


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except Exception:
        return False


def _key_id(cert: x509.Certificate) -> bytes | None:
    try:
        return x509.SubjectKeyIdentifier.from_public_key(cert.public_key()).digest
    except Exception:
        return None


def _ext(obj: x509.Certificate | x509.CertificateRevocationList, cls: type[x509.ExtensionType]) -> object:
    """The value of one extension, None when absent or unreadable."""
    try:
        return obj.extensions.get_extension_for_class(cls).value
    except Exception:
        return None


def crl_urls(cert: x509.Certificate) -> tuple[str, ...]:
    """The http URLs of ``cert``'s CRL distribution points."""
    found = _ext(cert, x509.CRLDistributionPoints)
    if not isinstance(found, x509.CRLDistributionPoints):
        return ()
    return tuple(
        name.value
        for point in found
        for name in point.full_name or ()
        if isinstance(name, x509.UniformResourceIdentifier) and name.value.lower().startswith("http://")
    )


def ocsp_urls(cert: x509.Certificate) -> tuple[str, ...]:
    """The OCSP responder URLs of ``cert``'s authority information access."""
    found = _ext(cert, x509.AuthorityInformationAccess)
    if not isinstance(found, x509.AuthorityInformationAccess):
        return ()
    return tuple(
        d.access_location.value
        for d in found
        if d.access_method == AuthorityInformationAccessOID.OCSP
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
    )


# ---------------------------------------------------------------------------
# CRLs.


def _tbs(der: bytes) -> bytes | None:
    """The signed part (the first element) of a DER CRL, as it was read."""
    try:
        _, body, end = read_tlv(der, 0)
        _, _, tbs_end = read_tlv(der, body, end)
    except InvalidInput:
        return None
    return der[body:tbs_end]


def _crl_signature(item: Crl, issuer: x509.Certificate) -> str | None:
    """Why ``issuer`` did not sign the CRL of ``item`` (None: it did, and may sign CRLs)."""
    crl = item.crl
    assert crl is not None
    try:
        key = issuer.public_key()
        tbs = _tbs(item.der) if item.der else None
        if tbs is not None and crl.signature_algorithm_oid != SignatureAlgorithmOID.RSASSA_PSS:
            # The bytes as read: the library's own check re-encodes every entry first.
            try:
                _verify_signature(key, crl.signature, tbs, crl.signature_hash_algorithm)
                valid = True
            except InvalidSignature:
                valid = False
        else:
            valid = crl.is_signature_valid(key)  # type: ignore[arg-type]
        if not valid:
            return "the signature does not verify with the issuer's key: another key signed this CRL"
    except Exception as exc:  # unsupported key or algorithm
        return f"the signature cannot be checked: {safe.explain(exc)}"
    usage = _ext(issuer, x509.KeyUsage)
    if isinstance(usage, x509.KeyUsage) and not usage.crl_sign:
        return "the issuer's key usage does not include cRLSign: it may not sign CRLs"
    return None


def _entry(item: Crl, serial: int) -> x509.RevokedCertificate | None:
    """The CRL's entry for ``serial``, None when it is not listed.

    The library reads every entry when it loads a CRL and refuses any INTEGER not in its one DER
    encoding, so a listed serial's encoding is among the CRL's bytes: when ``bytes.find`` (C,
    a few milliseconds on 200,000 entries) does not find it, it is not listed, without the
    library's walk over every entry. When it is found, the library looks it up.
    """
    crl = item.crl
    assert crl is not None
    if item.der and encode_integer(serial) not in item.der:
        return None
    return crl.get_revoked_certificate_by_serial_number(serial)


def _scope(crl: x509.CertificateRevocationList, cert: x509.Certificate) -> str | None:
    """Why ``crl`` does not cover ``cert`` (None: it does)."""
    try:
        extensions = crl.extensions
    except Exception as exc:
        return f"its extensions cannot be read: {safe.explain(exc)}"
    for extension in extensions:
        if extension.oid == ExtensionOID.DELTA_CRL_INDICATOR:
            return "it is a delta CRL (only changes since a base CRL); give the full CRL"
        known = (
            ExtensionOID.ISSUING_DISTRIBUTION_POINT,
            ExtensionOID.CRL_NUMBER,
            ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
            ExtensionOID.FRESHEST_CRL,
            ExtensionOID.AUTHORITY_INFORMATION_ACCESS,
            ExtensionOID.ISSUER_ALTERNATIVE_NAME,
        )
        if extension.critical and extension.oid not in known:
            return f"it has a critical extension not understood here ({extension.oid.dotted_string})"
    idp = _ext(crl, x509.IssuingDistributionPoint)
    if not isinstance(idp, x509.IssuingDistributionPoint):
        return None
    if idp.indirect_crl:
        return "it is an indirect CRL (entries of other issuers), which is not supported here"
    if idp.only_some_reasons:
        return "it covers only some revocation reasons, so it cannot say the certificate is good"
    if idp.only_contains_attribute_certs:
        return "it covers attribute certificates only"
    if idp.only_contains_ca_certs and not _is_ca(cert):
        return "it covers CA certificates only, and this is no CA"
    if idp.only_contains_user_certs and _is_ca(cert):
        return "it covers end-entity certificates only, and this is a CA"
    if idp.full_name:
        points = _ext(cert, x509.CRLDistributionPoints)
        theirs = (
            {n for p in points for n in p.full_name or ()}
            if isinstance(points, x509.CRLDistributionPoints)
            else set()
        )
        if not theirs.intersection(idp.full_name):
            wanted = ", ".join(printable(str(getattr(n, "value", n))) for n in idp.full_name)
            mine = ", ".join(printable(str(getattr(n, "value", n))) for n in theirs) or "none"
            return (
                f"its issuing distribution point ({wanted}) is not the certificate's CRL "
                f"distribution point ({mine}): it is the CRL of another partition"
            )
    return None


def check_crl(
    cert: x509.Certificate, issuer: x509.Certificate, crls: Sequence[Crl], *, at: dt.datetime, index: int = 0
) -> RevocationCheck:
    """Check ``cert`` against the CRLs of its issuer among ``crls``, at time ``at``.

    The first CRL that passes every step decides; when none does, the status is unknown and the
    steps of the closest one say why.
    """
    when = as_utc(at)
    issuer_name = safe.name_string(issuer)
    unreadable = [c for c in crls if c.crl is None]
    candidates = [c for c in crls if c.crl is not None and same_name(c.crl.issuer, cert.issuer)]
    if not candidates:
        steps: list[Finding] = [
            Finding(index, "crl_read", False, f"{c.where}: {c.problem}") for c in unreadable
        ]
        why = f"no CRL issued by {issuer_name} was given"
        others = [c for c in crls if c.crl is not None]
        if others:
            issuers = sorted({safe.name_string(c.crl, "issuer") for c in others if c.crl is not None})
            why += f" (the CRLs given are issued by {', '.join(issuers)})"
        steps.append(
            Finding(
                index,
                "crl_issuer",
                False,
                why + ".",
                "Give the issuer's CRL (--crl FILE) or download it from the certificate's "
                "CRL distribution point (--fetch).",
            )
        )
        return RevocationCheck(
            index,
            "crl",
            "unknown",
            why,
            None,
            f"status unknown: {why}",
            unreadable[0].where if unreadable and not others else "",
            tuple(steps),
        )
    best: RevocationCheck | None = None
    for candidate in candidates:
        result = _one_crl(cert, issuer, candidate, when, index)
        if result.status != "unknown":
            return result
        if best is None or len(result.steps) > len(best.steps):
            best = result
    assert best is not None
    return best


def _one_crl(
    cert: x509.Certificate, issuer: x509.Certificate, item: Crl, when: dt.datetime, index: int
) -> RevocationCheck:
    crl = item.crl
    assert crl is not None
    steps: list[Finding] = []

    def unknown(check: str, why: str, fix: str) -> RevocationCheck:
        steps.append(Finding(index, check, False, f"{why}.", fix))
        return RevocationCheck(
            index,
            "crl",
            "unknown",
            why,
            None,
            f"status unknown: {why} ({item.where})",
            item.where,
            tuple(steps),
        )

    issuer_name = safe.name_string(issuer)
    aki = _ext(crl, x509.AuthorityKeyIdentifier)
    own = _key_id(issuer)
    if (
        isinstance(aki, x509.AuthorityKeyIdentifier)
        and aki.key_identifier
        and own is not None
        and aki.key_identifier != own
    ):
        return unknown(
            "crl_issuer",
            f"{item.where} names {issuer_name} as its issuer, but its authority key "
            f"identifier {aki.key_identifier.hex()} is another key's (the issuer's is {own.hex()})",
            "Give the CRL of this issuer's current key.",
        )
    steps.append(
        Finding(
            index,
            "crl_issuer",
            True,
            f"{item.where} is issued by {issuer_name}, the "
            "certificate's issuer" + (", key identifier matching" if aki else "") + ".",
        )
    )
    problem = _crl_signature(item, issuer)
    if problem is not None:
        return unknown("crl_signature", problem, "Get the CRL the certificate's issuer signed itself.")
    steps.append(
        Finding(
            index,
            "crl_signature",
            True,
            f"signed by the issuer's key ({safe.algorithm_name(crl.signature_algorithm_oid)}), "
            "which may sign CRLs.",
        )
    )
    this_update = crl.last_update_utc
    next_update = crl.next_update_utc
    if this_update > when:
        return unknown(
            "crl_time",
            f"the CRL's thisUpdate {format_iso8601(this_update)} is after the time "
            f"checked, {format_iso8601(when)}: it is not valid yet",
            "Use a CRL from before that time.",
        )
    if next_update is not None and next_update < when:
        return unknown(
            "crl_time",
            f"the CRL expired: its nextUpdate {format_iso8601(next_update)} is before "
            f"the time checked, {format_iso8601(when)}",
            "Download a fresh CRL (--fetch), or ask the CA to publish one.",
        )
    until = f"nextUpdate {format_iso8601(next_update)}" if next_update else "no nextUpdate given"
    steps.append(
        Finding(
            index,
            "crl_time",
            True,
            f"thisUpdate {format_iso8601(this_update)}, {until}: current at {format_iso8601(when)}.",
        )
    )
    problem = _scope(crl, cert)
    if problem is not None:
        return unknown(
            "crl_scope", problem, "Give the CRL named by the certificate's CRL distribution point."
        )
    idp = _ext(crl, x509.IssuingDistributionPoint)
    steps.append(
        Finding(
            index,
            "crl_scope",
            True,
            "its issuing distribution point matches the certificate's CRL distribution point."
            if idp
            else "it has no issuing distribution point: it covers every certificate of its issuer.",
        )
    )
    entry = _entry(item, cert.serial_number)
    serial = f"{cert.serial_number:x}"
    if entry is None:
        steps.append(Finding(index, "crl_entry", True, f"serial {serial} is not listed: not revoked."))
        return RevocationCheck(
            index, "crl", "good", None, None, f"not revoked ({item.where})", item.where, tuple(steps)
        )
    try:
        reason_ext = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    except x509.ExtensionNotFound:
        reason_ext = None
    except Exception as exc:
        reason_ext = None
        steps.append(
            Finding(index, "crl_entry", False, f"the entry's extensions cannot be read: {safe.explain(exc)}")
        )
    if reason_ext == x509.ReasonFlags.remove_from_crl:
        steps.append(
            Finding(
                index,
                "crl_entry",
                True,
                f"serial {serial} is listed as removeFromCRL: a hold was lifted, not revoked.",
            )
        )
        return RevocationCheck(
            index, "crl", "good", None, None, f"not revoked ({item.where})", item.where, tuple(steps)
        )
    revoked_at = entry.revocation_date_utc
    reason = _reason_name(reason_ext)
    steps.append(
        Finding(
            index,
            "crl_entry",
            False,
            f"serial {serial} is listed: revoked on {format_iso8601(revoked_at)} ({reason}).",
            "Replace the certificate: a revoked certificate stays revoked"
            + (" (certificateHold can be lifted by the CA)." if reason == "certificateHold" else "."),
        )
    )
    return RevocationCheck(
        index,
        "crl",
        "revoked",
        reason,
        revoked_at,
        f"revoked on {format_iso8601(revoked_at)} ({reason})",
        item.where,
        tuple(steps),
    )


# ---------------------------------------------------------------------------
# OCSP.


def _verify_signature(
    key: object, signature: bytes, data: bytes, algorithm: hashes.HashAlgorithm | None
) -> None:
    """Raise InvalidSignature (or an error) unless ``signature`` over ``data`` verifies with ``key``."""
    if isinstance(key, rsa.RSAPublicKey) and algorithm is not None:
        key.verify(signature, data, padding.PKCS1v15(), algorithm)
    elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm is not None:
        key.verify(signature, data, ec.ECDSA(algorithm))
    elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        key.verify(signature, data)
    else:
        raise UnsupportedAlgorithm("a key or signature algorithm not supported here")


def _signed_by(response: ocsp.OCSPResponse, cert: x509.Certificate) -> bool:
    """Whether ``response`` names ``cert`` as its responder (by key hash or by name)."""
    if response.responder_key_hash is not None:
        return response.responder_key_hash == _key_id(cert)
    name = response.responder_name
    return name is not None and same_name(name, cert.subject)


def _cert_id(
    cert: x509.Certificate, issuer: x509.Certificate, algorithm: hashes.HashAlgorithm
) -> tuple[bytes, bytes] | None:
    """(issuerNameHash, issuerKeyHash) of ``cert`` with ``algorithm``, as a request would carry them."""
    try:
        request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, algorithm).build()
    except Exception:
        return None
    return request.issuer_name_hash, request.issuer_key_hash


def _responder(
    response: ocsp.OCSPResponse, issuer: x509.Certificate, when: dt.datetime, index: int, steps: list[Finding]
) -> tuple[x509.Certificate | None, str]:
    """The certificate that may have signed ``response``, or None with why none may."""
    if _signed_by(response, issuer):
        steps.append(
            Finding(
                index, "ocsp_responder", True, f"the responder is the CA itself, {safe.name_string(issuer)}."
            )
        )
        return issuer, ""
    named = [c for c in response.certificates if _signed_by(response, c)]
    if not named:
        return None, (
            "the responder is neither the CA nor a certificate included in the answer, so "
            "nothing says it may answer for this CA"
        )
    signer = named[0]
    who = safe.name_string(signer)
    if not same_name(signer.issuer, issuer.subject):
        return None, f"the responder {who} was not issued by the CA ({safe.name_string(issuer)})"
    try:
        signer.verify_directly_issued_by(issuer)
    except Exception:
        return None, f"the responder certificate {who} names the CA as issuer, but the CA did not sign it"
    eku = _ext(signer, x509.ExtendedKeyUsage)
    if not isinstance(eku, x509.ExtendedKeyUsage) or ExtendedKeyUsageOID.OCSP_SIGNING not in eku:
        return None, (
            f"the responder {who} was issued by the CA but without id-kp-OCSPSigning: the CA "
            "did not delegate OCSP to it"
        )
    if not signer.not_valid_before_utc <= when <= signer.not_valid_after_utc:
        return None, f"the responder certificate {who} is not valid at {format_iso8601(when)}"
    nocheck = _ext(signer, x509.OCSPNoCheck) is not None
    steps.append(
        Finding(
            index,
            "ocsp_responder",
            True,
            f"a delegated responder, {who}: issued by the CA "
            "with id-kp-OCSPSigning" + (", and ocsp-nocheck." if nocheck else "."),
        )
    )
    return signer, ""


def check_ocsp_response(
    data: bytes | ocsp.OCSPResponse,
    cert: x509.Certificate,
    issuer: x509.Certificate,
    *,
    at: dt.datetime,
    nonce: bytes | None = None,
    where: str = "the OCSP answer",
    index: int = 0,
) -> RevocationCheck:
    """Check an OCSP answer about ``cert`` (issued by ``issuer``) at time ``at``: the signature, the
    responder's authority, the certID, ``nonce`` (when one was sent), freshness and the status.

    Every problem is a failed step and an unknown status; nothing raises. Used by verification, the
    Inspector and the TLS probe (stapled answers).
    """
    when = as_utc(at)
    steps: list[Finding] = []

    def unknown(check: str, why: str, fix: str | None = None) -> RevocationCheck:
        steps.append(Finding(index, check, False, f"{why}.", fix))
        return RevocationCheck(
            index, "ocsp", "unknown", why, None, f"status unknown: {why} ({where})", where, tuple(steps)
        )

    if isinstance(data, ocsp.OCSPResponse):
        response = data
    else:
        try:
            response = ocsp.load_der_ocsp_response(data)
        except Exception as exc:
            return unknown(
                "ocsp_answer",
                f"the answer is not an OCSP response ({safe.explain(exc)})",
                "Check the responder's URL: this is what it sent back.",
            )
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        return unknown(
            "ocsp_answer",
            f"the responder refused to answer: {response.response_status.name}",
            "Ask the CA: its responder does not answer for this certificate.",
        )
    try:
        produced = response.produced_at_utc
        tbs, signature = response.tbs_response_bytes, response.signature
        algorithm = response.signature_hash_algorithm
        extensions = response.extensions
        singles = list(response.responses)
    except Exception as exc:
        return unknown("ocsp_answer", f"the answer cannot be read ({safe.explain(exc)})")
    steps.append(
        Finding(index, "ocsp_answer", True, f"a successful answer, produced at {format_iso8601(produced)}.")
    )

    signer, why = _responder(response, issuer, when, index, steps)
    if signer is None:
        return unknown(
            "ocsp_responder",
            why,
            "Use the CA's own key or a responder certificate the CA issued with id-kp-OCSPSigning.",
        )
    try:
        _verify_signature(signer.public_key(), signature, tbs, algorithm)
    except InvalidSignature:
        return unknown(
            "ocsp_signature",
            "the signature does not verify with the responder's key: the answer "
            "was altered or signed by another key",
        )
    except Exception as exc:
        return unknown("ocsp_signature", f"the signature cannot be checked ({safe.explain(exc)})")
    steps.append(
        Finding(
            index,
            "ocsp_signature",
            True,
            f"signed by {safe.name_string(signer)}'s key "
            f"({safe.algorithm_name(response.signature_algorithm_oid)}).",
        )
    )

    single = None
    for candidate in singles:
        expected = _cert_id(cert, issuer, candidate.hash_algorithm)
        if candidate.serial_number == cert.serial_number and expected == (
            candidate.issuer_name_hash,
            candidate.issuer_key_hash,
        ):
            single = candidate
            break
    if single is None:
        return unknown(
            "ocsp_cert_id",
            f"the answer is about another certificate: no certID with serial "
            f"{cert.serial_number:x} and this issuer's name and key hashes",
        )
    steps.append(
        Finding(
            index,
            "ocsp_cert_id",
            True,
            f"the certID matches: serial {cert.serial_number:x}, "
            f"the issuer's name and key hashes ({single.hash_algorithm.name}).",
        )
    )

    if nonce is not None:
        echoed = None
        with contextlib.suppress(x509.ExtensionNotFound):
            echoed = extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
        if echoed is None:
            steps.append(
                Finding(
                    index,
                    "ocsp_nonce",
                    True,
                    "the responder did not echo the nonce (many do not; freshness rests on thisUpdate).",
                )
            )
        elif echoed != nonce:
            return unknown(
                "ocsp_nonce", "the nonce in the answer is not the one sent: an old answer replayed"
            )
        else:
            steps.append(
                Finding(index, "ocsp_nonce", True, "the nonce sent was echoed: the answer is fresh.")
            )

    this_update, next_update = single.this_update_utc, single.next_update_utc
    if this_update > when + CLOCK_SKEW:
        return unknown(
            "ocsp_freshness",
            f"thisUpdate {format_iso8601(this_update)} is after the time checked, {format_iso8601(when)}",
        )
    if next_update is not None and next_update < when:
        return unknown(
            "ocsp_freshness",
            f"the answer is stale: nextUpdate {format_iso8601(next_update)} is before {format_iso8601(when)}",
            "Ask the responder again.",
        )
    until = f"nextUpdate {format_iso8601(next_update)}" if next_update else "no nextUpdate"
    steps.append(
        Finding(index, "ocsp_freshness", True, f"thisUpdate {format_iso8601(this_update)}, {until}.")
    )

    status = single.certificate_status
    if status == ocsp.OCSPCertStatus.GOOD:
        steps.append(Finding(index, "ocsp_status", True, "good: not revoked."))
        return RevocationCheck(
            index, "ocsp", "good", None, None, f"not revoked ({where})", where, tuple(steps)
        )
    if status == ocsp.OCSPCertStatus.UNKNOWN:
        return unknown(
            "ocsp_status",
            "the responder does not know this certificate",
            "Ask the CA: its responder has no record of this serial.",
        )
    revoked_at = single.revocation_time_utc or this_update
    reason = _reason_name(single.revocation_reason)
    steps.append(
        Finding(
            index,
            "ocsp_status",
            False,
            f"revoked on {format_iso8601(revoked_at)} ({reason}).",
            "Replace the certificate.",
        )
    )
    return RevocationCheck(
        index,
        "ocsp",
        "revoked",
        reason,
        revoked_at,
        f"revoked on {format_iso8601(revoked_at)} ({reason})",
        where,
        tuple(steps),
    )


def ask_ocsp(
    cert: x509.Certificate,
    issuer: x509.Certificate,
    url: str,
    *,
    at: dt.datetime,
    timeout: float = DEFAULT_TIMEOUT,
    index: int = 0,
    nonce: bytes | None = None,
) -> RevocationCheck:
    """POST an OCSP request about ``cert`` (SHA-1 certID, a nonce) to ``url`` and check the answer."""
    nonce = os.urandom(16) if nonce is None else nonce
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(cert, issuer, hashes.SHA1())
        .add_extension(x509.OCSPNonce(nonce), critical=False)
        .build()
    )
    from cryptography.hazmat.primitives.serialization import Encoding

    from tlsexplorer.core.fetch import FetchError, fetch

    try:
        answer = fetch(
            url,
            data=request.public_bytes(Encoding.DER),
            content_type="application/ocsp-request",
            accept="application/ocsp-response",
            timeout=timeout,
            max_bytes=MAX_OCSP_BYTES,
            use_cache=False,
        )
    except FetchError as exc:
        why = f"the responder did not answer: {exc}"
        finding = Finding(index, "ocsp_answer", False, why + ".", "Try again later, or check with a CRL.")
        return RevocationCheck(index, "ocsp", "unknown", why, None, f"status unknown: {why}", url, (finding,))
    return check_ocsp_response(answer.body, cert, issuer, at=at, nonce=nonce, where=url, index=index)


def download_crls_at(url: str, timeout: float = DEFAULT_TIMEOUT) -> tuple[list[Crl], list[str]]:
    """The CRLs downloaded from ``url``, and why the download failed (one sentence) if it did."""
    from tlsexplorer.core.fetch import FetchError, fetch

    try:
        return read_crls(fetch(url, accept="application/pkix-crl", timeout=timeout).body, url), []
    except (FetchError, InvalidInput) as exc:
        return [], [str(exc)]


__all__ = [
    "CLOCK_SKEW",
    "Crl",
    "ask_ocsp",
    "check_crl",
    "check_ocsp_response",
    "crl_urls",
    "download_crls_at",
    "ocsp_urls",
    "read_crls",
]
