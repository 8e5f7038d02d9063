r"""What the Inspector says about each object: frozen summaries of certificates, CSRs, CRLs,
keys and containers, and the lint findings a certificate carries.

:mod:`tlsexplorer.core.x509.summary` makes these from loaded objects;
:mod:`tlsexplorer.core.x509.lint` reads a :class:`CertificateInfo` and returns
:class:`Finding`\ s. ``to_json()`` gives the CLI's JSON shape directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tlsexplorer.core.timeutil import describe_delta, format_iso8601
from tlsexplorer.core.x509.naming import key_article, key_label


@dataclass(frozen=True)
class Finding:
    """One lint finding."""

    rule: str
    """Short identifier (``missing-aki``)."""
    severity: str
    """``error``, ``warning`` or ``info``."""
    message: str
    """What is wrong and what it means."""
    enforced_by: str
    """Who rejects or flags it."""
    strict: bool = False
    """True when Python's VERIFY_X509_STRICT rejects the certificate for it."""

    def to_json(self) -> dict[str, Any]:
        """``{"rule", "severity", "message", "enforced_by", "strict"}``."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "enforced_by": self.enforced_by,
            "strict": self.strict,
        }


@dataclass(frozen=True)
class PublicKeyInfo:
    """A public key as people describe it."""

    type: str
    """RSA, EC, Ed25519, Ed448, DSA, X25519, X448, DH."""
    bits: int | None
    """Size in bits (RSA, DSA, DH; the curve's size for EC)."""
    curve: str | None
    """Curve name for EC keys (``P-256``; a curve without a NIST name as the library names it)."""
    exponent: int | None
    """RSA public exponent."""
    spki_sha256: str
    """SHA-256 of the SubjectPublicKeyInfo DER: the same key gives the same value everywhere."""

    def describe(self) -> str:
        """The key's one name (:func:`~tlsexplorer.core.x509.naming.describe_key`): ``RSA 2048``,
        ``EC P-256``, ``Ed25519``."""
        return key_label(self.type, self.bits, self.curve)

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


@dataclass(frozen=True)
class ExtensionInfo:
    """One extension, decoded."""

    oid: str
    """Dotted OID."""
    name: str
    """Its name (``subjectAltName``); one without a name is its dotted OID (``2.999.3``)."""
    critical: bool
    """Whether a client that does not understand it must reject the certificate."""
    value: Any
    """The decoded value in JSON types (lists, dicts, strings, integers)."""
    lines: tuple[str, ...]
    """The value for people, one line per item."""

    def to_json(self) -> dict[str, Any]:
        """``{"oid", "name", "critical", "value"}``."""
        return {"oid": self.oid, "name": self.name, "critical": self.critical, "value": self.value}


def _unreadable_json(unreadable: tuple[str, ...]) -> dict[str, Any]:
    """``{"unreadable": [...]}`` when a field could not be read, else nothing (the usual shape)."""
    return {"unreadable": list(unreadable)} if unreadable else {}


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
    unreadable: tuple[str, ...] = ()
    """Each field that could not be read, with why (``the subject's CN is not valid UTF-8``)."""

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
            **_unreadable_json(self.unreadable),
        }


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
    unreadable: tuple[str, ...] = ()
    """Each field that could not be read, with why."""
    signature_note: str = ""
    """Why the signature was not checked, when it was not (``SHA-1 signatures are refused``)."""

    def sentence(self) -> str:
        """One line for people."""
        names: list[str] = next((e.value for e in self.extensions if e.name == "subjectAltName"), [])
        ask = f" for {', '.join(names)}" if names else ""
        verdict = "its signature checks" if self.signature_valid else "its signature does NOT check"
        if self.signature_note:
            verdict = f"its signature was not checked: {self.signature_note}"
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
            **({"signature_note": self.signature_note} if self.signature_note else {}),
            **_unreadable_json(self.unreadable),
        }


