"""The Wire tab's "Open capture": a pcap or pcapng from disk, each TLS connection decrypted."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from tests.tls_support import alice_server_context, handshake_in_memory, recording_client_context
from tests.tui.conftest import open_explorer, sent_by_ctrl_o_and_ctrl_l, wait_for_workers, widget_text
from tlsexplorer.core.tls.capture import write_pcapng
from tlsexplorer.core.tls.records import Exchange, Segment
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.payloads import OpenPem, VerifyChain
from tlsexplorer.tui.scenes._tls_capture_keyed import recorded_exchange_with_keylog
from tlsexplorer.tui.screens.tls import TlsScreen

SECRET = "fluffy-tail-42"


def _lab_capture(tmp_path: Path, *, secrets: bool = True) -> Path:
    """The lab's recorded exchange as a pcapng (its key log in a Decryption Secrets Block, or none)."""
    exchange = recorded_exchange_with_keylog()
    path = tmp_path / ("lab.pcapng" if secrets else "bare.pcapng")
    path.write_bytes(write_pcapng(exchange, exchange.keylog if secrets else ""))
    (tmp_path / "lab.keylog").write_text(exchange.keylog)
    return path


def _other_connection(tmp_path: Path) -> Exchange:
    """A second TLS connection, made by OpenSSL in memory; its key log is written but not embedded."""
    client, server = handshake_in_memory(recording_client_context(tmp_path / "other.keylog"),
                                         alice_server_context(), request=b"GET /other HTTP/1.1\r\n\r\n")
    return Exchange((Segment("client", client), Segment("server", server)))


async def _open(pilot: Pilot[Any], capture: Path | str, keylog: Path | str = "") -> TlsScreen:
    """Open the lab, go to the Wire tab with its key, fill its inputs and press Enter."""
    screen = await open_explorer(pilot, "tls")
    await pilot.press("ctrl+f")
    await pilot.pause()
    assert screen.query_one("#tabs").active == "tab-wire"  # type: ignore[attr-defined]
    path = screen.query_one("#capture-path", Input)
    assert path.has_focus
    screen.query_one("#capture-keylog", Input).value = str(keylog)
    path.value = str(capture)
    await pilot.press("enter")
    await wait_for_workers(pilot)
    return screen


async def test_open_capture_shows_the_decrypted_request_and_the_secret(tmp_path: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, _lab_capture(tmp_path))
        view = widget_text(screen, "#wire-view")
        for name in ("server_handshake #0", "encrypted_extensions", "client_application #0",
                     "GET / HTTP/1.1", "the secret, decrypted", SECRET, "Decryption Secrets Block"):
            assert name in view, name
        assert "CLIENT_HANDSHAKE_TRAFFIC_SECRET" in widget_text(screen, "#wire-hellos")
        assert not screen.query_one("#capture-connection", Select).display  # one connection: no chooser

        opened = await sent_by_ctrl_o_and_ctrl_l(pilot)
    (inspector, pem), (chain, verify) = opened
    assert inspector == "inspector" and isinstance(pem, OpenPem) and pem.data.count(b"BEGIN CERTIFICATE") == 2
    assert chain == "chain" and isinstance(verify, VerifyChain) and b"BEGIN CERTIFICATE" in verify.leaf


async def test_a_key_log_file_opens_a_capture_without_secrets(tmp_path: Path) -> None:
    bare = _lab_capture(tmp_path, secrets=False)
    async with TlsExplorerApp(now=SAMPLE_NOW).run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, bare)
        view = widget_text(screen, "#wire-view")
        assert "no line for this connection's client random" in view and "GET / HTTP/1.1" not in view
        assert "no key log" in view
        screen.query_one("#capture-keylog", Input).value = str(tmp_path / "lab.keylog")
        screen.query_one("#open-capture").press()
        await wait_for_workers(pilot)
        view = widget_text(screen, "#wire-view")
        assert "GET / HTTP/1.1" in view and SECRET in view and "no line for" not in view


