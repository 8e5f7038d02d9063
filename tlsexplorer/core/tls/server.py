"""A small HTTPS (or plain HTTP) server on 127.0.0.1 for the TLS lab.

It serves one page holding a secret message, one request per connection,
and reports every connection as a :class:`ConnectionEvent`: the SNI the
client asked for, the negotiated TLS version, cipher suite and ALPN, the
client certificate when mutual TLS is on, or why the handshake failed (the
client rejected our certificate, a plain HTTP request hit the HTTPS port...).

It only ever listens on 127.0.0.1. Each connection is handled in its own
thread with bounded timeouts, so a client that never speaks cannot hang it,
and :meth:`LabServer.stop` returns promptly.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import socket
import socketserver
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tlsexplorer.core.errors import (
    FileAccessError,
    InvalidInput,
    PasswordRequired,
    UsageError,
    WrongPassword,
)
from tlsexplorer.core.files import read_file
from tlsexplorer.core.text import printable
from tlsexplorer.core.x509 import safe

LOOPBACK = "127.0.0.1"
"""The only address the lab server listens on."""

DEFAULT_PORT = 8443
"""The port ``tls serve`` uses when none is given."""

DEFAULT_SECRET = "the password to the treasure chest is 'fluffy-tail-42'"
"""The secret message on the served page: visible on the wire over plain HTTP only."""

#: Seconds a client may take for its handshake and its request.
CLIENT_TIMEOUT = 5.0
#: Largest request head the server reads.
MAX_REQUEST = 16 * 1024


@dataclass(frozen=True)
class ServerFiles:
    """Where a server's certificate chain and key come from."""

    cert: Path
    """PEM file: the server certificate first, then its intermediates."""
    key: Path
    """PEM file with the private key (maybe encrypted)."""


def ca_issued_files(ca_dir: Path, name: str) -> ServerFiles:
    """The full chain and key the CA workbench wrote for ``name`` in ``ca_dir``.

    Uses the CA store's own layout (``issued/NAME.fullchain.pem`` and
    ``issued/NAME.key.pem``).

    Raises:
        FileAccessError: the folder has no certificate issued under that name.
    """
    fullchain = ca_dir / "issued" / f"{name}.fullchain.pem"
    key = ca_dir / "issued" / f"{name}.key.pem"
    try:
        from tlsexplorer.core.ca import store as ca_store
        paths: Any = getattr(ca_store, "issued_paths", None)
        if paths is not None:
            found = paths(ca_dir, name)
            fullchain = Path(getattr(found, "fullchain", fullchain))
            key = Path(getattr(found, "key", key))
    except ImportError:
        pass
    for path in (fullchain, key):
        if not path.is_file():
            raise FileAccessError(
                f"{path}: no such file; issue a certificate named {name!r} in {ca_dir} first "
                f"(tlsexplorer ca issue) or check --ca and --name"
            )
    return ServerFiles(fullchain, key)


def key_is_encrypted(data: bytes) -> bool:
    """True when a PEM private key needs a passphrase."""
    return b"ENCRYPTED" in data.split(b"-----END", 1)[0]


