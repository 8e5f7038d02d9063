"""crl: ``tlsexplorer verify LEAF --ca ROOT --crl BIG.crl --crl-check leaf`` with a 200,000-entry
CRL (the leaf not in it) against ``openssl verify -crl_check -CRLfile BIG.crl -CAfile ROOT LEAF`` on
the same files in the same run.

The CRL's entries are written as DER by hand and the list signed once (the library's builder adds
entries one at a time, too slow for 200,000): about a second. The files are kept in the temporary
folder (``tlsx-bench-crl-der-<entries>``) and reused by later runs.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from functools import partial
from pathlib import Path

from benchmarks.common import PYTHON, Comparison, alternate, time_process

ENTRIES = 200_000
HOST = "crl-bench.example.net"


def _tlv(tag: int, value: bytes) -> bytes:
    from tlsexplorer.core.der import encode_tlv

    return encode_tlv(tag, value)


def make_files(folder: Path, entries: int = ENTRIES) -> tuple[Path, Path, Path]:
    """Write leaf.pem, root.pem and big.crl (DER, ``entries`` serials, none of them the leaf's)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from tlsexplorer.core.ca.build import CertificateSpec, build_name, issue_certificate, parse_san

    leaf_path, root_path, crl_path = folder / "leaf.pem", folder / "root.pem", folder / "big.crl"
    if leaf_path.exists() and root_path.exists() and crl_path.exists():
        return leaf_path, root_path, crl_path
    folder.mkdir(parents=True, exist_ok=True)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    end = dt.datetime(2035, 1, 1, tzinfo=dt.timezone.utc)
    root_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    root = issue_certificate(
        CertificateSpec(build_name("CRL Bench Root"), "root", start, end), root_key.public_key(), root_key
    )
    leaf = issue_certificate(
        CertificateSpec(build_name(HOST), "server", start, end, sans=(parse_san(HOST),)),
        leaf_key.public_key(), root_key, root,
    )
    # A tiny CRL made by the library gives the TBS fields around the list: version, signature
    # algorithm, issuer, thisUpdate, nextUpdate, extensions. The list goes in between.
    small = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(start)
        .next_update(end)
        .add_extension(x509.CRLNumber(1), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    from tlsexplorer.core.der import children, read_tlv

    tbs = small.tbs_certlist_bytes
    _, body, tbs_end = read_tlv(tbs, 0)
    parts = [tbs[tlv:stop] for _, tlv, _, stop in children(tbs, body, tbs_end)]
    date = _tlv(0x17, b"250601000000Z")
    leaf_serial = leaf.serial_number
    listed = bytearray()
    for n in range(entries):
        serial = 0x1000000 + n * 7
        if serial == leaf_serial:
            continue
        value = serial.to_bytes((serial.bit_length() + 8) // 8, "big")
        listed += _tlv(0x30, _tlv(0x02, value) + date)
    revoked = _tlv(0x30, bytes(listed))
    # parts: version, signature, issuer, thisUpdate, nextUpdate, [0] extensions
    new_tbs = _tlv(0x30, b"".join(parts[:5]) + revoked + b"".join(parts[5:]))
    signature = root_key.sign(new_tbs, ec.ECDSA(hashes.SHA256()))
    algorithm = parts[1]
    crl_der = _tlv(0x30, new_tbs + algorithm + _tlv(0x03, b"\x00" + signature))
    crl = x509.load_der_x509_crl(crl_der)
    assert crl.is_signature_valid(root_key.public_key()) and len(crl) == entries
    crl_path.write_bytes(crl_der)  # DER, as CRLs are published at distribution points
    pem = serialization.Encoding.PEM
    root_path.write_bytes(root.public_bytes(pem))
    leaf_path.write_bytes(leaf.public_bytes(pem))
    return leaf_path, root_path, crl_path


def run(runs: int = 9) -> list[Comparison]:
    """Alternate ``runs`` revocation checks by tlsexplorer and by openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return []
    folder = Path(tempfile.gettempdir()) / f"tlsx-bench-crl-der-{ENTRIES}"
    leaf, root, crl = make_files(folder)
    ours = [PYTHON, "-m", "tlsexplorer", "verify", str(leaf), "--ca", str(root), "--crl", str(crl),
            "--crl-check", "leaf", "--host", HOST]
    reference = [openssl, "verify", "-crl_check", "-CRLfile", str(crl), "-CAfile", str(root), str(leaf)]
    a, b = alternate(partial(time_process, ours), partial(time_process, reference), runs)
    return [Comparison("crl", a, b, "openssl verify -crl_check -CRLfile BIG.crl -CAfile ROOT", target=1.0)]
