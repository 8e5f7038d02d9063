"""What every benchmark shares: alternating timed runs and a median ratio.

Each benchmark compares tlsexplorer with a reference measured in the same
run, alternating the two so that machine noise hits both alike.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass(frozen=True)
class Comparison:
    """The outcome of one side-by-side measurement."""

    name: str
    """What was measured."""
    ours: list[float]
    """Seconds per run for tlsexplorer."""
    reference: list[float]
    """Seconds per run for the reference."""
    reference_name: str
    """What the reference is."""
    target: float | None
    """Largest acceptable median ratio (ours / reference); None: for information."""
    higher_is_better: bool = False
    """True when the numbers are rates (requests per second) instead of times."""

    @property
    def ratio(self) -> float:
        """Median of ours divided by median of the reference."""
        return statistics.median(self.ours) / statistics.median(self.reference)

    @property
    def ok(self) -> bool:
        """Whether the target is met (always True without a target)."""
        if self.target is None:
            return True
        return self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target

    def report(self) -> str:
        """One line: medians, ratio, target and verdict."""
        unit = "/s" if self.higher_is_better else " s"
        line = (
            f"{self.name}: tlsexplorer median {statistics.median(self.ours):.4f}{unit}, "
            f"{self.reference_name} median {statistics.median(self.reference):.4f}{unit}, "
            f"ratio {self.ratio:.2f}"
        )
        if self.target is not None:
            sign = ">=" if self.higher_is_better else "<="
            line += f" (target {sign} {self.target}: {'OK' if self.ok else 'MISSED'})"
        return line


def alternate(
    ours: Callable[[], float], reference: Callable[[], float], runs: int, warmup: int = 1
) -> tuple[list[float], list[float]]:
    """Run both measurements alternately, ``runs`` times each after a warm-up."""
    for _ in range(warmup):
        ours()
        reference()
    a: list[float] = []
    b: list[float] = []
    for i in range(runs):
        if i % 2 == 0:
            a.append(ours())
            b.append(reference())
        else:
            b.append(reference())
            a.append(ours())
    return a, b


def time_process(argv: Sequence[str], *, stdin: bytes | None = None, cwd: Path | None = None) -> float:
    """Wall-clock seconds of one process run (it must exit 0)."""
    start = time.perf_counter()
    subprocess.run(argv, input=stdin, check=True, cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    return time.perf_counter() - start


@contextlib.contextmanager
def bytecode_cache(prefix: Path) -> Iterator[None]:
    """Turn Python's bytecode cache on for child processes, kept under ``prefix``.

    After ``pip install`` every package is compiled, ours included. Where
    PYTHONDONTWRITEBYTECODE is set (as on this machine), an editable
    tlsexplorer would be compiled from source on every run while the
    libraries it is compared with are cached; this gives both sides a cache,
    in a temporary folder so nothing is written into the tree.
    """
    names = ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(prefix)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


__all__ = ["PYTHON", "ROOT", "Comparison", "alternate", "bytecode_cache", "time_process"]


def free_port() -> int:
    """A port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Wait until ``process`` listens on 127.0.0.1:``port``.

    Raises:
        RuntimeError: it exited first, or nothing listened within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")
