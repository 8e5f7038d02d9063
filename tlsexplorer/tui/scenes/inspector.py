"""Scenes of the Inspector: the samples with the course-style certificate's lint, and the DER view."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import TabbedContent, Tree

from tlsexplorer.tui.scenes import Scene, settle
from tlsexplorer.tui.widgets.virtual_table import VirtualTable


async def _open_on_course_certificate(pilot: Pilot[Any]) -> Any:
    await pilot.press("f4")
    await settle(pilot)
    screen: Any = pilot.app.screen
    index = next(
        i
        for i, row in enumerate(screen.rows)
        if row.obj is not None and screen.files[row.file].label.endswith("alice-course-style.pem")
    )
    screen.query_one("#insp-objects", VirtualTable).move_cursor(row=index, animate=False)
    await settle(pilot)
    return screen


async def _inspector(pilot: Pilot[Any]) -> None:
    await _open_on_course_certificate(pilot)


async def _inspector_der(pilot: Pilot[Any]) -> None:
    screen = await _open_on_course_certificate(pilot)
    screen.query_one("#insp-right", TabbedContent).active = "tab-der"
    await settle(pilot)
    tree = screen.query_one("#insp-der-tree", Tree)
    tree.focus()
    # tbsCertificate > serialNumber: the node whose bytes light up in the hex below.
    tree.move_cursor_to_line(4, animate=False)
    await settle(pilot)


SCENES = [
    Scene(
        "inspector",
        "Inspector: the built-in samples, the course-style certificate and why strict Python rejects it",
        _inspector,
    ),
    Scene(
        "inspector-der",
        "Inspector: the DER tree of a certificate; the chosen node's bytes are highlighted in the hex dump",
        _inspector_der,
    ),
]