def load_server_context(
    files: ServerFiles,
    password: bytes | None = None,
    *,
    client_ca: Path | None = None,
    password_hint: str = "--key-password-file FILE (or type it at the prompt)",
) -> ssl.SSLContext:
    """Check the certificate and key, then build the server's SSL context.

    The checks come first so each problem has its own message: no
    certificate in the file, an encrypted key without a passphrase, a wrong
    passphrase, a key that does not belong to the certificate. ``password_hint``
    says where the passphrase is given (the CLI's option, or the TUI's field).

    Raises:
        InvalidInput: unreadable PEM, or a key that does not match.
        PasswordRequired: the key is encrypted and no passphrase was given.
        WrongPassword: the passphrase does not open the key.
        FileAccessError: a file is missing or unreadable.
    """
    cert_data = read_file(files.cert)
    key_data = read_file(files.key)
    try:
        certs = x509.load_pem_x509_certificates(cert_data)
    except Exception as exc:  # the library fails in ways it does not document (a v7 certificate)
        why = "" if isinstance(exc, ValueError) and "PEM" in str(exc) else f" ({safe.explain(exc)})"
        raise InvalidInput(f"{files.cert}: no PEM certificate found{why}; give the server's certificate "
                           "(its full chain, leaf first)") from None
    unreadable = safe.problems(certs[0])
    if unreadable:
        raise InvalidInput(f"{files.cert}: the certificate cannot be served: "
                           f"{'; '.join(u.sentence for u in unreadable)}")
    encrypted = key_is_encrypted(key_data)
    if encrypted and password is None:
        raise PasswordRequired(f"{files.key} is encrypted; give its passphrase with {password_hint}")
    if encrypted and not password:  # typed nothing at the prompt, or an empty file
        raise WrongPassword(f"an empty passphrase does not open {files.key}; give the one it was "
                            "written with")
    try:
        key = serialization.load_pem_private_key(key_data, password if encrypted else None)
    except ValueError as exc:
        if encrypted:
            raise WrongPassword(f"the passphrase does not open {files.key}; check it and try again") from None
        raise InvalidInput(f"{files.key}: not a PEM private key ({safe.explain(exc)})") from None
    except TypeError:
        raise InvalidInput(f"{files.key}: cannot be read as a private key") from None
    except Exception as exc:  # cryptography raises UnsupportedAlgorithm for odd keys
        raise InvalidInput(f"{files.key}: cannot be read as a private key ({safe.explain(exc)})") from None
    leaf_key = certs[0].public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    own_key = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if leaf_key != own_key:
        raise InvalidInput(
            f"{files.key} does not belong to the certificate in {files.cert} "
            f"({certs[0].subject.rfc4514_string()}); give the key the certificate was issued for"
        )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(files.cert), str(files.key), password=password if encrypted else None)
    except ssl.SSLError as exc:
        raise InvalidInput(f"OpenSSL refused {files.cert} with {files.key}: {exc.reason or exc}") from None
    context.set_alpn_protocols(["http/1.1"])
    if client_ca is not None:
        try:
            context.load_verify_locations(cadata=read_file(client_ca).decode("ascii", "replace"))
        except ssl.SSLError:
            raise InvalidInput(
                f"{client_ca}: no PEM CA certificate found (the client CA, for mutual TLS)"
            ) from None
        context.verify_mode = ssl.CERT_REQUIRED
    return context


@dataclass(frozen=True)
class ConnectionEvent:
    """One connection the server saw, and how it went."""

    number: int
    """1 for the first connection."""
    peer: str
    """The client's address and port."""
    tls: bool
    """False for plain HTTP."""
    sni: str | None = None
    """The server name the client asked for (none for an IP address)."""
    tls_version: str | None = None
    """Negotiated version as Python names it (``TLSv1.3``)."""
    cipher: str | None = None
    """Negotiated cipher suite."""
    alpn: str | None = None
    """Negotiated application protocol."""
    client_cert: str | None = None
    """The client certificate's subject (mutual TLS)."""
    request: str | None = None
    """The request line (``GET / HTTP/1.1``)."""
    status: int | None = None
    """The HTTP status sent."""
    error: str | None = None
    """Why the connection failed, in words."""

    def summary(self) -> str:
        """One log line."""
        parts = [f"#{self.number} {self.peer}"]
        if self.tls:
            if self.tls_version:
                parts.append(f"{self.tls_version} {self.cipher}")
                parts.append(f"SNI={self.sni or '-'}")
                parts.append(f"ALPN={self.alpn or '-'}")
            if self.client_cert:
                parts.append(f"client={self.client_cert}")
        else:
            parts.append("plain HTTP")
        if self.request:
            parts.append(f'"{self.request}" {self.status}')
        if self.error:
            parts.append(f"error: {self.error}")
        return "  ".join(parts)


def describe_server_error(exc: BaseException) -> str:
    """Say in words why a client's connection failed on the server side."""
    if isinstance(exc, _TlsOnPlain):
        return "a TLS ClientHello reached the plain HTTP port (use http://, or serve without --plain)"
    if isinstance(exc, _NoRequest):
        return "closed after the handshake without a request (a probe, or a client that gave up)"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"the client said nothing for {CLIENT_TIMEOUT:.0f} s; connection dropped"
    if isinstance(exc, ssl.SSLError):
        reason = (exc.reason or "").upper()
        table = {
            "TLSV1_ALERT_UNKNOWN_CA": "the client rejected our certificate: it does not trust the CA "
            "(alert unknown_ca)",
            "SSLV3_ALERT_BAD_CERTIFICATE": "the client rejected our certificate (alert bad_certificate)",
            "SSLV3_ALERT_CERTIFICATE_EXPIRED": "the client rejected our certificate: expired",
            "SSLV3_ALERT_CERTIFICATE_UNKNOWN": "the client rejected our certificate (alert "
            "certificate_unknown)",
            "HTTP_REQUEST": "a plain HTTP request reached the HTTPS port (use https://)",
            "WRONG_VERSION_NUMBER": "the client does not speak TLS",
            "NO_SHARED_CIPHER": "no cipher suite in common with the client",
            "UNSUPPORTED_PROTOCOL": "the client only offers a TLS version we do not accept",
            "PEER_DID_NOT_RETURN_A_CERTIFICATE": "mutual TLS: the client sent no certificate",
            "CERTIFICATE_VERIFY_FAILED": "mutual TLS: the client's certificate did not verify",
            "TLSV13_ALERT_CERTIFICATE_REQUIRED": "mutual TLS: the client sent no certificate",
        }
        if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
            # Say which check the client's certificate failed (its issuer, its purpose, its dates).
            return f"mutual TLS: the client's certificate did not verify: {exc.verify_message}"
        if reason in table:
            return table[reason]
        if isinstance(exc, ssl.SSLEOFError | ssl.SSLZeroReturnError):
            return "the client closed the connection during the handshake"
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return "the client reset the connection"
    return f"{exc.__class__.__name__}: {exc}"


