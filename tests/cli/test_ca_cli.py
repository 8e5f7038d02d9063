"""``tlsexplorer ca``: files written, --json schema, exit codes, one-line errors, passwords."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.cli.support import run_cli

Cap = pytest.CaptureFixture[str]


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tlsexplorer: error: ")
    return lines[0]


@pytest.fixture
def ca_dir(tmp_path: Path, capsys: Cap) -> Path:
    folder = tmp_path / "myca"
    code, _out, _err = run_cli(capsys, "ca", "init", str(folder), "--cn", "CLI Root", "--key-type", "p256")
    assert code == 0
    return folder


def test_init_json_lists_absolute_paths_and_kinds(tmp_path: Path, capsys: Cap) -> None:
    code, out, err = run_cli(capsys, "ca", "init", str(tmp_path / "j"), "--key-type", "p256", "--json")
    assert code == 0 and err == ""
    document = json.loads(out)
    assert [item["kind"] for item in document] == ["certificate", "private_key", "chain"]
    for item in document:
        assert set(item) == {"path", "kind"}
        assert Path(item["path"]).is_absolute() and Path(item["path"]).exists()
    assert stat.S_IMODE(Path(document[1]["path"]).stat().st_mode) == 0o600


def test_human_output_says_the_key_is_not_encrypted(tmp_path: Path, capsys: Cap) -> None:
    code, out, _err = run_cli(capsys, "ca", "init", str(tmp_path / "h"), "--key-type", "p256")
    assert code == 0
    assert "NOT encrypted" in out and "0600" in out
    assert str((tmp_path / "h" / "ca.key.pem").resolve()) in out


def test_issue_server_and_client(ca_dir: Path, capsys: Cap) -> None:
    sans = ("--san", "127.0.0.1", "--san", "::1")
    code, out, _err = run_cli(capsys, "ca", "issue", str(ca_dir), "localhost", *sans, "--json")
    assert code == 0
    kinds = {item["kind"]: item["path"] for item in json.loads(out)}
    assert set(kinds) == {"certificate", "private_key", "fullchain"}
    cert = x509.load_pem_x509_certificate(Path(kinds["certificate"]).read_bytes())
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(v) for v in sans.get_values_for_type(x509.IPAddress)] == ["127.0.0.1", "::1"]
    code, out, _err = run_cli(capsys, "ca", "issue", str(ca_dir), "bob@example.net", "--client", "--json")
    assert code == 0
    path = next(item["path"] for item in json.loads(out) if item["kind"] == "certificate")
    cert = x509.load_pem_x509_certificate(Path(path).read_bytes())
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert [o.dotted_string for o in eku] == ["1.3.6.1.5.5.7.3.2"]


def test_no_overwrite_without_force(ca_dir: Path, capsys: Cap) -> None:
    assert run_cli(capsys, "ca", "issue", str(ca_dir), "a.test")[0] == 0
    before = (ca_dir / "issued" / "a.test.pem").read_bytes()
    code, out, err = run_cli(capsys, "ca", "issue", str(ca_dir), "a.test")
    assert code == 2 and out == ""
    assert "--force" in one_error_line(err)
    assert (ca_dir / "issued" / "a.test.pem").read_bytes() == before
    assert run_cli(capsys, "ca", "issue", str(ca_dir), "a.test", "--force")[0] == 0
    assert (ca_dir / "issued" / "a.test.pem").read_bytes() != before


def test_passwords_never_prompt_without_a_terminal(tmp_path: Path, capsys: Cap) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text("correct horse\n")
    code, out, _err = run_cli(capsys, "ca", "init", str(tmp_path / "enc"), "--key-type", "p256",
                          "--password-file", str(pw))
    assert code == 0 and "encrypted with your passphrase" in out
    key_pem = (tmp_path / "enc" / "ca.key.pem").read_bytes()
    serialization.load_pem_private_key(key_pem, b"correct horse")
    enc = str(tmp_path / "enc")
    code, _out, err = run_cli(capsys, "ca", "issue", enc, "x.test")
    assert code == 1 and "--ca-password-file" in one_error_line(err)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope\n")
    code, _out, err = run_cli(capsys, "ca", "issue", enc, "x.test", "--ca-password-file", str(wrong))
    assert code == 1 and "passphrase" in one_error_line(err)
    code, _out, err = run_cli(capsys, "ca", "issue", enc, "x.test", "--ca-password-file", str(pw),
                          "--p12")
    assert code == 1 and "--p12-password-file" in one_error_line(err)
    code, out, _err = run_cli(capsys, "ca", "issue", enc, "x.test", "--ca-password-file", str(pw),
                          "--p12", "--p12-password-file", str(pw), "--json")
    assert code == 0
    assert "pkcs12" in {item["kind"] for item in json.loads(out)}
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, _out, err = run_cli(capsys, "ca", "issue", enc, "y.test", "--ca-password-file", str(pw),
                          "--password-file", str(empty))
    assert code == 2 and "empty" in one_error_line(err)


def test_flaw_is_labelled(ca_dir: Path, capsys: Cap) -> None:
    code, out, _err = run_cli(capsys, "ca", "issue", str(ca_dir), "old.test", "--flaw", "expired")
    assert code == 0
    assert out.startswith("BROKEN: expired")
    # An EC CA (the default key type) gets an RSA lab CA that signs with SHA-1; it used to refuse.
    code, out, _err = run_cli(capsys, "ca", "issue", str(ca_dir), "s.test", "--flaw", "sha1")
    assert code == 0 and out.startswith("BROKEN (INSECURE): SHA-1")


def test_csr_then_sign_shows_what_the_ca_did(ca_dir: Path, tmp_path: Path,
                                             capsys: Cap) -> None:
    code, out, _err = run_cli(capsys, "ca", "csr", "www.example.net", "--san", "example.net", "--out",
                          str(tmp_path / "req"), "--json")
    assert code == 0
    assert [item["kind"] for item in json.loads(out)] == ["csr", "private_key"]
    csr = tmp_path / "req" / "www.example.net.csr.pem"
    code, out, _err = run_cli(capsys, "ca", "sign", str(ca_dir), str(csr))
    assert code == 0
    assert "What the CA did with the request" in out
    assert "kept" in out and "added" in out and "basicConstraints" in out
    code, out, _err = run_cli(capsys, "ca", "sign", str(ca_dir), str(csr), "--force", "--json")
    assert [item["kind"] for item in json.loads(out)] == ["certificate", "fullchain"]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["issue", "{ca}", "x.test", "--san", "not valid"], 2, "not a DNS name"),
        (["issue", "{tmp}/missing", "x.test"], 2, "not a CA folder"),
        # a folder 'ca init' did not make: said so, not "ca.key.pem: no such file"
        (["issue", "{tmp}", "x.test"], 2, "is not a CA folder: it has no ca.pem or ca.key.pem"),
        (["sign", "{tmp}", "{ca}/ca.pem"], 2, "is not a CA folder"),
        (["issue", "{ca}", "x.test", "--days", "0"], 2, "at least one day"),
        (["issue", "{ca}", "x.test", "--not-after", "tomorrow"], 2, "ISO 8601"),
        (["sign", "{ca}", "{ca}/ca.pem"], 1, "not a certificate signing request"),
        (["init", "{ca}"], 2, "already exist"),
        (["intermediate", "{ca}", "{tmp}/i", "--country", "USA"], 2, "two-letter"),
        (["issue", "{ca}", "x.test", "--days", "99999999"], 2, "9999-12-31"),
        (["issue", "{ca}", "x.test", "--days", "2914000"], 2, "9999-12-31"),
    ],
)
def test_errors_are_one_line(ca_dir: Path, tmp_path: Path, capsys: Cap,
                             args: list[str], code: int, words: str) -> None:
    filled = [a.replace("{ca}", str(ca_dir)).replace("{tmp}", str(tmp_path)) for a in args]
    got, out, err = run_cli(capsys, "ca", *filled)
    assert got == code and out == ""
    assert words in one_error_line(err)


def test_recipe_flag_prints_openssl_and_python(ca_dir: Path, capsys: Cap) -> None:
    code, out, _err = run_cli(capsys, "ca", "issue", str(ca_dir), "r.test", "--recipe")
    assert code == 0
    assert "openssl req -x509" in out and "x509.CertificateBuilder()" in out


def test_help_has_an_example() -> None:
    for sub in ([], ["init"], ["intermediate"], ["issue"], ["csr"], ["sign"]):
        result = subprocess.run([sys.executable, "-m", "tlsexplorer", "ca", *sub, "--help"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0
        assert "examples:" in result.stdout and "tlsexplorer ca" in result.stdout


def test_cli_choices_are_the_cores() -> None:
    from tlsexplorer.cli import ca as ca_cli
    from tlsexplorer.core.ca import build as ca_core
    assert ca_cli.KEY_TYPES == ca_core.KEY_TYPES
    assert set(ca_cli.FLAWS) == set(ca_core.FLAWS)
