"""A CA folder under real processes: concurrent writers, kill -9 half-way, a loose umask."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.cli.support import run_cli
from tlsexplorer.core import files
from tlsexplorer.core.files import CRASH_HOOK_ENV

Cap = pytest.CaptureFixture[str]


def tlsexplorer(*args: str, crash_at: str | None = None) -> subprocess.Popen[str]:
    """Start ``tlsexplorer ARGS`` in its own process (optionally killed at a named write step)."""
    env = dict(os.environ)
    env.pop(CRASH_HOOK_ENV, None)
    if crash_at is not None:
        env[CRASH_HOOK_ENV] = crash_at
    return subprocess.Popen([sys.executable, "-m", "tlsexplorer", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


@pytest.fixture
def ca_dir(tmp_path: Path, capsys: Cap) -> Path:
    folder = tmp_path / "myca"
    assert run_cli(capsys, "ca", "init", str(folder), "--cn", "Folder Root", "--key-type", "p256")[0] == 0
    return folder


def assert_issued_whole(ca_dir: Path, name: str) -> None:
    """NAME's certificate, key and full chain are there, belong together, and nothing else is."""
    issued = ca_dir / "issued"
    assert sorted(p.name for p in issued.iterdir()) == sorted(
        [f"{name}.pem", f"{name}.key.pem", f"{name}.fullchain.pem"])
    cert = x509.load_pem_x509_certificate((issued / f"{name}.pem").read_bytes())
    key = serialization.load_pem_private_key((issued / f"{name}.key.pem").read_bytes(), None)
    assert key.public_key() == cert.public_key()
    assert x509.load_pem_x509_certificates((issued / f"{name}.fullchain.pem").read_bytes())[0] == cert
    assert sorted(p.name for p in ca_dir.iterdir()) == [
        "ca.key.pem", "ca.pem", "chain.pem", "issued", "record.json"]
    # the CA's record lists it once, committed with its files (and what --force replaced, still out there)
    serials = [c["serial"] for c in json.loads((ca_dir / "record.json").read_text())["certificates"]]
    assert serials.count(f"{cert.serial_number:x}") == 1 and len(set(serials)) == len(serials)


def test_ten_issues_at_once_one_wins_the_others_say_it_exists(ca_dir: Path) -> None:
    processes = [tlsexplorer("ca", "issue", str(ca_dir), "r.test") for _ in range(10)]
    results = [finish(p) for p in processes]
    codes = sorted(code for code, _out, _err in results)
    assert codes == [0] + [2] * 9, results
    for code, _out, err in results:
        if code == 2:
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("tlsexplorer: error: ")
            assert "already exist" in lines[0]
    assert_issued_whole(ca_dir, "r.test")


@pytest.mark.parametrize("crash_at", ["locked", "staged:1", "staged:2", "staged:3"])
def test_killed_before_the_commit_the_folder_is_as_before(ca_dir: Path, crash_at: str) -> None:
    code, _out, _err = finish(tlsexplorer("ca", "issue", str(ca_dir), "r.test", crash_at=crash_at))
    assert code == -signal.SIGKILL
    assert not list((ca_dir / "issued").glob("*")), "nothing of r.test is in place"
    code, _out, err = finish(tlsexplorer("ca", "issue", str(ca_dir), "r.test"))
    assert code == 0, err
    assert_issued_whole(ca_dir, "r.test")


@pytest.mark.parametrize("crash_at", ["committed", "placed:1", "placed:2", "placed:3"])
def test_killed_after_the_commit_the_next_run_completes_it(ca_dir: Path, crash_at: str) -> None:
    code, _out, _err = finish(tlsexplorer("ca", "issue", str(ca_dir), "r.test", crash_at=crash_at))
    assert code == -signal.SIGKILL
    code, _out, err = finish(tlsexplorer("ca", "issue", str(ca_dir), "r.test"))
    assert code == 2 and "already exist" in err
    assert_issued_whole(ca_dir, "r.test")
    code, _out, err = finish(tlsexplorer("ca", "issue", str(ca_dir), "r.test", "--force"))
    assert code == 0, err
    assert_issued_whole(ca_dir, "r.test")


