"""The loopback recorder: a relay on 127.0.0.1 that keeps the bytes of the first exchange.

:class:`WireRecorder` sits between a client and a server, forwards everything both
ways and keeps what crossed, in order, for :func:`~tlsexplorer.core.tls.records.analyse_exchange`.
The recording client logs its secrets (NSS key log format) to a private file that
lives only as long as the connection, so the exchange can be decrypted
(:mod:`tlsexplorer.core.tls.decrypt`). No client here reads SSLKEYLOGFILE: Python's
``ssl.create_default_context`` would, so contexts come from the probe's
:func:`~tlsexplorer.core.tls.probe.client_context`, which builds them without it.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import socket
import ssl
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.listen import LOOPBACK
from tlsexplorer.core.tls.probe import client_context
from tlsexplorer.core.tls.records import MAX_RECORDED_BYTES, Exchange, Segment

#: Seconds the recording client and the relay wait at each step. The server is the lab's own on
#: loopback, so this only guards against a hang: generous, because on a loaded machine one
#: handshake can take seconds, and a client that gave up mid-handshake logs no secrets (the
#: recording then cannot be decrypted).
RECORD_TIMEOUT = 30.0

# ---------------------------------------------------------------------------
# The recorder


class WireRecorder:
    """A loopback TCP relay that keeps the bytes of the first connection.

    ``start()`` listens on 127.0.0.1 on a free port (:attr:`port`); a client
    connecting there is relayed to ``target_port`` on 127.0.0.1, both ways.
    The first connection's bytes are kept as :attr:`exchange` once it ends;
    later connections are relayed without being kept. ``stop()`` closes
    everything; the relay never blocks longer than ``idle_timeout``.
    """

    def __init__(self, target_port: int, *, idle_timeout: float = 5.0) -> None:
        self.target_port = target_port
        """Where connections are relayed (always on 127.0.0.1)."""
        self.idle_timeout = idle_timeout
        """Seconds without traffic after which a relayed connection is dropped."""
        self.port = 0
        """The port the recorder listens on (set by :meth:`start`)."""
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._done = threading.Event()
        self._segments: list[Segment] = []
        self._truncated = False
        self._recording = True
        self._lock = threading.Lock()
        self._relays: list[threading.Thread] = []

    def start(self) -> WireRecorder:
        """Listen on 127.0.0.1 and relay in a background thread."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK, 0))
        listener.listen(16)
        listener.settimeout(0.1)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, name="wire-recorder", daemon=True)
        self._thread.start()
        return self

    def __enter__(self) -> WireRecorder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                conn, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                record = self._recording
                self._recording = False
            relay = threading.Thread(target=self._relay, args=(conn, record), daemon=True)
            self._relays.append(relay)
            relay.start()

    def _relay(self, client: socket.socket, record: bool) -> None:
        try:
            upstream = socket.create_connection((LOOPBACK, self.target_port), timeout=self.idle_timeout)
        except OSError:
            client.close()
            if record:
                self._done.set()
            return
        peers = {client: ("client", upstream), upstream: ("server", client)}
        kept = 0
        try:
            open_sides = {client, upstream}
            while open_sides and not self._stop.is_set():
                readable, _, _ = select.select(list(open_sides), [], [], self.idle_timeout)
                if not readable:
                    break
                for sock in readable:
                    direction, other = peers[sock]
                    try:
                        data = sock.recv(65536)
                    except OSError:
                        data = b""
                    if not data:
                        open_sides.discard(sock)
                        with contextlib.suppress(OSError):
                            other.shutdown(socket.SHUT_WR)
                        continue
                    if record:
                        if kept + len(data) <= MAX_RECORDED_BYTES:
                            with self._lock:
                                self._segments.append(Segment(direction, data))  # type: ignore[arg-type]
                            kept += len(data)
                        else:
                            self._truncated = True
                    try:
                        other.sendall(data)
                    except OSError:
                        open_sides.clear()
        finally:
            client.close()
            upstream.close()
            if record:
                self._done.set()

    def wait(self, timeout: float = 5.0) -> bool:
        """Wait until the recorded connection has ended; False on timeout."""
        return self._done.wait(timeout)

    @property
    def exchange(self) -> Exchange:
        """The bytes kept so far (the whole exchange once :meth:`wait` is True)."""
        with self._lock:
            return Exchange(tuple(self._segments), self._truncated)

    def stop(self) -> None:
        """Stop listening and relaying."""
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
        if self._thread is not None:
            self._thread.join(timeout=2)
        for relay in self._relays:
            relay.join(timeout=self.idle_timeout + 1)


