"""The checklist: every check of every link, each failure saying what is wrong and how to fix it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import (
    ExtendedKeyUsageOID,
    ExtensionOID,
    NameOID,
)

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.chain.facts import (
    _ext_name,
    _Facts,
    _raw_aki_key_id,
    aia_issuer_urls,
    describe,
    key_description,
    name_of,
    signature_algorithm_name,
)
from tlsexplorer.core.chain.model import (
    _KNOWN_EXTENSIONS,
    _SIG_ALLOWED,
    _SPKI_ALLOWED,
    CHECKS,
    Finding,
    Purpose,
)
from tlsexplorer.core.chain.names import (
    _check_constraints,
    _describe_constraints,
    _san_text,
    dns_pattern_matches,
)
from tlsexplorer.core.text import printable
from tlsexplorer.core.timeutil import format_iso8601
from tlsexplorer.core.x509.naming import eku_names, key_usage_names, oid_name

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
                f"Not yet valid: it starts on {format_iso8601(nb)}; the time checked is "
                f"{format_iso8601(s.at)} (valid until {format_iso8601(na)}).",
                "Wait until it starts, check the clock, or reissue it with an earlier start date.",
            )
        )
    elif s.at > na:
        out.append(
            Finding(
                i,
                "validity",
                False,
                f"Expired on {format_iso8601(na)}; the time checked is {format_iso8601(s.at)} "
                f"(valid from {format_iso8601(nb)}).",
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
        empty = f.subject == b"\x30\x00"
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
    want = oid_name(s.eku)
    if eku is not None and isinstance(eku.value, x509.ExtendedKeyUsage):
        have = eku_names(eku.value)
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
    subject = safe.name(f.cert, "subject")
    cns = [] if isinstance(subject, safe.Unreadable) else [
        a.value for a in subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    ]
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
    want = oid_name(s.eku)
    eku_oid = ExtensionOID.EXTENDED_KEY_USAGE.dotted_string
    if eku_ext is not None and isinstance(eku_ext.value, x509.ExtendedKeyUsage):
        have = list(eku_ext.value)
        names = ", ".join(eku_names(have))
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
    key = safe.public_key(f.cert)
    if isinstance(key, safe.Unreadable):
        out.append(
            Finding(
                i,
                "issuer_key",
                False,
                f"Its public key cannot be read ({key.sentence}).",
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
                else f"Its issuer {name_of(child.cert, 'issuer')} differs from the next certificate's "
                f"subject {name_of(issuer.cert, 'subject')}."
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
        problem = safe.explain(exc)
    except Exception as exc:  # the library fails in ways it does not document
        problem = safe.explain(exc)
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
    name = name_of(end.cert, "issuer")
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


__all__ = [
]
