"""startup: process start until Home is mounted and idle, against a bare Textual app."""

from __future__ import annotations

from functools import partial

from benchmarks.common import PYTHON, ROOT, Comparison, alternate, time_process

PROBE = str(ROOT / "benchmarks" / "startup_probe.py")


def run(runs: int = 15) -> list[Comparison]:
    """Alternate ``runs`` starts of tlsexplorer and of the bare app."""
    ours, bare = alternate(
        partial(time_process, [PYTHON, PROBE, "tlsexplorer"]),
        partial(time_process, [PYTHON, PROBE, "bare"]),
        runs,
    )
    return [Comparison("startup", ours, bare, "bare Textual app", target=1.15)]
