"""Real clients accept what the CA issues with default settings.

A server certificate for localhost and 127.0.0.1, issued by a new root and by
an intermediate under it, is accepted by ``openssl verify -x509_strict``, by
curl with ``--cacert`` and by Python's ssl with VERIFY_X509_STRICT against a
TLS server on 127.0.0.1 started here. The openssl and curl parts are skipped
(saying so) where those programs are missing; the course-style certificate
is refused, so the checks are not vacuous.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tlsexplorer.core.ca import store as ca_store

pytestmark = pytest.mark.network

OPENSSL = shutil.which("openssl")
CURL = shutil.which("curl")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A new root (RSA 2048, the default), an intermediate under it, and a server leaf from each."""
    base = tmp_path_factory.mktemp("pki")
    now = _now()
    ca_store.save(ca_store.build_root(base / "root", ca_store.CaRequest(cn="Real Client Root"), now))
    root = ca_store.load_ca(base / "root")
    inter_request = ca_store.CaRequest(cn="Real Client Inter")
    ca_store.save(ca_store.build_intermediate(root, base / "inter", inter_request, now))
    inter = ca_store.load_ca(base / "inter")
    for issuer in (root, inter):
        leaf = ca_store.LeafRequest("localhost", sans=("127.0.0.1",))
        ca_store.save(ca_store.build_leaf(issuer, leaf, now))
    return {"root": base / "root", "inter": base / "inter"}


@contextlib.contextmanager
def https_server(fullchain: Path, key: Path) -> Iterator[int]:
    """An HTTPS server on a free loopback port, serving the given chain; yields the port."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"hello from tlsexplorer\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(fullchain, key)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def python_strict_get(port: int, cafile: Path, host: str) -> bytes:
    context = ssl.create_default_context(cafile=str(cafile))
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=host) as tls:
        tls.sendall(f"GET / HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        data = b""
        while chunk := tls.recv(4096):
            data += chunk
    return data


@pytest.mark.parametrize("issuer", ["root", "inter"])
def test_python_ssl_strict_accepts(pki: dict[str, Path], issuer: str) -> None:
    paths = ca_store.issued_paths(pki[issuer], "localhost")
    with https_server(paths.fullchain, paths.key) as port:
        for host in ("localhost", "127.0.0.1"):
            assert b"hello from tlsexplorer" in python_strict_get(port, pki["root"] / "ca.pem", host)


@pytest.mark.parametrize("issuer", ["root", "inter"])
def test_openssl_verify_x509_strict_accepts(pki: dict[str, Path], issuer: str) -> None:
    if OPENSSL is None:
        pytest.skip("openssl is not installed here; the openssl verify part is skipped")
    paths = ca_store.issued_paths(pki[issuer], "localhost")
    result = subprocess.run(
        [OPENSSL, "verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname", "localhost",
         "-CAfile", str(pki["root"] / "ca.pem"), "-untrusted", str(paths.fullchain), str(paths.certificate)],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("OK")


@pytest.mark.parametrize("issuer", ["root", "inter"])
def test_curl_with_cacert_accepts(pki: dict[str, Path], issuer: str) -> None:
    if CURL is None:
        pytest.skip("curl is not installed here; the curl part is skipped")
    paths = ca_store.issued_paths(pki[issuer], "localhost")
    with https_server(paths.fullchain, paths.key) as port:
        for url, extra in ((f"https://localhost:{port}/", ["--resolve", f"localhost:{port}:127.0.0.1"]),
                           (f"https://127.0.0.1:{port}/", [])):
            result = subprocess.run(
                [CURL, "--silent", "--show-error", "--noproxy", "*", "--max-time", "20",
                 "--cacert", str(pki["root"] / "ca.pem"), *extra, url],
                capture_output=True, text=True, timeout=30,
            )
            assert result.returncode == 0, result.stderr
            assert "hello from tlsexplorer" in result.stdout


def test_the_course_style_certificate_is_refused(tmp_path: Path, pki: dict[str, Path]) -> None:
    """The same checks refuse a leaf from a CA without key usage (what the course made)."""
    root = ca_store.load_ca(pki["root"])
    product = ca_store.build_leaf(root, ca_store.LeafRequest("localhost", sans=("127.0.0.1",),
                                                             flaw="no-key-usage"), _now())
    files = tuple(type(f)(tmp_path / f.path.name, f.data, f.private, f.kind) for f in product.files)
    moved = ca_store.Product(product.action, files, product.certificate)
    ca_store.save(moved)
    with https_server(tmp_path / "localhost.fullchain.pem", tmp_path / "localhost.key.pem") as port, \
            pytest.raises(ssl.SSLCertVerificationError):
        python_strict_get(port, pki["root"] / "ca.pem", "localhost")
    if OPENSSL is not None:
        result = subprocess.run(
            [OPENSSL, "verify", "-x509_strict", "-CAfile", str(pki["root"] / "ca.pem"), "-untrusted",
             str(tmp_path / "localhost.fullchain.pem"), str(tmp_path / "localhost.pem")],
            capture_output=True, text=True, timeout=30,
        )
        assert result.returncode != 0
