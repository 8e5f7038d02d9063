"""Lazy re-exports for the core's package ``__init__`` files.

Each package lists its public names once, as explicit re-exports in an
``if TYPE_CHECKING:`` block (``from .module import name as name``), which is
what type checkers and editors read. :func:`lazy_exports` reads that block
from the ``__init__``'s source and returns the module ``__getattr__``,
``__dir__`` and ``__all__`` that load a name from its module when it is first
used. Importing one module of a package therefore never loads its siblings
(the CA workbench imports ``core.x509.naming`` without the loader, lint and
sweep), and a package ``__init__`` can never close an import cycle.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _type_checking_imports(init_file: str) -> dict[str, str]:
    """Public name -> defining module, from the ``if TYPE_CHECKING:`` imports of ``init_file``."""
    tree = ast.parse(Path(init_file).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    for alias in statement.names:
                        found[alias.asname or alias.name] = statement.module
    return found


def lazy_exports(
    package: str, init_file: str
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for the package ``package`` whose ``__init__`` is ``init_file``."""
    module_of = _type_checking_imports(init_file)

    def __getattr__(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(module_of)

    return __getattr__, __dir__, sorted(module_of)


__all__ = ["lazy_exports"]
