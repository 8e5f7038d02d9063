"""``tlsexplorer tls``: exit codes, one-line errors, the --json schemas, and serve's clean stop."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.cli.support import run_cli
from tests.tls_support import ALICE, ROOT, ChildOutput, closed_port, https_get, lab_server
from tlsexplorer.cli import main
from tlsexplorer.core.ca.build import private_key_pem


def test_probe_json_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with lab_server() as server:
        target = f"localhost:{server.port}"
        code, out, err = run_cli(capsys, "tls", "probe", target, "--json")
        assert code == 1
        document = json.loads(out)
        assert document["connected"] is True and document["verified"] is False
        assert document["error"] == "certificate verify failed: unable to get local issuer certificate"
        code, out, _ = run_cli(capsys, "tls", "probe", target, "--ca", str(ROOT), "--json")
        assert code == 0
        document = json.loads(out)
        assert document["tls_version"] == "TLSv1.3" and document["verified"] is True
        assert [c["subject"].split(",")[0] for c in document["peer_chain"]] == [
            "CN=alice.example.net", "CN=Charlie's Intermediate CA"]
        assert all(len(c["fingerprint_sha256"]) == 64 for c in document["peer_chain"])
        code, out, err = run_cli(capsys, "tls", "probe", target, "--insecure", "--json")
        assert code == 0 and "warning: --insecure" in err
        json.loads(out)
        code, out, _ = run_cli(capsys, "tls", "probe", target, "--ca", str(ROOT), "--pem")
        assert code == 0 and out.count("-----BEGIN CERTIFICATE-----") == 2 and "TLSv1.3" in out


def test_probe_faults_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "tls", "probe", f"127.0.0.1:{closed_port()}", "--timeout", "1")
    assert code == 1 and "connection refused" in out
    code, _, err = run_cli(capsys, "tls", "probe", "localhost:notaport")
    assert code == 2 and err.startswith("tlsexplorer: error:") and err.count("\n") == 1
    code, _, err = run_cli(capsys, "tls", "probe", "localhost:8443", "--ca", "/nonexistent/ca.pem")
    assert code == 2 and "no such file" in err and "Traceback" not in err


def test_serve_refuses_bad_keys_without_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key = serialization.load_pem_private_key(ALICE.key.read_bytes(), None)
    encrypted = tmp_path / "enc.key.pem"
    encrypted.write_bytes(private_key_pem(key, b"right"))  # type: ignore[arg-type]
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("wrong\n")
    base = ["tls", "serve", "--port", "0", "--cert", str(ALICE.cert)]
    code, _, err = run_cli(capsys, *base, "--key", str(encrypted))
    assert code == 1 and "stdin is not a terminal" in err and "--key-password-file" in err
    code, _, err = run_cli(capsys, *base, "--key", str(encrypted), "--key-password-file", str(wrong))
    assert code == 1 and "passphrase does not open" in err
    code, _, err = run_cli(capsys, *base, "--key", str(ROOT.parent / "expired.key.pem"))
    assert code == 1 and "does not belong to the certificate" in err
    code, _, err = run_cli(capsys, "tls", "serve", "--cert", str(ALICE.cert))
    assert code == 2 and "go together" in err
    with lab_server() as server:
        code, _, err = run_cli(capsys, "tls", "serve", "--port", str(server.port))
        assert code == 2 and "already in use" in err


@pytest.mark.parametrize("own_files", [False, True], ids=["sample", "own files"])
def test_serve_logs_connections_and_stops_on_ctrl_c(tmp_path: Path, own_files: bool) -> None:
    files: list[str] = []
    if own_files:  # paths are printed as they are: "[bold]" in a name is not markup
        folder = tmp_path / "site[1]"
        folder.mkdir()
        shutil.copy(ALICE.cert, folder / "cert[bold].pem")
        shutil.copy(ALICE.key, folder / "key.pem")
        files = ["--cert", str(folder / "cert[bold].pem"), "--key", str(folder / "key.pem")]
    process = subprocess.Popen(
        [sys.executable, "-m", "tlsexplorer", "tls", "serve", "--port", "0", *files],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )
    output = ChildOutput(process)
    try:
        first = output.wait_for("127.0.0.1:")
        port = int(first.split("127.0.0.1:")[1].split()[0])
        body, _ = https_get(port)
        assert b"200 OK" in body
        output.wait_for("SNI=localhost")  # the connection is logged once it ended: wait for it
        process.send_signal(signal.SIGINT)
        out, err = output.finish()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    assert process.returncode == 0, err
    assert "SNI=localhost" in out and '"GET / HTTP/1.1" 200' in out
    assert "stopped after 1 connection(s)" in out
    assert "Traceback" not in err
    if own_files:
        assert f"certificate: {tmp_path / 'site[1]' / 'cert[bold].pem'}" in out


def test_scenarios_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "tls", "scenarios", "--only", "no_ca", "with_ca", "--json")
    assert code == 0
    document = json.loads(out)
    assert [d["id"] for d in document] == ["no_ca", "with_ca"]
    assert document[0]["ok"] is False and document[1]["ok"] is True
    assert all(d["as_expected"] for d in document)
    assert {"curl", "openssl", "python"} <= set(document[0]["commands"])
    code, _, err = run_cli(capsys, "tls", "scenarios", "--only", "nope")
    assert code == 2 and "unknown scenario" in err


def test_wire_plain_shows_the_secret_and_tls_hides_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "tls", "wire", "--plain", "--json")
    plain = json.loads(out)
    assert code == 0 and plain["kind"] == "http" and plain["secret_visible"] is True
    code, out, _ = run_cli(capsys, "tls", "wire", "--json")
    tls = json.loads(out)
    assert code == 0 and tls["kind"] == "tls" and tls["secret_visible"] is False
    assert tls["tls_version"] == "TLS 1.3" and tls["sni"] == "localhost"
    assert tls["records"][0]["messages"] == ["ClientHello"]
    code, out, _ = run_cli(capsys, "tls", "wire", "--tls-max", "1.2")
    assert code == 0 and "Certificate" in out and "in the clear" in out


def test_the_course_story_with_a_ca_made_by_the_workbench(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """ca init + ca issue, then serve --ca DIR --name NAME, then probe with and without the CA."""
    from tlsexplorer.core.tls.server import LabServer
    from tlsexplorer.core.tls.server_files import ca_issued_files, load_server_context

    ca_dir = tmp_path / "myca"
    assert main(["ca", "init", str(ca_dir), "--cn", "My Local CA", "--key-type", "p256"]) == 0
    assert main(["ca", "issue", str(ca_dir), "localhost", "--san", "127.0.0.1", "--key-type", "p256"]) == 0
    capsys.readouterr()
    files = ca_issued_files(ca_dir, "localhost")
    assert files.cert.name == "localhost.fullchain.pem" and files.key.name == "localhost.key.pem"
    with LabServer(load_server_context(files), port=0) as server:
        code, out, _ = run_cli(capsys, "tls", "probe", f"127.0.0.1:{server.port}", "--json")
        assert code == 1 and "unable to get local issuer certificate" in json.loads(out)["error"]
        target = f"127.0.0.1:{server.port}"
        ca_pem = str(ca_dir / "ca.pem")
        code, out, _ = run_cli(capsys, "tls", "probe", target, "--ca", ca_pem, "--strict", "--json")
        document = json.loads(out)
        assert code == 0 and document["verified"] is True  # IP SAN, and strict clients accept it
        assert document["peer_chain"][0]["subject"] == "CN=localhost"
    code, _, err = run_cli(capsys, "tls", "serve", "--ca", str(ca_dir), "--name", "nosuch.example",
                        "--port", "0")
    assert code == 2 and "no such file" in err


def test_wire_with_your_own_ca_or_certificate_records_a_whole_exchange(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """wire --ca DIR --name NAME and --cert/--key: the recording client trusts what is served (it
    trusted only Charlie's root, so the handshake failed and no request crossed)."""
    ca_dir = tmp_path / "myca"
    assert main(["ca", "init", str(ca_dir), "--cn", "My Local CA", "--key-type", "p256"]) == 0
    assert main(["ca", "issue", str(ca_dir), "localhost", "--key-type", "p256"]) == 0
    assert main(["ca", "issue", str(ca_dir), "www.shop.test", "--key-type", "p256"]) == 0
    capsys.readouterr()
    issued = ca_dir / "issued"
    for args, sni in [
        (["--ca", str(ca_dir), "--name", "localhost"], "localhost"),
        (["--ca", str(ca_dir), "--name", "www.shop.test"], "www.shop.test"),  # no localhost in its SAN
        (["--cert", str(issued / "localhost.fullchain.pem"), "--key", str(issued / "localhost.key.pem")],
         "localhost"),
    ]:
        code, out, err = run_cli(capsys, "tls", "wire", *args, "--json")
        document = json.loads(out)
        assert code == 0 and "request failed" not in err, (args, err)
        assert document["sni"] == sni and document["secret_visible"] is False
        assert any(r["content_type"] == "ApplicationData" for r in document["records"]
                   if r["direction"] == "client" and not r["messages"])
        assert len(document["records"]) >= 6  # the whole exchange, not a refused handshake


def test_probe_pem_prints_a_hostile_certificate_name_as_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--pem's '# subject' line: a server's name with rich markup or an ESC is printed as text, escaped."""
    from tests.render.test_tls_render import _hostile_certificate_der
    from tlsexplorer.core.tls import probe as tls_probe
    peer = tls_probe.PeerCertificate.from_der(_hostile_certificate_der())
    result = tls_probe.ProbeResult("localhost", 8443, "localhost", True, "TLSv1.3", "TLS_AES_256_GCM_SHA384",
                                   None, True, None, (peer,), "read from the Certificate message",
                                   "the given CA")
    monkeypatch.setattr(tls_probe, "probe", lambda *args, **kwargs: result)
    code, out, err = run_cli(capsys, "tls", "probe", "localhost:8443", "--pem")
    assert code == 0, err
    assert "# CN=evil[/]x[bold]\\x1b[2J" in out and "\x1b" not in out


def test_serve_started_in_the_background_of_a_shell_stops_on_sigint(tmp_path: Path) -> None:
    """A shell starts a background job with SIGINT ignored (`tlsexplorer tls serve &`); the server
    puts the default back, so `kill -INT` (and Ctrl+C once in the foreground) stops it cleanly."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tlsexplorer", "tls", "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # what the shell does
    )
    try:
        assert process.stdout is not None
        assert "127.0.0.1:" in process.stdout.readline()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    assert process.returncode == 0, err
    assert "stopped after 0 connection(s)" in out and "Traceback" not in err


def test_ca_files_of_any_form_for_probe_and_serve(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.core.test_tls_server import _ca_files

    paths = _ca_files(tmp_path)
    with lab_server() as server:
        for name in ("der", "comment"):
            code, out, err = run_cli(capsys, "tls", "probe", f"localhost:{server.port}", "--ca",
                                     str(paths[name]), "--json")
            assert code == 0 and json.loads(out)["verified"] is True, (name, err)
    for name, words in (("random", "no certificate found"), ("empty", "is empty")):
        code, _, err = run_cli(capsys, "tls", "probe", f"localhost:{closed_port()}", "--ca", str(paths[name]))
        assert code == 2 and err.startswith("tlsexplorer: error: ") and err.count("\n") == 1, err
        assert str(paths[name]) in err and words in err
        code, _, err = run_cli(capsys, "tls", "serve", "--port", "0", "--client-ca", str(paths[name]))
        assert code == 1 and err.startswith("tlsexplorer: error: ") and err.count("\n") == 1, err
        assert str(paths[name]) in err and words in err
