"""What every subcommand shares: errors, exit codes, JSON, input and passwords.

The CLI conventions (ARCHITECTURE.md, "CLI conventions") live here once:

- errors are one line on stderr, ``tlsexplorer: error: <what and how to fix>``;
- exit 0 success, 1 "read but the answer is no", 2 usage error;
- ``--json`` prints one document on stdout (snake_case keys, ISO 8601 UTC
  times, lowercase hex, integers as integers up to 4300 digits and as ``0x``
  hex strings above, :data:`JSON_RULES`);
- ``-`` means stdin; passwords come from a file or a prompt that does not
  echo, and nothing prompts when stdin is not a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
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


class ProgressLine:
    """Long work's progress on stderr, as ``tlsexplorer: working: <stage> <done>/<total>``.

    On a terminal one line is redrawn (at most ten times a second) and wiped
    at the end; otherwise each stage gets one line when it starts, so a log
    shows what ran without a line per step. Use as a context manager and
    pass the instance as a core ``progress(what, done, total)`` callback.
    """

    def __init__(self) -> None:
        self._stream = sys.stderr
        try:
            self._live = bool(self._stream.isatty())
        except (AttributeError, ValueError):
            self._live = False
        self._stage = ""
        self._drawn = 0.0

    def __call__(self, what: str, done: int, total: int) -> None:
        """Report that ``done`` of ``total`` steps of ``what`` are done."""
        import time

        if not self._live:
            if what != self._stage:
                self._stage = what
                self._stream.write(f"{PROG}: working: {what} ({total} step{'s' if total != 1 else ''})\n")
                self._stream.flush()
            return
        now = time.monotonic()
        if what == self._stage and now - self._drawn < 0.1 and done < total:
            return
        self._stage, self._drawn = what, now
        self._stream.write(f"\r\x1b[K{PROG}: working: {what} {done}/{total}")
        self._stream.flush()

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._live and self._stage:
            self._stream.write("\r\x1b[K")
            self._stream.flush()


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


JSON_INT_DIGITS = 4300
"""Integers with at most this many decimal digits are JSON integers in ``--json``.

It is Python's default ``sys.int_info.default_max_str_digits``: above it
``json.load`` refuses a number. Larger integers (a 16384-bit modulus has 4933
digits) are written as a string of hex digits with ``0x`` (``-0x`` when
negative), which ``int(value, 16)`` reads with no limit."""

_JSON_INT_BOUND = 10**JSON_INT_DIGITS

JSON_RULES = (
    "--json: integers are JSON integers up to 4300 digits (what Python's json.load reads by "
    "default); larger ones are strings of hex digits with 0x (int(value, 16) reads them). A file "
    "name that is not UTF-8 has each byte that is not UTF-8 written as \\xNN."
)
"""The JSON rules in one sentence, for --help texts and docs/cli.md."""


def json_int(value: int) -> int | str:
    """An integer as ``--json`` writes it: itself, or ``0x…`` hex above :data:`JSON_INT_DIGITS` digits."""
    if -_JSON_INT_BOUND < value < _JSON_INT_BOUND:
        return value
    return ("-" if value < 0 else "") + hex(abs(value))


def escape_undecodable(text: str) -> str:
    """``text`` with the bytes that were not UTF-8 written as ``\\xNN``.

    Python decodes command-line arguments and file names with
    ``surrogateescape``: a byte that is not UTF-8 becomes a lone surrogate,
    which no UTF-8 output can hold. Other lone surrogates become ``\\uNNNN``.
    """
    return _SURROGATE.sub(_escape_surrogate, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def _escape_in_json(match: re.Match[str]) -> str:
    # Inside JSON text a backslash is written twice.
    return "\\" + _escape_surrogate(match)


def json_safe(text: str) -> str:
    """JSON text made valid UTF-8: each lone surrogate (inside a string, the only place
    one can be) is written as the escaped ``\\xNN`` of :func:`escape_undecodable`."""
    if text.isascii():  # the usual case, checked at C speed: nothing to escape
        return text
    return _SURROGATE.sub(_escape_in_json, text)


#: Above this many characters a --json document is written without indentation: Python's
#: json module indents only with its pure-Python encoder, which took most of the time of a
#: 100 MB ``tls decrypt --json``. Smaller documents stay indented for people to read.
PRETTY_JSON_LIMIT = 1 << 20


def json_text(document: Any) -> str:
    """One JSON document as text, by the ``--json`` rules (:data:`JSON_RULES`): what
    :func:`emit_json` prints, without the final newline."""
    return "".join(_json_pieces(document))


def to_jsonable(value: Any, verbatim: _Verbatim | None = None) -> Any:
    """Convert our values to JSON types: datetimes to ISO 8601 UTC, bytes to hex,
    paths to strings, integers by :func:`json_int`, dataclasses and tuples recursively.

    With ``verbatim``, long byte strings are set aside as hex and a marker holding a random
    token stands in their place (see :func:`emit_json`)."""
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return value
    if isinstance(value, int):
        return json_int(value)
    if isinstance(value, dt.datetime):
        return format_iso8601(value)
    if isinstance(value, bytes | bytearray | memoryview):
        if verbatim is not None and len(value) >= _VERBATIM_BYTES:
            return verbatim.keep(bytes(value).hex())
        return bytes(value).hex()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, verbatim) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v, verbatim) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: to_jsonable(getattr(value, name), verbatim) for name in value.__dataclass_fields__}
    return value


#: Byte strings at least this long are written by :func:`emit_json` as hex without passing
#: through the JSON encoder, which would scan every digit for characters to escape (hex has
#: none): a 50 MB capture's ``tls decrypt --json`` is 100 MB of hex.
_VERBATIM_BYTES = 4096


class _Verbatim:
    """Long hex strings set aside while a document is encoded, each behind a marker
    holding a random token, so no string in the document can be mistaken for one."""

    def __init__(self) -> None:
        import secrets

        self.token = secrets.token_hex(8)
        self.values: list[str] = []
        self.slot = re.compile(rf"\\u0000{self.token}:(\d+)\\u0000")

    def keep(self, text: str) -> str:
        self.values.append(text)
        return f"\x00{self.token}:{len(self.values) - 1}\x00"


def _json_pieces(document: Any) -> Iterator[str]:
    """The text of one ``--json`` document in pieces: indented unless longer than
    :data:`PRETTY_JSON_LIMIT` characters, long hex spliced in where its marker stood."""
    import json  # only for --json: a command printing text does not load it

    verbatim = _Verbatim()
    data = to_jsonable(document, verbatim)
    text = json.dumps(data, ensure_ascii=False)
    if len(text) + sum(len(v) for v in verbatim.values) <= PRETTY_JSON_LIMIT:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    for i, piece in enumerate(verbatim.slot.split(json_safe(text))):
        yield piece if i % 2 == 0 else verbatim.values[int(piece)]


def emit_json(document: Any, stream: IO[str] | None = None) -> None:
    """Print one JSON document on stdout and nothing else."""
    out = stream or sys.stdout
    out.writelines(_json_pieces(document))
    out.write("\n")


def read_stdin(limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes on standard input, at most ``limit``.

    Raises:
        UsageError: standard input is closed (``<&-``) or cannot be read.
        FileAccessError: more than ``limit`` bytes arrive.
    """
    closed = UsageError(
        "'-' reads standard input, but standard input is closed; pipe the data in or give a file"
    )
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        raise closed
    try:
        data: bytes = buffer.read(limit + 1)
    except ValueError:  # "I/O operation on closed file"
        raise closed from None
    except OSError as exc:
        raise UsageError(f"standard input cannot be read: {exc.strerror or exc}") from None
    check_size(len(data), "standard input", limit, exact=False)
    return data


