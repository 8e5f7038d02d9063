"""Scenes of the Symmetric explorer."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tlsexplorer.tui.scenes import Scene, settle


async def _anatomy(pilot: Pilot[Any]) -> None:
    """F2, then the demo token (the spec's key, fixed IV, the app's fixed clock): its anatomy."""
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("ctrl+l")
    await settle(pilot)


SCENES = [
    Scene(
        "symmetric",
        "Symmetric: a Fernet token's anatomy as a coloured hex map, its fields and every check",
        _anatomy,
    )
]
