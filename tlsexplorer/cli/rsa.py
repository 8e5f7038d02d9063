"""``tlsexplorer rsa``: textbook RSA worked by hand, real keys, real signatures.

Three forms:

- ``tlsexplorer rsa [--p P --q Q] [--e E] [--message M | --text TEXT] [--preset NAME]``
  prints the worked example;
- ``tlsexplorer rsa --key FILE [--password-file F]`` checks a real key's identities;
- ``tlsexplorer rsa signature CERT --issuer CERT`` checks a certificate's
  signature by hand (exit 0 when it matches, 1 when it does not).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from tlsexplorer.cli.base import (
    JSON_BIG_INTEGERS,
    ProgressLine,
    add_json_flag,
    emit_json,
    example_epilog,
    one_stdin,
    read_password,
    read_source,
    utf8_text,
)
from tlsexplorer.core.errors import PasswordRequired, UsageError

if TYPE_CHECKING:
    from tlsexplorer.core.rsa.keys import KeyIdentities
    from tlsexplorer.core.rsa.numbers import ModexpTrace
    from tlsexplorer.core.rsa.signature import SignatureCheck
    from tlsexplorer.core.rsa.workbook import RsaWorkbook


def register(subparsers: Any) -> None:
    """Add ``rsa`` (and ``rsa signature``) to the CLI."""
    parser = subparsers.add_parser(
        "rsa",
        help="RSA by hand: worked example, real key identities, certificate signatures",
        description=(
            "Textbook RSA step by step from two primes (primality, n, phi, lambda, e, d with the "
            "Euclid table, square-and-multiply, CRT, sign/verify); a real key's identities with "
            "--key; or 'rsa signature' to check a certificate's signature by hand."
        ),
        epilog=example_epilog(
            "tlsexplorer rsa --preset wikipedia",
            "tlsexplorer rsa --p 61 --q 53 --e 17 --message 65 --json",
            "tlsexplorer rsa --p 1009 --q 1013 --text hi",
            "tlsexplorer rsa --key charlies-root-ca.key.pem --password-file pass.txt",
            "tlsexplorer rsa signature alice.example.net.pem --issuer charlies-intermediate-ca.pem",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--p", metavar="P", help="first prime (decimal, or hex with 0x)")
    parser.add_argument("--q", metavar="Q", help="second prime")
    parser.add_argument("--e", metavar="E", help="public exponent (default: 65537 when it fits)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--message", "-m", metavar="M", help="the message as a number below n")
    group.add_argument("--text", metavar="TEXT", type=utf8_text,
                       help="the message as text (UTF-8 bytes, big endian)")
    parser.add_argument("--preset", metavar="NAME", help="a named example: wikipedia (p=61, q=53, e=17, "
                        "m=65) or tiny (p=11, q=13, e=7, m=9)")
    parser.add_argument("--key", metavar="FILE", help="a real RSA key (PEM, DER or OpenSSH; private or "
                        "public) or certificate: show its numbers and check its identities")
    parser.add_argument("--password-file", metavar="F", help="file whose first line is the key's passphrase")
    parser.add_argument("--hex", action="store_true", help="show numbers in hex")
    parser.add_argument("--full", action="store_true", help="print whole numbers and every trace row")
    add_json_flag(parser, JSON_BIG_INTEGERS)
    parser.set_defaults(handler=run_rsa)

    sub = parser.add_subparsers(title="actions", metavar="ACTION", dest="rsa_action")
    sig = sub.add_parser(
        "signature",
        help="check a certificate's RSA signature by hand",
        description=(
            "Compute s^e mod n with the issuer's public key, split the PKCS#1 v1.5 block "
            "(00 01 FF..FF 00 DigestInfo), and compare its digest with the hash of the "
            "certificate's to-be-signed bytes. Exit 0 when the signature matches, 1 when not."
        ),
        epilog=example_epilog(
            "tlsexplorer rsa signature alice.example.net.pem --issuer charlies-intermediate-ca.pem",
            "tlsexplorer rsa signature leaf.der --issuer ca.pem --json",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sig.add_argument("cert", metavar="CERT", help="the certificate (PEM or DER; - for stdin)")
    sig.add_argument("--issuer", metavar="CERT", required=True,
                     help="its issuer's certificate, or a bundle holding it (a full chain, a CA bundle)")
    sig.add_argument("--hex", action="store_true", default=argparse.SUPPRESS, help="show numbers in hex")
    sig.add_argument("--full", action="store_true", default=argparse.SUPPRESS, help="print whole numbers")
    sig.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                     help=f"print one JSON document on stdout; {JSON_BIG_INTEGERS}")
    sig.set_defaults(handler=run_signature)


def _trace_rows(trace: ModexpTrace) -> list[dict[str, int | bool]]:
    return [
        {"bit": s.bit, "squared": s.squared, "multiplied": s.multiplied, "value": s.value}
        for s in trace.steps
    ]


def workbook_document(book: RsaWorkbook) -> dict[str, Any]:
    """The worked example as the JSON document the issue specifies (and a little more)."""
    crt = book.crt
    return {
        "p": book.p,
        "q": book.q,
        "n": book.n,
        "bits": book.bits,
        "phi": book.phi,
        "lambda": book.lam,
        "e": book.e,
        "e_rule": book.e_rule,
        "d": book.d,
        "d_lambda": book.d_lambda,
        "dp": crt.dp,
        "dq": crt.dq,
        "qinv": crt.qinv,
        "message": book.message,
        "message_bytes": book.message_bytes,
        "ciphertext": book.ciphertext,
        "decrypted": book.decrypted,
        "crt": {"m1": crt.m1, "m2": crt.m2, "h": crt.h, "message": crt.message,
                "speedup": round(crt.speedup, 2)},
        "signature": book.signature,
        "verified": book.verified == book.message,
        "primality": {
            name: {"prime": check.is_prime, "reason": check.reason,
                   "witnesses": [r.witness for r in check.rounds]}
            for name, check in (("p", book.p_check), ("q", book.q_check))
        },
        "notes": list(book.notes),
        "steps": {
            "euclid": [{"quotient": r.quotient, "remainder": r.remainder, "s": r.s, "t": r.t}
                       for r in book.euclid.rows],
            "encrypt": _trace_rows(book.encrypt),
            "decrypt": _trace_rows(book.decrypt),
        },
    }


def identities_document(ids: KeyIdentities) -> dict[str, Any]:
    """A real key's numbers and identities as JSON."""
    return {
        "kind": ids.kind,
        "bits": ids.bits,
        "n": ids.n,
        "e": ids.e,
        "p": ids.p,
        "q": ids.q,
        "d": ids.d,
        "dp": ids.dp,
        "dq": ids.dq,
        "qinv": ids.qinv,
        "identities": [{"name": i.name, "ok": i.ok, "detail": i.detail} for i in ids.identities],
        "ok": ids.ok,
    }