def page(secret: str, tls: bool) -> bytes:
    """The HTML page served at ``/``."""
    how = "over HTTPS: only the two ends can read it" if tls else (
        "over plain HTTP: anyone on the path can read it")
    return (
        "<!doctype html>\n<html><head><title>tlsexplorer lab</title></head><body>\n"
        "<h1>Alice's Web Shop</h1>\n"
        f"<p>The secret message is: <b>{secret}</b></p>\n"
        f"<p>This page came {how}.</p>\n</body></html>\n"
    ).encode()


class _TcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 256

    def __init__(self, port: int, handler: Callable[[socket.socket, Any], None]) -> None:
        self._handle = handler
        super().__init__((LOOPBACK, port), socketserver.BaseRequestHandler, bind_and_activate=True)

    def finish_request(self, request: Any, client_address: Any) -> None:
        self._handle(request, client_address)


class LabServer:
    """The lab's web server: HTTPS with ``context``, or plain HTTP without one.

    Use :meth:`start` / :meth:`stop` or ``with LabServer(...) as server:``.
    Every connection is passed to ``on_event`` (called from the connection's
    thread) and kept in :attr:`events` (the last 1,000).
    """

    def __init__(
        self,
        context: ssl.SSLContext | None,
        *,
        port: int = 0,
        secret: str = DEFAULT_SECRET,
        on_event: Callable[[ConnectionEvent], None] | None = None,
        timeout: float = CLIENT_TIMEOUT,
        keylog: str | Path | None = None,
    ) -> None:
        if keylog is not None and context is not None:
            # For tests and cross-checks: OpenSSL appends this connection's secrets (NSS key log format).
            context.keylog_filename = str(keylog)
        self.context = context
        """The server's TLS context (None: plain HTTP)."""
        self.requested_port = port
        """The port asked for (0: any free port)."""
        self.secret = secret
        """The secret message on the page."""
        self.on_event = on_event
        """Called with each :class:`ConnectionEvent`."""
        self.timeout = timeout
        """Seconds a client may stay silent."""
        self.events: deque[ConnectionEvent] = deque(maxlen=1000)
        """The most recent connections."""
        self._server: _TcpServer | None = None
        self._thread: threading.Thread | None = None
        self._counter = itertools.count(1)
        self._connections = 0
        self._pages = {True: page(secret, True), False: page(secret, False)}
        if context is not None:
            context.sni_callback = _remember_sni

    @property
    def tls(self) -> bool:
        """True when serving HTTPS."""
        return self.context is not None

    @property
    def port(self) -> int:
        """The port listened on (after :meth:`start`)."""
        if self._server is None:
            return self.requested_port
        port: int = self._server.server_address[1]
        return port

    @property
    def url(self) -> str:
        """``https://localhost:PORT/`` (or http://)."""
        return f"{'https' if self.tls else 'http'}://localhost:{self.port}/"

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._server is not None

    def start(self) -> LabServer:
        """Listen on 127.0.0.1 and serve in a background thread.

        Raises:
            UsageError: the port is in use, or needs privileges.
        """
        if self._server is not None:
            return self
        try:
            self._server = _TcpServer(self.requested_port, self._handle)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"port {self.requested_port} on {LOOPBACK} is already in use; pick another port "
                    "(0 picks any free one), or stop the program using it"
                ) from None
            if exc.errno == errno.EACCES:
                raise UsageError(
                    f"port {self.requested_port} needs administrator rights; use a port above 1023 "
                    "such as 8443"
                ) from None
            raise UsageError(f"cannot listen on {LOOPBACK}:{self.requested_port}: {exc.strerror}") from None
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
            name="tls-lab-server", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close the socket and wait for the loop to end."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # One connection -------------------------------------------------------

    @property
    def connections(self) -> int:
        """How many connections were handled since :meth:`start` (also past the log's 1,000)."""
        return self._connections

    def _emit(self, event: ConnectionEvent) -> None:
        self._connections = max(self._connections, event.number)
        self.events.append(event)
        if self.on_event is not None:
            # A listener's bug must not kill the server.
            with contextlib.suppress(Exception):
                self.on_event(event)

    def _handle(self, sock: socket.socket, address: Any) -> None:
        number = next(self._counter)
        peer = f"{address[0]}:{address[1]}"
        sock.settimeout(self.timeout)
        conn: socket.socket = sock
        info: dict[str, Any] = {}
        try:
            if self.context is not None:
                tls = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
                conn = tls
                tls.do_handshake()
                cipher = tls.cipher()
                info = {
                    "sni": printable(getattr(tls, "tlsx_sni", None)),
                    "tls_version": tls.version(),
                    "cipher": cipher[0] if cipher else None,
                    "alpn": tls.selected_alpn_protocol(),
                    "client_cert": _client_subject(tls),
                }
            try:
                request = _read_head(conn)
            except ConnectionResetError:
                raise _NoRequest() from None
            except _TlsOnPlain:
                # Answer like any web server would, so the client learns at once that this is not TLS.
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                raise
            # The first line alone (a client may end it with a bare LF), with any control character
            # escaped: it goes straight to a terminal, and escape sequences there are an attack.
            line = printable(request.split(b"\n", 1)[0].rstrip(b"\r").decode("latin-1")[:200])
            status, body = self._respond(line)
            reason = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 400: "Bad Request"}[status]
            head = (
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\nServer: tlsexplorer-lab\r\n\r\n"
            ).encode()
            conn.sendall(head + body)
            self._emit(ConnectionEvent(number, peer, self.tls, request=line, status=status, **info))
        except (OSError, ssl.SSLError, ValueError) as exc:
            if isinstance(exc, ssl.SSLError) and exc.reason == "HTTP_REQUEST":
                _answer_plain_http(conn, self.port)
            self._emit(ConnectionEvent(number, peer, self.tls, error=describe_server_error(exc), **info))
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _respond(self, line: str) -> tuple[int, bytes]:
        parts = line.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            return 400, b"bad request\n"
        if parts[0] not in ("GET", "HEAD"):
            return 405, b"only GET is served here\n"
        if parts[1] not in ("/", "/index.html"):
            return 404, b"not found: try /\n"
        return 200, self._pages[self.tls]


