"""The recording client's key log: private, short-lived, and never the user's SSLKEYLOGFILE."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.tls_support import ROOT, lab_server
from tlsexplorer.core.tls.keylog import parse_keylog
from tlsexplorer.core.tls.probe import client_context, probe
from tlsexplorer.core.tls.recorder import private_keylog, record_request, recorder_client_for
from tlsexplorer.core.tls.records import analyse_exchange
from tlsexplorer.samples import SAMPLES_DIR


def test_the_recording_client_writes_its_key_log_to_a_private_file_then_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with private_keylog() as path:
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes() == b""
    assert not path.exists() and not path.parent.exists()
    with lab_server() as server:
        exchange, error = record_request(server.port, cadata=ROOT.read_text())
    assert error is None
    keylog = parse_keylog(exchange.keylog)
    hello = analyse_exchange(exchange).client_hello
    assert hello is not None
    labels = set(keylog.for_connection(hello.random))
    assert {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0"} <= labels
    assert list(tmp_path.iterdir()) == []


def test_no_client_reads_sslkeylogfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    users = tmp_path / "users-own.keylog"
    monkeypatch.setenv("SSLKEYLOGFILE", str(users))
    assert client_context([ROOT.read_bytes()])[0].keylog_filename is None
    chain = (SAMPLES_DIR / "alice.example.net.fullchain.pem").read_bytes()
    assert recorder_client_for(chain, ROOT.read_bytes())[0].keylog_filename is None
    assert recorder_client_for(chain)[0].keylog_filename is None
    with lab_server() as server:
        exchange, error = record_request(server.port, cadata=ROOT.read_text())
        assert error is None and exchange.keylog
        probe("127.0.0.1", server.port, ca_pems=[ROOT.read_bytes()], servername="localhost")
    assert not users.exists()


def test_the_cli_leaves_sslkeylogfile_alone(tmp_path: Path) -> None:
    users = tmp_path / "users-own.keylog"
    env = {**os.environ, "SSLKEYLOGFILE": str(users)}
    for argv in (["tls", "wire", "--json"], ["tls", "scenarios", "--only", "no_ca", "with_ca", "--json"]):
        done = subprocess.run([sys.executable, "-m", "tlsexplorer", *argv], env=env, capture_output=True,
                              timeout=120, check=False)
        assert done.returncode in (0, 1), done.stderr
    assert not users.exists()