def signature_document(check: SignatureCheck) -> dict[str, Any]:
    """A signature check as JSON."""
    info = check.block.digest_info if check.block is not None else None
    return {
        "scheme": check.kind,
        "algorithm": check.algorithm,
        "algorithm_oid": check.algorithm_oid,
        "hash_algorithm": check.hash_name,
        "subject": check.subject,
        "issuer": check.issuer,
        "issuer_key": check.issuer_key,
        "n": check.n,
        "e": check.e,
        "signature": check.s,
        "recovered": check.recovered,
        "recovered_block": check.block.block if check.block is not None else None,
        "padding_length": check.block.padding_length if check.block is not None else None,
        "digest_info": None if info is None else {
            "hash_algorithm": info.hash_name, "hash_oid": info.hash_oid, "digest": info.digest,
        },
        "tbs_digest": check.tbs_digest,
        "by_hand": check.by_hand,
        "library": check.library,
        "valid": check.valid,
        "explanation": check.explanation,
    }


PROGRESS_BITS = 4096
"""From this size of n (in bits, about 3 s of work) the worked example shows its progress on stderr."""


def _number_option(value: str | None, what: str) -> int | None:
    from tlsexplorer.core.rsa.numbers import parse_int

    return None if value is None else parse_int(value, what)


def run_rsa(args: argparse.Namespace) -> int:
    """The worked example, or a real key's identities with --key."""
    import tlsexplorer.core.rsa.workbook as worked
    if args.key is not None:
        if any(v is not None for v in (args.p, args.q, args.e, args.message, args.text, args.preset)):
            raise UsageError("--key shows a real key; it cannot be combined with --p/--q/--e/--message/"
                             "--text/--preset")
        return _run_key(args)
    if args.password_file is not None:
        raise UsageError("--password-file only goes with --key")
    p = _number_option(args.p, "p")
    q = _number_option(args.q, "q")
    e = _number_option(args.e, "e")
    m = _number_option(args.message, "the message")
    if args.preset is not None:
        given = [option for option, value in (("--p", args.p), ("--q", args.q), ("--e", args.e)) if value]
        if given:
            raise UsageError(f"--preset {args.preset} chooses p, q and e itself; drop --preset or "
                             f"{'/'.join(given)} (a preset takes your own --message or --text)")
        if args.preset not in worked.PRESETS:
            raise UsageError(f"unknown preset {args.preset!r}; choose one of: {', '.join(worked.PRESETS)}")
        pp, pq, pe, pm = worked.PRESETS[args.preset]
        p, q, e = pp, pq, pe
        if m is None and args.text is None:
            m = pm
    elif p is None and q is None:
        p, q, e0, m0 = worked.PRESETS["wikipedia"]
        e = e0 if e is None else e
        if m is None and args.text is None:
            m = m0
    if p is None or q is None:
        raise UsageError("give both --p and --q (or --preset NAME)")
    if p.bit_length() + q.bit_length() >= PROGRESS_BITS:
        with ProgressLine() as progress:
            book = worked.build_workbook(p, q, e, message=m, text=args.text, progress=progress)
    else:
        book = worked.build_workbook(p, q, e, message=m, text=args.text)
    if args.json:
        emit_json(workbook_document(book))
        return 0
    from tlsexplorer.render.console import make_console
    from tlsexplorer.render.rsa import workbook_renderable

    make_console().print(workbook_renderable(
        book, "hex" if args.hex else "dec", None if args.full else 48, None if args.full else 40
    ))
    return 0


