"""Scenes of the CA workbench.

Deterministic on purpose: the CA is made from a built-in sample key with a
fixed serial, the leaf's key is another sample key, and every date comes from
``app.now()``. Private: each run makes its CA in a temporary folder of its own
(removed when the process ends), and the screen works in that folder, so the
paths shown are ``demo-ca/...`` whatever TMPDIR is and concurrent runs never
share files.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tlsexplorer.tui.scenes import Scene, settle

CA_FOLDER = "demo-ca"
"""The scene's CA folder, relative to its private working folder (as typed in the form)."""


def private_workdir() -> Path:
    """A new temporary folder for one run of the scene, removed when the process ends."""
    workdir = Path(tempfile.mkdtemp(prefix="tlsexplorer-scene-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    return workdir


def _sample_key(name: str) -> Any:
    from cryptography.hazmat.primitives import serialization

    from tlsexplorer.samples import sample_path

    return serialization.load_pem_private_key(sample_path(name).read_bytes(), None)


def make_demo_ca(now: Any, workdir: Path) -> Path:
    """Make the scene's root CA (fixed key, fixed serial) in ``workdir`` and return its folder."""
    import tlsexplorer.core.ca.store as ca_store
    folder = workdir / CA_FOLDER
    serial = 0x3D2F6A1B9C0E4F7A8B5C6D1E2F3A4B5C6D7E8F90
    request = ca_store.CaRequest(cn="tlsexplorer demo CA", o="tlsexplorer", serial=serial)
    key = _sample_key("charlies-intermediate-ca.key.pem")
    ca_store.save(ca_store.build_root(folder, request, now, key))
    return folder


async def _ca(pilot: Pilot[Any]) -> None:
    """A server certificate for localhost and 127.0.0.1 just issued and written."""
    from textual.widgets import Input

    from tlsexplorer.tui.screens.ca import CaScreen

    await pilot.press("f6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CaScreen)
    for field in screen.query(Input):  # a blinking cursor is drawn or not by the clock: not in a picture
        field.cursor_blink = False
    screen.workdir = private_workdir()
    make_demo_ca(screen.host.now(), screen.workdir)
    leaf_key = _sample_key("bob.example.net.key.pem")
    screen.key_source = lambda _key_type: leaf_key
    screen.serial = 0x5F3A9C0E7D21B6480A9F3CE1D27B5A6C08E4F913
    screen.query_one("#folder", Input).value = CA_FOLDER
    screen.query_one("#name", Input).value = "localhost"
    screen.query_one("#org", Input).value = "Alice's Web Shop"
    screen.query_one("#sans", Input).value = "127.0.0.1, ::1"
    await pilot.press("ctrl+s")
    await settle(pilot)
    for _ in range(200):  # key generation runs in a worker; on a busy machine it takes a while
        if screen.last is not None:
            break
        await pilot.pause(0.05)
    await settle(pilot)


SCENES = [
    Scene(
        "ca",
        "CA workbench: a server certificate for localhost and 127.0.0.1, every extension, the files written",
        _ca,
    )
]
