"""bundle: a 10,000-certificate PEM bundle, from the command line and in the Inspector.

Three measurements on one bundle generated here (one P-256 key signs 10,000
leaf certificates carrying SAN, basic constraints, key usage, EKU, SKI and
AKI, so generation takes about a second):

- ``tlsexplorer inspect --json`` against ``openssl storeutl -noout -text
  -certs`` on the same file, alternated (target: median ratio <= 1.0);
- peak memory (maximum resident set) of ``inspect --json`` (target: under
  300 MiB);
- seconds until the Inspector lists the bundle, headless (target: under 1.5 s).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from benchmarks.common import PYTHON, ROOT, Comparison, alternate, time_process

COUNT = 10_000
PROBE = str(ROOT / "benchmarks" / "inspector_probe.py")
MEMORY_BUDGET_MIB = 300.0
LIST_BUDGET_S = 1.5


@dataclass(frozen=True)
class Budget(Comparison):
    """A measurement against a fixed budget rather than a reference program."""

    unit: str = "s"
    """Unit of the numbers (``s`` or ``MiB``)."""

    def report(self) -> str:
        """One line: median, budget, verdict."""
        median = statistics.median(self.ours)
        budget = statistics.median(self.reference)
        verdict = "OK" if self.ok else "MISSED"
        return f"{self.name}: {median:.3f} {self.unit} (budget {budget:g} {self.unit}: {verdict})"


def make_bundle(path: Path, count: int = COUNT) -> None:
    """Write ``count`` realistic leaf certificates signed by one key into ``path``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench CA")])
    ski = x509.SubjectKeyIdentifier.from_public_key(public)
    aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    usage = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
    with path.open("wb") as out:
        for i in range(count):
            host = f"host{i}.example.net"
            cert = (
                x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
                .issuer_name(issuer)
                .public_key(public)
                .serial_number(i + 1)
                .not_valid_before(start)
                .not_valid_after(start + dt.timedelta(days=90))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
                .add_extension(usage, True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
                .add_extension(ski, False)
                .add_extension(aki, False)
                .sign(key, hashes.SHA256())
            )
            out.write(cert.public_bytes(serialization.Encoding.PEM))


def peak_mib(argv: list[str]) -> float:
    """Maximum resident set of one process run, in MiB (stdout discarded)."""
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise RuntimeError(f"{argv} exited with status {status}")
    return usage.ru_maxrss / 1024  # Linux reports KiB


def list_seconds(bundle: Path, state: Path) -> float:
    """Seconds until the Inspector lists the bundle (a fresh headless app each time)."""
    env = dict(os.environ, TLSEXPLORER_STATE_DIR=str(state))
    out = subprocess.run([PYTHON, PROBE, str(bundle)], check=True, capture_output=True, text=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def run(runs: int = 7) -> list[Comparison]:
    """Generate the bundle, then measure all three."""
    openssl = shutil.which("openssl")
    tlsx = [PYTHON, "-m", "tlsexplorer"]
    with tempfile.TemporaryDirectory(prefix="tlsx-bundle-") as tmp:
        bundle = Path(tmp) / "bundle.pem"
        make_bundle(bundle)
        results: list[Comparison] = []
        if openssl:
            ours, reference = alternate(
                partial(time_process, [*tlsx, "inspect", "--json", str(bundle)]),
                partial(time_process, [openssl, "storeutl", "-noout", "-text", "-certs", str(bundle)]),
                runs,
            )
            results.append(
                Comparison(
                    "bundle inspect --json (10,000 certs)",
                    ours,
                    reference,
                    "openssl storeutl -noout -text -certs",
                    target=1.0,
                )
            )
        memory = [peak_mib([*tlsx, "inspect", "--json", str(bundle)]) for _ in range(3)]
        results.append(
            Budget(
                "bundle inspect --json peak memory", memory, [MEMORY_BUDGET_MIB], "budget", 1.0, unit="MiB"
            )
        )
        listing = [list_seconds(bundle, Path(tmp) / "state") for _ in range(max(3, runs // 2))]
        results.append(
            Budget("bundle listed by the Inspector (headless)", listing, [LIST_BUDGET_S], "budget", 1.0)
        )
        return results
