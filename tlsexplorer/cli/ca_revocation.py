"""``tlsexplorer ca revoke|crl|ocsp``: withdrawing what a CA issued, and saying so.

``revoke`` marks a certificate revoked in the CA folder's record
(``DIR/record.json``), ``crl`` signs a CRL of everything revoked, ``ocsp``
answers OCSP requests from the record on 127.0.0.1. Registered by
:mod:`tlsexplorer.cli.ca` under ``ca``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tlsexplorer.cli.base import (
    CliError,
    add_command,
    add_json_flag,
    emit_json,
    read_password,
    read_source,
    whole_number,
)

if TYPE_CHECKING:
    from tlsexplorer.core.ca.store import LoadedCa

# core/ca/registry.py REASONS, spelled out so that building the parser does not import
# cryptography; a test keeps them equal.
REASONS = (
    "unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
    "cessationOfOperation", "certificateHold", "privilegeWithdrawn", "aACompromise",
)


def register_actions(actions: Any, load_ca: Callable[[str, str | None], LoadedCa]) -> None:
    """Add ``revoke``, ``crl`` and ``ocsp`` to the ``ca`` command's actions; ``load_ca(DIR, password
    file)`` is how ``ca`` opens a CA folder (its passphrase from the file or a prompt)."""
    revoke = add_command(
        actions, "revoke", "Revoke a certificate the CA issued",
        "Mark a certificate revoked in the CA folder's record (DIR/record.json), by its file or its "
        "serial number. The next CRL lists it and the OCSP responder answers 'revoked' at once. "
        f"Reasons (RFC 5280): {', '.join(REASONS)}. Revoking a serial the CA never issued, or "
        "twice, is refused.",
        "tlsexplorer ca revoke myca myca/issued/www.example.net.pem --reason keyCompromise",
        "tlsexplorer ca revoke myca --serial 5c3a9f... --reason superseded --json",
    )
    revoke.add_argument("dir", metavar="DIR", help="the CA folder")
    revoke.add_argument("cert", metavar="CERT", nargs="?",
                        help="the certificate file (PEM or DER, - for stdin)")
    revoke.add_argument("--serial", metavar="HEX", help="the serial number in hex (instead of CERT)")
    revoke.add_argument("--reason", default="unspecified", metavar="REASON",
                        help="why (RFC 5280 name, default unspecified)")
    revoke.add_argument("--at", metavar="ISO8601", help="when it was revoked (default: now)")
    add_json_flag(revoke)
    revoke.set_defaults(handler=_revoke)

    crl = add_command(
        actions, "crl", "Publish a CRL of what the CA revoked",
        "Sign a CRL listing every certificate the CA in DIR revoked, with the next CRL number, its "
        "authority key identifier, thisUpdate (now), nextUpdate (--days later) and each entry's "
        "reason. Written to DIR/crl.pem by default (DER for a .der or .crl file name). An "
        "intermediate CA's folder publishes its own. Nothing is replaced without --force.",
        "tlsexplorer ca crl myca --force",
        "tlsexplorer ca crl myca --days 1 --output public/myca.crl --json",
    )
    crl.add_argument("dir", metavar="DIR", help="the CA folder")
    crl.add_argument("--days", type=whole_number(1), default=7, metavar="N",
                     help="days until nextUpdate (default 7)")
    crl.add_argument("--output", metavar="FILE", help="where to write it (default DIR/crl.pem)")
    crl.add_argument("--force", action="store_true", help="replace the file if it exists")
    crl.add_argument("--ca-password-file", metavar="FILE", help="passphrase of the CA key")
    add_json_flag(crl)
    crl.set_defaults(handler=_crl, load_ca=load_ca)

    responder = add_command(
        actions, "ocsp", "Answer OCSP requests for the CA's certificates (RFC 6960)",
        "Run an OCSP responder on 127.0.0.1 (GET and POST) answering from the CA folder's record: "
        "good, revoked (time and reason) or unknown, the request's nonce echoed. Signed by the CA, or "
        "with --signer by a delegated responder issued with 'ca issue DIR NAME --ocsp-signer' (the CA's "
        "key is then not read: it can stay offline). "
        "Ctrl+C stops it.",
        "tlsexplorer ca ocsp myca --port 8888",
        "openssl ocsp -issuer myca/ca.pem -cert myca/issued/www.pem -url http://127.0.0.1:8888 "
        "-CAfile myca/ca.pem",
    )
    responder.add_argument("dir", metavar="DIR", help="the CA folder")
    responder.add_argument("--port", type=whole_number(0), default=8888, metavar="N",
                           help="port on 127.0.0.1 (default 8888; 0 picks a free one)")
    responder.add_argument("--signer", metavar="NAME",
                           help="sign with the delegated responder issued/NAME.pem (default: the CA)")
    responder.add_argument("--minutes", type=whole_number(1), default=60, metavar="N",
                           help="how long each answer stays fresh (nextUpdate; default 60)")
    responder.add_argument("--ca-password-file", metavar="FILE",
                           help="passphrase of the CA key (not read with --signer: the CA key stays offline)")
    responder.add_argument("--signer-password-file", metavar="FILE", help="passphrase of the signer's key")
    responder.set_defaults(handler=_ocsp, load_ca=load_ca)


def require_ca_folder(directory: str) -> Path:
    """``directory`` if it holds a CA (its ca.pem).

    Raises:
        UsageError: it does not.
    """
    import tlsexplorer.core.ca.registry as registry

    return registry.require_ca_folder(directory)


def _iso(value: Any) -> str | None:
    from tlsexplorer.core.timeutil import format_iso8601

    return None if value is None else format_iso8601(value)


def _revoke(args: argparse.Namespace) -> int:
    import tlsexplorer.core.ca.registry as registry
    from tlsexplorer.core.timeutil import parse_iso8601, utcnow

    if (args.cert is None) == (args.serial is None):
        raise CliError("give the certificate to revoke, or --serial HEX (one of them)")
    folder = require_ca_folder(args.dir)
    reason = registry.parse_reason(args.reason)
    now = utcnow()
    at = parse_iso8601(args.at) if args.at else now
    if at > now:
        raise CliError(f"--at {args.at} is in the future; a revocation is recorded when it is made")
    if args.serial is not None:
        text = args.serial.strip().lower().removeprefix("0x").replace(":", "")
        try:
            serial = int(text, 16)
        except ValueError:
            raise CliError(f"--serial {args.serial!r} is not a hexadecimal number") from None
    else:
        name = "stdin" if args.cert == "-" else args.cert
        serial = registry.serial_of(read_source(args.cert, limit=1024 * 1024), name, folder)
    entry = registry.revoke(folder, serial, reason, at)
    if args.json:
        emit_json({"serial": entry.serial, "serial_hex": f"{entry.serial:x}", "subject": entry.subject,
                   "revoked_at": _iso(entry.revoked_at), "reason": entry.reason,
                   "record": str((folder / registry.RECORD).resolve())})
        return 0
    from tlsexplorer.core.text import printable

    sys.stdout.write(f"revoked serial {entry.serial:x} ({printable(entry.subject)}) on "
                     f"{_iso(entry.revoked_at)}, reason {entry.reason}\n"
                     f"recorded in {folder / registry.RECORD}; publish it with "
                     f"'tlsexplorer ca crl {args.dir}' or answer it with 'tlsexplorer ca ocsp {args.dir}'\n")
    return 0


def _crl(args: argparse.Namespace) -> int:
    import tlsexplorer.core.ca.registry as registry
    from tlsexplorer.core.timeutil import utcnow

    loaded = args.load_ca(args.dir, args.ca_password_file)
    output = Path(args.output) if args.output else None
    done = registry.publish_crl(loaded.directory, loaded.certificate, loaded.key, utcnow(), args.days,
                                output, force=args.force)
    crl = done.crl
    if args.json:
        emit_json({
            "path": str(done.path), "crl_number": done.number, "issuer": crl.issuer.rfc4514_string(),
            "this_update": _iso(crl.last_update_utc), "next_update": _iso(crl.next_update_utc),
            "revoked": [{"serial": e.serial, "serial_hex": f"{e.serial:x}", "subject": e.subject,
                         "revoked_at": _iso(e.revoked_at), "reason": e.reason} for e in done.entries],
        })
        return 0
    from tlsexplorer.render.ca_revoke import crl_lines

    sys.stdout.write("\n".join(crl_lines(done, loaded.directory / "ca.pem")) + "\n")
    return 0


def _ocsp(args: argparse.Namespace) -> int:
    import threading

    import tlsexplorer.core.ca.ocsp as ocsp
    from tlsexplorer.core.ca.responder import OcspResponder, ResponderEvent

    if args.signer is not None:  # the CA's certificate alone: its key stays offline
        from tlsexplorer.core.ca.store import read_ca_chain

        folder = require_ca_folder(args.dir)
        issuer = read_ca_chain(folder)[0]
        key_path = ocsp.encrypted_signer_key(folder, args.signer)
        password = None
        if key_path is not None:
            password = read_password(args.signer_password_file, option="--signer-password-file",
                                     prompt=f"Passphrase of {key_path}: ")
        signer = ocsp.delegated_signer(folder, args.signer, issuer, password)
    else:
        loaded = args.load_ca(args.dir, args.ca_password_file)
        folder, issuer = loaded.directory, loaded.certificate
        signer = ocsp.ca_signer(loaded.certificate, loaded.key)

    def log(event: ResponderEvent) -> None:
        from tlsexplorer.core.text import printable

        sys.stdout.write(printable(event.summary()) + "\n")
        sys.stdout.flush()

    responder = OcspResponder(folder, issuer, signer, port=args.port,
                              validity=ocsp.check_validity(args.minutes), on_event=log)
    try:  # from the start: a Ctrl+C at any moment stops it cleanly
        responder.start()
        sys.stdout.write(f"OCSP responder for {issuer.subject.rfc4514_string()} on "
                         f"{responder.url}, signed by {signer.description}; Ctrl+C stops it\n"
                         f"ask it: openssl ocsp -issuer {folder / 'ca.pem'} -cert CERT -url "
                         f"{responder.url.rstrip('/')} -CAfile {folder / 'ca.pem'}\n")
        sys.stdout.flush()
        threading.Event().wait()
    except KeyboardInterrupt:
        sys.stdout.write("stopped\n")
    finally:
        responder.stop()
    return 0


__all__ = ["REASONS", "register_actions", "require_ca_folder"]
