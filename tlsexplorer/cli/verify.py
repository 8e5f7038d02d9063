"""``tlsexplorer verify``: build and verify a certificate chain, every check explained.

The verdict is the cryptography library's verifier; beside it every link of
the chain gets an explained checklist with the fix for each failure. Exit 0
when the chain is valid, 1 when it is not, 2 for usage errors or unreadable
input.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from tlsexplorer.cli.base import (
    CliError,
    add_json_flag,
    emit_json,
    example_epilog,
    one_stdin,
    read_source,
    utf8_text,
    warn,
)

if TYPE_CHECKING:
    from tlsexplorer.core.chain.gather import Source
    from tlsexplorer.core.chain.model import ChainReport

DESCRIPTION = """\
Build the chain from LEAF to a trust anchor and verify it with the cryptography
library's verifier (the authority). Beside the verdict, every link gets an
explained checklist: signature (algorithm named), issuer name, validity, CA
flag, path length, key usage, extended key usage, name constraints, unknown
critical extensions, and the host name or IP against the SAN (the CN is not
used). Each failure says what is wrong and how to fix it, and the equivalent
openssl verify command line is printed.

LEAF may be a bundle (a server's fullchain.pem): its first certificate is the
leaf, the others count as intermediates. Trust anchors come from --ca files,
the system trust store (--system-roots), or the self-signed root found in the
bundle itself (--trust-bundle-root, marked as such: it proves nothing about who
sent it).

Revocation: --crl FILE (PEM or DER, repeatable; a CRL file among --chain or --ca
counts too), --fetch (download each certificate's CRL distribution points, http
only) and --ocsp (ask its AIA OCSP responder). Every step is explained: the
CRL's issuer and signature, thisUpdate/nextUpdate, scope (issuing distribution
point) and entry; the OCSP answer's signature, responder, certID, nonce,
freshness and status. A revoked certificate is not valid. A missing or stale
CRL, or a responder that is down, leaves the status unknown: reported, and a
failure with --crl-check leaf|all (as openssl verify -crl_check /
-crl_check_all).

JSON (--json): valid, error, chain [{subject, issuer, fingerprint_sha256}],
findings [{certificate, check, ok, message, fix}], plus trusted, host, purpose,
at, max_depth, missing_issuer, paths and openssl_command; revocation (per
certificate of the chain, a list of {source, status, reason, revoked_at,
detail, where, checks}), revocation_verdict and openssl_ocsp_commands.
Exit status: 0 valid, 1 not valid, 2 usage error or unreadable input."""


def register(subparsers: Any) -> None:
    """Add ``verify``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "verify",
        help="build and verify a certificate chain, every check of every link explained",
        description=DESCRIPTION,
        epilog=example_epilog(
            "tlsexplorer verify fullchain.pem --ca root.pem --host alice.example.net",
            "tlsexplorer verify leaf.pem --chain intermediate.pem --system-roots --host example.com",
            "tlsexplorer verify cert.pem --ca root.pem --ip 127.0.0.1 --at 2030-01-01 --json",
            "tlsexplorer verify client.pem --ca root.pem --purpose client",
            "tlsexplorer verify leaf.pem --ca root.pem --crl root.crl --crl-check leaf",
            "tlsexplorer verify leaf.pem --chain inter.pem --ca root.pem --ocsp --fetch",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "leaf", metavar="LEAF", help="the leaf certificate, or a bundle starting with it ('-': stdin)"
    )
    parser.add_argument(
        "--chain",
        action="append",
        default=[],
        metavar="FILE",
        help="intermediates: files or folders (repeatable)",
    )
    parser.add_argument(
        "--ca", action="append", default=[], metavar="FILE", help="trust anchors (repeatable)"
    )
    parser.add_argument(
        "--system-roots",
        action="store_true",
        help="trust the system's CA bundle (certifi's where there is none)",
    )
    parser.add_argument(
        "--trust-bundle-root",
        action="store_true",
        help="trust the self-signed root found in LEAF or --chain files (marked as such)",
    )
    names = parser.add_mutually_exclusive_group()
    names.add_argument("--host", metavar="NAME", type=utf8_text,
                       help="the host name the leaf must name in its SAN")
    names.add_argument("--ip", metavar="ADDR", type=utf8_text,
                       help="the IP address the leaf must name in its SAN")
    parser.add_argument("--at", metavar="ISO8601", help="validation time (default: now)")
    parser.add_argument(
        "--purpose", choices=("server", "client"), default="server", help="server (default) or client"
    )
    parser.add_argument(
        "--max-depth", type=int, metavar="N", help="most intermediates allowed (default 8, the verifier's)"
    )
    parser.add_argument(
        "--crl", action="append", default=[], metavar="FILE",
        help="a CRL (PEM or DER) to check revocation with (repeatable)",
    )
    parser.add_argument(
        "--crl-check", choices=("leaf", "all"),
        help="an unknown revocation status of the leaf (leaf) or of every certificate but the anchor "
        "(all) makes the chain not valid, as openssl -crl_check / -crl_check_all",
    )
    parser.add_argument("--ocsp", action="store_true", help="ask each certificate's OCSP responder (AIA)")
    parser.add_argument(
        "--fetch", action="store_true", help="download each certificate's CRL distribution points (http)"
    )
    add_json_flag(parser)
    parser.set_defaults(handler=_verify)