@contextlib.contextmanager
def private_keylog() -> Iterator[Path]:
    """An empty key log file, 0600 in a private (0700) temporary folder, removed with the folder."""
    folder = Path(tempfile.mkdtemp(prefix="tlsexplorer-keylog-"))
    try:
        path = folder / "keylog.txt"
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def recorder_client_for(chain_pem: bytes, ca_pem: bytes | None = None) -> tuple[ssl.SSLContext, str]:
    """A client context that trusts the lab server serving ``chain_pem`` (leaf first), and the
    host name to ask for (a name from the leaf's SAN: localhost when it has it).

    With ``ca_pem`` (a CA folder's chain.pem, its root included) the chain is verified to that CA.
    Without it the client trusts the served certificates themselves (the leaf is pinned, with
    ``VERIFY_X509_PARTIAL_CHAIN``): it is our own server on loopback, and the name is still checked.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        certificates = x509.load_pem_x509_certificates(chain_pem)
    except ValueError:
        raise InvalidInput("no PEM certificate in the server's certificate file") from None
    try:
        san = certificates[0].extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns = [n for n in san.get_values_for_type(x509.DNSName) if not n.startswith("*.")]
        wildcards = [n[2:] for n in san.get_values_for_type(x509.DNSName) if n.startswith("*.")]
        ips = [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        dns, wildcards, ips = [], [], []
    names = [*dns, *(f"lab.{w}" for w in wildcards), *ips]
    host = "localhost" if "localhost" in names or not names else names[0]
    if ca_pem is not None:
        context = client_context([ca_pem])[0]
    else:
        pinned = "".join(c.public_bytes(Encoding.PEM).decode("ascii") for c in certificates)
        context = client_context([pinned.encode("ascii")])[0]
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return context, host


def record_request(
    target_port: int,
    *,
    tls: bool = True,
    cadata: str | None = None,
    server_hostname: str = "localhost",
    path: str = "/",
    timeout: float = RECORD_TIMEOUT,
    client_context: ssl.SSLContext | None = None,
) -> tuple[Exchange, str | None]:
    """Send one GET through a :class:`WireRecorder` to 127.0.0.1:``target_port`` and keep the bytes.

    Over TLS the client trusts ``cadata`` (PEM), or uses ``client_context`` when given, and
    checks ``server_hostname``; a failed handshake is recorded too (its alert is on the wire).
    The client's secrets are logged to a :func:`private_keylog` and kept in
    :attr:`Exchange.keylog`. Returns the exchange and the client's error, if any.
    """
    with private_keylog() as keylog_path:
        exchange, error = _record(target_port, tls, cadata, server_hostname, path, timeout, client_context,
                                  keylog_path)
        keylog = keylog_path.read_text("ascii", "replace") if tls else ""
    return replace(exchange, keylog=keylog), error


def _record(
    target_port: int,
    tls: bool,
    cadata: str | None,
    server_hostname: str,
    path: str,
    timeout: float,
    given: ssl.SSLContext | None,
    keylog_path: Path,
) -> tuple[Exchange, str | None]:
    error: str | None = None
    context: ssl.SSLContext | None = None
    if tls:
        context = given or client_context([cadata.encode()] if cadata else ())[0]
        context.keylog_filename = str(keylog_path)
    with WireRecorder(target_port, idle_timeout=timeout) as recorder:
        try:
            with socket.create_connection((LOOPBACK, recorder.port), timeout=timeout) as sock:
                conn: socket.socket = sock
                if context is not None:
                    conn = context.wrap_socket(sock, server_hostname=server_hostname)
                request = (
                    f"GET {path} HTTP/1.1\r\nHost: {server_hostname}\r\n"
                    "User-Agent: tlsexplorer-lab\r\nAccept: */*\r\nConnection: close\r\n\r\n"
                )
                conn.sendall(request.encode())
                while conn.recv(65536):
                    pass
                conn.close()
        except ssl.SSLCertVerificationError as exc:
            error = f"certificate verify failed: {exc.verify_message}"
        except (OSError, ssl.SSLError) as exc:
            error = str(exc) or exc.__class__.__name__
        finally:
            if context is not None:
                context.keylog_filename = None  # type: ignore[assignment]  # closes the log
        recorder.wait(timeout)
        return recorder.exchange, error


__all__ = [
    "RECORD_TIMEOUT",
    "WireRecorder",
    "private_keylog",
    "record_request",
    "recorder_client_for",
]
