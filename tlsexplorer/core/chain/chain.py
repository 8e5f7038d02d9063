"""Build and verify certificate chains, with every check of every link explained.

The verdict comes from the cryptography library's verifier
(:mod:`cryptography.x509.verification`): a policy with a store of trust
anchors, a validation time, a maximum depth and a server or client profile.
It is the authority. Beside it, :func:`verify_chain` builds the chain itself
(issuers found by name, key identifiers and signature; every alternative path;
loops, self-signed leaves and thousands of candidates in bounded time) and runs
an explained checklist on every link that mirrors the verifier's rules one by
one, each failure saying in plain words what is wrong and how to fix it.

The two must agree: "every check passed" exactly when the verifier accepts.
Tests hold them to it on hand-made bad chains and on the public x509-limbo
cases.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shlex
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    ExtensionOID,
    NameOID,
)
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from tlsexplorer.core.errors import UsageError
from tlsexplorer.core.text import name_text, printable
from tlsexplorer.core.timeutil import as_utc, format_iso8601
from tlsexplorer.core.x509.summary import key_usage_names, short_name

Purpose = Literal["server", "client"]

#: The verifier's default maximum number of intermediates (cryptography's policy).
DEFAULT_MAX_DEPTH = 8
#: Most alternative paths collected for display.
MAX_PATHS = 24
#: Most signature checks the chain builder spends (the verifier's own budget is 128).
SIGNATURE_BUDGET = 512
#: Most candidate issuers looked at for one certificate.
CANDIDATES_PER_CERT = 32
#: Most certificates with the same subject looked at for one issuer name.
MAX_SAME_NAME = 4096

#: Every check of the checklist, in the order shown, with its title.
CHECKS: dict[str, str] = {
    "well_formed": "well-formed",
    "validity": "validity",
    "issuer_name": "issuer name",
    "signature_algorithm": "signature algorithm",
    "signature": "signature",
    "issuer_key": "issuer key",
    "basic_constraints": "basic constraints",
    "path_length": "path length",
    "key_usage": "key usage",
    "extended_key_usage": "extended key usage",
    "name_constraints": "name constraints",
    "critical_extensions": "critical extensions",
    "extensions": "extension profile",
    "subject_alt_name": "host name / IP",
    "common_name": "common name",
    "depth": "depth",
    "trust_anchor": "trust anchor",
    "search_budget": "search budget",
}

_KNOWN_EXTENSIONS = {
    ExtensionOID.AUTHORITY_INFORMATION_ACCESS,
    ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
    ExtensionOID.SUBJECT_KEY_IDENTIFIER,
    ExtensionOID.KEY_USAGE,
    ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
    ExtensionOID.BASIC_CONSTRAINTS,
    ExtensionOID.NAME_CONSTRAINTS,
    ExtensionOID.EXTENDED_KEY_USAGE,
}

# AlgorithmIdentifier encodings the verifier's web PKI policy permits
# (CA/Browser Forum Baseline Requirements 7.1.3.1 and 7.1.3.2).
_SPKI_ALLOWED = {
    bytes.fromhex("300d06092a864886f70d0101010500"): "RSA",
    bytes.fromhex("301306072a8648ce3d020106082a8648ce3d030107"): "EC P-256",
    bytes.fromhex("301006072a8648ce3d020106052b81040022"): "EC P-384",
    bytes.fromhex("301006072a8648ce3d020106052b81040023"): "EC P-521",
}
_PSS = (
    "3041"
    "06092a864886f70d01010a"
    "3034"
    "a00f"
    "300d"
    "0609"
    "60864801650304020{h}"
    "0500"
    "a11c"
    "301a"
    "06092a864886f70d010108"
    "300d"
    "0609"
    "60864801650304020{h}"
    "0500"
    "a203"
    "0201"
    "{s}"
)
_SIG_ALLOWED = {
    bytes.fromhex("300d06092a864886f70d01010b0500"): "sha256WithRSAEncryption",
    bytes.fromhex("300d06092a864886f70d01010c0500"): "sha384WithRSAEncryption",
    bytes.fromhex("300d06092a864886f70d01010d0500"): "sha512WithRSAEncryption",
    bytes.fromhex(_PSS.format(h="1", s="20")): "RSASSA-PSS SHA-256",
    bytes.fromhex(_PSS.format(h="2", s="30")): "RSASSA-PSS SHA-384",
    bytes.fromhex(_PSS.format(h="3", s="40")): "RSASSA-PSS SHA-512",
    bytes.fromhex("300a06082a8648ce3d040302"): "ecdsa-with-SHA256",
    bytes.fromhex("300a06082a8648ce3d040303"): "ecdsa-with-SHA384",
    bytes.fromhex("300a06082a8648ce3d040304"): "ecdsa-with-SHA512",
}

_EKU_NAMES = {
    ExtendedKeyUsageOID.SERVER_AUTH: "serverAuth",
    ExtendedKeyUsageOID.CLIENT_AUTH: "clientAuth",
    ExtendedKeyUsageOID.CODE_SIGNING: "codeSigning",
    ExtendedKeyUsageOID.EMAIL_PROTECTION: "emailProtection",
    ExtendedKeyUsageOID.TIME_STAMPING: "timeStamping",
    ExtendedKeyUsageOID.OCSP_SIGNING: "OCSPSigning",
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE: "anyExtendedKeyUsage",
}


@dataclass(frozen=True)
class Finding:
    """One check of one certificate in the chain, and its outcome."""

    certificate: int
    """Index of the certificate in the chain (0 is the leaf)."""
    check: str
    """Which check (a key of :data:`CHECKS`)."""
    ok: bool
    """Whether it passed."""
    message: str
    """What was checked and what was found, in plain words."""
    fix: str | None = None
    """How to fix it (failures only)."""

    @property
    def title(self) -> str:
        """The check's title."""
        return CHECKS.get(self.check, self.check)


@dataclass(frozen=True)
class MissingIssuer:
    """The issuer the chain builder could not find."""

    certificate: int
    """Index of the certificate whose issuer is missing."""
    issuer: str
    """The missing issuer's name (RFC 4514)."""
    urls: tuple[str, ...]
    """Where it can be downloaded (the certificate's AIA caIssuers URLs)."""
    fix: str
    """What to do."""


@dataclass(frozen=True)
class OpensslFiles:
    """File names for the equivalent ``openssl verify`` command line."""

    leaf: str = "leaf.pem"
    """The leaf (or the bundle starting with it)."""
    untrusted: tuple[str, ...] = ()
    """Files of intermediates (``-untrusted``)."""
    cafile: tuple[str, ...] = ()
    """Files of trust anchors (``-CAfile``)."""


@dataclass(frozen=True)
class ChainReport:
    """The verifier's verdict and the explained checklist of the chain built."""

    valid: bool
    """The verifier's verdict."""
    error: str | None
    """The verifier's message when it said no."""
    chain: tuple[x509.Certificate, ...]
    """Leaf first: the verified chain, or the best partial path built."""
    findings: tuple[Finding, ...]
    """Every check of every link of :attr:`chain`."""
    openssl_command: str
    """The equivalent ``openssl verify`` command line."""
    trusted: bool = False
    """Whether :attr:`chain` ends at a trust anchor."""
    paths: tuple[tuple[x509.Certificate, ...], ...] = ()
    """Every path built (the shown one first): more than one means alternatives."""
    path_findings: tuple[tuple[Finding, ...], ...] = ()
    """The checklist of each of :attr:`paths` (the first is :attr:`findings`)."""
    missing: MissingIssuer | None = None
    """The issuer that could not be found, when that is where the chain stops."""
    at: dt.datetime | None = None
    """The validation time."""
    host: str | None = None
    """The host name or IP checked (None: none given)."""
    purpose: Purpose = "server"
    """server or client."""
    max_depth: int = DEFAULT_MAX_DEPTH
    """The maximum number of intermediates."""
    anchor_count: int = 0
    """How many trust anchors were offered."""
    bundle_anchors: tuple[int, ...] = ()
    """Indexes in :attr:`chain` trusted only because "trust the root in this bundle" was asked."""
    notes: tuple[str, ...] = ()
    """Remarks on how the chain was built (loops skipped, budgets, skipped name check)."""

    @property
    def checklist_ok(self) -> bool:
        """True when every check of the checklist passed."""
        return all(f.ok for f in self.findings)

    @property
    def agrees(self) -> bool:
        """Whether the checklist and the verifier agree (disagreement is a bug of ours)."""
        return self.checklist_ok == self.valid

    def findings_for(self, index: int) -> tuple[Finding, ...]:
        """The findings of one certificate of :attr:`chain`."""
        return tuple(f for f in self.findings if f.certificate == index)

    def failures(self) -> tuple[Finding, ...]:
        """The failed checks."""
        return tuple(f for f in self.findings if not f.ok)


