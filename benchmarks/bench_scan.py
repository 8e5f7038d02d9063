"""scan: ``tlsexplorer tls scan`` against sslyze, on the same loopback ``openssl s_server``, same run.

sslyze runs ``--tlsv1_2 --tlsv1_3 --elliptic_curves`` (the suites of TLS 1.2 and
1.3, and the groups); tlsexplorer runs its whole scan (every version from SSL
3.0 to TLS 1.3, every suite, every group, ALPN, resumption, the grade), both
as processes with their start-up included, alternately. sslyze is installed
in a venv of its own, made the first time under ~/.cache/tlsexplorer-bench
(``pip install sslyze``), so it never touches the project's environment.
Target: ratio at most 1.0.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.common import PYTHON, ROOT, Comparison, alternate, free_port, time_process, wait_listening

SAMPLES = ROOT / "tlsexplorer" / "samples"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tlsexplorer-bench"
VENV = CACHE / "sslyze-venv"


def sslyze_python() -> Path:
    """The Python of the benchmark's own sslyze venv, made (and sslyze installed) the first time."""
    python = VENV / "bin" / "python"
    done = python.exists() and subprocess.run([str(python), "-c", "import sslyze"],
                                              capture_output=True).returncode == 0
    if not done:
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "sslyze"], check=True, timeout=900)
    return python


def run(runs: int = 5) -> list[Comparison]:
    """Alternate ``runs`` scans of one s_server by each tool (after a warm-up each)."""
    sslyze = sslyze_python()
    port = free_port()
    server = subprocess.Popen(
        ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-www", "-quiet",
         "-cert", str(SAMPLES / "alice.example.net.pem"), "-key", str(SAMPLES / "alice.example.net.key.pem"),
         "-cert_chain", str(SAMPLES / "charlies-intermediate-ca.pem")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    target = f"127.0.0.1:{port}"
    try:
        wait_listening(port, server)
        ours, reference = alternate(
            lambda: time_process([PYTHON, "-m", "tlsexplorer", "tls", "scan", target, "--json"], cwd=ROOT),
            lambda: time_process([str(sslyze), "-m", "sslyze", "--tlsv1_2", "--tlsv1_3", "--elliptic_curves",
                                  target]),
            runs,
        )
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
    return [Comparison("scan (loopback openssl s_server; tlsexplorer's whole scan against sslyze's TLS 1.2, "
                       "1.3 suites and groups)", ours, reference,
                       "sslyze --tlsv1_2 --tlsv1_3 --elliptic_curves", target=1.0)]
