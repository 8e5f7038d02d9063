"""Command-line tools the cross-check tests run (openssl, curl, ss, tshark), found once.

``needs_openssl`` skips a test on a machine without the ``openssl`` command and says so; CI sets
``TLSX_REQUIRE_TOOLS=1`` (``.ci/run``, which installs curl and ss), and then the test runs anyway and
fails on the missing tool instead of skipping: a cross-check is never silently dropped there. The same
holds for ``needs_curl``, ``needs_ss`` and ``needs_proc`` (Linux's /proc, which CI's machine has).
``needs_tshark`` does the same for tshark (Wireshark's command line), with ``TLSX_REQUIRE_TSHARK``
(``.ci/run`` sets it where tshark could be installed).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

OPENSSL = shutil.which("openssl")
"""The openssl command, or None."""

CURL = shutil.which("curl")
"""The curl command, or None."""


def needs(missing: bool, what: str, require: str = "TLSX_REQUIRE_TOOLS") -> pytest.MarkDecorator:
    """Skip when ``missing`` (saying ``what`` is not there), unless the ``require`` variable is set (CI):
    then the test runs and fails on what is missing."""
    return pytest.mark.skipif(
        missing and not os.environ.get(require),
        reason=f"{what} (CI sets {require}, and then this fails instead)",
    )


needs_openssl = needs(OPENSSL is None, "the openssl command is not installed")
"""Mark a test that runs openssl."""
needs_curl = needs(CURL is None, "the curl command is not installed")
"""Mark a test that runs curl."""
needs_ss = needs(shutil.which("ss") is None, "the ss command (iproute2) is not installed")
"""Mark a test that runs ss."""
needs_proc = needs(not Path("/proc/net/tcp").exists(), "no Linux /proc here")
"""Mark a test that reads Linux's /proc."""

TSHARK = shutil.which("tshark")
"""The tshark command, or None."""

needs_tshark = needs(TSHARK is None, "tshark is not installed", "TLSX_REQUIRE_TSHARK")
"""Mark a test that runs tshark."""
