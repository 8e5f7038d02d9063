"""``tlsexplorer verify`` with --crl/--crl-check/--ocsp/--fetch: the verdicts, the JSON, and openssl
held to the same verdicts by running the commands we print (openssl verify -crl_check, openssl ocsp)."""

from __future__ import annotations

import datetime as dt
import json
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509 import ocsp

from tests.cli.support import run_cli
from tests.revocation_pki import NOW, crl, der, make_pki, ocsp_answer, pem, request_nonce, responder
from tests.tools import needs_openssl
from tlsexplorer.core.fetch import clear_cache
from tlsexplorer.core.timeutil import format_iso8601

OPENSSL = shutil.which("openssl")
AT = format_iso8601(NOW)


def verify(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run_cli(capsys, "verify", *args, "--at", AT, "--json")
    assert code in (0, 1), err
    assert "Traceback" not in err
    return code, json.loads(out)


def openssl_ok(command: str, folder: Path, *, readable: bool = True) -> bool:
    """Whether openssl accepts; ``readable``: it must have read every file (it refuses a malformed CRL
    outright, which is its "no")."""
    result = subprocess.run(shlex.split(command), cwd=folder, capture_output=True, timeout=60)
    if readable:
        assert b"Could not" not in result.stderr and b"unable to load" not in result.stderr.lower(), (
            result.stderr
        )
    return result.returncode == 0


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Any]:
    monkeypatch.chdir(tmp_path)
    pki = make_pki()
    pki.write(tmp_path)
    revoked_at = NOW - dt.timedelta(days=2)
    (tmp_path / "good.crl").write_bytes(pem(crl(pki.root, pki.root_key, [(999, None)])))
    (tmp_path / "revoked.crl").write_bytes(
        der(
            crl(
                pki.root,
                pki.root_key,
                [(pki.leaf.serial_number, x509.ReasonFlags.key_compromise)],
                revoked_at=revoked_at,
            )
        )
    )
    (tmp_path / "expired.crl").write_bytes(
        pem(
            crl(
                pki.root,
                pki.root_key,
                this_update=NOW - dt.timedelta(days=9),
                next_update=NOW - dt.timedelta(days=1),
            )
        )
    )
    (tmp_path / "inter.crl").write_bytes(pem(crl(pki.inter, pki.inter_key)))
    (tmp_path / "inter-revoked.crl").write_bytes(
        pem(crl(pki.root, pki.root_key, [(pki.inter.serial_number, None)]))
    )
    (tmp_path / "garbage.crl").write_bytes(b"\x30\x82garbage")
    return tmp_path, pki


CASES: list[tuple[str, list[str], int, str]] = [
    # name, args, exit, the verdict line
    (
        "good",
        ["leaf.pem", "--ca", "root.pem", "--crl", "good.crl", "--crl-check", "leaf"],
        0,
        "valid, not revoked",
    ),
    ("revoked", ["leaf.pem", "--ca", "root.pem", "--crl", "revoked.crl"], 1, "revoked on "),
    (
        "expired CRL, required",
        ["leaf.pem", "--ca", "root.pem", "--crl", "expired.crl", "--crl-check", "leaf"],
        1,
        "not valid, revocation status unknown: the CRL expired",
    ),
    (
        "no CRL, required",
        ["leaf.pem", "--ca", "root.pem", "--crl-check", "leaf"],
        1,
        "not valid, revocation status unknown: no CRL issued by",
    ),
    (
        "malformed CRL, required",
        ["leaf.pem", "--ca", "root.pem", "--crl", "garbage.crl", "--crl-check", "leaf"],
        1,
        "not valid, revocation status unknown",
    ),
    (
        "intermediate, all",
        [
            "inter_leaf.pem",
            "--chain",
            "inter.pem",
            "--ca",
            "root.pem",
            "--crl",
            "inter.crl",
            "--crl",
            "good.crl",
            "--crl-check",
            "all",
        ],
        0,
        "valid, not revoked",
    ),
    (
        "intermediate missing, all",
        [
            "inter_leaf.pem",
            "--chain",
            "inter.pem",
            "--ca",
            "root.pem",
            "--crl",
            "inter.crl",
            "--crl-check",
            "all",
        ],
        1,
        "revocation status of [1] unknown",
    ),
    (
        "intermediate revoked",
        [
            "inter_leaf.pem",
            "--chain",
            "inter.pem",
            "--ca",
            "root.pem",
            "--crl",
            "inter.crl",
            "--crl",
            "inter-revoked.crl",
            "--crl-check",
            "all",
        ],
        1,
        "[1] revoked on ",
    ),
]


@needs_openssl
@pytest.mark.parametrize(("name", "args", "code", "verdict"), CASES, ids=[c[0] for c in CASES])
def test_crl_verdicts_and_openssl_agrees(
    capsys: pytest.CaptureFixture[str],
    files: tuple[Path, Any],
    name: str,
    args: list[str],
    code: int,
    verdict: str,
) -> None:
    folder, _ = files
    got, document = verify(capsys, folder, *args)
    assert got == code and document["valid"] is (code == 0)
    assert document["revocation_verdict"].startswith(verdict) or verdict in document["revocation_verdict"]
    command = document["openssl_command"]
    assert "-crl_check" in command
    assert openssl_ok(command, folder, readable="malformed" not in name) is (code == 0), command


