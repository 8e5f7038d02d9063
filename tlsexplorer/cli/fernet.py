"""``tlsexplorer fernet``: keygen, encrypt, decrypt, explain (step by step), rotate."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from tlsexplorer.cli.base import (
    add_actions,
    add_command,
    add_json_flag,
    emit_json,
    example_epilog,
    read_source,
    warn,
    whole_number,
)

if TYPE_CHECKING:
    import datetime as dt

    from tlsexplorer.core.symmetric.fernet import FernetKey, TokenReport

UNSAFE_HELP = "UNSAFE, for teaching and reproducible output only"
SAMPLE_KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="


def _add_key_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument(
        "--key",
        metavar="KEY",
        help="the key, 44 characters of url-safe base64 (write --key=KEY when it starts with -)",
    )
    group.add_argument("--key-file", metavar="FILE", help="read the key from FILE (- for stdin)")


def _add_time_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ttl",
        type=whole_number(0),
        metavar="SECONDS",
        help="reject tokens older than SECONDS (and more than 60 s in the future)",
    )
    parser.add_argument(
        "--at",
        metavar="ISO8601",
        help="check the TTL against this time instead of the clock (2026-06-01T12:00:00Z)",
    )


def register(subparsers: Any) -> None:
    """Add ``fernet keygen|encrypt|decrypt|explain|rotate``."""
    parser = subparsers.add_parser(
        "fernet",
        help="Fernet tokens: keygen, encrypt, decrypt, explain every byte and check",
        description=(
            "Fernet (the cryptography library's recipe): AES-128-CBC + HMAC-SHA256 with a "
            "timestamp. 'explain' takes a token apart and runs the checks of the specification "
            "one by one."
        ),
        epilog=example_epilog(
            "KEY=$(tlsexplorer fernet keygen)",
            'TOKEN=$(tlsexplorer fernet encrypt --key="$KEY" "the secret")',
            'tlsexplorer fernet decrypt --key="$KEY" --ttl 3600 "$TOKEN"',
            'tlsexplorer fernet explain --key="$KEY" "$TOKEN" --json',
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = add_actions(parser)

    keygen = add_command(
        actions,
        "keygen",
        "Make a new random key",
        "Make a random key: 32 bytes (16 signing + 16 encryption) as url-safe base64. "
        "Printed on stdout, or written with mode 0600 to --output.",
        "tlsexplorer fernet keygen > secret.key",
        "tlsexplorer fernet keygen --output secret.key",
    )
    keygen.add_argument("--output", metavar="FILE", help="write the key to FILE (mode 0600)")
    keygen.add_argument("--force", action="store_true", help="replace --output if it exists")
    add_json_flag(keygen)
    keygen.set_defaults(handler=_keygen)

    encrypt = add_command(
        actions,
        "encrypt",
        "Encrypt TEXT (or stdin) into a token",
        "Encrypt TEXT, or the bytes of stdin with -, and print the token. By default a "
        "fresh random IV and the current time are used, as the library does. --iv and --at "
        f"fix them: {UNSAFE_HELP} (a reused IV leaks which messages start alike).",
        f'tlsexplorer fernet encrypt --key {SAMPLE_KEY} "fluffy tail"',
        "tlsexplorer fernet encrypt --key-file secret.key - < photo.jpg > photo.token",
        f"tlsexplorer fernet encrypt --key {SAMPLE_KEY} --iv 000102030405060708090a0b0c0d0e0f "
        "--at 1985-10-26T08:20:00Z hello   # UNSAFE, reproducible",
    )
    _add_key_options(encrypt, required=True)
    encrypt.add_argument("--iv", metavar="HEX", help=f"fixed 16-byte IV as 32 hex digits: {UNSAFE_HELP}")
    encrypt.add_argument("--at", metavar="ISO8601", help=f"fixed timestamp instead of now: {UNSAFE_HELP}")
    encrypt.add_argument("text", metavar="TEXT", help="the message, or - to read bytes from stdin")
    add_json_flag(encrypt)
    encrypt.set_defaults(handler=_encrypt)

    decrypt = add_command(
        actions,
        "decrypt",
        "Decrypt a token (exit 1 with the reason when rejected)",
        "Decrypt TOKEN (or stdin with -) and print the message bytes. A rejected token "
        "exits 1 with the first failing check as its reason.",
        f"tlsexplorer fernet decrypt --key {SAMPLE_KEY} --ttl 60 --at 1985-10-26T08:20:01Z "
        "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
    )
    _add_key_options(decrypt, required=True)
    _add_time_options(decrypt)
    decrypt.add_argument("token", metavar="TOKEN", help="the token, or - to read stdin")
    decrypt.set_defaults(handler=_decrypt)

    explain = add_command(
        actions,
        "explain",
        "Take a token apart and run every check step by step",
        "Show a token's fields (version, timestamp, IV, ciphertext, HMAC) and run the "
        "checks of the Fernet specification in order. Exit 0 when the token is valid, 1 "
        "otherwise (rejected, or no key to verify it with).",
        f"tlsexplorer fernet explain --key {SAMPLE_KEY} --ttl 60 --at 1985-10-26T08:20:01Z "
        "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
    )
    _add_key_options(explain, required=False)
    _add_time_options(explain)
    explain.add_argument("token", metavar="TOKEN", help="the token, or - to read stdin")
    add_json_flag(explain)
    explain.set_defaults(handler=_explain)

    rotate = add_command(
        actions,
        "rotate",
        "Re-encrypt a token under the newest key (MultiFernet)",
        "Open TOKEN with any of the keys and re-encrypt it under the first one (the "
        "newest), keeping its timestamp: MultiFernet.rotate.",
        'tlsexplorer fernet rotate --key="$NEW" --key="$OLD" "$TOKEN"',
    )
    rotate.add_argument(
        "--key",
        action="append",
        required=True,
        metavar="KEY",
        help="a key; repeat it, newest first (--key=KEY when it starts with -)",
    )
    rotate.add_argument("token", metavar="TOKEN", help="the token, or - to read stdin")
    add_json_flag(rotate)
    rotate.set_defaults(handler=_rotate)


# Helpers -------------------------------------------------------------------------


def _load_key(args: argparse.Namespace) -> FernetKey | None:
    from tlsexplorer.core.symmetric.fernet import parse_key

    if getattr(args, "key_file", None):
        if args.key_file == "-" and "-" in (getattr(args, "text", None), getattr(args, "token", None)):
            from tlsexplorer.core.errors import UsageError

            raise UsageError(
                "--key-file - and the message/token - would both read standard input; "
                "put one of them in a file or on the command line"
            )
        return parse_key(read_source(args.key_file, limit=64 * 1024))
    if getattr(args, "key", None):
        return parse_key(args.key)
    return None


def _argument_bytes(value: str) -> bytes:
    """A TEXT/TOKEN argument as bytes: stdin for ``-``, else its UTF-8."""
    if value == "-":
        return read_source("-")
    return value.encode("utf-8", errors="surrogateescape")


def _at(args: argparse.Namespace) -> dt.datetime:
    from tlsexplorer.core.timeutil import parse_iso8601, utcnow

    return parse_iso8601(args.at) if args.at else utcnow()


def _write_bytes(*parts: bytes) -> None:
    out = sys.stdout.buffer
    for part in parts:
        out.write(part)
    out.flush()


# Handlers --------------------------------------------------------------------


def _keygen(args: argparse.Namespace) -> int:
    from tlsexplorer.core.symmetric.fernet import generate_key

    key = generate_key()
    if args.output:
        from pathlib import Path

        from tlsexplorer.core.files import FileToWrite, write_files

        write_files(
            [FileToWrite(Path(args.output), key.encoded.encode() + b"\n", private=True, kind="fernet_key")],
            force=args.force,
        )
    if args.json:
        emit_json(
            {
                "key": None if args.output else key.encoded,
                "signing_key": None if args.output else key.signing_key,
                "encryption_key": None if args.output else key.encryption_key,
                "output": args.output,
            }
        )
        return 0
    if args.output:
        sys.stderr.write(f"wrote a new key to {args.output} (mode 0600)\n")
        return 0
    if sys.stdout.isatty():
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.symmetric import key_panel

        make_console().print(key_panel(key))
    else:
        sys.stdout.write(key.encoded + "\n")
    return 0


def _encrypt(args: argparse.Namespace) -> int:

    key = _load_key(args)
    assert key is not None
    data = _argument_bytes(args.text)
    if args.iv or args.at:
        import os

        from tlsexplorer.core.hazmat.fernet_fixed import UNSAFE_WARNING, encrypt_fixed, parse_iv
        from tlsexplorer.core.timeutil import parse_iso8601, utcnow

        iv = parse_iv(args.iv) if args.iv else os.urandom(16)
        at = parse_iso8601(args.at) if args.at else utcnow()
        warn(UNSAFE_WARNING)
        token = encrypt_fixed(key, data, iv=iv, at=at)
    else:
        token = key.fernet().encrypt(data)
    del data
    if args.json:
        emit_json({"token": token.decode("ascii"), "fixed_iv": bool(args.iv), "fixed_time": bool(args.at)})
        return 0
    _write_bytes(token, b"\n")
    return 0


def _decrypt(args: argparse.Namespace) -> int:
    from cryptography.fernet import InvalidToken

    from tlsexplorer.core.errors import InvalidInput
    from tlsexplorer.core.symmetric.fernet import explain_token, rejection_message, to_epoch

    key = _load_key(args)
    assert key is not None
    if args.at and args.ttl is None:
        warn("--at has no effect without --ttl: without a TTL the token's age is not checked")
    token = _argument_bytes(args.token)
    fernet = key.fernet()
    now = to_epoch(_at(args))
    try:
        if args.ttl is None:
            plaintext = fernet.decrypt(token)
        else:
            plaintext = fernet.decrypt_at_time(token, args.ttl, now)
    except (InvalidToken, ValueError):
        report = explain_token(token, key, ttl=args.ttl, now=now)
        raise InvalidInput(rejection_message(report)) from None
    del token
    if sys.stdout.isatty():
        try:
            text = plaintext.decode("utf-8")
        except UnicodeDecodeError:
            warn("the message is not UTF-8 text; showing it as hex (redirect stdout for the raw bytes)")
            text = plaintext.hex()
        sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))
        return 0
    _write_bytes(plaintext)
    return 0


def explain_document(report: TokenReport) -> dict[str, Any]:
    """The JSON document of ``fernet explain``."""
    from tlsexplorer.core.symmetric.fernet import epoch_to_datetime

    fields = report.fields
    plaintext_text: str | None = None
    if report.plaintext is not None:
        try:
            plaintext_text = report.plaintext.decode("utf-8")
        except UnicodeDecodeError:
            plaintext_text = None
    return {
        "valid": report.valid,
        "reason": report.reason,
        "checks": [{"name": c.name, "title": c.title, "ok": c.ok, "detail": c.detail} for c in report.checks],
        "fields": None
        if fields is None
        else {
            "version": fields.version,
            "timestamp": fields.timestamp,
            "time": epoch_to_datetime(fields.timestamp),
            "iv": fields.iv,
            "ciphertext": fields.ciphertext,
            "hmac": fields.hmac,
        },
        "plaintext": plaintext_text,
        "plaintext_hex": report.plaintext,
        "key_given": report.key_given,
        "ttl": report.ttl,
        "now": epoch_to_datetime(report.now),
    }


def _explain(args: argparse.Namespace) -> int:
    from tlsexplorer.core.symmetric.fernet import explain_token

    key = _load_key(args)
    token = _argument_bytes(args.token)
    report = explain_token(token, key, ttl=args.ttl, now=_at(args))
    if args.json:
        emit_json(explain_document(report))
    else:
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.symmetric import token_report

        make_console().print(token_report(report))
    return 0 if report.valid else 1


def _rotate(args: argparse.Namespace) -> int:
    from tlsexplorer.core.symmetric.fernet import parse_key, rotate

    keys = [parse_key(text) for text in args.key]
    token = _argument_bytes(args.token)
    rotation = rotate(token, keys)
    if args.json:
        emit_json({"token": rotation.token.decode("ascii"), "opened_with": rotation.opened_with})
        return 0
    if rotation.opened_with:
        warn(f"opened with key {rotation.opened_with + 1}; re-encrypted under key 1 (the newest)")
    _write_bytes(rotation.token, b"\n")
    return 0
