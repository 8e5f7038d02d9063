"""Scenes of the Home screen."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tlsexplorer.tui.scenes import Scene, settle


async def _home(pilot: Pilot[Any]) -> None:
    await settle(pilot)


SCENES = [Scene("home", "Home: what the app is and a card per explorer", _home)]
