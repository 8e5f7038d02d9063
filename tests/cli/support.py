"""Running the CLI in-process from tests."""

from __future__ import annotations

import pytest

from tlsexplorer.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``tlsexplorer ARGS`` in this process: (exit status, stdout, stderr).

    argparse's usage errors exit through SystemExit; they count as a status too.
    """
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