# ---------------------------------------------------------------------------
# A little DER reading: what the Python API does not expose (raw algorithm
# identifiers, serial encoding, time encodings, extension criticality even
# when a value does not parse).


def _tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, content start, end) of the TLV at ``pos``."""
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:
        while data[pos] & 0x80:
            pos += 1
        pos += 1
    length = data[pos]
    pos += 1
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4:
            raise ValueError("unsupported DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    end = pos + length
    if end > len(data):
        raise ValueError("truncated DER")
    return tag, pos, end


def _items(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """The TLVs between ``start`` and ``end`` as (tag, tlv start, content start, end)."""
    out: list[tuple[int, int, int, int]] = []
    pos = start
    while pos < end:
        tag, content, stop = _tlv(data, pos)
        out.append((tag, pos, content, stop))
        pos = stop
    return out


def _oid_text(raw: bytes) -> str:
    first = raw[0]
    parts = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    value = 0
    for byte in raw[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


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
    _, c0, e0 = _tlv(der, 0)
    top = _items(der, c0, e0)
    _, _, tbs_c, tbs_e = top[0]
    sig = der[top[1][1] : top[1][3]]
    fields = _items(der, tbs_c, tbs_e)
    version = 0
    head_start = fields[0][1]
    if fields[0][0] == 0xA0:
        _, vc, ve = _tlv(der, fields[0][2])
        version = int.from_bytes(der[vc:ve], "big")
        fields = fields[1:]
    serial = der[fields[0][2] : fields[0][3]]
    tbs_sigalg = der[fields[1][1] : fields[1][3]]
    validity = _items(der, fields[3][2], fields[3][3])
    times = tuple((t[0], der[t[2] : t[3]]) for t in validity[:2])
    spki = _items(der, fields[5][2], fields[5][3])
    spki_alg = der[spki[0][1] : spki[0][3]]
    head = der[head_start : fields[5][3]]
    extensions: list[_RawExtension] = []
    for item in fields[6:]:
        if item[0] == 0xA3:
            _, sc, se = _tlv(der, item[2])
            for ext in _items(der, sc, se):
                parts = _items(der, ext[2], ext[3])
                oid = _oid_text(der[parts[0][2] : parts[0][3]])
                critical = len(parts) == 3 and parts[1][0] == 0x01 and der[parts[1][2]] != 0
                value = der[parts[-1][2] : parts[-1][3]]
                extensions.append(_RawExtension(oid, critical, value, der[ext[1] : ext[3]]))
    return _Raw(version, serial, tbs_sigalg, sig, (times[0], times[1]), spki_alg, head, tuple(extensions))


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _wrap(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


def _single_extension(raw: _Raw, ext: _RawExtension) -> x509.Extension[x509.ExtensionType]:
    """Parse one extension alone, by reading a throw-away certificate holding only it."""
    tbs = _wrap(0x30, raw.head + _wrap(0xA3, _wrap(0x30, ext.tlv)))
    der = _wrap(0x30, tbs + raw.sigalg + b"\x03\x02\x00\x00")
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
    try:
        return {e.oid: e for e in cert.extensions}, None
    except (ValueError, TypeError, x509.DuplicateExtension, x509.UnsupportedGeneralNameType) as exc:
        if raw is None:
            return {}, f"an extension could not be read ({exc})"
    found: dict[x509.ObjectIdentifier, x509.Extension[x509.ExtensionType]] = {}
    problems: list[str] = []
    for ext in raw.extensions:
        try:
            parsed = _single_extension(raw, ext)
        except (ValueError, TypeError, StopIteration, x509.UnsupportedGeneralNameType) as exc:
            if ext.oid in _PARSED_BY_VERIFIER:
                problems.append(f"the {_ext_name(ext.oid)} extension could not be read ({exc})")
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
        tag, start, end = _tlv(ext.value, 0)
        if tag != 0x30 or end != len(ext.value):
            return False, False
        items = _items(ext.value, start, end)
    except (ValueError, IndexError):
        return False, False
    return True, any(item[0] == 0x80 for item in items)


def _facts(cert: x509.Certificate) -> _Facts:
    # Some trusted roots have a zero serial; the library warns on reading them. The
    # checklist says what matters about serials itself.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return _facts_unchecked(cert)


def _facts_unchecked(cert: x509.Certificate) -> _Facts:
    der = cert.public_bytes(serialization.Encoding.DER)
    raw: _Raw | None
    raw_error: str | None = None
    try:
        raw = _raw(der)
    except (ValueError, IndexError) as exc:
        raw, raw_error = None, f"its DER structure could not be read ({exc})"
    extensions, ext_error = _read_extensions(cert, raw)
    ski = aki = None
    for ext in extensions.values():
        if isinstance(ext.value, x509.SubjectKeyIdentifier):
            ski = ext.value.digest
        elif isinstance(ext.value, x509.AuthorityKeyIdentifier):
            aki = ext.value.key_identifier
    issuer, subject = name_bytes(cert)
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
    )


def describe(cert: x509.Certificate) -> str:
    """A short name for a certificate: its CN, else its whole subject (control characters
    escaped: a server chose it)."""
    return short_name(cert.subject)


def _name_text(name: x509.Name) -> str:
    return name_text(name) or "(empty name)"


def key_description(cert: x509.Certificate) -> str:
    """``RSA 2048``, ``EC secp256r1``, ``Ed25519``..."""
    try:
        key = cert.public_key()
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:  # unsupported or malformed key
        return f"unreadable key ({exc})"
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448"
    if isinstance(key, dsa.DSAPublicKey):
        return f"DSA {key.key_size}"
    return type(key).__name__


def signature_algorithm_name(cert: x509.Certificate) -> str:
    """The certificate's signature algorithm by name (``sha256WithRSAEncryption``)."""
    oid = cert.signature_algorithm_oid
    name = oid._name
    return name if name and name != "Unknown OID" else oid.dotted_string


def aia_issuer_urls(cert: x509.Certificate) -> tuple[str, ...]:
    """The AIA caIssuers URLs: where the issuer's certificate can be downloaded."""
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except (x509.ExtensionNotFound, ValueError, x509.DuplicateExtension):
        return ()
    return tuple(
        str(d.access_location.value)
        for d in aia
        if d.access_method == AuthorityInformationAccessOID.CA_ISSUERS
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
    )


# ---------------------------------------------------------------------------
# Names: DNS patterns, host matching and name constraints, as the verifier
# defines them (RFC 5280, RFC 6125 6.4.3, CA/B Forum).


def _dns_ok(value: str) -> bool:
    if not value or len(value) > 253 or not value.isascii():
        return False
    for label in value.split("."):
        if not label or len(label) > 63 or label[0] == "-" or label[-1] == "-":
            return False
        if not all(c.isalnum() or c == "-" for c in label):
            return False
    return True


def _labels(value: str) -> list[str]:
    return value.lower().split(".")[::-1]


