"""The command-line reference (docs/cli.md), generated from the argparse parsers.

:func:`cli_reference` walks :func:`tlsexplorer.cli.build_parser` and renders
one Markdown section per command path (``## tlsexplorer ca issue``): its usage
line, description, every argument with its help and default, its actions and
its examples. The output does not depend on the terminal, the machine or the
user, so ``tests/test_docs.py`` can hold docs/cli.md equal to it. Regenerate::

    python -m tlsexplorer.cli.reference > docs/cli.md
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tlsexplorer.cli import build_parser
from tlsexplorer.cli.base import JSON_RULES

REGENERATE = "python -m tlsexplorer.cli.reference > docs/cli.md"
"""The command that rewrites docs/cli.md."""

USAGE_WIDTH = 100
"""Usage lines wrap at this width whatever the terminal is."""

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _subcommands(action: argparse._SubParsersAction[argparse.ArgumentParser]) -> dict[str, str]:
    """An action's subcommands by name, in --help order, with their one-line help (aliases left out)."""
    helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
    seen: set[int] = set()
    names: dict[str, str] = {}
    for name, sub in action.choices.items():
        if id(sub) not in seen:
            seen.add(id(sub))
            names[name] = helps.get(name, "")
    return names


def _commands(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command path under ``parser`` (itself first), depth first, in --help order."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name in _subcommands(action):
                yield from _commands(action.choices[name], f"{path} {name}")


def command_paths() -> list[str]:
    """Every command path the parser has, ``tlsexplorer`` first."""
    parser = build_parser()
    return [path for path, _ in _commands(parser, parser.prog)]


def anchor(path: str) -> str:
    """The Markdown anchor of a command's heading: ``tlsexplorer ca issue`` -> ``tlsexplorer-ca-issue``."""
    return path.replace(" ", "-")


def _text(value: str) -> str:
    """Help or description text as Markdown: ``|``, ``*``, ``\\`` and a tag's ``<`` escaped, lines joined."""
    return " ".join(re.sub(r"([|*\\]|<(?=[A-Za-z/!?]))", r"\\\1", value).split())


def _usage(parser: argparse.ArgumentParser) -> str:
    """argparse's usage line, wrapped at :data:`USAGE_WIDTH` (not the terminal's), without colour."""
    formatter = argparse.HelpFormatter(prog=parser.prog, width=USAGE_WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return _ANSI.sub("", formatter.format_help()).strip()


def _metavar(action: argparse.Action) -> str:
    """What follows an option (``FILE``, ``{server,client}``, ``ID [ID ...]``), as argparse names it."""
    if isinstance(action.metavar, tuple):
        names = list(action.metavar)
    elif action.metavar is not None:
        names = [action.metavar]
    elif action.choices is not None:
        names = ["{" + ",".join(str(choice) for choice in action.choices) + "}"]
    else:
        names = [action.dest.upper() if action.option_strings else action.dest]
    one = names[0]
    if action.nargs == argparse.OPTIONAL:
        return f"[{one}]"
    if action.nargs == argparse.ZERO_OR_MORE:
        return f"[{one} ...]"
    if action.nargs == argparse.ONE_OR_MORE:
        return f"{one} [{one} ...]"
    if isinstance(action.nargs, int):
        return " ".join(names if len(names) == action.nargs else [one] * action.nargs)
    return one


def _invocation(action: argparse.Action) -> str:
    """``--key-file FILE``, ``-r, --recursive``, ``PATH [PATH ...]`` (``|`` escaped for a table)."""
    if not action.option_strings:
        text = _metavar(action)
    elif action.nargs == 0:
        text = ", ".join(action.option_strings)
    else:
        text = ", ".join(action.option_strings) + " " + _metavar(action)
    return text.replace("|", "\\|")


def _default(action: argparse.Action) -> str:
    """The default column: ``required``, the value, or nothing when unset.

    A default that is a path on this machine is never spelled out: under the
    home or temporary folder it is written ``~/...`` or ``$TMPDIR/...``.
    """
    if action.option_strings and action.required:
        return "required"
    if not action.option_strings and action.nargs not in (argparse.OPTIONAL, argparse.ZERO_OR_MORE):
        return "required"  # whatever argparse's version says about nargs="*"
    value = action.default
    if action.nargs == 0 or value in (None, argparse.SUPPRESS) or value == []:
        return ""
    if isinstance(value, list | tuple):
        value = " ".join(str(item) for item in value)
    text = str(value)
    if isinstance(value, str | os.PathLike) and os.path.isabs(text):
        for place, name in ((tempfile.gettempdir(), "$TMPDIR"), (str(Path.home()), "~")):
            if text == place or text.startswith(place + os.sep):
                return f"`{name}{text[len(place):]}`"
        return "(depends on the machine)"
    return f"`{text}`"


def _help(action: argparse.Action, prog: str) -> str:
    """The help text with argparse's ``%(default)s``-style fields filled in."""
    text = action.help or ""
    if "%" in text:
        text = text % {**vars(action), "prog": prog}
    return _text(text)


def _epilog(epilog: str) -> list[str]:
    """``examples:`` blocks (see ``example_epilog``) as a shell block; anything else as text."""
    head, _, rest = epilog.partition("\n")
    if head.strip().lower() == "examples:":
        lines = [line[2:] if line.startswith("  ") else line for line in rest.splitlines()]
        return ["Examples:", "", "```sh", *lines, "```", ""]
    return [_text(epilog), ""]


def _section(path: str, parser: argparse.ArgumentParser) -> list[str]:
    """One command's section: heading, description, usage, arguments, actions, examples."""
    lines = [f"## {path}", ""]
    if parser.description:
        for paragraph in re.split(r"\n\s*\n", parser.description.strip()):
            lines += [_text(paragraph), ""]
    lines += ["```text", _usage(parser), "```", ""]
    rows = [
        f"| `{_invocation(action)}` | {_help(action, parser.prog)} | {_default(action)} |"
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
        and action.help != argparse.SUPPRESS
    ]
    if rows:
        lines += ["| argument | what it does | default |", "|---|---|---|", *rows, ""]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            title = next(
                (group.title for group in parser._action_groups if action in group._group_actions), None
            )
            lines += [f"{(title or 'subcommands').capitalize()}:", ""]
            for name, help_text in _subcommands(action).items():
                sub = f"{path} {name}"
                lines.append(f"- [`{sub}`](#{anchor(sub)}): {_text(help_text)}")
            lines.append("")
    if parser.epilog:
        lines += _epilog(parser.epilog)
    return lines


def cli_reference() -> str:
    """docs/cli.md: every command path, its usage, description, arguments, actions and examples."""
    root = build_parser()
    commands = list(_commands(root, root.prog))
    lines = [
        f"<!-- Generated from the argparse parsers by `{REGENERATE}`; do not edit by hand",
        "     (tests/test_docs.py fails when this file and the parsers differ). -->",
        "",
        "# Command-line reference",
        "",
        "Every subcommand and option of `tlsexplorer`, generated from its argument parser. "
        "Every command also takes `-h`/`--help`. The conventions every subcommand shares "
        "(`--json`, exit status, errors, `-` for stdin, passwords) are in "
        "[the documentation index](index.md#command-line-conventions); what each command "
        "does, with its JSON keys and worked examples, is in its explorer's guide.",
        "",
        JSON_RULES.replace("--json:", "`--json`:").replace("\\xNN", "`\\xNN`").replace(
            "int(value, 16)", "`int(value, 16)`").replace("json.load", "`json.load`"),
        "",
        *(f"- [`{path}`](#{anchor(path)})" for path, _ in commands),
        "",
    ]
    for path, parser in commands:
        lines += _section(path, parser)
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    """Print docs/cli.md on stdout."""
    sys.stdout.write(cli_reference())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