def _answer_plain_http(conn: socket.socket, port: int) -> None:
    """Answer a plain HTTP request that reached the HTTPS port in plain HTTP, as nginx does, so
    curl shows why (instead of 'Connection reset by peer')."""
    body = (f"This port speaks HTTPS: a plain HTTP request was sent to it. "
            f"Use https://localhost:{port}/\n").encode()
    head = (f"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    # The handshake failed before any TLS record was sent: the socket under the SSLSocket is
    # still a clean TCP stream, written to directly.
    with contextlib.suppress(OSError):
        socket.socket.sendall(conn, head + body)
        socket.socket.shutdown(conn, socket.SHUT_WR)
        # Read what is left of the request before closing: closing with unread bytes sends a TCP
        # reset, which can make the client drop the answer unread.
        # (at most 16 KiB and 1 s, so a trickling client cannot hold the thread)
        deadline = time.monotonic() + 1.0
        left = MAX_REQUEST
        while left > 0 and (wait := deadline - time.monotonic()) > 0:
            conn.settimeout(wait)
            chunk = socket.socket.recv(conn, 4096)
            if not chunk:
                break
            left -= len(chunk)


def _remember_sni(sslobj: Any, server_name: str | None, _context: ssl.SSLContext) -> None:
    # The SSLSocket is a plain Python object: keep the SNI on it for the log.
    with contextlib.suppress(AttributeError):
        sslobj.tlsx_sni = server_name


def _client_subject(tls: ssl.SSLSocket) -> str | None:
    der = tls.getpeercert(binary_form=True)
    if not der:
        return None
    try:
        cert = x509.load_der_x509_certificate(der)
    except Exception:  # whatever a client sends
        return "(unreadable certificate)"
    return printable(safe.rfc4514_or_none(cert) or "(unreadable subject)")


class _NoRequest(OSError):
    """The client closed after the handshake without sending a request."""


class _TlsOnPlain(ValueError):
    """A TLS ClientHello reached the plain HTTP server."""


def _read_head(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            if not data:
                raise _NoRequest()
            break
        data += chunk
        if data[:2] == b"\x16\x03":
            raise _TlsOnPlain()
        if len(data) > MAX_REQUEST:
            raise ValueError("request head larger than 16 KiB")
    return data


def free_port() -> int:
    """A port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


__all__ = [
    "CLIENT_TIMEOUT",
    "DEFAULT_PORT",
    "DEFAULT_SECRET",
    "LOOPBACK",
    "ConnectionEvent",
    "LabServer",
    "ServerFiles",
    "ca_issued_files",
    "describe_server_error",
    "free_port",
    "key_is_encrypted",
    "load_server_context",
    "page",
]
