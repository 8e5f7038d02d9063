"""Facts about one certificate, read once per verification: its raw DER fields, extensions and names."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtensionOID,
)

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.der import children, decode_oid, encode_tlv, name_bytes, read_tlv
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.text import name_text
from tlsexplorer.core.x509.naming import describe_key, extension_name, oid_name

# ---------------------------------------------------------------------------
# The raw DER fields the Python API does not expose (raw algorithm identifiers,
# serial encoding, time encodings, extension criticality even when a value does
# not parse), read through core.der.


@dataclass(frozen=True)
class _RawExtension:
    oid: str
    critical: bool
    value: bytes
    tlv: bytes


@dataclass(frozen=True)
class _Raw:
    version: int
    serial: bytes
    tbs_sigalg: bytes
    sigalg: bytes
    times: tuple[tuple[int, bytes], tuple[int, bytes]]
    spki_alg: bytes
    head: bytes
    extensions: tuple[_RawExtension, ...]

    def criticality(self) -> dict[str, bool]:
        return {e.oid: e.critical for e in self.extensions}

    def get(self, oid: x509.ObjectIdentifier) -> _RawExtension | None:
        for ext in self.extensions:
            if ext.oid == oid.dotted_string:
                return ext
        return None


def _raw(der: bytes) -> _Raw:
    """The raw fields of a DER certificate.

    Raises:
        InvalidInput: malformed DER. IndexError: too few fields.
    """
    _, c0, e0 = read_tlv(der, 0)
    top = children(der, c0, e0)
    _, _, tbs_c, tbs_e = top[0]
    sig = der[top[1][1] : top[1][3]]
    fields = children(der, tbs_c, tbs_e)
    version = 0
    head_start = fields[0][1]
    if fields[0][0] == 0xA0:
        _, vc, ve = read_tlv(der, fields[0][2], fields[0][3])
        version = int.from_bytes(der[vc:ve], "big")
        fields = fields[1:]
    serial = der[fields[0][2] : fields[0][3]]
    tbs_sigalg = der[fields[1][1] : fields[1][3]]
    validity = children(der, fields[3][2], fields[3][3])
    times = tuple((t[0], der[t[2] : t[3]]) for t in validity[:2])
    spki = children(der, fields[5][2], fields[5][3])
    spki_alg = der[spki[0][1] : spki[0][3]]
    head = der[head_start : fields[5][3]]
    extensions: list[_RawExtension] = []
    for item in fields[6:]:
        if item[0] == 0xA3:
            _, sc, se = read_tlv(der, item[2], item[3])
            for ext in children(der, sc, se):
                parts = children(der, ext[2], ext[3])
                oid = decode_oid(der[parts[0][2] : parts[0][3]])
                critical = len(parts) == 3 and parts[1][0] == 0x01 and der[parts[1][2]] != 0
                value = der[parts[-1][2] : parts[-1][3]]
                extensions.append(_RawExtension(oid, critical, value, der[ext[1] : ext[3]]))
    return _Raw(version, serial, tbs_sigalg, sig, (times[0], times[1]), spki_alg, head, tuple(extensions))


def _single_extension(raw: _Raw, ext: _RawExtension) -> x509.Extension[x509.ExtensionType]:
    """Parse one extension alone, by reading a throw-away certificate holding only it."""
    tbs = encode_tlv(0x30, raw.head + encode_tlv(0xA3, encode_tlv(0x30, ext.tlv)))
    der = encode_tlv(0x30, tbs + raw.sigalg + b"\x03\x02\x00\x00")
    cert = x509.load_der_x509_certificate(der)
    return next(iter(cert.extensions))


#: Extensions the verifier reads the value of (a malformed one fails it).
_PARSED_BY_VERIFIER = {
    ExtensionOID.AUTHORITY_INFORMATION_ACCESS.dotted_string,
    ExtensionOID.KEY_USAGE.dotted_string,
    ExtensionOID.SUBJECT_ALTERNATIVE_NAME.dotted_string,
    ExtensionOID.BASIC_CONSTRAINTS.dotted_string,
    ExtensionOID.NAME_CONSTRAINTS.dotted_string,
    ExtensionOID.EXTENDED_KEY_USAGE.dotted_string,
}


# ---------------------------------------------------------------------------
# Facts about one certificate, computed once per verification.


@dataclass
class _Facts:
    cert: x509.Certificate
    der: bytes
    fingerprint: bytes
    subject: bytes
    issuer: bytes
    raw: _Raw | None
    raw_error: str | None
    extensions: dict[x509.ObjectIdentifier, x509.Extension[x509.ExtensionType]]
    extensions_error: str | None
    ski: bytes | None
    aki: bytes | None
    self_issued: bool
    unreadable: tuple[safe.Unreadable, ...] = ()

    def ext(self, kind: type[x509.ExtensionType]) -> x509.Extension[x509.ExtensionType] | None:
        return self.extensions.get(kind.oid)


def _read_extensions(
    cert: x509.Certificate, raw: _Raw | None
) -> tuple[dict[x509.ObjectIdentifier, x509.Extension[x509.ExtensionType]], str | None]:
    if raw is not None:
        seen: set[str] = set()
        for ext in raw.extensions:
            if ext.oid in seen:
                return {}, f"the extension {_ext_name(ext.oid)} appears twice"
            seen.add(ext.oid)
    read = safe.extensions(cert)
    if not isinstance(read, safe.Unreadable):
        return {e.oid: e for e in read}, None
    if raw is None:
        return {}, read.sentence
    found: dict[x509.ObjectIdentifier, x509.Extension[x509.ExtensionType]] = {}
    problems: list[str] = []
    for ext in raw.extensions:
        try:
            parsed = _single_extension(raw, ext)
        except Exception as exc:  # the library fails in ways it does not document
            if ext.oid in _PARSED_BY_VERIFIER:
                problems.append(f"the {_ext_name(ext.oid)} extension could not be read ({safe.explain(exc)})")
            continue
        found[parsed.oid] = parsed
    return found, "; ".join(problems) or None


def _raw_aki_key_id(raw: _Raw | None) -> tuple[bool, bool]:
    """(AKI readable, has keyIdentifier) read from the DER, as the verifier does."""
    if raw is None:
        return False, False
    ext = raw.get(ExtensionOID.AUTHORITY_KEY_IDENTIFIER)
    if ext is None:
        return True, False
    try:
        tag, start, end = read_tlv(ext.value, 0)
        if tag != 0x30 or end != len(ext.value):
            return False, False
        items = children(ext.value, start, end)
    except InvalidInput:
        return False, False
    return True, any(item[0] == 0x80 for item in items)


def _facts(cert: x509.Certificate) -> _Facts:
    # Some trusted roots have a zero serial; the library warns on reading them. The
    # checklist says what matters about serials itself.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return _facts_unchecked(cert)


def _facts_unchecked(cert: x509.Certificate) -> _Facts:
    der = safe.certificate_der(cert)
    raw: _Raw | None
    raw_error: str | None = None
    try:
        raw = _raw(der)
    except (InvalidInput, IndexError) as exc:
        raw, raw_error = None, f"its DER structure could not be read ({exc})"
    extensions, ext_error = _read_extensions(cert, raw)
    ski = aki = None
    for ext in extensions.values():
        if isinstance(ext.value, x509.SubjectKeyIdentifier):
            ski = ext.value.digest
        elif isinstance(ext.value, x509.AuthorityKeyIdentifier):
            aki = ext.value.key_identifier
    issuer, subject = name_bytes(cert)
    unreadable = tuple(u for u in safe.problems(cert) if u.field != "extensions")
    return _Facts(
        cert,
        der,
        cert.fingerprint(hashes.SHA256()),
        subject,
        issuer,
        raw,
        raw_error,
        extensions,
        ext_error,
        ski,
        aki,
        subject == issuer,
        unreadable,
    )


def describe(cert: x509.Certificate) -> str:
    """A short name for a certificate: its CN, else its whole subject (control characters
    escaped: a server chose it)."""
    return safe.short(cert)


def _name_text(name: x509.Name) -> str:
    return name_text(name) or "(empty name)"


def name_of(cert: x509.Certificate, role: str = "issuer") -> str:
    """A certificate's issuer (or subject) as text for people, or why it cannot be read."""
    found = safe.name(cert, role)
    if isinstance(found, safe.Unreadable):
        return f"(unreadable {role}: {found.sentence})"
    return _name_text(found)


