"""``tlsexplorer ca``: a local CA whose certificates real clients accept.

``init`` makes a root CA folder, ``intermediate`` a CA signed by another,
``issue`` a server or client certificate (or a deliberately broken one with
``--flaw``), ``csr`` a key and signing request, ``sign`` a certificate from a
request; each prints the files it wrote (``--json``: a list of ``{path, kind}``
with absolute paths). ``trust-help`` prints (never runs) the commands that make
browsers trust a CA. Nothing is overwritten without
``--force``; keys are written 0600.

Import-light on purpose: rich is only loaded for ``--recipe``, so ``ca issue``
starts about as fast as a bare script doing the same.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tlsexplorer.cli.base import (
    add_actions,
    add_command,
    add_json_flag,
    emit_json,
    example_epilog,
    one_stdin,
    read_password,
    read_source,
    utf8_text,
)

if TYPE_CHECKING:
    from tlsexplorer.core.ca.store import LoadedCa, Product

# The core's KEY_TYPES and FLAWS, spelled out so that building the parser (and
# so `tlsexplorer --help`) does not import cryptography; a test keeps them equal.
KEY_TYPES = ("rsa2048", "rsa3072", "rsa4096", "p256", "p384", "ed25519")
FLAWS = (
    "expired", "not-yet-valid", "cn-only", "wrong-eku", "no-key-usage", "sha1", "path-length",
    "name-constraints",
)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="replace files that already exist")
    parser.add_argument("--recipe", action="store_true",
                        help="also print the equivalent openssl commands and Python code")
    add_json_flag(parser)


def _validity(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("--days", type=int, metavar="N", help=f"validity in days (default {default})")
    parser.add_argument("--not-before", metavar="ISO8601", help="start of validity (default: now)")
    parser.add_argument("--not-after", metavar="ISO8601", help="end of validity (instead of --days)")


def _ca_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cn", default=None, metavar="NAME", type=utf8_text, help="common name")
    parser.add_argument("--org", metavar="ORG", type=utf8_text, help="organisation (O)")
    parser.add_argument("--org-unit", metavar="OU", type=utf8_text, help="organisational unit (OU)")
    parser.add_argument("--country", metavar="CC", type=utf8_text, help="two-letter country code (C)")
    parser.add_argument("--state", metavar="ST", type=utf8_text, help="state or province (ST)")
    parser.add_argument("--locality", metavar="L", type=utf8_text, help="city (L)")
    parser.add_argument("--key-type", choices=KEY_TYPES, default="rsa2048", help="key type (default rsa2048)")
    _validity(parser, "3650; an intermediate's ends no later than its parent's")
    parser.add_argument("--path-len", type=int, metavar="N", help="how many CAs may follow below it")
    parser.add_argument("--permit-dns", action="append", default=[], type=utf8_text, metavar="NAME",
                        help="name constraint: permitted DNS domain (repeatable)")
    parser.add_argument("--exclude-dns", action="append", default=[], type=utf8_text, metavar="NAME",
                        help="name constraint: excluded DNS domain (repeatable)")
    parser.add_argument("--permit-ip", action="append", default=[], type=utf8_text, metavar="CIDR",
                        help="name constraint: permitted IP range (repeatable)")
    parser.add_argument("--exclude-ip", action="append", default=[], type=utf8_text, metavar="CIDR",
                        help="name constraint: excluded IP range (repeatable)")
    parser.add_argument("--password-file", metavar="FILE",
                        help="encrypt the new key with the passphrase in FILE (default: unencrypted, 0600)")
    _urls(parser, "where this CA will publish its CRL: put into everything it issues",
          "where this CA's OCSP responder will answer: put into everything it issues")
    _common(parser)


def _urls(parser: argparse.ArgumentParser, crl: str, ocsp: str) -> None:
    parser.add_argument("--crl-url", metavar="URL", help=f"{crl} (an http:// URL)")
    parser.add_argument("--ocsp-url", metavar="URL", help=f"{ocsp} (an http:// URL)")


def register(subparsers: Any) -> None:
    """Add ``ca init|intermediate|issue|csr|sign|trust-help``."""
    parser = subparsers.add_parser(
        "ca",
        help="a local CA: make CAs, CSRs, issue, sign and revoke certificates, CRLs and OCSP",
        description=(
            "A CA is a folder: ca.pem, ca.key.pem (0600), chain.pem, and issued/ with each "
            "certificate, key, full chain and optional PKCS#12. The defaults are what strict "
            "clients accept (openssl -x509_strict, Python's VERIFY_X509_STRICT, browsers). "
            "record.json lists what it issued and revoked; revoke, crl and ocsp publish that."
        ),
        epilog=example_epilog(
            "tlsexplorer ca init myca --cn 'My Local CA'",
            "tlsexplorer ca issue myca localhost --san 127.0.0.1",
            "tlsexplorer ca issue myca broken.test --flaw expired",
            "tlsexplorer ca revoke myca myca/issued/localhost.pem --reason keyCompromise",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = add_actions(parser)

    init = add_command(actions, "init", "Make a root CA in a new folder",
                "Make a root CA: a new key and a self-signed CA certificate, written to DIR.",
                "tlsexplorer ca init myca --cn 'My Local CA' --org 'Me'",
                "tlsexplorer ca init myca --key-type p256 --path-len 1 --permit-dns example.net "
                "--password-file pass.txt")
    init.add_argument("dir", metavar="DIR", help="the CA folder to create")
    _ca_options(init)
    init.set_defaults(handler=_init)

    inter = add_command(actions, "intermediate", "Make an intermediate CA signed by a CA",
                 "Make an intermediate CA in NEWDIR, signed by the CA in DIR. Its chain.pem holds "
                 "it and its parents up to the root.",
                 "tlsexplorer ca intermediate myca myca-issuing --cn 'My Issuing CA' --path-len 0")
    inter.add_argument("dir", metavar="DIR", help="the signing CA's folder")
    inter.add_argument("newdir", metavar="NEWDIR", help="the new CA's folder")
    _ca_options(inter)
    inter.add_argument("--ca-password-file", metavar="FILE", help="passphrase of DIR's key")
    inter.set_defaults(handler=_intermediate)

    issue = add_command(actions, "issue", "Issue a server or client certificate (or a broken one)",
                 "Issue a certificate for NAME with a new key, signed by the CA in DIR. NAME is the "
                 "CN and is also put in the SAN. --san takes DNS names, wildcards, IP addresses and "
                 "emails. --flaw makes a deliberately broken certificate for testing clients.",
                 "tlsexplorer ca issue myca localhost --san 127.0.0.1 --san ::1",
                 "tlsexplorer ca issue myca bob@example.net --client --p12 --p12-password-file p.txt",
                 "tlsexplorer ca issue myca old.test --flaw expired --json")
    issue.add_argument("dir", metavar="DIR", help="the CA folder")
    issue.add_argument("name", metavar="NAME", type=utf8_text,
                       help="host name, IP or email (the CN; also a SAN)")
    issue.add_argument("--san", action="append", default=[], metavar="VALUE", type=utf8_text,
                       help="subject alternative name: DNS name, IP address or email (repeatable)")
    issue.add_argument("--client", action="store_true", help="a client certificate (clientAuth)")
    issue.add_argument("--org", metavar="ORG", type=utf8_text, help="organisation (O)")
    _validity(issue, "397")
    issue.add_argument("--key-type", choices=KEY_TYPES, default="p256", help="key type (default p256)")
    issue.add_argument("--password-file", metavar="FILE",
                       help="encrypt the new key with the passphrase in FILE (default: unencrypted, 0600)")
    issue.add_argument("--p12", action="store_true", help="also write a PKCS#12 bundle (needs a password)")
    issue.add_argument("--p12-password-file", metavar="FILE", help="the PKCS#12 bundle's password")
    issue.add_argument("--flaw", choices=FLAWS, help="break it on purpose (the break-it lab)")
    issue.add_argument("--ca-password-file", metavar="FILE", help="passphrase of the CA key")
    _urls(issue, "CRL distribution point (default: the CA's, from ca init/intermediate --crl-url)",
          "OCSP responder URL in its AIA (default: the CA's, from ca init/intermediate --ocsp-url)")
    issue.add_argument("--ocsp-signer", action="store_true",
                       help="a delegated OCSP responder's certificate (EKU OCSPSigning, ocsp-nocheck) "
                       "for 'ca ocsp --signer NAME'")
    _common(issue)
    issue.set_defaults(handler=_issue)

    csr = add_command(actions, "csr", "Make a key and a certificate signing request",
               "Make a key and a CSR for NAME (as a site owner does), written to --out DIR as "
               "NAME.csr.pem and NAME.key.pem.",
               "tlsexplorer ca csr www.example.net --san example.net --out requests")
    csr.add_argument("name", metavar="NAME", type=utf8_text,
                     help="host name (the CN; also requested as a SAN)")
    csr.add_argument("--san", action="append", default=[], metavar="VALUE", type=utf8_text,
                     help="requested SAN (repeatable)")
    csr.add_argument("--out", required=True, metavar="DIR", help="folder for the CSR and key")
    csr.add_argument("--org", metavar="ORG", type=utf8_text, help="organisation (O)")
    csr.add_argument("--key-type", choices=KEY_TYPES, default="p256", help="key type (default p256)")
    csr.add_argument("--password-file", metavar="FILE",
                     help="encrypt the new key with the passphrase in FILE (default: unencrypted, 0600)")
    _common(csr)
    csr.set_defaults(handler=_csr)

    sign = add_command(actions, "sign", "Sign a certificate signing request",
                "Sign the CSR with the CA in DIR: the request's subject and names, the CA's own "
                "policy for the rest. Shows what the CA kept, changed, added or dropped.",
                "tlsexplorer ca sign myca requests/www.example.net.csr.pem")
    sign.add_argument("dir", metavar="DIR", help="the CA folder")
    sign.add_argument("csr", metavar="CSR", help="the CSR file (PEM or DER, - for stdin)")
    sign.add_argument("--client", action="store_true", help="a client certificate (clientAuth)")
    _validity(sign, "397")
    sign.add_argument("--ca-password-file", metavar="FILE", help="passphrase of the CA key")
    _common(sign)
    sign.set_defaults(handler=_sign)

    trust = add_command(actions, "trust-help", "Show how to make browsers trust the CA (and undo it)",
                 "Print the commands that make browsers trust the CA in DIR as a root, per platform "
                 "(Linux: the NSS databases of Chromium and Firefox, with certutil; macOS: the System "
                 "keychain; Windows: the Root store), and the commands that undo it. Nothing is run: "
                 "trusting a CA is your decision.",
                 "tlsexplorer ca trust-help myca", "tlsexplorer ca trust-help myca --json")
    trust.add_argument("dir", metavar="DIR", help="the CA folder")
    add_json_flag(trust)
    trust.set_defaults(handler=_trust_help)

    from tlsexplorer.cli.ca_revocation import register_actions

    register_actions(actions, _load_ca)


# Handlers ------------------------------------------------------------------------------


def _new_key_password(args: argparse.Namespace) -> bytes | None:
    if args.password_file is None:
        return None
    return read_password(args.password_file, option="--password-file", prompt="")


def _load_ca(directory: str, password_file: str | None) -> LoadedCa:
    from tlsexplorer.core.ca.store import ca_key_is_encrypted, load_ca
    from tlsexplorer.core.errors import UsageError

    if not Path(directory).is_dir():
        raise UsageError(f"{directory} is not a CA folder (make one with 'tlsexplorer ca init {directory}')")
    password = None
    if ca_key_is_encrypted(directory):
        key = Path(directory) / "ca.key.pem"
        password = read_password(password_file, option="--ca-password-file", prompt=f"Passphrase of {key}: ")
        if password_file is not None and not password:
            source = "stdin" if password_file == "-" else password_file
            raise UsageError(f"{source} is empty: put the passphrase of {key} on its first line "
                             "(--ca-password-file)")
    return load_ca(directory, password)


def _date(value: str | None) -> Any:
    if value is None:
        return None
    from tlsexplorer.core.timeutil import parse_iso8601

    return parse_iso8601(value)


def _ca_request(args: argparse.Namespace, default_cn: str) -> Any:
    from tlsexplorer.core.ca.store import CaRequest

    return CaRequest(
        cn=args.cn or default_cn, o=args.org, ou=args.org_unit, c=args.country, st=args.state,
        l=args.locality, key_type=args.key_type, days=args.days, not_before=_date(args.not_before),
        not_after=_date(args.not_after), path_length=args.path_len, permit_dns=tuple(args.permit_dns),
        exclude_dns=tuple(args.exclude_dns), permit_ip=tuple(args.permit_ip),
        exclude_ip=tuple(args.exclude_ip), password=_new_key_password(args), crl_url=args.crl_url,
        ocsp_url=args.ocsp_url,
    )


def _finish(args: argparse.Namespace, product: Product, now: Any, **recipe_args: Any) -> int:
    from tlsexplorer.core.ca.store import save

    written = save(product, force=args.force)
    if args.json:
        emit_json([{"path": str(item.path), "kind": item.kind} for item in written])
        return 0
    from tlsexplorer.render.ca import summary_lines

    sys.stdout.write("\n".join(summary_lines(product, written)) + "\n")
    if args.recipe:
        from tlsexplorer.core.ca.recipes import recipe_for
        from tlsexplorer.render.ca import recipe_text

        command = "tlsexplorer " + " ".join(sys.argv[1:]) if sys.argv[1:] else ""
        recipe = recipe_for(product, now, command=command, **recipe_args)
        sys.stdout.write("\n" + recipe_text(recipe) + "\n")
    return 0


def _now() -> Any:
    from tlsexplorer.core.timeutil import utcnow

    return utcnow()


def _passwords_from_stdin(args: argparse.Namespace) -> None:
    """At most one of the command's files may be ``-`` (standard input is read once)."""
    one_stdin({option: getattr(args, dest, None) for option, dest in (
        ("CSR", "csr"), ("--password-file", "password_file"), ("--p12-password-file", "p12_password_file"),
        ("--ca-password-file", "ca_password_file"),
    )})


