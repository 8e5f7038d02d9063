"""``tls scan`` and ``tls probe --proxy/--starttls`` on the command line: --json, exit codes, errors."""

from __future__ import annotations

import json

import pytest

from tests.cli.support import run_cli
from tests.scan_support import connect_proxy, s_server, starttls_server
from tests.tls_support import ROOT, closed_port
from tests.tools import needs_openssl


@needs_openssl
def test_scan_json_follows_the_house_conventions(capsys: pytest.CaptureFixture[str]) -> None:
    with s_server("-tls1_3") as port:
        code, out, err = run_cli(capsys, "tls", "scan", f"127.0.0.1:{port}", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["error"] is None and doc["grade"] in ("A", "A-", "B", "C", "F")
    versions = {v["version"]: v["accepted"] for v in doc["versions"]}
    assert versions["TLS 1.3"] is True and versions["TLS 1.2"] is False
    assert all(s["code"].startswith("0x") for block in doc["cipher_suites"] for s in block["suites"])
    assert {g["name"] for g in doc["groups"]} >= {"X25519MLKEM768", "x25519"}
    assert doc["ocsp_stapling"]["stapled"] is False  # s_server without -status_file staples nothing
    assert not any("OCSP" in note for note in doc["untested"])


@needs_openssl
def test_scan_text_names_the_grade_and_the_fixes(capsys: pytest.CaptureFixture[str]) -> None:
    with s_server("-tls1_2", "-cipher", "AES128-SHA") as port:
        code, out, _ = run_cli(capsys, "tls", "scan", f"127.0.0.1:{port}")
    assert code == 0
    assert "grade" in out and "TLS_RSA_WITH_AES_128_CBC_SHA" in out
    assert "nginx:" in out and "Apache:" in out and "Python:" in out


def test_an_unreachable_server_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "tls", "scan", f"127.0.0.1:{closed_port()}")
    assert code == 1 and out == ""
    assert err.startswith("tlsexplorer: error: connection refused") and err.count("\n") == 1


@pytest.mark.parametrize("args", [
    ["--proxy", "socks5://127.0.0.1:1"], ["--workers", "0"], ["--timeout", "0"], ["--starttls", "gopher"],
    ["--servername", " "],
])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, _, err = run_cli(capsys, "tls", "scan", "127.0.0.1:9", *args)
    assert code == 2 and err.startswith("tlsexplorer: error:") and err.count("\n") == 1


def test_probe_after_starttls_and_through_a_proxy(capsys: pytest.CaptureFixture[str]) -> None:
    ca = str(ROOT)
    with starttls_server("imap") as server:
        code, out, err = run_cli(capsys, "tls", "probe", f"localhost:{server.port}", "--starttls", "imap",
                                 "--ca", ca, "--json")
    assert code == 0, err
    assert json.loads(out)["verified"] is True
    with connect_proxy(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n") as proxy:
        code, out, err = run_cli(capsys, "tls", "probe", "127.0.0.1:9", "--proxy",
                                 f"http://127.0.0.1:{proxy.port}", "--insecure", "--json")
    assert code == 1
    error = json.loads(out)["error"]
    assert error == (f"the proxy 127.0.0.1:{proxy.port} refused CONNECT 127.0.0.1:9: "
                     "407 Proxy Authentication Required")