def _pattern(value: str) -> tuple[str, str] | None:
    """("exact"|"wildcard", name) or None when the SAN is no valid DNS pattern."""
    if value.startswith("*."):
        base = value[2:]
        return ("wildcard", base) if _dns_ok(base) else None
    return ("exact", value) if _dns_ok(value) else None


def _parent(value: str) -> str | None:
    if "." not in value:
        return None
    parent = value.split(".", 1)[1]
    return parent if _dns_ok(parent) else None


def dns_pattern_matches(pattern: str, host: str) -> bool:
    """Whether a DNS SAN (possibly ``*.example.net``) matches a host name.

    A wildcard stands for exactly one whole leftmost label: ``*.example.net``
    matches ``www.example.net`` but neither ``example.net`` nor
    ``a.b.example.net``; partial wildcards (``w*.example.net``) match nothing.
    """
    parsed = _pattern(pattern)
    if parsed is None or not _dns_ok(host):
        return False
    kind, name = parsed
    if kind == "exact":
        return name.lower() == host.lower()
    parent = _parent(host)
    return parent is not None and parent.lower() == name.lower()


def _constraint_matches(constraint: str, name: str) -> bool:
    return len(name) >= len(constraint) and all(
        a == b for a, b in zip(_labels(constraint), _labels(name), strict=False)
    )


def _is_subdomain(name: str, parent: str) -> bool:
    return len(name) > len(parent) and all(
        a == b for a, b in zip(_labels(name), _labels(parent), strict=False)
    )


_ATEXT = set("!#$%&'*+-/=?^_`{|}~")


def _email(value: str) -> tuple[str, str] | None:
    if "@" not in value:
        return None
    local, domain = value.split("@", 1)
    if not local.isascii():
        return None
    for part in local.split("."):
        if not part or not all((c.isascii() and c.isalnum()) or c in _ATEXT for c in part):
            return None
    return (local, domain) if _dns_ok(domain) else None


class _ConstraintError(Exception):
    """The verifier refuses the comparison itself (malformed or unsupported)."""


def _apply(kind: str, constraint: x509.GeneralName, san: x509.GeneralName) -> bool | None:
    """True/False when the constraint applies to the SAN (same type), None when it does not."""
    if isinstance(constraint, x509.DNSName) and isinstance(san, x509.DNSName):
        pattern = _pattern(san.value)
        if pattern is None:
            raise _ConstraintError(f"the SAN {san.value!r} is not a valid DNS name")
        if not _dns_ok(constraint.value):
            raise _ConstraintError(f"the DNS name constraint {constraint.value!r} is malformed")
        c = constraint.value
        what, name = pattern
        if what == "exact":
            return _constraint_matches(c, name)
        if kind == "permitted":
            return _constraint_matches(c, name)
        parent = _parent(c)
        return _constraint_matches(c, name) or (parent is not None and parent.lower() == name.lower())
    if isinstance(constraint, x509.IPAddress) and isinstance(san, x509.IPAddress):
        network = constraint.value
        address = san.value
        if not isinstance(network, ipaddress.IPv4Network | ipaddress.IPv6Network):
            raise _ConstraintError("an IP name constraint is not an address range")
        if not isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address):
            raise _ConstraintError("an IP SAN is an address range, not an address")
        return address.version == network.version and address in network
    if isinstance(constraint, x509.RFC822Name) and isinstance(san, x509.RFC822Name):
        email = _email(san.value)
        if email is None:
            raise _ConstraintError(f"the email SAN {san.value!r} is malformed")
        c = constraint.value
        if c.startswith("."):
            if not _dns_ok(c[1:]):
                raise _ConstraintError(f"the email name constraint {c!r} is malformed")
            return _is_subdomain(email[1], c[1:])
        exact = _email(c)
        if exact is not None:
            return exact[0] == email[0] and exact[1].lower() == email[1].lower()
        if not _dns_ok(c):
            raise _ConstraintError(f"the email name constraint {c!r} is malformed")
        return email[1].lower() == c.lower()
    if isinstance(constraint, x509.DirectoryName) and isinstance(san, x509.DirectoryName):
        if kind == "permitted":
            raise _ConstraintError("directory-name constraints are not supported by the verifier")
        return False
    if type(constraint) is type(san):
        raise _ConstraintError(f"{type(san).__name__} name constraints are not supported by the verifier")
    return None


def _san_text(name: x509.GeneralName) -> str:
    value = name.value
    if isinstance(value, x509.Name):
        return name_text(value)
    return printable(str(value))


def _check_constraints(
    nc: x509.NameConstraints, names: Sequence[tuple[int, x509.GeneralName]]
) -> tuple[bool, str]:
    """Evaluate one CA's name constraints against the SANs below it (and its own)."""
    try:
        for index, san in names:
            permitted = True
            for subtree in nc.permitted_subtrees or ():
                status = _apply("permitted", subtree, san)
                if status is not None:
                    permitted = status
                    if permitted:
                        break
            if not permitted:
                return False, (
                    f"{_san_text(san)} (certificate {index}) is outside every permitted "
                    f"{type(san).__name__} subtree"
                )
            for subtree in nc.excluded_subtrees or ():
                if _apply("excluded", subtree, san):
                    return (
                        False,
                        f"{_san_text(san)} (certificate {index}) falls in the excluded {_san_text(subtree)}",
                    )
    except _ConstraintError as exc:
        return False, str(exc)
    return True, ""


def _describe_constraints(nc: x509.NameConstraints) -> str:
    parts = []
    if nc.permitted_subtrees:
        parts.append("permitted " + ", ".join(_san_text(n) for n in nc.permitted_subtrees))
    if nc.excluded_subtrees:
        parts.append("excluded " + ", ".join(_san_text(n) for n in nc.excluded_subtrees))
    return "; ".join(parts) or "empty"


# ---------------------------------------------------------------------------
# The checklist.


@dataclass
class _Settings:
    at: dt.datetime
    subject: x509.DNSName | x509.IPAddress | None
    host: str | None
    host_defaulted: bool
    purpose: Purpose
    max_depth: int
    eku: x509.ObjectIdentifier = field(default=ExtendedKeyUsageOID.SERVER_AUTH)


def _well_formed(i: int, f: _Facts, out: list[Finding]) -> None:
    problems: list[str] = []
    if f.raw is None:
        problems.append(f.raw_error or "unreadable")
    else:
        raw = f.raw
        if raw.version != 2:
            problems.append(f"it is X.509 version {raw.version + 1}, not 3")
        if not 1 <= len(raw.serial) <= 21:
            problems.append(f"its serial number is {len(raw.serial)} bytes long (1 to 20 allowed)")
        elif raw.serial[0] & 0x80:
            problems.append("its serial number is negative")
        if raw.sigalg != raw.tbs_sigalg:
            problems.append("the signature algorithm outside and inside the signed part differ")
        for tag, value in raw.times:
            if tag == 0x18 and value[:4].isdigit() and 1950 <= int(value[:4]) < 2050:
                problems.append("a validity date before 2050 is a GeneralizedTime (must be UTCTime)")
    if f.issuer == b"\x30\x00":
        problems.append("its issuer name is empty")
    if f.extensions_error:
        problems.append(f.extensions_error)
    if problems:
        out.append(
            Finding(
                i,
                "well_formed",
                False,
                "Malformed: " + "; ".join(dict.fromkeys(problems)) + ".",
                "Reissue the certificate with a standard CA tool (tlsexplorer ca); "
                "verifiers refuse malformed certificates.",
            )
        )
    else:
        out.append(Finding(i, "well_formed", True, "X.509 v3, positive serial, consistent encoding."))