def test_killed_while_replacing_with_force_keeps_a_matching_set(ca_dir: Path, capsys: Cap) -> None:
    assert run_cli(capsys, "ca", "issue", str(ca_dir), "r.test")[0] == 0
    old = (ca_dir / "issued" / "r.test.pem").read_bytes()
    code, _out, _err = finish(
        tlsexplorer("ca", "issue", str(ca_dir), "r.test", "--force", crash_at="backed-up:2"))
    assert code == -signal.SIGKILL
    code, _out, err = finish(tlsexplorer("ca", "issue", str(ca_dir), "other.test"))
    assert code == 0, err
    assert (ca_dir / "issued" / "r.test.pem").read_bytes() != old  # completed, not mixed
    (ca_dir / "issued" / "other.test.pem").unlink()
    (ca_dir / "issued" / "other.test.key.pem").unlink()
    (ca_dir / "issued" / "other.test.fullchain.pem").unlink()
    assert_issued_whole(ca_dir, "r.test")


def test_folders_are_0700_even_with_umask_000(tmp_path: Path) -> None:
    script = (
        "import os, sys; os.umask(0)\n"
        "from tlsexplorer.cli import main\n"
        "d = sys.argv[1]\n"
        "assert main(['ca', 'init', d, '--key-type', 'p256']) == 0\n"
        "assert main(['ca', 'issue', d, 'u.test']) == 0\n"
        "assert main(['ca', 'intermediate', d, d + '-sub', '--key-type', 'p256']) == 0\n"
        "assert main(['ca', 'csr', 'c.test', '--out', d + '-requests']) == 0\n"
    )
    folder = tmp_path / "loose"
    result = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    for made in (folder, folder / "issued", tmp_path / "loose-sub", tmp_path / "loose-requests"):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700, made
    assert stat.S_IMODE((folder / "issued" / "u.test.key.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "issued" / "u.test.pem").stat().st_mode) == 0o644


def test_an_empty_ca_password_file_is_called_empty(tmp_path: Path, capsys: Cap) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text("correct horse\n")
    enc = tmp_path / "enc"
    assert run_cli(capsys, "ca", "init", str(enc), "--key-type", "p256", "--password-file", str(pw))[0] == 0
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    for command in (["issue", str(enc), "x.test"], ["intermediate", str(enc), str(tmp_path / "sub")]):
        code, _out, err = run_cli(capsys, "ca", *command, "--ca-password-file", str(empty))
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1, err
        assert f"{empty} is empty" in lines[0] and "needed" not in lines[0]


def test_a_locked_ca_folder_is_named_with_its_holder(ca_dir: Path, capsys: Cap,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "LOCK_TIMEOUT", 0.2)
    with files.folder_lock(ca_dir):
        code, _out, err = run_cli(capsys, "ca", "issue", str(ca_dir), "r.test")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("tlsexplorer: error: ")
    assert f"process {os.getpid()}" in lines[0] and "nothing was written" in lines[0]
    assert not (ca_dir / "issued").exists()
    assert run_cli(capsys, "ca", "issue", str(ca_dir), "r.test")[0] == 0
    assert_issued_whole(ca_dir, "r.test")


def test_a_ca_replaced_with_force_and_killed_is_read_whole(ca_dir: Path, capsys: Cap) -> None:
    # ca.pem is replaced, ca.key.pem not yet: the next reader completes it before reading.
    code, _out, _err = finish(tlsexplorer("ca", "init", str(ca_dir), "--key-type", "p256", "--force",
                                          crash_at="placed:1"))
    assert code == -signal.SIGKILL
    code, _out, err = run_cli(capsys, "ca", "issue", str(ca_dir), "r.test")
    assert code == 0, err
    assert_issued_whole(ca_dir, "r.test")
    ca_cert = x509.load_pem_x509_certificate((ca_dir / "ca.pem").read_bytes())
    ca_key = serialization.load_pem_private_key((ca_dir / "ca.key.pem").read_bytes(), None)
    assert ca_key.public_key() == ca_cert.public_key()
    assert ca_cert.subject.rfc4514_string() == "CN=tlsexplorer local CA"  # the new one
    leaf = x509.load_pem_x509_certificate((ca_dir / "issued" / "r.test.pem").read_bytes())
    leaf.verify_directly_issued_by(ca_cert)
