"""Lint: what strict clients would say about a certificate, and who says it.

Each :class:`~tlsexplorer.core.x509.model.Finding` names its rule, a severity (``error``: a strict client
rejects it; ``warning``: some clients or a future library refuse it;
``info``: worth knowing) and who enforces it. Rules marked ``strict`` are the
checks OpenSSL runs under ``X509_V_FLAG_X509_STRICT``, which Python's ``ssl``
turns on by default since 3.13 (``ssl.VERIFY_X509_STRICT`` in
``create_default_context()``); their message quotes OpenSSL's own error text.
"""

from __future__ import annotations

from typing import Any

from tlsexplorer.core.x509.browsers import server_key_problem
from tlsexplorer.core.x509.model import CertificateInfo, Finding
from tlsexplorer.core.x509.safe import UNREADABLE

#: Who enforces the X509_STRICT checks.
STRICT = "Python 3.13+ ssl (VERIFY_X509_STRICT, on by default) and openssl verify -x509_strict"

#: CA/Browser Forum limit on TLS server certificate lifetime (since 2020-09-01).
MAX_SERVER_DAYS = 398


def warning_findings(warned: tuple[str, ...]) -> tuple[Finding, ...]:
    """The library's parse warnings as findings (never errors of the file)."""
    out: list[Finding] = []
    for text in warned:
        if "serial number" in text and "positive" in text:
            out.append(
                Finding(
                    "serial-not-positive",
                    "warning",
                    "the serial number is zero or negative; RFC 5280 §4.1.2.2 wants a positive integer. "
                    "Several real roots have serial 0 and are still trusted. Library: " + text,
                    "RFC 5280; cryptography warns now and will refuse such certificates in a future release",
                )
            )
        else:
            out.append(Finding("library-warning", "warning", text, "cryptography (reading the file)"))
    return tuple(out)


def _ext(info: CertificateInfo, name: str) -> Any:
    for ext in info.extensions:
        if ext.name == name:
            return ext
    return None


def _is_server(info: CertificateInfo) -> bool:
    if info.is_ca:
        return False
    eku = _ext(info, "extendedKeyUsage")
    if eku is not None:
        return "serverAuth" in eku.value
    return any(s.startswith(("DNS:", "IP:")) for s in info.sans)


