"""The Inspector (and the Chain screen it sends to) shows an unknown extension 2.999.3 as 2.999.3.

2.999.3 needs a two-byte first subidentifier (80 + 999): a reader that splits the first
byte alone into two arcs shows 2.56.55.3.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Static, TabbedContent, Tree

from tests.inspect_factory import NOW, pem, unknown_extension_chain
from tlsexplorer.core.x509.dertree import DerNode
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.inspector import InspectorScreen
from tlsexplorer.tui.widgets.virtual_table import VirtualTable

OID = "2.999.3"
MISREAD = "2.56.55"


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Recent files go to a temporary folder."""
    monkeypatch.setenv("TLSEXPLORER_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def _plain(widget: Static) -> str:
    """A Static's content as plain text (no colour codes)."""
    console = Console(width=120, file=io.StringIO(), color_system=None)
    console.print(widget.content)
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def _details(screen: InspectorScreen) -> str:
    return _plain(screen.query_one("#insp-details", Static))


def _tree_labels(tree: Tree[DerNode]) -> list[str]:
    labels: list[str] = []
    stack = [tree.root]
    while stack:
        node = stack.pop()
        labels.append(str(node.label))
        stack.extend(node.children)
    return labels


def _checklist(screen: Any) -> str:
    return " ".join(_plain(screen.query_one("#checklist", Static)).replace("│", " ").split())


@pytest.mark.parametrize("critical", [True, False])
async def test_the_inspector_and_the_chain_screen_show_2_999_3(tmp_path: Path, critical: bool) -> None:
    from tlsexplorer.tui.screens.chain import ChainScreen

    root, leaf = unknown_extension_chain(critical)
    (tmp_path / "root.pem").write_bytes(pem(root))
    (tmp_path / "odd.pem").write_bytes(pem(leaf))
    app = TlsExplorerApp(now=NOW, open_paths=[str(tmp_path / "root.pem"), str(tmp_path / "odd.pem")])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InspectorScreen)
        row = next(
            i for i, r in enumerate(screen.rows)
            if r.obj is not None and screen.files[r.file].label.endswith("odd.pem")
        )
        table = screen.query_one("#insp-objects", VirtualTable)
        table.move_cursor(row=row, animate=False)
        await pilot.pause()

        # The details: the extension, by its OID, with its criticality.
        details = _details(screen)
        (line,) = [r for r in details.splitlines() if OID in r]
        assert line.split(OID, 1)[1].split()[0] == ("yes" if critical else "no")
        assert MISREAD not in details

        # The DER tree: the extension's OBJECT IDENTIFIER node.
        screen.query_one("#insp-right", TabbedContent).active = "tab-der"
        await pilot.pause()
        labels = _tree_labels(screen.query_one("#insp-der-tree", Tree))
        assert any("OBJECT IDENTIFIER" in label and label.endswith(f" {OID}") for label in labels)
        assert not any(MISREAD in label for label in labels)

        # v: the Chain screen verifies it; its checklist names the OID when it is critical.
        table.focus()
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        chain = app.screen
        assert isinstance(chain, ChainScreen)
        report = chain.report
        assert report is not None and report.valid is not critical
        (finding,) = [f for f in report.findings if f.certificate == 0 and f.check == "critical_extensions"]
        assert finding.ok is not critical
        if critical:
            assert f"does not know: {OID}." in finding.message
            assert f"does not know: {OID}." in _checklist(chain)
        assert MISREAD not in _checklist(chain)
