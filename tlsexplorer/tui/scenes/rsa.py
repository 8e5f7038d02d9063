"""Scenes of the RSA explorer."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tlsexplorer.tui.scenes import Scene, settle


async def _worked_example(pilot: Pilot[Any]) -> None:
    """The Wikipedia example walked to step 7: d by the extended Euclidean algorithm."""
    await pilot.press("f3")
    await settle(pilot)
    for _ in range(6):
        await pilot.press("ctrl+n")
    await settle(pilot)


async def _signature(pilot: Pilot[Any]) -> None:
    """alice.example.net's signature checked by hand with the intermediate's key."""
    from tlsexplorer.tui.screens.rsa import RsaScreen

    await pilot.press("f3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RsaScreen)
    screen.show_tab("real")
    await settle(pilot)
    await pilot.click("#sample-sig")
    await settle(pilot)


SCENES = [
    Scene("rsa", "RSA: the Wikipedia example walked step by step, at d = e^-1 mod phi", _worked_example),
    Scene("rsa-signature", "RSA: a real certificate's PKCS#1 v1.5 signature checked by hand", _signature),
]
