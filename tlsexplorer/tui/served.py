"""What changes when the app is served to a browser (``tlsexplorer web``): keys and downloads.

**Keys.** A browser keeps some keys for itself before the page sees them (ctrl+w closes the tab,
ctrl+t and ctrl+n open one, ctrl+q quits Firefox on Linux, ctrl+pageup/pagedown switch tabs) and
others often (F1 help, F5 reload, F6 the address bar, F11 full screen, F12 the developer tools).
:data:`ALTERNATIVES` gives each such key the app binds an alt+ key that reaches the app; when
served, the app reads the alternative as the original key and the footer and help show the
alternative. This table is the one place: bindings stay as they are everywhere else.

**Downloads.** Files the app writes land on the serving machine. :func:`deliver_files` sends
them to the browser with Textual's ``deliver_binary`` (one file as itself, several as a zip).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from textual.app import App

from tlsexplorer.core.files import read_file

BROWSER_KEPT: frozenset[str] = frozenset({
    "f1", "f3", "f5", "f6", "f7", "f10", "f11", "f12",
    "ctrl+n", "ctrl+t", "ctrl+w", "ctrl+q", "ctrl+tab", "ctrl+pageup", "ctrl+pagedown",
})
"""Keys a browser takes (always, or unless the page wins a race it does not always win)."""

ALTERNATIVES: dict[str, str] = {
    "f1": "alt+k",  # keys: help
    "f3": "alt+r",  # RSA
    "f5": "alt+c",  # Chain
    "f6": "alt+a",  # CA workbench
    "f7": "alt+l",  # TLS lab
    "f10": "alt+u",  # the course
    "f12": "alt+h",  # the course's coach panel
    "ctrl+n": "alt+n",
    "ctrl+t": "alt+t",
    "ctrl+q": "alt+q",
    "ctrl+pagedown": "alt+pagedown",
    "ctrl+pageup": "alt+pageup",
}
"""The key a browser keeps -> the key that stands for it when served. Every browser-kept key the
app binds has one (tests/tui/test_served.py checks it against every screen's bindings)."""

ORIGINALS: dict[str, str] = {alternative: key for key, alternative in ALTERNATIVES.items()}
"""The alternative key -> the key it stands for."""


def original_key(key: str) -> str | None:
    """The browser-kept key that ``key`` stands for when served, or None."""
    return ORIGINALS.get(key)


def alternative_key(key: str) -> str | None:
    """The key that stands for ``key`` when served, or None when the browser leaves ``key`` alone."""
    return ALTERNATIVES.get(key)


def key_name(key: str, display: str, *, served: bool) -> str:
    """How a sentence names ``key``: ``display`` (``F1``) in a terminal, its alternative when served."""
    alternative = ALTERNATIVES.get(key) if served else None
    return alternative or display


MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
"""Largest download (all files together): what the app reads of its own files to send them."""


def deliver_files(app: App[object], paths: Sequence[Path], archive_name: str) -> str:
    """Send files from the serving machine to the browser; say what was sent.

    One file is delivered as itself; several as ``archive_name.zip`` (names made unique), so the
    browser asks once. Reads are bounded (:data:`MAX_DOWNLOAD_BYTES`).

    Raises:
        TlsxError: a file cannot be read or is too large.
    """
    if not paths:
        raise ValueError("nothing to deliver")
    if len(paths) == 1:
        data = read_file(paths[0], MAX_DOWNLOAD_BYTES)
        app.deliver_binary(io.BytesIO(data), save_filename=paths[0].name)
        return paths[0].name
    buffer = io.BytesIO()
    used: set[str] = set()
    budget = MAX_DOWNLOAD_BYTES
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            data = read_file(path, budget)
            budget -= len(data)
            name, count = path.name, 1
            while name in used:
                count += 1
                name = f"{path.stem}-{count}{path.suffix}"
            used.add(name)
            archive.writestr(name, data)
    buffer.seek(0)
    filename = f"{archive_name}.zip"
    app.deliver_binary(buffer, save_filename=filename, mime_type="application/zip")
    return f"{filename} ({len(paths)} files)"


__all__ = [
    "ALTERNATIVES",
    "BROWSER_KEPT",
    "MAX_DOWNLOAD_BYTES",
    "ORIGINALS",
    "alternative_key",
    "deliver_files",
    "key_name",
    "original_key",
]
