"""Scene of the TLS lab's Handshake tab: a recorded TLS 1.3 handshake walked to CertificateVerify."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from tlsexplorer.tui.scenes import Scene, settle


async def _handshake(pilot: Pilot[Any]) -> None:
    """F7, Handshake tab, the recorded walk (fixed bytes) on its CertificateVerify step, numbers in hex."""
    from tlsexplorer.tui.scenes._handshake_capture import replayed_walk
    from tlsexplorer.tui.screens.tls import TlsScreen
    from tlsexplorer.tui.screens.tls_handshake import HandshakeTab

    await pilot.press("f7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TlsScreen)
    screen.show_tab("tab-handshake", "#hs-steps")
    tab = screen.query_one(HandshakeTab)
    walk = replayed_walk(screen.host.now())
    tab.show_walk(walk)
    names = [step.name for step in walk.steps]
    screen.query_one("#hs-steps", DataTable).move_cursor(row=names.index("certificate_verify"))
    await settle(pilot)


SCENES = [
    Scene("tls-handshake", "TLS lab: the TLS 1.3 handshake by hand, CertificateVerify checked with RSA-PSS",
          _handshake),
]
