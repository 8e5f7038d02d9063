"""Loopback servers for the connect/scan tests: openssl s_server, STARTTLS servers, a CONNECT proxy.

Every server listens on 127.0.0.1 only, serves each connection in its own
daemon thread, and stops when its context ends.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.tls_support import ALICE, closed_port

OPENSSL = shutil.which("openssl")


@contextlib.contextmanager
def s_server(*options: str, cert: Path = ALICE.cert, key: Path = ALICE.key) -> Iterator[int]:
    """``openssl s_server -www`` on a free port of 127.0.0.1 with ``options``; yields the port."""
    assert OPENSSL is not None
    for _attempt in range(5):
        port = closed_port()
        process = subprocess.Popen(
            [OPENSSL, "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(cert), "-key", str(key),
             "-www", *options],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ready = threading.Event()

        def watch(process: subprocess.Popen[str] = process, ready: threading.Event = ready) -> None:
            assert process.stdout is not None
            for line in process.stdout:
                if "ACCEPT" in line:
                    ready.set()
            ready.set()

        threading.Thread(target=watch, daemon=True).start()
        ready.wait(30)
        if process.poll() is None:
            try:
                yield port
            finally:
                process.kill()
                process.wait(10)
            return
        time.sleep(0.2)
    pytest.fail(f"openssl s_server {' '.join(options)} did not start")


def s_client_accepts(port: int, *options: str) -> str | None:
    """The cipher ``openssl s_client`` negotiates with ``options`` (None when the handshake fails)."""
    assert OPENSSL is not None
    done = subprocess.run(
        [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-brief", *options],
        input="", capture_output=True, text=True, timeout=60)
    for line in (done.stdout + done.stderr).splitlines():
        if line.startswith("Ciphersuite:"):
            return line.split(":", 1)[1].strip()
    return None


class Listener:
    """A TCP listener on 127.0.0.1 that hands each connection to ``serve`` in its own thread."""

    def __init__(self, serve: Callable[[socket.socket], None]) -> None:
        self.serve = serve
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port: int = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.seen: list[bytes] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        with contextlib.suppress(OSError, ssl.SSLError), conn:
            self.serve(conn)

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


def read_until(conn: socket.socket, end: bytes, limit: int = 65536) -> bytes:
    """Read from ``conn`` until ``end`` arrives (or the peer closes)."""
    data = b""
    while end not in data and len(data) < limit:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def tls_context() -> ssl.SSLContext:
    """Alice's certificate, as a server context (TLS 1.2 and 1.3)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ALICE.cert, ALICE.key)
    return context


def _smtp(conn: socket.socket) -> bool:
    conn.sendall(b"220 mail.test ESMTP ready\r\n")
    read_until(conn, b"\r\n")
    conn.sendall(b"250-mail.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
    read_until(conn, b"STARTTLS\r\n")
    conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
    return True


def _imap(conn: socket.socket) -> bool:
    conn.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
    line = read_until(conn, b"\r\n")
    tag = line.split(b" ", 1)[0]
    if b"CAPABILITY" in line.upper():
        conn.sendall(b"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n" + tag + b" OK done\r\n")
        line = read_until(conn, b"\r\n")
        tag = line.split(b" ", 1)[0]
    conn.sendall(tag + b" OK Begin TLS negotiation now\r\n")
    return True


def _pop3(conn: socket.socket) -> bool:
    conn.sendall(b"+OK POP3 ready\r\n")
    line = read_until(conn, b"\r\n")
    if line.upper().startswith(b"CAPA"):
        conn.sendall(b"+OK\r\nSTLS\r\n.\r\n")
        read_until(conn, b"\r\n")
    conn.sendall(b"+OK Begin TLS\r\n")
    return True


def _ftp(conn: socket.socket) -> bool:
    conn.sendall(b"220-Welcome\r\n220 FTP ready\r\n")
    read_until(conn, b"\r\n")
    conn.sendall(b"234 AUTH TLS successful\r\n")
    return True


def _postgres(conn: socket.socket) -> bool:
    data = b""
    while len(data) < 8:
        data += conn.recv(8 - len(data))
    assert data == (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")
    conn.sendall(b"S")
    return True


def _ldap(conn: socket.socket) -> bool:
    request = conn.recv(4096)
    assert b"1.3.6.1.4.1.1466.20037" in request
    # LDAPMessage { messageID 1, ExtendedResponse { resultCode success, matchedDN "", diagnosticMessage "" } }
    conn.sendall(bytes.fromhex("300c02010178070a010004000400"))
    return True


def _xmpp(conn: socket.socket) -> bool:
    read_until(conn, b"version='1.0'>", 4096)  # the end of the client's stream header
    conn.sendall(b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                 b"xmlns:stream='http://etherx.jabber.org/streams' id='1' from='localhost' version='1.0'>"
                 b"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
                 b"</stream:features>")
    read_until(conn, b"/>")
    conn.sendall(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    return True


OPENINGS: dict[str, Callable[[socket.socket], bool]] = {
    "smtp": _smtp, "imap": _imap, "pop3": _pop3, "ftp": _ftp, "postgres": _postgres, "ldap": _ldap,
    "xmpp": _xmpp,
}


@contextlib.contextmanager
def starttls_server(protocol: str, context: ssl.SSLContext | None = None) -> Iterator[Listener]:
    """A small server that speaks ``protocol``'s opening, then TLS with alice's certificate."""
    context = context or tls_context()

    def serve(conn: socket.socket) -> None:
        if OPENINGS[protocol](conn):
            with context.wrap_socket(conn, server_side=True) as tls, contextlib.suppress(OSError):
                tls.recv(1)

    with Listener(serve) as listener:
        yield listener


@contextlib.contextmanager
def connect_proxy(answer: bytes | None = None, hosts: dict[str, str] | None = None) -> Iterator[Listener]:
    """An HTTP proxy that relays to loopback only (``answer``: refuse with it instead).

    It speaks CONNECT (what TLS clients ask) and, for a plain http:// URL, an
    absolute-form GET (what an AIA download through a proxy asks). ``hosts``
    maps names only the proxy knows (``lab.invalid``) to 127.0.0.1, so a client
    that reaches them can only have gone through the proxy.
    """
    names = {"127.0.0.1": "127.0.0.1", "localhost": "127.0.0.1", **(hosts or {})}

    def serve(conn: socket.socket) -> None:
        request = read_until(conn, b"\r\n\r\n")
        listener.seen.append(request)
        if answer is not None:
            conn.sendall(answer)
            return
        method, target = request.split(b" ")[:2]
        if method == b"GET" and target.startswith(b"http://"):
            where, _, path = target[len(b"http://"):].partition(b"/")
            host, _, port = where.decode().rpartition(":")
            with socket.create_connection((names[host], int(port or 80)), timeout=30) as upstream:
                upstream.sendall(b"GET /" + path + b" HTTP/1.0\r\nHost: " + where + b"\r\n\r\n")
                while data := upstream.recv(65536):
                    conn.sendall(data)
            return
        host, _, port = target.decode().rpartition(":")
        with socket.create_connection((names[host], int(port)), timeout=30) as upstream:
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            _relay(conn, upstream)

    listener = Listener(serve)
    with listener:
        yield listener


def _relay(a: socket.socket, b: socket.socket) -> None:
    def pump(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    other = threading.Thread(target=pump, args=(b, a), daemon=True)
    other.start()
    pump(a, b)
    other.join(30)
