"""The layers import one way: core -> render -> {cli, tui} (ARCHITECTURE.md, "Layers").

Each module is imported in a fresh interpreter and the loaded modules are
inspected there, so nothing imported by the test run itself can hide a leak.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import tlsexplorer.core
import tlsexplorer.render


def _loaded_after_import(module: str) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return {name.split(".")[0] for name in json.loads(out.stdout)}


def _modules(package: object) -> list[str]:
    path = package.__path__  # type: ignore[attr-defined]
    prefix = package.__name__ + "."  # type: ignore[attr-defined]
    return [package.__name__] + [m.name for m in pkgutil.walk_packages(path, prefix)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("module", _modules(tlsexplorer.core))
def test_core_loads_neither_rich_nor_textual(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert "rich" not in loaded, f"{module} imports rich"
    assert "textual" not in loaded, f"{module} imports textual"


@pytest.mark.parametrize("module", _modules(tlsexplorer.render))
def test_render_does_not_load_textual(module: str) -> None:
    assert "textual" not in _loaded_after_import(module), f"{module} imports textual"


def test_cli_import_does_not_load_textual() -> None:
    assert "textual" not in _loaded_after_import("tlsexplorer.cli")


def test_cli_help_does_not_load_textual() -> None:
    code = (
        "import sys, json\n"
        "from tlsexplorer.cli import build_parser\n"
        "build_parser().format_help()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert "textual" not in {n.split(".")[0] for n in json.loads(out.stdout)}


def test_package_init_is_light() -> None:
    loaded = _loaded_after_import("tlsexplorer")
    assert not loaded & {"rich", "textual", "cryptography"}