@dataclass(frozen=True)
class RevokedEntry:
    """One revoked serial of a CRL."""

    serial: int
    """The revoked certificate's serial."""
    revoked_at: dt.datetime
    """When it was revoked."""
    reason: str | None
    """The reason code's name as RFC 5280 spells it (``keyCompromise``), when given."""
    invalidity_date: dt.datetime | None = None
    """When the key is known or suspected to have been compromised (the invalidityDate entry extension)."""
    certificate_issuer: tuple[str, ...] = ()
    """The certificateIssuer entry extension (an indirect CRL: who issued this and the next entries)."""
    extensions: tuple[ExtensionInfo, ...] = ()
    """Every entry extension, decoded (reason, invalidity date, certificate issuer, unknown ones)."""

    def to_json(self) -> dict[str, Any]:
        """``{"serial", "revoked_at", "reason"}`` and, when present, the other entry extensions."""
        out: dict[str, Any] = {
            "serial": format(self.serial, "x"),
            "revoked_at": format_iso8601(self.revoked_at),
            "reason": self.reason,
        }
        if self.invalidity_date is not None:
            out["invalidity_date"] = format_iso8601(self.invalidity_date)
        if self.certificate_issuer:
            out["certificate_issuer"] = list(self.certificate_issuer)
        known = ("cRLReason", "invalidityDate", "certificateIssuer")
        other = [e.to_json() for e in self.extensions if e.name not in known]
        if other:
            out["extensions"] = other
        return out


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
    unreadable: tuple[str, ...] = ()
    """Each field that could not be read, with why."""

    @property
    def overdue(self) -> bool:
        """The next update is in the past."""
        return self.next_update is not None and self.now > self.next_update

    def _extension_value(self, name: str) -> Any:
        found = next((e for e in self.extensions if e.name == name), None)
        return None if found is None else found.value

    @property
    def crl_number(self) -> int | None:
        """The CRL number (RFC 5280 5.2.3): it grows with each CRL the issuer publishes."""
        value = self._extension_value("cRLNumber")
        return value if isinstance(value, int) else None

    @property
    def delta_of(self) -> int | None:
        """For a delta CRL, the number of the base CRL it updates (the deltaCRLIndicator); else None."""
        value = self._extension_value("deltaCRLIndicator")
        return value if isinstance(value, int) else None

    @property
    def scope(self) -> dict[str, Any] | None:
        """The issuing distribution point (which certificates this CRL covers), decoded; else None."""
        value = self._extension_value("issuingDistributionPoint")
        return value if isinstance(value, dict) and "hex" not in value else None

    def scope_lines(self) -> tuple[str, ...]:
        """The issuing distribution point for people (empty: the CRL covers everything its issuer issued)."""
        found = next((e for e in self.extensions if e.name == "issuingDistributionPoint"), None)
        return () if found is None else found.lines

    def sentence(self) -> str:
        """One line for people."""
        due = ""
        if self.next_update is not None:
            when = describe_delta(self.next_update, self.now)
            due = f"; next update {'was due ' + when if self.overdue else 'due ' + when}"
        kind = f"delta CRL (changes since CRL number {self.delta_of})" if self.delta_of is not None else ""
        if kind:
            due += f"; a {kind}"
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
            "crl_number": self.crl_number,
            "delta_crl_indicator": self.delta_of,
            "issuing_distribution_point": self.scope,
            "revoked": [r.to_json() for r in self.revoked],
            "summary": self.sentence(),
            **_unreadable_json(self.unreadable),
        }


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
    unreadable: tuple[str, ...] = ()
    """Why the key cannot be read, when it cannot (a type not supported)."""

    def describe(self) -> str:
        """``RSA 2048``, ``EC P-256``... or ``type hidden until it is decrypted``."""
        if self.public_key is None:
            return "type hidden until it is decrypted"
        return self.public_key.describe()

    def sentence(self) -> str:
        """One line for people."""
        what = "private key" if self.private else "public key"
        if self.public_key is None:
            return f"An encrypted {what} ({self.format}): {self.note}."
        enc = ", encrypted" if self.encrypted else ""
        name = self.public_key.describe()
        return f"{key_article(name).capitalize()} {name} {what} ({self.format}{enc})."

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
        out.update(_unreadable_json(self.unreadable))
        return out


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


