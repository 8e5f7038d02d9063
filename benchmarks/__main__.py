"""Run benchmarks: ``python -m benchmarks [NAME ...] [--runs N]``.

Child processes run with a bytecode cache (see common.bytecode_cache).
Every module ``benchmarks/bench_<name>.py`` defines ``run(runs: int) ->
list[Comparison]``; this runner finds them, runs them and prints one line per
comparison. Exit status 1 when a target was missed.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import tempfile
from pathlib import Path

from benchmarks.common import bytecode_cache

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    """Names of every benchmark module, sorted (startup first)."""
    names = [m.name.removeprefix("bench_") for m in pkgutil.iter_modules([str(HERE)])
             if m.name.startswith("bench_")]
    return sorted(names, key=lambda n: (n != "startup", n))


def main() -> int:
    """Parse arguments, run the chosen benchmarks, print the results."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "names", nargs="*", help=f"benchmarks to run (default: all): {', '.join(available())}"
    )
    parser.add_argument(
        "--runs", type=int, default=None, help="runs per side (default: each benchmark's own)"
    )
    args = parser.parse_args()
    names = args.names or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    missed = False
    with tempfile.TemporaryDirectory(prefix="tlsx-bench-pycache-") as cache, bytecode_cache(Path(cache)):
        for name in names:
            module = importlib.import_module(f"benchmarks.bench_{name}")
            kwargs = {"runs": args.runs} if args.runs else {}
            for comparison in module.run(**kwargs):
                print(comparison.report(), flush=True)
                missed |= not comparison.ok
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