def read_source(path: str, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a file argument; ``-`` reads stdin. Refuses anything above ``limit``."""
    if path == "-":
        return read_stdin(limit)
    return read_file(path, limit)


def one_stdin(arguments: Mapping[str, str | Sequence[str] | None]) -> None:
    """Refuse two arguments that would both read standard input: ``-`` can be read once.

    ``arguments`` maps each option's name (``--ca``, ``LEAF``) to its value
    (a repeatable option's list, or None when not given).

    Raises:
        UsageError: more than one ``-`` among them.
    """
    dashes: list[str] = []
    for name, value in arguments.items():
        values = [value] if isinstance(value, str) or value is None else list(value)
        dashes.extend(name for item in values if item == "-")
    if len(dashes) < 2:
        return
    names = list(dict.fromkeys(dashes))
    if len(names) == 1:
        raise UsageError(f"{names[0]} can read standard input ('-') only once; put the others in files")
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    raise UsageError(f"only one of {listed} can be read from standard input")


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
    import getpass

    first = getpass.getpass(prompt)
    if confirm:
        second = getpass.getpass("Confirm: ")
        if first != second:
            raise UsageError("the two passwords differ; nothing was done")
    return first.encode()


def utf8_text(value: str) -> str:
    """An argparse ``type`` for text that goes into a certificate, a number or a page: it must be UTF-8.

    argparse names the option in its one-line error (``argument --cn: ...``).
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        shown = escape_undecodable(value)
        if len(shown) > 60:
            shown = shown[:59] + "…"
        bad = escape_undecodable(value[exc.start])
        raise argparse.ArgumentTypeError(
            f"'{shown}' is not UTF-8 text (its byte {bad} is not UTF-8); give it in UTF-8"
        ) from None
    return value


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


JSON_BIG_INTEGERS = "integers above 4300 digits are strings of hex digits with 0x"
"""The ``--json`` help of commands whose numbers can be that big (``rsa``, ``dh``)."""


def add_json_flag(parser: argparse.ArgumentParser, note: str | None = None) -> None:
    """Add the shared ``--json`` flag (``note``: what to know about this command's document)."""
    help_text = "print one JSON document on stdout" + (f"; {note}" if note else "")
    parser.add_argument("--json", action="store_true", help=help_text)


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
    "JSON_BIG_INTEGERS",
    "JSON_INT_DIGITS",
    "JSON_RULES",
    "PROG",
    "ArgumentParser",
    "CliError",
    "Handler",
    "ProgressLine",
    "add_actions",
    "add_command",
    "add_json_flag",
    "emit_json",
    "escape_undecodable",
    "example_epilog",
    "fail",
    "json_int",
    "json_safe",
    "json_text",
    "one_stdin",
    "read_password",
    "read_source",
    "read_stdin",
    "read_text_argument",
    "run_handler",
    "stdin_is_interactive",
    "to_jsonable",
    "utf8_text",
    "warn",
    "whole_number",
]
