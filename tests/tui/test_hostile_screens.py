"""Issue 15 on screen: a certificate whose fields cannot all be read never takes the app down,
and a worker's failure of any kind reaches the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import hostile as h
from tests.tui.conftest import open_explorer, widget_text
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.payloads import CheckSignature
from tlsexplorer.tui.screens.inspector import InspectorScreen
from tlsexplorer.tui.widgets.virtual_table import VirtualTable


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Recent files go to a temporary folder."""
    monkeypatch.setenv("TLSEXPLORER_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def _hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "bad-utf8.pem").write_bytes(h.pem_of(h.bad_utf8_cn_cert()))
    (folder / "md2.pem").write_bytes(h.pem_of(h.md2_cert()))
    (folder / "root.pem").write_bytes(h.pem_of(h.der(h.root())))
    return folder


async def _settle(app: TlsExplorerApp, pilot: Any) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_folder_holding_undecodable_certificates_is_swept(tmp_path: Path) -> None:
    app = TlsExplorerApp(now=h.NOW, open_paths=[str(_hostile_folder(tmp_path))])
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, InspectorScreen)
        assert screen.report is not None  # not "sweeping..." forever
        assert any("not valid UTF-8" in f.message for f in screen.report.flags)


async def test_a_failing_sweep_is_said_on_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tlsexplorer.tui.screens.inspector as inspector

    def broken(*_args: object) -> None:
        raise ValueError("a bug of ours")

    monkeypatch.setattr(inspector, "sweep", broken)
    notes: list[str] = []
    app = TlsExplorerApp(now=h.NOW, open_paths=[str(_hostile_folder(tmp_path))])
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, InspectorScreen) and app.is_running
        notes = [str(n.message) for n in app._notifications]
        assert any("could not sweep: a bug of ours" in n for n in notes), notes


async def test_v_on_an_undecodable_certificate_keeps_the_app(tmp_path: Path) -> None:
    app = TlsExplorerApp(now=h.NOW, open_paths=[str(_hostile_folder(tmp_path))])
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, InspectorScreen)
        index = next(
            i for i, r in enumerate(screen.rows)
            if r.obj is not None and screen.files[r.file].label.endswith("bad-utf8.pem")
        )
        table = screen.query_one("#insp-objects", VirtualTable)
        table.move_cursor(row=index, animate=False)
        table.focus()
        await pilot.pause()
        await pilot.press("v")
        await _settle(app, pilot)
        assert app.is_running


async def test_the_rsa_screen_checks_an_undecodable_certificate() -> None:
    app = TlsExplorerApp(now=h.NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_explorer(pilot, "rsa")
        app.open_explorer("rsa", CheckSignature(h.pem_of(h.bad_utf8_cn_cert()), h.pem_of(h.der(h.root()))))
        await _settle(app, pilot)
        out = widget_text(app.screen, "#real-out")
        assert "not valid UTF-8" in out and "signature valid (by hand)" in out


async def test_a_failing_signature_check_is_said_on_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    import tlsexplorer.tui.screens.rsa as rsa_screen

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("a bug of ours")

    monkeypatch.setattr(rsa_screen, "check_certificate_signature", broken)
    app = TlsExplorerApp(now=h.NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_explorer(pilot, "rsa")
        app.open_explorer("rsa", CheckSignature(h.pem_of(h.der(h.leaf())), h.pem_of(h.der(h.root()))))
        await _settle(app, pilot)
        assert "a bug of ours" in widget_text(app.screen, "#real-error")