def _init(args: argparse.Namespace) -> int:
    from tlsexplorer.core.ca.store import build_root

    now = _now()
    _passwords_from_stdin(args)
    product = build_root(args.dir, _ca_request(args, "tlsexplorer local CA"), now)
    return _finish(args, product, now, out_dir=Path(args.dir))


def _intermediate(args: argparse.Namespace) -> int:
    from tlsexplorer.core.ca.store import build_intermediate, ca_key_is_encrypted

    _passwords_from_stdin(args)
    parent = _load_ca(args.dir, args.ca_password_file)
    now = _now()
    product = build_intermediate(parent, args.newdir, _ca_request(args, "tlsexplorer intermediate CA"), now)
    return _finish(args, product, now, ca_dir=Path(args.dir), out_dir=Path(args.newdir),
                   ca_key_encrypted=ca_key_is_encrypted(args.dir))


def _issue(args: argparse.Namespace) -> int:
    from tlsexplorer.cli.base import CliError
    from tlsexplorer.core.ca.store import LeafRequest, build_leaf, ca_key_is_encrypted

    _passwords_from_stdin(args)
    if args.p12_password_file is not None and not args.p12:
        raise CliError("--p12-password-file is the PKCS#12 bundle's password: add --p12 to write one")
    issuer = _load_ca(args.dir, args.ca_password_file)
    p12_password = None
    if args.p12:
        p12_password = read_password(args.p12_password_file, option="--p12-password-file",
                                     prompt="Password for the PKCS#12 bundle: ", confirm=True)
    _warn_browser_key(args.key_type, args.client)
    request = LeafRequest(
        args.name, sans=tuple(args.san), client=args.client, key_type=args.key_type, days=args.days,
        not_before=_date(args.not_before), not_after=_date(args.not_after), o=args.org,
        password=_new_key_password(args), p12=args.p12, p12_password=p12_password, flaw=args.flaw,
        crl_url=args.crl_url, ocsp_url=args.ocsp_url, ocsp_signer=args.ocsp_signer,
    )
    now = _now()
    product = build_leaf(issuer, request, now)
    return _finish(args, product, now, ca_dir=Path(args.dir), ca_key_encrypted=ca_key_is_encrypted(args.dir))


