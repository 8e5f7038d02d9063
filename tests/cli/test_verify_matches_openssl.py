"""The "openssl equivalent" line that ``verify`` prints gives openssl's same verdict.

Each case runs ``tlsexplorer verify --json``, then runs the ``openssl_command``
it printed, exactly as shown, and checks openssl accepts exactly when we do.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import warnings
from pathlib import Path

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from tests.cli.support import run_cli
from tests.tools import OPENSSL, needs_openssl
from tlsexplorer.samples import SAMPLES_DIR

pytestmark = needs_openssl

AT = "2026-06-01T12:00:00Z"
ROOT = SAMPLES_DIR / "charlies-root-ca.pem"
INTER = SAMPLES_DIR / "charlies-intermediate-ca.pem"
LEAF = SAMPLES_DIR / "alice.example.net.pem"
FULLCHAIN = SAMPLES_DIR / "alice.example.net.fullchain.pem"


def der(path: Path, out: Path) -> str:
    out.write_bytes(x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(Encoding.DER))
    return str(out)


def verdicts(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[bool, bool, str]:
    """(our verdict, openssl's verdict on the command we showed, that command)."""
    code, out, err = run_cli(capsys, "verify", *args, "--at", AT, "--json")
    assert code in (0, 1), err
    doc = json.loads(out)
    command = doc["openssl_command"]
    assert OPENSSL is not None
    argv = [OPENSSL, *shlex.split(command)[1:]]
    result = subprocess.run(argv, capture_output=True, timeout=60)
    assert b"Error loading" not in result.stderr and b"Could not read" not in result.stderr, (
        f"openssl cannot read the files of: {command}\n{result.stderr.decode()}"
    )
    return doc["valid"], result.returncode == 0, command


def cases(tmp_path: Path) -> dict[str, tuple[list[str], bool]]:
    """name: (verify arguments, expected verdict)."""
    anchors = tmp_path / "anchors"
    anchors.mkdir()
    shutil.copy(ROOT, anchors / "root.pem")
    (anchors / "notes.txt").write_text("not a certificate, and not read\n")
    # A root every system trusts, from certifi's bundle: not an anchor given here.
    with warnings.catch_warnings():  # a few old roots have a zero serial
        warnings.simplefilter("ignore")
        bundle = x509.load_pem_x509_certificates(Path(certifi.where()).read_bytes())
    system_root = next(cert for cert in bundle if cert.serial_number > 0)
    (tmp_path / "system-root.pem").write_bytes(system_root.public_bytes(Encoding.PEM))
    return {
        "fullchain": ([str(FULLCHAIN), "--ca", str(ROOT), "--host", "localhost"], True),
        "separate files": (
            [str(LEAF), "--chain", str(INTER), "--ca", str(ROOT), "--host", "alice.example.net"], True
        ),
        "DER everywhere": ([der(LEAF, tmp_path / "leaf.der"), "--chain", der(INTER, tmp_path / "inter.der"),
                            "--ca", der(ROOT, tmp_path / "root.der"), "--host", "localhost"], True),
        "folder of anchors": ([str(FULLCHAIN), "--ca", str(anchors), "--host", "localhost"], True),
        "wrong host": ([str(FULLCHAIN), "--ca", str(ROOT), "--host", "evil.example"], False),
        "expired": ([str(SAMPLES_DIR / "expired.pem"), "--chain", str(INTER), "--ca", str(ROOT),
                     "--host", "old.example.net"], False),
        "course style, no AKI": ([str(SAMPLES_DIR / "alice-course-style.pem"), "--chain", str(INTER),
                                  "--ca", str(ROOT), "--host", "localhost"], False),
        "missing intermediate": ([str(LEAF), "--ca", str(ROOT), "--host", "localhost"], False),
        # -CAfile would also trust the system's CA folder and say OK here.
        "a system root, anchors of our own": ([str(tmp_path / "system-root.pem"), "--ca", str(ROOT)], False),
        "system roots only": ([str(FULLCHAIN), "--system-roots", "--host", "localhost"], False),
    }


def test_openssl_agrees_with_every_verdict(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    disagreements = []
    for name, (args, expected) in cases(tmp_path).items():
        ours, theirs, command = verdicts(capsys, *args)
        assert ours is expected, name
        if theirs is not ours:
            disagreements.append(f"{name}: we say {ours}, openssl says {theirs}: {command}")
    assert not disagreements, "\n".join(disagreements)


def test_folders_are_given_to_openssl_as_their_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors"
    anchors.mkdir()
    shutil.copy(ROOT, anchors / "root.pem")
    (anchors / "notes.txt").write_text("not a certificate\n")
    ours, theirs, command = verdicts(capsys, str(FULLCHAIN), "--ca", str(anchors))
    assert ours and theirs
    assert f"-trusted {anchors / 'root.pem'}" in command
    assert "notes.txt" not in command and f"-trusted {anchors} " not in command
