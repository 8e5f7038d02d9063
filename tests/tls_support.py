"""Helpers shared by the TLS lab's tests: servers on free loopback ports that always stop."""

from __future__ import annotations

import contextlib
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tlsexplorer.core.tls.server import LabServer
from tlsexplorer.core.tls.server_files import ServerFiles, load_server_context
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


def handshake_in_memory(
    client_ctx: ssl.SSLContext, server_ctx: ssl.SSLContext, *, request: bytes = b"", response: bytes = b""
) -> tuple[bytes, bytes]:
    """A whole TLS connection between Python's ssl client and server through memory, no socket.

    The client sends ``request`` once the handshake is done and the server answers ``response``.
    Returns (what the client sent, what the server sent), byte for byte: the recording a sniffer
    would have, made by OpenSSL itself.
    """
    c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    client = client_ctx.wrap_bio(c_in, c_out, server_hostname="alice.example.net")
    server = server_ctx.wrap_bio(s_in, s_out, server_side=True)
    sent_by_client, sent_by_server = bytearray(), bytearray()

    def pump() -> None:
        data = c_out.read()
        sent_by_client.extend(data)
        s_in.write(data)
        data = s_out.read()
        sent_by_server.extend(data)
        c_in.write(data)

    for _ in range(10):
        for side in (client, server):
            with contextlib.suppress(ssl.SSLWantReadError):
                side.do_handshake()
        pump()
        if client.version() and server.version() and not (c_out.pending or s_out.pending):
            break
    if request:
        client.write(request)
        pump()
        received = b""
        with contextlib.suppress(ssl.SSLWantReadError):
            while len(received) < len(request):
                received += server.read(65536)
        assert received == request
    if response:
        server.write(response)
        pump()
        with contextlib.suppress(ssl.SSLWantReadError):
            client.read(65536)  # the client reads what the server sent (and any tickets)
        pump()
    return bytes(sent_by_client), bytes(sent_by_server)


def alice_server_context(max_tls12: bool = False) -> ssl.SSLContext:
    """A server context with alice.example.net's certificate and key."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(ALICE.cert, ALICE.key)
    if max_tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def recording_client_context(keylog: Path) -> ssl.SSLContext:
    """A client context that trusts anything and writes its secrets to ``keylog``."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.keylog_filename = str(keylog)
    return ctx



class ChildOutput:
    """A child's stdout read line by line on a thread of its own: wait for a line, then take it all.

    ``Popen.communicate`` reads the pipe's descriptor and misses what an earlier
    ``process.stdout.readline()`` already buffered; and a line the child prints after an event
    (a connection it logs) is waited for here, never slept for.
    """

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self.process = process
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._ended = False
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    @property
    def text(self) -> str:
        """Everything read so far."""
        with self._changed:
            return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """Everything read up to the first line holding ``text`` (AssertionError if none came)."""
        def seen() -> bool:
            return self._ended or any(text in line for line in self.lines)

        with self._changed:
            self._changed.wait_for(seen, timeout)
            for number, line in enumerate(self.lines):
                if text in line:
                    return "".join(self.lines[: number + 1])
        raise AssertionError(f"no line with {text!r} in {timeout:g} s; stdout: {self.text!r}; "
                             f"stderr: {self._stderr()!r}")

    def _stderr(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return "(still running)"
        return self.process.stderr.read()

    def finish(self, timeout: float = 60) -> tuple[str, str]:
        """Wait for the child to exit: (all its stdout, its stderr). Its output is small (< 64 KiB)."""
        self.process.wait(timeout)
        self._thread.join(timeout)
        assert self.process.stderr is not None
        return self.text, self.process.stderr.read()
