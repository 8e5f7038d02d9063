"""Fixtures shared by every test folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tlsexplorer.samples import SAMPLE_NOW, SAMPLES_DIR

ROOT = Path(__file__).resolve().parent.parent
"""The repository root."""

SHARED_DATA = ROOT.parent / "shared" / "data"
"""Public test data beside the project (read in place, never copied)."""


@pytest.fixture
def samples_dir() -> Path:
    """The built-in samples folder."""
    return SAMPLES_DIR


@pytest.fixture
def sample_now() -> dt.datetime:
    """The fixed "now" the samples, screenshots and snapshots use."""
    return SAMPLE_NOW


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or a skip that says why when it is not there."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_DATA}")
    return SHARED_DATA
