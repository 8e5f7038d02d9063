"""The rich Console the CLI prints with (NO_COLOR and pipes respected)."""

from __future__ import annotations

import sys

from rich.console import Console


def make_console(*, stderr: bool = False, width: int | None = None) -> Console:
    """A Console for CLI output.

    Rich honours ``NO_COLOR`` and turns colour off when the stream is not a
    terminal; ``width`` fixes the width for golden tests.
    """
    return Console(
        file=sys.stderr if stderr else sys.stdout,
        width=width,
        highlight=False,
        soft_wrap=False,
    )


__all__ = ["make_console"]
