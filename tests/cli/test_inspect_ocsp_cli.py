"""``tlsexplorer inspect`` on OCSP material: --json fields, exit codes, one-line errors."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import ocsp

from tests.cli.support import run_cli
from tests.ocsp_factory import (
    NOW,
    garbage_response,
    pki,
    request_der,
    response_der,
    tampered_signature,
    undelegated_response_der,
    unsuccessful_der,
    wrong_cert_id_response_der,
)
from tests.tools import OPENSSL, needs_openssl

AT = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdin is not a terminal: nothing may prompt."""
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def test_json_carries_the_response_and_request_fields(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "resp.b64").write_bytes(base64.b64encode(response_der(ocsp.OCSPCertStatus.REVOKED)))
    (tmp_path / "req.der").write_bytes(request_der())
    (tmp_path / "denied.der").write_bytes(unsuccessful_der(ocsp.OCSPResponseStatus.MALFORMED_REQUEST))
    code, out, err = run_cli(capsys, "inspect", str(tmp_path / "resp.b64"), str(tmp_path / "req.der"),
                             str(tmp_path / "denied.der"), "--json", "--at", AT)
    assert code == 0, err
    files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
    response = files["resp.b64"]["objects"][0]
    assert response["kind"] == "ocsp_response" and response["format"] == "OCSP response (base64)"
    single = response["responses"][0]
    assert single["status"] == "revoked"
    assert single["cert_id"]["serial"] == format(pki().leaf.serial_number, "x")
    assert response["objects"][0]["kind"] == "certificate"  # the certificate it carries
    assert response["objects"][0]["subject"] == "CN=OCSP Test Root"
    request = files["req.der"]["objects"][0]
    assert request["kind"] == "ocsp_request" and request["nonce"] == "01" * 16
    assert request["cert_ids"][0]["issuer_key_hash"] == single["cert_id"]["issuer_key_hash"]
    denied = files["denied.der"]["objects"][0]
    assert denied["response_status"] == "malformedRequest" and "responses" not in denied


def test_response_checked_against_the_certificates_read_with_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives import serialization

    p = pki()
    (tmp_path / "resp.der").write_bytes(response_der(with_certs=False))
    (tmp_path / "leaf.pem").write_bytes(p.leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "root.pem").write_bytes(p.root.public_bytes(serialization.Encoding.PEM))
    files = [str(tmp_path / n) for n in ("resp.der", "leaf.pem", "root.pem")]
    code, out, err = run_cli(capsys, "inspect", *files, "--json", "--at", AT)
    assert code == 0, err
    response = json.loads(out)["files"][0]["objects"][0]
    check = response["check"]
    assert check["checked"] and check["status"] == "good" and check["issuer"] == "CN=OCSP Test Root"
    assert [s["check"] for s in check["steps"] if s["check"] == "ocsp_signature"] and all(
        s["ok"] for s in check["steps"])
    code, out, _err = run_cli(capsys, "inspect", *files, "--at", AT)
    assert code == 0 and "Check against the issuer" in out and "not revoked" in out
    code, out, _err = run_cli(capsys, "inspect", files[0], "--json", "--at", AT)
    assert json.loads(out)["files"][0]["objects"][0]["check"]["checked"] is False


def test_a_hostile_blob_is_one_line_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "garbage.der"
    path.write_bytes(garbage_response())
    done = subprocess.run([sys.executable, "-m", "tlsexplorer", "inspect", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tlsexplorer: error: ")
    assert "OCSP response is unreadable" in lines[0]


# The exit status when a response is checked against the certificates read with it ----------------


def beside_its_certificates(tmp_path: Path, response: bytes) -> list[str]:
    """The response, the leaf it answers about and the root that issued the leaf, as files."""
    p = pki()
    (tmp_path / "resp.der").write_bytes(response)
    (tmp_path / "leaf.pem").write_bytes(p.leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "root.pem").write_bytes(p.root.public_bytes(serialization.Encoding.PEM))
    return [str(tmp_path / name) for name in ("resp.der", "leaf.pem", "root.pem")]


def openssl_says(files: list[str]) -> str:
    """What ``openssl ocsp`` says of the response, the leaf and the root, at :data:`NOW`."""
    response, leaf, root = files
    done = subprocess.run([OPENSSL or "openssl", "ocsp", "-respin", response, "-issuer", root, "-cert", leaf,
                           "-CAfile", root, "-no_nonce", "-attime", str(int(NOW.timestamp()))],
                          capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def undelegated() -> bytes:
    return undelegated_response_der()[0]


@needs_openssl
@pytest.mark.parametrize(("make", "fault", "openssl"), [
    (lambda: tampered_signature(response_der(with_certs=False)), "ocsp_signature", "Response Verify Failure"),
    (undelegated, "ocsp_responder", "missing ocspsigning usage"),
    (wrong_cert_id_response_der, "ocsp_cert_id", "No Status found"),
], ids=["bad-signature", "responder-not-authorised", "cert-id-of-another-certificate"])
def test_a_response_that_fails_its_check_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: Any, fault: str, openssl: str
) -> None:
    files = beside_its_certificates(tmp_path, make())
    assert openssl in openssl_says(files)  # openssl rejects it too
    code, out, err = run_cli(capsys, "inspect", *files, "--at", AT)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"tlsexplorer: error: {files[0]}: the OCSP response does not hold: ")
    assert "does NOT hold" in out
    code, out, err = run_cli(capsys, "inspect", *files, "--json", "--at", AT)
    assert code == 1 and len(err.strip().splitlines()) == 1
    check = json.loads(out)["files"][0]["objects"][0]["check"]
    assert check["checked"] and [s["check"] for s in check["steps"] if not s["ok"]] == [fault]


def test_a_stale_response_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    files = beside_its_certificates(tmp_path, response_der(next_days=1))
    later = NOW + dt.timedelta(days=2)
    assert ocsp.load_der_ocsp_response(response_der(next_days=1)).next_update_utc < later  # stale then
    code, _out, err = run_cli(capsys, "inspect", *files, "--at", later.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert code == 1 and "the answer is stale" in err
    code, _out, err = run_cli(capsys, "inspect", *files, "--at", AT)  # fresh at NOW
    assert code == 0, err


@needs_openssl
@pytest.mark.parametrize("status", [ocsp.OCSPCertStatus.GOOD, ocsp.OCSPCertStatus.REVOKED],
                         ids=["good", "revoked"])
def test_a_response_that_holds_exits_0_whatever_it_answers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, status: ocsp.OCSPCertStatus
) -> None:
    files = beside_its_certificates(tmp_path, response_der(status, with_certs=False))
    said = openssl_says(files)
    # (the status line stands alone after openssl's warning that the answer's times are past today)
    assert "Response verify OK" in said
    assert status.name.lower() in [line.strip() for line in said.splitlines()]
    code, out, err = run_cli(capsys, "inspect", *files, "--json", "--at", AT)
    assert code == 0 and err == ""
    check = json.loads(out)["files"][0]["objects"][0]["check"]
    assert check["checked"] and check["status"] == status.name.lower()
    # nothing at hand to check it against: not checked, not a failure
    code, out, err = run_cli(capsys, "inspect", files[0], "--json", "--at", AT)
    assert code == 0 and err == "" and json.loads(out)["files"][0]["objects"][0]["check"]["checked"] is False
