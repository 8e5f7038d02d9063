"""No import cycle anywhere in tlsexplorer/, type-only and function-level imports included.

The graph has an edge A -> B for every ``import``/``from ... import`` in A that
names a tlsexplorer module B, wherever the statement sits (module level,
``if TYPE_CHECKING:``, inside a function). Importing ``a.b.c`` also runs the
``__init__`` of every package above it that the importer is not already in, so
those packages are edges too: a package ``__init__`` that re-exports its
modules can close a cycle that no single module shows (ARCHITECTURE.md,
"Imports").
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "tlsexplorer"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name: str, modules: dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def _targets(name: str, tree: ast.AST, modules: dict[str, Path]) -> set[str]:
    """The tlsexplorer modules that the statements in ``tree`` import."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if _is_package(name, modules) else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # ``from package import module`` names the package itself (its ``__init__`` runs,
            # and tools read the statement as an import of it), then the module.
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {t for t in found if t in modules}


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules importing it runs, package ``__init__``s included."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        for target in _targets(name, ast.parse(path.read_text(), str(path)), modules):
            edges.add(target)
            parts = target.split(".")
            for i in range(1, len(parts)):
                parent = ".".join(parts[:i])
                # The importer's own packages are already initialised when it runs.
                if parent in modules and not (name == parent or name.startswith(parent + ".")):
                    edges.add(parent)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    # module level, and a package __init__ above the target
    assert "tlsexplorer.core.errors" in graph["tlsexplorer.core.files"]
    assert "tlsexplorer.core.chain" in graph["tlsexplorer.render.chain"]
    # inside a function: the CLI imports its commands lazily
    caesar = {"tlsexplorer.core.symmetric.caesar", "tlsexplorer.core.symmetric"}
    assert graph["tlsexplorer.cli.caesar"] >= caesar


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ],
)
def test_find_cycle(graph: dict[str, set[str]], expected: list[str] | None) -> None:
    assert find_cycle(graph) == expected


def test_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
