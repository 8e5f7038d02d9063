"""``tlsexplorer inspect``: JSON shape, exit codes, passwords without prompts, one-line errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from tests.cli.support import run_cli
from tests.inspect_factory import make_cert, pem
from tlsexplorer.cli import inspect as inspect_cli
from tlsexplorer.samples import SAMPLES_DIR, sample_path

CERT_KEYS = {
    "kind",
    "subject",
    "issuer",
    "serial",
    "not_before",
    "not_after",
    "fingerprint_sha256",
    "fingerprint_sha1",
    "public_key",
    "signature_algorithm",
    "extensions",
    "lint",
}


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdin is not a terminal: nothing may prompt."""
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def test_certificate_json_matches_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    path = sample_path("alice.example.net.pem")
    code, out, err = run_cli(capsys, "inspect", str(path), "--json", "--at", "2026-06-01")
    assert code == 0 and err == ""
    doc = json.loads(out)
    (file,) = doc["files"]
    assert file["path"] == str(path) and file["errors"] == []
    (obj,) = file["objects"]
    assert obj.keys() >= CERT_KEYS and obj["kind"] == "certificate"
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    assert obj["serial"] == format(cert.serial_number, "x")
    assert obj["fingerprint_sha256"] == cert.fingerprint(hashes.SHA256()).hex()
    assert obj["not_after"] == cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert obj["public_key"]["type"] == "RSA" and obj["public_key"]["bits"] == 2048
    assert [e["oid"] for e in obj["extensions"]] == [e.oid.dotted_string for e in cert.extensions]
    assert all({"oid", "name", "critical", "value"} <= e.keys() for e in obj["extensions"])
    assert all({"rule", "severity", "message"} <= f.keys() for f in obj["lint"])


def test_course_sample_lint_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "inspect", str(sample_path("alice-course-style.pem")), "--json")
    lint = {f["rule"]: f for f in json.loads(out)["files"][0]["objects"][0]["lint"]}
    assert (
        code == 0
        and lint["missing-aki"]["strict"]
        and "VERIFY_X509_STRICT" in lint["missing-aki"]["enforced_by"]
    )


def test_encrypted_key_without_password_is_listed_and_counts_as_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(capsys, "inspect", str(sample_path("charlies-root-ca.key.pem")), "--json")
    assert code == 0 and err == ""
    obj = json.loads(out)["files"][0]["objects"][0]
    assert obj["kind"] == "private_key" and obj["encrypted"] is True
    assert "--password-file" in obj["note"]


def test_password_file_opens_it_and_a_wrong_one_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.write_text("secret_password\n")
    bad.write_text("nope\n")
    key = str(sample_path("charlies-root-ca.key.pem"))
    code, out, _ = run_cli(capsys, "inspect", key, "--json", "--password-file", str(good))
    obj = json.loads(out)["files"][0]["objects"][0]
    assert code == 0 and obj["public_key"]["type"] == "RSA" and obj["bits"] == 2048
    code, out, _ = run_cli(capsys, "inspect", key, "--json", "--password-file", str(bad))
    assert code == 1 and "does not open" in json.loads(out)["files"][0]["errors"][0]


def test_damaged_file_exit_1_and_the_rest_is_shown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "mixed.pem"
    path.write_bytes(
        pem(make_cert("a.example.net", san=["a.example.net"])) + b"-----BEGIN CERTIFICATE-----\n!!\n"
        b"-----END CERTIFICATE-----\n"
    )
    code, out, _ = run_cli(capsys, "inspect", str(path), "--json")
    file = json.loads(out)["files"][0]
    assert code == 1 and len(file["objects"]) == 1 and "base64" in file["errors"][0]
    code, out, _ = run_cli(capsys, "inspect", str(path))
    assert code == 1 and "a.example.net" in out and "problem: line" in out