def _validity(i: int, f: _Facts, s: _Settings, out: list[Finding]) -> None:
    nb, na = f.cert.not_valid_before_utc, f.cert.not_valid_after_utc
    span = f"valid from {format_iso8601(nb)} to {format_iso8601(na)}"
    if s.at < nb:
        out.append(
            Finding(
                i,
                "validity",
                False,
                f"Not yet valid at {format_iso8601(s.at)}: {span}.",
                "Wait until it starts, check the clock, or reissue it with an earlier start date.",
            )
        )
    elif s.at > na:
        out.append(
            Finding(
                i,
                "validity",
                False,
                f"Expired at {format_iso8601(s.at)}: {span}.",
                "Renew it: issue a new certificate for the same names and install it.",
            )
        )
    else:
        out.append(Finding(i, "validity", True, f"Valid at {format_iso8601(s.at)}: {span}."))


def _critical_extensions(i: int, f: _Facts, out: list[Finding]) -> None:
    if f.raw is None:
        return
    unknown = [
        oid
        for oid, critical in f.raw.criticality().items()
        if critical and x509.ObjectIdentifier(oid) not in _KNOWN_EXTENSIONS
    ]
    if unknown:
        names = ", ".join(_ext_name(oid) for oid in unknown)
        out.append(
            Finding(
                i,
                "critical_extensions",
                False,
                f"Critical extension(s) the verifier does not know: {names}. A critical extension "
                "that is not understood must make the certificate fail.",
                "Reissue the certificate with that extension marked non-critical, or without it.",
            )
        )
    else:
        out.append(
            Finding(i, "critical_extensions", True, "No critical extension the verifier does not know.")
        )


def _ext_name(dotted: str) -> str:
    oid = x509.ObjectIdentifier(dotted)
    name = oid._name
    return f"{name} ({dotted})" if name and name != "Unknown OID" else dotted


def _criticality(f: _Facts) -> dict[str, bool]:
    return f.raw.criticality() if f.raw is not None else {}


def _ee_checks(f: _Facts, s: _Settings, out: list[Finding]) -> None:
    crit = _criticality(f)
    problems: list[str] = []
    fixes: list[str] = []
    aia = ExtensionOID.AUTHORITY_INFORMATION_ACCESS.dotted_string
    aki = ExtensionOID.AUTHORITY_KEY_IDENTIFIER.dotted_string
    san_oid = ExtensionOID.SUBJECT_ALTERNATIVE_NAME.dotted_string
    eku_oid = ExtensionOID.EXTENDED_KEY_USAGE.dotted_string
    if crit.get(aia):
        problems.append("the Authority Information Access extension is critical (must not be)")
    if aki not in crit:
        problems.append("it has no Authority Key Identifier (required on a leaf)")
        fixes.append("issue it from a CA tool that adds the AKI (tlsexplorer ca does)")
    elif crit[aki]:
        problems.append("the Authority Key Identifier is critical (must not be)")
    if ExtensionOID.NAME_CONSTRAINTS.dotted_string in crit:
        problems.append("it carries name constraints, which only a CA may")
    if crit.get(eku_oid):
        problems.append("the Extended Key Usage is critical (must not be)")
    if san_oid not in crit:
        problems.append("it has no Subject Alternative Name (required; the CN is not used)")
        fixes.append("put every host name and IP in the SAN")
    elif s.purpose == "server":
        empty = len(f.cert.subject) == 0
        if empty and not crit[san_oid]:
            problems.append("the subject is empty, so the SAN must be critical")
        if not empty and crit[san_oid]:
            problems.append("the subject is not empty, so the SAN must not be critical")
    if problems:
        out.append(
            Finding(
                0,
                "extensions",
                False,
                "Leaf profile: " + "; ".join(problems) + ".",
                ("Reissue the leaf: " + "; ".join(fixes) + ".")
                if fixes
                else "Reissue the leaf with the standard extensions.",
            )
        )
    else:
        out.append(
            Finding(0, "extensions", True, "Leaf profile: AKI present, SAN present, criticality right.")
        )

    bc = f.ext(x509.BasicConstraints)
    if bc is not None and isinstance(bc.value, x509.BasicConstraints) and bc.value.ca:
        out.append(
            Finding(
                0,
                "basic_constraints",
                False,
                "The leaf says it is a CA (basic constraints cA=TRUE); a CA certificate cannot be a leaf.",
                "Issue a separate end-entity certificate (cA=FALSE) for the server or client.",
            )
        )
    else:
        out.append(Finding(0, "basic_constraints", True, "An end-entity certificate (not a CA)."))

    ku = f.ext(x509.KeyUsage)
    if ku is not None and isinstance(ku.value, x509.KeyUsage) and ku.value.key_cert_sign:
        out.append(
            Finding(
                0,
                "key_usage",
                False,
                "The leaf's key usage allows signing certificates (keyCertSign); a leaf must not.",
                "Reissue the leaf with digitalSignature (and keyEncipherment for RSA) only.",
            )
        )
    else:
        text = (
            _ku_text(ku.value)
            if ku is not None and isinstance(ku.value, x509.KeyUsage)
            else "absent (any use)"
        )
        out.append(Finding(0, "key_usage", True, f"Key usage {text}; no certificate signing."))

    eku = f.ext(x509.ExtendedKeyUsage)
    want = _EKU_NAMES[s.eku]
    if eku is not None and isinstance(eku.value, x509.ExtendedKeyUsage):
        have = [_EKU_NAMES.get(o, o.dotted_string) for o in eku.value]
        if s.eku in list(eku.value):
            out.append(Finding(0, "extended_key_usage", True, f"EKU {', '.join(have)} includes {want}."))
        else:
            extra = (
                " anyExtendedKeyUsage does not count for a leaf."
                if ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in list(eku.value)
                else ""
            )
            out.append(
                Finding(
                    0,
                    "extended_key_usage",
                    False,
                    f"EKU {', '.join(have)} does not include {want}, needed for a {s.purpose} "
                    f"certificate.{extra}",
                    f"Reissue it with extended key usage {want}, or verify it for its own purpose.",
                )
            )
    else:
        out.append(Finding(0, "extended_key_usage", True, f"No EKU extension: any purpose, {want} included."))

    _host(f, s, out)


def _ku_text(ku: x509.KeyUsage) -> str:
    return ", ".join(key_usage_names(ku)) or "none"


