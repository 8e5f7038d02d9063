"""What each object says, in frozen summaries: certificates, CSRs, CRLs, keys.

:func:`summarize` turns a :class:`~tlsexplorer.core.x509.loader.LoadedObject` into
one of :class:`CertificateInfo`, :class:`CsrInfo`, :class:`CrlInfo`,
:class:`KeyInfo` or :class:`ContainerInfo`. Every extension is decoded with
its criticality (unknown ones as OID and hex), fingerprints are lowercase hex,
and each certificate gets one plain sentence: who it says it is, according to
whom, for how long. ``to_json()`` gives the CLI's JSON shape directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dh, dsa, ec, ed448, ed25519, rsa, x448, x25519
from cryptography.x509.oid import NameOID

from tlsexplorer.core.ca.build import describe_general_name
from tlsexplorer.core.der import certificate_names
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.text import printable, rfc4514
from tlsexplorer.core.timeutil import as_utc, describe_delta, format_iso8601
from tlsexplorer.core.x509.lint import Finding, lint_certificate, warning_findings
from tlsexplorer.core.x509.loader import LoadedObject


@dataclass(frozen=True)
class PublicKeyInfo:
    """A public key as people describe it."""

    type: str
    """RSA, EC, Ed25519, Ed448, DSA, X25519, X448, DH."""
    bits: int | None
    """Size in bits (RSA, DSA, DH; the curve's size for EC)."""
    curve: str | None
    """Curve name for EC keys (``secp256r1``)."""
    exponent: int | None
    """RSA public exponent."""
    spki_sha256: str
    """SHA-256 of the SubjectPublicKeyInfo DER: the same key gives the same value everywhere."""

    def describe(self) -> str:
        """``RSA 2048 bits, e = 65537`` / ``EC secp256r1 (256 bits)`` / ``Ed25519``."""
        if self.type == "RSA":
            return f"RSA {self.bits} bits, e = {self.exponent}"
        if self.curve:
            return f"EC {self.curve} ({self.bits} bits)"
        return f"{self.type} {self.bits} bits" if self.bits else self.type

    def to_json(self) -> dict[str, Any]:
        """``{"type", "bits" or "curve", ...}``."""
        out: dict[str, Any] = {"type": self.type}
        if self.bits is not None:
            out["bits"] = self.bits
        if self.curve is not None:
            out["curve"] = self.curve
        if self.exponent is not None:
            out["exponent"] = self.exponent
        out["spki_sha256"] = self.spki_sha256
        return out


def public_key_info(key: Any) -> PublicKeyInfo:
    """Describe a cryptography public key."""
    spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    fingerprint = hashlib.sha256(spki).hexdigest()
    if isinstance(key, rsa.RSAPublicKey):
        return PublicKeyInfo("RSA", key.key_size, None, key.public_numbers().e, fingerprint)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return PublicKeyInfo("EC", key.curve.key_size, key.curve.name, None, fingerprint)
    simple: list[tuple[type[Any], str, int | None]] = [
        (ed25519.Ed25519PublicKey, "Ed25519", 256),
        (ed448.Ed448PublicKey, "Ed448", 456),
        (x25519.X25519PublicKey, "X25519", 256),
        (x448.X448PublicKey, "X448", 448),
    ]
    for cls, name, bits in simple:
        if isinstance(key, cls):
            return PublicKeyInfo(name, bits, None, None, fingerprint)
    if isinstance(key, dsa.DSAPublicKey):
        return PublicKeyInfo("DSA", key.key_size, None, None, fingerprint)
    if isinstance(key, dh.DHPublicKey):
        return PublicKeyInfo("DH", key.key_size, None, None, fingerprint)
    return PublicKeyInfo(type(key).__name__, None, None, None, fingerprint)


@dataclass(frozen=True)
class ExtensionInfo:
    """One extension, decoded."""

    oid: str
    """Dotted OID."""
    name: str
    """Its name (``subjectAltName``), or ``unknown``."""
    critical: bool
    """Whether a client that does not understand it must reject the certificate."""
    value: Any
    """The decoded value in JSON types (lists, dicts, strings, integers)."""
    lines: tuple[str, ...]
    """The value for people, one line per item."""

    def to_json(self) -> dict[str, Any]:
        """``{"oid", "name", "critical", "value"}``."""
        return {"oid": self.oid, "name": self.name, "critical": self.critical, "value": self.value}


#: ``DNS:example.net``, ``IP:127.0.0.1``, ``URI:...``, ``email:...``, ``DirName:...`` (one
#: function for the CA workbench and the Inspector).
general_name = describe_general_name


def _oid_label(oid: x509.ObjectIdentifier) -> str:
    name = oid._name
    return oid.dotted_string if name == "Unknown OID" else name


_KU_FIELDS = (
    ("digital_signature", "digitalSignature"),
    ("content_commitment", "nonRepudiation"),
    ("key_encipherment", "keyEncipherment"),
    ("data_encipherment", "dataEncipherment"),
    ("key_agreement", "keyAgreement"),
    ("key_cert_sign", "keyCertSign"),
    ("crl_sign", "cRLSign"),
)


def key_usage_names(ku: x509.KeyUsage) -> list[str]:
    """The key usage bits that are set, by their RFC 5280 names."""
    names = [label for attr, label in _KU_FIELDS if getattr(ku, attr)]
    if ku.key_agreement:
        if ku.encipher_only:
            names.append("encipherOnly")
        if ku.decipher_only:
            names.append("decipherOnly")
    return names


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
        names = [_oid_label(o) for o in v]
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
            {"method": _oid_label(d.access_method), "location": general_name(d.access_location)} for d in v
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
                    "name": _oid_label(info.policy_identifier),
                    "qualifiers": qualifiers,
                }
            )
            lines.append(
                _oid_label(info.policy_identifier) + (f" ({', '.join(qualifiers)})" if qualifiers else "")
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
    text = str(v)
    return text, [text]


def decode_extension(ext: x509.Extension[x509.ExtensionType]) -> ExtensionInfo:
    """One extension with its value decoded (never raises on odd values)."""
    try:
        value, lines = _value(ext.value)
    except Exception as exc:  # a strange value is shown, not fatal
        value, lines = {"error": str(exc)}, [f"(could not decode: {exc})"]
    name = ext.oid._name
    if name == "Unknown OID":
        name = "unknown"
    return ExtensionInfo(ext.oid.dotted_string, name, ext.critical, value, tuple(lines))


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
        return (), str(exc)
    return tuple(decode_extension(e) for e in extensions), None


def _cn(name: x509.Name) -> str | None:
    try:
        values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError:
        return None
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def short_name(name: x509.Name) -> str:
    """The CN, else the whole name, else ``(empty name)``; control characters escaped
    (whoever made the certificate chose it)."""
    cn = _cn(name)
    if cn:
        return printable(cn)
    try:
        text = name.rfc4514_string()
    except ValueError:
        text = ""
    return printable(text, backslash=False) or "(empty name)"


def _signature_name(obj: Any) -> tuple[str, str | None]:
    oid = obj.signature_algorithm_oid
    name = _oid_label(oid)
    try:
        algorithm = obj.signature_hash_algorithm
    except Exception:  # unsupported hash: still show the OID's name
        algorithm = None
    return name, algorithm.name if algorithm is not None else None


def _days(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 86400)


@dataclass(frozen=True)
class CertificateInfo:
    """Everything a certificate says, decoded, with lint."""

    version: int
    """1 or 3 (as people count, not the encoded 0/2)."""
    serial: int
    """Serial number (may be 0 or negative in bad certificates)."""
    subject: str
    """RFC 4514 subject."""
    issuer: str
    """RFC 4514 issuer."""
    subject_short: str
    """The subject's CN (or the whole subject)."""
    issuer_short: str
    """The issuer's CN (or the whole issuer)."""
    not_before: dt.datetime
    """Start of validity (UTC)."""
    not_after: dt.datetime
    """End of validity (UTC)."""
    now: dt.datetime
    """The moment the status was judged at."""
    public_key: PublicKeyInfo
    """The subject's public key."""
    signature_algorithm: str
    """``sha256WithRSAEncryption``, ``ecdsa-with-SHA256``, ``ed25519``..."""
    signature_hash: str | None
    """``sha256``, ``sha1``, None for Ed25519."""
    extensions: tuple[ExtensionInfo, ...]
    """Every extension, decoded."""
    extension_error: str | None
    """Why the extensions could not be read, when they could not."""
    fingerprint_sha256: str
    """SHA-256 of the DER, lowercase hex."""
    fingerprint_sha1: str
    """SHA-1 of the DER, lowercase hex."""
    self_issued: bool
    """Subject equals issuer."""
    is_ca: bool
    """Basic constraints say CA."""
    sans: tuple[str, ...]
    """Subject alternative names (``DNS:...``)."""
    lint: tuple[Finding, ...]
    """What strict clients would say."""

    @property
    def serial_hex(self) -> str:
        """Serial in lowercase hex (``-`` prefix when negative)."""
        return format(self.serial, "x")

    @property
    def expired(self) -> bool:
        """Past its not-after."""
        return self.now > self.not_after

    @property
    def not_yet_valid(self) -> bool:
        """Before its not-before."""
        return self.now < self.not_before

    @property
    def status(self) -> str:
        """``valid``, ``expired`` or ``not yet valid``."""
        return "expired" if self.expired else "not yet valid" if self.not_yet_valid else "valid"

    @property
    def validity_days(self) -> int:
        """Length of the validity period in whole days."""
        return _days(self.not_after - self.not_before)

    def expiry_text(self) -> str:
        """``expires in 120 days`` / ``expired 2 days ago`` / ``valid from ... (in 3 days)``."""
        if self.not_yet_valid:
            return f"not valid yet: starts {describe_delta(self.not_before, self.now)}"
        delta = describe_delta(self.not_after, self.now)
        return f"expired {delta}" if self.expired else f"expires {delta}"

    def extension(self, name: str) -> ExtensionInfo | None:
        """The extension named ``name`` (``subjectAltName``), if present."""
        for ext in self.extensions:
            if ext.name == name:
                return ext
        return None

    def sentence(self, expiry: str | None = None) -> str:
        """Who it says it is, according to whom, for how long (``expiry``: precomputed text)."""
        names = [s.split(":", 1)[1] for s in self.sans if s.startswith(("DNS:", "IP:"))]
        who = self.subject_short
        extra = [n for n in names if n != who]
        if extra:
            who += f" (also {', '.join(extra[:3])}{'...' if len(extra) > 3 else ''})"
        role = ", a certificate authority" if self.is_ca else ""
        whom = "itself (self-signed)" if self.self_issued else self.issuer_short
        span = (
            f"from {self.not_before:%Y-%m-%d} to {self.not_after:%Y-%m-%d} "
            f"({self.validity_days} days); {expiry or self.expiry_text()}"
        )
        return f"This certificate says it is {who}{role}, according to {whom}, {span}."

    def to_json(self) -> dict[str, Any]:
        """The CLI JSON object (``kind`` added by the caller)."""
        expiry = self.expiry_text()
        return {
            "version": self.version,
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial_hex,
            "not_before": format_iso8601(self.not_before),
            "not_after": format_iso8601(self.not_after),
            "status": self.status,
            "expiry": expiry,
            "fingerprint_sha256": self.fingerprint_sha256,
            "fingerprint_sha1": self.fingerprint_sha1,
            "public_key": self.public_key.to_json(),
            "signature_algorithm": self.signature_algorithm,
            "self_issued": self.self_issued,
            "is_ca": self.is_ca,
            "subject_alt_names": list(self.sans),
            "extensions": [e.to_json() for e in self.extensions],
            "lint": [f.to_json() for f in self.lint],
            "summary": self.sentence(expiry),
        }


_ISSUERS: dict[bytes, tuple[str, str]] = {}
"""Issuer names already turned into text, by their DER (a bundle from one CA repeats one)."""


def _issuer_strings(issuer_der: bytes, cert: x509.Certificate) -> tuple[str, str]:
    if issuer_der and issuer_der in _ISSUERS:
        return _ISSUERS[issuer_der]
    issuer = cert.issuer
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
    if warned:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            serial = cert.serial_number
    else:
        serial = cert.serial_number
    extensions, ext_error = decode_extensions(lambda: cert.extensions, quiet=bool(warned))
    subject = cert.subject
    subject_text, subject_short = rfc4514(subject), short_name(subject)
    try:
        issuer_der, subject_der = certificate_names(der)
    except InvalidInput:
        issuer_der, subject_der = b"", b"-"
    if issuer_der == subject_der:
        issuer_text, issuer_short = subject_text, subject_short
    else:
        issuer_text, issuer_short = _issuer_strings(issuer_der, cert)
    bc = next((e for e in extensions if e.name == "basicConstraints"), None)
    san = next((e for e in extensions if e.name == "subjectAltName"), None)
    sig_name, sig_hash = _signature_name(cert)
    try:
        key_info = public_key_info(cert.public_key())
    except Exception as exc:  # unknown key algorithm: still show the rest
        key_info = PublicKeyInfo(f"unreadable ({exc})", None, None, None, "")
    info = CertificateInfo(
        version=cert.version.value + 1,
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
        fingerprint_sha256=hashlib.sha256(der).hexdigest(),
        fingerprint_sha1=hashlib.sha1(der, usedforsecurity=False).hexdigest(),
        self_issued=issuer_der == subject_der or (not issuer_der and subject == cert.issuer),
        is_ca=bool(bc and isinstance(bc.value, dict) and bc.value.get("ca")),
        sans=tuple(san.value) if san and isinstance(san.value, list) else (),
        lint=(),
    )
    # The findings need the finished summary; set them once, as __post_init__ would.
    from_library = warning_findings(warned)
    seen = {f.rule for f in from_library}
    own = tuple(f for f in lint_certificate(info) if f.rule not in seen)
    object.__setattr__(info, "lint", from_library + own)
    return info


@dataclass(frozen=True)
class CsrInfo:
    """A certificate signing request."""

    subject: str
    """RFC 4514 subject."""
    subject_short: str
    """The subject's CN."""
    public_key: PublicKeyInfo
    """The key it asks to be certified."""
    signature_algorithm: str
    """How it is self-signed."""
    signature_valid: bool
    """Whether its signature checks with its own key (proof of possession)."""
    extensions: tuple[ExtensionInfo, ...]
    """Requested extensions."""
    extension_error: str | None
    """Why the requested extensions could not be read."""
    lint: tuple[Finding, ...]
    """Warnings from the library."""

    def sentence(self) -> str:
        """One line for people."""
        names: list[str] = next((e.value for e in self.extensions if e.name == "subjectAltName"), [])
        ask = f" for {', '.join(names)}" if names else ""
        verdict = "its signature checks" if self.signature_valid else "its signature does NOT check"
        key = self.public_key.describe()
        return f"{self.subject_short} asks a CA for a certificate{ask} ({key}); {verdict}."

    def to_json(self) -> dict[str, Any]:
        """The CLI JSON object."""
        return {
            "subject": self.subject,
            "public_key": self.public_key.to_json(),
            "signature_algorithm": self.signature_algorithm,
            "signature_valid": self.signature_valid,
            "extensions": [e.to_json() for e in self.extensions],
            "lint": [f.to_json() for f in self.lint],
            "summary": self.sentence(),
        }


def csr_info(csr: x509.CertificateSigningRequest, warned: tuple[str, ...] = ()) -> CsrInfo:
    """Decode a CSR and check its signature."""
    extensions, error = decode_extensions(lambda: csr.extensions)
    try:
        valid = csr.is_signature_valid
    except Exception:
        valid = False
    return CsrInfo(
        subject=rfc4514(csr.subject),
        subject_short=short_name(csr.subject),
        public_key=public_key_info(csr.public_key()),
        signature_algorithm=_signature_name(csr)[0],
        signature_valid=valid,
        extensions=extensions,
        extension_error=error,
        lint=warning_findings(warned),
    )


@dataclass(frozen=True)
class RevokedEntry:
    """One revoked serial of a CRL."""

    serial: int
    """The revoked certificate's serial."""
    revoked_at: dt.datetime
    """When it was revoked."""
    reason: str | None
    """The reason code's name, when given."""


@dataclass(frozen=True)
class CrlInfo:
    """A certificate revocation list."""

    issuer: str
    """RFC 4514 issuer."""
    issuer_short: str
    """The issuer's CN."""
    this_update: dt.datetime
    """When it was issued."""
    next_update: dt.datetime | None
    """When the next one is due."""
    now: dt.datetime
    """The moment it was judged at."""
    signature_algorithm: str
    """How it is signed."""
    extensions: tuple[ExtensionInfo, ...]
    """CRL extensions (CRL number, AKI...)."""
    revoked: tuple[RevokedEntry, ...]
    """Every revoked serial, in file order."""

    @property
    def overdue(self) -> bool:
        """The next update is in the past."""
        return self.next_update is not None and self.now > self.next_update

    def sentence(self) -> str:
        """One line for people."""
        due = ""
        if self.next_update is not None:
            when = describe_delta(self.next_update, self.now)
            due = f"; next update {'was due ' + when if self.overdue else 'due ' + when}"
        return (
            f"{self.issuer_short} says {len(self.revoked)} certificate"
            f"{'s are' if len(self.revoked) != 1 else ' is'} revoked, as of "
            f"{self.this_update:%Y-%m-%d}{due}."
        )

    def to_json(self) -> dict[str, Any]:
        """The CLI JSON object."""
        return {
            "issuer": self.issuer,
            "this_update": format_iso8601(self.this_update),
            "next_update": format_iso8601(self.next_update) if self.next_update else None,
            "overdue": self.overdue,
            "signature_algorithm": self.signature_algorithm,
            "extensions": [e.to_json() for e in self.extensions],
            "revoked": [
                {
                    "serial": format(r.serial, "x"),
                    "revoked_at": format_iso8601(r.revoked_at),
                    "reason": r.reason,
                }
                for r in self.revoked
            ],
            "summary": self.sentence(),
        }


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
    return CrlInfo(
        issuer=rfc4514(crl.issuer),
        issuer_short=short_name(crl.issuer),
        this_update=crl.last_update_utc,
        next_update=crl.next_update_utc,
        now=as_utc(now),
        signature_algorithm=_signature_name(crl)[0],
        extensions=extensions,
        revoked=tuple(entries),
    )


@dataclass(frozen=True)
class KeyInfo:
    """A private or public key."""

    private: bool
    """True for a private key."""
    format: str
    """How it was encoded (``PKCS#8``, ``SEC1``, ``OpenSSH``, ``SPKI``...)."""
    encrypted: bool
    """Whether it was protected by a passphrase."""
    public_key: PublicKeyInfo | None
    """Its public half (None while encrypted and not opened)."""
    note: str
    """Remark (``encrypted, needs a passphrase``)."""
    comment: str
    """OpenSSH comment or PKCS#12 friendly name."""

    def describe(self) -> str:
        """``RSA 2048 bits, e = 65537`` or ``encrypted (needs a passphrase)``."""
        if self.public_key is None:
            return "type hidden until it is decrypted"
        return self.public_key.describe()

    def sentence(self) -> str:
        """One line for people."""
        what = "private key" if self.private else "public key"
        if self.public_key is None:
            return f"An encrypted {what} ({self.format}): {self.note}."
        enc = ", encrypted" if self.encrypted else ""
        article = "A" if self.public_key.type in ("DSA", "DH") else "An"
        return f"{article} {self.public_key.describe()} {what} ({self.format}{enc})."

    def to_json(self) -> dict[str, Any]:
        """The CLI JSON object."""
        out: dict[str, Any] = {"format": self.format, "encrypted": self.encrypted}
        if self.public_key is not None:
            out["public_key"] = self.public_key.to_json()
            out.update({k: v for k, v in self.public_key.to_json().items() if k in ("type", "bits", "curve")})
        if self.note:
            out["note"] = self.note
        if self.comment:
            out["comment"] = self.comment
        out["summary"] = self.sentence()
        return out


def key_info(obj: LoadedObject) -> KeyInfo:
    """Describe a loaded private or public key."""
    private = obj.kind == "private_key"
    info: PublicKeyInfo | None = None
    if obj.value is not None:
        public = obj.value.public_key() if private else obj.value
        info = public_key_info(public)
    return KeyInfo(private, obj.format, obj.encrypted, info, obj.note, obj.name)


@dataclass(frozen=True)
class ContainerInfo:
    """A PKCS#7 or PKCS#12 container (its items are listed as objects of their own)."""

    kind: str
    """pkcs7 or pkcs12."""
    format: str
    """Encoding."""
    encrypted: bool
    """Password-protected (PKCS#12)."""
    opened: bool
    """Whether its items could be read."""
    items: int
    """How many objects it holds."""
    note: str
    """Remark."""

    def sentence(self) -> str:
        """One line for people."""
        if not self.opened:
            return f"A {self.format} file that is password-protected: {self.note}."
        what = "PKCS#7 bundle" if self.kind == "pkcs7" else "PKCS#12 file"
        extra = f" ({self.note})" if self.note else ""
        return f"A {what} holding {self.items} object{'s' if self.items != 1 else ''}{extra}."

    def to_json(self) -> dict[str, Any]:
        """The CLI JSON object (its items are added by the caller)."""
        out: dict[str, Any] = {"format": self.format, "encrypted": self.encrypted, "opened": self.opened}
        if self.note:
            out["note"] = self.note
        out["summary"] = self.sentence()
        return out


Info = CertificateInfo | CsrInfo | CrlInfo | KeyInfo | ContainerInfo


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
        return short_name(value.subject)
    if obj.kind == "certificate_request":
        return short_name(value.subject)
    if obj.kind == "crl":
        return f"CRL of {short_name(value.issuer)}"
    if obj.kind in ("private_key", "public_key"):
        what = "private key" if obj.kind == "private_key" else "public key"
        if value is None:
            return f"{what} (encrypted)"
        try:
            return f"{public_key_info(value.public_key() if obj.kind == 'private_key' else value).describe()}"
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
    "CertificateInfo",
    "ContainerInfo",
    "CrlInfo",
    "CsrInfo",
    "ExtensionInfo",
    "Info",
    "KeyInfo",
    "PublicKeyInfo",
    "RevokedEntry",
    "certificate_info",
    "crl_info",
    "csr_info",
    "decode_extension",
    "general_name",
    "key_info",
    "key_usage_names",
    "object_title",
    "public_key_info",
    "short_name",
    "spki_fingerprint",
    "summarize",
]
