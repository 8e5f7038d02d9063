"""Issue 15, the CLI's part: odd input ends as one line on stderr and exit 2, never a traceback.

Closed stdin, arguments that are not UTF-8, names too long for a CN, huge numbers,
conflicting options, and JSON that Python's own ``json.load`` reads with its defaults.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.support import run_cli
from tlsexplorer.samples import SAMPLES_DIR

Cap = pytest.CaptureFixture[str]

ROOT = str(SAMPLES_DIR / "charlies-root-ca.pem")
INTERMEDIATE = str(SAMPLES_DIR / "charlies-intermediate-ca.pem")
ALICE = str(SAMPLES_DIR / "alice.example.net.pem")
BOB_CSR = str(SAMPLES_DIR / "bob.example.net.csr.pem")
NOT_UTF8 = os.fsdecode(b"\xff")
"""What Python makes of the argument byte 0xff (a lone surrogate, as surrogateescape decodes argv)."""


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tlsexplorer: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def ca_dir(tmp_path: Path, capsys: Cap) -> Path:
    folder = tmp_path / "myca"
    code, _out, err = run_cli(
        capsys, "ca", "init", str(folder), "--cn", "Hardening Root", "--key-type", "p256"
    )
    assert code == 0, err
    return folder


# 1. "-" with stdin closed ------------------------------------------------------------------


STDIN_COMMANDS = [
    ["inspect", "-"],
    ["caesar", "encrypt", "--shift", "3", "-"],
    ["caesar", "crack", "-"],
    ["fernet", "encrypt", "--key-file", "-", "hello"],
    ["fernet", "decrypt", "--key", "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=", "-"],
    ["rsa", "--key", "-"],
    ["rsa", "signature", "-", "--issuer", INTERMEDIATE],
    ["verify", "-", "--ca", ROOT],
    ["verify", ALICE, "--ca", "-"],
    ["rsa", "--key", str(SAMPLES_DIR / "charlies-root-ca.key.pem"), "--password-file", "-"],
]


@pytest.mark.parametrize("args", STDIN_COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_dash_with_stdin_closed_is_one_line(
    args: list[str], capsys: Cap, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", None)  # what Python sets when file descriptor 0 is closed
    code, _out, err = run_cli(capsys, *args)
    assert code in (1, 2)
    assert "standard input is closed" in one_error_line(err)


def test_ca_sign_from_closed_stdin(ca_dir: Path, capsys: Cap, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    code, _out, err = run_cli(capsys, "ca", "sign", str(ca_dir), "-")
    assert code == 2
    assert "standard input is closed" in one_error_line(err)


def test_closed_stdin_in_a_real_process() -> None:
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" -m tlsexplorer inspect - <&-', sys.executable],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode in (1, 2)
    assert "standard input is closed" in one_error_line(done.stderr)


# 2. arguments that are not UTF-8 ------------------------------------------------------------


def test_not_utf8_text_arguments_name_their_option(ca_dir: Path, tmp_path: Path, capsys: Cap) -> None:
    cases = [
        (["rsa", "--text", NOT_UTF8], "--text"),
        (["dh", "--text", NOT_UTF8], "--text"),
        (["ca", "init", str(tmp_path / "a"), "--cn", NOT_UTF8], "--cn"),
        (["ca", "init", str(tmp_path / "b"), "--org", NOT_UTF8], "--org"),
        (["ca", "init", str(tmp_path / "c"), "--locality", NOT_UTF8], "--locality"),
        (["ca", "issue", str(ca_dir), NOT_UTF8 + ".test"], "NAME"),
        (["ca", "issue", str(ca_dir), "ok.test", "--org", NOT_UTF8], "--org"),
        (["ca", "csr", NOT_UTF8, "--out", str(tmp_path / "r")], "NAME"),
        (["tls", "serve", "--secret", NOT_UTF8], "--secret"),
        (["tls", "probe", "localhost:1", "--servername", NOT_UTF8], "--servername"),
        (["verify", ALICE, "--ca", ROOT, "--host", NOT_UTF8], "--host"),
    ]
    for args, option in cases:
        code, _out, err = run_cli(capsys, *args)
        line = one_error_line(err)
        assert code == 2, (args, err)
        assert option in line and "not UTF-8" in line, line
        assert "\\xff" in line  # the byte is shown, not a surrogate
    assert not (tmp_path / "a").exists()


def test_not_utf8_path_is_escaped_in_json(tmp_path: Path, capsys: Cap) -> None:
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.pem"))
    odd.write_bytes(Path(ALICE).read_bytes())
    for args in (["inspect", str(odd), "--json"], ["verify", str(odd), "--ca", ROOT, "--chain", INTERMEDIATE,
                                                    "--json", "--at", "2026-06-01"]):
        code, out, _err = run_cli(capsys, *args)
        assert code in (0, 1)
        out.encode("utf-8")  # valid UTF-8 everywhere: no lone surrogate reaches stdout
        document = json.loads(out)
        assert document  # the undecodable byte is the four characters \xe9 of the decoded string
        assert "caf\\\\xe9.pem" in out


def test_json_escape_rule() -> None:
    from tlsexplorer.cli.base import json_text

    text = json_text({"path": os.fsdecode(b"/a/\xff\xc3\xa9.pem")})
    assert json.loads(text) == {"path": "/a/\\xffé.pem"}


# Small wording --------------------------------------------------------------------------------


def test_size_messages_never_say_64_0_above_64(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from tlsexplorer.cli.base import read_stdin
    from tlsexplorer.core.errors import FileAccessError
    from tlsexplorer.core.files import MAX_INPUT_BYTES, check_size

    with pytest.raises(FileAccessError) as caught:
        check_size(MAX_INPUT_BYTES + 1, "big.pem")
    assert str(caught.value).startswith("big.pem is 67,108,865 bytes, above the 64 MiB limit")
    with pytest.raises(FileAccessError) as caught:
        check_size(3 * MAX_INPUT_BYTES, "big.pem")
    assert str(caught.value).startswith("big.pem is 192 MiB, above the 64 MiB limit")

    class Pipe(io.StringIO):
        buffer = io.BytesIO(b"x" * 2048)

    monkeypatch.setattr(sys, "stdin", Pipe())
    with pytest.raises(FileAccessError) as caught:
        read_stdin(1024)
    assert str(caught.value).startswith("standard input holds more than 1 KiB, the limit;")


def test_inspect_puts_its_error_on_stderr(tmp_path: Path, capsys: Cap) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n")
    code, out, err = run_cli(capsys, "inspect", str(bad), ALICE)
    assert code == 1
    assert str(bad) in one_error_line(err) and "no object found" in err
    assert "alice.example.net" in out  # the report still shows what was read
    code, out, err = run_cli(capsys, "inspect", str(bad), "--json")
    assert code == 1 and json.loads(out)["files"][0]["errors"]
    one_error_line(err)
    code, _out, err = run_cli(capsys, "inspect", ALICE)
    assert code == 0 and err == ""


# 3. names too long for a CN, 4. huge path lengths ------------------------------------------------

LONG_DNS = "a" * 60 + "." + "b" * 60 + "." + "c" * 55 + ".test"
"""A valid 182-character DNS name: too long for a CN (64), fine in a SAN."""


def test_a_ca_name_over_64_characters_is_one_line(ca_dir: Path, tmp_path: Path, capsys: Cap) -> None:
    for args in (
        ["ca", "init", str(tmp_path / "long"), "--cn", "My " + "very " * 14 + "long CA"],
        ["ca", "init", str(tmp_path / "long"), "--cn", LONG_DNS],
        ["ca", "intermediate", str(ca_dir), str(tmp_path / "long"), "--cn", "x" * 65],
    ):
        code, _out, err = run_cli(capsys, *args)
        assert code == 2, err
        assert "at most 64 characters" in one_error_line(err)
        assert not (tmp_path / "long").exists()
    code, _out, err = run_cli(
        capsys, "ca", "init", str(tmp_path / "ok"), "--cn", "x" * 64, "--key-type", "p256"
    )
    assert code == 0, err


def test_long_host_and_email_names_go_in_the_san_only(ca_dir: Path, tmp_path: Path, capsys: Cap) -> None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    email = "someone.with.a.rather.long.address." + "x" * 30 + "@example.net"
    for name, extra, kind in ((LONG_DNS, [], x509.DNSName), (email, ["--client"], x509.RFC822Name)):
        code, out, err = run_cli(capsys, "ca", "issue", str(ca_dir), name, *extra, "--json")
        assert code == 0, err
        cert_path = next(item["path"] for item in json.loads(out) if item["kind"] == "certificate")
        cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
        assert not cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        assert san.value.get_values_for_type(kind) == [name]
        assert san.critical  # RFC 5280 4.2.1.6: an empty subject needs a critical SAN
    code, out, err = run_cli(
        capsys, "ca", "issue", str(ca_dir), "b." + LONG_DNS, "--org", "Example", "--json"
    )
    assert code == 0, err
    cert_path = next(item["path"] for item in json.loads(out) if item["kind"] == "certificate")
    cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    assert cert.subject.rfc4514_string() == "O=Example"
    assert not cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).critical
    asked = "c." + LONG_DNS
    code, out, err = run_cli(capsys, "ca", "csr", asked, "--out", str(tmp_path / "req"), "--json")
    assert code == 0, err
    csr_path = next(item["path"] for item in json.loads(out) if item["kind"] == "csr")
    csr = x509.load_pem_x509_csr(Path(csr_path).read_bytes())
    assert not csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    requested = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert requested.get_values_for_type(x509.DNSName) == [asked]
    code, _out, err = run_cli(capsys, "ca", "sign", str(ca_dir), csr_path)
    assert code == 0, err


def test_a_long_name_that_fits_no_san_is_one_line(ca_dir: Path, tmp_path: Path, capsys: Cap) -> None:
    for args in (
        ["ca", "issue", str(ca_dir), "a name with spaces " * 4],
        ["ca", "issue", str(ca_dir), LONG_DNS, "--flaw", "cn-only"],
        ["ca", "csr", "a name with spaces " * 4, "--out", str(tmp_path / "req")],
    ):
        code, _out, err = run_cli(capsys, *args)
        assert code == 2, err
        assert "at most 64 characters" in one_error_line(err)
    assert not (ca_dir / "issued").exists() or not any((ca_dir / "issued").iterdir())


def test_the_workbench_form_has_the_same_name_rule() -> None:
    from tlsexplorer.core.ca.form import parse_form

    errors = parse_form("root", {"folder": "x", "name": "x" * 65})
    assert isinstance(errors, dict) and "at most 64 characters" in errors["name"]
    errors = parse_form("intermediate", {"folder": "x", "newdir": "y", "name": LONG_DNS})
    assert isinstance(errors, dict) and "at most 64 characters" in errors["name"]
    errors = parse_form("server", {"folder": "x", "name": "spaces are no host " * 4})
    assert isinstance(errors, dict) and "at most 64 characters" in errors["name"]
    form = parse_form("server", {"folder": "x", "name": LONG_DNS})
    assert not isinstance(form, dict)


def test_a_huge_path_length_is_one_line(tmp_path: Path, capsys: Cap) -> None:
    from tlsexplorer.core.ca.form import parse_form

    for value in ("99999999999999999999999", str(2**31)):
        code, _out, err = run_cli(capsys, "ca", "init", str(tmp_path / "p"), "--path-len", value)
        assert code == 2, err
        assert "path length" in one_error_line(err)
        assert not (tmp_path / "p").exists()
        errors = parse_form("root", {"folder": "x", "name": "Root", "path-len": value})
        assert isinstance(errors, dict) and "path length" in errors["path-len"]
    code, _out, err = run_cli(capsys, "ca", "init", str(tmp_path / "p"), "--path-len", str(2**31 - 1),
                              "--key-type", "p256")
    assert code == 0, err


def test_small_wording(tmp_path: Path, capsys: Cap) -> None:
    code, _out, err = run_cli(capsys, "dh", "--p", "-23")
    line = one_error_line(err)
    assert code == 2 and "p = -23 is negative" in line and "RSA" not in line
    code, _out, err = run_cli(capsys, "ca", "init", str(tmp_path / "c"), "--permit-ip", "10.0.0.1/99")
    line = one_error_line(err)
    assert code == 2 and "not an IP range" in line and "DNS name" not in line and "0-32" in line
    code, _out, err = run_cli(capsys, "ca", "init", str(tmp_path / "c"), "--permit-ip", "10.0.0.1/8")
    line = one_error_line(err)
    assert code == 2 and "10.0.0.0/8" in line  # the range it probably meant
    for value in ("nan", "inf", "-1", "0"):
        code, _out, err = run_cli(capsys, "tls", "probe", "localhost:1", "--timeout", value)
        line = one_error_line(err)
        assert code == 2 and "--timeout" in line, (value, line)


# Conflicting options ------------------------------------------------------------------------------


def test_conflicting_options_are_refused(ca_dir: Path, tmp_path: Path, capsys: Cap) -> None:
    pass_file = tmp_path / "pass.txt"
    pass_file.write_text("secret-p12\n")
    cases = [
        (["rsa", "--preset", "tiny", "--p", "61", "--q", "53"], "--preset"),
        (["rsa", "--preset", "tiny", "--e", "5"], "--preset"),
        (["tls", "serve", "--plain", "--cert", ALICE, "--key", ALICE], "--plain"),
        (["tls", "serve", "--plain", "--ca", str(ca_dir), "--name", "x"], "--plain"),
        (["tls", "wire", "--plain", "--tls-max", "1.2"], "--tls-max"),
        (["tls", "wire", "--plain", "--cert", ALICE, "--key", ALICE], "--plain"),
        (["ca", "issue", str(ca_dir), "p12.test", "--p12-password-file", str(pass_file)], "--p12"),
        (["verify", "-", "--ca", "-"], "standard input"),
        (["verify", ALICE, "--chain", "-", "--ca", "-"], "standard input"),
        (["verify", ALICE, "--ca", ROOT, "--host", ""], "--host"),
        (["verify", ALICE, "--ca", ROOT, "--ip", ""], "--ip"),
        (["tls", "probe", "localhost:1", "--servername", ""], "--servername"),
        (["ca", "sign", str(ca_dir), "-", "--ca-password-file", "-"], "standard input"),
        (["ca", "issue", str(ca_dir), "x.test", "--password-file", "-", "--ca-password-file", "-"],
         "standard input"),
        (["inspect", "-", "--password-file", "-"], "standard input"),
        (["inspect", "-", "-"], "standard input"),
        (["tls", "probe", "localhost:1", "--ca", "-", "--ca", "-"], "standard input"),
    ]
    for args, option in cases:
        code, _out, err = run_cli(capsys, *args)
        line = one_error_line(err)
        assert code == 2, (args, err)
        assert option in line, (args, line)
    assert not (ca_dir / "issued").exists() or not any((ca_dir / "issued").iterdir())
    # A preset with a message of one's own is no conflict.
    code, out, err = run_cli(capsys, "rsa", "--preset", "tiny", "--message", "5", "--json")
    assert code == 0 and json.loads(out)["message"] == 5, err


# At the size limit ---------------------------------------------------------------------------------


def test_sizes_are_checked_before_any_work(monkeypatch: pytest.MonkeyPatch, capsys: Cap) -> None:
    from tlsexplorer.core.errors import UsageError
    from tlsexplorer.core.rsa import workbook

    def no_work(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a primality test ran before the size check")

    monkeypatch.setattr(workbook, "check_prime", no_work)
    monkeypatch.setattr(workbook, "miller_rabin", no_work)
    big = (1 << 8199) + 1  # two 8200-bit numbers: n would have about 16400 bits
    with pytest.raises(UsageError, match="the limit is 16384 bits"):
        workbook.build_workbook(big, big + 2)
    with pytest.raises(UsageError, match="the limit is 16384 bits"):
        workbook.build_workbook(61, 53, message=1 << 16400)
    code, _out, err = run_cli(capsys, "rsa", "--p", str(big), "--q", str(big + 2))
    assert code == 2 and "the limit is 16384 bits" in one_error_line(err)


def test_the_workbook_reports_progress() -> None:
    from tlsexplorer.core.rsa.workbook import build_workbook

    seen: list[tuple[str, int, int]] = []
    build_workbook(1009, 1013, progress=lambda what, done, total: seen.append((what, done, total)))
    stages = list(dict.fromkeys(what for what, _done, _total in seen))
    assert stages[:2] == ["p: Miller-Rabin", "q: Miller-Rabin"]
    assert "decrypting: square-and-multiply" in stages
    assert all(0 <= done <= total for _what, done, total in seen)
    assert seen[-1][1] == seen[-1][2]  # the last stage ends complete


def test_big_work_shows_progress_on_stderr(monkeypatch: pytest.MonkeyPatch, capsys: Cap) -> None:
    from tlsexplorer.cli import rsa

    code, _out, err = run_cli(capsys, "rsa", "--p", "1009", "--q", "1013")
    assert code == 0 and err == ""  # small work: quiet
    monkeypatch.setattr(rsa, "PROGRESS_BITS", 0)
    code, out, err = run_cli(capsys, "rsa", "--p", "1009", "--q", "1013", "--json")
    assert code == 0 and json.loads(out)["n"] == 1009 * 1013
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("tlsexplorer: working: ") for line in lines), err
    assert any("Miller-Rabin" in line for line in lines)


def test_json_is_loadable_by_pythons_defaults() -> None:
    from tlsexplorer.cli.base import JSON_INT_DIGITS, json_text

    huge = 7 ** 20000  # 16902 digits
    limit = 10**JSON_INT_DIGITS
    text = json_text({"n": huge, "m": -huge, "small": limit - 1, "edge": limit, "flag": True})
    code = (
        "import json, sys\n"
        "d = json.load(sys.stdin)\n"
        "print(int(d['n'], 16) == 7 ** 20000, d['m'].startswith('-0x'), isinstance(d['small'], int),\n"
        "      d['edge'].startswith('0x'), d['flag'] is True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split() == ["True"] * 5, done.stderr


def test_the_json_rule_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()
    assert "4300 digits" in docs and "\\xNN" in docs
    for args in (["--help"], ["rsa", "--help"]):
        done = subprocess.run([sys.executable, "-m", "tlsexplorer", *args], capture_output=True, text=True,
                              timeout=60)
        assert "4300 digits" in " ".join(done.stdout.split()), args


def test_recipes_of_a_san_only_certificate(ca_dir: Path, tmp_path: Path, capsys: Cap) -> None:
    import shlex

    code, out, err = run_cli(capsys, "ca", "issue", str(ca_dir), LONG_DNS, "--recipe")
    assert code == 0 and "Traceback" not in err, err
    assert f"{LONG_DNS}.pem" in out and "-subj /" in out and "critical" in out
    code, out, err = run_cli(capsys, "ca", "csr", "d." + LONG_DNS, "--out", str(tmp_path / "r"), "--recipe")
    assert code == 0, err
    assert shlex.quote(str(tmp_path / "r" / f"d.{LONG_DNS}.csr.pem")) in out
