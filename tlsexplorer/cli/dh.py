"""``tlsexplorer dh``: Diffie-Hellman with small numbers, X25519, hybrid RSA-OAEP + Fernet."""

from __future__ import annotations

import argparse
from typing import Any

from tlsexplorer.cli.base import JSON_BIG_INTEGERS, add_json_flag, emit_json, example_epilog, utf8_text


def register(subparsers: Any) -> None:
    """Add ``dh`` to the CLI."""
    parser = subparsers.add_parser(
        "dh",
        help="key exchange: Diffie-Hellman by hand, X25519, hybrid RSA-OAEP + Fernet",
        description=(
            "Why asymmetric keys exist: agree on a secret over a public channel. Diffie-Hellman "
            "step by step with small numbers (and what an eavesdropper sees), the same with real "
            "X25519 keys, and hybrid encryption: RSA-OAEP wraps a fresh Fernet key that encrypts "
            "the message. Defaults: p=23, g=5, a=6, b=15."
        ),
        epilog=example_epilog(
            "tlsexplorer dh",
            "tlsexplorer dh --p 1019 --g 2 --a 345 --b 678 --json",
            "tlsexplorer dh --text 'meet at noon'",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--p", metavar="P", help="public prime modulus")
    parser.add_argument("--g", metavar="G", help="public generator, 1 < g < p-1")
    parser.add_argument("--a", metavar="A", help="Alice's secret, 1 <= a < p-1")
    parser.add_argument("--b", metavar="B", help="Bob's secret, 1 <= b < p-1")
    parser.add_argument("--text", metavar="TEXT", type=utf8_text, default="attack at dawn",
                        help="message for the hybrid encryption (default: 'attack at dawn')")
    add_json_flag(parser, JSON_BIG_INTEGERS)
    parser.set_defaults(handler=run_dh)


def run_dh(args: argparse.Namespace) -> int:
    """Run the three key-exchange demonstrations."""
    from tlsexplorer.core.rsa.dh import DH_PRESET, hybrid_encrypt, small_dh, x25519_exchange
    from tlsexplorer.core.rsa.numbers import parse_int

    values = [
        DH_PRESET[i] if raw is None else parse_int(raw, name)
        for i, (name, raw) in enumerate((("p", args.p), ("g", args.g), ("a", args.a), ("b", args.b)))
    ]
    small = small_dh(*values)
    x = x25519_exchange()
    hybrid = hybrid_encrypt(args.text.encode("utf-8"))
    if args.json:
        emit_json({
            "p": small.p, "g": small.g, "a": small.a, "b": small.b,
            "alice_public": small.alice_public, "bob_public": small.bob_public,
            "alice_shared": small.alice_shared, "bob_shared": small.bob_shared,
            "shared_secret": small.shared_secret,
            "eavesdropper_sees": dict(small.eavesdropper_sees),
            "eavesdropper_found_a": small.eavesdropper_found_a,
            "x25519": {
                "alice_public": x.alice_public, "bob_public": x.bob_public,
                "alice_shared": x.alice_shared, "bob_shared": x.bob_shared,
                "equal": x.alice_shared == x.bob_shared, "derived_key": x.derived_key,
            },
            "hybrid": {
                "rsa_bits": hybrid.rsa_bits, "fernet_key": hybrid.fernet_key.decode(),
                "wrapped_key": hybrid.wrapped_key, "token": hybrid.token.decode(),
                "decrypted": hybrid.decrypted.decode("utf-8", "replace"),
                "round_trip": hybrid.decrypted == hybrid.message,
            },
        })
        return 0
    from tlsexplorer.render.console import make_console
    from tlsexplorer.render.rsa import dh_renderable

    make_console().print(dh_renderable(small, x, hybrid))
    return 0


__all__ = ["register", "run_dh"]
