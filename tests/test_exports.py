"""The core packages' re-exports: every public name resolves to its module's object, lazily."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

PACKAGES = ["symmetric", "rsa", "x509", "chain", "ca", "tls"]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_is_its_modules_object(package: str) -> None:
    module = importlib.import_module(f"tlsexplorer.core.{package}")
    assert module.__all__, f"core.{package} exports nothing"
    for name in module.__all__:
        value = getattr(module, name)
        home = getattr(value, "__module__", None)
        if home and home.startswith(f"tlsexplorer.core.{package}."):
            assert getattr(importlib.import_module(home), name) is value
    assert sorted(dir(module)) == sorted(module.__all__)
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


def test_a_submodule_loads_without_its_siblings() -> None:
    code = (
        "import json, sys\n"
        "import tlsexplorer.core.x509.naming\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('tlsexplorer.core.x509'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert json.loads(out.stdout) == ["tlsexplorer.core.x509", "tlsexplorer.core.x509.naming"]


def test_a_name_shared_with_a_module_stays_the_module() -> None:
    from tlsexplorer.core.tls import probe
    from tlsexplorer.core.x509 import sweep

    assert probe.__name__ == "tlsexplorer.core.tls.probe"
    assert sweep.__name__ == "tlsexplorer.core.x509.sweep"