def _source(path: str, stdin_name: str) -> Source:
    """A file argument; ``-`` is read from stdin now, and openssl is told it was saved as ``stdin_name``."""
    from tlsexplorer.core.chain.gather import Source

    if path == "-":
        return Source.memory(read_source("-"), label="standard input", name=stdin_name)
    return Source.file(path, name=path)


def _verify(args: argparse.Namespace) -> int:
    import ipaddress

    from tlsexplorer.core.chain.gather import ChainInput, InputNames, gather_and_verify
    from tlsexplorer.core.errors import InvalidInput
    from tlsexplorer.core.timeutil import parse_iso8601, utcnow

    one_stdin({"LEAF": args.leaf, "--chain": args.chain, "--ca": args.ca, "--crl": args.crl})
    for option, value in (("--host", args.host), ("--ip", args.ip)):
        if value is not None and not value.strip():
            raise CliError(f"{option} is empty; give the name the leaf must match, or leave {option} out")
    if args.max_depth is not None and not 0 <= args.max_depth <= 255:
        raise CliError(f"--max-depth {args.max_depth} must be between 0 and 255")
    if args.ip is not None:
        try:
            ipaddress.ip_address(args.ip)
        except ValueError:
            raise CliError(f"--ip {args.ip!r} is not an IPv4 or IPv6 address") from None
    at = parse_iso8601(args.at) if args.at else utcnow()
    if not (args.ca or args.system_roots or args.trust_bundle_root):
        raise CliError("no trust anchor: give --ca FILE, --system-roots or --trust-bundle-root")

    request = ChainInput(
        leaf=(_source(args.leaf, "leaf.pem"),),
        intermediates=tuple(_source(path, "chain.pem") for path in args.chain),
        anchors=tuple(_source(path, "roots.pem") for path in args.ca),
        system_roots=args.system_roots,
        trust_bundle_root=args.trust_bundle_root,
        at=at,
        host=args.ip if args.ip is not None else args.host,
        purpose="client" if args.purpose == "client" else "server",
        max_depth=args.max_depth,
        names=InputNames(
            leaf="LEAF", intermediates="--chain", anchors="--ca", bundle_root="--trust-bundle-root"
        ),
        crls=tuple(_source(path, "crl.pem") for path in args.crl),
        ocsp=args.ocsp,
        fetch=args.fetch,
        crl_check=args.crl_check,
    )
    try:
        result = gather_and_verify(request)
    except InvalidInput as exc:  # a file without a certificate: unreadable input, exit 2 (not "no")
        raise CliError(str(exc)) from None
    for note in result.gathered.notes:
        warn(note)
    report = result.report
    if args.json:
        emit_json(report_document(report))
    else:
        from tlsexplorer.render.chain import chain_report_view
        from tlsexplorer.render.console import make_console

        make_console().print(chain_report_view(report))
    return 0 if report.valid else 1


def report_document(report: ChainReport) -> dict[str, Any]:
    """The ``--json`` document of a chain report."""
    import tlsexplorer.core.x509.safe as safe
    from tlsexplorer.core.chain.facts import describe, fingerprint_hex
    from tlsexplorer.core.chain.revocation_chain import revocation_verdict
    return {
        "valid": report.valid,
        "error": report.error,
        "chain": [
            {
                "subject": safe.rfc4514_or_none(cert, "subject"),
                "issuer": safe.rfc4514_or_none(cert, "issuer"),
                "fingerprint_sha256": fingerprint_hex(cert),
            }
            for cert in report.chain
        ],
        "findings": [
            {"certificate": f.certificate, "check": f.check, "ok": f.ok, "message": f.message, "fix": f.fix}
            for f in report.findings
        ],
        "trusted": report.trusted,
        "host": report.host,
        "purpose": report.purpose,
        "at": report.at,
        "max_depth": report.max_depth,
        "missing_issuer": None
        if report.missing is None
        else {"issuer": report.missing.issuer, "urls": list(report.missing.urls), "fix": report.missing.fix},
        "paths": [[describe(c) for c in path] for path in report.paths],
        "openssl_command": report.openssl_command,
        "revocation": [
            [
                {
                    "source": check.source,
                    "status": check.status,
                    "reason": check.reason,
                    "revoked_at": check.revoked_at,
                    "detail": check.detail,
                    "where": check.where,
                    "checks": [{"check": s.check, "ok": s.ok, "message": s.message, "fix": s.fix}
                               for s in check.steps],
                }
                for check in report.revocation_of(index)
            ]
            for index in range(len(report.chain))
        ],
        "revocation_verdict": revocation_verdict(report),
        "openssl_ocsp_commands": list(report.revocation_commands),
    }


__all__ = ["register", "report_document"]
