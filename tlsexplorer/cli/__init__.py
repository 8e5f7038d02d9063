"""The command line: ``tlsexplorer [SUBCOMMAND] ...``.

With no subcommand it opens the TUI. Each subcommand lives in its own module
listed in :data:`COMMAND_MODULES`; a module exposes
``register(subparsers) -> None`` and sets ``handler`` on its parser with
``parser.set_defaults(handler=...)``. Handlers import the core lazily so that
``tlsexplorer --help`` stays fast, and nothing here imports Textual unless the
TUI is launched.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tlsexplorer import __version__
from tlsexplorer.cli.base import PROG, ArgumentParser, run_handler

#: Subcommand modules, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "tlsexplorer.cli.caesar",
    "tlsexplorer.cli.fernet",
    "tlsexplorer.cli.rsa",
    "tlsexplorer.cli.dh",
    "tlsexplorer.cli.inspect",
    "tlsexplorer.cli.ca",
    "tlsexplorer.cli.verify",
    "tlsexplorer.cli.tls",
)

DESCRIPTION = (
    "Learn and work with cryptography and TLS from a terminal. "
    "Run with no arguments to open the explorer."
)


def build_parser() -> ArgumentParser:
    """Build the full argument parser with every registered subcommand."""
    parser = ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'tlsexplorer SUBCOMMAND --help' for a subcommand's options and an example.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    if COMMAND_MODULES:
        subparsers = parser.add_subparsers(
            title="subcommands", metavar="SUBCOMMAND", parser_class=ArgumentParser
        )
        for name in COMMAND_MODULES:
            importlib.import_module(name).register(subparsers)
    return parser


def launch_tui(paths: Sequence[str] = ()) -> int:
    """Open the TUI (the only place the CLI imports Textual)."""
    from tlsexplorer.tui.app import TlsExplorerApp

    app = TlsExplorerApp(open_paths=tuple(paths))
    app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tlsexplorer`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        return run_handler(lambda _args: launch_tui(), args)
    code: int = run_handler(handler, args)
    return code


__all__ = ["COMMAND_MODULES", "build_parser", "launch_tui", "main"]
