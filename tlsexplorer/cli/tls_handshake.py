"""``tlsexplorer tls handshake``: the TLS 1.3 handshake by hand, against any server.

A teaching client written in the open (:mod:`tlsexplorer.core.hazmat.tls13_client`),
not for production use: every field, key and check of one real connection.
Registered by :mod:`tlsexplorer.cli.tls` as one of its actions.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tlsexplorer.cli.base import CliError, add_command, add_json_flag, emit_json, read_source, warn

if TYPE_CHECKING:
    from tlsexplorer.core.hazmat.tls13_model import HandshakeWalk


def register_handshake(actions: Any) -> None:
    """Add ``tls handshake`` to the ``tls`` command's actions."""
    from tlsexplorer.core.hazmat.tls13_support import DEFAULT_DEADLINE, GROUP_NAMES, SUITE_NAMES

    parser = add_command(
        actions, "handshake", "The TLS 1.3 handshake by hand: every key derived, every check made",
        "Connect with a small TLS 1.3 client written in the open for teaching (NOT for production use) "
        "and show every step: the ClientHello built field by field, the ServerHello (and a "
        "HelloRetryRequest), the shared secret, the key schedule of RFC 8446 with every HKDF call, the "
        "server's encrypted flight opened record by record, the chain explained, CertificateVerify "
        "checked by hand (RSA-PSS from s^e mod n), both Finished messages, and an HTTP GET with its "
        "response. With no --ca the system's roots are trusted. Exit 0 when the handshake completed, "
        "every check passed and the response was read; 1 when the server refused, a check failed or "
        "the chain did not verify (unless --insecure); 2 on usage errors.",
        "tlsexplorer tls serve &",
        "tlsexplorer tls handshake localhost:8443 --ca tlsexplorer/samples/charlies-root-ca.pem",
        "tlsexplorer tls handshake example.com:443 --group secp256r1 --cipher TLS_AES_128_GCM_SHA256",
        "tlsexplorer tls handshake localhost:8443 --insecure --keylog hs.keylog --json",
    )
    parser.add_argument("target", metavar="HOST:PORT", help="where to connect (port 443 when left out)")
    parser.add_argument("--servername", metavar="NAME", help="SNI and the name to check (default: HOST)")
    parser.add_argument("--ca", action="append", default=[], metavar="FILE",
                        help="trust this CA certificate (repeatable)")
    parser.add_argument("--system-roots", action="store_true",
                        help="also trust the system's roots (the default when no --ca is given)")
    parser.add_argument("--insecure", action="store_true",
                        help="walk on when the chain does not verify (a warning says what was skipped)")
    parser.add_argument("--group", choices=GROUP_NAMES, default="x25519",
                        help="the group of our first key share (default x25519; the others are offered too, "
                        "so a server may ask for one with a HelloRetryRequest)")
    parser.add_argument("--cipher", choices=SUITE_NAMES, metavar="SUITE",
                        help=f"offer only this cipher suite ({', '.join(SUITE_NAMES)}; default: all three)")
    parser.add_argument("--path", default="/", help="the path of the HTTP GET (default /)")
    parser.add_argument("--keylog", metavar="FILE",
                        help="write this connection's secrets in the NSS key log format (mode 0600)")
    parser.add_argument("--force", action="store_true", help="replace an existing --keylog file")
    parser.add_argument("--timeout", type=float, default=DEFAULT_DEADLINE, metavar="S",
                        help=f"one deadline for the whole walk, in seconds (default {DEFAULT_DEADLINE:g})")
    parser.add_argument("--hex", dest="radix", action="store_const", const="hex", default="hex",
                        help="numbers in hex (the default)")
    parser.add_argument("--decimal", dest="radix", action="store_const", const="dec",
                        help="numbers in decimal")
    add_json_flag(parser)
    parser.set_defaults(handler=_handshake)


def walk_document(walk: HandshakeWalk) -> dict[str, Any]:
    """The ``--json`` document of a walk (hex lowercase)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from tlsexplorer.cli.verify import report_document

    pems: list[str] = []
    for der in walk.server_certificates:
        try:
            pems.append(x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM).decode())
        except ValueError:
            continue
    cv, fin = walk.certificate_verify, walk.server_finished
    return {
        "host": walk.host,
        "port": walk.port,
        "servername": walk.servername,
        "completed": walk.completed,
        "stopped_at": walk.stopped_at,
        "reason": walk.reason,
        "client_random": walk.client_random.hex(),
        "server_random": walk.server_random.hex(),
        "group": walk.group,
        "cipher": walk.cipher,
        "hello_retry": walk.hello_retry,
        "shared_secret": walk.shared_secret.hex(),
        "secrets": {name: None if value is None else value.hex() for name, value in walk.secrets.items()},
        "keys": {name: {"key": keys.key.hex(), "iv": keys.iv.hex()} for name, keys in walk.keys.items()},
        "server_certificates": pems,
        "chain": None if walk.chain is None else report_document(walk.chain),
        "chain_note": walk.chain_note or None,
        "insecure": walk.insecure,
        "certificate_verify": None if cv is None else {
            "scheme": cv.scheme, "by_hand": cv.by_hand, "library": cv.library,
        },
        "server_finished": None if fin is None else {
            "expected": fin.expected.hex(), "received": fin.received.hex(), "ok": fin.ok,
        },
        "response": walk.response.decode("utf-8", "replace"),
        "response_cut": walk.response_cut,
        "tickets": walk.tickets,
        "steps": [{"name": s.name, "title": s.title, "detail": s.detail} for s in walk.steps],
    }


def _handshake(args: argparse.Namespace) -> int:
    from tlsexplorer.core.files import FileToWrite, write_files
    from tlsexplorer.core.hazmat.tls13_client import walk_handshake
    from tlsexplorer.core.hazmat.tls13_support import NOT_FOR_PRODUCTION
    from tlsexplorer.core.tls.probe import parse_target

    host, port = parse_target(args.target)
    if not 0 < args.timeout <= 300:
        raise CliError("--timeout must be more than 0 and at most 300 seconds")
    keylog = Path(args.keylog) if args.keylog else None
    if keylog is not None and keylog.exists() and not args.force:
        raise CliError(f"{keylog} exists; nothing was written (use --force to replace it)")
    ca_pems = [read_source(path, limit=16 * 1024 * 1024) for path in args.ca]
    walk = walk_handshake(host, port, servername=args.servername, ca_pems=ca_pems,
                          system_roots=args.system_roots, insecure=args.insecure, group=args.group,
                          cipher=args.cipher, path=args.path, deadline=args.timeout)
    warn(NOT_FOR_PRODUCTION)
    if walk.chain_note:
        warn(walk.chain_note)
    if keylog is not None and walk.schedule is not None:
        write_files([FileToWrite(keylog, walk.keylog().encode(), private=True, kind="keylog")],
                    force=args.force)
    if args.json:
        emit_json(walk_document(walk))
    else:
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.handshake import walk_view

        make_console().print(walk_view(walk, args.radix))
    return 0 if walk.ok else 1


__all__ = ["register_handshake", "walk_document"]
