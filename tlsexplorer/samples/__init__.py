"""Built-in sample material: a small PKI made by ``scripts/make_samples.py``.

The app opens on these files so a person has real things to look at before
bringing their own. :func:`manifest` says what each file is and, for the one
encrypted key, its passphrase (shown on screen on purpose: it is a sample).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent
"""The folder holding the sample files."""

SAMPLE_NOW = dt.datetime(2026, 6, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
"""The fixed "now" used by screenshots and snapshots so they never change."""


@dataclass(frozen=True)
class Sample:
    """One sample file and what it is."""

    file: str
    """File name inside :data:`SAMPLES_DIR`."""
    kind: str
    """certificate, bundle, private_key, certificate_request or crl."""
    description: str
    """One sentence on what it is and why it is here."""
    password: str | None
    """The passphrase of an encrypted key (None when not encrypted)."""

    @property
    def path(self) -> Path:
        """The sample's absolute path."""
        return SAMPLES_DIR / self.file


def manifest() -> list[Sample]:
    """Every sample, in a teaching order (root first)."""
    data = json.loads((SAMPLES_DIR / "manifest.json").read_text(encoding="utf-8"))
    return [Sample(**entry) for entry in data["files"]]


def sample(file: str) -> Sample:
    """The sample named ``file``.

    Raises:
        KeyError: no such sample.
    """
    for item in manifest():
        if item.file == file:
            return item
    raise KeyError(file)


def sample_path(file: str) -> Path:
    """The absolute path of the sample named ``file``."""
    return sample(file).path


__all__ = ["SAMPLES_DIR", "SAMPLE_NOW", "Sample", "manifest", "sample", "sample_path"]
