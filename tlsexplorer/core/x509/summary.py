"""What each object says: loaded objects turned into the frozen summaries of
:mod:`tlsexplorer.core.x509.model` (certificates, CSRs, CRLs, keys, containers,
OCSP requests and responses).

:func:`summarize` turns a :class:`~tlsexplorer.core.x509.loader.LoadedObject` into
one of :class:`~.model.CertificateInfo`, :class:`~.model.CsrInfo`,
:class:`~.model.CrlInfo`, :class:`~.model.KeyInfo` or :class:`~.model.ContainerInfo`.
Every extension is decoded with its criticality (unknown ones as OID and hex),
fingerprints are lowercase hex, and everything is named through
:mod:`tlsexplorer.core.x509.naming`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.der import certificate_names
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.text import rfc4514
from tlsexplorer.core.timeutil import as_utc, format_iso8601
from tlsexplorer.core.x509.lint import lint_certificate, warning_findings
from tlsexplorer.core.x509.loader import LoadedObject
from tlsexplorer.core.x509.model import (
    CertIdInfo,
    CertificateInfo,
    ContainerInfo,
    CrlInfo,
    CsrInfo,
    ExtensionInfo,
    Finding,
    Info,
    KeyInfo,
    OcspRequestInfo,
    OcspResponseInfo,
    OcspSingleInfo,
    PublicKeyInfo,
    RevokedEntry,
)
from tlsexplorer.core.x509.naming import (
    describe_key,
    eku_names,
    extension_name,
    general_name,
    key_fields,
    key_usage_names,
    oid_name,
    short_name,
)


def public_key_info(key: Any) -> PublicKeyInfo:
    """Describe a cryptography public key."""
    spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    fingerprint = hashlib.sha256(spki).hexdigest()
    key_type, bits, curve = key_fields(key)
    exponent = key.public_numbers().e if isinstance(key, rsa.RSAPublicKey) else None
    return PublicKeyInfo(key_type, bits, curve, exponent, fingerprint)


def _key_info(obj: Any) -> tuple[PublicKeyInfo, safe.Unreadable | None]:
    """The public key of a certificate or CSR, or a stand-in naming why it cannot be read."""
    key = safe.public_key(obj)
    if not isinstance(key, safe.Unreadable):
        try:
            return public_key_info(key), None
        except Exception as exc:  # a key the library loads but cannot describe
            key = safe.Unreadable("public key", f"its public key cannot be read: {safe.explain(exc)}")
    return PublicKeyInfo(f"unreadable ({key.sentence})", None, None, None, ""), key


#: Who refuses a field that cannot be read (the lint finding's ``enforced_by``).
UNREADABLE_BY = "every client: it cannot be read"


def _unreadable_findings(unreadable: tuple[safe.Unreadable, ...]) -> tuple[Finding, ...]:
    return tuple(
        Finding(u.rule, "error", u.sentence[0].upper() + u.sentence[1:] + ".", UNREADABLE_BY)
        for u in unreadable
    )


def _value(ext_value: x509.ExtensionType) -> tuple[Any, list[str]]:
    v: Any = ext_value
    t = type(v)
    if t is x509.SubjectAlternativeName or t is x509.IssuerAlternativeName:
        names = [general_name(n) for n in v]
        return names, names
    if t is x509.BasicConstraints:
        text = f"CA: {'yes' if v.ca else 'no'}"
        if v.path_length is not None:
            text += f", path length {v.path_length}"
        return {"ca": v.ca, "path_length": v.path_length}, [text]
    if t is x509.KeyUsage:
        names = key_usage_names(v)
        return names, [", ".join(names) or "(none)"]
    if t is x509.ExtendedKeyUsage:
        names = eku_names(v)
        return names, [", ".join(names)]
    if t is x509.SubjectKeyIdentifier:
        return v.digest.hex(), [v.digest.hex(":")]
    if t is x509.AuthorityKeyIdentifier:
        out: dict[str, Any] = {"key_identifier": v.key_identifier.hex() if v.key_identifier else None}
        lines = [f"key id {v.key_identifier.hex(':')}"] if v.key_identifier else []
        if v.authority_cert_issuer:
            out["authority_cert_issuer"] = [general_name(n) for n in v.authority_cert_issuer]
            lines.append("issuer " + ", ".join(out["authority_cert_issuer"]))
        if v.authority_cert_serial_number is not None:
            out["authority_cert_serial_number"] = format(v.authority_cert_serial_number, "x")
            lines.append(f"issuer serial {out['authority_cert_serial_number']}")
        return out, lines
    if t is x509.AuthorityInformationAccess or t is x509.SubjectInformationAccess:
        items = [
            {"method": oid_name(d.access_method), "location": general_name(d.access_location)} for d in v
        ]
        return items, [f"{i['method']}: {i['location']}" for i in items]
    if t is x509.CRLDistributionPoints or t is x509.FreshestCRL:
        points: list[dict[str, Any]] = []
        lines = []
        for point in v:
            names = [general_name(n) for n in point.full_name or []]
            entry: dict[str, Any] = {"full_name": names}
            if point.relative_name is not None:
                entry["relative_name"] = point.relative_name.rfc4514_string()
            if point.reasons:
                entry["reasons"] = sorted(r.value for r in point.reasons)
            if point.crl_issuer:
                entry["crl_issuer"] = [general_name(n) for n in point.crl_issuer]
            points.append(entry)
            lines.extend(names or [str(entry)])
        return points, lines
    if t is x509.CertificatePolicies:
        policies: list[dict[str, Any]] = []
        lines = []
        for info in v:
            qualifiers = [
                q if isinstance(q, str) else (q.explicit_text or "user notice")
                for q in info.policy_qualifiers or []
            ]
            policies.append(
                {
                    "policy": info.policy_identifier.dotted_string,
                    "name": oid_name(info.policy_identifier),
                    "qualifiers": qualifiers,
                }
            )
            lines.append(
                oid_name(info.policy_identifier) + (f" ({', '.join(qualifiers)})" if qualifiers else "")
            )
        return policies, lines
    if t is x509.NameConstraints:
        permitted = [general_name(n) for n in v.permitted_subtrees or []]
        excluded = [general_name(n) for n in v.excluded_subtrees or []]
        lines = [f"permitted {n}" for n in permitted] + [f"excluded {n}" for n in excluded]
        return {"permitted": permitted, "excluded": excluded}, lines
    if t is x509.PolicyConstraints:
        value = {
            "require_explicit_policy": v.require_explicit_policy,
            "inhibit_policy_mapping": v.inhibit_policy_mapping,
        }
        return value, [f"{k.replace('_', ' ')}: {val}" for k, val in value.items() if val is not None]
    if t is x509.InhibitAnyPolicy:
        return v.skip_certs, [f"skip certs: {v.skip_certs}"]
    if t is x509.PrecertificateSignedCertificateTimestamps or t is x509.SignedCertificateTimestamps:
        scts = [
            {
                "log_id": s.log_id.hex(),
                "timestamp": format_iso8601(as_utc(s.timestamp)),
                "version": s.version.name,
            }
            for s in v
        ]
        return scts, [f"log {s['log_id'][:16]}... at {s['timestamp']}" for s in scts]
    if t is x509.CRLNumber or t is x509.DeltaCRLIndicator:
        number = v.crl_number
        return number, [str(number)]
    if t is x509.IssuingDistributionPoint:
        return _idp(v)
    if t is x509.CRLReason:
        return v.reason.value, [v.reason.value]  # RFC 5280's names: keyCompromise, cACompromise...
    if t is x509.InvalidityDate:
        when = format_iso8601(as_utc(v.invalidity_date_utc))
        return when, [when]
    if t is x509.CertificateIssuer:
        names = [general_name(n) for n in v]
        return names, names
    if t is x509.OCSPNonce:
        return v.nonce.hex(), [v.nonce.hex()]
    if t is x509.OCSPNoCheck or t is x509.PrecertPoison:
        return None, ["(present)"]
    if t is x509.TLSFeature:
        names = [f.name for f in v]
        return names, [", ".join(names)]
    if t is x509.UnrecognizedExtension:
        return {"hex": v.value.hex()}, [f"unknown; value {v.value.hex()[:96]}"]
    # One the library reads but this explorer does not decode: its DER, never the library's repr.
    try:
        raw = v.public_bytes().hex()
    except Exception:
        raw = ""
    return {"hex": raw}, [f"not decoded here; value {raw[:96]}" if raw else "not decoded here"]


def _idp(v: x509.IssuingDistributionPoint) -> tuple[dict[str, Any], list[str]]:
    """The issuing distribution point: which certificates a CRL covers (RFC 5280 5.2.5)."""
    names = [general_name(n) for n in v.full_name or []]
    out: dict[str, Any] = {"full_name": names}
    lines = [f"distribution point {n}" for n in names]
    if v.relative_name is not None:
        out["relative_name"] = v.relative_name.rfc4514_string()
        lines.append(f"distribution point (relative) {out['relative_name']}")
    flags = {
        "only_contains_user_certs": "only end-entity certificates",
        "only_contains_ca_certs": "only CA certificates",
        "only_contains_attribute_certs": "only attribute certificates",
        "indirect_crl": "indirect CRL (entries may come from other issuers)",
    }
    for key, text in flags.items():
        out[key] = bool(getattr(v, key))
        if out[key]:
            lines.append(text)
    reasons = sorted(r.value for r in v.only_some_reasons) if v.only_some_reasons else None
    out["only_some_reasons"] = reasons
    if reasons:
        lines.append("only these reasons: " + ", ".join(reasons))
    return out, lines or ["every certificate of the issuer"]


def decode_extension(ext: x509.Extension[x509.ExtensionType]) -> ExtensionInfo:
    """One extension with its value decoded (never raises on odd values)."""
    try:
        value, lines = _value(ext.value)
    except Exception as exc:  # a strange value is shown, not fatal
        reason = safe.explain(exc)
        value, lines = {"error": reason}, [f"(could not decode: {reason})"]
    oid = ext.oid
    return ExtensionInfo(oid.dotted_string, extension_name(oid), ext.critical, value, tuple(lines))


def decode_extensions(get: Any, quiet: bool = True) -> tuple[tuple[ExtensionInfo, ...], str | None]:
    """Decode ``get()``'s extensions; a failure is returned as a message, not raised.

    ``quiet`` silences the library's warnings (needless for a certificate that
    was read without any).
    """
    try:
        if quiet:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                extensions = get()
        else:
            extensions = get()
    except Exception as exc:
        return (), safe.explain(exc)
    return tuple(decode_extension(e) for e in extensions), None


def _signature_name(obj: Any) -> tuple[str, str | None, safe.Unreadable | None]:
    name = safe.algorithm_name(obj.signature_algorithm_oid)
    algorithm = safe.signature_hash(obj)
    if isinstance(algorithm, safe.Unreadable):  # unsupported hash: still show the OID's name
        return name, None, algorithm
    return name, algorithm.name if algorithm is not None else None, None


_ISSUERS: dict[bytes, tuple[str, str]] = {}
"""Issuer names already turned into text, by their DER (a bundle from one CA repeats one)."""


def _issuer_strings(issuer_der: bytes, cert: x509.Certificate) -> tuple[str, str]:
    if issuer_der and issuer_der in _ISSUERS:
        return _ISSUERS[issuer_der]
    issuer = safe.name(cert, "issuer")
    if isinstance(issuer, safe.Unreadable):
        return f"(unreadable: {issuer.sentence})", "(unreadable issuer)"
    strings = (rfc4514(issuer), short_name(issuer))
    if issuer_der:
        if len(_ISSUERS) > 4096:
            _ISSUERS.clear()
        _ISSUERS[issuer_der] = strings
    return strings


def certificate_info(
    cert: x509.Certificate, now: dt.datetime, warned: tuple[str, ...] = (), der: bytes | None = None
) -> CertificateInfo:
    """Decode a certificate and lint it (``der``: its bytes, when the caller has them)."""
    now = as_utc(now)
    if der is None:
        der = cert.public_bytes(serialization.Encoding.DER)
    problems: list[safe.Unreadable] = []

    def kept(found: Any) -> Any:
        if isinstance(found, safe.Unreadable):
            problems.append(found)
            return None
        return found

    serial = kept(safe.attempt(lambda: cert.serial_number, "serial number")) or 0
    version = kept(safe.version(cert)) or 0
    extensions, ext_error = decode_extensions(lambda: cert.extensions, quiet=bool(warned))
    if ext_error is not None:
        problems.append(safe.Unreadable("extensions", f"the extensions cannot be read: {ext_error}"))
    subject = kept(safe.name(cert, "subject"))
    if subject is None:
        subject_text, subject_short = f"(unreadable: {problems[-1].sentence})", "(unreadable subject)"
    else:
        subject_text, subject_short = rfc4514(subject), short_name(subject)
    try:
        issuer_der, subject_der = certificate_names(der)
    except InvalidInput:
        issuer_der, subject_der = b"", b"-"
    if issuer_der == subject_der:
        issuer_text, issuer_short = subject_text, subject_short
    else:
        issuer_text, issuer_short = _issuer_strings(issuer_der, cert)
        if issuer_text.startswith("(unreadable"):
            kept(safe.name(cert, "issuer"))
    bc = next((e for e in extensions if e.name == "basicConstraints"), None)
    san = next((e for e in extensions if e.name == "subjectAltName"), None)
    sig_name, sig_hash, sig_problem = _signature_name(cert)
    if sig_problem is not None:
        problems.append(sig_problem)
    key_info, key_problem = _key_info(cert)
    if key_problem is not None:
        problems.append(key_problem)
    fingerprint_sha256 = hashlib.sha256(der).hexdigest()
    fingerprint_sha1 = hashlib.sha1(der, usedforsecurity=False).hexdigest()
    self_issued = issuer_der == subject_der
    is_ca = bool(bc and isinstance(bc.value, dict) and bc.value.get("ca"))
    sans = tuple(san.value) if san and isinstance(san.value, list) else ()
    unreadable = tuple(problems)

    def summary(lint: tuple[Finding, ...]) -> CertificateInfo:
        return CertificateInfo(
            version=version,
            serial=serial,
            subject=subject_text,
            issuer=issuer_text,
            subject_short=subject_short,
            issuer_short=issuer_short,
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            now=now,
            public_key=key_info,
            signature_algorithm=sig_name,
            signature_hash=sig_hash,
            extensions=extensions,
            extension_error=ext_error,
            fingerprint_sha256=fingerprint_sha256,
            fingerprint_sha1=fingerprint_sha1,
            self_issued=self_issued,
            is_ca=is_ca,
            sans=sans,
            lint=lint,
            unreadable=tuple(u.sentence for u in unreadable),
        )

    # Lint reads everything else the summary says: lint a draft, then make it with the findings.
    # (extensions that cannot be read have their own lint rule)
    from_library = _unreadable_findings(tuple(u for u in unreadable if u.field != "extensions"))
    from_library += warning_findings(warned)
    seen = {f.rule for f in from_library}
    own = tuple(f for f in lint_certificate(summary(())) if f.rule not in seen)
    return summary(from_library + own)


def csr_info(csr: x509.CertificateSigningRequest, warned: tuple[str, ...] = ()) -> CsrInfo:
    """Decode a CSR and check its signature (a SHA-1 one is named as refused, not as altered)."""
    extensions, error = decode_extensions(lambda: csr.extensions)
    problems = [u for u in safe.problems(csr) if u.field not in ("extensions", "public key")]
    if error is not None:
        problems.append(safe.Unreadable("extensions", f"the requested extensions cannot be read: {error}"))
    key_info, key_problem = _key_info(csr)
    if key_problem is not None:
        problems.append(key_problem)
    valid, note = safe.csr_signature(csr)
    unreadable = tuple(dict.fromkeys(problems))
    return CsrInfo(
        subject=safe.name_string(csr),
        subject_short=safe.short(csr),
        public_key=key_info,
        signature_algorithm=_signature_name(csr)[0],
        signature_valid=valid,
        extensions=extensions,
        extension_error=error,
        lint=_unreadable_findings(unreadable) + warning_findings(warned),
        unreadable=tuple(u.sentence for u in unreadable),
        signature_note=note,
    )


def crl_info(crl: x509.CertificateRevocationList, now: dt.datetime) -> CrlInfo:
    """Decode a CRL."""
    entries: list[RevokedEntry] = []
    problems: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for item in crl:
            entries.append(_revoked_entry(item, problems))
    extensions, error = decode_extensions(lambda: crl.extensions)
    unreadable = [u.sentence for u in safe.problems(crl)]
    if error is not None and not any("extensions" in u for u in unreadable):
        unreadable.append(f"the CRL's extensions cannot be read: {error}")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        unreadable.append(problems[0] + more)
    return CrlInfo(
        issuer=safe.name_string(crl, "issuer"),
        issuer_short=safe.short(crl, "issuer"),
        this_update=crl.last_update_utc,
        next_update=crl.next_update_utc,
        now=as_utc(now),
        signature_algorithm=_signature_name(crl)[0],
        extensions=extensions,
        revoked=tuple(entries),
        unreadable=tuple(unreadable),
    )


def _revoked_entry(item: x509.RevokedCertificate, problems: list[str]) -> RevokedEntry:
    """One CRL entry with its extensions: reason, invalidity date, certificate issuer (RFC 5280 5.3)."""
    try:
        raw = item.extensions
    except Exception as exc:  # the entry is still listed; why its extensions are not is said once
        problems.append(f"the extensions of the entry for serial {item.serial_number:x} cannot be read: "
                        f"{safe.explain(exc)}")
        return RevokedEntry(item.serial_number, item.revocation_date_utc, None)
    if not len(raw):
        return RevokedEntry(item.serial_number, item.revocation_date_utc, None)
    decoded = tuple(decode_extension(e) for e in raw)
    found = {e.name: e.value for e in decoded}
    reason = found.get("cRLReason")
    invalid = raw_invalidity = found.get("invalidityDate")
    issuer = found.get("certificateIssuer")
    if isinstance(raw_invalidity, str):
        dates = (e.value.invalidity_date_utc for e in raw if isinstance(e.value, x509.InvalidityDate))
        invalid = as_utc(next(dates))
    return RevokedEntry(
        item.serial_number,
        item.revocation_date_utc,
        reason if isinstance(reason, str) else None,
        invalid if isinstance(invalid, dt.datetime) else None,
        tuple(issuer) if isinstance(issuer, list) else (),
        decoded,
    )


def _cert_id(source: Any, problems: list[safe.Unreadable], where: str) -> CertIdInfo | None:
    """The CertID of an OCSP request or single response (None, and the problem kept, when unreadable)."""
    def read() -> CertIdInfo:
        algorithm = safe.attempt(lambda: source.hash_algorithm.name, f"{where}'s hash algorithm")
        if isinstance(algorithm, safe.Unreadable):
            problems.append(algorithm)
            algorithm = "(unreadable)"
        return CertIdInfo(algorithm, source.issuer_name_hash.hex(), source.issuer_key_hash.hex(),
                          source.serial_number)

    found = safe.attempt(read, where)
    if isinstance(found, safe.Unreadable):
        problems.append(found)
        return None
    return found


def _single(single: Any, problems: list[safe.Unreadable], number: int) -> OcspSingleInfo:
    where = f"answer {number}"
    cert_id = _cert_id(single, problems, f"{where}'s certificate id")

    def status() -> tuple[str, dt.datetime | None, str | None]:
        state = single.certificate_status
        if state == ocsp.OCSPCertStatus.REVOKED:
            reason = single.revocation_reason
            return "revoked", as_utc(single.revocation_time_utc), reason.value if reason is not None else None
        return ("good" if state == ocsp.OCSPCertStatus.GOOD else "unknown"), None, None

    found = safe.attempt(status, f"{where}'s status")
    if isinstance(found, safe.Unreadable):
        problems.append(found)
        found = ("unknown", None, None)
    times = safe.attempt(lambda: (single.this_update_utc, single.next_update_utc), f"{where}'s update times")
    if isinstance(times, safe.Unreadable):
        problems.append(times)
        times = (None, None)
    this_update, next_update = (as_utc(t) if t is not None else None for t in times)
    return OcspSingleInfo(cert_id, found[0], found[1], found[2], this_update, next_update)


def _nonce(extensions: tuple[ExtensionInfo, ...]) -> str | None:
    value = next((e.value for e in extensions if e.name == "OCSPNonce"), None)
    return value if isinstance(value, str) else None


def ocsp_response_info(response: ocsp.OCSPResponse, now: dt.datetime) -> OcspResponseInfo:
    """Decode an OCSP response field by field: what cannot be read is named, the rest still shown."""
    now = as_utc(now)
    status = safe.attempt(lambda: response.response_status, "response status")
    if isinstance(status, safe.Unreadable):
        return OcspResponseInfo("(unreadable)", now, unreadable=(status.sentence,))
    if status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        return OcspResponseInfo(_OCSP_STATUS_NAMES.get(status, status.name.lower()), now)
    problems: list[safe.Unreadable] = []

    def kept(found: Any) -> Any:
        if isinstance(found, safe.Unreadable):
            problems.append(found)
            return None
        return found

    def responder() -> str:
        name = response.responder_name
        if name is not None:
            return f"name: {rfc4514(name)}"
        key_hash = response.responder_key_hash
        return f"key hash: {key_hash.hex()}" if key_hash is not None else "(none)"

    singles = kept(safe.attempt(lambda: list(response.responses), "answers")) or []
    extensions, error = decode_extensions(lambda: response.extensions)
    if error is not None:
        problems.append(safe.Unreadable("extensions", f"the response's extensions cannot be read: {error}"))
    certs = kept(safe.attempt(lambda: list(response.certificates), "certificates it carries")) or []
    produced = kept(safe.attempt(lambda: response.produced_at_utc, "produced-at time"))
    algorithm = kept(safe.attempt(lambda: safe.algorithm_name(response.signature_algorithm_oid),
                                  "signature algorithm"))
    return OcspResponseInfo(
        response_status="successful",
        now=now,
        responder=kept(safe.attempt(responder, "responder id")),
        produced_at=as_utc(produced) if produced is not None else None,
        signature_algorithm=algorithm,
        responses=tuple(_single(single, problems, i) for i, single in enumerate(singles, 1)),
        nonce=_nonce(extensions),
        extensions=extensions,
        certificates=tuple(safe.name_string(c) for c in certs),
        unreadable=tuple(dict.fromkeys(u.sentence for u in problems)),
    )


_OCSP_STATUS_NAMES = {
    ocsp.OCSPResponseStatus.SUCCESSFUL: "successful",
    ocsp.OCSPResponseStatus.MALFORMED_REQUEST: "malformedRequest",
    ocsp.OCSPResponseStatus.INTERNAL_ERROR: "internalError",
    ocsp.OCSPResponseStatus.TRY_LATER: "tryLater",
    ocsp.OCSPResponseStatus.SIG_REQUIRED: "sigRequired",
    ocsp.OCSPResponseStatus.UNAUTHORIZED: "unauthorized",
}


def ocsp_request_info(request: ocsp.OCSPRequest) -> OcspRequestInfo:
    """Decode an OCSP request: the certificate it asks about and its nonce."""
    problems: list[safe.Unreadable] = []
    cert_id = _cert_id(request, problems, "certificate id")
    extensions, error = decode_extensions(lambda: request.extensions)
    if error is not None:
        problems.append(safe.Unreadable("extensions", f"the request's extensions cannot be read: {error}"))
    return OcspRequestInfo(
        cert_ids=(cert_id,) if cert_id is not None else (),
        nonce=_nonce(extensions),
        extensions=extensions,
        unreadable=tuple(dict.fromkeys(u.sentence for u in problems)),
    )


def key_info(obj: LoadedObject) -> KeyInfo:
    """Describe a loaded private or public key."""
    private = obj.kind == "private_key"
    info: PublicKeyInfo | None = None
    problem: tuple[str, ...] = ()
    if obj.value is not None:
        if private:
            info, unreadable = _key_info(obj.value)
        else:
            found = safe.attempt(lambda: public_key_info(obj.value), "public key")
            info, unreadable = (None, found) if isinstance(found, safe.Unreadable) else (found, None)
        problem = (unreadable.sentence,) if unreadable is not None else ()
    return KeyInfo(private, obj.format, obj.encrypted, info, obj.note, obj.name, problem)


def summarize(obj: LoadedObject, now: dt.datetime) -> Info:
    """The summary of one loaded object."""
    if obj.kind == "certificate":
        return certificate_info(obj.value, now, obj.warnings, obj.der or None)
    if obj.kind == "certificate_request":
        return csr_info(obj.value, obj.warnings)
    if obj.kind == "crl":
        return crl_info(obj.value, now)
    if obj.kind in ("private_key", "public_key"):
        return key_info(obj)
    if obj.kind == "ocsp_response":
        return ocsp_response_info(obj.value, now)
    if obj.kind == "ocsp_request":
        return ocsp_request_info(obj.value)
    return ContainerInfo(
        obj.kind, obj.format, obj.encrypted, obj.value is not None, len(obj.children), obj.note
    )


def object_title(obj: LoadedObject) -> str:
    """A short title for a list row, cheap enough for 10,000 rows."""
    value = obj.value
    if obj.kind == "certificate":
        return safe.short(value)
    if obj.kind == "certificate_request":
        return safe.short(value)
    if obj.kind == "crl":
        return f"CRL of {safe.short(value, 'issuer')}"
    if obj.kind in ("private_key", "public_key"):
        what = "private key" if obj.kind == "private_key" else "public key"
        if value is None:
            return f"{what} (encrypted)"
        try:
            return describe_key(value)
        except Exception:
            return what
    if obj.kind == "pkcs12":
        return "PKCS#12" + (" (locked)" if value is None else f" ({len(obj.children)} items)")
    if obj.kind in ("ocsp_response", "ocsp_request"):
        return ocsp_title(obj)
    return f"PKCS#7 ({len(obj.children)} certificates)"


def ocsp_title(obj: LoadedObject) -> str:
    """A list row's title: ``OCSP response: good (serial 1a2b)``, ``OCSP request (serial 1a2b)``."""
    value = obj.value
    if obj.kind == "ocsp_request":
        serial = safe.attempt(lambda: format(value.serial_number, "x"), "serial")
        return "OCSP request" + ("" if isinstance(serial, safe.Unreadable) else f" (serial {serial})")

    def answer() -> str:
        status = value.response_status
        if status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            return str(_OCSP_STATUS_NAMES.get(status, status.name))
        first = next(iter(value.responses))
        state = first.certificate_status.name.lower()
        return f"{state} (serial {first.serial_number:x})"

    found = safe.attempt(answer, "status")
    return "OCSP response" + ("" if isinstance(found, safe.Unreadable) else f": {found}")


def spki_fingerprint(obj: LoadedObject) -> str | None:
    """SHA-256 of the object's SubjectPublicKeyInfo (for pairing keys with certificates)."""
    value = obj.value
    if value is None or obj.kind not in ("certificate", "certificate_request", "private_key", "public_key"):
        return None
    try:
        public = value.public_key() if obj.kind != "public_key" else value
        spki = public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    except Exception:
        return None
    return hashlib.sha256(spki).hexdigest()


__all__ = [
    "certificate_info",
    "crl_info",
    "csr_info",
    "decode_extension",
    "decode_extensions",
    "key_info",
    "object_title",
    "ocsp_request_info",
    "ocsp_response_info",
    "ocsp_title",
    "public_key_info",
    "spki_fingerprint",
    "summarize",
]
