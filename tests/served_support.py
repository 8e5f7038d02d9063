"""Chains made for the served-chain tests: a root, an intermediate, leaves for localhost."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from tlsexplorer.core.tls.server_files import ServerFiles

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(
    subject: str, issuer: x509.Certificate | None, issuer_key: ec.EllipticCurvePrivateKey | None, *,
    ca: bool, days: float = 365, sans: tuple[str, ...] = (), aia: str | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """One certificate (self-signed when ``issuer`` is None) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    signer = issuer_key or key
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer is not None else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
                       critical=False)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                                        critical=False)
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
    if aia is not None:
        builder = builder.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
            AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(aia))]), critical=False)
    return builder.sign(signer, hashes.SHA256()), key


@dataclass
class Pki:
    """A root, an intermediate and a leaf for localhost, with the leaf's key."""

    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    leaf_key: ec.EllipticCurvePrivateKey

    def pem(self, *certs: x509.Certificate) -> bytes:
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)

    @property
    def root_pem(self) -> bytes:
        return self.pem(self.root)

    def serve_files(self, folder: Path, *certs: x509.Certificate, name: str = "site") -> ServerFiles:
        """Write ``certs`` (in this order) and the leaf's key for the lab server."""
        chain = folder / f"{name}.chain.pem"
        key = folder / f"{name}.key.pem"
        chain.write_bytes(self.pem(*certs))
        key.write_bytes(self.leaf_key.private_bytes(serialization.Encoding.PEM,
                                                    serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
        return ServerFiles(chain, key)


def make_pki(*, leaf_days: float = 200, aia: str | None = None, host: str = "localhost") -> Pki:
    """A fresh root -> intermediate -> leaf for ``host``."""
    root, root_key = make_cert("Served Test Root", None, None, ca=True, days=3650)
    inter, inter_key = make_cert("Served Test Intermediate", root, root_key, ca=True, days=1800)
    leaf, leaf_key = make_cert(host, inter, inter_key, ca=False, days=leaf_days, sans=(host,), aia=aia)
    return Pki(root, inter, leaf, leaf_key)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        route = self.server.routes.get(self.path)  # type: ignore[attr-defined]
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        route(self)

    def log_message(self, *_args: object) -> None:
        return


@contextlib.contextmanager
def http_server(routes: dict[str, Callable[[http.server.BaseHTTPRequestHandler], None]]) -> Iterator[int]:
    """A threaded HTTP server on a free port of 127.0.0.1 answering ``routes``; yields its port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.routes = routes  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def body(data: bytes, content_type: str = "application/pkix-cert") -> Callable[..., None]:
    """A route that answers ``data``."""
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    return answer


@contextlib.contextmanager
def s_server(cert: Path, key: Path, chain: Path | None, *options: str) -> Iterator[int]:
    """``openssl s_server -www`` on a free port of 127.0.0.1 sending ``cert`` then ``chain`` exactly in
    the file's order (no -build_chain); yields the port and kills it afterwards."""
    import subprocess
    import time

    from tests.tls_support import closed_port

    for _attempt in range(5):
        port = closed_port()
        extra = ["-cert_chain", str(chain)] if chain is not None else []
        process = subprocess.Popen(
            ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(cert), "-key", str(key),
             *extra, "-www", "-quiet", *options],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        import socket

        while time.monotonic() < deadline and process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        if process.poll() is None:
            try:
                yield port
            finally:
                process.kill()
                process.wait(10)
                assert process.stderr is not None
                process.stderr.close()
            return
        assert process.stderr is not None
        process.stderr.close()
    raise RuntimeError("openssl s_server did not start")


def write_pem(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` and return it."""
    path.write_bytes(data)
    return path