def _warn_browser_key(key_type: str, client: bool = False) -> None:
    """Say on stderr, before a server certificate or CSR is made, that browsers refuse its key type."""
    from tlsexplorer.core.x509.browsers import server_key_problem

    problem = None if client else server_key_problem(key_type)
    if problem is not None:
        sys.stderr.write(f"tlsexplorer: warning: {problem}\n")


def _trust_help(args: argparse.Namespace) -> int:
    from tlsexplorer.core.ca.trust_help import trust_help

    found = trust_help(args.dir)
    if args.json:
        emit_json(found.to_json())
        return 0
    from tlsexplorer.render.ca import trust_help_lines

    sys.stdout.write("\n".join(trust_help_lines(found)) + "\n")
    return 0


def _csr(args: argparse.Namespace) -> int:
    from tlsexplorer.core.ca.store import build_csr

    _passwords_from_stdin(args)
    _warn_browser_key(args.key_type)
    password = _new_key_password(args)
    product = build_csr(args.out, args.name, tuple(args.san), args.key_type, password, args.org)
    return _finish(args, product, _now(), out_dir=Path(args.out))


def _sign(args: argparse.Namespace) -> int:
    from tlsexplorer.core.ca.store import build_signed, ca_key_is_encrypted

    _passwords_from_stdin(args)
    data = read_source(args.csr, limit=1024 * 1024)
    issuer = _load_ca(args.dir, args.ca_password_file)
    now = _now()
    product = build_signed(issuer, data, now, client=args.client, days=args.days,
                           not_before=_date(args.not_before), not_after=_date(args.not_after))
    csr_path = Path(args.csr) if args.csr != "-" else None
    return _finish(args, product, now, ca_dir=Path(args.dir), csr_path=csr_path,
                   ca_key_encrypted=ca_key_is_encrypted(args.dir))


__all__ = ["register"]
