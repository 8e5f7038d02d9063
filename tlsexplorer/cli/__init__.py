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
import os
import sys
import textwrap
from collections.abc import Sequence

from tlsexplorer import __version__
from tlsexplorer.cli.base import JSON_RULES, PROG, ArgumentParser, run_handler

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
    "tlsexplorer.cli.course",
    "tlsexplorer.cli.web",
)

DESCRIPTION = (
    "Learn and work with cryptography and TLS from a terminal. "
    "Run with no arguments to open the explorer."
)


def build_parser(only: str | None = None) -> ArgumentParser:
    """Build the full argument parser with every registered subcommand.

    ``only`` names one module of :data:`COMMAND_MODULES` to register alone:
    :func:`main` uses it when the first argument is that module's command, so
    ``tlsexplorer fernet ...`` does not import and build every other subcommand.
    """
    parser = ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'tlsexplorer SUBCOMMAND --help' for a subcommand's options and an example.\n\n"
        + textwrap.fill(JSON_RULES, 79),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    if COMMAND_MODULES:
        subparsers = parser.add_subparsers(
            title="subcommands", metavar="SUBCOMMAND", parser_class=ArgumentParser
        )
        for name in COMMAND_MODULES:
            if only is None or name == only:
                importlib.import_module(name).register(subparsers)
    return parser


def _parser_for(args_list: Sequence[str]) -> ArgumentParser:
    """The parser for these arguments: just one subcommand's module when the first names it."""
    module = f"{__name__}.{args_list[0]}" if args_list else ""
    if module in COMMAND_MODULES:
        parser = build_parser(only=module)
        if parser._subparsers is not None and any(
            args_list[0] in (getattr(action, "choices", None) or {})
            for action in parser._subparsers._group_actions
        ):
            return parser
    return build_parser()


def require_terminal(*, stdin: bool = True) -> None:
    """Refuse to start the TUI on a pipe or a file: it draws on stdout and reads keys from stdin.

    Raises:
        UsageError: stdout (or, with ``stdin``, stdin) is not a terminal.
    """
    from tlsexplorer.core.errors import UsageError

    def tty(stream: object) -> bool:
        try:
            return stream is not None and bool(stream.isatty())  # type: ignore[attr-defined]
        except (AttributeError, ValueError):
            return False

    if not tty(sys.stdout) or (stdin and not tty(sys.stdin)):
        raise UsageError("the TUI needs a terminal; for text output use a subcommand (see --help)")


WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
"""What textual-serve (``tlsexplorer web``) puts in ``TEXTUAL_DRIVER`` for each app it starts: the
app then draws into a pipe that the server relays to a browser tab, so there is no terminal."""


def served() -> bool:
    """True when this process was started by textual-serve to run the app in a browser tab."""
    return os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER


def launch_tui(paths: Sequence[str] = ()) -> int:
    """Open the TUI (the only place the CLI imports Textual): in the terminal, or, started by
    ``tlsexplorer web``, in a browser tab."""
    if not served():
        require_terminal()
    from tlsexplorer.tui.app import TlsExplorerApp

    app = TlsExplorerApp(open_paths=tuple(paths))
    app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tlsexplorer`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _parser_for(args_list)
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        return run_handler(lambda _args: launch_tui(), args)
    code: int = run_handler(handler, args)
    return code


__all__ = [
    "COMMAND_MODULES", "WEB_DRIVER", "build_parser", "launch_tui", "main", "require_terminal", "served",
]
