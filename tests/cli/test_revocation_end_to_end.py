"""Revocation end to end: a CA made by ``ca init``, revoked by ``ca revoke``, published by ``ca crl`` and
answered by ``ca ocsp``, then checked by ``verify --crl``, ``--fetch`` and ``--ocsp``: the two halves of
the feature agree with each other, and with openssl on the same files."""

from __future__ import annotations

import functools
import http.server
import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import tlsexplorer.core.ca.ocsp as ocsp
from tests.cli.support import run_cli
from tlsexplorer.core.ca.responder import OcspResponder
from tlsexplorer.core.ca.store import load_ca
from tlsexplorer.core.fetch import clear_cache

Cap = pytest.CaptureFixture[str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def crl_server(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A plain HTTP server publishing the folder ``tmp_path/www`` (where the CA's CRL goes)."""
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    handler.log_message = lambda *args: None  # type: ignore[assignment]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    clear_cache()
    try:
        yield www, int(httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()


def cli_json(capsys: Cap, *args: str) -> tuple[int, dict[str, object]]:
    code, out, err = run_cli(capsys, *args, "--json")
    assert out, err
    return code, json.loads(out)


def test_the_cas_crl_and_responder_decide_verify(tmp_path: Path, capsys: Cap,
                                                 crl_server: tuple[Path, int]) -> None:
    www, http_port = crl_server
    ocsp_port = free_port()
    ca = tmp_path / "ca"
    code, _, err = run_cli(capsys, "ca", "init", str(ca), "--cn", "End To End Root",
                           "--crl-url", f"http://127.0.0.1:{http_port}/root.crl",
                           "--ocsp-url", f"http://127.0.0.1:{ocsp_port}/")
    assert code == 0, err
    for name in ("good.test", "bad.test"):
        code, _, err = run_cli(capsys, "ca", "issue", str(ca), name)
        assert code == 0, err
    good, bad, root = ca / "issued" / "good.test.pem", ca / "issued" / "bad.test.pem", ca / "ca.pem"
    assert run_cli(capsys, "ca", "revoke", str(ca), str(bad), "--reason", "keyCompromise")[0] == 0
    crl = www / "root.crl"
    code, _, err = run_cli(capsys, "ca", "crl", str(ca), "--output", str(crl))
    assert code == 0, err

    # A CRL given on the command line.
    code, report = cli_json(capsys, "verify", str(bad), "--ca", str(root), "--crl", str(crl))
    assert code == 1 and report["valid"] is False
    verdict = str(report["revocation_verdict"])
    assert verdict.startswith("revoked on") and "keyCompromise" in verdict
    code, report = cli_json(capsys, "verify", str(good), "--ca", str(root), "--crl", str(crl),
                            "--crl-check", "leaf")
    assert code == 0 and report["valid"] is True
    assert report["revocation_verdict"] == "valid, not revoked"

    # openssl says the same on the same files.
    def openssl_verify(leaf: Path) -> int:
        return subprocess.run(["openssl", "verify", "-crl_check", "-CRLfile", str(crl), "-CAfile", str(root),
                               str(leaf)], capture_output=True, timeout=60).returncode
    assert openssl_verify(good) == 0 and openssl_verify(bad) != 0

    # The CRL downloaded from the distribution point the CA wrote into the certificates.
    code, report = cli_json(capsys, "verify", str(bad), "--ca", str(root), "--fetch", "--crl-check", "leaf")
    assert code == 1 and "revoked on" in str(report["revocation_verdict"])
    code, report = cli_json(capsys, "verify", str(good), "--ca", str(root), "--fetch", "--crl-check", "leaf")
    assert code == 0 and report["revocation_verdict"] == "valid, not revoked"

    # The CA's own OCSP responder, at the URL the CA wrote into the certificates.
    loaded = load_ca(ca)
    with OcspResponder(ca, loaded.certificate, ocsp.ca_signer(loaded.certificate, loaded.key),
                       port=ocsp_port):
        code, report = cli_json(capsys, "verify", str(bad), "--ca", str(root), "--ocsp")
        assert code == 1
        leaf_checks = report["revocation"][0]  # type: ignore[index]
        assert [(c["source"], c["status"], c["reason"]) for c in leaf_checks] == [
            ("ocsp", "revoked", "keyCompromise")]
        code, report = cli_json(capsys, "verify", str(good), "--ca", str(root), "--ocsp",
                                "--crl-check", "leaf")
        assert code == 0 and report["revocation_verdict"] == "valid, not revoked"

    # The responder is down: status unknown, a failure only with --crl-check.
    code, report = cli_json(capsys, "verify", str(good), "--ca", str(root), "--ocsp")
    assert code == 0 and "revocation status unknown" in str(report["revocation_verdict"])
    assert [c["status"] for c in report["revocation"][0]] == ["unknown"]  # type: ignore[index]
    code, _report = cli_json(capsys, "verify", str(good), "--ca", str(root), "--ocsp", "--crl-check", "leaf")
    assert code == 1
