"""``tlsexplorer inspect`` on OCSP material: --json fields, exit codes, one-line errors."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.x509 import ocsp

from tests.cli.support import run_cli
from tests.ocsp_factory import NOW, garbage_response, pki, request_der, response_der, unsuccessful_der

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
