"""The CLI's shared conventions: --help, --version, bad usage, no-arg launch."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tlsexplorer
from tlsexplorer import cli


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tlsexplorer", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
    )


def test_version_prints_name_and_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"tlsexplorer {tlsexplorer.__version__}"


def test_help_lists_every_subcommand() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "usage: tlsexplorer" in result.stdout
    parser = cli.build_parser()
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name in getattr(action, "choices", {}) or {}:
            assert name in result.stdout


@pytest.mark.parametrize("args", [["--no-such-flag"], ["no-such-subcommand"]])
def test_bad_usage_is_one_line_and_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("tlsexplorer: error: ")


def test_no_arguments_launches_the_tui(monkeypatch: pytest.MonkeyPatch) -> None:
    launched: list[tuple[str, ...]] = []

    def fake_launch(paths: tuple[str, ...] = ()) -> int:
        launched.append(tuple(paths))
        return 0

    monkeypatch.setattr(cli, "launch_tui", fake_launch)
    assert cli.main([]) == 0
    assert launched == [()]


def test_our_errors_become_one_line_with_their_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    from tlsexplorer.cli.base import run_handler
    from tlsexplorer.core.errors import InvalidInput, UsageError

    def bad_input(_args: object) -> int:
        raise InvalidInput("that is not a certificate; expected PEM or DER")

    def bad_usage(_args: object) -> int:
        raise UsageError("--shift must be a whole number")

    assert run_handler(bad_input, None) == 1  # type: ignore[arg-type]
    assert run_handler(bad_usage, None) == 2  # type: ignore[arg-type]
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "tlsexplorer: error: that is not a certificate; expected PEM or DER",
        "tlsexplorer: error: --shift must be a whole number",
    ]


def test_json_conventions() -> None:
    import datetime as dt
    import io
    import json

    from tlsexplorer.cli.base import emit_json

    out = io.StringIO()
    when = dt.datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    emit_json({"at": when, "fingerprint": b"\xab\xcd", "n": 2**200}, out)
    doc = json.loads(out.getvalue())
    assert doc == {"at": "2026-01-02T02:04:05Z", "fingerprint": "abcd", "n": 2**200}


def test_password_never_prompts_without_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from tlsexplorer.cli.base import read_password
    from tlsexplorer.core.errors import PasswordRequired

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(PasswordRequired, match="--password-file"):
        read_password(None, option="--password-file", prompt="Password: ")
    assert read_password(None, option="--password-file", prompt="x", required=False) is None


def test_no_arguments_without_a_terminal_is_one_line_not_a_hang() -> None:
    result = run()
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "tlsexplorer: error: the TUI needs a terminal; for text output use a subcommand (see --help)"
    )
