"""OCSP stapling material for tests: a response about Alice's certificate, openssl s_server, a responder."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from tests.tls_support import ALICE, INTERMEDIATE
from tlsexplorer.samples import SAMPLES_DIR

INTERMEDIATE_KEY = SAMPLES_DIR / "charlies-intermediate-ca.key.pem"


def alice_response(
    status: ocsp.OCSPCertStatus = ocsp.OCSPCertStatus.GOOD, *, serial_of: x509.Certificate | None = None
) -> bytes:
    """An OCSP response about Alice's certificate, signed by Charlie's intermediate (her issuer), now."""
    leaf = x509.load_pem_x509_certificates(ALICE.cert.read_bytes())[0]
    issuer = x509.load_pem_x509_certificate(INTERMEDIATE.read_bytes())
    key = serialization.load_pem_private_key(INTERMEDIATE_KEY.read_bytes(), None)
    now = dt.datetime.now(dt.timezone.utc)
    revoked = now - dt.timedelta(days=1) if status == ocsp.OCSPCertStatus.REVOKED else None
    response = (
        ocsp.OCSPResponseBuilder()
        .add_response(cert=serial_of or leaf, issuer=issuer, algorithm=hashes.SHA1(), cert_status=status,
                      this_update=now - dt.timedelta(minutes=5), next_update=now + dt.timedelta(days=1),
                      revocation_time=revoked,
                      revocation_reason=x509.ReasonFlags.key_compromise if revoked else None)
        .responder_id(ocsp.OCSPResponderEncoding.NAME, issuer)
        .sign(key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return response.public_bytes(serialization.Encoding.DER)


def alice_serial() -> int:
    return x509.load_pem_x509_certificates(ALICE.cert.read_bytes())[0].serial_number


@contextlib.contextmanager
def openssl_s_server(tmp_path: Path, status_file: Path | None) -> Iterator[int]:
    """openssl s_server with Alice's chain on 127.0.0.1, stapling ``status_file``; yields its port."""
    command = ["openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", str(ALICE.cert),
               "-key", str(ALICE.key), "-cert_chain", str(INTERMEDIATE)]
    if status_file is not None:
        command += ["-status_file", str(status_file)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        port = 0
        for _ in range(20):
            line = process.stdout.readline()
            if line.startswith("ACCEPT"):
                port = int(line.rsplit(":", 1)[1])
                break
        assert port, "openssl s_server did not say where it listens"
        # it reports every connection: read it all, so it never blocks on a full pipe
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield port
    finally:
        process.kill()
        process.wait(10)


@contextlib.contextmanager
def responder(answer: bytes) -> Iterator[tuple[str, list[bytes]]]:
    """A one-page OCSP responder on 127.0.0.1 answering every POST with ``answer``; yields (url, requests)."""
    seen: list[bytes] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Type", "application/ocsp-response")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: object) -> None:
            return

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", seen
    finally:
        httpd.shutdown()
        httpd.server_close()



__all__ = ["INTERMEDIATE_KEY", "alice_response", "alice_serial", "openssl_s_server", "responder"]
