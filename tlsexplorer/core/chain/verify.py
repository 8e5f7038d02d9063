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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.x509.oid import (
    ExtendedKeyUsageOID,
)
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.chain.checks import _checklist, _sans, _Settings, _signature_problem
from tlsexplorer.core.chain.facts import _Facts, _facts, aia_issuer_urls, describe, name_of
from tlsexplorer.core.chain.model import (
    CANDIDATES_PER_CERT,
    DEFAULT_MAX_DEPTH,
    MAX_PATHS,
    MAX_SAME_NAME,
    SIGNATURE_BUDGET,
    ChainReport,
    Finding,
    MissingIssuer,
    OpensslFiles,
    Purpose,
)
from tlsexplorer.core.chain.names import _dns_ok
from tlsexplorer.core.der import name_bytes
from tlsexplorer.core.errors import InvalidInput, UsageError
from tlsexplorer.core.timeutil import as_utc

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


def _index(certs: Iterable[x509.Certificate]) -> dict[bytes, list[x509.Certificate]]:
    index: dict[bytes, list[x509.Certificate]] = {}
    for cert in certs:
        try:
            subject = name_bytes(cert)[1]
        except InvalidInput:
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
    missing_fix: str | None = None,
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
        missing_fix: what to do when an issuer is missing, instead of the
            default (which names the verify command's options).

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
            error = safe.verifier_text(str(exc))
        except Exception as exc:  # the library fails in ways it does not document
            error = f"the verifier could not read the input: {safe.explain(exc)}"

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
    for index, link in enumerate(chosen_path):
        if link.unreadable:  # the verifier may not need the field; people are still told
            sentences = "; ".join(u.sentence for u in link.unreadable)
            notes.append(f"[{index}] {describe(link.cert)}: {sentences} (shown as unreadable).")

    missing: MissingIssuer | None = None
    if not chosen_trusted and chosen_reason == "missing" and not chosen_path[-1].self_issued:
        end = chosen_path[-1]
        missing = MissingIssuer(
            len(chosen_path) - 1,
            name_of(end.cert, "issuer"),
            aia_issuer_urls(end.cert),
            missing_fix
            or "Append the intermediate to the server's certificate file (fullchain.pem), or pass it with "
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
        try:
            issuer, subject = name_bytes(cert)
        except InvalidInput:
            issuer, subject = b"", b"-"
        if subject == issuer:
            try:
                cert.verify_directly_issued_by(cert)
            except Exception:  # a bad signature, or one the library cannot check
                others.append(cert)
                continue
            found.append(cert)
        else:
            others.append(cert)
    return others, found


__all__ = [
    "openssl_command",
    "split_bundle_roots",
    "verify_chain",
]
