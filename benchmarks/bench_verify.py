"""verify: a leaf against a 10,000-certificate pool of intermediates plus the
system roots, ``tlsexplorer verify`` against ``openssl verify -untrusted POOL
-CAfile ROOTS`` on the same files in the same run.

The pool is generated here (once per run): one real intermediate hidden among
9,999 other CA certificates, all signed by a fresh root that is appended to
the system's trust bundle.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from functools import partial
from pathlib import Path

from benchmarks.common import PYTHON, Comparison, alternate, time_process

POOL_SIZE = 10_000
HOST = "bench.example.net"


def make_files(folder: Path, pool_size: int = POOL_SIZE) -> tuple[Path, Path, Path]:
    """Write leaf.pem, pool.pem and roots.pem into ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from tlsexplorer.core.ca.build import CertificateSpec, build_name, issue_certificate, parse_san
    from tlsexplorer.core.chain.trust import system_trust

    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    end = dt.datetime(2035, 1, 1, tzinfo=dt.timezone.utc)
    root_key = ec.generate_private_key(ec.SECP256R1())
    inter_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    decoy_key = ec.generate_private_key(ec.SECP256R1())
    root = issue_certificate(
        CertificateSpec(build_name("Bench Root"), "root", start, end), root_key.public_key(), root_key
    )
    inter = issue_certificate(
        CertificateSpec(build_name("Bench Intermediate"), "intermediate", start, end),
        inter_key.public_key(),
        root_key,
        root,
    )
    leaf = issue_certificate(
        CertificateSpec(build_name(HOST), "server", start, end, sans=(parse_san(HOST),)),
        leaf_key.public_key(),
        inter_key,
        inter,
    )
    # The decoys: plain CA certificates with their own names, built directly (fast).
    basic = x509.BasicConstraints(ca=True, path_length=None)
    usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    ski = x509.SubjectKeyIdentifier.from_public_key(decoy_key.public_key())
    pem = serialization.Encoding.PEM
    pool_parts: list[bytes] = []
    for n in range(pool_size - 1):
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Bench Pool CA {n:05d}")]))
            .issuer_name(root.subject)
            .public_key(decoy_key.public_key())
            .serial_number(n + 1000)
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(basic, critical=True)
            .add_extension(usage, critical=True)
            .add_extension(ski, critical=False)
            .sign(root_key, hashes.SHA256())
        )
        pool_parts.append(cert.public_bytes(pem))
        if n == pool_size // 2:
            pool_parts.append(inter.public_bytes(pem))
    leaf_path, pool_path, roots_path = folder / "leaf.pem", folder / "pool.pem", folder / "roots.pem"
    leaf_path.write_bytes(leaf.public_bytes(pem))
    pool_path.write_bytes(b"".join(pool_parts))
    system = Path(system_trust().path).read_bytes() if system_trust().path else b""
    roots_path.write_bytes(system + root.public_bytes(pem))
    return leaf_path, pool_path, roots_path


def run(runs: int = 9) -> list[Comparison]:
    """Alternate ``runs`` verifications by tlsexplorer and by openssl."""
    openssl = shutil.which("openssl")
    with tempfile.TemporaryDirectory(prefix="tlsx-bench-verify-") as tmp:
        leaf, pool, roots = make_files(Path(tmp))
        ours = [
            PYTHON,
            "-m",
            "tlsexplorer",
            "verify",
            str(leaf),
            "--chain",
            str(pool),
            "--ca",
            str(roots),
            "--host",
            HOST,
            "--json",
        ]
        if openssl is None:
            return []
        reference = [openssl, "verify", "-untrusted", str(pool), "-CAfile", str(roots), str(leaf)]
        a, b = alternate(partial(time_process, ours), partial(time_process, reference), runs)
    return [Comparison("verify", a, b, "openssl verify -untrusted POOL -CAfile ROOTS", target=1.0)]
