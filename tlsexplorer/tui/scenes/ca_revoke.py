"""Scene of the CA workbench's Revoke tab.

The scene's demo CA (:mod:`tlsexplorer.tui.scenes.ca`: fixed key, fixed
serial, a private temporary folder) issues three server certificates with
sample keys and fixed serials; then, through the tab as a person would, one
is revoked for keyCompromise and a CRL is published. Every date is the app's
fixed clock. The OCSP responder is not started: its port changes run to run.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tlsexplorer.tui.scenes import Scene, settle
from tlsexplorer.tui.scenes.ca import CA_FOLDER, _sample_key, make_demo_ca, private_workdir

#: (name, serial, sample key) of the certificates the scene's CA issued.
ISSUED = (
    ("www.example.net", 0x1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D, "bob.example.net.key.pem"),
    ("mail.example.net", 0x2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E, "alice.example.net.key.pem"),
    ("old.example.net", 0x3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F, "bob.example.net.key.pem"),
)


async def _revoke(pilot: Pilot[Any]) -> None:
    """One certificate of three revoked for keyCompromise, and a CRL published."""
    from textual.widgets import Input, Select, TabbedContent

    import tlsexplorer.core.ca.store as ca_store
    from tlsexplorer.tui.screens.ca import CaScreen
    from tlsexplorer.tui.screens.ca_revoke import RevokeTab
    from tlsexplorer.tui.widgets.virtual_table import VirtualTable

    await pilot.press("f6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CaScreen)
    for field in screen.query(Input):  # a blinking cursor is drawn or not by the clock: not in a picture
        field.cursor_blink = False
    now = screen.host.now()
    screen.workdir = private_workdir()
    folder = make_demo_ca(now, screen.workdir)
    issuer = ca_store.load_ca(folder)
    for name, serial, key in ISSUED:
        request = ca_store.LeafRequest(name=name, sans=(name,), serial=serial)
        ca_store.save(ca_store.build_leaf(issuer, request, now, _sample_key(key)))
    screen.query_one("#folder", Input).value = CA_FOLDER
    screen.query_one("#ca-result", TabbedContent).active = "tab-revoke"
    await settle(pilot)
    tab = screen.query_one(RevokeTab)
    tab.query_one("#rv-table", VirtualTable).move_cursor(row=2)
    tab.query_one("#rv-reason", Select).value = "keyCompromise"
    tab.query_one("#rv-table", VirtualTable).focus()
    await pilot.press("ctrl+r")
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)


SCENES = [
    Scene(
        "ca-revoke",
        "CA workbench, Revoke tab: three certificates, one revoked for keyCompromise, a CRL published",
        _revoke,
    )
]