def key_description(cert: x509.Certificate) -> str:
    """The certificate's key by its one name (``RSA 2048``, ``EC P-256``, ``Ed25519``), or why
    it cannot be read."""
    key = safe.public_key(cert)
    if isinstance(key, safe.Unreadable):  # unsupported or malformed key
        return f"unreadable key ({key.sentence})"
    return describe_key(key)


def signature_algorithm_name(cert: x509.Certificate) -> str:
    """The certificate's signature algorithm by name (``sha256WithRSAEncryption``; dotted when unnamed)."""
    return oid_name(cert.signature_algorithm_oid)


def aia_issuer_urls(cert: x509.Certificate) -> tuple[str, ...]:
    """The AIA caIssuers URLs: where the issuer's certificate can be downloaded."""
    extensions = safe.extensions(cert)
    if isinstance(extensions, safe.Unreadable):
        return ()
    try:
        aia = extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(
        str(d.access_location.value)
        for d in aia
        if d.access_method == AuthorityInformationAccessOID.CA_ISSUERS
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
    )


def _ext_name(dotted: str) -> str:
    """``keyUsage (2.5.29.15)``; an unnamed extension as its OID (``2.999.3``)."""
    return extension_name(dotted, with_dotted=True)


def fingerprint_hex(cert: x509.Certificate) -> str:
    """SHA-256 fingerprint, lowercase hex without separators."""
    return cert.fingerprint(hashes.SHA256()).hex()


__all__ = [
    "aia_issuer_urls",
    "describe",
    "fingerprint_hex",
    "key_description",
    "name_of",
    "signature_algorithm_name",
]
