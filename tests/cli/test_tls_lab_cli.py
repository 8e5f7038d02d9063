"""``tls serve --fernet-key-file`` and ``--adhoc``, ``tls wire --fernet-key-file`` and the new scenarios."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.cli.support import run_cli
from tests.tls_support import ChildOutput
from tlsexplorer.core.tls.server import DEFAULT_SECRET

_OUTPUT: dict[int, ChildOutput] = {}
"""Each started server's stdout, read on a thread (a readline here would buffer lines away)."""


def _start(*args: str, cwd: Path) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen([sys.executable, "-m", "tlsexplorer", "tls", "serve", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                               env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
    output = _OUTPUT[process.pid] = ChildOutput(process)
    first = output.wait_for("127.0.0.1:").splitlines()[-1]
    return process, int(first.split("127.0.0.1:")[1].split()[0])


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        process.send_signal(signal.SIGINT)
        return _OUTPUT.pop(process.pid).finish(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)


def _get(port: int, path: str, context: ssl.SSLContext | None = None) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        sock = context.wrap_socket(raw, server_hostname="localhost") if context else raw
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data.split(b"\r\n\r\n", 1)[1]


def test_serve_fernet_makes_a_private_key_once_and_serves_tokens_it_opens(tmp_path: Path) -> None:
    process, port = _start("--plain", "--fernet-key-file", "lab.key", cwd=tmp_path)
    try:
        token = _get(port, "/fernet").strip()
        page = _get(port, "/")
    finally:
        out, err = _stop(process)
    key_file = tmp_path / "lab.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_bytes().strip()
    assert key.decode() in err and "shown this once" in err
    assert Fernet(key).decrypt(token) == DEFAULT_SECRET.encode()
    assert DEFAULT_SECRET.encode() not in page
    assert "Fernet page" in out and process.returncode == 0
    # The same file again: the key is read, not replaced, and not shown again.
    process, port = _start("--plain", "--fernet-key-file", "lab.key", cwd=tmp_path)
    try:
        assert Fernet(key).decrypt(_get(port, "/fernet").strip()) == DEFAULT_SECRET.encode()
    finally:
        _out, err = _stop(process)
    assert key.decode() not in err and key_file.read_bytes().strip() == key


def test_serve_refuses_a_bad_key_file_and_adhoc_with_files(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    bad = tmp_path / "bad.key"
    bad.write_text("not a key\n")
    code, _out, err = run_cli(capsys, "tls", "serve", "--port", "0", "--fernet-key-file", str(bad))
    assert code == 2 and err.startswith("tlsexplorer: error: ") and str(bad) in err and err.count("\n") == 1
    code, _out, err = run_cli(capsys, "tls", "serve", "--port", "0", "--adhoc", "--plain")
    assert code == 2 and "--adhoc" in err and "--plain" in err and "Traceback" not in err


def test_serve_adhoc_is_refused_by_a_verifying_client_and_read_with_verification_off(tmp_path: Path) -> None:
    process, port = _start("--adhoc", cwd=tmp_path)
    try:
        with pytest.raises(ssl.SSLCertVerificationError, match="self-signed"):
            _get(port, "/", ssl.create_default_context())
        insecure = ssl.create_default_context()
        insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE
        assert DEFAULT_SECRET.encode() in _get(port, "/", insecure)
    finally:
        out, err = _stop(process)
    assert "ad hoc" in out and process.returncode == 0 and "Traceback" not in err


def test_wire_fernet_shows_no_secret(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    key = tmp_path / "k"
    key.write_text(Fernet.generate_key().decode())
    code, out, _err = run_cli(capsys, "tls", "wire", "--plain", "--fernet-key-file", str(key), "--json")
    assert code == 0 and json.loads(out)["secret_visible"] is False
    code, out, _err = run_cli(capsys, "tls", "wire", "--plain", "--json")
    assert code == 0 and json.loads(out)["secret_visible"] is True


def test_scenarios_json_has_adhoc_and_one_liner(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_cli(capsys, "tls", "scenarios", "--only", "adhoc", "one_liner", "--json")
    assert code == 0
    found = {item["id"]: item for item in json.loads(out)}
    assert found["adhoc"]["ok"] is False and found["adhoc"]["as_expected"] is True
    assert found["adhoc"]["browser"]["chromium"] == "ERR_CERT_AUTHORITY_INVALID"
    one = found["one_liner"]
    assert one["as_expected"] is True and "Hostname mismatch" in one["error"]
    assert one["clients"][0]["accepted"] is True and one["clients"][-1]["accepted"] is False
    code, out, _err = run_cli(capsys, "tls", "scenarios", "--only", "one_liner")
    assert "curl.exe" in out and "Invoke-WebRequest" in out
