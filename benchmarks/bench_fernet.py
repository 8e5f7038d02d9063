"""fernet: CLI encrypt then decrypt of a 20 MB file, against the cryptography library in a bare script.

Both sides are two processes (encrypt, then decrypt) reading a file on stdin
and writing to a file, so start-up, imports and I/O count alike. Both run with
Python's bytecode cache on, as after a normal install (the runner's
common.bytecode_cache).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.common import PYTHON, Comparison, alternate

SIZE = 20 * 1024 * 1024
KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="

BARE = """
import sys
from cryptography.fernet import Fernet
f = Fernet(sys.argv[2].encode())
data = sys.stdin.buffer.read()
if sys.argv[1] == "encrypt":
    sys.stdout.buffer.write(f.encrypt(data) + b"\\n")
else:
    sys.stdout.buffer.write(f.decrypt(data))
"""


def _pipe(argv: list[str], source: Path, target: Path, env: dict[str, str]) -> None:
    with source.open("rb") as stdin, target.open("wb") as stdout:
        subprocess.run(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, check=True, env=env)


def _round_trip(
    encrypt: list[str], decrypt: list[str], folder: Path, plain: Path, env: dict[str, str]
) -> float:
    token, back = folder / "token", folder / "back"
    start = time.perf_counter()
    _pipe(encrypt, plain, token, env)
    _pipe(decrypt, token, back, env)
    elapsed = time.perf_counter() - start
    if back.stat().st_size != SIZE:
        raise RuntimeError(f"round trip gave {back.stat().st_size} bytes, not {SIZE}")
    return elapsed


def run(runs: int = 9) -> list[Comparison]:
    """Alternate ``runs`` round trips through the CLI and through the bare script."""
    with tempfile.TemporaryDirectory(prefix="bench-fernet-") as tmp:
        folder = Path(tmp)
        plain = folder / "plain.bin"
        plain.write_bytes(os.urandom(SIZE))
        bare = folder / "bare.py"
        bare.write_text(BARE)
        ours_dir, ref_dir = folder / "ours", folder / "ref"
        ours_dir.mkdir()
        ref_dir.mkdir()
        env = dict(os.environ)
        script = Path(PYTHON).parent / "tlsexplorer"
        cli = [str(script), "fernet"] if script.exists() else [PYTHON, "-m", "tlsexplorer", "fernet"]
        ours, reference = alternate(
            lambda: _round_trip([*cli, "encrypt", "--key", KEY, "-"], [*cli, "decrypt", "--key", KEY, "-"],
                                ours_dir, plain, env),
            lambda: _round_trip([PYTHON, str(bare), "encrypt", KEY], [PYTHON, str(bare), "decrypt", KEY],
                                ref_dir, plain, env),
            runs,
        )
    return [Comparison("fernet", ours, reference, "cryptography in a bare script", target=1.3)]
