"""``tlsexplorer rsa`` and ``tlsexplorer rsa signature``: output, JSON schema, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.cli.support import run_cli
from tlsexplorer.samples import sample_path

INTERMEDIATE = str(sample_path("charlies-intermediate-ca.pem"))
ALICE = str(sample_path("alice.example.net.pem"))


def test_worked_example_json_has_the_issue_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "rsa", "--p", "61", "--q", "53", "--e", "17", "--message", "65", "--json")
    assert code == 0
    doc = json.loads(out)
    for key in ("p", "q", "n", "phi", "lambda", "e", "d", "dp", "dq", "qinv", "message", "ciphertext",
                "decrypted", "signature", "steps"):
        assert key in doc
    assert (doc["n"], doc["d"], doc["ciphertext"], doc["decrypted"]) == (3233, 2753, 2790, 65)
    assert doc["signature"] == pow(65, 2753, 3233)
    euclid = doc["steps"]["euclid"]
    assert set(euclid[0]) == {"quotient", "remainder", "s", "t"}
    assert all(r["remainder"] == r["s"] * 3120 + r["t"] * 17 for r in euclid)
    for name in ("encrypt", "decrypt"):
        rows = doc["steps"][name]
        assert set(rows[0]) == {"bit", "squared", "multiplied", "value"}
    assert [r["bit"] for r in doc["steps"]["encrypt"]] == [1, 0, 0, 0, 1]
    assert doc["steps"]["encrypt"][-1]["value"] == 2790


def test_presets_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "rsa", "--preset", "tiny", "--json")
    assert code == 0 and json.loads(out)["n"] == 143 and json.loads(out)["message"] == 9
    code, out, _ = run_cli(capsys, "rsa", "--p", "1000003", "--q", "1000033", "--text", "hi", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["message"] == int.from_bytes(b"hi", "big") and doc["message_bytes"] == "6869"
    assert doc["e"] == 65537


def test_human_output_shows_the_steps(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "rsa", "--preset", "wikipedia")
    assert code == 0
    for text in ("n = p · q", "3233", "2753", "Extended Euclid", "Miller-Rabin", "insecure on purpose"):
        assert text in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--p", "abc", "--q", "53"], 2, "not a whole number"),
        (["--p", "-5", "--q", "53"], 2, "negative"),
        (["--p", "62", "--q", "53"], 1, "not prime: it is 2 · 31"),
        (["--p", "61", "--q", "61"], 1, "must differ"),
        (["--p", "61", "--q", "53", "--e", "6"], 1, "gcd(e, phi) = 6"),
        (["--p", "61", "--q", "53", "--message", "5000"], 1, "not below n = 3233"),
        (["--p", "61", "--q", "53", "--message", "1", "--text", "a"], 2, "not allowed with"),
        (["--p", "61"], 2, "give both --p and --q"),
        (["--preset", "nope"], 2, "unknown preset"),
        (["--p", hex(1 << 16400), "--q", "53"], 2, "the limit is 16384 bits"),
    ],
)
def test_bad_input_is_one_line_with_the_right_exit_code(
    capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    got, out, err = run_cli(capsys, "rsa", *args)
    assert got == code and out == ""
    assert err.count("\n") == 1 and err.startswith("tlsexplorer: error: ") and message in err


def test_real_key_identities(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text("secret_password\n")
    key = str(sample_path("charlies-root-ca.key.pem"))
    code, out, _ = run_cli(capsys, "rsa", "--key", key, "--password-file", str(pw), "--json")
    doc = json.loads(out)
    assert code == 0 and doc["ok"] and doc["kind"] == "private" and doc["bits"] == 2048
    assert doc["p"] * doc["q"] == doc["n"]
    assert {"name", "ok", "detail"} == set(doc["identities"][0])
    code, out, _ = run_cli(capsys, "rsa", "--key", key, "--password-file", str(pw))
    assert code == 0 and "qInv·q = 1 mod p" in out


def test_real_key_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.write_text("nope\n")
    key = str(sample_path("charlies-root-ca.key.pem"))
    code, _, err = run_cli(capsys, "rsa", "--key", key, "--password-file", str(bad))
    assert code == 1 and "passphrase does not open" in err
    code, _, err = run_cli(capsys, "rsa", "--key", str(sample_path("expired.key.pem")))
    assert code == 1 and "not an RSA key" in err
    code, _, err = run_cli(capsys, "rsa", "--key", key, "--p", "61")
    assert code == 2 and "cannot be combined" in err


def test_public_key_from_a_certificate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "rsa", "--key", ALICE, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["kind"] == "public" and doc["p"] is None and doc["e"] == 65537


def test_signature_matches_exit_0_with_the_hash_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "rsa", "signature", ALICE, "--issuer", INTERMEDIATE)
    assert code == 0 and "sha256" in out and "signature valid (by hand)" in out
    code, out, _ = run_cli(capsys, "rsa", "signature", ALICE, "--issuer", INTERMEDIATE, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["valid"] and doc["by_hand"] and doc["library"]
    assert doc["hash_algorithm"] == "sha256" and doc["digest_info"]["hash_algorithm"] == "sha256"
    assert doc["recovered_block"].startswith("0001ffff")
    assert doc["digest_info"]["digest"] == doc["tbs_digest"]


def test_signature_json_flag_before_the_action(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "rsa", "--json", "signature", ALICE, "--issuer", INTERMEDIATE)
    assert code == 0 and json.loads(out)["scheme"] == "pkcs1v15"


def test_signature_mismatch_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = str(sample_path("charlies-root-ca.pem"))
    # The root is not alice's issuer (issue 15: it used to be taken anyway and said INVALID).
    code, out, err = run_cli(capsys, "rsa", "signature", ALICE, "--issuer", root)
    assert code == 1 and out == "" and "no issuer in the bundle" in err
    der = bytearray(x509.load_pem_x509_certificate(Path(ALICE).read_bytes()).public_bytes(
        serialization.Encoding.DER))
    der[der.find(b"alice.example.net")] = ord("b")
    tampered = tmp_path / "tampered.der"
    tampered.write_bytes(bytes(der))
    code, out, _ = run_cli(capsys, "rsa", "signature", str(tampered), "--issuer", INTERMEDIATE, "--json")
    assert code == 1 and json.loads(out)["by_hand"] is False


def test_signature_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "rsa", "signature", ALICE)
    assert code == 2 and "--issuer" in err
    missing = str(tmp_path / "missing.pem")
    code, _, err = run_cli(capsys, "rsa", "signature", missing, "--issuer", INTERMEDIATE)
    assert code == 2 and err.count("\n") == 1
    garbage = tmp_path / "garbage.pem"
    garbage.write_bytes(b"\x00\x01garbage")
    code, _, err = run_cli(capsys, "rsa", "signature", str(garbage), "--issuer", INTERMEDIATE)
    assert code == 1 and "no certificate" in err


def test_no_traceback_in_a_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tlsexplorer", "rsa", "--p", "4", "--q", "9"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "tlsexplorer: error: p = 4 is not prime: it is 2 · 2"


def test_json_prints_integers_up_to_the_limit(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    # Issue 15: 4817 digits is above Python's default 4300-digit limit, so json.load would refuse
    # the integer; such integers are written as 0x hex strings, which int(value, 16) reads.
    n = (1 << 16000) + 12345
    pem = rsa.RSAPublicNumbers(65537, n).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    path = tmp_path / "big.pem"
    path.write_bytes(pem)
    code, out, _ = run_cli(capsys, "rsa", "--key", str(path), "--json")
    assert code == 0 and '"bits": 16001' in out
    document = json.loads(out)  # Python's defaults
    assert document["n"] == hex(n) and int(document["n"], 16) == n
    assert document["e"] == 65537
    small = (1 << 14000) + 1  # 4215 digits: still a JSON integer
    path.write_bytes(rsa.RSAPublicNumbers(65537, small).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    code, out, _ = run_cli(capsys, "rsa", "--key", str(path), "--json")
    assert code == 0 and json.loads(out)["n"] == small
    too_big = rsa.RSAPublicNumbers(65537, (1 << 16400) + 1).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    path.write_bytes(too_big)
    code, _, err = run_cli(capsys, "rsa", "--key", str(path))
    assert code == 1 and "the limit is 16384 bits" in err


def test_key_and_password_file_cannot_both_read_stdin() -> None:
    # Before, the key swallowed stdin and the passphrase came out empty ("a password is needed").
    key = sample_path("charlies-root-ca.key.pem").read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "tlsexplorer", "rsa", "--key", "-", "--password-file", "-"],
        input=key + b"secret_password\n", capture_output=True, timeout=60,
    )
    assert result.returncode == 2 and result.stdout == b""
    lines = result.stderr.decode().strip().splitlines()
    assert lines == [
        "tlsexplorer: error: only one of --key and --password-file can be read from standard input"
    ]


def test_signature_names_are_printed_spelled_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric import rsa

    from tlsexplorer.core.ca import build as ca
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    spec = ca.CertificateSpec(ca.build_name("Evil\x1b[2J CA"), "root", start, start + dt.timedelta(days=30))
    path = tmp_path / "evil.pem"
    path.write_bytes(ca.certificate_pem(ca.issue_certificate(spec, key.public_key(), key)))
    code, out, _ = run_cli(capsys, "rsa", "signature", str(path), "--issuer", str(path))
    assert code == 0
    assert "\x1b" not in out and "CN=Evil\\x1b[2J CA" in out