@dataclass(frozen=True)
class CertIdInfo:
    """An OCSP CertID: which certificate a request asks about, or a response answers for."""

    hash_algorithm: str
    """The hash of the two issuer hashes (``sha1``, ``sha256``)."""
    issuer_name_hash: str
    """Hash of the issuer's name (DER), lowercase hex."""
    issuer_key_hash: str
    """Hash of the issuer's public key (the BIT STRING of its SPKI), lowercase hex."""
    serial: int
    """The certificate's serial number."""

    def to_json(self) -> dict[str, Any]:
        """``{"hash_algorithm", "issuer_name_hash", "issuer_key_hash", "serial"}`` (serial in hex)."""
        return {
            "hash_algorithm": self.hash_algorithm,
            "issuer_name_hash": self.issuer_name_hash,
            "issuer_key_hash": self.issuer_key_hash,
            "serial": format(self.serial, "x"),
        }


@dataclass(frozen=True)
class OcspSingleInfo:
    """One answer of an OCSP response: a certificate's status as of ``this_update``."""

    cert_id: CertIdInfo | None
    """Which certificate (None when it cannot be read)."""
    status: str
    """``good``, ``revoked`` or ``unknown``."""
    revoked_at: dt.datetime | None
    """When it was revoked (status revoked)."""
    reason: str | None
    """Why (the reason code's name), when the responder says."""
    this_update: dt.datetime | None
    """When this status was known to be right."""
    next_update: dt.datetime | None
    """When newer information will be available (None: at any time)."""

    def to_json(self) -> dict[str, Any]:
        """The single response's JSON object."""
        return {
            "cert_id": self.cert_id.to_json() if self.cert_id is not None else None,
            "status": self.status,
            "revoked_at": format_iso8601(self.revoked_at) if self.revoked_at else None,
            "reason": self.reason,
            "this_update": format_iso8601(self.this_update) if self.this_update else None,
            "next_update": format_iso8601(self.next_update) if self.next_update else None,
        }


#: What each OCSP response status means (RFC 6960 4.2.1), for people.
OCSP_STATUS_MEANING = {
    "successful": "the responder answered (the answers follow)",
    "malformedRequest": "the responder could not read the request",
    "internalError": "the responder failed inside",
    "tryLater": "the responder is busy or not ready: try later",
    "sigRequired": "the responder wants the request signed",
    "unauthorized": "the responder does not answer for this certificate's issuer, or not for this client",
}


