"""Scenes of the TLS lab: the bytes on the wire, and the scenario board."""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from tlsexplorer.tui.scenes import Scene, settle


async def _wire(pilot: Pilot[Any]) -> None:
    """F7, Wire tab, a TLS 1.3 exchange recorded once (fixed bytes): records and the hellos."""
    from tlsexplorer.core.tls.records import analyse_exchange
    from tlsexplorer.tui.scenes._tls_capture import recorded_exchange
    from tlsexplorer.tui.screens.tls import TlsScreen

    await pilot.press("f7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TlsScreen)
    screen.show_tab("tab-wire", "#record-tls")
    screen.show_wire(analyse_exchange(recorded_exchange()))
    await settle(pilot)


async def _wire_decrypted(pilot: Pilot[Any]) -> None:
    """F7, Wire tab, a TLS 1.3 exchange recorded once with its key log: every record decrypted."""
    from tlsexplorer.core.tls.decrypt import decrypt_exchange
    from tlsexplorer.core.tls.records import analyse_exchange
    from tlsexplorer.tui.scenes._tls_capture_keyed import recorded_exchange_with_keylog
    from tlsexplorer.tui.screens.tls import TlsScreen

    await pilot.press("f7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TlsScreen)
    screen.show_tab("tab-wire", "#record-tls")
    exchange = recorded_exchange_with_keylog()
    screen.show_wire(analyse_exchange(exchange), None, decrypt_exchange(exchange))
    await settle(pilot)


async def _board(pilot: Pilot[Any]) -> None:
    """F7, Scenarios tab, every scenario played for real; ports shown as 8443 so the picture is stable."""
    from tlsexplorer.core.tls.scenarios import commands_for, run_scenarios
    from tlsexplorer.tui.screens.tls import TlsScreen

    await pilot.press("f7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TlsScreen)
    screen.show_tab("tab-scenarios", "#board")
    with tempfile.TemporaryDirectory(prefix="tlsexplorer-scene-") as workdir:
        results = await asyncio.to_thread(run_scenarios, Path(workdir), now=screen._now())
    for result in results:
        port = 8443 if result.port else 0
        commands = commands_for(result.scenario.id, 8443)
        screen.show_scenario_result(dataclasses.replace(result, port=port, commands=commands, probe=None))
    board = screen.query_one("#board", DataTable)
    board.focus()
    board.move_cursor(row=0)
    await settle(pilot)


SCENES = [
    Scene("tls", "TLS lab: a TLS 1.3 exchange as a sniffer sees it (records, SNI, offered suites)", _wire),
    Scene("tls-wire-decrypted", "TLS lab: the same exchange decrypted with the client's key log: "
          "each record named with its key, sequence number and nonce; the key schedule", _wire_decrypted),
    Scene("tls-scenarios", "TLS lab: the course's trust scenarios, results, reasons, commands", _board),
]
