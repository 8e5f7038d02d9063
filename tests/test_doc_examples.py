"""The examples in the README and the guides work when pasted at the repository's root."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from tests.conftest import ROOT

GUIDES = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "cli.md")]
FILE_SUFFIXES = (".pem", ".der", ".p12", ".crt", ".key")


def _examples() -> list[tuple[str, int, str]]:
    """Every ``$ tlsexplorer ...`` line of the guides: (guide, line number, command)."""
    found = []
    for guide in GUIDES:
        for number, line in enumerate(guide.read_text().splitlines(), 1):
            if line.startswith("$ tlsexplorer "):
                found.append((guide.name, number, line[2:]))
    return found


@pytest.mark.parametrize("guide,number,command", _examples(), ids=lambda v: str(v)[:40])
def test_every_file_an_example_names_exists(guide: str, number: int, command: str) -> None:
    words = shlex.split(command.split("|", 1)[0].rstrip("\\ "))
    files = [w for w in words if w.endswith(FILE_SUFFIXES) and not w.startswith("-")]
    for name in files:
        assert (ROOT / name).is_file(), f"{guide}:{number}: {name} does not exist when pasted at the root"


def test_the_printed_missing_issuer_fix_is_what_verify_prints() -> None:
    lines = (ROOT / "docs" / "chain.md").read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if "jq .missing_issuer.fix" in line)
    command = shlex.split(lines[index][2:].split("|", 1)[0])
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "tlsexplorer", *command[1:]], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    fix = json.loads(result.stdout)["missing_issuer"]["fix"]
    assert lines[index + 1] == json.dumps(fix), "docs/chain.md prints another fix than verify gives"
    assert re.search(r"tlsexplorer/samples/", lines[index])
