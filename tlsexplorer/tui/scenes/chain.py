"""Scenes of the Chain screen."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Tree

from tlsexplorer.tui.scenes import Scene, settle


async def _chain(pilot: Pilot[Any]) -> None:
    """The demonstration: a full chain whose leaf expired, the leaf's checklist open."""
    await pilot.press("f5")
    await settle(pilot)
    pilot.app.screen.query_one("#tree", Tree).focus()
    await settle(pilot)


SCENES = [
    Scene(
        "chain",
        "Chain: an expired leaf's chain from leaf to root, every check of the leaf with its fix",
        _chain,
    )
]
