"""What every subcommand shares: errors, exit codes, JSON, input and passwords.

The CLI conventions (ARCHITECTURE.md, "CLI conventions") live here once:

- errors are one line on stderr, ``tlsexplorer: error: <what and how to fix>``;
- exit 0 success, 1 "read but the answer is no", 2 usage error;
- ``--json`` prints one document on stdout (snake_case keys, ISO 8601 UTC
  times, lowercase hex, integers as integers);
- ``-`` means stdin; passwords come from a file or a prompt that does not
  echo, and nothing prompts when stdin is not a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, NoReturn

from tlsexplorer.core.errors import PasswordRequired, TlsxError, UsageError
from tlsexplorer.core.files import MAX_INPUT_BYTES, check_size, read_file
from tlsexplorer.core.timeutil import format_iso8601

PROG = "tlsexplorer"

Handler = Callable[[argparse.Namespace], int]
"""A subcommand: takes the parsed arguments, returns the exit status."""


class CliError(TlsxError):
    """A usage problem found by the CLI layer itself."""

    exit_code = 2


class ArgumentParser(argparse.ArgumentParser):
    """argparse with the one-line error and exit status 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``tlsexplorer: error: ...`` on one line and exit 2."""
        hint = f" (see '{self.prog} --help')"
        sys.stderr.write(f"{PROG}: error: {message}{hint}\n")
        raise SystemExit(2)


def fail(message: str) -> None:
    """Write one error line on stderr."""
    sys.stderr.write(f"{PROG}: error: {message}\n")


def warn(message: str) -> None:
    """Write one warning line on stderr."""
    sys.stderr.write(f"{PROG}: warning: {message}\n")


def run_handler(handler: Handler, args: argparse.Namespace) -> int:
    """Run a subcommand, turning our errors into one line and an exit status.

    Anything a user can cause ends as one line on stderr, never a traceback.
    """
    try:
        return handler(args)
    except TlsxError as exc:
        fail(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return 130
    except BrokenPipeError:
        # The reader went away (| head); don't complain about it.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0


def to_jsonable(value: Any) -> Any:
    """Convert our values to JSON types: datetimes to ISO 8601 UTC, bytes to hex,
    paths to strings, dataclasses and tuples recursively."""
    if isinstance(value, dt.datetime):
        return format_iso8601(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: to_jsonable(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def emit_json(document: Any, stream: IO[str] | None = None) -> None:
    """Print one JSON document on stdout and nothing else."""
    out = stream or sys.stdout
    json.dump(to_jsonable(document), out, indent=2, ensure_ascii=False)
    out.write("\n")


def read_source(path: str, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a file argument; ``-`` reads stdin. Refuses anything above ``limit``."""
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
        check_size(len(data), "standard input", limit)
        return data
    return read_file(path, limit)


def read_text_argument(value: str, what: str = "text") -> str:
    """A TEXT argument: the value itself, or stdin when it is ``-``."""
    if value != "-":
        return value
    data = read_source("-")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"the {what} on standard input is not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x})"
        ) from None


def stdin_is_interactive() -> bool:
    """True when stdin is a terminal we may prompt on."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def read_password(
    password_file: str | None,
    *,
    option: str,
    prompt: str,
    confirm: bool = False,
    required: bool = True,
) -> bytes | None:
    """Get a password: from ``password_file``, else a prompt that does not echo.

    The file's first line is the password (trailing newline dropped). When
    stdin is not a terminal nothing prompts: a missing password is an error
    naming ``option`` (or None when not ``required``).

    Raises:
        PasswordRequired: no file given and no terminal to ask on.
        UsageError: the confirmation differs, or the file cannot be read.
    """
    if password_file is not None:
        data = read_source(password_file, limit=64 * 1024)
        line = data.splitlines()[0] if data else b""
        return line
    if not stdin_is_interactive():
        if not required:
            return None
        raise PasswordRequired(
            f"a password is needed and stdin is not a terminal; give it with {option} FILE"
        )
    first = getpass.getpass(prompt)
    if confirm:
        second = getpass.getpass("Confirm: ")
        if first != second:
            raise UsageError("the two passwords differ; nothing was done")
    return first.encode()


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number of at least ``minimum`` (else exit 2, one line)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, not {value}")
        return value

    return parse


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Add the shared ``--json`` flag."""
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")


def example_epilog(*lines: str) -> str:
    """An ``Examples:`` block for a subcommand's --help."""
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def add_command(
    subparsers: Any, name: str, help_text: str, description: str, *examples: str
) -> argparse.ArgumentParser:
    """Add a (sub)command parser with its description and an examples epilog."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=example_epilog(*examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def add_actions(parser: argparse.ArgumentParser) -> Any:
    """Give a command its actions (``ca init``, ``fernet encrypt``...).

    An action is required: without one, the usual one-line usage error and
    exit 2. Returns the subparsers object to add actions to with
    :func:`add_command`.
    """
    return parser.add_subparsers(title="actions", metavar="ACTION", required=True)


__all__ = [
    "PROG",
    "ArgumentParser",
    "CliError",
    "Handler",
    "add_actions",
    "add_command",
    "add_json_flag",
    "emit_json",
    "example_epilog",
    "fail",
    "read_password",
    "read_source",
    "read_text_argument",
    "run_handler",
    "stdin_is_interactive",
    "to_jsonable",
    "warn",
    "whole_number",
]