def test_missing_file_and_folder_sweep(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "inspect", str(tmp_path / "nope.pem"), "--json")
    assert code == 1 and json.loads(out)["files"][0]["errors"] == ["no such file"]
    # stderr names the file once: it said "nope.pem: nope.pem: no such file"
    assert err.strip() == f"tlsexplorer: error: {tmp_path / 'nope.pem'}: no such file"
    code, out, _ = run_cli(capsys, "inspect", str(SAMPLES_DIR), "--json", "--at", "2026-06-01")
    doc = json.loads(out)
    assert code == 0  # __init__.py and manifest.json are skipped, not errors
    assert {Path(f["path"]).name for f in doc["files"]} >= {"alice.example.net.pem", "expired.pem"}
    assert any(f["kind"] == "expired" for f in doc["sweep"]["flags"])
    assert any(n.endswith("skipped, not crypto material") for n in doc["notes"])
    code, out, _ = run_cli(capsys, "inspect", str(SAMPLES_DIR), "--at", "2026-06-01")
    assert code == 0 and "Sweep" in out and "Keys and what carries them" in out


def test_empty_file_in_a_folder_is_skipped_but_named_alone_is_a_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An openssl CA folder's empty index.txt made 'inspect FOLDER' exit 1 ('unreadable')."""
    (tmp_path / "alice.pem").write_bytes(sample_path("alice.example.net.pem").read_bytes())
    (tmp_path / "index.txt").write_bytes(b"")
    (tmp_path / "blank.pem").write_bytes(b"\n  \n")
    code, out, _ = run_cli(capsys, "inspect", str(tmp_path), "--json", "--at", "2026-06-01")
    doc = json.loads(out)
    assert code == 0
    assert [Path(f["path"]).name for f in doc["files"]] == ["alice.pem"]
    assert not any(f["kind"] == "unreadable" for f in doc["sweep"]["flags"])
    assert {n for n in doc["notes"] if "skipped" in n} == {
        f"{tmp_path / 'blank.pem'}: skipped, not crypto material",
        f"{tmp_path / 'index.txt'}: skipped, not crypto material",
    }
    code, out, _ = run_cli(capsys, "inspect", str(tmp_path / "index.txt"), "--json")
    assert code == 1 and json.loads(out)["files"][0]["errors"] == ["the file is empty"]


def test_stdin_and_der_tree(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = sample_path("bob.example.net.csr.pem").read_bytes()

    class Stdin(io.StringIO):
        buffer = io.BytesIO(data)

    monkeypatch.setattr("sys.stdin", Stdin(""))
    code, out, _ = run_cli(capsys, "inspect", "-", "--der")
    assert code == 0 and "bob.example.net" in out and "OBJECT IDENTIFIER" in out and "signature checks" in out


def test_large_output_one_object_per_line_and_parallel_equals_serial(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    certs = [
        make_cert(f"h{i}.example.net", issuer="CA", serial=i + 1, san=[f"h{i}.example.net"])
        for i in range(250)
    ]
    path = tmp_path / "bundle.pem"
    path.write_bytes(pem(*certs))
    monkeypatch.setattr(inspect_cli, "PARALLEL_LIMIT", 10**9)
    code, serial_out, _ = run_cli(capsys, "inspect", str(path), "--json", "--at", "2026-06-01")
    monkeypatch.setattr(inspect_cli, "PARALLEL_LIMIT", 10)
    code2, parallel_out, _ = run_cli(capsys, "inspect", str(path), "--json", "--at", "2026-06-01")
    assert code == code2 == 0 and serial_out == parallel_out
    objects = json.loads(serial_out)["files"][0]["objects"]
    assert [o["subject"] for o in objects] == [f"CN=h{i}.example.net" for i in range(250)]
    assert serial_out.count("\n") < 300  # one line per object


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["inspect"], 2, "the following arguments are required"),
        (["inspect", "x.pem", "--at", "yesterday"], 2, "not an ISO 8601 date"),
    ],
)
def test_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], code: int, words: str
) -> None:
    got, _out, err = run_cli(capsys, *args)
    assert got == code and words in err and err.count("\n") == 1 and "Traceback" not in err


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "inspect", "--help")
    assert code == 0 and "examples:" in out and "--password-file" in out


