"""The Wire tab's "Save capture": the recording as a pcapng (key log inside) and its key log, 0600,
opened by tshark; never replaced without asking; sent to the browser when served."""

from __future__ import annotations

import io
import shlex
import stat
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input

from tests.tools import needs_tshark
from tests.tui.conftest import (
    open_explorer,
    served_app_keeping_deliveries,
    shown_on_screen,
    wait_for_workers,
    widget_text,
)
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.tls import TlsScreen
from tlsexplorer.tui.widgets.confirm import ConfirmOverwrite
from tlsexplorer.tui.widgets.footer import KeyFooter

SIZE = (120, 40)
PCAP, KEYLOG = "tlsexplorer-wire.pcapng", "tlsexplorer-wire.keylog"


def _footer(app: TlsExplorerApp) -> str:
    return shown_on_screen(app, app.screen.query_one(KeyFooter).region)[0]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def _record(pilot: Pilot[Any], screen: TlsScreen) -> None:
    await pilot.press("ctrl+t")
    await wait_for_workers(pilot)
    assert screen.exchange is not None and screen.exchange.keylog


async def _save(pilot: Pilot[Any], folder: Path | None = None) -> None:
    """ctrl+g, with ``folder`` typed in the Wire tab's field first (None: left empty)."""
    if folder is not None:
        pilot.app.screen.query_one("#save-folder", Input).value = str(folder)
    await pilot.press("ctrl+g")
    await wait_for_workers(pilot)


def _tshark(*args: str | Path) -> str:
    return subprocess.run(["tshark", *map(str, args)], capture_output=True, text=True, timeout=120,
                          check=True).stdout


@needs_tshark
async def test_save_writes_what_tshark_decrypts_into_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    delivered: list[object] = []
    app = TlsExplorerApp(now=SAMPLE_NOW)
    app.deliver_binary = lambda *a, **k: delivered.append(a) or "key"  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "tls")
        assert "Save capture" not in _footer(app) and not screen.query_one("#save-panel").display
        await _record(pilot, screen)
        assert "^g Save capture" in _footer(app)
        await _save(pilot)  # the folder field left empty: the current directory
        shown = widget_text(screen, "#save-result", width=1000)
        request = widget_text(screen, "#wire-view", width=1000)
        keylog_sent = screen.exchange.keylog if screen.exchange else ""
    pcap, keylog = tmp_path / PCAP, tmp_path / KEYLOG
    assert _mode(pcap) == 0o600 and _mode(keylog) == 0o600
    assert keylog.read_text() == keylog_sent
    assert delivered == []  # in a terminal the files are already where the learner is
    assert f"wireshark {pcap}" in shown and "A key log decrypts" in shown and "127.0.0.1" in shown

    # tshark decrypts the pcapng on its own and finds the request the screen showed.
    line = _tshark("-r", pcap, "-Y", "http.request", "-T", "fields", "-e", "http.request.method",
                   "-e", "http.request.uri", "-e", "http.request.version").split()
    assert len(line) == 3 and " ".join(line) in request
    # The tshark command the screen shows runs as it is.
    command = next(part for part in shown.splitlines() if "tshark -r" in part).split("or: ", 1)[1]
    assert shlex.split(command)[3:5] == ["-o", f"tls.keylog_file:{keylog}"]
    assert " ".join(line) in subprocess.run(shlex.split(command), capture_output=True, text=True,
                                            timeout=120, check=True).stdout
    # The key log file alone opens the same bytes without the embedded secrets (a classic pcap has none).
    bare = tmp_path / "bare.pcap"
    _tshark("-r", pcap, "-F", "pcap", "-w", bare)
    assert _tshark("-r", bare, "-Y", "http.request") == ""
    assert line[0] in _tshark("-r", bare, "-o", f"tls.keylog_file:{keylog}", "-Y", "http.request")


async def test_a_second_save_asks_and_no_keeps_the_first_files(tmp_path: Path) -> None:
    folder = tmp_path / "kept"
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "tls")
        await _record(pilot, screen)
        await _save(pilot, folder)
        first = {name: (folder / name).read_bytes() for name in (PCAP, KEYLOG)}
        await _record(pilot, screen)  # a new exchange, new keys
        assert screen.exchange is not None and screen.exchange.keylog.encode() != first[KEYLOG]
        await _save(pilot, folder)
        assert isinstance(app.screen, ConfirmOverwrite) and set(app.screen.paths) == {folder / PCAP,
                                                                                      folder / KEYLOG}
        await pilot.press("n")
        await wait_for_workers(pilot)
        assert {name: (folder / name).read_bytes() for name in (PCAP, KEYLOG)} == first
        assert "nothing was written" in widget_text(screen, "#save-result")
        await _save(pilot, folder)
        await pilot.press("y")
        await wait_for_workers(pilot)
        assert (folder / KEYLOG).read_text() == screen.exchange.keylog
        assert (folder / PCAP).read_bytes() != first[PCAP]
        assert "saved" in widget_text(screen, "#save-result")
    assert _mode(folder / PCAP) == 0o600 and _mode(folder / KEYLOG) == 0o600


async def test_plain_http_saves_the_capture_alone_and_an_opened_one_is_not_offered(tmp_path: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-wire", "#record-plain")
        screen.query_one("#record-plain", Button).press()
        await wait_for_workers(pilot)
        screen.query_one("#save-folder", Input).value = str(tmp_path)
        screen.query_one("#save-capture", Button).press()
        await wait_for_workers(pilot)
        assert sorted(p.name for p in tmp_path.iterdir()) == [PCAP]
        assert "plain HTTP" in widget_text(screen, "#save-result")
        # An opened capture is already a file: nothing to save, and the key leaves the footer.
        screen.query_one("#capture-path", Input).value = str(tmp_path / PCAP)
        await pilot.press("ctrl+f")
        await wait_for_workers(pilot)
        assert screen.exchange is None and not screen.query_one("#save-panel").display
        assert "Save capture" not in _footer(app)


async def test_served_the_save_sends_both_files_to_the_browser(tmp_path: Path) -> None:
    app, delivered = served_app_keeping_deliveries()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "tls")
        await pilot.press("alt+t")  # ctrl+t (Wire), which a browser keeps
        await wait_for_workers(pilot)
        assert screen.exchange is not None
        await _save(pilot, tmp_path)
    (data, options), = delivered
    assert options["save_filename"] == "tlsexplorer-wire.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == {
            name: (tmp_path / name).read_bytes() for name in (PCAP, KEYLOG)
        }
