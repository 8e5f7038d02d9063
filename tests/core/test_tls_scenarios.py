"""The scenario board plays the course's story, and curl/openssl agree where they exist."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.tls_support import ROOT, lab_server
from tests.tools import needs_curl, needs_openssl
from tlsexplorer.core.tls.scenarios import SCENARIOS, ScenarioResult, commands_for, run_scenarios


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ScenarioResult]:
    workdir = tmp_path_factory.mktemp("lab")
    return {r.scenario.id: r for r in run_scenarios(workdir, timeout=3)}


def test_every_scenario_ends_as_the_story_says(results: dict[str, ScenarioResult]) -> None:
    assert list(results) == [s.id for s in SCENARIOS]
    for result in results.values():
        assert result.as_expected, (result.scenario.id, result.error)
        assert result.reason
        tools = {tool for tool, _ in result.commands}
        assert {"openssl", "python", "curl"} <= tools


def test_errors_are_openssls_own(results: dict[str, ScenarioResult]) -> None:
    assert results["no_ca"].error == "certificate verify failed: unable to get local issuer certificate"
    assert results["with_ca"].error is None
    assert results["insecure"].warning and "NOT checked" in results["insecure"].warning
    assert "IP address mismatch" in (results["ip_mismatch"].error or "")
    assert "certificate has expired" in (results["expired"].error or "")
    assert "Authority Key Identifier" in (results["cn_only"].error or "")
    assert "accepts it" in results["cn_only"].reason  # the lenient client really accepts it
    assert "passphrase does not open" in (results["wrong_passphrase"].error or "")


def test_wrong_passphrase_key_is_written_private(tmp_path: Path) -> None:
    run_scenarios(tmp_path, ids=["wrong_passphrase"])
    key = tmp_path / "alice.encrypted.key.pem"
    assert key.stat().st_mode & 0o777 == 0o600
    assert b"ENCRYPTED" in key.read_bytes()


@needs_curl
def test_curl_agrees() -> None:
    with lab_server() as server:
        def curl(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(["curl", "-sS", "--max-time", "5", *args], capture_output=True, text=True,
                                  timeout=10, cwd=ROOT.parent)

        assert "curl --cacert charlies-root-ca.pem" in dict(commands_for("with_ca", server.port))["curl"]
        no_ca = curl(f"https://localhost:{server.port}/")
        assert no_ca.returncode == 60 and "unable to get local issuer certificate" in no_ca.stderr
        with_ca = curl("--cacert", ROOT.name, f"https://localhost:{server.port}/")
        assert with_ca.returncode == 0 and "secret message" in with_ca.stdout
        insecure = curl("--insecure", f"https://localhost:{server.port}/")
        assert insecure.returncode == 0
        by_ip = curl("--cacert", ROOT.name, f"https://127.0.0.1:{server.port}/")
        assert by_ip.returncode == 60


@needs_openssl
def test_openssl_s_client_agrees() -> None:
    with lab_server() as server:
        for scenario, expect in (("no_ca", False), ("with_ca", True)):
            command = dict(commands_for(scenario, server.port))["openssl"].replace(" </dev/null", "")
            done = subprocess.run(command.split(), input="", capture_output=True, text=True, timeout=10,
                                  cwd=ROOT.parent)
            assert (done.returncode == 0) == expect, (scenario, done.stdout, done.stderr)


OPENSSL_EXPECTATIONS = {
    "no_ca": ("alice", False, "unable to get local issuer certificate"),
    "with_ca": ("alice", True, "Verification: OK"),
    "ip_mismatch": ("alice", False, "IP address mismatch"),
    "expired": ("expired", False, "certificate has expired"),
    "cn_only": ("course", False, "Missing Authority Key Identifier"),
}


@needs_openssl
@pytest.mark.parametrize("scenario_id", sorted(OPENSSL_EXPECTATIONS))
def test_openssl_reproduces_each_client_scenario(scenario_id: str, tmp_path: Path) -> None:
    """The board's openssl command line, run for real, ends the same way."""
    from tlsexplorer.core.tls.scenarios import LabMaterial

    server_name, expect, says = OPENSSL_EXPECTATIONS[scenario_id]
    material = LabMaterial(tmp_path).prepare()
    with lab_server(material.files(server_name)) as server:
        command = dict(commands_for(scenario_id, server.port))["openssl"].replace(" </dev/null", "")
        done = subprocess.run(command.split(), input="", capture_output=True, text=True, timeout=10,
                              cwd=ROOT.parent)
    assert (done.returncode == 0) == expect, (command, done.stdout[-400:], done.stderr[-400:])
    assert says in done.stdout + done.stderr


@needs_openssl
@pytest.mark.parametrize("scenario_id", ["expired", "cn_only"])
def test_the_boards_server_command_reproduces_the_scenario(scenario_id: str, tmp_path: Path) -> None:
    """The 'server' line, run as written in a copy of the samples folder, serves what the client
    line then refuses for the board's reason."""
    import os
    import signal
    import sys
    import time

    from tests.tls_support import closed_port

    samples = tmp_path / "samples"
    shutil.copytree(ROOT.parent, samples, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    port = closed_port()
    commands = dict(commands_for(scenario_id, port))
    assert next(iter(commands)) == "server"
    serve = commands["server"].replace("tlsexplorer ", f"{sys.executable} -m tlsexplorer ")
    server = subprocess.Popen(["bash", "-c", f"exec {serve}" if "&&" not in serve else serve],
                              cwd=samples, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            assert server.poll() is None, server.communicate()
            time.sleep(0.05)
        client = commands["openssl"].replace(" </dev/null", "")
        done = subprocess.run(client.split(), input="", capture_output=True, text=True, timeout=10,
                              cwd=samples)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate(timeout=10)
    _name, expect, says = OPENSSL_EXPECTATIONS[scenario_id]
    assert (done.returncode == 0) == expect and says in done.stdout + done.stderr, (done.stdout, done.stderr)


@needs_openssl
def test_the_wrong_passphrase_lines_run_as_written_fail_on_the_passphrase(tmp_path: Path) -> None:
    """The encrypted key is the lab's own file: the board's server line makes it in the samples folder
    first, so running it as written ends on the passphrase, not on 'no such file'; openssl and Python
    then fail on the same key the same way."""
    import sys

    from tests.tls_support import closed_port

    samples = tmp_path / "samples"
    shutil.copytree(ROOT.parent, samples, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    commands = dict(commands_for("wrong_passphrase", closed_port()))
    assert next(iter(commands)) == "server"
    serve = commands["server"].replace("tlsexplorer ", f"{sys.executable} -m tlsexplorer ")
    done = subprocess.run(["bash", "-c", serve], cwd=samples, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "passphrase does not open alice.encrypted.key.pem" in done.stderr
    assert b"ENCRYPTED" in (samples / "alice.encrypted.key.pem").read_bytes()
    s_server = subprocess.run(commands["openssl"].split(), cwd=samples, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=10)
    assert s_server.returncode != 0 and "private key" in s_server.stdout + s_server.stderr
    python = commands["python"].replace("python3 ", f"{sys.executable} ", 1)
    loaded = subprocess.run(["bash", "-c", python], cwd=samples, capture_output=True, text=True, timeout=10)
    assert loaded.returncode != 0 and "SSLError" in loaded.stderr