def lint_certificate(info: CertificateInfo) -> tuple[Finding, ...]:
    """Every rule applied to one decoded certificate."""
    out: list[Finding] = []
    ku = _ext(info, "keyUsage")
    bc = _ext(info, "basicConstraints")
    self_signed = info.self_issued
    if info.extension_error:
        out.append(
            Finding(
                "extensions-unreadable",
                "error",
                f"the extensions cannot be read: {info.extension_error}",
                "every client (the certificate is malformed)",
            )
        )
    # Names
    if not info.sans and not info.is_ca:
        out.append(
            Finding(
                "no-san",
                "error",
                f"no subjectAltName: the name {info.subject_short!r} is only in the CN, which hostname "
                "checks ignore",
                "Chrome (since 58), Firefox, Safari, Go (1.15+), Python's ssl hostname matching (3.7+)",
            )
        )
    elif (
        info.sans
        and not info.is_ca
        and info.subject_short
        and "=" not in info.subject_short
        and not info.subject_short.startswith(UNREADABLE)
    ):
        dns = {s.split(":", 1)[1].lower() for s in info.sans}
        if info.subject_short.lower() not in dns:
            out.append(
                Finding(
                    "cn-not-in-san",
                    "info",
                    f"the CN {info.subject_short!r} is not among the subjectAltNames",
                    "CA/Browser Forum Baseline Requirements §7.1.4",
                )
            )
    san = _ext(info, "subjectAltName")
    if san is not None and not info.subject and not san.critical:
        out.append(
            Finding(
                "empty-subject-san-not-critical",
                "error",
                'OpenSSL: "Subject name is empty and subject alt name extension is not critical"',
                STRICT,
                strict=True,
            )
        )
    # CA rules
    if info.is_ca:
        if ku is None:
            out.append(
                Finding(
                    "ca-missing-key-usage",
                    "error",
                    'a CA without a keyUsage extension. OpenSSL: "CA cert does not include key '
                    'usage extension"',
                    STRICT,
                    strict=True,
                )
            )
        elif "keyCertSign" not in ku.value:
            out.append(
                Finding(
                    "ca-without-keycertsign",
                    "error",
                    "a CA whose keyUsage lacks keyCertSign cannot sign certificates (RFC 5280 §4.2.1.3)",
                    "OpenSSL, Go, browsers (every chain builder)",
                )
            )
        if bc is not None and not bc.critical:
            out.append(
                Finding(
                    "basic-constraints-not-critical",
                    "error",
                    "basicConstraints is not critical on a CA (RFC 5280 §4.2.1.9). OpenSSL: "
                    '"Basic Constraints of CA cert not marked critical"',
                    STRICT,
                    strict=True,
                )
            )
        if _ext(info, "subjectKeyIdentifier") is None:
            out.append(
                Finding(
                    "missing-ski",
                    "error",
                    "a CA without subjectKeyIdentifier (RFC 5280 §4.2.1.2). OpenSSL: "
                    '"Missing Subject Key Identifier"',
                    STRICT,
                    strict=True,
                )
            )
    elif ku is not None and "keyCertSign" in ku.value:
        out.append(
            Finding(
                "keycertsign-on-non-ca",
                "error",
                "keyUsage has keyCertSign but basicConstraints does not say CA. OpenSSL: "
                '"KeyCertSign is invalid for non-CA"',
                STRICT,
                strict=True,
            )
        )
    if (
        bc is not None
        and isinstance(bc.value, dict)
        and not bc.value.get("ca")
        and bc.value.get("path_length") is not None
    ):
        out.append(
            Finding(
                "path-length-on-non-ca",
                "error",
                'OpenSSL: "Path length given for non-CA cert"',
                STRICT,
                strict=True,
            )
        )
    # Key identifiers
    if not self_signed and _ext(info, "authorityKeyIdentifier") is None:
        out.append(
            Finding(
                "missing-aki",
                "error",
                "no authorityKeyIdentifier on a certificate that is not self-signed (RFC 5280 §4.2.1.1). "
                'OpenSSL: "Missing Authority Key Identifier" - the error Python 3.13+ shows for it',
                STRICT,
                strict=True,
            )
        )
    aki = _ext(info, "authorityKeyIdentifier")
    aki_key_id = aki.value.get("key_identifier") if aki is not None and isinstance(aki.value, dict) else None
    if not self_signed and aki is not None and not aki_key_id:
        out.append(
            Finding(
                "aki-without-key-id",
                "error",
                "the authorityKeyIdentifier names the issuer only by name and serial, without a key "
                'identifier (RFC 5280 §4.2.1.1). OpenSSL: "Missing Authority Key Identifier"',
                STRICT,
                strict=True,
            )
        )
    for name, rule in (("authorityKeyIdentifier", "aki-critical"), ("subjectKeyIdentifier", "ski-critical")):
        ext = _ext(info, name)
        if ext is not None and ext.critical:
            out.append(
                Finding(
                    rule,
                    "error",
                    f"{name} must not be critical (RFC 5280). OpenSSL rejects it",
                    STRICT,
                    strict=True,
                )
            )
    # Algorithms
    if info.signature_hash in ("sha1", "md5", "md2", "md4"):
        if self_signed and info.is_ca:
            out.append(
                Finding(
                    "weak-signature-hash",
                    "info",
                    f"self-signed with {info.signature_hash.upper()}; harmless on a trust anchor, "
                    "whose own signature clients do not check",
                    "nobody for a root in the trust store (RFC 5280 §6.1: the anchor is trusted as is)",
                )
            )
        else:
            out.append(
                Finding(
                    "weak-signature-hash",
                    "error",
                    f"signed with {info.signature_hash.upper()} ({info.signature_algorithm}); "
                    "collisions are practical",
                    "browsers (since 2017), OpenSSL 3 at security level 1 and above; "
                    "cryptography 50 refuses to sign with it",
                )
            )
    if info.public_key.type == "RSA" and info.public_key.bits is not None and info.public_key.bits < 2048:
        out.append(
            Finding(
                "small-rsa-key",
                "error",
                f"an RSA key of {info.public_key.bits} bits (under 2048)",
                "CA/Browser Forum Baseline Requirements; OpenSSL security level 2 "
                "(the default on Debian, Ubuntu, Fedora)",
            )
        )
    refused = server_key_problem(info.public_key.describe()) if _is_server(info) else None
    if refused is not None:
        out.append(Finding("browser-refuses-key", "warning", refused,
                           "web browsers (Chromium checked by tlsexplorer's tests)"))
    # Serial
    if info.serial <= 0 and not any(f.rule == "serial-not-positive" for f in out):
        out.append(
            Finding(
                "serial-not-positive",
                "warning",
                "the serial number is zero or negative (RFC 5280 §4.1.2.2)",
                "RFC 5280",
            )
        )
    serial_octets = (
        (info.serial.bit_length() + 8) // 8
        if info.serial >= 0
        else len(info.serial.to_bytes((info.serial.bit_length() + 8) // 8, "big", signed=True))
    )
    if serial_octets > 20:
        out.append(
            Finding(
                "serial-too-long",
                "warning",
                f"the serial number takes {serial_octets} octets; RFC 5280 allows at most 20",
                "RFC 5280 §4.1.2.2; some clients (Go, NSS) reject it",
            )
        )
    if info.version == 1 and info.extensions:
        out.append(
            Finding(
                "extensions-require-v3", "error", "extensions in a version 1 certificate", STRICT, strict=True
            )
        )
    # Validity
    if _is_server(info) and info.validity_days > MAX_SERVER_DAYS:
        out.append(
            Finding(
                "long-validity",
                "info",
                f"a TLS server certificate valid for {info.validity_days} days (over {MAX_SERVER_DAYS})",
                "Apple, Chrome and Mozilla refuse publicly-trusted server certificates issued after "
                "2020-09-01 with more than 398 days; private CAs are not held to it",
            )
        )
    if info.expired:
        out.append(Finding("expired", "warning", f"expired on {info.not_after:%Y-%m-%d}", "every client"))
    elif info.not_yet_valid:
        out.append(
            Finding(
                "not-yet-valid", "warning", f"not valid before {info.not_before:%Y-%m-%d}", "every client"
            )
        )
    return tuple(out)


def strict_verdict(findings: tuple[Finding, ...]) -> str | None:
    """A sentence saying why Python's strict verification rejects it, or None when it would not."""
    strict = [f for f in findings if f.strict]
    if not strict:
        return None
    rules = ", ".join(f.rule for f in strict)
    return (
        f"Python 3.13+ rejects this certificate under VERIFY_X509_STRICT ({rules}); "
        "older Pythons and plain openssl verify accept it"
    )


__all__ = ["MAX_SERVER_DAYS", "STRICT", "lint_certificate", "strict_verdict", "warning_findings"]
