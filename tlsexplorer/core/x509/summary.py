"""What each object says: loaded objects turned into the frozen summaries of
:mod:`tlsexplorer.core.x509.model` (certificates, CSRs, CRLs, keys, containers).

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

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.der import certificate_names
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.text import rfc4514
from tlsexplorer.core.timeutil import as_utc, format_iso8601
from tlsexplorer.core.x509.lint import lint_certificate, warning_findings
from tlsexplorer.core.x509.loader import LoadedObject
from tlsexplorer.core.x509.model import (
    CertificateInfo,
    ContainerInfo,
    CrlInfo,
    CsrInfo,
    ExtensionInfo,
    Finding,
    Info,
    KeyInfo,
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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for item in crl:
            reason: str | None = None
            try:
                ext = item.extensions.get_extension_for_class(x509.CRLReason)
                reason = ext.value.reason.name
            except Exception:
                reason = None
            entries.append(RevokedEntry(item.serial_number, item.revocation_date_utc, reason))
    extensions, _error = decode_extensions(lambda: crl.extensions)
    unreadable = safe.problems(crl)
    return CrlInfo(
        issuer=safe.name_string(crl, "issuer"),
        issuer_short=safe.short(crl, "issuer"),
        this_update=crl.last_update_utc,
        next_update=crl.next_update_utc,
        now=as_utc(now),
        signature_algorithm=_signature_name(crl)[0],
        extensions=extensions,
        revoked=tuple(entries),
        unreadable=tuple(u.sentence for u in unreadable),
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
    return f"PKCS#7 ({len(obj.children)} certificates)"


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
    "public_key_info",
    "spki_fingerprint",
    "summarize",
]
