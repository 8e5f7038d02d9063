"""Issue 15 through the command line: hostile files give one line on stderr, never a traceback,
and an object with a field that cannot be read is not "every file read"."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from tests import hostile as h
from tests.cli.support import run_cli
from tlsexplorer.samples import sample_path

HOSTILE = {
    "v7.pem": h.version7_cert,
    "bad-utf8.pem": h.bad_utf8_cn_cert,
    "long-tag.pem": h.long_tag_cn_cert,
    "md2.pem": h.md2_cert,
    "gost.pem": h.unknown_spki_cert,
    "x400.pem": lambda: h.san_cert(h.X400),
    "dsa.pem": h.dsa_inherited_cert,
    "enveloped.p7": h.enveloped_pkcs7,
}


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A folder of hostile files beside the root that issued them."""
    for name, make in HOSTILE.items():
        (tmp_path / name).write_bytes(h.pem_of(make(), "PKCS7" if name.endswith(".p7") else "CERTIFICATE"))
    (tmp_path / "root.pem").write_bytes(h.pem_of(h.der(h.root())))
    (tmp_path / "leaf.pem").write_bytes(h.pem_of(h.der(h.leaf())))
    return tmp_path


def _one_line(code: int, err: str) -> None:
    assert code in (0, 1, 2)
    assert "Traceback" not in err and "ParseError" not in err and "cryptography.io" not in err
    if err.strip():
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("tlsexplorer: error: "), err


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_command_on_a_hostile_certificate(
    capsys: pytest.CaptureFixture[str], files: Path, name: str
) -> None:
    hostile, root, leaf = str(files / name), str(files / "root.pem"), str(files / "leaf.pem")
    commands = [
        ("inspect", hostile),
        ("inspect", "--json", hostile),
        ("verify", hostile, "--ca", root),
        ("verify", leaf, "--ca", hostile),
        ("verify", leaf, "--chain", hostile, "--ca", root),
        ("verify", hostile, "--system-roots"),
        ("verify", hostile, "--trust-bundle-root"),
        ("rsa", "signature", hostile, "--issuer", root),
        ("rsa", "signature", leaf, "--issuer", hostile),
        ("rsa", "--key", hostile),
    ]
    for args in commands:
        code, out, err = run_cli(capsys, *args)
        _one_line(code, err)
        assert "ParseError" not in out and "<Admissions" not in out


def test_inspect_a_folder_holding_hostile_files_reads_the_rest(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    code, out, err = run_cli(capsys, "inspect", "-r", str(files))
    _one_line(code, err)
    assert code == 1 and "every file read" not in out  # an undecodable object is not "all read"
    assert "unreadable: the subject's CN is not valid UTF-8" in " ".join(out.split())
    assert "signed with md2, which nothing supports" in " ".join(out.split())


def test_inspect_one_undecodable_certificate_exits_1(capsys: pytest.CaptureFixture[str], files: Path) -> None:
    code, out, _err = run_cli(capsys, "inspect", str(files / "bad-utf8.pem"))
    assert code == 1 and "1 problem" in out
    code, out, _err = run_cli(capsys, "inspect", "--json", str(files / "bad-utf8.pem"))
    assert code == 1 and '"unreadable"' in out
    code, out, _err = run_cli(capsys, "inspect", str(files / "root.pem"))
    assert code == 0 and "every file read" in out


def _ca(tmp_path: Path, cert_der: bytes) -> Path:
    folder = tmp_path / "ca"
    folder.mkdir()
    (folder / "ca.pem").write_bytes(h.pem_of(cert_der))
    (folder / "ca.key.pem").write_bytes(h.key_pem())
    (folder / "ca.key.pem").chmod(0o600)
    return folder


def test_ca_issue_with_a_hostile_ca_pem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = _ca(tmp_path, h.san_cert(h.X400, base=h.root()))
    code, _out, err = run_cli(capsys, "ca", "issue", str(folder), "srv.test")
    _one_line(code, err)
    assert code == 1 and "x400Address" in err


@pytest.mark.parametrize(
    "make", [h.bad_version_csr, h.duplicate_extension_csr, h.empty_attribute_csr, h.sha1_csr]
)
def test_ca_sign_with_a_hostile_csr(capsys: pytest.CaptureFixture[str], tmp_path: Path, make: object) -> None:
    folder = _ca(tmp_path, h.der(h.root()))
    csr = tmp_path / "request.pem"
    csr.write_bytes(h.pem_of(make(), "CERTIFICATE REQUEST"))  # type: ignore[operator]
    code, _out, err = run_cli(capsys, "ca", "sign", str(folder), str(csr))
    _one_line(code, err)
    assert code == 1 and "altered" not in err


def test_inspect_password_file_on_a_pkcs12_without_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    p12 = tmp_path / "nopass.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"leaf", h.rsa_key("leaf"), h.leaf(), None, serialization.NoEncryption()
    ))
    password = tmp_path / "pw.txt"
    password.write_text("secret\n")
    code, out, _err = run_cli(capsys, "inspect", "--password-file", str(password), str(p12))
    assert code == 0 and "does not open" not in out


def test_an_empty_password_file_is_not_told_to_give_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    key = str(sample_path("charlies-root-ca.key.pem"))
    code, out, err = run_cli(capsys, "rsa", "--key", key, "--password-file", str(empty))
    _one_line(code, err)
    assert code == 1 and "give it with --password-file" not in err and "empty" in err
    code, out, err = run_cli(capsys, "inspect", "--password-file", str(empty), key)
    assert code == 1 and "give the passphrase with --password-file" not in out and "empty" in out
