"""serve: HTTPS requests per second, ``tlsexplorer tls serve`` against ``openssl s_server -www``.

Both servers run on 127.0.0.1 with the same certificate, chain and key (the built-in
alice.example.net sample) in the same run. The same load client (benchmarks/serve_client.py,
its own process) sends 2,000 GETs, each on a new connection with a full handshake and
certificate verification, 50 at a time, alternately to each server. The numbers are
requests per second (higher is better); any failed request counts as an error, and the
target is none for tlsexplorer.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass

from benchmarks.common import PYTHON, ROOT, Comparison, free_port, wait_listening

SAMPLES = ROOT / "tlsexplorer" / "samples"
CLIENT = str(ROOT / "benchmarks" / "serve_client.py")
REQUESTS = 2000
CONCURRENCY = 50


@dataclass(frozen=True)
class ServeComparison(Comparison):
    """Requests per second, plus the failed requests of each side."""

    errors: int = 0
    """Failed requests against tlsexplorer over all runs (target: 0)."""
    reference_errors: int = 0
    """Failed requests against the reference over all runs."""

    @property
    def ok(self) -> bool:
        """The rate target is met and tlsexplorer failed no request."""
        return super().ok and self.errors == 0

    def report(self) -> str:
        """The rate line, then the errors."""
        return (f"{super().report()}; errors: tlsexplorer {self.errors}, "
                f"{self.reference_name} {self.reference_errors} (target 0)")





def _load(port: int, requests: int) -> tuple[float, int]:
    """Requests per second and errors of one client run."""
    done = subprocess.run(
        [PYTHON, CLIENT, str(port), str(requests), str(CONCURRENCY), str(SAMPLES / "charlies-root-ca.pem")],
        capture_output=True, text=True, check=True, timeout=600,
    )
    result = json.loads(done.stdout)
    return result["ok"] / result["seconds"], int(result["errors"])


def run(runs: int = 3, requests: int = REQUESTS) -> list[Comparison]:
    """Alternate ``runs`` load runs against each server (after one short warm-up each)."""
    ours_port, ref_port = free_port(), free_port()
    ours = subprocess.Popen(
        [PYTHON, "-m", "tlsexplorer", "tls", "serve", "--port", str(ours_port),
         "--cert", str(SAMPLES / "alice.example.net.fullchain.pem"),
         "--key", str(SAMPLES / "alice.example.net.key.pem")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )
    reference = subprocess.Popen(
        ["openssl", "s_server", "-accept", f"127.0.0.1:{ref_port}", "-www", "-quiet",
         "-cert", str(SAMPLES / "alice.example.net.pem"), "-key", str(SAMPLES / "alice.example.net.key.pem"),
         "-cert_chain", str(SAMPLES / "charlies-intermediate-ca.pem")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_listening(ours_port, ours)
        wait_listening(ref_port, reference)
        _load(ours_port, 100)
        _load(ref_port, 100)
        rates: dict[str, list[float]] = {"ours": [], "ref": []}
        errors = {"ours": 0, "ref": 0}
        for i in range(runs):
            order = [("ours", ours_port), ("ref", ref_port)]
            for side, port in order if i % 2 == 0 else reversed(order):
                rate, failed = _load(port, requests)
                rates[side].append(rate)
                errors[side] += failed
    finally:
        for process in (ours, reference):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
    return [ServeComparison(
        f"serve ({requests:,} HTTPS requests, full handshakes, {CONCURRENCY} at a time)",
        rates["ours"], rates["ref"], "openssl s_server -www", target=1.0, higher_is_better=True,
        errors=errors["ours"], reference_errors=errors["ref"],
    )]
