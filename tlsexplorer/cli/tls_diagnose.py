"""Server diagnosis on the command line: the served chain judged, ``--targets``, ``tls doctor``.

Registered by :mod:`tlsexplorer.cli.tls`: :func:`add_probe_options` adds
``--fetch``, ``--warn-days``, ``--no-sni-check``, ``--targets`` and ``--workers``
to ``tls probe``; :func:`register_doctor` adds ``tls doctor``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from tlsexplorer.cli.base import CliError, add_command, add_json_flag, emit_json, read_source, warn
from tlsexplorer.cli.tls_scan import add_route_options, route_from_args

if TYPE_CHECKING:
    from tlsexplorer.core.tls.probe import ProbeResult
    from tlsexplorer.core.tls.served import ServedChain


def add_probe_options(probe: argparse.ArgumentParser) -> None:
    """The served-chain and many-targets options of ``tls probe``."""
    probe.add_argument("--fetch", action="store_true",
                       help="download a missing intermediate from the leaf's AIA caIssuers URL (http:// "
                       "only, 256 KiB, 10 s) and verify the completed chain, as browsers do (curl and "
                       "Python do not)")
    probe.add_argument("--warn-days", type=int, default=None, metavar="N",
                       help="warn when a certificate of the chain expires within N days (default 30); when "
                       "given, such a chain also makes the exit status 1")
    probe.add_argument("--no-sni-check", action="store_true",
                       help="skip the second connection without SNI (the default certificate compared with "
                       "the one sent for the name)")
    probe.add_argument("--targets", metavar="FILE",
                       help="check every HOST:PORT line of FILE ('-' for stdin; # comments, blank lines) "
                       "concurrently: exit 0 all good, 1 a failure or an expiry within --warn-days")
    probe.add_argument("--workers", type=int, default=None, metavar="N",
                       help="targets checked at once with --targets (default 16, at most 64)")


def _warn_days(args: argparse.Namespace) -> int:
    from tlsexplorer.core.tls.served import DEFAULT_WARN_DAYS

    days = DEFAULT_WARN_DAYS if args.warn_days is None else args.warn_days
    if not 0 <= days <= 3650:
        raise CliError(f"--warn-days {days} is not a number of days from 0 to 3650")
    return int(days)


def judge(args: argparse.Namespace, result: ProbeResult, ca_pems: list[bytes]) -> ServedChain | None:
    """The probe's chain judged as served (None when nothing was sent)."""
    from tlsexplorer.core.timeutil import utcnow
    from tlsexplorer.core.tls.served import compare_sni, judge_served

    if not result.connected or not result.peer_chain:
        return None
    route = route_from_args(args)  # the probe's own: the second connection and the AIA download go its way
    sni = None
    if result.servername is not None and not args.no_sni_check:
        sni = compare_sni(result.host, result.port, result.servername, result.peer_chain,
                          timeout=args.timeout, route=route)
    return judge_served(result, now=utcnow(), ca_pems=ca_pems, system_roots=args.system_roots,
                        warn_days=_warn_days(args), fetch=args.fetch, proxy=route.proxy_url, sni=sni)


def show_served(served: ServedChain | None) -> None:
    """Print the served-chain judgement under the probe's view."""
    if served is None:
        return
    from tlsexplorer.render.console import make_console
    from tlsexplorer.render.diagnose import served_view

    make_console().print(served_view(served))


def probe_exit(args: argparse.Namespace, ok: bool, served: ServedChain | None) -> int:
    """1 when the probe failed, or (with --warn-days) the chain expires within the days given."""
    if not ok:
        return 1
    if args.warn_days is not None and served is not None and served.expiring:
        return 1
    return 0


def check_options(args: argparse.Namespace) -> None:
    """Refuse option combinations that mean nothing."""
    if args.targets is None:
        if args.target is None:
            raise CliError("give HOST:PORT, or --targets FILE")
        if args.workers is not None:
            raise CliError("--workers goes with --targets FILE")
        return
    if args.target is not None:
        raise CliError("give either HOST:PORT or --targets FILE, not both")
    others = [name for name, on in (("--fetch", args.fetch), ("--pem", args.pem), ("--cert", args.cert),
                                    ("--insecure", args.insecure), ("--servername", args.servername),
                                    ("--starttls", args.starttls))
              if on]
    if others:
        raise CliError(f"{', '.join(others)} cannot be used with --targets (each target is probed plainly; "
                       "--proxy applies to all)")


