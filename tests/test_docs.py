"""The documentation cannot drift: docs/cli.md is the parsers' own reference, and links lead somewhere."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tlsexplorer.cli import reference

DOCS = ROOT / "docs"
GUIDES = ("symmetric.md", "rsa.md", "inspector.md", "chain.md", "ca.md", "tls.md", "course.md", "web.md")

def _markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def _without_code_blocks(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


def _prose(text: str) -> str:
    """Markdown without its code blocks and code spans (a link written there is not a link)."""
    return re.sub(r"`[^`]*`", "", _without_code_blocks(text))


def _links(path: Path) -> list[str]:
    """Every link and image target in a Markdown file."""
    return re.findall(r"!?\[[^\]]*\]\(([^)\s]+)\)", _prose(path.read_text()))


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors for a file's headings."""
    headings = re.findall(r"^#{1,6} +(.+?) *$", _without_code_blocks(path.read_text()), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_cli_reference_is_up_to_date() -> None:
    expected = reference.cli_reference()
    actual = (DOCS / "cli.md").read_text() if (DOCS / "cli.md").exists() else ""
    assert actual == expected, (
        f"docs/cli.md differs from the parsers; regenerate it: {reference.REGENERATE}"
    )


def test_cli_reference_names_every_command_path() -> None:
    text = (DOCS / "cli.md").read_text()
    paths = reference.command_paths()
    nested = {"tlsexplorer ca init", "tlsexplorer tls serve", "tlsexplorer rsa signature"}
    assert {"tlsexplorer", *nested} <= set(paths)
    for path in paths:
        assert f"\n## {path}\n" in text, f"docs/cli.md has no section for '{path}'"


def test_cli_reference_does_not_depend_on_terminal_or_user() -> None:
    env = {**os.environ, "COLUMNS": "40", "FORCE_COLOR": "1", "HOME": "/nonexistent", "PYTHONPATH": str(ROOT)}
    code = (
        "import json, sys\n"
        "from tlsexplorer.cli.reference import cli_reference\n"
        "text = cli_reference()\n"
        "print(json.dumps({'text': text, 'modules': sorted({m.split('.')[0] for m in sys.modules})}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    result = json.loads(out.stdout)
    assert result["text"] == reference.cli_reference()
    assert "textual" not in result["modules"]
    assert "\x1b" not in result["text"]
    for place in ("/root", "/tmp", "/home/", str(Path.home()), str(ROOT)):
        assert place not in result["text"], f"docs/cli.md would name {place}"


def test_machine_specific_defaults_are_not_spelled_out(monkeypatch: pytest.MonkeyPatch) -> None:
    def build_parser() -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog="tlsexplorer")
        parser.add_argument("--config", default=str(Path.home() / "tlsx.toml"), help="settings")
        parser.add_argument("--top", type=int, default=5, help="how many")
        return parser

    monkeypatch.setattr(reference, "build_parser", build_parser)
    text = reference.cli_reference()
    assert "| `--config CONFIG` | settings | `~/tlsx.toml` |" in text
    assert "| `--top TOP` | how many | `5` |" in text
    assert str(Path.home()) + os.sep not in text


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_somewhere(path: Path) -> None:
    for link in _links(path):
        if re.match(r"[a-z][a-z0-9+.-]*:", link):
            continue  # https:, mailto:
        target, _, anchor = link.partition("#")
        file = (path.parent / target).resolve() if target else path
        name = file.relative_to(ROOT).as_posix() if file.is_relative_to(ROOT) else str(file)
        assert file.exists(), f"{path.name}: link to {link} leads nowhere"
        if anchor and file.suffix == ".md":
            assert anchor in _anchors(file), f"{path.name}: {link} names no heading of {name}"


def test_readme_keeps_its_screenshots() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "<!-- SCREENSHOTS" in readme
    shots = [link for link in _links(ROOT / "README.md") if link.startswith("screenshots/")]
    pictures = [*(ROOT / "screenshots").glob("*.svg"), *(ROOT / "screenshots").glob("*.png")]
    assert sorted(shots) == sorted(f"screenshots/{p.name}" for p in pictures)


def test_every_guide_is_linked_and_links_to_the_reference() -> None:
    readme_links = set(_links(ROOT / "README.md"))
    index_links = set(_links(DOCS / "index.md"))
    for guide in GUIDES:
        assert f"docs/{guide}" in readme_links, f"README.md does not link to docs/{guide}"
        assert guide in index_links, f"docs/index.md does not list {guide}"
        links = _links(DOCS / guide)
        assert any(link.split("#")[0] == "cli.md" for link in links), f"docs/{guide} does not link to cli.md"


def test_every_subcommand_has_a_guide() -> None:
    """A new subcommand is documented in an explorer's guide, which links to its reference section."""
    guide_links = {link for guide in GUIDES for link in _links(DOCS / guide)}
    for path in reference.command_paths():
        words = path.split()
        if len(words) != 2:
            continue
        anchor = reference.anchor(path)
        assert any(
            link == f"cli.md#{anchor}" or link.startswith(f"cli.md#{anchor}-") for link in guide_links
        ), f"no guide in docs/ links to the reference of '{path}' (cli.md#{anchor})"
