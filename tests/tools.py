"""Command-line tools the cross-check tests run (openssl), found once.

``needs_openssl`` skips a test on a machine without the ``openssl`` command and says so; CI sets
``TLSX_REQUIRE_TOOLS=1`` (``.ci/run``), and then the test runs anyway and fails on the missing tool
instead of skipping: a cross-check against OpenSSL is never silently dropped there. ``needs_tshark``
does the same for tshark (Wireshark's command line), with ``TLSX_REQUIRE_TSHARK`` (``.ci/run`` sets it
where tshark could be installed).
"""

from __future__ import annotations

import os
import shutil

import pytest

OPENSSL = shutil.which("openssl")
"""The openssl command, or None."""

needs_openssl = pytest.mark.skipif(
    OPENSSL is None and not os.environ.get("TLSX_REQUIRE_TOOLS"),
    reason="the openssl command is not installed (CI sets TLSX_REQUIRE_TOOLS, and then this fails instead)",
)
"""Mark a test that runs openssl."""

TSHARK = shutil.which("tshark")
"""The tshark command, or None."""

needs_tshark = pytest.mark.skipif(
    TSHARK is None and not os.environ.get("TLSX_REQUIRE_TSHARK"),
    reason="tshark is not installed (CI sets TLSX_REQUIRE_TSHARK, and then this fails instead)",
)
"""Mark a test that runs tshark."""
