"""Recent files: the paths a person opened in the Inspector, newest first.

Stored as JSON in the state folder: ``$TLSEXPLORER_STATE_DIR`` when set (tests
and screenshots point it at a temporary folder), else
``$XDG_STATE_HOME/tlsexplorer``, else ``~/.local/state/tlsexplorer``. Only
paths are stored, never file contents. A missing or damaged list is an empty
list.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.files import FileToWrite, write_files

#: How many paths are kept.
MAX_RECENT = 20
FILE_NAME = "recent.json"
#: Prefix of the temporary folder holding what ``tlsexplorer open -`` read from a pipe
#: (removed when the TUI exits, so never remembered).
STDIN_FOLDER_PREFIX = "tlsexplorer-stdin-"


def state_dir() -> Path:
    """The folder holding tlsexplorer's state."""
    explicit = os.environ.get("TLSEXPLORER_STATE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "state"
    return base / "tlsexplorer"


def load_recent(limit: int = MAX_RECENT) -> list[Path]:
    """The recent paths, newest first (those that no longer exist are kept: they may come back)."""
    try:
        data = json.loads((state_dir() / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    return [Path(p) for p in data if isinstance(p, str)][:limit]


def add_recent(paths: list[Path]) -> list[Path]:
    """Put ``paths`` at the top of the list and save it; returns the new list.

    Saving is best effort: a read-only home must not stop the Inspector.
    """
    current = load_recent()
    fresh = [p.resolve() for p in paths if not p.parent.name.startswith(STDIN_FOLDER_PREFIX)]
    merged = fresh + [p for p in current if p not in fresh]
    merged = merged[:MAX_RECENT]
    payload = json.dumps([str(p) for p in merged], indent=1).encode()
    with contextlib.suppress(TlsxError, OSError):
        write_files([FileToWrite(state_dir() / FILE_NAME, payload, kind="recent files")], force=True)
    return merged


__all__ = ["MAX_RECENT", "STDIN_FOLDER_PREFIX", "add_recent", "load_recent", "state_dir"]