async def test_two_connections_give_a_chooser_and_the_keyless_one_says_which_line_is_missing(
    tmp_path: Path,
) -> None:
    capture = tmp_path / "two.pcapng"
    capture.write_bytes(_lab_capture(tmp_path).read_bytes()
                        + write_pcapng(_other_connection(tmp_path), "", client_port=50001))
    async with TlsExplorerApp(now=SAMPLE_NOW).run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, capture)
        chooser = screen.query_one("#capture-connection", Select)
        assert chooser.display and chooser.value == 0
        assert "GET / HTTP/1.1" in widget_text(screen, "#wire-view")
        chooser.value = 1
        await wait_for_workers(pilot)
        view = widget_text(screen, "#wire-view")
        assert "127.0.0.1:50001" in view and "GET /other" not in view
        missing = re.findall(r"no line for this connection's client random ([0-9a-f]{16})", view)
        assert len(missing) == 1 and missing[0] in (tmp_path / "other.keylog").read_text()
        assert screen.connection is None or not screen.connection.keys_found


async def test_a_wrong_key_log_says_so_once(tmp_path: Path) -> None:
    bare = _lab_capture(tmp_path, secrets=False)
    wrong = tmp_path / "wrong.keylog"
    lines = (tmp_path / "lab.keylog").read_text().splitlines()
    # The right lines, each secret replaced by one of the same length: every record fails its tag.
    wrong.write_text("".join(f"{line.rsplit(' ', 1)[0]} {'5a' * (len(line.rsplit(' ', 1)[1]) // 2)}\n"
                             for line in lines))
    async with TlsExplorerApp(now=SAMPLE_NOW).run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, bare, wrong)
        view = widget_text(screen, "#wire-view")
        # Said once per direction (as tls decrypt says it), never once per record.
        assert view.count("authentication tag") == 2, view
        assert view.count("do not open the client's records") == 1, view
        assert "do not open" in view and "the secret, decrypted" not in view and "GET /" not in view


@pytest.mark.parametrize("case", ["junk", "missing", "keylog-missing", "cut", "too-big", "empty", "not-tls"])
async def test_every_failure_is_one_message(tmp_path: Path, case: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    capture: Path | str = _lab_capture(tmp_path)
    keylog: Path | str = ""
    expected = {"junk": "not a capture file", "missing": "missing.pcap", "keylog-missing": "nokeys.log",
                "cut": "the capture is cut off", "too-big": "limit", "empty": "pcap or pcapng",
                "not-tls": "no TLS connection in the capture"}[case]
    if case == "junk":
        capture = tmp_path / "junk.pcap"
        capture.write_bytes(b"not a capture at all")
    elif case == "missing":
        capture = tmp_path / "missing.pcap"
    elif case == "keylog-missing":
        keylog = tmp_path / "nokeys.log"
    elif case == "cut":
        capture = tmp_path / "cut.pcapng"
        capture.write_bytes(_lab_capture(tmp_path).read_bytes()[:-200])
    elif case == "not-tls":
        capture = tmp_path / "http.pcapng"
        plain = Exchange((Segment("client", b"GET / HTTP/1.1\r\n\r\n"),
                          Segment("server", b"HTTP/1.1 200 OK\r\n\r\n")))
        capture.write_bytes(write_pcapng(plain, server_port=80))
    elif case == "too-big":
        monkeypatch.setattr("tlsexplorer.core.tls.capture.MAX_CAPTURE_BYTES", 1000)
    else:
        capture = ""
    async with TlsExplorerApp(now=SAMPLE_NOW).run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, capture, keylog)
        view = widget_text(screen, "#wire-view")
        assert expected in view and view.count(expected) == 1, view
        assert "Traceback" not in view and screen.is_attached
        if case not in ("cut", "not-tls"):
            assert view.strip().startswith("✗") and len(view.strip().splitlines()) <= 3, view


async def test_open_capture_is_a_key_and_a_palette_entry(tmp_path: Path) -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        titles = [command.title for command in app.get_system_commands(screen)]
        assert "TLS lab: Open capture" in titles
        assert any(b.binding.action == "open_capture" and b.binding.key == "ctrl+f"
                   for b in screen.active_bindings.values())
