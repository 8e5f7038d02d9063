"""``tlsexplorer tls scan``: what a server accepts, graded; and the ``--proxy``/``--starttls`` options.

Registered by :mod:`tlsexplorer.cli.tls` as one of its actions. The route
options (:func:`add_route_options`, :func:`route_from_args`) are shared by
every ``tls`` action that connects to a server.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from tlsexplorer.cli.base import CliError, add_command, add_json_flag, emit_json, fail, utf8_text

if TYPE_CHECKING:
    from tlsexplorer.core.tls.connect import Route

#: The protocols ``--starttls`` takes (kept here so that ``--help`` loads no core module).
STARTTLS_CHOICES = ("smtp", "imap", "pop3", "ftp", "postgres", "ldap", "xmpp")


def add_route_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--proxy`` and ``--starttls`` to a parser that connects to a server."""
    parser.add_argument("--proxy", metavar="http://HOST:PORT",
                        help="connect through this HTTP CONNECT proxy")
    parser.add_argument("--starttls", choices=STARTTLS_CHOICES, metavar="PROTOCOL",
                        help="speak the protocol's plaintext opening first and upgrade, as openssl "
                        f"s_client -starttls does ({', '.join(STARTTLS_CHOICES)}); the port then defaults to "
                        "the protocol's")


def route_from_args(args: argparse.Namespace) -> Route:
    """The route the options ask for (a bad ``--proxy`` is a usage error)."""
    from tlsexplorer.core.tls.connect import make_route

    return make_route(args.proxy, args.starttls)


def route_port(route: Route) -> int:
    """The port a target without one gets: the STARTTLS protocol's, else 443."""
    from tlsexplorer.core.tls.connect import STARTTLS_PORTS

    return STARTTLS_PORTS.get(route.starttls or "", 443)


def register_scan(actions: Any) -> None:
    """Add ``tls scan`` to the ``tls`` command's actions."""
    parser = add_command(
        actions, "scan", "What a server accepts: versions, suites, groups, ALPN, resumption, a grade",
        "Try each protocol version (SSL 3.0 and TLS 1.0 to 1.3), list the cipher suites each accepts in "
        "the server's order of preference, the key exchange groups (X25519MLKEM768 included, offered in a "
        "hand-built ClientHello since the local OpenSSL cannot), ALPN (h2, http/1.1) and session "
        "resumption, and grade it: each weak finding with what to change in nginx, Apache or Python's "
        "ssl. Python's ssl makes whole handshakes where it can; hand-built ClientHellos offer what it "
        "cannot, and the output says what could not be tested here. Connections run concurrently "
        "(--workers). Exit 0 when the scan ran, 1 when the server could not be reached or spoke no TLS, "
        "2 on usage errors.",
        "tlsexplorer tls serve &",
        "tlsexplorer tls scan localhost:8443",
        "tlsexplorer tls scan mail.example.com --starttls smtp --json",
        "tlsexplorer tls scan example.com:443 --proxy http://127.0.0.1:3128",
    )
    parser.add_argument("target", metavar="HOST:PORT", help="where to connect (port 443 when left out)")
    parser.add_argument("--servername", metavar="NAME", type=utf8_text, help="SNI to send (default: HOST)")
    add_route_options(parser)
    parser.add_argument("--timeout", type=float, default=30.0, metavar="S",
                        help="one deadline for the whole scan, every connection in it (default 30)")
    parser.add_argument("--workers", type=int, default=8, metavar="N",
                        help="connections open at once (1-32, default 8)")
    add_json_flag(parser)
    parser.set_defaults(handler=_scan)


def _scan(args: argparse.Namespace) -> int:
    from tlsexplorer.core.tls.probe import parse_target
    from tlsexplorer.core.tls.scan import scan

    if not 0 < args.timeout <= 300:  # also refuses nan
        raise CliError(f"--timeout {args.timeout} is not a number of seconds above 0 and at most 300")
    if not 1 <= args.workers <= 32:
        raise CliError(f"--workers {args.workers}: give 1 to 32 connections at once")
    if args.servername is not None and not args.servername.strip():
        raise CliError("--servername is empty; give the name to send, or leave it out for HOST")
    route = route_from_args(args)
    host, port = parse_target(args.target, route_port(route))
    result = scan(host, port, servername=args.servername, route=route, timeout=args.timeout,
                  workers=args.workers)
    if args.json:
        emit_json(result.to_json())
    elif result.error is None:
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.scan import scan_view

        make_console().print(scan_view(result))
    if result.error is not None:
        fail(result.error)
    return 0 if result.ok else 1

__all__ = ["STARTTLS_CHOICES", "add_route_options", "register_scan", "route_from_args", "route_port"]