@dataclass(frozen=True)
class OcspResponseInfo:
    """An OCSP response (RFC 6960): its status and, when successful, the signed answers."""

    response_status: str
    """``successful``, ``malformedRequest``, ``internalError``, ``tryLater``, ``sigRequired``,
    ``unauthorized``."""
    now: dt.datetime
    """The moment it was judged at."""
    responder: str | None = None
    """The responder id: ``name: CN=...`` or ``key hash: ab12...``."""
    produced_at: dt.datetime | None = None
    """When the responder signed it."""
    signature_algorithm: str | None = None
    """How it is signed."""
    responses: tuple[OcspSingleInfo, ...] = ()
    """One answer per certificate asked about."""
    nonce: str | None = None
    """The nonce extension's value, lowercase hex (it echoes the request's)."""
    extensions: tuple[ExtensionInfo, ...] = ()
    """Response extensions (the nonce...)."""
    certificates: tuple[str, ...] = ()
    """Subjects of the certificates it carries (a delegated responder's, to check its signature)."""
    unreadable: tuple[str, ...] = ()
    """Each field that could not be read, with why."""

    @property
    def successful(self) -> bool:
        """The responder answered (the answers are in :attr:`responses`)."""
        return self.response_status == "successful"

    @property
    def stale(self) -> bool:
        """An answer's next update is in the past."""
        return any(r.next_update is not None and self.now > r.next_update for r in self.responses)

    def sentence(self) -> str:
        """One line for people."""
        if not self.successful:
            meaning = OCSP_STATUS_MEANING.get(self.response_status, "")
            return (f"An OCSP response that answers nothing: {self.response_status}"
                    + (f" ({meaning})." if meaning else "."))
        who = self.responder or "an unnamed responder"
        states = []
        for single in self.responses:
            serial = f"serial {format(single.cert_id.serial, 'x')}" if single.cert_id else "a certificate"
            state = single.status
            if single.status == "revoked" and single.revoked_at is not None:
                state += f" since {single.revoked_at:%Y-%m-%d}"
                state += f" ({single.reason})" if single.reason else ""
            states.append(f"{serial} is {state}")
        told = "; ".join(states) or "no certificate"
        when = f", signed {self.produced_at:%Y-%m-%d %H:%M} UTC" if self.produced_at else ""
        stale = "; its next update is past" if self.stale else ""
        return f"The OCSP responder ({who}) says {told}{when}{stale}."

    def to_json(self) -> dict[str, Any]:
        """The CLI JSON object."""
        out: dict[str, Any] = {"response_status": self.response_status}
        if self.successful:
            out.update({
                "responder": self.responder,
                "produced_at": format_iso8601(self.produced_at) if self.produced_at else None,
                "signature_algorithm": self.signature_algorithm,
                "responses": [r.to_json() for r in self.responses],
                "nonce": self.nonce,
                "extensions": [e.to_json() for e in self.extensions],
                "certificates": list(self.certificates),
                "stale": self.stale,
            })
        else:
            out["meaning"] = OCSP_STATUS_MEANING.get(self.response_status, "")
        out["summary"] = self.sentence()
        out.update(_unreadable_json(self.unreadable))
        return out


@dataclass(frozen=True)
class OcspRequestInfo:
    """An OCSP request: which certificate it asks about, and its nonce."""

    cert_ids: tuple[CertIdInfo, ...]
    """The certificates asked about."""
    nonce: str | None
    """The nonce extension's value, lowercase hex (the response should echo it)."""
    extensions: tuple[ExtensionInfo, ...] = ()
    """Request extensions."""
    unreadable: tuple[str, ...] = ()
    """Each field that could not be read, with why."""

    def sentence(self) -> str:
        """One line for people."""
        serials = ", ".join(format(c.serial, "x") for c in self.cert_ids) or "no certificate"
        nonce = "with a nonce" if self.nonce else "without a nonce (a replayed answer cannot be told apart)"
        return f"An OCSP request asking about serial {serials}, {nonce}."

    def to_json(self) -> dict[str, Any]:
        """The CLI JSON object."""
        return {
            "cert_ids": [c.to_json() for c in self.cert_ids],
            "nonce": self.nonce,
            "extensions": [e.to_json() for e in self.extensions],
            "summary": self.sentence(),
            **_unreadable_json(self.unreadable),
        }


Info = CertificateInfo | CsrInfo | CrlInfo | KeyInfo | ContainerInfo | OcspResponseInfo | OcspRequestInfo


__all__ = [
    "OCSP_STATUS_MEANING",
    "CertIdInfo",
    "CertificateInfo",
    "ContainerInfo",
    "CrlInfo",
    "CsrInfo",
    "ExtensionInfo",
    "Finding",
    "Info",
    "KeyInfo",
    "OcspRequestInfo",
    "OcspResponseInfo",
    "OcspSingleInfo",
    "PublicKeyInfo",
    "RevokedEntry",
]