def run_targets(args: argparse.Namespace, ca_pems: list[bytes]) -> int:
    """``tls probe --targets FILE``: every line checked, a table or JSON, exit 0/1."""
    from tlsexplorer.core.timeutil import utcnow
    from tlsexplorer.core.tls.targets import DEFAULT_WORKERS, check_targets, exit_status, parse_targets

    days = _warn_days(args)
    name = "stdin" if args.targets == "-" else args.targets
    from tlsexplorer.core.tls.targets import MAX_TARGETS_BYTES

    targets, bad = parse_targets(read_source(args.targets, limit=MAX_TARGETS_BYTES), name)
    for line in bad:
        warn(line.message)
    if not targets:
        raise CliError(f"{name} names no target; write one HOST:PORT a line")
    results = check_targets(targets, now=utcnow(), warn_days=days, ca_pems=ca_pems,
                            system_roots=args.system_roots, timeout=args.timeout,
                            workers=args.workers if args.workers is not None else DEFAULT_WORKERS,
                            route=route_from_args(args))
    status = exit_status(results, bad)
    if args.json:
        emit_json({
            "ok": status == 0,
            "warn_days": days,
            "targets": [r.to_json() for r in results],
            "bad_lines": [{"line": b.line, "message": b.message, "fatal": b.fatal} for b in bad],
            "counts": {s: sum(1 for r in results if r.status == s) for s in ("ok", "expiring", "failed")},
        })
    else:
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.diagnose import targets_table

        make_console().print(targets_table(results, bad, warn_days=days))
    return status


# ---------------------------------------------------------------------------
# tls doctor


def register_doctor(actions: Any) -> None:
    """Add ``tls doctor`` to the ``tls`` command's actions."""
    parser = add_command(
        actions, "doctor", "Why a client refuses a server: the same connection as each client makes it",
        "Connect to URL as Python's default context, certifi (requests, httpx), the system store, "
        "truststore (where installed), curl and openssl s_client (where present, as subprocesses with a "
        "time limit), and say in one sentence per client why it accepts or refuses, naming the trust store "
        "each used. Lists the environment variables that move each client's trust (SSL_CERT_FILE, "
        "SSL_CERT_DIR, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE; SSLKEYLOGFILE) and which are set now; looks for "
        "an intercepting proxy (a root trusted here but not in the public store, an issuer named like a "
        "known interceptor) and for clock skew (the server's Date header, a certificate not valid yet). "
        "With --proxy every client goes through the HTTP CONNECT proxy (curl --proxy --proxytunnel, "
        "openssl s_client -proxy). The doctor speaks HTTPS; for a STARTTLS server use tls probe --starttls. "
        "Exit 0 when every client that ran accepts, 1 otherwise.",
        "tlsexplorer tls doctor https://localhost:8443/",
        "SSL_CERT_FILE=tlsexplorer/samples/charlies-root-ca.pem tlsexplorer tls doctor localhost:8443",
        "tlsexplorer tls doctor https://example.com/ --only python curl --json",
        "tlsexplorer tls doctor https://example.com/ --proxy http://127.0.0.1:3128",
    )
    parser.add_argument("url", metavar="URL", help="https://HOST[:PORT]/PATH, or HOST:PORT")
    add_route_options(parser, starttls=False)
    parser.add_argument("--timeout", type=float, default=10.0, metavar="S",
                        help="seconds for each client's connection (default 10)")
    parser.add_argument("--only", nargs="+", metavar="CLIENT",
                        choices=("python", "certifi", "system", "truststore", "curl", "openssl"),
                        help="run only these clients (python, certifi, system, truststore, curl, openssl)")
    add_json_flag(parser)
    parser.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    from tlsexplorer.core.tls.doctor import diagnose

    if not 0 < args.timeout <= 120:
        raise CliError(f"--timeout {args.timeout} is not a number of seconds above 0 and at most 120")
    route = route_from_args(args)
    report = diagnose(args.url, timeout=args.timeout, clients=args.only, route=route)
    if args.json:
        emit_json(report.to_json())
    else:
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.diagnose import doctor_view

        make_console().print(doctor_view(report))
    sys.stdout.flush()
    return 0 if report.ok else 1


__all__ = ["add_probe_options", "check_options", "judge", "probe_exit", "register_doctor", "run_targets",
           "show_served"]