def _host(f: _Facts, s: _Settings, out: list[Finding]) -> None:
    san_ext = f.ext(x509.SubjectAlternativeName)
    sans: list[x509.GeneralName] = (
        list(san_ext.value)
        if san_ext is not None and isinstance(san_ext.value, x509.SubjectAlternativeName)
        else []
    )
    listed = ", ".join(_san_text(n) for n in sans) or "none"
    cns = [a.value for a in f.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    if s.purpose == "client":
        out.append(
            Finding(
                0, "subject_alt_name", True, f"Client certificate names (SAN): {listed}; no host is checked."
            )
        )
    elif s.subject is not None:
        target = s.host or ""
        if isinstance(s.subject, x509.IPAddress):
            addr = s.subject.value
            hit = [n for n in sans if isinstance(n, x509.IPAddress) and n.value == addr]
            dns_same = [n for n in sans if isinstance(n, x509.DNSName) and n.value == target]
            if hit:
                out.append(
                    Finding(0, "subject_alt_name", True, f"IP {target} is in the SAN as an IP address entry.")
                )
            else:
                note = (
                    " (it is there as a DNS name, but an IP must be an IP-address SAN entry)"
                    if dns_same
                    else ""
                )
                out.append(
                    Finding(
                        0,
                        "subject_alt_name",
                        False,
                        f"IP {target} is not among the SAN entries ({listed}){note}.",
                        f"Reissue it with IP:{target} in the SAN, or connect by a name it lists.",
                    )
                )
        else:
            hits = [
                n.value for n in sans if isinstance(n, x509.DNSName) and dns_pattern_matches(n.value, target)
            ]
            if hits:
                how = (
                    "a wildcard for one leftmost label"
                    if hits[0].startswith("*.")
                    else "exactly (case-insensitive)"
                )
                prefix = (
                    "(no host was given: checked against the certificate's own first name) "
                    if s.host_defaulted
                    else ""
                )
                out.append(
                    Finding(0, "subject_alt_name", True, f"{prefix}{target} matches SAN {hits[0]} {how}.")
                )
            elif s.host_defaulted:
                out.append(
                    Finding(
                        0,
                        "subject_alt_name",
                        False,
                        f"No host was given, and the SAN holds no DNS name or IP address a host could "
                        f"match ({listed}).",
                        "Reissue it with the server's host names and IP addresses in the SAN.",
                    )
                )
            else:
                hints: list[str] = []
                for n in sans:
                    if isinstance(n, x509.DNSName) and n.value.startswith("*."):
                        base = n.value[2:]
                        if target.lower() == base.lower():
                            hints.append(f"{n.value} does not cover the bare {base}")
                        elif target.lower().endswith("." + base.lower()):
                            hints.append(f"{n.value} covers one label only, not {target}")
                    elif isinstance(n, x509.DNSName) and "*" in n.value:
                        hints.append(
                            f"{n.value} is not a valid wildcard (only a whole leftmost '*' label is)"
                        )
                    elif isinstance(n, x509.IPAddress) and str(n.value) == target:
                        hints.append("it is there as an IP entry")
                if any(str(cn).lower() == target.lower() for cn in cns):
                    hints.append("it is the CN, but the CN is not used")
                note = f" ({'; '.join(hints)})" if hints else ""
                out.append(
                    Finding(
                        0,
                        "subject_alt_name",
                        False,
                        f"{target} is not among the SAN entries ({listed}){note}.",
                        f"Reissue it with DNS:{target} in the SAN, or connect by a name it lists.",
                    )
                )
    if cns:
        out.append(
            Finding(
                0,
                "common_name",
                True,
                f"CN={printable(str(cns[0]))} is not used to match the host (RFC 6125, CA/B Forum): "
                "only the SAN counts.",
            )
        )


def _ca_checks(i: int, child_depth: int, f: _Facts, s: _Settings, out: list[Finding]) -> None:
    crit = _criticality(f)
    bc_ext = f.ext(x509.BasicConstraints)
    bc = bc_ext.value if bc_ext is not None and isinstance(bc_ext.value, x509.BasicConstraints) else None
    bc_oid = ExtensionOID.BASIC_CONSTRAINTS.dotted_string
    if bc_oid not in crit or bc is None:
        out.append(
            Finding(
                i,
                "basic_constraints",
                False,
                "It has no basic constraints extension: nothing says it is a CA, it may not sign.",
                "Reissue the CA certificate with a critical basicConstraints cA=TRUE.",
            )
        )
    elif not crit[bc_oid]:
        out.append(
            Finding(
                i,
                "basic_constraints",
                False,
                "Its basic constraints extension is not marked critical (a CA's must be).",
                "Reissue the CA certificate with basicConstraints marked critical.",
            )
        )
    elif bc is not None and not bc.ca:
        out.append(
            Finding(
                i,
                "basic_constraints",
                False,
                "It signs certificates but its basic constraints say cA=FALSE: it is not a CA.",
                "Reissue it as a CA (cA=TRUE), or have the leaf signed by a real CA.",
            )
        )
    else:
        out.append(Finding(i, "basic_constraints", True, "A CA: critical basic constraints with cA=TRUE."))

    if bc is not None and bc.path_length is not None:
        below = child_depth
        if below > bc.path_length:
            out.append(
                Finding(
                    i,
                    "path_length",
                    False,
                    f"Its path length is {bc.path_length}: at most {bc.path_length} CA(s) may follow below, "
                    f"but {below} do.",
                    "Shorten the chain (sign the leaf with a CA higher up), or reissue this CA with a larger "
                    "path length.",
                )
            )
        else:
            out.append(
                Finding(
                    i,
                    "path_length",
                    True,
                    f"Path length {bc.path_length} allows {bc.path_length} CA(s) below; there are {below}.",
                )
            )
    else:
        out.append(Finding(i, "path_length", True, "No path length limit."))

    ku_ext = f.ext(x509.KeyUsage)
    ku = ku_ext.value if ku_ext is not None and isinstance(ku_ext.value, x509.KeyUsage) else None
    if ku is None:
        out.append(
            Finding(
                i,
                "key_usage",
                False,
                "It has no key usage extension; a CA's must say keyCertSign.",
                "Reissue the CA certificate with key usage keyCertSign (and cRLSign).",
            )
        )
    elif not ku.key_cert_sign:
        out.append(
            Finding(
                i,
                "key_usage",
                False,
                f"Its key usage ({_ku_text(ku)}) does not allow signing certificates (keyCertSign).",
                "Reissue the CA certificate with keyCertSign in its key usage.",
            )
        )
    else:
        out.append(Finding(i, "key_usage", True, f"Key usage {_ku_text(ku)} includes keyCertSign."))

    eku_ext = f.ext(x509.ExtendedKeyUsage)
    want = _EKU_NAMES[s.eku]
    eku_oid = ExtensionOID.EXTENDED_KEY_USAGE.dotted_string
    if eku_ext is not None and isinstance(eku_ext.value, x509.ExtendedKeyUsage):
        have = list(eku_ext.value)
        names = ", ".join(_EKU_NAMES.get(o, o.dotted_string) for o in have)
        if crit.get(eku_oid):
            out.append(
                Finding(
                    i,
                    "extended_key_usage",
                    False,
                    "Its extended key usage is critical (the web PKI profile wants it non-critical).",
                    "Reissue the CA certificate with the EKU non-critical.",
                )
            )
        elif s.eku in have or ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in have:
            out.append(Finding(i, "extended_key_usage", True, f"EKU {names} allows {want}."))
        else:
            out.append(
                Finding(
                    i,
                    "extended_key_usage",
                    False,
                    f"This CA is limited to EKU {names}; it may not vouch for {want} certificates.",
                    f"Use a CA whose EKU includes {want} (or that has no EKU).",
                )
            )
    else:
        out.append(Finding(i, "extended_key_usage", True, "No EKU limit on this CA."))

    problems: list[str] = []
    if crit.get(ExtensionOID.AUTHORITY_INFORMATION_ACCESS.dotted_string):
        problems.append("the Authority Information Access is critical")
    if crit.get(ExtensionOID.SUBJECT_KEY_IDENTIFIER.dotted_string):
        problems.append("the Subject Key Identifier is critical")
    aki_oid = ExtensionOID.AUTHORITY_KEY_IDENTIFIER.dotted_string
    if crit.get(aki_oid):
        problems.append("the Authority Key Identifier is critical")
    if aki_oid in crit:
        readable, has_key_id = _raw_aki_key_id(f.raw)
        if not readable:
            problems.append("the Authority Key Identifier cannot be read")
        elif not has_key_id:
            problems.append("the Authority Key Identifier has no keyIdentifier")
    if problems:
        out.append(
            Finding(
                i,
                "extensions",
                False,
                "CA profile: " + "; ".join(problems) + ".",
                "Reissue the CA certificate with standard extensions (non-critical key identifiers and AIA; "
                "the AKI holding only a keyIdentifier).",
            )
        )
    else:
        out.append(
            Finding(i, "extensions", True, "CA profile: key identifiers and AIA as the web PKI wants.")
        )


def _issuer_key(i: int, f: _Facts, out: list[Finding]) -> None:
    alg = f.raw.spki_alg if f.raw is not None else b""
    desc = key_description(f.cert)
    if alg not in _SPKI_ALLOWED:
        out.append(
            Finding(
                i,
                "issuer_key",
                False,
                f"Its key ({desc}) is not a type the web PKI allows a CA (RSA, EC P-256, P-384, P-521).",
                "Use a CA with an RSA (2048 bits or more) or EC P-256/P-384 key.",
            )
        )
        return
    try:
        key = f.cert.public_key()
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        out.append(
            Finding(
                i,
                "issuer_key",
                False,
                f"Its public key cannot be read ({exc}).",
                "Reissue the CA certificate with a well-formed RSA or EC key.",
            )
        )
        return
    if isinstance(key, rsa.RSAPublicKey) and _rsa_modulus_bytes(key) * 8 < 2048:
        out.append(
            Finding(
                i,
                "issuer_key",
                False,
                f"Its key is {desc}: too weak (at least 2048 bits).",
                "Make a new CA key of 2048 bits or more and reissue.",
            )
        )
        return
    out.append(Finding(i, "issuer_key", True, f"Key {desc}: allowed for a CA."))


def _rsa_modulus_bytes(key: rsa.RSAPublicKey) -> int:
    n = key.public_numbers().n
    return (n.bit_length() + 7) // 8


def _link(
    i: int,
    child: _Facts,
    issuer: _Facts,
    sig_cache: dict[tuple[bytes, bytes], str | None],
    out: list[Finding],
) -> None:
    same = child.issuer == issuer.subject
    out.append(
        Finding(
            i,
            "issuer_name",
            same,
            (
                f"Its issuer field names [{i + 1}] {describe(issuer.cert)} exactly."
                if same
                else f"Its issuer {_name_text(child.cert.issuer)} differs from the next certificate's "
                f"subject {_name_text(issuer.cert.subject)}."
            ),
            None if same else "Put the right issuer certificate next in the chain.",
        )
    )
    alg_name = signature_algorithm_name(child.cert)
    sigalg = child.raw.sigalg if child.raw is not None else b""
    if sigalg in _SIG_ALLOWED:
        out.append(Finding(i, "signature_algorithm", True, f"Signed with {alg_name}: allowed."))
    else:
        out.append(
            Finding(
                i,
                "signature_algorithm",
                False,
                f"Signed with {alg_name}, which the web PKI does not allow "
                "(RSA PKCS#1 v1.5 or PSS with SHA-256/384/512, ECDSA with SHA-256/384/512).",
                "Have the CA reissue it with SHA-256 and an RSA or ECDSA key.",
            )
        )
    problem = _signature_problem(child, issuer, sig_cache)
    key = key_description(issuer.cert)
    if problem is None:
        out.append(
            Finding(i, "signature", True, f"{alg_name} signature verified with the issuer's {key} key.")
        )
    else:
        out.append(
            Finding(
                i,
                "signature",
                False,
                f"The {alg_name} signature does not verify with {describe(issuer.cert)}'s {key} key: "
                f"{problem}.",
                "This is not the certificate's real issuer (same name, different key), or it was altered: "
                "find the issuer whose key signed it (match the AKI to the SKI).",
            )
        )


def _signature_problem(
    child: _Facts, issuer: _Facts, cache: dict[tuple[bytes, bytes], str | None]
) -> str | None:
    key = (child.fingerprint, issuer.fingerprint)
    if key in cache:
        return cache[key]
    problem: str | None = None
    try:
        if child.issuer != issuer.subject:
            problem = "the names differ"
        else:
            child.cert.verify_directly_issued_by(issuer.cert)
    except InvalidSignature:
        problem = "the signature is wrong"
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        problem = str(exc) or type(exc).__name__
    cache[key] = problem
    return problem


def _checklist(
    path: Sequence[_Facts],
    trusted: bool,
    s: _Settings,
    sig_cache: dict[tuple[bytes, bytes], str | None],
    end_reason: str,
    bundle: set[bytes],
    missing_fix: str | None,
) -> list[Finding]:
    out: list[Finding] = []
    leaf = path[0]
    _well_formed(0, leaf, out)
    _validity(0, leaf, s, out)
    _ee_checks(leaf, s, out)
    _critical_extensions(0, leaf, out)
    san_chain: list[tuple[int, x509.GeneralName]] = _sans(0, leaf)
    for i in range(len(path) - 1):
        child, issuer = path[i], path[i + 1]
        _link(i, child, issuer, sig_cache, out)
        j = i + 1
        _well_formed(j, issuer, out)
        _validity(j, issuer, s, out)
        _ca_checks(j, i, issuer, s, out)
        _issuer_key(j, issuer, out)
        _critical_extensions(j, issuer, out)
        if not issuer.self_issued:
            san_chain = san_chain + _sans(j, issuer)
        nc_ext = issuer.ext(x509.NameConstraints)
        if nc_ext is not None and isinstance(nc_ext.value, x509.NameConstraints):
            nc = nc_ext.value
            if not nc.permitted_subtrees and not nc.excluded_subtrees:
                out.append(
                    Finding(
                        j,
                        "name_constraints",
                        False,
                        "Its name constraints are empty (neither permitted nor excluded subtrees).",
                        "Reissue the CA without the extension, or with real subtrees.",
                    )
                )
            else:
                ok, why = _check_constraints(nc, san_chain)
                text = _describe_constraints(nc)
                if ok:
                    out.append(
                        Finding(j, "name_constraints", True, f"Constraints {text}: every name below fits.")
                    )
                else:
                    out.append(
                        Finding(
                            j,
                            "name_constraints",
                            False,
                            f"Constraints {text}: {why}.",
                            "Only names inside this CA's permitted subtrees may be certified under it: "
                            "reissue "
                            "the leaf with names that fit, or use a CA without these constraints.",
                        )
                    )
        if not (j == len(path) - 1 and trusted):
            if j > s.max_depth:
                out.append(
                    Finding(
                        j,
                        "depth",
                        False,
                        f"It is intermediate number {j}; at most {s.max_depth} are allowed.",
                        "Raise the maximum depth, or use a shorter chain.",
                    )
                )
            else:
                out.append(Finding(j, "depth", True, f"Intermediate {j} of at most {s.max_depth}."))
    last = len(path) - 1
    end = path[last]
    if trusted:
        how = (
            "trusted only because you asked to trust the root found in the bundle"
            if end.fingerprint in bundle
            else "a trust anchor you supplied"
        )
        text = "The leaf itself is " if last == 0 else "It is "
        out.append(Finding(last, "trust_anchor", True, f"{text}{how}."))
    else:
        out.append(_end_finding(last, end, end_reason, missing_fix))
    order = {name: position for position, name in enumerate(CHECKS)}
    out.sort(key=lambda f: (f.certificate, order.get(f.check, len(order))))
    return out


def _sans(i: int, f: _Facts) -> list[tuple[int, x509.GeneralName]]:
    ext = f.ext(x509.SubjectAlternativeName)
    if ext is None or not isinstance(ext.value, x509.SubjectAlternativeName):
        return []
    return [(i, name) for name in ext.value]


def _end_finding(i: int, end: _Facts, reason: str, missing_fix: str | None) -> Finding:
    name = _name_text(end.cert.issuer)
    if end.self_issued and reason in ("missing", "loop"):
        return Finding(
            i,
            "trust_anchor",
            False,
            f"{describe(end.cert)} is self-signed and not among the trust anchors: nothing vouches for it.",
            "If you trust it, add it as a trust anchor (--ca FILE, or 'trust the root found in this "
            "bundle'); "
            "otherwise get the certificate from a CA that clients trust.",
        )
    if reason == "loop":
        return Finding(
            i,
            "trust_anchor",
            False,
            f"Every candidate issuer named {name} is already in the chain: the certificates form a loop "
            "and never reach a trust anchor.",
            "Add the root that ends the loop as a trust anchor, or remove the cross-signed certificates.",
        )
    if reason == "depth":
        return Finding(
            i,
            "trust_anchor",
            False,
            "The chain was cut at the maximum depth before reaching a trust anchor.",
            "Raise the maximum depth, or use a shorter chain.",
        )
    urls = aia_issuer_urls(end.cert)
    where = f" It can be downloaded from {', '.join(urls)}." if urls else ""
    return Finding(
        i,
        "trust_anchor",
        False,
        f"The issuer {name} was not found among the intermediates or the trust anchors.{where}",
        missing_fix
        or (
            "Append the intermediate to the server's certificate file (fullchain.pem) or pass it with "
            "--chain "
            "(this is what openssl verify -untrusted does); if it is a root, add it with --ca."
        ),
    )


# ---------------------------------------------------------------------------
# Chain building.


@dataclass
class _Builder:
    roots: dict[bytes, list[x509.Certificate]]
    pool: dict[bytes, list[x509.Certificate]]
    anchors: set[x509.Certificate]
    facts: Callable[[x509.Certificate], _Facts]
    sig_cache: dict[tuple[bytes, bytes], str | None]
    limit: int
    signatures_left: int = SIGNATURE_BUDGET
    expansions_left: int = 5000
    notes: list[str] = field(default_factory=list)

    def candidates(self, cert: _Facts) -> list[_Facts]:
        found: list[_Facts] = []
        seen: set[bytes] = set()
        for group in (self.roots.get(cert.issuer, ()), self.pool.get(cert.issuer, ())):
            for candidate in group[:MAX_SAME_NAME]:
                cand = self.facts(candidate)
                if cand.fingerprint not in seen:
                    seen.add(cand.fingerprint)
                    found.append(cand)

        def likeliness(c: _Facts) -> int:
            if cert.aki is not None and c.ski is not None:
                return 0 if cert.aki == c.ski else 2
            return 1

        found.sort(key=likeliness)
        return found[:CANDIDATES_PER_CERT]

    def good_issuers(self, cert: _Facts) -> list[_Facts]:
        good: list[_Facts] = []
        bad: list[_Facts] = []
        for cand in self.candidates(cert):
            key = (cert.fingerprint, cand.fingerprint)
            if key not in self.sig_cache:
                if self.signatures_left <= 0:
                    if "budget" not in self.notes:
                        self.notes.append("budget")
                    continue
                self.signatures_left -= 1
            if _signature_problem(cert, cand, self.sig_cache) is None:
                good.append(cand)
            else:
                bad.append(cand)
        return good if good else bad[:2]

    def paths(self, leaf: _Facts) -> list[tuple[list[_Facts], bool, str]]:
        """Every path (certs, ends at anchor, why it ends) from the leaf, bounded."""
        out: list[tuple[list[_Facts], bool, str]] = []

        def walk(path: list[_Facts]) -> None:
            if len(out) >= MAX_PATHS or self.expansions_left <= 0:
                return
            self.expansions_left -= 1
            cert = path[-1]
            if cert.cert in self.anchors:
                out.append((list(path), True, "anchor"))
                return
            if len(path) >= self.limit:
                out.append((list(path), False, "depth"))
                return
            issuers = self.good_issuers(cert)
            in_path = {p.fingerprint for p in path}
            fresh = [c for c in issuers if c.fingerprint not in in_path]
            if not fresh:
                out.append((list(path), False, "loop" if issuers else "missing"))
                return
            for cand in fresh:
                walk([*path, cand])

        walk([leaf])
        return out


def name_bytes(cert: x509.Certificate) -> tuple[bytes, bytes]:
    """The DER of a certificate's (issuer, subject) names, read straight from the TBS.

    Much cheaper than building Name objects, which matters for a pool of
    10,000 candidates; equal bytes mean equal names for DER certificates.
    """
    tbs = cert.tbs_certificate_bytes
    _, pos, _ = _tlv(tbs, 0)
    tag, _, end = _tlv(tbs, pos)
    if tag == 0xA0:  # [0] version
        pos = end
    for _ in range(2):  # serial number, signature algorithm
        _, _, pos = _tlv(tbs, pos)
    _, _, end = _tlv(tbs, pos)
    issuer = tbs[pos:end]
    _, _, pos = _tlv(tbs, end)  # validity
    _, _, end = _tlv(tbs, pos)
    return issuer, tbs[pos:end]


def _index(certs: Iterable[x509.Certificate]) -> dict[bytes, list[x509.Certificate]]:
    index: dict[bytes, list[x509.Certificate]] = {}
    for cert in certs:
        try:
            subject = name_bytes(cert)[1]
        except (ValueError, IndexError):
            continue
        index.setdefault(subject, []).append(cert)
    return index


def _subject_for(host: str | None, leaf: _Facts) -> tuple[x509.DNSName | x509.IPAddress, str, bool]:
    """The verifier's subject, the host text, and whether it was defaulted from the leaf."""
    if host is not None and host.strip():
        text = host.strip()
        try:
            return x509.IPAddress(ipaddress.ip_address(text)), text, False
        except ValueError:
            pass
        if text.endswith(".") and not text.endswith(".."):
            text = text[:-1]
        if not _dns_ok(text):
            raise UsageError(
                f"{host!r} is neither an IP address nor a valid DNS name (letters, digits, hyphens, dots)"
            )
        return x509.DNSName(text), text, False
    for name in (n for _, n in _sans(0, leaf)):
        if isinstance(name, x509.IPAddress) and isinstance(
            name.value, ipaddress.IPv4Address | ipaddress.IPv6Address
        ):
            return x509.IPAddress(name.value), str(name.value), True
        if isinstance(name, x509.DNSName):
            candidate = name.value[2:] if name.value.startswith("*.") else name.value
            candidate = ("www." + candidate) if name.value.startswith("*.") else candidate
            if _dns_ok(candidate):
                return x509.DNSName(candidate), candidate, True
    return x509.DNSName("no-name-given.invalid"), "no-name-given.invalid", True


def openssl_command(
    files: OpensslFiles,
    *,
    at: dt.datetime,
    host: str | None,
    purpose: Purpose,
    max_depth: int,
) -> str:
    """The ``openssl verify`` command line that checks the same thing.

    Anchors are given with ``-trusted``, not ``-CAfile``: ``-CAfile FILE``
    still trusts the system's CA folder too (OpenSSL loads its default
    CApath unless told not to), so a chain to any system root would pass in
    openssl while it fails here; ``-trusted`` trusts exactly the files given,
    and reads DER as well as PEM. With no anchors, the system's are turned
    off explicitly for the same reason.
    """
    parts = [
        "openssl",
        "verify",
        "-x509_strict",
        "-purpose",
        "sslserver" if purpose == "server" else "sslclient",
    ]
    if host is not None:
        try:
            ipaddress.ip_address(host)
            parts += ["-verify_ip", host]
        except ValueError:
            parts += ["-verify_hostname", host]
    parts += ["-attime", str(int(as_utc(at).timestamp())), "-verify_depth", str(max_depth)]
    for name in files.cafile:
        parts += ["-trusted", name]
    if not files.cafile:
        parts += ["-no-CAfile", "-no-CApath", "-no-CAstore"]
    for name in files.untrusted:
        parts += ["-untrusted", name]
    parts.append(files.leaf)
    return " ".join(shlex.quote(p) for p in parts)


def verify_chain(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate] = (),
    roots: Sequence[x509.Certificate] = (),
    *,
    at: dt.datetime,
    host: str | None = None,
    purpose: Purpose = "server",
    max_depth: int | None = None,
    bundle_roots: Sequence[x509.Certificate] = (),
    files: OpensslFiles | None = None,
) -> ChainReport:
    """Verify ``leaf`` with the library's verifier and explain every link.

    Args:
        leaf: the certificate to verify.
        intermediates: candidate intermediates (untrusted), in any order.
        roots: trust anchors.
        at: the validation time.
        host: DNS name or IP address the leaf must name (server purpose);
            None checks the leaf against its own first SAN and says so.
        purpose: ``server`` (serverAuth, name checked) or ``client`` (clientAuth).
        max_depth: most intermediates allowed (None: the verifier's default, 8).
        bundle_roots: further anchors, trusted only because the person asked to
            trust the root found in their bundle (marked as such).
        files: file names for the equivalent openssl command.

    Raises:
        UsageError: a host that is no DNS name or IP, a depth out of 0..255,
            or an unknown purpose (no trust anchor at all is a refusal, not an error).
    """
    if purpose not in ("server", "client"):
        raise UsageError(f"purpose {purpose!r} must be server or client")
    depth = DEFAULT_MAX_DEPTH if max_depth is None else max_depth
    if not 0 <= depth <= 255:
        raise UsageError(f"maximum depth {depth} must be between 0 and 255")
    when = as_utc(at).replace(microsecond=0)
    leaf_facts = _facts(leaf)
    subject, host_text, defaulted = _subject_for(host, leaf_facts)
    anchors_all = [*roots, *bundle_roots]
    settings = _Settings(
        when,
        subject if purpose == "server" else None,
        host_text if purpose == "server" else host,
        defaulted,
        purpose,
        depth,
        ExtendedKeyUsageOID.SERVER_AUTH if purpose == "server" else ExtendedKeyUsageOID.CLIENT_AUTH,
    )
    notes: list[str] = []
    if purpose == "server" and defaulted:
        notes.append(
            f"No host name was given: the name check used {host_text}, taken from the certificate itself."
        )

    valid = False
    error: str | None = None
    verified: list[x509.Certificate] = []
    if not anchors_all:
        error = "no trust anchor was given: add a root you trust, the system roots, or the root in the bundle"
    else:
        builder = PolicyBuilder().store(Store(list(anchors_all))).time(when).max_chain_depth(depth)
        try:
            if purpose == "server":
                verified = builder.build_server_verifier(subject).verify(leaf, list(intermediates))
            else:
                verified = builder.build_client_verifier().verify(leaf, list(intermediates)).chain
            valid = True
        except VerificationError as exc:
            error = str(exc)
        except (ValueError, TypeError) as exc:
            error = f"the verifier could not read the input: {exc}"

    facts_by_cert: dict[x509.Certificate, _Facts] = {leaf: leaf_facts}

    def facts(cert: x509.Certificate) -> _Facts:
        known = facts_by_cert.get(cert)
        if known is None:
            known = facts_by_cert[cert] = _facts(cert)
        return known

    bundle_fps = {facts(c).fingerprint for c in bundle_roots}
    sig_cache: dict[tuple[bytes, bytes], str | None] = {}
    builder_state = _Builder(
        _index(anchors_all),
        _index(intermediates),
        set(anchors_all),
        facts,
        sig_cache,
        limit=depth + 2,
    )
    built = builder_state.paths(leaf_facts)
    if "budget" in builder_state.notes:
        notes.append("Too many candidate issuers with the same name: only the most likely were checked.")

    missing_fix = None
    evaluated: list[tuple[tuple[int, int, int], list[_Facts], bool, str, list[Finding]]] = []
    for path, trusted, reason in built:
        findings = _checklist(path, trusted, settings, sig_cache, reason, bundle_fps, missing_fix)
        failures = sum(1 for f in findings if not f.ok)
        evaluated.append(((0 if trusted else 1, failures, len(path)), path, trusted, reason, findings))

    chosen_path: list[_Facts]
    chosen_trusted: bool
    chosen_reason: str
    chosen_findings: list[Finding]
    if valid:
        chosen_path = [facts(c) for c in verified]
        chosen_trusted = True
        chosen_reason = "anchor"
        chosen_findings = _checklist(chosen_path, True, settings, sig_cache, "anchor", bundle_fps, None)
    else:
        evaluated.sort(key=lambda item: item[0])
        _, chosen_path, chosen_trusted, chosen_reason, chosen_findings = evaluated[0]
    if not valid and error is not None and "Exceeded maximum" in error:
        chosen_findings = [
            *chosen_findings,
            Finding(
                0,
                "search_budget",
                False,
                "The verifier gave up before finding a path: too many candidate issuers with the same "
                "name to check (it stops after a fixed number of signature or name-constraint checks).",
                "Send only the certificates of the chain itself; drop unrelated certificates that share "
                "an issuer's name.",
            ),
        ]
    if not anchors_all:
        chosen_findings = [f for f in chosen_findings if f.check != "trust_anchor"]
        chosen_findings.append(
            Finding(
                len(chosen_path) - 1,
                "trust_anchor",
                False,
                "No trust anchor was given, so nothing can be trusted.",
                "Add the root with --ca FILE, use --system-roots, or --trust-bundle-root.",
            )
        )
        chosen_trusted = False

    paths: list[tuple[x509.Certificate, ...]] = [tuple(f.cert for f in chosen_path)]
    path_findings: list[tuple[Finding, ...]] = [tuple(chosen_findings)]
    for _, path, _, _, findings in evaluated:
        certs = tuple(f.cert for f in path)
        if certs not in paths:
            paths.append(certs)
            path_findings.append(tuple(findings))
    if any(reason == "loop" for _, _, reason in built):
        notes.append("A loop among the candidates was found and skipped.")

    missing: MissingIssuer | None = None
    if not chosen_trusted and chosen_reason == "missing" and not chosen_path[-1].self_issued:
        end = chosen_path[-1]
        missing = MissingIssuer(
            len(chosen_path) - 1,
            _name_text(end.cert.issuer),
            aia_issuer_urls(end.cert),
            "Append the intermediate to the server's certificate file (fullchain.pem), or pass it with "
            "--chain FILE: this is what openssl verify -untrusted does. If it is a root you trust, add "
            "it as a trust anchor (--ca FILE) instead.",
        )

    if error is not None and "candidates exhausted" in error:
        # The library's words for "no path to an anchor"; say which issuer is missing.
        where = (f"{missing.issuer}, the issuer of [{missing.certificate}], is neither among the "
                 "intermediates nor the trust anchors" if missing is not None else
                 "every path the verifier tried failed; the checklist says where")
        error = f"no chain to a trust anchor: {where}. The verifier: {error}"

    command = openssl_command(
        files or OpensslFiles(untrusted=("chain.pem",) if intermediates else (), cafile=("roots.pem",)),
        at=when,
        host=host_text if purpose == "server" and not defaulted else None,
        purpose=purpose,
        max_depth=depth,
    )
    return ChainReport(
        valid=valid,
        error=error,
        chain=tuple(f.cert for f in chosen_path),
        findings=tuple(chosen_findings),
        openssl_command=command,
        trusted=chosen_trusted,
        paths=tuple(paths),
        path_findings=tuple(path_findings),
        missing=missing,
        at=when,
        host=host_text if purpose == "server" else host,
        purpose=purpose,
        max_depth=depth,
        anchor_count=len(anchors_all),
        bundle_anchors=tuple(i for i, f in enumerate(chosen_path) if f.fingerprint in bundle_fps),
        notes=tuple(notes),
    )


def split_bundle_roots(
    certs: Sequence[x509.Certificate],
) -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """Split a bundle into (others, self-signed roots): for "trust the root found in this bundle"."""
    others: list[x509.Certificate] = []
    found: list[x509.Certificate] = []
    for cert in certs:
        if cert.subject == cert.issuer:
            try:
                cert.verify_directly_issued_by(cert)
            except (InvalidSignature, ValueError, TypeError):
                others.append(cert)
                continue
            found.append(cert)
        else:
            others.append(cert)
    return others, found


def fingerprint_hex(cert: x509.Certificate) -> str:
    """SHA-256 fingerprint, lowercase hex without separators."""
    return cert.fingerprint(hashes.SHA256()).hex()


__all__ = [
    "CHECKS",
    "DEFAULT_MAX_DEPTH",
    "ChainReport",
    "Finding",
    "MissingIssuer",
    "OpensslFiles",
    "Purpose",
    "aia_issuer_urls",
    "describe",
    "dns_pattern_matches",
    "fingerprint_hex",
    "key_description",
    "name_bytes",
    "openssl_command",
    "signature_algorithm_name",
    "split_bundle_roots",
    "verify_chain",
]
