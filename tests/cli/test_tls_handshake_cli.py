"""``tlsexplorer tls handshake``: the JSON shape, exit codes, --keylog, one-line errors."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest

from tests.cli.support import run_cli
from tests.tls_support import ROOT, closed_port, lab_server
from tlsexplorer.core.tls.keylog import parse_keylog

SECRETS = ("early_secret", "handshake_secret", "master_secret", "client_handshake_traffic_secret",
           "server_handshake_traffic_secret", "client_application_traffic_secret_0",
           "server_application_traffic_secret_0")
HEX = re.compile(r"^[0-9a-f]+$")


def test_json_shape_and_exit_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    keylog = tmp_path / "hs.keylog"
    with lab_server() as server:
        code, out, err = run_cli(capsys, "tls", "handshake", f"localhost:{server.port}", "--ca", str(ROOT),
                                 "--json", "--keylog", str(keylog))
    assert code == 0, err
    assert "not for production use" in err
    doc = json.loads(out)
    for key in ("client_random", "server_random", "group", "cipher", "hello_retry", "shared_secret",
                "secrets", "keys", "server_certificates", "chain", "certificate_verify", "server_finished",
                "response", "steps"):
        assert key in doc
    assert doc["group"] == "x25519" and doc["hello_retry"] is False
    for value in (doc["client_random"], doc["server_random"], doc["shared_secret"]):
        assert HEX.match(value)
    assert set(doc["secrets"]) == set(SECRETS) and all(HEX.match(v) for v in doc["secrets"].values())
    assert set(doc["keys"]) == {s for s in SECRETS if "traffic" in s}
    assert all(HEX.match(k["key"]) and len(k["iv"]) == 24 for k in doc["keys"].values())
    assert doc["server_certificates"][0].startswith("-----BEGIN CERTIFICATE-----")
    assert doc["chain"]["valid"] is True
    assert doc["certificate_verify"] == {"scheme": "rsa_pss_rsae_sha256", "by_hand": True, "library": True}
    assert doc["server_finished"]["ok"] is True
    assert doc["server_finished"]["expected"] == doc["server_finished"]["received"]
    assert doc["response"].startswith("HTTP/1.1 200 OK")
    assert all(set(step) == {"name", "title", "detail"} for step in doc["steps"])
    # The key log: 0600, the same secrets.
    assert stat.S_IMODE(keylog.stat().st_mode) == 0o600
    logged = parse_keylog(keylog.read_text()).for_connection(bytes.fromhex(doc["client_random"]))
    assert logged["SERVER_TRAFFIC_SECRET_0"].hex() == doc["secrets"]["server_application_traffic_secret_0"]
    # No overwrite without --force (exit 2, before connecting).
    code, _, err = run_cli(capsys, "tls", "handshake", f"localhost:{closed_port()}", "--keylog", str(keylog))
    assert code == 2 and err.startswith("tlsexplorer: error:") and "--force" in err and err.count("\n") == 1


def test_text_output_and_the_refusals(capsys: pytest.CaptureFixture[str]) -> None:
    with lab_server() as server:
        target = f"localhost:{server.port}"
        code, out, _ = run_cli(capsys, "tls", "handshake", target, "--ca", str(ROOT), "--decimal")
        assert code == 0
        assert "not for production use" in out and "CertificateVerify" in out and "Server Finished" in out
        # The chain does not verify without the CA: exit 1, unless --insecure.
        code, out, _ = run_cli(capsys, "tls", "handshake", target, "--json")
        assert code == 1 and json.loads(out)["stopped_at"] == "chain"
        code, out, err = run_cli(capsys, "tls", "handshake", target, "--insecure", "--json")
        assert code == 0 and "NOT checked" in err
    code, out, err = run_cli(capsys, "tls", "handshake", f"127.0.0.1:{closed_port()}", "--json")
    assert code == 1 and json.loads(out)["stopped_at"] == "connect"


@pytest.mark.parametrize(
    "args",
    [["localhost:0"], ["localhost:8443", "--group", "x448"], ["localhost:8443", "--cipher", "TLS_NULL"],
     ["localhost:8443", "--timeout", "0"], ["localhost:8443", "--path", "no-slash"]],
)
def test_usage_errors_exit_2_on_one_line(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, err = run_cli(capsys, "tls", "handshake", *args)
    assert code == 2 and out == "" and err.startswith("tlsexplorer: error:") and err.count("\n") == 1