def _run_key(args: argparse.Namespace) -> int:
    from tlsexplorer.core.rsa.keys import load_rsa_key

    one_stdin({"--key": args.key, "--password-file": args.password_file})
    data = read_source(args.key)
    name = "standard input" if args.key == "-" else args.key
    password = None
    if args.password_file is not None:
        password = read_password(args.password_file, option="--password-file", prompt="Passphrase: ")
    try:
        ids = load_rsa_key(data, password, name)
    except PasswordRequired:
        if password is not None:  # one was given (an empty file, say): never ask for it again
            raise
        password = read_password(None, option="--password-file", prompt=f"Passphrase for {name}: ")
        ids = load_rsa_key(data, password, name)
    if args.json:
        emit_json(identities_document(ids))
    else:
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.rsa import identities_renderable

        make_console().print(identities_renderable(ids, "hex" if args.hex else "dec",
                                                   None if args.full else 48))
    return 0 if ids.ok else 1


def run_signature(args: argparse.Namespace) -> int:
    """``rsa signature CERT --issuer CERT``."""
    from tlsexplorer.core.rsa.signature import check_certificate_signature

    one_stdin({"CERT": args.cert, "--issuer": args.issuer})
    cert = read_source(args.cert)
    issuer = read_source(args.issuer)
    check = check_certificate_signature(cert, issuer, names=(args.cert, args.issuer))
    if getattr(args, "json", False):
        emit_json(signature_document(check))
    else:
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.rsa import signature_renderable

        make_console().print(signature_renderable(
            check, "hex" if getattr(args, "hex", False) else "dec",
            None if getattr(args, "full", False) else 48,
        ))
    return 0 if check.valid else 1


__all__ = [
    "PROGRESS_BITS",
    "identities_document",
    "register",
    "run_rsa",
    "run_signature",
    "signature_document",
    "workbook_document",
]
