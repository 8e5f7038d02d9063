"""The Inspector's Files tab goes up a folder (backspace) and back into the one it came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DirectoryTree, TabbedContent

from tests.tui.conftest import open_explorer, wait_until
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp


async def test_files_tab_goes_up_a_folder_and_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "a.pem").write_text("not a certificate\n")
    (tmp_path / "beside.pem").write_text("not a certificate\n")
    monkeypatch.chdir(inner)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "inspector")
        screen.query_one("#insp-left", TabbedContent).active = "tab-files"
        await wait_until(pilot, lambda: bool(screen.query("#insp-files")), "the file tree")
        tree = screen.query_one("#insp-files", DirectoryTree)

        def shown() -> list[str]:
            return [str(child.label) for child in tree.root.children]

        await wait_until(pilot, lambda: shown() == ["a.pem"], "the first folder's files")
        tree.focus()
        await pilot.pause()
        footer_keys = {b.binding.key for b in screen.active_bindings.values() if b.binding.show}
        assert "backspace" in footer_keys
        await pilot.press("backspace")
        await wait_until(pilot, lambda: "beside.pem" in shown(), "the parent folder's files")
        assert Path(tree.path).resolve() == tmp_path.resolve()
        # The cursor is on the folder it came from: the same key pair goes back into it.
        await wait_until(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data is not None
                     and tree.cursor_node.data.path.resolve() == inner.resolve(), "the cursor on inner")
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: shown() == ["a.pem"], "the first folder again")
        assert Path(tree.path).resolve() == inner.resolve()
