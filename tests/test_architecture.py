"""ARCHITECTURE.md stays true: every path it names exists, and every core module is on the map."""

from __future__ import annotations

import re

from tests.conftest import ROOT

TEXT = (ROOT / "ARCHITECTURE.md").read_text()


def _named_paths() -> set[str]:
    """Paths in backticks: `core/x509/naming.py`, `tui/screens/base.py`, `tests/test_docs.py`..."""
    found = set(re.findall(r"`((?:core|render|cli|tui|tests|benchmarks|docs)/[\w/.]*\w)`", TEXT))
    return {p for p in found if "<" not in p}


def test_every_path_on_the_map_exists() -> None:
    missing = []
    for path in sorted(_named_paths()):
        base = ROOT if path.startswith(("tests/", "benchmarks/", "docs/")) else ROOT / "tlsexplorer"
        if not (base / path).exists():
            missing.append(path)
    assert not missing, f"ARCHITECTURE.md names paths that do not exist: {missing}"


def test_every_core_module_is_on_the_map() -> None:
    """Each core module is named in the package table (as `name.py` in its package's row) or in full."""
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `core/(\w+)/` \| (.*)$", TEXT, re.M)}
    missing = []
    for module in sorted((ROOT / "tlsexplorer" / "core").rglob("*.py")):
        relative = module.relative_to(ROOT / "tlsexplorer")
        if module.name == "__init__.py":
            continue
        package = relative.parts[1] if len(relative.parts) == 3 else None
        if package is not None and f"`{module.name}`" in rows.get(package, ""):
            continue
        if f"`{relative.as_posix()}`" in TEXT:
            continue
        missing.append(relative.as_posix())
    assert not missing, f"core modules missing from ARCHITECTURE.md: {missing}"


CORE_MODULE_LIMIT = 900
"""Lines a core module may have: past it, split the module along its own sections."""


def test_no_core_module_is_too_long_to_read() -> None:
    """The layout rule of ARCHITECTURE.md: no core module above 900 lines (split it along its sections)."""
    long = {
        module.relative_to(ROOT).as_posix(): count
        for module in sorted((ROOT / "tlsexplorer" / "core").rglob("*.py"))
        if (count := len(module.read_text(encoding="utf-8").splitlines())) > CORE_MODULE_LIMIT
    }
    assert not long, f"core modules above {CORE_MODULE_LIMIT} lines: {long}"
