"""Revocation of a whole chain: which certificates to check, with what, and the verdict.

:func:`check_chain_revocation` takes a chain's report and a :class:`RevocationRequest` (CRLs,
--ocsp, --fetch, --crl-check) and returns the report with every revocation check
(:mod:`tlsexplorer.core.chain.revocation`), the verdict changed when a certificate is revoked or
when --crl-check requires a status that is unknown (as ``openssl verify -crl_check`` fails), and
the equivalent openssl command lines.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from cryptography import x509

from tlsexplorer.core.chain.model import ChainReport, CrlCheck, Finding, RevocationCheck
from tlsexplorer.core.chain.names import same_name
from tlsexplorer.core.chain.revocation import (
    DEFAULT_TIMEOUT,
    Crl,
    ask_ocsp,
    check_crl,
    crl_urls,
    download_crls_at,
    ocsp_urls,
)
from tlsexplorer.core.timeutil import format_iso8601


@dataclass(frozen=True)
class RevocationRequest:
    """What to check revocation with, for a whole chain."""

    crls: tuple[Crl, ...] = ()
    """CRLs given (files, or found among the other inputs)."""
    crl_files: tuple[str, ...] = ()
    """The files they came from, as openssl names them (``-CRLfile``)."""
    ocsp: bool = False
    """Ask each certificate's OCSP responder (its AIA OCSP URL)."""
    fetch: bool = False
    """Download each certificate's CRL distribution points (http)."""
    crl_check: CrlCheck | None = None
    """Whose unknown status is a failure: ``leaf`` or ``all`` (None: none's)."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds for each download."""

    @property
    def asked(self) -> bool:
        """Whether revocation is to be checked at all."""
        return bool(self.crls or self.crl_files or self.ocsp or self.fetch or self.crl_check)


def _targets(report: ChainReport, request: RevocationRequest) -> list[int]:
    """The certificates to check: the leaf, every one but the anchor with ``all``, and without
    --crl-check the intermediates whose issuer's CRL was given."""
    last = len(report.chain) - (1 if report.trusted else 0)
    if request.crl_check == "all":
        return list(range(max(last, 1)))
    targets = [0]
    if request.crl_check is None:
        for index in range(1, min(last, len(report.chain) - 1)):
            issuer = report.chain[index].issuer
            if any(c.crl is not None and same_name(c.crl.issuer, issuer) for c in request.crls):
                targets.append(index)
    return targets


def _status(checks: Sequence[RevocationCheck]) -> RevocationCheck | None:
    """The check that decides a certificate's status: revoked over good over unknown."""
    for wanted in ("revoked", "good", "unknown"):
        for check in checks:
            if check.status == wanted:
                return check
    return None


def revocation_verdict(report: ChainReport) -> str:
    """``valid, not revoked``, ``revoked on DATE (reason)``, ``valid, revocation not checked``, or
    what stops the status from being known."""
    prefix = "valid" if report.valid else "not valid"
    if not report.revocation_asked:
        return f"{prefix}, revocation not checked"
    indexes = sorted({c.certificate for c in report.revocation})
    decided = {i: _status(report.revocation_of(i)) for i in indexes}
    for index, check in decided.items():
        if check is not None and check.status == "revoked" and check.revoked_at is not None:
            who = "" if index == 0 else f"[{index}] "
            return f"{who}revoked on {format_iso8601(check.revoked_at)} ({check.reason})"
    unknown = [(i, c) for i, c in decided.items() if c is not None and c.status == "unknown"]
    if unknown:
        index, check = unknown[0]
        who = "" if index == 0 else f" of [{index}]"
        return f"{prefix}, revocation status{who} unknown: {check.reason}"
    return f"{prefix}, not revoked"


def _openssl_crl_options(request: RevocationRequest, targets: Sequence[int]) -> list[str]:
    if not (request.crl_files or request.fetch or request.crl_check):
        return []
    options = ["-crl_check_all" if request.crl_check == "all" or len(targets) > 1 else "-crl_check"]
    for name in request.crl_files:
        options += ["-CRLfile", name]
    if request.fetch:
        options.append("-crl_download")
    return options


