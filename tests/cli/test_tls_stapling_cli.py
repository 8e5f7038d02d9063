"""``tls serve --staple`` seen by ``openssl s_client -status``; ``tls probe --status`` against s_server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.x509 import ocsp

from tests.cli.support import run_cli
from tests.stapling_support import alice_response, alice_serial, openssl_s_server, responder
from tests.tls_support import ALICE, ROOT, ChildOutput
from tests.tools import needs_openssl


def _serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tlsexplorer", "tls", "serve", "--port", "0", "--cert", str(ALICE.cert),
         "--key", str(ALICE.key), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )


def _started(output: ChildOutput) -> tuple[int, str]:
    """The port, and what the server said up to its stapling line."""
    first = output.wait_for("127.0.0.1:")
    said = output.wait_for("stapling:")
    return int(first.split("127.0.0.1:")[1].split()[0]), said


@needs_openssl
@pytest.mark.parametrize("from_responder", [False, True])
def test_openssl_s_client_status_shows_the_staple(tmp_path: Path, from_responder: bool) -> None:
    answer = alice_response(ocsp.OCSPCertStatus.REVOKED)
    path = tmp_path / "alice.ocsp"
    path.write_bytes(answer)
    with responder(answer) as (url, seen):
        process = _serve("--staple", url if from_responder else str(path))
        output = ChildOutput(process)
        try:
            port, said = _started(output)
            done = subprocess.run(
                ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "alice.example.net",
                 "-status"], input="", capture_output=True, text=True, timeout=60)
            output.wait_for("SNI=alice.example.net")  # logged once the connection ended: wait for it
            process.send_signal(signal.SIGINT)
            out, err = output.finish()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
    assert "OCSP Response Status: successful" in done.stdout
    assert "Cert Status: revoked" in done.stdout and f"Serial Number: {alice_serial():X}" in done.stdout
    assert process.returncode == 0 and "Traceback" not in err
    assert "stapling:" in said and "revoked" in said.split("stapling:")[1]
    assert "SNI=alice.example.net" in out
    assert len(seen) == (1 if from_responder else 0)


def test_serve_staple_refuses_what_it_cannot_staple(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.der"
    garbage.write_bytes(b"not an OCSP response")
    code, _out, err = run_cli(capsys, "tls", "serve", "--port", "0", "--staple", str(garbage))
    assert code == 1 and err.count("\n") == 1 and "nothing to staple" in err and "Traceback" not in err
    code, _out, err = run_cli(capsys, "tls", "serve", "--plain", "--staple", str(garbage))
    assert code == 2 and "--plain" in err


@needs_openssl
def test_probe_status_json_against_openssl_s_server(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "alice.ocsp"
    path.write_bytes(alice_response())
    with openssl_s_server(tmp_path, path) as port:
        code, out, err = run_cli(capsys, "tls", "probe", f"127.0.0.1:{port}", "--servername",
                                 "alice.example.net", "--ca", str(ROOT), "--status", "--json")
        assert code == 0, err
        stapled = json.loads(out)["ocsp_stapling"]
        assert stapled["stapled"] is True and stapled["error"] is None
        single = stapled["response"]["responses"][0]
        assert single["status"] == "good" and single["cert_id"]["serial"] == format(alice_serial(), "x")
        code, out, err = run_cli(capsys, "tls", "probe", f"127.0.0.1:{port}", "--servername",
                                 "alice.example.net", "--ca", str(ROOT), "--status")
        assert code == 0 and "OCSP stapling" in out and "good" in out
