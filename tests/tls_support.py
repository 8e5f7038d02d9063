"""Helpers shared by the TLS lab's tests: servers on free loopback ports that always stop."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

from tlsexplorer.core.tls.server import LabServer, ServerFiles, load_server_context
from tlsexplorer.samples import SAMPLES_DIR

ALICE = ServerFiles(
    SAMPLES_DIR / "alice.example.net.fullchain.pem", SAMPLES_DIR / "alice.example.net.key.pem"
)
ROOT = SAMPLES_DIR / "charlies-root-ca.pem"
INTERMEDIATE = SAMPLES_DIR / "charlies-intermediate-ca.pem"


def root_pem() -> bytes:
    """Charlie's root CA, PEM."""
    return ROOT.read_bytes()


@contextlib.contextmanager
def lab_server(
    files: ServerFiles | None = ALICE, *, plain: bool = False, client_ca: Path | None = None,
    max_tls12: bool = False, timeout: float = 5.0,
) -> Iterator[LabServer]:
    """A LabServer on a free port of 127.0.0.1, stopped whatever happens."""
    context = None
    if not plain and files is not None:
        context = load_server_context(files, client_ca=client_ca)
        if max_tls12:
            context.maximum_version = ssl.TLSVersion.TLSv1_2
    server = LabServer(context, port=0, timeout=timeout)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def silent_peer() -> Iterator[int]:
    """A TCP listener on 127.0.0.1 that accepts and never says a word; yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        listener.close()
        for conn in held:
            conn.close()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def https_get(
    port: int, *, cadata: str | None = None, host: str = "localhost",
    certfile: Path | None = None, keyfile: Path | None = None,
) -> tuple[bytes, str | None]:
    """GET / over TLS with Python's ssl; returns the response and the negotiated version."""
    context = ssl.create_default_context(cadata=cadata or ROOT.read_text())
    if certfile is not None:
        context.load_cert_chain(certfile, keyfile)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock, \
            context.wrap_socket(sock, server_hostname=host) as tls:
        version = tls.version()
        tls.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := tls.recv(65536):
            data += chunk
        return data, version