def test_keys_are_matched_to_certificates(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(sample_path("alice.example.net.key.pem")), str(sample_path("alice.example.net.pem"))]
    code, out, _ = run_cli(capsys, "inspect", *paths, "--json")
    key = json.loads(out)["files"][0]["objects"][0]
    assert code == 0 and [m["title"] for m in key["matches"]] == ["alice.example.net"]


def test_big_bundle_in_human_output_is_brief_after_the_first(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    certs = [
        make_cert(f"b{i}.example.net", issuer="CA", serial=i + 1)
        for i in range(inspect_cli.DETAILED_LIMIT + 5)
    ]
    path = tmp_path / "b.pem"
    path.write_bytes(pem(*certs))
    code, out, _ = run_cli(capsys, "inspect", str(path))
    assert code == 0 and "5 more, one line each" in out
    assert f"b{inspect_cli.DETAILED_LIMIT + 4}.example.net  until" in out


def test_open_dash_shows_the_pipe_in_the_tui(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import os
    import stat

    from tlsexplorer.core.x509.recent import add_recent, load_recent

    monkeypatch.setenv("TLSEXPLORER_STATE_DIR", str(tmp_path / "state"))
    data = sample_path("alice.example.net.fullchain.pem").read_bytes()

    class Stdin(io.StringIO):
        buffer = io.BytesIO(data)

    monkeypatch.setattr("sys.stdin", Stdin(""))
    seen: dict[str, object] = {}

    def fake_tui(paths: list[str]) -> int:
        (path,) = paths
        seen["data"] = Path(path).read_bytes()
        seen["mode"] = stat.S_IMODE(os.stat(path).st_mode)
        seen["path"] = path
        add_recent([Path(path)])  # what the Inspector does with what it opened
        return 0

    monkeypatch.setattr("tlsexplorer.cli.launch_tui", fake_tui)
    monkeypatch.setattr(inspect_cli, "_stdin_from_terminal", lambda: None)
    monkeypatch.setattr("tlsexplorer.cli.require_terminal", lambda **_kw: None)
    code, _out, err = run_cli(capsys, "open", "-")
    assert code == 0 and err == ""
    assert seen["data"] == data and seen["mode"] == 0o600
    assert not Path(str(seen["path"])).exists()  # removed when the TUI exits
    assert load_recent() == []  # a pipe is not a recent file


def test_open_dash_without_a_terminal_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from tlsexplorer.core.errors import UsageError

    def no_tty(*_args: object) -> int:
        raise OSError(6, "No such device or address")

    monkeypatch.setattr(os, "open", no_tty)
    with pytest.raises(UsageError, match="no terminal"):
        inspect_cli._stdin_from_terminal()


def test_open_without_a_terminal_is_one_line_not_a_hung_tui(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "open", str(SAMPLES_DIR))
    assert code == 2 and out == "" and "needs a terminal" in err and err.count("\n") == 1


def test_names_in_a_file_are_printed_as_text_not_markup_or_terminal_codes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "hostile.pem"
    path.write_bytes(pem(make_cert("evil[/]x[bold]\x1b[2J.example")))
    code, out, err = run_cli(capsys, "inspect", str(path))
    assert code == 0, err  # a MarkupError traceback before
    assert "CN=evil[/]x[bold]\\x1b[2J.example" in out and "\x1b[2J" not in out
    # --json carries the name as it is (JSON escapes the control character itself).
    code, out, _ = run_cli(capsys, "inspect", str(path), "--json")
    assert code == 0 and "\x1b" not in out
    assert json.loads(out)["files"][0]["objects"][0]["subject"] == "CN=evil[/]x[bold]\x1b[2J.example"
