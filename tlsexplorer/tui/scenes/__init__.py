"""Scenes: named app states shared by the screenshot command and snapshot tests.

Each module in this package defines ``SCENES``, a list of :class:`Scene`. A
scene's ``run_before`` drives the app with a Pilot from Home to the state to
capture. The app is always built with ``now=SAMPLE_NOW`` so pictures never
change with the clock.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual.pilot import Pilot

from tlsexplorer.samples import SAMPLE_NOW

RunBefore = Callable[[Pilot[Any]], Awaitable[None]]

#: Terminal size of every screenshot and snapshot.
SCENE_SIZE = (120, 40)


@dataclass(frozen=True)
class Scene:
    """One state of the app worth a picture."""

    name: str
    """File stem of the screenshot (``home`` gives screenshots/home.svg)."""
    description: str
    """What the picture shows."""
    run_before: RunBefore
    """Pilot script from Home to the state."""
    size: tuple[int, int] = SCENE_SIZE
    """Terminal size (columns, rows)."""


def make_app() -> Any:
    """The app as scenes use it: real samples, fixed clock."""
    from tlsexplorer.tui.app import TlsExplorerApp

    return TlsExplorerApp(now=SAMPLE_NOW)


def all_scenes() -> list[Scene]:
    """Every scene of every module in this package, Home first."""
    scenes: list[Scene] = []
    names = sorted(m.name for m in pkgutil.iter_modules(__path__))
    names.sort(key=lambda name: name != "home")
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        scenes.extend(getattr(module, "SCENES", []))
    return scenes


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until workers are done and the screen has refreshed."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    # A clicked Button looks pressed ("-active") until a short timer ends; a
    # picture taken before or after it would differ from run to run.
    for _ in range(40):
        if not pilot.app.screen.query("Button.-active"):
            break
        await pilot.pause(0.05)


__all__ = ["SCENE_SIZE", "RunBefore", "Scene", "all_scenes", "make_app", "settle"]
