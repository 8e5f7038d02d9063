"""Finding a headless Chromium for the browser tests (issues 19 and 20).

``.ci/run`` installs Debian's chromium-headless-shell (and libnss3-tools, for
``certutil``) with apt and sets ``TLSX_REQUIRE_BROWSER=1``; then a missing
browser fails the test with the reason instead of skipping it. On a developer
machine without a browser the tests skip and say why.
"""

from __future__ import annotations

import os
import shutil

import pytest

CANDIDATES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")
"""Executables tried in order; TLSX_CHROMIUM names another one."""

HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
"""Flags every test launch uses. The machine has no internet: without the
background-networking flags Chromium keeps trying Google's hosts."""


def chromium_path() -> str:
    """The headless Chromium to run, or a skip (a failure when CI requires one)."""
    named = os.environ.get("TLSX_CHROMIUM")
    for candidate in ((named,) if named else CANDIDATES):
        found = shutil.which(candidate)
        if found:
            return found
    _missing("no headless Chromium found (tried " + ", ".join(CANDIDATES) + ")")
    raise AssertionError("unreachable")


def certutil_path() -> str:
    """NSS's certutil (Debian's libnss3-tools), or a skip / failure as for the browser."""
    found = shutil.which("certutil")
    if found:
        return found
    _missing("certutil not found (Debian package libnss3-tools)")
    raise AssertionError("unreachable")


def _missing(reason: str) -> None:
    if os.environ.get("TLSX_REQUIRE_BROWSER"):
        pytest.fail(f"TLSX_REQUIRE_BROWSER is set but {reason}; .ci/run installs it with apt")
    pytest.skip(f"{reason}; CI sets TLSX_REQUIRE_BROWSER and then this fails instead")
