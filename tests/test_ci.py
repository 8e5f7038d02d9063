"""The README and .ci/run name the same test command, so they cannot drift."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.conftest import ROOT


def _ci_command() -> str:
    text = (ROOT / ".ci" / "run").read_text()
    block = re.search(r"# TEST-COMMAND\n(.*?)\n# END-TEST-COMMAND", text, re.S)
    assert block, ".ci/run lost its TEST-COMMAND markers"
    return block.group(1).strip()


def test_readme_and_ci_run_the_same_test_command() -> None:
    command = _ci_command()
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", quickstart, re.S)
    commands = [line.strip() for block in blocks for line in block.splitlines() if line.strip()]
    assert len(commands) == 2, f"the Quickstart must be exactly two commands, found {commands}"
    assert commands[1] == command


def test_ci_runs_ruff_and_strict_mypy() -> None:
    text = (ROOT / ".ci" / "run").read_text()
    assert "ruff check tlsexplorer" in text
    assert "mypy tlsexplorer" in text
    assert "strict = true" in (ROOT / "pyproject.toml").read_text()


def test_ci_run_removes_its_venv_even_when_a_step_fails(tmp_path: Path) -> None:
    """.ci/run makes its venv in a temporary folder and removes it on the way out (a trap)."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    python3 = stubs / "python3"
    # A python3 that makes the venv folder (with an empty activate script) and then fails.
    python3.write_text('#!/bin/sh\nmkdir -p "$3/bin" && : > "$3/bin/activate"\nexit 3\n')
    python3.chmod(0o755)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "PATH": f"{stubs}:{os.environ['PATH']}", "TMPDIR": str(tmp)}
    result = subprocess.run(["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0
    assert list(tmp.iterdir()) == [], "the venv was left behind"


def test_the_quickstart_gives_the_venv_advice_before_its_commands() -> None:
    quickstart = (ROOT / "README.md").read_text().split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    advice = quickstart.find("virtual environment")
    assert advice != -1, "the Quickstart lost its venv advice"
    assert advice < quickstart.find("```"), "the venv advice comes after the commands"