@needs_openssl
def test_without_crl_check_an_unknown_status_is_reported_not_a_failure(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Any]
) -> None:
    folder, _ = files
    code, document = verify(capsys, folder, "leaf.pem", "--ca", "root.pem", "--crl", "expired.crl")
    assert code == 0 and document["valid"] is True
    [[check], _] = document["revocation"]
    assert check["source"] == "crl" and check["status"] == "unknown" and "expired" in check["reason"]
    assert document["revocation_verdict"].startswith("valid, revocation status unknown")


def test_revoked_json_has_time_and_reason(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Any]
) -> None:
    folder, pki = files
    code, document = verify(capsys, folder, "leaf.pem", "--ca", "root.pem", "--crl", "revoked.crl")
    assert code == 1 and document["valid"] is False
    [[check], []] = document["revocation"]
    listed = x509.load_der_x509_crl((folder / "revoked.crl").read_bytes())
    entry = listed.get_revoked_certificate_by_serial_number(pki.leaf.serial_number)
    assert entry is not None
    assert check["status"] == "revoked" and check["reason"] == "keyCompromise"
    assert check["revoked_at"] == format_iso8601(entry.revocation_date_utc)
    assert [c["check"] for c in check["checks"]][-1] == "crl_entry"
    code, out, _ = run_cli(
        capsys, "verify", "leaf.pem", "--ca", "root.pem", "--crl", "revoked.crl", "--at", AT
    )
    assert code == 1 and f"revoked on {check['revoked_at']} (keyCompromise)" in " ".join(out.split())


def test_without_revocation_options_it_says_not_checked(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Any]
) -> None:
    folder, _ = files
    code, document = verify(capsys, folder, "leaf.pem", "--ca", "root.pem")
    assert code == 0 and document["revocation_verdict"] == "valid, revocation not checked"
    assert document["revocation"] == [[], []]


def test_a_crl_among_the_anchors_is_used(capsys: pytest.CaptureFixture[str], files: tuple[Path, Any]) -> None:
    folder, _ = files
    code, document = verify(capsys, folder, "leaf.pem", "--ca", "root.pem", "--ca", "revoked.crl")
    assert code == 1 and document["revocation"][0][0]["status"] == "revoked"


def test_fetch_downloads_the_distribution_point(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    clear_cache()
    paths: dict[str, bytes] = {}
    with responder(lambda body: b"", paths) as base:
        pki = make_pki(crl_url=f"{base}/root.crl")
        pki.write(tmp_path)
        paths["/root.crl"] = der(crl(pki.root, pki.root_key, [(pki.leaf.serial_number, None)]))
        code, document = verify(
            capsys, tmp_path, "leaf.pem", "--ca", "root.pem", "--fetch", "--crl-check", "leaf"
        )
    assert code == 1 and document["revocation"][0][0]["status"] == "revoked"
    assert document["revocation"][0][0]["where"] == f"{base}/root.crl"
    assert "-crl_download" in document["openssl_command"]


@needs_openssl
@pytest.mark.parametrize("status", ["good", "revoked"])
def test_ocsp_verdict_and_openssl_ocsp_agrees(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: str
) -> None:
    monkeypatch.chdir(tmp_path)
    holder: dict[str, Any] = {}

    def answer(body: bytes) -> bytes:
        made = holder["pki"]
        request = ocsp.load_der_ocsp_request(body)
        cert = made.leaf if request.serial_number == made.leaf.serial_number else made.inter
        revoked = status == "revoked"
        return ocsp_answer(
            cert,
            made.root,
            made.root,
            made.root_key,
            nonce=request_nonce(body),
            status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
            reason=x509.ReasonFlags.key_compromise if revoked else None,
            revoked_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1) if revoked else None,
        )

    with responder(answer) as url:
        holder["pki"] = pki = make_pki(ocsp_url=url)
        pki.write(tmp_path)
        code, out, err = run_cli(capsys, "verify", "leaf.pem", "--ca", "root.pem", "--ocsp", "--json")
        document = json.loads(out)
        [command] = document["openssl_ocsp_commands"]
        result = subprocess.run(
            shlex.split(command), cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
    assert code == (0 if status == "good" else 1), err
    [[check], []] = document["revocation"]
    assert check["source"] == "ocsp" and check["status"] == status
    assert "Response verify OK" in result.stderr + result.stdout, result.stderr
    assert f"leaf.pem: {status}" in result.stdout


def test_a_responder_that_is_down_is_unknown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with responder(lambda body: b"") as url:
        pass  # closed: nothing listens there any more
    pki = make_pki(ocsp_url=url)
    pki.write(tmp_path)
    code, document = verify(capsys, tmp_path, "leaf.pem", "--ca", "root.pem", "--ocsp")
    assert code == 0 and document["revocation"][0][0]["status"] == "unknown"
    code, document = verify(capsys, tmp_path, "leaf.pem", "--ca", "root.pem", "--ocsp", "--crl-check", "leaf")
    assert code == 1 and "did not answer" in document["revocation_verdict"]
