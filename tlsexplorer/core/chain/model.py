"""What a chain verification reports: the checks, findings, missing issuers and the verdict."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from cryptography import x509
from cryptography.x509.oid import ExtensionOID

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

#: The revocation checks (:mod:`tlsexplorer.core.chain.revocation`), in the order shown, with their titles.
#: They are listed beside the chain's checklist, not in it: the verifier does not check revocation.
REVOCATION_CHECKS: dict[str, str] = {
    "crl_read": "CRL: read",
    "crl_issuer": "CRL: issuer",
    "crl_signature": "CRL: signature",
    "crl_time": "CRL: this/next update",
    "crl_scope": "CRL: scope",
    "crl_entry": "CRL: entry",
    "ocsp_answer": "OCSP: answer",
    "ocsp_signature": "OCSP: signature",
    "ocsp_responder": "OCSP: responder",
    "ocsp_cert_id": "OCSP: certID",
    "ocsp_nonce": "OCSP: nonce",
    "ocsp_freshness": "OCSP: freshness",
    "ocsp_status": "OCSP: status",
    "revocation": "revocation",
}

#: Where a revocation status came from, and what it says.
RevocationSource = Literal["crl", "ocsp"]
RevocationStatus = Literal["good", "revoked", "unknown"]
#: ``leaf``: the leaf's status must be known; ``all``: every certificate's but the anchor's (openssl
#: -crl_check / -crl_check_all). None: an unknown status is reported, not a failure.
CrlCheck = Literal["leaf", "all"]

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
        return CHECKS.get(self.check) or REVOCATION_CHECKS.get(self.check, self.check)


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
class RevocationCheck:
    """One revocation check of one certificate: a CRL or an OCSP answer, and every step of it."""

    certificate: int
    """Index of the certificate in the chain (0 is the leaf)."""
    source: RevocationSource
    """``crl`` or ``ocsp``."""
    status: RevocationStatus
    """``good``, ``revoked`` or ``unknown``."""
    reason: str | None
    """Revoked: the RFC 5280 reason (``keyCompromise``; ``unspecified`` when none is given).
    Unknown: why the status is unknown. Good: None."""
    revoked_at: dt.datetime | None
    """When it was revoked (revoked only)."""
    detail: str
    """The outcome in one sentence."""
    where: str
    """The CRL's file or URL, or the responder's URL."""
    steps: tuple[Finding, ...] = ()
    """Every step checked, in order (checks of :data:`REVOCATION_CHECKS`)."""


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
    verifier_valid: bool | None = None
    """The verifier's own verdict when revocation changed :attr:`valid` (None: it is :attr:`valid`)."""
    revocation: tuple[RevocationCheck, ...] = ()
    """Every revocation check made (none: revocation was not asked about)."""
    revocation_asked: bool = False
    """Whether revocation was asked about (CRLs given, --ocsp, --fetch or --crl-check)."""
    crl_check: CrlCheck | None = None
    """Whose unknown status is a failure (None: unknown is reported, not a failure)."""
    revocation_commands: tuple[str, ...] = ()
    """The equivalent ``openssl ocsp`` command lines."""

    @property
    def checklist_ok(self) -> bool:
        """True when every check of the checklist passed."""
        return all(f.ok for f in self.findings)

    @property
    def agrees(self) -> bool:
        """Whether the checklist and the verifier agree (disagreement is a bug of ours)."""
        return self.checklist_ok == (self.valid if self.verifier_valid is None else self.verifier_valid)

    def findings_for(self, index: int) -> tuple[Finding, ...]:
        """The findings of one certificate of :attr:`chain`, then the steps of its revocation checks."""
        steps = (s for check in self.revocation if check.certificate == index for s in check.steps)
        return (*(f for f in self.findings if f.certificate == index), *steps)

    def revocation_of(self, index: int) -> tuple[RevocationCheck, ...]:
        """The revocation checks of one certificate of :attr:`chain`."""
        return tuple(check for check in self.revocation if check.certificate == index)

    def failures(self) -> tuple[Finding, ...]:
        """The failed checks."""
        return tuple(f for f in self.findings if not f.ok)


__all__ = [
    "CHECKS",
    "DEFAULT_MAX_DEPTH",
    "REVOCATION_CHECKS",
    "ChainReport",
    "CrlCheck",
    "Finding",
    "MissingIssuer",
    "OpensslFiles",
    "Purpose",
    "RevocationCheck",
    "RevocationSource",
    "RevocationStatus",
]
