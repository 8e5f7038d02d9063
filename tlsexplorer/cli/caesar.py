"""``tlsexplorer caesar``: the shift cipher and its frequency-analysis crack."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tlsexplorer.cli.base import (
    add_actions,
    add_command,
    add_json_flag,
    emit_json,
    example_epilog,
    read_text_argument,
    whole_number,
)

RANKING_PREVIEW = 10_000
"""Longest plaintext given for each candidate of the ranking (the winner's is always whole)."""


def register(subparsers: Any) -> None:
    """Add ``caesar encrypt|decrypt|crack``."""
    parser = subparsers.add_parser(
        "caesar",
        help="Caesar (shift) cipher: encrypt, decrypt, crack by frequency analysis",
        description=(
            "The shift cipher: every letter moves SHIFT places along the alphabet (case kept, "
            "other characters untouched). 'crack' tries all 26 shifts and ranks them by the "
            "chi-squared distance of their letter counts from English."
        ),
        epilog=example_epilog(
            'tlsexplorer caesar encrypt --shift -1 "fluffy tail"      # ekteex szhk',
            'tlsexplorer caesar decrypt --shift 25 "ekteex szhk"',
            "echo 'Wkh vhfuhw lv klgghq xqghu wkh iorzhu srw' | tlsexplorer caesar crack - --json",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = add_actions(parser)
    for name, verb in (("encrypt", "Shift every letter forward"), ("decrypt", "Shift every letter back")):
        sub = add_command(
            actions,
            name,
            f"{verb} by SHIFT",
            f"{verb} by SHIFT places (any whole number; -1 and 25 are the same shift).",
            f'tlsexplorer caesar {name} --shift 3 "Hello, World"',
        )
        sub.add_argument("--shift", type=int, required=True, metavar="N", help="how many places to shift")
        sub.add_argument("text", metavar="TEXT", help="the text, or - to read stdin")
        add_json_flag(sub)
        sub.set_defaults(handler=_encrypt if name == "encrypt" else _decrypt)
    crack = add_command(
        actions,
        "crack",
        "Try all 26 shifts and rank them by how English they look",
        "Frequency analysis: decrypt with all 26 shifts and rank the results by the chi-squared "
        "distance of their letter counts from English. Reliable from about 40 letters.",
        "tlsexplorer caesar crack 'Wkh vhfuhw lv klgghq xqghu wkh iorzhu srw'",
    )
    crack.add_argument("text", metavar="TEXT", help="the ciphertext, or - to read stdin")
    crack.add_argument(
        "--top",
        type=whole_number(1),
        default=5,
        metavar="N",
        help="how many candidates to list (default 5; --json lists all 26)",
    )
    add_json_flag(crack)
    crack.set_defaults(handler=_crack)


def _shift(args: argparse.Namespace, direction: int) -> int:
    import tlsexplorer.core.symmetric.caesar as caesar
    text = read_text_argument(args.text)
    result = caesar.encrypt(text, direction * args.shift)
    if args.json:
        emit_json({"shift": caesar.normalise_shift(args.shift), "text": result})
    else:
        sys.stdout.write(result if result.endswith("\n") else result + "\n")
    return 0


def _encrypt(args: argparse.Namespace) -> int:
    return _shift(args, 1)


def _decrypt(args: argparse.Namespace) -> int:
    return _shift(args, -1)


def _crack(args: argparse.Namespace) -> int:
    import tlsexplorer.core.symmetric.caesar as caesar
    from tlsexplorer.cli.base import warn
    text = read_text_argument(args.text)
    # Each ranked candidate carries at most RANKING_PREVIEW characters; the winner is always whole.
    result = caesar.crack(text, preview=RANKING_PREVIEW if args.json else 200)
    if args.json:
        emit_json(
            {
                "shift": result.shift,
                "plaintext": result.plaintext,
                "letters": result.letters,
                "ranking": [
                    {"shift": c.shift, "score": round(c.score, 4), "plaintext": c.plaintext}
                    for c in result.ranking
                ],
            }
        )
        return 0
    from tlsexplorer.render.console import make_console
    from tlsexplorer.render.symmetric import crack_ranking, crack_summary, frequency_chart

    if not result.confident:
        warn(f"only {result.letters} letters; frequency analysis needs about 40 to be reliable")
    console = make_console()
    console.print(crack_summary(result))
    console.print()
    console.print(frequency_chart(result))
    console.print()
    console.print(crack_ranking(result, top=max(1, min(26, args.top))))
    console.print()
    console.print("Plaintext:", style="bold")
    console.print(result.plaintext, markup=False, highlight=False)
    return 0