def check_chain_revocation(
    report: ChainReport,
    request: RevocationRequest,
    *,
    file_of: Callable[[x509.Certificate], str],
    anchor_files: Sequence[str] = (),
) -> ChainReport:
    """``report`` with the revocation of its certificates checked as ``request`` asks: the checks,
    the verdict (a revoked certificate, or an unknown status that --crl-check requires, makes it not
    valid), and the equivalent openssl command lines (``file_of`` names each certificate's file)."""
    if not request.asked:
        return report
    when = report.at or dt.datetime.now(dt.timezone.utc)
    targets = _targets(report, request)
    checks: list[RevocationCheck] = []
    commands: list[str] = []
    downloaded: dict[str, list[Crl]] = {}
    for index in targets:
        cert = report.chain[index]
        if index + 1 >= len(report.chain):
            why = "the certificate's issuer was not found, so nothing it published can be checked"
            checks.append(
                RevocationCheck(
                    index,
                    "crl",
                    "unknown",
                    why,
                    None,
                    f"status unknown: {why}",
                    "",
                    (Finding(index, "revocation", False, why + "."),),
                )
            )
            continue
        issuer = report.chain[index + 1]
        found: list[RevocationCheck] = []
        if request.crls or request.crl_files or request.fetch or not request.ocsp:
            crls = list(request.crls)
            if request.fetch:
                urls = crl_urls(cert)
                for url in urls:
                    if url not in downloaded:
                        got, problems = download_crls_at(url, request.timeout)
                        downloaded[url] = got
                        crls.extend(Crl(url, None, p) for p in problems)
                    crls.extend(downloaded[url])
                if not urls and not request.crls:
                    crls.append(Crl("", None, "the certificate names no http CRL distribution point"))
            found.append(check_crl(cert, issuer, crls, at=when, index=index))
        if request.ocsp:
            urls = ocsp_urls(cert)
            if not urls:
                why = "the certificate names no OCSP responder (no AIA OCSP URL)"
                found.append(
                    RevocationCheck(
                        index,
                        "ocsp",
                        "unknown",
                        why,
                        None,
                        f"status unknown: {why}",
                        "",
                        (Finding(index, "ocsp_answer", False, why + "."),),
                    )
                )
            else:
                found.append(ask_ocsp(cert, issuer, urls[0], at=when, timeout=request.timeout, index=index))
                line = [
                    "openssl",
                    "ocsp",
                    "-issuer",
                    file_of(issuer),
                    "-cert",
                    file_of(cert),
                    "-url",
                    urls[0],
                ]
                for name in anchor_files:
                    line += ["-CAfile", name]
                if issuer not in report.chain[-1:] or not report.trusted:
                    line += ["-verify_other", file_of(issuer)]
                commands.append(" ".join(shlex.quote(part) for part in line))
        checks.extend(found)

    decided = [_status([c for c in checks if c.certificate == i]) for i in targets]
    revoked = any(c is not None and c.status == "revoked" for c in decided)
    required = [0] if request.crl_check == "leaf" else targets if request.crl_check == "all" else []
    unknown_required = any(
        (c := _status([x for x in checks if x.certificate == i])) is None or c.status == "unknown"
        for i in required
    )
    valid = report.valid and not revoked and not unknown_required
    command = report.openssl_command
    options = _openssl_crl_options(request, targets)
    if options and command.startswith("openssl verify "):
        command = (
            "openssl verify " + " ".join(shlex.quote(o) for o in options) + command[len("openssl verify") :]
        )
    error = report.error
    if report.valid and not valid:
        first = (
            next(c for c in decided if c is not None and c.status != "good") if revoked or required else None
        )
        error = (
            f"revoked: {first.detail}"
            if revoked and first is not None
            else "the revocation status is unknown, and --crl-check requires it"
        )
    return replace(
        report,
        valid=valid,
        verifier_valid=report.valid if valid != report.valid else None,
        error=error,
        openssl_command=command,
        revocation=tuple(checks),
        revocation_asked=True,
        crl_check=request.crl_check,
        revocation_commands=tuple(commands),
    )


__all__ = ["RevocationRequest", "check_chain_revocation", "revocation_verdict"]
